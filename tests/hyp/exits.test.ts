/**
 * The exit-handler table, the hypervisor's sysreg table, statistics and the rate limiter, and
 * the stage-2 abort cases not covered by run.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kvm } from '../../src/hyp/kvm.js';
import type { Vm } from '../../src/hyp/vm.js';
import type { Vcpu } from '../../src/hyp/vcpu.js';
import { KVM_ARM_VCPU_PSCI_0_2, KVM_EXIT_SYSTEM_EVENT, KVM_EXIT_INTR, KVM_MP_STATE_HALTED } from '../../src/hyp/uapi/kvm.js';
import { KVM_REG_ARM_CORE_REG, ARM64_SYS_REG } from '../../src/hyp/uapi/kvm-arm64.js';
import { armExitHandlers, handleUnknownEc } from '../../src/hyp/arm/exits.js';
import { HYP_SYS_REGS, checkHypSysRegTable, findHypSysReg, esrSys64ToParams } from '../../src/hyp/arm/sys-regs.js';
import { registerMmio } from '../../src/hyp/arm/mmio.js';
import { ExitStats, VmStats, formatStats } from '../../src/hyp/stats.js';
import { RateLimitedLog } from '../../src/hyp/ratelimit.js';
import { KvmError } from '../../src/hyp/errors.js';
import { assemble } from '../helpers/asm.js';

const RAM = 0x40000000;
const ENTRY = RAM + 0x80000;
const PC = KVM_REG_ARM_CORE_REG('regs.pc');
const X = (n: number): bigint => KVM_REG_ARM_CORE_REG(`regs.regs[${n}]`);
const POWEROFF = 'movz w0, #8\n movk w0, #0x8400, lsl #16\n hvc #0\n';

function guest(src: string, ipaBits = 40): { vm: Vm; v: Vcpu; ram: Uint8Array } {
  const vm = new Kvm().createVm({ memoryLimitBytes: 64 << 20, ipaBits });
  const ram = vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: 16n << 20n });
  const dv = new DataView(ram.buffer, ram.byteOffset, ram.byteLength);
  assemble(src).forEach((w, i) => dv.setUint32(ENTRY - RAM + 4 * i, w, true));
  const v = vm.createVcpu(0);
  v.init({ target: vm.armPreferredTarget().target, features: [KVM_ARM_VCPU_PSCI_0_2] });
  v.setOneReg(PC, BigInt(ENTRY));
  return { vm, v, ram };
}

const reg = (v: Vcpu, id: bigint): bigint => v.getOneReg(id) as bigint;

// ---- tables ---------------------------------------------------------------------------------------

test('armExitHandlers has one handler per EC, unknown by default, named ECs overridden', () => {
  assert.equal(armExitHandlers.length, 64);
  assert.ok(Object.isFrozen(armExitHandlers));
  const handled = [0x01, 0x07, 0x16, 0x17, 0x18, 0x20, 0x24];
  for (let ec = 0; ec < 64; ec++) {
    assert.equal(typeof armExitHandlers[ec], 'function');
    assert.equal(armExitHandlers[ec] === handleUnknownEc, !handled.includes(ec), `EC 0x${ec.toString(16)}`);
  }
  assert.equal(armExitHandlers[0x20], armExitHandlers[0x24], 'instruction and data aborts share kvm_handle_guest_abort');
});

test('the hypervisor sysreg table is sorted, covers the TID3 block, and refuses disorder', () => {
  checkHypSysRegTable(HYP_SYS_REGS);
  for (let crm = 1; crm <= 7; crm++) for (let op2 = 0; op2 < 8; op2++) assert.ok(findHypSysReg(3, 0, 0, crm, op2), `(3,0,0,${crm},${op2})`);
  assert.equal(findHypSysReg(3, 0, 1, 0, 1)?.name, 'ACTLR_EL1');
  assert.equal(findHypSysReg(3, 0, 15, 0, 0), undefined);
  assert.throws(() => checkHypSysRegTable([HYP_SYS_REGS[1], HYP_SYS_REGS[0]]), /is not after/);
});

test('esrSys64ToParams decodes the EC 0x18 ISS fields (Arm ARM D24.2.41)', () => {
  // MRS x5, ACTLR_EL1: Op0 3, Op2 1, Op1 0, CRn 1, Rt 5, CRm 0, Direction 1 (read).
  const iss = (3 << 20) | (1 << 17) | (0 << 14) | (1 << 10) | (5 << 5) | (0 << 1) | 1;
  const p = esrSys64ToParams(iss);
  assert.deepEqual([p.op0, p.op1, p.crn, p.crm, p.op2, p.rt, p.isWrite], [3, 0, 1, 0, 1, 5, false]);
});

// ---- statistics and rate limiting ---------------------------------------------------------------

test('ExitStats counts per EC and exit reason; VmStats sums the vCPUs; formatStats prints rows', () => {
  const a = new ExitStats();
  const b = new ExitStats();
  a.countEc(0x24, 1.5);
  a.countEc(0x24, 0.5);
  b.countEc(0x16, 1);
  a.countRun(6, 3, 100);
  b.countRun(24, 2, 50);
  const vm = new VmStats();
  vm.track(a);
  vm.track(b);
  vm.track(a);
  const s = vm.snapshot();
  assert.deepEqual(s.byEc, [
    { ec: 0x16, name: 'HVC64', count: 1, ms: 1 },
    { ec: 0x24, name: 'DABT_LOW', count: 2, ms: 2 },
  ]);
  assert.deepEqual(s.byExitReason.map((e) => [e.name, e.count]), [['KVM_EXIT_MMIO', 1], ['KVM_EXIT_SYSTEM_EVENT', 1]]);
  assert.equal(s.instructions, 150);
  assert.equal(s.counters.exits, 3);
  const lines = formatStats(s);
  assert.ok(lines.some((l) => /EC 0x24 DABT_LOW\s+2\s+2\.000 ms/.test(l)));
  a.reset();
  assert.equal(vm.snapshot().counters.exits, 1);
});

test('the rate limiter prints a burst per interval, then says how many it suppressed', () => {
  let now = 0;
  const out: string[] = [];
  const log = new RateLimitedLog({ burst: 3, intervalMs: 1000, sink: (l) => out.push(l), now: () => now });
  for (let i = 0; i < 10; i++) log.log(`m${i}`);
  assert.deepEqual(out, ['m0', 'm1', 'm2']);
  now = 1500;
  log.log('later');
  assert.deepEqual(out.slice(3), ['typevisor: 7 messages suppressed', 'later']);
  log.log('x');
  log.log('y');
  log.log('z');
  log.flush();
  assert.deepEqual(out.slice(5), ['x', 'y', 'typevisor: 1 message suppressed']);
  log.flush();
  assert.equal(out.length, 8);
  assert.equal(log.total, 14);
  assert.equal(log.suppressedTotal, 8);
});

// ---- aborts ------------------------------------------------------------------------------------------

test('an in-kernel MMIO device answers without an exit to the VMM', () => {
  const { vm, v } = guest(`
    movz x0, #0x0800, lsl #16
    ldrsh x5, [x0, #2]
    str   x5, [x0, #8]
    ${POWEROFF}
  `);
  const writes: [number, number, number[]][] = [];
  registerMmio(vm, 0x08000000, 0x10000, {
    read: (off, len, data) => data.set([0x34, 0x82].slice(0, len)),
    write: (off, len, data) => void writes.push([off, len, [...data]]),
  });
  assert.throws(() => registerMmio(vm, 0x0800f000, 0x2000, { read: () => {}, write: () => {} }), (e: unknown) => e instanceof KvmError && e.errno === 'EEXIST');
  assert.equal(v.run().exitReason, KVM_EXIT_SYSTEM_EVENT);
  assert.equal(reg(v, X(5)), 0xffffffffffff8234n);
  assert.deepEqual(writes, [[8, 8, [0x34, 0x82, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]]]);
  const st = v.stats.snapshot();
  assert.equal(st.counters.mmio_exit_kernel, 2);
  assert.equal(st.counters.mmio_exit_user, 0);
});

test('a slot page stage 2 does not map is mapped on the fault and the access retried (user_mem_abort)', () => {
  const { vm, v, ram } = guest(`
    movz x0, #0x4080, lsl #16
    ldr  x5, [x0, #0x10]
    ${POWEROFF}
  `);
  new DataView(ram.buffer, ram.byteOffset).setBigUint64(0x800010, 0x1122334455667788n, true);
  vm.stage2.unmap(0x40800000, 0x1000);
  assert.equal(v.run().exitReason, KVM_EXIT_SYSTEM_EVENT);
  assert.equal(reg(v, X(5)), 0x1122334455667788n);
  assert.equal(v.stats.snapshot().byEc.find((e) => e.name === 'DABT_LOW')?.count, 1);
});

test('an access beyond the VM\'s IPA space gets an external data abort injected', () => {
  const { v } = guest(
    `
    adr  x1, vectors
    msr  vbar_el1, x1
    mov  x0, #0x100000000
    ldr  x5, [x0]
    b    .
    .balign 2048
  vectors:
    .skip 0x200
    ${POWEROFF}
  `,
    32,
  );
  assert.equal(v.run().exitReason, KVM_EXIT_SYSTEM_EVENT);
  assert.equal(reg(v, ARM64_SYS_REG(3, 0, 5, 2, 0)), 0x96000010n, 'DABT_CUR, IL, external abort');
  assert.equal(reg(v, ARM64_SYS_REG(3, 0, 6, 0, 0)), 0x100000000n);
});

// ---- WFx ----------------------------------------------------------------------------------------------

test('a trapped WFI halts the vCPU; the virtual timer firing soon wakes it within the same KVM_RUN', () => {
  const halted = guest('wfi\n b .').v;
  assert.deepEqual(halted.run(), { exitReason: KVM_EXIT_INTR });
  assert.equal(halted.mpState, KVM_MP_STATE_HALTED);
  assert.equal(reg(halted, PC), BigInt(ENTRY + 4), 'the WFI completed');
  assert.equal(halted.stats.snapshot().byEc.find((e) => e.name === 'WFx')?.count, 1);

  // Host clock. The deadline must lie well beyond any stall between the TVAL write and the WFI
  // trap (descheduling, GC, a first JIT compile of the exit path): if the timer has already fired
  // when the WFI is handled, the vCPU rightly does not halt and there is no wake-up to count. The
  // 0.5 ms this test once used was that short under machine load. 40 ms (2,500,000 ticks at
  // 62.5 MHz) is still below HALT_POLL_MAX_MS, so KVM_RUN sleeps for it.
  const { v } = guest(`
    movz x1, #0x26, lsl #16
    movk x1, #0x25a0               // 2,500,000 ticks
    msr  cntv_tval_el0, x1
    mov  x1, #1
    msr  cntv_ctl_el0, x1
    wfi
    ${POWEROFF}
  `);
  const t0 = performance.now();
  assert.equal(v.run().exitReason, KVM_EXIT_SYSTEM_EVENT);
  const ms = performance.now() - t0;
  assert.equal(v.stats.counters.wfi_exit_stat, 1);
  assert.equal(v.stats.counters.halt_wakeup, 1);
  assert.ok(ms > 39, `slept until the deadline (${ms} ms)`);
});
