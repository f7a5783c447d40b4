/**
 * The decode table tests itself (STYLE.md rule 2): every pattern compiles, every row decodes to
 * itself, and no two rows claim one encoding unless they declare the same overlap group.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROWS, findRow } from '../../../src/arch/aarch64/decode/table.js';
import { compilePattern } from '../../../src/arch/aarch64/decode/pattern.js';

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

test('pattern compiler: fixed bits, fields and ignored bits', () => {
  assert.deepEqual(compilePattern('sf:1 00 100010 sh:1 imm12:12 rn:5 rd:5'), { mask: 0x7f800000, value: 0x11000000 });
  assert.deepEqual(compilePattern('1101010100 0 00 011 0010 CRm:4 op2:3 11111'), { mask: 0xfffff01f, value: 0xd503201f });
  assert.deepEqual(compilePattern('opc=01 ' + '-'.repeat(30)), { mask: 0xc0000000, value: 0x40000000 });
  assert.throws(() => compilePattern('0101'), /not 32/);
  assert.throws(() => compilePattern('01x1 ' + '0'.repeat(28)), /bad token/);
});

test('row names are unique', () => {
  const seen = new Map<string, number>();
  for (const r of ROWS) seen.set(r.name, (seen.get(r.name) ?? 0) + 1);
  const dups = [...seen].filter(([, n]) => n > 1).map(([name]) => name);
  assert.deepEqual(dups, []);
});

test('no two rows overlap outside a declared overlap group', () => {
  const bad: string[] = [];
  for (let i = 0; i < ROWS.length; i++) {
    const a = ROWS[i];
    for (let j = i + 1; j < ROWS.length; j++) {
      const b = ROWS[j];
      if ((((a.value ^ b.value) & a.mask & b.mask) >>> 0) !== 0) continue;
      if (a.overlap !== undefined && a.overlap === b.overlap) continue;
      bad.push(`${a.name} (${a.pattern}) ~ ${b.name} (${b.pattern})`);
    }
  }
  assert.deepEqual(bad, []);
});

test('every row decodes to itself (or to an earlier row of its overlap group)', () => {
  const next = rng(12345);
  const wrong: string[] = [];
  for (const r of ROWS) {
    for (let k = 0; k < 32; k++) {
      const insn = ((r.value | (next() & ~r.mask)) >>> 0) | 0;
      const got = findRow(insn);
      const ok = got === r || (got !== undefined && r.overlap !== undefined && got.overlap === r.overlap);
      if (!ok) {
        wrong.push(`${r.name}: 0x${(insn >>> 0).toString(16)} -> ${got?.name ?? 'nothing'}`);
        break;
      }
    }
  }
  assert.deepEqual(wrong, []);
});
