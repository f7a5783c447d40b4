/**
 * The soft-float library (src/arch/aarch64/fp) against known values: each operation and
 * precision over special operands (+-0, +-Inf, quiet/signalling NaNs with payloads, denormals,
 * max/min normal), ties and directed rounding, overflow to Inf vs max-normal per rounding mode,
 * underflow with and without FZ, FZ16/AHP/DN, checking the result bits and the FPSR exception
 * bits exactly. The expected values follow the Arm ARM pseudocode and were cross-checked on
 * qemu-aarch64. Plus host-arithmetic comparisons (round-to-nearest results of add, sub, mul,
 * div and sqrt are the host's for single and double).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { res, fpst, FLAGS } from '../../../src/arch/aarch64/fp/core.js';
import { fpAdd, fpMul, fpDiv, fpSqrt, fpMulAdd } from '../../../src/arch/aarch64/fp/arith.js';
import { fpMaxMin, fpMaxMinNum, fpCompare } from '../../../src/arch/aarch64/fp/compare.js';
import { fpConvert, fpRoundInt, fpToFixed, fixedToFp } from '../../../src/arch/aarch64/fp/convert.js';
import { fpRecipEstimate, fpRSqrtEstimate, fpRecpX, fpRecipStepFused, fpRSqrtStepFused } from '../../../src/arch/aarch64/fp/estimate.js';

type Op = (a: bigint, b: bigint, c: bigint, fpcr: number) => void;
const lo = (x: bigint): number => Number(x & 0xffffffffn) | 0;
const hi = (x: bigint): number => Number((x >> 32n) & 0xffffffffn) | 0;
const rm = (fpcr: number): number => (fpcr >>> 22) & 3;
const SIGN = [0x8000, 0x80000000 | 0, 0];
const SIGN_HI = [0, 0, 0x80000000 | 0];

const OPS: Record<string, Op> = {};
for (const [sfx, f] of [['h', 0], ['s', 1], ['d', 2]] as const) {
  OPS['fadd_' + sfx] = (a, b, c, fc) => fpAdd(f, lo(a), hi(a), lo(b), hi(b), fc, false);
  OPS['fsub_' + sfx] = (a, b, c, fc) => fpAdd(f, lo(a), hi(a), lo(b), hi(b), fc, true);
  OPS['fmul_' + sfx] = (a, b, c, fc) => fpMul(f, lo(a), hi(a), lo(b), hi(b), fc, false);
  OPS['fmulx_' + sfx] = (a, b, c, fc) => fpMul(f, lo(a), hi(a), lo(b), hi(b), fc, true);
  OPS['fdiv_' + sfx] = (a, b, c, fc) => fpDiv(f, lo(a), hi(a), lo(b), hi(b), fc);
  OPS['fsqrt_' + sfx] = (a, b, c, fc) => fpSqrt(f, lo(a), hi(a), fc);
  OPS['fmax_' + sfx] = (a, b, c, fc) => fpMaxMin(f, lo(a), hi(a), lo(b), hi(b), fc, false);
  OPS['fmin_' + sfx] = (a, b, c, fc) => fpMaxMin(f, lo(a), hi(a), lo(b), hi(b), fc, true);
  OPS['fmaxnm_' + sfx] = (a, b, c, fc) => fpMaxMinNum(f, lo(a), hi(a), lo(b), hi(b), fc, false);
  OPS['fminnm_' + sfx] = (a, b, c, fc) => fpMaxMinNum(f, lo(a), hi(a), lo(b), hi(b), fc, true);
  // FMADD d = c + a * b; FMSUB negates a; FNMADD negates c and a.
  OPS['fmadd_' + sfx] = (a, b, c, fc) => fpMulAdd(f, lo(c), hi(c), lo(a), hi(a), lo(b), hi(b), fc);
  OPS['fmsub_' + sfx] = (a, b, c, fc) => fpMulAdd(f, lo(c), hi(c), lo(a) ^ SIGN[f], hi(a) ^ SIGN_HI[f], lo(b), hi(b), fc);
  OPS['fnmadd_' + sfx] = (a, b, c, fc) =>
    fpMulAdd(f, lo(c) ^ SIGN[f], hi(c) ^ SIGN_HI[f], lo(a) ^ SIGN[f], hi(a) ^ SIGN_HI[f], lo(b), hi(b), fc);
  // FCMP/FCMPE: NZCV in bits 31:28 as MRS NZCV reads it.
  OPS['fcmp_' + sfx] = (a, b, c, fc) => { res[0] = fpCompare(f, lo(a), hi(a), lo(b), hi(b), false, fc) << 28; res[1] = 0; };
  OPS['fcmpe_' + sfx] = (a, b, c, fc) => { res[0] = fpCompare(f, lo(a), hi(a), lo(b), hi(b), true, fc) << 28; res[1] = 0; };
  const RI: [string, number, boolean][] = [['n', 0, false], ['p', 1, false], ['m', 2, false], ['z', 3, false], ['a', 4, false], ['x', -1, true], ['i', -1, false]];
  for (const [m, r, exact] of RI) OPS[`frint${m}_${sfx}`] = (a, b, c, fc) => fpRoundInt(f, lo(a), hi(a), r < 0 ? rm(fc) : r, exact, fc);
  OPS['frecpe_' + sfx] = (a, b, c, fc) => fpRecipEstimate(f, lo(a), hi(a), fc);
  OPS['frsqrte_' + sfx] = (a, b, c, fc) => fpRSqrtEstimate(f, lo(a), hi(a), fc);
  OPS['frecpx_' + sfx] = (a, b, c, fc) => fpRecpX(f, lo(a), hi(a), fc);
  OPS['frecps_' + sfx] = (a, b, c, fc) => fpRecipStepFused(f, lo(a), hi(a), lo(b), hi(b), fc);
  OPS['frsqrts_' + sfx] = (a, b, c, fc) => fpRSqrtStepFused(f, lo(a), hi(a), lo(b), hi(b), fc);
}
const CVT: [string, number, number, number][] = [['sd', 1, 2, -1], ['ds', 2, 1, -1], ['sh', 1, 0, -1], ['dh', 2, 0, -1], ['hs', 0, 1, -1], ['hd', 0, 2, -1]];
for (const [name, from, to] of CVT) OPS['fcvt_' + name] = (a, b, c, fc) => fpConvert(from, lo(a), hi(a), to, rm(fc), fc);
OPS['fcvtxn'] = (a, b, c, fc) => fpConvert(2, lo(a), hi(a), 1, 5, fc);
// FP -> integer: [name, fmt, size, unsigned, rounding (-1 = FPCR), fbits]
const TOFIX: [string, number, number, boolean, number, number][] = [
  ['fcvtzs_sw', 1, 32, false, 3, 0], ['fcvtzs_sx', 1, 64, false, 3, 0], ['fcvtzs_dw', 2, 32, false, 3, 0],
  ['fcvtzs_dx', 2, 64, false, 3, 0], ['fcvtzu_sw', 1, 32, true, 3, 0], ['fcvtzu_dx', 2, 64, true, 3, 0],
  ['fcvtns_dx', 2, 64, false, 0, 0], ['fcvtas_sw', 1, 32, false, 4, 0], ['fcvtau_dw', 2, 32, true, 4, 0],
  ['fcvtps_dx', 2, 64, false, 1, 0], ['fcvtmu_sx', 1, 64, true, 2, 0], ['fcvtzs_dx_f17', 2, 64, false, 3, 17],
  ['fcvtzu_sw_f5', 1, 32, true, 3, 5],
];
for (const [name, f, size, uns, r, fbits] of TOFIX) OPS[name] = (a, b, c, fc) => fpToFixed(f, lo(a), hi(a), fbits, uns, size, r, fc);
// integer -> FP: [name, size, unsigned, fmt, fbits]
const FROMFIX: [string, number, boolean, number, number][] = [
  ['scvtf_xd', 64, false, 2, 0], ['scvtf_xs', 64, false, 1, 0], ['scvtf_wd', 32, false, 2, 0], ['scvtf_ws', 32, false, 1, 0],
  ['ucvtf_xd', 64, true, 2, 0], ['ucvtf_xs', 64, true, 1, 0], ['ucvtf_ws', 32, true, 1, 0],
  ['scvtf_xd_f40', 64, false, 2, 40], ['ucvtf_ws_f3', 32, true, 1, 3],
];
for (const [name, size, uns, f, fbits] of FROMFIX) OPS[name] = (a, b, c, fc) => fixedToFp(lo(a), hi(a), size, fbits, uns, f, rm(fc), fc);

/** Run an op: [result bits (a 32-bit integer result is the low word), FPSR exception bits]. */
function run(op: string, fpcr: number, a: bigint, b: bigint, c: bigint): [bigint, number] {
  const fn = OPS[op];
  assert.ok(fn, op);
  fpst[FLAGS] = 0;
  res[0] = 0;
  res[1] = 0;
  fn(a, b, c, fpcr);
  let r = (BigInt(res[1] >>> 0) << 32n) | BigInt(res[0] >>> 0);
  if (/_[sd]w|_hw|_sw_f/.test(op)) r &= 0xffffffffn;
  return [r, fpst[FLAGS]];
}

/**
 * op, FPCR, operands a b c, expected result, expected FPSR bits (IOC 1, DZC 2, OFC 4, UFC 8,
 * IXC 0x10, IDC 0x80). FPCR: RMode 0x400000 RP, 0x800000 RM, 0xc00000 RZ; FZ 0x1000000;
 * DN 0x2000000; AHP 0x4000000; FZ16 0x80000. All hex.
 */
const TABLE = `
  fadd_s 0 3f800000 3f800000 0 40000000 0
  fadd_s 0 3f800000 33800000 0 3f800000 10
  fadd_s 0 3f800000 33800001 0 3f800001 10
  fadd_s 0 3f800001 33800000 0 3f800002 10
  fadd_s 400000 3f800000 30800000 0 3f800001 10
  fadd_s 800000 3f800000 30800000 0 3f800000 10
  fadd_s 800000 bf800000 b0800000 0 bf800001 10
  fadd_s c00000 bf800000 b0800000 0 bf800000 10
  fadd_s 0 7f7fffff 7f7fffff 0 7f800000 14
  fadd_s c00000 7f7fffff 7f7fffff 0 7f7fffff 14
  fadd_s 400000 ff7fffff ff7fffff 0 ff7fffff 14
  fadd_s 0 3fc00000 bfc00000 0 0 0
  fadd_s 800000 3fc00000 bfc00000 0 80000000 0
  fadd_s 0 80000000 80000000 0 80000000 0
  fadd_s 0 00000000 80000000 0 0 0
  fadd_s 800000 00000000 80000000 0 80000000 0
  fadd_s 0 7f800000 ff800000 0 7fc00000 1
  fadd_s 0 7fc00001 7f800002 0 7fc00002 1
  fadd_s 0 7fc00001 7fc00002 0 7fc00001 0
  fadd_s 2000000 7fc00001 3f800000 0 7fc00000 0
  fadd_s 0 00000001 00000001 0 2 0
  fadd_s 1000000 00000001 00000001 0 0 80
  fadd_s 0 00800001 80000003 0 7ffffe 0
  fadd_s 1000000 00800001 80800000 0 0 8
  fadd_s 0 00800000 80000001 0 7fffff 0
  fadd_d 0 3ff0000000000000 3ca0000000000000 0 3ff0000000000000 10
  fadd_d 0 3ff0000000000001 3ca0000000000000 0 3ff0000000000002 10
  fadd_d 400000 3ff0000000000000 0000000000000001 0 3ff0000000000001 10
  fadd_d 800000 3ff0000000000000 8000000000000001 0 3fefffffffffffff 10
  fadd_d 0 7fefffffffffffff 7fefffffffffffff 0 7ff0000000000000 14
  fadd_d c00000 7fefffffffffffff 7fefffffffffffff 0 7fefffffffffffff 14
  fadd_d 800000 4000000000000000 c000000000000000 0 8000000000000000 0
  fadd_d 0 7ff0000000000000 fff0000000000000 0 7ff8000000000000 1
  fadd_d 0 7ff8000000000001 fff4000000000002 0 fffc000000000002 1
  fadd_d 1000000 000fffffffffffff 0000000000000001 0 0 80
  fadd_d 0 0010000000000000 8000000000000001 0 fffffffffffff 0
  fsub_d 0 3ff0000000000000 3ff0000000000000 0 0 0
  fsub_d 800000 3ff0000000000000 3ff0000000000000 0 8000000000000000 0
  fmul_s 0 3fc00000 3fc00000 0 40100000 0
  fmul_s 0 00800000 3f000000 0 400000 0
  fmul_s 0 00800000 3f000001 0 400000 18
  fmul_s 1000000 00800000 3f000001 0 0 8
  fmul_s 1000000 00800000 3f800000 0 800000 0
  fmul_s 0 7f800000 00000000 0 7fc00000 1
  fmul_s 0 7f000000 40000000 0 7f800000 14
  fmul_s c00000 7f000000 40000000 0 7f7fffff 14
  fmul_s 800000 7f000000 c0000000 0 ff800000 14
  fmul_d 0 3ff8000000000000 3ff8000000000000 0 4002000000000000 0
  fmul_d 0 0010000000000000 3fe0000000000000 0 8000000000000 0
  fmul_d 0 0010000000000000 3fe0000000000001 0 8000000000000 18
  fmul_d 1000000 0010000000000000 3fe0000000000001 0 0 8
  fmul_d 0 3ff0000000000001 3ff0000000000001 0 3ff0000000000002 10
  fmul_d 400000 3ff0000000000001 3ff0000000000001 0 3ff0000000000003 10
  fmul_d 0 7fe0000000000000 4000000000000000 0 7ff0000000000000 14
  fmulx_s 0 ff800000 00000000 0 c0000000 0
  fmulx_d 0 8000000000000000 7ff0000000000000 0 c000000000000000 0
  fdiv_s 0 3f800000 40400000 0 3eaaaaab 10
  fdiv_s 400000 3f800000 40400000 0 3eaaaaab 10
  fdiv_s 800000 3f800000 40400000 0 3eaaaaaa 10
  fdiv_s c00000 3f800000 40400000 0 3eaaaaaa 10
  fdiv_s 0 3f800000 00000000 0 7f800000 2
  fdiv_s 0 bf800000 00000000 0 ff800000 2
  fdiv_s 0 00000000 00000000 0 7fc00000 1
  fdiv_s 0 7f800000 7f800000 0 7fc00000 1
  fdiv_s 0 3f800000 ff800000 0 80000000 0
  fdiv_d 0 3ff0000000000000 4008000000000000 0 3fd5555555555555 10
  fdiv_d 400000 3ff0000000000000 4008000000000000 0 3fd5555555555556 10
  fdiv_d 800000 bff0000000000000 4008000000000000 0 bfd5555555555556 10
  fdiv_d 0 0000000000000001 4000000000000000 0 0 18
  fdiv_d 0 0000000000000003 4000000000000000 0 2 18
  fdiv_d 0 7fefffffffffffff 3fe0000000000000 0 7ff0000000000000 14
  fsqrt_s 0 40000000 0 0 3fb504f3 10
  fsqrt_s 400000 40000000 0 0 3fb504f4 10
  fsqrt_s 0 40800000 0 0 40000000 0
  fsqrt_s 0 bf800000 0 0 7fc00000 1
  fsqrt_s 0 80000000 0 0 80000000 0
  fsqrt_s 0 00000001 0 0 1a3504f3 10
  fsqrt_s 1000000 00000001 0 0 0 80
  fsqrt_s 0 7f800000 0 0 7f800000 0
  fsqrt_d 0 4000000000000000 0 0 3ff6a09e667f3bcd 10
  fsqrt_d 800000 4000000000000000 0 0 3ff6a09e667f3bcc 10
  fsqrt_d 0 0000000000000001 0 0 1e60000000000000 0
  fsqrt_d 0 fff4000000000000 0 0 fffc000000000000 1
  fmadd_s 0 3f800001 3f7ffffe bf800000 a8800000 0
  fmadd_s 0 3f800000 3f800000 bf800000 0 0
  fmadd_s 800000 3f800000 3f800000 bf800000 80000000 0
  fmadd_s 0 7f800000 00000000 7fc00000 7fc00000 1
  fmadd_s 0 7f800000 00000000 7fa00000 7fe00000 1
  fmadd_s 0 7f800000 3f800000 ff800000 7fc00000 1
  fmadd_s 0 00800000 00800000 80000000 0 18
  fmadd_s 800000 00800000 00800000 80000000 0 18
  fmadd_s 0 80000000 3f800000 00000000 0 0
  fmadd_s 800000 80000000 3f800000 00000000 80000000 0
  fmadd_d 0 3ff0000000000001 3feffffffffffffe bff0000000000000 b970000000000000 0
  fmadd_d 0 4000000000000000 3ff8000000000000 0000000000000001 4008000000000000 10
  fmadd_d 400000 4000000000000000 3ff8000000000000 0000000000000001 4008000000000001 10
  fmadd_d 0 7fefffffffffffff 4000000000000000 ffefffffffffffff 7fefffffffffffff 0
  fmadd_d 1000000 0010000000000001 3fefffffffffffff 8000000000000000 10000000000000 10
  fnmadd_d 0 7ff4000000000001 3ff0000000000000 3ff0000000000000 fffc000000000001 1
  fmsub_s 0 ffc00001 3f800000 3f800000 7fc00001 0
  fmax_s 0 00000000 80000000 0 0 0
  fmin_s 0 00000000 80000000 0 80000000 0
  fmax_s 0 7fc00001 3f800000 0 7fc00001 0
  fmaxnm_s 0 7fc00001 3f800000 0 3f800000 0
  fminnm_s 0 3f800000 7fc00001 0 3f800000 0
  fmaxnm_s 0 7f800001 3f800000 0 7fc00001 1
  fmax_d 0 3ff0000000000000 4000000000000000 0 4000000000000000 0
  fmin_d 1000000 0000000000000001 8000000000000001 0 8000000000000000 80
  fmin_d 0 0000000000000001 8000000000000001 0 8000000000000001 0
  fcmp_s 0 3f800000 40000000 0 80000000 0
  fcmp_s 0 40000000 3f800000 0 20000000 0
  fcmp_s 0 00000000 80000000 0 60000000 0
  fcmp_s 0 7fc00000 3f800000 0 30000000 0
  fcmpe_s 0 7fc00000 3f800000 0 30000000 1
  fcmp_s 0 7f800001 3f800000 0 30000000 1
  fcmp_d 1000000 0000000000000001 0000000000000000 0 60000000 80
  frintn_s 0 40200000 0 0 40000000 0
  frinta_s 0 40200000 0 0 40400000 0
  frintp_s 0 40200000 0 0 40400000 0
  frintm_s 0 40200000 0 0 40000000 0
  frintz_s 0 c0200000 0 0 c0000000 0
  frintn_s 0 c0200000 0 0 c0000000 0
  frinta_s 0 c0200000 0 0 c0400000 0
  frintm_s 0 c0200000 0 0 c0400000 0
  frintp_s 0 be99999a 0 0 80000000 0
  frintx_s 0 3e99999a 0 0 0 10
  frinti_s 400000 3e99999a 0 0 3f800000 0
  frintx_s 0 4b000001 0 0 4b000001 0
  frintx_d 0 3fe0000000000000 0 0 0 10
  frintx_d 0 3fe0000000000001 0 0 3ff0000000000000 10
  frinta_d 0 bfe0000000000000 0 0 bff0000000000000 0
  frintn_d 0 7ff4000000000000 0 0 7ffc000000000000 1
  frintx_d 1000000 0000000000000001 0 0 0 80
  fcvtzs_sw 0 4f000000 0 0 7fffffff 1
  fcvtzs_sw 0 cf000000 0 0 80000000 0
  fcvtzs_sw 0 cf000001 0 0 80000000 1
  fcvtzs_sw 0 7fc00000 0 0 0 1
  fcvtzs_sx 0 ff800000 0 0 8000000000000000 1
  fcvtzu_sw 0 bf000000 0 0 0 10
  fcvtzu_sw 0 bf800000 0 0 0 1
  fcvtzu_sw 0 4f800000 0 0 ffffffff 1
  fcvtzs_dw 0 41dfffffffc00000 0 0 7fffffff 0
  fcvtzs_dx 0 43e0000000000000 0 0 7fffffffffffffff 1
  fcvtzs_dx 0 c3e0000000000000 0 0 8000000000000000 0
  fcvtzu_dx 0 43efffffffffffff 0 0 fffffffffffff800 0
  fcvtns_dx 0 4004000000000000 0 0 2 10
  fcvtns_dx 0 400c000000000000 0 0 4 10
  fcvtas_sw 0 40200000 0 0 3 10
  fcvtas_sw 0 c0200000 0 0 fffffffd 10
  fcvtau_dw 0 41efffffffe00000 0 0 ffffffff 0
  fcvtps_dx 0 3ff0000000000001 0 0 2 10
  fcvtmu_sx 0 3fffffff 0 0 1 10
  fcvtzs_dx_f17 0 3ff8000000000000 0 0 30000 0
  fcvtzs_dx_f17 0 42e0000000000000 0 0 7fffffffffffffff 1
  fcvtzu_sw_f5 0 3d000000 0 0 1 0
  scvtf_ws 0 01000001 0 0 4b800000 10
  scvtf_ws 400000 01000001 0 0 4b800001 10
  scvtf_ws 0 80000000 0 0 cf000000 0
  scvtf_wd 0 ffffffff 0 0 bff0000000000000 0
  scvtf_xd 0 8000000000000000 0 0 c3e0000000000000 0
  scvtf_xd 0 7fffffffffffffff 0 0 43e0000000000000 10
  scvtf_xs c00000 7fffffffffffffff 0 0 5effffff 10
  ucvtf_xd 0 ffffffffffffffff 0 0 43f0000000000000 10
  ucvtf_xs 0 ffffffffffffffff 0 0 5f800000 10
  ucvtf_ws 0 ffffffff 0 0 4f800000 10
  scvtf_xd_f40 0 0000010000000000 0 0 3ff0000000000000 0
  ucvtf_ws_f3 0 00000001 0 0 3e000000 0
  fcvt_sd 0 3f800000 0 0 3ff0000000000000 0
  fcvt_sd 0 7f800001 0 0 7ff8000020000000 1
  fcvt_sd 2000000 7fc12345 0 0 7ff8000000000000 0
  fcvt_sd 0 00000001 0 0 36a0000000000000 0
  fcvt_sd 1000000 00000001 0 0 0 80
  fcvt_ds 0 3ff0000000000000 0 0 3f800000 0
  fcvt_ds 0 7fefffffffffffff 0 0 7f800000 14
  fcvt_ds c00000 7fefffffffffffff 0 0 7f7fffff 14
  fcvt_ds 0 3ff0000010000000 0 0 3f800000 10
  fcvt_ds 0 3ff0000030000000 0 0 3f800002 10
  fcvt_ds 0 36a0000000000000 0 0 1 0
  fcvt_ds 1000000 3800000000000000 0 0 0 8
  fcvt_ds 0 7ff123456789abcd 0 0 7fc91a2b 1
  fcvt_sh 0 3f800000 0 0 3c00 0
  fcvt_sh 0 47800000 0 0 7c00 14
  fcvt_sh 4000000 47800000 0 0 7c00 0
  fcvt_sh 4000000 48000000 0 0 7fff 1
  fcvt_sh 4000000 7fc00000 0 0 0 1
  fcvt_sh 4000000 7f800000 0 0 7fff 1
  fcvt_sh 0 33800000 0 0 1 0
  fcvt_sh 1000000 387fc000 0 0 3ff 0
  fcvt_sh 1080000 387fc000 0 0 3ff 0
  fcvt_hs 0 3c00 0 0 3f800000 0
  fcvt_hs 0 7c00 0 0 7f800000 0
  fcvt_hs 4000000 7c00 0 0 47800000 0
  fcvt_hs 0 7d01 0 0 7fe02000 1
  fcvt_hs 0 0001 0 0 33800000 0
  fcvt_hs 1080000 0001 0 0 33800000 0
  fcvt_hd 0 fe01 0 0 fff8040000000000 0
  fcvtxn 0 3ff0000010000000 0 0 3f800001 10
  fcvtxn 0 3ff0000000000001 0 0 3f800001 10
  fcvtxn 0 7fefffffffffffff 0 0 7f7fffff 14
  frecpe_s 0 3f800000 0 0 3f7f8000 0
  frecpe_s 0 00000000 0 0 7f800000 2
  frecpe_s 0 00000001 0 0 7f800000 14
  frecpe_s 800000 00000001 0 0 7f7fffff 14
  frecpe_s 1000000 7e800000 0 0 0 8
  frecpe_s 0 7e800000 0 0 7fc000 0
  frecpe_d 0 c000000000000000 0 0 bfdff00000000000 0
  frsqrte_s 0 40800000 0 0 3eff8000 0
  frsqrte_s 0 40000000 0 0 3f348000 0
  frsqrte_s 0 bf800000 0 0 7fc00000 1
  frsqrte_d 0 0000000000000001 0 0 617ff00000000000 0
  frecpx_s 0 40400000 0 0 3f800000 0
  frecpx_s 0 00000001 0 0 7f000000 0
  frecpx_d 0 fff0000000000000 0 0 8000000000000000 0
  frecps_s 0 40000000 3f000000 0 3f800000 0
  frecps_s 0 7f800000 00000000 0 40000000 0
  frsqrts_s 0 3f800000 3f800000 0 3f800000 0
  frsqrts_d 0 8000000000000000 7ff0000000000000 0 3ff8000000000000 0
`;

const rows = TABLE.trim().split('\n').map((l) => l.trim().split(/\s+/));
const families = [...new Set(rows.map((r) => r[0].replace(/_.*$/, '')))];
for (const fam of families) {
  test(`known values: ${fam}`, () => {
    for (const [op, fc, a, b, c, want, flags] of rows.filter((r) => r[0].replace(/_.*$/, '') === fam)) {
      const [r, f] = run(op, parseInt(fc, 16), BigInt('0x' + a), BigInt('0x' + b), BigInt('0x' + c));
      const what = `${op} fpcr=${fc} ${a} ${b} ${c}`;
      assert.equal(r.toString(16), BigInt('0x' + want).toString(16), what + ': result');
      assert.equal(f.toString(16), parseInt(flags, 16).toString(16), what + ': flags');
    }
  });
}

// ---- host arithmetic: round-to-nearest add/sub/mul/div/sqrt for normal operands -----------------

let seed = 0x2545f491;
function rnd(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
function rs(): number {
  // a normal single with an exponent in a range where results stay normal
  return ((rnd() & 0x80000000) | ((100 + (rnd() % 56)) << 23) | (rnd() & 0x7fffff)) >>> 0;
}
function rd(): bigint {
  return (BigInt(rnd() >>> 31) << 63n) | (BigInt(900 + (rnd() % 240)) << 52n) | (BigInt(rnd() & 0xfffff) << 32n) | BigInt(rnd());
}
const fromS = (b: number): number => ((u32[0] = b), f32[0]);
const toS = (x: number): bigint => ((f32[0] = x), BigInt(u32[0]));
const fromD = (b: bigint): number => ((u64[0] = b), f64[0]);
const toD = (x: number): bigint => ((f64[0] = x), u64[0]);

test('single: RN results equal the host (Math.fround of the exact double result), 4 x 5000 operands', () => {
  for (let i = 0; i < 5000; i++) {
    const a = rs();
    const b = rs();
    const x = fromS(a);
    const y = fromS(b);
    assert.equal(run('fadd_s', 0, BigInt(a), BigInt(b), 0n)[0], toS(Math.fround(x + y)));
    assert.equal(run('fmul_s', 0, BigInt(a), BigInt(b), 0n)[0], toS(Math.fround(x * y)));
    assert.equal(run('fdiv_s', 0, BigInt(a), BigInt(b), 0n)[0], toS(Math.fround(x / y)));
    assert.equal(run('fsqrt_s', 0, BigInt(a & 0x7fffffff), 0n, 0n)[0], toS(Math.fround(Math.sqrt(Math.abs(x)))));
  }
});

test('double: RN results and IXC equal the host (exactness by error-free transformations), 4 x 5000 operands', () => {
  for (let i = 0; i < 5000; i++) {
    const a = rd();
    const b = rd();
    const x = fromD(a);
    const y = fromD(b);
    const [s, fs] = run('fadd_d', 0, a, b, 0n);
    assert.equal(s, toD(x + y));
    // TwoSum: the sum is exact iff the error term is zero.
    const sum = x + y;
    const bb = sum - x;
    const err = x - (sum - bb) + (y - bb);
    assert.equal(fs, err === 0 ? 0 : 0x10);
    assert.equal(run('fsub_d', 0, a, b, 0n)[0], toD(x - y));
    assert.equal(run('fmul_d', 0, a, b, 0n)[0], toD(x * y));
    assert.equal(run('fdiv_d', 0, a, b, 0n)[0], toD(x / y));
    assert.equal(run('fsqrt_d', 0, a & ~(1n << 63n), 0n, 0n)[0], toD(Math.sqrt(Math.abs(x))));
  }
});

test('double: directed rounding brackets the RN result by one ulp, and RP - RM is 0 exactly when exact', () => {
  for (let i = 0; i < 3000; i++) {
    const a = rd();
    const b = rd() & ~(1n << 63n);
    for (const op of ['fadd_d', 'fmul_d', 'fdiv_d']) {
      const [n] = run(op, 0, a, b, 0n);
      const [p, fp] = run(op, 0x400000, a, b, 0n);
      const [m, fm] = run(op, 0x800000, a, b, 0n);
      const [z] = run(op, 0xc00000, a, b, 0n);
      const pv = fromD(p);
      const mv = fromD(m);
      assert.ok(pv >= mv, `${op} RP >= RM`);
      assert.equal(fp, fm);
      if (fp === 0) assert.ok(p === m && m === n && n === z);
      else {
        assert.ok(p !== m && (n === p || n === m), `${op} RN is RP or RM`);
        assert.equal(z, fromD(n) < 0 ? p : m, `${op} RZ is toward zero`);
      }
    }
  }
});
