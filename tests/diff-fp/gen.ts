/**
 * Random FP/SIMD instruction sequences for the FP/SIMD differential test (diff-fp.test.ts), and
 * the batch format harness.S reads and writes.
 *
 * Sequences are generated as GNU assembler text (one instruction per line, so one word per
 * line) and assembled for the whole batch in one aarch64-linux-gnu-as run (tests/helpers/asm.ts
 * caches the result by content hash). A sequence is a list of *items*: one instruction, or a
 * short group that sets up a base register and then accesses memory through it. Forward
 * branches skip whole items.
 *
 * Register conventions (as tests/diff): x16/x17 are the harness's, x28 = BASE (middle of the
 * data buffer) is never written, SP is never used; V0..V31 are all free. Every memory access
 * stays inside [DATA, DATA + BUFSZ).
 *
 * Operands: V registers start with lanes of special values (±0, ±Inf, quiet and signalling NaNs
 * with payloads, denormals, min/max normal, values at and around integer and rounding
 * boundaries) in half, single and double precision, or integer boundary patterns, or random
 * bits; FPCR has a random rounding mode and FZ/DN/AHP per case; FPSR starts with random
 * cumulative flags.
 */
import { Rng } from '../diff/gen.js';

export { Rng };

export const CODE = 0x40000000;
export const DATA = 0x40200e00;
export const BUFSZ = 1024;
export const BASE = DATA + 512;
export const BASE_REG = 28;
export const MAXW = 64;
export const MAX_CASE_WORDS = 60;
export const RESERVED = new Set([16, 17]);
export const MAGIC = 0x31465654; // 'TVF1'
export const REC_IN = 8 + 4 * MAXW + 8 * 31 + 24 + 512 + BUFSZ;
export const REC_OUT = 8 * 31 + 24 + 512 + BUFSZ;
/** FPCR bits the generator sets: AHP (26), DN (25), FZ (24), RMode (23:22). */
export const FPCR_MASK = 0x07c00000;
/** FPSR cumulative bits: QC (27), IDC (7), IXC, UFC, OFC, DZC, IOC (4:0). */
export const FPSR_MASK = 0x0800009f;

export interface FpCase {
  words: number[];
  /** The assembler text of each word (for reports). */
  asm: string[];
  /** x0..x30 (x16, x17 are set to 0 and ignored). */
  x: bigint[];
  /** NZCV as 4 bits (N = 8). */
  nzcv: number;
  fpcr: number;
  fpsr: number;
  /** V0..V31, 16 bytes each, little-endian. */
  v: Uint8Array;
  buf: Uint8Array;
  /** Generator category of each word (for routing failures). */
  cat: string[];
}

export interface FpResult {
  x: bigint[];
  nzcv: number;
  fpcr: number;
  fpsr: number;
  v: Uint8Array;
  buf: Uint8Array;
  /** Set when the run did not reach the end of the block (typevisor side). */
  error?: string;
}

/** Registers generated code may write (not 16/17 reserved, not 28 = base, not 31). */
const FREE: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 29, 30];

// ---- special values ----------------------------------------------------------------------------

function f32Special(r: Rng): number {
  const sign = r.bool() ? 0x80000000 : 0;
  switch (r.int(16)) {
    case 0:
      return sign; // ±0
    case 1:
      return sign | 0x7f800000; // ±Inf
    case 2:
      return sign | 0x7fc00000 | (r.bool() ? 0 : r.next() & 0x3fffff); // qNaN
    case 3:
      return sign | 0x7f800000 | ((r.next() & 0x3fffff) || 1); // sNaN
    case 4:
      return sign | ((r.next() & 0x7fffff) || 1); // denormal
    case 5:
      return sign | r.pick([0x00800000, 0x7f7fffff, 0x007fffff, 0x00000001, 0x00800001]); // min/max normal, max/min denormal
    case 6:
      return sign | 0x3f800000; // 1.0
    case 7: // integer boundaries: 2^31, 2^32, 2^63, 2^64 and neighbours
      return sign | (r.pick([0x4f000000, 0x4f800000, 0x5f000000, 0x5f800000]) + r.range(-1, 1));
    case 8: // rounding boundaries: 0.5, 1.5, 2.5, -0.5...
      return sign | r.pick([0x3f000000, 0x3fc00000, 0x40200000, 0x3effffff, 0x3f000001, 0x3f400000, 0x40600000]);
    case 9: // small integers
      return fround32(r.range(-100, 100));
    case 10: // exponents near overflow/underflow of products
      return sign | (r.pick([0x7e, 0xfd, 0x01, 0x02, 0x40, 0x3f]) << 23) | (r.next() & 0x7fffff);
    default: // moderate normal numbers
      return sign | ((r.range(100, 154) << 23) | (r.next() & 0x7fffff));
  }
}

const F32 = new Float32Array(1);
const F32U = new Uint32Array(F32.buffer);
const F64 = new Float64Array(1);
const F64U = new Uint32Array(F64.buffer);

function fround32(n: number): number {
  F32[0] = n;
  return F32U[0];
}

function put16(out: Uint8Array, o: number, v: number): void {
  out[o] = v;
  out[o + 1] = v >>> 8;
}

function put32(out: Uint8Array, o: number, v: number): void {
  out[o] = v;
  out[o + 1] = v >>> 8;
  out[o + 2] = v >>> 16;
  out[o + 3] = v >>> 24;
}

/** A double as [lo, hi]. */
function f64Special(r: Rng): [number, number] {
  const sign = r.bool() ? 0x80000000 : 0;
  const lo = r.bool(0.3) ? 0 : r.next();
  switch (r.int(16)) {
    case 0:
      return [0, sign];
    case 1:
      return [0, sign | 0x7ff00000];
    case 2:
      return [r.bool() ? 0 : lo, sign | 0x7ff80000 | (r.next() & 0x7ffff)];
    case 3: {
      const h = r.next() & 0x7ffff;
      return [h === 0 && lo === 0 ? 1 : lo, sign | 0x7ff00000 | h];
    }
    case 4:
      return [lo || 1, sign | (r.next() & 0xfffff)];
    case 5:
      return r.pick([
        [0, sign | 0x00100000],
        [-1, sign | 0x7fefffff],
        [-1, sign | 0x000fffff],
        [1, sign],
      ] as [number, number][]);
    case 6:
      return [0, sign | 0x3ff00000];
    case 7: {
      // 2^31, 2^32, 2^63, 2^64 and neighbours; also values that round to them in single precision
      const hi = r.pick([0x41e00000, 0x41f00000, 0x43e00000, 0x43f00000]);
      const d = r.range(-1, 1);
      return d === 0 ? [0, sign | hi] : d > 0 ? [1, sign | hi] : [-1, sign | (hi - 1)];
    }
    case 8:
      return [0, sign | r.pick([0x3fe00000, 0x3ff80000, 0x40040000, 0x3fdfffff, 0x3fe80000, 0x400c0000])];
    case 9:
      F64[0] = r.range(-100, 100);
      return [F64U[0], F64U[1]];
    case 10: // near the single-precision range limits (conversions), or product over/underflow
      return [lo, sign | (r.pick([0x47e, 0x47f, 0x380, 0x381, 0x36a, 0x7fe, 0x001, 0x200, 0x5ff]) << 20) | (r.next() & 0xfffff)];
    default:
      return [lo, sign | (r.range(0x3c0, 0x440) << 20) | (r.next() & 0xfffff)];
  }
}

function f16Special(r: Rng): number {
  const sign = r.bool() ? 0x8000 : 0;
  switch (r.int(10)) {
    case 0:
      return sign;
    case 1:
      return sign | 0x7c00;
    case 2:
      return sign | 0x7e00 | (r.next() & 0x1ff);
    case 3:
      return sign | 0x7c00 | ((r.next() & 0x1ff) || 1);
    case 4:
      return sign | ((r.next() & 0x3ff) || 1);
    case 5:
      return sign | r.pick([0x0400, 0x7bff, 0x3c00, 0x3800]);
    default:
      return sign | (r.next() & 0x7fff);
  }
}

/** One 128-bit V register initial value. */
function vInit(r: Rng, out: Uint8Array, off: number): void {
  switch (r.int(8)) {
    case 0:
    case 1:
    case 2:
      for (let k = 0; k < 4; k++) put32(out, off + 4 * k, f32Special(r));
      break;
    case 3:
    case 4:
      for (let k = 0; k < 2; k++) {
        const [lo, hi] = f64Special(r);
        put32(out, off + 8 * k, lo);
        put32(out, off + 8 * k + 4, hi);
      }
      break;
    case 5:
      for (let k = 0; k < 8; k++) put16(out, off + 2 * k, f16Special(r));
      break;
    case 6: {
      // integer boundaries in a random element size
      const esz = r.pick([1, 2, 4, 8]);
      for (let k = 0; k < 16; k += esz) {
        const kind = r.int(6);
        for (let b = 0; b < esz; b++) {
          const top = b === esz - 1;
          let v: number;
          if (kind === 0) v = 0;
          else if (kind === 1) v = 0xff;
          else if (kind === 2) v = top ? 0x80 : 0; // INT_MIN
          else if (kind === 3) v = top ? 0x7f : 0xff; // INT_MAX
          else if (kind === 4) v = b === 0 ? r.int(8) : 0; // small
          else v = r.int(256);
          out[off + k + b] = v;
        }
      }
      break;
    }
    default:
      for (let k = 0; k < 16; k++) out[off + k] = r.int(256);
  }
}

function xInit(r: Rng): bigint {
  switch (r.int(10)) {
    case 0:
      return 0n;
    case 1:
      return BigInt(r.range(1, 64));
    case 2:
      return (1n << 64n) - 1n;
    case 3:
      return r.pick([0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffn, 0x80000000n, 0x7fffffffn, 0xffffffff80000000n, 0x100000000n, 0x20000000000000n, 0x1fffffffffffffn, 0x1000001n]);
    case 4: {
      const [lo, hi] = f64Special(r);
      return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    }
    case 5:
      return BigInt(f32Special(r) >>> 0);
    case 6:
      return BigInt.asUintN(64, -BigInt(r.range(1, 1000)));
    case 7:
      return BigInt(r.next());
    default:
      return r.u64();
  }
}

// ---- the generator -------------------------------------------------------------------------------

const CONDS = ['eq', 'ne', 'hs', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];

interface Item {
  lines: string[];
  cat: string;
}

/** Categories (TV_DIFFFP_ONLY selects some by name) with weights. */
export const CATEGORIES: readonly [string, number][] = [
  ['fp-arith', 10],
  ['fp-fma', 4],
  ['fp-unary', 6],
  ['fp-cvt', 4],
  ['fp-cmp', 5],
  ['fp-int', 8],
  ['fp-mov', 3],
  ['vfp', 10],
  ['vint', 10],
  ['vint-misc', 6],
  ['vint-across', 2],
  ['vshift', 5],
  ['vlong', 5],
  ['velem', 4],
  ['perm', 6],
  ['dup-ins', 5],
  ['movi', 3],
  ['sint', 4],
  ['ldst', 8],
  ['crypto', 3],
  ['fpsr', 2],
];

class Gen {
  constructor(
    readonly r: Rng,
    readonly cats: readonly [string, number][],
  ) {}

  v(): number {
    return this.r.int(32);
  }
  x(): number {
    return this.r.pick(FREE);
  }
  /** A GPR source (may be ZR or the base register). */
  xs(): string {
    const k = this.r.int(14);
    return k === 0 ? 'xzr' : k === 1 ? 'x28' : `x${this.x()}`;
  }
  ws(): string {
    const k = this.r.int(14);
    return k === 0 ? 'wzr' : `w${this.x()}`;
  }
  /** An FP scalar register of precision p ('s' | 'd'). */
  f(p: string): string {
    return `${p}${this.v()}`;
  }
  sd(): string {
    return this.r.bool() ? 's' : 'd';
  }
  cond(): string {
    return this.r.pick(CONDS);
  }

  item(): Item {
    let total = 0;
    for (const [, w] of this.cats) total += w;
    let k = this.r.int(total);
    for (const [name, w] of this.cats) {
      if (k < w) return { lines: this.gen(name), cat: name };
      k -= w;
    }
    throw new Error('unreachable');
  }

  gen(cat: string): string[] {
    const r = this.r;
    switch (cat) {
      case 'fp-arith': {
        const p = this.sd();
        const op = r.pick(['fadd', 'fsub', 'fmul', 'fdiv', 'fnmul', 'fmax', 'fmin', 'fmaxnm', 'fminnm', 'fabd', 'fmulx', 'frecps', 'frsqrts', 'facge', 'facgt', 'fcmeq', 'fcmge', 'fcmgt']);
        return [`${op} ${this.f(p)}, ${this.f(p)}, ${this.f(p)}`];
      }
      case 'fp-fma': {
        const p = this.sd();
        return [`${r.pick(['fmadd', 'fmsub', 'fnmadd', 'fnmsub'])} ${this.f(p)}, ${this.f(p)}, ${this.f(p)}, ${this.f(p)}`];
      }
      case 'fp-unary': {
        const p = this.sd();
        if (r.int(5) === 0) return [`${r.pick(['fcmeq', 'fcmge', 'fcmgt', 'fcmle', 'fcmlt'])} ${this.f(p)}, ${this.f(p)}, #0.0`];
        const op = r.pick(['fabs', 'fneg', 'fsqrt', 'fmov', 'frintn', 'frintp', 'frintm', 'frintz', 'frinta', 'frintx', 'frinti', 'frecpe', 'frsqrte', 'frecpx']);
        return [`${op} ${this.f(p)}, ${this.f(p)}`];
      }
      case 'fp-cvt': {
        const [a, b] = r.pick([['s', 'd'], ['d', 's'], ['h', 's'], ['s', 'h'], ['h', 'd'], ['d', 'h']]);
        if (r.int(6) === 0) return [`fcvtxn s${this.v()}, d${this.v()}`];
        return [`fcvt ${a}${this.v()}, ${b}${this.v()}`];
      }
      case 'fp-cmp': {
        const p = this.sd();
        switch (r.int(4)) {
          case 0:
            return [`${r.pick(['fcmp', 'fcmpe'])} ${this.f(p)}, ${r.int(4) === 0 ? '#0.0' : this.f(p)}`];
          case 1:
            return [`${r.pick(['fccmp', 'fccmpe'])} ${this.f(p)}, ${this.f(p)}, #${r.int(16)}, ${this.cond()}`];
          case 2:
            return [`fcsel ${this.f(p)}, ${this.f(p)}, ${this.f(p)}, ${this.cond()}`];
          default:
            // compare, then use the flags
            return [`fcmp ${this.f(p)}, ${this.f(p)}`, `cset w${this.x()}, ${r.pick(CONDS.slice(0, 14))}`];
        }
      }
      case 'fp-int': {
        const p = this.sd();
        const sf = r.bool() ? 'x' : 'w';
        const rd = `${sf}${this.x()}`;
        switch (r.int(6)) {
          case 0:
          case 1: {
            const op = r.pick(['fcvtns', 'fcvtnu', 'fcvtps', 'fcvtpu', 'fcvtms', 'fcvtmu', 'fcvtzs', 'fcvtzu', 'fcvtas', 'fcvtau']);
            return [`${op} ${rd}, ${this.f(p)}`];
          }
          case 2:
            return [`${r.pick(['fcvtzs', 'fcvtzu'])} ${rd}, ${this.f(p)}, #${r.range(1, sf === 'x' ? 64 : 32)}`];
          case 3:
            return [`${r.pick(['scvtf', 'ucvtf'])} ${this.f(p)}, ${sf === 'x' ? this.xs() : this.ws()}${r.int(3) === 0 ? `, #${r.range(1, sf === 'x' ? 64 : 32)}` : ''}`];
          case 4: {
            // AdvSIMD scalar forms (same-size integer in a V register)
            const op = r.pick(['fcvtns', 'fcvtnu', 'fcvtps', 'fcvtpu', 'fcvtms', 'fcvtmu', 'fcvtzs', 'fcvtzu', 'fcvtas', 'fcvtau', 'scvtf', 'ucvtf']);
            return [`${op} ${this.f(p)}, ${this.f(p)}`];
          }
          default: {
            const op = r.pick(['fcvtzs', 'fcvtzu', 'scvtf', 'ucvtf']);
            return [`${op} ${this.f(p)}, ${this.f(p)}, #${r.range(1, p === 'd' ? 64 : 32)}`];
          }
        }
      }
      case 'fp-mov': {
        switch (r.int(7)) {
          case 0:
            return [`fmov w${this.x()}, s${this.v()}`];
          case 1:
            return [`fmov s${this.v()}, ${this.ws()}`];
          case 2:
            return [`fmov x${this.x()}, d${this.v()}`];
          case 3:
            return [`fmov d${this.v()}, ${this.xs()}`];
          case 4:
            return [r.bool() ? `fmov x${this.x()}, v${this.v()}.d[1]` : `fmov v${this.v()}.d[1], ${this.xs()}`];
          default:
            return [`fmov ${this.f(this.sd())}, #${this.fimm()}`];
        }
      }
      case 'vfp': {
        const arr = r.pick(['2s', '4s', '2d']);
        const V = (): string => `v${this.v()}.${arr}`;
        switch (r.int(8)) {
          case 0:
          case 1:
          case 2: {
            const op = r.pick(['fadd', 'fsub', 'fmul', 'fdiv', 'fmax', 'fmin', 'fmaxnm', 'fminnm', 'fabd', 'fmla', 'fmls', 'fmulx', 'frecps', 'frsqrts', 'facge', 'facgt', 'fcmeq', 'fcmge', 'fcmgt', 'faddp', 'fmaxp', 'fminp', 'fmaxnmp', 'fminnmp']);
            return [`${op} ${V()}, ${V()}, ${V()}`];
          }
          case 3:
          case 4: {
            const op = r.pick(['fabs', 'fneg', 'fsqrt', 'frintn', 'frintp', 'frintm', 'frintz', 'frinta', 'frintx', 'frinti', 'frecpe', 'frsqrte', 'fcvtzs', 'fcvtzu', 'fcvtns', 'fcvtnu', 'fcvtas', 'fcvtau', 'fcvtms', 'fcvtpu', 'scvtf', 'ucvtf']);
            if ((op === 'frecpe' || op === 'frsqrte') && arr === '2d' && r.bool()) return [`${op} ${V()}, ${V()}`];
            return [`${op} ${V()}, ${V()}`];
          }
          case 5: {
            if (r.bool()) return [`${r.pick(['fcmeq', 'fcmge', 'fcmgt', 'fcmle', 'fcmlt'])} ${V()}, ${V()}, #0.0`];
            return [`${r.pick(['fcvtzs', 'fcvtzu', 'scvtf', 'ucvtf'])} ${V()}, ${V()}, #${r.range(1, arr === '2d' ? 64 : 32)}`];
          }
          case 6: {
            const k = r.int(6);
            const q = r.bool();
            if (k === 0) return [`fcvtl${q ? '2' : ''} v${this.v()}.4s, v${this.v()}.${q ? '8h' : '4h'}`];
            if (k === 1) return [`fcvtl${q ? '2' : ''} v${this.v()}.2d, v${this.v()}.${q ? '4s' : '2s'}`];
            if (k === 2) return [`fcvtn${q ? '2' : ''} v${this.v()}.${q ? '8h' : '4h'}, v${this.v()}.4s`];
            if (k === 3) return [`fcvtn${q ? '2' : ''} v${this.v()}.${q ? '4s' : '2s'}, v${this.v()}.2d`];
            if (k === 4) return [`fcvtxn${q ? '2' : ''} v${this.v()}.${q ? '4s' : '2s'}, v${this.v()}.2d`];
            return r.bool()
              ? [`${r.pick(['fmaxv', 'fminv', 'fmaxnmv', 'fminnmv'])} s${this.v()}, v${this.v()}.4s`]
              : [`${r.pick(['faddp', 'fmaxp', 'fminp', 'fmaxnmp', 'fminnmp'])} ${r.bool() ? `s${this.v()}, v${this.v()}.2s` : `d${this.v()}, v${this.v()}.2d`}`];
          }
          default: {
            // by element
            const op = r.pick(['fmul', 'fmla', 'fmls', 'fmulx']);
            if (arr === '2d') return [`${op} ${V()}, ${V()}, v${this.v()}.d[${r.int(2)}]`];
            if (r.int(4) === 0) {
              const p = this.sd();
              return [`${op} ${this.f(p)}, ${this.f(p)}, v${this.v()}.${p}[${r.int(p === 's' ? 4 : 2)}]`];
            }
            return [`${op} ${V()}, ${V()}, v${this.v()}.s[${r.int(4)}]`];
          }
        }
      }
      case 'vint': {
        const op = r.pick([
          'add', 'sub', 'mul', 'mla', 'mls', 'and', 'orr', 'eor', 'bic', 'orn', 'bsl', 'bit', 'bif',
          'cmeq', 'cmge', 'cmgt', 'cmhi', 'cmhs', 'cmtst', 'sqadd', 'uqadd', 'sqsub', 'uqsub',
          'shadd', 'uhadd', 'srhadd', 'urhadd', 'shsub', 'uhsub', 'smax', 'smin', 'umax', 'umin',
          'sabd', 'uabd', 'saba', 'uaba', 'sshl', 'ushl', 'srshl', 'urshl', 'sqshl', 'uqshl',
          'sqrshl', 'uqrshl', 'addp', 'smaxp', 'sminp', 'umaxp', 'uminp', 'sqdmulh', 'sqrdmulh', 'pmul',
        ]);
        let arrs: string[];
        if (['and', 'orr', 'eor', 'bic', 'orn', 'bsl', 'bit', 'bif', 'pmul'].includes(op)) arrs = ['8b', '16b'];
        else if (['sqdmulh', 'sqrdmulh'].includes(op)) arrs = ['4h', '8h', '2s', '4s'];
        else if (['add', 'sub', 'cmeq', 'cmge', 'cmgt', 'cmhi', 'cmhs', 'cmtst', 'sqadd', 'uqadd', 'sqsub', 'uqsub', 'sshl', 'ushl', 'srshl', 'urshl', 'sqshl', 'uqshl', 'sqrshl', 'uqrshl'].includes(op)) arrs = ['8b', '16b', '4h', '8h', '2s', '4s', '2d'];
        else if (op === 'addp') arrs = ['8b', '16b', '4h', '8h', '2s', '4s', '2d'];
        else arrs = ['8b', '16b', '4h', '8h', '2s', '4s'];
        const arr = r.pick(arrs);
        return [`${op} v${this.v()}.${arr}, v${this.v()}.${arr}, v${this.v()}.${arr}`];
      }
      case 'vint-misc': {
        const k = r.int(8);
        const all = ['8b', '16b', '4h', '8h', '2s', '4s'];
        if (k === 0) {
          const arr = r.pick([...all, '2d']);
          return [`${r.pick(['abs', 'neg', 'sqabs', 'sqneg', 'suqadd', 'usqadd'])} v${this.v()}.${arr}, v${this.v()}.${arr}`];
        }
        if (k === 1) {
          const arr = r.pick([...all, '2d']);
          return [`${r.pick(['cmeq', 'cmge', 'cmgt', 'cmle', 'cmlt'])} v${this.v()}.${arr}, v${this.v()}.${arr}, #0`];
        }
        if (k === 2) {
          const op = r.pick(['cnt', 'rbit', 'not', 'clz', 'cls', 'rev16', 'rev32', 'rev64']);
          const arr = op === 'cnt' || op === 'rbit' || op === 'not' || op === 'rev16' ? r.pick(['8b', '16b']) : op === 'rev32' ? r.pick(['8b', '16b', '4h', '8h']) : r.pick(all);
          return [`${op} v${this.v()}.${arr}, v${this.v()}.${arr}`];
        }
        if (k === 3) {
          // narrowing: xtn, sqxtn, uqxtn, sqxtun (+2)
          const [n, w] = r.pick([['8b', '8h'], ['4h', '4s'], ['2s', '2d']]);
          const q = r.bool();
          const nn = q ? (n === '8b' ? '16b' : n === '4h' ? '8h' : '4s') : n;
          return [`${r.pick(['xtn', 'sqxtn', 'uqxtn', 'sqxtun'])}${q ? '2' : ''} v${this.v()}.${nn}, v${this.v()}.${w}`];
        }
        if (k === 4) {
          const [w, n] = r.pick([['4h', '8b'], ['8h', '16b'], ['2s', '4h'], ['4s', '8h'], ['1d', '2s'], ['2d', '4s']]);
          return [`${r.pick(['saddlp', 'uaddlp', 'sadalp', 'uadalp'])} v${this.v()}.${w}, v${this.v()}.${n}`];
        }
        if (k === 5) {
          const arr = r.pick(['2s', '4s']);
          return [`${r.pick(['urecpe', 'ursqrte'])} v${this.v()}.${arr}, v${this.v()}.${arr}`];
        }
        if (k === 6) {
          const [w, n] = r.pick([['8h', '8b'], ['4s', '4h'], ['2d', '2s']]);
          const q = r.bool();
          const nn = q ? (n === '8b' ? '16b' : n === '4h' ? '8h' : '4s') : n;
          return [`shll${q ? '2' : ''} v${this.v()}.${w}, v${this.v()}.${nn}, #${n === '8b' ? 8 : n === '4h' ? 16 : 32}`];
        }
        return [`mov v${this.v()}.16b, v${this.v()}.16b`];
      }
      case 'vint-across': {
        const arr = r.pick(['8b', '16b', '4h', '8h', '4s']);
        const es = arr.endsWith('b') ? 'b' : arr.endsWith('h') ? 'h' : 's';
        const wide = es === 'b' ? 'h' : es === 'h' ? 's' : 'd';
        if (r.int(3) === 0) return [`${r.pick(['saddlv', 'uaddlv'])} ${wide}${this.v()}, v${this.v()}.${arr}`];
        return [`${r.pick(['addv', 'smaxv', 'sminv', 'umaxv', 'uminv'])} ${es}${this.v()}, v${this.v()}.${arr}`];
      }
      case 'vshift': {
        const k = r.int(3);
        if (k === 0) {
          const arr = r.pick(['8b', '16b', '4h', '8h', '2s', '4s', '2d']);
          const es = arr.endsWith('b') ? 8 : arr.endsWith('h') ? 16 : arr.endsWith('s') ? 32 : 64;
          const op = r.pick(['shl', 'sshr', 'ushr', 'ssra', 'usra', 'srshr', 'urshr', 'srsra', 'ursra', 'sri', 'sli', 'sqshl', 'uqshl', 'sqshlu']);
          const left = ['shl', 'sli', 'sqshl', 'uqshl', 'sqshlu'].includes(op);
          return [`${op} v${this.v()}.${arr}, v${this.v()}.${arr}, #${left ? r.int(es) : r.range(1, es)}`];
        }
        if (k === 1) {
          const [n, w, es] = r.pick([['8b', '8h', 8], ['4h', '4s', 16], ['2s', '2d', 32]] as [string, string, number][]);
          const q = r.bool();
          const nn = q ? (n === '8b' ? '16b' : n === '4h' ? '8h' : '4s') : n;
          const op = r.pick(['shrn', 'rshrn', 'sqshrn', 'uqshrn', 'sqrshrn', 'uqrshrn', 'sqshrun', 'sqrshrun']);
          return [`${op}${q ? '2' : ''} v${this.v()}.${nn}, v${this.v()}.${w}, #${r.range(1, es)}`];
        }
        const [w, n, es] = r.pick([['8h', '8b', 8], ['4s', '4h', 16], ['2d', '2s', 32]] as [string, string, number][]);
        const q = r.bool();
        const nn = q ? (n === '8b' ? '16b' : n === '4h' ? '8h' : '4s') : n;
        return [`${r.pick(['sshll', 'ushll'])}${q ? '2' : ''} v${this.v()}.${w}, v${this.v()}.${nn}, #${r.int(es)}`];
      }
      case 'vlong': {
        const [w, n] = r.pick([['8h', '8b'], ['4s', '4h'], ['2d', '2s']]);
        const q = r.bool();
        const nn = q ? (n === '8b' ? '16b' : n === '4h' ? '8h' : '4s') : n;
        const s2 = q ? '2' : '';
        const k = r.int(4);
        if (k === 0) return [`${r.pick(['saddw', 'uaddw', 'ssubw', 'usubw'])}${s2} v${this.v()}.${w}, v${this.v()}.${w}, v${this.v()}.${nn}`];
        if (k === 1) return [`${r.pick(['addhn', 'raddhn', 'subhn', 'rsubhn'])}${s2} v${this.v()}.${nn}, v${this.v()}.${w}, v${this.v()}.${w}`];
        if (n !== '8b' && r.int(3) === 0) return [`${r.pick(['sqdmull', 'sqdmlal', 'sqdmlsl'])}${s2} v${this.v()}.${w}, v${this.v()}.${nn}, v${this.v()}.${nn}`];
        if (n === '8b' && r.int(3) === 0) return [`pmull${s2} v${this.v()}.8h, v${this.v()}.${nn}, v${this.v()}.${nn}`];
        const op = r.pick(['saddl', 'uaddl', 'ssubl', 'usubl', 'sabal', 'uabal', 'sabdl', 'uabdl', 'smlal', 'umlal', 'smlsl', 'umlsl', 'smull', 'umull']);
        return [`${op}${s2} v${this.v()}.${w}, v${this.v()}.${nn}, v${this.v()}.${nn}`];
      }
      case 'velem': {
        const h = r.bool();
        const es = h ? 'h' : 's';
        const m = h ? r.int(16) : this.v();
        const idx = r.int(h ? 8 : 4);
        if (r.int(3) === 0) {
          const [w, n] = h ? ['4s', r.pick(['4h', '8h'])] : ['2d', r.pick(['2s', '4s'])];
          const s2 = n === '8h' || n === '4s' ? '2' : '';
          const op = r.pick(['smull', 'umull', 'smlal', 'umlal', 'smlsl', 'umlsl', 'sqdmull', 'sqdmlal', 'sqdmlsl']);
          return [`${op}${s2} v${this.v()}.${w}, v${this.v()}.${n}, v${m}.${es}[${idx}]`];
        }
        const arr = h ? r.pick(['4h', '8h']) : r.pick(['2s', '4s']);
        if (r.int(5) === 0) return [`${r.pick(['sqdmulh', 'sqrdmulh'])} ${es}${this.v()}, ${es}${this.v()}, v${m}.${es}[${idx}]`];
        return [`${r.pick(['mul', 'mla', 'mls', 'sqdmulh', 'sqrdmulh'])} v${this.v()}.${arr}, v${this.v()}.${arr}, v${m}.${es}[${idx}]`];
      }
      case 'perm': {
        const k = r.int(4);
        if (k <= 1) {
          const arr = r.pick(['8b', '16b', '4h', '8h', '2s', '4s', '2d']);
          return [`${r.pick(['zip1', 'zip2', 'uzp1', 'uzp2', 'trn1', 'trn2'])} v${this.v()}.${arr}, v${this.v()}.${arr}, v${this.v()}.${arr}`];
        }
        if (k === 2) {
          const q = r.bool();
          const arr = q ? '16b' : '8b';
          return [`ext v${this.v()}.${arr}, v${this.v()}.${arr}, v${this.v()}.${arr}, #${r.int(q ? 16 : 8)}`];
        }
        const n = r.range(1, 4);
        const first = r.int(33 - n);
        const list = Array.from({ length: n }, (_, i) => `v${first + i}.16b`).join(', ');
        const arr = r.bool() ? '16b' : '8b';
        return [`${r.pick(['tbl', 'tbx'])} v${this.v()}.${arr}, {${list}}, v${this.v()}.${arr}`];
      }
      case 'dup-ins': {
        const [es, nidx] = r.pick([['b', 16], ['h', 8], ['s', 4], ['d', 2]] as [string, number][]);
        const arrs = es === 'b' ? ['8b', '16b'] : es === 'h' ? ['4h', '8h'] : es === 's' ? ['2s', '4s'] : ['2d'];
        const k = r.int(7);
        if (k === 0) return [`dup v${this.v()}.${r.pick(arrs)}, v${this.v()}.${es}[${r.int(nidx)}]`];
        if (k === 1) return [`dup v${this.v()}.${r.pick(arrs)}, ${es === 'd' ? this.xs() : this.ws()}`];
        if (k === 2) return [`mov v${this.v()}.${es}[${r.int(nidx)}], v${this.v()}.${es}[${r.int(nidx)}]`];
        if (k === 3) return [`mov v${this.v()}.${es}[${r.int(nidx)}], ${es === 'd' ? this.xs() : this.ws()}`];
        if (k === 4) return [`umov ${es === 'd' ? 'x' : 'w'}${this.x()}, v${this.v()}.${es}[${r.int(nidx)}]`];
        if (k === 5 && es !== 'd') {
          const xw = es === 's' ? 'x' : r.pick(['x', 'w']);
          return [`smov ${xw}${this.x()}, v${this.v()}.${es}[${r.int(nidx)}]`];
        }
        return [`dup ${es}${this.v()}, v${this.v()}.${es}[${r.int(nidx)}]`];
      }
      case 'movi': {
        const imm = r.int(256);
        const k = r.int(8);
        if (k === 0) return [`movi v${this.v()}.${r.pick(['8b', '16b'])}, #${imm}`];
        if (k === 1) return [`${r.pick(['movi', 'mvni', 'orr', 'bic'])} v${this.v()}.${r.pick(['4h', '8h'])}, #${imm}, lsl #${r.pick([0, 8])}`];
        if (k === 2) return [`${r.pick(['movi', 'mvni', 'orr', 'bic'])} v${this.v()}.${r.pick(['2s', '4s'])}, #${imm}, lsl #${r.pick([0, 8, 16, 24])}`];
        if (k === 3) return [`${r.pick(['movi', 'mvni'])} v${this.v()}.${r.pick(['2s', '4s'])}, #${imm}, msl #${r.pick([8, 16])}`];
        if (k === 4) {
          let v = 0n;
          for (let i = 0; i < 8; i++) if (r.bool()) v |= 0xffn << BigInt(8 * i);
          return [r.bool() ? `movi d${this.v()}, #0x${v.toString(16)}` : `movi v${this.v()}.2d, #0x${v.toString(16)}`];
        }
        return [`fmov v${this.v()}.${r.pick(['2s', '4s', '2d'])}, #${this.fimm()}`];
      }
      case 'sint': {
        // AdvSIMD scalar integer forms
        const k = r.int(8);
        const v = (p: string): string => `${p}${this.v()}`;
        if (k === 0) return [`${r.pick(['add', 'sub', 'cmeq', 'cmge', 'cmgt', 'cmhi', 'cmhs', 'cmtst', 'sshl', 'ushl', 'srshl', 'urshl'])} ${v('d')}, ${v('d')}, ${v('d')}`];
        if (k === 1) {
          const p = r.pick(['b', 'h', 's', 'd']);
          return [`${r.pick(['sqadd', 'uqadd', 'sqsub', 'uqsub', 'sqshl', 'uqshl', 'sqrshl', 'uqrshl'])} ${v(p)}, ${v(p)}, ${v(p)}`];
        }
        if (k === 2) {
          const op = r.pick(['shl', 'sshr', 'ushr', 'ssra', 'usra', 'srshr', 'urshr', 'sri', 'sli']);
          return [`${op} ${v('d')}, ${v('d')}, #${['shl', 'sli'].includes(op) ? r.int(64) : r.range(1, 64)}`];
        }
        if (k === 3) {
          const [n, w] = r.pick([['b', 'h'], ['h', 's'], ['s', 'd']]);
          return [`${r.pick(['sqxtn', 'uqxtn', 'sqxtun'])} ${v(n)}, ${v(w)}`];
        }
        if (k === 4) {
          const p = r.pick(['b', 'h', 's', 'd']);
          return [`${r.pick(['sqabs', 'sqneg', 'suqadd', 'usqadd'])} ${v(p)}, ${v(p)}`];
        }
        if (k === 5) return [`${r.pick(['abs', 'neg'])} ${v('d')}, ${v('d')}`, ];
        if (k === 6) {
          const p = r.pick(['h', 's']);
          return [`${r.pick(['sqdmulh', 'sqrdmulh'])} ${v(p)}, ${v(p)}, ${v(p)}`];
        }
        return [`addp ${v('d')}, v${this.v()}.2d`];
      }
      case 'ldst':
        return this.ldst();
      case 'crypto': {
        switch (r.int(6)) {
          case 0:
            return [`${r.pick(['aese', 'aesd', 'aesmc', 'aesimc'])} v${this.v()}.16b, v${this.v()}.16b`];
          case 1:
            return [`${r.pick(['sha1c', 'sha1p', 'sha1m'])} q${this.v()}, s${this.v()}, v${this.v()}.4s`];
          case 2:
            return r.bool() ? [`sha1h s${this.v()}, s${this.v()}`] : [`sha1su1 v${this.v()}.4s, v${this.v()}.4s`];
          case 3:
            return r.bool() ? [`sha1su0 v${this.v()}.4s, v${this.v()}.4s, v${this.v()}.4s`] : [`sha256su1 v${this.v()}.4s, v${this.v()}.4s, v${this.v()}.4s`];
          case 4:
            return r.bool() ? [`${r.pick(['sha256h', 'sha256h2'])} q${this.v()}, q${this.v()}, v${this.v()}.4s`] : [`sha256su0 v${this.v()}.4s, v${this.v()}.4s`];
          default:
            return r.bool() ? [`pmull v${this.v()}.1q, v${this.v()}.1d, v${this.v()}.1d`] : [`pmull2 v${this.v()}.1q, v${this.v()}.2d, v${this.v()}.2d`];
        }
      }
      case 'fpsr': {
        const k = r.int(6);
        if (k === 0) return [`mrs x${this.x()}, fpsr`];
        if (k === 1) return [`msr fpsr, xzr`];
        if (k === 2) return [`mrs x${this.x()}, fpcr`];
        const t = this.x();
        if (k === 3) {
          // MSR FPSR with cumulative flags, sometimes with junk in the RES0 / AArch32-only bits
          const v = r.bool(0.75) ? r.next() & FPSR_MASK : r.next();
          return [`movz x${t}, #${v >>> 16}, lsl #16`, `movk x${t}, #${v & 0xffff}`, `msr fpsr, x${t}`, `mrs x${this.x()}, fpsr`];
        }
        // MSR FPCR: a new rounding mode / FZ / DN / AHP mid-sequence, sometimes with junk in
        // the other fields (trap enables, Len, Stride, FZ16, RES0: read back by MRS)
        let v = (r.int(4) << 22) | (r.bool(0.3) ? 1 << 24 : 0) | (r.bool(0.3) ? 1 << 25 : 0) | (r.bool(0.2) ? 1 << 26 : 0);
        if (r.int(4) === 0) v |= r.next() & ~FPCR_MASK;
        return [`movz x${t}, #${v >>> 16}, lsl #16`, `movk x${t}, #${v & 0xffff}`, `msr fpcr, x${t}`, `mrs x${this.x()}, fpcr`];
      }
      default:
        throw new Error(`unknown category ${cat}`);
    }
  }

  /** An FMOV immediate: ±(16 + m)/16 * 2^e, m in 0..15, e in -3..4. */
  fimm(): string {
    const v = ((16 + this.r.int(16)) / 16) * 2 ** this.r.range(-3, 4);
    return (this.r.bool() ? -v : v).toString();
  }

  /** `add/sub xB, x28, #|d|` */
  setBase(b: number, d: number): string {
    return d >= 0 ? `add x${b}, x28, #${d}` : `sub x${b}, x28, #${-d}`;
  }

  /** An offset from BASE for an access of `bytes` aligned to `align`, inside the buffer. */
  off(bytes: number, align: number): number {
    const min = -512;
    const max = 512 - bytes;
    const a = Math.ceil(min / align) * align;
    return a + this.r.int(Math.floor((max - a) / align) + 1) * align;
  }

  ldst(): string[] {
    const r = this.r;
    const b = this.x();
    const k = r.int(7);
    // element alignment; ~1/6 misaligned (Normal memory: allowed)
    const mis = r.int(6) === 0;
    if (k === 0 || k === 1) {
      // LD1-LD4 / ST1-ST4 multiple structures
      const arr = r.pick(['8b', '16b', '4h', '8h', '2s', '4s', '1d', '2d']);
      const regBytes = arr === '8b' || arr === '4h' || arr === '2s' || arr === '1d' ? 8 : 16;
      const esz = arr.endsWith('b') ? 1 : arr.endsWith('h') ? 2 : arr.endsWith('s') ? 4 : 8;
      let n = r.range(1, 4);
      const kind = arr === '1d' ? 1 : r.range(1, 4); // LD2-4 need more than one element
      if (kind > 1) n = kind;
      const first = r.int(33 - n);
      const list = Array.from({ length: n }, (_, i) => `v${first + i}.${arr}`).join(', ');
      const total = n * regBytes;
      const off = this.off(total, mis ? 1 : esz);
      const op = `${r.bool() ? 'ld' : 'st'}${kind}`;
      const post = r.int(3);
      const tail = post === 0 ? '' : post === 1 ? `, #${total}` : `, x${this.x()}`;
      return [this.setBase(b, off), `${op} {${list}}, [x${b}]${tail}`];
    }
    if (k === 2) {
      // single structure (lane) and replicate
      const es = r.pick(['b', 'h', 's', 'd']);
      const esz = es === 'b' ? 1 : es === 'h' ? 2 : es === 's' ? 4 : 8;
      const n = r.range(1, 4);
      const first = r.int(33 - n);
      const total = n * esz;
      const off = this.off(total, mis ? 1 : esz);
      const post = r.int(3);
      const tail = post === 0 ? '' : post === 1 ? `, #${total}` : `, x${this.x()}`;
      if (r.int(3) === 0) {
        const arr = r.pick(es === 'b' ? ['8b', '16b'] : es === 'h' ? ['4h', '8h'] : es === 's' ? ['2s', '4s'] : ['1d', '2d']);
        const list = Array.from({ length: n }, (_, i) => `v${first + i}.${arr}`).join(', ');
        return [this.setBase(b, off), `ld${n}r {${list}}, [x${b}]${tail}`];
      }
      const list = Array.from({ length: n }, (_, i) => `v${first + i}.${es}`).join(', ');
      return [this.setBase(b, off), `${r.bool() ? 'ld' : 'st'}${n} {${list}}[${r.int(16 / esz)}], [x${b}]${tail}`];
    }
    if (k === 3 || k === 4) {
      // LDR/STR/LDUR/STUR B/H/S/D/Q from x28
      const p = r.pick(['b', 'h', 's', 'd', 'q']);
      const esz = { b: 1, h: 2, s: 4, d: 8, q: 16 }[p]!;
      const ld = r.bool() ? 'ldr' : 'str';
      if (r.bool()) {
        const off = this.off(esz, esz);
        if (off >= 0) return [`${ld} ${p}${this.v()}, [x28, #${off}]`];
      }
      const off = r.range(-256, 255);
      if (off < -512 || off + esz > 512) return [`${ld} ${p}${this.v()}, [x28]`];
      return [`${ld === 'ldr' ? 'ldur' : 'stur'} ${p}${this.v()}, [x28, #${off}]`];
    }
    if (k === 5) {
      // LDP/STP S/D/Q
      const p = r.pick(['s', 'd', 'q']);
      const esz = { s: 4, d: 8, q: 16 }[p]!;
      const t1 = this.v();
      let t2 = this.v();
      if (t2 === t1) t2 = (t1 + 1) & 31;
      const off = this.off(2 * esz, esz);
      if (off < -64 * esz || off > 63 * esz) return [`${r.bool() ? 'ldp' : 'stp'} ${p}${t1}, ${p}${t2}, [x28]`];
      return [`${r.bool() ? 'ldp' : 'stp'} ${p}${t1}, ${p}${t2}, [x28, #${off}]`];
    }
    // pre/post-index writeback of a scalar SIMD&FP register through a fresh base
    const p = r.pick(['b', 'h', 's', 'd', 'q']);
    const esz = { b: 1, h: 2, s: 4, d: 8, q: 16 }[p]!;
    const imm = r.range(-256, 255);
    const pre = r.bool();
    const access = this.off(esz, esz);
    const d = pre ? access - imm : access;
    if (d < -4095 || d > 4095) return [`ldr ${p}${this.v()}, [x28]`];
    return [this.setBase(b, d), pre ? `${r.bool() ? 'ldr' : 'str'} ${p}${this.v()}, [x${b}, #${imm}]!` : `${r.bool() ? 'ldr' : 'str'} ${p}${this.v()}, [x${b}], #${imm}`];
  }

  /** A forward branch over `skip` words. */
  branch(skip: number): string {
    const r = this.r;
    const off = 4 * (skip + 1);
    switch (r.int(3)) {
      case 0:
        return `b.${r.pick(CONDS.slice(0, 14))} .+${off}`;
      case 1:
        return `${r.pick(['cbz', 'cbnz'])} x${this.x()}, .+${off}`;
      default:
        return `${r.pick(['tbz', 'tbnz'])} x${this.x()}, #${r.int(64)}, .+${off}`;
    }
  }
}

export interface FpGenOptions {
  /** Category names to generate (default all). */
  only?: readonly string[];
  minItems?: number;
  maxItems?: number;
}

/** A case with random initial state and no code. */
export function fpBaseCase(r: Rng): FpCase {
  const x: bigint[] = [];
  for (let i = 0; i < 31; i++) x.push(RESERVED.has(i) ? 0n : i === BASE_REG ? BigInt(BASE) : xInit(r));
  const v = new Uint8Array(512);
  for (let n = 0; n < 32; n++) vInit(r, v, 16 * n);
  const buf = new Uint8Array(BUFSZ);
  for (let i = 0; i < BUFSZ; i += 16) {
    if (r.int(4) === 0) vInit(r, buf, i);
    else for (let k = 0; k < 16; k += 4) put32(buf, i + k, r.next());
  }
  let fpcr = 0;
  if (r.bool(0.6)) {
    fpcr = (r.int(4) << 22) | (r.bool(0.3) ? 1 << 24 : 0) | (r.bool(0.3) ? 1 << 25 : 0) | (r.bool(0.2) ? 1 << 26 : 0);
  }
  const fpsr = r.bool(0.7) ? 0 : r.next() & FPSR_MASK;
  return { words: [], asm: [], cat: [], x, nzcv: r.int(16), fpcr, fpsr, v, buf };
}

/** One case's assembler lines (one instruction per line) and categories. */
function genLines(r: Rng, cats: readonly [string, number][], opts: FpGenOptions): { lines: string[]; cat: string[] } {
  const g = new Gen(r, cats);
  const nItems = r.range(opts.minItems ?? 3, opts.maxItems ?? 12);
  const items: Item[] = [];
  let words = 0;
  for (let i = 0; i < nItems; i++) {
    const it = g.item();
    if (words + it.lines.length + i + 1 > MAX_CASE_WORDS) break;
    items.push(it);
    words += it.lines.length;
  }
  const lines: string[] = [];
  const cat: string[] = [];
  for (let i = 0; i < items.length; i++) {
    if (r.int(10) === 0) {
      lines.push(g.branch(items[i].lines.length));
      cat.push('branch');
    }
    lines.push(...items[i].lines);
    for (const _ of items[i].lines) cat.push(items[i].cat);
  }
  return { lines, cat };
}

/** Generate a batch; `assembleAll` turns every case's lines into words (one as run). */
export function genFpBatch(seed: number, count: number, assembleAll: (src: string) => Uint32Array, opts: FpGenOptions = {}): FpCase[] {
  const r = new Rng(seed);
  const cats = opts.only && opts.only.length > 0 ? CATEGORIES.filter(([n]) => opts.only!.includes(n)) : CATEGORIES;
  if (cats.length === 0) throw new Error(`no such categories: ${opts.only?.join(',')}`);
  const cases: FpCase[] = [];
  for (let i = 0; i < count; i++) {
    const c = fpBaseCase(r);
    const { lines, cat } = genLines(r, cats, opts);
    c.asm = lines;
    c.cat = cat;
    cases.push(c);
  }
  const words = assembleAll(cases.map((c) => c.asm.join('\n')).join('\n'));
  let at = 0;
  for (const c of cases) {
    c.words = Array.from(words.subarray(at, at + c.asm.length));
    at += c.asm.length;
  }
  if (at !== words.length) throw new Error(`assembler produced ${words.length} words for ${at} lines`);
  return cases;
}

// ---- batch format (harness.S) ----------------------------------------------------------------------

export function encodeFpBatch(cases: readonly FpCase[]): Uint8Array<ArrayBuffer> {
  const b = Buffer.alloc(8 + cases.length * REC_IN);
  b.writeUInt32LE(MAGIC, 0);
  b.writeUInt32LE(cases.length, 4);
  cases.forEach((c, i) => {
    const o = 8 + i * REC_IN;
    if (c.words.length > MAXW) throw new RangeError('case too long');
    b.writeUInt32LE(c.words.length, o);
    c.words.forEach((w, k) => b.writeUInt32LE(w >>> 0, o + 8 + 4 * k));
    c.x.forEach((v, k) => b.writeBigUInt64LE(v, o + 264 + 8 * k));
    b.writeBigUInt64LE(BigInt(c.nzcv) << 28n, o + 512);
    b.writeBigUInt64LE(BigInt(c.fpcr >>> 0), o + 520);
    b.writeBigUInt64LE(BigInt(c.fpsr >>> 0), o + 528);
    b.set(c.v, o + 536);
    b.set(c.buf, o + 1048);
  });
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}

export function decodeFpResults(b: Buffer, count: number): FpResult[] {
  if (b.length !== count * REC_OUT) throw new Error(`harness output is ${b.length} bytes, expected ${count * REC_OUT}`);
  const out: FpResult[] = [];
  for (let i = 0; i < count; i++) {
    const o = i * REC_OUT;
    const x: bigint[] = [];
    for (let k = 0; k < 31; k++) x.push(b.readBigUInt64LE(o + 8 * k));
    out.push({
      x,
      nzcv: Number(b.readBigUInt64LE(o + 248) >> 28n) & 15,
      fpcr: b.readUInt32LE(o + 256),
      fpsr: b.readUInt32LE(o + 264),
      v: new Uint8Array(b.subarray(o + 272, o + 784)),
      buf: new Uint8Array(b.subarray(o + 784, o + 784 + BUFSZ)),
    });
  }
  return out;
}
