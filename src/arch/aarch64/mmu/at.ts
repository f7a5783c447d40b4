/**
 * Address translation instructions AT S1E1R/W, S1E0R/W, S1E1RP/WP (Arm ARM DDI 0487K.a D8
 * "Address translation instructions", pseudocode AArch64.AT_S1Ex() / AArch64.AT()): a stage-1
 * translation of the VA as the named access would make it, reported in PAR_EL1 (D24.2.142)
 * instead of raising the stage-1 fault. Nothing is cached in the TLB.
 *
 * Faults that are not recorded in PAR_EL1:
 * - A stage-2 fault on a stage-1 table walk is taken to EL2 as a Data Abort (EC 0x24) with
 *   S1PTW = 1, CM = 1 and WnR = 1 (D8 "Address translation instructions": the
 *   synchronous faults they generate: the AT instruction generates the abort; ESR WnR "always returns 1" and CM is
 *   1 for address translation instructions). FAR_EL2 = the VA, HPFAR_EL2 = the descriptor's IPA.
 *   PAR_EL1 is not written. This is also what QEMU does (do_ats_write).
 * - A synchronous External abort on the table walk is taken to EL1 as a Data Abort with CM and
 *   WnR set (PAR_EL1.FST has no encoding for it).
 * The S1E1* forms are stage-1 only: PAR_EL1.PA is the IPA, no stage-2 translation of the output.
 */
import type { Cpu } from '../cpu.js';
import { P } from '../cpu.js';
import { S, SR } from '../state.js';
import { s1, stage1Walk } from './stage1.js';
import { ACC_READ, ACC_WRITE } from './translate.js';
import { syncToEl1 } from '../exceptions.js';
import {
  ESR_ELx_EC_DABT_LOW,
  ESR_ELx_EC_DABT_CUR,
  FSC_PERMISSION,
  FSC_SYNC_EXTERNAL_WALK,
  ISS_CM,
  ISS_WNR,
} from '../esr.js';

export const AT_S1E1R = 0;
export const AT_S1E1W = 1;
export const AT_S1E0R = 2;
export const AT_S1E0W = 3;
export const AT_S1E1RP = 4;
export const AT_S1E1WP = 5;

/**
 * PAR_EL1 bits (64-bit format). F = 1: FST [6:1], PTW bit 8 and S bit 9 stay 0 here (only
 * stage-1 faults are recorded); F = 0: NS bit 9, SH [8:7], PA [47:12], ATTR [63:56].
 */
const PAR_F = 1;
const PAR_NS = 1 << 9;
/** Bit 11 is RES1 in both formats. */
const PAR_RES1 = 1 << 11;

/**
 * Execute AT `op` (0 S1E1R, 1 S1E1W, 2 S1E0R, 3 S1E0W, 4 S1E1RP, 5 S1E1WP) for VA (hi, lo) and
 * write PAR_EL1. May raise (throw GUEST_EXCEPTION) only for the faults listed above.
 */
export function addressTranslate(cpu: Cpu, hi: number, lo: number, op: number): void {
  const isWrite = (op & 1) !== 0;
  const el0 = op === AT_S1E0R || op === AT_S1E0W;
  // The RP/WP forms check EL1 permissions under the current PSTATE.PAN (FEAT_PAN2); the others
  // ignore PAN.
  const pan = (op === AT_S1E1RP || op === AT_S1E1WP) && cpu.s[S.PAN] !== 0;
  const need = el0 ? (isWrite ? P.W0 : P.R0) : pan ? (isWrite ? P.W1PAN : P.R1PAN) : isWrite ? P.W1 : P.R1;
  const syn = ISS_CM | ISS_WNR;
  if (!stage1Walk(cpu, hi, lo, isWrite ? ACC_WRITE : ACC_READ, syn)) {
    const fsc = s1.fsc;
    if (fsc >= FSC_SYNC_EXTERNAL_WALK && fsc <= FSC_SYNC_EXTERNAL_WALK + 3) {
      const ec = cpu.s[S.EL] === 0 ? ESR_ELx_EC_DABT_LOW : ESR_ELx_EC_DABT_CUR;
      syncToEl1(cpu, ec, true, syn | fsc, true, lo, hi);
    }
    // Stage-1 fault: F = 1, FST, S = 0 (stage 1), PTW = 0 (S1PTW faults went to EL2).
    cpu.setSr(SR.PAR_EL1, PAR_RES1 | (fsc << 1) | PAR_F, 0);
    return;
  }
  if ((s1.perm & need) === 0) {
    cpu.setSr(SR.PAR_EL1, PAR_RES1 | ((FSC_PERMISSION + s1.level) << 1) | PAR_F, 0);
    return;
  }
  const attr = s1.attr;
  // SH: Device and Normal Inner+Outer Non-cacheable memory are reported Outer Shareable (0b10).
  const sh = (attr & 0xf0) === 0 || attr === 0x44 ? 2 : s1.sh;
  // PA = IPA bits [47:12]; NS = 1 (Non-secure regime; the bit is UNKNOWN there, 1 as QEMU).
  const parLo = (s1.ipaLo & -4096) | PAR_RES1 | PAR_NS | (sh << 7);
  const parHi = (s1.ipaHi & 0xffff) | (attr << 24);
  cpu.setSr(SR.PAR_EL1, parLo, parHi);
}
