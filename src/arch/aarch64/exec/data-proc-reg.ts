/**
 * A64 data processing - register, part 1 (Arm ARM C4.1.95 and the instruction pages in C6.2):
 * logical (shifted register), add/subtract (shifted register, extended register), add/subtract
 * with carry, conditional compare, conditional select. 1-, 2- and 3-source instructions are in
 * multiply-divide.ts.
 *
 * Register 31 is ZR except in the extended-register forms (Rn = SP, and Rd = SP unless the
 * form sets flags). 32-bit forms write the result zero-extended (hi word = 0).
 */
import type { Cpu } from '../cpu.js';
import { S } from '../state.js';
import { conditionHolds } from './cond.js';
import { addWithCarry32, addWithCarry64, shiftReg32, shiftReg64, r64 } from './int64.js';

// ---- operand helpers (small: TurboFan inlines them) ------------------------------------------

/** Wn, register 31 = WZR. */
function wn(s: Int32Array, n: number): number {
  return n === 31 ? 0 : s[n << 1];
}

/** ShiftReg(m, shift, imm6) for N = 32 (insn<23:22> = shift, <15:10> = amount < 32). */
function shiftedRm32(s: Int32Array, insn: number): number {
  const rm = (insn >>> 16) & 31;
  const x = rm === 31 ? 0 : s[rm << 1];
  const amount = (insn >>> 10) & 31;
  return amount === 0 ? x : shiftReg32(x, (insn >>> 22) & 3, amount);
}

// ---- logical (shifted register) --------------------------------------------------------------
// One executor per opc and datasize; N (bit 21) inverts the operand (BIC, ORN, EON, BICS).
// The 32-bit rows fix imm6<5> = 0 (unallocated otherwise). ROR is allowed here.

export function andSr32(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  s[rd << 1] = wn(s, (insn >>> 5) & 31) & (shiftedRm32(s, insn) ^ -((insn >>> 21) & 1));
  s[(rd << 1) + 1] = 0;
}

export function orrSr32(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  s[rd << 1] = wn(s, (insn >>> 5) & 31) | (shiftedRm32(s, insn) ^ -((insn >>> 21) & 1));
  s[(rd << 1) + 1] = 0;
}

export function eorSr32(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  s[rd << 1] = wn(s, (insn >>> 5) & 31) ^ shiftedRm32(s, insn) ^ -((insn >>> 21) & 1);
  s[(rd << 1) + 1] = 0;
}

/** ANDS/BICS (TST when Rd = ZR): N, Z from the result, C = V = 0. */
export function andsSr32(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const r = wn(s, (insn >>> 5) & 31) & (shiftedRm32(s, insn) ^ -((insn >>> 21) & 1));
  s[S.NF] = r >>> 31;
  s[S.ZF] = r === 0 ? 1 : 0;
  s[S.CF] = 0;
  s[S.VF] = 0;
  const rd = insn & 31;
  if (rd !== 31) {
    s[rd << 1] = r;
    s[(rd << 1) + 1] = 0;
  }
}

export function andSr64(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rm = (insn >>> 16) & 31;
  let ml = 0;
  let mh = 0;
  if (rm !== 31) {
    ml = s[rm << 1];
    mh = s[(rm << 1) + 1];
  }
  if ((insn & 0xfc00) !== 0) {
    // ShiftReg(m, shift, imm6); amount 0 (the common MOV/CMP forms) skips it.
    ml = shiftReg64(ml, mh, (insn >>> 22) & 3, (insn >>> 10) & 63);
    mh = r64[1];
  }
  const inv = -((insn >>> 21) & 1);
  ml ^= inv;
  mh ^= inv;
  const rn = (insn >>> 5) & 31;
  if (rn === 31) {
    s[rd << 1] = 0;
    s[(rd << 1) + 1] = 0;
  } else {
    s[rd << 1] = s[rn << 1] & ml;
    s[(rd << 1) + 1] = s[(rn << 1) + 1] & mh;
  }
}

/** ORR/ORN Xd, Xn, Xm{, shift #amount} (MOV (register) when Rn = ZR). */
export function orrSr64(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rm = (insn >>> 16) & 31;
  let ml = 0;
  let mh = 0;
  if (rm !== 31) {
    ml = s[rm << 1];
    mh = s[(rm << 1) + 1];
  }
  if ((insn & 0xfc00) !== 0) {
    // ShiftReg(m, shift, imm6); amount 0 (the common MOV/CMP forms) skips it.
    ml = shiftReg64(ml, mh, (insn >>> 22) & 3, (insn >>> 10) & 63);
    mh = r64[1];
  }
  const inv = -((insn >>> 21) & 1);
  ml ^= inv;
  mh ^= inv;
  const rn = (insn >>> 5) & 31;
  if (rn === 31) {
    s[rd << 1] = ml;
    s[(rd << 1) + 1] = mh;
  } else {
    s[rd << 1] = s[rn << 1] | ml;
    s[(rd << 1) + 1] = s[(rn << 1) + 1] | mh;
  }
}

export function eorSr64(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  const rm = (insn >>> 16) & 31;
  let ml = 0;
  let mh = 0;
  if (rm !== 31) {
    ml = s[rm << 1];
    mh = s[(rm << 1) + 1];
  }
  if ((insn & 0xfc00) !== 0) {
    // ShiftReg(m, shift, imm6); amount 0 (the common MOV/CMP forms) skips it.
    ml = shiftReg64(ml, mh, (insn >>> 22) & 3, (insn >>> 10) & 63);
    mh = r64[1];
  }
  const inv = -((insn >>> 21) & 1);
  ml ^= inv;
  mh ^= inv;
  const rn = (insn >>> 5) & 31;
  if (rn === 31) {
    s[rd << 1] = ml;
    s[(rd << 1) + 1] = mh;
  } else {
    s[rd << 1] = s[rn << 1] ^ ml;
    s[(rd << 1) + 1] = s[(rn << 1) + 1] ^ mh;
  }
}

export function andsSr64(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const rm = (insn >>> 16) & 31;
  let ml = 0;
  let mh = 0;
  if (rm !== 31) {
    ml = s[rm << 1];
    mh = s[(rm << 1) + 1];
  }
  if ((insn & 0xfc00) !== 0) {
    // ShiftReg(m, shift, imm6); amount 0 (the common MOV/CMP forms) skips it.
    ml = shiftReg64(ml, mh, (insn >>> 22) & 3, (insn >>> 10) & 63);
    mh = r64[1];
  }
  const inv = -((insn >>> 21) & 1);
  let lo = ml ^ inv;
  let hi = mh ^ inv;
  const rn = (insn >>> 5) & 31;
  if (rn === 31) {
    lo = 0;
    hi = 0;
  } else {
    lo &= s[rn << 1];
    hi &= s[(rn << 1) + 1];
  }
  s[S.NF] = hi >>> 31;
  s[S.ZF] = (lo | hi) === 0 ? 1 : 0;
  s[S.CF] = 0;
  s[S.VF] = 0;
  const rd = insn & 31;
  if (rd !== 31) {
    s[rd << 1] = lo;
    s[(rd << 1) + 1] = hi;
  }
}

// ---- add/subtract (shifted register) ---------------------------------------------------------
// shift = 11 (ROR) is reserved: UNDEFINED (return false). The 32-bit rows fix imm6<5> = 0.

export function addSr32(cpu: Cpu, insn: number): boolean {
  if ((insn & 0xc00000) === 0xc00000) return false;
  const rd = insn & 31;
  if (rd === 31) return true;
  const s = cpu.s;
  s[rd << 1] = (wn(s, (insn >>> 5) & 31) + shiftedRm32(s, insn)) | 0;
  s[(rd << 1) + 1] = 0;
  return true;
}

export function subSr32(cpu: Cpu, insn: number): boolean {
  if ((insn & 0xc00000) === 0xc00000) return false;
  const rd = insn & 31;
  if (rd === 31) return true;
  const s = cpu.s;
  s[rd << 1] = (wn(s, (insn >>> 5) & 31) - shiftedRm32(s, insn)) | 0;
  s[(rd << 1) + 1] = 0;
  return true;
}

/** ADDS (CMN when Rd = ZR). */
export function addsSr32(cpu: Cpu, insn: number): boolean {
  if ((insn & 0xc00000) === 0xc00000) return false;
  const s = cpu.s;
  const r = addWithCarry32(s, wn(s, (insn >>> 5) & 31), shiftedRm32(s, insn), 0);
  const rd = insn & 31;
  if (rd !== 31) {
    s[rd << 1] = r;
    s[(rd << 1) + 1] = 0;
  }
  return true;
}

/** SUBS (CMP, NEGS when Rn = ZR). */
export function subsSr32(cpu: Cpu, insn: number): boolean {
  if ((insn & 0xc00000) === 0xc00000) return false;
  const s = cpu.s;
  const r = addWithCarry32(s, wn(s, (insn >>> 5) & 31), ~shiftedRm32(s, insn), 1);
  const rd = insn & 31;
  if (rd !== 31) {
    s[rd << 1] = r;
    s[(rd << 1) + 1] = 0;
  }
  return true;
}

export function addSr64(cpu: Cpu, insn: number): boolean {
  if ((insn & 0xc00000) === 0xc00000) return false;
  const rd = insn & 31;
  if (rd === 31) return true;
  const s = cpu.s;
  const rm = (insn >>> 16) & 31;
  let ml = 0;
  let mh = 0;
  if (rm !== 31) {
    ml = s[rm << 1];
    mh = s[(rm << 1) + 1];
  }
  if ((insn & 0xfc00) !== 0) {
    // ShiftReg(m, shift, imm6); amount 0 (the common MOV/CMP forms) skips it.
    ml = shiftReg64(ml, mh, (insn >>> 22) & 3, (insn >>> 10) & 63);
    mh = r64[1];
  }
  const rn = (insn >>> 5) & 31;
  const nl = rn === 31 ? 0 : s[rn << 1];
  const nh = rn === 31 ? 0 : s[(rn << 1) + 1];
  const lo = (nl + ml) | 0;
  s[(rd << 1) + 1] = (nh + mh + ((lo >>> 0) < (nl >>> 0) ? 1 : 0)) | 0;
  s[rd << 1] = lo;
  return true;
}

/** SUB (NEG when Rn = ZR). */
export function subSr64(cpu: Cpu, insn: number): boolean {
  if ((insn & 0xc00000) === 0xc00000) return false;
  const rd = insn & 31;
  if (rd === 31) return true;
  const s = cpu.s;
  const rm = (insn >>> 16) & 31;
  let ml = 0;
  let mh = 0;
  if (rm !== 31) {
    ml = s[rm << 1];
    mh = s[(rm << 1) + 1];
  }
  if ((insn & 0xfc00) !== 0) {
    // ShiftReg(m, shift, imm6); amount 0 (the common MOV/CMP forms) skips it.
    ml = shiftReg64(ml, mh, (insn >>> 22) & 3, (insn >>> 10) & 63);
    mh = r64[1];
  }
  const rn = (insn >>> 5) & 31;
  const nl = rn === 31 ? 0 : s[rn << 1];
  const nh = rn === 31 ? 0 : s[(rn << 1) + 1];
  s[(rd << 1) + 1] = (nh - mh - ((nl >>> 0) < (ml >>> 0) ? 1 : 0)) | 0;
  s[rd << 1] = (nl - ml) | 0;
  return true;
}

export function addsSr64(cpu: Cpu, insn: number): boolean {
  if ((insn & 0xc00000) === 0xc00000) return false;
  const s = cpu.s;
  const rm = (insn >>> 16) & 31;
  let ml = 0;
  let mh = 0;
  if (rm !== 31) {
    ml = s[rm << 1];
    mh = s[(rm << 1) + 1];
  }
  if ((insn & 0xfc00) !== 0) {
    // ShiftReg(m, shift, imm6); amount 0 (the common MOV/CMP forms) skips it.
    ml = shiftReg64(ml, mh, (insn >>> 22) & 3, (insn >>> 10) & 63);
    mh = r64[1];
  }
  const rn = (insn >>> 5) & 31;
  const r = addWithCarry64(s, wn(s, rn), rn === 31 ? 0 : s[(rn << 1) + 1], ml, mh, 0);
  const rd = insn & 31;
  if (rd !== 31) {
    s[rd << 1] = r;
    s[(rd << 1) + 1] = r64[1];
  }
  return true;
}

export function subsSr64(cpu: Cpu, insn: number): boolean {
  if ((insn & 0xc00000) === 0xc00000) return false;
  const s = cpu.s;
  const rm = (insn >>> 16) & 31;
  let ml = 0;
  let mh = 0;
  if (rm !== 31) {
    ml = s[rm << 1];
    mh = s[(rm << 1) + 1];
  }
  if ((insn & 0xfc00) !== 0) {
    // ShiftReg(m, shift, imm6); amount 0 (the common MOV/CMP forms) skips it.
    ml = shiftReg64(ml, mh, (insn >>> 22) & 3, (insn >>> 10) & 63);
    mh = r64[1];
  }
  const rn = (insn >>> 5) & 31;
  const r = addWithCarry64(s, wn(s, rn), rn === 31 ? 0 : s[(rn << 1) + 1], ~ml, ~mh, 1);
  const rd = insn & 31;
  if (rd !== 31) {
    s[rd << 1] = r;
    s[(rd << 1) + 1] = r64[1];
  }
  return true;
}

// ---- add/subtract (extended register) --------------------------------------------------------
// ExtendReg(m, option, imm3): Rm<len-1:0> extended (UXTB/H/W/X, SXTB/H/W/X), then LSL imm3.
// imm3 > 4 is reserved: UNDEFINED. Rn and (non-flag-setting) Rd are SP when 31.

/** ExtendReg() for N = 32. */
function extendedRm32(s: Int32Array, insn: number): number {
  let x = wn(s, (insn >>> 16) & 31);
  switch ((insn >>> 13) & 7) {
    case 0: x &= 0xff; break; // UXTB
    case 1: x &= 0xffff; break; // UXTH
    case 4: x = (x << 24) >> 24; break; // SXTB
    case 5: x = (x << 16) >> 16; break; // SXTH
    default: break; // UXTW, UXTX, SXTW, SXTX: all 32 bits
  }
  return x << ((insn >>> 10) & 7);
}

/** ExtendReg() for N = 64: returns lo, r64[1] = hi. */
function extendedRm64(s: Int32Array, insn: number): number {
  const rm = (insn >>> 16) & 31;
  let lo = 0;
  let hi = 0;
  if (rm !== 31) {
    lo = s[rm << 1];
    hi = s[(rm << 1) + 1];
  }
  switch ((insn >>> 13) & 7) {
    case 0: lo &= 0xff; hi = 0; break; // UXTB
    case 1: lo &= 0xffff; hi = 0; break; // UXTH
    case 2: hi = 0; break; // UXTW
    case 3: break; // UXTX
    case 4: lo = (lo << 24) >> 24; hi = lo >> 31; break; // SXTB
    case 5: lo = (lo << 16) >> 16; hi = lo >> 31; break; // SXTH
    case 6: hi = lo >> 31; break; // SXTW
    default: break; // SXTX
  }
  const sh = (insn >>> 10) & 7;
  if (sh !== 0) {
    hi = (hi << sh) | (lo >>> (32 - sh));
    lo = lo << sh;
  }
  r64[1] = hi;
  return lo;
}

export function addExt32(cpu: Cpu, insn: number): boolean {
  if (((insn >>> 10) & 7) > 4) return false;
  const s = cpu.s;
  const d = (insn & 31) << 1;
  s[d] = (s[((insn >>> 5) & 31) << 1] + extendedRm32(s, insn)) | 0;
  s[d + 1] = 0;
  return true;
}

export function subExt32(cpu: Cpu, insn: number): boolean {
  if (((insn >>> 10) & 7) > 4) return false;
  const s = cpu.s;
  const d = (insn & 31) << 1;
  s[d] = (s[((insn >>> 5) & 31) << 1] - extendedRm32(s, insn)) | 0;
  s[d + 1] = 0;
  return true;
}

export function addsExt32(cpu: Cpu, insn: number): boolean {
  if (((insn >>> 10) & 7) > 4) return false;
  const s = cpu.s;
  const r = addWithCarry32(s, s[((insn >>> 5) & 31) << 1], extendedRm32(s, insn), 0);
  const rd = insn & 31;
  if (rd !== 31) {
    s[rd << 1] = r;
    s[(rd << 1) + 1] = 0;
  }
  return true;
}

export function subsExt32(cpu: Cpu, insn: number): boolean {
  if (((insn >>> 10) & 7) > 4) return false;
  const s = cpu.s;
  const r = addWithCarry32(s, s[((insn >>> 5) & 31) << 1], ~extendedRm32(s, insn), 1);
  const rd = insn & 31;
  if (rd !== 31) {
    s[rd << 1] = r;
    s[(rd << 1) + 1] = 0;
  }
  return true;
}

export function addExt64(cpu: Cpu, insn: number): boolean {
  if (((insn >>> 10) & 7) > 4) return false;
  const s = cpu.s;
  const ml = extendedRm64(s, insn);
  const mh = r64[1];
  const n = ((insn >>> 5) & 31) << 1;
  const d = (insn & 31) << 1;
  const nl = s[n];
  const lo = (nl + ml) | 0;
  s[d + 1] = (s[n + 1] + mh + ((lo >>> 0) < (nl >>> 0) ? 1 : 0)) | 0;
  s[d] = lo;
  return true;
}

export function subExt64(cpu: Cpu, insn: number): boolean {
  if (((insn >>> 10) & 7) > 4) return false;
  const s = cpu.s;
  const ml = extendedRm64(s, insn);
  const mh = r64[1];
  const n = ((insn >>> 5) & 31) << 1;
  const d = (insn & 31) << 1;
  const nl = s[n];
  s[d + 1] = (s[n + 1] - mh - ((nl >>> 0) < (ml >>> 0) ? 1 : 0)) | 0;
  s[d] = (nl - ml) | 0;
  return true;
}

export function addsExt64(cpu: Cpu, insn: number): boolean {
  if (((insn >>> 10) & 7) > 4) return false;
  const s = cpu.s;
  const ml = extendedRm64(s, insn);
  const mh = r64[1];
  const n = ((insn >>> 5) & 31) << 1;
  const r = addWithCarry64(s, s[n], s[n + 1], ml, mh, 0);
  const rd = insn & 31;
  if (rd !== 31) {
    s[rd << 1] = r;
    s[(rd << 1) + 1] = r64[1];
  }
  return true;
}

export function subsExt64(cpu: Cpu, insn: number): boolean {
  if (((insn >>> 10) & 7) > 4) return false;
  const s = cpu.s;
  const ml = extendedRm64(s, insn);
  const mh = r64[1];
  const n = ((insn >>> 5) & 31) << 1;
  const r = addWithCarry64(s, s[n], s[n + 1], ~ml, ~mh, 1);
  const rd = insn & 31;
  if (rd !== 31) {
    s[rd << 1] = r;
    s[(rd << 1) + 1] = r64[1];
  }
  return true;
}

// ---- add/subtract with carry -----------------------------------------------------------------
// ADC: AddWithCarry(n, m, C); SBC: AddWithCarry(n, NOT(m), C) (NGC/NGCS when Rn = ZR).

export function adc32(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  s[rd << 1] = (wn(s, (insn >>> 5) & 31) + wn(s, (insn >>> 16) & 31) + s[S.CF]) | 0;
  s[(rd << 1) + 1] = 0;
}

export function sbc32(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  s[rd << 1] = (wn(s, (insn >>> 5) & 31) + ~wn(s, (insn >>> 16) & 31) + s[S.CF]) | 0;
  s[(rd << 1) + 1] = 0;
}

export function adcs32(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const r = addWithCarry32(s, wn(s, (insn >>> 5) & 31), wn(s, (insn >>> 16) & 31), s[S.CF]);
  const rd = insn & 31;
  if (rd !== 31) {
    s[rd << 1] = r;
    s[(rd << 1) + 1] = 0;
  }
}

export function sbcs32(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const r = addWithCarry32(s, wn(s, (insn >>> 5) & 31), ~wn(s, (insn >>> 16) & 31), s[S.CF]);
  const rd = insn & 31;
  if (rd !== 31) {
    s[rd << 1] = r;
    s[(rd << 1) + 1] = 0;
  }
}

/** ADC/SBC/ADCS/SBCS for N = 64: op = bit 30 (subtract), S = bit 29 (set flags). */
function adcSbc64(cpu: Cpu, insn: number, sub: boolean, setFlags: boolean): void {
  const s = cpu.s;
  const rn = (insn >>> 5) & 31;
  const rm = (insn >>> 16) & 31;
  const rd = insn & 31;
  const nl = rn === 31 ? 0 : s[rn << 1];
  const nh = rn === 31 ? 0 : s[(rn << 1) + 1];
  let ml = rm === 31 ? 0 : s[rm << 1];
  let mh = rm === 31 ? 0 : s[(rm << 1) + 1];
  if (sub) {
    ml = ~ml;
    mh = ~mh;
  }
  let lo: number;
  let hi: number;
  if (setFlags) {
    lo = addWithCarry64(s, nl, nh, ml, mh, s[S.CF]);
    hi = r64[1];
  } else {
    const ul = (nl >>> 0) + (ml >>> 0) + s[S.CF];
    lo = ul | 0;
    hi = (nh + mh + (ul > 0xffffffff ? 1 : 0)) | 0;
  }
  if (rd !== 31) {
    s[rd << 1] = lo;
    s[(rd << 1) + 1] = hi;
  }
}

export function adc64(cpu: Cpu, insn: number): void {
  adcSbc64(cpu, insn, false, false);
}
export function sbc64(cpu: Cpu, insn: number): void {
  adcSbc64(cpu, insn, true, false);
}
export function adcs64(cpu: Cpu, insn: number): void {
  adcSbc64(cpu, insn, false, true);
}
export function sbcs64(cpu: Cpu, insn: number): void {
  adcSbc64(cpu, insn, true, true);
}

// ---- conditional compare (register and immediate) --------------------------------------------
// If ConditionHolds(cond): flags of AddWithCarry(n, m, 0) (CCMN) or (n, NOT(m), 1) (CCMP);
// else NZCV = the nzcv field. Bit 11 selects imm5 (immediate form) over Rm.

function setNzcvField(s: Int32Array, insn: number): void {
  s[S.NF] = (insn >>> 3) & 1;
  s[S.ZF] = (insn >>> 2) & 1;
  s[S.CF] = (insn >>> 1) & 1;
  s[S.VF] = insn & 1;
}

export function ccmn32(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  if (!conditionHolds(s, (insn >>> 12) & 15)) return setNzcvField(s, insn);
  const m = (insn & 0x800) !== 0 ? (insn >>> 16) & 31 : wn(s, (insn >>> 16) & 31);
  addWithCarry32(s, wn(s, (insn >>> 5) & 31), m, 0);
}

export function ccmp32(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  if (!conditionHolds(s, (insn >>> 12) & 15)) return setNzcvField(s, insn);
  const m = (insn & 0x800) !== 0 ? (insn >>> 16) & 31 : wn(s, (insn >>> 16) & 31);
  addWithCarry32(s, wn(s, (insn >>> 5) & 31), ~m, 1);
}

function ccmpCcmn64(cpu: Cpu, insn: number, sub: boolean): void {
  const s = cpu.s;
  if (!conditionHolds(s, (insn >>> 12) & 15)) return setNzcvField(s, insn);
  const rn = (insn >>> 5) & 31;
  const f = (insn >>> 16) & 31;
  let ml = 0;
  let mh = 0;
  if ((insn & 0x800) !== 0) ml = f;
  else if (f !== 31) {
    ml = s[f << 1];
    mh = s[(f << 1) + 1];
  }
  const nl = rn === 31 ? 0 : s[rn << 1];
  const nh = rn === 31 ? 0 : s[(rn << 1) + 1];
  if (sub) addWithCarry64(s, nl, nh, ~ml, ~mh, 1);
  else addWithCarry64(s, nl, nh, ml, mh, 0);
}

export function ccmn64(cpu: Cpu, insn: number): void {
  ccmpCcmn64(cpu, insn, false);
}
export function ccmp64(cpu: Cpu, insn: number): void {
  ccmpCcmn64(cpu, insn, true);
}

// ---- conditional select ----------------------------------------------------------------------
// Rd = ConditionHolds(cond) ? Rn : f(Rm) with f = identity (CSEL), +1 (CSINC: CSET, CINC),
// NOT (CSINV: CSETM, CINV), negate (CSNEG: CNEG).

export function csel32(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  s[rd << 1] = conditionHolds(s, (insn >>> 12) & 15) ? wn(s, (insn >>> 5) & 31) : wn(s, (insn >>> 16) & 31);
  s[(rd << 1) + 1] = 0;
}

export function csinc32(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  s[rd << 1] = conditionHolds(s, (insn >>> 12) & 15) ? wn(s, (insn >>> 5) & 31) : (wn(s, (insn >>> 16) & 31) + 1) | 0;
  s[(rd << 1) + 1] = 0;
}

export function csinv32(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  s[rd << 1] = conditionHolds(s, (insn >>> 12) & 15) ? wn(s, (insn >>> 5) & 31) : ~wn(s, (insn >>> 16) & 31);
  s[(rd << 1) + 1] = 0;
}

export function csneg32(cpu: Cpu, insn: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  s[rd << 1] = conditionHolds(s, (insn >>> 12) & 15) ? wn(s, (insn >>> 5) & 31) : -wn(s, (insn >>> 16) & 31) | 0;
  s[(rd << 1) + 1] = 0;
}

/** CSEL family for N = 64: op = 0 identity, 1 increment, 2 invert, 3 negate. */
function csel64Op(cpu: Cpu, insn: number, op: number): void {
  const rd = insn & 31;
  if (rd === 31) return;
  const s = cpu.s;
  let lo = 0;
  let hi = 0;
  if (conditionHolds(s, (insn >>> 12) & 15)) {
    const rn = (insn >>> 5) & 31;
    if (rn !== 31) {
      lo = s[rn << 1];
      hi = s[(rn << 1) + 1];
    }
  } else {
    const rm = (insn >>> 16) & 31;
    if (rm !== 31) {
      lo = s[rm << 1];
      hi = s[(rm << 1) + 1];
    }
    if (op === 1) {
      lo = (lo + 1) | 0;
      if (lo === 0) hi = (hi + 1) | 0;
    } else if (op === 2) {
      lo = ~lo;
      hi = ~hi;
    } else if (op === 3) {
      lo = -lo | 0;
      hi = (~hi + (lo === 0 ? 1 : 0)) | 0;
    }
  }
  s[rd << 1] = lo;
  s[(rd << 1) + 1] = hi;
}

export function csel64(cpu: Cpu, insn: number): void {
  csel64Op(cpu, insn, 0);
}
export function csinc64(cpu: Cpu, insn: number): void {
  csel64Op(cpu, insn, 1);
}
export function csinv64(cpu: Cpu, insn: number): void {
  csel64Op(cpu, insn, 2);
}
export function csneg64(cpu: Cpu, insn: number): void {
  csel64Op(cpu, insn, 3);
}
