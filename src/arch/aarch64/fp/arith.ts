/**
 * FPAdd/FPSub, FPMul, FPMulX, FPMulAdd, FPDiv, FPSqrt (Arm ARM shared/functions/float) on raw
 * bits: operands (al, ah), (bl, bh)... (ah etc. ignored for half/single), result in `res`,
 * exceptions in fpst. Significands are exact 64/128-bit integers (add, mul, fused multiply-add);
 * division and square root use the host's correctly rounded double plus an exact remainder
 * (Dekker product) to build the jammed significand.
 */
import { umul128, r64 } from '../exec/int64.js';
import {
  Fmt, Ty, Fx, Fc, Rm, res, uTy, uSg, uE, uMh, uMl, raise, unpack, processNaN, processNaNs, processNaNs3,
  packDefaultNaN, packInf, packZero, packSmall, roundPack, fpcrRm,
} from './core.js';

/** Effective FPCR of arithmetic (FPUnpack clears AHP). */
function arithFpcr(fpcr: number): number {
  return fpcr & ~Fc.AHP;
}

// ---- host fast paths -------------------------------------------------------------------------
//
// With FPCR.RMode = RN, normal operands and a result of magnitude above the smallest normal, the
// host's IEEE double arithmetic gives the architectural result: for single precision
// Math.fround of the double result (double has > 2p + 2 bits, so the double rounding is
// innocuous), for double the host operation itself. FZ, DN and AHP cannot matter then, and the
// only exception is IXC, decided exactly: TwoSum's error term for sums, the exact product (or
// Dekker's product error) for products, and the exact remainder x - q*y / x - q*q for quotients
// and square roots. Anything else takes the integer path below.

const hf64 = new Float64Array(1);
const hw = new Int32Array(hf64.buffer);
const hf32 = new Float32Array(1);
const hu32 = new Int32Array(hf32.buffer);
const MIN_NORMAL_S = 1.1754943508222875e-38;
const MIN_NORMAL_D = 2.2250738585072014e-308;

/** Single from raw bits (NaN-free callers only). */
function s2h(bits: number): number {
  hu32[0] = bits;
  return hf32[0];
}
/** Double from raw bits. */
function d2h(lo: number, hi: number): number {
  hw[0] = lo;
  hw[1] = hi;
  return hf64[0];
}
/** Normal (not zero, denormal, infinity or NaN) encodings. */
function normalS(bits: number): boolean {
  const e = (bits >>> 23) & 0xff;
  return e !== 0 && e !== 0xff;
}
function normalD(hi: number): boolean {
  const e = (hi >>> 20) & 0x7ff;
  return e !== 0 && e !== 0x7ff;
}
/** Write a single/double host result with IXC when inexact; false if out of the fast range. */
function doneS(r: number, inexact: boolean): boolean {
  const a = Math.abs(r);
  if (!(a > MIN_NORMAL_S && a < Infinity)) return false;
  hf32[0] = r;
  res[0] = hu32[0];
  res[1] = 0;
  if (inexact) raise(Fx.IXC);
  return true;
}
function doneD(r: number, inexact: boolean): boolean {
  const a = Math.abs(r);
  if (!(a > MIN_NORMAL_D && a < Infinity)) return false;
  hf64[0] = r;
  res[0] = hw[0];
  res[1] = hw[1];
  if (inexact) raise(Fx.IXC);
  return true;
}

/** Fast FPAdd/FPSub (see above); false when the general path is needed. */
function fastAdd(fmt: number, al: number, ah: number, bl: number, bh: number, fpcr: number, neg: boolean): boolean {
  if ((fpcr & (3 << 22)) !== 0) return false;
  if (fmt === Fmt.S) {
    if (!normalS(al) || !normalS(bl)) return false;
    const x = s2h(al);
    const y = neg ? -s2h(bl) : s2h(bl);
    const sum = x + y;
    const bb = sum - x;
    const err = x - (sum - bb) + (y - bb);
    const r = Math.fround(sum);
    return doneS(r, err !== 0 || r !== sum);
  }
  if (fmt !== Fmt.D || !normalD(ah) || !normalD(bh)) return false;
  const x = d2h(al, ah);
  const y = neg ? -d2h(bl, bh) : d2h(bl, bh);
  const r = x + y;
  const bb = r - x;
  return doneD(r, x - (r - bb) + (y - bb) !== 0);
}

/** Fast FPMul. */
function fastMul(fmt: number, al: number, ah: number, bl: number, bh: number, fpcr: number): boolean {
  if ((fpcr & (3 << 22)) !== 0) return false;
  if (fmt === Fmt.S) {
    if (!normalS(al) || !normalS(bl)) return false;
    const p = s2h(al) * s2h(bl); // exact: 48 significant bits
    const r = Math.fround(p);
    return doneS(r, r !== p);
  }
  if (fmt !== Fmt.D || !normalD(ah) || !normalD(bh)) return false;
  const x = d2h(al, ah);
  const y = d2h(bl, bh);
  const r = x * y;
  const a = Math.abs(r);
  // Keep the Veltkamp split and the error term away from overflow and underflow.
  if (!(a > 1e-280 && a < 1e280) || Math.abs(x) > 1e290 || Math.abs(y) > 1e290) return false;
  return doneD(r, productError(x, y, r) !== 0);
}

/** Fast FPDiv. */
function fastDiv(fmt: number, al: number, ah: number, bl: number, bh: number, fpcr: number): boolean {
  if ((fpcr & (3 << 22)) !== 0) return false;
  if (fmt === Fmt.S) {
    if (!normalS(al) || !normalS(bl)) return false;
    const x = s2h(al);
    const y = s2h(bl);
    const r = Math.fround(x / y);
    return doneS(r, r * y !== x); // r * y is exact (48 bits)
  }
  if (fmt !== Fmt.D || !normalD(ah) || !normalD(bh)) return false;
  const x = d2h(al, ah);
  const y = d2h(bl, bh);
  const q = x / y;
  const a = Math.abs(q);
  if (!(a > 1e-280 && a < 1e280) || Math.abs(y) > 1e290 || Math.abs(y) < 1e-280 || Math.abs(x) < 1e-280) return false;
  const p = q * y;
  return doneD(q, x - p - productError(q, y, p) !== 0);
}

/** Fast FPSqrt. */
function fastSqrt(fmt: number, al: number, ah: number, fpcr: number): boolean {
  if ((fpcr & (3 << 22)) !== 0) return false;
  if (fmt === Fmt.S) {
    if (!normalS(al) || al < 0) return false;
    const x = s2h(al);
    const r = Math.fround(Math.sqrt(x));
    return doneS(r, r * r !== x);
  }
  if (fmt !== Fmt.D || !normalD(ah) || ah < 0) return false;
  const x = d2h(al, ah);
  const q = Math.sqrt(x);
  if (!(q > 1e-140)) return false; // keeps the partial products of q * q normal
  const p = q * q;
  return doneD(q, x - p - productError(q, q, p) !== 0);
}

// ---- add / subtract ---------------------------------------------------------------------------

/**
 * Round sign * (MA * 2^(EA-62) + sB' * MB * 2^(EB-62)) where sB' = sign of the second operand;
 * both significands normalized. The exact sum of a larger and a jammed smaller operand.
 */
function addMags(fmt: number, sa: number, ea: number, ah: number, al: number, sb: number, eb: number, bh: number, bl: number, rm: number, fpcr: number): void {
  // Make A the operand with the larger exponent.
  if (ea < eb || (ea === eb && (ah >>> 0 < bh >>> 0 || (ah === bh && al >>> 0 < bl >>> 0)))) {
    let t = sa; sa = sb; sb = t;
    t = ea; ea = eb; eb = t;
    t = ah; ah = bh; bh = t;
    t = al; al = bl; bl = t;
  }
  const d = ea - eb;
  // B >> d with jamming.
  if (d !== 0) {
    if (d >= 64) {
      bl = (bh | bl) !== 0 ? 1 : 0;
      bh = 0;
    } else if (d >= 32) {
      const s = d - 32;
      const lost = (s === 0 ? 0 : bh << (32 - s)) | bl;
      bl = (s === 0 ? bh : bh >>> s) | (lost !== 0 ? 1 : 0);
      bh = 0;
    } else {
      const lost = bl << (32 - d);
      bl = (bl >>> d) | (bh << (32 - d)) | (lost !== 0 ? 1 : 0);
      bh = bh >>> d;
    }
  }
  let rh: number;
  let rl: number;
  if (sa === sb) {
    rl = (al + bl) | 0;
    rh = (ah + bh + ((rl >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
  } else {
    rl = (al - bl) | 0;
    rh = (ah - bh - ((al >>> 0) < (bl >>> 0) ? 1 : 0)) | 0;
    if ((rh | rl) === 0) {
      packZero(fmt, rm === Rm.M ? 1 : 0);
      return;
    }
  }
  roundPack(fmt, sa, ea, rh, rl, rm, fpcr);
}

/** FPAdd(op1, op2, fpcr); `neg` = FPSub (the second operand's sign flipped after NaN checks). */
export function fpAdd(fmt: number, al: number, ah: number, bl: number, bh: number, fpcr: number, neg: boolean): void {
  if (fastAdd(fmt, al, ah, bl, bh, fpcr, neg)) return;
  fpcr = arithFpcr(fpcr);
  const rm = fpcrRm(fpcr);
  const t1 = unpack(0, fmt, al, ah, fpcr);
  const t2 = unpack(1, fmt, bl, bh, fpcr);
  if (processNaNs(fmt, al, ah, bl, bh, fpcr)) return;
  const s1 = uSg[0];
  const s2 = uSg[1] ^ (neg ? 1 : 0);
  const inf1 = t1 === Ty.INF;
  const inf2 = t2 === Ty.INF;
  if (inf1 && inf2 && s1 !== s2) {
    packDefaultNaN(fmt);
    raise(Fx.IOC);
  } else if ((inf1 && s1 === 0) || (inf2 && s2 === 0)) packInf(fmt, 0);
  else if (inf1 || inf2) packInf(fmt, 1);
  else if (t1 === Ty.ZERO && t2 === Ty.ZERO) packZero(fmt, s1 === s2 ? s1 : rm === Rm.M ? 1 : 0);
  else if (t1 === Ty.ZERO) roundPack(fmt, s2, uE[1], uMh[1], uMl[1], rm, fpcr);
  else if (t2 === Ty.ZERO) roundPack(fmt, s1, uE[0], uMh[0], uMl[0], rm, fpcr);
  else addMags(fmt, s1, uE[0], uMh[0], uMl[0], s2, uE[1], uMh[1], uMl[1], rm, fpcr);
}

// ---- multiply ---------------------------------------------------------------------------------

/** Round the product of unpacked slots i and j (both finite non-zero) with sign `sign`. */
function mulRound(fmt: number, i: number, j: number, sign: number, rm: number, fpcr: number): void {
  umul128(uMl[i], uMh[i], uMl[j], uMh[j]);
  // P in [2^124, 2^126): keep bits 127:64, jam the rest. value = P * 2^(Ei+Ej-124).
  const jam = (r64[0] | r64[1]) !== 0 ? 1 : 0;
  roundPack(fmt, sign, uE[i] + uE[j] + 2, r64[3], r64[2] | jam, rm, fpcr);
}

/** FPMul(op1, op2, fpcr); with `mulx` FPMulX (infinity times zero gives 2.0, no IOC). */
export function fpMul(fmt: number, al: number, ah: number, bl: number, bh: number, fpcr: number, mulx: boolean): void {
  if (fastMul(fmt, al, ah, bl, bh, fpcr)) return;
  fpcr = arithFpcr(fpcr);
  const t1 = unpack(0, fmt, al, ah, fpcr);
  const t2 = unpack(1, fmt, bl, bh, fpcr);
  if (processNaNs(fmt, al, ah, bl, bh, fpcr)) return;
  const sign = uSg[0] ^ uSg[1];
  const inf1 = t1 === Ty.INF;
  const inf2 = t2 === Ty.INF;
  const zero1 = t1 === Ty.ZERO;
  const zero2 = t2 === Ty.ZERO;
  if ((inf1 && zero2) || (zero1 && inf2)) {
    if (mulx) packSmall(fmt, sign, 1, false);
    else {
      packDefaultNaN(fmt);
      raise(Fx.IOC);
    }
  } else if (inf1 || inf2) packInf(fmt, sign);
  else if (zero1 || zero2) packZero(fmt, sign);
  else mulRound(fmt, 0, 1, sign, fpcrRm(fpcr), fpcr);
}

// ---- fused multiply-add -----------------------------------------------------------------------

const w = new Int32Array(8); // two 128-bit values: w[0..3] product, w[4..7] addend (low word first)

/** Shift the 128-bit value at w[k..k+3] right by d (>= 0), jamming lost bits into bit 0. */
function shr128Jam(k: number, d: number): void {
  if (d === 0) return;
  let sticky = 0;
  while (d >= 32) {
    sticky |= w[k];
    w[k] = w[k + 1];
    w[k + 1] = w[k + 2];
    w[k + 2] = w[k + 3];
    w[k + 3] = 0;
    d -= 32;
    if ((w[k] | w[k + 1] | w[k + 2] | w[k + 3]) === 0) break;
  }
  if (d >= 32) d = 0;
  if (d > 0) {
    sticky |= w[k] << (32 - d);
    w[k] = (w[k] >>> d) | (w[k + 1] << (32 - d));
    w[k + 1] = (w[k + 1] >>> d) | (w[k + 2] << (32 - d));
    w[k + 2] = (w[k + 2] >>> d) | (w[k + 3] << (32 - d));
    w[k + 3] = w[k + 3] >>> d;
  }
  if (sticky !== 0) w[k] |= 1;
}

/**
 * FPMulAdd(addend, op1, op2, fpcr): addend + op1 * op2 with a single rounding. The callers
 * apply FPNeg to the raw operands first (FMSUB, FNMADD, FMLS...). `step` 1 is the fused part of
 * FPRecipStepFused (addend 2.0: infinity times zero gives 2.0) and 2 of FPRSqrtStepFused (addend
 * 3.0, result halved before rounding, infinity times zero gives 1.5).
 */
export function fpMulAdd(fmt: number, cl: number, ch: number, al: number, ah: number, bl: number, bh: number, fpcr: number, step = 0): void {
  fpcr = arithFpcr(fpcr);
  const rm = fpcrRm(fpcr);
  const tA = unpack(0, fmt, cl, ch, fpcr);
  const t1 = unpack(1, fmt, al, ah, fpcr);
  const t2 = unpack(2, fmt, bl, bh, fpcr);
  const inf1 = t1 === Ty.INF;
  const inf2 = t2 === Ty.INF;
  const zero1 = t1 === Ty.ZERO;
  const zero2 = t2 === Ty.ZERO;
  const done = processNaNs3(fmt, cl, ch, al, ah, bl, bh, fpcr);
  if (tA === Ty.QNAN && ((inf1 && zero2) || (zero1 && inf2))) {
    packDefaultNaN(fmt);
    raise(Fx.IOC);
    return;
  }
  if (done) return;
  const sA = uSg[0];
  const sP = uSg[1] ^ uSg[2];
  const infA = tA === Ty.INF;
  const zeroA = tA === Ty.ZERO;
  const infP = inf1 || inf2;
  const zeroP = zero1 || zero2;
  const eAdj = step === 2 ? -1 : 0;
  if (step !== 0 && ((inf1 && zero2) || (zero1 && inf2))) packSmall(fmt, 0, step === 1 ? 1 : 0, step === 2);
  else if ((inf1 && zero2) || (zero1 && inf2) || (infA && infP && sA !== sP)) {
    packDefaultNaN(fmt);
    raise(Fx.IOC);
  } else if ((infA && sA === 0) || (infP && sP === 0)) packInf(fmt, 0);
  else if (infA || infP) packInf(fmt, 1);
  else if (zeroA && zeroP) packZero(fmt, sA === sP ? sA : rm === Rm.M ? 1 : 0);
  else if (zeroP) roundPack(fmt, sA, uE[0] + eAdj, uMh[0], uMl[0], rm, fpcr);
  else if (zeroA) mulRound(fmt, 1, 2, sP, rm, fpcr);
  else {
    // Product P (128 bits, leading bit 124 or 125), scale 2^(E1+E2-124); addend C << 64
    // (leading bit 126), scale 2^(EA-126). Align to the larger scale, add or subtract.
    umul128(uMl[1], uMh[1], uMl[2], uMh[2]);
    w[0] = r64[0]; w[1] = r64[1]; w[2] = r64[2]; w[3] = r64[3];
    w[4] = 0; w[5] = 0; w[6] = uMl[0]; w[7] = uMh[0];
    const eP = uE[1] + uE[2] - 124;
    const eC = uE[0] - 126;
    let scale: number;
    if (eP >= eC) {
      shr128Jam(4, Math.min(eP - eC, 200));
      scale = eP;
    } else {
      shr128Jam(0, Math.min(eC - eP, 200));
      scale = eC;
    }
    let sign = sP;
    let x0: number, x1: number, x2: number, x3: number;
    if (sA === sP) {
      const s0 = (w[0] >>> 0) + (w[4] >>> 0);
      const s1 = (w[1] >>> 0) + (w[5] >>> 0) + (s0 > 0xffffffff ? 1 : 0);
      const s2 = (w[2] >>> 0) + (w[6] >>> 0) + (s1 > 0xffffffff ? 1 : 0);
      const s3 = (w[3] >>> 0) + (w[7] >>> 0) + (s2 > 0xffffffff ? 1 : 0);
      x0 = s0 | 0; x1 = s1 | 0; x2 = s2 | 0; x3 = s3 | 0;
    } else {
      // P - C; if negative, negate and take the addend's sign.
      const d0 = (w[0] >>> 0) - (w[4] >>> 0);
      const d1 = (w[1] >>> 0) - (w[5] >>> 0) - (d0 < 0 ? 1 : 0);
      const d2 = (w[2] >>> 0) - (w[6] >>> 0) - (d1 < 0 ? 1 : 0);
      const d3 = (w[3] >>> 0) - (w[7] >>> 0) - (d2 < 0 ? 1 : 0);
      x0 = d0 | 0; x1 = d1 | 0; x2 = d2 | 0; x3 = d3 | 0;
      if (d3 < 0) {
        sign = sA;
        x0 = ~x0; x1 = ~x1; x2 = ~x2; x3 = ~x3;
        x0 = (x0 + 1) | 0;
        if (x0 === 0) { x1 = (x1 + 1) | 0; if (x1 === 0) { x2 = (x2 + 1) | 0; if (x2 === 0) x3 = (x3 + 1) | 0; } }
      }
      if ((x0 | x1 | x2 | x3) === 0) {
        packZero(fmt, rm === Rm.M ? 1 : 0);
        return;
      }
    }
    // Normalize: the top 64 bits of the 128-bit value from its leading one, jam the rest.
    let lead: number;
    if (x3 !== 0) lead = 127 - Math.clz32(x3);
    else if (x2 !== 0) lead = 95 - Math.clz32(x2);
    else if (x1 !== 0) lead = 63 - Math.clz32(x1);
    else lead = 31 - Math.clz32(x0);
    w[0] = x0; w[1] = x1; w[2] = x2; w[3] = x3;
    const sh = lead > 62 ? lead - 62 : 0;
    shr128Jam(0, sh);
    // value = (w1:w0 + jammed rest) * 2^(scale + sh); M = w1:w0 => E - 62 = scale + sh.
    roundPack(fmt, sign, scale + sh + 62 + eAdj, w[1], w[0], rm, fpcr);
  }
}

// ---- divide / square root -----------------------------------------------------------------

const f64 = new Float64Array(1);
const f64w = new Int32Array(f64.buffer);

/** Significand of slot i as a host double in [1, 2) (exact: at most 53 bits). */
function sigDouble(i: number): number {
  return (uMh[i] >>> 0) * 2 ** -30 + (uMl[i] >>> 0) * 2 ** -62;
}

/** Veltkamp split halves (exact products of halves). */
let splitHi = 0;
let splitLo = 0;
function split(a: number): void {
  const c = 134217729 * a;
  splitHi = c - (c - a);
  splitLo = a - splitHi;
}

/** The error of the product a*b (Dekker's TwoProduct): a*b = fl(a*b) + error exactly. */
function productError(a: number, b: number, p: number): number {
  split(a);
  const ah = splitHi;
  const al = splitLo;
  split(b);
  return ah * splitHi - p + ah * splitLo + al * splitHi + al * splitLo;
}

/**
 * Round sign * q * 2^E where q (a host double in [0.5, 4)) is the correctly rounded double of
 * the real result and `rem` has the sign of (result - q): the jammed significand is q's 53 bits,
 * plus a sticky 1 above or minus one unit below (a real result is never a 54-bit midpoint here).
 */
function roundHost(fmt: number, sign: number, E: number, q: number, rem: number, rm: number, fpcr: number): void {
  f64[0] = q;
  const qh = f64w[1];
  const ql = f64w[0];
  E += ((qh >>> 20) & 0x7ff) - 1023;
  let mh = (((qh & 0xfffff) | 0x100000) << 10) | (ql >>> 22);
  let ml = ql << 10;
  if (rem > 0) ml |= 1;
  else if (rem < 0) {
    if (ml === 0) mh = (mh - 1) | 0;
    ml = (ml - 1) | 0;
  }
  roundPack(fmt, sign, E, mh, ml, rm, fpcr);
}

/** FPDiv(op1, op2, fpcr). */
export function fpDiv(fmt: number, al: number, ah: number, bl: number, bh: number, fpcr: number): void {
  if (fastDiv(fmt, al, ah, bl, bh, fpcr)) return;
  fpcr = arithFpcr(fpcr);
  const t1 = unpack(0, fmt, al, ah, fpcr);
  const t2 = unpack(1, fmt, bl, bh, fpcr);
  if (processNaNs(fmt, al, ah, bl, bh, fpcr)) return;
  const sign = uSg[0] ^ uSg[1];
  const inf1 = t1 === Ty.INF;
  const inf2 = t2 === Ty.INF;
  const zero1 = t1 === Ty.ZERO;
  const zero2 = t2 === Ty.ZERO;
  if ((inf1 && inf2) || (zero1 && zero2)) {
    packDefaultNaN(fmt);
    raise(Fx.IOC);
  } else if (inf1 || zero2) {
    packInf(fmt, sign);
    if (!inf1) raise(Fx.DZC);
  } else if (zero1 || inf2) packZero(fmt, sign);
  else {
    const a = sigDouble(0);
    const b = sigDouble(1);
    const q = a / b;
    const p = q * b;
    const rem = a - p - productError(q, b, p);
    roundHost(fmt, sign, uE[0] - uE[1], q, rem, fpcrRm(fpcr), fpcr);
  }
}

/** FPSqrt(op, fpcr). */
export function fpSqrt(fmt: number, al: number, ah: number, fpcr: number): void {
  if (fastSqrt(fmt, al, ah, fpcr)) return;
  fpcr = arithFpcr(fpcr);
  const t = unpack(0, fmt, al, ah, fpcr);
  const sign = uSg[0];
  if (t === Ty.SNAN || t === Ty.QNAN) processNaN(fmt, t, al, ah, fpcr);
  else if (t === Ty.ZERO) packZero(fmt, sign);
  else if (t === Ty.INF && sign === 0) packInf(fmt, 0);
  else if (sign === 1) {
    packDefaultNaN(fmt);
    raise(Fx.IOC);
  } else {
    let m = sigDouble(0);
    let E = uE[0];
    if ((E & 1) !== 0) {
      m *= 2;
      E -= 1;
    }
    const q = Math.sqrt(m);
    const p = q * q;
    const rem = m - p - productError(q, q, p);
    roundHost(fmt, 0, E / 2, q, rem, fpcrRm(fpcr), fpcr);
  }
}
