import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { main, parseMemSize, parseRunArgs, RUN_OPTIONS, CliIo } from '../../src/vmm/cli.js';
import { writeElf } from '../../src/vmm/elf.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string[] }> {
  let out = '';
  const err: string[] = [];
  const io: CliIo = {
    stdout: (b) => void (out += typeof b === 'string' ? b : Buffer.from(b).toString()),
    stderr: (line) => void err.push(line),
  };
  const code = await main(argv, io);
  return { code, out, err };
}

function tmpFile(name: string, data: Uint8Array | string): { path: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tv-cli-'));
  const path = join(dir, name);
  writeFileSync(path, data);
  return { path, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('the option table has unique names and aliases, and every row has help', () => {
  const seen = new Set<string>();
  for (const o of RUN_OPTIONS) {
    for (const n of [o.name, o.alias]) {
      if (n === undefined) continue;
      assert.ok(!seen.has(n), `duplicate ${n}`);
      seen.add(n);
    }
    assert.ok(o.help.length > 0);
  }
});

test('-m accepts MiB, M and G forms', () => {
  assert.equal(parseMemSize('512'), 512);
  assert.equal(parseMemSize('512M'), 512);
  assert.equal(parseMemSize('512m'), 512);
  assert.equal(parseMemSize('1G'), 1024);
  assert.equal(parseMemSize('2GiB'), 2048);
  assert.equal(parseMemSize('64MB'), 64);
  for (const bad of ['', 'x', '1.5G', '-1', '12Q', '1T']) assert.equal(parseMemSize(bad), undefined, bad);
});

test('options parse in "--opt value" and "--opt=value" forms', () => {
  const a = parseRunArgs(['--kernel', 'a.elf', '-m', '1G', '--cpu=max', '--stats']);
  assert.equal(a.get('--kernel'), 'a.elf');
  assert.equal(a.get('--mem'), '1G');
  assert.equal(a.get('--cpu'), 'max');
  assert.equal(a.get('--stats'), true);
});

test('a missing kernel file is bad input naming the option and the file', async () => {
  const r = await cli('run', '--kernel', '/nonexistent/guest.elf');
  assert.equal(r.code, 1);
  assert.deepEqual(r.err, ["typevisor: --kernel: cannot read '/nonexistent/guest.elf': no such file"]);
  assert.equal(r.out, '');
});

test('a kernel that is not ELF is bad input naming the file', async () => {
  const f = tmpFile('notelf.bin', 'hello world, not an ELF');
  try {
    const r = await cli('run', '--kernel', f.path);
    assert.equal(r.code, 1);
    assert.deepEqual(r.err, [`typevisor: ${f.path}: not an ELF file (bad magic)`]);
  } finally {
    f.done();
  }
});

test('bad -m values are refused with a clear message', async () => {
  for (const [v, msg] of [
    ['12Q', "typevisor: -m: invalid memory size '12Q' (expected MiB: 512, 512M or 1G)"],
    ['0', 'typevisor: -m: memory size 0M is out of range (1M to 3072M)'],
    ['4G', 'typevisor: -m: memory size 4096M is out of range (1M to 3072M)'],
  ]) {
    const r = await cli('run', '--kernel', '/nonexistent', '-m', v);
    assert.equal(r.code, 1, v);
    assert.deepEqual(r.err, [msg]);
  }
});

test('an unknown --cpu is refused, listing the models', async () => {
  const r = await cli('run', '--cpu', 'cortex-a72');
  assert.equal(r.code, 1);
  assert.deepEqual(r.err, ["typevisor: --cpu: unknown CPU model 'cortex-a72' (valid: cortex-a57, max)"]);
});

test('unknown options, missing values and bad --max-insns are refused', async () => {
  let r = await cli('run', '--frobnicate');
  assert.equal(r.code, 1);
  assert.match(r.err[0], /unknown option '--frobnicate'/);
  r = await cli('run', '-m');
  assert.equal(r.code, 1);
  assert.deepEqual(r.err, ['typevisor: -m: missing SIZE']);
  r = await cli('run', '--max-insns', '10x');
  assert.equal(r.code, 1);
  assert.deepEqual(r.err, ["typevisor: --max-insns: '10x' is not a positive integer"]);
  r = await cli('run', 'stray');
  assert.equal(r.code, 1);
  assert.match(r.err[0], /unexpected argument 'stray'/);
  r = await cli('frob');
  assert.equal(r.code, 1);
  assert.match(r.err[0], /unknown command 'frob'/);
});

test('--help prints usage and succeeds', async () => {
  let r = await cli('--help');
  assert.equal(r.code, 0);
  assert.match(r.out, /Usage: typevisor <command>/);
  r = await cli('run', '--help');
  assert.equal(r.code, 0);
  for (const o of RUN_OPTIONS) assert.ok(r.out.includes(o.name), o.name);
  assert.match(r.out, /cortex-a57, max/);
  r = await cli();
  assert.equal(r.code, 1, 'no command is a usage error');
});

test('a guest that ends in an error exits with status 2 and says why', async () => {
  const f = tmpFile('undef.elf', writeElf(0x40080000, [{ paddr: 0x40080000, data: new Uint8Array(4) }]));
  try {
    const r = await cli('run', '--kernel', f.path, '-m', '16');
    assert.equal(r.code, 2);
    assert.match(r.err[0], /^typevisor: guest error: guest jumped to 0x200 outside RAM/);
  } finally {
    f.done();
  }
});

test('bin/typevisor.js runs main() and exits with its status', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/typevisor.js'), 'run', '--kernel', '/nonexistent.elf'], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--kernel: cannot read '\/nonexistent.elf'/);
});

test('typevisor run boots the default demo guest and exits 0 (needs the executors)', (t) => {
  if (!existsSync(join(ROOT, 'tests/guests/build/hello.elf'))) return t.skip('hello.elf not built');
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/typevisor.js'), 'run'], { encoding: 'utf8', cwd: tmpdir() });
  if (r.status === 2 && /EC 0x0[,)]/.test(r.stderr)) return t.skip('an instruction is still undefined');
  assert.equal(r.status, 0, r.stderr);
  const golden = join(ROOT, 'tests/guests/golden/hello.txt');
  if (existsSync(golden)) assert.equal(r.stdout, readFileSync(golden, 'utf8'));
});

test('--stats prints instructions and MIPS, then the exit statistics by EC and exit reason', async () => {
  // movz x0, #0x0900, lsl #16; movz w1, #'A'; strb w1, [x0]; SYSTEM_OFF over HVC.
  const words = [0xd2a12000, 0x52800821, 0x39000001, 0x52800100, 0x72b08000, 0xd4000002];
  const data = new Uint8Array(words.length * 4);
  words.forEach((w, i) => new DataView(data.buffer).setUint32(4 * i, w, true));
  const f = tmpFile('a.elf', writeElf(0x40080000, [{ paddr: 0x40080000, data }]));
  try {
    const r = await cli('run', '--kernel', f.path, '-m', '16', '--stats');
    assert.equal(r.code, 0, r.err.join('\n'));
    assert.equal(r.out, 'A');
    assert.match(r.err[0], /^typevisor: 6 instructions in [\d.]+ s \([\d.]+ MIPS\), exit poweroff$/);
    const text = r.err.join('\n');
    assert.match(text, /EC 0x24 DABT_LOW\s+1\s/);
    assert.match(text, /EC 0x16 HVC64\s+1\s/);
    assert.match(text, /KVM_EXIT_MMIO\s+1\s/);
    assert.match(text, /KVM_EXIT_SYSTEM_EVENT\s+1\s/);
    assert.match(text, /mmio_exit_user\s+1$/m);
  } finally {
    f.done();
  }
});

test('--block-threshold takes 0..254 or off, runs the guest the same either way, and refuses anything else', async () => {
  // A counting loop (x0 from 0 to 1000: add, cmp, b.ne), then 'A' on the UART and SYSTEM_OFF.
  const words = [0xd2800000, 0x91000400, 0xf10fa01f, 0x54ffffc1, 0xd2a12000, 0x52800821, 0x39000001, 0x52800100, 0x72b08000, 0xd4000002];
  const data = new Uint8Array(words.length * 4);
  words.forEach((w, i) => new DataView(data.buffer).setUint32(4 * i, w, true));
  const f = tmpFile('loop.elf', writeElf(0x40080000, [{ paddr: 0x40080000, data }]));
  try {
    for (const v of ['0', '1', '254', 'off']) {
      const r = await cli('run', '--kernel', f.path, '-m', '16', '--block-threshold', v, '--stats');
      assert.equal(r.code, 0, r.err.join('\n'));
      assert.equal(r.out, 'A');
      assert.match(r.err[0], /^typevisor: 3007 instructions in /, `--block-threshold ${v}`);
      assert.match(r.err[1], /^typevisor: compiled blocks: \d+ regions \(\d+ blocks, \d+ instructions\) in [\d.]+ ms$/);
    }
    for (const v of ['255', '-1', 'x', '']) {
      const r = await cli('run', '--kernel', f.path, '--block-threshold', v);
      assert.equal(r.code, 1);
      assert.deepEqual(r.err, [`typevisor: --block-threshold: '${v}' is not a count from 0 to 254 or 'off'`]);
    }
  } finally {
    f.done();
  }
});
