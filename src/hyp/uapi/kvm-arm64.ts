/**
 * The arm64 ONE_REG register-ID vocabulary, by Linux's names and values: include/uapi/linux/kvm.h
 * (KVM_REG_*), arch/arm64/include/uapi/asm/kvm.h (coprocessor groups, core/sysreg/timer/firmware
 * IDs), arch/arm64/include/uapi/asm/ptrace.h (PSR_MODE_*) and include/kvm/arm_psci.h (the PSCI
 * version numbers the firmware register holds). See ../shared/REFERENCE.md "ONE_REG register IDs".
 *
 * Register IDs are u64 in the ABI, so everything here is a bigint.
 *
 * Two spellings differ from C, where C's macro cannot be a TypeScript value of the same name:
 * - `KVM_REG_ARM_CORE_REG(name)` returns the complete ID (KVM_REG_ARM64 | size | KVM_REG_ARM_CORE
 *   | index), the size chosen from the field; C's macro gives only the index
 *   (offsetof(struct kvm_regs, name) / sizeof(__u32)), which `KVM_REG_ARM_CORE_INDEX` returns.
 * - `ARM64_SYS_REG(op0, op1, crn, crm, op2)` is the uapi macro of that name; the bare
 *   `KVM_REG_ARM64_SYSREG` is the coprocessor constant (0x13 << 16), as in C.
 */

// ---- include/uapi/linux/kvm.h ---------------------------------------------------------------
export const KVM_REG_ARCH_MASK = 0xff00000000000000n;
export const KVM_REG_GENERIC = 0x0000000000000000n;
export const KVM_REG_ARM64 = 0x6000000000000000n;

export const KVM_REG_SIZE_SHIFT = 52n;
export const KVM_REG_SIZE_MASK = 0x00f0000000000000n;
export const KVM_REG_SIZE_U8 = 0x0000000000000000n;
export const KVM_REG_SIZE_U16 = 0x0010000000000000n;
export const KVM_REG_SIZE_U32 = 0x0020000000000000n;
export const KVM_REG_SIZE_U64 = 0x0030000000000000n;
export const KVM_REG_SIZE_U128 = 0x0040000000000000n;
export const KVM_REG_SIZE_U256 = 0x0050000000000000n;
export const KVM_REG_SIZE_U512 = 0x0060000000000000n;
export const KVM_REG_SIZE_U1024 = 0x0070000000000000n;
export const KVM_REG_SIZE_U2048 = 0x0080000000000000n;

/** Bytes of a register from its ID (C: KVM_REG_SIZE(id) = 1U << ((id & SIZE_MASK) >> SIZE_SHIFT)). */
export function KVM_REG_SIZE(id: bigint): number {
  return 1 << Number((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
}

// ---- arch/arm64/include/uapi/asm/kvm.h: coprocessor groups ------------------------------------
export const KVM_REG_ARM_COPROC_MASK = 0x000000000fff0000n;
export const KVM_REG_ARM_COPROC_SHIFT = 16n;

/** Normal registers are mapped as coprocessor 16 (index = offsetof(struct kvm_regs, f) / 4). */
export const KVM_REG_ARM_CORE = 0x0010n << KVM_REG_ARM_COPROC_SHIFT;

/** Some registers need more space to represent values (CCSIDR per cache level). */
export const KVM_REG_ARM_DEMUX = 0x0011n << KVM_REG_ARM_COPROC_SHIFT;
export const KVM_REG_ARM_DEMUX_ID_MASK = 0x000000000000ff00n;
export const KVM_REG_ARM_DEMUX_ID_SHIFT = 8n;
export const KVM_REG_ARM_DEMUX_ID_CCSIDR = 0x00n << KVM_REG_ARM_DEMUX_ID_SHIFT;
export const KVM_REG_ARM_DEMUX_VAL_MASK = 0x00000000000000ffn;
export const KVM_REG_ARM_DEMUX_VAL_SHIFT = 0n;

/** AArch64 system registers. */
export const KVM_REG_ARM64_SYSREG = 0x0013n << KVM_REG_ARM_COPROC_SHIFT;
export const KVM_REG_ARM64_SYSREG_OP0_MASK = 0x000000000000c000n;
export const KVM_REG_ARM64_SYSREG_OP0_SHIFT = 14n;
export const KVM_REG_ARM64_SYSREG_OP1_MASK = 0x0000000000003800n;
export const KVM_REG_ARM64_SYSREG_OP1_SHIFT = 11n;
export const KVM_REG_ARM64_SYSREG_CRN_MASK = 0x0000000000000780n;
export const KVM_REG_ARM64_SYSREG_CRN_SHIFT = 7n;
export const KVM_REG_ARM64_SYSREG_CRM_MASK = 0x0000000000000078n;
export const KVM_REG_ARM64_SYSREG_CRM_SHIFT = 3n;
export const KVM_REG_ARM64_SYSREG_OP2_MASK = 0x0000000000000007n;
export const KVM_REG_ARM64_SYSREG_OP2_SHIFT = 0n;

/** A 64-bit system register: KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG | encoding. */
export function ARM64_SYS_REG(op0: number, op1: number, crn: number, crm: number, op2: number): bigint {
  return (
    KVM_REG_ARM64 |
    KVM_REG_SIZE_U64 |
    KVM_REG_ARM64_SYSREG |
    ((BigInt(op0) << KVM_REG_ARM64_SYSREG_OP0_SHIFT) & KVM_REG_ARM64_SYSREG_OP0_MASK) |
    ((BigInt(op1) << KVM_REG_ARM64_SYSREG_OP1_SHIFT) & KVM_REG_ARM64_SYSREG_OP1_MASK) |
    ((BigInt(crn) << KVM_REG_ARM64_SYSREG_CRN_SHIFT) & KVM_REG_ARM64_SYSREG_CRN_MASK) |
    ((BigInt(crm) << KVM_REG_ARM64_SYSREG_CRM_SHIFT) & KVM_REG_ARM64_SYSREG_CRM_MASK) |
    ((BigInt(op2) << KVM_REG_ARM64_SYSREG_OP2_SHIFT) & KVM_REG_ARM64_SYSREG_OP2_MASK)
  );
}

/** Physical (firmware) registers: PSCI version, SMCCC workaround levels. */
export const KVM_REG_ARM_FW = 0x0014n << KVM_REG_ARM_COPROC_SHIFT;
export function KVM_REG_ARM_FW_REG(r: number): bigint {
  return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_FW | (BigInt(r) & 0xffffn);
}
/** SVE registers (typevisor has no SVE: the group answers ENOENT). */
export const KVM_REG_ARM64_SVE = 0x0015n << KVM_REG_ARM_COPROC_SHIFT;
/** Bitmap feature firmware registers: which hypercall services the guest may see. */
export const KVM_REG_ARM_FW_FEAT_BMAP = 0x0016n << KVM_REG_ARM_COPROC_SHIFT;
export function KVM_REG_ARM_FW_FEAT_BMAP_REG(r: number): bigint {
  return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_FW_FEAT_BMAP | (BigInt(r) & 0xffffn);
}

// ---- core registers: struct kvm_regs -----------------------------------------------------------
/** SPSR banks in kvm_regs.spsr[] (KVM_SPSR_SVC is KVM_SPSR_EL1). */
export const KVM_SPSR_EL1 = 0;
export const KVM_SPSR_SVC = KVM_SPSR_EL1;
export const KVM_SPSR_ABT = 1;
export const KVM_SPSR_UND = 2;
export const KVM_SPSR_IRQ = 3;
export const KVM_SPSR_FIQ = 4;
export const KVM_NR_SPSR = 5;

/**
 * Word offsets in struct kvm_regs { struct user_pt_regs regs (regs[31], sp, pc, pstate);
 * u64 sp_el1; u64 elr_el1; u64 spsr[5]; struct user_fpsimd_state fp_regs (16-byte aligned:
 * vregs[32] u128, fpsr u32, fpcr u32, __reserved[2]) }: 0xd8 words in all.
 */
const CORE_REGS_X0 = 0x00;
const CORE_SP = 0x3e;
const CORE_PC = 0x40;
const CORE_PSTATE = 0x42;
const CORE_SP_EL1 = 0x44;
const CORE_ELR_EL1 = 0x46;
const CORE_SPSR0 = 0x48;
const CORE_VREGS0 = 0x54;
const CORE_FPSR = 0xd4;
const CORE_FPCR = 0xd5;
/** sizeof(struct kvm_regs) / sizeof(__u32). */
export const KVM_REGS_NR_WORDS = 0xd8;

/** The kvm_regs field names KVM_REG_ARM_CORE_REG understands. */
export type KvmCoreRegName =
  | `regs.regs[${number}]`
  | 'regs.sp'
  | 'regs.pc'
  | 'regs.pstate'
  | 'sp_el1'
  | 'elr_el1'
  | `spsr[${number}]`
  | `fp_regs.vregs[${number}]`
  | 'fp_regs.fpsr'
  | 'fp_regs.fpcr';

/** [index, size bits] of a kvm_regs field, or undefined for an unknown name. */
function coreField(name: string): [number, bigint] | undefined {
  const m = /^(regs\.regs|spsr|fp_regs\.vregs)\[(\d+)\]$/.exec(name);
  if (m !== null) {
    const n = Number(m[2]);
    if (m[1] === 'regs.regs' && n <= 30) return [CORE_REGS_X0 + 2 * n, KVM_REG_SIZE_U64];
    if (m[1] === 'spsr' && n < KVM_NR_SPSR) return [CORE_SPSR0 + 2 * n, KVM_REG_SIZE_U64];
    if (m[1] === 'fp_regs.vregs' && n <= 31) return [CORE_VREGS0 + 4 * n, KVM_REG_SIZE_U128];
    return undefined;
  }
  switch (name) {
    case 'regs.sp':
      return [CORE_SP, KVM_REG_SIZE_U64];
    case 'regs.pc':
      return [CORE_PC, KVM_REG_SIZE_U64];
    case 'regs.pstate':
      return [CORE_PSTATE, KVM_REG_SIZE_U64];
    case 'sp_el1':
      return [CORE_SP_EL1, KVM_REG_SIZE_U64];
    case 'elr_el1':
      return [CORE_ELR_EL1, KVM_REG_SIZE_U64];
    case 'fp_regs.fpsr':
      return [CORE_FPSR, KVM_REG_SIZE_U32];
    case 'fp_regs.fpcr':
      return [CORE_FPCR, KVM_REG_SIZE_U32];
    default:
      return undefined;
  }
}

/** C's KVM_REG_ARM_CORE_REG(name): offsetof(struct kvm_regs, name) / sizeof(__u32). */
export function KVM_REG_ARM_CORE_INDEX(name: KvmCoreRegName): bigint {
  const f = coreField(name);
  if (f === undefined) throw new RangeError(`KVM_REG_ARM_CORE_INDEX: no kvm_regs field "${name}"`);
  return BigInt(f[0]);
}

/**
 * The complete ONE_REG ID of a core register: KVM_REG_ARM64 | size | KVM_REG_ARM_CORE | index,
 * size U64 for general-purpose, SP, PC, PSTATE, SP_EL1, ELR_EL1 and SPSRs, U128 for V0-V31,
 * U32 for FPSR and FPCR (as guest.c core_reg_size_from_offset() requires).
 */
export function KVM_REG_ARM_CORE_REG(name: KvmCoreRegName): bigint {
  const f = coreField(name);
  if (f === undefined) throw new RangeError(`KVM_REG_ARM_CORE_REG: no kvm_regs field "${name}"`);
  return KVM_REG_ARM64 | f[1] | KVM_REG_ARM_CORE | BigInt(f[0]);
}

// ---- timer -----------------------------------------------------------------------------------
/**
 * Generic timer registers. KVM_REG_ARM_TIMER_CVAL and KVM_REG_ARM_TIMER_CNT carry each other's
 * architectural encodings (CNTVCT_EL0 is (3,3,14,0,2), CNTV_CVAL_EL0 is (3,3,14,3,2)): a
 * historical mistake that is ABI, kept exactly.
 */
export const KVM_REG_ARM_TIMER_CTL = ARM64_SYS_REG(3, 3, 14, 3, 1);
export const KVM_REG_ARM_TIMER_CVAL = ARM64_SYS_REG(3, 3, 14, 0, 2);
export const KVM_REG_ARM_TIMER_CNT = ARM64_SYS_REG(3, 3, 14, 3, 2);
export const KVM_REG_ARM_PTIMER_CTL = ARM64_SYS_REG(3, 3, 14, 2, 1);
export const KVM_REG_ARM_PTIMER_CVAL = ARM64_SYS_REG(3, 3, 14, 2, 2);
export const KVM_REG_ARM_PTIMER_CNT = ARM64_SYS_REG(3, 3, 14, 0, 1);

// ---- firmware pseudo-registers ----------------------------------------------------------------
export const KVM_REG_ARM_PSCI_VERSION = KVM_REG_ARM_FW_REG(0);
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1 = KVM_REG_ARM_FW_REG(1);
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2 = KVM_REG_ARM_FW_REG(2);
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3 = KVM_REG_ARM_FW_REG(3);

/** Workaround registers hold a level in bits [3:0]. */
export const KVM_REG_FEATURE_LEVEL_WIDTH = 4n;
export const KVM_REG_FEATURE_LEVEL_MASK = (1n << KVM_REG_FEATURE_LEVEL_WIDTH) - 1n;

export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_AVAIL = 0n;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_AVAIL = 1n;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_REQUIRED = 2n;

export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_AVAIL = 0n;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_UNKNOWN = 1n;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_AVAIL = 2n;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_REQUIRED = 3n;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_ENABLED = 1n << 4n;

export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3_NOT_AVAIL = 0n;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3_AVAIL = 1n;
export const KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3_NOT_REQUIRED = 2n;

/** Bitmap registers (KVM_REG_ARM_FW_FEAT_BMAP) and their bit numbers. */
export const KVM_REG_ARM_STD_BMAP = KVM_REG_ARM_FW_FEAT_BMAP_REG(0);
export const KVM_REG_ARM_STD_BIT_TRNG_V1_0 = 0n;
export const KVM_REG_ARM_STD_HYP_BMAP = KVM_REG_ARM_FW_FEAT_BMAP_REG(1);
export const KVM_REG_ARM_STD_HYP_BIT_PV_TIME = 0n;
export const KVM_REG_ARM_VENDOR_HYP_BMAP = KVM_REG_ARM_FW_FEAT_BMAP_REG(2);
export const KVM_REG_ARM_VENDOR_HYP_BIT_FUNC_FEAT = 0n;
export const KVM_REG_ARM_VENDOR_HYP_BIT_PTP = 1n;
export const KVM_REG_ARM_VENDOR_HYP_BMAP_2 = KVM_REG_ARM_FW_FEAT_BMAP_REG(3);
export const KVM_REG_ARM_VENDOR_HYP_BIT_DISCOVER_IMPL_VER = 0n;
export const KVM_REG_ARM_VENDOR_HYP_BIT_DISCOVER_IMPL_CPUS = 1n;

/** PSCI versions as KVM_REG_ARM_PSCI_VERSION holds them (include/kvm/arm_psci.h): major << 16 | minor. */
export const KVM_ARM_PSCI_0_1 = 0x00001n;
export const KVM_ARM_PSCI_0_2 = 0x00002n;
export const KVM_ARM_PSCI_1_0 = 0x10000n;
export const KVM_ARM_PSCI_1_1 = 0x10001n;
export const KVM_ARM_PSCI_LATEST = KVM_ARM_PSCI_1_1;

// ---- arch/arm64/include/uapi/asm/ptrace.h: PSTATE modes ------------------------------------------
export const PSR_MODE_EL0t = 0x00000000n;
export const PSR_MODE_EL1t = 0x00000004n;
export const PSR_MODE_EL1h = 0x00000005n;
export const PSR_MODE_EL2t = 0x00000008n;
export const PSR_MODE_EL2h = 0x00000009n;
export const PSR_MODE_EL3t = 0x0000000cn;
export const PSR_MODE_EL3h = 0x0000000dn;
export const PSR_MODE_MASK = 0x0000000fn;
/** AArch32 state (M[4]). */
export const PSR_MODE32_BIT = 0x00000010n;
export const PSR_AA32_MODE_MASK = 0x0000001fn;
export const PSR_AA32_MODE_USR = 0x00000010n;
export const PSR_AA32_MODE_FIQ = 0x00000011n;
export const PSR_AA32_MODE_IRQ = 0x00000012n;
export const PSR_AA32_MODE_SVC = 0x00000013n;
export const PSR_AA32_MODE_ABT = 0x00000017n;
export const PSR_AA32_MODE_HYP = 0x0000001an;
export const PSR_AA32_MODE_UND = 0x0000001bn;
export const PSR_AA32_MODE_SYS = 0x0000001fn;
export const PSR_F_BIT = 0x00000040n;
export const PSR_I_BIT = 0x00000080n;
export const PSR_A_BIT = 0x00000100n;
export const PSR_D_BIT = 0x00000200n;
