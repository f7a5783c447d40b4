import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kvm } from '../../src/hyp/kvm.js';
import { KvmError } from '../../src/hyp/errors.js';
import { KVM_ARM_VCPU_PSCI_0_2 } from '../../src/hyp/uapi/kvm.js';
import {
  KVM_REG_ARM64,
  KVM_REG_SIZE_U32,
  KVM_REG_SIZE_U64,
  KVM_REG_SIZE_U128,
  KVM_REG_SIZE_MASK,
  KVM_REG_ARM_CORE,
  KVM_REG_ARM_DEMUX,
  KVM_REG_ARM_CORE_REG,
  KVM_REG_ARM_CORE_INDEX,
  ARM64_SYS_REG,
  KVM_REG_ARM_FW_REG,
  KVM_REG_ARM_FW_FEAT_BMAP_REG,
  KVM_REG_ARM_TIMER_CTL,
  KVM_REG_ARM_TIMER_CVAL,
  KVM_REG_ARM_TIMER_CNT,
  KVM_REG_ARM_PTIMER_CTL,
  KVM_REG_ARM_PTIMER_CVAL,
  KVM_REG_ARM_PTIMER_CNT,
  KVM_REG_ARM_PSCI_VERSION,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3,
  KVM_REG_ARM_STD_BMAP,
  KVM_REG_ARM_STD_HYP_BMAP,
  KVM_REG_ARM_VENDOR_HYP_BMAP,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_ENABLED,
} from '../../src/hyp/uapi/kvm-arm64.js';
import { S, SR, srIndex } from '../../src/arch/aarch64/state.js';

function vcpu(features: number[] = [KVM_ARM_VCPU_PSCI_0_2], cpu = 'cortex-a57') {
  const vm = new Kvm({ cpu }).createVm({ memoryLimitBytes: 1 << 26 });
  const v = vm.createVcpu(0);
  v.init({ target: cpu, features });
  return { vm, v };
}

function errno(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof KvmError, `expected KvmError, got ${String(e)}`);
    return e.errno;
  }
  assert.fail('expected a KvmError');
}

const core = KVM_REG_ARM_CORE_REG;

test('core register IDs are Linux values (REFERENCE.md)', () => {
  assert.equal(core('regs.regs[0]'), 0x6030000000100000n);
  assert.equal(core('regs.regs[30]'), 0x6030000000100000n + 60n);
  assert.equal(core('regs.sp'), 0x603000000010003en);
  assert.equal(core('regs.pc'), 0x6030000000100040n);
  assert.equal(core('regs.pstate'), 0x6030000000100042n);
  assert.equal(core('sp_el1'), 0x6030000000100044n);
  assert.equal(core('elr_el1'), 0x6030000000100046n);
  for (let n = 0; n < 5; n++) assert.equal(core(`spsr[${n}]`), 0x6030000000100048n + 2n * BigInt(n));
  assert.equal(core('fp_regs.vregs[0]'), 0x6040000000100054n);
  assert.equal(core('fp_regs.vregs[31]'), 0x6040000000100054n + 4n * 31n);
  assert.equal(core('fp_regs.fpsr'), 0x60200000001000d4n);
  assert.equal(core('fp_regs.fpcr'), 0x60200000001000d5n);
  assert.equal(KVM_REG_ARM_CORE_INDEX('regs.pc'), 0x40n);
  assert.throws(() => core('regs.regs[31]' as never), RangeError);
});

test('sysreg ID formula: ID_AA64ISAR0_EL1 = 0x603000000013c030', () => {
  assert.equal(ARM64_SYS_REG(3, 0, 0, 6, 0), 0x603000000013c030n);
  assert.equal(ARM64_SYS_REG(3, 0, 1, 0, 0), 0x603000000013c080n); // SCTLR_EL1
});

test('timer IDs keep the historical CVAL/CNT swap', () => {
  assert.equal(KVM_REG_ARM_TIMER_CTL, 0x603000000013df19n);
  assert.equal(KVM_REG_ARM_TIMER_CVAL, 0x603000000013df02n); // CNTVCT_EL0's encoding
  assert.equal(KVM_REG_ARM_TIMER_CNT, 0x603000000013df1an); // CNTV_CVAL_EL0's encoding
  assert.equal(KVM_REG_ARM_PTIMER_CTL, 0x603000000013df11n);
  assert.equal(KVM_REG_ARM_PTIMER_CVAL, 0x603000000013df12n);
  assert.equal(KVM_REG_ARM_PTIMER_CNT, 0x603000000013df01n);
});

test('firmware register IDs', () => {
  assert.equal(KVM_REG_ARM_PSCI_VERSION, 0x6030000000140000n);
  assert.equal(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3, 0x6030000000140003n);
  assert.equal(KVM_REG_ARM_VENDOR_HYP_BMAP, 0x6030000000160002n);
  assert.equal(KVM_REG_ARM_FW_REG(1), KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1);
  assert.equal(KVM_REG_ARM_FW_FEAT_BMAP_REG(0), KVM_REG_ARM_STD_BMAP);
});

test('general-purpose, PC, ELR, SPSR and FP registers read back what was written', () => {
  const { v } = vcpu();
  for (let n = 0; n <= 30; n++) v.setOneReg(core(`regs.regs[${n}]`), 0x1111_2222_0000_0000n + BigInt(n));
  for (let n = 0; n <= 30; n++) assert.equal(v.getOneReg(core(`regs.regs[${n}]`)), 0x1111_2222_0000_0000n + BigInt(n));
  assert.equal(v.cpu.s[2 * 5], 5);
  assert.equal(v.cpu.s[2 * 5 + 1], 0x11112222);
  v.setOneReg(core('regs.pc'), 0xffff_0000_4008_0000n);
  assert.equal(v.getOneReg(core('regs.pc')), 0xffff_0000_4008_0000n);
  v.setOneReg(core('elr_el1'), 0xdead_beef_cafe_f00dn);
  assert.equal(v.cpu.s[srIndex(SR.ELR_EL1)] >>> 0, 0xcafef00d);
  for (let n = 0; n < 5; n++) v.setOneReg(core(`spsr[${n}]`), BigInt(0x3c4 + n));
  assert.equal(v.cpu.s[srIndex(SR.SPSR_EL1)], 0x3c4);
  assert.equal(v.cpu.s[srIndex(SR.SPSR_FIQ)], 0x3c8);
  const b = Uint8Array.from({ length: 16 }, (_, i) => i * 17);
  v.setOneReg(core('fp_regs.vregs[3]'), b);
  assert.deepEqual(v.getOneReg(core('fp_regs.vregs[3]')), b);
  assert.equal(v.cpu.s[S.V0 + 12] >>> 0, 0x33221100);
  v.setOneReg(core('fp_regs.fpcr'), 0x03c00000n);
  v.setOneReg(core('fp_regs.fpsr'), 0x8000009fn);
  assert.equal(v.getOneReg(core('fp_regs.fpcr')), 0x03c00000n);
  assert.equal(v.getOneReg(core('fp_regs.fpsr')), 0x8000009fn);
});

test('regs.sp is SP_EL0 and sp_el1 is SP_EL1 whatever PSTATE.SP selects', () => {
  const { v } = vcpu();
  // EL1h: the live SP is SP_EL1.
  v.setOneReg(core('regs.sp'), 0x1000n);
  v.setOneReg(core('sp_el1'), 0x2000n);
  assert.equal(v.cpu.s[S.SP], 0x2000);
  assert.equal(v.cpu.s[S.SP_EL0], 0x1000);
  // EL1t: the live SP is SP_EL0; the banks follow.
  v.setOneReg(core('regs.pstate'), 0x3c4n);
  assert.equal(v.cpu.s[S.SP], 0x1000);
  assert.equal(v.getOneReg(core('regs.sp')), 0x1000n);
  assert.equal(v.getOneReg(core('sp_el1')), 0x2000n);
  v.setOneReg(core('regs.sp'), 0x1100n);
  v.setOneReg(core('sp_el1'), 0x2200n);
  assert.equal(v.cpu.s[S.SP], 0x1100);
  // EL0t, then back to EL1h.
  v.setOneReg(core('regs.pstate'), 0x0n);
  assert.equal(v.getOneReg(core('regs.sp')), 0x1100n);
  v.setOneReg(core('regs.pstate'), 0x3c5n);
  assert.equal(v.cpu.s[S.SP], 0x2200);
  assert.equal(v.getOneReg(core('regs.sp')), 0x1100n);
  assert.equal(v.getOneReg(core('sp_el1')), 0x2200n);
});

test('PSTATE: EL0t/EL1t/EL1h accepted, flags kept; AArch32 and EL2 modes EINVAL', () => {
  const { v } = vcpu();
  v.setOneReg(core('regs.pstate'), 0x600003c5n);
  assert.equal(v.getOneReg(core('regs.pstate')), 0x600003c5n);
  assert.equal(v.cpu.s[S.ZF], 1);
  assert.equal(v.cpu.s[S.CF], 1);
  for (const m of [0x10n, 0x13n, 0x1fn, 0x8n, 0x9n, 0xdn, 0x1n]) {
    assert.equal(errno(() => v.setOneReg(core('regs.pstate'), 0x3c0n | m)), 'EINVAL', `mode ${m}`);
  }
  assert.equal(v.getOneReg(core('regs.pstate')), 0x600003c5n);
});

test('values are checked: type, range, and U128 as 16 bytes', () => {
  const { v } = vcpu();
  assert.equal(errno(() => v.setOneReg(core('regs.pc'), -1n)), 'EINVAL');
  assert.equal(errno(() => v.setOneReg(core('regs.pc'), 1n << 64n)), 'EINVAL');
  assert.equal(errno(() => v.setOneReg(core('regs.pc'), 5 as unknown as bigint)), 'EINVAL');
  assert.equal(errno(() => v.setOneReg(core('fp_regs.fpsr'), 1n << 32n)), 'EINVAL');
  assert.equal(errno(() => v.setOneReg(core('fp_regs.vregs[0]'), 0n)), 'EINVAL');
  assert.equal(errno(() => v.setOneReg(core('fp_regs.vregs[0]'), new Uint8Array(8))), 'EINVAL');
});

test('unknown IDs are ENOENT; a core offset with the wrong size is EINVAL; a non-arm64 ID is EINVAL', () => {
  const { v } = vcpu();
  const swap = (id: bigint, size: bigint): bigint => (id & ~KVM_REG_SIZE_MASK) | size;
  // guest.c: core registers with a wrong size or inside a field are EINVAL...
  assert.equal(errno(() => v.getOneReg(swap(core('regs.pc'), KVM_REG_SIZE_U32))), 'EINVAL');
  assert.equal(errno(() => v.getOneReg(swap(core('fp_regs.vregs[0]'), KVM_REG_SIZE_U64))), 'EINVAL');
  assert.equal(errno(() => v.getOneReg(swap(core('fp_regs.fpsr'), KVM_REG_SIZE_U64))), 'EINVAL');
  assert.equal(errno(() => v.getOneReg(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | 1n)), 'EINVAL');
  assert.equal(errno(() => v.getOneReg(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | 0x52n)), 'EINVAL'); // padding
  // ...beyond struct kvm_regs ENOENT.
  assert.equal(errno(() => v.getOneReg(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | 0xd8n)), 'ENOENT');
  // sys_regs.c / hypercalls.c: a wrong size is an unknown register.
  assert.equal(errno(() => v.getOneReg(swap(ARM64_SYS_REG(3, 0, 1, 0, 0), KVM_REG_SIZE_U32))), 'ENOENT');
  assert.equal(errno(() => v.getOneReg(swap(KVM_REG_ARM_PSCI_VERSION, KVM_REG_SIZE_U32))), 'ENOENT');
  assert.equal(errno(() => v.getOneReg(swap(KVM_REG_ARM_TIMER_CTL, KVM_REG_SIZE_U128))), 'ENOENT');
  assert.equal(errno(() => v.setOneReg(ARM64_SYS_REG(3, 7, 15, 15, 7), 0n)), 'ENOENT');
  assert.equal(errno(() => v.getOneReg(KVM_REG_ARM_FW_REG(9))), 'ENOENT');
  assert.equal(errno(() => v.getOneReg(KVM_REG_ARM_FW_FEAT_BMAP_REG(9))), 'ENOENT');
  // An SVE register on a vCPU without SVE.
  assert.equal(errno(() => v.getOneReg(0x6080000000150000n)), 'ENOENT');
  // PMU registers are absent without a PMU, debug registers beyond ID_AA64DFR0's counts too.
  assert.equal(errno(() => v.getOneReg(ARM64_SYS_REG(3, 3, 9, 12, 0))), 'ENOENT');
  assert.equal(errno(() => v.getOneReg(ARM64_SYS_REG(2, 0, 0, 15, 4))), 'ENOENT');
  assert.equal(errno(() => v.getOneReg(0x4030000000100000n)), 'EINVAL');
});

test('system registers go through the sysreg table', () => {
  const { v } = vcpu();
  const ttbr0 = ARM64_SYS_REG(3, 0, 2, 0, 0);
  v.setOneReg(ttbr0, 0x0001_0000_4000_0000n);
  assert.equal(v.getOneReg(ttbr0), 0x0001_0000_4000_0000n);
  assert.equal(v.cpu.s[srIndex(SR.TTBR0_EL1)], 0x40000000);
  assert.equal(v.getOneReg(ARM64_SYS_REG(3, 0, 1, 0, 0)), 0x00c50838n); // SCTLR_EL1 reset
  // OSLSR_EL1: only OSLK may change (set_oslsr_el1).
  const oslsr = ARM64_SYS_REG(2, 0, 1, 1, 4);
  assert.equal(v.getOneReg(oslsr), 0x8n);
  v.setOneReg(oslsr, 0xan);
  assert.equal(v.getOneReg(oslsr), 0xan);
  assert.equal(errno(() => v.setOneReg(oslsr, 0x0n)), 'EINVAL');
});

test('ID registers are the VM\'s: a lower field is accepted and shown on every vCPU; a superset is EINVAL; EBUSY after a run', () => {
  const { vm, v } = vcpu();
  const b = vm.createVcpu(1);
  b.init({ target: 'cortex-a57', features: [KVM_ARM_VCPU_PSCI_0_2] });
  const isar0 = ARM64_SYS_REG(3, 0, 0, 6, 0);
  assert.equal(v.getOneReg(isar0), 0x00011120n);
  v.setOneReg(isar0, 0x00011100n); // drop AES
  assert.equal(b.getOneReg(isar0), 0x00011100n);
  assert.equal(errno(() => v.setOneReg(isar0, 0x00211120n)), 'EINVAL'); // LSE above the limit
  vm.hasRunOnce = true;
  assert.equal(errno(() => v.setOneReg(isar0, 0x00011120n)), 'EBUSY');
  v.setOneReg(isar0, 0x00011100n);
});

test('MPIDR_EL1 and CLIDR_EL1 are per vCPU', () => {
  const { vm, v } = vcpu();
  const b = vm.createVcpu(1);
  b.init({ target: 'cortex-a57', features: [KVM_ARM_VCPU_PSCI_0_2] });
  const mpidr = ARM64_SYS_REG(3, 0, 0, 0, 5);
  v.setOneReg(mpidr, 0x80000100n);
  assert.equal(v.getOneReg(mpidr), 0x80000100n);
  assert.equal(b.getOneReg(mpidr), 0x80000001n);
  const clidr = ARM64_SYS_REG(3, 1, 0, 0, 1);
  assert.equal(v.getOneReg(clidr), 0x0a200023n);
  assert.equal(errno(() => v.setOneReg(clidr, 1n << 50n)), 'EINVAL'); // RES0
  assert.equal(errno(() => v.setOneReg(clidr, 0x00000023n)), 'EINVAL'); // LoC 0 needs CTR_EL0.IDC
  v.setOneReg(clidr, 0x0a200003n); // L1 only
  assert.equal(b.getOneReg(clidr), 0x0a200023n);
});

test('CCSIDR values through DEMUX: one per cache CLIDR describes, line size checked', () => {
  const { v } = vcpu();
  const ccsidr = (n: bigint): bigint => KVM_REG_ARM64 | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX | n;
  assert.equal(v.getOneReg(ccsidr(0n)), 0x701fe00an);
  assert.equal(v.getOneReg(ccsidr(1n)), 0x201fe012n);
  assert.equal(v.getOneReg(ccsidr(2n)), 0x70ffe07an);
  assert.equal(errno(() => v.getOneReg(ccsidr(3n))), 'ENOENT');
  assert.equal(errno(() => v.getOneReg((ccsidr(0n) & ~KVM_REG_SIZE_MASK) | KVM_REG_SIZE_U64)), 'ENOENT');
  v.setOneReg(ccsidr(2n), 0x70ffe07bn);
  assert.equal(v.getOneReg(ccsidr(2n)), 0x70ffe07bn);
  assert.equal(errno(() => v.setOneReg(ccsidr(0n), 0x701fe008n)), 'EINVAL'); // 16-byte lines < DminLine
});

test('timer: CTL reports ISTATUS and ignores writes to it; CVAL is storage; CNT sets the VM-wide offset', () => {
  const { vm, v } = vcpu();
  const b = vm.createVcpu(1);
  b.init({ target: 'cortex-a57', features: [KVM_ARM_VCPU_PSCI_0_2] });
  for (const c of [v, b]) {
    c.cpu.deterministic = true;
    c.cpu.icount = 1000;
    c.cpu.ticksPerInsn = 1;
  }
  assert.equal(v.getOneReg(KVM_REG_ARM_PTIMER_CNT), 1000n);
  v.setOneReg(KVM_REG_ARM_TIMER_CNT, 250n);
  assert.equal(v.getOneReg(KVM_REG_ARM_TIMER_CNT), 250n);
  assert.equal(b.getOneReg(KVM_REG_ARM_TIMER_CNT), 250n);
  assert.equal(b.cpu.s[S.CNTVOFF_EL2], 750);
  v.setOneReg(KVM_REG_ARM_TIMER_CNT, 1001n); // a negative offset
  assert.equal(v.getOneReg(KVM_REG_ARM_TIMER_CNT), 1001n);
  v.setOneReg(KVM_REG_ARM_TIMER_CVAL, 2000n);
  v.setOneReg(KVM_REG_ARM_TIMER_CTL, 1n | 4n);
  assert.equal(v.getOneReg(KVM_REG_ARM_TIMER_CTL), 1n);
  v.setOneReg(KVM_REG_ARM_TIMER_CVAL, 1000n);
  assert.equal(v.getOneReg(KVM_REG_ARM_TIMER_CTL), 5n);
  v.setOneReg(KVM_REG_ARM_PTIMER_CVAL, 999n);
  v.setOneReg(KVM_REG_ARM_PTIMER_CTL, 3n);
  assert.equal(v.getOneReg(KVM_REG_ARM_PTIMER_CTL), 7n);
  assert.equal(v.cpu.s[srIndex(SR.CNTP_CVAL_EL0)], 999);
  // PTIMER_CNT sets the VM-wide physical offset (CNTPOFF_EL2 = count - value, as KVM's poffset).
  v.setOneReg(KVM_REG_ARM_PTIMER_CNT, 5n);
  assert.equal(v.getOneReg(KVM_REG_ARM_PTIMER_CNT), 5n);
  assert.equal(b.getOneReg(KVM_REG_ARM_PTIMER_CNT), 5n);
  assert.equal(b.cpu.s[S.CNTPOFF_EL2], 995);
  assert.equal(v.getOneReg(KVM_REG_ARM_TIMER_CNT), 1001n, 'the virtual counter is not moved by the physical offset');
});

test('PSCI_VERSION: 1.1 with PSCI_0_2 (settable to 0.2/1.0/1.1), 0.1 without', () => {
  const { v } = vcpu([KVM_ARM_VCPU_PSCI_0_2]);
  assert.equal(v.getOneReg(KVM_REG_ARM_PSCI_VERSION), 0x10001n);
  v.setOneReg(KVM_REG_ARM_PSCI_VERSION, 0x2n);
  assert.equal(v.getOneReg(KVM_REG_ARM_PSCI_VERSION), 0x2n);
  v.setOneReg(KVM_REG_ARM_PSCI_VERSION, 0x10000n);
  assert.equal(v.getOneReg(KVM_REG_ARM_PSCI_VERSION), 0x10000n);
  assert.equal(errno(() => v.setOneReg(KVM_REG_ARM_PSCI_VERSION, 0x1n)), 'EINVAL');
  assert.equal(errno(() => v.setOneReg(KVM_REG_ARM_PSCI_VERSION, 0x10002n)), 'EINVAL');
  const old = vcpu([]).v;
  assert.equal(old.getOneReg(KVM_REG_ARM_PSCI_VERSION), 0x1n);
  old.setOneReg(KVM_REG_ARM_PSCI_VERSION, 0x1n);
  assert.equal(errno(() => old.setOneReg(KVM_REG_ARM_PSCI_VERSION, 0x10001n)), 'EINVAL');
});

test('SMCCC workarounds report NOT_REQUIRED and accept only levels at or below it', () => {
  const { v } = vcpu();
  assert.equal(v.getOneReg(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1), 2n);
  assert.equal(v.getOneReg(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2), 3n);
  assert.equal(v.getOneReg(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3), 2n);
  for (const l of [0n, 1n, 2n]) v.setOneReg(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, l);
  assert.equal(errno(() => v.setOneReg(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, 3n)), 'EINVAL');
  assert.equal(errno(() => v.setOneReg(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3, 0x12n)), 'EINVAL');
  for (const l of [0n, 1n, 2n, 3n]) v.setOneReg(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, l);
  v.setOneReg(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, 2n | KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_ENABLED);
  assert.equal(errno(() => v.setOneReg(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, 3n | KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_ENABLED)), 'EINVAL');
  assert.equal(errno(() => v.setOneReg(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, 4n)), 'EINVAL');
  assert.equal(v.getOneReg(KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1), 2n);
});

test('feature bitmaps: nothing implemented, only 0 accepted; EBUSY for a change after the VM ran', () => {
  const { vm, v } = vcpu();
  for (const id of [KVM_REG_ARM_STD_BMAP, KVM_REG_ARM_STD_HYP_BMAP, KVM_REG_ARM_VENDOR_HYP_BMAP]) {
    assert.equal(v.getOneReg(id), 0n);
    v.setOneReg(id, 0n);
    assert.equal(errno(() => v.setOneReg(id, 1n)), 'EINVAL');
  }
  vm.hasRunOnce = true;
  v.setOneReg(KVM_REG_ARM_STD_BMAP, 0n);
});

test('U128 values come back as copies', () => {
  const { v } = vcpu();
  const b = new Uint8Array(16).fill(7);
  v.setOneReg(core('fp_regs.vregs[1]'), b);
  b.fill(0);
  const r = v.getOneReg(core('fp_regs.vregs[1]')) as Uint8Array;
  assert.equal(r[0], 7);
  r[0] = 9;
  assert.equal((v.getOneReg(core('fp_regs.vregs[1]')) as Uint8Array)[0], 7);
  assert.equal(KVM_REG_SIZE_U128 >> 52n, 4n);
  assert.equal(KVM_REG_SIZE_U64 >> 52n, 3n);
});

test('a register ID that is not a u64 bigint is EINVAL', () => {
  const { v } = vcpu();
  assert.equal(errno(() => v.getOneReg(-1n)), 'EINVAL');
  assert.equal(errno(() => v.getOneReg(1n << 64n)), 'EINVAL');
  assert.equal(errno(() => v.getOneReg(0x40 as unknown as bigint)), 'EINVAL');
});
