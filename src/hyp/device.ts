/**
 * An in-kernel device created with KVM_CREATE_DEVICE (virt/kvm/kvm_main.c kvm_ioctl_create_device,
 * struct kvm_device / kvm_device_ops; userspace's DeviceFd): attributes grouped as
 * (group, attr), set and read with KVM_SET_DEVICE_ATTR / KVM_GET_DEVICE_ATTR and probed with
 * KVM_HAS_DEVICE_ATTR. The device type's ops do the work; errors are KvmError with Linux's errno.
 */
import type { Vm } from './vm.js';
import { KvmError } from './errors.js';

/**
 * kvm_device_attr's u64 fields from the API's number | bigint: an integral number or a bigint.
 * Anything else (1.5, NaN, a string) is EINVAL, not the RangeError BigInt() would throw.
 */
function attrArg(name: 'group' | 'attr' | 'value', x: unknown): bigint {
  if (typeof x === 'bigint') return x;
  if (typeof x === 'number' && Number.isInteger(x)) return BigInt(x);
  throw new KvmError('EINVAL', `device attribute: ${name} must be an integer (number or bigint), got ${String(x)}`, name);
}

function groupArg(x: unknown): number {
  if (typeof x === 'number' && Number.isInteger(x)) return x;
  throw new KvmError('EINVAL', `device attribute: group must be an integer, got ${String(x)}`, 'group');
}

/** struct kvm_device_ops, the attribute half. `value` is kvm_device_attr.addr's u64 (or u32). */
export interface DeviceOps {
  setAttr(group: number, attr: bigint, value: bigint): void;
  /** `value` is an input for the attributes that take one (REDIST_REGION's index). */
  getAttr(group: number, attr: bigint, value: bigint): bigint;
  /** true, or false where KVM answers ENXIO. */
  hasAttr(group: number, attr: bigint): boolean;
}

export class Device {
  readonly vm: Vm;
  /** KVM_DEV_TYPE_*. */
  readonly type: number;
  private readonly ops: DeviceOps;

  constructor(vm: Vm, type: number, ops: DeviceOps) {
    this.vm = vm;
    this.type = type;
    this.ops = ops;
  }

  /** KVM_SET_DEVICE_ATTR. */
  setAttr(group: number, attr: number | bigint, value: number | bigint = 0n): void {
    this.ops.setAttr(groupArg(group), attrArg('attr', attr), attrArg('value', value));
  }

  /** KVM_GET_DEVICE_ATTR; `value` is the in/out word for attributes that read one first. */
  getAttr(group: number, attr: number | bigint, value: number | bigint = 0n): bigint {
    return this.ops.getAttr(groupArg(group), attrArg('attr', attr), attrArg('value', value));
  }

  /** KVM_HAS_DEVICE_ATTR. */
  hasAttr(group: number, attr: number | bigint): boolean {
    return this.ops.hasAttr(groupArg(group), attrArg('attr', attr));
  }
}
