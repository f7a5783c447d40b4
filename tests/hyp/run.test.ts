/**
 * KVM_RUN through the public API: a VM, memory through setUserMemoryRegion, vCPUs through init
 * and ONE_REG, guests assembled from source, exits checked as a VMM sees them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kvm } from '../../src/hyp/kvm.js';
import type { Vm } from '../../src/hyp/vm.js';
import type { Vcpu } from '../../src/hyp/vcpu.js';
import { KvmError } from '../../src/hyp/errors.js';
import type { KvmRun } from '../../src/hyp/kvm-run.js';
import {
  KVM_EXIT_INTR,
  KVM_EXIT_MMIO,
  KVM_EXIT_ARM_NISV,
  KVM_EXIT_SYSTEM_EVENT,
  KVM_EXIT_INTERNAL_ERROR,
  KVM_SYSTEM_EVENT_SHUTDOWN,
  KVM_ARM_VCPU_PSCI_0_2,
  KVM_MEM_READONLY,
  KVM_CAP_ARM_NISV_TO_USER,
} from '../../src/hyp/uapi/kvm.js';
import { KVM_REG_ARM_CORE_REG, ARM64_SYS_REG } from '../../src/hyp/uapi/kvm-arm64.js';
import { S } from '../../src/arch/aarch64/state.js';
import { hypLog } from '../../src/hyp/ratelimit.js';
import { assemble } from '../helpers/asm.js';

const RAM = 0x40000000;
const ENTRY = RAM + 0x80000;
const UART = 0x09000000;
const PC = KVM_REG_ARM_CORE_REG('regs.pc');
const X = (n: number): bigint => KVM_REG_ARM_CORE_REG(`regs.regs[${n}]`);
const ESR_EL1 = ARM64_SYS_REG(3, 0, 5, 2, 0);
const FAR_EL1 = ARM64_SYS_REG(3, 0, 6, 0, 0);
const ID_AA64PFR0_EL1 = ARM64_SYS_REG(3, 0, 0, 4, 0);

function load(ram: Uint8Array, ipa: number, words: ArrayLike<number>): void {
  const dv = new DataView(ram.buffer, ram.byteOffset, ram.byteLength);
  for (let i = 0; i < words.length; i++) dv.setUint32(ipa - RAM + 4 * i, words[i] >>> 0, true);
}

/** A VM with 16 MiB of RAM at 0x40000000, `src` at ENTRY, and one initialised vCPU there. */
function guest(src: string): { vm: Vm; v: Vcpu; ram: Uint8Array } {
  const vm = new Kvm().createVm({ memoryLimitBytes: 64 << 20 });
  const ram = vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: 16n << 20n });
  load(ram, ENTRY, assemble(src));
  const v = vm.createVcpu(0);
  v.init({ target: vm.armPreferredTarget().target, features: [KVM_ARM_VCPU_PSCI_0_2] });
  v.setOneReg(PC, BigInt(ENTRY));
  return { vm, v, ram };
}

function reg(v: Vcpu, id: bigint): bigint {
  return v.getOneReg(id) as bigint;
}

function expectMmio(r: KvmRun, addr: number, len: number, isWrite: boolean): Extract<KvmRun, { exitReason: 6 }> {
  assert.equal(r.exitReason, KVM_EXIT_MMIO, JSON.stringify(r, (_k, x) => (typeof x === 'bigint' ? x.toString(16) : x)));
  if (r.exitReason !== KVM_EXIT_MMIO) throw new Error('unreachable');
  assert.equal(r.mmio.physAddr, BigInt(addr));
  assert.equal(r.mmio.len, len);
  assert.equal(r.mmio.isWrite, isWrite);
  return r;
}

const POWEROFF = `
  movz w0, #0x0008
  movk w0, #0x8400, lsl #16
  hvc  #0
`;

test('KVM_RUN before KVM_ARM_VCPU_INIT is ENOEXEC', () => {
  const vm = new Kvm().createVm({ memoryLimitBytes: 32 << 20 });
  const v = vm.createVcpu(0);
  assert.throws(() => v.run(), (e: unknown) => e instanceof KvmError && e.errno === 'ENOEXEC');
  assert.equal(vm.hasRunOnce, false);
});

test('immediateExit returns KVM_EXIT_INTR without running, and the first run marks the VM as run', () => {
  const { vm, v } = guest('b .');
  v.immediateExit = true;
  assert.deepEqual(v.run(), { exitReason: KVM_EXIT_INTR });
  assert.equal(reg(v, PC), BigInt(ENTRY));
  assert.equal(v.stats.snapshot().instructions, 0);
  assert.equal(vm.hasRunOnce, true);
});

test('a spent budget ends KVM_RUN with KVM_EXIT_INTR after exactly that many instructions', () => {
  const { v } = guest('b .');
  assert.deepEqual(v.run({ budget: 12345 }), { exitReason: KVM_EXIT_INTR });
  assert.equal(v.stats.snapshot().instructions, 12345);
  assert.deepEqual(v.run({ budget: 2_500_000 }), { exitReason: KVM_EXIT_INTR });
  assert.equal(v.stats.snapshot().instructions, 2_512_345);
  assert.throws(() => v.run({ budget: 0 }), (e: unknown) => e instanceof KvmError && e.errno === 'EINVAL');
});

test('MMIO loads of every size exit with KVM_EXIT_MMIO and complete with the size, sign-extension and SF rules', () => {
  const { v } = guest(`
    movz x0, #0x0900, lsl #16
    ldrb  w1, [x0]
    ldrsb x2, [x0, #1]
    ldrsb w3, [x0, #2]
    ldrh  w4, [x0, #4]
    ldrsh x5, [x0, #6]
    ldrsh w6, [x0, #8]
    ldr   w7, [x0, #12]
    ldrsw x8, [x0, #16]
    ldr   x9, [x0, #24]
    ldr   xzr, [x0, #32]
    ${POWEROFF}
  `);
  for (const n of [3, 6, 7]) v.setOneReg(X(n), 0xdeadbeef00000000n);
  const loads: [number, number, number, bigint][] = [
    [1, 0, 1, 0xf1n],
    [2, 1, 1, 0xfffffffffffffff1n],
    [3, 2, 1, 0xfffffff1n],
    [4, 4, 2, 0xf2f1n],
    [5, 6, 2, 0xfffffffffffff2f1n],
    [6, 8, 2, 0xfffff2f1n],
    [7, 12, 4, 0xf4f3f2f1n],
    [8, 16, 4, 0xfffffffff4f3f2f1n],
    [9, 24, 8, 0xf8f7f6f5f4f3f2f1n],
  ];
  let pc = BigInt(ENTRY + 4);
  let r = v.run();
  for (const [rt, off, len, want] of loads) {
    const m = expectMmio(r, UART + off, len, false);
    assert.equal(reg(v, PC), pc, 'PC stays on the load until the next KVM_RUN completes it');
    m.mmio.data.set([0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8].slice(0, len));
    r = v.run(); // completes the load, then runs into the next one
    assert.equal(reg(v, X(rt)), want, `x${rt} after a ${len}-byte load`);
    pc += 4n;
  }
  const xzr = expectMmio(r, UART + 32, 8, false);
  xzr.mmio.data.fill(0xff);
  const end = v.run();
  assert.equal(end.exitReason, KVM_EXIT_SYSTEM_EVENT);
  const st = v.stats.snapshot();
  assert.equal(st.counters.mmio_exit_user, 10);
  assert.equal(st.byEc.find((e) => e.name === 'DABT_LOW')?.count, 10);
  assert.equal(st.byEc.find((e) => e.name === 'HVC64')?.count, 1);
  assert.equal(st.byExitReason.find((e) => e.reason === KVM_EXIT_MMIO)?.count, 10);
});

test('MMIO stores put the low bytes of the register in data, XZR as zero, and step PC on the next run', () => {
  const { v } = guest(`
    movz x0, #0x0900, lsl #16
    strb w10, [x0, #1]
    strh w10, [x0, #2]
    str  w10, [x0, #4]
    str  x10, [x0, #8]
    str  wzr, [x0, #16]
    ${POWEROFF}
  `);
  v.setOneReg(X(10), 0x1122334455667788n);
  const want: [number, number, number[]][] = [
    [1, 1, [0x88]],
    [2, 2, [0x88, 0x77]],
    [4, 4, [0x88, 0x77, 0x66, 0x55]],
    [8, 8, [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]],
    [16, 4, [0, 0, 0, 0]],
  ];
  for (const [off, len, bytes] of want) {
    const r = expectMmio(v.run(), UART + off, len, true);
    assert.deepEqual([...r.mmio.data.subarray(0, len)], bytes);
  }
  assert.equal(v.run().exitReason, KVM_EXIT_SYSTEM_EVENT);
  assert.equal(reg(v, X(10)), 0x1122334455667788n, 'stores leave the register alone');
});

test('writes to a KVM_MEM_READONLY slot exit as MMIO; reads come from its memory', () => {
  const { vm, v } = guest(`
    movz x0, #0x5000, lsl #16
    ldr  w1, [x0, #0x10]
    str  w1, [x0, #0x20]
    ${POWEROFF}
  `);
  const rom = vm.setUserMemoryRegion({ slot: 1, guestPhysAddr: 0x50000000n, size: 0x10000n, flags: KVM_MEM_READONLY });
  rom.set([0x78, 0x56, 0x34, 0x12], 0x10);
  const r = expectMmio(v.run(), 0x50000020, 4, true);
  assert.deepEqual([...r.mmio.data.subarray(0, 4)], [0x78, 0x56, 0x34, 0x12]);
  assert.equal(reg(v, X(1)), 0x12345678n);
  assert.equal(v.run().exitReason, KVM_EXIT_SYSTEM_EVENT);
  assert.equal(rom[0x20], 0, 'the ROM is unchanged');
});

test('a load with writeback (ISV=0) gives KVM_EXIT_ARM_NISV with the sanitised ISS and the IPA', () => {
  const { vm, v } = guest(`
    movz x0, #0x0900, lsl #16
    ldr  x1, [x0, #8]!
    stp  x1, x2, [x0, #16]
  `);
  vm.enableCap(KVM_CAP_ARM_NISV_TO_USER);
  let r = v.run();
  assert.equal(r.exitReason, KVM_EXIT_ARM_NISV);
  if (r.exitReason !== KVM_EXIT_ARM_NISV) return;
  assert.equal(r.armNisv.faultIpa, BigInt(UART + 8));
  assert.equal(r.armNisv.esrIss & 0x3cn, 0x04n, 'a translation fault');
  assert.equal(r.armNisv.esrIss & ~0x17fn, 0n, 'only CM, WnR and the FSC are shown');
  assert.equal(reg(v, X(0)), BigInt(UART), 'the writeback did not happen');
  assert.equal(reg(v, PC), BigInt(ENTRY + 4), 'the vCPU stays on the load');
  // The VMM emulated it itself: writeback, result, step.
  v.setOneReg(X(0), BigInt(UART + 8));
  v.setOneReg(PC, BigInt(ENTRY + 8));
  r = v.run();
  assert.equal(r.exitReason, KVM_EXIT_ARM_NISV);
  if (r.exitReason === KVM_EXIT_ARM_NISV) {
    assert.equal(r.armNisv.faultIpa, BigInt(UART + 24));
    assert.equal(r.armNisv.esrIss & 0x40n, 0x40n, 'WnR for the store pair');
  }
});

test('without KVM_CAP_ARM_NISV_TO_USER an ISV=0 abort ends in KVM_EXIT_INTERNAL_ERROR, logged', () => {
  const { v } = guest(`
    movz x0, #0x0900, lsl #16
    ldr  x1, [x0], #8
  `);
  const lines: string[] = [];
  const old = hypLog.sink;
  hypLog.sink = (l) => lines.push(l);
  try {
    const r = v.run();
    assert.equal(r.exitReason, KVM_EXIT_INTERNAL_ERROR);
    if (r.exitReason === KVM_EXIT_INTERNAL_ERROR) assert.match(r.internal.message, /no valid syndrome info at PC 0x40080004, IPA 0x9000000/);
  } finally {
    hypLog.sink = old;
  }
  assert.ok(lines.some((l) => /KVM_CAP_ARM_NISV_TO_USER/.test(l)));
});

test('a guest executing from an MMIO address takes a prefetch abort (ESR_EL1, FAR_EL1, ELR_EL1, SPSR_EL1)', () => {
  const { v } = guest(`
    adr  x1, vectors
    msr  vbar_el1, x1
    movz x2, #0x0900, lsl #16
    movk x2, #0x0040
    br   x2
    .balign 2048
  vectors:
    .skip 0x200
    ${POWEROFF}
  `);
  const r = v.run();
  assert.equal(r.exitReason, KVM_EXIT_SYSTEM_EVENT);
  assert.equal(reg(v, ESR_EL1), 0x86000010n, 'EC IABT_CUR, IL, FSC synchronous external abort');
  assert.equal(reg(v, FAR_EL1), BigInt(UART + 0x40));
  assert.equal(reg(v, KVM_REG_ARM_CORE_REG('elr_el1')), BigInt(UART + 0x40));
  assert.equal(reg(v, KVM_REG_ARM_CORE_REG('spsr[0]')), 0x3c5n, 'EL1h with DAIF masked, as at reset');
  assert.equal(v.stats.snapshot().byEc.find((e) => e.name === 'IABT_LOW')?.count, 1);
});

test('ID registers trapped by HCR_EL2.TID3 read the VM\'s values; ACTLR_EL1 reads 0 and ignores writes', () => {
  const { v } = guest(`
    mrs  x5, id_aa64pfr0_el1
    mrs  x6, id_aa64mmfr0_el1
    movz x7, #0xffff
    msr  actlr_el1, x7
    mrs  x7, actlr_el1
    ${POWEROFF}
  `);
  assert.equal(v.run().exitReason, KVM_EXIT_SYSTEM_EVENT);
  assert.equal(reg(v, X(5)), reg(v, ID_AA64PFR0_EL1));
  assert.notEqual(reg(v, X(5)), 0n);
  assert.equal(reg(v, X(6)), reg(v, ARM64_SYS_REG(3, 0, 0, 7, 0)));
  assert.equal(reg(v, X(7)), 0n);
  assert.equal(v.stats.snapshot().byEc.find((e) => e.name === 'SYS64')?.count, 4);
});

test('a trapped system register the hypervisor does not know is logged as a table row and UNDEFs', () => {
  const { v } = guest(`
    adr  x1, vectors
    msr  vbar_el1, x1
    mrs  x5, mdscr_el1
    b    .
    .balign 2048
  vectors:
    .skip 0x200
    ${POWEROFF}
  `);
  // Trap debug registers to EL2 (MDCR_EL2.TDA), which no row of the hypervisor's table handles.
  v.cpu.s[S.MDCR_EL2] = 1 << 9;
  const lines: string[] = [];
  const old = hypLog.sink;
  hypLog.sink = (l) => lines.push(l);
  try {
    assert.equal(v.run().exitReason, KVM_EXIT_SYSTEM_EVENT);
  } finally {
    hypLog.sink = old;
  }
  assert.equal(reg(v, ESR_EL1), 0x02000000n, 'EC UNKNOWN, IL');
  assert.equal(reg(v, KVM_REG_ARM_CORE_REG('elr_el1')), BigInt(ENTRY + 8), 'at the MRS');
  assert.equal(lines.length, 1);
  assert.match(lines[0], /unsupported guest sys_reg read at PC 0x40080008: sysReg\('MDSCR_EL1', 2, 0, 0, 2, 2, read_\?\),/);
});

test('a guest looping on an unknown exception class logs a bounded number of lines', () => {
  // BRK with MDCR_EL2.TDE traps to EL2 as EC 0x3c, which KVM handles only for guest debugging:
  // UNDEF each time; the vector returns to the BRK.
  const { v } = guest(`
    adr  x1, vectors
    msr  vbar_el1, x1
  again:
    brk  #0
    b    again
    .balign 2048
  vectors:
    .skip 0x200
    eret
  `);
  v.cpu.s[S.MDCR_EL2] = 1 << 8;
  const lines: string[] = [];
  const old = hypLog.sink;
  hypLog.sink = (l) => lines.push(l);
  const before = hypLog.total;
  try {
    assert.equal(v.run({ budget: 20_000 }).exitReason, KVM_EXIT_INTR);
  } finally {
    hypLog.sink = old;
  }
  const exits = v.stats.snapshot().byEc.find((e) => e.ec === 0x3c)?.count ?? 0;
  assert.ok(exits >= 5000, `${exits} BRK exits`);
  assert.equal(hypLog.total - before, exits);
  assert.ok(lines.length <= hypLog.burst + 1, `${lines.length} lines`);
  assert.match(lines[0], /unknown exception class: esr: 0xf2000000 -- BRK64/);
});

test('the VM statistics aggregate its vCPUs', () => {
  const { vm, v } = guest(POWEROFF);
  const v1 = vm.createVcpu(1);
  v1.init({ target: vm.armPreferredTarget().target, features: [KVM_ARM_VCPU_PSCI_0_2] });
  v1.setOneReg(PC, BigInt(ENTRY));
  const r = v.run();
  assert.equal(r.exitReason === KVM_EXIT_SYSTEM_EVENT && r.systemEvent.type, KVM_SYSTEM_EVENT_SHUTDOWN);
  // SYSTEM_OFF stopped every vCPU: v1 does not run.
  assert.equal(v1.run().exitReason, KVM_EXIT_INTR);
  const s = vm.stats.snapshot();
  assert.equal(s.counters.hvc_exit_stat, 1);
  assert.equal(s.instructions, 3);
  assert.equal(s.byExitReason.find((e) => e.reason === KVM_EXIT_SYSTEM_EVENT)?.count, 1);
  assert.equal(s.byExitReason.find((e) => e.reason === KVM_EXIT_INTR)?.count, 1);
});
