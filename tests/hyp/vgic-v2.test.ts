/**
 * KVM_DEV_TYPE_ARM_VGIC_V2 through the device API (vgic-kvm-device.c vgic_v2_*_attr): creation
 * rules (one vGIC per VM, at most 8 vCPUs), GRP_ADDR (4 KiB alignment, overlap, EEXIST), NR_IRQS,
 * CTRL_INIT ordering and the lazy init at the first KVM_RUN, DIST_REGS and CPU_REGS; then the
 * distributor and the memory-mapped CPU interface as guests use them: ITARGETSR, GICD_SGIR with
 * each TargetListFilter and the source CPUID in GICC_IAR, the EOImode split, Group 0 signalled
 * as IRQ, and the ICC_* System registers UNDEFINED for a GICv2 guest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kvm } from '../../src/hyp/kvm.js';
import type { Vm } from '../../src/hyp/vm.js';
import type { Vcpu } from '../../src/hyp/vcpu.js';
import type { Device } from '../../src/hyp/device.js';
import type { KvmRun } from '../../src/hyp/kvm-run.js';
import { KvmError, type Errno } from '../../src/hyp/errors.js';
import { KVM_ARM_VCPU_PSCI_0_2, KVM_EXIT_INTR, KVM_EXIT_SYSTEM_EVENT } from '../../src/hyp/uapi/kvm.js';
import { ARM64_SYS_REG, KVM_REG_ARM_CORE_REG } from '../../src/hyp/uapi/kvm-arm64.js';
import {
  KVM_DEV_TYPE_ARM_VGIC_V2,
  KVM_DEV_TYPE_ARM_VGIC_V3,
  KVM_DEV_ARM_VGIC_GRP_ADDR,
  KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
  KVM_DEV_ARM_VGIC_GRP_CPU_REGS,
  KVM_DEV_ARM_VGIC_GRP_REDIST_REGS,
  KVM_DEV_ARM_VGIC_GRP_NR_IRQS,
  KVM_DEV_ARM_VGIC_GRP_CTRL,
  KVM_DEV_ARM_VGIC_CTRL_INIT,
  KVM_VGIC_V2_ADDR_TYPE_DIST,
  KVM_VGIC_V2_ADDR_TYPE_CPU,
  KVM_VGIC_V3_ADDR_TYPE_DIST,
  KVM_DEV_ARM_VGIC_CPUID_SHIFT,
  KVM_ARM_IRQ_TYPE_SHIFT,
  KVM_ARM_IRQ_TYPE_SPI,
} from '../../src/hyp/uapi/kvm-vgic.js';
import { VGIC_ADDR_UNDEF } from '../../src/hyp/vgic/kvm-device.js';
import { VGIC_V2_DIST_REGISTERS, VGIC_V2_CPU_REGISTERS, GICD_IIDR_KVM_V2, GICC_IIDR_KVM } from '../../src/hyp/vgic/mmio-v2.js';
import { vgicOf } from '../../src/hyp/vgic/vgic.js';
import { vcpuIfSre } from '../../src/arch/aarch64/gic/vcpu-if.js';
import { assemble } from '../helpers/asm.js';

const GICD = 0x0800_0000n;
const GICC = 0x0801_0000n;
const RAM = 0x4000_0000;
const ENTRY = RAM + 0x80000;
const PC = KVM_REG_ARM_CORE_REG('regs.pc');
const X = (n: number): bigint => KVM_REG_ARM_CORE_REG(`regs.regs[${n}]`);
const ID_AA64PFR0_EL1 = ARM64_SYS_REG(3, 0, 0, 4, 0);
const attr = (cpuid: number, offset: number): bigint => (BigInt(cpuid) << KVM_DEV_ARM_VGIC_CPUID_SHIFT) | BigInt(offset);

function expectErr(f: () => unknown, errno: Errno, re?: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof KvmError, String(e));
    assert.equal(e.errno, errno, e.message);
    if (re !== undefined) assert.match(e.message, re);
    return true;
  });
}

function newVm(): Vm {
  return new Kvm().createVm({ memoryLimitBytes: 48 << 20 });
}

function addVcpus(vm: Vm, n: number): Vcpu[] {
  const out: Vcpu[] = [];
  for (let i = 0; i < n; i++) {
    const v = vm.createVcpu(vm.vcpus.length);
    v.init({ target: vm.armPreferredTarget().target, features: [KVM_ARM_VCPU_PSCI_0_2] });
    out.push(v);
  }
  return out;
}

/** A VM with `n` vCPUs and a vGICv2 at QEMU virt's addresses (initialised if `init`). */
function vmWithGic(n = 2, init = true): { vm: Vm; gic: Device; vs: Vcpu[] } {
  const vm = newVm();
  const vs = addVcpus(vm, n);
  const gic = vm.createDevice(KVM_DEV_TYPE_ARM_VGIC_V2);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST, GICD);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_CPU, GICC);
  if (init) gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT);
  return { vm, gic, vs };
}

// ---- the device --------------------------------------------------------------------------------

test('createDevice(VGIC_V2): one vGIC per VM whatever its version, not after a run, at most 8 vCPUs', () => {
  const vm = newVm();
  const gic = vm.createDevice(KVM_DEV_TYPE_ARM_VGIC_V2);
  assert.equal(gic.type, KVM_DEV_TYPE_ARM_VGIC_V2);
  expectErr(() => vm.createDevice(KVM_DEV_TYPE_ARM_VGIC_V2), 'EEXIST');
  expectErr(() => vm.createDevice(KVM_DEV_TYPE_ARM_VGIC_V3), 'EEXIST');
  const vm3 = newVm();
  vm3.createDevice(KVM_DEV_TYPE_ARM_VGIC_V3);
  expectErr(() => vm3.createDevice(KVM_DEV_TYPE_ARM_VGIC_V2), 'EEXIST');
  const ran = newVm();
  ran.hasRunOnce = true;
  expectErr(() => ran.createDevice(KVM_DEV_TYPE_ARM_VGIC_V2), 'EBUSY');
  const nine = newVm();
  for (let i = 0; i < 9; i++) nine.createVcpu(i);
  expectErr(() => nine.createDevice(KVM_DEV_TYPE_ARM_VGIC_V2), 'E2BIG');
  const eight = newVm();
  eight.createDevice(KVM_DEV_TYPE_ARM_VGIC_V2);
  for (let i = 0; i < 8; i++) eight.createVcpu(i);
  expectErr(() => eight.createVcpu(8), 'EINVAL', /at most 8/);
});

test('a GICv2 VM has no GIC System registers: ID_AA64PFR0_EL1.GIC = 0 and SRE = 0 in the vCPU interface', () => {
  const { vs } = vmWithGic(1);
  const pfr0 = vs[0].getOneReg(ID_AA64PFR0_EL1) as bigint;
  assert.equal((pfr0 >> 24n) & 0xfn, 0n);
  assert.equal(vcpuIfSre(vs[0].cpu), false);
  const v3 = newVm();
  v3.createDevice(KVM_DEV_TYPE_ARM_VGIC_V3);
  const [w] = addVcpus(v3, 1);
  assert.equal(((w.getOneReg(ID_AA64PFR0_EL1) as bigint) >> 24n) & 0xfn, 1n);
  assert.equal(vcpuIfSre(w.cpu), true);
});

test('GRP_ADDR: DIST and CPU, 4 KiB aligned, inside the IPA space, no overlap, set once; v3 types are ENODEV', () => {
  const vm = newVm();
  const gic = vm.createDevice(KVM_DEV_TYPE_ARM_VGIC_V2);
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST), VGIC_ADDR_UNDEF);
  assert.ok(gic.hasAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_CPU));
  assert.ok(!gic.hasAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST));
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST, 0x0800_0800n), 'EINVAL', /4 KiB/);
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST, 1n << 40n), 'E2BIG');
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD), 'ENODEV');
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST, 0x0800_1000n); // 4 KiB aligned is enough
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST, GICD), 'EEXIST');
  // The CPU interface is 8 KiB: at 0x08000000 it would cover the distributor at 0x08001000.
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_CPU, GICD), 'EINVAL', /overlap/);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_CPU, 0x0800_2000n);
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_CPU), 0x0800_2000n);
  expectErr(() => gic.getAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST), 'ENODEV');
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, 0, 0n), 'ENXIO');
});

test('GRP_NR_IRQS: 64..1024 in steps of 32, fixed by INIT; GICD_TYPER follows it and the vCPU count', () => {
  const { gic } = vmWithGic(3, false);
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, 48n), 'EINVAL');
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, 128n);
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0), 128n);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT);
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, 256n), 'EBUSY');
  const typer = Number(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(0, 4)));
  assert.equal(typer & 0x1f, 3, 'ITLinesNumber = 128 / 32 - 1');
  assert.equal((typer >> 5) & 7, 2, 'CPUNumber = 3 - 1');
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(0, 8)), BigInt(GICD_IIDR_KVM_V2));
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(0, 0xfe8)), 0x2bn, 'PIDR2.ArchRev = 2');
});

test('CTRL_INIT: needs the vCPUs first, then no more vCPUs; unknown CTRL attrs are ENXIO', () => {
  const vm = newVm();
  const gic = vm.createDevice(KVM_DEV_TYPE_ARM_VGIC_V2);
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT), 'EBUSY');
  addVcpus(vm, 1);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT); // idempotent
  expectErr(() => vm.createVcpu(1), 'EBUSY');
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, 1n), 'ENXIO');
  assert.ok(gic.hasAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT));
});

test('lazy init: the first KVM_RUN initialises a GICv2 and maps its frames; without addresses it is ENXIO', () => {
  const { vm, gic, vs } = vmWithGic(1, false);
  const vg = vgicOf(vm);
  assert.ok(vg);
  assert.equal(vg.initialized, false);
  vs[0].setOneReg(PC, BigInt(ENTRY)); // zeroed RAM: not reached, the budget ends first
  vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: 1n << 20n });
  assert.equal(vs[0].run({ budget: 10 }).exitReason, KVM_EXIT_INTR);
  assert.equal(vg.initialized, true);
  assert.equal(vg.ready, true);
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST, GICD), 'EBUSY');

  const noAddr = newVm();
  const [v] = addVcpus(noAddr, 1);
  const g2 = noAddr.createDevice(KVM_DEV_TYPE_ARM_VGIC_V2);
  g2.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST, GICD);
  expectErr(() => v.run({ budget: 10 }), 'ENXIO', /addresses/);

  // KVM_IRQ_LINE initialises it too (kvm_vgic_inject_irq -> vgic_lazy_init), without mapping.
  const { vm: vm3 } = vmWithGic(1, false);
  vm3.irqLine((KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | 40, 1);
  assert.equal(vgicOf(vm3)?.initialized, true);
  assert.equal(vgicOf(vm3)?.ready, false);
});

// ---- DIST_REGS / CPU_REGS ----------------------------------------------------------------------

test('DIST_REGS: attr cpuid selects the bank; bad cpuid EINVAL, no register ENXIO; the register table is sorted', () => {
  const { gic } = vmWithGic(2);
  expectErr(() => gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(2, 0)), 'EINVAL');
  expectErr(() => gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(0, 0x10)), 'ENXIO');
  assert.ok(gic.hasAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0xf20));
  assert.ok(!gic.hasAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x6000));
  for (let i = 1; i < VGIC_V2_DIST_REGISTERS.length; i++) assert.ok(VGIC_V2_DIST_REGISTERS[i - 1].offset < VGIC_V2_DIST_REGISTERS[i].offset);
  for (let i = 1; i < VGIC_V2_CPU_REGISTERS.length; i++) assert.ok(VGIC_V2_CPU_REGISTERS[i - 1].offset < VGIC_V2_CPU_REGISTERS[i].offset);
  // GICD_CTLR: EnableGrp0 and EnableGrp1.
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(0, 0), 0xffn);
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(0, 0)), 3n);
  // Banked enables: vCPU 1's PPI 27 only.
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(1, 0x100), 1n << 27n);
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(0, 0x100)) & (1n << 27n), 0n);
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(1, 0x100)) & (1n << 27n), 1n << 27n);
  // IGROUPR: everything Group 0 at init.
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(0, 0x84)), 0n);
});

test('GICD_ITARGETSR: SGI/PPI bytes read as the own CPU and are read-only; an SPI goes to the lowest set target', () => {
  const { vm, gic } = vmWithGic(3);
  const vg = vgicOf(vm);
  assert.ok(vg);
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(0, 0x800)), 0x01010101n);
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(2, 0x81c)), 0x04040404n);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(1, 0x800), 0xffffffffn);
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(1, 0x800)), 0x02020202n);
  // SPI 40..43: bytes 0x06, 0xff (bits beyond 3 vCPUs dropped), 0x00 (no CPU), 0x04.
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(0, 0x828), 0x0400ff06n);
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(0, 0x828)), 0x04000706n);
  assert.deepEqual([40, 41, 42, 43].map((i) => vg.spis[i - 32].targetVcpu), [1, 0, -1, 2]);
  // Byte access from the guest's side is allowed (W8_32); the row says so.
  assert.ok(((VGIC_V2_DIST_REGISTERS.find((r) => r.name === 'GICD_ITARGETSR')?.widths ?? 0) & 1) !== 0);
  // One vCPU: RAZ/WI, every SPI to vCPU 0 (IHI 0048B 4.3.12).
  const one = vmWithGic(1);
  assert.equal(one.gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(0, 0x800)), 0n);
  one.gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(0, 0x828), 0x01010101n);
  assert.equal(one.gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(0, 0x828)), 0n);
  assert.equal(vgicOf(one.vm)?.spis[8].targetVcpu, 0);
});

test('GICD_SGIR: each TargetListFilter; GICD_SPENDSGIR/CPENDSGIR show and clear pending per source', () => {
  const { vm, gic } = vmWithGic(3);
  const vg = vgicOf(vm);
  assert.ok(vg);
  const sgir = (from: number, v: number): void => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(from, 0xf00), BigInt(v));
  const spend = (cpu: number, sgi: number): number => Number((gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(cpu, 0xf20 + (sgi & ~3))) >> BigInt(8 * (sgi & 3))) & 0xffn);
  sgir(0, (0 << 24) | (0b110 << 16) | 3); // list {1, 2}, SGI 3 from CPU 0
  assert.deepEqual([0, 1, 2].map((c) => spend(c, 3)), [0, 1, 1]);
  sgir(1, (1 << 24) | 5); // all but CPU 1
  assert.deepEqual([0, 1, 2].map((c) => spend(c, 5)), [2, 0, 2]);
  sgir(2, (2 << 24) | (0xff << 16) | 7); // self only: the list is ignored
  assert.deepEqual([0, 1, 2].map((c) => spend(c, 7)), [0, 0, 4]);
  sgir(0, (3 << 24) | (0xff << 16) | 9); // reserved filter: nothing
  assert.deepEqual([0, 1, 2].map((c) => spend(c, 9)), [0, 0, 0]);
  sgir(2, (0 << 24) | (0b10 << 16) | 3); // CPU 1's SGI 3 now pending from CPU 0 and CPU 2
  assert.equal(spend(1, 3), 0b101);
  // ISPENDR0 shows an SGI pending from any source; its SGI bits do not write.
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(1, 0x200)) & 0xffffn, 1n << 3n);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(1, 0x280), 0xffffn);
  assert.equal(spend(1, 3), 0b101);
  // CPENDSGIR clears one source; SPENDSGIR adds one (only existing CPUs).
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(1, 0xf10), 0x01n << 24n);
  assert.equal(spend(1, 3), 0b100);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(1, 0xf24), 0xffn << 8n); // SGI 5 from every CPU
  assert.equal(spend(1, 5), 0b111);
  assert.equal(vg.cpus[1].priv[5].pendingLatch, true);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(1, 0xf14), 0xffn << 8n);
  assert.equal(spend(1, 5), 0);
  assert.equal(vg.cpus[1].priv[5].pendingLatch, false);
});

test('CPU_REGS: CTLR, PMR (as GICH_VMCR.VMPriMask), BPR, ABPR, APR0 round-trip per vCPU; IIDR is read-only', () => {
  const { gic } = vmWithGic(2);
  const get = (cpu: number, off: number): bigint => gic.getAttr(KVM_DEV_ARM_VGIC_GRP_CPU_REGS, attr(cpu, off));
  const set = (cpu: number, off: number, v: number): void => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CPU_REGS, attr(cpu, off), BigInt(v));
  set(1, 0x00, 0x21f); // EnableGrp0/1, AckCtl, FIQEn, CBPR, EOImode
  assert.equal(get(1, 0x00), 0x21fn);
  assert.equal(get(0, 0x00), 0n);
  set(1, 0x04, 0x1e); // priority mask 0xf0
  assert.equal(get(1, 0x04), 0x1en);
  set(0, 0x08, 4);
  assert.equal(get(0, 0x08), 4n);
  set(0, 0x1c, 6);
  assert.equal(get(0, 0x1c), 6n);
  set(0, 0x08, 0);
  assert.equal(get(0, 0x08), 2n, 'BPR below the minimum (7 - 5 preemption bits) reads the minimum');
  set(0, 0xd0, 0x0001_0000);
  assert.equal(get(0, 0xd0), 0x0001_0000n);
  assert.equal(get(0, 0xd4), 0n);
  assert.equal(get(0, 0xfc), BigInt(GICC_IIDR_KVM));
  set(0, 0xfc, 0);
  assert.equal(get(0, 0xfc), BigInt(GICC_IIDR_KVM));
  expectErr(() => get(0, 0x0c), 'ENXIO', /CPU interface/); // GICC_IAR is not state
  expectErr(() => get(2, 0x00), 'EINVAL');
  assert.ok(gic.hasAttr(KVM_DEV_ARM_VGIC_GRP_CPU_REGS, 0xd0));
  assert.ok(!gic.hasAttr(KVM_DEV_ARM_VGIC_GRP_CPU_REGS, 0x0c));
});

// ---- guests ----------------------------------------------------------------------------------------

/** Prologue: vectors, GICD_CTLR.EnableGrp0, GICC_CTLR.EnableGrp0, PMR 0xf0; x1 = GICD, x2 = GICC. */
const PROLOGUE = `
  adr  x0, vectors
  msr  vbar_el1, x0
  movz x1, #0x0800, lsl #16        // GICD 0x08000000
  movz x2, #0x0801, lsl #16        // GICC 0x08010000
  mov  w3, #1
  str  w3, [x1]                    // GICD_CTLR.EnableGrp0
  mov  w3, #0xf0
  str  w3, [x2, #4]                // GICC_PMR
  ldr  w3, [x2]
  orr  w3, w3, #1
  str  w3, [x2]                    // GICC_CTLR.EnableGrp0 (keeps the bits set before)
  isb
  mov  x20, #0
  mov  x22, #0
`;

/** IRQ (+0x280): GICC_IAR into x20, EOIR, power off. FIQ (+0x300): x22 = 1, power off. Sync (+0x200): x23 = ESR. */
const VECTORS = `
  .balign 2048
vectors:
  .skip 0x200
  mrs  x23, esr_el1
  b    off
  .balign 0x80
  ldr  w0, [x2, #0xc]              // GICC_IAR
  mov  x20, x0
  str  w0, [x2, #0x10]             // GICC_EOIR
  ldr  w21, [x2, #0x14]            // GICC_RPR: idle again
  b    off
  .balign 0x80
  mov  x22, #1
off:
  movz w0, #0x0008
  movk w0, #0x8400, lsl #16        // PSCI SYSTEM_OFF
  hvc  #0
`;

function load(vm: Vm, body: string): void {
  const ram = vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: 16n << 20n });
  const words = assemble(PROLOGUE + body + VECTORS);
  const dv = new DataView(ram.buffer, ram.byteOffset, ram.byteLength);
  for (let i = 0; i < words.length; i++) dv.setUint32(ENTRY - RAM + 4 * i, words[i], true);
}

function guest(body: string, n = 1): { vm: Vm; vs: Vcpu[]; gic: Device } {
  const { vm, gic, vs } = vmWithGic(n);
  load(vm, body);
  for (const v of vs) v.setOneReg(PC, BigInt(ENTRY));
  return { vm, vs, gic };
}

const x = (v: Vcpu, n: number): bigint => v.getOneReg(X(n)) as bigint;

function expectOff(r: KvmRun): void {
  assert.equal(r.exitReason, KVM_EXIT_SYSTEM_EVENT, JSON.stringify(r, (_k, val) => (typeof val === 'bigint' ? val.toString(16) : val)));
}

test('a Group 0 SPI reaches the IRQ vector (GICC_CTLR.FIQEn = 0) through GICC_IAR and EOIR; FIQEn = 1 makes it an FIQ', () => {
  const body = `
    mov  w3, #(1 << 8)
    str  w3, [x1, #0x104]          // GICD_ISENABLER1: SPI 40
    msr  daifclr, #3
  1:
    wfi
    b    1b
  `;
  const { vm, vs } = guest(body);
  vm.irqLine((KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | 40, 1);
  expectOff(vs[0].run());
  assert.equal(x(vs[0], 20), 40n);
  assert.equal(x(vs[0], 21), 0xffn);
  assert.equal(x(vs[0], 22), 0n, 'no FIQ');

  const f = guest(body);
  f.gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CPU_REGS, attr(0, 0), 0x8n); // GICC_CTLR.FIQEn (restored state)
  f.vm.irqLine((KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | 40, 1);
  expectOff(f.vs[0].run());
  assert.equal(x(f.vs[0], 22), 1n, 'Group 0 as FIQ');
});

test('GICC_IAR returns an SGI\'s source CPUID in bits [12:10]; EOIR with that value completes it', () => {
  // vCPU 1 sends SGI 6 to CPU 0 (filter 0, list 0b1) and idles; vCPU 0 takes it.
  const { vs } = guest(
    `
    cbz  x24, 2f
    movz w3, #0x0001, lsl #16
    orr  w3, w3, #6
    str  w3, [x1, #0xf00]          // GICD_SGIR
  1:
    wfi
    b    1b
  2:
    msr  daifclr, #2
  3:
    wfi
    b    3b
  `,
    2,
  );
  vs[1].setOneReg(X(24), 1n);
  assert.equal(vs[0].run({ budget: 10_000 }).exitReason, KVM_EXIT_INTR);
  assert.equal(vs[1].run({ budget: 10_000 }).exitReason, KVM_EXIT_INTR);
  expectOff(vs[0].run());
  assert.equal(x(vs[0], 20), (1n << 10n) | 6n);
  assert.equal(x(vs[0], 21), 0xffn);
});

test('an SGI pending from two sources is taken twice, once per source CPUID', () => {
  const { vm, vs, gic } = guest(
    `
    mov  x5, #0
  1:
    ldr  w0, [x2, #0xc]            // GICC_IAR
    and  w6, w0, #0x3ff
    cmp  w6, #1023
    b.eq 2f
    str  w0, [x2, #0x10]
    lsl  x5, x5, #16
    orr  x5, x5, x0
    b    1b
  2:
    mov  x20, x5
    b    off
  `,
    3,
  );
  void vm;
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(0, 0xf20), 0b110n << 16n); // SGI 2 from CPUs 1 and 2
  expectOff(vs[0].run());
  assert.equal(x(vs[0], 20), (((1n << 10n) | 2n) << 16n) | ((2n << 10n) | 2n));
});

test('EOImode split: GICC_EOIR drops the priority only, GICC_DIR deactivates', () => {
  const { vm, vs } = guest(`
    mov  w3, #(1 << 8)
    str  w3, [x1, #0x104]          // enable SPI 40
    ldr  w3, [x2]
    orr  w3, w3, #(1 << 9)         // GICC_CTLR.EOImode
    str  w3, [x2]
    mov  w3, #(1 << 8)
    str  w3, [x1, #0x204]          // pend SPI 40 (bit 8)
    ldr  w10, [x2, #0xc]           // IAR: 40
    ldr  w11, [x2, #0x14]          // RPR: SPI 40's priority (0 at init)
    str  w10, [x2, #0x10]          // EOIR: drop
    ldr  w12, [x2, #0x14]          // RPR idle
    ldr  w13, [x1, #0x304]         // ISACTIVER1: still active
    str  w10, [x2, #0x1000]        // GICC_DIR
    ldr  w14, [x1, #0x304]         // inactive
    b    off
  `);
  void vm;
  expectOff(vs[0].run());
  assert.equal(x(vs[0], 10), 40n);
  assert.equal(x(vs[0], 11), 0n);
  assert.equal(x(vs[0], 12), 0xffn);
  assert.equal(x(vs[0], 13), 1n << 8n);
  assert.equal(x(vs[0], 14), 0n);
});

test('the ICC_* System registers are UNDEFINED for a GICv2 guest', () => {
  const { vs } = guest(`
    mrs  x0, S3_0_C12_C12_5         // ICC_SRE_EL1
    b    off
  `);
  expectOff(vs[0].run());
  assert.equal(Number(x(vs[0], 23)) >>> 26, 0, 'EC 0: unknown reason (UNDEFINED)');
});

test('GICC_IAR with AckCtl = 0 reports a Group 1 interrupt as 1022; GICC_AIAR acknowledges it', () => {
  const { vm, vs, gic } = guest(`
    mov  w3, #(1 << 8)
    str  w3, [x1, #0x104]          // enable SPI 40
    str  w3, [x1, #0x084]          // IGROUPR1: SPI 40 in Group 1
    mov  w3, #3
    str  w3, [x1]                  // GICD_CTLR: both groups
    ldr  w3, [x2]
    orr  w3, w3, #2
    str  w3, [x2]                  // GICC_CTLR.EnableGrp1
    mov  w3, #(1 << 8)
    str  w3, [x1, #0x204]          // pend SPI 40
    ldr  w10, [x2, #0xc]           // GICC_IAR: 1022
    ldr  w11, [x2, #0x18]          // GICC_HPPIR: 1022
    ldr  w12, [x2, #0x28]          // GICC_AHPPIR: 40
    ldr  w13, [x2, #0x20]          // GICC_AIAR: 40
    str  w13, [x2, #0x24]          // GICC_AEOIR
    ldr  w14, [x1, #0x304]         // inactive
    b    off
  `);
  void vm;
  void gic;
  expectOff(vs[0].run());
  assert.deepEqual([10, 11, 12, 13, 14].map((n) => x(vs[0], n)), [1022n, 1022n, 40n, 40n, 0n]);
});
