/**
 * A bare machine for unit tests: one CPU at EL1h (MMU off), RAM at `ramBase` mapped by stage 2
 * (HCR_EL2.VM = 1, as the hypervisor runs every guest), nothing else: any access outside RAM
 * traps to EL2 (Stop.TRAP with ESR_EL2/FAR_EL2/HPFAR_EL2 set).
 */
import { HostMemory } from '../../src/arch/aarch64/host-memory.js';
import { Cpu, Stop } from '../../src/arch/aarch64/cpu.js';
import { S } from '../../src/arch/aarch64/state.js';
import { resetCpu } from '../../src/arch/aarch64/reset.js';
import { run } from '../../src/arch/aarch64/run.js';
import { Stage2PageTable } from '../../src/hyp/arm/stage2-pgtable.js';
import type { CpuModel } from '../../src/arch/aarch64/cpus/model.js';
import { max } from '../../src/arch/aarch64/cpus/max.js';

export interface TestMachine {
  mem: HostMemory;
  cpu: Cpu;
  ramBase: number;
  ramSize: number;
  /** Host physical address of RAM. */
  ramHost: number;
  s2: Stage2PageTable;
}

export function makeMachine(opts: { model?: CpuModel; ramBase?: number; ramSize?: number } = {}): TestMachine {
  const ramBase = opts.ramBase ?? 0x40000000;
  const ramSize = opts.ramSize ?? 16 << 20;
  const mem = new HostMemory(ramSize + (4 << 20));
  const cpu = new Cpu(mem, opts.model ?? max);
  resetCpu(cpu);
  const ramHost = mem.alloc(ramSize, 2 << 20);
  const s2 = new Stage2PageTable(mem, 40);
  s2.map(ramBase, ramHost, ramSize, { write: true, exec: true });
  const [vlo, vhi] = s2.vttbr(1);
  cpu.s[S.HCR_EL2] = 1; // VM
  cpu.s[S.VTCR_EL2] = s2.vtcr | 0;
  cpu.s[S.VTTBR_EL2] = vlo;
  cpu.s[S.VTTBR_EL2_HI] = vhi;
  cpu.s[S.PC] = ramBase | 0;
  cpu.flushTlb();
  return { mem, cpu, ramBase, ramSize, ramHost, s2 };
}

/** Write 32-bit words (instructions or data) into RAM at guest physical address `addr`. */
export function loadWords(m: TestMachine, addr: number, words: ArrayLike<number>): void {
  const h = m.ramHost + (addr - m.ramBase);
  const bytes = new Uint8Array(words.length * 4);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < words.length; i++) dv.setUint32(i * 4, words[i] >>> 0, true);
  m.mem.writeBytes(h, bytes);
}

/** Read guest RAM bytes at guest physical address `addr`. */
export function ramBytes(m: TestMachine, addr: number, len: number): Uint8Array {
  const h = m.ramHost + (addr - m.ramBase);
  return m.mem.u8.slice(h, h + len);
}

export function getX(cpu: Cpu, n: number): bigint {
  if (n === 31) return 0n;
  return (BigInt(cpu.s[2 * n + 1] >>> 0) << 32n) | BigInt(cpu.s[2 * n] >>> 0);
}

export function setX(cpu: Cpu, n: number, v: bigint): void {
  const u = BigInt.asUintN(64, v);
  cpu.s[2 * n] = Number(u & 0xffffffffn) | 0;
  cpu.s[2 * n + 1] = Number(u >> 32n) | 0;
}

export function getSP(cpu: Cpu): bigint {
  return (BigInt(cpu.s[S.SP_HI] >>> 0) << 32n) | BigInt(cpu.s[S.SP] >>> 0);
}

export function setSP(cpu: Cpu, v: bigint): void {
  const u = BigInt.asUintN(64, v);
  cpu.s[S.SP] = Number(u & 0xffffffffn) | 0;
  cpu.s[S.SP_HI] = Number(u >> 32n) | 0;
}

export function getPC(cpu: Cpu): bigint {
  return (BigInt(cpu.s[S.PC_HI] >>> 0) << 32n) | BigInt(cpu.s[S.PC] >>> 0);
}

/** NZCV as a 4-bit number (N = 8, Z = 4, C = 2, V = 1). */
export function nzcv(cpu: Cpu): number {
  return (cpu.s[S.NF] << 3) | (cpu.s[S.ZF] << 2) | (cpu.s[S.CF] << 1) | cpu.s[S.VF];
}

export function setNzcv(cpu: Cpu, f: number): void {
  cpu.s[S.NF] = (f >> 3) & 1;
  cpu.s[S.ZF] = (f >> 2) & 1;
  cpu.s[S.CF] = (f >> 1) & 1;
  cpu.s[S.VF] = f & 1;
}

/**
 * Load `words` at RAM start and execute exactly `count` instructions (default: one per word).
 * Returns the stop reason.
 */
export function runWords(m: TestMachine, words: ArrayLike<number>, count = words.length): Stop {
  loadWords(m, m.ramBase, words);
  m.cpu.s[S.PC] = m.ramBase | 0;
  m.cpu.s[S.PC_HI] = 0;
  return run(m.cpu, count);
}
