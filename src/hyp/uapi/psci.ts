/**
 * PSCI function IDs and return values, with Linux's names and values
 * (include/uapi/linux/psci.h; the SMCCC IDs from include/linux/arm-smccc.h). Function IDs are
 * unsigned 32-bit numbers as the guest passes them in w0 (Arm DEN0022 "Arm Power State
 * Coordination Interface", section 5; SMC32 IDs have bit 30 clear, SMC64 IDs set).
 */

export const PSCI_0_2_FN_BASE = 0x84000000;
export const PSCI_0_2_64BIT = 0x40000000;
export const PSCI_0_2_FN64_BASE = PSCI_0_2_FN_BASE + PSCI_0_2_64BIT;

export const PSCI_0_2_FN_PSCI_VERSION = PSCI_0_2_FN_BASE + 0;
export const PSCI_0_2_FN_CPU_SUSPEND = PSCI_0_2_FN_BASE + 1;
export const PSCI_0_2_FN_CPU_OFF = PSCI_0_2_FN_BASE + 2;
export const PSCI_0_2_FN_CPU_ON = PSCI_0_2_FN_BASE + 3;
export const PSCI_0_2_FN_AFFINITY_INFO = PSCI_0_2_FN_BASE + 4;
export const PSCI_0_2_FN_MIGRATE = PSCI_0_2_FN_BASE + 5;
export const PSCI_0_2_FN_MIGRATE_INFO_TYPE = PSCI_0_2_FN_BASE + 6;
export const PSCI_0_2_FN_MIGRATE_INFO_UP_CPU = PSCI_0_2_FN_BASE + 7;
export const PSCI_0_2_FN_SYSTEM_OFF = PSCI_0_2_FN_BASE + 8;
export const PSCI_0_2_FN_SYSTEM_RESET = PSCI_0_2_FN_BASE + 9;

export const PSCI_0_2_FN64_CPU_SUSPEND = PSCI_0_2_FN64_BASE + 1;
export const PSCI_0_2_FN64_CPU_ON = PSCI_0_2_FN64_BASE + 3;
export const PSCI_0_2_FN64_AFFINITY_INFO = PSCI_0_2_FN64_BASE + 4;
export const PSCI_0_2_FN64_MIGRATE = PSCI_0_2_FN64_BASE + 5;
export const PSCI_0_2_FN64_MIGRATE_INFO_UP_CPU = PSCI_0_2_FN64_BASE + 7;

export const PSCI_1_0_FN_PSCI_FEATURES = PSCI_0_2_FN_BASE + 10;
export const PSCI_1_0_FN_CPU_FREEZE = PSCI_0_2_FN_BASE + 11;
export const PSCI_1_0_FN_CPU_DEFAULT_SUSPEND = PSCI_0_2_FN_BASE + 12;
export const PSCI_1_0_FN_NODE_HW_STATE = PSCI_0_2_FN_BASE + 13;
export const PSCI_1_0_FN_SYSTEM_SUSPEND = PSCI_0_2_FN_BASE + 14;
export const PSCI_1_0_FN_SET_SUSPEND_MODE = PSCI_0_2_FN_BASE + 15;
export const PSCI_1_0_FN_STAT_RESIDENCY = PSCI_0_2_FN_BASE + 16;
export const PSCI_1_0_FN_STAT_COUNT = PSCI_0_2_FN_BASE + 17;
export const PSCI_1_1_FN_SYSTEM_RESET2 = PSCI_0_2_FN_BASE + 18;
export const PSCI_1_1_FN_MEM_PROTECT = PSCI_0_2_FN_BASE + 19;
export const PSCI_1_1_FN_MEM_PROTECT_CHECK_RANGE = PSCI_0_2_FN_BASE + 20;

export const PSCI_1_0_FN64_CPU_DEFAULT_SUSPEND = PSCI_0_2_FN64_BASE + 12;
export const PSCI_1_0_FN64_NODE_HW_STATE = PSCI_0_2_FN64_BASE + 13;
export const PSCI_1_0_FN64_SYSTEM_SUSPEND = PSCI_0_2_FN64_BASE + 14;
export const PSCI_1_0_FN64_STAT_RESIDENCY = PSCI_0_2_FN64_BASE + 16;
export const PSCI_1_0_FN64_STAT_COUNT = PSCI_0_2_FN64_BASE + 17;
export const PSCI_1_1_FN64_SYSTEM_RESET2 = PSCI_0_2_FN64_BASE + 18;
export const PSCI_1_1_FN64_MEM_PROTECT_CHECK_RANGE = PSCI_0_2_FN64_BASE + 20;

/** AFFINITY_INFO results. */
export const PSCI_0_2_AFFINITY_LEVEL_ON = 0;
export const PSCI_0_2_AFFINITY_LEVEL_OFF = 1;
export const PSCI_0_2_AFFINITY_LEVEL_ON_PENDING = 2;

/** MIGRATE_INFO_TYPE results: multicore support of a Trusted OS. */
export const PSCI_0_2_TOS_UP_MIGRATE = 0;
export const PSCI_0_2_TOS_UP_NO_MIGRATE = 1;
export const PSCI_0_2_TOS_MP = 2;

/** SYSTEM_RESET2 reset types. */
export const PSCI_1_1_RESET_TYPE_SYSTEM_WARM_RESET = 0;
export const PSCI_1_1_RESET_TYPE_VENDOR_START = 0x80000000;

/** PSCI_VERSION result: major in [31:16], minor in [15:0]. */
export const PSCI_VERSION_MAJOR_SHIFT = 16;
export function PSCI_VERSION(major: number, minor: number): number {
  return ((major << PSCI_VERSION_MAJOR_SHIFT) | (minor & 0xffff)) >>> 0;
}

/** Return values (inclusive of all PSCI versions). */
export const PSCI_RET_SUCCESS = 0;
export const PSCI_RET_NOT_SUPPORTED = -1;
export const PSCI_RET_INVALID_PARAMS = -2;
export const PSCI_RET_DENIED = -3;
export const PSCI_RET_ALREADY_ON = -4;
export const PSCI_RET_ON_PENDING = -5;
export const PSCI_RET_INTERNAL_FAILURE = -6;
export const PSCI_RET_NOT_PRESENT = -7;
export const PSCI_RET_DISABLED = -8;
export const PSCI_RET_INVALID_ADDRESS = -9;

/** SMCCC (Arm DEN0028) function IDs KVM answers next to PSCI (include/linux/arm-smccc.h). */
export const ARM_SMCCC_VERSION_FUNC_ID = 0x80000000;
export const ARM_SMCCC_ARCH_FEATURES_FUNC_ID = 0x80000001;
export const ARM_SMCCC_VERSION_1_0 = 0x10000;
export const ARM_SMCCC_VERSION_1_1 = 0x10001;
export const SMCCC_RET_SUCCESS = 0;
export const SMCCC_RET_NOT_SUPPORTED = -1;
