/**
 * Advanced SIMD two-register misc (integer, vector and scalar) and across lanes, through the real CPU: every
 * instruction against a lane-by-lane BigInt model of its pseudocode (Arm ARM C7.2), over edge
 * lanes (0, 1, -1, MIN, MAX, MIN+1, MAX-1, small shift amounts) and random ones, in every
 * arrangement, checking the whole 128-bit destination (Q = 0 zeroes the top half) and FPSR.QC.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble } from '../../helpers/asm.js';
import { S } from '../../../src/arch/aarch64/state.js';
import { simdHarness, QC, ESIZE, ALL, mask, sx, lane, satq } from '../../helpers/simd.js';

const { cpu, rnd, setV, getV, exec, expectUndef, edge, vec } = simdHarness();

const NO_D = ALL.slice(0, 6);

/** Same-size lane ops: a = Vn lane, d = old Vd lane. */
function refSame(name: string, e: number, a: bigint, d: bigint): [bigint, boolean] {
  const M = mask(e);
  const A = sx(a, e);
  const bool = (c: boolean): [bigint, boolean] => [c ? M : 0n, false];
  switch (name) {
    case 'SUQADD': return satq(sx(d, e) + a, e, false);
    case 'USQADD': return satq(d + A, e, true);
    case 'CLS': {
      let n = 0;
      for (let i = e - 2; i >= 0 && ((a >> BigInt(i)) & 1n) === ((a >> BigInt(e - 1)) & 1n); i--) n++;
      return [BigInt(n), false];
    }
    case 'CLZ': {
      let n = 0;
      for (let i = e - 1; i >= 0 && ((a >> BigInt(i)) & 1n) === 0n; i--) n++;
      return [BigInt(n), false];
    }
    case 'CNT': {
      let n = 0n;
      for (let i = 0n; i < 8n; i++) n += (a >> i) & 1n;
      return [n, false];
    }
    case 'NOT': return [~a & M, false];
    case 'RBIT': {
      let r = 0n;
      for (let i = 0n; i < 8n; i++) r |= ((a >> i) & 1n) << (7n - i);
      return [r, false];
    }
    case 'SQABS': return satq(A < 0n ? -A : A, e, false);
    case 'SQNEG': return satq(-A, e, false);
    case 'ABS': return [(A < 0n ? -A : A) & M, false];
    case 'NEG': return [-A & M, false];
    case 'CMGT': return bool(A > 0n);
    case 'CMGE': return bool(A >= 0n);
    case 'CMEQ': return bool(A === 0n);
    case 'CMLE': return bool(A <= 0n);
    case 'CMLT': return bool(A < 0n);
    default: throw new Error(name);
  }
}

interface Case { src: string; name: string; e: number; q: number; kind: string }
const CASES: Case[] = [];
const arrQ = (arr: string): [number, number] => {
  const e = ESIZE[arr.slice(-1)];
  return [e, parseInt(arr) * e === 128 ? 1 : 0];
};
for (const name of ['SUQADD', 'USQADD', 'SQABS', 'SQNEG', 'ABS', 'NEG', 'CMGT', 'CMGE', 'CMEQ', 'CMLE', 'CMLT', 'CLS', 'CLZ']) {
  const zero = name.startsWith('CM') ? ', #0' : '';
  for (const arr of name.startsWith('CL') ? NO_D : ALL) {
    const [e, q] = arrQ(arr);
    CASES.push({ src: `${name} v0.${arr}, v1.${arr}${zero}`, name, e, q, kind: 'same' });
  }
  if (name.startsWith('CL')) continue;
  for (const sz of name.startsWith('CM') || name === 'ABS' || name === 'NEG' ? ['D'] : ['B', 'H', 'S', 'D']) {
    CASES.push({ src: `${name} ${sz}0, ${sz}1${zero}`, name, e: ESIZE[sz], q: 0, kind: 'scalar' });
  }
}
for (const name of ['CNT', 'NOT', 'RBIT']) for (const arr of ['8B', '16B']) CASES.push({ src: `${name} v0.${arr}, v1.${arr}`, name, e: 8, q: arr === '16B' ? 1 : 0, kind: 'same' });
for (const [name, arrs] of [['REV64', NO_D], ['REV32', ['8B', '16B', '4H', '8H']], ['REV16', ['8B', '16B']]] as const) {
  for (const arr of arrs) {
    const [e, q] = arrQ(arr);
    CASES.push({ src: `${name} v0.${arr}, v1.${arr}`, name, e, q, kind: 'rev' });
  }
}
const WIDEN: Record<string, string> = { '8B': '4H', '16B': '8H', '4H': '2S', '8H': '4S', '2S': '1D', '4S': '2D' };
for (const name of ['SADDLP', 'UADDLP', 'SADALP', 'UADALP']) {
  for (const arr of NO_D) {
    const [e, q] = arrQ(arr);
    CASES.push({ src: `${name} v0.${WIDEN[arr]}, v1.${arr}`, name, e, q, kind: 'pair' });
  }
}
const NARROW: [string, string, string][] = [['8B', '16B', '8H'], ['4H', '8H', '4S'], ['2S', '4S', '2D']];
for (const name of ['XTN', 'SQXTN', 'UQXTN', 'SQXTUN']) {
  for (const [lo, hi, w] of NARROW) {
    const e = ESIZE[lo.slice(-1)];
    CASES.push({ src: `${name} v0.${lo}, v1.${w}`, name, e, q: 0, kind: 'narrow' });
    CASES.push({ src: `${name}2 v0.${hi}, v1.${w}`, name, e, q: 1, kind: 'narrow' });
    if (name !== 'XTN') CASES.push({ src: `${name} ${lo.slice(-1)}0, ${w.slice(-1)}1`, name, e, q: 0, kind: 'narrowscalar' });
  }
}
for (const [lo, hi, w] of NARROW) {
  const e = ESIZE[lo.slice(-1)];
  CASES.push({ src: `SHLL v0.${w}, v1.${lo}, #${e}`, name: 'SHLL', e, q: 0, kind: 'shll' });
  CASES.push({ src: `SHLL2 v0.${w}, v1.${hi}, #${e}`, name: 'SHLL', e, q: 1, kind: 'shll' });
}
for (const name of ['ADDV', 'SMAXV', 'UMAXV', 'SMINV', 'UMINV', 'SADDLV', 'UADDLV']) {
  for (const arr of ['8B', '16B', '4H', '8H', '4S']) {
    const [e, q] = arrQ(arr);
    const rs = name.endsWith('LV') ? { 8: 'H', 16: 'S', 32: 'D' }[e] : arr.slice(-1);
    CASES.push({ src: `${name} ${rs}0, v1.${arr}`, name, e, q, kind: 'across' });
  }
}
CASES.push({ src: 'ADDP D0, v1.2D', name: 'ADDP', e: 64, q: 1, kind: 'addp' });
const WORDS = assemble(CASES.map((c) => c.src).join('\n'));

function expected(c: Case, vn: bigint, vd: bigint): [bigint, boolean] {
  const e = c.e;
  let r = 0n;
  let qc = false;
  const n = (64 << c.q) / e;
  const put = (i: number, size: number, x: bigint, s = false): void => {
    r |= (x & mask(size)) << BigInt(size * i);
    qc ||= s;
  };
  switch (c.kind) {
    case 'same': case 'scalar':
      for (let i = 0; i < (c.kind === 'scalar' ? 1 : n); i++) {
        const [x, s] = refSame(c.name, e, lane(vn, e, i), lane(vd, e, i));
        put(i, e, x, s);
      }
      break;
    case 'rev': {
      const cont = c.name === 'REV64' ? 64 : c.name === 'REV32' ? 32 : 16;
      const per = cont / e;
      for (let i = 0; i < n; i++) put(i, e, lane(vn, e, Math.floor(i / per) * per + (per - 1 - (i % per))));
      break;
    }
    case 'pair': {
      const u = c.name.startsWith('U');
      const ext = (x: bigint): bigint => (u ? x : sx(x, e));
      for (let i = 0; i < n / 2; i++) {
        let x = ext(lane(vn, e, 2 * i)) + ext(lane(vn, e, 2 * i + 1));
        if (c.name.includes('ALP')) x += lane(vd, 2 * e, i);
        put(i, 2 * e, x);
      }
      break;
    }
    case 'narrow': case 'narrowscalar': {
      const cnt = c.kind === 'narrowscalar' ? 1 : 64 / e;
      if (c.q) r = vd & mask(64);
      for (let i = 0; i < cnt; i++) {
        const x = lane(vn, 2 * e, i);
        let v: [bigint, boolean];
        if (c.name === 'XTN') v = [x, false];
        else if (c.name === 'SQXTN') v = satq(sx(x, 2 * e), e, false);
        else if (c.name === 'UQXTN') v = satq(x, e, true);
        else v = satq(sx(x, 2 * e), e, true);
        put(c.q * cnt + i, e, v[0], v[1]);
      }
      break;
    }
    case 'shll':
      for (let i = 0; i < 64 / e; i++) put(i, 2 * e, lane(vn, e, c.q * (64 / e) + i) << BigInt(e));
      break;
    case 'across': {
      const u = c.name.startsWith('U');
      const xs = Array.from({ length: n }, (_, i) => (u ? lane(vn, e, i) : sx(lane(vn, e, i), e)));
      let acc = xs[0];
      for (const x of xs.slice(1)) {
        if (c.name.includes('MAX')) acc = x > acc ? x : acc;
        else if (c.name.includes('MIN')) acc = x < acc ? x : acc;
        else acc += x;
      }
      put(0, c.name.endsWith('LV') ? 2 * e : e, acc);
      break;
    }
    default: // ADDP scalar
      put(0, 64, lane(vn, 64, 0) + lane(vn, 64, 1));
      break;
  }
  return [r, qc];
}

test('two-register misc and across lanes: every instruction and arrangement against the pseudocode', () => {
  let count = 0;
  CASES.forEach((c, k) => {
    const inE = c.kind === 'narrow' || c.kind === 'narrowscalar' ? 2 * c.e : c.e;
    for (let it = 0; it < 40; it++) {
      const vn = vec(inE);
      const vd = vec(c.kind === 'pair' ? 2 * c.e : c.e);
      setV(1, vn);
      setV(0, vd);
      cpu.s[S.FPSR] = 0;
      exec(WORDS[k], c.src);
      const [r, qc] = expected(c, vn, vd);
      const what = `${c.src} n=${vn.toString(16)} d=${vd.toString(16)}`;
      assert.equal(getV(0).toString(16), r.toString(16), what);
      assert.equal((cpu.s[S.FPSR] & QC) !== 0, qc, `${what}: QC`);
      count++;
    }
  });
  assert.ok(count > 5000);
});

test('SQABS/SQNEG of MIN saturate and set QC; ABS/NEG wrap', () => {
  const w = assemble('sqabs v0.2d, v1.2d\nsqneg b0, b1\nabs v0.4s, v1.4s\nneg d0, d1');
  setV(1, (0x8000000000000000n << 64n) | 0x8000000000000000n);
  cpu.s[S.FPSR] = 0;
  exec(w[0], 'sqabs');
  assert.equal(getV(0), (0x7fffffffffffffffn << 64n) | 0x7fffffffffffffffn);
  assert.notEqual(cpu.s[S.FPSR] & QC, 0);
  setV(1, 0x80n);
  cpu.s[S.FPSR] = 0;
  exec(w[1], 'sqneg');
  assert.equal(getV(0), 0x7fn);
  assert.notEqual(cpu.s[S.FPSR] & QC, 0);
  setV(1, 0x80000000_80000000_80000000_80000000n);
  cpu.s[S.FPSR] = 0;
  exec(w[2], 'abs');
  assert.equal(getV(0), 0x80000000_80000000_80000000_80000000n);
  assert.equal(cpu.s[S.FPSR] & QC, 0);
  setV(1, 0xffff_0000000000000001n);
  exec(w[3], 'neg');
  assert.equal(getV(0), 0xffffffffffffffffn);
});

/** 0 Q U 01110 size 10000 opcode 10 Rn Rd (scalar 01 U 11110 ...), Rd 0, Rn 1. */
function encMisc(q: number, u: number, size: number, opcode: number, scalar = false): number {
  return ((scalar ? 0x5e200800 : 0x0e200800) | (q << 30) | (u << 29) | (size << 22) | (opcode << 12) | (1 << 5)) | 0;
}
/** 0 Q U 01110 size 11000 opcode 10 Rn Rd. */
function encAcross(q: number, u: number, size: number, opcode: number): number {
  return (0x0e300800 | (q << 30) | (u << 29) | (size << 22) | (opcode << 12) | (1 << 5)) | 0;
}

test('reserved encodings are UNDEFINED', () => {
  expectUndef(encMisc(0, 0, 3, 0b01011), 'ABS 1D');
  expectUndef(encMisc(1, 0, 3, 0b00100), 'CLS 2D');
  expectUndef(encMisc(0, 0, 1, 0b00101), 'CNT 4H');
  expectUndef(encMisc(0, 1, 2, 0b00101), 'NOT/RBIT size 10');
  expectUndef(encMisc(0, 1, 2, 0b00000), 'REV32 .2S');
  expectUndef(encMisc(0, 0, 1, 0b00001), 'REV16 .4H');
  expectUndef(encMisc(0, 0, 2, 0b01011, true), 'ABS S (scalar)');
  expectUndef(encMisc(0, 0, 3, 0b10100), 'SQXTN size 11');
  expectUndef(encMisc(0, 0, 0, 0b10010, true), 'XTN (scalar)');
  expectUndef(encAcross(0, 0, 2, 0b11011), 'ADDV 2S');
  expectUndef(encAcross(1, 0, 3, 0b11011), 'ADDV 2D');
  exec(encMisc(1, 0, 3, 0b01011), 'ABS 2D');
  exec(encAcross(1, 0, 2, 0b11011), 'ADDV 4S');
});

/** RecipEstimate / RecipSqrtEstimate and the URECPE/URSQRTE wrappers, from the pseudocode. */
function urecpeRef(x: number): number {
  if (x < 0x80000000) return 0xffffffff;
  const a = (x >>> 23) * 2 + 1;
  const b = Math.floor(2 ** 19 / a);
  return (((b + 1) >> 1) & 0x1ff) * 2 ** 23;
}
function ursqrteRef(x: number): number {
  if (x < 0x40000000) return 0xffffffff;
  let a = x >>> 23;
  a = a < 256 ? a * 2 + 1 : (((a >> 1) << 1) + 1) * 2;
  let b = 512;
  while (BigInt(a) * BigInt(b + 1) * BigInt(b + 1) < 1n << 28n) b++;
  return (((b + 1) >> 1) & 0x1ff) * 2 ** 23;
}

test('URECPE / URSQRTE: the estimate tables, every 9-bit index, both widths', () => {
  const w = assemble('urecpe v0.4s, v1.4s\nursqrte v0.4s, v1.4s\nurecpe v0.2s, v1.2s\nursqrte v0.2s, v1.2s');
  const inputs: number[] = [0, 1, 0x3fffffff, 0x40000000, 0x7fffffff, 0x80000000, 0xffffffff, 0xbfffffff, 0xc0000000];
  for (let i = 0; i < 512; i++) inputs.push(((i << 23) | (rnd() & 0x7fffff)) >>> 0);
  for (let k = 0; k < inputs.length; k += 4) {
    const xs = [0, 1, 2, 3].map((j) => inputs[(k + j) % inputs.length]);
    const vn = xs.reduce((acc, x, j) => acc | (BigInt(x) << BigInt(32 * j)), 0n);
    for (let f = 0; f < 4; f++) {
      setV(1, vn);
      setV(0, mask(128));
      exec(w[f], `#${f}`);
      const ref = f % 2 === 0 ? urecpeRef : ursqrteRef;
      const n = f < 2 ? 4 : 2;
      let exp = 0n;
      for (let j = 0; j < n; j++) exp |= BigInt(ref(xs[j])) << BigInt(32 * j);
      assert.equal(getV(0).toString(16), exp.toString(16), `#${f} ${xs.map((x) => x.toString(16))}`);
    }
  }
  expectUndef(encMisc(1, 0, 3, 0b11100), 'URECPE sz = 1');
});
