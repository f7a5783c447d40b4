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

// ---- KVM_CHECK_EXTENSION capabilities (include/uapi/linux/kvm.h, Linux 6.8) ----------------
// Every value checked against the header. Generic capabilities first, then those arm64 answers.
export const KVM_CAP_IRQCHIP = 0;
export const KVM_CAP_HLT = 1;
export const KVM_CAP_USER_MEMORY = 3;
export const KVM_CAP_NR_VCPUS = 9;
export const KVM_CAP_NR_MEMSLOTS = 10;
export const KVM_CAP_MP_STATE = 14;
export const KVM_CAP_COALESCED_MMIO = 15;
export const KVM_CAP_SYNC_MMU = 16;
export const KVM_CAP_DESTROY_MEMORY_REGION_WORKS = 21;
export const KVM_CAP_SET_GUEST_DEBUG = 23;
export const KVM_CAP_IRQ_ROUTING = 25;
export const KVM_CAP_JOIN_MEMORY_REGIONS_WORKS = 30;
export const KVM_CAP_IRQFD = 32;
export const KVM_CAP_IOEVENTFD = 36;
export const KVM_CAP_INTERNAL_ERROR_DATA = 40;
export const KVM_CAP_VCPU_EVENTS = 41;
export const KVM_CAP_ENABLE_CAP = 54;
export const KVM_CAP_MAX_VCPUS = 66;
export const KVM_CAP_ONE_REG = 70;
export const KVM_CAP_SIGNAL_MSI = 77;
export const KVM_CAP_READONLY_MEM = 81;
export const KVM_CAP_IRQFD_RESAMPLE = 82;
export const KVM_CAP_ARM_PSCI = 87;
export const KVM_CAP_ARM_SET_DEVICE_ADDR = 88;
export const KVM_CAP_DEVICE_CTRL = 89;
export const KVM_CAP_ARM_EL1_32BIT = 93;
export const KVM_CAP_ENABLE_CAP_VM = 98;
export const KVM_CAP_VM_ATTRIBUTES = 101;
export const KVM_CAP_ARM_PSCI_0_2 = 102;
export const KVM_CAP_CHECK_EXTENSION_VM = 105;
export const KVM_CAP_GUEST_DEBUG_HW_BPS = 119;
export const KVM_CAP_GUEST_DEBUG_HW_WPS = 120;
export const KVM_CAP_ARM_PMU_V3 = 126;
export const KVM_CAP_VCPU_ATTRIBUTES = 127;
export const KVM_CAP_MAX_VCPU_ID = 128;
export const KVM_CAP_MSI_DEVID = 131;
export const KVM_CAP_IMMEDIATE_EXIT = 136;
export const KVM_CAP_ARM_USER_IRQ = 144;
export const KVM_CAP_ARM_INJECT_SERROR_ESR = 158;
export const KVM_CAP_ARM_VM_IPA_SIZE = 165;
export const KVM_CAP_ARM_SVE = 170;
export const KVM_CAP_ARM_PTRAUTH_ADDRESS = 171;
export const KVM_CAP_ARM_PTRAUTH_GENERIC = 172;
export const KVM_CAP_ARM_IRQ_LINE_LAYOUT_2 = 174;
export const KVM_CAP_ARM_NISV_TO_USER = 177;
export const KVM_CAP_ARM_INJECT_EXT_DABT = 178;
export const KVM_CAP_HALT_POLL = 182;
export const KVM_CAP_STEAL_TIME = 187;
export const KVM_CAP_SET_GUEST_DEBUG2 = 195;
export const KVM_CAP_PTP_KVM = 198;
export const KVM_CAP_EXIT_HYPERCALL = 201;
export const KVM_CAP_BINARY_STATS_FD = 203;
export const KVM_CAP_ARM_MTE = 205;
export const KVM_CAP_SYSTEM_EVENT_DATA = 215;
export const KVM_CAP_ARM_SYSTEM_SUSPEND = 216;
export const KVM_CAP_COUNTER_OFFSET = 227;
export const KVM_CAP_ARM_EAGER_SPLIT_CHUNK_SIZE = 228;
export const KVM_CAP_ARM_SUPPORTED_BLOCK_SIZES = 229;
export const KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES = 230;
export const KVM_CAP_USER_MEMORY2 = 231;

// ---- KVM_ARM_SET_COUNTER_OFFSET (include/uapi/linux/kvm.h, arch/arm64/include/uapi/asm/kvm.h) ----
/**
 * The ioctl number, _IOW(KVMIO, 0xb5, struct kvm_arm_counter_offset) (16 bytes); available with
 * KVM_CAP_COUNTER_OFFSET. typevisor's call is `vm.setCounterOffset()`; the number is for VMMs
 * that keep tables of KVM's ioctls.
 */
export const KVM_ARM_SET_COUNTER_OFFSET = 0x4010aeb5;

/** struct kvm_arm_counter_offset { __u64 counter_offset; __u64 reserved; }. */
export interface KvmArmCounterOffset {
  /** Subtracted from the host's counter for both the virtual and the physical counter. */
  counterOffset: bigint;
  /** Must be 0 (EINVAL otherwise); omitted means 0. */
  reserved?: bigint;
}

// ---- KVM_ARM_GET_REG_WRITABLE_MASKS (arch/arm64/include/uapi/asm/kvm.h) -----------------------
/** Range 0: the feature ID space, op0 3, op1 {0, 1, 3}, CRn 0, CRm 0..7, op2 0..7. */
export const KVM_ARM_FEATURE_ID_RANGE = 0;
/** Masks in range 0: 3 * 8 * 8. */
export const KVM_ARM_FEATURE_ID_RANGE_SIZE = 3 * 8 * 8;

/**
 * KVM_ARM_FEATURE_ID_RANGE_IDX(op0, op1, crn, crm, op2): op1 0, 1, 3 fold to 0, 1, 2.
 * (The uapi macro ignores op0 and CRn, which are 3 and 0 for every register of the range.)
 */
export function KVM_ARM_FEATURE_ID_RANGE_IDX(_op0: number, op1: number, _crn: number, crm: number, op2: number): number {
  let o1 = op1 & 3;
  if (o1 === 3) o1 = 2;
  return (o1 << 6) | ((crm & 7) << 3) | (op2 & 7);
}
