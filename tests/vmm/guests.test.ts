/**
 * Guest-level proof: every bare-metal guest in tests/guests/guests.json, booted by the runner
 * behind `typevisor run`, prints exactly the bytes QEMU printed for it (tests/guests/golden/,
 * recorded by tests/guests/build.sh with qemu-system-aarch64 -M virt).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';
import { runBareMetal } from '../../src/vmm/bare-runner.js';

// dist/tests/vmm -> repository root
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const guestsDir = join(root, 'tests', 'guests');

interface GuestEntry {
  name: string;
  cpu: string;
  memMiB: number;
  purpose?: string;
  /** The guest drives the GIC: boot it with virt's GICv3 (3, the runner's default) or GICv2 (2). */
  gic?: 2 | 3;
  /** The runner cannot boot this guest yet (e.g. it needs a vGIC): listed as skipped, with why. */
  pending?: boolean | string;
}

const manifest: GuestEntry[] = JSON.parse(readFileSync(join(guestsDir, 'guests.json'), 'utf8'));

for (const g of manifest) {
  if (g.name === 'bench' || g.purpose === 'bench') continue; // benchmark-sized; run by `npm run bench`
  const skip = g.pending ? (typeof g.pending === 'string' ? g.pending : 'the runner cannot boot it yet') : false;
  test(`guest ${g.name} (${g.cpu}) prints QEMU's golden output and powers off`, { skip }, () => {
    const elf = join(guestsDir, 'build', `${g.name}.elf`);
    const golden = join(guestsDir, 'golden', `${g.name}.txt`);
    assert.ok(existsSync(elf), `${elf} is missing: run tests/guests/build.sh`);
    assert.ok(existsSync(golden), `${golden} is missing: run tests/guests/build.sh`);
    const r = runBareMetal({ kernel: new Uint8Array(readFileSync(elf)), cpu: g.cpu, memMiB: g.memMiB, gic: g.gic ?? 3, maxInstructions: 500_000_000 });
    assert.equal(r.console, readFileSync(golden, 'utf8'));
    assert.equal(r.exit, 'poweroff', r.message);
  });
}
