/**
 * Advanced SIMD three same (integer) and Advanced SIMD scalar three same (Arm ARM DDI 0487K.a
 * C4.1.95; C7.2 ADD (vector), SHADD, SQADD, CMGT (register), SSHL, SQRSHL, SMAXP, ADDP (vector),
 * SQDMULH (vector), MLA, PMUL, AND/BSL (vector)...):
 *
 *   0 Q U 01110 size 1 Rm opcode 1 Rn Rd      (vector)
 *   01 U 11110 size 1 Rm opcode 1 Rn Rd       (scalar)
 *
 * The decode table only claims the integer opcodes (0xxxx, 10xxx); 11xxx are floating point.
 * Elements up to 32 bits are computed as JS numbers (exact), 64-bit elements as (lo, hi)
 * pairs; the shifts by register use the pair code for every size.
 */
import type { Cpu } from '../cpu.js';
import { S } from '../state.js';
import { checkFpEnabled } from './fp-access.js';
import { r64, add64, sub64, ltu64, smulh32 } from './int64.js';
import {
  VA, VB, VC, VD, sat, setQC, loadV, storeV, clearV, getS, getP, putP, satQ,
  fitsS, fitsU, satBoundS, satBoundU, shlP, shrP, rshrP,
  AS8, AU8, AS16, AU16, AU32, BS8, BU8, BS16, BU16, BU32, CU8, CU16, CU32, DS8, DS16,
} from './simd-util.js';

/**
 * The size/Q combinations an opcode allocates (the decode sections of C7.2): size 11 needs
 * Q = 1 in the vector forms; the scalar forms exist only for some opcodes, some only for D.
 */
function sizeOk(opcode: number, u: number, size: number, q: number, scalar: boolean): boolean {
  switch (opcode) {
    case 0b00001: case 0b00101: case 0b01001: case 0b01011: // SQADD, SQSUB, SQSHL, SQRSHL
      return scalar || size !== 3 || q !== 0;
    case 0b00110: case 0b00111: case 0b01000: case 0b01010: case 0b10000: case 0b10001:
      return scalar ? size === 3 : size !== 3 || q !== 0;
    case 0b10111: // ADDP
      return !scalar && (size !== 3 || q !== 0);
    case 0b10110: // SQDMULH, SQRDMULH
      return size === 1 || size === 2;
    case 0b10011: // MUL (U = 0), PMUL (U = 1, size 00)
      return !scalar && (u !== 0 ? size === 0 : size !== 3);
    default:
      return !scalar && size !== 3;
  }
}

/** Shift by register (SSHL, USHL, SRSHL, URSHL, SQSHL, UQSHL, SQRSHL, UQRSHL) of one lane. */
function shiftLane(size: number, i: number, u: number, rounding: boolean, saturating: boolean): number {
  const bl = size === 3 ? VB[i << 1] : getS(VB, size, i);
  const shift = (bl << 24) >> 24;
  const xl = getP(VA, size, i, u);
  const xh = r64[1];
  if (shift < 0) return rounding ? rshrP(xl, xh, -shift, u) : shrP(xl, xh, -shift, u);
  if (!saturating) return shlP(xl, xh, shift);
  if ((xl | xh) === 0) return shlP(0, 0, 0);
  const esize = 8 << size;
  if (shift >= esize) return u !== 0 ? satBoundU(size, false) : satBoundS(size, xh < 0);
  const yl = shlP(xl, xh, shift);
  const yh = r64[1];
  shrP(yl, yh, shift, u);
  const ok = r64[0] === xl && r64[1] === xh && (u !== 0 ? fitsU(yl, yh, size) : fitsS(yl, yh, size));
  if (!ok) return u !== 0 ? satBoundU(size, false) : satBoundS(size, xh < 0);
  r64[0] = yl;
  r64[1] = yh;
  return yl;
}

/** One 64-bit lane (opcodes that allow size 3, shifts excluded): result in r64. */
function lane64(opcode: number, u: number, al: number, ah: number, bl: number, bh: number): void {
  let t: boolean;
  switch (opcode) {
    case 0b00001: { // SQADD / UQADD
      const rl = add64(al, ah, bl, bh);
      const rh = r64[1];
      if (u !== 0) {
        if (ltu64(rl, rh, al, ah)) satBoundU(3, false);
      } else if (((ah ^ rh) & (bh ^ rh)) < 0) satBoundS(3, ah < 0);
      return;
    }
    case 0b00101: { // SQSUB / UQSUB
      sub64(al, ah, bl, bh);
      const rh = r64[1];
      if (u !== 0) {
        if (ltu64(al, ah, bl, bh)) satBoundU(3, true);
      } else if (((ah ^ bh) & (ah ^ rh)) < 0) satBoundS(3, ah < 0);
      return;
    }
    case 0b00110: // CMGT / CMHI
      t = u !== 0 ? ltu64(bl, bh, al, ah) : ah !== bh ? ah > bh : al >>> 0 > bl >>> 0;
      break;
    case 0b00111: // CMGE / CMHS
      t = u !== 0 ? !ltu64(al, ah, bl, bh) : ah !== bh ? ah > bh : al >>> 0 >= bl >>> 0;
      break;
    case 0b10000: // ADD / SUB
      if (u !== 0) sub64(al, ah, bl, bh);
      else add64(al, ah, bl, bh);
      return;
    case 0b10001: // CMTST / CMEQ
      t = u !== 0 ? al === bl && ah === bh : ((al & bl) | (ah & bh)) !== 0;
      break;
    default: // ADDP
      add64(al, ah, bl, bh);
      return;
  }
  r64[0] = t ? -1 : 0;
  r64[1] = r64[0];
}

/** SQDMULH / SQRDMULH of 32-bit lanes: (2ab + round) >> 32, saturating (only MIN * MIN). */
function sqdmulh32(a: number, b: number, round: boolean): number {
  if (a === -0x80000000 && b === -0x80000000) {
    sat[0] = 1;
    return 0x7fffffff;
  }
  const lo = Math.imul(a, b);
  const hi = smulh32(a, b);
  // 2ab: hi:lo << 1; + 2^31 when rounding, i.e. + 1 into bit 31 of the doubled low word.
  let dl = lo << 1;
  let dh = (hi << 1) | (lo >>> 31);
  if (round) {
    const t = (dl + 0x80000000) | 0;
    if ((t >>> 0) < (dl >>> 0)) dh = (dh + 1) | 0;
    dl = t;
  }
  return dh;
}

/** One lane of 8..32 bits: returns the result as a number (truncated by put()). */
export function laneN(opcode: number, u: number, size: number, a: number, b: number, d: number): number {
  switch (opcode) {
    case 0b00000: return Math.floor((a + b) / 2); // SHADD / UHADD
    case 0b00001: return satQ(a + b, size, u); // SQADD / UQADD
    case 0b00010: return Math.floor((a + b + 1) / 2); // SRHADD / URHADD
    case 0b00100: return Math.floor((a - b) / 2); // SHSUB / UHSUB
    case 0b00101: return satQ(a - b, size, u); // SQSUB / UQSUB
    case 0b00110: return a > b ? -1 : 0; // CMGT / CMHI
    case 0b00111: return a >= b ? -1 : 0; // CMGE / CMHS
    case 0b01100: case 0b10100: return a > b ? a : b; // SMAX(P) / UMAX(P)
    case 0b01101: case 0b10101: return a < b ? a : b; // SMIN(P) / UMIN(P)
    case 0b01110: return Math.abs(a - b); // SABD / UABD
    case 0b01111: return d + Math.abs(a - b); // SABA / UABA
    case 0b10000: return u !== 0 ? a - b : a + b; // ADD / SUB
    case 0b10001: return u !== 0 ? (a === b ? -1 : 0) : (a & b) !== 0 ? -1 : 0; // CMEQ / CMTST
    case 0b10010: { // MLA / MLS
      const p = size === 2 ? Math.imul(a, b) : a * b;
      return u !== 0 ? (d - p) | 0 : (d + p) | 0;
    }
    case 0b10011: { // MUL / PMUL
      if (u === 0) return size === 2 ? Math.imul(a, b) : a * b;
      let r = 0;
      for (let k = 0; k < 8; k++) if (((b >>> k) & 1) !== 0) r ^= a << k;
      return r;
    }
    case 0b10110: { // SQDMULH / SQRDMULH (signed operands)
      if (size === 2) return sqdmulh32(a, b, u !== 0);
      const p = 2 * a * b + (u !== 0 ? 0x8000 : 0);
      const r = Math.floor(p / 65536);
      if (r > 0x7fff) {
        sat[0] = 1;
        return 0x7fff;
      }
      return r;
    }
    default: return a + b; // ADDP
  }
}

/** AND/BIC/ORR/ORN/EOR/BSL/BIT/BIF (vector): word by word on VA (n), VB (m), VC (old d). */
function logic(u: number, opc: number, words: number): void {
  for (let w = 0; w < words; w++) {
    const n = VA[w];
    const m = VB[w];
    const d = VC[w];
    let r: number;
    switch ((u << 2) | opc) {
      case 0: r = n & m; break;
      case 1: r = n & ~m; break;
      case 2: r = n | m; break;
      case 3: r = n | ~m; break;
      case 4: r = n ^ m; break;
      case 5: r = m ^ ((m ^ n) & d); break; // BSL
      case 6: r = d ^ ((d ^ n) & m); break; // BIT
      default: r = d ^ ((d ^ n) & ~m); break; // BIF
    }
    VD[w] = r;
  }
}

/** Per-size lane top bits for the SWAR fast paths (sizes 0..2). */
const TOPS = [0x80808080 | 0, 0x80008000 | 0, 0x80000000 | 0];

/**
 * ADD/SUB/CMEQ (vector) on 8/16/32-bit lanes, a word at a time (SWAR): lanes add below their
 * top bit, and the top bits are XORed in without carrying into the next lane.
 */
function fastAddSubCmeq(opcode: number, u: number, size: number, words: number): void {
  const h = TOPS[size];
  const l = ~h;
  for (let w = 0; w < words; w++) {
    const a = VA[w];
    const b = VB[w];
    let r: number;
    if (opcode === 0b10000) {
      r = u === 0 ? ((a & l) + (b & l)) ^ ((a ^ b) & h) : ((a | h) - (b & l)) ^ ((a ^ ~b) & h);
    } else {
      // CMEQ: a lane of x = a ^ b is zero iff its top bit and its low bits (+ all ones) are clear.
      const x = a ^ b;
      const z = ~((((x & l) + l) | x | l)) & h;
      r = size === 0 ? (z >>> 7) * 0xff : size === 1 ? (z >>> 15) * 0xffff : x === 0 ? -1 : 0;
    }
    VD[w] = r | 0;
  }
}

/** Advanced SIMD three same (integer), vector and scalar. */
export function simdThreeSame(cpu: Cpu, insn: number): boolean {
  const q = (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const scalar = (insn & 0x10000000) !== 0;
  const size = (insn >>> 22) & 3;
  const opcode = (insn >>> 11) & 31;
  if (opcode !== 0b00011 && !sizeOk(opcode, u, size, q, scalar)) return false;
  checkFpEnabled(cpu);
  const s = cpu.s;
  const d = insn & 31;
  const n = (insn >>> 5) & 31;
  const m = (insn >>> 16) & 31;
  loadV(s, n, VA, 0);
  loadV(s, m, VB, 0);
  loadV(s, d, VC, 0);
  if (opcode === 0b00011) {
    logic(u, size, 2 << q);
    storeV(s, d, VD, q);
    return true;
  }
  if (!scalar && size !== 3 && (opcode === 0b10000 || (opcode === 0b10001 && u !== 0))) {
    fastAddSubCmeq(opcode, u, size, 2 << q);
    storeV(s, d, VD, q);
    return true;
  }
  sat[0] = 0;
  const pairwise = opcode === 0b10111 || opcode === 0b10100 || opcode === 0b10101;
  if (pairwise) {
    // concat = Vm:Vn (datasize each): element 2e, 2e+1 of the concatenation.
    if (q !== 0) loadV(s, m, VA, 4);
    else {
      VA[2] = VB[0];
      VA[3] = VB[1];
    }
  }
  const elements = scalar ? 1 : (8 << q) >>> size;
  if (scalar) clearV(VD);
  const isShift = opcode >= 0b01000 && opcode <= 0b01011;
  const uu = opcode < 16 || opcode === 0b10100 || opcode === 0b10101 ? u : opcode === 0b10110 ? 0 : 1;
  // Lane views of the scratch vectors (little-endian host, as the V register layout): signed
  // or unsigned per instruction; stores through a view truncate to the element size.
  const av = size === 0 ? (uu !== 0 ? AU8 : AS8) : size === 1 ? (uu !== 0 ? AU16 : AS16) : uu !== 0 ? AU32 : VA;
  const bv = size === 0 ? (uu !== 0 ? BU8 : BS8) : size === 1 ? (uu !== 0 ? BU16 : BS16) : uu !== 0 ? BU32 : VB;
  const cv = size === 0 ? CU8 : size === 1 ? CU16 : CU32;
  const dv = size === 0 ? DS8 : size === 1 ? DS16 : VD;
  for (let e = 0; e < elements; e++) {
    if (isShift) {
      const lo = shiftLane(size, e, u, (opcode & 2) !== 0, (opcode & 1) !== 0);
      putP(VD, size, e, lo, r64[1]);
    } else if (size === 3) {
      const ia = pairwise ? 2 * e : e;
      const ib = pairwise ? 2 * e + 1 : e;
      const al = VA[ia << 1];
      const ah = VA[(ia << 1) | 1];
      const bl = pairwise ? VA[ib << 1] : VB[ib << 1];
      const bh = pairwise ? VA[(ib << 1) | 1] : VB[(ib << 1) | 1];
      lane64(opcode, u, al, ah, bl, bh);
      VD[e << 1] = r64[0];
      VD[(e << 1) | 1] = r64[1];
    } else {
      const ia = pairwise ? 2 * e : e;
      const b = pairwise ? av[ia + 1] : bv[e];
      dv[e] = laneN(opcode, u, size, av[ia], b, cv[e]);
    }
  }
  storeV(s, d, VD, scalar ? 0 : q);
  setQC(s);
  return true;
}

/** ADDP (scalar): D[d] = Vn<63:0> + Vn<127:64>; only size 11 is allocated. */
export function simdAddpScalar(cpu: Cpu, insn: number): boolean {
  if (((insn >>> 22) & 3) !== 3) return false;
  checkFpEnabled(cpu);
  const s = cpu.s;
  const v = S.V0 + (((insn >>> 5) & 31) << 2);
  const lo = add64(s[v], s[v + 1], s[v + 2], s[v + 3]);
  const w = S.V0 + ((insn & 31) << 2);
  s[w] = lo;
  s[w + 1] = r64[1];
  s[w + 2] = 0;
  s[w + 3] = 0;
  return true;
}
