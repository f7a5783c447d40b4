/**
 * The minimal bare-metal machine behind `typevisor run` in this milestone: one vCPU, RAM at
 * 0x40000000 behind stage 2, a PL011 at 0x09000000 (QEMU virt addresses, DESIGN.md "The virt
 * machine"), PSCI over HVC and SMC. No GIC, no timer interrupts, no device tree: enough for our
 * bare-metal guests (tests/guests), which print on the UART and power off through PSCI.
 *
 * Traps reach the VMM the way KVM's arm_exit_handlers[] sees them (arch/arm64/kvm/handle_exit.c):
 * one handler per ESR_EL2.EC in a 64-slot table pre-filled with the unknown-EC handler.
 * Whatever the guest does ends in a result, never in a host exception; typed errors are thrown
 * only for bad options or images (errors.ts).
 */
import { HostMemory } from '../arch/aarch64/host-memory.js';
import { Cpu, Stop } from '../arch/aarch64/cpu.js';
import { S, SR, srIndex } from '../arch/aarch64/state.js';
import { resetCpu } from '../arch/aarch64/reset.js';
import { run } from '../arch/aarch64/run.js';
import { CPU_MODELS } from '../arch/aarch64/cpus/index.js';
import {
  ESR_ELx_EC_SHIFT,
  ESR_ELx_EC_HVC64,
  ESR_ELx_EC_SMC64,
  ESR_ELx_EC_IABT_LOW,
  ESR_ELx_EC_DABT_LOW,
  ISS_ISV,
  ISS_SAS_SHIFT,
  ISS_SSE,
  ISS_SRT_SHIFT,
  ISS_SF,
  ISS_WNR,
  ISS_S1PTW,
} from '../arch/aarch64/esr.js';
import { Stage2PageTable } from '../hyp/arm/stage2-pgtable.js';
import * as psci from '../hyp/uapi/psci.js';
import { parseElf } from './elf.js';
import { Pl011, MmioDevice } from './devices/pl011.js';
import { InvalidArgumentError, InvalidImageError } from './errors.js';

export const RAM_BASE = 0x40000000;
export const DEFAULT_MEM_MIB = 128;
/** RAM must end below 4 GiB of IPA and fit a 32-bit WebAssembly memory with the rest. */
export const MAX_MEM_MIB = 3072;
/** Instructions per run() call; the UART is flushed at least once per slice of guest time. */
export const SLICE = 1_000_000;
/** Guest-triggered warnings printed before the rest are only counted (DESIGN.md: rate-limited). */
export const WARN_BURST = 5;

/** HCR_EL2 bits (Arm ARM DDI 0487K.a D24.2.48). */
const HCR_VM = 1 << 0;
const HCR_TSC = 1 << 19;
const HCR_RW = 1 << 31;

export type BareExit = 'poweroff' | 'reset' | 'limit' | 'halted' | 'error';

export interface BareRunOptions {
  /** The ELF image (EM_AARCH64, ET_EXEC) loaded at its physical addresses. */
  kernel: Uint8Array;
  /** RAM size in MiB (default 128). */
  memMiB?: number;
  /** CPU model name from CPU_MODELS (default cortex-a57). */
  cpu?: string;
  /** Stop with exit 'limit' after this many instructions (default: no limit). */
  maxInstructions?: number;
  /** Receives the guest's UART output in chunks as it is produced. */
  console?: (bytes: Uint8Array) => void;
  /** Receives rate-limited warnings the guest can provoke (default: stderr). */
  warn?: (line: string) => void;
  /** Names the image in error messages (default 'kernel'). */
  kernelName?: string;
}

export interface BareRunResult {
  exit: BareExit;
  message?: string;
  instructions: number;
  seconds: number;
  /** Everything the guest wrote to the UART (UTF-8 decoded). */
  console: string;
}

function hex(n: number): string {
  return '0x' + n.toString(16);
}

/** Rate-limited logging of guest-provoked conditions: a burst, then only a count. */
class RateLimitedLog {
  count = 0;
  constructor(
    private readonly out: (line: string) => void,
    private readonly what: string,
    private readonly burst = WARN_BURST,
  ) {}

  log(line: string): void {
    this.count++;
    if (this.count <= this.burst) this.out(line);
    if (this.count === this.burst) this.out(`typevisor: further ${this.what} are counted, not reported`);
  }

  /** The closing summary when lines were suppressed. */
  summary(): void {
    if (this.count > this.burst) this.out(`typevisor: ${this.count} ${this.what} in total`);
  }
}

/** How a run ended (before counting instructions and time). */
export interface BareExitInfo {
  exit: BareExit;
  message?: string;
}
type Exit = BareExitInfo;

/**
 * The machine: one CPU, RAM behind stage 2, the UART. runBareMetal() drives it; tests may build
 * one with create(), set up a trap report by hand and call handleStop() to check a handler.
 */
export class BareMachine {
  readonly mem: HostMemory;
  readonly cpu: Cpu;
  readonly s: Int32Array;
  readonly uart: Pl011;
  readonly ramSize: number;
  /** Host physical address of guest RAM (IPA RAM_BASE). */
  readonly ramHost: number;
  readonly limit: number;
  readonly devices: MmioDevice[];
  readonly mmioLog: RateLimitedLog;
  private readonly chunks: Uint8Array[] = [];
  private kept = 0;

  /** Validate the options, build the machine and load the image; PC = the ELF entry point. */
  static create(opts: BareRunOptions): BareMachine {
    return new BareMachine(opts);
  }

  private constructor(opts: BareRunOptions) {
    const { memMiB, cpu: cpuName, limit } = checkOptions(opts);
    this.limit = limit;
    this.ramSize = memMiB * 1024 * 1024;
    const elf = parseElf(opts.kernel, { name: opts.kernelName ?? 'kernel', ram: { base: RAM_BASE, size: this.ramSize } });
    const warn = opts.warn ?? ((line: string) => void process.stderr.write(line + '\n'));
    const sink = opts.console;
    this.uart = new Pl011((bytes) => {
      if (this.kept < 64 << 20) {
        this.chunks.push(bytes);
        this.kept += bytes.length;
      }
      sink?.(bytes);
    });
    this.devices = [this.uart];
    this.mmioLog = new RateLimitedLog(warn, 'accesses to unhandled MMIO addresses');

    this.mem = new HostMemory(1 << 20);
    this.cpu = new Cpu(this.mem, CPU_MODELS[cpuName]);
    resetCpu(this.cpu);
    try {
      this.ramHost = this.mem.alloc(this.ramSize, 2 << 20);
    } catch {
      throw new InvalidArgumentError('memMiB', `cannot allocate ${memMiB} MiB of guest RAM`);
    }
    const s2 = new Stage2PageTable(this.mem, 40);
    s2.map(RAM_BASE, this.ramHost, this.ramSize, { write: true, exec: true });
    const s = this.cpu.s;
    this.s = s;
    const [vlo, vhi] = s2.vttbr(1);
    s[S.HCR_EL2] = HCR_VM | HCR_TSC | HCR_RW;
    s[S.VTCR_EL2] = s2.vtcr | 0;
    s[S.VTTBR_EL2] = vlo;
    s[S.VTTBR_EL2_HI] = vhi;
    this.cpu.flushTlb();

    for (const seg of elf.segments) {
      const h = this.ramHost + (seg.paddr - RAM_BASE);
      this.mem.writeBytes(h, seg.data);
      if (seg.memsz > seg.data.length) this.mem.u8.fill(0, h + seg.data.length, h + seg.memsz);
    }
    s[S.PC] = elf.entry | 0;
    s[S.PC_HI] = 0; // RAM (hence the entry point) lies below 4 GiB
  }

  /** What to do after run() returned `stop`: undefined to keep running, or how the run ends. */
  handleStop(stop: Stop): Exit | undefined {
    const cpu = this.cpu;
    switch (stop) {
      case Stop.BUDGET:
      case Stop.REQUEST:
        return undefined;
      case Stop.TRAP: {
        const esr = this.s[S.ESR_EL2];
        return exitHandlers[esr >>> ESR_ELx_EC_SHIFT](this, esr);
      }
      case Stop.WFI:
        return { exit: 'halted', message: `guest waits for an interrupt (WFI) and this machine has no interrupt source (PC ${hex(cpu.pc)})` };
      case Stop.INTERNAL_ERROR: {
        const e = cpu.internalError;
        return { exit: 'error', message: `internal error at PC ${hex(cpu.pc)}: ${e instanceof Error ? e.message : String(e)}` };
      }
      default:
        return { exit: 'error', message: `run loop stopped for an unknown reason ${String(stop)}` };
    }
  }

  /** Flush the UART, print the warning summary, and return everything the guest printed. */
  finish(): string {
    this.uart.flush();
    this.mmioLog.summary();
    let total = 0;
    for (const c of this.chunks) total += c.length;
    const all = new Uint8Array(total);
    let o = 0;
    for (const c of this.chunks) {
      all.set(c, o);
      o += c.length;
    }
    return new TextDecoder().decode(all);
  }

  /** Write guest RAM at an IPA (tests, loaders); drops decoded code it covers. */
  writeRam(ipa: number, data: Uint8Array): void {
    this.mem.writeBytes(this.ramHost + (ipa - RAM_BASE), data);
  }

  /** X[n] as a 64-bit number split (lo, hi); XZR reads 0. */
  xLo(n: number): number {
    return n === 31 ? 0 : this.s[2 * n];
  }
  xHi(n: number): number {
    return n === 31 ? 0 : this.s[2 * n + 1];
  }
  setX(n: number, lo: number, hi: number): void {
    if (n === 31) return;
    this.s[2 * n] = lo;
    this.s[2 * n + 1] = hi;
  }

  /** Skip the instruction at PC (which trapped with a preferred return of itself). */
  skipInstruction(): void {
    const s = this.s;
    const lo = (s[S.PC] + 4) | 0;
    s[S.PC] = lo;
    if (lo === 0) s[S.PC_HI] = (s[S.PC_HI] + 1) | 0;
  }

  inRam(ipa: number): boolean {
    return ipa >= RAM_BASE && ipa < RAM_BASE + this.ramSize;
  }

  /** The faulting IPA: HPFAR_EL2.FIPA (IPA[51:12] at bits [43:4] here: 40-bit IPA) | FAR[11:0]. */
  faultIpa(): number {
    const s = this.s;
    const hpfar = (s[S.HPFAR_EL2_HI] & 0xff) * 4294967296 + (s[S.HPFAR_EL2] >>> 0);
    return Math.floor(hpfar / 16) * 4096 + (s[S.FAR_EL2] & 0xfff);
  }

  far(): number {
    return (this.s[S.FAR_EL2_HI] >>> 0) * 4294967296 + (this.s[S.FAR_EL2] >>> 0);
  }

  findDevice(ipa: number): MmioDevice | undefined {
    for (const d of this.devices) if (ipa >= d.base && ipa < d.base + d.size) return d;
    return undefined;
  }
}

type ExitHandler = (m: BareMachine, esr: number) => Exit | undefined;

function handleUnknownEc(m: BareMachine, esr: number): Exit {
  const ec = esr >>> ESR_ELx_EC_SHIFT;
  return { exit: 'error', message: `unhandled trap to EL2: EC ${hex(ec)} (ESR_EL2 ${hex(esr >>> 0)}) at PC ${hex(m.cpu.pc)}` };
}

/** Write an SMCCC result: x0 = the value sign-extended to 64 bits, x1-x3 = 0 (as KVM does). */
function smcccRet(m: BareMachine, v: number): void {
  m.setX(0, v | 0, (v | 0) < 0 && v < 0 ? -1 : 0);
  m.setX(1, 0, 0);
  m.setX(2, 0, 0);
  m.setX(3, 0, 0);
}

/** PSCI_FEATURES: which function IDs this PSCI 1.1 implementation provides. */
function psciFeatures(fid: number): number {
  switch (fid) {
    case psci.PSCI_0_2_FN_PSCI_VERSION:
    case psci.PSCI_0_2_FN_CPU_SUSPEND:
    case psci.PSCI_0_2_FN64_CPU_SUSPEND:
    case psci.PSCI_0_2_FN_CPU_OFF:
    case psci.PSCI_0_2_FN_CPU_ON:
    case psci.PSCI_0_2_FN64_CPU_ON:
    case psci.PSCI_0_2_FN_AFFINITY_INFO:
    case psci.PSCI_0_2_FN64_AFFINITY_INFO:
    case psci.PSCI_0_2_FN_MIGRATE_INFO_TYPE:
    case psci.PSCI_0_2_FN_SYSTEM_OFF:
    case psci.PSCI_0_2_FN_SYSTEM_RESET:
    case psci.PSCI_1_0_FN_PSCI_FEATURES:
    case psci.PSCI_1_1_FN_SYSTEM_RESET2:
    case psci.PSCI_1_1_FN64_SYSTEM_RESET2:
    case psci.ARM_SMCCC_VERSION_FUNC_ID:
      return psci.PSCI_RET_SUCCESS; // CPU_SUSPEND: original power_state format, no OSI
    default:
      return psci.PSCI_RET_NOT_SUPPORTED;
  }
}

/**
 * A PSCI/SMCCC call, function ID in w0 (Linux arch/arm64/kvm/psci.c kvm_psci_call(), PSCI 1.1
 * for one vCPU with MPIDR 0). Unknown IDs return NOT_SUPPORTED, as KVM and QEMU do.
 */
function psciCall(m: BareMachine): Exit | undefined {
  const fid = m.xLo(0) >>> 0;
  const arg1 = m.xLo(1) >>> 0;
  const arg1Hi = m.xHi(1) >>> 0;
  const is64 = (fid & psci.PSCI_0_2_64BIT) !== 0;
  // MPIDR_HWID_BITMASK: Aff3 [39:32] and Aff2..Aff0 [23:0]; SMC32 calls see only w1.
  const mpidrIsCpu0 = (arg1 & 0xffffff) === 0 && (!is64 || (arg1Hi & 0xff) === 0);
  switch (fid) {
    case psci.PSCI_0_2_FN_PSCI_VERSION:
      smcccRet(m, psci.PSCI_VERSION(1, 1));
      return undefined;
    case psci.ARM_SMCCC_VERSION_FUNC_ID:
      smcccRet(m, psci.ARM_SMCCC_VERSION_1_1);
      return undefined;
    case psci.PSCI_1_0_FN_PSCI_FEATURES:
      smcccRet(m, psciFeatures(arg1));
      return undefined;
    case psci.PSCI_0_2_FN_MIGRATE_INFO_TYPE:
      smcccRet(m, psci.PSCI_0_2_TOS_MP); // no Trusted OS that needs migrating
      return undefined;
    case psci.PSCI_0_2_FN_SYSTEM_OFF:
      return { exit: 'poweroff' };
    case psci.PSCI_0_2_FN_SYSTEM_RESET:
      return { exit: 'reset' };
    case psci.PSCI_1_1_FN_SYSTEM_RESET2:
    case psci.PSCI_1_1_FN64_SYSTEM_RESET2:
      // Architectural warm reset (type 0) or a vendor type; other types are invalid.
      if (arg1 === psci.PSCI_1_1_RESET_TYPE_SYSTEM_WARM_RESET || (arg1 & psci.PSCI_1_1_RESET_TYPE_VENDOR_START) !== 0) {
        return { exit: 'reset' };
      }
      smcccRet(m, psci.PSCI_RET_INVALID_PARAMS);
      return undefined;
    case psci.PSCI_0_2_FN_CPU_ON:
    case psci.PSCI_0_2_FN64_CPU_ON:
      smcccRet(m, mpidrIsCpu0 ? psci.PSCI_RET_ALREADY_ON : psci.PSCI_RET_INVALID_PARAMS);
      return undefined;
    case psci.PSCI_0_2_FN_AFFINITY_INFO:
    case psci.PSCI_0_2_FN64_AFFINITY_INFO: {
      const level = m.xLo(2) >>> 0;
      if (level > 3 || m.xHi(2) !== 0) smcccRet(m, psci.PSCI_RET_INVALID_PARAMS);
      else smcccRet(m, mpidrIsCpu0 ? psci.PSCI_0_2_AFFINITY_LEVEL_ON : psci.PSCI_RET_INVALID_PARAMS);
      return undefined;
    }
    case psci.PSCI_0_2_FN_CPU_OFF:
      return { exit: 'halted', message: 'PSCI CPU_OFF turned off the only CPU' };
    case psci.PSCI_0_2_FN_CPU_SUSPEND:
    case psci.PSCI_0_2_FN64_CPU_SUSPEND:
      // Suspend waits for an interrupt (KVM treats it as WFI); this machine has no source.
      return { exit: 'halted', message: `PSCI CPU_SUSPEND with no interrupt source (PC ${hex(m.cpu.pc)})` };
    default:
      smcccRet(m, psci.PSCI_RET_NOT_SUPPORTED);
      return undefined;
  }
}

/** HVC: the preferred return address is already the next instruction. */
function handleHvc(m: BareMachine): Exit | undefined {
  return psciCall(m);
}

/**
 * SMC trapped by HCR_EL2.TSC: the preferred return address is the SMC itself (Arm ARM
 * D1.3.4: a trapped SMC returns to the SMC), so step over it, as KVM's handle_smc() does.
 * A non-zero immediate is not an SMCCC call: x0 = -1 (KVM does the same).
 */
function handleSmc(m: BareMachine, esr: number): Exit | undefined {
  m.skipInstruction();
  if ((esr & 0xffff) !== 0) {
    smcccRet(m, psci.PSCI_RET_NOT_SUPPORTED);
    return undefined;
  }
  return psciCall(m);
}

/** Stage-2 instruction abort: every RAM page is mapped executable, so the fetch was outside RAM. */
function handleIabt(m: BareMachine, esr: number): Exit {
  const far = m.far();
  const ipa = m.faultIpa();
  if ((esr & ISS_S1PTW) !== 0) {
    return { exit: 'error', message: `stage-1 table walk for an instruction fetch at ${hex(far)} reads IPA ${hex(ipa)} outside RAM` };
  }
  if (m.inRam(ipa)) {
    // RAM is mapped executable at stage 2, so this is not expected; report it rather than loop.
    return { exit: 'error', message: `unexpected stage-2 instruction abort at ${hex(far)} (IPA ${hex(ipa)}, ESR_EL2 ${hex(esr >>> 0)})` };
  }
  let message = `guest jumped to ${hex(far)} outside RAM`;
  if (ipa !== far) message += ` (IPA ${hex(ipa)})`;
  // An exception vector outside RAM: say which exception got the guest there.
  const s = m.s;
  const vbar = (s[srIndex(SR.VBAR_EL1) + 1] >>> 0) * 4294967296 + (s[srIndex(SR.VBAR_EL1)] >>> 0);
  const off = far - vbar;
  if (off >= 0 && off < 0x800 && off % 0x80 === 0) {
    const esr1 = s[srIndex(SR.ESR_EL1)] >>> 0;
    const elr = (s[srIndex(SR.ELR_EL1) + 1] >>> 0) * 4294967296 + (s[srIndex(SR.ELR_EL1)] >>> 0);
    message += `: an exception was taken to VBAR_EL1 ${hex(vbar)} + ${hex(off)} (ESR_EL1 ${hex(esr1)}, EC ${hex(esr1 >>> 26)}, ELR_EL1 ${hex(elr)})`;
  }
  return { exit: 'error', message };
}

/**
 * Stage-2 data abort: MMIO emulation from the syndrome (Arm ARM D24.2.41 ISS encoding for a
 * Data Abort; KVM's io_mem_abort() and kvm_handle_mmio_return()). The abort returns to the
 * faulting instruction, so PC is stepped past it once the access is emulated.
 */
function handleDabt(m: BareMachine, esr: number): Exit | undefined {
  const far = m.far();
  const ipa = m.faultIpa();
  if ((esr & ISS_S1PTW) !== 0) {
    return { exit: 'error', message: `stage-1 table walk for a data access at ${hex(far)} reads IPA ${hex(ipa)} outside RAM (PC ${hex(m.cpu.pc)})` };
  }
  if ((esr & ISS_ISV) === 0) {
    return {
      exit: 'error',
      message: `data abort without a valid syndrome (ISV=0) at PC ${hex(m.cpu.pc)}, FAR ${hex(far)} (IPA ${hex(ipa)}): the access cannot be emulated as MMIO`,
    };
  }
  const size = 1 << ((esr >>> ISS_SAS_SHIFT) & 3);
  const srt = (esr >>> ISS_SRT_SHIFT) & 31;
  const isWrite = (esr & ISS_WNR) !== 0;
  const dev = m.findDevice(ipa);
  if (isWrite) {
    const v = m.xLo(srt);
    if (dev !== undefined) dev.write(ipa - dev.base, size, size >= 4 ? v : v & ((1 << (8 * size)) - 1));
    else m.mmioLog.log(`typevisor: unhandled MMIO write of ${size} bytes to ${hex(ipa)} at PC ${hex(m.cpu.pc)} (ignored)`);
  } else {
    let v = 0;
    if (dev !== undefined) v = dev.read(ipa - dev.base, size);
    else m.mmioLog.log(`typevisor: unhandled MMIO read of ${size} bytes from ${hex(ipa)} at PC ${hex(m.cpu.pc)} (reads 0)`);
    let lo: number;
    let hi = 0;
    if (size === 8) {
      lo = v | 0; // devices are at most 32 bits wide
    } else if ((esr & ISS_SSE) !== 0) {
      const sh = 32 - 8 * size;
      lo = (v << sh) >> sh;
      hi = (esr & ISS_SF) !== 0 ? lo >> 31 : 0;
    } else {
      lo = v | 0;
    }
    m.setX(srt, lo, hi);
  }
  m.skipInstruction();
  return undefined;
}

/** One handler per ESR_EL2.EC, like KVM's arm_exit_handlers[]. */
const exitHandlers: readonly ExitHandler[] = (() => {
  const t: ExitHandler[] = new Array<ExitHandler>(64).fill(handleUnknownEc);
  t[ESR_ELx_EC_HVC64] = handleHvc;
  t[ESR_ELx_EC_SMC64] = handleSmc;
  t[ESR_ELx_EC_IABT_LOW] = handleIabt;
  t[ESR_ELx_EC_DABT_LOW] = handleDabt;
  return t;
})();

function checkOptions(opts: BareRunOptions): { memMiB: number; cpu: string; limit: number } {
  if (!(opts.kernel instanceof Uint8Array)) throw new InvalidArgumentError('kernel', 'kernel: expected the image bytes (Uint8Array)');
  const memMiB = opts.memMiB ?? DEFAULT_MEM_MIB;
  if (!Number.isInteger(memMiB) || memMiB < 1 || memMiB > MAX_MEM_MIB) {
    throw new InvalidArgumentError('memMiB', `memory size must be a whole number of MiB from 1 to ${MAX_MEM_MIB}, got ${String(memMiB)}`);
  }
  const cpu = opts.cpu ?? 'cortex-a57';
  if (!Object.prototype.hasOwnProperty.call(CPU_MODELS, cpu)) {
    throw new InvalidArgumentError('cpu', `unknown CPU model "${cpu}"; valid models: ${Object.keys(CPU_MODELS).join(', ')}`);
  }
  const limit = opts.maxInstructions ?? Infinity;
  if (!(limit === Infinity || (Number.isSafeInteger(limit) && limit > 0))) {
    throw new InvalidArgumentError('maxInstructions', `instruction limit must be a positive integer, got ${String(limit)}`);
  }
  return { memMiB, cpu, limit };
}

/** Boot an ELF image on the bare machine and run it to the end (see the module comment). */
export function runBareMetal(opts: BareRunOptions): BareRunResult {
  const m = BareMachine.create(opts);
  const cpu = m.cpu;
  const limit = m.limit;
  const start = cpu.icount;
  const t0 = performance.now();
  let flushedAt = start;
  let result: Exit | undefined;
  while (result === undefined) {
    const left = limit - (cpu.icount - start);
    if (left <= 0) {
      result = { exit: 'limit', message: `instruction limit reached (${limit}) at PC ${hex(cpu.pc)}` };
      break;
    }
    const stop = run(cpu, left < SLICE ? left : SLICE);
    // Flush the UART when guest time has passed (a slice's worth), not at every trap: an MMIO
    // store per console byte must not become a host write per byte. finish() flushes the rest.
    if (stop === Stop.BUDGET || cpu.icount - flushedAt >= SLICE) {
      m.uart.flush();
      flushedAt = cpu.icount;
    }
    result = m.handleStop(stop);
  }
  const seconds = (performance.now() - t0) / 1000;
  const consoleText = m.finish();
  m.mem.removeClient(cpu);
  return { ...result, instructions: cpu.icount - start, seconds, console: consoleText };
}

export { InvalidArgumentError, InvalidImageError };
