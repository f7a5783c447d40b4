/**
 * The host's memory: one WebAssembly.Memory that holds every vCPU's register file, the stage-2
 * translation tables and guest RAM, so the interpreter (through typed-array views) and the later
 * wasm translator (through i64 loads) read the same bytes. "Host physical address" below means a
 * byte offset into this memory; stage-2 translation outputs one.
 *
 * It also keeps what is cached about code: a flag per 4 KiB host page that holds decoded
 * instructions, the decoded op ids themselves and the blocks compiled from them (blocks/),
 * all dropped when the page is written.
 */

import { BlockPage } from './blocks/block-page.js';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
const WASM_PAGE = 65536;
/** 4 GiB: the most a 32-bit wasm memory can address. */
const MAX_WASM_PAGES = 65536;

/** Whoever holds views of the memory implements this to refresh them after a grow. */
export interface MemoryClient {
  refreshViews(): void;
  /** A host page just started holding decoded code: stop writing to it on the fast path. */
  revokeWrite(hostPage: number): void;
  /** Cached decoded code was dropped (all of it when hostPage < 0). */
  codeDropped(hostPage: number): void;
}

export class HostMemory {
  readonly memory: WebAssembly.Memory;
  u8!: Uint8Array;
  u16!: Uint16Array;
  i32!: Int32Array;
  u32!: Uint32Array;
  /** Next free byte for alloc(). */
  private top = 0;
  /** Pages reserved by alloc() that have not been handed out yet. */
  /** 1 where a host page holds decoded instructions. */
  readonly codePage: Uint8Array;
  /** Decoded op ids per host page (0 = not decoded yet), created on first execution. */
  readonly decoded: (Uint16Array | undefined)[] = [];
  /** Compiled blocks per host page (blocks/block-page.ts), created with the decoded ops. */
  readonly blockPages: (BlockPage | undefined)[] = [];
  private readonly clients: MemoryClient[] = [];

  constructor(initialBytes = 1 << 20, maximumBytes = MAX_WASM_PAGES * WASM_PAGE) {
    const initial = Math.max(1, Math.ceil(initialBytes / WASM_PAGE));
    const maximum = Math.min(MAX_WASM_PAGES, Math.ceil(maximumBytes / WASM_PAGE));
    this.memory = new WebAssembly.Memory({ initial, maximum });
    this.codePage = new Uint8Array(maximum * (WASM_PAGE / PAGE_SIZE));
    this.makeViews();
  }

  private makeViews(): void {
    const b = this.memory.buffer;
    this.u8 = new Uint8Array(b);
    this.u16 = new Uint16Array(b);
    this.i32 = new Int32Array(b);
    this.u32 = new Uint32Array(b);
  }

  get size(): number {
    return this.memory.buffer.byteLength;
  }

  addClient(c: MemoryClient): void {
    this.clients.push(c);
  }

  removeClient(c: MemoryClient): void {
    const i = this.clients.indexOf(c);
    if (i >= 0) this.clients.splice(i, 1);
  }

  /**
   * Reserve `bytes` (rounded up to 4 KiB) aligned to `align` (a power of two >= 4 KiB) and
   * return the host physical address. The memory grows as needed; contents start zeroed.
   */
  alloc(bytes: number, align = PAGE_SIZE): number {
    if (!(bytes > 0) || !Number.isInteger(bytes)) throw new RangeError(`alloc: bytes must be a positive integer, got ${bytes}`);
    if (align < PAGE_SIZE || (align & (align - 1)) !== 0) throw new RangeError(`alloc: align must be a power of two >= 4096, got ${align}`);
    const base = Math.ceil(this.top / align) * align;
    const end = base + Math.ceil(bytes / PAGE_SIZE) * PAGE_SIZE;
    if (end > this.memory.buffer.byteLength) {
      const need = Math.ceil((end - this.memory.buffer.byteLength) / WASM_PAGE);
      try {
        this.memory.grow(need);
      } catch {
        throw new RangeError(`alloc: cannot grow host memory to ${end} bytes`);
      }
      this.makeViews();
      for (const c of this.clients) c.refreshViews();
    }
    this.top = end;
    return base;
  }

  /** Op ids for a host page, creating them (and its BlockPage, and marking the page as code) on first use. */
  decodedPage(hostPage: number): Uint16Array {
    let d = this.decoded[hostPage];
    if (d === undefined) {
      d = new Uint16Array(PAGE_SIZE >>> 2);
      this.decoded[hostPage] = d;
      this.blockPages[hostPage] = new BlockPage();
      this.codePage[hostPage] = 1;
      for (let i = 0; i < this.clients.length; i++) this.clients[i].revokeWrite(hostPage);
    }
    return d;
  }

  /** A write hit a page holding decoded code: drop it (self-modifying code, loaders). */
  dropCode(hostPage: number): void {
    if (this.codePage[hostPage] === 0) return;
    this.codePage[hostPage] = 0;
    this.decoded[hostPage] = undefined;
    this.blockPages[hostPage] = undefined;
    for (let i = 0; i < this.clients.length; i++) this.clients[i].codeDropped(hostPage);
  }

  /** IC IALLU / IALLUIS, or a loader rewrote memory behind the CPU's back. */
  dropAllCode(): void {
    this.codePage.fill(0);
    this.decoded.length = 0;
    this.blockPages.length = 0;
    for (let i = 0; i < this.clients.length; i++) this.clients[i].codeDropped(-1);
  }

  /** Write bytes from the host side (loaders, DMA), dropping any decoded code they cover. */
  writeBytes(hostAddr: number, data: Uint8Array): void {
    this.u8.set(data, hostAddr);
    const first = hostAddr >>> PAGE_SHIFT;
    const last = (hostAddr + Math.max(0, data.length - 1)) >>> PAGE_SHIFT;
    for (let p = first; p <= last; p++) this.dropCode(p);
  }
}
