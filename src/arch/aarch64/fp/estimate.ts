/**
 * Reciprocal and reciprocal square root estimates and steps (Arm ARM shared/functions/float):
 * FPRecipEstimate/RecipEstimate, FPRSqrtEstimate/RecipSqrtEstimate, FPRecpX,
 * FPRecipStepFused, FPRSqrtStepFused; and the unsigned integer UnsignedRecipEstimate and
 * UnsignedRSqrtEstimate (URECPE, URSQRTE). Results in `res`, exceptions in fpst.
 */
import { Fmt, Ty, Fx, Fc, Rm, res, uTy, uSg, uE, raise, unpack, processNaN, packDefaultNaN, packInf, packZero, packMaxNormal, fpcrRm } from './core.js';
import { fpMulAdd } from './arith.js';

/** RecipEstimate(a), a in 256..511 (units of 1/512): a result in 256..511. */
export function recipEstimate(a: number): number {
  a = a * 2 + 1;
  const b = Math.floor(524288 / a);
  return (b + 1) >>> 1;
}

/** RecipSqrtEstimate(a), a in 128..511. */
export function recipSqrtEstimate(a: number): number {
  if (a < 256) a = a * 2 + 1;
  else {
    a = (a >>> 1) << 1;
    a = (a + 1) * 2;
  }
  let b = 512;
  while (a * (b + 1) * (b + 1) < 268435456) b++;
  return (b + 1) >>> 1;
}

/** The operand's fraction as 52 bits (fh: bits 51:32, fl: 31:0) and biased exponent. */
let fh = 0;
let fl = 0;
let ex = 0;
function fracOf(fmt: number, lo: number, hi: number): void {
  if (fmt === Fmt.D) {
    fh = hi & 0xfffff;
    fl = lo;
    ex = (hi >>> 20) & 0x7ff;
  } else if (fmt === Fmt.S) {
    fh = (lo & 0x7fffff) >>> 3;
    fl = lo << 29;
    ex = (lo >>> 23) & 0xff;
  } else {
    fh = (lo & 0x3ff) << 10;
    fl = 0;
    ex = (lo >>> 10) & 0x1f;
  }
}

/** fraction = fraction<50:0> : '0'. */
function fracShl1(): void {
  fh = ((fh << 1) | (fl >>> 31)) & 0xfffff;
  fl = fl << 1;
}

/** Encode sign : result_exp : fraction<51:...> for the format (fraction in fh:fl). */
function encode(fmt: number, sign: number, e: number): void {
  if (fmt === Fmt.D) {
    res[0] = fl;
    res[1] = (sign << 31) | (e << 20) | fh;
  } else if (fmt === Fmt.S) {
    res[0] = (sign << 31) | (e << 23) | (fh << 3) | (fl >>> 29);
    res[1] = 0;
  } else {
    res[0] = (sign << 15) | (e << 10) | (fh >>> 10);
    res[1] = 0;
  }
}

/** FPRecipEstimate(operand, fpcr) (FRECPE). */
export function fpRecipEstimate(fmt: number, lo: number, hi: number, fpcr: number): void {
  fpcr &= ~Fc.AHP;
  const t = unpack(0, fmt, lo, hi, fpcr);
  const sign = uSg[0];
  if (t >= Ty.QNAN) {
    processNaN(fmt, t, lo, hi, fpcr);
    return;
  }
  if (t === Ty.INF) {
    packZero(fmt, sign);
    return;
  }
  if (t === Ty.ZERO) {
    packInf(fmt, sign);
    raise(Fx.DZC);
    return;
  }
  // |value| < 2^-16 / 2^-128 / 2^-1024: the reciprocal overflows.
  const E = uE[0];
  if (E < (fmt === Fmt.H ? -16 : fmt === Fmt.S ? -128 : -1024)) {
    const rm = fpcrRm(fpcr);
    const toInf = rm === Rm.N || (rm === Rm.P && sign === 0) || (rm === Rm.M && sign === 1);
    if (toInf) packInf(fmt, sign);
    else packMaxNormal(fmt, sign);
    raise(Fx.OFC | Fx.IXC);
    return;
  }
  if ((fmt === Fmt.H ? (fpcr & Fc.FZ16) !== 0 : (fpcr & Fc.FZ) !== 0) && E >= (fmt === Fmt.H ? 14 : fmt === Fmt.S ? 126 : 1022)) {
    packZero(fmt, sign);
    raise(Fx.UFC);
    return;
  }
  fracOf(fmt, lo, hi);
  let e = ex;
  if (e === 0) {
    if ((fh & 0x80000) === 0) {
      e = -1;
      fracShl1();
    }
    fracShl1();
  }
  const scaled = 256 | (fh >>> 12);
  let re = (fmt === Fmt.H ? 29 : fmt === Fmt.S ? 253 : 2045) - e;
  const est = recipEstimate(scaled);
  fh = (est & 0xff) << 12;
  fl = 0;
  if (re === 0) fh = 0x80000 | (fh >>> 1);
  else if (re === -1) {
    fh = 0x40000 | (fh >>> 2);
    re = 0;
  }
  encode(fmt, sign, re);
}

/** FPRSqrtEstimate(operand, fpcr) (FRSQRTE). */
export function fpRSqrtEstimate(fmt: number, lo: number, hi: number, fpcr: number): void {
  fpcr &= ~Fc.AHP;
  const t = unpack(0, fmt, lo, hi, fpcr);
  const sign = uSg[0];
  if (t >= Ty.QNAN) processNaN(fmt, t, lo, hi, fpcr);
  else if (t === Ty.ZERO) {
    packInf(fmt, sign);
    raise(Fx.DZC);
  } else if (sign === 1) {
    packDefaultNaN(fmt);
    raise(Fx.IOC);
  } else if (t === Ty.INF) packZero(fmt, 0);
  else {
    fracOf(fmt, lo, hi);
    let e = ex;
    if (e === 0) {
      while ((fh & 0x80000) === 0) {
        fracShl1();
        e--;
      }
      fracShl1();
    }
    const scaled = (e & 1) === 0 ? 256 | (fh >>> 12) : 128 | (fh >>> 13);
    const re = Math.floor(((fmt === Fmt.H ? 44 : fmt === Fmt.S ? 380 : 3068) - e) / 2);
    const est = recipSqrtEstimate(scaled);
    fh = (est & 0xff) << 12;
    fl = 0;
    encode(fmt, 0, re);
  }
}

/** FPRecpX(op, fpcr) (FRECPX): the exponent inverted, fraction zero. */
export function fpRecpX(fmt: number, lo: number, hi: number, fpcr: number): void {
  fpcr &= ~Fc.AHP;
  const t = unpack(0, fmt, lo, hi, fpcr);
  if (t >= Ty.QNAN) {
    processNaN(fmt, t, lo, hi, fpcr);
    return;
  }
  fracOf(fmt, lo, hi);
  const emax = fmt === Fmt.D ? 0x7ff : fmt === Fmt.S ? 0xff : 0x1f;
  fh = 0;
  fl = 0;
  encode(fmt, uSg[0], ex === 0 ? emax - 1 : ~ex & emax);
  void uTy;
}

/** Raw bits of 2.0 and 3.0 per format (lo, hi). */
function constLo(fmt: number, three: boolean): number {
  return fmt === Fmt.S ? (three ? 0x40400000 : 0x40000000) : fmt === Fmt.H ? (three ? 0x4200 : 0x4000) : 0;
}
function constHi(fmt: number, three: boolean): number {
  return fmt === Fmt.D ? (three ? 0x40080000 : 0x40000000) : 0;
}

/** FPRecipStepFused(op1, op2) (FRECPS): 2.0 - op1 * op2 with one rounding. */
export function fpRecipStepFused(fmt: number, al: number, ah: number, bl: number, bh: number, fpcr: number): void {
  if (fmt === Fmt.D) ah ^= 0x80000000;
  else al ^= fmt === Fmt.S ? 0x80000000 : 0x8000;
  fpMulAdd(fmt, constLo(fmt, false), constHi(fmt, false), al, ah, bl, bh, fpcr, 1);
}

/** FPRSqrtStepFused(op1, op2) (FRSQRTS): (3.0 - op1 * op2) / 2 with one rounding. */
export function fpRSqrtStepFused(fmt: number, al: number, ah: number, bl: number, bh: number, fpcr: number): void {
  if (fmt === Fmt.D) ah ^= 0x80000000;
  else al ^= fmt === Fmt.S ? 0x80000000 : 0x8000;
  fpMulAdd(fmt, constLo(fmt, true), constHi(fmt, true), al, ah, bl, bh, fpcr, 2);
}

/** UnsignedRecipEstimate (URECPE) of a 32-bit element. */
export function unsignedRecipEstimate(x: number): number {
  if (x >= 0) return -1;
  return recipEstimate((x >>> 23) & 0x1ff) << 23;
}

/** UnsignedRSqrtEstimate (URSQRTE) of a 32-bit element. */
export function unsignedRSqrtEstimate(x: number): number {
  if ((x >>> 30) === 0) return -1;
  return recipSqrtEstimate((x >>> 23) & 0x1ff) << 23;
}
