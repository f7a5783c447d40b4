import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMachine, getPC, getX, setX, TestMachine } from '../../helpers/machine.js';
import { assemble } from '../../helpers/asm.js';
import { Stop } from '../../../src/arch/aarch64/cpu.js';
import { S, SR } from '../../../src/arch/aarch64/state.js';
import { run } from '../../../src/arch/aarch64/run.js';
import { S_EVENT } from '../../../src/arch/aarch64/exec/system.js';
import { findRow } from '../../../src/arch/aarch64/decode/table.js';

const BASE = 0x40000000;
const VBAR = BASE + 0x10000;
const NOP = 0xd503201f;
const IL = 1 << 25;

function put(m: TestMachine, at: number, words: ArrayLike<number>): void {
  const dv = new DataView(m.mem.memory.buffer);
  for (let i = 0; i < words.length; i++) dv.setUint32(m.ramHost + at + 4 * i, words[i] >>> 0, true);
  m.mem.dropAllCode();
}

/** EL1 vectors hold NOPs: an interrupt taken between instructions leaves the budget to them. */
function machine(): TestMachine {
  const m = makeMachine();
  m.cpu.setSr(SR.VBAR_EL1, VBAR, 0);
  put(m, VBAR - BASE, new Array(0x200).fill(NOP));
  return m;
}

/** Assemble `src` at BASE + at and run `count` instructions from there. */
function exec(m: TestMachine, src: string, count = 1, at = 0, arch?: string): Stop {
  put(m, at, assemble(src, arch));
  m.cpu.s[S.PC] = (BASE + at) | 0;
  m.cpu.s[S.PC_HI] = 0;
  return run(m.cpu, count);
}

/** Drop to EL0 (EL0t), keeping the PC where exec() puts it. */
function toEl0(m: TestMachine): void {
  m.cpu.s[S.SP_EL1] = 0;
  m.cpu.s[S.EL] = 0;
  m.cpu.s[S.SPSEL] = 0;
  m.cpu.s[S.DAIF] = 0;
  m.cpu.updateMode();
}

const esr1 = (m: TestMachine) => m.cpu.sr(SR.ESR_EL1) >>> 0;
const elr1 = (m: TestMachine) => m.cpu.sr(SR.ELR_EL1) >>> 0;
const esr2 = (m: TestMachine) => m.cpu.s[S.ESR_EL2] >>> 0;

function assertUndef(m: TestMachine, fromEl0 = false): void {
  assert.equal(esr1(m), IL, 'UNDEFINED');
  assert.equal(getPC(m.cpu), BigInt(VBAR + (fromEl0 ? 0x400 : 0x200)));
}

test('SVC: EC 0x15 with imm16 to EL1, preferred return = next instruction', () => {
  const m = machine();
  const stop = exec(m, 'nop\nsvc #0xbeef', 2);
  assert.equal(stop, Stop.BUDGET);
  assert.equal(esr1(m), ((0x15 << 26) | IL | 0xbeef) >>> 0);
  assert.equal(elr1(m), BASE + 8);
  assert.equal(getPC(m.cpu), BigInt(VBAR + 0x200));
  assert.equal(m.cpu.sr(SR.SPSR_EL1) >>> 0, 0x3c5);
});

test('HVC: ends the run with Stop.TRAP, ESR_EL2 EC 0x16 + imm16, PC past the HVC', () => {
  const m = machine();
  const stop = exec(m, 'hvc #0x1234', 1, 0x20);
  assert.equal(stop, Stop.TRAP);
  assert.equal(esr2(m), ((0x16 << 26) | IL | 0x1234) >>> 0);
  assert.equal(getPC(m.cpu), BigInt(BASE + 0x24));
  // HCR_EL2.HCD disables HVC: UNDEFINED.
  m.cpu.s[S.HCR_EL2] |= 1 << 29;
  exec(m, 'hvc #0');
  assertUndef(m);
});

test('SMC: traps with HCR_EL2.TSC (EC 0x17, return to the SMC), else UNDEFINED', () => {
  const m = machine();
  exec(m, 'smc #7', 1, 0x40);
  assertUndef(m);
  m.cpu.s[S.HCR_EL2] |= 1 << 19;
  const stop = exec(m, 'smc #7', 1, 0x40);
  assert.equal(stop, Stop.TRAP);
  assert.equal(esr2(m), ((0x17 << 26) | IL | 7) >>> 0);
  assert.equal(getPC(m.cpu), BigInt(BASE + 0x40));
});

test('HVC and SMC are UNDEFINED at EL0', () => {
  for (const src of ['hvc #1', 'smc #1']) {
    const m = machine();
    m.cpu.s[S.HCR_EL2] |= 1 << 19;
    toEl0(m);
    const stop = exec(m, src, 1, 0x80);
    assert.equal(stop, Stop.BUDGET);
    assertUndef(m, true);
    assert.equal(elr1(m), BASE + 0x80);
  }
});

test('BRK: EC 0x3C with imm16, ELR = the BRK; HLT, DCPS and DRPS are UNDEFINED', () => {
  const m = machine();
  exec(m, 'brk #0x800', 1, 0x10);
  assert.equal(esr1(m), ((0x3c << 26) | IL | 0x800) >>> 0);
  assert.equal(elr1(m), BASE + 0x10);
  for (const src of ['hlt #3', 'dcps1', 'dcps2', 'dcps3', 'drps']) {
    exec(m, src, 1, 0, 'armv8-a');
    assertUndef(m);
  }
});

test('BRK is routed to EL2 when MDCR_EL2.TDE is set, returning to the BRK', () => {
  const m = machine();
  m.cpu.s[S.MDCR_EL2] = 1 << 8;
  assert.equal(exec(m, 'brk #0x123', 1, 0x10), Stop.TRAP);
  assert.equal(esr2(m), ((0x3c << 26) | IL | 0x123) >>> 0);
  assert.equal(getPC(m.cpu), BigInt(BASE + 0x10));
});

test('WFI stops the run with PC past it; a pending virtual interrupt (even masked) lets it continue', () => {
  const m = machine();
  const stop = exec(m, 'wfi\nnop', 2, 0x30);
  assert.equal(stop, Stop.WFI);
  assert.equal(getPC(m.cpu), BigInt(BASE + 0x34));
  m.cpu.s[S.VIRQ] = 1; // DAIF masks it, but it is a WFI wake-up event
  const stop2 = exec(m, 'wfi\nnop', 2, 0x30);
  assert.equal(stop2, Stop.BUDGET);
  assert.equal(getPC(m.cpu), BigInt(BASE + 0x38));
});

test('WFI/WFE trap to EL2 with HCR_EL2.TWI/TWE: EC 0x01, CV/COND, TI, return to the WFx', () => {
  const m = machine();
  m.cpu.s[S.HCR_EL2] |= 1 << 13;
  let stop = exec(m, 'wfi', 1, 0x50);
  assert.equal(stop, Stop.TRAP);
  assert.equal(esr2(m), ((0x01 << 26) | IL | (1 << 24) | (0xe << 20)) >>> 0);
  assert.equal(getPC(m.cpu), BigInt(BASE + 0x50));
  // TWI alone does not trap WFE.
  stop = exec(m, 'wfe', 1, 0x50);
  assert.equal(stop, Stop.WFI);
  m.cpu.s[S.HCR_EL2] |= 1 << 14;
  stop = exec(m, 'wfe', 1, 0x50);
  assert.equal(stop, Stop.TRAP);
  assert.equal(esr2(m), ((0x01 << 26) | IL | (1 << 24) | (0xe << 20) | 1) >>> 0);
});

test('WFI at EL0 traps to EL1 unless SCTLR_EL1.nTWI', () => {
  const m = machine();
  m.cpu.setSr(SR.SCTLR_EL1, m.cpu.sr(SR.SCTLR_EL1) & ~(1 << 16), 0);
  toEl0(m);
  exec(m, 'wfi', 1, 0x60);
  assert.equal(esr1(m), ((0x01 << 26) | IL | (1 << 24) | (0xe << 20)) >>> 0);
  assert.equal(elr1(m), BASE + 0x60);
  assert.equal(getPC(m.cpu), BigInt(VBAR + 0x400));
  const m2 = machine();
  m2.cpu.setSr(SR.SCTLR_EL1, m2.cpu.sr(SR.SCTLR_EL1) | (1 << 16), 0);
  toEl0(m2);
  assert.equal(exec(m2, 'wfi', 1, 0x60), Stop.WFI);
});

test('WFE consumes the event register set by SEVL, SEV and ERET', () => {
  const m = machine();
  assert.equal(exec(m, 'sevl\nwfe\nnop', 3), Stop.BUDGET);
  assert.equal(getPC(m.cpu), BigInt(BASE + 12));
  assert.equal(m.cpu.s[S_EVENT], 0);
  assert.equal(exec(m, 'wfe'), Stop.WFI);
  assert.equal(exec(m, 'sev\nwfe', 2), Stop.BUDGET);
  m.cpu.setSr(SR.ELR_EL1, BASE + 0x100, 0);
  m.cpu.setSr(SR.SPSR_EL1, 0x3c5, 0);
  exec(m, 'eret');
  assert.equal(m.cpu.s[S_EVENT], 1);
  assert.equal(exec(m, 'wfe', 1, 0x100), Stop.BUDGET);
});

test('every hint other than WFE/WFI runs as a NOP (PAuth, BTI, CSDB, ESB, unallocated)', () => {
  const m = machine();
  for (let imm = 0; imm < 128; imm++) {
    if (imm === 2 || imm === 3) continue;
    const word = (0xd503201f | (imm << 5)) >>> 0;
    put(m, 0, [word]);
    m.cpu.s[S.PC] = BASE;
    m.cpu.s[S.PC_HI] = 0;
    assert.equal(run(m.cpu, 1), Stop.BUDGET);
    assert.equal(getPC(m.cpu), BigInt(BASE + 4), `hint #${imm}`);
  }
  assert.equal(findRow(0xd503233f)?.name, 'HINT'); // PACIASP
  assert.equal(findRow(0xd503201f)?.name, 'NOP');
  assert.equal(findRow(0xd503207f)?.name, 'WFI');
});

test('barriers are no-ops; CLREX clears the exclusive monitor; SB is UNDEFINED without FEAT_SB', () => {
  const m = machine();
  m.cpu.exclValid = true;
  assert.equal(exec(m, 'dmb ish\ndsb sy\nisb\nssbb\npssbb\ndmb ld', 6, 0, 'armv8.5-a'), Stop.BUDGET);
  assert.equal(getPC(m.cpu), BigInt(BASE + 24));
  assert.equal(m.cpu.exclValid, true);
  exec(m, 'clrex');
  assert.equal(m.cpu.exclValid, false);
  exec(m, 'sb', 1, 0, 'armv8.5-a');
  assertUndef(m);
});

test('MSR DAIFSet/DAIFClr set and clear PSTATE.DAIF; a pending IRQ is taken after the clear', () => {
  const m = machine();
  m.cpu.s[S.DAIF] = 0;
  exec(m, 'msr daifset, #0xf');
  assert.equal(m.cpu.s[S.DAIF], 0x3c0);
  exec(m, 'msr daifclr, #0x4\nmsr daifclr, #0x1', 2);
  assert.equal(m.cpu.s[S.DAIF], 0x280);
  exec(m, 'msr daifset, #0x1\nmrs x3, daif', 2);
  assert.equal(getX(m.cpu, 3), 0x2c0n);
  // IRQ pending and masked: taken right after DAIFClr #2 at the next instruction boundary.
  m.cpu.s[S.VIRQ] = 1;
  exec(m, 'msr daifclr, #2\nnop', 2, 0x40);
  assert.equal(getPC(m.cpu), BigInt(VBAR + 0x280 + 4)); // IRQ, current EL with SP_ELx; vector ran
  assert.equal(elr1(m), BASE + 0x44);
});

test('MSR DAIF* at EL0 traps to EL1 (EC 0x18) unless SCTLR_EL1.UMA', () => {
  const m = machine();
  toEl0(m);
  exec(m, 'msr daifset, #2', 1, 0x20);
  // ISS: Op0 0, Op2 6, Op1 3, CRn 4, Rt 31, CRm 2, write.
  const iss = (6 << 17) | (3 << 14) | (4 << 10) | (31 << 5) | (2 << 1);
  assert.equal(esr1(m), ((0x18 << 26) | IL | iss) >>> 0);
  assert.equal(elr1(m), BASE + 0x20);
  const m2 = machine();
  m2.cpu.setSr(SR.SCTLR_EL1, m2.cpu.sr(SR.SCTLR_EL1) | (1 << 9), 0);
  toEl0(m2);
  exec(m2, 'msr daifset, #2\nmrs x1, daif', 2);
  assert.equal(m2.cpu.s[S.EL], 0);
  assert.equal(getX(m2.cpu, 1), 0x80n);
});

test('MSR SPSel switches the stack pointer and is UNDEFINED at EL0; MSR PAN (FEAT_PAN)', () => {
  const m = machine();
  const s = m.cpu.s;
  s[S.SP] = 0x1000;
  s[S.SP_EL0] = 0x2000;
  exec(m, 'msr spsel, #0');
  assert.equal(s[S.SPSEL], 0);
  assert.equal(s[S.SP], 0x2000);
  assert.equal(s[S.SP_EL1], 0x1000);
  exec(m, 'msr spsel, #1\nmrs x2, spsel', 2);
  assert.equal(s[S.SP], 0x1000);
  assert.equal(getX(m.cpu, 2), 1n);
  exec(m, 'msr pan, #1\nmrs x4, pan', 2);
  assert.equal(s[S.PAN], 1);
  assert.equal(getX(m.cpu, 4), 1n << 22n);
  exec(m, 'msr pan, #0');
  assert.equal(s[S.PAN], 0);
  toEl0(m);
  exec(m, 'msr spsel, #1');
  assertUndef(m, true);
});

test('MSR UAO/DIT/SSBS/TCO immediates are UNDEFINED (not advertised)', () => {
  const m = machine();
  for (const src of ['msr uao, #1', 'msr dit, #1', 'msr ssbs, #1', 'msr tco, #1', 'cfinv']) {
    exec(m, src, 1, 0, 'armv8.5-a+memtag');
    assertUndef(m);
  }
});

test('MRS/MSR NZCV, CurrentEL, SP_EL0 (UNDEFINED while SPSel = 0), ELR/SPSR', () => {
  const m = machine();
  setX(m.cpu, 1, 0xa0000000n);
  exec(m, 'msr nzcv, x1\nmrs x2, nzcv\nmrs x3, currentel', 3);
  assert.deepEqual([m.cpu.s[S.NF], m.cpu.s[S.ZF], m.cpu.s[S.CF], m.cpu.s[S.VF]], [1, 0, 1, 0]);
  assert.equal(getX(m.cpu, 2), 0xa0000000n);
  assert.equal(getX(m.cpu, 3), 4n);
  m.cpu.s[S.SP_EL0] = 0x1230;
  m.cpu.s[S.SP_EL0_HI] = 0xffff;
  setX(m.cpu, 5, 0x4440n);
  exec(m, 'mrs x4, sp_el0\nmsr sp_el0, x5', 2);
  assert.equal(getX(m.cpu, 4), 0xffff_0000_1230n);
  assert.equal(m.cpu.s[S.SP_EL0], 0x4440);
  setX(m.cpu, 6, 0x1234_5678_9abcn);
  exec(m, 'msr elr_el1, x6\nmrs x7, elr_el1\nmsr spsr_el1, x6\nmrs x8, spsr_el1', 4);
  assert.equal(getX(m.cpu, 7), 0x1234_5678_9abcn);
  assert.equal(getX(m.cpu, 8), 0x5678_9abcn);
  exec(m, 'msr spsel, #0\nmrs x4, sp_el0', 2);
  assert.equal(esr1(m), IL);
  assert.equal(getPC(m.cpu), BigInt(VBAR + 0x000)); // current EL with SP_EL0
});
