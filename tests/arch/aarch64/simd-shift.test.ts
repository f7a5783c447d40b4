/**
 * Advanced SIMD shift by immediate (integer), vector and scalar, through the real CPU: every
 * instruction against a lane-by-lane BigInt model of its pseudocode (Arm ARM C7.2), over edge
 * lanes (0, 1, -1, MIN, MAX, MIN+1, MAX-1, small shift amounts) and random ones, in every
 * arrangement, checking the whole 128-bit destination (Q = 0 zeroes the top half) and FPSR.QC.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble } from '../../helpers/asm.js';
import { S } from '../../../src/arch/aarch64/state.js';
import { simdHarness, QC, ESIZE, ALL, mask, sx, lane, satq } from '../../helpers/simd.js';

const { m, cpu, rnd, setV, getV, exec, expectUndef, edge, vec } = simdHarness();

/** One lane of the non-narrowing shifts: a = Vn lane, d = old Vd lane, sh the shift amount. */
function refShift(name: string, e: number, a: bigint, d: bigint, sh: number): [bigint, boolean] {
  const M = mask(e);
  const u = name.startsWith('U');
  const A = u ? a : sx(a, e);
  const S_ = BigInt(sh);
  const rnd = (x: bigint): bigint => (x + (1n << (S_ - 1n))) >> S_;
  switch (name) {
    case 'SSHR': case 'USHR': return [(A >> S_) & M, false];
    case 'SSRA': case 'USRA': return [(d + (A >> S_)) & M, false];
    case 'SRSHR': case 'URSHR': return [rnd(A) & M, false];
    case 'SRSRA': case 'URSRA': return [(d + rnd(A)) & M, false];
    case 'SRI': {
      const m = M >> S_;
      return [(d & ~m & M) | ((a >> S_) & m), false];
    }
    case 'SHL': return [(a << S_) & M, false];
    case 'SLI': {
      const m = (M << S_) & M;
      return [(d & ~m & M) | ((a << S_) & m), false];
    }
    case 'SQSHL': case 'UQSHL': return satq(A << S_, e, u);
    case 'SQSHLU': return satq(sx(a, e) << S_, e, true);
    default: throw new Error(name);
  }
}

/** One lane of the narrowing shifts: x = 2e-bit source lane. */
function refNarrow(name: string, e: number, x: bigint, sh: number): [bigint, boolean] {
  const round = name.includes('RSHR') ? 1n << BigInt(sh - 1) : 0n;
  const signedSrc = name.startsWith('SQ');
  const X = signedSrc ? sx(x, 2 * e) : x;
  const r = (X + round) >> BigInt(sh);
  switch (name) {
    case 'SHRN': case 'RSHRN': return [r & mask(e), false];
    case 'SQSHRN': case 'SQRSHRN': return satq(r, e, false);
    case 'UQSHRN': case 'UQRSHRN': return satq(r, e, true);
    default: return satq(r, e, true); // SQSHRUN, SQRSHRUN
  }
}

interface Case { src: string; name: string; e: number; q: number; kind: string; sh: number }
const CASES: Case[] = [];
const RIGHT = ['SSHR', 'USHR', 'SSRA', 'USRA', 'SRSHR', 'URSHR', 'SRSRA', 'URSRA', 'SRI'];
const LEFT = ['SHL', 'SLI', 'SQSHL', 'UQSHL', 'SQSHLU'];
/** Shift amounts: all edges, and a few in between. */
const amounts = (lo: number, hi: number): number[] => [...new Set([lo, lo + 1, hi - 1, hi, (lo + hi) >> 1, lo + 3])].filter((x) => x >= lo && x <= hi);
for (const arr of ALL) {
  const e = ESIZE[arr.slice(-1)];
  const q = parseInt(arr) * e === 128 ? 1 : 0;
  for (const name of RIGHT) for (const sh of amounts(1, e)) CASES.push({ src: `${name} v0.${arr}, v1.${arr}, #${sh}`, name, e, q, kind: 'vec', sh });
  for (const name of LEFT) for (const sh of amounts(0, e - 1)) CASES.push({ src: `${name} v0.${arr}, v1.${arr}, #${sh}`, name, e, q, kind: 'vec', sh });
}
for (const name of RIGHT) for (const sh of amounts(1, 64)) CASES.push({ src: `${name} d0, d1, #${sh}`, name, e: 64, q: 0, kind: 'scalar', sh });
for (const name of ['SHL', 'SLI']) for (const sh of amounts(0, 63)) CASES.push({ src: `${name} d0, d1, #${sh}`, name, e: 64, q: 0, kind: 'scalar', sh });
for (const sz of ['B', 'H', 'S', 'D']) {
  const e = ESIZE[sz];
  for (const name of ['SQSHL', 'UQSHL', 'SQSHLU']) for (const sh of amounts(0, e - 1)) CASES.push({ src: `${name} ${sz}0, ${sz}1, #${sh}`, name, e, q: 0, kind: 'scalar', sh });
}
const NARROW: [string, string, string][] = [['8B', '16B', '8H'], ['4H', '8H', '4S'], ['2S', '4S', '2D']];
for (const name of ['SHRN', 'RSHRN', 'SQSHRN', 'UQSHRN', 'SQRSHRN', 'UQRSHRN', 'SQSHRUN', 'SQRSHRUN']) {
  for (const [lo, hi, w] of NARROW) {
    const e = ESIZE[lo.slice(-1)];
    for (const sh of amounts(1, e)) {
      CASES.push({ src: `${name} v0.${lo}, v1.${w}, #${sh}`, name, e, q: 0, kind: 'narrow', sh });
      CASES.push({ src: `${name}2 v0.${hi}, v1.${w}, #${sh}`, name, e, q: 1, kind: 'narrow', sh });
      if (!name.endsWith('SHRN') || name.startsWith('SQ') || name.startsWith('UQ')) {
        CASES.push({ src: `${name} ${lo.slice(-1)}0, ${w.slice(-1)}1, #${sh}`, name, e, q: 0, kind: 'narrowscalar', sh });
      }
    }
  }
}
for (const name of ['SSHLL', 'USHLL']) {
  for (const [lo, hi, w] of NARROW) {
    const e = ESIZE[lo.slice(-1)];
    for (const sh of amounts(0, e - 1)) {
      CASES.push({ src: `${name} v0.${w}, v1.${lo}, #${sh}`, name, e, q: 0, kind: 'long', sh });
      CASES.push({ src: `${name}2 v0.${w}, v1.${hi}, #${sh}`, name, e, q: 1, kind: 'long', sh });
    }
  }
}
const WORDS = assemble(CASES.map((c) => c.src).join('\n'));

function expected(c: Case, vn: bigint, vd: bigint): [bigint, boolean] {
  const e = c.e;
  let r = 0n;
  let qc = false;
  const put = (i: number, size: number, [x, s]: [bigint, boolean]): void => {
    r |= (x & mask(size)) << BigInt(size * i);
    qc ||= s;
  };
  switch (c.kind) {
    case 'vec': case 'scalar': {
      const n = c.kind === 'scalar' ? 1 : (64 << c.q) / e;
      for (let i = 0; i < n; i++) put(i, e, refShift(c.name, e, lane(vn, e, i), lane(vd, e, i), c.sh));
      break;
    }
    case 'narrow': case 'narrowscalar': {
      const n = c.kind === 'narrowscalar' ? 1 : 64 / e;
      if (c.q) r = vd & mask(64);
      for (let i = 0; i < n; i++) put(c.q * n + i, e, refNarrow(c.name, e, lane(vn, 2 * e, i), c.sh));
      break;
    }
    default: {
      const n = 64 / e;
      for (let i = 0; i < n; i++) {
        const x = lane(vn, e, c.q * n + i);
        put(i, 2 * e, [(c.name === 'SSHLL' ? sx(x, e) : x) << BigInt(c.sh), false]);
      }
    }
  }
  return [r, qc];
}

test('shift by immediate: every instruction, arrangement and edge shift amount against the pseudocode', () => {
  let count = 0;
  CASES.forEach((c, k) => {
    const inE = c.kind.startsWith('narrow') ? 2 * c.e : c.e;
    for (let it = 0; it < 16; it++) {
      const vn = vec(inE);
      const vd = vec(c.e);
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
  assert.ok(count > 10000);
});

/** 0 Q U 011110 immh immb opcode 1 Rn Rd (scalar 01 U 111110 ...), Rd 0, Rn 1. */
function encShift(q: number, u: number, immhb: number, opcode: number, scalar = false): number {
  return ((scalar ? 0x5f000400 : 0x0f000400) | (q << 30) | (u << 29) | (immhb << 16) | (opcode << 11) | (1 << 5)) | 0;
}

test('reserved encodings are UNDEFINED; immh = 0000 is the modified immediate group', () => {
  expectUndef(encShift(0, 0, 0b1000000, 0b00000), 'SSHR .1D');
  expectUndef(encShift(0, 0, 0b0100000, 0b00000, true), 'SSHR S (scalar)');
  expectUndef(encShift(1, 0, 0b1000000, 0b10000), 'SHRN from 1Q');
  expectUndef(encShift(0, 0, 0b0010000, 0b10000, true), 'SHRN (scalar)');
  expectUndef(encShift(0, 0, 0b1000000, 0b10100), 'SSHLL from D');
  expectUndef(encShift(0, 0, 0b0001000, 0b01100), 'SQSHLU U=0');
  expectUndef(encShift(0, 0, 0, 0b00000, true), 'scalar immh 0000');
  // immh = 0000 in the vector form is MOVI (cmode 0000): writes imm8 = abc:defgh (Rn field = 00001).
  setV(0, mask(128));
  exec(encShift(1, 0, 0b0000101, 0b00000), 'MOVI');
  assert.equal(getV(0), 0x000000a1_000000a1_000000a1_000000a1n);
});
