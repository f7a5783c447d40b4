/**
 * Shared helpers of the FP executors: format from ftype/size, scalar V register reads and
 * writes (a scalar write zeroes the rest of the 128-bit register, the Arm ARM's V[] write of a
 * smaller size), and FPSR flag accumulation from the soft-float scratch.
 */
import { S } from '../state.js';
import { Fmt, fpst, FLAGS } from '../fp/core.js';

/** Fmt of an ftype field (00 single, 01 double, 11 half); -1 for 10. */
export function fmtOfFtype(ftype: number): number {
  return ftype === 0 ? Fmt.S : ftype === 1 ? Fmt.D : ftype === 3 ? Fmt.H : -1;
}

/** Low word of V[n] (bits 31:0), masked to the element for half precision. */
export function vLo(s: Int32Array, n: number, fmt: number): number {
  const w = s[S.V0 + (n << 2)];
  return fmt === Fmt.H ? w & 0xffff : w;
}

/** Bits 63:32 of V[n] for doubles, 0 otherwise. */
export function vHi(s: Int32Array, n: number, fmt: number): number {
  return fmt === Fmt.D ? s[S.V0 + (n << 2) + 1] : 0;
}

/** V[d] = ZeroExtend(element (lo, hi) of fmt). */
export function setScalar(s: Int32Array, d: number, fmt: number, lo: number, hi: number): void {
  const v = S.V0 + (d << 2);
  s[v] = fmt === Fmt.H ? lo & 0xffff : lo;
  s[v + 1] = fmt === Fmt.D ? hi : 0;
  s[v + 2] = 0;
  s[v + 3] = 0;
}

/** Start an FP instruction: clear the soft-float exception accumulator. */
export function fpBegin(): void {
  fpst[FLAGS] = 0;
}

/** Accumulate the exceptions the instruction raised into FPSR. */
export function fpEnd(s: Int32Array): void {
  const f = fpst[FLAGS];
  if (f !== 0) s[S.FPSR] |= f;
}
