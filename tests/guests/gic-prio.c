/* gic-prio: preemption on a GICv3. A handler that unmasks PSTATE.I is preempted by an SGI of
 * higher group priority and not by a lower one; the binary point (ICC_BPR1_EL1) decides what
 * "higher" means: with BPR1 = 3 all five priority bits count, with BPR1 = 5 only bits [7:5]
 * (IHI 0069H 4.8 "Preemption"; for Group 1 the group priority is bits [7:BPR1]).
 * Events are recorded in the handlers and printed afterwards. */
#include "gic.h"

#define MAXEV 32
static volatile u32 ev[MAXEV];            /* (depth << 16) | (enter ? 0x100 : 0) | intid */
static volatile u32 ev_rpr[MAXEV];
static volatile int nev, depth;
/* what the first handler of SGI `trigger` does: send these SGIs, unmask, wait, mask */
static volatile u32 trigger = 0xffff, send_a = 0xffff, send_b = 0xffff;

static void record(u32 e, u32 rpr)
{
    if (nev < MAXEV) {
        ev[nev] = e;
        ev_rpr[nev] = rpr;
        nev++;
    }
}

static int hook(struct exc_frame *f, unsigned vec)
{
    if (vec != VEC_IRQ_EL1H)
        return 0;
    u32 id = gic_ack();
    if (id == INTID_SPURIOUS)
        return 1;
    depth++;
    record(((u32)depth << 16) | 0x100 | id, gic_rpr());
    if (id == trigger) {
        int before = nev;
        trigger = 0xffff;                      /* once per scenario */
        if (send_a != 0xffff)
            gic_sgi_self(send_a);
        if (send_b != 0xffff)
            gic_sgi_self(send_b);
        irq_unmask();                          /* ELR/SPSR are in this frame: nesting is safe */
        for (int i = 0; i < 20000 && nev == before; i++)
            ISB();
        for (int i = 0; i < 2000; i++)         /* time for anything else that could preempt */
            ISB();
        irq_mask();
    }
    record(((u32)depth << 16) | id, gic_rpr());
    depth--;
    gic_eoi(id);
    return 1;
}

static void show(const char *title)
{
    printf("%s:", title);
    for (int n = 0; n < nev; n++) {
        u32 e = ev[n];
        printf(" %s%u", (e & 0x100) ? "+" : "-", e & 0xff);
        csum_add(e);
    }
    putc('\n');
}

/* Run one scenario: SGI `first` taken with PSTATE.I clear; its handler sends a and b. */
static void scenario(u32 bpr, u32 first, u32 a, u32 b)
{
    ICC_WRITE(icc_bpr1_el1, bpr);
    ISB();
    nev = 0;
    trigger = first;
    send_a = a;
    send_b = b;
    irq_unmask();
    gic_sgi_self(first);
    for (int i = 0; i < 100000 && !(nev >= 2 && depth == 0 && (gic_pending0() & 0xffff) == 0); i++)
        ISB();
    irq_mask();
    trigger = send_a = send_b = 0xffff;
}

int main(void)
{
    puts("gic-prio: preemption and the binary point\n");
    exc_hook = hook;
    gic_init();
    mmio_w32(GICR_SGI_BASE + GICR_ISENABLER0, 0xffff);
    gic_set_prio(4, 0xa0);
    gic_set_prio(6, 0x60);
    gic_set_prio(7, 0xc0);
    gic_set_prio(8, 0xb0);
    gic_set_prio(9, 0xa8);
    gic_set_prio(10, 0x90);

    /* 1. BPR1 = 3: SGI 4 (0xa0) handler sends 7 (0xc0) and 6 (0x60): 6 preempts, 7 waits. */
    scenario(3, 4, 7, 6);
    show("BPR1 3, SGI 4 (0xa0) sends 7 (0xc0) and 6 (0x60)");
    static const u32 want1[] = { 0x10104, 0x20106, 0x20006, 0x10004, 0x10107, 0x10007 };
    static const u32 want1_rpr[] = { 0xa0, 0x60, 0x60, 0xa0, 0xc0, 0xc0 };
    check_eq("events 1", nev, 6);
    for (int n = 0; n < 6 && n < nev; n++) {
        check_eq("event", ev[n], want1[n]);
        check_eq("RPR", ev_rpr[n], want1_rpr[n]);
    }
    printf("  RPR at each event:");
    for (int n = 0; n < nev; n++)
        printf(" 0x%02x", ev_rpr[n]);
    putc('\n');

    /* 2. BPR1 = 3: SGI 8 (0xb0) sends 9 (0xa8): 0xa8 < 0xb0, preempts. */
    scenario(3, 8, 9, 0xffff);
    show("BPR1 3, SGI 8 (0xb0) sends 9 (0xa8)");
    static const u32 want2[] = { 0x10108, 0x20109, 0x20009, 0x10008 };
    check_eq("events 2", nev, 4);
    for (int n = 0; n < 4 && n < nev; n++)
        check_eq("event", ev[n], want2[n]);

    /* 3. BPR1 = 5: group priorities 0xb0 -> 0xa0 and 0xa8 -> 0xa0 are equal: no preemption. */
    scenario(5, 8, 9, 0xffff);
    show("BPR1 5, SGI 8 (0xb0) sends 9 (0xa8)");
    static const u32 want3[] = { 0x10108, 0x10008, 0x10109, 0x10009 };
    check_eq("events 3", nev, 4);
    for (int n = 0; n < 4 && n < nev; n++)
        check_eq("event", ev[n], want3[n]);

    /* 4. BPR1 = 5: SGI 8 (0xb0, group 0xa0) sends 10 (0x90, group 0x80): preempts. */
    scenario(5, 8, 10, 0xffff);
    show("BPR1 5, SGI 8 (0xb0) sends 10 (0x90)");
    static const u32 want4[] = { 0x10108, 0x2010a, 0x2000a, 0x10008 };
    check_eq("events 4", nev, 4);
    for (int n = 0; n < 4 && n < nev; n++)
        check_eq("event", ev[n], want4[n]);

    /* 5. BPR1 = 4 (group bits [7:4]): 0xb0 vs 0xa8 -> 0xb0 vs 0xa0: preempts again. */
    scenario(4, 8, 9, 0xffff);
    show("BPR1 4, SGI 8 (0xb0) sends 9 (0xa8)");
    check_eq("events 5", nev, 4);
    for (int n = 0; n < 4 && n < nev; n++)
        check_eq("event", ev[n], want2[n]);

    /* 6. Same priority never preempts, whatever the binary point: SGI 4 sends itself. */
    scenario(3, 4, 4, 0xffff);
    show("BPR1 3, SGI 4 (0xa0) sends 4 again");
    static const u32 want6[] = { 0x10104, 0x10004, 0x10104, 0x10004 };
    check_eq("events 6", nev, 4);
    for (int n = 0; n < 4 && n < nev; n++)
        check_eq("event", ev[n], want6[n]);

    ICC_WRITE(icc_bpr1_el1, 3);
    ISB();
    u32 rpr = gic_rpr(), act = gic_active0() & 0xffff, pend = gic_pending0() & 0xffff;
    printf("end: RPR 0x%02x active 0x%04x pending 0x%04x\n", rpr, act, pend);
    check_eq("end RPR", rpr, 0xff);
    check_eq("end active", act, 0);
    check_eq("end pending", pend, 0);
    return finish("gic-prio");
}
