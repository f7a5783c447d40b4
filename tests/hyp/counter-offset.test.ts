/**
 * KVM_ARM_SET_COUNTER_OFFSET (vm.setCounterOffset(); arch/arm64/kvm/arch_timer.c
 * kvm_vm_ioctl_set_counter_offset()) and KVM_CAP_COUNTER_OFFSET: one VM-wide offset subtracted
 * from both the virtual and the physical counter (voffset = poffset), after which ONE_REG writes
 * of TIMER_CNT and PTIMER_CNT are ignored (KVM_ARCH_FLAG_VM_COUNTER_OFFSET).
 *
 * Everything runs with the deterministic counter (system count = floor(icount * ticksPerInsn)),
 * so every count is exact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kvm } from '../../src/hyp/kvm.js';
import type { Vm } from '../../src/hyp/vm.js';
import type { Vcpu } from '../../src/hyp/vcpu.js';
import type { KvmRun } from '../../src/hyp/kvm-run.js';
import { KvmError } from '../../src/hyp/errors.js';
import { resetVcpu } from '../../src/hyp/arm/reset.js';
import { saveVcpu, restoreVcpu } from '../../src/hyp/arm/vcpu-context.js';
import {
  KVM_EXIT_INTR,
  KVM_EXIT_SYSTEM_EVENT,
  KVM_ARM_VCPU_PSCI_0_2,
  KVM_CAP_COUNTER_OFFSET,
  KVM_ARM_SET_COUNTER_OFFSET,
  type KvmArmCounterOffset,
} from '../../src/hyp/uapi/kvm.js';
import { KVM_REG_ARM_CORE_REG, KVM_REG_ARM_TIMER_CNT, KVM_REG_ARM_PTIMER_CNT } from '../../src/hyp/uapi/kvm-arm64.js';
import {
  KVM_DEV_TYPE_ARM_VGIC_V3,
  KVM_DEV_ARM_VGIC_GRP_ADDR,
  KVM_DEV_ARM_VGIC_GRP_CTRL,
  KVM_DEV_ARM_VGIC_CTRL_INIT,
  KVM_VGIC_V3_ADDR_TYPE_DIST,
  KVM_VGIC_V3_ADDR_TYPE_REDIST,
} from '../../src/hyp/uapi/kvm-vgic.js';
import { S } from '../../src/arch/aarch64/state.js';
import { assemble } from '../helpers/asm.js';

const RAM = 0x4000_0000;
const ENTRY = RAM + 0x80000;
const PC = KVM_REG_ARM_CORE_REG('regs.pc');
const X = (n: number): bigint => KVM_REG_ARM_CORE_REG(`regs.regs[${n}]`);
const U64 = (x: bigint): bigint => BigInt.asUintN(64, x);

function machine(src: string, opts: { gic?: boolean; vcpus?: number; icount?: number } = {}): { vm: Vm; vcpus: Vcpu[] } {
  const vm = new Kvm().createVm({ memoryLimitBytes: 64 << 20 });
  const ram = vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: 16n << 20n });
  const words = assemble(src);
  const dv = new DataView(ram.buffer, ram.byteOffset, ram.byteLength);
  for (let i = 0; i < words.length; i++) dv.setUint32(ENTRY - RAM + 4 * i, words[i], true);
  const gic = opts.gic === true ? vm.createDevice(KVM_DEV_TYPE_ARM_VGIC_V3) : undefined;
  gic?.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, 0x0800_0000n);
  gic?.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, 0x080a_0000n);
  const vcpus: Vcpu[] = [];
  for (let id = 0; id < (opts.vcpus ?? 1); id++) {
    const v = vm.createVcpu(id);
    v.init({ target: vm.armPreferredTarget().target, features: [KVM_ARM_VCPU_PSCI_0_2] });
    v.setOneReg(PC, BigInt(ENTRY));
    v.cpu.deterministic = true;
    v.cpu.ticksPerInsn = 1;
    v.cpu.icount = opts.icount ?? 0;
    vcpus.push(v);
  }
  gic?.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT);
  return { vm, vcpus };
}

const x = (v: Vcpu, n: number): bigint => v.getOneReg(X(n)) as bigint;

function expectOff(r: KvmRun): void {
  assert.equal(r.exitReason, KVM_EXIT_SYSTEM_EVENT, JSON.stringify(r, (_k, val) => (typeof val === 'bigint' ? val.toString(16) : val)));
}

function expectKvmError(fn: () => void, errno: string, argument: string): void {
  assert.throws(fn, (e: unknown) => e instanceof KvmError && e.errno === errno && e.argument === argument);
}

/**
 * `n` spins, then both counters into x10 (virtual) and x11 (physical), then PSCI SYSTEM_OFF (the
 * SMCCC return zeroes x0..x3).
 */
function readCounters(spins: number): string {
  return `
  movz x0, #${spins & 0xffff}
  movk x0, #${spins >>> 16}, lsl #16
1:
  subs x0, x0, #1
  b.ne 1b
  mrs  x10, cntvct_el0
  mrs  x11, cntpct_el0
  movz w0, #0x0008
  movk w0, #0x8400, lsl #16
  hvc  #0
`;
}

test('KVM_CAP_COUNTER_OFFSET is advertised, and KVM_ARM_SET_COUNTER_OFFSET has Linux\'s ioctl number', () => {
  const kvm = new Kvm();
  assert.equal(kvm.checkExtension(KVM_CAP_COUNTER_OFFSET), 1);
  assert.equal(kvm.createVm({ memoryLimitBytes: 16 << 20 }).checkExtension(KVM_CAP_COUNTER_OFFSET), 1);
  // _IOW(KVMIO = 0xae, 0xb5, struct kvm_arm_counter_offset): write, 16 bytes.
  assert.equal(KVM_ARM_SET_COUNTER_OFFSET, (1 << 30) + (16 << 16) + (0xae << 8) + 0xb5);
});

test('both counters read the system count minus the offset, through ONE_REG and MRS, on every vCPU', () => {
  const { vm, vcpus } = machine(readCounters(10), { vcpus: 2, icount: 1_000_000 });
  const [a, b] = vcpus;
  b.cpu.icount = 2_000_000;
  vm.setCounterOffset({ counterOffset: 400_000n });
  assert.equal(a.getOneReg(KVM_REG_ARM_TIMER_CNT), 600_000n);
  assert.equal(a.getOneReg(KVM_REG_ARM_PTIMER_CNT), 600_000n);
  assert.equal(b.getOneReg(KVM_REG_ARM_TIMER_CNT), 1_600_000n);
  assert.equal(b.getOneReg(KVM_REG_ARM_PTIMER_CNT), 1_600_000n);
  // The guest: 2 instructions of set-up, the spin loop 2 x 10, then the MRS of CNTVCT is
  // instruction 23 and that of CNTPCT instruction 24.
  expectOff(a.run());
  assert.equal(x(a, 10), 600_000n + 23n);
  assert.equal(x(a, 11), 600_000n + 24n);
  // An offset above the count wraps through 2^64, and a later call moves it again.
  vm.setCounterOffset({ counterOffset: 0xffff_ffff_ffff_0000n, reserved: 0n });
  assert.equal(b.getOneReg(KVM_REG_ARM_TIMER_CNT), 2_000_000n + 0x1_0000n);
  assert.equal(b.getOneReg(KVM_REG_ARM_PTIMER_CNT), 2_000_000n + 0x1_0000n);
  vm.setCounterOffset({ counterOffset: 3_000_000n });
  assert.equal(b.getOneReg(KVM_REG_ARM_PTIMER_CNT), U64(2_000_000n - 3_000_000n));
  assert.equal(b.cpu.s[S.CNTVOFF_EL2], 3_000_000);
  assert.equal(b.cpu.s[S.CNTPOFF_EL2], 3_000_000);
});

test('EINVAL for reserved != 0 and for a counterOffset that is not a u64 bigint; nothing changes', () => {
  const { vm, vcpus } = machine(readCounters(1), { icount: 5000 });
  const [v] = vcpus;
  const bad = (o: unknown): KvmArmCounterOffset => o as KvmArmCounterOffset;
  expectKvmError(() => vm.setCounterOffset({ counterOffset: 1n, reserved: 1n }), 'EINVAL', 'reserved');
  expectKvmError(() => vm.setCounterOffset(bad({ counterOffset: 1n, reserved: 1 })), 'EINVAL', 'reserved');
  // reserved is checked first, as KVM does.
  expectKvmError(() => vm.setCounterOffset(bad({ counterOffset: 'x', reserved: 2n })), 'EINVAL', 'reserved');
  expectKvmError(() => vm.setCounterOffset(bad({ counterOffset: 1 })), 'EINVAL', 'counterOffset');
  expectKvmError(() => vm.setCounterOffset(bad({})), 'EINVAL', 'counterOffset');
  expectKvmError(() => vm.setCounterOffset({ counterOffset: -1n }), 'EINVAL', 'counterOffset');
  expectKvmError(() => vm.setCounterOffset({ counterOffset: 1n << 64n }), 'EINVAL', 'counterOffset');
  expectKvmError(() => vm.setCounterOffset(bad(null)), 'EINVAL', 'counterOffset');
  expectKvmError(() => vm.setCounterOffset(bad(7n)), 'EINVAL', 'counterOffset');
  assert.equal(v.getOneReg(KVM_REG_ARM_PTIMER_CNT), 5000n);
  // Refused calls do not set the flag: ONE_REG CNT writes still work.
  v.setOneReg(KVM_REG_ARM_PTIMER_CNT, 7n);
  v.setOneReg(KVM_REG_ARM_TIMER_CNT, 9n);
  assert.equal(v.getOneReg(KVM_REG_ARM_PTIMER_CNT), 7n);
  assert.equal(v.getOneReg(KVM_REG_ARM_TIMER_CNT), 9n);
  // The edges of the range are accepted.
  vm.setCounterOffset({ counterOffset: 0n });
  assert.equal(v.getOneReg(KVM_REG_ARM_PTIMER_CNT), 5000n);
  vm.setCounterOffset({ counterOffset: (1n << 64n) - 1n });
  assert.equal(v.getOneReg(KVM_REG_ARM_PTIMER_CNT), 5001n);
});

test('after the ioctl, ONE_REG writes of TIMER_CNT and PTIMER_CNT are accepted and ignored', () => {
  const { vm, vcpus } = machine(readCounters(1), { icount: 10_000 });
  const [v] = vcpus;
  // Before: each write moves its own VM-wide offset (voffset, poffset = count - value).
  v.setOneReg(KVM_REG_ARM_TIMER_CNT, 100n);
  v.setOneReg(KVM_REG_ARM_PTIMER_CNT, 200n);
  assert.equal(v.getOneReg(KVM_REG_ARM_TIMER_CNT), 100n);
  assert.equal(v.getOneReg(KVM_REG_ARM_PTIMER_CNT), 200n);
  vm.setCounterOffset({ counterOffset: 4000n });
  assert.equal(v.getOneReg(KVM_REG_ARM_TIMER_CNT), 6000n);
  assert.equal(v.getOneReg(KVM_REG_ARM_PTIMER_CNT), 6000n);
  v.setOneReg(KVM_REG_ARM_TIMER_CNT, 1n);
  v.setOneReg(KVM_REG_ARM_PTIMER_CNT, 2n);
  assert.equal(v.getOneReg(KVM_REG_ARM_TIMER_CNT), 6000n);
  assert.equal(v.getOneReg(KVM_REG_ARM_PTIMER_CNT), 6000n);
  assert.equal(v.cpu.s[S.CNTVOFF_EL2], 4000);
  assert.equal(v.cpu.s[S.CNTPOFF_EL2], 4000);
});

test('new vCPUs, KVM_ARM_VCPU_INIT again and the PSCI CPU_ON reset keep the VM\'s offsets', () => {
  const { vm, vcpus } = machine(readCounters(1), { icount: 10_000 });
  const [a] = vcpus;
  vm.setCounterOffset({ counterOffset: 0x1_0000_0100n });
  const b = vm.createVcpu(1);
  b.init({ target: vm.armPreferredTarget().target, features: [KVM_ARM_VCPU_PSCI_0_2] });
  for (const c of [a, b]) {
    assert.equal(c.cpu.s[S.CNTVOFF_EL2], 0x100);
    assert.equal(c.cpu.s[S.CNTVOFF_EL2_HI], 1);
    assert.equal(c.cpu.s[S.CNTPOFF_EL2], 0x100);
    assert.equal(c.cpu.s[S.CNTPOFF_EL2_HI], 1);
  }
  a.init({ target: vm.armPreferredTarget().target, features: [KVM_ARM_VCPU_PSCI_0_2] });
  resetVcpu(b, { pc: BigInt(ENTRY), r0: 0n }); // what PSCI CPU_ON does to the target vCPU
  for (const c of [a, b]) {
    c.cpu.deterministic = true;
    c.cpu.ticksPerInsn = 1;
    c.cpu.icount = 0x1_0000_1000;
    assert.equal(c.getOneReg(KVM_REG_ARM_TIMER_CNT), 0xf00n);
    assert.equal(c.getOneReg(KVM_REG_ARM_PTIMER_CNT), 0xf00n);
  }
});

test('save/restore: VM B, restored with KVM_ARM_SET_COUNTER_OFFSET from A\'s saved counts, reads what A reads', () => {
  const src = readCounters(5000);
  // A: its counters offset by 123456 (any earlier restore would leave some offset), run part way.
  const A = machine(src, { icount: 7_000_000 });
  const a = A.vcpus[0];
  A.vm.setCounterOffset({ counterOffset: 123_456n });
  assert.equal(a.run({ budget: 4321 }).exitReason, KVM_EXIT_INTR);
  const saved = saveVcpu(a);
  const vcnt = saved.get(KVM_REG_ARM_TIMER_CNT) as bigint;
  const pcnt = saved.get(KVM_REG_ARM_PTIMER_CNT) as bigint;
  assert.equal(vcnt, 7_000_000n + 4321n - 123_456n);
  assert.equal(pcnt, vcnt);

  // B: a new VM whose counter is elsewhere (icount 0 here; a host clock would be anywhere).
  const B = machine(src, { icount: 0 });
  const b = B.vcpus[0];
  b.cpu.icount = 42;
  // KVM's recipe: offset = the host count now - the saved count. With no offset yet set, the
  // physical counter of B reads the host count.
  const hostNow = b.getOneReg(KVM_REG_ARM_PTIMER_CNT) as bigint;
  B.vm.setCounterOffset({ counterOffset: U64(hostNow - pcnt) });
  // The rest of the vCPU's registers; its TIMER_CNT/PTIMER_CNT entries are now ignored.
  restoreVcpu(b, saved);
  assert.equal(b.getOneReg(KVM_REG_ARM_TIMER_CNT), vcnt);
  assert.equal(b.getOneReg(KVM_REG_ARM_PTIMER_CNT), pcnt);

  expectOff(a.run());
  expectOff(b.run());
  assert.equal(x(b, 10), x(a, 10), 'the virtual count B reads is A\'s');
  assert.equal(x(b, 11), x(a, 11), 'the physical count B reads is A\'s');
  assert.equal(x(a, 10), 7_000_000n - 123_456n + 2n + 2n * 5000n + 1n);
  assert.equal(x(a, 11), x(a, 10) + 1n);
});

/**
 * The timer guest of timer-deadline.test.ts: GIC on, PPIs 27 and 30 enabled; timer `t` armed x9
 * ticks ahead of its count with MSR, a spin loop; the handler reads the count into x7 (CVAL in x5,
 * INTID in x20), then powers off.
 */
function timerGuest(t: 'v' | 'p'): string {
  return `
  adr  x0, vectors
  msr  vbar_el1, x0
  movz x1, #0x0800, lsl #16
  movz x3, #0x080b, lsl #16
  mov  w2, #2
  str  w2, [x1]
  movz x4, #0x080a, lsl #16
  str  wzr, [x4, #0x14]
  movz w2, #0x4800, lsl #16
  str  w2, [x3, #0x100]
  mov  x0, #0xff
  msr  S3_0_C4_C6_0, x0
  mov  x0, #1
  msr  S3_0_C12_C12_7, x0
  isb
  msr  daifclr, #2
  mrs  x5, cnt${t}ct_el0
  add  x5, x5, x9
  msr  cnt${t}_cval_el0, x5
  mov  x0, #1
  msr  cnt${t}_ctl_el0, x0
1:
  add  x6, x6, #1
  b    1b

  .balign 2048
vectors:
  .skip 0x280
  mrs  x7, cnt${t}ct_el0
  mrs  x20, S3_0_C12_C12_0
  movz w0, #0x0008
  movk w0, #0x8400, lsl #16
  hvc  #0
`;
}

for (const t of ['v', 'p'] as const) {
  test(`the ${t === 'v' ? 'virtual' : 'physical'} timer fires at the exact instruction with a non-zero offset (count crossing 2^32)`, () => {
    const { vm, vcpus } = machine(timerGuest(t), { gic: true, icount: 1_000_000 });
    const [v] = vcpus;
    // A "negative" offset: the counters read the system count + 2^32 - 1_000_500, so the count
    // crosses into the high word while the timer is armed.
    vm.setCounterOffset({ counterOffset: U64(1_000_500n - (1n << 32n)) });
    v.setOneReg(X(9), 3000n);
    expectOff(v.run({ budget: 10_000_000 }));
    assert.equal(x(v, 20), t === 'v' ? 27n : 30n, 'the timer PPI was taken');
    const cval = x(v, 5);
    assert.ok(cval > 1n << 32n && cval - 3000n < 1n << 32n, `CVAL 0x${cval.toString(16)} is just past 2^32`);
    // The first instruction to see count >= CVAL is followed by the handler's MRS.
    assert.equal(x(v, 7), cval + 1n);
    assert.ok(x(v, 6) > 0n, 'the guest spun');
    assert.equal(v.stats.counters.signal_exits, 0);
  });
}
