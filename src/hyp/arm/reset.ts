/**
 * KVM_ARM_VCPU_INIT and vCPU reset (arch/arm64/kvm/arm.c kvm_arch_vcpu_ioctl_vcpu_init(),
 * kvm_vcpu_set_target(), kvm_vcpu_init_check_features(), kvm_vcpu_init_changed();
 * arch/arm64/kvm/reset.c kvm_reset_vcpu(); sys_regs.c reset_mpidr()).
 *
 * The first init of a VM fixes what every vCPU of it is: the CPU model (vm.model), the feature
 * set (KVM keeps it VM-wide since Linux 6.7, kvm->arch.vcpu_features), and the per-VM ID
 * registers (vm.idRegs). A later init, of this vCPU or another, must ask for the same model and
 * features (EINVAL otherwise) and resets the vCPU. POWER_OFF is ephemeral, as in KVM: it only
 * decides whether this init leaves the vCPU stopped.
 */
import type { Vcpu } from '../vcpu.js';
import type { Vm } from '../vm.js';
import type { CpuModel } from '../../arch/aarch64/cpus/model.js';
import { CPU_MODELS } from '../../arch/aarch64/cpus/index.js';
import { idRegIndex } from '../../arch/aarch64/cpus/model.js';
import { S } from '../../arch/aarch64/state.js';
import { resetCpu } from '../../arch/aarch64/reset.js';
import { updateIntCheck } from '../../arch/aarch64/exceptions.js';
import { HCR_VM, HCR_FMO, HCR_IMO, HCR_AMO, HCR_TWI, HCR_TSC, HCR_TID3, HCR_TACR, CNTHCTL_EL1PCTEN, CNTHCTL_EL1PCEN } from '../../arch/aarch64/sysregs/desc.js';
import { KvmError } from '../errors.js';
import { VmIdRegs } from './id-regs.js';
import { loadVmTimerState, vmRegState } from './vcpu-context.js';
import { vgicOf, vgicVcpuReset } from '../vgic/vgic.js';
import {
  KVM_ARM_TARGET_GENERIC_V8,
  KVM_ARM_VCPU_POWER_OFF,
  KVM_ARM_VCPU_EL1_32BIT,
  KVM_ARM_VCPU_PSCI_0_2,
  KVM_ARM_VCPU_PMU_V3,
  KVM_ARM_VCPU_SVE,
  KVM_ARM_VCPU_PTRAUTH_ADDRESS,
  KVM_ARM_VCPU_PTRAUTH_GENERIC,
  KVM_ARM_VCPU_HAS_EL2,
  KVM_MP_STATE_RUNNABLE,
  KVM_MP_STATE_STOPPED,
} from '../uapi/kvm.js';

export interface VcpuInit {
  /** KVM_ARM_TARGET_* number, or a CPU model name ('cortex-a57', 'max'). */
  target: number | string;
  /** Feature bit numbers (KVM_ARM_VCPU_*), as in kvm_vcpu_init.features[]. */
  features?: number[];
}

// ---- the EL2 controls every guest runs with ---------------------------------------------------

/** HCR_EL2 bits: one definition, in the arch sysreg descriptors (re-exported for the hyp). */
export { HCR_VM, HCR_FMO, HCR_IMO, HCR_AMO };

/**
 * HCR_EL2 of every vCPU: KVM's HCR_GUEST_FLAGS (arch/arm64/include/asm/kvm_arm.h) minus what
 * the machine does not model or we leave off: stage 2 on (VM), physical IRQ/FIQ/SError routed
 * to the hypervisor so the virtual lines are the guest's (IMO, FMO, AMO), WFI trapped (TWI),
 * SMC trapped (TSC), ID-group-3 registers trapped (TID3), ACTLR trapped (TACR). Not set: TWE
 * (KVM clears it too when the vCPU runs alone), TSW (set/way maintenance is harmless on a
 * cacheless machine), TID1 (MIDR/REVIDR/AIDR are already the VM's values), RW, BSU, FB, PTW,
 * SWIO, TIDCP, TLOR (no behaviour to control in typevisor's CPU).
 */
export const HCR_GUEST_FLAGS = HCR_VM | HCR_IMO | HCR_FMO | HCR_AMO | HCR_TWI | HCR_TSC | HCR_TID3 | HCR_TACR;

/** CNTHCTL_EL2: EL1 may read the physical counter and use the physical timer (non-VHE KVM). */
export const CNTHCTL_GUEST = CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN;

/** Features typevisor offers (system_supported_vcpu_features()). */
const SUPPORTED_FEATURES = (1 << KVM_ARM_VCPU_POWER_OFF) | (1 << KVM_ARM_VCPU_PSCI_0_2);
/** KVM_VCPU_VALID_FEATURES: bits 0..7 (KVM_VCPU_MAX_FEATURES = 8). */
const KVM_VCPU_MAX_FEATURES = 8;

const FEATURE_NAMES: Readonly<Record<number, string>> = {
  [KVM_ARM_VCPU_PMU_V3]: 'PMU_V3 (typevisor emulates no PMU)',
  [KVM_ARM_VCPU_SVE]: 'SVE',
  [KVM_ARM_VCPU_PTRAUTH_ADDRESS]: 'PTRAUTH_ADDRESS',
  [KVM_ARM_VCPU_PTRAUTH_GENERIC]: 'PTRAUTH_GENERIC',
  [KVM_ARM_VCPU_HAS_EL2]: 'HAS_EL2 (no nested virtualization yet)',
};

/** What the first init of a VM fixed. */
interface VmInitState {
  /** kvm->arch.vcpu_features: feature bits without POWER_OFF. */
  features: number;
}
const VM_INIT = new WeakMap<Vm, VmInitState>();

// ---- KVM_ARM_VCPU_INIT ------------------------------------------------------------------------

/**
 * The CPU model a target asks for. Numbers as kvm_vcpu_set_target(): KVM_ARM_TARGET_GENERIC_V8
 * or the host's own target (KVM_ARM_PREFERRED_TARGET: the Kvm's preferred model, or the model
 * the VM already has); names of CPU_MODELS as a typevisor convenience.
 */
function resolveTarget(vm: Vm, target: number | string, fixed: boolean): CpuModel {
  if (typeof target === 'string') {
    const m = Object.prototype.hasOwnProperty.call(CPU_MODELS, target) ? CPU_MODELS[target] : undefined;
    if (m === undefined) throw new KvmError('EINVAL', `init: unknown CPU model "${target}"; known: ${Object.keys(CPU_MODELS).join(', ')}`, 'target');
    return m;
  }
  if (typeof target !== 'number' || !Number.isInteger(target) || target < 0 || target > 0xffffffff) {
    throw new KvmError('EINVAL', `init: target must be a KVM_ARM_TARGET_* number or a CPU model name, got ${String(target)}`, 'target');
  }
  if (fixed && (target === KVM_ARM_TARGET_GENERIC_V8 || target === vm.model.kvmTarget)) return vm.model;
  const preferred = vm.kvm.preferredModel;
  if (target === KVM_ARM_TARGET_GENERIC_V8 || target === preferred.kvmTarget) return preferred;
  throw new KvmError(
    'EINVAL',
    `init: target ${target} is neither KVM_ARM_TARGET_GENERIC_V8 (${KVM_ARM_TARGET_GENERIC_V8}) nor this host's preferred target ${preferred.kvmTarget} (${preferred.name})`,
    'target',
  );
}

/**
 * kvm_vcpu_init_check_features(): bits KVM does not know (beyond KVM_VCPU_MAX_FEATURES, or in
 * features[1..6]) are ENOENT; known features typevisor does not offer are EINVAL.
 */
function checkFeatures(list: number[] | undefined): number {
  if (list !== undefined && !Array.isArray(list)) throw new KvmError('EINVAL', 'init: features must be an array of KVM_ARM_VCPU_* bit numbers', 'features');
  let mask = 0;
  for (const f of list ?? []) {
    if (typeof f !== 'number' || !Number.isInteger(f) || f < 0 || f >= 7 * 32) {
      throw new KvmError('EINVAL', `init: feature ${String(f)} is not a bit number of kvm_vcpu_init.features[7]`, 'features');
    }
    if (f >= KVM_VCPU_MAX_FEATURES) throw new KvmError('ENOENT', `init: unknown feature bit ${f}`, 'features');
    mask |= 1 << f;
  }
  if ((mask & (1 << KVM_ARM_VCPU_EL1_32BIT)) !== 0) {
    throw new KvmError('EINVAL', 'init: KVM_ARM_VCPU_EL1_32BIT: AArch32 EL1 is not supported yet', 'features');
  }
  const unsupported = mask & ~SUPPORTED_FEATURES;
  if (unsupported !== 0) {
    const bit = 31 - Math.clz32(unsupported & -unsupported);
    throw new KvmError('EINVAL', `init: feature ${FEATURE_NAMES[bit] ?? bit} is not supported`, 'features');
  }
  return mask;
}

/**
 * KVM_ARM_VCPU_INIT. Errors: EINVAL for a bad or different target/model, an unsupported or
 * changed feature set; ENOENT for an unknown feature bit. On success the vCPU is reset and
 * RUNNABLE (STOPPED with POWER_OFF); the run loop's private state (v.arch) is dropped so it
 * starts afresh.
 */
export function vcpuInit(v: Vcpu, opts: VcpuInit): void {
  if (opts === null || typeof opts !== 'object') throw new KvmError('EINVAL', 'init: expected { target, features? }', 'target');
  const vm = v.vm;
  const prior = VM_INIT.get(vm);
  const model = resolveTarget(vm, opts.target, prior !== undefined);
  let features = checkFeatures(opts.features);
  const powerOff = (features & (1 << KVM_ARM_VCPU_POWER_OFF)) !== 0;
  features &= ~(1 << KVM_ARM_VCPU_POWER_OFF);

  if (prior !== undefined) {
    if (model !== vm.model) {
      throw new KvmError('EINVAL', `init: the VM's vCPUs are ${vm.model.name}; all vCPUs of a VM have one model, ${model.name} asked`, 'target');
    }
    if (features !== prior.features) {
      throw new KvmError('EINVAL', `init: features 0x${features.toString(16)} differ from the VM's 0x${prior.features.toString(16)} (kvm_vcpu_init_changed)`, 'features');
    }
  } else {
    // The first init of the VM: the machine's model, features and ID registers.
    // A GICv2 guest has no GIC System register interface (ID_AA64PFR0_EL1.GIC = 0).
    const vg = vgicOf(vm);
    const idRegs = VmIdRegs.create(model, features, { gicV3: vg !== undefined && !vg.v2 });
    vm.model = model;
    vm.idRegs = idRegs;
    vmRegState(vm);
    VM_INIT.set(vm, { features });
  }

  v.target = typeof opts.target === 'number' ? opts.target : model.kvmTarget;
  v.features = features;
  resetVcpu(v);
  v.mpState = powerOff ? KVM_MP_STATE_STOPPED : KVM_MP_STATE_RUNNABLE;
  v.arch = undefined;
}

// ---- reset --------------------------------------------------------------------------------------

/** What PSCI CPU_ON asks of a reset (kvm_reset_vcpu()'s vcpu->arch.reset_state). */
export interface VcpuResetState {
  pc: bigint;
  r0: bigint;
}

/**
 * kvm_reset_vcpu(): the VM's model reloaded, the architectural reset (AArch64 EL1h, DAIF
 * masked, GPRs/FP zero, system registers at reset values: PSTATE 0x3c5, PC 0), MPIDR_EL1 from
 * the vCPU id (reset_mpidr()), the hypervisor's EL2 controls, the VM's counter origin and its
 * CNTVOFF_EL2 and CNTPOFF_EL2 (so resets keep KVM_ARM_SET_COUNTER_OFFSET's offsets), the VM's
 * ID registers shown; then `reset` (PSCI CPU_ON's entry point and context ID) if given.
 * The caller manages mpState and v.arch.
 */
export function resetVcpu(v: Vcpu, reset?: VcpuResetState): void {
  const vm = v.vm;
  const cpu = v.cpu;
  cpu.loadModel(vm.model);
  resetCpu(cpu);
  vm.idRegs?.applyTo(cpu);
  setMpidr(v);
  const s = cpu.s;
  s[S.HCR_EL2] = HCR_GUEST_FLAGS;
  s[S.HCR_EL2_HI] = 0;
  s[S.VTCR_EL2] = vm.stage2.vtcr | 0;
  const [vlo, vhi] = vm.stage2.vttbr(vm.vmid);
  s[S.VTTBR_EL2] = vlo;
  s[S.VTTBR_EL2_HI] = vhi;
  s[S.CNTHCTL_EL2] = CNTHCTL_GUEST;
  loadVmTimerState(v);
  // The GIC CPU interface (vgic_v3_enable()): LRs empty, En = 1 once the VM's vGIC is initialised.
  vgicVcpuReset(v);
  if (reset !== undefined) {
    const pc = BigInt.asUintN(64, reset.pc);
    const r0 = BigInt.asUintN(64, reset.r0);
    s[S.PC] = Number(BigInt.asIntN(32, pc));
    s[S.PC_HI] = Number(BigInt.asIntN(32, pc >> 32n));
    s[S.X0] = Number(BigInt.asIntN(32, r0));
    s[S.X0 + 1] = Number(BigInt.asIntN(32, r0 >> 32n));
  }
  cpu.flushTlb();
  cpu.updateMode();
  updateIntCheck(cpu);
}

/**
 * MPIDR_EL1 from the vCPU id (sys_regs.c reset_mpidr()): Aff0 = id[3:0] (16 CPUs per cluster, the
 * GICv3 SGI target-list limit), Aff1 = id[11:4], Aff2 = id[19:12], bit 31 RES1.
 */
export function mpidrForVcpuId(id: number): bigint {
  return (1n << 31n) | BigInt(id & 0xf) | (BigInt((id >> 4) & 0xff) << 8n) | (BigInt((id >> 12) & 0xff) << 16n);
}

function setMpidr(v: Vcpu): void {
  const m = mpidrForVcpuId(v.id);
  const i = idRegIndex(0, 5);
  v.cpu.idRegs[i] = Number(BigInt.asIntN(32, m));
  v.cpu.idRegs[i + 1] = Number(BigInt.asIntN(32, m >> 32n));
}
