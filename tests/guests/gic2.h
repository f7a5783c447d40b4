/* GICv2 helpers shared by the gic2-* guests (virt with gic-version=2: GICD 0x08000000,
 * GICC 0x08010000). Register offsets and bits: Arm GIC architecture specification IHI 0048B.b,
 * chapter 4 (4.1.2 Distributor register map, 4.1.3 CPU interface register map). No Security
 * Extensions: every interrupt stays in Group 0 and, with GICC_CTLR.FIQEn = 0, is signalled as
 * IRQ, as Linux's irq-gic.c runs it. */
#ifndef GUEST_GIC2_H
#define GUEST_GIC2_H
#include "runtime.h"

#define GICD_BASE      0x08000000UL
#define GICC_BASE      0x08010000UL

#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define GICD_IGROUPR    0x080
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_ISPENDR    0x200
#define GICD_ICPENDR    0x280
#define GICD_ISACTIVER  0x300
#define GICD_ICACTIVER  0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR  0x800
#define GICD_ICFGR      0xC00
#define GICD_SGIR       0xF00
#define GICD_CPENDSGIR  0xF10
#define GICD_SPENDSGIR  0xF20
#define GICD_PIDR2      0xFE8
#define GICD_CTLR_ENABLE_G0 (1U << 0)

#define GICC_CTLR   0x0000
#define GICC_PMR    0x0004
#define GICC_BPR    0x0008
#define GICC_IAR    0x000C
#define GICC_EOIR   0x0010
#define GICC_RPR    0x0014
#define GICC_HPPIR  0x0018
#define GICC_DIR    0x1000
#define GICC_CTLR_ENABLE_G0 (1U << 0)
#define GICC_CTLR_EOImodeNS (1U << 9)   /* Linux's name for bit 9 (EOImode of this view) */

/* GICD_SGIR.TargetListFilter (4.3.15) */
#define SGIR_TO_LIST   (0U << 24)
#define SGIR_TO_OTHERS (1U << 24)
#define SGIR_TO_SELF   (2U << 24)

#define INTID_SPURIOUS  1023
#define INTID_VTIMER    27
#define IAR_INTID(v)    ((v) & 0x3ff)
#define IAR_CPUID(v)    (((v) >> 10) & 7)

/* MMIO through plain LDR/STR [Xn]: a writeback or pair form has no valid syndrome (ISV = 0,
 * Arm ARM D24.2.41) and a hypervisor cannot emulate it, so the compiler must not pick one. */
static inline u32 mmio_r32(u64 a) { u32 v; __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory"); return v; }
static inline void mmio_w32(u64 a, u32 v) { __asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(a) : "memory"); }
static inline u8 mmio_r8(u64 a) { u32 v; __asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(a) : "memory"); return (u8)v; }
static inline void mmio_w8(u64 a, u8 v) { __asm__ volatile("strb %w0, [%1]" : : "r"((u32)v), "r"(a) : "memory"); }

static inline u32 gicd_r(u32 off) { return mmio_r32(GICD_BASE + off); }
static inline void gicd_w(u32 off, u32 v) { mmio_w32(GICD_BASE + off, v); }
static inline u32 gicc_r(u32 off) { return mmio_r32(GICC_BASE + off); }
static inline void gicc_w(u32 off, u32 v) { mmio_w32(GICC_BASE + off, v); }

/* the full IAR value: CPUID [12:10] (SGIs) | INTID [9:0] */
static inline u32 gic_ack(void)
{
    u32 v = gicc_r(GICC_IAR);
    DSB();
    return v;
}
static inline void gic_eoi(u32 iar) { gicc_w(GICC_EOIR, iar); DSB(); }
static inline void gic_dir(u32 iar) { gicc_w(GICC_DIR, iar); DSB(); }
static inline u32 gic_rpr(void) { return gicc_r(GICC_RPR) & 0xff; }
static inline void gic_pmr(u32 v) { gicc_w(GICC_PMR, v); DSB(); }
static inline u32 gic_bit(u32 base, u32 intid) { return (gicd_r(base + 4 * (intid / 32)) >> (intid % 32)) & 1; }
static inline void gic_set_bit(u32 base, u32 intid) { gicd_w(base + 4 * (intid / 32), 1U << (intid % 32)); }
static inline void gic_set_prio(u32 intid, u32 prio) { mmio_w8(GICD_BASE + GICD_IPRIORITYR + intid, prio); }
static inline void gic_set_target(u32 intid, u32 cpus) { mmio_w8(GICD_BASE + GICD_ITARGETSR + intid, cpus); }
/* ICFGR: 2 bits per INTID, bit 1 set = edge-triggered */
static inline void gic_set_edge(u32 intid, int edge)
{
    u32 off = GICD_ICFGR + 4 * (intid / 16), sh = 2 * (intid % 16) + 1;
    gicd_w(off, (gicd_r(off) & ~(1U << sh)) | ((u32)(edge != 0) << sh));
}

/* Bring up distributor and CPU interface as Linux's irq-gic.c does (gic_dist_init,
 * gic_cpu_init): everything Group 0, disabled, inactive, not pending, priority 0xa0, SPIs to
 * CPU 0; then both enabled with PMR 0xf0 and BPR 3. Prints the deterministic part. */
static void gic_init(void)
{
    u32 archrev = (gicd_r(GICD_PIDR2) >> 4) & 0xf;
    u32 typer = gicd_r(GICD_TYPER);
    printf("GICD_PIDR2.ArchRev %u, GICD_TYPER ITLinesNumber %u CPUNumber %u\n", archrev, typer & 0x1f, (typer >> 5) & 7);
    check_eq("GICD ArchRev", archrev, 2);
    check_eq("GICD_TYPER.ITLinesNumber", typer & 0x1f, 8);
    gicd_w(GICD_CTLR, 0);
    u32 nlines = 32 * ((typer & 0x1f) + 1);
    for (u32 i = 0; i < nlines; i += 32) {
        gicd_w(GICD_IGROUPR + i / 8, 0);
        gicd_w(GICD_ICENABLER + i / 8, 0xffffffff);
        gicd_w(GICD_ICACTIVER + i / 8, 0xffffffff);
        gicd_w(GICD_ICPENDR + i / 8, 0xffffffff);
    }
    for (u32 i = 0; i < nlines; i += 4)
        gicd_w(GICD_IPRIORITYR + i, 0xa0a0a0a0);
    for (u32 i = 32; i < nlines; i += 4)
        gicd_w(GICD_ITARGETSR + i, 0x01010101);
    gicd_w(GICD_CPENDSGIR, 0xffffffff);
    gicd_w(GICD_CPENDSGIR + 4, 0xffffffff);
    gicd_w(GICD_CPENDSGIR + 8, 0xffffffff);
    gicd_w(GICD_CPENDSGIR + 12, 0xffffffff);
    /* one CPU: "In a uniprocessor implementation ... the GICD_ITARGETSRs are RAZ/WI" (4.3.12) */
    u32 t0 = gicd_r(GICD_ITARGETSR);
    printf("GICD_ITARGETSR0 (SGIs 0-3) = 0x%08x, GICD_IGROUPR0 = 0x%08x\n", t0, gicd_r(GICD_IGROUPR));
    check_eq("ITARGETSR0 RAZ with one CPU", t0, 0);
    gicd_w(GICD_CTLR, GICD_CTLR_ENABLE_G0);
    u32 ctlr = gicd_r(GICD_CTLR) & 3;
    printf("GICD_CTLR = 0x%x\n", ctlr);
    check_eq("GICD_CTLR", ctlr, GICD_CTLR_ENABLE_G0);

    gic_pmr(0xf0);
    gicc_w(GICC_BPR, 3);
    gicc_w(GICC_CTLR, GICC_CTLR_ENABLE_G0);
    u32 pmr = gicc_r(GICC_PMR), bpr = gicc_r(GICC_BPR), cc = gicc_r(GICC_CTLR) & 0x21f;
    printf("GICC_PMR 0x%x, GICC_BPR %u, GICC_CTLR 0x%x, idle GICC_RPR 0x%x, GICC_IAR %u\n", pmr, bpr, cc, gic_rpr(),
           gicc_r(GICC_IAR));
    check_eq("GICC_PMR", pmr, 0xf0);
    check_eq("GICC_BPR", bpr, 3);
    check_eq("GICC_CTLR", cc, GICC_CTLR_ENABLE_G0);
    check_eq("idle RPR", gic_rpr(), 0xff);
}

static inline void irq_unmask(void) { __asm__ volatile("msr daifclr, #2\n\tisb" : : : "memory"); }
static inline void irq_mask(void) { __asm__ volatile("msr daifset, #2\n\tisb" : : : "memory"); }

/* vector index of an IRQ taken at EL1 on SP_EL1 (runtime.h) */
#define VEC_IRQ_EL1H 5
/* an FIQ at EL1 on SP_EL1: must never happen (FIQEn = 0) */
#define VEC_FIQ_EL1H 6

#endif
