/**
 * What the block compiler keeps per 4 KiB host page of code (HostMemory.blockPages): the
 * compiled function of each block entry (by word index in the page) and a heat counter per entry
 * that decides when a block is worth compiling. Dropped with the page's decoded op ids, on any
 * write to the page (self-modifying code, loaders) and on IC IALLU.
 */
import type { Cpu } from '../cpu.js';

/**
 * A compiled block (blocks/compile.ts): runs the guest instructions from `pc` (the block's entry,
 * whose host page is the fetch cache's), in the interpreter's state conventions, and returns
 * false without executing anything when the instruction budget (`end`, an icount) cannot take
 * the whole block. On return s[S.PC] is the next instruction and cpu.icount counts what ran;
 * a guest exception leaves by throwing GUEST_EXCEPTION exactly as the interpreter does.
 */
export type BlockFn = (cpu: Cpu, s: Int32Array, pc: number, pcHi: number, end: number) => boolean;

export class BlockPage {
  /** Compiled block per entry word; null: the compiler declined (interpret it). */
  readonly fns: (BlockFn | null | undefined)[] = new Array<BlockFn | null | undefined>(1024);
  /** Times each entry was reached by a branch while not compiled (saturates at 255). */
  readonly heat = new Uint8Array(1024);
}
