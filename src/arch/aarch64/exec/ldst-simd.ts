/**
 * SIMD&FP register loads and stores (Arm ARM DDI 0487K.a C4.1.94 with V = 1; C7.2 LDR/STR
 * (immediate, register, literal, SIMD&FP), LDUR/STUR, LDP/STP/LDNP/STNP (SIMD&FP),
 * "Advanced SIMD load/store multiple structures" LD1-LD4/ST1-ST4 and "... single structure"
 * LD1-LD4/ST1-ST4 lanes and LD1R-LD4R).
 *
 * Every executor calls checkFpEnabled() first (CheckFPAdvSIMDEnabled64 precedes the address
 * computation in the pseudocode). V[n] is cpu.s[S.V0 + 4n + k], k = 0 the lowest word. A scalar
 * load writes the whole 128-bit register, zeroing above the element (V[t] = ZeroExtend(data)).
 * Syndromes: ISV = 0 for all of them (not GPR accesses).
 */
import type { Cpu } from '../cpu.js';
import { P } from '../cpu.js';
import { S, SR, srIndex } from '../state.js';
import { lookup, alignmentFault, ACC_READ, ACC_WRITE } from '../mmu/access.js';
import { checkFpEnabled } from './fp-access.js';
import { checkSpAlignment, addrRegOffset, addrLiteral, ea } from './ldst.js';

const SCTLR = srIndex(SR.SCTLR_EL1);
const SCTLR_A = 1 << 1;

/** Loaded data is staged here until every access of the instruction succeeded (4 x 128 bits). */
const tmp = new Int32Array(16);

/**
 * A 128-bit access is made of two 64-bit halves, which check alignment only to 8; the whole
 * access must be 16-byte aligned where alignment is checked (SCTLR_EL1.A, Device memory).
 */
function checkQAlign(cpu: Cpu, hi: number, lo: number, isWrite: boolean): void {
  if ((lo & 15) !== 8) return; // aligned, or misaligned to 8 (the halves fault themselves)
  if ((cpu.s[SCTLR] & SCTLR_A) !== 0) alignmentFault(cpu, hi, lo, isWrite);
  const i = isWrite ? lookup(cpu, hi, lo, ACC_WRITE, cpu.permW, 0) : lookup(cpu, hi, lo, ACC_READ, cpu.permR, 0);
  if ((cpu.tlbPerm[i] & P.DEVICE) !== 0) alignmentFault(cpu, hi, lo, isWrite);
}

/**
 * Load 1 << sizeLog2 bytes (B, H, S, D, Q) at (hi, lo) into tmp[k..k+3], zero-extended to 128
 * bits.
 */
function loadElem(cpu: Cpu, hi: number, lo: number, sizeLog2: number, k: number): void {
  let w0 = 0;
  let w1 = 0;
  let w2 = 0;
  let w3 = 0;
  switch (sizeLog2) {
    case 0: w0 = cpu.read8(hi, lo, 0); break;
    case 1: w0 = cpu.read16(hi, lo, 0); break;
    case 2: w0 = cpu.read32(hi, lo, 0); break;
    case 3: w0 = cpu.read64(hi, lo, 0); w1 = cpu.rhi; break;
    default: {
      checkQAlign(cpu, hi, lo, false);
      w0 = cpu.read64(hi, lo, 0);
      w1 = cpu.rhi;
      const lo2 = (lo + 8) | 0;
      w2 = cpu.read64((lo2 >>> 0) < 8 ? (hi + 1) | 0 : hi, lo2, 0);
      w3 = cpu.rhi;
      break;
    }
  }
  tmp[k] = w0;
  tmp[k + 1] = w1;
  tmp[k + 2] = w2;
  tmp[k + 3] = w3;
}

/** Store the low 1 << sizeLog2 bytes of V[t] at (hi, lo). */
function storeElem(cpu: Cpu, hi: number, lo: number, sizeLog2: number, t: number): void {
  const s = cpu.s;
  const v = S.V0 + (t << 2);
  switch (sizeLog2) {
    case 0: cpu.write8(hi, lo, s[v], 0); break;
    case 1: cpu.write16(hi, lo, s[v], 0); break;
    case 2: cpu.write32(hi, lo, s[v], 0); break;
    case 3: cpu.write64(hi, lo, s[v], s[v + 1], 0); break;
    default: {
      checkQAlign(cpu, hi, lo, true);
      cpu.write64(hi, lo, s[v], s[v + 1], 0);
      const lo2 = (lo + 8) | 0;
      cpu.write64((lo2 >>> 0) < 8 ? (hi + 1) | 0 : hi, lo2, s[v + 2], s[v + 3], 0);
      break;
    }
  }
}

/** V[t] = tmp[k..k+3]. */
function setV(s: Int32Array, t: number, k: number): void {
  const v = S.V0 + (t << 2);
  s[v] = tmp[k];
  s[v + 1] = tmp[k + 1];
  s[v + 2] = tmp[k + 2];
  s[v + 3] = tmp[k + 3];
}

/** The access of a single SIMD&FP register: size:opc give B/H/S/D/Q and load/store. */
function fpAccess(cpu: Cpu, insn: number, hi: number, lo: number): void {
  const sizeLog2 = ((insn >>> 21) & 4) | (insn >>> 30);
  const t = insn & 31;
  if ((insn & 0x00400000) !== 0) {
    loadElem(cpu, hi, lo, sizeLog2, 0);
    setV(cpu.s, t, 0);
  } else {
    storeElem(cpu, hi, lo, sizeLog2, t);
  }
}

/** LDR/STR (immediate, SIMD&FP), unsigned offset: base + imm12 << scale. */
export function fpLdstUi(cpu: Cpu, insn: number): void {
  checkFpEnabled(cpu);
  const s = cpu.s;
  const n = (insn >>> 5) & 31;
  if (n === 31) checkSpAlignment(cpu);
  const bLo = s[n << 1];
  const off = ((insn >>> 10) & 0xfff) << (((insn >>> 21) & 4) | (insn >>> 30));
  const lo = (bLo + off) | 0;
  const hi = (s[(n << 1) | 1] + ((lo >>> 0) < (bLo >>> 0) ? 1 : 0)) | 0;
  fpAccess(cpu, insn, hi, lo);
}

/**
 * LDUR/STUR (SIMD&FP) (bits 11:10 = 00), and the post-index (01) and pre-index (11) forms of
 * LDR/STR (immediate, SIMD&FP): imm9 signed, unscaled.
 */
export function fpLdstImm9(cpu: Cpu, insn: number): void {
  checkFpEnabled(cpu);
  const s = cpu.s;
  const n = (insn >>> 5) & 31;
  if (n === 31) checkSpAlignment(cpu);
  const bLo = s[n << 1];
  const bHi = s[(n << 1) | 1];
  const imm = (insn << 11) >> 23;
  const wLo = (bLo + imm) | 0;
  const wHi = (bHi + (imm >> 31) + ((wLo >>> 0) < (bLo >>> 0) ? 1 : 0)) | 0;
  const mode = (insn >>> 10) & 3;
  if (mode === 1) fpAccess(cpu, insn, bHi, bLo);
  else fpAccess(cpu, insn, wHi, wLo);
  if (mode !== 0) {
    s[n << 1] = wLo;
    s[(n << 1) | 1] = wHi;
  }
}

/** LDR/STR (register, SIMD&FP): base + ExtendReg(Rm, option) << (S ? scale : 0). */
export function fpLdstReg(cpu: Cpu, insn: number): void {
  checkFpEnabled(cpu);
  const scale = ((insn >>> 21) & 4) | (insn >>> 30);
  const lo = addrRegOffset(cpu, insn, (insn & 0x1000) !== 0 ? scale : 0);
  fpAccess(cpu, insn, ea.hi, lo);
}

/** LDR (literal, SIMD&FP): opc = insn[31:30], 00 S, 01 D, 10 Q. */
export function fpLdrLiteral(cpu: Cpu, insn: number): void {
  checkFpEnabled(cpu);
  const lo = addrLiteral(cpu, insn);
  loadElem(cpu, ea.hi, lo, 2 + (insn >>> 30), 0);
  setV(cpu.s, insn & 31, 0);
}

/**
 * LDP/STP/LDNP/STNP (SIMD&FP): opc = insn[31:30] 00 S, 01 D, 10 Q; insn[24:23] as for the GPR
 * pairs (00 no-allocate offset, 01 post-index, 10 offset, 11 pre-index).
 * CONSTRAINED UNPREDICTABLE LDP with t == t2 (Unpredictable_LDPOVERLAP): Constraint_UNKNOWN,
 * the register gets the value loaded for Rt2.
 */
export function fpLdstPair(cpu: Cpu, insn: number): void {
  checkFpEnabled(cpu);
  const s = cpu.s;
  const scale = 2 + (insn >>> 30);
  const mode = (insn >>> 23) & 3;
  const n = (insn >>> 5) & 31;
  const t = insn & 31;
  const t2 = (insn >>> 10) & 31;
  if (n === 31) checkSpAlignment(cpu);
  const bLo = s[n << 1];
  const bHi = s[(n << 1) | 1];
  const imm = ((insn << 10) >> 25) << scale;
  const wLo = (bLo + imm) | 0;
  const wHi = (bHi + (imm >> 31) + ((wLo >>> 0) < (bLo >>> 0) ? 1 : 0)) | 0;
  const lo = mode === 1 ? bLo : wLo;
  const hi = mode === 1 ? bHi : wHi;
  const lo2 = (lo + (1 << scale)) | 0;
  const hi2 = (lo2 >>> 0) < (lo >>> 0) ? (hi + 1) | 0 : hi;
  if ((insn & 0x00400000) !== 0) {
    loadElem(cpu, hi, lo, scale, 0);
    loadElem(cpu, hi2, lo2, scale, 4);
    setV(s, t, 0);
    setV(s, t2, 4);
  } else {
    storeElem(cpu, hi, lo, scale, t);
    storeElem(cpu, hi2, lo2, scale, t2);
  }
  if ((mode & 1) !== 0) {
    s[n << 1] = wLo;
    s[(n << 1) | 1] = wHi;
  }
}

// ---- LD1/ST1 (multiple structures) ------------------------------------------------------------

/** Registers transferred by LD1/ST1 (multiple structures) per opcode insn[15:12]. */
function ld1Regs(opcode: number): number {
  switch (opcode) {
    case 0b0111: return 1;
    case 0b1010: return 2;
    case 0b0110: return 3;
    default: return 4; // 0b0010
  }
}

/**
 * One 8-byte chunk of an LD1 at (hi, lo) with element size 1 << size into tmp[k], tmp[k+1].
 * Elements are consecutive in memory and in the register (little-endian), so the chunk is
 * one 64-bit read when that checks alignment the way the elements would (aligned to 8, or
 * 64-bit elements); otherwise element by element (alignment is checked per element).
 */
function ld1Chunk(cpu: Cpu, hi: number, lo: number, size: number, k: number): void {
  if (size === 3 || (lo & 7) === 0) {
    tmp[k] = cpu.read64(hi, lo, 0);
    tmp[k + 1] = cpu.rhi;
    return;
  }
  const eb = 1 << size;
  let w0 = 0;
  let w1 = 0;
  for (let off = 0; off < 8; off += eb) {
    const l = (lo + off) | 0;
    const h = (l >>> 0) < (lo >>> 0) ? (hi + 1) | 0 : hi;
    const v = size === 0 ? cpu.read8(h, l, 0) : size === 1 ? cpu.read16(h, l, 0) : cpu.read32(h, l, 0);
    if (off < 4) w0 |= v << (off << 3);
    else w1 |= v << ((off - 4) << 3);
  }
  tmp[k] = w0;
  tmp[k + 1] = w1;
}

/** One 8-byte chunk of an ST1: words a (low), b (high); see ld1Chunk. */
function st1Chunk(cpu: Cpu, hi: number, lo: number, size: number, a: number, b: number): void {
  if (size === 3 || (lo & 7) === 0) {
    cpu.write64(hi, lo, a, b, 0);
    return;
  }
  const eb = 1 << size;
  for (let off = 0; off < 8; off += eb) {
    const l = (lo + off) | 0;
    const h = (l >>> 0) < (lo >>> 0) ? (hi + 1) | 0 : hi;
    const v = off < 4 ? a >>> (off << 3) : b >>> ((off - 4) << 3);
    if (size === 0) cpu.write8(h, l, v, 0);
    else if (size === 1) cpu.write16(h, l, v, 0);
    else cpu.write32(h, l, v, 0);
  }
}

/**
 * LD1/ST1 (multiple structures), no offset (insn[23] = 0) and post-index (insn[23] = 1, Rm = 31:
 * by the transfer size, else by X[m]). Q = insn[30] (8 or 16 bytes per register), size =
 * insn[11:10], L = insn[22]. Registers wrap modulo 32. With Q = 0 a load zeroes bits 127:64.
 */
export function ld1st1Multiple(cpu: Cpu, insn: number): void {
  checkFpEnabled(cpu);
  const s = cpu.s;
  const q = (insn >>> 30) & 1;
  const size = (insn >>> 10) & 3;
  const regs = ld1Regs((insn >>> 12) & 15);
  const chunks = q + 1;
  const n = (insn >>> 5) & 31;
  const t = insn & 31;
  if (n === 31) checkSpAlignment(cpu);
  const bLo = s[n << 1];
  const bHi = s[(n << 1) | 1];
  const load = (insn & 0x00400000) !== 0;
  for (let r = 0; r < regs; r++) {
    const v = S.V0 + (((t + r) & 31) << 2);
    for (let c = 0; c < chunks; c++) {
      const off = (r * chunks + c) << 3;
      const lo = (bLo + off) | 0;
      const hi = (lo >>> 0) < (bLo >>> 0) ? (bHi + 1) | 0 : bHi;
      if (load) ld1Chunk(cpu, hi, lo, size, (r << 2) + (c << 1));
      else st1Chunk(cpu, hi, lo, size, s[v + (c << 1)], s[v + (c << 1) + 1]);
    }
  }
  if (load) {
    for (let r = 0; r < regs; r++) {
      const v = S.V0 + (((t + r) & 31) << 2);
      s[v] = tmp[r << 2];
      s[v + 1] = tmp[(r << 2) + 1];
      s[v + 2] = q !== 0 ? tmp[(r << 2) + 2] : 0;
      s[v + 3] = q !== 0 ? tmp[(r << 2) + 3] : 0;
    }
  }
  if ((insn & 0x00800000) !== 0) {
    const m = (insn >>> 16) & 31;
    let oLo: number;
    let oHi: number;
    if (m === 31) {
      oLo = (regs * chunks) << 3;
      oHi = 0;
    } else {
      oLo = s[m << 1];
      oHi = s[(m << 1) | 1];
    }
    const lo = (bLo + oLo) | 0;
    s[n << 1] = lo;
    s[(n << 1) | 1] = (bHi + oHi + ((lo >>> 0) < (bLo >>> 0) ? 1 : 0)) | 0;
  }
}

// ---- LD2/ST2..LD4/ST4 (multiple structures), single structure and replicate ----------------------

/** Byte view of tmp (little-endian, like guest memory and the V register layout). */
const tmp8 = new Uint8Array(tmp.buffer);

/** Read one element of 1 << size bytes into tmp8 at byte offset k. */
function loadElemBytes(cpu: Cpu, hi: number, lo: number, size: number, k: number): void {
  let v: number;
  switch (size) {
    case 0: tmp8[k] = cpu.read8(hi, lo, 0); return;
    case 1: v = cpu.read16(hi, lo, 0); tmp8[k] = v; tmp8[k + 1] = v >>> 8; return;
    case 2: v = cpu.read32(hi, lo, 0); break;
    default: {
      v = cpu.read64(hi, lo, 0);
      const h = cpu.rhi;
      tmp8[k + 4] = h; tmp8[k + 5] = h >>> 8; tmp8[k + 6] = h >>> 16; tmp8[k + 7] = h >>> 24;
      break;
    }
  }
  tmp8[k] = v; tmp8[k + 1] = v >>> 8; tmp8[k + 2] = v >>> 16; tmp8[k + 3] = v >>> 24;
}

/** Write element `e` (1 << size bytes) of V[t] at (hi, lo). */
function storeElemOf(cpu: Cpu, hi: number, lo: number, size: number, t: number, e: number): void {
  const s = cpu.s;
  const v = S.V0 + (t << 2);
  switch (size) {
    case 0: cpu.write8(hi, lo, s[v + (e >>> 2)] >>> ((e & 3) << 3), 0); break;
    case 1: cpu.write16(hi, lo, s[v + (e >>> 1)] >>> ((e & 1) << 4), 0); break;
    case 2: cpu.write32(hi, lo, s[v + e], 0); break;
    default: cpu.write64(hi, lo, s[v + 2 * e], s[v + 2 * e + 1], 0); break;
  }
}

/** Base + offs with carry (offs a non-negative int32). Leaves hi in ea.hi. */
function addOff(bLo: number, bHi: number, offs: number): number {
  const lo = (bLo + offs) | 0;
  ea.hi = (lo >>> 0) < (bLo >>> 0) ? (bHi + 1) | 0 : bHi;
  return lo;
}

/** Post-index writeback shared by the structure forms: Rm = 31 -> `imm`, else X[m]. */
function structWriteback(s: Int32Array, insn: number, n: number, bLo: number, bHi: number, imm: number): void {
  const m = (insn >>> 16) & 31;
  const oLo = m === 31 ? imm : s[m << 1];
  const oHi = m === 31 ? 0 : s[(m << 1) | 1];
  const lo = (bLo + oLo) | 0;
  s[n << 1] = lo;
  s[(n << 1) | 1] = (bHi + oHi + ((lo >>> 0) < (bLo >>> 0) ? 1 : 0)) | 0;
}

/**
 * LD2/ST2, LD3/ST3, LD4/ST4 (multiple structures), opcode 1000/0100/0000: element e of
 * register s of the list is at offset (e * selem + s) * ebytes (C7.2 LD2 (multiple
 * structures), shared pseudocode). size:Q = 110 (.1D) is reserved (selem != 1: UNDEFINED).
 */
export function ldNstNMultiple(cpu: Cpu, insn: number): boolean {
  const q = (insn >>> 30) & 1;
  const size = (insn >>> 10) & 3;
  if (size === 3 && q === 0) return false;
  checkFpEnabled(cpu);
  const s = cpu.s;
  const opcode = (insn >>> 12) & 15;
  const selem = opcode === 0b1000 ? 2 : opcode === 0b0100 ? 3 : 4;
  const ebytes = 1 << size;
  const elements = (8 << q) >>> size;
  const n = (insn >>> 5) & 31;
  const t = insn & 31;
  if (n === 31) checkSpAlignment(cpu);
  const bLo = s[n << 1];
  const bHi = s[(n << 1) | 1];
  const load = (insn & 0x00400000) !== 0;
  let offs = 0;
  for (let e = 0; e < elements; e++) {
    for (let r = 0; r < selem; r++) {
      const lo = addOff(bLo, bHi, offs);
      if (load) loadElemBytes(cpu, ea.hi, lo, size, (r << 4) + e * ebytes);
      else storeElemOf(cpu, ea.hi, lo, size, (t + r) & 31, e);
      offs += ebytes;
    }
  }
  if (load) {
    for (let r = 0; r < selem; r++) {
      const v = S.V0 + (((t + r) & 31) << 2);
      s[v] = tmp[r << 2];
      s[v + 1] = tmp[(r << 2) + 1];
      s[v + 2] = q !== 0 ? tmp[(r << 2) + 2] : 0;
      s[v + 3] = q !== 0 ? tmp[(r << 2) + 3] : 0;
    }
  }
  if ((insn & 0x00800000) !== 0) structWriteback(s, insn, n, bLo, bHi, offs);
  return true;
}

/**
 * LD1..LD4 / ST1..ST4 (single structure) and LD1R..LD4R (C7.2 LD1 (single structure), LD1R):
 * selem = opcode<0>:R + 1; scale = opcode<2:1> (11: load and replicate). A lane load keeps the
 * other lanes (the whole 128-bit register is read and written back); a replicating load writes
 * all lanes of the 64- or 128-bit vector and zeroes the rest.
 */
export function ldstSingle(cpu: Cpu, insn: number): boolean {
  const q = (insn >>> 30) & 1;
  const load = (insn & 0x00400000) !== 0;
  const opcode = (insn >>> 13) & 7;
  const sBit = (insn >>> 12) & 1;
  let size = (insn >>> 10) & 3;
  const selem = (((opcode & 1) << 1) | ((insn >>> 21) & 1)) + 1;
  let index: number;
  let replicate = false;
  switch (opcode >>> 1) {
    case 3:
      if (!load || sBit !== 0) return false;
      replicate = true;
      index = 0;
      break;
    case 0:
      index = (q << 3) | (sBit << 2) | size;
      size = 0;
      break;
    case 1:
      if ((size & 1) !== 0) return false;
      index = (q << 2) | (sBit << 1) | (size >>> 1);
      size = 1;
      break;
    default:
      if ((size & 2) !== 0) return false;
      if ((size & 1) === 0) {
        index = (q << 1) | sBit;
        size = 2;
      } else {
        if (sBit !== 0) return false;
        index = q;
        size = 3;
      }
      break;
  }
  checkFpEnabled(cpu);
  const s = cpu.s;
  const n = (insn >>> 5) & 31;
  const t = insn & 31;
  if (n === 31) checkSpAlignment(cpu);
  const bLo = s[n << 1];
  const bHi = s[(n << 1) | 1];
  const ebytes = 1 << size;
  let offs = 0;
  for (let r = 0; r < selem; r++) {
    const lo = addOff(bLo, bHi, offs);
    if (load) loadElemBytes(cpu, ea.hi, lo, size, r << 4);
    else storeElemOf(cpu, ea.hi, lo, size, (t + r) & 31, index);
    offs += ebytes;
  }
  if (load) {
    for (let r = 0; r < selem; r++) {
      const v = S.V0 + (((t + r) & 31) << 2);
      const k = r << 4;
      if (replicate) {
        // Replicate the element over 64 bits, then over 128 if Q.
        let w0: number;
        let w1: number;
        switch (size) {
          case 0: w0 = tmp8[k] * 0x01010101; w1 = w0; break;
          case 1: w0 = (tmp8[k] | (tmp8[k + 1] << 8)) * 0x10001; w1 = w0; break;
          case 2: w0 = tmp[r << 2]; w1 = w0; break;
          default: w0 = tmp[r << 2]; w1 = tmp[(r << 2) + 1]; break;
        }
        s[v] = w0 | 0;
        s[v + 1] = w1 | 0;
        s[v + 2] = q !== 0 ? w0 | 0 : 0;
        s[v + 3] = q !== 0 ? w1 | 0 : 0;
      } else {
        // Insert the lane: copy its bytes into the register's byte view.
        const vb = (cpu.base >>> 0) + (v << 2) + index * ebytes;
        for (let b = 0; b < ebytes; b++) cpu.m8[vb + b] = tmp8[k + b];
      }
    }
  }
  if ((insn & 0x00800000) !== 0) structWriteback(s, insn, n, bLo, bHi, offs);
  return true;
}
