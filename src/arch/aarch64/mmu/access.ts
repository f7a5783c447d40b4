/**
 * Slow paths of data accesses: TLB miss, unaligned, page-crossing, unprivileged, and writes to
 * pages that hold decoded code. The fast paths are in cpu.ts.
 */
import { Cpu, Tlb, P } from '../cpu.js';
import { S, SR, srIndex } from '../state.js';
import { tlbFill, ACC_READ, ACC_WRITE, dataAbortStage1 } from './translate.js';
import { FSC_ALIGNMENT } from '../esr.js';

/** SCTLR_EL1.A: alignment checking of all data accesses (D24.2.142). */
const SCTLR_A = 1 << 1;

/** The TLB index translating (hi, lo) with permission `need`; fills on a miss (may throw). */
export function lookup(cpu: Cpu, hi: number, lo: number, acc: number, need: number, syn: number, unaligned = false): number {
  const i = (lo >>> 12) & Tlb.MASK;
  if (cpu.tlbVaLo[i] === (lo & -4096) && cpu.tlbVaHi[i] === hi && (cpu.tlbPerm[i] & need) !== 0) return i;
  return tlbFill(cpu, hi, lo, acc, need, syn, unaligned);
}

/** Raise an alignment fault for a data access (stage 1, to EL1; DFSC 0x21). */
export function alignmentFault(cpu: Cpu, hi: number, lo: number, isWrite: boolean): never {
  return dataAbortStage1(cpu, hi, lo, isWrite, FSC_ALIGNMENT);
}

/** Check natural alignment for accesses that always require it (exclusives, atomics, LDAR...). */
export function checkAligned(cpu: Cpu, hi: number, lo: number, bytes: number, isWrite: boolean): void {
  if ((lo & (bytes - 1)) !== 0) alignmentFault(cpu, hi, lo, isWrite);
}

function strictAlign(cpu: Cpu): boolean {
  return (cpu.s[srIndex(SR.SCTLR_EL1)] & SCTLR_A) !== 0;
}

function readHost(cpu: Cpu, h: number, size: number): number {
  const m8 = cpu.m8;
  if (size === 1) return m8[h];
  if (size === 2) return m8[h] | (m8[h + 1] << 8);
  const lo = m8[h] | (m8[h + 1] << 8) | (m8[h + 2] << 16) | (m8[h + 3] << 24);
  if (size === 8) cpu.rhi = m8[h + 4] | (m8[h + 5] << 8) | (m8[h + 6] << 16) | (m8[h + 7] << 24);
  return lo;
}

function writeHost(cpu: Cpu, h: number, size: number, vlo: number, vhi: number): void {
  const m8 = cpu.m8;
  m8[h] = vlo;
  if (size === 1) return;
  m8[h + 1] = vlo >>> 8;
  if (size === 2) return;
  m8[h + 2] = vlo >>> 16;
  m8[h + 3] = vlo >>> 24;
  if (size === 4) return;
  m8[h + 4] = vhi;
  m8[h + 5] = vhi >>> 8;
  m8[h + 6] = vhi >>> 16;
  m8[h + 7] = vhi >>> 24;
}

/**
 * A read of 1 << sizeLog2 bytes the fast path did not serve. `need` is the permission bit
 * (cpu.permR, or P.R0 for unprivileged LDTR at EL1). Returns the value (low word for 64-bit,
 * high word in cpu.rhi); 8- and 16-bit values are zero-extended.
 */
export function readSlow(cpu: Cpu, hi: number, lo: number, sizeLog2: number, syn: number, need: number): number {
  const size = 1 << sizeLog2;
  const off = lo & 0xfff;
  const unaligned = (lo & (size - 1)) !== 0;
  if (unaligned && strictAlign(cpu)) alignmentFault(cpu, hi, lo, false);
  if (off + size > 0x1000) {
    // Crosses into the next page: translate both (either may fault), then read byte by byte.
    const i1 = lookup(cpu, hi, lo, ACC_READ, need, syn, true);
    const h1 = cpu.tlbHost[i1];
    const p1 = cpu.tlbPerm[i1];
    const nlo = ((lo & -4096) + 0x1000) | 0;
    const nhi = nlo === 0 ? (hi + 1) | 0 : hi;
    const i2 = lookup(cpu, nhi, nlo, ACC_READ, need, syn);
    if (((p1 | cpu.tlbPerm[i2]) & P.DEVICE) !== 0) alignmentFault(cpu, hi, lo, false);
    const h2 = cpu.tlbHost[i2];
    let vlo = 0;
    let vhi = 0;
    for (let k = 0; k < size; k++) {
      const o = off + k;
      const b = o < 0x1000 ? cpu.m8[(h1 + o) >>> 0] : cpu.m8[(h2 + o - 0x1000) >>> 0];
      if (k < 4) vlo |= b << (8 * k);
      else vhi |= b << (8 * (k - 4));
    }
    cpu.rhi = vhi;
    return size === 4 || size === 8 ? vlo | 0 : vlo;
  }
  const i = lookup(cpu, hi, lo, ACC_READ, need, syn, unaligned);
  if (unaligned && (cpu.tlbPerm[i] & P.DEVICE) !== 0) alignmentFault(cpu, hi, lo, false);
  return readHost(cpu, (cpu.tlbHost[i] + off) >>> 0, size);
}

/** A write the fast path did not serve; see readSlow. Drops decoded code the write touches. */
export function writeSlow(cpu: Cpu, hi: number, lo: number, sizeLog2: number, vlo: number, vhi: number, syn: number, need: number): void {
  const size = 1 << sizeLog2;
  const off = lo & 0xfff;
  const unaligned = (lo & (size - 1)) !== 0;
  if (unaligned && strictAlign(cpu)) alignmentFault(cpu, hi, lo, true);
  if (off + size > 0x1000) {
    const i1 = lookup(cpu, hi, lo, ACC_WRITE, need, syn, true);
    const h1 = cpu.tlbHost[i1];
    const p1 = cpu.tlbPerm[i1];
    const nlo = ((lo & -4096) + 0x1000) | 0;
    const nhi = nlo === 0 ? (hi + 1) | 0 : hi;
    const i2 = lookup(cpu, nhi, nlo, ACC_WRITE, need, syn);
    if (((p1 | cpu.tlbPerm[i2]) & P.DEVICE) !== 0) alignmentFault(cpu, hi, lo, true);
    const h2 = cpu.tlbHost[i2];
    cpu.mem.dropCode(h1 >>> 12);
    cpu.mem.dropCode(h2 >>> 12);
    for (let k = 0; k < size; k++) {
      const o = off + k;
      const b = k < 4 ? vlo >>> (8 * k) : vhi >>> (8 * (k - 4));
      if (o < 0x1000) cpu.m8[(h1 + o) >>> 0] = b;
      else cpu.m8[(h2 + o - 0x1000) >>> 0] = b;
    }
    return;
  }
  const i = lookup(cpu, hi, lo, ACC_WRITE, need, syn, unaligned);
  if (unaligned && (cpu.tlbPerm[i] & P.DEVICE) !== 0) alignmentFault(cpu, hi, lo, true);
  const h = (cpu.tlbHost[i] + off) >>> 0;
  const page = h >>> 12;
  if (cpu.mem.codePage[page] !== 0) {
    cpu.mem.dropCode(page);
    // The page holds no code any more: refill so later writes take the fast path again
    // (tlbFill withholds write permission from entries of code pages).
    cpu.tlbVaLo[i] = 1;
  }
  writeHost(cpu, h, size, vlo, vhi);
}

/** LDTR-family reads: EL0 permissions at EL1 unless PSTATE.UAO (D1.4.3 "unprivileged"). */
export function readUnpriv(cpu: Cpu, hi: number, lo: number, sizeLog2: number, syn: number): number {
  const need = cpu.s[S.EL] === 0 || cpu.s[S.UAO] !== 0 ? cpu.permR : P.R0;
  return readSlow(cpu, hi, lo, sizeLog2, syn, need);
}

/** STTR-family writes; see readUnpriv. */
export function writeUnpriv(cpu: Cpu, hi: number, lo: number, sizeLog2: number, vlo: number, vhi: number, syn: number): void {
  const need = cpu.s[S.EL] === 0 || cpu.s[S.UAO] !== 0 ? cpu.permW : P.W0;
  writeSlow(cpu, hi, lo, sizeLog2, vlo, vhi, syn, need);
}

/**
 * Host physical address of a naturally aligned data access, for executors that read-modify-write
 * in place (atomics, exclusives, DC ZVA). Checks write permission when `isWrite`; alignment
 * is the caller's (checkAligned). Drops decoded code on a written page.
 */
export function hostAddress(cpu: Cpu, hi: number, lo: number, isWrite: boolean, syn: number): number {
  const i = isWrite ? lookup(cpu, hi, lo, ACC_WRITE, cpu.permW, syn) : lookup(cpu, hi, lo, ACC_READ, cpu.permR, syn);
  const h = (cpu.tlbHost[i] + (lo & 0xfff)) >>> 0;
  if (isWrite) cpu.mem.dropCode(h >>> 12);
  return h;
}

export { ACC_READ, ACC_WRITE };
