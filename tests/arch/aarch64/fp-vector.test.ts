/**
 * AdvSIMD floating point through the CPU: lane handling (Q = 0 zeroes the top half, the
 * destination may alias a source), pairwise operand order, by-element indexing, the narrowing
 * and widening conversions (FCVTN2 keeps the low half, FCVTL2 reads the high half), across-lanes
 * reduction order, fixed-point conversions, estimates, and per-lane FPSR accumulation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMachine, runWords, getPC } from '../../helpers/machine.js';
import { assemble } from '../../helpers/asm.js';
import { Stop } from '../../../src/arch/aarch64/cpu.js';
import { S, SR } from '../../../src/arch/aarch64/state.js';

const m = makeMachine();
const cpu = m.cpu;
const s = cpu.s;
cpu.setSr(SR.CPACR_EL1, 3 << 20, 0);

/** V[n] from single lanes (lane 0 first, hex bit patterns). */
function setS(n: number, lanes: number[]): void {
  for (let k = 0; k < 4; k++) s[S.V0 + 4 * n + k] = (lanes[k] ?? 0) | 0;
}
function getS(n: number): number[] {
  return [0, 1, 2, 3].map((k) => s[S.V0 + 4 * n + k] >>> 0);
}
function setD(n: number, lanes: bigint[]): void {
  for (let k = 0; k < 2; k++) {
    const v = lanes[k] ?? 0n;
    s[S.V0 + 4 * n + 2 * k] = Number(v & 0xffffffffn) | 0;
    s[S.V0 + 4 * n + 2 * k + 1] = Number(v >> 32n) | 0;
  }
}
function getD(n: number): bigint[] {
  return [0, 1].map((k) => (BigInt(s[S.V0 + 4 * n + 2 * k + 1] >>> 0) << 32n) | BigInt(s[S.V0 + 4 * n + 2 * k] >>> 0));
}
function exec(src: string): void {
  const w = assemble(src);
  assert.equal(runWords(m, w, w.length), Stop.BUDGET);
  assert.equal(getPC(cpu), BigInt(m.ramBase + 4 * w.length), `${src}: raised an exception`);
}

// Singles: 1, 2, 3, 4, 0.5, -1, qNaN, sNaN, +Inf
const F1 = 0x3f800000, F2 = 0x40000000, F3 = 0x40400000, F4 = 0x40800000, FH = 0x3f000000, FM1 = 0xbf800000;
const QNAN = 0x7fc00011, SNAN = 0x7f800022, INF = 0x7f800000;
const D1 = 0x3ff0000000000000n, D2 = 0x4000000000000000n, D3 = 0x4008000000000000n;

test('three same: 4S/2S/2D lanes, Q = 0 zeroes the top half, aliasing', () => {
  s[S.FPCR] = 0;
  setS(1, [F1, F2, F3, F4]);
  setS(2, [F1, F1, F1, F1]);
  exec('fadd v0.4s, v1.4s, v2.4s');
  assert.deepEqual(getS(0), [F2, F3, F4, 0x40a00000]);
  setS(0, [1, 2, 3, 4]);
  exec('fmul v0.2s, v1.2s, v1.2s');
  assert.deepEqual(getS(0), [F1, F4, 0, 0]);
  setS(3, [F1, F2, F3, F4]);
  exec('fmla v3.4s, v3.4s, v3.4s'); // d = d + d*d
  assert.deepEqual(getS(3), [F2, 0x40c00000, 0x41400000, 0x41a00000]);
  setD(1, [D1, D2]);
  setD(2, [D2, D2]);
  exec('fdiv v0.2d, v1.2d, v2.2d\n fabd v4.2d, v1.2d, v2.2d');
  assert.deepEqual(getD(0), [0x3fe0000000000000n, D1]);
  assert.deepEqual(getD(4), [D1, 0n]);
});

test('compares produce all-ones lanes; FACGT compares magnitudes; NaN lanes are false (IOC for GE/GT)', () => {
  setS(1, [F1, FM1, QNAN, F2]);
  setS(2, [F1, F1, F1, FM1]);
  s[S.FPSR] = 0;
  exec('fcmeq v0.4s, v1.4s, v2.4s');
  assert.deepEqual(getS(0), [0xffffffff, 0, 0, 0]);
  assert.equal(s[S.FPSR], 0, 'FCMEQ is quiet');
  exec('fcmge v0.4s, v1.4s, v2.4s');
  assert.deepEqual(getS(0), [0xffffffff, 0, 0, 0xffffffff]);
  assert.equal(s[S.FPSR], 1, 'FCMGE signals on a quiet NaN');
  exec('facgt v0.4s, v1.4s, v2.4s\n fcmlt v5.4s, v1.4s, #0.0');
  assert.deepEqual(getS(0), [0, 0, 0, 0xffffffff]);
  assert.deepEqual(getS(5), [0, 0xffffffff, 0, 0]);
});

test('pairwise: FADDP/FMAXP take pairs from Vn then Vm; scalar FADDP/FMINNMP', () => {
  setS(1, [F1, F2, F3, F4]);
  setS(2, [FH, FH, FM1, F1]);
  exec('faddp v0.4s, v1.4s, v2.4s');
  assert.deepEqual(getS(0), [F3, 0x40e00000, F1, 0]);
  exec('fmaxp v0.4s, v1.4s, v2.4s');
  assert.deepEqual(getS(0), [F2, F4, FH, F1]);
  exec('faddp s0, v1.2s');
  assert.deepEqual(getS(0), [F3, 0, 0, 0]);
  setD(1, [D3, 0x7ff8000000000000n]);
  exec('fminnmp d0, v1.2d');
  assert.deepEqual(getD(0), [D3, 0n]);
});

test('across lanes: FMAXNMV ignores quiet NaNs; FMINV propagates the first NaN of Reduce(lo) op Reduce(hi)', () => {
  setS(1, [F2, QNAN, F4, FM1]);
  exec('fmaxnmv s0, v1.4s');
  assert.deepEqual(getS(0), [F4, 0, 0, 0]);
  setS(1, [F2, F1, QNAN | 0x100, QNAN]);
  exec('fminv s0, v1.4s');
  assert.deepEqual(getS(0), [(QNAN | 0x100) >>> 0, 0, 0, 0]);
  s[S.FPSR] = 0;
  setS(1, [F2, F1, QNAN, SNAN]);
  exec('fmaxv s0, v1.4s');
  assert.deepEqual(getS(0), [(SNAN | 0x400000) >>> 0, 0, 0, 0], 'the signalling NaN of the high pair, quieted');
  assert.equal(s[S.FPSR], 1);
});

test('by element: FMLA/FMUL/FMULX use lane index H:L (S) or H (D); scalar form', () => {
  setS(1, [F1, F2, F3, F4]);
  setS(2, [F1, F2, F3, FH]);
  setS(0, [F1, F1, F1, F1]);
  exec('fmla v0.4s, v1.4s, v2.s[3]');
  assert.deepEqual(getS(0), [0x3fc00000, F2, 0x40200000, F3]);
  exec('fmul v0.2s, v1.2s, v2.s[2]');
  assert.deepEqual(getS(0), [F3, 0x40c00000, 0, 0]);
  setS(1, [INF, 0, 0, 0]);
  setS(2, [0x80000000, 0, 0, 0]);
  exec('fmulx s0, s1, v2.s[0]');
  assert.deepEqual(getS(0), [0xc0000000, 0, 0, 0], 'FMULX: Inf * -0 = -2');
  setD(1, [D1, D2]);
  setD(2, [D1, D3]);
  exec('fmul v0.2d, v1.2d, v2.d[1]');
  assert.deepEqual(getD(0), [D3, 0x4018000000000000n]);
});

test('FCVTN/FCVTN2, FCVTXN, FCVTL/FCVTL2', () => {
  s[S.FPCR] = 0;
  setD(1, [D1, 0x3ff0000010000000n]); // 1 + 2^-28: RN 1.0, round-to-odd 1 + 2^-23
  setS(0, [0xaaaaaaaa, 0xbbbbbbbb, 0xcccccccc, 0xdddddddd]);
  exec('fcvtn v0.2s, v1.2d');
  assert.deepEqual(getS(0), [F1, F1, 0, 0]);
  setS(0, [0xaaaaaaaa, 0xbbbbbbbb, 0xcccccccc, 0xdddddddd]);
  exec('fcvtxn2 v0.4s, v1.2d');
  assert.deepEqual(getS(0), [0xaaaaaaaa, 0xbbbbbbbb, F1, 0x3f800001]);
  setS(1, [F1, FM1, F2, FH]);
  exec('fcvtn v0.4h, v1.4s');
  assert.deepEqual(getS(0), [0xbc003c00, 0x38004000, 0, 0]);
  exec('fcvtl2 v2.2d, v1.4s\n fcvtl v3.4s, v0.4h');
  assert.deepEqual(getD(2), [D2, 0x3fe0000000000000n]);
  assert.deepEqual(getS(3), [F1, FM1, F2, FH]);
});

test('conversions: FCVTZS/UCVTF (#fbits), FCVT{N,A}S, FRINT*, estimates; lanes accumulate FPSR', () => {
  s[S.FPCR] = 0;
  s[S.FPSR] = 0;
  setS(1, [0x3fc00000, 0xc0200000, 0x4f000000, QNAN]); // 1.5, -2.5, 2^31, NaN
  exec('fcvtzs v0.4s, v1.4s');
  assert.deepEqual(getS(0), [1, 0xfffffffe, 0x7fffffff, 0]);
  assert.equal(s[S.FPSR], 0x11);
  exec('fcvtns v0.4s, v1.4s\n fcvtas v2.4s, v1.4s\n frintn v3.4s, v1.4s');
  assert.deepEqual(getS(0), [2, 0xfffffffe, 0x7fffffff, 0]);
  assert.deepEqual(getS(2), [2, 0xfffffffd, 0x7fffffff, 0]);
  assert.deepEqual(getS(3), [F2, 0xc0000000, 0x4f000000, 0x7fc00011]);
  exec('fcvtzs v0.4s, v1.4s, #4');
  assert.deepEqual(getS(0), [24, 0xffffffd8, 0x7fffffff, 0]);
  setS(1, [16, 0xffffffff, 1, 0]);
  exec('ucvtf v0.4s, v1.4s, #4\n scvtf v2.4s, v1.4s');
  assert.deepEqual(getS(0), [F1, 0x4d800000, 0x3d800000, 0]); // (2^32 - 1) / 16 rounds to 2^28
  assert.deepEqual(getS(2), [0x41800000, FM1, F1, 0]);
  setS(1, [F1, F4, 0, 0x80000000]);
  s[S.FPSR] = 0;
  exec('frecpe v0.4s, v1.4s\n frsqrte v2.2s, v1.2s');
  assert.deepEqual(getS(0), [0x3f7f8000, 0x3e7f8000, INF, 0xff800000]);
  assert.deepEqual(getS(2), [0x3f7f8000, 0x3eff8000, 0, 0]);
  assert.equal(s[S.FPSR], 2, 'DZC from the zero lanes');
  setS(1, [0x80000000, 0x40000000, 0x3fffffff, 0xffffffff]);
  exec('urecpe v0.4s, v1.4s\n ursqrte v2.4s, v1.4s');
  assert.deepEqual(getS(0), [0xff800000, 0xffffffff, 0xffffffff, 0x80000000]);
  assert.deepEqual(getS(2), [0xb4800000, 0xff800000, 0xffffffff, 0x80000000]);
});
