/**
 * Cryptographic Extension executors (Arm ARM DDI 0487K.a C7.2: AESE, AESD, AESMC, AESIMC,
 * SHA1C, SHA1P, SHA1M, SHA1H, SHA1SU0, SHA1SU1, SHA256H, SHA256H2, SHA256SU0, SHA256SU1; shared
 * pseudocode AESSubBytes/AESShiftRows/AESMixColumns and their inverses, SHAchoose,
 * SHAmajority, SHAparity, SHA256hash, SHAhashSIGMA0/1).
 *
 * Every executor calls checkFpEnabled() first. V[n] is cpu.s[S.V0 + 4n + k], k = 0 the lowest
 * 32 bits; all operands are read into locals (or the module scratch) before Vd is written, so
 * Vd may alias any source. The AES state is the 128-bit vector's bytes 0..15 in column-major
 * order (byte r + 4c is row r of column c), as FIPS-197 numbers them.
 */
import type { Cpu } from '../cpu.js';
import { S } from '../state.js';
import { checkFpEnabled } from './fp-access.js';

// ---- AES tables (computed at load from the field arithmetic, FIPS-197 5.1.1) -----------------

/** Multiply by x in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1. */
function xtime(a: number): number {
  return ((a << 1) ^ ((a & 0x80) !== 0 ? 0x1b : 0)) & 0xff;
}

function gmul(a: number, b: number): number {
  let r = 0;
  while (b !== 0) {
    if ((b & 1) !== 0) r ^= a;
    a = xtime(a);
    b >>>= 1;
  }
  return r;
}

const SBOX = new Uint8Array(256);
const INV_SBOX = new Uint8Array(256);
/** MUL[k][a] = a * k for the MixColumns coefficients 2, 3, 9, 11, 13, 14. */
const MUL2 = new Uint8Array(256);
const MUL3 = new Uint8Array(256);
const MUL9 = new Uint8Array(256);
const MUL11 = new Uint8Array(256);
const MUL13 = new Uint8Array(256);
const MUL14 = new Uint8Array(256);
{
  for (let a = 0; a < 256; a++) {
    // multiplicative inverse (0 maps to 0): a^254
    let inv = 0;
    if (a !== 0) {
      inv = 1;
      for (let i = 0; i < 254; i++) inv = gmul(inv, a);
    }
    // affine transformation: b_i ^ b_{i+4} ^ b_{i+5} ^ b_{i+6} ^ b_{i+7} ^ c_i, c = 0x63
    let s = inv;
    for (let k = 1; k <= 4; k++) s ^= ((inv << k) | (inv >>> (8 - k))) & 0xff;
    s ^= 0x63;
    SBOX[a] = s;
    INV_SBOX[s] = a;
    MUL2[a] = gmul(a, 2);
    MUL3[a] = gmul(a, 3);
    MUL9[a] = gmul(a, 9);
    MUL11[a] = gmul(a, 11);
    MUL13[a] = gmul(a, 13);
    MUL14[a] = gmul(a, 14);
  }
}

/** Scratch state: 16 bytes in, 16 bytes out (views of one buffer; the host is little-endian as wasm is). */
const inB = new Uint8Array(16);
const inW = new Int32Array(inB.buffer);
const outB = new Uint8Array(16);
const outW = new Int32Array(outB.buffer);

function storeOut(cpu: Cpu, d: number): void {
  const s = cpu.s;
  const v = S.V0 + 4 * d;
  s[v] = outW[0];
  s[v + 1] = outW[1];
  s[v + 2] = outW[2];
  s[v + 3] = outW[3];
}

/** AESE Vd.16B, Vn.16B: Vd = SubBytes(ShiftRows(Vd EOR Vn)). */
export function aese(cpu: Cpu, insn: number): void {
  checkFpEnabled(cpu);
  const s = cpu.s;
  const d = insn & 31;
  const vn = S.V0 + 4 * ((insn >>> 5) & 31);
  const vd = S.V0 + 4 * d;
  for (let k = 0; k < 4; k++) inW[k] = s[vd + k] ^ s[vn + k];
  // ShiftRows: row r of column c comes from column (c + r) mod 4
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < 4; r++) outB[r + 4 * c] = SBOX[inB[r + 4 * ((c + r) & 3)]];
  }
  storeOut(cpu, d);
}

/** AESD Vd.16B, Vn.16B: Vd = InvSubBytes(InvShiftRows(Vd EOR Vn)). */
export function aesd(cpu: Cpu, insn: number): void {
  checkFpEnabled(cpu);
  const s = cpu.s;
  const d = insn & 31;
  const vn = S.V0 + 4 * ((insn >>> 5) & 31);
  const vd = S.V0 + 4 * d;
  for (let k = 0; k < 4; k++) inW[k] = s[vd + k] ^ s[vn + k];
  // InvShiftRows: row r of column (c + r) mod 4 comes from column c
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < 4; r++) outB[r + 4 * ((c + r) & 3)] = INV_SBOX[inB[r + 4 * c]];
  }
  storeOut(cpu, d);
}

/** AESMC Vd.16B, Vn.16B: Vd = MixColumns(Vn). */
export function aesmc(cpu: Cpu, insn: number): void {
  checkFpEnabled(cpu);
  const s = cpu.s;
  const vn = S.V0 + 4 * ((insn >>> 5) & 31);
  for (let k = 0; k < 4; k++) inW[k] = s[vn + k];
  for (let c = 0; c < 16; c += 4) {
    const a0 = inB[c];
    const a1 = inB[c + 1];
    const a2 = inB[c + 2];
    const a3 = inB[c + 3];
    outB[c] = MUL2[a0] ^ MUL3[a1] ^ a2 ^ a3;
    outB[c + 1] = a0 ^ MUL2[a1] ^ MUL3[a2] ^ a3;
    outB[c + 2] = a0 ^ a1 ^ MUL2[a2] ^ MUL3[a3];
    outB[c + 3] = MUL3[a0] ^ a1 ^ a2 ^ MUL2[a3];
  }
  storeOut(cpu, insn & 31);
}

/** AESIMC Vd.16B, Vn.16B: Vd = InvMixColumns(Vn). */
export function aesimc(cpu: Cpu, insn: number): void {
  checkFpEnabled(cpu);
  const s = cpu.s;
  const vn = S.V0 + 4 * ((insn >>> 5) & 31);
  for (let k = 0; k < 4; k++) inW[k] = s[vn + k];
  for (let c = 0; c < 16; c += 4) {
    const a0 = inB[c];
    const a1 = inB[c + 1];
    const a2 = inB[c + 2];
    const a3 = inB[c + 3];
    outB[c] = MUL14[a0] ^ MUL11[a1] ^ MUL13[a2] ^ MUL9[a3];
    outB[c + 1] = MUL9[a0] ^ MUL14[a1] ^ MUL11[a2] ^ MUL13[a3];
    outB[c + 2] = MUL13[a0] ^ MUL9[a1] ^ MUL14[a2] ^ MUL11[a3];
    outB[c + 3] = MUL11[a0] ^ MUL13[a1] ^ MUL9[a2] ^ MUL14[a3];
  }
  storeOut(cpu, insn & 31);
}

// ---- SHA-1 -----------------------------------------------------------------------------------

function rol(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

function ror(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}

/**
 * SHA1C/SHA1P/SHA1M Qd, Sn, Vm.4S (opcode 000/001/010): four rounds with the choose, parity or
 * majority function. X = Vd (a, b, c, d in words 0..3), Y = Sn (e), W = Vm.
 */
export function sha1Hash(cpu: Cpu, insn: number): void {
  checkFpEnabled(cpu);
  const s = cpu.s;
  const op = (insn >>> 12) & 7;
  const vd = S.V0 + 4 * (insn & 31);
  const vn = S.V0 + 4 * ((insn >>> 5) & 31);
  const vm = S.V0 + 4 * ((insn >>> 16) & 31);
  let x0 = s[vd];
  let x1 = s[vd + 1];
  let x2 = s[vd + 2];
  let x3 = s[vd + 3];
  let y = s[vn];
  const w0 = s[vm];
  const w1 = s[vm + 1];
  const w2 = s[vm + 2];
  const w3 = s[vm + 3];
  for (let e = 0; e < 4; e++) {
    let t: number;
    if (op === 0) t = ((x2 ^ x3) & x1) ^ x3; // SHAchoose(x1, x2, x3)
    else if (op === 1) t = x1 ^ x2 ^ x3; // SHAparity
    else t = (x1 & x2) | ((x1 | x2) & x3); // SHAmajority
    const w = e === 0 ? w0 : e === 1 ? w1 : e === 2 ? w2 : w3;
    y = (y + rol(x0, 5) + t + w) | 0;
    x1 = rol(x1, 30);
    // <Y, X> = ROL(Y:X, 32)
    const top = x3;
    x3 = x2;
    x2 = x1;
    x1 = x0;
    x0 = y;
    y = top;
  }
  s[vd] = x0;
  s[vd + 1] = x1;
  s[vd + 2] = x2;
  s[vd + 3] = x3;
}

/** SHA1H Sd, Sn: Sd = ROL(Sn, 30), the rest of Vd zeroed. */
export function sha1h(cpu: Cpu, insn: number): void {
  checkFpEnabled(cpu);
  const s = cpu.s;
  const vd = S.V0 + 4 * (insn & 31);
  const x = s[S.V0 + 4 * ((insn >>> 5) & 31)];
  s[vd] = rol(x, 30);
  s[vd + 1] = 0;
  s[vd + 2] = 0;
  s[vd + 3] = 0;
}

/** SHA1SU0 Vd.4S, Vn.4S, Vm.4S: (Vn<63:0> : Vd<127:64>) EOR Vd EOR Vm. */
export function sha1su0(cpu: Cpu, insn: number): void {
  checkFpEnabled(cpu);
  const s = cpu.s;
  const vd = S.V0 + 4 * (insn & 31);
  const vn = S.V0 + 4 * ((insn >>> 5) & 31);
  const vm = S.V0 + 4 * ((insn >>> 16) & 31);
  const d0 = s[vd];
  const d1 = s[vd + 1];
  const d2 = s[vd + 2];
  const d3 = s[vd + 3];
  const r0 = d2 ^ d0 ^ s[vm];
  const r1 = d3 ^ d1 ^ s[vm + 1];
  const r2 = s[vn] ^ d2 ^ s[vm + 2];
  const r3 = s[vn + 1] ^ d3 ^ s[vm + 3];
  s[vd] = r0;
  s[vd + 1] = r1;
  s[vd + 2] = r2;
  s[vd + 3] = r3;
}

/** SHA1SU1 Vd.4S, Vn.4S: T = Vd EOR (Vn >> 32); W[i] = ROL(T[i], 1), W3 ^= ROL(T0, 2). */
export function sha1su1(cpu: Cpu, insn: number): void {
  checkFpEnabled(cpu);
  const s = cpu.s;
  const vd = S.V0 + 4 * (insn & 31);
  const vn = S.V0 + 4 * ((insn >>> 5) & 31);
  const t0 = s[vd] ^ s[vn + 1];
  const t1 = s[vd + 1] ^ s[vn + 2];
  const t2 = s[vd + 2] ^ s[vn + 3];
  const t3 = s[vd + 3];
  s[vd] = rol(t0, 1);
  s[vd + 1] = rol(t1, 1);
  s[vd + 2] = rol(t2, 1);
  s[vd + 3] = rol(t3, 1) ^ rol(t0, 2);
}

// ---- SHA-256 ---------------------------------------------------------------------------------

/**
 * SHA256H Qd, Qn, Vm.4S (opcode 100) and SHA256H2 (101): SHA256hash(X, Y, W, part1) with
 * X = Vd, Y = Vn for SHA256H (result X) and X = Vn, Y = Vd for SHA256H2 (result Y).
 */
export function sha256Hash(cpu: Cpu, insn: number): void {
  checkFpEnabled(cpu);
  const s = cpu.s;
  const part1 = ((insn >>> 12) & 7) === 4;
  const vd = S.V0 + 4 * (insn & 31);
  const vn = S.V0 + 4 * ((insn >>> 5) & 31);
  const vm = S.V0 + 4 * ((insn >>> 16) & 31);
  const vx = part1 ? vd : vn;
  const vy = part1 ? vn : vd;
  let x0 = s[vx];
  let x1 = s[vx + 1];
  let x2 = s[vx + 2];
  let x3 = s[vx + 3];
  let y0 = s[vy];
  let y1 = s[vy + 1];
  let y2 = s[vy + 2];
  let y3 = s[vy + 3];
  const w0 = s[vm];
  const w1 = s[vm + 1];
  const w2 = s[vm + 2];
  const w3 = s[vm + 3];
  for (let e = 0; e < 4; e++) {
    const chs = ((y1 ^ y2) & y0) ^ y2; // SHAchoose(y0, y1, y2)
    const maj = (x0 & x1) | ((x0 | x1) & x2); // SHAmajority(x0, x1, x2)
    const sig1 = ror(y0, 6) ^ ror(y0, 11) ^ ror(y0, 25);
    const sig0 = ror(x0, 2) ^ ror(x0, 13) ^ ror(x0, 22);
    const w = e === 0 ? w0 : e === 1 ? w1 : e === 2 ? w2 : w3;
    const t = (y3 + sig1 + chs + w) | 0;
    x3 = (t + x3) | 0;
    y3 = (t + sig0 + maj) | 0;
    // TSUM = ROL(Y:X, 32): X = [y3, x0, x1, x2], Y = [x3, y0, y1, y2]
    const ty3 = y3;
    const tx3 = x3;
    x3 = x2;
    x2 = x1;
    x1 = x0;
    x0 = ty3;
    y3 = y2;
    y2 = y1;
    y1 = y0;
    y0 = tx3;
  }
  if (part1) {
    s[vd] = x0;
    s[vd + 1] = x1;
    s[vd + 2] = x2;
    s[vd + 3] = x3;
  } else {
    s[vd] = y0;
    s[vd + 1] = y1;
    s[vd + 2] = y2;
    s[vd + 3] = y3;
  }
}

function sigma0(x: number): number {
  return ror(x, 7) ^ ror(x, 18) ^ (x >>> 3);
}

function sigma1(x: number): number {
  return ror(x, 17) ^ ror(x, 19) ^ (x >>> 10);
}

/** SHA256SU0 Vd.4S, Vn.4S: T = Vn<31:0> : Vd<127:32>; Vd[e] += sigma0(T[e]). */
export function sha256su0(cpu: Cpu, insn: number): void {
  checkFpEnabled(cpu);
  const s = cpu.s;
  const vd = S.V0 + 4 * (insn & 31);
  const vn = S.V0 + 4 * ((insn >>> 5) & 31);
  const d0 = s[vd];
  const d1 = s[vd + 1];
  const d2 = s[vd + 2];
  const d3 = s[vd + 3];
  const n0 = s[vn];
  s[vd] = (d0 + sigma0(d1)) | 0;
  s[vd + 1] = (d1 + sigma0(d2)) | 0;
  s[vd + 2] = (d2 + sigma0(d3)) | 0;
  s[vd + 3] = (d3 + sigma0(n0)) | 0;
}

/**
 * SHA256SU1 Vd.4S, Vn.4S, Vm.4S: T0 = Vm<31:0> : Vn<127:32>; result[0,1] = sigma1(Vm[2,3]) +
 * Vd[0,1] + T0[0,1]; result[2,3] = sigma1(result[0,1]) + Vd[2,3] + T0[2,3].
 */
export function sha256su1(cpu: Cpu, insn: number): void {
  checkFpEnabled(cpu);
  const s = cpu.s;
  const vd = S.V0 + 4 * (insn & 31);
  const vn = S.V0 + 4 * ((insn >>> 5) & 31);
  const vm = S.V0 + 4 * ((insn >>> 16) & 31);
  const t0 = s[vn + 1];
  const t1 = s[vn + 2];
  const t2 = s[vn + 3];
  const t3 = s[vm];
  const m2 = s[vm + 2];
  const m3 = s[vm + 3];
  const r0 = (sigma1(m2) + s[vd] + t0) | 0;
  const r1 = (sigma1(m3) + s[vd + 1] + t1) | 0;
  const r2 = (sigma1(r0) + s[vd + 2] + t2) | 0;
  const r3 = (sigma1(r1) + s[vd + 3] + t3) | 0;
  s[vd] = r0;
  s[vd + 1] = r1;
  s[vd + 2] = r2;
  s[vd + 3] = r3;
}
