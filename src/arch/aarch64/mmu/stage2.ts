/**
 * Stage 2 translation, IPA -> host physical address, configured by the hypervisor through
 * VTCR_EL2/VTTBR_EL2 (Arm ARM DDI 0487K.a D8.2 "Translation process", D8.3 descriptor formats,
 * pseudocode AArch64.S2Walk(), AArch64.S2InvalidSL(), AArch64.S2InconsistentSL()). Tables live
 * in host memory. This is the slow path: plain doubles (exact below 2^53) are used for
 * addresses, never BigInt, and results go to the module-level `s2` (no allocation per walk).
 */
import type { Cpu } from '../cpu.js';
import { S } from '../state.js';
import { FSC_TRANSLATION, FSC_ACCESS_FLAG, FSC_ADDR_SIZE, FSC_SYNC_EXTERNAL, FSC_SYNC_EXTERNAL_WALK } from '../esr.js';

/** Stage-2 permissions (S2AP and XN). */
export const S2_R = 1;
export const S2_W = 2;
export const S2_X = 4;

/**
 * Result of the last stage2Walk(): permissions, memory type (device; attr = MemAttr[3:0]), the
 * level of the leaf (or of the fault), or the fault status code. Reused, never reallocated.
 */
export const s2 = { perm: 0, device: false, attr: 0, fsc: 0, level: 0 };

const TWO32 = 4294967296;

/** Output address sizes for TCR_EL1.IPS / VTCR_EL2.PS (D24.2 "PS, Physical address size"). */
const PS_BITS = [32, 36, 40, 42, 44, 48, 52, 52];

/** Granule size in bits for VTCR_EL2.TG0 / TCR_EL1.TG0 encodings: 00 4K, 01 64K, 10 16K. */
export function tg0Bits(tg: number): number {
  return tg === 1 ? 16 : tg === 2 ? 14 : 12;
}

/**
 * The granule actually used for a programmed one: a reserved encoding or a granule the PE does
 * not implement (ID_AA64MMFR0_EL1.TGran*) is treated as an IMPLEMENTATION DEFINED choice of an
 * implemented size (D24.2 TCR_EL1.TG0/TG1, AArch64.S1DecodeTG0/TG1). Like QEMU we pick the
 * first implemented of 4K, 64K, 16K, so every reserved or missing size maps to the same one.
 */
export function effectiveGranule(cpu: Cpu, bits: number): number {
  const f = cpu.feat;
  if (bits === 12 && f.tgran4) return 12;
  if (bits === 14 && f.tgran16) return 14;
  if (bits === 16 && f.tgran64) return 16;
  return f.tgran4 ? 12 : f.tgran64 ? 16 : 14;
}

/** Output address size: the PS/IPS field capped by the PE's PA size and by the 48 bits a descriptor holds. */
export function outputBits(cpu: Cpu, ps: number): number {
  return Math.min(PS_BITS[ps & 7], cpu.feat.paBits, 48);
}

/** Stage-2 start level from VTCR_EL2.SL0 and the granule (D24.2 VTCR_EL2.SL0). */
export function s2StartLevel(sl0: number, granuleBits: number): number {
  if (granuleBits === 12) return 2 - sl0; // 0 -> L2, 1 -> L1, 2 -> L0 (3 reserved without TTST)
  return 3 - sl0; // 16K and 64K: 0 -> L3, 1 -> L2, 2 -> L1 (16K: 3 -> L0 only with FEAT_LPA2)
}

/** AArch64.S2InvalidSL(): SL0 encodings that are reserved for this PE. */
function invalidSl(cpu: Cpu, sl0: number, g: number): boolean {
  const pa = cpu.feat.paBits;
  if (sl0 === 3) return true; // 4K: needs FEAT_TTST; 16K: needs DS (FEAT_LPA2); 64K: reserved
  if (sl0 === 2) return g === 14 ? pa < 42 : pa < 44; // a level-0 (4K) / level-1 (16K, 64K) start
  return false;
}

function fault(fsc: number, level: number): number {
  s2.fsc = fsc + (fsc === FSC_SYNC_EXTERNAL ? 0 : level);
  s2.level = level;
  return -1;
}

/**
 * Walk the stage-2 tables for the IPA (hi, lo). Returns the host physical address, with s2.perm,
 * s2.device, s2.attr and s2.level set, or -1 with s2.fsc (fault status code including the
 * level) and s2.level set.
 */
export function stage2Walk(cpu: Cpu, ipaHi: number, ipaLo: number): number {
  const s = cpu.s;
  const vtcr = s[S.VTCR_EL2];
  const t0sz = vtcr & 63;
  const g = effectiveGranule(cpu, tg0Bits((vtcr >>> 14) & 3));
  const stride = g - 3;
  // T0SZ outside 16..39 (no FEAT_LVA/FEAT_TTST) is CONSTRAINED UNPREDICTABLE; we fault (level 0).
  if (t0sz < 16 || t0sz > 39) return fault(FSC_TRANSLATION, 0);
  const inputBits = 64 - t0sz;
  const ipa = (ipaHi >>> 0) * TWO32 + (ipaLo >>> 0);
  // An IPA beyond the input range: Translation fault, level 0 (AArch64.S2Translate).
  if ((ipaHi >>> 0) >= 65536 || ipa >= 2 ** inputBits) return fault(FSC_TRANSLATION, 0);
  const sl0 = (vtcr >>> 6) & 3;
  if (invalidSl(cpu, sl0, g)) return fault(FSC_TRANSLATION, 0);
  let level = s2StartLevel(sl0, g);
  let shift = g + (3 - level) * stride;
  let bits = inputBits - shift;
  // AArch64.S2InconsistentSL(): the start level must resolve at least one bit and at most
  // one stride plus 16 concatenated tables. Reported, like S2InvalidSL, as a level-0
  // Translation fault (the pseudocode's choice; no descriptor was read at the start level).
  if (bits < 1 || bits > stride + 4) return fault(FSC_TRANSLATION, 0);
  const oaBits = outputBits(cpu, (vtcr >>> 16) & 7);
  const oaLimit = 2 ** oaBits;
  // VTTBR_EL2.BADDR is bits [47:1]; bits below the (concatenated) start-table size are treated
  // as zero (AArch64.TTBaseAddress).
  let table = ((s[S.VTTBR_EL2] >>> 0) & ~1) + (s[S.VTTBR_EL2_HI] & 0xffff) * TWO32;
  if (table >= oaLimit) return fault(FSC_ADDR_SIZE, 0);
  const tsize = 2 ** (bits + 3);
  table = Math.floor(table / tsize) * tsize;
  const gsize = 2 ** g;
  const m32 = cpu.m32;
  for (;;) {
    const index = Math.floor(ipa / 2 ** shift) % 2 ** bits;
    const da = table + index * 8;
    if (da + 8 > cpu.mem.size) return fault(FSC_SYNC_EXTERNAL_WALK, level);
    const dlo = m32[da >>> 2];
    const dhi = m32[(da >>> 2) + 1];
    if ((dlo & 1) === 0) return fault(FSC_TRANSLATION, level);
    const addr = (dhi & 0xffff) * TWO32 + (dlo >>> 0);
    if ((dlo & 2) !== 0 && level < 3) {
      // Table descriptor: next-level table address bits [47:g].
      table = addr - (addr % gsize);
      if (table >= oaLimit) return fault(FSC_ADDR_SIZE, level);
      level++;
      shift -= stride;
      bits = stride;
      continue;
    }
    // Block (only at levels that allow one for this granule, D8 descriptor formats) or page (level 3, 0b11).
    const blockOk = (dlo & 2) !== 0 || (g === 12 ? level === 1 || level === 2 : level === 2);
    if (!blockOk) return fault(FSC_TRANSLATION, level);
    const span = 2 ** shift;
    const outBase = addr - (addr % span);
    if (outBase >= oaLimit) return fault(FSC_ADDR_SIZE, level);
    // No FEAT_HAFDBS: AF = 0 faults (checked after the output address, as AArch64.S2Walk does).
    if ((dlo & (1 << 10)) === 0) return fault(FSC_ACCESS_FLAG, level);
    const out = outBase + (ipa % span);
    // No host memory there: reported to EL2 as a synchronous external abort.
    if (out >= cpu.mem.size) return fault(FSC_SYNC_EXTERNAL, level);
    const r = (dlo >>> 6) & 1; // S2AP[0]: read
    const w = (dlo >>> 7) & 1; // S2AP[1]: write
    const xn = (dhi >>> 22) & 1; // XN, bit 54
    s2.perm = (r ? S2_R : 0) | (w ? S2_W : 0) | (xn ? 0 : S2_X);
    s2.attr = (dlo >>> 2) & 15; // MemAttr[3:0]
    s2.device = (s2.attr & 12) === 0; // MemAttr[3:2] == 0b00: Device
    s2.level = level;
    return out;
  }
}
