/**
 * A64 data processing - register (Arm ARM C4.1.95) through the real CPU: every instruction
 * against a BigInt model of its pseudocode, over edge operands and a few thousand random ones
 * per family, plus the unallocated and reserved encodings (Undefined Instruction).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMachine, runWords, getX, setX, getSP, setSP, getPC, nzcv, setNzcv } from '../../helpers/machine.js';
import { assemble } from '../../helpers/asm.js';
import { Stop } from '../../../src/arch/aarch64/cpu.js';
import { SR, srIndex } from '../../../src/arch/aarch64/state.js';
import { idRegIndex } from '../../../src/arch/aarch64/cpus/model.js';
import { findRow } from '../../../src/arch/aarch64/decode/table.js';

const M64 = (1n << 64n) - 1n;

const m = makeMachine();
const cpu = m.cpu;
const VBAR = m.ramBase + 0x10000;
cpu.setSr(SR.VBAR_EL1, VBAR, 0);

let seed = 0x6b43a9b5;
function rnd(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}
function rndInt(n: number): number {
  return rnd() % n;
}

const EDGE: bigint[] = [
  0n, 1n, 2n, 3n, 0x7fn, 0x80n, 0xffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n, 0x80000001n, 0xfffffffen,
  0xffffffffn, 0x100000000n, 0x100000001n, 0x1ffffffffn, 0x7fffffffffffffffn, 0x8000000000000000n,
  0x8000000000000001n, 0xfffffffffffffffen, M64, 0xffffffff00000000n, 0xffffffff80000000n, 0x0123456789abcdefn,
  0xfedcba9876543210n,
];
function rnd64(): bigint {
  const k = rndInt(8);
  if (k < 2) return EDGE[rndInt(EDGE.length)];
  if (k === 2) return BigInt(rnd());
  if (k === 3) return BigInt.asUintN(64, BigInt(rnd() | 0));
  return (BigInt(rnd()) << 32n) | BigInt(rnd());
}

function hex(v: number | bigint): string {
  return '0x' + (typeof v === 'number' ? (v >>> 0).toString(16) : v.toString(16));
}
function ones(n: number): bigint {
  return (1n << BigInt(n)) - 1n;
}
function sint(v: bigint, n: number): bigint {
  return BigInt.asIntN(n, v);
}

function exec(insn: number): void {
  const stop = runWords(m, [insn], 1);
  assert.equal(stop, Stop.BUDGET);
  assert.equal(getPC(cpu), BigInt(m.ramBase + 4), `${hex(insn)} raised an exception`);
}

function expectUndef(insn: number): void {
  cpu.setSr(SR.ESR_EL1, 0, 0);
  runWords(m, [insn], 1);
  assert.equal(getPC(cpu), BigInt(VBAR + 0x200), `${hex(insn)} should be UNDEFINED`);
  assert.equal(cpu.sr(SR.ESR_EL1) >>> 0, 0x02000000, `${hex(insn)}: ESR_EL1 EC 0, IL 1`);
}

/** `count` distinct registers 0..30; with probability 1/8 one of them becomes 31. */
function regs(count: number): number[] {
  const out: number[] = [];
  while (out.length < count) {
    const r = rndInt(31);
    if (!out.includes(r)) out.push(r);
  }
  if (rndInt(8) === 0) out[rndInt(count)] = 31;
  return out;
}

const SP_INIT = 0x40008000n;

/** Reset registers and SP, set operand `r` to `v`; returns what the instruction reads. */
function load(r: number, v: bigint, spCtx = false): bigint {
  if (r === 31) {
    if (spCtx) {
      setSP(cpu, v);
      return v;
    }
    return 0n;
  }
  setX(cpu, r, v);
  return v;
}

function scrub(): void {
  for (let i = 0; i < 31; i++) setX(cpu, i, 0xa5a5000000000000n | BigInt(i));
  setSP(cpu, SP_INIT);
}

/** The destination after execution: Xd, SP for SP contexts, undefined for ZR. */
function dest(r: number, spCtx = false): bigint | undefined {
  if (r === 31) return spCtx ? getSP(cpu) : undefined;
  return getX(cpu, r);
}

function addWithCarry(x: bigint, y: bigint, c: bigint, n: number): [bigint, number] {
  const mask = ones(n);
  const usum = (x & mask) + (y & mask) + c;
  const ssum = sint(x, n) + sint(y, n) + c;
  const r = usum & mask;
  const N = Number(r >> BigInt(n - 1));
  return [r, (N << 3) | ((r === 0n ? 1 : 0) << 2) | ((r === usum ? 0 : 1) << 1) | (sint(r, n) === ssum ? 0 : 1)];
}

/** ShiftReg(): type 0 LSL, 1 LSR, 2 ASR, 3 ROR. */
function shiftRef(x: bigint, type: number, amount: number, n: number): bigint {
  const mask = ones(n);
  const a = BigInt(amount);
  x &= mask;
  switch (type) {
    case 0: return (x << a) & mask;
    case 1: return x >> a;
    case 2: return BigInt.asUintN(n, sint(x, n) >> a);
    default: return ((x >> a) | (x << (BigInt(n) - a))) & mask;
  }
}

/** ExtendReg(): Extend(val<len-1:0>, N, unsigned) << shift. */
function extendRef(x: bigint, option: number, shift: number, n: number): bigint {
  const len = [8, 16, 32, 64][option & 3];
  let v = x & ones(len);
  if (option >= 4) v = BigInt.asUintN(64, sint(v, len));
  return (v << BigInt(shift)) & ones(n);
}

/** ConditionHolds() over an NZCV nibble. */
function condHolds(cond: number, f: number): boolean {
  const N = (f >> 3) & 1, Z = (f >> 2) & 1, C = (f >> 1) & 1, V = f & 1;
  let r: boolean;
  switch (cond >> 1) {
    case 0: r = Z === 1; break;
    case 1: r = C === 1; break;
    case 2: r = N === 1; break;
    case 3: r = V === 1; break;
    case 4: r = C === 1 && Z === 0; break;
    case 5: r = N === V; break;
    case 6: r = N === V && Z === 0; break;
    default: r = true;
  }
  return (cond & 1) === 1 && cond !== 15 ? !r : r;
}

function logicFlags(r: bigint, n: number): number {
  return (Number(r >> BigInt(n - 1)) << 3) | ((r === 0n ? 1 : 0) << 2);
}

// ---- encoders --------------------------------------------------------------------------------

const enc = {
  logSr: (sf: number, opc: number, shift: number, n: number, rm: number, imm6: number, rn: number, rd: number) =>
    ((sf << 31) | (opc << 29) | (0b01010 << 24) | (shift << 22) | (n << 21) | (rm << 16) | (imm6 << 10) | (rn << 5) | rd) | 0,
  addSr: (sf: number, op: number, s: number, shift: number, rm: number, imm6: number, rn: number, rd: number) =>
    ((sf << 31) | (op << 30) | (s << 29) | (0b01011 << 24) | (shift << 22) | (rm << 16) | (imm6 << 10) | (rn << 5) | rd) | 0,
  addExt: (sf: number, op: number, s: number, opt: number, rm: number, option: number, imm3: number, rn: number, rd: number) =>
    ((sf << 31) | (op << 30) | (s << 29) | (0b01011 << 24) | (opt << 22) | (1 << 21) | (rm << 16) | (option << 13) | (imm3 << 10) | (rn << 5) | rd) | 0,
  adc: (sf: number, op: number, s: number, rm: number, rn: number, rd: number) =>
    ((sf << 31) | (op << 30) | (s << 29) | (0b11010000 << 21) | (rm << 16) | (rn << 5) | rd) | 0,
  ccmp: (sf: number, op: number, s: number, imm: number, rmImm5: number, cond: number, o2: number, rn: number, o3: number, nzcv: number) =>
    ((sf << 31) | (op << 30) | (s << 29) | (0b11010010 << 21) | (rmImm5 << 16) | (cond << 12) | (imm << 11) | (o2 << 10) | (rn << 5) | (o3 << 4) | nzcv) | 0,
  csel: (sf: number, op: number, s: number, rm: number, cond: number, op2: number, rn: number, rd: number) =>
    ((sf << 31) | (op << 30) | (s << 29) | (0b11010100 << 21) | (rm << 16) | (cond << 12) | (op2 << 10) | (rn << 5) | rd) | 0,
  dp1: (sf: number, s: number, opcode2: number, opcode: number, rn: number, rd: number) =>
    ((sf << 31) | (1 << 30) | (s << 29) | (0b11010110 << 21) | (opcode2 << 16) | (opcode << 10) | (rn << 5) | rd) | 0,
  dp2: (sf: number, s: number, rm: number, opcode: number, rn: number, rd: number) =>
    ((sf << 31) | (s << 29) | (0b11010110 << 21) | (rm << 16) | (opcode << 10) | (rn << 5) | rd) | 0,
  dp3: (sf: number, op54: number, op31: number, rm: number, o0: number, ra: number, rn: number, rd: number) =>
    ((sf << 31) | (op54 << 29) | (0b11011 << 24) | (op31 << 21) | (rm << 16) | (o0 << 15) | (ra << 10) | (rn << 5) | rd) | 0,
};

/** Operand pairs: edge x edge, then random. */
function operandPairs(random: number): [bigint, bigint][] {
  const out: [bigint, bigint][] = [];
  for (const a of EDGE) for (const b of EDGE) out.push([a, b]);
  for (let i = 0; i < random; i++) out.push([rnd64(), rnd64()]);
  return out;
}

// ---- logical (shifted register) --------------------------------------------------------------

test('AND/BIC/ORR/ORN/EOR/EON/ANDS/BICS (shifted register) incl. ROR', () => {
  const names = ['AND', 'ORR', 'EOR', 'ANDS'];
  for (const [a, b] of operandPairs(4000)) {
    const sf = rndInt(2);
    const n = sf ? 64 : 32;
    const opc = rndInt(4);
    const N = rndInt(2);
    const shift = rndInt(4);
    const amount = [0, 1, 31, n === 64 ? 32 : 16, n - 1, rndInt(n), rndInt(n)][rndInt(7)];
    const [rn, rm, rd] = regs(3);
    scrub();
    const f0 = rndInt(16);
    setNzcv(cpu, f0);
    const x = load(rn, a) & ones(n);
    const y0 = load(rm, b);
    let y = shiftRef(y0, shift, amount, n);
    if (N) y = ~y & ones(n);
    const r = opc === 1 ? x | y : opc === 2 ? x ^ y : x & y;
    exec(enc.logSr(sf, opc, shift, N, rm, amount, rn, rd));
    const what = `${names[opc]} N=${N} sf=${sf} ${hex(a)}, ${hex(b)} shift ${shift} #${amount}`;
    const d = dest(rd);
    if (d !== undefined) assert.equal(d, r, what);
    assert.equal(getSP(cpu), SP_INIT, what + ': SP untouched');
    assert.equal(nzcv(cpu), opc === 3 ? logicFlags(r, n) : f0, what + ' flags');
  }
  for (let i = 32; i < 64; i++) expectUndef(enc.logSr(0, rndInt(4), rndInt(4), rndInt(2), 1, i, 2, 3));
});

// ---- add/subtract (shifted register) ---------------------------------------------------------

test('ADD/ADDS/SUB/SUBS (shifted register); ROR and sf=0 imm6<5> UNDEFINED', () => {
  for (const [a, b] of operandPairs(4000)) {
    const sf = rndInt(2);
    const n = sf ? 64 : 32;
    const op = rndInt(2);
    const s = rndInt(2);
    const shift = rndInt(3);
    const amount = [0, 1, 31, n === 64 ? 32 : 16, n - 1, rndInt(n), rndInt(n)][rndInt(7)];
    const [rn, rm, rd] = regs(3);
    scrub();
    const f0 = rndInt(16);
    setNzcv(cpu, f0);
    const x = load(rn, a);
    const y = shiftRef(load(rm, b), shift, amount, n);
    const [r, f] = op === 0 ? addWithCarry(x, y, 0n, n) : addWithCarry(x, ~y, 1n, n);
    exec(enc.addSr(sf, op, s, shift, rm, amount, rn, rd));
    const what = `${op ? 'SUB' : 'ADD'}${s ? 'S' : ''} sf=${sf} ${hex(a)}, ${hex(b)} shift ${shift} #${amount}`;
    const d = dest(rd);
    if (d !== undefined) assert.equal(d, r, what);
    assert.equal(getSP(cpu), SP_INIT);
    assert.equal(nzcv(cpu), s ? f : f0, what + ' flags');
  }
  for (let i = 0; i < 64; i++) {
    expectUndef(enc.addSr(1, rndInt(2), rndInt(2), 3, 1, i, 2, 3));
    expectUndef(enc.addSr(0, rndInt(2), rndInt(2), 3, 1, i & 31, 2, 3));
    if (i >= 32) expectUndef(enc.addSr(0, rndInt(2), rndInt(2), rndInt(3), 1, i, 2, 3));
  }
});

// ---- add/subtract (extended register) --------------------------------------------------------

test('ADD/ADDS/SUB/SUBS (extended register): every option and shift, SP operands', () => {
  for (const [a, b] of operandPairs(4000)) {
    const sf = rndInt(2);
    const n = sf ? 64 : 32;
    const op = rndInt(2);
    const s = rndInt(2);
    const option = rndInt(8);
    const imm3 = rndInt(5);
    const [rn, rm, rd] = regs(3);
    scrub();
    const f0 = rndInt(16);
    setNzcv(cpu, f0);
    const x = load(rn, rn === 31 ? (a & ~0xfn) | 0x40000000n : a, true);
    const y = extendRef(load(rm, b), option, imm3, n);
    const [r, f] = op === 0 ? addWithCarry(x, y, 0n, n) : addWithCarry(x, ~y, 1n, n);
    exec(enc.addExt(sf, op, s, 0, rm, option, imm3, rn, rd));
    const what = `${op ? 'SUB' : 'ADD'}${s ? 'S' : ''} (ext) sf=${sf} ${hex(x)}, ${hex(b)} option ${option} #${imm3} rn=${rn} rd=${rd}`;
    const d = dest(rd, s === 0);
    if (d !== undefined) assert.equal(d, r, what);
    if (rd === 31 && s === 1) assert.equal(getSP(cpu), rn === 31 ? x : SP_INIT, what + ': ZR destination');
    assert.equal(nzcv(cpu), s ? f : f0, what + ' flags');
  }
  for (let i = 0; i < 100; i++) {
    expectUndef(enc.addExt(rndInt(2), rndInt(2), rndInt(2), 0, 1, rndInt(8), 5 + rndInt(3), 2, 3));
    expectUndef(enc.addExt(rndInt(2), rndInt(2), rndInt(2), 1 + rndInt(3), 1, rndInt(8), rndInt(8), 2, 3));
  }
});

// ---- add/subtract with carry -----------------------------------------------------------------

test('ADC/ADCS/SBC/SBCS with carry in 0 and 1', () => {
  for (const [a, b] of operandPairs(3000)) {
    const sf = rndInt(2);
    const n = sf ? 64 : 32;
    const op = rndInt(2);
    const s = rndInt(2);
    const [rn, rm, rd] = regs(3);
    scrub();
    const f0 = rndInt(16);
    setNzcv(cpu, f0);
    const c = BigInt((f0 >> 1) & 1);
    const x = load(rn, a);
    const y = load(rm, b);
    const [r, f] = op === 0 ? addWithCarry(x, y, c, n) : addWithCarry(x, ~y, c, n);
    exec(enc.adc(sf, op, s, rm, rn, rd));
    const what = `${op ? 'SBC' : 'ADC'}${s ? 'S' : ''} sf=${sf} ${hex(a)}, ${hex(b)} C=${c}`;
    const d = dest(rd);
    if (d !== undefined) assert.equal(d, r, what);
    assert.equal(nzcv(cpu), s ? f : f0, what + ' flags');
  }
  for (let i = 1; i < 64; i++) expectUndef((enc.adc(rndInt(2), rndInt(2), rndInt(2), 1, 2, 3) | (i << 10)) | 0);
});

// ---- conditional compare ---------------------------------------------------------------------

test('CCMN/CCMP (register, immediate): every condition and flag state', () => {
  for (const [a, b] of operandPairs(3000)) {
    const sf = rndInt(2);
    const n = sf ? 64 : 32;
    const op = rndInt(2);
    const imm = rndInt(2);
    const cond = rndInt(16);
    const nz = rndInt(16);
    const [rn, rm] = regs(2);
    scrub();
    const f0 = rndInt(16);
    setNzcv(cpu, f0);
    const x = load(rn, a);
    const imm5 = rndInt(32);
    const y = imm ? BigInt(imm5) : load(rm, b);
    const [, f] = op === 0 ? addWithCarry(x, y, 0n, n) : addWithCarry(x, ~y, 1n, n);
    exec(enc.ccmp(sf, op, 1, imm, imm ? imm5 : rm, cond, 0, rn, 0, nz));
    const expect = condHolds(cond, f0) ? f : nz;
    assert.equal(nzcv(cpu), expect, `${op ? 'CCMP' : 'CCMN'} sf=${sf} ${hex(a)}, ${hex(y)} cond ${cond} flags ${f0}`);
  }
  for (let i = 0; i < 100; i++) {
    expectUndef(enc.ccmp(rndInt(2), rndInt(2), 0, rndInt(2), 1, rndInt(16), 0, 2, 0, rndInt(16)));
    expectUndef(enc.ccmp(rndInt(2), rndInt(2), 1, rndInt(2), 1, rndInt(16), 1, 2, 0, rndInt(16)));
    expectUndef(enc.ccmp(rndInt(2), rndInt(2), 1, rndInt(2), 1, rndInt(16), 0, 2, 1, rndInt(16)));
  }
});

// ---- conditional select ----------------------------------------------------------------------

test('CSEL/CSINC/CSINV/CSNEG: every condition and flag state', () => {
  const names = ['CSEL', 'CSINC', 'CSINV', 'CSNEG'];
  for (const [a, b] of operandPairs(3000)) {
    const sf = rndInt(2);
    const n = sf ? 64 : 32;
    const k = rndInt(4);
    const cond = rndInt(16);
    const [rn, rm, rd] = regs(3);
    scrub();
    const f0 = rndInt(16);
    setNzcv(cpu, f0);
    const x = load(rn, a) & ones(n);
    let y = load(rm, b) & ones(n);
    if (k === 1) y = (y + 1n) & ones(n);
    if (k === 2) y = ~y & ones(n);
    if (k === 3) y = -y & ones(n);
    const r = condHolds(cond, f0) ? x : y;
    exec(enc.csel(sf, k >> 1, 0, rm, cond, k & 1, rn, rd));
    const d = dest(rd);
    if (d !== undefined) assert.equal(d, r, `${names[k]} sf=${sf} ${hex(a)}, ${hex(b)} cond ${cond} flags ${f0}`);
    assert.equal(nzcv(cpu), f0);
  }
  for (let i = 0; i < 100; i++) {
    expectUndef(enc.csel(rndInt(2), rndInt(2), 1, 1, rndInt(16), rndInt(2), 2, 3));
    expectUndef(enc.csel(rndInt(2), rndInt(2), 0, 1, rndInt(16), 2 + rndInt(2), 2, 3));
  }
});

// ---- data-processing (1 source) --------------------------------------------------------------

function bitRev(x: bigint, n: number): bigint {
  let r = 0n;
  for (let i = 0; i < n; i++) if ((x >> BigInt(i)) & 1n) r |= 1n << BigInt(n - 1 - i);
  return r;
}
/** Reverse the bytes inside each `container`-bit chunk (Arm ARM "REV16/REV32/REV" pseudocode). */
function revBytes(x: bigint, n: number, container: number): bigint {
  let r = 0n;
  for (let c = 0; c < n; c += container) {
    for (let b = 0; b < container; b += 8) {
      const byte = (x >> BigInt(c + b)) & 0xffn;
      r |= byte << BigInt(c + container - 8 - b);
    }
  }
  return r;
}
function clzRef(x: bigint, n: number): bigint {
  let c = 0n;
  for (let i = n - 1; i >= 0 && ((x >> BigInt(i)) & 1n) === 0n; i--) c++;
  return c;
}

test('RBIT/REV16/REV32/REV/CLZ/CLS; sf=0 REV (64), opcode2 != 0, S = 1 UNDEFINED', () => {
  const vals = [...EDGE];
  for (let i = 0; i < 64; i++) vals.push(1n << BigInt(i), M64 >> BigInt(i), (M64 << BigInt(i)) & M64);
  for (let i = 0; i < 2000; i++) vals.push(rnd64());
  for (const v of vals) {
    for (let sf = 0; sf < 2; sf++) {
      const n = sf ? 64 : 32;
      const x = v & ones(n);
      const opcodes = sf ? [0, 1, 2, 3, 4, 5] : [0, 1, 2, 4, 5];
      for (const opcode of opcodes) {
        const [rn, rd] = regs(2);
        scrub();
        const x = load(rn, v) & ones(n);
        exec(enc.dp1(sf, 0, 0, opcode, rn, rd));
        const d = dest(rd);
        if (d !== undefined) assert.equal(d, refDp1(opcode, x, n), `dp1 opcode ${opcode} sf=${sf} ${hex(x)}`);
      }
    }
  }
  expectUndef(enc.dp1(0, 0, 0, 3, 1, 2));
  for (let op = 6; op < 64; op++) expectUndef(enc.dp1(rndInt(2), 0, 0, op, 1, 2));
  for (let i = 0; i < 100; i++) {
    expectUndef(enc.dp1(rndInt(2), 1, rndInt(32), rndInt(64), 1, 2));
    const o2 = 2 + rndInt(30);
    expectUndef(enc.dp1(rndInt(2), 0, o2, rndInt(6), 1, 2));
  }
});

function refDp1(opcode: number, x: bigint, n: number): bigint {
  switch (opcode) {
    case 0: return bitRev(x, n);
    case 1: return revBytes(x, n, 16);
    case 2: return revBytes(x, n, 32);
    case 3: return revBytes(x, 64, 64);
    case 4: return clzRef(x, n);
    default: return clzRef(((x >> 1n) ^ x) & ones(n - 1), n - 1);
  }
}

// ---- data-processing (2 source) --------------------------------------------------------------

test('UDIV/SDIV: round toward zero, divide by zero = 0, INT_MIN / -1 = INT_MIN', () => {
  const pairs = operandPairs(4000);
  for (let i = 0; i < 1000; i++) pairs.push([rnd64() | (1n << 63n), BigInt(rndInt(100))], [rnd64(), rnd64() >> BigInt(rndInt(64))]);
  for (const [a, b] of pairs) {
    for (let sf = 0; sf < 2; sf++) {
      const n = sf ? 64 : 32;
      for (const signed of [0, 1]) {
        const [rn, rm, rd] = regs(3);
        scrub();
        const x = load(rn, a) & ones(n);
        const y = load(rm, rn === rm ? a : b) & ones(n);
        let r: bigint;
        if (y === 0n) r = 0n;
        else if (signed) r = BigInt.asUintN(n, sint(x, n) / sint(y, n));
        else r = x / y;
        exec(enc.dp2(sf, 0, rm, 2 + signed, rn, rd));
        const d = dest(rd);
        if (d !== undefined) assert.equal(d, r, `${signed ? 'S' : 'U'}DIV sf=${sf} ${hex(x)} / ${hex(y)}`);
      }
    }
  }
});

test('LSLV/LSRV/ASRV/RORV: amount = Rm MOD datasize', () => {
  const amounts = [0n, 1n, 31n, 32n, 33n, 63n, 64n, 65n, 0xffffffffn, M64, 0x100000020n];
  for (let i = 0; i < 6000; i++) {
    const sf = rndInt(2);
    const n = sf ? 64 : 32;
    const type = rndInt(4);
    const [rn, rm, rd] = regs(3);
    scrub();
    const a = rnd64();
    const b = i < 2000 ? amounts[i % amounts.length] : rnd64();
    const x = load(rn, a);
    const amt = load(rm, b);
    const r = shiftRef(x, type, Number(amt % BigInt(n)), n);
    exec(enc.dp2(sf, 0, rm, 8 + type, rn, rd));
    const d = dest(rd);
    if (d !== undefined) assert.equal(d, r, `${['LSLV', 'LSRV', 'ASRV', 'RORV'][type]} sf=${sf} ${hex(a)} by ${hex(b)}`);
  }
});

/** Poly32Mod2() and the CRC32 pseudocode, literally. */
function poly32Mod2(data: bigint, n: number, poly: bigint): bigint {
  for (let i = n - 1; i >= 32; i--) {
    if ((data >> BigInt(i)) & 1n) data ^= poly << BigInt(i - 32);
  }
  return data & 0xffffffffn;
}
function crcRef(acc: bigint, val: bigint, size: number, c: boolean): bigint {
  const poly = c ? 0x1edc6f41n : 0x04c11db7n;
  const tempacc = bitRev(acc & 0xffffffffn, 32) << BigInt(size);
  const tempval = bitRev(val & ones(size), size) << 32n;
  return bitRev(poly32Mod2(tempacc ^ tempval, size + 32, poly), 32);
}

test('CRC32B/H/W/X and CRC32CB/H/W/X against Poly32Mod2()', () => {
  for (let i = 0; i < 4000; i++) {
    const sz = rndInt(4);
    const c = rndInt(2);
    const [rn, rm, rd] = regs(3);
    scrub();
    const acc = load(rn, rnd64());
    const val = load(rm, rnd64());
    exec(enc.dp2(sz === 3 ? 1 : 0, 0, rm, 0b010000 | (c << 2) | sz, rn, rd));
    const d = dest(rd);
    if (d !== undefined) assert.equal(d, crcRef(acc, val, 8 << sz, c === 1), `CRC32${c ? 'C' : ''} sz=${sz}`);
  }
  // Known answers: CRC-32 and CRC-32C of "123456789" (init and final XOR 0xffffffff).
  const bytes = [...'123456789'].map((ch) => ch.charCodeAt(0));
  for (const [c, check] of [[0, 0xcbf43926n], [1, 0xe3069283n]] as const) {
    setX(cpu, 0, 0xffffffffn);
    for (const b of bytes) {
      setX(cpu, 1, BigInt(b));
      exec(enc.dp2(0, 0, 1, 0b010000 | (c << 2), 0, 0));
    }
    assert.equal(getX(cpu, 0) ^ 0xffffffffn, check);
  }
  // Size/sf mismatches are unallocated.
  for (let sz = 0; sz < 4; sz++) expectUndef(enc.dp2(sz === 3 ? 0 : 1, 0, 1, 0b010000 | (rndInt(2) << 2) | sz, 2, 3));
});

test('CRC32 is UNDEFINED without FEAT_CRC32 (ID_AA64ISAR0_EL1.CRC32 = 0)', () => {
  const m2 = makeMachine();
  m2.cpu.setSr(SR.VBAR_EL1, m2.ramBase + 0x10000, 0);
  const i = idRegIndex(6, 0);
  m2.cpu.idRegs[i] &= ~(0xf << 16);
  m2.cpu.updateFeatures();
  runWords(m2, [enc.dp2(0, 0, 1, 0b010000, 2, 3)], 1);
  assert.equal(getPC(m2.cpu), BigInt(m2.ramBase + 0x10000 + 0x200));
  assert.equal(m2.cpu.s[srIndex(SR.ESR_EL1)] >>> 0, 0x02000000);
});

test('data-processing (2 source): unallocated opcodes UNDEFINED', () => {
  const allocated = new Set([2, 3, 8, 9, 10, 11, 16, 17, 18, 20, 21, 22]);
  for (let op = 0; op < 64; op++) {
    if (!allocated.has(op)) {
      // FEAT_PAuth PACGA (op 12, sf=1), FEAT_MTE (0, 4, 5), FEAT_CSSC (24..27) live elsewhere or nowhere.
      const row = findRow(enc.dp2(0, 0, 1, op, 2, 3));
      assert.equal(row, undefined, `sf=0 opcode ${op}`);
    }
    if (!allocated.has(op) && op !== 19 && op !== 23) {
      const row = findRow(enc.dp2(1, 0, 1, op, 2, 3));
      assert.ok(row === undefined || row.name.startsWith('PAC'), `sf=1 opcode ${op}`);
    }
    expectUndef(enc.dp2(rndInt(2), 1, 1, op, 2, 3));
  }
  expectUndef(enc.dp2(0, 0, 1, 1, 2, 3));
  expectUndef(enc.dp2(1, 0, 1, 6, 2, 3));
});

// ---- data-processing (3 source) --------------------------------------------------------------

test('MADD/MSUB, SMADDL/SMSUBL/UMADDL/UMSUBL, SMULH/UMULH', () => {
  const names: Record<number, string> = { 0: 'MADD', 1: 'MSUB', 2: 'SMADDL', 3: 'SMSUBL', 4: 'SMULH', 10: 'UMADDL', 11: 'UMSUBL', 12: 'UMULH' };
  for (const [a, b] of operandPairs(5000)) {
    for (const key of [0, 1, 2, 3, 4, 10, 11, 12]) {
      const op31 = key >> 1;
      const o0 = key & 1;
      const sf = op31 === 0 ? rndInt(2) : 1;
      const n = sf ? 64 : 32;
      const [rn, rm, ra, rd] = regs(4);
      scrub();
      const c = rnd64();
      const x = load(rn, a);
      const y = load(rm, b);
      const acc = op31 === 2 || op31 === 6 ? 0n : load(ra, c);
      let r: bigint;
      if (op31 === 0) r = o0 ? acc - x * y : acc + x * y;
      else if (op31 === 1 || op31 === 5) {
        const p = op31 === 1 ? sint(x & 0xffffffffn, 32) * sint(y & 0xffffffffn, 32) : (x & 0xffffffffn) * (y & 0xffffffffn);
        r = o0 ? acc - p : acc + p;
      } else if (op31 === 2) r = (sint(x, 64) * sint(y, 64)) >> 64n;
      else r = (x * y) >> 64n;
      r = BigInt.asUintN(n, r);
      exec(enc.dp3(sf, 0, op31, rm, o0, op31 === 2 || op31 === 6 ? 31 : ra, rn, rd));
      const d = dest(rd);
      if (d !== undefined) assert.equal(d, r, `${names[key]} sf=${sf} ${hex(x)} * ${hex(y)} + ${hex(acc)}`);
    }
  }
  // SMULH/UMULH ignore a non-31 Ra (CONSTRAINED UNPREDICTABLE: behave as if Ra = 31).
  setX(cpu, 1, M64);
  setX(cpu, 2, 2n);
  setX(cpu, 4, 12345n);
  exec(enc.dp3(1, 0, 2, 2, 0, 4, 1, 3));
  assert.equal(getX(cpu, 3), M64);
  exec(enc.dp3(1, 0, 6, 2, 0, 4, 1, 3));
  assert.equal(getX(cpu, 3), 1n);
});

test('data-processing (3 source): unallocated encodings UNDEFINED', () => {
  const allocated64 = new Set([0, 1, 2, 3, 4, 10, 11, 12]); // op31:o0
  for (let sf = 0; sf < 2; sf++)
    for (let op54 = 0; op54 < 4; op54++)
      for (let op31 = 0; op31 < 8; op31++)
        for (let o0 = 0; o0 < 2; o0++) {
          const ok = op54 === 0 && (sf ? allocated64.has((op31 << 1) | o0) : op31 === 0);
          if (!ok) expectUndef(enc.dp3(sf, op54, op31, 1, o0, 31, 2, 3));
        }
});

// ---- assembler cross-check -------------------------------------------------------------------

test('GNU as spellings decode to the expected rows and results', () => {
  const src = [
    'mov x1, x2', // ORR (shifted register)
    'mvn w3, w2', // ORN
    'neg x4, x2, lsl #1', // SUB (shifted register)
    'add x5, sp, w2, uxtw #2', // ADD (extended register)
    'cmp x2, #0', // SUBS (immediate) - flags for the next two
    'cset w6, ne', // CSINC
    'cneg x7, x2, lt', // CSNEG
    'mul x8, x2, x2', // MADD
    'umulh x9, x2, x2',
    'sdiv x10, x2, x4',
    'rev x11, x2',
    'clz w12, w2',
    'crc32cx w13, w13, x2',
    'ccmp x2, #3, #0b1000, eq',
  ].join('\n');
  const words = assemble(src);
  const names = [...words].map((w) => findRow(w | 0)?.name);
  assert.deepEqual(names, ['ORR_sr_x', 'ORN_sr_w', 'SUB_sr_x', 'ADD_er_x', 'SUBS_i_x', 'CSINC_w', 'CSNEG_x', 'MADD_x', 'UMULH', 'SDIV_x', 'REV_x', 'CLZ_w', 'CRC32CX', 'CCMP_i_x']);
  const x2 = 0xfffffffffffffff9n; // -7
  setX(cpu, 2, x2);
  setX(cpu, 13, 0n);
  setSP(cpu, 0x40000000n);
  assert.equal(runWords(m, words), Stop.BUDGET);
  assert.equal(getX(cpu, 1), x2);
  assert.equal(getX(cpu, 3), 6n);
  assert.equal(getX(cpu, 4), 14n);
  assert.equal(getX(cpu, 5), 0x40000000n + (0xfffffff9n << 2n));
  assert.equal(getX(cpu, 6), 1n);
  assert.equal(getX(cpu, 7), 7n);
  assert.equal(getX(cpu, 8), 49n);
  assert.equal(getX(cpu, 9), (x2 * x2) >> 64n);
  assert.equal(getX(cpu, 10), 0n); // -7 / 14 rounds toward zero
  assert.equal(getX(cpu, 11), 0xf9ffffffffffffffn);
  assert.equal(getX(cpu, 12), 0n);
  assert.equal(getX(cpu, 13), crcRef(0n, x2, 64, true));
  assert.equal(nzcv(cpu), 0b1000); // ne after cmp: ccmp not done, flags = #0b1000
});
