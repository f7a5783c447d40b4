/**
 * Advanced SIMD three same (integer), vector and scalar, through the real CPU: every
 * instruction against a lane-by-lane BigInt model of its pseudocode (Arm ARM C7.2), over edge
 * lanes (0, 1, -1, MIN, MAX, MIN+1, MAX-1, small shift amounts) and random ones, in every
 * arrangement, checking the whole 128-bit destination (Q = 0 zeroes the top half) and FPSR.QC.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWords, getPC } from '../../helpers/machine.js';
import { assemble } from '../../helpers/asm.js';
import { S, SR } from '../../../src/arch/aarch64/state.js';
import { simdHarness, QC, ESIZE, ALL, mask, sx, lane, satq } from '../../helpers/simd.js';

const { m, cpu, VBAR, rndBig, setV, getV, exec, expectUndef, edge, vec } = simdHarness();

/** The pseudocode of each instruction on one lane: a = Vn, b = Vm, d = old Vd (e-bit unsigned). */
function ref(name: string, e: number, a: bigint, b: bigint, d: bigint): [bigint, boolean] {
  const u = name.startsWith('U') || ['CMHI', 'CMHS', 'URHADD'].includes(name);
  const A = u ? a : sx(a, e);
  const B = u ? b : sx(b, e);
  const M = mask(e);
  const bool = (c: boolean): [bigint, boolean] => [c ? M : 0n, false];
  const shiftOp = (rounding: boolean, saturating: boolean): [bigint, boolean] => {
    const shift = Number(sx(b & 0xffn, 8));
    const rc = rounding && shift < 0 ? 1n << BigInt(-shift - 1) : 0n;
    const r = shift >= 0 ? (A + rc) << BigInt(shift) : (A + rc) >> BigInt(-shift);
    return saturating ? satq(r, e, u) : [r & M, false];
  };
  switch (name) {
    case 'SHADD': case 'UHADD': return [((A + B) >> 1n) & M, false];
    case 'SRHADD': case 'URHADD': return [((A + B + 1n) >> 1n) & M, false];
    case 'SHSUB': case 'UHSUB': return [((A - B) >> 1n) & M, false];
    case 'SQADD': case 'UQADD': return satq(A + B, e, u);
    case 'SQSUB': case 'UQSUB': return satq(A - B, e, u);
    case 'CMGT': case 'CMHI': return bool(A > B);
    case 'CMGE': case 'CMHS': return bool(A >= B);
    case 'SSHL': case 'USHL': return shiftOp(false, false);
    case 'SQSHL': case 'UQSHL': return shiftOp(false, true);
    case 'SRSHL': case 'URSHL': return shiftOp(true, false);
    case 'SQRSHL': case 'UQRSHL': return shiftOp(true, true);
    case 'SMAX': case 'UMAX': case 'SMAXP': case 'UMAXP': return [(A > B ? A : B) & M, false];
    case 'SMIN': case 'UMIN': case 'SMINP': case 'UMINP': return [(A < B ? A : B) & M, false];
    case 'SABD': case 'UABD': return [(A > B ? A - B : B - A) & M, false];
    case 'SABA': case 'UABA': return [(d + (A > B ? A - B : B - A)) & M, false];
    case 'ADD': case 'ADDP': return [(a + b) & M, false];
    case 'SUB': return [(a - b) & M, false];
    case 'CMTST': return bool((a & b) !== 0n);
    case 'CMEQ': return bool(a === b);
    case 'MLA': return [(d + a * b) & M, false];
    case 'MLS': return [(d - a * b) & M, false];
    case 'MUL': return [(a * b) & M, false];
    case 'PMUL': {
      let r = 0n;
      for (let i = 0n; i < 8n; i++) if ((b >> i) & 1n) r ^= a << i;
      return [r & M, false];
    }
    case 'SQDMULH': return satq((2n * sx(a, e) * sx(b, e)) >> BigInt(e), e, false);
    case 'SQRDMULH': return satq((2n * sx(a, e) * sx(b, e) + (1n << BigInt(e - 1))) >> BigInt(e), e, false);
    default: throw new Error(name);
  }
}

const NO_D = ALL.slice(0, 6);
const GROUPS: [string[], string[], string[]][] = [
  // [instructions, vector arrangements, scalar sizes]
  [['SQADD', 'UQADD', 'SQSUB', 'UQSUB', 'SQSHL', 'UQSHL', 'SQRSHL', 'UQRSHL'], ALL, ['B', 'H', 'S', 'D']],
  [['ADD', 'SUB', 'CMEQ', 'CMGE', 'CMGT', 'CMHI', 'CMHS', 'CMTST', 'SSHL', 'USHL', 'SRSHL', 'URSHL'], ALL, ['D']],
  [['ADDP'], ALL, []],
  [['SHADD', 'UHADD', 'SRHADD', 'URHADD', 'SHSUB', 'UHSUB', 'SMAX', 'UMAX', 'SMIN', 'UMIN', 'SABD', 'UABD', 'SABA', 'UABA',
    'MLA', 'MLS', 'MUL', 'SMAXP', 'UMAXP', 'SMINP', 'UMINP'], NO_D, []],
  [['SQDMULH', 'SQRDMULH'], ['4H', '8H', '2S', '4S'], ['H', 'S']],
  [['PMUL'], ['8B', '16B'], []],
];
const PAIRWISE = new Set(['ADDP', 'SMAXP', 'UMAXP', 'SMINP', 'UMINP']);

interface Case { src: string; name: string; e: number; q: number; scalar: boolean }
const CASES: Case[] = [];
for (const [names, arrs, scal] of GROUPS) {
  for (const name of names) {
    for (const arr of arrs) {
      const e = ESIZE[arr.slice(-1)];
      const q = (parseInt(arr) * e) === 128 ? 1 : 0;
      CASES.push({ src: `${name.toLowerCase()} v0.${arr}, v1.${arr}, v2.${arr}`, name, e, q, scalar: false });
    }
    for (const sz of scal) {
      CASES.push({ src: `${name.toLowerCase()} ${sz}0, ${sz}1, ${sz}2`, name, e: ESIZE[sz], q: 0, scalar: true });
    }
  }
}
const WORDS = assemble(CASES.map((c) => c.src).join('\n'));

/** The expected Vd and QC for one case. */
function expected(c: Case, vn: bigint, vm: bigint, vd: bigint): [bigint, boolean] {
  const n = c.scalar ? 1 : ((64 << c.q) / c.e);
  let r = 0n;
  let qc = false;
  for (let i = 0; i < n; i++) {
    let a: bigint, b: bigint;
    if (PAIRWISE.has(c.name)) {
      // concat = Vm:Vn (datasize each), pair 2i, 2i+1.
      const ds = 64 << c.q;
      const cat = ((vm & mask(ds)) << BigInt(ds)) | (vn & mask(ds));
      a = lane(cat, c.e, 2 * i);
      b = lane(cat, c.e, 2 * i + 1);
    } else {
      a = lane(vn, c.e, i);
      b = lane(vm, c.e, i);
    }
    const [x, s] = ref(c.name, c.e, a, b, lane(vd, c.e, i));
    r |= x << BigInt(c.e * i);
    qc ||= s;
  }
  return [r, qc];
}

test('three same (integer): every instruction and arrangement against the pseudocode', () => {
  let count = 0;
  CASES.forEach((c, k) => {
    for (let it = 0; it < 40; it++) {
      const vn = vec(c.e);
      const vm = it % 3 === 0 ? vn : vec(c.e);
      const vd = vec(c.e);
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
  assert.ok(count > 5000);
});

test('QC is sticky: a non-saturating op leaves FPSR.QC set', () => {
  const [w] = assemble('sqadd v0.4s, v1.4s, v2.4s');
  setV(1, 1n);
  setV(2, 1n);
  cpu.s[S.FPSR] = QC | 0x10;
  exec(w, 'sqadd');
  assert.equal(cpu.s[S.FPSR] >>> 0, (QC | 0x10) >>> 0);
  assert.equal(getV(0), 2n);
});

test('aliasing: destination equal to a source', () => {
  const w = assemble('add v3.4s, v3.4s, v3.4s\naddp v4.2d, v5.2d, v4.2d\nbsl v6.16b, v6.16b, v6.16b');
  setV(3, 0x00000004_00000003_00000002_00000001n);
  exec(w[0], 'add');
  assert.equal(getV(3), 0x00000008_00000006_00000004_00000002n);
  setV(4, (5n << 64n) | 7n);
  setV(5, (1n << 64n) | 2n);
  exec(w[1], 'addp');
  assert.equal(getV(4), (12n << 64n) | 3n);
  setV(6, 0x1234n);
  exec(w[2], 'bsl');
  assert.equal(getV(6), 0x1234n);
});

test('logical (vector): AND BIC ORR ORN EOR BSL BIT BIF, both widths', () => {
  const ops: [string, (n: bigint, m: bigint, d: bigint) => bigint][] = [
    ['and', (n, m) => n & m],
    ['bic', (n, m) => n & ~m],
    ['orr', (n, m) => n | m],
    ['orn', (n, m) => n | ~m],
    ['eor', (n, m) => n ^ m],
    ['bsl', (n, m, d) => m ^ ((m ^ n) & d)],
    ['bit', (n, m, d) => d ^ ((d ^ n) & m)],
    ['bif', (n, m, d) => d ^ ((d ^ n) & ~m)],
  ];
  const srcs = ops.flatMap(([op]) => [`${op} v0.8b, v1.8b, v2.8b`, `${op} v0.16b, v1.16b, v2.16b`]);
  const w = assemble(srcs.join('\n'));
  ops.forEach(([, f], i) => {
    for (let q = 0; q < 2; q++) {
      for (let it = 0; it < 20; it++) {
        const vn = rndBig(128);
        const vm = rndBig(128);
        const vd = rndBig(128);
        setV(1, vn);
        setV(2, vm);
        setV(0, vd);
        exec(w[2 * i + q], srcs[2 * i + q]);
        assert.equal(getV(0), f(vn, vm, vd) & mask(q ? 128 : 64), srcs[2 * i + q]);
      }
    }
  });
});

/** 0 Q U 01110 size 1 Rm opcode 1 Rn Rd (scalar: 01 U 11110 ...), Rd = 0, Rn = 1, Rm = 2. */
function enc3(q: number, u: number, size: number, opcode: number, scalar = false): number {
  return ((scalar ? 0x5e000000 : 0x0e000000) | (q << 30) | (u << 29) | (size << 22) | (1 << 21) | (2 << 16) | (opcode << 11) | (1 << 10) | (1 << 5)) | 0;
}

test('reserved sizes are UNDEFINED', () => {
  const bad: [number, string][] = [
    [enc3(0, 0, 3, 0b10000), 'ADD 1D'], [enc3(1, 0, 3, 0b00000), 'SHADD 2D'], [enc3(0, 0, 0, 0b10110), 'SQDMULH 8B'],
    [enc3(0, 1, 1, 0b10011), 'PMUL 4H'], [enc3(0, 0, 2, 0b10000, true), 'ADD S (scalar)'],
    [enc3(0, 0, 0, 0b10110, true), 'SQDMULH B (scalar)'], [enc3(1, 0, 3, 0b10011), 'MUL 2D'],
    [enc3(0, 0, 3, 0b00001), 'SQADD 1D'],
  ];
  for (const [insn, what] of bad) expectUndef(insn, what);
  // Sanity: the same encodings with an allocated size execute.
  exec(enc3(1, 0, 3, 0b10000), 'ADD 2D');
  exec(enc3(0, 0, 3, 0b10000, true), 'ADD D');
});

test('CPACR_EL1.FPEN = 0 traps three same with EC 0x07', () => {
  const [w] = assemble('add v0.4s, v1.4s, v2.4s');
  cpu.setSr(SR.CPACR_EL1, 0, 0);
  runWords(m, [w], 1);
  assert.equal(getPC(cpu), BigInt(VBAR + 0x200));
  assert.equal(cpu.sr(SR.ESR_EL1) >>> 26, 0x07);
  cpu.setSr(SR.CPACR_EL1, 3 << 20, 0);
});
