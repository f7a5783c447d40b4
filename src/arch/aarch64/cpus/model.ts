/**
 * A CPU model: the implementation-defined values of one core (MIDR, ID registers, cache
 * geometry, reset values), kept apart from the architecture code (DESIGN.md "Architecture and
 * implementation are separate"). Values are bigint: models are configuration, read at reset.
 */
export interface CpuModel {
  /** Name used on the command line (`--cpu cortex-a57`). */
  readonly name: string;
  /** Device-tree compatible string for the cpu nodes. */
  readonly compatible: string;
  /** KVM_ARM_TARGET_* value this model answers to (KVM_ARM_VCPU_INIT.target). */
  readonly kvmTarget: number;
  readonly midr: bigint;
  readonly revidr: bigint;
  readonly aidr: bigint;
  readonly ctr: bigint;
  readonly dczid: bigint;
  readonly clidr: bigint;
  /** CCSIDR_EL1 values indexed by CSSELR_EL1 (Level << 1 | InD). */
  readonly ccsidr: readonly bigint[];
  /** SCTLR_EL1 value at reset (RES1 bits and implementation choices). */
  readonly sctlrReset: bigint;
  /**
   * The ID register space (op0 3, op1 0, CRn 0, CRm 1..7) by architectural name, e.g.
   * ID_AA64PFR0_EL1. A register not listed reads as zero.
   */
  readonly id: Readonly<Record<string, bigint>>;
}

/** Encodings of the named ID registers (op0 3, op1 0, CRn 0): [CRm, op2]. Arm ARM D23.2. */
export const ID_REG_ENCODINGS: Readonly<Record<string, readonly [number, number]>> = {
  MIDR_EL1: [0, 0],
  MPIDR_EL1: [0, 5],
  REVIDR_EL1: [0, 6],
  ID_PFR0_EL1: [1, 0],
  ID_PFR1_EL1: [1, 1],
  ID_DFR0_EL1: [1, 2],
  ID_AFR0_EL1: [1, 3],
  ID_MMFR0_EL1: [1, 4],
  ID_MMFR1_EL1: [1, 5],
  ID_MMFR2_EL1: [1, 6],
  ID_MMFR3_EL1: [1, 7],
  ID_ISAR0_EL1: [2, 0],
  ID_ISAR1_EL1: [2, 1],
  ID_ISAR2_EL1: [2, 2],
  ID_ISAR3_EL1: [2, 3],
  ID_ISAR4_EL1: [2, 4],
  ID_ISAR5_EL1: [2, 5],
  ID_MMFR4_EL1: [2, 6],
  ID_ISAR6_EL1: [2, 7],
  MVFR0_EL1: [3, 0],
  MVFR1_EL1: [3, 1],
  MVFR2_EL1: [3, 2],
  ID_PFR2_EL1: [3, 4],
  ID_DFR1_EL1: [3, 5],
  ID_MMFR5_EL1: [3, 6],
  ID_AA64PFR0_EL1: [4, 0],
  ID_AA64PFR1_EL1: [4, 1],
  ID_AA64ZFR0_EL1: [4, 4],
  ID_AA64SMFR0_EL1: [4, 5],
  ID_AA64DFR0_EL1: [5, 0],
  ID_AA64DFR1_EL1: [5, 1],
  ID_AA64AFR0_EL1: [5, 4],
  ID_AA64AFR1_EL1: [5, 5],
  ID_AA64ISAR0_EL1: [6, 0],
  ID_AA64ISAR1_EL1: [6, 1],
  ID_AA64ISAR2_EL1: [6, 2],
  ID_AA64MMFR0_EL1: [7, 0],
  ID_AA64MMFR1_EL1: [7, 1],
  ID_AA64MMFR2_EL1: [7, 2],
};

/** Index of an ID register in Cpu.idRegs (word index of its low half): (CRm << 3 | op2) * 2. */
export function idRegIndex(crm: number, op2: number): number {
  return ((crm << 3) | op2) << 1;
}
