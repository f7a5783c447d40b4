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
