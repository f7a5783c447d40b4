/* GICv3 helpers shared by the gic-* guests (virt: GICD 0x08000000, GICR 0x080A0000).
 * Register offsets and bits: Arm GIC architecture specification IHI 0069H, chapter 12. */
#ifndef GUEST_GIC_H
#define GUEST_GIC_H
#include "runtime.h"

#define GICD_BASE      0x08000000UL
#define GICR_BASE      0x080A0000UL          /* RD_base of the redistributor of CPU 0 */
#define GICR_SGI_BASE  (GICR_BASE + 0x10000UL)

#define GICD_CTLR      0x0000
#define GICD_PIDR2     0xFFE8
#define GICD_CTLR_ENABLE_G1  (1U << 1)       /* EnableGrp1 (GICD_CTLR with DS = 1) */
#define GICD_CTLR_ARE        (1U << 4)
#define GICD_CTLR_RWP        (1U << 31)

#define GICR_CTLR      0x0000
#define GICR_TYPER     0x0008
#define GICR_WAKER     0x0014
#define GICR_PIDR2     0xFFE8
#define GICR_WAKER_ProcessorSleep (1U << 1)
#define GICR_WAKER_ChildrenAsleep (1U << 2)
/* in the SGI_base frame */
#define GICR_IGROUPR0   0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ICENABLER0 0x0180
#define GICR_ISPENDR0   0x0200
#define GICR_ICPENDR0   0x0280
#define GICR_ISACTIVER0 0x0300
#define GICR_ICACTIVER0 0x0380
#define GICR_IPRIORITYR 0x0400

#define INTID_SPURIOUS  1023
#define INTID_VTIMER    27

static inline u32 mmio_r32(u64 a) { return *(volatile u32 *)a; }
static inline void mmio_w32(u64 a, u32 v) { *(volatile u32 *)a = v; }
static inline u64 mmio_r64(u64 a) { return *(volatile u64 *)a; }

/* GICv3 CPU interface system registers, by name (binutils knows them for armv8-a) */
#define ICC_READ(name) SYSREG_READ(name)
#define ICC_WRITE(name, v) SYSREG_WRITE(name, v)

static inline u32 gic_ack(void)
{
    u32 id = (u32)ICC_READ(icc_iar1_el1) & 0xffffff;
    __asm__ volatile("dsb sy" : : : "memory");
    return id;
}
static inline void gic_eoi(u32 id) { ICC_WRITE(icc_eoir1_el1, id); ISB(); }
static inline void gic_dir(u32 id) { ICC_WRITE(icc_dir_el1, id); ISB(); }
static inline u32 gic_rpr(void) { return (u32)ICC_READ(icc_rpr_el1) & 0xff; }
static inline void gic_pmr(u32 v) { ICC_WRITE(icc_pmr_el1, v); ISB(); }

/* SGI to this CPU (Aff3.Aff2.Aff1 from MPIDR_EL1, TargetList bit = Aff0; IHI 0069H 12.2.22) */
static inline void gic_sgi_self(u32 intid)
{
    u64 mpidr = SYSREG_READ(mpidr_el1);
    u64 v = ((u64)(intid & 15) << 24) | (1UL << (mpidr & 15)) | (((mpidr >> 8) & 0xff) << 16) |
            (((mpidr >> 16) & 0xff) << 32) | (((mpidr >> 32) & 0xff) << 48);
    ICC_WRITE(icc_sgi1r_el1, v);
    ISB();
}

/* Priority of an SGI/PPI (32-bit read-modify-write of GICR_IPRIORITYR<n>). */
static inline void gic_set_prio(u32 intid, u32 prio)
{
    u64 a = GICR_SGI_BASE + GICR_IPRIORITYR + (intid & ~3U);
    unsigned sh = (intid & 3) * 8;
    mmio_w32(a, (mmio_r32(a) & ~(0xffU << sh)) | (prio << sh));
}

static inline u32 gic_pending0(void) { return mmio_r32(GICR_SGI_BASE + GICR_ISPENDR0); }
static inline u32 gic_active0(void) { return mmio_r32(GICR_SGI_BASE + GICR_ISACTIVER0); }

static inline void gic_wait_rwp(void)
{
    for (int i = 0; i < 1000000 && (mmio_r32(GICD_BASE + GICD_CTLR) & GICD_CTLR_RWP); i++)
        ;
}

/* Bring up distributor, redistributor and CPU interface for Group 1 non-secure interrupts, as
 * Linux's irq-gic-v3.c does (gic_dist_init, gic_enable_redist, gic_cpu_sys_reg_init). Prints the
 * deterministic part of what it reads back. */
static void gic_init(void)
{
    u32 archrev = (mmio_r32(GICD_BASE + GICD_PIDR2) >> 4) & 0xf;
    printf("GICD_PIDR2.ArchRev %u\n", archrev);
    check_eq("GICD ArchRev", archrev, 3);
    mmio_w32(GICD_BASE + GICD_CTLR, 0);
    gic_wait_rwp();
    mmio_w32(GICD_BASE + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1);
    gic_wait_rwp();
    u32 ctlr = mmio_r32(GICD_BASE + GICD_CTLR) & (GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1);
    printf("GICD_CTLR ARE|EnableGrp1 = 0x%x\n", ctlr);
    check_eq("GICD_CTLR", ctlr, GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1);

    u32 rrev = (mmio_r32(GICR_BASE + GICR_PIDR2) >> 4) & 0xf;
    u64 typer = mmio_r64(GICR_BASE + GICR_TYPER);
    printf("GICR_PIDR2.ArchRev %u, GICR_TYPER affinity 0x%lx Last %lu\n", rrev, typer >> 32, (typer >> 4) & 1);
    check_eq("GICR ArchRev", rrev, 3);
    check_eq("GICR_TYPER.Last", (typer >> 4) & 1, 1);
    /* wake the redistributor: clear ProcessorSleep, wait for ChildrenAsleep to clear */
    u32 waker = mmio_r32(GICR_BASE + GICR_WAKER);
    mmio_w32(GICR_BASE + GICR_WAKER, waker & ~GICR_WAKER_ProcessorSleep);
    int spins = 0;
    while ((mmio_r32(GICR_BASE + GICR_WAKER) & GICR_WAKER_ChildrenAsleep) && spins < 1000000)
        spins++;
    waker = mmio_r32(GICR_BASE + GICR_WAKER) & (GICR_WAKER_ProcessorSleep | GICR_WAKER_ChildrenAsleep);
    printf("GICR_WAKER ProcessorSleep|ChildrenAsleep = 0x%x\n", waker);
    check_eq("GICR_WAKER", waker, 0);

    /* every SGI/PPI in Group 1, all disabled and inactive, nothing pending */
    mmio_w32(GICR_SGI_BASE + GICR_IGROUPR0, 0xffffffff);
    mmio_w32(GICR_SGI_BASE + GICR_ICENABLER0, 0xffffffff);
    mmio_w32(GICR_SGI_BASE + GICR_ICACTIVER0, 0xffffffff);
    mmio_w32(GICR_SGI_BASE + GICR_ICPENDR0, 0xffffffff);
    for (u32 i = 0; i < 32; i += 4)
        mmio_w32(GICR_SGI_BASE + GICR_IPRIORITYR + i, 0xa0a0a0a0);
    u32 grp = mmio_r32(GICR_SGI_BASE + GICR_IGROUPR0);
    printf("GICR_IGROUPR0 = 0x%08x\n", grp);
    check_eq("GICR_IGROUPR0", grp, 0xffffffff);

    /* CPU interface: system register access, priority mask, binary point, EOImode 0, Group 1 on */
    ICC_WRITE(icc_sre_el1, ICC_READ(icc_sre_el1) | 1);
    ISB();
    u64 sre = ICC_READ(icc_sre_el1) & 1;
    printf("ICC_SRE_EL1.SRE %lu\n", sre);
    check_eq("ICC_SRE_EL1.SRE", sre, 1);
    gic_pmr(0xf0);
    ICC_WRITE(icc_bpr1_el1, 3);
    ICC_WRITE(icc_ctlr_el1, ICC_READ(icc_ctlr_el1) & ~2UL);
    ICC_WRITE(icc_igrpen1_el1, 1);
    ISB();
    u64 pmr = ICC_READ(icc_pmr_el1), bpr = ICC_READ(icc_bpr1_el1), en = ICC_READ(icc_igrpen1_el1);
    printf("ICC_PMR_EL1 0x%lx, ICC_BPR1_EL1 %lu, ICC_IGRPEN1_EL1 %lu, idle ICC_RPR_EL1 0x%x\n", pmr, bpr, en,
           gic_rpr());
    check_eq("ICC_PMR_EL1", pmr, 0xf0);
    check_eq("ICC_BPR1_EL1", bpr, 3);
    check_eq("ICC_IGRPEN1_EL1", en, 1);
    check_eq("idle RPR", gic_rpr(), 0xff);
}

static inline void irq_unmask(void) { __asm__ volatile("msr daifclr, #2\n\tisb" : : : "memory"); }
static inline void irq_mask(void) { __asm__ volatile("msr daifset, #2\n\tisb" : : : "memory"); }

/* vector index of an IRQ taken at EL1 on SP_EL1 (runtime.h) */
#define VEC_IRQ_EL1H 5

#endif
