import type { CpuModel } from './model.js';
import { cortexA57 } from './cortex-a57.js';

/**
 * `max`: every feature typevisor implements. Today that is ARMv8.0-A as the Cortex-A57 has it
 * plus FEAT_LSE (v8.1 atomics) and FEAT_PAN, and the 16K granule. MIDR as QEMU's `max`
 * (implementer 0, part 0x051) so software does not mistake it for a real core.
 */
export const max: CpuModel = {
  ...cortexA57,
  name: 'max',
  compatible: 'arm,arm-v8',
  kvmTarget: 5, // KVM_ARM_TARGET_GENERIC_V8
  midr: 0x000f0510n,
  id: {
    ...cortexA57.id,
    ID_AA64ISAR0_EL1: 0x00211120n, // + Atomic = 2 (FEAT_LSE)
    ID_AA64MMFR0_EL1: 0x00101125n, // 48-bit PA, 16K granule supported
    ID_AA64MMFR1_EL1: 0x00100000n, // PAN = 1
  },
};
