/**
 * The GICv2-compatible virtual CPU interface, GICV_* (Arm IHI 0048B.b chapter 5 "GIC Support
 * for Virtualization", the GIC virtual CPU interface registers; IHI 0069H "Legacy operation and
 * asymmetric configurations"): the memory-mapped face a GICv2 guest (ICC_SRE_EL1.SRE = 0) sees, served from
 * the SAME list registers, ICH_VMCR_EL2 and active-priority registers as the ICV_* System
 * registers (vcpu-if.ts), as a GICv3 with legacy support does in hardware.
 *
 * The frame is memory-mapped, so there is no trap-free path here: the hypervisor answers the
 * guest's stage-2 data aborts on it (hyp/vgic/mmio-v2.ts) by calling these functions with the
 * vCPU's list registers loaded.
 *
 * Register mapping (IHI 0048B chapter 5, GICH_VMCR's VMCtlr/VMPriMask/VMBP/VMABP fields, which
 * ICH_VMCR_EL2 keeps at the same bit positions for GICV_CTLR):
 * - GICV_CTLR: EnableGrp0 [0], EnableGrp1 [1], AckCtl [2], FIQEn [3], CBPR [4], EOImode [9]
 *   = ICH_VMCR_EL2 bits [9:0];
 * - GICV_PMR / GICV_BPR / GICV_ABPR = VPMR / VBPR0 / VBPR1 (the ICV_PMR/BPR0/BPR1 rules);
 * - GICV_APR0 = ICH_AP1R0_EL2: a legacy interface has one active-priority register for both
 *   groups, which a GICv3 keeps in the Group 1 APRs (KVM vgic-mmio-v2.c vgic_mmio_read_apr:
 *   "GICv3 only uses ICH_AP1Rn for memory mapped (GICv2) guests"); GICV_NSAPR0 is RAZ/WI.
 *
 * Hot-path rules as in vcpu-if.ts: numbers in cpu.s only, no allocation.
 */
import type { Cpu } from '../cpu.js';
import {
  G,
  LR_HI_ACTIVE,
  LR_HI_PENDING,
  LR_HI_PRIORITY_SHIFT,
  ICH_VMCR_ACK_CTL,
  ICH_VMCR_EOIM,
  INTID_SPURIOUS,
  IDLE_PRIORITY,
  APR_SHIFT,
  gicVcpuIfUpdate,
  hppvi,
  canSignal,
  groupPriority,
  dropPriority,
  findActive,
  deactivate,
  bumpEoiCount,
} from './vcpu-if.js';

/** IHI 0048B 4.4.4: the IAR's INTID when the highest-priority interrupt is Group 1 and AckCtl = 0. */
export const GICV_INTID_GROUP1_NOT_ACKED = 1022;
/** The bits of a GICv2 interrupt ID as the IAR returns it: CPUID [12:10] (SGIs), INTID [9:0]. */
export const GICV_IAR_MASK = 0x1fff;
/** GICV_CTLR's bits in ICH_VMCR_EL2: EnableGrp0, EnableGrp1, AckCtl, FIQEn, CBPR, EOImode. */
export const GICV_CTLR_MASK = 0x1f | ICH_VMCR_EOIM;

/** INTIDs 1020..1023 in bits [9:0] (CPUID must be 0 for them to be special). */
function isSpecialV2(id: number): boolean {
  return id >= 1020 && id <= INTID_SPURIOUS;
}

export function gicvReadCtlr(cpu: Cpu): number {
  return cpu.s[G.VMCR] & GICV_CTLR_MASK;
}

export function gicvWriteCtlr(cpu: Cpu, v: number): void {
  const s = cpu.s;
  s[G.VMCR] = (s[G.VMCR] & ~GICV_CTLR_MASK) | (v & GICV_CTLR_MASK);
  gicVcpuIfUpdate(cpu);
}

/**
 * GICV_IAR (alias = false) / GICV_AIAR (alias = true), IHI 0048B 4.4.4, 4.4.9 and chapter 5: the highest-priority
 * pending interrupt if it can be signalled (else 1023). GICV_IAR acknowledges Group 0, and Group 1
 * only with AckCtl = 1 (else 1022 and nothing changes); GICV_AIAR acknowledges Group 1 only. The
 * LR goes pending -> active and its group priority is marked in the one legacy APR.
 */
export function gicvReadIar(cpu: Cpu, alias: boolean): number {
  const s = cpu.s;
  const n = hppvi(s);
  if (n < 0) return INTID_SPURIOUS;
  const w = G.LR0 + 2 * n;
  const hi = s[w + 1];
  if (!canSignal(s, hi)) return INTID_SPURIOUS;
  const group = (hi >>> 28) & 1;
  if (alias) {
    if (group !== 1) return INTID_SPURIOUS;
  } else if (group === 1 && (s[G.VMCR] & ICH_VMCR_ACK_CTL) === 0) {
    return GICV_INTID_GROUP1_NOT_ACKED;
  }
  const id = s[w] & GICV_IAR_MASK;
  if (isSpecialV2(id)) {
    s[w + 1] = hi & ~LR_HI_PENDING;
  } else {
    s[w + 1] = (hi & ~LR_HI_PENDING) | LR_HI_ACTIVE;
    const gp = groupPriority(s[G.VMCR], (hi >>> LR_HI_PRIORITY_SHIFT) & 0xff, group);
    s[G.AP1R0] |= 1 << (gp >>> APR_SHIFT);
  }
  gicVcpuIfUpdate(cpu);
  return id;
}

/**
 * GICV_EOIR / GICV_AEOIR write (IHI 0048B 4.4.5, 4.4.10): priority drop, then with EOImode = 0 the
 * deactivation of the LR holding exactly this ID (CPUID included: an SGI is identified by its
 * source too) if its group priority is the one dropped; no such LR: EOIcount counts it for the
 * hypervisor. GICV_AEOIR only completes Group 1 interrupts. Special IDs are ignored.
 */
export function gicvWriteEoir(cpu: Cpu, value: number, alias: boolean): void {
  const s = cpu.s;
  const id = value & GICV_IAR_MASK;
  if (isSpecialV2(id)) return;
  const dropped = dropPriority(s);
  if (dropped !== IDLE_PRIORITY && (s[G.VMCR] & ICH_VMCR_EOIM) === 0) {
    const n = findActive(s, id);
    if (n < 0) {
      bumpEoiCount(s);
    } else {
      const hi = s[G.LR0 + 2 * n + 1];
      const g = (hi >>> 28) & 1;
      if ((!alias || g === 1) && groupPriority(s[G.VMCR], (hi >>> LR_HI_PRIORITY_SHIFT) & 0xff, g) === dropped) deactivate(s, n);
    }
  }
  gicVcpuIfUpdate(cpu);
}

/**
 * GICV_DIR write (IHI 0048B 4.4.15): with EOImode = 1, deactivate the LR holding the ID, or count
 * it in EOIcount. Ignored with EOImode = 0 (UNPREDICTABLE) and for special IDs.
 */
export function gicvWriteDir(cpu: Cpu, value: number): void {
  const s = cpu.s;
  const id = value & GICV_IAR_MASK;
  if (isSpecialV2(id) || (s[G.VMCR] & ICH_VMCR_EOIM) === 0) return;
  const n = findActive(s, id);
  if (n < 0) bumpEoiCount(s);
  else deactivate(s, n);
  gicVcpuIfUpdate(cpu);
}

/**
 * GICV_HPPIR / GICV_AHPPIR (IHI 0048B 4.4.7, 4.4.11): the highest-priority pending ID, unmasked. HPPIR
 * reports a Group 1 one as 1022 unless AckCtl = 1; AHPPIR reports Group 1 only (else 1023).
 */
export function gicvReadHppir(cpu: Cpu, alias: boolean): number {
  const s = cpu.s;
  const n = hppvi(s);
  if (n < 0) return INTID_SPURIOUS;
  const w = G.LR0 + 2 * n;
  const group = (s[w + 1] >>> 28) & 1;
  if (alias) return group === 1 ? s[w] & GICV_IAR_MASK : INTID_SPURIOUS;
  if (group === 1 && (s[G.VMCR] & ICH_VMCR_ACK_CTL) === 0) return GICV_INTID_GROUP1_NOT_ACKED;
  return s[w] & GICV_IAR_MASK;
}

/** GICV_APR0: the legacy interface's one active-priority register (ICH_AP1R0_EL2). */
export function gicvReadApr(cpu: Cpu): number {
  return cpu.s[G.AP1R0];
}

export function gicvWriteApr(cpu: Cpu, v: number): void {
  cpu.s[G.AP1R0] = v;
  gicVcpuIfUpdate(cpu);
}
