/**
 * The guests of tests/guests/guests.json again, at the two ends of the block compiler's setting:
 * every block compiled the first time it is reached (blockThreshold 0: exceptions, MMU changes,
 * self-modifying loaders and interrupts all happen inside compiled code) and the interpreter
 * alone (-1). Both must print QEMU's golden bytes and retire exactly the same number of
 * instructions as the default setting (compiled blocks never overrun a budget or miscount).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';
import { runBareMetal, type BareRunOptions } from '../../src/vmm/bare-runner.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const guestsDir = join(root, 'tests', 'guests');

interface GuestEntry {
  name: string;
  cpu: string;
  memMiB: number;
  purpose?: string;
  gic?: number;
  pending?: boolean | string;
}

const manifest: GuestEntry[] = JSON.parse(readFileSync(join(guestsDir, 'guests.json'), 'utf8'));

for (const g of manifest) {
  if (g.purpose === 'bench' || g.pending) continue;
  test(`guest ${g.name}: compiled at first sight, interpreted only, and by default, the same output and instruction count`, () => {
    const elf = join(guestsDir, 'build', `${g.name}.elf`);
    assert.ok(existsSync(elf), `${elf} is missing: run tests/guests/build.sh`);
    const golden = readFileSync(join(guestsDir, 'golden', `${g.name}.txt`), 'utf8');
    const kernel = new Uint8Array(readFileSync(elf));
    const counts: number[] = [];
    for (const blockThreshold of [0, -1, undefined]) {
      const opts = { kernel, cpu: g.cpu, memMiB: g.memMiB, maxInstructions: 500_000_000, blockThreshold, gic: g.gic } as BareRunOptions;
      const r = runBareMetal(opts);
      assert.equal(r.console, golden, `blockThreshold ${String(blockThreshold)}`);
      assert.equal(r.exit, 'poweroff', r.message);
      counts.push(r.instructions);
    }
    // The GIC guests' timers follow the host clock: their instruction counts may differ.
    if (g.gic === undefined) assert.deepEqual(counts, [counts[2], counts[2], counts[2]], 'instructions retired (threshold 0, -1, default)');
  });
}
