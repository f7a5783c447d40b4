/**
 * MMIO emulation from a stage-2 data abort (Linux arch/arm64/kvm/mmio.c: io_mem_abort(),
 * kvm_handle_mmio_return()) and the VM's in-kernel MMIO bus (virt/kvm/kvm_main.c
 * kvm_io_bus_register_dev() with KVM_MMIO_BUS), which the vGIC (issue 5) registers its frames on.
 *
 * The access is decoded from the syndrome alone (Arm ARM DDI 0487K.a D24.2.41, ISS encoding
 * for a Data Abort: ISV, SAS, SSE, SRT, SF, WnR): an in-kernel device answers it at once,
 * otherwise the VMM gets KVM_EXIT_MMIO and the next KVM_RUN completes it. Without a valid
 * syndrome (ISV = 0: pairs, writeback forms, SIMD&FP registers...) there is nothing to emulate
 * and the VMM gets KVM_EXIT_ARM_NISV.
 */
import type { Vm } from '../vm.js';
import type { Vcpu } from '../vcpu.js';
import type { Cpu } from '../../arch/aarch64/cpu.js';
import type { KvmRun } from '../kvm-run.js';
import { KvmError } from '../errors.js';
import { S } from '../../arch/aarch64/state.js';
import { ISS_ISV, ISS_SAS_SHIFT, ISS_SSE, ISS_SRT_SHIFT, ISS_SF, ISS_WNR, ISS_CM } from '../../arch/aarch64/esr.js';
import { KVM_EXIT_MMIO, KVM_EXIT_ARM_NISV, KVM_EXIT_INTERNAL_ERROR, KVM_INTERNAL_ERROR_EMULATION } from '../uapi/kvm.js';
import { hypLog } from '../ratelimit.js';

/**
 * An in-kernel MMIO device (KVM's struct kvm_io_device_ops): `data` holds the access's `len`
 * bytes, little-endian (a read fills it). Offsets are relative to the registered base; `vcpu` is
 * the accessing vCPU (banked registers: the GICv2 distributor's SGI/PPI part, GICC).
 */
export interface MmioOps {
  read(offset: number, len: number, data: Uint8Array, vcpu: Vcpu): void;
  write(offset: number, len: number, data: Uint8Array, vcpu: Vcpu): void;
}

interface MmioRange {
  base: number;
  size: number;
  ops: MmioOps;
}

/** Per-VM bus, sorted by base. */
const buses = new WeakMap<Vm, MmioRange[]>();

/**
 * kvm_io_bus_register_dev(KVM_MMIO_BUS): guest-physical [base, base + size) is answered by
 * `ops` instead of the VMM. Overlapping another registration: EEXIST.
 */
export function registerMmio(vm: Vm, base: number, size: number, ops: MmioOps): void {
  if (!Number.isSafeInteger(base) || base < 0 || !Number.isSafeInteger(size) || size <= 0 || base + size > 2 ** vm.ipaBits) {
    throw new KvmError('EINVAL', `registerMmio: [${base}, +${size}) is not a range of the ${vm.ipaBits}-bit IPA space`, 'base');
  }
  let bus = buses.get(vm);
  if (bus === undefined) {
    bus = [];
    buses.set(vm, bus);
  }
  for (const r of bus) {
    if (base < r.base + r.size && r.base < base + size) {
      throw new KvmError('EEXIST', `registerMmio: [0x${base.toString(16)}, +0x${size.toString(16)}) overlaps a registered device at 0x${r.base.toString(16)}`, 'base');
    }
  }
  bus.push({ base, size, ops });
  bus.sort((a, b) => a.base - b.base);
}

/** kvm_io_bus_unregister_dev(): remove the device registered at `base`. */
export function unregisterMmio(vm: Vm, base: number): boolean {
  const bus = buses.get(vm);
  if (bus === undefined) return false;
  const i = bus.findIndex((r) => r.base === base);
  if (i < 0) return false;
  bus.splice(i, 1);
  return true;
}

/** The in-kernel device covering the whole access, if any. */
function findMmio(vm: Vm, ipa: number, len: number): MmioRange | undefined {
  const bus = buses.get(vm);
  if (bus === undefined) return undefined;
  for (const r of bus) if (ipa >= r.base && ipa + len <= r.base + r.size) return r;
  return undefined;
}

/** Decoded data-abort syndrome of an MMIO access. */
export function dabtLen(esr: number): number {
  return 1 << ((esr >>> ISS_SAS_SHIFT) & 3);
}
export function dabtRt(esr: number): number {
  return (esr >>> ISS_SRT_SHIFT) & 31;
}
export function dabtIsWrite(esr: number): boolean {
  return (esr & ISS_WNR) !== 0;
}

/** kvm_vcpu_dabt_iss_nisv_sanitized(): the ISS bits userspace may see for an ISV=0 abort. */
export function nisvSanitizedIss(esr: number): number {
  return esr & (ISS_CM | ISS_WNR | 0x3f);
}

/**
 * kvm_handle_mmio_return(): complete a read from `data` (len bytes, little-endian) into the
 * target register: sign-extended from the access size when SSE (for len < 8), truncated to 32
 * bits when SF = 0 (a W register); then step over the instruction, read or write.
 */
export function handleMmioReturn(cpu: Cpu, esr: number, data: Uint8Array): void {
  const s = cpu.s;
  if (!dabtIsWrite(esr)) {
    const len = dabtLen(esr);
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < len && i < 4; i++) lo |= (data[i] ?? 0) << (8 * i);
    for (let i = 4; i < len; i++) hi |= (data[i] ?? 0) << (8 * (i - 4));
    if ((esr & ISS_SSE) !== 0 && len < 8) {
      if (len < 4) {
        const sh = 32 - 8 * len;
        lo = (lo << sh) >> sh;
      }
      hi = lo >> 31;
    }
    if ((esr & ISS_SF) === 0) hi = 0;
    const rt = dabtRt(esr);
    if (rt !== 31) {
      s[2 * rt] = lo;
      s[2 * rt + 1] = hi;
    }
  }
  const pc = (s[S.PC] + 4) | 0;
  s[S.PC] = pc;
  if (pc === 0) s[S.PC_HI] = (s[S.PC_HI] + 1) | 0;
}

/**
 * io_mem_abort(): emulate the access at `ipa` (FIPA | FAR[11:0]). Returns undefined when an
 * in-kernel device completed it (PC stepped), else the exit record for the VMM; for
 * KVM_EXIT_MMIO the caller keeps the record to complete the access on the next KVM_RUN.
 *
 * ISV = 0: KVM returns KVM_EXIT_ARM_NISV to a VMM that enabled KVM_CAP_ARM_NISV_TO_USER
 * (vm.nisvToUser); otherwise it logs "Data abort outside memslots with no valid syndrome info"
 * and fails KVM_RUN with ENOSYS. typevisor logs the same line (rate-limited) and returns
 * KVM_EXIT_INTERNAL_ERROR instead of throwing: the VMM stops the guest either way, and a
 * guest-provoked condition never becomes a host exception. The vCPU stays at the instruction.
 */
export function ioMemAbort(v: Vcpu, ipa: number, esr: number): KvmRun | undefined {
  const cpu = v.cpu;
  if ((esr & ISS_ISV) === 0) {
    if (v.vm.nisvToUser) {
      return { exitReason: KVM_EXIT_ARM_NISV, armNisv: { esrIss: BigInt(nisvSanitizedIss(esr)), faultIpa: BigInt(ipa) } };
    }
    const what = `data abort outside memslots with no valid syndrome info at PC 0x${cpu.pc.toString(16)}, IPA 0x${ipa.toString(16)}`;
    hypLog.log(`typevisor: vcpu ${v.id}: ${what} (enable KVM_CAP_ARM_NISV_TO_USER to handle it)`);
    return {
      exitReason: KVM_EXIT_INTERNAL_ERROR,
      internal: { suberror: KVM_INTERNAL_ERROR_EMULATION, data: [BigInt(esr >>> 0), BigInt(ipa)], message: `vcpu ${v.id}: ${what}` },
    };
  }
  const len = dabtLen(esr);
  const isWrite = dabtIsWrite(esr);
  const data = new Uint8Array(8);
  if (isWrite) {
    // vcpu_data_guest_to_host(): the register's low `len` bytes; XZR reads as zero.
    const rt = dabtRt(esr);
    const lo = rt === 31 ? 0 : cpu.s[2 * rt];
    const hi = rt === 31 ? 0 : cpu.s[2 * rt + 1];
    for (let i = 0; i < len && i < 4; i++) data[i] = lo >>> (8 * i);
    for (let i = 4; i < len; i++) data[i] = hi >>> (8 * (i - 4));
  }
  const dev = findMmio(v.vm, ipa, len);
  if (dev !== undefined) {
    const buf = data.subarray(0, len);
    if (isWrite) dev.ops.write(ipa - dev.base, len, buf, v);
    else dev.ops.read(ipa - dev.base, len, buf, v);
    v.stats.counters.mmio_exit_kernel++;
    handleMmioReturn(cpu, esr, data);
    return undefined;
  }
  v.stats.counters.mmio_exit_user++;
  return { exitReason: KVM_EXIT_MMIO, mmio: { physAddr: BigInt(ipa), data, len, isWrite } };
}
