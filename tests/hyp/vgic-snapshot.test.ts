/**
 * Issue 5's proof: save a running GICv3 guest in one VM, restore it into a brand-new VM, continue,
 * and compare the guest's output with the uninterrupted run.
 *
 * The machine is BareMachine's (virt: RAM at 0x40000000, PL011, the vGICv3 at virt's addresses,
 * the virtual timer on PPI 27), built the same way for the original and for every restored copy.
 * A snapshot is what a VMM saves through the API, as QEMU's kvm_arm_gicv3_get/put and
 * kvm_arch_get/put_registers do:
 *   - guest RAM (the memory slot's view),
 *   - every vCPU register (saveVcpu over ONE_REG: core, firmware, timer CTL/CNT/CVAL of both
 *     timers, so the virtual and the physical count, sysregs)
 *     and the MP state (KVM_GET_MP_STATE),
 *   - the distributor (GRP_DIST_REGS: CTLR, IGROUPR, ISENABLER, ISPENDR, ISACTIVER, IPRIORITYR,
 *     ICFGR, IROUTER of the SPIs), each redistributor (GRP_REDIST_REGS: CTLR, WAKER and the
 *     SGI_base registers of the SGIs and PPIs), the CPU interface (GRP_CPU_SYSREGS: ICC_*) and
 *     the line levels of level-sensitive interrupts (GRP_LEVEL_INFO).
 * The counter runs in deterministic mode (the system count = instructions retired) on every vCPU,
 * and restoring TIMER_CNT and PTIMER_CNT sets the copy's CNTVOFF_EL2 and CNTPOFF_EL2 so that both
 * counters continue from the saved counts, so the timer behaves the same in the original and the copy.
 *
 * The original takes snapshots at several instruction counts (GIC just configured, timer armed,
 * between and inside timer interrupts, ...) and runs on to power-off; each snapshot is restored
 * into a new machine before its first run, which runs to power-off too. What the copy prints must
 * be the bytes the original printed after the save point, and both must end in poweroff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BareMachine, VIRT_GIC_NR_IRQS, type BareExitInfo } from '../../src/vmm/bare-runner.js';
import type { Device } from '../../src/hyp/device.js';
import { vgicOf, type VgicIrq } from '../../src/hyp/vgic/vgic.js';
import type { Vcpu } from '../../src/hyp/vcpu.js';
import { saveVcpu, restoreVcpu } from '../../src/hyp/arm/vcpu-context.js';
import { KVM_EXIT_INTR } from '../../src/hyp/uapi/kvm.js';
import { ARM64_SYS_REG, KVM_REG_ARM_TIMER_CTL, KVM_REG_ARM_TIMER_CVAL, KVM_REG_ARM_TIMER_CNT, KVM_REG_ARM_PTIMER_CNT } from '../../src/hyp/uapi/kvm-arm64.js';
import {
  KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
  KVM_DEV_ARM_VGIC_GRP_REDIST_REGS,
  KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS,
  KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO,
  KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT,
  VGIC_LEVEL_INFO_LINE_LEVEL,
} from '../../src/hyp/uapi/kvm-vgic.js';

const GUESTS = fileURLToPath(new URL('../../../tests/guests/build/', import.meta.url));
const REG_MPIDR_EL1 = ARM64_SYS_REG(3, 0, 0, 0, 5);

// ---- the register map a VMM saves (IHI 0069H 12.8 / 12.10; QEMU hw/intc/arm_gicv3_kvm.c) ----------

const GICD_CTLR = 0x0000;
const GICD_IGROUPR = 0x0080;
const GICD_ISENABLER = 0x0100;
const GICD_ICENABLER = 0x0180;
const GICD_ISPENDR = 0x0200;
const GICD_ICPENDR = 0x0280;
const GICD_ISACTIVER = 0x0300;
const GICD_ICACTIVER = 0x0380;
const GICD_IPRIORITYR = 0x0400;
const GICD_ICFGR = 0x0c00;
const GICD_IROUTER = 0x6000;

const GICR_CTLR = 0x0000;
const GICR_WAKER = 0x0014;
const SGI = 0x10000;
const GICR_IGROUPR0 = SGI + 0x0080;
const GICR_ISENABLER0 = SGI + 0x0100;
const GICR_ICENABLER0 = SGI + 0x0180;
const GICR_ISPENDR0 = SGI + 0x0200;
const GICR_ICPENDR0 = SGI + 0x0280;
const GICR_ISACTIVER0 = SGI + 0x0300;
const GICR_ICACTIVER0 = SGI + 0x0380;
const GICR_IPRIORITYR0 = SGI + 0x0400;
const GICR_ICFGR0 = SGI + 0x0c00;
const GICR_ICFGR1 = SGI + 0x0c04;

const enc = (op0: number, op1: number, crn: number, crm: number, op2: number): number => (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
/** gic_v3_icc_reg_descs[] in QEMU's put order: SRE, CTLR, PMR, BPR0, BPR1, APRs, IGRPEN0/1. */
const ICC_SRE = enc(3, 0, 12, 12, 5);
const ICC_CTLR = enc(3, 0, 12, 12, 4);
const ICC_PMR = enc(3, 0, 4, 6, 0);
const ICC_BPR0 = enc(3, 0, 12, 8, 3);
const ICC_BPR1 = enc(3, 0, 12, 12, 3);
const ICC_AP0R = [0, 1, 2, 3].map((n) => enc(3, 0, 12, 8, 4 + n));
const ICC_AP1R = [0, 1, 2, 3].map((n) => enc(3, 0, 12, 9, n));
const ICC_IGRPEN0 = enc(3, 0, 12, 12, 6);
const ICC_IGRPEN1 = enc(3, 0, 12, 12, 7);
const ICC_ORDER = [ICC_SRE, ICC_CTLR, ICC_PMR, ICC_BPR0, ICC_BPR1, ...ICC_AP0R, ...ICC_AP1R, ICC_IGRPEN0, ICC_IGRPEN1];

/** A VMM-side view of one vGIC register space: offset -> 32-bit value. */
type Regs = Map<number, bigint>;

interface VcpuSnapshot {
  regs: Map<bigint, bigint | Uint8Array>;
  mpState: number;
  /** The attr's MPIDR field (Aff3.Aff2.Aff1.Aff0 in bits [31:0], shifted to [63:32]). */
  mpidrAttr: bigint;
  redist: Regs;
  icc: Map<number, bigint>;
  /** LEVEL_INFO of INTIDs 0..31. */
  privLevels: bigint;
}

interface Snapshot {
  /** Guest instructions retired when it was taken. */
  at: number;
  /** Console bytes the original had printed by then. */
  printed: number;
  ram: Uint8Array;
  vcpus: VcpuSnapshot[];
  dist: Regs;
  /** LEVEL_INFO of the SPIs, by first INTID of each 32. */
  spiLevels: Map<number, bigint>;
  /** White box, for the test only: every interrupt's state inside the vGIC (struct vgic_irq). */
  internal: string[];
}

/** The vGIC's per-interrupt state as the hypervisor holds it (not through the API). */
function internalState(m: BareMachine): string[] {
  const vg = vgicOf(m.vm);
  assert.ok(vg !== undefined);
  const one = (irq: VgicIrq, where: string): string =>
    `${where} ${irq.intid}: en ${+irq.enabled} latch ${+irq.pendingLatch} line ${+irq.lineLevel} act ${+irq.active} cfg ${irq.config} prio ${irq.priority} grp ${irq.group} mpidr ${irq.mpidr} target ${irq.targetVcpu}`;
  const out = [`ctlr g0 ${+vg.enableGrp0} g1 ${+vg.enableGrp1}`];
  for (const c of vg.cpus) {
    out.push(`cpu ${c.index} sleep ${+c.processorSleep}`);
    for (const irq of c.priv) out.push(one(irq, `cpu ${c.index}`));
  }
  for (const irq of vg.spis) out.push(one(irq, 'spi'));
  return out;
}

function mpidrAttr(v: Vcpu): bigint {
  const m = v.getOneReg(REG_MPIDR_EL1) as bigint;
  const aff = (m & 0xffffffn) | (((m >> 32n) & 0xffn) << 24n);
  return aff << 32n;
}

function levelAttr(mpidr: bigint, intid: number): bigint {
  return mpidr | BigInt((VGIC_LEVEL_INFO_LINE_LEVEL << KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT) | intid);
}

/** The offsets of every distributor register that holds SPI state, with their widths in INTIDs per word. */
function distOffsets(nrIrqs: number): number[] {
  const out = [GICD_CTLR];
  for (let i = 32; i < nrIrqs; i += 32) out.push(GICD_IGROUPR + i / 8, GICD_ISENABLER + i / 8, GICD_ISPENDR + i / 8, GICD_ISACTIVER + i / 8);
  for (let i = 32; i < nrIrqs; i += 4) out.push(GICD_IPRIORITYR + i);
  for (let i = 32; i < nrIrqs; i += 16) out.push(GICD_ICFGR + i / 4);
  for (let i = 32; i < nrIrqs; i++) out.push(GICD_IROUTER + 8 * i, GICD_IROUTER + 8 * i + 4);
  return out;
}

const REDIST_OFFSETS = [
  GICR_CTLR,
  GICR_WAKER,
  GICR_IGROUPR0,
  GICR_ISENABLER0,
  GICR_ISPENDR0,
  GICR_ISACTIVER0,
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((n) => GICR_IPRIORITYR0 + 4 * n),
  GICR_ICFGR0,
  GICR_ICFGR1,
];

// ---- save ------------------------------------------------------------------------------------------

function takeSnapshot(m: BareMachine, printed: number): Snapshot {
  const gic = m.gic as Device;
  const nrIrqs = Number(gic.getAttr(3 /* GRP_NR_IRQS */, 0));
  const dist: Regs = new Map();
  for (const off of distOffsets(nrIrqs)) dist.set(off, gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, BigInt(off)));
  const spiLevels = new Map<number, bigint>();
  const vcpus: VcpuSnapshot[] = [];
  for (const v of m.vm.vcpus) {
    const mp = mpidrAttr(v);
    const redist: Regs = new Map();
    for (const off of REDIST_OFFSETS) redist.set(off, gic.getAttr(KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, mp | BigInt(off)));
    const icc = new Map<number, bigint>();
    for (const instr of ICC_ORDER) {
      if (gic.hasAttr(KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, mp | BigInt(instr))) icc.set(instr, gic.getAttr(KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, mp | BigInt(instr)));
    }
    const privLevels = gic.getAttr(KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, levelAttr(mp, 0));
    if (vcpus.length === 0) {
      for (let i = 32; i < nrIrqs; i += 32) spiLevels.set(i, gic.getAttr(KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, levelAttr(mp, i)));
    }
    vcpus.push({ regs: saveVcpu(v), mpState: v.mpState, mpidrAttr: mp, redist, icc, privLevels });
  }
  return { at: m.instructions, printed, ram: m.ram.slice(), vcpus, dist, spiLevels, internal: internalState(m) };
}

// ---- restore (into a machine that has not run) -------------------------------------------------------

const ALL = 0xffffffffn;

function restoreSnapshot(m: BareMachine, s: Snapshot): void {
  assert.equal(m.vm.hasRunOnce, false, 'restore before the first run');
  const gic = m.gic as Device;
  m.ram.set(s.ram);
  // The vCPUs first (QEMU: kvm_arch_put_registers, then the GIC's put at the same level).
  m.vm.vcpus.forEach((v, i) => {
    restoreVcpu(v, s.vcpus[i].regs);
    v.mpState = s.vcpus[i].mpState; // KVM_SET_MP_STATE
  });
  const D = (off: number, val: bigint): void => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, BigInt(off), val);
  const d = (off: number): bigint => s.dist.get(off) as bigint;
  D(GICD_CTLR, d(GICD_CTLR));
  // Redistributors: configuration, then line levels, pending, active, priorities, enables.
  for (const c of s.vcpus) {
    const R = (off: number, val: bigint): void => gic.setAttr(KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, c.mpidrAttr | BigInt(off), val);
    const r = (off: number): bigint => c.redist.get(off) as bigint;
    R(GICR_CTLR, r(GICR_CTLR));
    R(GICR_WAKER, r(GICR_WAKER));
    R(GICR_IGROUPR0, r(GICR_IGROUPR0));
    R(GICR_ICFGR0, r(GICR_ICFGR0));
    R(GICR_ICFGR1, r(GICR_ICFGR1));
    gic.setAttr(KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, levelAttr(c.mpidrAttr, 0), c.privLevels);
    R(GICR_ICPENDR0, ALL);
    R(GICR_ISPENDR0, r(GICR_ISPENDR0));
    R(GICR_ICACTIVER0, ALL);
    R(GICR_ISACTIVER0, r(GICR_ISACTIVER0));
    for (let n = 0; n < 8; n++) R(GICR_IPRIORITYR0 + 4 * n, r(GICR_IPRIORITYR0 + 4 * n));
    R(GICR_ICENABLER0, ALL);
    R(GICR_ISENABLER0, r(GICR_ISENABLER0));
  }
  // The distributor's SPIs, in the same order.
  const nrIrqs = Number(gic.getAttr(3 /* GRP_NR_IRQS */, 0));
  for (let i = 32; i < nrIrqs; i += 32) D(GICD_IGROUPR + i / 8, d(GICD_IGROUPR + i / 8));
  for (let i = 32; i < nrIrqs; i++) {
    D(GICD_IROUTER + 8 * i, d(GICD_IROUTER + 8 * i));
    D(GICD_IROUTER + 8 * i + 4, d(GICD_IROUTER + 8 * i + 4));
  }
  for (let i = 32; i < nrIrqs; i += 16) D(GICD_ICFGR + i / 4, d(GICD_ICFGR + i / 4));
  for (const [i, lv] of s.spiLevels) gic.setAttr(KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, levelAttr(s.vcpus[0].mpidrAttr, i), lv);
  for (let i = 32; i < nrIrqs; i += 32) {
    D(GICD_ICPENDR + i / 8, ALL);
    D(GICD_ISPENDR + i / 8, d(GICD_ISPENDR + i / 8));
    D(GICD_ICACTIVER + i / 8, ALL);
    D(GICD_ISACTIVER + i / 8, d(GICD_ISACTIVER + i / 8));
  }
  for (let i = 32; i < nrIrqs; i += 4) D(GICD_IPRIORITYR + i, d(GICD_IPRIORITYR + i));
  for (let i = 32; i < nrIrqs; i += 32) {
    D(GICD_ICENABLER + i / 8, ALL);
    D(GICD_ISENABLER + i / 8, d(GICD_ISENABLER + i / 8));
  }
  // The CPU interfaces.
  for (const c of s.vcpus) {
    for (const [instr, val] of c.icc) gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, c.mpidrAttr | BigInt(instr), val);
  }
}

// ---- machines ----------------------------------------------------------------------------------------

interface Run {
  m: BareMachine;
  out: Uint8Array[];
  warnings: string[];
}

function machine(kernel: Uint8Array): Run {
  const out: Uint8Array[] = [];
  const warnings: string[] = [];
  const m = BareMachine.create({ kernel, memMiB: 16, console: (b) => out.push(b.slice()), warn: (l) => warnings.push(l) });
  assert.notEqual(m.gic, undefined);
  for (const v of m.vm.vcpus) {
    v.cpu.deterministic = true;
    v.cpu.ticksPerInsn = 1;
  }
  return { m, out, warnings };
}

function bytes(chunks: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(chunks));
}

const MAX_INSNS = 200_000_000;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Run to the end (poweroff or another result). `at` lists instruction counts at which `onStop` is
 * called, each at the first KVM_EXIT_INTR (no MMIO completion outstanding) at or after the count.
 */
function runToEnd(r: Run, at: number[] = [], onStop?: (r: Run) => void): BareExitInfo {
  const m = r.m;
  const stops = [...at].sort((a, b) => a - b);
  for (;;) {
    if (m.instructions > MAX_INSNS) return { exit: 'limit' };
    const next = stops.length > 0 ? stops[0] : Infinity;
    const budget = Math.max(1, Math.min(1_000_000, next - m.instructions));
    const k = m.vcpu.run({ budget });
    const info = m.handleExit(k);
    if (k.exitReason === KVM_EXIT_INTR && m.instructions >= next) {
      // A halted vCPU retires nothing while its counter moves on: points passed meanwhile fold into one.
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

/**
 * A probe run: the total length, the instruction counts of each halt wake-up (a timer interrupt),
 * and those where a private interrupt's line is high while it is disabled (pending by its line
 * alone: what a restore must not turn into a latched pending state).
 */
function probe(kernel: Uint8Array): { total: number; wakeups: number[]; lineOnly: number[]; out: Uint8Array } {
  const r = machine(kernel);
  const wakeups: number[] = [];
  const lineOnly: number[] = [];
  const gic = r.m.gic as Device;
  let seen = 0;
  const m = r.m;
  let info: BareExitInfo | undefined;
  while (info === undefined && m.instructions < MAX_INSNS) {
    // In deterministic mode a halted vCPU wakes by moving its counter to the timer's deadline,
    // which spends the run's budget: the run ends at the wake-up, before the interrupt is taken.
    // (The instruction count, cpu.icount, includes that jump.)
    info = m.handleExit(m.vcpu.run({ budget: 50 }));
    const lv = gic.getAttr(KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO, levelAttr(0n, 0));
    if (lv !== 0n && (lv & ~gic.getAttr(KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, BigInt(GICR_ISENABLER0))) !== 0n) lineOnly.push(m.instructions);
    const w = m.vcpu.stats.counters.halt_wakeup;
    if (w !== seen) {
      seen = w;
      wakeups.push(m.instructions);
    }
  }
  m.finish();
  assert.equal(info?.exit, 'poweroff', JSON.stringify(info));
  return { total: m.instructions, wakeups, lineOnly, out: bytes(r.out) };
}

type Seen = { active: number; pending: number; apr: number; lineOnly: number };

function checkGuest(name: string, extraPoints: (p: ReturnType<typeof probe>) => number[], check: (seen: Seen) => void): void {
  const path = GUESTS + name;
  test(`${name}: saved mid-run and restored into a new VM, it prints what the uninterrupted run prints`, { skip: !existsSync(path) && `${path} not built` }, () => {
    const kernel = new Uint8Array(readFileSync(path));
    const p = probe(kernel);
    const points = new Set<number>();
    for (let k = 1; k < 6; k++) points.add(Math.floor((p.total * k) / 6));
    for (const x of extraPoints(p)) if (x > 0 && x < p.total) points.add(x);

    // The original: snapshots at each point, then on to power-off.
    const orig = machine(kernel);
    const snaps: Snapshot[] = [];
    const end = runToEnd(orig, [...points], (r) => snaps.push(takeSnapshot(r.m, bytes(r.out).length)));
    assert.equal(end.exit, 'poweroff', JSON.stringify(end));
    assert.deepEqual(orig.warnings, []);
    const full = bytes(orig.out);
    const origEnd = takeSnapshot(orig.m, full.length);
    assert.deepEqual(Buffer.from(full), Buffer.from(p.out), 'stopping for snapshots does not change what the guest prints');
    assert.ok(snaps.length >= 10, `${snaps.length} snapshots`);

    let withGicOn = 0;
    const seen: Seen = { active: 0, pending: 0, apr: 0, lineOnly: 0 };
    for (const s of snaps) {
      if (((s.dist.get(GICD_CTLR) as bigint) & 2n) !== 0n) withGicOn++;
      const c = s.vcpus[0];
      if ((c.redist.get(GICR_ISACTIVER0) as bigint) !== 0n) seen.active++;
      if ((c.redist.get(GICR_ISPENDR0) as bigint) !== 0n || c.privLevels !== 0n) seen.pending++;
      if ([...ICC_AP1R, ...ICC_AP0R].some((i) => (c.icc.get(i) ?? 0n) !== 0n)) seen.apr++;
      if ((c.privLevels & ~(c.redist.get(GICR_ISENABLER0) as bigint)) !== 0n) seen.lineOnly++;
      const copy = machine(kernel);
      restoreSnapshot(copy.m, s);
      const what = `${name}: restored at instruction ${s.at} (${s.printed} bytes printed before)`;
      assert.deepEqual(internalState(copy.m), s.internal, `${what}: the vGIC holds what the original held`);
      const e = runToEnd(copy);
      assert.equal(e.exit, 'poweroff', `${what}: ${JSON.stringify(e)}`);
      assert.deepEqual(copy.warnings, [], what);
      const after = Buffer.from(bytes(copy.out)).toString('latin1');
      const want = Buffer.from(full.subarray(s.printed)).toString('latin1');
      assert.equal(after, want, what);
      // Deterministic counter: the copy retires exactly the instructions the original did after
      // the save point, and leaves memory exactly as the original did.
      assert.equal(copy.m.instructions, orig.m.instructions - s.at, `${what}: instructions after the save point`);
      assert.ok(sameBytes(copy.m.ram, orig.m.ram), `${what}: final RAM`);
      // And the interrupt controller ends as the original's did, through the API and inside.
      const endCopy = takeSnapshot(copy.m, 0);
      assert.deepEqual([endCopy.dist, endCopy.spiLevels, endCopy.vcpus.map((c) => [c.redist, c.icc, c.privLevels])], [origEnd.dist, origEnd.spiLevels, origEnd.vcpus.map((c) => [c.redist, c.icc, c.privLevels])], `${what}: final vGIC registers`);
      assert.deepEqual(endCopy.internal, origEnd.internal, `${what}: final vGIC state`);
    }
    check(seen);
    assert.ok(withGicOn >= 3, `at least some snapshots with the distributor enabled (${withGicOn})`);
  });
}

// gic-timer: the virtual timer on PPI 27, 5 interrupts taken at the IRQ vector while the guest
// waits in WFI. Besides the even points: just after each wake-up (the line high, the interrupt
// about to be taken), and through the handler (PPI 27 active, the APR bit set, after the EOI).
checkGuest('gic-timer.elf', (p) => {
  assert.ok(p.wakeups.length >= 3, `the guest woke from WFI on timer interrupts (${p.wakeups.length})`);
  const out: number[] = [];
  // Each wake-up is before the interrupt is taken; the handler then runs for some 100
  // instructions before the next WFI.
  p.wakeups.forEach((w, n) => {
    // Every few instructions through the second interrupt; a sample of the others.
    if (n === 1) for (let d = 0; d < 130; d += 7) out.push(w + d);
    else out.push(w, w + 1, w + 45, w + 90);
  });
  // The end: the timer stopped, then PPI 27 disabled with its line high (pending by the line,
  // not signalled) until the timer is turned off.
  for (let d = 100; d < 7000; d += 1000) out.push(p.total - d);
  assert.ok(p.lineOnly.length > 0, 'the guest has PPI 27 disabled with its line high at some point');
  out.push(...p.lineOnly.slice(0, 8));
  return out;
}, (seen) => {
  assert.ok(seen.active > 0, 'some snapshot inside the handler (PPI 27 active)');
  assert.ok(seen.apr > 0, 'some snapshot with an active priority (ICC_AP1R0_EL1)');
  assert.ok(seen.pending > 0, 'some snapshot with PPI 27 pending or its line high');
  assert.ok(seen.lineOnly > 0, 'some snapshot with PPI 27 disabled and its line high');
});

// gic-sgi: SGIs to self, priorities, PMR masking, EOImode = 1 (priority drop and deactivation
// apart): even points and a denser sweep.
checkGuest('gic-sgi.elf', (p) => Array.from({ length: 24 }, (_x, k) => Math.floor((p.total * (2 * k + 1)) / 48) + k), () => undefined);

// The timer's state is part of the vCPU context: CNTV_CTL read back from the copy equals the original's.
test('the timer registers come back through ONE_REG', { skip: !existsSync(GUESTS + 'gic-timer.elf') && 'gic-timer.elf not built' }, () => {
  const kernel = new Uint8Array(readFileSync(GUESTS + 'gic-timer.elf'));
  const p = probe(kernel);
  const orig = machine(kernel);
  let snap: Snapshot | undefined;
  runToEnd(orig, [p.wakeups[1] + 10], (r) => {
    snap = takeSnapshot(r.m, 0);
  });
  assert.ok(snap !== undefined);
  const copy = machine(kernel);
  restoreSnapshot(copy.m, snap);
  // Before the copy's first run its counters have not moved: the virtual and the physical count
  // (PTIMER_CNT sets CNTPOFF_EL2) read back as saved, like CTL and CVAL.
  for (const id of [KVM_REG_ARM_TIMER_CTL, KVM_REG_ARM_TIMER_CVAL, KVM_REG_ARM_TIMER_CNT, KVM_REG_ARM_PTIMER_CNT]) {
    assert.equal(copy.m.vcpu.getOneReg(id), snap.vcpus[0].regs.get(id), `timer register 0x${id.toString(16)}`);
  }
  assert.equal((snap.vcpus[0].regs.get(KVM_REG_ARM_TIMER_CTL) as bigint) & 1n, 1n, 'saved with the virtual timer enabled');
  const gic = copy.m.gic as Device;
  for (const [off, val] of snap.vcpus[0].redist) {
    assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_REDIST_REGS, snap.vcpus[0].mpidrAttr | BigInt(off)), val, `GICR offset 0x${off.toString(16)}`);
  }
  for (const [off, val] of snap.dist) assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_DIST_REGS, BigInt(off)), val, `GICD offset 0x${off.toString(16)}`);
  for (const [instr, val] of snap.vcpus[0].icc) {
    assert.equal(gic.getAttr(KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS, snap.vcpus[0].mpidrAttr | BigInt(instr)), val, `ICC 0x${instr.toString(16)}`);
  }
  assert.equal(VIRT_GIC_NR_IRQS, Number(gic.getAttr(3, 0)));
});
