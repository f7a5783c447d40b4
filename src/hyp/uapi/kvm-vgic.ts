/**
 * The vGIC device API's constants: Linux's include/uapi/linux/kvm.h (KVM_DEV_TYPE_*) and
 * arch/arm64/include/uapi/asm/kvm.h (KVM_VGIC_*, KVM_DEV_ARM_VGIC_*), values as Linux defines
 * them (Documentation/virt/kvm/devices/arm-vgic.rst, arm-vgic-v3.rst). Never re-derived.
 */

/** enum kvm_device_type. */
export const KVM_DEV_TYPE_ARM_VGIC_V2 = 5;
export const KVM_DEV_TYPE_ARM_VGIC_V3 = 7;
export const KVM_DEV_TYPE_ARM_VGIC_ITS = 8;

/** KVM_DEV_ARM_VGIC_GRP_ADDR attributes (address types). */
export const KVM_VGIC_V2_ADDR_TYPE_DIST = 0;
export const KVM_VGIC_V2_ADDR_TYPE_CPU = 1;
export const KVM_VGIC_V3_ADDR_TYPE_DIST = 2;
export const KVM_VGIC_V3_ADDR_TYPE_REDIST = 3;
export const KVM_VGIC_ITS_ADDR_TYPE = 4;
export const KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION = 5;

/** Frame sizes. */
export const KVM_VGIC_V2_DIST_SIZE = 0x1000;
export const KVM_VGIC_V2_CPU_SIZE = 0x2000;
export const KVM_VGIC_V3_DIST_SIZE = 0x10000;
export const KVM_VGIC_V3_REDIST_SIZE = 2 * 0x10000;
export const KVM_VGIC_V3_ITS_SIZE = 2 * 0x10000;

/** KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION value: count[63:52] | base[51:16] | flags[15:12] | index[11:0]. */
export const KVM_VGIC_V3_RDIST_INDEX_MASK = 0xfffn;
export const KVM_VGIC_V3_RDIST_FLAGS_SHIFT = 12n;
export const KVM_VGIC_V3_RDIST_FLAGS_MASK = 0xfn << 12n;
export const KVM_VGIC_V3_RDIST_BASE_MASK = ((1n << 52n) - 1n) & ~0xffffn;
export const KVM_VGIC_V3_RDIST_COUNT_SHIFT = 52n;
export const KVM_VGIC_V3_RDIST_COUNT_MASK = 0xfffn << 52n;

/** Attribute groups. */
export const KVM_DEV_ARM_VGIC_GRP_ADDR = 0;
export const KVM_DEV_ARM_VGIC_GRP_DIST_REGS = 1;
export const KVM_DEV_ARM_VGIC_GRP_CPU_REGS = 2;
export const KVM_DEV_ARM_VGIC_GRP_NR_IRQS = 3;
export const KVM_DEV_ARM_VGIC_GRP_CTRL = 4;
export const KVM_DEV_ARM_VGIC_GRP_REDIST_REGS = 5;
export const KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS = 6;
export const KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO = 7;
export const KVM_DEV_ARM_VGIC_GRP_ITS_REGS = 8;

/** KVM_DEV_ARM_VGIC_GRP_CTRL attributes. */
export const KVM_DEV_ARM_VGIC_CTRL_INIT = 0;
export const KVM_DEV_ARM_ITS_SAVE_TABLES = 1;
export const KVM_DEV_ARM_ITS_RESTORE_TABLES = 2;
export const KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES = 3;
export const KVM_DEV_ARM_ITS_CTRL_RESET = 4;

/** DIST/REDIST_REGS and CPU_SYSREGS attr: mpidr[63:32] | offset (or instr[15:0]). */
export const KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT = 32n;
export const KVM_DEV_ARM_VGIC_OFFSET_MASK = 0xffffffffn;
export const KVM_DEV_ARM_VGIC_SYSREG_INSTR_MASK = 0xffffn;

/** GICv2 DIST_REGS and CPU_REGS attr: cpuid[39:32] | offset[31:0] (arm-vgic.rst). */
export const KVM_DEV_ARM_VGIC_CPUID_SHIFT = 32n;
export const KVM_DEV_ARM_VGIC_CPUID_MASK = 0xffn << 32n;

/** The most vCPUs a GICv2 serves (include/kvm/arm_vgic.h VGIC_V2_MAX_CPUS: CPUTargetList is 8 bits). */
export const VGIC_V2_MAX_CPUS = 8;

/** LEVEL_INFO attr: mpidr[63:32] | info[31:10] | vINTID[9:0]. */
export const KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT = 10;
export const KVM_DEV_ARM_VGIC_LINE_LEVEL_INTID_MASK = 0x3ff;
export const VGIC_LEVEL_INFO_LINE_LEVEL = 0;

/** KVM_IRQ_LINE irq field (arm64): [31:28] vcpu2_index, [27:24] type, [23:16] vcpu_index, [15:0] number. */
export const KVM_ARM_IRQ_VCPU2_SHIFT = 28;
export const KVM_ARM_IRQ_VCPU2_MASK = 0xf;
export const KVM_ARM_IRQ_TYPE_SHIFT = 24;
export const KVM_ARM_IRQ_TYPE_MASK = 0xf;
export const KVM_ARM_IRQ_VCPU_SHIFT = 16;
export const KVM_ARM_IRQ_VCPU_MASK = 0xff;
export const KVM_ARM_IRQ_NUM_MASK = 0xffff;
export const KVM_ARM_IRQ_TYPE_CPU = 0;
export const KVM_ARM_IRQ_TYPE_SPI = 1;
export const KVM_ARM_IRQ_TYPE_PPI = 2;
export const KVM_ARM_IRQ_CPU_IRQ = 0;
export const KVM_ARM_IRQ_CPU_FIQ = 1;
/** The highest SPI INTID (VGIC_MAX_SPI). */
export const KVM_ARM_IRQ_GIC_MAX = 127;
