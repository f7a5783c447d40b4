/**
 * Exception injection (inject.ts, after KVM's inject_fault.c): the state a guest finds on entry
 * is what the hardware would leave (Arm ARM D1.3), with KVM's syndromes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kvm } from '../../src/hyp/kvm.js';
import type { Vcpu } from '../../src/hyp/vcpu.js';
import { KVM_ARM_VCPU_PSCI_0_2, KVM_EXIT_SYSTEM_EVENT } from '../../src/hyp/uapi/kvm.js';
import { KVM_REG_ARM_CORE_REG, ARM64_SYS_REG } from '../../src/hyp/uapi/kvm-arm64.js';
import { S } from '../../src/arch/aarch64/state.js';
import { injectUndefined, injectDabt, injectPabt, injectSError } from '../../src/hyp/arm/inject.js';
import { assemble } from '../helpers/asm.js';

const RAM = 0x40000000;
const ENTRY = RAM + 0x80000;
const VBAR = RAM + 0x100000;
const PC = KVM_REG_ARM_CORE_REG('regs.pc');
const PSTATE = KVM_REG_ARM_CORE_REG('regs.pstate');
const ELR_EL1 = KVM_REG_ARM_CORE_REG('elr_el1');
const SPSR_EL1 = KVM_REG_ARM_CORE_REG('spsr[0]');
const ESR_EL1 = ARM64_SYS_REG(3, 0, 5, 2, 0);
const FAR_EL1 = ARM64_SYS_REG(3, 0, 6, 0, 0);
const VBAR_EL1 = ARM64_SYS_REG(3, 0, 12, 0, 0);

function vcpu(): { v: Vcpu; ram: Uint8Array } {
  const vm = new Kvm().createVm({ memoryLimitBytes: 64 << 20 });
  const ram = vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: BigInt(RAM), size: 16n << 20n });
  const v = vm.createVcpu(0);
  v.init({ target: vm.armPreferredTarget().target, features: [KVM_ARM_VCPU_PSCI_0_2] });
  v.setOneReg(PC, BigInt(ENTRY + 0x40));
  v.setOneReg(VBAR_EL1, BigInt(VBAR));
  // The trap being handled: a 32-bit instruction (ESR_EL2.IL = 1).
  v.cpu.s[S.ESR_EL2] = 1 << 25;
  return { v, ram };
}

const reg = (v: Vcpu, id: bigint): bigint => v.getOneReg(id) as bigint;

test('injectUndefined from EL1h: EC 0, IL from the trap, ELR = the instruction, vector +0x200, DAIF masked', () => {
  const { v } = vcpu();
  v.setOneReg(PSTATE, 0x60000005n); // EL1h, Z and C set, DAIF clear
  injectUndefined(v);
  assert.equal(reg(v, ESR_EL1), 0x02000000n);
  assert.equal(reg(v, ELR_EL1), BigInt(ENTRY + 0x40));
  assert.equal(reg(v, SPSR_EL1), 0x60000005n);
  assert.equal(reg(v, PC), BigInt(VBAR + 0x200));
  assert.equal(reg(v, PSTATE), 0x600003c5n, 'EL1h with D, A, I, F set; NZCV unchanged');
});

test('injectUndefined copies IL = 0 from a 16-bit trap', () => {
  const { v } = vcpu();
  v.cpu.s[S.ESR_EL2] = 0;
  injectUndefined(v);
  assert.equal(reg(v, ESR_EL1), 0n);
});

test('injectDabt from EL0: EC DABT_LOW, FSC external abort, FAR the full 64-bit address, vector +0x400', () => {
  const { v } = vcpu();
  v.setOneReg(PSTATE, 0n); // EL0t
  injectDabt(v, 0xffff000012345678n);
  assert.equal(reg(v, ESR_EL1), 0x92000010n);
  assert.equal(reg(v, FAR_EL1), 0xffff000012345678n);
  assert.equal(reg(v, ELR_EL1), BigInt(ENTRY + 0x40));
  assert.equal(reg(v, SPSR_EL1), 0n);
  assert.equal(reg(v, PC), BigInt(VBAR + 0x400));
  assert.equal(reg(v, PSTATE), 0x3c5n);
});

test('injectPabt from EL1t: EC IABT_CUR, vector +0x000', () => {
  const { v } = vcpu();
  v.setOneReg(PSTATE, 0x3c4n); // EL1t
  injectPabt(v, 0x09000040);
  assert.equal(reg(v, ESR_EL1), 0x86000010n);
  assert.equal(reg(v, FAR_EL1), 0x09000040n);
  assert.equal(reg(v, SPSR_EL1), 0x3c4n);
  assert.equal(reg(v, PC), BigInt(VBAR));
});

test('injectSError stays pending while PSTATE.A is set and is taken (EC 0x2F, ISS IDS) once the guest unmasks it', () => {
  const { v, ram } = vcpu();
  const code = assemble(`
    mov  x5, #1
    msr  daifclr, #4
    mov  x6, #1
    b    .
  `);
  const handler = assemble('movz w0, #8\n movk w0, #0x8400, lsl #16\n hvc #0');
  const dv = new DataView(ram.buffer, ram.byteOffset, ram.byteLength);
  code.forEach((w, i) => dv.setUint32(ENTRY - RAM + 4 * i, w, true));
  handler.forEach((w, i) => dv.setUint32(VBAR + 0x380 - RAM + 4 * i, w, true));
  v.setOneReg(PC, BigInt(ENTRY));
  injectSError(v);
  assert.equal(reg(v, PC), BigInt(ENTRY), 'nothing taken while masked');
  assert.equal(v.run().exitReason, KVM_EXIT_SYSTEM_EVENT);
  assert.equal(reg(v, ESR_EL1), 0xbf000000n);
  assert.equal(reg(v, ELR_EL1), BigInt(ENTRY + 8), 'taken before the instruction after the unmask');
  assert.equal(reg(v, KVM_REG_ARM_CORE_REG('regs.regs[6]')), 0n);
});
