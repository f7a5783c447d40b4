/**
 * SMCCC calls from the guest (HVC #0 / SMC #0 with the function ID in w0): Linux's
 * arch/arm64/kvm/hypercalls.c (kvm_smccc_call_handler(), the SMCCC filter of
 * KVM_ARM_VM_SMCCC_FILTER) and arch/arm64/kvm/psci.c (PSCI 0.1, 0.2, 1.0 and 1.1 as KVM
 * implements them; Arm DEN0022 "Power State Coordination Interface", DEN0028 "SMC Calling
 * Convention").
 *
 * Results go to x0..x3 (smccc_set_retval(): negative values sign-extended to 64 bits, unused
 * result registers zeroed). A function KVM does not implement returns NOT_SUPPORTED (-1) in x0,
 * never an exception.
 */
import type { Vm } from '../vm.js';
import type { Vcpu } from '../vcpu.js';
import type { KvmRun } from '../kvm-run.js';
import { KvmError } from '../errors.js';
import { SR, srIndex } from '../../arch/aarch64/state.js';
import { resetVcpu } from './reset.js';
import { idRegIndex } from '../../arch/aarch64/cpus/model.js';
import { ESR_ELx_IL } from '../../arch/aarch64/esr.js';
import {
  KVM_EXIT_HYPERCALL,
  KVM_EXIT_INTR,
  KVM_EXIT_SYSTEM_EVENT,
  KVM_SYSTEM_EVENT_SHUTDOWN,
  KVM_SYSTEM_EVENT_RESET,
  KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2,
  KVM_MP_STATE_RUNNABLE,
  KVM_MP_STATE_STOPPED,
  KVM_ARM_VCPU_PSCI_0_2,
} from '../uapi/kvm.js';
import * as P from '../uapi/psci.js';

// ---- uapi values not (yet) in src/hyp/uapi (include/uapi/linux/kvm.h, asm/kvm.h) ---------------
/** kvm_run.hypercall.flags (arm64): the call was an SMC; the trapped instruction was 16-bit. */
export const KVM_HYPERCALL_EXIT_SMC = 1n << 0n;
export const KVM_HYPERCALL_EXIT_16BIT = 1n << 1n;
/** struct kvm_smccc_filter.action (KVM_ARM_VM_SMCCC_FILTER). */
export const KVM_SMCCC_FILTER_HANDLE = 0;
export const KVM_SMCCC_FILTER_DENY = 1;
export const KVM_SMCCC_FILTER_FWD_TO_USER = 2;
/** KVM's PSCI 0.1 function IDs (arch/arm64/include/uapi/asm/kvm.h KVM_PSCI_FN()). */
export const KVM_PSCI_FN_BASE = 0x95c1ba5e;
export const KVM_PSCI_FN_CPU_SUSPEND = KVM_PSCI_FN_BASE + 0;
export const KVM_PSCI_FN_CPU_OFF = KVM_PSCI_FN_BASE + 1;
export const KVM_PSCI_FN_CPU_ON = KVM_PSCI_FN_BASE + 2;
export const KVM_PSCI_FN_MIGRATE = KVM_PSCI_FN_BASE + 3;
/** KVM_ARM_PSCI_* versions (include/kvm/arm_psci.h); KVM_ARM_PSCI_LATEST in the KVM we follow. */
export const KVM_ARM_PSCI_0_1 = P.PSCI_VERSION(0, 1);
export const KVM_ARM_PSCI_0_2 = P.PSCI_VERSION(0, 2);
export const KVM_ARM_PSCI_1_0 = P.PSCI_VERSION(1, 0);
export const KVM_ARM_PSCI_1_1 = P.PSCI_VERSION(1, 1);
export const KVM_ARM_PSCI_LATEST = KVM_ARM_PSCI_1_1;

// ---- SMCCC (include/linux/arm-smccc.h) --------------------------------------------------------
export const ARM_SMCCC_ARCH_WORKAROUND_1 = 0x80008000;
export const ARM_SMCCC_ARCH_WORKAROUND_2 = 0x80007fff;
export const ARM_SMCCC_ARCH_WORKAROUND_3 = 0x80003fff;
/** Returned by ARCH_FEATURES for a workaround the CPU does not need. */
export const SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED = 1;
export const SMCCC_RET_NOT_REQUIRED = -2;
const ARM_SMCCC_OWNER_STANDARD = 4;
/** The Arm Architecture Calls range userspace may not filter (hypercalls.c SMC32/64_ARCH_RANGE). */
const SMC32_ARCH_RANGE = [0x80000000, 0x8000ffff] as const;
const SMC64_ARCH_RANGE = [0xc0000000, 0xc000ffff] as const;

const MPIDR_HWID_BITMASK = 0xff00ffffffn;
const SCTLR_EE = 1 << 25;

/** What a call asks of the run loop beyond its register results. */
export const PSCI_WFI: unique symbol = Symbol('psci-wfi');
/** undefined: resume the guest; PSCI_WFI: treat as WFI (CPU_SUSPEND); or exit to the VMM. */
export type SmcccResult = KvmRun | undefined | typeof PSCI_WFI;

// ---- per-VM state -----------------------------------------------------------------------------

interface FilterRange {
  start: number;
  end: number;
  action: number;
}
interface VmSmcccState {
  psciVersion: number;
  /** Userspace ranges; null until KVM_ARM_VM_SMCCC_FILTER is first used. */
  filter: FilterRange[] | null;
}
const vmState = new WeakMap<Vm, VmSmcccState>();

function stateOf(vm: Vm): VmSmcccState {
  let st = vmState.get(vm);
  if (st === undefined) {
    st = { psciVersion: KVM_ARM_PSCI_LATEST, filter: null };
    vmState.set(vm, st);
  }
  return st;
}

/**
 * KVM_ARM_VM_SMCCC_FILTER (Documentation/virt/kvm/devices/vm.rst): calls with function IDs in
 * [base, base + count) are handled by KVM (HANDLE), answered NOT_SUPPORTED (DENY) or sent to the
 * VMM as KVM_EXIT_HYPERCALL (FWD_TO_USER). EINVAL for an empty/wrapping range or a bad action,
 * EEXIST for a range overlapping another or the Arm Architecture Calls, EBUSY once the VM ran.
 */
export function setSmcccFilter(vm: Vm, base: number, count: number, action: number | 'handle' | 'deny' | 'fwd-to-user'): void {
  const act = action === 'handle' ? KVM_SMCCC_FILTER_HANDLE : action === 'deny' ? KVM_SMCCC_FILTER_DENY : action === 'fwd-to-user' ? KVM_SMCCC_FILTER_FWD_TO_USER : action;
  if (!Number.isInteger(base) || base < 0 || base > 0xffffffff) throw new KvmError('EINVAL', `setSmcccFilter: base must be a 32-bit function ID, got ${String(base)}`, 'base');
  const end = base + count - 1;
  if (!Number.isInteger(count) || count < 1 || end > 0xffffffff) throw new KvmError('EINVAL', `setSmcccFilter: count ${String(count)} gives an empty or wrapping range`, 'count');
  if (act !== KVM_SMCCC_FILTER_HANDLE && act !== KVM_SMCCC_FILTER_DENY && act !== KVM_SMCCC_FILTER_FWD_TO_USER) {
    throw new KvmError('EINVAL', `setSmcccFilter: unknown action ${String(action)}`, 'action');
  }
  if (vm.hasRunOnce) throw new KvmError('EBUSY', 'setSmcccFilter: the VM has already run', 'base');
  const st = stateOf(vm);
  const ranges = st.filter ?? [];
  const reserved = [SMC32_ARCH_RANGE, SMC64_ARCH_RANGE].map(([s, e]) => ({ start: s, end: e }));
  for (const r of [...reserved, ...ranges]) {
    if (base <= r.end && r.start <= end) {
      throw new KvmError('EEXIST', `setSmcccFilter: [0x${base.toString(16)}, 0x${end.toString(16)}] overlaps [0x${r.start.toString(16)}, 0x${r.end.toString(16)}]`, 'base');
    }
  }
  ranges.push({ start: base, end, action: act });
  st.filter = ranges;
}

/** The VM's PSCI version for vCPUs with KVM_ARM_VCPU_PSCI_0_2 (KVM_REG_ARM_PSCI_VERSION). */
export function getVmPsciVersion(vm: Vm): number {
  return stateOf(vm).psciVersion;
}

/** Lower (or restore) the VM's PSCI version: 0.2, 1.0 or 1.1 (the ONE_REG path validates). */
export function setVmPsciVersion(vm: Vm, version: number): void {
  if (version !== KVM_ARM_PSCI_0_2 && version !== KVM_ARM_PSCI_1_0 && version !== KVM_ARM_PSCI_1_1) {
    throw new KvmError('EINVAL', `PSCI version 0x${version.toString(16)} is not one of 0.2, 1.0, 1.1`, 'version');
  }
  stateOf(vm).psciVersion = version;
}

/** kvm_psci_version(): PSCI 0.1 unless the vCPU was initialised with KVM_ARM_VCPU_PSCI_0_2. */
export function kvmPsciVersion(v: Vcpu): number {
  return (v.features & (1 << KVM_ARM_VCPU_PSCI_0_2)) !== 0 ? getVmPsciVersion(v.vm) : KVM_ARM_PSCI_0_1;
}

// ---- registers --------------------------------------------------------------------------------

function getReg(v: Vcpu, n: number): bigint {
  const s = v.cpu.s;
  return (BigInt(s[2 * n + 1] >>> 0) << 32n) | BigInt(s[2 * n] >>> 0);
}

function setReg(v: Vcpu, n: number, x: bigint): void {
  const s = v.cpu.s;
  const u = BigInt.asUintN(64, x);
  s[2 * n] = Number(BigInt.asIntN(32, u));
  s[2 * n + 1] = Number(BigInt.asIntN(32, u >> 32n));
}

/** smccc_set_retval(). */
function setRetval(v: Vcpu, a0: number | bigint, a1: number | bigint = 0, a2: number | bigint = 0, a3: number | bigint = 0): void {
  setReg(v, 0, BigInt(a0));
  setReg(v, 1, BigInt(a1));
  setReg(v, 2, BigInt(a2));
  setReg(v, 3, BigInt(a3));
}

/** SMCCC argument n (1..): SMC32/HVC32 function IDs see only the low 32 bits (kvm_psci_narrow_to_32bit()). */
function arg(v: Vcpu, fid: number, n: number): bigint {
  const x = getReg(v, n);
  return (fid & P.PSCI_0_2_64BIT) !== 0 ? x : x & 0xffffffffn;
}

/** MPIDR_EL1 affinity (Aff3..Aff0) of a vCPU, as kvm_vcpu_get_mpidr_aff(). */
export function vcpuMpidrAff(v: Vcpu): bigint {
  const i = idRegIndex(0, 5);
  const ids = v.cpu.idRegs;
  return ((BigInt(ids[i + 1] >>> 0) << 32n) | BigInt(ids[i] >>> 0)) & MPIDR_HWID_BITMASK;
}

/** kvm_mpidr_to_vcpu(). */
function mpidrToVcpu(vm: Vm, mpidr: bigint): Vcpu | undefined {
  const want = mpidr & MPIDR_HWID_BITMASK;
  return vm.vcpus.find((t) => vcpuMpidrAff(t) === want);
}

// ---- power state ------------------------------------------------------------------------------

/**
 * kvm_reset_vcpu() as PSCI CPU_ON requests it (KVM_REQ_VCPU_RESET with reset_state): the
 * vCPU-init reset (reset.ts resetVcpu(): registers, EL2 controls, timer, MPIDR) with PC = entry
 * point and x0 = context ID, the caller's endianness (SCTLR_EL1.EE, reset_state.be), and the run
 * loop's pending state dropped.
 */
export function resetVcpuForCpuOn(target: Vcpu, pc: bigint, r0: bigint, bigEndian: boolean): void {
  resetVcpu(target, { pc, r0 });
  if (bigEndian) target.cpu.s[srIndex(SR.SCTLR_EL1)] |= SCTLR_EE;
  target.arch = undefined;
}

/** kvm_psci_vcpu_on(). */
function psciVcpuOn(src: Vcpu, fid: number): number {
  const mpidr = arg(src, fid, 1);
  const target = mpidrToVcpu(src.vm, mpidr);
  if (target === undefined || !target.initialized) return P.PSCI_RET_INVALID_PARAMS;
  if (target.mpState !== KVM_MP_STATE_STOPPED) {
    return kvmPsciVersion(src) !== KVM_ARM_PSCI_0_1 ? P.PSCI_RET_ALREADY_ON : P.PSCI_RET_INVALID_PARAMS;
  }
  const entry = arg(src, fid, 2);
  // KVM leaves a bad entry point to fault in the target; typevisor refuses a misaligned one
  // (an A64 entry must be 4-byte aligned) with PSCI 0.2's INVALID_PARAMETERS.
  if ((entry & 3n) !== 0n) return P.PSCI_RET_INVALID_PARAMS;
  const be = (src.cpu.s[srIndex(SR.SCTLR_EL1)] & SCTLR_EE) !== 0;
  resetVcpuForCpuOn(target, entry, arg(src, fid, 3), be);
  target.mpState = KVM_MP_STATE_RUNNABLE;
  return P.PSCI_RET_SUCCESS;
}

/** psci_affinity_mask(): the MPIDR bits compared at `level` (0..3), 0 when invalid. */
function affinityMask(level: bigint): bigint {
  if (level > 3n) return 0n;
  const shift = BigInt(((1 << Number(level)) >> 1) << 3);
  return MPIDR_HWID_BITMASK & ~((1n << shift) - 1n);
}

/** kvm_psci_vcpu_affinity_info(). */
function psciAffinityInfo(v: Vcpu, fid: number): number {
  let target = arg(v, fid, 1);
  const level = arg(v, fid, 2);
  if ((target & ~MPIDR_HWID_BITMASK) !== 0n) return P.PSCI_RET_INVALID_PARAMS;
  const mask = affinityMask(level);
  if (mask === 0n) return P.PSCI_RET_INVALID_PARAMS;
  target &= mask;
  for (const t of v.vm.vcpus) {
    if ((vcpuMpidrAff(t) & mask) === target && t.mpState !== KVM_MP_STATE_STOPPED) return P.PSCI_0_2_AFFINITY_LEVEL_ON;
  }
  return P.PSCI_0_2_AFFINITY_LEVEL_OFF;
}

/**
 * kvm_prepare_system_event(): every vCPU is stopped (none runs again before the VMM
 * re-initialises it), x0 preloaded with INTERNAL_FAILURE for a VMM that resumes anyway.
 */
function systemEvent(v: Vcpu, type: number, flags: bigint): KvmRun {
  for (const t of v.vm.vcpus) t.mpState = KVM_MP_STATE_STOPPED;
  setRetval(v, P.PSCI_RET_INTERNAL_FAILURE);
  return { exitReason: KVM_EXIT_SYSTEM_EVENT, systemEvent: { type, ndata: 1, data: [flags] } };
}

/** CPU_OFF: kvm_arm_vcpu_power_off(). The synchronous API returns to the VMM at once. */
function psciCpuOff(v: Vcpu): KvmRun {
  v.mpState = KVM_MP_STATE_STOPPED;
  setRetval(v, P.PSCI_RET_SUCCESS);
  return { exitReason: KVM_EXIT_INTR };
}

/** PSCI_FEATURES (kvm_psci_1_x_call()). */
function psciFeatures(minor: number, f: number): number {
  switch (f) {
    case P.PSCI_0_2_FN_PSCI_VERSION:
    case P.PSCI_0_2_FN_CPU_SUSPEND:
    case P.PSCI_0_2_FN64_CPU_SUSPEND:
    case P.PSCI_0_2_FN_CPU_OFF:
    case P.PSCI_0_2_FN_CPU_ON:
    case P.PSCI_0_2_FN64_CPU_ON:
    case P.PSCI_0_2_FN_AFFINITY_INFO:
    case P.PSCI_0_2_FN64_AFFINITY_INFO:
    case P.PSCI_0_2_FN_MIGRATE_INFO_TYPE:
    case P.PSCI_0_2_FN_SYSTEM_OFF:
    case P.PSCI_0_2_FN_SYSTEM_RESET:
    case P.PSCI_1_0_FN_PSCI_FEATURES:
    case P.ARM_SMCCC_VERSION_FUNC_ID:
      return P.PSCI_RET_SUCCESS;
    case P.PSCI_1_1_FN_SYSTEM_RESET2:
    case P.PSCI_1_1_FN64_SYSTEM_RESET2:
      return minor >= 1 ? P.PSCI_RET_SUCCESS : P.PSCI_RET_NOT_SUPPORTED;
    default:
      // SYSTEM_SUSPEND needs KVM_CAP_ARM_SYSTEM_SUSPEND, which typevisor does not offer.
      return P.PSCI_RET_NOT_SUPPORTED;
  }
}

/** kvm_psci_0_2_call() and kvm_psci_1_x_call(): PSCI 0.2 and later. */
function psci02(v: Vcpu, fid: number, version: number): SmcccResult {
  const minor = version & 0xffff;
  const is1x = version >= KVM_ARM_PSCI_1_0;
  switch (fid) {
    case P.PSCI_0_2_FN_PSCI_VERSION:
      setRetval(v, version);
      return undefined;
    case P.PSCI_0_2_FN_CPU_SUSPEND:
    case P.PSCI_0_2_FN64_CPU_SUSPEND:
      // kvm_psci_vcpu_suspend(): "same-as WFI".
      setRetval(v, P.PSCI_RET_SUCCESS);
      return PSCI_WFI;
    case P.PSCI_0_2_FN_CPU_OFF:
      return psciCpuOff(v);
    case P.PSCI_0_2_FN_CPU_ON:
    case P.PSCI_0_2_FN64_CPU_ON:
      setRetval(v, psciVcpuOn(v, fid));
      return undefined;
    case P.PSCI_0_2_FN_AFFINITY_INFO:
    case P.PSCI_0_2_FN64_AFFINITY_INFO:
      setRetval(v, psciAffinityInfo(v, fid));
      return undefined;
    case P.PSCI_0_2_FN_MIGRATE_INFO_TYPE:
      // Trusted OS is not present (or is MP): nothing to migrate.
      setRetval(v, P.PSCI_0_2_TOS_MP);
      return undefined;
    case P.PSCI_0_2_FN_SYSTEM_OFF:
      return systemEvent(v, KVM_SYSTEM_EVENT_SHUTDOWN, 0n);
    case P.PSCI_0_2_FN_SYSTEM_RESET:
      return systemEvent(v, KVM_SYSTEM_EVENT_RESET, 0n);
    case P.PSCI_1_0_FN_PSCI_FEATURES:
      if (!is1x) break;
      setRetval(v, psciFeatures(minor, Number(arg(v, fid, 1) & 0xffffffffn)));
      return undefined;
    case P.PSCI_1_1_FN_SYSTEM_RESET2:
    case P.PSCI_1_1_FN64_SYSTEM_RESET2: {
      if (!is1x || minor < 1) break;
      const type = arg(v, fid, 1) & 0xffffffffn;
      if (type === BigInt(P.PSCI_1_1_RESET_TYPE_SYSTEM_WARM_RESET) || type >= BigInt(P.PSCI_1_1_RESET_TYPE_VENDOR_START)) {
        return systemEvent(v, KVM_SYSTEM_EVENT_RESET, KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2);
      }
      setRetval(v, P.PSCI_RET_INVALID_PARAMS);
      return undefined;
    }
    default:
      break;
  }
  setRetval(v, P.PSCI_RET_NOT_SUPPORTED);
  return undefined;
}

/** kvm_psci_0_1_call(): KVM's pre-standard IDs, CPU_ON and CPU_OFF only. */
function psci01(v: Vcpu, fid: number): SmcccResult {
  switch (fid) {
    case KVM_PSCI_FN_CPU_OFF:
      return psciCpuOff(v);
    case KVM_PSCI_FN_CPU_ON:
      setRetval(v, psciVcpuOn(v, fid | P.PSCI_0_2_64BIT));
      return undefined;
    default:
      setRetval(v, P.PSCI_RET_NOT_SUPPORTED);
      return undefined;
  }
}

/** kvm_smccc_default_allowed(): what KVM handles when no filter says otherwise. */
function defaultAllowed(fid: number): boolean {
  if (fid === P.ARM_SMCCC_VERSION_FUNC_ID || fid === P.ARM_SMCCC_ARCH_FEATURES_FUNC_ID) return true;
  if (((fid >>> 24) & 0x3f) === ARM_SMCCC_OWNER_STANDARD && (fid & 0xffff) <= 0x1f) return true;
  return fid >= KVM_PSCI_FN_BASE && fid <= KVM_PSCI_FN_MIGRATE;
}

/** kvm_smccc_get_action(). */
function smcccAction(vm: Vm, fid: number): number {
  const filter = stateOf(vm).filter;
  if (filter !== null) {
    for (const r of filter) if (fid >= r.start && fid <= r.end) return r.action;
  }
  return defaultAllowed(fid) ? KVM_SMCCC_FILTER_HANDLE : KVM_SMCCC_FILTER_DENY;
}

/** SMCCC_ARCH_FEATURES for the Spectre workarounds: what KVM answers on an unaffected CPU. */
function archFeatures(feature: number): number {
  switch (feature) {
    case ARM_SMCCC_ARCH_WORKAROUND_1:
    case ARM_SMCCC_ARCH_WORKAROUND_3:
      return SMCCC_ARCH_WORKAROUND_RET_UNAFFECTED;
    case ARM_SMCCC_ARCH_WORKAROUND_2:
      return SMCCC_RET_NOT_REQUIRED;
    default:
      return P.SMCCC_RET_NOT_SUPPORTED;
  }
}

/**
 * kvm_smccc_call_handler(): one SMCCC call (HVC, or SMC already stepped past). `isSmc` and the
 * trap's IL give KVM_EXIT_HYPERCALL's flags (kvm_prepare_hypercall_exit()).
 */
export function kvmSmcccCallHandler(v: Vcpu, esr: number, isSmc: boolean): SmcccResult {
  const fid = v.cpu.s[0] >>> 0;
  // The Spectre workaround calls themselves: KVM's HVC fast path (hyp-entry.S) returns 0; over
  // SMC they reach the default filter, which denies them.
  if (!isSmc && (fid === ARM_SMCCC_ARCH_WORKAROUND_1 || fid === ARM_SMCCC_ARCH_WORKAROUND_2 || fid === ARM_SMCCC_ARCH_WORKAROUND_3)) {
    setReg(v, 0, 0n);
    return undefined;
  }
  const action = smcccAction(v.vm, fid);
  if (action === KVM_SMCCC_FILTER_DENY) {
    setRetval(v, P.SMCCC_RET_NOT_SUPPORTED);
    return undefined;
  }
  if (action === KVM_SMCCC_FILTER_FWD_TO_USER) {
    let flags = 0n;
    if (isSmc) flags |= KVM_HYPERCALL_EXIT_SMC;
    if ((esr & ESR_ELx_IL) === 0) flags |= KVM_HYPERCALL_EXIT_16BIT;
    // KVM leaves args zero (the VMM reads x1.. with KVM_GET_ONE_REG); typevisor also copies
    // x1..x6 there for convenience.
    const args = [1, 2, 3, 4, 5, 6].map((n) => getReg(v, n));
    return { exitReason: KVM_EXIT_HYPERCALL, hypercall: { nr: BigInt(fid), args, ret: 0n, flags } };
  }
  switch (fid) {
    case P.ARM_SMCCC_VERSION_FUNC_ID:
      setRetval(v, P.ARM_SMCCC_VERSION_1_1);
      return undefined;
    case P.ARM_SMCCC_ARCH_FEATURES_FUNC_ID:
      setRetval(v, archFeatures(Number(getReg(v, 1) & 0xffffffffn)));
      return undefined;
    default: {
      const version = kvmPsciVersion(v);
      return version === KVM_ARM_PSCI_0_1 ? psci01(v, fid) : psci02(v, fid, version);
    }
  }
}
