/**
 * The run loop: compiled blocks (blocks/) where code is hot, the interpreter everywhere else.
 * The interpreter fetches through a one-page fetch cache, decodes once per code page
 * (HostMemory.decoded) and executes through the executor table. No allocation, no closures, no
 * BigInt per instruction.
 */
import { Cpu, Stop } from './cpu.js';
import { S } from './state.js';
import { decode, EXEC } from './decode/table.js';
import { GUEST_EXCEPTION, checkPending, undefinedInstruction, syncToEl1 } from './exceptions.js';
import { lookup } from './mmu/access.js';
import { ACC_EXEC } from './mmu/translate.js';
import { ESR_ELx_EC_PC_ALIGN } from './esr.js';
import { compileBlock } from './blocks/compile.js';

/**
 * Translate PC for a fetch (PC already advanced by 4: faults rewind it) and point the fetch
 * cache at its page. Returns the host word index of the instruction.
 */
function fetchSlow(cpu: Cpu, hi: number, lo: number): number {
  if ((lo & 3) !== 0) syncToEl1(cpu, ESR_ELx_EC_PC_ALIGN, true, 0, true, lo, hi);
  const i = lookup(cpu, hi, lo, ACC_EXEC, cpu.permX, 0);
  const host = cpu.tlbHost[i];
  const page = host >>> 12;
  cpu.fetchOps = cpu.mem.decodedPage(page);
  cpu.fetchBlocks = cpu.mem.blockPages[page] as NonNullable<(typeof cpu.mem.blockPages)[number]>;
  cpu.fetchVaLo = lo & -4096;
  cpu.fetchVaHi = hi;
  cpu.fetchHostWord = host >>> 2;
  cpu.fetchHostPage = page;
  return cpu.fetchHostWord + ((lo & 0xfff) >>> 2);
}


/**
 * Run until `budget` instructions have retired, the CPU traps to EL2, waits in WFI, or a stop
 * is requested. Returns the reason (Stop.*). cpu.icount counts executed instructions (an
 * instruction that took an exception counts too, which guarantees progress per budget).
 *
 * The outer loop does the per-entry work: pending interrupts, then, at a block entry (the loop
 * is re-entered after every taken branch and every block) on the fetch cache's page, the
 * compiled block if there is one, counting the entry's heat and compiling it at
 * cpu.blockThreshold. Otherwise the interpreter's inner loop executes while the next PC stays
 * on the page and nothing asked the loop to look (stop, interrupt check, fetch cache dropped, or,
 * with blocks on, a taken branch), so it never re-checks the fetch cache or re-enters the try
 * block per instruction.
 */
export function run(cpu: Cpu, budget: number): Stop {
  cpu.stop = 0;
  const s = cpu.s;
  const m32 = cpu.m32;
  const exec = EXEC;
  const end = cpu.icount + budget;
  const threshold = cpu.blockThreshold;
  const blocks = threshold >= 0;
  while (cpu.icount < end) {
    try {
      if (cpu.intCheck !== 0) checkPending(cpu);
      const lo = s[S.PC];
      const hi = s[S.PC_HI];
      // A block needs the page cached (translated for this mode) and must not run into the
      // 4 GiB boundary of PC's low word (its code assumes PC_HI constant, see compile.ts).
      if (blocks && (lo & ~0xffc) === cpu.fetchVaLo && hi === cpu.fetchVaHi && (lo & -4096) !== -4096) {
        const k = (lo & 0xfff) >>> 2;
        const bp = cpu.fetchBlocks;
        let fn = bp.fns[k];
        if (fn === undefined && bp.heat[k]++ >= threshold) {
          fn = bp.fns[k] = compileBlock(cpu, m32, cpu.fetchHostWord, cpu.fetchOps, k);
        }
        if (fn != null && fn(cpu, s, lo, hi, end)) {
          if (cpu.stop !== 0) break;
          continue;
        }
      }
      // Counted before the fetch: an instruction whose fetch faults (even a faulting vector,
      // over and over) still spends budget, so run() always returns.
      // `ic` mirrors cpu.icount so the inner loop only stores it (timer.ts reads it in
      // deterministic mode, so it stays exact for every executor); nothing else writes it.
      let ic = cpu.icount + 1;
      cpu.icount = ic;
      let next = (lo + 4) | 0;
      s[S.PC] = next;
      if (next === 0) s[S.PC_HI] = (hi + 1) | 0;
      // Keeping PC[1:0] in the comparison sends a misaligned PC to fetchSlow's alignment check.
      if ((lo & ~0xffc) !== cpu.fetchVaLo || hi !== cpu.fetchVaHi) fetchSlow(cpu, hi, lo);
      const ops = cpu.fetchOps;
      const pageLo = cpu.fetchVaLo;
      const base = cpu.fetchHostWord;
      let k = (lo & 0xfff) >>> 2;
      for (;;) {
        const insn = m32[base + k];
        let op = ops[k];
        if (op === 0) op = ops[k] = decode(cpu, insn);
        if (exec[op](cpu, insn) === false) undefinedInstruction(cpu);
        // Stay in the inner loop while the next PC (sequential, or a branch target when blocks
        // are off) is on the same page and nothing needs the outer loop: the end of the budget,
        // a stop, the interrupt check, the fetch cache dropped (TLB flush, mode change, code
        // write). The last word of the 4 GiB low half (next PC carries into PC_HI) goes the
        // long way.
        const pc = s[S.PC];
        if ((pc & ~0xffc) !== pageLo || s[S.PC_HI] !== hi || pc === -4 || ic >= end) break;
        if ((cpu.stop | cpu.intCheck) !== 0 || cpu.fetchVaLo !== pageLo || (blocks && pc !== next)) break;
        cpu.icount = ++ic;
        next = (pc + 4) | 0;
        s[S.PC] = next;
        k = (pc & 0xfff) >>> 2;
      }
    } catch (e) {
      if (e !== GUEST_EXCEPTION) {
        cpu.stop = Stop.INTERNAL_ERROR;
        cpu.internalError = e;
      }
    }
    if (cpu.stop !== 0) break;
  }
  return cpu.stop === 0 ? Stop.BUDGET : (cpu.stop as Stop);
}
