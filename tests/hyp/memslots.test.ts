/**
 * KVM_SET_USER_MEMORY_REGION (src/hyp/memslots.ts): every rule of __kvm_set_memory_region with
 * its errno and the argument it names, the stage-2 mapping seen through a vCPU (RW, READONLY,
 * moved, deleted), the view as the VMM's window onto guest RAM, and reuse of deleted RAM.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kvm } from '../../src/hyp/kvm.js';
import type { Vm } from '../../src/hyp/vm.js';
import { KvmError, type Errno } from '../../src/hyp/errors.js';
import { KVM_MEM_LOG_DIRTY_PAGES, KVM_MEM_READONLY } from '../../src/hyp/uapi/kvm.js';
import { KVM_USER_MEM_SLOTS } from '../../src/hyp/memslots.js';
import { S } from '../../src/arch/aarch64/state.js';
import { run } from '../../src/arch/aarch64/run.js';
import type { Vcpu } from '../../src/hyp/vcpu.js';
import { Stop } from '../../src/arch/aarch64/cpu.js';
import { resetCpu } from '../../src/arch/aarch64/reset.js';
import { GUEST_EXCEPTION } from '../../src/arch/aarch64/exceptions.js';

const RAM = 0x4000_0000;
const MiB = 1 << 20;

/** Reset the vCPU's CPU and enter it as the run loop will: EL1h, stage 2 on with the VM's tables. */
function enterGuest(v: Vcpu): void {
  const cpu = v.cpu;
  resetCpu(cpu);
  const [lo, hi] = v.vm.stage2.vttbr(v.vm.vmid);
  cpu.s[S.HCR_EL2] = 1; // VM
  cpu.s[S.VTCR_EL2] = v.vm.stage2.vtcr | 0;
  cpu.s[S.VTTBR_EL2] = lo;
  cpu.s[S.VTTBR_EL2_HI] = hi;
  cpu.flushTlb();
}

interface Trap {
  /** The exception went to EL2 (Stop.TRAP), not to the guest's EL1. */
  el2: boolean;
  esr: number;
  ec: number;
  hpfar: number;
}

/** Run an access; undefined if it completed, the trap report if it raised an exception. */
function attempt(v: Vcpu, f: () => void): Trap | undefined {
  v.cpu.stop = 0;
  try {
    f();
    return undefined;
  } catch (e) {
    if (e !== GUEST_EXCEPTION) throw e;
    const s = v.cpu.s;
    return { el2: v.cpu.stop === Stop.TRAP, esr: s[S.ESR_EL2] >>> 0, ec: s[S.ESR_EL2] >>> 26, hpfar: s[S.HPFAR_EL2] >>> 0 };
  }
}

function newVm(ipaBits = 40): Vm {
  return new Kvm().createVm({ ipaBits, memoryLimitBytes: 64 * MiB });
}

function expectKvmError(f: () => unknown, errno: Errno, argument: string | undefined, message: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof KvmError, `expected KvmError, got ${String(e)}`);
    assert.equal(e.errno, errno, e.message);
    assert.equal(e.argument, argument, e.message);
    assert.match(e.message, message);
    return true;
  });
}

test('creating a slot returns a view of its RAM that the guest sees at guestPhysAddr', () => {
  const vm = newVm();
  const view = vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: 4n * BigInt(MiB) });
  assert.equal(view.length, 4 * MiB);
  const v = vm.createVcpu(0);
  enterGuest(v);
  new DataView(view.buffer, view.byteOffset).setUint32(0x1234 * 4, 0xdeadbeef, true);
  assert.equal(v.cpu.read32(0, RAM + 0x1234 * 4, 0) >>> 0, 0xdeadbeef);
  // And the other way: a guest store shows in the view.
  v.cpu.write32(0, RAM + 0x3f_fffc, 0x01020304, 0);
  assert.deepEqual([...view.subarray(0x3f_fffc, 0x40_0000)], [4, 3, 2, 1]);
  const s = vm.findSlot(RAM + 0x10);
  assert.ok(s !== undefined);
  assert.equal(s.slot, 0);
  assert.equal(s.host % (2 * MiB), 0, 'RAM of a >= 2 MiB slot is 2 MiB aligned (stage-2 blocks)');
  assert.equal(vm.findSlot(RAM - 4), undefined);
  assert.equal(vm.findSlot(RAM + 4 * MiB), undefined);
});

test('an access outside every slot traps to EL2 as a stage-2 translation fault', () => {
  const vm = newVm();
  vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: 0x10000n });
  const v = vm.createVcpu(0);
  enterGuest(v);
  const t = attempt(v, () => v.cpu.read32(0, RAM + 0x10000, 0));
  assert.ok(t !== undefined && t.el2);
  assert.equal(t.ec, 0x24);
  assert.equal(t.esr & 0x3c, 0x04, 'DFSC: translation fault');
});

test('slot ids 0..511 only (EINVAL naming slot)', () => {
  const vm = newVm();
  for (const slot of [-1, KVM_USER_MEM_SLOTS, 1.5, Number.NaN]) {
    expectKvmError(() => vm.setUserMemoryRegion({ slot, guestPhysAddr: 0n, size: 4096n }), 'EINVAL', 'slot', /slot must be an integer from 0 to 511/);
  }
  vm.setUserMemoryRegion({ slot: KVM_USER_MEM_SLOTS - 1, guestPhysAddr: 0n, size: 4096n });
});

test('guestPhysAddr and size must be 4 KiB multiples (EINVAL naming the argument)', () => {
  const vm = newVm();
  expectKvmError(() => vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM + 0x800), size: 4096n }), 'EINVAL', 'guestPhysAddr', /guestPhysAddr 0x40000800 is not 4 KiB aligned/);
  expectKvmError(() => vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: 4097n }), 'EINVAL', 'size', /size 0x1001 is not a multiple of 4 KiB/);
  expectKvmError(() => vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: -4096n, size: 4096n }), 'EINVAL', 'guestPhysAddr', /not 4 KiB aligned/);
  expectKvmError(() => vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: -4096n }), 'EINVAL', 'size', /not a multiple/);
  assert.equal(vm.slots.size, 0);
});

test('addresses and sizes must be bigints (typed errors naming the argument)', () => {
  const vm = newVm();
  const bad = (r: unknown): void => {
    vm.setUserMemoryRegion(r as Parameters<Vm['setUserMemoryRegion']>[0]);
  };
  expectKvmError(() => bad({ slot: 0, guestPhysAddr: RAM, size: 4096n }), 'EINVAL', 'guestPhysAddr', /guestPhysAddr must be a bigint, got number/);
  expectKvmError(() => bad({ slot: 0, guestPhysAddr: BigInt(RAM), size: 4096 }), 'EINVAL', 'size', /size must be a bigint, got number/);
  expectKvmError(() => bad({ slot: '0', guestPhysAddr: BigInt(RAM), size: 4096n }), 'EINVAL', 'slot', /slot must be an integer/);
  expectKvmError(() => bad({ slot: 0, flags: '2', guestPhysAddr: BigInt(RAM), size: 4096n }), 'EINVAL', 'flags', /flags must be a u32/);
  expectKvmError(() => bad(null), 'EINVAL', 'region', /must be an object/);
});

test('flags: KVM_MEM_LOG_DIRTY_PAGES is refused as not supported yet, unknown bits are EINVAL', () => {
  const vm = newVm();
  expectKvmError(
    () => vm.setUserMemoryRegion({ slot: 0, flags: KVM_MEM_LOG_DIRTY_PAGES, guestPhysAddr: BigInt(RAM), size: 4096n }),
    'EINVAL',
    'flags',
    /KVM_MEM_LOG_DIRTY_PAGES is not supported yet/,
  );
  expectKvmError(() => vm.setUserMemoryRegion({ slot: 0, flags: 4, guestPhysAddr: BigInt(RAM), size: 4096n }), 'EINVAL', 'flags', /unknown flags 0x4/);
  assert.equal(vm.slots.size, 0);
});

test('the range must lie inside the VM\'s IPA space (EFAULT, as kvm_arch_prepare_memory_region)', () => {
  const vm = newVm(32);
  expectKvmError(() => vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: 0xffff_f000n, size: 0x2000n }), 'EFAULT', 'guestPhysAddr', /beyond the VM's 32-bit IPA space/);
  vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: 0xffff_f000n, size: 0x1000n }); // ends exactly at 2^32
  const vm48 = newVm(48);
  vm48.setUserMemoryRegion({ slot: 0, guestPhysAddr: (1n << 48n) - 0x20_0000n, size: 0x20_0000n });
  expectKvmError(() => vm48.setUserMemoryRegion({ slot: 1, guestPhysAddr: 1n << 48n, size: 0x1000n }), 'EFAULT', 'guestPhysAddr', /48-bit IPA space/);
});

test('overlapping another slot is EEXIST; touching is fine', () => {
  const vm = newVm();
  vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: 0x10000n });
  expectKvmError(() => vm.setUserMemoryRegion({ slot: 1, guestPhysAddr: BigInt(RAM + 0xf000), size: 0x2000n }), 'EEXIST', 'guestPhysAddr', /overlaps slot 0/);
  expectKvmError(() => vm.setUserMemoryRegion({ slot: 1, guestPhysAddr: BigInt(RAM - 0x1000), size: 0x20000n }), 'EEXIST', 'guestPhysAddr', /overlaps slot 0/);
  vm.setUserMemoryRegion({ slot: 1, guestPhysAddr: BigInt(RAM + 0x10000), size: 0x1000n });
  vm.setUserMemoryRegion({ slot: 2, guestPhysAddr: BigInt(RAM - 0x1000), size: 0x1000n });
  assert.equal(vm.slots.size, 3);
});

test('deleting a slot that does not exist is EINVAL (Linux: `if (!old || !old->npages)`)', () => {
  const vm = newVm();
  expectKvmError(() => vm.setUserMemoryRegion({ slot: 7, guestPhysAddr: 0n, size: 0n }), 'EINVAL', 'slot', /cannot delete slot 7: it does not exist/);
});

test('an existing slot cannot be resized or have KVM_MEM_READONLY toggled; setting it unchanged is a no-op', () => {
  const vm = newVm();
  const view = vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: 0x10000n });
  expectKvmError(() => vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: 0x20000n }), 'EINVAL', 'size', /cannot change size/);
  expectKvmError(
    () => vm.setUserMemoryRegion({ slot: 0, flags: KVM_MEM_READONLY, guestPhysAddr: BigInt(RAM), size: 0x10000n }),
    'EINVAL',
    'flags',
    /cannot toggle KVM_MEM_READONLY/,
  );
  assert.equal(vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: 0x10000n }), view);
  assert.equal(vm.slots.get(0)?.flags, 0);
});

test('a slot can move: same RAM and view at the new address, the old address unmapped', () => {
  const vm = newVm();
  const view = vm.setUserMemoryRegion({ slot: 3, guestPhysAddr: BigInt(RAM), size: 0x20_0000n });
  const v = vm.createVcpu(0);
  enterGuest(v);
  view[0x100] = 0x5a;
  assert.equal(v.cpu.read8(0, RAM + 0x100, 0), 0x5a); // fills the TLB with the old mapping
  const host = vm.slots.get(3)?.host;
  const NEW = 0x8000_0000;
  assert.equal(vm.setUserMemoryRegion({ slot: 3, guestPhysAddr: BigInt(NEW), size: 0x20_0000n }), view);
  assert.equal(vm.slots.get(3)?.host, host);
  assert.equal(vm.slots.get(3)?.ipa, NEW);
  assert.equal(v.cpu.read8(0, (NEW + 0x100) | 0, 0), 0x5a);
  const t = attempt(v, () => v.cpu.read8(0, RAM + 0x100, 0));
  assert.ok(t !== undefined && t.el2 && t.ec === 0x24, 'the TLB was flushed: the old address faults');
  // A move onto another slot is EEXIST and leaves the slot where it was.
  vm.setUserMemoryRegion({ slot: 4, guestPhysAddr: BigInt(RAM), size: 0x1000n });
  expectKvmError(() => vm.setUserMemoryRegion({ slot: 3, guestPhysAddr: BigInt(RAM - 0x1f_f000), size: 0x20_0000n }), 'EEXIST', 'guestPhysAddr', /overlaps slot 4/);
  assert.equal(vm.slots.get(3)?.ipa, NEW);
});

test('KVM_MEM_READONLY: guest reads and fetches work, a write takes a stage-2 permission fault to EL2', () => {
  const vm = newVm();
  const view = vm.setUserMemoryRegion({ slot: 1, flags: KVM_MEM_READONLY, guestPhysAddr: 0x0n, size: 0x40_0000n });
  vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: 0x20_0000n }); // RW for comparison
  const v = vm.createVcpu(0);
  enterGuest(v);
  view[0x2000] = 0x77;
  assert.equal(v.cpu.read8(0, 0x2000, 0), 0x77);
  for (const [ipa, level] of [[0x2000, 2], [0x3f_fff8, 2]] as const) {
    const t = attempt(v, () => v.cpu.write32(0, ipa, 0x1234, 0));
    assert.ok(t !== undefined, 'the write must trap');
    assert.ok(t.el2, 'to EL2, not to the guest');
    assert.equal(t.ec, 0x24, 'EC: data abort from a lower EL');
    assert.equal(t.esr & 0x3f, 0x0c | level, 'DFSC: permission fault (2 MiB block)');
    assert.notEqual(t.esr & (1 << 6), 0, 'WnR');
    assert.equal(t.hpfar, ((ipa >>> 12) << 4) >>> 0, 'HPFAR: the faulting IPA page');
  }
  assert.equal(view[0x2000], 0x77, 'the write did not reach RAM');
  // A small (4 KiB-mapped) read-only slot reports a level-3 permission fault.
  vm.setUserMemoryRegion({ slot: 2, flags: KVM_MEM_READONLY, guestPhysAddr: 0x1000_0000n, size: 0x1000n });
  const t = attempt(v, () => v.cpu.write8(0, 0x1000_0010, 1, 0));
  assert.ok(t !== undefined && t.el2);
  assert.equal(t.esr & 0x3f, 0x0f);
  // The RW slot is writable.
  v.cpu.write32(0, RAM, 0x1234, 0);
  // Code in a read-only slot runs (ROM): MOVZ X0, #0x2a; then stop after one instruction.
  new DataView(view.buffer, view.byteOffset).setUint32(0x3000, 0xd2800540, true);
  v.cpu.s[S.PC] = 0x3000;
  v.cpu.s[S.PC_HI] = 0;
  run(v.cpu, 1);
  assert.equal(v.cpu.s[0], 0x2a);
});

test('deleted RAM is reused by a later slot that fits, zeroed; the old view then aliases it', () => {
  const vm = newVm();
  const oldView = vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: 0x20_0000n });
  const oldHost = vm.slots.get(0)?.host;
  oldView.fill(0xaa);
  const v = vm.createVcpu(0);
  enterGuest(v);
  assert.equal(v.cpu.read8(0, RAM + 5, 0), 0xaa);
  assert.equal(vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: 0n, size: 0n }).length, 0);
  assert.equal(vm.slots.size, 0);
  const t = attempt(v, () => v.cpu.read8(0, RAM + 5, 0));
  assert.ok(t !== undefined && t.el2 && t.ec === 0x24, 'deleted: the guest address is unmapped and the TLB flushed');
  assert.deepEqual(vm.ramFreeList, [{ host: oldHost, size: 0x20_0000 }]);

  // Two 1 MiB slots fit in the freed 2 MiB: both reuse it.
  const a = vm.setUserMemoryRegion({ slot: 5, guestPhysAddr: 0x1000_0000n, size: 0x10_0000n });
  const b = vm.setUserMemoryRegion({ slot: 6, guestPhysAddr: 0x2000_0000n, size: 0x10_0000n });
  assert.equal(vm.slots.get(5)?.host, oldHost);
  assert.equal(vm.slots.get(6)?.host, (oldHost ?? 0) + 0x10_0000);
  assert.equal(vm.ramFreeList.length, 0);
  assert.ok(a.every((x) => x === 0) && b.every((x) => x === 0), 'reused RAM starts zeroed');
  // Documented behaviour: a view kept past its slot's deletion aliases whatever reuses the range.
  oldView[0] = 0x11;
  assert.equal(a[0], 0x11);
  assert.equal(v.cpu.read8(0, 0x1000_0000, 0), 0x11);

  // Freed neighbours merge back into one range, which a 2 MiB slot reuses whole.
  vm.setUserMemoryRegion({ slot: 6, guestPhysAddr: 0n, size: 0n });
  vm.setUserMemoryRegion({ slot: 5, guestPhysAddr: 0n, size: 0n });
  assert.deepEqual(vm.ramFreeList, [{ host: oldHost, size: 0x20_0000 }]);
  vm.setUserMemoryRegion({ slot: 9, guestPhysAddr: BigInt(RAM), size: 0x20_0000n });
  assert.equal(vm.slots.get(9)?.host, oldHost);
  // A slot that does not fit the free list gets fresh memory.
  vm.setUserMemoryRegion({ slot: 9, guestPhysAddr: 0n, size: 0n });
  vm.setUserMemoryRegion({ slot: 10, guestPhysAddr: BigInt(RAM), size: 0x40_0000n });
  assert.notEqual(vm.slots.get(10)?.host, oldHost);
  assert.deepEqual(vm.ramFreeList, [{ host: oldHost, size: 0x20_0000 }]);
});

test('decoded code of a deleted slot does not survive into the slot that reuses its RAM', () => {
  const vm = newVm();
  const view1 = vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: 0x1000n });
  const v = vm.createVcpu(0);
  enterGuest(v);
  const put = (view: Uint8Array, w: number): void => new DataView(view.buffer, view.byteOffset).setUint32(0, w, true);
  put(view1, 0xd2800020); // MOVZ X0, #1
  v.cpu.s[S.PC] = RAM;
  run(v.cpu, 1);
  assert.equal(v.cpu.s[0], 1);
  vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: 0n, size: 0n });
  const view2 = vm.setUserMemoryRegion({ slot: 1, guestPhysAddr: BigInt(RAM), size: 0x1000n });
  assert.equal(vm.slots.get(1)?.host, view1.byteOffset, 'same host page reused');
  put(view2, 0x92800020); // MOVN X0, #1 (another decode row: a stale op id would run MOVZ)
  v.cpu.s[S.PC] = RAM;
  run(v.cpu, 1);
  assert.equal(v.cpu.s[0], -2);
  assert.equal(v.cpu.s[1], -1);
});

test('running out of the VM\'s host memory is ENOMEM naming size', () => {
  const vm = new Kvm().createVm({ memoryLimitBytes: 16 * MiB });
  expectKvmError(() => vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: BigInt(32 * MiB) }), 'ENOMEM', 'size', /has no room/);
  assert.equal(vm.slots.size, 0);
  vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: BigInt(8 * MiB) });
});
