/**
 * The GICv3 distributor and redistributor frames (Linux arch/arm64/kvm/vgic/vgic-mmio-v3.c:
 * vgic_v3_dist_registers[], vgic_v3_rd_registers[]; register map from Arm IHI 0069H 12.8
 * "The GIC Distributor register map" and 12.10 "The GIC Redistributor register map").
 *
 * The model is KVM's: one Security state (GICD_CTLR.DS = 1), affinity routing always on
 * (ARE RAO/WI), no LPIs (GICD_TYPER.LPIS = 0, GICR_CTLR.EnableLPIs RES0), IDbits = 9 (10-bit
 * INTIDs), writes take effect at once (RWP reads 0). Each vCPU has two 64 KiB frames, RD_base
 * then SGI_base, at REDIST base + 128 KiB * its place in the region.
 */
import type { Vm } from '../vm.js';
import { registerMmio, unregisterMmio, type MmioOps } from '../arm/mmio.js';
import { KvmError } from '../errors.js';
import { Vgic, VgicCpu } from './vgic.js';
import {
  VGIC_ACCESS_8bit,
  VGIC_ACCESS_32bit,
  VGIC_ACCESS_64bit,
  type VgicRegion,
  type VgicRead,
  type VgicWrite,
  region,
  regionPerIrqShared,
  regionPerIrqPrivate,
  checkRegionTable,
  vgicMmioRead,
  vgicMmioWrite,
  readRaz,
  writeWi,
  readEnable,
  writeSenable,
  writeCenable,
  readPending,
  readPendingLatch,
  withUaccessRead,
  writeSpending,
  writeCpending,
  readActive,
  writeSactive,
  writeCactive,
  readGroup,
  writeGroup,
  readPriority,
  writePriority,
  readConfig,
  writeConfig,
  readIrouter,
  writeIrouter,
  readIdregs,
  toLoHi,
  fromLoHi,
  vgicSetGroupEnables,
} from './mmio.js';

export const SZ_64K = 0x10000;
/** Offset of SGI_base inside a redistributor's 128 KiB. */
export const GICR_SGI_BASE = 0x10000;

/** GICD_CTLR bits with DS = 1 (IHI 0069H 12.9.4). */
export const GICD_CTLR_ENABLE_G0 = 1 << 0;
export const GICD_CTLR_ENABLE_G1 = 1 << 1;
export const GICD_CTLR_ARE = 1 << 4;
export const GICD_CTLR_DS = 1 << 6;

/** GICD_IIDR / GICR_IIDR: ProductID 0x4b ('K'VM), Revision 3 (KVM_VGIC_IMP_REV_3), Implementer Arm 0x43b. */
export const GIC_IIDR_KVM = (0x4b << 24) | (3 << 12) | 0x43b;
/** INTERRUPT_ID_BITS_SPIS: GICD_TYPER.IDbits = 10 - 1. */
const INTERRUPT_ID_BITS_SPIS = 10;

/** GICR_WAKER (IHI 0069H 12.11.44). */
export const GICR_WAKER_ProcessorSleep = 1 << 1;
export const GICR_WAKER_ChildrenAsleep = 1 << 2;
/** GICR_TYPER (12.11.37). */
export const GICR_TYPER_LAST = 1 << 4;

const W32 = VGIC_ACCESS_32bit;
const W8_32 = VGIC_ACCESS_8bit | VGIC_ACCESS_32bit;
const W32_64 = VGIC_ACCESS_32bit | VGIC_ACCESS_64bit;

// ---- distributor --------------------------------------------------------------------------------

const readCtlr: VgicRead = (vg) => GICD_CTLR_ARE | GICD_CTLR_DS | (vg.enableGrp0 ? GICD_CTLR_ENABLE_G0 : 0) | (vg.enableGrp1 ? GICD_CTLR_ENABLE_G1 : 0);

/** GICD_CTLR write: the group enables; enabling makes waiting interrupts deliverable. */
const writeCtlr: VgicWrite = (vg, _v, _i, _a, _l, lo) => vgicSetGroupEnables(vg, (lo & GICD_CTLR_ENABLE_G0) !== 0, (lo & GICD_CTLR_ENABLE_G1) !== 0);

/** GICD_TYPER: ITLinesNumber = nr_irqs / 32 - 1, IDbits = 9; no LPIs, MBIS, ESPI. */
const readTyper: VgicRead = (vg) => ((vg.nrIrqs >>> 5) - 1) | ((INTERRUPT_ID_BITS_SPIS - 1) << 19);
const readIidr: VgicRead = () => GIC_IIDR_KVM;

export const VGIC_V3_DIST_REGISTERS: readonly VgicRegion[] = [
  region('GICD_CTLR', 0x0000, 4, W32, readCtlr, writeCtlr),
  region('GICD_TYPER', 0x0004, 4, W32, readTyper, writeWi),
  region('GICD_IIDR', 0x0008, 4, W32, readIidr, writeWi),
  region('GICD_TYPER2', 0x000c, 4, W32, readRaz, writeWi),
  region('GICD_STATUSR', 0x0010, 4, W32, readRaz, writeWi),
  regionPerIrqShared('GICD_IGROUPR', 0x0080, 1, W32, readGroup, writeGroup),
  regionPerIrqShared('GICD_ISENABLER', 0x0100, 1, W32, readEnable, writeSenable),
  regionPerIrqShared('GICD_ICENABLER', 0x0180, 1, W32, readEnable, writeCenable),
  withUaccessRead(regionPerIrqShared('GICD_ISPENDR', 0x0200, 1, W32, readPending, writeSpending), readPendingLatch),
  withUaccessRead(regionPerIrqShared('GICD_ICPENDR', 0x0280, 1, W32, readPending, writeCpending), readPendingLatch),
  regionPerIrqShared('GICD_ISACTIVER', 0x0300, 1, W32, readActive, writeSactive),
  regionPerIrqShared('GICD_ICACTIVER', 0x0380, 1, W32, readActive, writeCactive),
  regionPerIrqShared('GICD_IPRIORITYR', 0x0400, 8, W8_32, readPriority, writePriority),
  // ITARGETSR: RAZ/WI with affinity routing (IHI 0069H 12.9.30).
  regionPerIrqShared('GICD_ITARGETSR', 0x0800, 8, W8_32, readRaz, writeWi),
  regionPerIrqShared('GICD_ICFGR', 0x0c00, 2, W32, readConfig, writeConfig),
  // IGRPMODR and NSACR: RAZ/WI with one Security state.
  regionPerIrqShared('GICD_IGRPMODR', 0x0d00, 1, W32, readRaz, writeWi),
  regionPerIrqShared('GICD_NSACR', 0x0e00, 2, W32, readRaz, writeWi),
  // SGIR, CPENDSGIR, SPENDSGIR: legacy (ARE = 0) only.
  region('GICD_SGIR', 0x0f00, 4, W32, readRaz, writeWi),
  region('GICD_CPENDSGIR', 0x0f10, 16, W8_32, readRaz, writeWi),
  region('GICD_SPENDSGIR', 0x0f20, 16, W8_32, readRaz, writeWi),
  regionPerIrqShared('GICD_IROUTER', 0x6000, 64, W32_64, readIrouter, writeIrouter),
  region('GICD_IDREGS', 0xffd0, 0x30, W32, readIdregs, writeWi),
];
checkRegionTable('VGIC_V3_DIST_REGISTERS', VGIC_V3_DIST_REGISTERS);

// ---- redistributor (RD_base, then SGI_base at +64 KiB) ------------------------------------------------

function rdCpu(vg: Vgic, vcpu: number): VgicCpu {
  return vg.cpus[vcpu];
}

/**
 * GICR_TYPER (64 bits): Affinity_Value [63:32] (Aff3.Aff2.Aff1.Aff0), Processor_Number [23:8]
 * (the vCPU index), Last [4] for the last redistributor of its region (vgic_mmio_vcpu_rdist_is_last).
 */
const readRdTyper: VgicRead = (vg, vcpu, _i, addr, len) => {
  const c = rdCpu(vg, vcpu);
  const v = c.vcpu;
  const aff = (v.id & 0xf) | (((v.id >> 4) & 0xff) << 8) | (((v.id >> 12) & 0xff) << 16);
  const r = c.rdRegion;
  let used = 0;
  for (const o of vg.cpus) if (o.rdRegion === r) used++;
  const last = r !== undefined && c.rdIndex === used - 1;
  const lo = ((c.index & 0xffff) << 8) | (last ? GICR_TYPER_LAST : 0);
  if (len === 4 && (addr & 4) !== 0) return aff;
  vg.rhi = aff;
  return lo;
};

const readRdIidr: VgicRead = () => GIC_IIDR_KVM;

/** GICR_WAKER: ProcessorSleep as written; ChildrenAsleep follows it at once (nothing to quiesce). */
const readWaker: VgicRead = (vg, vcpu) => (rdCpu(vg, vcpu).processorSleep ? GICR_WAKER_ProcessorSleep | GICR_WAKER_ChildrenAsleep : 0);
const writeWaker: VgicWrite = (vg, vcpu, _i, _a, _l, lo) => {
  rdCpu(vg, vcpu).processorSleep = (lo & GICR_WAKER_ProcessorSleep) !== 0;
};

const S = GICR_SGI_BASE;

export const VGIC_V3_RD_REGISTERS: readonly VgicRegion[] = [
  // RD_base: GICR_CTLR reads 0 (no LPIs; RWP 0; UWP/DPG* not implemented, as KVM).
  region('GICR_CTLR', 0x0000, 4, W32, readRaz, writeWi),
  region('GICR_IIDR', 0x0004, 4, W32, readRdIidr, writeWi),
  region('GICR_TYPER', 0x0008, 8, W32_64, readRdTyper, writeWi),
  region('GICR_STATUSR', 0x0010, 4, W32, readRaz, writeWi),
  region('GICR_WAKER', 0x0014, 4, W32, readWaker, writeWaker),
  region('GICR_SETLPIR', 0x0040, 8, W32_64, readRaz, writeWi),
  region('GICR_CLRLPIR', 0x0048, 8, W32_64, readRaz, writeWi),
  region('GICR_PROPBASER', 0x0070, 8, W32_64, readRaz, writeWi),
  region('GICR_PENDBASER', 0x0078, 8, W32_64, readRaz, writeWi),
  region('GICR_INVLPIR', 0x00a0, 8, W32_64, readRaz, writeWi),
  region('GICR_INVALLR', 0x00b0, 8, W32_64, readRaz, writeWi),
  region('GICR_SYNCR', 0x00c0, 4, W32, readRaz, writeWi),
  region('GICR_IDREGS', 0xffd0, 0x30, W32, readIdregs, writeWi),
  // SGI_base
  regionPerIrqPrivate('GICR_IGROUPR0', S + 0x0080, 1, W32, readGroup, writeGroup),
  regionPerIrqPrivate('GICR_ISENABLER0', S + 0x0100, 1, W32, readEnable, writeSenable),
  regionPerIrqPrivate('GICR_ICENABLER0', S + 0x0180, 1, W32, readEnable, writeCenable),
  withUaccessRead(regionPerIrqPrivate('GICR_ISPENDR0', S + 0x0200, 1, W32, readPending, writeSpending), readPendingLatch),
  withUaccessRead(regionPerIrqPrivate('GICR_ICPENDR0', S + 0x0280, 1, W32, readPending, writeCpending), readPendingLatch),
  regionPerIrqPrivate('GICR_ISACTIVER0', S + 0x0300, 1, W32, readActive, writeSactive),
  regionPerIrqPrivate('GICR_ICACTIVER0', S + 0x0380, 1, W32, readActive, writeCactive),
  regionPerIrqPrivate('GICR_IPRIORITYR0', S + 0x0400, 8, W8_32, readPriority, writePriority),
  regionPerIrqPrivate('GICR_ICFGR0', S + 0x0c00, 2, W32, readConfig, writeConfig),
  regionPerIrqPrivate('GICR_IGRPMODR0', S + 0x0d00, 1, W32, readRaz, writeWi),
  region('GICR_NSACR', S + 0x0e00, 4, W32, readRaz, writeWi),
];
checkRegionTable('VGIC_V3_RD_REGISTERS', VGIC_V3_RD_REGISTERS);

// ---- the frames on the VM's MMIO bus ------------------------------------------------------------------

/**
 * The vCPU doing the current access: the distributor's banked part is RAZ/WI with ARE, so only
 * SPIs are reached through it and the accessor does not matter; 0 is passed.
 */
function distOps(vg: Vgic): MmioOps {
  return {
    read(offset, len, data) {
      const lo = vgicMmioRead(VGIC_V3_DIST_REGISTERS, vg, 0, offset, len);
      fromLoHi(data, len, lo, vg.rhi);
    },
    write(offset, len, data) {
      const [lo, hi] = toLoHi(data, len);
      vgicMmioWrite(VGIC_V3_DIST_REGISTERS, vg, 0, offset, len, lo, hi);
    },
  };
}

/** A redistributor region: the vCPU is the 128 KiB slot the access falls in. */
function redistOps(vg: Vgic, cpus: VgicCpu[]): MmioOps {
  return {
    read(offset, len, data) {
      const c = cpus[Math.floor(offset / (2 * SZ_64K))];
      const lo = c === undefined ? 0 : vgicMmioRead(VGIC_V3_RD_REGISTERS, vg, c.index, offset % (2 * SZ_64K), len);
      fromLoHi(data, len, lo, c === undefined ? 0 : vg.rhi);
    },
    write(offset, len, data) {
      const c = cpus[Math.floor(offset / (2 * SZ_64K))];
      if (c === undefined) return;
      const [lo, hi] = toLoHi(data, len);
      vgicMmioWrite(VGIC_V3_RD_REGISTERS, vg, c.index, offset % (2 * SZ_64K), len, lo, hi);
    },
  };
}

/**
 * vgic_v3_map_resources() / vgic_register_redist_iodev(): put the distributor and each region's
 * used redistributors on the VM's bus. EEXIST from the bus (something else there) is passed on.
 */
export function vgicV3RegisterFrames(vm: Vm, vg: Vgic): void {
  const done: number[] = [];
  try {
    registerMmio(vm, vg.distBase, SZ_64K, distOps(vg));
    done.push(vg.distBase);
    for (const r of vg.rdRegions) {
      const cpus = vg.cpus.filter((c) => c.rdRegion === r).sort((a, b) => a.rdIndex - b.rdIndex);
      if (cpus.length === 0) continue;
      registerMmio(vm, r.base, cpus.length * 2 * SZ_64K, redistOps(vg, cpus));
      done.push(r.base);
    }
  } catch (e) {
    for (const b of done) unregisterMmio(vm, b);
    if (e instanceof KvmError) throw e;
    throw new KvmError('EINVAL', `vgic: cannot map its frames: ${String(e)}`);
  }
}
