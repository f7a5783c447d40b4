/**
 * Shared harness of the AdvSIMD tests (tests/arch/aarch64/simd-*.test.ts): one machine with
 * FP/SIMD enabled and VBAR set, a seeded xorshift generator (its own state per harness, so each
 * test file draws the same sequence as before), V-register accessors, single-instruction
 * execution with an exception check, and lane helpers for BigInt models of the pseudocode.
 */
import assert from 'node:assert/strict';
import { makeMachine, runWords, getPC } from './machine.js';
import { S, SR } from '../../src/arch/aarch64/state.js';

export const QC = 1 << 27;
export const ESIZE: Record<string, number> = { B: 8, H: 16, S: 32, D: 64 };
export const ALL = ['8B', '16B', '4H', '8H', '2S', '4S', '2D'];

export const mask = (e: number): bigint => (1n << BigInt(e)) - 1n;
export const sx = (v: bigint, e: number): bigint => BigInt.asIntN(e, v);
export const lane = (v: bigint, e: number, i: number): bigint => (v >> BigInt(e * i)) & mask(e);

/** SatQ(v, e, unsigned) -> [value mod 2^e, saturated]. */
export function satq(v: bigint, e: number, u: boolean): [bigint, boolean] {
  const lo = u ? 0n : -(1n << BigInt(e - 1));
  const hi = u ? mask(e) : (1n << BigInt(e - 1)) - 1n;
  if (v > hi) return [hi & mask(e), true];
  if (v < lo) return [lo & mask(e), true];
  return [v & mask(e), false];
}

export function simdHarness(seed0 = 0x2545f491) {
  const m = makeMachine();
  const cpu = m.cpu;
  const VBAR = m.ramBase + 0x10000;
  cpu.setSr(SR.VBAR_EL1, VBAR, 0);
  cpu.setSr(SR.CPACR_EL1, 3 << 20, 0);

  let seed = seed0;
  function rnd(): number {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  }
  const rndBig = (bits: number): bigint => {
    let v = 0n;
    for (let i = 0; i < bits; i += 32) v = (v << 32n) | BigInt(rnd());
    return v & ((1n << BigInt(bits)) - 1n);
  };
  function setV(n: number, v: bigint): void {
    for (let k = 0; k < 4; k++) cpu.s[S.V0 + 4 * n + k] = Number((v >> BigInt(32 * k)) & 0xffffffffn) | 0;
  }
  function getV(n: number): bigint {
    let v = 0n;
    for (let k = 3; k >= 0; k--) v = (v << 32n) | BigInt(cpu.s[S.V0 + 4 * n + k] >>> 0);
    return v;
  }
  function exec(insn: number, what: string): void {
    runWords(m, [insn], 1);
    assert.equal(getPC(cpu), BigInt(m.ramBase + 4), `${what} raised an exception`);
  }
  function expectUndef(insn: number, what: string): void {
    runWords(m, [insn], 1);
    assert.equal(getPC(cpu), BigInt(VBAR + 0x200), `${what} should be UNDEFINED`);
  }
  /** A lane value biased to the edges of an e-bit element. */
  function edge(e: number): bigint {
    const k = rnd() % 12;
    const min = 1n << BigInt(e - 1);
    switch (k) {
      case 0: return 0n;
      case 1: return 1n;
      case 2: return mask(e);
      case 3: return min;
      case 4: return min - 1n;
      case 5: return min + 1n;
      case 6: return mask(e) - 1n;
      case 7: return BigInt(rnd() % 9);
      case 8: return BigInt.asUintN(e, BigInt((rnd() % 140) - 70)); // shift amounts
      default: return rndBig(e);
    }
  }
  function vec(e: number): bigint {
    let v = 0n;
    for (let i = 0; i < 128 / e; i++) v |= edge(e) << BigInt(e * i);
    return v;
  }
  return { m, cpu, VBAR, rnd, rndBig, setV, getV, exec, expectUndef, edge, vec };
}
