/**
 * Per-VM ID registers (Linux 6.7+, arch/arm64/kvm/sys_regs.c: kvm_read_sanitised_id_reg,
 * set_id_reg, arm64_check_features, kvm_vm_ioctl_get_reg_writable_masks).
 *
 * The ID registers describe one homogeneous machine, so they are stored once per VM and shown
 * by every vCPU: the feature ID space (op0 3, op1 0, CRn 0, CRm 1..7, op2 0..7) plus MIDR_EL1,
 * REVIDR_EL1, AIDR_EL1 and CTR_EL0. They are created at the first KVM_ARM_VCPU_INIT from the
 * CPU model (typevisor's "host"), sanitised as KVM sanitises the host's values for a guest; that
 * sanitised value is each register's limit.
 *
 * Userspace may then write a register (KVM_SET_ONE_REG) until the VM first runs:
 * - fields outside the register's writable mask (Linux's ID_WRITABLE(name, mask) / the `.val`
 *   of the row) must equal the limit;
 * - a writable field must be safe against the limit by its type: LOWER_SAFE <= limit (signed
 *   fields compared signed), HIGHER_SAFE >= limit, EXACT equal. A superset of the limit is
 *   EINVAL (KVM's arm64_check_features() returns E2BIG, which set_id_reg() turns into EINVAL);
 * - hidden and unallocated registers read 0 and accept only 0; the AArch32 ID registers of a
 *   model without AArch32 EL0 read 0 and ignore writes (aa32_id_visibility(): REG_RAZ |
 *   REG_USER_WI);
 * - MIDR/REVIDR/AIDR accept only their current value (KVM's invariant registers; typevisor does
 *   not offer KVM_CAP_ARM_WRITABLE_IMP_ID_REGS); CTR_EL0 has DIC, IDC, DminLine and IminLine
 *   writable (Linux 6.11, ID_FILTERED(CTR_EL0, ...)).
 * Once the VM has run, a write of a different value is EBUSY and the same value succeeds.
 *
 * The writable masks are those of Linux 6.7 (sys_reg_descs[]): the table below says for each
 * register which macro Linux uses. An accepted write reaches every vCPU (applyTo): its Cpu.idRegs,
 * ctr and aidr, then Cpu.updateFeatures() and, when the features changed, a drop of all decoded
 * code, because decode rows are gated on features: a feature lowered to 0 UNDEFs from then on.
 */
import type { Cpu } from '../../arch/aarch64/cpu.js';
import type { CpuModel } from '../../arch/aarch64/cpus/model.js';
import { ID_REG_ENCODINGS, idRegIndex } from '../../arch/aarch64/cpus/model.js';
import type { Vm } from '../vm.js';
import { KvmError } from '../errors.js';
import {
  KVM_ARM_VCPU_PMU_V3,
  KVM_ARM_VCPU_SVE,
  KVM_ARM_VCPU_PTRAUTH_ADDRESS,
  KVM_ARM_VCPU_PTRAUTH_GENERIC,
  KVM_ARM_FEATURE_ID_RANGE_SIZE,
  KVM_ARM_FEATURE_ID_RANGE_IDX,
} from '../uapi/kvm.js';

/** How a field's value may differ from the limit (Linux's FTR_LOWER_SAFE / FTR_EXACT / FTR_HIGHER_SAFE). */
export type FieldType = 'LOWER_SAFE' | 'EXACT' | 'HIGHER_SAFE';

/** One field of an ID register (Arm ARM DDI 0487K.a D23.2, Linux's arm64_ftr_bits). */
export interface IdField {
  readonly name: string;
  readonly shift: number;
  readonly width: number;
  /** A signed field (0b1111 = -1 = "not implemented": FP, AdvSIMD, TGran4, TGran64). */
  readonly signed: boolean;
  readonly type: FieldType;
}

/**
 * Which of Linux's table macros the register uses: what it reads and what a write may change.
 * - sanitised: the sanitised limit, read-only (ID_SANITISED, AA32_ID_SANITISED, mask 0);
 * - writable: ID_WRITABLE / ID_FILTERED, mask in `writable`;
 * - hidden: ID_HIDDEN, reads 0 (RAZ), accepts 0;
 * - unallocated: ID_UNALLOCATED, reads 0, accepts 0;
 * - invariant: MIDR/REVIDR/AIDR, accept only their value.
 */
export type IdRegKind = 'sanitised' | 'writable' | 'hidden' | 'unallocated' | 'invariant';

export interface IdRegDesc {
  readonly name: string;
  readonly op0: number;
  readonly op1: number;
  readonly crn: number;
  readonly crm: number;
  readonly op2: number;
  readonly key: number;
  readonly kind: IdRegKind;
  /** Bits userspace may change (Linux's `.val` of the row); 0 unless kind is 'writable'. */
  readonly writable: bigint;
  /** Field table: needed where `writable` is non-zero; elsewhere it names fields in messages. */
  readonly fields: readonly IdField[];
  /** An AArch32 ID register (RAZ when the model has no AArch32 EL0, aa32_id_visibility()). */
  readonly aa32: boolean;
  /**
   * A register-specific step before the generic check, as KVM's set_id_dfr0_el1() and
   * set_id_aa64dfr0_el1(): may rewrite the value or throw.
   */
  readonly preSet?: (v: bigint) => bigint;
}

// ---- field-table helpers -------------------------------------------------------------------

const L = (name: string, shift: number, width = 4): IdField => ({ name, shift, width, signed: false, type: 'LOWER_SAFE' });
const LS = (name: string, shift: number): IdField => ({ name, shift, width: 4, signed: true, type: 'LOWER_SAFE' });
const E = (name: string, shift: number, width = 4): IdField => ({ name, shift, width, signed: false, type: 'EXACT' });
const H = (name: string, shift: number): IdField => ({ name, shift, width: 4, signed: false, type: 'HIGHER_SAFE' });

function fmask(f: IdField): bigint {
  return ((1n << BigInt(f.width)) - 1n) << BigInt(f.shift);
}

function fget(v: bigint, f: IdField): number {
  const raw = Number((v >> BigInt(f.shift)) & ((1n << BigInt(f.width)) - 1n));
  return f.signed && raw >= 1 << (f.width - 1) ? raw - (1 << f.width) : raw;
}

function fset(v: bigint, f: IdField, x: number): bigint {
  return (v & ~fmask(f)) | ((BigInt(x) & ((1n << BigInt(f.width)) - 1n)) << BigInt(f.shift));
}

/** Mask of 4-bit fields given by their shifts. */
function bits(...shifts: number[]): bigint {
  let m = 0n;
  for (const s of shifts) m |= 0xfn << BigInt(s);
  return m;
}

const ALL = (1n << 64n) - 1n;

// ---- field tables (Arm ARM DDI 0487K.a D23.2; types as Linux's arch/arm64/kernel/cpufeature.c) ----

const ID_DFR0_FIELDS = [
  E('TraceFilt', 28), L('PerfMon', 24), E('MProfDbg', 20), E('MMapTrc', 16),
  E('CopTrc', 12), E('MMapDbg', 8), E('CopSDbg', 4), L('CopDbg', 0),
];
const ID_AA64PFR0_FIELDS = [
  L('CSV3', 60), L('CSV2', 56), L('RME', 52), L('DIT', 48), L('AMU', 44), E('MPAM', 40), L('SEL2', 36), L('SVE', 32),
  L('RAS', 28), E('GIC', 24), LS('AdvSIMD', 20), LS('FP', 16), L('EL3', 12), L('EL2', 8), L('EL1', 4), L('EL0', 0),
];
const ID_AA64PFR1_FIELDS = [
  L('PFAR', 60), L('DF2', 56), L('MTEX', 52), L('THE', 48), L('GCS', 44), L('MTE_frac', 40), L('NMI', 36), L('CSV2_frac', 32),
  L('RNDR_trap', 28), L('SME', 24), L('MPAM_frac', 16), L('RAS_frac', 12), L('MTE', 8), L('SSBS', 4), L('BT', 0),
];
const ID_AA64DFR0_FIELDS = [
  L('HPMN0', 60), L('ExtTrcBuff', 56), L('BRBE', 52), E('MTPMU', 48), L('TraceBuffer', 44), L('TraceFilt', 40),
  E('DoubleLock', 36), L('PMSVer', 32), E('CTX_CMPs', 28), L('SEBEP', 24), E('WRPs', 20), L('PMSS', 16),
  E('BRPs', 12), L('PMUVer', 8), E('TraceVer', 4), L('DebugVer', 0),
];
const ID_AA64ISAR0_FIELDS = [
  L('RNDR', 60), L('TLB', 56), L('TS', 52), L('FHM', 48), L('DP', 44), L('SM4', 40), L('SM3', 36), L('SHA3', 32),
  L('RDM', 28), E('TME', 24), L('Atomic', 20), L('CRC32', 16), L('SHA2', 12), L('SHA1', 8), L('AES', 4),
];
const ID_AA64ISAR1_FIELDS = [
  L('LS64', 60), L('XS', 56), L('I8MM', 52), L('DGH', 48), L('BF16', 44), L('SPECRES', 40), L('SB', 36), L('FRINTTS', 32),
  E('GPI', 28), E('GPA', 24), L('LRCPC', 20), L('FCMA', 16), L('JSCVT', 12), E('API', 8), E('APA', 4), L('DPB', 0),
];
const ID_AA64ISAR2_FIELDS = [
  L('CSSC', 52), L('RPRFM', 48), L('CLRBHB', 28), L('PAC_frac', 24), L('BC', 20), L('MOPS', 16),
  E('APA3', 12), E('GPA3', 8), L('RPRES', 4), L('WFxT', 0),
];
const ID_AA64MMFR0_FIELDS = [
  L('ECV', 60), L('FGT', 56), L('EXS', 44), E('TGran4_2', 40), E('TGran64_2', 36), E('TGran16_2', 32),
  LS('TGran4', 28), LS('TGran64', 24), L('TGran16', 20), L('BigEndEL0', 16), L('SNSMem', 12), L('BigEnd', 8),
  E('ASIDBits', 4), L('PARange', 0),
];
const ID_AA64MMFR1_FIELDS = [
  L('ECBHB', 60), L('CMOW', 56), L('TIDCP1', 52), L('nTLBPA', 48), L('AFP', 44), L('HCX', 40), L('ETS', 36), L('TWED', 32),
  L('XNX', 28), H('SpecSEI', 24), L('PAN', 20), L('LO', 16), L('HPDS', 12), E('VH', 8), E('VMIDBits', 4), L('HAFDBS', 0),
];
const ID_AA64MMFR2_FIELDS = [
  L('E0PD', 60), L('EVT', 56), L('BBM', 52), L('TTL', 48), L('FWB', 40), L('IDS', 36), L('AT', 32),
  L('ST', 28), L('NV', 24), L('CCIDX', 20), L('VARange', 16), L('IESB', 12), L('LSM', 8), L('UAO', 4), L('CnP', 0),
];
const ID_MMFR4_FIELDS = [
  L('EVT', 28), L('CCIDX', 24), L('LSM', 20), L('HPDS', 16), L('CnP', 12), L('XNX', 8), L('AC2', 4), L('SpecSEI', 0),
];
/** CTR_EL0 (D23.2.38): CWG and ERG are HIGHER_OR_ZERO_SAFE in Linux; they are not writable here. */
const CTR_EL0_FIELDS = [
  E('TminLine', 32, 6), L('DIC', 29, 1), L('IDC', 28, 1), E('CWG', 24), E('ERG', 20), L('DminLine', 16),
  E('L1Ip', 14, 2), L('IminLine', 0),
];

// RES0 bits of Linux 6.7's arch/arm64/tools/sysreg, as the ID_WRITABLE masks use them.
const ID_AA64ISAR0_RES0 = bits(0);
const ID_AA64ISAR2_RES0 = bits(60, 56, 44, 40, 36, 32);
const ID_AA64MMFR0_RES0 = bits(52, 48);
const ID_AA64MMFR1_RES0 = 0n;
const ID_AA64MMFR2_RES0 = bits(44);

function field(fields: readonly IdField[], name: string): IdField {
  const f = fields.find((x) => x.name === name);
  if (f === undefined) throw new Error(`id-regs: no field ${name}`);
  return f;
}

function fieldMasks(fields: readonly IdField[], ...names: string[]): bigint {
  let m = 0n;
  for (const n of names) m |= fmask(field(fields, n));
  return m;
}

/** set_id_dfr0_el1(): an IMPLEMENTATION DEFINED PerfMon reads as "none"; CopDbg below Armv8 is refused. */
function preSetIdDfr0(v: bigint): bigint {
  const perfMon = field(ID_DFR0_FIELDS, 'PerfMon');
  if (fget(v, perfMon) === 0xf) v = fset(v, perfMon, 0);
  if (fget(v, field(ID_DFR0_FIELDS, 'CopDbg')) < 6) {
    throw new KvmError('EINVAL', `ID_DFR0_EL1.CopDbg ${fget(v, field(ID_DFR0_FIELDS, 'CopDbg'))} is below Armv8 debug (6), the lowest safe value`, 'value');
  }
  return v;
}

/** set_id_aa64dfr0_el1(): PMUVer IMP_DEF (0xf) reads as "none"; DebugVer below 8.0 (6) is refused. */
function preSetIdAa64Dfr0(v: bigint): bigint {
  const pmuVer = field(ID_AA64DFR0_FIELDS, 'PMUVer');
  if (fget(v, pmuVer) === 0xf) v = fset(v, pmuVer, 0);
  const debugVer = fget(v, field(ID_AA64DFR0_FIELDS, 'DebugVer'));
  if (debugVer < 6) throw new KvmError('EINVAL', `ID_AA64DFR0_EL1.DebugVer ${debugVer} is below Armv8.0 debug (6), the lowest safe value`, 'value');
  return v;
}

// ---- the table (sorted by encoding, every encoding of the ID space has a row) ----------------

function key(op0: number, op1: number, crn: number, crm: number, op2: number): number {
  return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
}

interface RowOpts {
  writable?: bigint;
  fields?: readonly IdField[];
  aa32?: boolean;
  preSet?: (v: bigint) => bigint;
}

function row(name: string, kind: IdRegKind, enc: readonly [number, number, number, number, number], o: RowOpts = {}): IdRegDesc {
  const [op0, op1, crn, crm, op2] = enc;
  return {
    name, op0, op1, crn, crm, op2, key: key(op0, op1, crn, crm, op2), kind,
    writable: o.writable ?? 0n, fields: o.fields ?? [], aa32: o.aa32 ?? false, preSet: o.preSet,
  };
}

function idEnc(name: string): readonly [number, number, number, number, number] {
  const e = ID_REG_ENCODINGS[name];
  if (e === undefined) throw new Error(`id-regs: no encoding for ${name}`);
  return [3, 0, 0, e[0], e[1]];
}

/** ID_SANITISED(name): the limit, read-only. */
const idSanitised = (name: string, fields: readonly IdField[] = []): IdRegDesc => row(name, 'sanitised', idEnc(name), { fields });
/** AA32_ID_SANITISED(name): the same, RAZ without AArch32 EL0. */
const aa32IdSanitised = (name: string, fields: readonly IdField[] = []): IdRegDesc => row(name, 'sanitised', idEnc(name), { fields, aa32: true });
/** ID_WRITABLE(name, mask) and ID_FILTERED(name, ..., mask). */
const idWritable = (name: string, mask: bigint, fields: readonly IdField[], o: RowOpts = {}): IdRegDesc =>
  row(name, 'writable', idEnc(name), { ...o, writable: mask & ALL, fields });
/** ID_HIDDEN(name): RAZ, accepts 0. */
const idHidden = (name: string): IdRegDesc => row(name, 'hidden', idEnc(name));
/** ID_UNALLOCATED(crm, op2). */
const idUnallocated = (crm: number, op2: number): IdRegDesc => row(`S3_0_C0_C${crm}_${op2}`, 'unallocated', [3, 0, 0, crm, op2]);

export const ID_REG_TABLE: readonly IdRegDesc[] = [
  row('MIDR_EL1', 'invariant', [3, 0, 0, 0, 0]),
  row('REVIDR_EL1', 'invariant', [3, 0, 0, 0, 6]),

  /* CRm=1 */
  aa32IdSanitised('ID_PFR0_EL1'),
  aa32IdSanitised('ID_PFR1_EL1'),
  // Linux 6.7: { SYS_DESC(SYS_ID_DFR0_EL1), ..., .val = ID_DFR0_EL1_PerfMon_MASK | ID_DFR0_EL1_CopDbg_MASK }
  row('ID_DFR0_EL1', 'writable', idEnc('ID_DFR0_EL1'), {
    writable: fieldMasks(ID_DFR0_FIELDS, 'PerfMon', 'CopDbg'), fields: ID_DFR0_FIELDS, aa32: true, preSet: preSetIdDfr0,
  }),
  idHidden('ID_AFR0_EL1'),
  aa32IdSanitised('ID_MMFR0_EL1'),
  aa32IdSanitised('ID_MMFR1_EL1'),
  aa32IdSanitised('ID_MMFR2_EL1'),
  aa32IdSanitised('ID_MMFR3_EL1'),

  /* CRm=2 */
  aa32IdSanitised('ID_ISAR0_EL1'),
  aa32IdSanitised('ID_ISAR1_EL1'),
  aa32IdSanitised('ID_ISAR2_EL1'),
  aa32IdSanitised('ID_ISAR3_EL1'),
  aa32IdSanitised('ID_ISAR4_EL1'),
  aa32IdSanitised('ID_ISAR5_EL1'),
  aa32IdSanitised('ID_MMFR4_EL1', ID_MMFR4_FIELDS),
  aa32IdSanitised('ID_ISAR6_EL1'),

  /* CRm=3 */
  aa32IdSanitised('MVFR0_EL1'),
  aa32IdSanitised('MVFR1_EL1'),
  aa32IdSanitised('MVFR2_EL1'),
  idUnallocated(3, 3),
  aa32IdSanitised('ID_PFR2_EL1'),
  idHidden('ID_DFR1_EL1'),
  aa32IdSanitised('ID_MMFR5_EL1'),
  idUnallocated(3, 7),

  /* CRm=4 */
  // Linux 6.7: .val = ID_AA64PFR0_EL1_CSV2_MASK | ID_AA64PFR0_EL1_CSV3_MASK
  idWritable('ID_AA64PFR0_EL1', fieldMasks(ID_AA64PFR0_FIELDS, 'CSV2', 'CSV3'), ID_AA64PFR0_FIELDS),
  idSanitised('ID_AA64PFR1_EL1', ID_AA64PFR1_FIELDS),
  idUnallocated(4, 2),
  idUnallocated(4, 3),
  idSanitised('ID_AA64ZFR0_EL1'), // RAZ without KVM_ARM_VCPU_SVE (id_visibility)
  idHidden('ID_AA64SMFR0_EL1'),
  idUnallocated(4, 6),
  idUnallocated(4, 7),

  /* CRm=5 */
  // Linux 6.7: .val = ID_AA64DFR0_EL1_PMUVer_MASK | ID_AA64DFR0_EL1_DebugVer_MASK
  idWritable('ID_AA64DFR0_EL1', fieldMasks(ID_AA64DFR0_FIELDS, 'PMUVer', 'DebugVer'), ID_AA64DFR0_FIELDS, { preSet: preSetIdAa64Dfr0 }),
  idSanitised('ID_AA64DFR1_EL1'),
  idUnallocated(5, 2),
  idUnallocated(5, 3),
  idHidden('ID_AA64AFR0_EL1'),
  idHidden('ID_AA64AFR1_EL1'),
  idUnallocated(5, 6),
  idUnallocated(5, 7),

  /* CRm=6 */
  idWritable('ID_AA64ISAR0_EL1', ~ID_AA64ISAR0_RES0, ID_AA64ISAR0_FIELDS),
  idWritable('ID_AA64ISAR1_EL1', ~fieldMasks(ID_AA64ISAR1_FIELDS, 'GPI', 'GPA', 'API', 'APA'), ID_AA64ISAR1_FIELDS),
  idWritable('ID_AA64ISAR2_EL1', ~(ID_AA64ISAR2_RES0 | fieldMasks(ID_AA64ISAR2_FIELDS, 'MOPS', 'APA3', 'GPA3')), ID_AA64ISAR2_FIELDS),
  idUnallocated(6, 3),
  idUnallocated(6, 4),
  idUnallocated(6, 5),
  idUnallocated(6, 6),
  idUnallocated(6, 7),

  /* CRm=7 */
  idWritable('ID_AA64MMFR0_EL1', ~(ID_AA64MMFR0_RES0 | fieldMasks(ID_AA64MMFR0_FIELDS, 'TGran4_2', 'TGran64_2', 'TGran16_2')), ID_AA64MMFR0_FIELDS),
  idWritable('ID_AA64MMFR1_EL1', ~(ID_AA64MMFR1_RES0 | fieldMasks(ID_AA64MMFR1_FIELDS, 'HCX', 'XNX', 'TWED', 'VH', 'VMIDBits')), ID_AA64MMFR1_FIELDS),
  idWritable('ID_AA64MMFR2_EL1', ~(ID_AA64MMFR2_RES0 | fieldMasks(ID_AA64MMFR2_FIELDS, 'EVT', 'FWB', 'IDS', 'NV', 'CCIDX')), ID_AA64MMFR2_FIELDS),
  row('ID_AA64MMFR3_EL1', 'sanitised', [3, 0, 0, 7, 3]),
  idUnallocated(7, 4),
  idUnallocated(7, 5),
  idUnallocated(7, 6),
  idUnallocated(7, 7),

  row('AIDR_EL1', 'invariant', [3, 1, 0, 0, 7]),
  // Linux 6.11: ID_FILTERED(CTR_EL0, ctr_el0, CTR_EL0_DIC_MASK | CTR_EL0_IDC_MASK |
  //   CTR_EL0_DminLine_MASK | CTR_EL0_IminLine_MASK)
  row('CTR_EL0', 'writable', [3, 3, 0, 0, 1], { writable: fieldMasks(CTR_EL0_FIELDS, 'DIC', 'IDC', 'DminLine', 'IminLine'), fields: CTR_EL0_FIELDS }),
];

/** Table invariants (STYLE.md: tables test themselves): sorted, unique, the whole ID space present, masks on fields. */
export function checkIdRegTable(rows: readonly IdRegDesc[]): void {
  for (let i = 1; i < rows.length; i++) {
    if (rows[i - 1].key >= rows[i].key) throw new Error(`id-regs table: ${rows[i].name} is not after ${rows[i - 1].name}`);
  }
  for (let crm = 1; crm <= 7; crm++) {
    for (let op2 = 0; op2 < 8; op2++) {
      if (!rows.some((r) => r.key === key(3, 0, 0, crm, op2))) throw new Error(`id-regs table: no row for (3, 0, 0, ${crm}, ${op2})`);
    }
  }
  for (const r of rows) {
    if ((r.writable !== 0n) !== (r.kind === 'writable')) throw new Error(`id-regs table: ${r.name} has kind ${r.kind} and mask 0x${r.writable.toString(16)}`);
    let seen = 0n;
    for (const f of r.fields) {
      if ((seen & fmask(f)) !== 0n) throw new Error(`id-regs table: ${r.name}.${f.name} overlaps another field`);
      seen |= fmask(f);
    }
  }
}

checkIdRegTable(ID_REG_TABLE);

const ROW_BY_KEY = new Map<number, IdRegDesc>(ID_REG_TABLE.map((r) => [r.key, r]));

/** The row of an encoding held per VM, or undefined. */
export function findIdReg(op0: number, op1: number, crn: number, crm: number, op2: number): IdRegDesc | undefined {
  if (![op0, op1, crn, crm, op2].every((x) => Number.isInteger(x))) return undefined;
  return ROW_BY_KEY.get(key(op0, op1, crn, crm, op2));
}

function byName(name: string): IdRegDesc {
  const r = ID_REG_TABLE.find((x) => x.name === name);
  if (r === undefined) throw new Error(`id-regs: no row ${name}`);
  return r;
}

function hex(v: bigint): string {
  return '0x' + v.toString(16).padStart(16, '0');
}

// ---- sanitising (KVM's read_sanitised_id_* / __kvm_read_sanitised_id_reg, Linux 6.7) ---------

export interface VmIdRegsOptions {
  /**
   * A vGICv3 exists: ID_AA64PFR0_EL1.GIC = 1 (KVM sets it when the host's vGIC is a GICv3;
   * typevisor when the VM has one). The vGIC work may instead call exposeGicV3() later.
   */
  gicV3?: boolean;
}

function clear(v: bigint, fields: readonly IdField[], ...names: string[]): bigint {
  return v & ~fieldMasks(fields, ...names);
}

/**
 * The sanitised value of every per-VM register for a model and vCPU features: the limits.
 * Each adjustment names the Linux function doing the same.
 */
function sanitise(model: CpuModel, features: number, opts: VmIdRegsOptions): { vals: Map<number, bigint>; raz: Set<number> } {
  const has = (bit: number): boolean => (features & (1 << bit)) !== 0;
  const pmu = has(KVM_ARM_VCPU_PMU_V3);
  const sve = has(KVM_ARM_VCPU_SVE);
  // vcpu_has_ptrauth(): both address and generic authentication were requested.
  const ptrauth = has(KVM_ARM_VCPU_PTRAUTH_ADDRESS) && has(KVM_ARM_VCPU_PTRAUTH_GENERIC);
  const pfr0Model = model.id.ID_AA64PFR0_EL1 ?? 0n;
  // kvm_supports_32bit_el0(): ID_AA64PFR0_EL1.EL0 == 2 (AArch64 and AArch32).
  const aa32El0 = fget(pfr0Model, field(ID_AA64PFR0_FIELDS, 'EL0')) >= 2;

  const vals = new Map<number, bigint>();
  // Registers shown as zero that accept only 0 (sysreg_visible_as_raz()).
  const raz = new Set<number>();
  for (const r of ID_REG_TABLE) {
    let v: bigint;
    if (r.name === 'MIDR_EL1') v = model.midr;
    else if (r.name === 'REVIDR_EL1') v = model.revidr;
    else if (r.name === 'AIDR_EL1') v = model.aidr;
    else if (r.name === 'CTR_EL0') v = model.ctr;
    else v = model.id[r.name] ?? 0n;
    v &= ALL;
    if (r.kind === 'hidden' || r.kind === 'unallocated' || (r.aa32 && !aa32El0) || (r.name === 'ID_AA64ZFR0_EL1' && !sve)) {
      raz.add(r.key);
      v = 0n;
    }

    switch (r.name) {
      case 'ID_DFR0_EL1': // read_sanitised_id_dfr0_el1(): PerfMon only with a vPMU
        if (!pmu) v = clear(v, ID_DFR0_FIELDS, 'PerfMon');
        break;
      case 'ID_MMFR4_EL1': // __kvm_read_sanitised_id_reg(): no CCIDX
        v = clear(v, ID_MMFR4_FIELDS, 'CCIDX');
        break;
      case 'ID_AA64PFR0_EL1': // read_sanitised_id_aa64pfr0_el1()
        if (!sve) v = clear(v, ID_AA64PFR0_FIELDS, 'SVE');
        // CSV2 = CSV3 = 1 where the host is unaffected by Spectre-v2 / Meltdown: an interpreter
        // has no speculative execution.
        v = fset(v, field(ID_AA64PFR0_FIELDS, 'CSV2'), 1);
        v = fset(v, field(ID_AA64PFR0_FIELDS, 'CSV3'), 1);
        v = fset(v, field(ID_AA64PFR0_FIELDS, 'GIC'), opts.gicV3 === true ? 1 : 0);
        v = clear(v, ID_AA64PFR0_FIELDS, 'AMU', 'MPAM');
        break;
      case 'ID_AA64PFR1_EL1': // __kvm_read_sanitised_id_reg(): no MTE (no KVM_CAP_ARM_MTE), no SME
        v = clear(v, ID_AA64PFR1_FIELDS, 'MTE', 'SME');
        break;
      case 'ID_AA64DFR0_EL1': // read_sanitised_id_aa64dfr0_el1()
        v = fset(v, field(ID_AA64DFR0_FIELDS, 'DebugVer'), 6); // "Limit debug to ARMv8.0"
        if (!pmu) v = clear(v, ID_AA64DFR0_FIELDS, 'PMUVer');
        v = clear(v, ID_AA64DFR0_FIELDS, 'PMSVer'); // no SPE
        break;
      case 'ID_AA64ISAR1_EL1':
        if (!ptrauth) v = clear(v, ID_AA64ISAR1_FIELDS, 'APA', 'API', 'GPA', 'GPI');
        break;
      case 'ID_AA64ISAR2_EL1':
        if (!ptrauth) v = clear(v, ID_AA64ISAR2_FIELDS, 'APA3', 'GPA3');
        v = clear(v, ID_AA64ISAR2_FIELDS, 'MOPS');
        break;
      case 'ID_AA64MMFR2_EL1':
        v = clear(v, ID_AA64MMFR2_FIELDS, 'CCIDX');
        break;
    }
    vals.set(r.key, v);
  }
  return { vals, raz };
}

// ---- the per-VM registers ------------------------------------------------------------------

export class VmIdRegs {
  /** Limits: the sanitised values a write is checked against. */
  private readonly limits: Map<number, bigint>;
  /** Current values (what every vCPU shows). */
  private readonly values: Map<number, bigint>;
  /** Registers that read as zero for this VM and accept only 0. */
  private readonly raz: ReadonlySet<number>;
  /**
   * The features the VM's decoded code was decoded with (decode rows are feature-gated and the
   * cache is per host page, shared by the vCPUs): applyTo drops all code when they change.
   */
  private codeFeatures: string | undefined = undefined;

  private constructor(limits: Map<number, bigint>, raz: Set<number>) {
    this.limits = limits;
    this.values = new Map(limits);
    this.raz = raz;
  }

  /** The VM's ID registers for a CPU model and the first vCPU's features (1 << KVM_ARM_VCPU_*). */
  static create(model: CpuModel, features: number, opts: VmIdRegsOptions = {}): VmIdRegs {
    if (!Number.isInteger(features) || features < 0) throw new KvmError('EINVAL', `VmIdRegs.create: features must be a bitmask, got ${String(features)}`, 'features');
    const { vals, raz } = sanitise(model, features, opts);
    return new VmIdRegs(vals, raz);
  }

  /** Is this encoding held per VM (the ID space, MIDR, REVIDR, AIDR, CTR_EL0)? */
  isVmReg(op0: number, op1: number, crn: number, crm: number, op2: number): boolean {
    return findIdReg(op0, op1, crn, crm, op2) !== undefined;
  }

  /** The VM's value of a register (hidden and unallocated ones read 0). */
  get(op0: number, op1: number, crn: number, crm: number, op2: number): bigint {
    const r = this.row(op0, op1, crn, crm, op2);
    return this.values.get(r.key) ?? 0n;
  }

  /** The limit (sanitised value) of a register: the most a write may claim. */
  limit(op0: number, op1: number, crn: number, crm: number, op2: number): bigint {
    const r = this.row(op0, op1, crn, crm, op2);
    return this.limits.get(r.key) ?? 0n;
  }

  /** By architectural name (tests, messages). */
  getByName(name: string): bigint {
    return this.values.get(byName(name).key) ?? 0n;
  }

  /**
   * KVM_SET_ONE_REG of a per-VM ID register (set_id_reg()). Throws KvmError EINVAL for a value
   * the rules refuse, naming the register and the field; EBUSY for a change after the VM ran.
   * An accepted value reaches every vCPU of `vm` at once.
   */
  set(vm: Vm, op0: number, op1: number, crn: number, crm: number, op2: number, value: bigint): void {
    const r = this.row(op0, op1, crn, crm, op2);
    if (typeof value !== 'bigint') throw new KvmError('EINVAL', `${r.name}: value must be a bigint, got ${typeof value}`, 'value');
    if (value < 0n || value > ALL) throw new KvmError('EINVAL', `${r.name}: value ${value} is not a u64`, 'value');
    if (r.aa32 && this.raz.has(r.key)) return; // REG_USER_WI
    let v = value;
    if (r.preSet !== undefined) v = r.preSet(v);
    const cur = this.values.get(r.key) ?? 0n;
    if (vm.hasRunOnce) {
      if (v !== cur) throw new KvmError('EBUSY', `${r.name}: the VM has run, its ID registers are frozen (value ${hex(cur)}, write ${hex(v)})`, 'value');
      return;
    }
    this.check(r, v);
    if (v === cur) return;
    this.values.set(r.key, v);
    for (const vcpu of vm.vcpus) this.applyTo(vcpu.cpu);
  }

  /** arm64_check_features() and the RAZ / invariant rules; throws EINVAL. */
  private check(r: IdRegDesc, v: bigint): void {
    const lim = this.limits.get(r.key) ?? 0n;
    if (this.raz.has(r.key)) {
      if (v !== 0n) throw new KvmError('EINVAL', `${r.name}: the register reads as zero for this VM and accepts only 0, got ${hex(v)}`, 'value');
      return;
    }
    if (r.kind === 'invariant') {
      if (v !== lim) throw new KvmError('EINVAL', `${r.name}: not writable (no KVM_CAP_ARM_WRITABLE_IMP_ID_REGS); only ${hex(lim)} is accepted, got ${hex(v)}`, 'value');
      return;
    }
    let checked = 0n;
    for (const f of r.fields) {
      const m = fmask(f);
      if ((m & r.writable) !== m) continue;
      checked |= m;
      const nv = fget(v, f);
      const lv = fget(lim, f);
      if (nv === lv) continue;
      const ok = f.type === 'LOWER_SAFE' ? nv < lv : f.type === 'HIGHER_SAFE' ? nv > lv : false;
      if (!ok) {
        const rule = f.type === 'LOWER_SAFE' ? 'may only be lowered' : f.type === 'HIGHER_SAFE' ? 'may only be raised' : 'must stay';
        throw new KvmError(
          'EINVAL',
          `${r.name}.${f.name} = ${nv} is not safe: the field ${rule} from the supported ${lv} (${f.type}${f.signed ? ', signed' : ''}); value ${hex(v)}, supported ${hex(lim)}`,
          'value',
        );
      }
    }
    // Bits outside the described writable fields must equal the limit.
    const diff = (v ^ lim) & ~checked;
    if (diff !== 0n) {
      const f = r.fields.find((x) => (fmask(x) & diff) !== 0n);
      const what = f !== undefined ? `field ${f.name} (${fget(v, f)}, supported ${fget(lim, f)})` : `bit ${bitIndex(diff)}`;
      throw new KvmError('EINVAL', `${r.name}: ${what} is not writable (value ${hex(v)}, supported ${hex(lim)}, writable mask ${hex(r.writable)})`, 'value');
    }
  }

  /**
   * A vGICv3 now exists: ID_AA64PFR0_EL1.GIC becomes 1 in the limit and the value (for the vGIC
   * work, at KVM_CREATE_DEVICE of a GICv3 before the VM runs). Call applyTo for each vCPU after.
   */
  exposeGicV3(): void {
    const k = byName('ID_AA64PFR0_EL1').key;
    const f = field(ID_AA64PFR0_FIELDS, 'GIC');
    this.limits.set(k, fset(this.limits.get(k) ?? 0n, f, 1));
    this.values.set(k, fset(this.values.get(k) ?? 0n, f, 1));
  }

  /**
   * Show the VM's registers on a vCPU: Cpu.idRegs (MIDR, REVIDR and the ID space; MPIDR stays
   * the vCPU's own), Cpu.ctr and Cpu.aidr, then recompute its features and drop its
   * translations. When the features differ from those the VM's code was decoded with, all
   * decoded code is dropped (decode is gated on features), so a reset or CPU_ON that only
   * re-applies the same registers keeps the code cache.
   */
  applyTo(cpu: Cpu): void {
    for (const r of ID_REG_TABLE) {
      const v = this.values.get(r.key) ?? 0n;
      if (r.op1 === 0) setPair(cpu.idRegs, idRegIndex(r.crm, r.op2), v);
      else if (r.name === 'AIDR_EL1') setPair(cpu.aidr, 0, v);
      else if (r.name === 'CTR_EL0') setPair(cpu.ctr, 0, v);
    }
    cpu.updateFeatures();
    cpu.flushTlb();
    const key = JSON.stringify(cpu.feat);
    if (key !== this.codeFeatures) {
      this.codeFeatures = key;
      cpu.mem.dropAllCode();
    }
  }

  /**
   * KVM_ARM_GET_REG_WRITABLE_MASKS, range 0 (kvm_vm_ioctl_get_reg_writable_masks()): 192 masks,
   * index KVM_ARM_FEATURE_ID_RANGE_IDX(op0, op1, CRn, CRm, op2). ID registers give their
   * writable mask; other writable feature registers (CTR_EL0 here) a full 64-bit mask, as Linux
   * does ("not necessarily compliant with a given revision of the architecture, but the
   * RES0/RES1 definitions allow us to do that"); everything else 0.
   */
  static writableMasks(): bigint[] {
    const masks = new Array<bigint>(KVM_ARM_FEATURE_ID_RANGE_SIZE).fill(0n);
    for (const r of ID_REG_TABLE) {
      if (r.kind !== 'writable') continue;
      const isIdReg = r.op1 === 0 && r.crm >= 1;
      masks[KVM_ARM_FEATURE_ID_RANGE_IDX(r.op0, r.op1, r.crn, r.crm, r.op2)] = isIdReg ? r.writable : ALL;
    }
    return masks;
  }

  private row(op0: number, op1: number, crn: number, crm: number, op2: number): IdRegDesc {
    const r = findIdReg(op0, op1, crn, crm, op2);
    if (r === undefined) throw new KvmError('ENOENT', `(${op0}, ${op1}, ${crn}, ${crm}, ${op2}) is not a per-VM ID register`, 'id');
    return r;
  }
}

function bitIndex(v: bigint): number {
  let i = 0;
  while (((v >> BigInt(i)) & 1n) === 0n) i++;
  return i;
}

function setPair(a: Int32Array, i: number, v: bigint): void {
  a[i] = Number(BigInt.asIntN(32, v));
  a[i + 1] = Number(BigInt.asIntN(32, v >> 32n));
}
