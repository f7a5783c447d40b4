/**
 * The interpreter loop: fetch through a one-page fetch cache, decode once per code page
 * (HostMemory.decoded), execute through the executor table. No allocation, no closures, no BigInt.
 */
import { Cpu, Stop } from './cpu.js';
import { S } from './state.js';
import { decode, EXEC } from './decode/table.js';
import { GUEST_EXCEPTION, checkPending, undefinedInstruction, syncToEl1 } from './exceptions.js';
import { lookup } from './mmu/access.js';
import { ACC_EXEC } from './mmu/translate.js';
import { ESR_ELx_EC_PC_ALIGN } from './esr.js';

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
  cpu.fetchVaLo = lo & -4096;
  cpu.fetchVaHi = hi;
  cpu.fetchHostWord = host >>> 2;
  cpu.fetchHostPage = page;
  return cpu.fetchHostWord + ((lo & 0xfff) >>> 2);
}

/** Host errors inside the loop are typevisor bugs; they end the run, never the host. */
export let lastInternalError: unknown = undefined;

/**
 * Run until `budget` instructions have retired, the CPU traps to EL2, waits in WFI, or a stop
 * is requested. Returns the reason (Stop.*). cpu.icount counts executed instructions (an
 * instruction that took an exception counts too, which guarantees progress per budget).
 */
export function run(cpu: Cpu, budget: number): Stop {
  cpu.stop = 0;
  const s = cpu.s;
  const m32 = cpu.m32;
  const end = cpu.icount + budget;
  while (cpu.icount < end) {
    try {
      if (cpu.intCheck !== 0) checkPending(cpu);
      // Counted before the fetch: an instruction whose fetch faults (even a faulting vector,
      // over and over) still spends budget, so run() always returns.
      cpu.icount++;
      const lo = s[S.PC];
      const hi = s[S.PC_HI];
      const next = (lo + 4) | 0;
      s[S.PC] = next;
      if (next === 0) s[S.PC_HI] = (hi + 1) | 0;
      let w: number;
      // Keeping PC[1:0] in the comparison sends a misaligned PC to fetchSlow's alignment check.
      if ((lo & ~0xffc) === cpu.fetchVaLo && hi === cpu.fetchVaHi) w = cpu.fetchHostWord + ((lo & 0xfff) >>> 2);
      else w = fetchSlow(cpu, hi, lo);
      const insn = m32[w];
      const ops = cpu.fetchOps;
      const k = (lo & 0xfff) >>> 2;
      let op = ops[k];
      if (op === 0) op = ops[k] = decode(cpu, insn);
      if (EXEC[op](cpu, insn) === false) undefinedInstruction(cpu);
    } catch (e) {
      if (e !== GUEST_EXCEPTION) {
        lastInternalError = e;
        cpu.stop = Stop.INTERNAL_ERROR;
        cpu.internalError = e;
      }
    }
    if (cpu.stop !== 0) break;
  }
  return cpu.stop === 0 ? Stop.BUDGET : (cpu.stop as Stop);
}

