/* gic2-prio: priorities on a GICv2, polled with PSTATE.I set so every step is deterministic:
 * GICC_PMR masking, a level and an edge SPI pended through GICD_ISPENDR (and ICPENDR), an edge
 * SPI pended again while active, preemption decided by the binary point (GICC_BPR = 3: bits
 * [7:4] are the group priority; GICC_BPR = 5: bits [7:6]), and the EOImode split
 * (GICC_CTLR bit 9: GICC_EOIR drops the priority, GICC_DIR deactivates). IHI 0048B 3.3, 4.4. */
#include "gic2.h"

#define SPI_LEVEL 40
#define SPI_EDGE  41

static u32 pend(u32 id) { return gic_bit(GICD_ISPENDR, id); }
static u32 active(u32 id) { return gic_bit(GICD_ISACTIVER, id); }

static u32 ack(const char *what, u32 want)
{
    u32 iar = gic_ack();
    printf("  %s: GICC_IAR %u, RPR 0x%x\n", what, iar, gic_rpr());
    check_eq(what, iar, want);
    csum_add(iar);
    return iar;
}

int main(void)
{
    puts("gic2-prio: PMR, BPR preemption, EOImode split, level/edge SPIs on a GICv2\n");
    gic_init();

    gic_set_edge(SPI_LEVEL, 0);
    gic_set_edge(SPI_EDGE, 1);
    gic_set_target(SPI_LEVEL, 1);
    gic_set_target(SPI_EDGE, 1);
    gic_set_prio(SPI_LEVEL, 0xa0);
    gic_set_prio(SPI_EDGE, 0x90);
    gic_set_bit(GICD_ISENABLER, SPI_LEVEL);
    gic_set_bit(GICD_ISENABLER, SPI_EDGE);
    u32 cfg = (gicd_r(GICD_ICFGR + 8) >> 16) & 0xf;
    u32 tgt = gicd_r(GICD_ITARGETSR + 40) & 0xffff;
    printf("ICFGR SPI 40/41 = 0x%x, ITARGETSR SPI 40/41 = 0x%04x, enabled %u%u\n", cfg, tgt,
           gic_bit(GICD_ISENABLER, SPI_LEVEL), gic_bit(GICD_ISENABLER, SPI_EDGE));
    check_eq("ICFGR", cfg, 0x8);
    check_eq("ITARGETSR RAZ/WI with one CPU", tgt, 0);

    puts("1. PMR masking\n");
    gic_pmr(0x80);
    gic_set_bit(GICD_ISPENDR, SPI_LEVEL);
    printf("  PMR 0x80, SPI 40 (0xa0) pended: pending %u\n", pend(SPI_LEVEL));
    ack("masked by PMR 0x80", INTID_SPURIOUS);
    gic_pmr(0xa0);
    ack("masked by PMR 0xa0 (equal)", INTID_SPURIOUS);
    gic_pmr(0xb0);
    u32 iar = ack("PMR 0xb0", SPI_LEVEL);
    printf("  SPI 40 active %u\n", active(SPI_LEVEL));
    gic_eoi(iar);
    printf("  after EOIR: level SPI 40 pending %u active %u\n", pend(SPI_LEVEL), active(SPI_LEVEL));
    check_eq("level SPI consumed", pend(SPI_LEVEL), 0);
    gic_pmr(0xf0);

    puts("2. level SPI: ISPENDR then ICPENDR\n");
    gic_set_bit(GICD_ISPENDR, SPI_LEVEL);
    printf("  pending %u", pend(SPI_LEVEL));
    gic_set_bit(GICD_ICPENDR, SPI_LEVEL);
    printf(", after ICPENDR %u\n", pend(SPI_LEVEL));
    check_eq("ICPENDR clears", pend(SPI_LEVEL), 0);
    ack("nothing pending", INTID_SPURIOUS);

    puts("3. edge SPI pended again while active\n");
    gic_set_bit(GICD_ISPENDR, SPI_EDGE);
    iar = ack("edge SPI 41", SPI_EDGE);
    printf("  pending %u active %u\n", pend(SPI_EDGE), active(SPI_EDGE));
    check_eq("edge: not pending once acknowledged", pend(SPI_EDGE), 0);
    gic_set_bit(GICD_ISPENDR, SPI_EDGE);
    printf("  pended again: pending %u active %u\n", pend(SPI_EDGE), active(SPI_EDGE));
    check_eq("pending+active", pend(SPI_EDGE) + active(SPI_EDGE), 2);
    ack("same priority does not preempt", INTID_SPURIOUS);
    gic_eoi(iar);
    iar = ack("the second instance", SPI_EDGE);
    gic_eoi(iar);
    printf("  done: pending %u active %u RPR 0x%x\n", pend(SPI_EDGE), active(SPI_EDGE), gic_rpr());

    puts("4. preemption with GICC_BPR = 3\n");
    gicc_w(GICC_BPR, 3);
    gic_set_prio(SPI_EDGE, 0x80);
    gic_set_bit(GICD_ISPENDR, SPI_LEVEL);
    u32 a = ack("SPI 40 (0xa0)", SPI_LEVEL);
    gic_set_bit(GICD_ISPENDR, SPI_EDGE);
    u32 b = ack("SPI 41 (0x80) preempts", SPI_EDGE);
    gic_eoi(b);
    printf("  after EOIR 41: RPR 0x%x\n", gic_rpr());
    check_eq("RPR back to 40's", gic_rpr(), 0xa0);
    gic_eoi(a);
    check_eq("RPR idle", gic_rpr(), 0xff);

    puts("5. no preemption with GICC_BPR = 5 (group priority bits [7:6])\n");
    gicc_w(GICC_BPR, 5);
    printf("  GICC_BPR %u\n", gicc_r(GICC_BPR));
    gic_set_bit(GICD_ISPENDR, SPI_LEVEL);
    a = ack("SPI 40 (0xa0, group 0x80)", SPI_LEVEL);
    gic_set_bit(GICD_ISPENDR, SPI_EDGE);
    ack("SPI 41 (0x80, group 0x80) waits", INTID_SPURIOUS);
    gic_eoi(a);
    b = ack("then SPI 41", SPI_EDGE);
    gic_eoi(b);
    gicc_w(GICC_BPR, 3);

    puts("6. EOImode split: GICC_EOIR drops priority, GICC_DIR deactivates\n");
    gicc_w(GICC_CTLR, GICC_CTLR_ENABLE_G0 | GICC_CTLR_EOImodeNS);
    printf("  GICC_CTLR 0x%x\n", gicc_r(GICC_CTLR) & 0x21f);
    gic_set_bit(GICD_ISPENDR, SPI_EDGE);
    b = ack("SPI 41", SPI_EDGE);
    gic_eoi(b);
    printf("  after EOIR: RPR 0x%x, SPI 41 active %u\n", gic_rpr(), active(SPI_EDGE));
    check_eq("priority dropped", gic_rpr(), 0xff);
    check_eq("still active", active(SPI_EDGE), 1);
    gic_set_bit(GICD_ISPENDR, SPI_LEVEL);
    a = ack("SPI 40 after the drop", SPI_LEVEL);
    gic_eoi(a);
    printf("  after EOIR 40: active 40 %u 41 %u\n", active(SPI_LEVEL), active(SPI_EDGE));
    gic_dir(a);
    gic_dir(b);
    printf("  after DIR: active 40 %u 41 %u, pending 40 %u, RPR 0x%x\n", active(SPI_LEVEL), active(SPI_EDGE),
           pend(SPI_LEVEL), gic_rpr());
    check_eq("DIR deactivates 40", active(SPI_LEVEL), 0);
    check_eq("DIR deactivates 41", active(SPI_EDGE), 0);
    check_eq("level SPI consumed", pend(SPI_LEVEL), 0);
    gicc_w(GICC_CTLR, GICC_CTLR_ENABLE_G0);
    ack("nothing left", INTID_SPURIOUS);
    return finish("gic2-prio");
}
