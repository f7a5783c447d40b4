/**
 * SIMD&FP register loads and stores (exec/ldst-simd.ts) and the FP access trap
 * (exec/fp-access.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMachine, runWords, loadWords, getX, setX, getSP, setSP, getPC, TestMachine } from '../../helpers/machine.js';
import { assemble } from '../../helpers/asm.js';
import { Stop } from '../../../src/arch/aarch64/cpu.js';
import { S, SR, srIndex } from '../../../src/arch/aarch64/state.js';
import { run } from '../../../src/arch/aarch64/run.js';
import { setElSp } from '../../../src/arch/aarch64/exceptions.js';

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
/** A distinctive byte pattern: byte i of the region is (i * 7 + 3) & 0xff. */
function fillPattern(m: TestMachine, addr: number, len: number): void {
  for (let i = 0; i < len; i++) m.mem.u8[host(m, addr) + i] = (i * 7 + 3) & 0xff;
}
function pattern(off: number, bytes: number): bigint {
  let v = 0n;
  for (let i = bytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(((off + i) * 7 + 3) & 0xff);
  return v;
}
function getV(m: TestMachine, n: number): bigint {
  let v = 0n;
  for (let k = 3; k >= 0; k--) v = (v << 32n) | BigInt(m.cpu.s[S.V0 + 4 * n + k] >>> 0);
  return v;
}
function setV(m: TestMachine, n: number, v: bigint): void {
  for (let k = 0; k < 4; k++) m.cpu.s[S.V0 + 4 * n + k] = Number((v >> BigInt(32 * k)) & 0xffff_ffffn) | 0;
}
function fpMachine(): TestMachine {
  const m = makeMachine();
  m.cpu.setSr(SR.CPACR_EL1, 3 << 20, 0);
  m.cpu.setSr(SR.VBAR_EL1, m.ramBase + 0x800, 0);
  for (let n = 0; n < 32; n++) setV(m, n, 0xdead_beef_dead_beef_dead_beef_dead_beefn);
  return m;
}
function exec(m: TestMachine, src: string): Stop {
  const words = assemble(src);
  return runWords(m, words, words.length);
}
function esr1(m: TestMachine): number {
  return m.cpu.s[srIndex(SR.ESR_EL1)] >>> 0;
}
function tookSync(m: TestMachine): boolean {
  return getPC(m.cpu) === BigInt(m.ramBase + 0x800 + 0x200);
}

const SCALARS = [
  { r: 'b', bytes: 1 },
  { r: 'h', bytes: 2 },
  { r: 's', bytes: 4 },
  { r: 'd', bytes: 8 },
  { r: 'q', bytes: 16 },
];

test('LDR (SIMD&FP) B/H/S/D/Q in every immediate and register mode zero the rest of V', () => {
  for (const { r, bytes } of SCALARS) {
    const m = fpMachine();
    fillPattern(m, DATA, 1024);
    setX(m.cpu, 0, BigInt(DATA + 256));
    setX(m.cpu, 1, 3n);
    setX(m.cpu, 2, BigInt(-2 * bytes));
    setX(m.cpu, 3, 0xffff_ffff_0000_0005n); // W3 = 5 (UXTW ignores the top half)
    setSP(m.cpu, BigInt(DATA + 512));
    exec(m, `ldr ${r}1, [x0, #${bytes * 2}]
      ldur ${r}2, [x0, #-${bytes}]
      ldr ${r}3, [x0, x1, lsl #${Math.log2(bytes)}]
      ldr ${r}4, [x0, w3, uxtw #${Math.log2(bytes)}]
      ldr ${r}5, [x0, x2]
      ldr ${r}6, [x0, #${bytes}]!
      ldr ${r}7, [x0], #${bytes * 4}
      ldr ${r}8, [sp, #${bytes}]
      ldr ${r}9, [x0, w3, sxtw]`);
    const off = (k: number) => pattern(256 + k, bytes);
    assert.equal(getV(m, 1), off(bytes * 2), r);
    assert.equal(getV(m, 2), off(-bytes), r);
    assert.equal(getV(m, 3), off(3 * bytes), r);
    assert.equal(getV(m, 4), off(5 * bytes), r);
    assert.equal(getV(m, 5), off(-2 * bytes), r);
    assert.equal(getV(m, 6), off(bytes), r);
    assert.equal(getV(m, 7), off(bytes), r);
    assert.equal(getV(m, 8), pattern(512 + bytes, bytes), r);
    assert.equal(getX(m.cpu, 0), BigInt(DATA + 256 + bytes + 4 * bytes), r + ' writeback');
    // [x0, w3, sxtw] with x0 already moved on: unscaled 5 bytes is misaligned for > 1 byte
    // on Device memory, so only check B.
    if (bytes === 1) assert.equal(getV(m, 9), pattern(256 + 5 * bytes + 5, 1));
  }
});

test('STR (SIMD&FP) B/H/S/D/Q store the low bytes of V; pre/post-index write back', () => {
  for (const { r, bytes } of SCALARS) {
    const m = fpMachine();
    const v = 0x0f0e0d0c0b0a09080706050403020100n;
    setV(m, 1, v);
    setX(m.cpu, 0, BigInt(DATA + 256));
    setX(m.cpu, 1, 2n);
    const mask = (1n << BigInt(8 * bytes)) - 1n;
    exec(m, `str ${r}1, [x0]
      stur ${r}1, [x0, #-${bytes}]
      str ${r}1, [x0, x1, lsl #${Math.log2(bytes)}]
      str ${r}1, [x0, #${bytes * 4}]!
      str ${r}1, [x0], #${bytes}`);
    assert.equal(peek(m, DATA + 256, bytes), v & mask);
    assert.equal(peek(m, DATA + 256 - bytes, bytes), v & mask);
    assert.equal(peek(m, DATA + 256 + 2 * bytes, bytes), v & mask);
    assert.equal(peek(m, DATA + 256 + 4 * bytes, bytes), v & mask);
    assert.equal(peek(m, DATA + 256 + bytes, bytes), 0n, 'untouched');
    assert.equal(getX(m.cpu, 0), BigInt(DATA + 256 + 5 * bytes));
  }
});

test('LDR (literal, SIMD&FP) S/D/Q', () => {
  const m = fpMachine();
  const code = assemble(`ldr s1, 1f
    ldr d2, 1f
    ldr q3, 1f
    .p2align 4
1:  .quad 0x8877665544332211, 0xffeeddccbbaa9900`);
  loadWords(m, m.ramBase, code);
  m.cpu.s[S.PC] = m.ramBase;
  run(m.cpu, 3);
  assert.equal(getV(m, 1), 0x44332211n);
  assert.equal(getV(m, 2), 0x8877665544332211n);
  assert.equal(getV(m, 3), 0xffeeddccbbaa9900_8877665544332211n);
});

test('LDP/STP/LDNP/STNP (SIMD&FP) S/D/Q with offset, pre- and post-index', () => {
  for (const { r, bytes } of SCALARS.slice(2)) {
    const m = fpMachine();
    const mask = (1n << BigInt(8 * bytes)) - 1n;
    setV(m, 1, 0x1f1e1d1c1b1a19181716151413121110n);
    setV(m, 2, 0x2f2e2d2c2b2a29282726252423222120n);
    setX(m.cpu, 0, BigInt(DATA + 256));
    setSP(m.cpu, BigInt(DATA + 1024));
    exec(m, `stp ${r}1, ${r}2, [x0, #-${2 * bytes}]!
      ldp ${r}3, ${r}4, [x0], #${2 * bytes}
      stnp ${r}2, ${r}1, [x0]
      ldnp ${r}5, ${r}6, [x0]
      stp ${r}1, ${r}2, [sp, #-32]!
      ldp ${r}7, ${r}8, [sp, #0]`);
    assert.equal(peek(m, DATA + 256 - 2 * bytes, bytes), 0x1f1e1d1c1b1a19181716151413121110n & mask);
    assert.equal(peek(m, DATA + 256 - bytes, bytes), 0x2f2e2d2c2b2a29282726252423222120n & mask);
    assert.equal(getV(m, 3), 0x1f1e1d1c1b1a19181716151413121110n & mask);
    assert.equal(getV(m, 4), 0x2f2e2d2c2b2a29282726252423222120n & mask);
    assert.equal(getV(m, 5), 0x2f2e2d2c2b2a29282726252423222120n & mask);
    assert.equal(getV(m, 6), 0x1f1e1d1c1b1a19181716151413121110n & mask);
    assert.equal(getV(m, 7), getV(m, 3));
    assert.equal(getV(m, 8), getV(m, 4));
    assert.equal(getX(m.cpu, 0), BigInt(DATA + 256));
    assert.equal(getSP(m.cpu), BigInt(DATA + 1024 - 32));
  }
});

const ARRANGEMENTS = ['8b', '16b', '4h', '8h', '2s', '4s', '1d', '2d'];

test('LD1/ST1 (multiple structures), 1-4 registers, every arrangement, no offset', () => {
  for (const arr of ARRANGEMENTS) {
    for (let regs = 1; regs <= 4; regs++) {
      const m = fpMachine();
      const rb = arr === '8b' || arr === '4h' || arr === '2s' || arr === '1d' ? 8 : 16;
      fillPattern(m, DATA, 256);
      setX(m.cpu, 0, BigInt(DATA));
      setX(m.cpu, 1, BigInt(DATA + 0x100));
      const list = Array.from({ length: regs }, (_, i) => `v${(30 + i) % 32}.${arr}`).join(', ');
      exec(m, `ld1 {${list}}, [x0]\nst1 {${list}}, [x1]`);
      for (let i = 0; i < regs; i++) {
        assert.equal(getV(m, (30 + i) % 32), pattern(i * rb, rb), `ld1 ${arr} x${regs} reg ${i}`);
      }
      assert.equal(peek(m, DATA + 0x100, rb * regs), pattern(0, rb * regs), `st1 ${arr} x${regs}`);
      assert.equal(peek(m, DATA + 0x100 + rb * regs, 8), 0n, 'no overrun');
      assert.equal(getX(m.cpu, 0), BigInt(DATA));
    }
  }
});

test('LD1/ST1 post-index by the transfer size (immediate) and by a register', () => {
  const m = fpMachine();
  fillPattern(m, DATA, 256);
  setX(m.cpu, 0, BigInt(DATA));
  setX(m.cpu, 1, BigInt(DATA + 0x100));
  setX(m.cpu, 2, 0x30n);
  setSP(m.cpu, BigInt(DATA + 0x200));
  exec(m, `ld1 {v0.16b, v1.16b}, [x0], #32
    ld1 {v2.4s, v3.4s, v4.4s}, [x0], x2
    st1 {v0.2d, v1.2d, v2.2d, v3.2d}, [x1], #64
    st1 {v4.8b}, [x1], x2
    st1 {v0.4h}, [sp], #8`);
  assert.equal(getX(m.cpu, 0), BigInt(DATA + 32 + 0x30));
  assert.equal(getX(m.cpu, 1), BigInt(DATA + 0x100 + 64 + 0x30));
  assert.equal(getSP(m.cpu), BigInt(DATA + 0x208));
  assert.equal(getV(m, 4), pattern(64, 16));
  assert.equal(peek(m, DATA + 0x100, 64), pattern(0, 64));
  assert.equal(peek(m, DATA + 0x140, 8), pattern(64, 8));
  assert.equal(peek(m, DATA + 0x200, 8), pattern(0, 8));
});

test('LD1 alignment on Device memory is per element: .16b may be unaligned, .2d may not', () => {
  const m = fpMachine();
  fillPattern(m, DATA, 64);
  setX(m.cpu, 0, BigInt(DATA + 3));
  exec(m, 'ld1 {v0.16b}, [x0]');
  assert.equal(getV(m, 0), pattern(3, 16));
  setX(m.cpu, 0, BigInt(DATA + 2));
  exec(m, 'ld1 {v1.8h}, [x0]');
  assert.equal(getV(m, 1), pattern(2, 16));
  setX(m.cpu, 0, BigInt(DATA + 4));
  exec(m, 'ld1 {v2.2d}, [x0]');
  assert.ok(tookSync(m));
  assert.equal(esr1(m), ((0x25 << 26) | (1 << 25) | 0x21) >>> 0);
  assert.equal(m.cpu.s[srIndex(SR.FAR_EL1)] >>> 0, DATA + 4);
});

test('LDR/STR Q need 16-byte alignment on Device memory (two aligned halves are not enough)', () => {
  for (const [src, write] of [['ldr q0, [x0]', false], ['str q0, [x0]', true], ['ldp q0, q1, [x0]', false]] as const) {
    const m = fpMachine();
    setX(m.cpu, 0, BigInt(DATA + 8));
    exec(m, src);
    assert.ok(tookSync(m), src);
    assert.equal(esr1(m), ((0x25 << 26) | (1 << 25) | (write ? 1 << 6 : 0) | 0x21) >>> 0, src);
    assert.equal(m.cpu.s[srIndex(SR.FAR_EL1)] >>> 0, DATA + 8);
  }
});

test('a faulting SIMD load changes no register; SIMD&FP stage-2 aborts report ISV = 0', () => {
  const m = fpMachine();
  setX(m.cpu, 0, BigInt(m.ramBase + m.ramSize - 16));
  const stop = exec(m, 'ld1 {v0.16b, v1.16b}, [x0], #32');
  assert.equal(stop, Stop.TRAP);
  assert.equal(getV(m, 0), 0xdead_beef_dead_beef_dead_beef_dead_beefn);
  assert.equal(getX(m.cpu, 0), BigInt(m.ramBase + m.ramSize - 16));
  assert.equal(m.cpu.s[S.ESR_EL2] >>> 26, 0x24);
  assert.equal((m.cpu.s[S.ESR_EL2] >>> 24) & 1, 0);
  const m2 = fpMachine();
  setX(m2.cpu, 0, 0x09000000n);
  assert.equal(exec(m2, 'str d3, [x0]'), Stop.TRAP);
  assert.equal((m2.cpu.s[S.ESR_EL2] >>> 24) & 1, 0);
  assert.equal((m2.cpu.s[S.ESR_EL2] >>> 6) & 1, 1);
  assert.equal(m2.cpu.s[S.FAR_EL2] >>> 0, 0x09000000);
});

const FP_TRAP_ESR = ((0x07 << 26) | (1 << 25) | (1 << 24) | (0xe << 20)) >>> 0;

test('CPACR_EL1.FPEN traps SIMD&FP loads/stores to EL1 with EC 0x07 before any access', () => {
  for (const [fpen, el, trapped] of [
    [0, 1, true],
    [2, 1, true],
    [1, 1, false],
    [1, 0, true],
    [3, 0, false],
  ] as const) {
    for (const src of ['ldr q0, [x0]', 'st1 {v0.16b}, [x0]', 'ldp d0, d1, [x0], #16', 'ldr s0, .']) {
      const m = fpMachine();
      m.cpu.setSr(SR.CPACR_EL1, fpen << 20, 0);
      if (el === 0) setElSp(m.cpu, 0, 0);
      // An address outside RAM: if the check came after the access we would see a trap to EL2.
      setX(m.cpu, 0, 0x09000000n);
      const stop = exec(m, src);
      const what = `${src} FPEN ${fpen} EL${el}`;
      if (trapped) {
        assert.equal(stop, Stop.BUDGET, what);
        assert.equal(esr1(m), FP_TRAP_ESR, what);
        assert.equal(getPC(m.cpu), BigInt(m.ramBase + 0x800 + (el === 0 ? 0x400 : 0x200)), what);
        assert.equal(m.cpu.s[srIndex(SR.ELR_EL1)] >>> 0, m.ramBase, what);
        assert.equal(getX(m.cpu, 0), 0x09000000n, what);
      } else if (src !== 'ldr s0, .') {
        assert.equal(stop, Stop.TRAP, what);
        assert.equal(m.cpu.s[S.ESR_EL2] >>> 26, 0x24, what);
      }
    }
  }
});

test('CPTR_EL2.TFP traps SIMD&FP loads/stores to EL2 with EC 0x07 (after the CPACR check)', () => {
  const m = fpMachine();
  m.cpu.s[S.CPTR_EL2] = 1 << 10;
  setX(m.cpu, 0, BigInt(DATA));
  assert.equal(exec(m, 'ldr d0, [x0]'), Stop.TRAP);
  assert.equal(m.cpu.s[S.ESR_EL2] >>> 0, FP_TRAP_ESR);
  assert.equal(getPC(m.cpu), BigInt(m.ramBase));
  // CPACR traps first.
  const m2 = fpMachine();
  m2.cpu.s[S.CPTR_EL2] = 1 << 10;
  m2.cpu.setSr(SR.CPACR_EL1, 0, 0);
  assert.equal(exec(m2, 'ldr d0, [x0]'), Stop.BUDGET);
  assert.equal(esr1(m2), FP_TRAP_ESR);
});

// ---- LD2-LD4 / ST2-ST4 (multiple), single structure lanes, LDnR ----------------------------------

/** Bytes of V[n] as an array (little-endian). */
function vBytes(m: TestMachine, n: number): number[] {
  const v = getV(m, n);
  return Array.from({ length: 16 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
}
function pat(off: number): number {
  return (off * 7 + 3) & 0xff;
}

const ESIZES: Record<string, number> = { b: 1, h: 2, s: 4, d: 8 };

test('LD2/LD3/LD4 (multiple structures) de-interleave, ST2-ST4 interleave back, post-index', () => {
  for (const arr of ['8b', '16b', '4h', '8h', '2s', '4s', '2d']) {
    for (let selem = 2; selem <= 4; selem++) {
      const m = fpMachine();
      const eb = ESIZES[arr.slice(-1)];
      const rb = arr === '8b' || arr === '4h' || arr === '2s' ? 8 : 16;
      const elements = rb / eb;
      fillPattern(m, DATA, 256);
      setX(m.cpu, 0, BigInt(DATA));
      setX(m.cpu, 1, BigInt(DATA + 0x100));
      const list = Array.from({ length: selem }, (_, i) => `v${(30 + i) % 32}.${arr}`).join(', ');
      exec(m, `ld${selem} {${list}}, [x0], #${selem * rb}\nst${selem} {${list}}, [x1]`);
      for (let r = 0; r < selem; r++) {
        const want: number[] = new Array(16).fill(0);
        for (let e = 0; e < elements; e++) for (let b = 0; b < eb; b++) want[e * eb + b] = pat((e * selem + r) * eb + b);
        assert.deepEqual(vBytes(m, (30 + r) % 32), want, `ld${selem} ${arr} reg ${r}`);
      }
      assert.equal(peek(m, DATA + 0x100, selem * rb), pattern(0, selem * rb), `st${selem} ${arr}`);
      assert.equal(getX(m.cpu, 0), BigInt(DATA + selem * rb));
    }
  }
  // .1d is reserved for LD2-LD4.
  const m = fpMachine();
  setX(m.cpu, 0, BigInt(DATA));
  runWords(m, [0x0c408c00 | 0x40000000 | 0 | (3 << 10)], 1); // ld2 {v0.2d, v1.2d}, [x0] with Q=1 is fine
  assert.equal(getPC(m.cpu), BigInt(m.ramBase + 4));
  runWords(m, [0x0c408c00 & ~0x40000000], 1); // Q = 0, size = 11: .1d
  assert.ok(tookSync(m));
  assert.equal(esr1(m), 0x02000000);
});

test('LD1-LD4 (single structure) insert one lane and keep the others; ST1-ST4 store one lane', () => {
  for (const [t, eb, idx] of [['b', 1, 13], ['h', 2, 5], ['s', 4, 3], ['d', 8, 1], ['b', 1, 0]] as const) {
    for (let selem = 1; selem <= 4; selem++) {
      const m = fpMachine();
      fillPattern(m, DATA, 64);
      setX(m.cpu, 0, BigInt(DATA));
      setX(m.cpu, 1, BigInt(DATA + 0x100));
      setX(m.cpu, 2, 0x40n);
      const list = Array.from({ length: selem }, (_, i) => `v${(31 + i) % 32}.${t}`).join(', ');
      exec(m, `ld${selem} {${list}}[${idx}], [x0], x2\nst${selem} {${list}}[${idx}], [x1], #${selem * eb}`);
      for (let r = 0; r < selem; r++) {
        const want = vBytes(fpMachine(), 0); // the deadbeef fill
        for (let b = 0; b < eb; b++) want[idx * eb + b] = pat(r * eb + b);
        assert.deepEqual(vBytes(m, (31 + r) % 32), want, `ld${selem} ${t}[${idx}] reg ${r}`);
      }
      assert.equal(peek(m, DATA + 0x100, selem * eb), pattern(0, selem * eb), `st${selem} ${t}[${idx}]`);
      assert.equal(peek(m, DATA + 0x100 + selem * eb, 4), 0n);
      assert.equal(getX(m.cpu, 0), BigInt(DATA + 0x40));
      assert.equal(getX(m.cpu, 1), BigInt(DATA + 0x100 + selem * eb));
    }
  }
});

test('LD1R-LD4R replicate one element to every lane (64-bit forms zero the top half)', () => {
  for (const arr of ['8b', '16b', '4h', '8h', '2s', '4s', '1d', '2d']) {
    for (let selem = 1; selem <= 4; selem++) {
      const m = fpMachine();
      const eb = ESIZES[arr.slice(-1)];
      const rb = arr === '8b' || arr === '4h' || arr === '2s' || arr === '1d' ? 8 : 16;
      fillPattern(m, DATA, 64);
      setX(m.cpu, 0, BigInt(DATA));
      const list = Array.from({ length: selem }, (_, i) => `v${i + 4}.${arr}`).join(', ');
      exec(m, `ld${selem}r {${list}}, [x0], #${selem * eb}`);
      for (let r = 0; r < selem; r++) {
        const want: number[] = new Array(16).fill(0);
        for (let i = 0; i < rb; i++) want[i] = pat(r * eb + (i % eb));
        assert.deepEqual(vBytes(m, r + 4), want, `ld${selem}r ${arr} reg ${r}`);
      }
      assert.equal(getX(m.cpu, 0), BigInt(DATA + selem * eb));
    }
  }
});
