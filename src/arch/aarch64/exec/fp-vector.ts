/**
 * Advanced SIMD floating-point arithmetic (Arm ARM DDI 0487K.a C4.1.96): three same (vector and
 * scalar forms), vector x indexed element (FMLA, FMLS, FMUL, FMULX), across lanes (FMAXV...),
 * scalar pairwise (FADDP...). Single and double elements, and half-precision elements for the
 * FEAT_FP16 encodings (rows gated on 'fp16').
 *
 * Each executor rejects its UNDEFINED encodings before checkFpEnabled() (decode precedes
 * CheckFPAdvSIMDEnabled64()). Results are staged in `tmp` (the destination may be a source) and written as a whole: a
 * 64-bit vector or a scalar result zeroes the rest of the register.
 */
import type { Cpu } from '../cpu.js';
import { S } from '../state.js';
import { checkFpEnabled } from './fp-access.js';
import { Fmt, res } from '../fp/core.js';
import { fpAdd, fpMul, fpDiv, fpMulAdd } from '../fp/arith.js';
import { fpMaxMin, fpMaxMinNum, fpCompareCond, Cmp } from '../fp/compare.js';
import { fpRecipStepFused, fpRSqrtStepFused } from '../fp/estimate.js';
import { fpBegin, fpEnd } from './fp-util.js';

/** Staged 128-bit result. */
export const tmp = new Int32Array(4);

/** Lane i of V[n] for element format fmt: low word (the whole element for H and S). */
export function laneLo(s: Int32Array, n: number, fmt: number, i: number): number {
  if (fmt === Fmt.H) return (s[S.V0 + (n << 2) + (i >> 1)] >>> ((i & 1) << 4)) & 0xffff;
  return fmt === Fmt.D ? s[S.V0 + (n << 2) + (i << 1)] : s[S.V0 + (n << 2) + i];
}
/** High word of a double lane (0 for single). */
export function laneHi(s: Int32Array, n: number, fmt: number, i: number): number {
  return fmt === Fmt.D ? s[S.V0 + (n << 2) + (i << 1) + 1] : 0;
}
/** tmp lane i = (lo, hi). */
export function tmpSet(fmt: number, i: number, lo: number, hi: number): void {
  if (fmt === Fmt.H) {
    const k = i >> 1;
    const sh = (i & 1) << 4;
    tmp[k] = (tmp[k] & ~(0xffff << sh)) | ((lo & 0xffff) << sh);
  } else if (fmt === Fmt.D) {
    tmp[i << 1] = lo;
    tmp[(i << 1) + 1] = hi;
  } else tmp[i] = lo;
}
/** V[d] = tmp, the upper half zeroed when only `words` (2 or 4) words are valid. */
export function writeTmp(s: Int32Array, d: number, words: number): void {
  const v = S.V0 + (d << 2);
  s[v] = tmp[0];
  s[v + 1] = tmp[1];
  s[v + 2] = words > 2 ? tmp[2] : 0;
  s[v + 3] = words > 2 ? tmp[3] : 0;
}

/**
 * The element operation of a three-same FP opcode id = U:a:opcode<2:0> (see fpThreeSameVec),
 * with operands n (al, ah), m (bl, bh) and the accumulator d (dl, dh): result in res.
 */
function op3(id: number, fmt: number, al: number, ah: number, bl: number, bh: number, dl: number, dh: number, fpcr: number): void {
  switch (id) {
    case 0: case 16: fpMaxMinNum(fmt, al, ah, bl, bh, fpcr, false); return;
    case 8: case 24: fpMaxMinNum(fmt, al, ah, bl, bh, fpcr, true); return;
    case 1: fpMulAdd(fmt, dl, dh, al, ah, bl, bh, fpcr); return;
    case 9: // FMLS: FPMulAdd(d, FPNeg(n), m)
      if (fmt === Fmt.D) ah ^= 0x80000000;
      else al ^= fmt === Fmt.S ? 0x80000000 : 0x8000;
      fpMulAdd(fmt, dl, dh, al, ah, bl, bh, fpcr);
      return;
    case 2: case 18: fpAdd(fmt, al, ah, bl, bh, fpcr, false); return;
    case 10: fpAdd(fmt, al, ah, bl, bh, fpcr, true); return;
    case 3: fpMul(fmt, al, ah, bl, bh, fpcr, true); return;
    case 6: case 22: fpMaxMin(fmt, al, ah, bl, bh, fpcr, false); return;
    case 14: case 30: fpMaxMin(fmt, al, ah, bl, bh, fpcr, true); return;
    case 7: fpRecipStepFused(fmt, al, ah, bl, bh, fpcr); return;
    case 15: fpRSqrtStepFused(fmt, al, ah, bl, bh, fpcr); return;
    case 19: fpMul(fmt, al, ah, bl, bh, fpcr, false); return;
    case 23: fpDiv(fmt, al, ah, bl, bh, fpcr); return;
    case 26: // FABD: FPAbs(FPSub(n, m))
      fpAdd(fmt, al, ah, bl, bh, fpcr, true);
      if (fmt === Fmt.D) res[1] &= 0x7fffffff;
      else res[0] &= fmt === Fmt.S ? 0x7fffffff : 0x7fff;
      return;
    default: {
      let r: boolean;
      switch (id) {
        case 4: r = fpCompareCond(fmt, al, ah, bl, bh, Cmp.EQ, false, fpcr); break;
        case 20: r = fpCompareCond(fmt, al, ah, bl, bh, Cmp.GE, false, fpcr); break;
        case 21: r = fpCompareCond(fmt, al, ah, bl, bh, Cmp.GE, true, fpcr); break;
        case 28: r = fpCompareCond(fmt, al, ah, bl, bh, Cmp.GT, false, fpcr); break;
        default: r = fpCompareCond(fmt, al, ah, bl, bh, Cmp.GT, true, fpcr); break; // 29 FACGT
      }
      res[0] = r ? (fmt === Fmt.H ? 0xffff : -1) : 0;
      res[1] = r && fmt === Fmt.D ? -1 : 0;
    }
  }
}

/**
 * Element format of a three-same/misc FP encoding: the FP16 forms have bits 22:21 = 10 (three
 * same) / bit 19 set (misc: 1111000 instead of sz 10000), otherwise sz = bit 22.
 */
function fmt3(insn: number): number {
  return (insn & 0x200000) === 0 ? Fmt.H : (insn & 0x400000) !== 0 ? Fmt.D : Fmt.S;
}

/** Lanes of a vector of `fmt` elements, 64 (q = 0) or 128 bits. */
export function laneCount(fmt: number, q: number): number {
  return (q !== 0 ? 8 : 4) >> fmt;
}

/** Valid three-same ids: vector (bit set) and scalar forms. */
const VEC3 = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) |
  (1 << 14) | (1 << 15) | (1 << 16) | (1 << 18) | (1 << 19) | (1 << 20) | (1 << 21) | (1 << 22) | (1 << 23) | (1 << 24) |
  (1 << 26) | (1 << 28) | (1 << 29) | (1 << 30);
const SCALAR3 = (1 << 3) | (1 << 4) | (1 << 7) | (1 << 15) | (1 << 20) | (1 << 21) | (1 << 26) | (1 << 28) | (1 << 29);
/** Pairwise ids: FMAXNMP, FADDP, FMAXP, FMINNMP, FMINP. */
const PAIRWISE = (1 << 16) | (1 << 18) | (1 << 22) | (1 << 24) | (1 << 30);

/** Three same (FP), vector: 0 Q U 01110 a sz 1 Rm 11 opcode<2:0> 1 Rn Rd. */
export function fpThreeSameVec(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  const q = (insn >>> 30) & 1;
  const id = ((insn >>> 25) & 16) | ((insn >>> 20) & 8) | ((insn >>> 11) & 7);
  const fmt = fmt3(insn);
  if (((VEC3 >>> id) & 1) === 0 || (fmt === Fmt.D && q === 0)) return false;
  checkFpEnabled(cpu);
  const m = (insn >>> 16) & 31;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  const lanes = laneCount(fmt, q);
  const fpcr = s[S.FPCR];
  fpBegin();
  if (((PAIRWISE >>> id) & 1) !== 0) {
    const half = lanes >> 1;
    for (let e = 0; e < lanes; e++) {
      // concat = m:n; element e = op(concat[2e], concat[2e+1])
      const src = e < half ? n : m;
      const i = (e < half ? e : e - half) << 1;
      op3(id, fmt, laneLo(s, src, fmt, i), laneHi(s, src, fmt, i), laneLo(s, src, fmt, i + 1), laneHi(s, src, fmt, i + 1), 0, 0, fpcr);
      tmpSet(fmt, e, res[0], res[1]);
    }
  } else {
    for (let e = 0; e < lanes; e++) {
      op3(id, fmt, laneLo(s, n, fmt, e), laneHi(s, n, fmt, e), laneLo(s, m, fmt, e), laneHi(s, m, fmt, e), laneLo(s, d, fmt, e), laneHi(s, d, fmt, e), fpcr);
      tmpSet(fmt, e, res[0], res[1]);
    }
  }
  writeTmp(s, d, q !== 0 ? 4 : 2);
  fpEnd(s);
  return true;
}

/** Three same (FP), scalar: 01 U 11110 a sz 1 Rm 11 opcode<2:0> 1 Rn Rd. */
export function fpThreeSameScalar(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  const id = ((insn >>> 25) & 16) | ((insn >>> 20) & 8) | ((insn >>> 11) & 7);
  if (((SCALAR3 >>> id) & 1) === 0) return false;
  checkFpEnabled(cpu);
  const fmt = fmt3(insn);
  const m = (insn >>> 16) & 31;
  const n = (insn >>> 5) & 31;
  fpBegin();
  op3(id, fmt, laneLo(s, n, fmt, 0), laneHi(s, n, fmt, 0), laneLo(s, m, fmt, 0), laneHi(s, m, fmt, 0), 0, 0, s[S.FPCR]);
  tmp[0] = fmt === Fmt.H ? res[0] & 0xffff : res[0];
  tmp[1] = res[1];
  writeTmp(s, insn & 31, 2);
  fpEnd(s);
  return true;
}

/**
 * Vector x indexed element (FP): 0 Q U 01111 size L M Rm opcode H 0 Rn Rd (vector) and
 * 01 U 11111 ... (scalar). opcode 0001 FMLA, 0101 FMLS, 1001 FMUL (U = 0) / FMULX (U = 1).
 */
export function fpByElem(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  const scalar = (insn & 0x10000000) !== 0;
  const q = scalar ? 0 : (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const opc = (insn >>> 12) & 15;
  const size = (insn >>> 22) & 3;
  const fmt = size === 0 ? Fmt.H : size === 3 ? Fmt.D : Fmt.S;
  const l = (insn >>> 21) & 1;
  const h = (insn >>> 11) & 1;
  if (fmt === Fmt.D && (l !== 0 || (!scalar && q === 0))) return false;
  if (u !== 0 && opc !== 9) return false;
  checkFpEnabled(cpu);
  // Index H (D), H:L (S), H:L:M (H, where Rm is 4 bits).
  const index = fmt === Fmt.D ? h : fmt === Fmt.S ? (h << 1) | l : (h << 2) | (l << 1) | ((insn >>> 20) & 1);
  const m = (insn >>> 16) & (fmt === Fmt.H ? 15 : 31);
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  const lanes = scalar ? 1 : laneCount(fmt, q);
  const bl = laneLo(s, m, fmt, index);
  const bh = laneHi(s, m, fmt, index);
  const id = opc === 1 ? 1 : opc === 5 ? 9 : u !== 0 ? 3 : 19;
  const fpcr = s[S.FPCR];
  fpBegin();
  tmp[0] = 0;
  tmp[1] = 0;
  for (let e = 0; e < lanes; e++) {
    op3(id, fmt, laneLo(s, n, fmt, e), laneHi(s, n, fmt, e), bl, bh, laneLo(s, d, fmt, e), laneHi(s, d, fmt, e), fpcr);
    tmpSet(fmt, e, res[0], res[1]);
  }
  writeTmp(s, d, q !== 0 ? 4 : 2);
  fpEnd(s);
  return true;
}

/** Reduction op of FMAXNMV/FMINNMV/FMAXV/FMINV (kind: 0 maxnum, 1 minnum, 2 max, 3 min). */
function reduceOp(fmt: number, kind: number, al: number, bl: number, fpcr: number): number {
  if (kind < 2) fpMaxMinNum(fmt, al, 0, bl, 0, fpcr, kind === 1);
  else fpMaxMin(fmt, al, 0, bl, 0, fpcr, kind === 3);
  return res[0];
}

/** Reduce() over 4 lanes of V[n] from lane `first`: op(op(e0, e1), op(e2, e3)). */
function reduce4(s: Int32Array, n: number, fmt: number, first: number, kind: number, fpcr: number): number {
  const lo = reduceOp(fmt, kind, laneLo(s, n, fmt, first), laneLo(s, n, fmt, first + 1), fpcr);
  const hi = reduceOp(fmt, kind, laneLo(s, n, fmt, first + 2), laneLo(s, n, fmt, first + 3), fpcr);
  return reduceOp(fmt, kind, lo, hi, fpcr);
}

/**
 * Across lanes (FP): 0 Q U 01110 a sz 11000 opcode 10 Rn Rd; U = 1: single (4S only), U = 0:
 * half (FEAT_FP16, 4H or 8H). Reduce() halves recursively: op(Reduce(lo), Reduce(hi)).
 */
export function fpAcross(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  const q = (insn >>> 30) & 1;
  const fmt = (insn & 0x20000000) !== 0 ? Fmt.S : Fmt.H;
  if ((fmt === Fmt.S && q === 0) || (insn & 0x400000) !== 0) return false;
  checkFpEnabled(cpu);
  const kind = (((insn >>> 12) & 3) === 3 ? 2 : 0) | ((insn >>> 23) & 1);
  const n = (insn >>> 5) & 31;
  const fpcr = s[S.FPCR];
  fpBegin();
  let r = reduce4(s, n, fmt, 0, kind, fpcr);
  if (fmt === Fmt.H && q !== 0) r = reduceOp(fmt, kind, r, reduce4(s, n, fmt, 4, kind, fpcr), fpcr);
  tmp[0] = fmt === Fmt.H ? r & 0xffff : r;
  tmp[1] = 0;
  writeTmp(s, insn & 31, 2);
  fpEnd(s);
  return true;
}

/** Scalar pairwise (FP): 01 1 11110 a sz 11000 opcode 10 Rn Rd (FMAXNMP, FADDP, FMAXP, FMINNMP, FMINP). */
export function fpPairwiseScalar(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  // U = 1: sz selects single/double; U = 0: half (FEAT_FP16).
  const fmt = (insn & 0x20000000) === 0 ? Fmt.H : (insn & 0x400000) !== 0 ? Fmt.D : Fmt.S;
  const a = (insn >>> 23) & 1;
  const opc = (insn >>> 12) & 31;
  let id: number;
  if (opc === 12) id = a !== 0 ? 24 : 16;
  else if (opc === 13 && a === 0) id = 18;
  else if (opc === 15) id = a !== 0 ? 30 : 22;
  else return false;
  checkFpEnabled(cpu);
  const n = (insn >>> 5) & 31;
  fpBegin();
  op3(id, fmt, laneLo(s, n, fmt, 0), laneHi(s, n, fmt, 0), laneLo(s, n, fmt, 1), laneHi(s, n, fmt, 1), 0, 0, s[S.FPCR]);
  tmp[0] = fmt === Fmt.H ? res[0] & 0xffff : res[0];
  tmp[1] = res[1];
  writeTmp(s, insn & 31, 2);
  fpEnd(s);
  return true;
}
