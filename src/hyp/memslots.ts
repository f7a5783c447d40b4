/**
 * Guest memory slots: KVM_SET_USER_MEMORY_REGION (virt/kvm/kvm_main.c __kvm_set_memory_region,
 * arch/arm64/kvm/mmu.c kvm_arch_prepare_memory_region / kvm_arch_commit_memory_region).
 *
 * A slot's RAM is a range of the VM's host memory (vm.mem), mapped at the slot's guest-physical
 * address by the VM's stage-2 tables; setUserMemoryRegion() returns a Uint8Array over it, the
 * VMM's window onto guest RAM (the role of userspace_addr in KVM). Rules, in KVM's order:
 *
 * - flags: only KVM_MEM_READONLY; KVM_MEM_LOG_DIRTY_PAGES is refused (no dirty logging yet),
 *   any other bit is EINVAL (check_memory_region_flags).
 * - size and guestPhysAddr: multiples of 4 KiB (EINVAL naming the argument); slot 0..511
 *   (KVM_USER_MEM_SLOTS of arm64 before Linux 5.16, KVM_CAP_NR_MEMSLOTS).
 * - size 0 deletes the slot. Deleting a slot that does not exist is EINVAL, as in Linux since
 *   5.10 (`if (!old || !old->npages) return -EINVAL;`).
 * - An existing slot may only move (same size, new guestPhysAddr) or change flags other than
 *   KVM_MEM_READONLY; resizing or toggling READONLY is EINVAL (delete and re-create instead).
 *   Setting a slot to exactly what it is is a no-op.
 * - A new or moved slot overlapping another slot: EEXIST (kvm_check_memslot_overlap).
 * - A range ending beyond the VM's IPA space: EFAULT (kvm_arch_prepare_memory_region).
 *
 * Mapping: RW + exec, or read + exec for KVM_MEM_READONLY, so a guest write to a read-only slot
 * takes a stage-2 permission fault, which the run loop turns into KVM_EXIT_MMIO as KVM's
 * io_mem_abort() does. Every change flushes each vCPU's software TLB and drops the decoded code
 * cached for the slot's host pages.
 *
 * Host memory: RAM is allocated 2 MiB aligned when the slot is at least 2 MiB (stage 2 then maps
 * 2 MiB blocks where the guest address is aligned too). A deleted slot's host range goes onto a
 * small free list (merged with its neighbours) and is reused by a later slot that fits; the
 * reused range is zeroed first, so a new slot starts as zero-filled anonymous memory does and
 * never shows an old slot's data.
 *
 * Views outlive slots: a Uint8Array cannot be detached, so the view of a deleted slot still
 * addresses the same host bytes. Until a later slot reuses them, writes through it reach nothing
 * the guest can see; after reuse they land in the new slot's RAM. As with a munmap()ed window in
 * a real VMM, drop the view when you delete its slot. A moved slot keeps its RAM and its view.
 */
import type { Vm } from './vm.js';
import { KvmError } from './errors.js';
import { KVM_MEM_LOG_DIRTY_PAGES, KVM_MEM_READONLY } from './uapi/kvm.js';
import { PAGE_SHIFT } from '../arch/aarch64/host-memory.js';

/** Slots per VM (KVM_CAP_NR_MEMSLOTS). */
export const KVM_USER_MEM_SLOTS = 512;

const PAGE = 4096;
const BLOCK = 0x200000;
const VALID_FLAGS = KVM_MEM_LOG_DIRTY_PAGES | KVM_MEM_READONLY;

export interface MemoryRegion {
  /** Slot id, 0..511 (KVM_USER_MEM_SLOTS). */
  slot: number;
  /** KVM_MEM_READONLY or 0. */
  flags?: number;
  /** Guest-physical base, 4 KiB aligned. */
  guestPhysAddr: bigint;
  /** Bytes, a multiple of 4 KiB; 0 deletes the slot. */
  size: bigint;
}

export interface MemSlot {
  slot: number;
  flags: number;
  /** Guest-physical base and size (numbers: IPAs are below 2^48). */
  ipa: number;
  size: number;
  /** Host physical address of the slot's RAM. */
  host: number;
  view: Uint8Array;
}

/** A free range of host memory that held a deleted slot's RAM. */
export interface HostRange {
  host: number;
  size: number;
}

/** KVM_SET_USER_MEMORY_REGION. Returns the slot's RAM view (an empty array for a deletion). */
export function setUserMemoryRegion(vm: Vm, r: MemoryRegion): Uint8Array {
  if (typeof r !== 'object' || r === null) {
    throw new KvmError('EINVAL', `setUserMemoryRegion: region must be an object { slot, flags, guestPhysAddr, size }, got ${String(r)}`, 'region');
  }
  const flags = r.flags ?? 0;
  if (typeof flags !== 'number' || !Number.isInteger(flags) || flags < 0 || flags > 0xffffffff) {
    throw new KvmError('EINVAL', `setUserMemoryRegion: flags must be a u32, got ${String(flags)}`, 'flags');
  }
  if ((flags & ~VALID_FLAGS) !== 0) {
    throw new KvmError('EINVAL', `setUserMemoryRegion: unknown flags 0x${(flags & ~VALID_FLAGS).toString(16)} (only KVM_MEM_READONLY is supported)`, 'flags');
  }
  if ((flags & KVM_MEM_LOG_DIRTY_PAGES) !== 0) {
    throw new KvmError('EINVAL', 'setUserMemoryRegion: KVM_MEM_LOG_DIRTY_PAGES is not supported yet (typevisor has no dirty-page logging)', 'flags');
  }
  if (typeof r.size !== 'bigint') {
    throw new KvmError('EINVAL', `setUserMemoryRegion: size must be a bigint, got ${typeof r.size}`, 'size');
  }
  if (typeof r.guestPhysAddr !== 'bigint') {
    throw new KvmError('EINVAL', `setUserMemoryRegion: guestPhysAddr must be a bigint, got ${typeof r.guestPhysAddr}`, 'guestPhysAddr');
  }
  if (r.size < 0n || r.size % BigInt(PAGE) !== 0n) {
    throw new KvmError('EINVAL', `setUserMemoryRegion: size 0x${r.size.toString(16)} is not a multiple of 4 KiB`, 'size');
  }
  if (r.guestPhysAddr < 0n || r.guestPhysAddr % BigInt(PAGE) !== 0n) {
    throw new KvmError('EINVAL', `setUserMemoryRegion: guestPhysAddr 0x${r.guestPhysAddr.toString(16)} is not 4 KiB aligned`, 'guestPhysAddr');
  }
  const id = r.slot;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= KVM_USER_MEM_SLOTS) {
    throw new KvmError('EINVAL', `setUserMemoryRegion: slot must be an integer from 0 to ${KVM_USER_MEM_SLOTS - 1}, got ${String(id)}`, 'slot');
  }
  const old = vm.slots.get(id);

  if (r.size === 0n) {
    if (old === undefined) throw new KvmError('EINVAL', `setUserMemoryRegion: cannot delete slot ${id}: it does not exist`, 'slot');
    deleteSlot(vm, old);
    return new Uint8Array(0);
  }

  const ipaLimit = 2n ** BigInt(vm.ipaBits);
  if (r.guestPhysAddr + r.size > ipaLimit) {
    // Checked before the overlap test (KVM does it after) only because it also bounds the
    // values converted to numbers below; both are errors either way.
    throw new KvmError(
      'EFAULT',
      `setUserMemoryRegion: slot ${id} [0x${r.guestPhysAddr.toString(16)}, 0x${(r.guestPhysAddr + r.size).toString(16)}) ends beyond the VM's ${vm.ipaBits}-bit IPA space`,
      'guestPhysAddr',
    );
  }
  const ipa = Number(r.guestPhysAddr);
  const size = Number(r.size);

  if (old !== undefined) {
    if (size !== old.size) {
      throw new KvmError('EINVAL', `setUserMemoryRegion: slot ${id} cannot change size (0x${old.size.toString(16)} -> 0x${size.toString(16)}); delete it and create it again`, 'size');
    }
    if (((flags ^ old.flags) & KVM_MEM_READONLY) !== 0) {
      throw new KvmError('EINVAL', `setUserMemoryRegion: slot ${id} cannot toggle KVM_MEM_READONLY; delete it and create it again`, 'flags');
    }
    if (ipa !== old.ipa) {
      checkOverlap(vm, id, ipa, size);
      moveSlot(vm, old, ipa, flags);
    } else if (flags !== old.flags) {
      old.flags = flags; // KVM_MR_FLAGS_ONLY: no flag left that changes the mapping
    }
    return old.view;
  }

  checkOverlap(vm, id, ipa, size);
  const host = allocRam(vm, size);
  const s: MemSlot = { slot: id, flags, ipa, size, host, view: new Uint8Array(vm.mem.memory.buffer, host, size) };
  vm.slots.set(id, s);
  vm.stage2.map(ipa, host, size, protOf(flags));
  afterChange(vm, host, size);
  return s.view;
}

/** The slot backing a guest-physical address, if any. */
export function findSlot(vm: Vm, ipa: number): MemSlot | undefined {
  for (const s of vm.slots.values()) if (ipa >= s.ipa && ipa < s.ipa + s.size) return s;
  return undefined;
}

function protOf(flags: number): { write: boolean; exec: boolean } {
  return { write: (flags & KVM_MEM_READONLY) === 0, exec: true };
}

function checkOverlap(vm: Vm, id: number, ipa: number, size: number): void {
  for (const s of vm.slots.values()) {
    if (s.slot === id) continue;
    if (ipa < s.ipa + s.size && s.ipa < ipa + size) {
      throw new KvmError(
        'EEXIST',
        `setUserMemoryRegion: slot ${id} [0x${ipa.toString(16)}, 0x${(ipa + size).toString(16)}) overlaps slot ${s.slot} [0x${s.ipa.toString(16)}, 0x${(s.ipa + s.size).toString(16)})`,
        'guestPhysAddr',
      );
    }
  }
}

function deleteSlot(vm: Vm, s: MemSlot): void {
  vm.stage2.unmap(s.ipa, s.size);
  vm.slots.delete(s.slot);
  freeRam(vm, s.host, s.size);
  afterChange(vm, s.host, s.size);
}

function moveSlot(vm: Vm, s: MemSlot, ipa: number, flags: number): void {
  vm.stage2.unmap(s.ipa, s.size);
  s.ipa = ipa;
  s.flags = flags;
  vm.stage2.map(ipa, s.host, s.size, protOf(flags));
  afterChange(vm, s.host, s.size);
}

/**
 * After any change of the guest-physical map: no vCPU may keep a translation (or a fetch page,
 * or an exclusive monitor) through the old map, and no decoded code of the host pages stays.
 */
function afterChange(vm: Vm, host: number, size: number): void {
  for (const v of vm.vcpus) {
    v.cpu.flushTlb();
    v.cpu.exclValid = false;
  }
  const first = host >>> PAGE_SHIFT;
  const end = (host + size) >>> PAGE_SHIFT;
  for (let p = first; p < end; p++) vm.mem.dropCode(p);
}

/**
 * Host memory for a slot's RAM: the first free range that fits at the alignment (2 MiB for
 * slots of at least 2 MiB, so stage 2 can use blocks), else fresh memory from vm.mem.alloc().
 */
function allocRam(vm: Vm, size: number): number {
  const align = size >= BLOCK ? BLOCK : PAGE;
  const free = vm.ramFreeList;
  for (let i = 0; i < free.length; i++) {
    const r = free[i];
    const start = Math.ceil(r.host / align) * align;
    if (start + size > r.host + r.size) continue;
    const rest: HostRange[] = [];
    if (start > r.host) rest.push({ host: r.host, size: start - r.host });
    if (start + size < r.host + r.size) rest.push({ host: start + size, size: r.host + r.size - (start + size) });
    free.splice(i, 1, ...rest);
    vm.mem.u8.fill(0, start, start + size);
    return start;
  }
  try {
    return vm.mem.alloc(size, align);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new KvmError('ENOMEM', `setUserMemoryRegion: the VM's host memory (${vm.mem.size} bytes, createVm's memoryLimitBytes) has no room for 0x${size.toString(16)} more bytes`, 'size');
  }
}

/** Return a range to the free list, merged with adjacent free ranges; the list stays sorted. */
function freeRam(vm: Vm, host: number, size: number): void {
  const free = vm.ramFreeList;
  let i = 0;
  while (i < free.length && free[i].host < host) i++;
  free.splice(i, 0, { host, size });
  if (i + 1 < free.length && free[i].host + free[i].size === free[i + 1].host) {
    free[i].size += free[i + 1].size;
    free.splice(i + 1, 1);
  }
  if (i > 0 && free[i - 1].host + free[i - 1].size === free[i].host) {
    free[i - 1].size += free[i].size;
    free.splice(i, 1);
  }
}
