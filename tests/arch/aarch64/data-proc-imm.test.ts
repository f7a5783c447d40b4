/**
 * A64 data processing - immediate (Arm ARM C4.1.92) through the real CPU: every instruction
 * against a BigInt model of its pseudocode, over edge operands, every bitmask immediate and
 * bitfield (immr, imms) pair, and random operands. Unallocated/reserved encodings must take an
 * Undefined Instruction exception.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMachine, runWords, loadWords, getX, setX, getSP, setSP, getPC, nzcv, setNzcv } from '../../helpers/machine.js';
import { assemble } from '../../helpers/asm.js';
import { Stop } from '../../../src/arch/aarch64/cpu.js';
import { S, SR } from '../../../src/arch/aarch64/state.js';
import { run } from '../../../src/arch/aarch64/run.js';
import { findRow } from '../../../src/arch/aarch64/decode/table.js';
import { adr, adrp } from '../../../src/arch/aarch64/exec/data-proc-imm.js';

const M64 = (1n << 64n) - 1n;

const m = makeMachine();
const cpu = m.cpu;
const VBAR = m.ramBase + 0x10000;
cpu.setSr(SR.VBAR_EL1, VBAR, 0);

let seed = 0x2545f491;
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
  0n, 1n, 2n, 0x7fn, 0xfffn, 0x1000n, 0x7fffffffn, 0x80000000n, 0x80000001n, 0xfffff000n, 0xffffffffn,
  0x100000000n, 0x1ffffffffn, 0x7fffffffffffffffn, 0x8000000000000000n, 0x8000000000000fffn, 0xfffffffffffff000n,
  0xfffffffffffffffen, M64, 0xffffffff00000000n, 0x00000000fffff001n, 0xdeadbeefcafebaben,
];
function rnd64(): bigint {
  if (rndInt(4) === 0) return EDGE[rndInt(EDGE.length)];
  return (BigInt(rnd()) << 32n) | BigInt(rnd());
}

function hex(v: number | bigint): string {
  return '0x' + (typeof v === 'number' ? (v >>> 0).toString(16) : v.toString(16));
}

/** Run one instruction at RAM start; it must complete without an exception. */
function exec(insn: number): void {
  const stop = runWords(m, [insn], 1);
  assert.equal(stop, Stop.BUDGET);
  assert.equal(getPC(cpu), BigInt(m.ramBase + 4), `${hex(insn)} raised an exception`);
}

/** Run one instruction: it must take an Undefined Instruction exception (EC 0). */
function expectUndef(insn: number): void {
  cpu.setSr(SR.ESR_EL1, 0, 0);
  runWords(m, [insn], 1);
  assert.equal(getPC(cpu), BigInt(VBAR + 0x200), `${hex(insn)} should be UNDEFINED`);
  assert.equal(cpu.sr(SR.ESR_EL1) >>> 0, 0x02000000, `${hex(insn)}: ESR_EL1 EC 0, IL 1`);
}

/** Fill X0..X30 with recognisable junk so stray writes show up. */
function scrub(): void {
  for (let i = 0; i < 31; i++) setX(cpu, i, 0x5a5a000000000000n + BigInt(i));
}

function regsDistinct(count: number): number[] {
  const out: number[] = [];
  while (out.length < count) {
    const r = rndInt(31);
    if (!out.includes(r)) out.push(r);
  }
  return out;
}

/** AddWithCarry() for N bits: [result, NZCV]. */
function addWithCarry(x: bigint, y: bigint, c: bigint, n: number): [bigint, number] {
  const mask = (1n << BigInt(n)) - 1n;
  const usum = (x & mask) + (y & mask) + c;
  const ssum = BigInt.asIntN(n, x) + BigInt.asIntN(n, y) + c;
  const r = usum & mask;
  const N = Number(r >> BigInt(n - 1));
  return [r, (N << 3) | ((r === 0n ? 1 : 0) << 2) | ((r === usum ? 0 : 1) << 1) | (BigInt.asIntN(n, r) === ssum ? 0 : 1)];
}

// ---- encoders --------------------------------------------------------------------------------

function encAddSubImm(sf: number, op: number, s: number, sh: number, imm12: number, rn: number, rd: number): number {
  return ((sf << 31) | (op << 30) | (s << 29) | (0b100010 << 23) | (sh << 22) | (imm12 << 10) | (rn << 5) | rd) | 0;
}
function encLogImm(sf: number, opc: number, n: number, immr: number, imms: number, rn: number, rd: number): number {
  return ((sf << 31) | (opc << 29) | (0b100100 << 23) | (n << 22) | (immr << 16) | (imms << 10) | (rn << 5) | rd) | 0;
}
function encMovW(sf: number, opc: number, hw: number, imm16: number, rd: number): number {
  return ((sf << 31) | (opc << 29) | (0b100101 << 23) | (hw << 21) | (imm16 << 5) | rd) | 0;
}
function encBitfield(sf: number, opc: number, n: number, immr: number, imms: number, rn: number, rd: number): number {
  return ((sf << 31) | (opc << 29) | (0b100110 << 23) | (n << 22) | (immr << 16) | (imms << 10) | (rn << 5) | rd) | 0;
}
function encExtr(sf: number, op21: number, n: number, o0: number, rm: number, imms: number, rn: number, rd: number): number {
  return ((sf << 31) | (op21 << 29) | (0b100111 << 23) | (n << 22) | (o0 << 21) | (rm << 16) | (imms << 10) | (rn << 5) | rd) | 0;
}
function encAdr(op: number, imm21: number, rd: number): number {
  return ((op << 31) | ((imm21 & 3) << 29) | (0b10000 << 24) | (((imm21 >> 2) & 0x7ffff) << 5) | rd) | 0;
}

// ---- reference models (Arm ARM J1 pseudocode) -------------------------------------------------

function ones(n: number): bigint {
  return (1n << BigInt(n)) - 1n;
}
function rorN(x: bigint, r: number, n: number): bigint {
  const rb = BigInt(r % n);
  return ((x >> rb) | (x << (BigInt(n) - rb))) & ones(n);
}
function replicate(x: bigint, esize: number, m: number): bigint {
  let r = 0n;
  for (let i = 0; i < m; i += esize) r |= x << BigInt(i);
  return r;
}

/** DecodeBitMasks(immN, imms, immr, immediate, M): [wmask, tmask], or undefined = UNDEFINED. */
function decodeBitMasks(immN: number, imms: number, immr: number, immediate: boolean, M: number): [bigint, bigint] | undefined {
  const v = (immN << 6) | (~imms & 63);
  let len = -1;
  for (let i = 6; i >= 0; i--) if ((v >> i) & 1) { len = i; break; }
  if (len < 1) return undefined;
  assert.ok(M >= 1 << len);
  const levels = (1 << len) - 1;
  if (immediate && (imms & levels) === levels) return undefined;
  const sv = imms & levels;
  const rv = immr & levels;
  const diff = (sv - rv) & 63;
  const esize = 1 << len;
  const d = diff & levels;
  const welem = ones(sv + 1);
  const telem = ones(d + 1);
  return [replicate(rorN(welem, rv, esize), esize, M), replicate(telem, esize, M)];
}

/** SBFM (opc 0), BFM (1), UBFM (2) per the pseudocode (C6.2 "BFM"/"SBFM"/"UBFM"). */
function bitfieldRef(opc: number, datasize: number, n: number, immr: number, imms: number, dst0: bigint, src0: bigint): bigint {
  const [wmask, tmask] = decodeBitMasks(n, imms, immr, false, datasize)!;
  const mask = ones(datasize);
  const inzero = opc !== 1;
  const extend = opc === 0;
  const dst = inzero ? 0n : dst0 & mask;
  const src = src0 & mask;
  const bot = (dst & ~wmask & mask) | (rorN(src, immr, datasize) & wmask);
  const top = extend ? (((src >> BigInt(imms)) & 1n) !== 0n ? mask : 0n) : dst;
  return ((top & ~tmask) | (bot & tmask)) & mask;
}

// ---- tests -----------------------------------------------------------------------------------

test('ADD/ADDS/SUB/SUBS (immediate): results, NZCV, LSL #12, SP and ZR as register 31', () => {
  const imms = [0, 1, 2, 0x7ff, 0x800, 0xfff];
  let count = 0;
  const one = (sf: number, op: number, s: number, sh: number, imm12: number, x: bigint, rn: number, rd: number) => {
    scrub();
    const flagsBefore = rndInt(16);
    setNzcv(cpu, flagsBefore);
    const spBefore = 0x40008000n + BigInt(rndInt(4096));
    setSP(cpu, spBefore);
    if (rn === 31) setSP(cpu, x);
    else setX(cpu, rn, x);
    const datasize = sf ? 64 : 32;
    const imm = BigInt(imm12) << (sh ? 12n : 0n);
    const [r, f] = op === 0 ? addWithCarry(x, imm, 0n, datasize) : addWithCarry(x, ~imm & M64, 1n, datasize);
    const before = getX(cpu, 5);
    exec(encAddSubImm(sf, op, s, sh, imm12, rn, rd));
    const what = `${['ADD', 'SUB'][op]}${s ? 'S' : ''} sf=${sf} ${hex(x)} #${hex(imm12)} sh=${sh}`;
    if (rd === 31) {
      if (s) assert.equal(getSP(cpu), rn === 31 ? x : spBefore, what + ': SP untouched by Rd=ZR');
      else assert.equal(getSP(cpu), r, what + ' -> SP');
    } else {
      assert.equal(getX(cpu, rd), r, what);
    }
    if (rd !== 5 && rn !== 5) assert.equal(getX(cpu, 5), before);
    assert.equal(nzcv(cpu), s ? f : flagsBefore, what + ' flags');
    count++;
  };
  for (let sf = 0; sf < 2; sf++)
    for (let op = 0; op < 2; op++)
      for (let s = 0; s < 2; s++)
        for (let sh = 0; sh < 2; sh++)
          for (const imm12 of imms)
            for (const x of EDGE) {
              const [rn, rd] = regsDistinct(2);
              one(sf, op, s, sh, imm12, x, rn, rd);
            }
  for (let i = 0; i < 4000; i++) {
    const [rn, rd] = regsDistinct(2);
    const k = rndInt(8);
    one(rnd() & 1, rnd() & 1, rnd() & 1, rnd() & 1, rndInt(4096), rnd64(), k === 0 ? 31 : rn, k === 1 ? 31 : k === 2 ? rn : rd);
  }
  assert.ok(count > 3000);
});

test('logical (immediate): every N:immr:imms, DecodeBitMasks() and reserved immediates UNDEFINED', () => {
  for (let sf = 0; sf < 2; sf++) {
    for (let opc = 0; opc < 4; opc++) {
      for (let i = 0; i < 8192; i++) {
        // All encodings for AND (sf=1) and ANDS; a quarter (random) of the others.
        if (!(opc === 3 || (opc === 0 && sf === 1)) && (rnd() & 3) !== 0) continue;
        const n = i >> 12;
        const immr = (i >> 6) & 63;
        const imms = i & 63;
        const [rn, rd0] = regsDistinct(2);
        const rd = rndInt(16) === 0 ? 31 : rd0;
        const insn = encLogImm(sf, opc, n, immr, imms, rn, rd);
        const datasize = sf ? 64 : 32;
        const bm = sf === 0 && n === 1 ? undefined : decodeBitMasks(n, imms, immr, true, datasize);
        if (bm === undefined) {
          expectUndef(insn);
          continue;
        }
        const imm = bm[0];
        const x = rnd64();
        scrub();
        setX(cpu, rn, x);
        setSP(cpu, 0x40008000n);
        setNzcv(cpu, 0b0011);
        const xv = x & ones(datasize);
        const r = opc === 1 ? xv | imm : opc === 2 ? xv ^ imm : xv & imm;
        exec(insn);
        const what = `${['AND', 'ORR', 'EOR', 'ANDS'][opc]} sf=${sf} N=${n} immr=${immr} imms=${imms}`;
        if (rd === 31) assert.equal(getSP(cpu), opc === 3 ? 0x40008000n : r, what + ' (register 31)');
        else assert.equal(getX(cpu, rd), r, what);
        const f = opc === 3 ? (Number(r >> BigInt(datasize - 1)) << 3) | ((r === 0n ? 1 : 0) << 2) : 0b0011;
        assert.equal(nzcv(cpu), f, what + ' flags');
      }
    }
  }
  // Rn = 31 is ZR: ORR Xd, XZR, #imm is MOV (bitmask immediate).
  setSP(cpu, 0x1234n);
  exec(encLogImm(1, 1, 0, 0, 0b111100, 31, 3)); // N=0 imms=111100: esize 2, element 0b01
  assert.equal(getX(cpu, 3), 0x5555555555555555n);
  assert.equal(getSP(cpu), 0x1234n);
});

test('MOVN/MOVZ/MOVK: every hw, sf=0 hw>=2 and opc=01 UNDEFINED', () => {
  const vals = [0, 1, 0x7fff, 0x8000, 0xffff, 0x1234];
  for (let sf = 0; sf < 2; sf++) {
    for (const opc of [0, 1, 2, 3]) {
      for (let hw = 0; hw < 4; hw++) {
        for (const imm16 of [...vals, rndInt(65536)]) {
          const rd = rndInt(31);
          const insn = encMovW(sf, opc, hw, imm16, rd);
          if (opc === 1 || (sf === 0 && hw >= 2)) {
            expectUndef(insn);
            continue;
          }
          const old = rnd64();
          setX(cpu, rd, old);
          const datasize = sf ? 64 : 32;
          const pos = BigInt(hw * 16);
          const v = BigInt(imm16) << pos;
          let r: bigint;
          if (opc === 0) r = ~v & ones(datasize);
          else if (opc === 2) r = v;
          else r = ((old & ~(0xffffn << pos)) | v) & ones(datasize);
          exec(insn);
          assert.equal(getX(cpu, rd), r, `opc=${opc} sf=${sf} hw=${hw} ${hex(imm16)}`);
        }
      }
    }
  }
  // Rd = 31 is ZR: nothing is written (SP untouched).
  setSP(cpu, 0x40001000n);
  exec(encMovW(1, 2, 0, 0x1234, 31));
  exec(encMovW(1, 3, 0, 0x1234, 31));
  assert.equal(getSP(cpu), 0x40001000n);
});

test('ADR/ADRP: offsets from the address of the instruction itself', () => {
  const imms = [0, 1, 2, 3, 4, -1, -2, -4, 0xfffff, -0x100000, 0x12345, -0x54321];
  for (let i = 0; i < 200; i++) imms.push((rnd() << 11) >> 11);
  for (const imm of imms) {
    for (const at of [0, 4, 0xffc, 0x1000, 0x7f4]) {
      const addr = m.ramBase + at;
      const pc = BigInt(addr);
      const rd = rndInt(31);
      for (const op of [0, 1]) {
        const insn = encAdr(op, imm, rd);
        loadWords(m, addr, [insn]);
        cpu.s[S.PC] = addr | 0;
        cpu.s[S.PC_HI] = 0;
        assert.equal(run(cpu, 1), Stop.BUDGET);
        const expect = op === 0 ? (pc + BigInt(imm)) & M64 : ((pc & ~0xfffn) + (BigInt(imm) << 12n)) & M64;
        assert.equal(getX(cpu, rd), expect, `${op ? 'ADRP' : 'ADR'} ${imm} at ${hex(addr)}`);
        assert.equal(getPC(cpu), pc + 4n);
      }
    }
  }
});

test('ADR/ADRP executors with 64-bit PCs: carries and borrows across bit 32 and bit 64', () => {
  // The executors only see s[S.PC] = address of the next instruction; drive them directly.
  const pcs = [0n, 4n, 0xffcn, 0x1000n, 0xfffffffcn, 0x100000000n, 0xfffff000n, 0x1fffff000n, 0x7ffffffffffff000n, 0xfffffffffffffffcn, 0xfffffffffff00000n];
  const imms = [0, 1, -1, 4, -4, 0xfffff, -0x100000, 0x80000, -0x80000];
  for (let i = 0; i < 100; i++) imms.push((rnd() << 11) >> 11);
  for (const cur of pcs) {
    for (const imm of imms) {
      const next = (cur + 4n) & M64;
      cpu.s[S.PC] = Number(next & 0xffffffffn) | 0;
      cpu.s[S.PC_HI] = Number(next >> 32n) | 0;
      adr(cpu, encAdr(0, imm, 3));
      assert.equal(getX(cpu, 3), (cur + BigInt(imm)) & M64, `ADR ${imm} at ${hex(cur)}`);
      adrp(cpu, encAdr(1, imm, 4));
      assert.equal(getX(cpu, 4), ((cur & ~0xfffn) + (BigInt(imm) << 12n)) & M64, `ADRP ${imm} at ${hex(cur)}`);
    }
  }
});

test('SBFM/BFM/UBFM: every (immr, imms) against the DecodeBitMasks(wmask, tmask) pseudocode', () => {
  for (let sf = 0; sf < 2; sf++) {
    const datasize = sf ? 64 : 32;
    for (let opc = 0; opc < 3; opc++) {
      for (let immr = 0; immr < datasize; immr++) {
        for (let imms = 0; imms < datasize; imms++) {
          const [rn, rd0] = regsDistinct(2);
          const rd = (rnd() & 15) === 0 ? rn : rd0; // sometimes Rd = Rn
          const src = rnd64();
          const dst = rd === rn ? src : rnd64();
          setX(cpu, rd, dst);
          setX(cpu, rn, src);
          exec(encBitfield(sf, opc, sf, immr, imms, rn, rd));
          const r = bitfieldRef(opc, datasize, sf, immr, imms, dst, src);
          assert.equal(getX(cpu, rd), r, `${['SBFM', 'BFM', 'UBFM'][opc]} sf=${sf} #${immr}, #${imms} src=${hex(src)} dst=${hex(dst)}`);
        }
      }
    }
  }
  // Rn = 31 reads ZR, Rd = 31 writes nothing.
  setSP(cpu, 0x40002000n);
  setX(cpu, 4, M64);
  exec(encBitfield(1, 1, 1, 0, 7, 31, 4)); // BFXIL x4, xzr, #0, #8
  assert.equal(getX(cpu, 4), M64 - 0xffn);
  exec(encBitfield(1, 2, 1, 0, 7, 4, 31));
  assert.equal(getSP(cpu), 0x40002000n);
});

test('bitfield unallocated: opc=11, N != sf, sf=0 with immr<5> or imms<5> set', () => {
  for (let i = 0; i < 300; i++) {
    const immr = rndInt(64);
    const imms = rndInt(64);
    expectUndef(encBitfield(1, 3, 1, immr, imms, 1, 2));
    expectUndef(encBitfield(0, 3, 0, immr & 31, imms & 31, 1, 2));
    expectUndef(encBitfield(1, rndInt(3), 0, immr, imms, 1, 2));
    expectUndef(encBitfield(0, rndInt(3), 1, immr, imms, 1, 2));
    expectUndef(encBitfield(0, rndInt(3), 0, immr | 32, imms, 1, 2));
    expectUndef(encBitfield(0, rndInt(3), 0, immr, imms | 32, 1, 2));
  }
});

test('EXTR (and ROR (immediate)): every lsb; N != sf, sf=0 imms<5>, o0, op21 UNDEFINED', () => {
  for (let sf = 0; sf < 2; sf++) {
    const datasize = sf ? 64 : 32;
    for (let rep = 0; rep < 20; rep++) {
      for (let lsb = 0; lsb < datasize; lsb++) {
        const [rn, rm0, rd0] = regsDistinct(3);
        const rm = rep === 0 ? rn : rm0;
        const rd = rep === 1 ? rn : rep === 2 ? 31 : rd0;
        const a = rnd64();
        const b = rm === rn ? a : rnd64();
        setX(cpu, rn, a);
        setX(cpu, rm, b);
        setSP(cpu, 0x40003000n);
        exec(encExtr(sf, 0, sf, 0, rm, lsb, rn, rd));
        const mask = ones(datasize);
        const concat = ((a & mask) << BigInt(datasize)) | (b & mask);
        const r = (concat >> BigInt(lsb)) & mask;
        if (rd === 31) assert.equal(getSP(cpu), 0x40003000n);
        else assert.equal(getX(cpu, rd), r, `EXTR sf=${sf} lsb=${lsb}`);
      }
    }
  }
  for (let i = 0; i < 64; i++) {
    expectUndef(encExtr(1, 0, 0, 0, 1, i, 2, 3));
    expectUndef(encExtr(0, 0, 1, 0, 1, i, 2, 3));
    expectUndef(encExtr(rndInt(2), 0, 0, 1, 1, i & 31, 2, 3));
    expectUndef(encExtr(1, 1 + rndInt(3), 1, 0, 1, i, 2, 3));
    if (i >= 32) expectUndef(encExtr(0, 0, 0, 0, 1, i, 2, 3));
  }
});

test('add/subtract (immediate, with tags) (MTE) stays unallocated', () => {
  for (let i = 0; i < 50; i++) {
    const insn = ((1 << 31) | (rndInt(4) << 29) | (0b100011 << 23) | (rnd() & 0x7fffff)) | 0;
    expectUndef(insn);
  }
});

test('GNU as spellings decode to the expected rows and results', () => {
  const src = [
    'mov x0, #0x12340000',
    'mov w1, #-2',
    'movk x0, #0xbeef, lsl #48',
    'mov x2, #0x00ff00ff00ff00ff',
    'lsl x3, x0, #4',
    'asr w4, w1, #1',
    'sxtw x5, w1',
    'ubfx x6, x0, #16, #8',
    'bfi x7, x0, #56, #8',
    'ror x8, x0, #12',
    'tst x2, #0xff',
    'cmp x0, #0x123, lsl #12',
    'add sp, sp, #16',
    'sub x9, sp, #1',
  ].join('\n');
  const words = assemble(src);
  const names = [...words].map((w) => findRow(w | 0)?.name);
  assert.deepEqual(names, ['MOVZ_x', 'MOVN_w', 'MOVK_x', 'ORR_i_x', 'UBFM_x', 'SBFM_w', 'SBFM_x', 'UBFM_x', 'BFM_x', 'EXTR_x', 'ANDS_i_x', 'SUBS_i_x', 'ADD_i_x', 'SUB_i_x']);
  setX(cpu, 7, 0x1111111111111111n);
  setSP(cpu, 0x40004000n);
  assert.equal(runWords(m, words), Stop.BUDGET);
  const x0 = 0xbeef000012340000n;
  assert.equal(getX(cpu, 0), x0);
  assert.equal(getX(cpu, 1), 0xfffffffen);
  assert.equal(getX(cpu, 2), 0x00ff00ff00ff00ffn);
  assert.equal(getX(cpu, 3), (x0 << 4n) & M64);
  assert.equal(getX(cpu, 4), 0xffffffffn);
  assert.equal(getX(cpu, 5), M64 - 1n);
  assert.equal(getX(cpu, 6), 0x34n);
  assert.equal(getX(cpu, 7), 0x0011111111111111n);
  assert.equal(getX(cpu, 8), ((x0 >> 12n) | (x0 << 52n)) & M64);
  assert.equal(getSP(cpu), 0x40004010n);
  assert.equal(getX(cpu, 9), 0x4000400fn);
  assert.equal(nzcv(cpu), 0b1010); // cmp x0, #0x123000: no borrow (C), result bit 63 set (N)
});
