/**
 * The GICv2 distributor and CPU interface frames (Linux arch/arm64/kvm/vgic/vgic-mmio-v2.c:
 * vgic_v2_dist_registers[], vgic_v2_cpu_registers[]; register maps from Arm IHI 0048B.b 4.1.2
 * "Distributor register map" and 4.1.3 "CPU interface register map").
 *
 * The model is KVM's: no Security Extensions (GICD_CTLR has EnableGrp0 and EnableGrp1, no
 * NSACR), interrupt groups configurable and signalled as configured (KVM_VGIC_IMP_REV_2), at most
 * 8 CPUs (ITARGETSR and SGIR target lists are 8 bits). The distributor's SGI/PPI registers are
 * banked per accessing vCPU. The interrupt state is the shared VgicIrq model (vgic.ts).
 *
 * The CPU interface is the GICv2-compatible virtual CPU interface in front of the vCPU's list
 * registers (arch/aarch64/gic/gicv.ts): on GICv3 hardware KVM maps the GICV frame into the guest
 * and the hardware answers; here the guest's access is a stage-2 data abort the in-kernel bus
 * routes to cpuOps(). The LRs are empty between guest entries (the vgic folds them back at every
 * exit), so an access first loads them as an entry would (vgicFlushLrState), does the access on
 * them, and folds the result back (vgicSyncLrState): exactly what the guest would have seen with
 * the frame mapped.
 */
import type { Vm } from '../vm.js';
import type { Vcpu } from '../vcpu.js';
import { registerMmio, unregisterMmio, type MmioOps } from '../arm/mmio.js';
import { KvmError } from '../errors.js';
import { hypLog } from '../ratelimit.js';
import { Vgic, vgicQueueIrq, vgicUnqueueIrq, vgicFlushLrState, vgicSyncLrState, VGIC_NR_PRIVATE_IRQS } from './vgic.js';
import {
  VGIC_ACCESS_8bit,
  VGIC_ACCESS_32bit,
  type VgicRegion,
  type VgicRead,
  type VgicWrite,
  region,
  regionPerIrq,
  withUaccessRead,
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
  toLoHi,
  fromLoHi,
  vgicSetGroupEnables,
} from './mmio.js';
import { KVM_VGIC_V2_DIST_SIZE, KVM_VGIC_V2_CPU_SIZE } from '../uapi/kvm-vgic.js';
import { icvReadPmr, icvWritePmr, icvReadBpr, icvWriteBpr, icvReadRpr } from '../../arch/aarch64/gic/vcpu-if.js';
import {
  gicvReadCtlr,
  gicvWriteCtlr,
  gicvReadIar,
  gicvWriteEoir,
  gicvWriteDir,
  gicvReadHppir,
  gicvReadApr,
  gicvWriteApr,
} from '../../arch/aarch64/gic/gicv.js';

/** GICD_CTLR without Security Extensions (IHI 0048B 4.3.1). */
export const GICD_ENABLE_GRP0 = 1 << 0;
export const GICD_ENABLE_GRP1 = 1 << 1;
/** GICD_IIDR: ProductID 0x4b ('K'VM), Revision 2 (KVM_VGIC_IMP_REV_2), Implementer Arm 0x43b. */
export const GICD_IIDR_KVM_V2 = (0x4b << 24) | (2 << 12) | 0x43b;
/** GICD_PIDR2 of a GICv2: ArchRev [7:4] = 2 (IHI 0048B 4.3.18, QEMU's gic_id_gicv2). */
export const GIC_PIDR2_ARCH_GICv2 = 0x2b;
/** GICC_IIDR as KVM reports it (vgic_mmio_read_vcpuif GIC_CPU_IDENT): ProductID 'K', Arch 2, Arm. */
export const GICC_IIDR_KVM = (0x4b << 20) | (2 << 16) | 0x43b;

/** GICD_SGIR fields (IHI 0048B 4.3.15). */
const SGIR_TARGET_LIST_FILTER_SHIFT = 24;
const SGIR_CPU_TARGET_LIST_SHIFT = 16;
const SGIR_SGIINTID_MASK = 0xf;

/** GICC register offsets (IHI 0048B 4.1.3); GICC_DIR is in the frame's second 4 KiB page. */
export const GICC_CTLR = 0x0000;
export const GICC_PMR = 0x0004;
export const GICC_BPR = 0x0008;
export const GICC_IAR = 0x000c;
export const GICC_EOIR = 0x0010;
export const GICC_RPR = 0x0014;
export const GICC_HPPIR = 0x0018;
export const GICC_ABPR = 0x001c;
export const GICC_AIAR = 0x0020;
export const GICC_AEOIR = 0x0024;
export const GICC_AHPPIR = 0x0028;
export const GICC_APR0 = 0x00d0;
export const GICC_NSAPR0 = 0x00e0;
export const GICC_IIDR = 0x00fc;
export const GICC_DIR = 0x1000;

const W32 = VGIC_ACCESS_32bit;
const W8_32 = VGIC_ACCESS_8bit | VGIC_ACCESS_32bit;

// ---- distributor ------------------------------------------------------------------------------

const readCtlr: VgicRead = (vg) => (vg.enableGrp0 ? GICD_ENABLE_GRP0 : 0) | (vg.enableGrp1 ? GICD_ENABLE_GRP1 : 0);

/** GICD_CTLR write: the group enables; enabling makes waiting interrupts deliverable (vgic_kick_vcpus). */
const writeCtlr: VgicWrite = (vg, _v, _i, _a, _l, lo) => vgicSetGroupEnables(vg, (lo & GICD_ENABLE_GRP0) !== 0, (lo & GICD_ENABLE_GRP1) !== 0);

/** GICD_TYPER (4.3.2): ITLinesNumber [4:0] = nr_irqs / 32 - 1, CPUNumber [7:5] = vCPUs - 1. */
const readTyper: VgicRead = (vg) => (((vg.nrIrqs >>> 5) - 1) & 0x1f) | (((vg.cpus.length - 1) & 7) << 5);
const readIidr: VgicRead = () => GICD_IIDR_KVM_V2;

/**
 * GICD_ITARGETSR (4.3.12): one byte per INTID. SGIs and PPIs read as the accessing CPU's own bit
 * and are read-only; an SPI's byte is its CPU target list, and the vCPU it goes to is the lowest
 * set bit (KVM vgic_mmio_write_target(): a 1-of-N choice the architecture leaves to the GIC).
 * Bits beyond the VM's vCPUs are not stored. An empty list forwards the SPI to no CPU (4.3.12:
 * "the interrupt is not forwarded"; KVM sends it to vCPU 0 instead). With one vCPU the registers
 * are RAZ/WI and every SPI goes to it (4.3.12: "In a uniprocessor implementation, all interrupts
 * target the one processor, and the GICD_ITARGETSRs are RAZ/WI"; QEMU does the same, KVM does not).
 */
const readTarget: VgicRead = (vg, vcpu, intid, _a, len) => {
  if (vg.cpus.length === 1) return 0;
  let v = 0;
  for (let i = 0; i < len; i++) {
    const irq = vg.getIrq(vcpu, intid + i);
    if (irq === undefined) continue;
    const t = intid + i < VGIC_NR_PRIVATE_IRQS ? 1 << vcpu : irq.targets;
    v |= (t & 0xff) << (8 * i);
  }
  return v;
};

const writeTarget: VgicWrite = (vg, vcpu, intid, _a, len, lo) => {
  if (vg.cpus.length === 1) return;
  const mask = (1 << vg.cpus.length) - 1;
  for (let i = 0; i < len; i++) {
    if (intid + i < VGIC_NR_PRIVATE_IRQS) continue;
    const irq = vg.getIrq(vcpu, intid + i);
    if (irq === undefined) continue;
    irq.targets = (lo >>> (8 * i)) & mask;
    const t = irq.targets === 0 ? -1 : 31 - Math.clz32(irq.targets & -irq.targets);
    if (t !== irq.targetVcpu) {
      irq.targetVcpu = t;
      if (!irq.active) {
        vgicUnqueueIrq(vg, irq);
        vgicQueueIrq(vg, irq);
      }
    }
  }
};

/**
 * GICD_SGIR write (4.3.15, KVM vgic_mmio_write_sgir()): TargetListFilter 0 = CPUTargetList,
 * 1 = every CPU but the requester, 2 = the requester only, 3 = reserved (ignored). Each target's
 * banked SGI becomes pending from this source (irq->source), which GICC_IAR reports in
 * CPUID [12:10]. NSATT is ignored (no Security Extensions).
 */
const writeSgir: VgicWrite = (vg, from, _i, _a, _l, lo) => {
  const filter = (lo >>> SGIR_TARGET_LIST_FILTER_SHIFT) & 3;
  const intid = lo & SGIR_SGIINTID_MASK;
  let targets = (lo >>> SGIR_CPU_TARGET_LIST_SHIFT) & 0xff;
  if (filter === 1) targets = ((1 << vg.cpus.length) - 1) & ~(1 << from);
  else if (filter === 2) targets = 1 << from;
  else if (filter === 3) return;
  for (let c = 0; c < vg.cpus.length; c++) {
    if ((targets & (1 << c)) === 0) continue;
    const irq = vg.cpus[c].priv[intid];
    irq.source |= 1 << from;
    irq.pendingLatch = true;
    vgicQueueIrq(vg, irq);
  }
};

/**
 * GICD_CPENDSGIR / GICD_SPENDSGIR (4.3.16, 4.3.17): byte n of the 16 is SGI n of the accessing
 * CPU, bit k its pending state from source CPU k (vgic_mmio_read_sgipend/write_sgipend{c,s}).
 */
const readSgipend: VgicRead = (vg, vcpu, _i, addr, len) => {
  const first = addr & 0xf;
  let v = 0;
  for (let i = 0; i < len; i++) v |= (vg.cpus[vcpu].priv[first + i].source & 0xff) << (8 * i);
  return v;
};

const writeSgipendc: VgicWrite = (vg, vcpu, _i, addr, len, lo) => {
  const first = addr & 0xf;
  for (let i = 0; i < len; i++) {
    const irq = vg.cpus[vcpu].priv[first + i];
    irq.source &= ~((lo >>> (8 * i)) & 0xff);
    if (irq.source === 0) irq.pendingLatch = false;
  }
};

const writeSgipends: VgicWrite = (vg, vcpu, _i, addr, len, lo) => {
  const first = addr & 0xf;
  const mask = (1 << vg.cpus.length) - 1;
  for (let i = 0; i < len; i++) {
    const irq = vg.cpus[vcpu].priv[first + i];
    irq.source |= (lo >>> (8 * i)) & mask;
    if (irq.source !== 0) {
      irq.pendingLatch = true;
      vgicQueueIrq(vg, irq);
    }
  }
};

/** The identification registers 0xFD0..0xFFC: PIDR2 carries ArchRev; the rest read 0. */
const readIdregsV2: VgicRead = (_vg, _v, _i, addr) => (addr === 0xfe8 ? GIC_PIDR2_ARCH_GICv2 : 0);

export const VGIC_V2_DIST_REGISTERS: readonly VgicRegion[] = [
  region('GICD_CTLR', 0x000, 4, W32, readCtlr, writeCtlr),
  region('GICD_TYPER', 0x004, 4, W32, readTyper, writeWi),
  region('GICD_IIDR', 0x008, 4, W32, readIidr, writeWi),
  regionPerIrq('GICD_IGROUPR', 0x080, 1, W32, readGroup, writeGroup),
  regionPerIrq('GICD_ISENABLER', 0x100, 1, W32, readEnable, writeSenable),
  regionPerIrq('GICD_ICENABLER', 0x180, 1, W32, readEnable, writeCenable),
  withUaccessRead(regionPerIrq('GICD_ISPENDR', 0x200, 1, W32, readPending, writeSpending), readPendingLatch),
  withUaccessRead(regionPerIrq('GICD_ICPENDR', 0x280, 1, W32, readPending, writeCpending), readPendingLatch),
  regionPerIrq('GICD_ISACTIVER', 0x300, 1, W32, readActive, writeSactive),
  regionPerIrq('GICD_ICACTIVER', 0x380, 1, W32, readActive, writeCactive),
  regionPerIrq('GICD_IPRIORITYR', 0x400, 8, W8_32, readPriority, writePriority),
  regionPerIrq('GICD_ITARGETSR', 0x800, 8, W8_32, readTarget, writeTarget),
  regionPerIrq('GICD_ICFGR', 0xc00, 2, W32, readConfig, writeConfig),
  region('GICD_SGIR', 0xf00, 4, W32, readRaz, writeSgir),
  region('GICD_CPENDSGIR', 0xf10, 16, W8_32, readSgipend, writeSgipendc),
  region('GICD_SPENDSGIR', 0xf20, 16, W8_32, readSgipend, writeSgipends),
  region('GICD_IDREGS', 0xfd0, 0x30, W32, readIdregsV2, writeWi),
];
checkRegionTable('VGIC_V2_DIST_REGISTERS', VGIC_V2_DIST_REGISTERS);

// ---- CPU interface ------------------------------------------------------------------------------

function vcpuCpu(vg: Vgic, vcpu: number) {
  return vg.cpus[vcpu].vcpu.cpu;
}

const rdCtlr: VgicRead = (vg, v) => gicvReadCtlr(vcpuCpu(vg, v));
const wrCtlr: VgicWrite = (vg, v, _i, _a, _l, lo) => gicvWriteCtlr(vcpuCpu(vg, v), lo);
const rdPmr: VgicRead = (vg, v) => icvReadPmr(vcpuCpu(vg, v));
const wrPmr: VgicWrite = (vg, v, _i, _a, _l, lo) => icvWritePmr(vcpuCpu(vg, v), lo & 0xff);
const rdBpr: VgicRead = (vg, v) => icvReadBpr(vcpuCpu(vg, v), 0);
const wrBpr: VgicWrite = (vg, v, _i, _a, _l, lo) => icvWriteBpr(vcpuCpu(vg, v), 0, lo);
const rdAbpr: VgicRead = (vg, v) => icvReadBpr(vcpuCpu(vg, v), 1);
const wrAbpr: VgicWrite = (vg, v, _i, _a, _l, lo) => icvWriteBpr(vcpuCpu(vg, v), 1, lo);
const rdIar: VgicRead = (vg, v) => gicvReadIar(vcpuCpu(vg, v), false);
const rdAiar: VgicRead = (vg, v) => gicvReadIar(vcpuCpu(vg, v), true);
const wrEoir: VgicWrite = (vg, v, _i, _a, _l, lo) => gicvWriteEoir(vcpuCpu(vg, v), lo, false);
const wrAeoir: VgicWrite = (vg, v, _i, _a, _l, lo) => gicvWriteEoir(vcpuCpu(vg, v), lo, true);
const rdRpr: VgicRead = (vg, v) => icvReadRpr(vcpuCpu(vg, v));
const rdHppir: VgicRead = (vg, v) => gicvReadHppir(vcpuCpu(vg, v), false);
const rdAhppir: VgicRead = (vg, v) => gicvReadHppir(vcpuCpu(vg, v), true);
/** GICC_APR0 only: 5 preemption bits need one register (IHI 0048B 4.4.12); APR1..3 RAZ/WI. */
const rdApr: VgicRead = (vg, v, _i, addr) => (addr === GICC_APR0 ? gicvReadApr(vcpuCpu(vg, v)) : 0);
const wrApr: VgicWrite = (vg, v, _i, addr, _l, lo) => {
  if (addr === GICC_APR0) gicvWriteApr(vcpuCpu(vg, v), lo);
};
const rdCpuIidr: VgicRead = () => GICC_IIDR_KVM;
const wrDir: VgicWrite = (vg, v, _i, _a, _l, lo) => gicvWriteDir(vcpuCpu(vg, v), lo);

/** The guest's view of the GICV frame (IHI 0048B 4.1.3, chapter 5). */
export const VGIC_V2_CPU_REGISTERS: readonly VgicRegion[] = [
  region('GICC_CTLR', GICC_CTLR, 4, W32, rdCtlr, wrCtlr),
  region('GICC_PMR', GICC_PMR, 4, W32, rdPmr, wrPmr),
  region('GICC_BPR', GICC_BPR, 4, W32, rdBpr, wrBpr),
  region('GICC_IAR', GICC_IAR, 4, W32, rdIar, writeWi),
  region('GICC_EOIR', GICC_EOIR, 4, W32, readRaz, wrEoir),
  region('GICC_RPR', GICC_RPR, 4, W32, rdRpr, writeWi),
  region('GICC_HPPIR', GICC_HPPIR, 4, W32, rdHppir, writeWi),
  region('GICC_ABPR', GICC_ABPR, 4, W32, rdAbpr, wrAbpr),
  region('GICC_AIAR', GICC_AIAR, 4, W32, rdAiar, writeWi),
  region('GICC_AEOIR', GICC_AEOIR, 4, W32, readRaz, wrAeoir),
  region('GICC_AHPPIR', GICC_AHPPIR, 4, W32, rdAhppir, writeWi),
  region('GICC_APR', GICC_APR0, 16, W32, rdApr, wrApr),
  // GICV_NSAPRn: a legacy virtual interface keeps one set of active priorities (gicv.ts).
  region('GICC_NSAPR', GICC_NSAPR0, 16, W32, readRaz, writeWi),
  region('GICC_IIDR', GICC_IIDR, 4, W32, rdCpuIidr, writeWi),
  region('GICC_DIR', GICC_DIR, 4, W32, readRaz, wrDir),
];
checkRegionTable('VGIC_V2_CPU_REGISTERS', VGIC_V2_CPU_REGISTERS);

/**
 * KVM_DEV_ARM_VGIC_GRP_CPU_REGS (vgic_v2_cpuif_uaccess(), arm-vgic.rst): the CPU interface
 * state a VMM saves: CTLR, PMR, BPR, ABPR, APR0..3, and IIDR (read-only). As KVM's ABI has it,
 * GICC_PMR travels as GICH_VMCR.VMPriMask: the priority mask's upper five bits in bits [4:0].
 */
const uRdPmr: VgicRead = (vg, v) => icvReadPmr(vcpuCpu(vg, v)) >>> 3;
const uWrPmr: VgicWrite = (vg, v, _i, _a, _l, lo) => icvWritePmr(vcpuCpu(vg, v), (lo & 0x1f) << 3);

export const VGIC_V2_CPU_UACCESS_REGISTERS: readonly VgicRegion[] = [
  region('GICC_CTLR', GICC_CTLR, 4, W32, rdCtlr, wrCtlr),
  region('GICC_PMR', GICC_PMR, 4, W32, uRdPmr, uWrPmr),
  region('GICC_BPR', GICC_BPR, 4, W32, rdBpr, wrBpr),
  region('GICC_ABPR', GICC_ABPR, 4, W32, rdAbpr, wrAbpr),
  region('GICC_APR', GICC_APR0, 16, W32, rdApr, wrApr),
  region('GICC_IIDR', GICC_IIDR, 4, W32, rdCpuIidr, writeWi),
];
checkRegionTable('VGIC_V2_CPU_UACCESS_REGISTERS', VGIC_V2_CPU_UACCESS_REGISTERS);

// ---- the frames on the VM's MMIO bus ----------------------------------------------------------------

function vcpuIndex(vg: Vgic, v: Vcpu): number {
  return vg.vm.vcpus.indexOf(v);
}

function distOps(vg: Vgic): MmioOps {
  return {
    read(offset, len, data, v) {
      const lo = vgicMmioRead(VGIC_V2_DIST_REGISTERS, vg, vcpuIndex(vg, v), offset, len);
      fromLoHi(data, len, lo, 0);
    },
    write(offset, len, data, v) {
      const [lo] = toLoHi(data, len);
      vgicMmioWrite(VGIC_V2_DIST_REGISTERS, vg, vcpuIndex(vg, v), offset, len, lo, 0);
    },
  };
}

/**
 * GICC: the access runs on the accessing vCPU's list registers, loaded and folded back around it
 * (see the file comment). A 64-bit access is not a GICv2 register width: RAZ/WI, logged.
 */
function cpuOps(vg: Vgic): MmioOps {
  return {
    read(offset, len, data, v) {
      const i = vcpuIndex(vg, v);
      const c = vg.cpus[i];
      let lo = 0;
      if (c !== undefined) {
        if (len !== 4) hypLog.log(`typevisor: vcpu ${v.id}: ${len}-byte GICC read at +0x${offset.toString(16)} (RAZ)`);
        vgicFlushLrState(vg, c);
        lo = vgicMmioRead(VGIC_V2_CPU_REGISTERS, vg, i, offset, len);
        vgicSyncLrState(vg, c);
      }
      fromLoHi(data, len, lo, 0);
    },
    write(offset, len, data, v) {
      const i = vcpuIndex(vg, v);
      const c = vg.cpus[i];
      if (c === undefined) return;
      if (len !== 4) hypLog.log(`typevisor: vcpu ${v.id}: ${len}-byte GICC write at +0x${offset.toString(16)} (WI)`);
      const [lo] = toLoHi(data, len);
      vgicFlushLrState(vg, c);
      vgicMmioWrite(VGIC_V2_CPU_REGISTERS, vg, i, offset, len, lo, 0);
      vgicSyncLrState(vg, c);
    },
  };
}

/**
 * vgic_v2_map_resources(): put GICD (4 KiB) and GICC (8 KiB: KVM_VGIC_V2_CPU_SIZE, GICC_DIR in
 * the second page) on the VM's bus. EEXIST from the bus is passed on.
 */
export function vgicV2RegisterFrames(vm: Vm, vg: Vgic): void {
  registerMmio(vm, vg.distBase, KVM_VGIC_V2_DIST_SIZE, distOps(vg));
  try {
    registerMmio(vm, vg.cpuBase, KVM_VGIC_V2_CPU_SIZE, cpuOps(vg));
  } catch (e) {
    unregisterMmio(vm, vg.distBase);
    if (e instanceof KvmError) throw e;
    throw new KvmError('EINVAL', `vgic: cannot map its frames: ${String(e)}`);
  }
}
