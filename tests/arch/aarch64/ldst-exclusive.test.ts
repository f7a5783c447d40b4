/**
 * Exclusives and acquire/release (exec/ldst-exclusive.ts): the local monitor's success and
 * failure cases, pairs, alignment faults, LDAR/STLR.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMachine, runWords, getX, setX, setSP, getPC, TestMachine } from '../../helpers/machine.js';
import { assemble } from '../../helpers/asm.js';
import { Stop } from '../../../src/arch/aarch64/cpu.js';
import { S, SR, srIndex } from '../../../src/arch/aarch64/state.js';

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
function exec(m: TestMachine, src: string): Stop {
  const words = assemble(src);
  m.cpu.setSr(SR.VBAR_EL1, m.ramBase + 0x800, 0);
  return runWords(m, words, words.length);
}
function esr1(m: TestMachine): number {
  return m.cpu.s[srIndex(SR.ESR_EL1)] >>> 0;
}
function far1(m: TestMachine): number {
  return m.cpu.s[srIndex(SR.FAR_EL1)] >>> 0;
}
function tookSync(m: TestMachine): boolean {
  return getPC(m.cpu) === BigInt(m.ramBase + 0x800 + 0x200);
}

const SIZES = [
  { sfx: 'b', reg: 'w', bytes: 1 },
  { sfx: 'h', reg: 'w', bytes: 2 },
  { sfx: '', reg: 'w', bytes: 4 },
  { sfx: '', reg: 'x', bytes: 8 },
];

test('LDXR/STXR succeed when nothing intervened, for every size, and clear the monitor', () => {
  for (const { sfx, reg, bytes } of SIZES) {
    for (const [ld, st] of [['ldxr', 'stxr'], ['ldaxr', 'stlxr']]) {
      const m = makeMachine();
      const mask = (1n << BigInt(8 * bytes)) - 1n;
      poke(m, DATA, 8, 0xf1e2d3c4b5a69788n);
      setX(m.cpu, 0, BigInt(DATA));
      setX(m.cpu, 2, 0x0123456789abcdefn);
      setX(m.cpu, 3, 0xdeadn);
      exec(m, `${ld}${sfx} ${reg}1, [x0]\n${st}${sfx} w3, ${reg}2, [x0]`);
      assert.equal(getX(m.cpu, 1), 0xf1e2d3c4b5a69788n & mask, `${ld}${sfx} value`);
      assert.equal(getX(m.cpu, 3), 0n, `${st}${sfx} status`);
      assert.equal(peek(m, DATA, bytes), 0x0123456789abcdefn & mask);
      assert.equal(m.cpu.exclValid, false);
      // A second store exclusive without a new load fails.
      exec(m, `${st}${sfx} w3, ${reg}1, [x0]`);
      assert.equal(getX(m.cpu, 3), 1n);
      assert.equal(peek(m, DATA, bytes), 0x0123456789abcdefn & mask);
    }
  }
});

test('STXR fails after an intervening store that changed the location', () => {
  const m = makeMachine();
  poke(m, DATA, 8, 5n);
  setX(m.cpu, 0, BigInt(DATA));
  setX(m.cpu, 2, 42n);
  setX(m.cpu, 4, 6n);
  exec(m, 'ldxr x1, [x0]\nstr x4, [x0]\nstxr w3, x2, [x0]');
  assert.equal(getX(m.cpu, 1), 5n);
  assert.equal(getX(m.cpu, 3), 1n);
  assert.equal(peek(m, DATA, 8), 6n);
});

test('STXR fails after CLREX semantics (exclValid = false), on a different address or size', () => {
  const m = makeMachine();
  setX(m.cpu, 0, BigInt(DATA));
  setX(m.cpu, 5, BigInt(DATA + 8));
  setX(m.cpu, 2, 42n);
  exec(m, 'ldxr x1, [x0]');
  m.cpu.exclValid = false;
  exec(m, 'stxr w3, x2, [x0]');
  assert.equal(getX(m.cpu, 3), 1n);
  assert.equal(peek(m, DATA, 8), 0n);
  exec(m, 'ldxr x1, [x0]\nstxr w3, x2, [x5]');
  assert.equal(getX(m.cpu, 3), 1n, 'mismatched address');
  assert.equal(peek(m, DATA + 8, 8), 0n);
  exec(m, 'ldxr x1, [x0]\nstxr w3, w2, [x0]');
  assert.equal(getX(m.cpu, 3), 1n, 'mismatched size');
  exec(m, 'ldxr x1, [x0]\nstxr wzr, x2, [x0]');
  assert.equal(peek(m, DATA, 8), 42n, 'status to WZR still stores');
});

test('value-compare monitor: a store of the same value in between does not break the reservation', () => {
  // QEMU's scheme (documented choice): the monitor compares values, so this STXR succeeds, as
  // it may on hardware whose monitor granule was not disturbed by an equal-value store.
  const m = makeMachine();
  poke(m, DATA, 8, 5n);
  setX(m.cpu, 0, BigInt(DATA));
  setX(m.cpu, 2, 42n);
  setX(m.cpu, 4, 5n);
  exec(m, 'ldxr x1, [x0]\nstr x4, [x0]\nstxr w3, x2, [x0]');
  assert.equal(getX(m.cpu, 3), 0n);
  assert.equal(peek(m, DATA, 8), 42n);
});

test('LDXP/STXP (W and X) pairs; STXP fails when either half changed', () => {
  for (const x of [false, true]) {
    const m = makeMachine();
    const r = x ? 'x' : 'w';
    const b = x ? 8 : 4;
    poke(m, DATA, 8, 0x1111_2222_3333_4444n);
    poke(m, DATA + 8, 8, 0x5555_6666_7777_8888n);
    setX(m.cpu, 0, BigInt(DATA));
    setX(m.cpu, 3, 0xaaaa_bbbb_cccc_ddddn);
    setX(m.cpu, 4, 0xeeee_ffff_0000_1111n);
    exec(m, `ldaxp ${r}1, ${r}2, [x0]\nstlxp w5, ${r}3, ${r}4, [x0]`);
    const mask = (1n << BigInt(8 * b)) - 1n;
    assert.equal(getX(m.cpu, 1), 0x1111_2222_3333_4444n & mask);
    assert.equal(getX(m.cpu, 2), x ? 0x5555_6666_7777_8888n : 0x1111_2222n);
    assert.equal(getX(m.cpu, 5), 0n);
    assert.equal(peek(m, DATA, b), 0xaaaa_bbbb_cccc_ddddn & mask);
    assert.equal(peek(m, DATA + b, b), 0xeeee_ffff_0000_1111n & mask);
    // Change the second half between the load and the store: fails.
    setX(m.cpu, 6, 99n);
    exec(m, `ldxp ${r}1, ${r}2, [x0]\nstr ${r}6, [x0, #${b}]\nstxp w5, ${r}3, ${r}4, [x0]`);
    assert.equal(getX(m.cpu, 5), 1n);
    assert.equal(peek(m, DATA + b, b), 99n);
  }
});

test('exclusives require alignment: EC 0x25, DFSC 0x21, FAR; pairs to the pair size', () => {
  const cases: [string, number, boolean][] = [
    ['ldxrh w1, [x0]', 1, false],
    ['ldxr w1, [x0]', 2, false],
    ['ldaxr x1, [x0]', 4, false],
    ['stxr w3, x1, [x0]', 4, true],
    ['stlxrh w3, w1, [x0]', 1, true],
    ['ldxp x1, x2, [x0]', 8, false],
    ['ldxp w1, w2, [x0]', 4, false],
    ['stxp w3, x1, x2, [x0]', 8, true],
    ['ldar x1, [x0]', 4, false],
    ['ldarh w1, [x0]', 1, false],
    ['stlr w1, [x0]', 2, true],
  ];
  for (const [src, off, write] of cases) {
    const m = makeMachine();
    setX(m.cpu, 0, BigInt(DATA + off));
    exec(m, src);
    assert.ok(tookSync(m), src);
    assert.equal(esr1(m), ((0x25 << 26) | (1 << 25) | (write ? 1 << 6 : 0) | 0x21) >>> 0, src);
    assert.equal(far1(m), DATA + off, src);
  }
  // LDXRB is always aligned.
  const m = makeMachine();
  setX(m.cpu, 0, BigInt(DATA + 3));
  poke(m, DATA + 3, 1, 0x7fn);
  exec(m, 'ldxrb w1, [x0]');
  assert.equal(getX(m.cpu, 1), 0x7fn);
});

test('store-exclusive register overlaps are UNDEFINED (our CONSTRAINED UNPREDICTABLE choice)', () => {
  for (const src of ['stxr w1, x1, [x0]', 'stxr w0, x1, [x0]', 'stxp w2, x1, x2, [x0]', 'ldxp x1, x1, [x0]']) {
    const m = makeMachine();
    setX(m.cpu, 0, BigInt(DATA));
    exec(m, src);
    assert.ok(tookSync(m), src);
    assert.equal(esr1(m), 0x02000000, src);
  }
  // Rs == Rn == SP is fine (n = 31 is SP, s = 31 is WZR).
  const m = makeMachine();
  setSP(m.cpu, BigInt(DATA));
  exec(m, 'ldxr x1, [sp]\nstxr wzr, x2, [sp]');
  assert.equal(getPC(m.cpu), BigInt(m.ramBase + 8));
});

test('LDAR/STLR all sizes', () => {
  for (const { sfx, reg, bytes } of SIZES) {
    const m = makeMachine();
    const mask = (1n << BigInt(8 * bytes)) - 1n;
    setX(m.cpu, 0, BigInt(DATA));
    setX(m.cpu, 1, 0x8877_6655_4433_2211n);
    exec(m, `stlr${sfx} ${reg}1, [x0]\nldar${sfx} ${reg}2, [x0]`);
    assert.equal(peek(m, DATA, 8), 0x8877_6655_4433_2211n & mask);
    assert.equal(getX(m.cpu, 2), 0x8877_6655_4433_2211n & mask);
  }
});

test('an exclusive to MMIO reports ISV = 0', () => {
  const m = makeMachine();
  setX(m.cpu, 0, 0x09000000n);
  const stop = exec(m, 'ldxr x1, [x0]');
  assert.equal(stop, Stop.TRAP);
  assert.equal(m.cpu.s[S.ESR_EL2] >>> 26, 0x24);
  assert.equal((m.cpu.s[S.ESR_EL2] >>> 24) & 1, 0);
  // A store exclusive with a reservation translates its address: WnR = 1, ISV = 0.
  const m2 = makeMachine();
  setX(m2.cpu, 0, 0x09000000n);
  setX(m2.cpu, 5, BigInt(DATA));
  assert.equal(exec(m2, 'ldxr x1, [x5]\nstxr w2, x1, [x0]'), Stop.TRAP);
  assert.equal(getPC(m2.cpu), BigInt(m2.ramBase + 4));
  assert.equal((m2.cpu.s[S.ESR_EL2] >>> 6) & 1, 1, 'WnR');
  assert.equal((m2.cpu.s[S.ESR_EL2] >>> 24) & 1, 0);
  // Without a reservation it fails (status 1) without translating: no abort
  // (AArch64.ExclusiveMonitorsPass returns FALSE when IsExclusiveVA fails).
  const m3 = makeMachine();
  setX(m3.cpu, 0, 0x09000000n);
  setX(m3.cpu, 2, 7n);
  assert.equal(exec(m3, 'stxr w2, x1, [x0]\nstxp w3, x1, x4, [x0]'), Stop.BUDGET);
  assert.equal(getX(m3.cpu, 2), 1n);
  assert.equal(getX(m3.cpu, 3), 1n);
  assert.equal(getPC(m3.cpu), BigInt(m3.ramBase + 8));
});
