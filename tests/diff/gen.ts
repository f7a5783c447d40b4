/**
 * Random A64 instruction sequences for the differential test (diff.test.ts), and the batch
 * format harness.S reads and writes.
 *
 * A sequence is a list of *items*: one instruction, or a short group that sets up an address or
 * index register and then accesses memory through it (so a branch never skips the setup without
 * the access). Branches are forward only and skip whole items; they may land on or past the end
 * of the block (the harness returns from anywhere past the last word).
 *
 * Register conventions: x16/x17 are reserved for the harness epilogue (never written nor
 * compared), x28 holds BASE (the middle of the data buffer) and is never written; SP is never
 * used. Every memory access stays inside [DATA, DATA + BUFSZ). Accesses are naturally aligned
 * unless `unaligned` is set (then plain loads/stores and pairs are sometimes misaligned; atomics
 * and acquire/release forms stay aligned).
 */

export const CODE = 0x40000000;
/** The buffer straddles a page boundary at BASE (page-crossing accesses happen around x28). */
export const DATA = 0x40200e00;
export const BUFSZ = 1024;
/** x28 = BASE: offsets -512..511 from it stay in the buffer. */
export const BASE = DATA + 512;
export const BASE_REG = 28;
/** Code words per case at most (the harness's MAXW; the epilogue follows). */
export const MAXW = 64;
export const MAX_CASE_WORDS = 60;
export const RESERVED = new Set([16, 17]);
export const MAGIC = 0x31445654;
export const REC_IN = 8 + 4 * MAXW + 8 * 31 + 8 + BUFSZ;
export const REC_OUT = 8 * 31 + 8 + BUFSZ;

/** Registers generated code may write (not 16/17 reserved, not 28 = base, not 31). */
const FREE: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 29, 30];

/** First registers of the pairs CASP may use (both halves free). */
const EVEN_PAIRS: readonly number[] = [0, 2, 4, 6, 8, 10, 12, 14, 18, 20, 22, 24, 26];

/** xoshiro128** seeded through splitmix32: deterministic, 32-bit integer arithmetic only. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    let x = seed >>> 0;
    const sm = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm() | 1;
  }
  /** Uniform uint32. */
  next(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.next() / 4294967296) * n);
  }
  /** Uniform integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  bool(p = 0.5): boolean {
    return this.next() / 4294967296 < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)];
  }
  u64(): bigint {
    return (BigInt(this.next()) << 32n) | BigInt(this.next());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export interface Case {
  words: number[];
  /** x0..x30 (x16, x17 are set to 0 and ignored). */
  x: bigint[];
  /** NZCV as 4 bits (N = 8). */
  nzcv: number;
  buf: Uint8Array;
}

export interface GenOptions {
  unaligned?: boolean;
  minItems?: number;
  maxItems?: number;
}

const M64 = (1n << 64n) - 1n;

function initialValue(r: Rng): bigint {
  switch (r.int(12)) {
    case 0:
      return 0n;
    case 1:
      return BigInt(r.range(1, 64));
    case 2:
      return M64;
    case 3:
      return r.pick([0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffn, 0x80000000n, 0x7fffffffn, 0xffffffff80000000n, 0x100000000n]);
    case 4:
      return BigInt(r.next());
    case 5:
      return BigInt.asUintN(64, BigInt(r.next() | 0));
    case 6:
      return BigInt.asUintN(64, -BigInt(r.range(1, 1000)));
    case 7:
      return BigInt(r.next() & 0xffff);
    default:
      return r.u64();
  }
}

// ---- encoders ---------------------------------------------------------------------------

const u = (x: number): number => x >>> 0;

function addSubImm(sf: number, op: number, s: number, sh: number, imm12: number, rn: number, rd: number): number {
  return u((sf << 31) | (op << 30) | (s << 29) | (0b100010 << 23) | (sh << 22) | (imm12 << 10) | (rn << 5) | rd);
}

function logicalImm(sf: number, opc: number, n: number, immr: number, imms: number, rn: number, rd: number): number {
  return u((sf << 31) | (opc << 29) | (0b100100 << 23) | (n << 22) | (immr << 16) | (imms << 10) | (rn << 5) | rd);
}

function moveWide(sf: number, opc: number, hw: number, imm16: number, rd: number): number {
  return u((sf << 31) | (opc << 29) | (0b100101 << 23) | (hw << 21) | (imm16 << 5) | rd);
}

function bitfield(sf: number, opc: number, immr: number, imms: number, rn: number, rd: number): number {
  return u((sf << 31) | (opc << 29) | (0b100110 << 23) | (sf << 22) | (immr << 16) | (imms << 10) | (rn << 5) | rd);
}

function extr(sf: number, rm: number, imms: number, rn: number, rd: number): number {
  return u((sf << 31) | (0b100111 << 23) | (sf << 22) | (rm << 16) | (imms << 10) | (rn << 5) | rd);
}

function adr(page: number, imm21: number, rd: number): number {
  return u((page << 31) | ((imm21 & 3) << 29) | (0b10000 << 24) | (((imm21 >> 2) & 0x7ffff) << 5) | rd);
}

function logicalReg(sf: number, opc: number, shift: number, n: number, rm: number, imm6: number, rn: number, rd: number): number {
  return u((sf << 31) | (opc << 29) | (0b01010 << 24) | (shift << 22) | (n << 21) | (rm << 16) | (imm6 << 10) | (rn << 5) | rd);
}

function addSubShifted(sf: number, op: number, s: number, shift: number, rm: number, imm6: number, rn: number, rd: number): number {
  return u((sf << 31) | (op << 30) | (s << 29) | (0b01011 << 24) | (shift << 22) | (rm << 16) | (imm6 << 10) | (rn << 5) | rd);
}

function addSubExt(sf: number, op: number, s: number, rm: number, option: number, imm3: number, rn: number, rd: number): number {
  return u((sf << 31) | (op << 30) | (s << 29) | (0b01011 << 24) | (1 << 21) | (rm << 16) | (option << 13) | (imm3 << 10) | (rn << 5) | rd);
}

function adcSbc(sf: number, op: number, s: number, rm: number, rn: number, rd: number): number {
  return u((sf << 31) | (op << 30) | (s << 29) | (0b11010000 << 21) | (rm << 16) | (rn << 5) | rd);
}

function condCompare(sf: number, op: number, isImm: number, rmOrImm: number, cond: number, rn: number, nzcv: number): number {
  return u((sf << 31) | (op << 30) | (1 << 29) | (0b11010010 << 21) | (rmOrImm << 16) | (cond << 12) | (isImm << 11) | (rn << 5) | nzcv);
}

function condSelect(sf: number, op: number, op2: number, rm: number, cond: number, rn: number, rd: number): number {
  return u((sf << 31) | (op << 30) | (0b11010100 << 21) | (rm << 16) | (cond << 12) | (op2 << 10) | (rn << 5) | rd);
}

function dp1(sf: number, opcode: number, rn: number, rd: number): number {
  return u((sf << 31) | (1 << 30) | (0b11010110 << 21) | (opcode << 10) | (rn << 5) | rd);
}

function dp2(sf: number, opcode: number, rm: number, rn: number, rd: number): number {
  return u((sf << 31) | (0b11010110 << 21) | (rm << 16) | (opcode << 10) | (rn << 5) | rd);
}

function dp3(sf: number, op31: number, o0: number, rm: number, ra: number, rn: number, rd: number): number {
  return u((sf << 31) | (0b11011 << 24) | (op31 << 21) | (rm << 16) | (o0 << 15) | (ra << 10) | (rn << 5) | rd);
}

/** LDR/STR (immediate, unsigned offset); imm12 is in units of the access size. */
function ldstUimm(size: number, opc: number, imm12: number, rn: number, rt: number): number {
  return u((size << 30) | (0b111001 << 24) | (opc << 22) | (imm12 << 10) | (rn << 5) | rt);
}

/** LDUR (kind 0), post-index (1), LDTR (2), pre-index (3); imm9 in bytes. */
function ldstImm9(size: number, opc: number, kind: number, imm9: number, rn: number, rt: number): number {
  return u((size << 30) | (0b111000 << 24) | (opc << 22) | ((imm9 & 0x1ff) << 12) | (kind << 10) | (rn << 5) | rt);
}

function ldstReg(size: number, opc: number, rm: number, option: number, s: number, rn: number, rt: number): number {
  return u((size << 30) | (0b111000 << 24) | (opc << 22) | (1 << 21) | (rm << 16) | (option << 13) | (s << 12) | (0b10 << 10) | (rn << 5) | rt);
}

/** LDP/STP: mode 0 = no-allocate, 1 = post, 2 = offset, 3 = pre; imm7 in units of the size. */
function ldstPair(opc: number, mode: number, l: number, imm7: number, rt2: number, rn: number, rt: number): number {
  return u((opc << 30) | (0b101 << 27) | (mode << 23) | (l << 22) | ((imm7 & 0x7f) << 15) | (rt2 << 10) | (rn << 5) | rt);
}

function ldarStlr(size: number, l: number, rn: number, rt: number): number {
  return u((size << 30) | (0b001000 << 24) | (1 << 23) | (l << 22) | (0x1f << 16) | (1 << 15) | (0x1f << 10) | (rn << 5) | rt);
}

function atomic(size: number, a: number, r: number, rs: number, o3: number, opc: number, rn: number, rt: number): number {
  return u((size << 30) | (0b111000 << 24) | (a << 23) | (r << 22) | (1 << 21) | (rs << 16) | (o3 << 15) | (opc << 12) | (rn << 5) | rt);
}

function cas(size: number, l: number, rs: number, o0: number, rn: number, rt: number): number {
  return u((size << 30) | (0b0010001 << 23) | (l << 22) | (1 << 21) | (rs << 16) | (o0 << 15) | (0x1f << 10) | (rn << 5) | rt);
}

/** CASP: sz 0 = 32-bit pairs, 1 = 64-bit; rs and rt even. */
function casp(sz: number, l: number, rs: number, o0: number, rn: number, rt: number): number {
  return u((sz << 30) | (0b001000 << 24) | (l << 22) | (1 << 21) | (rs << 16) | (o0 << 15) | (0x1f << 10) | (rn << 5) | rt);
}

function bcond(imm19: number, cond: number): number {
  return u((0x54 << 24) | ((imm19 & 0x7ffff) << 5) | cond);
}

function cbz(sf: number, op: number, imm19: number, rt: number): number {
  return u((sf << 31) | (0b011010 << 25) | (op << 24) | ((imm19 & 0x7ffff) << 5) | rt);
}

function tbz(bit: number, op: number, imm14: number, rt: number): number {
  return u(((bit >> 5) << 31) | (0b011011 << 25) | (op << 24) | ((bit & 31) << 19) | ((imm14 & 0x3fff) << 5) | rt);
}

function b(imm26: number): number {
  return u((0b000101 << 26) | (imm26 & 0x3ffffff));
}

// ---- generators -------------------------------------------------------------------------

type Item = number[];

class Gen {
  constructor(
    readonly r: Rng,
    readonly unaligned: boolean,
  ) {}

  /** A destination register (never 16, 17, 28, 31). */
  dst(): number {
    return this.r.pick(FREE);
  }
  /** A destination different from every register in `not`. */
  dstNot(...not: number[]): number {
    for (;;) {
      const d = this.dst();
      if (!not.includes(d)) return d;
    }
  }
  /** A source where 31 means ZR. */
  srcZ(): number {
    const k = this.r.int(16);
    if (k === 0) return 31;
    if (k === 1) return BASE_REG;
    return this.dst();
  }
  /** A source where 31 would mean SP: never 31. */
  srcNoSp(): number {
    return this.r.int(12) === 0 ? BASE_REG : this.dst();
  }
  /** A destination where 31 means ZR (flag-setting compares, loads to ZR). */
  dstZ(): number {
    return this.r.int(12) === 0 ? 31 : this.dst();
  }

  dataProc(): Item {
    const r = this.r;
    const sf = r.int(4) === 0 ? 0 : 1;
    const w = sf ? 64 : 32;
    switch (r.int(20)) {
      case 0: {
        // ADD/SUB(S) immediate
        const s = r.int(2);
        return [addSubImm(sf, r.int(2), s, r.int(2), r.int(4096), this.srcNoSp(), s ? this.dstZ() : this.dst())];
      }
      case 1: {
        // logical immediate: element size e, s ones, rotation immr
        const log = sf ? r.range(1, 6) : r.range(1, 5);
        const e = 1 << log;
        const ones = r.range(1, e - 1);
        const imms = ((0x3f << (log + 1)) & 0x3f) | (ones - 1);
        const opc = r.int(4);
        return [logicalImm(sf, opc, e === 64 ? 1 : 0, r.int(e), imms, this.srcZ(), opc === 3 ? this.dstZ() : this.dst())];
      }
      case 2: {
        const opc = r.pick([0, 2, 3]);
        return [moveWide(sf, opc, r.int(sf ? 4 : 2), r.int(65536), this.dst())];
      }
      case 3:
        return [adr(r.int(2), r.range(-(1 << 20), (1 << 20) - 1), this.dst())];
      case 4: {
        const opc = r.int(3);
        return [bitfield(sf, opc, r.int(w), r.int(w), this.srcZ(), this.dst())];
      }
      case 5:
        return [extr(sf, this.srcZ(), r.int(w), this.srcZ(), this.dst())];
      case 6:
        return [logicalReg(sf, r.int(4), r.int(4), r.int(2), this.srcZ(), r.int(w), this.srcZ(), this.dstZ())];
      case 7:
      case 8:
        return [addSubShifted(sf, r.int(2), r.int(2), r.int(3), this.srcZ(), r.int(w), this.srcZ(), this.dstZ())];
      case 9: {
        const s = r.int(2);
        const option = r.int(8);
        return [addSubExt(sf, r.int(2), s, this.srcZ(), option, r.int(5), this.srcNoSp(), s ? this.dstZ() : this.dst())];
      }
      case 10:
        return [adcSbc(sf, r.int(2), r.int(2), this.srcZ(), this.srcZ(), this.dstZ())];
      case 11: {
        const isImm = r.int(2);
        return [condCompare(sf, r.int(2), isImm, isImm ? r.int(32) : this.srcZ(), r.int(16), this.srcZ(), r.int(16))];
      }
      case 12:
        return [condSelect(sf, r.int(2), r.int(2), this.srcZ(), r.int(16), this.srcZ(), this.dst())];
      case 13: {
        const opcode = sf ? r.int(6) : r.pick([0, 1, 2, 4, 5]);
        return [dp1(sf, opcode, this.srcZ(), this.dst())];
      }
      case 14:
        return [dp2(sf, r.pick([2, 3]), this.srcZ(), this.srcZ(), this.dst())];
      case 15:
        return [dp2(sf, r.pick([8, 9, 10, 11]), this.srcZ(), this.srcZ(), this.dst())];
      case 16: {
        // CRC32{B,H,W,X}, CRC32C{B,H,W,X}: X forms need sf = 1, the others sf = 0
        const c = r.int(2);
        const sz = r.int(4);
        return [dp2(sz === 3 ? 1 : 0, 0b010000 | (c << 2) | sz, this.srcZ(), this.srcZ(), this.dst())];
      }
      case 17:
        return [dp3(sf, 0, r.int(2), this.srcZ(), this.srcZ(), this.srcZ(), this.dst())];
      case 18: {
        // SMADDL/SMSUBL/UMADDL/UMSUBL, SMULH/UMULH
        const k = r.int(3);
        const uns = r.int(2) << 2;
        if (k === 2) return [dp3(1, 0b010 | uns, 0, this.srcZ(), 31, this.srcZ(), this.dst())];
        return [dp3(1, 0b001 | uns, r.int(2), this.srcZ(), this.srcZ(), this.srcZ(), this.dst())];
      }
      default:
        // extra weight on plain MOVZ/ADD to vary values
        return [addSubShifted(sf, r.int(2), 1, 0, this.srcZ(), 0, this.srcZ(), this.dstZ())];
    }
  }

  /** `add/sub xB, x28, #|d|`: xB = BASE + d. */
  setBase(bReg: number, d: number): number {
    return d >= 0 ? addSubImm(1, 0, 0, 0, d, BASE_REG, bReg) : addSubImm(1, 1, 0, 0, -d, BASE_REG, bReg);
  }

  /** An offset from BASE for an access of `bytes` (multiple of `align`), inside the buffer. */
  off(bytes: number, align: number, lo = -512, hi = 511): number {
    const min = Math.max(-512, lo);
    const max = Math.min(512 - bytes, hi);
    // misaligned: often straddle the page boundary at BASE
    if (align === 1 && this.r.bool(0.4) && Math.max(min, 1 - bytes) <= Math.min(max, -1)) {
      return this.r.range(Math.max(min, 1 - bytes), Math.min(max, -1));
    }
    const a = Math.ceil(min / align) * align;
    const k = Math.floor((max - a) / align);
    return a + this.r.int(k + 1) * align;
  }

  /** Misalign (when enabled, sometimes). */
  misalign(bytes: number): boolean {
    return this.unaligned && bytes > 1 && this.r.int(4) === 0;
  }

  /** A single-register load/store form: [size, opc] (opc 0 store, 1 load, 2/3 sign-extending load to X/W). */
  ldstKind(): [number, number] {
    const k = this.r.int(12);
    switch (k) {
      case 0:
        return [0, 0]; // STRB
      case 1:
        return [1, 0]; // STRH
      case 2:
        return [2, 0]; // STR W
      case 3:
        return [3, 0]; // STR X
      case 4:
        return [0, 1]; // LDRB
      case 5:
        return [1, 1]; // LDRH
      case 6:
        return [2, 1]; // LDR W
      case 7:
        return [3, 1]; // LDR X
      case 8:
        return [this.r.int(3), 2]; // LDRSB/LDRSH/LDRSW to X
      case 9:
        return [this.r.int(2), 3]; // LDRSB/LDRSH to W
      default:
        return [3, this.r.int(2)];
    }
  }

  loadStore(): Item {
    const r = this.r;
    const [size, opc] = this.ldstKind();
    const bytes = 1 << size;
    const isLoad = opc !== 0;
    switch (r.int(8)) {
      case 0: {
        // unsigned offset from x28
        const al = this.misalign(bytes) ? 1 : bytes;
        if (al === bytes) {
          const off = this.off(bytes, bytes, 0);
          return [ldstUimm(size, opc, off / bytes, BASE_REG, isLoad ? this.dstZ() : this.srcZ())];
        }
        // misaligned: a base register such that base + imm * bytes is the (odd) address
        const bReg = this.dst();
        const accessOff = this.off(bytes, 1);
        const imm = r.int(32);
        const rt = isLoad ? this.dstZ() : this.srcZ();
        return [this.setBase(bReg, accessOff - imm * bytes), ldstUimm(size, opc, imm, bReg, rt)];
      }
      case 1:
      case 2: {
        // LDUR/STUR, and LDTR/STTR (same addressing)
        const off = this.off(bytes, this.misalign(bytes) ? 1 : bytes, -256, 255);
        return [ldstImm9(size, opc, r.int(3) === 0 ? 2 : 0, off, BASE_REG, isLoad ? this.dstZ() : this.srcZ())];
      }
      case 3: {
        // pre/post-index writeback through a fresh base register
        const bReg = this.dst();
        const rt = isLoad ? this.dstNot(bReg) : r.bool(0.15) ? 31 : this.dstNot(bReg);
        const al = this.misalign(bytes) ? 1 : bytes;
        const pre = r.int(2);
        const imm = Math.floor((r.range(-256, 255)) / al) * al;
        // accessed address: d + imm (pre) or d (post), must be inside the buffer
        const accessOff = this.off(bytes, al);
        const d = pre ? accessOff - imm : accessOff;
        return [this.setBase(bReg, d), ldstImm9(size, opc, pre ? 3 : 1, imm, bReg, rt)];
      }
      case 4:
      case 5: {
        // register offset: index register set by MOVZ/MOVN (+ junk above bit 31 for W extends)
        const iReg = this.dst();
        const option = r.pick([2, 3, 6, 7]);
        const s = r.int(2);
        const shift = s ? size : 0;
        const al = this.misalign(bytes) && shift === 0 ? 1 : bytes;
        // UXTW takes a non-negative 32-bit index; LSL/SXTX a 64-bit one, SXTW a signed 32-bit one
        const off = this.off(bytes, al, option === 2 ? 0 : -512);
        const scale = 1 << shift;
        if (off % scale !== 0) return this.loadStore();
        const idx = off / scale;
        const words: number[] = [];
        if (idx >= 0) words.push(moveWide(option === 2 || option === 6 ? r.int(2) : 1, 0b10, 0, idx, iReg));
        else words.push(moveWide(option === 6 ? 0 : 1, 0b00, 0, -idx - 1, iReg));
        if ((option === 2 || option === 6) && r.bool(0.5)) words.push(moveWide(1, 0b11, r.range(2, 3), r.int(65536), iReg));
        words.push(ldstReg(size, opc, iReg, option, s, BASE_REG, isLoad ? this.dstZ() : this.srcZ()));
        return words;
      }
      case 6:
        return this.pair();
      default: {
        // LDAR/STLR: base register = exact (aligned) address
        const bReg = this.dst();
        const d = this.off(bytes, bytes);
        return [this.setBase(bReg, d), ldarStlr(size, isLoad ? 1 : 0, bReg, isLoad ? this.dstZ() : this.srcZ())];
      }
    }
  }

  pair(): Item {
    const r = this.r;
    const k = r.int(5); // 0: 32-bit, 1: LDPSW, 2..4: 64-bit
    const opc = k === 0 ? 0 : k === 1 ? 1 : 2;
    const l = opc === 1 ? 1 : r.int(2);
    const esz = opc === 2 ? 8 : 4;
    const bytes = 2 * esz;
    const mode = r.pick([0, 1, 2, 2, 3]);
    const nt = opc === 1 && mode === 0 ? 2 : mode; // no LDNPSW
    const al = nt !== 0 && this.misalign(esz) ? 1 : esz;
    const wb = nt === 1 || nt === 3;
    if (!wb && al === esz) {
      // base x28, scaled offset
      const off = this.off(bytes, esz, -64 * esz, 63 * esz);
      const rt = l ? this.dstZ() : this.srcZ();
      const rt2 = l ? this.dstNot(rt) : this.srcZ();
      return [ldstPair(opc, nt, l, off / esz, rt2, BASE_REG, rt)];
    }
    const bReg = this.dst();
    const rt = this.dstNot(bReg);
    const rt2 = this.dstNot(bReg, l ? rt : -1);
    const imm = r.range(-64, 63) * esz;
    const accessOff = this.off(bytes, al);
    const d = nt === 3 || nt === 0 || nt === 2 ? accessOff - imm : accessOff;
    return [this.setBase(bReg, d), ldstPair(opc, nt, l, imm / esz, rt2, bReg, rt)];
  }

  atomicOp(): Item {
    const r = this.r;
    const size = r.int(4);
    const bytes = 1 << size;
    const bReg = this.dst();
    const d = this.off(bytes, bytes);
    const rs = r.int(10) === 0 ? 31 : this.dstNot(bReg);
    const rt = r.int(8) === 0 ? 31 : this.dstNot(bReg);
    if (r.int(6) === 0) {
      // CASP: even register pairs (not touching the base), often preloaded with LDP to succeed
      const sz = r.int(2);
      const esz = 4 << sz;
      const dp = this.off(2 * esz, 2 * esz);
      const even = EVEN_PAIRS.filter((p) => p !== bReg && p + 1 !== bReg);
      const ps = r.pick(even);
      const pt = r.pick(even);
      const words = [this.setBase(bReg, dp)];
      if (r.bool(0.6)) words.push(ldstPair(sz ? 2 : 0, 2, 1, 0, ps + 1, bReg, ps));
      words.push(casp(sz, r.int(2), ps, r.int(2), bReg, pt));
      return words;
    }
    if (r.int(4) === 0) {
      // CAS: often load the expected value first so the compare succeeds
      const words = [this.setBase(bReg, d)];
      const rsC = this.dstNot(bReg);
      if (r.bool(0.6)) words.push(ldstUimm(size, 1, 0, bReg, rsC));
      words.push(cas(size, r.int(2), rsC, r.int(2), bReg, this.dstNot(bReg)));
      return words;
    }
    const swp = r.int(9) === 0;
    return [this.setBase(bReg, d), atomic(size, r.int(2), r.int(2), rs, swp ? 1 : 0, swp ? 0 : r.int(8), bReg, rt)];
  }

  item(): Item {
    const k = this.r.int(100);
    if (k < 55) return this.dataProc();
    if (k < 88) return this.loadStore();
    return this.atomicOp();
  }

  /** A forward branch over `skip` words (target = this + 1 + skip words). */
  branch(skip: number): number {
    const r = this.r;
    const off = skip + 1;
    switch (r.int(5)) {
      case 0:
        return bcond(off, r.int(16));
      case 1:
        return cbz(r.int(2), r.int(2), off, this.srcZ());
      case 2:
        return tbz(r.int(64), r.int(2), off, this.srcZ());
      case 3:
        return b(off);
      default:
        return bcond(off, r.int(14));
    }
  }
}

export function genCase(r: Rng, opts: GenOptions = {}): Case {
  const g = new Gen(r, opts.unaligned ?? false);
  const nItems = r.range(opts.minItems ?? 8, opts.maxItems ?? 24);
  const items: Item[] = [];
  let words = 0;
  for (let i = 0; i < nItems; i++) {
    const it = g.item();
    // leave room for a branch before every item
    if (words + it.length + i + 1 > MAX_CASE_WORDS) break;
    items.push(it);
    words += it.length;
  }
  // Forward branches before some items, each over the next 1..3 items (possibly past the end,
  // counting branches placed before the items it skips).
  const skipItems = items.map(() => (r.int(7) === 0 ? r.range(1, 3) : 0));
  const start: number[] = [];
  let pos = 0;
  for (let i = 0; i < items.length; i++) {
    start.push(pos);
    pos += (skipItems[i] ? 1 : 0) + items[i].length;
  }
  start.push(pos);
  const out: number[] = [];
  for (let i = 0; i < items.length; i++) {
    if (skipItems[i]) {
      const target = start[Math.min(items.length, i + skipItems[i])];
      // the branch is at start[i]; the skipped item i begins at start[i] + 1
      out.push(g.branch(target - start[i] - 1));
    }
    out.push(...items[i]);
  }
  const x: bigint[] = [];
  for (let i = 0; i < 31; i++) x.push(RESERVED.has(i) ? 0n : i === BASE_REG ? BigInt(BASE) : initialValue(r));
  const buf = new Uint8Array(BUFSZ);
  for (let i = 0; i < BUFSZ; i += 4) {
    const v = r.int(4) === 0 ? 0 : r.int(4) === 0 ? 0xffffffff : r.next();
    buf[i] = v;
    buf[i + 1] = v >>> 8;
    buf[i + 2] = v >>> 16;
    buf[i + 3] = v >>> 24;
  }
  return { words: out, x, nzcv: r.int(16), buf };
}

export function genBatch(seed: number, count: number, opts: GenOptions = {}): Case[] {
  const r = new Rng(seed);
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) cases.push(genCase(r, opts));
  return cases;
}

// ---- batch format (harness.S) -------------------------------------------------------------

export function encodeBatch(cases: readonly Case[]): Uint8Array<ArrayBuffer> {
  const b = Buffer.alloc(8 + cases.length * REC_IN);
  b.writeUInt32LE(MAGIC, 0);
  b.writeUInt32LE(cases.length, 4);
  cases.forEach((c, i) => {
    const o = 8 + i * REC_IN;
    if (c.words.length > MAXW) throw new RangeError('case too long');
    b.writeUInt32LE(c.words.length, o);
    c.words.forEach((w, k) => b.writeUInt32LE(w >>> 0, o + 8 + 4 * k));
    c.x.forEach((v, k) => b.writeBigUInt64LE(v, o + 8 + 4 * MAXW + 8 * k));
    b.writeBigUInt64LE(BigInt(c.nzcv) << 28n, o + 8 + 4 * MAXW + 248);
    b.set(c.buf, o + 8 + 4 * MAXW + 256);
  });
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}

export interface Result {
  x: bigint[];
  nzcv: number;
  buf: Uint8Array;
  /** Set when the run did not reach the end of the block (typevisor side). */
  error?: string;
}

export function decodeResults(b: Buffer, count: number): Result[] {
  if (b.length !== count * REC_OUT) throw new Error(`harness output is ${b.length} bytes, expected ${count * REC_OUT}`);
  const out: Result[] = [];
  for (let i = 0; i < count; i++) {
    const o = i * REC_OUT;
    const x: bigint[] = [];
    for (let k = 0; k < 31; k++) x.push(b.readBigUInt64LE(o + 8 * k));
    out.push({ x, nzcv: Number(b.readBigUInt64LE(o + 248) >> 28n) & 15, buf: new Uint8Array(b.subarray(o + 256, o + 256 + BUFSZ)) });
  }
  return out;
}
