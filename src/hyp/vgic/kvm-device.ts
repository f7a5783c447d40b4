/**
 * KVM_DEV_TYPE_ARM_VGIC_V3 (Linux arch/arm64/kvm/vgic/vgic-kvm-device.c, vgic-init.c,
 * vgic-v3.c vgic_v3_set_redist_base(); Documentation/virt/kvm/devices/arm-vgic-v3.rst).
 *
 * Life cycle: created before the VM runs (EBUSY after), one per VM (EEXIST); addresses and
 * NR_IRQS set; KVM_DEV_ARM_VGIC_CTRL_INIT once every vCPU exists, which allocates the interrupt
 * state, places each vCPU's redistributor, checks the frames and puts them on the VM's MMIO bus.
 * Running a vCPU of a VM whose vGIC is not initialised is EBUSY (vgic_lazy_init() refuses a
 * GICv3), and so is creating a vCPU after INIT (kvm_arch_vcpu_precreate()).
 *
 * Attribute groups: ADDR, NR_IRQS, CTRL (INIT), DIST_REGS and REDIST_REGS (32-bit accesses
 * through the same region rows as guest MMIO; ISPENDR/ICPENDR read the pending latch only, the
 * line levels being LEVEL_INFO's), CPU_SYSREGS (ICC_* state, sys-regs-v3.ts),
 * LEVEL_INFO (line levels of level interrupts).
 */
import type { Vm } from '../vm.js';
import { Device, type DeviceOps } from '../device.js';
import { KvmError } from '../errors.js';
import {
  KVM_DEV_TYPE_ARM_VGIC_V3,
  KVM_DEV_ARM_VGIC_GRP_ADDR,
  KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
  KVM_DEV_ARM_VGIC_GRP_NR_IRQS,
  KVM_DEV_ARM_VGIC_GRP_CTRL,
  KVM_DEV_ARM_VGIC_GRP_REDIST_REGS,
  KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO,
  KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS,
  KVM_DEV_ARM_VGIC_CTRL_INIT,
  KVM_VGIC_V3_ADDR_TYPE_DIST,
  KVM_VGIC_V3_ADDR_TYPE_REDIST,
  KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION,
  KVM_VGIC_V3_DIST_SIZE,
  KVM_VGIC_V3_REDIST_SIZE,
  KVM_VGIC_V3_RDIST_INDEX_MASK,
  KVM_VGIC_V3_RDIST_FLAGS_MASK,
  KVM_VGIC_V3_RDIST_BASE_MASK,
  KVM_VGIC_V3_RDIST_COUNT_SHIFT,
  KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT,
  KVM_DEV_ARM_VGIC_LINE_LEVEL_INTID_MASK,
  VGIC_LEVEL_INFO_LINE_LEVEL,
} from '../uapi/kvm-vgic.js';
import {
  Vgic,
  VgicCpu,
  VgicIrq,
  attachVgic,
  vgicOf,
  vgicQueueIrq,
  vgicVcpuReset,
  VGIC_NR_PRIVATE_IRQS,
  VGIC_NR_IRQS_LEGACY,
  VGIC_CONFIG_EDGE,
  VGIC_CONFIG_LEVEL,
  type RedistRegion,
} from './vgic.js';
import { VGIC_V3_DIST_REGISTERS, VGIC_V3_RD_REGISTERS, vgicV3RegisterFrames } from './mmio-v3.js';
import { vgicMmioRead, vgicMmioWrite, vgicHasRegion } from './mmio.js';
import { findIccReg } from './sys-regs-v3.js';

/** VGIC_ADDR_UNDEF as userspace reads it. */
export const VGIC_ADDR_UNDEF = 0xffff_ffff_ffff_ffffn;
/** The most interrupts (GRP_NR_IRQS): 1024, Documentation/virt/kvm/devices/arm-vgic.rst. */
const VGIC_MAX_NR_IRQS = 1024;

const SZ_64K = 0x10000;

export function overlaps(a: number, asz: number, b: number, bsz: number): boolean {
  return a < b + bsz && b < a + asz;
}

/** Bytes a region covers: `count` frames, or (legacy REDIST) one per vCPU. */
function regionSize(vm: Vm, r: RedistRegion): number {
  return (r.count !== 0 ? r.count : Math.max(vm.vcpus.length, 1)) * KVM_VGIC_V3_REDIST_SIZE;
}

/** vgic_check_iorange(): 64 KiB alignment (EINVAL), inside the IPA space (E2BIG). */
function checkIorange(vm: Vm, what: string, addr: bigint, size: number): number {
  if ((addr & BigInt(SZ_64K - 1)) !== 0n) throw new KvmError('EINVAL', `vgic: ${what} 0x${addr.toString(16)} is not 64 KiB aligned`, 'value');
  if (addr < 0n || addr + BigInt(size) > 1n << BigInt(vm.ipaBits)) {
    throw new KvmError('E2BIG', `vgic: ${what} [0x${addr.toString(16)}, +0x${size.toString(16)}) is beyond the ${vm.ipaBits}-bit IPA space`, 'value');
  }
  return Number(addr);
}

/** KVM_DEV_ARM_VGIC_GRP_NR_IRQS (vgic_set_common_attr()): 64..1024 in steps of 32, once. */
export function setNrIrqs(vg: Vgic, value: bigint): void {
  const n = Number(value & 0xffffffffn);
  if (n < VGIC_NR_PRIVATE_IRQS + 32 || n > VGIC_MAX_NR_IRQS || n % 32 !== 0) {
    throw new KvmError('EINVAL', `vgic: NR_IRQS must be 64..1024 in steps of 32, got ${n}`, 'value');
  }
  if (vg.initialized || vg.nrSpis !== 0) throw new KvmError('EBUSY', 'vgic: NR_IRQS is already fixed', 'value');
  vg.nrSpis = n - VGIC_NR_PRIVATE_IRQS;
}

function checkNotInit(vg: Vgic, what: string): void {
  if (vg.initialized) throw new KvmError('EBUSY', `vgic: ${what} after KVM_DEV_ARM_VGIC_CTRL_INIT`, 'attr');
}

// ---- GRP_ADDR (kvm_vgic_addr) --------------------------------------------------------------------

function setAddr(vm: Vm, vg: Vgic, type: number, value: bigint): void {
  checkNotInit(vg, 'setting an address');
  switch (type) {
    case KVM_VGIC_V3_ADDR_TYPE_DIST: {
      if (vg.distBase >= 0) throw new KvmError('EEXIST', 'vgic: the distributor address is already set', 'attr');
      const base = checkIorange(vm, 'distributor base', value, KVM_VGIC_V3_DIST_SIZE);
      for (const r of vg.rdRegions) {
        if (overlaps(base, KVM_VGIC_V3_DIST_SIZE, r.base, regionSize(vm, r))) throw new KvmError('EINVAL', 'vgic: the distributor overlaps a redistributor region', 'value');
      }
      vg.distBase = base;
      return;
    }
    case KVM_VGIC_V3_ADDR_TYPE_REDIST: {
      if (vg.legacyRedist) throw new KvmError('EEXIST', 'vgic: the redistributor address is already set', 'attr');
      if (vg.rdRegions.length !== 0) throw new KvmError('EINVAL', 'vgic: KVM_VGIC_V3_ADDR_TYPE_REDIST cannot be mixed with REDIST_REGION', 'attr');
      const base = checkIorange(vm, 'redistributor base', value, KVM_VGIC_V3_REDIST_SIZE);
      addRegion(vm, vg, { index: 0, base, count: 0 });
      vg.legacyRedist = true;
      return;
    }
    case KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION: {
      if (vg.legacyRedist) throw new KvmError('EINVAL', 'vgic: REDIST_REGION cannot be mixed with KVM_VGIC_V3_ADDR_TYPE_REDIST', 'attr');
      const index = Number(value & KVM_VGIC_V3_RDIST_INDEX_MASK);
      const flags = value & KVM_VGIC_V3_RDIST_FLAGS_MASK;
      const count = Number(value >> KVM_VGIC_V3_RDIST_COUNT_SHIFT);
      if (flags !== 0n) throw new KvmError('EINVAL', 'vgic: REDIST_REGION flags must be 0', 'value');
      if (count === 0) throw new KvmError('EINVAL', 'vgic: REDIST_REGION count must not be 0', 'value');
      if (vg.rdRegions.some((r) => r.index === index)) throw new KvmError('EEXIST', `vgic: redistributor region ${index} is already set`, 'value');
      if (index !== vg.rdRegions.length) throw new KvmError('EINVAL', `vgic: redistributor regions are set in index order; expected ${vg.rdRegions.length}, got ${index}`, 'value');
      const base = checkIorange(vm, `redistributor region ${index}`, value & KVM_VGIC_V3_RDIST_BASE_MASK, count * KVM_VGIC_V3_REDIST_SIZE);
      addRegion(vm, vg, { index, base, count });
      return;
    }
    default:
      throw new KvmError('ENODEV', `vgic: address type ${type} is not a GICv3 one`, 'attr');
  }
}

/** vgic_v3_alloc_redist_region(): no overlap with other regions or the distributor (EINVAL). */
function addRegion(vm: Vm, vg: Vgic, r: RedistRegion): void {
  const size = regionSize(vm, r);
  for (const o of vg.rdRegions) {
    if (overlaps(r.base, size, o.base, regionSize(vm, o))) throw new KvmError('EINVAL', `vgic: redistributor region overlaps region ${o.index}`, 'value');
  }
  if (vg.distBase >= 0 && overlaps(r.base, size, vg.distBase, KVM_VGIC_V3_DIST_SIZE)) {
    throw new KvmError('EINVAL', 'vgic: redistributor region overlaps the distributor', 'value');
  }
  vg.rdRegions.push(r);
}

function getAddr(vg: Vgic, type: number, value: bigint): bigint {
  switch (type) {
    case KVM_VGIC_V3_ADDR_TYPE_DIST:
      return vg.distBase < 0 ? VGIC_ADDR_UNDEF : BigInt(vg.distBase);
    case KVM_VGIC_V3_ADDR_TYPE_REDIST:
      return vg.legacyRedist ? BigInt(vg.rdRegions[0].base) : VGIC_ADDR_UNDEF;
    case KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION: {
      const index = Number(value & KVM_VGIC_V3_RDIST_INDEX_MASK);
      const r = vg.legacyRedist ? undefined : vg.rdRegions.find((x) => x.index === index);
      if (r === undefined) throw new KvmError('ENOENT', `vgic: no redistributor region ${index}`, 'value');
      return BigInt(index) | BigInt(r.base) | (BigInt(r.count) << KVM_VGIC_V3_RDIST_COUNT_SHIFT);
    }
    default:
      throw new KvmError('ENODEV', `vgic: address type ${type} is not a GICv3 one`, 'attr');
  }
}

// ---- CTRL_INIT (vgic_init + vgic_v3_map_resources) ----------------------------------------------------

function vgicInit(vm: Vm, vg: Vgic): void {
  if (vg.initialized) return;
  if (vm.vcpus.length === 0) throw new KvmError('EBUSY', 'vgic: KVM_DEV_ARM_VGIC_CTRL_INIT needs the vCPUs created first', 'attr');
  if (vg.distBase < 0) throw new KvmError('ENXIO', 'vgic: the distributor address is not set', 'attr');
  if (vg.rdRegions.length === 0) throw new KvmError('ENXIO', 'vgic: no redistributor address is set', 'attr');
  const nrSpis = vg.nrSpis !== 0 ? vg.nrSpis : VGIC_NR_IRQS_LEGACY - VGIC_NR_PRIVATE_IRQS;
  // Redistributors: the k-th vCPU gets the k-th free 128 KiB slot, regions in index order.
  const cpus: VgicCpu[] = vm.vcpus.map((v, i) => new VgicCpu(v, i));
  let ri = 0;
  let used = 0;
  for (const c of cpus) {
    while (ri < vg.rdRegions.length && vg.rdRegions[ri].count !== 0 && used >= vg.rdRegions[ri].count) {
      ri++;
      used = 0;
    }
    const r = vg.rdRegions[ri];
    if (r === undefined) throw new KvmError('ENXIO', `vgic: no redistributor frame left for vCPU ${c.vcpu.id}`, 'attr');
    c.rdRegion = r;
    c.rdIndex = used;
    c.rdBase = r.base + used * KVM_VGIC_V3_REDIST_SIZE;
    used++;
  }
  // vgic_v3_check_base(): the used redistributors against the distributor and the IPA space.
  for (const c of cpus) {
    if (overlaps(c.rdBase, KVM_VGIC_V3_REDIST_SIZE, vg.distBase, KVM_VGIC_V3_DIST_SIZE)) {
      throw new KvmError('EINVAL', `vgic: vCPU ${c.vcpu.id}'s redistributor overlaps the distributor`, 'attr');
    }
    if (c.rdBase + KVM_VGIC_V3_REDIST_SIZE > 2 ** vm.ipaBits) throw new KvmError('E2BIG', `vgic: vCPU ${c.vcpu.id}'s redistributor is beyond the IPA space`, 'attr');
  }
  const spis: VgicIrq[] = [];
  for (let i = 0; i < nrSpis; i++) spis.push(new VgicIrq(VGIC_NR_PRIVATE_IRQS + i, VGIC_CONFIG_EDGE, 0));
  vg.nrSpis = nrSpis;
  vg.spis = spis;
  vg.cpus = cpus;
  vgicV3RegisterFrames(vm, vg);
  vg.initialized = true;
  // vgic_v3_enable(): each vCPU's interface on, ICH_HCR_EL2.En = 1.
  for (const v of vm.vcpus) vgicVcpuReset(v);
}

// ---- DIST_REGS / REDIST_REGS / LEVEL_INFO (vgic_v3_attr_regs_access) -----------------------------------

function attrVcpu(vg: Vgic, attr: bigint): number {
  const mpidr = Number((attr >> 32n) & 0xffffffffn);
  // Aff3 [31:24] of the attr's MPIDR field is 0 for every vCPU here.
  if (mpidr >>> 24 !== 0) throw new KvmError('EINVAL', `vgic: no vCPU with MPIDR 0x${mpidr.toString(16)}`, 'attr');
  const i = vg.mpidrToVcpu(mpidr);
  if (i < 0) throw new KvmError('EINVAL', `vgic: no vCPU with MPIDR 0x${mpidr.toString(16)}`, 'attr');
  return i;
}

function regsAccess(vg: Vgic, group: number, attr: bigint, isWrite: boolean, value: bigint): bigint {
  if (!vg.initialized) throw new KvmError('EBUSY', 'vgic: register access before KVM_DEV_ARM_VGIC_CTRL_INIT', 'attr');
  const offset = Number(attr & 0xffffffffn);
  const dist = group === KVM_DEV_ARM_VGIC_GRP_DIST_REGS;
  const rows = dist ? VGIC_V3_DIST_REGISTERS : VGIC_V3_RD_REGISTERS;
  const vcpu = dist ? 0 : attrVcpu(vg, attr);
  if (!vgicHasRegion(rows, offset)) throw new KvmError('ENXIO', `vgic: no ${dist ? 'distributor' : 'redistributor'} register at 0x${offset.toString(16)}`, 'attr');
  if (isWrite) {
    vgicMmioWrite(rows, vg, vcpu, offset, 4, Number(BigInt.asIntN(32, value)), 0);
    return 0n;
  }
  return BigInt(vgicMmioRead(rows, vg, vcpu, offset, 4, true) >>> 0);
}

/** vgic_v3_line_level_info_uaccess(): 32 line levels from a multiple-of-32 vINTID. */
function levelInfo(vg: Vgic, attr: bigint, isWrite: boolean, value: bigint): bigint {
  if (!vg.initialized) throw new KvmError('EBUSY', 'vgic: LEVEL_INFO before KVM_DEV_ARM_VGIC_CTRL_INIT', 'attr');
  const vcpu = attrVcpu(vg, attr);
  const info = Number((attr & 0xffffffffn) >> BigInt(KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT));
  const intid = Number(attr & BigInt(KVM_DEV_ARM_VGIC_LINE_LEVEL_INTID_MASK));
  if (info !== VGIC_LEVEL_INFO_LINE_LEVEL || intid % 32 !== 0) throw new KvmError('EINVAL', `vgic: LEVEL_INFO attr 0x${attr.toString(16)} is not a line-level query`, 'attr');
  let out = 0;
  const val = Number(value & 0xffffffffn);
  for (let i = 0; i < 32; i++) {
    const irq = vg.getIrq(vcpu, intid + i);
    if (irq === undefined || irq.config !== VGIC_CONFIG_LEVEL) continue;
    if (isWrite) {
      irq.lineLevel = ((val >>> i) & 1) !== 0;
      vgicQueueIrq(vg, irq);
    } else if (irq.lineLevel) out |= 1 << i;
  }
  return BigInt(out >>> 0);
}

/** vgic_v3_cpu_sysregs_uaccess(): an ICC_* register of the vCPU named by the attr's MPIDR. */
function cpuSysregs(vg: Vgic, attr: bigint, isWrite: boolean, value: bigint): bigint {
  if (!vg.initialized) throw new KvmError('EBUSY', 'vgic: CPU_SYSREGS before KVM_DEV_ARM_VGIC_CTRL_INIT', 'attr');
  const cpu = vg.cpus[attrVcpu(vg, attr)].vcpu.cpu;
  const instr = Number(attr & 0xffffn);
  const r = findIccReg(instr);
  if (r === undefined) throw new KvmError('ENXIO', `vgic: CPU_SYSREGS instr 0x${instr.toString(16)} is not a saved ICC register`, 'attr');
  if (isWrite) {
    if (value >> 32n !== 0n) throw new KvmError('EINVAL', `vgic: ${r.name} is 32 bits wide`, 'value');
    r.set(cpu, Number(BigInt.asIntN(32, value)));
    return 0n;
  }
  return BigInt(r.get(cpu) >>> 0);
}

// ---- the device --------------------------------------------------------------------------------------

function vgicV3Ops(vm: Vm, vg: Vgic): DeviceOps {
  return {
    setAttr(group, attr, value) {
      switch (group) {
        case KVM_DEV_ARM_VGIC_GRP_ADDR:
          setAddr(vm, vg, Number(attr), value);
          return;
        case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
          setNrIrqs(vg, value);
          return;
        case KVM_DEV_ARM_VGIC_GRP_CTRL:
          if (attr !== BigInt(KVM_DEV_ARM_VGIC_CTRL_INIT)) throw new KvmError('ENXIO', `vgic: CTRL attribute ${attr} is not supported`, 'attr');
          vgicInit(vm, vg);
          return;
        case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
        case KVM_DEV_ARM_VGIC_GRP_REDIST_REGS:
          regsAccess(vg, group, attr, true, value);
          return;
        case KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO:
          levelInfo(vg, attr, true, value);
          return;
        case KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS:
          cpuSysregs(vg, attr, true, value);
          return;
        default:
          throw new KvmError('ENXIO', `vgic: attribute group ${group} is not supported`, 'group');
      }
    },
    getAttr(group, attr, value) {
      switch (group) {
        case KVM_DEV_ARM_VGIC_GRP_ADDR:
          return getAddr(vg, Number(attr), value);
        case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
          return BigInt(vg.nrSpis + VGIC_NR_PRIVATE_IRQS);
        case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
        case KVM_DEV_ARM_VGIC_GRP_REDIST_REGS:
          return regsAccess(vg, group, attr, false, 0n);
        case KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO:
          return levelInfo(vg, attr, false, 0n);
        case KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS:
          return cpuSysregs(vg, attr, false, 0n);
        default:
          throw new KvmError('ENXIO', `vgic: attribute group ${group} cannot be read`, 'group');
      }
    },
    hasAttr(group, attr) {
      switch (group) {
        case KVM_DEV_ARM_VGIC_GRP_ADDR:
          return attr === BigInt(KVM_VGIC_V3_ADDR_TYPE_DIST) || attr === BigInt(KVM_VGIC_V3_ADDR_TYPE_REDIST) || attr === BigInt(KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION);
        case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
          return true;
        case KVM_DEV_ARM_VGIC_GRP_CTRL:
          return attr === BigInt(KVM_DEV_ARM_VGIC_CTRL_INIT);
        case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
          return vgicHasRegion(VGIC_V3_DIST_REGISTERS, Number(attr & 0xffffffffn));
        case KVM_DEV_ARM_VGIC_GRP_REDIST_REGS:
          return vgicHasRegion(VGIC_V3_RD_REGISTERS, Number(attr & 0xffffffffn));
        case KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS:
          return findIccReg(Number(attr & 0xffffn)) !== undefined;
        case KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO: {
          const info = Number((attr & 0xffffffffn) >> BigInt(KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT));
          return info === VGIC_LEVEL_INFO_LINE_LEVEL;
        }
        default:
          return false;
      }
    },
  };
}

/**
 * kvm_vgic_create() for a GICv3: one per VM (EEXIST), before any vCPU ran (EBUSY). Raises
 * ID_AA64PFR0_EL1.GIC on the VM (and every vCPU already initialised): the guest gets the ICC_*
 * System registers.
 */
export function createVgicV3(vm: Vm): Device {
  if (vgicOf(vm) !== undefined) throw new KvmError('EEXIST', 'createDevice: the VM already has a vGIC', 'type');
  if (vm.hasRunOnce) throw new KvmError('EBUSY', 'createDevice: a vCPU of the VM has already run', 'type');
  const vg = new Vgic(vm);
  attachVgic(vm, vg);
  if (vm.idRegs !== undefined) {
    vm.idRegs.exposeGicV3();
    for (const v of vm.vcpus) if (v.initialized) vm.idRegs.applyTo(v.cpu);
  }
  return new Device(vm, KVM_DEV_TYPE_ARM_VGIC_V3, vgicV3Ops(vm, vg));
}
