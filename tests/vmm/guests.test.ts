/**
 * Guest-level proof: every bare-metal guest in tests/guests/guests.json, booted by the runner
 * behind `typevisor run`, prints exactly the bytes QEMU printed for it (tests/guests/golden/,
 * recorded by tests/guests/build.sh with qemu-system-aarch64 -M virt).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { runBareMetal } from '../../src/vmm/bare-runner.js';
import { guests, guestElf, guestGolden } from '../helpers/guests.js';

for (const g of guests) {
  if (g.name === 'bench' || g.purpose === 'bench') continue; // benchmark-sized; run by `npm run bench`
  const skip = g.pending ? (typeof g.pending === 'string' ? g.pending : 'the runner cannot boot it yet') : false;
  test(`guest ${g.name} (${g.cpu}) prints QEMU's golden output and powers off`, { skip }, () => {
    const elf = guestElf(g);
    const golden = guestGolden(g);
    assert.ok(existsSync(elf), `${elf} is missing: run tests/guests/build.sh`);
    assert.ok(existsSync(golden), `${golden} is missing: run tests/guests/build.sh`);
    const r = runBareMetal({ kernel: new Uint8Array(readFileSync(elf)), cpu: g.cpu, memMiB: g.memMiB, gic: g.gic ?? 3, maxInstructions: 500_000_000 });
    assert.equal(r.console, readFileSync(golden, 'utf8'));
    assert.equal(r.exit, 'poweroff', r.message);
  });
}
