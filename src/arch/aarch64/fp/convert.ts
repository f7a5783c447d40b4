/**
 * Conversions (Arm ARM shared/functions/float): FPToFixed, FixedToFP, FPConvert (with
 * FPConvertNaN, FPUnpackCV/FPRoundCV, alternative half precision) and FPRoundInt. Integers are
 * (lo, hi) int32 words; results in `res`.
 */
import {
  Fmt, Ty, Fx, Fc, Rm, res, uSg, uE, uMh, uMl, raise, unpack, processNaN, packDefaultNaN,
  packInf, packZero, roundPack, packSlot, FBITS,
} from './core.js';

/** Integer part of M * 2^(E-62) (E <= 63) in (nH, nL); ec: 0 exact, 1 < 1/2, 2 = 1/2, 3 > 1/2. */
let nH = 0;
let nL = 0;
let ec = 0;
function splitInt(E: number, mh: number, ml: number): void {
  if (E < -1) {
    nH = 0;
    nL = 0;
    ec = 1;
    return;
  }
  const sh = 62 - E;
  if (sh <= 0) {
    nH = sh === 0 ? mh : (mh << 1) | (ml >>> 31);
    nL = sh === 0 ? ml : ml << 1;
    ec = 0;
    return;
  }
  let rb: number;
  let st: boolean;
  if (sh < 32) {
    nL = (ml >>> sh) | (mh << (32 - sh));
    nH = mh >>> sh;
    rb = (ml >>> (sh - 1)) & 1;
    st = (ml & ((1 << (sh - 1)) - 1)) !== 0;
  } else if (sh === 32) {
    nL = mh;
    nH = 0;
    rb = ml >>> 31;
    st = (ml & 0x7fffffff) !== 0;
  } else {
    const s = sh - 32;
    nL = mh >>> s;
    nH = 0;
    rb = (mh >>> (s - 1)) & 1;
    st = (mh & ((1 << (s - 1)) - 1)) !== 0 || ml !== 0;
  }
  ec = rb !== 0 ? (st ? 3 : 2) : st ? 1 : 0;
}

/** The round_up decision of FPRoundInt/FPToFixed on the magnitude (sign-aware directed modes). */
function roundUp(rm: number, sign: number, odd: boolean): boolean {
  switch (rm) {
    case Rm.N: return ec === 3 || (ec === 2 && odd);
    case Rm.A: return ec >= 2;
    case Rm.P: return ec !== 0 && sign === 0;
    case Rm.M: return ec !== 0 && sign === 1;
    default: return false;
  }
}

/**
 * FPToFixed(op, fbits, unsigned, fpcr, rounding) to a 16-, 32- or 64-bit integer in res (lo,
 * hi; hi is 0 below 64 bits, a 16-bit result is zero-extended). NaN converts to 0, out-of-range values saturate; both raise IOC
 * (and no IXC).
 */
export function fpToFixed(fmt: number, lo: number, hi: number, fbits: number, unsigned: boolean, size: number, rm: number, fpcr: number): void {
  const t = unpack(0, fmt, lo, hi, fpcr & ~Fc.AHP);
  const sign = uSg[0];
  res[0] = 0;
  res[1] = 0;
  if (t >= Ty.QNAN) {
    raise(Fx.IOC);
    return;
  }
  if (t === Ty.ZERO) return;
  let ovf = t === Ty.INF;
  if (!ovf) {
    const e2 = uE[0] + fbits;
    if (e2 >= 64) ovf = true;
    else {
      splitInt(e2, uMh[0], uMl[0]);
      if (roundUp(rm, sign, (nL & 1) !== 0)) {
        nL = (nL + 1) | 0;
        if (nL === 0) {
          nH = (nH + 1) | 0;
          if (nH === 0) ovf = true;
        }
      }
      if (!ovf) {
        // SatQ: the magnitude limit per signedness and size.
        if (unsigned) ovf = sign === 1 ? (nH | nL) !== 0 : size === 32 ? nH !== 0 : size === 16 && (nH !== 0 || nL >>> 0 > 0xffff);
        else if (size === 16) ovf = nH !== 0 || nL >>> 0 > (sign === 0 ? 0x7fff : 0x8000);
        else if (size === 32) ovf = nH !== 0 || (sign === 0 ? nL < 0 : nL >>> 0 > 0x80000000);
        else ovf = sign === 0 ? nH < 0 : nH >>> 0 > 0x80000000 || (nH === (0x80000000 | 0) && nL !== 0);
      }
    }
  }
  if (ovf) {
    raise(Fx.IOC);
    if (unsigned) {
      if (sign === 0) {
        res[0] = size === 16 ? 0xffff : -1;
        res[1] = size === 64 ? -1 : 0;
      }
    } else if (size === 16) res[0] = sign === 0 ? 0x7fff : 0x8000;
    else if (size === 32) res[0] = sign === 0 ? 0x7fffffff : 0x80000000 | 0;
    else {
      res[0] = sign === 0 ? -1 : 0;
      res[1] = sign === 0 ? 0x7fffffff : 0x80000000 | 0;
    }
    return;
  }
  if (ec !== 0) raise(Fx.IXC);
  if (sign === 1) {
    nL = -nL | 0;
    nH = (~nH + (nL === 0 ? 1 : 0)) | 0;
  }
  res[0] = size === 16 ? nL & 0xffff : nL;
  res[1] = size === 64 ? nH : 0;
}

/**
 * FixedToFP(op, fbits, unsigned, fpcr, rounding): a 16-, 32- or 64-bit integer (lo, hi; hi
 * ignored below 64) divided by 2^fbits, rounded to `fmt`.
 */
export function fixedToFp(lo: number, hi: number, size: number, fbits: number, unsigned: boolean, fmt: number, rm: number, fpcr: number): void {
  if (size === 16) lo = unsigned ? lo & 0xffff : (lo << 16) >> 16;
  if (size <= 32) hi = unsigned ? 0 : lo >> 31;
  let sign = 0;
  if (!unsigned && hi < 0) {
    sign = 1;
    lo = -lo | 0;
    hi = (~hi + (lo === 0 ? 1 : 0)) | 0;
  }
  if ((lo | hi) === 0) {
    packZero(fmt, 0);
    return;
  }
  roundPack(fmt, sign, 62 - fbits, hi, lo, rm, fpcr & ~Fc.AHP);
}

/**
 * FPConvert(op, fpcr, rounding) from `from` to `to` (FCVT, FCVTL/N, FCVTXN with Rm.ODD):
 * FPUnpackCV/FPRoundCV (FZ16 ignored), AHP for half precision, FPConvertNaN.
 */
export function fpConvert(from: number, lo: number, hi: number, to: number, rm: number, fpcr: number): void {
  const f = fpcr & ~Fc.FZ16;
  const t = unpack(0, from, lo, hi, from === Fmt.H ? f : f & ~Fc.AHP);
  const sign = uSg[0];
  const altHp = to === Fmt.H && (fpcr & Fc.AHP) !== 0;
  if (t >= Ty.QNAN) {
    if (altHp) packZero(to, sign);
    else if ((fpcr & Fc.DN) !== 0) packDefaultNaN(to);
    else {
      // FPConvertNaN: keep the sign and the payload's most significant bits, set quiet.
      let ph: number;
      let pl = 0;
      if (from === Fmt.D) {
        ph = ((hi & 0x7ffff) << 13) | (lo >>> 19);
        pl = lo << 13;
      } else if (from === Fmt.S) ph = (lo & 0x3fffff) << 10;
      else ph = (lo & 0x1ff) << 23;
      if (to === Fmt.D) {
        res[1] = (sign << 31) | 0x7ff80000 | (ph >>> 13);
        res[0] = (ph << 19) | (pl >>> 13);
      } else {
        res[0] = to === Fmt.S ? (sign << 31) | 0x7fc00000 | (ph >>> 10) : (sign << 15) | 0x7e00 | (ph >>> 23);
        res[1] = 0;
      }
    }
    if (t === Ty.SNAN || altHp) raise(Fx.IOC);
  } else if (t === Ty.INF) {
    if (altHp) {
      res[0] = (sign << 15) | 0x7fff;
      res[1] = 0;
      raise(Fx.IOC);
    } else packInf(to, sign);
  } else if (t === Ty.ZERO) packZero(to, sign);
  else roundPack(to, sign, uE[0], uMh[0], uMl[0], rm, to === Fmt.H ? f : f & ~Fc.AHP);
}

/** FPRoundInt(op, fpcr, rounding, exact): FRINT*; `exact` raises IXC when the value changed. */
export function fpRoundInt(fmt: number, lo: number, hi: number, rm: number, exact: boolean, fpcr: number): void {
  fpcr &= ~Fc.AHP;
  const t = unpack(0, fmt, lo, hi, fpcr);
  const sign = uSg[0];
  if (t >= Ty.QNAN) processNaN(fmt, t, lo, hi, fpcr);
  else if (t === Ty.INF) packInf(fmt, sign);
  else if (t === Ty.ZERO) packZero(fmt, sign);
  else if (uE[0] >= FBITS[fmt]) packSlot(fmt, 0, fpcr); // already integral
  else {
    splitInt(uE[0], uMh[0], uMl[0]);
    if (roundUp(rm, sign, (nL & 1) !== 0)) {
      nL = (nL + 1) | 0;
      if (nL === 0) nH = (nH + 1) | 0;
    }
    if ((nL | nH) === 0) packZero(fmt, sign);
    else roundPack(fmt, sign, 62, nH, nL, Rm.Z, fpcr);
    if (exact && ec !== 0) raise(Fx.IXC);
  }
}
