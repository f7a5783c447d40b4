import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMachine, getPC, getX, setX, TestMachine } from '../../helpers/machine.js';
import { assemble } from '../../helpers/asm.js';
import { Stop } from '../../../src/arch/aarch64/cpu.js';
import { S, SR } from '../../../src/arch/aarch64/state.js';
import { run } from '../../../src/arch/aarch64/run.js';
import {
  readCntpct,
  readCntvct,
  readSystemCount,
  readTimerCtl,
  timerCondition,
  timerDeadlineIcount,
  timerDeadlineMs,
  TIMER_VIRT,
  TIMER_PHYS,
} from '../../../src/arch/aarch64/timer.js';

const BASE = 0x40000000;
const VBAR = BASE + 0x10000;
const IL = 1 << 25;

function machine(icount = 1000): TestMachine {
  const m = makeMachine();
  m.cpu.setSr(SR.VBAR_EL1, VBAR, 0);
  m.cpu.s[S.CNTHCTL_EL2] = 3;
  m.cpu.deterministic = true;
  m.cpu.ticksPerInsn = 1;
  m.cpu.icount = icount;
  return m;
}

/** Run `src` from BASE; in deterministic mode instruction k (from 1) sees count = icount + k. */
function exec(m: TestMachine, src: string, count?: number): Stop {
  const w = assemble(src);
  const dv = new DataView(m.mem.memory.buffer);
  for (let i = 0; i < w.length; i++) dv.setUint32(m.ramHost + 4 * i, w[i], true);
  m.mem.dropAllCode();
  m.cpu.s[S.PC] = BASE;
  m.cpu.s[S.PC_HI] = 0;
  return run(m.cpu, count ?? w.length);
}

function toEl0(m: TestMachine): void {
  m.cpu.s[S.SP_EL1] = 0;
  m.cpu.s[S.EL] = 0;
  m.cpu.s[S.SPSEL] = 0;
  m.cpu.s[S.DAIF] = 0;
  m.cpu.updateMode();
}

function u64(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

test('deterministic counter: CNTPCT = icount * ticksPerInsn, CNTVCT = CNTPCT - CNTVOFF_EL2', () => {
  const m = machine(1000);
  exec(m, 'mrs x1, cntpct_el0\nmrs x2, cntvct_el0\nmrs x3, cntfrq_el0');
  assert.equal(getX(m.cpu, 1), 1001n);
  assert.equal(getX(m.cpu, 2), 1002n);
  assert.equal(getX(m.cpu, 3), 62_500_000n);
  m.cpu.ticksPerInsn = 16;
  m.cpu.icount = 2 ** 40;
  m.cpu.s[S.CNTVOFF_EL2] = 0x10;
  m.cpu.s[S.CNTVOFF_EL2_HI] = 0x1;
  exec(m, 'mrs x1, cntpct_el0\nmrs x2, cntvct_el0');
  assert.equal(getX(m.cpu, 1), (2n ** 40n + 1n) * 16n);
  assert.equal(getX(m.cpu, 2), (2n ** 40n + 2n) * 16n - 0x1_00000010n);
  // A CNTVOFF above the count wraps modulo 2^64.
  m.cpu.icount = 5;
  assert.equal(u64(readCntvct(m.cpu), m.cpu.rhi), BigInt.asUintN(64, 5n * 16n - 0x1_00000010n));
  assert.equal(u64(readCntpct(m.cpu), m.cpu.rhi), 80n);
});

test('CNTPOFF_EL2: CNTPCT = system count - CNTPOFF_EL2 (64-bit, wrapping), CNTVCT keeps its own offset', () => {
  const m = machine(1000);
  m.cpu.s[S.CNTPOFF_EL2] = 300;
  exec(m, 'mrs x1, cntpct_el0\nmrs x2, cntvct_el0');
  assert.equal(getX(m.cpu, 1), 701n);
  assert.equal(getX(m.cpu, 2), 1002n, 'CNTVCT = system count - CNTVOFF_EL2, not CNTPCT - CNTVOFF_EL2');
  // Both offsets, with borrows across the word boundary.
  m.cpu.ticksPerInsn = 16;
  m.cpu.icount = 2 ** 40;
  m.cpu.s[S.CNTPOFF_EL2] = 0x7fff_ffff; // borrow from the high word
  m.cpu.s[S.CNTPOFF_EL2_HI] = 0x3;
  m.cpu.s[S.CNTVOFF_EL2] = 0x10;
  m.cpu.s[S.CNTVOFF_EL2_HI] = 0x1;
  exec(m, 'mrs x1, cntpct_el0\nmrs x2, cntvct_el0');
  assert.equal(getX(m.cpu, 1), (2n ** 40n + 1n) * 16n - 0x3_7fffffffn);
  assert.equal(getX(m.cpu, 2), (2n ** 40n + 2n) * 16n - 0x1_00000010n);
  // An offset above the count wraps modulo 2^64; a "negative" offset (a restored count above the
  // system count) adds.
  m.cpu.icount = 5;
  assert.equal(u64(readCntpct(m.cpu), m.cpu.rhi), BigInt.asUintN(64, 80n - 0x3_7fffffffn));
  m.cpu.s[S.CNTPOFF_EL2] = -1000; // 2^64 - 1000
  m.cpu.s[S.CNTPOFF_EL2_HI] = -1;
  assert.equal(u64(readCntpct(m.cpu), m.cpu.rhi), 1080n);
  assert.equal(u64(readSystemCount(m.cpu), m.cpu.rhi), 80n);
});

test('CNTPOFF_EL2 in the host-clock mode: CNTPCT is the offset host count', () => {
  const m = makeMachine();
  m.cpu.timeOrigin = performance.now() - 1000; // one second ago: ~62.5M ticks
  m.cpu.s[S.CNTPOFF_EL2] = 50_000_000;
  const sys0 = u64(readSystemCount(m.cpu), m.cpu.rhi);
  const p = u64(readCntpct(m.cpu), m.cpu.rhi);
  const sys1 = u64(readSystemCount(m.cpu), m.cpu.rhi);
  assert.ok(p >= sys0 - 50_000_000n && p <= sys1 - 50_000_000n, `${sys0} ${p} ${sys1}`);
  assert.ok(p >= 12_500_000n && p < 62_500_000n * 2n, String(p));
});

test('with a non-zero CNTPOFF_EL2 the physical timer, TVAL and the deadlines follow the offset count', () => {
  const m = machine(5000);
  m.cpu.s[S.CNTPOFF_EL2] = 4000; // CNTPCT = 1000
  m.cpu.s[S.CNTVOFF_EL2] = 2000; // CNTVCT = 3000
  m.cpu.setSr(SR.CNTP_CVAL_EL0, 1500, 0);
  m.cpu.setSr(SR.CNTV_CVAL_EL0, 3500, 0);
  m.cpu.setSr(SR.CNTP_CTL_EL0, 1, 0);
  m.cpu.setSr(SR.CNTV_CTL_EL0, 1, 0);
  assert.equal(timerCondition(m.cpu, TIMER_PHYS), false);
  assert.equal(timerCondition(m.cpu, TIMER_VIRT), false);
  assert.equal(timerDeadlineMs(m.cpu, TIMER_PHYS), (500 * 1000) / 62_500_000);
  assert.equal(timerDeadlineIcount(m.cpu, TIMER_PHYS), 5500);
  assert.equal(timerDeadlineIcount(m.cpu, TIMER_VIRT), 5500);
  m.cpu.icount = 5499;
  assert.equal(timerCondition(m.cpu, TIMER_PHYS), false);
  m.cpu.icount = 5500;
  assert.equal(timerCondition(m.cpu, TIMER_PHYS), true);
  assert.equal(readTimerCtl(m.cpu, TIMER_PHYS), 5);
  // TVAL reads and writes are relative to the offset count.
  m.cpu.icount = 5000;
  exec(m, 'mrs x1, cntp_tval_el0\nmov x2, #100\nmsr cntp_tval_el0, x2\nmrs x3, cntp_cval_el0');
  assert.equal(getX(m.cpu, 1), 499n); // 1500 - 1001
  assert.equal(getX(m.cpu, 3), 1103n); // count 1003 at the MSR, + 100
  // The ticks-per-instruction search is unaffected by the offset.
  m.cpu.ticksPerInsn = 0.37;
  m.cpu.icount = 20_000; // system count 7400, CNTPCT = 3400
  m.cpu.setSr(SR.CNTP_CVAL_EL0, 5000, 0); // reached at system count 9000
  const d = timerDeadlineIcount(m.cpu, TIMER_PHYS);
  let n = 20_000;
  while (Math.floor(n * 0.37) < 9000) n++;
  assert.equal(d, n);
  m.cpu.icount = d - 1;
  assert.equal(timerCondition(m.cpu, TIMER_PHYS), false);
  m.cpu.icount = d;
  assert.equal(timerCondition(m.cpu, TIMER_PHYS), true);
  // A count wrapped below zero by the offset is a huge unsigned count: already past CVAL.
  m.cpu.icount = 10_000; // system count 3700, CNTPCT = 2^64 - 300
  assert.equal(timerCondition(m.cpu, TIMER_PHYS), true);
  assert.equal(timerDeadlineIcount(m.cpu, TIMER_PHYS), 10_000);
});

test('the host-clock counter advances at counterFrequency from the reset origin', () => {
  const m = makeMachine();
  m.cpu.timeOrigin = performance.now() - 1000; // one second ago
  const t = u64(readCntpct(m.cpu), m.cpu.rhi);
  assert.ok(t >= 62_500_000n && t < 62_500_000n * 2n, String(t));
});

test('TVAL write sets CVAL = count + SignExtend(TVAL); TVAL read is CVAL - count (32-bit, signed)', () => {
  const m = machine(1000);
  setX(m.cpu, 1, 100n);
  exec(m, 'msr cntv_tval_el0, x1\nmrs x2, cntv_cval_el0\nmrs x3, cntv_tval_el0');
  assert.equal(getX(m.cpu, 2), 1101n); // count 1001 at the MSR
  assert.equal(getX(m.cpu, 3), 98n); // count 1003
  // Negative TVAL: CVAL in the past.
  setX(m.cpu, 1, 0xffff_fff6n); // -10 as 32 bits (upper bits ignored)
  m.cpu.icount = 1000;
  exec(m, 'msr cntp_tval_el0, x1\nmrs x2, cntp_cval_el0\nmrs x3, cntp_tval_el0');
  assert.equal(getX(m.cpu, 2), 991n);
  assert.equal(getX(m.cpu, 3), 0xffff_fff4n); // -12, bits 63:32 RES0
  // TVAL below zero wraps CVAL through 2^64.
  m.cpu.icount = 2;
  exec(m, 'msr cntp_tval_el0, x1\nmrs x2, cntp_cval_el0');
  assert.equal(getX(m.cpu, 2), BigInt.asUintN(64, 3n - 10n));
  // TVAL write carrying into the high word.
  m.cpu.icount = 0xffff_fff0;
  setX(m.cpu, 1, 0x20n);
  exec(m, 'msr cntv_tval_el0, x1\nmrs x2, cntv_cval_el0');
  assert.equal(getX(m.cpu, 2), 0xffff_fff1n + 0x20n);
});

test('CTL: ENABLE/IMASK as written, ISTATUS = enabled && count >= CVAL (unsigned 64-bit)', () => {
  const m = machine(1000);
  setX(m.cpu, 1, 1004n);
  setX(m.cpu, 2, 0xffn); // only ENABLE and IMASK stick
  exec(m, 'msr cntv_cval_el0, x1\nmsr cntv_ctl_el0, x2\nmrs x3, cntv_ctl_el0\nmrs x4, cntv_ctl_el0');
  assert.equal(getX(m.cpu, 3), 3n); // count 1003 < 1004
  assert.equal(getX(m.cpu, 4), 7n); // count 1004 >= 1004: ISTATUS
  assert.equal(timerCondition(m.cpu, TIMER_VIRT), false); // IMASK
  setX(m.cpu, 2, 1n);
  m.cpu.icount = 1000;
  exec(m, 'msr cntv_ctl_el0, x2\nmrs x3, cntv_ctl_el0');
  assert.equal(getX(m.cpu, 3), 1n); // count 1002 < 1004
  assert.equal(timerCondition(m.cpu, TIMER_VIRT), false);
  m.cpu.icount = 1004;
  assert.equal(timerCondition(m.cpu, TIMER_VIRT), true);
  // A CVAL with bit 63 set is far in the future, not "negative".
  setX(m.cpu, 1, 0x8000_0000_0000_0000n);
  exec(m, 'msr cntv_cval_el0, x1\nmrs x3, cntv_ctl_el0');
  assert.equal(getX(m.cpu, 3), 1n);
  // Disabled: no ISTATUS even when the count is past CVAL.
  setX(m.cpu, 1, 0n);
  setX(m.cpu, 2, 0n);
  exec(m, 'msr cntv_cval_el0, x1\nmsr cntv_ctl_el0, x2\nmrs x3, cntv_ctl_el0');
  assert.equal(getX(m.cpu, 3), 0n);
});

test('the physical timer compares with CNTPCT, the virtual one with CNTVCT', () => {
  const m = machine(5000);
  m.cpu.s[S.CNTVOFF_EL2] = 4000;
  m.cpu.setSr(SR.CNTP_CVAL_EL0, 4500, 0);
  m.cpu.setSr(SR.CNTV_CVAL_EL0, 4500, 0);
  m.cpu.setSr(SR.CNTP_CTL_EL0, 1, 0);
  m.cpu.setSr(SR.CNTV_CTL_EL0, 1, 0);
  assert.equal(timerCondition(m.cpu, TIMER_PHYS), true);
  assert.equal(timerCondition(m.cpu, TIMER_VIRT), false); // CNTVCT = 1000
  assert.equal(timerDeadlineMs(m.cpu, TIMER_PHYS), 0);
  assert.equal(timerDeadlineMs(m.cpu, TIMER_VIRT), (3500 * 1000) / 62_500_000);
  m.cpu.setSr(SR.CNTV_CTL_EL0, 3, 0);
  assert.equal(timerDeadlineMs(m.cpu, TIMER_VIRT), Infinity);
  m.cpu.setSr(SR.CNTV_CTL_EL0, 0, 0);
  assert.equal(timerDeadlineMs(m.cpu, TIMER_VIRT), Infinity);
});

test('EL0 timer access follows CNTKCTL_EL1 (trap to EL1, EC 0x18)', () => {
  const cases: [string, number, number[], boolean][] = [
    ['mrs x1, cntpct_el0', 1 << 0, [3, 3, 14, 0, 1], true],
    ['mrs x1, cntvct_el0', 1 << 1, [3, 3, 14, 0, 2], true],
    ['mrs x1, cntfrq_el0', 1 << 1, [3, 3, 14, 0, 0], true],
    ['mrs x1, cntv_ctl_el0', 1 << 8, [3, 3, 14, 3, 1], true],
    ['msr cntv_tval_el0, x1', 1 << 8, [3, 3, 14, 3, 0], false],
    ['msr cntp_cval_el0, x1', 1 << 9, [3, 3, 14, 2, 2], false],
  ];
  for (const [src, bit, f, read] of cases) {
    const m = machine();
    toEl0(m);
    exec(m, src);
    const iss = (f[0] << 20) | (f[4] << 17) | (f[1] << 14) | (f[2] << 10) | (1 << 5) | (f[3] << 1) | (read ? 1 : 0);
    assert.equal(m.cpu.sr(SR.ESR_EL1) >>> 0, ((0x18 << 26) | IL | iss) >>> 0, src);
    assert.equal(getPC(m.cpu), BigInt(VBAR + 0x400), src);
    const m2 = machine();
    m2.cpu.setSr(SR.CNTKCTL_EL1, bit, 0);
    toEl0(m2);
    assert.equal(exec(m2, src), Stop.BUDGET, src);
    assert.equal(getPC(m2.cpu), BigInt(BASE + 4), src);
  }
});

test('CNTHCTL_EL2.EL1PCTEN/EL1PCEN = 0 trap the physical counter and timer from EL1 and EL0; the virtual ones never', () => {
  const m = machine();
  m.cpu.s[S.CNTHCTL_EL2] = 0;
  assert.equal(exec(m, 'mrs x1, cntvct_el0\nmrs x2, cntv_ctl_el0'), Stop.BUDGET);
  assert.equal(exec(m, 'mrs x1, cntpct_el0'), Stop.TRAP);
  assert.equal(m.cpu.s[S.ESR_EL2] >>> 26, 0x18);
  assert.equal(exec(m, 'mrs x1, cntp_cval_el0'), Stop.TRAP);
  m.cpu.setSr(SR.CNTKCTL_EL1, 0x303, 0);
  toEl0(m);
  assert.equal(exec(m, 'mrs x1, cntp_ctl_el0'), Stop.TRAP);
  assert.equal(getPC(m.cpu), BigInt(BASE));
});

test('CNTFRQ_EL0 writes are UNDEFINED; CNTFRQ follows cpu.counterFrequency', () => {
  const m = machine();
  exec(m, 'msr cntfrq_el0, x1');
  assert.equal(m.cpu.sr(SR.ESR_EL1) >>> 0, IL);
  m.cpu.counterFrequency = 24_000_000;
  exec(m, 'mrs x1, cntfrq_el0');
  assert.equal(getX(m.cpu, 1), 24_000_000n);
});
