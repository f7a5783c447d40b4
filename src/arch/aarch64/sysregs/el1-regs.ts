/**
 * EL1/EL0 control registers, the special-purpose registers (PSTATE fields, SP_EL0, ELR, SPSR,
 * FPCR/FPSR), and the identification registers (Arm ARM DDI 0487K.a D24.2, C5.2).
 */
import type { Cpu } from '../cpu.js';
import { S, SR } from '../state.js';
import { ID_REG_ENCODINGS, idRegIndex } from '../cpus/model.js';
import { setElSp, updateIntCheck, PSR_DAIF, PSR_PAN } from '../exceptions.js';
import {
  SysregDesc,
  reg,
  A_R,
  A_RW,
  A_R0,
  A_ALL,
  CHECK_OK,
  CHECK_UNDEF,
  CHECK_FP_EL1,
  CHECK_FP_EL2,
  HCR_TID1,
  HCR_TID2,
  HCR_TID3,
  HCR_TACR,
  HCR_TVM,
  HCR_TRVM,
  HCR_TDZ,
  SCTLR_UMA,
  SCTLR_UCT,
  SCTLR_DZE,
  sctlrGate,
  writeStored,
} from './desc.js';
import { fpTrapLevel, FP_TRAP_NONE, FP_TRAP_EL1 } from '../exec/fp-access.js';

// ---- handlers -------------------------------------------------------------------------------

/** SCTLR_EL1: M, EE, WXN... change translation; SPAN/UMA... are read at use. */
function writeSctlr(cpu: Cpu, d: SysregDesc, lo: number, hi: number): void {
  writeStored(cpu, d, lo, hi);
  cpu.flushTlb();
  cpu.updateMode();
}

/** TTBR0/1, TCR, MAIR: the TLB caches their effect (and holds no ASID tags): flush it. */
function writeTranslation(cpu: Cpu, d: SysregDesc, lo: number, hi: number): void {
  writeStored(cpu, d, lo, hi);
  cpu.flushTlb();
}

function writeLow32(cpu: Cpu, d: SysregDesc, lo: number, _hi: number): void {
  writeStored(cpu, d, lo, 0);
}

/** CSSELR_EL1: Level [3:1], InD [0]; other bits RES0 (TnD needs FEAT_MTE2). */
function writeCsselr(cpu: Cpu, d: SysregDesc, lo: number, _hi: number): void {
  writeStored(cpu, d, lo & 0xf, 0);
}

function readNzcv(cpu: Cpu, _d: SysregDesc): number {
  const s = cpu.s;
  cpu.rhi = 0;
  return (s[S.NF] << 31) | (s[S.ZF] << 30) | (s[S.CF] << 29) | (s[S.VF] << 28);
}

function writeNzcv(cpu: Cpu, _d: SysregDesc, lo: number, _hi: number): void {
  const s = cpu.s;
  s[S.NF] = (lo >>> 31) & 1;
  s[S.ZF] = (lo >>> 30) & 1;
  s[S.CF] = (lo >>> 29) & 1;
  s[S.VF] = (lo >>> 28) & 1;
}

function readDaif(cpu: Cpu, _d: SysregDesc): number {
  cpu.rhi = 0;
  return cpu.s[S.DAIF] & PSR_DAIF;
}

function writeDaif(cpu: Cpu, _d: SysregDesc, lo: number, _hi: number): void {
  cpu.s[S.DAIF] = lo & PSR_DAIF;
  updateIntCheck(cpu);
}

function readSpsel(cpu: Cpu, _d: SysregDesc): number {
  cpu.rhi = 0;
  return cpu.s[S.SPSEL] & 1;
}

function writeSpsel(cpu: Cpu, _d: SysregDesc, lo: number, _hi: number): void {
  setElSp(cpu, cpu.s[S.EL], lo & 1);
}

function readCurrentEl(cpu: Cpu, _d: SysregDesc): number {
  cpu.rhi = 0;
  return cpu.s[S.EL] << 2;
}

function readPan(cpu: Cpu, _d: SysregDesc): number {
  cpu.rhi = 0;
  return cpu.s[S.PAN] !== 0 ? PSR_PAN : 0;
}

function writePan(cpu: Cpu, _d: SysregDesc, lo: number, _hi: number): void {
  cpu.s[S.PAN] = (lo & PSR_PAN) !== 0 ? 1 : 0;
  cpu.updateMode();
}

/**
 * SP_EL0 at EL1 (C5.2.16): UNDEFINED while PSTATE.SP = 0 (SP_EL0 is then the current SP and
 * only reachable as SP). With PSTATE.SP = 1 the EL0 stack pointer is the banked copy.
 */
function checkSpEl0(cpu: Cpu, _d: SysregDesc, _isRead: boolean): number {
  return cpu.s[S.SPSEL] === 0 ? CHECK_UNDEF : CHECK_OK;
}

function readSpEl0(cpu: Cpu, _d: SysregDesc): number {
  cpu.rhi = cpu.s[S.SP_EL0_HI];
  return cpu.s[S.SP_EL0];
}

function writeSpEl0(cpu: Cpu, _d: SysregDesc, lo: number, hi: number): void {
  cpu.s[S.SP_EL0] = lo;
  cpu.s[S.SP_EL0_HI] = hi;
}

/** FPCR/FPSR accesses trap as SIMD&FP instructions do (C5.2.8; exec/fp-access.ts has the rule). */
export function fpCheck(cpu: Cpu, _d: SysregDesc, _isRead: boolean): number {
  const level = fpTrapLevel(cpu);
  return level === FP_TRAP_NONE ? CHECK_OK : level === FP_TRAP_EL1 ? CHECK_FP_EL1 : CHECK_FP_EL2;
}

function readFpcr(cpu: Cpu, _d: SysregDesc): number {
  cpu.rhi = 0;
  return cpu.s[S.FPCR];
}

/**
 * FPCR bits that hold a value (Arm ARM D24.2.48): AHP, DN, FZ, RMode and the AArch32 Stride/Len
 * fields (kept for AArch32 context), FZ16 only with FEAT_FP16. Trap enables are RAZ/WI: trapped
 * floating-point exceptions are not implemented. The rest is RES0. (QEMU's cortex-a57 agrees.)
 */
const FPCR_MASK = 0x07f70000;
const FPCR_FZ16 = 1 << 19;
/** FPSR: N, Z, C, V (AArch32 context), QC, IDC, IXC, UFC, OFC, DZC, IOC; the rest RES0. */
const FPSR_MASK = 0xf800009f | 0;

function writeFpcr(cpu: Cpu, _d: SysregDesc, lo: number, _hi: number): void {
  cpu.s[S.FPCR] = lo & (cpu.feat.fp16 ? FPCR_MASK | FPCR_FZ16 : FPCR_MASK);
}

function readFpsr(cpu: Cpu, _d: SysregDesc): number {
  cpu.rhi = 0;
  return cpu.s[S.FPSR];
}

function writeFpsr(cpu: Cpu, _d: SysregDesc, lo: number, _hi: number): void {
  cpu.s[S.FPSR] = lo & FPSR_MASK;
}

/** ISR_EL1: pending virtual interrupts (A bit 8, I bit 7, F bit 6), regardless of masks. */
function readIsr(cpu: Cpu, _d: SysregDesc): number {
  const s = cpu.s;
  cpu.rhi = 0;
  return (s[S.VSERROR] !== 0 ? 1 << 8 : 0) | (s[S.VIRQ] !== 0 ? 1 << 7 : 0) | (s[S.VFIQ] !== 0 ? 1 << 6 : 0);
}

/** ID space registers and MIDR/MPIDR/REVIDR: Cpu.idRegs (unallocated encodings are zero: RAZ). */
function readIdReg(cpu: Cpu, d: SysregDesc): number {
  const i = idRegIndex(d.crm, d.op2);
  cpu.rhi = cpu.idRegs[i + 1];
  return cpu.idRegs[i];
}

function readCtr(cpu: Cpu, _d: SysregDesc): number {
  cpu.rhi = cpu.ctr[1];
  return cpu.ctr[0];
}

function readClidr(cpu: Cpu, _d: SysregDesc): number {
  cpu.rhi = cpu.clidr[1];
  return cpu.clidr[0];
}

function readAidr(cpu: Cpu, _d: SysregDesc): number {
  cpu.rhi = cpu.aidr[1];
  return cpu.aidr[0];
}

const CSSELR_WORD = S.SYSREG_BASE + 2 * SR.CSSELR_EL1;

/** CCSIDR_EL1 of the cache CSSELR_EL1 selects; an unimplemented level reads 0 (UNKNOWN). */
function readCcsidr(cpu: Cpu, _d: SysregDesc): number {
  const i = (cpu.s[CSSELR_WORD] & 0xf) << 1;
  if (i + 1 >= cpu.ccsidr.length) {
    cpu.rhi = 0;
    return 0;
  }
  cpu.rhi = cpu.ccsidr[i + 1];
  return cpu.ccsidr[i];
}

/** DCZID_EL0.DZP (bit 4) reads 1 where DC ZVA is prohibited: EL0 without SCTLR_EL1.DZE, or HCR_EL2.TDZ. */
function readDczid(cpu: Cpu, _d: SysregDesc): number {
  const s = cpu.s;
  const dzp = (s[S.EL] === 0 && (s[S.SYSREG_BASE + 2 * SR.SCTLR_EL1] & SCTLR_DZE) === 0) || (s[S.HCR_EL2] & HCR_TDZ) !== 0;
  cpu.rhi = cpu.dczid[1];
  return cpu.dczid[0] | (dzp ? 1 << 4 : 0);
}

function checkUct(cpu: Cpu, _d: SysregDesc, _isRead: boolean): number {
  return sctlrGate(cpu, SCTLR_UCT);
}

function checkUma(cpu: Cpu, _d: SysregDesc, _isRead: boolean): number {
  return sctlrGate(cpu, SCTLR_UMA);
}

function hasPan(cpu: Cpu): boolean {
  return cpu.feat.pan;
}

// ---- rows -----------------------------------------------------------------------------------

/** The names of ID-space encodings, for rows and messages. */
const ID_NAMES = new Map<number, string>(Object.entries(ID_REG_ENCODINGS).map(([n, [crm, op2]]) => [(crm << 3) | op2, n]));

/** (3, 0, 0, CRm 1..7, op2 0..7): every encoding of the ID block has a row (as KVM's ID_UNALLOCATED). */
function idSpaceRows(): SysregDesc[] {
  const out: SysregDesc[] = [];
  for (let crm = 1; crm <= 7; crm++) {
    for (let op2 = 0; op2 < 8; op2++) {
      const name = ID_NAMES.get((crm << 3) | op2) ?? `ID_UNALLOCATED_${crm}_${op2}`;
      out.push(reg(name, 3, 0, 0, crm, op2, { access: A_R, hcr: HCR_TID3, read: readIdReg }));
    }
  }
  return out;
}

const TVM = { hcrRead: HCR_TRVM, hcrWrite: HCR_TVM };

export const el1Rows: readonly SysregDesc[] = [
  // Identification (D24.2; TID1/TID2/TID3 groups per HCR_EL2, D24.2.48)
  reg('MIDR_EL1', 3, 0, 0, 0, 0, { access: A_R, read: readIdReg }),
  reg('MPIDR_EL1', 3, 0, 0, 0, 5, { access: A_R, read: readIdReg }),
  reg('REVIDR_EL1', 3, 0, 0, 0, 6, { access: A_R, hcr: HCR_TID1, read: readIdReg }),
  ...idSpaceRows(),
  reg('CCSIDR_EL1', 3, 1, 0, 0, 0, { access: A_R, hcr: HCR_TID2, read: readCcsidr }),
  reg('CLIDR_EL1', 3, 1, 0, 0, 1, { access: A_R, hcr: HCR_TID2, read: readClidr }),
  reg('AIDR_EL1', 3, 1, 0, 0, 7, { access: A_R, hcr: HCR_TID1, read: readAidr }),
  reg('CSSELR_EL1', 3, 2, 0, 0, 0, { slot: SR.CSSELR_EL1, hcr: HCR_TID2, write: writeCsselr }),
  reg('CTR_EL0', 3, 3, 0, 0, 1, { access: A_R | A_R0, hcr: HCR_TID2, check: checkUct, read: readCtr }),
  reg('DCZID_EL0', 3, 3, 0, 0, 7, { access: A_R | A_R0, read: readDczid }),

  // System control (D24.2)
  reg('SCTLR_EL1', 3, 0, 1, 0, 0, { slot: SR.SCTLR_EL1, resetFn: (cpu) => cpu.model.sctlrReset, ...TVM, write: writeSctlr }),
  reg('ACTLR_EL1', 3, 0, 1, 0, 1, { slot: SR.ACTLR_EL1, hcr: HCR_TACR }),
  reg('CPACR_EL1', 3, 0, 1, 0, 2, { slot: SR.CPACR_EL1 }),
  reg('TTBR0_EL1', 3, 0, 2, 0, 0, { slot: SR.TTBR0_EL1, ...TVM, write: writeTranslation }),
  reg('TTBR1_EL1', 3, 0, 2, 0, 1, { slot: SR.TTBR1_EL1, ...TVM, write: writeTranslation }),
  reg('TCR_EL1', 3, 0, 2, 0, 2, { slot: SR.TCR_EL1, ...TVM, write: writeTranslation }),

  // Special-purpose registers (C5.2): KVM reaches these as core registers.
  reg('SPSR_EL1', 3, 0, 4, 0, 0, { slot: SR.SPSR_EL1, write: writeLow32, core: true }),
  reg('ELR_EL1', 3, 0, 4, 0, 1, { slot: SR.ELR_EL1, core: true }),
  reg('SP_EL0', 3, 0, 4, 1, 0, { check: checkSpEl0, read: readSpEl0, write: writeSpEl0, core: true }),
  reg('SPSel', 3, 0, 4, 2, 0, { read: readSpsel, write: writeSpsel, core: true }),
  reg('CurrentEL', 3, 0, 4, 2, 2, { access: A_R, read: readCurrentEl, core: true }),
  reg('PAN', 3, 0, 4, 2, 3, { visible: hasPan, read: readPan, write: writePan, core: true }),
  reg('NZCV', 3, 3, 4, 2, 0, { access: A_ALL, read: readNzcv, write: writeNzcv, core: true }),
  reg('DAIF', 3, 3, 4, 2, 1, { access: A_ALL, check: checkUma, read: readDaif, write: writeDaif, core: true }),
  reg('FPCR', 3, 3, 4, 4, 0, { access: A_ALL, check: fpCheck, read: readFpcr, write: writeFpcr, core: true }),
  reg('FPSR', 3, 3, 4, 4, 1, { access: A_ALL, check: fpCheck, read: readFpsr, write: writeFpsr, core: true }),

  // Fault reporting and memory attributes
  reg('AFSR0_EL1', 3, 0, 5, 1, 0, { slot: SR.AFSR0_EL1, ...TVM }),
  reg('AFSR1_EL1', 3, 0, 5, 1, 1, { slot: SR.AFSR1_EL1, ...TVM }),
  reg('ESR_EL1', 3, 0, 5, 2, 0, { slot: SR.ESR_EL1, ...TVM, write: writeLow32 }),
  reg('FAR_EL1', 3, 0, 6, 0, 0, { slot: SR.FAR_EL1, ...TVM }),
  reg('PAR_EL1', 3, 0, 7, 4, 0, { slot: SR.PAR_EL1 }),
  reg('MAIR_EL1', 3, 0, 10, 2, 0, { slot: SR.MAIR_EL1, ...TVM, write: writeTranslation }),
  reg('AMAIR_EL1', 3, 0, 10, 3, 0, { slot: SR.AMAIR_EL1, ...TVM }),

  // Exceptions and context
  reg('VBAR_EL1', 3, 0, 12, 0, 0, { slot: SR.VBAR_EL1 }),
  reg('ISR_EL1', 3, 0, 12, 1, 0, { access: A_R, read: readIsr }),
  // FEAT_RAS register; KVM keeps it for every guest (sys_regs.c), so do we: plain storage.
  reg('DISR_EL1', 3, 0, 12, 1, 1, { slot: SR.DISR_EL1 }),
  reg('CONTEXTIDR_EL1', 3, 0, 13, 0, 1, { slot: SR.CONTEXTIDR_EL1, ...TVM }),
  reg('TPIDR_EL1', 3, 0, 13, 0, 4, { slot: SR.TPIDR_EL1 }),
  reg('TPIDR_EL0', 3, 3, 13, 0, 2, { access: A_ALL, slot: SR.TPIDR_EL0 }),
  reg('TPIDRRO_EL0', 3, 3, 13, 0, 3, { access: A_RW | A_R0, slot: SR.TPIDRRO_EL0 }),
];
