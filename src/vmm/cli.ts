/**
 * The `typevisor` command line. Options are declared as rows (name, alias, type, help, default),
 * the way kvmtool's builtin-run.c declares OPT_* rows, and the parser and the help text both come
 * from the table.
 *
 *   typevisor run --kernel FILE [-m MiB] [--cpu cortex-a57|max] [--gic 2|3|none] [--max-insns N]
 *                 [--block-threshold N|off] [--stats]
 *
 * The run drives the guest through the hypervisor's KVM-shaped API alone (bare-runner.ts);
 * --stats adds the VM's exit statistics (kvm_stat's counters, exits by EC and by exit reason).
 *
 * Exit status: 0 when the guest powers off (or asks for a reset, which ends the run as QEMU's
 * -no-reboot does), 1 for bad input (message on stderr naming the option or file), 2 when the
 * guest ends in an error, hits the instruction limit or halts for good.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CPU_MODELS } from '../arch/aarch64/cpus/index.js';
import { DEFAULT_BLOCK_THRESHOLD } from '../arch/aarch64/cpu.js';
import { blockStats } from '../arch/aarch64/blocks/compile.js';
import { runBareMetal, DEFAULT_MEM_MIB, MAX_MEM_MIB } from './bare-runner.js';
import { formatStats } from '../hyp/stats.js';
import { VmmInputError, InvalidArgumentError } from './errors.js';

export type OptType = 'string' | 'size' | 'count' | 'choice' | 'flag';

/** One command-line option. */
export interface OptRow {
  /** Long form, `--kernel`. */
  readonly name: string;
  /** Short form, `-m`. */
  readonly alias?: string;
  readonly type: OptType;
  /** Placeholder in the help text. */
  readonly arg?: string;
  readonly help: string;
  readonly default?: string;
  /** For 'choice': the accepted values. */
  readonly choices?: () => readonly string[];
}

export const RUN_OPTIONS: readonly OptRow[] = [
  { name: '--kernel', alias: '-k', type: 'string', arg: 'FILE', help: 'AArch64 ELF executable to boot', default: 'tests/guests/build/hello.elf' },
  { name: '--mem', alias: '-m', type: 'size', arg: 'SIZE', help: `guest RAM in MiB (512, 512M or 1G; at most ${MAX_MEM_MIB}M)`, default: String(DEFAULT_MEM_MIB) },
  { name: '--cpu', type: 'choice', arg: 'MODEL', help: 'CPU model', default: 'cortex-a57', choices: () => Object.keys(CPU_MODELS) },
  { name: '--gic', type: 'choice', arg: 'VERSION', help: "interrupt controller: 3 (virt's GICv3 on the vGICv3), 2 (virt's gic-version=2 on the vGICv2) or none", default: '3', choices: () => ['2', '3', 'none'] },
  { name: '--max-insns', type: 'count', arg: 'N', help: 'stop after N guest instructions (exit status 2)' },
  {
    name: '--block-threshold',
    type: 'string',
    arg: 'N|off',
    help: 'compile a block of guest code to JavaScript after it ran N times (0..254; 0 = at once); off = interpreter only',
    default: String(DEFAULT_BLOCK_THRESHOLD),
  },
  { name: '--stats', type: 'flag', help: 'print instructions, time, MIPS and the exit statistics (by exit reason and EC) on stderr at the end' },
  { name: '--help', alias: '-h', type: 'flag', help: 'show this help' },
];

export interface CliIo {
  /** Guest console bytes. */
  stdout: (bytes: Uint8Array | string) => void;
  /** Diagnostics, one call per line (without the newline). */
  stderr: (line: string) => void;
}

const defaultIo: CliIo = {
  stdout: (b) => void process.stdout.write(b),
  stderr: (line) => void process.stderr.write(line + '\n'),
};

const USAGE = `Usage: typevisor <command> [options]

Commands:
  run       boot a bare-metal AArch64 ELF on the virt-like machine (PL011 at 0x09000000,
            RAM at 0x40000000, PSCI over HVC/SMC)

Run 'typevisor run --help' for the options of run.
`;

function runHelp(): string {
  const lines = ['Usage: typevisor run [--kernel FILE] [options]', '', 'Options:'];
  for (const o of RUN_OPTIONS) {
    const flags = (o.alias !== undefined ? `${o.alias}, ` : '    ') + o.name + (o.arg !== undefined ? ` ${o.arg}` : '');
    let help = o.help;
    if (o.choices !== undefined) help += ` (${o.choices().join(', ')})`;
    if (o.default !== undefined) help += ` [default: ${o.default}]`;
    lines.push(`  ${flags.padEnd(27)} ${help}`);
  }
  lines.push('', 'Exit status: 0 guest powered off, 1 bad input, 2 guest error, halt or instruction limit.', '');
  return lines.join('\n');
}

/** Parse "512", "512M", "512MiB", "1G" into MiB. */
export function parseMemSize(v: string): number | undefined {
  const m = /^(\d+)\s*(?:([MmGg])(?:i?[Bb])?)?$/.exec(v.trim());
  if (m === null) return undefined;
  const n = Number(m[1]);
  const mib = m[2] !== undefined && m[2].toLowerCase() === 'g' ? n * 1024 : n;
  return Number.isSafeInteger(mib) ? mib : undefined;
}

type Parsed = Map<string, string | true>;

function findOpt(arg: string): OptRow | undefined {
  return RUN_OPTIONS.find((o) => o.name === arg || o.alias === arg);
}

/** Parse `run`'s arguments against RUN_OPTIONS; throws InvalidArgumentError. */
export function parseRunArgs(argv: readonly string[]): Parsed {
  const out: Parsed = new Map();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    let name = a;
    let value: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      name = a.slice(0, eq);
      value = a.slice(eq + 1);
    }
    const opt = findOpt(name);
    if (opt === undefined) {
      throw new InvalidArgumentError(a, a.startsWith('-') ? `unknown option '${a}' (see 'typevisor run --help')` : `unexpected argument '${a}' (see 'typevisor run --help')`);
    }
    if (opt.type === 'flag') {
      if (value !== undefined) throw new InvalidArgumentError(opt.name, `${opt.name} takes no value`);
      out.set(opt.name, true);
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new InvalidArgumentError(opt.name, `${name}: missing ${opt.arg ?? 'value'}`);
      value = argv[++i];
    }
    out.set(opt.name, value);
  }
  return out;
}

/** The package root (the directory holding typevisor's package.json), from this module's URL. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      try {
        if ((JSON.parse(readFileSync(p, 'utf8')) as { name?: string }).name === 'typevisor') return dir;
      } catch {
        // not ours: keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

async function cmdRun(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseRunArgs(argv);
  if (args.has('--help')) {
    io.stdout(runHelp());
    return 0;
  }
  const kernelArg = args.get('--kernel');
  const kernelPath = typeof kernelArg === 'string' ? kernelArg : join(packageRoot(), 'tests/guests/build/hello.elf');

  let memMiB = DEFAULT_MEM_MIB;
  const memArg = args.get('--mem');
  if (typeof memArg === 'string') {
    const v = parseMemSize(memArg);
    if (v === undefined) throw new InvalidArgumentError('-m', `-m: invalid memory size '${memArg}' (expected MiB: 512, 512M or 1G)`);
    if (v < 1 || v > MAX_MEM_MIB) throw new InvalidArgumentError('-m', `-m: memory size ${v}M is out of range (1M to ${MAX_MEM_MIB}M)`);
    memMiB = v;
  }
  const cpuArg = args.get('--cpu');
  const cpu = typeof cpuArg === 'string' ? cpuArg : 'cortex-a57';
  if (!Object.prototype.hasOwnProperty.call(CPU_MODELS, cpu)) {
    throw new InvalidArgumentError('--cpu', `--cpu: unknown CPU model '${cpu}' (valid: ${Object.keys(CPU_MODELS).join(', ')})`);
  }
  const gicArg = args.get('--gic');
  if (typeof gicArg === 'string' && gicArg !== '2' && gicArg !== '3' && gicArg !== 'none') {
    throw new InvalidArgumentError('--gic', `--gic: unknown interrupt controller '${gicArg}' (valid: 2, 3, none)`);
  }
  const gic = gicArg === 'none' ? 'none' : gicArg === '2' ? 2 : 3;
  let maxInstructions: number | undefined;
  const maxArg = args.get('--max-insns');
  if (typeof maxArg === 'string') {
    const n = /^\d+$/.test(maxArg.replace(/_/g, '')) ? Number(maxArg.replace(/_/g, '')) : NaN;
    if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('--max-insns', `--max-insns: '${maxArg}' is not a positive integer`);
    maxInstructions = n;
  }

  let blockThreshold: number | undefined;
  const btArg = args.get('--block-threshold');
  if (typeof btArg === 'string') {
    blockThreshold = btArg === 'off' ? -1 : /^\d+$/.test(btArg) ? Number(btArg) : NaN;
    if (!(blockThreshold >= -1 && blockThreshold <= 254)) {
      throw new InvalidArgumentError('--block-threshold', `--block-threshold: '${btArg}' is not a count from 0 to 254 or 'off'`);
    }
  }

  let kernel: Uint8Array;
  try {
    kernel = new Uint8Array(readFileSync(kernelPath));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e);
    const hint = typeof kernelArg === 'string' ? '' : " (the default demo; build it with 'npm run guests' or pass --kernel)";
    throw new InvalidArgumentError('--kernel', `--kernel: cannot read '${kernelPath}': ${why}${hint}`);
  }

  const r = runBareMetal({
    kernel,
    memMiB,
    cpu,
    gic,
    maxInstructions,
    blockThreshold,
    kernelName: kernelPath,
    console: (b) => io.stdout(b),
    warn: (line) => io.stderr(line),
  });
  if (args.has('--stats')) {
    const mips = r.seconds > 0 ? r.instructions / r.seconds / 1e6 : 0;
    io.stderr(`typevisor: ${r.instructions} instructions in ${r.seconds.toFixed(3)} s (${mips.toFixed(1)} MIPS), exit ${r.exit}`);
    // The block compiler's counters are per process (one VM per `typevisor run`), like QEMU's `info jit`.
    const b = blockStats;
    io.stderr(`typevisor: compiled blocks: ${b.compiled} regions (${b.blocks} blocks, ${b.instructions} instructions) in ${b.ms.toFixed(1)} ms`);
    for (const line of formatStats(r.stats)) io.stderr(`typevisor: ${line}`);
  }
  switch (r.exit) {
    case 'poweroff':
      return 0;
    case 'reset':
      io.stderr('typevisor: guest requested a system reset; exiting (reboot is not supported)');
      return 0;
    case 'limit':
      io.stderr(`typevisor: ${r.message ?? 'instruction limit reached'}`);
      return 2;
    case 'halted':
      io.stderr(`typevisor: guest halted: ${r.message ?? 'no interrupt source'}`);
      return 2;
    default:
      io.stderr(`typevisor: guest error: ${r.message ?? 'unknown'}`);
      return 2;
  }
}

/** Entry point of bin/typevisor.js. Returns the process exit status. */
export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  try {
    const [cmd, ...rest] = argv;
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      io.stdout(USAGE);
      return cmd === undefined ? 1 : 0;
    }
    if (cmd === 'run') return await cmdRun(rest, io);
    io.stderr(`typevisor: unknown command '${cmd}' (see 'typevisor --help')`);
    return 1;
  } catch (e) {
    if (e instanceof VmmInputError) {
      io.stderr(`typevisor: ${e.message}`);
      return 1;
    }
    throw e;
  }
}
