/* gic2-timer: the EL1 virtual timer (PPI 27) through a GICv2 (virt gic-version=2): distributor and
 * CPU interface enabled, the PPI in Group 0 signalled as IRQ (GICC_CTLR.FIQEn = 0), IMASK holding
 * the interrupt back, a polled GICC_IAR, then TICKS interrupts at a set rate taken at the IRQ
 * vector (GICC_IAR / GICC_EOIR), TVAL reprogrammed each time, then the timer stopped.
 * No counter value is ever printed. IHI 0048B chapter 4. */
#include "gic2.h"

#define TICKS 8
#define CNTV_CTL_ENABLE  1UL
#define CNTV_CTL_IMASK   2UL

static volatile int ticks, fiqs, bad_irqs;
static volatile u32 tick_iar[TICKS], tick_rpr[TICKS];
static volatile u64 tick_ctl[TICKS];
static u64 period;

static int hook(struct exc_frame *f, unsigned vec)
{
    if (vec == VEC_FIQ_EL1H) {
        fiqs++;
        return 1;
    }
    if (vec != VEC_IRQ_EL1H)
        return 0;
    u32 iar = gic_ack();
    if (IAR_INTID(iar) == INTID_VTIMER && ticks < TICKS) {
        tick_iar[ticks] = iar;
        tick_rpr[ticks] = gic_rpr();
        tick_ctl[ticks] = SYSREG_READ(cntv_ctl_el0);
        ticks++;
        if (ticks < TICKS)
            SYSREG_WRITE(cntv_tval_el0, period);  /* next deadline: deasserts the level */
        else
            SYSREG_WRITE(cntv_ctl_el0, 0);        /* last one: stop the timer */
        ISB();
        gic_eoi(iar);
    } else if (IAR_INTID(iar) != INTID_SPURIOUS) {
        bad_irqs++;
        gic_eoi(iar);
    }
    return 1;
}

int main(void)
{
    puts("gic2-timer: virtual timer PPI 27 through the GICv2\n");
    exc_hook = hook;
    gic_init();

    u64 frq = SYSREG_READ(cntfrq_el0);
    check(frq != 0, "CNTFRQ_EL0 nonzero");
    period = frq / 1000;                              /* 1 ms */

    /* PPI 27: Group 0, priority 0x80, level (ICFGR1 as reset), enabled */
    gic_set_prio(INTID_VTIMER, 0x80);
    gic_set_bit(GICD_ISENABLER, INTID_VTIMER);
    u32 en = gic_bit(GICD_ISENABLER, INTID_VTIMER);
    u32 prio = mmio_r8(GICD_BASE + GICD_IPRIORITYR + INTID_VTIMER);
    u32 grp = gic_bit(GICD_IGROUPR, INTID_VTIMER);
    printf("PPI 27: enabled %u, priority 0x%x, group %u\n", en, prio, grp);
    check_eq("PPI 27 enabled", en, 1);
    check_eq("PPI 27 priority", prio, 0x80);
    check_eq("PPI 27 group", grp, 0);

    /* 1. Timer condition met with IMASK set: ISTATUS = 1 but the PPI is not pending. */
    SYSREG_WRITE(cntv_ctl_el0, CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
    SYSREG_WRITE(cntv_tval_el0, 0);
    ISB();
    u64 ctl = SYSREG_READ(cntv_ctl_el0);
    u32 pend = gic_bit(GICD_ISPENDR, INTID_VTIMER);
    printf("masked: CNTV_CTL ISTATUS %lu, PPI 27 pending %u, GICC_HPPIR %u\n", (ctl >> 2) & 1, pend, gicc_r(GICC_HPPIR));
    check_eq("masked ISTATUS", (ctl >> 2) & 1, 1);
    check_eq("masked PPI not pending", pend, 0);

    /* 2. IMASK cleared with PSTATE.I set: pending, HPPIR shows it, IAR acknowledges it by polling. */
    SYSREG_WRITE(cntv_ctl_el0, CNTV_CTL_ENABLE);
    ISB();
    for (int i = 0; i < 100000 && !gic_bit(GICD_ISPENDR, INTID_VTIMER); i++)
        ;
    pend = gic_bit(GICD_ISPENDR, INTID_VTIMER);
    u32 hppir = gicc_r(GICC_HPPIR);
    printf("unmasked timer, PSTATE.I set: PPI 27 pending %u, GICC_HPPIR %u, ticks %d\n", pend, hppir, ticks);
    check_eq("PPI 27 pending", pend, 1);
    check_eq("HPPIR", hppir, INTID_VTIMER);
    u32 iar = gic_ack();
    u32 rpr = gic_rpr();
    u32 act = gic_bit(GICD_ISACTIVER, INTID_VTIMER);
    printf("polled GICC_IAR = %u, RPR 0x%x, active %u\n", iar, rpr, act);
    check_eq("polled IAR", iar, INTID_VTIMER);
    check_eq("polled RPR", rpr, 0x80);
    check_eq("polled active", act, 1);
    SYSREG_WRITE(cntv_ctl_el0, CNTV_CTL_ENABLE | CNTV_CTL_IMASK);   /* drop the level */
    ISB();
    gic_eoi(iar);
    act = gic_bit(GICD_ISACTIVER, INTID_VTIMER);
    printf("after GICC_EOIR: active %u, RPR 0x%x\n", act, gic_rpr());
    check_eq("EOI deactivates", act, 0);
    check_eq("RPR idle", gic_rpr(), 0xff);

    /* 3. PMR at the PPI's priority masks it: pending, IAR 1023. */
    gic_pmr(0x80);
    SYSREG_WRITE(cntv_ctl_el0, CNTV_CTL_ENABLE);
    ISB();
    for (int i = 0; i < 100000 && !gic_bit(GICD_ISPENDR, INTID_VTIMER); i++)
        ;
    iar = gic_ack();
    printf("PMR 0x80: PPI 27 pending %u, GICC_IAR %u\n", gic_bit(GICD_ISPENDR, INTID_VTIMER), iar);
    check_eq("masked by PMR", iar, INTID_SPURIOUS);
    SYSREG_WRITE(cntv_ctl_el0, 0);
    ISB();
    gic_pmr(0xf0);

    /* 4. TICKS interrupts at the IRQ vector, one per period, reprogrammed in the handler. */
    SYSREG_WRITE(cntv_tval_el0, period);
    SYSREG_WRITE(cntv_ctl_el0, CNTV_CTL_ENABLE);
    ISB();
    irq_unmask();
    while (ticks < TICKS)
        __asm__ volatile("wfi" : : : "memory");
    irq_mask();
    for (int n = 0; n < TICKS; n++) {
        u64 c = tick_ctl[n];
        printf("tick %d: GICC_IAR %u, RPR in handler 0x%x, CNTV_CTL ISTATUS %lu\n", n + 1, tick_iar[n], tick_rpr[n],
               (c >> 2) & 1);
        check_eq("tick IAR", tick_iar[n], INTID_VTIMER);
        check_eq("tick RPR", tick_rpr[n], 0x80);
        check_eq("tick ISTATUS", (c >> 2) & 1, 1);
    }
    ctl = SYSREG_READ(cntv_ctl_el0);
    printf("timer stopped: CNTV_CTL ENABLE %lu, RPR 0x%x, other IRQs %d, FIQs %d\n", ctl & 1, gic_rpr(), bad_irqs, fiqs);
    check_eq("timer stopped", ctl & 1, 0);
    check_eq("RPR idle at the end", gic_rpr(), 0xff);
    check_eq("no other IRQs", bad_irqs, 0);
    check_eq("no FIQs", fiqs, 0);

    /* 5. CPU interface Group 0 disabled: pending, but GICC_IAR is 1023. */
    gicc_w(GICC_CTLR, 0);
    SYSREG_WRITE(cntv_tval_el0, 0);
    SYSREG_WRITE(cntv_ctl_el0, CNTV_CTL_ENABLE);
    ISB();
    for (int i = 0; i < 100000 && !gic_bit(GICD_ISPENDR, INTID_VTIMER); i++)
        ;
    pend = gic_bit(GICD_ISPENDR, INTID_VTIMER);
    iar = gic_ack();
    printf("GICC_CTLR.EnableGrp0 = 0: pending %u, GICC_IAR %u\n", pend, iar);
    check_eq("disabled pending", pend, 1);
    check_eq("disabled IAR", iar, INTID_SPURIOUS);
    SYSREG_WRITE(cntv_ctl_el0, 0);
    ISB();

    csum_add(ticks);
    return finish("gic2-timer");
}
