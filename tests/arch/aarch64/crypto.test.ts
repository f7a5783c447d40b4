/**
 * Cryptographic Extension (exec/crypto.ts): AES rounds against FIPS-197 and node:crypto,
 * SHA-1/SHA-256 compressions driven through SHA1C/P/M/H/SU0/SU1 and SHA256H/H2/SU0/SU1 against
 * the FIPS 180-4 "abc" digests and node:crypto, the FP access trap, feature gating, register
 * aliasing. The comparison against qemu-aarch64 (random operands) runs through the FP/SIMD
 * differential harness (tests/diff-fp) at the end.
 *
 * Glue between the crypto instructions (vector adds of W + K, register copies) is done in
 * TypeScript so these tests need no other AdvSIMD executor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createCipheriv, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { makeMachine, runWords, getPC, TestMachine } from '../../helpers/machine.js';
import { assemble } from '../../helpers/asm.js';
import { cortexA57 } from '../../../src/arch/aarch64/cpus/cortex-a57.js';
import { Stop } from '../../../src/arch/aarch64/cpu.js';
import { S, SR, srIndex } from '../../../src/arch/aarch64/state.js';
import { idRegIndex } from '../../../src/arch/aarch64/cpus/model.js';
import { Rng, FpCase, fpBaseCase } from '../../diff-fp/gen.js';
import { runQemuFp, TvFpRunner, caseDiffers, describeFpDiff } from '../../diff-fp/runner.js';

// ---- helpers ---------------------------------------------------------------------------------

function getV(m: TestMachine, n: number): number[] {
  const o = S.V0 + 4 * n;
  return [m.cpu.s[o] >>> 0, m.cpu.s[o + 1] >>> 0, m.cpu.s[o + 2] >>> 0, m.cpu.s[o + 3] >>> 0];
}
function setV(m: TestMachine, n: number, w: readonly number[]): void {
  for (let k = 0; k < 4; k++) m.cpu.s[S.V0 + 4 * n + k] = (w[k] ?? 0) | 0;
}
function bytesToV(b: Uint8Array): number[] {
  const dv = new DataView(b.buffer, b.byteOffset, 16);
  return [0, 1, 2, 3].map((k) => dv.getUint32(4 * k, true));
}
function vToBytes(w: readonly number[]): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  w.forEach((x, k) => dv.setUint32(4 * k, x >>> 0, true));
  return b;
}
const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const rnd16 = (): Uint8Array => new Uint8Array(randomBytes(16));
function fpMachine(model = cortexA57): TestMachine {
  const m = makeMachine({ model });
  m.cpu.setSr(SR.CPACR_EL1, 3 << 20, 0);
  m.cpu.setSr(SR.VBAR_EL1, m.ramBase + 0x800, 0);
  return m;
}
/** Assemble and run `src`; asserts every instruction retired without an exception. */
function exec(m: TestMachine, src: string): void {
  const words = assemble(src);
  const stop = runWords(m, words, words.length);
  assert.equal(stop, Stop.BUDGET, `${src}: stop ${stop}`);
  assert.equal(getPC(m.cpu), BigInt(m.ramBase + 4 * words.length), `${src}: took an exception (ESR_EL1 0x${(m.cpu.s[srIndex(SR.ESR_EL1)] >>> 0).toString(16)})`);
}
const add32 = (a: readonly number[], b: readonly number[]): number[] => a.map((x, i) => (x + b[i]) >>> 0);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// ---- AES -------------------------------------------------------------------------------------

/** AES-128 key expansion (FIPS-197 5.2), our own S-box via log/antilog tables over generator 3. */
function expandKey(key: Uint8Array): Uint8Array[] {
  const exp = new Uint8Array(256);
  const log = new Uint8Array(256);
  let x = 1;
  for (let i = 0; i < 255; i++) {
    exp[i] = x;
    log[x] = i;
    x ^= ((x << 1) ^ (x & 0x80 ? 0x1b : 0)) & 0xff; // x * 3
  }
  const sbox = (a: number): number => {
    const inv = a === 0 ? 0 : exp[(255 - log[a]) % 255];
    let s = inv;
    for (let k = 1; k <= 4; k++) s ^= ((inv << k) | (inv >> (8 - k))) & 0xff;
    return s ^ 0x63;
  };
  const w = new Uint8Array(176);
  w.set(key);
  let rcon = 1;
  for (let i = 16; i < 176; i += 4) {
    let t = [w[i - 4], w[i - 3], w[i - 2], w[i - 1]];
    if (i % 16 === 0) {
      t = [sbox(t[1]) ^ rcon, sbox(t[2]), sbox(t[3]), sbox(t[0])];
      rcon = ((rcon << 1) ^ (rcon & 0x80 ? 0x1b : 0)) & 0xff;
    }
    for (let k = 0; k < 4; k++) w[i + k] = w[i - 16 + k] ^ t[k];
  }
  return Array.from({ length: 11 }, (_, r) => w.slice(16 * r, 16 * r + 16));
}

const AES_ENC = [
  ...Array.from({ length: 9 }, (_, r) => `aese v0.16b, v${r + 1}.16b\naesmc v0.16b, v0.16b`),
  'aese v0.16b, v10.16b',
].join('\n');

function aesEncrypt(m: TestMachine, key: Uint8Array, block: Uint8Array): Uint8Array {
  const rk = expandKey(key);
  setV(m, 0, bytesToV(block));
  rk.forEach((k, r) => setV(m, r + 1, bytesToV(k)));
  exec(m, AES_ENC);
  // the last AddRoundKey (an EOR, not a crypto instruction)
  const k10 = getV(m, 11);
  return vToBytes(getV(m, 0).map((x, i) => (x ^ k10[i]) >>> 0));
}

function aesDecrypt(m: TestMachine, key: Uint8Array, block: Uint8Array): Uint8Array {
  const rk = expandKey(key);
  // equivalent inverse cipher: round keys 1..9 through InvMixColumns (AESIMC itself)
  rk.forEach((k, r) => setV(m, r + 1, bytesToV(k)));
  exec(m, Array.from({ length: 9 }, (_, r) => `aesimc v${r + 2}.16b, v${r + 2}.16b`).join('\n'));
  setV(m, 0, bytesToV(block));
  exec(
    m,
    [...Array.from({ length: 9 }, (_, i) => `aesd v0.16b, v${11 - i}.16b\naesimc v0.16b, v0.16b`), 'aesd v0.16b, v2.16b'].join('\n'),
  );
  const v0 = getV(m, 0);
  const k0 = getV(m, 1);
  return vToBytes(v0.map((x, i) => (x ^ k0[i]) >>> 0));
}

test('AES-128: FIPS-197 Appendix C.1 through AESE/AESMC, and back through AESD/AESIMC', () => {
  const m = fpMachine();
  const key = fromHex('000102030405060708090a0b0c0d0e0f');
  const pt = fromHex('00112233445566778899aabbccddeeff');
  const ct = aesEncrypt(m, key, pt);
  assert.equal(hex(ct), '69c4e0d86a7b0430d8cdb78070b4c55a');
  assert.equal(hex(aesDecrypt(m, key, ct)), hex(pt));
});

test('AES-128: FIPS-197 Appendix B (key 2b7e1516...) and random keys/blocks against node:crypto', () => {
  const m = fpMachine();
  const key = fromHex('2b7e151628aed2a6abf7158809cf4f3c');
  const pt = fromHex('3243f6a8885a308d313198a2e0370734');
  assert.equal(hex(aesEncrypt(m, key, pt)), '3925841d02dc09fbdc118597196a0b32');
  for (let i = 0; i < 20; i++) {
    const k = rnd16();
    const p = rnd16();
    const c = new Uint8Array(createCipheriv('aes-128-ecb', k, null).setAutoPadding(false).update(p));
    assert.equal(hex(aesEncrypt(m, k, p)), hex(c), `key ${hex(k)} block ${hex(p)}`);
    assert.equal(hex(aesDecrypt(m, k, c)), hex(p), `decrypt: key ${hex(k)} block ${hex(c)}`);
  }
});

test('AESE/AESD/AESMC/AESIMC single steps: known values, inverse pairs, Vd aliasing Vn', () => {
  const m = fpMachine();
  // AESE with a zero key on a zero state: SubBytes(0) = 0x63 everywhere
  setV(m, 0, [0, 0, 0, 0]);
  setV(m, 1, [0, 0, 0, 0]);
  exec(m, 'aese v0.16b, v1.16b');
  assert.deepEqual(getV(m, 0), [0x63636363, 0x63636363, 0x63636363, 0x63636363]);
  // FIPS-197 MixColumns example column db 13 53 45 -> 8e 4d a1 bc
  setV(m, 2, [0x455313db, 0x455313db, 0x01010101, 0xc6c6c6c6]);
  exec(m, 'aesmc v3.16b, v2.16b');
  assert.deepEqual(getV(m, 3), [0xbca14d8e, 0xbca14d8e, 0x01010101, 0xc6c6c6c6]);
  exec(m, 'aesimc v3.16b, v3.16b');
  assert.deepEqual(getV(m, 3), [0x455313db, 0x455313db, 0x01010101, 0xc6c6c6c6]);
  // AESD undoes AESE (same key): AESD(AESE(x, k), 0) = x ^ k
  const x = [0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c];
  const k = [0x11111111, 0x22222222, 0x33333333, 0x44444444];
  setV(m, 4, x);
  setV(m, 5, k);
  setV(m, 6, [0, 0, 0, 0]);
  exec(m, 'aese v4.16b, v5.16b\naesd v4.16b, v6.16b');
  assert.deepEqual(getV(m, 4), x.map((v, i) => (v ^ k[i]) >>> 0));
  // Vd == Vn: AESE v7, v7 = SubBytes(ShiftRows(0)) = 0x63..
  setV(m, 7, [0x12345678, 0x9abcdef0, 0x0fedcba9, 0x87654321]);
  exec(m, 'aese v7.16b, v7.16b');
  assert.deepEqual(getV(m, 7), [0x63636363, 0x63636363, 0x63636363, 0x63636363]);
  // ShiftRows moves byte r + 4c from column c + r: bytes 0..15 of distinct values through AESE then AESD with zero keys
  setV(m, 8, x);
  exec(m, 'aese v8.16b, v6.16b');
  const sb = vToBytes(getV(m, 8));
  // SBOX[0] = 63, SBOX[5] = 6b, SBOX[10] = 67, SBOX[15] = 76: column 0 = bytes 0, 5, 10, 15 after ShiftRows
  assert.equal(hex(sb.subarray(0, 4)), '636b6776');
});

// ---- SHA-1 -----------------------------------------------------------------------------------

/** One padded 64-byte block for a message of at most 55 bytes, as 16 big-endian words. */
function padBlock(msg: Buffer): number[] {
  assert.ok(msg.length <= 55);
  const b = Buffer.alloc(64);
  b.set(new Uint8Array(msg));
  b[msg.length] = 0x80;
  b.writeUInt32BE(msg.length * 8, 60);
  return Array.from({ length: 16 }, (_, i) => b.readUInt32BE(4 * i));
}

function sha1(m: TestMachine, msg: Buffer): string {
  const H = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  const K = [0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6];
  const w = padBlock(msg);
  // v16..v19: the message schedule, four words each
  for (let i = 0; i < 4; i++) setV(m, 16 + i, w.slice(4 * i, 4 * i + 4));
  setV(m, 0, H.slice(0, 4)); // abcd
  setV(m, 1, [H[4], 0, 0, 0]); // e0
  for (let g = 0; g < 20; g++) {
    const sched = 16 + (g % 4);
    if (g >= 4) {
      // W[g] = SHA1SU1(SHA1SU0(W[g-4], W[g-3], W[g-2]), W[g-1])
      exec(m, `sha1su0 v${sched}.4s, v${16 + ((g + 1) % 4)}.4s, v${16 + ((g + 2) % 4)}.4s\nsha1su1 v${sched}.4s, v${16 + ((g + 3) % 4)}.4s`);
    }
    setV(m, 4, add32(getV(m, sched), [0, 1, 2, 3].map(() => K[(g / 5) | 0])));
    const op = g < 5 ? 'sha1c' : g < 10 ? 'sha1p' : g < 15 ? 'sha1m' : 'sha1p';
    exec(m, `sha1h s2, s0\n${op} q0, s1, v4.4s`);
    setV(m, 1, getV(m, 2)); // e0 = e1
  }
  const abcd = add32(getV(m, 0), H.slice(0, 4));
  const e = (getV(m, 1)[0] + H[4]) >>> 0;
  return [...abcd, e].map((x) => x.toString(16).padStart(8, '0')).join('');
}

test('SHA-1 of "abc" (FIPS 180-4 example) through SHA1C/P/M/H/SU0/SU1, and other messages against node:crypto', () => {
  const m = fpMachine();
  assert.equal(sha1(m, Buffer.from('abc')), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  for (const s of ['', 'typevisor', 'The quick brown fox jumps over the lazy dog', 'x'.repeat(55)]) {
    assert.equal(sha1(m, Buffer.from(s)), createHash('sha1').update(s).digest('hex'), JSON.stringify(s));
  }
});

// ---- SHA-256 ---------------------------------------------------------------------------------

function primes(n: number): number[] {
  const out: number[] = [];
  for (let p = 2; out.length < n; p++) if (out.every((q) => p % q !== 0)) out.push(p);
  return out;
}
/** FIPS 180-4 4.2.2 / 5.3.3: fractional parts of cube and square roots of the first primes. */
const K256 = primes(64).map((p) => Math.floor((Math.cbrt(p) % 1) * 2 ** 32) >>> 0);
const H256 = primes(8).map((p) => Math.floor((Math.sqrt(p) % 1) * 2 ** 32) >>> 0);

function sha256(m: TestMachine, msg: Buffer): string {
  const w = padBlock(msg);
  for (let i = 0; i < 4; i++) setV(m, 16 + i, w.slice(4 * i, 4 * i + 4));
  setV(m, 0, H256.slice(0, 4)); // abcd
  setV(m, 1, H256.slice(4, 8)); // efgh
  for (let g = 0; g < 16; g++) {
    const sched = 16 + (g % 4);
    if (g >= 4) {
      // W[g] = SHA256SU1(SHA256SU0(W[g-4], W[g-3]), W[g-2], W[g-1])
      exec(m, `sha256su0 v${sched}.4s, v${16 + ((g + 1) % 4)}.4s\nsha256su1 v${sched}.4s, v${16 + ((g + 2) % 4)}.4s, v${16 + ((g + 3) % 4)}.4s`);
    }
    setV(m, 4, add32(getV(m, sched), K256.slice(4 * g, 4 * g + 4)));
    setV(m, 2, getV(m, 0)); // copy of abcd for SHA256H2
    exec(m, 'sha256h q0, q1, v4.4s\nsha256h2 q1, q2, v4.4s');
  }
  const out = [...add32(getV(m, 0), H256.slice(0, 4)), ...add32(getV(m, 1), H256.slice(4, 8))];
  return out.map((x) => x.toString(16).padStart(8, '0')).join('');
}

test('SHA-256 of "abc" (FIPS 180-4 example) through SHA256H/H2/SU0/SU1, and other messages against node:crypto', () => {
  const m = fpMachine();
  assert.equal(sha256(m, Buffer.from('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  for (const s of ['', 'typevisor', 'The quick brown fox jumps over the lazy dog', 'y'.repeat(55)]) {
    assert.equal(sha256(m, Buffer.from(s)), createHash('sha256').update(s).digest('hex'), JSON.stringify(s));
  }
});

test('SHA1H and SHA1SU1/SHA256SU0 zero the upper lanes / read Vd before writing it', () => {
  const m = fpMachine();
  setV(m, 3, [0x80000001, 0xffffffff, 0xffffffff, 0xffffffff]);
  setV(m, 5, [1, 2, 3, 4]);
  exec(m, 'sha1h s5, s3');
  assert.deepEqual(getV(m, 5), [0x60000000, 0, 0, 0]);
  // SHA256SU0 v6, v6: T = Vn[0] : Vd[3:1] with Vn = Vd
  setV(m, 6, [1, 2, 3, 4]);
  exec(m, 'sha256su0 v6.4s, v6.4s');
  const sigma0 = (x: number): number => (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) >>> 0;
  assert.deepEqual(getV(m, 6), [1 + sigma0(2), 2 + sigma0(3), 3 + sigma0(4), 4 + sigma0(1)].map((x) => x >>> 0));
});

// ---- traps and features ------------------------------------------------------------------------

test('crypto instructions trap with EC 0x07 when CPACR_EL1.FPEN = 0', () => {
  const m = fpMachine();
  m.cpu.setSr(SR.CPACR_EL1, 0, 0);
  for (const src of ['aese v0.16b, v1.16b', 'aesimc v0.16b, v1.16b', 'sha1h s0, s1', 'sha1c q0, s1, v2.4s', 'sha256h2 q0, q1, v2.4s', 'sha256su0 v0.4s, v1.4s']) {
    setV(m, 0, [1, 2, 3, 4]);
    runWords(m, assemble(src), 1);
    assert.equal(getPC(m.cpu), BigInt(m.ramBase + 0x800 + 0x200), src);
    assert.equal(m.cpu.s[srIndex(SR.ESR_EL1)] >>> 0, ((0x07 << 26) | (1 << 25) | (1 << 24) | (0xe << 20)) >>> 0, src);
    assert.deepEqual(getV(m, 0), [1, 2, 3, 4], `${src}: Vd untouched`);
    m.cpu.s[S.EL] = 1;
  }
});

test('crypto rows UNDEF when ID_AA64ISAR0_EL1.AES/SHA1/SHA2 are lowered, and reserved sizes/opcodes UNDEF', () => {
  const m = fpMachine();
  const i = idRegIndex(6, 0);
  m.cpu.idRegs[i] &= ~0xfff0; // AES, SHA1, SHA2 = 0
  m.cpu.updateFeatures();
  for (const src of ['aese v0.16b, v1.16b', 'aesmc v0.16b, v1.16b', 'sha1h s0, s1', 'sha1m q0, s1, v2.4s', 'sha256h q0, q1, v2.4s', 'sha256su1 v0.4s, v1.4s, v2.4s']) {
    runWords(m, assemble(src), 1);
    assert.equal(getPC(m.cpu), BigInt(m.ramBase + 0x800 + 0x200), src);
    assert.equal(m.cpu.s[srIndex(SR.ESR_EL1)] >>> 26, 0, `${src}: EC 0 (UNDEF)`);
    m.cpu.s[S.EL] = 1;
  }
  const m2 = fpMachine();
  // AESE with size = 01; SHA 3-reg opcode 111; SHA 2-reg opcode 00011; AES opcode 01000
  for (const w of [0x4e684820, 0x5e027020, 0x5e283820, 0x4e288820]) {
    runWords(m2, [w], 1);
    assert.equal(getPC(m2.cpu), BigInt(m2.ramBase + 0x800 + 0x200), w.toString(16));
    m2.cpu.s[S.EL] = 1;
  }
});

// ---- against qemu-aarch64 ------------------------------------------------------------------------

function qemuAvailable(): boolean {
  return spawnSync('qemu-aarch64', ['--version'], { stdio: 'pipe' }).status === 0;
}

test('crypto instructions on random operands match qemu-aarch64 (tests/diff-fp harness)', (t) => {
  if (!qemuAvailable()) {
    if (process.env.CI) assert.fail('qemu-aarch64 not found');
    t.skip('qemu-aarch64 not found');
    return;
  }
  const r = new Rng(0xc0ffee);
  const ops = [
    'aese v0.16b, v1.16b', 'aesd v2.16b, v3.16b', 'aesmc v4.16b, v5.16b', 'aesimc v6.16b, v6.16b',
    'sha1c q7, s8, v9.4s', 'sha1p q10, s11, v12.4s', 'sha1m q13, s14, v15.4s', 'sha1h s16, s17',
    'sha1su0 v18.4s, v19.4s, v20.4s', 'sha1su1 v21.4s, v22.4s', 'sha256h q23, q24, v25.4s',
    'sha256h2 q26, q27, v28.4s', 'sha256su0 v29.4s, v30.4s', 'sha256su1 v31.4s, v0.4s, v1.4s',
    'sha256h q0, q0, v0.4s', 'sha1c q1, s1, v1.4s',
  ];
  const cases: FpCase[] = [];
  for (let i = 0; i < 64; i++) {
    const c = fpBaseCase(r);
    c.words = Array.from(assemble(ops.join('\n')));
    cases.push(c);
  }
  const q = runQemuFp(cases);
  const tv = new TvFpRunner();
  const bad: string[] = [];
  cases.forEach((c, i) => {
    const res = tv.runCase(c);
    if (caseDiffers(q[i], res)) bad.push(`case ${i}:\n${describeFpDiff(c, q[i], res)}`);
  });
  assert.equal(bad.length, 0, bad.slice(0, 3).join('\n'));
});
