/**
 * Per-VM ID registers (src/hyp/arm/id-regs.ts), Linux 6.7+ semantics: sanitising for the vCPU
 * features, the set rules (LOWER_SAFE / HIGHER_SAFE / EXACT fields, the writable mask, RAZ
 * registers, the invariant implementation registers, EBUSY after the first run), the writable
 * masks of KVM_ARM_GET_REG_WRITABLE_MASKS, and features lowered for real (the guest UNDEFs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kvm } from '../../src/hyp/kvm.js';
import type { Vm } from '../../src/hyp/vm.js';
import { KvmError, type Errno } from '../../src/hyp/errors.js';
import { VmIdRegs, ID_REG_TABLE, checkIdRegTable, findIdReg, type IdRegDesc } from '../../src/hyp/arm/id-regs.js';
import { cortexA57 } from '../../src/arch/aarch64/cpus/cortex-a57.js';
import { max } from '../../src/arch/aarch64/cpus/max.js';
import type { CpuModel } from '../../src/arch/aarch64/cpus/model.js';
import { idRegIndex } from '../../src/arch/aarch64/cpus/model.js';
import { KVM_ARM_VCPU_PMU_V3, KVM_ARM_VCPU_PTRAUTH_ADDRESS, KVM_ARM_VCPU_PTRAUTH_GENERIC, KVM_ARM_VCPU_SVE } from '../../src/hyp/uapi/kvm.js';
import { S, SR } from '../../src/arch/aarch64/state.js';
import { run } from '../../src/arch/aarch64/run.js';
import type { Vcpu } from '../../src/hyp/vcpu.js';
import { resetCpu } from '../../src/arch/aarch64/reset.js';

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

type Enc = readonly [number, number, number, number, number];
const PFR0: Enc = [3, 0, 0, 4, 0];
const PFR1: Enc = [3, 0, 0, 4, 1];
const ZFR0: Enc = [3, 0, 0, 4, 4];
const DFR0: Enc = [3, 0, 0, 5, 0];
const AFR0: Enc = [3, 0, 0, 5, 4];
const ISAR0: Enc = [3, 0, 0, 6, 0];
const ISAR1: Enc = [3, 0, 0, 6, 1];
const ISAR2: Enc = [3, 0, 0, 6, 2];
const MMFR0: Enc = [3, 0, 0, 7, 0];
const MMFR1: Enc = [3, 0, 0, 7, 1];
const MMFR2: Enc = [3, 0, 0, 7, 2];
const ID_DFR0: Enc = [3, 0, 0, 1, 2];
const ID_MMFR4: Enc = [3, 0, 0, 2, 6];
const MIDR: Enc = [3, 0, 0, 0, 0];
const REVIDR: Enc = [3, 0, 0, 0, 6];
const AIDR: Enc = [3, 1, 0, 0, 7];
const CTR: Enc = [3, 3, 0, 0, 1];

/** A VM with `n` vCPUs and its ID registers made as the first vCPU init will make them. */
function setup(model: CpuModel = cortexA57, features = 0, n = 1): { vm: Vm; regs: VmIdRegs } {
  const vm = new Kvm({ cpu: model.name }).createVm({ memoryLimitBytes: 32 << 20 });
  for (let i = 0; i < n; i++) vm.createVcpu(i);
  const regs = VmIdRegs.create(model, features);
  vm.idRegs = regs;
  for (const v of vm.vcpus) regs.applyTo(v.cpu);
  return { vm, regs };
}

function field(v: bigint, shift: number, width = 4): number {
  return Number((v >> BigInt(shift)) & ((1n << BigInt(width)) - 1n));
}

function withField(v: bigint, shift: number, x: number, width = 4): bigint {
  const m = ((1n << BigInt(width)) - 1n) << BigInt(shift);
  return (v & ~m) | (BigInt(x) << BigInt(shift));
}

function expectKvmError(f: () => unknown, errno: Errno, message: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof KvmError, `expected KvmError, got ${String(e)}`);
    assert.equal(e.errno, errno, e.message);
    assert.match(e.message, message);
    return true;
  });
}

test('the table has a row for every encoding of the ID space, sorted, and checks itself', () => {
  checkIdRegTable(ID_REG_TABLE);
  for (let crm = 1; crm <= 7; crm++) for (let op2 = 0; op2 < 8; op2++) assert.ok(findIdReg(3, 0, 0, crm, op2) !== undefined, `(${crm}, ${op2})`);
  const swapped: IdRegDesc[] = [...ID_REG_TABLE];
  [swapped[3], swapped[4]] = [swapped[4], swapped[3]];
  assert.throws(() => checkIdRegTable(swapped), /is not after/);
  assert.throws(() => checkIdRegTable(ID_REG_TABLE.filter((r) => r.name !== 'ID_AA64ISAR0_EL1')), /no row for \(3, 0, 0, 6, 0\)/);
});

test('isVmReg: the ID space, MIDR, REVIDR, AIDR and CTR_EL0; not MPIDR or other registers', () => {
  const { regs } = setup();
  for (const e of [PFR0, ISAR0, MIDR, REVIDR, AIDR, CTR, [3, 0, 0, 3, 3] as Enc]) assert.ok(regs.isVmReg(...e), e.join(','));
  for (const e of [[3, 0, 0, 0, 5], [3, 0, 1, 0, 0], [3, 1, 0, 0, 1], [3, 0, 0, 8, 0], [3, 3, 0, 0, 7]] as Enc[]) assert.ok(!regs.isVmReg(...e), e.join(','));
  expectKvmError(() => regs.get(3, 0, 1, 0, 0), 'ENOENT', /not a per-VM ID register/);
});

test('creation sanitises the Cortex-A57 as KVM does for a guest without PMU', () => {
  const { regs } = setup(cortexA57, 0);
  // read_sanitised_id_aa64pfr0_el1(): CSV2 = CSV3 = 1 (no speculation), GIC 0 (no vGICv3 yet).
  assert.equal(regs.get(...PFR0), 0x1100_0000_0000_2222n);
  assert.equal(regs.get(...DFR0), 0x1030_5006n); // DebugVer 8.0, PMUVer 0, PMSVer 0
  assert.equal(regs.get(...ID_DFR0), 0x0001_0066n, 'ID_DFR0_EL1.PerfMon hidden without KVM_ARM_VCPU_PMU_V3');
  assert.equal(regs.get(...ISAR0), 0x0001_1120n);
  assert.equal(regs.get(...MIDR), 0x411f_d070n);
  assert.equal(regs.get(...CTR), 0x8444_c004n);
  assert.equal(regs.get(...AIDR), 0n);
  assert.equal(regs.get(...ZFR0), 0n);
  assert.equal(setup(cortexA57, 1 << KVM_ARM_VCPU_PMU_V3).regs.get(...ID_DFR0), 0x0301_0066n, 'PerfMon kept with a vPMU');
});

test('creation hides what KVM hides: SVE, AMU, MPAM, GIC, MTE, SME, SPE, ptrauth, MOPS, CCIDX; DebugVer limited to 8.0', () => {
  const rich: CpuModel = {
    ...max,
    id: {
      ...max.id,
      ID_AA64PFR0_EL1: 0x0000_1101_0100_2222n, // AMU 1, MPAM 1, SVE 1, GIC 1
      ID_AA64PFR1_EL1: 0x0000_0000_0100_0221n, // SME 1, MTE 2, SSBS 2, BT 1
      ID_AA64ZFR0_EL1: 0x11n,
      ID_AA64DFR0_EL1: 0x0000_0001_1030_5408n, // PMSVer 1, PMUVer 4, DebugVer 8
      ID_AA64ISAR1_EL1: 0x1100_1110n, // GPI 1, GPA 1, API 1, APA 1, JSCVT 1
      ID_AA64ISAR2_EL1: 0x0001_1101n, // MOPS 1, APA3 1, GPA3 1, WFxT 1
      ID_AA64MMFR2_EL1: 0x0010_0001n, // CCIDX 1, CnP 1
      ID_MMFR4_EL1: 0x0100_0000n, // CCIDX
    },
  };
  const plain = VmIdRegs.create(rich, 0);
  assert.equal(plain.get(...PFR0), 0x1100_0000_0000_2222n);
  assert.equal(plain.get(...PFR1), 0x0000_0000_0000_0021n, 'MTE and SME hidden, SSBS and BT kept');
  assert.equal(plain.get(...ZFR0), 0n, 'ID_AA64ZFR0_EL1 RAZ without SVE');
  assert.equal(plain.get(...DFR0), 0x0000_0000_1030_5006n, 'PMSVer, PMUVer hidden; DebugVer 8.0');
  assert.equal(plain.get(...ISAR1), 0x0000_1000n, 'address/generic authentication hidden');
  assert.equal(plain.get(...ISAR2), 0x0000_0001n, 'APA3, GPA3, MOPS hidden, WFxT kept');
  assert.equal(plain.get(...MMFR2), 0x0000_0001n);
  assert.equal(plain.get(...ID_MMFR4), 0n);

  const all = VmIdRegs.create(
    rich,
    (1 << KVM_ARM_VCPU_SVE) | (1 << KVM_ARM_VCPU_PMU_V3) | (1 << KVM_ARM_VCPU_PTRAUTH_ADDRESS) | (1 << KVM_ARM_VCPU_PTRAUTH_GENERIC),
  );
  assert.equal(field(all.get(...PFR0), 32), 1, 'SVE kept with KVM_ARM_VCPU_SVE');
  assert.equal(all.get(...ZFR0), 0x11n);
  assert.equal(field(all.get(...DFR0), 8), 4, 'PMUVer kept with a vPMU');
  assert.equal(all.get(...ISAR1), 0x1100_1110n, 'ptrauth kept with both PTRAUTH features');
  assert.equal(all.get(...ISAR2), 0x0000_1101n);
  const addrOnly = VmIdRegs.create(rich, 1 << KVM_ARM_VCPU_PTRAUTH_ADDRESS);
  assert.equal(addrOnly.get(...ISAR1), 0x0000_1000n, 'vcpu_has_ptrauth() needs both');
  assert.equal(field(VmIdRegs.create(rich, 0, { gicV3: true }).get(...PFR0), 24), 1, 'GIC 1 with a vGICv3');
});

test('a lowered field is accepted and reaches every vCPU (ID registers, features)', () => {
  const { vm, regs } = setup(max, 0, 2);
  const lowered = withField(regs.get(...ISAR0), 16, 0); // CRC32 -> 0
  regs.set(vm, ...ISAR0, lowered);
  assert.equal(regs.get(...ISAR0), lowered);
  for (const v of vm.vcpus) {
    const i = idRegIndex(6, 0);
    assert.equal(BigInt(v.cpu.idRegs[i] >>> 0) | (BigInt(v.cpu.idRegs[i + 1] >>> 0) << 32n), lowered);
    assert.equal(v.cpu.feat.crc32, false);
    assert.equal(v.cpu.feat.lse, true);
  }
  // A field can come back up to the limit before the VM runs.
  regs.set(vm, ...ISAR0, withField(lowered, 16, 1));
  assert.equal(vm.vcpus[1].cpu.feat.crc32, true);
});

test('raising a field above the limit is EINVAL naming the register and field', () => {
  const { vm, regs } = setup(cortexA57);
  const isar0 = regs.get(...ISAR0);
  expectKvmError(() => regs.set(vm, ...ISAR0, withField(isar0, 32, 1)), 'EINVAL', /ID_AA64ISAR0_EL1\.SHA3 = 1 is not safe: the field may only be lowered from the supported 0 \(LOWER_SAFE\)/);
  expectKvmError(() => regs.set(vm, ...ISAR0, withField(isar0, 20, 2)), 'EINVAL', /ID_AA64ISAR0_EL1\.Atomic = 2/);
  expectKvmError(() => regs.set(vm, ...PFR0, withField(regs.get(...PFR0), 60, 2)), 'EINVAL', /ID_AA64PFR0_EL1\.CSV3 = 2/);
  assert.equal(regs.get(...ISAR0), isar0, 'nothing stored');
});

test('an EXACT field must keep its value (ID_AA64MMFR0_EL1.ASIDBits)', () => {
  const { vm, regs } = setup(cortexA57);
  const mmfr0 = regs.get(...MMFR0);
  assert.equal(field(mmfr0, 4), 2);
  expectKvmError(() => regs.set(vm, ...MMFR0, withField(mmfr0, 4, 0)), 'EINVAL', /ID_AA64MMFR0_EL1\.ASIDBits = 0 is not safe: the field must stay .*EXACT/);
  regs.set(vm, ...MMFR0, withField(mmfr0, 0, 2)); // PARange 44 -> 40 bits: LOWER_SAFE
  assert.equal(vm.vcpus[0].cpu.feat.paBits, 40);
});

test('HIGHER_SAFE fields may only be raised (ID_AA64MMFR1_EL1.SpecSEI)', () => {
  const { vm, regs } = setup(max);
  const mmfr1 = regs.get(...MMFR1);
  regs.set(vm, ...MMFR1, withField(mmfr1, 24, 1));
  assert.equal(field(regs.get(...MMFR1), 24), 1);
  // Back at 0 (the limit) is fine; PAN (LOWER_SAFE) may drop to 0.
  regs.set(vm, ...MMFR1, withField(mmfr1, 20, 0));
  assert.equal(vm.vcpus[0].cpu.feat.pan, false);
});

test('signed fields compare signed: TGran4/TGran64 may drop to 0b1111 (not implemented), unsigned TGran16 may not', () => {
  const { vm, regs } = setup(max);
  const mmfr0 = regs.get(...MMFR0);
  regs.set(vm, ...MMFR0, withField(withField(mmfr0, 28, 0xf), 24, 0xf));
  assert.equal(vm.vcpus[0].cpu.feat.tgran4, false);
  assert.equal(vm.vcpus[0].cpu.feat.tgran64, false);
  expectKvmError(() => regs.set(vm, ...MMFR0, withField(mmfr0, 20, 0xf)), 'EINVAL', /ID_AA64MMFR0_EL1\.TGran16 = 15 is not safe/);
  regs.set(vm, ...MMFR0, withField(mmfr0, 20, 0));
  assert.equal(vm.vcpus[0].cpu.feat.tgran16, false);
  // Raising a signed field from -1 is refused: 0 > -1.
  const { vm: vm2, regs: regs2 } = setup(max);
  regs2.set(vm2, ...MMFR0, withField(mmfr0, 28, 0xf));
  const r2 = VmIdRegs.create({ ...max, id: { ...max.id, ID_AA64MMFR0_EL1: withField(mmfr0, 28, 0xf) } }, 0);
  expectKvmError(() => r2.set(vm2, ...MMFR0, mmfr0), 'EINVAL', /TGran4 = 0 is not safe.*supported -1 \(LOWER_SAFE, signed\)/);
});

test('a field outside the writable mask must equal the limit', () => {
  const { vm, regs } = setup(cortexA57);
  const pfr0 = regs.get(...PFR0);
  expectKvmError(() => regs.set(vm, ...PFR0, withField(pfr0, 0, 1)), 'EINVAL', /ID_AA64PFR0_EL1: field EL0 \(1, supported 2\) is not writable/);
  expectKvmError(() => regs.set(vm, ...PFR0, withField(pfr0, 16, 0xf)), 'EINVAL', /ID_AA64PFR0_EL1: field FP .* is not writable/);
  expectKvmError(() => regs.set(vm, ...ISAR1, withField(0n, 4, 1)), 'EINVAL', /ID_AA64ISAR1_EL1: field APA .* is not writable/);
  expectKvmError(() => regs.set(vm, ...MMFR0, withField(regs.get(...MMFR0), 40, 1)), 'EINVAL', /field TGran4_2 .* is not writable/);
  expectKvmError(() => regs.set(vm, ...ISAR0, regs.get(...ISAR0) | 1n), 'EINVAL', /ID_AA64ISAR0_EL1: bit 0 is not writable/);
  // A read-only register (ID_SANITISED) accepts only its value.
  expectKvmError(() => regs.set(vm, ...PFR1, 1n), 'EINVAL', /ID_AA64PFR1_EL1: field BT \(1, supported 0\) is not writable/);
  regs.set(vm, ...PFR1, regs.get(...PFR1));
  // CSV2/CSV3 are writable (lower only).
  regs.set(vm, ...PFR0, withField(withField(pfr0, 56, 0), 60, 0));
  assert.equal(regs.get(...PFR0), 0x2222n);
});

test('after the VM has run: a different value is EBUSY, the same value succeeds', () => {
  const { vm, regs } = setup(max);
  const isar0 = regs.get(...ISAR0);
  vm.hasRunOnce = true;
  expectKvmError(() => regs.set(vm, ...ISAR0, withField(isar0, 16, 0)), 'EBUSY', /ID_AA64ISAR0_EL1: the VM has run, its ID registers are frozen/);
  regs.set(vm, ...ISAR0, isar0);
  expectKvmError(() => regs.set(vm, ...CTR, withField(regs.get(...CTR), 16, 3)), 'EBUSY', /CTR_EL0/);
  assert.equal(regs.get(...ISAR0), isar0);
  assert.equal(vm.vcpus[0].cpu.feat.crc32, true);
});

test('unallocated, hidden and RAZ registers read 0 and accept only 0', () => {
  const { vm, regs } = setup(cortexA57);
  for (const e of [[3, 0, 0, 3, 3], [3, 0, 0, 6, 7], [3, 0, 0, 7, 4], AFR0, [3, 0, 0, 1, 3], ZFR0] as Enc[]) {
    assert.equal(regs.get(...e), 0n);
    regs.set(vm, ...e, 0n);
    expectKvmError(() => regs.set(vm, ...e, 1n), 'EINVAL', /reads as zero for this VM and accepts only 0/);
  }
  expectKvmError(() => regs.set(vm, 3, 0, 0, 3, 3, 1n), 'EINVAL', /S3_0_C0_C3_3/);
});

test('MIDR, REVIDR, AIDR accept only their value; CTR_EL0 has DIC, IDC, DminLine, IminLine writable (lower)', () => {
  const { vm, regs } = setup(cortexA57);
  regs.set(vm, ...MIDR, 0x411f_d070n);
  expectKvmError(() => regs.set(vm, ...MIDR, 0x410f_d070n), 'EINVAL', /MIDR_EL1: not writable/);
  expectKvmError(() => regs.set(vm, ...REVIDR, 1n), 'EINVAL', /REVIDR_EL1: not writable/);
  expectKvmError(() => regs.set(vm, ...AIDR, 1n), 'EINVAL', /AIDR_EL1: not writable/);
  const ctr = regs.get(...CTR);
  regs.set(vm, ...CTR, withField(ctr, 16, 3)); // DminLine 64 -> 32 bytes
  assert.equal(vm.vcpus[0].cpu.ctr[0] >>> 0, 0x8443_c004);
  expectKvmError(() => regs.set(vm, ...CTR, withField(ctr, 0, 5)), 'EINVAL', /CTR_EL0\.IminLine = 5 is not safe/);
  expectKvmError(() => regs.set(vm, ...CTR, withField(ctr, 14, 2, 2)), 'EINVAL', /CTR_EL0: field L1Ip \(2, supported 3\) is not writable/);
  expectKvmError(() => regs.set(vm, ...CTR, ctr | (1n << 29n)), 'EINVAL', /CTR_EL0\.DIC = 1 is not safe/);
});

test('ID_AA64DFR0_EL1 / ID_DFR0_EL1: IMP DEF PMU reads as none, debug below Armv8.0 is refused', () => {
  const { vm, regs } = setup(cortexA57);
  const dfr0 = regs.get(...DFR0);
  regs.set(vm, ...DFR0, withField(dfr0, 8, 0xf));
  assert.equal(regs.get(...DFR0), dfr0, 'PMUVer 0xf stored as 0');
  expectKvmError(() => regs.set(vm, ...DFR0, withField(dfr0, 0, 5)), 'EINVAL', /ID_AA64DFR0_EL1\.DebugVer 5 is below Armv8\.0/);
  expectKvmError(() => regs.set(vm, ...DFR0, withField(dfr0, 8, 1)), 'EINVAL', /ID_AA64DFR0_EL1\.PMUVer = 1 is not safe/);
  const idDfr0 = regs.get(...ID_DFR0);
  regs.set(vm, ...ID_DFR0, withField(idDfr0, 24, 0xf));
  assert.equal(regs.get(...ID_DFR0), idDfr0);
  expectKvmError(() => regs.set(vm, ...ID_DFR0, withField(idDfr0, 0, 4)), 'EINVAL', /ID_DFR0_EL1\.CopDbg 4 is below Armv8/);
});

test('set validates the value type', () => {
  const { vm, regs } = setup();
  expectKvmError(() => regs.set(vm, ...ISAR0, 5 as unknown as bigint), 'EINVAL', /value must be a bigint/);
  expectKvmError(() => regs.set(vm, ...ISAR0, -1n), 'EINVAL', /is not a u64/);
  expectKvmError(() => regs.set(vm, ...ISAR0, 1n << 64n), 'EINVAL', /is not a u64/);
});

test('applyTo keeps each vCPU\'s own MPIDR; exposeGicV3 raises PFR0.GIC', () => {
  const { vm, regs } = setup(cortexA57, 0, 3);
  const mpidr = (i: number): number => vm.vcpus[i].cpu.idRegs[idRegIndex(0, 5)];
  assert.deepEqual([mpidr(0), mpidr(1), mpidr(2)], [1 << 31, (1 << 31) | 1, (1 << 31) | 2]);
  regs.exposeGicV3();
  for (const v of vm.vcpus) regs.applyTo(v.cpu);
  assert.equal(field(regs.get(...PFR0), 24), 1);
  assert.equal((vm.vcpus[2].cpu.idRegs[idRegIndex(4, 0)] >>> 24) & 0xf, 1);
  assert.equal(mpidr(2), (1 << 31) | 2);
  regs.set(vm, ...PFR0, withField(regs.get(...PFR0), 24, 1)); // the new limit is accepted
});

test('writable masks: 192 entries indexed as KVM_ARM_FEATURE_ID_RANGE_IDX, Linux 6.7 values', () => {
  const m = VmIdRegs.writableMasks();
  assert.equal(m.length, 192);
  const at = (op1: number, crm: number, op2: number): bigint => m[((op1 === 3 ? 2 : op1) << 6) | (crm << 3) | op2];
  assert.equal(at(0, 1, 2), 0x0f00_000fn, 'ID_DFR0_EL1: PerfMon | CopDbg');
  assert.equal(at(0, 4, 0), 0xff00_0000_0000_0000n, 'ID_AA64PFR0_EL1: CSV2 | CSV3');
  assert.equal(at(0, 5, 0), 0xf0fn, 'ID_AA64DFR0_EL1: PMUVer | DebugVer');
  assert.equal(at(0, 6, 0), 0xffff_ffff_ffff_fff0n, 'ID_AA64ISAR0_EL1: ~RES0');
  assert.equal(at(0, 6, 1), 0xffff_ffff_00ff_f00fn, 'ID_AA64ISAR1_EL1: ~(GPI | GPA | API | APA)');
  assert.equal(at(0, 6, 2), 0x00ff_0000_fff0_00ffn, 'ID_AA64ISAR2_EL1: ~(RES0 | MOPS | APA3 | GPA3)');
  assert.equal(at(0, 7, 0), 0xff00_f000_ffff_ffffn, 'ID_AA64MMFR0_EL1: ~(RES0 | TGRAN*_2)');
  assert.equal(at(0, 7, 1), 0xffff_f0f0_0fff_f00fn, 'ID_AA64MMFR1_EL1: ~(HCX | XNX | TWED | VH | VMIDBits)');
  assert.equal(at(0, 7, 2), 0xf0ff_000f_f00f_ffffn, 'ID_AA64MMFR2_EL1: ~(RES0 | EVT | FWB | IDS | NV | CCIDX)');
  assert.equal(at(3, 0, 1), (1n << 64n) - 1n, 'CTR_EL0: a full mask, as for non-ID feature registers');
  for (const [op1, crm, op2] of [[0, 0, 0], [0, 4, 1], [0, 1, 0], [0, 3, 3], [1, 0, 7], [0, 5, 4]]) assert.equal(at(op1, crm, op2), 0n, `${op1},${crm},${op2}`);
  assert.equal(m.filter((x) => x !== 0n).length, 10);
  const vm = new Kvm().createVm({ memoryLimitBytes: 16 << 20 });
  assert.deepEqual(vm.getRegWritableMasks(), m);
});

/**
 * Put `insn` at RAM + `offset` and run it; returns the PC after. Each instruction gets its own
 * address: writes through the view do not drop code the CPU already decoded there.
 */
function runAt(vm: Vm, view: Uint8Array, insn: number, offset: number): bigint {
  const v = vm.vcpus[0];
  new DataView(view.buffer, view.byteOffset).setUint32(offset, insn >>> 0, true);
  v.cpu.s[S.PC] = 0x4000_0000 + offset;
  v.cpu.s[S.PC_HI] = 0;
  run(v.cpu, 1);
  return (BigInt(v.cpu.s[S.PC_HI] >>> 0) << 32n) | BigInt(v.cpu.s[S.PC] >>> 0);
}

test('a feature lowered to 0 really UNDEFs: CRC32 and LSE atomics on the max model', () => {
  const { vm, regs } = setup(max);
  const view = vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: 0x4000_0000n, size: 0x20_0000n });
  const v = vm.vcpus[0];
  enterGuest(v);
  regs.applyTo(v.cpu); // resetCpu does not touch ID registers, but be explicit
  const VBAR = 0x4001_0000;
  v.cpu.setSr(SR.VBAR_EL1, VBAR, 0);
  const CRC32B = 0x1ac24020; // crc32b w0, w1, w2
  const LDADD = 0xb8210040; // ldadd w1, w0, [x2]
  const setX = (n: number, x: number): void => {
    v.cpu.s[2 * n] = x;
    v.cpu.s[2 * n + 1] = 0;
  };

  setX(0, 0);
  setX(1, 0xffffffff);
  setX(2, 0x61);
  assert.equal(runAt(vm, view, CRC32B, 0), 0x4000_0004n, 'CRC32B executes');
  assert.notEqual(v.cpu.s[0], 0);

  setX(1, 5);
  setX(2, 0x4000_2000); // data on another page than the code: its decoded ops stay cached
  new DataView(view.buffer, view.byteOffset).setUint32(0x2000, 10, true);
  assert.equal(runAt(vm, view, LDADD, 4), 0x4000_0008n, 'LDADD executes');
  assert.equal(v.cpu.s[0], 10);
  assert.equal(new DataView(view.buffer, view.byteOffset).getUint32(0x2000, true), 15);

  // Lower ID_AA64ISAR0_EL1.CRC32 and .Atomic to 0 (the instructions above stay decoded in the
  // page's cache: the write must drop them).
  regs.set(vm, ...ISAR0, withField(withField(regs.get(...ISAR0), 16, 0), 20, 0));
  for (const [insn, offset] of [[CRC32B, 0], [LDADD, 4]]) {
    v.cpu.setSr(SR.ESR_EL1, 0x7fffffff, 0);
    assert.equal(runAt(vm, view, insn, offset), BigInt(VBAR + 0x200), `0x${insn.toString(16)} takes a synchronous exception to EL1 (current EL, SPx)`);
    assert.equal(v.cpu.sr(SR.ESR_EL1) >>> 26, 0, 'EC 0x00: Unknown reason (Undefined Instruction)');
    assert.equal(v.cpu.sr(SR.ELR_EL1) >>> 0, 0x4000_0000 + offset);
    v.cpu.s[S.EL] = 1; // back to a runnable state for the next instruction
  }
});

test('re-applying unchanged registers (vCPU reset, PSCI CPU_ON) keeps the decoded code cache', () => {
  const { vm, regs } = setup(max);
  const view = vm.setUserMemoryRegion({ slot: 0, guestPhysAddr: 0x4000_0000n, size: 0x1000n });
  const v = vm.vcpus[0];
  enterGuest(v);
  regs.applyTo(v.cpu);
  runAt(vm, view, 0xd2800020, 0); // MOVZ X0, #1
  const page = vm.slots.get(0)!.host >>> 12;
  assert.ok(vm.mem.decoded[page] !== undefined);
  v.cpu.loadModel(max); // what a reset does first
  regs.applyTo(v.cpu);
  assert.ok(vm.mem.decoded[page] !== undefined, 'same features: code kept');
  regs.set(vm, ...ISAR0, withField(regs.get(...ISAR0), 16, 0));
  assert.equal(vm.mem.decoded[page], undefined, 'features changed: code dropped');
});

test('without AArch32 EL0 the AArch32 ID registers read 0 and ignore writes (REG_RAZ | REG_USER_WI)', () => {
  const aa64only: CpuModel = { ...cortexA57, id: { ...cortexA57.id, ID_AA64PFR0_EL1: 0x1111n } };
  const { vm } = setup(cortexA57);
  const regs = VmIdRegs.create(aa64only, 0);
  assert.equal(regs.get(...ID_DFR0), 0n);
  assert.equal(regs.get(3, 0, 0, 1, 0), 0n, 'ID_PFR0_EL1');
  regs.set(vm, ...ID_DFR0, 0x1234n);
  regs.set(vm, 3, 0, 0, 2, 0, 0x5n);
  assert.equal(regs.get(...ID_DFR0), 0n);
  assert.equal(regs.get(3, 0, 0, 2, 0), 0n);
  assert.equal(setup(cortexA57).regs.get(3, 0, 0, 1, 0), 0x131n, 'with AArch32 EL0 they show the model');
});
