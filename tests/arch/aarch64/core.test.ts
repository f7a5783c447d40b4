import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMachine, runWords, getPC } from '../../helpers/machine.js';
import { Stop } from '../../../src/arch/aarch64/cpu.js';
import { S, SR, srIndex } from '../../../src/arch/aarch64/state.js';
import { run } from '../../../src/arch/aarch64/run.js';

test('an unallocated encoding takes an Undefined Instruction exception to VBAR_EL1 + 0x200', () => {
  const m = makeMachine();
  m.cpu.setSr(SR.VBAR_EL1, m.ramBase + 0x800, 0);
  const stop = runWords(m, [0x00000000], 1);
  assert.equal(stop, Stop.BUDGET);
  assert.equal(getPC(m.cpu), BigInt(m.ramBase + 0x800 + 0x200));
  assert.equal(m.cpu.s[srIndex(SR.ESR_EL1)] >>> 0, 0x02000000); // EC 0, IL 1
  assert.equal(m.cpu.s[srIndex(SR.ELR_EL1)] >>> 0, m.ramBase);
  assert.equal(m.cpu.s[srIndex(SR.SPSR_EL1)] >>> 0, 0x3c5); // EL1h, DAIF masked
});

test('fetching outside RAM traps to EL2 as an instruction abort with FAR and HPFAR', () => {
  const m = makeMachine();
  m.cpu.s[S.PC] = 0x09000000;
  const stop = run(m.cpu, 1);
  assert.equal(stop, Stop.TRAP);
  assert.equal(m.cpu.s[S.ESR_EL2] >>> 26, 0x20);
  assert.equal(m.cpu.s[S.ESR_EL2] & 0x3f, 0x04 + 1); // translation fault at level 1 (L1 entry 0 is empty)
  assert.equal(m.cpu.s[S.FAR_EL2] >>> 0, 0x09000000);
  assert.equal(m.cpu.s[S.HPFAR_EL2] >>> 0, 0x09000000 >>> 8);
  assert.equal(getPC(m.cpu), 0x09000000n);
});

test('run() returns even when the exception vector itself cannot be fetched', () => {
  const m = makeMachine();
  // Without stage 2, IPA = host address; both PC and the vector lie beyond host memory, so
  // every fetch takes a synchronous external abort to the (equally unfetchable) vector.
  m.cpu.setSr(SR.VBAR_EL1, 0x7ff00000, 0);
  m.cpu.s[S.HCR_EL2] = 0;
  const stop = runWords(m, [0x00000000], 100);
  assert.equal(m.cpu.s[srIndex(SR.ESR_EL1)] >>> 26, 0x21); // instruction abort, current EL
  assert.equal(stop, Stop.BUDGET);
});
