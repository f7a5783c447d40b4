/**
 * KVM_DEV_TYPE_ARM_VGIC_V2 (Linux arch/arm64/kvm/vgic/vgic-kvm-device.c vgic_v2_set_attr() /
 * vgic_v2_get_attr() / vgic_v2_has_attr(), vgic-init.c, vgic-v2.c vgic_v2_map_resources();
 * Documentation/virt/kvm/devices/arm-vgic.rst).
 *
 * Life cycle: created before the VM runs (EBUSY after), one vGIC per VM whatever its version
 * (EEXIST), with at most VGIC_V2_MAX_CPUS = 8 vCPUs (E2BIG at creation, EINVAL for a 9th
 * KVM_CREATE_VCPU: kvm->max_vcpus). Addresses and NR_IRQS are set, then the vGIC is initialised
 * either explicitly (KVM_DEV_ARM_VGIC_CTRL_INIT, once every vCPU exists) or, unlike a GICv3,
 * lazily (vgic_lazy_init()): by the first KVM_RUN, a KVM_IRQ_LINE, or a register access. The
 * frames go on the VM's bus at the first KVM_RUN (kvm_vgic_map_resources(): ENXIO if an address
 * is missing); the addresses can change until then.
 *
 * Attribute groups: ADDR (DIST, CPU: 4 KiB aligned, EEXIST once set), NR_IRQS, CTRL (INIT),
 * DIST_REGS and CPU_REGS (attr = cpuid << 32 | offset, 32-bit accesses through the same region
 * rows as guest MMIO; CPU_REGS is the saved CPU interface state, vgic_v2_cpu_registers[]).
 */
import type { Vm } from '../vm.js';
import { Device, type DeviceOps } from '../device.js';
import { KvmError } from '../errors.js';
import {
  KVM_DEV_TYPE_ARM_VGIC_V2,
  KVM_DEV_ARM_VGIC_GRP_ADDR,
  KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
  KVM_DEV_ARM_VGIC_GRP_CPU_REGS,
  KVM_DEV_ARM_VGIC_GRP_NR_IRQS,
  KVM_DEV_ARM_VGIC_GRP_CTRL,
  KVM_DEV_ARM_VGIC_CTRL_INIT,
  KVM_VGIC_V2_ADDR_TYPE_DIST,
  KVM_VGIC_V2_ADDR_TYPE_CPU,
  KVM_VGIC_V2_DIST_SIZE,
  KVM_VGIC_V2_CPU_SIZE,
  KVM_DEV_ARM_VGIC_CPUID_MASK,
  KVM_DEV_ARM_VGIC_CPUID_SHIFT,
  KVM_DEV_ARM_VGIC_OFFSET_MASK,
  VGIC_V2_MAX_CPUS,
} from '../uapi/kvm-vgic.js';
import { Vgic, VgicCpu, VgicIrq, attachVgic, vgicOf, vgicVcpuReset, VGIC_NR_PRIVATE_IRQS, VGIC_NR_IRQS_LEGACY, VGIC_CONFIG_EDGE } from './vgic.js';
import { VGIC_V2_DIST_REGISTERS, VGIC_V2_CPU_UACCESS_REGISTERS, vgicV2RegisterFrames } from './mmio-v2.js';
import { vgicMmioRead, vgicMmioWrite, vgicHasRegion } from './mmio.js';
import { VGIC_ADDR_UNDEF, overlaps, setNrIrqs } from './kvm-device.js';

/** GICv2 frames are 4 KiB aligned (vgic_check_iorange(..., SZ_4K, ...) in kvm_vgic_addr()). */
const SZ_4K = 0x1000;

// ---- GRP_ADDR (kvm_vgic_addr) -------------------------------------------------------------------

function setAddr(vm: Vm, vg: Vgic, type: number, value: bigint): void {
  if (type !== KVM_VGIC_V2_ADDR_TYPE_DIST && type !== KVM_VGIC_V2_ADDR_TYPE_CPU) {
    throw new KvmError('ENODEV', `vgic: address type ${type} is not a GICv2 one`, 'attr');
  }
  if (vg.ready) throw new KvmError('EBUSY', 'vgic: the GICv2 frames are already mapped (the VM has run)', 'attr');
  const dist = type === KVM_VGIC_V2_ADDR_TYPE_DIST;
  const what = dist ? 'distributor' : 'CPU interface';
  const size = dist ? KVM_VGIC_V2_DIST_SIZE : KVM_VGIC_V2_CPU_SIZE;
  if ((dist ? vg.distBase : vg.cpuBase) >= 0) throw new KvmError('EEXIST', `vgic: the ${what} address is already set`, 'attr');
  if ((value & BigInt(SZ_4K - 1)) !== 0n) throw new KvmError('EINVAL', `vgic: ${what} base 0x${value.toString(16)} is not 4 KiB aligned`, 'value');
  if (value < 0n || value + BigInt(size) > 1n << BigInt(vm.ipaBits)) {
    throw new KvmError('E2BIG', `vgic: ${what} [0x${value.toString(16)}, +0x${size.toString(16)}) is beyond the ${vm.ipaBits}-bit IPA space`, 'value');
  }
  const base = Number(value);
  // vgic_v2_check_base(): the two frames must not overlap.
  const other = dist ? vg.cpuBase : vg.distBase;
  const otherSize = dist ? KVM_VGIC_V2_CPU_SIZE : KVM_VGIC_V2_DIST_SIZE;
  if (other >= 0 && overlaps(base, size, other, otherSize)) throw new KvmError('EINVAL', 'vgic: the GICv2 distributor and CPU interface overlap', 'value');
  if (dist) vg.distBase = base;
  else vg.cpuBase = base;
}

function getAddr(vg: Vgic, type: number): bigint {
  if (type === KVM_VGIC_V2_ADDR_TYPE_DIST) return vg.distBase < 0 ? VGIC_ADDR_UNDEF : BigInt(vg.distBase);
  if (type === KVM_VGIC_V2_ADDR_TYPE_CPU) return vg.cpuBase < 0 ? VGIC_ADDR_UNDEF : BigInt(vg.cpuBase);
  throw new KvmError('ENODEV', `vgic: address type ${type} is not a GICv2 one`, 'attr');
}

// ---- vgic_init / kvm_vgic_map_resources ------------------------------------------------------------

/**
 * vgic_init() for a GICv2 model (kvm_vgic_dist_init(), vgic_allocate_private_irqs()): every
 * interrupt in Group 0; SGIs and PPIs target their own vCPU (ITARGETSR0..7 read as its bit), SPIs
 * no CPU until the guest writes GICD_ITARGETSR (4.3.12: reset value 0), or, with a single vCPU
 * (ITARGETSR RAZ/WI, 4.3.12), always that vCPU.
 */
export function vgicV2Init(vm: Vm, vg: Vgic): void {
  if (vg.initialized) return;
  if (vm.vcpus.length === 0) throw new KvmError('EBUSY', 'vgic: the GICv2 cannot be initialised before its vCPUs exist', 'attr');
  const nrSpis = vg.nrSpis !== 0 ? vg.nrSpis : VGIC_NR_IRQS_LEGACY - VGIC_NR_PRIVATE_IRQS;
  const cpus = vm.vcpus.map((v, i) => {
    const c = new VgicCpu(v, i);
    for (const irq of c.priv) {
      irq.group = 0;
      irq.targets = 1 << i;
    }
    return c;
  });
  const spis: VgicIrq[] = [];
  for (let i = 0; i < nrSpis; i++) {
    const irq = new VgicIrq(VGIC_NR_PRIVATE_IRQS + i, VGIC_CONFIG_EDGE, cpus.length === 1 ? 0 : -1);
    irq.group = 0;
    spis.push(irq);
  }
  vg.nrSpis = nrSpis;
  vg.spis = spis;
  vg.cpus = cpus;
  vg.initialized = true;
  // vgic_v3_enable() with vgic_model V2: ICC_SRE_EL1.SRE = 0, VMCR 0, ICH_HCR_EL2.En = 1.
  for (const v of vm.vcpus) vgicVcpuReset(v);
}

/** kvm_vgic_map_resources() at the first KVM_RUN: init if needed, both addresses set, frames mapped. */
function vgicV2MapResources(vm: Vm, vg: Vgic): void {
  if (vg.ready) return;
  vgicV2Init(vm, vg);
  if (vg.distBase < 0 || vg.cpuBase < 0) throw new KvmError('ENXIO', 'run: the GICv2 distributor and CPU interface addresses must be set first (KVM_DEV_ARM_VGIC_GRP_ADDR)');
  vgicV2RegisterFrames(vm, vg);
  vg.ready = true;
}

// ---- DIST_REGS / CPU_REGS (vgic_v2_attr_regs_access) ---------------------------------------------------

function regsAccess(vm: Vm, vg: Vgic, group: number, attr: bigint, isWrite: boolean, value: bigint): bigint {
  const cpuid = Number((attr & KVM_DEV_ARM_VGIC_CPUID_MASK) >> KVM_DEV_ARM_VGIC_CPUID_SHIFT);
  const offset = Number(attr & KVM_DEV_ARM_VGIC_OFFSET_MASK);
  if (cpuid >= vm.vcpus.length) throw new KvmError('EINVAL', `vgic: no vCPU ${cpuid} (attr cpuid)`, 'attr');
  // vgic_v2_attr_regs_access() initialises the vGIC it needs.
  vgicV2Init(vm, vg);
  const dist = group === KVM_DEV_ARM_VGIC_GRP_DIST_REGS;
  const rows = dist ? VGIC_V2_DIST_REGISTERS : VGIC_V2_CPU_UACCESS_REGISTERS;
  if (!vgicHasRegion(rows, offset)) throw new KvmError('ENXIO', `vgic: no ${dist ? 'distributor' : 'CPU interface'} register at 0x${offset.toString(16)}`, 'attr');
  if (isWrite) {
    vgicMmioWrite(rows, vg, cpuid, offset, 4, Number(BigInt.asIntN(32, value)), 0);
    return 0n;
  }
  return BigInt(vgicMmioRead(rows, vg, cpuid, offset, 4, true) >>> 0);
}

// ---- the device --------------------------------------------------------------------------------------

function vgicV2Ops(vm: Vm, vg: Vgic): DeviceOps {
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
          vgicV2Init(vm, vg);
          return;
        case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
        case KVM_DEV_ARM_VGIC_GRP_CPU_REGS:
          regsAccess(vm, vg, group, attr, true, value);
          return;
        default:
          throw new KvmError('ENXIO', `vgic: attribute group ${group} is not supported by a GICv2`, 'group');
      }
    },
    getAttr(group, attr) {
      switch (group) {
        case KVM_DEV_ARM_VGIC_GRP_ADDR:
          return getAddr(vg, Number(attr));
        case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
          return BigInt(vg.nrSpis + VGIC_NR_PRIVATE_IRQS);
        case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
        case KVM_DEV_ARM_VGIC_GRP_CPU_REGS:
          return regsAccess(vm, vg, group, attr, false, 0n);
        default:
          throw new KvmError('ENXIO', `vgic: attribute group ${group} cannot be read from a GICv2`, 'group');
      }
    },
    hasAttr(group, attr) {
      switch (group) {
        case KVM_DEV_ARM_VGIC_GRP_ADDR:
          return attr === BigInt(KVM_VGIC_V2_ADDR_TYPE_DIST) || attr === BigInt(KVM_VGIC_V2_ADDR_TYPE_CPU);
        case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
          return true;
        case KVM_DEV_ARM_VGIC_GRP_CTRL:
          return attr === BigInt(KVM_DEV_ARM_VGIC_CTRL_INIT);
        case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
          return vgicHasRegion(VGIC_V2_DIST_REGISTERS, Number(attr & KVM_DEV_ARM_VGIC_OFFSET_MASK));
        case KVM_DEV_ARM_VGIC_GRP_CPU_REGS:
          return vgicHasRegion(VGIC_V2_CPU_UACCESS_REGISTERS, Number(attr & KVM_DEV_ARM_VGIC_OFFSET_MASK));
        default:
          return false;
      }
    },
  };
}

/**
 * kvm_vgic_create() for a GICv2: one vGIC per VM (EEXIST), before any vCPU ran (EBUSY), at most
 * 8 vCPUs (E2BIG). ID_AA64PFR0_EL1.GIC stays 0: the guest has no GIC System registers (ICC_* are
 * UNDEFINED, as on a PE whose EL1 runs with ICC_SRE_EL1.SRE = 0 and no System register interface).
 */
export function createVgicV2(vm: Vm): Device {
  if (vgicOf(vm) !== undefined) throw new KvmError('EEXIST', 'createDevice: the VM already has a vGIC', 'type');
  if (vm.hasRunOnce) throw new KvmError('EBUSY', 'createDevice: a vCPU of the VM has already run', 'type');
  if (vm.vcpus.length > VGIC_V2_MAX_CPUS) throw new KvmError('E2BIG', `createDevice: a GICv2 serves at most ${VGIC_V2_MAX_CPUS} vCPUs, the VM has ${vm.vcpus.length}`, 'type');
  const vg = new Vgic(vm, true);
  vg.lazyInit = () => vgicV2Init(vm, vg);
  vg.mapResources = () => vgicV2MapResources(vm, vg);
  attachVgic(vm, vg);
  return new Device(vm, KVM_DEV_TYPE_ARM_VGIC_V2, vgicV2Ops(vm, vg));
}
