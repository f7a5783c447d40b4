/**
 * The A64 decoder: every group's rows, compiled once at load into buckets by the top-level
 * op0 field (insn[28:25], Arm ARM C4.1 "A64 instruction set encoding"). decode() runs once per
 * instruction word per code page (the result is cached in HostMemory.decoded), so a linear scan
 * within a bucket is fine.
 */
import type { Cpu } from '../cpu.js';
import { Row, CompiledRow, Exec, compilePattern } from './pattern.js';
import { rows as dataProcImm } from './data-proc-imm.js';
import { rows as dataProcReg } from './data-proc-reg.js';
import { rows as branchSys } from './branch-sys.js';
import { rows as ldst } from './ldst.js';
import { rows as fp } from './fp.js';
import { rows as simd } from './simd.js';
import { rows as simdLdst } from './simd-ldst.js';
import { rows as crypto } from './crypto.js';

/** Op id 1: no row matched. Op id 0 means "not decoded yet" in the decode cache. */
export const OP_UNALLOCATED = 1;

const unallocated: Exec = () => false;

function compile(groups: readonly (readonly Row[])[]): CompiledRow[] {
  const out: CompiledRow[] = [];
  let id = 2;
  for (const g of groups) for (const r of g) out.push({ ...r, ...compilePattern(r.pattern), id: id++ });
  return out;
}

/** All rows in priority order (the first match wins within an overlap group). */
export const ROWS: readonly CompiledRow[] = compile([branchSys, dataProcImm, dataProcReg, ldst, simdLdst, fp, simd, crypto]);

/** Executors by op id. */
export const EXEC: Exec[] = [unallocated, unallocated, ...ROWS.map((r) => r.exec)];

/** Rows by op id (for disassembly-style diagnostics and tests). */
export const ROW_BY_ID: (CompiledRow | undefined)[] = [undefined, undefined, ...ROWS];

const BUCKETS: CompiledRow[][] = Array.from({ length: 16 }, () => []);
for (const r of ROWS) {
  for (let op0 = 0; op0 < 16; op0++) {
    const bits = op0 << 25;
    if ((((bits ^ r.value) & r.mask & (0xf << 25)) >>> 0) === 0) BUCKETS[op0].push(r);
  }
}

/** Decode one instruction word to an op id (>= 1). */
export function decode(cpu: Cpu, insn: number): number {
  const bucket = BUCKETS[(insn >>> 25) & 0xf];
  const u = insn >>> 0;
  for (let i = 0; i < bucket.length; i++) {
    const r = bucket[i];
    if (((u & r.mask) >>> 0) === r.value) {
      if (r.feature !== undefined && !cpu.feat[r.feature]) return OP_UNALLOCATED;
      return r.id;
    }
  }
  return OP_UNALLOCATED;
}

/** The row an instruction decodes to, ignoring features (tests, diagnostics). */
export function findRow(insn: number): CompiledRow | undefined {
  const bucket = BUCKETS[(insn >>> 25) & 0xf];
  const u = insn >>> 0;
  for (const r of bucket) if (((u & r.mask) >>> 0) === r.value) return r;
  return undefined;
}
