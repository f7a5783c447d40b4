/**
 * The VM handle (src/hyp/vm.ts) and capabilities (src/hyp/caps.ts): KVM_CHECK_EXTENSION answers
 * with Linux's values, KVM_ENABLE_CAP, KVM_CREATE_VM arguments, the writable-mask query, and the
 * VMM's code flush after writing through a view.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kvm } from '../../src/hyp/kvm.js';
import { KvmError, type Errno } from '../../src/hyp/errors.js';
import { supportedCaps } from '../../src/hyp/caps.js';
import * as uapi from '../../src/hyp/uapi/kvm.js';
import { S } from '../../src/arch/aarch64/state.js';
import { DEFAULT_BLOCK_THRESHOLD } from '../../src/arch/aarch64/cpu.js';
import { run } from '../../src/arch/aarch64/run.js';
import type { Vcpu } from '../../src/hyp/vcpu.js';
import { resetCpu } from '../../src/arch/aarch64/reset.js';

/** Reset the vCPU's CPU and enter it as the run loop will: EL1h, stage 2 on with the VM's tables. */
function enterGuest(v: Vcpu): void {
  const cpu = v.cpu;
  resetCpu(cpu);
  const [lo, hi] = v.vm.stage2.vttbr(v.vm.vmid);
  cpu.s[S.HCR_EL2] = 1; // VM
  cpu.s[S.VTCR_EL2] = v.vm.stage2.vtcr | 0;
  cpu.s[S.VTTBR_EL2] = lo;
  cpu.s[S.VTTBR_EL2_HI] = hi;
  cpu.flushTlb();
}

function expectKvmError(f: () => unknown, errno: Errno, argument: string | undefined, message: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof KvmError, `expected KvmError, got ${String(e)}`);
    assert.equal(e.errno, errno, e.message);
    assert.equal(e.argument, argument, e.message);
    assert.match(e.message, message);
    return true;
  });
}

test('KVM_CAP_* constants carry Linux\'s values (include/uapi/linux/kvm.h)', () => {
  const expected: Record<string, number> = {
    KVM_CAP_IRQCHIP: 0, KVM_CAP_USER_MEMORY: 3, KVM_CAP_NR_VCPUS: 9, KVM_CAP_NR_MEMSLOTS: 10, KVM_CAP_MP_STATE: 14,
    KVM_CAP_SYNC_MMU: 16, KVM_CAP_MAX_VCPUS: 66, KVM_CAP_ONE_REG: 70, KVM_CAP_READONLY_MEM: 81, KVM_CAP_ARM_PSCI: 87,
    KVM_CAP_DEVICE_CTRL: 89, KVM_CAP_ARM_EL1_32BIT: 93, KVM_CAP_ARM_PSCI_0_2: 102, KVM_CAP_ARM_PMU_V3: 126,
    KVM_CAP_VCPU_ATTRIBUTES: 127, KVM_CAP_MAX_VCPU_ID: 128, KVM_CAP_IMMEDIATE_EXIT: 136, KVM_CAP_ARM_VM_IPA_SIZE: 165,
    KVM_CAP_ARM_SVE: 170, KVM_CAP_ARM_PTRAUTH_ADDRESS: 171, KVM_CAP_ARM_PTRAUTH_GENERIC: 172, KVM_CAP_ARM_NISV_TO_USER: 177,
    KVM_CAP_ARM_MTE: 205, KVM_CAP_COUNTER_OFFSET: 227, KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES: 230, KVM_CAP_USER_MEMORY2: 231,
  };
  const table = uapi as unknown as Record<string, number>;
  for (const [name, value] of Object.entries(expected)) assert.equal(table[name], value, name);
  assert.equal(uapi.KVM_ARM_FEATURE_ID_RANGE, 0);
  assert.equal(uapi.KVM_ARM_FEATURE_ID_RANGE_SIZE, 192);
  assert.equal(uapi.KVM_ARM_FEATURE_ID_RANGE_IDX(3, 0, 0, 6, 0), 48);
  assert.equal(uapi.KVM_ARM_FEATURE_ID_RANGE_IDX(3, 3, 0, 0, 1), 129);
  assert.equal(uapi.KVM_ARM_FEATURE_ID_RANGE_IDX(3, 1, 0, 0, 7), 71);
});

test('KVM_CHECK_EXTENSION answers what KVM/arm64 answers for what typevisor supports', () => {
  const kvm = new Kvm();
  const vm = kvm.createVm({ memoryLimitBytes: 16 << 20 });
  const yes: [number, number][] = [
    [uapi.KVM_CAP_USER_MEMORY, 1],
    [uapi.KVM_CAP_SYNC_MMU, 1],
    [uapi.KVM_CAP_ONE_REG, 1],
    [uapi.KVM_CAP_ARM_PSCI, 1],
    [uapi.KVM_CAP_ARM_PSCI_0_2, 1],
    [uapi.KVM_CAP_NR_VCPUS, 512],
    [uapi.KVM_CAP_MAX_VCPUS, 512],
    [uapi.KVM_CAP_MAX_VCPU_ID, 512],
    [uapi.KVM_CAP_NR_MEMSLOTS, 512],
    [uapi.KVM_CAP_READONLY_MEM, 1],
    [uapi.KVM_CAP_IMMEDIATE_EXIT, 1],
    [uapi.KVM_CAP_ARM_VM_IPA_SIZE, 48],
    [uapi.KVM_CAP_ARM_NISV_TO_USER, 1],
    [uapi.KVM_CAP_DEVICE_CTRL, 1],
    [uapi.KVM_CAP_IRQCHIP, 1],
    [uapi.KVM_CAP_ARM_IRQ_LINE_LAYOUT_2, 1],
    [uapi.KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES, 1],
    [uapi.KVM_CAP_COUNTER_OFFSET, 1],
  ];
  for (const [cap, value] of yes) {
    assert.equal(kvm.checkExtension(cap), value, `cap ${cap}`);
    assert.equal(vm.checkExtension(cap), value, `cap ${cap} on the VM`);
  }
  assert.equal(supportedCaps().size, yes.length, 'nothing else is claimed');
  for (const cap of [
    uapi.KVM_CAP_ARM_EL1_32BIT, uapi.KVM_CAP_ARM_PMU_V3, uapi.KVM_CAP_ARM_SVE, uapi.KVM_CAP_ARM_PTRAUTH_ADDRESS,
    uapi.KVM_CAP_ARM_PTRAUTH_GENERIC, uapi.KVM_CAP_ARM_MTE, uapi.KVM_CAP_VCPU_ATTRIBUTES,
    9999, -1, 1.5, Number.NaN,
  ]) {
    assert.equal(kvm.checkExtension(cap), 0, `cap ${cap}`);
  }
});

test('KVM_ENABLE_CAP: KVM_CAP_ARM_NISV_TO_USER is recorded on the VM; anything else is EINVAL', () => {
  const vm = new Kvm().createVm({ memoryLimitBytes: 16 << 20 });
  assert.equal(vm.nisvToUser, false);
  vm.enableCap(uapi.KVM_CAP_ARM_NISV_TO_USER);
  assert.equal(vm.nisvToUser, true);
  expectKvmError(() => vm.enableCap(uapi.KVM_CAP_ARM_NISV_TO_USER, [], 1), 'EINVAL', 'flags', /flags must be 0/);
  expectKvmError(() => vm.enableCap(uapi.KVM_CAP_ARM_MTE), 'EINVAL', 'cap', /capability 205 cannot be enabled/);
  expectKvmError(() => vm.enableCap(uapi.KVM_CAP_ONE_REG), 'EINVAL', 'cap', /cannot be enabled/);
  expectKvmError(() => vm.enableCap(uapi.KVM_CAP_ARM_NISV_TO_USER, [1 as unknown as bigint]), 'EINVAL', 'args', /array of bigint/);
  expectKvmError(() => vm.enableCap(uapi.KVM_CAP_ARM_NISV_TO_USER, [0n, 0n, 0n, 0n, 0n]), 'EINVAL', 'args', /at most 4/);
});

test('createVm validates ipaBits against KVM_CAP_ARM_VM_IPA_SIZE', () => {
  const kvm = new Kvm();
  expectKvmError(() => kvm.createVm({ ipaBits: 49 }), 'EINVAL', 'ipaBits', /from 32 to 48/);
  expectKvmError(() => kvm.createVm({ ipaBits: 31 }), 'EINVAL', 'ipaBits', /from 32 to 48/);
  assert.equal(kvm.createVm({ memoryLimitBytes: 16 << 20 }).ipaBits, 40);
});

test('KVM_ARM_GET_REG_WRITABLE_MASKS has 192 entries', () => {
  const vm = new Kvm().createVm({ memoryLimitBytes: 16 << 20 });
  const m = vm.getRegWritableMasks();
  assert.equal(m.length, 192);
  assert.ok(m.some((x) => x !== 0n));
});

test('flushIcache drops code decoded before the VMM rewrote it through the view', () => {
  const vm = new Kvm().createVm({ memoryLimitBytes: 16 << 20 });
  const view = vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: 0x4000_0000n, size: 0x2000n });
  const v = vm.createVcpu(0);
  enterGuest(v);
  const dv = new DataView(view.buffer, view.byteOffset);
  const go = (): number => {
    v.cpu.s[S.PC] = 0x4000_1000;
    v.cpu.s[S.PC_HI] = 0;
    run(v.cpu, 1);
    return v.cpu.s[0];
  };
  dv.setUint32(0x1000, 0xd2800020, true); // MOVZ X0, #1
  assert.equal(go(), 1);
  dv.setUint32(0x1000, 0x92800020, true); // MOVN X0, #1: another decode row
  vm.flushIcache(0x4000_1000n, 4n);
  assert.equal(go(), -2);
  dv.setUint32(0x1000, 0xd2800060, true); // MOVZ X0, #3
  vm.flushIcache();
  assert.equal(go(), 3);
  expectKvmError(() => vm.flushIcache(1n), 'EINVAL', 'guestPhysAddr', /both omitted/);
});

test('createVm validates blockThreshold and gives it to every vCPU', () => {
  const kvm = new Kvm();
  for (const bad of [-2, 255, 1.5, Number.NaN]) {
    expectKvmError(() => kvm.createVm({ memoryLimitBytes: 16 << 20, blockThreshold: bad }), 'EINVAL', 'blockThreshold', /from -1 \(off\) to 254/);
  }
  for (const t of [-1, 0, 254]) {
    const vm = kvm.createVm({ memoryLimitBytes: 16 << 20, blockThreshold: t });
    assert.equal(vm.createVcpu(0).cpu.blockThreshold, t);
  }
  assert.equal(kvm.createVm({ memoryLimitBytes: 16 << 20 }).createVcpu(0).cpu.blockThreshold, DEFAULT_BLOCK_THRESHOLD);
});
