/**
 * Advanced SIMD three different and vector x indexed element (integer), vector and scalar, through the real CPU: every
 * instruction against a lane-by-lane BigInt model of its pseudocode (Arm ARM C7.2), over edge
 * lanes (0, 1, -1, MIN, MAX, MIN+1, MAX-1, small shift amounts) and random ones, in every
 * arrangement, checking the whole 128-bit destination (Q = 0 zeroes the top half) and FPSR.QC.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble } from '../../helpers/asm.js';
import { S } from '../../../src/arch/aarch64/state.js';
import { simdHarness, QC, ESIZE, mask, sx, lane, satq } from '../../helpers/simd.js';

const { m, cpu, rndBig, setV, getV, exec, expectUndef, edge, vec } = simdHarness();

/** One long/narrow lane of the pseudocode: A, B the (extended) source elements, d the old destination lane. */
function refLong(name: string, e: number, a: bigint, b: bigint, d: bigint): [bigint, boolean] {
  const base = name.replace(/2$/, '');
  const u = base.startsWith('U');
  const A = u ? a : sx(a, e);
  const B = u ? b : sx(b, e);
  const W = 2 * e;
  const M = mask(W);
  const absd = A > B ? A - B : B - A;
  switch (base) {
    case 'SADDL': case 'UADDL': return [(A + B) & M, false];
    case 'SSUBL': case 'USUBL': return [(A - B) & M, false];
    case 'SABAL': case 'UABAL': return [(d + absd) & M, false];
    case 'SABDL': case 'UABDL': return [absd & M, false];
    case 'SMLAL': case 'UMLAL': return [(d + A * B) & M, false];
    case 'SMLSL': case 'UMLSL': return [(d - A * B) & M, false];
    case 'SMULL': case 'UMULL': return [(A * B) & M, false];
    case 'SQDMULL': return satq(2n * A * B, W, false);
    case 'SQDMLAL': case 'SQDMLSL': {
      const [p, s1] = satq(2n * A * B, W, false);
      const acc = base === 'SQDMLAL' ? sx(d, W) + sx(p, W) : sx(d, W) - sx(p, W);
      const [r, s2] = satq(acc, W, false);
      return [r, s1 || s2];
    }
    default: throw new Error(name);
  }
}

const LONG = ['SADDL', 'UADDL', 'SSUBL', 'USUBL', 'SABAL', 'UABAL', 'SABDL', 'UABDL', 'SMLAL', 'UMLAL', 'SMLSL', 'UMLSL', 'SMULL', 'UMULL'];
const SQ = ['SQDMLAL', 'SQDMLSL', 'SQDMULL'];
const WIDE = ['SADDW', 'UADDW', 'SSUBW', 'USUBW'];
const HN = ['ADDHN', 'RADDHN', 'SUBHN', 'RSUBHN'];
const SRC: Record<number, [string, string, string]> = { 8: ['8B', '16B', '8H'], 16: ['4H', '8H', '4S'], 32: ['2S', '4S', '2D'] };

interface Case { src: string; name: string; e: number; part: number; kind: string; index: number }
const CASES: Case[] = [];
for (const e of [8, 16, 32]) {
  const [lo, hi, w] = SRC[e];
  for (let part = 0; part < 2; part++) {
    const s2 = part ? '2' : '';
    const t = part ? hi : lo;
    for (const name of LONG) CASES.push({ src: `${name}${s2} v0.${w}, v1.${t}, v2.${t}`, name, e, part, kind: 'long', index: 0 });
    if (e !== 8) for (const name of SQ) CASES.push({ src: `${name}${s2} v0.${w}, v1.${t}, v2.${t}`, name, e, part, kind: 'long', index: 0 });
    for (const name of WIDE) CASES.push({ src: `${name}${s2} v0.${w}, v1.${w}, v2.${t}`, name, e, part, kind: 'wide', index: 0 });
    for (const name of HN) CASES.push({ src: `${name}${s2} v0.${t}, v1.${w}, v2.${w}`, name, e, part, kind: 'hn', index: 0 });
  }
}
for (const [sz, w] of [['H', 'S'], ['S', 'D']]) {
  for (const name of SQ) CASES.push({ src: `${name} ${w}0, ${sz}1, ${sz}2`, name, e: ESIZE[sz], part: 0, kind: 'scalar', index: 0 });
}
// By element.
for (const e of [16, 32]) {
  const [lo, hi, w] = SRC[e];
  const t = e === 16 ? 'H' : 'S';
  const n = 128 / e;
  for (let index = 0; index < n; index++) {
    for (let q = 0; q < 2; q++) {
      const a = q ? hi : lo;
      for (const name of ['MUL', 'MLA', 'MLS', 'SQDMULH', 'SQRDMULH']) {
        CASES.push({ src: `${name} v0.${a}, v1.${a}, v2.${t}[${index}]`, name, e, part: q, kind: 'elem', index });
      }
      for (const name of [...LONG.filter((x) => /M(LA|LS|UL)L/.test(x)), ...SQ]) {
        CASES.push({ src: `${name}${q ? '2' : ''} v0.${w}, v1.${a}, v2.${t}[${index}]`, name, e, part: q, kind: 'elemlong', index });
      }
    }
    for (const name of ['SQDMULH', 'SQRDMULH']) CASES.push({ src: `${name} ${t}0, ${t}1, v2.${t}[${index}]`, name, e, part: 0, kind: 'elemscalar', index });
    for (const name of SQ) CASES.push({ src: `${name} ${e === 16 ? 'S' : 'D'}0, ${t}1, v2.${t}[${index}]`, name, e, part: 0, kind: 'elemscalarlong', index });
  }
}
const WORDS = assemble(CASES.map((c) => c.src).join('\n'));

function sameRef(name: string, e: number, a: bigint, b: bigint, d: bigint): [bigint, boolean] {
  const M = mask(e);
  switch (name) {
    case 'MUL': return [(a * b) & M, false];
    case 'MLA': return [(d + a * b) & M, false];
    case 'MLS': return [(d - a * b) & M, false];
    case 'SQDMULH': return satq((2n * sx(a, e) * sx(b, e)) >> BigInt(e), e, false);
    default: return satq((2n * sx(a, e) * sx(b, e) + (1n << BigInt(e - 1))) >> BigInt(e), e, false);
  }
}

function expected(c: Case, vn: bigint, vm: bigint, vd: bigint): [bigint, boolean] {
  const e = c.e;
  const W = 2 * e;
  let r = 0n;
  let qc = false;
  const add = (i: number, size: number, [x, s]: [bigint, boolean]): void => {
    r |= x << BigInt(size * i);
    qc ||= s;
  };
  const half = 64 / e;
  switch (c.kind) {
    case 'long': case 'scalar': {
      const n = c.kind === 'scalar' ? 1 : half;
      for (let i = 0; i < n; i++) add(i, W, refLong(c.name, e, lane(vn, e, c.part * half + i), lane(vm, e, c.part * half + i), lane(vd, W, i)));
      return [r, qc];
    }
    case 'wide':
      for (let i = 0; i < half; i++) {
        const u = c.name.startsWith('U');
        const a = u ? lane(vn, W, i) : sx(lane(vn, W, i), W);
        const b = u ? lane(vm, e, c.part * half + i) : sx(lane(vm, e, c.part * half + i), e);
        add(i, W, [(c.name.includes('ADD') ? a + b : a - b) & mask(W), false]);
      }
      return [r, qc];
    case 'hn': {
      r = c.part ? vd & mask(64) : 0n;
      for (let i = 0; i < half; i++) {
        const a = lane(vn, W, i);
        const b = lane(vm, W, i);
        const round = c.name.startsWith('R') ? 1n << BigInt(e - 1) : 0n;
        const x = ((c.name.includes('ADD') ? a + b : a - b) + round) >> BigInt(e);
        add(c.part * half + i, e, [x & mask(e), false]);
      }
      return [r, qc];
    }
    case 'elem': case 'elemscalar': {
      const n = c.kind === 'elemscalar' ? 1 : (64 << c.part) / e;
      const b = lane(vm, e, c.index);
      for (let i = 0; i < n; i++) add(i, e, sameRef(c.name, e, lane(vn, e, i), b, lane(vd, e, i)));
      return [r, qc];
    }
    default: {
      const n = c.kind === 'elemscalarlong' ? 1 : half;
      const b = lane(vm, e, c.index);
      for (let i = 0; i < n; i++) add(i, W, refLong(c.name, e, lane(vn, e, c.part * half + i), b, lane(vd, W, i)));
      return [r, qc];
    }
  }
}

test('three different and by element (integer): every instruction, arrangement and index against the pseudocode', () => {
  let count = 0;
  CASES.forEach((c, k) => {
    for (let it = 0; it < 24; it++) {
      const vn = vec(c.kind === 'hn' || c.kind === 'wide' ? 2 * c.e : c.e);
      const vm = it % 4 === 0 ? vn : vec(c.kind === 'hn' ? 2 * c.e : c.e);
      const vd = vec(c.kind === 'elem' || c.kind === 'elemscalar' || c.kind === 'hn' ? c.e : 2 * c.e);
      setV(1, vn);
      setV(2, vm);
      setV(0, vd);
      cpu.s[S.FPSR] = 0;
      exec(WORDS[k], c.src);
      const [r, qc] = expected(c, vn, vm, vd);
      const what = `${c.src} n=${vn.toString(16)} m=${vm.toString(16)} d=${vd.toString(16)}`;
      assert.equal(getV(0).toString(16), r.toString(16), what);
      assert.equal((cpu.s[S.FPSR] & QC) !== 0, qc, `${what}: QC`);
      count++;
    }
  });
  assert.ok(count > 10000);
});

test('SQDMULL/SQDMLAL saturation: MIN * MIN, and the accumulation', () => {
  const w = assemble('sqdmull v0.4s, v1.4h, v2.4h\nsqdmlal v0.2d, v1.2s, v2.2s\nsqdmlsl d0, s1, s2');
  setV(1, 0x8000n);
  setV(2, 0x8000n);
  cpu.s[S.FPSR] = 0;
  exec(w[0], 'sqdmull');
  assert.equal(getV(0), 0x7fffffffn);
  assert.notEqual(cpu.s[S.FPSR] & QC, 0);
  // acc = MAX - 1, + 2 * 1 * 1 saturates.
  setV(0, 0x7ffffffffffffffen);
  setV(1, 1n);
  setV(2, 1n);
  cpu.s[S.FPSR] = 0;
  exec(w[1], 'sqdmlal');
  assert.equal(getV(0), 0x7fffffffffffffffn);
  assert.notEqual(cpu.s[S.FPSR] & QC, 0);
  // MIN - 2 * (-1) * 1 = MIN + 2: no saturation; upper half of the scalar result zeroed.
  setV(0, (0xabcdn << 64n) | 0x8000000000000000n);
  setV(1, 0xffffffffn);
  setV(2, 1n);
  cpu.s[S.FPSR] = 0;
  exec(w[2], 'sqdmlsl');
  assert.equal(getV(0), 0x8000000000000002n);
  assert.equal(cpu.s[S.FPSR] & QC, 0);
});

test('PMULL / PMULL2: 8-bit and 64-bit (FEAT_PMULL) carry-less products', () => {
  const clmul = (a: bigint, b: bigint, n: number): bigint => {
    let r = 0n;
    for (let i = 0; i < n; i++) if ((b >> BigInt(i)) & 1n) r ^= a << BigInt(i);
    return r;
  };
  const w = assemble('pmull v0.8h, v1.8b, v2.8b\npmull2 v0.8h, v1.16b, v2.16b\npmull v0.1q, v1.1d, v2.1d\npmull2 v0.1q, v1.2d, v2.2d');
  for (let it = 0; it < 200; it++) {
    const vn = it === 0 ? mask(128) : rndBig(128);
    const vm = it === 0 ? mask(128) : rndBig(128);
    for (let k = 0; k < 4; k++) {
      setV(1, vn);
      setV(2, vm);
      setV(0, rndBig(128));
      exec(w[k], `pmull #${k}`);
      const part = k & 1;
      let exp = 0n;
      if (k < 2) {
        for (let i = 0; i < 8; i++) exp |= clmul(lane(vn, 8, part * 8 + i), lane(vm, 8, part * 8 + i), 8) << BigInt(16 * i);
      } else {
        exp = clmul(lane(vn, 64, part), lane(vm, 64, part), 64);
      }
      assert.equal(getV(0), exp, `pmull #${k}`);
    }
  }
});

/** 0 Q U 01110 size 1 Rm opcode 00 Rn Rd, Rd 0, Rn 1, Rm 2. */
function enc3d(q: number, u: number, size: number, opcode: number): number {
  return (0x0e200000 | (q << 30) | (u << 29) | (size << 22) | (2 << 16) | (opcode << 12) | (1 << 5)) | 0;
}
/** 0 Q U 01111 size L M Rm opcode H 0 Rn Rd. */
function encElem(q: number, u: number, size: number, opcode: number): number {
  return (0x0f000000 | (q << 30) | (u << 29) | (size << 22) | (2 << 16) | (opcode << 12) | (1 << 5)) | 0;
}

test('reserved sizes are UNDEFINED', () => {
  expectUndef(enc3d(0, 0, 3, 0b0000), 'SADDL size 11');
  expectUndef(enc3d(0, 0, 0, 0b1101), 'SQDMULL size 00');
  expectUndef(enc3d(0, 0, 1, 0b1110), 'PMULL size 01');
  expectUndef(encElem(0, 0, 0, 0b1000), 'MUL (element) size 00');
  expectUndef(encElem(0, 0, 3, 0b1010), 'SMULL (element) size 11');
});
