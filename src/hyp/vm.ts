/**
 * A VM (KVM's struct kvm, userspace's VmFd): guest memory slots mapped by stage 2, the vCPUs,
 * per-VM ID registers, in-kernel devices. Its host memory (one WebAssembly.Memory holding RAM,
 * vCPU register files and stage-2 tables) is reserved up front, so the Uint8Array views handed
 * out by setUserMemoryRegion() never detach.
 */
import { HostMemory } from '../arch/aarch64/host-memory.js';
import type { CpuModel } from '../arch/aarch64/cpus/model.js';
import { Stage2PageTable } from './arm/stage2-pgtable.js';
import { Vcpu } from './vcpu.js';
import type { Kvm } from './kvm.js';
import { KvmError } from './errors.js';
import { VmStats } from './stats.js';
import { setUserMemoryRegion, findSlot, type MemoryRegion, type MemSlot } from './memslots.js';
import { VmIdRegs } from './arm/id-regs.js';

export interface VmOptions {
  /** IPA size in bits, 32..48 (KVM_CREATE_VM type; default 40). */
  ipaBits?: number;
  /** Host memory reserved for the VM (RAM slots + vCPU state + stage-2 tables); default 2 GiB. */
  memoryLimitBytes?: number;
}

/** The most vCPUs a VM may have (KVM_CAP_MAX_VCPUS); GICv3 redistributor space fits 123 at QEMU's map. */
export const KVM_MAX_VCPUS = 512;

export class Vm {
  readonly kvm: Kvm;
  readonly ipaBits: number;
  readonly mem: HostMemory;
  readonly stage2: Stage2PageTable;
  /** VMID for VTTBR_EL2. */
  readonly vmid: number;
  readonly vcpus: Vcpu[] = [];
  readonly slots = new Map<number, MemSlot>();
  /** CPU model of the vCPUs, fixed by the first KVM_ARM_VCPU_INIT (homogeneous machine). */
  model: CpuModel;
  /** The VM's ID registers (shown per vCPU), created at the first vCPU init. */
  idRegs: VmIdRegs | undefined = undefined;
  /** Set when a vCPU first enters the guest: ID registers freeze (EBUSY). */
  hasRunOnce = false;
  readonly stats = new VmStats();
  /** Arm-part private state (PSCI, devices), owned by src/hyp/arm/. */
  arch: unknown = undefined;

  constructor(kvm: Kvm, vmid: number, model: CpuModel, opts: VmOptions = {}) {
    const ipaBits = opts.ipaBits ?? 40;
    if (!Number.isInteger(ipaBits) || ipaBits < 32 || ipaBits > 48) {
      throw new KvmError('EINVAL', `createVm: ipaBits must be an integer from 32 to 48, got ${String(ipaBits)}`, 'ipaBits');
    }
    const limit = opts.memoryLimitBytes ?? 2 ** 31;
    if (!Number.isInteger(limit) || limit < 1 << 24 || limit > 2 ** 32 - 65536) {
      throw new KvmError('EINVAL', `createVm: memoryLimitBytes must be from 16 MiB to 4 GiB - 64 KiB, got ${String(limit)}`, 'memoryLimitBytes');
    }
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

  /** KVM_CREATE_VCPU. */
  createVcpu(id: number): Vcpu {
    if (!Number.isInteger(id) || id < 0 || id >= KVM_MAX_VCPUS) {
      throw new KvmError('EINVAL', `createVcpu: id must be an integer from 0 to ${KVM_MAX_VCPUS - 1}, got ${String(id)}`, 'id');
    }
    if (this.vcpus.some((v) => v.id === id)) throw new KvmError('EEXIST', `createVcpu: vCPU ${id} already exists`, 'id');
    if (this.hasRunOnce) throw new KvmError('EBUSY', 'createVcpu: the VM has already run', 'id');
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
}

export type { MemoryRegion, MemSlot };
