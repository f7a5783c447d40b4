/**
 * The block compiler: turns hot guest code into JavaScript functions, built with `new Function`
 * from the emitters' source (blocks/emitters.ts). What it buys over the interpreter: no fetch,
 * decode-cache or executor-table dispatch per instruction, every field a constant, and V8
 * optimising a whole loop as one unit.
 *
 * Unit of compilation: a *region*, keyed by its entry (the word a branch reached hot): the basic
 * block there plus the blocks of the loop it heads, if any: blocks reachable from it through
 * direct branches and fall-throughs that stay in the same 4 KiB page and lead back to it (at most
 * MAX_REGION_BLOCKS, MAX_REGION_INSNS). Inside the function the blocks are the cases of a
 * `switch` in a loop, so a loop over several blocks runs without returning to the run loop; any
 * other exit (a register branch, a target outside the region, an executor that ends a block)
 * returns to it.
 *
 * The code is position-independent: it is keyed by host physical page (HostMemory.blockPages)
 * and computes every address from the page's virtual address `pb` (entry PC & -4096), so one
 * physical page mapped at several addresses shares its regions. The run loop never enters a
 * region on the page just below a 4 GiB boundary of PC's low word, so pb + offset never carries
 * into PC_HI. It follows the interpreter's conventions exactly:
 * - Instructions with no emitter call their executor (EXEC[op]) with the constant word; rows of
 *   the branch/exception/system group, and undecodable words, end the block and leave the region
 *   after that call, since they may branch, trap, change the mode or translation regime, or stop
 *   the run loop.
 * - Before anything that can fault, s[S.PC] (the next instruction) and cpu.icount are made exact.
 * - A block runs only when it fits whole in the remaining budget, so budgets (and the
 *   deterministic counter) end on the same instruction as in the interpreter.
 * - Between blocks the region re-checks the budget, cpu.stop, cpu.intCheck and the fetch cache
 *   (dropped by a TLB flush or a write to the code page: stale code stops at the next block
 *   boundary, which the architecture allows until the guest's IC and ISB).
 */
import type { Cpu } from '../cpu.js';
import { decode, EXEC, ROW_BY_ID, OP_UNALLOCATED } from '../decode/table.js';
import { rows as branchSysRows } from '../decode/branch-sys.js';
import { undefinedInstruction } from '../exceptions.js';
import { checkSpAlignment } from '../exec/ldst.js';
import { mul64, r64, shiftReg64 } from '../exec/int64.js';
import { EMIT, EMIT_BRANCH, type BranchCode } from './emitters.js';
import { int, lo, hi } from './gen.js';
import type { BlockFn } from './block-page.js';

/** Longest basic block, in instructions. */
export const MAX_BLOCK_INSNS = 64;
/** Most instructions in one region (a bound on compile time and function size). */
export const MAX_REGION_INSNS = 128;
/** Most blocks in one region. */
export const MAX_REGION_BLOCKS = 4;

/** Rows after which a block must end when they run through their executor. */
const ENDS_BLOCK = new Set(branchSysRows.map((r) => r.name));

type Factory = (...helpers: unknown[]) => BlockFn;

/** Statistics, for tests and diagnostics. */
export const blockStats = { compiled: 0, declined: 0, blocks: 0, instructions: 0, emitted: 0, ms: 0 };

/** One basic block: its code without the final exit, and how it ends. */
interface Block {
  /** Word index of the first instruction in the page. */
  readonly k: number;
  /** Instructions. */
  readonly n: number;
  readonly code: string;
  /** The final branch (emitted), if it ends in one. */
  readonly branch?: BranchCode;
  /** It ends with an executor that must return to the run loop (code includes the return). */
  readonly leaves: boolean;
  /** Instructions done by emitted code (the rest call their executors). */
  readonly emitted: number;
}

/** Decode and emit the basic block at word k (at most `room` instructions). */
function buildBlock(cpu: Cpu, m32: Int32Array, base: number, ops: Uint16Array, k: number, room: number): Block {
  let code = '';
  let n = 0;
  let emitted = 0;
  for (let j = 0; j < room && k + j < 1024; j++) {
    const w = k + j;
    const insn = m32[base + w];
    let op = ops[w];
    if (op === 0) op = ops[w] = decode(cpu, insn);
    const row = ROW_BY_ID[op];
    const name = row === undefined ? '' : row.name;
    n = j + 1;
    const br = EMIT_BRANCH[name];
    const b = br === undefined ? undefined : br(insn);
    if (b !== undefined) return { k, n, code, branch: b, leaves: false, emitted: emitted + 1 };
    const sync = `s[68]=(pb+${4 * (w + 1)})|0;cpu.icount=ic+${n};`;
    const em = EMIT[name];
    const c = em === undefined ? undefined : em(insn, { at: 4 * w, sync });
    if (c !== undefined) {
      code += `{${c}}`;
      emitted++;
      continue;
    }
    // The executor, with the instruction word as a constant.
    code += `${sync}if(X[${op}](cpu,${int(insn)})===false)U(cpu);`;
    if (op === OP_UNALLOCATED || ENDS_BLOCK.has(name)) return { k, n, code: code + 'return true;', leaves: true, emitted };
  }
  return { k, n, code, leaves: false, emitted };
}

/**
 * Compile the region entered at word `k0` of the page whose instruction words start at host
 * word `base`, decoded op ids in `ops`. Returns null when the compiler declines (an emitter bug
 * must not take the guest down: the entry is then interpreted).
 */
export function compileBlock(cpu: Cpu, m32: Int32Array, base: number, ops: Uint16Array, k0: number): BlockFn | null {
  const t0 = performance.now();
  try {
    // Discover the region's blocks breadth-first from the entry.
    const blocks: Block[] = [];
    const index = new Map<number, number>();
    const queue = [k0];
    let total = 0;
    while (queue.length > 0 && blocks.length < MAX_REGION_BLOCKS && total < MAX_REGION_INSNS) {
      const k = queue.shift() as number;
      if (index.has(k)) continue;
      const b = buildBlock(cpu, m32, base, ops, k, Math.min(MAX_BLOCK_INSNS, MAX_REGION_INSNS - total));
      index.set(k, blocks.length);
      blocks.push(b);
      total += b.n;
      if (b.leaves) continue;
      const next = b.k + b.n;
      if (b.branch === undefined) {
        if (next < 1024) queue.push(next);
        continue;
      }
      if (b.branch.off !== undefined) {
        const t = b.k + b.n - 1 + b.branch.off / 4;
        if (t >= 0 && t < 1024) queue.push(t);
      }
      if (b.branch.taken !== null && next < 1024) queue.push(next);
    }
    // Keep the entry's loop: the blocks from which the entry can be reached again. Other blocks
    // exit to the run loop (they get regions of their own when they are hot). Measured on the
    // bench guest (MIPS, 2-3 runs each): one block per function (self-loops only) 91-114;
    // loops of up to 2-4 blocks 111-129; up to 8 blocks 88-118; every reachable block, without
    // this filter, up to 24 blocks 35-60 (V8 optimises small functions far better).
    const succ = (b: Block): number[] => {
      const out: number[] = [];
      if (b.leaves) return out;
      const next = b.k + b.n;
      if (b.branch === undefined || b.branch.taken !== null) out.push(next);
      if (b.branch?.off !== undefined) out.push(b.k + b.n - 1 + b.branch.off / 4);
      return out.filter((k) => index.has(k)).map((k) => index.get(k) as number);
    };
    const reaches = new Set<number>([0]);
    for (let changed = true; changed; ) {
      changed = false;
      for (let i = 0; i < blocks.length; i++) {
        if (!reaches.has(i) && succ(blocks[i]).some((t) => reaches.has(t))) {
          reaches.add(i);
          changed = true;
        }
      }
    }
    const kept = blocks.filter((_, i) => reaches.has(i));
    blocks.length = 0;
    index.clear();
    for (const b of kept) {
      index.set(b.k, blocks.length);
      blocks.push(b);
    }
    total = 0;
    let emitted = 0;
    for (const b of blocks) {
      total += b.n;
      emitted += b.emitted;
    }
    const inRegion = (k: number): number | undefined => index.get(k);

    /** Leave for word k (any 0..1024) after a block of n instructions; `kHi` if not pb's page. */
    const goTo = (k: number, n: number): string => {
      const t = inRegion(k);
      if (t === undefined) return `s[68]=(pb+${4 * k})|0;s[69]=pcHi;cpu.icount=ic+${n};return true;`;
      const nt = blocks[t].n;
      return (
        `ic+=${n};if(ic+${nt}>end||(cpu.stop|cpu.intCheck)!==0||cpu.fetchVaLo!==pb){s[68]=(pb+${4 * k})|0;s[69]=pcHi;cpu.icount=ic;return true;}` +
        `L=${t};continue;`
      );
    };

    let cases = '';
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i];
      let code = b.code;
      if (!b.leaves) {
        const br = b.branch;
        const next = b.k + b.n;
        if (br === undefined) {
          code += goTo(next, b.n);
        } else {
          const at = 4 * (next - 1);
          const link = br.link ? `s[60]=(pb+${4 * next})|0;s[61]=pcHi;` : '';
          let taken: string;
          if (br.off !== undefined) {
            const off = at + br.off;
            const t = off >> 2;
            if (off >= 0 && off < 4096) taken = link + goTo(t, b.n);
            else {
              taken =
                `const tl=(pb+${int(off)})|0,th=(pcHi+${off < 0 ? -1 : 0}+((tl>>>0)<(pb>>>0)?1:0))|0;` +
                `${link}s[68]=tl;s[69]=th;cpu.icount=ic+${b.n};return true;`;
            }
          } else {
            const r = br.reg as number;
            taken = `const tl=${lo(r)},th=${hi(r)};${link}s[68]=tl;s[69]=th;cpu.icount=ic+${b.n};return true;`;
          }
          code += br.taken === null ? `{${taken}}` : `if(${br.taken}){${taken}}${goTo(next, b.n)}`;
        }
      }
      cases += `case ${i}:{${code}}`;
    }
    const src =
      'return function region(cpu,s,pc,pcHi,end){' +
      `let ic=cpu.icount;if(ic+${blocks[0].n}>end)return false;const pb=pc&-4096;` +
      (blocks.length === 1 ? `for(;;){let L=0;${cases.slice(cases.indexOf(':') + 1)}}` : `let L=0;for(;;){switch(L){${cases}}}`) +
      '};';
    const factory = new Function('X', 'U', 'A', 'M', 'R', 'SH', src) as Factory;
    const fn = factory(EXEC, undefinedInstruction, checkSpAlignment, mul64, r64, shiftReg64);
    blockStats.compiled++;
    blockStats.blocks += blocks.length;
    blockStats.instructions += total;
    blockStats.emitted += emitted;
    return fn;
  } catch {
    blockStats.declined++;
    return null;
  } finally {
    blockStats.ms += performance.now() - t0;
  }
}
