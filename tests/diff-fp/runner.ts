/**
 * Both sides of the FP/SIMD differential test: QEMU (qemu-aarch64 -cpu cortex-a57 running
 * harness.elf, one process per batch) and typevisor (tests/helpers/machine.ts, CPU model `max`,
 * CPACR_EL1.FPEN = 0b11, identity-mapped Normal memory), plus comparison and reporting helpers.
 * Used by diff-fp.test.ts and tests/arch/aarch64/crypto.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { makeMachine, loadWords, ramBytes, setX, getX, nzcv, setNzcv, TestMachine } from '../helpers/machine.js';
import { max } from '../../src/arch/aarch64/cpus/max.js';
import { Stop } from '../../src/arch/aarch64/cpu.js';
import { S, SR, srIndex } from '../../src/arch/aarch64/state.js';
import { run } from '../../src/arch/aarch64/run.js';
import { FpCase, FpResult, encodeFpBatch, decodeFpResults, CODE, DATA, BUFSZ, MAXW, RESERVED } from './gen.js';

const HERE = dirname(fileURLToPath(import.meta.url));
function findHarness(): string {
  for (const p of [join(HERE, 'harness.elf'), join(HERE, '../../../tests/diff-fp/harness.elf')]) if (existsSync(p)) return p;
  return join(process.cwd(), 'tests/diff-fp/harness.elf');
}

export const QEMU_CPU = 'cortex-a57';

export function qemuAvailable(): boolean {
  return spawnSync('qemu-aarch64', ['--version'], { stdio: 'pipe' }).status === 0;
}

export function runQemuFp(cases: readonly FpCase[]): FpResult[] {
  const elf = findHarness();
  if (!existsSync(elf)) throw new Error(`${elf} is missing: build it with tests/diff-fp/build.sh`);
  const r = spawnSync('qemu-aarch64', ['-cpu', QEMU_CPU, elf], { input: encodeFpBatch(cases), maxBuffer: 1 << 30, stdio: 'pipe' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`qemu-aarch64 harness exited with ${r.status ?? r.signal}: ${r.stderr.toString()}`);
  return decodeFpResults(r.stdout, cases.length);
}

const STEP_LIMIT = 4 * MAXW;
const VBAR = CODE + 0x800;
const TT = 0x40400000;

export class TvFpRunner {
  readonly m: TestMachine;
  constructor() {
    this.m = makeMachine({ model: max });
    const cpu = this.m.cpu;
    cpu.setSr(SR.VBAR_EL1, VBAR, 0);
    cpu.setSr(SR.CPACR_EL1, 3 << 20, 0);
    this.enableMmu();
  }

  /** Identity map of Normal WB memory (as tests/diff): 4K granule, 39-bit VA, 2 MiB blocks. */
  private enableMmu(): void {
    const m = this.m;
    const cpu = m.cpu;
    const w64 = (pa: number, lo: number, hi: number): void => {
      const h = m.ramHost + (pa - m.ramBase);
      m.mem.i32[h >>> 2] = lo;
      m.mem.i32[(h >>> 2) + 1] = hi;
    };
    const l2 = TT + 0x1000;
    w64(TT + 8 * ((m.ramBase / 0x40000000) | 0), l2 | 3, 0);
    for (let i = 0; i < m.ramSize / 0x200000; i++) {
      const pa = m.ramBase + i * 0x200000;
      const isData = pa === (DATA & ~0x1fffff);
      w64(l2 + 8 * i, pa | (1 << 10) | (3 << 8) | (isData ? 1 << 6 : 0) | 1, isData ? (1 << 22) | (1 << 21) : 0);
    }
    cpu.setSr(SR.MAIR_EL1, 0xff, 0);
    cpu.setSr(SR.TCR_EL1, 25 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23), 2);
    cpu.setSr(SR.TTBR0_EL1, TT, 0);
    const sctlr = cpu.sr(SR.SCTLR_EL1);
    cpu.setSr(SR.SCTLR_EL1, (sctlr | 1 | (1 << 2) | (1 << 12)) & ~(1 << 1), cpu.srHi(SR.SCTLR_EL1));
    cpu.flushTlb();
  }

  runCase(c: FpCase): FpResult {
    const m = this.m;
    const cpu = m.cpu;
    const s = cpu.s;
    loadWords(m, CODE, c.words);
    m.mem.writeBytes(m.ramHost + (DATA - m.ramBase), c.buf);
    for (let i = 0; i < 31; i++) setX(cpu, i, c.x[i]);
    setNzcv(cpu, c.nzcv);
    s[S.FPCR] = c.fpcr;
    s[S.FPSR] = c.fpsr;
    const dv = new DataView(c.v.buffer, c.v.byteOffset, 512);
    for (let k = 0; k < 128; k++) s[S.V0 + k] = dv.getInt32(4 * k, true);
    s[S.PC] = CODE;
    s[S.PC_HI] = 0;
    s[S.EL] = 1;
    cpu.exclValid = false;
    const end = CODE + 4 * c.words.length;
    let error: string | undefined;
    for (let step = 0; ; step++) {
      const pc = s[S.PC] >>> 0;
      if (s[S.PC_HI] === 0 && pc >= end && pc <= CODE + 4 * MAXW) break;
      if (s[S.PC_HI] === 0 && pc >= VBAR && pc < VBAR + 0x800) {
        const esr = s[srIndex(SR.ESR_EL1)] >>> 0;
        const elr = s[srIndex(SR.ELR_EL1)] >>> 0;
        const far = s[srIndex(SR.FAR_EL1)] >>> 0;
        const ec = esr >>> 26;
        error =
          `exception to EL1: ESR_EL1 0x${esr.toString(16)} (EC 0x${ec.toString(16)}${ec === 0 ? ', UNDEF' : ''}) ` +
          `at word ${(elr - CODE) / 4}${ec === 0x25 || ec === 0x24 ? `, FAR 0x${far.toString(16)}` : ''}`;
        break;
      }
      if (s[S.PC_HI] !== 0 || pc < CODE || pc > end) {
        error = `PC left the block: 0x${pc.toString(16)}`;
        break;
      }
      if (step >= STEP_LIMIT) {
        error = `step limit at PC 0x${pc.toString(16)}`;
        break;
      }
      const stop = run(cpu, 1);
      if (stop === Stop.TRAP) {
        error = `trap to EL2: ESR_EL2 0x${(s[S.ESR_EL2] >>> 0).toString(16)} at word ${((s[S.PC] >>> 0) - CODE) / 4}`;
        break;
      }
      if (stop === Stop.INTERNAL_ERROR) {
        const e = cpu.internalError;
        error = `internal error at word ${(pc - CODE) / 4}: ${e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 3).join(' | ') : String(e)}`;
        break;
      }
      if (stop !== Stop.BUDGET) {
        error = `run stopped with ${stop}`;
        break;
      }
    }
    const x: bigint[] = [];
    for (let i = 0; i < 31; i++) x.push(RESERVED.has(i) ? 0n : getX(cpu, i));
    const v = new Uint8Array(512);
    const ov = new DataView(v.buffer);
    for (let k = 0; k < 128; k++) ov.setInt32(4 * k, s[S.V0 + k], true);
    return { x, nzcv: nzcv(cpu), fpcr: s[S.FPCR] >>> 0, fpsr: s[S.FPSR] >>> 0, v, buf: ramBytes(m, DATA, BUFSZ), error };
  }
}

// ---- comparison and reporting ----------------------------------------------------------------------

export function caseDiffers(q: FpResult, t: FpResult): boolean {
  if (t.error !== undefined) return true;
  if (q.nzcv !== t.nzcv || q.fpcr !== t.fpcr || q.fpsr !== t.fpsr) return true;
  for (let i = 0; i < 31; i++) if (!RESERVED.has(i) && q.x[i] !== t.x[i]) return true;
  for (let i = 0; i < 512; i++) if (q.v[i] !== t.v[i]) return true;
  for (let i = 0; i < BUFSZ; i++) if (q.buf[i] !== t.buf[i]) return true;
  return false;
}

const hex64 = (v: bigint): string => '0x' + v.toString(16).padStart(16, '0');
const h8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

/** A V register as 0x<hi64>_<lo64>. */
function vhex(v: Uint8Array, n: number): string {
  let s = '';
  for (let i = 15; i >= 0; i--) {
    s += v[16 * n + i].toString(16).padStart(2, '0');
    if (i === 8) s += '_';
  }
  return '0x' + s;
}

export function describeFpDiff(c: FpCase, q: FpResult, t: FpResult): string {
  const out: string[] = [];
  if (t.error !== undefined) out.push(`  typevisor: ${t.error}`);
  for (let i = 0; i < 31; i++) {
    if (RESERVED.has(i) || q.x[i] === t.x[i]) continue;
    out.push(`  x${i}: qemu ${hex64(q.x[i])}  typevisor ${hex64(t.x[i])}  (initial ${hex64(c.x[i])})`);
  }
  for (let n = 0; n < 32; n++) {
    let d = false;
    for (let i = 0; i < 16; i++) if (q.v[16 * n + i] !== t.v[16 * n + i]) d = true;
    if (d) out.push(`  v${n}: qemu ${vhex(q.v, n)}  typevisor ${vhex(t.v, n)}  (initial ${vhex(c.v, n)})`);
  }
  const b4 = (x: number): string => x.toString(2).padStart(4, '0');
  if (q.nzcv !== t.nzcv) out.push(`  NZCV: qemu ${b4(q.nzcv)}  typevisor ${b4(t.nzcv)}  (initial ${b4(c.nzcv)})`);
  if (q.fpsr !== t.fpsr) out.push(`  FPSR: qemu 0x${h8(q.fpsr)}  typevisor 0x${h8(t.fpsr)}  (initial 0x${h8(c.fpsr)}; QC 27, IDC 7, IXC 4, UFC 3, OFC 2, DZC 1, IOC 0)`);
  if (q.fpcr !== t.fpcr) out.push(`  FPCR: qemu 0x${h8(q.fpcr)}  typevisor 0x${h8(t.fpcr)}  (initial 0x${h8(c.fpcr)})`);
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

/** FPCR as text: rounding mode and flags. */
export function fpcrText(fpcr: number): string {
  const rm = ['RN', 'RP', 'RM', 'RZ'][(fpcr >>> 22) & 3];
  return `${rm}${fpcr & (1 << 24) ? ' FZ' : ''}${fpcr & (1 << 25) ? ' DN' : ''}${fpcr & (1 << 26) ? ' AHP' : ''}`;
}

/** Disassemble words with objdump (only for failing cases); one line per word. */
export function disassemble(words: readonly number[]): string[] {
  if (words.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'tv-diff-fp-'));
  try {
    const f = join(dir, 'w.bin');
    const b = new Uint8Array(words.length * 4);
    const dv = new DataView(b.buffer);
    words.forEach((w, i) => dv.setUint32(i * 4, w >>> 0, true));
    writeFileSync(f, b);
    const r = spawnSync('aarch64-linux-gnu-objdump', ['-D', '-b', 'binary', '-maarch64', f], { stdio: 'pipe', maxBuffer: 1 << 28 });
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
