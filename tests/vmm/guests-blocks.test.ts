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
import { runBareMetal } from '../../src/vmm/bare-runner.js';
import { guests, guestElf, guestGolden } from '../helpers/guests.js';

for (const g of guests) {
  if (g.purpose === 'bench' || g.pending) continue;
  test(`guest ${g.name}: compiled at first sight, interpreted only, and by default, the same output and instruction count`, () => {
    const elf = guestElf(g);
    assert.ok(existsSync(elf), `${elf} is missing: run tests/guests/build.sh`);
    const golden = readFileSync(guestGolden(g), 'utf8');
    const kernel = new Uint8Array(readFileSync(elf));
    const counts: number[] = [];
    for (const blockThreshold of [0, -1, undefined]) {
      const r = runBareMetal({ kernel, cpu: g.cpu, memMiB: g.memMiB, maxInstructions: 500_000_000, blockThreshold, gic: g.gic ?? 3 });
      assert.equal(r.console, golden, `blockThreshold ${String(blockThreshold)}`);
      assert.equal(r.exit, 'poweroff', r.message);
      counts.push(r.instructions);
    }
    // The GIC guests' timers follow the host clock: their instruction counts may differ.
    if (g.gic === undefined) assert.deepEqual(counts, [counts[2], counts[2], counts[2]], 'instructions retired (threshold 0, -1, default)');
  });
}
