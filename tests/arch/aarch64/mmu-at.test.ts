/**
 * AT S1E1R/W, S1E0R/W, S1E1RP/WP (mmu/at.ts): PAR_EL1 for successful translations and for each
 * stage-1 fault (never an exception), the PAN forms, and the stage-2 fault on a stage-1 walk
 * that AT reports to EL2 instead of in PAR_EL1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMachine, type TestMachine } from '../../helpers/machine.js';
import { Stop, Tlb } from '../../../src/arch/aarch64/cpu.js';
import { S, SR } from '../../../src/arch/aarch64/state.js';
import { GUEST_EXCEPTION, setElSp } from '../../../src/arch/aarch64/exceptions.js';
import { addressTranslate, AT_S1E1R, AT_S1E1W, AT_S1E0R, AT_S1E0W, AT_S1E1RP, AT_S1E1WP } from '../../../src/arch/aarch64/mmu/at.js';

// ---- page-table builder (as in mmu-stage1.test.ts) ------------------------------------------

const AF = 1n << 10n;
const SH_INNER = 3n << 8n;
const PXN = 1n << 53n;
const UXN = 1n << 54n;
const PXN_TABLE = 1n << 59n;
const UXN_TABLE = 1n << 60n;
const AP_TABLE0 = 1n << 61n; // no EL0 access below
const AP_TABLE1 = 1n << 62n; // no write access below
/** MAIR_EL1: idx0 Normal WB (0xff), idx1 Device-nGnRnE (0x00), idx2 Normal NC (0x44), idx3 Device-nGnRE (0x04). */
const MAIR = 0x044400ff;
const NOP = 0xd503201f;

/** Leaf attributes: AF, inner shareable, AP[2:1], AttrIndx. */
function leaf(ap = 0, idx = 0, extra = 0n): bigint {
  return AF | SH_INNER | (BigInt(ap) << 6n) | (BigInt(idx) << 2n) | extra;
}

/** Translation tables for one TTBR, allocated from a bump pool in guest RAM (IPAs). */
class Tables {
  readonly root: number;
  constructor(
    readonly m: TestMachine,
    readonly g: number,
    readonly inputBits: number,
    private next: number,
  ) {
    const startBytes = 8 * 2 ** (inputBits - this.shift(this.start));
    this.root = this.alloc(Math.max(startBytes, 2 ** g));
  }
  get stride(): number {
    return this.g - 3;
  }
  get start(): number {
    return 3 - Math.floor((this.inputBits - 1 - this.g) / this.stride);
  }
  shift(level: number): number {
    return this.g + (3 - level) * this.stride;
  }
  alloc(bytes = 2 ** this.g): number {
    const a = Math.ceil(this.next / 2 ** this.g) * 2 ** this.g;
    this.next = a + bytes;
    this.m.mem.u8.fill(0, this.host(a), this.host(a) + bytes);
    return a;
  }
  host(ipa: number): number {
    return this.m.ramHost + (ipa - this.m.ramBase);
  }
  set(ipa: number, v: bigint): void {
    const h = this.host(ipa);
    this.m.mem.i32[h >>> 2] = Number(BigInt.asIntN(32, v));
    this.m.mem.i32[(h >>> 2) + 1] = Number(BigInt.asIntN(32, v >> 32n));
  }
  get(ipa: number): bigint {
    const h = this.host(ipa);
    return (BigInt(this.m.mem.i32[(h >>> 2) + 1] >>> 0) << 32n) | BigInt(this.m.mem.i32[h >>> 2] >>> 0);
  }
  index(va: bigint, level: number): number {
    const bits = level === this.start ? this.inputBits - this.shift(level) : this.stride;
    return Number((va >> BigInt(this.shift(level))) & ((1n << BigInt(bits)) - 1n));
  }
  /** IPA of the descriptor for `va` at `level`, creating table descriptors above it. */
  entry(va: bigint, level: number): number {
    let table = this.root;
    for (let l = this.start; l < level; l++) {
      const e = table + 8 * this.index(va, l);
      let d = this.get(e);
      if ((d & 3n) !== 3n) {
        d = BigInt(this.alloc()) | 3n;
        this.set(e, d);
      }
      table = Number(d & ((1n << 48n) - (1n << BigInt(this.g))));
    }
    return table + 8 * this.index(va, level);
  }
  /** Map va -> pa with a leaf at `level` (page at 3, block above). */
  map(va: bigint, pa: number, level = 3, attrs = leaf()): number {
    const e = this.entry(va, level);
    this.set(e, BigInt(pa) | attrs | (level === 3 ? 3n : 1n));
    return e;
  }
  /** OR bits into the table descriptor at `level` on the way to `va`. */
  tableAttrs(va: bigint, level: number, bits: bigint): void {
    const e = this.entry(va, level);
    this.set(e, this.get(e) | bits);
  }
}

const TG0 = { 12: 0, 16: 1, 14: 2 } as Record<number, number>;
const TG1 = { 14: 1, 12: 2, 16: 3 } as Record<number, number>;

interface MmuOpts {
  t0?: Tables;
  t1?: Tables;
  g0?: number;
  g1?: number;
  t0sz?: number;
  t1sz?: number;
  ips?: number;
  tcrLo?: number;
  tcrHi?: number;
  sctlr?: number;
}

/** Turn the MMU on with the given tables (TTBR0 and/or TTBR1). */
function mmuOn(m: TestMachine, o: MmuOpts): void {
  const cpu = m.cpu;
  const g0 = o.g0 ?? o.t0?.g ?? 12;
  const g1 = o.g1 ?? o.t1?.g ?? 12;
  const t0sz = o.t0sz ?? (o.t0 ? 64 - o.t0.inputBits : 16);
  const t1sz = o.t1sz ?? (o.t1 ? 64 - o.t1.inputBits : 16);
  let lo = t0sz | (TG0[g0] << 14) | (t1sz << 16) | (TG1[g1] << 30) | (o.tcrLo ?? 0);
  if (!o.t0) lo |= 1 << 7; // EPD0
  if (!o.t1) lo |= 1 << 23; // EPD1
  cpu.setSr(SR.TCR_EL1, lo | 0, (o.ips ?? 5) | (o.tcrHi ?? 0));
  cpu.setSr(SR.TTBR0_EL1, o.t0 ? o.t0.root | 0 : 0, 0);
  cpu.setSr(SR.TTBR1_EL1, o.t1 ? o.t1.root | 0 : 0, 0);
  cpu.setSr(SR.MAIR_EL1, MAIR, 0);
  cpu.setSr(SR.SCTLR_EL1, 1 | (1 << 23) | (o.sctlr ?? 0), 0); // M, SPAN (exceptions keep PAN)
  cpu.flushTlb();
}

function setEl(m: TestMachine, el: number, pan = 0): void {
  setElSp(m.cpu, el, el);
  m.cpu.s[S.PAN] = pan;
  m.cpu.updateMode();
}

type Outcome =
  | { kind: 'ok'; value: number }
  | { kind: 'el1'; ec: number; iss: number; far: bigint }
  | { kind: 'el2'; ec: number; iss: number; far: bigint; hpfar: bigint };

function hi32(v: bigint): number {
  return Number(BigInt.asIntN(32, v >> 32n));
}
function lo32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}
function pair(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

function attempt(m: TestMachine, fn: () => number | void): Outcome {
  const cpu = m.cpu;
  cpu.stop = 0;
  cpu.setSr(SR.ESR_EL1, -1, 0);
  cpu.s[S.ESR_EL2] = -1;
  try {
    const v = fn();
    return { kind: 'ok', value: typeof v === 'number' ? v : 0 };
  } catch (e) {
    if (e !== GUEST_EXCEPTION) throw e;
  }
  if (cpu.stop === Stop.TRAP) {
    const esr = cpu.s[S.ESR_EL2];
    return {
      kind: 'el2',
      ec: esr >>> 26,
      iss: esr & 0x1ffffff,
      far: pair(cpu.s[S.FAR_EL2], cpu.s[S.FAR_EL2_HI]),
      hpfar: pair(cpu.s[S.HPFAR_EL2], cpu.s[S.HPFAR_EL2_HI]),
    };
  }
  const esr = cpu.sr(SR.ESR_EL1);
  return { kind: 'el1', ec: esr >>> 26, iss: esr & 0x1ffffff, far: pair(cpu.sr(SR.FAR_EL1), cpu.srHi(SR.FAR_EL1)) };
}

const RAM = 0x40000000;
const POOL = 0x40800000;

/** Run AT `op` on `va`; returns PAR_EL1 as a bigint, or the outcome if it raised. */
function at(m: TestMachine, va: bigint, op: number): bigint {
  const cpu = m.cpu;
  cpu.setSr(SR.PAR_EL1, 0x5a5a5a5a, 0x5a5a5a5a);
  cpu.setSr(SR.ESR_EL1, -1, 0);
  const pc = cpu.pc;
  addressTranslate(cpu, hi32(va), lo32(va), op);
  assert.equal(cpu.sr(SR.ESR_EL1), -1, 'AT never takes a stage-1 fault');
  assert.equal(cpu.pc, pc);
  return pair(cpu.sr(SR.PAR_EL1), cpu.srHi(SR.PAR_EL1));
}

/** PAR_EL1 for success: ATTR, PA[47:12], bit 11 (RES1), NS, SH. */
function parOk(pa: number, attr: number, sh: number): bigint {
  return (BigInt(attr) << 56n) | (BigInt(pa) & 0xffff_ffff_f000n) | (1n << 11n) | (1n << 9n) | (BigInt(sh) << 7n);
}
/** PAR_EL1 for a fault: bit 11 (RES1), FST, F; S = PTW = 0 (stage 1). */
function parFault(fst: number): bigint {
  return (1n << 11n) | (BigInt(fst) << 1n) | 1n;
}

function setup(): { m: TestMachine; t: Tables } {
  const m = makeMachine();
  const t = new Tables(m, 12, 48, POOL);
  t.map(0x1000n, 0x40101000, 3, leaf(0, 0)); // EL1 RW, Normal WB, inner shareable
  t.map(0x2000n, 0x40102000, 3, leaf(1, 1)); // EL0 RW, Device-nGnRnE
  t.map(0x3000n, 0x40103000, 3, leaf(2, 2)); // EL1 RO, Normal NC
  t.map(0x4000n, 0x40104000, 3, leaf(3, 0)); // EL0 RO
  t.map(0x8000_0000n, RAM, 2, leaf(0, 0, 0n) & ~(3n << 8n) | (2n << 8n)); // 2 MiB block, outer shareable
  t.map(0x5000n, 0x40105000, 3, leaf() & ~AF);
  t.map(0x6000n, 0x1_0000_0000 + 0x6000, 3, leaf()); // OA beyond a 32-bit IPS
  mmuOn(m, { t0: t });
  return { m, t };
}

test('AT success: PAR_EL1 holds PA[47:12], ATTR from MAIR, SH, NS and RES1 bit 11', () => {
  const { m } = setup();
  assert.equal(at(m, 0x1abcn, AT_S1E1R), parOk(0x40101000, 0xff, 3));
  assert.equal(at(m, 0x1abcn, AT_S1E1W), parOk(0x40101000, 0xff, 3));
  // Device and Normal Non-cacheable memory report SH = 0b10.
  assert.equal(at(m, 0x2000n, AT_S1E1R), parOk(0x40102000, 0x00, 2));
  assert.equal(at(m, 0x3ff8n, AT_S1E1R), parOk(0x40103000, 0x44, 2));
  // Blocks: the PA includes the offset inside the block.
  assert.equal(at(m, 0x8012_3456n, AT_S1E1R), parOk(RAM + 0x123000, 0xff, 2));
  // EL0 forms on EL0-accessible pages.
  assert.equal(at(m, 0x2000n, AT_S1E0W), parOk(0x40102000, 0x00, 2));
  assert.equal(at(m, 0x4000n, AT_S1E0R), parOk(0x40104000, 0xff, 3));
});

test('AT stage-1 faults are recorded in PAR_EL1 (F, FST with level), never raised', () => {
  const { m, t } = setup();
  // Translation faults at each level.
  assert.equal(at(m, 0x80_0000_0000n, AT_S1E1R), parFault(0x04));
  t.entry(0x80_0000_0000n, 1);
  assert.equal(at(m, 0x80_0000_0000n, AT_S1E1R), parFault(0x05));
  t.entry(0x80_0000_0000n, 2);
  assert.equal(at(m, 0x80_0000_0000n, AT_S1E1W), parFault(0x06));
  assert.equal(at(m, 0x7000n, AT_S1E0R), parFault(0x07));
  // Outside both VA ranges.
  assert.equal(at(m, 0x0001_0000_0000_0000n, AT_S1E1R), parFault(0x04));
  // Access flag.
  assert.equal(at(m, 0x5000n, AT_S1E1R), parFault(0x0b));
  // Permission: write to read-only, EL0 access to an EL1 page, EL0 write to EL0 read-only.
  assert.equal(at(m, 0x3000n, AT_S1E1W), parFault(0x0f));
  assert.equal(at(m, 0x1000n, AT_S1E0R), parFault(0x0f));
  assert.equal(at(m, 0x4000n, AT_S1E0W), parFault(0x0f));
  // Address size: the output address beyond IPS.
  mmuOn(m, { t0: t, ips: 0 });
  assert.equal(at(m, 0x6000n, AT_S1E1R), parFault(0x03));
});

test('AT S1E1RP/WP apply PSTATE.PAN, S1E1R/W do not', () => {
  const { m } = setup();
  setElSp(m.cpu, 1, 1);
  m.cpu.s[S.PAN] = 1;
  m.cpu.updateMode();
  assert.equal(at(m, 0x2000n, AT_S1E1R), parOk(0x40102000, 0x00, 2));
  assert.equal(at(m, 0x2000n, AT_S1E1W), parOk(0x40102000, 0x00, 2));
  assert.equal(at(m, 0x2000n, AT_S1E1RP), parFault(0x0f));
  assert.equal(at(m, 0x2000n, AT_S1E1WP), parFault(0x0f));
  assert.equal(at(m, 0x4000n, AT_S1E1RP), parFault(0x0f));
  // Pages EL0 cannot access are not affected by PAN.
  assert.equal(at(m, 0x1000n, AT_S1E1WP), parOk(0x40101000, 0xff, 3));
  assert.equal(at(m, 0x3000n, AT_S1E1RP), parOk(0x40103000, 0x44, 2));
  assert.equal(at(m, 0x3000n, AT_S1E1WP), parFault(0x0f));
  m.cpu.s[S.PAN] = 0;
  m.cpu.updateMode();
  assert.equal(at(m, 0x2000n, AT_S1E1RP), parOk(0x40102000, 0x00, 2));
  assert.equal(at(m, 0x2000n, AT_S1E1WP), parOk(0x40102000, 0x00, 2));
});

test('AT with the MMU off: PA = VA, Device-nGnRnE, SH = 0b10; beyond the PA size: address size fault', () => {
  const m = makeMachine();
  assert.equal(at(m, 0x4012_3456n, AT_S1E1R), parOk(0x40123000, 0x00, 2));
  assert.equal(at(m, 0x9_0000_0000n, AT_S1E0W), parOk(0x9_0000_0000, 0x00, 2));
  assert.equal(at(m, 0x0001_0000_0000_0000n, AT_S1E1R), parFault(0x00));
});

test('AT is stage 1 only: an output IPA stage 2 does not map still succeeds; tagged addresses with TBI', () => {
  const m = makeMachine();
  const t = new Tables(m, 12, 48, POOL);
  t.map(0x9000n, 0x9000_0000);
  mmuOn(m, { t0: t, tcrHi: 1 << 5 });
  assert.equal(at(m, 0x9000n, AT_S1E1R), parOk(0x9000_0000, 0xff, 3));
  assert.equal(at(m, 0x7700_0000_0000_9008n, AT_S1E1W), parOk(0x9000_0000, 0xff, 3));
});

test('AT does not fill the TLB', () => {
  const { m } = setup();
  const i = (0x1000 >>> 12) & Tlb.MASK;
  m.cpu.flushTlb();
  at(m, 0x1000n, AT_S1E1R);
  assert.equal(m.cpu.tlbVaLo[i], Tlb.INVALID);
});

test('a stage-2 fault on the stage-1 walk of an AT traps to EL2 (S1PTW, CM, WnR = 1), PAR_EL1 unchanged', () => {
  const { m, t } = setup();
  const va = 0x2_0000_0000n;
  const e = t.entry(va, 2);
  t.set(e, 0x9000_0000n | 3n); // level-3 table at an IPA stage 2 does not map
  const cpu = m.cpu;
  cpu.setSr(SR.PAR_EL1, 0x1234, 0);
  cpu.stop = 0;
  let threw = false;
  try {
    addressTranslate(cpu, hi32(va + 0x10n), lo32(va + 0x10n), AT_S1E1R);
  } catch (err) {
    assert.equal(err, GUEST_EXCEPTION);
    threw = true;
  }
  assert.ok(threw);
  assert.equal(cpu.stop, Stop.TRAP);
  const esr = cpu.s[S.ESR_EL2];
  assert.equal(esr >>> 26, 0x24, 'Data Abort from a lower EL');
  assert.equal((esr >>> 7) & 1, 1, 'S1PTW');
  assert.equal((esr >>> 8) & 1, 1, 'CM: address translation instruction');
  assert.equal((esr >>> 6) & 1, 1, 'WnR = 1 for address translation instructions');
  assert.equal(esr & 0x3f, 0x05, 'stage-2 translation fault at stage-2 level 1 (empty L1 entry)');
  assert.equal((esr >>> 24) & 1, 0, 'ISV = 0');
  assert.equal(pair(cpu.s[S.FAR_EL2], cpu.s[S.FAR_EL2_HI]), va + 0x10n);
  assert.equal(pair(cpu.s[S.HPFAR_EL2], cpu.s[S.HPFAR_EL2_HI]), BigInt(0x9000_0000 >>> 12) << 4n);
  assert.equal(cpu.sr(SR.PAR_EL1), 0x1234);
});
