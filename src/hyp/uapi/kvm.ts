/**
 * Linux's KVM userspace API constants (include/uapi/linux/kvm.h and
 * arch/arm64/include/uapi/asm/kvm.h), by their Linux names and values. Never re-derived: a
 * VMM written against these reads the same on real KVM. See ../shared/REFERENCE.md.
 */

// ---- exit reasons (struct kvm_run.exit_reason) ---------------------------------------------
export const KVM_EXIT_UNKNOWN = 0;
export const KVM_EXIT_HYPERCALL = 3;
export const KVM_EXIT_DEBUG = 4;
export const KVM_EXIT_MMIO = 6;
export const KVM_EXIT_FAIL_ENTRY = 9;
export const KVM_EXIT_INTR = 10;
export const KVM_EXIT_INTERNAL_ERROR = 17;
export const KVM_EXIT_SYSTEM_EVENT = 24;
export const KVM_EXIT_ARM_NISV = 28;

/** KVM_EXIT_SYSTEM_EVENT types. */
export const KVM_SYSTEM_EVENT_SHUTDOWN = 1;
export const KVM_SYSTEM_EVENT_RESET = 2;
export const KVM_SYSTEM_EVENT_CRASH = 3;
export const KVM_SYSTEM_EVENT_WAKEUP = 4;
export const KVM_SYSTEM_EVENT_SUSPEND = 5;
/** data[0] flags: the reset/off came from PSCI SYSTEM_RESET2 / SYSTEM_OFF2. */
export const KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2 = 1n << 0n;

/** KVM_EXIT_INTERNAL_ERROR suberrors. */
export const KVM_INTERNAL_ERROR_EMULATION = 1;

// ---- memory slots --------------------------------------------------------------------------
export const KVM_MEM_LOG_DIRTY_PAGES = 1;
export const KVM_MEM_READONLY = 2;

// ---- KVM_ARM_VCPU_INIT ---------------------------------------------------------------------
export const KVM_ARM_TARGET_AEM_V8 = 0;
export const KVM_ARM_TARGET_FOUNDATION_V8 = 1;
export const KVM_ARM_TARGET_CORTEX_A57 = 2;
export const KVM_ARM_TARGET_XGENE_POTENZA = 3;
export const KVM_ARM_TARGET_CORTEX_A53 = 4;
export const KVM_ARM_TARGET_GENERIC_V8 = 5;

/** Feature bit numbers in kvm_vcpu_init.features[]. */
export const KVM_ARM_VCPU_POWER_OFF = 0;
export const KVM_ARM_VCPU_EL1_32BIT = 1;
export const KVM_ARM_VCPU_PSCI_0_2 = 2;
export const KVM_ARM_VCPU_PMU_V3 = 3;
export const KVM_ARM_VCPU_SVE = 4;
export const KVM_ARM_VCPU_PTRAUTH_ADDRESS = 5;
export const KVM_ARM_VCPU_PTRAUTH_GENERIC = 6;
export const KVM_ARM_VCPU_HAS_EL2 = 7;

/** KVM_CREATE_VM type on arm64: IPA size in bits[7:0], 0 meaning 40. */
export const KVM_VM_TYPE_ARM_IPA_SIZE_MASK = 0xff;

// ---- mp_state -------------------------------------------------------------------------------
export const KVM_MP_STATE_RUNNABLE = 0;
export const KVM_MP_STATE_HALTED = 3;
export const KVM_MP_STATE_STOPPED = 5;
export const KVM_MP_STATE_SUSPENDED = 9;
