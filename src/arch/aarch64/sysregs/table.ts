/**
 * The system-register descriptor table: the single source for guest MRS/MSR/SYS (exec/system.ts),
 * reset (resetSysregs), and the hypervisor's ONE_REG / REG_LIST (sysregs(), sysregValue(),
 * setSysregValue()). After Linux's sys_reg_descs[] (arch/arm64/kvm/sys_regs.c): sorted by
 * encoding, checked at load like check_sysreg_table().
 *
 * GICv3 CPU interface (ICC_*): sysregs/gic-regs.ts, served by the virtual CPU interface
 * (gic/vcpu-if.ts) and visible only when ID_AA64PFR0_EL1.GIC != 0 (the hypervisor raises it when
 * a vGICv3 is configured); otherwise the encodings are UNDEFINED (Arm IHI 0069H 12.1).
 */
import type { Cpu } from '../cpu.js';
import type { SysregDesc } from './desc.js';
import { el1Rows } from './el1-regs.js';
import { timerRows } from './timer-regs.js';
import { debugRows } from './debug-regs.js';
import { sysInsnRows } from './sys-insns.js';
import { gicRows } from './gic-regs.js';

export type { SysregDesc } from './desc.js';

/** Every row, sorted by encoding key. */
export const SYSREGS: readonly SysregDesc[] = [...sysInsnRows, ...debugRows, ...el1Rows, ...timerRows, ...gicRows].sort((a, b) => a.key - b.key);

/** Row by key (insn[20:5] of MRS/MSR/SYS/SYSL); undefined = UNDEFINED encoding. */
export const SYSREG_BY_KEY: (SysregDesc | undefined)[] = new Array<SysregDesc | undefined>(1 << 16).fill(undefined);

/**
 * Table invariants (STYLE.md: tables test themselves): strictly sorted by encoding, no storage
 * word used twice, every stored register has a reset value (resetLo/Hi or resetFn), and no
 * storage inside another row's 64-bit pair. Throws at load on a bad table.
 */
export function checkSysregTable(rows: readonly SysregDesc[]): void {
  const words = new Map<number, string>();
  for (let i = 0; i < rows.length; i++) {
    const d = rows[i];
    if (i > 0 && rows[i - 1].key >= d.key) throw new Error(`sysreg table: ${d.name} is not after ${rows[i - 1].name}`);
    if (d.word >= 0) {
      for (const w of [d.word, d.word + 1]) {
        const other = words.get(w);
        if (other !== undefined) throw new Error(`sysreg table: ${d.name} and ${other} share state word ${w}`);
        words.set(w, d.name);
      }
      if (d.resetFn === undefined && !(Number.isInteger(d.resetLo) && Number.isInteger(d.resetHi))) {
        throw new Error(`sysreg table: ${d.name} has storage and no reset`);
      }
    }
  }
}

checkSysregTable(SYSREGS);
for (const d of SYSREGS) SYSREG_BY_KEY[d.key] = d;

/** The row of an encoding, or undefined. */
export function findSysreg(op0: number, op1: number, crn: number, crm: number, op2: number): SysregDesc | undefined {
  return SYSREG_BY_KEY[(op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2];
}

/** The row of an architectural name (not a hot path). */
export function findSysregByName(name: string): SysregDesc | undefined {
  return SYSREGS.find((d) => d.name === name);
}

/** Every stored register at its reset value (Arm ARM reset values, KVM's choices for UNKNOWN). */
export function resetSysregs(cpu: Cpu): void {
  const s = cpu.s;
  for (const d of SYSREGS) {
    if (d.word < 0) continue;
    if (d.resetFn !== undefined) {
      const v = d.resetFn(cpu);
      s[d.word] = Number(BigInt.asIntN(32, v));
      s[d.word + 1] = Number(BigInt.asIntN(32, v >> 32n));
    } else {
      s[d.word] = d.resetLo;
      s[d.word + 1] = d.resetHi;
    }
  }
}

/**
 * A register's value for userspace (KVM_GET_ONE_REG): no access checks or traps. Stored
 * registers read their storage; computed ones (ID registers, counters, CTL with ISTATUS) run
 * their read handler. Rows that cannot be read (OSLAR_EL1, system instructions) give undefined.
 */
export function sysregValue(cpu: Cpu, d: SysregDesc): bigint | undefined {
  let lo: number;
  let hi: number;
  if (d.word >= 0) {
    lo = cpu.s[d.word];
    hi = cpu.s[d.word + 1];
  } else if ((d.access & 5) !== 0 && !d.isInsn) {
    lo = d.read(cpu, d);
    hi = cpu.rhi;
  } else {
    return undefined;
  }
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/**
 * Set a stored register from userspace (KVM_SET_ONE_REG): the raw storage, then the same TLB
 * and mode refresh a guest write would need. Returns false for rows without storage.
 */
export function setSysregValue(cpu: Cpu, d: SysregDesc, v: bigint): boolean {
  if (d.word < 0) return false;
  cpu.s[d.word] = Number(BigInt.asIntN(32, v));
  cpu.s[d.word + 1] = Number(BigInt.asIntN(32, v >> 32n));
  cpu.flushTlb();
  cpu.updateMode();
  return true;
}

/**
 * An MRS/MSR/SYS encoding (insn[20:5] or the whole instruction) as its row name, or in the
 * generic S<op0>_<op1>_C<n>_C<m>_<op2> spelling with the fields for an unknown one: what a
 * rate-limited "unhandled sysreg" message prints, ready to paste into the table.
 */
export function describeSysreg(insn: number): string {
  const key = (insn >>> 5) & 0xffff;
  const d = SYSREG_BY_KEY[key];
  if (d !== undefined) return d.name;
  const op0 = key >>> 14;
  const op1 = (key >>> 11) & 7;
  const crn = (key >>> 7) & 15;
  const crm = (key >>> 3) & 15;
  const op2 = key & 7;
  return `S${op0}_${op1}_C${crn}_C${crm}_${op2}: reg('S${op0}_${op1}_C${crn}_C${crm}_${op2}', ${op0}, ${op1}, ${crn}, ${crm}, ${op2}, {})`;
}
