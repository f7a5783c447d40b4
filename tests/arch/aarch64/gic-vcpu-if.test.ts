import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMachine, getPC, getX, setX, TestMachine } from '../../helpers/machine.js';
import { assemble } from '../../helpers/asm.js';
import { Stop } from '../../../src/arch/aarch64/cpu.js';
import { S, SR } from '../../../src/arch/aarch64/state.js';
import { run } from '../../../src/arch/aarch64/run.js';
import { max } from '../../../src/arch/aarch64/cpus/max.js';
import type { CpuModel } from '../../../src/arch/aarch64/cpus/model.js';
import { setVirtualIrq } from '../../../src/arch/aarch64/exceptions.js';
import { findSysregByName } from '../../../src/arch/aarch64/sysregs/table.js';
import {
  G,
  ICH_STATE,
  ICH_VTR_EL2_VALUE,
  ICH_HCR_EN,
  ICH_HCR_UIE,
  ICH_HCR_LRENPIE,
  ICH_HCR_NPIE,
  ICH_HCR_VGRP0EIE,
  ICH_HCR_VGRP0DIE,
  ICH_HCR_VGRP1EIE,
  ICH_HCR_VGRP1DIE,
  ICH_HCR_TC,
  ICH_HCR_EOICOUNT_SHIFT,
  ICH_VMCR_ENG0,
  ICH_VMCR_ENG1,
  ICH_VMCR_FIQ_EN,
  ICH_VMCR_EOIM,
  ICH_VMCR_BPR0_SHIFT,
  ICH_VMCR_BPR1_SHIFT,
  ICH_VMCR_PMR_SHIFT,
  ICH_MISR_EOI,
  ICH_MISR_U,
  ICH_MISR_LRENP,
  ICH_MISR_NP,
  ICH_MISR_VGRP0E,
  ICH_MISR_VGRP0D,
  ICH_MISR_VGRP1E,
  ICH_MISR_VGRP1D,
  LR_STATE_INVALID,
  LR_STATE_PENDING,
  LR_STATE_ACTIVE,
  LR_STATE_PENDING_ACTIVE,
  ICH_LR_EOI,
  ICH_LR_HW,
  ICH_LR_GROUP,
  NUM_LRS,
  gicVcpuIfReset,
  gicVcpuIfUpdate,
  gicMaintenancePending,
  ichLrValue,
  writeIchLrBig,
  readIchLrBig,
  writeIchLr,
  writeIchHcr,
  writeIchVmcr,
  writeIchApr,
  ichHcr,
  ichVmcr,
  ichApr,
  ichMisr,
  ichEisr,
  ichElrsr,
  readIchReg,
  writeIchReg,
} from '../../../src/arch/aarch64/gic/vcpu-if.js';

const BASE = 0x40000000;
const VBAR = BASE + 0x10000;
const IL = 1 << 25;
const HCR_FMO = 1 << 3;
const HCR_IMO = 1 << 4;

/** The max model with ID_AA64PFR0_EL1.GIC = 1, as the hypervisor shows it for a VM with a vGICv3. */
const gicModel: CpuModel = { ...max, id: { ...max.id, ID_AA64PFR0_EL1: (max.id.ID_AA64PFR0_EL1 ?? 0n) | (1n << 24n) } };

function put(m: TestMachine, at: number, words: ArrayLike<number>): void {
  const dv = new DataView(m.mem.memory.buffer);
  for (let i = 0; i < words.length; i++) dv.setUint32(m.ramHost + at + 4 * i, words[i] >>> 0, true);
  m.mem.dropAllCode();
}

/**
 * A vCPU as KVM runs it with a vGICv3: HCR_EL2.IMO/FMO set, the interface enabled, both groups
 * enabled by the guest, PMR open (0xf8), binary points at their minimum.
 */
function machine(opts: { model?: CpuModel; vmcr?: number; hcr?: number } = {}): TestMachine {
  const m = makeMachine({ model: opts.model ?? gicModel });
  m.cpu.setSr(SR.VBAR_EL1, VBAR, 0);
  m.cpu.s[S.HCR_EL2] |= HCR_IMO | HCR_FMO;
  gicVcpuIfReset(m.cpu);
  writeIchVmcr(m.cpu, opts.vmcr ?? (ICH_VMCR_ENG0 | ICH_VMCR_ENG1 | (0xf8 << ICH_VMCR_PMR_SHIFT)));
  writeIchHcr(m.cpu, opts.hcr ?? ICH_HCR_EN);
  return m;
}

function exec(m: TestMachine, src: string, count = src.split('\n').length, at = 0): Stop {
  put(m, at, assemble(src));
  m.cpu.s[S.PC] = (BASE + at) | 0;
  m.cpu.s[S.PC_HI] = 0;
  return run(m.cpu, count);
}

/** Run one MRS and return Xt. */
function mrs(m: TestMachine, reg: string): bigint {
  exec(m, `mrs x9, ${reg}`);
  return getX(m.cpu, 9);
}

/** Run one MSR from X9. */
function msr(m: TestMachine, reg: string, v: bigint | number): void {
  setX(m.cpu, 9, BigInt(v));
  exec(m, `msr ${reg}, x9`);
}

function lr(m: TestMachine, n: number, vintid: number, priority: number, group: 0 | 1, state = LR_STATE_PENDING, extra = 0n): void {
  writeIchLrBig(m.cpu, n, ichLrValue({ vintid, priority, group, state }) | extra);
}

function lrState(m: TestMachine, n: number): number {
  return Number(readIchLrBig(m.cpu, n) >> 62n);
}

const esr1 = (m: TestMachine) => m.cpu.sr(SR.ESR_EL1) >>> 0;
const esr2 = (m: TestMachine) => m.cpu.s[S.ESR_EL2] >>> 0;

function toEl0(m: TestMachine): void {
  m.cpu.s[S.SP_EL1] = 0;
  m.cpu.s[S.EL] = 0;
  m.cpu.s[S.SPSEL] = 0;
  m.cpu.updateMode();
}

/** ISS of an EC 0x18 trap (Arm ARM D24.2.40). */
function iss(op0: number, op1: number, crn: number, crm: number, op2: number, rt: number, read: boolean): number {
  return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) | (crm << 1) | (read ? 1 : 0);
}

// ---- existence -------------------------------------------------------------------------------

test('without ID_AA64PFR0_EL1.GIC (no vGIC) every ICC_* register is UNDEFINED, whatever ICH_HCR_EL2.En says', () => {
  for (const en of [0, ICH_HCR_EN]) {
    const m = machine({ model: max, hcr: en });
    for (const src of ['mrs x1, icc_sre_el1', 'mrs x1, icc_iar1_el1', 'msr icc_pmr_el1, x1', 'msr icc_eoir1_el1, x1', 'msr icc_sgi1r_el1, x1', 'mrs x1, icc_ctlr_el1']) {
      m.cpu.setSr(SR.ESR_EL1, 0, 0);
      assert.equal(exec(m, src), Stop.BUDGET, src); // the SGI trap comes after the UNDEF check
      assert.equal(esr1(m), IL, src);
      assert.equal(getPC(m.cpu), BigInt(VBAR + 0x200), src);
    }
  }
});

test('ICC_* are EL1-only: UNDEFINED at EL0 even with a vGIC', () => {
  for (const src of ['mrs x1, icc_iar1_el1', 'mrs x1, icc_sre_el1', 'msr icc_eoir1_el1, x1', 'msr icc_sgi1r_el1, x1', 'mrs x1, icc_pmr_el1']) {
    const m = machine();
    toEl0(m);
    exec(m, src, 1, 0x40);
    assert.equal(esr1(m), IL, src);
    assert.equal(getPC(m.cpu), BigInt(VBAR + 0x400), src);
  }
});

test('read-only and write-only ICC registers are UNDEFINED in the other direction; AP<g>R1..3 do not exist (5 preemption bits)', () => {
  for (const src of ['msr icc_iar1_el1, x1', 'msr icc_rpr_el1, x1', 'msr icc_hppir0_el1, x1', 'mrs x1, icc_eoir0_el1', 'mrs x1, icc_dir_el1', 'mrs x1, icc_sgi1r_el1', 'mrs x1, icc_ap0r1_el1', 'msr icc_ap1r3_el1, x1']) {
    const m = machine();
    exec(m, src);
    assert.equal(esr1(m), IL, src);
    assert.equal(getPC(m.cpu), BigInt(VBAR + 0x200), src);
  }
});

test('ICC_SRE_EL1 reads SRE|DFB|DIB and ignores writes; ICC_CTLR_EL1 shows PRIbits/IDbits/A3V from ICH_VTR_EL2', () => {
  const m = machine();
  assert.equal(mrs(m, 'icc_sre_el1'), 7n);
  msr(m, 'icc_sre_el1', 0);
  assert.equal(mrs(m, 'icc_sre_el1'), 7n);
  assert.equal(ICH_VTR_EL2_VALUE >>> 0, 0x90300003);
  assert.equal(readIchReg(m.cpu, 'ICH_VTR_EL2'), 0x90300003n);
  // PRIbits [10:8] = 4 (5 bits), IDbits [13:11] = 0 (16 bits), SEIS [14] = 0, A3V [15] = 1.
  assert.equal(mrs(m, 'icc_ctlr_el1'), 0x8400n);
  msr(m, 'icc_ctlr_el1', 0xffff_ffffn);
  assert.equal(mrs(m, 'icc_ctlr_el1'), 0x8403n);
  assert.equal(ichVmcr(m.cpu) & (ICH_VMCR_EOIM | (1 << 4)), ICH_VMCR_EOIM | (1 << 4));
});

test('PMR, BPR, IGRPEN and AP<g>R0 are views of ICH_VMCR_EL2 and the APRs, with minimum binary points', () => {
  const m = machine({ vmcr: 0 });
  // Reset VMCR: binary points at their minimum (7 - PREbits = 2, BPR1 one more), VFIQEn RES1.
  assert.equal(ichVmcr(m.cpu), (2 << ICH_VMCR_BPR0_SHIFT) | (3 << ICH_VMCR_BPR1_SHIFT) | ICH_VMCR_FIQ_EN);
  msr(m, 'icc_pmr_el1', 0xff);
  assert.equal(mrs(m, 'icc_pmr_el1'), 0xf8n); // 5 priority bits
  assert.equal(ichVmcr(m.cpu) >>> ICH_VMCR_PMR_SHIFT, 0xf8);
  msr(m, 'icc_bpr0_el1', 0);
  assert.equal(mrs(m, 'icc_bpr0_el1'), 2n);
  msr(m, 'icc_bpr1_el1', 1);
  assert.equal(mrs(m, 'icc_bpr1_el1'), 3n);
  msr(m, 'icc_bpr0_el1', 5);
  msr(m, 'icc_bpr1_el1', 6);
  assert.equal(mrs(m, 'icc_bpr0_el1'), 5n);
  assert.equal(mrs(m, 'icc_bpr1_el1'), 6n);
  assert.equal((ichVmcr(m.cpu) >>> ICH_VMCR_BPR0_SHIFT) & 7, 5);
  assert.equal((ichVmcr(m.cpu) >>> ICH_VMCR_BPR1_SHIFT) & 7, 6);
  // CBPR: BPR1 reads BPR0 + 1 (saturated to 7), writes to it are ignored.
  msr(m, 'icc_ctlr_el1', 1);
  assert.equal(mrs(m, 'icc_bpr1_el1'), 6n);
  msr(m, 'icc_bpr0_el1', 7);
  assert.equal(mrs(m, 'icc_bpr1_el1'), 7n);
  msr(m, 'icc_bpr1_el1', 4);
  assert.equal((ichVmcr(m.cpu) >>> ICH_VMCR_BPR1_SHIFT) & 7, 6);
  msr(m, 'icc_igrpen1_el1', 1);
  assert.equal(ichVmcr(m.cpu) & 3, ICH_VMCR_ENG1);
  msr(m, 'icc_igrpen0_el1', 3);
  assert.equal(mrs(m, 'icc_igrpen0_el1'), 1n);
  assert.equal(mrs(m, 'icc_igrpen1_el1'), 1n);
  msr(m, 'icc_igrpen1_el1', 0);
  assert.equal(ichVmcr(m.cpu) & 3, ICH_VMCR_ENG0);
  msr(m, 'icc_ap1r0_el1', 0x0001_0000);
  assert.equal(ichApr(m.cpu, 1, 0), 0x0001_0000);
  assert.equal(mrs(m, 'icc_rpr_el1'), 0x80n);
  writeIchApr(m.cpu, 0, 0, 1 << 3);
  assert.equal(mrs(m, 'icc_ap0r0_el1'), 8n);
  assert.equal(mrs(m, 'icc_rpr_el1'), 0x18n);
});

// ---- acknowledge / end of interrupt ------------------------------------------------------------

test('IAR returns the highest-priority pending LR and activates it; RPR follows; EOIR (EOImode 0) deactivates', () => {
  const m = machine();
  lr(m, 0, 40, 0xa0, 1);
  lr(m, 1, 41, 0x80, 1);
  lr(m, 2, 42, 0xc0, 1);
  assert.equal(mrs(m, 'icc_hppir1_el1'), 41n);
  assert.equal(mrs(m, 'icc_rpr_el1'), 0xffn);
  assert.equal(mrs(m, 'icc_iar1_el1'), 41n);
  assert.equal(lrState(m, 1), LR_STATE_ACTIVE);
  assert.equal(ichApr(m.cpu, 1, 0), 1 << (0x80 >> 3));
  assert.equal(mrs(m, 'icc_rpr_el1'), 0x80n);
  // 0xa0 is not higher than the running priority 0x80: spurious, and no vIRQ.
  assert.equal(mrs(m, 'icc_iar1_el1'), 1023n);
  assert.equal(m.cpu.s[S.VIRQ], 0);
  assert.equal(mrs(m, 'icc_hppir1_el1'), 40n); // HPPIR ignores the running priority
  msr(m, 'icc_eoir1_el1', 41);
  assert.equal(lrState(m, 1), LR_STATE_INVALID);
  assert.equal(ichApr(m.cpu, 1, 0), 0);
  assert.equal(m.cpu.s[S.VIRQ], 1);
  assert.equal(mrs(m, 'icc_iar1_el1'), 40n);
  assert.equal(mrs(m, 'icc_iar1_el1'), 1023n);
  msr(m, 'icc_eoir1_el1', 40);
  assert.equal(mrs(m, 'icc_iar1_el1'), 42n);
  msr(m, 'icc_eoir1_el1', 42);
  assert.equal(mrs(m, 'icc_iar1_el1'), 1023n);
  assert.equal(ichHcr(m.cpu) >>> ICH_HCR_EOICOUNT_SHIFT, 0);
});

test('IAR reads 1023 when nothing is pending, when PMR masks it, when its group is disabled, or for the other group', () => {
  const m = machine();
  assert.equal(mrs(m, 'icc_iar1_el1'), 1023n);
  lr(m, 0, 33, 0x80, 1);
  msr(m, 'icc_pmr_el1', 0x80); // the priority must be strictly higher than PMR
  assert.equal(mrs(m, 'icc_iar1_el1'), 1023n);
  assert.equal(m.cpu.s[S.VIRQ], 0);
  msr(m, 'icc_pmr_el1', 0x88);
  assert.equal(m.cpu.s[S.VIRQ], 1);
  msr(m, 'icc_igrpen1_el1', 0);
  assert.equal(m.cpu.s[S.VIRQ], 0);
  assert.equal(mrs(m, 'icc_iar1_el1'), 1023n);
  assert.equal(mrs(m, 'icc_hppir1_el1'), 1023n);
  msr(m, 'icc_igrpen1_el1', 1);
  assert.equal(mrs(m, 'icc_iar0_el1'), 1023n); // a Group 1 interrupt is not Group 0's
  assert.equal(mrs(m, 'icc_hppir0_el1'), 1023n);
  assert.equal(lrState(m, 0), LR_STATE_PENDING);
  assert.equal(mrs(m, 'icc_iar1_el1'), 33n);
});

test('Group 0 interrupts are acknowledged through IAR0 and set AP0R0', () => {
  const m = machine();
  lr(m, 3, 7, 0x40, 0);
  assert.equal(m.cpu.s[S.VFIQ], 1);
  assert.equal(m.cpu.s[S.VIRQ], 0);
  assert.equal(mrs(m, 'icc_iar1_el1'), 1023n);
  assert.equal(mrs(m, 'icc_iar0_el1'), 7n);
  assert.equal(ichApr(m.cpu, 0, 0), 1 << (0x40 >> 3));
  assert.equal(m.cpu.s[S.VFIQ], 0);
  msr(m, 'icc_eoir1_el1', 7); // wrong group: priority dropped, not deactivated
  assert.equal(ichApr(m.cpu, 0, 0), 0);
  assert.equal(lrState(m, 3), LR_STATE_ACTIVE);
});

test('EOImode 1 splits priority drop (EOIR) from deactivation (DIR)', () => {
  const m = machine();
  msr(m, 'icc_ctlr_el1', 2);
  lr(m, 0, 27, 0x90, 1);
  assert.equal(mrs(m, 'icc_iar1_el1'), 27n);
  msr(m, 'icc_eoir1_el1', 27);
  assert.equal(ichApr(m.cpu, 1, 0), 0);
  assert.equal(mrs(m, 'icc_rpr_el1'), 0xffn);
  assert.equal(lrState(m, 0), LR_STATE_ACTIVE);
  assert.equal(ichHcr(m.cpu) >>> ICH_HCR_EOICOUNT_SHIFT, 0); // no deactivation would have happened
  msr(m, 'icc_dir_el1', 27);
  assert.equal(lrState(m, 0), LR_STATE_INVALID);
  // DIR of an interrupt no LR holds: the hypervisor must deactivate it, EOIcount says so.
  msr(m, 'icc_dir_el1', 99);
  assert.equal(ichHcr(m.cpu) >>> ICH_HCR_EOICOUNT_SHIFT, 1);
  // With EOImode 0, DIR does nothing.
  msr(m, 'icc_ctlr_el1', 0);
  lr(m, 1, 28, 0x90, 1, LR_STATE_ACTIVE);
  msr(m, 'icc_dir_el1', 28);
  assert.equal(lrState(m, 1), LR_STATE_ACTIVE);
  assert.equal(ichHcr(m.cpu) >>> ICH_HCR_EOICOUNT_SHIFT, 1);
});

test('a pending+active LR (an edge re-pended while active) is signalled again only after deactivation', () => {
  const m = machine();
  lr(m, 0, 48, 0xa0, 1);
  assert.equal(mrs(m, 'icc_iar1_el1'), 48n);
  // The hypervisor sees the edge again while the guest handles it: pending + active.
  writeIchLrBig(m.cpu, 0, readIchLrBig(m.cpu, 0) | (1n << 62n));
  assert.equal(lrState(m, 0), LR_STATE_PENDING_ACTIVE);
  assert.equal(mrs(m, 'icc_hppir1_el1'), 1023n);
  assert.equal(mrs(m, 'icc_iar1_el1'), 1023n);
  msr(m, 'icc_eoir1_el1', 48);
  assert.equal(lrState(m, 0), LR_STATE_PENDING);
  assert.equal(m.cpu.s[S.VIRQ], 1);
  assert.equal(mrs(m, 'icc_iar1_el1'), 48n);
  assert.equal(lrState(m, 0), LR_STATE_ACTIVE);
});

test('the binary point decides preemption: only a higher group priority preempts the running one', () => {
  // BPR1 = 3 (minimum): group priority is [7:3], so 0x88 preempts an active 0x90.
  const fine = machine();
  lr(fine, 0, 50, 0x90, 1);
  lr(fine, 1, 51, 0x88, 1, LR_STATE_INVALID);
  assert.equal(mrs(fine, 'icc_iar1_el1'), 50n);
  assert.equal(mrs(fine, 'icc_rpr_el1'), 0x90n);
  lr(fine, 1, 51, 0x88, 1);
  assert.equal(fine.cpu.s[S.VIRQ], 1);
  assert.equal(mrs(fine, 'icc_iar1_el1'), 51n);
  assert.equal(mrs(fine, 'icc_rpr_el1'), 0x88n);
  // BPR1 = 6: group priority is [7:6]; 0x90 runs as 0x80 and 0x88 is the same group priority.
  const coarse = machine();
  msr(coarse, 'icc_bpr1_el1', 6);
  lr(coarse, 0, 50, 0x90, 1);
  assert.equal(mrs(coarse, 'icc_iar1_el1'), 50n);
  assert.equal(mrs(coarse, 'icc_rpr_el1'), 0x80n);
  lr(coarse, 1, 51, 0x88, 1);
  assert.equal(coarse.cpu.s[S.VIRQ], 0);
  assert.equal(mrs(coarse, 'icc_iar1_el1'), 1023n);
  lr(coarse, 2, 52, 0x70, 1); // group priority 0x40 < 0x80: preempts
  assert.equal(coarse.cpu.s[S.VIRQ], 1);
  assert.equal(mrs(coarse, 'icc_iar1_el1'), 52n);
  msr(coarse, 'icc_eoir1_el1', 52);
  msr(coarse, 'icc_eoir1_el1', 50);
  assert.equal(lrState(coarse, 0), LR_STATE_INVALID);
  assert.equal(lrState(coarse, 2), LR_STATE_INVALID);
  assert.equal(mrs(coarse, 'icc_iar1_el1'), 51n);
});

// ---- the vCPU takes the interrupt --------------------------------------------------------------

test('the vIRQ is taken at VBAR+0x280 from EL1h once PSTATE.I is clear, never while it is set', () => {
  const m = machine();
  put(m, 0x10280, assemble('mrs x0, icc_iar1_el1\nmsr icc_eoir1_el1, x0\neret'));
  lr(m, 0, 30, 0xa0, 1);
  assert.equal(m.cpu.s[S.VIRQ], 1);
  // PSTATE.I set (reset state): the loop runs on; ISR_EL1.I shows the pending vIRQ.
  assert.equal(exec(m, 'nop\nnop\nmrs x3, isr_el1'), Stop.BUDGET);
  assert.equal(getPC(m.cpu), BigInt(BASE + 12));
  assert.equal(getX(m.cpu, 3), 0x80n);
  // Unmask: the IRQ is taken right after the MSR, with ELR_EL1 at the next instruction.
  // MSR, then the IRQ entry with the handler's MRS, its MSR and ERET.
  assert.equal(exec(m, 'msr daifclr, #2\nnop\nnop', 4), Stop.BUDGET);
  assert.equal(m.cpu.sr(SR.ELR_EL1) >>> 0, BASE + 4);
  assert.equal(getX(m.cpu, 0), 30n);
  assert.equal(getPC(m.cpu), BigInt(BASE + 4)); // after the handler's ERET
  assert.equal(lrState(m, 0), LR_STATE_INVALID);
  assert.equal(m.cpu.s[S.VIRQ], 0);
});

test('a masked interrupt is not taken; the guest lowering PMR or EOIing the running one lets it in', () => {
  const m = machine();
  put(m, 0x10280, assemble('mov x5, #1\neret'));
  msr(m, 'icc_pmr_el1', 0x60);
  lr(m, 0, 31, 0x80, 1);
  m.cpu.s[S.DAIF] = 0;
  setX(m.cpu, 5, 0n);
  setX(m.cpu, 1, 0xf0n);
  assert.equal(exec(m, 'nop\nnop\nmsr icc_pmr_el1, x1\nnop', 3), Stop.BUDGET);
  assert.equal(getX(m.cpu, 5), 0n);
  assert.equal(getPC(m.cpu), BigInt(BASE + 12));
  run(m.cpu, 2); // the IRQ entry, then MOV
  assert.equal(getX(m.cpu, 5), 1n);
  assert.equal(m.cpu.sr(SR.ELR_EL1) >>> 0, BASE + 12);
});

test('a Group 0 interrupt is a vFIQ (VBAR+0x300) and respects PSTATE.F', () => {
  const m = machine();
  put(m, 0x10300, assemble('mrs x0, icc_iar0_el1'));
  lr(m, 1, 12, 0x20, 0);
  m.cpu.s[S.DAIF] = 1 << 6; // F masked, I clear
  assert.equal(exec(m, 'nop\nnop'), Stop.BUDGET);
  assert.equal(getPC(m.cpu), BigInt(BASE + 8));
  assert.equal(exec(m, 'msr daifclr, #1\nnop', 2), Stop.BUDGET);
  assert.equal(getX(m.cpu, 0), 12n);
  assert.equal(m.cpu.sr(SR.ELR_EL1) >>> 0, BASE + 4);
});

test('WFI waits while no interrupt can be signalled and falls through once one can', () => {
  const m = machine();
  lr(m, 0, 30, 0xa0, 1);
  msr(m, 'icc_pmr_el1', 0x80);
  assert.equal(exec(m, 'wfi'), Stop.WFI);
  msr(m, 'icc_pmr_el1', 0xf0);
  assert.equal(exec(m, 'wfi\nnop'), Stop.BUDGET); // PSTATE.I set: wakes, not taken
  assert.equal(getPC(m.cpu), BigInt(BASE + 8));
});

test('ICH_HCR_EL2.En = 0 signals nothing and leaves the lines to setVirtualIrq()', () => {
  const m = machine({ hcr: 0 });
  lr(m, 0, 30, 0xa0, 1);
  assert.equal(m.cpu.s[S.VIRQ], 0);
  assert.equal(mrs(m, 'icc_iar1_el1'), 1023n);
  assert.equal(lrState(m, 0), LR_STATE_PENDING);
  // The userspace-irqchip line is not touched by the interface while En = 0.
  setVirtualIrq(m.cpu, true, false);
  gicVcpuIfUpdate(m.cpu);
  assert.equal(m.cpu.s[S.VIRQ], 1);
  setVirtualIrq(m.cpu, false, false);
  // En = 1 raises the line; En = 0 again drops what the interface raised.
  writeIchHcr(m.cpu, ICH_HCR_EN);
  assert.equal(m.cpu.s[S.VIRQ], 1);
  assert.equal(m.cpu.intCheck, 0); // PSTATE.I is set
  writeIchHcr(m.cpu, 0);
  assert.equal(m.cpu.s[S.VIRQ], 0);
});

// ---- traps -------------------------------------------------------------------------------------

test('SGI register writes trap to EL2 with EC 0x18 when HCR_EL2.IMO/FMO route them, and the ISS of the access', () => {
  const cases: [string, number, number][] = [
    ['msr icc_sgi1r_el1, x2', 5, HCR_IMO],
    ['msr icc_asgi1r_el1, x2', 6, HCR_IMO],
    ['msr icc_sgi0r_el1, x2', 7, HCR_FMO],
  ];
  for (const [src, op2, bit] of cases) {
    const m = machine();
    m.cpu.s[S.HCR_EL2] &= ~(HCR_IMO | HCR_FMO);
    m.cpu.s[S.HCR_EL2] |= bit;
    setX(m.cpu, 2, 0x0001_0000_0000_0002n);
    assert.equal(exec(m, src, 1, 0x20), Stop.TRAP, src);
    assert.equal(esr2(m), ((0x18 << 26) | IL | iss(3, 0, 12, 11, op2, 2, false)) >>> 0, src);
    assert.equal(getPC(m.cpu), BigInt(BASE + 0x20), src);
    // The other routing bit alone does not trap it (no physical distributor: ignored).
    m.cpu.s[S.HCR_EL2] ^= HCR_IMO | HCR_FMO;
    assert.equal(exec(m, src, 1, 0x20), Stop.BUDGET, src);
    assert.equal(getPC(m.cpu), BigInt(BASE + 0x24), src);
  }
});

// ---- maintenance status -----------------------------------------------------------------------

test('ELRSR shows empty LRs; EISR and MISR.EOI an LR whose EOI bit asks for maintenance (HW = 0 only)', () => {
  const m = machine();
  assert.equal(ichElrsr(m.cpu), 0xf);
  assert.equal(ichEisr(m.cpu), 0);
  lr(m, 0, 33, 0x80, 1, LR_STATE_PENDING, ICH_LR_EOI);
  lr(m, 2, 27, 0x90, 1, LR_STATE_PENDING, ICH_LR_HW | (27n << 32n));
  assert.equal(ichElrsr(m.cpu), 0b1010);
  assert.equal(mrs(m, 'icc_iar1_el1'), 33n);
  msr(m, 'icc_eoir1_el1', 33);
  assert.equal(lrState(m, 0), LR_STATE_INVALID);
  assert.equal(ichEisr(m.cpu), 1);
  assert.equal(ichElrsr(m.cpu), 0b1010); // not empty until the hypervisor has seen it
  assert.equal(ichMisr(m.cpu), ICH_MISR_EOI);
  assert.equal(gicMaintenancePending(m.cpu), true);
  assert.equal(readIchReg(m.cpu, 'ICH_EISR_EL2'), 1n);
  assert.equal(mrs(m, 'icc_iar1_el1'), 27n);
  msr(m, 'icc_eoir1_el1', 27);
  assert.equal(ichEisr(m.cpu), 1); // the HW LR's bit 41 is part of pINTID, not an EOI request
  assert.equal(ichElrsr(m.cpu), 0b1110);
  lr(m, 0, 0, 0, 0, LR_STATE_INVALID);
  assert.equal(ichMisr(m.cpu), 0);
  assert.equal(gicMaintenancePending(m.cpu), false);
});

test('EOIcount counts EOIs of interrupts no LR holds (MISR.LRENP with LRENPIE)', () => {
  const m = machine({ hcr: ICH_HCR_EN | ICH_HCR_LRENPIE });
  lr(m, 0, 60, 0x80, 1);
  assert.equal(mrs(m, 'icc_iar1_el1'), 60n);
  // The hypervisor reclaims the LR of the active interrupt (it keeps the state in its ap_list).
  writeIchLr(m.cpu, 0, 0, 0);
  assert.equal(ichMisr(m.cpu), 0);
  msr(m, 'icc_eoir1_el1', 60);
  assert.equal(ichApr(m.cpu, 1, 0), 0);
  assert.equal(ichHcr(m.cpu) >>> ICH_HCR_EOICOUNT_SHIFT, 1);
  assert.equal(ichMisr(m.cpu), ICH_MISR_LRENP);
  assert.equal(gicMaintenancePending(m.cpu), true);
  // An EOI with no active priority does nothing (CONSTRAINED UNPREDICTABLE: LRs not checked).
  msr(m, 'icc_eoir1_el1', 61);
  assert.equal(ichHcr(m.cpu) >>> ICH_HCR_EOICOUNT_SHIFT, 1);
  writeIchHcr(m.cpu, ICH_HCR_EN | ICH_HCR_LRENPIE);
  assert.equal(ichMisr(m.cpu), 0);
  // Special INTIDs are ignored altogether: no priority drop.
  lr(m, 1, 62, 0x80, 1);
  assert.equal(mrs(m, 'icc_iar1_el1'), 62n);
  msr(m, 'icc_eoir1_el1', 1023);
  assert.equal(ichApr(m.cpu, 1, 0), 1 << 16);
});

test('MISR: U when at most one LR is valid, NP when none is pending, VGrp<g>E/D against the guest enables', () => {
  const all = ICH_HCR_EN | ICH_HCR_UIE | ICH_HCR_NPIE | ICH_HCR_VGRP0EIE | ICH_HCR_VGRP0DIE | ICH_HCR_VGRP1EIE | ICH_HCR_VGRP1DIE;
  const m = machine({ hcr: all, vmcr: ICH_VMCR_ENG1 | (0xf8 << ICH_VMCR_PMR_SHIFT) });
  assert.equal(ichMisr(m.cpu), ICH_MISR_U | ICH_MISR_NP | ICH_MISR_VGRP0D | ICH_MISR_VGRP1E);
  lr(m, 0, 40, 0x80, 1);
  assert.equal(ichMisr(m.cpu), ICH_MISR_U | ICH_MISR_VGRP0D | ICH_MISR_VGRP1E);
  lr(m, 1, 41, 0x80, 1);
  assert.equal(ichMisr(m.cpu), ICH_MISR_VGRP0D | ICH_MISR_VGRP1E);
  msr(m, 'icc_igrpen0_el1', 1);
  msr(m, 'icc_igrpen1_el1', 0);
  assert.equal(ichMisr(m.cpu), ICH_MISR_VGRP0E | ICH_MISR_VGRP1D);
  // A pending LR whose group is disabled is still pending for NP.
  writeIchHcr(m.cpu, ICH_HCR_EN | ICH_HCR_NPIE);
  assert.equal(ichMisr(m.cpu), 0);
  // TC/TALL0/TALL1 are not implemented: they read back as 0.
  writeIchHcr(m.cpu, ICH_HCR_EN | ICH_HCR_TC);
  assert.equal(ichHcr(m.cpu), ICH_HCR_EN);
});

// ---- the API ------------------------------------------------------------------------------------

test('the saved state lies in the GIC words of the state block, one pair each, and round-trips by name', () => {
  const words = new Set<number>();
  for (const d of ICH_STATE) {
    assert.ok(d.word >= S.GIC_BASE && d.word + 1 < S.DBG_BASE, d.name);
    assert.ok(!words.has(d.word) && !words.has(d.word + 1), d.name);
    words.add(d.word).add(d.word + 1);
  }
  assert.equal(ICH_STATE.filter((d) => d.name.startsWith('ICH_LR')).length, NUM_LRS);
  assert.ok(G.END <= S.DBG_BASE);
  const a = machine();
  lr(a, 2, 77, 0xa8, 1, LR_STATE_PENDING, ICH_LR_EOI);
  msr(a, 'icc_bpr1_el1', 5);
  assert.equal(mrs(a, 'icc_iar1_el1'), 77n);
  const saved = ICH_STATE.map((d) => [d.name, readIchReg(a.cpu, d.name)] as const);
  const b = machine({ hcr: 0, vmcr: 0 });
  for (const [name, v] of saved) writeIchReg(b.cpu, name, v);
  for (const d of ICH_STATE) assert.equal(readIchReg(b.cpu, d.name), readIchReg(a.cpu, d.name), d.name);
  assert.equal(mrs(b, 'icc_rpr_el1'), 0xa0n);
  assert.equal(readIchLrBig(b.cpu, 2) & ICH_LR_GROUP, ICH_LR_GROUP);
  assert.throws(() => writeIchLr(b.cpu, NUM_LRS, 0, 0), RangeError);
  assert.throws(() => writeIchReg(b.cpu, 'ICH_MISR_EL2', 0n), RangeError);
  // Unimplemented LR bits (priority [50:48], NMI, RES0) are dropped.
  writeIchLrBig(b.cpu, 0, 0xffff_ffff_ffff_ffffn);
  assert.equal(readIchLrBig(b.cpu, 0), 0xf0f8_1fff_ffff_ffffn);
});

test('the ICC rows have no storage and are absent from the ID-gated table until PFR0.GIC is set', () => {
  for (const name of ['ICC_PMR_EL1', 'ICC_IAR1_EL1', 'ICC_SRE_EL1', 'ICC_SGI1R_EL1', 'ICC_AP1R0_EL1']) {
    const d = findSysregByName(name);
    assert.ok(d, name);
    assert.equal(d.word, -1, name);
    assert.equal(d.visible?.(machine({ model: max }).cpu), false, name);
    assert.equal(d.visible?.(machine().cpu), true, name);
  }
  assert.equal(findSysregByName('ICC_AP0R1_EL1')?.visible?.(machine().cpu), false);
});
