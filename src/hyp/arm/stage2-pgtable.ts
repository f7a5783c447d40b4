/**
 * Stage-2 page tables, built by the hypervisor in host memory for the CPU's stage-2 walker
 * (KVM's arch/arm64/kvm/hyp/pgtable.c role). 4 KiB granule; 2 MiB blocks where the range allows.
 * The start level and the number of concatenated start tables follow from the IPA size, as
 * KVM's kvm_get_vtcr() chooses them: up to 16 concatenated level-1 tables (IPA <= 43 bits),
 * otherwise a level-0 start.
 */
import type { HostMemory } from '../../arch/aarch64/host-memory.js';

export interface Stage2Prot {
  write: boolean;
  exec: boolean;
  /** Map as Device-nGnRE (MemAttr 0b0001) instead of Normal write-back (0b1111). */
  device?: boolean;
}

const TWO32 = 4294967296;
const GRANULE = 4096;
const DESC_VALID_TABLE = 3;
const DESC_BLOCK = 1;
const AF = 1 << 10;
const SH_INNER = 3 << 8;

export class Stage2PageTable {
  readonly mem: HostMemory;
  readonly ipaBits: number;
  /** VTCR_EL2 value for these tables (T0SZ, SL0, TG0 = 4K, SH/ORGN/IRGN inner-shareable WB, PS). */
  readonly vtcr: number;
  /** Host physical address of the start table(s) (VTTBR_EL2.BADDR). */
  readonly root: number;
  private readonly startLevel: number;

  constructor(mem: HostMemory, ipaBits = 40) {
    if (!Number.isInteger(ipaBits) || ipaBits < 32 || ipaBits > 48) {
      throw new RangeError(`Stage2PageTable: ipaBits must be 32..48, got ${ipaBits}`);
    }
    this.mem = mem;
    this.ipaBits = ipaBits;
    this.startLevel = ipaBits <= 43 ? 1 : 0;
    const startShift = this.startLevel === 1 ? 30 : 39;
    const tables = Math.max(1, 2 ** Math.max(0, ipaBits - startShift - 9));
    this.root = mem.alloc(tables * GRANULE, tables * GRANULE);
    const sl0 = this.startLevel === 1 ? 1 : 2;
    const ps = ipaBits <= 32 ? 0 : ipaBits <= 36 ? 1 : ipaBits <= 40 ? 2 : ipaBits <= 42 ? 3 : ipaBits <= 44 ? 4 : 5;
    this.vtcr = ((64 - ipaBits) | (sl0 << 6) | (1 << 8) | (1 << 10) | (3 << 12) | (0 << 14) | (ps << 16) | (1 << 31)) >>> 0;
  }

  /** VTTBR_EL2 as (lo, hi): BADDR with VMID in [63:48]. */
  vttbr(vmid = 0): [number, number] {
    return [this.root % TWO32 | 0, (Math.floor(this.root / TWO32) | ((vmid & 0xffff) << 16)) | 0];
  }

  /**
   * Map [ipa, ipa+size) to host [hostPa, hostPa+size). All three must be 4 KiB aligned.
   * Replaces existing mappings; the caller flushes TLBs.
   */
  map(ipa: number, hostPa: number, size: number, prot: Stage2Prot): void {
    checkRange('map', ipa, size, this.ipaBits);
    if (hostPa % GRANULE !== 0) throw new RangeError(`Stage2PageTable.map: hostPa ${hostPa} is not 4 KiB aligned`);
    const attrs =
      AF |
      SH_INNER |
      (1 << 6) | // S2AP read
      (prot.write ? 1 << 7 : 0) |
      ((prot.device ? 0b0001 : 0b1111) << 2);
    const xnHi = prot.exec ? 0 : 1 << 22; // XN, bit 54
    let off = 0;
    while (off < size) {
      const a = ipa + off;
      const h = hostPa + off;
      if (a % 0x200000 === 0 && h % 0x200000 === 0 && size - off >= 0x200000) {
        this.setEntry(a, 2, h, attrs | DESC_BLOCK, xnHi);
        off += 0x200000;
      } else {
        this.setEntry(a, 3, h, attrs | DESC_VALID_TABLE, xnHi);
        off += GRANULE;
      }
    }
  }

  /** Remove mappings in [ipa, ipa+size) (both 4 KiB aligned). */
  unmap(ipa: number, size: number): void {
    checkRange('unmap', ipa, size, this.ipaBits);
    let off = 0;
    while (off < size) {
      const a = ipa + off;
      const slot = this.findEntry(a);
      if (slot === null) {
        off += GRANULE;
        continue;
      }
      const [addr, level] = slot;
      const span = level === 3 ? GRANULE : level === 2 ? 0x200000 : 0x40000000;
      if (a % span === 0 && size - off >= span) {
        this.write(addr, 0, 0);
        off += span;
      } else {
        // Split the block into the next level, then retry this address.
        this.split(addr, level, a - (a % span));
      }
    }
  }

  private shift(level: number): number {
    return 12 + 9 * (3 - level);
  }

  private read(addr: number): [number, number] {
    return [this.mem.i32[addr >>> 2], this.mem.i32[(addr >>> 2) + 1]];
  }

  private write(addr: number, lo: number, hi: number): void {
    this.mem.i32[addr >>> 2] = lo;
    this.mem.i32[(addr >>> 2) + 1] = hi;
  }

  private entryAddr(table: number, ipa: number, level: number): number {
    const bits = level === this.startLevel ? this.ipaBits - this.shift(level) : 9;
    return table + (Math.floor(ipa / 2 ** this.shift(level)) % 2 ** bits) * 8;
  }

  /** Walk to `level`, creating tables, and write the leaf descriptor. */
  private setEntry(ipa: number, level: number, out: number, attrsLo: number, attrsHi: number): void {
    let table = this.root;
    for (let l = this.startLevel; l < level; l++) {
      const ea = this.entryAddr(table, ipa, l);
      const [lo, hi] = this.read(ea);
      if ((lo & 3) === DESC_VALID_TABLE) {
        // (lo >>> 0) & ~0xfff would be a negative int32 for tables at or above 2 GiB.
        table = (hi & 0xffff) * TWO32 + ((lo >>> 0) - ((lo >>> 0) % GRANULE));
      } else {
        if ((lo & 1) !== 0) this.split(ea, l, ipa - (ipa % 2 ** this.shift(l)));
        const [lo2, hi2] = this.read(ea);
        if ((lo2 & 3) === DESC_VALID_TABLE) {
          table = (hi2 & 0xffff) * TWO32 + ((lo2 >>> 0) - ((lo2 >>> 0) % GRANULE));
        } else {
          const t = this.mem.alloc(GRANULE);
          this.write(ea, (t % TWO32) | DESC_VALID_TABLE, Math.floor(t / TWO32));
          table = t;
        }
      }
    }
    const ea = this.entryAddr(table, ipa, level);
    this.write(ea, ((out % TWO32) | attrsLo) | 0, (Math.floor(out / TWO32) | attrsHi) | 0);
  }

  /** Replace a block descriptor at `addr` (level `level`, covering `base`) by a table of the next level. */
  private split(addr: number, level: number, base: number): void {
    const [lo, hi] = this.read(addr);
    const t = this.mem.alloc(GRANULE);
    const childSpan = 2 ** this.shift(level + 1);
    const outBase = (hi & 0xffff) * TWO32 + ((lo >>> 0) - ((lo >>> 0) % 2 ** Math.min(this.shift(level), 31)));
    const attrsLo = lo & 0xffc;
    const childType = level + 1 === 3 ? DESC_VALID_TABLE : DESC_BLOCK;
    for (let i = 0; i < 512; i++) {
      const o = outBase + i * childSpan;
      this.write(t + i * 8, ((o % TWO32) | attrsLo | childType) | 0, (Math.floor(o / TWO32) | (hi & ~0xffff)) | 0);
    }
    void base;
    this.write(addr, (t % TWO32) | DESC_VALID_TABLE, Math.floor(t / TWO32));
  }

  /** The leaf descriptor address and level mapping `ipa`, or null. */
  private findEntry(ipa: number): [number, number] | null {
    let table = this.root;
    for (let l = this.startLevel; l <= 3; l++) {
      const ea = this.entryAddr(table, ipa, l);
      const [lo, hi] = this.read(ea);
      if ((lo & 1) === 0) return null;
      if ((lo & 3) === DESC_VALID_TABLE && l < 3) {
        table = (hi & 0xffff) * TWO32 + ((lo >>> 0) - ((lo >>> 0) % GRANULE));
        continue;
      }
      return [ea, l];
    }
    return null;
  }
}

function checkRange(what: string, ipa: number, size: number, ipaBits: number): void {
  if (!Number.isInteger(ipa) || ipa < 0 || ipa % GRANULE !== 0) throw new RangeError(`Stage2PageTable.${what}: ipa ${ipa} is not 4 KiB aligned`);
  if (!Number.isInteger(size) || size <= 0 || size % GRANULE !== 0) throw new RangeError(`Stage2PageTable.${what}: size ${size} is not a positive multiple of 4 KiB`);
  if (ipa + size > 2 ** ipaBits) throw new RangeError(`Stage2PageTable.${what}: range ends beyond the ${ipaBits}-bit IPA space`);
}
