/**
 * The GICv3 CPU interface System registers, ICC_*_EL1 (Arm IHI 0069H chapter 12 "System
 * Register Descriptions", the ICC_* registers), as a guest at EL1 sees them under KVM's vGICv3:
 * every access is served by the virtual CPU interface (the ICV_* registers) from the list
 * registers (gic/vcpu-if.ts).
 *
 * Choices, and where they depart from a real PE:
 * - The rows exist when ID_AA64PFR0_EL1.GIC (bits [27:24]) is non-zero, which the hypervisor sets
 *   for a VM with a vGICv3 (hyp/arm/id-regs.ts, gicV3); otherwise ICC_* stay UNDEFINED, as for
 *   a PE without the System register interface (IHI 0069H ch. 12). ICH_HCR_EL2.En does not hide them: with
 *   En = 0 the ICV registers still work and simply signal nothing (ICH_HCR_EL2.En), so the IAR reads 1023.
 * - The machine has no physical CPU interface: the ICV_* view is used whatever HCR_EL2.IMO/FMO
 *   say (KVM always runs guests with both set, HCR_GUEST_FLAGS). The SGI generation registers
 *   trap to EL2 with EC 0x18 when the routing bit is set (ICC_SGI1R_EL1, ICC_ASGI1R_EL1: IMO;
 *   ICC_SGI0R_EL1: FMO), the hypervisor's vGIC emulating them (KVM's access_gic_sgi()); with the
 *   bit clear there is no distributor to receive them and writes are ignored.
 * - ICC_SRE_EL1 reads SRE | DFB | DIB = 0x7, writes ignored (KVM's vgic_sre).
 * - ICV_AP0R<n>/AP1R<n>_EL1 exist for n < NUM_APRS (5 preemption bits: n = 0 only); the others
 *   are UNDEFINED (ICV_AP0R<n>_EL1: "unimplemented registers are UNDEFINED").
 * - Everything is EL1-only: ICC_* at EL0 are UNDEFINED (no ICC_SRE_EL1-controlled EL0 access).
 * - ICH_HCR_EL2.TC/TALL0/TALL1 (trap ICV accesses to EL2) are not implemented (see vcpu-if.ts).
 *
 * Rows have no storage: the state is the ICH_* words of the virtual interface, saved by the
 * hypervisor through gic/vcpu-if.ts (ICH_STATE), so REG_LIST does not list them (as KVM, where
 * they travel through KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS). Reading a row through sysregValue() runs
 * its handler: never do that for ICC_IAR0/1_EL1, whose read acknowledges an interrupt.
 */
import type { Cpu } from '../cpu.js';
import {
  SysregDesc,
  reg,
  A_R,
  A_W,
  A_RW,
  idField,
  writeIgnore,
  HCR_FMO,
  HCR_IMO,
} from './desc.js';
import {
  NUM_APRS,
  ICC_SRE_EL1_VALUE,
  icvReadIar,
  icvWriteEoir,
  icvWriteDir,
  icvReadHppir,
  icvReadRpr,
  icvReadPmr,
  icvWritePmr,
  icvReadBpr,
  icvWriteBpr,
  icvReadCtlr,
  icvWriteCtlr,
  icvReadIgrpen,
  icvWriteIgrpen,
  icvReadApr,
  icvWriteApr,
} from '../gic/vcpu-if.js';


/** ID_AA64PFR0_EL1.GIC != 0: the GIC System register interface exists. */
export function gicSysregsVisible(cpu: Cpu): boolean {
  return idField(cpu, 4, 0, 24) !== 0;
}

/** ICV_AP0R<n>/AP1R<n>_EL1 beyond NUM_APRS. */
function unimplemented(_cpu: Cpu): boolean {
  return false;
}

// ---- handlers: the group comes from the encoding (CRm 8 = Group 0, CRm 12 = Group 1) --------

function group(d: SysregDesc): number {
  return d.crm === 8 ? 0 : 1;
}

function readIar(cpu: Cpu, d: SysregDesc): number {
  cpu.rhi = 0;
  return icvReadIar(cpu, group(d));
}

function writeEoir(cpu: Cpu, d: SysregDesc, lo: number, _hi: number): void {
  icvWriteEoir(cpu, group(d), lo);
}

function readHppir(cpu: Cpu, d: SysregDesc): number {
  cpu.rhi = 0;
  return icvReadHppir(cpu, group(d));
}

function readBpr(cpu: Cpu, d: SysregDesc): number {
  cpu.rhi = 0;
  return icvReadBpr(cpu, group(d));
}

function writeBpr(cpu: Cpu, d: SysregDesc, lo: number, _hi: number): void {
  icvWriteBpr(cpu, group(d), lo);
}

function writeDir(cpu: Cpu, _d: SysregDesc, lo: number, _hi: number): void {
  icvWriteDir(cpu, lo);
}

function readRpr(cpu: Cpu, _d: SysregDesc): number {
  cpu.rhi = 0;
  return icvReadRpr(cpu);
}

function readPmr(cpu: Cpu, _d: SysregDesc): number {
  cpu.rhi = 0;
  return icvReadPmr(cpu);
}

function writePmr(cpu: Cpu, _d: SysregDesc, lo: number, _hi: number): void {
  icvWritePmr(cpu, lo);
}

function readCtlr(cpu: Cpu, _d: SysregDesc): number {
  cpu.rhi = 0;
  return icvReadCtlr(cpu);
}

function writeCtlr(cpu: Cpu, _d: SysregDesc, lo: number, _hi: number): void {
  icvWriteCtlr(cpu, lo);
}

function readSre(cpu: Cpu, _d: SysregDesc): number {
  cpu.rhi = 0;
  return ICC_SRE_EL1_VALUE;
}

/** IGRPEN0 is op2 6, IGRPEN1 op2 7. */
function readIgrpen(cpu: Cpu, d: SysregDesc): number {
  cpu.rhi = 0;
  return icvReadIgrpen(cpu, d.op2 & 1);
}

function writeIgrpen(cpu: Cpu, d: SysregDesc, lo: number, _hi: number): void {
  icvWriteIgrpen(cpu, d.op2 & 1, lo);
}

/** AP0R<n>: CRm 8, op2 4 + n; AP1R<n>: CRm 9, op2 n. */
function readApr(cpu: Cpu, d: SysregDesc): number {
  cpu.rhi = 0;
  return icvReadApr(cpu, d.crm & 1, d.op2 & 3);
}

function writeApr(cpu: Cpu, d: SysregDesc, lo: number, _hi: number): void {
  icvWriteApr(cpu, d.crm & 1, d.op2 & 3, lo);
}

// ---- rows -----------------------------------------------------------------------------------------

const GIC = { visible: gicSysregsVisible };

/** ICC_AP0R<n>_EL1 (3, 0, 12, 8, 4 + n) or ICC_AP1R<n>_EL1 (3, 0, 12, 9, n), n = 0..3. */
function aprRows(g: 0 | 1): SysregDesc[] {
  const out: SysregDesc[] = [];
  for (let n = 0; n < 4; n++) {
    out.push(
      reg(`ICC_AP${g}R${n}_EL1`, 3, 0, 12, 8 + g, g === 0 ? 4 + n : n, {
        access: A_RW,
        visible: n < NUM_APRS ? gicSysregsVisible : unimplemented,
        read: readApr,
        write: writeApr,
      }),
    );
  }
  return out;
}

export const gicRows: readonly SysregDesc[] = [
  reg('ICC_PMR_EL1', 3, 0, 4, 6, 0, { ...GIC, read: readPmr, write: writePmr }),
  // CRm 8: Group 0
  reg('ICC_IAR0_EL1', 3, 0, 12, 8, 0, { access: A_R, ...GIC, read: readIar }),
  reg('ICC_EOIR0_EL1', 3, 0, 12, 8, 1, { access: A_W, ...GIC, write: writeEoir }),
  reg('ICC_HPPIR0_EL1', 3, 0, 12, 8, 2, { access: A_R, ...GIC, read: readHppir }),
  reg('ICC_BPR0_EL1', 3, 0, 12, 8, 3, { ...GIC, read: readBpr, write: writeBpr }),
  ...aprRows(0),
  // CRm 9
  ...aprRows(1),
  // CRm 11: deactivation, running priority, SGI generation
  reg('ICC_DIR_EL1', 3, 0, 12, 11, 1, { access: A_W, ...GIC, write: writeDir }),
  reg('ICC_RPR_EL1', 3, 0, 12, 11, 3, { access: A_R, ...GIC, read: readRpr }),
  reg('ICC_SGI1R_EL1', 3, 0, 12, 11, 5, { access: A_W, ...GIC, hcrWrite: HCR_IMO, write: writeIgnore }),
  reg('ICC_ASGI1R_EL1', 3, 0, 12, 11, 6, { access: A_W, ...GIC, hcrWrite: HCR_IMO, write: writeIgnore }),
  reg('ICC_SGI0R_EL1', 3, 0, 12, 11, 7, { access: A_W, ...GIC, hcrWrite: HCR_FMO, write: writeIgnore }),
  // CRm 12: Group 1 and control
  reg('ICC_IAR1_EL1', 3, 0, 12, 12, 0, { access: A_R, ...GIC, read: readIar }),
  reg('ICC_EOIR1_EL1', 3, 0, 12, 12, 1, { access: A_W, ...GIC, write: writeEoir }),
  reg('ICC_HPPIR1_EL1', 3, 0, 12, 12, 2, { access: A_R, ...GIC, read: readHppir }),
  reg('ICC_BPR1_EL1', 3, 0, 12, 12, 3, { ...GIC, read: readBpr, write: writeBpr }),
  reg('ICC_CTLR_EL1', 3, 0, 12, 12, 4, { ...GIC, read: readCtlr, write: writeCtlr }),
  reg('ICC_SRE_EL1', 3, 0, 12, 12, 5, { ...GIC, read: readSre, write: writeIgnore }),
  reg('ICC_IGRPEN0_EL1', 3, 0, 12, 12, 6, { ...GIC, read: readIgrpen, write: writeIgrpen }),
  reg('ICC_IGRPEN1_EL1', 3, 0, 12, 12, 7, { ...GIC, read: readIgrpen, write: writeIgrpen }),
];
