/**
 * Warm reset of a CPU to the state KVM gives a vCPU at KVM_ARM_VCPU_INIT (Linux
 * arch/arm64/kvm/reset.c): AArch64 EL1h with D, A, I, F masked, general-purpose and FP registers
 * zero, system registers at their reset values. The EL2 controls (HCR_EL2, VTCR/VTTBR, CNTVOFF,
 * CNTPOFF) are zeroed too: whoever owns the CPU sets them afterwards.
 */
import type { Cpu } from './cpu.js';
import { S } from './state.js';
import { PSR_DAIF, updateIntCheck } from './exceptions.js';
import { resetSysregs } from './sysregs/table.js';

export function resetCpu(cpu: Cpu): void {
  const s = cpu.s;
  s.fill(0);
  s[S.EL] = 1;
  s[S.SPSEL] = 1;
  s[S.DAIF] = PSR_DAIF;
  resetSysregs(cpu);
  cpu.exclValid = false;
  cpu.stop = 0;
  cpu.timeOrigin = performance.now();
  cpu.flushTlb();
  cpu.updateMode();
  updateIntCheck(cpu);
}
