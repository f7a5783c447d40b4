/* gic2-sgi: software-generated interrupts on a GICv2: GICD_SGIR with each TargetListFilter (a
 * list naming this CPU, "all others" which names nobody here, "self"; not the reserved 0b11), the
 * source CPU in GICC_IAR bits [12:10] and what EOIR must echo back, GICD_SPENDSGIR/CPENDSGIR
 * (a pending bit per source), ISPENDR0's SGI bits being read-only, and SGIs taken at the IRQ
 * vector in priority order. IHI 0048B 4.3.15-4.3.17, 4.4.4. */
#include "gic2.h"

#define MAXEV 16
static volatile u32 ev[MAXEV];
static volatile int nev;

static int hook(struct exc_frame *f, unsigned vec)
{
    if (vec != VEC_IRQ_EL1H)
        return 0;
    u32 iar = gic_ack();
    if (IAR_INTID(iar) == INTID_SPURIOUS)
        return 1;
    if (nev < MAXEV)
        ev[nev++] = iar | (gic_rpr() << 16);
    gic_eoi(iar);
    return 1;
}

static u32 sgi_pending(void) { return gicd_r(GICD_ISPENDR) & 0xffff; }

/* SPENDSGIR byte of an SGI: bit n = pending from CPU n */
static u32 spendsgi(u32 sgi) { return mmio_r8(GICD_BASE + GICD_SPENDSGIR + sgi); }

static void poll_one(const char *what, u32 sgir, u32 want)
{
    gicd_w(GICD_SGIR, sgir);
    DSB();
    u32 pend = sgi_pending();
    u32 iar = gic_ack();
    printf("%s: ISPENDR0[15:0] 0x%04x, GICC_IAR 0x%x (INTID %u CPUID %u)\n", what, pend, iar, IAR_INTID(iar), IAR_CPUID(iar));
    check_eq(what, iar, want);
    if (IAR_INTID(iar) != INTID_SPURIOUS) {
        u32 act = gicd_r(GICD_ISACTIVER) & 0xffff;
        gic_eoi(iar);
        printf("  active 0x%04x while acknowledged, 0x%04x after GICC_EOIR\n", act, gicd_r(GICD_ISACTIVER) & 0xffff);
        check_eq("active after EOI", gicd_r(GICD_ISACTIVER) & 0xffff, 0);
    }
}

int main(void)
{
    puts("gic2-sgi: SGIs through GICD_SGIR and GICD_SPENDSGIR on a GICv2\n");
    exc_hook = hook;
    gic_init();
    gicd_w(GICD_ISENABLER, 0xffff);          /* SGIs: KVM and QEMU both let the enables stick */
    for (u32 i = 0; i < 16; i++)
        gic_set_prio(i, 0x40 + 0x10 * (i & 7));
    printf("SGI enables 0x%04x\n", gicd_r(GICD_ISENABLER) & 0xffff);

    /* 1. Each TargetListFilter, polled with PSTATE.I set. */
    poll_one("filter 0, list {CPU0}, SGI 1", SGIR_TO_LIST | (1U << 16) | 1, 1);
    poll_one("filter 2 (self), SGI 7", SGIR_TO_SELF | 7, 7);
    poll_one("filter 1 (others), SGI 2", SGIR_TO_OTHERS | 2, INTID_SPURIOUS);
    poll_one("filter 0, empty list, SGI 3", SGIR_TO_LIST | 3, INTID_SPURIOUS);
    poll_one("filter 0, list {CPU1..7}, SGI 5", SGIR_TO_LIST | (0xfeU << 16) | 5, INTID_SPURIOUS);

    /* 2. ISPENDR0 SGI bits are read-only; ICPENDR0 too. */
    gicd_w(GICD_ISPENDR, 1U << 6);
    printf("ISPENDR0 write of SGI 6: pending 0x%04x\n", sgi_pending());
    check_eq("ISPENDR0 SGI bits WI", sgi_pending(), 0);
    gicd_w(GICD_SGIR, SGIR_TO_SELF | 6);
    gicd_w(GICD_ICPENDR, 1U << 6);
    printf("ICPENDR0 write of SGI 6: pending 0x%04x, SPENDSGIR byte 0x%02x\n", sgi_pending(), spendsgi(6));
    check_eq("ICPENDR0 SGI bits WI", sgi_pending(), 1U << 6);

    /* 3. SPENDSGIR/CPENDSGIR: the per-source pending bits. */
    mmio_w8(GICD_BASE + GICD_CPENDSGIR + 6, 0x01);
    printf("CPENDSGIR SGI 6 from CPU0: pending 0x%04x, SPENDSGIR byte 0x%02x\n", sgi_pending(), spendsgi(6));
    check_eq("CPENDSGIR clears", sgi_pending(), 0);
    mmio_w8(GICD_BASE + GICD_SPENDSGIR + 9, 0x01);
    u32 w = gicd_r(GICD_SPENDSGIR + 8);
    printf("SPENDSGIR SGI 9 from CPU0: pending 0x%04x, SPENDSGIR2 0x%08x\n", sgi_pending(), w);
    check_eq("SPENDSGIR word", w, 0x0100);
    u32 iar = gic_ack();
    printf("GICC_IAR 0x%x, SPENDSGIR byte now 0x%02x\n", iar, spendsgi(9));
    check_eq("SPENDSGIR pended SGI", iar, 9);
    check_eq("acknowledged: not pending", spendsgi(9), 0);
    gic_eoi(iar);

    /* 4. Priority order: three SGIs pended with PSTATE.I set, taken highest priority first. */
    gicd_w(GICD_SGIR, SGIR_TO_SELF | 3);     /* prio 0x70 */
    gicd_w(GICD_SGIR, SGIR_TO_SELF | 9);     /* prio 0x50 */
    gicd_w(GICD_SGIR, SGIR_TO_SELF | 12);    /* prio 0x80 */
    printf("three SGIs pending 0x%04x, GICC_HPPIR %u\n", sgi_pending(), gicc_r(GICC_HPPIR));
    check_eq("HPPIR", gicc_r(GICC_HPPIR), 9);
    nev = 0;
    irq_unmask();
    for (int i = 0; i < 100000 && nev < 3; i++)
        ISB();
    irq_mask();
    printf("taken:");
    for (int n = 0; n < nev; n++) {
        printf(" %u(rpr 0x%x)", ev[n] & 0xffff, ev[n] >> 16);
        csum_add(ev[n]);
    }
    putc('\n');
    check_eq("three taken", nev, 3);
    check_eq("first", ev[0] & 0xffff, 9);
    check_eq("second", ev[1] & 0xffff, 3);
    check_eq("third", ev[2] & 0xffff, 12);
    check_eq("nothing left", sgi_pending(), 0);
    printf("idle RPR 0x%x\n", gic_rpr());
    return finish("gic2-sgi");
}
