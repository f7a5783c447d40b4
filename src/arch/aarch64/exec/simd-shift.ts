/**
 * Advanced SIMD shift by immediate and Advanced SIMD scalar shift by immediate, integer forms
 * (Arm ARM DDI 0487K.a C4.1.95; C7.2 SSHR, SSRA, SRSHR, SRSRA, SRI, SHL, SLI, SQSHLU, SQSHL
 * (immediate), SHRN, RSHRN, SQSHRUN, SQRSHRUN, SQSHRN, SQRSHRN, SSHLL):
 *
 *   0 Q U 011110 immh immb opcode 1 Rn Rd      (vector, immh != 0000)
 *   01 U 111110 immh immb opcode 1 Rn Rd       (scalar)
 *
 * The element size is the highest set bit of immh; right shifts are 2 * esize - immh:immb,
 * left shifts immh:immb - esize (for the narrowing forms esize is the result size). All lanes
 * are computed as 64-bit (lo, hi) pairs, sign- or zero-extended per U.
 */
import type { Cpu } from '../cpu.js';
import { r64, add64 } from './int64.js';
import { checkFpEnabled } from './fp-access.js';
import {
  VA, VC, VD, sat, setQC, loadV, storeV, clearV, getP, putP, put, satPS, satPU, fitsS, fitsU,
  satBoundS, satBoundU, shlP, shrP, rshrP, AS8, AU8, AS16, AU16, AU32, CU8, CU16, CU32, DS8, DS16,
} from './simd-util.js';

/** log2(esize / 8) from immh (immh != 0). */
function immhSize(immh: number): number {
  return immh >= 8 ? 3 : immh >= 4 ? 2 : immh >= 2 ? 1 : 0;
}

/** Low word and high word of Ones(8 << size). */
function onesLo(size: number): number {
  return size >= 2 ? -1 : size === 1 ? 0xffff : 0xff;
}

/** Saturating left shift (SQSHL, UQSHL, SQSHLU) of (xl, xh) by sh < esize; result in r64. */
function qshl(xl: number, xh: number, sh: number, size: number, srcU: number, dstU: number): number {
  if (dstU !== 0 && srcU === 0 && xh < 0) return satBoundU(size, true); // SQSHLU of a negative
  const yl = shlP(xl, xh, sh);
  const yh = r64[1];
  shrP(yl, yh, sh, dstU);
  const ok = r64[0] === xl && r64[1] === xh && (dstU !== 0 ? fitsU(yl, yh, size) : fitsS(yl, yh, size));
  if (!ok) return dstU !== 0 ? satBoundU(size, false) : satBoundS(size, xh < 0);
  r64[0] = yl;
  r64[1] = yh;
  return yl;
}

/** Which opcodes exist, and their size constraints. */
function shiftOk(opcode: number, u: number, immh: number, q: number, scalar: boolean): boolean {
  switch (opcode) {
    case 0b00000: case 0b00010: case 0b00100: case 0b00110: case 0b01010:
      return scalar ? immh >= 8 : immh < 8 || q !== 0;
    case 0b01000: // SRI
      return u !== 0 && (scalar ? immh >= 8 : immh < 8 || q !== 0);
    case 0b01100: // SQSHLU
      return u !== 0 && (scalar || immh < 8 || q !== 0);
    case 0b01110: // SQSHL / UQSHL (immediate)
      return scalar || immh < 8 || q !== 0;
    case 0b10000: case 0b10001: // SHRN/RSHRN (vector only), SQSHRUN/SQRSHRUN
      return immh < 8 && (u !== 0 || !scalar);
    case 0b10010: case 0b10011: // SQSHRN/UQSHRN, SQRSHRN/UQRSHRN
      return immh < 8;
    case 0b10100: // SSHLL / USHLL
      return !scalar && immh < 8;
    default:
      return false;
  }
}

/** Advanced SIMD (scalar) shift by immediate, integer forms. */
export function simdShiftImm(cpu: Cpu, insn: number): boolean {
  const q = (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const scalar = (insn & 0x10000000) !== 0;
  const immh = (insn >>> 19) & 15;
  const immhb = (insn >>> 16) & 127;
  const opcode = (insn >>> 11) & 31;
  if (immh === 0 || !shiftOk(opcode, u, immh, q, scalar)) return false;
  checkFpEnabled(cpu);
  const s = cpu.s;
  const d = insn & 31;
  loadV(s, (insn >>> 5) & 31, VA, 0);
  loadV(s, d, VC, 0);
  sat[0] = 0;
  const size = immhSize(immh);
  const esize = 8 << size;
  if (scalar) clearV(VD);
  if (opcode >= 0b10000) {
    const part = scalar ? 0 : q;
    const n = scalar ? 1 : 8 >>> size;
    if (opcode === 0b10100) {
      // SSHLL / USHLL: Elem[Vpart[n, part], e] << shift into 2 * esize.
      const sh = immhb - esize;
      for (let e = 0; e < n; e++) {
        const xl = getP(VA, size, part * n + e, u);
        putP(VD, size + 1, e, shlP(xl, r64[1], sh), r64[1]);
      }
      storeV(s, d, VD, 1);
      return true;
    }
    // Narrowing: Vpart[d, part] = narrow((Elem[Vn, e, 2 * esize] + round) >> shift).
    const sh = 2 * esize - immhb;
    const round = (opcode & 1) !== 0;
    const srcU = opcode === 0b10000 || opcode === 0b10001 ? (u !== 0 ? 0 : 1) : u;
    if (part !== 0) {
      VD[0] = VC[0];
      VD[1] = VC[1];
    }
    for (let e = 0; e < n; e++) {
      const xl = getP(VA, size + 1, e, srcU);
      const xh = r64[1];
      const yl = round ? rshrP(xl, xh, sh, srcU) : shrP(xl, xh, sh, srcU);
      const yh = r64[1];
      let v: number;
      if (opcode <= 0b10001) v = u === 0 ? yl : satPU(yl, yh, size); // SHRN / SQSHRUN
      // UQSHRN: an unsigned 64-bit source rounded by 1 reaches 2^63 (hi looks negative).
      else if (u !== 0) v = fitsU(yl, yh, size) ? yl : satBoundU(size, false);
      else v = satPS(yl, yh, size); // SQSHRN
      put(VD, size, part * n + e, v);
    }
    storeV(s, d, VD, part);
    setQC(s);
    return true;
  }
  const elements = scalar ? 1 : (8 << q) >>> size;
  const right = 2 * esize - immhb;
  const left = immhb - esize;
  if (!scalar && size < 3 && (opcode <= 0b00110 || (opcode === 0b01010 && u === 0))) {
    // Fast path for 8/16/32-bit lanes: SSHR, SSRA, SRSHR, SRSRA (and U forms), SHL, as exact
    // number arithmetic through the lane views (a right shift by 32 is a division, not >>).
    const av = size === 0 ? (u !== 0 ? AU8 : AS8) : size === 1 ? (u !== 0 ? AU16 : AS16) : u !== 0 ? AU32 : VA;
    const cv = size === 0 ? CU8 : size === 1 ? CU16 : CU32;
    const dv = size === 0 ? DS8 : size === 1 ? DS16 : VD;
    const div = 2 ** right;
    const rc = (opcode & 4) !== 0 ? div / 2 : 0;
    const acc = (opcode & 2) !== 0;
    for (let e = 0; e < elements; e++) {
      if (opcode === 0b01010) dv[e] = av[e] << left;
      else dv[e] = Math.floor((av[e] + rc) / div) + (acc ? cv[e] : 0);
    }
    storeV(s, d, VD, q);
    return true;
  }
  const ol = onesLo(size);
  const oh = size === 3 ? -1 : 0;
  for (let e = 0; e < elements; e++) {
    const xl = getP(VA, size, e, opcode === 0b01100 ? 0 : u);
    const xh = r64[1];
    let rl: number;
    switch (opcode) {
      case 0b00000: case 0b00010: case 0b00100: case 0b00110: {
        // SSHR, SSRA, SRSHR, SRSRA (and U forms)
        rl = (opcode & 4) !== 0 ? rshrP(xl, xh, right, u) : shrP(xl, xh, right, u);
        if ((opcode & 2) !== 0) {
          const rh = r64[1];
          const cl = getP(VC, size, e, u);
          rl = add64(rl, rh, cl, r64[1]);
        }
        break;
      }
      case 0b01000: { // SRI: mask = Ones(esize) >> shift
        const ml = shrP(ol, oh, right, 1);
        const mh = r64[1];
        const yl = shrP(xl, xh, right, 1);
        const yh = r64[1];
        const cl = getP(VC, size, e, 1);
        const ch = r64[1];
        rl = (cl & ~ml) | (yl & ml);
        r64[1] = (ch & ~mh) | (yh & mh);
        break;
      }
      case 0b01010: { // SHL, SLI: mask = Ones(esize) << shift
        const yl = shlP(xl, xh, left);
        const yh = r64[1];
        if (u === 0) {
          rl = yl;
          r64[1] = yh;
          break;
        }
        const ml = shlP(ol, oh, left);
        const mh = r64[1];
        const cl = getP(VC, size, e, 1);
        const ch = r64[1];
        rl = (cl & ~ml) | (yl & ml);
        r64[1] = (ch & ~mh) | (yh & mh);
        break;
      }
      case 0b01100: // SQSHLU
        rl = qshl(xl, xh, left, size, 0, 1);
        break;
      default: // SQSHL / UQSHL (immediate)
        rl = qshl(xl, xh, left, size, u, u);
        break;
    }
    putP(VD, size, e, rl, r64[1]);
  }
  storeV(s, d, VD, scalar ? 0 : q);
  setQC(s);
  return true;
}
