/**
 * Stage 1 translation for the EL1&0 regime, VA -> IPA (Arm ARM DDI 0487K.a chapter D8,
 * pseudocode AArch64.S1Translate(), AArch64.S1Walk(), AArch64.S1ComputePermissions()).
 *
 * Contract with translate.ts: stage1Walk() fills `s1` and returns true, or returns false with
 * s1.fsc (fault status including level) for a stage-1 fault that goes to EL1. A stage-2 fault
 * on a table-descriptor read (S1PTW) traps to EL2 itself and never returns.
 *
 * `s1.perm` holds the P.* bits of the page for every EL (and for EL1 under PSTATE.PAN), so one
 * walk serves any access; the caller checks the bit its access needs and reports a permission
 * fault at s1.level. This is the slow path (a TLB miss): plain doubles for addresses, no
 * allocation, results in the module-level `s1`.
 */
import type { Cpu } from '../cpu.js';
import { P } from '../cpu.js';
import { S, SR, srIndex } from '../state.js';
import { FSC_ADDR_SIZE, FSC_TRANSLATION, FSC_ACCESS_FLAG, FSC_PERMISSION, FSC_SYNC_EXTERNAL_WALK } from '../esr.js';
import { s2, effectiveGranule, outputBits, S2_R } from './stage2.js';
import { translateIpa, stage2Fault, ACC_EXEC, ACC_READ } from './translate.js';

/**
 * Result of the last stage1Walk(); reused, never reallocated. `perm` holds P.* bits, `level` the
 * level of the leaf descriptor (where a permission fault is reported), `attr` the MAIR_EL1
 * attribute byte, `sh` the descriptor's SH[1:0] (PAR_EL1.SH). For a fault, `fsc` and `level`.
 */
export const s1 = { ipaHi: 0, ipaLo: 0, perm: 0, fsc: 0, level: 0, attr: 0, sh: 0 };

const TWO32 = 4294967296;
const HCR_VM = 1;

/** SCTLR_EL1 bits (D24.2 SCTLR_EL1). */
const SCTLR_M = 1;
const SCTLR_WXN = 1 << 19;

/** TCR_EL1 fields (D24.2 TCR_EL1); "hi" bits are bit - 32 in the high word. */
const TCR_EPD0 = 1 << 7;
const TCR_EPD1 = 1 << 23;
const TCR_HI_TBI0 = 1 << (37 - 32);
const TCR_HI_TBI1 = 1 << (38 - 32);
const TCR_HI_TBID0 = 1 << (51 - 32);
const TCR_HI_TBID1 = 1 << (52 - 32);

/** Descriptor bits (D8 "VMSAv8-64 translation table format descriptors"). */
const D_AF = 1 << 10;
/** Upper attributes in the high word: PXN bit 53, UXN bit 54; table PXNTable 59, UXNTable 60, APTable 62:61. */
const DH_PXN = 1 << (53 - 32);
const DH_UXN = 1 << (54 - 32);
const DH_PXNTABLE = 1 << (59 - 32);
const DH_UXNTABLE = 1 << (60 - 32);
const DH_APTABLE0 = 1 << (61 - 32); // no EL0 access at later levels
const DH_APTABLE1 = 1 << (62 - 32); // no write access at later levels

const ALL = P.R0 | P.W0 | P.X0 | P.R1 | P.W1 | P.X1 | P.R1PAN | P.W1PAN;

function fail(fsc: number, level: number): false {
  s1.fsc = fsc + level;
  s1.level = level;
  return false;
}

/** Mask of bits [a..b] of a 32-bit word (0 <= a <= b <= 31), as an int32. */
function bitRange(a: number, b: number): number {
  const upper = b === 31 ? -1 : (1 << (b + 1)) - 1;
  return upper & ~((1 << a) - 1);
}

/**
 * Walk stage 1 for VA (hi, lo) on behalf of an access of kind `acc` (ACC_READ/WRITE/EXEC).
 * `walkSyn` is ORed into ESR_EL2's ISS if a table read takes a stage-2 fault (AT passes CM and
 * WnR there; accesses pass 0).
 */
export function stage1Walk(cpu: Cpu, hi: number, lo: number, acc: number, walkSyn = 0): boolean {
  const s = cpu.s;
  const tcr = s[srIndex(SR.TCR_EL1)];
  const tcrHi = s[srIndex(SR.TCR_EL1) + 1];
  const va55 = (hi >>> 23) & 1;
  // Top byte ignore (D8 "Address tagging"): TBI0/TBI1 by VA[55]. It applies to instruction
  // addresses too (AArch64.AddrTop) unless FEAT_PAuth's TBID0/TBID1 limits it to data.
  let tbi = (tcrHi & (va55 ? TCR_HI_TBI1 : TCR_HI_TBI0)) !== 0;
  if (tbi && acc === ACC_EXEC && cpu.feat.pauth && (tcrHi & (va55 ? TCR_HI_TBID1 : TCR_HI_TBID0)) !== 0) tbi = false;
  const topHi = tbi ? 23 : 31; // the highest VA bit that takes part in translation, minus 32

  if ((s[srIndex(SR.SCTLR_EL1)] & SCTLR_M) === 0) {
    // Stage 1 disabled (D8.2.11, AArch64.S1DisabledOutput): flat map of VA[PAMax-1:0]; VA bits
    // [Top:PAMax] must be zero, else an Address size fault at level 0. Data accesses are
    // Device-nGnRnE, fetches Normal (P.DEVICE only affects data accesses).
    const pa = cpu.feat.paBits;
    if ((hi & bitRange(pa - 32, topHi)) !== 0) return fail(FSC_ADDR_SIZE, 0);
    s1.ipaHi = hi & bitRange(0, pa - 33);
    s1.ipaLo = lo;
    s1.perm = ALL | P.DEVICE;
    s1.level = 0;
    s1.attr = 0; // Device-nGnRnE
    s1.sh = 2;
    return true;
  }

  // Which half of the VA space: VA[55] selects TTBR0 or TTBR1 (AArch64.GetVARange).
  const epd = (tcr & (va55 ? TCR_EPD1 : TCR_EPD0)) !== 0;
  let tsz = va55 ? (tcr >>> 16) & 63 : tcr & 63;
  // TxSZ outside 16..39 (no FEAT_LVA/FEAT_TTST) is CONSTRAINED UNPREDICTABLE: we use the
  // nearest legal value (the FORCE option of AArch64.S1TxSZFaults' constraint).
  if (tsz < 16) tsz = 16;
  else if (tsz > 39) tsz = 39;
  const inputBits = 64 - tsz;
  // VA range check: bits [Top:inputBits] must all equal VA[55] (all 0 for TTBR0, all 1 for
  // TTBR1); otherwise, or if the walk is disabled by EPDn, a level-0 Translation fault.
  const hiMask = bitRange(inputBits > 32 ? inputBits - 32 : 0, topHi);
  if ((hi & hiMask) !== (va55 ? hiMask : 0)) return fail(FSC_TRANSLATION, 0);
  if (inputBits < 32) {
    const loMask = bitRange(inputBits, 31);
    if ((lo & loMask) !== (va55 ? loMask : 0)) return fail(FSC_TRANSLATION, 0);
  }
  if (epd) return fail(FSC_TRANSLATION, 0);

  // Granule: TG0 00 4K, 01 64K, 10 16K; TG1 01 16K, 10 4K, 11 64K.
  let g: number;
  if (va55) {
    const tg1 = (tcr >>> 30) & 3;
    g = tg1 === 1 ? 14 : tg1 === 3 ? 16 : tg1 === 2 ? 12 : 0;
  } else {
    const tg0 = (tcr >>> 14) & 3;
    g = tg0 === 1 ? 16 : tg0 === 2 ? 14 : tg0 === 0 ? 12 : 0;
  }
  g = effectiveGranule(cpu, g);
  const stride = g - 3;
  // Start level (AArch64.S1StartLevel): enough levels of `stride` bits above the page offset.
  let level = 3 - Math.floor((inputBits - 1 - g) / stride);
  let shift = g + (3 - level) * stride;
  let bits = inputBits - shift;
  const oaBits = outputBits(cpu, tcrHi & 7); // TCR_EL1.IPS, bits [34:32]
  const oaLimit = 2 ** oaBits;

  // TTBRn_EL1.BADDR is bits [47:1] (ASID above, CnP at bit 0). An address beyond the output
  // size is an Address size fault at level 0; bits below the start table's size are treated as
  // zero (AArch64.TTBaseAddress).
  const ttbr = srIndex(va55 ? SR.TTBR1_EL1 : SR.TTBR0_EL1);
  let table = ((s[ttbr] >>> 0) & ~1) + (s[ttbr + 1] & 0xffff) * TWO32;
  if (table >= oaLimit) return fail(FSC_ADDR_SIZE, 0);
  const tsize = 2 ** (bits + 3);
  table = Math.floor(table / tsize) * tsize;

  // The input address within the range: bits above inputBits are checked, bits [47:0] suffice.
  const va = (hi & 0xffff) * TWO32 + (lo >>> 0);
  const vm = (s[S.HCR_EL2] & HCR_VM) !== 0;
  const walkAcc = acc === ACC_EXEC ? ACC_EXEC : ACC_READ;
  const gsize = 2 ** g;
  const m32 = cpu.m32;
  let tableHi = 0; // accumulated PXNTable/UXNTable/APTable bits (high-word positions)
  for (;;) {
    const index = Math.floor(va / 2 ** shift) % 2 ** bits;
    const descIpa = table + index * 8;
    // Descriptor reads are IPA accesses translated by stage 2 (S1PTW).
    let host: number;
    if (vm) {
      const dHi = Math.floor(descIpa / TWO32) | 0;
      const dLo = descIpa % TWO32 | 0;
      host = translateIpa(cpu, hi, lo, dHi, dLo, walkAcc, walkSyn, true);
      // Stage 2 must grant read for a table walk (AArch64.S2CheckPermissions, s2fs1walk).
      if ((s2.perm & S2_R) === 0) stage2Fault(cpu, hi, lo, dHi, dLo, walkAcc, FSC_PERMISSION + s2.level, walkSyn, true);
    } else {
      host = descIpa;
      if (host + 8 > cpu.mem.size) return fail(FSC_SYNC_EXTERNAL_WALK, level);
    }
    const dlo = m32[host >>> 2];
    const dhi = m32[(host >>> 2) + 1];
    // Invalid (bit 0 clear) or reserved (0b01 at level 3): Translation fault at this level.
    if ((dlo & 1) === 0) return fail(FSC_TRANSLATION, level);
    const addr = (dhi & 0xffff) * TWO32 + (dlo >>> 0);
    if ((dlo & 2) !== 0 && level < 3) {
      // Table descriptor: next table at bits [47:g]; an address beyond the output size is an
      // Address size fault at the level of this descriptor (AArch64.S1Walk).
      table = addr - (addr % gsize);
      if (table >= oaLimit) return fail(FSC_ADDR_SIZE, level);
      tableHi |= dhi;
      level++;
      shift -= stride;
      bits = stride;
      continue;
    }
    // Block descriptors exist at level 1 and 2 with 4K, level 2 with 16K and 64K (no
    // FEAT_LPA/LPA2); elsewhere 0b01 is reserved. Level 3 needs 0b11 (page).
    const leafOk = level === 3 ? (dlo & 2) !== 0 : g === 12 ? level === 1 || level === 2 : level === 2;
    if (!leafOk) return fail(FSC_TRANSLATION, level);
    const span = 2 ** shift;
    const oa = addr - (addr % span);
    if (oa >= oaLimit) return fail(FSC_ADDR_SIZE, level);
    // No FEAT_HAFDBS: AF = 0 is an Access flag fault (before any permission check).
    if ((dlo & D_AF) === 0) return fail(FSC_ACCESS_FLAG, level);

    // Permissions (D8 "Memory access control", AArch64.S1ComputePermissions for a regime with
    // two privilege levels). Hierarchical controls from table descriptors: APTable[0] removes
    // EL0 access, APTable[1] removes write access, UXNTable/PXNTable force execute-never.
    // TCR_EL1.HPDn is ignored: FEAT_HPDS is not implemented.
    const apTableNoEl0 = (tableHi & DH_APTABLE0) !== 0;
    const apTableNoWrite = (tableHi & DH_APTABLE1) !== 0;
    const ap1 = ((dlo >>> 6) & 1) !== 0 && !apTableNoEl0; // AP[1]: EL0 access
    const ap2 = ((dlo >>> 7) & 1) !== 0 || apTableNoWrite; // AP[2]: read-only
    const userR = ap1;
    const userW = ap1 && !ap2;
    const privW = !ap2;
    const wxn = (s[srIndex(SR.SCTLR_EL1)] & SCTLR_WXN) !== 0;
    const uxn = (dhi & DH_UXN) !== 0 || (tableHi & DH_UXNTABLE) !== 0;
    const pxn = (dhi & DH_PXN) !== 0 || (tableHi & DH_PXNTABLE) !== 0;
    // WXN: writable means execute-never at that EL; EL1 never executes EL0-writable memory.
    const userX = !uxn && !(userW && wxn);
    const privX = !pxn && !(privW && wxn) && !userW;
    let perm = P.R1 | (privW ? P.W1 : 0) | (privX ? P.X1 : 0);
    if (userR) perm |= P.R0;
    if (userW) perm |= P.W0;
    if (userX) perm |= P.X0;
    // FEAT_PAN: while PSTATE.PAN = 1, EL1 data accesses to memory EL0 can access (AP[1] = 1)
    // fault; fetches are not affected (no FEAT_PAN3/EPAN).
    if (!userR) perm |= P.R1PAN | (privW ? P.W1PAN : 0);

    // Memory attributes: AttrIndx[2:0] (bits 4:2) selects a MAIR_EL1 byte; Attr[7:4] == 0 is Device.
    const idx = (dlo >>> 2) & 7;
    const mair = idx < 4 ? s[srIndex(SR.MAIR_EL1)] : s[srIndex(SR.MAIR_EL1) + 1];
    const attr = (mair >>> (8 * (idx & 3))) & 0xff;
    if ((attr & 0xf0) === 0) perm |= P.DEVICE;

    const ipa = oa + (va % span);
    s1.ipaHi = Math.floor(ipa / TWO32) | 0;
    s1.ipaLo = ipa % TWO32 | 0;
    s1.perm = perm;
    s1.level = level;
    s1.attr = attr;
    s1.sh = (dlo >>> 8) & 3;
    return true;
  }
}
