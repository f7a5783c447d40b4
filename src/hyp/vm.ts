/**
 * A VM (KVM's struct kvm, userspace's VmFd): guest memory slots mapped by stage 2, the vCPUs,
 * per-VM ID registers, in-kernel devices. Its host memory (one WebAssembly.Memory holding RAM,
 * vCPU register files and stage-2 tables) is reserved up front, so the Uint8Array views handed
 * out by setUserMemoryRegion() never detach.
 */
import { HostMemory } from '../arch/aarch64/host-memory.js';
import { DEFAULT_BLOCK_THRESHOLD } from '../arch/aarch64/cpu.js';
import type { CpuModel } from '../arch/aarch64/cpus/model.js';
import { Stage2PageTable } from './arm/stage2-pgtable.js';
import { Vcpu } from './vcpu.js';
import type { Kvm } from './kvm.js';
import { KvmError } from './errors.js';
import { VmStats } from './stats.js';
import { setUserMemoryRegion, findSlot, type MemoryRegion, type MemSlot, type HostRange } from './memslots.js';
import { VmIdRegs } from './arm/id-regs.js';
import { checkExtension, KVM_MAX_VCPUS, KVM_IPA_LIMIT } from './caps.js';
import { KVM_CAP_ARM_NISV_TO_USER, type KvmArmCounterOffset } from './uapi/kvm.js';
import { setSmcccFilter } from './arm/psci.js';
import { setVmCounterOffsets } from './arm/vcpu-context.js';
import type { Device } from './device.js';
import { createVgicV3 } from './vgic/kvm-device.js';
import { createVgicV2 } from './vgic/kvm-device-v2.js';
import { vgicOf, vgicInjectIrq, VGIC_NR_PRIVATE_IRQS, VGIC_NR_SGIS } from './vgic/vgic.js';
import { setVirtualIrq } from '../arch/aarch64/exceptions.js';
import { S } from '../arch/aarch64/state.js';
import {
  KVM_DEV_TYPE_ARM_VGIC_V2,
  KVM_DEV_TYPE_ARM_VGIC_V3,
  KVM_DEV_TYPE_ARM_VGIC_ITS,
  KVM_ARM_IRQ_VCPU2_SHIFT,
  KVM_ARM_IRQ_VCPU2_MASK,
  KVM_ARM_IRQ_TYPE_SHIFT,
  KVM_ARM_IRQ_TYPE_MASK,
  KVM_ARM_IRQ_VCPU_SHIFT,
  KVM_ARM_IRQ_VCPU_MASK,
  KVM_ARM_IRQ_NUM_MASK,
  KVM_ARM_IRQ_TYPE_CPU,
  KVM_ARM_IRQ_TYPE_SPI,
  KVM_ARM_IRQ_TYPE_PPI,
  KVM_ARM_IRQ_CPU_IRQ,
  KVM_ARM_IRQ_CPU_FIQ,
  VGIC_V2_MAX_CPUS,
} from './uapi/kvm-vgic.js';

export interface VmOptions {
  /** IPA size in bits, 32..48 (KVM_CREATE_VM type; default 40). */
  ipaBits?: number;
  /** Host memory reserved for the VM (RAM slots + vCPU state + stage-2 tables); default 2 GiB. */
  memoryLimitBytes?: number;
  /**
   * typevisor's accelerator setting (no KVM counterpart; QEMU's -accel tcg options play this
   * role): how many times a block of guest code runs in the interpreter before it is compiled
   * (src/arch/aarch64/blocks/). 0 compiles at first sight, -1 turns the compiler off; default
   * DEFAULT_BLOCK_THRESHOLD (32). Integer from -1 to 254.
   */
  blockThreshold?: number;
}

/** The most vCPUs a VM may have (KVM_CAP_MAX_VCPUS); GICv3 redistributor space fits 123 at QEMU's map. */
export { KVM_MAX_VCPUS };

export class Vm {
  readonly kvm: Kvm;
  readonly ipaBits: number;
  readonly mem: HostMemory;
  readonly stage2: Stage2PageTable;
  /** VMID for VTTBR_EL2. */
  readonly vmid: number;
  readonly vcpus: Vcpu[] = [];
  readonly slots = new Map<number, MemSlot>();
  /** Host ranges of deleted slots, sorted and merged, reused by later slots (memslots.ts). */
  readonly ramFreeList: HostRange[] = [];
  /** CPU model of the vCPUs, fixed by the first KVM_ARM_VCPU_INIT (homogeneous machine). */
  model: CpuModel;
  /** The VM's ID registers (shown per vCPU), created at the first vCPU init. */
  idRegs: VmIdRegs | undefined = undefined;
  /** Set when a vCPU first enters the guest: ID registers freeze (EBUSY). */
  hasRunOnce = false;
  /**
   * KVM_CAP_ARM_NISV_TO_USER enabled: a stage-2 data abort outside RAM without a valid syndrome
   * exits with KVM_EXIT_ARM_NISV instead of failing (KVM_ARCH_FLAG_RETURN_NISV_IO_ABORT_TO_USER).
   */
  nisvToUser = false;
  readonly stats = new VmStats();
  /** VmOptions.blockThreshold, given to every vCPU's CPU. */
  readonly blockThreshold: number;
  /** Arm-part private state (PSCI, devices), owned by src/hyp/arm/. */
  arch: unknown = undefined;

  constructor(kvm: Kvm, vmid: number, model: CpuModel, opts: VmOptions = {}) {
    const ipaBits = opts.ipaBits ?? 40;
    if (!Number.isInteger(ipaBits) || ipaBits < 32 || ipaBits > KVM_IPA_LIMIT) {
      throw new KvmError('EINVAL', `createVm: ipaBits must be an integer from 32 to ${KVM_IPA_LIMIT}, got ${String(ipaBits)}`, 'ipaBits');
    }
    const limit = opts.memoryLimitBytes ?? 2 ** 31;
    if (!Number.isInteger(limit) || limit < 1 << 24 || limit > 2 ** 32 - 65536) {
      throw new KvmError('EINVAL', `createVm: memoryLimitBytes must be from 16 MiB to 4 GiB - 64 KiB, got ${String(limit)}`, 'memoryLimitBytes');
    }
    const threshold = opts.blockThreshold ?? DEFAULT_BLOCK_THRESHOLD;
    if (!Number.isInteger(threshold) || threshold < -1 || threshold > 254) {
      throw new KvmError('EINVAL', `createVm: blockThreshold must be an integer from -1 (off) to 254, got ${String(threshold)}`, 'blockThreshold');
    }
    this.blockThreshold = threshold;
    this.kvm = kvm;
    this.vmid = vmid;
    this.ipaBits = ipaBits;
    this.model = model;
    this.mem = new HostMemory(limit, limit);
    this.stage2 = new Stage2PageTable(this.mem, ipaBits);
  }

  /** KVM_SET_USER_MEMORY_REGION: returns the slot's RAM as a view (userspace_addr's role). */
  setUserMemoryRegion(region: MemoryRegion): Uint8Array {
    return setUserMemoryRegion(this, region);
  }

  /** The slot backing a guest-physical address, if any. */
  findSlot(ipa: number): MemSlot | undefined {
    return findSlot(this, ipa);
  }

  /**
   * The VMM wrote guest code through a slot's view after vCPUs ran there (a loader at reset):
   * drop the decoded instructions cached for that guest-physical range, or for all RAM without
   * arguments. Writes through a view are plain host stores the CPU does not see, so this is the
   * VMM's cache maintenance, as QEMU calls cpu_flush_icache_range() after loading ROMs for KVM.
   */
  flushIcache(guestPhysAddr?: bigint, size?: bigint): void {
    if (guestPhysAddr === undefined && size === undefined) {
      this.mem.dropAllCode();
      return;
    }
    if (typeof guestPhysAddr !== 'bigint' || typeof size !== 'bigint' || guestPhysAddr < 0n || size < 0n) {
      throw new KvmError('EINVAL', 'flushIcache: guestPhysAddr and size must be non-negative bigints (or both omitted)', 'guestPhysAddr');
    }
    const start = guestPhysAddr;
    const end = guestPhysAddr + size;
    for (const s of this.slots.values()) {
      const lo = start > BigInt(s.ipa) ? Number(start) : s.ipa;
      const hi = end < BigInt(s.ipa + s.size) ? Number(end) : s.ipa + s.size;
      for (let a = lo - (lo % 4096); a < hi; a += 4096) this.mem.dropCode((s.host + (a - s.ipa)) / 4096);
    }
  }

  /** KVM_CREATE_VCPU. */
  createVcpu(id: number): Vcpu {
    if (!Number.isInteger(id) || id < 0 || id >= KVM_MAX_VCPUS) {
      throw new KvmError('EINVAL', `createVcpu: id must be an integer from 0 to ${KVM_MAX_VCPUS - 1}, got ${String(id)}`, 'id');
    }
    if (this.vcpus.some((v) => v.id === id)) throw new KvmError('EEXIST', `createVcpu: vCPU ${id} already exists`, 'id');
    if (this.hasRunOnce) throw new KvmError('EBUSY', 'createVcpu: the VM has already run', 'id');
    // kvm_arch_vcpu_precreate(): no vCPU after the vGIC is initialised.
    if (vgicOf(this)?.initialized === true) throw new KvmError('EBUSY', 'createVcpu: the vGIC is already initialised', 'id');
    // kvm->max_vcpus = VGIC_V2_MAX_CPUS once a GICv2 exists (kvm_vgic_create()).
    if (vgicOf(this)?.v2 === true && this.vcpus.length >= VGIC_V2_MAX_CPUS) {
      throw new KvmError('EINVAL', `createVcpu: a VM with a GICv2 has at most ${VGIC_V2_MAX_CPUS} vCPUs`, 'id');
    }
    const v = new Vcpu(this, id);
    this.vcpus.push(v);
    return v;
  }

  /** KVM_ARM_PREFERRED_TARGET: what this host would give a vCPU. */
  armPreferredTarget(): { target: number; features: number[] } {
    return { target: this.kvm.preferredModel.kvmTarget, features: [0, 0, 0, 0, 0, 0, 0] };
  }

  /** KVM_ARM_GET_REG_WRITABLE_MASKS (range 0): 192 masks, see REFERENCE.md. */
  getRegWritableMasks(): bigint[] {
    return VmIdRegs.writableMasks();
  }

  /** KVM_CHECK_EXTENSION on the VM (KVM_CAP_CHECK_EXTENSION_VM): the same answers as Kvm's. */
  checkExtension(cap: number): number {
    return checkExtension(cap);
  }

  /**
   * KVM_ENABLE_CAP on the VM (arch/arm64/kvm/arm.c kvm_vm_ioctl_enable_cap): flags must be 0;
   * KVM_CAP_ARM_NISV_TO_USER is the one capability typevisor lets a VMM enable. Anything else
   * is EINVAL, as KVM answers for a capability it cannot enable.
   */
  enableCap(cap: number, args: readonly bigint[] = [], flags = 0): void {
    if (flags !== 0) throw new KvmError('EINVAL', `enableCap: flags must be 0, got ${String(flags)}`, 'flags');
    if (!Array.isArray(args) || args.some((a) => typeof a !== 'bigint')) {
      throw new KvmError('EINVAL', 'enableCap: args must be an array of bigint (kvm_enable_cap.args[4])', 'args');
    }
    if (args.length > 4) throw new KvmError('EINVAL', `enableCap: at most 4 args, got ${args.length}`, 'args');
    switch (cap) {
      case KVM_CAP_ARM_NISV_TO_USER:
        this.nisvToUser = true;
        return;
      default:
        throw new KvmError('EINVAL', `enableCap: capability ${String(cap)} cannot be enabled on a VM`, 'cap');
    }
  }

  /**
   * KVM_CREATE_DEVICE (kvm_ioctl_create_device()): KVM_DEV_TYPE_ARM_VGIC_V3 and
   * KVM_DEV_TYPE_ARM_VGIC_V2 are the devices typevisor offers (one vGIC per VM); the ITS is
   * ENODEV (no such device on this host), as is any other type.
   */
  createDevice(type: number): Device {
    switch (type) {
      case KVM_DEV_TYPE_ARM_VGIC_V3:
        return createVgicV3(this);
      case KVM_DEV_TYPE_ARM_VGIC_V2:
        return createVgicV2(this);
      case KVM_DEV_TYPE_ARM_VGIC_ITS:
      default:
        throw new KvmError('ENODEV', `createDevice: device type ${String(type)} is not supported (KVM_DEV_TYPE_ARM_VGIC_V3 = ${KVM_DEV_TYPE_ARM_VGIC_V3} and KVM_DEV_TYPE_ARM_VGIC_V2 = ${KVM_DEV_TYPE_ARM_VGIC_V2} are)`, 'type');
    }
  }

  /**
   * KVM_IRQ_LINE (arch/arm64/kvm/arm.c kvm_vm_ioctl_irq_line()), irq as Linux encodes it:
   * [31:28] vcpu2_index, [27:24] type, [23:16] vcpu_index, [15:0] number.
   * - CPU (0): the vCPU's IRQ (0) or FIQ (1) line directly; ENXIO with an in-kernel vGIC.
   * - SPI (1): INTID 32..nr_irqs-1, routed by GICD_IROUTER.
   * - PPI (2): INTID 16..31 of vCPU (vcpu2_index << 8 | vcpu_index).
   * SPI/PPI without a vGIC: ENXIO; before a GICv3's INIT: EBUSY (vgic_lazy_init(), which
   * initialises a GICv2 instead); bad numbers EINVAL.
   */
  irqLine(irq: number, level: number | boolean): void {
    if (!Number.isInteger(irq) || irq < 0 || irq > 0xffffffff) throw new KvmError('EINVAL', `irqLine: irq must be a u32, got ${String(irq)}`, 'irq');
    const lv = level === true || level === 1;
    const type = (irq >>> KVM_ARM_IRQ_TYPE_SHIFT) & KVM_ARM_IRQ_TYPE_MASK;
    const vcpuIdx = (((irq >>> KVM_ARM_IRQ_VCPU2_SHIFT) & KVM_ARM_IRQ_VCPU2_MASK) << 8) | ((irq >>> KVM_ARM_IRQ_VCPU_SHIFT) & KVM_ARM_IRQ_VCPU_MASK);
    const num = irq & KVM_ARM_IRQ_NUM_MASK;
    const vg = vgicOf(this);
    switch (type) {
      case KVM_ARM_IRQ_TYPE_CPU: {
        if (vg !== undefined) throw new KvmError('ENXIO', 'irqLine: KVM_ARM_IRQ_TYPE_CPU with an in-kernel vGIC', 'irq');
        const v = this.vcpus[vcpuIdx];
        if (v === undefined) throw new KvmError('EINVAL', `irqLine: no vCPU ${vcpuIdx}`, 'irq');
        if (num !== KVM_ARM_IRQ_CPU_IRQ && num !== KVM_ARM_IRQ_CPU_FIQ) throw new KvmError('EINVAL', `irqLine: CPU line ${num} is neither IRQ (0) nor FIQ (1)`, 'irq');
        const s = v.cpu.s;
        setVirtualIrq(v.cpu, num === KVM_ARM_IRQ_CPU_IRQ ? lv : s[S.VIRQ] !== 0, num === KVM_ARM_IRQ_CPU_FIQ ? lv : s[S.VFIQ] !== 0);
        return;
      }
      case KVM_ARM_IRQ_TYPE_PPI:
      case KVM_ARM_IRQ_TYPE_SPI: {
        if (vg === undefined) throw new KvmError('ENXIO', 'irqLine: the VM has no in-kernel vGIC', 'irq');
        if (!vg.initialized && vg.lazyInit !== undefined) vg.lazyInit();
        if (!vg.initialized) throw new KvmError('EBUSY', 'irqLine: the vGIC is not initialised (KVM_DEV_ARM_VGIC_CTRL_INIT)', 'irq');
        if (type === KVM_ARM_IRQ_TYPE_PPI) {
          if (vg.cpus[vcpuIdx] === undefined) throw new KvmError('EINVAL', `irqLine: no vCPU ${vcpuIdx}`, 'irq');
          if (num < VGIC_NR_SGIS || num >= VGIC_NR_PRIVATE_IRQS) throw new KvmError('EINVAL', `irqLine: PPI INTID ${num} is not 16..31`, 'irq');
          vgicInjectIrq(vg, vcpuIdx, num, lv);
        } else {
          if (num < VGIC_NR_PRIVATE_IRQS || num >= vg.nrIrqs) throw new KvmError('EINVAL', `irqLine: SPI INTID ${num} is not 32..${vg.nrIrqs - 1}`, 'irq');
          vgicInjectIrq(vg, 0, num, lv);
        }
        return;
      }
      default:
        throw new KvmError('EINVAL', `irqLine: unknown irq type ${type}`, 'irq');
    }
  }

  /**
   * KVM_ARM_SET_COUNTER_OFFSET (arch/arm64/kvm/arch_timer.c kvm_vm_ioctl_set_counter_offset(),
   * Documentation/virt/kvm/api.rst "KVM_ARM_SET_COUNTER_OFFSET"; available with
   * KVM_CAP_COUNTER_OFFSET): both the virtual and the physical counter of every vCPU, present
   * and future, read the system count minus `counterOffset` (KVM's voffset = poffset), and from
   * now on ONE_REG writes of KVM_REG_ARM_TIMER_CNT and KVM_REG_ARM_PTIMER_CNT are ignored
   * (KVM_ARCH_FLAG_VM_COUNTER_OFFSET). It may be called again to move the offset, before or
   * after the VM has run; vCPU resets (KVM_ARM_VCPU_INIT, PSCI CPU_ON) keep it.
   *
   * EINVAL: `reserved` is not 0 (checked first, as KVM does), or `counterOffset` is not a bigint
   * in 0..2^64-1 (the u64 field of struct kvm_arm_counter_offset). KVM answers EBUSY when it cannot
   * lock every vCPU (one is in KVM_RUN or another vCPU ioctl); here every call is synchronous, so
   * no vCPU is ever inside run() while the VMM makes this call, and EBUSY does not occur.
   */
  setCounterOffset(offset: KvmArmCounterOffset): void {
    if (offset === null || typeof offset !== 'object') {
      throw new KvmError('EINVAL', 'setCounterOffset: expected { counterOffset: bigint, reserved?: bigint } (struct kvm_arm_counter_offset)', 'counterOffset');
    }
    const reserved = offset.reserved ?? 0n;
    if (reserved !== 0n) {
      throw new KvmError('EINVAL', `setCounterOffset: reserved must be 0n, got ${String(reserved)}`, 'reserved');
    }
    const off = offset.counterOffset;
    if (typeof off !== 'bigint' || off < 0n || off > 0xffff_ffff_ffff_ffffn) {
      throw new KvmError('EINVAL', `setCounterOffset: counterOffset must be a bigint from 0 to 2^64 - 1, got ${String(off)}`, 'counterOffset');
    }
    setVmCounterOffsets(this, off);
  }

  /**
   * KVM_ARM_SMCCC_FILTER: what happens to SMCCC function IDs [base, base + count): 'handle' (the
   * hypervisor's PSCI/SMCCC), 'deny' (NOT_SUPPORTED) or 'fwd-to-user' (KVM_EXIT_HYPERCALL).
   */
  setSmcccFilter(base: number, count: number, action: 'handle' | 'deny' | 'fwd-to-user'): void {
    setSmcccFilter(this, base, count, action);
  }
}

export type { MemoryRegion, MemSlot };
