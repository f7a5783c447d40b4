/**
 * Every scalar FP and AdvSIMD FP instruction form through the real CPU (decode + executor +
 * soft-float), against result vectors recorded from qemu-aarch64 (QEMU 7.2 user mode, cpu max)
 * running the same instruction on the same inputs: V0 (both halves), X0, NZCV and FPSR after
 * one instruction, three input sets per form. Inputs are built deterministically from small
 * pools of special and ordinary values (NaNs with payloads, infinities, denormals, max normal,
 * integer limits) and a rotating FPCR (rounding modes, FZ, DN, AHP).
 *
 * The FP16 table runs on a CPU whose ID_AA64PFR0_EL1.FP/AdvSIMD say FEAT_FP16 (the shipped
 * models do not). One deliberate difference from QEMU 7.2: the scalar FCVTZS/FCVTZU (vector,
 * fixed-point) on a half writes a 16-bit result (V[d] = result, zero-extended); QEMU leaves the
 * sign-extended 32-bit value in S[d]. The table has the Arm ARM's value.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMachine, runWords, getX, setX, nzcv, setNzcv, getPC } from '../../helpers/machine.js';
import { assemble } from '../../helpers/asm.js';
import { Stop } from '../../../src/arch/aarch64/cpu.js';
import { S, SR } from '../../../src/arch/aarch64/state.js';
import { idRegIndex } from '../../../src/arch/aarch64/cpus/model.js';

const PS = [0x3f800000, 0xc0200000, 0x7fc00001, 0x7f800002, 0x00000001, 0x807fffff, 0x7f7fffff, 0x3eaaaaab, 0x00000000, 0x80000000, 0xff800000, 0x4f000000, 0xbf000001, 0x40490fdb, 0x00800000, 0x5e800001, 0x3fc00000];
const PD = [0x3ff0000000000000n, 0xc004000000000000n, 0x7ff8000000000001n, 0x7ff0000000000002n, 0x0000000000000001n, 0x800fffffffffffffn, 0x7fefffffffffffffn, 0x3fd5555555555555n, 0n, 0x8000000000000000n, 0xfff0000000000000n, 0x43e0000000000000n, 0xbfe0000000000001n, 0x400921fb54442d18n, 0x0010000000000000n, 0x41dfffffffc00001n, 0x3ff8000000000000n];
const PH = [0x3c00, 0xc100, 0x7e01, 0x7c02, 0x0001, 0x83ff, 0x7bff, 0x3555, 0, 0x8000, 0xfc00, 0x7800, 0xb801, 0x4248, 0x0400, 0x5a01, 0x3e00];
const PX = [0n, 1n, 0xffffffffffffffffn, 0x7fffffffffffffffn, 0x8000000000000000n, 0x00000000ffffffffn, 0x0000000080000000n, 0x123456789abcdefn, 0x1000001n, 0xfffffffff0000001n, 0x40000000n, 0x7fffffffn, 0xffffffff00000003n];
const FPCRS = [0, 0x400000, 0x800000, 0xc00000, 0x1000000, 0x2000000, 0x4000000, 0x1c00000, 0x3000000];

/** Inputs of case k of form i: V0..V3 as (lo, hi) 64-bit halves, X0..X2, FPCR, NZCV. */
function inputs(kind: string, i: number, k: number): { v: bigint[]; x: bigint[]; fpcr: number; flags: number } {
  const v: bigint[] = [];
  for (let j = 0; j < 4; j++) {
    let l = 0n;
    let h = 0n;
    for (let e = 0; e < 8; e++) {
      const idx = i * 7 + k * 5 + j * 3 + e;
      if (kind === 's' && e < 4) {
        const x = BigInt(PS[idx % PS.length] >>> 0);
        if (e < 2) l |= x << BigInt(32 * e);
        else h |= x << BigInt(32 * (e - 2));
      }
      if ((kind === 'd' || kind === 'x') && e < 2) {
        const x = kind === 'd' ? PD[idx % PD.length] : PX[idx % PX.length];
        if (e === 0) l = x;
        else h = x;
      }
      if (kind === 'h') {
        const x = BigInt(PH[idx % PH.length]);
        if (e < 4) l |= x << BigInt(16 * e);
        else h |= x << BigInt(16 * (e - 4));
      }
    }
    v.push(l, h);
  }
  const x = [0, 1, 2].map((j) => PX[(i * 5 + k * 3 + j) % PX.length]);
  return { v, x, fpcr: FPCRS[(i + k) % FPCRS.length], flags: (i * 5 + k * 3) % 16 };
}

/**
 * [input kind] form | per case: V0 bits 63:0, V0 bits 127:64, X0, NZCV, FPSR (hex). Input kinds
 * (s single, d double, h half, x integer lanes) are listed in KINDS in the same order.
 */
const KINDS = 
  'sdsdsdsdsdsdsdsdsdsdsdsdsdsdsdsdhhsdsdsdssdsdssdsdsdssddddssddsdsdsdsdxxxxsdsxxxssdsdssdsdsdssdsdssdssdsdssdssdsdssdsdssdsdssdssdsdxxsdxxddssddsshhsssssdsdsdsdsdsxxsdxdsdsdsdsdssdsdsdsxxdsd';
const TABLE = `
  fadd s0, s1, s2             | 7fc00002 0 0 0 1 | 4f000000 0 7fffffffffffffff 3 0 | 409487ed 0 80000000 6 10
  fadd d0, d1, d2             | fff0000000000000 0 ffffffff 5 0 | 41dfffffff200001 0 1000001 8 0 | 7ff8000000000002 0 7fffffff b 1
  fsub s0, s1, s2             | 7fc00002 0 40000000 a 1 | 807fffff 0 0 d 0 | ff800000 0 7fffffffffffffff 0 0
  fsub d0, d1, d2             | 7ff0000000000000 0 ffffffffffffffff f 0 | c1dfffffffe00001 0 ffffffff 2 10 | 7ff8000000000000 0 1000001 5 1
  fmul s0, s1, s2             | 800000 0 123456789abcdef 4 0 | 7fc00000 0 40000000 7 0 | ff800000 0 0 a 0
  fmul d0, d1, d2             | 0 0 ffffffff00000003 9 18 | 0 0 ffffffffffffffff c 0 | 10000000000000 0 ffffffff f 0
  fdiv s0, s1, s2             | 7f800000 0 8000000000000000 e 14 | 7fc00001 0 123456789abcdef 1 0 | 0 0 40000000 4 80
  fdiv d0, d1, d2             | fff0000000000000 0 fffffffff0000001 3 82 | fff0000000000000 0 ffffffff00000003 6 2 | 7ff0000000000000 0 ffffffffffffffff 9 14
  fnmul s0, s1, s2            | 80000000 0 1 8 0 | c096cbe4 0 8000000000000000 b 10 | 2 0 123456789abcdef e 18
  fnmul d0, d1, d2            | 41f3ffffffd80001 0 80000000 d 10 | fff8000000000002 0 fffffffff0000001 0 1 | 8000000000000000 0 ffffffff00000003 3 0
  fmax s0, s1, s2             | 0 0 7fffffff 2 0 | 40490fdb 0 1 5 0 | 5e800001 0 8000000000000000 8 0
  fmin d0, d1, d2             | bfe0000000000001 0 7fffffffffffffff 7 0 | 7ff8000000000002 0 80000000 a 1 | 8000000000000000 0 fffffffff0000001 d 80
  fmaxnm s0, s1, s2           | 807fffff 0 1000001 c 0 | 3eaaaaab 0 7fffffff f 0 | 5e800001 0 1 2 0
  fminnm d0, d1, d2           | bfe0000000000001 0 0 1 0 | 10000000000000 0 7fffffffffffffff 4 0 | 800fffffffffffff 0 80000000 7 0
  fmadd s0, s1, s2, s3        | 7fc00000 0 ffffffff 6 0 | ff800000 0 1000001 9 0 | 5e800001 0 7fffffff c 0
  fmadd d0, d1, d2, d3        | bfe0000000000001 0 40000000 b 0 | 3ff0000000000000 0 0 e 10 | 7ff8000000000000 0 7fffffffffffffff 1 80
  fmsub s0, s1, s2, s3        | 7fc00001 0 ffffffffffffffff 0 0 | 3eaaaaab 0 ffffffff 3 80 | bf000001 0 1000001 6 0
  fmsub d0, d1, d2, d3        | 7ff8000000000000 0 123456789abcdef 5 1 | 10000000000000 0 40000000 8 0 | 7ff8000000000001 0 0 b 0
  fnmadd s0, s1, s2, s3       | 7f800000 0 ffffffff00000003 a 0 | 5f200002 0 ffffffffffffffff d 10 | ffc00002 0 ffffffff 0 1
  fnmadd d0, d1, d2, d3       | 7ff8000000000002 0 8000000000000000 f 1 | c3e0000000000000 0 123456789abcdef 2 0 | 7ff0000000000000 0 40000000 5 0
  fnmsub s0, s1, s2, s3       | ff800000 0 fffffffff0000001 4 0 | de000002 0 ffffffff00000003 7 10 | 7fc00002 0 ffffffffffffffff a 1
  fnmsub d0, d1, d2, d3       | fff8000000000002 0 1 9 1 | 7ff8000000000001 0 8000000000000000 c 80 | fff0000000000000 0 123456789abcdef f 0
  fmov s0, s1                 | 1 0 80000000 e 0 | 80000000 0 fffffffff0000001 1 0 | 800000 0 ffffffff00000003 4 0
  fmov d0, d1                 | 43e0000000000000 0 7fffffff 3 0 | 3ff8000000000000 0 1 6 0 | 1 0 8000000000000000 9 0
  fabs s0, s1                 | 40200000 0 7fffffffffffffff 8 0 | 7f7fffff 0 80000000 b 0 | 4f000000 0 fffffffff0000001 e 0
  fneg d0, d1                 | 8000000000000000 0 1000001 d 0 | c00921fb54442d18 0 7fffffff 0 0 | 4004000000000000 0 1 3 0
  fsqrt s0, s1                | 4f000000 0 0 2 10 | 7fc00002 0 7fffffffffffffff 5 1 | 0 0 80000000 8 0
  fsqrt d0, d1                | 7ff8000000000000 0 ffffffff 7 1 | 7ff8000000000000 0 1000001 a 1 | 40e6a09e66689b2e 0 7fffffff d 10
  fcvt d0, s1                 | bfe0000020000000 0 40000000 c 0 | 3ff0000000000000 0 0 f 0 | b80fffffc0000000 0 7fffffffffffffff 2 0
  fcvt s0, d1                 | 7fc00000 0 ffffffffffffffff 1 0 | 3eaaaaaa 0 ffffffff 4 10 | bf000000 0 1000001 7 10
  fcvt h0, s1                 | 8000 0 123456789abcdef 6 0 | 0 0 40000000 9 18 | 7e00 0 0 c 0
  fcvt h0, d1                 | 3e00 0 ffffffff00000003 b 0 | 0 0 ffffffffffffffff e 18 | 8000 0 ffffffff 1 0
  fcvt s0, h1                 | 477fe000 0 8000000000000000 0 0 | 47000000 0 123456789abcdef 3 0 | 3fc00000 0 40000000 6 0
  fcvt d0, h1                 | 4009200000000000 0 fffffffff0000001 5 0 | c004000000000000 0 ffffffff00000003 8 0 | 40effc0000000000 0 ffffffffffffffff b 0
  frintn s0, s1               | 7fc00002 0 1 a 1 | 0 0 8000000000000000 d 0 | 40400000 0 123456789abcdef 0 0
  frintp d0, d1               | fff0000000000000 0 80000000 f 0 | 41e0000000000000 0 fffffffff0000001 2 0 | 7ff8000000000002 0 ffffffff00000003 5 1
  frintm s0, s1               | 3f800000 0 7fffffff 4 0 | bf800000 0 1 7 0 | ff800000 0 8000000000000000 a 0
  frintz d0, d1               | 0 0 7fffffffffffffff 9 0 | 8000000000000000 0 80000000 c 0 | 3ff0000000000000 0 fffffffff0000001 f 0
  frinta s0, s1               | 0 0 1000001 e 0 | 7fc00001 0 7fffffff 1 0 | 0 0 1 4 0
  frintx d0, d1               | 0 0 0 3 10 | 8000000000000000 0 7fffffffffffffff 6 0 | 0 0 80000000 9 10
  frinti s0, s1               | 4f000000 0 ffffffff 8 0 | 40000000 0 1000001 b 0 | 0 0 7fffffff e 0
  fcmp s1, s2                 | 3fc000005e800001 c02000003f800000 40000000 8 0 | 17f800002 7f7fffff807fffff 0 2 0 | 8000000000000000 4f000000ff800000 7fffffffffffffff 2 0
  fcmp d1, d2                 | 800fffffffffffff 7fefffffffffffff ffffffffffffffff 8 0 | fff0000000000000 43e0000000000000 ffffffff 2 0 | 41dfffffffc00001 3ff8000000000000 1000001 8 80
  fcmpe s1, s2                | 40490fdbbf000001 5e80000100800000 123456789abcdef 2 0 | c02000003f800000 7f8000027fc00001 40000000 3 1 | 7f7fffff807fffff 3eaaaaab 0 8 0
  fcmpe d1, #0.0              | 7ff8000000000001 7ff0000000000002 ffffffff00000003 6 80 | 3fd5555555555555 0 ffffffffffffffff 8 0 | bfe0000000000001 400921fb54442d18 ffffffff 2 0
  fcmp s1, #0.0               | ff80000080000000 bf0000014f000000 8000000000000000 8 0 | 5e80000100800000 3f8000003fc00000 123456789abcdef 2 0 | 7f8000027fc00001 807fffff00000001 40000000 8 0
  fccmp s1, s2, #5, eq        | 3f8000003fc00000 7fc00001c0200000 fffffffff0000001 3 0 | 807fffff00000001 3eaaaaab7f7fffff ffffffff00000003 5 0 | ff80000080000000 bf0000014f000000 ffffffffffffffff 8 0
  fccmpe d1, d2, #2, lt       | 7fefffffffffffff 3fd5555555555555 1 2 0 | 43e0000000000000 bfe0000000000001 8000000000000000 8 0 | 3ff8000000000000 3ff0000000000000 123456789abcdef 3 81
  fcsel s0, s1, s2, ne        | 3fc00000 0 80000000 0 0 | 1 0 fffffffff0000001 3 0 | bf000001 0 ffffffff00000003 6 0
  fcsel d0, d1, d2, ge        | 8000000000000000 0 7fffffff 5 0 | 10000000000000 0 1 8 0 | 3ff8000000000000 0 8000000000000000 b 0
  fmov s0, #1.5               | 3fc00000 0 7fffffffffffffff a 0 | 3fc00000 0 80000000 d 0 | 3fc00000 0 fffffffff0000001 0 0
  fmov d0, #-0.125            | bfc0000000000000 0 1000001 f 0 | bfc0000000000000 0 7fffffff 2 0 | bfc0000000000000 0 1 5 0
  fmov w0, s1                 | 3eaaaaab ff80000080000000 ff800000 4 0 | 40490fdbbf000001 5e80000100800000 5e800001 7 0 | c02000003f800000 7f8000027fc00001 7f800002 a 0
  fmov s0, w1                 | 80000000 0 ffffffff 9 0 | f0000001 0 1000001 c 0 | 3 0 7fffffff f 0
  fmov x0, d1                 | 1 800fffffffffffff 3fd5555555555555 e 0 | 8000000000000000 fff0000000000000 bfe0000000000001 1 0 | 10000000000000 41dfffffffc00001 3ff0000000000000 4 0
  fmov d0, x1                 | 7fffffffffffffff 0 ffffffffffffffff 3 0 | 80000000 0 ffffffff 6 0 | fffffffff0000001 0 1000001 9 0
  fmov x0, v1.d[1]            | c004000000000000 7ff8000000000001 800fffffffffffff 8 0 | 7fefffffffffffff 3fd5555555555555 fff0000000000000 b 0 | 43e0000000000000 bfe0000000000001 41dfffffffc00001 e 0
  fmov v0.d[1], x1            | 0 0 ffffffff00000003 d 0 | 400921fb54442d18 7fffffffffffffff ffffffffffffffff 0 0 | c004000000000000 80000000 ffffffff 3 0
  fcvtzs w0, s1               | 3fc000005e800001 c02000003f800000 fffffffe 2 10 | 17f800002 7f7fffff807fffff 7fffffff 5 1 | 8000000000000000 4f000000ff800000 7fffffff 8 1
  fcvtzs x0, s1               | 7f7fffff807fffff 3eaaaaab 0 7 0 | 4f000000ff800000 40490fdbbf000001 3 a 10 | 3fc000005e800001 c02000003f800000 fffffffffffffffe d 10
  fcvtzs w0, d1               | bfe0000000000001 400921fb54442d18 7fffffff c 10 | 3ff0000000000000 c004000000000000 0 f 1 | 800fffffffffffff 7fefffffffffffff 0 2 0
  fcvtzu x0, d1               | 7ff8000000000001 7ff0000000000002 0 1 80 | 3fd5555555555555 0 0 4 1 | bfe0000000000001 400921fb54442d18 7fffffff 7 10
  fcvtns w0, s1               | ff80000080000000 bf0000014f000000 ffffffff 6 10 | 5e80000100800000 3f8000003fc00000 1 9 0 | 7f8000027fc00001 807fffff00000001 0 c 10
  fcvtnu x0, d1               | 3ff8000000000000 3ff0000000000000 0 b 1 | 1 800fffffffffffff 0 e 10 | 8000000000000000 fff0000000000000 0 1 1
  fcvtps x0, s1               | 3eaaaaab7f7fffff 8000000000000000 0 0 0 | bf0000014f000000 80000040490fdb 1 3 10 | 3f8000003fc00000 7fc00001c0200000 0 6 1
  fcvtpu w0, d1               | 400921fb54442d18 10000000000000 2 5 10 | c004000000000000 7ff8000000000001 1 8 10 | 7fefffffffffffff 3fd5555555555555 0 b 0
  fcvtms w0, s1               | 17f800002 7f7fffff807fffff 7fffffff a 1 | 8000000000000000 4f000000ff800000 7fffffff d 1 | 80000040490fdb 3fc000005e800001 1 0 10
  fcvtmu x0, d1               | fff0000000000000 43e0000000000000 3 f 10 | 41dfffffffc00001 3ff8000000000000 0 2 1 | 7ff0000000000002 1 ffffffffffffffff 5 1
  fcvtas x0, s1               | c02000003f800000 7f8000027fc00001 0 4 1 | 7f7fffff807fffff 3eaaaaab 0 7 0 | 4f000000ff800000 40490fdbbf000001 3 a 10
  fcvtau w0, d1               | 3fd5555555555555 0 0 9 1 | bfe0000000000001 400921fb54442d18 7fffffff c 10 | 3ff0000000000000 c004000000000000 0 f 1
  scvtf s0, w1                | 0 0 ffffffff00000003 e 0 | bf800000 0 ffffffffffffffff 1 0 | cf000000 0 ffffffff 4 0
  scvtf d0, x1                | 41efffffffe00000 0 8000000000000000 3 0 | 4170000010000000 0 123456789abcdef 6 0 | 41dfffffffc00000 0 40000000 9 0
  ucvtf s0, x1                | 4e800000 0 fffffffff0000001 8 0 | 0 0 ffffffff00000003 b 0 | 5effffff 0 ffffffffffffffff e 10
  ucvtf d0, w1                | 41efffffffe00000 0 1 d 0 | 41efffffffe00000 0 8000000000000000 0 0 | 4170000010000000 0 123456789abcdef 3 0
  fcvtzs w0, s1, #7           | 8000000000000000 4f000000ff800000 7fffffff 2 1 | 80000040490fdb 3fc000005e800001 c0 5 0 | 7fc00001c0200000 17f800002 0 8 80
  fcvtzu x0, d1, #60          | 41dfffffffc00001 3ff8000000000000 0 7 1 | 7ff0000000000002 1 ffffffffffffffff a 1 | 0 8000000000000000 ffffffffffffffff d 1
  fcvtzs x0, s1, #33          | 7f7fffff807fffff 3eaaaaab 0 c 0 | 4f000000ff800000 40490fdbbf000001 6487ed800 f 0 | 3fc000005e800001 c02000003f800000 fffffffb00000000 2 0
  scvtf s0, w1, #12           | c7800000 0 1000001 1 10 | 3a400000 0 7fffffff 4 0 | b9800000 0 1 7 0
  ucvtf d0, x1, #64           | 3bf0000000000000 0 0 6 0 | 3fe0000000000000 0 7fffffffffffffff 9 0 | 3f723456789abcdf 0 80000000 c 10
  scvtf d0, w1, #32           | bfe0000000000000 0 ffffffff b 0 | bfaffffffe000000 0 1000001 e 0 | 3e08000000000000 0 7fffffff 1 0
  fadd v0.4s, v1.4s, v2.4s    | 7fc000007fc00000 3eaaaaab 40000000 0 81 | 4f000000ff800000 ff800000bf000001 0 3 0 | 409487ee5e800001 5e8000013f800001 7fffffffffffffff 6 10
  fadd v0.2s, v1.2s, v2.2s    | ff800000bf000001 0 ffffffffffffffff 5 0 | 5e8000013f800001 0 ffffffff 8 10 | 7fc000027fc00001 0 1000001 b 1
  fadd v0.2d, v1.2d, v2.2d    | 7ff8000000000001 7ff8000000000002 123456789abcdef a 1 | 3fd5555555555555 800fffffffffffff 40000000 d 10 | bfe0000000000001 fff0000000000000 0 0 0
  fsub v0.4s, v1.4s, v2.4s    | 7f8000007f7fffff 3f000001cf000000 ffffffff00000003 f 0 | de8000014effffff bf7fffff3fd21fb6 ffffffffffffffff 2 10 | 7fc000027fc00001 7fc00001c0200000 ffffffff 5 81
  fmul v0.2d, v1.2d, v2.2d    | 4012d97c7f3321d2 10000000000000 8000000000000000 4 0 | 8000000000000000 7ff8000000000001 123456789abcdef 7 80 | 8000000000000000 fff0000000000000 40000000 a 0
  fdiv v0.4s, v1.4s, v2.4s    | 7fc00002 ff8000007fc00000 fffffffff0000001 9 83 | 0 7f800000ff800000 ffffffff00000003 c 14 | 80000040060a92 7fc00001ddccccce ffffffffffffffff f 10
  fmax v0.4s, v1.4s, v2.4s    | 4f00000040490fdb 40490fdb5e800001 1 e 0 | 7fc000015e800001 17fc00002 8000000000000000 1 1 | 3eaaaaab7fc00002 7f7fffff00000000 123456789abcdef 4 81
  fmin v0.2d, v1.2d, v2.2d    | 7ff8000000000002 c004000000000000 80000000 3 1 | 8000000000000000 8000000000000000 fffffffff0000001 6 80 | fff0000000000000 10000000000000 ffffffff00000003 9 0
  fmaxnm v0.2s, v1.2s, v2.2s  | 4f0000003eaaaaab 0 7fffffff 8 0 | 40490fdb5e800001 0 1 b 0 | 17fc00002 0 8000000000000000 e 1
  fminnm v0.2d, v1.2d, v2.2d  | 10000000000000 c004000000000000 7fffffffffffffff d 0 | 800fffffffffffff 7ff8000000000002 80000000 0 1 | fff0000000000000 0 fffffffff0000001 3 0
  fmla v0.4s, v1.4s, v2.4s    | 7fc00001c0200000 ff8000007fc00002 1000001 2 11 | ff8000007f7fffff de00000210000000 7fffffff 5 10 | df2000024f000000 7fc000027fc00001 1 8 11
  fmls v0.2d, v1.2d, v2.2d    | 8400000000000000 41cfffffffc00003 0 7 10 | 7ff8000000000001 7ff8000000000002 7fffffffffffffff a 1 | c004000000000000 7ff8000000000001 80000000 d 10
  fabd v0.4s, v1.4s, v2.4s    | 7fc0000140200001 3eaaaaab7fc00002 ffffffff c 11 | 7f8000007f7fffff 3f0000014f000000 1000001 f 0 | 5e8000014f000000 3f8000003fd21fb6 7fffffff 2 10
  facge v0.4s, v1.4s, v2.4s   | 0 ffffffffffffffff 40000000 1 0 | ffffffff ffffffff 0 4 1 | ffffffff 0 7fffffffffffffff 7 1
  facgt v0.2d, v1.2d, v2.2d   | ffffffffffffffff 0 ffffffffffffffff 6 1 | 0 0 ffffffff 9 1 | 0 0 1000001 c 0
  fcmeq v0.4s, v1.4s, v2.4s   | 0 0 123456789abcdef b 0 | 0 0 40000000 e 0 | 0 0 0 1 81
  fcmge v0.2d, v1.2d, v2.2d   | 0 ffffffffffffffff ffffffff00000003 0 0 | 0 0 ffffffffffffffff 3 81 | ffffffffffffffff ffffffffffffffff ffffffff 6 80
  fcmgt v0.4s, v1.4s, v2.4s   | 0 0 8000000000000000 5 81 | ffffffff ffffffff 123456789abcdef 8 0 | ffffffff00000000 ffffffff00000000 40000000 b 0
  faddp v0.4s, v1.4s, v2.4s   | 4f000000ff800000 5e80000140290fdb fffffffff0000001 a 10 | 402000005e800001 7fc00002bfc00000 ffffffff00000003 d 11 | 807ffffe7fc00002 3eaaaaab7f7fffff ffffffffffffffff 0 11
  fmaxp v0.2d, v1.2d, v2.2d   | 3ff8000000000000 7ff8000000000002 1 f 1 | 1 3fd5555555555555 8000000000000000 2 0 | 8000000000000000 400921fb54442d18 123456789abcdef 5 0
  fminp v0.2s, v1.2s, v2.2s   | ff8000003eaaaaab 0 80000000 4 0 | 800000bf000001 0 fffffffff0000001 7 0 | 7fc000023f800000 0 ffffffff00000003 a 1
  fmaxnmp v0.4s, v1.4s, v2.4s | 5e80000140490fdb c02000003fc00000 7fffffff 9 0 | 7fc00002c0200000 7f7fffff00000001 1 c 1 | 7f7fffff 4f00000080000000 8000000000000000 f 0
  fminnmp v0.2d, v1.2d, v2.2d | 7ff8000000000002 3fd5555555555555 7fffffffffffffff e 1 | 8000000000000000 bfe0000000000001 80000000 1 0 | 10000000000000 3ff0000000000000 fffffffff0000001 4 0
  fmulx v0.4s, v1.4s, v2.4s   | 10000000ff800000 4096cbe4de000002 1000001 3 10 | 7fc00000df200001 800000027fc00000 7fffffff 6 19 | 7fc00002 8000000080000000 1 9 19
  frecps v0.2d, v1.2d, v2.2d  | 7ff8000000000000 4000000000000000 0 8 11 | 4000000000000000 4000000000000000 7fffffffffffffff b 0 | 7ff0000000000000 3fffffffffffffff 80000000 e 10
  frsqrts v0.4s, v1.4s, v2.4s | 3fc000007f800000 7f8000003fc00000 ffffffff d 0 | bf5b2f915d800002 5ea000013fbfffff 1000001 0 10 | 3fc000007fc00000 7fc000007fc00000 7fffffff 3 81
  fcmeq v0.4s, v1.4s, #0.0    | 0 0 40000000 2 0 | 0 ffffffffffffffff 0 5 81 | ffffffff00000000 ffffffff 7fffffffffffffff 8 0
  fcmge v0.2d, v1.2d, #0.0    | ffffffffffffffff ffffffffffffffff ffffffffffffffff 7 80 | ffffffffffffffff 0 ffffffff a 0 | ffffffffffffffff ffffffffffffffff 1000001 d 0
  fcmgt v0.4s, v1.4s, #0.0    | ffffffff ffffffffffffffff 123456789abcdef c 0 | ffffffffffffffff 0 40000000 f 1 | ffffffff ffffffffffffffff 0 2 0
  fcmle v0.2s, v1.2s, #0.0    | ffffffff 0 ffffffff00000003 1 1 | 0 0 ffffffffffffffff 4 0 | ffffffff00000000 0 ffffffff 7 0
  fcmlt v0.2d, v1.2d, #0.0    | 0 0 8000000000000000 6 0 | 0 0 123456789abcdef 9 0 | ffffffffffffffff 0 40000000 c 1
  fabs v0.4s, v1.4s           | 3fc000005e800001 402000003f800000 fffffffff0000001 b 0 | 17f800002 7f7fffff007fffff ffffffff00000003 e 0 | 0 4f0000007f800000 ffffffffffffffff 1 0
  fneg v0.2d, v1.2d           | fffffffffffff ffefffffffffffff 1 0 0 | 7ff0000000000000 c3e0000000000000 8000000000000000 3 0 | c1dfffffffc00001 bff8000000000000 123456789abcdef 6 0
  fsqrt v0.4s, v1.4s          | 3fe2dfc57fc00000 4f00000020000000 80000000 5 11 | 7fc000003f800000 7fc000027fc00001 fffffffff0000001 8 1 | 5f7fffff80000000 3f13cd3a ffffffff00000003 b 90
  frintn v0.4s, v1.4s         | 7fc000027fc00001 8000000000000000 7fffffff a 1 | 0 ff80000080000000 1 d 0 | 40400000bf800000 5e80000100000000 8000000000000000 0 0
  frintm v0.2d, v1.2d         | 8000000000000000 fff0000000000000 7fffffffffffffff f 0 | 0 41dfffffffc00000 80000000 2 0 | 7ff8000000000001 7ff8000000000002 fffffffff0000001 5 1
  frintp v0.2s, v1.2s         | 3f80000040000000 0 1000001 4 0 | 800000003f800000 0 7fffffff 7 0 | ff80000080000000 0 1 a 0
  frintz v0.2d, v1.2d         | 7fefffffffffffff 0 0 9 0 | 43e0000000000000 8000000000000000 7fffffffffffffff c 0 | 3ff0000000000000 3ff0000000000000 80000000 f 0
  frinta v0.4s, v1.4s         | 40400000 400000005e800001 ffffffff e 0 | 7fc00001c0400000 7fc00002 1000001 1 1 | 7f7fffff 8000000000000000 7fffffff 4 0
  frintx v0.4s, v1.4s         | 7fc00002 7f7fffffbf800000 40000000 3 11 | 8000000000000000 4f000000ff800000 0 6 0 | 40400000 400000005e800001 7fffffffffffffff 9 10
  frinti v0.2d, v1.2d         | fff0000000000000 43e0000000000000 ffffffffffffffff 8 0 | 41dfffffffc00000 4000000000000000 ffffffff b 0 | 7ff8000000000000 0 1000001 e 1
  fcvtns v0.4s, v1.4s         | fffffffe00000001 0 123456789abcdef d 11 | 7fffffff00000000 0 40000000 0 11 | 7fffffff80000000 3ffffffff 0 3 11
  fcvtnu v0.2d, v1.2d         | 0 0 ffffffff00000003 2 10 | 0 3 ffffffffffffffff 5 11 | 1 0 ffffffff 8 1
  fcvtms v0.4s, v1.4s         | 7fffffff00000000 100000001 8000000000000000 7 11 | 0 0 123456789abcdef a 81 | 0 8000000000000000 40000000 d 11
  fcvtmu v0.4s, v1.4s         | 0 ffffffff fffffffff0000001 c 91 | 0 80000000 ffffffff00000003 f 1 | ffffffff00000000 100000001 ffffffffffffffff 2 11
  fcvtps v0.2d, v1.2d         | 7fffffffffffffff 0 1 1 11 | 2 1 8000000000000000 4 10 | 1 0 123456789abcdef 7 10
  fcvtpu v0.4s, v1.4s         | 0 100000000 80000000 6 11 | 1ffffffff 0 fffffffff0000001 9 11 | 80000000 100000004 ffffffff00000003 c 10
  fcvtzs v0.4s, v1.4s         | 0 7fffffff80000000 7fffffff b 1 | 3 17fffffff 1 e 11 | fffffffe 0 8000000000000000 1 11
  fcvtzu v0.2d, v1.2d         | 7fffffff 1 7fffffffffffffff 0 10 | 0 0 80000000 3 11 | 0 0 fffffffff0000001 6 0
  fcvtas v0.4s, v1.4s         | 7fffffff00000000 0 1000001 5 11 | 7fffffff80000000 3ffffffff 7fffffff 8 11 | 27fffffff fffffffd00000001 1 b 11
  fcvtau v0.2d, v1.2d         | 0 3 0 a 11 | 1 0 7fffffffffffffff d 1 | 0 ffffffffffffffff 80000000 0 11
  scvtf v0.4s, v1.4s          | 4e800000 4f000000 ffffffff f 10 | bf800000bf800000 4f000000bf800000 1000001 2 10 | 4b91a2b3ceeca864 4b800000 7fffffff 5 10
  ucvtf v0.2d, v1.2d          | 43e0000000000000 41efffffffe00000 40000000 4 0 | 43effffffffe0000 41d0000000000000 0 7 10 | 3ff0000000000000 43f0000000000000 7fffffffffffffff a 10
  frecpe v0.4s, v1.4s         | 3f7f80003f2a8000 7fc00001becc8000 ffffffffffffffff 9 0 | ff8000007f800000 4040000000000000 ffffffff c 8a | 80000000ff800000 bfff80002fff8000 1000001 f 2
  frsqrte v0.2d, v1.2d        | 1ff0000000000000 3ffbc00000000000 123456789abcdef e 0 | 3df6900000000000 7ff8000000000000 40000000 1 1 | 3fea200000000000 3feff00000000000 0 4 0
  urecpe v0.4s, v1.4s         | 80000000ffffffff ffffffffffffffff ffffffff00000003 3 0 | ff800000ffffffff ffffffff80000000 ffffffffffffffff 6 0 | 8000000088800000 ffffffffffffffff ffffffff 9 0
  ursqrte v0.2s, v1.2s        | ffffffffb4800000 0 8000000000000000 8 0 | ffffffffb5000000 0 123456789abcdef b 0 | b500000080000000 0 40000000 e 0
  fcvtn v0.2s, v1.2d          | 5f000000ff800000 0 fffffffff0000001 d 0 | 3fc000004effffff 0 ffffffff00000003 0 10 | 7fc00000 0 ffffffffffffffff 3 81
  fcvtn2 v0.4s, v1.2d         | 10000000000000 c02000003f800000 1 2 0 | 7ff8000000000001 7f80000080000000 8000000000000000 5 94 | 3fd5555555555555 5f000000ff800000 123456789abcdef 8 0
  fcvtn v0.4h, v1.4s          | fc00800000003555 0 80000000 7 10 | 7c0000004248b800 0 fffffffff0000001 a 1c | c1003c00 0 ffffffff00000003 d 1
  fcvtn2 v0.8h, v1.4s         | bf0000014f000000 3c003e007c000000 7fffffff c 1c | 3f8000003fc00000 8000000000000000 1 f 19 | 807fffff00000001 fc00800000003555 8000000000000000 2 10
  fcvtxn v0.2s, v1.2d         | 8000000100000001 0 7fffffffffffffff 1 18 | ff80000080000000 0 80000000 4 0 | 4effffff00000000 0 fffffffff0000001 7 18
  fcvtxn2 v0.4s, v1.2d        | 0 bf0000015f000000 1000001 6 10 | 400921fb54442d18 3f8000003fc00000 7fffffff 9 0 | c004000000000000 8000000100000001 1 c 18
  fcvtl v0.2d, v1.2s          | c004000000000000 7ff8000000000000 0 b 0 | 47efffffe0000000 3fd5555560000000 7fffffffffffffff e 0 | 41e0000000000000 bfe0000020000000 80000000 1 0
  fcvtl2 v0.2d, v1.4s         | fff0000000000000 41e0000000000000 ffffffff 0 0 | 43d0000020000000 3ff8000000000000 1000001 3 0 | 7ff8000040000000 36a0000000000000 7fffffff 6 1
  fcvtl v0.4s, v1.4h          | 3fc0000043402000 c02000003f800000 40000000 5 0 | 338000007fc04000 477fe000b87fc000 0 8 1 | 8000000000000000 47000000ff800000 7fffffffffffffff b 0
  fcvtl2 v0.4s, v1.8h         | ff80000080000000 bf00200047000000 ffffffffffffffff a 0 | 4340200038800000 3f8000003fc00000 ffffffff d 0 | 7fc040007fc02000 b87fc00033800000 1000001 0 1
  fmaxv s0, v1.4s             | 5e800001 0 123456789abcdef f 0 | 7fc00002 0 40000000 2 1 | 7f7fffff 0 0 5 0
  fminv s0, v1.4s             | 7fc00002 0 ffffffff00000003 4 81 | ff800000 0 ffffffffffffffff 7 0 | bf000001 0 ffffffff a 0
  fmaxnmv s0, v1.4s           | 4f000000 0 8000000000000000 9 0 | 5e800001 0 123456789abcdef c 0 | 0 0 40000000 f 81
  fminnmv s0, v1.4s           | c0200000 0 fffffffff0000001 e 0 | 80000000 0 ffffffff00000003 1 80 | ff800000 0 ffffffffffffffff 4 0
  faddp s0, v1.2s             | 7f7fffff 0 1 3 10 | 4f000000 0 8000000000000000 6 10 | 40200000 0 123456789abcdef 9 0
  faddp d0, v1.2d             | 400921fb54442d18 0 80000000 8 10 | 7ff8000000000001 0 fffffffff0000001 b 0 | 7ff0000000000000 0 ffffffff00000003 e 14
  fmaxp s0, v1.2s             | 7fc00002 0 7fffffff d 1 | 0 0 1 0 0 | 40490fdb 0 8000000000000000 3 0
  fminnmp d0, v1.2d           | fff0000000000000 0 7fffffffffffffff 2 0 | 3ff8000000000000 0 80000000 5 0 | 7ff8000000000002 0 fffffffff0000001 8 1
  fmla v0.4s, v1.4s, v2.s[3]  | ff8000007f7fffff 7fc000027fc00001 1000001 7 15 | 7fc000027fc00001 807fffff4e2aaaab 7fffffff a 11 | 4f400000ff800000 ff800000bf400002 1 d 10
  fmls v0.2d, v1.2d, v2.d[1]  | c3c5555555555554 800fffffffffffff 0 c 10 | 3fe8000000000002 fff0000000000000 7fffffffffffffff f 10 | fffffffffffff 41dfffffffc00001 80000000 2 10
  fmul v0.2s, v1.2s, v2.s[1]  | df20000181200000 0 ffffffff 1 10 | 7fc000007fc00000 0 1000001 4 1 | 4e2aaaab 0 7fffffff 7 0
  fmulx v0.2d, v1.2d, v2.d[0] | 0 8005555555555555 40000000 6 18 | 0 7ff0000000000000 0 9 0 | 10000000000000 41dfffffffc00001 7fffffffffffffff c 0
  fmla s0, s1, v2.s[2]        | 4f400000 0 ffffffffffffffff b 0 | 40490fdb 0 ffffffff e 80 | c0200000 0 1000001 1 80
  fmul d0, d1, v2.d[1]        | 0 0 123456789abcdef 0 80 | fff0000000000000 0 40000000 3 0 | 45cfffffffc00001 0 0 6 0
  fmulx s0, s1, v2.s[0]       | 0 0 ffffffff00000003 5 0 | 4096cbe4 0 ffffffffffffffff 8 10 | 80000002 0 ffffffff b 18
  scvtf v0.4s, v1.4s, #5      | cc800000 4911a2b4cc6ca864 8000000000000000 a 10 | 4c800000 bd0000003dc00000 123456789abcdef d 10 | 4c7fffffbd000000 cc80000000000000 40000000 0 10
  ucvtf v0.2d, v1.2d, #40     | 0 3d70000000000000 fffffffff0000001 f 0 | 3f6fffffffe00000 3f60000000000000 ffffffff00000003 2 0 | 3f50000000000000 3f5fffffffc00000 ffffffffffffffff 5 0
  fcvtzs v0.4s, v1.4s, #31    | 7fffffffbfffff80 7fffffff00000000 1 4 11 | 800000007fffffff 0 8000000000000000 7 1 | 7fffffff00000000 2aaaaac0 123456789abcdef a 81
  fcvtzu v0.2d, v1.2d, #3     | 0 0 80000000 9 1 | 2 0 fffffffff0000001 c 10 | 0 19 ffffffff00000003 f 11
  scvtf s0, s1, #16           | 43800000 0 7fffffff e 10 | 0 0 1 1 0 | b7800000 0 8000000000000000 4 0
  fcvtzs d0, d1, #64          | 7fffffffffffffff 0 7fffffffffffffff 3 1 | 0 0 80000000 6 10 | 0 0 fffffffff0000001 9 0
  fabd s0, s1, s2             | 7f7fffff 0 1000001 8 0 | 4effffff 0 7fffffff b 10 | 7fc00000 0 1 e 0
  fcmeq d0, d1, d2            | 0 0 0 d 0 | 0 0 7fffffffffffffff 0 80 | 0 0 80000000 3 0
  fcmge s0, s1, s2            | 0 0 ffffffff 2 1 | 0 0 1000001 5 0 | ffffffff 0 7fffffff 8 0
  fcmgt d0, d1, d2            | 0 0 40000000 7 0 | ffffffffffffffff 0 0 a 0 | 0 0 7fffffffffffffff d 1
  facge s0, s1, s2            | 0 0 ffffffffffffffff c 1 | ffffffff 0 ffffffff f 0 | ffffffff 0 1000001 2 0
  facgt d0, d1, d2            | 0 0 123456789abcdef 1 0 | 0 0 40000000 4 0 | 0 0 0 7 1
  fmulx s0, s1, s2            | 800000 0 ffffffff00000003 6 0 | 7fc00001 0 ffffffffffffffff 9 80 | ff800000 0 ffffffff c 0
  frecps d0, d1, d2           | 4000000000000000 0 8000000000000000 b 80 | 4000000000000000 0 123456789abcdef e 0 | 4000000000000000 0 40000000 1 10
  frsqrts s0, s1, s2          | 3fc00000 0 fffffffff0000001 0 10 | 7fc00001 0 ffffffff00000003 3 0 | 3fc00000 0 ffffffffffffffff 6 80
  frecpe s0, s1               | becc8000 0 1 5 0 | 0 0 8000000000000000 8 8 | 2fff8000 0 123456789abcdef b 0
  frsqrte d0, d1              | 7ff0000000000000 0 80000000 a 2 | 3fe2100000000000 0 fffffffff0000001 d 0 | 7ff8000000000000 0 ffffffff00000003 0 1
  frecpx s0, s1               | 21000000 0 7fffffff f 0 | 7fc00002 0 1 2 1 | 7f000000 0 8000000000000000 5 0
  frecpx d0, d1               | ffe0000000000000 0 7fffffffffffffff 4 0 | 8000000000000000 0 80000000 7 0 | 3e20000000000000 0 fffffffff0000001 a 0
  fcvtzs s0, s1               | 0 0 1000001 9 10 | 1 0 7fffffff c 0 | 0 0 1 f 10
  fcvtnu d0, d1               | 0 0 0 e 1 | 0 0 7fffffffffffffff 1 10 | 0 0 80000000 4 1
  fcvtas s0, s1               | 0 0 ffffffff 3 0 | 0 0 1000001 6 10 | 0 0 7fffffff 9 1
  scvtf d0, d1                | c3e0000000000000 0 40000000 8 0 | c1affffffe000000 0 0 b 0 | 3ff0000000000000 0 7fffffffffffffff e 0
  ucvtf s0, s1                | 4f000000 0 ffffffffffffffff d 10 | 4f800000 0 ffffffff 0 10 | 4b800000 0 1000001 3 10
  fcmeq d0, d1, #0.0          | 0 0 123456789abcdef 2 0 | 0 0 40000000 5 0 | 0 0 0 8 0
  fcmlt s0, s1, #0.0          | 0 0 ffffffff00000003 7 1 | 0 0 ffffffffffffffff a 0 | 0 0 ffffffff d 0
  fcvtxn s0, d1               | ff800000 0 8000000000000000 c 0 | 4effffff 0 123456789abcdef f 10 | 7fc00000 0 40000000 2 1
`;

/**
 * FP16 forms (FEAT_FP16 arithmetic, same columns as TABLE).
 */
const KINDS16 = 'hhhhhhhhhhhhhhhhhhhhhxxhhhhhhxxxhhhhhhhhhhhhhhhhhhhhhhhhhxxhhhhhxhhhhhhhhhhhhhhhhxhxh';
const TABLE16 = `
  fadd h0, h1, h2             | 7e02 0 0 0 1 | 7800 0 7fffffffffffffff 3 0 | 44a4 0 80000000 6 0
  fsub h0, h1, h2             | fc00 0 ffffffff 5 0 | 5a15 0 1000001 8 0 | 7e02 0 7fffffff b 1
  fmul h0, h1, h2             | 7e02 0 40000000 a 1 | 8000 0 0 d 0 | fc00 0 7fffffffffffffff 0 0
  fdiv h0, h1, h2             | 8000 0 ffffffffffffffff f 0 | 9956 0 ffffffff 2 10 | 7e00 0 1000001 5 1
  fnmul h0, h1, h2            | 8400 0 123456789abcdef 4 0 | fe00 0 40000000 7 0 | 7c00 0 0 a 0
  fmax h0, h1, h2             | 3555 0 ffffffff00000003 9 0 | 8000 0 ffffffffffffffff c 0 | 3c00 0 ffffffff f 0
  fminnm h0, h1, h2           | 400 0 8000000000000000 e 0 | 3e00 0 123456789abcdef 1 0 | 1 0 40000000 4 0
  fmadd h0, h1, h2, h3        | 3554 0 fffffffff0000001 3 10 | b801 0 ffffffff00000003 6 0 | 4200 0 ffffffffffffffff 9 0
  fnmsub h0, h1, h2, h3       | 8400 0 1 8 0 | fe01 0 8000000000000000 b 0 | b555 0 123456789abcdef e 10
  fabs h0, h1                 | 5a01 0 80000000 d 0 | 7c02 0 fffffffff0000001 0 0 | 0 0 ffffffff00000003 3 0
  fneg h0, h1                 | 3ff 0 7fffffff 2 0 | 7c00 0 1 5 0 | da01 0 8000000000000000 8 0
  fsqrt h0, h1                | 7e00 0 7fffffffffffffff 7 1 | 3c00 0 80000000 a 0 | 7e00 0 fffffffff0000001 d 1
  frintx h0, h1               | 7e01 0 1000001 c 0 | 0 0 7fffffff f 10 | bc00 0 1 2 10
  frinta h0, h1               | 8000 0 0 1 0 | 0 0 7fffffffffffffff 4 0 | 7e01 0 80000000 7 0
  fcmp h1, h2                 | 3e005a0104004248 7c027e01c1003c00 ffffffff 3 0 | 17c027e01c100 35557bff83ff 1000001 8 0 | 8000000035557bff 4248b8017800fc00 7fffffff 2 0
  fcmpe h1, #0.0              | 7bff83ff00017c02 fc00800000003555 40000000 2 0 | 7800fc0080000000 5a0104004248b801 0 2 0 | 3e005a0104004248 7c027e01c1003c00 7fffffffffffffff 2 0
  fccmp h1, h2, #3, ne        | 4248b8017800fc00 3c003e005a010400 ffffffffffffffff 2 0 | c1003c003e005a01 83ff00017c027e01 ffffffff 8 0 | 7bff83ff00017c02 fc00800000003555 1000001 3 0
  fcsel h0, h1, h2, mi        | 7bff 0 123456789abcdef 5 0 | 0 0 40000000 8 0 | 4248 0 0 b 0
  fmov h0, #2.5               | 4100 0 ffffffff00000003 a 0 | 4100 0 ffffffffffffffff d 0 | 4100 0 ffffffff 0 0
  fmov h0, h1                 | 3c00 0 8000000000000000 f 0 | 83ff 0 123456789abcdef 2 0 | fc00 0 40000000 5 0
  fmov w0, h1                 | 35557bff83ff0001 7800fc0080000000 3555 4 0 | b8017800fc008000 3e005a0104004248 b801 7 0 | 3c003e005a010400 17c027e01c100 3c00 a 0
  fmov h0, w1                 | ffff 0 1 9 0 | ffff 0 8000000000000000 c 0 | 1 0 123456789abcdef f 0
  fmov h0, x1                 | cdef 0 80000000 e 0 | 0 0 fffffffff0000001 1 0 | 0 0 ffffffff00000003 4 0
  fmov x0, h1                 | 7800fc0080000000 5a0104004248b801 7800 3 0 | 3e005a0104004248 7c027e01c1003c00 3e00 6 0 | 17c027e01c100 35557bff83ff 1 9 0
  fcvtzs w0, h1               | c1003c003e005a01 83ff00017c027e01 fffffffe 8 10 | 7bff83ff00017c02 fc00800000003555 ffe0 b 0 | 7800fc0080000000 5a0104004248b801 8000 e 0
  fcvtzu x0, h1               | 35557bff83ff b8017800fc008000 0 d 0 | 4248b8017800fc00 3c003e005a010400 3 0 10 | c1003c003e005a01 83ff00017c027e01 0 3 1
  fcvtas w0, h1               | 5a0104004248b801 7e01c1003c003e00 c0 2 10 | 7c027e01c1003c00 35557bff83ff0001 0 5 1 | 35557bff83ff b8017800fc008000 0 8 0
  fcvtmu w0, h1               | 83ff00017c027e01 8000000035557bff 0 7 1 | fc00800000003555 4004248b8017800 0 a 1 | 5a0104004248b801 7e01c1003c003e00 c0 d 10
  fcvtzs x0, h1, #20          | b8017800fc008000 3e005a0104004248 fffffffffff7fe00 c 0 | 3c003e005a010400 17c027e01c100 100000 f 0 | 83ff00017c027e01 8000000035557bff ffffffffffffffc1 2 10
  scvtf h0, w1                | bc00 0 ffffffffffffffff 1 0 | fbff 0 ffffffff 4 14 | fc00 0 1000001 7 14
  ucvtf h0, x1                | 7bff 0 123456789abcdef 6 14 | 7c00 0 40000000 9 14 | 3c00 0 0 c 0
  scvtf h0, x1, #50           | 0 0 ffffffff00000003 b 0 | 7000 0 ffffffffffffffff e 10 | 20 0 ffffffff 1 0
  fadd v0.8h, v1.8h, v2.8h    | b8017800fc007bff 44a459fd7800fc00 8000000000000000 0 10 | 3c0044a459fd7800 c1007e027e0159ed 123456789abcdef 3 11 | 7e01c0ff7e027e01 7bff83ff35557e02 40000000 6 11
  fadd v0.4h, v1.4h, v2.4h    | 7e0159ed3c0044a4 0 fffffffff0000001 5 10 | 35557e027e01c0ff 0 ffffffff00000003 8 11 | b8017800fc007bff 0 ffffffffffffffff b 0
  fmla v0.8h, v1.8h, v2.8h    | 7e027e01c0ff7e02 fc007bff83fffc00 1 a 11 | 4000fc007bff83ff df837800fc00d603 8000000000000000 d 10 | 7e01df837800fc00 7e027e015a017e02 123456789abcdef 0 11
  fmls v0.4h, v1.4h, v2.4h    | fc005603c0007c00 0 80000000 f 10 | 5a017e027e015f7f 0 fffffffff0000001 2 11 | 7e027e01c100fe02 0 ffffffff00000003 5 11
  fmulx v0.8h, v1.8h, v2.8h   | 7e027e0180027e02 fc00800080000000 7fffffff 4 19 | fc0080008000 d6024000fc000000 1 7 10 | 44b6d6034000fc00 7e027e01df820400 8000000000000000 a 11
  fdiv v0.8h, v1.8h, v2.8h    | fc00000000008000 400403099557c00 7fffffffffffffff 9 14 | d4ce040040309956 7e01fc007e027e01 80000000 c 15 | 7e027e01fbff7e02 8000fc00fc000003 fffffffff0000001 f 1f
  fabd v0.8h, v1.8h, v2.8h    | 7e027e015a153c00 35557e027e014101 1000001 e 11 | 3ff35547e027e01 380178007c007bff 7fffffff 1 11 | 7c00380178007c00 3c003e905a057800 1 4 10
  faddp v0.8h, v1.8h, v2.8h   | fc0000007bff83fe 424877fffc003555 0 3 10 | 5a0d42487800fc00 7e0141005a014148 7fffffffffffffff 6 10 | 7e007e0041005a01 7bff83fe7e00be00 80000000 9 11
  fmaxnmp v0.4h, v1.4h, v2.4h | 3e005a0142487800 0 ffffffff 8 0 | 17e00c1003e00 0 1000001 b 1 | 800035557bff0001 0 7fffffff e 0
  fminp v0.8h, v1.8h, v2.8h   | 83ff7e007e00 fc008000355583ff 40000000 d 1 | b801fc0080003555 3e000400b801fc00 0 0 0 | c1003e000400b801 7e027e013c000400 7fffffffffffffff 3 1
  fcmge v0.8h, v1.8h, v2.8h   | ffff0000ffff0000 ffff0000ffff0000 ffffffffffffffff 2 0 | ffff0000ffff 0 ffffffff 5 1 | 0 ffffffff0000 1000001 8 1
  facgt v0.8h, v1.8h, v2.8h   | ffff00000000ffff ffff000000000000 123456789abcdef 7 1 | ffffffff00000000 ffff000000000000 40000000 a 1 | ffffffff00000000 ffff0000ffff0000 0 d 0
  frecps v0.8h, v1.8h, v2.8h  | 40007c0040004000 562300007c004000 ffffffff00000003 c 10 | c16c562300007c00 7e027e015f894000 ffffffffffffffff f 11 | 40017e027e015f8a 40004000fe02fe01 ffffffff 2 11
  frsqrts v0.4h, v1.4h, v2.4h | 5b8d3e00bad85233 0 8000000000000000 1 10 | fe02fe013e017e02 0 123456789abcdef 4 11 | 3e007c003e003e00 0 40000000 7 0
  fabd h0, h1, h2             | 7e01 0 fffffffff0000001 6 0 | 7c00 0 ffffffff00000003 9 0 | 5a05 0 ffffffffffffffff c 10
  fcmeq h0, h1, h2            | 0 0 1 b 0 | 0 0 8000000000000000 e 0 | 0 0 123456789abcdef 1 0
  fmulx h0, h1, h2            | 7e01 0 80000000 0 0 | 0 0 fffffffff0000001 3 18 | 0 0 ffffffff00000003 6 0
  frsqrts h0, h1, h2          | 3e00 0 7fffffff 5 0 | 3800 0 1 8 0 | 7e01 0 8000000000000000 b 0
  fabs v0.8h, v1.8h           | 3e005a0104004248 7c027e0141003c00 7fffffffffffffff a 0 | 17c027e014100 35557bff03ff 80000000 d 0 | 35557bff 4248380178007c00 fffffffff0000001 0 0
  fneg v0.4h, v1.4h           | fbff03ff8001fc02 0 1000001 f 0 | f8007c0000008000 0 7fffffff 2 0 | be00da018400c248 0 1 5 0
  fsqrt v0.8h, v1.8h          | 3f167e0059a87e00 3c003ce64aee2000 0 4 11 | 7e003c003ce64aee 7e000c007e007e00 7fffffffffffffff 7 11 | 5bff7e000c007e02 7e0080000000389e 80000000 a 11
  frintn v0.8h, v1.8h         | 7e007e00c0003c00 7bff80000000 ffffffff 9 1 | 7bff8000 bc007800fc008000 1000001 c 0 | 4200bc007800fc00 3c0040005a000000 7fffffff f 0
  frinti v0.4h, v1.4h         | fc00800000000000 0 40000000 e 0 | 5a083c0044008000 0 0 1 0 | 7e027e01c2003c00 0 7fffffffffffffff 4 1
  fcvtzs v0.8h, v1.8h         | 1000100c00000 fffe ffffffffffffffff 3 11 | 0 7fff ffffffff 6 11 | 8000000000000000 300007fff 1000001 9 11
  fcvtnu v0.8h, v1.8h         | ffe000000000 8000000000000000 123456789abcdef 8 11 | 800000000000 200c000000003 40000000 b 11 | 1000200c00000 0 0 e 11
  scvtf v0.8h, v1.8h          | bc00bc0000004200 0 ffffffff00000003 d 0 | f800000000000000 bc00bc00 ffffffffffffffff 0 0 | bc00bc00ec003c00 74000000 ffffffff 3 0
  ucvtf v0.4h, v1.4h          | 78000000 0 8000000000000000 2 0 | 78007c00 0 123456789abcdef 5 14 | 78007c007c007c00 0 40000000 8 14
  frecpe v0.8h, v1.8h         | 1ff8000fc007c00 1d5473fc3518bffc fffffffff0000001 7 2 | 39541d5473fc3518 7e027e01b6643bfc ffffffff00000003 a 1 | 7bff7e027e01b664 7c0042000100f400 ffffffffffffffff d 17
  frsqrte v0.8h, v1.8h        | 7e003bfc3a882c9c 7e006bfc7e027e01 1 c 1 | 1c007e006bfc7e02 7e00fc007c003ef0 8000000000000000 f 3 | 1da47e00fc007c00 2c9c57fc38847e00 123456789abcdef 2 3
  fcmgt v0.8h, v1.8h, #0.0    | ffffffff0000 ffff00000000 80000000 1 0 | ffff0000ffff0000 ffffffffffffffff fffffffff0000001 4 0 | ffffffffffff ffff00000000 ffffffff00000003 7 1
  fcmle v0.8h, v1.8h, #0.0    | ffff ffff00000000 7fffffff 6 1 | ffff0000 ffff0000 1 9 1 | ffff00000000ffff ffff0000ffffffff 8000000000000000 c 0
  fcvtps h0, h1               | 0 0 7fffffffffffffff b 1 | 1 0 80000000 e 10 | 0 0 fffffffff0000001 1 10
  ucvtf h0, h1                | 3c00 0 1000001 0 0 | 3c00 0 7fffffff 3 0 | 0 0 1 6 0
  frecpe h0, h1               | 3954 0 0 5 0 | 7bff 0 7fffffffffffffff 8 14 | fc00 0 80000000 b 2
  frecpx h0, h1               | 400 0 ffffffff a 0 | 400 0 1000001 d 0 | 4000 0 7fffffff 0 0
  fcmlt h0, h1, #0.0          | 0 0 40000000 f 0 | ffff 0 0 2 0 | 0 0 7fffffffffffffff 5 0
  fmaxnmv h0, v1.8h           | 7bff 0 ffffffffffffffff 4 1 | 7800 0 ffffffff 7 0 | 5a01 0 1000001 a 1
  fminv h0, v1.4h             | fc00 0 123456789abcdef 9 0 | c100 0 40000000 c 0 | 7e00 0 0 f 1
  fmaxv h0, v1.8h             | 7e02 0 ffffffff00000003 e 1 | 7bff 0 ffffffffffffffff 1 0 | 7800 0 ffffffff 4 0
  fminnmv h0, v1.8h           | fc00 0 8000000000000000 3 0 | c100 0 123456789abcdef 6 0 | c100 0 40000000 9 1
  faddp h0, v1.2h             | 5a01 0 fffffffff0000001 8 10 | 7e02 0 ffffffff00000003 b 1 | 3555 0 ffffffffffffffff e 0
  fmaxnmp h0, v1.2h           | 1 0 1 d 0 | 8000 0 8000000000000000 0 0 | 5a01 0 123456789abcdef 3 0
  fminp h0, v1.2h             | b801 0 80000000 2 0 | 3c00 0 fffffffff0000001 5 0 | 83ff 0 ffffffff00000003 8 0
  fmla v0.8h, v1.8h, v2.h[7]  | c0ff7e027e01fbff 83ff71557e027e01 7fffffff 7 15 | 7bff83ff38007e02 fc00ba027a00fc00 1 a 11 | 7800fc0080011800 5a0104014248b801 8000000000000000 d 18
  fmls v0.4h, v1.4h, v2.h[3]  | c0007c007bff83ff 0 7fffffffffffffff c 0 | 7e007e007e007e00 0 80000000 f 0 | c100fe02fe015a08 0 fffffffff0000001 2 11
  fmul v0.8h, v1.8h, v15.h[5] | 8000000000000000 800000007e007e00 1000001 1 1 | 800000007e02 7e00800000000000 7fffffff 4 1 | 7e0080000000 8000 1 7 1
  fmulx v0.8h, v1.8h, v2.h[1] | 8000800080000000 800040000000 0 6 0 | a4882004000fc00 400060022010000 7fffffffffffffff 9 18 | 7e007e007e007e00 7e007e007e007e00 80000000 c 1
  fmul h0, h1, v2.h[6]        | 8000 0 ffffffff b 18 | 8000 0 1000001 e 0 | 8000 0 7fffffff 1 18
  fmla h0, h1, v2.h[2]        | 7e00 0 40000000 0 0 | b156 0 0 3 10 | b801 0 7fffffffffffffff 6 0
  scvtf v0.8h, v1.8h, #3      | 6c00b000 b000b00000003600 ffffffffffffffff 5 10 | 6c00b000b000b000 ec00000000000000 ffffffff 8 10 | 50003000 b000b000e0003000 1000001 b 0
  fcvtzu v0.8h, v1.8h, #16    | ffffffff ffff000000000000 123456789abcdef a 11 | 5550ffff00000000 ffff000000000000 40000000 d 11 | ffff00000000 ffffffff0004ffff 0 0 1
  ucvtf h0, h1, #7            | 2600 0 ffffffff00000003 f 0 | 0 0 ffffffffffffffff 2 0 | 2000 0 ffffffff 5 0
  fcvtzs h0, h1, #1           | 6 0 8000000000000000 4 10 | fffb 0 123456789abcdef 7 0 | 7fff 0 40000000 a 1
`;

const lo = (b: bigint): number => Number(b & 0xffffffffn) | 0;
const hi = (b: bigint): number => Number((b >> 32n) & 0xffffffffn) | 0;
const u64 = (l: number, h: number): bigint => (BigInt(h >>> 0) << 32n) | BigInt(l >>> 0);

function runTable(title: string, kinds: string, table: string, fp16: boolean): void {
  const rows = table.trim().split('\n').map((l) => l.split('|').map((f) => f.trim()));
  const words = assemble(rows.map((r) => r[0]).join('\n'), 'armv8.2-a+fp16');
  const m = makeMachine();
  const cpu = m.cpu;
  cpu.setSr(SR.CPACR_EL1, 3 << 20, 0);
  if (fp16) {
    const i = idRegIndex(4, 0);
    cpu.idRegs[i] = (cpu.idRegs[i] & ~(0xff << 16)) | (0x11 << 16); // FP = AdvSIMD = 1: FEAT_FP16
    cpu.updateFeatures();
  }
  const s = cpu.s;
  test(`${title}: the table covers every form once and the input kinds line up`, () => {
    assert.equal(kinds.length, rows.length);
    assert.equal(words.length, rows.length);
    if (fp16) assert.ok(cpu.feat.fp16);
  });
  rows.forEach((row, i) => {
    test(`${title}: ${row[0]}`, () => {
      for (let k = 1; k < row.length; k++) {
        const [v0lo, v0hi, x0, flags, fpsr] = row[k].split(' ').map((t) => BigInt('0x' + t));
        const inp = inputs(kinds[i], i, k - 1);
        for (let j = 0; j < 8; j++) {
          s[S.V0 + 2 * j] = lo(inp.v[j]);
          s[S.V0 + 2 * j + 1] = hi(inp.v[j]);
        }
        for (let j = 0; j < 3; j++) setX(cpu, j, inp.x[j]);
        s[S.FPCR] = inp.fpcr;
        s[S.FPSR] = 0;
        setNzcv(cpu, inp.flags);
        assert.equal(runWords(m, [words[i]], 1), Stop.BUDGET);
        const what = `${row[0]} case ${k}`;
        assert.equal(getPC(cpu), BigInt(m.ramBase + 4), what + ': no exception');
        assert.equal(u64(s[S.V0], s[S.V0 + 1]).toString(16), v0lo.toString(16), what + ': V0<63:0>');
        assert.equal(u64(s[S.V0 + 2], s[S.V0 + 3]).toString(16), v0hi.toString(16), what + ': V0<127:64>');
        assert.equal(getX(cpu, 0).toString(16), x0.toString(16), what + ': X0');
        assert.equal(nzcv(cpu), Number(flags), what + ': NZCV');
        assert.equal((s[S.FPSR] >>> 0).toString(16), fpsr.toString(16), what + ': FPSR');
      }
    });
  });
}

runTable('base', KINDS, TABLE, false);
runTable('fp16', KINDS16, TABLE16, true);
