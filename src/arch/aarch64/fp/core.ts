/**
 * Soft-float core (Arm ARM DDI 0487K.a, shared/functions/float): FPUnpackBase, FPRoundBase,
 * FPProcessNaN(s), FPDefaultNaN and the encodings of zero/infinity/max-normal, for half (fmt 0),
 * single (fmt 1) and double (fmt 2).
 *
 * Values are raw bits: half/single as one uint32 number, double as (lo, hi) int32 words. Results
 * go to the scratch `res` (res[0] = bits 31:0, res[1] = bits 63:32 of a double). Exceptions
 * accumulate in `fpst[FLAGS]` (FPSR bit positions); the executor ORs them into FPSR.
 *
 * An unpacked finite non-zero value is sign, exponent E and a 64-bit significand M (mh:ml) with
 * value = M * 2^(E - 62), M normalized to bit 62 (M in [2^62, 2^63)). Operations hand FPRound an
 * M that is the exact result truncated to 64 bits with every lost bit ORed into bit 0 (a "jammed"
 * / round-to-odd value with >= 60 significant bits), which rounds exactly like the real value to
 * any precision of <= 53 bits. No allocation, no BigInt.
 */

export const enum Fmt {
  H = 0,
  S = 1,
  D = 2,
}

/** FPRounding: 0..3 as FPCR.RMode (TIEEVEN, POSINF, NEGINF, ZERO), then TIEAWAY and ODD. */
export const enum Rm {
  N = 0,
  P = 1,
  M = 2,
  Z = 3,
  A = 4,
  ODD = 5,
}

/** Cumulative exception bits as in FPSR. */
export const enum Fx {
  IOC = 1,
  DZC = 2,
  OFC = 4,
  UFC = 8,
  IXC = 16,
  IDC = 128,
}

/** FPCR control bits. */
export const enum Fc {
  AHP = 1 << 26,
  DN = 1 << 25,
  FZ = 1 << 24,
  FZ16 = 1 << 19,
}

/** FPType. */
export const enum Ty {
  ZERO = 0,
  DENORM = 1,
  NORMAL = 2,
  INF = 3,
  QNAN = 4,
  SNAN = 5,
}

/** [0] = accumulated exception flags (Fx). */
export const fpst = new Int32Array(2);
export const FLAGS = 0;

/** Result scratch: res[0] = bits 31:0, res[1] = bits 63:32 (doubles). */
export const res = new Int32Array(2);

/** Unpacked operands 0..2 (FPUnpack results): type, sign (0/1), exponent, significand. */
export const uTy = new Int32Array(3);
export const uSg = new Int32Array(3);
export const uE = new Int32Array(3);
export const uMh = new Int32Array(3);
export const uMl = new Int32Array(3);

/** Fraction bits, exponent bits, minimum normal exponent per format. */
export const FBITS = [10, 23, 52];
export const EBITS = [5, 8, 11];
export const EMIN = [-14, -126, -1022];

export function raise(f: number): void {
  fpst[FLAGS] |= f;
}

/** FPRoundingMode(fpcr). */
export function fpcrRm(fpcr: number): number {
  return (fpcr >>> 22) & 3;
}

// ---- encodings ------------------------------------------------------------------------------

/** FPZero(sign). */
export function packZero(fmt: number, sign: number): void {
  if (fmt === Fmt.D) {
    res[0] = 0;
    res[1] = sign << 31;
  } else {
    res[0] = fmt === Fmt.S ? sign << 31 : sign << 15;
    res[1] = 0;
  }
}

/** FPInfinity(sign). */
export function packInf(fmt: number, sign: number): void {
  if (fmt === Fmt.D) {
    res[0] = 0;
    res[1] = (sign << 31) | 0x7ff00000;
  } else {
    res[0] = fmt === Fmt.S ? (sign << 31) | 0x7f800000 : (sign << 15) | 0x7c00;
    res[1] = 0;
  }
}

/** FPMaxNormal(sign). */
export function packMaxNormal(fmt: number, sign: number): void {
  if (fmt === Fmt.D) {
    res[0] = -1;
    res[1] = (sign << 31) | 0x7fefffff;
  } else {
    res[0] = fmt === Fmt.S ? (sign << 31) | 0x7f7fffff : (sign << 15) | 0x7bff;
    res[1] = 0;
  }
}

/** FPDefaultNaN(). */
export function packDefaultNaN(fmt: number): void {
  if (fmt === Fmt.D) {
    res[0] = 0;
    res[1] = 0x7ff80000;
  } else {
    res[0] = fmt === Fmt.S ? 0x7fc00000 : 0x7e00;
    res[1] = 0;
  }
}

/** FPTwo(sign) / FPOnePointFive(sign) / FPThree(sign): 1.x * 2^e with a 2-bit mantissa (m: 0 = 1.0, 2 = 1.5). */
export function packSmall(fmt: number, sign: number, e: number, half: boolean): void {
  if (fmt === Fmt.D) {
    res[0] = 0;
    res[1] = (sign << 31) | ((e + 1023) << 20) | (half ? 0x80000 : 0);
  } else if (fmt === Fmt.S) {
    res[0] = (sign << 31) | ((e + 127) << 23) | (half ? 0x400000 : 0);
    res[1] = 0;
  } else {
    res[0] = (sign << 15) | ((e + 15) << 10) | (half ? 0x200 : 0);
    res[1] = 0;
  }
}

// ---- FPUnpack --------------------------------------------------------------------------------

/**
 * FPUnpackBase(fpval, fpcr) into operand slot i. `fpcr` is the effective FPCR: FPUnpack passes
 * it with AHP clear, FPUnpackCV with FZ16 clear. Flushing a single/double denormal to zero
 * raises IDC (FPExc_InputDenorm); half-precision inputs flush under FZ16 without IDC.
 */
export function unpack(i: number, fmt: number, lo: number, hi: number, fpcr: number): number {
  let sign: number;
  let e: number;
  let mh: number;
  let ml: number;
  let E: number;
  if (fmt === Fmt.D) {
    sign = hi >>> 31;
    e = (hi >>> 20) & 0x7ff;
    const fh = hi & 0xfffff;
    uSg[i] = sign;
    if (e === 0x7ff) {
      uTy[i] = (fh | lo) === 0 ? Ty.INF : (fh & 0x80000) !== 0 ? Ty.QNAN : Ty.SNAN;
      return uTy[i];
    }
    if (e === 0) {
      if ((fh | lo) === 0) return (uTy[i] = Ty.ZERO);
      if ((fpcr & Fc.FZ) !== 0) {
        raise(Fx.IDC);
        return (uTy[i] = Ty.ZERO);
      }
      // value = f * 2^-1074: normalize the 52-bit fraction to bit 62.
      const z = fh !== 0 ? Math.clz32(fh) : 32 + Math.clz32(lo);
      const sh = z - 1; // bring bit (63 - z) to 62
      if (sh >= 32) {
        mh = lo << (sh - 32);
        ml = 0;
      } else {
        mh = (fh << sh) | (sh === 0 ? 0 : lo >>> (32 - sh));
        ml = lo << sh;
      }
      uTy[i] = Ty.DENORM;
      E = 62 - sh - 1074;
    } else {
      mh = ((0x100000 | fh) << 10) | (lo >>> 22);
      ml = lo << 10;
      uTy[i] = Ty.NORMAL;
      E = e - 1023;
    }
  } else {
    let f: number;
    let fb: number;
    let bias: number;
    let emax: number;
    if (fmt === Fmt.S) {
      sign = lo >>> 31;
      e = (lo >>> 23) & 0xff;
      f = lo & 0x7fffff;
      fb = 23;
      bias = 127;
      emax = 0xff;
    } else {
      sign = (lo >>> 15) & 1;
      e = (lo >>> 10) & 0x1f;
      f = lo & 0x3ff;
      fb = 10;
      bias = 15;
      emax = (fpcr & Fc.AHP) !== 0 ? 0x100 : 0x1f;
    }
    uSg[i] = sign;
    if (e === emax) {
      uTy[i] = f === 0 ? Ty.INF : (f >>> (fb - 1)) !== 0 ? Ty.QNAN : Ty.SNAN;
      return uTy[i];
    }
    if (e === 0) {
      if (f === 0) return (uTy[i] = Ty.ZERO);
      if (fmt === Fmt.S ? (fpcr & Fc.FZ) !== 0 : (fpcr & Fc.FZ16) !== 0) {
        if (fmt === Fmt.S) raise(Fx.IDC);
        return (uTy[i] = Ty.ZERO);
      }
      const k = 31 - Math.clz32(f); // leading bit
      mh = f << (30 - k);
      ml = 0;
      uTy[i] = Ty.DENORM;
      E = k - fb - bias + 1;
    } else {
      mh = ((1 << fb) | f) << (30 - fb);
      ml = 0;
      uTy[i] = Ty.NORMAL;
      E = e - bias;
    }
  }
  uE[i] = E;
  uMh[i] = mh;
  uMl[i] = ml;
  return uTy[i];
}

/** Whether an unpacked type is a NaN. */
export function isNaNTy(t: number): boolean {
  return t >= Ty.QNAN;
}

// ---- NaNs ------------------------------------------------------------------------------------

/** FPProcessNaN(type, op, fpcr): quiet a signalling NaN (IOC), default NaN under FPCR.DN. */
export function processNaN(fmt: number, t: number, lo: number, hi: number, fpcr: number): void {
  if (t === Ty.SNAN) raise(Fx.IOC);
  if ((fpcr & Fc.DN) !== 0) {
    packDefaultNaN(fmt);
    return;
  }
  if (fmt === Fmt.D) {
    res[0] = lo;
    res[1] = hi | 0x80000;
  } else {
    res[0] = fmt === Fmt.S ? lo | 0x400000 : (lo & 0xffff) | 0x200;
    res[1] = 0;
  }
}

/**
 * FPProcessNaNs(type1, type2, op1, op2, fpcr) on unpacked slots 0 and 1: signalling NaNs first,
 * then quiet ones, in operand order. Returns true (result in res) when an operand was a NaN.
 */
export function processNaNs(fmt: number, al: number, ah: number, bl: number, bh: number, fpcr: number): boolean {
  const t1 = uTy[0];
  const t2 = uTy[1];
  if (t1 === Ty.SNAN) processNaN(fmt, t1, al, ah, fpcr);
  else if (t2 === Ty.SNAN) processNaN(fmt, t2, bl, bh, fpcr);
  else if (t1 === Ty.QNAN) processNaN(fmt, t1, al, ah, fpcr);
  else if (t2 === Ty.QNAN) processNaN(fmt, t2, bl, bh, fpcr);
  else return false;
  return true;
}

/** FPProcessNaNs3(typeA, type1, type2, ...) on slots 0 (addend), 1 and 2. */
export function processNaNs3(
  fmt: number,
  al: number,
  ah: number,
  bl: number,
  bh: number,
  cl: number,
  ch: number,
  fpcr: number,
): boolean {
  const t1 = uTy[0];
  const t2 = uTy[1];
  const t3 = uTy[2];
  if (t1 === Ty.SNAN) processNaN(fmt, t1, al, ah, fpcr);
  else if (t2 === Ty.SNAN) processNaN(fmt, t2, bl, bh, fpcr);
  else if (t3 === Ty.SNAN) processNaN(fmt, t3, cl, ch, fpcr);
  else if (t1 === Ty.QNAN) processNaN(fmt, t1, al, ah, fpcr);
  else if (t2 === Ty.QNAN) processNaN(fmt, t2, bl, bh, fpcr);
  else if (t3 === Ty.QNAN) processNaN(fmt, t3, cl, ch, fpcr);
  else return false;
  return true;
}

// ---- FPRoundBase -----------------------------------------------------------------------------

const TWO32 = 4294967296;

/** POW2[k] = 2^k, k = 0..64 (table lookups instead of Math.pow on the hot path). */
const POW2 = new Float64Array(65);
for (let k = 0; k <= 64; k++) POW2[k] = 2 ** k;

/**
 * FPRoundBase(sign, M * 2^(E-62), fpcr, rounding) into res. M = (mh, ml) is non-zero, jammed
 * (see the header). `fpcr`: the effective FPCR (FZ for single/double, FZ16 for half; AHP
 * selects the alternative half-precision format, only for conversions).
 *
 * - Flush to zero (FZ/FZ16) when the unrounded exponent is below the minimum: UFC, no IXC.
 * - Underflow is detected before rounding (biased exponent 0 and inexact): UFC.
 * - Overflow gives infinity or the largest normal per rounding mode, OFC and IXC; with AHP the
 *   largest encoding with IOC and no IXC.
 * - ODD (FPRounding_ODD, FCVTXN) sets the LSB of an inexact result.
 */
export function roundPack(fmt: number, sign: number, E: number, mh: number, ml: number, rm: number, fpcr: number): void {
  // Normalize M to bit 62 (bit 63 set: shift right one, jamming the lost bit).
  if (mh < 0) {
    ml = (ml >>> 1) | (mh << 31) | (ml & 1);
    mh = mh >>> 1;
    E++;
  } else if ((mh & 0x40000000) === 0) {
    const z = mh !== 0 ? Math.clz32(mh) : 32 + Math.clz32(ml);
    const sh = z - 1;
    if (sh >= 32) {
      mh = ml << (sh - 32);
      ml = 0;
    } else {
      mh = (mh << sh) | (ml >>> (32 - sh));
      ml = ml << sh;
    }
    E -= sh;
  }
  const F = FBITS[fmt];
  const minE = EMIN[fmt];
  const ahp = fmt === Fmt.H && (fpcr & Fc.AHP) !== 0;
  if (fmt === Fmt.H ? (fpcr & Fc.FZ16) !== 0 : (fpcr & Fc.FZ) !== 0) {
    if (E < minE) {
      raise(Fx.UFC);
      packZero(fmt, sign);
      return;
    }
  }
  let be = E - minE + 1;
  let shift = 62 - F;
  if (be <= 0) {
    shift += 1 - be;
    be = 0;
  }
  // int_mant = M >> shift (< 2^(F+1) <= 2^53, exact in a double); ec: 0 exact, 1 below half,
  // 2 exactly half, 3 above half.
  let im: number;
  let ec: number;
  const uh = mh >>> 0;
  const ul = ml >>> 0;
  if (shift <= 32) {
    const lo = shift === 32 ? 0 : ul >>> shift;
    im = uh * POW2[32 - shift] + lo;
    const r = ul - lo * POW2[shift];
    const half = POW2[shift - 1];
    ec = r === 0 ? 0 : r < half ? 1 : r === half ? 2 : 3;
  } else if (shift < 64) {
    const s = shift - 32;
    im = uh >>> s;
    const rh = (uh - im * POW2[s]) * TWO32 + (ul >>> 11) * 2048; // low 11 bits: sticky only
    const rl = ul & 2047;
    const half = POW2[shift - 1];
    ec = rh === 0 && rl === 0 ? 0 : rh < half ? 1 : rh === half ? (rl === 0 ? 2 : 3) : 3;
  } else {
    im = 0;
    ec = 1;
  }
  if (be === 0 && ec !== 0) raise(Fx.UFC);
  let up = false;
  let toInf: boolean;
  const odd = im - 2 * Math.floor(im / 2) !== 0;
  switch (rm) {
    case Rm.N: up = ec === 3 || (ec === 2 && odd); toInf = true; break;
    case Rm.P: up = ec !== 0 && sign === 0; toInf = sign === 0; break;
    case Rm.M: up = ec !== 0 && sign === 1; toInf = sign === 1; break;
    case Rm.A: up = ec >= 2; toInf = true; break;
    default: toInf = false; break;
  }
  const one = POW2[F];
  if (up) {
    im++;
    if (im === one && be === 0) be = 1;
    if (im === 2 * one) {
      be++;
      im = one;
    }
  }
  if (rm === Rm.ODD && ec !== 0 && im - 2 * Math.floor(im / 2) === 0) im++;
  if (!ahp) {
    if (be >= (1 << EBITS[fmt]) - 1) {
      if (toInf) packInf(fmt, sign);
      else packMaxNormal(fmt, sign);
      raise(Fx.OFC | Fx.IXC);
      return;
    }
  } else if (be >= 32) {
    res[0] = (sign << 15) | 0x7fff;
    res[1] = 0;
    raise(Fx.IOC);
    return;
  }
  if (ec !== 0) raise(Fx.IXC);
  const frac = be > 0 ? im - one : im;
  if (fmt === Fmt.D) {
    const fh = Math.floor(frac / TWO32);
    res[0] = (frac - fh * TWO32) | 0;
    res[1] = (sign << 31) | (be << 20) | fh;
  } else {
    res[0] = fmt === Fmt.S ? (sign << 31) | (be << 23) | frac : (sign << 15) | (be << 10) | frac;
    res[1] = 0;
  }
}

/** FPRound of unpacked slot i (an exact re-encoding, which still flushes/underflows as FPRound does). */
export function roundSlot(fmt: number, i: number, rm: number, fpcr: number): void {
  roundPack(fmt, uSg[i], uE[i], uMh[i], uMl[i], rm, fpcr);
}

/** Pack unpacked slot i of any type (zero/inf/normal) into res. */
export function packSlot(fmt: number, i: number, fpcr: number): void {
  const t = uTy[i];
  if (t === Ty.ZERO) packZero(fmt, uSg[i]);
  else if (t === Ty.INF) packInf(fmt, uSg[i]);
  else roundPack(fmt, uSg[i], uE[i], uMh[i], uMl[i], fpcrRm(fpcr), fpcr);
}
