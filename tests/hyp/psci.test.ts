/**
 * PSCI and SMCCC through KVM_RUN: guests make the calls, a VMM drives the vCPUs round-robin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kvm } from '../../src/hyp/kvm.js';
import type { Vm } from '../../src/hyp/vm.js';
import type { Vcpu } from '../../src/hyp/vcpu.js';
import type { KvmRun } from '../../src/hyp/kvm-run.js';
import { KvmError } from '../../src/hyp/errors.js';
import {
  KVM_EXIT_INTR,
  KVM_EXIT_SYSTEM_EVENT,
  KVM_EXIT_HYPERCALL,
  KVM_SYSTEM_EVENT_SHUTDOWN,
  KVM_SYSTEM_EVENT_RESET,
  KVM_ARM_VCPU_PSCI_0_2,
  KVM_ARM_VCPU_POWER_OFF,
  KVM_MP_STATE_STOPPED,
  KVM_MP_STATE_RUNNABLE,
  KVM_MP_STATE_HALTED,
} from '../../src/hyp/uapi/kvm.js';
import { KVM_REG_ARM_CORE_REG, KVM_REG_ARM_PSCI_VERSION } from '../../src/hyp/uapi/kvm-arm64.js';
import { setSmcccFilter, KVM_HYPERCALL_EXIT_SMC } from '../../src/hyp/arm/psci.js';
import { assemble } from '../helpers/asm.js';

const RAM = 0x40000000;
const ENTRY = RAM + 0x80000;
const PC = KVM_REG_ARM_CORE_REG('regs.pc');
const X = (n: number): bigint => KVM_REG_ARM_CORE_REG(`regs.regs[${n}]`);
const U64 = (n: number): bigint => BigInt.asUintN(64, BigInt(n));

function machine(src: string, nvcpus = 1, opts: { psci02?: boolean; secondariesOff?: boolean } = {}): { vm: Vm; vcpus: Vcpu[]; ram: Uint8Array } {
  const vm = new Kvm().createVm({ memoryLimitBytes: 64 << 20 });
  const ram = vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: 16n << 20n });
  const words = assemble(src);
  const dv = new DataView(ram.buffer, ram.byteOffset, ram.byteLength);
  for (let i = 0; i < words.length; i++) dv.setUint32(ENTRY - RAM + 4 * i, words[i], true);
  const vcpus: Vcpu[] = [];
  for (let i = 0; i < nvcpus; i++) {
    const v = vm.createVcpu(i);
    const features = opts.psci02 === false ? [] : [KVM_ARM_VCPU_PSCI_0_2];
    if (i > 0 && opts.secondariesOff !== false) features.push(KVM_ARM_VCPU_POWER_OFF);
    v.init({ target: vm.armPreferredTarget().target, features });
    v.setOneReg(PC, BigInt(ENTRY));
    vcpus.push(v);
  }
  return { vm, vcpus, ram };
}

const reg = (v: Vcpu, id: bigint): bigint => v.getOneReg(id) as bigint;

/** `mov w0, #fid` for a 32-bit function ID. */
function fidAsm(fid: number): string {
  return `movz w0, #0x${(fid & 0xffff).toString(16)}\n movk w0, #0x${(fid >>> 16).toString(16)}, lsl #16\n`;
}

function movX(n: number, v: bigint): string {
  const u = BigInt.asUintN(64, v);
  let s = `movz x${n}, #0x${(u & 0xffffn).toString(16)}\n`;
  for (let sh = 16n; sh < 64n; sh += 16n) {
    const part = (u >> sh) & 0xffffn;
    if (part !== 0n) s += ` movk x${n}, #0x${part.toString(16)}, lsl #${sh}\n`;
  }
  return s;
}

/** A guest making each call with HVC and storing x0 into results[i] (at x28), then powering off. */
function callsGuest(calls: [number, bigint?, bigint?][]): string {
  let s = 'adr x28, results\n';
  calls.forEach(([fid, a1, a2], i) => {
    s += fidAsm(fid) + movX(1, a1 ?? 0n) + movX(2, a2 ?? 0n) + `hvc #0\n str x0, [x28, #${8 * i}]\n`;
  });
  s += fidAsm(0x84000008) + 'hvc #0\n b .\n .balign 8\nresults:\n' + `.skip ${8 * calls.length}\n`;
  return s;
}

function results(ram: Uint8Array, src: string, n: number): bigint[] {
  const words = assemble(src);
  const off = ENTRY - RAM + 4 * words.length - 8 * n;
  const dv = new DataView(ram.buffer, ram.byteOffset, ram.byteLength);
  return Array.from({ length: n }, (_, i) => dv.getBigUint64(off + 8 * i, true));
}

function runCalls(calls: [number, bigint?, bigint?][], opts: { psci02?: boolean; psciVersion?: bigint } = {}): bigint[] {
  const src = callsGuest(calls);
  const { vcpus, ram } = machine(src, 1, opts);
  if (opts.psciVersion !== undefined) vcpus[0].setOneReg(KVM_REG_ARM_PSCI_VERSION, opts.psciVersion);
  const r = vcpus[0].run();
  assert.equal(r.exitReason, KVM_EXIT_SYSTEM_EVENT);
  return results(ram, src, calls.length);
}

/** Run every vCPU in turn with a small budget until one returns something other than INTR. */
function roundRobin(vcpus: Vcpu[], rounds = 1000): { v: Vcpu; r: KvmRun } {
  for (let i = 0; i < rounds; i++) {
    for (const v of vcpus) {
      const r = v.run({ budget: 500 });
      if (r.exitReason !== KVM_EXIT_INTR) return { v, r };
    }
  }
  throw new Error('no vCPU exited');
}

test('CPU_ON, ALREADY_ON, INVALID_PARAMETERS, AFFINITY_INFO, CPU_OFF and SYSTEM_OFF with two vCPUs round-robin', () => {
  const src = `
    ${fidAsm(0xc4000003)} mov x1, #1
    adr  x2, secondary
    movz x3, #0x1234
    hvc  #0
    mov  x19, x0
    ${fidAsm(0xc4000003)} mov x1, #1
    adr  x2, secondary
    hvc  #0
    mov  x20, x0
    ${fidAsm(0xc4000003)} mov x1, #7
    adr  x2, secondary
    hvc  #0
    mov  x21, x0
    ${fidAsm(0xc4000004)} mov x1, #1
    mov  x2, #0
    hvc  #0
    mov  x22, x0
    adr  x9, flag
  1: ldr w10, [x9]
    cbz  w10, 1b
  2: ${fidAsm(0xc4000004)} mov x1, #1
    mov  x2, #0
    hvc  #0
    cmp  x0, #1
    b.ne 2b
    mov  x23, x0
    ${fidAsm(0x8400ffff)} hvc #0
    mov  x24, x0
    ${fidAsm(0x84000008)} hvc #0
    b    .
  secondary:
    adr  x9, flag
    mov  x25, x0
    str  w0, [x9]
    ${fidAsm(0x84000002)} hvc #0
    b    .
    .balign 8
  flag: .word 0
  `;
  const { vcpus } = machine(src, 2);
  const [v0, v1] = vcpus;
  assert.equal(v1.mpState, KVM_MP_STATE_STOPPED, 'POWER_OFF at init');
  assert.deepEqual(v1.run(), { exitReason: KVM_EXIT_INTR }, 'a stopped vCPU does not run');
  const { v, r } = roundRobin(vcpus);
  assert.equal(v, v0);
  assert.deepEqual(r, { exitReason: KVM_EXIT_SYSTEM_EVENT, systemEvent: { type: KVM_SYSTEM_EVENT_SHUTDOWN, ndata: 1, data: [0n] } });
  assert.equal(reg(v0, X(19)), 0n, 'CPU_ON: SUCCESS');
  assert.equal(reg(v0, X(20)), U64(-4), 'CPU_ON of a running vCPU: ALREADY_ON');
  assert.equal(reg(v0, X(21)), U64(-2), 'CPU_ON of an unknown MPIDR: INVALID_PARAMETERS');
  assert.equal(reg(v0, X(22)), 0n, 'AFFINITY_INFO: ON');
  assert.equal(reg(v0, X(23)), 1n, 'AFFINITY_INFO after CPU_OFF: OFF');
  assert.equal(reg(v0, X(24)), U64(-1), 'an unknown function: NOT_SUPPORTED');
  assert.equal(reg(v1, X(25)), 0x1234n, 'the secondary starts with x0 = context ID');
  assert.equal(reg(v0, X(0)), U64(-6), 'x0 preloaded with INTERNAL_FAILURE should the VMM resume');
  assert.equal(v0.mpState, KVM_MP_STATE_STOPPED, 'SYSTEM_OFF stops every vCPU');
  assert.equal(v1.mpState, KVM_MP_STATE_STOPPED);
});

test('CPU_ON refuses a misaligned entry point and AFFINITY_INFO a bad level', () => {
  const out = (() => {
    const src = `
      ${fidAsm(0xc4000003)} mov x1, #1
      adr  x2, 1f
      add  x2, x2, #2
      hvc  #0
      mov  x19, x0
      ${fidAsm(0xc4000004)} mov x1, #1
      mov  x2, #4
      hvc  #0
      mov  x20, x0
      ${fidAsm(0xc4000004)} mov x1, #0
      mov  x2, #1
      hvc  #0
      mov  x21, x0
      ${fidAsm(0x84000008)} hvc #0
    1: b .
    `;
    const { vcpus } = machine(src, 2);
    assert.equal(vcpus[0].run().exitReason, KVM_EXIT_SYSTEM_EVENT);
    return [19, 20, 21].map((n) => reg(vcpus[0], X(n)));
  })();
  assert.deepEqual(out, [U64(-2), U64(-2), 0n]);
});

test('SYSTEM_RESET and SYSTEM_RESET2 end in KVM_EXIT_SYSTEM_EVENT RESET; RESET2 flags itself; a bad reset type is refused', () => {
  const reset = machine(fidAsm(0x84000009) + 'hvc #0').vcpus[0].run();
  assert.deepEqual(reset, { exitReason: KVM_EXIT_SYSTEM_EVENT, systemEvent: { type: KVM_SYSTEM_EVENT_RESET, ndata: 1, data: [0n] } });
  const src = `
    ${fidAsm(0x84000012)} mov x1, #1
    hvc  #0
    mov  x19, x0
    ${fidAsm(0xc4000012)} mov x1, #0
    hvc  #0
  `;
  const { vcpus } = machine(src);
  const r = vcpus[0].run();
  assert.deepEqual(r, { exitReason: KVM_EXIT_SYSTEM_EVENT, systemEvent: { type: KVM_SYSTEM_EVENT_RESET, ndata: 1, data: [1n] } });
  assert.equal(reg(vcpus[0], X(19)), U64(-2));
});

test('PSCI_VERSION, PSCI_FEATURES, MIGRATE_INFO_TYPE, SMCCC_VERSION and SMCCC_ARCH_FEATURES answer as KVM does', () => {
  const got = runCalls([
    [0x84000000],
    [0x8400000a, 0x84000012n], // FEATURES(SYSTEM_RESET2)
    [0x8400000a, 0xc4000003n], // FEATURES(CPU_ON, SMC64)
    [0x8400000a, 0xc400000en], // FEATURES(SYSTEM_SUSPEND): needs a cap KVM gates
    [0x8400000a, 0x84000015n], // FEATURES(SYSTEM_OFF2): PSCI 1.3
    [0x8400000a, 0x80000000n], // FEATURES(SMCCC_VERSION)
    [0x84000006],
    [0xc400000e, 0x40080000n], // SYSTEM_SUSPEND itself
    [0x80000000],
    [0x80000001, 0x80008000n], // ARCH_FEATURES(WORKAROUND_1)
    [0x80000001, 0x80007fffn], // ARCH_FEATURES(WORKAROUND_2)
    [0x80000001, 0x80003fffn], // ARCH_FEATURES(WORKAROUND_3)
    [0x80000001, 0x80000002n],
    [0x80008000], // WORKAROUND_1 itself (HVC fast path)
    [0x86000000], // vendor-specific hypervisor range: denied by default
    [0x12345678],
  ]);
  assert.deepEqual(got, [0x10001n, 0n, 0n, U64(-1), U64(-1), 0n, 2n, U64(-1), 0x10001n, 1n, U64(-2), 1n, U64(-1), 0n, U64(-1), U64(-1)]);
});

test('a lowered KVM_REG_ARM_PSCI_VERSION is what the guest sees; without PSCI_0_2 only KVM\'s 0.1 calls exist', () => {
  assert.deepEqual(runCalls([[0x84000000], [0x8400000a, 0x84000012n], [0x84000012, 0n]], { psciVersion: 0x10000n }), [0x10000n, U64(-1), U64(-1)]);
  assert.deepEqual(runCalls([[0x84000000], [0x84000000]], { psciVersion: 0x2n }).slice(0, 1), [0x2n]);
  const vm = new Kvm().createVm({ memoryLimitBytes: 32 << 20 });
  const v = vm.createVcpu(0);
  v.init({ target: vm.armPreferredTarget().target, features: [] });
  assert.equal(reg(v, KVM_REG_ARM_PSCI_VERSION), 1n, 'PSCI 0.1');
  // The 0.1 vCPU: PSCI_VERSION is unknown, SYSTEM_OFF too: the guest cannot power off that way.
  const src = `${fidAsm(0x84000000)} hvc #0\n mov x19, x0\n ${fidAsm(0x84000008)} hvc #0\n mov x20, x0\n b .`;
  const m = machine(src, 1, { psci02: false });
  assert.equal(m.vcpus[0].run({ budget: 1000 }).exitReason, KVM_EXIT_INTR);
  assert.equal(reg(m.vcpus[0], X(19)), U64(-1));
  assert.equal(reg(m.vcpus[0], X(20)), U64(-1));
});

test('a trapped SMC steps past itself; a non-zero immediate is not an SMCCC call', () => {
  const src = `
    ${fidAsm(0x84000000)} smc #0
    mov  x19, x0
    ${fidAsm(0x84000000)} smc #1
    mov  x20, x0
    ${fidAsm(0x84000008)} smc #0
    b    .
  `;
  const { vcpus } = machine(src);
  const v = vcpus[0];
  const r = v.run();
  assert.equal(r.exitReason, KVM_EXIT_SYSTEM_EVENT);
  assert.equal(reg(v, X(19)), 0x10001n);
  assert.equal(reg(v, X(20)), U64(-1));
  assert.equal(reg(v, PC), BigInt(ENTRY + 4 * 11), 'PC past the last SMC, on the b .');
  assert.equal(v.stats.snapshot().byEc.find((e) => e.name === 'SMC64')?.count, 3);
});

test('KVM_ARM_VM_SMCCC_FILTER: forwarded calls exit with KVM_EXIT_HYPERCALL, denied ones return -1', () => {
  const src = `
    ${fidAsm(0xc6000001)} mov x1, #7
    mov  x6, #66
    hvc  #0
    mov  x19, x0
    ${fidAsm(0xc6000002)} smc #0
    mov  x20, x0
    ${fidAsm(0xc6000020)} hvc #0
    mov  x21, x0
    ${fidAsm(0x84000008)} hvc #0
  `;
  const { vm, vcpus } = machine(src);
  const v = vcpus[0];
  setSmcccFilter(vm, 0xc6000000, 0x10, 'fwd-to-user');
  setSmcccFilter(vm, 0xc6000010, 0x10, 'deny');
  assert.throws(() => setSmcccFilter(vm, 0xc6000008, 4, 'deny'), (e: unknown) => e instanceof KvmError && e.errno === 'EEXIST');
  assert.throws(() => setSmcccFilter(vm, 0x80000000, 1, 'fwd-to-user'), (e: unknown) => e instanceof KvmError && e.errno === 'EEXIST', 'the Arm Architecture Calls stay KVM\'s');
  assert.throws(() => setSmcccFilter(vm, 0xc7000000, 0, 'deny'), (e: unknown) => e instanceof KvmError && e.errno === 'EINVAL');
  assert.throws(() => setSmcccFilter(vm, 0xc7000000, 1, 9), (e: unknown) => e instanceof KvmError && e.errno === 'EINVAL');

  let r = v.run();
  assert.equal(r.exitReason, KVM_EXIT_HYPERCALL);
  if (r.exitReason !== KVM_EXIT_HYPERCALL) return;
  assert.equal(r.hypercall.nr, 0xc6000001n);
  assert.equal(r.hypercall.flags, 0n);
  assert.equal(r.hypercall.args[0], 7n);
  assert.equal(r.hypercall.args[5], 66n);
  assert.equal(reg(v, PC), BigInt(ENTRY + 20), 'HVC returns past itself');
  v.setOneReg(X(0), 42n);
  r = v.run();
  assert.equal(r.exitReason, KVM_EXIT_HYPERCALL);
  if (r.exitReason !== KVM_EXIT_HYPERCALL) return;
  assert.equal(r.hypercall.nr, 0xc6000002n);
  assert.equal(r.hypercall.flags, KVM_HYPERCALL_EXIT_SMC);
  assert.equal(reg(v, PC), BigInt(ENTRY + 36), 'the SMC is already stepped over');
  v.setOneReg(X(0), 43n);
  assert.equal(v.run().exitReason, KVM_EXIT_SYSTEM_EVENT);
  assert.deepEqual([19, 20, 21].map((n) => reg(v, X(n))), [42n, 43n, U64(-1)]);
  assert.throws(() => setSmcccFilter(vm, 0xc7000000, 1, 'deny'), (e: unknown) => e instanceof KvmError && e.errno === 'EBUSY');
});

test('CPU_SUSPEND is a WFI: with nothing to wake the vCPU it halts and KVM_RUN returns KVM_EXIT_INTR', () => {
  const { vcpus } = machine(`${fidAsm(0xc4000001)} hvc #0\n b .`);
  const v = vcpus[0];
  assert.deepEqual(v.run(), { exitReason: KVM_EXIT_INTR });
  assert.equal(v.mpState, KVM_MP_STATE_HALTED);
  const n = v.stats.snapshot().instructions;
  assert.deepEqual(v.run(), { exitReason: KVM_EXIT_INTR });
  assert.equal(v.stats.snapshot().instructions, n, 'a halted vCPU does not run');
  assert.equal(reg(v, X(0)), 0n);
  // A virtual interrupt line wakes it (what the vGIC will drive).
  v.cpu.s[102] = 1;
  v.run({ budget: 10 });
  assert.equal(v.mpState, KVM_MP_STATE_RUNNABLE);
});
