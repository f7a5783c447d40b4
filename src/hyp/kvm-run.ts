/**
 * What Vcpu.run() returns: a kvm_run record, a discriminated union keyed by exitReason
 * (Linux's KVM_EXIT_* values). A fresh record per exit; for an MMIO read the VMM fills
 * `mmio.data` of the returned record before the next run(), which completes the load.
 */
import type {
  KVM_EXIT_MMIO,
  KVM_EXIT_SYSTEM_EVENT,
  KVM_EXIT_HYPERCALL,
  KVM_EXIT_ARM_NISV,
  KVM_EXIT_INTR,
  KVM_EXIT_INTERNAL_ERROR,
  KVM_EXIT_FAIL_ENTRY,
} from './uapi/kvm.js';

/** KVM_EXIT_MMIO: an access to guest-physical memory no RAM slot backs (or a write to a READONLY slot). */
export interface KvmRunMmio {
  exitReason: typeof KVM_EXIT_MMIO;
  mmio: {
    physAddr: bigint;
    /** Little-endian bytes: written data, or (for a read) what the VMM fills in. */
    data: Uint8Array;
    len: number;
    isWrite: boolean;
  };
}

/** KVM_EXIT_SYSTEM_EVENT: PSCI SYSTEM_OFF / SYSTEM_RESET(2) / SYSTEM_SUSPEND... */
export interface KvmRunSystemEvent {
  exitReason: typeof KVM_EXIT_SYSTEM_EVENT;
  systemEvent: { type: number; ndata: number; data: bigint[] };
}

/** KVM_EXIT_HYPERCALL: an SMCCC call the VMM asked to handle itself (nr = function ID). */
export interface KvmRunHypercall {
  exitReason: typeof KVM_EXIT_HYPERCALL;
  hypercall: { nr: bigint; args: bigint[]; ret: bigint; flags: bigint };
}

/** KVM_EXIT_ARM_NISV: a stage-2 data abort without a valid syndrome (ISV = 0). */
export interface KvmRunArmNisv {
  exitReason: typeof KVM_EXIT_ARM_NISV;
  armNisv: { esrIss: bigint; faultIpa: bigint };
}

/** KVM_EXIT_INTR: the instruction budget ran out, or immediateExit was requested. */
export interface KvmRunIntr {
  exitReason: typeof KVM_EXIT_INTR;
}

/** KVM_EXIT_INTERNAL_ERROR: typevisor could not continue the vCPU (a typevisor bug). */
export interface KvmRunInternalError {
  exitReason: typeof KVM_EXIT_INTERNAL_ERROR;
  internal: { suberror: number; data: bigint[]; message: string };
}

/** KVM_EXIT_FAIL_ENTRY: the vCPU state cannot be entered. */
export interface KvmRunFailEntry {
  exitReason: typeof KVM_EXIT_FAIL_ENTRY;
  failEntry: { hardwareEntryFailureReason: bigint; cpu: number; message: string };
}

export type KvmRun =
  | KvmRunMmio
  | KvmRunSystemEvent
  | KvmRunHypercall
  | KvmRunArmNisv
  | KvmRunIntr
  | KvmRunInternalError
  | KvmRunFailEntry;

export interface RunOptions {
  /** Return KVM_EXIT_INTR after about this many guest instructions (default 10 million). */
  budget?: number;
}
