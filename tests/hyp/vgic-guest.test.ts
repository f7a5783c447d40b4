/**
 * The vGICv3 end to end: guests that program the distributor and redistributor through MMIO and
 * the CPU interface through ICC_* registers, and take interrupts delivered through the list
 * registers: an SPI from KVM_IRQ_LINE, the virtual timer's PPI 27, an SGI to self, and a WFI
 * that must not halt while an interrupt is pending.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kvm } from '../../src/hyp/kvm.js';
import type { Vm } from '../../src/hyp/vm.js';
import type { Vcpu } from '../../src/hyp/vcpu.js';
import type { Device } from '../../src/hyp/device.js';
import type { KvmRun } from '../../src/hyp/kvm-run.js';
import { KVM_EXIT_INTR, KVM_EXIT_SYSTEM_EVENT, KVM_ARM_VCPU_PSCI_0_2, KVM_MP_STATE_HALTED } from '../../src/hyp/uapi/kvm.js';
import { KVM_REG_ARM_CORE_REG } from '../../src/hyp/uapi/kvm-arm64.js';
import {
  KVM_DEV_TYPE_ARM_VGIC_V3,
  KVM_DEV_ARM_VGIC_GRP_ADDR,
  KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
  KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO,
  KVM_DEV_ARM_VGIC_GRP_CTRL,
  KVM_DEV_ARM_VGIC_CTRL_INIT,
  KVM_VGIC_V3_ADDR_TYPE_DIST,
  KVM_VGIC_V3_ADDR_TYPE_REDIST,
  KVM_ARM_IRQ_TYPE_SHIFT,
  KVM_ARM_IRQ_TYPE_SPI,
} from '../../src/hyp/uapi/kvm-vgic.js';
import { vgicOf } from '../../src/hyp/vgic/vgic.js';
import { assemble } from '../helpers/asm.js';

const RAM = 0x4000_0000;
const ENTRY = RAM + 0x80000;
const PC = KVM_REG_ARM_CORE_REG('regs.pc');
const X = (n: number): bigint => KVM_REG_ARM_CORE_REG(`regs.regs[${n}]`);

/** Guest prologue: vectors at `vectors`, the GIC enabled for Group 1, PMR open, x1 = GICD, x3 = GICR SGI_base. */
const PROLOGUE = `
  adr  x0, vectors
  msr  vbar_el1, x0
  movz x1, #0x0800, lsl #16        // GICD 0x08000000
  movz x3, #0x080b, lsl #16        // GICR SGI_base of vCPU 0: 0x080a0000 + 0x10000
  mov  w2, #2
  str  w2, [x1]                    // GICD_CTLR.EnableGrp1
  movz x4, #0x080a, lsl #16
  str  wzr, [x4, #0x14]            // GICR_WAKER.ProcessorSleep = 0
  mov  x0, #0xff
  msr  S3_0_C4_C6_0, x0            // ICC_PMR_EL1
  mov  x0, #1
  msr  S3_0_C12_C12_7, x0          // ICC_IGRPEN1_EL1
  isb
  mov  x20, #0
`;

/** IRQ vector (current EL, SPx: +0x280): acknowledge, record in x20, EOI, power off. */
const VECTORS = `
  .balign 2048
vectors:
  .skip 0x280
  mrs  x0, S3_0_C12_C12_0          // ICC_IAR1_EL1
  mov  x20, x0
  msr  S3_0_C12_C12_1, x0          // ICC_EOIR1_EL1
  mrs  x21, S3_0_C12_C11_3         // ICC_RPR_EL1 after EOI: idle (0xff)
  movz w0, #0x0008
  movk w0, #0x8400, lsl #16        // PSCI SYSTEM_OFF
  hvc  #0
`;

function guest(body: string, vectors = VECTORS): { vm: Vm; v: Vcpu; gic: Device; ram: Uint8Array } {
  const vm = new Kvm().createVm({ memoryLimitBytes: 64 << 20 });
  const ram = vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: 16n << 20n });
  const words = assemble(PROLOGUE + body + vectors);
  const dv = new DataView(ram.buffer, ram.byteOffset, ram.byteLength);
  for (let i = 0; i < words.length; i++) dv.setUint32(ENTRY - RAM + 4 * i, words[i], true);
  const gic = vm.createDevice(KVM_DEV_TYPE_ARM_VGIC_V3);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, 0x0800_0000n);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, 0x080a_0000n);
  const v = vm.createVcpu(0);
  v.init({ target: vm.armPreferredTarget().target, features: [KVM_ARM_VCPU_PSCI_0_2] });
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT);
  v.setOneReg(PC, BigInt(ENTRY));
  return { vm, v, gic, ram };
}

function x(v: Vcpu, n: number): bigint {
  return v.getOneReg(X(n)) as bigint;
}

function expectOff(r: KvmRun): void {
  assert.equal(r.exitReason, KVM_EXIT_SYSTEM_EVENT, JSON.stringify(r, (_k, val) => (typeof val === 'bigint' ? val.toString(16) : val)));
}

test('an SPI raised with KVM_IRQ_LINE reaches the IRQ vector; ICC_IAR1_EL1 returns its INTID and EOI completes it', () => {
  const { vm, v, gic } = guest(`
    mov  w2, #(1 << 1)
    str  w2, [x1, #0x104]          // GICD_ISENABLER1: INTID 33
    mrs  x10, S3_0_C12_C12_0       // ICC_IAR1_EL1 with nothing pending: 1023
    ldr  w11, [x1, #4]             // GICD_TYPER through MMIO
    ldr  w12, [x4, #0x14]          // GICR_WAKER after the write
    ldr  x13, [x4, #8]             // GICR_TYPER, 64-bit
    msr  daifclr, #2
  1:
    wfi
    b    1b
  `);
  let r = v.run();
  assert.equal(r.exitReason, KVM_EXIT_INTR, 'halted in WFI with nothing pending');
  assert.equal(v.mpState, KVM_MP_STATE_HALTED);
  assert.equal(x(v, 10), 1023n);
  assert.equal(x(v, 11), 7n | (9n << 19n), 'ITLinesNumber 7 (256 INTIDs), IDbits 9');
  assert.equal(x(v, 12), 0n);
  assert.equal(x(v, 13), 0x10n, 'Last, affinity 0, processor 0');
  vm.irqLine((KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | 33, 1);
  r = v.run();
  expectOff(r);
  assert.equal(x(v, 20), 33n);
  assert.equal(x(v, 21), 0xffn, 'running priority idle after EOI');
  // The distributor agrees: neither pending nor active any more.
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x204), 0n);
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x304), 0n);
  // The exit folded the list registers back and emptied them.
  assert.deepEqual(vgicOf(vm)?.cpus[0].lrIrq, [null, null, null, null]);
});

test('an SPI that is not enabled stays pending and does not wake the vCPU', () => {
  const { vm, v, gic } = guest(`
    msr  daifclr, #2
  1:
    wfi
    b    1b
  `);
  assert.equal(v.run().exitReason, KVM_EXIT_INTR);
  vm.irqLine((KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | 40, 1);
  assert.equal(v.run().exitReason, KVM_EXIT_INTR);
  assert.equal(v.mpState, KVM_MP_STATE_HALTED);
  assert.equal((gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x204) >> 8n) & 1n, 1n);
  // Enabling it from userspace delivers it.
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x104, 1n << 8n);
  expectOff(v.run());
  assert.equal(x(v, 20), 40n);
});

test('the virtual timer fires PPI 27 into a guest that programmed CNTV_TVAL_EL0', () => {
  const { vm, v } = guest(`
    mov  w2, #(1 << 27)
    str  w2, [x3, #0x100]          // GICR_ISENABLER0: PPI 27
    mov  x0, #2000
    msr  cntv_tval_el0, x0
    mov  x0, #1
    msr  cntv_ctl_el0, x0          // ENABLE, not masked
    msr  daifclr, #2
  1:
    wfi
    b    1b
  `);
  let r: KvmRun = v.run();
  for (let i = 0; i < 20 && r.exitReason === KVM_EXIT_INTR; i++) r = v.run();
  expectOff(r);
  assert.equal(x(v, 20), 27n);
  // The timer still fires (the handler did not stop it): PPI 27's line is high, so it is pending again.
  const vg = vgicOf(vm);
  assert.equal(vg?.cpus[0].priv[27].lineLevel, true);
  assert.equal(vg?.cpus[0].priv[27].isPending(), true);
});

test('an SGI sent to self with ICC_SGI1R_EL1 is taken with its INTID', () => {
  const { v } = guest(`
    msr  daifclr, #2
    movz x0, #0x0500, lsl #16      // INTID 5 at [27:24]
    orr  x0, x0, #1                // TargetList: Aff0 = 0
    msr  S3_0_C12_C11_5, x0        // ICC_SGI1R_EL1 (traps to EL2)
  1:
    wfi
    b    1b
  `);
  expectOff(v.run());
  assert.equal(x(v, 20), 5n);
});

test('an SGI broadcast with IRM reaches the other vCPUs, not the sender', () => {
  const { vm, v } = guest(`
    movz x0, #0x0300, lsl #16
    movz x5, #0x0100, lsl #32      // IRM (bit 40)
    orr  x0, x0, x5
    msr  S3_0_C12_C11_5, x0
    movz w0, #0x0008
    movk w0, #0x8400, lsl #16
    hvc  #0
  `);
  expectOff(v.run());
  const vg = vgicOf(vm);
  assert.ok(vg);
  assert.equal(vg.cpus[0].priv[3].pendingLatch, false, 'one vCPU: nobody else to receive it');
});

test('WFI with an enabled, pending interrupt does not halt even with PSTATE.I set', () => {
  const { v } = guest(`
    mov  w2, #(1 << 2)
    str  w2, [x1, #0x104]          // enable INTID 34
    str  w2, [x1, #0x204]          // GICD_ISPENDR1: make it pending
    wfi                            // must complete: an interrupt is pending
    mrs  x20, S3_0_C12_C12_2       // ICC_HPPIR1_EL1
    movz w0, #0x0008
    movk w0, #0x8400, lsl #16
    hvc  #0
  `);
  expectOff(v.run());
  assert.equal(x(v, 20), 34n);
});

test('a level SPI stays pending while its line is high after the guest EOIs it, and drops with the line', () => {
  const { vm, v, gic } = guest(`
    msr  daifclr, #2
  1:
    wfi
    b    1b
  `);
  // SPI 40 level (ICFGR2 field 8 = 0b00), enabled, from userspace.
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0xc08, 0xaaaa_aaaan & ~(2n << 16n));
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x104, 1n << 8n);
  assert.equal(v.run().exitReason, KVM_EXIT_INTR);
  vm.irqLine((KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | 40, 1);
  expectOff(v.run());
  assert.equal(x(v, 20), 40n);
  // Line still high: pending again, through the line (LEVEL_INFO) and not the latch, which is what
  // userspace reads in GICD_ISPENDR (vgic_uaccess_read_pending()).
  assert.equal((vgicOf(vm)?.spis[40 - 32].isPending()), true, 'line still high: pending');
  assert.equal((gic.getAttr(KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, 32n) >> 8n) & 1n, 1n, 'line still high');
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x204), 0n, 'no latched pending state');
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x304), 0n, 'not active after EOI');
  vm.irqLine((KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | 40, 0);
  assert.equal(vgicOf(vm)?.spis[40 - 32].isPending(), false);
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, 32n), 0n);
});

/** IRQ handler that records each INTID at [x22], counts in x23, EOIs and returns. */
const COUNTING_VECTORS = `
  .balign 2048
vectors:
  .skip 0x280
  mrs  x0, S3_0_C12_C12_0
  str  w0, [x22], #4
  add  x23, x23, #1
  msr  S3_0_C12_C12_1, x0
  eret
`;

test('more pending interrupts than list registers are all delivered, highest priority first', () => {
  const { vm, v, gic, ram } = guest(
    `
    movz x22, #0x4010, lsl #16     // results at 0x40100000
    mov  x23, #0
    mov  w2, #0x3f
    str  w2, [x1, #0x104]          // enable INTIDs 32..37
    msr  daifclr, #2
  1:
    cmp  x23, #6
    b.ge 2f
    wfi
    b    1b
  2:
    movz w0, #0x0008
    movk w0, #0x8400, lsl #16
    hvc  #0
  `,
    COUNTING_VECTORS,
  );
  assert.equal(v.run().exitReason, KVM_EXIT_INTR);
  // Priorities 0x50, 0x40, ... 0x00 for INTIDs 32..37: 37 is the most urgent.
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x420, 0x2030_4050n);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x424, 0x0000_0010n);
  for (let i = 32; i < 38; i++) vm.irqLine((KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | i, 1);
  let r = v.run();
  for (let i = 0; i < 10 && r.exitReason === KVM_EXIT_INTR; i++) r = v.run();
  expectOff(r);
  const dv = new DataView(ram.buffer, ram.byteOffset, ram.byteLength);
  const got = Array.from({ length: 6 }, (_x, i) => dv.getUint32(0x10_0000 + 4 * i, true));
  assert.deepEqual(got, [37, 36, 35, 34, 33, 32]);
});

test('two vCPUs: GICD_IROUTER sends an SPI to vCPU 1 only, and an SGI by target list reaches vCPU 1', () => {
  const vm = new Kvm().createVm({ memoryLimitBytes: 64 << 20 });
  const ram = vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: 16n << 20n });
  // vCPU 0 sends SGI 9 to Aff0 = 1 once x24 != 0, then idles; both idle in WFI with IRQs unmasked.
  const words = assemble(
    PROLOGUE +
      `
    mov  w2, #(1 << 1)
    str  w2, [x1, #0x104]          // enable INTID 33
    msr  daifclr, #2
    cbz  x24, 1f
    movz x0, #0x0900, lsl #16      // INTID 9
    orr  x0, x0, #2                // TargetList bit 1: Aff0 = 1
    msr  S3_0_C12_C11_5, x0
  1:
    wfi
    b    1b
  ` +
      VECTORS,
  );
  const dv = new DataView(ram.buffer, ram.byteOffset, ram.byteLength);
  for (let i = 0; i < words.length; i++) dv.setUint32(ENTRY - RAM + 4 * i, words[i], true);
  const gic = vm.createDevice(KVM_DEV_TYPE_ARM_VGIC_V3);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, 0x0800_0000n);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, 0x080a_0000n);
  const vs = [0, 1].map((id) => {
    const v = vm.createVcpu(id);
    v.init({ target: vm.armPreferredTarget().target, features: [KVM_ARM_VCPU_PSCI_0_2] });
    v.setOneReg(PC, BigInt(ENTRY));
    return v;
  });
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT);
  assert.equal(vs[0].run().exitReason, KVM_EXIT_INTR);
  assert.equal(vs[1].run().exitReason, KVM_EXIT_INTR);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x6000 + 8 * 33, 1n); // IROUTER33: Aff0 = 1
  vm.irqLine((KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | 33, 1);
  assert.equal(vs[0].run().exitReason, KVM_EXIT_INTR, 'vCPU 0 is not the target');
  expectOff(vs[1].run());
  assert.equal(x(vs[1], 20), 33n);

  // SGI: restart both, vCPU 0 with x24 = 1 sends SGI 9 to vCPU 1.
  for (const v of vs) {
    v.init({ target: vm.armPreferredTarget().target, features: [KVM_ARM_VCPU_PSCI_0_2] });
    v.setOneReg(PC, BigInt(ENTRY));
  }
  vs[0].setOneReg(X(24), 1n);
  assert.equal(vs[0].run().exitReason, KVM_EXIT_INTR);
  assert.equal(x(vs[0], 20), 0n, 'the sender takes nothing');
  expectOff(vs[1].run());
  assert.equal(x(vs[1], 20), 9n);
});
