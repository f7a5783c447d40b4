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

// ---- page tables: tests/helpers/page-tables.ts ---------------------------------------------

import { AF, MAIR, Tables, hi32, leaf, lo32, mmuOn, pair } from '../../helpers/page-tables.js';

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
