/**
 * Exceptions the hypervisor injects into a guest (Linux arch/arm64/kvm/inject_fault.c):
 * undefined instruction, synchronous external data/prefetch abort, virtual SError.
 *
 * Entry is exactly what the hardware does (Arm ARM DDI 0487K.a D1.3, AArch64.TakeException()):
 * the arch's takeToEl1() saves PSTATE in SPSR_EL1, writes ELR_EL1 = the preferred return
 * address, masks DAIF, clears IL/SS/BTYPE, sets PAN per SCTLR_EL1.SPAN, switches to EL1h and
 * vectors from VBAR_EL1 by the mode the exception came from. Here the preferred return is the
 * faulting instruction: every trap that leads to an injection (aborts, sysreg accesses, unknown
 * ECs) leaves PC on the instruction that trapped.
 *
 * Syndromes as KVM builds them (inject_abt64(), inject_undef64()): IL copied from ESR_EL2.IL
 * (kvm_vcpu_trap_il_is32bit), EC by the mode of the fault (EL0 -> *_LOW, EL1 -> *_CUR), FSC
 * 0b010000 "synchronous external abort, not on translation table walk" (ESR_ELx_FSC_EXTABT).
 */
import type { Vcpu } from '../vcpu.js';
import type { Cpu } from '../../arch/aarch64/cpu.js';
import { S } from '../../arch/aarch64/state.js';
import { takeToEl1, setVirtualSError, VECTOR_SYNC } from '../../arch/aarch64/exceptions.js';
import {
  ESR_ELx_EC_SHIFT,
  ESR_ELx_IL,
  ESR_ELx_EC_UNKNOWN,
  ESR_ELx_EC_IABT_LOW,
  ESR_ELx_EC_IABT_CUR,
  ESR_ELx_EC_DABT_LOW,
  ESR_ELx_EC_DABT_CUR,
  FSC_SYNC_EXTERNAL,
  ISS_ISV,
} from '../../arch/aarch64/esr.js';

const TWO32 = 4294967296;

/** ESR_ELx.IL of the trap being handled (1 for every A64 instruction). */
function trapIl(cpu: Cpu): number {
  return cpu.s[S.ESR_EL2] & ESR_ELx_IL;
}

/** Undefined Instruction (EC 0x00) at the trapping instruction (KVM's inject_undef64()). */
export function injectUndefinedCpu(cpu: Cpu): void {
  const s = cpu.s;
  takeToEl1(cpu, VECTOR_SYNC, (ESR_ELx_EC_UNKNOWN << ESR_ELx_EC_SHIFT) | trapIl(cpu), s[S.PC], s[S.PC_HI], false, 0, 0);
}

/**
 * Synchronous external abort (KVM's inject_abt64()): FAR_EL1 = the faulting virtual address
 * (lo, hi), EC IABT/DABT, LOW when the fault came from EL0, CUR from EL1.
 */
export function injectAbortCpu(cpu: Cpu, isIabt: boolean, farLo: number, farHi: number): void {
  const s = cpu.s;
  const fromEl0 = s[S.EL] === 0;
  const ec = isIabt ? (fromEl0 ? ESR_ELx_EC_IABT_LOW : ESR_ELx_EC_IABT_CUR) : fromEl0 ? ESR_ELx_EC_DABT_LOW : ESR_ELx_EC_DABT_CUR;
  const esr = (ec << ESR_ELx_EC_SHIFT) | trapIl(cpu) | FSC_SYNC_EXTERNAL;
  takeToEl1(cpu, VECTOR_SYNC, esr, s[S.PC], s[S.PC_HI], true, farLo, farHi);
}

function split(addr: bigint | number): [number, number] {
  if (typeof addr === 'bigint') {
    const a = BigInt.asUintN(64, addr);
    return [Number(BigInt.asIntN(32, a)), Number(BigInt.asIntN(32, a >> 32n))];
  }
  return [addr % TWO32 | 0, Math.floor(addr / TWO32) | 0];
}

/** kvm_inject_undefined(): the guest takes an Undefined Instruction exception at its PC. */
export function injectUndefined(v: Vcpu): void {
  injectUndefinedCpu(v.cpu);
}

/** kvm_inject_dabt(): a synchronous external data abort on `addr` (a guest virtual address). */
export function injectDabt(v: Vcpu, addr: bigint | number): void {
  const [lo, hi] = split(addr);
  injectAbortCpu(v.cpu, false, lo, hi);
}

/** kvm_inject_pabt(): a synchronous external prefetch abort on `addr`. */
export function injectPabt(v: Vcpu, addr: bigint | number): void {
  const [lo, hi] = split(addr);
  injectAbortCpu(v.cpu, true, lo, hi);
}

/**
 * kvm_inject_vabt() / kvm_set_sei_esr(): make a virtual SError pending (HCR_EL2.VSE with
 * VSESR_EL2 = `iss`); the guest takes it when PSTATE.A allows. KVM's default syndrome is
 * ESR_ELx_ISV (bit 24, "IDS": implementation-defined syndrome).
 */
export function injectSError(v: Vcpu, iss: number = ISS_ISV): void {
  setVirtualSError(v.cpu, iss);
}
