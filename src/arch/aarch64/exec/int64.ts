/**
 * 64-bit integer arithmetic on (lo, hi) int32 pairs, shared by the executors. No BigInt, no
 * allocation: a helper that produces a multi-word result returns its low word and leaves every
 * word in the exported scratch `r64` (r64[0] = bits 31:0, r64[1] = bits 63:32, and for 128-bit
 * results r64[2], r64[3]). Read the scratch right after the call: the next helper overwrites it.
 */
import { S } from '../state.js';

/** Result scratch: [0] lo, [1] hi of 64-bit results; [0..3] of 128-bit results (low word first). */
export const r64 = new Int32Array(4);

const TWO32 = 4294967296;

// ---- add / subtract --------------------------------------------------------------------------

/** (al, ah) + (bl, bh) modulo 2^64. */
export function add64(al: number, ah: number, bl: number, bh: number): number {
  const lo = (al + bl) | 0;
  r64[0] = lo;
  r64[1] = (ah + bh + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
  return lo;
}

/** (al, ah) - (bl, bh) modulo 2^64. */
export function sub64(al: number, ah: number, bl: number, bh: number): number {
  const lo = (al - bl) | 0;
  r64[0] = lo;
  r64[1] = (ah - bh - ((al >>> 0) < (bl >>> 0) ? 1 : 0)) | 0;
  return lo;
}

/** -(lo, hi) modulo 2^64. */
export function neg64(lo: number, hi: number): number {
  const l = -lo | 0;
  r64[0] = l;
  r64[1] = (~hi + (l === 0 ? 1 : 0)) | 0;
  return l;
}

/** Unsigned (al, ah) < (bl, bh). */
export function ltu64(al: number, ah: number, bl: number, bh: number): boolean {
  return ah !== bh ? ah >>> 0 < bh >>> 0 : al >>> 0 < bl >>> 0;
}

/**
 * AddWithCarry(x, y, carry) for N = 32 (Arm ARM J1, shared/functions/integer/AddWithCarry):
 * writes PSTATE.{N,Z,C,V} into `s` and returns the 32-bit result. For x - y pass (x, ~y, 1).
 */
export function addWithCarry32(s: Int32Array, x: number, y: number, carry: number): number {
  // All in int32: the unsigned carry-out is "result below x" (or "not above x" with a carry in),
  // which TurboFan compiles to one compare; the double-based x>>>0 + y>>>0 sum it replaces was
  // a visible share of CMP's cost.
  const r = (x + y + carry) | 0;
  s[S.NF] = r >>> 31;
  s[S.ZF] = r === 0 ? 1 : 0;
  s[S.CF] = (carry !== 0 ? r >>> 0 <= x >>> 0 : r >>> 0 < x >>> 0) ? 1 : 0;
  // Signed overflow: both operands have the same sign and the result's sign differs.
  s[S.VF] = ((x ^ r) & (y ^ r)) >>> 31;
  return r;
}

/**
 * AddWithCarry(x, y, carry) for N = 64: writes NZCV into `s`, returns the low word (r64 holds
 * both). For x - y pass (x, ~y, 1).
 */
export function addWithCarry64(s: Int32Array, xl: number, xh: number, yl: number, yh: number, carry: number): number {
  // Int32-only, as addWithCarry32: carries out of each word come from unsigned compares.
  const rl = (xl + yl + carry) | 0;
  const c1 = (carry !== 0 ? rl >>> 0 <= xl >>> 0 : rl >>> 0 < xl >>> 0) ? 1 : 0;
  const rh = (xh + yh + c1) | 0;
  s[S.NF] = rh >>> 31;
  s[S.ZF] = (rl | rh) === 0 ? 1 : 0;
  s[S.CF] = (c1 !== 0 ? rh >>> 0 <= xh >>> 0 : rh >>> 0 < xh >>> 0) ? 1 : 0;
  s[S.VF] = ((xh ^ rh) & (yh ^ rh)) >>> 31;
  r64[0] = rl;
  r64[1] = rh;
  return rl;
}

// ---- shifts (amount 0..63) -------------------------------------------------------------------

export function lsl64(lo: number, hi: number, n: number): number {
  let rl: number;
  let rh: number;
  if (n === 0) {
    rl = lo;
    rh = hi;
  } else if (n < 32) {
    rl = lo << n;
    rh = (hi << n) | (lo >>> (32 - n));
  } else {
    rl = 0;
    rh = lo << (n - 32);
  }
  r64[0] = rl;
  r64[1] = rh;
  return rl;
}

export function lsr64(lo: number, hi: number, n: number): number {
  let rl: number;
  let rh: number;
  if (n === 0) {
    rl = lo;
    rh = hi;
  } else if (n < 32) {
    rl = (lo >>> n) | (hi << (32 - n));
    rh = hi >>> n;
  } else {
    rl = hi >>> (n - 32);
    rh = 0;
  }
  r64[0] = rl;
  r64[1] = rh;
  return rl | 0;
}

export function asr64(lo: number, hi: number, n: number): number {
  let rl: number;
  let rh: number;
  if (n === 0) {
    rl = lo;
    rh = hi;
  } else if (n < 32) {
    rl = (lo >>> n) | (hi << (32 - n));
    rh = hi >> n;
  } else {
    rl = hi >> (n - 32);
    rh = hi >> 31;
  }
  r64[0] = rl;
  r64[1] = rh;
  return rl;
}

export function ror64(lo: number, hi: number, n: number): number {
  let rl: number;
  let rh: number;
  if (n === 0) {
    rl = lo;
    rh = hi;
  } else if (n < 32) {
    rl = (lo >>> n) | (hi << (32 - n));
    rh = (hi >>> n) | (lo << (32 - n));
  } else if (n === 32) {
    rl = hi;
    rh = lo;
  } else {
    const m = n - 32;
    rl = (hi >>> m) | (lo << (32 - m));
    rh = (lo >>> m) | (hi << (32 - m));
  }
  r64[0] = rl;
  r64[1] = rh;
  return rl;
}

/** ShiftReg() for N = 64: type 0 LSL, 1 LSR, 2 ASR, 3 ROR; amount 0..63. */
export function shiftReg64(lo: number, hi: number, type: number, n: number): number {
  switch (type) {
    case 0: return lsl64(lo, hi, n);
    case 1: return lsr64(lo, hi, n);
    case 2: return asr64(lo, hi, n);
    default: return ror64(lo, hi, n);
  }
}

/** ShiftReg() for N = 32: type 0 LSL, 1 LSR, 2 ASR, 3 ROR; amount 0..31. */
export function shiftReg32(x: number, type: number, n: number): number {
  switch (type) {
    case 0: return x << n;
    case 1: return (x >>> n) | 0;
    case 2: return x >> n;
    default: return (x >>> n) | (x << (32 - n)); // n = 0: x << 32 is x << 0
  }
}

// ---- bit counts ------------------------------------------------------------------------------

/** CountLeadingZeroBits() of a 64-bit value. */
export function clz64(lo: number, hi: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

/** CountLeadingSignBits() of a 32-bit value: CLZ(x<31:1> EOR x<30:0>). */
export function cls32(x: number): number {
  // x EOR (x ASR 1) has a 0 on top and x<i+1> EOR x<i> below, so its CLZ counts one extra bit.
  return Math.clz32(x ^ (x >> 1)) - 1;
}

/** CountLeadingSignBits() of a 64-bit value. */
export function cls64(lo: number, hi: number): number {
  const yh = hi ^ (hi >> 1);
  const yl = lo ^ ((lo >>> 1) | (hi << 31));
  return (yh !== 0 ? Math.clz32(yh) : 32 + Math.clz32(yl)) - 1;
}

// ---- multiply --------------------------------------------------------------------------------

/** Bits 63:32 of the unsigned product of two 32-bit words (16-bit limbs, all exact). */
export function umulh32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

/** Bits 63:32 of the signed product of two 32-bit words. */
export function smulh32(a: number, b: number): number {
  return (umulh32(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}

/** Low 64 bits of (al, ah) * (bl, bh) (the same for signed and unsigned operands). */
export function mul64(al: number, ah: number, bl: number, bh: number): number {
  const lo = Math.imul(al, bl);
  r64[0] = lo;
  r64[1] = (umulh32(al, bl) + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
  return lo;
}

/** The full unsigned 128-bit product into r64[0..3]; returns bits 31:0. */
export function umul128(al: number, ah: number, bl: number, bh: number): number {
  const p0h = umulh32(al, bl) >>> 0;
  const p1l = Math.imul(al, bh) >>> 0;
  const p1h = umulh32(al, bh) >>> 0;
  const p2l = Math.imul(ah, bl) >>> 0;
  const p2h = umulh32(ah, bl) >>> 0;
  const p3l = Math.imul(ah, bh) >>> 0;
  const p3h = umulh32(ah, bh);
  const w1 = p0h + p1l + p2l; // < 3 * 2^32: exact
  const w2 = p3l + p1h + p2h + ((w1 / TWO32) | 0);
  const lo = Math.imul(al, bl);
  r64[0] = lo;
  r64[1] = w1 | 0;
  r64[2] = w2 | 0;
  r64[3] = (p3h + ((w2 / TWO32) | 0)) | 0;
  return lo;
}

/** The full signed 128-bit product into r64[0..3]; returns bits 31:0. */
export function smul128(al: number, ah: number, bl: number, bh: number): number {
  const lo = umul128(al, ah, bl, bh);
  // Signed = unsigned - 2^64 * ((a < 0 ? b : 0) + (b < 0 ? a : 0)), modulo 2^128.
  let hl = r64[2];
  let hh = r64[3];
  if (ah < 0) {
    const t = (hl - bl) | 0;
    hh = (hh - bh - ((hl >>> 0) < (bl >>> 0) ? 1 : 0)) | 0;
    hl = t;
  }
  if (bh < 0) {
    const t = (hl - al) | 0;
    hh = (hh - ah - ((hl >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
    hl = t;
  }
  r64[2] = hl;
  r64[3] = hh;
  return lo;
}

// ---- divide ----------------------------------------------------------------------------------

/**
 * Unsigned 64-bit quotient, rounded toward zero; x / 0 = 0 as UDIV defines it. Returns the low
 * word, r64[0..1] = quotient.
 *
 * floor(a / b) computed in doubles is exact whenever a < 2^53 (the true quotient is at least 1/b
 * below the next integer, more than half an ulp), which the fast paths rely on.
 */
export function udiv64(al: number, ah: number, bl: number, bh: number): number {
  let ql: number;
  let qh: number;
  const b = (bh >>> 0) * TWO32 + (bl >>> 0);
  if (b === 0) {
    ql = 0;
    qh = 0;
  } else if (ah >>> 0 < 0x200000 && bh >>> 0 < 0x200000) {
    // Both below 2^53.
    const q = Math.floor(((ah >>> 0) * TWO32 + (al >>> 0)) / b);
    ql = q | 0;
    qh = (q / TWO32) | 0;
  } else if (bh === 0) {
    // Divisor below 2^32: schoolbook with digits 32, 16, 16 bits (partial dividends < 2^48).
    const h = ah >>> 0;
    const q2 = Math.floor(h / b);
    let r = h - q2 * b;
    let n = r * 65536 + (al >>> 16);
    const q1 = Math.floor(n / b);
    r = n - q1 * b;
    n = r * 65536 + (al & 0xffff);
    const q0 = Math.floor(n / b);
    ql = (q1 << 16) | q0;
    qh = q2 | 0;
  } else {
    // Divisor >= 2^32, so the quotient fits 32 bits: restoring division, one bit per step.
    const shift = clz64(bl, bh) - clz64(al, ah);
    let nl = al;
    let nh = ah;
    let dl = bl;
    let dh = bh;
    let q = 0;
    if (shift >= 0) {
      if (shift > 0) {
        dh = (dh << shift) | (dl >>> (32 - shift)); // shift <= 31 here
        dl = dl << shift;
      }
      for (let i = shift; i >= 0; i--) {
        q = q << 1;
        if (!(nh !== dh ? nh >>> 0 < dh >>> 0 : nl >>> 0 < dl >>> 0)) {
          const t = (nl - dl) | 0;
          nh = (nh - dh - ((nl >>> 0) < (dl >>> 0) ? 1 : 0)) | 0;
          nl = t;
          q = q | 1;
        }
        dl = (dl >>> 1) | (dh << 31);
        dh = dh >>> 1;
      }
    }
    ql = q | 0;
    qh = 0;
  }
  r64[0] = ql;
  r64[1] = qh;
  return ql;
}

/**
 * Signed 64-bit quotient rounded toward zero (SDIV): x / 0 = 0, INT64_MIN / -1 = INT64_MIN.
 * Returns the low word, r64[0..1] = quotient.
 */
export function sdiv64(al: number, ah: number, bl: number, bh: number): number {
  const negA = ah < 0;
  const negB = bh < 0;
  if (negA) {
    al = neg64(al, ah);
    ah = r64[1];
  }
  if (negB) {
    bl = neg64(bl, bh);
    bh = r64[1];
  }
  const ql = udiv64(al, ah, bl, bh);
  if (negA !== negB) return neg64(ql, r64[1]);
  return ql;
}
