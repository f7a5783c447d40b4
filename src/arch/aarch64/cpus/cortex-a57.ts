import type { CpuModel } from './model.js';

/**
 * Arm Cortex-A57 r1p0, as QEMU's `-cpu cortex-a57` describes it (values from the Cortex-A57 TRM,
 * ARM DDI 0488H, chapter 4), with the PMU hidden: typevisor emulates no PMU, and KVM shows
 * PMUVer 0 unless KVM_ARM_VCPU_PMU_V3 is requested.
 */
export const cortexA57: CpuModel = {
  name: 'cortex-a57',
  compatible: 'arm,cortex-a57',
  kvmTarget: 2, // KVM_ARM_TARGET_CORTEX_A57
  midr: 0x411fd070n,
  revidr: 0n,
  aidr: 0n,
  ctr: 0x8444c004n,
  dczid: 4n, // 64-byte DC ZVA blocks
  clidr: 0x0a200023n,
  ccsidr: [0x701fe00an, 0x201fe012n, 0x70ffe07an],
  sctlrReset: 0x00c50838n,
  id: {
    ID_PFR0_EL1: 0x00000131n,
    ID_PFR1_EL1: 0x00011011n,
    ID_DFR0_EL1: 0x03010066n,
    ID_MMFR0_EL1: 0x10101105n,
    ID_MMFR1_EL1: 0x40000000n,
    ID_MMFR2_EL1: 0x01260000n,
    ID_MMFR3_EL1: 0x02102211n,
    ID_ISAR0_EL1: 0x02101110n,
    ID_ISAR1_EL1: 0x13112111n,
    ID_ISAR2_EL1: 0x21232042n,
    ID_ISAR3_EL1: 0x01112131n,
    ID_ISAR4_EL1: 0x00011142n,
    ID_ISAR5_EL1: 0x00011121n,
    MVFR0_EL1: 0x10110222n,
    MVFR1_EL1: 0x12111111n,
    MVFR2_EL1: 0x00000043n,
    ID_AA64PFR0_EL1: 0x00002222n, // EL0-EL3 AArch64+AArch32, FP, AdvSIMD
    ID_AA64DFR0_EL1: 0x10305006n, // DebugVer 8.0, 6 BRPs, 4 WRPs, PMUVer 0 (see above)
    ID_AA64ISAR0_EL1: 0x00011120n, // AES+PMULL, SHA1, SHA256, CRC32
    ID_AA64MMFR0_EL1: 0x00001124n, // 44-bit PA, 16-bit ASID, 4K and 64K granules (no 16K)
  },
};
