/**
 * The architecture's system-register descriptor table (to be filled by the sysreg work).
 * resetSysregs() gives every stored register its reset value.
 */
import type { Cpu } from '../cpu.js';
import { SR } from '../state.js';

export function resetSysregs(cpu: Cpu): void {
  const v = cpu.model.sctlrReset;
  cpu.setSr(SR.SCTLR_EL1, Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)));
}
