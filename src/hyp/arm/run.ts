/**
 * KVM_RUN for an Arm vCPU (Linux arch/arm64/kvm/arm.c kvm_arch_vcpu_ioctl_run()): complete what
 * the last exit left to the VMM, then run the guest on the arch interpreter in chunks, handling
 * traps by exception class (exits.ts) until one needs the VMM or the budget is spent.
 *
 * Timer interrupts are on time. On hardware the timer's output reaches the GIC the moment the
 * count reaches CVAL (KVM's hrtimer or the physical timer kicks the vCPU); here the PPI level is
 * sampled when the loop leaves and re-enters the interpreter (vgicSyncLrState/vgicFlushLrState),
 * so with a vGIC each chunk is cut at the earliest deadline of the vCPU's enabled, unmasked timers
 * whose condition is not yet true (timerChunkLimit()). In deterministic-counter mode the cut is
 * exact: the chunk ends at the instruction whose count reaches CVAL, and the guest takes the vIRQ
 * before the next one. With the host clock the remaining time is converted to instructions at
 * the vCPU's measured speed (RunState.ipms, sampled per chunk, never per instruction), aiming a
 * little short; a chunk that ends before the condition holds is followed by another bounded one,
 * at least TIMER_CHUNK_MIN long, so the interrupt is late by at most about that many instructions
 * (plus any error in the speed estimate). A guest re-arming its timer with MSR (no trap) ends the
 * chunk after the write to CNTx_CTL_EL0, CNTx_TVAL_EL0 or CNTx_CVAL_EL0 (Stop.TIMER), so the next
 * chunk is bounded by the new deadline. These re-entries are not exits: no statistic counts them.
 *
 * Departures from KVM, all from KVM_RUN being a synchronous call in one thread:
 * - The budget (instructions) stands for the signal that interrupts a real KVM_RUN: when it is
 *   spent, KVM_EXIT_INTR.
 * - A vCPU that cannot run (powered off: mpState STOPPED; halted in WFI with nothing to wake it)
 *   returns KVM_EXIT_INTR at once instead of blocking in the kernel; the VMM runs its vCPUs
 *   round-robin and calls run() again (PSCI CPU_ON, an interrupt or the timer make it runnable).
 */
import type { Vcpu } from '../vcpu.js';
import type { KvmRun, KvmRunMmio, RunOptions } from '../kvm-run.js';
import { KvmError } from '../errors.js';
import { Stop } from '../../arch/aarch64/cpu.js';
import { S } from '../../arch/aarch64/state.js';
import { run } from '../../arch/aarch64/run.js';
import { TIMER_PHYS, TIMER_VIRT, timerDeadlineIcount, timerDeadlineMs } from '../../arch/aarch64/timer.js';
import {
  KVM_EXIT_INTR,
  KVM_EXIT_MMIO,
  KVM_EXIT_INTERNAL_ERROR,
  KVM_INTERNAL_ERROR_EMULATION,
  KVM_MP_STATE_HALTED,
  KVM_MP_STATE_STOPPED,
} from '../uapi/kvm.js';
import { handleTrapExit, kvmVcpuTryWake, kvmVcpuWfi, RESUME } from './exits.js';
import { handleMmioReturn } from './mmio.js';
import { vgicOf, vgicCpuOf, vgicLazyInit, vgicFlushLrState, vgicSyncLrState, type Vgic, type VgicCpu } from '../vgic/vgic.js';

/** Instructions per KVM_RUN when the VMM gives no budget. */
export const DEFAULT_RUN_BUDGET = 10_000_000;
/** Instructions per call into the interpreter. */
export const RUN_CHUNK = 1_000_000;
/** The shortest chunk a host-clock timer deadline cuts: each re-entry costs an LR sync and flush. */
export const TIMER_CHUNK_MIN = 1000;
/**
 * Guest instructions per host millisecond assumed before the first measurement: 1 MIPS, far
 * below the interpreter's speed, so the first bounded chunks end early rather than late.
 */
export const TIMER_IPMS_INITIAL = 1000;
/** The fraction of the estimated distance to a host-clock deadline a chunk covers. */
const TIMER_AIM = 0.9;
/** Host time (ms) of bounded chunks that makes one speed sample; older samples decay by half. */
const TIMER_SAMPLE_MS = 0.5;

/**
 * The vCPU's run state between KVM_RUN calls (KVM's vcpu->mmio_needed and run->mmio), kept in
 * v.arch: KVM_ARM_VCPU_INIT and a PSCI CPU_ON reset drop it (v.arch = undefined).
 */
class RunState {
  ranOnce = false;
  /** The KVM_EXIT_MMIO record to complete on the next run, and the syndrome it came from. */
  pendingMmio: KvmRunMmio | null = null;
  pendingEsr = 0;
  /** Estimated guest instructions per host millisecond (host-clock timer deadlines). */
  ipms = TIMER_IPMS_INITIAL;
  ipmsMeasured = false;
  /** Instructions and host time of bounded chunks since the last sample. */
  sampleInsns = 0;
  sampleMs = 0;
}

function runState(v: Vcpu): RunState {
  if (v.arch instanceof RunState) return v.arch;
  const st = new RunState();
  v.arch = st;
  return st;
}

function intr(v: Vcpu): KvmRun {
  v.stats.counters.signal_exits++;
  return { exitReason: KVM_EXIT_INTR };
}

/**
 * The most instructions the next chunk may run before one of the vCPU's timers fires: an enabled,
 * unmasked timer whose condition (timerCondition()) is not yet true; RUN_CHUNK if there is none.
 * A timer already firing does not bound anything (its PPI is pending, or masked by the guest).
 * Deterministic mode: exactly the instructions left until the count reaches CVAL. Host clock: the
 * time left at the vCPU's estimated speed, within [TIMER_CHUNK_MIN, RUN_CHUNK].
 */
export function timerChunkLimit(v: Vcpu): number {
  const cpu = v.cpu;
  let limit = RUN_CHUNK;
  if (cpu.deterministic) {
    const ic = cpu.icount;
    const dv = timerDeadlineIcount(cpu, TIMER_VIRT) - ic;
    if (dv > 0 && dv < limit) limit = dv;
    const dp = timerDeadlineIcount(cpu, TIMER_PHYS) - ic;
    if (dp > 0 && dp < limit) limit = dp;
    return limit;
  }
  let ms = timerDeadlineMs(cpu, TIMER_VIRT);
  if (ms === 0) ms = Infinity;
  const mp = timerDeadlineMs(cpu, TIMER_PHYS);
  if (mp > 0 && mp < ms) ms = mp;
  if (ms === Infinity) return limit;
  const n = Math.floor(ms * runState(v).ipms * TIMER_AIM);
  return n < TIMER_CHUNK_MIN ? TIMER_CHUNK_MIN : n < limit ? n : limit;
}

/** Fold one bounded chunk into the speed estimate (one sample per TIMER_SAMPLE_MS of host time). */
function timerSampleSpeed(st: RunState, insns: number, ms: number): void {
  st.sampleInsns += insns;
  st.sampleMs += ms;
  if (st.sampleMs < TIMER_SAMPLE_MS) return;
  const ipms = st.sampleInsns / st.sampleMs;
  st.ipms = st.ipmsMeasured ? (st.ipms + ipms) / 2 : ipms;
  st.ipmsMeasured = true;
  st.sampleInsns = 0;
  st.sampleMs = 0;
}

/**
 * The guest loop: returns the exit for the VMM. With a vGIC, every entry into the interpreter
 * is bracketed by the list-register flush and sync (kvm_vgic_flush_hwstate() before,
 * kvm_vgic_sync_hwstate() after), so exit handlers see the interrupt state whole.
 */
function runLoop(v: Vcpu, budget: number, vg: Vgic | undefined, vc: VgicCpu | undefined): KvmRun {
  const cpu = v.cpu;
  const end = cpu.icount + budget;
  const st = runState(v);
  // A guest timer write ends the chunk (Stop.TIMER) so the next one is bounded by the new deadline.
  cpu.stopOnTimerWrite = vc !== undefined;
  for (;;) {
    if (v.mpState === KVM_MP_STATE_STOPPED) return intr(v);
    if (v.mpState === KVM_MP_STATE_HALTED && !kvmVcpuTryWake(v)) return intr(v);
    const left = end - cpu.icount;
    if (left <= 0) return intr(v);
    let stop: Stop;
    if (vc !== undefined) {
      // Without a vGIC the timers' outputs reach nothing but a WFI wake-up: no need to cut chunks.
      const limit = timerChunkLimit(v);
      vgicFlushLrState(vg as Vgic, vc);
      if (limit < RUN_CHUNK && !cpu.deterministic) {
        const i0 = cpu.icount;
        const t0 = performance.now();
        stop = run(cpu, left < limit ? left : limit);
        timerSampleSpeed(st, cpu.icount - i0, performance.now() - t0);
      } else {
        stop = run(cpu, left < limit ? left : limit);
      }
      vgicSyncLrState(vg as Vgic, vc);
    } else {
      stop = run(cpu, left < RUN_CHUNK ? left : RUN_CHUNK);
    }
    switch (stop) {
      case Stop.BUDGET:
        break;
      case Stop.TRAP: {
        const r = handleTrapExit(v);
        if (r !== RESUME) return r;
        break;
      }
      case Stop.WFI:
        // An untrapped WFI (HCR_EL2.TWI clear) stops the interpreter past the instruction.
        v.stats.counters.wfi_exit_stat++;
        kvmVcpuWfi(v);
        break;
      case Stop.TIMER:
        break; // the guest re-armed a timer: bound the next chunk again
      case Stop.REQUEST:
        return intr(v);
      case Stop.INTERNAL_ERROR: {
        const e = cpu.internalError;
        cpu.internalError = undefined;
        return {
          exitReason: KVM_EXIT_INTERNAL_ERROR,
          internal: {
            suberror: KVM_INTERNAL_ERROR_EMULATION,
            data: [],
            message: `vcpu ${v.id}: internal error at PC 0x${cpu.pc.toString(16)}: ${e instanceof Error ? e.message : String(e)}`,
          },
        };
      }
      default:
        return {
          exitReason: KVM_EXIT_INTERNAL_ERROR,
          internal: { suberror: KVM_INTERNAL_ERROR_EMULATION, data: [], message: `vcpu ${v.id}: run loop stopped for an unknown reason ${String(stop)}` },
        };
    }
  }
}

/** KVM_RUN. */
export function vcpuRun(v: Vcpu, opts: RunOptions = {}): KvmRun {
  if (!v.initialized) throw new KvmError('ENOEXEC', `run: vCPU ${v.id} has not been initialised (KVM_ARM_VCPU_INIT)`);
  const budget = opts.budget ?? DEFAULT_RUN_BUDGET;
  if (!Number.isSafeInteger(budget) || budget <= 0) {
    throw new KvmError('EINVAL', `run: budget must be a positive integer of instructions, got ${String(budget)}`, 'budget');
  }
  // vgic_lazy_init(): a GICv2 is initialised at the first run, a GICv3 never implicitly.
  vgicLazyInit(v.vm);
  const vg = vgicOf(v.vm);
  const vc = vg === undefined ? undefined : vgicCpuOf(v);
  if (vg !== undefined && vc === undefined) {
    throw new KvmError('EBUSY', `run: the VM's vGIC is not initialised (KVM_DEV_ARM_VGIC_CTRL_INIT) for vCPU ${v.id}`);
  }
  const st = runState(v);
  if (!st.ranOnce) {
    // kvm_arch_vcpu_run_pid_change(): the VM's configuration freezes at the first run.
    st.ranOnce = true;
    v.vm.hasRunOnce = true;
    v.vm.stats.track(v.stats);
  }
  const cpu = v.cpu;
  const t0 = performance.now();
  const i0 = cpu.icount;
  // kvm_handle_mmio_return(): the VMM has filled the read data into the record it was given.
  if (st.pendingMmio !== null) {
    const rec = st.pendingMmio;
    st.pendingMmio = null;
    handleMmioReturn(cpu, st.pendingEsr, rec.mmio.data);
  }
  let r: KvmRun;
  if (v.immediateExit) r = intr(v);
  else r = runLoop(v, budget, vg, vc);
  if (r.exitReason === KVM_EXIT_MMIO) {
    st.pendingMmio = r;
    st.pendingEsr = cpu.s[S.ESR_EL2];
  }
  v.stats.countRun(r.exitReason, performance.now() - t0, cpu.icount - i0);
  return r;
}
