/**
 * Debug and PMU registers (Arm ARM DDI 0487K.a D24.3 "Debug registers", D24.5 "Performance
 * Monitors registers"). typevisor implements no self-hosted debug events yet: the registers
 * hold what the guest writes (Linux programs them at boot and on ptrace) and are trapped by
 * MDCR_EL2.TDA / TDOSA / TDRA as the Arm ARM says. The breakpoint and watchpoint registers
 * exist for n below the counts in ID_AA64DFR0_EL1 (BRPs [15:12] + 1, WRPs [23:20] + 1).
 *
 * PMU: the models advertise PMUVer 0, so these encodings are UNDEFINED; a model with a PMU
 * sees RAZ/WI registers trapped by MDCR_EL2.TPM until a PMU is emulated.
 */
import type { Cpu } from '../cpu.js';
import { S, SR } from '../state.js';
import {
  SysregDesc,
  reg,
  A_R,
  A_W,
  A_RW,
  A_R0,
  A_ALL,
  CHECK_OK,
  CHECK_TRAP_EL1,
  MDCR_TDA,
  MDCR_TDOSA,
  MDCR_TDRA,
  MDCR_TPM,
  writeStored,
  idField,
} from './desc.js';

/**
 * Storage of DBGBVR/BCR/WVR/WCR<n>_EL1, n = 0..15, 64 bits each, in the state block's last
 * 128 words (above every SR slot; to be reserved in state.ts as S.DBG_BASE).
 */
export const DBG_BASE = S.DBG_BASE;
export const DBGBVR_WORD = DBG_BASE;
export const DBGBCR_WORD = DBG_BASE + 32;
export const DBGWVR_WORD = DBG_BASE + 64;
export const DBGWCR_WORD = DBG_BASE + 96;

function brps(cpu: Cpu): number {
  return idField(cpu, 5, 0, 12) + 1;
}
function wrps(cpu: Cpu): number {
  return idField(cpu, 5, 0, 20) + 1;
}

/** Visibility by register number: one function per n keeps the rows closure-free at access time. */
const BP_VISIBLE: ((cpu: Cpu) => boolean)[] = [];
const WP_VISIBLE: ((cpu: Cpu) => boolean)[] = [];
for (let n = 0; n < 16; n++) {
  BP_VISIBLE.push((cpu) => n < brps(cpu));
  WP_VISIBLE.push((cpu) => n < wrps(cpu));
}

/** OSLAR_EL1.OSLK (bit 0) sets OSLSR_EL1.OSLK (bit 1) (D24.3.21). */
const OSLSR_WORD = S.SYSREG_BASE + 2 * SR.OSLSR_EL1;
function writeOslar(cpu: Cpu, _d: SysregDesc, lo: number, _hi: number): void {
  const s = cpu.s;
  s[OSLSR_WORD] = (s[OSLSR_WORD] & ~2) | ((lo & 1) << 1);
}

function writeOsdlr(cpu: Cpu, d: SysregDesc, lo: number, _hi: number): void {
  writeStored(cpu, d, lo & 1, 0);
}

function writeLow32(cpu: Cpu, d: SysregDesc, lo: number, _hi: number): void {
  writeStored(cpu, d, lo, 0);
}

/** EL0 access to the debug communications channel needs MDSCR_EL1.TDCC = 0 (D24.3.17). */
const MDSCR_WORD = S.SYSREG_BASE + 2 * SR.MDSCR_EL1;
const MDSCR_TDCC = 1 << 12;
function checkTdcc(cpu: Cpu, _d: SysregDesc, _r: boolean): number {
  return cpu.s[S.EL] === 0 && (cpu.s[MDSCR_WORD] & MDSCR_TDCC) !== 0 ? CHECK_TRAP_EL1 : CHECK_OK;
}

function hasPmu(cpu: Cpu): boolean {
  const v = idField(cpu, 5, 0, 8);
  return v !== 0 && v !== 0xf;
}

const TDA = { mdcr: MDCR_TDA };
const TDOSA = { mdcr: MDCR_TDOSA };

function bpRows(): SysregDesc[] {
  const out: SysregDesc[] = [];
  for (let n = 0; n < 16; n++) {
    out.push(reg(`DBGBVR${n}_EL1`, 2, 0, 0, n, 4, { ...TDA, word: DBGBVR_WORD + 2 * n, visible: BP_VISIBLE[n] }));
    out.push(reg(`DBGBCR${n}_EL1`, 2, 0, 0, n, 5, { ...TDA, word: DBGBCR_WORD + 2 * n, visible: BP_VISIBLE[n], write: writeLow32 }));
    out.push(reg(`DBGWVR${n}_EL1`, 2, 0, 0, n, 6, { ...TDA, word: DBGWVR_WORD + 2 * n, visible: WP_VISIBLE[n] }));
    out.push(reg(`DBGWCR${n}_EL1`, 2, 0, 0, n, 7, { ...TDA, word: DBGWCR_WORD + 2 * n, visible: WP_VISIBLE[n], write: writeLow32 }));
  }
  return out;
}

const PMU = { mdcr: MDCR_TPM, visible: hasPmu };

export const debugRows: readonly SysregDesc[] = [
  reg('OSDTRRX_EL1', 2, 0, 0, 0, 2, { ...TDA }),
  reg('MDCCINT_EL1', 2, 0, 0, 2, 0, { ...TDA, slot: SR.MDCCINT_EL1 }),
  reg('MDSCR_EL1', 2, 0, 0, 2, 2, { ...TDA, slot: SR.MDSCR_EL1, write: writeLow32 }),
  reg('OSDTRTX_EL1', 2, 0, 0, 3, 2, { ...TDA }),
  reg('OSECCR_EL1', 2, 0, 0, 6, 2, { ...TDA }),
  ...bpRows(),
  reg('MDRAR_EL1', 2, 0, 1, 0, 0, { access: A_R, mdcr: MDCR_TDRA }),
  reg('OSLAR_EL1', 2, 0, 1, 0, 4, { access: A_W, ...TDOSA, write: writeOslar }),
  // OSLM = 0b10 (OS Lock implemented), OSLK = 0 at reset, as KVM's reset value 0x8.
  reg('OSLSR_EL1', 2, 0, 1, 1, 4, { access: A_R, ...TDOSA, slot: SR.OSLSR_EL1, reset: 0x8n }),
  reg('OSDLR_EL1', 2, 0, 1, 3, 4, { ...TDOSA, slot: SR.OSDLR_EL1, write: writeOsdlr }),
  reg('DBGPRCR_EL1', 2, 0, 1, 4, 4, { ...TDOSA }),
  reg('DBGCLAIMSET_EL1', 2, 0, 7, 8, 6, { ...TDA }),
  reg('DBGCLAIMCLR_EL1', 2, 0, 7, 9, 6, { ...TDA }),
  reg('DBGAUTHSTATUS_EL1', 2, 0, 7, 14, 6, { access: A_R, ...TDA }),
  reg('MDCCSR_EL0', 2, 3, 0, 1, 0, { access: A_R | A_R0, ...TDA, check: checkTdcc }),
  reg('DBGDTR_EL0', 2, 3, 0, 4, 0, { access: A_ALL, ...TDA, check: checkTdcc }),
  reg('DBGDTRRX_EL0', 2, 3, 0, 5, 0, { access: A_ALL, ...TDA, check: checkTdcc }),

  reg('PMINTENSET_EL1', 3, 0, 9, 14, 1, { ...PMU }),
  reg('PMINTENCLR_EL1', 3, 0, 9, 14, 2, { ...PMU }),
  reg('PMCR_EL0', 3, 3, 9, 12, 0, { ...PMU }),
  reg('PMCNTENSET_EL0', 3, 3, 9, 12, 1, { ...PMU }),
  reg('PMCNTENCLR_EL0', 3, 3, 9, 12, 2, { ...PMU }),
  reg('PMOVSCLR_EL0', 3, 3, 9, 12, 3, { ...PMU }),
  reg('PMSELR_EL0', 3, 3, 9, 12, 5, { ...PMU }),
  reg('PMCEID0_EL0', 3, 3, 9, 12, 6, { access: A_R, ...PMU }),
  reg('PMCEID1_EL0', 3, 3, 9, 12, 7, { access: A_R, ...PMU }),
  reg('PMCCNTR_EL0', 3, 3, 9, 13, 0, { ...PMU }),
  reg('PMUSERENR_EL0', 3, 3, 9, 14, 0, { access: A_RW, ...PMU }),
  reg('PMOVSSET_EL0', 3, 3, 9, 14, 3, { ...PMU }),
  reg('PMCCFILTR_EL0', 3, 3, 14, 15, 7, { ...PMU }),
];
