/**
 * Everything a vCPU owns, described once (STYLE.md "The vCPU context is one list"): each entry is
 * one ONE_REG register with its Linux ID, its size, and get/set (set validates as KVM does).
 * KVM_GET_ONE_REG, KVM_SET_ONE_REG, KVM_GET_REG_LIST (one-reg.ts) and snapshots
 * (saveVcpu/restoreVcpu below) are all driven by VCPU_CONTEXT; there is no other list.
 *
 * Groups, in the order KVM's kvm_arm_copy_reg_indices() (arch/arm64/kvm/guest.c) lists them:
 * - core: struct kvm_regs — X0-X30, SP_EL0 (regs.sp), PC, PSTATE, SP_EL1, ELR_EL1, SPSR[5],
 *   V0-V31 (U128), FPSR and FPCR (U32);
 * - fw: firmware pseudo-registers (arch/arm64/kvm/hypercalls.c): PSCI version, SMCCC
 *   workaround levels, the hypercall-service bitmaps;
 * - timer: CTL/CNT/CVAL of the virtual and physical EL1 timers (arch/arm64/kvm/arch_timer.c);
 * - sysreg/id: every row of the arch sysreg table (SYSREGS) that is a register with storage and
 *   not reached as a core/timer register, through sysregValue/setSysregValue; the
 *   identification block (op0 3, CRn 0): the per-VM ID registers through vm.idRegs, MPIDR_EL1
 *   and CLIDR_EL1 per vCPU (as KVM's sys_reg_descs[]); rows whose `visible` is false for this
 *   vCPU are absent;
 * - demux: CCSIDR_EL1 of every cache CLIDR_EL1 describes (sys_regs.c write_demux_regids()).
 *
 * Snapshots are Map<id, value> over these entries: changing an entry is a snapshot-format change.
 *
 * VM-wide state that KVM keeps in struct kvm_arch lives with its owner: the PSCI version in
 * psci.ts, the ID registers in vm.idRegs; the firmware bitmaps, the counter offsets and
 * KVM_ARCH_FLAG_VM_COUNTER_OFFSET here, keyed by the Vm (vmRegState()).
 */
import type { Vcpu } from '../vcpu.js';
import type { Vm } from '../vm.js';
import { KvmError } from '../errors.js';
import { S, SR, srIndex } from '../../arch/aarch64/state.js';
import { getPstate, setPstate } from '../../arch/aarch64/exceptions.js';
import { SYSREGS, sysregValue, setSysregValue, type SysregDesc } from '../../arch/aarch64/sysregs/table.js';
import { A_R, A_R0 } from '../../arch/aarch64/sysregs/desc.js';
import { idRegIndex } from '../../arch/aarch64/cpus/model.js';
import { readCntpct, readCntvct, readSystemCount, readTimerCtl, writeTimerCtl, TIMER_VIRT, TIMER_PHYS } from '../../arch/aarch64/timer.js';
import { KVM_ARM_VCPU_PSCI_0_2 } from '../uapi/kvm.js';
import { kvmPsciVersion, setVmPsciVersion } from './psci.js';
import {
  KVM_REG_ARM64,
  KVM_REG_SIZE_MASK,
  KVM_REG_SIZE_U32,
  KVM_REG_ARM_COPROC_MASK,
  KVM_REG_ARM_CORE,
  KVM_REG_ARM_DEMUX,
  KVM_REG_ARM_DEMUX_ID_CCSIDR,
  KVM_REG_SIZE,
  KVM_REGS_NR_WORDS,
  KVM_REG_ARM_CORE_REG,
  KVM_NR_SPSR,
  ARM64_SYS_REG,
  KVM_REG_ARM_TIMER_CTL,
  KVM_REG_ARM_TIMER_CNT,
  KVM_REG_ARM_TIMER_CVAL,
  KVM_REG_ARM_PTIMER_CTL,
  KVM_REG_ARM_PTIMER_CNT,
  KVM_REG_ARM_PTIMER_CVAL,
  KVM_REG_ARM_PSCI_VERSION,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_REQUIRED,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_AVAIL,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_UNKNOWN,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_AVAIL,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_REQUIRED,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_ENABLED,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3_NOT_REQUIRED,
  KVM_REG_FEATURE_LEVEL_MASK,
  KVM_REG_ARM_STD_BMAP,
  KVM_REG_ARM_STD_HYP_BMAP,
  KVM_REG_ARM_VENDOR_HYP_BMAP,
  KVM_REG_ARM_VENDOR_HYP_BMAP_2,
  KVM_ARM_PSCI_0_1,
  KVM_ARM_PSCI_0_2,
  KVM_ARM_PSCI_1_0,
  KVM_ARM_PSCI_1_1,
  PSR_AA32_MODE_MASK,
  PSR_MODE_EL0t,
  PSR_MODE_EL1t,
  PSR_MODE_EL1h,
  type KvmCoreRegName,
} from '../uapi/kvm-arm64.js';

/** A ONE_REG value: a bigint for U32/U64 registers, 16 little-endian bytes for U128. */
export type RegValue = bigint | Uint8Array;

export type VcpuRegGroup = 'core' | 'fw' | 'timer' | 'id' | 'sysreg' | 'demux';

export interface VcpuRegDesc {
  /** The KVM ONE_REG ID (size bits included). */
  readonly id: bigint;
  /** A readable name (the kvm_regs field, the architectural register, or the uapi name). */
  readonly name: string;
  readonly group: VcpuRegGroup;
  /** Bytes, equal to KVM_REG_SIZE(id). */
  readonly size: 4 | 8 | 16;
  /** Whether this vCPU has the register (absent: ENOENT, not in REG_LIST); undefined = always. */
  readonly present?: (v: Vcpu) => boolean;
  readonly get: (v: Vcpu) => RegValue;
  /** The value's type and range are checked by the caller; `set` checks what KVM checks beyond that. */
  readonly set: (v: Vcpu, value: RegValue) => void;
}

// ---- VM-wide state (struct kvm_arch) ----------------------------------------------------------

/**
 * Hypercall services typevisor implements, per bitmap register (KVM's KVM_ARM_SMCCC_*_FEATURES):
 * none yet (no TRNG, PV time, PTP or vendor discovery). The hypercall code raises a mask here
 * when it implements the service; the bitmap then defaults to it and userspace may clear bits.
 */
export const FW_FEATURES_SUPPORTED: ReadonlyMap<bigint, bigint> = new Map([
  [KVM_REG_ARM_STD_BMAP, 0n],
  [KVM_REG_ARM_STD_HYP_BMAP, 0n],
  [KVM_REG_ARM_VENDOR_HYP_BMAP, 0n],
  [KVM_REG_ARM_VENDOR_HYP_BMAP_2, 0n],
]);

export interface VmRegState {
  /** The firmware feature bitmaps (kvm->arch.smccc_feat), by register ID. */
  readonly fwBitmaps: Map<bigint, bigint>;
  /** CNTVOFF_EL2 of every vCPU (kvm->arch.timer_data.voffset), as an unsigned 64-bit value. */
  cntvoff: bigint;
  /** CNTPOFF_EL2 of every vCPU (kvm->arch.timer_data.poffset), as an unsigned 64-bit value. */
  cntpoff: bigint;
  /**
   * KVM_ARCH_FLAG_VM_COUNTER_OFFSET: userspace set the offsets with KVM_ARM_SET_COUNTER_OFFSET;
   * from then on ONE_REG writes of TIMER_CNT and PTIMER_CNT are ignored. Never cleared.
   */
  vmCounterOffset: boolean;
  /** Host time (performance.now()) at which the VM's system count (before offsets) reads 0. */
  timeOrigin: number;
}

const VM_STATE = new WeakMap<Vm, VmRegState>();

/** The VM's register state, created on first use (the first KVM_ARM_VCPU_INIT in practice). */
export function vmRegState(vm: Vm): VmRegState {
  let st = VM_STATE.get(vm);
  if (st === undefined) {
    st = { fwBitmaps: new Map(FW_FEATURES_SUPPORTED), cntvoff: 0n, cntpoff: 0n, vmCounterOffset: false, timeOrigin: performance.now() };
    VM_STATE.set(vm, st);
  }
  return st;
}

/** Whether a hypercall service bit is enabled in one of the firmware bitmaps (for the hypercall code). */
export function fwFeatureEnabled(vm: Vm, bmapId: bigint, bit: bigint): boolean {
  return ((vmRegState(vm).fwBitmaps.get(bmapId) ?? 0n) & (1n << bit)) !== 0n;
}

/** Write the VM's CNTVOFF_EL2 into every vCPU (KVM: timer_set_offset() on the VM-wide voffset). */
export function setVmCounterOffset(vm: Vm, off: bigint): void {
  const st = vmRegState(vm);
  st.cntvoff = BigInt.asUintN(64, off);
  for (const c of vm.vcpus) writeOffset(c, S.CNTVOFF_EL2, st.cntvoff);
}

/** Write the VM's CNTPOFF_EL2 into every vCPU (KVM: timer_set_offset() on the VM-wide poffset). */
export function setVmPhysCounterOffset(vm: Vm, off: bigint): void {
  const st = vmRegState(vm);
  st.cntpoff = BigInt.asUintN(64, off);
  for (const c of vm.vcpus) writeOffset(c, S.CNTPOFF_EL2, st.cntpoff);
}

/**
 * KVM_ARM_SET_COUNTER_OFFSET's effect (arch_timer.c kvm_vm_ioctl_set_counter_offset()): the VM
 * gets KVM_ARCH_FLAG_VM_COUNTER_OFFSET and voffset = poffset = `off`, so both counters of every
 * vCPU read the system count minus `off`. The caller has validated the argument.
 */
export function setVmCounterOffsets(vm: Vm, off: bigint): void {
  vmRegState(vm).vmCounterOffset = true;
  setVmCounterOffset(vm, off);
  setVmPhysCounterOffset(vm, off);
}

/** Put the VM's counter origin, CNTVOFF_EL2 and CNTPOFF_EL2 into one vCPU's CPU (after a reset). */
export function loadVmTimerState(v: Vcpu): void {
  const st = vmRegState(v.vm);
  v.cpu.timeOrigin = st.timeOrigin;
  writeOffset(v, S.CNTVOFF_EL2, st.cntvoff);
  writeOffset(v, S.CNTPOFF_EL2, st.cntpoff);
}

function writeOffset(v: Vcpu, word: number, off: bigint): void {
  v.cpu.s[word] = lo32(off);
  v.cpu.s[word + 1] = hi32(off);
}

// ---- helpers ------------------------------------------------------------------------------------

function lo32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}
function hi32(v: bigint): number {
  return Number(BigInt.asIntN(32, v >> 32n));
}
function pair(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}
function readWords(v: Vcpu, w: number): bigint {
  return pair(v.cpu.s[w], v.cpu.s[w + 1]);
}
function writeWords(v: Vcpu, w: number, x: bigint): void {
  v.cpu.s[w] = lo32(x);
  v.cpu.s[w + 1] = hi32(x);
}
function einval(msg: string): never {
  throw new KvmError('EINVAL', msg, 'value');
}
function big(x: RegValue): bigint {
  return x as bigint;
}

/** A 64-bit register kept in two state words. */
function words(id: bigint, name: string, group: VcpuRegGroup, word: number): VcpuRegDesc {
  return { id, name, group, size: 8, get: (v) => readWords(v, word), set: (v, x) => writeWords(v, word, big(x)) };
}

// ---- core -------------------------------------------------------------------------------------

/** Whether the live SP (S.SP) is SP_EL1 (PSTATE.EL = 1 and PSTATE.SP = 1) — see setElSp(). */
function liveIsSpEl1(v: Vcpu): boolean {
  return v.cpu.s[S.EL] !== 0 && v.cpu.s[S.SPSEL] !== 0;
}

/** KVM_REG_ARM_CORE_REG(regs.sp) is SP_EL0 and sp_el1 is SP_EL1 whatever PSTATE.SP says. */
function spWord(v: Vcpu, el1: boolean): number {
  if (liveIsSpEl1(v) === el1) return S.SP;
  return el1 ? S.SP_EL1 : S.SP_EL0;
}

/**
 * PSTATE (guest.c set_core_reg): the mode must be one this vCPU can be in. EL0t, EL1t and EL1h
 * only: AArch32 modes need KVM_ARM_VCPU_EL1_32BIT (refused) or 32-bit EL0 (not implemented),
 * EL2 modes need KVM_ARM_VCPU_HAS_EL2 (refused). Written through setPstate() so the banked SPs
 * and the interrupt check follow, as an ERET would. Bits the machine does not model (bits
 * [63:32], SSBS, DIT, TCO...) are dropped, so they read back as 0.
 */
function setPstateReg(v: Vcpu, x: RegValue): void {
  const val = big(x);
  const mode = val & PSR_AA32_MODE_MASK;
  if (mode !== PSR_MODE_EL0t && mode !== PSR_MODE_EL1t && mode !== PSR_MODE_EL1h) {
    einval(`setOneReg(regs.pstate): mode 0x${mode.toString(16)} is not EL0t, EL1t or EL1h (AArch32 and EL2 modes are not supported)`);
  }
  setPstate(v.cpu, lo32(val));
  v.cpu.exclValid = false;
}

const SPSR_SLOTS: readonly SR[] = [SR.SPSR_EL1, SR.SPSR_ABT, SR.SPSR_UND, SR.SPSR_IRQ, SR.SPSR_FIQ];

function vregGet(v: Vcpu, n: number): Uint8Array {
  const out = new Uint8Array(16);
  const s = v.cpu.s;
  for (let k = 0; k < 4; k++) {
    const w = s[S.V0 + 4 * n + k];
    out[4 * k] = w & 0xff;
    out[4 * k + 1] = (w >>> 8) & 0xff;
    out[4 * k + 2] = (w >>> 16) & 0xff;
    out[4 * k + 3] = (w >>> 24) & 0xff;
  }
  return out;
}

function vregSet(v: Vcpu, n: number, b: Uint8Array): void {
  const s = v.cpu.s;
  for (let k = 0; k < 4; k++) {
    s[S.V0 + 4 * n + k] = b[4 * k] | (b[4 * k + 1] << 8) | (b[4 * k + 2] << 16) | (b[4 * k + 3] << 24);
  }
}

function coreRegs(): VcpuRegDesc[] {
  const out: VcpuRegDesc[] = [];
  const core = (name: KvmCoreRegName): bigint => KVM_REG_ARM_CORE_REG(name);
  for (let n = 0; n <= 30; n++) out.push(words(core(`regs.regs[${n}]`), `regs.regs[${n}]`, 'core', S.X0 + 2 * n));
  out.push({
    id: core('regs.sp'),
    name: 'regs.sp',
    group: 'core',
    size: 8,
    get: (v) => readWords(v, spWord(v, false)),
    set: (v, x) => writeWords(v, spWord(v, false), big(x)),
  });
  out.push({
    id: core('regs.pc'),
    name: 'regs.pc',
    group: 'core',
    size: 8,
    get: (v) => readWords(v, S.PC),
    set: (v, x) => writeWords(v, S.PC, big(x)),
  });
  out.push({ id: core('regs.pstate'), name: 'regs.pstate', group: 'core', size: 8, get: (v) => BigInt(getPstate(v.cpu) >>> 0), set: setPstateReg });
  out.push({
    id: core('sp_el1'),
    name: 'sp_el1',
    group: 'core',
    size: 8,
    get: (v) => readWords(v, spWord(v, true)),
    set: (v, x) => writeWords(v, spWord(v, true), big(x)),
  });
  out.push(words(core('elr_el1'), 'elr_el1', 'core', srIndex(SR.ELR_EL1)));
  for (let n = 0; n < KVM_NR_SPSR; n++) out.push(words(core(`spsr[${n}]`), `spsr[${n}]`, 'core', srIndex(SPSR_SLOTS[n])));
  for (let n = 0; n < 32; n++) {
    out.push({
      id: core(`fp_regs.vregs[${n}]`),
      name: `fp_regs.vregs[${n}]`,
      group: 'core',
      size: 16,
      get: (v) => vregGet(v, n),
      set: (v, x) => vregSet(v, n, x as Uint8Array),
    });
  }
  for (const [name, w] of [['fp_regs.fpsr', S.FPSR], ['fp_regs.fpcr', S.FPCR]] as const) {
    out.push({
      id: core(name),
      name,
      group: 'core',
      size: 4,
      get: (v) => BigInt(v.cpu.s[w] >>> 0),
      set: (v, x) => {
        v.cpu.s[w] = lo32(big(x));
      },
    });
  }
  return out;
}

// ---- firmware (arch/arm64/kvm/hypercalls.c kvm_arm_get_fw_reg / kvm_arm_set_fw_reg) ---------------

/**
 * PSCI_VERSION: what kvm_psci_version() gives this vCPU (the VM's version, kept by psci.ts,
 * for PSCI_0_2 vCPUs; 0.1 otherwise). A PSCI_0_2 vCPU may choose 0.2, 1.0 or 1.1 (VM-wide), a
 * vCPU without it only 0.1. KVM does not freeze it after the first run, nor do we.
 */
function getPsciVersion(v: Vcpu): bigint {
  return BigInt(kvmPsciVersion(v));
}

function setPsciVersion(v: Vcpu, x: RegValue): void {
  const val = big(x);
  const wants02 = (v.features & (1 << KVM_ARM_VCPU_PSCI_0_2)) !== 0;
  if (val === KVM_ARM_PSCI_0_1 && !wants02) return;
  if ((val === KVM_ARM_PSCI_0_2 || val === KVM_ARM_PSCI_1_0 || val === KVM_ARM_PSCI_1_1) && wants02) {
    setVmPsciVersion(v.vm, Number(val));
    return;
  }
  einval(`setOneReg(PSCI_VERSION): 0x${val.toString(16)} is not a version this vCPU supports (${wants02 ? '0x2, 0x10000, 0x10001' : '0x1'})`);
}

/**
 * SMCCC_ARCH_WORKAROUND_1/3 (Spectre-v2, Spectre-BHB): an emulated CPU is unaffected, so the
 * level is NOT_REQUIRED. A write may ask for a level at or below it (hypercalls.c: "userspace
 * may only lower the level"); nothing is stored.
 */
function setWorkaround13(name: string, kernelLevel: bigint) {
  return (_v: Vcpu, x: RegValue): void => {
    const val = big(x);
    if ((val & ~KVM_REG_FEATURE_LEVEL_MASK) !== 0n) einval(`setOneReg(${name}): bits outside the level field`);
    if (val > kernelLevel) einval(`setOneReg(${name}): level ${val} is above what typevisor offers (${kernelLevel})`);
  };
}

/** SMCCC_ARCH_WORKAROUND_2 (SSBD): NOT_REQUIRED; ENABLED only with the AVAIL level (hypercalls.c). */
function setWorkaround2(_v: Vcpu, x: RegValue): void {
  const val = big(x);
  const level = val & KVM_REG_FEATURE_LEVEL_MASK;
  if ((val & ~(KVM_REG_FEATURE_LEVEL_MASK | KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_ENABLED)) !== 0n) {
    einval('setOneReg(SMCCC_ARCH_WORKAROUND_2): bits outside the level field and ENABLED');
  }
  if ((val & KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_ENABLED) !== 0n && level !== KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_AVAIL) {
    einval('setOneReg(SMCCC_ARCH_WORKAROUND_2): ENABLED needs the AVAIL level');
  }
  if (
    level !== KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_AVAIL &&
    level !== KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_UNKNOWN &&
    level !== KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_AVAIL &&
    level !== KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_REQUIRED
  ) {
    einval(`setOneReg(SMCCC_ARCH_WORKAROUND_2): unknown level ${level}`);
  }
  // Every level maps to NOT_AVAIL or NOT_REQUIRED, both at or below NOT_REQUIRED: accepted.
}

/**
 * Feature bitmaps (hypercalls.c kvm_arm_set_fw_reg_bmap): any subset of what typevisor
 * implements; once the VM has run, only the value it holds (EBUSY otherwise).
 */
function fwBitmap(id: bigint, name: string): VcpuRegDesc {
  return {
    id,
    name,
    group: 'fw',
    size: 8,
    get: (v) => vmRegState(v.vm).fwBitmaps.get(id) ?? 0n,
    set: (v, x) => {
      const val = big(x);
      const supported = FW_FEATURES_SUPPORTED.get(id) ?? 0n;
      if ((val & ~supported) !== 0n) einval(`setOneReg(${name}): 0x${val.toString(16)} has bits outside the supported 0x${supported.toString(16)}`);
      const st = vmRegState(v.vm);
      if (v.vm.hasRunOnce && val !== (st.fwBitmaps.get(id) ?? 0n)) {
        throw new KvmError('EBUSY', `setOneReg(${name}): the VM has already run`, 'value');
      }
      st.fwBitmaps.set(id, val);
    },
  };
}

function fwRegs(): VcpuRegDesc[] {
  const wa1 = KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_REQUIRED;
  const wa2 = KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_REQUIRED;
  const wa3 = KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3_NOT_REQUIRED;
  return [
    { id: KVM_REG_ARM_PSCI_VERSION, name: 'PSCI_VERSION', group: 'fw', size: 8, get: getPsciVersion, set: setPsciVersion },
    { id: KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, name: 'SMCCC_ARCH_WORKAROUND_1', group: 'fw', size: 8, get: () => wa1, set: setWorkaround13('SMCCC_ARCH_WORKAROUND_1', wa1) },
    { id: KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, name: 'SMCCC_ARCH_WORKAROUND_2', group: 'fw', size: 8, get: () => wa2, set: setWorkaround2 },
    { id: KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3, name: 'SMCCC_ARCH_WORKAROUND_3', group: 'fw', size: 8, get: () => wa3, set: setWorkaround13('SMCCC_ARCH_WORKAROUND_3', wa3) },
    fwBitmap(KVM_REG_ARM_STD_BMAP, 'STD_BMAP'),
    fwBitmap(KVM_REG_ARM_STD_HYP_BMAP, 'STD_HYP_BMAP'),
    fwBitmap(KVM_REG_ARM_VENDOR_HYP_BMAP, 'VENDOR_HYP_BMAP'),
    fwBitmap(KVM_REG_ARM_VENDOR_HYP_BMAP_2, 'VENDOR_HYP_BMAP_2'),
  ];
}

// ---- timer (arch/arm64/kvm/arch_timer.c kvm_arm_timer_get_reg / kvm_arm_timer_set_reg) ------------

function timerCtl(id: bigint, name: string, which: number): VcpuRegDesc {
  return {
    id,
    name,
    group: 'timer',
    size: 8,
    get: (v) => BigInt(readTimerCtl(v.cpu, which) >>> 0),
    set: (v, x) => writeTimerCtl(v.cpu, which, lo32(big(x))),
  };
}

function timerRegs(): VcpuRegDesc[] {
  return [
    timerCtl(KVM_REG_ARM_TIMER_CTL, 'TIMER_CTL', TIMER_VIRT),
    {
      // The current virtual count. A write moves the VM-wide CNTVOFF_EL2 so that this vCPU's
      // counter reads the value now (every vCPU shares it, as KVM's voffset: voffset = host count
      // - value); ignored once KVM_ARM_SET_COUNTER_OFFSET has set the VM's offsets.
      id: KVM_REG_ARM_TIMER_CNT,
      name: 'TIMER_CNT',
      group: 'timer',
      size: 8,
      get: (v) => pair(readCntvct(v.cpu), v.cpu.rhi),
      set: (v, x) => {
        if (vmRegState(v.vm).vmCounterOffset) return;
        const sys = pair(readSystemCount(v.cpu), v.cpu.rhi);
        setVmCounterOffset(v.vm, sys - big(x));
      },
    },
    words(KVM_REG_ARM_TIMER_CVAL, 'TIMER_CVAL', 'timer', srIndex(SR.CNTV_CVAL_EL0)),
    timerCtl(KVM_REG_ARM_PTIMER_CTL, 'PTIMER_CTL', TIMER_PHYS),
    {
      // The physical count. A write moves the VM-wide CNTPOFF_EL2 (KVM's poffset = host count -
      // value), ignored once KVM_ARM_SET_COUNTER_OFFSET has set the VM's offsets. Since Linux 6.4
      // KVM honours this write on every host: with FEAT_ECV through CNTPOFF_EL2, without it by
      // trapping the guest's physical counter and timer accesses and correcting them (before 6.4 it
      // was accepted and ignored). The machine here has CNTPOFF_EL2, so it acts as an ECV host.
      id: KVM_REG_ARM_PTIMER_CNT,
      name: 'PTIMER_CNT',
      group: 'timer',
      size: 8,
      get: (v) => pair(readCntpct(v.cpu), v.cpu.rhi),
      set: (v, x) => {
        if (vmRegState(v.vm).vmCounterOffset) return;
        const sys = pair(readSystemCount(v.cpu), v.cpu.rhi);
        setVmPhysCounterOffset(v.vm, sys - big(x));
      },
    },
    words(KVM_REG_ARM_PTIMER_CVAL, 'PTIMER_CVAL', 'timer', srIndex(SR.CNTP_CVAL_EL0)),
  ];
}

// ---- system registers (arch sysreg table) -----------------------------------------------------------

function visibleRow(d: SysregDesc) {
  return d.visible === undefined ? undefined : (v: Vcpu) => d.visible!(v.cpu);
}

/** OSLSR_EL1: only OSLK (bit 1) may change; OSLM must stay "implemented" (sys_regs.c set_oslsr_el1). */
const OSLSR_OSLK = 2n;
const OSLSR_RESET = 0x8n;

function storedRow(d: SysregDesc): VcpuRegDesc {
  const id = ARM64_SYS_REG(d.op0, d.op1, d.crn, d.crm, d.op2);
  return {
    id,
    name: d.name,
    group: 'sysreg',
    size: 8,
    present: visibleRow(d),
    get: (v) => sysregValue(v.cpu, d) ?? 0n,
    set: (v, x) => {
      const val = big(x);
      if (d.name === 'OSLSR_EL1' && ((val ^ OSLSR_RESET) & ~OSLSR_OSLK) !== 0n) {
        einval('setOneReg(OSLSR_EL1): only OSLK may change');
      }
      setSysregValue(v.cpu, d, val);
    },
  };
}

/** MPIDR_EL1: per vCPU, any value (KVM stores what userspace writes). */
function mpidrGet(v: Vcpu): bigint {
  const i = idRegIndex(0, 5);
  return pair(v.cpu.idRegs[i], v.cpu.idRegs[i + 1]);
}
function mpidrSet(v: Vcpu, x: RegValue): void {
  const i = idRegIndex(0, 5);
  v.cpu.idRegs[i] = lo32(big(x));
  v.cpu.idRegs[i + 1] = hi32(big(x));
}

/** CLIDR_EL1 fields (Arm ARM D24.2.31): LoUIS [23:21], LoC [26:24], LoUU [29:27]; [63:47] RES0. */
const CLIDR_RES0 = ((1n << 64n) - 1n) ^ ((1n << 47n) - 1n);
const CTR_IDC = 1 << 28;

/**
 * CLIDR_EL1: per vCPU (sys_regs.c set_clidr): RES0 bits clear, and a hierarchy that needs no
 * cleaning to the PoU (LoC = 0, or LoUIS = LoUU = 0) only if CTR_EL0.IDC says so.
 */
function clidrSet(v: Vcpu, x: RegValue): void {
  const val = big(x);
  if ((val & CLIDR_RES0) !== 0n) einval('setOneReg(CLIDR_EL1): RES0 bits set');
  const louis = (val >> 21n) & 7n;
  const loc = (val >> 24n) & 7n;
  const louu = (val >> 27n) & 7n;
  const idc = loc === 0n || (louis === 0n && louu === 0n);
  if (idc && (v.cpu.ctr[0] & CTR_IDC) === 0) einval('setOneReg(CLIDR_EL1): implies CTR_EL0.IDC, which is 0');
  v.cpu.clidr[0] = lo32(val);
  v.cpu.clidr[1] = hi32(val);
}

/** Identification registers kept per vCPU rather than per VM. */
const PER_VCPU_ID: ReadonlyMap<string, { get: (v: Vcpu) => bigint; set: (v: Vcpu, x: RegValue) => void }> = new Map([
  ['MPIDR_EL1', { get: mpidrGet, set: mpidrSet }],
  ['CLIDR_EL1', { get: (v: Vcpu) => pair(v.cpu.clidr[0], v.cpu.clidr[1]), set: clidrSet }],
]);

function idRegsOf(v: Vcpu) {
  const r = v.vm.idRegs;
  if (r === undefined) throw new KvmError('ENOEXEC', 'ONE_REG: the VM has no ID registers before the first KVM_ARM_VCPU_INIT');
  return r;
}

/**
 * An identification register (op0 3, CRn 0) without storage: per VM through vm.idRegs (which
 * validates and freezes after the first run) when vm.idRegs.isVmReg() says so, per vCPU for
 * MPIDR_EL1 and CLIDR_EL1, absent otherwise (CCSIDR_EL1 is the DEMUX group; DCZID_EL0 is
 * computed and not userspace state, as in KVM).
 */
function idRow(d: SysregDesc): VcpuRegDesc {
  const id = ARM64_SYS_REG(d.op0, d.op1, d.crn, d.crm, d.op2);
  const perVcpu = PER_VCPU_ID.get(d.name);
  if (perVcpu !== undefined) return { id, name: d.name, group: 'id', size: 8, get: perVcpu.get, set: perVcpu.set };
  return {
    id,
    name: d.name,
    group: 'id',
    size: 8,
    present: (v) => v.vm.idRegs !== undefined && v.vm.idRegs.isVmReg(d.op0, d.op1, d.crn, d.crm, d.op2),
    get: (v) => idRegsOf(v).get(d.op0, d.op1, d.crn, d.crm, d.op2),
    // set_id_reg(): validated, frozen once the VM has run, and shown on every vCPU at once.
    set: (v, x) => idRegsOf(v).set(v.vm, d.op0, d.op1, d.crn, d.crm, d.op2, big(x)),
  };
}

function sysRegs(): VcpuRegDesc[] {
  const out: VcpuRegDesc[] = [];
  for (const d of SYSREGS) {
    if (d.isInsn || d.core) continue;
    if (d.word >= 0) out.push(storedRow(d));
    else if (d.op0 === 3 && d.crn === 0 && (d.access & (A_R | A_R0)) !== 0 && d.name !== 'CCSIDR_EL1' && d.name !== 'DCZID_EL0') out.push(idRow(d));
  }
  return out;
}

// ---- DEMUX: CCSIDR_EL1 per cache (sys_regs.c demux_c15_get/set, is_valid_cache) ---------------------

/** CSSELR_EL1 values 0..13: Level [3:1] (L1..L7), InD [0]. */
const CSSELR_MAX = 14;

/** Whether CLIDR_EL1 describes the cache a CSSELR value selects. */
function isValidCache(v: Vcpu, csselr: number): boolean {
  const level = csselr >> 1;
  const ind = csselr & 1;
  const ctype = (v.cpu.clidr[0] >>> (level * 3)) & 7;
  if (csselr >= v.cpu.ccsidr.length / 2) return false;
  switch (ctype) {
    case 1: // instruction cache only
      return ind === 1;
    case 2: // data cache only
    case 4: // unified
      return ind === 0;
    case 3: // separate I and D
      return true;
    default:
      return false;
  }
}

/**
 * CCSIDR_EL1 write (set_ccsidr): bits [63:32] RES0 (the U32 size guarantees it), and the line
 * size no smaller than CTR_EL0's minimum for that cache type (IminLine/DminLine, log2 words).
 */
function ccsidrSet(v: Vcpu, csselr: number, x: RegValue): void {
  const val = Number(big(x));
  const lineLog2Bytes = (val & 7) + 4;
  const ctr = v.cpu.ctr[0];
  const minLine = ((csselr & 1) !== 0 ? ctr & 0xf : (ctr >>> 16) & 0xf) + 2;
  if (lineLog2Bytes < minLine) einval(`setOneReg(CCSIDR ${csselr}): line size below CTR_EL0's minimum`);
  v.cpu.ccsidr[2 * csselr] = val | 0;
  v.cpu.ccsidr[2 * csselr + 1] = 0;
}

function demuxRegs(): VcpuRegDesc[] {
  const out: VcpuRegDesc[] = [];
  for (let csselr = 0; csselr < CSSELR_MAX; csselr++) {
    out.push({
      id: KVM_REG_ARM64 | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX | KVM_REG_ARM_DEMUX_ID_CCSIDR | BigInt(csselr),
      name: `CCSIDR[${csselr}]`,
      group: 'demux',
      size: 4,
      present: (v) => isValidCache(v, csselr),
      get: (v) => BigInt(v.cpu.ccsidr[2 * csselr] >>> 0),
      set: (v, x) => ccsidrSet(v, csselr, x),
    });
  }
  return out;
}

// ---- the context --------------------------------------------------------------------------------

/** Everything a vCPU owns, in REG_LIST order. */
export const VCPU_CONTEXT: readonly VcpuRegDesc[] = Object.freeze([...coreRegs(), ...fwRegs(), ...timerRegs(), ...sysRegs(), ...demuxRegs()]);

const BY_ID = new Map<bigint, VcpuRegDesc>();
for (const e of VCPU_CONTEXT) {
  if (BY_ID.has(e.id)) throw new Error(`vcpu context: ${e.name} and ${BY_ID.get(e.id)!.name} share ID 0x${e.id.toString(16)}`);
  if (KVM_REG_SIZE(e.id) !== e.size) throw new Error(`vcpu context: ${e.name}: size ${e.size} does not match its ID`);
  BY_ID.set(e.id, e);
}

/**
 * The entry of a register this vCPU has, or the KvmError KVM gives for the ID (guest.c
 * kvm_arm_get_reg/set_reg): not an arm64 ID -> EINVAL; a core-register offset inside struct
 * kvm_regs with the wrong size or not at a field's start -> EINVAL; anything else unknown,
 * including a known register with the wrong size field, -> ENOENT.
 */
export function findVcpuReg(v: Vcpu, id: bigint): VcpuRegDesc {
  if (typeof id !== 'bigint' || id < 0n || id >> 64n !== 0n) throw new KvmError('EINVAL', `ONE_REG: the register ID must be a u64 bigint, got ${String(id)}`, 'id');
  const e = BY_ID.get(id);
  if (e !== undefined && (e.present === undefined || e.present(v))) return e;
  const hex = `0x${id.toString(16)}`;
  if ((id & ~KVM_REG_SIZE_MASK) >> 32n !== KVM_REG_ARM64 >> 32n) {
    throw new KvmError('EINVAL', `ONE_REG: ${hex} is not an arm64 register ID`, 'id');
  }
  if ((id & KVM_REG_ARM_COPROC_MASK) === KVM_REG_ARM_CORE) {
    const off = Number(id & 0xffffn);
    const words32 = KVM_REG_SIZE(id) / 4;
    if (off < KVM_REGS_NR_WORDS && off + words32 < KVM_REGS_NR_WORDS) {
      throw new KvmError('EINVAL', `ONE_REG: ${hex}: core register offset 0x${off.toString(16)} with this size is not a kvm_regs field`, 'id');
    }
  }
  throw new KvmError('ENOENT', `ONE_REG: no register ${hex} on this vCPU`, 'id');
}

/** Check a userspace value against the register's size: bigint 0..2^(8*size)-1, or 16 bytes for U128. */
export function checkRegValue(e: VcpuRegDesc, value: RegValue): void {
  if (e.size === 16) {
    if (!(value instanceof Uint8Array) || value.length !== 16) {
      throw new KvmError('EINVAL', `setOneReg(${e.name}): a U128 register takes a Uint8Array(16), little-endian`, 'value');
    }
    return;
  }
  if (typeof value !== 'bigint' || value < 0n || value >> BigInt(8 * e.size) !== 0n) {
    throw new KvmError('EINVAL', `setOneReg(${e.name}): value must be a bigint from 0 to 2^${8 * e.size} - 1`, 'value');
  }
}

/** The registers this vCPU has, in REG_LIST order. */
export function vcpuRegs(v: Vcpu): VcpuRegDesc[] {
  return VCPU_CONTEXT.filter((e) => e.present === undefined || e.present(v));
}

// ---- snapshots ----------------------------------------------------------------------------------

/** Every register of the vCPU by ONE_REG ID (the snapshot format later issues use). */
export function saveVcpu(v: Vcpu): Map<bigint, bigint | Uint8Array> {
  requireInit(v, 'saveVcpu');
  const out = new Map<bigint, bigint | Uint8Array>();
  for (const e of vcpuRegs(v)) out.set(e.id, e.get(v));
  return out;
}

/**
 * Write a saved register set into an initialised vCPU (same model and features). Identification
 * registers go first: the VM's ID registers decide which debug registers exist, CLIDR which
 * caches do. Every value passes the checks of KVM_SET_ONE_REG.
 */
export function restoreVcpu(v: Vcpu, saved: ReadonlyMap<bigint, bigint | Uint8Array>): void {
  requireInit(v, 'restoreVcpu');
  const rest: [bigint, RegValue][] = [];
  for (const [id, val] of saved) {
    const e = BY_ID.get(id);
    if (e !== undefined && e.group === 'id') setVcpuReg(v, id, val);
    else rest.push([id, val]);
  }
  for (const [id, val] of rest) setVcpuReg(v, id, val);
}

/** KVM_SET_ONE_REG on an initialised vCPU. */
export function setVcpuReg(v: Vcpu, id: bigint, value: RegValue): void {
  const e = findVcpuReg(v, id);
  checkRegValue(e, value);
  e.set(v, value instanceof Uint8Array ? value.slice() : value);
}

export function requireInit(v: Vcpu, what: string): void {
  if (!v.initialized) throw new KvmError('ENOEXEC', `${what}: vCPU ${v.id} has not been initialised (KVM_ARM_VCPU_INIT)`);
}
