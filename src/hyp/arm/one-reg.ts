/**
 * KVM_GET_ONE_REG, KVM_SET_ONE_REG and KVM_GET_REG_LIST (arch/arm64/kvm/guest.c
 * kvm_arm_get_reg/kvm_arm_set_reg/kvm_arm_copy_reg_indices), all driven by the one description
 * of the vCPU context in vcpu-context.ts. Before KVM_ARM_VCPU_INIT each answers ENOEXEC, as
 * kvm_arch_vcpu_ioctl() does.
 */
import type { Vcpu } from '../vcpu.js';
import { findVcpuReg, setVcpuReg, vcpuRegs, requireInit, type RegValue } from './vcpu-context.js';

/** KVM_GET_ONE_REG: a bigint, or a Uint8Array(16) (little-endian) for U128 registers. */
export function getOneReg(v: Vcpu, id: bigint): RegValue {
  requireInit(v, 'getOneReg');
  return findVcpuReg(v, id).get(v);
}

/** KVM_SET_ONE_REG: ENOENT for an unknown register, EINVAL for a bad size or value. */
export function setOneReg(v: Vcpu, id: bigint, value: RegValue): void {
  requireInit(v, 'setOneReg');
  setVcpuReg(v, id, value);
}

/** KVM_GET_REG_LIST: every register ID this vCPU has, core, firmware, timer, system, DEMUX. */
export function getRegList(v: Vcpu): bigint[] {
  requireInit(v, 'getRegList');
  return vcpuRegs(v).map((e) => e.id);
}
