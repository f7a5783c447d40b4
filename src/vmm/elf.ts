/**
 * ELF64 loader front end: parse and validate an AArch64 executable (System V gABI, "ELF-64
 * Object File Format" v1.5; Arm IHI 0056 "ELF for the Arm 64-bit Architecture": EM_AARCH64 183,
 * little-endian). Only what a bare-metal loader needs: the entry point and the PT_LOAD segments.
 *
 * Every check throws InvalidImageError naming the problem; a truncated or garbage file never
 * reaches a DataView out of bounds (every offset is checked against the file size first).
 */
import { InvalidImageError } from './errors.js';

export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const EV_CURRENT = 1;
export const ET_EXEC = 2;
export const EM_AARCH64 = 183;
export const PT_LOAD = 1;
/** e_phnum value meaning "the real count is in section header 0" (not supported here). */
export const PN_XNUM = 0xffff;

const EHDR_SIZE = 64;
const PHDR_SIZE = 56;

export interface ElfSegment {
  /** Physical (load) address: where a loader with the MMU off places the bytes. */
  paddr: number;
  vaddr: number;
  /** The file bytes (p_filesz of them); the rest up to memsz is zero-filled by the loader. */
  data: Uint8Array;
  memsz: number;
  /** Index of the program header, as readelf numbers it. */
  index: number;
}

export interface ElfImage {
  entry: number;
  segments: ElfSegment[];
}

export interface ParseElfOptions {
  /** Names the image in messages ("kernel: ..."). */
  name?: string;
  /** When given, every segment and the entry point must lie inside [base, base + size). */
  ram?: { base: number; size: number };
}

function hex(n: number): string {
  return '0x' + n.toString(16);
}

/** Parse an ELF64 little-endian AArch64 ET_EXEC image. Throws InvalidImageError. */
export function parseElf(file: Uint8Array, opts: ParseElfOptions = {}): ElfImage {
  const name = opts.name ?? 'kernel';
  const fail = (what: string): never => {
    throw new InvalidImageError(`${name}: ${what}`);
  };
  const len = file.length;
  if (len < 4 || file[0] !== 0x7f || file[1] !== 0x45 || file[2] !== 0x4c || file[3] !== 0x46) {
    fail('not an ELF file (bad magic)');
  }
  if (len < EHDR_SIZE) fail(`truncated ELF header (${len} bytes, need ${EHDR_SIZE})`);
  if (file[4] !== ELFCLASS64) fail(`ELF class ${file[4]} is not ELFCLASS64 (only 64-bit images are supported)`);
  if (file[5] !== ELFDATA2LSB) fail(`ELF data encoding ${file[5]} is not little-endian (ELFDATA2LSB)`);
  if (file[6] !== EV_CURRENT) fail(`ELF version ${file[6]} is not EV_CURRENT`);
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const u64 = (off: number, field: string): number => {
    const v = dv.getBigUint64(off, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`${field} ${'0x' + v.toString(16)} is out of range`);
    return Number(v);
  };
  const type = dv.getUint16(16, true);
  const machine = dv.getUint16(18, true);
  if (machine !== EM_AARCH64) fail(`ELF machine ${machine} is not AArch64 (${EM_AARCH64})`);
  if (type !== ET_EXEC) fail(`ELF type ${type} is not an executable (ET_EXEC ${ET_EXEC})`);
  const entry = u64(24, 'entry point');
  const phoff = u64(32, 'program header offset');
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  if (phnum === 0) fail('no program headers');
  if (phnum === PN_XNUM) fail('extended program header count (PN_XNUM) is not supported');
  if (phentsize < PHDR_SIZE) fail(`program header size ${phentsize} is smaller than ${PHDR_SIZE}`);
  if (phoff > len || phnum * phentsize > len - phoff) {
    fail(`program headers [${hex(phoff)},${hex(phoff + phnum * phentsize)}) lie outside the file (${len} bytes)`);
  }
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (dv.getUint32(ph, true) !== PT_LOAD) continue;
    const offset = u64(ph + 8, `segment ${i} offset`);
    const vaddr = u64(ph + 16, `segment ${i} vaddr`);
    const paddr = u64(ph + 24, `segment ${i} paddr`);
    const filesz = u64(ph + 32, `segment ${i} filesz`);
    const memsz = u64(ph + 40, `segment ${i} memsz`);
    if (filesz > memsz) fail(`segment ${i} filesz ${hex(filesz)} exceeds memsz ${hex(memsz)}`);
    if (offset > len || filesz > len - offset) {
      fail(`segment ${i} file range [${hex(offset)},${hex(offset + filesz)}) lies outside the file (${len} bytes)`);
    }
    if (paddr + memsz > Number.MAX_SAFE_INTEGER) fail(`segment ${i} [${hex(paddr)}, +${hex(memsz)}) is out of range`);
    if (memsz === 0) continue;
    if (opts.ram !== undefined) {
      const { base, size } = opts.ram;
      if (paddr < base || paddr + memsz > base + size) {
        fail(`segment ${i} [${hex(paddr)},${hex(paddr + memsz)}) lies outside RAM [${hex(base)},${hex(base + size)})`);
      }
    }
    segments.push({ paddr, vaddr, data: file.subarray(offset, offset + filesz), memsz, index: i });
  }
  if (segments.length === 0) fail('no loadable (PT_LOAD) segment');
  if (opts.ram !== undefined) {
    const { base, size } = opts.ram;
    if (entry < base || entry >= base + size) {
      fail(`entry point ${hex(entry)} lies outside RAM [${hex(base)},${hex(base + size)})`);
    }
  }
  return { entry, segments };
}

export interface ElfWriteSegment {
  paddr: number;
  vaddr?: number;
  data: Uint8Array;
  /** Defaults to data.length. */
  memsz?: number;
  /** PF_X | PF_W | PF_R, default RWX. */
  flags?: number;
}

/**
 * Write a minimal ELF64 little-endian executable (header, program headers, segment bytes; no
 * section headers): how tests and tools wrap raw code into an image parseElf() accepts.
 * `machine`/`type` are parameters so tests can write wrong ones on purpose.
 */
export function writeElf(entry: number, segments: readonly ElfWriteSegment[], machine = EM_AARCH64, type = ET_EXEC): Uint8Array {
  const phoff = EHDR_SIZE;
  let off = phoff + segments.length * PHDR_SIZE;
  off = (off + 15) & ~15;
  const offsets: number[] = [];
  for (const seg of segments) {
    offsets.push(off);
    off += (seg.data.length + 15) & ~15;
  }
  const out = new Uint8Array(off);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, ELFCLASS64, ELFDATA2LSB, EV_CURRENT], 0);
  dv.setUint16(16, type, true);
  dv.setUint16(18, machine, true);
  dv.setUint32(20, EV_CURRENT, true);
  dv.setBigUint64(24, BigInt(entry), true);
  dv.setBigUint64(32, BigInt(phoff), true);
  dv.setUint16(52, EHDR_SIZE, true);
  dv.setUint16(54, PHDR_SIZE, true);
  dv.setUint16(56, segments.length, true);
  segments.forEach((seg, i) => {
    const ph = phoff + i * PHDR_SIZE;
    dv.setUint32(ph, PT_LOAD, true);
    dv.setUint32(ph + 4, seg.flags ?? 7, true);
    dv.setBigUint64(ph + 8, BigInt(offsets[i]), true);
    dv.setBigUint64(ph + 16, BigInt(seg.vaddr ?? seg.paddr), true);
    dv.setBigUint64(ph + 24, BigInt(seg.paddr), true);
    dv.setBigUint64(ph + 32, BigInt(seg.data.length), true);
    dv.setBigUint64(ph + 40, BigInt(seg.memsz ?? seg.data.length), true);
    dv.setBigUint64(ph + 48, 16n, true);
    out.set(seg.data, offsets[i]);
  });
  return out;
}
