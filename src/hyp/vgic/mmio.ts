/**
 * vGIC register regions (Linux arch/arm64/kvm/vgic/vgic-mmio.h, vgic-mmio.c; STYLE.md section 1):
 * a frame is a table of rows sorted by offset, each with a length or a bits-per-IRQ count, the
 * access widths it allows and its read/write handlers. The same rows answer guest MMIO (on the
 * VM's in-kernel bus) and userspace register access (KVM_DEV_ARM_VGIC_GRP_DIST_REGS/REDIST_REGS),
 * and hasAttr asks them whether an offset exists.
 *
 * Handlers see (vgic, vcpu index, intid-or-offset, addr, len): for a per-IRQ row the dispatcher
 * computes the first INTID the access covers; `addr` is always the offset inside the frame.
 * 64-bit reads return the low word and leave the high word in vg.rhi; writes get (lo, hi).
 * An access with a width the row does not allow, or that hits no row, is RAZ/WI (KVM's
 * dispatch_mmio_read/write with check_region() failing).
 */
import { Vgic, VgicIrq, vgicQueueIrq, vgicUnqueueIrq, VGIC_NR_PRIVATE_IRQS, VGIC_NR_SGIS, VGIC_CONFIG_EDGE, VGIC_CONFIG_LEVEL } from './vgic.js';

/** Access widths (VGIC_ACCESS_8bit/32bit/64bit): bit = access length in bytes. */
export const VGIC_ACCESS_8bit = 1;
export const VGIC_ACCESS_32bit = 4;
export const VGIC_ACCESS_64bit = 8;

export type VgicRead = (vg: Vgic, vcpu: number, intid: number, addr: number, len: number) => number;
export type VgicWrite = (vg: Vgic, vcpu: number, intid: number, addr: number, len: number, lo: number, hi: number) => void;

/** struct vgic_register_region. */
export interface VgicRegion {
  readonly name: string;
  readonly offset: number;
  /** Byte length (for a per-IRQ row: bitsPerIrq * 1024 / 8, or the banked part in a redistributor). */
  readonly len: number;
  /** 0 for a plain register, else the bits each INTID takes. */
  readonly bitsPerIrq: number;
  /** Allowed access lengths, a mask of VGIC_ACCESS_*. */
  readonly widths: number;
  /** Distributor per-IRQ rows: the SGI/PPI part (INTID < 32) is RAZ/WI with ARE = 1. */
  readonly sharedOnly: boolean;
  readonly read: VgicRead;
  readonly write: VgicWrite;
  /** Userspace read (GRP_DIST_REGS / GRP_REDIST_REGS) when it differs from the guest's (KVM's uaccess_read). */
  readonly uaccessRead?: VgicRead;
}

/** REGISTER_DESC_WITH_LENGTH. */
export function region(name: string, offset: number, len: number, widths: number, read: VgicRead, write: VgicWrite): VgicRegion {
  return { name, offset, len, bitsPerIrq: 0, widths, sharedOnly: false, read, write };
}

/** REGISTER_DESC_WITH_BITS_PER_IRQ_SHARED: all 1024 INTIDs, the private part RAZ/WI. */
export function regionPerIrqShared(name: string, offset: number, bpi: number, widths: number, read: VgicRead, write: VgicWrite): VgicRegion {
  return { name, offset, len: (bpi * 1024) / 8, bitsPerIrq: bpi, widths, sharedOnly: true, read, write };
}

/**
 * REGISTER_DESC_WITH_BITS_PER_IRQ (GICv2 distributor): all 1024 INTIDs, the SGI/PPI part banked
 * per vCPU (the accessing one, or the attr's cpuid from userspace).
 */
export function regionPerIrq(name: string, offset: number, bpi: number, widths: number, read: VgicRead, write: VgicWrite): VgicRegion {
  return { name, offset, len: (bpi * 1024) / 8, bitsPerIrq: bpi, widths, sharedOnly: false, read, write };
}

/** The banked SGI/PPI registers of a redistributor's SGI_base frame: 32 INTIDs. */
export function regionPerIrqPrivate(name: string, offset: number, bpi: number, widths: number, read: VgicRead, write: VgicWrite): VgicRegion {
  return { name, offset, len: (bpi * 32) / 8, bitsPerIrq: bpi, widths, sharedOnly: false, read, write };
}

/** A row whose userspace read differs from the guest's (REGISTER_DESC_WITH_..._UACCESS). */
export function withUaccessRead(r: VgicRegion, uaccessRead: VgicRead): VgicRegion {
  return { ...r, uaccessRead };
}

/** Table invariant (vgic_find_mmio_region relies on it): sorted by offset, no overlap. Throws at load. */
export function checkRegionTable(name: string, rows: readonly VgicRegion[]): void {
  for (let i = 1; i < rows.length; i++) {
    if (rows[i - 1].offset + rows[i - 1].len > rows[i].offset) throw new Error(`${name}: ${rows[i].name} overlaps or precedes ${rows[i - 1].name}`);
  }
}

/** vgic_find_mmio_region(): binary search. */
export function findRegion(rows: readonly VgicRegion[], addr: number): VgicRegion | undefined {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = rows[mid];
    if (addr < r.offset) hi = mid - 1;
    else if (addr >= r.offset + r.len) lo = mid + 1;
    else return r;
  }
  return undefined;
}

/** check_region(): width allowed, naturally aligned, inside the row. */
function accessOk(r: VgicRegion, addr: number, len: number): boolean {
  if ((r.widths & len) === 0 || (addr & (len - 1)) !== 0) return false;
  return addr + len <= r.offset + r.len;
}

function firstIntid(r: VgicRegion, addr: number): number {
  return Math.floor(((addr - r.offset) * 8) / r.bitsPerIrq);
}

/**
 * Read `len` bytes at frame offset `addr`: the value's low word (high word in vg.rhi). `user`: a
 * userspace access (the row's uaccessRead when it has one).
 */
export function vgicMmioRead(rows: readonly VgicRegion[], vg: Vgic, vcpu: number, addr: number, len: number, user = false): number {
  vg.rhi = 0;
  const r = findRegion(rows, addr);
  if (r === undefined || !accessOk(r, addr, len)) return 0;
  let intid = 0;
  if (r.bitsPerIrq !== 0) {
    intid = firstIntid(r, addr);
    if (r.sharedOnly && intid < VGIC_NR_PRIVATE_IRQS) return 0;
  }
  const v = (user && r.uaccessRead !== undefined ? r.uaccessRead : r.read)(vg, vcpu, intid, addr, len);
  if (len < 8) vg.rhi = 0;
  return v;
}

/** Write `len` bytes (lo, hi) at frame offset `addr`. */
export function vgicMmioWrite(rows: readonly VgicRegion[], vg: Vgic, vcpu: number, addr: number, len: number, lo: number, hi: number): void {
  const r = findRegion(rows, addr);
  if (r === undefined || !accessOk(r, addr, len)) return;
  let intid = 0;
  if (r.bitsPerIrq !== 0) {
    intid = firstIntid(r, addr);
    if (r.sharedOnly && intid < VGIC_NR_PRIVATE_IRQS) return;
  }
  r.write(vg, vcpu, intid, addr, len, lo, hi);
}

/** Does a row answer a 32-bit access here (has_attr for DIST/REDIST_REGS)? */
export function vgicHasRegion(rows: readonly VgicRegion[], addr: number): boolean {
  const r = findRegion(rows, addr);
  return r !== undefined && accessOk(r, addr, 4);
}

/** An MMIO access's little-endian bytes as (lo, hi) words (the bus hands bytes; rows take words). */
export function toLoHi(data: Uint8Array, len: number): [number, number] {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < len && i < 4; i++) lo |= data[i] << (8 * i);
  for (let i = 4; i < len; i++) hi |= data[i] << (8 * (i - 4));
  return [lo, hi];
}

/** A read's (lo, hi) words into the access's `len` bytes. */
export function fromLoHi(data: Uint8Array, len: number, lo: number, hi: number): void {
  for (let i = 0; i < len && i < 4; i++) data[i] = lo >>> (8 * i);
  for (let i = 4; i < len; i++) data[i] = hi >>> (8 * (i - 4));
}

/**
 * GICD_CTLR's group enables (GICv3 with DS = 1, GICv2 without Security Extensions: both bits
 * [1:0]); enabling a group makes what waited deliverable (vgic_kick_vcpus() after the write).
 */
export function vgicSetGroupEnables(vg: Vgic, g0: boolean, g1: boolean): void {
  const kick = (!vg.enableGrp0 && g0) || (!vg.enableGrp1 && g1);
  vg.enableGrp0 = g0;
  vg.enableGrp1 = g1;
  if (kick) {
    for (const irq of vg.spis) vgicQueueIrq(vg, irq);
    for (const c of vg.cpus) for (const irq of c.priv) vgicQueueIrq(vg, irq);
  }
}

// ---- generic handlers (vgic-mmio.c) ---------------------------------------------------------------

export const readRaz: VgicRead = () => 0;
export const writeWi: VgicWrite = () => undefined;

/** A 1-bit-per-IRQ read: bit i from pred(irq of intid + i). */
function readBits(vg: Vgic, vcpu: number, intid: number, pred: (irq: VgicIrq) => boolean): number {
  let v = 0;
  for (let i = 0; i < 32; i++) {
    const irq = vg.getIrq(vcpu, intid + i);
    if (irq !== undefined && pred(irq)) v |= 1 << i;
  }
  return v;
}

function forBits(vg: Vgic, vcpu: number, intid: number, val: number, f: (vg: Vgic, irq: VgicIrq) => void): void {
  for (let i = 0; i < 32; i++) {
    if ((val & (1 << i)) === 0) continue;
    const irq = vg.getIrq(vcpu, intid + i);
    if (irq !== undefined) f(vg, irq);
  }
}

const isEnabled = (irq: VgicIrq): boolean => irq.enabled;
const isPending = (irq: VgicIrq): boolean => irq.isPending();
const isActive = (irq: VgicIrq): boolean => irq.active;
const isPendingLatch = (irq: VgicIrq): boolean => irq.pendingLatch;
const isGroup1 = (irq: VgicIrq): boolean => irq.group === 1;

const setEnable = (vg: Vgic, irq: VgicIrq): void => {
  irq.enabled = true;
  vgicQueueIrq(vg, irq);
};
const clearEnable = (_vg: Vgic, irq: VgicIrq): void => {
  irq.enabled = false;
};
/**
 * A GICv2 SGI's pending state is per source and set through GICD_SPENDSGIR / GICD_SGIR only:
 * its GICD_ISPENDR0 / ICPENDR0 bits are WI (IHI 0048B 4.3.7; KVM is_vgic_v2_sgi()).
 */
const setPending = (vg: Vgic, irq: VgicIrq): void => {
  if (vg.v2 && irq.intid < VGIC_NR_SGIS) return;
  irq.pendingLatch = true;
  vgicQueueIrq(vg, irq);
};
const clearPending = (vg: Vgic, irq: VgicIrq): void => {
  if (vg.v2 && irq.intid < VGIC_NR_SGIS) return;
  irq.pendingLatch = false;
};
const setActive = (vg: Vgic, irq: VgicIrq): void => {
  irq.active = true;
  vgicQueueIrq(vg, irq);
};
const clearActive = (_vg: Vgic, irq: VgicIrq): void => {
  irq.active = false;
};

/** GICD_ISENABLER / ICENABLER (both read the enables). */
export const readEnable: VgicRead = (vg, vcpu, intid) => readBits(vg, vcpu, intid, isEnabled);
export const writeSenable: VgicWrite = (vg, vcpu, intid, _a, _l, lo) => forBits(vg, vcpu, intid, lo, setEnable);
export const writeCenable: VgicWrite = (vg, vcpu, intid, _a, _l, lo) => forBits(vg, vcpu, intid, lo, clearEnable);
/** GICD_ISPENDR / ICPENDR: a level interrupt reads pending while its line is high. */
export const readPending: VgicRead = (vg, vcpu, intid) => readBits(vg, vcpu, intid, isPending);
export const writeSpending: VgicWrite = (vg, vcpu, intid, _a, _l, lo) => forBits(vg, vcpu, intid, lo, setPending);
export const writeCpending: VgicWrite = (vg, vcpu, intid, _a, _l, lo) => forBits(vg, vcpu, intid, lo, clearPending);
/**
 * ISPENDR / ICPENDR read by userspace (vgic_uaccess_read_pending(), GICv3): the pending latch
 * only. A level interrupt's line is saved and restored through GRP_LEVEL_INFO; reporting it here
 * too would turn it into a latched pending state on restore (the write sets the latch), which
 * stays pending after the line drops.
 */
export const readPendingLatch: VgicRead = (vg, vcpu, intid) => readBits(vg, vcpu, intid, isPendingLatch);
/** GICD_ISACTIVER / ICACTIVER. */
export const readActive: VgicRead = (vg, vcpu, intid) => readBits(vg, vcpu, intid, isActive);
export const writeSactive: VgicWrite = (vg, vcpu, intid, _a, _l, lo) => forBits(vg, vcpu, intid, lo, setActive);
export const writeCactive: VgicWrite = (vg, vcpu, intid, _a, _l, lo) => forBits(vg, vcpu, intid, lo, clearActive);

/** GICD_IGROUPR (vgic_mmio_read_group / write_group). */
export const readGroup: VgicRead = (vg, vcpu, intid) => readBits(vg, vcpu, intid, isGroup1);
export const writeGroup: VgicWrite = (vg, vcpu, intid, _a, _l, lo) => {
  for (let i = 0; i < 32; i++) {
    const irq = vg.getIrq(vcpu, intid + i);
    if (irq === undefined) continue;
    irq.group = (lo >>> i) & 1;
    vgicQueueIrq(vg, irq);
  }
};

/** GICD_IPRIORITYR: one byte per INTID, byte or word access; 5 priority bits kept (VGIC_PRI_BITS). */
export const readPriority: VgicRead = (vg, vcpu, intid, _a, len) => {
  let v = 0;
  for (let i = 0; i < len; i++) {
    const irq = vg.getIrq(vcpu, intid + i);
    if (irq !== undefined) v |= irq.priority << (8 * i);
  }
  return v;
};
export const writePriority: VgicWrite = (vg, vcpu, intid, _a, len, lo) => {
  for (let i = 0; i < len; i++) {
    const irq = vg.getIrq(vcpu, intid + i);
    if (irq !== undefined) irq.priority = (lo >>> (8 * i)) & 0xf8;
  }
};

/** GICD_ICFGR: 2 bits per INTID, bit 1 set = edge. SGIs are always edge (read-only). */
export const readConfig: VgicRead = (vg, vcpu, intid) => {
  let v = 0;
  for (let i = 0; i < 16; i++) {
    const irq = vg.getIrq(vcpu, intid + i);
    if (irq !== undefined && irq.config === VGIC_CONFIG_EDGE) v |= 2 << (2 * i);
  }
  return v;
};
export const writeConfig: VgicWrite = (vg, vcpu, intid, _a, _l, lo) => {
  for (let i = 0; i < 16; i++) {
    if (intid + i < VGIC_NR_SGIS) continue;
    const irq = vg.getIrq(vcpu, intid + i);
    if (irq === undefined) continue;
    irq.config = ((lo >>> (2 * i + 1)) & 1) !== 0 ? VGIC_CONFIG_EDGE : VGIC_CONFIG_LEVEL;
  }
};

/**
 * GICD_IROUTER<n> (IHI 0069H 12.9.22): 64 bits per SPI, 32- or 64-bit access. Stored as KVM does:
 * Aff2.Aff1.Aff0; IRM (1-of-N) and Aff3 read as zero.
 */
export const readIrouter: VgicRead = (vg, vcpu, intid, addr, len) => {
  const irq = vg.getIrq(vcpu, intid);
  if (irq === undefined) return 0;
  if (len === 4 && (addr & 4) !== 0) return 0;
  vg.rhi = 0;
  return irq.mpidr;
};
export const writeIrouter: VgicWrite = (vg, vcpu, intid, addr, len, lo) => {
  const irq = vg.getIrq(vcpu, intid);
  if (irq === undefined) return;
  if (len === 4 && (addr & 4) !== 0) return;
  irq.mpidr = lo & 0xffffff;
  const t = vg.mpidrToVcpu(irq.mpidr);
  if (t !== irq.targetVcpu) {
    irq.targetVcpu = t;
    if (!irq.active) {
      vgicUnqueueIrq(vg, irq);
      vgicQueueIrq(vg, irq);
    }
  }
};

/** GICD_PIDR2 / GICR_PIDR2 and the other ID registers (vgic_mmio_read_v3_idregs): ArchRev 3. */
export const GIC_PIDR2_ARCH_GICv3 = 0x3b;
export const readIdregs: VgicRead = (_vg, _vcpu, _i, addr) => ((addr & 0xffff) === 0xffe8 ? GIC_PIDR2_ARCH_GICv3 : 0);
