/**
 * System instructions (op0 = 1, Arm ARM DDI 0487K.a C5.3): cache maintenance (DC, IC), address
 * translation (AT) and TLB maintenance (TLBI), as rows of the sysreg table. Each handler gets
 * Xt as (lo, hi).
 *
 * - Data-cache maintenance by VA or set/way (DC IVAC/ISW/CSW/CISW/CVAC/CVAU/CVAP/CIVAC) is a
 *   no-op: the emulated memory system has no caches, so every access is coherent. They are
 *   still trapped (HCR_EL2.TPC/TSW/TPU) and EL0-gated (SCTLR_EL1.UCI) as the Arm ARM says; we
 *   do not model the translation/permission faults hardware may raise for them.
 * - DC ZVA zeroes the DCZID_EL0-sized aligned block as a write (may fault; Device memory takes
 *   an alignment fault, D7.5.x "DC ZVA").
 * - IC IALLU/IALLUIS drop every decoded code page; IC IVAU drops the page holding the VA when
 *   it is in the TLB (the common case right after the code was written), else all pages.
 * - TLBI: every EL1 form flushes the whole software TLB. Entries are 4 KiB pieces of possibly
 *   larger pages and blocks, so flushing one VA page would leave the other pieces of a block
 *   behind; flushing by ASID would need ASID tags the TLB does not keep.
 */
import type { Cpu } from '../cpu.js';
import { Tlb, P } from '../cpu.js';
import { hostAddress, alignmentFault } from '../mmu/access.js';
import { addressTranslate } from '../mmu/at.js';
import {
  SysregDesc,
  insn,
  A_W,
  A_W0,
  HCR_TSW,
  HCR_TPC,
  HCR_TPU,
  HCR_TTLB,
  HCR_TDZ,
  SCTLR_DZE,
  SCTLR_UCI,
  sctlrGate,
  writeIgnore,
  idField,
} from './desc.js';

function checkUci(cpu: Cpu, _d: SysregDesc, _r: boolean): number {
  return sctlrGate(cpu, SCTLR_UCI);
}

function checkDze(cpu: Cpu, _d: SysregDesc, _r: boolean): number {
  return sctlrGate(cpu, SCTLR_DZE);
}

/** DC ZVA: zero the aligned block of 4 << DCZID_EL0.BS bytes containing Xt. */
function dcZva(cpu: Cpu, _d: SysregDesc, lo: number, hi: number): void {
  const size = 4 << (cpu.dczid[0] & 0xf);
  // The block lies inside one 4 KiB page (BS <= 9), so translating Xt translates the block.
  const h = hostAddress(cpu, hi, lo, true, 0);
  if ((cpu.tlbPerm[(lo >>> 12) & Tlb.MASK] & P.DEVICE) !== 0) alignmentFault(cpu, hi, lo, true);
  const start = (h & -size) >>> 0;
  cpu.m8.fill(0, start, start + size);
}

function icIallu(cpu: Cpu, _d: SysregDesc, _lo: number, _hi: number): void {
  cpu.mem.dropAllCode();
}

function icIvau(cpu: Cpu, _d: SysregDesc, lo: number, hi: number): void {
  const i = (lo >>> 12) & Tlb.MASK;
  if (cpu.tlbVaLo[i] === (lo & -4096) && cpu.tlbVaHi[i] === hi) cpu.mem.dropCode(cpu.tlbHost[i] >>> 12);
  else cpu.mem.dropAllCode();
}

function tlbiAll(cpu: Cpu, _d: SysregDesc, _lo: number, _hi: number): void {
  cpu.flushTlb();
}

function atS1e1r(cpu: Cpu, _d: SysregDesc, lo: number, hi: number): void {
  addressTranslate(cpu, hi, lo, 0);
}
function atS1e1w(cpu: Cpu, _d: SysregDesc, lo: number, hi: number): void {
  addressTranslate(cpu, hi, lo, 1);
}
function atS1e0r(cpu: Cpu, _d: SysregDesc, lo: number, hi: number): void {
  addressTranslate(cpu, hi, lo, 2);
}
function atS1e0w(cpu: Cpu, _d: SysregDesc, lo: number, hi: number): void {
  addressTranslate(cpu, hi, lo, 3);
}
function atS1e1rp(cpu: Cpu, _d: SysregDesc, lo: number, hi: number): void {
  addressTranslate(cpu, hi, lo, 4);
}
function atS1e1wp(cpu: Cpu, _d: SysregDesc, lo: number, hi: number): void {
  addressTranslate(cpu, hi, lo, 5);
}

/** AT S1E1RP/WP need FEAT_PAN2 (ID_AA64MMFR1_EL1.PAN >= 2). */
function hasPan2(cpu: Cpu): boolean {
  return idField(cpu, 7, 1, 20) >= 2;
}

/** DC CVAP needs FEAT_DPB (ID_AA64ISAR1_EL1.DPB >= 1). */
function hasDpb(cpu: Cpu): boolean {
  return idField(cpu, 6, 1, 0) >= 1;
}

const EL0 = A_W | A_W0;
const nop = writeIgnore;

function tlbi(name: string, crm: number, op2: number): SysregDesc {
  return insn(name, 0, 8, crm, op2, { hcr: HCR_TTLB, write: tlbiAll });
}

export const sysInsnRows: readonly SysregDesc[] = [
  insn('IC_IALLUIS', 0, 7, 1, 0, { hcr: HCR_TPU, write: icIallu }),
  insn('IC_IALLU', 0, 7, 5, 0, { hcr: HCR_TPU, write: icIallu }),
  insn('DC_IVAC', 0, 7, 6, 1, { hcr: HCR_TPC, write: nop }),
  insn('DC_ISW', 0, 7, 6, 2, { hcr: HCR_TSW, write: nop }),
  insn('AT_S1E1R', 0, 7, 8, 0, { write: atS1e1r }),
  insn('AT_S1E1W', 0, 7, 8, 1, { write: atS1e1w }),
  insn('AT_S1E0R', 0, 7, 8, 2, { write: atS1e0r }),
  insn('AT_S1E0W', 0, 7, 8, 3, { write: atS1e0w }),
  insn('AT_S1E1RP', 0, 7, 9, 0, { visible: hasPan2, write: atS1e1rp }),
  insn('AT_S1E1WP', 0, 7, 9, 1, { visible: hasPan2, write: atS1e1wp }),
  insn('DC_CSW', 0, 7, 10, 2, { hcr: HCR_TSW, write: nop }),
  insn('DC_CISW', 0, 7, 14, 2, { hcr: HCR_TSW, write: nop }),
  tlbi('TLBI_VMALLE1IS', 3, 0),
  tlbi('TLBI_VAE1IS', 3, 1),
  tlbi('TLBI_ASIDE1IS', 3, 2),
  tlbi('TLBI_VAAE1IS', 3, 3),
  tlbi('TLBI_VALE1IS', 3, 5),
  tlbi('TLBI_VAALE1IS', 3, 7),
  tlbi('TLBI_VMALLE1', 7, 0),
  tlbi('TLBI_VAE1', 7, 1),
  tlbi('TLBI_ASIDE1', 7, 2),
  tlbi('TLBI_VAAE1', 7, 3),
  tlbi('TLBI_VALE1', 7, 5),
  tlbi('TLBI_VAALE1', 7, 7),
  insn('DC_ZVA', 3, 7, 4, 1, { access: EL0, check: checkDze, hcr: HCR_TDZ, write: dcZva }),
  insn('IC_IVAU', 3, 7, 5, 1, { access: EL0, check: checkUci, hcr: HCR_TPU, write: icIvau }),
  insn('DC_CVAC', 3, 7, 10, 1, { access: EL0, check: checkUci, hcr: HCR_TPC, write: nop }),
  insn('DC_CVAU', 3, 7, 11, 1, { access: EL0, check: checkUci, hcr: HCR_TPU, write: nop }),
  insn('DC_CVAP', 3, 7, 12, 1, { access: EL0, check: checkUci, hcr: HCR_TPC, visible: hasDpb, write: nop }),
  insn('DC_CIVAC', 3, 7, 14, 1, { access: EL0, check: checkUci, hcr: HCR_TPC, write: nop }),
];
