/**
 * Save a running GICv2 guest in one VM, restore it into a brand-new VM, continue, and compare the
 * guest's output with the uninterrupted run (the vGICv2 counterpart of vgic-snapshot.test.ts).
 *
 * A snapshot is what a VMM saves through the API, as QEMU's kvm_arm_gic_get/put does for a
 * KVM_DEV_TYPE_ARM_VGIC_V2: guest RAM, every vCPU register (ONE_REG) and MP state, the
 * distributor through GRP_DIST_REGS (CTLR, IGROUPR, ISENABLER, ISPENDR, ISACTIVER, IPRIORITYR,
 * ITARGETSR, ICFGR for every INTID, the banked part per vCPU by the attr's cpuid, and the SGI
 * sources through SPENDSGIR), and each CPU interface through GRP_CPU_REGS (CTLR, PMR, BPR, ABPR,
 * APR0..3). The counter runs in deterministic mode, so the copy and the original agree exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BareMachine, type BareExitInfo } from '../../src/vmm/bare-runner.js';
import type { Device } from '../../src/hyp/device.js';
import { saveVcpu, restoreVcpu } from '../../src/hyp/arm/vcpu-context.js';
import { KVM_EXIT_INTR } from '../../src/hyp/uapi/kvm.js';
import { KVM_DEV_ARM_VGIC_GRP_DIST_REGS, KVM_DEV_ARM_VGIC_GRP_CPU_REGS, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, KVM_DEV_ARM_VGIC_CPUID_SHIFT } from '../../src/hyp/uapi/kvm-vgic.js';

const GUESTS = fileURLToPath(new URL('../../../tests/guests/build/', import.meta.url));
const MAX_INSNS = 100_000_000;
const ALL = 0xffffffffn;

// IHI 0048B 4.1.2 / 4.1.3
const GICD_CTLR = 0x000;
const GICD_IGROUPR = 0x080;
const GICD_ISENABLER = 0x100;
const GICD_ICENABLER = 0x180;
const GICD_ISPENDR = 0x200;
const GICD_ICPENDR = 0x280;
const GICD_ISACTIVER = 0x300;
const GICD_ICACTIVER = 0x380;
const GICD_IPRIORITYR = 0x400;
const GICD_ITARGETSR = 0x800;
const GICD_ICFGR = 0xc00;
const GICD_CPENDSGIR = 0xf10;
const GICD_SPENDSGIR = 0xf20;
const GICC_REGS = [0x00, 0x04, 0x08, 0x1c, 0xd0, 0xd4, 0xd8, 0xdc];

interface Snapshot {
  at: number;
  printed: number;
  ram: Uint8Array;
  vcpus: { regs: Map<bigint, bigint | Uint8Array>; mpState: number }[];
  /** Per vCPU: distributor offset -> value (the banked words differ, the shared ones repeat). */
  dist: Map<number, bigint>[];
  cpu: Map<number, bigint>[];
}

const attr = (cpu: number, off: number): bigint => (BigInt(cpu) << KVM_DEV_ARM_VGIC_CPUID_SHIFT) | BigInt(off);

/** The offsets of every distributor word with state, for INTIDs 0..nrIrqs-1. */
function distOffsets(nrIrqs: number): number[] {
  const out = [GICD_CTLR];
  for (let i = 0; i < nrIrqs; i += 32) out.push(GICD_IGROUPR + i / 8, GICD_ISENABLER + i / 8, GICD_ISPENDR + i / 8, GICD_ISACTIVER + i / 8);
  for (let i = 0; i < nrIrqs; i += 4) out.push(GICD_IPRIORITYR + i, GICD_ITARGETSR + i);
  for (let i = 0; i < nrIrqs; i += 16) out.push(GICD_ICFGR + i / 4);
  for (let i = 0; i < 16; i += 4) out.push(GICD_SPENDSGIR + i);
  return out;
}

function takeSnapshot(m: BareMachine, printed: number): Snapshot {
  const gic = m.gic as Device;
  const nrIrqs = Number(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0));
  const dist: Map<number, bigint>[] = [];
  const cpu: Map<number, bigint>[] = [];
  m.vm.vcpus.forEach((_v, c) => {
    const d = new Map<number, bigint>();
    for (const off of distOffsets(nrIrqs)) d.set(off, gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(c, off)));
    dist.push(d);
    const cc = new Map<number, bigint>();
    for (const off of GICC_REGS) cc.set(off, gic.getAttr(KVM_DEV_ARM_VGIC_GRP_CPU_REGS, attr(c, off)));
    cpu.push(cc);
  });
  const vcpus = m.vm.vcpus.map((v) => ({ regs: saveVcpu(v), mpState: v.mpState }));
  return { at: m.instructions, printed, ram: m.ram.slice(), vcpus, dist, cpu };
}

function restoreSnapshot(m: BareMachine, s: Snapshot): void {
  const gic = m.gic as Device;
  m.ram.set(s.ram);
  m.vm.vcpus.forEach((v, i) => {
    restoreVcpu(v, s.vcpus[i].regs);
    v.mpState = s.vcpus[i].mpState;
  });
  const nrIrqs = Number(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0));
  // QEMU's kvm_arm_gic_put(): CTLR, configuration and targets, clear-then-set of the bit
  // registers, priorities, SGI sources, enables last; then each CPU interface.
  s.dist.forEach((d, c) => {
    const D = (off: number, val: bigint): void => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(c, off), val);
    const g = (off: number): bigint => d.get(off) as bigint;
    // Shared (SPI) words once, from vCPU 0; banked (INTID < 32) words for every vCPU.
    const first = (i: number): boolean => c === 0 || i < 32;
    if (c === 0) D(GICD_CTLR, g(GICD_CTLR));
    for (let i = 0; i < nrIrqs; i += 32) if (first(i)) D(GICD_IGROUPR + i / 8, g(GICD_IGROUPR + i / 8));
    for (let i = 0; i < nrIrqs; i += 16) if (first(i)) D(GICD_ICFGR + i / 4, g(GICD_ICFGR + i / 4));
    for (let i = 32; i < nrIrqs; i += 4) if (c === 0) D(GICD_ITARGETSR + i, g(GICD_ITARGETSR + i));
    for (let i = 0; i < nrIrqs; i += 32) {
      if (!first(i)) continue;
      D(GICD_ICPENDR + i / 8, ALL);
      D(GICD_ISPENDR + i / 8, g(GICD_ISPENDR + i / 8));
      D(GICD_ICACTIVER + i / 8, ALL);
      D(GICD_ISACTIVER + i / 8, g(GICD_ISACTIVER + i / 8));
    }
    for (let i = 0; i < nrIrqs; i += 4) if (first(i)) D(GICD_IPRIORITYR + i, g(GICD_IPRIORITYR + i));
    for (let i = 0; i < 16; i += 4) {
      D(GICD_CPENDSGIR + i, ALL);
      D(GICD_SPENDSGIR + i, g(GICD_SPENDSGIR + i));
    }
    for (let i = 0; i < nrIrqs; i += 32) {
      if (!first(i)) continue;
      D(GICD_ICENABLER + i / 8, ALL);
      D(GICD_ISENABLER + i / 8, g(GICD_ISENABLER + i / 8));
    }
  });
  s.cpu.forEach((cc, c) => {
    for (const [off, val] of cc) if (off !== 0xfc) gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CPU_REGS, attr(c, off), val);
  });
}

interface Run {
  m: BareMachine;
  out: Uint8Array[];
  warnings: string[];
}

function machine(kernel: Uint8Array): Run {
  const out: Uint8Array[] = [];
  const warnings: string[] = [];
  const m = BareMachine.create({ kernel, memMiB: 16, gic: 2, console: (b) => out.push(b.slice()), warn: (l) => warnings.push(l) });
  for (const v of m.vm.vcpus) {
    v.cpu.deterministic = true;
    v.cpu.ticksPerInsn = 1;
  }
  return { m, out, warnings };
}

const bytes = (chunks: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(chunks));

/** Run to the end, calling onStop at the first KVM_EXIT_INTR at or after each count in `at`. */
function runToEnd(r: Run, at: number[] = [], onStop?: (r: Run) => void, step = 1_000_000): BareExitInfo {
  const m = r.m;
  const stops = [...at].sort((a, b) => a - b);
  for (;;) {
    if (m.instructions > MAX_INSNS) return { exit: 'limit' };
    const next = stops.length > 0 ? stops[0] : Infinity;
    const k = m.vcpu.run({ budget: Math.max(1, Math.min(step, next - m.instructions)) });
    const info = m.handleExit(k);
    if (k.exitReason === KVM_EXIT_INTR && m.instructions >= next) {
      while (stops.length > 0 && stops[0] <= m.instructions) stops.shift();
      m.uart.flush();
      onStop?.(r);
    }
    if (info !== undefined) {
      m.finish();
      return info;
    }
  }
}

function checkGuest(name: string): void {
  const path = GUESTS + name;
  test(`${name}: saved mid-run through DIST_REGS/CPU_REGS and restored into a new VM, it prints what the uninterrupted run prints`, { skip: !existsSync(path) && `${path} not built` }, () => {
    const kernel = new Uint8Array(readFileSync(path));
    // Probe: the total length, and the counts where an interrupt is active (mid-handler).
    const pr = machine(kernel);
    const busy: number[] = [];
    let info: BareExitInfo | undefined;
    while (info === undefined && pr.m.instructions < MAX_INSNS) {
      info = pr.m.handleExit(pr.m.vcpu.run({ budget: 40 }));
      const act = (pr.m.gic as Device).getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, attr(0, GICD_ISACTIVER));
      if (act !== 0n && (busy.length === 0 || pr.m.instructions - busy[busy.length - 1] > 200)) busy.push(pr.m.instructions);
    }
    pr.m.finish();
    assert.equal(info?.exit, 'poweroff');
    const total = pr.m.instructions;
    const points = new Set<number>(busy.slice(0, 12));
    for (let k = 1; k < 8; k++) points.add(Math.floor((total * k) / 8));

    const orig = machine(kernel);
    const snaps: Snapshot[] = [];
    const end = runToEnd(orig, [...points], (r) => snaps.push(takeSnapshot(r.m, bytes(r.out).length)), 1000);
    assert.equal(end.exit, 'poweroff');
    assert.deepEqual(orig.warnings, []);
    const full = bytes(orig.out);
    assert.deepEqual(Buffer.from(full), Buffer.from(bytes(pr.out)));
    assert.ok(snaps.length >= 8, `${snaps.length} snapshots`);
    const withActive = snaps.filter((s) => (s.dist[0].get(GICD_ISACTIVER) as bigint) !== 0n).length;
    assert.ok(withActive >= 2, `snapshots inside a handler: ${withActive}`);
    for (const s of snaps) {
      const copy = machine(kernel);
      restoreSnapshot(copy.m, s);
      const what = `${name}: restored at instruction ${s.at} (${s.printed} bytes printed before)`;
      const again = takeSnapshot(copy.m, s.printed);
      assert.deepEqual([again.dist, again.cpu], [s.dist, s.cpu], `${what}: the vGIC registers read back as saved`);
      const e = runToEnd(copy);
      assert.equal(e.exit, 'poweroff', `${what}: ${JSON.stringify(e)}`);
      assert.deepEqual(copy.warnings, [], what);
      assert.equal(Buffer.from(bytes(copy.out)).toString('latin1'), Buffer.from(full.subarray(s.printed)).toString('latin1'), what);
      assert.equal(copy.m.instructions, orig.m.instructions - s.at, `${what}: instructions after the save point`);
    }
  });
}

checkGuest('gic2-timer.elf');
checkGuest('gic2-sgi.elf');
