import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMachine, getPC, getX, setX, TestMachine, ramBytes } from '../../helpers/machine.js';
import { assemble } from '../../helpers/asm.js';
import { Stop, P, Tlb } from '../../../src/arch/aarch64/cpu.js';
import { S, SR, srIndex } from '../../../src/arch/aarch64/state.js';
import { run } from '../../../src/arch/aarch64/run.js';
import { resetCpu } from '../../../src/arch/aarch64/reset.js';
import {
  SYSREGS,
  SYSREG_BY_KEY,
  checkSysregTable,
  findSysreg,
  findSysregByName,
  describeSysreg,
  resetSysregs,
  sysregValue,
  setSysregValue,
} from '../../../src/arch/aarch64/sysregs/table.js';
import { DBG_BASE } from '../../../src/arch/aarch64/sysregs/debug-regs.js';
import { S_EVENT } from '../../../src/arch/aarch64/exec/system.js';
import { ID_REG_ENCODINGS } from '../../../src/arch/aarch64/cpus/model.js';
import { max } from '../../../src/arch/aarch64/cpus/max.js';
import { cortexA57 } from '../../../src/arch/aarch64/cpus/cortex-a57.js';
import type { CpuModel } from '../../../src/arch/aarch64/cpus/model.js';

const BASE = 0x40000000;
const VBAR = BASE + 0x10000;
const IL = 1 << 25;

function put(m: TestMachine, at: number, words: ArrayLike<number>): void {
  const dv = new DataView(m.mem.memory.buffer);
  for (let i = 0; i < words.length; i++) dv.setUint32(m.ramHost + at + 4 * i, words[i] >>> 0, true);
  m.mem.dropAllCode();
}

/** CNTHCTL_EL2 lets EL1 use the physical counter and timer, as KVM configures it. */
function machine(model: CpuModel = max): TestMachine {
  const m = makeMachine({ model });
  m.cpu.setSr(SR.VBAR_EL1, VBAR, 0);
  m.cpu.s[S.CNTHCTL_EL2] = 3;
  return m;
}

function exec(m: TestMachine, src: string, count = 1, at = 0, arch?: string): Stop {
  put(m, at, assemble(src, arch));
  m.cpu.s[S.PC] = (BASE + at) | 0;
  m.cpu.s[S.PC_HI] = 0;
  return run(m.cpu, count);
}

function toEl0(m: TestMachine): void {
  m.cpu.s[S.SP_EL1] = 0;
  m.cpu.s[S.EL] = 0;
  m.cpu.s[S.SPSEL] = 0;
  m.cpu.s[S.DAIF] = 0;
  m.cpu.updateMode();
}

function setSctlr(m: TestMachine, set: number, clear = 0): void {
  m.cpu.setSr(SR.SCTLR_EL1, (m.cpu.sr(SR.SCTLR_EL1) | set) & ~clear, 0);
}

const esr1 = (m: TestMachine) => m.cpu.sr(SR.ESR_EL1) >>> 0;
const esr2 = (m: TestMachine) => m.cpu.s[S.ESR_EL2] >>> 0;

/** ISS of an EC 0x18 trap (D24.2.40). */
function iss(op0: number, op1: number, crn: number, crm: number, op2: number, rt: number, read: boolean): number {
  return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) | (crm << 1) | (read ? 1 : 0);
}

/** Make VA page `va` a Normal-memory EL0/EL1 read-write mapping of guest RAM in the TLB (MMU-on stand-in). */
function mapNormal(m: TestMachine, va: number): void {
  const i = (va >>> 12) & Tlb.MASK;
  m.cpu.tlbVaLo[i] = va & -4096;
  m.cpu.tlbVaHi[i] = 0;
  m.cpu.tlbHost[i] = m.ramHost + ((va & -4096) - BASE);
  m.cpu.tlbPerm[i] = P.R0 | P.W0 | P.R1 | P.W1 | P.R1PAN | P.W1PAN;
}

// ---- the table --------------------------------------------------------------------------------

test('the sysreg table is sorted by encoding with unique keys and names, and checks itself', () => {
  for (let i = 1; i < SYSREGS.length; i++) assert.ok(SYSREGS[i - 1].key < SYSREGS[i].key, SYSREGS[i].name);
  assert.equal(new Set(SYSREGS.map((d) => d.name)).size, SYSREGS.length);
  for (const d of SYSREGS) {
    assert.equal(d.key, (d.op0 << 14) | (d.op1 << 11) | (d.crn << 7) | (d.crm << 3) | d.op2, d.name);
    assert.equal(SYSREG_BY_KEY[d.key], d);
    assert.equal(findSysreg(d.op0, d.op1, d.crn, d.crm, d.op2), d);
  }
  assert.throws(() => checkSysregTable([SYSREGS[1], SYSREGS[0]]), /not after/);
  const sctlr = findSysregByName('SCTLR_EL1')!;
  assert.throws(() => checkSysregTable([sctlr, { ...sctlr, key: sctlr.key + 1, name: 'X' }]), /share state word/);
});

test('no storage word is used twice, every stored row has a reset, storage stays in its regions', () => {
  const used = new Set<number>();
  for (const d of SYSREGS) {
    if (d.word < 0) {
      assert.equal(d.slot, -1, d.name);
      continue;
    }
    assert.ok(!used.has(d.word) && !used.has(d.word + 1), d.name);
    used.add(d.word).add(d.word + 1);
    if (d.slot >= 0) {
      assert.ok(d.slot < SR.COUNT, d.name);
      assert.equal(d.word, srIndex(d.slot), d.name);
    } else {
      assert.ok(d.word >= DBG_BASE && d.word + 1 < S.WORDS, d.name);
    }
    assert.ok(d.resetFn !== undefined || (Number.isInteger(d.resetLo) && Number.isInteger(d.resetHi)), d.name);
    assert.ok(d.word !== S_EVENT, d.name);
  }
  assert.ok(srIndex(SR.COUNT) <= DBG_BASE);
  // SYS instructions are write-only rows; registers name their storage or a handler.
  for (const d of SYSREGS.filter((r) => r.isInsn)) assert.equal(d.access & 5, 0, d.name);
});

test('describeSysreg names known encodings and spells out unknown ones as a row to add', () => {
  assert.equal(describeSysreg(0xd5381000 | 1), 'SCTLR_EL1'); // mrs x1, sctlr_el1
  assert.equal(describeSysreg(0xd53ef200), "S3_6_C15_C2_0: reg('S3_6_C15_C2_0', 3, 6, 15, 2, 0, {})");
});

test('every encoding of the ID block (3,0,0,1..7,*) has a row, named after ID_REG_ENCODINGS', () => {
  for (let crm = 1; crm <= 7; crm++) for (let op2 = 0; op2 < 8; op2++) assert.ok(findSysreg(3, 0, 0, crm, op2), `${crm},${op2}`);
  for (const [name, [crm, op2]] of Object.entries(ID_REG_ENCODINGS)) assert.equal(findSysreg(3, 0, 0, crm, op2)?.name, name);
});

test('resetSysregs restores every stored register (SCTLR from the model, OSLSR 0x8)', () => {
  const m = machine();
  for (const d of SYSREGS) if (d.word >= 0) setSysregValue(m.cpu, d, 0x1234_5678_9abc_def0n);
  resetSysregs(m.cpu);
  assert.equal(sysregValue(m.cpu, findSysregByName('SCTLR_EL1')!), max.sctlrReset);
  assert.equal(sysregValue(m.cpu, findSysregByName('OSLSR_EL1')!), 8n);
  for (const d of SYSREGS) {
    if (d.word < 0 || d.name === 'SCTLR_EL1' || d.name === 'OSLSR_EL1') continue;
    assert.equal(sysregValue(m.cpu, d), 0n, d.name);
  }
  resetCpu(m.cpu);
  assert.equal(m.cpu.sr(SR.SCTLR_EL1), Number(max.sctlrReset));
});

test('sysregValue reads computed registers (ID registers, MPIDR) for userspace', () => {
  const m = machine(cortexA57);
  assert.equal(sysregValue(m.cpu, findSysregByName('ID_AA64DFR0_EL1')!), cortexA57.id.ID_AA64DFR0_EL1);
  assert.equal(sysregValue(m.cpu, findSysregByName('MIDR_EL1')!), cortexA57.midr);
  assert.equal(sysregValue(m.cpu, findSysregByName('MPIDR_EL1')!), 0x80000000n);
  assert.equal(sysregValue(m.cpu, findSysregByName('OSLAR_EL1')!), undefined);
  assert.equal(sysregValue(m.cpu, findSysregByName('TLBI_VMALLE1')!), undefined);
});

// ---- guest accesses -------------------------------------------------------------------------

test('MRS of identification registers: model values, RAZ for unallocated ID encodings', () => {
  const m = machine(cortexA57);
  exec(m, 'mrs x1, midr_el1\nmrs x2, id_aa64pfr0_el1\nmrs x3, id_aa64mmfr0_el1\nmrs x4, s3_0_c0_c3_3\nmrs x5, ctr_el0\nmrs x6, clidr_el1\nmrs x7, mpidr_el1\nmrs x8, dczid_el0\nmrs x9, revidr_el1\nmrs x10, aidr_el1', 10);
  assert.equal(getX(m.cpu, 1), cortexA57.midr);
  assert.equal(getX(m.cpu, 2), cortexA57.id.ID_AA64PFR0_EL1);
  assert.equal(getX(m.cpu, 3), cortexA57.id.ID_AA64MMFR0_EL1);
  assert.equal(getX(m.cpu, 4), 0n);
  assert.equal(getX(m.cpu, 5), cortexA57.ctr);
  assert.equal(getX(m.cpu, 6), cortexA57.clidr);
  assert.equal(getX(m.cpu, 7), 0x80000000n);
  assert.equal(getX(m.cpu, 8), 4n);
  assert.equal(getX(m.cpu, 9), 0n);
  assert.equal(getX(m.cpu, 10), 0n);
});

test('CCSIDR_EL1 shows the cache CSSELR_EL1 selects', () => {
  const m = machine(cortexA57);
  for (let i = 0; i < 3; i++) {
    setX(m.cpu, 1, BigInt(i));
    exec(m, 'msr csselr_el1, x1\nisb\nmrs x2, ccsidr_el1\nmrs x3, csselr_el1', 4);
    assert.equal(getX(m.cpu, 2), cortexA57.ccsidr[i]);
    assert.equal(getX(m.cpu, 3), BigInt(i));
  }
});

test('plain EL1 registers hold 64-bit values; ESR/SPSR keep 32 bits', () => {
  const m = machine();
  const regs = ['ttbr0_el1', 'ttbr1_el1', 'tcr_el1', 'mair_el1', 'amair_el1', 'far_el1', 'par_el1', 'vbar_el1', 'tpidr_el1', 'tpidr_el0', 'tpidrro_el0', 'contextidr_el1', 'afsr0_el1', 'afsr1_el1', 'cpacr_el1', 'actlr_el1', 'cntkctl_el1', 'mdscr_el1', 'mdccint_el1', 'disr_el1', 'dbgbvr5_el1', 'dbgwvr3_el1'];
  for (const r of regs) {
    setX(m.cpu, 1, 0xfedc_ba98_7654_3210n);
    exec(m, `msr ${r}, x1\nmrs x2, ${r}`, 2);
    const w = r === 'mdscr_el1' ? 0x7654_3210n : 0xfedc_ba98_7654_3210n; // MDSCR_EL1[63:32] are RES0
    assert.equal(getX(m.cpu, 2), w, r);
    setX(m.cpu, 1, 0n);
    exec(m, `msr ${r}, x1`);
  }
  setX(m.cpu, 1, 0xffff_ffff_ffff_ffffn);
  exec(m, 'msr esr_el1, x1\nmrs x2, esr_el1', 2);
  assert.equal(getX(m.cpu, 2), 0xffff_ffffn);
});

test('writes that change translation flush the TLB; SCTLR writes also refresh the mode', () => {
  const m = machine();
  for (const r of ['sctlr_el1', 'ttbr0_el1', 'ttbr1_el1', 'tcr_el1', 'mair_el1']) {
    mapNormal(m, BASE + 0x5000);
    setX(m.cpu, 1, r === 'sctlr_el1' ? BigInt(m.cpu.sr(SR.SCTLR_EL1)) : 0n);
    exec(m, `msr ${r}, x1`);
    assert.equal(m.cpu.tlbVaLo[((BASE + 0x5000) >>> 12) & Tlb.MASK], Tlb.INVALID, r);
  }
});

test('every EL1 TLBI form flushes the whole TLB', () => {
  const m = machine();
  const forms = ['vmalle1', 'vmalle1is', 'vae1, x1', 'vae1is, x1', 'aside1, x1', 'aside1is, x1', 'vaae1, x1', 'vaae1is, x1', 'vale1, x1', 'vale1is, x1', 'vaale1, x1', 'vaale1is, x1'];
  for (const f of forms) {
    mapNormal(m, 0x7000);
    setX(m.cpu, 1, 0n);
    assert.equal(exec(m, `tlbi ${f}`), Stop.BUDGET, f);
    assert.equal(m.cpu.tlbVaLo[7], Tlb.INVALID, f);
    assert.equal(getPC(m.cpu), BigInt(BASE + 4), f);
  }
});

test('DC ZVA zeroes the 64-byte aligned block holding the address', () => {
  const m = machine();
  const dv = new DataView(m.mem.memory.buffer);
  for (let i = 0; i < 0x200; i++) dv.setUint8(m.ramHost + 0x3000 + i, 0xff);
  mapNormal(m, BASE + 0x3000);
  setX(m.cpu, 1, BigInt(BASE + 0x3047));
  assert.equal(exec(m, 'dc zva, x1'), Stop.BUDGET);
  const b = ramBytes(m, BASE + 0x3000, 0x100);
  for (let i = 0; i < 0x100; i++) assert.equal(b[i], i >= 0x40 && i < 0x80 ? 0 : 0xff, `byte ${i.toString(16)}`);
  // At EL0 with SCTLR_EL1.DZE it works too.
  setSctlr(m, 1 << 14);
  toEl0(m);
  setX(m.cpu, 1, BigInt(BASE + 0x30c0));
  exec(m, 'dc zva, x1');
  assert.deepEqual([...ramBytes(m, BASE + 0x30bf, 0x42)], [0xff, ...new Array(0x40).fill(0), 0xff]);
});

test('DC ZVA on Device memory (MMU off) takes an alignment fault as a write', () => {
  const m = machine();
  setX(m.cpu, 1, BigInt(BASE + 0x3008));
  exec(m, 'dc zva, x1', 1, 0x40);
  assert.equal(esr1(m), ((0x25 << 26) | IL | (1 << 6) | 0x21) >>> 0);
  assert.equal(m.cpu.sr(SR.FAR_EL1) >>> 0, BASE + 0x3008);
  assert.equal(m.cpu.sr(SR.ELR_EL1) >>> 0, BASE + 0x40);
});

test('cache maintenance and IC invalidation run (no-ops / dropped code)', () => {
  const m = machine();
  setX(m.cpu, 1, BigInt(BASE));
  assert.equal(exec(m, 'dc cvac, x1\ndc cvau, x1\ndc civac, x1\ndc ivac, x1\ndc isw, x1\ndc csw, x1\ndc cisw, x1\nic iallu\nic ialluis\nic ivau, x1', 10), Stop.BUDGET);
  assert.equal(getPC(m.cpu), BigInt(BASE + 40));
  exec(m, 'dc cvap, x1', 1, 0, 'armv8.2-a');
  assert.equal(esr1(m), IL); // FEAT_DPB not advertised
});

test('OSLAR_EL1 sets OSLSR_EL1.OSLK; OSLAR is write-only, OSLSR read-only', () => {
  const m = machine();
  setX(m.cpu, 1, 1n);
  exec(m, 'mrs x2, oslsr_el1\nmsr oslar_el1, x1\nmrs x3, oslsr_el1', 3);
  assert.equal(getX(m.cpu, 2), 8n);
  assert.equal(getX(m.cpu, 3), 0xan);
  exec(m, 'mrs x1, oslar_el1');
  assert.equal(esr1(m), IL);
  exec(m, 'msr oslsr_el1, x1');
  assert.equal(esr1(m), IL);
});

test('breakpoint/watchpoint registers exist below ID_AA64DFR0_EL1 BRPs (6) and WRPs (4)', () => {
  const m = machine(cortexA57);
  exec(m, 'mrs x1, dbgbcr5_el1\nmrs x1, dbgwcr3_el1', 2);
  assert.equal(getPC(m.cpu), BigInt(BASE + 8));
  for (const src of ['mrs x1, dbgbvr6_el1', 'msr dbgwvr4_el1, x1', 'mrs x1, dbgbcr15_el1']) {
    exec(m, src);
    assert.equal(esr1(m), IL, src);
  }
});

test('unknown encodings, writes to read-only registers, and absent features are UNDEFINED', () => {
  const m = machine();
  const cases = [
    'msr midr_el1, x1',
    'msr id_aa64pfr0_el1, x1',
    'msr cntfrq_el0, x1',
    'msr currentel, x1',
    'mrs x1, s3_0_c1_c0_7',
    'msr s3_0_c15_c2_0, x1',
    'mrs x1, icc_sre_el1',
    'mrs x1, pmcr_el0',
    'msr pmcr_el0, x1',
    'mrs x1, sp_el1',
    'mrs x1, vbar_el2',
    'mrs x1, hcr_el2',
    'sysl x1, #0, c7, c5, #0',
    'sys #0, c7, c5, #7, x1',
    'mrs x1, uao',
    'mrs x1, dit',
  ];
  for (const src of cases) {
    exec(m, src, 1, 0, 'armv8.4-a');
    assert.equal(esr1(m), IL, src);
    assert.equal(getPC(m.cpu), BigInt(VBAR + 0x200), src);
  }
});

test('EL1-only registers and instructions are UNDEFINED at EL0', () => {
  const cases = ['mrs x1, sctlr_el1', 'msr ttbr0_el1, x1', 'mrs x1, midr_el1', 'mrs x1, id_aa64isar0_el1', 'mrs x1, currentel', 'mrs x1, spsel', 'tlbi vmalle1', 'dc ivac, x1', 'at s1e1r, x1', 'ic iallu', 'mrs x1, cntkctl_el1', 'mrs x1, mdscr_el1', 'msr tpidrro_el0, x1', 'mrs x1, isr_el1', 'mrs x1, elr_el1'];
  for (const src of cases) {
    const m = machine();
    toEl0(m);
    exec(m, src, 1, 0x80);
    assert.equal(esr1(m), IL, src);
    assert.equal(getPC(m.cpu), BigInt(VBAR + 0x400), src);
    assert.equal(m.cpu.sr(SR.ELR_EL1) >>> 0, BASE + 0x80, src);
  }
});

test('EL0 registers gated by SCTLR_EL1 trap to EL1 with EC 0x18 and the access in the ISS', () => {
  const cases: [string, number, number[], boolean][] = [
    ['mrs x3, ctr_el0', 1 << 15, [3, 3, 0, 0, 1, 3], true],
    ['dc zva, x4', 1 << 14, [1, 3, 7, 4, 1, 4], false],
    ['dc cvau, x5', 1 << 26, [1, 3, 7, 11, 1, 5], false],
    ['dc civac, x5', 1 << 26, [1, 3, 7, 14, 1, 5], false],
    ['ic ivau, x6', 1 << 26, [1, 3, 7, 5, 1, 6], false],
    ['mrs x7, daif', 1 << 9, [3, 3, 4, 2, 1, 7], true],
    ['msr daif, x7', 1 << 9, [3, 3, 4, 2, 1, 7], false],
  ];
  for (const [src, bit, f, read] of cases) {
    const m = machine();
    setSctlr(m, 0, bit);
    toEl0(m);
    exec(m, src, 1, 0x20);
    assert.equal(esr1(m), ((0x18 << 26) | IL | iss(f[0], f[1], f[2], f[3], f[4], f[5], read)) >>> 0, src);
    assert.equal(m.cpu.sr(SR.ELR_EL1) >>> 0, BASE + 0x20, src);
    assert.equal(getPC(m.cpu), BigInt(VBAR + 0x400), src);
    // With the enable bit set it executes at EL0.
    const m2 = machine();
    setSctlr(m2, bit);
    mapNormal(m2, BASE + 0x3000);
    toEl0(m2);
    setX(m2.cpu, 4, BigInt(BASE + 0x3000));
    exec(m2, src, 1, 0x20);
    assert.equal(getPC(m2.cpu), BigInt(BASE + 0x24), src);
  }
});

test('an EL0 enable trap to EL1 takes priority over the hypervisor trap (CTR_EL0: UCT before TID2)', () => {
  const m = machine();
  setSctlr(m, 0, 1 << 15);
  m.cpu.s[S.HCR_EL2] |= 1 << 17;
  toEl0(m);
  assert.equal(exec(m, 'mrs x1, ctr_el0'), Stop.BUDGET);
  assert.equal(esr1(m) >>> 26, 0x18);
  setSctlr(m, 1 << 15);
  assert.equal(exec(m, 'mrs x1, ctr_el0'), Stop.TRAP);
  assert.equal(esr2(m), ((0x18 << 26) | IL | iss(3, 3, 0, 0, 1, 1, true)) >>> 0);
});

test('EL0 access: TPIDR_EL0 read/write, TPIDRRO_EL0 read, DCZID_EL0.DZP follows SCTLR_EL1.DZE and HCR_EL2.TDZ', () => {
  const m = machine();
  m.cpu.setSr(SR.TPIDRRO_EL0, 0x77, 0);
  toEl0(m);
  setX(m.cpu, 1, 0x55n);
  exec(m, 'msr tpidr_el0, x1\nmrs x2, tpidr_el0\nmrs x3, tpidrro_el0\nmrs x4, dczid_el0', 4);
  assert.equal(getX(m.cpu, 2), 0x55n);
  assert.equal(getX(m.cpu, 3), 0x77n);
  assert.equal(getX(m.cpu, 4), 0x14n); // DZP: DZE is 0
  setSctlr(m, 1 << 14);
  exec(m, 'mrs x4, dczid_el0');
  assert.equal(getX(m.cpu, 4), 0x4n);
  m.cpu.s[S.HCR_EL2] |= 1 << 28;
  exec(m, 'mrs x4, dczid_el0');
  assert.equal(getX(m.cpu, 4), 0x14n);
});

test('MDCCSR_EL0 and DBGDTR_EL0 at EL0 trap to EL1 when MDSCR_EL1.TDCC is set', () => {
  const m = machine();
  m.cpu.setSr(SR.MDSCR_EL1, 1 << 12, 0);
  toEl0(m);
  exec(m, 'mrs x2, mdccsr_el0');
  assert.equal(esr1(m), ((0x18 << 26) | IL | iss(2, 3, 0, 1, 0, 2, true)) >>> 0);
  m.cpu.setSr(SR.MDSCR_EL1, 0, 0);
  toEl0(m);
  assert.equal(exec(m, 'mrs x2, mdccsr_el0\nmsr dbgdtr_el0, x2', 2), Stop.BUDGET);
  assert.equal(getPC(m.cpu), BigInt(BASE + 8));
});

test('FPCR/FPSR: CPACR_EL1.FPEN traps to EL1 and CPTR_EL2.TFP to EL2 with EC 0x07', () => {
  const m = machine();
  exec(m, 'mrs x1, fpcr', 1, 0x10);
  assert.equal(esr1(m), ((0x07 << 26) | IL | (1 << 24) | (0xe << 20)) >>> 0);
  assert.equal(m.cpu.sr(SR.ELR_EL1) >>> 0, BASE + 0x10);
  m.cpu.setSr(SR.CPACR_EL1, 1 << 20, 0); // FPEN = 01: EL1 only
  setX(m.cpu, 1, 0x03c00000n);
  exec(m, 'msr fpcr, x1\nmrs x2, fpcr\nmsr fpsr, x1\nmrs x3, fpsr', 4);
  assert.equal(getX(m.cpu, 2), 0x03c00000n);
  assert.equal(m.cpu.s[S.FPCR], 0x03c00000);
  assert.equal(getX(m.cpu, 3), 0n); // FPSR bits 26:22 are RES0
  // Only implemented bits hold a value (QEMU's cortex-a57 reads back the same).
  setX(m.cpu, 1, 0xffffffffn);
  exec(m, 'msr fpcr, x1\nmrs x2, fpcr\nmsr fpsr, x1\nmrs x3, fpsr', 4);
  assert.equal(getX(m.cpu, 2), 0x07f70000n);
  assert.equal(getX(m.cpu, 3), 0xf800009fn);
  toEl0(m);
  exec(m, 'mrs x1, fpsr', 1, 0x10);
  assert.equal(esr1(m) >>> 26, 0x07);
  assert.equal(getPC(m.cpu), BigInt(VBAR + 0x400));
  const m2 = machine();
  m2.cpu.setSr(SR.CPACR_EL1, 3 << 20, 0);
  m2.cpu.s[S.CPTR_EL2] = 1 << 10;
  assert.equal(exec(m2, 'mrs x1, fpsr', 1, 0x10), Stop.TRAP);
  assert.equal(esr2(m2), ((0x07 << 26) | IL | (1 << 24) | (0xe << 20)) >>> 0);
  assert.equal(getPC(m2.cpu), BigInt(BASE + 0x10));
});

// ---- hypervisor traps -----------------------------------------------------------------------

type TrapCase = [src: string, reg: 'hcr' | 'mdcr' | 'cnthctl', bit: number, f: number[], read: boolean];

const TVM_REGS: [string, number[]][] = [
  ['sctlr_el1', [3, 0, 1, 0, 0]],
  ['ttbr0_el1', [3, 0, 2, 0, 0]],
  ['ttbr1_el1', [3, 0, 2, 0, 1]],
  ['tcr_el1', [3, 0, 2, 0, 2]],
  ['afsr0_el1', [3, 0, 5, 1, 0]],
  ['afsr1_el1', [3, 0, 5, 1, 1]],
  ['esr_el1', [3, 0, 5, 2, 0]],
  ['far_el1', [3, 0, 6, 0, 0]],
  ['mair_el1', [3, 0, 10, 2, 0]],
  ['amair_el1', [3, 0, 10, 3, 0]],
  ['contextidr_el1', [3, 0, 13, 0, 1]],
];

const TRAPS: TrapCase[] = [
  ['mrs x1, id_aa64pfr0_el1', 'hcr', 18, [3, 0, 0, 4, 0], true],
  ['mrs x1, id_pfr0_el1', 'hcr', 18, [3, 0, 0, 1, 0], true],
  ['mrs x1, s3_0_c0_c7_7', 'hcr', 18, [3, 0, 0, 7, 7], true],
  ['mrs x1, revidr_el1', 'hcr', 16, [3, 0, 0, 0, 6], true],
  ['mrs x1, aidr_el1', 'hcr', 16, [3, 1, 0, 0, 7], true],
  ['mrs x1, ctr_el0', 'hcr', 17, [3, 3, 0, 0, 1], true],
  ['mrs x1, ccsidr_el1', 'hcr', 17, [3, 1, 0, 0, 0], true],
  ['mrs x1, clidr_el1', 'hcr', 17, [3, 1, 0, 0, 1], true],
  ['msr csselr_el1, x1', 'hcr', 17, [3, 2, 0, 0, 0], false],
  ['mrs x1, csselr_el1', 'hcr', 17, [3, 2, 0, 0, 0], true],
  ...TVM_REGS.map(([r, f]): TrapCase => [`msr ${r}, x1`, 'hcr', 26, f, false]),
  ...TVM_REGS.map(([r, f]): TrapCase => [`mrs x1, ${r}`, 'hcr', 30, f, true]),
  ['msr actlr_el1, x1', 'hcr', 21, [3, 0, 1, 0, 1], false],
  ['mrs x1, actlr_el1', 'hcr', 21, [3, 0, 1, 0, 1], true],
  ['dc isw, x1', 'hcr', 22, [1, 0, 7, 6, 2], false],
  ['dc csw, x1', 'hcr', 22, [1, 0, 7, 10, 2], false],
  ['dc cisw, x1', 'hcr', 22, [1, 0, 7, 14, 2], false],
  ['dc ivac, x1', 'hcr', 23, [1, 0, 7, 6, 1], false],
  ['dc cvac, x1', 'hcr', 23, [1, 3, 7, 10, 1], false],
  ['dc civac, x1', 'hcr', 23, [1, 3, 7, 14, 1], false],
  ['ic ivau, x1', 'hcr', 24, [1, 3, 7, 5, 1], false],
  ['dc cvau, x1', 'hcr', 24, [1, 3, 7, 11, 1], false],
  ['ic iallu', 'hcr', 24, [1, 0, 7, 5, 0], false],
  ['ic ialluis', 'hcr', 24, [1, 0, 7, 1, 0], false],
  ['tlbi vmalle1', 'hcr', 25, [1, 0, 8, 7, 0], false],
  ['tlbi vae1is, x1', 'hcr', 25, [1, 0, 8, 3, 1], false],
  ['tlbi vaale1, x1', 'hcr', 25, [1, 0, 8, 7, 7], false],
  ['dc zva, x1', 'hcr', 28, [1, 3, 7, 4, 1], false],
  ['mrs x1, mdscr_el1', 'mdcr', 9, [2, 0, 0, 2, 2], true],
  ['msr mdscr_el1, x1', 'mdcr', 9, [2, 0, 0, 2, 2], false],
  ['msr dbgbvr0_el1, x1', 'mdcr', 9, [2, 0, 0, 0, 4], false],
  ['mrs x1, dbgwcr3_el1', 'mdcr', 9, [2, 0, 0, 3, 7], true],
  ['mrs x1, mdccint_el1', 'mdcr', 9, [2, 0, 0, 2, 0], true],
  ['mrs x1, dbgclaimclr_el1', 'mdcr', 9, [2, 0, 7, 9, 6], true],
  ['msr oslar_el1, x1', 'mdcr', 10, [2, 0, 1, 0, 4], false],
  ['mrs x1, oslsr_el1', 'mdcr', 10, [2, 0, 1, 1, 4], true],
  ['msr osdlr_el1, x1', 'mdcr', 10, [2, 0, 1, 3, 4], false],
  ['mrs x1, dbgprcr_el1', 'mdcr', 10, [2, 0, 1, 4, 4], true],
  ['mrs x1, mdrar_el1', 'mdcr', 11, [2, 0, 1, 0, 0], true],
  ['mrs x1, cntpct_el0', 'cnthctl', 0, [3, 3, 14, 0, 1], true],
  ['mrs x1, cntp_ctl_el0', 'cnthctl', 1, [3, 3, 14, 2, 1], true],
  ['msr cntp_cval_el0, x1', 'cnthctl', 1, [3, 3, 14, 2, 2], false],
  ['msr cntp_tval_el0, x1', 'cnthctl', 1, [3, 3, 14, 2, 0], false],
];

function setTrap(m: TestMachine, reg: TrapCase[1], bit: number, on: boolean): void {
  const w = reg === 'hcr' ? S.HCR_EL2 : reg === 'mdcr' ? S.MDCR_EL2 : S.CNTHCTL_EL2;
  // CNTHCTL_EL2 traps when its bit is 0.
  const set = reg === 'cnthctl' ? !on : on;
  if (set) m.cpu.s[w] |= 1 << bit;
  else m.cpu.s[w] &= ~(1 << bit);
}

test('every HCR_EL2 / MDCR_EL2 / CNTHCTL_EL2 trap control traps to EL2 with EC 0x18 and the right ISS', () => {
  for (const [src, reg, bit, f, read] of TRAPS) {
    const m = machine();
    mapNormal(m, BASE);
    setX(m.cpu, 1, BigInt(BASE));
    setTrap(m, reg, bit, true);
    const stop = exec(m, src, 1, 0x100);
    assert.equal(stop, Stop.TRAP, src);
    assert.equal(esr2(m), ((0x18 << 26) | IL | iss(f[0], f[1], f[2], f[3], f[4], src.includes('x1') ? 1 : 31, read)) >>> 0, src);
    assert.equal(getPC(m.cpu), BigInt(BASE + 0x100), src);
    // Without the control the access executes.
    const m2 = machine();
    mapNormal(m2, BASE + 0x3000); // Normal memory for DC ZVA (the code page is Device with the MMU off)
    setX(m2.cpu, 1, src.includes('sctlr') ? BigInt(m2.cpu.sr(SR.SCTLR_EL1)) : BigInt(BASE + 0x3000));
    setTrap(m2, reg, bit, false);
    assert.equal(exec(m2, src, 1, 0x100), Stop.BUDGET, src);
    assert.equal(getPC(m2.cpu), BigInt(BASE + 0x104), src);
  }
});

test('MDCR_EL2.TDE makes TDA, TDOSA and TDRA trap', () => {
  for (const src of ['mrs x1, mdscr_el1', 'mrs x1, oslsr_el1', 'mrs x1, mdrar_el1']) {
    const m = machine();
    m.cpu.s[S.MDCR_EL2] = 1 << 8;
    assert.equal(exec(m, src), Stop.TRAP, src);
    assert.equal(esr2(m) >>> 26, 0x18, src);
  }
});

test('TVM traps only writes and TRVM only reads', () => {
  const m = machine();
  m.cpu.s[S.HCR_EL2] |= 1 << 26;
  assert.equal(exec(m, 'mrs x1, ttbr0_el1'), Stop.BUDGET);
  m.cpu.s[S.HCR_EL2] ^= (1 << 26) | (1 << 30);
  setX(m.cpu, 1, 0n);
  assert.equal(exec(m, 'msr ttbr0_el1, x1'), Stop.BUDGET);
});

test('MDCR_EL2.TPM traps the PMU registers when a PMU is advertised (RAZ/WI otherwise)', () => {
  const pmuModel: CpuModel = { ...cortexA57, id: { ...cortexA57.id, ID_AA64DFR0_EL1: 0x10305106n } };
  const m = machine(pmuModel);
  setX(m.cpu, 1, 5n);
  exec(m, 'msr pmcr_el0, x1\nmrs x2, pmcr_el0', 2);
  assert.equal(getX(m.cpu, 2), 0n);
  m.cpu.s[S.MDCR_EL2] = 1 << 6;
  assert.equal(exec(m, 'mrs x3, pmccntr_el0'), Stop.TRAP);
  assert.equal(esr2(m), ((0x18 << 26) | IL | iss(3, 3, 9, 13, 0, 3, true)) >>> 0);
});

test('AT instructions are EL1-only SYS rows (translation itself is mmu/at.ts)', () => {
  for (const name of ['AT_S1E1R', 'AT_S1E1W', 'AT_S1E0R', 'AT_S1E0W']) {
    const d = findSysregByName(name)!;
    assert.equal(d.op0, 1);
    assert.equal(d.access, 2);
  }
  const m = machine();
  setX(m.cpu, 1, BigInt(BASE + 0x1234));
  assert.equal(exec(m, 'at s1e1r, x1\nmrs x2, par_el1', 2), Stop.BUDGET);
  const par = getX(m.cpu, 2);
  assert.equal(par & 1n, 0n); // F = 0: translated (MMU off: flat)
  assert.equal(par & 0xf_ffff_ffff_f000n, BigInt(BASE + 0x1000));
  exec(m, 'at s1e1rp, x1', 1, 0, 'armv8.2-a');
  assert.equal(esr1(m), IL); // FEAT_PAN2 not advertised
});
