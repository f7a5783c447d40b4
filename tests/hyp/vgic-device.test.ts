/**
 * KVM_DEV_TYPE_ARM_VGIC_V3 through the device API (vgic-kvm-device.c): creation rules, GRP_ADDR
 * encodings and errors, NR_IRQS, CTRL_INIT ordering, KVM_IRQ_LINE decoding, and the register
 * semantics of the distributor/redistributor rows reached through DIST_REGS/REDIST_REGS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kvm } from '../../src/hyp/kvm.js';
import type { Vm } from '../../src/hyp/vm.js';
import type { Device } from '../../src/hyp/device.js';
import { KvmError, type Errno } from '../../src/hyp/errors.js';
import { KVM_ARM_VCPU_PSCI_0_2 } from '../../src/hyp/uapi/kvm.js';
import { ARM64_SYS_REG } from '../../src/hyp/uapi/kvm-arm64.js';
import {
  KVM_DEV_TYPE_ARM_VGIC_V3,
  KVM_DEV_TYPE_ARM_VGIC_ITS,
  KVM_DEV_ARM_VGIC_GRP_ADDR,
  KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
  KVM_DEV_ARM_VGIC_GRP_REDIST_REGS,
  KVM_DEV_ARM_VGIC_GRP_NR_IRQS,
  KVM_DEV_ARM_VGIC_GRP_CTRL,
  KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS,
  KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO,
  KVM_DEV_ARM_VGIC_CTRL_INIT,
  KVM_VGIC_V3_ADDR_TYPE_DIST,
  KVM_VGIC_V3_ADDR_TYPE_REDIST,
  KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION,
  KVM_ARM_IRQ_TYPE_SHIFT,
  KVM_ARM_IRQ_TYPE_SPI,
  KVM_ARM_IRQ_TYPE_PPI,
  KVM_ARM_IRQ_TYPE_CPU,
  KVM_ARM_IRQ_VCPU_SHIFT,
} from '../../src/hyp/uapi/kvm-vgic.js';
import { VGIC_ADDR_UNDEF } from '../../src/hyp/vgic/kvm-device.js';
import { VGIC_V3_DIST_REGISTERS, VGIC_V3_RD_REGISTERS } from '../../src/hyp/vgic/mmio-v3.js';
import { vgicOf } from '../../src/hyp/vgic/vgic.js';
import { S } from '../../src/arch/aarch64/state.js';

const GICD = 0x0800_0000n;
const GICR = 0x080a_0000n;
const ID_AA64PFR0_EL1 = ARM64_SYS_REG(3, 0, 0, 4, 0);

function expectErr(f: () => unknown, errno: Errno, re?: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof KvmError, String(e));
    assert.equal(e.errno, errno, e.message);
    if (re !== undefined) assert.match(e.message, re);
    return true;
  });
}

function newVm(): Vm {
  return new Kvm().createVm({ memoryLimitBytes: 32 << 20 });
}

/** A VM with `n` initialised vCPUs and a vGICv3 at QEMU virt's addresses, initialised. */
function vmWithGic(n = 2, init = true): { vm: Vm; gic: Device } {
  const vm = newVm();
  const gic = vm.createDevice(KVM_DEV_TYPE_ARM_VGIC_V3);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR);
  for (let i = 0; i < n; i++) vm.createVcpu(i).init({ target: vm.armPreferredTarget().target, features: [KVM_ARM_VCPU_PSCI_0_2] });
  if (init) gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT);
  return { vm, gic };
}

const rdistRegion = (index: number, base: bigint, count: number): bigint => (BigInt(count) << 52n) | base | BigInt(index);
const mpidrAttr = (aff: number, offset: number): bigint => (BigInt(aff) << 32n) | BigInt(offset);

test('region tables are sorted, non-overlapping, and cover the registers the spec places', () => {
  for (const rows of [VGIC_V3_DIST_REGISTERS, VGIC_V3_RD_REGISTERS]) {
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1].offset + rows[i - 1].len <= rows[i].offset, rows[i].name);
  }
  const at = (rows: typeof VGIC_V3_DIST_REGISTERS, name: string): number => rows.find((r) => r.name === name)?.offset ?? -1;
  assert.equal(at(VGIC_V3_DIST_REGISTERS, 'GICD_IROUTER'), 0x6000);
  assert.equal(at(VGIC_V3_DIST_REGISTERS, 'GICD_ICFGR'), 0xc00);
  assert.equal(at(VGIC_V3_RD_REGISTERS, 'GICR_WAKER'), 0x14);
  assert.equal(at(VGIC_V3_RD_REGISTERS, 'GICR_ISENABLER0'), 0x10100);
});

test('createDevice: GICv3 (GICv2: vgic-v2.test.ts), once per VM, not after the VM ran; KVM_CAP_IRQCHIP is offered', () => {
  const vm = newVm();
  expectErr(() => vm.createDevice(KVM_DEV_TYPE_ARM_VGIC_ITS), 'ENODEV');
  expectErr(() => vm.createDevice(42), 'ENODEV');
  const gic = vm.createDevice(KVM_DEV_TYPE_ARM_VGIC_V3);
  assert.equal(gic.type, KVM_DEV_TYPE_ARM_VGIC_V3);
  expectErr(() => vm.createDevice(KVM_DEV_TYPE_ARM_VGIC_V3), 'EEXIST');
  assert.equal(vm.checkExtension(0 /* KVM_CAP_IRQCHIP */), 1);
  const vm2 = newVm();
  vm2.hasRunOnce = true;
  expectErr(() => vm2.createDevice(KVM_DEV_TYPE_ARM_VGIC_V3), 'EBUSY');
});

test('ID_AA64PFR0_EL1.GIC reads 1 on vCPUs of a VM with a vGIC, whether created before or after the device', () => {
  const gicField = (x: bigint): bigint => (x >> 24n) & 0xfn;
  // Device first, vCPU later.
  const { vm } = vmWithGic(1, false);
  assert.equal(gicField(vm.vcpus[0].getOneReg(ID_AA64PFR0_EL1) as bigint), 1n);
  // vCPU first, device later.
  const vm2 = newVm();
  const v = vm2.createVcpu(0);
  v.init({ target: vm2.armPreferredTarget().target });
  assert.equal(gicField(v.getOneReg(ID_AA64PFR0_EL1) as bigint), 0n);
  vm2.createDevice(KVM_DEV_TYPE_ARM_VGIC_V3);
  assert.equal(gicField(v.getOneReg(ID_AA64PFR0_EL1) as bigint), 1n);
});

test('GRP_ADDR: alignment EINVAL, beyond the IPA space E2BIG, second set EEXIST, unset reads VGIC_ADDR_UNDEF', () => {
  const vm = newVm();
  const gic = vm.createDevice(KVM_DEV_TYPE_ARM_VGIC_V3);
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST), VGIC_ADDR_UNDEF);
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST), VGIC_ADDR_UNDEF);
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD + 0x1000n), 'EINVAL', /64 KiB aligned/);
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, 1n << 40n), 'E2BIG');
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD);
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST), GICD);
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD + 0x20000n), 'EEXIST');
  // A redistributor on top of the distributor.
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, GICD), 'EINVAL', /overlaps/);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR);
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST), GICR);
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR + 0x100000n), 'EEXIST');
  // Never mixed.
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, rdistRegion(0, 0x1000_0000n, 2)), 'EINVAL', /mixed/);
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, 0 /* V2 dist */, GICD), 'ENODEV');
  assert.equal(gic.hasAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION), true);
  assert.equal(gic.hasAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, 1), false);
});

test('GRP_ADDR REDIST_REGION: index order, count, flags, overlap; read back by index', () => {
  const vm = newVm();
  const gic = vm.createDevice(KVM_DEV_TYPE_ARM_VGIC_V3);
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, rdistRegion(1, 0x1000_0000n, 2)), 'EINVAL', /index order/);
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, rdistRegion(0, 0x1000_0000n, 0)), 'EINVAL', /count/);
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, rdistRegion(0, 0x1000_0000n, 1) | 0x1000n), 'EINVAL', /flags/);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, rdistRegion(0, 0x1000_0000n, 1));
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, rdistRegion(0, 0x2000_0000n, 1)), 'EEXIST');
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, rdistRegion(1, 0x1001_0000n, 1)), 'EINVAL', /overlaps/);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, rdistRegion(1, 0x2000_0000n, 3));
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, 1n), rdistRegion(1, 0x2000_0000n, 3));
  expectErr(() => gic.getAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, 2n), 'ENOENT');
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR), 'EINVAL', /mixed/);
  // Two vCPUs: vCPU 0 fills region 0 (count 1), vCPU 1 goes to region 1, both "Last".
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD);
  for (let i = 0; i < 2; i++) vm.createVcpu(i).init({ target: vm.armPreferredTarget().target });
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT);
  const vg = vgicOf(vm);
  assert.ok(vg);
  assert.equal(vg.cpus[0].rdBase, 0x1000_0000);
  assert.equal(vg.cpus[1].rdBase, 0x2000_0000);
  for (const aff of [0, 1]) {
    const typer = gic.getAttr(KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, mpidrAttr(aff, 0x8));
    assert.equal(typer & 0x10n, 0x10n, `vCPU ${aff} is Last in its region`);
    assert.equal((typer >> 8n) & 0xffffn, BigInt(aff), 'Processor_Number');
    assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, mpidrAttr(aff, 0xc)), BigInt(aff), 'Affinity_Value');
  }
});

test('GRP_NR_IRQS: 64..1024 in steps of 32, EBUSY once fixed; the default is 256', () => {
  const { gic } = vmWithGic(1, false);
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, 32n), 'EINVAL');
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, 100n), 'EINVAL');
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, 1056n), 'EINVAL');
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, 128n);
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0), 128n);
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, 256n), 'EBUSY');
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT);
  // GICD_TYPER.ITLinesNumber = 128/32 - 1, IDbits = 9.
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x4), 3n | (9n << 19n));
  const d = vmWithGic(1).gic;
  assert.equal(d.getAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0), 256n);
  expectErr(() => d.setAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, 128n), 'EBUSY');
});

test('CTRL_INIT: needs vCPUs and addresses; running or injecting before it is EBUSY; no vCPU after it', () => {
  const vm = newVm();
  const gic = vm.createDevice(KVM_DEV_TYPE_ARM_VGIC_V3);
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT), 'EBUSY', /vCPUs/);
  const v = vm.createVcpu(0);
  v.init({ target: vm.armPreferredTarget().target });
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT), 'ENXIO', /distributor/);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD);
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT), 'ENXIO', /redistributor/);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, GICR);
  expectErr(() => v.run({ budget: 10 }), 'EBUSY', /not initialised/);
  assert.equal(vm.hasRunOnce, false);
  expectErr(() => vm.irqLine((KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | 40, 1), 'EBUSY');
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, 1), 'ENXIO');
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT); // again: no-op, as vgic_init()
  expectErr(() => vm.createVcpu(1), 'EBUSY', /vGIC/);
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, GICD), 'EBUSY');
  // The interface is on: ICH_HCR_EL2.En.
  assert.equal(v.cpu.s[S.GIC_BASE + 48] & 1, 1);
  assert.equal(gic.hasAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT), true);
  assert.equal(gic.hasAttr(KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, 0), false);
  expectErr(() => gic.getAttr(KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, 0), 'ENXIO');
  // Re-initialising the vCPU keeps its interface on, with empty list registers.
  v.init({ target: vm.armPreferredTarget().target });
  assert.equal(v.cpu.s[S.GIC_BASE + 48] & 1, 1);
  for (let w = 0; w < 8; w++) assert.equal(v.cpu.s[S.GIC_BASE + w], 0);
});

test('KVM_IRQ_LINE: type/vcpu/INTID decoding and errors', () => {
  const noGic = newVm();
  noGic.createVcpu(0).init({ target: noGic.armPreferredTarget().target });
  expectErr(() => noGic.irqLine((KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | 40, 1), 'ENXIO');
  // Without a vGIC the CPU type drives the vCPU's IRQ line.
  noGic.irqLine(KVM_ARM_IRQ_TYPE_CPU << KVM_ARM_IRQ_TYPE_SHIFT, 1);
  assert.equal(noGic.vcpus[0].cpu.s[S.VIRQ], 1);
  noGic.irqLine(KVM_ARM_IRQ_TYPE_CPU << KVM_ARM_IRQ_TYPE_SHIFT, 0);
  assert.equal(noGic.vcpus[0].cpu.s[S.VIRQ], 0);

  const { vm, gic } = vmWithGic(2);
  const vg = vgicOf(vm);
  assert.ok(vg);
  expectErr(() => vm.irqLine(KVM_ARM_IRQ_TYPE_CPU << KVM_ARM_IRQ_TYPE_SHIFT, 1), 'ENXIO');
  expectErr(() => vm.irqLine((KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | 31, 1), 'EINVAL');
  expectErr(() => vm.irqLine((KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | 256, 1), 'EINVAL');
  expectErr(() => vm.irqLine((KVM_ARM_IRQ_TYPE_PPI << KVM_ARM_IRQ_TYPE_SHIFT) | 15, 1), 'EINVAL');
  expectErr(() => vm.irqLine((KVM_ARM_IRQ_TYPE_PPI << KVM_ARM_IRQ_TYPE_SHIFT) | (5 << KVM_ARM_IRQ_VCPU_SHIFT) | 20, 1), 'EINVAL');
  expectErr(() => vm.irqLine(7 << KVM_ARM_IRQ_TYPE_SHIFT, 1), 'EINVAL');
  // An SPI latches pending (edge by default); a PPI of vCPU 1 follows its line (level).
  vm.irqLine((KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | 40, 1);
  assert.equal((gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x204) >> 8n) & 1n, 1n, 'GICD_ISPENDR1 bit 8');
  const ppi = (KVM_ARM_IRQ_TYPE_PPI << KVM_ARM_IRQ_TYPE_SHIFT) | (1 << KVM_ARM_IRQ_VCPU_SHIFT) | 20;
  vm.irqLine(ppi, 1);
  assert.equal(vg.cpus[1].priv[20].lineLevel, true);
  assert.equal(vg.cpus[0].priv[20].lineLevel, false);
  // Userspace reads GICR_ISPENDR0's latch (vgic_uaccess_read_pending()); the line is LEVEL_INFO's.
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, mpidrAttr(1, 0x10200)), 0n);
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, mpidrAttr(1, 0)), 1n << 20n);
  vm.irqLine(ppi, 0);
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, mpidrAttr(1, 0x10200)), 0n);
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, mpidrAttr(1, 0)), 0n);
  expectErr(() => gic.getAttr(KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, mpidrAttr(7, 0x10200)), 'EINVAL');
});

test('distributor registers: CTLR, IIDR, PIDR2, enables, pending, active, priority bytes, config, IROUTER, private part RAZ/WI', () => {
  const { vm, gic } = vmWithGic(2);
  const vg = vgicOf(vm);
  assert.ok(vg);
  const get = (off: number): bigint => gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, off);
  const set = (off: number, v: number | bigint): void => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, off, BigInt(v));
  // GICD_CTLR: ARE (bit 4) and DS (bit 6) always; group enables as written; RWP 0.
  assert.equal(get(0x0), 0x50n);
  set(0x0, 0x3);
  assert.equal(get(0x0), 0x53n);
  assert.equal(vg.enableGrp1, true);
  set(0x0, 0x0 | 0x10);
  assert.equal(get(0x0), 0x50n);
  assert.equal(get(0x8), 0x0300_343bn | 0x4b00_0000n);
  assert.equal(get(0xffe8), 0x3bn);
  // The SGI/PPI part of banked registers is RAZ/WI in the distributor (ARE = 1).
  set(0x100, 0xffffffff);
  assert.equal(get(0x100), 0n);
  assert.equal(vg.cpus[0].priv[20].enabled, false);
  // Enables: set/clear pairs read the same state.
  set(0x104, 0x0000_0005);
  assert.equal(get(0x104), 5n);
  assert.equal(get(0x184), 5n);
  set(0x184, 0x1);
  assert.equal(get(0x104), 4n);
  // Pending and active.
  set(0x204, 0x8000_0000);
  assert.equal(vg.spis[31].pendingLatch, true);
  assert.equal(get(0x284), 0x8000_0000n);
  set(0x284, 0x8000_0000);
  assert.equal(get(0x204), 0n);
  set(0x304, 0x2);
  assert.equal(get(0x384), 2n);
  set(0x384, 0x2);
  assert.equal(get(0x304), 0n);
  // Priority: byte-granular, top 5 bits kept.
  set(0x420, 0x1234_56ff);
  assert.equal(get(0x420), 0x1030_50f8n);
  assert.equal(vg.spis[0].priority, 0xf8);
  assert.equal(vg.spis[3].priority, 0x10);
  // Config: 2 bits per INTID, bit 1 = edge; SPIs are edge by default (kvm_vgic_dist_init()).
  assert.equal(get(0xc08) & 3n, 2n);
  set(0xc08, 0x0);
  assert.equal(get(0xc08) & 3n, 0n);
  assert.equal(vg.spis[0].config, 1, 'level');
  // SGIs are RAZ here (private part), and always edge at the redistributor.
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, mpidrAttr(0, 0x10c00)), 0xaaaa_aaaan);
  // IROUTER: Aff2.Aff1.Aff0 stored, retargets the SPI.
  set(0x6000 + 8 * 40, 0x1);
  assert.equal(get(0x6000 + 8 * 40), 1n);
  assert.equal(vg.spis[8].targetVcpu, 1);
  set(0x6000 + 8 * 40, 0x8000_0055);
  assert.equal(vg.spis[8].targetVcpu, -1, 'no vCPU with that affinity');
  assert.equal(get(0x6000 + 8 * 40), 0x55n, 'IRM reads 0');
  assert.equal(get(0x6000 + 8 * 5), 0n, 'IROUTER of a private INTID is reserved');
  // Unknown offset: ENXIO for userspace.
  expectErr(() => get(0x5000), 'ENXIO');
  assert.equal(gic.hasAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x6000 + 8 * 40), true);
  assert.equal(gic.hasAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0x5000), false);
});

test('redistributor registers: TYPER Last and affinity, WAKER, banked SGI/PPI state, IIDR/PIDR2', () => {
  const { vm, gic } = vmWithGic(2);
  const vg = vgicOf(vm);
  assert.ok(vg);
  const get = (aff: number, off: number): bigint => gic.getAttr(KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, mpidrAttr(aff, off));
  const set = (aff: number, off: number, v: number): void => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, mpidrAttr(aff, off), BigInt(v));
  assert.equal(get(0, 0x8) & 0x10n, 0n, 'vCPU 0 is not the last');
  assert.equal(get(1, 0x8) & 0x10n, 0x10n, 'vCPU 1 is the last');
  assert.equal(get(1, 0x8) >> 8n, 1n);
  assert.equal(get(0, 0xffe8), 0x3bn);
  assert.equal(get(0, 0x4), 0x4b00_343bn);
  // WAKER: asleep at reset, ChildrenAsleep follows ProcessorSleep.
  assert.equal(get(0, 0x14), 6n);
  set(0, 0x14, 0);
  assert.equal(get(0, 0x14), 0n);
  assert.equal(get(1, 0x14), 6n, 'banked per vCPU');
  // SGIs are enabled at reset (kvm_vgic_vcpu_init), PPIs not; per vCPU.
  assert.equal(get(0, 0x10100), 0xffffn);
  set(1, 0x10100, 1 << 27);
  assert.equal(get(1, 0x10100), 0xffffn | (1n << 27n));
  assert.equal(get(0, 0x10100), 0xffffn);
  set(0, 0x10180, 0xffff);
  assert.equal(get(0, 0x10100), 0n);
  // PPIs are level by default and configurable; SGI configuration is read-only.
  assert.equal(get(0, 0x10c04), 0n);
  set(0, 0x10c04, 0x8);
  assert.equal(get(0, 0x10c04), 0x8n);
  assert.equal(vg.cpus[0].priv[17].config, 0);
  set(0, 0x10c00, 0);
  assert.equal(get(0, 0x10c00), 0xaaaa_aaaan);
  // Priorities of the banked interrupts.
  set(1, 0x10400 + 24, 0xa0a0_a0a0);
  assert.equal(vg.cpus[1].priv[27].priority, 0xa0);
  assert.equal(vg.cpus[0].priv[27].priority, 0);
  // IGROUPR0.
  assert.equal(get(0, 0x10080), 0xffff_ffffn, 'Group 1 by default');
});

test('CPU_SYSREGS: ICC_* state saved and restored through the virtual interface', () => {
  const { vm, gic } = vmWithGic(2);
  const enc = (op0: number, op1: number, crn: number, crm: number, op2: number): number => (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
  const PMR = enc(3, 0, 4, 6, 0);
  const BPR0 = enc(3, 0, 12, 8, 3);
  const BPR1 = enc(3, 0, 12, 12, 3);
  const AP1R0 = enc(3, 0, 12, 9, 0);
  const CTLR = enc(3, 0, 12, 12, 4);
  const SRE = enc(3, 0, 12, 12, 5);
  const IGRPEN1 = enc(3, 0, 12, 12, 7);
  const get = (aff: number, r: number): bigint => gic.getAttr(KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, mpidrAttr(aff, r));
  const set = (aff: number, r: number, v: bigint): void => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, mpidrAttr(aff, r), v);
  for (const r of [PMR, BPR0, BPR1, AP1R0, CTLR, SRE, IGRPEN1]) assert.equal(gic.hasAttr(KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, mpidrAttr(0, r)), true);
  assert.equal(gic.hasAttr(KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, mpidrAttr(0, enc(3, 0, 12, 9, 1))), false, 'AP1R1: 5 preemption bits only');
  assert.equal(get(0, SRE), 7n);
  expectErr(() => set(0, SRE, 0n), 'EINVAL');
  set(1, PMR, 0xffn);
  assert.equal(get(1, PMR), 0xf8n, '5 priority bits');
  assert.equal(get(0, PMR), 0n, 'per vCPU');
  set(1, IGRPEN1, 1n);
  assert.equal(get(1, IGRPEN1), 1n);
  set(1, BPR0, 0n);
  assert.equal(get(1, BPR0), 2n, 'minimum binary point 7 - PREbits');
  set(1, AP1R0, 0x10n);
  assert.equal(get(1, AP1R0), 0x10n);
  const ctlr = get(0, CTLR);
  assert.equal((ctlr >> 8n) & 7n, 4n, 'PRIbits');
  set(0, CTLR, ctlr | 2n);
  assert.equal(get(0, CTLR) & 2n, 2n, 'EOImode restored');
  expectErr(() => set(0, CTLR, ctlr | (7n << 8n)), 'EINVAL');
  expectErr(() => set(0, PMR, 1n << 32n), 'EINVAL');
  expectErr(() => get(5, PMR), 'EINVAL');
  assert.ok(vm);
});

test('device attributes that are not integers are EINVAL (KvmError), not a RangeError from BigInt(); the device still works', () => {
  // Found by vgic-fuzz.test.ts: Device converted number arguments with BigInt(), which throws
  // RangeError for 1.5 or NaN; every bad API input must be a typed error.
  const { gic } = vmWithGic(1);
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, 1.5, GICD), 'EINVAL', /attr must be an integer/);
  expectErr(() => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0, 0.5), 'EINVAL', /value must be an integer/);
  expectErr(() => gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, NaN), 'EINVAL', /attr/);
  expectErr(() => gic.getAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION, Infinity), 'EINVAL', /value/);
  expectErr(() => gic.hasAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 4096.25), 'EINVAL', /attr/);
  expectErr(() => gic.hasAttr(1.5, 0), 'EINVAL', /group must be an integer/);
  // Integral numbers and bigints are as before.
  assert.equal(gic.hasAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0), true);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0, 2);
  assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, 0n) & 3n, 2n);
});
