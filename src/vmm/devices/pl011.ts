/**
 * Arm PrimeCell UART (PL011), as described by the PrimeCell UART (PL011) Technical Reference
 * Manual, ARM DDI 0183G (r1p5), chapter 3 "Programmers Model". Output only in this milestone:
 * the receive FIFO is always empty and no interrupt line is wired (there is no GIC yet), but the
 * interrupt state (UARTRIS/UARTIMSC/UARTMIS) is kept so a driver sees what it would see.
 *
 * The registers are one table (STYLE.md rule 6): rows sorted by offset, each with the access
 * widths it accepts and its read/write handlers; lookups binary-search it.
 *
 * Transmitted bytes are collected and handed to the sink in chunks (when the buffer fills and at
 * every flush(), which the run loop calls between slices), never one write per byte.
 */

/** Register offsets (TRM Table 3-1). */
export const UARTDR = 0x000;
export const UARTRSR = 0x004; // read: receive status; write: UARTECR (error clear)
export const UARTECR = 0x004;
export const UARTFR = 0x018;
export const UARTILPR = 0x020;
export const UARTIBRD = 0x024;
export const UARTFBRD = 0x028;
export const UARTLCR_H = 0x02c;
export const UARTCR = 0x030;
export const UARTIFLS = 0x034;
export const UARTIMSC = 0x038;
export const UARTRIS = 0x03c;
export const UARTMIS = 0x040;
export const UARTICR = 0x044;
export const UARTDMACR = 0x048;
export const UARTPeriphID0 = 0xfe0;
export const UARTPCellID0 = 0xff0;

/** UARTFR bits (TRM 3.3.3). */
export const UARTFR_CTS = 1 << 0;
export const UARTFR_DSR = 1 << 1;
export const UARTFR_DCD = 1 << 2;
export const UARTFR_BUSY = 1 << 3;
export const UARTFR_RXFE = 1 << 4;
export const UARTFR_TXFF = 1 << 5;
export const UARTFR_RXFF = 1 << 6;
export const UARTFR_TXFE = 1 << 7;
export const UARTFR_RI = 1 << 8;

/** Interrupt bits shared by UARTIMSC/RIS/MIS/ICR (TRM 3.3.13-3.3.16). */
export const UART_RXIS = 1 << 4;
export const UART_TXIS = 1 << 5;
export const UART_RTIS = 1 << 6;
const UART_INT_MASK = 0x7ff;

/** Reset values (TRM Table 3-1). */
export const UARTCR_RESET = 0x0300; // TXE | RXE, UART disabled
export const UARTIFLS_RESET = 0x12; // both FIFOs at 1/2

/** PrimeCell identification: PeriphID0-3 then PCellID0-3 (TRM 3.3.17-3.3.24), r1p5. */
export const PL011_ID = [0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1] as const;

/** Access widths a register row accepts (bit per byte count). */
export const ACCESS_8 = 1;
export const ACCESS_16 = 2;
export const ACCESS_32 = 4;
const ACCESS_ANY = ACCESS_8 | ACCESS_16 | ACCESS_32;

/** One register: offset, accepted widths, read and write handlers (32-bit values). */
export interface RegRow<D> {
  readonly name: string;
  readonly offset: number;
  readonly access: number;
  readonly read: (dev: D) => number;
  readonly write: (dev: D, value: number) => void;
}

/** Read-as-zero / write-ignored helpers for rows. */
export const raz = (): number => 0;
export const wi = (): void => {};

/** An MMIO device as the run loop sees it: offsets are relative to `base`. */
export interface MmioDevice {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  /** A read of `size` bytes (1, 2, 4 or 8); returns the value zero-extended (<= 32 bits). */
  read(offset: number, size: number): number;
  /** A write of the low `size` bytes of `value`. */
  write(offset: number, size: number, value: number): void;
}

/** QEMU virt's PL011 (DESIGN.md "The virt machine"). */
export const PL011_BASE = 0x09000000;
export const PL011_SIZE = 0x1000;
const TX_CHUNK = 4096;

const idRow = (i: number): RegRow<Pl011> => ({
  name: i < 4 ? `UARTPeriphID${i}` : `UARTPCellID${i - 4}`,
  offset: UARTPeriphID0 + 4 * i,
  access: ACCESS_ANY,
  read: () => PL011_ID[i],
  write: wi,
});

/** The register map, sorted by offset (checked by tests/vmm/pl011.test.ts). */
export const PL011_REGS: readonly RegRow<Pl011>[] = Object.freeze([
  // DR: writes transmit bits [7:0]; reads pop the receive FIFO, which is always empty here.
  { name: 'UARTDR', offset: UARTDR, access: ACCESS_ANY, read: raz, write: (u: Pl011, v: number) => u.transmit(v & 0xff) },
  // RSR reads the error flags of the last received character (none); any write is ECR.
  { name: 'UARTRSR/UARTECR', offset: UARTRSR, access: ACCESS_ANY, read: raz, write: wi },
  { name: 'UARTFR', offset: UARTFR, access: ACCESS_ANY, read: () => UARTFR_TXFE | UARTFR_RXFE, write: wi },
  { name: 'UARTILPR', offset: UARTILPR, access: ACCESS_ANY, read: (u: Pl011) => u.ilpr, write: (u: Pl011, v: number) => void (u.ilpr = v & 0xff) },
  { name: 'UARTIBRD', offset: UARTIBRD, access: ACCESS_ANY, read: (u: Pl011) => u.ibrd, write: (u: Pl011, v: number) => void (u.ibrd = v & 0xffff) },
  { name: 'UARTFBRD', offset: UARTFBRD, access: ACCESS_ANY, read: (u: Pl011) => u.fbrd, write: (u: Pl011, v: number) => void (u.fbrd = v & 0x3f) },
  { name: 'UARTLCR_H', offset: UARTLCR_H, access: ACCESS_ANY, read: (u: Pl011) => u.lcrH, write: (u: Pl011, v: number) => void (u.lcrH = v & 0xff) },
  { name: 'UARTCR', offset: UARTCR, access: ACCESS_ANY, read: (u: Pl011) => u.cr, write: (u: Pl011, v: number) => void (u.cr = v & 0xffff) },
  { name: 'UARTIFLS', offset: UARTIFLS, access: ACCESS_ANY, read: (u: Pl011) => u.ifls, write: (u: Pl011, v: number) => void (u.ifls = v & 0x3f) },
  { name: 'UARTIMSC', offset: UARTIMSC, access: ACCESS_ANY, read: (u: Pl011) => u.imsc, write: (u: Pl011, v: number) => void (u.imsc = v & UART_INT_MASK) },
  { name: 'UARTRIS', offset: UARTRIS, access: ACCESS_ANY, read: (u: Pl011) => u.ris, write: wi },
  { name: 'UARTMIS', offset: UARTMIS, access: ACCESS_ANY, read: (u: Pl011) => u.ris & u.imsc, write: wi },
  { name: 'UARTICR', offset: UARTICR, access: ACCESS_ANY, read: raz, write: (u: Pl011, v: number) => void (u.ris &= ~v & UART_INT_MASK) },
  { name: 'UARTDMACR', offset: UARTDMACR, access: ACCESS_ANY, read: (u: Pl011) => u.dmacr, write: (u: Pl011, v: number) => void (u.dmacr = v & 7) },
  ...PL011_ID.map((_, i) => idRow(i)),
]);

function findReg(offset: number): RegRow<Pl011> | undefined {
  let lo = 0;
  let hi = PL011_REGS.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const r = PL011_REGS[mid];
    if (r.offset === offset) return r;
    if (r.offset < offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

export class Pl011 implements MmioDevice {
  readonly name = 'pl011';
  readonly base: number;
  readonly size = PL011_SIZE;
  ilpr = 0;
  ibrd = 0;
  fbrd = 0;
  lcrH = 0;
  cr = UARTCR_RESET;
  ifls = UARTIFLS_RESET;
  imsc = 0;
  ris = 0;
  dmacr = 0;

  private readonly sink: (bytes: Uint8Array) => void;
  private readonly txBuf = new Uint8Array(TX_CHUNK);
  private txLen = 0;

  constructor(sink: (bytes: Uint8Array) => void, base = PL011_BASE) {
    this.sink = sink;
    this.base = base;
  }

  reset(): void {
    this.flush();
    this.ilpr = this.ibrd = this.fbrd = this.lcrH = this.imsc = this.ris = this.dmacr = 0;
    this.cr = UARTCR_RESET;
    this.ifls = UARTIFLS_RESET;
  }

  /**
   * Queue one byte for the sink. Like QEMU, the byte goes out whether or not UARTCR enables the
   * UART (bare-metal programs commonly write DR without initialising the UART). The FIFO drains
   * at once, so the transmit interrupt condition (the FIFO passing its trigger level) is met.
   */
  transmit(byte: number): void {
    this.txBuf[this.txLen++] = byte;
    if (this.txLen === TX_CHUNK) this.flush();
    this.ris |= UART_TXIS;
  }

  /** Hand the bytes collected so far to the sink (a copy: the sink may keep it). */
  flush(): void {
    if (this.txLen === 0) return;
    const out = this.txBuf.slice(0, this.txLen);
    this.txLen = 0;
    this.sink(out);
  }

  /**
   * Guest read. A narrower access reads the byte lanes it covers of the 32-bit register; 64-bit
   * accesses (the APB bus is 32 bits wide), accesses that straddle a word and unknown offsets
   * read as zero.
   */
  read(offset: number, size: number): number {
    const lane = offset & 3;
    if (size > 4 || lane + size > 4) return 0;
    const r = findReg(offset - lane);
    if (r === undefined || (r.access & size) === 0) return 0;
    const v = r.read(this) >>> (8 * lane);
    return size === 4 ? v >>> 0 : v & ((1 << (8 * size)) - 1);
  }

  /** Guest write; narrower writes reach the register in their byte lanes (no read-modify-write). */
  write(offset: number, size: number, value: number): void {
    const lane = offset & 3;
    if (size > 4 || lane + size > 4) return;
    const r = findReg(offset - lane);
    if (r === undefined || (r.access & size) === 0) return;
    const v = size === 4 ? value : value & ((1 << (8 * size)) - 1);
    r.write(this, (v << (8 * lane)) >>> 0);
  }
}
