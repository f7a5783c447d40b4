/**
 * The system handle (/dev/kvm, rust-vmm's `Kvm`): capabilities and VM creation.
 */
import type { CpuModel } from '../arch/aarch64/cpus/model.js';
import { CPU_MODELS } from '../arch/aarch64/cpus/index.js';
import { Vm, type VmOptions } from './vm.js';
import { KvmError } from './errors.js';
import { checkExtension } from './caps.js';

export interface KvmOptions {
  /** The CPU model vCPUs get by default (KVM_ARM_PREFERRED_TARGET): 'cortex-a57' (default) or 'max'. */
  cpu?: string;
}

export class Kvm {
  readonly preferredModel: CpuModel;
  private nextVmid = 1;

  constructor(opts: KvmOptions = {}) {
    const name = opts.cpu ?? 'cortex-a57';
    const m = Object.prototype.hasOwnProperty.call(CPU_MODELS, name) ? CPU_MODELS[name] : undefined;
    if (m === undefined) throw new KvmError('EINVAL', `Kvm: unknown CPU model "${name}"; known: ${Object.keys(CPU_MODELS).join(', ')}`, 'cpu');
    this.preferredModel = m;
  }

  /** KVM_CHECK_EXTENSION: 0 when unsupported, otherwise a positive value (some caps carry a number). */
  checkExtension(cap: number): number {
    return checkExtension(cap);
  }

  /** KVM_CREATE_VM. */
  createVm(opts: VmOptions = {}): Vm {
    const vmid = this.nextVmid;
    this.nextVmid = (this.nextVmid % 0xffff) + 1;
    return new Vm(this, vmid, this.preferredModel, opts);
  }
}
