import type { CpuModel } from './model.js';
import { cortexA57 } from './cortex-a57.js';
import { max } from './max.js';

export type { CpuModel } from './model.js';
export { cortexA57, max };

/** The models `--cpu` and KVM_ARM_VCPU_INIT accept, by name. */
export const CPU_MODELS: Readonly<Record<string, CpuModel>> = { 'cortex-a57': cortexA57, max };
