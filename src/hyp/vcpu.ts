/**
 * A vCPU (KVM's struct kvm_vcpu, userspace's VcpuFd). Its register file is a Cpu of the machine
 * layer, dedicated to it; everything the vCPU owns is described once in arm/vcpu-context.ts,
 * which drives ONE_REG, REG_LIST and snapshots.
 *
 * The methods are thin: the work lives in the Arm part (src/hyp/arm/), as in KVM.
 */
import { Cpu } from '../arch/aarch64/cpu.js';
import type { Vm } from './vm.js';
import type { KvmRun, RunOptions } from './kvm-run.js';
import { KVM_MP_STATE_RUNNABLE } from './uapi/kvm.js';
import { ExitStats } from './stats.js';
import { vcpuInit, type VcpuInit } from './arm/reset.js';
import { getOneReg, setOneReg, getRegList } from './arm/one-reg.js';
import { vcpuRun } from './arm/run.js';

export class Vcpu {
  readonly vm: Vm;
  /** The vCPU id given to createVcpu (its index; MPIDR affinity derives from it). */
  readonly id: number;
  /** The machine CPU this vCPU runs on; its state block is the vCPU's context. */
  readonly cpu: Cpu;
  /** KVM_ARM_VCPU_INIT target, -1 before init. */
  target = -1;
  /** KVM_ARM_VCPU_INIT feature bits (1 << KVM_ARM_VCPU_*). */
  features = 0;
  /** KVM_GET_MP_STATE. */
  mpState: number = KVM_MP_STATE_RUNNABLE;
  /** kvm_run.immediate_exit: run() returns KVM_EXIT_INTR at once (cleared by the VMM). */
  immediateExit = false;
  /** Exit statistics (kvm_stat). */
  readonly stats = new ExitStats();
  /**
   * Hypervisor-private state of the Arm part (pending MMIO completion, PSCI, ...), owned by
   * src/hyp/arm/run.ts. Typed `unknown` here so that module can keep its own shape.
   */
  arch: unknown = undefined;

  constructor(vm: Vm, id: number) {
    this.vm = vm;
    this.id = id;
    this.cpu = new Cpu(vm.mem, vm.model, id);
    this.cpu.blockThreshold = vm.blockThreshold;
  }

  get initialized(): boolean {
    return this.target >= 0;
  }

  /** KVM_ARM_VCPU_INIT. */
  init(opts: VcpuInit): void {
    vcpuInit(this, opts);
  }

  /** KVM_GET_ONE_REG: a bigint, or a Uint8Array(16) for U128 registers. */
  getOneReg(id: bigint): bigint | Uint8Array {
    return getOneReg(this, id);
  }

  /** KVM_SET_ONE_REG. */
  setOneReg(id: bigint, value: bigint | Uint8Array): void {
    setOneReg(this, id, value);
  }

  /** KVM_GET_REG_LIST. */
  getRegList(): bigint[] {
    return getRegList(this);
  }

  /** KVM_RUN. */
  run(opts: RunOptions = {}): KvmRun {
    return vcpuRun(this, opts);
  }
}
