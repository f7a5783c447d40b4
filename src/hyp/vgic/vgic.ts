/**
 * The vGIC interrupt state model (GICv3 and GICv2 guests alike) and its delivery through the list
 * registers (Linux arch/arm64/kvm/vgic/vgic.c, vgic-v3.c, vgic-init.c; include/kvm/arm_vgic.h).
 * A GICv2 guest uses the same LRs (as KVM on GICv3 hardware does, vgic_v3_populate_lr() with
 * vgic_model KVM_DEV_TYPE_ARM_VGIC_V2): its SGIs carry their source CPU in vINTID [12:10], and
 * its vCPU interface runs with ICC_SRE_EL1.SRE = 0 (the GICV_* frame, mmio-v2.ts).
 *
 * Every INTID is a VgicIrq (KVM's struct vgic_irq): enabled, pending latch, line level, active,
 * edge/level configuration, priority, group, and for SPIs the IROUTER affinity and the vCPU it
 * resolves to. SGIs and PPIs (INTID 0..31) are banked per vCPU; SPIs (32..nr_irqs-1) are shared.
 *
 * An interrupt that may need a vCPU's attention (pending and enabled, or active) sits on that
 * vCPU's "ap list" (vgic_cpu.ap_list_head). Entering the guest (vgicFlushLrState, KVM's
 * kvm_vgic_flush_hwstate) prunes the list, sorts it (active first, then by priority: vgic_irq_cmp)
 * and writes the first NUM_LRS entries into ICH_LR<n>_EL2; leaving it (vgicSyncLrState,
 * kvm_vgic_sync_hwstate / vgic_v3_fold_lr_state) folds the LR states back and empties the LRs, so
 * between exits the distributor and redistributor registers see the whole truth.
 *
 * Departures from KVM, from KVM_RUN being one synchronous call on an emulated CPU:
 * - The maintenance interrupt does not force an exit: an EOIed level interrupt (LR with EOI = 1)
 *   or an LR underflow is only noticed at the next exit (any trap: WFI, MMIO, HVC, or the end of
 *   an interpreter chunk). Guests see the next interrupt then; ICH_HCR_EL2.UIE is not used.
 * - The timers' PPIs (virtual 27, physical 30: QEMU virt) are level interrupts whose line is
 *   sampled from timerCondition() at every entry, exit and halt check (KVM's kvm_timer_update_irq
 *   called from kvm_timer_sync_user/flush and the hrtimer); they are not late, because KVM_RUN
 *   cuts interpreter chunks at the timers' deadlines and a guest timer write ends the chunk
 *   (src/hyp/arm/run.ts).
 */
import type { Vm } from '../vm.js';
import type { Vcpu } from '../vcpu.js';
import type { Cpu } from '../../arch/aarch64/cpu.js';
import { G, NUM_LRS, LR_HI_ACTIVE, LR_HI_PENDING, LR_HI_EOI, LR_HI_GROUP, LR_HI_PRIORITY_SHIFT, LR_HI_STATE_SHIFT, ICH_VMCR_PMR_SHIFT, ICH_HCR_EN, gicVcpuIfUpdate, gicVcpuIfReset, writeIchHcr, setVcpuIfSre, writeIchVmcr } from '../../arch/aarch64/gic/vcpu-if.js';
import { TIMER_VIRT, TIMER_PHYS, timerCondition } from '../../arch/aarch64/timer.js';

/** include/kvm/arm_vgic.h. */
export const VGIC_NR_SGIS = 16;
export const VGIC_NR_PRIVATE_IRQS = 32;
/** Default nr_irqs when userspace sets none (VGIC_NR_IRQS_LEGACY, kvm_vgic_dist_init()). */
export const VGIC_NR_IRQS_LEGACY = 256;
export const VGIC_MAX_SPI = 1019;

/** enum vgic_irq_config. */
export const VGIC_CONFIG_EDGE = 0;
export const VGIC_CONFIG_LEVEL = 1;

/** Timer PPIs on the QEMU virt board (REFERENCE.md): what KVM's arch timer defaults to. */
export const VTIMER_PPI = 27;
export const PTIMER_PPI = 30;

/** struct vgic_irq. */
export class VgicIrq {
  readonly intid: number;
  enabled = false;
  /** Soft pending state: edge latch, or ISPENDR on a level interrupt. */
  pendingLatch = false;
  /** Input level of a level-sensitive interrupt. */
  lineLevel = false;
  active = false;
  config: number;
  /** Priority as stored: the top 5 bits (VGIC_PRI_BITS, the CPU interface's PRIbits). */
  priority = 0;
  /** 1 = Group 1 (KVM's default for a GICv3 model), 0 = Group 0. */
  group = 1;
  /** SPIs: GICD_IROUTER<n> Aff2.Aff1.Aff0 (bits 23:0, as KVM stores it; IRM and Aff3 are RAZ/WI). */
  mpidr = 0;
  /** vCPU index the interrupt goes to (target_vcpu), -1 for none. Private IRQs: their own vCPU. */
  targetVcpu: number;
  /** vCPU index whose ap list holds it (irq->vcpu), -1 when on none. */
  apOwner = -1;
  /** GICv2 SPIs: GICD_ITARGETSR byte (irq->targets): bit n = vCPU index n. */
  targets = 0;
  /** GICv2 SGIs: a bit per source vCPU index with this SGI pending (irq->source). */
  source = 0;
  /** GICv2 SGIs: the source CPUID of the active instance (irq->active_source). */
  activeSource = 0;

  constructor(intid: number, config: number, target: number) {
    this.intid = intid;
    this.config = config;
    this.targetVcpu = target;
  }

  /** irq_is_pending(). */
  isPending(): boolean {
    return this.config === VGIC_CONFIG_EDGE ? this.pendingLatch : this.pendingLatch || this.lineLevel;
  }
}

/** A redistributor region (struct vgic_redist_region): count 0 = the legacy REDIST (unbounded). */
export interface RedistRegion {
  index: number;
  base: number;
  count: number;
}

/** Per-vCPU state (struct vgic_cpu). */
export class VgicCpu {
  readonly vcpu: Vcpu;
  readonly index: number;
  readonly priv: VgicIrq[] = [];
  readonly apList: VgicIrq[] = [];
  /** Which interrupt each list register carries between flush and sync. */
  readonly lrIrq: (VgicIrq | null)[] = new Array<VgicIrq | null>(NUM_LRS).fill(null);
  /** GICR_WAKER.ProcessorSleep (ChildrenAsleep follows it at once: no LPIs to quiesce). */
  processorSleep = true;
  /** Guest-physical base of its RD_base frame, and its place in that region. */
  rdBase = -1;
  rdRegion: RedistRegion | undefined = undefined;
  rdIndex = 0;

  constructor(vcpu: Vcpu, index: number) {
    this.vcpu = vcpu;
    this.index = index;
    for (let i = 0; i < VGIC_NR_PRIVATE_IRQS; i++) {
      // kvm_vgic_vcpu_init(): SGIs enabled and edge, PPIs level.
      const irq = new VgicIrq(i, i < VGIC_NR_SGIS ? VGIC_CONFIG_EDGE : VGIC_CONFIG_LEVEL, index);
      if (i < VGIC_NR_SGIS) irq.enabled = true;
      this.priv.push(irq);
    }
  }
}

/** struct vgic_dist (per VM). */
export class Vgic {
  readonly vm: Vm;
  /** vgic_model is KVM_DEV_TYPE_ARM_VGIC_V2: GICD in legacy form, GICC memory-mapped. */
  readonly v2: boolean;
  initialized = false;
  /** GICv2: the frames are on the VM's bus (dist->ready, kvm_vgic_map_resources() done). */
  ready = false;
  /**
   * GICv2: vgic_lazy_init() + kvm_vgic_map_resources(), which KVM runs at a vCPU's first KVM_RUN
   * (kvm_arch_vcpu_run_pid_change()); set by the device (kvm-device-v2.ts). Throws KvmError
   * (ENXIO: an address not set).
   */
  mapResources: (() => void) | undefined = undefined;
  /** GICv2: vgic_lazy_init() alone (KVM_IRQ_LINE and register access before CTRL_INIT). */
  lazyInit: (() => void) | undefined = undefined;
  /** GICv2: guest-physical base of the CPU interface (GICC), -1 until set. */
  cpuBase = -1;
  /** nr_spis; 0 until set by GRP_NR_IRQS or defaulted at INIT. */
  nrSpis = 0;
  /** GICD_CTLR.EnableGrp0 / EnableGrp1 (DS = 1, ARE = 1). */
  enableGrp0 = false;
  enableGrp1 = false;
  distBase = -1;
  readonly rdRegions: RedistRegion[] = [];
  /** A legacy KVM_VGIC_V3_ADDR_TYPE_REDIST was set (never mixed with REDIST_REGION). */
  legacyRedist = false;
  spis: VgicIrq[] = [];
  cpus: VgicCpu[] = [];
  /** Scratch high word of a 64-bit register read (the mmio handlers' rhi). */
  rhi = 0;

  constructor(vm: Vm, v2 = false) {
    this.vm = vm;
    this.v2 = v2;
  }

  get nrIrqs(): number {
    return this.nrSpis + VGIC_NR_PRIVATE_IRQS;
  }

  /** vgic_get_irq(): the interrupt as `vcpu` sees it, undefined beyond nr_irqs. */
  getIrq(vcpu: number, intid: number): VgicIrq | undefined {
    if (intid < VGIC_NR_PRIVATE_IRQS) return this.cpus[vcpu]?.priv[intid];
    return this.spis[intid - VGIC_NR_PRIVATE_IRQS];
  }

  /** Is the distributor forwarding this interrupt's group? */
  groupEnabled(irq: VgicIrq): boolean {
    return irq.group === 0 ? this.enableGrp0 : this.enableGrp1;
  }

  /** kvm_mpidr_to_vcpu(): the vCPU index with this affinity (Aff2.Aff1.Aff0), or -1. */
  mpidrToVcpu(mpidr: number): number {
    const aff = mpidr & 0xffffff;
    for (let i = 0; i < this.cpus.length; i++) if (vcpuAffinity(this.cpus[i].vcpu) === aff) return i;
    return -1;
  }
}

/** Aff2.Aff1.Aff0 of a vCPU (reset_mpidr(): Aff0 = id[3:0], Aff1 = id[11:4], Aff2 = id[19:12]). */
export function vcpuAffinity(v: Vcpu): number {
  const id = v.id;
  return (id & 0xf) | (((id >> 4) & 0xff) << 8) | (((id >> 12) & 0xff) << 16);
}

const VGICS = new WeakMap<Vm, Vgic>();

/** The VM's vGIC, if one was created (irqchip_in_kernel()). */
export function vgicOf(vm: Vm): Vgic | undefined {
  return VGICS.get(vm);
}

export function attachVgic(vm: Vm, vg: Vgic): void {
  VGICS.set(vm, vg);
}

/**
 * KVM_RUN's first-run work for the VM's vGIC (kvm_vgic_map_resources() after vgic_lazy_init()):
 * a GICv2 is initialised and its frames mapped here if userspace did not (vg.mapResources, which
 * throws KvmError, ENXIO without addresses, out of KVM_RUN as KVM's ioctl fails); a GICv3 never is.
 */
export function vgicLazyInit(vm: Vm): void {
  const vg = VGICS.get(vm);
  if (vg !== undefined && !vg.ready && vg.mapResources !== undefined) vg.mapResources();
}

/** The VgicCpu of a vCPU once the vGIC is initialised, else undefined (no vGIC, or not yet). */
export function vgicCpuOf(v: Vcpu): VgicCpu | undefined {
  const vg = VGICS.get(v.vm);
  return vg === undefined ? undefined : vgicCpuIfInit(vg, v);
}

/** The VgicCpu of a vCPU if the vGIC is initialised; never initialises anything. */
function vgicCpuIfInit(vg: Vgic, v: Vcpu): VgicCpu | undefined {
  if (!vg.initialized) return undefined;
  return vg.cpus[v.vm.vcpus.indexOf(v)];
}

// ---- the oracle and the ap lists (vgic.c) -------------------------------------------------------

/**
 * vgic_target_oracle(): the vCPU that must see the interrupt, or -1. Active interrupts stay with
 * the vCPU that has them active; pending and enabled ones go to their target when the distributor
 * forwards their group.
 */
export function vgicTargetOracle(vg: Vgic, irq: VgicIrq): number {
  if (irq.active) return irq.apOwner >= 0 ? irq.apOwner : irq.targetVcpu;
  if (irq.enabled && irq.isPending()) {
    if (!vg.groupEnabled(irq)) return -1;
    return irq.targetVcpu;
  }
  return -1;
}

/**
 * vgic_queue_irq_unlock(): put the interrupt on its target's ap list if it needs one. A halted
 * target notices at its next KVM_RUN (kvmVcpuTryWake asks vgicVcpuPendingIrq()).
 */
export function vgicQueueIrq(vg: Vgic, irq: VgicIrq): void {
  if (irq.apOwner >= 0) return;
  const t = vgicTargetOracle(vg, irq);
  if (t < 0) return;
  const c = vg.cpus[t];
  if (c === undefined) return;
  irq.apOwner = t;
  c.apList.push(irq);
}

/** Take an interrupt off the ap list it is on (retargeting, reset). */
export function vgicUnqueueIrq(vg: Vgic, irq: VgicIrq): void {
  if (irq.apOwner < 0) return;
  const l = vg.cpus[irq.apOwner]?.apList;
  if (l !== undefined) {
    const i = l.indexOf(irq);
    if (i >= 0) l.splice(i, 1);
  }
  irq.apOwner = -1;
}

/**
 * kvm_vgic_inject_irq(): drive an interrupt's input. Level interrupts follow `level`; edge ones
 * latch pending on a rising (level = true) call. `vcpu` selects the bank of a private interrupt.
 */
export function vgicInjectIrq(vg: Vgic, vcpu: number, intid: number, level: boolean): void {
  const irq = vg.getIrq(vcpu, intid);
  if (irq === undefined) return;
  // vgic_validate_injection(): nothing changes.
  if (irq.config === VGIC_CONFIG_LEVEL) {
    if (irq.lineLevel === level) return;
    irq.lineLevel = level;
  } else {
    if (!level) return;
    irq.pendingLatch = true;
  }
  vgicQueueIrq(vg, irq);
}

/** kvm_timer_update_irq() for both timers: their outputs as PPI levels. */
export function vgicTimerSync(vg: Vgic, c: VgicCpu): void {
  const cpu = c.vcpu.cpu;
  const v = c.priv[VTIMER_PPI];
  const p = c.priv[PTIMER_PPI];
  const lv = timerCondition(cpu, TIMER_VIRT);
  if (lv !== v.lineLevel) vgicInjectIrq(vg, c.index, VTIMER_PPI, lv);
  const lp = timerCondition(cpu, TIMER_PHYS);
  if (lp !== p.lineLevel) vgicInjectIrq(vg, c.index, PTIMER_PPI, lp);
}

// ---- flush / sync (vgic.c kvm_vgic_flush_hwstate / kvm_vgic_sync_hwstate) ------------------------

/**
 * vgic_prune_ap_list(): drop what no longer needs this vCPU, move what now targets another one.
 * No allocation: compacts the array in place.
 */
function vgicPruneApList(vg: Vgic, c: VgicCpu): void {
  const l = c.apList;
  let w = 0;
  for (let r = 0; r < l.length; r++) {
    const irq = l[r];
    const t = vgicTargetOracle(vg, irq);
    if (t === c.index) {
      l[w++] = irq;
      continue;
    }
    irq.apOwner = -1;
    if (t >= 0) {
      const o = vg.cpus[t];
      if (o !== undefined) {
        irq.apOwner = t;
        o.apList.push(irq);
      }
    }
  }
  l.length = w;
}

/** vgic_irq_cmp(): active first, then pending and enabled, then by priority. */
function irqBefore(a: VgicIrq, b: VgicIrq): boolean {
  if (a.active !== b.active) return a.active;
  const pa = a.enabled && a.isPending();
  const pb = b.enabled && b.isPending();
  if (pa !== pb) return pa;
  return a.priority < b.priority;
}

/** Insertion sort by irqBefore (lists are short; no comparator closure, no allocation). */
function sortApList(l: VgicIrq[]): void {
  for (let i = 1; i < l.length; i++) {
    const x = l[i];
    let j = i - 1;
    while (j >= 0 && irqBefore(x, l[j])) {
      l[j + 1] = l[j];
      j--;
    }
    l[j + 1] = x;
  }
}

/**
 * vgic_v3_populate_lr(): the LR for an interrupt. A pending edge interrupt hands its latch to the
 * LR (the LR now owns that pending state); a level interrupt asks for EOI maintenance so the sync
 * resamples it, and is never pending+active in an LR ("software resampling doesn't work very well
 * if we allow P+A", vgic-v3.c).
 */
function populateLr(vg: Vgic, s: Int32Array, n: number, irq: VgicIrq): void {
  let hi = (irq.priority & 0xff) << LR_HI_PRIORITY_SHIFT;
  if (irq.group === 1) hi |= LR_HI_GROUP;
  const level = irq.config === VGIC_CONFIG_LEVEL;
  const v2Sgi = vg.v2 && irq.intid < VGIC_NR_SGIS;
  let lo = irq.intid;
  let allowPending = !(level && irq.active);
  if (irq.active) {
    hi |= LR_HI_ACTIVE;
    if (v2Sgi) {
      lo |= irq.activeSource << GICV2_LR_CPUID_SHIFT;
      // vgic_irq_is_multi_sgi(): an active SGI with another source pending cannot be P+A (the
      // two have different IDs); EOI maintenance brings the next source in.
      if (irq.source !== 0) {
        allowPending = false;
        hi |= LR_HI_EOI;
      }
    }
  }
  if (allowPending && irq.enabled && irq.isPending()) {
    hi |= LR_HI_PENDING;
    if (!level) irq.pendingLatch = false;
    if (v2Sgi) {
      // One source per LR, the lowest first; the others stay pending behind an EOI maintenance.
      const src = 31 - Math.clz32(irq.source & -irq.source);
      lo |= (src & 7) << GICV2_LR_CPUID_SHIFT;
      irq.source &= ~(1 << src);
      if (irq.source !== 0) {
        irq.pendingLatch = true;
        hi |= LR_HI_EOI;
      }
    }
  }
  if (level) hi |= LR_HI_EOI;
  s[G.LR0 + 2 * n] = lo;
  s[G.LR0 + 2 * n + 1] = hi;
}

/** GICH_LR_PHYSID_CPUID_SHIFT: a GICv2 SGI's source CPU in vINTID [12:10] (IHI 0048B chapter 5, GICH_LR<n>.CPUID). */
export const GICV2_LR_CPUID_SHIFT = 10;

/** kvm_vgic_flush_hwstate(): before entering the guest. */
export function vgicFlushLrState(vg: Vgic, c: VgicCpu): void {
  vgicTimerSync(vg, c);
  const s = c.vcpu.cpu.s;
  if (c.apList.length !== 0) {
    vgicPruneApList(vg, c);
    sortApList(c.apList);
  }
  const l = c.apList;
  let n = 0;
  for (let i = 0; i < l.length && n < NUM_LRS; i++) {
    const irq = l[i];
    if (!irq.active && !(irq.enabled && irq.isPending())) continue;
    populateLr(vg, s, n, irq);
    c.lrIrq[n] = irq;
    n++;
  }
  for (; n < NUM_LRS; n++) {
    s[G.LR0 + 2 * n] = 0;
    s[G.LR0 + 2 * n + 1] = 0;
    c.lrIrq[n] = null;
  }
  gicVcpuIfUpdate(c.vcpu.cpu);
}

/** kvm_vgic_sync_hwstate() / vgic_v3_fold_lr_state(): after leaving the guest. */
export function vgicSyncLrState(vg: Vgic, c: VgicCpu): void {
  const s = c.vcpu.cpu.s;
  let any = false;
  for (let n = 0; n < NUM_LRS; n++) {
    const irq = c.lrIrq[n];
    if (irq === null) continue;
    any = true;
    const hi = s[G.LR0 + 2 * n + 1];
    irq.active = (hi & LR_HI_ACTIVE) !== 0;
    const v2Sgi = vg.v2 && irq.intid < VGIC_NR_SGIS;
    const cpuid = (s[G.LR0 + 2 * n] >>> GICV2_LR_CPUID_SHIFT) & 7;
    if (v2Sgi && irq.active) irq.activeSource = cpuid;
    // Edge: the only case where the LR's pending bit goes back to the latch (and a v2 SGI's source).
    if (irq.config === VGIC_CONFIG_EDGE && (hi & LR_HI_PENDING) !== 0) {
      irq.pendingLatch = true;
      if (v2Sgi) irq.source |= 1 << cpuid;
    }
    // Level: the guest acknowledged it; the soft pending state is consumed, the line is resampled.
    if (irq.config === VGIC_CONFIG_LEVEL && hi >>> LR_HI_STATE_SHIFT === 0) irq.pendingLatch = false;
    c.lrIrq[n] = null;
    s[G.LR0 + 2 * n] = 0;
    s[G.LR0 + 2 * n + 1] = 0;
  }
  vgicTimerSync(vg, c);
  if (any) gicVcpuIfUpdate(c.vcpu.cpu);
}

/**
 * kvm_vgic_vcpu_pending_irq(): something pending, enabled, not active, above the priority mask
 * is on this vCPU's list: WFI must not halt, a halted vCPU wakes.
 */
export function vgicVcpuPendingIrq(vg: Vgic, c: VgicCpu): boolean {
  vgicTimerSync(vg, c);
  const pmr = c.vcpu.cpu.s[G.VMCR] >>> ICH_VMCR_PMR_SHIFT;
  const l = c.apList;
  for (let i = 0; i < l.length; i++) {
    const irq = l[i];
    if (irq.enabled && irq.isPending() && !irq.active && irq.priority < pmr && vgicTargetOracle(vg, irq) === c.index) return true;
  }
  return false;
}

/**
 * The vCPU's GIC CPU interface at reset (vgic_v3_enable()): list registers and APRs clear, the
 * minimum binary points, and ICH_HCR_EL2.En once the vGIC is initialised. The redistributor's
 * interrupt state is not the vCPU's to reset (KVM leaves it to the VMM's save/restore).
 */
export function vgicVcpuReset(v: Vcpu): void {
  const cpu: Cpu = v.cpu;
  gicVcpuIfReset(cpu);
  const vg = VGICS.get(v.vm);
  if (vg?.v2 === true) {
    // vgic_v3_enable() for a GICv2 guest: vgic_sre = 0, vgic_vmcr = 0 (VFIQEn clear: Group 0 is
    // signalled as IRQ until the guest sets GICC_CTLR.FIQEn).
    setVcpuIfSre(cpu, false);
    writeIchVmcr(cpu, 0);
  }
  const c = vg === undefined ? undefined : vgicCpuIfInit(vg, v);
  if (c !== undefined) {
    for (let n = 0; n < NUM_LRS; n++) c.lrIrq[n] = null;
    writeIchHcr(cpu, ICH_HCR_EN);
  }
}

// ---- SGIs (vgic-mmio-v3.c vgic_v3_dispatch_sgi) ---------------------------------------------------

/**
 * A trapped write of ICC_SGI1R_EL1 / ICC_ASGI1R_EL1 / ICC_SGI0R_EL1 by vCPU `from`, the value as
 * (lo, hi): TargetList [15:0], Aff1 [23:16], INTID [27:24], Aff2 [39:32], IRM [40], RS [47:44],
 * Aff3 [55:48] (IHI 0069H 12.2.20). IRM = 1 sends to every vCPU but the sender. An SGI of
 * Group 1 becomes pending only through ICC_SGI1R_EL1 (allowGroup1); Group 0 ones through any
 * of them, as KVM does with GICD_CTLR.DS = 1 (ICC_ASGI1R_EL1 acts as ICC_SGI0R_EL1).
 */
export function vgicV3DispatchSgi(vg: Vgic, from: number, lo: number, hi: number, allowGroup1: boolean): void {
  const intid = (lo >>> 24) & 0xf;
  const broadcast = (hi & (1 << 8)) !== 0;
  const targets = lo & 0xffff;
  const aff1 = (lo >>> 16) & 0xff;
  const aff2 = hi & 0xff;
  const aff3 = (hi >>> 16) & 0xff;
  const rs = (hi >>> 12) & 0xf;
  for (let i = 0; i < vg.cpus.length; i++) {
    const c = vg.cpus[i];
    if (broadcast) {
      if (i === from) continue;
    } else {
      // Aff3 is 0 for every typevisor vCPU (reset_mpidr()).
      const a = vcpuAffinity(c.vcpu);
      if (aff3 !== 0 || ((a >>> 16) & 0xff) !== aff2 || ((a >>> 8) & 0xff) !== aff1) continue;
      const aff0 = a & 0xff;
      if (aff0 >>> 4 !== rs || (targets & (1 << (aff0 & 0xf))) === 0) continue;
    }
    const irq = c.priv[intid];
    if (irq.group === 0 || allowGroup1) {
      irq.pendingLatch = true;
      vgicQueueIrq(vg, irq);
    }
  }
}
