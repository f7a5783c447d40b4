/* gic-sgi: software-generated interrupts to self through ICC_SGI1R_EL1 on a GICv3: pending state
 * in GICR_ISPENDR0, acknowledge order by priority, the running priority (ICC_RPR_EL1) blocking
 * lower priorities, ICC_PMR_EL1 masking (a masked SGI stays pending until the mask is raised),
 * targets that miss this CPU, and EOImode = 1 (ICC_EOIR1_EL1 drops priority, ICC_DIR_EL1
 * deactivates). Priorities are multiples of 8, valid with 5 implemented priority bits. */
#include "gic.h"

static volatile u32 taken[32];
static volatile int ntaken;

static int hook(struct exc_frame *f, unsigned vec)
{
    if (vec != VEC_IRQ_EL1H)
        return 0;
    u32 id = gic_ack();
    if (id == INTID_SPURIOUS)
        return 1;
    if (ntaken < 32)
        taken[ntaken++] = id;
    gic_eoi(id);
    return 1;
}

static void ack_expect(const char *what, u32 want_id, u32 want_rpr)
{
    u32 id = gic_ack();
    u32 rpr = gic_rpr();
    printf("  %-28s IAR1 %4u  RPR 0x%02x\n", what, id, rpr);
    check_eq(what, id, want_id);
    check_eq("RPR", rpr, want_rpr);
}

int main(void)
{
    puts("gic-sgi: SGIs to self, priorities, PMR, EOImode\n");
    exc_hook = hook;
    gic_init();
    mmio_w32(GICR_SGI_BASE + GICR_ISENABLER0, 0xffff);   /* SGIs 0..15 */
    u32 en = mmio_r32(GICR_SGI_BASE + GICR_ISENABLER0) & 0xffff;
    printf("SGIs enabled: 0x%04x\n", en);
    check_eq("SGI enables", en, 0xffff);

    /* 1. Three SGIs with PSTATE.I set: all pending, acknowledged in priority order; an active
     *    higher priority blocks the lower ones (IAR1 = 1023) until its EOI. */
    puts("1. priority order, running priority\n");
    gic_set_prio(1, 0x80);
    gic_set_prio(2, 0xa0);
    gic_set_prio(3, 0x40);
    gic_sgi_self(1);
    gic_sgi_self(2);
    gic_sgi_self(3);
    u32 pend = gic_pending0() & 0xffff;
    printf("  pending after SGIs 1,2,3: 0x%04x\n", pend);
    check_eq("pending 1,2,3", pend, 0xe);
    ack_expect("highest (SGI 3, 0x40)", 3, 0x40);
    printf("  active 0x%04x pending 0x%04x\n", gic_active0() & 0xffff, gic_pending0() & 0xffff);
    check_eq("active 3", gic_active0() & 0xffff, 0x8);
    ack_expect("while 0x40 runs", INTID_SPURIOUS, 0x40);
    gic_eoi(3);
    ack_expect("after EOI 3 (SGI 1, 0x80)", 1, 0x80);
    gic_eoi(1);
    ack_expect("after EOI 1 (SGI 2, 0xa0)", 2, 0xa0);
    gic_eoi(2);
    ack_expect("nothing left", INTID_SPURIOUS, 0xff);
    check_eq("none active", gic_active0() & 0xffff, 0);

    /* 2. All 16 SGIs at once, priorities a permutation: acknowledged in priority order. */
    puts("2. sixteen SGIs\n");
    for (u32 i = 0; i < 16; i++)
        gic_set_prio(i, 0x10 + ((i * 7) & 15) * 8);
    for (u32 i = 0; i < 16; i++)
        gic_sgi_self(15 - i);
    pend = gic_pending0() & 0xffff;
    printf("  pending 0x%04x\n  order:", pend);
    check_eq("16 pending", pend, 0xffff);
    u32 prev = 0;
    for (int n = 0; n < 16; n++) {
        u32 id = gic_ack();
        u32 rpr = gic_rpr();
        printf(" %u(0x%02x)", id, rpr);
        check(id < 16 && rpr == 0x10 + ((id * 7) & 15) * 8, "16 SGIs: RPR is the SGI's priority");
        check(rpr > prev, "16 SGIs: ascending priority values");
        prev = rpr;
        csum_add(id);
        gic_eoi(id);
    }
    putc('\n');
    check_eq("16 SGIs: none left", gic_ack(), INTID_SPURIOUS);

    /* 3. PMR masking, polled: an SGI at or below the mask stays pending, then is acknowledged
     *    once PMR is raised above it. */
    puts("3. PMR masking (polled)\n");
    gic_set_prio(1, 0x80);
    gic_set_prio(2, 0xa0);
    gic_pmr(0x90);
    gic_sgi_self(2);
    gic_sgi_self(1);
    ack_expect("PMR 0x90: SGI 1 (0x80)", 1, 0x80);
    gic_eoi(1);
    ack_expect("PMR 0x90: SGI 2 masked", INTID_SPURIOUS, 0xff);
    gic_pmr(0xa0);
    ack_expect("PMR 0xa0 (= prio): masked", INTID_SPURIOUS, 0xff);
    pend = gic_pending0() & 0xffff;
    printf("  pending 0x%04x\n", pend);
    check_eq("SGI 2 still pending", pend, 0x4);
    gic_pmr(0xa8);
    ack_expect("PMR 0xa8: SGI 2", 2, 0xa0);
    gic_eoi(2);

    /* 4. PMR masking with interrupts taken at the IRQ vector. */
    puts("4. PMR masking (IRQ vector)\n");
    gic_pmr(0x60);
    irq_unmask();
    gic_sgi_self(2);
    gic_sgi_self(1);
    for (int i = 0; i < 10000; i++)
        ISB();
    pend = gic_pending0() & 0xffff;
    printf("  PMR 0x60: taken %d, pending 0x%04x\n", ntaken, pend);
    check_eq("nothing taken under PMR 0x60", ntaken, 0);
    check_eq("both pending", pend, 0x6);
    gic_pmr(0x90);
    for (int i = 0; i < 100000 && ntaken < 1; i++)
        ISB();
    printf("  PMR 0x90: taken %d:", ntaken);
    for (int n = 0; n < ntaken; n++)
        printf(" %u", taken[n]);
    printf(", pending 0x%04x\n", gic_pending0() & 0xffff);
    check_eq("one taken", ntaken, 1);
    check_eq("SGI 1 taken", taken[0], 1);
    gic_pmr(0xf0);
    for (int i = 0; i < 100000 && ntaken < 2; i++)
        ISB();
    printf("  PMR 0xf0: taken %d:", ntaken);
    for (int n = 0; n < ntaken; n++)
        printf(" %u", taken[n]);
    printf(", pending 0x%04x\n", gic_pending0() & 0xffff);
    check_eq("two taken", ntaken, 2);
    check_eq("SGI 2 taken", taken[1], 2);
    irq_mask();

    /* 5. SGIs that do not target this CPU: another Aff0 in the target list, and IRM = 1
     *    (all but self) on a one-CPU machine. */
    puts("5. SGIs for other CPUs\n");
    u64 mpidr = SYSREG_READ(mpidr_el1);
    u64 other = 1UL << ((mpidr + 1) & 15);
    ICC_WRITE(icc_sgi1r_el1, (4UL << 24) | other | (((mpidr >> 8) & 0xff) << 16));
    ISB();
    ICC_WRITE(icc_sgi1r_el1, (5UL << 24) | (1UL << 40));
    ISB();
    pend = gic_pending0() & 0xffff;
    ack_expect("other target / IRM=1", INTID_SPURIOUS, 0xff);
    printf("  pending 0x%04x\n", pend);
    check_eq("nothing pending", pend, 0);

    /* 6. EOImode = 1: EOIR1 only drops the running priority; the SGI stays active and a new
     *    instance stays pending (not signalled) until ICC_DIR_EL1 deactivates it. */
    puts("6. EOImode 1\n");
    ICC_WRITE(icc_ctlr_el1, ICC_READ(icc_ctlr_el1) | 2);
    ISB();
    u64 eoimode = (ICC_READ(icc_ctlr_el1) >> 1) & 1;
    printf("  ICC_CTLR_EL1.EOImode %lu\n", eoimode);
    check_eq("EOImode", eoimode, 1);
    gic_set_prio(6, 0x50);
    gic_sgi_self(6);
    ack_expect("SGI 6", 6, 0x50);
    gic_eoi(6);
    u32 act = gic_active0() & 0xffff;
    printf("  after EOIR1: RPR 0x%02x active 0x%04x\n", gic_rpr(), act);
    check_eq("priority dropped", gic_rpr(), 0xff);
    check_eq("still active", act, 0x40);
    gic_sgi_self(6);
    pend = gic_pending0() & 0xffff;
    printf("  SGI 6 again: pending 0x%04x active 0x%04x\n", pend, gic_active0() & 0xffff);
    check_eq("active and pending", pend, 0x40);
    ack_expect("active+pending not signalled", INTID_SPURIOUS, 0xff);
    gic_dir(6);
    act = gic_active0() & 0xffff;
    printf("  after DIR: active 0x%04x\n", act);
    check_eq("deactivated", act, 0);
    ack_expect("now signalled", 6, 0x50);
    gic_eoi(6);
    check_eq("active after second EOIR1", gic_active0() & 0xffff, 0x40);
    gic_dir(6);
    check_eq("inactive after second DIR", gic_active0() & 0xffff, 0);
    /* with EOImode 1, two nested priorities dropped one by one */
    gic_set_prio(7, 0x30);
    gic_sgi_self(6);
    ack_expect("SGI 6 again", 6, 0x50);
    gic_sgi_self(7);
    ack_expect("SGI 7 (0x30) over 6", 7, 0x30);
    gic_eoi(7);
    printf("  EOIR1 7: RPR 0x%02x\n", gic_rpr());
    check_eq("RPR back to 6", gic_rpr(), 0x50);
    gic_eoi(6);
    printf("  EOIR1 6: RPR 0x%02x active 0x%04x\n", gic_rpr(), gic_active0() & 0xffff);
    check_eq("RPR idle", gic_rpr(), 0xff);
    check_eq("6 and 7 active", gic_active0() & 0xffff, 0xc0);
    gic_dir(7);
    gic_dir(6);
    check_eq("all inactive", gic_active0() & 0xffff, 0);
    ICC_WRITE(icc_ctlr_el1, ICC_READ(icc_ctlr_el1) & ~2UL);
    ISB();

    return finish("gic-sgi");
}
