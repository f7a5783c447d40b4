/**
 * Stage 2 translation, IPA -> host physical address, configured by the hypervisor through
 * VTCR_EL2/VTTBR_EL2 (Arm ARM DDI 0487K.a D8.2 "Translation process", D8.3 descriptor formats,
 * pseudocode AArch64.S2Walk()). Tables live in host memory. This is the slow path: plain
 * doubles (exact below 2^53) are used for addresses, never BigInt.
 */
import type { Cpu } from '../cpu.js';
import { S } from '../state.js';
import { FSC_TRANSLATION, FSC_ACCESS_FLAG, FSC_ADDR_SIZE, FSC_SYNC_EXTERNAL_WALK } from '../esr.js';

/** Stage-2 permissions (S2AP and XN). */
export const S2_R = 1;
export const S2_W = 2;
export const S2_X = 4;

/** Result of the last stage2Walk(): permissions, memory type, or the fault. Reused, never reallocated. */
export const s2 = { perm: 0, device: false, fsc: 0, level: 0 };

const TWO32 = 4294967296;

/** Granule size in bits for VTCR_EL2.TG0 / TCR_EL1.TG0 encodings: 00 4K, 01 64K, 10 16K. */
export function tg0Bits(tg: number): number {
  return tg === 1 ? 16 : tg === 2 ? 14 : 12;
}

/** Stage-2 start level from VTCR_EL2.SL0 and the granule (D8.2.4, Table D8-xx "SL0 encoding"). */
export function s2StartLevel(sl0: number, granuleBits: number): number {
  if (granuleBits === 12) return 2 - sl0; // 0 -> L2, 1 -> L1, 2 -> L0
  return 3 - sl0; // 16K and 64K: 0 -> L3, 1 -> L2, 2 -> L1 (16K: 3 -> L0)
}

/**
 * Walk the stage-2 tables for the IPA (hi, lo). Returns the host physical address, with s2.perm
 * and s2.device set, or -1 with s2.fsc set (fault status code including the level).
 */
export function stage2Walk(cpu: Cpu, ipaHi: number, ipaLo: number): number {
  const s = cpu.s;
  const vtcr = s[S.VTCR_EL2];
  const t0sz = vtcr & 63;
  const g = tg0Bits((vtcr >>> 14) & 3);
  const stride = g - 3;
  const inputBits = 64 - t0sz;
  const ipa = (ipaHi >>> 0) * TWO32 + (ipaLo >>> 0);
  if (inputBits < 64 && ipa >= 2 ** inputBits) {
    s2.fsc = FSC_TRANSLATION + 0;
    return -1;
  }
  let level = s2StartLevel((vtcr >>> 6) & 3, g);
  if (level < 0 || level > 3) {
    s2.fsc = FSC_TRANSLATION + 0;
    return -1;
  }
  // The base is VTTBR_EL2.BADDR, aligned to the (possibly concatenated) start table.
  let table = (s[S.VTTBR_EL2] >>> 0) + (s[S.VTTBR_EL2_HI] & 0xffff) * TWO32;
  let shift = g + (3 - level) * stride;
  let bits = inputBits - shift;
  if (bits > stride + 4 || bits < 1) {
    // More than 16 concatenated tables, or a start level below what the size needs (D8.2.5).
    s2.fsc = FSC_TRANSLATION + level;
    return -1;
  }
  table = Math.floor(table / 2 ** (bits + 3)) * 2 ** (bits + 3);
  let r = 0;
  let w = 0;
  let x = 0;
  for (;;) {
    const index = Math.floor(ipa / 2 ** shift) % 2 ** bits;
    const da = table + index * 8;
    if (da + 8 > cpu.mem.size) {
      s2.fsc = FSC_SYNC_EXTERNAL_WALK + level;
      return -1;
    }
    const dlo = cpu.m32[da >>> 2];
    const dhi = cpu.m32[(da >>> 2) + 1];
    const type = dlo & 3;
    if ((type & 1) === 0) {
      s2.fsc = FSC_TRANSLATION + level;
      return -1;
    }
    if (type === 3 && level < 3) {
      // Table descriptor: next-level table address bits [47:g].
      table = Math.floor(((dhi & 0xffff) * TWO32 + (dlo >>> 0)) / 2 ** g) * 2 ** g;
      level++;
      shift -= stride;
      bits = stride;
      continue;
    }
    const blockOk = type === 3 || (g === 12 ? level === 1 || level === 2 : level === 2);
    if (!blockOk) {
      s2.fsc = FSC_TRANSLATION + level;
      return -1;
    }
    if ((dlo & (1 << 10)) === 0) {
      s2.fsc = FSC_ACCESS_FLAG + level;
      return -1;
    }
    const outBase = Math.floor(((dhi & 0xffff) * TWO32 + (dlo >>> 0)) / 2 ** shift) * 2 ** shift;
    const out = outBase + (ipa % 2 ** shift);
    if (out >= cpu.mem.size) {
      s2.fsc = FSC_ADDR_SIZE + level;
      return -1;
    }
    r = (dlo >>> 6) & 1;
    w = (dlo >>> 7) & 1;
    x = (dhi >>> 22) & 1 ? 0 : 1; // XN, bit 54
    s2.perm = (r ? S2_R : 0) | (w ? S2_W : 0) | (x ? S2_X : 0);
    s2.device = ((dlo >>> 4) & 3) === 0; // MemAttr[3:2] == 0b00: Device
    s2.level = level;
    return out;
  }
}
