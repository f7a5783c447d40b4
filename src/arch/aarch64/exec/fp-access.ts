/**
 * The check every SIMD&FP instruction makes first (Arm ARM DDI 0487K.a pseudocode
 * CheckFPAdvSIMDEnabled64() / AArch64.CheckFPAdvSIMDTrap(), D24.2.33 CPACR_EL1, D24.2.46
 * CPTR_EL2):
 *
 * - CPACR_EL1.FPEN (bits 21:20): 0b11 no trap; 0b01 traps EL0 only; 0b00 and 0b10 trap EL0
 *   and EL1. The trap goes to EL1 with EC 0x07.
 * - then CPTR_EL2.TFP (bit 10, HCR_EL2.E2H = 0 layout) traps EL0 and EL1 to EL2 with EC 0x07.
 *
 * Syndrome (AArch64.AdvSIMDFPAccessTrap, ISS encoding for EC 0x07): IL = 1 and ISS[24:20] =
 * ConditionSyndrome(), which for an instruction in AArch64 state is CV = 1, COND = 0b1110;
 * ISS[19:0] RES0. The preferred return address is the trapped instruction.
 */
import type { Cpu } from '../cpu.js';
import { S, SR, srIndex } from '../state.js';
import { syncToEl1, trapToEl2 } from '../exceptions.js';
import { esr, ESR_ELx_EC_FP_ASIMD } from '../esr.js';

const CPACR = srIndex(SR.CPACR_EL1);
const FPEN_SHIFT = 20;
const CPTR_TFP = 1 << 10;

/** ISS of an FP/SIMD access trap from AArch64: CV = 1, COND = 0xE. */
export const FP_TRAP_ISS = (1 << 24) | (0xe << 20);

/**
 * Call before any SIMD&FP register access (and before address computation: the pseudocode
 * checks first). Returns normally when enabled, otherwise takes the trap (throws).
 */
export function checkFpEnabled(cpu: Cpu): void {
  const s = cpu.s;
  if (((s[CPACR] >>> FPEN_SHIFT) & 3) !== 3 || (s[S.CPTR_EL2] & CPTR_TFP) !== 0) fpTrap(cpu);
}

/** Where a SIMD&FP access traps now (the rule above): FP_TRAP_NONE, FP_TRAP_EL1 or FP_TRAP_EL2. */
export function fpTrapLevel(cpu: Cpu): number {
  const s = cpu.s;
  const fpen = (s[CPACR] >>> FPEN_SHIFT) & 3;
  if (fpen !== 3 && (fpen !== 1 || s[S.EL] === 0)) return FP_TRAP_EL1;
  if ((s[S.CPTR_EL2] & CPTR_TFP) !== 0) return FP_TRAP_EL2;
  return FP_TRAP_NONE;
}

export const FP_TRAP_NONE = 0;
export const FP_TRAP_EL1 = 1;
export const FP_TRAP_EL2 = 2;

function fpTrap(cpu: Cpu): void {
  const level = fpTrapLevel(cpu);
  if (level === FP_TRAP_EL1) syncToEl1(cpu, ESR_ELx_EC_FP_ASIMD, true, FP_TRAP_ISS, false, 0, 0);
  if (level === FP_TRAP_EL2) trapToEl2(cpu, esr(ESR_ELx_EC_FP_ASIMD, true, FP_TRAP_ISS), true);
}
