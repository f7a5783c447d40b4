import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseElf, writeElf, EM_AARCH64 } from '../../src/vmm/elf.js';
import { InvalidImageError } from '../../src/vmm/errors.js';

const RAM = { base: 0x40000000, size: 128 << 20 };
const HELLO = fileURLToPath(new URL('../../../tests/guests/build/hello.elf', import.meta.url));

function code(...words: number[]): Uint8Array {
  const b = new Uint8Array(words.length * 4);
  const dv = new DataView(b.buffer);
  words.forEach((w, i) => dv.setUint32(4 * i, w >>> 0, true));
  return b;
}

function minimal(): Uint8Array {
  return writeElf(0x40080000, [
    { paddr: 0x40080000, data: code(0xd503201f, 0xd4000002) },
    { paddr: 0x40090000, data: new Uint8Array([1, 2, 3]), memsz: 0x100 },
  ]);
}

function rejects(bytes: Uint8Array, message: string | RegExp, opts: Parameters<typeof parseElf>[1] = { ram: RAM }): void {
  assert.throws(
    () => parseElf(bytes, opts),
    (e: unknown) => {
      assert.ok(e instanceof InvalidImageError, `expected InvalidImageError, got ${String(e)}`);
      if (typeof message === 'string') assert.equal(e.message, message);
      else assert.match(e.message, message);
      return true;
    },
  );
}

test('accepts a synthetic minimal AArch64 executable', () => {
  const elf = parseElf(minimal(), { ram: RAM });
  assert.equal(elf.entry, 0x40080000);
  assert.equal(elf.segments.length, 2);
  assert.equal(elf.segments[0].paddr, 0x40080000);
  assert.equal(elf.segments[0].vaddr, 0x40080000);
  assert.deepEqual([...elf.segments[0].data], [...code(0xd503201f, 0xd4000002)]);
  assert.equal(elf.segments[0].memsz, 8);
  assert.deepEqual([...elf.segments[1].data], [1, 2, 3]);
  assert.equal(elf.segments[1].memsz, 0x100);
});

test('accepts the built hello guest', (t) => {
  if (!existsSync(HELLO)) return t.skip('tests/guests/build/hello.elf not built');
  const elf = parseElf(new Uint8Array(readFileSync(HELLO)), { ram: RAM });
  assert.equal(elf.entry, 0x40080000);
  assert.ok(elf.segments.length >= 1);
  for (const s of elf.segments) {
    assert.ok(s.paddr >= RAM.base && s.paddr + s.memsz <= RAM.base + RAM.size);
    assert.ok(s.data.length <= s.memsz);
  }
});

test('rejects a file that is not ELF (bad magic)', () => {
  rejects(new Uint8Array(0), 'kernel: not an ELF file (bad magic)');
  rejects(new Uint8Array([0x7f, 0x45, 0x4c]), 'kernel: not an ELF file (bad magic)');
  rejects(new TextEncoder().encode('#!/bin/sh\necho hi\n'), 'kernel: not an ELF file (bad magic)');
});

test('names the image as the caller asks', () => {
  rejects(new Uint8Array(8), 'guest.bin: not an ELF file (bad magic)', { name: 'guest.bin' });
});

test('rejects a truncated header', () => {
  rejects(minimal().subarray(0, 20), /^kernel: truncated ELF header \(20 bytes, need 64\)$/);
});

test('rejects a wrong machine, class, byte order and type', () => {
  rejects(writeElf(0x40080000, [{ paddr: 0x40080000, data: code(0) }], 62), 'kernel: ELF machine 62 is not AArch64 (183)');
  const c32 = minimal();
  c32[4] = 1;
  rejects(c32, /ELF class 1 is not ELFCLASS64/);
  const be = minimal();
  be[5] = 2;
  rejects(be, /ELF data encoding 2 is not little-endian/);
  rejects(writeElf(0x40080000, [{ paddr: 0x40080000, data: code(0) }], EM_AARCH64, 3), /^kernel: ELF type 3 is not an executable/);
});

test('rejects program headers outside the file', () => {
  const b = minimal();
  new DataView(b.buffer).setBigUint64(32, 0x10000n, true);
  rejects(b, /^kernel: program headers \[0x10000,0x10070\) lie outside the file/);
  const huge = minimal();
  new DataView(huge.buffer).setBigUint64(32, 0xffffffffffffff00n, true);
  rejects(huge, /program header offset 0xffffffffffffff00 is out of range/);
});

test('rejects a segment larger in the file than in memory, or outside the file', () => {
  const b = minimal();
  const dv = new DataView(b.buffer);
  dv.setBigUint64(64 + 40, 4n, true); // segment 0 memsz < filesz
  rejects(b, 'kernel: segment 0 filesz 0x8 exceeds memsz 0x4');
  const c = minimal();
  new DataView(c.buffer).setBigUint64(64 + 56 + 32, 0x100000n, true); // segment 1 filesz
  new DataView(c.buffer).setBigUint64(64 + 56 + 40, 0x100000n, true);
  rejects(c, /^kernel: segment 1 file range \[0x[0-9a-f]+,0x[0-9a-f]+\) lies outside the file/);
});

test('rejects segments and entry points outside RAM', () => {
  const low = writeElf(0x40080000, [
    { paddr: 0x40080000, data: code(0) },
    { paddr: 0x3ffff000, data: code(0), memsz: 0x2000 },
  ]);
  rejects(low, 'kernel: segment 1 [0x3ffff000,0x40001000) lies outside RAM [0x40000000,0x48000000)');
  const high = writeElf(0x40080000, [{ paddr: 0x47fffff0, data: code(0), memsz: 0x20 }]);
  rejects(high, 'kernel: segment 0 [0x47fffff0,0x48000010) lies outside RAM [0x40000000,0x48000000)');
  const entry = writeElf(0x1000, [{ paddr: 0x40080000, data: code(0) }]);
  rejects(entry, 'kernel: entry point 0x1000 lies outside RAM [0x40000000,0x48000000)');
  // Without a RAM range the same image parses.
  assert.equal(parseElf(entry).entry, 0x1000);
});

test('rejects an image without loadable segments', () => {
  const b = writeElf(0x40080000, [{ paddr: 0x40080000, data: code(0) }]);
  new DataView(b.buffer).setUint32(64, 4, true); // PT_NOTE
  rejects(b, 'kernel: no loadable (PT_LOAD) segment');
});

test('every truncation of a valid image fails with InvalidImageError, never a RangeError', () => {
  const images = [minimal()];
  if (existsSync(HELLO)) images.push(new Uint8Array(readFileSync(HELLO)));
  for (const img of images) {
    const step = Math.max(1, Math.floor(img.length / 2000));
    for (let n = 0; n < img.length; n += n < 256 ? 1 : step) {
      try {
        parseElf(img.subarray(0, n), { ram: RAM });
      } catch (e) {
        assert.ok(e instanceof InvalidImageError, `length ${n}: ${String(e)}`);
      }
    }
  }
});

test('random garbage behind a valid ELF identification never escapes as a host error', () => {
  let seed = 12345;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 16;
  };
  for (let i = 0; i < 2000; i++) {
    const b = i % 2 === 0 ? new Uint8Array(64 + (rnd() % 400)) : minimal();
    for (let k = 0; k < b.length; k++) if (i % 2 === 0 || rnd() % 16 === 0) b[k] = rnd();
    b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1], 0);
    b[18] = 183;
    b[19] = 0;
    b[16] = 2;
    b[17] = 0;
    try {
      parseElf(b, { ram: RAM });
    } catch (e) {
      assert.ok(e instanceof InvalidImageError, String(e));
    }
  }
});
