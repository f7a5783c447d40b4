/**
 * Advanced SIMD floating-point two-register misc (Arm ARM DDI 0487K.a C4.1.96), vector and
 * scalar: FABS, FNEG, FSQRT, FRINT*, FCVT{N,M,P,Z,A}{S,U}, SCVTF, UCVTF, FCMxx #0.0, FRECPE,
 * FRSQRTE, FRECPX (scalar), URECPE, URSQRTE, FCVTL(2), FCVTN(2), FCVTXN(2); and the FP forms of
 * shift by immediate (SCVTF, UCVTF, FCVTZS, FCVTZU #fbits, vector and scalar).
 */
import type { Cpu } from '../cpu.js';
import { S } from '../state.js';
import { checkFpEnabled } from './fp-access.js';
import { Fmt, Rm, res, fpcrRm } from '../fp/core.js';
import { fpSqrt } from '../fp/arith.js';
import { fpCompareCond, Cmp } from '../fp/compare.js';
import { fpConvert, fpRoundInt, fpToFixed, fixedToFp } from '../fp/convert.js';
import { fpRecipEstimate, fpRSqrtEstimate, fpRecpX, unsignedRecipEstimate, unsignedRSqrtEstimate } from '../fp/estimate.js';
import { fpBegin, fpEnd } from './fp-util.js';
import { tmp, laneLo, laneHi, tmpSet, writeTmp, laneCount } from './fp-vector.js';

/** Misc ids: U << 6 | a << 5 | opcode. */
const enum M {
  FCMGT0 = 0x2c, FCMEQ0 = 0x2d, FCMLT0 = 0x2e, FABS = 0x2f,
  FRINTN = 0x18, FRINTM = 0x19, FCVTNS = 0x1a, FCVTMS = 0x1b, FCVTAS = 0x1c, SCVTF = 0x1d,
  FRINTP = 0x38, FRINTZ = 0x39, FCVTPS = 0x3a, FCVTZS = 0x3b, URECPE = 0x3c, FRECPE = 0x3d, FRECPX = 0x3f,
  FCMGE0 = 0x6c, FCMLE0 = 0x6d, FNEG = 0x6f,
  FRINTA = 0x58, FRINTX = 0x59, FCVTNU = 0x5a, FCVTMU = 0x5b, FCVTAU = 0x5c, UCVTF = 0x5d,
  FRINTI = 0x79, FCVTPU = 0x7a, FCVTZU = 0x7b, URSQRTE = 0x7c, FRSQRTE = 0x7d, FSQRT = 0x7f,
}

/** Whether misc id exists in the vector (or scalar) form for element format fmt. */
function miscAllocated(id: number, fmt: number, scalar: boolean): boolean {
  switch (id) {
    case M.FABS: case M.FNEG: case M.FSQRT: case M.FRINTN: case M.FRINTM: case M.FRINTP: case M.FRINTZ:
    case M.FRINTA: case M.FRINTX: case M.FRINTI:
      return !scalar;
    case M.FRECPX: return scalar;
    case M.URECPE: case M.URSQRTE: return !scalar && fmt === Fmt.S;
    case M.FCVTNS: case M.FCVTNU: case M.FCVTMS: case M.FCVTMU: case M.FCVTAS: case M.FCVTAU: case M.FCVTPS:
    case M.FCVTPU: case M.FCVTZS: case M.FCVTZU: case M.SCVTF: case M.UCVTF: case M.FRECPE: case M.FRSQRTE:
    case M.FCMGT0: case M.FCMEQ0: case M.FCMLT0: case M.FCMGE0: case M.FCMLE0:
      return true;
    default: return false;
  }
}

/** Element operation of a misc id (one element (lo, hi) of fmt): result in res; false if unallocated. */
function misc1(id: number, fmt: number, lo: number, hi: number, fpcr: number, scalar: boolean): boolean {
  const esize = 16 << fmt;
  switch (id) {
    case M.FABS: case M.FNEG: {
      if (scalar) return false;
      const sm = fmt === Fmt.H ? 0x8000 : 0x80000000 | 0;
      if (fmt === Fmt.D) hi = id === M.FABS ? hi & ~sm : hi ^ sm;
      else lo = id === M.FABS ? lo & ~sm : lo ^ sm;
      res[0] = lo;
      res[1] = hi;
      return true;
    }
    case M.FSQRT: if (scalar) return false; fpSqrt(fmt, lo, hi, fpcr); return true;
    case M.FRINTN: case M.FRINTM: case M.FRINTP: case M.FRINTZ: case M.FRINTA: case M.FRINTX: case M.FRINTI: {
      if (scalar) return false;
      const rm = id === M.FRINTN ? Rm.N : id === M.FRINTM ? Rm.M : id === M.FRINTP ? Rm.P : id === M.FRINTZ ? Rm.Z : id === M.FRINTA ? Rm.A : fpcrRm(fpcr);
      fpRoundInt(fmt, lo, hi, rm, id === M.FRINTX, fpcr);
      return true;
    }
    case M.FCVTNS: case M.FCVTNU: fpToFixed(fmt, lo, hi, 0, id === M.FCVTNU, esize, Rm.N, fpcr); return true;
    case M.FCVTMS: case M.FCVTMU: fpToFixed(fmt, lo, hi, 0, id === M.FCVTMU, esize, Rm.M, fpcr); return true;
    case M.FCVTAS: case M.FCVTAU: fpToFixed(fmt, lo, hi, 0, id === M.FCVTAU, esize, Rm.A, fpcr); return true;
    case M.FCVTPS: case M.FCVTPU: fpToFixed(fmt, lo, hi, 0, id === M.FCVTPU, esize, Rm.P, fpcr); return true;
    case M.FCVTZS: case M.FCVTZU: fpToFixed(fmt, lo, hi, 0, id === M.FCVTZU, esize, Rm.Z, fpcr); return true;
    case M.SCVTF: case M.UCVTF: fixedToFp(lo, hi, esize, 0, id === M.UCVTF, fmt, fpcrRm(fpcr), fpcr); return true;
    case M.FRECPE: fpRecipEstimate(fmt, lo, hi, fpcr); return true;
    case M.FRSQRTE: fpRSqrtEstimate(fmt, lo, hi, fpcr); return true;
    case M.FRECPX: if (!scalar) return false; fpRecpX(fmt, lo, hi, fpcr); return true;
    case M.URECPE: case M.URSQRTE:
      if (scalar || fmt !== Fmt.S) return false;
      res[0] = id === M.URECPE ? unsignedRecipEstimate(lo) : unsignedRSqrtEstimate(lo);
      res[1] = 0;
      return true;
    case M.FCMGT0: case M.FCMEQ0: case M.FCMLT0: case M.FCMGE0: case M.FCMLE0: {
      let r: boolean;
      switch (id) {
        case M.FCMGT0: r = fpCompareCond(fmt, lo, hi, 0, 0, Cmp.GT, false, fpcr); break;
        case M.FCMEQ0: r = fpCompareCond(fmt, lo, hi, 0, 0, Cmp.EQ, false, fpcr); break;
        case M.FCMGE0: r = fpCompareCond(fmt, lo, hi, 0, 0, Cmp.GE, false, fpcr); break;
        case M.FCMLT0: r = fpCompareCond(fmt, 0, 0, lo, hi, Cmp.GT, false, fpcr); break;
        default: r = fpCompareCond(fmt, 0, 0, lo, hi, Cmp.GE, false, fpcr); break;
      }
      res[0] = r ? (fmt === Fmt.H ? 0xffff : -1) : 0;
      res[1] = r && fmt === Fmt.D ? -1 : 0;
      return true;
    }
    default: return false;
  }
}

/** Two-register misc (FP): 0 Q U 01110 a sz 10000 opcode 10 Rn Rd (vector), 01 U 11110 ... (scalar). */
export function fpMisc(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  const scalar = (insn & 0x10000000) !== 0;
  const q = scalar ? 0 : (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const opcode = (insn >>> 12) & 31;
  const sz = (insn >>> 22) & 1;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  const fpcr = s[S.FPCR];
  if (opcode === 0x16 || opcode === 0x17) {
    // FCVTN/FCVTXN (narrow) and FCVTL (widen); a = 0 (the row fixes it).
    if (opcode === 0x17 ? u !== 0 || scalar : u !== 0 && sz === 0) return false;
    if (scalar && (u === 0 || opcode === 0x17)) return false;
    checkFpEnabled(cpu);
    fpBegin();
    if (opcode === 0x16) {
      // Narrow: the 128-bit source's elements into the low (Q = 0) or high (Q = 1) half.
      const from = sz !== 0 ? Fmt.D : Fmt.S;
      const to = sz !== 0 ? Fmt.S : Fmt.H;
      const rm = u !== 0 ? Rm.ODD : fpcrRm(fpcr);
      const lanes = scalar ? 1 : sz !== 0 ? 2 : 4;
      let w0 = 0;
      let w1 = 0;
      for (let e = 0; e < lanes; e++) {
        fpConvert(from, laneLo(s, n, from, e), laneHi(s, n, from, e), to, rm, fpcr);
        const r = res[0];
        if (to === Fmt.S) {
          if (e === 0) w0 = r;
          else w1 = r;
        } else {
          const k = r & 0xffff;
          if (e < 2) w0 |= k << (16 * e);
          else w1 |= k << (16 * (e - 2));
        }
      }
      const v = S.V0 + (d << 2);
      if (q === 0) {
        s[v] = w0;
        s[v + 1] = w1;
        s[v + 2] = 0;
        s[v + 3] = 0;
      } else {
        s[v + 2] = w0;
        s[v + 3] = w1;
      }
    } else {
      // Widen Vpart[n, Q]: H -> S (sz = 0) or S -> D (sz = 1).
      const v = S.V0 + (n << 2) + (q << 1);
      const a = s[v];
      const b = s[v + 1];
      if (sz !== 0) {
        fpConvert(Fmt.S, a, 0, Fmt.D, fpcrRm(fpcr), fpcr);
        tmp[0] = res[0];
        tmp[1] = res[1];
        fpConvert(Fmt.S, b, 0, Fmt.D, fpcrRm(fpcr), fpcr);
        tmp[2] = res[0];
        tmp[3] = res[1];
      } else {
        for (let e = 0; e < 4; e++) {
          const w = e < 2 ? a : b;
          fpConvert(Fmt.H, (w >>> (16 * (e & 1))) & 0xffff, 0, Fmt.S, fpcrRm(fpcr), fpcr);
          tmp[e] = res[0];
        }
      }
      writeTmp(s, d, 4);
    }
    fpEnd(s);
    return true;
  }
  // The FP16 forms have 1111000 in bits 22:16 (bit 19 set) where the others have sz 10000.
  const fmt = (insn & 0x80000) !== 0 ? Fmt.H : sz !== 0 ? Fmt.D : Fmt.S;
  if (fmt === Fmt.D && !scalar && q === 0) return false;
  const id = (u << 6) | (((insn >>> 23) & 1) << 5) | opcode;
  if (!miscAllocated(id, fmt, scalar)) return false;
  checkFpEnabled(cpu);
  const lanes = scalar ? 1 : laneCount(fmt, q);
  fpBegin();
  tmp[0] = 0;
  tmp[1] = 0;
  for (let e = 0; e < lanes; e++) {
    if (!misc1(id, fmt, laneLo(s, n, fmt, e), laneHi(s, n, fmt, e), fpcr, scalar)) return false;
    tmpSet(fmt, e, res[0], res[1]);
  }
  writeTmp(s, d, q !== 0 ? 4 : 2);
  fpEnd(s);
  return true;
}

/**
 * Shift by immediate, FP conversions: 0 Q U 011110 immh immb opcode 1 Rn Rd (vector) and
 * 01 U 111110 ... (scalar): opcode 11100 SCVTF/UCVTF, 11111 FCVTZS/FCVTZU with
 * fbits = 2 * esize - immh:immb (immh 001x half, 01xx single, 1xxx double).
 */
export function fpShiftCvt(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  const scalar = (insn & 0x10000000) !== 0;
  const q = scalar ? 0 : (insn >>> 30) & 1;
  const uns = (insn & 0x20000000) !== 0;
  const immhb = (insn >>> 16) & 0x7f;
  if (immhb < 16) return false;
  const fmt = immhb >= 64 ? Fmt.D : immhb >= 32 ? Fmt.S : Fmt.H;
  if (fmt === Fmt.D && !scalar && q === 0) return false;
  checkFpEnabled(cpu);
  const esize = 16 << fmt;
  const fbits = 2 * esize - immhb;
  const toFp = ((insn >>> 11) & 31) === 0x1c;
  const n = (insn >>> 5) & 31;
  const lanes = scalar ? 1 : laneCount(fmt, q);
  const fpcr = s[S.FPCR];
  fpBegin();
  tmp[0] = 0;
  tmp[1] = 0;
  for (let e = 0; e < lanes; e++) {
    const lo = laneLo(s, n, fmt, e);
    const hi = laneHi(s, n, fmt, e);
    if (toFp) fixedToFp(lo, hi, esize, fbits, uns, fmt, fpcrRm(fpcr), fpcr);
    else fpToFixed(fmt, lo, hi, fbits, uns, esize, Rm.Z, fpcr);
    tmpSet(fmt, e, res[0], res[1]);
  }
  writeTmp(s, insn & 31, q !== 0 ? 4 : 2);
  fpEnd(s);
  return true;
}
