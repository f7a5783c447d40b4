/**
 * A64 loads and stores of general-purpose registers (Arm ARM DDI 0487K.a C4.1.94 "Loads and
 * Stores"): single registers in every addressing mode (C6.2 LDR/STR (immediate, register,
 * literal), LDUR/STUR, LDTR/STTR, sign-extending forms, PRFM/PRFUM) and pairs (LDP/STP, LDPSW,
 * LDNP/STNP). Also the helpers the other load/store executors share (SP alignment check).
 *
 * Conventions (docs/cpu-internals.md): PC is already the next instruction; loads go into locals
 * and registers are written only after every access succeeded; writeback after the accesses.
 * Register 31 is SP as a base (s[62..63] = S.SP, i.e. slot 31) and ZR as Rt/Rt2/Rm.
 */
import type { Cpu } from '../cpu.js';
import { S, SR, srIndex } from '../state.js';
import { syncToEl1 } from '../exceptions.js';
import { ESR_ELx_EC_SP_ALIGN, ISS_ISV, ISS_SAS_SHIFT, ISS_SRT_SHIFT, ISS_SF } from '../esr.js';
import { readUnpriv, writeUnpriv } from '../mmu/access.js';

const SCTLR = srIndex(SR.SCTLR_EL1);
/** SCTLR_EL1.SA (bit 3) and SA0 (bit 4): SP alignment checking at EL1 / EL0 (D1.8.2). */
const SCTLR_SA = 1 << 3;
const SCTLR_SA0 = 1 << 4;

/**
 * CheckSPAlignment(): when SP is the base register and SCTLR_EL1.SA (SA0 at EL0) is set, SP
 * must be 16-byte aligned, else an SP alignment fault (EC 0x26, ISS 0, FAR not written).
 */
export function checkSpAlignment(cpu: Cpu): void {
  const s = cpu.s;
  if ((s[S.SP] & 15) !== 0 && (s[SCTLR] & (s[S.EL] === 0 ? SCTLR_SA0 : SCTLR_SA)) !== 0) {
    syncToEl1(cpu, ESR_ELx_EC_SP_ALIGN, true, 0, false, 0, 0);
  }
}

/** Scratch for helpers that produce a 64-bit address: the high word (the low word is returned). */
export const ea = { hi: 0 };

/**
 * Address of the "load/store register (register offset)" forms: base + (ExtendReg(Rm, option) <<
 * shift) (C6.2 LDR (register)). option<1> = 0 is excluded by the decode rows. Leaves hi in ea.hi.
 */
export function addrRegOffset(cpu: Cpu, insn: number, shift: number): number {
  const s = cpu.s;
  const n = (insn >>> 5) & 31;
  if (n === 31) checkSpAlignment(cpu);
  const bLo = s[n << 1];
  const bHi = s[(n << 1) | 1];
  const m = (insn >>> 16) & 31;
  let oLo = m === 31 ? 0 : s[m << 1];
  let oHi: number;
  switch ((insn >>> 13) & 7) {
    case 2: oHi = 0; break; // UXTW
    case 6: oHi = oLo >> 31; break; // SXTW
    default: oHi = m === 31 ? 0 : s[(m << 1) | 1]; break; // LSL (UXTX), SXTX
  }
  if (shift !== 0) {
    oHi = (oHi << shift) | (oLo >>> (32 - shift));
    oLo = oLo << shift;
  }
  const lo = (bLo + oLo) | 0;
  ea.hi = (bHi + oHi + ((lo >>> 0) < (bLo >>> 0) ? 1 : 0)) | 0;
  return lo;
}

/** PC-relative literal address: (PC - 4) + SignExtend(imm19:'00'). Leaves hi in ea.hi. */
export function addrLiteral(cpu: Cpu, insn: number): number {
  const s = cpu.s;
  const pLo = s[S.PC];
  const pHi = s[S.PC_HI];
  const off = ((insn << 8) >> 13) << 2; // imm19 at bits 23:5, sign-extended, times 4
  const cLo = (pLo - 4) | 0;
  const cHi = (pLo >>> 0) < 4 ? (pHi - 1) | 0 : pHi;
  const lo = (cLo + off) | 0;
  ea.hi = (cHi + (off >> 31) + ((lo >>> 0) < (cLo >>> 0) ? 1 : 0)) | 0;
  return lo;
}

/**
 * ISS fragment (ISV = 1) of a single-register GPR load/store without writeback: SAS = size,
 * SSE = opc<1> (sign-extending loads), SRT = Rt, SF = the register is 64-bit (X forms and loads
 * that sign-extend to 64 bits). dataSyndrome() inlined for the hot path.
 */
export function gprSyn(insn: number): number {
  const size = insn >>> 30;
  const opc = (insn >>> 22) & 3;
  return ISS_ISV | (size << ISS_SAS_SHIFT) | ((opc >>> 1) << 21) | ((insn & 31) << ISS_SRT_SHIFT) | (size === 3 || opc === 2 ? ISS_SF : 0);
}

/**
 * The access of a single-register GPR load/store at (hi, lo), selected by size:opc
 * (C4.1.94 "Load/store register" tables): STRB/LDRB/LDRSB(X)/LDRSB(W), ...H, STR/LDR/LDRSW (W),
 * STR/LDR (X). PRFM (size 11, opc 10) is filtered out by the callers; the unallocated
 * combinations are not decoded.
 */
function gprAccess(cpu: Cpu, insn: number, hi: number, lo: number, syn: number): void {
  const s = cpu.s;
  const t = insn & 31;
  const i = t << 1;
  let v: number;
  switch (((insn >>> 28) & 0xc) | ((insn >>> 22) & 3)) {
    case 0x0:
      cpu.write8(hi, lo, t === 31 ? 0 : s[i], syn);
      return;
    case 0x1:
      v = cpu.read8(hi, lo, syn);
      if (t !== 31) { s[i] = v; s[i + 1] = 0; }
      return;
    case 0x2:
      v = (cpu.read8(hi, lo, syn) << 24) >> 24;
      if (t !== 31) { s[i] = v; s[i + 1] = v >> 31; }
      return;
    case 0x3:
      v = (cpu.read8(hi, lo, syn) << 24) >> 24;
      if (t !== 31) { s[i] = v; s[i + 1] = 0; }
      return;
    case 0x4:
      cpu.write16(hi, lo, t === 31 ? 0 : s[i], syn);
      return;
    case 0x5:
      v = cpu.read16(hi, lo, syn);
      if (t !== 31) { s[i] = v; s[i + 1] = 0; }
      return;
    case 0x6:
      v = (cpu.read16(hi, lo, syn) << 16) >> 16;
      if (t !== 31) { s[i] = v; s[i + 1] = v >> 31; }
      return;
    case 0x7:
      v = (cpu.read16(hi, lo, syn) << 16) >> 16;
      if (t !== 31) { s[i] = v; s[i + 1] = 0; }
      return;
    case 0x8:
      cpu.write32(hi, lo, t === 31 ? 0 : s[i], syn);
      return;
    case 0x9:
      v = cpu.read32(hi, lo, syn);
      if (t !== 31) { s[i] = v; s[i + 1] = 0; }
      return;
    case 0xa:
      v = cpu.read32(hi, lo, syn);
      if (t !== 31) { s[i] = v; s[i + 1] = v >> 31; }
      return;
    case 0xc:
      if (t === 31) cpu.write64(hi, lo, 0, 0, syn);
      else cpu.write64(hi, lo, s[i], s[i + 1], syn);
      return;
    case 0xd:
      v = cpu.read64(hi, lo, syn);
      if (t !== 31) { s[i] = v; s[i + 1] = cpu.rhi; }
      return;
    default:
      return;
  }
}

/** As gprAccess, with unprivileged (EL0) permissions: LDTR/STTR family (C6.2 LDTR). */
function gprAccessUnpriv(cpu: Cpu, insn: number, hi: number, lo: number, syn: number): void {
  const s = cpu.s;
  const t = insn & 31;
  const i = t << 1;
  const size = insn >>> 30;
  const opc = (insn >>> 22) & 3;
  if (opc === 0) {
    writeUnpriv(cpu, hi, lo, size, t === 31 ? 0 : s[i], t === 31 ? 0 : s[i + 1], syn);
    return;
  }
  let v = readUnpriv(cpu, hi, lo, size, syn);
  let vh = 0;
  if (size === 3) vh = cpu.rhi;
  else if (opc !== 1) {
    // Sign-extending: to 64 bits (opc 10) or to 32 bits (opc 11).
    if (size === 0) v = (v << 24) >> 24;
    else if (size === 1) v = (v << 16) >> 16;
    if (opc === 2) vh = v >> 31;
  }
  if (t !== 31) { s[i] = v; s[i + 1] = vh; }
}

/** Size:opc = 11:10, PRFM/PRFUM: a hint; it computes nothing observable and never faults. */
export function isPrfm(insn: number): boolean {
  return (insn & 0xc0c00000) === (0xc0800000 | 0);
}

// ---- single register, immediate forms ---------------------------------------------------------

/** LDR/STR... (immediate, unsigned offset): address = base + imm12 << size. */
export function ldstUi(cpu: Cpu, insn: number): void {
  if (isPrfm(insn)) return;
  const s = cpu.s;
  const n = (insn >>> 5) & 31;
  if (n === 31) checkSpAlignment(cpu);
  const bLo = s[n << 1];
  const off = ((insn >>> 10) & 0xfff) << (insn >>> 30);
  const lo = (bLo + off) | 0;
  const hi = (s[(n << 1) | 1] + ((lo >>> 0) < (bLo >>> 0) ? 1 : 0)) | 0;
  gprAccess(cpu, insn, hi, lo, gprSyn(insn));
}

/** LDR Xt, [Xn|SP, #imm] (the hottest load): ldstUi specialised to size 11, opc 01. */
export function ldrXUi(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const n = (insn >>> 5) & 31;
  if (n === 31) checkSpAlignment(cpu);
  const bLo = s[n << 1];
  const lo = (bLo + (((insn >>> 10) & 0xfff) << 3)) | 0;
  const hi = (s[(n << 1) | 1] + ((lo >>> 0) < (bLo >>> 0) ? 1 : 0)) | 0;
  const t = insn & 31;
  const v = cpu.read64(hi, lo, ISS_ISV | (3 << ISS_SAS_SHIFT) | (t << ISS_SRT_SHIFT) | ISS_SF);
  if (t !== 31) {
    s[t << 1] = v;
    s[(t << 1) | 1] = cpu.rhi;
  }
}

/** STR Xt, [Xn|SP, #imm]: ldstUi specialised to size 11, opc 00. */
export function strXUi(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const n = (insn >>> 5) & 31;
  if (n === 31) checkSpAlignment(cpu);
  const bLo = s[n << 1];
  const lo = (bLo + (((insn >>> 10) & 0xfff) << 3)) | 0;
  const hi = (s[(n << 1) | 1] + ((lo >>> 0) < (bLo >>> 0) ? 1 : 0)) | 0;
  const t = insn & 31;
  const syn = ISS_ISV | (3 << ISS_SAS_SHIFT) | (t << ISS_SRT_SHIFT) | ISS_SF;
  if (t === 31) cpu.write64(hi, lo, 0, 0, syn);
  else cpu.write64(hi, lo, s[t << 1], s[(t << 1) | 1], syn);
}

/** LDUR/STUR... (unscaled immediate) and PRFUM: address = base + SignExtend(imm9). */
export function ldstUnscaled(cpu: Cpu, insn: number): void {
  if (isPrfm(insn)) return;
  const s = cpu.s;
  const n = (insn >>> 5) & 31;
  if (n === 31) checkSpAlignment(cpu);
  const bLo = s[n << 1];
  const imm = (insn << 11) >> 23;
  const lo = (bLo + imm) | 0;
  const hi = (s[(n << 1) | 1] + (imm >> 31) + ((lo >>> 0) < (bLo >>> 0) ? 1 : 0)) | 0;
  gprAccess(cpu, insn, hi, lo, gprSyn(insn));
}

/** LDTR/STTR... (unprivileged): as LDUR with EL0 permissions at EL1. */
export function ldstUnpriv(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const n = (insn >>> 5) & 31;
  if (n === 31) checkSpAlignment(cpu);
  const bLo = s[n << 1];
  const imm = (insn << 11) >> 23;
  const lo = (bLo + imm) | 0;
  const hi = (s[(n << 1) | 1] + (imm >> 31) + ((lo >>> 0) < (bLo >>> 0) ? 1 : 0)) | 0;
  gprAccessUnpriv(cpu, insn, hi, lo, gprSyn(insn));
}

/**
 * Pre-index (bits 11:10 = 11) and post-index (01) immediate forms: address = base + imm9
 * (pre) or base (post); Rn|SP = base + imm9 afterwards. ISV = 0 (writeback).
 *
 * CONSTRAINED UNPREDICTABLE (C6.2 LDR (immediate), "wback && n == t && n != 31"): a load picks
 * Constraint_WBSUPPRESS (Rt gets the loaded value, no writeback); a store picks Constraint_NONE
 * (the value stored is Rt before the writeback).
 */
export function ldstImmWb(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const n = (insn >>> 5) & 31;
  if (n === 31) checkSpAlignment(cpu);
  const bLo = s[n << 1];
  const bHi = s[(n << 1) | 1];
  const imm = (insn << 11) >> 23;
  const wLo = (bLo + imm) | 0;
  const wHi = (bHi + (imm >> 31) + ((wLo >>> 0) < (bLo >>> 0) ? 1 : 0)) | 0;
  if ((insn & 0x800) !== 0) gprAccess(cpu, insn, wHi, wLo, 0);
  else gprAccess(cpu, insn, bHi, bLo, 0);
  if (n === (insn & 31) && n !== 31 && (insn & 0x00c00000) !== 0) return; // load: WBSUPPRESS
  s[n << 1] = wLo;
  s[(n << 1) | 1] = wHi;
}

/** LDR/STR... (register): base + ExtendReg(Rm, option) << (S ? size : 0); PRFM (register). */
export function ldstReg(cpu: Cpu, insn: number): void {
  if (isPrfm(insn)) return;
  const lo = addrRegOffset(cpu, insn, (insn & 0x1000) !== 0 ? insn >>> 30 : 0);
  gprAccess(cpu, insn, ea.hi, lo, gprSyn(insn));
}

// ---- specialised single-register forms ---------------------------------------------------------
// The generic executors above pick the access with a switch on size:opc and build the syndrome
// from the fields; on the sieve benchmark that switch (gprAccess) plus the syndrome were ~13% of
// the profile. These fix size and opc per decode row (decodetree style: more rows, each tiny) for
// the byte, word and doubleword LDR/STR forms compilers use in loops; behaviour is identical
// to ldstReg/ldstImmWb (same syndromes, same CONSTRAINED UNPREDICTABLE choices).

/** ISS fragment for a zero-extending load or a store without writeback (gprSyn, fixed size). */
const SYN_B = ISS_ISV;
const SYN_W = ISS_ISV | (2 << ISS_SAS_SHIFT);
const SYN_X = ISS_ISV | (3 << ISS_SAS_SHIFT) | ISS_SF;

/** LDRB Wt, [Xn|SP, Rm{, extend}] (register offset; S = 1 shifts by 0 for bytes). */
export function ldrbReg(cpu: Cpu, insn: number): void {
  const lo = addrRegOffset(cpu, insn, 0);
  const t = insn & 31;
  const v = cpu.read8(ea.hi, lo, SYN_B | (t << ISS_SRT_SHIFT));
  if (t !== 31) {
    const s = cpu.s;
    s[t << 1] = v;
    s[(t << 1) | 1] = 0;
  }
}

/** STRB Wt, [Xn|SP, Rm{, extend}]. */
export function strbReg(cpu: Cpu, insn: number): void {
  const lo = addrRegOffset(cpu, insn, 0);
  const t = insn & 31;
  cpu.write8(ea.hi, lo, t === 31 ? 0 : cpu.s[t << 1], SYN_B | (t << ISS_SRT_SHIFT));
}

/** LDR Wt, [Xn|SP, Rm{, extend {#2}}]. */
export function ldrWReg(cpu: Cpu, insn: number): void {
  const lo = addrRegOffset(cpu, insn, (insn & 0x1000) !== 0 ? 2 : 0);
  const t = insn & 31;
  const v = cpu.read32(ea.hi, lo, SYN_W | (t << ISS_SRT_SHIFT));
  if (t !== 31) {
    const s = cpu.s;
    s[t << 1] = v;
    s[(t << 1) | 1] = 0;
  }
}

/** STR Wt, [Xn|SP, Rm{, extend {#2}}]. */
export function strWReg(cpu: Cpu, insn: number): void {
  const lo = addrRegOffset(cpu, insn, (insn & 0x1000) !== 0 ? 2 : 0);
  const t = insn & 31;
  cpu.write32(ea.hi, lo, t === 31 ? 0 : cpu.s[t << 1], SYN_W | (t << ISS_SRT_SHIFT));
}

/** LDR Xt, [Xn|SP, Rm{, extend {#3}}]. */
export function ldrXReg(cpu: Cpu, insn: number): void {
  const lo = addrRegOffset(cpu, insn, (insn & 0x1000) !== 0 ? 3 : 0);
  const t = insn & 31;
  const v = cpu.read64(ea.hi, lo, SYN_X | (t << ISS_SRT_SHIFT));
  if (t !== 31) {
    const s = cpu.s;
    s[t << 1] = v;
    s[(t << 1) | 1] = cpu.rhi;
  }
}

/** STR Xt, [Xn|SP, Rm{, extend {#3}}]. */
export function strXReg(cpu: Cpu, insn: number): void {
  const lo = addrRegOffset(cpu, insn, (insn & 0x1000) !== 0 ? 3 : 0);
  const t = insn & 31;
  const s = cpu.s;
  cpu.write64(ea.hi, lo, t === 31 ? 0 : s[t << 1], t === 31 ? 0 : s[(t << 1) | 1], SYN_X | (t << ISS_SRT_SHIFT));
}

/**
 * Pre/post-index addressing shared by the specialised writeback forms: returns the low word of
 * base + imm9 (its high word in wb[WB_WHI]) and leaves the access address (pre: the updated
 * base, post: the base) in wb[WB_ALO]/wb[WB_AHI]. The caller writes the base back after the
 * access. An Int32Array, not an object: address words above 2^30 would make object fields
 * doubles (boxed).
 */
const wb = new Int32Array(3);
const WB_ALO = 0;
const WB_AHI = 1;
const WB_WHI = 2;
function immWbAddr(cpu: Cpu, insn: number, n: number): number {
  const s = cpu.s;
  if (n === 31) checkSpAlignment(cpu);
  const bLo = s[n << 1];
  const bHi = s[(n << 1) | 1];
  const imm = (insn << 11) >> 23;
  const wLo = (bLo + imm) | 0;
  const wHi = (bHi + (imm >> 31) + ((wLo >>> 0) < (bLo >>> 0) ? 1 : 0)) | 0;
  wb[WB_WHI] = wHi;
  if ((insn & 0x800) !== 0) {
    wb[WB_ALO] = wLo;
    wb[WB_AHI] = wHi;
  } else {
    wb[WB_ALO] = bLo;
    wb[WB_AHI] = bHi;
  }
  return wLo;
}

/** LDRB Wt, [Xn|SP], #imm / [Xn|SP, #imm]! (WBSUPPRESS when n == t, as ldstImmWb). */
export function ldrbImmWb(cpu: Cpu, insn: number): void {
  const n = (insn >>> 5) & 31;
  const wLo = immWbAddr(cpu, insn, n);
  const wHi = wb[WB_WHI];
  const v = cpu.read8(wb[WB_AHI], wb[WB_ALO], 0);
  const s = cpu.s;
  const t = insn & 31;
  if (t !== 31) {
    s[t << 1] = v;
    s[(t << 1) | 1] = 0;
  }
  if (n === t && n !== 31) return;
  s[n << 1] = wLo;
  s[(n << 1) | 1] = wHi;
}

/** STRB Wt, [Xn|SP], #imm / [Xn|SP, #imm]! (stores Rt as it was before the writeback). */
export function strbImmWb(cpu: Cpu, insn: number): void {
  const n = (insn >>> 5) & 31;
  const wLo = immWbAddr(cpu, insn, n);
  const wHi = wb[WB_WHI];
  const s = cpu.s;
  const t = insn & 31;
  cpu.write8(wb[WB_AHI], wb[WB_ALO], t === 31 ? 0 : s[t << 1], 0);
  s[n << 1] = wLo;
  s[(n << 1) | 1] = wHi;
}

/** LDR Wt, [Xn|SP], #imm / [Xn|SP, #imm]!. */
export function ldrWImmWb(cpu: Cpu, insn: number): void {
  const n = (insn >>> 5) & 31;
  const wLo = immWbAddr(cpu, insn, n);
  const wHi = wb[WB_WHI];
  const v = cpu.read32(wb[WB_AHI], wb[WB_ALO], 0);
  const s = cpu.s;
  const t = insn & 31;
  if (t !== 31) {
    s[t << 1] = v;
    s[(t << 1) | 1] = 0;
  }
  if (n === t && n !== 31) return;
  s[n << 1] = wLo;
  s[(n << 1) | 1] = wHi;
}

/** STR Wt, [Xn|SP], #imm / [Xn|SP, #imm]!. */
export function strWImmWb(cpu: Cpu, insn: number): void {
  const n = (insn >>> 5) & 31;
  const wLo = immWbAddr(cpu, insn, n);
  const wHi = wb[WB_WHI];
  const s = cpu.s;
  const t = insn & 31;
  cpu.write32(wb[WB_AHI], wb[WB_ALO], t === 31 ? 0 : s[t << 1], 0);
  s[n << 1] = wLo;
  s[(n << 1) | 1] = wHi;
}

/** LDR Xt, [Xn|SP], #imm / [Xn|SP, #imm]!. */
export function ldrXImmWb(cpu: Cpu, insn: number): void {
  const n = (insn >>> 5) & 31;
  const wLo = immWbAddr(cpu, insn, n);
  const wHi = wb[WB_WHI];
  const v = cpu.read64(wb[WB_AHI], wb[WB_ALO], 0);
  const vh = cpu.rhi;
  const s = cpu.s;
  const t = insn & 31;
  if (t !== 31) {
    s[t << 1] = v;
    s[(t << 1) | 1] = vh;
  }
  if (n === t && n !== 31) return;
  s[n << 1] = wLo;
  s[(n << 1) | 1] = wHi;
}

/** STR Xt, [Xn|SP], #imm / [Xn|SP, #imm]!. */
export function strXImmWb(cpu: Cpu, insn: number): void {
  const n = (insn >>> 5) & 31;
  const wLo = immWbAddr(cpu, insn, n);
  const wHi = wb[WB_WHI];
  const s = cpu.s;
  const t = insn & 31;
  cpu.write64(wb[WB_AHI], wb[WB_ALO], t === 31 ? 0 : s[t << 1], t === 31 ? 0 : s[(t << 1) | 1], 0);
  s[n << 1] = wLo;
  s[(n << 1) | 1] = wHi;
}

/**
 * LDR (literal) W/X, LDRSW (literal), PRFM (literal), opc = insn[31:30]. The syndrome is valid
 * (single register, no writeback).
 */
export function ldrLiteral(cpu: Cpu, insn: number): void {
  const opc = insn >>> 30;
  if (opc === 3) return; // PRFM (literal): a hint
  const s = cpu.s;
  const lo = addrLiteral(cpu, insn);
  const hi = ea.hi;
  const t = insn & 31;
  let v: number;
  let vh: number;
  if (opc === 1) {
    v = cpu.read64(hi, lo, ISS_ISV | (3 << ISS_SAS_SHIFT) | (t << ISS_SRT_SHIFT) | ISS_SF);
    vh = cpu.rhi;
  } else if (opc === 0) {
    v = cpu.read32(hi, lo, ISS_ISV | (2 << ISS_SAS_SHIFT) | (t << ISS_SRT_SHIFT));
    vh = 0;
  } else {
    v = cpu.read32(hi, lo, ISS_ISV | (2 << ISS_SAS_SHIFT) | (1 << 21) | (t << ISS_SRT_SHIFT) | ISS_SF);
    vh = v >> 31;
  }
  if (t !== 31) {
    s[t << 1] = v;
    s[(t << 1) | 1] = vh;
  }
}

// ---- pairs -----------------------------------------------------------------------------------

/**
 * LDP/STP (W, X), LDPSW and LDNP/STNP: insn[24:23] = 00 no-allocate offset, 01 post-index,
 * 10 signed offset, 11 pre-index; opc = insn[31:30] (00 W, 01 LDPSW, 10 X); imm7 scaled by the
 * element size. ISV = 0 for pairs.
 *
 * CONSTRAINED UNPREDICTABLE choices (C6.2 LDP, "Constraint"):
 * - LDP with t == t2 (Unpredictable_LDPOVERLAP): Constraint_UNKNOWN; the register gets the
 *   value loaded for Rt2 (one of the values the Arm ARM allows as UNKNOWN).
 * - Writeback with n == t or n == t2, n != 31: loads take Constraint_WBSUPPRESS (no writeback),
 *   stores Constraint_NONE (the registers' values before the writeback are stored).
 */
export function ldstPair(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const opc = insn >>> 30;
  const mode = (insn >>> 23) & 3;
  const load = (insn & 0x00400000) !== 0;
  const n = (insn >>> 5) & 31;
  const t = insn & 31;
  const t2 = (insn >>> 10) & 31;
  const scale = 2 + (opc >>> 1);
  if (n === 31) checkSpAlignment(cpu);
  const bLo = s[n << 1];
  const bHi = s[(n << 1) | 1];
  const imm = ((insn << 10) >> 25) << scale;
  const wLo = (bLo + imm) | 0;
  const wHi = (bHi + (imm >> 31) + ((wLo >>> 0) < (bLo >>> 0) ? 1 : 0)) | 0;
  let lo = bLo;
  let hi = bHi;
  if (mode !== 1) {
    lo = wLo;
    hi = wHi;
  }
  const bytes = 1 << scale;
  const lo2 = (lo + bytes) | 0;
  const hi2 = (lo2 >>> 0) < (lo >>> 0) ? (hi + 1) | 0 : hi;
  if (load) {
    let v1: number, h1: number, v2: number, h2: number;
    if (scale === 3) {
      v1 = cpu.read64(hi, lo, 0);
      h1 = cpu.rhi;
      v2 = cpu.read64(hi2, lo2, 0);
      h2 = cpu.rhi;
    } else {
      v1 = cpu.read32(hi, lo, 0);
      v2 = cpu.read32(hi2, lo2, 0);
      h1 = opc === 1 ? v1 >> 31 : 0; // LDPSW sign-extends
      h2 = opc === 1 ? v2 >> 31 : 0;
    }
    if (t !== 31) { s[t << 1] = v1; s[(t << 1) | 1] = h1; }
    if (t2 !== 31) { s[t2 << 1] = v2; s[(t2 << 1) | 1] = h2; }
    if ((mode & 1) !== 0 && (n === 31 || (n !== t && n !== t2))) {
      s[n << 1] = wLo;
      s[(n << 1) | 1] = wHi;
    }
    return;
  }
  const v1 = t === 31 ? 0 : s[t << 1];
  const h1 = t === 31 ? 0 : s[(t << 1) | 1];
  const v2 = t2 === 31 ? 0 : s[t2 << 1];
  const h2 = t2 === 31 ? 0 : s[(t2 << 1) | 1];
  if (scale === 3) {
    cpu.write64(hi, lo, v1, h1, 0);
    cpu.write64(hi2, lo2, v2, h2, 0);
  } else {
    cpu.write32(hi, lo, v1, 0);
    cpu.write32(hi2, lo2, v2, 0);
  }
  if ((mode & 1) !== 0) {
    s[n << 1] = wLo;
    s[(n << 1) | 1] = wHi;
  }
}
