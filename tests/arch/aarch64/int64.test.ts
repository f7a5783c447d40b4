/**
 * exec/int64.ts against BigInt reference models, over edge operands and random ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as I from '../../../src/arch/aarch64/exec/int64.js';
import { S } from '../../../src/arch/aarch64/state.js';

const M64 = (1n << 64n) - 1n;
const M32 = (1n << 32n) - 1n;

/** xorshift32: deterministic random words. */
let seed = 0x9e3779b9;
function rnd(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed | 0;
}

const EDGE64: bigint[] = [
  0n, 1n, 2n, 3n, 0x7fn, 0x80n, 0xffn, 0xffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n,
  0x100000001n, 0x1fffffffen, 0x1fffffn, 0x200000n, 0x1fffffffffffffn, 0x20000000000000n, 0x20000000000001n,
  0x7fffffffffffffffn, 0x8000000000000000n, 0x8000000000000001n, 0xfffffffffffffffen, M64, 0xffffffff00000000n,
  0x00000000ffffffffn, 0xdeadbeefcafebaben, 0x123456789abcdefn, 10n, 1000000007n, 0xfffffffefffffffn,
];

function rnd64(): bigint {
  const k = rnd() & 7;
  if (k === 0) return EDGE64[(rnd() >>> 0) % EDGE64.length];
  const lo = BigInt(rnd() >>> 0);
  let hi = BigInt(rnd() >>> 0);
  if (k === 1) hi = 0n;
  if (k === 2) hi &= 0x1fffffn;
  if (k === 3) hi = BigInt((rnd() >>> 0) % 4);
  return (hi << 32n) | lo;
}

function lo(v: bigint): number {
  return Number(v & M32) | 0;
}
function hi(v: bigint): number {
  return Number((v >> 32n) & M32) | 0;
}
function pair(l: number, h: number): bigint {
  return (BigInt(h >>> 0) << 32n) | BigInt(l >>> 0);
}
function sint(v: bigint, n: number): bigint {
  return BigInt.asIntN(n, v);
}

function pairs(count: number): [bigint, bigint][] {
  const out: [bigint, bigint][] = [];
  for (const a of EDGE64) for (const b of EDGE64) out.push([a, b]);
  for (let i = 0; i < count; i++) out.push([rnd64(), rnd64()]);
  return out;
}

/** AddWithCarry() (Arm ARM J1) for N bits: [result, NZCV as N=8 Z=4 C=2 V=1]. */
function addWithCarryRef(x: bigint, y: bigint, c: bigint, n: number): [bigint, number] {
  const mask = (1n << BigInt(n)) - 1n;
  const usum = (x & mask) + (y & mask) + c;
  const ssum = sint(x, n) + sint(y, n) + c;
  const r = usum & mask;
  const N = Number(r >> BigInt(n - 1));
  const Z = r === 0n ? 1 : 0;
  const C = r === usum ? 0 : 1;
  const V = sint(r, n) === ssum ? 0 : 1;
  return [r, (N << 3) | (Z << 2) | (C << 1) | V];
}

function flags(s: Int32Array): number {
  return (s[S.NF] << 3) | (s[S.ZF] << 2) | (s[S.CF] << 1) | s[S.VF];
}

test('add64, sub64, neg64, ltu64', () => {
  for (const [a, b] of pairs(5000)) {
    assert.equal(pair(I.add64(lo(a), hi(a), lo(b), hi(b)), I.r64[1]), (a + b) & M64);
    assert.equal(pair(I.sub64(lo(a), hi(a), lo(b), hi(b)), I.r64[1]), (a - b) & M64);
    assert.equal(pair(I.neg64(lo(a), hi(a)), I.r64[1]), -a & M64);
    assert.equal(I.ltu64(lo(a), hi(a), lo(b), hi(b)), a < b);
  }
});

test('addWithCarry32/64 give the result and NZCV of AddWithCarry()', () => {
  const s = new Int32Array(S.WORDS);
  for (const [a, b] of pairs(5000)) {
    for (const c of [0n, 1n]) {
      let [r, f] = addWithCarryRef(a, b, c, 64);
      assert.equal(pair(I.addWithCarry64(s, lo(a), hi(a), lo(b), hi(b), Number(c)), I.r64[1]), r);
      assert.equal(flags(s), f, `64: ${a} + ${b} + ${c}`);
      [r, f] = addWithCarryRef(a & M32, b & M32, c, 32);
      assert.equal(BigInt(I.addWithCarry32(s, lo(a), lo(b), Number(c)) >>> 0), r);
      assert.equal(flags(s), f, `32: ${a} + ${b} + ${c}`);
      // Subtraction as the executors do it: x + NOT(y) + 1.
      [r, f] = addWithCarryRef(a, ~b & M64, 1n, 64);
      I.addWithCarry64(s, lo(a), hi(a), ~lo(b), ~hi(b), 1);
      assert.equal(flags(s), f);
    }
  }
});

test('shifts by 0..63 and ShiftReg()', () => {
  for (let i = 0; i < 3000; i++) {
    const a = rnd64();
    const n = i < 64 ? i : (rnd() >>> 0) % 64;
    const nb = BigInt(n);
    const lsl = (a << nb) & M64;
    const lsr = a >> nb;
    const asr = BigInt.asUintN(64, sint(a, 64) >> nb);
    const ror = ((a >> nb) | (a << (64n - nb))) & M64;
    assert.equal(pair(I.lsl64(lo(a), hi(a), n), I.r64[1]), lsl);
    assert.equal(pair(I.lsr64(lo(a), hi(a), n), I.r64[1]), lsr);
    assert.equal(pair(I.asr64(lo(a), hi(a), n), I.r64[1]), asr);
    assert.equal(pair(I.ror64(lo(a), hi(a), n), I.r64[1]), ror);
    assert.equal(I.lsr64(lo(a), hi(a), n), lo(lsr)); // returned as int32
    const expect = [lsl, lsr, asr, ror];
    for (let t = 0; t < 4; t++) assert.equal(pair(I.shiftReg64(lo(a), hi(a), t, n), I.r64[1]), expect[t]);
    const w = a & M32;
    const n32 = n & 31;
    const b32 = BigInt(n32);
    const e32 = [(w << b32) & M32, w >> b32, BigInt.asUintN(32, sint(w, 32) >> b32), ((w >> b32) | (w << (32n - b32))) & M32];
    for (let t = 0; t < 4; t++) {
      const r = I.shiftReg32(lo(a), t, n32);
      assert.equal(r, r | 0, 'int32 result');
      assert.equal(BigInt(r >>> 0), e32[t], `shiftReg32 type ${t} by ${n32}`);
    }
  }
});

function clzRef(v: bigint, n: number): number {
  let c = 0;
  for (let i = n - 1; i >= 0 && ((v >> BigInt(i)) & 1n) === 0n; i--) c++;
  return c;
}

test('clz64, cls32, cls64 (CountLeadingSignBits = CLZ(x<N-1:1> EOR x<N-2:0>))', () => {
  const vals = [...EDGE64];
  for (let i = 0; i < 64; i++) vals.push(1n << BigInt(i), M64 >> BigInt(i), (M64 << BigInt(i)) & M64);
  for (let i = 0; i < 3000; i++) vals.push(rnd64());
  for (const v of vals) {
    assert.equal(I.clz64(lo(v), hi(v)), clzRef(v, 64));
    const e64 = ((v >> 1n) ^ v) & (M64 >> 1n);
    assert.equal(I.cls64(lo(v), hi(v)), clzRef(e64, 63), `cls64 ${v.toString(16)}`);
    const w = v & M32;
    const e32 = ((w >> 1n) ^ w) & (M32 >> 1n);
    assert.equal(I.cls32(lo(v)), clzRef(e32, 31));
  }
});

test('umulh32, smulh32, mul64, umul128, smul128', () => {
  for (const [a, b] of pairs(5000)) {
    const al = a & M32;
    const bl = b & M32;
    assert.equal(BigInt(I.umulh32(lo(a), lo(b)) >>> 0), (al * bl) >> 32n);
    assert.equal(BigInt.asIntN(32, BigInt(I.smulh32(lo(a), lo(b)))), (sint(al, 32) * sint(bl, 32)) >> 32n);
    assert.equal(pair(I.mul64(lo(a), hi(a), lo(b), hi(b)), I.r64[1]), (a * b) & M64);
    I.umul128(lo(a), hi(a), lo(b), hi(b));
    assert.equal(pair(I.r64[0], I.r64[1]), (a * b) & M64);
    assert.equal(pair(I.r64[2], I.r64[3]), (a * b) >> 64n, `umulh ${a} ${b}`);
    I.smul128(lo(a), hi(a), lo(b), hi(b));
    const sp = BigInt.asUintN(128, sint(a, 64) * sint(b, 64));
    assert.equal(pair(I.r64[0], I.r64[1]), sp & M64);
    assert.equal(pair(I.r64[2], I.r64[3]), sp >> 64n, `smulh ${a} ${b}`);
  }
});

test('udiv64, sdiv64: round toward zero, x/0 = 0, INT64_MIN/-1 = INT64_MIN', () => {
  const cases = pairs(20000);
  // Large dividends over small and large divisors (every division path).
  for (let i = 0; i < 5000; i++) {
    const a = pair(rnd(), rnd() | 0x80000000);
    cases.push([a, BigInt((rnd() >>> 0) % 1000) + 1n], [a, BigInt(rnd() >>> 0)], [a, pair(rnd(), (rnd() >>> 0) % 8)], [a, pair(rnd(), rnd())]);
    cases.push([a, a - 1n], [a, a], [a, (a >> 1n) + 1n], [a, a >> 1n]);
  }
  for (const [a, b] of cases) {
    const uq = b === 0n ? 0n : a / b;
    assert.equal(pair(I.udiv64(lo(a), hi(a), lo(b), hi(b)), I.r64[1]), uq, `udiv ${a} / ${b}`);
    const sa = sint(a, 64);
    const sb = sint(b, 64);
    const sq = sb === 0n ? 0n : BigInt.asUintN(64, sa / sb); // BigInt division truncates toward zero
    assert.equal(pair(I.sdiv64(lo(a), hi(a), lo(b), hi(b)), I.r64[1]), sq, `sdiv ${sa} / ${sb}`);
  }
  I.sdiv64(0, 0x80000000 | 0, -1, -1);
  assert.equal(pair(I.r64[0], I.r64[1]), 0x8000000000000000n);
});
