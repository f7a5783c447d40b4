import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kvm } from '../../src/hyp/kvm.js';
import { KvmError } from '../../src/hyp/errors.js';
import {
  KVM_ARM_TARGET_GENERIC_V8,
  KVM_ARM_TARGET_CORTEX_A57,
  KVM_ARM_TARGET_CORTEX_A53,
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
} from '../../src/hyp/uapi/kvm.js';
import { KVM_REG_ARM_CORE_REG, ARM64_SYS_REG } from '../../src/hyp/uapi/kvm-arm64.js';
import { S } from '../../src/arch/aarch64/state.js';
import { HCR_GUEST_FLAGS, CNTHCTL_GUEST, mpidrForVcpuId } from '../../src/hyp/arm/reset.js';

const MPIDR = ARM64_SYS_REG(3, 0, 0, 0, 5);
const MIDR = ARM64_SYS_REG(3, 0, 0, 0, 0);

function vmAndVcpu(cpu?: string) {
  const vm = new Kvm(cpu === undefined ? {} : { cpu }).createVm({ memoryLimitBytes: 1 << 26 });
  return { vm, v: vm.createVcpu(0) };
}

function errno(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof KvmError, `expected KvmError, got ${String(e)}`);
    return e.errno;
  }
  assert.fail('expected a KvmError');
}

test('an initialised vCPU starts at EL1h with DAIF masked, PC 0, registers zero', () => {
  const { v } = vmAndVcpu();
  v.init({ target: KVM_ARM_TARGET_GENERIC_V8, features: [KVM_ARM_VCPU_PSCI_0_2] });
  assert.equal(v.initialized, true);
  assert.equal(v.getOneReg(KVM_REG_ARM_CORE_REG('regs.pstate')), 0x3c5n);
  assert.equal(v.getOneReg(KVM_REG_ARM_CORE_REG('regs.pc')), 0n);
  for (let n = 0; n <= 30; n++) assert.equal(v.getOneReg(KVM_REG_ARM_CORE_REG(`regs.regs[${n}]`)), 0n);
  assert.deepEqual(v.getOneReg(KVM_REG_ARM_CORE_REG('fp_regs.vregs[7]')), new Uint8Array(16));
  assert.equal(v.mpState, KVM_MP_STATE_RUNNABLE);
});

test('MPIDR_EL1 follows reset_mpidr(): Aff0 = id[3:0], Aff1 = id[11:4], bit 31 set', () => {
  const vm = new Kvm().createVm({ memoryLimitBytes: 1 << 26 });
  for (const id of [0, 1, 15, 16, 37, 511]) {
    const v = vm.createVcpu(id);
    v.init({ target: 'cortex-a57' });
    const want = 0x80000000n | BigInt(id & 15) | (BigInt((id >> 4) & 0xff) << 8n);
    assert.equal(v.getOneReg(MPIDR), want, `vCPU ${id}`);
  }
  assert.equal(mpidrForVcpuId(0x1234), 0x80000000n | 0x4n | (0x23n << 8n) | (0x1n << 16n));
});

test('the hypervisor controls are set at init: HCR_EL2, stage 2, CNTHCTL_EL2', () => {
  const { vm, v } = vmAndVcpu();
  v.init({ target: 'cortex-a57' });
  const s = v.cpu.s;
  assert.equal(s[S.HCR_EL2], HCR_GUEST_FLAGS);
  // VM | FMO | IMO | AMO | TWI | TSC | TID3 | TACR
  assert.equal(HCR_GUEST_FLAGS, 1 | 8 | 16 | 32 | (1 << 13) | (1 << 19) | (1 << 18) | (1 << 21));
  assert.equal(s[S.VTCR_EL2] >>> 0, vm.stage2.vtcr);
  const [lo, hi] = vm.stage2.vttbr(vm.vmid);
  assert.equal(s[S.VTTBR_EL2], lo);
  assert.equal(s[S.VTTBR_EL2_HI], hi);
  assert.equal(s[S.CNTHCTL_EL2], CNTHCTL_GUEST);
  assert.equal(CNTHCTL_GUEST, 3);
});

test('targets: GENERIC_V8, the preferred target and model names are accepted; others EINVAL', () => {
  assert.doesNotThrow(() => vmAndVcpu().v.init({ target: KVM_ARM_TARGET_GENERIC_V8 }));
  assert.doesNotThrow(() => vmAndVcpu().v.init({ target: KVM_ARM_TARGET_CORTEX_A57 }));
  assert.equal(errno(() => vmAndVcpu().v.init({ target: KVM_ARM_TARGET_CORTEX_A53 })), 'EINVAL');
  assert.equal(errno(() => vmAndVcpu('max').v.init({ target: KVM_ARM_TARGET_CORTEX_A57 })), 'EINVAL');
  assert.equal(errno(() => vmAndVcpu().v.init({ target: 'cortex-a99' })), 'EINVAL');
  assert.equal(errno(() => vmAndVcpu().v.init({ target: -1 })), 'EINVAL');
  const { vm, v } = vmAndVcpu();
  v.init({ target: 'max' });
  assert.equal(vm.model.name, 'max');
  assert.equal(v.getOneReg(MIDR), 0x000f0510n);
});

test('GENERIC_V8 gives the preferred model', () => {
  const { vm, v } = vmAndVcpu('max');
  v.init({ target: KVM_ARM_TARGET_GENERIC_V8 });
  assert.equal(vm.model.name, 'max');
  const b = vmAndVcpu();
  b.v.init({ target: KVM_ARM_TARGET_GENERIC_V8 });
  assert.equal(b.vm.model.name, 'cortex-a57');
  assert.equal(b.v.getOneReg(MIDR), 0x411fd070n);
});

test('the first init fixes the VM model: another model on a second vCPU is EINVAL', () => {
  const vm = new Kvm().createVm({ memoryLimitBytes: 1 << 26 });
  const a = vm.createVcpu(0);
  const b = vm.createVcpu(1);
  a.init({ target: 'max' });
  assert.equal(errno(() => b.init({ target: 'cortex-a57' })), 'EINVAL');
  assert.equal(b.initialized, false);
  b.init({ target: KVM_ARM_TARGET_GENERIC_V8 }); // generic: whatever the VM is
  b.init({ target: 'max' });
  assert.equal(vm.model.name, 'max');
});

test('feature rules: POWER_OFF and PSCI_0_2 accepted; EL1_32BIT, PMU, SVE, PAuth, EL2 EINVAL; unknown bits ENOENT', () => {
  for (const f of [KVM_ARM_VCPU_PMU_V3, KVM_ARM_VCPU_SVE, KVM_ARM_VCPU_PTRAUTH_ADDRESS, KVM_ARM_VCPU_PTRAUTH_GENERIC, KVM_ARM_VCPU_HAS_EL2]) {
    assert.equal(errno(() => vmAndVcpu().v.init({ target: 'cortex-a57', features: [f] })), 'EINVAL', `feature ${f}`);
  }
  try {
    vmAndVcpu().v.init({ target: 'cortex-a57', features: [KVM_ARM_VCPU_EL1_32BIT] });
    assert.fail('EL1_32BIT accepted');
  } catch (e) {
    assert.ok(e instanceof KvmError);
    assert.equal(e.errno, 'EINVAL');
    assert.match(e.message, /AArch32 EL1 is not supported yet/);
  }
  // kvm_vcpu_init_check_features(): bits beyond KVM_VCPU_MAX_FEATURES are ENOENT.
  assert.equal(errno(() => vmAndVcpu().v.init({ target: 'cortex-a57', features: [8] })), 'ENOENT');
  assert.equal(errno(() => vmAndVcpu().v.init({ target: 'cortex-a57', features: [40] })), 'ENOENT');
  assert.equal(errno(() => vmAndVcpu().v.init({ target: 'cortex-a57', features: [1.5] })), 'EINVAL');
  const { v } = vmAndVcpu();
  v.init({ target: 'cortex-a57', features: [KVM_ARM_VCPU_POWER_OFF, KVM_ARM_VCPU_PSCI_0_2] });
  assert.equal(v.mpState, KVM_MP_STATE_STOPPED);
  assert.equal(v.features, 1 << KVM_ARM_VCPU_PSCI_0_2);
});

test('a repeated init with the same features resets the vCPU; different features EINVAL', () => {
  const { v } = vmAndVcpu();
  v.init({ target: 'cortex-a57', features: [KVM_ARM_VCPU_PSCI_0_2] });
  v.setOneReg(KVM_REG_ARM_CORE_REG('regs.pc'), 0x40080000n);
  v.setOneReg(KVM_REG_ARM_CORE_REG('regs.regs[3]'), 42n);
  v.arch = { runLoopState: true };
  v.init({ target: KVM_ARM_TARGET_GENERIC_V8, features: [KVM_ARM_VCPU_PSCI_0_2] });
  assert.equal(v.getOneReg(KVM_REG_ARM_CORE_REG('regs.pc')), 0n);
  assert.equal(v.getOneReg(KVM_REG_ARM_CORE_REG('regs.regs[3]')), 0n);
  assert.equal(v.arch, undefined);
  // POWER_OFF is ephemeral: not a change of features.
  v.init({ target: 'cortex-a57', features: [KVM_ARM_VCPU_PSCI_0_2, KVM_ARM_VCPU_POWER_OFF] });
  assert.equal(v.mpState, KVM_MP_STATE_STOPPED);
  assert.equal(errno(() => v.init({ target: 'cortex-a57', features: [] })), 'EINVAL');
  assert.equal(errno(() => v.init({ target: 'max', features: [KVM_ARM_VCPU_PSCI_0_2] })), 'EINVAL');
});

test('features are VM-wide: a second vCPU asking other features is EINVAL', () => {
  const vm = new Kvm().createVm({ memoryLimitBytes: 1 << 26 });
  vm.createVcpu(0).init({ target: 'cortex-a57', features: [KVM_ARM_VCPU_PSCI_0_2] });
  const b = vm.createVcpu(1);
  assert.equal(errno(() => b.init({ target: 'cortex-a57' })), 'EINVAL');
  b.init({ target: 'cortex-a57', features: [KVM_ARM_VCPU_PSCI_0_2, KVM_ARM_VCPU_POWER_OFF] });
  assert.equal(b.mpState, KVM_MP_STATE_STOPPED);
});

test('the first init creates the per-VM ID registers and every vCPU shows them', () => {
  const vm = new Kvm().createVm({ memoryLimitBytes: 1 << 26 });
  assert.equal(vm.idRegs, undefined);
  const a = vm.createVcpu(0);
  a.init({ target: 'cortex-a57' });
  assert.notEqual(vm.idRegs, undefined);
  const b = vm.createVcpu(1);
  b.init({ target: 'cortex-a57' });
  const isar0 = ARM64_SYS_REG(3, 0, 0, 6, 0);
  assert.equal(a.getOneReg(isar0), 0x00011120n);
  assert.equal(b.getOneReg(isar0), 0x00011120n);
});

test('ONE_REG and REG_LIST before init are ENOEXEC', () => {
  const { v } = vmAndVcpu();
  assert.equal(errno(() => v.getOneReg(KVM_REG_ARM_CORE_REG('regs.pc'))), 'ENOEXEC');
  assert.equal(errno(() => v.setOneReg(KVM_REG_ARM_CORE_REG('regs.pc'), 0n)), 'ENOEXEC');
  assert.equal(errno(() => v.getRegList()), 'ENOEXEC');
});

test('vCPUs of a VM share one counter: CNTVOFF_EL2 and the counter origin', () => {
  const vm = new Kvm().createVm({ memoryLimitBytes: 1 << 26 });
  const a = vm.createVcpu(0);
  const b = vm.createVcpu(1);
  a.init({ target: 'cortex-a57' });
  b.init({ target: 'cortex-a57' });
  assert.equal(a.cpu.timeOrigin, b.cpu.timeOrigin);
});
