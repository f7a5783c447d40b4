/**
 * Generic timer registers (Arm ARM DDI 0487K.a D12.2, D24.10) as sysreg rows; the arithmetic
 * is in timer.ts. EL0 access is gated by CNTKCTL_EL1 (trap to EL1, EC 0x18), EL1 and EL0 access
 * to the physical counter and timer by CNTHCTL_EL2.EL1PCTEN/EL1PCEN (trap to EL2 when 0).
 */
import type { Cpu } from '../cpu.js';
import { S, SR } from '../state.js';
import {
  readCntpct,
  readCntvct,
  readTimerCtl,
  writeTimerCtl,
  readTimerTval,
  writeTimerTval,
  writeTimerCval,
  TIMER_VIRT,
  TIMER_PHYS,
} from '../timer.js';
import { SysregDesc, reg, A_R, A_R0, A_ALL, CHECK_OK, CHECK_TRAP_EL1, CNTHCTL_EL1PCTEN, CNTHCTL_EL1PCEN } from './desc.js';

/** CNTKCTL_EL1 EL0 enables (D24.10.5). */
const EL0PCTEN = 1 << 0;
const EL0VCTEN = 1 << 1;
const EL0VTEN = 1 << 8;
const EL0PTEN = 1 << 9;
const CNTKCTL_WORD = S.SYSREG_BASE + 2 * SR.CNTKCTL_EL1;

function kctlGate(cpu: Cpu, bits: number): number {
  return cpu.s[S.EL] === 0 && (cpu.s[CNTKCTL_WORD] & bits) === 0 ? CHECK_TRAP_EL1 : CHECK_OK;
}

/** CNTFRQ_EL0 is readable at EL0 when either counter is (D24.10.1). */
function checkFrq(cpu: Cpu, _d: SysregDesc, _r: boolean): number {
  return kctlGate(cpu, EL0PCTEN | EL0VCTEN);
}
function checkPct(cpu: Cpu, _d: SysregDesc, _r: boolean): number {
  return kctlGate(cpu, EL0PCTEN);
}
function checkVct(cpu: Cpu, _d: SysregDesc, _r: boolean): number {
  return kctlGate(cpu, EL0VCTEN);
}
function checkPtimer(cpu: Cpu, _d: SysregDesc, _r: boolean): number {
  return kctlGate(cpu, EL0PTEN);
}
function checkVtimer(cpu: Cpu, _d: SysregDesc, _r: boolean): number {
  return kctlGate(cpu, EL0VTEN);
}

function readFrq(cpu: Cpu, _d: SysregDesc): number {
  cpu.rhi = 0;
  return cpu.counterFrequency | 0;
}
function readPct(cpu: Cpu, _d: SysregDesc): number {
  return readCntpct(cpu);
}
function readVct(cpu: Cpu, _d: SysregDesc): number {
  return readCntvct(cpu);
}
function readVctl(cpu: Cpu, _d: SysregDesc): number {
  return readTimerCtl(cpu, TIMER_VIRT);
}
function writeVctl(cpu: Cpu, _d: SysregDesc, lo: number, _hi: number): void {
  writeTimerCtl(cpu, TIMER_VIRT, lo);
}
function readPctl(cpu: Cpu, _d: SysregDesc): number {
  return readTimerCtl(cpu, TIMER_PHYS);
}
function writePctl(cpu: Cpu, _d: SysregDesc, lo: number, _hi: number): void {
  writeTimerCtl(cpu, TIMER_PHYS, lo);
}
function readVtval(cpu: Cpu, _d: SysregDesc): number {
  return readTimerTval(cpu, TIMER_VIRT);
}
function writeVtval(cpu: Cpu, _d: SysregDesc, lo: number, _hi: number): void {
  writeTimerTval(cpu, TIMER_VIRT, lo);
}
function writeVcval(cpu: Cpu, _d: SysregDesc, lo: number, hi: number): void {
  writeTimerCval(cpu, TIMER_VIRT, lo, hi);
}
function writePcval(cpu: Cpu, _d: SysregDesc, lo: number, hi: number): void {
  writeTimerCval(cpu, TIMER_PHYS, lo, hi);
}
function readPtval(cpu: Cpu, _d: SysregDesc): number {
  return readTimerTval(cpu, TIMER_PHYS);
}
function writePtval(cpu: Cpu, _d: SysregDesc, lo: number, _hi: number): void {
  writeTimerTval(cpu, TIMER_PHYS, lo);
}

const RO0 = A_R | A_R0;
const PCEN = { cnthctl: CNTHCTL_EL1PCEN };

/** KVM exposes the timer through KVM_REG_ARM_TIMER_* ids (core: true), CNTKCTL_EL1 as a sysreg. */
export const timerRows: readonly SysregDesc[] = [
  reg('CNTKCTL_EL1', 3, 0, 14, 1, 0, { slot: SR.CNTKCTL_EL1 }),
  // CNTFRQ_EL0 is writable only at the highest EL (EL3, which does not exist): writes UNDEF.
  reg('CNTFRQ_EL0', 3, 3, 14, 0, 0, { access: RO0, check: checkFrq, read: readFrq, core: true }),
  reg('CNTPCT_EL0', 3, 3, 14, 0, 1, { access: RO0, check: checkPct, cnthctl: CNTHCTL_EL1PCTEN, read: readPct, core: true }),
  reg('CNTVCT_EL0', 3, 3, 14, 0, 2, { access: RO0, check: checkVct, read: readVct, core: true }),
  reg('CNTP_TVAL_EL0', 3, 3, 14, 2, 0, { access: A_ALL, check: checkPtimer, ...PCEN, read: readPtval, write: writePtval, core: true }),
  reg('CNTP_CTL_EL0', 3, 3, 14, 2, 1, { access: A_ALL, check: checkPtimer, ...PCEN, slot: SR.CNTP_CTL_EL0, read: readPctl, write: writePctl, core: true }),
  reg('CNTP_CVAL_EL0', 3, 3, 14, 2, 2, { access: A_ALL, check: checkPtimer, ...PCEN, slot: SR.CNTP_CVAL_EL0, write: writePcval, core: true }),
  reg('CNTV_TVAL_EL0', 3, 3, 14, 3, 0, { access: A_ALL, check: checkVtimer, read: readVtval, write: writeVtval, core: true }),
  reg('CNTV_CTL_EL0', 3, 3, 14, 3, 1, { access: A_ALL, check: checkVtimer, slot: SR.CNTV_CTL_EL0, read: readVctl, write: writeVctl, core: true }),
  reg('CNTV_CVAL_EL0', 3, 3, 14, 3, 2, { access: A_ALL, check: checkVtimer, slot: SR.CNTV_CVAL_EL0, write: writeVcval, core: true }),
];
