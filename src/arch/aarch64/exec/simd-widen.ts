/**
 * Advanced SIMD three different, vector x indexed element (integer) and their scalar forms
 * (Arm ARM DDI 0487K.a C4.1.95; C7.2 SADDL, SADDW, ADDHN, SABAL, SMLAL, SQDMLAL, SQDMULL, PMULL,
 * MLA (by element), SQDMULH (by element)...):
 *
 *   0 Q U 01110 size 1 Rm opcode 00 Rn Rd          three different (vector)
 *   01 U 11110 size 1 Rm opcode 00 Rn Rd           three different (scalar: SQDMLAL/SQDMLSL/SQDMULL)
 *   0 Q U 01111 size L M Rm opcode H 0 Rn Rd       by element (vector)
 *   01 U 11111 size L M Rm opcode H 0 Rn Rd        by element (scalar)
 *
 * Long results (2 * esize) are computed as 64-bit (lo, hi) pairs: a 32 x 32-bit product is
 * Math.imul for the low word and umulh32/smulh32 for the high word. Vpart[n, part] (the "2"
 * forms, part = Q) is element e + part * elements of the full register.
 */
import type { Cpu } from '../cpu.js';
import { r64, add64, sub64, umulh32, smulh32 } from './int64.js';
import { checkFpEnabled } from './fp-access.js';
import {
  VA, VB, VC, VD, sat, setQC, loadV, storeV, clearV, getE, getU, getP, putP, put, satPS, satBoundS, shrP,
} from './simd-util.js';
import { laneN } from './simd-three-same.js';

/** Full 64-bit product of two elements of at most 32 bits (signed, or unsigned when u). */
function mulP(a: number, b: number, u: number): number {
  const lo = Math.imul(a, b);
  r64[0] = lo;
  r64[1] = u !== 0 ? umulh32(a, b) : smulh32(a, b);
  return lo;
}

/** Signed saturating (lo, hi) +/- (bl, bh) for a result of 8 << rsize bits (sub: subtract). */
function sqAccP(al: number, ah: number, bl: number, bh: number, rsize: number, sub: boolean): number {
  const rl = sub ? sub64(al, ah, bl, bh) : add64(al, ah, bl, bh);
  const rh = r64[1];
  if (rsize === 3) {
    const ovf = sub ? ((ah ^ bh) & (ah ^ rh)) < 0 : ((ah ^ rh) & (bh ^ rh)) < 0;
    if (ovf) return satBoundS(3, ah < 0);
    return rl;
  }
  return satPS(rl, rh, rsize);
}

/** SignedSatQ(2 * a * b, 2 * esize) of signed elements of 8 << size bits (size 1 or 2). */
function sqdmullP(a: number, b: number, size: number): number {
  const min = size === 1 ? -0x8000 : -0x80000000;
  if (a === min && b === min) return satBoundS(size + 1, false);
  const lo = mulP(a, b, 0);
  const hi = r64[1];
  r64[0] = lo << 1;
  r64[1] = (hi << 1) | (lo >>> 31);
  return r64[0];
}

/** Carry-less 64 x 64 -> 128-bit product (PMULL 1Q) of VA[k..k+1] and VB[k..k+1] into VD. */
function pmull64(k: number): void {
  const al = VA[k];
  const ah = VA[k + 1];
  const bl = VB[k];
  const bh = VB[k + 1];
  let r0 = 0;
  let r1 = 0;
  let r2 = 0;
  let r3 = 0;
  for (let i = 0; i < 64; i++) {
    const bit = i < 32 ? (bl >>> i) & 1 : (bh >>> (i - 32)) & 1;
    if (bit === 0) continue;
    // (ah:al) << i into the 128-bit accumulator.
    if (i === 0) {
      r0 ^= al;
      r1 ^= ah;
    } else if (i < 32) {
      r0 ^= al << i;
      r1 ^= (ah << i) | (al >>> (32 - i));
      r2 ^= ah >>> (32 - i);
    } else if (i === 32) {
      r1 ^= al;
      r2 ^= ah;
    } else {
      const j = i - 32;
      r1 ^= al << j;
      r2 ^= (ah << j) | (al >>> (32 - j));
      r3 ^= ah >>> (32 - j);
    }
  }
  VD[0] = r0;
  VD[1] = r1;
  VD[2] = r2;
  VD[3] = r3;
}

/**
 * The long/widening lane operations shared by three different and by element, on elements a, b
 * (numbers of 8 << size bits, already extended per u) with the 2 * esize accumulator element e
 * of VC. op: 0 add, 1 sub, 2 abs-diff accumulate, 3 abs-diff, 4 mla, 5 mls, 6 mul,
 * 7 sqdmlal, 8 sqdmlsl, 9 sqdmull. Result into VD element e (2 * esize).
 */
function longLane(op: number, u: number, size: number, e: number, a: number, b: number): void {
  const rs = size + 1;
  let lo: number;
  switch (op) {
    case 0: lo = add64(a, u !== 0 ? 0 : a >> 31, b, u !== 0 ? 0 : b >> 31); break;
    case 1: lo = sub64(a, u !== 0 ? 0 : a >> 31, b, u !== 0 ? 0 : b >> 31); break;
    case 2: case 3: {
      // |a - b| < 2^32: exact as a number; split into (lo, hi).
      const diff = Math.abs((u !== 0 ? a >>> 0 : a) - (u !== 0 ? b >>> 0 : b));
      const dl = diff | 0;
      const dh = diff > 0xffffffff ? 1 : 0;
      if (op === 3) {
        lo = dl;
        r64[1] = dh;
        break;
      }
      const cl = getP(VC, rs, e, 1);
      lo = add64(cl, r64[1], dl, dh);
      break;
    }
    case 4: case 5: {
      const pl = mulP(a, b, u);
      const ph = r64[1];
      const cl = getP(VC, rs, e, 1);
      lo = op === 4 ? add64(cl, r64[1], pl, ph) : sub64(cl, r64[1], pl, ph);
      break;
    }
    case 6: lo = mulP(a, b, u); break;
    case 9: lo = sqdmullP(a, b, size); break;
    default: {
      const pl = sqdmullP(a, b, size);
      const ph = r64[1];
      const cl = getP(VC, rs, e, 0);
      lo = sqAccP(cl, r64[1], pl, ph, rs, op === 8);
      break;
    }
  }
  putP(VD, rs, e, lo, r64[1]);
}

/** Three different opcode -> longLane op (-1: not a long op). */
function longOp(opcode: number): number {
  switch (opcode) {
    case 0b0000: case 0b0001: return 0;
    case 0b0010: case 0b0011: return 1;
    case 0b0101: return 2;
    case 0b0111: return 3;
    case 0b1000: return 4;
    case 0b1010: return 5;
    case 0b1100: return 6;
    case 0b1001: return 7;
    case 0b1011: return 8;
    case 0b1101: return 9;
    default: return -1;
  }
}

/** Advanced SIMD three different, vector and scalar. */
export function simdThreeDiff(cpu: Cpu, insn: number): boolean {
  const q = (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const scalar = (insn & 0x10000000) !== 0;
  const size = (insn >>> 22) & 3;
  const opcode = (insn >>> 12) & 15;
  const sq = opcode === 0b1001 || opcode === 0b1011 || opcode === 0b1101;
  if (opcode === 0b1110) {
    if (size !== 0 && size !== 3) return false;
    if (size === 3 && !cpu.feat.pmull) return false;
  } else if (sq) {
    if (size !== 1 && size !== 2) return false;
  } else if (size === 3) return false;
  checkFpEnabled(cpu);
  const s = cpu.s;
  const d = insn & 31;
  loadV(s, (insn >>> 5) & 31, VA, 0);
  loadV(s, (insn >>> 16) & 31, VB, 0);
  loadV(s, d, VC, 0);
  sat[0] = 0;
  const part = scalar ? 0 : q;
  const elements = scalar ? 1 : 8 >>> size;
  const base = part * elements;
  if (opcode === 0b1110) {
    // PMULL / PMULL2
    if (size === 3) pmull64(part << 1);
    else {
      for (let e = 0; e < 8; e++) {
        const a = getU(VA, 0, base + e);
        const b = getU(VB, 0, base + e);
        let r = 0;
        for (let k = 0; k < 8; k++) if (((b >>> k) & 1) !== 0) r ^= a << k;
        put(VD, 1, e, r);
      }
    }
    storeV(s, d, VD, 1);
    return true;
  }
  if (opcode === 0b0100 || opcode === 0b0110) {
    // ADDHN / RADDHN / SUBHN / RSUBHN: Vpart[d, part] = (a +/- b + round)<2esize-1:esize>.
    if (part !== 0) {
      VD[0] = VC[0];
      VD[1] = VC[1];
    }
    const esize = 8 << size;
    for (let e = 0; e < elements; e++) {
      const al = getP(VA, size + 1, e, 1);
      const ah = r64[1];
      const bl = getP(VB, size + 1, e, 1);
      const bh = r64[1];
      let rl = opcode === 0b0100 ? add64(al, ah, bl, bh) : sub64(al, ah, bl, bh);
      let rh = r64[1];
      if (u !== 0) {
        // + (1 << (esize - 1)): bit 7, 15 or 31 of the low word.
        rl = add64(rl, rh, (1 << (esize - 1)) | 0, 0);
        rh = r64[1];
      }
      put(VD, size, base + e, shrP(rl, rh, esize, 1));
    }
    storeV(s, d, VD, part);
    return true;
  }
  const op = longOp(opcode);
  const wide = opcode === 0b0001 || opcode === 0b0011;
  if (scalar) clearV(VD);
  for (let e = 0; e < elements; e++) {
    const b = getE(VB, size, base + e, u);
    if (wide) {
      // SADDW / SSUBW: Elem[Vn, e, 2 * esize] +/- extended element of Vpart[m, part].
      const al = getP(VA, size + 1, e, u);
      const ah = r64[1];
      const bl = b | 0;
      const bh = u !== 0 ? 0 : b >> 31;
      const lo = op === 0 ? add64(al, ah, bl, bh) : sub64(al, ah, bl, bh);
      putP(VD, size + 1, e, lo, r64[1]);
    } else {
      longLane(op, u, size, e, getE(VA, size, base + e, u) | 0, b | 0);
    }
  }
  storeV(s, d, VD, scalar ? 0 : 1);
  setQC(s);
  return true;
}

/** By element opcode -> longLane op, or -1 (same-size ops: MLA, MLS, MUL, SQDMULH, SQRDMULH). */
function elemLongOp(opcode: number): number {
  switch (opcode) {
    case 0b0010: return 4;
    case 0b0110: return 5;
    case 0b1010: return 6;
    case 0b0011: return 7;
    case 0b0111: return 8;
    case 0b1011: return 9;
    default: return -1;
  }
}

/** Advanced SIMD vector x indexed element (integer), vector and scalar. */
export function simdByElem(cpu: Cpu, insn: number): boolean {
  const q = (insn >>> 30) & 1;
  const u = (insn >>> 29) & 1;
  const scalar = (insn & 0x10000000) !== 0;
  const size = (insn >>> 22) & 3;
  const opcode = (insn >>> 12) & 15;
  if (size !== 1 && size !== 2) return false;
  const l = (insn >>> 21) & 1;
  const mBit = (insn >>> 20) & 1;
  const h = (insn >>> 11) & 1;
  const index = size === 1 ? (h << 2) | (l << 1) | mBit : (h << 1) | l;
  const rm = size === 1 ? (insn >>> 16) & 15 : (insn >>> 16) & 31;
  checkFpEnabled(cpu);
  const s = cpu.s;
  const d = insn & 31;
  loadV(s, (insn >>> 5) & 31, VA, 0);
  loadV(s, rm, VB, 0);
  loadV(s, d, VC, 0);
  sat[0] = 0;
  const b = getE(VB, size, index, u) | 0;
  const op = elemLongOp(opcode);
  if (scalar) clearV(VD);
  if (op >= 0) {
    const part = scalar ? 0 : q;
    const elements = scalar ? 1 : 8 >>> size;
    for (let e = 0; e < elements; e++) longLane(op, u, size, e, getE(VA, size, part * elements + e, u) | 0, b);
    storeV(s, d, VD, scalar ? 0 : 1);
  } else {
    // MLA (U=1, 0000), MLS (U=1, 0100), MUL (1000), SQDMULH (1100), SQRDMULH (1101).
    const elements = scalar ? 1 : (8 << q) >>> size;
    let top: number;
    let tu: number;
    switch (opcode) {
      case 0b0000: top = 0b10010; tu = 0; break;
      case 0b0100: top = 0b10010; tu = 1; break;
      case 0b1000: top = 0b10011; tu = 0; break;
      case 0b1100: top = 0b10110; tu = 0; break;
      default: top = 0b10110; tu = 1; break;
    }
    const bs = top === 0b10110 ? getE(VB, size, index, 0) : b;
    for (let e = 0; e < elements; e++) {
      const a = getE(VA, size, e, top === 0b10110 ? 0 : u);
      put(VD, size, e, laneN(top, tu, size, a, bs, getU(VC, size, e)));
    }
    storeV(s, d, VD, scalar ? 0 : q);
  }
  setQC(s);
  return true;
}
