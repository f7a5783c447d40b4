/**
 * Assemble A64 source with Debian's aarch64-linux-gnu-as (installed by .ci/run) into
 * instruction words, for tests that are clearer written as assembly than as hex. Results are
 * cached under ~/.cache/typevisor/asm by content hash, so repeated runs do not spawn the tool.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { homedir, tmpdir } from 'node:os';

const CACHE = join(process.env.TYPEVISOR_CACHE ?? join(homedir(), '.cache', 'typevisor'), 'asm');

/** Assemble `src` (GNU as syntax, .text only) and return its words. */
export function assemble(src: string, arch = 'armv8.1-a+crc+crypto'): Uint32Array {
  const key = createHash('sha256').update(arch + '\n' + src).digest('hex').slice(0, 32);
  const cached = join(CACHE, key + '.bin');
  if (existsSync(cached)) return toWords(readFileSync(cached));
  const dir = mkdtempSync(join(tmpdir(), 'tv-asm-'));
  try {
    writeFileSync(join(dir, 'a.s'), '.text\n' + src + '\n');
    execFileSync('aarch64-linux-gnu-as', ['-march=' + arch, '-o', join(dir, 'a.o'), join(dir, 'a.s')], { stdio: 'pipe' });
    execFileSync('aarch64-linux-gnu-objcopy', ['-O', 'binary', '-j', '.text', join(dir, 'a.o'), join(dir, 'a.bin')], { stdio: 'pipe' });
    const bin = readFileSync(join(dir, 'a.bin'));
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(cached, new Uint8Array(bin));
    return toWords(bin);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function toWords(b: Buffer): Uint32Array {
  const out = new Uint32Array(b.length >>> 2);
  for (let i = 0; i < out.length; i++) out[i] = b.readUInt32LE(i * 4);
  return out;
}
