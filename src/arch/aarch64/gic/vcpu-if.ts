/**
 * The GICv3 virtual CPU interface (Arm IHI 0069H, "Virtual Interrupt Handling and
 * Prioritization", and chapter 12 "System Register Descriptions": ICV_* and ICH_*): the
 * hardware half of KVM's vGICv3. The hypervisor fills the list registers (ICH_LR<n>_EL2) before
 * running a vCPU and reads them back afterwards; in between, the guest's ICC_* accesses at EL1
 * are served from them here (the ICV_* behaviour, sysregs/gic-regs.ts), and the interface
 * drives the vCPU's virtual IRQ/FIQ lines (S.VIRQ/S.VFIQ).
 *
 * State (in the CPU state block from S.GIC_BASE, words 768..895; see G below): list registers
 * (64-bit), ICH_AP0R<n>/AP1R<n>_EL2, ICH_HCR_EL2, ICH_VMCR_EL2. ICH_VTR_EL2 is a constant;
 * ICH_MISR_EL2, ICH_EISR_EL2, ICH_ELRSR_EL2 are computed from the state, as hardware does.
 *
 * Implementation choices (ICH_VTR_EL2, IHI 0069H ch. 12): 4 list registers, 5 bits of virtual
 * priority and 5 of preemption (so ICH_AP0R0/AP1R0 only: 32 preemption levels), 16-bit INTIDs,
 * A3V = 1, SEIS = 0 (no virtual SEI), TDS = 0 (no ICH_HCR_EL2.TDIR), nV4 = 1 (no GICv4 direct
 * injection: nothing here can make a vPE resident; the list registers are the only way in),
 * no FEAT_GICv3_NMI, no vLPI path other than LRs. Priority bits [50:48] of an LR and the low
 * 3 bits of ICV_PMR_EL1 are RES0 accordingly.
 *
 * Ownership of the interrupt lines: while ICH_HCR_EL2.En = 1 the interface *is* the source of
 * the virtual IRQ/FIQ (S.VIRQ/S.VFIQ, what HCR_EL2.VI/VF would add on hardware is not used by KVM
 * with a vGIC). While En = 0 the lines are left to setVirtualIrq() (KVM's userspace-irqchip
 * model); turning En off drops the levels this interface had raised.
 *
 * Hot-path rules: guest accesses (the ICV handlers below) use only numbers in cpu.s, no
 * allocation, no closures; BigInt appears only at the API edge (readIchLrBig/writeIchLrBig,
 * ichLrValue, readIchReg/writeIchReg).
 */
import type { Cpu } from '../cpu.js';
import { S } from '../state.js';
import { updateIntCheck } from '../exceptions.js';

// ---- state layout -----------------------------------------------------------------------------

/**
 * Word indices of the virtual CPU interface state in cpu.s (GIC_BASE = 768 .. 895). Every
 * register takes two words (lo, hi) so save/restore treats them alike; the 32-bit registers
 * keep hi = 0. Room is kept for 16 LRs and 4 APRs per group (the architectural maxima) so a
 * larger ICH_VTR_EL2 is not a layout change. Changing this layout is a snapshot-format change.
 */
export const enum G {
  /** ICH_LR<n>_EL2, n = 0..15: lo at LR0 + 2n, hi at LR0 + 2n + 1 (only NUM_LRS in use). */
  LR0 = S.GIC_BASE,
  /** ICH_AP0R<n>_EL2, n = 0..3 (only NUM_APRS in use). */
  AP0R0 = S.GIC_BASE + 32,
  /** ICH_AP1R<n>_EL2, n = 0..3. */
  AP1R0 = S.GIC_BASE + 40,
  HCR = S.GIC_BASE + 48,
  VMCR = S.GIC_BASE + 50,
  /** Not architectural: the levels this interface drives (bit 0 vIRQ, bit 1 vFIQ). */
  LINES = S.GIC_BASE + 52,
  /**
   * ICC_SRE_EL1.SRE of the vCPU's EL1 as the hypervisor sets it (KVM's vgic_v3_cpu_if.vgic_sre):
   * 1 for a GICv3 guest, 0 for a GICv2 guest using the memory-mapped GICV_* frame (gicv.ts).
   * Stored inverted (the word holds 1 for SRE = 0) so a zeroed state block means SRE = 1.
   */
  NSRE = S.GIC_BASE + 54,
  /** First unused word; the rest up to S.DBG_BASE is free. */
  END = S.GIC_BASE + 56,
}

/** Implemented list registers (ICH_VTR_EL2.ListRegs + 1). */
export const NUM_LRS = 4;
/** Virtual priority bits and preemption bits (ICH_VTR_EL2.PRIbits + 1, PREbits + 1). */
export const PRI_BITS = 5;
export const PRE_BITS = 5;
/** Implemented ICH_AP0R<n>/AP1R<n>_EL2 (and ICV_AP0R<n>/AP1R<n>_EL1): 2^(PREbits - 5). */
export const NUM_APRS = 1;

/**
 * ICH_VTR_EL2 (IHI 0069H ch. 12): PRIbits [31:29] = 4, PREbits [28:26] = 4, IDbits [25:23] = 0
 * (16 bits), SEIS [22] = 0, A3V [21] = 1, nV4 [20] = 1, TDS [19] = 0, DVIM [18] = 0,
 * ListRegs [4:0] = 3.
 */
export const ICH_VTR_EL2_VALUE = ((PRI_BITS - 1) << 29) | ((PRE_BITS - 1) << 26) | (1 << 21) | (1 << 20) | (NUM_LRS - 1);

/** One saved register of the interface (vCPU context, KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS). */
export interface IchRegDesc {
  /** Architectural name (ICH_LR0_EL2...). */
  readonly name: IchRegName;
  /** Word index in cpu.s of the low word; the high word follows. */
  readonly word: number;
  /** 64 for the list registers, 32 for the others (high word 0). */
  readonly bits: 32 | 64;
}

export type IchRegName =
  | 'ICH_LR0_EL2'
  | 'ICH_LR1_EL2'
  | 'ICH_LR2_EL2'
  | 'ICH_LR3_EL2'
  | 'ICH_AP0R0_EL2'
  | 'ICH_AP1R0_EL2'
  | 'ICH_HCR_EL2'
  | 'ICH_VMCR_EL2'
  | 'ICH_VTR_EL2'
  | 'ICH_MISR_EL2'
  | 'ICH_EISR_EL2'
  | 'ICH_ELRSR_EL2';

/**
 * The state a vCPU owns, in save order: every implemented read/write ICH register. Restore
 * writes them back (through writeIchReg, or raw words followed by gicVcpuIfUpdate()).
 */
export const ICH_STATE: readonly IchRegDesc[] = Object.freeze([
  { name: 'ICH_LR0_EL2', word: G.LR0, bits: 64 },
  { name: 'ICH_LR1_EL2', word: G.LR0 + 2, bits: 64 },
  { name: 'ICH_LR2_EL2', word: G.LR0 + 4, bits: 64 },
  { name: 'ICH_LR3_EL2', word: G.LR0 + 6, bits: 64 },
  { name: 'ICH_AP0R0_EL2', word: G.AP0R0, bits: 32 },
  { name: 'ICH_AP1R0_EL2', word: G.AP1R0, bits: 32 },
  { name: 'ICH_VMCR_EL2', word: G.VMCR, bits: 32 },
  { name: 'ICH_HCR_EL2', word: G.HCR, bits: 32 },
] as const);

// ---- register fields (IHI 0069H ch. 12, ICH_*) -------------------------------------------------

/** ICH_LR<n>_EL2 as 64-bit masks, for the API edge (Linux's ICH_LR_* spellings). */
export const ICH_LR_VIRTUAL_ID_MASK = 0xffff_ffffn;
export const ICH_LR_PHYS_ID_SHIFT = 32n;
export const ICH_LR_PHYS_ID_MASK = 0x1fffn << 32n;
/** EOI [41] (HW = 0): a maintenance interrupt when the interrupt is deactivated. */
export const ICH_LR_EOI = 1n << 41n;
export const ICH_LR_PRIORITY_SHIFT = 48n;
export const ICH_LR_PRIORITY_MASK = 0xffn << 48n;
export const ICH_LR_GROUP = 1n << 60n;
export const ICH_LR_HW = 1n << 61n;
export const ICH_LR_STATE_SHIFT = 62n;
export const ICH_LR_PENDING_BIT = 1n << 62n;
export const ICH_LR_ACTIVE_BIT = 1n << 63n;
/** LR State values. */
export const LR_STATE_INVALID = 0;
export const LR_STATE_PENDING = 1;
export const LR_STATE_ACTIVE = 2;
export const LR_STATE_PENDING_ACTIVE = 3;

/** The same fields in the LR's high word (bit - 32), for the number API. */
export const LR_HI_PINTID_MASK = 0x1fff;
export const LR_HI_EOI = 1 << 9;
export const LR_HI_PRIORITY_SHIFT = 16;
export const LR_HI_GROUP = 1 << 28;
export const LR_HI_HW = 1 << 29;
export const LR_HI_STATE_SHIFT = 30;
export const LR_HI_PENDING = 1 << 30;
export const LR_HI_ACTIVE = 1 << 31;
/** Writable bits of the high word: State, HW, Group, the implemented priority bits, pINTID/EOI. */
const LR_HI_WRITABLE = LR_HI_ACTIVE | LR_HI_PENDING | LR_HI_HW | LR_HI_GROUP | (((0xff << (8 - PRI_BITS)) & 0xff) << 16) | LR_HI_PINTID_MASK;

/** ICH_HCR_EL2. */
export const ICH_HCR_EN = 1 << 0;
export const ICH_HCR_UIE = 1 << 1;
export const ICH_HCR_LRENPIE = 1 << 2;
export const ICH_HCR_NPIE = 1 << 3;
export const ICH_HCR_VGRP0EIE = 1 << 4;
export const ICH_HCR_VGRP0DIE = 1 << 5;
export const ICH_HCR_VGRP1EIE = 1 << 6;
export const ICH_HCR_VGRP1DIE = 1 << 7;
export const ICH_HCR_TC = 1 << 10;
export const ICH_HCR_TALL0 = 1 << 11;
export const ICH_HCR_TALL1 = 1 << 12;
export const ICH_HCR_EOICOUNT_SHIFT = 27;
export const ICH_HCR_EOICOUNT_MASK = 0x1f << 27;
/**
 * Writable ICH_HCR_EL2 bits. TC/TALL0/TALL1 (trap ICV accesses to EL2) are not implemented and
 * read as 0, so a hypervisor reading back sees they did not take; TSEI and TDIR are RES0 with
 * SEIS = 0 and TDS = 0, vSGIEOICount and DVIM belong to GICv4.1.
 */
const HCR_WRITABLE = 0xff | ICH_HCR_EOICOUNT_MASK;

/** ICH_VMCR_EL2. */
export const ICH_VMCR_ENG0 = 1 << 0;
export const ICH_VMCR_ENG1 = 1 << 1;
/**
 * VAckCtl and VFIQEn: RES0 and RES1 with the System register interface (SRE = 1: virtual Group 0
 * is always a vFIQ); writable for a legacy (SRE = 0) guest, where they are GICV_CTLR.AckCtl and
 * GICV_CTLR.FIQEn (IHI 0069H ICH_VMCR_EL2; IHI 0048B 5.3.1).
 */
export const ICH_VMCR_ACK_CTL = 1 << 2;
export const ICH_VMCR_FIQ_EN = 1 << 3;
export const ICH_VMCR_CBPR = 1 << 4;
export const ICH_VMCR_EOIM = 1 << 9;
export const ICH_VMCR_BPR1_SHIFT = 18;
export const ICH_VMCR_BPR0_SHIFT = 21;
export const ICH_VMCR_PMR_SHIFT = 24;
/** VPMR, VBPR0, VBPR1, VEOIM, VCBPR, VFIQEn, VAckCtl (both legacy only), VENG1, VENG0. */
const VMCR_WRITABLE = (0xff << 24) | (0x3f << 18) | ICH_VMCR_EOIM | ICH_VMCR_CBPR | ICH_VMCR_FIQ_EN | ICH_VMCR_ACK_CTL | ICH_VMCR_ENG1 | ICH_VMCR_ENG0;

/** ICH_MISR_EL2. */
export const ICH_MISR_EOI = 1 << 0;
export const ICH_MISR_U = 1 << 1;
export const ICH_MISR_LRENP = 1 << 2;
export const ICH_MISR_NP = 1 << 3;
export const ICH_MISR_VGRP0E = 1 << 4;
export const ICH_MISR_VGRP0D = 1 << 5;
export const ICH_MISR_VGRP1E = 1 << 6;
export const ICH_MISR_VGRP1D = 1 << 7;

/** ICC_CTLR_EL1 / ICV_CTLR_EL1 fields. */
export const ICC_CTLR_CBPR = 1 << 0;
export const ICC_CTLR_EOIMODE = 1 << 1;
export const ICC_CTLR_PRIBITS_SHIFT = 8;
export const ICC_CTLR_IDBITS_SHIFT = 11;
export const ICC_CTLR_SEIS = 1 << 14;
export const ICC_CTLR_A3V = 1 << 15;
/** ICV_CTLR_EL1 as read, but for CBPR and EOImode: the VTR-derived read-only fields. */
const CTLR_FIXED = ((PRI_BITS - 1) << ICC_CTLR_PRIBITS_SHIFT) | ICC_CTLR_A3V;

/** ICC_SRE_EL1 as KVM's vGICv3 shows it: SRE, DFB, DIB all RAO/WI. */
export const ICC_SRE_EL1_VALUE = 0x7;

/** The spurious INTID (IHI 0069H "Special INTIDs") and the start of the LPI range. */
export const INTID_SPURIOUS = 1023;
const INTID_SPECIAL_FIRST = 1020;
const MIN_LPI = 8192;
/** Idle running priority: no active interrupt. */
export const IDLE_PRIORITY = 0xff;
/** Minimum binary points (ICV_BPR0_EL1 >= 7 - PREbits, ICV_BPR1_EL1 one more). */
const MIN_BPR0 = 7 - PRE_BITS;
const MIN_BPR1 = MIN_BPR0 + 1;
/** A group priority's active-priority bit is priority >> (8 - PREbits). */
export const APR_SHIFT = 8 - PRE_BITS;
const PMR_MASK = (0xff << (8 - PRI_BITS)) & 0xff;

// ---- priority arithmetic (IHI 0069H 4.8 "Interrupt prioritization") ----------------------

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

function vbpr0(vmcr: number): number {
  const b = (vmcr >>> ICH_VMCR_BPR0_SHIFT) & 7;
  return b < MIN_BPR0 ? MIN_BPR0 : b;
}

/** ICV_BPR1_EL1 as read: with VCBPR, ICV_BPR0_EL1 + 1 saturated to 7. */
function vbpr1(vmcr: number): number {
  if ((vmcr & ICH_VMCR_CBPR) !== 0) {
    const b = vbpr0(vmcr) + 1;
    return b > 7 ? 7 : b;
  }
  const b = (vmcr >>> ICH_VMCR_BPR1_SHIFT) & 7;
  return b < MIN_BPR1 ? MIN_BPR1 : b;
}

/**
 * VPriorityGroup(): the group priority of `prio` for `group`: the bits above the binary point
 * (Group 0: BPR0 + 1 and up; Group 1: BPR1 and up: IHI 0069H 4.8 "Preemption").
 */
export function groupPriority(vmcr: number, prio: number, group: number): number {
  const bp = group === 0 ? vbpr0(vmcr) : vbpr1(vmcr) - 1;
  return prio & (0xff << (bp + 1)) & 0xff;
}

/** The running priority (ICV_RPR_EL1): the lowest set bit of AP0R0 | AP1R0, or 0xff. */
export function runningPriority(s: Int32Array): number {
  const a = s[G.AP0R0] | s[G.AP1R0];
  return a === 0 ? IDLE_PRIORITY : ctz32(a) << APR_SHIFT;
}

/**
 * HighestPriorityVirtualInterrupt(): the LR holding the highest-priority *pending* (not
 * pending+active) interrupt of an enabled group, lowest LR first among equals; -1 if none.
 * Priority 0xff is never reported.
 */
export function hppvi(s: Int32Array): number {
  const vmcr = s[G.VMCR];
  let best = -1;
  let prio = IDLE_PRIORITY;
  for (let n = 0; n < NUM_LRS; n++) {
    const hi = s[G.LR0 + 2 * n + 1];
    if (hi >>> LR_HI_STATE_SHIFT !== LR_STATE_PENDING) continue;
    if ((vmcr & ((hi & LR_HI_GROUP) !== 0 ? ICH_VMCR_ENG1 : ICH_VMCR_ENG0)) === 0) continue;
    const p = (hi >>> LR_HI_PRIORITY_SHIFT) & 0xff;
    if (p < prio) {
      prio = p;
      best = n;
    }
  }
  return best;
}

/**
 * CanSignalVirtualInt(): the interface is enabled, the priority is higher than ICV_PMR_EL1, and
 * its group priority is higher than the running priority.
 */
export function canSignal(s: Int32Array, hi: number): boolean {
  if ((s[G.HCR] & ICH_HCR_EN) === 0) return false;
  const vmcr = s[G.VMCR];
  const prio = (hi >>> LR_HI_PRIORITY_SHIFT) & 0xff;
  if (prio >= vmcr >>> ICH_VMCR_PMR_SHIFT) return false;
  return groupPriority(vmcr, prio, (hi >>> 28) & 1) < runningPriority(s);
}

/** FindActiveVirtualInterrupt(): the LR holding `intid` active (or pending+active), or -1. */
export function findActive(s: Int32Array, intid: number): number {
  for (let n = 0; n < NUM_LRS; n++) {
    const w = G.LR0 + 2 * n;
    if ((s[w + 1] & LR_HI_ACTIVE) !== 0 && s[w] === intid) return n;
  }
  return -1;
}

/**
 * Deactivate the interrupt in LR n: active -> invalid, pending+active -> pending. With HW = 1
 * the physical INTID would be deactivated too; there is no physical GIC here: the hypervisor
 * sees the LR leave the active state when it reads the LRs back (as KVM's vgic_fold_lr_state).
 */
export function deactivate(s: Int32Array, n: number): void {
  s[G.LR0 + 2 * n + 1] &= ~LR_HI_ACTIVE;
}

/** ICH_HCR_EL2.EOIcount + 1 (a 5-bit field: wraps). */
export function bumpEoiCount(s: Int32Array): void {
  const h = s[G.HCR];
  s[G.HCR] = (h & ~ICH_HCR_EOICOUNT_MASK) | ((h + (1 << ICH_HCR_EOICOUNT_SHIFT)) & ICH_HCR_EOICOUNT_MASK);
}

/**
 * VPriorityDrop: clear the highest active priority (the lowest set bit of the APRs, Group 0 first
 * at equal priority, as QEMU's icv_drop_prio()); returns that priority, or 0xff if none was set.
 */
export function dropPriority(s: Int32Array): number {
  const a0 = s[G.AP0R0];
  const a1 = s[G.AP1R0];
  if ((a0 | a1) === 0) return IDLE_PRIORITY;
  const c0 = a0 === 0 ? 32 : ctz32(a0);
  const c1 = a1 === 0 ? 32 : ctz32(a1);
  if (c0 <= c1) {
    s[G.AP0R0] = a0 & (a0 - 1);
    return c0 << APR_SHIFT;
  }
  s[G.AP1R0] = a1 & (a1 - 1);
  return c1 << APR_SHIFT;
}

export function isSpecial(intid: number): boolean {
  return intid >= INTID_SPECIAL_FIRST && intid <= INTID_SPURIOUS;
}

// ---- signalling ---------------------------------------------------------------------------------

/**
 * Recompute the virtual IRQ/FIQ lines from the state: a pending LR of an enabled group that can
 * be signalled (priority above ICV_PMR_EL1, group priority above the running priority, En = 1)
 * raises vIRQ for Group 1, vFIQ for Group 0 when VMCR.VFIQEn is set (always with the System
 * register interface), else vIRQ (a GICv2 guest with GICV_CTLR.FIQEn = 0; IHI 0048B 5.3.1)
 * (VFIQEn is RES1 with the System register
 * interface). Call after changing LRs, ICH_HCR_EL2, ICH_VMCR_EL2 or the APRs by raw words; the
 * write functions below and every guest ICC access call it themselves.
 */
export function gicVcpuIfUpdate(cpu: Cpu): void {
  const s = cpu.s;
  if ((s[G.HCR] & ICH_HCR_EN) === 0) {
    // En = 0: the lines belong to setVirtualIrq(); only drop what this interface raised.
    if (s[G.LINES] !== 0) {
      if ((s[G.LINES] & 1) !== 0) s[S.VIRQ] = 0;
      if ((s[G.LINES] & 2) !== 0) s[S.VFIQ] = 0;
      s[G.LINES] = 0;
      updateIntCheck(cpu);
    }
    return;
  }
  let irq = 0;
  let fiq = 0;
  const n = hppvi(s);
  if (n >= 0) {
    const hi = s[G.LR0 + 2 * n + 1];
    if (canSignal(s, hi)) {
      if ((hi & LR_HI_GROUP) !== 0 || (s[G.VMCR] & ICH_VMCR_FIQ_EN) === 0) irq = 1;
      else fiq = 1;
    }
  }
  s[S.VIRQ] = irq;
  s[S.VFIQ] = fiq;
  s[G.LINES] = irq | (fiq << 1);
  updateIntCheck(cpu);
}

// ---- the guest's view: ICV_* (IHI 0069H ch. 12; called by sysregs/gic-regs.ts) ------------

/**
 * ICV_IAR0_EL1 / ICV_IAR1_EL1 read: acknowledge the highest-priority pending interrupt if it is
 * of `group` and can be signalled: LR pending -> active, its group priority's active-priority
 * bit set; returns its vINTID. Otherwise 1023. A special vINTID (1020..1023) in the LR is
 * returned as it is and the LR becomes invalid (the pseudocode; QEMU icv_iar_read()).
 */
export function icvReadIar(cpu: Cpu, group: number): number {
  const s = cpu.s;
  const n = hppvi(s);
  if (n < 0) return INTID_SPURIOUS;
  const w = G.LR0 + 2 * n;
  const hi = s[w + 1];
  if (((hi >>> 28) & 1) !== group || !canSignal(s, hi)) return INTID_SPURIOUS;
  const intid = s[w] & 0xffffff;
  if (isSpecial(intid)) {
    s[w + 1] = hi & ~LR_HI_PENDING;
  } else {
    s[w + 1] = (hi & ~LR_HI_PENDING) | LR_HI_ACTIVE;
    const gp = groupPriority(s[G.VMCR], (hi >>> LR_HI_PRIORITY_SHIFT) & 0xff, group);
    s[group === 0 ? G.AP0R0 : G.AP1R0] |= 1 << (gp >>> APR_SHIFT);
  }
  gicVcpuIfUpdate(cpu);
  return intid;
}

/**
 * ICV_EOIR0_EL1 / ICV_EOIR1_EL1 write: priority drop, then (VEOIM = 0, or a vLPI) deactivation
 * of the LR holding the INTID if its group and group priority match what was dropped. With no
 * such LR, ICH_HCR_EL2.EOIcount counts the deactivation the hypervisor must do (not for LPIs,
 * and not with VEOIM = 1: EOIcount counts writes that "would have resulted in a deactivation",
 * ICH_HCR_EL2). Special INTIDs are ignored; with no active priority nothing happens (CONSTRAINED
 * UNPREDICTABLE whether LRs are checked: we do not, as QEMU).
 */
export function icvWriteEoir(cpu: Cpu, group: number, value: number): void {
  const s = cpu.s;
  const intid = value & 0xffffff;
  if (isSpecial(intid)) return;
  const dropped = dropPriority(s);
  if (dropped !== IDLE_PRIORITY) {
    const lpi = intid >= MIN_LPI;
    if ((s[G.VMCR] & ICH_VMCR_EOIM) === 0 || lpi) {
      const n = findActive(s, intid);
      if (n < 0) {
        if (!lpi) bumpEoiCount(s);
      } else {
        const hi = s[G.LR0 + 2 * n + 1];
        const g = (hi >>> 28) & 1;
        if (g === group && groupPriority(s[G.VMCR], (hi >>> LR_HI_PRIORITY_SHIFT) & 0xff, g) === dropped) deactivate(s, n);
      }
    }
  }
  gicVcpuIfUpdate(cpu);
}

/**
 * ICV_DIR_EL1 write: with VEOIM = 1, deactivate the LR holding the INTID, or count it in
 * EOIcount when no LR holds it. Ignored with VEOIM = 0 (UNPREDICTABLE), for special INTIDs and
 * for LPIs (no active state to remove: KVM's __vgic_v3_write_dir()).
 */
export function icvWriteDir(cpu: Cpu, value: number): void {
  const s = cpu.s;
  const intid = value & 0xffffff;
  if (isSpecial(intid) || intid >= MIN_LPI || (s[G.VMCR] & ICH_VMCR_EOIM) === 0) return;
  const n = findActive(s, intid);
  if (n < 0) bumpEoiCount(s);
  else deactivate(s, n);
  gicVcpuIfUpdate(cpu);
}

/** ICV_HPPIR0/1_EL1: the highest-priority pending vINTID if of `group`, else 1023 (no masking). */
export function icvReadHppir(cpu: Cpu, group: number): number {
  const s = cpu.s;
  const n = hppvi(s);
  if (n < 0) return INTID_SPURIOUS;
  const w = G.LR0 + 2 * n;
  return ((s[w + 1] >>> 28) & 1) === group ? s[w] & 0xffffff : INTID_SPURIOUS;
}

/** ICV_RPR_EL1: the running priority (0xff when idle). */
export function icvReadRpr(cpu: Cpu): number {
  return runningPriority(cpu.s);
}

/** ICV_PMR_EL1 (VMCR.VPMR). */
export function icvReadPmr(cpu: Cpu): number {
  return cpu.s[G.VMCR] >>> ICH_VMCR_PMR_SHIFT;
}

export function icvWritePmr(cpu: Cpu, value: number): void {
  const s = cpu.s;
  s[G.VMCR] = (s[G.VMCR] & 0x00ffffff) | ((value & PMR_MASK) << ICH_VMCR_PMR_SHIFT);
  gicVcpuIfUpdate(cpu);
}

/** ICV_BPR0_EL1 / ICV_BPR1_EL1 (VMCR.VBPR0/VBPR1; BPR1 follows BPR0 with VCBPR). */
export function icvReadBpr(cpu: Cpu, group: number): number {
  const vmcr = cpu.s[G.VMCR];
  return group === 0 ? vbpr0(vmcr) : vbpr1(vmcr);
}

/** A value below the minimum sets the minimum; BPR1 writes are ignored with VCBPR = 1. */
export function icvWriteBpr(cpu: Cpu, group: number, value: number): void {
  const s = cpu.s;
  const vmcr = s[G.VMCR];
  let v = value & 7;
  if (group === 0) {
    if (v < MIN_BPR0) v = MIN_BPR0;
    s[G.VMCR] = (vmcr & ~(7 << ICH_VMCR_BPR0_SHIFT)) | (v << ICH_VMCR_BPR0_SHIFT);
  } else {
    if ((vmcr & ICH_VMCR_CBPR) !== 0) return;
    if (v < MIN_BPR1) v = MIN_BPR1;
    s[G.VMCR] = (vmcr & ~(7 << ICH_VMCR_BPR1_SHIFT)) | (v << ICH_VMCR_BPR1_SHIFT);
  }
  gicVcpuIfUpdate(cpu);
}

/** ICV_CTLR_EL1: EOImode (VMCR.VEOIM), CBPR (VMCR.VCBPR), and read-only fields from VTR. */
export function icvReadCtlr(cpu: Cpu): number {
  const vmcr = cpu.s[G.VMCR];
  return CTLR_FIXED | ((vmcr & ICH_VMCR_EOIM) !== 0 ? ICC_CTLR_EOIMODE : 0) | ((vmcr & ICH_VMCR_CBPR) !== 0 ? ICC_CTLR_CBPR : 0);
}

export function icvWriteCtlr(cpu: Cpu, value: number): void {
  const s = cpu.s;
  s[G.VMCR] =
    (s[G.VMCR] & ~(ICH_VMCR_EOIM | ICH_VMCR_CBPR)) |
    ((value & ICC_CTLR_EOIMODE) !== 0 ? ICH_VMCR_EOIM : 0) |
    ((value & ICC_CTLR_CBPR) !== 0 ? ICH_VMCR_CBPR : 0);
  gicVcpuIfUpdate(cpu);
}

/** ICV_IGRPEN0/1_EL1 (VMCR.VENG0/VENG1). */
export function icvReadIgrpen(cpu: Cpu, group: number): number {
  return (cpu.s[G.VMCR] >>> group) & 1;
}

export function icvWriteIgrpen(cpu: Cpu, group: number, value: number): void {
  const s = cpu.s;
  const bit = group === 0 ? ICH_VMCR_ENG0 : ICH_VMCR_ENG1;
  s[G.VMCR] = (value & 1) !== 0 ? s[G.VMCR] | bit : s[G.VMCR] & ~bit;
  gicVcpuIfUpdate(cpu);
}

/** ICV_AP0R<n>_EL1 / ICV_AP1R<n>_EL1: the ICH_AP0R<n>/AP1R<n>_EL2 words (n < NUM_APRS). */
export function icvReadApr(cpu: Cpu, group: number, n: number): number {
  return cpu.s[(group === 0 ? G.AP0R0 : G.AP1R0) + 2 * n];
}

export function icvWriteApr(cpu: Cpu, group: number, n: number, value: number): void {
  cpu.s[(group === 0 ? G.AP0R0 : G.AP1R0) + 2 * n] = value;
  gicVcpuIfUpdate(cpu);
}

// ---- maintenance status (IHI 0069H ch. 12: ICH_EISR_EL2, ICH_ELRSR_EL2, ICH_MISR_EL2) ------

/** ICH_EISR_EL2: bit n when LR n is invalid with HW = 0 and EOI = 1 (EOI maintenance due). */
export function ichEisr(cpu: Cpu): number {
  const s = cpu.s;
  let v = 0;
  for (let n = 0; n < NUM_LRS; n++) {
    if ((s[G.LR0 + 2 * n + 1] & (LR_HI_ACTIVE | LR_HI_PENDING | LR_HI_HW | LR_HI_EOI)) === LR_HI_EOI) v |= 1 << n;
  }
  return v;
}

/** ICH_ELRSR_EL2: bit n when LR n holds no valid interrupt (State 0, and no EOI maintenance due). */
export function ichElrsr(cpu: Cpu): number {
  const s = cpu.s;
  let v = 0;
  for (let n = 0; n < NUM_LRS; n++) {
    const hi = s[G.LR0 + 2 * n + 1];
    if (hi >>> LR_HI_STATE_SHIFT === 0 && (hi & (LR_HI_HW | LR_HI_EOI)) !== LR_HI_EOI) v |= 1 << n;
  }
  return v;
}

/**
 * ICH_MISR_EL2: EOI (an EISR bit), U (UIE and at most one LR valid), LRENP (LRENPIE and
 * EOIcount != 0), NP (NPIE and no LR pending), VGrp0E/VGrp0D/VGrp1E/VGrp1D (the enables against
 * VMCR.VENG0/VENG1).
 */
export function ichMisr(cpu: Cpu): number {
  const s = cpu.s;
  const hcr = s[G.HCR];
  const vmcr = s[G.VMCR];
  let valid = 0;
  let pending = false;
  for (let n = 0; n < NUM_LRS; n++) {
    const st = s[G.LR0 + 2 * n + 1] >>> LR_HI_STATE_SHIFT;
    if (st !== 0) valid++;
    if (st === LR_STATE_PENDING) pending = true;
  }
  let v = 0;
  if (ichEisr(cpu) !== 0) v |= ICH_MISR_EOI;
  if ((hcr & ICH_HCR_UIE) !== 0 && valid <= 1) v |= ICH_MISR_U;
  if ((hcr & ICH_HCR_LRENPIE) !== 0 && (hcr & ICH_HCR_EOICOUNT_MASK) !== 0) v |= ICH_MISR_LRENP;
  if ((hcr & ICH_HCR_NPIE) !== 0 && !pending) v |= ICH_MISR_NP;
  if ((hcr & ICH_HCR_VGRP0EIE) !== 0 && (vmcr & ICH_VMCR_ENG0) !== 0) v |= ICH_MISR_VGRP0E;
  if ((hcr & ICH_HCR_VGRP0DIE) !== 0 && (vmcr & ICH_VMCR_ENG0) === 0) v |= ICH_MISR_VGRP0D;
  if ((hcr & ICH_HCR_VGRP1EIE) !== 0 && (vmcr & ICH_VMCR_ENG1) !== 0) v |= ICH_MISR_VGRP1E;
  if ((hcr & ICH_HCR_VGRP1DIE) !== 0 && (vmcr & ICH_VMCR_ENG1) === 0) v |= ICH_MISR_VGRP1D;
  return v;
}

/**
 * Whether the maintenance interrupt is asserted (ICH_HCR_EL2.En = 1 and ICH_MISR_EL2 != 0). On
 * hardware it is a PPI (INTID 25 on the virt board) that makes the vCPU exit; here the
 * hypervisor checks it after run() returns.
 */
export function gicMaintenancePending(cpu: Cpu): boolean {
  return (cpu.s[G.HCR] & ICH_HCR_EN) !== 0 && ichMisr(cpu) !== 0;
}

// ---- the hypervisor's API: ICH_*_EL2 ------------------------------------------------------------

function checkLr(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n >= NUM_LRS) throw new RangeError(`ICH_LR${n}_EL2: only ${NUM_LRS} list registers`);
}

function checkApr(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n >= NUM_APRS) throw new RangeError(`ICH_AP<g>R${n}_EL2: only ${NUM_APRS} per group`);
}

/** ICH_LR<n>_EL2, low word (vINTID). */
export function ichLrLo(cpu: Cpu, n: number): number {
  return cpu.s[G.LR0 + 2 * n];
}

/** ICH_LR<n>_EL2, high word (State, HW, Group, Priority, pINTID/EOI). */
export function ichLrHi(cpu: Cpu, n: number): number {
  return cpu.s[G.LR0 + 2 * n + 1];
}

/** Write ICH_LR<n>_EL2 as (lo, hi); unimplemented bits are dropped. Updates the lines. */
export function writeIchLr(cpu: Cpu, n: number, lo: number, hi: number): void {
  checkLr(n);
  const w = G.LR0 + 2 * n;
  cpu.s[w] = lo;
  cpu.s[w + 1] = hi & LR_HI_WRITABLE;
  gicVcpuIfUpdate(cpu);
}

export function readIchLrBig(cpu: Cpu, n: number): bigint {
  checkLr(n);
  return (BigInt(ichLrHi(cpu, n) >>> 0) << 32n) | BigInt(ichLrLo(cpu, n) >>> 0);
}

export function writeIchLrBig(cpu: Cpu, n: number, v: bigint): void {
  writeIchLr(cpu, n, Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)));
}

/** Build an LR value (API edge, tests). `eoi` only with hw = false; `pintid` only with hw = true. */
export function ichLrValue(o: { vintid: number; priority: number; group: 0 | 1; state: number; hw?: boolean; pintid?: number; eoi?: boolean }): bigint {
  let v = BigInt(o.vintid >>> 0) | (BigInt(o.priority & 0xff) << ICH_LR_PRIORITY_SHIFT) | (BigInt(o.state & 3) << ICH_LR_STATE_SHIFT);
  if (o.group === 1) v |= ICH_LR_GROUP;
  if (o.hw === true) v |= ICH_LR_HW | (BigInt((o.pintid ?? 0) & 0x1fff) << ICH_LR_PHYS_ID_SHIFT);
  else if (o.eoi === true) v |= ICH_LR_EOI;
  return v;
}

export function ichHcr(cpu: Cpu): number {
  return cpu.s[G.HCR];
}

/** Write ICH_HCR_EL2 (see HCR_WRITABLE). En 1 -> 0 drops the lines this interface raised. */
export function writeIchHcr(cpu: Cpu, v: number): void {
  cpu.s[G.HCR] = v & HCR_WRITABLE;
  gicVcpuIfUpdate(cpu);
}

export function ichVmcr(cpu: Cpu): number {
  return cpu.s[G.VMCR];
}

/**
 * Write ICH_VMCR_EL2: binary points below the minimum become the minimum (so writing 0 resets
 * them, which KVM's vgic_v3_enable() relies on), VFIQEn reads as 1 and VAckCtl as 0 with
 * ICC_SRE_EL1.SRE = 1 (both as written for a legacy guest), VPMR keeps PRIbits bits.
 */
export function writeIchVmcr(cpu: Cpu, v: number): void {
  let x = (v & VMCR_WRITABLE & 0x00ffffff) | (((v >>> ICH_VMCR_PMR_SHIFT) & PMR_MASK) << ICH_VMCR_PMR_SHIFT);
  if (cpu.s[G.NSRE] === 0) x = (x & ~ICH_VMCR_ACK_CTL) | ICH_VMCR_FIQ_EN;
  const b0 = (x >>> ICH_VMCR_BPR0_SHIFT) & 7;
  const b1 = (x >>> ICH_VMCR_BPR1_SHIFT) & 7;
  if (b0 < MIN_BPR0) x = (x & ~(7 << ICH_VMCR_BPR0_SHIFT)) | (MIN_BPR0 << ICH_VMCR_BPR0_SHIFT);
  if (b1 < MIN_BPR1) x = (x & ~(7 << ICH_VMCR_BPR1_SHIFT)) | (MIN_BPR1 << ICH_VMCR_BPR1_SHIFT);
  cpu.s[G.VMCR] = x;
  gicVcpuIfUpdate(cpu);
}

/** ICH_AP0R<n>_EL2 (group 0) / ICH_AP1R<n>_EL2 (group 1). */
export function ichApr(cpu: Cpu, group: 0 | 1, n: number): number {
  checkApr(n);
  return cpu.s[(group === 0 ? G.AP0R0 : G.AP1R0) + 2 * n];
}

export function writeIchApr(cpu: Cpu, group: 0 | 1, n: number, v: number): void {
  checkApr(n);
  cpu.s[(group === 0 ? G.AP0R0 : G.AP1R0) + 2 * n] = v;
  gicVcpuIfUpdate(cpu);
}

/** ICC_SRE_EL1.SRE as the vCPU's EL1 has it (1: System register interface; 0: legacy GICV_*). */
export function vcpuIfSre(cpu: Cpu): boolean {
  return cpu.s[G.NSRE] === 0;
}

/**
 * Set the vCPU's ICC_SRE_EL1.SRE (KVM's vgic_v3_enable(): vgic_sre = SRE | DFB | DIB for a GICv3
 * guest, 0 for a GICv2 one). SRE = 1 makes VMCR.VFIQEn RES1 and VAckCtl RES0 again.
 */
export function setVcpuIfSre(cpu: Cpu, sre: boolean): void {
  cpu.s[G.NSRE] = sre ? 0 : 1;
  writeIchVmcr(cpu, cpu.s[G.VMCR]);
}

/**
 * The interface at reset (what KVM's vgic_v3_enable() sets up, En still 0): LRs and APRs clear,
 * SRE = 1, VMCR with the minimum binary points and VFIQEn, HCR 0; the lines it drove dropped.
 * A GICv2 guest's hypervisor then clears SRE (setVcpuIfSre).
 */
export function gicVcpuIfReset(cpu: Cpu): void {
  const s = cpu.s;
  for (let w = G.LR0; w < G.HCR; w++) s[w] = 0;
  s[G.NSRE] = 0;
  s[G.NSRE + 1] = 0;
  writeIchHcr(cpu, 0);
  writeIchVmcr(cpu, 0);
  s[G.HCR + 1] = 0;
  s[G.VMCR + 1] = 0;
}

/** Any ICH register by name as a 64-bit value (save/restore, debugging; not a hot path). */
export function readIchReg(cpu: Cpu, name: IchRegName): bigint {
  const u = (x: number): bigint => BigInt(x >>> 0);
  switch (name) {
    case 'ICH_LR0_EL2':
    case 'ICH_LR1_EL2':
    case 'ICH_LR2_EL2':
    case 'ICH_LR3_EL2':
      return readIchLrBig(cpu, Number(name.charAt(6)));
    case 'ICH_AP0R0_EL2':
      return u(ichApr(cpu, 0, 0));
    case 'ICH_AP1R0_EL2':
      return u(ichApr(cpu, 1, 0));
    case 'ICH_HCR_EL2':
      return u(ichHcr(cpu));
    case 'ICH_VMCR_EL2':
      return u(ichVmcr(cpu));
    case 'ICH_VTR_EL2':
      return u(ICH_VTR_EL2_VALUE);
    case 'ICH_MISR_EL2':
      return u(ichMisr(cpu));
    case 'ICH_EISR_EL2':
      return u(ichEisr(cpu));
    case 'ICH_ELRSR_EL2':
      return u(ichElrsr(cpu));
  }
}

/** Write an ICH register by name; the read-only ones (VTR, MISR, EISR, ELRSR) throw. */
export function writeIchReg(cpu: Cpu, name: IchRegName, v: bigint): void {
  const lo = Number(BigInt.asIntN(32, v));
  switch (name) {
    case 'ICH_LR0_EL2':
    case 'ICH_LR1_EL2':
    case 'ICH_LR2_EL2':
    case 'ICH_LR3_EL2':
      return writeIchLrBig(cpu, Number(name.charAt(6)), v);
    case 'ICH_AP0R0_EL2':
      return writeIchApr(cpu, 0, 0, lo);
    case 'ICH_AP1R0_EL2':
      return writeIchApr(cpu, 1, 0, lo);
    case 'ICH_HCR_EL2':
      return writeIchHcr(cpu, lo);
    case 'ICH_VMCR_EL2':
      return writeIchVmcr(cpu, lo);
    default:
      throw new RangeError(`${name} is read-only`);
  }
}
