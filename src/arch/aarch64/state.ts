/**
 * The layout of one AArch64 CPU's register file inside the shared WebAssembly.Memory.
 *
 * Every 64-bit value is two int32 words, low word first (little-endian, so the later wasm
 * translator reads the same slot with one i64.load). Indices are Int32Array word indices
 * relative to the CPU's state block (Cpu.s). `const enum` so tsc inlines them on hot paths.
 *
 * Changing this layout is a snapshot-format change.
 */
export const enum S {
  /** X0..X30: X[n] lo at 2n, hi at 2n+1. */
  X0 = 0,
  /** The current stack pointer (SP_EL0 or SP_ELx per PSTATE.SP), register 31 in SP contexts. */
  SP = 62,
  SP_HI = 63,
  /** Always zero; a convenience for ZR reads. Never written. */
  ZR = 64,
  PC = 68,
  PC_HI = 69,
  /** PSTATE.{N,Z,C,V}, each 0 or 1. */
  NF = 70,
  ZF = 71,
  CF = 72,
  VF = 73,
  /** PSTATE.EL (0 or 1: EL2 is the hypervisor, outside the machine). */
  EL = 74,
  /** PSTATE.SP: 0 = SP_EL0, 1 = SP_ELx. */
  SPSEL = 75,
  /** PSTATE.{D,A,I,F} in SPSR positions: D bit 9, A bit 8, I bit 7, F bit 6. */
  DAIF = 76,
  PAN = 77,
  SS = 78,
  IL = 79,
  UAO = 80,
  BTYPE = 81,
  /** Banked stack pointers; the live one is in S.SP, these hold the other copy. */
  SP_EL0 = 82,
  SP_EL0_HI = 83,
  SP_EL1 = 84,
  SP_EL1_HI = 85,
  FPCR = 86,
  FPSR = 87,
  /** Trap report to EL2 (DESIGN.md "The trap interface"): ESR_EL2, FAR_EL2, HPFAR_EL2. */
  ESR_EL2 = 88,
  FAR_EL2 = 90,
  FAR_EL2_HI = 91,
  HPFAR_EL2 = 92,
  HPFAR_EL2_HI = 93,
  /** Controls the hypervisor sets (EL2 registers of the machine). */
  HCR_EL2 = 94,
  HCR_EL2_HI = 95,
  VTCR_EL2 = 96,
  VTTBR_EL2 = 98,
  VTTBR_EL2_HI = 99,
  CNTVOFF_EL2 = 100,
  CNTVOFF_EL2_HI = 101,
  /** Virtual interrupt lines driven by the hypervisor (HCR_EL2.VI/VF/VSE-like), 0 or 1. */
  VIRQ = 102,
  VFIQ = 103,
  VSERROR = 104,
  /** VSESR_EL2: the syndrome delivered with a virtual SError. */
  VSESR_EL2 = 105,
  /** CNTHCTL_EL2 (EL1PCTEN bit 0, EL1PCEN bit 1 in the non-VHE layout). */
  CNTHCTL_EL2 = 106,
  /** MDCR_EL2 (debug/PMU trap controls). */
  MDCR_EL2 = 108,
  /** CPTR_EL2 (TFP bit 10 traps FP/SIMD to EL2). */
  CPTR_EL2 = 110,
  /** The event register (WFE/SEV/SEVL, set by exception return), 0 or 1. */
  EVENT = 112,
  /**
   * CNTPOFF_EL2 (FEAT_ECV's physical offset; Arm ARM DDI 0487K.a, the CNTPCT_EL0 and CNTPOFF_EL2
   * register descriptions): EL1 and EL0 read CNTPCT_EL0 = PhysicalCountInt() - CNTPOFF_EL2, and
   * the EL1 physical timer compares against that count.
   * Always in effect (as with CNTHCTL_EL2.ECV = 1 and SCR_EL3.ECVEn = 1); 0 after reset.
   * Words 113 and 116..127 are free.
   */
  CNTPOFF_EL2 = 114,
  CNTPOFF_EL2_HI = 115,
  /** V0..V31: 128 bits each, 4 words, lowest word first. */
  V0 = 128,
  /** Stored system registers: 2 words each, slot numbers from SR below (up to word 767). */
  SYSREG_BASE = 256,
  /**
   * The GICv3 virtual CPU interface (ICH_LR<n>_EL2, ICH_HCR_EL2, ICH_VMCR_EL2, ICH_AP0R/AP1R<n>,
   * laid out by gic/ in src/arch/aarch64): words 768..895.
   */
  GIC_BASE = 768,
  /**
   * Debug registers DBGBVR/DBGBCR/DBGWVR/DBGWCR<n>_EL1, n = 0..15, 2 words each
   * (sysregs/debug-regs.ts): 4 x 16 x 2 = 128 words up to S.WORDS.
   */
  DBG_BASE = 896,
  /** Words in a CPU state block. */
  WORDS = 1024,
}

/**
 * Slots of the architectural system registers that have storage. Word index = S.SYSREG_BASE + 2*slot.
 * The sysreg descriptor table (sysregs/table.ts) names the slot a row stores into.
 */
export const enum SR {
  SCTLR_EL1 = 0,
  ACTLR_EL1,
  CPACR_EL1,
  TTBR0_EL1,
  TTBR1_EL1,
  TCR_EL1,
  ESR_EL1,
  AFSR0_EL1,
  AFSR1_EL1,
  FAR_EL1,
  PAR_EL1,
  MAIR_EL1,
  AMAIR_EL1,
  VBAR_EL1,
  CONTEXTIDR_EL1,
  TPIDR_EL1,
  TPIDR_EL0,
  TPIDRRO_EL0,
  CNTKCTL_EL1,
  ELR_EL1,
  SPSR_EL1,
  CSSELR_EL1,
  MDSCR_EL1,
  CNTV_CTL_EL0,
  CNTV_CVAL_EL0,
  CNTP_CTL_EL0,
  CNTP_CVAL_EL0,
  MDCCINT_EL1,
  OSLAR_EL1,
  OSLSR_EL1,
  OSDLR_EL1,
  DISR_EL1,
  SPSR_ABT,
  SPSR_UND,
  SPSR_IRQ,
  SPSR_FIQ,
  DACR32_EL2,
  IFSR32_EL2,
  FPEXC32_EL2,
  TFSRE0_EL1,
  TFSR_EL1,
  ZCR_EL1,
  /** Number of slots; must stay <= (S.GIC_BASE - S.SYSREG_BASE) / 2. */
  COUNT,
}

/** Word index of a stored system register's low word. */
export function srIndex(slot: number): number {
  return S.SYSREG_BASE + 2 * slot;
}

/** Bytes reserved per CPU state block (a whole number of 4 KiB pages). */
export const CPU_STATE_BYTES = 8192;
