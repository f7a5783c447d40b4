import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMachine, getPC, getX, setX, setNzcv, getSP, setSP, TestMachine } from '../../helpers/machine.js';
import { assemble } from '../../helpers/asm.js';
import { S, SR } from '../../../src/arch/aarch64/state.js';
import { run } from '../../../src/arch/aarch64/run.js';
import { b, bl } from '../../../src/arch/aarch64/exec/branch.js';
import { cortexA57 } from '../../../src/arch/aarch64/cpus/cortex-a57.js';

const BASE = 0x40000000;
const VBAR = BASE + 0x10000;

/**
 * A machine whose EL1 vectors hold NOPs: an exception taken before an instruction is counted
 * (PSTATE.IL, a pending interrupt) does not use up run()'s budget, so the vector's first
 * instruction runs too.
 */
function machine(): TestMachine {
  const m = makeMachine();
  m.cpu.setSr(SR.VBAR_EL1, VBAR, 0);
  const nops = new Array(0x800 / 4).fill(0xd503201f);
  put(m, VBAR - BASE, nops);
  return m;
}

function esr(m: TestMachine): number {
  return m.cpu.sr(SR.ESR_EL1) >>> 0;
}

/** Write words at BASE + at (dropping decoded code). */
function put(m: TestMachine, at: number, words: ArrayLike<number>): void {
  const dv = new DataView(m.mem.memory.buffer);
  for (let i = 0; i < words.length; i++) dv.setUint32(m.ramHost + at + 4 * i, words[i] >>> 0, true);
  m.mem.dropAllCode();
}

/** Put `words` at BASE + at and execute one instruction from there. */
function loadAndRun(m: TestMachine, words: ArrayLike<number>, at: number): void {
  put(m, at, words);
  m.cpu.s[S.PC] = (BASE + at) | 0;
  m.cpu.s[S.PC_HI] = 0;
  run(m.cpu, 1);
}

/** Run one instruction word placed at BASE + at. */
function runAt(m: TestMachine, at: number, word: number): void {
  loadAndRun(m, [word], at);
}

test('B and BL reach the ends of their +-128 MiB range, forwards and backwards', () => {
  const m = machine();
  runAt(m, 0x100, 0x14000000 | 0x1ffffff); // B . + 0x7fffffc
  assert.equal(getPC(m.cpu), BigInt(BASE + 0x100 + 0x7fffffc));
  runAt(m, 0x100, 0x14000000 | 0x2000000); // B . - 0x8000000
  assert.equal(getPC(m.cpu), BigInt(BASE + 0x100 - 0x8000000));
  runAt(m, 0x100, 0x17ffffff); // B . - 4
  assert.equal(getPC(m.cpu), BigInt(BASE + 0xfc));
  runAt(m, 0x100, 0x14000000); // B . (offset 0)
  assert.equal(getPC(m.cpu), BigInt(BASE + 0x100));
  runAt(m, 0x100, 0x94000000 | 0x10); // BL . + 0x40
  assert.equal(getPC(m.cpu), BigInt(BASE + 0x140));
  assert.equal(getX(m.cpu, 30), BigInt(BASE + 0x104));
  runAt(m, 0x100, 0x97fffffe); // BL . - 8
  assert.equal(getPC(m.cpu), BigInt(BASE + 0xf8));
  assert.equal(getX(m.cpu, 30), BigInt(BASE + 0x104));
});

test('PC-relative targets carry and borrow across the 32-bit boundary', () => {
  const m = machine();
  const s = m.cpu.s;
  // B . + 0x20 at 0x0_fffffff0: PC holds the next address, 0x0_fffffff4.
  s[S.PC] = 0xfffffff4 | 0;
  s[S.PC_HI] = 0;
  b(m.cpu, 0x14000008);
  assert.equal(getPC(m.cpu), 0x1_00000010n);
  // BL . - 0x20 at 0x1_00000008.
  s[S.PC] = 0x0000000c;
  s[S.PC_HI] = 1;
  bl(m.cpu, 0x97fffff8);
  assert.equal(getPC(m.cpu), 0x0_ffffffe8n);
  assert.equal(getX(m.cpu, 30), 0x1_0000000cn);
  // Wrap-around at the top of the address space: B . + 8 at 0xffffffff_fffffffc.
  s[S.PC] = 0;
  s[S.PC_HI] = 0;
  b(m.cpu, 0x14000002);
  assert.equal(getPC(m.cpu), 4n);
});

/** Reference ConditionHolds over NZCV (N = 8, Z = 4, C = 2, V = 1). */
function holds(cond: number, f: number): boolean {
  const n = (f >> 3) & 1, z = (f >> 2) & 1, c = (f >> 1) & 1, v = f & 1;
  const base = [z === 1, c === 1, n === 1, v === 1, c === 1 && z === 0, n === v, n === v && z === 0, true][cond >> 1];
  return (cond & 1) === 1 && cond !== 15 ? !base : base;
}

test('B.cond follows every condition code for every NZCV value', () => {
  const m = machine();
  for (let cond = 0; cond < 16; cond++) {
    for (let f = 0; f < 16; f++) {
      setNzcv(m.cpu, f);
      runAt(m, 0x40, 0x54000000 | (0x20 << 5) | cond); // B.cond . + 0x80
      const taken = getPC(m.cpu) === BigInt(BASE + 0xc0);
      assert.equal(taken, holds(cond, f), `cond ${cond} nzcv ${f}`);
      if (!taken) assert.equal(getPC(m.cpu), BigInt(BASE + 0x44));
    }
  }
});

test('B.cond, CBZ, CBNZ reach +-1 MiB; BC.cond (FEAT_HBC) is unallocated', () => {
  const m = machine();
  setNzcv(m.cpu, 4);
  runAt(m, 0x100, 0x54000000 | (0x3ffff << 5)); // B.EQ . + 0xffffc
  assert.equal(getPC(m.cpu), BigInt(BASE + 0x100 + 0xffffc));
  runAt(m, 0x100, 0x54000000 | (0x40000 << 5)); // B.EQ . - 0x100000
  assert.equal(getPC(m.cpu), BigInt(BASE + 0x100 - 0x100000));
  setX(m.cpu, 3, 0n);
  runAt(m, 0x100, 0xb4000000 | (0x3ffff << 5) | 3); // CBZ X3, . + 0xffffc
  assert.equal(getPC(m.cpu), BigInt(BASE + 0x100 + 0xffffc));
  setX(m.cpu, 3, 1n);
  runAt(m, 0x100, 0xb5000000 | (0x40000 << 5) | 3); // CBNZ X3, . - 0x100000
  assert.equal(getPC(m.cpu), BigInt(BASE + 0x100 - 0x100000));
  runAt(m, 0x100, 0x54000010); // BC.EQ
  assert.equal(getPC(m.cpu), BigInt(VBAR + 0x200));
  assert.equal(esr(m), 0x02000000);
});

test('CBZ/CBNZ test 32 bits for W and 64 bits for X; XZR is zero', () => {
  const m = machine();
  const w = assemble('cbz w1, . + 0x20\ncbz x1, . + 0x20\ncbnz w1, . + 0x20\ncbnz x1, . + 0x20\ncbz xzr, . + 0x20\ncbnz wzr, . + 0x20');
  setX(m.cpu, 1, 0x1_00000000n);
  // X1 = 1 << 32: W1 is zero, X1 is not.
  const cases: [number, boolean][] = [
    [0, true],
    [1, false],
    [2, false],
    [3, true],
    [4, true],
    [5, false],
  ];
  for (const [i, taken] of cases) {
    runAt(m, 0x80, w[i]);
    assert.equal(getPC(m.cpu), BigInt(BASE + 0x80 + (taken ? 0x20 : 4)), `case ${i}`);
  }
});

test('TBZ/TBNZ test bit 0 and bit 63 and reach +-32 KiB', () => {
  const m = machine();
  const w = assemble('tbz x2, #63, . + 0x10\ntbnz x2, #63, . + 0x10\ntbz x2, #0, . + 0x10\ntbnz x2, #0, . + 0x10\ntbz w2, #31, . + 0x10');
  setX(m.cpu, 2, 0x8000000000000000n);
  const results: boolean[] = [];
  for (let i = 0; i < 5; i++) {
    runAt(m, 0x40, w[i]);
    results.push(getPC(m.cpu) === BigInt(BASE + 0x50));
  }
  assert.deepEqual(results, [false, true, true, false, true]);
  setX(m.cpu, 2, 1n);
  results.length = 0;
  for (let i = 0; i < 5; i++) {
    runAt(m, 0x40, w[i]);
    results.push(getPC(m.cpu) === BigInt(BASE + 0x50));
  }
  assert.deepEqual(results, [true, false, false, true, true]);
  setX(m.cpu, 2, 0n);
  runAt(m, 0x100, 0x36000000 | (0x1fff << 5) | 2); // TBZ W2, #0, . + 0x7ffc
  assert.equal(getPC(m.cpu), BigInt(BASE + 0x100 + 0x7ffc));
  runAt(m, 0x100, 0x36000000 | (0x2000 << 5) | 2); // TBZ W2, #0, . - 0x8000
  assert.equal(getPC(m.cpu), BigInt(BASE + 0x100 - 0x8000));
  setX(m.cpu, 2, 1n << 40n);
  runAt(m, 0x100, 0xb7400000 | (0x1fff << 5) | 2); // TBNZ X2, #40, . + 0x7ffc
  assert.equal(getPC(m.cpu), BigInt(BASE + 0x100 + 0x7ffc));
});

test('BR, BLR, RET (default X30 and other registers); BLR X30 reads the target first', () => {
  const m = machine();
  const w = assemble('br x5\nblr x6\nret\nret x7\nblr x30');
  setX(m.cpu, 5, 0x1234_5678_9abc_def0n);
  runAt(m, 0, w[0]);
  assert.equal(getPC(m.cpu), 0x1234_5678_9abc_def0n);
  setX(m.cpu, 6, BigInt(BASE + 0x800));
  runAt(m, 0x10, w[1]);
  assert.equal(getPC(m.cpu), BigInt(BASE + 0x800));
  assert.equal(getX(m.cpu, 30), BigInt(BASE + 0x14));
  runAt(m, 0x20, w[2]);
  assert.equal(getPC(m.cpu), BigInt(BASE + 0x14));
  setX(m.cpu, 7, 0xffff_0000_0000_1000n);
  runAt(m, 0x20, w[3]);
  assert.equal(getPC(m.cpu), 0xffff_0000_0000_1000n);
  setX(m.cpu, 30, BigInt(BASE + 0x900));
  runAt(m, 0x30, w[4]);
  assert.equal(getPC(m.cpu), BigInt(BASE + 0x900));
  assert.equal(getX(m.cpu, 30), BigInt(BASE + 0x34));
});

test('a misaligned branch target in the same page as the branch faults too', () => {
  const m = machine();
  setX(m.cpu, 5, BigInt(BASE + 0x202));
  loadAndRun(m, assemble('br x5'), 0);
  run(m.cpu, 1);
  assert.equal(esr(m) >>> 26, 0x22);
});

test('a misaligned BR target takes a PC alignment fault at the target fetch', () => {
  const m = machine();
  setX(m.cpu, 5, BigInt(BASE + 0x2002));
  loadAndRun(m, assemble('br x5'), 0);
  run(m.cpu, 1);
  assert.equal(esr(m) >>> 26, 0x22);
  assert.equal(getPC(m.cpu), BigInt(VBAR + 0x200)); // the faulting fetch spent the budget
  assert.equal(m.cpu.sr(SR.ELR_EL1) >>> 0, BASE + 0x2002);
  assert.equal(m.cpu.sr(SR.FAR_EL1) >>> 0, BASE + 0x2002);
});

test('the PAuth branches are UNDEFINED without FEAT_PAuth', () => {
  const m = machine();
  const w = assemble('retaa\nbraaz x1\nblraa x1, x2\neretaa\nbrab x3, sp', 'armv8.3-a');
  for (const word of w) {
    runAt(m, 0, word);
    assert.equal(getPC(m.cpu), BigInt(VBAR + 0x200));
    assert.equal(esr(m), 0x02000000);
  }
});

test('ERET to EL0 and SVC back: SP banking, ELR and SPSR', () => {
  const m = machine();
  const cpu = m.cpu;
  const w = assemble('eret');
  const svc = assemble('svc #0x42');
  loadAndRun(m, svc, 0x300);
  setSP(cpu, 0xa000n); // SP_EL1, live at EL1h
  cpu.s[S.SP_EL0] = 0xb000;
  cpu.setSr(SR.ELR_EL1, BASE + 0x300, 0);
  cpu.setSr(SR.SPSR_EL1, 0xf0000000 | 0x100, 0); // EL0t, NZCV set, A masked
  loadAndRun(m, w, 0);
  assert.equal(cpu.s[S.EL], 0);
  assert.equal(getPC(cpu), BigInt(BASE + 0x300));
  assert.equal(getSP(cpu), 0xb000n);
  assert.equal(cpu.s[S.NF] + cpu.s[S.ZF] + cpu.s[S.CF] + cpu.s[S.VF], 4);
  assert.equal(cpu.s[S.DAIF], 0x100);
  setSP(cpu, 0xb100n); // EL0 moves its stack
  run(cpu, 1); // SVC #0x42 at EL0
  assert.equal(cpu.s[S.EL], 1);
  assert.equal(cpu.s[S.SPSEL], 1);
  assert.equal(getPC(cpu), BigInt(VBAR + 0x400)); // lower EL, AArch64, synchronous
  assert.equal(esr(m), ((0x15 << 26) | (1 << 25) | 0x42) >>> 0);
  assert.equal(cpu.sr(SR.ELR_EL1) >>> 0, BASE + 0x304);
  assert.equal(cpu.sr(SR.SPSR_EL1) >>> 0, (0xf0000000 | 0x100) >>> 0);
  assert.equal(getSP(cpu), 0xa000n);
  assert.equal(cpu.s[S.SP_EL0], 0xb100);
});

test('ERET to EL1t selects SP_EL0; ERET at EL0 is UNDEFINED', () => {
  const m = machine();
  const cpu = m.cpu;
  setSP(cpu, 0xa000n);
  cpu.s[S.SP_EL0] = 0xc000;
  cpu.setSr(SR.ELR_EL1, BASE + 0x40, 0);
  cpu.setSr(SR.SPSR_EL1, 0x3c4, 0); // EL1t
  loadAndRun(m, assemble('eret'), 0);
  assert.equal(cpu.s[S.EL], 1);
  assert.equal(cpu.s[S.SPSEL], 0);
  assert.equal(getSP(cpu), 0xc000n);
  assert.equal(cpu.s[S.SP_EL1], 0xa000);
  assert.equal(getPC(cpu), BigInt(BASE + 0x40));
  // Now at EL0: ERET is UNDEFINED, taken from EL0 to the lower-EL vector.
  cpu.setSr(SR.SPSR_EL1, 0x0, 0);
  loadAndRun(m, assemble('eret'), 0);
  assert.equal(cpu.s[S.EL], 0);
  loadAndRun(m, assemble('eret'), 0x40);
  assert.equal(getPC(cpu), BigInt(VBAR + 0x400));
  assert.equal(esr(m), 0x02000000);
  assert.equal(cpu.sr(SR.ELR_EL1) >>> 0, BASE + 0x40);
});

test('an illegal ERET (to EL2) keeps EL, sets PSTATE.IL, and the next instruction takes EC 0x0E', () => {
  const m = machine();
  const cpu = m.cpu;
  cpu.setSr(SR.ELR_EL1, BASE + 0x80, 0);
  cpu.setSr(SR.SPSR_EL1, 0x3c9, 0); // EL2h
  loadAndRun(m, assemble('eret'), 0);
  assert.equal(cpu.s[S.EL], 1);
  assert.equal(cpu.s[S.IL], 1);
  assert.equal(getPC(cpu), BigInt(BASE + 0x80));
  run(cpu, 1);
  assert.equal(esr(m), ((0x0e << 26) | (1 << 25)) >>> 0);
  assert.equal(cpu.sr(SR.ELR_EL1) >>> 0, BASE + 0x80);
  assert.equal((cpu.sr(SR.SPSR_EL1) >>> 20) & 1, 1); // SPSR.IL records the illegal state
  assert.equal(cpu.s[S.IL], 0);
  assert.equal(getPC(cpu), BigInt(VBAR + 0x204)); // the vector's NOP ran too (see machine())
});

test('the branch rows decode on a Cortex-A57 too (no feature gates on the base forms)', () => {
  const m = makeMachine({ model: cortexA57 });
  runAt(m, 0, 0x14000004);
  assert.equal(getPC(m.cpu), BigInt(BASE + 0x10));
});
