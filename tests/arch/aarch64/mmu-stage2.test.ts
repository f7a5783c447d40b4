/**
 * Stage-2 walker (VTCR_EL2/VTTBR_EL2): hand-built tables for the 4K/16K/64K granules,
 * concatenated start tables, block levels, SL0/T0SZ checks, S2AP/XN, AF, MemAttr, output
 * address size, and the hypervisor's Stage2PageTable. Stage 1 is off unless said otherwise, so
 * the VA of an access is its IPA.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMachine, loadWords, type TestMachine } from '../../helpers/machine.js';
import { Cpu, Stop, P } from '../../../src/arch/aarch64/cpu.js';
import { resetCpu } from '../../../src/arch/aarch64/reset.js';
import { max } from '../../../src/arch/aarch64/cpus/max.js';
import { S, SR } from '../../../src/arch/aarch64/state.js';
import { run } from '../../../src/arch/aarch64/run.js';
import { GUEST_EXCEPTION } from '../../../src/arch/aarch64/exceptions.js';
import { idRegIndex } from '../../../src/arch/aarch64/cpus/model.js';
import { lookup } from '../../../src/arch/aarch64/mmu/access.js';
import { ACC_READ } from '../../../src/arch/aarch64/mmu/translate.js';
import { stage2Walk, s2 } from '../../../src/arch/aarch64/mmu/stage2.js';
import { Stage2PageTable } from '../../../src/hyp/arm/stage2-pgtable.js';
import { HostMemory } from '../../../src/arch/aarch64/host-memory.js';

const NOP = 0xd503201f;
const AF = 1n << 10n;
const XN = 1n << 54n;

/** Stage-2 leaf attributes: AF, inner shareable, S2AP, MemAttr (0xf Normal WB, 0x1 Device-nGnRE), XN. */
function s2leaf(o: { r?: boolean; w?: boolean; x?: boolean; memattr?: number; af?: boolean } = {}): bigint {
  return (
    (o.af === false ? 0n : AF) |
    (3n << 8n) |
    ((o.r ?? true) ? 1n << 6n : 0n) |
    ((o.w ?? true) ? 1n << 7n : 0n) |
    (BigInt(o.memattr ?? 0xf) << 2n) |
    ((o.x ?? true) ? 0n : XN)
  );
}

/** Stage-2 tables in host memory, with `2^(inputBits - shift(start))` start entries (concatenated). */
class S2Tables {
  readonly root: number;
  constructor(
    readonly mem: HostMemory,
    readonly g: number,
    readonly inputBits: number,
    readonly start: number,
  ) {
    const bytes = 8 * 2 ** (inputBits - this.shift(start));
    this.root = mem.alloc(Math.max(bytes, 2 ** g), Math.max(bytes, 2 ** g, 4096));
  }
  get stride(): number {
    return this.g - 3;
  }
  shift(level: number): number {
    return this.g + (3 - level) * this.stride;
  }
  set(host: number, v: bigint): void {
    this.mem.i32[host >>> 2] = Number(BigInt.asIntN(32, v));
    this.mem.i32[(host >>> 2) + 1] = Number(BigInt.asIntN(32, v >> 32n));
  }
  get(host: number): bigint {
    return (BigInt(this.mem.i32[(host >>> 2) + 1] >>> 0) << 32n) | BigInt(this.mem.i32[host >>> 2] >>> 0);
  }
  index(ipa: bigint, level: number): number {
    const bits = level === this.start ? this.inputBits - this.shift(level) : this.stride;
    return Number((ipa >> BigInt(this.shift(level))) & ((1n << BigInt(bits)) - 1n));
  }
  entry(ipa: bigint, level: number): number {
    let table = this.root;
    for (let l = this.start; l < level; l++) {
      const e = table + 8 * this.index(ipa, l);
      let d = this.get(e);
      if ((d & 3n) !== 3n) {
        d = BigInt(this.mem.alloc(2 ** this.g, 2 ** this.g)) | 3n;
        this.set(e, d);
      }
      table = Number(d & ((1n << 48n) - (1n << BigInt(this.g))));
    }
    return table + 8 * this.index(ipa, level);
  }
  map(ipa: bigint, out: number, level = 3, attrs = s2leaf()): number {
    const e = this.entry(ipa, level);
    this.set(e, BigInt(out) | attrs | (level === 3 ? 3n : 1n));
    return e;
  }
}

const TG0 = { 12: 0, 16: 1, 14: 2 } as Record<number, number>;

function useS2(m: TestMachine, t: S2Tables, sl0: number, o: { t0sz?: number; ps?: number; vttbrHi?: number } = {}): void {
  const t0sz = o.t0sz ?? 64 - t.inputBits;
  const vtcr = t0sz | (sl0 << 6) | (1 << 8) | (1 << 10) | (3 << 12) | (TG0[t.g] << 14) | ((o.ps ?? 5) << 16) | (1 << 31);
  m.cpu.s[S.VTCR_EL2] = vtcr | 0;
  m.cpu.s[S.VTTBR_EL2] = t.root | 0;
  m.cpu.s[S.VTTBR_EL2_HI] = (o.vttbrHi ?? 0) | (1 << 16);
  m.cpu.flushTlb();
}

type Outcome = { kind: 'ok'; value: number } | { kind: 'el1'; esr: number } | { kind: 'el2'; ec: number; iss: number; far: bigint; hpfar: bigint };

function pair(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

function attempt(m: TestMachine, fn: () => number | void): Outcome {
  const cpu = m.cpu;
  cpu.stop = 0;
  cpu.setSr(SR.ESR_EL1, -1, 0);
  try {
    const v = fn();
    return { kind: 'ok', value: typeof v === 'number' ? v : 0 };
  } catch (e) {
    if (e !== GUEST_EXCEPTION) throw e;
  }
  if (cpu.stop === Stop.TRAP) {
    const esr = cpu.s[S.ESR_EL2];
    return { kind: 'el2', ec: esr >>> 26, iss: esr & 0x1ffffff, far: pair(cpu.s[S.FAR_EL2], cpu.s[S.FAR_EL2_HI]), hpfar: pair(cpu.s[S.HPFAR_EL2], cpu.s[S.HPFAR_EL2_HI]) };
  }
  return { kind: 'el1', esr: cpu.sr(SR.ESR_EL1) };
}

const read32 = (m: TestMachine, a: bigint): Outcome => attempt(m, () => m.cpu.read32(Number(a >> 32n) | 0, Number(a & 0xffffffffn) | 0, 0));
const write32 = (m: TestMachine, a: bigint, v: number): Outcome => attempt(m, () => m.cpu.write32(Number(a >> 32n) | 0, Number(a & 0xffffffffn) | 0, v, 0));

function expectOk(o: Outcome, msg = ''): number {
  assert.equal(o.kind, 'ok', `${msg} expected success, got ${JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v))}`);
  return o.kind === 'ok' ? o.value : 0;
}

function expectS2(o: Outcome, ec: number, fsc: number, ipa: bigint, wnr: boolean, msg = ''): void {
  assert.equal(o.kind, 'el2', `${msg} expected a trap to EL2, got ${JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v))}`);
  if (o.kind !== 'el2') return;
  assert.equal(o.ec, ec, `${msg} EC`);
  assert.equal(o.iss & 0x3f, fsc, `${msg} FSC`);
  assert.equal((o.iss >>> 6) & 1, wnr ? 1 : 0, `${msg} WnR`);
  assert.equal(o.far, ipa, `${msg} FAR_EL2 (VA = IPA with stage 1 off)`);
  assert.equal(o.hpfar, (ipa >> 12n) << 4n, `${msg} HPFAR_EL2`);
}

function hostWord(m: TestMachine, host: number, v?: number): number {
  if (v !== undefined) m.mem.i32[host >>> 2] = v;
  return m.mem.i32[host >>> 2];
}

test('4K granule: concatenated start tables at level 1 (40-bit IPA) and level 2 (16 tables)', () => {
  const m = makeMachine();
  const t = new S2Tables(m.mem, 12, 40, 1);
  const ipa = 0x80_4000_3000n; // in the second concatenated level-1 table
  t.map(ipa, m.ramHost + 0x3000);
  useS2(m, t, 1);
  hostWord(m, m.ramHost + 0x3008, 0xc0ffee);
  assert.equal(expectOk(read32(m, ipa + 8n)), 0xc0ffee);

  const t2 = new S2Tables(m.mem, 12, 34, 2); // 34 bits from level 2: 13 bits = 16 tables
  const ipa2 = 0x3_c123_4000n;
  t2.map(ipa2, m.ramHost + 0x5000);
  useS2(m, t2, 0);
  expectOk(write32(m, ipa2 + 0xffcn, 0x1234));
  assert.equal(hostWord(m, m.ramHost + 0x5ffc), 0x1234);
});

test('16K granule: start at level 1 (SL0=2) and 16 concatenated level-2 tables (SL0=1), with a level-2 block', () => {
  const m = makeMachine();
  const t = new S2Tables(m.mem, 14, 40, 1);
  t.map(0x12_3456_4000n, m.ramHost + 0x8000);
  t.map(0x20_0000_0000n, 0, 2); // a 32 MiB block at host 0
  useS2(m, t, 2);
  hostWord(m, m.ramHost + 0x8000 + 0x3ffc, 16);
  assert.equal(expectOk(read32(m, 0x12_3456_7ffcn)), 16);
  hostWord(m, m.ramHost + 0x40, 17);
  assert.equal(expectOk(read32(m, 0x20_0000_0040n + BigInt(m.ramHost))), 17);

  const t2 = new S2Tables(m.mem, 14, 40, 2); // 15 bits at level 2 = 16 concatenated tables
  t2.map(0xff_fc00_0000n, m.ramHost + 0x10000);
  useS2(m, t2, 1);
  hostWord(m, m.ramHost + 0x10000, 18);
  assert.equal(expectOk(read32(m, 0xff_fc00_0000n)), 18);
});

test('64K granule: start at level 2 (SL0=1) and level 1 (SL0=2), pages and a 512 MiB block', () => {
  const m = makeMachine();
  const t = new S2Tables(m.mem, 16, 40, 2);
  t.map(0x55_4321_0000n, m.ramHost + 0x20000);
  t.map(0x60_0000_0000n, 0, 2);
  useS2(m, t, 1);
  hostWord(m, m.ramHost + 0x2fff0, 64);
  assert.equal(expectOk(read32(m, 0x55_4321_fff0n)), 64);
  hostWord(m, m.ramHost + 0x100, 65);
  assert.equal(expectOk(read32(m, 0x60_0000_0100n + BigInt(m.ramHost))), 65);

  const t2 = new S2Tables(m.mem, 16, 48, 1);
  t2.map(0xabcd_1234_0000n, m.ramHost + 0x30000);
  useS2(m, t2, 2, { ps: 5 });
  hostWord(m, m.ramHost + 0x30004, 66);
  assert.equal(expectOk(read32(m, 0xabcd_1234_0004n)), 66);
});

test('4K granule blocks at level 1 (1 GiB) and level 2 (2 MiB)', () => {
  const m = makeMachine();
  const t = new S2Tables(m.mem, 12, 40, 1);
  t.map(0x40_0000_0000n, 0, 1);
  t.map(0x50_0020_0000n, m.ramHost, 2);
  useS2(m, t, 1);
  hostWord(m, m.ramHost + 0x1234 * 4, 41);
  assert.equal(expectOk(read32(m, 0x40_0000_0000n + BigInt(m.ramHost + 0x1234 * 4))), 41);
  assert.equal(expectOk(read32(m, 0x50_0020_0000n + 0x1234n * 4n)), 41);
});

test('block descriptors at levels without blocks and 0b01 at level 3 are translation faults at that level', () => {
  const cases: [number, number, number, number][] = [
    // granule, inputBits, start level, level of the bad block
    [12, 48, 0, 0],
    [14, 40, 1, 1],
    [16, 48, 1, 1],
  ];
  for (const [g, bits, start, level] of cases) {
    const m = makeMachine();
    const t = new S2Tables(m.mem, g, bits, start);
    const ipa = 0x10_0000_0000n;
    const e = t.entry(ipa, level);
    t.set(e, s2leaf() | 1n);
    useS2(m, t, g === 12 ? 2 - start : 3 - start);
    expectS2(read32(m, ipa), 0x24, 0x04 + level, ipa, false, `granule ${g}`);
  }
  const m = makeMachine();
  const t = new S2Tables(m.mem, 12, 40, 1);
  const e = t.map(0x1000n, m.ramHost);
  t.set(e, t.get(e) & ~2n);
  useS2(m, t, 1);
  expectS2(write32(m, 0x1000n, 0), 0x24, 0x07, 0x1000n, true);
});

test('SL0 and T0SZ: invalid or inconsistent combinations are level-0 translation faults', () => {
  const m = makeMachine();
  const t = new S2Tables(m.mem, 12, 40, 1);
  t.map(0x1000n, m.ramHost);
  useS2(m, t, 1);
  expectOk(read32(m, 0x1000n));
  const bad: [number, number][] = [
    [0, 24], // 40 bits from level 2: 19 bits at the start level, more than 16 tables
    [3, 24], // SL0 = 3 is reserved for 4K (no FEAT_TTST)
    [1, 34], // 30 bits from level 1: nothing left for level 1
    [1, 10], // T0SZ below 16
    [1, 45], // T0SZ above 39
  ];
  for (const [sl0, t0sz] of bad) {
    useS2(m, t, sl0, { t0sz });
    expectS2(read32(m, 0x1000n), 0x24, 0x04, 0x1000n, false, `SL0=${sl0} T0SZ=${t0sz}`);
  }
  // A level-0 start with 4K needs a PA size of at least 44 bits (AArch64.S2InvalidSL).
  const t0 = new S2Tables(m.mem, 12, 48, 0);
  t0.map(0x1000n, m.ramHost);
  useS2(m, t0, 2);
  expectOk(read32(m, 0x1000n));
  const i = idRegIndex(7, 0);
  m.cpu.idRegs[i] = (m.cpu.idRegs[i] & ~0xf) | 2; // PARange: 40 bits
  m.cpu.updateFeatures();
  m.cpu.flushTlb();
  useS2(m, t0, 2, { ps: 2 });
  expectS2(read32(m, 0x1000n), 0x24, 0x04, 0x1000n, false, 'SL0=2 with a 40-bit PA');
  // An IPA beyond T0SZ's range: level-0 translation fault.
  const m2 = makeMachine();
  const t2 = new S2Tables(m2.mem, 12, 40, 1);
  useS2(m2, t2, 1);
  expectS2(read32(m2, 0x100_0000_1000n), 0x24, 0x04, 0x100_0000_1000n, false, 'IPA >= 2^40');
});

test('S2AP and XN: no-read, write-only and execute-never pages', () => {
  const m = makeMachine();
  const t = new S2Tables(m.mem, 12, 40, 1);
  t.map(0x1000n, m.ramHost + 0x1000, 3, s2leaf({ r: false, w: false }));
  t.map(0x2000n, m.ramHost + 0x2000, 3, s2leaf({ r: false, w: true }));
  t.map(0x3000n, m.ramHost + 0x3000, 3, s2leaf({ r: true, w: false, x: false }));
  t.map(0x4000n, m.ramHost + 0x4000, 3, s2leaf({ r: true, w: false, x: true }));
  useS2(m, t, 1);
  expectS2(read32(m, 0x1010n), 0x24, 0x0f, 0x1010n, false);
  expectS2(write32(m, 0x1010n, 1), 0x24, 0x0f, 0x1010n, true);
  expectS2(read32(m, 0x2000n), 0x24, 0x0f, 0x2000n, false);
  expectOk(write32(m, 0x2000n, 0x77));
  assert.equal(hostWord(m, m.ramHost + 0x2000), 0x77);
  expectOk(read32(m, 0x3000n));
  expectS2(write32(m, 0x3000n, 1), 0x24, 0x0f, 0x3000n, true);
  // Fetch from an XN page: instruction abort to EL2 (EC 0x20); from an executable one: runs.
  loadWords(m, m.ramBase, []);
  m.mem.i32[(m.ramHost + 0x3000) >>> 2] = NOP;
  m.mem.i32[(m.ramHost + 0x4000) >>> 2] = NOP;
  m.cpu.s[S.PC] = 0x3000;
  m.cpu.s[S.PC_HI] = 0;
  assert.equal(run(m.cpu, 1), Stop.TRAP);
  assert.equal(m.cpu.s[S.ESR_EL2] >>> 26, 0x20);
  assert.equal(m.cpu.s[S.ESR_EL2] & 0x3f, 0x0f);
  assert.equal(m.cpu.pc, 0x3000);
  m.cpu.s[S.PC] = 0x4000;
  assert.equal(run(m.cpu, 1), Stop.BUDGET);
  assert.equal(m.cpu.pc, 0x4004);
});

test('AF = 0 is an access flag fault at the leaf level (no hardware AF update)', () => {
  const m = makeMachine();
  const t = new S2Tables(m.mem, 12, 40, 1);
  t.map(0x5000n, m.ramHost, 3, s2leaf({ af: false }));
  t.map(0x4000_0000n, m.ramHost, 2, s2leaf({ af: false }));
  useS2(m, t, 1);
  expectS2(read32(m, 0x5000n), 0x24, 0x0b, 0x5000n, false);
  expectS2(write32(m, 0x4000_0100n, 1), 0x24, 0x0a, 0x4000_0100n, true);
});

test('output address size: leaf, next-table and VTTBR addresses beyond VTCR_EL2.PS', () => {
  const m = makeMachine();
  const t = new S2Tables(m.mem, 12, 40, 1);
  t.map(0x1000n, 0x1_0000_0000); // 4 GiB: beyond PS = 32 bits
  const e = t.entry(0x8000_0000n, 1);
  t.set(e, 0x2_0000_0000n | 3n); // a level-1 table descriptor pointing above 4 GiB
  useS2(m, t, 1, { ps: 0 });
  expectS2(read32(m, 0x1000n), 0x24, 0x03, 0x1000n, false);
  expectS2(read32(m, 0x8000_0000n), 0x24, 0x01, 0x8000_0000n, false);
  useS2(m, t, 1, { ps: 0, vttbrHi: 1 });
  expectS2(read32(m, 0x1000n), 0x24, 0x00, 0x1000n, false);
});

test('MemAttr: Device at stage 2 makes the combined TLB entry Device even for Normal stage 1', () => {
  const m = makeMachine();
  const t = new S2Tables(m.mem, 12, 40, 1);
  t.map(0x4000_0000n, m.ramHost, 2, s2leaf({ memattr: 0x1 })); // Device-nGnRE, 2 MiB
  t.map(0x4020_0000n, m.ramHost + 0x200000, 2, s2leaf()); // Normal
  useS2(m, t, 1);
  assert.equal(stage2Walk(m.cpu, 0, 0x4000_0000) >= 0, true);
  assert.equal(s2.device, true);
  assert.equal(stage2Walk(m.cpu, 0, 0x4020_0000) >= 0, true);
  assert.equal(s2.device, false);
  // Stage 1 on, one 1 GiB Normal block identity-mapping IPA 0x40000000 (T0SZ = 25: start at L1).
  const l1 = m.ramHost + 0x300000; // stage-1 table at IPA 0x40300000 -> host via the Normal block
  m.mem.u8.fill(0, l1, l1 + 4096);
  m.mem.i32[(l1 + 8) >>> 2] = 0x4000_0000 | (1 << 10) | (3 << 8) | 1;
  m.cpu.setSr(SR.TCR_EL1, 25 | (1 << 23), 5);
  m.cpu.setSr(SR.TTBR0_EL1, 0x4030_0000, 0);
  m.cpu.setSr(SR.MAIR_EL1, 0xff, 0);
  m.cpu.setSr(SR.SCTLR_EL1, 1, 0);
  m.cpu.flushTlb();
  const i = lookup(m.cpu, 0, 0x4000_1000, ACC_READ, P.R1, 0);
  assert.notEqual(m.cpu.tlbPerm[i] & P.DEVICE, 0);
  const j = lookup(m.cpu, 0, 0x4020_1000, ACC_READ, P.R1, 0);
  assert.equal(m.cpu.tlbPerm[j] & P.DEVICE, 0);
});

test('Stage2PageTable: 44-bit IPA (level-0 start), 2 MiB blocks, read-only remap and split on unmap', () => {
  const mem = new HostMemory(24 << 20);
  const cpu = new Cpu(mem, max);
  resetCpu(cpu);
  const pt = new Stage2PageTable(mem, 44);
  assert.equal(pt.vtcr & 63, 20);
  assert.equal((pt.vtcr >>> 6) & 3, 2); // SL0 = 2: level 0
  const ram = mem.alloc(4 << 20, 2 << 20);
  const base = 0x800_0000_0000;
  pt.map(base, ram, 4 << 20, { write: true, exec: true });
  const [vlo, vhi] = pt.vttbr(3);
  cpu.s[S.HCR_EL2] = 1;
  cpu.s[S.VTCR_EL2] = pt.vtcr | 0;
  cpu.s[S.VTTBR_EL2] = vlo;
  cpu.s[S.VTTBR_EL2_HI] = vhi;
  cpu.flushTlb();
  const m = { cpu, mem } as unknown as TestMachine;
  mem.i32[(ram + 0x201ff0) >>> 2] = 5;
  mem.i32[(ram + 0x202000) >>> 2] = 6;
  assert.equal(expectOk(read32(m, BigInt(base + 0x201ff0))), 5);
  assert.equal(stage2Walk(cpu, 0x800, 0x201ff0), ram + 0x201ff0);
  assert.equal(s2.level, 2, 'a 2 MiB block');
  // Unmapping one page splits the block: the page faults at level 3, its neighbours stay.
  pt.unmap(base + 0x201000, 0x1000);
  cpu.flushTlb();
  expectS2(read32(m, BigInt(base + 0x201ff0)), 0x24, 0x07, BigInt(base + 0x201ff0), false);
  assert.equal(expectOk(read32(m, BigInt(base + 0x202000))), 6);
  assert.equal(s2.level, 3);
  // Remap it read-only: reads work, writes are stage-2 permission faults at level 3.
  pt.map(base + 0x201000, ram + 0x201000, 0x1000, { write: false, exec: false });
  cpu.flushTlb();
  assert.equal(expectOk(read32(m, BigInt(base + 0x201ff0))), 5);
  expectS2(write32(m, BigInt(base + 0x201ff0), 0), 0x24, 0x0f, BigInt(base + 0x201ff0), true);
});
