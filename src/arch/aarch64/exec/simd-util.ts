/**
 * Lane helpers shared by the Advanced SIMD integer executors (Arm ARM DDI 0487K.a C4.1.95
 * "Data Processing -- Scalar Floating-Point and Advanced SIMD", pseudocode Elem[], V[], Vpart[],
 * SignedSatQ(), UnsignedSatQ()).
 *
 * Operands are copied into module scratch vectors (so a destination may alias a source), lanes
 * are read from and written to the scratch, and the result is copied to V[d] at the end.
 * Element values are handled either as JS numbers (element sizes up to 32 bits, where every
 * intermediate is exact in a double) or as 64-bit (lo, hi) int32 pairs (helpers return lo and
 * leave both words in r64, like exec/int64.ts). Saturation sets `sat[0]`; executors clear it
 * first and fold it into FPSR.QC (bit 27) with setQC().
 */
import { S } from '../state.js';
import { r64 } from './int64.js';

/** Scratch vectors: A, B operands (8 words: pairwise ops concatenate two registers), C the old Vd, D the result. */
export const VA = new Int32Array(8);
export const VB = new Int32Array(8);
export const VC = new Int32Array(4);
export const VD = new Int32Array(4);

/**
 * Typed lane views of the scratch vectors (the host is little-endian, as the V register layout
 * assumes elsewhere): signed (S) and unsigned (U) 8/16/32-bit lanes. A store through a view
 * truncates to the lane size (ToInt8/ToUint16... are modular).
 */
export const AS8 = new Int8Array(VA.buffer);
export const AU8 = new Uint8Array(VA.buffer);
export const AS16 = new Int16Array(VA.buffer);
export const AU16 = new Uint16Array(VA.buffer);
export const AU32 = new Uint32Array(VA.buffer);
export const BS8 = new Int8Array(VB.buffer);
export const BU8 = new Uint8Array(VB.buffer);
export const BS16 = new Int16Array(VB.buffer);
export const BU16 = new Uint16Array(VB.buffer);
export const BU32 = new Uint32Array(VB.buffer);
export const CU8 = new Uint8Array(VC.buffer);
export const CU16 = new Uint16Array(VC.buffer);
export const CU32 = new Uint32Array(VC.buffer);
export const DS8 = new Int8Array(VD.buffer);
export const DS16 = new Int16Array(VD.buffer);

/** Set by a saturating lane operation (FPSR.QC is sticky: only ever set). */
export const sat = new Int32Array(1);

const FPSR_QC = 1 << 27;

/** FPSR.QC = 1 if a lane saturated. */
export function setQC(s: Int32Array): void {
  if (sat[0] !== 0) s[S.FPSR] |= FPSR_QC;
}

/** buf[k..k+3] = V[n]. */
export function loadV(s: Int32Array, n: number, buf: Int32Array, k: number): void {
  const v = S.V0 + (n << 2);
  buf[k] = s[v];
  buf[k + 1] = s[v + 1];
  buf[k + 2] = s[v + 2];
  buf[k + 3] = s[v + 3];
}

/** V[d] = buf, the upper 64 bits zeroed when q = 0 (a 64-bit vector result, V[d] = ZeroExtend). */
export function storeV(s: Int32Array, d: number, buf: Int32Array, q: number): void {
  const v = S.V0 + (d << 2);
  s[v] = buf[0];
  s[v + 1] = buf[1];
  s[v + 2] = q !== 0 ? buf[2] : 0;
  s[v + 3] = q !== 0 ? buf[3] : 0;
}

/** Zero a scratch vector. */
export function clearV(buf: Int32Array): void {
  buf[0] = 0;
  buf[1] = 0;
  buf[2] = 0;
  buf[3] = 0;
}

/** UInt(Elem[buf, i, 8 << size]) for size 0..2, as a non-negative number. */
export function getU(buf: Int32Array, size: number, i: number): number {
  switch (size) {
    case 0: return (buf[i >>> 2] >>> ((i & 3) << 3)) & 0xff;
    case 1: return (buf[i >>> 1] >>> ((i & 1) << 4)) & 0xffff;
    default: return buf[i] >>> 0;
  }
}

/** SInt(Elem[buf, i, 8 << size]) for size 0..2. */
export function getS(buf: Int32Array, size: number, i: number): number {
  switch (size) {
    case 0: return (buf[i >>> 2] << (24 - ((i & 3) << 3))) >> 24;
    case 1: return (buf[i >>> 1] << (16 - ((i & 1) << 4))) >> 16;
    default: return buf[i];
  }
}

/** Element i of size 0..2, signed (u = 0) or unsigned (u = 1). */
export function getE(buf: Int32Array, size: number, i: number, u: number): number {
  return u !== 0 ? getU(buf, size, i) : getS(buf, size, i);
}

/** Elem[buf, i, 8 << size] = v<esize-1:0> for size 0..2 (v any integer-valued number below 2^53). */
export function put(buf: Int32Array, size: number, i: number, v: number): void {
  const x = v | 0;
  switch (size) {
    case 0: {
      const sh = (i & 3) << 3;
      const w = i >>> 2;
      buf[w] = (buf[w] & ~(0xff << sh)) | ((x & 0xff) << sh);
      return;
    }
    case 1: {
      const sh = (i & 1) << 4;
      const w = i >>> 1;
      buf[w] = (buf[w] & ~(0xffff << sh)) | ((x & 0xffff) << sh);
      return;
    }
    default:
      buf[i] = x;
  }
}

/**
 * Element i of any size as a 64-bit pair, sign- (u = 0) or zero-extended (u = 1): returns lo,
 * r64 holds (lo, hi).
 */
export function getP(buf: Int32Array, size: number, i: number, u: number): number {
  let lo: number;
  let hi: number;
  if (size === 3) {
    lo = buf[i << 1];
    hi = buf[(i << 1) | 1];
  } else if (u !== 0) {
    lo = getU(buf, size, i) | 0;
    hi = 0;
  } else {
    lo = getS(buf, size, i);
    hi = lo >> 31;
  }
  r64[0] = lo;
  r64[1] = hi;
  return lo;
}

/** Elem[buf, i, 8 << size] = (lo, hi)<esize-1:0>. */
export function putP(buf: Int32Array, size: number, i: number, lo: number, hi: number): void {
  if (size === 3) {
    buf[i << 1] = lo;
    buf[(i << 1) | 1] = hi;
  } else {
    put(buf, size, i, lo);
  }
}

// ---- saturation on numbers (element sizes up to 32 bits) -------------------------------------

/** SignedSatQ(v, 8 << size) for size 0..2. */
export function satS(v: number, size: number): number {
  const max = size === 0 ? 0x7f : size === 1 ? 0x7fff : 0x7fffffff;
  if (v > max) {
    sat[0] = 1;
    return max;
  }
  if (v < -max - 1) {
    sat[0] = 1;
    return -max - 1;
  }
  return v;
}

/** UnsignedSatQ(v, 8 << size) for size 0..2. */
export function satU(v: number, size: number): number {
  const max = size === 0 ? 0xff : size === 1 ? 0xffff : 0xffffffff;
  if (v > max) {
    sat[0] = 1;
    return max;
  }
  if (v < 0) {
    sat[0] = 1;
    return 0;
  }
  return v;
}

/** SatQ(v, 8 << size, unsigned). */
export function satQ(v: number, size: number, u: number): number {
  return u !== 0 ? satU(v, size) : satS(v, size);
}

// ---- saturation on pairs (any element size) ---------------------------------------------------

/** (lo, hi), a 64-bit signed value, fits in 8 << size bits signed. */
export function fitsS(lo: number, hi: number, size: number): boolean {
  switch (size) {
    case 0: return hi === lo >> 31 && lo === (lo << 24) >> 24;
    case 1: return hi === lo >> 31 && lo === (lo << 16) >> 16;
    case 2: return hi === lo >> 31;
    default: return true;
  }
}

/** (lo, hi), a 64-bit value known non-negative (or unsigned for size 3), fits in 8 << size bits unsigned. */
export function fitsU(lo: number, hi: number, size: number): boolean {
  switch (size) {
    case 0: return hi === 0 && (lo & ~0xff) === 0;
    case 1: return hi === 0 && (lo & ~0xffff) === 0;
    case 2: return hi === 0;
    default: return true;
  }
}

/** The signed saturation bound for 8 << size bits, negative (neg) or positive, into r64; returns lo. */
export function satBoundS(size: number, neg: boolean): number {
  let lo: number;
  let hi: number;
  if (size === 3) {
    lo = neg ? 0 : -1;
    hi = neg ? 0x80000000 | 0 : 0x7fffffff;
  } else {
    lo = neg ? -(1 << ((8 << size) - 1)) | 0 : ((1 << ((8 << size) - 1)) - 1) | 0;
    if (size === 2) lo = neg ? 0x80000000 | 0 : 0x7fffffff;
    hi = neg ? -1 : 0;
  }
  sat[0] = 1;
  r64[0] = lo;
  r64[1] = hi;
  return lo;
}

/** The unsigned saturation bound (all ones, or zero when neg) into r64; returns lo. */
export function satBoundU(size: number, neg: boolean): number {
  sat[0] = 1;
  if (neg) {
    r64[0] = 0;
    r64[1] = 0;
    return 0;
  }
  r64[0] = size >= 2 ? -1 : size === 1 ? 0xffff : 0xff;
  r64[1] = size === 3 ? -1 : 0;
  return r64[0];
}

/**
 * SignedSatQ of a signed 64-bit pair to 8 << size bits (size < 3; for size 3 the caller
 * detects 64-bit overflow itself). Returns lo; r64 holds the result.
 */
export function satPS(lo: number, hi: number, size: number): number {
  if (fitsS(lo, hi, size)) {
    r64[0] = lo;
    r64[1] = hi;
    return lo;
  }
  return satBoundS(size, hi < 0);
}

/** UnsignedSatQ of a signed 64-bit pair to 8 << size bits (size < 3). */
export function satPU(lo: number, hi: number, size: number): number {
  if (hi >= 0 && fitsU(lo, hi, size)) {
    r64[0] = lo;
    r64[1] = hi;
    return lo;
  }
  return satBoundU(size, hi < 0);
}

// ---- 64-bit pair arithmetic ---------------------------------------------------------------------

/** (lo, hi) << n for n >= 0 (0 when n >= 64). */
export function shlP(lo: number, hi: number, n: number): number {
  let rl = 0;
  let rh = 0;
  if (n === 0) {
    rl = lo;
    rh = hi;
  } else if (n < 32) {
    rl = lo << n;
    rh = (hi << n) | (lo >>> (32 - n));
  } else if (n < 64) {
    rh = lo << (n - 32);
  }
  r64[0] = rl;
  r64[1] = rh;
  return rl;
}

/** (lo, hi) >> n for n >= 0, arithmetic (u = 0) or logical (u = 1); n >= 64 gives the sign fill. */
export function shrP(lo: number, hi: number, n: number, u: number): number {
  let rl: number;
  let rh: number;
  const fill = u !== 0 ? 0 : hi >> 31;
  if (n === 0) {
    rl = lo;
    rh = hi;
  } else if (n < 32) {
    rl = (lo >>> n) | (hi << (32 - n));
    rh = u !== 0 ? hi >>> n : hi >> n;
  } else if (n < 64) {
    rl = u !== 0 ? hi >>> (n - 32) : hi >> (n - 32);
    rh = fill;
  } else {
    rl = fill;
    rh = fill;
  }
  r64[0] = rl | 0;
  r64[1] = rh | 0;
  return rl | 0;
}

/**
 * Rounding shift right: (x + (1 << (n - 1))) >> n for n >= 1, without the 65-bit intermediate:
 * (x >> n) + x<n-1>. Arithmetic (u = 0) or logical (u = 1).
 */
export function rshrP(lo: number, hi: number, n: number, u: number): number {
  if (n === 0) {
    r64[0] = lo;
    r64[1] = hi;
    return lo;
  }
  const b = n - 1;
  const bit = b < 32 ? (lo >>> b) & 1 : b < 64 ? (hi >>> (b - 32)) & 1 : u !== 0 ? 0 : hi >>> 31;
  let rl = shrP(lo, hi, n, u);
  let rh = r64[1];
  if (bit !== 0) {
    const t = (rl + 1) | 0;
    if (t === 0) rh = (rh + 1) | 0;
    rl = t;
  }
  r64[0] = rl;
  r64[1] = rh;
  return rl;
}

/** Count of set bits in a 32-bit word. */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
