/**
 * The system-register descriptor (STYLE.md "A system register is one descriptor", after Linux's
 * struct sys_reg_desc in arch/arm64/kvm/sys_regs.h). One row per register or system instruction,
 * keyed by its (op0, op1, CRn, CRm, op2) encoding. The row carries everything the CPU needs to
 * answer a guest MRS/MSR/SYS: who may access it, which hypervisor controls trap it, its storage
 * and reset value, and read/write handlers for the registers that are not plain storage.
 *
 * Handlers follow the 64-bit convention of cpu.ts: a read returns the low word and leaves the
 * high word in cpu.rhi; a write gets (lo, hi). Handlers are module-level functions (no closures
 * are created per access), called only after every access check has passed.
 */
import type { Cpu } from '../cpu.js';
import { S, SR, srIndex } from '../state.js';

/** Access rights: readable/writable at EL1, readable/writable at EL0. */
export const A_R = 1;
export const A_W = 2;
export const A_R0 = 4;
export const A_W0 = 8;
export const A_RW = A_R | A_W;
/** EL0 and EL1, read and write. */
export const A_ALL = A_R | A_W | A_R0 | A_W0;

/** Results of a row's `check` (beyond the rights above), in the order the Arm ARM tests them. */
export const CHECK_OK = 0;
/** UNDEFINED (EC 0x00). */
export const CHECK_UNDEF = 1;
/** Trap to EL1 with EC 0x18 (an EL0 access disabled by an EL1 control: SCTLR_EL1.UCT...). */
export const CHECK_TRAP_EL1 = 2;
/** FP/SIMD access trap (EC 0x07) to EL1 (CPACR_EL1.FPEN) or to EL2 (CPTR_EL2.TFP). */
export const CHECK_FP_EL1 = 3;
export const CHECK_FP_EL2 = 4;

export type SysRead = (cpu: Cpu, d: SysregDesc) => number;
export type SysWrite = (cpu: Cpu, d: SysregDesc, lo: number, hi: number) => void;
/** Extra access check; returns CHECK_*. */
export type SysCheck = (cpu: Cpu, d: SysregDesc, isRead: boolean) => number;

/** HCR_EL2 bits (Arm ARM DDI 0487K.a D24.2.48). All are in the low word. */
export const HCR_VM = 1 << 0;
/** FMO/IMO/AMO route FIQ/IRQ/SError to EL2 (virtual interrupts); IMO/FMO also trap SGI writes. */
export const HCR_FMO = 1 << 3;
export const HCR_IMO = 1 << 4;
export const HCR_AMO = 1 << 5;
export const HCR_TWI = 1 << 13;
export const HCR_TWE = 1 << 14;
export const HCR_TID1 = 1 << 16;
export const HCR_TID2 = 1 << 17;
export const HCR_TID3 = 1 << 18;
export const HCR_TSC = 1 << 19;
export const HCR_TACR = 1 << 21;
export const HCR_TSW = 1 << 22;
export const HCR_TPC = 1 << 23;
export const HCR_TPU = 1 << 24;
export const HCR_TTLB = 1 << 25;
export const HCR_TVM = 1 << 26;
export const HCR_TDZ = 1 << 28;
export const HCR_HCD = 1 << 29;
export const HCR_TRVM = 1 << 30;
/** MDCR_EL2 trap bits (D24.2.89). */
export const MDCR_TPM = 1 << 6;
/** Trap debug exceptions (BRK...) to EL2; also forces TDA, TDOSA and TDRA. */
export const MDCR_TDE = 1 << 8;
export const MDCR_TDA = 1 << 9;
export const MDCR_TDOSA = 1 << 10;
export const MDCR_TDRA = 1 << 11;
/** CNTHCTL_EL2 (E2H = 0 layout, D24.2.26): a 0 in these bits traps EL1/EL0 accesses. */
export const CNTHCTL_EL1PCTEN = 1 << 0;
export const CNTHCTL_EL1PCEN = 1 << 1;

export interface SysregDesc {
  /** Architectural name (Arm ARM spelling). */
  readonly name: string;
  readonly op0: number;
  readonly op1: number;
  readonly crn: number;
  readonly crm: number;
  readonly op2: number;
  /** op0:op1:CRn:CRm:op2 as a 16-bit number, equal to insn[20:5] of MRS/MSR/SYS. */
  readonly key: number;
  /** A system instruction (op0 = 1: DC, IC, AT, TLBI) rather than a register. */
  readonly isInsn: boolean;
  /** A_* rights; anything missing is UNDEFINED. */
  readonly access: number;
  /** SR slot of the storage, or -1. */
  readonly slot: number;
  /** State-block word index of the storage's low word (srIndex(slot) or a word of its own), -1 if none. */
  readonly word: number;
  /** Reset value of the storage, as (lo, hi); or computed from the CPU (resetFn). */
  readonly resetLo: number;
  readonly resetHi: number;
  readonly resetFn: ((cpu: Cpu) => bigint) | undefined;
  /** HCR_EL2 bits that trap a read / a write (SYS instructions count as writes) to EL2. */
  readonly hcrRead: number;
  readonly hcrWrite: number;
  /** MDCR_EL2 bits that trap any access to EL2. */
  readonly mdcr: number;
  /** CNTHCTL_EL2 bits whose value 0 traps the access to EL2. */
  readonly cnthctl: number;
  readonly check: SysCheck | undefined;
  /** Whether the register exists for this CPU (ID-register gated); absent = always. */
  readonly visible: ((cpu: Cpu) => boolean) | undefined;
  readonly read: SysRead;
  readonly write: SysWrite;
  /**
   * KVM reaches this register as a core register (regs.sp, elr_el1, spsr[], fp_regs.fpcr...)
   * or as a special ONE_REG (timer), not through the sysreg id space: REG_LIST skips it.
   */
  readonly core: boolean;
}

export interface SysregOpts {
  access?: number;
  slot?: SR;
  word?: number;
  reset?: bigint;
  resetFn?: (cpu: Cpu) => bigint;
  hcrRead?: number;
  hcrWrite?: number;
  /** Sets both hcrRead and hcrWrite. */
  hcr?: number;
  mdcr?: number;
  cnthctl?: number;
  check?: SysCheck;
  visible?: (cpu: Cpu) => boolean;
  read?: SysRead;
  write?: SysWrite;
  core?: boolean;
}

/** Plain storage read. */
export function readStored(cpu: Cpu, d: SysregDesc): number {
  const s = cpu.s;
  cpu.rhi = s[d.word + 1];
  return s[d.word];
}

/** Plain storage write. */
export function writeStored(cpu: Cpu, d: SysregDesc, lo: number, hi: number): void {
  const s = cpu.s;
  s[d.word] = lo;
  s[d.word + 1] = hi;
}

/** Read-as-zero. */
export function readZero(cpu: Cpu, _d: SysregDesc): number {
  cpu.rhi = 0;
  return 0;
}

/** Write-ignored. */
export function writeIgnore(_cpu: Cpu, _d: SysregDesc, _lo: number, _hi: number): void {}

/** Never called: the rights check UNDEFs first. */
function unreachableRead(cpu: Cpu, _d: SysregDesc): number {
  cpu.rhi = 0;
  return 0;
}
function unreachableWrite(_cpu: Cpu, _d: SysregDesc, _lo: number, _hi: number): void {}

/** Build a row. A row with storage and no handlers reads and writes the storage. */
export function reg(name: string, op0: number, op1: number, crn: number, crm: number, op2: number, o: SysregOpts = {}): SysregDesc {
  const slot = o.slot ?? -1;
  const word = o.word ?? (slot >= 0 ? srIndex(slot) : -1);
  const stored = word >= 0;
  const access = o.access ?? A_RW;
  const reset = o.reset ?? 0n;
  return {
    name,
    op0,
    op1,
    crn,
    crm,
    op2,
    key: (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2,
    isInsn: op0 === 1,
    access,
    slot,
    word,
    resetLo: Number(BigInt.asIntN(32, reset)),
    resetHi: Number(BigInt.asIntN(32, reset >> 32n)),
    resetFn: o.resetFn,
    hcrRead: o.hcrRead ?? o.hcr ?? 0,
    hcrWrite: o.hcrWrite ?? o.hcr ?? 0,
    mdcr: o.mdcr ?? 0,
    cnthctl: o.cnthctl ?? 0,
    check: o.check,
    visible: o.visible,
    read: o.read ?? (stored ? readStored : (access & (A_R | A_R0)) !== 0 ? readZero : unreachableRead),
    write: o.write ?? (stored ? writeStored : (access & (A_W | A_W0)) !== 0 ? writeIgnore : unreachableWrite),
    core: o.core ?? false,
  };
}

/** A system instruction (op0 = 1); the write handler gets Xt. */
export function insn(name: string, op1: number, crn: number, crm: number, op2: number, o: SysregOpts = {}): SysregDesc {
  return reg(name, 1, op1, crn, crm, op2, { access: A_W, ...o, hcrRead: 0, hcrWrite: o.hcr ?? 0 });
}

/** SCTLR_EL1 bits that gate EL0 accesses (D24.2.142). */
export const SCTLR_UMA = 1 << 9;
export const SCTLR_DZE = 1 << 14;
export const SCTLR_UCT = 1 << 15;
export const SCTLR_NTWI = 1 << 16;
export const SCTLR_NTWE = 1 << 18;
export const SCTLR_UCI = 1 << 26;

/** SCTLR_EL1 word index. */
export const SCTLR_WORD = S.SYSREG_BASE + 2 * SR.SCTLR_EL1;

/** An EL0 check: EL0 accesses trap to EL1 unless SCTLR_EL1 has `bit`. */
export function sctlrGate(cpu: Cpu, bit: number): number {
  return cpu.s[S.EL] === 0 && (cpu.s[SCTLR_WORD] & bit) === 0 ? CHECK_TRAP_EL1 : CHECK_OK;
}

/** ID register field (4 bits at `shift`) of (3, 0, 0, crm, op2), unsigned. */
export function idField(cpu: Cpu, crm: number, op2: number, shift: number): number {
  const i = ((crm << 3) | op2) << 1;
  const w = shift >= 32 ? cpu.idRegs[i + 1] : cpu.idRegs[i];
  return (w >>> (shift & 31)) & 0xf;
}
