// Placeholder: the vCPU-register work (issue 4) implements KVM_ARM_VCPU_INIT here.
import type { Vcpu } from '../vcpu.js';
import { KvmError } from '../errors.js';

export interface VcpuInit {
  /** KVM_ARM_TARGET_* number, or a CPU model name ('cortex-a57', 'max'). */
  target: number | string;
  /** Feature bit numbers (KVM_ARM_VCPU_*), as in kvm_vcpu_init.features[]. */
  features?: number[];
}

export function vcpuInit(_v: Vcpu, _opts: VcpuInit): void {
  throw new KvmError('EINVAL', 'init: not implemented yet');
}
