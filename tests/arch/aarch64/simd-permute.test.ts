/**
 * Advanced SIMD permute (ZIP/UZP/TRN), EXT, TBL/TBX, copy (DUP, INS, UMOV, SMOV) and modified immediate (MOVI, MVNI, ORR, BIC, FMOV), through the real CPU: every
 * instruction against a lane-by-lane BigInt model of its pseudocode (Arm ARM C7.2), over edge
 * lanes (0, 1, -1, MIN, MAX, MIN+1, MAX-1, small shift amounts) and random ones, in every
 * arrangement, checking the whole 128-bit destination (Q = 0 zeroes the top half) and FPSR.QC.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeMachine, runWords, getPC, getX, setX } from '../../helpers/machine.js';
import { assemble } from '../../helpers/asm.js';
import { S, SR } from '../../../src/arch/aarch64/state.js';
import { simdHarness, QC, ESIZE, ALL, mask, sx, lane } from '../../helpers/simd.js';

const { cpu, rnd, rndBig, setV, getV, exec, expectUndef, edge, vec } = simdHarness();
import { max } from '../../../src/arch/aarch64/cpus/max.js';

const arrInfo = (arr: string): [number, number, number] => {
  const e = ESIZE[arr.slice(-1)];
  const n = parseInt(arr);
  return [e, n, n * e === 128 ? 1 : 0];
};
const pack = (ls: bigint[], e: number): bigint => ls.reduce((acc, x, i) => acc | ((x & mask(e)) << BigInt(e * i)), 0n);

test('ZIP1/ZIP2, UZP1/UZP2, TRN1/TRN2: every arrangement against the pseudocode', () => {
  const names = ['ZIP1', 'ZIP2', 'UZP1', 'UZP2', 'TRN1', 'TRN2'];
  const srcs = names.flatMap((nm) => ALL.map((a) => `${nm} v0.${a}, v1.${a}, v2.${a}`));
  const w = assemble(srcs.join('\n'));
  srcs.forEach((src, k) => {
    const name = names[Math.floor(k / ALL.length)];
    const [e, n] = arrInfo(ALL[k % ALL.length]);
    const part = name.endsWith('2') ? 1 : 0;
    for (let it = 0; it < 20; it++) {
      const vn = rndBig(128);
      const vm = rndBig(128);
      setV(1, vn);
      setV(2, vm);
      setV(0, rndBig(128));
      exec(w[k], src);
      const a = (i: number): bigint => lane(vn, e, i);
      const b = (i: number): bigint => lane(vm, e, i);
      const r: bigint[] = [];
      for (let p = 0; p < n / 2; p++) {
        if (name.startsWith('ZIP')) {
          r[2 * p] = a(part * (n / 2) + p);
          r[2 * p + 1] = b(part * (n / 2) + p);
        } else if (name.startsWith('TRN')) {
          r[2 * p] = a(2 * p + part);
          r[2 * p + 1] = b(2 * p + part);
        }
      }
      if (name.startsWith('UZP')) {
        const cat = (i: number): bigint => (i < n ? a(i) : b(i - n));
        for (let i = 0; i < n; i++) r[i] = cat(2 * i + part);
      }
      assert.equal(getV(0), pack(r, e), src);
    }
  });
});

test('EXT: every position, both widths', () => {
  const srcs: string[] = [];
  for (let p = 0; p < 8; p++) srcs.push(`ext v0.8b, v1.8b, v2.8b, #${p}`);
  for (let p = 0; p < 16; p++) srcs.push(`ext v0.16b, v1.16b, v2.16b, #${p}`);
  const w = assemble(srcs.join('\n'));
  srcs.forEach((src, k) => {
    const q = k >= 8 ? 1 : 0;
    const pos = q ? k - 8 : k;
    const ds = 64 << q;
    const vn = rndBig(128);
    const vm = rndBig(128);
    setV(1, vn);
    setV(2, vm);
    exec(w[k], src);
    const cat = ((vm & mask(ds)) << BigInt(ds)) | (vn & mask(ds));
    assert.equal(getV(0), (cat >> BigInt(8 * pos)) & mask(ds), src);
  });
  expectUndef(0x2e024020 | 0, 'EXT .8B #8'); // Q = 0, imm4<3> = 1
});

test('TBL/TBX with 1-4 table registers (wrapping at V31), in- and out-of-range indices', () => {
  const srcs: string[] = [];
  for (const op of ['tbl', 'tbx']) {
    for (let len = 1; len <= 4; len++) {
      for (const t of ['8b', '16b']) {
        const list = Array.from({ length: len }, (_, i) => `v${(30 + i) % 32}.16b`).join(', ');
        srcs.push(`${op} v5.${t}, {${list}}, v6.${t}`);
      }
    }
  }
  const w = assemble(srcs.join('\n'));
  srcs.forEach((src, k) => {
    const tbx = src.startsWith('tbx');
    const len = Math.floor((k % 8) / 2) + 1;
    const q = k % 2;
    for (let it = 0; it < 20; it++) {
      const table: bigint[] = [];
      for (let r = 0; r < len; r++) {
        table.push(rndBig(128));
        setV((30 + r) % 32, table[r]);
      }
      let idx = 0n;
      for (let i = 0; i < 16; i++) idx |= BigInt(rnd() % (it % 2 ? 256 : 16 * len + 4)) << BigInt(8 * i);
      const vd = rndBig(128);
      setV(6, idx);
      setV(5, vd);
      exec(w[k], src);
      const bytes: bigint[] = [];
      for (let i = 0; i < 8 << q; i++) {
        const x = Number(lane(idx, 8, i));
        bytes.push(x < 16 * len ? lane(table[x >> 4], 8, x & 15) : tbx ? lane(vd, 8, i) : 0n);
      }
      assert.equal(getV(5), pack(bytes, 8), src);
    }
  });
});

test('DUP (element, general), INS (element, general), UMOV, SMOV, scalar DUP', () => {
  const cases: [string, (vn: bigint, vd: bigint, x1: bigint) => bigint, 'v' | 'x'][] = [];
  for (const arr of ALL) {
    const [e, n] = arrInfo(arr);
    const t = arr.slice(-1);
    for (let i = 0; i < 128 / e; i++) {
      cases.push([`dup v0.${arr}, v1.${t}[${i}]`, (vn) => pack(Array(n).fill(lane(vn, e, i)), e), 'v']);
    }
    cases.push([`dup v0.${arr}, ${e === 64 ? 'x' : 'w'}1`, (_vn, _vd, x1) => pack(Array(n).fill(x1 & mask(e)), e), 'v']);
  }
  for (const t of ['B', 'H', 'S', 'D']) {
    const e = ESIZE[t];
    for (let i = 0; i < 128 / e; i++) {
      const ins = (vd: bigint, v: bigint): bigint => (vd & ~(mask(e) << BigInt(e * i))) | ((v & mask(e)) << BigInt(e * i));
      cases.push([`ins v0.${t}[${i}], ${e === 64 ? 'x' : 'w'}1`, (_vn, vd, x1) => ins(vd, x1), 'v']);
      cases.push([`ins v0.${t}[${i}], v1.${t}[${(i * 5 + 3) % (128 / e)}]`, (vn, vd) => ins(vd, lane(vn, e, (i * 5 + 3) % (128 / e))), 'v']);
      cases.push([`dup ${t}0, v1.${t}[${i}]`, (vn) => lane(vn, e, i), 'v']);
      cases.push([`umov ${e === 64 ? 'x' : 'w'}0, v1.${t}[${i}]`, (vn) => lane(vn, e, i), 'x']);
      if (e <= 16) cases.push([`smov w0, v1.${t}[${i}]`, (vn) => BigInt.asUintN(32, sx(lane(vn, e, i), e)), 'x']);
      if (e <= 32) cases.push([`smov x0, v1.${t}[${i}]`, (vn) => BigInt.asUintN(64, sx(lane(vn, e, i), e)), 'x']);
    }
  }
  const w = assemble(cases.map((c) => c[0]).join('\n'));
  cases.forEach(([src, f, kind], k) => {
    for (let it = 0; it < 8; it++) {
      const vn = vec(8 << (it % 4));
      const vd = rndBig(128);
      const x1 = rndBig(64);
      setV(1, vn);
      setV(0, vd);
      setX(cpu, 1, x1);
      setX(cpu, 0, 0x5555n);
      exec(w[k], src);
      if (kind === 'v') assert.equal(getV(0), f(vn, vd, x1), src);
      else assert.equal(getX(cpu, 0), f(vn, vd, x1), src);
    }
  });
  // DUP from XZR / INS from WZR read zero; UMOV to XZR writes nothing.
  const z = assemble('dup v0.2d, xzr\nins v0.s[1], wzr\numov x0, v1.d[0]');
  setV(0, mask(128));
  exec(z[0], 'dup xzr');
  assert.equal(getV(0), 0n);
  setV(0, mask(128));
  exec(z[1], 'ins wzr');
  assert.equal(getV(0), mask(128) ^ (mask(32) << 32n));
  const regs = Array.from({ length: 31 }, (_, i) => getX(cpu, i));
  exec(z[2] | 31, 'umov xzr');
  assert.deepEqual(Array.from({ length: 31 }, (_, i) => getX(cpu, i)), regs);
});

test('copy: reserved imm5/imm4/Q combinations are UNDEFINED', () => {
  const enc = (q: number, op: number, imm5: number, imm4: number): number => (0x0e000400 | (q << 30) | (op << 29) | (imm5 << 16) | (imm4 << 11) | (1 << 5)) | 0;
  expectUndef(enc(1, 0, 0b10000, 0b0000), 'DUP imm5 x0000');
  expectUndef(enc(0, 0, 0b01000, 0b0000), 'DUP .1D');
  expectUndef(enc(0, 0, 0b01000, 0b0001), 'DUP (general) .1D');
  expectUndef(enc(0, 0, 0b00100, 0b0101), 'SMOV W from S');
  expectUndef(enc(1, 0, 0b01000, 0b0101), 'SMOV X from D');
  expectUndef(enc(1, 0, 0b00100, 0b0111), 'UMOV X from S');
  expectUndef(enc(0, 0, 0b01000, 0b0111), 'UMOV W from D');
  expectUndef(enc(1, 0, 0b00001, 0b1001), 'copy imm4 1001');
});

/** AdvSIMDExpandImm() written from the pseudocode. */
function expandImm(op: number, cmode: number, imm8: bigint): bigint {
  const rep = (v: bigint, bits: number): bigint => {
    let r = 0n;
    for (let i = 0; i < 64; i += bits) r |= v << BigInt(i);
    return r;
  };
  switch (cmode >> 1) {
    case 0: return rep(imm8, 32);
    case 1: return rep(imm8 << 8n, 32);
    case 2: return rep(imm8 << 16n, 32);
    case 3: return rep(imm8 << 24n, 32);
    case 4: return rep(imm8, 16);
    case 5: return rep(imm8 << 8n, 16);
    case 6: return (cmode & 1) === 0 ? rep((imm8 << 8n) | 0xffn, 32) : rep((imm8 << 16n) | 0xffffn, 32);
    default: {
      if ((cmode & 1) === 0 && op === 0) return rep(imm8, 8);
      if ((cmode & 1) === 0) {
        let r = 0n;
        for (let i = 0n; i < 8n; i++) if ((imm8 >> i) & 1n) r |= 0xffn << (8n * i);
        return r;
      }
      const a = (imm8 >> 7n) & 1n;
      const b = (imm8 >> 6n) & 1n;
      const c = imm8 & 63n;
      if (op === 0) return rep((a << 31n) | ((b ^ 1n) << 30n) | (b ? 0x1fn << 25n : 0n) | (c << 19n), 32);
      return (a << 63n) | ((b ^ 1n) << 62n) | (b ? 0xffn << 54n : 0n) | (c << 48n);
    }
  }
}

test('modified immediate: every op/cmode/Q and a spread of imm8 against AdvSIMDExpandImm', () => {
  const imms = [0, 1, 0x7f, 0x80, 0xff, 0x55, 0xaa, 0x3c, 0x70, 0x0f];
  for (let op = 0; op < 2; op++) {
    for (let cmode = 0; cmode < 16; cmode++) {
      for (let q = 0; q < 2; q++) {
        for (const imm of imms) {
          const insn = (0x0f000400 | (q << 30) | (op << 29) | ((imm >> 5) << 16) | (cmode << 12) | ((imm & 31) << 5)) | 0;
          const what = `op ${op} cmode ${cmode} Q ${q} imm ${imm}`;
          const vd = rndBig(128);
          setV(0, vd);
          if (op === 1 && cmode === 15 && q === 0) {
            expectUndef(insn, what);
            continue;
          }
          exec(insn, what);
          let imm64 = expandImm(op, cmode, BigInt(imm));
          const imm128 = q ? (imm64 << 64n) | imm64 : imm64;
          const ds = mask(q ? 128 : 64);
          let exp: bigint;
          if (cmode < 12 && (cmode & 1) === 1) exp = op ? vd & ~imm128 & ds : (vd | imm128) & ds; // BIC / ORR
          else {
            if (op === 1 && cmode < 14) imm64 = ~imm64 & mask(64); // MVNI
            exp = q ? (imm64 << 64n) | imm64 : imm64;
          }
          assert.equal(getV(0), exp, what);
        }
      }
    }
  }
});

test('MOVI/MVNI/ORR/BIC/FMOV (vector, immediate) through the assembler', () => {
  const w = assemble(
    'movi v0.4s, #0xab, lsl #16\nmvni v0.8h, #0x12, lsl #8\nmovi v0.2s, #0x34, msl #16\nmovi d0, #0xff00ff0000ff00ff\n' +
      'fmov v0.4s, #1.5\nfmov v0.2d, #-2.0\nfmov v0.2s, #0.125\nbic v0.4s, #0xff, lsl #24',
  );
  const exp = [
    0x00ab0000_00ab0000_00ab0000_00ab0000n,
    0xedffedffedffedff_edffedffedffedffn,
    0x0034ffff_0034ffffn,
    0xff00ff0000ff00ffn,
    0x3fc00000_3fc00000_3fc00000_3fc00000n,
    0xc000000000000000_c000000000000000n,
    0x3e000000_3e000000n,
    0x00ffffff_00ffffff_00ffffff_00ffffffn,
  ];
  exp.forEach((x, k) => {
    setV(0, mask(128));
    exec(w[k], `#${k}`);
    assert.equal(getV(0), x, `#${k}`);
  });
  // FMOV (vector, immediate), half precision: UNDEFINED without FEAT_FP16 (max has none), and
  // 0x3c00 per lane for #1.0 on a model whose ID_AA64PFR0_EL1.{FP,AdvSIMD} = 1.
  const [h] = assemble('fmov v0.8h, #1.0', 'armv8.2-a+fp16');
  expectUndef(h, 'fmov .8h without FEAT_FP16');
  const pfr0 = (max.id.ID_AA64PFR0_EL1 ?? 0n) & ~0xff0000n;
  const m16 = makeMachine({ model: { ...max, id: { ...max.id, ID_AA64PFR0_EL1: pfr0 | 0x110000n } } });
  m16.cpu.setSr(SR.CPACR_EL1, 3 << 20, 0);
  assert.ok(m16.cpu.feat.fp16);
  runWords(m16, [h], 1);
  assert.equal(getPC(m16.cpu), BigInt(m16.ramBase + 4));
  for (let k = 0; k < 4; k++) assert.equal(m16.cpu.s[S.V0 + k], 0x3c003c00);
});
