/**
 * FPMax, FPMin, FPMaxNum, FPMinNum, FPCompare, FPCompareEQ/GE/GT (Arm ARM shared/functions/float)
 * on raw bits; results in `res` (or returned), exceptions in fpst.
 */
import {
  Fmt, Ty, Fx, Fc, res, uTy, uSg, uE, uMh, uMl, raise, unpack, processNaNs, packInf, packZero,
  roundSlot, fpcrRm,
} from './core.js';

/** Compare the values of unpacked non-NaN slots 0 and 1: -1, 0, 1. */
export function cmpSlots(): number {
  const t1 = uTy[0];
  const t2 = uTy[1];
  const z1 = t1 === Ty.ZERO;
  const z2 = t2 === Ty.ZERO;
  if (z1 && z2) return 0;
  // Signed "magnitude class": zero 0, finite by (E, M), infinity largest.
  const s1 = z1 ? 0 : uSg[0];
  const s2 = z2 ? 0 : uSg[1];
  if (z1) return s2 === 1 ? 1 : -1;
  if (z2) return s1 === 1 ? -1 : 1;
  if (s1 !== s2) return s1 === 1 ? -1 : 1;
  let m: number; // magnitude comparison
  if (t1 === Ty.INF || t2 === Ty.INF) m = t1 === t2 ? 0 : t1 === Ty.INF ? 1 : -1;
  else if (uE[0] !== uE[1]) m = uE[0] > uE[1] ? 1 : -1;
  else if (uMh[0] !== uMh[1]) m = uMh[0] >>> 0 > uMh[1] >>> 0 ? 1 : -1;
  else if (uMl[0] !== uMl[1]) m = uMl[0] >>> 0 > uMl[1] >>> 0 ? 1 : -1;
  else m = 0;
  return s1 === 1 ? -m : m;
}

/** FPMax (isMin = false) / FPMin (isMin = true). */
export function fpMaxMin(fmt: number, al: number, ah: number, bl: number, bh: number, fpcr: number, isMin: boolean): void {
  fpcr &= ~Fc.AHP;
  unpack(0, fmt, al, ah, fpcr);
  unpack(1, fmt, bl, bh, fpcr);
  if (processNaNs(fmt, al, ah, bl, bh, fpcr)) return;
  const c = cmpSlots();
  const i = (isMin ? c < 0 : c > 0) ? 0 : 1;
  const t = uTy[i];
  if (t === Ty.INF) packInf(fmt, uSg[i]);
  else if (t === Ty.ZERO) packZero(fmt, isMin ? uSg[0] | uSg[1] : uSg[0] & uSg[1]);
  else roundSlot(fmt, i, fpcrRm(fpcr), fpcr);
}

/** Raw bits of FPInfinity(sign) as (lo, hi) in the two-element scratch. */
const inf2 = new Int32Array(2);
function infBits(fmt: number, sign: number): void {
  packInf(fmt, sign);
  inf2[0] = res[0];
  inf2[1] = res[1];
}

/** FPMaxNum / FPMinNum: a single quiet NaN operand is replaced by -Inf (max) / +Inf (min). */
export function fpMaxMinNum(fmt: number, al: number, ah: number, bl: number, bh: number, fpcr: number, isMin: boolean): void {
  const f = fpcr & ~Fc.AHP;
  const t1 = unpack(0, fmt, al, ah, f);
  const t2 = unpack(1, fmt, bl, bh, f);
  if (t1 === Ty.QNAN && t2 !== Ty.QNAN) {
    infBits(fmt, isMin ? 0 : 1);
    al = inf2[0];
    ah = inf2[1];
  } else if (t1 !== Ty.QNAN && t2 === Ty.QNAN) {
    infBits(fmt, isMin ? 0 : 1);
    bl = inf2[0];
    bh = inf2[1];
  }
  fpMaxMin(fmt, al, ah, bl, bh, fpcr, isMin);
}

/** FPCompare(op1, op2, signal_nans, fpcr): NZCV as a 4-bit number (N = 8). */
export function fpCompare(fmt: number, al: number, ah: number, bl: number, bh: number, signalNaNs: boolean, fpcr: number): number {
  fpcr &= ~Fc.AHP;
  const t1 = unpack(0, fmt, al, ah, fpcr);
  const t2 = unpack(1, fmt, bl, bh, fpcr);
  if (t1 >= Ty.QNAN || t2 >= Ty.QNAN) {
    if (t1 === Ty.SNAN || t2 === Ty.SNAN || signalNaNs) raise(Fx.IOC);
    return 0x3;
  }
  const c = cmpSlots();
  return c === 0 ? 0x6 : c < 0 ? 0x8 : 0x2;
}

/** Comparison kinds of FPCompareEQ/GE/GT. */
export const enum Cmp {
  EQ = 0,
  GE = 1,
  GT = 2,
}

/**
 * FPCompareEQ (quiet: IOC only for signalling NaNs), FPCompareGE/GT (IOC for any NaN). `abs`
 * compares FPAbs of both operands (FACGE/FACGT).
 */
export function fpCompareCond(fmt: number, al: number, ah: number, bl: number, bh: number, kind: number, abs: boolean, fpcr: number): boolean {
  fpcr &= ~Fc.AHP;
  if (abs) {
    if (fmt === Fmt.D) {
      ah &= 0x7fffffff;
      bh &= 0x7fffffff;
    } else {
      const m = fmt === Fmt.S ? 0x7fffffff : 0x7fff;
      al &= m;
      bl &= m;
    }
  }
  const t1 = unpack(0, fmt, al, ah, fpcr);
  const t2 = unpack(1, fmt, bl, bh, fpcr);
  if (t1 >= Ty.QNAN || t2 >= Ty.QNAN) {
    if (kind !== Cmp.EQ || t1 === Ty.SNAN || t2 === Ty.SNAN) raise(Fx.IOC);
    return false;
  }
  const c = cmpSlots();
  return kind === Cmp.EQ ? c === 0 : kind === Cmp.GE ? c >= 0 : c > 0;
}
