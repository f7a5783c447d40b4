/**
 * KVM_CHECK_EXTENSION and KVM_ENABLE_CAP: what typevisor answers where KVM/arm64 would
 * (virt/kvm/kvm_main.c kvm_vm_ioctl_check_extension_generic, arch/arm64/kvm/arm.c
 * kvm_vm_ioctl_check_extension and kvm_vm_ioctl_enable_cap).
 *
 * A capability is listed only when typevisor really provides what it promises; everything else
 * answers 0, as KVM does for a capability it does not know. The table is the whole policy: one
 * row per supported capability, with the value KVM/arm64 returns for it.
 */
import {
  KVM_CAP_USER_MEMORY,
  KVM_CAP_SYNC_MMU,
  KVM_CAP_ONE_REG,
  KVM_CAP_ARM_PSCI,
  KVM_CAP_ARM_PSCI_0_2,
  KVM_CAP_NR_VCPUS,
  KVM_CAP_MAX_VCPUS,
  KVM_CAP_MAX_VCPU_ID,
  KVM_CAP_NR_MEMSLOTS,
  KVM_CAP_READONLY_MEM,
  KVM_CAP_IMMEDIATE_EXIT,
  KVM_CAP_ARM_VM_IPA_SIZE,
  KVM_CAP_ARM_NISV_TO_USER,
  KVM_CAP_DEVICE_CTRL,
  KVM_CAP_IRQCHIP,
  KVM_CAP_ARM_IRQ_LINE_LAYOUT_2,
  KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES,
  KVM_ARM_FEATURE_ID_RANGE,
  KVM_CAP_COUNTER_OFFSET,
} from './uapi/kvm.js';
import { KVM_USER_MEM_SLOTS } from './memslots.js';

/** KVM_MAX_VCPUS: the most vCPUs a VM may have (KVM_CAP_MAX_VCPUS, KVM_CAP_MAX_VCPU_ID). */
export const KVM_MAX_VCPUS = 512;

/** Largest IPA size a VM may ask for (KVM_CAP_ARM_VM_IPA_SIZE: get_kvm_ipa_limit()). */
export const KVM_IPA_LIMIT = 48;

/** Supported capabilities and the value KVM_CHECK_EXTENSION returns; absent = 0. */
const CAPS: ReadonlyMap<number, number> = new Map<number, number>([
  [KVM_CAP_USER_MEMORY, 1],
  /** Stage 2 follows the memslots at once (there is no host mm to follow). */
  [KVM_CAP_SYNC_MMU, 1],
  [KVM_CAP_ONE_REG, 1],
  [KVM_CAP_ARM_PSCI, 1],
  [KVM_CAP_ARM_PSCI_0_2, 1],
  /**
   * KVM answers min(num_online_cpus(), max): the "recommended" count. Every typevisor vCPU is
   * emulated, so there is no host-CPU count to recommend; the maximum is the answer.
   */
  [KVM_CAP_NR_VCPUS, KVM_MAX_VCPUS],
  /** kvm_arm_default_max_vcpus(): KVM_MAX_VCPUS, also the GICv3 limit (VGIC_V3_MAX_CPUS). */
  [KVM_CAP_MAX_VCPUS, KVM_MAX_VCPUS],
  [KVM_CAP_MAX_VCPU_ID, KVM_MAX_VCPUS],
  [KVM_CAP_NR_MEMSLOTS, KVM_USER_MEM_SLOTS],
  [KVM_CAP_READONLY_MEM, 1],
  [KVM_CAP_IMMEDIATE_EXIT, 1],
  [KVM_CAP_ARM_VM_IPA_SIZE, KVM_IPA_LIMIT],
  [KVM_CAP_ARM_NISV_TO_USER, 1],
  /** KVM_CREATE_DEVICE exists (arm.c answers 1 whatever devices are built in). */
  [KVM_CAP_DEVICE_CTRL, 1],
  /** An in-kernel irqchip: the vGICv3 device (KVM_DEV_TYPE_ARM_VGIC_V3) and KVM_IRQ_LINE. */
  [KVM_CAP_IRQCHIP, 1],
  /** KVM_IRQ_LINE's vcpu2_index field [31:28] is decoded (vCPUs beyond 256). */
  [KVM_CAP_ARM_IRQ_LINE_LAYOUT_2, 1],
  /** Bitmap of KVM_ARM_GET_REG_WRITABLE_MASKS ranges: only the feature ID range. */
  [KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES, 1 << KVM_ARM_FEATURE_ID_RANGE],
  /**
   * KVM_ARM_SET_COUNTER_OFFSET (vm.setCounterOffset()): one offset for both counters of every
   * vCPU; the machine has FEAT_ECV's CNTPOFF_EL2, so the physical offset costs no traps.
   */
  [KVM_CAP_COUNTER_OFFSET, 1],
  // Deliberately absent (0): KVM_CAP_ARM_EL1_32BIT (no AArch32 guests yet), KVM_CAP_ARM_PMU_V3
  // (no PMU), KVM_CAP_ARM_SVE, KVM_CAP_ARM_PTRAUTH_ADDRESS/GENERIC, KVM_CAP_ARM_MTE,
  // KVM_CAP_VCPU_ATTRIBUTES (no vCPU device attributes yet).
]);

/** KVM_CHECK_EXTENSION: 0 when unsupported, otherwise a positive value (some caps carry a number). */
export function checkExtension(cap: number): number {
  if (typeof cap !== 'number' || !Number.isInteger(cap)) return 0;
  return CAPS.get(cap) ?? 0;
}

/** Every supported capability with its value (for `typevisor --caps` and tests). */
export function supportedCaps(): ReadonlyMap<number, number> {
  return CAPS;
}
