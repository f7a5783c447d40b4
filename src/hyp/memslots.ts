// Placeholder: the VM work (issue 4) implements memory slots here.
import type { Vm } from './vm.js';
import { KvmError } from './errors.js';

export interface MemoryRegion {
  slot: number;
  flags?: number;
  guestPhysAddr: bigint;
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

export function setUserMemoryRegion(_vm: Vm, _r: MemoryRegion): Uint8Array {
  throw new KvmError('EINVAL', 'setUserMemoryRegion: not implemented yet');
}

export function findSlot(vm: Vm, ipa: number): MemSlot | undefined {
  for (const s of vm.slots.values()) if (ipa >= s.ipa && ipa < s.ipa + s.size) return s;
  return undefined;
}
