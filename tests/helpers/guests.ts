/**
 * The bare-metal guests of tests/guests/guests.json (built by tests/guests/build.sh), for the
 * tests that boot them.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';

/** tests/guests in the repository (this module runs from dist/tests/helpers). */
export const guestsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tests', 'guests');

export interface GuestEntry {
  name: string;
  cpu: string;
  memMiB: number;
  /** 'bench': benchmark-sized, run by `npm run bench` only. */
  purpose?: string;
  /** The guest drives the GIC: boot it with virt's GICv3 (3, the runner's default) or GICv2 (2). */
  gic?: 2 | 3;
  /** The guest uses FP/SIMD. */
  fp?: boolean;
  /** The runner cannot boot this guest yet: listed as skipped, with why. */
  pending?: boolean | string;
}

export const guests: readonly GuestEntry[] = JSON.parse(readFileSync(join(guestsDir, 'guests.json'), 'utf8'));

export const guestElf = (g: GuestEntry): string => join(guestsDir, 'build', `${g.name}.elf`);
export const guestGolden = (g: GuestEntry): string => join(guestsDir, 'golden', `${g.name}.txt`);
