/**
 * Scalar FP and AdvSIMD FP instructions through the CPU: the architectural plumbing around the
 * soft-float (fp-softfloat.test.ts) and the per-form vectors (fp-insn.test.ts): readable
 * known-value checks per group, V register zeroing on scalar writes, FMOV to/from the top
 * half, FPSR accumulation, FPCR controls, the SIMD&FP access traps, feature gating (FP16
 * arithmetic is not advertised by the models; FCVT to/from half is base) and reserved encodings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMachine, runWords, getX, setX, nzcv, setNzcv, getPC, TestMachine } from '../../helpers/machine.js';
import { assemble } from '../../helpers/asm.js';
import { Stop } from '../../../src/arch/aarch64/cpu.js';
import { S, SR, srIndex } from '../../../src/arch/aarch64/state.js';
import { idRegIndex } from '../../../src/arch/aarch64/cpus/model.js';
import { cortexA57 } from '../../../src/arch/aarch64/cpus/cortex-a57.js';
import type { CpuModel } from '../../../src/arch/aarch64/cpus/model.js';

const VBAR = 0x40000000 + 0x10000;

function machine(model?: CpuModel): TestMachine {
  const m = makeMachine(model ? { model } : {});
  m.cpu.setSr(SR.CPACR_EL1, 3 << 20, 0);
  m.cpu.setSr(SR.VBAR_EL1, VBAR, 0);
  return m;
}
const m = machine();
const cpu = m.cpu;
const s = cpu.s;

function setV(n: number, v: bigint, mm: TestMachine = m): void {
  for (let k = 0; k < 4; k++) mm.cpu.s[S.V0 + 4 * n + k] = Number((v >> BigInt(32 * k)) & 0xffffffffn) | 0;
}
function getV(n: number, mm: TestMachine = m): bigint {
  let v = 0n;
  for (let k = 3; k >= 0; k--) v = (v << 32n) | BigInt(mm.cpu.s[S.V0 + 4 * n + k] >>> 0);
  return v;
}
/** Run assembly; assert it completed without an exception. */
function exec(src: string, mm: TestMachine = m): void {
  const w = assemble(src, 'armv8.2-a+fp16');
  assert.equal(runWords(mm, w, w.length), Stop.BUDGET);
  assert.equal(getPC(mm.cpu), BigInt(mm.ramBase + 4 * w.length), `${src}: raised an exception`);
}
/** Run one raw word; assert it is UNDEFINED (EC 0 at VBAR + 0x200). */
function undef(insn: number, mm: TestMachine = m): void {
  mm.cpu.setSr(SR.ESR_EL1, 0, 0);
  runWords(mm, [insn], 1);
  assert.equal(getPC(mm.cpu), BigInt(VBAR + 0x200), `0x${(insn >>> 0).toString(16)} should be UNDEFINED`);
  assert.equal(mm.cpu.sr(SR.ESR_EL1) >>> 0, 0x02000000);
}
const word = (src: string): number => assemble(src, 'armv8.2-a+fp16')[0];

const ONE_S = 0x3f800000n;
const ONE_D = 0x3ff0000000000000n;
const JUNK = 0xdeadbeef_cafef00d_01234567_89abcdefn;

test('scalar writes zero the rest of the V register (S, D, H results)', () => {
  setV(1, ONE_S | (JUNK << 32n));
  setV(2, 0x40000000n | (JUNK << 32n));
  setV(0, JUNK);
  exec('fadd s0, s1, s2');
  assert.equal(getV(0), 0x40400000n);
  setV(1, ONE_D | (JUNK << 64n));
  setV(0, JUNK);
  exec('fsqrt d0, d1');
  assert.equal(getV(0), ONE_D);
  setV(0, JUNK);
  exec('fcvt h0, d1');
  assert.equal(getV(0), 0x3c00n);
  setV(0, JUNK);
  exec('fmov s0, #-2.5');
  assert.equal(getV(0), 0xc0200000n);
  setV(0, JUNK);
  setV(1, JUNK);
  exec('fcmeq s0, s1, s1');
  assert.equal(getV(0), 0xffffffffn);
});

test('FMOV general: W/X <-> S/D zero-extend, X <-> V.D[1] touches only the top half', () => {
  setX(cpu, 1, 0x1122334455667788n);
  setV(0, JUNK);
  exec('fmov s0, w1');
  assert.equal(getV(0), 0x55667788n);
  exec('fmov d0, x1');
  assert.equal(getV(0), 0x1122334455667788n);
  setV(0, JUNK);
  exec('fmov v0.d[1], x1');
  assert.equal(getV(0), (0x1122334455667788n << 64n) | (JUNK & ((1n << 64n) - 1n)));
  setX(cpu, 2, -1n);
  exec('fmov x2, v0.d[1]');
  assert.equal(getX(cpu, 2), 0x1122334455667788n);
  setX(cpu, 2, -1n);
  exec('fmov w2, s0');
  assert.equal(getX(cpu, 2), JUNK & 0xffffffffn);
  setV(0, JUNK);
  exec('fmov d0, xzr');
  assert.equal(getV(0), 0n);
  exec('fmov s3, #1.0\n fmov d4, #31.0\n fmov s5, #0.125\n fmov d6, #-1.9375');
  assert.deepEqual([getV(3), getV(4), getV(5), getV(6)], [0x3f800000n, 0x403f000000000000n, 0x3e000000n, 0xbfff000000000000n]);
});

test('FCMP/FCMPE (register and #0.0) set NZCV per FPCompare; FCMPE signals on quiet NaN', () => {
  const cases: [string, bigint, bigint, number, number][] = [
    ['fcmp s1, s2', ONE_S, 0x40000000n, 0b1000, 0],
    ['fcmp s1, s2', 0x40000000n, ONE_S, 0b0010, 0],
    ['fcmp s1, s2', 0x80000000n, 0n, 0b0110, 0],
    ['fcmp s1, s2', 0x7fc00000n, ONE_S, 0b0011, 0],
    ['fcmpe s1, s2', 0x7fc00000n, ONE_S, 0b0011, 1],
    ['fcmp s1, s2', 0x7f800001n, ONE_S, 0b0011, 1],
    ['fcmp s1, #0.0', 0x80000001n, 0n, 0b1000, 0],
    ['fcmpe d1, #0.0', 0x7ff8000000000000n, 0n, 0b0011, 1],
    ['fcmp d1, d2', 0xfff0000000000000n, 0xffefffffffffffffn, 0b1000, 0],
  ];
  for (const [src, a, b, flags, fpsr] of cases) {
    setV(1, a);
    setV(2, b);
    s[S.FPSR] = 0;
    setNzcv(cpu, 0b0101);
    exec(src);
    assert.equal(nzcv(cpu), flags, src);
    assert.equal(s[S.FPSR], fpsr, src);
  }
});

test('FCCMP/FCCMPE compare only when the condition holds; FCSEL selects', () => {
  setV(1, ONE_S);
  setV(2, 0x7fc00000n);
  s[S.FPSR] = 0;
  setNzcv(cpu, 0b0100); // Z: EQ holds
  exec('fccmpe s1, s2, #0b1010, eq');
  assert.equal(nzcv(cpu), 0b0011);
  assert.equal(s[S.FPSR], 1);
  s[S.FPSR] = 0;
  setNzcv(cpu, 0b0000);
  exec('fccmpe s1, s2, #0b1010, eq');
  assert.equal(nzcv(cpu), 0b1010);
  assert.equal(s[S.FPSR], 0, 'no comparison, no exception');
  setV(1, ONE_D | (JUNK << 64n));
  setV(2, 0x4000000000000000n);
  setNzcv(cpu, 0b1000); // N != V: LT
  exec('fcsel d0, d1, d2, lt');
  assert.equal(getV(0), ONE_D);
  exec('fcsel d0, d1, d2, ge');
  assert.equal(getV(0), 0x4000000000000000n);
});

test('3-source: FMADD/FMSUB/FNMADD/FNMSUB are fused with the right negations', () => {
  // a = 1 + 2^-23, b = 1 - 2^-23: a*b = 1 - 2^-46 exactly; with c = -1 the fused result is -2^-46.
  setV(1, 0x3f800001n);
  setV(2, 0x3f7ffffen);
  setV(3, 0xbf800000n);
  s[S.FPCR] = 0;
  exec('fmadd s0, s1, s2, s3');
  assert.equal(getV(0), 0xa8800000n);
  exec('fnmsub s0, s1, s2, s3'); // -c + a*b = 1 + (1 - 2^-46) rounds to 2
  assert.equal(getV(0), 0x40000000n);
  exec('fmsub s0, s1, s2, s3'); // c - a*b
  assert.equal(getV(0), 0xc0000000n);
  exec('fnmadd s0, s1, s2, s3'); // -c - a*b = 2^-46
  assert.equal(getV(0), 0x28800000n);
  // FNMUL negates the rounded product (and a NaN's sign).
  setV(1, 0x7fc00001n);
  exec('fnmul s0, s1, s2');
  assert.equal(getV(0), 0xffc00001n);
});

test('FPSR is cumulative; FPCR RMode/FZ/DN/AHP steer the scalar instructions', () => {
  s[S.FPSR] = 0x08000001; // QC and IOC already set
  s[S.FPCR] = 0;
  setV(1, ONE_S);
  setV(2, 0x40400000n);
  exec('fdiv s0, s1, s2');
  assert.equal(getV(0), 0x3eaaaaabn);
  assert.equal(s[S.FPSR], 0x08000011);
  s[S.FPCR] = 0x400000; // RP
  exec('fdiv s0, s1, s2');
  assert.equal(getV(0), 0x3eaaaaabn);
  s[S.FPCR] = 0xc00000; // RZ
  exec('fdiv s0, s1, s2');
  assert.equal(getV(0), 0x3eaaaaaan);
  s[S.FPCR] = 1 << 24; // FZ: a denormal input is zero, IDC
  s[S.FPSR] = 0;
  setV(1, 0x00000001n);
  exec('fadd s0, s1, s1');
  assert.equal(getV(0), 0n);
  assert.equal(s[S.FPSR], 0x80);
  s[S.FPCR] = 1 << 25; // DN
  setV(1, 0x7f800123n);
  s[S.FPSR] = 0;
  exec('fadd s0, s1, s1');
  assert.equal(getV(0), 0x7fc00000n);
  assert.equal(s[S.FPSR], 1);
  s[S.FPCR] = 1 << 26; // AHP: 65536.0 is representable, infinity gives the largest value + IOC
  setV(1, 0x47800000n);
  exec('fcvt h0, s1');
  assert.equal(getV(0), 0x7c00n);
  setV(1, 0x7f800000n);
  s[S.FPSR] = 0;
  exec('fcvt h0, s1');
  assert.equal(getV(0), 0x7fffn);
  assert.equal(s[S.FPSR], 1);
  s[S.FPCR] = 0;
});

test('FRINT* and FCVT*S/U, SCVTF/UCVTF (integer and fixed-point) through the CPU', () => {
  s[S.FPCR] = 0;
  setV(1, 0xc0200000n); // -2.5
  const rint: [string, bigint][] = [['frintn', 0xc0000000n], ['frinta', 0xc0400000n], ['frintp', 0xc0000000n], ['frintm', 0xc0400000n], ['frintz', 0xc0000000n], ['frintx', 0xc0000000n], ['frinti', 0xc0000000n]];
  for (const [op, want] of rint) {
    exec(`${op} s0, s1`);
    assert.equal(getV(0), want, op);
  }
  const cvt: [string, bigint][] = [['fcvtns', -2n], ['fcvtas', -3n], ['fcvtps', -2n], ['fcvtms', -3n], ['fcvtzs', -2n]];
  for (const [op, want] of cvt) {
    exec(`${op} x0, s1\n ${op} w2, s1`);
    assert.equal(getX(cpu, 0), BigInt.asUintN(64, want), op);
    assert.equal(getX(cpu, 2), BigInt.asUintN(32, want), op + ' (W)');
  }
  s[S.FPSR] = 0;
  exec('fcvtzu w0, s1');
  assert.equal(getX(cpu, 0), 0n);
  assert.equal(s[S.FPSR], 1, 'negative to unsigned saturates with IOC');
  setV(1, 0x41e0000000000000n); // 2^31
  s[S.FPSR] = 0;
  exec('fcvtzs w0, d1\n fcvtzu w2, d1\n fcvtzs x3, d1, #32');
  assert.equal(getX(cpu, 0), 0x7fffffffn);
  assert.equal(getX(cpu, 2), 0x80000000n);
  assert.equal(getX(cpu, 3), 0x7fffffffffffffffn);
  assert.equal(s[S.FPSR], 1);
  setX(cpu, 1, -3n);
  exec('scvtf d0, x1\n ucvtf s2, w1\n scvtf s3, w1, #1');
  assert.equal(getV(0), 0xc008000000000000n);
  assert.equal(getV(2), 0x4f800000n); // 0xfffffffd rounds to 2^32
  assert.equal(getV(3), 0xbfc00000n);
  setV(1, 0x3fc00000n); // 1.5
  exec('fcvtzs w0, s1, #4');
  assert.equal(getX(cpu, 0), 24n);
});

test('half precision: FCVT to/from H is base; FP16 arithmetic UNDEFINED (not advertised) on max and cortex-a57', () => {
  setV(1, 0x3e00n); // 1.5 in half
  exec('fcvt s0, h1\n fcvt d2, h1');
  assert.equal(getV(0), 0x3fc00000n);
  assert.equal(getV(2), 0x3ff8000000000000n);
  const a57 = machine(cortexA57);
  for (const mm of [m, a57]) {
    for (const src of ['fadd h0, h1, h2', 'fsqrt h0, h1', 'fmov h0, #1.0', 'fcvtzs w0, h1', 'scvtf h0, w1', 'fmadd h0, h1, h2, h3', 'fcmp h1, h2', 'fmov w0, h1',
      'fadd v0.8h, v1.8h, v2.8h', 'fabs v0.4h, v1.4h', 'fmaxv h0, v1.8h', 'faddp h0, v1.2h', 'fmla v0.8h, v1.8h, v2.h[7]', 'fcvtzs v0.8h, v1.8h, #3', 'frecpe h0, h1', 'fabd h0, h1, h2']) {
      undef(word(src), mm);
    }
  }
});

test('FEAT_FP absent (ID_AA64PFR0_EL1.FP = 0xf): scalar FP rows UNDEFINED', () => {
  const mm = machine();
  const i = idRegIndex(4, 0);
  mm.cpu.idRegs[i] = (mm.cpu.idRegs[i] & ~(0xff << 16)) | (0xff << 16);
  mm.cpu.updateFeatures();
  undef(word('fadd s0, s1, s2'), mm);
  undef(word('fcvtzs w0, d1'), mm);
  undef(word('fadd v0.4s, v1.4s, v2.4s'), mm);
});

test('reserved encodings are UNDEFINED', () => {
  undef(word('fcvt d0, s1') & ~(3 << 15)); // FCVT S -> S (opc 00)
  undef((word('fcvt d0, s1') & ~(3 << 22)) | (2 << 22)); // ftype 10
  undef((word('fcvtzs w0, s1, #7') & ~(63 << 10)) | (31 << 10)); // 32-bit with scale < 32
  undef(word('fadd v0.2d, v1.2d, v2.2d') & ~(1 << 30)); // .1d
  undef(word('fmla v0.2d, v1.2d, v2.d[1]') | (1 << 21)); // L = 1 with double
  undef(word('fmaxv s0, v1.4s') & ~(1 << 30)); // FMAXV .2s
  undef(word('fcvtxn v0.2s, v1.2d') & ~(1 << 22)); // FCVTXN from single
  undef((word('fmov x0, v1.d[1]') & ~(3 << 19)) | (0 << 19)); // top-half FMOV with rmode 00
});

test('SIMD&FP access traps: CPACR_EL1.FPEN to EL1, CPTR_EL2.TFP to EL2 (EC 0x07), no state change', () => {
  const ESR = ((0x07 << 26) | (1 << 25) | (1 << 24) | (0xe << 20)) >>> 0;
  for (const src of ['fadd s0, s1, s2', 'fcvtzs x0, d1', 'fmov d0, x1', 'fcmp s1, s2', 'fmla v0.4s, v1.4s, v2.4s', 'scvtf s0, s1, #3']) {
    const mm = machine();
    mm.cpu.setSr(SR.CPACR_EL1, 0, 0);
    setV(0, JUNK, mm);
    setX(mm.cpu, 0, 7n);
    runWords(mm, [word(src)], 1);
    assert.equal(getPC(mm.cpu), BigInt(VBAR + 0x200), src);
    assert.equal(mm.cpu.sr(SR.ESR_EL1) >>> 0, ESR, src);
    assert.equal(mm.cpu.s[srIndex(SR.ELR_EL1)] >>> 0, mm.ramBase, src);
    assert.equal(getV(0, mm), JUNK, src);
    assert.equal(getX(mm.cpu, 0), 7n, src);
    const m2 = machine();
    m2.cpu.s[S.CPTR_EL2] = 1 << 10;
    assert.equal(runWords(m2, [word(src)], 1), Stop.TRAP, src);
    assert.equal(m2.cpu.s[S.ESR_EL2] >>> 0, ESR, src);
  }
});

test('UNDEFINED encodings take priority over the SIMD&FP access trap (decode before CheckFPAdvSIMDEnabled64)', () => {
  const mm = machine();
  mm.cpu.setSr(SR.CPACR_EL1, 0, 0);
  undef(word('fcvt d0, s1') & ~(3 << 15), mm);
  undef(word('fadd v0.2d, v1.2d, v2.2d') & ~(1 << 30), mm);
  undef((word('fcvtzs w0, s1, #7') & ~(63 << 10)) | (31 << 10), mm);
  undef(word('fcvtxn v0.2s, v1.2d') & ~(1 << 22), mm);
  // ... while an allocated encoding traps.
  runWords(mm, [word('fcvt d0, s1')], 1);
  assert.equal(mm.cpu.sr(SR.ESR_EL1) >>> 26, 0x07);
});
