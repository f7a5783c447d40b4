/**
 * A64 data processing - immediate (Arm ARM C4.1.92 and the instruction pages in C6.2):
 * PC-relative addressing, add/subtract (immediate), logical (immediate), move wide, bitfield,
 * extract. One executor per instruction and datasize (the decode rows fix sf, and N where it
 * must equal sf), so encodings the rows leave unallocated never reach these.
 *
 * Register 31: SP for Rn of ADD/SUB(S) (immediate) and Rd of ADD/SUB, AND/ORR/EOR (immediate);
 * ZR everywhere else. 32-bit forms write the result zero-extended (hi word = 0).
 */
import type { Cpu } from '../cpu.js';
import { S } from '../state.js';
import { addWithCarry32, addWithCarry64, r64 } from './int64.js';

// ---- PC-relative addressing (ADR, ADRP) -------------------------------------------------------

/** SignExtend(immhi:immlo, 21). */
export function adrImm(insn: number): number {
  return ((((insn >>> 5) & 0x7ffff) << 2) | ((insn >>> 29) & 3)) << 11 >> 11;
}

/** ADR Xd, label: Xd = PC + SignExtend(immhi:immlo). PC (of this instruction) = s[S.PC] - 4. */
export function adr(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const next = s[S.PC];
  const pl = (next - 4) | 0;
  const ph = (s[S.PC_HI] - ((next >>> 0) < 4 ? 1 : 0)) | 0;
  const imm = adrImm(insn);
  const lo = (pl + imm) | 0;
  // Unsigned carry of the low-word add, plus the sign extension of imm into the high word.
  s[(rd << 1) + 1] = (ph + (imm >> 31) + ((lo >>> 0) < (pl >>> 0) ? 1 : 0)) | 0;
  s[rd << 1] = lo;
}

/** ADRP Xd, label: Xd = (PC AND NOT 0xfff) + SignExtend(immhi:immlo:Zeros(12), 64). */
export function adrp(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const next = s[S.PC];
  const pl = (next - 4) & ~0xfff;
  const ph = (s[S.PC_HI] - ((next >>> 0) < 4 ? 1 : 0)) | 0;
  const imm = adrImm(insn);
  const ol = imm << 12;
  const lo = (pl + ol) | 0;
  s[(rd << 1) + 1] = (ph + (imm >> 20) + ((lo >>> 0) < (pl >>> 0) ? 1 : 0)) | 0;
  s[rd << 1] = lo;
}

// ---- add/subtract (immediate) ----------------------------------------------------------------

/** imm12, shifted left by 12 when sh = 1 (bit 22). */
export function addSubImm(insn: number): number {
  const imm = (insn >>> 10) & 0xfff;
  return (insn & 0x400000) !== 0 ? imm << 12 : imm;
}

/** ADD Wd|WSP, Wn|WSP, #imm{, LSL #12}. */
export function addImm32(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  s[(insn & 31) << 1] = (s[((insn >>> 5) & 31) << 1] + addSubImm(insn)) | 0;
  s[((insn & 31) << 1) + 1] = 0;
}

/** ADD Xd|SP, Xn|SP, #imm{, LSL #12}. */
export function addImm64(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const n = ((insn >>> 5) & 31) << 1;
  const d = (insn & 31) << 1;
  const lo = s[n];
  const r = (lo + addSubImm(insn)) | 0;
  s[d + 1] = (s[n + 1] + ((r >>> 0) < (lo >>> 0) ? 1 : 0)) | 0;
  s[d] = r;
}

/** SUB Wd|WSP, Wn|WSP, #imm{, LSL #12}. */
export function subImm32(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  s[(insn & 31) << 1] = (s[((insn >>> 5) & 31) << 1] - addSubImm(insn)) | 0;
  s[((insn & 31) << 1) + 1] = 0;
}

/** SUB Xd|SP, Xn|SP, #imm{, LSL #12}. */
export function subImm64(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const n = ((insn >>> 5) & 31) << 1;
  const d = (insn & 31) << 1;
  const lo = s[n];
  const imm = addSubImm(insn);
  s[d + 1] = (s[n + 1] - ((lo >>> 0) < imm ? 1 : 0)) | 0;
  s[d] = (lo - imm) | 0;
}

/** ADDS Wd, Wn|WSP, #imm (CMN when Rd = ZR). */
export function addsImm32(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const r = addWithCarry32(s, s[((insn >>> 5) & 31) << 1], addSubImm(insn), 0);
  const rd = insn & 31;
  if (rd !== 31) {
    s[rd << 1] = r;
    s[(rd << 1) + 1] = 0;
  }
}

/** ADDS Xd, Xn|SP, #imm (CMN when Rd = ZR). */
export function addsImm64(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const n = ((insn >>> 5) & 31) << 1;
  const r = addWithCarry64(s, s[n], s[n + 1], addSubImm(insn), 0, 0);
  const rd = insn & 31;
  if (rd !== 31) {
    s[rd << 1] = r;
    s[(rd << 1) + 1] = r64[1];
  }
}

/** SUBS Wd, Wn|WSP, #imm (CMP when Rd = ZR): AddWithCarry(n, NOT(imm), 1). */
export function subsImm32(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const r = addWithCarry32(s, s[((insn >>> 5) & 31) << 1], ~addSubImm(insn), 1);
  const rd = insn & 31;
  if (rd !== 31) {
    s[rd << 1] = r;
    s[(rd << 1) + 1] = 0;
  }
}

/** SUBS Xd, Xn|SP, #imm (CMP when Rd = ZR). */
export function subsImm64(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const n = ((insn >>> 5) & 31) << 1;
  const r = addWithCarry64(s, s[n], s[n + 1], ~addSubImm(insn), -1, 1);
  const rd = insn & 31;
  if (rd !== 31) {
    s[rd << 1] = r;
    s[(rd << 1) + 1] = r64[1];
  }
}

// ---- logical (immediate) ---------------------------------------------------------------------

/**
 * DecodeBitMasks(N, imms, immr, TRUE) (Arm ARM J1, aarch64/instrs/integer/bitmasks) for every
 * N:immr:imms, precomputed: BITMASK[2i], BITMASK[2i + 1] = wmask as (lo, hi) replicated to 64
 * bits (its low word is the 32-bit mask), BITMASK_OK[i] = 0 for reserved immediates (UNDEFINED).
 */
export const BITMASK = new Int32Array(8192 * 2);
export const BITMASK_OK = new Uint8Array(8192);
for (let i = 0; i < 8192; i++) {
  const immN = i >>> 12;
  const immr = (i >>> 6) & 63;
  const imms = i & 63;
  // len = HighestSetBit(immN:NOT(imms)); len < 1 is reserved.
  const len = 31 - Math.clz32((immN << 6) | (~imms & 63));
  if (len < 1) continue;
  const levels = (1 << len) - 1;
  // All-ones elements (S = esize - 1) are reserved for logical immediates.
  if ((imms & levels) === levels) continue;
  const sv = imms & levels;
  const rv = immr & levels;
  const esize = 1 << len;
  let lo = 0;
  let hi = 0;
  // welem = Ones(S + 1) in esize bits, rotated right by R, replicated: bit j of the element is
  // welem<(j + R) MOD esize>.
  for (let j = 0; j < 64; j++) {
    if (((j % esize) + rv) % esize <= sv) {
      if (j < 32) lo |= 1 << j;
      else hi |= 1 << (j - 32);
    }
  }
  BITMASK[2 * i] = lo;
  BITMASK[2 * i + 1] = hi;
  BITMASK_OK[i] = 1;
}

/** AND Wd|WSP, Wn, #imm. */
export function andImm32(cpu: Cpu, insn: number): boolean {
  const i = (insn >>> 10) & 0x1fff;
  if (BITMASK_OK[i] === 0) return false;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const d = (insn & 31) << 1;
  s[d] = rn === 31 ? 0 : s[rn << 1] & BITMASK[i << 1];
  s[d + 1] = 0;
  return true;
}

/** AND Xd|SP, Xn, #imm. */
export function andImm64(cpu: Cpu, insn: number): boolean {
  const i = (insn >>> 10) & 0x1fff;
  if (BITMASK_OK[i] === 0) return false;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const d = (insn & 31) << 1;
  if (rn === 31) {
    s[d] = 0;
    s[d + 1] = 0;
  } else {
    s[d] = s[rn << 1] & BITMASK[i << 1];
    s[d + 1] = s[(rn << 1) + 1] & BITMASK[(i << 1) + 1];
  }
  return true;
}

/** ORR Wd|WSP, Wn, #imm (MOV (bitmask immediate) when Rn = ZR). */
export function orrImm32(cpu: Cpu, insn: number): boolean {
  const i = (insn >>> 10) & 0x1fff;
  if (BITMASK_OK[i] === 0) return false;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const d = (insn & 31) << 1;
  s[d] = (rn === 31 ? 0 : s[rn << 1]) | BITMASK[i << 1];
  s[d + 1] = 0;
  return true;
}

/** ORR Xd|SP, Xn, #imm. */
export function orrImm64(cpu: Cpu, insn: number): boolean {
  const i = (insn >>> 10) & 0x1fff;
  if (BITMASK_OK[i] === 0) return false;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const d = (insn & 31) << 1;
  if (rn === 31) {
    s[d] = BITMASK[i << 1];
    s[d + 1] = BITMASK[(i << 1) + 1];
  } else {
    s[d] = s[rn << 1] | BITMASK[i << 1];
    s[d + 1] = s[(rn << 1) + 1] | BITMASK[(i << 1) + 1];
  }
  return true;
}

/** EOR Wd|WSP, Wn, #imm. */
export function eorImm32(cpu: Cpu, insn: number): boolean {
  const i = (insn >>> 10) & 0x1fff;
  if (BITMASK_OK[i] === 0) return false;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const d = (insn & 31) << 1;
  s[d] = (rn === 31 ? 0 : s[rn << 1]) ^ BITMASK[i << 1];
  s[d + 1] = 0;
  return true;
}

/** EOR Xd|SP, Xn, #imm. */
export function eorImm64(cpu: Cpu, insn: number): boolean {
  const i = (insn >>> 10) & 0x1fff;
  if (BITMASK_OK[i] === 0) return false;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const d = (insn & 31) << 1;
  if (rn === 31) {
    s[d] = BITMASK[i << 1];
    s[d + 1] = BITMASK[(i << 1) + 1];
  } else {
    s[d] = s[rn << 1] ^ BITMASK[i << 1];
    s[d + 1] = s[(rn << 1) + 1] ^ BITMASK[(i << 1) + 1];
  }
  return true;
}

/** ANDS Wd, Wn, #imm (TST when Rd = ZR): N, Z from the result, C = V = 0. */
export function andsImm32(cpu: Cpu, insn: number): boolean {
  const i = (insn >>> 10) & 0x1fff;
  if (BITMASK_OK[i] === 0) return false;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const rd = insn & 31;
  const r = rn === 31 ? 0 : s[rn << 1] & BITMASK[i << 1];
  s[S.NF] = r >>> 31;
  s[S.ZF] = r === 0 ? 1 : 0;
  s[S.CF] = 0;
  s[S.VF] = 0;
  if (rd !== 31) {
    s[rd << 1] = r;
    s[(rd << 1) + 1] = 0;
  }
  return true;
}

/** ANDS Xd, Xn, #imm (TST when Rd = ZR). */
export function andsImm64(cpu: Cpu, insn: number): boolean {
  const i = (insn >>> 10) & 0x1fff;
  if (BITMASK_OK[i] === 0) return false;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const rd = insn & 31;
  let lo = 0;
  let hi = 0;
  if (rn !== 31) {
    lo = s[rn << 1] & BITMASK[i << 1];
    hi = s[(rn << 1) + 1] & BITMASK[(i << 1) + 1];
  }
  s[S.NF] = hi >>> 31;
  s[S.ZF] = (lo | hi) === 0 ? 1 : 0;
  s[S.CF] = 0;
  s[S.VF] = 0;
  if (rd !== 31) {
    s[rd << 1] = lo;
    s[(rd << 1) + 1] = hi;
  }
  return true;
}

// ---- move wide (immediate) -------------------------------------------------------------------
// The rows fix hw<1> = 0 for sf = 0 (hw >= 2 is unallocated there).

/** MOVN Wd, #imm16{, LSL #16*hw}: Wd = NOT(imm16 << pos). */
export function movn32(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  s[rd << 1] = ~(((insn >>> 5) & 0xffff) << ((insn >>> 17) & 16));
  s[(rd << 1) + 1] = 0;
}

/** MOVN Xd, #imm16{, LSL #16*hw}. */
export function movn64(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const v = ((insn >>> 5) & 0xffff) << ((insn >>> 17) & 16);
  if ((insn & 0x400000) === 0) {
    s[rd << 1] = ~v;
    s[(rd << 1) + 1] = -1;
  } else {
    s[rd << 1] = -1;
    s[(rd << 1) + 1] = ~v;
  }
}

/** MOVZ Wd, #imm16{, LSL #16*hw}. */
export function movz32(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  s[rd << 1] = ((insn >>> 5) & 0xffff) << ((insn >>> 17) & 16);
  s[(rd << 1) + 1] = 0;
}

/** MOVZ Xd, #imm16{, LSL #16*hw}. */
export function movz64(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const v = ((insn >>> 5) & 0xffff) << ((insn >>> 17) & 16);
  if ((insn & 0x400000) === 0) {
    s[rd << 1] = v;
    s[(rd << 1) + 1] = 0;
  } else {
    s[rd << 1] = 0;
    s[(rd << 1) + 1] = v;
  }
}

/** MOVK Wd, #imm16{, LSL #16*hw}: replace one halfword, keep the rest of Wd, clear Xd<63:32>. */
export function movk32(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const pos = (insn >>> 17) & 16;
  s[rd << 1] = (s[rd << 1] & ~(0xffff << pos)) | (((insn >>> 5) & 0xffff) << pos);
  s[(rd << 1) + 1] = 0;
}

/** MOVK Xd, #imm16{, LSL #16*hw}. */
export function movk64(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const pos = (insn >>> 17) & 16;
  const i = (rd << 1) + ((insn >>> 22) & 1);
  s[i] = (s[i] & ~(0xffff << pos)) | (((insn >>> 5) & 0xffff) << pos);
}

// ---- extract ---------------------------------------------------------------------------------

/** EXTR Wd, Wn, Wm, #lsb: (Wn:Wm)<lsb+31:lsb> (ROR when Rn = Rm). */
export function extr32(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const rm = (insn >>> 16) & 31;
  const lsb = (insn >>> 10) & 31;
  const m = rm === 31 ? 0 : s[rm << 1];
  const n = rn === 31 ? 0 : s[rn << 1];
  s[rd << 1] = lsb === 0 ? m : (m >>> lsb) | (n << (32 - lsb));
  s[(rd << 1) + 1] = 0;
}

/** EXTR Xd, Xn, Xm, #lsb: (Xn:Xm)<lsb+63:lsb>. */
export function extr64(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const rm = (insn >>> 16) & 31;
  const lsb = (insn >>> 10) & 63;
  // Words of the 128-bit Xn:Xm from the word that holds bit lsb upwards: w0, w1, w2.
  let w0: number;
  let w1: number;
  let w2: number;
  if (lsb < 32) {
    w0 = rm === 31 ? 0 : s[rm << 1];
    w1 = rm === 31 ? 0 : s[(rm << 1) + 1];
    w2 = rn === 31 ? 0 : s[rn << 1];
  } else {
    w0 = rm === 31 ? 0 : s[(rm << 1) + 1];
    w1 = rn === 31 ? 0 : s[rn << 1];
    w2 = rn === 31 ? 0 : s[(rn << 1) + 1];
  }
  const b = lsb & 31;
  if (b === 0) {
    s[rd << 1] = w0;
    s[(rd << 1) + 1] = w1;
  } else {
    s[rd << 1] = (w0 >>> b) | (w1 << (32 - b));
    s[(rd << 1) + 1] = (w1 >>> b) | (w2 << (32 - b));
  }
}

// ---- bitfield (SBFM, BFM, UBFM) --------------------------------------------------------------
// The rows fix N = sf and, for sf = 0, immr<5> = imms<5> = 0. With esize = datasize the
// pseudocode (DecodeBitMasks(..., FALSE) with wmask/tmask) reduces to two cases:
//   imms >= immr: the field Rn<imms:immr> goes to bit 0 ([SU]BFX, BFXIL, LSR, ASR, [SU]XT*);
//   imms <  immr: the field Rn<imms:0> goes to bit datasize - immr ([SU]BFIZ, BFI, LSL).
// Bits above the field: zeros (UBFM), copies of the field's top bit (SBFM), Rd's bits (BFM);
// bits below it: zeros (UBFM, SBFM) or Rd's bits (BFM).

/** UBFM Wd, Wn, #immr, #imms. */
export function ubfm32(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const immr = (insn >>> 16) & 31;
  const imms = (insn >>> 10) & 31;
  const x = rn === 31 ? 0 : s[rn << 1];
  s[rd << 1] = imms >= immr ? (x >>> immr) & (-1 >>> (31 - imms + immr)) : (x & (-1 >>> (31 - imms))) << (32 - immr);
  s[(rd << 1) + 1] = 0;
}

/** SBFM Wd, Wn, #immr, #imms. */
export function sbfm32(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const immr = (insn >>> 16) & 31;
  const imms = (insn >>> 10) & 31;
  const x = (rn === 31 ? 0 : s[rn << 1]) << (31 - imms); // field's top bit at bit 31
  s[rd << 1] = imms >= immr ? x >> (31 - imms + immr) : (x >> (31 - imms)) << (32 - immr);
  s[(rd << 1) + 1] = 0;
}

/** BFM Wd, Wn, #immr, #imms. */
export function bfm32(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const immr = (insn >>> 16) & 31;
  const imms = (insn >>> 10) & 31;
  const x = rn === 31 ? 0 : s[rn << 1];
  const d = s[rd << 1];
  let m: number;
  let f: number;
  if (imms >= immr) {
    m = -1 >>> (31 - imms + immr);
    f = x >>> immr;
  } else {
    m = (-1 >>> (31 - imms)) << (32 - immr);
    f = x << (32 - immr);
  }
  s[rd << 1] = (d & ~m) | (f & m);
  s[(rd << 1) + 1] = 0;
}

/** UBFM Xd, Xn, #immr, #imms. */
export function ubfm64(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const immr = (insn >>> 16) & 63;
  const imms = (insn >>> 10) & 63;
  let lo = rn === 31 ? 0 : s[rn << 1];
  let hi = rn === 31 ? 0 : s[(rn << 1) + 1];
  if (imms >= immr) {
    // LSR by immr, keep w = imms - immr + 1 bits.
    if (immr >= 32) {
      lo = hi >>> (immr - 32);
      hi = 0;
    } else if (immr > 0) {
      lo = (lo >>> immr) | (hi << (32 - immr));
      hi = hi >>> immr;
    }
    const w = imms - immr + 1;
    if (w <= 32) {
      lo &= -1 >>> (32 - w);
      hi = 0;
    } else {
      hi &= -1 >>> (64 - w);
    }
  } else {
    // Keep w = imms + 1 bits (w <= 63), LSL by 64 - immr (1..63).
    const w = imms + 1;
    if (w <= 32) {
      lo &= -1 >>> (32 - w);
      hi = 0;
    } else {
      hi &= -1 >>> (64 - w);
    }
    const sh = 64 - immr;
    if (sh >= 32) {
      hi = lo << (sh - 32);
      lo = 0;
    } else {
      hi = (hi << sh) | (lo >>> (32 - sh));
      lo = lo << sh;
    }
  }
  s[rd << 1] = lo;
  s[(rd << 1) + 1] = hi;
}

/** SBFM Xd, Xn, #immr, #imms. */
export function sbfm64(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const immr = (insn >>> 16) & 63;
  const imms = (insn >>> 10) & 63;
  let lo = rn === 31 ? 0 : s[rn << 1];
  let hi = rn === 31 ? 0 : s[(rn << 1) + 1];
  // Move the field's top bit (imms) to bit 63, then shift arithmetically right by r.
  const up = 63 - imms;
  if (up >= 32) {
    hi = lo << (up - 32);
    lo = 0;
  } else if (up > 0) {
    hi = (hi << up) | (lo >>> (32 - up));
    lo = lo << up;
  }
  // imms >= immr: the field lands at bit 0. Otherwise it lands at bit 64 - immr.
  const r = imms >= immr ? up + immr : up - (64 - immr);
  if (r >= 32) {
    lo = hi >> (r - 32);
    hi = hi >> 31;
  } else if (r > 0) {
    lo = (lo >>> r) | (hi << (32 - r));
    hi = hi >> r;
  }
  s[rd << 1] = lo;
  s[(rd << 1) + 1] = hi;
}

/** BFM Xd, Xn, #immr, #imms. */
export function bfm64(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const immr = (insn >>> 16) & 63;
  const imms = (insn >>> 10) & 63;
  let xl = rn === 31 ? 0 : s[rn << 1];
  let xh = rn === 31 ? 0 : s[(rn << 1) + 1];
  // ROR(Xn, immr) puts the field where it goes in both cases; the mask selects it.
  let ml: number;
  let mh: number;
  let pos: number;
  let w: number;
  if (imms >= immr) {
    w = imms - immr + 1;
    pos = 0;
  } else {
    w = imms + 1;
    pos = 64 - immr;
  }
  if (w <= 32) {
    ml = -1 >>> (32 - w);
    mh = 0;
  } else {
    ml = -1;
    mh = -1 >>> (64 - w);
  }
  if (pos >= 32) {
    mh = ml << (pos - 32);
    ml = 0;
  } else if (pos > 0) {
    mh = (mh << pos) | (ml >>> (32 - pos));
    ml = ml << pos;
  }
  if (immr >= 32) {
    const t = xl;
    xl = xh;
    xh = t;
  }
  const b = immr & 31;
  if (b !== 0) {
    const t = (xl >>> b) | (xh << (32 - b));
    xh = (xh >>> b) | (xl << (32 - b));
    xl = t;
  }
  const d = rd << 1;
  s[d] = (s[d] & ~ml) | (xl & ml);
  s[d + 1] = (s[d + 1] & ~mh) | (xh & mh);
}
