/**
 * Exception generation, hints, barriers, PSTATE writes (MSR immediate) and system register
 * moves (MRS, MSR register, SYS, SYSL) (Arm ARM DDI 0487K.a C4.1.66 "Branches, Exception
 * Generating and System instructions", C5 "The A64 System Instruction Class").
 *
 * MRS/MSR/SYS go through the descriptor table (sysregs/table.ts). Checks run in the Arm ARM's
 * order: UNDEFINED (unknown encoding, not accessible at this EL, wrong direction, absent
 * feature), then the row's own check (EL0 enables in SCTLR_EL1/CNTKCTL_EL1/MDSCR_EL1 trap to EL1
 * with EC 0x18; FP access traps EC 0x07), then the hypervisor's controls (HCR_EL2, MDCR_EL2,
 * CNTHCTL_EL2: EC 0x18 to EL2, preferred return = the instruction).
 */
import type { Cpu } from '../cpu.js';
import { Stop } from '../cpu.js';
import { S } from '../state.js';
import {
  GUEST_EXCEPTION,
  VECTOR_SYNC,
  PSR_DAIF,
  syncToEl1,
  takeToEl1,
  trapToEl2,
  setElSp,
  updateIntCheck,
} from '../exceptions.js';
import {
  esr,
  ESR_ELx_EC_WFx,
  ESR_ELx_EC_FP_ASIMD,
  ESR_ELx_EC_SVC64,
  ESR_ELx_EC_HVC64,
  ESR_ELx_EC_SMC64,
  ESR_ELx_EC_SYS64,
  ESR_ELx_EC_BRK64,
} from '../esr.js';
import { SYSREG_BY_KEY } from '../sysregs/table.js';
import { FP_TRAP_ISS } from './fp-access.js';
import {
  A_R,
  A_W,
  A_R0,
  A_W0,
  CHECK_UNDEF,
  CHECK_TRAP_EL1,
  CHECK_FP_EL1,
  HCR_TWI,
  HCR_TWE,
  HCR_TSC,
  HCR_HCD,
  MDCR_TDA,
  MDCR_TDOSA,
  MDCR_TDRA,
  MDCR_TDE,
  SCTLR_UMA,
  SCTLR_NTWI,
  SCTLR_NTWE,
  SCTLR_WORD,
} from '../sysregs/desc.js';

/**
 * The event register (D1.6.1 "Wait for Event"), 0 or 1: state word S.EVENT.
 */
export const S_EVENT = S.EVENT;

/** ISS of a trapped AArch64 WFx (D24.2.40): CV = 1, COND = 0b1110, TI (bit 0: 1 = WFE). */
const ISS_WFX = (1 << 24) | (0xe << 20);

// ---- exception generation (C6.2 SVC, HVC, SMC, BRK) ----------------------------------------

/** SVC: to EL1, preferred return = the next instruction. */
export function svc(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  takeToEl1(cpu, VECTOR_SYNC, esr(ESR_ELx_EC_SVC64, true, (insn >>> 5) & 0xffff), s[S.PC], s[S.PC_HI], false, 0, 0);
  throw GUEST_EXCEPTION;
}

/** HVC: UNDEFINED at EL0 and when HCR_EL2.HCD = 1; else to EL2 (the hypervisor), return = next. */
export function hvc(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  if (s[S.EL] === 0 || (s[S.HCR_EL2] & HCR_HCD) !== 0) return false;
  return trapToEl2(cpu, esr(ESR_ELx_EC_HVC64, true, (insn >>> 5) & 0xffff), false);
}

/**
 * SMC: UNDEFINED at EL0. At EL1 HCR_EL2.TSC traps it to EL2 with the SMC itself as the
 * preferred return (D1.4.8: a trapped SMC is not executed); otherwise, with no EL3, UNDEFINED.
 */
export function smc(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  if (s[S.EL] === 0 || (s[S.HCR_EL2] & HCR_TSC) === 0) return false;
  return trapToEl2(cpu, esr(ESR_ELx_EC_SMC64, true, (insn >>> 5) & 0xffff), true);
}

/**
 * BRK: Breakpoint Instruction exception, return = the BRK itself. A debug exception: routed to
 * EL2 when MDCR_EL2.TDE = 1 (AArch64.SoftwareBreakpoint(), D2.8), else taken to EL1.
 */
export function brk(cpu: Cpu, insn: number): void {
  const iss = (insn >>> 5) & 0xffff;
  if ((cpu.s[S.MDCR_EL2] & MDCR_TDE) !== 0) trapToEl2(cpu, esr(ESR_ELx_EC_BRK64, true, iss), true);
  syncToEl1(cpu, ESR_ELx_EC_BRK64, true, iss, false, 0, 0);
}

/** HLT (halting debug is disabled: UNDEFINED, C6.2.117), DCPS1-3 (not in Debug state), DRPS. */
export function undefinedInsn(_cpu: Cpu, _insn: number): boolean {
  return false;
}

// ---- hints (C6.2.119 HINT) ----------------------------------------------------------------

/**
 * NOP, YIELD, and every hint without an effect here: unallocated hints, DGH, ESB, PSB, TSB,
 * CSDB, and the PAuth (PACIASP, AUTIASP, XPACLRI...) and BTI hints. Those are NOPs because the
 * models advertise neither FEAT_PAuth nor FEAT_BTI; a model that did would need them here.
 */
export function nop(_cpu: Cpu, _insn: number): void {}

/** Whether a wake-up is pending for WFI/WFE: any virtual interrupt line, masked or not. */
function wakeupPending(s: Int32Array): boolean {
  return (s[S.VIRQ] | s[S.VFIQ] | s[S.VSERROR]) !== 0;
}

/** A WFx trap (D1.4.11): SCTLR_EL1.nTWx = 0 traps EL0 to EL1, HCR_EL2.TWx traps EL0/EL1 to EL2. */
function wfxTraps(cpu: Cpu, isWfe: boolean): void {
  const s = cpu.s;
  const ti = isWfe ? 1 : 0;
  if (s[S.EL] === 0 && (s[SCTLR_WORD] & (isWfe ? SCTLR_NTWE : SCTLR_NTWI)) === 0) {
    syncToEl1(cpu, ESR_ELx_EC_WFx, true, ISS_WFX | ti, false, 0, 0);
  }
  if ((s[S.HCR_EL2] & (isWfe ? HCR_TWE : HCR_TWI)) !== 0) trapToEl2(cpu, esr(ESR_ELx_EC_WFx, true, ISS_WFX | ti), true);
}

/** WFI: trap, or continue if an interrupt is pending, or stop the run (PC past the WFI). */
export function wfi(cpu: Cpu, _insn: number): void {
  wfxTraps(cpu, false);
  if (wakeupPending(cpu.s)) return;
  cpu.stop = Stop.WFI;
}

/** WFE: consume the event register if set; else as WFI (the hypervisor treats both alike). */
export function wfe(cpu: Cpu, _insn: number): void {
  const s = cpu.s;
  if (s[S_EVENT] !== 0) {
    s[S_EVENT] = 0;
    return;
  }
  wfxTraps(cpu, true);
  if (wakeupPending(s)) return;
  cpu.stop = Stop.WFI;
}

/**
 * SEV / SEVL: set the event register. SEV should also wake other PEs waiting in WFE: with one
 * run loop per vCPU that is the hypervisor's kick, not modelled here.
 */
export function sev(cpu: Cpu, _insn: number): void {
  cpu.s[S_EVENT] = 1;
}

// ---- barriers (C6.2 CLREX, DMB, DSB, ISB, SB) -----------------------------------------------

/** DMB, DSB (and SSBB/PSSBB, which are DSB encodings), ISB: one PE, in-order memory: no effect. */
export function barrier(_cpu: Cpu, _insn: number): void {}

/** SB needs FEAT_SB (ID_AA64ISAR1_EL1.SB, bits 39:36). */
export function sb(cpu: Cpu, _insn: number): boolean {
  return ((cpu.idRegs[((6 << 3) | 1) * 2 + 1] >>> 4) & 0xf) !== 0;
}

export function clrex(cpu: Cpu, _insn: number): void {
  cpu.exclValid = false;
}

// ---- PSTATE (C6.2.230 MSR (immediate)) ------------------------------------------------------

/** ISS of an MSR/MRS/SYS trap (EC 0x18, D24.2.40): the encoding fields of the instruction. */
export function sysIss(insn: number): number {
  return (
    (((insn >>> 19) & 3) << 20) | // Op0
    (((insn >>> 5) & 7) << 17) | // Op2
    (((insn >>> 16) & 7) << 14) | // Op1
    (((insn >>> 12) & 0xf) << 10) | // CRn
    (insn & 0x1f) << 5 | // Rt
    (((insn >>> 8) & 0xf) << 1) | // CRm
    ((insn >>> 21) & 1) // Direction: 1 = read
  );
}

/**
 * MSR <pstatefield>, #imm: op1:op2 selects the field (C5.2). Fields with op1 = 0 (SPSel, PAN,
 * UAO) are EL1-only; DAIFSet/DAIFClr work at EL0 when SCTLR_EL1.UMA = 1, else trap to EL1.
 * UAO, DIT, SSBS, TCO and the FEAT_FlagM forms are not advertised: UNDEFINED.
 */
export function msrImm(cpu: Cpu, insn: number): boolean {
  const s = cpu.s;
  const op1 = (insn >>> 16) & 7;
  const op2 = (insn >>> 5) & 7;
  const crm = (insn >>> 8) & 0xf;
  const el0 = s[S.EL] === 0;
  switch ((op1 << 3) | op2) {
    case 0o05: // SPSel
      if (el0) return false;
      setElSp(cpu, 1, crm & 1);
      return true;
    case 0o04: // PAN
      if (el0 || !cpu.feat.pan) return false;
      s[S.PAN] = crm & 1;
      cpu.updateMode();
      return true;
    case 0o36: // DAIFSet
    case 0o37: // DAIFClr
      if (el0 && (s[SCTLR_WORD] & SCTLR_UMA) === 0) syncToEl1(cpu, ESR_ELx_EC_SYS64, true, sysIss(insn), false, 0, 0);
      if (op2 === 6) s[S.DAIF] |= (crm << 6) & PSR_DAIF;
      else s[S.DAIF] &= ~(crm << 6);
      updateIntCheck(cpu);
      return true;
    default:
      return false;
  }
}

// ---- MRS, MSR (register), SYS, SYSL ---------------------------------------------------------

/** One executor for the four: insn[21] is L (1 = read: MRS, SYSL), insn[20:5] the encoding. */
export function sysregAccess(cpu: Cpu, insn: number): boolean {
  const d = SYSREG_BY_KEY[(insn >>> 5) & 0xffff];
  if (d === undefined) return false;
  const s = cpu.s;
  const isRead = (insn & (1 << 21)) !== 0;
  const el0 = s[S.EL] === 0;
  if ((d.access & (isRead ? (el0 ? A_R0 : A_R) : el0 ? A_W0 : A_W)) === 0) return false;
  if (d.visible !== undefined && !d.visible(cpu)) return false;
  if (d.check !== undefined) {
    const c = d.check(cpu, d, isRead);
    if (c !== 0) {
      if (c === CHECK_UNDEF) return false;
      if (c === CHECK_TRAP_EL1) syncToEl1(cpu, ESR_ELx_EC_SYS64, true, sysIss(insn), false, 0, 0);
      if (c === CHECK_FP_EL1) syncToEl1(cpu, ESR_ELx_EC_FP_ASIMD, true, FP_TRAP_ISS, false, 0, 0);
      trapToEl2(cpu, esr(ESR_ELx_EC_FP_ASIMD, true, FP_TRAP_ISS), true); // CHECK_FP_EL2
    }
  }
  // MDCR_EL2.TDE makes TDA, TDOSA and TDRA behave as 1 (D24.2.89).
  let mdcr = s[S.MDCR_EL2];
  if ((mdcr & MDCR_TDE) !== 0) mdcr |= MDCR_TDA | MDCR_TDOSA | MDCR_TDRA;
  if (
    (s[S.HCR_EL2] & (isRead ? d.hcrRead : d.hcrWrite)) !== 0 ||
    (mdcr & d.mdcr) !== 0 ||
    (~s[S.CNTHCTL_EL2] & d.cnthctl) !== 0
  ) {
    trapToEl2(cpu, esr(ESR_ELx_EC_SYS64, true, sysIss(insn)), true);
  }
  const rt = insn & 0x1f;
  if (isRead) {
    const lo = d.read(cpu, d);
    if (rt !== 31) {
      s[2 * rt] = lo;
      s[2 * rt + 1] = cpu.rhi;
    }
  } else if (rt === 31) {
    d.write(cpu, d, 0, 0);
  } else {
    d.write(cpu, d, s[2 * rt], s[2 * rt + 1]);
  }
  return true;
}
