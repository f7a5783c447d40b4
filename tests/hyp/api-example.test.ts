/**
 * The complete example that opens docs/api.md, kept as a test so the documentation cannot rot:
 * a VMM in thirty lines — a VM, a RAM slot, one vCPU, a guest that prints through an emulated
 * UART (KVM_EXIT_MMIO, writes and a read) and powers off (KVM_EXIT_SYSTEM_EVENT).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assemble } from '../helpers/asm.js';
import {
  Kvm,
  KvmError,
  KVM_EXIT_MMIO,
  KVM_EXIT_SYSTEM_EVENT,
  KVM_SYSTEM_EVENT_SHUTDOWN,
  KVM_ARM_VCPU_PSCI_0_2,
  KVM_REG_ARM_CORE_REG,
} from '../../src/index.js';

test('docs/api.md example: a VMM boots a guest that prints "hi", reads a device register and powers off', () => {
  // --- the example, as in docs/api.md ---
  const kvm = new Kvm();
  const vm = kvm.createVm({ ipaBits: 40 });
  const ram = vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: 0x4000_0000n, size: 16n << 20n });
  const code = assemble(`
    movz x1, #0x0900, lsl #16      // a UART data register at 0x09000000: not RAM, so MMIO
    mov  w2, #'h'
    strb w2, [x1]
    mov  w2, #'i'
    strb w2, [x1]
    ldr  w5, [x1, #0x18]           // a device read: completed from run.mmio.data
    movz w0, #0x0008
    movk w0, #0x8400, lsl #16      // PSCI SYSTEM_OFF
    hvc  #0
  `);
  ram.set(new Uint8Array(code.buffer, code.byteOffset, code.byteLength), 0);
  const vcpu = vm.createVcpu(0);
  vcpu.init({ target: vm.armPreferredTarget().target, features: [KVM_ARM_VCPU_PSCI_0_2] });
  vcpu.setOneReg(KVM_REG_ARM_CORE_REG('regs.pc'), 0x4000_0000n);
  let out = '';
  for (;;) {
    const run = vcpu.run();
    if (run.exitReason === KVM_EXIT_MMIO) {
      if (run.mmio.isWrite) out += String.fromCharCode(run.mmio.data[0]);
      else run.mmio.data.set([0x90, 0, 0, 0]); // UARTFR: TX FIFO empty, RX FIFO empty
    } else if (run.exitReason === KVM_EXIT_SYSTEM_EVENT) {
      assert.equal(run.systemEvent.type, KVM_SYSTEM_EVENT_SHUTDOWN);
      break;
    } else {
      assert.fail(`unexpected exit ${run.exitReason}`);
    }
  }
  // --- end of the example ---
  assert.equal(out, 'hi');
  assert.equal(vcpu.getOneReg(KVM_REG_ARM_CORE_REG('regs.regs[5]')), 0x90n);
  assert.throws(() => vm.createVcpu(0), (e: unknown) => e instanceof KvmError && e.errno === 'EEXIST');
});
