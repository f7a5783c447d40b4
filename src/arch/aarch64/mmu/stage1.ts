/**
 * Stage 1 translation for the EL1&0 regime, VA -> IPA (Arm ARM DDI 0487K.a D8).
 * Contract with translate.ts: stage1Walk() fills `s1` and returns true, or returns false with
 * s1.fsc (fault status including level) for a stage-1 fault that goes to EL1. A stage-2 fault
 * on a table-descriptor read (S1PTW) traps to EL2 itself and never returns.
 */
import type { Cpu } from '../cpu.js';
import { P } from '../cpu.js';
import { S, SR, srIndex } from '../state.js';
import { FSC_ADDR_SIZE } from '../esr.js';

/** Result of the last stage1Walk(); reused, never reallocated. `perm` holds P_* bits. */
export const s1 = { ipaHi: 0, ipaLo: 0, perm: 0, fsc: 0, level: 0 };

const SCTLR_M = 1;
const ALL = P.R0 | P.W0 | P.X0 | P.R1 | P.W1 | P.X1 | P.R1PAN | P.W1PAN;

export function stage1Walk(cpu: Cpu, hi: number, lo: number, acc: number): boolean {
  const s = cpu.s;
  if ((s[srIndex(SR.SCTLR_EL1)] & SCTLR_M) === 0) {
    // Stage 1 disabled (D8.2.11): flat map; data accesses are Device-nGnRnE, fetches Normal.
    const pa = cpu.feat.paBits;
    if ((hi >>> (pa - 32)) !== 0) {
      s1.fsc = FSC_ADDR_SIZE + 0;
      s1.level = 0;
      return false;
    }
    s1.ipaHi = hi;
    s1.ipaLo = lo;
    s1.perm = ALL | P.DEVICE;
    s1.level = 0;
    void acc;
    return true;
  }
  // MMU on: the table walker is built in the MMU work (issue 2); until then every access faults.
  s1.fsc = 0x04;
  s1.level = 0;
  return false;
}
