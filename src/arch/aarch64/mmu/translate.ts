/**
 * TLB refill: stage 1 then stage 2, combined into one software-TLB entry of 4 KiB
 * (DESIGN.md "Speed"), and the faults either stage raises.
 */
import type { Cpu } from '../cpu.js';
import { Tlb, P } from '../cpu.js';
import { S } from '../state.js';
import { s1, stage1Walk } from './stage1.js';
import { s2, stage2Walk, S2_R, S2_W, S2_X } from './stage2.js';
import {
  esr,
  ESR_ELx_EC_DABT_LOW,
  ESR_ELx_EC_DABT_CUR,
  ESR_ELx_EC_IABT_LOW,
  ESR_ELx_EC_IABT_CUR,
  FSC_ALIGNMENT,
  FSC_PERMISSION,
  FSC_SYNC_EXTERNAL,
  ISS_WNR,
  ISS_S1PTW,
} from '../esr.js';
import { syncToEl1, trapToEl2 } from '../exceptions.js';

export const ACC_READ = 0;
export const ACC_WRITE = 1;
export const ACC_EXEC = 2;

/** HCR_EL2.VM: stage 2 enabled. Without it IPA == host physical address. */
const HCR_VM = 1;

const WRITE_BITS = P.W0 | P.W1 | P.W1PAN;

/** Data abort to EL1 for a stage-1 fault (ISV 0: D24.2.40, only stage-2 aborts carry ISV). */
export function dataAbortStage1(cpu: Cpu, hi: number, lo: number, isWrite: boolean, fsc: number): never {
  const ec = cpu.s[S.EL] === 0 ? ESR_ELx_EC_DABT_LOW : ESR_ELx_EC_DABT_CUR;
  return syncToEl1(cpu, ec, true, (isWrite ? ISS_WNR : 0) | fsc, true, lo, hi);
}

/** Instruction abort to EL1 for a stage-1 fault on fetch; FAR = the fetched address. */
export function instructionAbortStage1(cpu: Cpu, hi: number, lo: number, fsc: number): never {
  const ec = cpu.s[S.EL] === 0 ? ESR_ELx_EC_IABT_LOW : ESR_ELx_EC_IABT_CUR;
  return syncToEl1(cpu, ec, true, fsc, true, lo, hi);
}

/**
 * A stage-2 fault: trap to EL2 with ESR_EL2 (EC 0x20/0x24), FAR_EL2 = VA and HPFAR_EL2 =
 * IPA[47:12] in bits [43:4] (D24.2.62). `syn` (ISV and friends) is reported for data accesses
 * that are not stage-1 table walks.
 *
 * For a fault on a stage-1 table walk (`s1ptw`): ISS.S1PTW = 1, the FSC level is the stage-2
 * level, ISV = 0, and WnR = 0 because the walk only reads descriptors (no FEAT_HAFDBS updates;
 * the fetch or write that needed the walk does not matter, AArch64.S1Walk's TTW access is a
 * read). A fetch's walk is reported as an Instruction Abort (EC 0x20). Here `syn` carries the
 * extra ISS bits of the walker's caller: 0 for loads/stores/fetches, CM | WnR for AT (ESR_EL2.WnR:
 * "For faults on cache maintenance and address translation instructions, [WnR] always returns
 * a value of 1").
 */
export function stage2Fault(
  cpu: Cpu,
  vaHi: number,
  vaLo: number,
  ipaHi: number,
  ipaLo: number,
  acc: number,
  fsc: number,
  syn: number,
  s1ptw: boolean,
): never {
  const s = cpu.s;
  let iss = fsc;
  if (s1ptw) iss |= ISS_S1PTW | syn;
  else if (acc !== ACC_EXEC) iss |= syn | (acc === ACC_WRITE ? ISS_WNR : 0);
  const ec = acc === ACC_EXEC ? ESR_ELx_EC_IABT_LOW : ESR_ELx_EC_DABT_LOW;
  s[S.FAR_EL2] = vaLo;
  s[S.FAR_EL2_HI] = vaHi;
  // HPFAR.FIPA = IPA[51:12] at bits [47:4]: low word holds IPA[39:12], high word IPA[51:40].
  s[S.HPFAR_EL2] = (((ipaLo >>> 12) | (ipaHi << 20)) << 4) | 0;
  s[S.HPFAR_EL2_HI] = (ipaHi >>> 8) & 0xfff;
  return trapToEl2(cpu, esr(ec, true, iss), true);
}

/**
 * Translate stage 2 for an IPA on behalf of an access (also used by the stage-1 walker for
 * table reads, with s1ptw). Returns the host physical address with s2.perm/s2.device set.
 */
export function translateIpa(cpu: Cpu, vaHi: number, vaLo: number, ipaHi: number, ipaLo: number, acc: number, syn: number, s1ptw: boolean): number {
  const s = cpu.s;
  if ((s[S.HCR_EL2] & HCR_VM) === 0) {
    const host = (ipaHi >>> 0) * 4294967296 + (ipaLo >>> 0);
    if (host >= cpu.mem.size) {
      // No memory there: a synchronous external abort, taken at EL1.
      if (acc === ACC_EXEC) return instructionAbortStage1(cpu, vaHi, vaLo, FSC_SYNC_EXTERNAL);
      return dataAbortStage1(cpu, vaHi, vaLo, acc === ACC_WRITE, FSC_SYNC_EXTERNAL);
    }
    s2.perm = S2_R | S2_W | S2_X;
    s2.device = false;
    s2.attr = 0xf;
    s2.level = 0;
    return host;
  }
  const host = stage2Walk(cpu, ipaHi, ipaLo);
  if (host < 0) return stage2Fault(cpu, vaHi, vaLo, ipaHi, ipaLo, acc, s2.fsc, syn, s1ptw);
  return host;
}

/**
 * Fill the TLB entry for VA (hi, lo) and return its index, or raise the fault the access takes.
 * `need` is the permission bit the access requires under the current EL/PAN (cpu.permR/W/X,
 * or P.R0/P.W0 for unprivileged accesses).
 */
export function tlbFill(cpu: Cpu, hi: number, lo: number, acc: number, need: number, syn: number, unaligned = false): number {
  if (!stage1Walk(cpu, hi, lo, acc)) {
    if (acc === ACC_EXEC) return instructionAbortStage1(cpu, hi, lo, s1.fsc);
    return dataAbortStage1(cpu, hi, lo, acc === ACC_WRITE, s1.fsc);
  }
  const s1perm = s1.perm;
  // An unaligned data access to Device memory (stage 1's type: with the MMU off all data is
  // Device-nGnRnE) is an alignment fault, found after the walk and before the stage-1 permission
  // check and anything at stage 2 (AArch64.S1Translate / S1DisabledOutput,
  // AArch64.S1HasAlignmentFault): an unaligned access to MMIO faults at EL1, it does not exit.
  if (unaligned && (s1perm & P.DEVICE) !== 0) return dataAbortStage1(cpu, hi, lo, acc === ACC_WRITE, FSC_ALIGNMENT);
  // A stage-1 permission fault is detected before the output address goes to stage 2.
  if ((s1perm & need) === 0) {
    if (acc === ACC_EXEC) return instructionAbortStage1(cpu, hi, lo, FSC_PERMISSION + s1.level);
    return dataAbortStage1(cpu, hi, lo, acc === ACC_WRITE, FSC_PERMISSION + s1.level);
  }
  const ipaHi = s1.ipaHi;
  const ipaLo = s1.ipaLo & -4096;
  const host = translateIpa(cpu, hi, lo, ipaHi, ipaLo, acc, syn, false);
  const sp = s2.perm;
  let perm = s1perm & (P.DEVICE | (sp & S2_R ? P.R0 | P.R1 | P.R1PAN : 0) | (sp & S2_W ? WRITE_BITS : 0) | (sp & S2_X ? P.X0 | P.X1 : 0));
  if (s2.device) perm |= P.DEVICE;
  if ((perm & need) === 0) return stage2Fault(cpu, hi, lo, ipaHi, s1.ipaLo, acc, FSC_PERMISSION + s2.level, syn, false);
  const hostPage = Math.floor(host / 4096);
  // Pages holding decoded code are written through the slow path, which drops the code.
  if (cpu.mem.codePage[hostPage] !== 0) perm &= ~WRITE_BITS;
  const i = (lo >>> 12) & Tlb.MASK;
  cpu.tlbVaLo[i] = lo & -4096;
  cpu.tlbVaHi[i] = hi;
  cpu.tlbHost[i] = hostPage * 4096;
  cpu.tlbPerm[i] = perm;
  return i;
}
