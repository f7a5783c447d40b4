/**
 * Load/store exclusive and ordered (Arm ARM DDI 0487K.a C4.1.94 "Load/store exclusive
 * register", "... pair", "Load/store ordered"): LDXR/LDAXR, STXR/STLXR (B/H/W/X), LDXP/LDAXP,
 * STXP/STLXP (W/X), LDAR/STLR (B/H/W/X).
 *
 * The local exclusive monitor (B2.17) lives in the Cpu fields excl*: LDXR records the host
 * address, the size and the value(s) loaded; STXR passes only if the monitor is valid for the
 * same host address and size and memory still holds the recorded value (QEMU's cmpxchg scheme:
 * a store by anyone in between that changed the value makes it fail). Either way the monitor is
 * cleared (AArch64.ExclusiveMonitorsPass -> ClearExclusiveLocal). The interpreter runs one
 * instruction at a time on one thread, so compare-and-write here is atomic.
 *
 * All of them require natural alignment (of the whole pair for LDXP/STXP), checked before the
 * access; syndromes: ISV = 0 for exclusives, valid with AR = 1 for LDAR/STLR.
 */
import type { Cpu } from '../cpu.js';
import { checkAligned, hostAddress } from '../mmu/access.js';
import { checkSpAlignment } from './ldst.js';
import { ISS_ISV, ISS_SAS_SHIFT, ISS_SRT_SHIFT, ISS_SF, ISS_AR } from '../esr.js';

/** Low word of the base register Rn (SP, after the SP alignment check, when n = 31). */
function baseLo(cpu: Cpu, insn: number): number {
  const n = (insn >>> 5) & 31;
  if (n === 31) checkSpAlignment(cpu);
  return cpu.s[n << 1];
}

/** High word of the base register Rn. */
function baseHi(cpu: Cpu, insn: number): number {
  return cpu.s[(((insn >>> 5) & 31) << 1) | 1];
}

/** LDXR/LDAXR (B/H/W/X): size = insn[31:30]. */
export function ldxr(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const lo = baseLo(cpu, insn);
  const hi = baseHi(cpu, insn);
  const size = insn >>> 30;
  const bytes = 1 << size;
  checkAligned(cpu, hi, lo, bytes, false);
  const h = hostAddress(cpu, hi, lo, false, 0);
  let v: number;
  let vh = 0;
  switch (size) {
    case 0: v = cpu.m8[h]; break;
    case 1: v = cpu.m16[h >>> 1]; break;
    case 2: v = cpu.m32[h >>> 2]; break;
    default: v = cpu.m32[h >>> 2]; vh = cpu.m32[(h >>> 2) + 1]; break;
  }
  cpu.exclValid = true;
  cpu.exclHost = h;
  cpu.exclSize = bytes;
  cpu.exclV0 = v;
  cpu.exclV1 = vh;
  const t = insn & 31;
  if (t !== 31) {
    s[t << 1] = v;
    s[(t << 1) | 1] = vh;
  }
}

/**
 * LDXP/LDAXP: sz = insn[30] (0: two W, 8 bytes; 1: two X, 16 bytes), aligned to the pair.
 * CONSTRAINED UNPREDICTABLE t == t2 (Unpredictable_LDPOVERLAP): we choose Constraint_UNDEF.
 */
export function ldxp(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  const t = insn & 31;
  const t2 = (insn >>> 10) & 31;
  if (t === t2) return false;
  const lo = baseLo(cpu, insn);
  const hi = baseHi(cpu, insn);
  const x = (insn & 0x40000000) !== 0;
  const bytes = x ? 16 : 8;
  checkAligned(cpu, hi, lo, bytes, false);
  const w = hostAddress(cpu, hi, lo, false, 0) >>> 2;
  const m32 = cpu.m32;
  const v0 = m32[w];
  const v1 = m32[w + 1];
  const v2 = x ? m32[w + 2] : 0;
  const v3 = x ? m32[w + 3] : 0;
  cpu.exclValid = true;
  cpu.exclHost = w << 2;
  cpu.exclSize = bytes;
  cpu.exclV0 = v0;
  cpu.exclV1 = v1;
  cpu.exclV2 = v2;
  cpu.exclV3 = v3;
  if (x) {
    if (t !== 31) { s[t << 1] = v0; s[(t << 1) | 1] = v1; }
    if (t2 !== 31) { s[t2 << 1] = v2; s[(t2 << 1) | 1] = v3; }
  } else {
    if (t !== 31) { s[t << 1] = v0; s[(t << 1) | 1] = 0; }
    if (t2 !== 31) { s[t2 << 1] = v1; s[(t2 << 1) | 1] = 0; }
  }
  return true;
}

/** Write the status register Ws of a store exclusive (0 = success). */
function setStatus(s: Int32Array, rs: number, status: number): void {
  if (rs !== 31) {
    s[rs << 1] = status;
    s[(rs << 1) | 1] = 0;
  }
}

/**
 * STXR/STLXR (B/H/W/X). CONSTRAINED UNPREDICTABLE (C6.2 STXR): s == t
 * (Unpredictable_DATAOVERLAP) and s == n with n != 31 (Unpredictable_BASEOVERLAP): we choose
 * Constraint_UNDEF for both.
 */
export function stxr(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  const t = insn & 31;
  const n = (insn >>> 5) & 31;
  const rs = (insn >>> 16) & 31;
  if (rs === t || (rs === n && n !== 31)) return false;
  const lo = baseLo(cpu, insn);
  const hi = baseHi(cpu, insn);
  const size = insn >>> 30;
  const bytes = 1 << size;
  // AArch64.ExclusiveMonitorsPass: the alignment check comes first whatever the monitor
  // state; with no reservation (IsExclusiveVA fails) the store fails without translating the
  // address, so it takes no MMU fault; otherwise the address is translated (as a write).
  checkAligned(cpu, hi, lo, bytes, true);
  if (!cpu.exclValid) {
    setStatus(s, rs, 1);
    return true;
  }
  const h = hostAddress(cpu, hi, lo, true, 0);
  const v = t === 31 ? 0 : s[t << 1];
  const vh = t === 31 ? 0 : s[(t << 1) | 1];
  let pass = cpu.exclHost === h && cpu.exclSize === bytes;
  cpu.exclValid = false;
  if (pass) {
    switch (size) {
      case 0:
        pass = cpu.m8[h] === cpu.exclV0;
        if (pass) cpu.m8[h] = v;
        break;
      case 1:
        pass = cpu.m16[h >>> 1] === cpu.exclV0;
        if (pass) cpu.m16[h >>> 1] = v;
        break;
      case 2:
        pass = cpu.m32[h >>> 2] === cpu.exclV0;
        if (pass) cpu.m32[h >>> 2] = v;
        break;
      default: {
        const w = h >>> 2;
        pass = cpu.m32[w] === cpu.exclV0 && cpu.m32[w + 1] === cpu.exclV1;
        if (pass) {
          cpu.m32[w] = v;
          cpu.m32[w + 1] = vh;
        }
        break;
      }
    }
  }
  setStatus(s, rs, pass ? 0 : 1);
  return true;
}

/**
 * STXP/STLXP (W/X pairs). CONSTRAINED UNPREDICTABLE s == t or s == t2 (DATAOVERLAP) and
 * s == n, n != 31 (BASEOVERLAP): Constraint_UNDEF.
 */
export function stxp(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  const t = insn & 31;
  const t2 = (insn >>> 10) & 31;
  const n = (insn >>> 5) & 31;
  const rs = (insn >>> 16) & 31;
  if (rs === t || rs === t2 || (rs === n && n !== 31)) return false;
  const lo = baseLo(cpu, insn);
  const hi = baseHi(cpu, insn);
  const x = (insn & 0x40000000) !== 0;
  const bytes = x ? 16 : 8;
  checkAligned(cpu, hi, lo, bytes, true);
  if (!cpu.exclValid) {
    setStatus(s, rs, 1); // no reservation: fails untranslated (see stxr)
    return true;
  }
  const h = hostAddress(cpu, hi, lo, true, 0);
  const w = h >>> 2;
  const m32 = cpu.m32;
  let pass = cpu.exclHost === h && cpu.exclSize === bytes;
  cpu.exclValid = false;
  if (pass) {
    pass = m32[w] === cpu.exclV0 && m32[w + 1] === cpu.exclV1 && (!x || (m32[w + 2] === cpu.exclV2 && m32[w + 3] === cpu.exclV3));
  }
  if (pass) {
    const a = t === 31 ? 0 : s[t << 1];
    const b = t2 === 31 ? 0 : s[t2 << 1];
    if (x) {
      m32[w] = a;
      m32[w + 1] = t === 31 ? 0 : s[(t << 1) | 1];
      m32[w + 2] = b;
      m32[w + 3] = t2 === 31 ? 0 : s[(t2 << 1) | 1];
    } else {
      m32[w] = a;
      m32[w + 1] = b;
    }
  }
  setStatus(s, rs, pass ? 0 : 1);
  return true;
}

/** LDAR/LDARB/LDARH: aligned, syndrome valid with AR = 1 (no ordering work: one thread). */
export function ldar(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const lo = baseLo(cpu, insn);
  const hi = baseHi(cpu, insn);
  const size = insn >>> 30;
  const t = insn & 31;
  checkAligned(cpu, hi, lo, 1 << size, false);
  const syn = ISS_ISV | (size << ISS_SAS_SHIFT) | (t << ISS_SRT_SHIFT) | (size === 3 ? ISS_SF : 0) | ISS_AR;
  let v: number;
  let vh = 0;
  switch (size) {
    case 0: v = cpu.read8(hi, lo, syn); break;
    case 1: v = cpu.read16(hi, lo, syn); break;
    case 2: v = cpu.read32(hi, lo, syn); break;
    default: v = cpu.read64(hi, lo, syn); vh = cpu.rhi; break;
  }
  if (t !== 31) {
    s[t << 1] = v;
    s[(t << 1) | 1] = vh;
  }
}

/** STLR/STLRB/STLRH: aligned, syndrome valid with AR = 1. */
export function stlr(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const lo = baseLo(cpu, insn);
  const hi = baseHi(cpu, insn);
  const size = insn >>> 30;
  const t = insn & 31;
  checkAligned(cpu, hi, lo, 1 << size, true);
  const syn = ISS_ISV | (size << ISS_SAS_SHIFT) | (t << ISS_SRT_SHIFT) | (size === 3 ? ISS_SF : 0) | ISS_AR;
  const v = t === 31 ? 0 : s[t << 1];
  switch (size) {
    case 0: cpu.write8(hi, lo, v, syn); break;
    case 1: cpu.write16(hi, lo, v, syn); break;
    case 2: cpu.write32(hi, lo, v, syn); break;
    default: cpu.write64(hi, lo, v, t === 31 ? 0 : s[(t << 1) | 1], syn); break;
  }
}
