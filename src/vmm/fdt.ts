/**
 * Flattened device tree (DTB) writer, and the device tree of the virt machine.
 *
 * The blob format is the Devicetree Specification v0.4, chapter 5 ("Flattened Devicetree (DTB)
 * Format"): a 40-byte header (5.2, version 17, last_comp_version 16), the memory reservation block
 * (5.3: 8-byte aligned (address, size) u64 pairs ended by a zero pair), the structure block (5.4:
 * 4-byte aligned big-endian tokens FDT_BEGIN_NODE / FDT_PROP / FDT_END_NODE / FDT_END) and the
 * strings block (5.5: NUL-terminated property names, shared). FdtBuilder is used as libfdt's
 * sequential-write API is (fdt_begin_node / fdt_property / fdt_end_node / fdt_finish), which is
 * how QEMU's hw/arm/virt.c and kvmtool's arm/fdt.c build theirs.
 *
 * virtDeviceTree() produces the tree QEMU 7.2's virt board gives a guest (hw/arm/virt.c
 * create_fdt(), fdt_add_cpu_nodes(), fdt_add_psci_node(), fdt_add_timer_nodes(), create_gic(),
 * create_uart(); hw/arm/boot.c for /memory and /chosen), restricted to the devices this VMM has.
 */
import { VmmInputError } from './errors.js';
import { mpidrForVcpuId } from '../hyp/arm/reset.js';

/** Devicetree Specification v0.4, 5.2 and 5.4.1. */
export const FDT_MAGIC = 0xd00dfeed;
export const FDT_BEGIN_NODE = 0x1;
export const FDT_END_NODE = 0x2;
export const FDT_PROP = 0x3;
export const FDT_NOP = 0x4;
export const FDT_END = 0x9;
export const FDT_VERSION = 17;
export const FDT_LAST_COMP_VERSION = 16;
/** Size of the version-17 header (5.2: ten u32 fields). */
export const FDT_HEADER_SIZE = 40;

/** A device tree that cannot be written as asked (unbalanced nodes, bad names, values out of range). */
export class FdtError extends VmmInputError {}

/**
 * A property value:
 * - `number`: one u32 cell; `bigint`: one u64 (two cells, big-endian);
 * - `number[]`: a cell array (`<a b c>`); `string`: a NUL-terminated string;
 * - `string[]`: a string list (`"a", "b"`, each NUL-terminated);
 * - `Uint8Array`: raw bytes; `null`: an empty property (`interrupt-controller;`).
 */
export type FdtValue = number | bigint | number[] | string | string[] | Uint8Array | null;

const enc = new TextEncoder();

function checkU32(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new FdtError(`${what}: ${String(v)} is not a u32 cell`);
  return v;
}

/** Encode a property value as its bytes in the structure block. */
export function fdtValueBytes(value: FdtValue, what = 'value'): Uint8Array {
  if (value === null) return new Uint8Array(0);
  if (value instanceof Uint8Array) return value.slice();
  if (typeof value === 'number') return fdtCells([value], what);
  if (typeof value === 'bigint') {
    if (value < 0n || value > 0xffffffffffffffffn) throw new FdtError(`${what}: ${value} is not a u64`);
    return fdtCells([Number(value >> 32n), Number(value & 0xffffffffn)], what);
  }
  if (typeof value === 'string') return fdtStrings([value], what);
  if (value.length === 0) return new Uint8Array(0);
  if (typeof value[0] === 'string') return fdtStrings(value as string[], what);
  return fdtCells(value as number[], what);
}

function fdtCells(cells: number[], what: string): Uint8Array {
  const b = new Uint8Array(cells.length * 4);
  const dv = new DataView(b.buffer);
  cells.forEach((c, i) => {
    if (typeof c !== 'number') throw new FdtError(`${what}: mixed cell and string values`);
    dv.setUint32(4 * i, checkU32(c, what));
  });
  return b;
}

function fdtStrings(list: string[], what: string): Uint8Array {
  const parts = list.map((s) => {
    if (typeof s !== 'string') throw new FdtError(`${what}: mixed string and cell values`);
    if (s.includes('\0')) throw new FdtError(`${what}: string "${s}" contains NUL`);
    return enc.encode(s);
  });
  const b = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let o = 0;
  for (const p of parts) {
    b.set(p, o);
    o += p.length + 1;
  }
  return b;
}

/**
 * Split 64-bit values into cells, `cells[i]` cells for value i (1 or 2), as a `reg` or `ranges`
 * entry is written for the parent's #address-cells/#size-cells: `regCells([base, size], [2, 2])`.
 */
export function regCells(values: bigint[], cells: number[]): number[] {
  const out: number[] = [];
  values.forEach((v, i) => {
    const n = cells[i % cells.length];
    if (n === 1) {
      if (v < 0n || v > 0xffffffffn) throw new FdtError(`reg: ${v} does not fit one cell`);
      out.push(Number(v));
    } else if (n === 2) {
      if (v < 0n || v > 0xffffffffffffffffn) throw new FdtError(`reg: ${v} does not fit two cells`);
      out.push(Number(v >> 32n), Number(v & 0xffffffffn));
    } else {
      throw new FdtError(`reg: ${n} cells per value is not supported`);
    }
  });
  return out;
}

/** Node names (spec 2.2.1): 1-31 characters of [0-9a-zA-Z,._+-], optionally @unit-address. */
const NODE_NAME = /^[0-9a-zA-Z,._+-]{1,31}(@[0-9a-zA-Z,._+-]+)?$/;
/** Property names (spec 2.2.4): 1-31 characters of [0-9a-zA-Z,._+?#-]. */
const PROP_NAME = /^[0-9a-zA-Z,._+?#-]{1,31}$/;

/** Builds a DTB in one pass: begin/end nodes, properties before subnodes, then finish(). */
export class FdtBuilder {
  private struct: number[] = [];
  private readonly strings: number[] = [];
  private readonly stringOffsets = new Map<string, number>();
  private readonly reservations: Array<[bigint, bigint]> = [];
  /** Per open node: whether it has a subnode yet (properties must come first, spec 5.4.2). */
  private readonly open: boolean[] = [];
  private rootDone = false;
  private nextPhandle = 1;
  private finished = false;
  /** boot_cpuid_phys in the header: the physical id (reg) of the boot CPU. */
  bootCpuidPhys = 0;

  /** Add a memory reservation block entry (5.3), e.g. for firmware or a spin table. */
  addReservation(address: bigint, size: bigint): this {
    if (address < 0n || size < 0n || address > 0xffffffffffffffffn || size > 0xffffffffffffffffn) {
      throw new FdtError(`memory reservation ${address}+${size} out of range`);
    }
    if (size === 0n) throw new FdtError('a memory reservation of size 0 would end the block');
    this.reservations.push([address, size]);
    return this;
  }

  /** A fresh phandle value (1, 2, ...): write it with prop('phandle', n) on its node. */
  allocPhandle(): number {
    return this.nextPhandle++;
  }

  beginNode(name: string): this {
    this.live();
    if (this.open.length === 0) {
      if (this.rootDone) throw new FdtError('the tree has one root node');
      if (name !== '') throw new FdtError(`the root node's name is empty, got "${name}"`);
    } else {
      if (!NODE_NAME.test(name)) throw new FdtError(`invalid node name "${name}"`);
      this.open[this.open.length - 1] = true;
    }
    this.token(FDT_BEGIN_NODE);
    this.bytes(enc.encode(name), true);
    this.open.push(false);
    return this;
  }

  endNode(): this {
    this.live();
    if (this.open.length === 0) throw new FdtError('endNode() without an open node');
    this.token(FDT_END_NODE);
    this.open.pop();
    if (this.open.length === 0) this.rootDone = true;
    return this;
  }

  /** Add a property to the open node; see FdtValue for how values are encoded. */
  prop(name: string, value: FdtValue = null): this {
    this.live();
    if (this.open.length === 0) throw new FdtError(`property "${name}" outside a node`);
    if (!PROP_NAME.test(name)) throw new FdtError(`invalid property name "${name}"`);
    if (this.open[this.open.length - 1]) throw new FdtError(`property "${name}" after a subnode: properties come first`);
    const data = fdtValueBytes(value, name);
    this.token(FDT_PROP);
    this.token(data.length);
    this.token(this.nameOffset(name));
    this.bytes(data, false);
    return this;
  }

  propU32(name: string, v: number): this {
    return this.prop(name, v);
  }

  propU64(name: string, v: bigint): this {
    return this.prop(name, v);
  }

  propCells(name: string, cells: number[]): this {
    return this.prop(name, fdtCells(cells, name));
  }

  propString(name: string, s: string): this {
    return this.prop(name, s);
  }

  propStrings(name: string, list: string[]): this {
    return this.prop(name, fdtStrings(list, name));
  }

  propEmpty(name: string): this {
    return this.prop(name, null);
  }

  /** The blob: header, reservation block, structure block, strings block. */
  finish(): Uint8Array {
    this.live();
    if (!this.rootDone) throw new FdtError(this.open.length > 0 ? `${this.open.length} node(s) left open` : 'no root node');
    this.token(FDT_END);
    this.finished = true;
    const offRsv = align(FDT_HEADER_SIZE, 8);
    const rsvSize = (this.reservations.length + 1) * 16;
    const offStruct = offRsv + rsvSize; // 8-aligned, so 4-aligned as the structure block must be
    const sizeStruct = this.struct.length;
    const offStrings = offStruct + sizeStruct;
    const sizeStrings = this.strings.length;
    const total = align(offStrings + sizeStrings, 8);
    const b = new Uint8Array(total);
    const dv = new DataView(b.buffer);
    const header = [FDT_MAGIC, total, offStruct, offStrings, offRsv, FDT_VERSION, FDT_LAST_COMP_VERSION, this.bootCpuidPhys, sizeStrings, sizeStruct];
    header.forEach((v, i) => dv.setUint32(4 * i, v));
    this.reservations.forEach(([a, s], i) => {
      dv.setBigUint64(offRsv + 16 * i, a);
      dv.setBigUint64(offRsv + 16 * i + 8, s);
    });
    b.set(this.struct, offStruct);
    b.set(this.strings, offStrings);
    return b;
  }

  private live(): void {
    if (this.finished) throw new FdtError('finish() was already called');
  }

  private token(v: number): void {
    this.struct.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  }

  /** Bytes (plus a NUL if asked), then zero padding to the next 4-byte boundary (5.4.1). */
  private bytes(data: Uint8Array, nul: boolean): void {
    for (const x of data) this.struct.push(x);
    if (nul) this.struct.push(0);
    while (this.struct.length % 4 !== 0) this.struct.push(0);
  }

  /** Offset of a property name in the strings block, each name stored once. */
  private nameOffset(name: string): number {
    let off = this.stringOffsets.get(name);
    if (off === undefined) {
      off = this.strings.length;
      for (const x of enc.encode(name)) this.strings.push(x);
      this.strings.push(0);
      this.stringOffsets.set(name, off);
    }
    return off;
  }
}

function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/* ------------------------------------------------------------------------------------------ */
/* The virt machine's tree                                                                    */
/* ------------------------------------------------------------------------------------------ */

/** include/dt-bindings/interrupt-controller/arm-gic.h and irq.h. */
export const GIC_SPI = 0;
export const GIC_PPI = 1;
export const IRQ_TYPE_EDGE_RISING = 1;
export const IRQ_TYPE_LEVEL_HIGH = 4;
export const IRQ_TYPE_LEVEL_LOW = 8;
/** GICv2 PPI specifier: the CPU mask sits in bits [15:8] of the flags cell (arm,gic.yaml). */
const GIC_FDT_IRQ_PPI_CPU_START = 8;

/** Timer PPIs as the DT numbers them (INTID - 16), arm,arch_timer.yaml order (hw/arm/virt.h). */
export const ARCH_TIMER_S_EL1_PPI = 13;
export const ARCH_TIMER_NS_EL1_PPI = 14;
export const ARCH_TIMER_VIRT_PPI = 11;
export const ARCH_TIMER_NS_EL2_PPI = 10;
/** The PL011's SPI on virt (a15irqmap[VIRT_UART]). */
export const VIRT_UART_SPI = 1;
/** GICv3 redistributor frames per CPU: RD_base + SGI_base, 64 KiB each (IHI 0069H 12.10). */
export const GICV3_REDIST_SIZE = 0x20000n;
/** virt's fixed APB clock, 24 MHz (create_fdt(): "clk24mhz"). */
const APB_PCLK_HZ = 24000000;

/** PSCI 0.1 function ids QEMU lists for the "arm,psci" binding (hw/arm/virt.c fdt_add_psci_node()). */
const PSCI_0_1_IDS: Array<[string, number]> = [
  ['cpu_suspend', 0xc4000001],
  ['cpu_off', 0x84000002],
  ['cpu_on', 0xc4000003],
  ['migrate', 0xc4000005],
];

export interface VirtDeviceTreeOptions {
  memBase: bigint;
  memSize: bigint;
  cpus: number;
  /** The cpu nodes' compatible (CpuModel.compatible, e.g. "arm,cortex-a57"). */
  cpuCompatible: string;
  gic: 2 | 3 | 'none';
  gicDist: bigint;
  /** GICv3: base of the redistributor region (virt: 0x080A0000). */
  gicRedist?: bigint;
  /** GICv3: size of the redistributor region (default cpus x 128 KiB). */
  gicRedistSize?: bigint;
  /** GICv2: base of the CPU interface (virt: 0x08010000). */
  gicCpu?: bigint;
  uart: bigint;
  bootargs?: string;
  /** [start, end) of the initrd in guest physical memory. */
  initrd?: [bigint, bigint];
  /** MPIDR affinity of vCPU i (default: the hypervisor's reset value, mpidrForVcpuId()). */
  mpidr?: (index: number) => bigint;
}

function hexAddr(a: bigint): string {
  return a.toString(16);
}

/**
 * The device tree of the virt machine, as QEMU's virt board writes it for the same devices:
 *
 * - `/`: #address-cells = #size-cells = 2, compatible and model "linux,dummy-virt",
 *   interrupt-parent = the GIC;
 * - `/psci`: "arm,psci-1.0", "arm,psci-0.2", "arm,psci", method "hvc" and the PSCI 0.1 ids;
 * - `/memory@<base>`; `/cpus` with `cpu@<n>` (reg = MPIDR affinity bits, enable-method "psci"
 *   when there is more than one CPU, as QEMU does);
 * - `/timer`: "arm,armv8-timer", "arm,armv7-timer", always-on, PPIs 13/14/11/10 level-high
 *   (QEMU's choice, hw/arm/virt.c fdt_add_timer_nodes()), with the CPU mask under GICv2;
 * - `/intc@<dist>`: "arm,gic-v3" (#redistributor-regions 1, reg = dist + redist) or
 *   "arm,cortex-a15-gic" (reg = dist + cpu interface), #interrupt-cells 3;
 * - `/apb-pclk` (fixed 24 MHz clock), `/pl011@<uart>` (SPI 1 level-high, clocks uartclk and
 *   apb_pclk), `/chosen` (stdout-path, bootargs, linux,initrd-start/end: u32 as QEMU writes them, u64
 *   when the initrd ends above 4 GiB).
 *
 * With `gic: 'none'` there is no interrupt controller node, no interrupt-parent and no
 * `interrupts` properties. QEMU's extras this machine does not have (flash, fw-cfg, PL031, PL061,
 * PCIe, virtio-mmio, ITS/v2m, PMU, rng-seed/kaslr-seed, cpu-map) are left out.
 */
export function virtDeviceTree(opts: VirtDeviceTreeOptions): Uint8Array {
  const { cpus, gic } = opts;
  if (!Number.isInteger(cpus) || cpus < 1 || cpus > 4096) throw new FdtError(`cpus: expected 1..4096, got ${String(cpus)}`);
  if (gic === 2 && cpus > 8) throw new FdtError(`a GICv2 serves at most 8 CPUs, got ${cpus}`);
  if (gic === 2 && opts.gicCpu === undefined) throw new FdtError('GICv2 needs gicCpu (the CPU interface base)');
  if (gic === 3 && opts.gicRedist === undefined) throw new FdtError('GICv3 needs gicRedist (the redistributor base)');
  if (opts.memSize <= 0n) throw new FdtError('memSize must be positive');
  const mpidr = opts.mpidr ?? mpidrForVcpuId;

  const f = new FdtBuilder();
  const intc = gic === 'none' ? 0 : f.allocPhandle();
  const clk = f.allocPhandle();
  const irq = (type: number, nr: number, flags: number): number[] => [type, nr, flags];

  f.beginNode('');
  if (gic !== 'none') f.prop('interrupt-parent', intc);
  f.prop('#size-cells', 2);
  f.prop('#address-cells', 2);
  f.prop('compatible', ['linux,dummy-virt']);
  f.prop('model', 'linux,dummy-virt');

  f.beginNode('psci');
  f.prop('compatible', ['arm,psci-1.0', 'arm,psci-0.2', 'arm,psci']);
  f.prop('method', 'hvc');
  for (const [name, id] of PSCI_0_1_IDS) f.prop(name, id);
  f.endNode();

  f.beginNode(`memory@${hexAddr(opts.memBase)}`);
  f.prop('device_type', 'memory');
  f.prop('reg', regCells([opts.memBase, opts.memSize], [2, 2]));
  f.endNode();

  // fdt_add_cpu_nodes(): #address-cells 2 only if some CPU has Aff3; reg = MPIDR & 0xff00ffffff.
  const aff = Array.from({ length: cpus }, (_, i) => mpidr(i) & 0xff00ffffffn);
  const cpuCells = aff.some((a) => a > 0xffffffn) ? 2 : 1;
  f.beginNode('cpus');
  f.prop('#address-cells', cpuCells);
  f.prop('#size-cells', 0);
  for (let i = 0; i < cpus; i++) {
    f.beginNode(`cpu@${hexAddr(aff[i])}`);
    f.prop('device_type', 'cpu');
    f.prop('compatible', opts.cpuCompatible);
    if (cpus > 1) f.prop('enable-method', 'psci');
    f.prop('reg', regCells([aff[i]], [cpuCells]));
    f.endNode();
  }
  f.endNode();
  f.bootCpuidPhys = Number(aff[0] & 0xffffffffn);

  f.beginNode('timer');
  f.prop('compatible', ['arm,armv8-timer', 'arm,armv7-timer']);
  if (gic !== 'none') {
    let flags = IRQ_TYPE_LEVEL_HIGH;
    if (gic === 2) flags |= ((1 << cpus) - 1) << GIC_FDT_IRQ_PPI_CPU_START;
    f.prop('interrupts', [
      ...irq(GIC_PPI, ARCH_TIMER_S_EL1_PPI, flags),
      ...irq(GIC_PPI, ARCH_TIMER_NS_EL1_PPI, flags),
      ...irq(GIC_PPI, ARCH_TIMER_VIRT_PPI, flags),
      ...irq(GIC_PPI, ARCH_TIMER_NS_EL2_PPI, flags),
    ]);
  }
  f.prop('always-on');
  f.endNode();

  if (gic !== 'none') {
    f.beginNode(`intc@${hexAddr(opts.gicDist)}`);
    f.prop('phandle', intc);
    f.prop('#interrupt-cells', 3);
    f.prop('interrupt-controller');
    f.prop('#address-cells', 2);
    f.prop('#size-cells', 2);
    f.prop('ranges');
    if (gic === 3) {
      const redistSize = opts.gicRedistSize ?? BigInt(cpus) * GICV3_REDIST_SIZE;
      f.prop('compatible', ['arm,gic-v3']);
      f.prop('#redistributor-regions', 1);
      f.prop('reg', regCells([opts.gicDist, 0x10000n, opts.gicRedist as bigint, redistSize], [2, 2]));
    } else {
      f.prop('compatible', ['arm,cortex-a15-gic']);
      f.prop('reg', regCells([opts.gicDist, 0x10000n, opts.gicCpu as bigint, 0x10000n], [2, 2]));
    }
    f.endNode();
  }

  f.beginNode('apb-pclk');
  f.prop('phandle', clk);
  f.prop('compatible', 'fixed-clock');
  f.prop('#clock-cells', 0);
  f.prop('clock-frequency', APB_PCLK_HZ);
  f.prop('clock-output-names', 'clk24mhz');
  f.endNode();

  const uartNode = `pl011@${hexAddr(opts.uart)}`;
  f.beginNode(uartNode);
  f.prop('compatible', ['arm,pl011', 'arm,primecell']);
  f.prop('reg', regCells([opts.uart, 0x1000n], [2, 2]));
  if (gic !== 'none') f.prop('interrupts', irq(GIC_SPI, VIRT_UART_SPI, IRQ_TYPE_LEVEL_HIGH));
  f.prop('clocks', [clk, clk]);
  f.prop('clock-names', ['uartclk', 'apb_pclk']);
  f.endNode();

  f.beginNode('chosen');
  f.prop('stdout-path', `/${uartNode}`);
  if (opts.bootargs !== undefined) f.prop('bootargs', opts.bootargs);
  if (opts.initrd !== undefined) {
    const [start, end] = opts.initrd;
    if (end < start) throw new FdtError('initrd: end before start');
    // QEMU 7.2 (hw/arm/boot.c) writes one cell; Linux reads one or two (drivers/of/fdt.c
    // early_init_dt_check_for_initrd(): of_read_number(prop, len / 4)). Two only above 4 GiB.
    const wide = end > 0xffffffffn;
    f.prop('linux,initrd-start', wide ? start : Number(start));
    f.prop('linux,initrd-end', wide ? end : Number(end));
  }
  f.endNode();

  f.endNode();
  return f.finish();
}
