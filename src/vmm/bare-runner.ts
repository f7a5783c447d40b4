/**
 * The minimal machine behind `typevisor run`: one vCPU, RAM at 0x40000000, a PL011 at 0x09000000,
 * a GICv3 (the hypervisor's vGICv3: distributor 0x08000000, redistributors from 0x080A0000) with
 * the architected timers on PPIs 27/30, PSCI over HVC and SMC — QEMU virt's addresses (DESIGN.md
 * "The virt machine"). The guest gets virt's device tree in RAM, its address in x0 (where
 * Linux's boot protocol wants it; our bare-metal guests ignore it). `gic: 2` gives QEMU virt's
 * gic-version=2 instead (the hypervisor's vGICv2: distributor 0x08000000, CPU interface
 * 0x08010000); `gic: 'none'` leaves out the GIC, as a machine without an interrupt controller.
 *
 * A VMM on the hypervisor's API and nothing else, as kvmtool is on /dev/kvm: memory through
 * setUserMemoryRegion, the vCPU through init and ONE_REG, the PL011 through KVM_EXIT_MMIO,
 * power-off and reset through KVM_EXIT_SYSTEM_EVENT. The loop is one switch on the exit reason
 * (kvmtool's kvm_cpu__start()). Whatever the guest does ends in a result, never in a host
 * exception; typed errors are thrown only for bad options or images (errors.ts).
 */
import { Kvm } from '../hyp/kvm.js';
import type { Vm } from '../hyp/vm.js';
import type { Vcpu } from '../hyp/vcpu.js';
import type { KvmRun } from '../hyp/kvm-run.js';
import type { StatsSnapshot } from '../hyp/stats.js';
import { RateLimitedLog, hypLog } from '../hyp/ratelimit.js';
import {
  KVM_EXIT_MMIO,
  KVM_EXIT_SYSTEM_EVENT,
  KVM_EXIT_INTR,
  KVM_EXIT_INTERNAL_ERROR,
  KVM_EXIT_ARM_NISV,
  KVM_EXIT_HYPERCALL,
  KVM_EXIT_FAIL_ENTRY,
  KVM_SYSTEM_EVENT_SHUTDOWN,
  KVM_SYSTEM_EVENT_RESET,
  KVM_ARM_VCPU_PSCI_0_2,
  KVM_MP_STATE_HALTED,
  KVM_MP_STATE_STOPPED,
  KVM_CAP_ARM_NISV_TO_USER,
} from '../hyp/uapi/kvm.js';
import { KVM_REG_ARM_CORE_REG, ARM64_SYS_REG, KVM_REG_ARM_TIMER_CTL, KVM_REG_ARM_PTIMER_CTL } from '../hyp/uapi/kvm-arm64.js';
import { CPU_MODELS } from '../arch/aarch64/cpus/index.js';
import { parseElf } from './elf.js';
import { virtDeviceTree } from './fdt.js';
import type { Device } from '../hyp/device.js';
import {
  KVM_DEV_TYPE_ARM_VGIC_V2,
  KVM_DEV_TYPE_ARM_VGIC_V3,
  KVM_DEV_ARM_VGIC_GRP_ADDR,
  KVM_DEV_ARM_VGIC_GRP_NR_IRQS,
  KVM_DEV_ARM_VGIC_GRP_CTRL,
  KVM_DEV_ARM_VGIC_CTRL_INIT,
  KVM_VGIC_V3_ADDR_TYPE_DIST,
  KVM_VGIC_V3_ADDR_TYPE_REDIST,
  KVM_VGIC_V2_ADDR_TYPE_DIST,
  KVM_VGIC_V2_ADDR_TYPE_CPU,
} from '../hyp/uapi/kvm-vgic.js';
import { Pl011, type MmioDevice } from './devices/pl011.js';
import { InvalidArgumentError, InvalidImageError } from './errors.js';

export const RAM_BASE = 0x40000000;
export const DEFAULT_MEM_MIB = 128;
/** RAM must end below 4 GiB of IPA and fit a 32-bit WebAssembly memory with the rest. */
export const MAX_MEM_MIB = 3072;
/** Instructions per KVM_RUN; the UART is flushed at least once per slice of guest time. */
export const SLICE = 1_000_000;
/** Guest-triggered warnings printed per interval before the rest are only counted. */
export const WARN_BURST = 5;
/** Host memory the VM needs beyond RAM: vCPU state and stage-2 tables. */
const VM_OVERHEAD = 32 << 20;

const REG_PC = KVM_REG_ARM_CORE_REG('regs.pc');
const REG_ELR_EL1 = KVM_REG_ARM_CORE_REG('elr_el1');
const REG_ESR_EL1 = ARM64_SYS_REG(3, 0, 5, 2, 0);
const REG_FAR_EL1 = ARM64_SYS_REG(3, 0, 6, 0, 0);
const REG_VBAR_EL1 = ARM64_SYS_REG(3, 0, 12, 0, 0);
/** ESR_ELx_EC_IABT_LOW: the exit class of a fetch outside RAM. */
const EC_IABT_LOW = 0x20;
/** CNTx_CTL_EL0: ENABLE, IMASK. */
const CTL_ENABLE = 1;
const CTL_IMASK = 2;
/** How long the VMM sleeps while its only vCPU waits for a timer the hypervisor will not sleep for. */
const HALT_SLEEP_MS = 10;
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

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
  /**
   * Interrupt controller: 3 = virt's GICv3 on the hypervisor's vGICv3 (default), 2 = virt's
   * gic-version=2 on the vGICv2, or 'none'.
   */
  gic?: 2 | 3 | 'none';
  /** VmOptions.blockThreshold: executions before a block is compiled; 0 at once, -1 never. */
  blockThreshold?: number;
}

/** virt's GICv3 frames (hw/arm/virt.c base_memmap[VIRT_GIC_DIST], [VIRT_GIC_REDIST]). */
export const VIRT_GIC_DIST = 0x08000000n;
export const VIRT_GIC_REDIST = 0x080a0000n;
/** virt's GICv2 CPU interface (base_memmap[VIRT_GIC_CPU]). */
export const VIRT_GIC_CPU = 0x08010000n;
/** One vCPU's redistributor: RD_base + SGI_base, 64 KiB each. */
export const GICR_STRIDE = 0x20000n;
/** virt's interrupt count: 256 SPIs + 32 private (hw/arm/virt.h NUM_IRQS + GIC_INTERNAL). */
export const VIRT_GIC_NR_IRQS = 288;
/** Where the device tree goes: RAM's start when no image segment is there, as QEMU does for ELF kernels. */
const DTB_MAX = 2 << 20;

export interface BareRunResult {
  exit: BareExit;
  message?: string;
  instructions: number;
  seconds: number;
  /** Everything the guest wrote to the UART (UTF-8 decoded). */
  console: string;
  /** The VM's exit statistics (kvm_stat's view) when the guest stopped. */
  stats: StatsSnapshot;
}

/** How a run ended (before counting instructions and time). */
export interface BareExitInfo {
  exit: BareExit;
  message?: string;
}

function hex(n: number | bigint): string {
  return '0x' + n.toString(16);
}

/** Little-endian bytes of an MMIO record as a number (devices are at most 32 bits wide). */
function dataValue(data: Uint8Array, len: number): number {
  let v = 0;
  for (let i = Math.min(len, 4) - 1; i >= 0; i--) v = (v * 256 + data[i]) >>> 0;
  return v;
}

/**
 * The machine: a VM with one vCPU, its RAM, the UART. runBareMetal() drives it; tests may build
 * one with create() and run it exit by exit with step().
 */
export class BareMachine {
  readonly kvm: Kvm;
  readonly vm: Vm;
  readonly vcpu: Vcpu;
  /** Guest RAM as the VMM sees it (setUserMemoryRegion's view). */
  readonly ram: Uint8Array;
  readonly ramSize: number;
  readonly uart: Pl011;
  readonly limit: number;
  readonly devices: MmioDevice[];
  /** The vGIC (KVM_DEV_TYPE_ARM_VGIC_V3 or _V2) when the machine has one. */
  readonly gic: Device | undefined;
  /** Guest-physical address of the device tree passed in x0. */
  readonly dtbAddr: number;
  /** Rate-limited warnings for guest-provoked conditions (unhandled MMIO...). */
  readonly log: RateLimitedLog;
  private readonly chunks: Uint8Array[] = [];
  private kept = 0;
  private flushedAt = 0;

  /** Validate the options, build the machine and load the image; PC = the ELF entry point. */
  static create(opts: BareRunOptions): BareMachine {
    return new BareMachine(opts);
  }

  private constructor(opts: BareRunOptions) {
    const { memMiB, cpu: cpuName, limit, gic } = checkOptions(opts);
    const blockThreshold = checkBlockThreshold(opts.blockThreshold);
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
    this.log = new RateLimitedLog({ burst: WARN_BURST, sink: warn });

    this.kvm = new Kvm({ cpu: cpuName });
    try {
      this.vm = this.kvm.createVm({ ipaBits: 40, memoryLimitBytes: this.ramSize + VM_OVERHEAD, blockThreshold });
      this.ram = this.vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM_BASE), size: BigInt(this.ramSize) });
    } catch {
      throw new InvalidArgumentError('memMiB', `cannot allocate ${memMiB} MiB of guest RAM`);
    }
    // An ISV=0 access is the guest's bug here: hear about it as an exit, not a failed KVM_RUN.
    this.vm.enableCap(KVM_CAP_ARM_NISV_TO_USER);
    for (const seg of elf.segments) {
      const off = seg.paddr - RAM_BASE;
      this.ram.set(seg.data, off);
      if (seg.memsz > seg.data.length) this.ram.fill(0, off + seg.data.length, off + seg.memsz);
    }
    this.vcpu = this.vm.createVcpu(0);
    this.vcpu.init({ target: this.vm.armPreferredTarget().target, features: [KVM_ARM_VCPU_PSCI_0_2] });
    this.vcpu.setOneReg(REG_PC, BigInt(elf.entry));
    // As QEMU's kvm_arm_gicv3/kvm_arm_gic and kvmtool do: the device after the vCPUs, addresses, NR_IRQS, INIT.
    this.gic = gic === 3 ? createVirtGicV3(this.vm) : gic === 2 ? createVirtGicV2(this.vm) : undefined;
    const dtb = virtDeviceTree({
      memBase: BigInt(RAM_BASE),
      memSize: BigInt(this.ramSize),
      cpus: 1,
      cpuCompatible: CPU_MODELS[cpuName].compatible,
      gic,
      gicDist: VIRT_GIC_DIST,
      gicRedist: VIRT_GIC_REDIST,
      gicRedistSize: GICR_STRIDE,
      gicCpu: VIRT_GIC_CPU,
      uart: 0x09000000n,
    });
    this.dtbAddr = placeDtb(elf.segments, dtb.length, this.ramSize);
    this.ram.set(dtb, this.dtbAddr - RAM_BASE);
    this.vcpu.setOneReg(KVM_REG_ARM_CORE_REG('regs.regs[0]'), BigInt(this.dtbAddr));
  }

  /** Guest instructions retired so far. */
  get instructions(): number {
    return this.vcpu.stats.instructions;
  }

  private reg(id: bigint): bigint {
    return this.vcpu.getOneReg(id) as bigint;
  }

  get pc(): bigint {
    return this.reg(REG_PC);
  }

  /** One KVM_RUN of at most `budget` instructions and its exit handled: undefined to go on. */
  step(budget = SLICE): BareExitInfo | undefined {
    const st = this.vcpu.stats;
    const n0 = st.instructions;
    const iabt0 = st.ecCount[EC_IABT_LOW];
    const r = this.vcpu.run({ budget });
    // Flush the UART when guest time has passed (a slice's worth), not at every exit: an MMIO
    // store per console byte must not become a host write per byte. finish() flushes the rest.
    if (st.instructions - this.flushedAt >= SLICE || r.exitReason === KVM_EXIT_INTR) {
      this.uart.flush();
      this.flushedAt = st.instructions;
    }
    const ran = st.instructions - n0;
    const iabts = st.ecCount[EC_IABT_LOW] - iabt0;
    if (r.exitReason === KVM_EXIT_INTR && iabts >= 16 && 2 * iabts >= ran) return this.stuckOutsideRam();
    return this.handleExit(r);
  }

  /** The VMM's switch on the exit reason. */
  handleExit(r: KvmRun): BareExitInfo | undefined {
    switch (r.exitReason) {
      case KVM_EXIT_MMIO:
        this.mmio(r.mmio.physAddr, r.mmio.data, r.mmio.len, r.mmio.isWrite);
        return undefined;
      case KVM_EXIT_SYSTEM_EVENT:
        if (r.systemEvent.type === KVM_SYSTEM_EVENT_SHUTDOWN) return { exit: 'poweroff' };
        if (r.systemEvent.type === KVM_SYSTEM_EVENT_RESET) return { exit: 'reset' };
        return { exit: 'error', message: `guest system event ${r.systemEvent.type}` };
      case KVM_EXIT_INTR:
        return this.intr();
      case KVM_EXIT_ARM_NISV:
        return {
          exit: 'error',
          message: `data abort without a valid syndrome (ISV=0) at PC ${hex(this.pc)}, IPA ${hex(r.armNisv.faultIpa)}: the access cannot be emulated as MMIO`,
        };
      case KVM_EXIT_INTERNAL_ERROR:
        return { exit: 'error', message: `internal error: ${r.internal.message}` };
      case KVM_EXIT_HYPERCALL:
        return { exit: 'error', message: `unexpected hypercall exit for function ${hex(r.hypercall.nr)}` };
      case KVM_EXIT_FAIL_ENTRY:
        return { exit: 'error', message: `vCPU entry failed: ${r.failEntry.message}` };
      default:
        return { exit: 'error', message: `unknown exit reason ${String((r as { exitReason: number }).exitReason)}` };
    }
  }

  /** KVM_EXIT_MMIO: the UART, or a rate-limited warning (reads as zero, writes ignored). */
  private mmio(addr: bigint, data: Uint8Array, len: number, isWrite: boolean): void {
    const ipa = Number(addr);
    const dev = this.devices.find((d) => ipa >= d.base && ipa < d.base + d.size);
    if (dev !== undefined) {
      if (isWrite) {
        dev.write(ipa - dev.base, len, dataValue(data, len));
      } else {
        const v = dev.read(ipa - dev.base, len);
        data.fill(0);
        for (let i = 0; i < 4 && i < len; i++) data[i] = v >>> (8 * i);
      }
      return;
    }
    if (isWrite) {
      this.log.log(`typevisor: unhandled MMIO write of ${len} bytes to ${hex(ipa)} at PC ${hex(this.pc)} (ignored)`);
    } else {
      data.fill(0);
      this.log.log(`typevisor: unhandled MMIO read of ${len} bytes from ${hex(ipa)} at PC ${hex(this.pc)} (reads 0)`);
    }
  }

  /** KVM_EXIT_INTR: the budget ran out, or the only vCPU cannot run. */
  private intr(): BareExitInfo | undefined {
    const v = this.vcpu;
    if (v.mpState === KVM_MP_STATE_STOPPED) return { exit: 'halted', message: 'PSCI CPU_OFF turned off the only CPU' };
    if (v.mpState === KVM_MP_STATE_HALTED) {
      if (!this.timerArmed()) {
        return { exit: 'halted', message: `guest waits for an interrupt (WFI) and nothing is armed to wake it (PC ${hex(this.pc)})` };
      }
      // The hypervisor sleeps only for a timer due soon; nothing else can run meanwhile.
      Atomics.wait(sleepCell, 0, 0, HALT_SLEEP_MS);
    }
    return undefined;
  }

  private timerArmed(): boolean {
    for (const id of [KVM_REG_ARM_TIMER_CTL, KVM_REG_ARM_PTIMER_CTL]) {
      const ctl = Number(this.reg(id) & 3n);
      if ((ctl & (CTL_ENABLE | CTL_IMASK)) === CTL_ENABLE) return true;
    }
    return false;
  }

  /**
   * Nearly every instruction of the last slice was a fetch outside RAM answered with a prefetch
   * abort: the guest's exception vectors lie outside RAM too, and it will loop until stopped.
   */
  private stuckOutsideRam(): BareExitInfo {
    const far = this.reg(REG_FAR_EL1);
    const vbar = this.reg(REG_VBAR_EL1);
    let message = `guest jumped to ${hex(far)} outside RAM`;
    if (far >= vbar && far < vbar + 0x800n) {
      message += `: its exception vectors at VBAR_EL1 ${hex(vbar)} lie outside RAM (ESR_EL1 ${hex(this.reg(REG_ESR_EL1))}, ELR_EL1 ${hex(this.reg(REG_ELR_EL1))})`;
    }
    return { exit: 'error', message };
  }

  /** Flush the UART, print the warning summary, and return everything the guest printed. */
  finish(): string {
    this.uart.flush();
    this.log.flush();
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
}

/**
 * virt's GICv2 on the hypervisor's vGICv2 (Documentation/virt/kvm/devices/arm-vgic.rst), in
 * the same order as the GICv3 (QEMU's kvm_arm_gic_realize()): addresses, NR_IRQS, INIT.
 */
function createVirtGicV2(vm: Vm): Device {
  const gic = vm.createDevice(KVM_DEV_TYPE_ARM_VGIC_V2);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST, VIRT_GIC_DIST);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_CPU, VIRT_GIC_CPU);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, VIRT_GIC_NR_IRQS);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT);
  return gic;
}

/** virt's GICv3 on the hypervisor's vGICv3 (Documentation/virt/kvm/devices/arm-vgic-v3.rst). */
function createVirtGicV3(vm: Vm): Device {
  const gic = vm.createDevice(KVM_DEV_TYPE_ARM_VGIC_V3);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, VIRT_GIC_DIST);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, VIRT_GIC_REDIST);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, VIRT_GIC_NR_IRQS);
  gic.setAttr(KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT);
  return gic;
}

/**
 * The device tree's address: RAM's start if no image segment overlaps it there (QEMU's choice
 * for ELF kernels, whose images start higher), else the highest 2 MiB-aligned spot below the end
 * of RAM that no segment covers (Linux's booting.rst: 8-byte aligned, within one 2 MiB block).
 */
function placeDtb(segments: readonly { paddr: number; memsz: number }[], size: number, ramSize: number): number {
  if (size > DTB_MAX) throw new InvalidArgumentError('dtb', `device tree of ${size} bytes exceeds 2 MiB`);
  const free = (a: number) => segments.every((s) => s.paddr + s.memsz <= a || s.paddr >= a + size);
  if (free(RAM_BASE)) return RAM_BASE;
  for (let a = RAM_BASE + Math.floor(ramSize / DTB_MAX) * DTB_MAX - DTB_MAX; a >= RAM_BASE; a -= DTB_MAX) if (free(a)) return a;
  throw new InvalidArgumentError('kernel', 'the image leaves no 2 MiB of RAM for the device tree');
}

function checkOptions(opts: BareRunOptions): { memMiB: number; cpu: string; limit: number; gic: 2 | 3 | 'none' } {
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
  const gic = opts.gic ?? 3;
  if (gic !== 2 && gic !== 3 && gic !== 'none') throw new InvalidArgumentError('gic', `gic: expected 2, 3 or 'none', got ${String(gic)}`);
  return { memMiB, cpu, limit, gic };
}

function checkBlockThreshold(v: number | undefined): number | undefined {
  if (v !== undefined && !(Number.isInteger(v) && v >= -1 && v <= 254)) {
    throw new InvalidArgumentError('blockThreshold', `block threshold must be an integer from -1 (off) to 254, got ${String(v)}`);
  }
  return v;
}

/** Boot an ELF image on the bare machine and run it to the end (see the module comment). */
export function runBareMetal(opts: BareRunOptions): BareRunResult {
  const m = BareMachine.create(opts);
  const limit = m.limit;
  // The hypervisor's own guest-triggered messages go where the VMM's warnings go.
  const oldSink = hypLog.sink;
  if (opts.warn !== undefined) hypLog.sink = opts.warn;
  const t0 = performance.now();
  let result: BareExitInfo | undefined;
  try {
    while (result === undefined) {
      const left = limit - m.instructions;
      if (left <= 0) {
        result = { exit: 'limit', message: `instruction limit reached (${limit}) at PC ${hex(m.pc)}` };
        break;
      }
      result = m.step(left < SLICE ? left : SLICE);
    }
  } finally {
    hypLog.flush();
    hypLog.sink = oldSink;
  }
  const seconds = (performance.now() - t0) / 1000;
  const consoleText = m.finish();
  return { ...result, instructions: m.instructions, seconds, console: consoleText, stats: m.vm.stats.snapshot() };
}

export { InvalidArgumentError, InvalidImageError };
