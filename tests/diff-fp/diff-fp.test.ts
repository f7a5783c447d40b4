/**
 * FP/SIMD differential test: random FP/SIMD sequences (gen.ts) run by typevisor's CPU and by
 * QEMU (qemu-aarch64 -cpu cortex-a57 running harness.elf) must end with the same x0..x30 (minus
 * x16/x17), NZCV, V0..V31, FPCR, FPSR and data buffer. See tests/diff-fp/README.md.
 *
 * Environment: TV_DIFFFP_COUNT (default 20000), TV_DIFFFP_SEED (default 1), TV_DIFFFP_ONLY
 * (comma-separated generator categories, see gen.ts CATEGORIES), TV_DIFFFP_CASE (run one case
 * index of the batch), TV_DIFFFP_REPORT (path of the full report).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { assemble } from '../helpers/asm.js';
import { FpCase, FpResult, genFpBatch, fpBaseCase, Rng, DATA, RESERVED, CATEGORIES } from './gen.js';
import { TvFpRunner, runQemuFp, qemuAvailable, caseDiffers, describeFpDiff, disassemble, fpcrText, QEMU_CPU } from './runner.js';

const COUNT = Number(process.env.TV_DIFFFP_COUNT ?? 20000);
const SEED = Number(process.env.TV_DIFFFP_SEED ?? 1);
const ONLY = process.env.TV_DIFFFP_ONLY ? process.env.TV_DIFFFP_ONLY.split(',').map((s) => s.trim()) : undefined;
const CASE = process.env.TV_DIFFFP_CASE !== undefined ? Number(process.env.TV_DIFFFP_CASE) : undefined;
const ARCH = 'armv8-a+crypto';

/** Who owns a generator category (for routing failures). */
const OWNER: Record<string, string> = {
  'fp-arith': 'fp', 'fp-fma': 'fp', 'fp-unary': 'fp', 'fp-cvt': 'fp', 'fp-cmp': 'fp', 'fp-int': 'fp', 'fp-mov': 'fp', vfp: 'fp',
  vint: 'simd', 'vint-misc': 'simd', 'vint-across': 'simd', vshift: 'simd', vlong: 'simd', velem: 'simd', perm: 'simd',
  'dup-ins': 'simd', movi: 'simd', sint: 'simd', ldst: 'simd-ldst', crypto: 'crypto', fpsr: 'sysreg', branch: 'branch',
};

/** The instruction's shape: mnemonic and operand kinds (`fadd v.2d, v.2d, v.2d`, `fcvtzs x, d, #`). */
function shape(asm: string): string {
  return asm
    .replace(/\b([xwvqdshb])\d+\b/g, '$1')
    .replace(/#-?[\d.]+(e[+-]?\d+)?/g, '#')
    .replace(/\[\d+\]/g, '[i]')
    .replace(/#0x[0-9a-f]+/g, '#')
    .replace(/\.\+\d+/g, 'label');
}

test(`FP/SIMD differential: ${CASE !== undefined ? `case ${CASE} of ` : ''}${COUNT} random sequences, typevisor vs qemu-aarch64 -cpu ${QEMU_CPU} (seed ${SEED}${ONLY ? `, only ${ONLY.join(',')}` : ''})`, (t) => {
  if (!qemuAvailable()) {
    const msg = 'qemu-aarch64 not found: install qemu-user (Debian) to run the FP/SIMD differential test';
    if (process.env.CI) assert.fail(msg);
    t.skip(msg);
    return;
  }
  const t0 = Date.now();
  // The harness itself: fmov d0, #1.0; fadd d1, d0, d0; fmov s5, #1.0; fdiv s2, s5, s3 (s3 = 0:
  // DZC); mrs x0, fpsr; str q1, [x28]; ldr q4, [x28, #16]
  {
    const c = fpBaseCase(new Rng(99));
    c.fpcr = 0;
    c.fpsr = 0;
    c.v.fill(0);
    c.buf.fill(0);
    c.buf[528] = 0x5a;
    c.asm = ['fmov d0, #1.0', 'fadd d1, d0, d0', 'fmov s5, #1.0', 'fdiv s2, s5, s3', 'mrs x0, fpsr', 'str q1, [x28]', 'ldr q4, [x28, #16]'];
    c.words = Array.from(assemble(c.asm.join('\n'), ARCH));
    const [r] = runQemuFp([c]);
    assert.equal(r.x[0], 2n, 'harness self-test: FPSR.DZC after 1/0');
    assert.equal(r.fpsr, 2, 'harness self-test: FPSR');
    assert.deepEqual([...r.v.subarray(16, 32)], [0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0], 'harness self-test: d1 = 2.0');
    assert.deepEqual([...r.buf.subarray(512, 520)], [0, 0, 0, 0, 0, 0, 0, 0x40], 'harness self-test: STR Q');
    assert.equal(r.v[64], 0x5a, 'harness self-test: LDR Q');
    assert.equal(r.v[2 * 16 + 3], 0x7f, 'harness self-test: 1/0 = +Inf (s2)');
  }

  const tGen = Date.now();
  let cases = genFpBatch(SEED, COUNT, (src) => assemble(src, ARCH), { only: ONLY });
  let indices = cases.map((_, i) => i);
  if (CASE !== undefined) {
    cases = [cases[CASE]];
    indices = [CASE];
  }
  const tQemu = Date.now();
  const q = runQemuFp(cases);
  const tTv = Date.now();
  const tv = new TvFpRunner();
  const failing: number[] = [];
  const res: FpResult[] = [];
  for (let i = 0; i < cases.length; i++) {
    const r = tv.runCase(cases[i]);
    res.push(r);
    if (caseDiffers(q[i], r)) failing.push(i);
  }
  const tEnd = Date.now();
  t.diagnostic(
    `${cases.length - failing.length}/${cases.length} sequences match (${tEnd - t0} ms: generate+assemble ${tQemu - tGen}, qemu ${tTv - tQemu}, typevisor ${tEnd - tTv})`,
  );
  if (failing.length === 0) return;

  // Culprits: the faulting word for an exception; for a silent mismatch, the last word of the
  // shortest prefix that already mismatches (bisected for up to MAX_BISECT cases).
  const MAX_BISECT = 150;
  const culprit = new Map<number, { word: number; kind: string }>();
  const mismatching: number[] = [];
  for (const i of failing) {
    const e = res[i].error;
    const mm = e === undefined ? null : /at word (\d+)/.exec(e);
    if (mm) {
      const kind = /internal/.test(e!) ? 'internal error' : /UNDEF/.test(e!) ? 'UNDEF' : (/EC 0x(\w+)/.exec(e!)?.[0] ?? 'error');
      culprit.set(i, { word: Number(mm[1]), kind });
    } else if (mismatching.length < MAX_BISECT) mismatching.push(i);
  }
  const prefixes: FpCase[] = [];
  const owner: [number, number][] = [];
  for (const i of mismatching) {
    for (let k = 1; k <= cases[i].words.length; k++) {
      prefixes.push({ ...cases[i], words: cases[i].words.slice(0, k) });
      owner.push([i, k]);
    }
  }
  if (prefixes.length > 0) {
    const pq = runQemuFp(prefixes);
    for (let j = 0; j < prefixes.length; j++) {
      const [i, k] = owner[j];
      if (culprit.has(i)) continue;
      if (caseDiffers(pq[j], tv.runCase(prefixes[j]))) culprit.set(i, { word: k - 1, kind: 'mismatch' });
    }
  }
  // A bisected case none of whose prefixes (the whole sequence included) differs when re-run:
  // the failure depended on state left by earlier cases on one of the two sides.
  const notReproduced = new Set(mismatching.filter((i) => !culprit.has(i)));

  // Summary by culprit shape, and by owner.
  interface Row {
    undef: number;
    mismatch: number;
    other: number;
    owner: string;
    example: string;
  }
  const byShape = new Map<string, Row>();
  const byOwner = new Map<string, { undef: number; mismatch: number; other: number }>();
  for (const i of failing) {
    const c = cases[i];
    const cu = culprit.get(i);
    const key = cu ? shape(c.asm[cu.word]) : notReproduced.has(i) ? '(not reproduced when re-run alone)' : '(not bisected)';
    const own = cu ? (OWNER[c.cat[cu.word]] ?? c.cat[cu.word]) : '?';
    const e = byShape.get(key) ?? { undef: 0, mismatch: 0, other: 0, owner: own, example: '' };
    const o = byOwner.get(own) ?? { undef: 0, mismatch: 0, other: 0 };
    const field = !cu || cu.kind === 'mismatch' ? 'mismatch' : cu.kind === 'UNDEF' ? 'undef' : 'other';
    e[field]++;
    o[field]++;
    if (!e.example && cu) e.example = `case ${indices[i]}: ${c.asm[cu.word]} (${(c.words[cu.word] >>> 0).toString(16).padStart(8, '0')}) ${cu.kind}`;
    byShape.set(key, e);
    byOwner.set(own, o);
  }
  const total = (v: { undef: number; mismatch: number; other: number }): number => v.undef + v.mismatch + v.other;
  const ownerLines = [...byOwner.entries()]
    .sort((a, b) => total(b[1]) - total(a[1]))
    .map(([k, v]) => `  ${k.padEnd(10)} undef ${String(v.undef).padStart(5)}  mismatch ${String(v.mismatch).padStart(5)}  other ${String(v.other).padStart(4)}`);
  const shapeLines = [...byShape.entries()]
    .sort((a, b) => total(b[1]) - total(a[1]))
    .map(([k, v]) => `  [${v.owner}] ${k.padEnd(34)} undef ${String(v.undef).padStart(5)}  mismatch ${String(v.mismatch).padStart(5)}  other ${String(v.other).padStart(4)}   e.g. ${v.example}`);

  // Details (objdump only for the failing cases, in one run).
  const DETAIL_MAX = 400;
  const shown = failing.slice(0, DETAIL_MAX);
  const allDis = disassemble(shown.flatMap((i) => cases[i].words));
  let at = 0;
  const details = shown.map((i) => {
    const c = cases[i];
    const dis = allDis.slice(at, at + c.words.length);
    at += c.words.length;
    const cu = culprit.get(i);
    const init = c.x.map((v, k) => (RESERVED.has(k) ? null : `x${k}=0x${v.toString(16)}`)).filter((s) => s !== null);
    return [
      `case ${indices[i]} (seed ${SEED}): FPCR ${fpcrText(c.fpcr)} (0x${c.fpcr.toString(16)}), initial FPSR 0x${c.fpsr.toString(16)}${cu ? `; culprit word ${cu.word} [${cu.kind}] ${dis[cu.word]}` : ''}`,
      ...c.words.map((w, k) => `  ${k === cu?.word ? '>' : ' '}${String(k).padStart(2)}  ${(0x40000000 + 4 * k).toString(16)}: ${(w >>> 0).toString(16).padStart(8, '0')}  ${dis[k].padEnd(44)} ; ${c.cat[k]}`),
      `  initial NZCV ${c.nzcv.toString(2).padStart(4, '0')}, x28 = BASE = 0x${(DATA + 512).toString(16)}`,
      '  initial ' + init.join(' '),
      describeFpDiff(c, q[i], res[i]),
    ].join('\n');
  });
  const reportPath = process.env.TV_DIFFFP_REPORT ?? join(tmpdir(), 'typevisor-diff-fp-report.txt');
  const header = [
    `${failing.length}/${cases.length} FP/SIMD sequences differ (seed ${SEED}${ONLY ? `, only ${ONLY.join(',')}` : ''}; qemu -cpu ${QEMU_CPU}; typevisor max, MMU on)`,
    'by owner (fp = decode/fp.ts, simd = decode/simd.ts, simd-ldst = structure/SIMD&FP loads and stores, crypto = decode/crypto.ts):',
    ...ownerLines,
    'by culprit instruction shape (UNDEF = no executor / UNDEFs; mismatch = first prefix that differs):',
    ...shapeLines,
    `categories: ${CATEGORIES.map(([n]) => n).join(' ')} (TV_DIFFFP_ONLY=...)`,
  ].join('\n');
  writeFileSync(reportPath, header + '\n\n' + details.join('\n\n') + '\n');
  assert.fail(`${header}\n\nfirst failures:\n\n${details.slice(0, 3).join('\n\n')}\n\nfull report: ${reportPath}`);
});
