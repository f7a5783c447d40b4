/**
 * Advanced SIMD permute, extract, table lookup, copy and modified immediate (Arm ARM DDI
 * 0487K.a C4.1.95; C7.2 UZP1, TRN1, ZIP1, EXT, TBL, TBX, DUP (element, general), INS (element,
 * general), UMOV, SMOV, MOVI, MVNI, ORR/BIC (vector, immediate), FMOV (vector, immediate)):
 *
 *   0 Q 001110 size 0 Rm 0 opcode 10 Rn Rd         permute (ZIP/UZP/TRN)
 *   0 Q 101110 00 0 Rm 0 imm4 0 Rn Rd              EXT
 *   0 Q 001110 00 0 Rm 0 len op 00 Rn Rd           TBL / TBX
 *   0 Q op 01110000 imm5 0 imm4 1 Rn Rd            copy (and 01 op 11110000 ... scalar DUP)
 *   0 Q op 0111100000 abc cmode o2 1 defgh Rd      modified immediate
 */
import type { Cpu } from '../cpu.js';
import { S } from '../state.js';
import { r64 } from './int64.js';
import { checkFpEnabled } from './fp-access.js';
import { VA, VB, VC, VD, loadV, storeV, clearV, getP, putP, getU, put } from './simd-util.js';

/** UZP1/UZP2, TRN1/TRN2, ZIP1/ZIP2. opcode insn[14:12]: 001 UZP1, 010 TRN1, 011 ZIP1, +4 for the "2" forms. */
export function simdPermute(cpu: Cpu, insn: number): boolean {
  const q = (insn >>> 30) & 1;
  const size = (insn >>> 22) & 3;
  if (size === 3 && q === 0) return false;
  checkFpEnabled(cpu);
  const s = cpu.s;
  const opcode = (insn >>> 12) & 7;
  const part = opcode >>> 2;
  const elements = (8 << q) >>> size;
  const half = elements >>> 1;
  loadV(s, (insn >>> 5) & 31, VA, 0);
  loadV(s, (insn >>> 16) & 31, VB, 0);
  // UZP reads the concatenation Vm:Vn (n first): put Vm's elements right after Vn's in VA.
  if ((opcode & 3) === 1) {
    for (let e = 0; e < elements; e++) {
      const lo = getP(VB, size, e, 1);
      putP(VA, size, elements + e, lo, r64[1]);
    }
  }
  for (let p = 0; p < half; p++) {
    switch (opcode & 3) {
      case 1: // UZP: result[e] = concat[2e + part]
        putP(VD, size, p, getP(VA, size, 2 * p + part, 1), r64[1]);
        putP(VD, size, half + p, getP(VA, size, 2 * (half + p) + part, 1), r64[1]);
        break;
      case 2: // TRN
        putP(VD, size, 2 * p, getP(VA, size, 2 * p + part, 1), r64[1]);
        putP(VD, size, 2 * p + 1, getP(VB, size, 2 * p + part, 1), r64[1]);
        break;
      default: // ZIP
        putP(VD, size, 2 * p, getP(VA, size, part * half + p, 1), r64[1]);
        putP(VD, size, 2 * p + 1, getP(VB, size, part * half + p, 1), r64[1]);
        break;
    }
  }
  storeV(s, insn & 31, VD, q);
  return true;
}

/** EXT: bytes imm4.. of Vm:Vn (datasize each). Q = 0 with imm4<3> = 1 is reserved. */
export function simdExt(cpu: Cpu, insn: number): boolean {
  const q = (insn >>> 30) & 1;
  const pos = (insn >>> 11) & 15;
  if (q === 0 && pos >= 8) return false;
  checkFpEnabled(cpu);
  const s = cpu.s;
  const bytes = 8 << q;
  loadV(s, (insn >>> 5) & 31, VA, 0);
  loadV(s, (insn >>> 16) & 31, VB, 0);
  if (q !== 0) loadV(s, (insn >>> 16) & 31, VA, 4);
  else {
    VA[2] = VB[0];
    VA[3] = VB[1];
  }
  for (let i = 0; i < bytes; i++) put(VD, 0, i, getU(VA, 0, pos + i));
  storeV(s, insn & 31, VD, q);
  return true;
}

/** Byte view of the scratch table (up to 4 registers = 16 words). */
const TBL = new Int32Array(16);
const TBL8 = new Uint8Array(TBL.buffer);

/** TBL / TBX with 1-4 table registers (n, n+1, ... modulo 32). op insn[12]: 0 TBL, 1 TBX. */
export function simdTbl(cpu: Cpu, insn: number): boolean {
  checkFpEnabled(cpu);
  const s = cpu.s;
  const q = (insn >>> 30) & 1;
  const regs = ((insn >>> 13) & 3) + 1;
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  const tbx = (insn & 0x1000) !== 0;
  for (let r = 0; r < regs; r++) loadV(s, (n + r) & 31, TBL, r << 2);
  loadV(s, (insn >>> 16) & 31, VB, 0);
  loadV(s, d, VC, 0);
  const limit = regs << 4;
  for (let i = 0; i < (8 << q); i++) {
    const idx = getU(VB, 0, i);
    put(VD, 0, i, idx < limit ? TBL8[idx] : tbx ? getU(VC, 0, i) : 0);
  }
  storeV(s, d, VD, q);
  return true;
}

/** X[n] with 31 = ZR: low word (high word in r64[1]). */
function readX(s: Int32Array, n: number): number {
  if (n === 31) {
    r64[1] = 0;
    return 0;
  }
  r64[1] = s[(n << 1) | 1];
  return s[n << 1];
}

/** Copy: DUP (element, general), SMOV, UMOV, INS (general, element), scalar DUP (element). */
export function simdCopy(cpu: Cpu, insn: number): boolean {
  const q = (insn >>> 30) & 1;
  const op = (insn >>> 29) & 1;
  const scalar = (insn & 0x10000000) !== 0;
  const imm5 = (insn >>> 16) & 31;
  const imm4 = (insn >>> 11) & 15;
  const size = imm5 & 1 ? 0 : imm5 & 2 ? 1 : imm5 & 4 ? 2 : imm5 & 8 ? 3 : 4;
  if (size === 4) return false;
  const index = imm5 >>> (size + 1);
  const n = (insn >>> 5) & 31;
  const d = insn & 31;
  const s = cpu.s;
  if (scalar || (op === 0 && imm4 === 0)) {
    // DUP (element), vector or scalar.
    if (!scalar && size === 3 && q === 0) return false;
    checkFpEnabled(cpu);
    loadV(s, n, VA, 0);
    const lo = getP(VA, size, index, 1);
    const hi = r64[1];
    clearV(VD);
    const elements = scalar ? 1 : (8 << q) >>> size;
    for (let e = 0; e < elements; e++) putP(VD, size, e, lo, hi);
    storeV(s, d, VD, scalar ? 0 : q);
    return true;
  }
  if (op !== 0) {
    // INS (element): Vd[index] = Vn[imm4 >> size].
    checkFpEnabled(cpu);
    loadV(s, n, VA, 0);
    loadV(s, d, VD, 0);
    const lo = getP(VA, size, imm4 >>> size, 1);
    putP(VD, size, index, lo, r64[1]);
    storeV(s, d, VD, 1);
    return true;
  }
  switch (imm4) {
    case 0b0001: { // DUP (general)
      if (size === 3 && q === 0) return false;
      checkFpEnabled(cpu);
      const lo = readX(s, n);
      const hi = r64[1];
      clearV(VD);
      const elements = (8 << q) >>> size;
      for (let e = 0; e < elements; e++) putP(VD, size, e, lo, hi);
      storeV(s, d, VD, q);
      return true;
    }
    case 0b0011: { // INS (general), Q = 1
      checkFpEnabled(cpu);
      const lo = readX(s, n);
      const hi = r64[1];
      loadV(s, d, VD, 0);
      putP(VD, size, index, lo, hi);
      storeV(s, d, VD, 1);
      return true;
    }
    case 0b0101: // SMOV: Q = 0 -> W (size 0, 1), Q = 1 -> X (size 0..2)
    case 0b0111: { // UMOV: Q = 0 -> W (size 0..2), Q = 1 -> X (size 3)
      const smov = imm4 === 0b0101;
      if (smov ? size >= 2 + q : q === 0 ? size === 3 : size !== 3) return false;
      checkFpEnabled(cpu);
      loadV(s, n, VA, 0);
      const lo = getP(VA, size, index, smov ? 0 : 1);
      const hi = q !== 0 ? r64[1] : 0;
      if (d !== 31) {
        s[d << 1] = lo;
        s[(d << 1) | 1] = hi;
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * AdvSIMDExpandImm(op, cmode, imm8) into (lo, hi) = r64, and the modified immediate
 * instructions: MOVI/MVNI (cmode 0xx0, 10x0, 110x, 1110), ORR/BIC (0xx1, 10x1), MOVI 64-bit
 * (op = 1, cmode 1110), FMOV (cmode 1111: single for op = 0, double for op = 1 with Q = 1,
 * half precision for o2 = 1).
 */
export function simdModImm(cpu: Cpu, insn: number): boolean {
  const q = (insn >>> 30) & 1;
  const op = (insn >>> 29) & 1;
  const cmode = (insn >>> 12) & 15;
  const o2 = (insn >>> 11) & 1;
  const imm8 = (((insn >>> 16) & 7) << 5) | ((insn >>> 5) & 31);
  if (cmode === 15 && op === 1 && q === 0) return false;
  checkFpEnabled(cpu);
  const s = cpu.s;
  const d = insn & 31;
  let lo: number;
  let hi: number;
  switch (cmode >>> 1) {
    case 0: case 1: case 2: case 3:
      lo = imm8 << ((cmode >>> 1) << 3);
      hi = lo;
      break;
    case 4: case 5:
      lo = (imm8 << ((cmode >>> 1) & 1 ? 8 : 0)) * 0x10001;
      hi = lo;
      break;
    case 6:
      lo = (cmode & 1) === 0 ? (imm8 << 8) | 0xff : (imm8 << 16) | 0xffff;
      hi = lo;
      break;
    default:
      if ((cmode & 1) === 0) {
        if (op === 0) {
          lo = imm8 * 0x01010101;
          hi = lo;
        } else {
          // Each bit of imm8 becomes a byte of ones or zeros.
          lo = 0;
          hi = 0;
          for (let b = 0; b < 4; b++) {
            if (((imm8 >>> b) & 1) !== 0) lo |= 0xff << (b << 3);
            if (((imm8 >>> (b + 4)) & 1) !== 0) hi |= 0xff << (b << 3);
          }
        }
      } else {
        const a = imm8 >>> 7;
        const b = (imm8 >>> 6) & 1;
        const cdefgh = imm8 & 63;
        if (o2 !== 0) {
          // FMOV half: a:NOT(b):Replicate(b, 2):cdefgh:Zeros(6), replicated.
          const h = (a << 15) | ((b ^ 1) << 14) | (b ? 0x3000 : 0) | (cdefgh << 6);
          lo = h * 0x10001;
          hi = lo;
        } else if (op === 0) {
          // FMOV single: a:NOT(b):Replicate(b, 5):cdefgh:Zeros(19), replicated.
          lo = (a << 31) | ((b ^ 1) << 30) | (b ? 0x3e000000 : 0) | (cdefgh << 19);
          hi = lo;
        } else {
          // FMOV double: a:NOT(b):Replicate(b, 8):cdefgh:Zeros(48).
          lo = 0;
          hi = (a << 31) | ((b ^ 1) << 30) | (b ? 0x3fc00000 : 0) | (cdefgh << 16);
        }
      }
      break;
  }
  lo |= 0;
  hi |= 0;
  const v = S.V0 + (d << 2);
  const isOrrBic = cmode < 12 && (cmode & 1) !== 0;
  if (isOrrBic) {
    // ORR (op = 0) / BIC (op = 1) with the register.
    const ml = op !== 0 ? ~lo : lo;
    const mh = op !== 0 ? ~hi : hi;
    loadV(s, d, VD, 0);
    if (op !== 0) {
      VD[0] &= ml;
      VD[1] &= mh;
      VD[2] &= ml;
      VD[3] &= mh;
    } else {
      VD[0] |= ml;
      VD[1] |= mh;
      VD[2] |= ml;
      VD[3] |= mh;
    }
    storeV(s, d, VD, q);
    return true;
  }
  if (op !== 0 && cmode < 14) {
    // MVNI
    lo = ~lo;
    hi = ~hi;
  }
  s[v] = lo;
  s[v + 1] = hi;
  s[v + 2] = q !== 0 ? lo : 0;
  s[v + 3] = q !== 0 ? hi : 0;
  return true;
}
