/**
 * typevisor: a KVM-shaped hypervisor for Arm guests with the guest CPU emulated in software.
 * The package root exports the layers a VMM author uses; see README.md.
 */
export { HostMemory } from './arch/aarch64/host-memory.js';
export { Cpu, Stop } from './arch/aarch64/cpu.js';
export { S, SR } from './arch/aarch64/state.js';
export { run } from './arch/aarch64/run.js';
export { resetCpu } from './arch/aarch64/reset.js';
export { CPU_MODELS, cortexA57, max } from './arch/aarch64/cpus/index.js';
export type { CpuModel } from './arch/aarch64/cpus/index.js';
export { Stage2PageTable } from './hyp/arm/stage2-pgtable.js';

// The hypervisor: a KVM-shaped API (docs/api.md). Linux's names and values in uapi/.
export { Kvm } from './hyp/kvm.js';
export type { KvmOptions } from './hyp/kvm.js';
export { Vm } from './hyp/vm.js';
export type { VmOptions, MemoryRegion, MemSlot } from './hyp/vm.js';
export { Vcpu } from './hyp/vcpu.js';
export { KvmError } from './hyp/errors.js';
export type { Errno } from './hyp/errors.js';
export type * from './hyp/kvm-run.js';
export * from './hyp/uapi/kvm.js';
export * from './hyp/uapi/kvm-arm64.js';
export * from './hyp/uapi/psci.js';
export { Device } from './hyp/device.js';
export * from './hyp/uapi/kvm-vgic.js';
