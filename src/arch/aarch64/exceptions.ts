/**
 * Exception entry and return at EL1, and traps to EL2 (Arm ARM DDI 0487K.a D1.3
 * "Exception entry", pseudocode AArch64.TakeException() and AArch64.ExceptionReturn()).
 *
 * Convention (cpu.ts): while an instruction executes, PC holds the next instruction's address,
 * so the current instruction is at PC - 4.
 */
import { Cpu, Stop } from './cpu.js';
import { S, SR, srIndex } from './state.js';
import { esr, ESR_ELx_EC_UNKNOWN, ESR_ELx_EC_ILL } from './esr.js';

/** Thrown (never allocated anew) to unwind an instruction after an exception or trap was taken. */
export const GUEST_EXCEPTION: { readonly guestException: true } = Object.freeze({ guestException: true as const });

/** Vector offsets from VBAR_EL1 (D1.3.1, Table D1-7). */
export const VECTOR_SYNC = 0x000;
export const VECTOR_IRQ = 0x080;
export const VECTOR_FIQ = 0x100;
export const VECTOR_SERROR = 0x180;

/** SPSR_ELx / PSTATE bits (C5.2.18). */
export const PSR_N = 1 << 31;
export const PSR_Z = 1 << 30;
export const PSR_C = 1 << 29;
export const PSR_V = 1 << 28;
export const PSR_UAO = 1 << 23;
export const PSR_PAN = 1 << 22;
export const PSR_SS = 1 << 21;
export const PSR_IL = 1 << 20;
export const PSR_D = 1 << 9;
export const PSR_A = 1 << 8;
export const PSR_I = 1 << 7;
export const PSR_F = 1 << 6;
export const PSR_DAIF = PSR_D | PSR_A | PSR_I | PSR_F;
export const PSR_M_EL1H = 0b0101;

/** SCTLR_EL1 bits used at exception entry. */
const SCTLR_SPAN = 1 << 23;

/** PSTATE gathered into SPSR format. */
export function getPstate(cpu: Cpu): number {
  const s = cpu.s;
  return (
    (s[S.NF] << 31) |
    (s[S.ZF] << 30) |
    (s[S.CF] << 29) |
    (s[S.VF] << 28) |
    (s[S.UAO] !== 0 ? PSR_UAO : 0) |
    (s[S.PAN] !== 0 ? PSR_PAN : 0) |
    (s[S.SS] !== 0 ? PSR_SS : 0) |
    (s[S.IL] !== 0 ? PSR_IL : 0) |
    ((s[S.BTYPE] & 3) << 10) |
    (s[S.DAIF] & PSR_DAIF) |
    (s[S.EL] << 2) |
    (s[S.SPSEL] & 1)
  );
}

/**
 * Switch the live SP (S.SP) to the bank selected by `el`/`spsel`, saving the old one.
 * Every change of PSTATE.EL or PSTATE.SP goes through here.
 */
export function setElSp(cpu: Cpu, el: number, spsel: number): void {
  const s = cpu.s;
  const oldBank = s[S.SPSEL] !== 0 && s[S.EL] !== 0 ? S.SP_EL1 : S.SP_EL0;
  s[oldBank] = s[S.SP];
  s[oldBank + 1] = s[S.SP_HI];
  s[S.EL] = el;
  s[S.SPSEL] = spsel;
  const newBank = spsel !== 0 && el !== 0 ? S.SP_EL1 : S.SP_EL0;
  s[S.SP] = s[newBank];
  s[S.SP_HI] = s[newBank + 1];
  cpu.updateMode();
}

/**
 * Write PSTATE from an SPSR-format value, as ERET and KVM_SET_ONE_REG(PSTATE) do. The caller has
 * checked that the mode is legal (EL0t, EL1t or EL1h).
 */
export function setPstate(cpu: Cpu, v: number): void {
  const s = cpu.s;
  s[S.NF] = (v >>> 31) & 1;
  s[S.ZF] = (v >>> 30) & 1;
  s[S.CF] = (v >>> 29) & 1;
  s[S.VF] = (v >>> 28) & 1;
  s[S.UAO] = (v >>> 23) & 1;
  s[S.PAN] = cpu.feat.pan ? (v >>> 22) & 1 : 0;
  s[S.SS] = (v >>> 21) & 1;
  s[S.IL] = (v >>> 20) & 1;
  s[S.BTYPE] = (v >>> 10) & 3;
  s[S.DAIF] = v & PSR_DAIF;
  setElSp(cpu, (v >>> 2) & 3, v & 1);
  updateIntCheck(cpu);
}

/** Subtract 4 from PC: the current instruction's address becomes PC again. */
export function rewindPc(cpu: Cpu): void {
  const s = cpu.s;
  const lo = s[S.PC];
  s[S.PC] = (lo - 4) | 0;
  if ((lo >>> 0) < 4) s[S.PC_HI] = (s[S.PC_HI] - 1) | 0;
}

/**
 * Take an exception to EL1 (AArch64.TakeException with target EL1). `retLo/retHi` is the
 * preferred return address; `esrVal` is written to ESR_EL1 for synchronous exceptions and SError
 * (pass -1 to leave ESR_EL1 alone, as IRQ/FIQ do); FAR_EL1 is written when `farValid`.
 */
export function takeToEl1(
  cpu: Cpu,
  vectorOffset: number,
  esrVal: number,
  retLo: number,
  retHi: number,
  farValid: boolean,
  farLo: number,
  farHi: number,
): void {
  const s = cpu.s;
  const fromEl = s[S.EL];
  const spsr = getPstate(cpu);
  let off = vectorOffset;
  if (fromEl === 0) off += 0x400;
  else if (s[S.SPSEL] !== 0) off += 0x200;
  let i = srIndex(SR.SPSR_EL1);
  s[i] = spsr;
  s[i + 1] = 0;
  i = srIndex(SR.ELR_EL1);
  s[i] = retLo;
  s[i + 1] = retHi;
  if (esrVal !== -1) {
    i = srIndex(SR.ESR_EL1);
    s[i] = esrVal;
    s[i + 1] = 0;
  }
  if (farValid) {
    i = srIndex(SR.FAR_EL1);
    s[i] = farLo;
    s[i + 1] = farHi;
  }
  s[S.DAIF] = PSR_DAIF;
  s[S.IL] = 0;
  s[S.SS] = 0;
  s[S.BTYPE] = 0;
  // FEAT_PAN: PSTATE.PAN is set on entry to EL1 when SCTLR_EL1.SPAN is 0 (D1.3.3).
  if (cpu.feat.pan && (s[srIndex(SR.SCTLR_EL1)] & SCTLR_SPAN) === 0) s[S.PAN] = 1;
  cpu.exclValid = false;
  setElSp(cpu, 1, 1);
  const vb = srIndex(SR.VBAR_EL1);
  const vlo = (s[vb] & ~0x7ff) + off; // VBAR bits 10:0 are RES0; off < 0x800, so no carry
  s[S.PC] = vlo | 0;
  s[S.PC_HI] = s[vb + 1];
  updateIntCheck(cpu);
}

/**
 * A synchronous exception to EL1 caused by the current instruction: ELR_EL1 = its address.
 * Always throws GUEST_EXCEPTION.
 */
export function syncToEl1(cpu: Cpu, ec: number, il: boolean, iss: number, farValid: boolean, farLo: number, farHi: number): never {
  rewindPc(cpu);
  const s = cpu.s;
  takeToEl1(cpu, VECTOR_SYNC, esr(ec, il, iss), s[S.PC], s[S.PC_HI], farValid, farLo, farHi);
  throw GUEST_EXCEPTION;
}

/** Undefined Instruction (EC 0x00, IL 1): unallocated, reserved or disabled encodings. */
export function undefinedInstruction(cpu: Cpu): never {
  return syncToEl1(cpu, ESR_ELx_EC_UNKNOWN, true, 0, false, 0, 0);
}

/**
 * Trap to EL2: record ESR_EL2 (FAR_EL2/HPFAR_EL2 are set by the caller where they apply) and
 * stop the run loop. `returnToCurrent`: the preferred return address is the trapping
 * instruction (sysreg traps, aborts, WFx) rather than the next one (HVC, SMC).
 */
export function trapToEl2(cpu: Cpu, esrVal: number, returnToCurrent: boolean): never {
  if (returnToCurrent) rewindPc(cpu);
  cpu.s[S.ESR_EL2] = esrVal;
  cpu.stop = Stop.TRAP;
  throw GUEST_EXCEPTION;
}

/**
 * Recompute cpu.intCheck: non-zero when the loop must look before the next instruction
 * (a virtual interrupt deliverable under PSTATE masks, or PSTATE.IL set).
 */
export function updateIntCheck(cpu: Cpu): void {
  const s = cpu.s;
  const daif = s[S.DAIF];
  cpu.intCheck =
    (s[S.VIRQ] !== 0 && (daif & PSR_I) === 0) ||
    (s[S.VFIQ] !== 0 && (daif & PSR_F) === 0) ||
    (s[S.VSERROR] !== 0 && (daif & PSR_A) === 0) ||
    s[S.IL] !== 0
      ? 1
      : 0;
}

/**
 * Called by the run loop before an instruction when cpu.intCheck is set (PC is the address of
 * the instruction about to execute). Takes at most one exception.
 */
export function checkPending(cpu: Cpu): void {
  const s = cpu.s;
  const daif = s[S.DAIF];
  if (s[S.VSERROR] !== 0 && (daif & PSR_A) === 0) {
    // Virtual SError: ESR from VSESR_EL2 (ISS), EC 0x2F (D1.3.5).
    s[S.VSERROR] = 0;
    takeToEl1(cpu, VECTOR_SERROR, esr(0x2f, true, s[S.VSESR_EL2]), s[S.PC], s[S.PC_HI], false, 0, 0);
  } else if (s[S.VFIQ] !== 0 && (daif & PSR_F) === 0) {
    takeToEl1(cpu, VECTOR_FIQ, -1, s[S.PC], s[S.PC_HI], false, 0, 0);
  } else if (s[S.VIRQ] !== 0 && (daif & PSR_I) === 0) {
    takeToEl1(cpu, VECTOR_IRQ, -1, s[S.PC], s[S.PC_HI], false, 0, 0);
  } else if (s[S.IL] !== 0) {
    // Illegal Execution state: the next instruction takes EC 0x0E (D1.4.4).
    s[S.PC] = (s[S.PC] + 4) | 0;
    if (s[S.PC] === 0) s[S.PC_HI] = (s[S.PC_HI] + 1) | 0;
    cpu.intCheck = 0;
    syncToEl1(cpu, ESR_ELx_EC_ILL, true, 0, false, 0, 0);
  }
  updateIntCheck(cpu);
}

/** Set or clear a virtual interrupt line (HCR_EL2.VI/VF-like); the hypervisor's vGIC calls this. */
export function setVirtualIrq(cpu: Cpu, irq: boolean, fiq: boolean): void {
  cpu.s[S.VIRQ] = irq ? 1 : 0;
  cpu.s[S.VFIQ] = fiq ? 1 : 0;
  updateIntCheck(cpu);
}

/** Make a virtual SError pending with the given ESR ISS (HCR_EL2.VSE + VSESR_EL2). */
export function setVirtualSError(cpu: Cpu, iss: number): void {
  cpu.s[S.VSERROR] = 1;
  cpu.s[S.VSESR_EL2] = iss & 0x1ffffff;
  updateIntCheck(cpu);
}

/**
 * ERET from EL1 (AArch64.ExceptionReturn). A return to EL2/EL3, to AArch32 or to an invalid
 * mode is an illegal exception return: PC from ELR, EL and SP kept, PSTATE.IL set (D1.4.4).
 */
export function exceptionReturn(cpu: Cpu): void {
  const s = cpu.s;
  const spsr = s[srIndex(SR.SPSR_EL1)];
  const elr = srIndex(SR.ELR_EL1);
  const m = spsr & 0x1f;
  const legal = m === 0b00000 || m === 0b00100 || m === 0b00101;
  cpu.exclValid = false;
  if (legal) {
    setPstate(cpu, spsr);
  } else {
    const keepEl = s[S.EL];
    const keepSp = s[S.SPSEL];
    setPstate(cpu, (spsr & ~0x1f) | (keepEl << 2) | keepSp);
    s[S.IL] = 1;
    updateIntCheck(cpu);
  }
  s[S.PC] = s[elr];
  s[S.PC_HI] = s[elr + 1];
}
