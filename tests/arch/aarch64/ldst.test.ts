/**
 * GPR loads and stores (exec/ldst.ts): every addressing mode and size against a BigInt
 * reference, sign extension, writeback, SP base and SP alignment, literal loads, LDTR/STTR,
 * PRFM, pairs, alignment on Device memory and the stage-2 abort syndromes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMachine, runWords, loadWords, getX, setX, getSP, setSP, getPC, TestMachine } from '../../helpers/machine.js';
import { assemble } from '../../helpers/asm.js';
import { Stop } from '../../../src/arch/aarch64/cpu.js';
import { S, SR, srIndex } from '../../../src/arch/aarch64/state.js';
import { run } from '../../../src/arch/aarch64/run.js';
import { findRow } from '../../../src/arch/aarch64/decode/table.js';
import { setElSp } from '../../../src/arch/aarch64/exceptions.js';

const DATA = 0x40010000;

function dv(m: TestMachine): DataView {
  return new DataView(m.mem.memory.buffer);
}
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
function esr1(m: TestMachine): number {
  return m.cpu.s[srIndex(SR.ESR_EL1)] >>> 0;
}
function far1(m: TestMachine): bigint {
  return (BigInt(m.cpu.s[srIndex(SR.FAR_EL1) + 1] >>> 0) << 32n) | BigInt(m.cpu.s[srIndex(SR.FAR_EL1)] >>> 0);
}
/** Run one instruction (or a snippet) at RAM start; VBAR at RAM + 0x800 so faults are visible. */
function exec(m: TestMachine, src: string | ArrayLike<number>, count?: number): Stop {
  const words = typeof src === 'string' ? assemble(src) : src;
  m.cpu.setSr(SR.VBAR_EL1, m.ramBase + 0x800, 0);
  return runWords(m, words, count ?? words.length);
}
function tookSync(m: TestMachine): boolean {
  return getPC(m.cpu) === BigInt(m.ramBase + 0x800 + 0x200);
}

// ---- random differential test of the single-register forms against a BigInt reference ------

/** A tiny deterministic PRNG (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

interface Op {
  size: number;
  opc: number;
}
const SINGLE_OPS: Op[] = [];
for (let size = 0; size < 4; size++) for (let opc = 0; opc < 4; opc++) {
  if (size === 2 && opc === 3) continue;
  if (size === 3 && opc === 3) continue;
  SINGLE_OPS.push({ size, opc });
}

function refLoad(bytes: bigint, size: number, opc: number): bigint {
  const bits = BigInt(8 << size);
  if (opc === 1) return bytes;
  if (opc === 2) return BigInt.asUintN(64, BigInt.asIntN(Number(bits), bytes));
  return BigInt.asUintN(32, BigInt.asIntN(Number(bits), bytes)); // opc 3: to 32 bits
}

test('single-register GPR loads/stores in every addressing mode match a BigInt reference', () => {
  const r = rng(0x1234567);
  const m = makeMachine();
  let n = 0;
  for (let iter = 0; iter < 3000; iter++) {
    const { size, opc } = SINGLE_OPS[r() % SINGLE_OPS.length];
    const prfm = size === 3 && opc === 2;
    const modes = prfm ? ['ui', 'unscaled', 'reg'] : ['ui', 'unscaled', 'reg', 'pre', 'post', 'unpriv'];
    const mode = modes[r() % modes.length];
    const bytes = 1 << size;
    // Fresh random data page.
    for (let i = 0; i < 4096; i += 4) dv(m).setUint32(host(m, DATA) + i, r(), true);
    for (let i = 0; i < 31; i++) setX(m.cpu, i, (BigInt(r()) << 32n) | BigInt(r()));
    const rn = r() % 32;
    let rt = r() % 32;
    const wb = mode === 'pre' || mode === 'post';
    if (wb && rt === rn && rn !== 31) rt = (rt + 1) % 31;
    const base = BigInt(DATA + 2048);
    if (rn === 31) setSP(m.cpu, base);
    else setX(m.cpu, rn, base);
    let insn: number;
    let addr: bigint;
    let wbVal = base;
    const top = (size << 30) | (0b111 << 27) | (opc << 22) | (rn << 5) | rt;
    if (mode === 'ui') {
      const imm12 = r() % 200;
      insn = top | (1 << 24) | (imm12 << 10);
      addr = base + BigInt(imm12 << size);
    } else if (mode === 'reg') {
      let rm = r() % 32;
      while (rm === rn || rm === rt) rm = (rm + 1) % 32;
      const options = [2, 3, 6, 7];
      const option = options[r() % 4];
      const sBit = r() & 1;
      const shift = sBit ? size : 0;
      const k = BigInt((r() % 400) - 200); // element index, may be negative
      let rmVal: bigint;
      if (option === 2) {
        // UXTW: only a positive 32-bit value; put garbage in the top half.
        rmVal = (BigInt(r()) << 32n) | BigInt.asUintN(32, k < 0n ? -k : k);
      } else if (option === 6) {
        rmVal = (BigInt(r()) << 32n) | BigInt.asUintN(32, k);
      } else {
        rmVal = BigInt.asUintN(64, k);
      }
      const kk = option === 2 ? (k < 0n ? -k : k) : k;
      // Unscaled register offsets must keep alignment: scale by the size ourselves.
      const regK = shift ? kk : kk * BigInt(bytes);
      if (!shift) {
        if (option === 2) rmVal = (rmVal & ~0xffffffffn) | BigInt.asUintN(32, regK);
        else if (option === 6) rmVal = (rmVal & ~0xffffffffn) | BigInt.asUintN(32, regK);
        else rmVal = BigInt.asUintN(64, regK);
      }
      if (rm === 31) {
        addr = base; // XZR as the offset
      } else {
        setX(m.cpu, rm, rmVal);
        addr = base + regK * (shift ? BigInt(bytes) : 1n);
      }
      insn = top | (1 << 21) | (rm << 16) | (option << 13) | (sBit << 12) | (2 << 10);
    } else {
      const imm9 = ((r() % 60) - 30) * bytes;
      const bits = mode === 'unscaled' ? 0 : mode === 'post' ? 1 : mode === 'unpriv' ? 2 : 3;
      insn = top | ((imm9 & 0x1ff) << 12) | (bits << 10);
      addr = mode === 'post' ? base : base + BigInt(imm9);
      wbVal = base + BigInt(imm9);
    }
    if (mode === 'unpriv' && (size === 3 ? opc > 1 : false)) continue;
    const row = findRow(insn);
    assert.ok(row, `decodes ${insn.toString(16)}`);
    const before = getX(m.cpu, rt);
    const mem = peek(m, Number(addr), bytes);
    const stop = exec(m, [insn]);
    assert.equal(stop, Stop.BUDGET);
    assert.equal(getPC(m.cpu), BigInt(m.ramBase + 4), `${row.name} ${insn.toString(16)} did not fault`);
    if (opc === 0) {
      const v = rt === 31 ? 0n : before & ((1n << BigInt(8 * bytes)) - 1n);
      assert.equal(peek(m, Number(addr), bytes), v, `${row.name} stores`);
    } else if (!prfm) {
      if (rt !== 31) assert.equal(getX(m.cpu, rt), refLoad(mem, size, opc), `${row.name} ${insn.toString(16)} loads`);
    }
    if (wb) assert.equal(rn === 31 ? getSP(m.cpu) : getX(m.cpu, rn), wbVal, `${row.name} writes back`);
    else if (rn !== rt || opc === 0) assert.equal(rn === 31 ? getSP(m.cpu) : getX(m.cpu, rn), base, `${row.name} keeps the base`);
    n++;
  }
  assert.ok(n > 2500);
});

// ---- directed tests -----------------------------------------------------------------------------

test('LDRSB/LDRSH/LDRSW sign-extend to 32 or 64 bits; LDRB/LDRH zero-extend', () => {
  const m = makeMachine();
  poke(m, DATA, 8, 0x8000_0000_8081_f2f1n);
  setX(m.cpu, 0, BigInt(DATA));
  exec(m, `ldrsb x1, [x0, #1]
    ldrsb w2, [x0, #1]
    ldrsh x3, [x0, #2]
    ldrsh w4, [x0, #2]
    ldrsw x5, [x0]
    ldrsw x6, [x0, #4]
    ldrb w7, [x0, #1]
    ldrh w8, [x0, #2]
    ldr w9, [x0, #4]`);
  assert.equal(getX(m.cpu, 1), 0xffff_ffff_ffff_fff2n);
  assert.equal(getX(m.cpu, 2), 0x0000_0000_ffff_fff2n);
  assert.equal(getX(m.cpu, 3), 0xffff_ffff_ffff_8081n);
  assert.equal(getX(m.cpu, 4), 0x0000_0000_ffff_8081n);
  assert.equal(getX(m.cpu, 5), 0xffff_ffff_8081_f2f1n);
  assert.equal(getX(m.cpu, 6), 0xffff_ffff_8000_0000n);
  assert.equal(getX(m.cpu, 7), 0xf2n);
  assert.equal(getX(m.cpu, 8), 0x8081n);
  assert.equal(getX(m.cpu, 9), 0x8000_0000n);
});

test('pre-index and post-index write back the base; STR/LDR round trip through SP', () => {
  const m = makeMachine();
  setX(m.cpu, 0, BigInt(DATA + 0x100));
  setX(m.cpu, 1, 0x1122_3344_5566_7788n);
  setSP(m.cpu, BigInt(DATA + 0x200));
  exec(m, `str x1, [x0, #-16]!
    ldr x2, [x0], #24
    stp x1, x2, [sp, #-16]!
    ldr x3, [sp, #8]
    ldp x4, x5, [sp], #16`);
  assert.equal(getX(m.cpu, 0), BigInt(DATA + 0x100 - 16 + 24));
  assert.equal(peek(m, DATA + 0xf0, 8), 0x1122_3344_5566_7788n);
  assert.equal(getX(m.cpu, 2), 0x1122_3344_5566_7788n);
  assert.equal(getX(m.cpu, 3), 0x1122_3344_5566_7788n);
  assert.equal(getX(m.cpu, 4), 0x1122_3344_5566_7788n);
  assert.equal(getX(m.cpu, 5), 0x1122_3344_5566_7788n);
  assert.equal(getSP(m.cpu), BigInt(DATA + 0x200));
});

test('writeback with Rn == Rt: loads suppress the writeback, stores store the old value', () => {
  const m = makeMachine();
  poke(m, DATA + 8, 8, 0xabcdn);
  setX(m.cpu, 0, BigInt(DATA));
  exec(m, 'ldr x0, [x0, #8]!');
  assert.equal(getX(m.cpu, 0), 0xabcdn);
  setX(m.cpu, 0, BigInt(DATA));
  exec(m, 'str x0, [x0, #16]!');
  assert.equal(peek(m, DATA + 16, 8), BigInt(DATA));
  assert.equal(getX(m.cpu, 0), BigInt(DATA + 16));
});

test('Rt = 31 is XZR: STR stores zero, LDR discards', () => {
  const m = makeMachine();
  poke(m, DATA, 8, 0xffff_ffff_ffff_ffffn);
  setX(m.cpu, 0, BigInt(DATA));
  setSP(m.cpu, 0x1230n);
  exec(m, 'str xzr, [x0]\nldr xzr, [x0]');
  assert.equal(peek(m, DATA, 8), 0n);
  assert.equal(getSP(m.cpu), 0x1230n);
});

test('SP as the base: misaligned SP takes an SP alignment fault (EC 0x26) when SCTLR_EL1.SA is set', () => {
  const m = makeMachine();
  setSP(m.cpu, BigInt(DATA + 8));
  exec(m, 'ldr x1, [sp]');
  assert.ok(tookSync(m));
  assert.equal(esr1(m), ((0x26 << 26) | (1 << 25)) >>> 0);
  assert.equal(m.cpu.s[srIndex(SR.ELR_EL1)] >>> 0, m.ramBase);
  // The base is checked, not the address: [sp, #8] with SP aligned is fine.
  const m2 = makeMachine();
  setSP(m2.cpu, BigInt(DATA));
  poke(m2, DATA + 8, 8, 77n);
  exec(m2, 'ldr x1, [sp, #8]');
  assert.equal(getX(m2.cpu, 1), 77n);
  // SA clear: no check.
  const m3 = makeMachine();
  m3.cpu.setSr(SR.SCTLR_EL1, m3.cpu.sr(SR.SCTLR_EL1) & ~(1 << 3), 0);
  setSP(m3.cpu, BigInt(DATA + 8));
  poke(m3, DATA + 8, 8, 5n);
  exec(m3, 'ldr x1, [sp]');
  assert.equal(getX(m3.cpu, 1), 5n);
  // Pairs, atomics-free PRFM: PRFM never faults even with a misaligned SP.
  const m4 = makeMachine();
  setSP(m4.cpu, BigInt(DATA + 4));
  exec(m4, 'prfm pldl1keep, [sp]\nprfm pstl2strm, [x0, x1]\nprfum pldl1keep, [sp, #3]');
  assert.equal(getPC(m4.cpu), BigInt(m4.ramBase + 12));
  exec(m4, 'stp x1, x2, [sp]');
  assert.ok(tookSync(m4));
  assert.equal(esr1(m4) >>> 26, 0x26);
});

test('SP alignment at EL0 uses SCTLR_EL1.SA0 (and SA at EL1 does not matter there)', () => {
  for (const sa0 of [true, false]) {
    const m = makeMachine();
    const sctlr = m.cpu.sr(SR.SCTLR_EL1);
    m.cpu.setSr(SR.SCTLR_EL1, sa0 ? sctlr : sctlr & ~(1 << 4), 0);
    setElSp(m.cpu, 0, 0);
    setSP(m.cpu, BigInt(DATA + 8));
    poke(m, DATA + 8, 8, 9n);
    exec(m, 'ldr x1, [sp]');
    if (sa0) {
      assert.equal(getPC(m.cpu), BigInt(m.ramBase + 0x800 + 0x400), 'lower-EL vector');
      assert.equal(esr1(m) >>> 26, 0x26);
    } else {
      assert.equal(getX(m.cpu, 1), 9n);
    }
  }
});

test('literal loads: LDR W/X, LDRSW, PRFM (literal) relative to the instruction', () => {
  const m = makeMachine();
  const code = assemble(`ldr x1, 1f
    ldr w2, 1f
    ldrsw x3, 2f
    prfm pldl1keep, 1f
    ldr x4, 0f
    .p2align 3
1:  .quad 0x8877665544332211
2:  .word 0x80000001
0:  .word 0`);
  loadWords(m, m.ramBase, code);
  m.cpu.s[S.PC] = m.ramBase;
  run(m.cpu, 5);
  assert.equal(getX(m.cpu, 1), 0x8877665544332211n);
  assert.equal(getX(m.cpu, 2), 0x44332211n);
  assert.equal(getX(m.cpu, 3), 0xffff_ffff_8000_0001n);
  // ldr x4 of an address that is 4-aligned only: Device memory (MMU off) -> alignment fault.
  assert.equal(esr1(m), ((0x25 << 26) | (1 << 25) | 0x21) >>> 0);
  assert.equal(far1(m), BigInt(m.ramBase + 36));
  assert.equal(m.cpu.s[srIndex(SR.ELR_EL1)] >>> 0, m.ramBase + 16);
});

test('a backward literal (negative offset) and a literal load at 8-byte alignment', () => {
  const m = makeMachine();
  const code = assemble(`b 1f
    .p2align 3
0:  .quad 0x0123456789abcdef
1:  ldr x5, 0b`);
  loadWords(m, m.ramBase, code);
  m.cpu.s[S.PC] = m.ramBase + 16;
  run(m.cpu, 1);
  assert.equal(getX(m.cpu, 5), 0x0123456789abcdefn);
});

test('unaligned normal loads with the MMU off take an alignment fault (Device memory), FAR set', () => {
  for (const [src, write] of [
    ['ldr x1, [x0]', false],
    ['ldrh w1, [x0]', false],
    ['str w1, [x0]', true],
    ['ldur x1, [x0]', false],
    ['ldp x1, x2, [x0]', false],
  ] as const) {
    const m = makeMachine();
    setX(m.cpu, 0, BigInt(DATA + 1));
    exec(m, src);
    assert.ok(tookSync(m), src);
    assert.equal(esr1(m), ((0x25 << 26) | (1 << 25) | (write ? 1 << 6 : 0) | 0x21) >>> 0, src);
    assert.equal(far1(m), BigInt(DATA + 1), src);
  }
  // A byte access is never misaligned.
  const m = makeMachine();
  setX(m.cpu, 0, BigInt(DATA + 1));
  poke(m, DATA + 1, 1, 0x5an);
  exec(m, 'ldrb w1, [x0]');
  assert.equal(getX(m.cpu, 1), 0x5an);
});

test('an unaligned access outside RAM with the MMU off is an alignment fault at EL1, not a stage-2 trap', () => {
  // Stage 1 decides the memory type (Device with the MMU off) and its alignment fault comes
  // before anything at stage 2 (AArch64.S1HasAlignmentFault): an unaligned MMIO access never
  // reaches the hypervisor. 0x09000001 is outside makeMachine's RAM (an MMIO hole).
  for (const [src, write] of [
    ['ldr w1, [x0]', false],
    ['str x1, [x0]', true],
    ['ldrh w1, [x0]', false],
  ] as const) {
    const m = makeMachine();
    setX(m.cpu, 0, 0x09000001n);
    exec(m, src);
    assert.ok(tookSync(m), `${src}: took the exception at EL1 (not a trap to EL2)`);
    assert.equal(esr1(m), ((0x25 << 26) | (1 << 25) | (write ? 1 << 6 : 0) | 0x21) >>> 0, src);
    assert.equal(far1(m), 0x09000001n, src);
  }
});

test('LDTR/STTR at EL1 with the MMU off behave as plain accesses', () => {
  const m = makeMachine();
  setX(m.cpu, 0, BigInt(DATA));
  setX(m.cpu, 1, 0xfedcba9876543210n);
  exec(m, `sttr x1, [x0, #8]
    ldtrsb x2, [x0, #8]
    ldtrh w3, [x0, #10]
    ldtrsw x4, [x0, #12]
    ldtr x5, [x0, #8]
    sttrb w1, [x0, #1]`);
  assert.equal(getX(m.cpu, 2), 0x10n);
  assert.equal(getX(m.cpu, 3), 0x7654n);
  assert.equal(getX(m.cpu, 4), 0xffff_ffff_fedc_ba98n);
  assert.equal(getX(m.cpu, 5), 0xfedcba9876543210n);
  assert.equal(peek(m, DATA + 1, 1), 0x10n);
});

test('pairs: LDP/STP W and X, LDPSW, LDNP/STNP, offset/pre/post writeback', () => {
  const m = makeMachine();
  setX(m.cpu, 0, BigInt(DATA + 0x40));
  setX(m.cpu, 1, 0x1111_2222_8333_4444n);
  setX(m.cpu, 2, 0x5555_6666_f777_8888n);
  exec(m, `stp x1, x2, [x0, #-16]
    ldp x3, x4, [x0, #-16]
    stp w1, w2, [x0, #8]!
    ldp w5, w6, [x0], #-8
    ldpsw x7, x8, [x0, #8]
    stnp x2, x1, [x0, #32]
    ldnp x9, x10, [x0, #32]
    ldp xzr, x11, [x0, #32]`);
  assert.equal(peek(m, DATA + 0x30, 8), 0x1111_2222_8333_4444n);
  assert.equal(peek(m, DATA + 0x38, 8), 0x5555_6666_f777_8888n);
  assert.equal(getX(m.cpu, 3), 0x1111_2222_8333_4444n);
  assert.equal(getX(m.cpu, 4), 0x5555_6666_f777_8888n);
  assert.equal(getX(m.cpu, 5), 0x8333_4444n);
  assert.equal(getX(m.cpu, 6), 0xf777_8888n);
  assert.equal(getX(m.cpu, 0), BigInt(DATA + 0x40));
  assert.equal(getX(m.cpu, 7), 0xffff_ffff_8333_4444n);
  assert.equal(getX(m.cpu, 8), 0xffff_ffff_f777_8888n);
  assert.equal(getX(m.cpu, 9), 0x5555_6666_f777_8888n);
  assert.equal(getX(m.cpu, 10), 0x1111_2222_8333_4444n);
  assert.equal(getX(m.cpu, 11), 0x1111_2222_8333_4444n);
});

test('LDP with Rt == Rt2 gives the second value; LDP writeback onto Rt suppresses writeback', () => {
  const m = makeMachine();
  poke(m, DATA, 8, 1n);
  poke(m, DATA + 8, 8, 2n);
  setX(m.cpu, 0, BigInt(DATA));
  exec(m, [(0xa9400000 | (3 << 10) | (0 << 5) | 3) | 0]); // ldp x3, x3, [x0]
  assert.equal(getX(m.cpu, 3), 2n);
  setX(m.cpu, 0, BigInt(DATA));
  exec(m, [(0xa9c00000 | (1 << 15) | (1 << 10) | (0 << 5) | 0) | 0]); // ldp x0, x1, [x0, #8]!
  assert.equal(getX(m.cpu, 0), 2n);
  assert.equal(getX(m.cpu, 1), peek(m, DATA + 16, 8));
});

test('a failed access leaves registers and the base unchanged (LDP second half faults)', () => {
  const m = makeMachine();
  // The last 8 bytes of RAM, the pair's second half is outside: stage-2 abort.
  const end = m.ramBase + m.ramSize;
  setX(m.cpu, 0, BigInt(end - 8));
  setX(m.cpu, 1, 0x77n);
  const stop = exec(m, 'ldp x1, x2, [x0], #16');
  assert.equal(stop, Stop.TRAP);
  assert.equal(getX(m.cpu, 1), 0x77n);
  assert.equal(getX(m.cpu, 0), BigInt(end - 8));
  assert.equal(getPC(m.cpu), BigInt(m.ramBase));
  assert.equal((m.cpu.s[S.ESR_EL2] >>> 24) & 1, 0, 'ISV = 0 for pairs');
});

// ---- stage-2 data aborts: the ISS a hypervisor decodes for MMIO emulation ----------------------

const MMIO = 0x09000010;
function stage2(src: string, setup?: (m: TestMachine) => void): { m: TestMachine; esr: number } {
  const m = makeMachine();
  setX(m.cpu, 0, BigInt(MMIO));
  setup?.(m);
  const stop = exec(m, src);
  assert.equal(stop, Stop.TRAP, src);
  assert.equal(getPC(m.cpu), BigInt(m.ramBase), 'PC at the faulting instruction');
  assert.equal(m.cpu.s[S.FAR_EL2] >>> 0, MMIO);
  assert.equal(m.cpu.s[S.FAR_EL2_HI], 0);
  assert.equal(m.cpu.s[S.HPFAR_EL2] >>> 0, (MMIO >>> 12) << 4);
  const esr = m.cpu.s[S.ESR_EL2] >>> 0;
  assert.equal(esr >>> 26, 0x24);
  assert.equal((esr >>> 25) & 1, 1, 'IL');
  return { m, esr };
}
function iss(esr: number) {
  return {
    isv: (esr >>> 24) & 1,
    sas: (esr >>> 22) & 3,
    sse: (esr >>> 21) & 1,
    srt: (esr >>> 16) & 31,
    sf: (esr >>> 15) & 1,
    ar: (esr >>> 14) & 1,
    wnr: (esr >>> 6) & 1,
  };
}

test('stage-2 abort syndromes: LDR X, LDRSH W, STRB, LDAR, and ISV = 0 for LDP and post-index', () => {
  assert.deepEqual(iss(stage2('ldr x7, [x0]').esr), { isv: 1, sas: 3, sse: 0, srt: 7, sf: 1, ar: 0, wnr: 0 });
  assert.deepEqual(iss(stage2('ldrsh w9, [x0]').esr), { isv: 1, sas: 1, sse: 1, srt: 9, sf: 0, ar: 0, wnr: 0 });
  assert.deepEqual(iss(stage2('ldrsh x9, [x0]').esr), { isv: 1, sas: 1, sse: 1, srt: 9, sf: 1, ar: 0, wnr: 0 });
  assert.deepEqual(iss(stage2('strb w3, [x0]').esr), { isv: 1, sas: 0, sse: 0, srt: 3, sf: 0, ar: 0, wnr: 1 });
  assert.deepEqual(iss(stage2('str wzr, [x0]').esr), { isv: 1, sas: 2, sse: 0, srt: 31, sf: 0, ar: 0, wnr: 1 });
  assert.deepEqual(iss(stage2('ldar x4, [x0]').esr), { isv: 1, sas: 3, sse: 0, srt: 4, sf: 1, ar: 1, wnr: 0 });
  assert.deepEqual(iss(stage2('stlrh w4, [x0]').esr), { isv: 1, sas: 1, sse: 0, srt: 4, sf: 0, ar: 1, wnr: 1 });
  assert.deepEqual(iss(stage2('ldrsw x2, [x0, x1]', (m) => setX(m.cpu, 1, 0n)).esr), { isv: 1, sas: 2, sse: 1, srt: 2, sf: 1, ar: 0, wnr: 0 });
  assert.deepEqual(iss(stage2('ldur w2, [x0, #-1]', (m) => setX(m.cpu, 0, BigInt(MMIO + 1))).esr), { isv: 1, sas: 2, sse: 0, srt: 2, sf: 0, ar: 0, wnr: 0 });
  assert.equal(iss(stage2('ldp x1, x2, [x0]').esr).isv, 0);
  assert.equal(iss(stage2('ldr x1, [x0], #8').esr).isv, 0);
  assert.equal(iss(stage2('str x1, [x0, #0]!').esr).isv, 0);
  const post = stage2('ldr x1, [x0], #8');
  assert.equal(getX(post.m.cpu, 0), BigInt(MMIO), 'no writeback after a fault');
  assert.equal(iss(post.esr).wnr, 0);
});

test('decode: unallocated load/store encodings are not claimed', () => {
  assert.equal(findRow(0xb8e00000 | (3 << 22) | (1 << 24)), undefined); // size 10 opc 11 (ui)
  assert.equal(findRow(0xf8a00400 | 0), undefined); // PRFM post-index
  assert.equal(findRow(0x68000000 | 0), undefined); // STGP/LDNP opc 01 L 0 no-allocate
  assert.equal(findRow(0xf8606800 & ~(1 << 14)), undefined); // register offset with option<1> = 0
  assert.ok(findRow(0xf8606800));
});

// ---- with the stage-1 MMU on (Normal memory) ---------------------------------------------------

/**
 * A minimal stage-1 map (4K granule, T0SZ = 25, level-1 1 GiB blocks), MAIR idx0 Normal WB:
 * VA 0x40000000 -> PA 0x40000000 EL1-only RW (code and data), VA 0x80000000 -> PA 0x40000000
 * EL0 and EL1 RW (AP = 01), VA 0xc0000000 -> PA 0x40000000 read-only at EL0 and EL1 (AP = 11).
 */
function mmuOn(m: TestMachine): void {
  const table = m.ramBase + 0x200000;
  const block = (pa: number, ap: number) => BigInt(pa) | (1n << 10n) | (3n << 8n) | (BigInt(ap) << 6n) | 0b01n;
  poke(m, table + 8, 8, block(0x40000000, 0));
  poke(m, table + 16, 8, block(0x40000000, 1) | (1n << 54n)); // UXN
  poke(m, table + 24, 8, block(0x40000000, 3) | (1n << 54n) | (1n << 53n));
  m.cpu.setSr(SR.MAIR_EL1, 0xff, 0);
  m.cpu.setSr(SR.TCR_EL1, 25 | (1 << 23), 2); // T0SZ 25, EPD1, IPS 40 bits
  m.cpu.setSr(SR.TTBR0_EL1, table, 0);
  m.cpu.setSr(SR.SCTLR_EL1, m.cpu.sr(SR.SCTLR_EL1) | 1, 0);
  m.cpu.flushTlb();
}

test('MMU on: unaligned Normal loads/stores and pairs succeed, even across a page boundary', () => {
  const m = makeMachine();
  mmuOn(m);
  poke(m, DATA + 0xff8, 16, 0x0011_2233_4455_6677_8899_aabb_ccdd_eeffn);
  setX(m.cpu, 0, BigInt(DATA + 0xffb));
  setX(m.cpu, 5, 0x1234_5678_9abc_def0n);
  exec(m, `ldr x1, [x0]
    ldrsh w2, [x0, #1]
    ldp w3, w4, [x0, #-4]
    str x5, [x0, #-0x100]`);
  assert.equal(getPC(m.cpu), BigInt(m.ramBase + 16));
  // Bytes from DATA + 0xff8 up: ff ee dd cc bb aa 99 88 | 77 66 55 44 33 22 11 00 (page boundary at |).
  assert.equal(getX(m.cpu, 1), 0x5566_7788_99aa_bbccn);
  assert.equal(getX(m.cpu, 2), 0x0000_0000_ffff_aabbn);
  assert.equal(getX(m.cpu, 3), 0xddee_ff00n);
  assert.equal(getX(m.cpu, 4), 0x99aa_bbccn);
  assert.equal(peek(m, DATA + 0xefb, 8), 0x1234_5678_9abc_def0n);
  // Exclusives and atomics still require alignment with the MMU on.
  exec(m, 'ldxr x1, [x0]');
  assert.ok(tookSync(m));
  assert.equal(esr1(m) & 0x3f, 0x21);
});

test('MMU on: SCTLR_EL1.A makes every unaligned access fault', () => {
  const m = makeMachine();
  mmuOn(m);
  m.cpu.setSr(SR.SCTLR_EL1, m.cpu.sr(SR.SCTLR_EL1) | 2, 0);
  setX(m.cpu, 0, BigInt(DATA + 2));
  exec(m, 'ldr w1, [x0]');
  assert.ok(tookSync(m));
  assert.equal(esr1(m), ((0x25 << 26) | (1 << 25) | 0x21) >>> 0);
});

test('MMU on: LDTR/STTR at EL1 check EL0 permissions; plain LDR/STR check EL1 ones', () => {
  const m = makeMachine();
  mmuOn(m);
  poke(m, DATA, 8, 0xabcn);
  setX(m.cpu, 0, BigInt(DATA)); // EL1-only alias
  setX(m.cpu, 1, BigInt(DATA + 0x40000000)); // EL0 RW alias
  exec(m, 'ldr x2, [x0]\nldtr x3, [x1]\nsttr x3, [x1, #8]');
  assert.equal(getPC(m.cpu), BigInt(m.ramBase + 12));
  assert.equal(getX(m.cpu, 2), 0xabcn);
  assert.equal(getX(m.cpu, 3), 0xabcn);
  assert.equal(peek(m, DATA + 8, 8), 0xabcn);
  // LDTR of an EL1-only page: permission fault (level 1), reported as from the current EL.
  exec(m, 'ldtr x3, [x0]');
  assert.ok(tookSync(m));
  assert.equal(esr1(m), ((0x25 << 26) | (1 << 25) | 0x0d) >>> 0);
  assert.equal(far1(m), BigInt(DATA));
  exec(m, 'sttrb w3, [x0]');
  assert.equal(esr1(m), ((0x25 << 26) | (1 << 25) | (1 << 6) | 0x0d) >>> 0);
});

test('MMU on: stores, store-exclusives and atomics to a read-only page fault with WnR = 1', () => {
  for (const src of ['str x1, [x0]', 'stp x1, x2, [x0]', 'ldxr x4, [x0]\nstxr w3, x1, [x0]', 'ldadd x1, x2, [x0]', 'cas x1, x2, [x0]', 'stlr x1, [x0]']) {
    const m = makeMachine();
    mmuOn(m);
    setX(m.cpu, 0, BigInt(DATA) + 0x80000000n); // read-only alias
    exec(m, src);
    assert.ok(tookSync(m), src);
    assert.equal(esr1(m), ((0x25 << 26) | (1 << 25) | (1 << 6) | 0x0d) >>> 0, src);
  }
  const m = makeMachine();
  mmuOn(m);
  poke(m, DATA, 8, 7n);
  setX(m.cpu, 0, BigInt(DATA) + 0x80000000n);
  exec(m, 'ldxr x1, [x0]\nldar x2, [x0]\nldr x3, [x0]');
  assert.equal(getPC(m.cpu), BigInt(m.ramBase + 12));
  assert.deepEqual([getX(m.cpu, 1), getX(m.cpu, 2), getX(m.cpu, 3)], [7n, 7n, 7n]);
});
