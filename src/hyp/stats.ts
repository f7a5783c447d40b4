/**
 * Exit statistics, what `kvm_stat` shows for a KVM/arm64 guest: the per-vCPU counters of
 * struct kvm_vcpu_stat (arch/arm64/include/asm/kvm_host.h: hvc_exit_stat, wfe_exit_stat,
 * wfi_exit_stat, mmio_exit_user, mmio_exit_kernel, signal_exits, exits) plus, as kvm_stat's
 * tracepoint view does, a count per exit reason (KVM_EXIT_*) and per ESR_EL2.EC, each with the
 * host time spent (ms). A VM's statistics aggregate its vCPUs'.
 *
 * Counting is per exit (never per instruction): typed arrays indexed by EC / exit reason.
 */
/** KVM_EXIT_* names by value (include/uapi/linux/kvm.h). */
const KVM_EXIT_NAMES: Record<number, string> = {
  0: 'KVM_EXIT_UNKNOWN',
  3: 'KVM_EXIT_HYPERCALL',
  4: 'KVM_EXIT_DEBUG',
  6: 'KVM_EXIT_MMIO',
  9: 'KVM_EXIT_FAIL_ENTRY',
  10: 'KVM_EXIT_INTR',
  17: 'KVM_EXIT_INTERNAL_ERROR',
  24: 'KVM_EXIT_SYSTEM_EVENT',
  28: 'KVM_EXIT_ARM_NISV',
};

/** Counters of struct kvm_vcpu_stat, by Linux's names. */
export interface VcpuCounters {
  exits: number;
  hvc_exit_stat: number;
  wfe_exit_stat: number;
  wfi_exit_stat: number;
  mmio_exit_user: number;
  mmio_exit_kernel: number;
  signal_exits: number;
  halt_wakeup: number;
}

export interface StatsSnapshot {
  counters: VcpuCounters;
  /** Guest instructions retired inside KVM_RUN. */
  instructions: number;
  /** Host time inside KVM_RUN (guest execution plus exit handling), ms. */
  runMs: number;
  /** Per ESR_EL2.EC with at least one exit: name, count, handler time. */
  byEc: { ec: number; name: string; count: number; ms: number }[];
  /** Per KVM_EXIT_* returned to the VMM: count and time of the KVM_RUN calls ending so. */
  byExitReason: { reason: number; name: string; count: number; ms: number }[];
}

const EC_NAMES: Record<number, string> = {
  0x00: 'UNKNOWN',
  0x01: 'WFx',
  0x03: 'CP15_32',
  0x04: 'CP15_64',
  0x05: 'CP14_MR',
  0x06: 'CP14_LS',
  0x07: 'FP_ASIMD',
  0x0c: 'CP14_64',
  0x0e: 'ILL',
  0x11: 'SVC32',
  0x12: 'HVC32',
  0x13: 'SMC32',
  0x15: 'SVC64',
  0x16: 'HVC64',
  0x17: 'SMC64',
  0x18: 'SYS64',
  0x19: 'SVE',
  0x20: 'IABT_LOW',
  0x21: 'IABT_CUR',
  0x22: 'PC_ALIGN',
  0x24: 'DABT_LOW',
  0x25: 'DABT_CUR',
  0x26: 'SP_ALIGN',
  0x28: 'FP_EXC32',
  0x2c: 'FP_EXC64',
  0x2f: 'SERROR',
  0x30: 'BREAKPT_LOW',
  0x32: 'SOFTSTP_LOW',
  0x34: 'WATCHPT_LOW',
  0x38: 'BKPT32',
  0x3c: 'BRK64',
};

/** ESR_ELx_EC_* name without the prefix (Linux's esr.h spelling). */
export function ecName(ec: number): string {
  return EC_NAMES[ec] ?? `0x${ec.toString(16).padStart(2, '0')}`;
}

function zeroCounters(): VcpuCounters {
  return { exits: 0, hvc_exit_stat: 0, wfe_exit_stat: 0, wfi_exit_stat: 0, mmio_exit_user: 0, mmio_exit_kernel: 0, signal_exits: 0, halt_wakeup: 0 };
}

/** One vCPU's statistics. Fields are public for the run loop; readers use snapshot(). */
export class ExitStats {
  readonly counters: VcpuCounters = zeroCounters();
  readonly ecCount = new Float64Array(64);
  readonly ecMs = new Float64Array(64);
  readonly reasonCount = new Float64Array(64);
  readonly reasonMs = new Float64Array(64);
  instructions = 0;
  runMs = 0;

  /** A trap to EL2 with this EC was handled, taking `ms` of host time. */
  countEc(ec: number, ms: number): void {
    this.counters.exits++;
    this.ecCount[ec & 63]++;
    this.ecMs[ec & 63] += ms;
  }

  /** KVM_RUN returned `reason` after `ms` and `insns` guest instructions. */
  countRun(reason: number, ms: number, insns: number): void {
    this.reasonCount[reason & 63]++;
    this.reasonMs[reason & 63] += ms;
    this.runMs += ms;
    this.instructions += insns;
  }

  snapshot(): StatsSnapshot {
    return buildSnapshot([this]);
  }

  reset(): void {
    Object.assign(this.counters, zeroCounters());
    this.ecCount.fill(0);
    this.ecMs.fill(0);
    this.reasonCount.fill(0);
    this.reasonMs.fill(0);
    this.instructions = 0;
    this.runMs = 0;
  }
}

/** A VM's statistics: the sum over the vCPUs that have run (registered by the run loop). */
export class VmStats {
  private readonly vcpus: ExitStats[] = [];

  /** Include a vCPU's statistics (idempotent). */
  track(s: ExitStats): void {
    if (!this.vcpus.includes(s)) this.vcpus.push(s);
  }

  snapshot(): StatsSnapshot {
    return buildSnapshot(this.vcpus);
  }
}

function buildSnapshot(list: readonly ExitStats[]): StatsSnapshot {
  const counters = zeroCounters();
  const ecCount = new Float64Array(64);
  const ecMs = new Float64Array(64);
  const rc = new Float64Array(64);
  const rm = new Float64Array(64);
  let instructions = 0;
  let runMs = 0;
  for (const s of list) {
    for (const k of Object.keys(counters) as (keyof VcpuCounters)[]) counters[k] += s.counters[k];
    for (let i = 0; i < 64; i++) {
      ecCount[i] += s.ecCount[i];
      ecMs[i] += s.ecMs[i];
      rc[i] += s.reasonCount[i];
      rm[i] += s.reasonMs[i];
    }
    instructions += s.instructions;
    runMs += s.runMs;
  }
  const byEc: StatsSnapshot['byEc'] = [];
  const byExitReason: StatsSnapshot['byExitReason'] = [];
  for (let i = 0; i < 64; i++) {
    if (ecCount[i] > 0) byEc.push({ ec: i, name: ecName(i), count: ecCount[i], ms: ecMs[i] });
    if (rc[i] > 0) byExitReason.push({ reason: i, name: KVM_EXIT_NAMES[i] ?? `KVM_EXIT_${i}`, count: rc[i], ms: rm[i] });
  }
  return { counters, instructions, runMs, byEc, byExitReason };
}

/** The statistics as a table, one line per row (kvm_stat's layout: event, total, time). */
export function formatStats(s: StatsSnapshot): string[] {
  const lines: string[] = [];
  const row = (name: string, count: number, ms?: number): string =>
    `  ${name.padEnd(26)}${String(count).padStart(12)}${ms === undefined ? '' : `${ms.toFixed(3).padStart(12)} ms`}`;
  lines.push(`exit statistics: ${s.instructions} instructions, ${s.runMs.toFixed(3)} ms in KVM_RUN`);
  lines.push('  exits by ESR_EL2.EC');
  for (const e of s.byEc) lines.push(row(`EC 0x${e.ec.toString(16).padStart(2, '0')} ${e.name}`, e.count, e.ms));
  lines.push('  KVM_RUN returns by exit reason');
  for (const e of s.byExitReason) lines.push(row(e.name, e.count, e.ms));
  lines.push('  counters (kvm_vcpu_stat)');
  for (const [k, v] of Object.entries(s.counters)) lines.push(row(k, v as number));
  return lines;
}
