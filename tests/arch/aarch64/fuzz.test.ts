/**
 * Random instruction streams (DESIGN.md "Reliability"): whatever a guest executes ends in an
 * architectural result, never a host exception (Stop.INTERNAL_ERROR). Each case is a page of
 * random words — half uniformly random, half an encoding of a random decode row with random
 * operand bits, so every group (system registers, SIMD, atomics, ...) is reached — run at EL1
 * with random registers, behind exception vectors that skip the faulting instruction. The same
 * case runs on the interpreter and with every block compiled at first sight, in deterministic
 * counter mode, and the two must end in the same state: the whole register file (system
 * registers, GIC and debug state included), the instruction count, the stop reason and RAM.
 *
 * Cases start at EL1 with the MMU off or on (an identity map), or at EL0. The code page (and the
 * page tables) are read-only at stage 2, so guest stores never rewrite code (a store into code
 * that is running is where the interpreter and compiled blocks may legitimately differ until the
 * guest's IC and ISB, see docs/cpu-internals.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { HostMemory } from '../../../src/arch/aarch64/host-memory.js';
import { Cpu, Stop } from '../../../src/arch/aarch64/cpu.js';
import { S, SR } from '../../../src/arch/aarch64/state.js';
import { resetCpu } from '../../../src/arch/aarch64/reset.js';
import { run } from '../../../src/arch/aarch64/run.js';
import { ROWS } from '../../../src/arch/aarch64/decode/table.js';
import { Stage2PageTable } from '../../../src/hyp/arm/stage2-pgtable.js';
import { max } from '../../../src/arch/aarch64/cpus/max.js';
import { assemble } from '../../helpers/asm.js';
import { Rng } from '../../diff/gen.js';

const CASES = Number(process.env.TV_FUZZ_CASES ?? 300);
const SEED = Number(process.env.TV_FUZZ_SEED ?? 1);
const BUDGET = Number(process.env.TV_FUZZ_BUDGET ?? 4000);
/** TV_FUZZ_TRACE=n: print every exit of case n in both modes (debugging a mismatch). */
const TRACE_CASE = process.env.TV_FUZZ_TRACE === undefined ? -1 : Number(process.env.TV_FUZZ_TRACE);
let TRACE = false;
const RAM = 0x40000000;
const RAM_SIZE = 1 << 20;
/** Code words at RAM + 0, vectors at RAM + 0x800, in the read-only page. */
const VBAR = RAM + 0x800;

// Every vector: skip the instruction that took the exception, return (x17 is the handler's).
const HANDLER = assemble(['mrs x17, elr_el1', 'add x17, x17, #4', 'msr elr_el1, x17', 'eret'].join('\n'));

function randomWord(r: () => number): number {
  if ((r() & 1) === 0) return r() | 0;
  const row = ROWS[r() % ROWS.length];
  return ((row.value & row.mask) | (r() & ~row.mask)) | 0;
}

/** How a case starts: at EL1 with the MMU off, at EL1 with an identity map, at EL0 (MMU off). */
const enum Kind {
  EL1 = 0,
  EL1_MMU = 1,
  EL0 = 2,
}

interface Case {
  code: Int32Array;
  regs: Int32Array;
  kind: Kind;
}

function makeCase(r: () => number): Case {
  const code = new Int32Array(512);
  for (let i = 0; i < code.length; i++) code[i] = randomWord(r);
  // x0..x30 and SP: a third point into RAM (so loads and stores hit), the rest random.
  const regs = new Int32Array(64);
  for (let i = 0; i < 32; i++) {
    const k = r() % 3;
    regs[2 * i] = k === 0 ? (RAM + 0x1000 + (r() % (RAM_SIZE - 0x2000))) | 0 : r() | 0;
    regs[2 * i + 1] = k === 0 ? 0 : k === 1 ? 0 : r() | 0;
  }
  return { code, regs, kind: (r() % 3) as Kind };
}

/**
 * Stage-1 identity map of RAM's 2 MiB block (4K granule, 39-bit VA: a level-1 table at RAM +
 * 0x1000 and a level-2 table at RAM + 0x2000, both in the read-only part so guest stores cannot
 * rewrite them): Normal memory, EL1 read/write, executable at EL1.
 */
function identityMap(page: DataView, cpu: Cpu): void {
  page.setUint32(0x1000 + 8 * 1, (RAM + 0x2000) | 3, true); // L1[1]: 1 GiB at 0x40000000 -> L2
  page.setUint32(0x2000, RAM | (1 << 10) | (3 << 8) | 1, true); // L2[0]: block, AF, inner shareable
  cpu.setSr(SR.MAIR_EL1, 0xff, 0);
  // T0SZ = 25, IRGN0 = ORGN0 = WB, SH0 = inner, TG0 = 4K, EPD1, IPS = 40 bits
  cpu.setSr(SR.TCR_EL1, 25 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23), 2);
  cpu.setSr(SR.TTBR0_EL1, RAM + 0x1000, 0);
  cpu.setSr(SR.SCTLR_EL1, (cpu.sr(SR.SCTLR_EL1) | 1 | (1 << 2) | (1 << 12)) & ~(1 << 1), cpu.srHi(SR.SCTLR_EL1));
}

interface Outcome {
  stop: Stop;
  icount: number;
  state: string;
  ram: string;
  error?: string;
  /** Traps to EL2 and WFIs stepped over. */
  exits?: number;
}

function runCase(c: Case, threshold: number): Outcome {
  const mem = new HostMemory(RAM_SIZE + (4 << 20));
  const cpu = new Cpu(mem, max);
  resetCpu(cpu);
  cpu.blockThreshold = threshold;
  cpu.deterministic = true;
  const host = mem.alloc(RAM_SIZE, 2 << 20);
  const s2 = new Stage2PageTable(mem, 40);
  s2.map(RAM, host, 0x3000, { write: false, exec: true });
  s2.map(RAM + 0x3000, host + 0x3000, RAM_SIZE - 0x3000, { write: true, exec: true });
  const [vlo, vhi] = s2.vttbr(1);
  const s = cpu.s;
  s[S.HCR_EL2] = 1;
  s[S.VTCR_EL2] = s2.vtcr | 0;
  s[S.VTTBR_EL2] = vlo;
  s[S.VTTBR_EL2_HI] = vhi;
  const page = new Uint8Array(0x3000);
  const dv = new DataView(page.buffer);
  c.code.forEach((w, i) => dv.setInt32(4 * i, w, true));
  for (let v = 0; v < 16; v++) HANDLER.forEach((w, i) => dv.setUint32(0x800 + 0x80 * v + 4 * i, w, true));
  if (c.kind === Kind.EL1_MMU) identityMap(dv, cpu);
  mem.writeBytes(host, page);
  for (let i = 0; i < 62; i++) s[i] = c.regs[i];
  s[S.SP] = c.regs[62] & ~15;
  s[S.SP_HI] = c.regs[63];
  cpu.setSr(SR.VBAR_EL1, VBAR, 0);
  s[S.PC] = RAM;
  s[S.PC_HI] = 0;
  if (c.kind === Kind.EL0) {
    // EL0t: exceptions go to the lower-EL vectors, whose handler returns to EL0.
    s[S.SP_EL1] = (RAM + 0x80000) | 0;
    s[S.EL] = 0;
    s[S.SPSEL] = 0;
    cpu.updateMode();
  }
  cpu.flushTlb();
  let stop: Stop = Stop.BUDGET;
  let error: string | undefined;
  let exits = 0;
  try {
    // As a hypervisor would: step past a trapped instruction (an HVC's return address is already
    // the next one) and past WFI, restart the page after a fetch outside RAM, and go on until
    // the budget is spent.
    while (cpu.icount < BUDGET && exits < 1000) {
      stop = run(cpu, BUDGET - cpu.icount);
      if (stop === Stop.INTERNAL_ERROR || stop === Stop.BUDGET) break;
      exits++;
      if (TRACE) console.log(`  t=${threshold} exit ${exits}: stop ${stop} icount ${cpu.icount} pc ${(s[S.PC] >>> 0).toString(16)} esr ${(s[S.ESR_EL2] >>> 0).toString(16)} el ${s[S.EL]}`);
      const ec = s[S.ESR_EL2] >>> 26;
      if (stop === Stop.TRAP && ec === 0x20) {
        // An instruction fetch outside RAM: start the page again rather than fault word by word.
        s[S.PC] = RAM;
        s[S.PC_HI] = 0;
      } else if (stop === Stop.TRAP && ec !== 0x16) {
        s[S.PC] = (s[S.PC] + 4) | 0;
        if (s[S.PC] === 0) s[S.PC_HI] = (s[S.PC_HI] + 1) | 0;
      }
    }
  } catch (e) {
    return { stop: Stop.INTERNAL_ERROR, icount: cpu.icount, state: '', ram: '', error: `host exception out of run(): ${String(e)}` };
  }
  if (stop === Stop.INTERNAL_ERROR) {
    const e = cpu.internalError;
    error = e instanceof Error ? (e.stack ?? e.message).split('\n').slice(0, 4).join(' | ') : String(e);
  }
  if (TRACE) {
    const pc = s[S.PC] >>> 0;
    const w = pc >= RAM && pc < RAM + 0x1000 ? (mem.i32[(host + pc - RAM) >>> 2] >>> 0).toString(16) : '-';
    const regs = Array.from({ length: 32 }, (_, i) => `${i}:${(s[2 * i + 1] >>> 0).toString(16)}_${(s[2 * i] >>> 0).toString(16)}`).join(' ');
    console.log(`  t=${threshold} words: ${Array.from(s.subarray(0, S.WORDS), (v, i) => `${i}=${(v >>> 0).toString(16)}`).join(' ')}`);
    console.log(`  t=${threshold} end: stop ${stop} icount ${cpu.icount} pc ${pc.toString(16)} word ${w} nzcv ${s[S.NF]}${s[S.ZF]}${s[S.CF]}${s[S.VF]} el ${s[S.EL]} sp ${(s[S.SP] >>> 0).toString(16)}\n  ${regs}`);
  }
  const state = createHash('sha256').update(new Uint8Array(s.buffer, s.byteOffset, S.WORDS * 4)).digest('hex');
  const ram = createHash('sha256').update(mem.u8.subarray(host, host + RAM_SIZE)).digest('hex');
  return { stop, icount: cpu.icount, state, ram, error, exits };
}

test(`random instruction streams: ${CASES} pages of random words never raise a host exception, and compiled blocks end where the interpreter does (seed ${SEED})`, () => {
  const rng = new Rng(SEED);
  const r = (): number => rng.next();
  const stops = new Map<Stop, number>();
  let icounts = 0;
  let exits = 0;
  for (let i = 0; i < CASES; i++) {
    const c = makeCase(r);
    TRACE = i === TRACE_CASE;
    const a = runCase(c, -1);
    const b = runCase(c, 0);
    assert.equal(a.error, undefined, `case ${i} (interpreter): ${a.error}`);
    assert.equal(b.error, undefined, `case ${i} (blocks): ${b.error}`);
    assert.deepEqual(
      { stop: b.stop, icount: b.icount, state: b.state, ram: b.ram, exits: b.exits },
      { stop: a.stop, icount: a.icount, state: a.state, ram: a.ram, exits: a.exits },
      `case ${i}: compiled blocks and the interpreter end differently`,
    );
    stops.set(a.stop, (stops.get(a.stop) ?? 0) + 1);
    icounts += a.icount;
    exits += a.exits ?? 0;
  }
  // The cases must really run: most of the budget executed, with traps to EL2 along the way.
  assert.ok(icounts > CASES * BUDGET * 0.5, `only ${icounts} instructions in ${CASES} cases`);
  assert.ok(exits > CASES, `only ${exits} exits to EL2 in ${CASES} cases`);
  if (process.env.TV_FUZZ_VERBOSE) console.log(stops, icounts, exits);
});
