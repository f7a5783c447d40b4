/**
 * Branches (Arm ARM DDI 0487K.a C4.1.66: "Unconditional branch (immediate)", "Compare and
 * branch", "Test and branch", "Conditional branch (immediate)", "Unconditional branch
 * (register)"). PC already holds the next instruction's address, so a PC-relative target is
 * next + (offset - 4). A misaligned register target faults on the fetch (run.ts).
 */
import type { Cpu } from '../cpu.js';
import { S } from '../state.js';
import { conditionHolds } from './cond.js';
import { exceptionReturn } from '../exceptions.js';
import { S_EVENT } from './system.js';

/** PC = (address of this instruction) + off, off a sign-extended int32 (|off| < 2^28). */
function branchRel(s: Int32Array, off: number): void {
  const d = (off - 4) | 0;
  const lo = s[S.PC];
  const sum = (lo >>> 0) + (d >>> 0);
  s[S.PC] = sum | 0;
  s[S.PC_HI] = (s[S.PC_HI] + (d >> 31) + (sum > 0xffffffff ? 1 : 0)) | 0;
}

/** imm19 at [23:5], times 4, sign-extended. */
export function off19(insn: number): number {
  return ((insn << 8) >> 11) & ~3;
}

/** B <label>: imm26 at [25:0], times 4. */
export function b(cpu: Cpu, insn: number): void {
  branchRel(cpu.s, (insn << 6) >> 4);
}

/** BL <label>: X30 = the next instruction. */
export function bl(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  s[60] = s[S.PC];
  s[61] = s[S.PC_HI];
  branchRel(s, (insn << 6) >> 4);
}

/** B.cond <label> (BC.cond, bit 4 = 1, is FEAT_HBC and not claimed). */
export function bCond(cpu: Cpu, insn: number): void {
  if (conditionHolds(cpu.s, insn & 0xf)) branchRel(cpu.s, off19(insn));
}

// B.cond specialised per condition pair (one decode row per cond<3:1>, cond<0> inverts): the
// generic bCond's switch in conditionHolds() plus the call to branchRel cost ~7% of the sieve,
// where B.cond is 23% of the instructions. Same semantics as conditionHolds().

/** Branch when `r` (the test of cond<3:1>) differs from cond<0> (which inverts it). */
function bCondTo(s: Int32Array, insn: number, r: boolean): void {
  if (r !== ((insn & 1) !== 0)) branchRel(s, off19(insn));
}

/** B.EQ / B.NE. */
export function bEqNe(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  bCondTo(s, insn, s[S.ZF] !== 0);
}

/** B.CS / B.CC. */
export function bCsCc(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  bCondTo(s, insn, s[S.CF] !== 0);
}

/** B.MI / B.PL. */
export function bMiPl(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  bCondTo(s, insn, s[S.NF] !== 0);
}

/** B.VS / B.VC. */
export function bVsVc(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  bCondTo(s, insn, s[S.VF] !== 0);
}

/** B.HI / B.LS. */
export function bHiLs(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  bCondTo(s, insn, s[S.CF] !== 0 && s[S.ZF] === 0);
}

/** B.GE / B.LT. */
export function bGeLt(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  bCondTo(s, insn, s[S.NF] === s[S.VF]);
}

/** B.GT / B.LE. */
export function bGtLe(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  bCondTo(s, insn, s[S.NF] === s[S.VF] && s[S.ZF] === 0);
}

/** B.AL / B.NV: both always branch in A64. */
export function bAlNv(cpu: Cpu, insn: number): void {
  branchRel(cpu.s, off19(insn));
}

/** CBZ / CBNZ (op = bit 24); sf = bit 31 selects Wt or Xt. */
export function cbz(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const rt = insn & 0x1f;
  let zero = true;
  if (rt !== 31) zero = insn < 0 ? (s[2 * rt] | s[2 * rt + 1]) === 0 : s[2 * rt] === 0;
  if (zero === ((insn & (1 << 24)) === 0)) branchRel(s, off19(insn));
}

/** TBZ / TBNZ (op = bit 24): bit b5:b40 of Xt; imm14 at [18:5]. */
export function tbz(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const rt = insn & 0x1f;
  const bit = ((insn >>> 26) & 0x20) | ((insn >>> 19) & 0x1f);
  const v = rt === 31 ? 0 : (s[2 * rt + (bit >>> 5)] >>> (bit & 31)) & 1;
  if ((v === 0) === ((insn & (1 << 24)) === 0)) branchRel(s, ((insn << 13) >> 16) & ~3);
}

/** BR Xn. */
export function br(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const rn = (insn >>> 5) & 0x1f;
  if (rn === 31) {
    s[S.PC] = 0;
    s[S.PC_HI] = 0;
  } else {
    s[S.PC] = s[2 * rn];
    s[S.PC_HI] = s[2 * rn + 1];
  }
}

/** BLR Xn: the target is read before X30 is written (BLR X30 works). */
export function blr(cpu: Cpu, insn: number): void {
  const s = cpu.s;
  const rn = (insn >>> 5) & 0x1f;
  const tlo = rn === 31 ? 0 : s[2 * rn];
  const thi = rn === 31 ? 0 : s[2 * rn + 1];
  s[60] = s[S.PC];
  s[61] = s[S.PC_HI];
  s[S.PC] = tlo;
  s[S.PC_HI] = thi;
}

/** RET {Xn}: as BR, with the hint that this is a return (Rn is 30 unless written). */
export function ret(cpu: Cpu, insn: number): void {
  br(cpu, insn);
}

/**
 * ERET: UNDEFINED at EL0; at EL1 AArch64.ExceptionReturn() (exceptions.ts), which also handles
 * an illegal return. An exception return sets the event register (D1.6.1).
 */
export function eret(cpu: Cpu, _insn: number): boolean {
  if (cpu.s[S.EL] === 0) return false;
  exceptionReturn(cpu);
  cpu.s[S_EVENT] = 1;
  return true;
}

/**
 * The PAuth branches (BRAA, BRAAZ, BLRAA, BLRAAZ, RETAA, ERETAA and their B-key forms) decode
 * only with FEAT_PAuth, which no model advertises (PACIASP and friends are NOPs in the hint
 * space). Should a model advertise it, these branch without authenticating, consistent with
 * those NOP hints never inserting a PAC: the modifier (Xm/SP) is ignored.
 */
export function braa(cpu: Cpu, insn: number): void {
  br(cpu, insn);
}

export function blraa(cpu: Cpu, insn: number): void {
  blr(cpu, insn);
}

export function retaa(cpu: Cpu, _insn: number): void {
  const s = cpu.s;
  s[S.PC] = s[60];
  s[S.PC_HI] = s[61];
}

export function eretaa(cpu: Cpu, insn: number): boolean {
  return eret(cpu, insn);
}
