/**
 * Differential test: random A64 sequences (gen.ts) run by typevisor's CPU and by QEMU
 * (qemu-aarch64 running harness.elf) must end with the same x0..x30 (minus x16/x17), NZCV and
 * data buffer. See tests/diff/README.md.
 *
 * Environment: TV_DIFF_COUNT (default 2000), TV_DIFF_SEED (default 1), TV_DIFF_MMU
 * (auto | on | off, default auto), TV_DIFF_UNALIGNED (auto | 0 | 1), TV_DIFF_CASE (run one case
 * index of the batch), TV_DIFF_REPORT (path of the full report, default in the temp dir).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { makeMachine, loadWords, ramBytes, setX, getX, nzcv, setNzcv, TestMachine } from '../helpers/machine.js';
import { max } from '../../src/arch/aarch64/cpus/max.js';
import { Stop, P } from '../../src/arch/aarch64/cpu.js';
import { S, SR, srIndex } from '../../src/arch/aarch64/state.js';
import { run } from '../../src/arch/aarch64/run.js';
import { blockStats } from '../../src/arch/aarch64/blocks/compile.js';
import { lookup, ACC_READ } from '../../src/arch/aarch64/mmu/access.js';
import { ACC_EXEC } from '../../src/arch/aarch64/mmu/translate.js';
import { Case, Result, genBatch, encodeBatch, decodeResults, CODE, DATA, BUFSZ, MAXW, RESERVED, BASE_REG } from './gen.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** Works from tests/diff (ts-node style) and from dist/tests/diff (compiled). */
function findHarness(): string {
  for (const p of [join(HERE, 'harness.elf'), join(HERE, '../../../tests/diff/harness.elf')]) if (existsSync(p)) return p;
  return join(process.cwd(), 'tests/diff/harness.elf');
}

const COUNT = Number(process.env.TV_DIFF_COUNT ?? 2000);
const SEED = Number(process.env.TV_DIFF_SEED ?? 1);
const ONLY = process.env.TV_DIFF_CASE !== undefined ? Number(process.env.TV_DIFF_CASE) : undefined;
const STEP_LIMIT = 4 * MAXW;
/** Exception vectors: inside the code page, past the epilogue (never reached by a case). */
const VBAR = CODE + 0x800;
/** Stage-1 tables for the MMU-on mode (guest PA, inside makeMachine's RAM). */
const TT = 0x40400000;
const NOP = 0xd503201f;

// ---- QEMU side -------------------------------------------------------------------------

function qemuAvailable(): boolean {
  const r = spawnSync('qemu-aarch64', ['--version'], { stdio: 'pipe' });
  return r.status === 0;
}

function runQemu(cases: readonly Case[]): Result[] {
  const elf = findHarness();
  if (!existsSync(elf)) throw new Error(`${elf} is missing: build it with tests/diff/build.sh`);
  const r = spawnSync('qemu-aarch64', ['-cpu', 'max', elf], {
    input: encodeBatch(cases),
    maxBuffer: 1 << 30,
    stdio: 'pipe',
  });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(`qemu-aarch64 harness exited with ${r.status ?? r.signal}: ${r.stderr.toString()}`);
  }
  return decodeResults(r.stdout, cases.length);
}

// ---- typevisor side ----------------------------------------------------------------------

function u64(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** The exception a case took to EL1 (it reached the vectors): syndrome, faulting word, FAR. */
function el1Exception(s: Int32Array): string {
  const esr = s[srIndex(SR.ESR_EL1)] >>> 0;
  const elr = u64(s[srIndex(SR.ELR_EL1)], s[srIndex(SR.ELR_EL1) + 1]);
  const far = u64(s[srIndex(SR.FAR_EL1)], s[srIndex(SR.FAR_EL1) + 1]);
  const ec = esr >>> 26;
  return (
    `exception to EL1: ESR_EL1 0x${esr.toString(16)} (EC 0x${ec.toString(16)}${ec === 0 ? ', UNDEF' : ''}) ` +
    `at word ${Number(elr - BigInt(CODE)) / 4}${ec === 0x25 || ec === 0x24 ? `, FAR 0x${far.toString(16)}` : ''}`
  );
}

/** WFI: what block mode puts past a case's words and in the vectors, to end run(). */
const WFI = 0xd503207f;

/**
 * Runs cases on typevisor's CPU. Interpreter mode (blocks = false) steps one instruction per
 * run() call with blocks off. Block mode compiles every block at first sight
 * (cpu.blockThreshold = 0) and runs the whole case in one run() call: the words past the case
 * and the exception vectors hold WFI, which stops run() with PC just past it.
 */
class TvRunner {
  readonly m: TestMachine;
  constructor(readonly mmu: boolean, readonly blocks = false) {
    this.m = makeMachine({ model: max });
    this.m.cpu.blockThreshold = blocks ? 0 : -1;
    this.m.cpu.setSr(SR.VBAR_EL1, VBAR, 0);
    if (mmu) this.enableMmu();
  }

  /** Identity map of Normal WB memory: 4K granule, 39-bit VA, level-1 table, 2 MiB blocks. */
  enableMmu(): void {
    const m = this.m;
    const cpu = m.cpu;
    const w64 = (pa: number, lo: number, hi: number): void => {
      const h = m.ramHost + (pa - m.ramBase);
      m.mem.i32[h >>> 2] = lo;
      m.mem.i32[(h >>> 2) + 1] = hi;
    };
    const l2 = TT + 0x1000;
    w64(TT + 8 * ((m.ramBase / 0x40000000) | 0), l2 | 3, 0);
    const AF = 1 << 10;
    const SH_INNER = 3 << 8;
    for (let i = 0; i < m.ramSize / 0x200000; i++) {
      const pa = m.ramBase + i * 0x200000;
      const isData = pa === (DATA & ~0x1fffff);
      // data block: EL0 and EL1 read/write (AP = 01, for LDTR/STTR), UXN + PXN; others EL1 only
      const ap = isData ? 1 << 6 : 0;
      const xn = isData ? (1 << 22) | (1 << 21) : 0;
      w64(l2 + 8 * i, pa | AF | SH_INNER | ap | (0 << 2) | 1, xn);
    }
    cpu.setSr(SR.MAIR_EL1, 0xff, 0);
    // T0SZ = 25, IRGN0 = ORGN0 = WB, SH0 = inner, TG0 = 4K, EPD1, IPS = 40 bits
    cpu.setSr(SR.TCR_EL1, 25 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23), 2);
    cpu.setSr(SR.TTBR0_EL1, TT, 0);
    const sctlr = cpu.sr(SR.SCTLR_EL1);
    cpu.setSr(SR.SCTLR_EL1, (sctlr | 1 | (1 << 2) | (1 << 12)) & ~(1 << 1), cpu.srHi(SR.SCTLR_EL1));
    cpu.flushTlb();
  }

  /**
   * MMU self-check: the identity map translates fetches and data, data is not Device, an
   * unaligned read works, and an unaligned LDR does not take a data abort. Returns a reason
   * on failure.
   */
  selfCheck(): string | undefined {
    const cpu = this.m.cpu;
    const bytes = new Uint8Array(16).map((_, i) => 0x10 + i);
    this.m.mem.writeBytes(this.m.ramHost + (DATA - this.m.ramBase), bytes);
    try {
      const ie = lookup(cpu, 0, CODE, ACC_EXEC, cpu.permX, 0);
      if ((cpu.tlbHost[ie] >>> 0) !== this.m.ramHost) return 'fetch translation wrong';
      const id = lookup(cpu, 0, DATA, ACC_READ, cpu.permR, 0);
      if ((cpu.tlbPerm[id] & P.DEVICE) !== 0) return 'data mapped as Device';
      const lo = cpu.read64(0, DATA + 1, 0) >>> 0;
      const hi = cpu.rhi >>> 0;
      if (lo !== 0x14131211 || hi !== 0x18171615) return `unaligned read returned ${hi.toString(16)}_${lo.toString(16)}`;
    } catch (e) {
      const esr = cpu.s[srIndex(SR.ESR_EL1)] >>> 0;
      return `stage-1 access faulted (${e === undefined ? '' : String((e as Error).message ?? 'exception')}, ESR_EL1 ${esr.toString(16)})`;
    }
    // ldr x0, [x1] with x1 unaligned: a missing executor (UNDEF) is fine, a data abort is not
    const x = new Array<bigint>(31).fill(0n);
    x[1] = BigInt(DATA + 3);
    const r = this.runCase({ words: [0xf9400020], x, nzcv: 0, buf: new Uint8Array(BUFSZ) });
    if (r.error !== undefined && /EC 0x25/.test(r.error)) return `unaligned LDR: ${r.error}`;
    return undefined;
  }

  /** Block mode: one run() to the WFI past the end or in a vector; returns the error, if any. */
  runBlocks(end: number): string | undefined {
    const cpu = this.m.cpu;
    const s = cpu.s;
    const stop = run(cpu, STEP_LIMIT);
    const pc = u64(s[S.PC], s[S.PC_HI]) - 4n;
    if (stop === Stop.WFI) {
      if (pc >= BigInt(VBAR) && pc < BigInt(VBAR + 0x800)) {
        return el1Exception(s);
      }
      if (pc >= BigInt(end) && pc <= BigInt(CODE + 4 * MAXW)) return undefined;
      return `WFI at 0x${pc.toString(16)}, outside the case`;
    }
    if (stop === Stop.TRAP) return `trap to EL2: ESR_EL2 0x${(s[S.ESR_EL2] >>> 0).toString(16)} at word ${Number(pc + 4n - BigInt(CODE)) / 4}`;
    if (stop === Stop.INTERNAL_ERROR) {
      const e = cpu.internalError;
      return `internal error: ${e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 3).join(' | ') : String(e)}`;
    }
    return `run stopped with ${stop} at 0x${(pc + 4n).toString(16)} (step limit?)`;
  }

  runCase(c: Case): Result {
    const m = this.m;
    const cpu = m.cpu;
    const s = cpu.s;
    if (this.blocks) {
      loadWords(m, CODE, c.words.concat(new Array<number>(MAXW + 1 - c.words.length).fill(WFI)));
      loadWords(m, VBAR, new Array<number>(0x200).fill(WFI));
    } else {
      loadWords(m, CODE, c.words);
    }
    m.mem.writeBytes(m.ramHost + (DATA - m.ramBase), c.buf);
    for (let i = 0; i < 31; i++) setX(cpu, i, c.x[i]);
    setNzcv(cpu, c.nzcv);
    s[S.PC] = CODE;
    s[S.PC_HI] = 0;
    cpu.exclValid = false;
    const end = CODE + 4 * c.words.length;
    let error: string | undefined;
    if (this.blocks) error = this.runBlocks(end);
    for (let step = 0; !this.blocks; step++) {
      const pc = u64(s[S.PC], s[S.PC_HI]);
      if (pc >= BigInt(end) && pc <= BigInt(CODE + 4 * MAXW)) break;
      if (pc >= BigInt(VBAR) && pc < BigInt(VBAR + 0x800)) {
        error = el1Exception(s);
        break;
      }
      if (pc < BigInt(CODE) || pc > BigInt(end)) {
        error = `PC left the block: 0x${pc.toString(16)}`;
        break;
      }
      if (step >= STEP_LIMIT) {
        error = `step limit at PC 0x${pc.toString(16)}`;
        break;
      }
      const stop = run(cpu, 1);
      if (stop === Stop.TRAP) {
        error = `trap to EL2: ESR_EL2 0x${(s[S.ESR_EL2] >>> 0).toString(16)} at word ${Number(u64(s[S.PC], s[S.PC_HI]) - BigInt(CODE)) / 4}`;
        break;
      }
      if (stop === Stop.INTERNAL_ERROR) {
        const e = cpu.internalError;
        error = `internal error at word ${Number(pc - BigInt(CODE)) / 4}: ${e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 3).join(' | ') : String(e)}`;
        break;
      }
      if (stop !== Stop.BUDGET) {
        error = `run stopped with ${stop}`;
        break;
      }
    }
    const x: bigint[] = [];
    for (let i = 0; i < 31; i++) x.push(RESERVED.has(i) ? 0n : getX(cpu, i));
    return { x, nzcv: nzcv(cpu), buf: ramBytes(m, DATA, BUFSZ), error };
  }
}

// ---- comparison and reporting ------------------------------------------------------------

function differs(q: Result, t: Result): boolean {
  if (t.error !== undefined) return true;
  if (q.nzcv !== t.nzcv) return true;
  for (let i = 0; i < 31; i++) if (!RESERVED.has(i) && q.x[i] !== t.x[i]) return true;
  for (let i = 0; i < BUFSZ; i++) if (q.buf[i] !== t.buf[i]) return true;
  return false;
}

const hex = (v: bigint): string => '0x' + v.toString(16).padStart(16, '0');

function describeDiff(c: Case, q: Result, t: Result): string {
  const out: string[] = [];
  if (t.error !== undefined) out.push(`  typevisor: ${t.error}`);
  for (let i = 0; i < 31; i++) {
    if (RESERVED.has(i) || q.x[i] === t.x[i]) continue;
    out.push(`  x${i}: qemu ${hex(q.x[i])}  typevisor ${hex(t.x[i])}  (initial ${hex(c.x[i])})`);
  }
  if (q.nzcv !== t.nzcv) out.push(`  NZCV: qemu ${q.nzcv.toString(2).padStart(4, '0')}  typevisor ${t.nzcv.toString(2).padStart(4, '0')}  (initial ${c.nzcv.toString(2).padStart(4, '0')})`);
  let shown = 0;
  for (let o = 0; o < BUFSZ; o += 8) {
    let d = false;
    for (let k = 0; k < 8; k++) if (q.buf[o + k] !== t.buf[o + k]) d = true;
    if (!d) continue;
    if (shown++ === 8) {
      out.push('  (more buffer differences)');
      break;
    }
    const h = (b: Uint8Array): string => Buffer.from(b.subarray(o, o + 8)).toString('hex');
    out.push(`  buf[BASE${o - 512 >= 0 ? '+' : ''}${o - 512}] (0x${(DATA + o).toString(16)}): qemu ${h(q.buf)}  typevisor ${h(t.buf)}  (initial ${h(c.buf)})`);
  }
  return out.join('\n');
}

/** Disassemble words with objdump (only for failing cases); one line per word. */
function disassemble(words: readonly number[]): string[] {
  if (words.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'tv-diff-'));
  try {
    const f = join(dir, 'w.bin');
    const b = new Uint8Array(words.length * 4);
    const dv = new DataView(b.buffer);
    words.forEach((w, i) => dv.setUint32(i * 4, w >>> 0, true));
    writeFileSync(f, b);
    const r = spawnSync('aarch64-linux-gnu-objdump', ['-D', '-b', 'binary', '-maarch64', f], { stdio: 'pipe' });
    const lines = new Array<string>(words.length).fill('?');
    if (r.status !== 0) return words.map((w) => `.word 0x${(w >>> 0).toString(16).padStart(8, '0')}`);
    for (const line of r.stdout.toString().split('\n')) {
      const mm = /^\s*([0-9a-f]+):\s+([0-9a-f]{8})\s+(.*)$/.exec(line);
      if (mm) lines[parseInt(mm[1], 16) / 4] = mm[3].replace(/\s+/g, ' ').trim();
    }
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function mnemonicClass(dis: string): string {
  const m = dis.split(' ')[0] ?? '?';
  return m.startsWith('b.') ? 'b.cond' : m;
}

// ---- the test ------------------------------------------------------------------------------

for (const blocks of [false, true]) {
  const what = blocks ? 'compiled blocks' : 'interpreter';
  test(`differential (${what}): ${COUNT} random A64 sequences, typevisor vs qemu-aarch64 (seed ${SEED})`, (t) => diffTest(t, blocks));
}

/** What the test uses of node:test's context (its class is not exported by @types/node 20). */
interface TestContext {
  skip(message?: string): void;
  diagnostic(message: string): void;
}

function diffTest(t: TestContext, blocks: boolean): void {
  if (!qemuAvailable()) {
    const msg = 'qemu-aarch64 not found: install qemu-user (Debian) to run the differential test';
    if (process.env.CI) assert.fail(msg);
    t.skip(msg);
    return;
  }
  const t0 = Date.now();
  // The harness itself: a known case (movz x0, #0x1234; adds x1, x0, x0, lsl #52; str x1, [x28];
  // add x2, x28, #8; ldadd x0, x3, [x2]).
  {
    const x = new Array<bigint>(31).fill(0n);
    x[BASE_REG] = BigInt(DATA + 512);
    const buf = new Uint8Array(BUFSZ);
    buf[520] = 5;
    const [r] = runQemu([{ words: [0xd2824680, 0xab00d001, 0xf9000381, 0x91002382, 0xf8200043], x, nzcv: 0b0010, buf }]);
    assert.equal(r.x[1], 0x2340000000001234n, 'harness self-test: x1');
    assert.equal(r.x[3], 5n, 'harness self-test: x3');
    assert.equal(r.nzcv, 0, 'harness self-test: NZCV');
    assert.deepEqual([...r.buf.subarray(512, 520)], [0x34, 0x12, 0, 0, 0, 0, 0x40, 0x23], 'harness self-test: buffer');
    assert.equal(r.buf[520], 0x39, 'harness self-test: LDADD result in memory');
  }
  // Mode: MMU on (Normal memory, unaligned accesses allowed) if the stage-1 walker passes the
  // self-check, else MMU off (Device memory: aligned accesses only).
  const mmuEnv = process.env.TV_DIFF_MMU ?? 'auto';
  let mmu = mmuEnv === 'on';
  let why = mmuEnv === 'on' ? 'forced by TV_DIFF_MMU=on' : mmuEnv === 'off' ? 'forced by TV_DIFF_MMU=off' : '';
  if (mmuEnv === 'auto') {
    const reason = new TvRunner(true).selfCheck();
    mmu = reason === undefined;
    why = reason === undefined ? 'stage-1 self-check passed' : `stage-1 self-check failed: ${reason}`;
  }
  const unEnv = process.env.TV_DIFF_UNALIGNED ?? 'auto';
  const unaligned = unEnv === 'auto' ? mmu : unEnv === '1';
  const mode = `${blocks ? 'compiled blocks' : 'interpreter'}, MMU ${mmu ? 'on' : 'off'} (${why}), ${unaligned ? 'unaligned accesses enabled' : 'aligned accesses only'}`;
  t.diagnostic(`mode: ${mode}`);

  let cases = genBatch(SEED, COUNT, { unaligned });
  let indices = cases.map((_, i) => i);
  if (ONLY !== undefined) {
    cases = [cases[ONLY]];
    indices = [ONLY];
  }
  const q = runQemu(cases);
  const tv = new TvRunner(mmu, blocks);
  const failing: number[] = [];
  const res: Result[] = [];
  for (let i = 0; i < cases.length; i++) {
    const r = tv.runCase(cases[i]);
    res.push(r);
    if (differs(q[i], r)) failing.push(i);
  }
  const elapsed = Date.now() - t0;
  t.diagnostic(`${cases.length - failing.length}/${cases.length} sequences match (${elapsed} ms)`);
  if (blocks) {
    const b = blockStats;
    t.diagnostic(`regions compiled: ${b.compiled} (${b.blocks} blocks, ${b.instructions} instructions, ${b.emitted} of them as emitted code, the rest calling executors) in ${b.ms.toFixed(0)} ms`);
    assert.ok(b.compiled >= cases.length, 'block mode compiled no blocks');
  }
  if (failing.length === 0) return;

  // Find each failure's culprit: the faulting word for an exception; for a mismatch, the first
  // prefix (sequence cut after k words) that already mismatches (bisect up to MAX_BISECT cases).
  const MAX_BISECT = 100;
  const culprit = new Map<number, { word: number; kind: string }>();
  const mismatching: number[] = [];
  for (const i of failing) {
    const e = res[i].error;
    const mm = e === undefined ? null : /at word (\d+)/.exec(e);
    if (mm) {
      const kind = /UNDEF/.test(e!) ? 'UNDEF' : /EC 0x(\w+)/.exec(e!)?.[0] ?? 'error';
      culprit.set(i, { word: Number(mm[1]), kind: /internal/.test(e!) ? 'internal error' : kind });
    } else if (mismatching.length < MAX_BISECT) mismatching.push(i);
  }
  const prefixes: Case[] = [];
  const owner: [number, number][] = [];
  for (const i of mismatching) {
    for (let k = 1; k <= cases[i].words.length; k++) {
      prefixes.push({ ...cases[i], words: cases[i].words.slice(0, k) });
      owner.push([i, k]);
    }
  }
  if (prefixes.length > 0) {
    const pq = runQemu(prefixes);
    for (let j = 0; j < prefixes.length; j++) {
      const [i, k] = owner[j];
      if (culprit.has(i)) continue;
      if (differs(pq[j], tv.runCase(prefixes[j]))) culprit.set(i, { word: k - 1, kind: 'mismatch' });
    }
  }

  // Summary by the culprit instruction's mnemonic.
  const culpritList = failing.map((i) => culprit.get(i));
  const culpritWords = culpritList.map((c, j) => (c ? cases[failing[j]].words[c.word] : NOP));
  const culpritDis = disassemble(culpritWords);
  const byClass = new Map<string, { undef: number; mismatch: number; other: number; example: string }>();
  culpritList.forEach((c, j) => {
    const key = c ? mnemonicClass(culpritDis[j]) : '(not bisected)';
    const e = byClass.get(key) ?? { undef: 0, mismatch: 0, other: 0, example: '' };
    if (!c) e.mismatch++;
    else if (c.kind === 'UNDEF') e.undef++;
    else if (c.kind === 'mismatch') e.mismatch++;
    else e.other++;
    if (!e.example && c) e.example = `case ${indices[failing[j]]}: ${culpritDis[j]} (${(culpritWords[j] >>> 0).toString(16).padStart(8, '0')}) ${c.kind}`;
    byClass.set(key, e);
  });
  const summary = [...byClass.entries()]
    .sort((a, b) => b[1].undef + b[1].mismatch + b[1].other - (a[1].undef + a[1].mismatch + a[1].other))
    .map(([k, v]) => `  ${k.padEnd(10)} undef ${String(v.undef).padStart(5)}  mismatch ${String(v.mismatch).padStart(5)}  other ${String(v.other).padStart(4)}   e.g. ${v.example}`);

  // Detailed reports (one objdump run for all failing cases).
  const details: string[] = [];
  const allDis = disassemble(failing.flatMap((i) => cases[i].words));
  let disAt = 0;
  failing.forEach((i) => {
    const c = cases[i];
    const dis = allDis.slice(disAt, disAt + c.words.length);
    disAt += c.words.length;
    const cu = culprit.get(i);
    const init = c.x.map((v, k) => (RESERVED.has(k) ? null : `x${k}=${hex(v)}`)).filter((s) => s !== null);
    const lines = [
      `case ${indices[i]} (seed ${SEED}, ${mode})${cu ? `: culprit word ${cu.word} [${cu.kind}] ${dis[cu.word]}` : ''}`,
      ...c.words.map((w, k) => `  ${k === cu?.word ? '>' : ' '}${String(k).padStart(2)}  ${(0x40000000 + 4 * k).toString(16)}: ${(w >>> 0).toString(16).padStart(8, '0')}  ${dis[k]}`),
      `  initial NZCV ${c.nzcv.toString(2).padStart(4, '0')}, x28 = BASE = 0x${(DATA + 512).toString(16)}`,
      '  initial ' + init.join(' '),
      describeDiff(c, q[i], res[i]),
    ];
    details.push(lines.join('\n'));
  });
  const reportPath = process.env.TV_DIFF_REPORT ?? join(tmpdir(), 'typevisor-diff-report.txt');
  const header = [
    `${failing.length}/${cases.length} sequences differ (seed ${SEED}; ${mode}; x${BASE_REG} = buffer base)`,
    'by culprit instruction (UNDEF = typevisor has no executor / UNDEFs it; mismatch = first prefix that differs):',
    ...summary,
  ].join('\n');
  writeFileSync(reportPath, header + '\n\n' + details.join('\n\n') + '\n');
  assert.fail(`${header}\n\nfirst failures:\n\n${details.slice(0, 5).join('\n\n')}\n\nfull report: ${reportPath}`);
}
