/**
 * `npm run bench`: boot the benchmark guests — the integer one (tests/guests/build/bench.elf,
 * else sieve.elf) and the float-heavy one (fbench.elf) — through runBareMetal() and, when
 * qemu-system-aarch64 is installed, under QEMU's TCG in the same run, then print instructions,
 * time, guest MIPS and the typevisor/QEMU time ratio, check that both printed the same console
 * output, and print the float guest's MIPS against the integer guest's.
 *
 *   node dist/bench/run.js [guest.elf ...]
 *
 * QEMU's time is the wall clock of the whole process (start-up included, typically tens of ms);
 * typevisor's is shown both for the run loop alone and for the whole call, to compare like with
 * like, plus the process CPU time of the call: on a shared machine the wall clock varies by
 * +-50% between runs, CPU time much less. BENCH_RUNS=n runs typevisor n times and reports the
 * best run (by CPU time). A second row runs the guest once on the interpreter alone (compiled
 * blocks off; BENCH_INTERP=0 skips it). Exit status 1 when the guest does not power off or the
 * outputs differ.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { runBareMetal } from '../src/vmm/bare-runner.js';

const QEMU = process.env.QEMU ?? 'qemu-system-aarch64';
const QEMU_TIMEOUT_MS = 600_000;

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Guests to run: the command line's, else the integer benchmark and the float-heavy guest. */
function findGuests(root: string): string[] {
  const args = process.argv.slice(2);
  if (args.length > 0) return args;
  const build = join(root, 'tests/guests/build');
  const out: string[] = [];
  const integer = ['bench', 'sieve'].map((n) => join(build, `${n}.elf`)).find((p) => existsSync(p));
  if (integer !== undefined) out.push(integer);
  const float = join(build, 'fbench.elf');
  if (existsSync(float)) out.push(float);
  return out;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('   ')).join('\n');
}

function qemuAvailable(): boolean {
  const r = spawnSync(QEMU, ['--version'], { stdio: 'ignore' });
  return r.status === 0;
}

function main(): number {
  const root = packageRoot();
  const guests = findGuests(root);
  if (guests.length === 0) {
    process.stderr.write("bench: no tests/guests/build/bench.elf or sieve.elf; build them with 'npm run guests'\n");
    return 1;
  }
  let status = 0;
  const mipsByGuest: [string, number][] = [];
  for (const guest of guests) {
    const one = benchGuest(guest);
    status |= one.status;
    mipsByGuest.push([guest, one.cpuMips]);
    process.stdout.write('\n');
  }
  if (mipsByGuest.length === 2 && mipsByGuest[0][1] > 0) {
    const [[a, ma], [b, mb]] = mipsByGuest;
    process.stdout.write(`${relative(process.cwd(), b) || b} runs at ${(mb / ma).toFixed(2)}x the MIPS (cpu) of ${relative(process.cwd(), a) || a}\n`);
  }
  return status;
}

/** Run the guest `runs` times; the run with the least process CPU time, with its wall and CPU seconds. */
function timeRuns(kernel: Uint8Array, runs: number, blockThreshold: number | undefined): { r?: ReturnType<typeof runBareMetal>; wall: number; cpu: number } {
  let best: ReturnType<typeof runBareMetal> | undefined;
  let wall = 0;
  let cpu = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const ri = runBareMetal({ kernel, cpu: 'cortex-a57', memMiB: 128, blockThreshold });
    const c = process.cpuUsage(c0);
    const used = (c.user + c.system) / 1e6;
    if (used < cpu) {
      cpu = used;
      wall = (performance.now() - t0) / 1000;
      best = ri;
    }
  }
  return { r: best, wall, cpu };
}

function benchGuest(guest: string): { status: number; cpuMips: number } {
  const kernel = new Uint8Array(readFileSync(guest));
  const shown = relative(process.cwd(), guest) || guest;
  process.stdout.write(`guest: ${shown} (cortex-a57, 128 MiB)\n\n`);

  const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 1) | 0);
  const best = timeRuns(kernel, runs, undefined);
  const r = best.r;
  const tvWall = best.wall;
  const tvCpu = best.cpu;
  if (r === undefined) return { status: 1, cpuMips: 0 };
  const mips = r.seconds > 0 ? r.instructions / r.seconds / 1e6 : 0;
  const cpuMips = tvCpu > 0 ? r.instructions / tvCpu / 1e6 : 0;
  // The same guest on the interpreter alone (blocks off), once: what the block compiler adds.
  const interp = process.env.BENCH_INTERP === '0' ? undefined : timeRuns(kernel, 1, -1);
  let status = 0;
  if (r.exit !== 'poweroff') {
    process.stderr.write(`bench: typevisor run ended with '${r.exit}': ${r.message ?? ''}\n`);
    status = 1;
  }

  const rows: string[][] = [
    ['', 'instructions', 'run loop s', 'wall s', 'cpu s', 'guest MIPS', 'MIPS (cpu)'],
    ['typevisor', String(r.instructions), r.seconds.toFixed(3), tvWall.toFixed(3), tvCpu.toFixed(3), mips.toFixed(1), cpuMips.toFixed(1)],
  ];
  if (interp?.r !== undefined) {
    const ri = interp.r;
    rows.push([
      '  interpreter only',
      String(ri.instructions),
      ri.seconds.toFixed(3),
      interp.wall.toFixed(3),
      interp.cpu.toFixed(3),
      ri.seconds > 0 ? (ri.instructions / ri.seconds / 1e6).toFixed(1) : '-',
      interp.cpu > 0 ? (ri.instructions / interp.cpu / 1e6).toFixed(1) : '-',
    ]);
  }
  const notes: string[] = [];
  if (qemuAvailable()) {
    const args = ['-M', 'virt', '-cpu', 'cortex-a57', '-m', '128', '-nographic', '-monitor', 'none', '-serial', 'stdio', '-kernel', guest];
    const q0 = performance.now();
    const q = spawnSync(QEMU, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: QEMU_TIMEOUT_MS, maxBuffer: 256 << 20 });
    const qWall = (performance.now() - q0) / 1000;
    const qOut = q.stdout === null ? '' : q.stdout.toString('utf8');
    if (q.error !== undefined || q.status !== 0) {
      notes.push(`qemu: exited with ${q.error !== undefined ? q.error.message : `status ${String(q.status)}`}`);
      status = 1;
    }
    rows.push(['qemu (TCG)', '-', '-', qWall.toFixed(3), '-', qWall > 0 ? `~${(r.instructions / qWall / 1e6).toFixed(1)}` : '-', '-']);
    notes.push(`ratio typevisor/qemu (wall): ${(tvWall / qWall).toFixed(2)}x` + (tvWall > qWall ? ' (typevisor slower)' : ' (typevisor faster)'));
    if (qOut === r.console) {
      notes.push(`console output: identical (${Buffer.byteLength(r.console)} bytes)`);
    } else {
      notes.push(`console output: DIFFERENT (typevisor ${Buffer.byteLength(r.console)} bytes, qemu ${Buffer.byteLength(qOut)} bytes)`);
      status = 1;
    }
  } else {
    notes.push(`${QEMU} not found: QEMU comparison skipped`);
  }
  process.stdout.write(table(rows) + '\n\n' + notes.join('\n') + '\n');
  if (rows.length > 2) process.stdout.write('(qemu MIPS is typevisor\'s instruction count over QEMU\'s wall time: an estimate)\n');
  return { status, cpuMips };
}

process.exitCode = main();
