/**
 * One AArch64 processing element running at EL0/EL1 (EL2 is the hypervisor in TypeScript, EL3
 * does not exist). It knows nothing of VMs: it leaves guest code only by a trap reported as
 * hardware reports it to EL2 (S.ESR_EL2, S.FAR_EL2, S.HPFAR_EL2), see DESIGN.md.
 *
 * Hot-path conventions (every executor relies on them):
 * - 64-bit values are (lo, hi) int32 pairs in `s` (see state.ts).
 * - While an instruction executes, s[S.PC] already holds the address of the *next* instruction;
 *   the current instruction's address is PC - 4 (see run.ts). Branches overwrite s[S.PC].
 * - Memory accesses go through read8/16/32/64 and write8/16/32/64 with the virtual address as
 *   (hi, lo) and `syn`, the ESR ISS fragment a stage-2 abort would report (esr.ts
 *   dataSyndrome(), or 0 where ISV must be 0: pairs, SIMD&FP, exclusives, atomics, writeback).
 *   A fault raises the exception and throws GUEST_EXCEPTION, which run() catches.
 * - 64-bit reads return the low word and leave the high word in `rhi`.
 */
import { HostMemory, MemoryClient, PAGE_SHIFT } from './host-memory.js';
import { S, SR, srIndex, CPU_STATE_BYTES } from './state.js';
import type { CpuModel } from './cpus/model.js';
import { ID_REG_ENCODINGS, idRegIndex } from './cpus/model.js';
import { Features, featuresFromIdRegs } from './features.js';
import { readSlow, writeSlow } from './mmu/access.js';
import { BlockPage } from './blocks/block-page.js';

/**
 * Software TLB geometry. `const enum`s are inlined by tsc (no import cycles at load).
 * 4096 entries (16 MiB of 4 KiB pages): with 1024 the bench guest's 10 MB sieve array missed on
 * every page of every strided pass, and the refills (stage-1 + stage-2 walks) were ~10% of its
 * profile. The cost of the size is in flushTlb()/revokeWrite(), which are O(SIZE) but rare.
 */
export const enum Tlb {
  BITS = 12,
  SIZE = 1 << BITS,
  MASK = SIZE - 1,
  /** A VA tag no access can match (page-aligned addresses have bits 11:0 clear). */
  INVALID = 1,
  /**
   * The fetch cache's "no page": run.ts compares PC & ~0xffc with fetchVaLo, keeping PC[1:0] so
   * that a misaligned PC misses and reaches the alignment check; bit 2 is never kept, so 4 never
   * matches. (INVALID, 1, matched PC = 1, 5, 9... on page 0 and ran the stale page there.)
   */
  FETCH_INVALID = 4,
}

/** Permission and attribute bits of a TLB entry (stage 1 and stage 2 combined). */
export const enum P {
  /** EL0 read, write, execute. */
  R0 = 1,
  W0 = 2,
  X0 = 4,
  /** EL1 read, write, execute. */
  R1 = 8,
  W1 = 16,
  X1 = 32,
  /** EL1 read and write while PSTATE.PAN = 1 (PAN denies EL1 data access to EL0 pages). */
  R1PAN = 64,
  W1PAN = 128,
  /** Device memory: unaligned accesses take an alignment fault (Arm ARM B2.8.2). */
  DEVICE = 256,
}

/** Why run() returned. */
export const enum Stop {
  /** The instruction budget is spent. */
  BUDGET = 0,
  /** A trap to EL2: S.ESR_EL2/FAR_EL2/HPFAR_EL2 say why; PC is the preferred return address. */
  TRAP = 1,
  /** WFI (or WFE) with nothing to wake it and no TWI/TWE trap: PC is past the instruction. */
  WFI = 2,
  /** requestStop() was called (KVM's immediate_exit / a signal). */
  REQUEST = 3,
  /** A typevisor bug surfaced as a host exception (in cpu.internalError); the host lives on. */
  INTERNAL_ERROR = 4,
  /**
   * The guest wrote CNTx_CTL_EL0, CNTx_TVAL_EL0 or CNTx_CVAL_EL0 with cpu.stopOnTimerWrite set: the timer's
   * deadline may have moved (the hypervisor bounds its next chunk by it). PC is past the write.
   */
  TIMER = 5,
}

const EMPTY_OPS = new Uint16Array(PAGE_SHIFT === 12 ? 1024 : 0);
const EMPTY_BLOCKS = new BlockPage();

/** Default for Cpu.blockThreshold. */
export const DEFAULT_BLOCK_THRESHOLD = 32;

export class Cpu implements MemoryClient {
  readonly mem: HostMemory;
  /** Host physical address of this CPU's state block. */
  readonly base: number;
  /** The register file (state.ts layout). */
  s!: Int32Array;
  m8!: Uint8Array;
  m16!: Uint16Array;
  m32!: Int32Array;

  model: CpuModel;
  feat!: Features;
  /** ID register space (3, 0, 0, CRm, op2) as (lo, hi) pairs, index idRegIndex(crm, op2). */
  readonly idRegs = new Int32Array(128);
  /** Other implementation-defined read-only registers, (lo, hi). */
  readonly ctr = new Int32Array(2);
  readonly dczid = new Int32Array(2);
  readonly clidr = new Int32Array(2);
  readonly aidr = new Int32Array(2);
  ccsidr: Int32Array = new Int32Array(0);

  /** Software TLB: direct-mapped by VA bits [12+Tlb.BITS-1:12], tagged by the full VA page. */
  readonly tlbVaLo = new Int32Array(Tlb.SIZE).fill(Tlb.INVALID);
  readonly tlbVaHi = new Int32Array(Tlb.SIZE);
  /** Host physical address of the page. */
  readonly tlbHost = new Int32Array(Tlb.SIZE);
  readonly tlbPerm = new Int32Array(Tlb.SIZE);
  /** The permission bit the current EL/PAN needs for a data read, a data write, a fetch. */
  permR = P.R1;
  permW = P.W1;
  permX = P.X1;

  /** Instruction fetch cache: the VA page PC is in, its host word index and decoded ops. */
  fetchVaLo = Tlb.FETCH_INVALID;
  fetchVaHi = 0;
  fetchHostWord = 0;
  fetchOps: Uint16Array = EMPTY_OPS;
  fetchHostPage = -1;
  /** The compiled blocks of the fetch cache's page (blocks/). */
  fetchBlocks: BlockPage = EMPTY_BLOCKS;
  /**
   * How many times a block entry is reached before it is compiled to a JavaScript function
   * (blocks/compile.ts): 0 compiles at first sight (tests), -1 never (interpreter only).
   * At most 254 (the heat counters are bytes).
   */
  blockThreshold = DEFAULT_BLOCK_THRESHOLD;

  /** Set by whatever ends the run loop (Stop.*); 0 while running. */
  stop = 0;
  /** End run() with Stop.TIMER after a guest write to a timer's CTL, TVAL or CVAL (timer.ts). */
  stopOnTimerWrite = false;
  /** The host error behind Stop.INTERNAL_ERROR. */
  internalError: unknown = undefined;
  /** Non-zero when an interrupt may be deliverable: checked before each instruction. */
  intCheck = 0;
  /** High word of the last 64-bit read. */
  rhi = 0;
  /** Instructions retired since reset (a double: exact to 2^53). */
  icount = 0;
  /** Budget left in the current run() call (executors may zero it to end the slice). */
  budgetLeft = 0;

  /** Exclusive monitor: host address, size, and the value loaded (compared at the store). */
  exclValid = false;
  exclHost = 0;
  exclSize = 0;
  exclV0 = 0;
  exclV1 = 0;
  exclV2 = 0;
  exclV3 = 0;

  /** Counter source: ticks of CNTPCT at CNTFRQ (see timer.ts). Replaceable for determinism. */
  counterFrequency = 62_500_000;
  /** Deterministic mode: the counter advances `ticksPerInsn` per retired instruction. */
  deterministic = false;
  ticksPerInsn = 1;
  /** Host time origin for the counter (ms), set at reset. */
  timeOrigin = 0;

  constructor(mem: HostMemory, model: CpuModel, cpuIndex = 0) {
    this.mem = mem;
    this.model = model;
    this.base = mem.alloc(CPU_STATE_BYTES);
    this.refreshViews();
    mem.addClient(this);
    this.loadModel(model);
    this.setMpidr(cpuIndex);
  }

  refreshViews(): void {
    const b = this.mem.memory.buffer;
    this.s = new Int32Array(b, this.base, S.WORDS);
    this.m8 = this.mem.u8;
    this.m16 = this.mem.u16;
    this.m32 = this.mem.i32;
  }

  /** Load a model's implementation-defined values (ID registers, caches, MIDR). */
  loadModel(model: CpuModel): void {
    this.model = model;
    this.idRegs.fill(0);
    for (const [name, [crm, op2]] of Object.entries(ID_REG_ENCODINGS)) {
      const v = name === 'MIDR_EL1' ? model.midr : name === 'REVIDR_EL1' ? model.revidr : model.id[name];
      if (v !== undefined) setPair(this.idRegs, idRegIndex(crm, op2), v);
    }
    setPair(this.ctr, 0, model.ctr);
    setPair(this.dczid, 0, model.dczid);
    setPair(this.clidr, 0, model.clidr);
    setPair(this.aidr, 0, model.aidr);
    this.ccsidr = new Int32Array(model.ccsidr.length * 2);
    model.ccsidr.forEach((v, i) => setPair(this.ccsidr, 2 * i, v));
    this.updateFeatures();
  }

  /** Recompute `feat` after the ID registers changed (the hypervisor may lower fields). */
  updateFeatures(): void {
    this.feat = featuresFromIdRegs((crm, op2) => {
      const i = idRegIndex(crm, op2);
      return [this.idRegs[i], this.idRegs[i + 1]];
    });
  }

  /** MPIDR_EL1 for a linear CPU index: Aff0 = index & 15, Aff1 = index >> 4 (as QEMU's virt). */
  setMpidr(cpuIndex: number): void {
    const i = idRegIndex(0, 5);
    this.idRegs[i] = (1 << 31) | (((cpuIndex >>> 4) & 0xff) << 8) | (cpuIndex & 0xf);
    this.idRegs[i + 1] = 0;
  }

  // ---- registers -----------------------------------------------------------------------

  /** Stored system register (lo). */
  sr(slot: SR): number {
    return this.s[srIndex(slot)];
  }
  srHi(slot: SR): number {
    return this.s[srIndex(slot) + 1];
  }
  setSr(slot: SR, lo: number, hi: number): void {
    const i = srIndex(slot);
    this.s[i] = lo;
    this.s[i + 1] = hi;
  }

  /** PC as a number (exact below 2^53; for messages and tests, not hot paths). */
  get pc(): number {
    return (this.s[S.PC_HI] >>> 0) * 4294967296 + (this.s[S.PC] >>> 0);
  }

  // ---- mode ------------------------------------------------------------------------------

  /** Recompute what depends on PSTATE.EL/PAN: the TLB permission bits and the fetch cache. */
  updateMode(): void {
    const s = this.s;
    if (s[S.EL] === 0) {
      this.permR = P.R0;
      this.permW = P.W0;
      this.permX = P.X0;
    } else {
      const pan = s[S.PAN] !== 0;
      this.permR = pan ? P.R1PAN : P.R1;
      this.permW = pan ? P.W1PAN : P.W1;
      this.permX = P.X1;
    }
    this.fetchVaLo = Tlb.FETCH_INVALID;
  }

  // ---- TLB -------------------------------------------------------------------------------

  /** Drop every cached translation (TLBI VMALLE1, TTBR/TCR/SCTLR/VTTBR changes...). */
  flushTlb(): void {
    this.tlbVaLo.fill(Tlb.INVALID);
    this.fetchVaLo = Tlb.FETCH_INVALID;
  }

  /** Drop the translations of one VA page (TLBI VAE1 and friends), any ASID. */
  flushTlbPage(hi: number, lo: number): void {
    // Entries are 4 KiB; a larger page or block has been filled as 4 KiB pieces, so callers
    // flushing a larger mapping flush the whole TLB instead.
    const i = (lo >>> 12) & Tlb.MASK;
    if (this.tlbVaLo[i] === (lo & -4096) && this.tlbVaHi[i] === hi) this.tlbVaLo[i] = Tlb.INVALID;
    this.fetchVaLo = Tlb.FETCH_INVALID;
  }

  revokeWrite(hostPage: number): void {
    const host = hostPage << PAGE_SHIFT;
    const h = this.tlbHost;
    const p = this.tlbPerm;
    for (let i = 0; i < Tlb.SIZE; i++) if (h[i] === host) p[i] &= ~(P.W0 | P.W1 | P.W1PAN);
  }

  codeDropped(hostPage: number): void {
    if (hostPage < 0 || hostPage === this.fetchHostPage) this.fetchVaLo = Tlb.FETCH_INVALID;
  }

  // ---- memory, fast paths (see the conventions at the top) ----------------------------------

  read8(hi: number, lo: number, syn: number): number {
    const i = (lo >>> 12) & Tlb.MASK;
    if (this.tlbVaLo[i] === (lo & -4096) && this.tlbVaHi[i] === hi && (this.tlbPerm[i] & this.permR) !== 0) {
      return this.m8[(this.tlbHost[i] + (lo & 0xfff)) >>> 0];
    }
    return readSlow(this, hi, lo, 0, syn, this.permR);
  }

  read16(hi: number, lo: number, syn: number): number {
    const i = (lo >>> 12) & Tlb.MASK;
    if ((lo & 1) === 0 && this.tlbVaLo[i] === (lo & -4096) && this.tlbVaHi[i] === hi && (this.tlbPerm[i] & this.permR) !== 0) {
      return this.m16[(this.tlbHost[i] + (lo & 0xfff)) >>> 1];
    }
    return readSlow(this, hi, lo, 1, syn, this.permR);
  }

  /** Returns the word as int32. */
  read32(hi: number, lo: number, syn: number): number {
    const i = (lo >>> 12) & Tlb.MASK;
    if ((lo & 3) === 0 && this.tlbVaLo[i] === (lo & -4096) && this.tlbVaHi[i] === hi && (this.tlbPerm[i] & this.permR) !== 0) {
      return this.m32[(this.tlbHost[i] + (lo & 0xfff)) >>> 2];
    }
    return readSlow(this, hi, lo, 2, syn, this.permR);
  }

  /** Returns the low word; the high word is left in `rhi`. */
  read64(hi: number, lo: number, syn: number): number {
    const i = (lo >>> 12) & Tlb.MASK;
    if ((lo & 7) === 0 && this.tlbVaLo[i] === (lo & -4096) && this.tlbVaHi[i] === hi && (this.tlbPerm[i] & this.permR) !== 0) {
      const w = (this.tlbHost[i] + (lo & 0xfff)) >>> 2;
      this.rhi = this.m32[w + 1];
      return this.m32[w];
    }
    return readSlow(this, hi, lo, 3, syn, this.permR);
  }

  write8(hi: number, lo: number, v: number, syn: number): void {
    const i = (lo >>> 12) & Tlb.MASK;
    if (this.tlbVaLo[i] === (lo & -4096) && this.tlbVaHi[i] === hi && (this.tlbPerm[i] & this.permW) !== 0) {
      this.m8[(this.tlbHost[i] + (lo & 0xfff)) >>> 0] = v;
      return;
    }
    writeSlow(this, hi, lo, 0, v, 0, syn, this.permW);
  }

  write16(hi: number, lo: number, v: number, syn: number): void {
    const i = (lo >>> 12) & Tlb.MASK;
    if ((lo & 1) === 0 && this.tlbVaLo[i] === (lo & -4096) && this.tlbVaHi[i] === hi && (this.tlbPerm[i] & this.permW) !== 0) {
      this.m16[(this.tlbHost[i] + (lo & 0xfff)) >>> 1] = v;
      return;
    }
    writeSlow(this, hi, lo, 1, v, 0, syn, this.permW);
  }

  write32(hi: number, lo: number, v: number, syn: number): void {
    const i = (lo >>> 12) & Tlb.MASK;
    if ((lo & 3) === 0 && this.tlbVaLo[i] === (lo & -4096) && this.tlbVaHi[i] === hi && (this.tlbPerm[i] & this.permW) !== 0) {
      this.m32[(this.tlbHost[i] + (lo & 0xfff)) >>> 2] = v;
      return;
    }
    writeSlow(this, hi, lo, 2, v, 0, syn, this.permW);
  }

  write64(hi: number, lo: number, vlo: number, vhi: number, syn: number): void {
    const i = (lo >>> 12) & Tlb.MASK;
    if ((lo & 7) === 0 && this.tlbVaLo[i] === (lo & -4096) && this.tlbVaHi[i] === hi && (this.tlbPerm[i] & this.permW) !== 0) {
      const w = (this.tlbHost[i] + (lo & 0xfff)) >>> 2;
      this.m32[w] = vlo;
      this.m32[w + 1] = vhi;
      return;
    }
    writeSlow(this, hi, lo, 3, vlo, vhi, syn, this.permW);
  }

  /** End the current run() at the next instruction boundary (Stop.REQUEST). */
  requestStop(): void {
    this.budgetLeft = 0;
    if (this.stop === 0) this.stop = Stop.REQUEST;
  }
}

function setPair(a: Int32Array, i: number, v: bigint): void {
  a[i] = Number(BigInt.asIntN(32, v));
  a[i + 1] = Number(BigInt.asIntN(32, v >> 32n));
}
