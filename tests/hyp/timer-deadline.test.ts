/**
 * Timer interrupts on time (src/hyp/arm/run.ts timerChunkLimit()): KVM_RUN ends an interpreter
 * chunk at the earliest deadline of the vCPU's armed timers, so a guest that spins without trapping
 * takes the timer's PPI at the instruction boundary after the count reaches CVAL, not at the end
 * of a RUN_CHUNK-instruction chunk.
 *
 * Deterministic mode (CNTPCT = floor(icount * ticksPerInsn)) checks the exact instruction: the
 * IRQ handler's first instruction reads the counter, which must be the count of the instruction
 * right after the first one that saw count >= CVAL. Host-clock mode checks the chunk bound and
 * bounds the lateness in instructions, never in host time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kvm } from '../../src/hyp/kvm.js';
import type { Vm } from '../../src/hyp/vm.js';
import type { Vcpu } from '../../src/hyp/vcpu.js';
import type { KvmRun } from '../../src/hyp/kvm-run.js';
import { KVM_EXIT_INTR, KVM_EXIT_SYSTEM_EVENT, KVM_ARM_VCPU_PSCI_0_2 } from '../../src/hyp/uapi/kvm.js';
import { KVM_REG_ARM_CORE_REG, KVM_REG_ARM_TIMER_CTL, KVM_REG_ARM_TIMER_CVAL } from '../../src/hyp/uapi/kvm-arm64.js';
import {
  KVM_DEV_TYPE_ARM_VGIC_V3,
  KVM_DEV_ARM_VGIC_GRP_ADDR,
  KVM_DEV_ARM_VGIC_GRP_CTRL,
  KVM_DEV_ARM_VGIC_CTRL_INIT,
  KVM_VGIC_V3_ADDR_TYPE_DIST,
  KVM_VGIC_V3_ADDR_TYPE_REDIST,
} from '../../src/hyp/uapi/kvm-vgic.js';
import { S } from '../../src/arch/aarch64/state.js';
import { readCntvct, timerCondition, timerDeadlineIcount, TIMER_VIRT, TIMER_PHYS } from '../../src/arch/aarch64/timer.js';
import { RUN_CHUNK, TIMER_CHUNK_MIN, TIMER_IPMS_INITIAL, timerChunkLimit } from '../../src/hyp/arm/run.js';
import { assemble } from '../helpers/asm.js';

const RAM = 0x4000_0000;
const ENTRY = RAM + 0x80000;
const PC = KVM_REG_ARM_CORE_REG('regs.pc');
const X = (n: number): bigint => KVM_REG_ARM_CORE_REG(`regs.regs[${n}]`);

/**
 * The guest: GIC on, PPIs 27 and 30 enabled, vectors set; then the timer `t` ('v' or 'p') armed
 * x9 ticks ahead of its count with MSR (no trap follows), IRQs unmasked, and a spin loop counting
 * in x6. The IRQ handler's first instruction reads the count into x7; ELR_EL1 -> x8, INTID -> x20,
 * CVAL -> x5; then power off.
 */
function source(t: 'v' | 'p'): string {
  return `
  adr  x0, vectors
  msr  vbar_el1, x0
  movz x1, #0x0800, lsl #16        // GICD
  movz x3, #0x080b, lsl #16        // GICR SGI_base of vCPU 0
  mov  w2, #2
  str  w2, [x1]                    // GICD_CTLR.EnableGrp1
  movz x4, #0x080a, lsl #16
  str  wzr, [x4, #0x14]            // GICR_WAKER.ProcessorSleep = 0
  movz w2, #0x4800, lsl #16
  str  w2, [x3, #0x100]            // GICR_ISENABLER0: PPIs 27 and 30
  mov  x0, #0xff
  msr  S3_0_C4_C6_0, x0            // ICC_PMR_EL1
  mov  x0, #1
  msr  S3_0_C12_C12_7, x0          // ICC_IGRPEN1_EL1
  isb
  msr  daifclr, #2
  mov  x6, #0
  mrs  x5, cnt${t}ct_el0
  add  x5, x5, x9
  msr  cnt${t}_cval_el0, x5
  mov  x0, #1
  msr  cnt${t}_ctl_el0, x0         // ENABLE, not masked: from here on no instruction traps
1:
  add  x6, x6, #1
  b    1b

  .balign 2048
vectors:
  .skip 0x280
  mrs  x7, cnt${t}ct_el0
  mrs  x8, elr_el1
  mrs  x20, S3_0_C12_C12_0         // ICC_IAR1_EL1
  movz w0, #0x0008
  movk w0, #0x8400, lsl #16        // PSCI SYSTEM_OFF
  hvc  #0
`;
}

function guest(src: string, opts: { deterministic: boolean; ticksPerInsn?: number; ahead: number }): { vm: Vm; v: Vcpu; ram: Uint8Array } {
  const vm = new Kvm().createVm({ memoryLimitBytes: 64 << 20 });
  const ram = vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: 16n << 20n });
  const words = assemble(src);
  const dv = new DataView(ram.buffer, ram.byteOffset, ram.byteLength);
  for (let i = 0; i < words.length; i++) dv.setUint32(ENTRY - RAM + 4 * i, words[i], true);
  const gic = vm.createDevice(KVM_DEV_TYPE_ARM_VGIC_V3);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, 0x0800_0000n);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, 0x080a_0000n);
  const v = vm.createVcpu(0);
  v.init({ target: vm.armPreferredTarget().target, features: [KVM_ARM_VCPU_PSCI_0_2] });
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT);
  v.setOneReg(PC, BigInt(ENTRY));
  v.setOneReg(X(9), BigInt(opts.ahead));
  v.cpu.deterministic = opts.deterministic;
  v.cpu.ticksPerInsn = opts.ticksPerInsn ?? 1;
  return { vm, v, ram };
}

const x = (v: Vcpu, n: number): number => Number(v.getOneReg(X(n)) as bigint);

function expectOff(r: KvmRun): void {
  assert.equal(r.exitReason, KVM_EXIT_SYSTEM_EVENT, JSON.stringify(r, (_k, val) => (typeof val === 'bigint' ? val.toString(16) : val)));
}

/** The deterministic count (physical) at icount n, as the architecture's counter reads it. */
const countAt = (n: number, tpi: number): number => Math.floor(n * tpi);

/** The first n with countAt(n) - off >= cval, by a scan independent of timer.ts's search. */
function firstReaching(cval: number, off: number, tpi: number): number {
  let n = Math.max(0, Math.floor((cval + off) / tpi) - 4);
  while (countAt(n, tpi) - off < cval) n++;
  return n;
}

for (const t of ['v', 'p'] as const) {
  for (const [tpi, ahead] of [
    [1, 1000],
    [1, 2_500_000],
    [16, 40_000],
    [0.37, 5_000],
    [2.5, 3_000_001],
  ] as const) {
    test(`deterministic: the ${t === 'v' ? 'virtual' : 'physical'} timer armed ${ahead} ticks ahead (${tpi} ticks/insn) interrupts a spinning guest at the exact instruction`, () => {
      const { v } = guest(source(t), { deterministic: true, ticksPerInsn: tpi, ahead });
      const off = t === 'v' ? 123_457 : 0;
      if (t === 'v') v.cpu.s[S.CNTVOFF_EL2] = off; // CNTVCT = CNTPCT - CNTVOFF_EL2
      v.cpu.icount = 1_000_000; // so that the counter is above the offset
      expectOff(v.run({ budget: 50_000_000 }));
      assert.equal(x(v, 20), t === 'v' ? 27 : 30, 'the timer PPI was taken');
      const cval = x(v, 5);
      const deadline = firstReaching(cval, off, tpi);
      // The instruction at `deadline` was the first to see count >= CVAL; the interrupt is taken
      // before the next one, which is the handler's first instruction.
      assert.equal(x(v, 7), countAt(deadline + 1, tpi) - off, 'the handler runs right after the deadline');
      assert.ok(x(v, 6) > 0 || ahead < 10, 'the guest spun');
      assert.equal(v.stats.counters.signal_exits, 0, 'no exit to the VMM on the way');
    });
  }
}

/**
 * source('v') with a handler that records CNTVCT at x22 (post-increment), acknowledges and EOIs,
 * re-arms with `rearm` (x5 = CVAL, x9 = period), and powers off after `count` interrupts.
 */
function periodicSource(rearm: string, count: number): string {
  return source('v').replace(
    /vectors:[\s\S]*$/,
    `vectors:
  .skip 0x280
  mrs  x7, cntvct_el0
  str  x7, [x22], #8
  mrs  x0, S3_0_C12_C12_0          // ICC_IAR1_EL1
  msr  S3_0_C12_C12_1, x0          // ICC_EOIR1_EL1
${rearm}
  add  x23, x23, #1
  cmp  x23, #${count}
  b.ge 2f
  eret
2:
  movz w0, #0x0008
  movk w0, #0x8400, lsl #16
  hvc  #0
`,
  );
}

test('deterministic: a periodic timer re-armed in the handler without trapping fires on time, every period', () => {
  // Linux-like: the handler acknowledges, EOIs, moves CVAL one period on and writes CTL (as
  // set_next_event() does), then returns to the spin loop. Nothing traps between interrupts.
  const periodic = periodicSource('  add  x5, x5, x9\n  msr  cntv_cval_el0, x5\n  mov  x0, #1\n  msr  cntv_ctl_el0, x0', 6);
  const period = 250_000;
  const { v, ram } = guest(periodic, { deterministic: true, ahead: period });
  v.setOneReg(X(22), 0x4010_0000n);
  expectOff(v.run({ budget: 50_000_000 }));
  const dv = new DataView(ram.buffer, ram.byteOffset + 0x10_0000, 6 * 8);
  const first = x(v, 5) - 6 * period; // the CVAL of the first interrupt
  for (let k = 0; k < 6; k++) {
    assert.equal(Number(dv.getBigUint64(8 * k, true)), first + k * period + 1, `interrupt ${k}`);
  }
  assert.equal(v.stats.counters.signal_exits, 0);
});

test('deterministic: a timer re-armed by writing CVAL alone (CTL untouched) also fires on time', () => {
  // The handler only moves CVAL one period on: that write must end the slice as CTL/TVAL writes
  // do, or the next deadline would be seen only at the end of a 1 M-instruction chunk.
  const periodic = periodicSource('  add  x5, x5, x9\n  msr  cntv_cval_el0, x5', 4);
  const period = 300_000;
  const { v, ram } = guest(periodic, { deterministic: true, ahead: period });
  v.setOneReg(X(22), 0x4010_0000n);
  expectOff(v.run({ budget: 50_000_000 }));
  const dv = new DataView(ram.buffer, ram.byteOffset + 0x10_0000, 4 * 8);
  const first = x(v, 5) - 4 * period;
  for (let k = 0; k < 4; k++) {
    assert.equal(Number(dv.getBigUint64(8 * k, true)), first + k * period + 1, `interrupt ${k}`);
  }
});

test('deterministic: a small KVM_RUN budget keeps its meaning, and the timer IRQ is still exact', () => {
  const { v } = guest(source('v'), { deterministic: true, ahead: 1_234_567 });
  let r: KvmRun;
  let intrs = 0;
  for (r = v.run({ budget: 300_000 }); r.exitReason === KVM_EXIT_INTR; r = v.run({ budget: 300_000 })) intrs++;
  expectOff(r);
  assert.equal(v.stats.counters.signal_exits, intrs, 'each spent budget is one KVM_EXIT_INTR');
  assert.ok(intrs >= 4);
  const cval = x(v, 5);
  assert.equal(x(v, 7), firstReaching(cval, 0, 1) + 1);
  assert.equal(x(v, 7), cval + 1);
});

test('deterministic: a timer armed from the VMM (ONE_REG) bounds the first chunk', () => {
  // Spin from the start with IRQs unmasked; the VMM arms CNTV 777 ticks ahead.
  const { v } = guest(
    source('v').replace(/mrs {2}x5, cntvct_el0[\s\S]*?msr {2}cntv_ctl_el0, x0[^\n]*\n/, ''),
    { deterministic: true, ahead: 0 },
  );
  v.cpu.icount = 5000;
  // Run the prologue (its MMIO writes trap) up to the spin loop, a few instructions in.
  v.run({ budget: 30 });
  const now = Number(BigInt.asUintN(64, BigInt(readCntvct(v.cpu) >>> 0) | (BigInt(v.cpu.rhi) << 32n)));
  v.setOneReg(KVM_REG_ARM_TIMER_CVAL, BigInt(now + 777));
  v.setOneReg(KVM_REG_ARM_TIMER_CTL, 1n);
  assert.equal(timerChunkLimit(v), 777);
  expectOff(v.run());
  assert.equal(x(v, 7), now + 778);
});

test('timerDeadlineIcount is the first icount whose count reaches CVAL, and timerChunkLimit skips firing or masked timers', () => {
  const { v } = guest(source('v'), { deterministic: true, ahead: 0 });
  const cpu = v.cpu;
  for (const tpi of [1, 3, 0.1, 0.37, 16.125, 62.5]) {
    cpu.ticksPerInsn = tpi;
    cpu.icount = 98_765;
    const cval = Math.floor(98_765 * tpi) + 5_000;
    v.setOneReg(KVM_REG_ARM_TIMER_CVAL, BigInt(cval));
    v.setOneReg(KVM_REG_ARM_TIMER_CTL, 1n);
    const d = timerDeadlineIcount(cpu, TIMER_VIRT);
    assert.equal(d, firstReaching(cval, 0, tpi), `ticksPerInsn ${tpi}`);
    assert.equal(timerChunkLimit(v), Math.min(RUN_CHUNK, d - cpu.icount));
    cpu.icount = d - 1;
    assert.equal(timerCondition(cpu, TIMER_VIRT), false);
    cpu.icount = d;
    assert.equal(timerCondition(cpu, TIMER_VIRT), true);
    assert.equal(timerDeadlineIcount(cpu, TIMER_VIRT), d, 'already firing: now');
    assert.equal(timerChunkLimit(v), RUN_CHUNK, 'a firing timer bounds nothing');
  }
  cpu.ticksPerInsn = 1;
  cpu.icount = 1000;
  v.setOneReg(KVM_REG_ARM_TIMER_CVAL, 1500n);
  v.setOneReg(KVM_REG_ARM_TIMER_CTL, 3n); // masked
  assert.equal(timerDeadlineIcount(cpu, TIMER_VIRT), Infinity);
  assert.equal(timerChunkLimit(v), RUN_CHUNK);
  v.setOneReg(KVM_REG_ARM_TIMER_CTL, 0n); // disabled
  assert.equal(timerChunkLimit(v), RUN_CHUNK);
  v.setOneReg(KVM_REG_ARM_TIMER_CVAL, 0xffff_ffff_ffff_fff0n); // enabled but beyond reach
  v.setOneReg(KVM_REG_ARM_TIMER_CTL, 1n);
  assert.equal(timerDeadlineIcount(cpu, TIMER_VIRT), Infinity);
  assert.equal(timerDeadlineIcount(cpu, TIMER_PHYS), Infinity, 'the physical timer is off');
  assert.equal(timerChunkLimit(v), RUN_CHUNK);
});

// ---- host clock ---------------------------------------------------------------------------------

test('host clock: the chunk before a timer deadline is bounded by the estimated distance', () => {
  const { v } = guest(source('v'), { deterministic: false, ahead: 0 });
  const cpu = v.cpu;
  assert.equal(timerChunkLimit(v), RUN_CHUNK, 'no timer armed');
  const arm = (ticks: number): void => {
    const now = BigInt(readCntvct(cpu) >>> 0) | (BigInt(cpu.rhi) << 32n);
    v.setOneReg(KVM_REG_ARM_TIMER_CVAL, now + BigInt(ticks));
    v.setOneReg(KVM_REG_ARM_TIMER_CTL, 1n);
  };
  // 500 ms ahead (62.5 MHz): at the initial estimate the chunk covers less than that distance.
  arm(31_250_000);
  let n = timerChunkLimit(v);
  if (!timerCondition(cpu, TIMER_VIRT)) {
    assert.ok(n >= TIMER_CHUNK_MIN && n <= 500 * TIMER_IPMS_INITIAL && n < RUN_CHUNK, String(n));
  }
  // 0.5 ms ahead: shorter than the shortest chunk at the initial estimate, so the minimum.
  arm(31_250);
  n = timerChunkLimit(v);
  if (!timerCondition(cpu, TIMER_VIRT)) assert.equal(n, TIMER_CHUNK_MIN);
  // Already firing: no bound. Far away: RUN_CHUNK.
  v.setOneReg(KVM_REG_ARM_TIMER_CVAL, 0n);
  assert.equal(timerChunkLimit(v), RUN_CHUNK);
  arm(2 ** 40);
  assert.equal(timerChunkLimit(v), RUN_CHUNK);
});

test('host clock: a spinning guest takes the timer IRQ after the deadline and long before a full chunk', () => {
  // 0.5 ms ahead: whatever the host's speed, the guest reaches the deadline in far fewer than
  // RUN_CHUNK instructions unless it executes more than ~1000 MIPS.
  for (let round = 0; round < 5; round++) {
    const { v } = guest(source('v'), { deterministic: false, ahead: 31_250 });
    expectOff(v.run({ budget: 50_000_000 }));
    assert.equal(x(v, 20), 27);
    assert.ok(x(v, 7) >= x(v, 5), 'never early: the count had reached CVAL');
    const spun = 2 * x(v, 6);
    assert.ok(spun < RUN_CHUNK / 2, `the IRQ came ${spun} instructions after arming`);
  }
});
