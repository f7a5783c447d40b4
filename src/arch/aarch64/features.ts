/**
 * Architectural features, derived from ID register fields (Arm ARM D23.2 ID_AA64*_EL1). The CPU
 * asks these, never the model name, so lowering an ID field hides the feature for real.
 */
export interface Features {
  /** FEAT_LSE: ID_AA64ISAR0_EL1.Atomic >= 2. */
  lse: boolean;
  /** FEAT_PAN: ID_AA64MMFR1_EL1.PAN >= 1. */
  pan: boolean;
  crc32: boolean;
  aes: boolean;
  pmull: boolean;
  sha1: boolean;
  sha256: boolean;
  /** ID_AA64PFR0_EL1.FP != 0xf. */
  fp: boolean;
  advsimd: boolean;
  /** FEAT_FP16: ID_AA64PFR0_EL1.FP == 1. */
  fp16: boolean;
  tgran4: boolean;
  tgran16: boolean;
  tgran64: boolean;
  /** Physical address size in bits from ID_AA64MMFR0_EL1.PARange. */
  paBits: number;
  /** 16-bit ASIDs supported (ID_AA64MMFR0_EL1.ASIDBits == 2). */
  asid16: boolean;
  /** FEAT_BTI (ID_AA64PFR1_EL1.BT). */
  bti: boolean;
  /** FEAT_PAuth (any of ISAR1 APA/API/GPA/GPI, ISAR2 APA3/GPA3). */
  pauth: boolean;
}

const PA_RANGE_BITS = [32, 36, 40, 42, 44, 48, 52];

function field(lo: number, hi: number, shift: number): number {
  return shift >= 32 ? (hi >>> (shift - 32)) & 0xf : (lo >>> shift) & 0xf;
}

/** `get(crm, op2)` returns [lo, hi] of ID register (3, 0, 0, crm, op2). */
export function featuresFromIdRegs(get: (crm: number, op2: number) => readonly [number, number]): Features {
  const [pfr0] = get(4, 0);
  const [pfr1] = get(4, 1);
  const [isar0lo, isar0hi] = get(6, 0);
  const [isar1lo, isar1hi] = get(6, 1);
  const [isar2lo] = get(6, 2);
  const [mmfr0] = get(7, 0);
  const [mmfr1] = get(7, 1);
  const fpField = field(pfr0, 0, 16);
  const simdField = field(pfr0, 0, 20);
  const aesField = field(isar0lo, isar0hi, 4);
  return {
    lse: field(isar0lo, isar0hi, 20) >= 2,
    pan: field(mmfr1, 0, 20) >= 1,
    crc32: field(isar0lo, isar0hi, 16) >= 1,
    aes: aesField >= 1,
    pmull: aesField >= 2,
    sha1: field(isar0lo, isar0hi, 8) >= 1,
    sha256: field(isar0lo, isar0hi, 12) >= 1,
    fp: fpField !== 0xf,
    advsimd: simdField !== 0xf,
    fp16: fpField === 1,
    tgran4: field(mmfr0, 0, 28) !== 0xf,
    tgran16: field(mmfr0, 0, 20) !== 0,
    tgran64: field(mmfr0, 0, 24) !== 0xf,
    paBits: PA_RANGE_BITS[Math.min(field(mmfr0, 0, 0), 6)],
    asid16: field(mmfr0, 0, 4) === 2,
    bti: field(pfr1, 0, 0) >= 1,
    pauth:
      field(isar1lo, isar1hi, 4) !== 0 ||
      field(isar1lo, isar1hi, 8) !== 0 ||
      field(isar1lo, isar1hi, 24) !== 0 ||
      field(isar1lo, isar1hi, 28) !== 0 ||
      field(isar2lo, 0, 8) !== 0 ||
      field(isar2lo, 0, 12) !== 0,
  };
}
