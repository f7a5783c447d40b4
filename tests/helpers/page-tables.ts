/**
 * Stage-1 page tables built in guest RAM for the MMU tests (mmu-stage1, mmu-at): descriptor bits,
 * a table builder for every granule and VA size, MMU switch-on, EL/PAN selection and a wrapper
 * that turns an access into an Outcome (ok, EL1 abort, EL2 trap) instead of a thrown exception.
 */
import assert from 'node:assert/strict';
import { type TestMachine } from './machine.js';
import { Stop, Tlb } from '../../src/arch/aarch64/cpu.js';
import { S, SR } from '../../src/arch/aarch64/state.js';
import { GUEST_EXCEPTION, setElSp } from '../../src/arch/aarch64/exceptions.js';

export const AF = 1n << 10n;
export const SH_INNER = 3n << 8n;
export const PXN = 1n << 53n;
export const UXN = 1n << 54n;
export const PXN_TABLE = 1n << 59n;
export const UXN_TABLE = 1n << 60n;
export const AP_TABLE0 = 1n << 61n; // no EL0 access below
export const AP_TABLE1 = 1n << 62n; // no write access below
/** MAIR_EL1: idx0 Normal WB (0xff), idx1 Device-nGnRnE (0x00), idx2 Normal NC (0x44), idx3 Device-nGnRE (0x04). */
export const MAIR = 0x044400ff;
export const NOP = 0xd503201f;

/** Leaf attributes: AF, inner shareable, AP[2:1], AttrIndx. */
export function leaf(ap = 0, idx = 0, extra = 0n): bigint {
  return AF | SH_INNER | (BigInt(ap) << 6n) | (BigInt(idx) << 2n) | extra;
}

/** Translation tables for one TTBR, allocated from a bump pool in guest RAM (IPAs). */
export class Tables {
  readonly root: number;
  constructor(
    readonly m: TestMachine,
    readonly g: number,
    readonly inputBits: number,
    private next: number,
  ) {
    const startBytes = 8 * 2 ** (inputBits - this.shift(this.start));
    this.root = this.alloc(Math.max(startBytes, 2 ** g));
  }
  get stride(): number {
    return this.g - 3;
  }
  get start(): number {
    return 3 - Math.floor((this.inputBits - 1 - this.g) / this.stride);
  }
  shift(level: number): number {
    return this.g + (3 - level) * this.stride;
  }
  alloc(bytes = 2 ** this.g): number {
    const a = Math.ceil(this.next / 2 ** this.g) * 2 ** this.g;
    this.next = a + bytes;
    this.m.mem.u8.fill(0, this.host(a), this.host(a) + bytes);
    return a;
  }
  host(ipa: number): number {
    return this.m.ramHost + (ipa - this.m.ramBase);
  }
  set(ipa: number, v: bigint): void {
    const h = this.host(ipa);
    this.m.mem.i32[h >>> 2] = Number(BigInt.asIntN(32, v));
    this.m.mem.i32[(h >>> 2) + 1] = Number(BigInt.asIntN(32, v >> 32n));
  }
  get(ipa: number): bigint {
    const h = this.host(ipa);
    return (BigInt(this.m.mem.i32[(h >>> 2) + 1] >>> 0) << 32n) | BigInt(this.m.mem.i32[h >>> 2] >>> 0);
  }
  index(va: bigint, level: number): number {
    const bits = level === this.start ? this.inputBits - this.shift(level) : this.stride;
    return Number((va >> BigInt(this.shift(level))) & ((1n << BigInt(bits)) - 1n));
  }
  /** IPA of the descriptor for `va` at `level`, creating table descriptors above it. */
  entry(va: bigint, level: number): number {
    let table = this.root;
    for (let l = this.start; l < level; l++) {
      const e = table + 8 * this.index(va, l);
      let d = this.get(e);
      if ((d & 3n) !== 3n) {
        d = BigInt(this.alloc()) | 3n;
        this.set(e, d);
      }
      table = Number(d & ((1n << 48n) - (1n << BigInt(this.g))));
    }
    return table + 8 * this.index(va, level);
  }
  /** Map va -> pa with a leaf at `level` (page at 3, block above). */
  map(va: bigint, pa: number, level = 3, attrs = leaf()): number {
    const e = this.entry(va, level);
    this.set(e, BigInt(pa) | attrs | (level === 3 ? 3n : 1n));
    return e;
  }
  /** OR bits into the table descriptor at `level` on the way to `va`. */
  tableAttrs(va: bigint, level: number, bits: bigint): void {
    const e = this.entry(va, level);
    this.set(e, this.get(e) | bits);
  }
}

export const TG0 = { 12: 0, 16: 1, 14: 2 } as Record<number, number>;
export const TG1 = { 14: 1, 12: 2, 16: 3 } as Record<number, number>;

export interface MmuOpts {
  t0?: Tables;
  t1?: Tables;
  g0?: number;
  g1?: number;
  t0sz?: number;
  t1sz?: number;
  ips?: number;
  tcrLo?: number;
  tcrHi?: number;
  sctlr?: number;
}

/** Turn the MMU on with the given tables (TTBR0 and/or TTBR1). */
export function mmuOn(m: TestMachine, o: MmuOpts): void {
  const cpu = m.cpu;
  const g0 = o.g0 ?? o.t0?.g ?? 12;
  const g1 = o.g1 ?? o.t1?.g ?? 12;
  const t0sz = o.t0sz ?? (o.t0 ? 64 - o.t0.inputBits : 16);
  const t1sz = o.t1sz ?? (o.t1 ? 64 - o.t1.inputBits : 16);
  let lo = t0sz | (TG0[g0] << 14) | (t1sz << 16) | (TG1[g1] << 30) | (o.tcrLo ?? 0);
  if (!o.t0) lo |= 1 << 7; // EPD0
  if (!o.t1) lo |= 1 << 23; // EPD1
  cpu.setSr(SR.TCR_EL1, lo | 0, (o.ips ?? 5) | (o.tcrHi ?? 0));
  cpu.setSr(SR.TTBR0_EL1, o.t0 ? o.t0.root | 0 : 0, 0);
  cpu.setSr(SR.TTBR1_EL1, o.t1 ? o.t1.root | 0 : 0, 0);
  cpu.setSr(SR.MAIR_EL1, MAIR, 0);
  cpu.setSr(SR.SCTLR_EL1, 1 | (1 << 23) | (o.sctlr ?? 0), 0); // M, SPAN (exceptions keep PAN)
  cpu.flushTlb();
}

export function setEl(m: TestMachine, el: number, pan = 0): void {
  setElSp(m.cpu, el, el);
  m.cpu.s[S.PAN] = pan;
  m.cpu.updateMode();
}

export type Outcome =
  | { kind: 'ok'; value: number }
  | { kind: 'el1'; ec: number; iss: number; far: bigint }
  | { kind: 'el2'; ec: number; iss: number; far: bigint; hpfar: bigint };

export function hi32(v: bigint): number {
  return Number(BigInt.asIntN(32, v >> 32n));
}
export function lo32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}
export function pair(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

export function attempt(m: TestMachine, fn: () => number | void): Outcome {
  const cpu = m.cpu;
  cpu.stop = 0;
  cpu.setSr(SR.ESR_EL1, -1, 0);
  cpu.s[S.ESR_EL2] = -1;
  try {
    const v = fn();
    return { kind: 'ok', value: typeof v === 'number' ? v : 0 };
  } catch (e) {
    if (e !== GUEST_EXCEPTION) throw e;
  }
  if (cpu.stop === Stop.TRAP) {
    const esr = cpu.s[S.ESR_EL2];
    return {
      kind: 'el2',
      ec: esr >>> 26,
      iss: esr & 0x1ffffff,
      far: pair(cpu.s[S.FAR_EL2], cpu.s[S.FAR_EL2_HI]),
      hpfar: pair(cpu.s[S.HPFAR_EL2], cpu.s[S.HPFAR_EL2_HI]),
    };
  }
  const esr = cpu.sr(SR.ESR_EL1);
  return { kind: 'el1', ec: esr >>> 26, iss: esr & 0x1ffffff, far: pair(cpu.sr(SR.FAR_EL1), cpu.srHi(SR.FAR_EL1)) };
}
