/**
 * Scalar floating-point instructions (Arm ARM DDI 0487K.a C4.1.96 "Data Processing -- Scalar
 * Floating-Point and Advanced SIMD", the FP groups): 1-source (FMOV reg, FABS, FNEG, FSQRT,
 * FCVT, FRINT*), 2-source, 3-source (FMADD...), compare, conditional compare, conditional
 * select, immediate (FMOV), and the conversions to/from general registers (FCVT*S/U, SCVTF,
 * UCVTF, FMOV general, integer and fixed-point forms).
 *
 * Every executor rejects its UNDEFINED encodings, then calls checkFpEnabled() (the pseudocode's
 * decode comes before CheckFPAdvSIMDEnabled64() in execute), computes through the soft-float
 * (fp/), writes the destination (scalar writes zero the upper bits of the V register) and ORs
 * the exceptions into FPSR.
 */
import type { Cpu } from '../cpu.js';
import { S } from '../state.js';
import { checkFpEnabled } from './fp-access.js';
import { conditionHolds } from './cond.js';
import { Fmt, Rm, res, fpcrRm } from '../fp/core.js';
import { fpAdd, fpMul, fpDiv, fpSqrt, fpMulAdd } from '../fp/arith.js';
import { fpMaxMin, fpMaxMinNum, fpCompare } from '../fp/compare.js';
import { fpConvert, fpRoundInt, fpToFixed, fixedToFp } from '../fp/convert.js';
import { fmtOfFtype, vLo, vHi, setScalar, fpBegin, fpEnd } from './fp-util.js';

/** Sign bit mask of a format, for the word holding it (lo for H/S, hi for D). */
function signMask(fmt: number): number {
  return fmt === Fmt.H ? 0x8000 : 0x80000000 | 0;
}

/** FRINT* opcode<2:0> to rounding mode: N, P, M, Z, A, -, X (FPCR), I (FPCR). */
const FRINT_RM = [Rm.N, Rm.P, Rm.M, Rm.Z, Rm.A, -1, -1, -1];

/** FP data-processing (1 source): M 0 S 11110 ftype 1 opcode 10000 Rn Rd. */
export function fp1Src(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  const fmt = fmtOfFtype((insn >>> 22) & 3);
  const op = (insn >>> 15) & 0x3f;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  if (fmt < 0 || op === 6 || op === 13 || op > 15 || ((op & 0x3c) === 4 && fmtOfFtype(op & 3) === fmt)) return false;
  checkFpEnabled(cpu);
  let lo = vLo(s, n, fmt);
  let hi = vHi(s, n, fmt);
  const fpcr = s[S.FPCR];
  fpBegin();
  switch (op) {
    case 0: break; // FMOV
    case 1: if (fmt === Fmt.D) hi &= 0x7fffffff; else lo &= ~signMask(fmt); break; // FABS
    case 2: if (fmt === Fmt.D) hi ^= 0x80000000; else lo ^= signMask(fmt); break; // FNEG
    case 3: fpSqrt(fmt, lo, hi, fpcr); lo = res[0]; hi = res[1]; break;
    case 4: case 5: case 7: { // FCVT: opc<1:0> = destination (00 single, 01 double, 11 half)
      const to = fmtOfFtype(op & 3);
      fpConvert(fmt, lo, hi, to, fpcrRm(fpcr), fpcr);
      setScalar(s, d, to, res[0], res[1]);
      fpEnd(s);
      return true;
    }
    case 8: case 9: case 10: case 11: case 12: case 14: case 15: {
      const r = FRINT_RM[op & 7];
      fpRoundInt(fmt, lo, hi, r < 0 ? fpcrRm(fpcr) : r, op === 14, fpcr);
      lo = res[0];
      hi = res[1];
      break;
    }
    default: return false;
  }
  setScalar(s, d, fmt, lo, hi);
  fpEnd(s);
  return true;
}

/** FP data-processing (2 source): M 0 S 11110 ftype 1 Rm opcode 10 Rn Rd. */
export function fp2Src(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  const fmt = fmtOfFtype((insn >>> 22) & 3);
  const op = (insn >>> 12) & 15;
  if (fmt < 0 || op > 8) return false;
  checkFpEnabled(cpu);
  const m = (insn >>> 16) & 31;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  const al = vLo(s, n, fmt);
  const ah = vHi(s, n, fmt);
  const bl = vLo(s, m, fmt);
  const bh = vHi(s, m, fmt);
  const fpcr = s[S.FPCR];
  fpBegin();
  switch (op) {
    case 0: fpMul(fmt, al, ah, bl, bh, fpcr, false); break;
    case 1: fpDiv(fmt, al, ah, bl, bh, fpcr); break;
    case 2: fpAdd(fmt, al, ah, bl, bh, fpcr, false); break;
    case 3: fpAdd(fmt, al, ah, bl, bh, fpcr, true); break;
    case 4: fpMaxMin(fmt, al, ah, bl, bh, fpcr, false); break;
    case 5: fpMaxMin(fmt, al, ah, bl, bh, fpcr, true); break;
    case 6: fpMaxMinNum(fmt, al, ah, bl, bh, fpcr, false); break;
    case 7: fpMaxMinNum(fmt, al, ah, bl, bh, fpcr, true); break;
    default: // FNMUL: FPNeg(FPMul(...))
      fpMul(fmt, al, ah, bl, bh, fpcr, false);
      if (fmt === Fmt.D) res[1] ^= 0x80000000;
      else res[0] ^= signMask(fmt);
      break;
  }
  setScalar(s, d, fmt, res[0], res[1]);
  fpEnd(s);
  return true;
}

/** FP data-processing (3 source): M 0 S 11111 ftype o1 Rm o0 Ra Rn Rd. */
export function fp3Src(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  const fmt = fmtOfFtype((insn >>> 22) & 3);
  if (fmt < 0) return false;
  checkFpEnabled(cpu);
  const o1 = (insn >>> 21) & 1;
  const o0 = (insn >>> 15) & 1;
  const m = (insn >>> 16) & 31;
  const a = (insn >>> 10) & 31;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  let cl = vLo(s, a, fmt);
  let ch = vHi(s, a, fmt);
  let al = vLo(s, n, fmt);
  let ah = vHi(s, n, fmt);
  const sm = signMask(fmt);
  // FMSUB negates op1, FNMADD the addend and op1, FNMSUB the addend (FPNeg of the raw bits).
  if (o1 !== 0) {
    if (fmt === Fmt.D) ch ^= sm; else cl ^= sm;
  }
  if (o0 !== o1) {
    if (fmt === Fmt.D) ah ^= sm; else al ^= sm;
  }
  fpBegin();
  fpMulAdd(fmt, cl, ch, al, ah, vLo(s, m, fmt), vHi(s, m, fmt), s[S.FPCR]);
  setScalar(s, d, fmt, res[0], res[1]);
  fpEnd(s);
  return true;
}

/** FCMP/FCMPE (register and #0.0): M 0 S 11110 ftype 1 Rm 00 1000 Rn opc 000. */
export function fpCmp(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  const fmt = fmtOfFtype((insn >>> 22) & 3);
  if (fmt < 0) return false;
  checkFpEnabled(cpu);
  const m = (insn >>> 16) & 31;
  const n = (insn >>> 5) & 31;
  const zero = (insn & 8) !== 0;
  fpBegin();
  const f = fpCompare(fmt, vLo(s, n, fmt), vHi(s, n, fmt), zero ? 0 : vLo(s, m, fmt), zero ? 0 : vHi(s, m, fmt), (insn & 16) !== 0, s[S.FPCR]);
  s[S.NF] = f >>> 3;
  s[S.ZF] = (f >>> 2) & 1;
  s[S.CF] = (f >>> 1) & 1;
  s[S.VF] = f & 1;
  fpEnd(s);
  return true;
}

/** FCCMP/FCCMPE: M 0 S 11110 ftype 1 Rm cond 01 Rn op nzcv. */
export function fpCcmp(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  const fmt = fmtOfFtype((insn >>> 22) & 3);
  if (fmt < 0) return false;
  checkFpEnabled(cpu);
  const m = (insn >>> 16) & 31;
  const n = (insn >>> 5) & 31;
  let f = insn & 15;
  fpBegin();
  if (conditionHolds(s, (insn >>> 12) & 15)) {
    f = fpCompare(fmt, vLo(s, n, fmt), vHi(s, n, fmt), vLo(s, m, fmt), vHi(s, m, fmt), (insn & 16) !== 0, s[S.FPCR]);
  }
  s[S.NF] = f >>> 3;
  s[S.ZF] = (f >>> 2) & 1;
  s[S.CF] = (f >>> 1) & 1;
  s[S.VF] = f & 1;
  fpEnd(s);
  return true;
}

/** FCSEL: M 0 S 11110 ftype 1 Rm cond 11 Rn Rd. */
export function fpCsel(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  const fmt = fmtOfFtype((insn >>> 22) & 3);
  if (fmt < 0) return false;
  checkFpEnabled(cpu);
  const r = conditionHolds(s, (insn >>> 12) & 15) ? (insn >>> 5) & 31 : (insn >>> 16) & 31;
  setScalar(s, insn & 31, fmt, vLo(s, r, fmt), vHi(s, r, fmt));
  return true;
}

/** FMOV (scalar, immediate): M 0 S 11110 ftype 1 imm8 100 imm5 Rd; VFPExpandImm(imm8). */
export function fpImm(cpu: Cpu, insn: number): boolean {
  const fmt = fmtOfFtype((insn >>> 22) & 3);
  if (fmt < 0) return false;
  checkFpEnabled(cpu);
  const imm8 = (insn >>> 13) & 0xff;
  const sign = imm8 >>> 7;
  const b6 = (imm8 >>> 6) & 1;
  const e2 = (imm8 >>> 4) & 3;
  const f4 = imm8 & 15;
  let lo = 0;
  let hi = 0;
  if (fmt === Fmt.D) hi = (sign << 31) | ((b6 ^ 1) << 30) | (b6 !== 0 ? 0xff << 22 : 0) | (e2 << 20) | (f4 << 16);
  else if (fmt === Fmt.S) lo = (sign << 31) | ((b6 ^ 1) << 30) | (b6 !== 0 ? 0x1f << 25 : 0) | (e2 << 23) | (f4 << 19);
  else lo = (sign << 15) | ((b6 ^ 1) << 14) | (b6 !== 0 ? 3 << 12 : 0) | (e2 << 10) | (f4 << 6);
  setScalar(cpu.s, insn & 31, fmt, lo, hi);
  return true;
}

/**
 * Conversion between FP and integer: sf 0 S 11110 ftype 1 rmode opcode 000000 Rn Rd
 * (FCVT{N,P,M,Z,A}{S,U}, SCVTF, UCVTF, FMOV general incl. the top half of V).
 */
export function fpCvtInt(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  const sf = insn >>> 31;
  const ftype = (insn >>> 22) & 3;
  const rmode = (insn >>> 19) & 3;
  const opc = (insn >>> 16) & 7;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  // UNDEFINED encodings first (decode precedes CheckFPAdvSIMDEnabled64()).
  if (opc >= 6) {
    if (ftype === 2 ? sf === 0 || rmode !== 1 : rmode !== 0 || (ftype === 0 && sf === 1) || (ftype === 1 && sf === 0)) return false;
  } else if (ftype === 2 || (opc >= 2 && rmode !== 0)) return false;
  checkFpEnabled(cpu);
  if (opc >= 6) {
    // FMOV: sf=0 ftype=00 (W, S), sf=1 ftype=01 (X, D), sf=1 ftype=10 rmode=01 (X, V.D[1]), ftype=11 (H).
    const toGen = opc === 6;
    if (ftype === 2) {
      if (sf === 0 || rmode !== 1) return false;
      const v = S.V0 + (toGen ? n : d) * 4;
      if (toGen) {
        if (d !== 31) {
          s[d << 1] = s[v + 2];
          s[(d << 1) | 1] = s[v + 3];
        }
      } else {
        s[v + 2] = n === 31 ? 0 : s[n << 1];
        s[v + 3] = n === 31 ? 0 : s[(n << 1) | 1];
      }
      return true;
    }
    if (rmode !== 0 || (ftype === 0 && sf === 1) || (ftype === 1 && sf === 0)) return false;
    const fmt = fmtOfFtype(ftype);
    if (toGen) {
      if (d !== 31) {
        s[d << 1] = vLo(s, n, fmt);
        s[(d << 1) | 1] = vHi(s, n, fmt);
      }
    } else {
      setScalar(s, d, fmt, n === 31 ? 0 : s[n << 1], n === 31 ? 0 : s[(n << 1) | 1]);
    }
    return true;
  }
  const fmt = fmtOfFtype(ftype);
  if (fmt < 0) return false;
  const size = sf !== 0 ? 64 : 32;
  const fpcr = s[S.FPCR];
  fpBegin();
  if (opc === 2 || opc === 3) {
    if (rmode !== 0) return false;
    fixedToFp(n === 31 ? 0 : s[n << 1], n === 31 ? 0 : s[(n << 1) | 1], size, 0, opc === 3, fmt, fpcrRm(fpcr), fpcr);
    setScalar(s, d, fmt, res[0], res[1]);
  } else {
    if (opc >= 4 && rmode !== 0) return false;
    const rm = opc >= 4 ? Rm.A : rmode; // N, P, M, Z in rmode order
    fpToFixed(fmt, vLo(s, n, fmt), vHi(s, n, fmt), 0, (opc & 1) !== 0, size, rm, fpcr);
    if (d !== 31) {
      s[d << 1] = res[0];
      s[(d << 1) | 1] = res[1];
    }
  }
  fpEnd(s);
  return true;
}

/** Conversion between FP and fixed-point: sf 0 S 11110 ftype 0 rmode opcode scale Rn Rd. */
export function fpCvtFixed(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  const sf = insn >>> 31;
  const fmt = fmtOfFtype((insn >>> 22) & 3);
  const scale = (insn >>> 10) & 63;
  if (fmt < 0 || (sf === 0 && scale < 32)) return false;
  checkFpEnabled(cpu);
  const fbits = 64 - scale;
  const uns = ((insn >>> 16) & 1) !== 0;
  const toFp = ((insn >>> 17) & 1) !== 0; // opcode 01x: SCVTF/UCVTF; 00x with rmode 11: FCVTZ*
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  const size = sf !== 0 ? 64 : 32;
  const fpcr = s[S.FPCR];
  fpBegin();
  if (toFp) {
    fixedToFp(n === 31 ? 0 : s[n << 1], n === 31 ? 0 : s[(n << 1) | 1], size, fbits, uns, fmt, fpcrRm(fpcr), fpcr);
    setScalar(s, d, fmt, res[0], res[1]);
  } else {
    fpToFixed(fmt, vLo(s, n, fmt), vHi(s, n, fmt), fbits, uns, size, Rm.Z, fpcr);
    if (d !== 31) {
      s[d << 1] = res[0];
      s[(d << 1) | 1] = res[1];
    }
  }
  fpEnd(s);
  return true;
}
