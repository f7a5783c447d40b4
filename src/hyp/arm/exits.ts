/**
 * Exit handling by exception class (Linux arch/arm64/kvm/handle_exit.c, STYLE.md rule 3): one
 * handler per ESR_EL2.EC in `armExitHandlers`, 64 slots pre-filled with handleUnknownEc
 * (rate-limited message, UNDEF into the guest), then overridden per EC. A handler returns RESUME
 * (re-enter the guest) or a KvmRun record for the VMM. handleTrapExit() runs the common part
 * once: the lookup, the per-EC counter and its host time.
 *
 * AArch32 guests are not run yet, so the condition-failed skip KVM does before the lookup
 * (kvm_condition_valid(), Arm ARM B1.14.1) has nothing to do: A64 traps are unconditional.
 */
import type { Vcpu } from '../vcpu.js';
import type { KvmRun } from '../kvm-run.js';
import type { Cpu } from '../../arch/aarch64/cpu.js';
import { S } from '../../arch/aarch64/state.js';
import { TIMER_VIRT, TIMER_PHYS, timerCondition, timerDeadlineIcount, timerDeadlineMs } from '../../arch/aarch64/timer.js';
import {
  ESR_ELx_EC_SHIFT,
  ESR_ELx_EC_WFx,
  ESR_ELx_EC_FP_ASIMD,
  ESR_ELx_EC_HVC64,
  ESR_ELx_EC_SMC64,
  ESR_ELx_EC_SYS64,
  ESR_ELx_EC_IABT_LOW,
  ESR_ELx_EC_DABT_LOW,
  ISS_S1PTW,
  ISS_WNR,
  ISS_CM,
} from '../../arch/aarch64/esr.js';
import { KVM_MEM_READONLY, KVM_MP_STATE_HALTED, KVM_MP_STATE_RUNNABLE, KVM_EXIT_INTERNAL_ERROR, KVM_INTERNAL_ERROR_EMULATION } from '../uapi/kvm.js';
import { hypLog } from '../ratelimit.js';
import { ecName } from '../stats.js';
import { injectUndefined, injectAbortCpu, injectSError } from './inject.js';
import { ioMemAbort } from './mmio.js';
import { kvmSmcccCallHandler, PSCI_WFI } from './psci.js';
import { kvmHandleSysReg } from './sys-regs.js';
import { vgicOf, vgicCpuOf, vgicVcpuPendingIrq } from '../vgic/vgic.js';

/** What a handler returns to re-enter the guest. */
export const RESUME = null;
export type ExitResult = KvmRun | typeof RESUME;
export type ExitHandler = (v: Vcpu, esr: number) => ExitResult;

const TWO32 = 4294967296;
/** CPTR_EL2.TFP (E2H = 0 layout). */
const CPTR_TFP = 1 << 10;

/** kvm_incr_pc(): step over the instruction the trap returned to. */
export function kvmIncrPc(cpu: Cpu): void {
  const s = cpu.s;
  const pc = (s[S.PC] + 4) | 0;
  s[S.PC] = pc;
  if (pc === 0) s[S.PC_HI] = (s[S.PC_HI] + 1) | 0;
}

function hex(n: number): string {
  return '0x' + n.toString(16);
}

// ---- WFx and halting ----------------------------------------------------------------------------

/**
 * Whether something would wake a vCPU from WFI (kvm_arch_vcpu_runnable()): a virtual interrupt
 * line, or with a vGIC an interrupt pending, enabled and unmasked by ICC_PMR_EL1 for this vCPU
 * (kvm_vgic_vcpu_pending_irq(); the timers' PPIs sampled first). Without a vGIC a timer whose
 * output is asserted (ISTATUS && !IMASK) also wakes it, as a pending (even masked) interrupt does
 * on hardware (Arm ARM D1.6.2 "Wait for Interrupt"): nothing else could deliver it.
 */
export function kvmVcpuPendingWake(v: Vcpu): boolean {
  const cpu = v.cpu;
  const s = cpu.s;
  if ((s[S.VIRQ] | s[S.VFIQ] | s[S.VSERROR]) !== 0) return true;
  const vg = vgicOf(v.vm);
  if (vg !== undefined) {
    const c = vgicCpuOf(v);
    return c !== undefined && vgicVcpuPendingIrq(vg, c);
  }
  return timerCondition(cpu, TIMER_VIRT) || timerCondition(cpu, TIMER_PHYS);
}

/** kvm_vcpu_wfi(): halt unless a wake-up is already pending. PC is past the WFI. */
export function kvmVcpuWfi(v: Vcpu): void {
  if (!kvmVcpuPendingWake(v)) v.mpState = KVM_MP_STATE_HALTED;
}

/** The longest the host sleeps for a halted vCPU's timer inside one KVM_RUN (ms). */
export const HALT_POLL_MAX_MS = 100;
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** The earlier of two deadlines that lie after `now` (Infinity if neither does). */
function nextDeadline(a: number, b: number, now: number): number {
  if (!(a > now)) return b > now ? b : Infinity;
  return b > now && b < a ? b : a;
}

/**
 * A halted vCPU at KVM_RUN: wake it if it can run. KVM blocks in kvm_vcpu_block() until an
 * interrupt arrives; typevisor's KVM_RUN is synchronous, so it sleeps only when the vCPU's timer
 * fires within HALT_POLL_MAX_MS (Atomics.wait, or in deterministic-counter mode by advancing the
 * instruction count the timer needs), otherwise it returns KVM_EXIT_INTR with mpState HALTED and
 * the VMM runs its other vCPUs. Returns whether the vCPU is runnable.
 */
export function kvmVcpuTryWake(v: Vcpu): boolean {
  const cpu = v.cpu;
  // Rounds: a timer found firing after the wake check (it fired in between) sends us back to the
  // check once; after that, a firing timer that does not wake the vCPU (its PPI disabled, say) is
  // not waited for. A second sleep covers one that ended a hair before the deadline as the
  // counter sees it (Atomics.wait's timeout is rounded to its clock's resolution, the counter is
  // floored).
  for (let round = 0; !kvmVcpuPendingWake(v); round++) {
    if (round === 3) return false;
    const mv = timerDeadlineMs(cpu, TIMER_VIRT);
    const mp = timerDeadlineMs(cpu, TIMER_PHYS);
    if (round === 0 && (mv === 0 || mp === 0)) continue;
    const ms = nextDeadline(mv, mp, 0);
    if (!(ms <= HALT_POLL_MAX_MS)) return false;
    if (cpu.deterministic) {
      // Exactly the instruction count at which the earlier timer's condition becomes true.
      const d = nextDeadline(timerDeadlineIcount(cpu, TIMER_VIRT), timerDeadlineIcount(cpu, TIMER_PHYS), cpu.icount);
      if (d === Infinity) return false;
      cpu.icount = d;
    } else {
      Atomics.wait(sleepCell, 0, 0, ms);
    }
  }
  v.mpState = KVM_MP_STATE_RUNNABLE;
  v.stats.counters.halt_wakeup++;
  return true;
}

/**
 * kvm_handle_wfx(): WFE is a spin hint (KVM yields: kvm_vcpu_on_spin()), WFI halts. Either way
 * the instruction completes (the trap returned to it). ISS.TI bit 0: 1 = WFE (D24.2.41).
 */
function kvmHandleWfx(v: Vcpu, esr: number): ExitResult {
  kvmIncrPc(v.cpu);
  if ((esr & 1) !== 0) {
    v.stats.counters.wfe_exit_stat++;
    return RESUME;
  }
  v.stats.counters.wfi_exit_stat++;
  kvmVcpuWfi(v);
  return RESUME;
}

// ---- SMCCC ----------------------------------------------------------------------------------------

function smcccResult(v: Vcpu, r: ReturnType<typeof kvmSmcccCallHandler>): ExitResult {
  if (r === PSCI_WFI) {
    kvmVcpuWfi(v);
    return RESUME;
  }
  return r ?? RESUME;
}

/** handle_hvc(): the preferred return of an HVC is already the next instruction. */
function handleHvc(v: Vcpu, esr: number): ExitResult {
  v.stats.counters.hvc_exit_stat++;
  return smcccResult(v, kvmSmcccCallHandler(v, esr, false));
}

/**
 * handle_smc(): an SMC trapped by HCR_EL2.TSC returns to itself ("a Trap exception, not a
 * Secure Monitor Call exception", Arm ARM D1.4.8), so step past it first; a non-zero immediate
 * is not an SMCCC call (DEN0028 2.9): x0 = ~0.
 */
function handleSmc(v: Vcpu, esr: number): ExitResult {
  kvmIncrPc(v.cpu);
  if ((esr & 0xffff) !== 0) {
    v.cpu.s[0] = -1;
    v.cpu.s[1] = -1;
    return RESUME;
  }
  return smcccResult(v, kvmSmcccCallHandler(v, esr, true));
}

// ---- system registers, FP ---------------------------------------------------------------------------

function handleSysReg(v: Vcpu, esr: number): ExitResult {
  kvmHandleSysReg(v, esr);
  return RESUME;
}

/**
 * An FP/SIMD access trapped by CPTR_EL2.TFP: KVM's lazy FP switch (kvm_hyp_handle_fpsimd())
 * loads the guest's FP state and drops the trap. The state is already the vCPU's here.
 */
function handleFpAsimd(v: Vcpu, _esr: number): ExitResult {
  v.cpu.s[S.CPTR_EL2] &= ~CPTR_TFP;
  return RESUME;
}

// ---- aborts -------------------------------------------------------------------------------------------

/** kvm_vcpu_get_fault_ipa() | FAR[11:0]: HPFAR_EL2.FIPA (IPA[51:12] at [43:4]) completed by the VA's page offset. */
export function faultIpa(cpu: Cpu): number {
  const s = cpu.s;
  const hpfar = (s[S.HPFAR_EL2_HI] & 0xfff) * TWO32 + (s[S.HPFAR_EL2] >>> 0);
  return Math.floor(hpfar / 16) * 4096 + (s[S.FAR_EL2] & 0xfff);
}

/** esr_fsc_is_sea_serror(): synchronous external aborts and parity/ECC errors, any level. */
function fscIsSea(fsc: number): boolean {
  return fsc === 0x10 || (fsc >= 0x14 && fsc <= 0x18) || (fsc >= 0x1c && fsc <= 0x1f);
}

/**
 * kvm_handle_guest_abort() (arch/arm64/kvm/mmu.c) for stage-2 instruction and data aborts.
 * Outside every memslot, or a write to a read-only one: instruction fetches and stage-1 table
 * walks get an external abort injected (nothing can emulate them: no syndrome), cache
 * maintenance by VA is skipped, the rest is MMIO (io_mem_abort()). Inside a slot the page is
 * (re)mapped and the access retried (user_mem_abort()).
 */
function kvmHandleGuestAbort(v: Vcpu, esr: number): ExitResult {
  const cpu = v.cpu;
  const s = cpu.s;
  const vm = v.vm;
  const isIabt = esr >>> ESR_ELx_EC_SHIFT === ESR_ELx_EC_IABT_LOW;
  const fsc = esr & 0x3f;
  const ipa = faultIpa(cpu);
  const farLo = s[S.FAR_EL2];
  const farHi = s[S.FAR_EL2_HI];
  const isTranslation = (fsc & 0x3c) === 0x04;
  const isPermission = (fsc & 0x3c) === 0x0c;
  const isAccessFlag = (fsc & 0x3c) === 0x08;
  const s1ptw = (esr & ISS_S1PTW) !== 0;

  // Beyond the VM's IPA space: nothing can be there.
  if (isTranslation && ipa >= 2 ** vm.ipaBits) {
    injectAbortCpu(cpu, isIabt, farLo, farHi);
    return RESUME;
  }
  // A synchronous external abort from the memory system: an SError for the guest (kvm_inject_vabt()).
  if (fscIsSea(fsc)) {
    injectSError(v);
    return RESUME;
  }
  if (!isTranslation && !isPermission && !isAccessFlag) {
    return internalError(v, `unsupported FSC 0x${fsc.toString(16)} in a stage-2 abort: EC ${hex(esr >>> ESR_ELx_EC_SHIFT)}, ESR_EL2 ${hex(esr >>> 0)}`);
  }
  const slot = vm.findSlot(ipa);
  const writable = slot !== undefined && (slot.flags & KVM_MEM_READONLY) === 0;
  // kvm_is_write_fault(): a walk only writes for AF/DBM updates (permission faults); fetches never write.
  const writeFault = s1ptw ? isPermission : !isIabt && (esr & ISS_WNR) !== 0;
  if (slot === undefined || (writeFault && !writable)) {
    if (isIabt) {
      injectAbortCpu(cpu, true, farLo, farHi);
      return RESUME;
    }
    if (s1ptw) {
      injectAbortCpu(cpu, false, farLo, farHi);
      return RESUME;
    }
    if (slot === undefined && (esr & ISS_CM) !== 0) {
      kvmIncrPc(cpu);
      return RESUME;
    }
    return ioMemAbort(v, ipa, esr) ?? RESUME;
  }
  // user_mem_abort(): a page of a slot that stage 2 does not map (or maps without the permission
  // the slot gives): map it and retry the access.
  const page = ipa - (ipa % 4096);
  if (isPermission && !writeFault) {
    return internalError(v, `stage-2 permission fault on RAM at IPA ${hex(ipa)} (ESR_EL2 ${hex(esr >>> 0)})`);
  }
  vm.stage2.map(page, slot.host + (page - slot.ipa), 4096, { write: writable, exec: true });
  cpu.flushTlb();
  return RESUME;
}

// ---- unknown ------------------------------------------------------------------------------------------

/** kvm_handle_unknown_ec(): "Unknown exception class", rate-limited, and UNDEF for the guest. */
export function handleUnknownEc(v: Vcpu, esr: number): ExitResult {
  const ec = esr >>> ESR_ELx_EC_SHIFT;
  hypLog.log(`typevisor: vcpu ${v.id}: unknown exception class: esr: ${hex(esr >>> 0)} -- ${ecName(ec)} at PC ${hex(v.cpu.pc)}`);
  injectUndefined(v);
  return RESUME;
}

export function internalError(v: Vcpu, message: string): KvmRun {
  return {
    exitReason: KVM_EXIT_INTERNAL_ERROR,
    internal: { suberror: KVM_INTERNAL_ERROR_EMULATION, data: [], message: `vcpu ${v.id}: ${message}` },
  };
}

/** arm_exit_handlers[]. */
export const armExitHandlers: readonly ExitHandler[] = (() => {
  const t = new Array<ExitHandler>(64).fill(handleUnknownEc);
  t[ESR_ELx_EC_WFx] = kvmHandleWfx;
  t[ESR_ELx_EC_FP_ASIMD] = handleFpAsimd;
  t[ESR_ELx_EC_HVC64] = handleHvc;
  t[ESR_ELx_EC_SMC64] = handleSmc;
  t[ESR_ELx_EC_SYS64] = handleSysReg;
  t[ESR_ELx_EC_IABT_LOW] = kvmHandleGuestAbort;
  t[ESR_ELx_EC_DABT_LOW] = kvmHandleGuestAbort;
  return Object.freeze(t);
})();

/** handle_exit() for a trap: dispatch on ESR_EL2.EC, counting the exit and its host time. */
export function handleTrapExit(v: Vcpu): ExitResult {
  const esr = v.cpu.s[S.ESR_EL2];
  const ec = esr >>> ESR_ELx_EC_SHIFT;
  const t0 = performance.now();
  const r = armExitHandlers[ec](v, esr);
  v.stats.countEc(ec, performance.now() - t0);
  return r;
}
