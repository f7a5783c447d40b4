import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kvm } from '../../src/hyp/kvm.js';
import { KvmError } from '../../src/hyp/errors.js';
import type { Vcpu } from '../../src/hyp/vcpu.js';
import { KVM_ARM_VCPU_PSCI_0_2 } from '../../src/hyp/uapi/kvm.js';
import {
  KVM_REG_ARM64,
  KVM_REG_SIZE,
  KVM_REG_SIZE_U32,
  KVM_REG_ARM_DEMUX,
  KVM_REG_ARM_COPROC_MASK,
  KVM_REG_ARM_CORE_REG,
  ARM64_SYS_REG,
  KVM_REG_ARM_FW_REG,
  KVM_REG_ARM_FW_FEAT_BMAP_REG,
  KVM_REG_ARM_TIMER_CTL,
  KVM_REG_ARM_TIMER_CVAL,
  KVM_REG_ARM_TIMER_CNT,
  KVM_REG_ARM_PTIMER_CNT,
  KVM_REG_ARM_PTIMER_CTL,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3,
} from '../../src/hyp/uapi/kvm-arm64.js';
import { VCPU_CONTEXT, saveVcpu, restoreVcpu } from '../../src/hyp/arm/vcpu-context.js';

const core = KVM_REG_ARM_CORE_REG;
const sys = ARM64_SYS_REG;

/**
 * Linux's tools/testing/selftests/kvm/arm64/get-reg-list.c, base_regs[] and vregs[] (blessed up
 * to v6.4 and later updates), for a vCPU with PSCI 0.2 and no PMU, SVE or pointer
 * authentication. Entries left out, and why:
 * - DBGBVR/DBGBCR<n>_EL1 for n >= 6 and DBGWVR/DBGWCR<n>_EL1 for n >= 4: KVM lists all 16;
 *   typevisor's sysreg table hides breakpoints and watchpoints beyond ID_AA64DFR0_EL1.BRPs/WRPs
 *   (Cortex-A57: 6 and 4), so the registers exist exactly when the guest can use them.
 * - DBGVCR32_EL2 (2,4,0,7,0), DACR32_EL2 (3,4,3,0,0), IFSR32_EL2 (3,4,5,0,1), FPEXC32_EL2
 *   (3,4,5,3,0): AArch32 EL1 state; typevisor refuses KVM_ARM_VCPU_EL1_32BIT and its sysreg table
 *   has no rows for them.
 * - SCTLR2_EL1, TCR2_EL1, PIRE0_EL1, PIR_EL1, POR_EL1, POR_EL0: FEAT_SCTLR2, FEAT_TCR2,
 *   FEAT_S1PIE, FEAT_S1POE (Armv8.8/8.9); the selftest itself drops them on hosts without the
 *   feature (feat_id_regs[]), and an ARMv8.0 Cortex-A57 has none.
 */
function expectedBaseRegs(): bigint[] {
  const out: bigint[] = [];
  for (let n = 0; n <= 30; n++) out.push(core(`regs.regs[${n}]`));
  out.push(core('regs.sp'), core('regs.pc'), core('regs.pstate'), core('sp_el1'), core('elr_el1'));
  for (let n = 0; n < 5; n++) out.push(core(`spsr[${n}]`));
  out.push(core('fp_regs.fpsr'), core('fp_regs.fpcr'));
  out.push(KVM_REG_ARM_FW_REG(0), KVM_REG_ARM_FW_REG(1), KVM_REG_ARM_FW_REG(2), KVM_REG_ARM_FW_REG(3));
  out.push(KVM_REG_ARM_FW_FEAT_BMAP_REG(0), KVM_REG_ARM_FW_FEAT_BMAP_REG(1), KVM_REG_ARM_FW_FEAT_BMAP_REG(2), KVM_REG_ARM_FW_FEAT_BMAP_REG(3));
  out.push(sys(3, 3, 14, 3, 1), KVM_REG_ARM_TIMER_CVAL, KVM_REG_ARM_TIMER_CNT);
  out.push(sys(3, 0, 0, 0, 0), sys(3, 0, 0, 0, 6), sys(3, 1, 0, 0, 1), sys(3, 1, 0, 0, 7), sys(3, 3, 0, 0, 1));
  for (let n = 0; n < 6; n++) out.push(sys(2, 0, 0, n, 4), sys(2, 0, 0, n, 5));
  for (let n = 0; n < 4; n++) out.push(sys(2, 0, 0, n, 6), sys(2, 0, 0, n, 7));
  out.push(sys(2, 0, 0, 2, 0), sys(2, 0, 0, 2, 2)); // MDCCINT_EL1, MDSCR_EL1
  out.push(sys(2, 0, 1, 1, 4)); // OSLSR_EL1
  out.push(sys(3, 0, 0, 0, 5)); // MPIDR_EL1
  for (let crm = 1; crm <= 7; crm++) for (let op2 = 0; op2 < 8; op2++) out.push(sys(3, 0, 0, crm, op2));
  out.push(sys(3, 0, 1, 0, 0), sys(3, 0, 1, 0, 1), sys(3, 0, 1, 0, 2)); // SCTLR, ACTLR, CPACR
  out.push(sys(3, 0, 2, 0, 0), sys(3, 0, 2, 0, 1), sys(3, 0, 2, 0, 2)); // TTBR0, TTBR1, TCR
  out.push(sys(3, 0, 5, 1, 0), sys(3, 0, 5, 1, 1), sys(3, 0, 5, 2, 0), sys(3, 0, 6, 0, 0), sys(3, 0, 7, 4, 0));
  out.push(sys(3, 0, 10, 2, 0), sys(3, 0, 10, 3, 0), sys(3, 0, 12, 0, 0), sys(3, 0, 12, 1, 1));
  out.push(sys(3, 0, 13, 0, 1), sys(3, 0, 13, 0, 4), sys(3, 0, 14, 1, 0), sys(3, 2, 0, 0, 0));
  out.push(sys(3, 3, 13, 0, 2), sys(3, 3, 13, 0, 3)); // TPIDR_EL0, TPIDRRO_EL0
  out.push(sys(3, 3, 14, 0, 1), sys(3, 3, 14, 2, 1), sys(3, 3, 14, 2, 2)); // PTIMER CNT, CTL, CVAL
  for (let n = 0; n < 32; n++) out.push(core(`fp_regs.vregs[${n}]`)); // vregs[]
  return out;
}

/** Registers whose readback after an accepted write is normalised rather than the value written. */
const NORMALISING = new Set<bigint>([
  KVM_REG_ARM_TIMER_CTL, // ISTATUS computed, other bits RES0
  KVM_REG_ARM_PTIMER_CTL,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1, // levels are not stored
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2,
  KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3,
]);

function vcpuFor(model = 'cortex-a57', id = 0): Vcpu {
  const vm = new Kvm({ cpu: model }).createVm({ memoryLimitBytes: 1 << 26 });
  const v = vm.createVcpu(id);
  v.init({ target: model, features: [KVM_ARM_VCPU_PSCI_0_2] });
  v.cpu.deterministic = true;
  v.cpu.icount = 123456;
  return v;
}

const hex = (x: bigint): string => `0x${x.toString(16)}`;

test('REG_LIST of a Cortex-A57 vCPU with PSCI 0.2 holds the get-reg-list selftest base registers', () => {
  const v = vcpuFor();
  const list = v.getRegList();
  const have = new Set(list);
  assert.equal(have.size, list.length, 'no duplicates');
  const missing = expectedBaseRegs().filter((id) => !have.has(id));
  assert.deepEqual(missing.map(hex), []);
});

test('REG_LIST has no PMU, SVE or pointer-authentication registers, and one CCSIDR per cache', () => {
  const v = vcpuFor();
  const list = v.getRegList();
  const pmu = [sys(3, 3, 9, 12, 0), sys(3, 3, 9, 13, 0), sys(3, 0, 9, 14, 1), sys(3, 3, 14, 15, 7)];
  const pauth = [sys(3, 0, 2, 1, 0), sys(3, 0, 2, 3, 0)];
  for (const id of [...pmu, ...pauth, sys(3, 0, 1, 2, 0)]) assert.ok(!list.includes(id), hex(id));
  assert.ok(!list.some((id) => (id & KVM_REG_ARM_COPROC_MASK) === 0x15n << 16n), 'no SVE');
  const demux = list.filter((id) => (id & KVM_REG_ARM_COPROC_MASK) === KVM_REG_ARM_DEMUX);
  assert.deepEqual(demux, [0n, 1n, 2n].map((n) => KVM_REG_ARM64 | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX | n));
  // Every ID is an arm64 ID whose size field matches what get returns.
  for (const id of list) {
    assert.equal(id >> 56n, KVM_REG_ARM64 >> 56n);
    const val = v.getOneReg(id);
    if (KVM_REG_SIZE(id) === 16) assert.ok(val instanceof Uint8Array && val.length === 16, hex(id));
    else assert.ok(typeof val === 'bigint' && val >> BigInt(8 * KVM_REG_SIZE(id)) === 0n, hex(id));
  }
});

test('the list is the context: every entry of VCPU_CONTEXT present on the vCPU, in order', () => {
  const v = vcpuFor();
  const fromContext = VCPU_CONTEXT.filter((e) => e.present === undefined || e.present(v)).map((e) => e.id);
  assert.deepEqual(v.getRegList(), fromContext);
  // KVM's order: core first (X0), firmware, timer, system registers, DEMUX last.
  const list = v.getRegList();
  assert.equal(list[0], core('regs.regs[0]'));
  assert.ok(list.indexOf(KVM_REG_ARM_FW_REG(0)) > list.indexOf(core('fp_regs.fpcr')));
  assert.ok(list.indexOf(KVM_REG_ARM_TIMER_CTL) > list.indexOf(KVM_REG_ARM_FW_REG(0)));
  assert.equal((list[list.length - 1] & KVM_REG_ARM_COPROC_MASK), KVM_REG_ARM_DEMUX);
});

for (const model of ['cortex-a57', 'max']) {
  test(`every register in REG_LIST round-trips (${model}): its own value is accepted; a changed value reads back or is refused with EINVAL`, () => {
    const v = vcpuFor(model);
    let accepted = 0;
    let refused = 0;
    for (const id of v.getRegList()) {
      const val = v.getOneReg(id);
      v.setOneReg(id, val);
      assert.deepEqual(v.getOneReg(id), val, `${hex(id)} after writing its own value`);
      const other: bigint | Uint8Array = val instanceof Uint8Array ? val.map((b, i) => b ^ (i + 1)) : val ^ 0x100n;
      try {
        v.setOneReg(id, other);
      } catch (e) {
        assert.ok(e instanceof KvmError, `${hex(id)}: ${String(e)}`);
        assert.equal(e.errno, 'EINVAL', `${hex(id)}: ${e.message}`);
        assert.deepEqual(v.getOneReg(id), val, `${hex(id)} unchanged after a refused write`);
        refused++;
        continue;
      }
      if (!NORMALISING.has(id)) assert.deepEqual(v.getOneReg(id), other, `${hex(id)} after writing ${String(other)}`);
      accepted++;
      v.setOneReg(id, val);
    }
    // Read-only views refuse: MIDR, the ID registers above their limits, the firmware bitmaps.
    for (const ro of [sys(3, 0, 0, 0, 0), sys(3, 0, 0, 4, 0), KVM_REG_ARM_FW_FEAT_BMAP_REG(0), KVM_REG_ARM_FW_REG(0)]) {
      assert.throws(() => v.setOneReg(ro, (v.getOneReg(ro) as bigint) ^ 0x100n), (e: unknown) => e instanceof KvmError && e.errno === 'EINVAL');
    }
    assert.ok(accepted >= 120, `accepted ${accepted}`);
    assert.ok(refused >= 40, `refused ${refused}`);
    assert.equal(accepted + refused, v.getRegList().length);
  });
}

test('save/restore into a second VM\'s vCPU reproduces every register', () => {
  const a = vcpuFor();
  // A state worth saving: registers in every group.
  for (let n = 0; n <= 30; n++) a.setOneReg(core(`regs.regs[${n}]`), (0x0123_4567_89ab_cdefn * BigInt(n + 1)) & ((1n << 64n) - 1n));
  a.setOneReg(core('regs.pstate'), 0x800003c4n); // EL1t, N set
  a.setOneReg(core('regs.sp'), 0xffff_0000_0010_0000n);
  a.setOneReg(core('sp_el1'), 0xffff_0000_0020_0000n);
  a.setOneReg(core('regs.pc'), 0xffff_8000_1008_0000n);
  a.setOneReg(core('fp_regs.vregs[31]'), Uint8Array.from({ length: 16 }, (_, i) => 255 - i));
  a.setOneReg(core('fp_regs.fpcr'), 0x02000000n);
  a.setOneReg(sys(3, 0, 2, 0, 0), 0x4123_4000n); // TTBR0_EL1
  a.setOneReg(sys(3, 0, 12, 0, 0), 0xffff_8000_1000_0800n); // VBAR_EL1
  a.setOneReg(sys(3, 0, 0, 6, 0), 0x00011100n); // ID_AA64ISAR0_EL1 without AES
  a.setOneReg(sys(2, 0, 0, 3, 4), 0x4000_1000n); // DBGBVR3_EL1
  a.setOneReg(KVM_REG_ARM_TIMER_CNT, 5000n);
  a.setOneReg(KVM_REG_ARM_TIMER_CVAL, 9000n);
  a.setOneReg(KVM_REG_ARM_TIMER_CTL, 1n);
  a.setOneReg(KVM_REG_ARM_FW_REG(0), 0x10000n); // PSCI 1.0
  a.setOneReg(sys(3, 2, 0, 0, 0), 2n); // CSSELR_EL1
  a.setOneReg(KVM_REG_ARM64 | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX | 2n, 0x70ffe07bn);
  const saved = saveVcpu(a);
  assert.equal(saved.size, a.getRegList().length);

  const b = vcpuFor();
  assert.notDeepEqual(saveVcpu(b), saved);
  restoreVcpu(b, saved);
  const again = saveVcpu(b);
  for (const [id, val] of saved) assert.deepEqual(again.get(id), val, hex(id));
  assert.equal(again.size, saved.size);
  assert.notEqual(a.vm, b.vm);
});

test('restore rejects registers the vCPU does not have', () => {
  const v = vcpuFor();
  const saved = saveVcpu(v);
  saved.set(sys(3, 3, 9, 12, 0), 0n); // PMCR_EL0: no PMU
  assert.throws(() => restoreVcpu(v, saved), (e: unknown) => e instanceof KvmError && e.errno === 'ENOENT');
});
