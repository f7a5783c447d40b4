/**
 * Stage-1 MMU (EL1&0 regime): walks for the 4K/16K/64K granules, TTBR0/TTBR1, blocks, faults
 * and their syndromes, permissions (AP x EL x PAN, UXN/PXN/WXN, hierarchical controls), TBI,
 * EPD, attributes, stage-2 interaction (S1PTW) and TLB behaviour. Page tables are built in
 * guest RAM by the small builder below; accesses go through the CPU's memory API and fetches
 * through run(cpu, 1).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMachine, loadWords, type TestMachine } from '../../helpers/machine.js';
import { Stop, P } from '../../../src/arch/aarch64/cpu.js';
import { S, SR } from '../../../src/arch/aarch64/state.js';
import { run } from '../../../src/arch/aarch64/run.js';
import { dataSyndrome } from '../../../src/arch/aarch64/esr.js';
import { cortexA57 } from '../../../src/arch/aarch64/cpus/cortex-a57.js';
import { lookup } from '../../../src/arch/aarch64/mmu/access.js';
import { ACC_READ } from '../../../src/arch/aarch64/mmu/translate.js';

// ---- page-table builder -------------------------------------------------------------------

import { AF, AP_TABLE0, AP_TABLE1, MAIR, NOP, Outcome, PXN, PXN_TABLE, TG0, TG1, Tables, UXN, UXN_TABLE, attempt, hi32, leaf, lo32, mmuOn, pair, setEl } from '../../helpers/page-tables.js';

const read32 = (m: TestMachine, va: bigint): Outcome => attempt(m, () => m.cpu.read32(hi32(va), lo32(va), 0));
const write32 = (m: TestMachine, va: bigint, v: number, syn = 0): Outcome => attempt(m, () => m.cpu.write32(hi32(va), lo32(va), v, syn));

function expectOk(o: Outcome, msg?: string): number {
  assert.equal(o.kind, 'ok', `${msg ?? ''} expected success, got ${JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v))}`);
  return o.kind === 'ok' ? o.value : 0;
}

function expectEl1(o: Outcome, ec: number, fsc: number, far: bigint, wnr?: boolean, msg = ''): void {
  assert.equal(o.kind, 'el1', `${msg} expected an EL1 exception, got ${o.kind}`);
  if (o.kind !== 'el1') return;
  assert.equal(o.ec, ec, `${msg} EC`);
  assert.equal(o.iss & 0x3f, fsc, `${msg} FSC`);
  assert.equal(o.far, far, `${msg} FAR`);
  if (wnr !== undefined) assert.equal((o.iss >>> 6) & 1, wnr ? 1 : 0, `${msg} WnR`);
  assert.equal(o.iss >>> 24, 0, `${msg} ISV must be 0 for stage-1 aborts`);
}

/** Physical RAM word at IPA `ipa`. */
function ramWord(m: TestMachine, ipa: number): number {
  return m.mem.i32[(m.ramHost + ipa - m.ramBase) >>> 2];
}
function setRamWord(m: TestMachine, ipa: number, v: number): void {
  m.mem.i32[(m.ramHost + ipa - m.ramBase) >>> 2] = v;
}

const RAM = 0x40000000;
const POOL = 0x40800000; // page-table pool (IPA)
const VECTORS = RAM; // identity-mapped EL1 code page holding the vector table (NOPs)

/** Map the vector page (identity, EL1 read-only executable) and point VBAR_EL1 at it. */
function mapVectors(m: TestMachine, t: Tables): void {
  t.map(BigInt(VECTORS), VECTORS, 3, leaf(2));
  loadWords(m, VECTORS, new Array(0x800 / 4).fill(NOP));
  m.cpu.setSr(SR.VBAR_EL1, VECTORS, 0);
}

/**
 * Execute one instruction at `va` (a NOP, if mapped) at `el`. Returns ok, or the abort taken
 * (a faulting fetch spends the one-instruction budget, so PC stops at the vector).
 */
function fetch(m: TestMachine, va: bigint, el: number): Outcome {
  setEl(m, el);
  const cpu = m.cpu;
  cpu.s[S.PC] = lo32(va);
  cpu.s[S.PC_HI] = hi32(va);
  cpu.setSr(SR.ESR_EL1, -1, 0);
  cpu.s[S.ESR_EL2] = -1;
  const stop = run(cpu, 1);
  if (stop === Stop.TRAP) {
    const esr = cpu.s[S.ESR_EL2];
    return { kind: 'el2', ec: esr >>> 26, iss: esr & 0x1ffffff, far: pair(cpu.s[S.FAR_EL2], cpu.s[S.FAR_EL2_HI]), hpfar: pair(cpu.s[S.HPFAR_EL2], cpu.s[S.HPFAR_EL2_HI]) };
  }
  assert.equal(stop, Stop.BUDGET);
  if (cpu.sr(SR.ESR_EL1) === -1) {
    assert.equal(cpu.pc, Number(va) + 4);
    return { kind: 'ok', value: 0 };
  }
  const esr = cpu.sr(SR.ESR_EL1);
  assert.equal(pair(cpu.sr(SR.ELR_EL1), cpu.srHi(SR.ELR_EL1)), va, 'ELR_EL1 = faulting PC');
  assert.equal(cpu.pc, VECTORS + (el === 0 ? 0x400 : 0x200), `vectored to the sync entry, esr ${esr.toString(16)}`);
  return { kind: 'el1', ec: esr >>> 26, iss: esr & 0x1ffffff, far: pair(cpu.sr(SR.FAR_EL1), cpu.srHi(SR.FAR_EL1)) };
}

// ---- tests -----------------------------------------------------------------------------------

test('4K granule: identity and offset page mappings translate reads and writes', () => {
  const m = makeMachine();
  const t = new Tables(m, 12, 48, POOL);
  assert.equal(t.start, 0);
  t.map(0x40100000n, 0x40100000); // identity
  t.map(0x1234_5678_9000n, 0x40203000); // offset, high VA bits in every level's index
  mmuOn(m, { t0: t });
  setRamWord(m, 0x40100010, 0x11223344);
  assert.equal(expectOk(read32(m, 0x40100010n)), 0x11223344);
  expectOk(write32(m, 0x1234_5678_9ffcn, 0x55667788));
  assert.equal(ramWord(m, 0x40203ffc), 0x55667788);
  // A 64-bit access and an unaligned access to Normal memory inside the page.
  setRamWord(m, 0x40203100, 0x01020304);
  setRamWord(m, 0x40203104, 0x05060708);
  assert.equal(m.cpu.read64(0x1234, 0x56789100, 0), 0x01020304);
  assert.equal(m.cpu.rhi, 0x05060708);
  assert.equal(expectOk(read32(m, 0x1234_5678_9102n)), 0x07080102);
});

test('4K granule with T0SZ=25 starts at level 1 and T0SZ=39 at level 2 (start table alignment)', () => {
  for (const [bits, start] of [
    [39, 1],
    [25, 2],
  ] as const) {
    const m = makeMachine();
    const t = new Tables(m, 12, bits, POOL);
    assert.equal(t.start, start);
    t.map(0x1000n, 0x40104000);
    mmuOn(m, { t0: t });
    setRamWord(m, 0x40104008, 77);
    assert.equal(expectOk(read32(m, 0x1008n)), 77, `inputBits ${bits}`);
  }
});

test('16K granule (max model): 4-level walk with a 2-entry level-0 table and a 3-level walk', () => {
  const m = makeMachine();
  assert.ok(m.cpu.feat.tgran16);
  const t = new Tables(m, 14, 48, POOL);
  assert.equal(t.start, 0);
  t.map(0x8000_1234_4000n, 0x40108000);
  t.map(0x0000_0000_c000n, 0x4010c000);
  mmuOn(m, { t0: t });
  setRamWord(m, 0x40108000 + 0x3ff0, 0xabc);
  assert.equal(expectOk(read32(m, 0x8000_1234_7ff0n)), 0xabc);
  expectOk(write32(m, 0xc004n, 0x5a5a));
  assert.equal(ramWord(m, 0x4010c004), 0x5a5a);

  const m2 = makeMachine();
  const t2 = new Tables(m2, 14, 36, POOL);
  assert.equal(t2.start, 2);
  t2.map(0x0_8765_4000n, 0x40110000);
  mmuOn(m2, { t0: t2 });
  setRamWord(m2, 0x40110000 + 0x2000, 99);
  assert.equal(expectOk(read32(m2, 0x0_8765_6000n)), 99);
});

test('64K granule: 3-level walk from level 1 with identity and offset pages', () => {
  const m = makeMachine();
  const t = new Tables(m, 16, 48, POOL);
  assert.equal(t.start, 1);
  t.map(0x40120000n, 0x40120000);
  t.map(0x7fff_ffff_0000n, 0x40130000);
  mmuOn(m, { t0: t });
  setRamWord(m, 0x4012fffc, 1);
  assert.equal(expectOk(read32(m, 0x4012fffcn)), 1);
  expectOk(write32(m, 0x7fff_ffff_8000n, 2));
  assert.equal(ramWord(m, 0x40138000), 2);
});

test('a granule the CPU does not implement is treated as an implemented one (cortex-a57: 16K -> 4K)', () => {
  const m = makeMachine({ model: cortexA57 });
  assert.equal(m.cpu.feat.tgran16, false);
  const t = new Tables(m, 12, 48, POOL);
  t.map(0x5000n, 0x40105000);
  mmuOn(m, { t0: t, g0: 14 }); // TG0 = 16K, tables are 4K
  setRamWord(m, 0x40105000, 0x4242);
  assert.equal(expectOk(read32(m, 0x5000n)), 0x4242);
});

test('TTBR1: high addresses 0xffff_0000_... translate through TTBR1_EL1 (4K, 16K and 64K TG1)', () => {
  for (const g of [12, 14, 16]) {
    const m = makeMachine();
    const t1 = new Tables(m, g, 48, POOL);
    const va = 0xffff_0000_1234_0000n;
    t1.map(va, 0x40140000);
    mmuOn(m, { t1 });
    setRamWord(m, 0x40140000 + 0x100, g);
    assert.equal(expectOk(read32(m, va + 0x100n)), g, `granule ${g}`);
    // The low half has no tables (EPD0): a level-0 translation fault.
    expectEl1(read32(m, 0x1000n), 0x25, 0x04, 0x1000n, false);
    // T1SZ = 16: 0xfffe_... is in neither range.
    expectEl1(read32(m, 0xfffe_0000_1234_0000n), 0x25, 0x04, 0xfffe_0000_1234_0000n, false);
  }
});

test('block mappings at every legal level: 4K L1 and L2, 16K L2, 64K L2', () => {
  const cases: [number, number, number][] = [
    [12, 1, 1 << 30],
    [12, 2, 1 << 21],
    [14, 2, 1 << 25],
    [16, 2, 1 << 29],
  ];
  for (const [g, level, size] of cases) {
    const m = makeMachine();
    const t = new Tables(m, g, 48, POOL);
    const va = 0x20_0000_0000n + BigInt(size); // aligned to the block size
    t.map(va, RAM, level);
    mmuOn(m, { t0: t });
    setRamWord(m, 0x40123454, 0x1357);
    assert.equal(expectOk(read32(m, va + 0x123454n)), 0x1357, `granule ${g} level ${level}`);
  }
});

test('block descriptors where the granule allows none, and 0b01 at level 3, are translation faults at that level', () => {
  const cases: [number, number][] = [
    [12, 0],
    [14, 1],
    [16, 1],
  ];
  for (const [g, level] of cases) {
    const m = makeMachine();
    const t = new Tables(m, g, 48, POOL);
    const e = t.entry(0x1000_0000_0000n, level);
    t.set(e, 0n | leaf() | 1n); // block at a level without blocks
    mmuOn(m, { t0: t });
    expectEl1(read32(m, 0x1000_0000_0000n), 0x25, 0x04 + level, 0x1000_0000_0000n, false, `granule ${g}`);
  }
  const m = makeMachine();
  const t = new Tables(m, 12, 48, POOL);
  const e = t.map(0x7000n, 0x40107000);
  t.set(e, t.get(e) & ~2n); // 0b01 at level 3: reserved
  mmuOn(m, { t0: t });
  expectEl1(read32(m, 0x7000n), 0x25, 0x07, 0x7000n, false);
});

test('translation faults report the level of the invalid descriptor, WnR, EC by EL and FAR', () => {
  const m = makeMachine();
  const t = new Tables(m, 12, 48, POOL);
  mapVectors(m, t);
  const base = 0x0000_4000_0000_0000n;
  // Level 0 entry empty for `base`; create deeper tables for the other cases.
  const l1 = 0x0000_0080_0000_0000n; // L0 index 1
  t.entry(l1, 1); // L0 -> L1 table exists, L1 entry empty
  const l2 = l1 + 0x4000_0000n;
  t.entry(l2, 2);
  const l3 = l2 + 0x20_0000n;
  t.entry(l3, 3);
  mmuOn(m, { t0: t });
  const cases: [bigint, number][] = [
    [base, 0],
    [l1 + 0x123n, 1],
    [l2 + 0x458n, 2],
    [l3 + 0xffcn, 3],
  ];
  for (const [va, level] of cases) {
    setEl(m, 1);
    expectEl1(read32(m, va), 0x25, 0x04 + level, va, false, `EL1 read L${level}`);
    setEl(m, 1);
    expectEl1(write32(m, va, 1), 0x25, 0x04 + level, va, true, `EL1 write L${level}`);
    setEl(m, 0);
    expectEl1(read32(m, va), 0x24, 0x04 + level, va, false, `EL0 read L${level}`);
    setEl(m, 0);
    expectEl1(write32(m, va, 1), 0x24, 0x04 + level, va, true, `EL0 write L${level}`);
    // Instruction fetches: EC 0x21 from EL1, 0x20 from EL0, IFSC with the same level.
    const f1 = fetch(m, va & ~3n, 1);
    expectEl1(f1, 0x21, 0x04 + level, va & ~3n, undefined, `EL1 fetch L${level}`);
    const f0 = fetch(m, va & ~3n, 0);
    expectEl1(f0, 0x20, 0x04 + level, va & ~3n, undefined, `EL0 fetch L${level}`);
  }
});

test('access flag fault (AF = 0) at page and block level', () => {
  const m = makeMachine();
  const t = new Tables(m, 12, 48, POOL);
  t.map(0x9000n, 0x40109000, 3, leaf() & ~AF);
  t.map(0x8000_0000n, RAM, 2, leaf() & ~AF);
  mapVectors(m, t);
  mmuOn(m, { t0: t });
  expectEl1(read32(m, 0x9010n), 0x25, 0x0b, 0x9010n, false);
  expectEl1(write32(m, 0x8000_0020n, 5), 0x25, 0x0a, 0x8000_0020n, true);
  setEl(m, 0);
  expectEl1(write32(m, 0x9010n, 5), 0x24, 0x0b, 0x9010n, true);
  expectEl1(fetch(m, 0x9000n, 1), 0x21, 0x0b, 0x9000n);
  expectEl1(fetch(m, 0x8000_0100n, 0), 0x20, 0x0a, 0x8000_0100n);
});

test('address size faults: output address, next-table address and TTBR beyond TCR_EL1.IPS', () => {
  const m = makeMachine();
  const t = new Tables(m, 12, 48, POOL);
  t.map(0x1000n, 0x1_0000_0000 + 0x1000); // OA at 4 GiB
  const e = t.entry(0x80_0000_0000n, 0); // an L0 entry pointing to a table above 4 GiB
  t.set(e, 0x2_0000_0000n | 3n);
  mapVectors(m, t);
  mmuOn(m, { t0: t, ips: 0 }); // IPS = 32 bits
  expectEl1(read32(m, 0x1000n), 0x25, 0x03, 0x1000n, false);
  setEl(m, 0);
  expectEl1(write32(m, 0x1004n, 0), 0x24, 0x03, 0x1004n, true);
  expectEl1(fetch(m, 0x1000n, 1), 0x21, 0x03, 0x1000n);
  expectEl1(fetch(m, 0x80_0000_0000n, 0), 0x20, 0x00, 0x80_0000_0000n);
  expectEl1(read32(m, 0x80_0000_0000n), 0x25, 0x00, 0x80_0000_0000n, false);
  // With IPS = 48 the page is fine as far as stage 1 goes (then stage 2 finds no IPA there).
  mmuOn(m, { t0: t, ips: 5 });
  const o = read32(m, 0x1000n);
  assert.equal(o.kind, 'el2');
  // TTBR0 BADDR beyond the output size: address size fault, level 0.
  mmuOn(m, { t0: t, ips: 0 });
  m.cpu.setSr(SR.TTBR0_EL1, t.root, 0x1);
  m.cpu.flushTlb();
  expectEl1(read32(m, 0x1000n), 0x25, 0x00, 0x1000n, false);
});

test('VA range check: addresses in neither range and EPD0/EPD1 give level-0 translation faults', () => {
  const m = makeMachine();
  const t0 = new Tables(m, 12, 39, POOL);
  const t1 = new Tables(m, 12, 39, 0x40c00000);
  t0.map(0x1000n, 0x40101000);
  t1.map(0xffff_ff80_0000_1000n, 0x40101000);
  mmuOn(m, { t0, t1 });
  expectOk(read32(m, 0x1000n));
  expectOk(read32(m, 0xffff_ff80_0000_1000n));
  for (const va of [0x80_0000_0000n, 0x0001_0000_0000_1000n, 0xffff_ff7f_ffff_f000n, 0x7fff_ff80_0000_1000n]) {
    expectEl1(read32(m, va), 0x25, 0x04, va, false, `va 0x${va.toString(16)}`);
  }
  // EPD0 disables walks for TTBR0 (a TLB miss faults at level 0), EPD1 for TTBR1.
  mmuOn(m, { t0, t1, tcrLo: 1 << 7 });
  expectEl1(read32(m, 0x1000n), 0x25, 0x04, 0x1000n, false);
  expectOk(read32(m, 0xffff_ff80_0000_1000n));
  mmuOn(m, { t0, t1, tcrLo: 1 << 23 });
  expectOk(read32(m, 0x1000n));
  expectEl1(read32(m, 0xffff_ff80_0000_1000n), 0x25, 0x04, 0xffff_ff80_0000_1000n, false);
});

test('permission matrix: AP[2:1] x EL0/EL1/EL1+PAN x read/write', () => {
  // [AP, EL0 R, EL0 W, EL1 R, EL1 W, EL1 PAN R, EL1 PAN W]
  const table: [number, boolean, boolean, boolean, boolean, boolean, boolean][] = [
    [0, false, false, true, true, true, true],
    [1, true, true, true, true, false, false],
    [2, false, false, true, false, true, false],
    [3, true, false, true, false, false, false],
  ];
  const m = makeMachine();
  const t = new Tables(m, 12, 48, POOL);
  for (const [ap] of table) t.map(BigInt(0x100000 + ap * 0x1000), 0x40100000 + ap * 0x1000, 3, leaf(ap));
  mmuOn(m, { t0: t });
  for (const [ap, r0, w0, r1, w1, rp, wp] of table) {
    const va = BigInt(0x100000 + ap * 0x1000 + 0x40);
    const check = (el: number, pan: number, write: boolean, allowed: boolean): void => {
      setEl(m, el, pan);
      const o = write ? write32(m, va, 7) : read32(m, va);
      const what = `AP=${ap} EL${el} PAN=${pan} ${write ? 'write' : 'read'}`;
      if (allowed) expectOk(o, what);
      else expectEl1(o, el === 0 ? 0x24 : 0x25, 0x0f, va, write, what);
    };
    check(0, 0, false, r0);
    check(0, 0, true, w0);
    check(1, 0, false, r1);
    check(1, 0, true, w1);
    check(1, 1, false, rp);
    check(1, 1, true, wp);
    // PAN does not affect EL0 (PSTATE.PAN is ignored there).
    check(0, 1, false, r0);
  }
});

test('PAN state is part of the check, not of the TLB entry: toggling PAN needs no flush', () => {
  const m = makeMachine();
  const t = new Tables(m, 12, 48, POOL);
  t.map(0x3000n, 0x40103000, 3, leaf(1)); // EL0 RW
  mmuOn(m, { t0: t });
  setEl(m, 1, 0);
  expectOk(read32(m, 0x3000n));
  setEl(m, 1, 1);
  expectEl1(read32(m, 0x3000n), 0x25, 0x0f, 0x3000n, false);
  setEl(m, 1, 0);
  expectOk(write32(m, 0x3000n, 3));
});

test('execute permissions: UXN, PXN, EL0-writable never EL1-executable, WXN', () => {
  const m = makeMachine();
  const t = new Tables(m, 12, 48, POOL);
  mapVectors(m, t);
  const pages: [bigint, bigint][] = [
    [0x200000n, leaf(3)], // EL0 R, executable at both
    [0x201000n, leaf(3, 0, UXN)],
    [0x202000n, leaf(3, 0, PXN)],
    [0x203000n, leaf(1)], // EL0 RW: never executable at EL1
    [0x204000n, leaf(0)], // EL1 RW
    [0x205000n, leaf(2)], // EL1 RO
  ];
  for (const [va, attrs] of pages) {
    const pa = 0x40000000 + Number(va);
    t.map(va, pa, 3, attrs);
    loadWords(m, pa, [NOP, NOP]);
  }
  mmuOn(m, { t0: t });
  expectOk(fetch(m, 0x200000n, 0));
  expectOk(fetch(m, 0x200000n, 1));
  expectEl1(fetch(m, 0x201000n, 0), 0x20, 0x0f, 0x201000n);
  expectOk(fetch(m, 0x201000n, 1));
  expectOk(fetch(m, 0x202000n, 0));
  expectEl1(fetch(m, 0x202000n, 1), 0x21, 0x0f, 0x202000n);
  expectEl1(fetch(m, 0x203000n, 1), 0x21, 0x0f, 0x203000n);
  expectOk(fetch(m, 0x203000n, 0)); // EL0 may execute its own writable memory unless WXN
  expectOk(fetch(m, 0x204000n, 1));
  // EL0 execute depends on UXN only: AP = 00 with UXN = 0 is execute-only memory for EL0.
  expectOk(fetch(m, 0x204000n, 0));
  expectOk(fetch(m, 0x205000n, 1));

  // SCTLR_EL1.WXN: memory writable at an EL is execute-never at that EL (EL0-writable also at EL1).
  mmuOn(m, { t0: t, sctlr: 1 << 19 });
  expectEl1(fetch(m, 0x204000n, 1), 0x21, 0x0f, 0x204000n);
  expectEl1(fetch(m, 0x203000n, 0), 0x20, 0x0f, 0x203000n);
  expectOk(fetch(m, 0x205000n, 1)); // read-only stays executable
  expectOk(fetch(m, 0x200000n, 0));
  expectOk(fetch(m, 0x204000n, 0)); // not writable at EL0: WXN does not apply to EL0 there
});

test('hierarchical table controls: APTable, UXNTable, PXNTable restrict everything below', () => {
  const m = makeMachine();
  const t = new Tables(m, 12, 48, POOL);
  mapVectors(m, t);
  // Four 1 GiB regions, each with its own level-1 table descriptor, RW at EL0 and EL1, executable.
  const regions: [bigint, bigint][] = [
    [0x80_0000_0000n, AP_TABLE0],
    [0x100_0000_0000n, AP_TABLE1],
    [0x180_0000_0000n, UXN_TABLE],
    [0x200_0000_0000n, PXN_TABLE],
  ];
  for (const [va, bits] of regions) {
    t.map(va, 0x40300000, 3, leaf(1));
    t.tableAttrs(va, 0, bits); // on the level-0 descriptor
  }
  t.map(0x280_0000_0000n, 0x40300000, 3, leaf(3)); // read-only at both ELs, for execute tests
  t.tableAttrs(0x280_0000_0000n, 1, PXN_TABLE); // on a level-1 table descriptor
  loadWords(m, 0x40300000, [NOP, NOP]);
  mmuOn(m, { t0: t });
  const [noEl0, noWrite, uxnT, pxnT] = regions.map((r) => r[0]);
  const d = 0x100n; // data accesses away from the NOPs at offset 0
  // APTable[0]: EL0 loses access; and with no EL0 access, PAN no longer applies at EL1.
  setEl(m, 0);
  expectEl1(read32(m, noEl0 + d), 0x24, 0x0f, noEl0 + d, false);
  setEl(m, 1, 1);
  expectOk(write32(m, noEl0 + d, 1));
  // APTable[1]: read-only everywhere.
  setEl(m, 0);
  expectOk(read32(m, noWrite + d));
  expectEl1(write32(m, noWrite + d, 1), 0x24, 0x0f, noWrite + d, true);
  setEl(m, 1);
  expectEl1(write32(m, noWrite + d, 1), 0x25, 0x0f, noWrite + d, true);
  // UXNTable / PXNTable.
  expectEl1(fetch(m, uxnT, 0), 0x20, 0x0f, uxnT);
  setEl(m, 0);
  expectOk(read32(m, pxnT + d));
  // An EL0-writable page is never EL1-executable anyway; use the read-only region for PXNTable.
  expectEl1(fetch(m, 0x280_0000_0000n, 1), 0x21, 0x0f, 0x280_0000_0000n);
  expectOk(fetch(m, 0x280_0000_0000n, 0));
  expectOk(fetch(m, pxnT, 0));
});

test('TBI0: data accesses ignore the top byte, FAR keeps the tag; without TBI the tag faults', () => {
  const m = makeMachine();
  const t = new Tables(m, 12, 48, POOL);
  t.map(0x6000n, 0x40106000);
  mmuOn(m, { t0: t, tcrHi: 1 << 5 }); // TBI0
  setRamWord(m, 0x40106010, 0x600d);
  assert.equal(expectOk(read32(m, 0x5a00_0000_0000_6010n)), 0x600d);
  assert.equal(expectOk(read32(m, 0x0100_0000_0000_6010n)), 0x600d); // another tag: its own TLB entry
  expectOk(write32(m, 0xff00_0000_0000_6014n, 0x1234)); // tag with bit 63 set, VA[55] = 0: TTBR0
  assert.equal(ramWord(m, 0x40106014), 0x1234);
  // A fault on a tagged address reports the whole address, tag included.
  expectEl1(read32(m, 0x5a00_0000_0000_7000n), 0x25, 0x07, 0x5a00_0000_0000_7000n, false);
  // TBI0 = 0: the top byte takes part in the range check.
  mmuOn(m, { t0: t });
  expectEl1(read32(m, 0x5a00_0000_0000_6010n), 0x25, 0x04, 0x5a00_0000_0000_6010n, false);
  assert.equal(expectOk(read32(m, 0x6010n)), 0x600d);
  // TBI1 for the upper range: bits [63:56] are ignored, VA[55] selects TTBR1.
  const m2 = makeMachine();
  const t1 = new Tables(m2, 12, 48, POOL);
  t1.map(0xffff_0000_0000_2000n, 0x40102000);
  mmuOn(m2, { t1, tcrHi: 1 << 6 });
  setRamWord(m2, 0x40102000, 0x7e);
  assert.equal(expectOk(read32(m2, 0x12ff_0000_0000_2000n)), 0x7e);
});

test('memory attributes: Device memory (MAIR Attr[7:4] = 0) makes unaligned accesses alignment faults', () => {
  const m = makeMachine();
  const t = new Tables(m, 12, 48, POOL);
  t.map(0xa000n, 0x4010a000, 3, leaf(0, 0)); // Normal WB
  t.map(0xb000n, 0x4010a000, 3, leaf(0, 1)); // Device-nGnRnE
  t.map(0xc000n, 0x4010a000, 3, leaf(0, 3)); // Device-nGnRE
  t.map(0xd000n, 0x4010a000, 3, leaf(0, 2)); // Normal NC
  mmuOn(m, { t0: t });
  setRamWord(m, 0x4010a000, 0x44332211);
  setRamWord(m, 0x4010a004, 0x88776655);
  assert.equal(expectOk(read32(m, 0xa001n)), 0x55443322 | 0);
  assert.equal(expectOk(read32(m, 0xd001n)), 0x55443322 | 0);
  assert.equal(expectOk(read32(m, 0xb004n)), 0x88776655 | 0); // aligned Device access is fine
  expectEl1(read32(m, 0xb001n), 0x25, 0x21, 0xb001n, false);
  expectEl1(write32(m, 0xc002n, 0), 0x25, 0x21, 0xc002n, true);
  // The TLB entry carries P.DEVICE.
  const i = lookup(m.cpu, 0, 0xc000, ACC_READ, P.R1, 0);
  assert.ok((m.cpu.tlbPerm[i] & P.DEVICE) !== 0);
  const j = lookup(m.cpu, 0, 0xa000, ACC_READ, P.R1, 0);
  assert.equal(m.cpu.tlbPerm[j] & P.DEVICE, 0);
});

test('MMU off: data accesses are Device (unaligned faults), fetches work, VA = IPA', () => {
  const m = makeMachine();
  setRamWord(m, 0x40100000, 0x01020304);
  assert.equal(expectOk(read32(m, 0x40100000n)), 0x01020304);
  expectEl1(read32(m, 0x40100001n), 0x25, 0x21, 0x40100001n, false);
  loadWords(m, RAM, [NOP]);
  m.cpu.setSr(SR.VBAR_EL1, RAM + 0x1000, 0);
  expectOk(fetch(m, BigInt(RAM), 1));
  // Beyond the PA size (48 bits): address size fault, level 0.
  expectEl1(read32(m, 0x0001_0000_0000_0000n), 0x25, 0x00, 0x0001_0000_0000_0000n, false);
});

test('stage 2 read-only page: a store traps to EL2 with WnR, the ISV syndrome, FAR and HPFAR', () => {
  const m = makeMachine();
  const t = new Tables(m, 12, 48, POOL);
  t.map(0x7777_0000n, 0x40180000);
  mmuOn(m, { t0: t });
  m.s2.map(0x40180000, m.ramHost + 0x180000, 0x1000, { write: false, exec: false });
  m.cpu.flushTlb();
  setRamWord(m, 0x40180008, 0x5150);
  assert.equal(expectOk(read32(m, 0x7777_0008n)), 0x5150);
  const syn = dataSyndrome(2, false, 7, false, false);
  const o = write32(m, 0x7777_0abcn, 1, syn);
  assert.equal(o.kind, 'el2');
  if (o.kind !== 'el2') return;
  assert.equal(o.ec, 0x24);
  assert.equal(o.iss & 0x3f, 0x0f, 'stage-2 permission fault, level 3');
  assert.equal((o.iss >>> 6) & 1, 1, 'WnR');
  assert.equal((o.iss >>> 7) & 1, 0, 'not S1PTW');
  assert.equal(o.iss & 0x1ff0000 & ~(1 << 6), syn & 0x1ff0000, 'ISV, SAS, SRT from syn');
  assert.equal(o.far, 0x7777_0abcn);
  assert.equal(o.hpfar, BigInt(0x40180000 >>> 12) << 4n);
  assert.equal(ramWord(m, 0x40180abc), 0, 'the store did not happen');
  // Stage-2 XN: a fetch traps to EL2 as an instruction abort (EC 0x20), no ISV.
  loadWords(m, 0x40180000, [NOP]);
  const f = fetch(m, 0x7777_0000n, 1);
  assert.equal(f.kind, 'el2');
  if (f.kind === 'el2') {
    assert.equal(f.ec, 0x20);
    assert.equal(f.iss & 0x3f, 0x0f);
    assert.equal(f.iss >>> 24, 0);
  }
});

test('S1PTW: a stage-1 table outside stage 2 traps to EL2 with S1PTW, WnR = 0 and the table IPA', () => {
  const m = makeMachine();
  const t = new Tables(m, 12, 48, POOL);
  const va = 0x1_2345_6000n;
  const e = t.entry(va, 2);
  t.set(e, 0x8000_0000n | 3n); // the level-3 table at IPA 0x80000000: not mapped by stage 2
  mmuOn(m, { t0: t });
  const expectS1ptw = (o: Outcome, ec: number): void => {
    assert.equal(o.kind, 'el2');
    if (o.kind !== 'el2') return;
    assert.equal(o.ec, ec);
    assert.equal((o.iss >>> 7) & 1, 1, 'S1PTW');
    assert.equal((o.iss >>> 6) & 1, 0, 'WnR = 0: the walk reads');
    assert.equal(o.iss >>> 24, 0, 'ISV = 0');
    assert.equal(o.iss & 0x3f, 0x05, 'stage-2 translation fault, level 1 (the stage-2 level)');
    assert.equal(o.far, va + 0x18n);
    const descIpa = 0x8000_0000 + 8 * Number((va >> 12n) & 511n);
    assert.equal(o.hpfar, BigInt(Math.floor(descIpa / 4096)) << 4n);
  };
  expectS1ptw(read32(m, va + 0x18n), 0x24);
  expectS1ptw(write32(m, va + 0x18n, 1, dataSyndrome(2, false, 1, false, false)), 0x24);
  // A fetch whose walk faults at stage 2 is reported as an instruction abort with S1PTW.
  setEl(m, 1);
  m.cpu.s[S.PC] = lo32(va + 0x18n);
  m.cpu.s[S.PC_HI] = hi32(va + 0x18n);
  assert.equal(run(m.cpu, 1), Stop.TRAP);
  expectS1ptw(
    { kind: 'el2', ec: m.cpu.s[S.ESR_EL2] >>> 26, iss: m.cpu.s[S.ESR_EL2] & 0x1ffffff, far: pair(m.cpu.s[S.FAR_EL2], m.cpu.s[S.FAR_EL2_HI]), hpfar: pair(m.cpu.s[S.HPFAR_EL2], m.cpu.s[S.HPFAR_EL2_HI]) },
    0x20,
  );
  // The TTBR itself outside stage 2: the level-0 descriptor read faults.
  m.cpu.setSr(SR.TTBR0_EL1, 0x1000_0000, 0);
  m.cpu.flushTlb();
  const o = read32(m, 0x1000n);
  assert.equal(o.kind, 'el2');
  if (o.kind === 'el2') {
    assert.equal((o.iss >>> 7) & 1, 1);
    assert.equal(o.hpfar, BigInt(0x1000_0000 >>> 12) << 4n);
  }
});

test('stage-1 output IPA outside stage 2: the access (not the walk) traps to EL2, S1PTW = 0', () => {
  const m = makeMachine();
  const t = new Tables(m, 12, 48, POOL);
  t.map(0x3000n, 0x9000_0000);
  mmuOn(m, { t0: t });
  const o = write32(m, 0x3004n, 1, dataSyndrome(2, false, 3, false, false));
  assert.equal(o.kind, 'el2');
  if (o.kind !== 'el2') return;
  assert.equal(o.ec, 0x24);
  assert.equal((o.iss >>> 7) & 1, 0);
  assert.equal((o.iss >>> 6) & 1, 1);
  assert.equal(o.iss >>> 24, 1, 'ISV');
  assert.equal(o.hpfar, BigInt(0x9000_0000 >>> 12) << 4n);
  // A stage-1 permission fault comes first: it is found before stage 2 sees the IPA.
  t.map(0x3000n, 0x9000_0000, 3, leaf(2));
  m.cpu.flushTlb();
  expectEl1(write32(m, 0x3004n, 1), 0x25, 0x0f, 0x3004n, true);
});

test('TLB: a changed descriptor is not seen until flushTlb(); flushTlbPage drops one page', () => {
  const m = makeMachine();
  const t = new Tables(m, 12, 48, POOL);
  const e = t.map(0x4000n, 0x40104000);
  const e2 = t.map(0x5000n, 0x40105000);
  mmuOn(m, { t0: t });
  setRamWord(m, 0x40104000, 1);
  setRamWord(m, 0x40106000, 2);
  setRamWord(m, 0x40105000, 3);
  assert.equal(expectOk(read32(m, 0x4000n)), 1);
  assert.equal(expectOk(read32(m, 0x5000n)), 3);
  t.set(e, BigInt(0x40106000) | leaf() | 3n);
  t.set(e2, 0n);
  assert.equal(expectOk(read32(m, 0x4000n)), 1, 'stale translation still cached');
  assert.equal(expectOk(read32(m, 0x5000n)), 3, 'stale translation still cached');
  m.cpu.flushTlbPage(0, 0x5000);
  expectEl1(read32(m, 0x5000n), 0x25, 0x07, 0x5000n, false);
  assert.equal(expectOk(read32(m, 0x4000n)), 1);
  m.cpu.flushTlb();
  assert.equal(expectOk(read32(m, 0x4000n)), 2);
});
