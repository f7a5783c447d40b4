/**
 * The hypervisor's side of system-register traps (EC 0x18): Linux's kvm_handle_sys_reg() and
 * the `access` half of sys_reg_descs[] (arch/arm64/kvm/sys_regs.c), for the registers that trap
 * with the HCR_EL2 a vCPU runs with (KVM's HCR_GUEST_FLAGS: TID3, TID1, TACR, TSW, and TVM/TRVM
 * when KVM tracks set/way flushes; TID2 when it emulates the cache hierarchy).
 *
 * One row per register (STYLE.md rule 4), sorted by encoding and checked at load. A row's
 * `access` returns true when the instruction completed (PC is stepped), false when it injected
 * an exception. A trapped access without a row is logged, rate-limited, shaped as the row to add
 * (KVM's print_sys_reg_msg()), and the guest gets an Undefined Instruction.
 *
 * The register state itself belongs to the vCPU (the arch's sysreg table: storage, reset,
 * read/write side effects), so most rows perform the access through the arch row: the guest
 * sees exactly what it would see untrapped. ID registers read the values the VM's ID registers
 * (vm.idRegs) installed in the vCPU.
 */
import type { Vcpu } from '../vcpu.js';
import { S, SR, srIndex } from '../../arch/aarch64/state.js';
import { SYSREG_BY_KEY, describeSysreg } from '../../arch/aarch64/sysregs/table.js';
import { hypLog } from '../ratelimit.js';
import { injectUndefined } from './inject.js';
import { vgicOf, vgicV3DispatchSgi } from '../vgic/vgic.js';

/** struct sys_reg_params: the decoded trap (ESR_EL2 ISS for EC 0x18, Arm ARM D24.2.41). */
export interface SysRegParams {
  op0: number;
  op1: number;
  crn: number;
  crm: number;
  op2: number;
  rt: number;
  isWrite: boolean;
  /** Xt as (lo, hi): the value written, or the value read back. */
  lo: number;
  hi: number;
}

export type SysRegAccess = (v: Vcpu, p: SysRegParams, r: HypSysRegDesc) => boolean;

export interface HypSysRegDesc {
  readonly name: string;
  readonly op0: number;
  readonly op1: number;
  readonly crn: number;
  readonly crm: number;
  readonly op2: number;
  readonly key: number;
  readonly access: SysRegAccess;
}

function sysReg(name: string, op0: number, op1: number, crn: number, crm: number, op2: number, access: SysRegAccess): HypSysRegDesc {
  return { name, op0, op1, crn, crm, op2, key: (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2, access };
}

/** print_sys_reg_msg(): the access as a row to paste into HYP_SYS_REGS. */
function logSysReg(v: Vcpu, p: SysRegParams, msg: string): void {
  const key = (p.op0 << 14) | (p.op1 << 11) | (p.crn << 7) | (p.crm << 3) | p.op2;
  const name = describeSysreg(key << 5).split(':')[0];
  hypLog.log(
    `typevisor: vcpu ${v.id}: ${msg} at PC 0x${v.cpu.pc.toString(16)}: ` +
      `sysReg('${name}', ${p.op0}, ${p.op1}, ${p.crn}, ${p.crm}, ${p.op2}, ${p.isWrite ? 'write' : 'read'}_?),`,
  );
}

// ---- shared accessors (sys_regs.c: trap_raz_wi, write_to_read_only, ...) ----------------------

/** Perform the access on the vCPU's own register (the arch row): what the guest would see untrapped. */
function accessArch(v: Vcpu, p: SysRegParams, r: HypSysRegDesc): boolean {
  const d = SYSREG_BY_KEY[r.key];
  const cpu = v.cpu;
  if (d === undefined) {
    // No architectural state behind it: RAZ/WI.
    p.lo = 0;
    p.hi = 0;
    return true;
  }
  if (p.isWrite) {
    d.write(cpu, d, p.lo, p.hi);
  } else {
    p.lo = d.read(cpu, d);
    p.hi = cpu.rhi;
  }
  return true;
}

/** write_to_read_only(): log and UNDEF. */
function writeToReadOnly(v: Vcpu, p: SysRegParams, _r: HypSysRegDesc): boolean {
  logSysReg(v, p, 'sys_reg write to read-only register');
  injectUndefined(v);
  return false;
}

/** read_from_write_only(): log and UNDEF. */
function readFromWriteOnly(v: Vcpu, p: SysRegParams, _r: HypSysRegDesc): boolean {
  logSysReg(v, p, 'sys_reg read from write-only register');
  injectUndefined(v);
  return false;
}

/** access_id_reg(): ID registers are read-only; reads come from the VM's values. */
function accessIdReg(v: Vcpu, p: SysRegParams, r: HypSysRegDesc): boolean {
  if (p.isWrite) return writeToReadOnly(v, p, r);
  return accessArch(v, p, r);
}

/** Read-only registers the model defines (REVIDR, AIDR, CTR, CCSIDR, CLIDR). */
function accessReadOnly(v: Vcpu, p: SysRegParams, r: HypSysRegDesc): boolean {
  if (p.isWrite) return writeToReadOnly(v, p, r);
  return accessArch(v, p, r);
}

/** access_actlr(): writes ignored, reads the vCPU's ACTLR_EL1 (0 on every model here). */
function accessActlr(v: Vcpu, p: SysRegParams, _r: HypSysRegDesc): boolean {
  if (p.isWrite) return true;
  const i = srIndex(SR.ACTLR_EL1);
  p.lo = v.cpu.s[i];
  p.hi = v.cpu.s[i + 1];
  return true;
}

/**
 * access_dcsw(): set/way maintenance (DC ISW/CSW/CISW). The caches are not modelled and stage 2
 * is coherent, so there is nothing to flush: complete the instruction.
 */
function accessDcsw(v: Vcpu, p: SysRegParams, r: HypSysRegDesc): boolean {
  if (!p.isWrite) return readFromWriteOnly(v, p, r);
  return true;
}

/**
 * access_gic_sgi(): ICC_SGI1R_EL1 / ICC_ASGI1R_EL1 / ICC_SGI0R_EL1 trapped by HCR_EL2.IMO/FMO
 * (IHI 0069H 12.2.20-22): the vGIC makes the SGI pending on its targets. ICC_SGI1R_EL1 may raise
 * Group 1 SGIs; ICC_ASGI1R_EL1 acts as ICC_SGI0R_EL1 with one Security state (KVM's choice).
 * Without an initialised vGIC there is no one to receive them: ignored. Reads UNDEF (write-only).
 */
function accessGicSgi(v: Vcpu, p: SysRegParams, r: HypSysRegDesc): boolean {
  if (!p.isWrite) return readFromWriteOnly(v, p, r);
  const vg = vgicOf(v.vm);
  if (vg === undefined || !vg.initialized) return true;
  vgicV3DispatchSgi(vg, v.vm.vcpus.indexOf(v), p.lo, p.hi, r.op2 === 5);
  return true;
}

/** access_vm_reg(): the TVM/TRVM group, performed on the vCPU's register. */
const accessVmReg = accessArch;

// ---- the table -------------------------------------------------------------------------------

/** (3, 0, 0, CRm 1..7, op2): the TID3 block, every encoding a row (KVM's ID_SANITISED/ID_UNALLOCATED). */
function idBlock(): HypSysRegDesc[] {
  const out: HypSysRegDesc[] = [];
  for (let crm = 1; crm <= 7; crm++) {
    for (let op2 = 0; op2 < 8; op2++) {
      const d = SYSREG_BY_KEY[(3 << 14) | (crm << 3) | op2];
      out.push(sysReg(d?.name ?? `ID_UNALLOCATED_${crm}_${op2}`, 3, 0, 0, crm, op2, accessIdReg));
    }
  }
  return out;
}

export const HYP_SYS_REGS: readonly HypSysRegDesc[] = [
  // DC ISW / CSW / CISW (HCR_EL2.TSW)
  sysReg('DC_ISW', 1, 0, 7, 6, 2, accessDcsw),
  sysReg('DC_CSW', 1, 0, 7, 10, 2, accessDcsw),
  sysReg('DC_CISW', 1, 0, 7, 14, 2, accessDcsw),
  // Identification: TID1 (REVIDR, AIDR), TID3 (the ID block), TID2 (cache identification)
  sysReg('REVIDR_EL1', 3, 0, 0, 0, 6, accessReadOnly),
  ...idBlock(),
  sysReg('SCTLR_EL1', 3, 0, 1, 0, 0, accessVmReg),
  sysReg('ACTLR_EL1', 3, 0, 1, 0, 1, accessActlr),
  sysReg('TTBR0_EL1', 3, 0, 2, 0, 0, accessVmReg),
  sysReg('TTBR1_EL1', 3, 0, 2, 0, 1, accessVmReg),
  sysReg('TCR_EL1', 3, 0, 2, 0, 2, accessVmReg),
  sysReg('AFSR0_EL1', 3, 0, 5, 1, 0, accessVmReg),
  sysReg('AFSR1_EL1', 3, 0, 5, 1, 1, accessVmReg),
  sysReg('ESR_EL1', 3, 0, 5, 2, 0, accessVmReg),
  sysReg('FAR_EL1', 3, 0, 6, 0, 0, accessVmReg),
  sysReg('MAIR_EL1', 3, 0, 10, 2, 0, accessVmReg),
  sysReg('AMAIR_EL1', 3, 0, 10, 3, 0, accessVmReg),
  sysReg('ICC_SGI1R_EL1', 3, 0, 12, 11, 5, accessGicSgi),
  sysReg('ICC_ASGI1R_EL1', 3, 0, 12, 11, 6, accessGicSgi),
  sysReg('ICC_SGI0R_EL1', 3, 0, 12, 11, 7, accessGicSgi),
  sysReg('CONTEXTIDR_EL1', 3, 0, 13, 0, 1, accessVmReg),
  sysReg('CCSIDR_EL1', 3, 1, 0, 0, 0, accessReadOnly),
  sysReg('CLIDR_EL1', 3, 1, 0, 0, 1, accessReadOnly),
  sysReg('AIDR_EL1', 3, 1, 0, 0, 7, accessReadOnly),
  sysReg('CSSELR_EL1', 3, 2, 0, 0, 0, accessArch),
  sysReg('CTR_EL0', 3, 3, 0, 0, 1, accessReadOnly),
];

/** check_sysreg_table(): strictly sorted by encoding (hence unique). Throws at load on a bad table. */
export function checkHypSysRegTable(rows: readonly HypSysRegDesc[]): void {
  for (let i = 1; i < rows.length; i++) {
    if (rows[i - 1].key >= rows[i].key) throw new Error(`hyp sysreg table: ${rows[i].name} is not after ${rows[i - 1].name}`);
  }
}
checkHypSysRegTable(HYP_SYS_REGS);

const BY_KEY = new Map<number, HypSysRegDesc>(HYP_SYS_REGS.map((r) => [r.key, r]));

/** The row for an encoding, if the hypervisor handles it. */
export function findHypSysReg(op0: number, op1: number, crn: number, crm: number, op2: number): HypSysRegDesc | undefined {
  return BY_KEY.get((op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2);
}

/** esr_sys64_to_params(). */
export function esrSys64ToParams(esr: number): SysRegParams {
  return {
    op0: (esr >>> 20) & 3,
    op2: (esr >>> 17) & 7,
    op1: (esr >>> 14) & 7,
    crn: (esr >>> 10) & 15,
    rt: (esr >>> 5) & 31,
    crm: (esr >>> 1) & 15,
    isWrite: (esr & 1) === 0,
    lo: 0,
    hi: 0,
  };
}

/**
 * kvm_handle_sys_reg(): emulate the trapped MRS/MSR/SYS, write Xt for a read, step PC when it
 * completed. The trap's preferred return is the instruction itself.
 */
export function kvmHandleSysReg(v: Vcpu, esr: number): void {
  const s = v.cpu.s;
  const p = esrSys64ToParams(esr);
  if (p.rt !== 31) {
    p.lo = s[2 * p.rt];
    p.hi = s[2 * p.rt + 1];
  }
  const r = findHypSysReg(p.op0, p.op1, p.crn, p.crm, p.op2);
  if (r === undefined) {
    // emulate_sys_reg(): "Unsupported guest sys_reg access".
    logSysReg(v, p, `unsupported guest sys_reg ${p.isWrite ? 'write' : 'read'}`);
    injectUndefined(v);
    return;
  }
  if (!r.access(v, p, r)) return;
  if (!p.isWrite && p.rt !== 31 && p.op0 >= 2) {
    s[2 * p.rt] = p.lo;
    s[2 * p.rt + 1] = p.hi;
  }
  const pc = (s[S.PC] + 4) | 0;
  s[S.PC] = pc;
  if (pc === 0) s[S.PC_HI] = (s[S.PC_HI] + 1) | 0;
}
