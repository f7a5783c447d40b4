/**
 * An in-kernel device created with KVM_CREATE_DEVICE (virt/kvm/kvm_main.c kvm_ioctl_create_device,
 * struct kvm_device / kvm_device_ops; userspace's DeviceFd): attributes grouped as
 * (group, attr), set and read with KVM_SET_DEVICE_ATTR / KVM_GET_DEVICE_ATTR and probed with
 * KVM_HAS_DEVICE_ATTR. The device type's ops do the work; errors are KvmError with Linux's errno.
 */
import type { Vm } from './vm.js';

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
    this.ops.setAttr(group, BigInt(attr), BigInt(value));
  }

  /** KVM_GET_DEVICE_ATTR; `value` is the in/out word for attributes that read one first. */
  getAttr(group: number, attr: number | bigint, value: number | bigint = 0n): bigint {
    return this.ops.getAttr(group, BigInt(attr), BigInt(value));
  }

  /** KVM_HAS_DEVICE_ATTR. */
  hasAttr(group: number, attr: number | bigint): boolean {
    return this.ops.hasAttr(group, BigInt(attr));
  }
}
