/**
 * Advanced SIMD two-register miscellaneous (integer), its scalar form, and across lanes
 * (Arm ARM DDI 0487K.a C4.1.95; C7.2 REV64, SADDLP, SUQADD, CLS, CNT, NOT, RBIT, SQABS, CMGT
 * (zero), ABS, XTN, SQXTN, SQXTUN, SHLL, ADDV, SADDLV, SMAXV...):
 *
 *   0 Q U 01110 size 10000 opcode 10 Rn Rd      two-register misc (vector)
 *   01 U 11110 size 10000 opcode 10 Rn Rd       two-register misc (scalar)
 *   0 Q U 01110 size 11000 opcode 10 Rn Rd      across lanes
 *
 * The table claims only the integer opcodes; the floating-point ones are decode/fp.ts's.
 */
import type { Cpu } from '../cpu.js';
import { r64, add64, neg64, cls32 } from './int64.js';
import { checkFpEnabled } from './fp-access.js';
import {
  VA, VC, VD, sat, setQC, loadV, storeV, clearV, getE, getU, getS, put, getP, putP,
  satPS, fitsU, satBoundS, satBoundU, shlP, popcount32,
} from './simd-util.js';

/** Size/Q/U combinations each two-register misc opcode allows (vector or scalar). */
function miscOk(opcode: number, u: number, size: number, q: number, scalar: boolean): boolean {
  switch (opcode) {
    case 0b00000: return !scalar && size < 3 - u; // REV64 0..2, REV32 0..1
    case 0b00001: return !scalar && u === 0 && size === 0; // REV16
    case 0b00010: case 0b00110: case 0b00100: return !scalar && size !== 3; // xADDLP, xADALP, CLS/CLZ
    case 0b00101: return !scalar && (u === 0 ? size === 0 : size <= 1); // CNT, NOT, RBIT
    case 0b00011: case 0b00111: return scalar || size !== 3 || q !== 0; // SUQADD/USQADD, SQABS/SQNEG
    case 0b01000: case 0b01001: case 0b01011: return scalar ? size === 3 : size !== 3 || q !== 0;
    case 0b01010: return u === 0 && (scalar ? size === 3 : size !== 3 || q !== 0); // CMLT
    case 0b10010: return size !== 3 && (u !== 0 || !scalar); // XTN (vector), SQXTUN
    case 0b10011: return !scalar && u !== 0 && size !== 3; // SHLL
    case 0b10100: return size !== 3; // SQXTN / UQXTN
    default: return false;
  }
}

/** Reverse the bits of a byte. */
function rbit8(x: number): number {
  x = ((x & 0xf0) >>> 4) | ((x & 0x0f) << 4);
  x = ((x & 0xcc) >>> 2) | ((x & 0x33) << 2);
  return ((x & 0xaa) >>> 1) | ((x & 0x55) << 1);
}

/** SUQADD (u = 0) / USQADD (u = 1) of element e of Vd (VC) and Vn (VA); result in r64. */
function sqaddMixed(size: number, e: number, u: number): number {
  const xl = getP(VC, size, e, u);
  const xh = r64[1];
  const yl = getP(VA, size, e, 1 - u);
  const yh = r64[1];
  const rl = add64(xl, xh, yl, yh);
  const rh = r64[1];
  if (size !== 3) {
    if (u === 0) return satPS(rl, rh, size);
    // USQADD: UnsignedSatQ of a sum known to fit in 64 bits signed.
    if (rh < 0) return satBoundU(size, true);
    return fitsU(rl, rh, size) ? rl : satBoundU(size, false);
  }
  // 64-bit: the true sum is r + k * 2^64, k = carry - (the signed operand < 0).
  const carry = (rh >>> 0) < (xh >>> 0) || (rh === xh && (rl >>> 0) < (xl >>> 0)) ? 1 : 0;
  const k = carry - ((u === 0 ? xh : yh) < 0 ? 1 : 0);
  if (u === 0) {
    if (k > 0 || (k === 0 && rh < 0)) return satBoundS(3, false);
  } else {
    if (k > 0) return satBoundU(3, false);
    if (k < 0) return satBoundU(3, true);
  }
  r64[0] = rl;
  r64[1] = rh;
  return rl;
}

/** One lane of the opcodes that allow 64-bit elements (pair arithmetic for every size). */
function pairLane(opcode: number, u: number, size: number, e: number): void {
  if (opcode === 0b00011) {
    const lo = sqaddMixed(size, e, u);
    putP(VD, size, e, lo, r64[1]);
    return;
  }
  const xl = getP(VA, size, e, 0);
  const xh = r64[1];
  let t: boolean;
  switch (opcode) {
    case 0b00111: { // SQABS / SQNEG
      if (u === 0 && xh >= 0) {
        putP(VD, size, e, xl, xh);
        return;
      }
      const nl = neg64(xl, xh);
      const nh = r64[1];
      if (size === 3) {
        if (xl === 0 && xh === (0x80000000 | 0)) satBoundS(3, false);
      } else satPS(nl, nh, size);
      putP(VD, size, e, r64[0], r64[1]);
      return;
    }
    case 0b01011: { // ABS / NEG
      if (u === 0 && xh >= 0) putP(VD, size, e, xl, xh);
      else putP(VD, size, e, neg64(xl, xh), r64[1]);
      return;
    }
    case 0b01000: t = u !== 0 ? xh >= 0 : xh > 0 || (xh === 0 && xl !== 0); break; // CMGE / CMGT #0
    case 0b01001: t = u !== 0 ? xh < 0 || (xl | xh) === 0 : (xl | xh) === 0; break; // CMLE / CMEQ #0
    default: t = xh < 0; break; // CMLT #0
  }
  putP(VD, size, e, t ? -1 : 0, t ? -1 : 0);
}

/** Advanced SIMD two-register miscellaneous (integer), vector and scalar. */
export function simdMisc(cpu: Cpu, insn: number): boolean {
  const q = (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const scalar = (insn & 0x10000000) !== 0;
  const size = (insn >>> 22) & 3;
  const opcode = (insn >>> 12) & 31;
  if (!miscOk(opcode, u, size, q, scalar)) return false;
  checkFpEnabled(cpu);
  const s = cpu.s;
  const d = insn & 31;
  loadV(s, (insn >>> 5) & 31, VA, 0);
  loadV(s, d, VC, 0);
  sat[0] = 0;
  const elements = scalar ? 1 : (8 << q) >>> size;
  if (scalar) clearV(VD);
  switch (opcode) {
    case 0b00000: case 0b00001: {
      // REV64 / REV32 / REV16: element e comes from e XOR (elements per container - 1).
      const cbits = opcode === 0b00001 ? 4 : 6 - u; // log2(container bits)
      const x = (1 << (cbits - 3 - size)) - 1;
      for (let e = 0; e < elements; e++) put(VD, size, e, getU(VA, size, e ^ x));
      break;
    }
    case 0b00010: case 0b00110: {
      // SADDLP / UADDLP / SADALP / UADALP: pairs summed into 2 * esize.
      const acc = opcode === 0b00110;
      for (let e = 0; e < elements >>> 1; e++) {
        const al = getP(VA, size, 2 * e, u);
        const ah = r64[1];
        const bl = getP(VA, size, 2 * e + 1, u);
        let lo = add64(al, ah, bl, r64[1]);
        if (acc) {
          const sh = r64[1];
          const cl = getP(VC, size + 1, e, 1);
          lo = add64(lo, sh, cl, r64[1]);
        }
        putP(VD, size + 1, e, lo, r64[1]);
      }
      break;
    }
    case 0b00100: {
      // CLS / CLZ
      const pad = 32 - (8 << size);
      for (let e = 0; e < elements; e++) {
        put(VD, size, e, u !== 0 ? Math.clz32(getU(VA, size, e)) - pad : cls32(getS(VA, size, e)) - pad);
      }
      break;
    }
    case 0b00101: {
      // CNT (U=0), NOT (U=1 size 0), RBIT (U=1 size 1): bytewise.
      for (let e = 0; e < (8 << q); e++) {
        const x = getU(VA, 0, e);
        put(VD, 0, e, u === 0 ? popcount32(x) : size === 0 ? ~x : rbit8(x));
      }
      break;
    }
    case 0b10010: case 0b10100: {
      // XTN, SQXTUN, SQXTN, UQXTN: Vpart[d, part] = narrow(Elem[Vn, e, 2 * esize]).
      const part = scalar ? 0 : q;
      const n = scalar ? 1 : 8 >>> size;
      if (part !== 0) {
        VD[0] = VC[0];
        VD[1] = VC[1];
      }
      for (let e = 0; e < n; e++) {
        const srcU = opcode === 0b10100 ? u : 0;
        const xl = getP(VA, size + 1, e, srcU);
        const xh = r64[1];
        let v: number;
        if (opcode === 0b10010 && u === 0) v = xl; // XTN
        else if (opcode === 0b10100 && u !== 0) v = fitsU(xl, xh, size) ? xl : satBoundU(size, false); // UQXTN
        else if (opcode === 0b10100) v = satPS(xl, xh, size); // SQXTN
        else v = xh < 0 ? satBoundU(size, true) : fitsU(xl, xh, size) ? xl : satBoundU(size, false); // SQXTUN
        put(VD, size, part * n + e, v);
      }
      storeV(s, d, VD, part);
      setQC(s);
      return true;
    }
    case 0b10011: {
      // SHLL / SHLL2: Elem[Vpart[n, part], e] << esize, 2 * esize.
      const n = 8 >>> size;
      for (let e = 0; e < n; e++) {
        const lo = shlP(getU(VA, size, q * n + e) | 0, 0, 8 << size);
        putP(VD, size + 1, e, lo, r64[1]);
      }
      storeV(s, d, VD, 1);
      return true;
    }
    default:
      for (let e = 0; e < elements; e++) pairLane(opcode, u, size, e);
      break;
  }
  storeV(s, d, VD, scalar ? 0 : q);
  setQC(s);
  return true;
}

/** Advanced SIMD across lanes: SADDLV/UADDLV, SMAXV/UMAXV, SMINV/UMINV, ADDV. */
export function simdAcross(cpu: Cpu, insn: number): boolean {
  const q = (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const size = (insn >>> 22) & 3;
  const opcode = (insn >>> 12) & 31;
  if (size === 3 || (size === 2 && q === 0)) return false;
  checkFpEnabled(cpu);
  const s = cpu.s;
  loadV(s, (insn >>> 5) & 31, VA, 0);
  const elements = (8 << q) >>> size;
  let acc = getE(VA, size, 0, u);
  for (let e = 1; e < elements; e++) {
    const x = getE(VA, size, e, u);
    switch (opcode) {
      case 0b01010: if (x > acc) acc = x; break; // SMAXV / UMAXV
      case 0b11010: if (x < acc) acc = x; break; // SMINV / UMINV
      default: acc += x; break; // ADDV, SADDLV / UADDLV
    }
  }
  clearV(VD);
  if (opcode === 0b00011) {
    // 2 * esize result; the sum of 4 words is below 2^35 in magnitude, exact.
    if (size === 2) {
      VD[0] = acc | 0;
      VD[1] = Math.floor(acc / 4294967296) | 0;
    } else put(VD, size + 1, 0, acc);
  } else put(VD, size, 0, acc);
  storeV(s, insn & 31, VD, 0);
  return true;
}
