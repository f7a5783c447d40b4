/**
 * FEAT_LSE atomics (Arm ARM DDI 0487K.a C4.1.94 "Atomic memory operations", "Compare and
 * swap", "Compare and swap pair"): LD<op>{A,L,AL}{B,H,,} for ADD, CLR, EOR, SET, SMAX, SMIN,
 * UMAX, UMIN (the ST<op> aliases are Rt = ZR), SWP, CAS and CASP.
 *
 * Each is one read-modify-write in place through hostAddress() (translated as a write, so a
 * fault reports WnR = 1 and a read-only page faults as the pseudocode's MemAtomic does). They
 * always require natural alignment (checkAligned() first) and report ISV = 0. Acquire/release
 * need nothing more here: one thread runs one instruction at a time. The exclusive monitor is
 * not cleared: a store exclusive after a changed value fails on the value comparison.
 */
import type { Cpu } from '../cpu.js';
import { checkAligned, hostAddress } from '../mmu/access.js';
import { checkSpAlignment } from './ldst.js';

/** Unsigned 32-bit "a < b". */
function ltu(a: number, b: number): boolean {
  return (a >>> 0) < (b >>> 0);
}

/**
 * LD<op> and SWP: size = insn[31:30], o3:opc = insn[15:12]. Rs (operand) and Rt (old value,
 * zero-extended) may be the same register: the operand is read before Rt is written.
 */
export function atomicOp(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const n = (insn >>> 5) & 31;
  if (n === 31) checkSpAlignment(cpu);
  const lo = s[n << 1];
  const hi = s[(n << 1) | 1];
  const size = insn >>> 30;
  checkAligned(cpu, hi, lo, 1 << size, true);
  const h = hostAddress(cpu, hi, lo, true, 0);
  const rs = (insn >>> 16) & 31;
  const op = (insn >>> 12) & 15;
  let b = rs === 31 ? 0 : s[rs << 1];
  let old: number;
  let oldHi = 0;
  if (size === 3) {
    const w = h >>> 2;
    const m32 = cpu.m32;
    const aLo = m32[w];
    const aHi = m32[w + 1];
    const bHi = rs === 31 ? 0 : s[(rs << 1) | 1];
    let rLo: number;
    let rHi: number;
    switch (op) {
      case 0: // LDADD
        rLo = (aLo + b) | 0;
        rHi = (aHi + bHi + (ltu(rLo, aLo) ? 1 : 0)) | 0;
        break;
      case 1: rLo = aLo & ~b; rHi = aHi & ~bHi; break; // LDCLR
      case 2: rLo = aLo ^ b; rHi = aHi ^ bHi; break; // LDEOR
      case 3: rLo = aLo | b; rHi = aHi | bHi; break; // LDSET
      case 4: // LDSMAX
      case 5: { // LDSMIN
        const aGreater = aHi > bHi || (aHi === bHi && ltu(b, aLo));
        const pickA = op === 4 ? aGreater : !aGreater;
        rLo = pickA ? aLo : b;
        rHi = pickA ? aHi : bHi;
        break;
      }
      case 6: // LDUMAX
      case 7: { // LDUMIN
        const aGreater = ltu(bHi, aHi) || (aHi === bHi && ltu(b, aLo));
        const pickA = op === 6 ? aGreater : !aGreater;
        rLo = pickA ? aLo : b;
        rHi = pickA ? aHi : bHi;
        break;
      }
      default: rLo = b; rHi = bHi; break; // SWP (o3 = 1, opc = 000; the only o3 = 1 row)
    }
    m32[w] = rLo;
    m32[w + 1] = rHi;
    old = aLo;
    oldHi = aHi;
  } else {
    let a: number;
    // Operands as int32 with the value in the low `8 << size` bits; a and b are
    // zero-extended for the unsigned ops and sign-extended for SMAX/SMIN.
    if (size === 0) { a = cpu.m8[h]; b &= 0xff; }
    else if (size === 1) { a = cpu.m16[h >>> 1]; b &= 0xffff; }
    else a = cpu.m32[h >>> 2];
    let r: number;
    switch (op) {
      case 0: r = (a + b) | 0; break;
      case 1: r = a & ~b; break;
      case 2: r = a ^ b; break;
      case 3: r = a | b; break;
      case 4:
      case 5: {
        const sh = 32 - (8 << size);
        const sa = (a << sh) >> sh;
        const sb = (b << sh) >> sh;
        r = (op === 4 ? sa > sb : sa < sb) ? a : b;
        break;
      }
      case 6: r = ltu(b, a) ? a : b; break;
      case 7: r = ltu(a, b) ? a : b; break;
      default: r = b; break;
    }
    if (size === 0) cpu.m8[h] = r;
    else if (size === 1) cpu.m16[h >>> 1] = r;
    else cpu.m32[h >>> 2] = r;
    old = a;
  }
  const t = insn & 31;
  if (t !== 31) {
    s[t << 1] = old;
    s[(t << 1) | 1] = oldHi;
  }
}

/**
 * CAS{A,L,AL}{B,H,,}: if Mem == Rs (low `8 << size` bits) then Mem = Rt; Rs = ZeroExtend(Mem).
 * Translated as a write whether or not the comparison succeeds (MemAtomicCompareAndSwap).
 */
export function cas(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const n = (insn >>> 5) & 31;
  if (n === 31) checkSpAlignment(cpu);
  const lo = s[n << 1];
  const hi = s[(n << 1) | 1];
  const size = insn >>> 30;
  checkAligned(cpu, hi, lo, 1 << size, true);
  const h = hostAddress(cpu, hi, lo, true, 0);
  const rs = (insn >>> 16) & 31;
  const t = insn & 31;
  const c = rs === 31 ? 0 : s[rs << 1];
  const v = t === 31 ? 0 : s[t << 1];
  let old: number;
  let oldHi = 0;
  switch (size) {
    case 0:
      old = cpu.m8[h];
      if (old === (c & 0xff)) cpu.m8[h] = v;
      break;
    case 1:
      old = cpu.m16[h >>> 1];
      if (old === (c & 0xffff)) cpu.m16[h >>> 1] = v;
      break;
    case 2:
      old = cpu.m32[h >>> 2];
      if (old === c) cpu.m32[h >>> 2] = v;
      break;
    default: {
      const w = h >>> 2;
      old = cpu.m32[w];
      oldHi = cpu.m32[w + 1];
      if (old === c && oldHi === (rs === 31 ? 0 : s[(rs << 1) | 1])) {
        cpu.m32[w] = v;
        cpu.m32[w + 1] = t === 31 ? 0 : s[(t << 1) | 1];
      }
      break;
    }
  }
  if (rs !== 31) {
    s[rs << 1] = old;
    s[(rs << 1) | 1] = oldHi;
  }
}

/**
 * CASP{A,L,AL} (W pairs: sz = 0, 8 bytes; X pairs: sz = 1, 16 bytes), aligned to the whole
 * pair. Rs and Rt must be even (C6.2 CASP: "if Rs<0> == '1' then UNDEFINED", same for Rt);
 * register s+1 / t+1 may be 31 = ZR. The first register of each pair is at the lower address.
 */
export function casp(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  const rs = (insn >>> 16) & 31;
  const t = insn & 31;
  if ((rs & 1) !== 0 || (t & 1) !== 0) return false;
  const n = (insn >>> 5) & 31;
  if (n === 31) checkSpAlignment(cpu);
  const lo = s[n << 1];
  const hi = s[(n << 1) | 1];
  const x = (insn & 0x40000000) !== 0;
  checkAligned(cpu, hi, lo, x ? 16 : 8, true);
  const w = hostAddress(cpu, hi, lo, true, 0) >>> 2;
  const m32 = cpu.m32;
  const rs1 = rs + 1;
  const t1 = t + 1;
  // Register values; index 31 (rs + 1 = 31 or t + 1 = 31) reads ZR.
  const c0 = s[rs << 1];
  const c0h = s[(rs << 1) | 1];
  const c1 = rs1 === 31 ? 0 : s[rs1 << 1];
  const c1h = rs1 === 31 ? 0 : s[(rs1 << 1) | 1];
  const n0 = s[t << 1];
  const n0h = s[(t << 1) | 1];
  const n1 = t1 === 31 ? 0 : s[t1 << 1];
  const n1h = t1 === 31 ? 0 : s[(t1 << 1) | 1];
  if (x) {
    const o0 = m32[w];
    const o0h = m32[w + 1];
    const o1 = m32[w + 2];
    const o1h = m32[w + 3];
    if (o0 === c0 && o0h === c0h && o1 === c1 && o1h === c1h) {
      m32[w] = n0;
      m32[w + 1] = n0h;
      m32[w + 2] = n1;
      m32[w + 3] = n1h;
    }
    s[rs << 1] = o0;
    s[(rs << 1) | 1] = o0h;
    if (rs1 !== 31) {
      s[rs1 << 1] = o1;
      s[(rs1 << 1) | 1] = o1h;
    }
  } else {
    const o0 = m32[w];
    const o1 = m32[w + 1];
    if (o0 === c0 && o1 === c1) {
      m32[w] = n0;
      m32[w + 1] = n1;
    }
    s[rs << 1] = o0;
    s[(rs << 1) | 1] = 0;
    if (rs1 !== 31) {
      s[rs1 << 1] = o1;
      s[(rs1 << 1) | 1] = 0;
    }
  }
  return true;
}
