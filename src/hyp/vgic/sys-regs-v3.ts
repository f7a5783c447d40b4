/**
 * KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS: the guest's GIC CPU interface state (ICC_*_EL1) for save and
 * restore (Linux arch/arm64/kvm/vgic-sys-reg-v3.c, gic_v3_icc_reg_descs[]). One row per register,
 * sorted by encoding; the state lives in the vCPU's virtual interface (ICH_VMCR_EL2 and the
 * APRs, gic/vcpu-if.ts), read and written through its ICV accessors so the same rules apply as
 * for the guest (binary-point minima, PMR's implemented bits).
 *
 * attr = mpidr[63:32] | instr[15:0] with instr = op0[15:14] op1[13:11] CRn[10:7] CRm[6:3] op2[2:0].
 * Values are 64-bit; the registers are 32 bits wide (upper half RES0).
 */
import type { Cpu } from '../../arch/aarch64/cpu.js';
import { KvmError } from '../errors.js';
import {
  NUM_APRS,
  PRI_BITS,
  ICC_SRE_EL1_VALUE,
  ICC_CTLR_PRIBITS_SHIFT,
  ICC_CTLR_IDBITS_SHIFT,
  ICC_CTLR_SEIS,
  ICC_CTLR_A3V,
  icvReadPmr,
  icvWritePmr,
  icvReadBpr,
  icvWriteBpr,
  icvReadCtlr,
  icvWriteCtlr,
  icvReadIgrpen,
  icvWriteIgrpen,
  icvReadApr,
  icvWriteApr,
} from '../../arch/aarch64/gic/vcpu-if.js';

export interface IccRegDesc {
  readonly name: string;
  /** The 16-bit sysreg encoding of the attr. */
  readonly instr: number;
  get(cpu: Cpu): number;
  /** Throws KvmError (EINVAL) for a value the interface cannot hold. */
  set(cpu: Cpu, v: number): void;
}

const enc = (op0: number, op1: number, crn: number, crm: number, op2: number): number => (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;

function apr(group: 0 | 1, n: number): IccRegDesc {
  return {
    name: `ICC_AP${group}R${n}_EL1`,
    instr: group === 0 ? enc(3, 0, 12, 8, 4 + n) : enc(3, 0, 12, 9, n),
    get: (cpu) => icvReadApr(cpu, group, n),
    set: (cpu, v) => icvWriteApr(cpu, group, n, v),
  };
}

/**
 * set_gic_ctlr(): userspace may restore CBPR and EOImode; the read-only fields must not claim
 * more than this interface implements (PRIbits, IDbits, SEIS, A3V): EINVAL otherwise.
 */
function setCtlr(cpu: Cpu, v: number): void {
  const pri = (v >>> ICC_CTLR_PRIBITS_SHIFT) & 7;
  const idbits = (v >>> ICC_CTLR_IDBITS_SHIFT) & 7;
  if (pri > PRI_BITS - 1) throw new KvmError('EINVAL', `ICC_CTLR_EL1: PRIbits ${pri + 1} exceeds the ${PRI_BITS} implemented`, 'value');
  if (idbits !== 0) throw new KvmError('EINVAL', 'ICC_CTLR_EL1: IDbits must be 0 (16-bit INTIDs)', 'value');
  if ((v & ICC_CTLR_SEIS) !== 0) throw new KvmError('EINVAL', 'ICC_CTLR_EL1: SEIS is not implemented', 'value');
  if ((v & ICC_CTLR_A3V) === 0) throw new KvmError('EINVAL', 'ICC_CTLR_EL1: A3V must be 1', 'value');
  icvWriteCtlr(cpu, v);
}

/** gic_v3_icc_reg_descs[], sorted by encoding. */
export const ICC_REG_DESCS: readonly IccRegDesc[] = [
  { name: 'ICC_PMR_EL1', instr: enc(3, 0, 4, 6, 0), get: icvReadPmr, set: icvWritePmr },
  { name: 'ICC_BPR0_EL1', instr: enc(3, 0, 12, 8, 3), get: (cpu) => icvReadBpr(cpu, 0), set: (cpu, v) => icvWriteBpr(cpu, 0, v) },
  ...Array.from({ length: NUM_APRS }, (_x, n) => apr(0, n)),
  ...Array.from({ length: NUM_APRS }, (_x, n) => apr(1, n)),
  { name: 'ICC_BPR1_EL1', instr: enc(3, 0, 12, 12, 3), get: (cpu) => icvReadBpr(cpu, 1), set: (cpu, v) => icvWriteBpr(cpu, 1, v) },
  { name: 'ICC_CTLR_EL1', instr: enc(3, 0, 12, 12, 4), get: icvReadCtlr, set: setCtlr },
  {
    name: 'ICC_SRE_EL1',
    instr: enc(3, 0, 12, 12, 5),
    get: () => ICC_SRE_EL1_VALUE,
    // access_gic_sre(): the System register interface cannot be turned off.
    set: (_cpu, v) => {
      if ((v & 1) === 0) throw new KvmError('EINVAL', 'ICC_SRE_EL1: SRE must stay 1', 'value');
    },
  },
  { name: 'ICC_IGRPEN0_EL1', instr: enc(3, 0, 12, 12, 6), get: (cpu) => icvReadIgrpen(cpu, 0), set: (cpu, v) => icvWriteIgrpen(cpu, 0, v) },
  { name: 'ICC_IGRPEN1_EL1', instr: enc(3, 0, 12, 12, 7), get: (cpu) => icvReadIgrpen(cpu, 1), set: (cpu, v) => icvWriteIgrpen(cpu, 1, v) },
];
for (let i = 1; i < ICC_REG_DESCS.length; i++) {
  if (ICC_REG_DESCS[i - 1].instr >= ICC_REG_DESCS[i].instr) throw new Error(`ICC_REG_DESCS: ${ICC_REG_DESCS[i].name} out of order`);
}

export function findIccReg(instr: number): IccRegDesc | undefined {
  return ICC_REG_DESCS.find((r) => r.instr === instr);
}
