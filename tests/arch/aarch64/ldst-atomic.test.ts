/**
 * FEAT_LSE atomics (exec/ldst-atomic.ts) against a BigInt reference: every op, size and
 * ordering variant, CAS/CASP success and failure, alignment, feature gating.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMachine, runWords, getX, setX, getSP, setSP, getPC, TestMachine } from '../../helpers/machine.js';
import { assemble } from '../../helpers/asm.js';
import { Stop } from '../../../src/arch/aarch64/cpu.js';
import { S, SR, srIndex } from '../../../src/arch/aarch64/state.js';
import { cortexA57 } from '../../../src/arch/aarch64/cpus/cortex-a57.js';

const DATA = 0x40010000;

function host(m: TestMachine, addr: number): number {
  return m.ramHost + (addr - m.ramBase);
}
function peek(m: TestMachine, addr: number, bytes: number): bigint {
  let v = 0n;
  for (let i = bytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(m.mem.u8[host(m, addr) + i]);
  return v;
}
function poke(m: TestMachine, addr: number, bytes: number, v: bigint): void {
  for (let i = 0; i < bytes; i++) m.mem.u8[host(m, addr) + i] = Number((v >> BigInt(8 * i)) & 0xffn);
}
function exec(m: TestMachine, words: ArrayLike<number>): Stop {
  m.cpu.setSr(SR.VBAR_EL1, m.ramBase + 0x800, 0);
  return runWords(m, words, words.length);
}
function esr1(m: TestMachine): number {
  return m.cpu.s[srIndex(SR.ESR_EL1)] >>> 0;
}
function tookSync(m: TestMachine): boolean {
  return getPC(m.cpu) === BigInt(m.ramBase + 0x800 + 0x200);
}

function rng(seed: number): () => bigint {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
  return () => {
    // Mix in interesting values: boundaries where signed and unsigned orders differ.
    const k = next() % 8;
    const specials = [0n, 0xffff_ffff_ffff_ffffn, 0x8000_0000_0000_0000n, 0x7fff_ffff_ffff_ffffn, 0x80n, 0x8000n, 0x8000_0000n];
    if (k < specials.length && next() % 3 === 0) return specials[k];
    return (BigInt(next()) << 32n) | BigInt(next());
  };
}

const OPS = ['add', 'clr', 'eor', 'set', 'smax', 'smin', 'umax', 'umin', 'swp'] as const;

function refOp(op: (typeof OPS)[number], a: bigint, b: bigint, bits: number): bigint {
  const m = (1n << BigInt(bits)) - 1n;
  a &= m;
  b &= m;
  const sa = BigInt.asIntN(bits, a);
  const sb = BigInt.asIntN(bits, b);
  switch (op) {
    case 'add': return (a + b) & m;
    case 'clr': return a & ~b & m;
    case 'eor': return a ^ b;
    case 'set': return a | b;
    case 'smax': return sa > sb ? a : b;
    case 'smin': return sa < sb ? a : b;
    case 'umax': return a > b ? a : b;
    case 'umin': return a < b ? a : b;
    case 'swp': return b;
  }
}

/** LD<op>/SWP: size 111 0 00 A R 1 Rs o3 opc 00 Rn Rt. */
function encAtomic(op: number, size: number, a: number, r: number, rs: number, rn: number, rt: number): number {
  const o3 = op === 8 ? 1 : 0;
  const opc = op === 8 ? 0 : op;
  return ((size << 30) | (0b111 << 27) | (a << 23) | (r << 22) | (1 << 21) | (rs << 16) | (o3 << 15) | (opc << 12) | (rn << 5) | rt) | 0;
}

test('encoder matches the assembler', () => {
  assert.equal(encAtomic(0, 3, 1, 1, 1, 3, 2) >>> 0, assemble('ldaddal x1, x2, [x3]')[0]);
  assert.equal(encAtomic(8, 0, 1, 0, 4, 5, 6) >>> 0, assemble('swpab w4, w6, [x5]')[0]);
  assert.equal(encAtomic(5, 1, 0, 1, 7, 31, 31) >>> 0, assemble('stsminlh w7, [sp]')[0]);
});

test('LD<op>/SWP: old value and memory result for every op, size and A/R variant (BigInt reference)', () => {
  const r = rng(0xc0ffee);
  const m = makeMachine();
  let checked = 0;
  for (let op = 0; op < 9; op++) {
    for (let size = 0; size < 4; size++) {
      for (let ar = 0; ar < 4; ar++) {
        for (let k = 0; k < 12; k++) {
          const bits = 8 << size;
          const bytes = 1 << size;
          const mem0 = r();
          const b = r();
          const rtOld = r();
          const rn = k === 0 ? 31 : 3;
          const rs = 1;
          const rt = k === 1 ? 31 : k === 2 ? 1 : 2; // ST<op> alias; Rs == Rt
          const addr = DATA + bytes * (k + 1) * 16;
          poke(m, addr, 8, mem0);
          setX(m.cpu, 1, b);
          if (rt !== 31 && rt !== 1) setX(m.cpu, rt, rtOld);
          if (rn === 31) setSP(m.cpu, BigInt(addr));
          else setX(m.cpu, 3, BigInt(addr));
          const insn = encAtomic(op, size, ar >> 1, ar & 1, rs, rn, rt);
          assert.equal(exec(m, [insn]), Stop.BUDGET);
          assert.equal(getPC(m.cpu), BigInt(m.ramBase + 4));
          const mask = (1n << BigInt(bits)) - 1n;
          const name = `${OPS[op]} size ${size} ar ${ar} rt ${rt}`;
          assert.equal(peek(m, addr, bytes), refOp(OPS[op], mem0, b, bits), name + ' memory');
          // Bytes past the access are untouched.
          if (bytes < 8) assert.equal(peek(m, addr + bytes, 8 - bytes), mem0 >> BigInt(bits), name + ' neighbours');
          if (rt !== 31) assert.equal(getX(m.cpu, rt), mem0 & mask, name + ' old value');
          if (rt !== 1) assert.equal(getX(m.cpu, 1), b, name + ' Rs kept');
          if (rn === 31) assert.equal(getSP(m.cpu), BigInt(addr));
          checked++;
        }
      }
    }
  }
  assert.equal(checked, 9 * 4 * 4 * 12);
});

/** CAS: size 001000 1 L 1 Rs o0 11111 Rn Rt. */
function encCas(size: number, l: number, o0: number, rs: number, rn: number, rt: number): number {
  return ((size << 30) | (0b001000 << 24) | (1 << 23) | (l << 22) | (1 << 21) | (rs << 16) | (o0 << 15) | (0x1f << 10) | (rn << 5) | rt) | 0;
}
/** CASP: 0 sz 001000 0 L 1 Rs o0 11111 Rn Rt. */
function encCasp(sz: number, l: number, o0: number, rs: number, rn: number, rt: number): number {
  return ((sz << 30) | (0b001000 << 24) | (l << 22) | (1 << 21) | (rs << 16) | (o0 << 15) | (0x1f << 10) | (rn << 5) | rt) | 0;
}

test('CAS encoders match the assembler', () => {
  assert.equal(encCas(3, 1, 1, 1, 3, 2) >>> 0, assemble('casal x1, x2, [x3]')[0]);
  assert.equal(encCas(0, 0, 0, 4, 5, 6) >>> 0, assemble('casb w4, w6, [x5]')[0]);
  assert.equal(encCasp(1, 1, 0, 4, 6, 2) >>> 0, assemble('caspa x4, x5, x2, x3, [x6]')[0]);
});

test('CAS{,A,L,AL}{B,H,W,X}: success writes Rt, failure leaves memory; Rs gets the old value', () => {
  const r = rng(77);
  const m = makeMachine();
  for (let size = 0; size < 4; size++) {
    for (let v = 0; v < 4; v++) {
      for (const hit of [true, false]) {
        const bits = 8 << size;
        const bytes = 1 << size;
        const mask = (1n << BigInt(bits)) - 1n;
        const mem0 = r();
        // Matching compares only the low bits: garbage above them must not matter.
        const cmp = hit ? (mem0 & mask) | (size < 2 ? r() & ~mask & 0xffff_ffffn : 0n) : (mem0 ^ 1n) & mask;
        const nv = r();
        poke(m, DATA, 8, mem0);
        setX(m.cpu, 1, cmp);
        setX(m.cpu, 2, nv);
        setX(m.cpu, 3, BigInt(DATA));
        exec(m, [encCas(size, v >> 1, v & 1, 1, 3, 2)]);
        const name = `cas size ${size} v ${v} hit ${hit}`;
        assert.equal(peek(m, DATA, bytes), hit ? nv & mask : mem0 & mask, name);
        assert.equal(getX(m.cpu, 1), mem0 & mask, name + ' Rs');
        assert.equal(getX(m.cpu, 2), nv, name + ' Rt kept');
      }
    }
  }
});

test('CASP W and X pairs: success and failure of either half; odd registers UNDEF', () => {
  for (const sz of [0, 1]) {
    for (const miss of [-1, 0, 1]) {
      const m = makeMachine();
      const bytes = sz ? 8 : 4;
      const mask = (1n << BigInt(8 * bytes)) - 1n;
      const o0 = 0x1122_3344_5566_7788n & mask;
      const o1 = 0x99aa_bbcc_ddee_ff00n & mask;
      poke(m, DATA, bytes, o0);
      poke(m, DATA + bytes, bytes, o1);
      setX(m.cpu, 4, miss === 0 ? o0 ^ 4n : o0);
      setX(m.cpu, 5, miss === 1 ? o1 ^ 4n : o1);
      setX(m.cpu, 2, 0xa1a2_a3a4_a5a6_a7a8n);
      setX(m.cpu, 3, 0xb1b2_b3b4_b5b6_b7b8n);
      setX(m.cpu, 6, BigInt(DATA));
      exec(m, [encCasp(sz, 1, 1, 4, 6, 2)]);
      const ok = miss === -1;
      const name = `casp sz ${sz} miss ${miss}`;
      assert.equal(peek(m, DATA, bytes), ok ? 0xa1a2_a3a4_a5a6_a7a8n & mask : o0, name);
      assert.equal(peek(m, DATA + bytes, bytes), ok ? 0xb1b2_b3b4_b5b6_b7b8n & mask : o1, name);
      assert.equal(getX(m.cpu, 4), o0, name + ' Rs');
      assert.equal(getX(m.cpu, 5), o1, name + ' Rs+1');
    }
  }
  for (const insn of [encCasp(1, 0, 0, 5, 6, 2), encCasp(1, 0, 0, 4, 6, 3)]) {
    const m = makeMachine();
    setX(m.cpu, 6, BigInt(DATA));
    exec(m, [insn]);
    assert.ok(tookSync(m));
    assert.equal(esr1(m), 0x02000000);
  }
  // Rs = 30: the second compare register is XZR; Rt = 30: the second new value is XZR.
  const m = makeMachine();
  poke(m, DATA, 16, 0x1234n);
  setX(m.cpu, 30, 0x1234n);
  setX(m.cpu, 6, BigInt(DATA));
  exec(m, [encCasp(1, 0, 0, 30, 6, 30)]);
  assert.equal(peek(m, DATA, 16), 0x1234n);
  assert.equal(getX(m.cpu, 30), 0x1234n);
});

test('atomics require alignment (EC 0x25, DFSC 0x21, WnR 1, FAR) and report ISV = 0 to EL2', () => {
  for (const src of ['ldaddh w1, w2, [x0]', 'swp w1, w2, [x0]', 'ldsetal x1, x2, [x0]', 'casal x1, x2, [x0]', 'caspal w2, w3, w4, w5, [x0]']) {
    const m = makeMachine();
    setX(m.cpu, 0, BigInt(DATA + 2 + (src.includes('h ') ? -1 : 0)));
    exec(m, assemble(src));
    assert.ok(tookSync(m), src);
    assert.equal(esr1(m), ((0x25 << 26) | (1 << 25) | (1 << 6) | 0x21) >>> 0, src);
    assert.equal(m.cpu.s[srIndex(SR.FAR_EL1)] >>> 0, DATA + 2 + (src.includes('h ') ? -1 : 0), src);
  }
  const m = makeMachine();
  setX(m.cpu, 0, 0x09000000n);
  assert.equal(exec(m, assemble('ldadd x1, x2, [x0]')), Stop.TRAP);
  assert.equal(m.cpu.s[S.ESR_EL2] >>> 26, 0x24);
  assert.equal((m.cpu.s[S.ESR_EL2] >>> 24) & 1, 0);
  assert.equal((m.cpu.s[S.ESR_EL2] >>> 6) & 1, 1);
});

test('without FEAT_LSE the atomics are UNDEFINED', () => {
  const m = makeMachine({ model: cortexA57 });
  setX(m.cpu, 0, BigInt(DATA));
  exec(m, assemble('ldadd x1, x2, [x0]'));
  assert.ok(tookSync(m));
  assert.equal(esr1(m), 0x02000000);
});
