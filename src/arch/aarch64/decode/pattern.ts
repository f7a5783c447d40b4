/**
 * Instruction encodings as data (STYLE.md rule 1, after QEMU's decodetree). A row names an
 * instruction, gives its 32-bit pattern and the executor that runs it:
 *
 *   { name: 'ADD_i', pattern: 'sf:1 0 0 100010 sh:1 imm12:12 rn:5 rd:5', exec: addSubImm }
 *
 * Pattern grammar, most significant bit first, tokens separated by spaces:
 *   - '0' / '1'   fixed bits (several may be written together: '100010')
 *   - '-'         a bit that is ignored (may be written together with 0/1: '10-1')
 *   - 'name:len'  a field of len bits, free in this pattern (executors extract fields themselves;
 *                 the names document the Arm ARM's field names)
 *   - 'name=bits' a field with a fixed value, e.g. 'opc=01' (documentation + fixed bits)
 * The bits must add up to 32.
 */
import type { Cpu } from '../cpu.js';

/**
 * Runs one instruction. Returns false for reserved, UNPREDICTABLE-we-choose-to-UNDEF or
 * feature-absent encodings: the run loop then raises an Undefined Instruction exception.
 */
export type Exec = (cpu: Cpu, insn: number) => void | boolean;

export interface Row {
  /** Instruction name in the Arm ARM's spelling with a form suffix (ADD_i, LDR_reg...). */
  readonly name: string;
  readonly pattern: string;
  readonly exec: Exec;
  /**
   * Rows that claim overlapping encodings on purpose share an overlap tag (e.g. 'hint'); the
   * row listed first in the table wins. Any other overlap is a table bug (tests check).
   */
  readonly overlap?: string;
  /** The row only decodes when the CPU has this feature (Features key), otherwise UNDEF. */
  readonly feature?: 'lse' | 'pan' | 'crc32' | 'aes' | 'pmull' | 'sha1' | 'sha256' | 'fp' | 'advsimd' | 'fp16' | 'bti' | 'pauth';
}

export interface CompiledRow extends Row {
  readonly mask: number;
  readonly value: number;
  /** Index into the executor table. */
  readonly id: number;
}

/** Compile a pattern to (mask, value), both as uint32 numbers. */
export function compilePattern(pattern: string): { mask: number; value: number } {
  let mask = 0;
  let value = 0;
  let n = 0;
  const push = (bit: '0' | '1' | '-') => {
    mask = mask * 2 + (bit === '-' ? 0 : 1);
    value = value * 2 + (bit === '1' ? 1 : 0);
    n++;
  };
  for (const tok of pattern.trim().split(/\s+/)) {
    let m: RegExpMatchArray | null;
    if (/^[01-]+$/.test(tok)) {
      for (const c of tok) push(c as '0' | '1' | '-');
    } else if ((m = tok.match(/^[A-Za-z_][A-Za-z0-9_]*:(\d+)$/))) {
      for (let i = 0; i < Number(m[1]); i++) push('-');
    } else if ((m = tok.match(/^[A-Za-z_][A-Za-z0-9_]*=([01-]+)$/))) {
      for (const c of m[1]) push(c as '0' | '1' | '-');
    } else {
      throw new Error(`decode pattern: bad token '${tok}' in '${pattern}'`);
    }
  }
  if (n !== 32) throw new Error(`decode pattern: ${n} bits, not 32, in '${pattern}'`);
  return { mask: mask >>> 0, value: value >>> 0 };
}
