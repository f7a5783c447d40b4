/**
 * The block compiler: turns a hot straight-line run of guest instructions (a basic block, within
 * one 4 KiB page) into one JavaScript function, built with `new Function` from the emitters'
 * source (blocks/emitters.ts). What it buys over the interpreter: no fetch, decode-cache or
 * executor-table dispatch per instruction, every field a constant, and V8 optimising the whole
 * block (and a loop that branches back to its own start) as one unit.
 *
 * The compiled code is position-independent: it is keyed by host physical page (HostMemory
 * .blockPages) and gets the block's virtual address as arguments, so one physical page mapped at
 * several addresses shares its blocks. It follows the interpreter's conventions exactly:
 * - Instructions with no emitter call their executor (EXEC[op]) with the constant word; rows of
 *   the branch/exception/system group, and undecodable words, end the block after that call,
 *   since they may branch, trap, change the mode or translation regime, or stop the run loop.
 * - Before anything that can fault, s[S.PC] (the next instruction) and cpu.icount are made exact.
 * - A block runs only when the whole block fits in the remaining budget, so budgets (and the
 *   deterministic counter) end on the same instruction as in the interpreter.
 * - A block whose final branch targets its own first instruction loops inside the function,
 *   re-checking the budget, cpu.stop, cpu.intCheck and the fetch cache (dropped by a TLB flush
 *   or a write to the code page) before every further pass.
 */
import type { Cpu } from '../cpu.js';
import { decode, EXEC, ROW_BY_ID, OP_UNALLOCATED } from '../decode/table.js';
import { rows as branchSysRows } from '../decode/branch-sys.js';
import { undefinedInstruction } from '../exceptions.js';
import { checkSpAlignment } from '../exec/ldst.js';
import { mul64, r64 } from '../exec/int64.js';
import { EMIT, EMIT_BRANCH, type BranchCode } from './emitters.js';
import { int, lo, hi } from './gen.js';
import type { BlockFn } from './block-page.js';

/** Longest block, in instructions (a bound on compile time and code size). */
export const MAX_BLOCK_INSNS = 64;

/** Rows after which a block must end when they run through their executor. */
const ENDS_BLOCK = new Set(branchSysRows.map((r) => r.name));

type Factory = (...helpers: unknown[]) => BlockFn;

/** Statistics, for `typevisor run --stats` and tests. */
export const blockStats = { compiled: 0, declined: 0, instructions: 0, emitted: 0 };

/** Source of the exit for a branch at index j of a block of n = j + 1 instructions. */
function branchExit(b: BranchCode, j: number, loop: { used: boolean }): string {
  const n = j + 1;
  const done = `cpu.icount=ic+${n};return true;`;
  let target: string;
  if (b.off !== undefined) {
    const off = 4 * j + b.off;
    if (off === 0) {
      // Back to the block's first instruction: another pass of the loop.
      loop.used = true;
      target = `ic+=${n};if(ic+${n}>end||(cpu.stop|cpu.intCheck)!==0||cpu.fetchVaLo!==pl){s[68]=pc;s[69]=pcHi;cpu.icount=ic;return true;}continue;`;
      if (b.link) target = `s[60]=(pc+${4 * n})|0;s[61]=pcHi;` + target;
    } else {
      target = `const tl=(pc+${int(off)})|0,th=(pcHi+${off < 0 ? -1 : 0}+((tl>>>0)<(pc>>>0)?1:0))|0;`;
      if (b.link) target += `s[60]=(pc+${4 * n})|0;s[61]=pcHi;`;
      target += `s[68]=tl;s[69]=th;${done}`;
    }
  } else {
    const r = b.reg as number;
    target = `const tl=${lo(r)},th=${hi(r)};`;
    if (b.link) target += `s[60]=(pc+${4 * n})|0;s[61]=pcHi;`;
    target += `s[68]=tl;s[69]=th;${done}`;
  }
  if (b.taken === null) return target;
  return `if(${b.taken}){${target}}s[68]=(pc+${4 * n})|0;${done}`;
}

/**
 * Compile the block starting at word `k0` of the page whose instruction words start at host word
 * `base`, decoded op ids in `ops`. Returns null when the compiler declines (a bug in an emitter
 * must not take the guest down: the block is then interpreted).
 */
export function compileBlock(cpu: Cpu, m32: Int32Array, base: number, ops: Uint16Array, k0: number): BlockFn | null {
  let body = '';
  const loop = { used: false };
  let n = 0;
  let ended = false;
  let emitted = 0;
  try {
    for (let j = 0; j < MAX_BLOCK_INSNS && k0 + j < 1024; j++) {
      const k = k0 + j;
      const insn = m32[base + k];
      let op = ops[k];
      if (op === 0) op = ops[k] = decode(cpu, insn);
      const row = ROW_BY_ID[op];
      const name = row === undefined ? '' : row.name;
      n = j + 1;
      const sync = `s[68]=(pc+${4 * n})|0;cpu.icount=ic+${n};`;
      const br = EMIT_BRANCH[name];
      if (br !== undefined) {
        const b = br(insn);
        if (b !== undefined) {
          body += `{${branchExit(b, j, loop)}}`;
          emitted++;
          ended = true;
          break;
        }
      }
      const em = EMIT[name];
      const code = em === undefined ? undefined : em(insn, { j, sync });
      if (code !== undefined) {
        body += `{${code}}`;
        emitted++;
        continue;
      }
      // The executor, with the instruction word as a constant.
      body += `${sync}if(X[${op}](cpu,${int(insn)})===false)U(cpu);`;
      if (op === OP_UNALLOCATED || ENDS_BLOCK.has(name)) {
        body += 'return true;';
        ended = true;
        break;
      }
    }
    if (!ended) body += `s[68]=(pc+${4 * n})|0;cpu.icount=ic+${n};return true;`;
    const src =
      `return function block(cpu,s,pc,pcHi,end){let ic=cpu.icount;if(ic+${n}>end)return false;` +
      (loop.used ? `const pl=pc&-4096;for(;;){${body}}` : body) +
      '};';
    const factory = new Function('X', 'U', 'A', 'M', 'R', src) as Factory;
    const fn = factory(EXEC, undefinedInstruction, checkSpAlignment, mul64, r64);
    blockStats.compiled++;
    blockStats.instructions += n;
    blockStats.emitted += emitted;
    return fn;
  } catch {
    blockStats.declined++;
    return null;
  }
}
