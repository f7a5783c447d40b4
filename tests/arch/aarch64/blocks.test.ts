/**
 * The block compiler (src/arch/aarch64/blocks/) against the interpreter: the same program run
 * with cpu.blockThreshold = 0 (every region compiled at first sight) and -1 (interpreter only)
 * must agree on registers, flags, memory, PC and cpu.icount after any budget, after a fault in
 * the middle of a compiled loop, and around code the guest rewrites. (tests/diff runs 2,000
 * random sequences in both modes against QEMU; tests/vmm/guests-blocks.test.ts every guest.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMachine, loadWords, getX, getPC, nzcv, ramBytes, type TestMachine } from '../../helpers/machine.js';
import { assemble } from '../../helpers/asm.js';
import { Stop } from '../../../src/arch/aarch64/cpu.js';
import { S } from '../../../src/arch/aarch64/state.js';
import { run } from '../../../src/arch/aarch64/run.js';
import { blockStats } from '../../../src/arch/aarch64/blocks/compile.js';

/** A machine with `src` at RAM base and blocks compiled at once (0) or never (-1). */
function machine(words: Uint32Array, threshold: number): TestMachine {
  const m = makeMachine();
  m.cpu.blockThreshold = threshold;
  loadWords(m, m.ramBase, words);
  m.cpu.s[S.PC] = m.ramBase | 0;
  m.cpu.s[S.PC_HI] = 0;
  return m;
}

function state(m: TestMachine): string {
  const x = Array.from({ length: 31 }, (_, i) => getX(m.cpu, i).toString(16));
  return `pc=${getPC(m.cpu).toString(16)} icount=${m.cpu.icount} nzcv=${nzcv(m.cpu)} x=${x.join(',')} mem=${Buffer.from(ramBytes(m, m.ramBase + 0x10000, 64)).toString('hex')}`;
}

// A loop of several blocks (a conditional inside, a store, a call and return) on one page,
// ending in an infinite loop: x5 counts odd values, x6 sums, memory gets a running record.
const LOOP = assemble(
  [
    'mov x0, #0',
    'mov x5, #0',
    'mov x6, #0',
    'adr x7, data',
    '1: add x0, x0, #1',
    'tbz x0, #0, 2f',
    'add x5, x5, #1',
    'bl sub',
    '2: add x6, x6, x0, lsl #1',
    'and x8, x0, #7',
    'str x6, [x7, x8, lsl #3]',
    'cmp x0, #200',
    'b.ne 1b',
    'b .',
    'sub: eor x9, x9, x0',
    'ret',
    '.balign 0x10000',
    'data: .quad 0',
  ].join('\n'),
);

test('a multi-block loop: every budget from 1 to 1500 stops on the same instruction as the interpreter', () => {
  const before = blockStats.compiled;
  for (let budget = 1; budget <= 1500; budget += budget < 40 ? 1 : 37) {
    const a = machine(LOOP, 0);
    const b = machine(LOOP, -1);
    assert.equal(run(a.cpu, budget), Stop.BUDGET);
    assert.equal(run(b.cpu, budget), Stop.BUDGET);
    assert.equal(state(a), state(b), `budget ${budget}`);
    assert.equal(a.cpu.icount, budget);
  }
  assert.ok(blockStats.compiled > before, 'no region was compiled');
});

test('a multi-block loop run in many small slices equals one long run', () => {
  const a = machine(LOOP, 0);
  for (let i = 0; i < 300; i++) run(a.cpu, 7);
  const b = machine(LOOP, -1);
  run(b.cpu, 2100);
  assert.equal(state(a), state(b));
  assert.equal(getX(a.cpu, 0), 200n);
  assert.equal(getX(a.cpu, 5), 100n);
});

test('a fault in the middle of a compiled loop reports the same PC, syndrome and count', () => {
  // x1 walks down from RAM into unmapped IPA space: the load traps to EL2 (stage 2) mid-loop.
  const words = assemble(['mov x1, #0x40000000', 'mov x2, #0', '1: ldr x3, [x1, #8]', 'add x2, x2, x3', 'sub x1, x1, #0x1000', 'b 1b'].join('\n'));
  const a = machine(words, 0);
  const b = machine(words, -1);
  a.cpu.s[2 * 1] = 0x40001000;
  assert.equal(run(a.cpu, 100_000), Stop.TRAP);
  assert.equal(run(b.cpu, 100_000), Stop.TRAP);
  assert.equal(state(a), state(b));
  assert.equal(a.cpu.s[S.ESR_EL2], b.cpu.s[S.ESR_EL2]);
  assert.equal(a.cpu.s[S.FAR_EL2], b.cpu.s[S.FAR_EL2]);
  assert.equal(a.cpu.s[S.HPFAR_EL2], b.cpu.s[S.HPFAR_EL2]);
});

test('code the guest rewrites (then IC IVAU; ISB) runs as rewritten, in a compiled loop', () => {
  // Each pass patches "add x0, x0, #imm" with imm = pass number, cleans to PoU, invalidates the
  // I-cache line and synchronises the context, then executes it: x0 = 1 + 2 + ... + 20.
  const words = assemble(
    [
      'mov x0, #0',
      'mov x1, #1',
      'adr x2, patch',
      'ldr w3, patch',
      '1: orr w4, w3, w1, lsl #10', // add x0, x0, #x1
      'str w4, [x2]',
      'dc cvau, x2',
      'dsb ish',
      'ic ivau, x2',
      'dsb ish',
      'isb',
      'patch: add x0, x0, #0',
      'add x1, x1, #1',
      'cmp x1, #21',
      'b.ne 1b',
      'b .',
    ].join('\n'),
  );
  for (const t of [0, 1, -1]) {
    const m = machine(words, t);
    run(m.cpu, 10_000);
    assert.equal(getX(m.cpu, 0), 210n, `blockThreshold ${t}`);
  }
});

test('a write to the code page of a running loop takes effect by the next pass', () => {
  // The loop body rewrites its own "mov x0, #1" into "mov x0, #42" once x1 reaches 5 (no IC:
  // the architecture lets the current pass run the old instruction; the next pass, after the
  // taken branch, must fetch the new one, as the interpreter and QEMU do).
  const words = assemble(
    [
      'mov x1, #0',
      'adr x2, slot',
      'ldr w3, new',
      '1: add x1, x1, #1',
      'cmp x1, #5',
      'b.ne 2f',
      'str w3, [x2]',
      '2: nop',
      'slot: mov x0, #1',
      'cmp x1, #10',
      'b.ne 1b',
      'b .',
      'new: mov x0, #42',
    ].join('\n'),
  );
  for (const t of [0, 1, -1]) {
    const m = machine(words, t);
    run(m.cpu, 1000);
    assert.equal(getX(m.cpu, 0), 42n, `blockThreshold ${t}`);
    assert.equal(getX(m.cpu, 1), 10n);
  }
});
