/**
 * A64 data processing - register, part 2 (Arm ARM C4.1.95): data-processing (1 source)
 * RBIT/REV16/REV/REV32/CLZ/CLS, (2 source) UDIV/SDIV, LSLV/LSRV/ASRV/RORV, CRC32*,
 * (3 source) MADD/MSUB, [SU]MADDL/[SU]MSUBL, [SU]MULH. Register 31 is ZR throughout.
 */
import type { Cpu } from '../cpu.js';
import { clz64, cls32, cls64, mul64, udiv64, sdiv64, umulh32, smulh32, umul128, smul128, shiftReg32, shiftReg64, r64 } from './int64.js';

function wn(s: Int32Array, n: number): number {
  return n === 31 ? 0 : s[n << 1];
}

function xhi(s: Int32Array, n: number): number {
  return n === 31 ? 0 : s[(n << 1) + 1];
}

// ---- data-processing (1 source) --------------------------------------------------------------

/** BitReverse() of a word. */
function rbitWord(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  return bswap(x);
}

/** Byte-reverse a word. */
function bswap(x: number): number {
  return (x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}

/** Swap the bytes of each halfword of a word. */
function bswap16x2(x: number): number {
  return ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
}

export function rbitW(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  s[rd << 1] = rbitWord(wn(s, (insn >>> 5) & 31));
  s[(rd << 1) + 1] = 0;
}

export function rev16W(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  s[rd << 1] = bswap16x2(wn(s, (insn >>> 5) & 31));
  s[(rd << 1) + 1] = 0;
}

/** REV Wd, Wn (opc = 10 with sf = 0). */
export function revW(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  s[rd << 1] = bswap(wn(s, (insn >>> 5) & 31));
  s[(rd << 1) + 1] = 0;
}

export function clzW(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  s[rd << 1] = Math.clz32(wn(s, (insn >>> 5) & 31));
  s[(rd << 1) + 1] = 0;
}

export function clsW(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  s[rd << 1] = cls32(wn(s, (insn >>> 5) & 31));
  s[(rd << 1) + 1] = 0;
}

export function rbitX(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const lo = wn(s, rn);
  s[rd << 1] = rbitWord(xhi(s, rn));
  s[(rd << 1) + 1] = rbitWord(lo);
}

export function rev16X(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  s[rd << 1] = bswap16x2(wn(s, rn));
  s[(rd << 1) + 1] = bswap16x2(xhi(s, rn));
}

/** REV32 Xd, Xn: byte-reverse each word. */
export function rev32X(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  s[rd << 1] = bswap(wn(s, rn));
  s[(rd << 1) + 1] = bswap(xhi(s, rn));
}

/** REV Xd, Xn (opc = 11, sf = 1 only). */
export function revX(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const lo = wn(s, rn);
  s[rd << 1] = bswap(xhi(s, rn));
  s[(rd << 1) + 1] = bswap(lo);
}

export function clzX(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  s[rd << 1] = clz64(wn(s, rn), xhi(s, rn));
  s[(rd << 1) + 1] = 0;
}

export function clsX(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  s[rd << 1] = cls64(wn(s, rn), xhi(s, rn));
  s[(rd << 1) + 1] = 0;
}

// ---- data-processing (2 source) --------------------------------------------------------------

/** UDIV Wd, Wn, Wm: x / 0 = 0. */
export function udivW(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const m = wn(s, (insn >>> 16) & 31) >>> 0;
  s[rd << 1] = m === 0 ? 0 : ((wn(s, (insn >>> 5) & 31) >>> 0) / m) >>> 0;
  s[(rd << 1) + 1] = 0;
}

/** SDIV Wd, Wn, Wm: RoundTowardsZero; x / 0 = 0; INT32_MIN / -1 = INT32_MIN (2^31 wraps). */
export function sdivW(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const m = wn(s, (insn >>> 16) & 31);
  s[rd << 1] = m === 0 ? 0 : (wn(s, (insn >>> 5) & 31) / m) | 0;
  s[(rd << 1) + 1] = 0;
}

export function udivX(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const rm = (insn >>> 16) & 31;
  const lo = udiv64(wn(s, rn), xhi(s, rn), wn(s, rm), xhi(s, rm));
  s[rd << 1] = lo;
  s[(rd << 1) + 1] = r64[1];
}

export function sdivX(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const rm = (insn >>> 16) & 31;
  const lo = sdiv64(wn(s, rn), xhi(s, rn), wn(s, rm), xhi(s, rm));
  s[rd << 1] = lo;
  s[(rd << 1) + 1] = r64[1];
}

/** LSLV/LSRV/ASRV/RORV Wd, Wn, Wm: shift type = op2 (insn<11:10>), amount = Wm MOD 32. */
export function shiftVW(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  s[rd << 1] = shiftReg32(wn(s, (insn >>> 5) & 31), (insn >>> 10) & 3, wn(s, (insn >>> 16) & 31) & 31);
  s[(rd << 1) + 1] = 0;
}

/** LSLV/LSRV/ASRV/RORV Xd, Xn, Xm: amount = Xm MOD 64. */
export function shiftVX(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const lo = shiftReg64(wn(s, rn), xhi(s, rn), (insn >>> 10) & 3, wn(s, (insn >>> 16) & 31) & 63);
  s[rd << 1] = lo;
  s[(rd << 1) + 1] = r64[1];
}

/**
 * CRC tables, reflected: [0..255] for CRC32 (polynomial 0x04C11DB7), [256..511] for CRC32C
 * (0x1EDC6F41). The pseudocode's BitReverse(Poly32Mod2(BitReverse(acc):Zeros(size) EOR
 * BitReverse(val):Zeros(32), poly)) is the LSB-first CRC update without pre/post inversion.
 */
const CRC_TABLE = new Int32Array(512);
for (let t = 0; t < 2; t++) {
  const rpoly = t === 0 ? 0xedb88320 : 0x82f63b78;
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? (c >>> 1) ^ rpoly : c >>> 1;
    CRC_TABLE[t * 256 + i] = c;
  }
}

/** CRC32{B,H,W,X} / CRC32C{B,H,W,X} Wd, Wn, Rm: C = insn<12>, sz = insn<11:10>. */
export function crc32(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const rm = (insn >>> 16) & 31;
  const t = (insn >>> 4) & 256;
  const sz = (insn >>> 10) & 3;
  let acc = wn(s, (insn >>> 5) & 31);
  let v = wn(s, rm);
  const n = sz === 3 ? 4 : 1 << sz;
  for (let i = 0; i < n; i++) {
    acc = CRC_TABLE[t + ((acc ^ v) & 0xff)] ^ (acc >>> 8);
    v = v >>> 8;
  }
  if (sz === 3) {
    v = xhi(s, rm);
    for (let i = 0; i < 4; i++) {
      acc = CRC_TABLE[t + ((acc ^ v) & 0xff)] ^ (acc >>> 8);
      v = v >>> 8;
    }
  }
  const rd = insn & 31;
  if (rd !== 31) {
    s[rd << 1] = acc;
    s[(rd << 1) + 1] = 0;
  }
}

// ---- data-processing (3 source) --------------------------------------------------------------

/** MADD Wd, Wn, Wm, Wa (MUL when Ra = ZR): Wa + Wn * Wm. */
export function maddW(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  s[rd << 1] = (wn(s, (insn >>> 10) & 31) + Math.imul(wn(s, (insn >>> 5) & 31), wn(s, (insn >>> 16) & 31))) | 0;
  s[(rd << 1) + 1] = 0;
}

/** MSUB Wd, Wn, Wm, Wa (MNEG when Ra = ZR): Wa - Wn * Wm. */
export function msubW(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  s[rd << 1] = (wn(s, (insn >>> 10) & 31) - Math.imul(wn(s, (insn >>> 5) & 31), wn(s, (insn >>> 16) & 31))) | 0;
  s[(rd << 1) + 1] = 0;
}

/** Xd = Xa + p (sub = false) or Xa - p, p = (pl, ph). */
function accumulate(s: Int32Array, insn: number, pl: number, ph: number, sub: boolean): void {
  const rd = insn & 31;
  const ra = (insn >>> 10) & 31;
  const al = wn(s, ra);
  const ah = xhi(s, ra);
  let lo: number;
  let hi: number;
  if (sub) {
    lo = (al - pl) | 0;
    hi = (ah - ph - ((al >>> 0) < (pl >>> 0) ? 1 : 0)) | 0;
  } else {
    lo = (al + pl) | 0;
    hi = (ah + ph + ((lo >>> 0) < (al >>> 0) ? 1 : 0)) | 0;
  }
  s[rd << 1] = lo;
  s[(rd << 1) + 1] = hi;
}

/** MADD Xd, Xn, Xm, Xa (MUL): the low 64 bits of Xa + Xn * Xm. */
export function maddX(cpu: Cpu, insn: number): void {
  if ((insn & 31) === 31) return;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const rm = (insn >>> 16) & 31;
  const pl = mul64(wn(s, rn), xhi(s, rn), wn(s, rm), xhi(s, rm));
  accumulate(s, insn, pl, r64[1], false);
}

export function msubX(cpu: Cpu, insn: number): void {
  if ((insn & 31) === 31) return;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const rm = (insn >>> 16) & 31;
  const pl = mul64(wn(s, rn), xhi(s, rn), wn(s, rm), xhi(s, rm));
  accumulate(s, insn, pl, r64[1], true);
}

/** SMADDL Xd, Wn, Wm, Xa (SMULL): Xa + SInt(Wn) * SInt(Wm). */
export function smaddl(cpu: Cpu, insn: number): void {
  if ((insn & 31) === 31) return;
  const s = cpu.s;
  const n = wn(s, (insn >>> 5) & 31);
  const m = wn(s, (insn >>> 16) & 31);
  accumulate(s, insn, Math.imul(n, m), smulh32(n, m), false);
}

export function smsubl(cpu: Cpu, insn: number): void {
  if ((insn & 31) === 31) return;
  const s = cpu.s;
  const n = wn(s, (insn >>> 5) & 31);
  const m = wn(s, (insn >>> 16) & 31);
  accumulate(s, insn, Math.imul(n, m), smulh32(n, m), true);
}

/** UMADDL Xd, Wn, Wm, Xa (UMULL): Xa + UInt(Wn) * UInt(Wm). */
export function umaddl(cpu: Cpu, insn: number): void {
  if ((insn & 31) === 31) return;
  const s = cpu.s;
  const n = wn(s, (insn >>> 5) & 31);
  const m = wn(s, (insn >>> 16) & 31);
  accumulate(s, insn, Math.imul(n, m), umulh32(n, m), false);
}

export function umsubl(cpu: Cpu, insn: number): void {
  if ((insn & 31) === 31) return;
  const s = cpu.s;
  const n = wn(s, (insn >>> 5) & 31);
  const m = wn(s, (insn >>> 16) & 31);
  accumulate(s, insn, Math.imul(n, m), umulh32(n, m), true);
}

/** SMULH Xd, Xn, Xm: bits 127:64 of the signed product (Ra is ignored, see the rows). */
export function smulh(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const rm = (insn >>> 16) & 31;
  smul128(wn(s, rn), xhi(s, rn), wn(s, rm), xhi(s, rm));
  s[rd << 1] = r64[2];
  s[(rd << 1) + 1] = r64[3];
}

/** UMULH Xd, Xn, Xm: bits 127:64 of the unsigned product. */
export function umulh(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const rm = (insn >>> 16) & 31;
  umul128(wn(s, rn), xhi(s, rn), wn(s, rm), xhi(s, rm));
  s[rd << 1] = r64[2];
  s[(rd << 1) + 1] = r64[3];
}
