/* gic-timer: the EL1 virtual timer (PPI 27) through a GICv3: redistributor wake-up, PPI enable,
 * CNTV_TVAL/CNTV_CTL, IMASK holding the interrupt back, N interrupts taken at the IRQ vector
 * (ICC_IAR1_EL1 / ICC_EOIR1_EL1), TVAL reprogrammed each time, then the timer stopped.
 * No counter value is ever printed. */
#include "gic.h"

#define TICKS 5
#define CNTV_CTL_ENABLE  1UL
#define CNTV_CTL_IMASK   2UL
#define CNTV_CTL_ISTATUS 4UL

static volatile int ticks;
/* recorded by the handler, printed afterwards: the transcript does not depend on timing */
static volatile u32 tick_intid[TICKS], tick_rpr[TICKS];
static volatile u64 tick_ctl[TICKS];
static volatile int bad_irqs;
static u64 period;

static int hook(struct exc_frame *f, unsigned vec)
{
    if (vec != VEC_IRQ_EL1H)
        return 0;
    u32 id = gic_ack();
    if (id == INTID_VTIMER && ticks < TICKS) {
        tick_intid[ticks] = id;
        tick_rpr[ticks] = gic_rpr();
        tick_ctl[ticks] = SYSREG_READ(cntv_ctl_el0);
        ticks++;
        if (ticks < TICKS) {
            SYSREG_WRITE(cntv_tval_el0, period);  /* next deadline: deasserts the level */
        } else {
            SYSREG_WRITE(cntv_ctl_el0, 0);        /* last one: stop the timer */
        }
        ISB();
        gic_eoi(id);
    } else if (id != INTID_SPURIOUS) {
        bad_irqs++;
        gic_eoi(id);
    }
    return 1;
}

int main(void)
{
    puts("gic-timer: virtual timer PPI 27 through the GICv3\n");
    exc_hook = hook;
    gic_init();

    u64 frq = SYSREG_READ(cntfrq_el0);
    check(frq != 0, "CNTFRQ_EL0 nonzero");
    period = frq / 500;                               /* 2 ms */

    /* PPI 27: Group 1 (gic_init), priority 0x80, level-sensitive (GICR_ICFGR1 reset), enabled */
    gic_set_prio(INTID_VTIMER, 0x80);
    mmio_w32(GICR_SGI_BASE + GICR_ISENABLER0, 1U << INTID_VTIMER);
    u32 en = mmio_r32(GICR_SGI_BASE + GICR_ISENABLER0);
    u32 prio = (mmio_r32(GICR_SGI_BASE + GICR_IPRIORITYR + 24) >> 24) & 0xff;
    printf("GICR_ISENABLER0 bit 27 = %u, priority 0x%x\n", (en >> 27) & 1, prio);
    check_eq("PPI 27 enabled", (en >> 27) & 1, 1);
    check_eq("PPI 27 priority", prio, 0x80);

    /* 1. Timer condition met with IMASK set: ISTATUS = 1 but the PPI is not pending. */
    SYSREG_WRITE(cntv_ctl_el0, CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
    SYSREG_WRITE(cntv_tval_el0, 0);
    ISB();
    u64 ctl = SYSREG_READ(cntv_ctl_el0);
    u32 pend = (gic_pending0() >> INTID_VTIMER) & 1;
    printf("masked: CNTV_CTL ENABLE %lu IMASK %lu ISTATUS %lu, PPI 27 pending %u\n", ctl & 1, (ctl >> 1) & 1,
           (ctl >> 2) & 1, pend);
    check_eq("masked ISTATUS", (ctl >> 2) & 1, 1);
    check_eq("masked PPI not pending", pend, 0);

    /* 2. IMASK cleared with PSTATE.I set: the PPI becomes pending, nothing is taken yet;
     *    acknowledging by polling works with PSTATE.I masked. */
    SYSREG_WRITE(cntv_ctl_el0, CNTV_CTL_ENABLE);
    ISB();
    for (int i = 0; i < 100000 && !((gic_pending0() >> INTID_VTIMER) & 1); i++)
        ;
    pend = (gic_pending0() >> INTID_VTIMER) & 1;
    printf("unmasked timer, PSTATE.I set: PPI 27 pending %u, ticks %d\n", pend, ticks);
    check_eq("PPI 27 pending", pend, 1);
    check_eq("no IRQ with PSTATE.I set", ticks, 0);
    u32 id = gic_ack();
    u32 rpr = gic_rpr();
    u32 act = (gic_active0() >> INTID_VTIMER) & 1;
    printf("polled ICC_IAR1_EL1 = %u, RPR 0x%x, active %u\n", id, rpr, act);
    check_eq("polled IAR1", id, INTID_VTIMER);
    check_eq("polled RPR", rpr, 0x80);
    check_eq("polled active", act, 1);
    SYSREG_WRITE(cntv_ctl_el0, CNTV_CTL_ENABLE | CNTV_CTL_IMASK);   /* drop the level */
    ISB();
    gic_eoi(id);
    act = (gic_active0() >> INTID_VTIMER) & 1;
    printf("after EOIR1: active %u, RPR 0x%x\n", act, gic_rpr());
    check_eq("EOI deactivates", act, 0);
    check_eq("RPR idle", gic_rpr(), 0xff);
    for (int i = 0; i < 100000 && ((gic_pending0() >> INTID_VTIMER) & 1); i++)
        ;
    pend = (gic_pending0() >> INTID_VTIMER) & 1;
    printf("IMASK set again: PPI 27 pending %u\n", pend);
    check_eq("level dropped", pend, 0);

    /* 3. TICKS interrupts taken at the IRQ vector, TVAL reprogrammed in the handler. */
    SYSREG_WRITE(cntv_tval_el0, period);
    SYSREG_WRITE(cntv_ctl_el0, CNTV_CTL_ENABLE);
    ISB();
    irq_unmask();
    while (ticks < TICKS)
        __asm__ volatile("wfi" : : : "memory");
    irq_mask();
    for (int n = 0; n < TICKS; n++) {
        u64 c = tick_ctl[n];
        printf("tick %d: INTID %u, RPR in handler 0x%x, CNTV_CTL ISTATUS %lu IMASK %lu\n", n + 1, tick_intid[n],
               tick_rpr[n], (c >> 2) & 1, (c >> 1) & 1);
        check_eq("tick INTID", tick_intid[n], INTID_VTIMER);
        check_eq("tick RPR", tick_rpr[n], 0x80);
        check_eq("tick ISTATUS", (c >> 2) & 1, 1);
    }
    ctl = SYSREG_READ(cntv_ctl_el0);
    printf("timer stopped: CNTV_CTL ENABLE %lu, RPR 0x%x, spurious/other IRQs %d\n", ctl & 1, gic_rpr(), bad_irqs);
    check_eq("timer stopped", ctl & 1, 0);
    check_eq("RPR idle at the end", gic_rpr(), 0xff);
    check_eq("no other IRQs", bad_irqs, 0);

    /* 4. Disabled PPI: timer fires, PPI pending, but nothing is signalled (IAR1 = 1023). */
    mmio_w32(GICR_SGI_BASE + GICR_ICENABLER0, 1U << INTID_VTIMER);
    SYSREG_WRITE(cntv_tval_el0, 0);
    SYSREG_WRITE(cntv_ctl_el0, CNTV_CTL_ENABLE);
    ISB();
    for (int i = 0; i < 100000 && !((gic_pending0() >> INTID_VTIMER) & 1); i++)
        ;
    pend = (gic_pending0() >> INTID_VTIMER) & 1;
    id = gic_ack();
    printf("PPI 27 disabled: pending %u, ICC_IAR1_EL1 = %u\n", pend, id);
    check_eq("disabled pending", pend, 1);
    check_eq("disabled IAR1", id, INTID_SPURIOUS);
    SYSREG_WRITE(cntv_ctl_el0, 0);
    ISB();

    csum_add(ticks);
    return finish("gic-timer");
}
