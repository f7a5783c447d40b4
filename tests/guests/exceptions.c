/* exceptions: synchronous exceptions taken to EL1 through our VBAR_EL1 table: SVC, UDF, BRK,
 * an EL0 round trip (ERET to EL0, SVC back, a trapped and an undefined system register access
 * at EL0), and with the MMU on: data aborts (permission, translation) and an instruction abort
 * (execute-never). ESR is printed whole except for data aborts, where only EC, IL, FnV, CM,
 * S1PTW, WnR and DFSC are shown (ISV and the fields it validates differ between
 * implementations: QEMU reports ISV = 0 for some EL1 aborts). */
#include "runtime.h"

#define ESR_DA_MASK 0xfe0005ffUL

static struct {
    unsigned count, vec;
    u64 esr, elr, far, spsr, daif, sp_el0, sp_el1, x0, x1, x2;
} last;

static int expect_fault;        /* data/instruction abort expected: skip (data) or return (insn) */
static char el0_out[64];

static int hook(struct exc_frame *f, unsigned vec)
{
    last.count++;
    last.vec = vec;
    last.esr = f->esr;
    last.elr = f->elr;
    last.far = f->far;
    last.spsr = f->spsr;
    last.sp_el0 = f->sp_el0;
    last.sp_el1 = (u64)f + sizeof *f;
    last.x0 = f->x[0];
    last.x1 = f->x[1];
    last.x2 = f->x[2];
    __asm__ volatile("mrs %0, daif" : "=r"(last.daif));
    if (vec != 4 && vec != 8)
        return 0;
    switch (ESR_EC(f->esr)) {
    case 0x15:                          /* SVC: preferred return is the next instruction */
        if (vec == 8) {
            u64 imm = f->esr & 0xffff;
            if (imm == 0) {             /* EL0 exit */
                el0_exit(f);
            } else if (imm == 1) {      /* EL0 "write": copy a string out (MMU off: flat) */
                const char *s = (const char *)f->x[0];
                unsigned i = 0;
                for (; s[i] && i < sizeof el0_out - 1; i++)
                    el0_out[i] = s[i];
                el0_out[i] = 0;
                f->x[0] = i;            /* return value: length */
            }
        }
        return 1;
    case 0x00:                          /* undefined instruction: skip it */
        f->x[0] = 0xdead;               /* (for the EL0 mrs: a visible marker) */
        f->elr += 4;
        return 1;
    case 0x18: {                        /* trapped MRS at EL0 (CTR_EL0 with SCTLR_EL1.UCT = 0) */
        unsigned rt = (f->esr >> 5) & 31;
        if (rt < 31)
            f->x[rt] = 0xc7c7;          /* emulate: a fake CTR value */
        f->elr += 4;
        return 1;
    }
    case 0x3c:                          /* BRK: skip */
        f->elr += 4;
        return 1;
    case 0x25:                          /* data abort, same EL */
        if (!expect_fault)
            return 0;
        f->elr += 4;
        return 1;
    case 0x21:                          /* instruction abort, same EL: return to the caller */
        if (!expect_fault)
            return 0;
        f->elr = f->x[30];
        return 1;
    }
    return 0;
}

static void report(const char *what, u64 esr_mask)
{
    printf("  %-26s vector %u ESR %08lx (EC %02lx) DAIF in handler %03lx\n", what, last.vec,
           last.esr & esr_mask, ESR_EC(last.esr), last.daif);
    csum_add(last.esr & esr_mask);
    csum_add(last.vec);
}

static void test_el1(void)
{
    u64 ret, r;
    puts("EL1 synchronous exceptions:\n");
    last.count = 0;
    __asm__ volatile("mov x0, #0\n cmp x0, #1\n adr %0, 1f\n svc #0x42\n1:" : "=r"(ret) : : "x0", "cc", "memory");
    report("svc #0x42", ~0UL);
    printf("    ELR = next instruction: %s, SPSR %08lx\n", last.elr == ret ? "yes" : "NO", last.spsr);
    check_eq("svc ESR", last.esr, 0x56000042);
    check_eq("svc ELR", last.elr, ret);
    check_eq("svc SPSR", last.spsr, 0x800003c5);
    check_eq("handler DAIF", last.daif, 0x3c0);
    csum_add(last.spsr);

    __asm__ volatile("adr %0, 1f\n mov x0, #1\n1: udf #0\n mov %1, x0" : "=&r"(ret), "=r"(r) : : "x0", "memory");
    report("udf #0", ~0UL);
    printf("    ELR = the udf: %s, handler skipped it: %s\n", last.elr == ret ? "yes" : "NO", r == 0xdead ? "yes" : "NO");
    check_eq("udf ESR", last.esr, 0x02000000);
    check_eq("udf ELR", last.elr, ret);

    __asm__ volatile("adr %0, 1f\n1: brk #0x123" : "=r"(ret) : : "memory");
    report("brk #0x123", ~0UL);
    printf("    ELR = the brk: %s\n", last.elr == ret ? "yes" : "NO");
    check_eq("brk ESR", last.esr, 0xf2000123);
    check_eq("brk ELR", last.elr, ret);
    check_eq("exception count", last.count, 3);
}

/* ---- EL0 ---- */

static u64 el0_stack[512] __attribute__((aligned(16)));
static u64 el0_seen_sp, el0_svc_ret, el0_svc_next, el0_ctr, el0_sctlr, el0_count;

static u64 el0_main(u64 arg)
{
    u64 sp, len, next;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    el0_seen_sp = sp;
    /* "write" syscall: x0 = string, x1 = our SP, x2 = address after the svc; flags Z and C set */
    register u64 x0 __asm__("x0") = (u64)"hello from EL0";
    __asm__ volatile("mov x1, sp\n adr x2, 1f\n cmp x0, x0\n svc #1\n1: mov %1, x2"
                     : "+r"(x0), "=r"(next) : : "x1", "x2", "cc", "memory");
    len = x0;
    el0_svc_ret = len;
    el0_svc_next = next;
    /* trapped (SCTLR_EL1.UCT = 0) and undefined (EL1 register) system register reads */
    __asm__ volatile("mrs %0, ctr_el0" : "=r"(el0_ctr));
    __asm__ volatile("mov x0, #0\n mrs x0, sctlr_el1\n mov %0, x0" : "=r"(el0_sctlr) : : "x0");
    u64 sum = 0;
    for (u64 i = 1; i <= arg; i++)
        sum += i * i;
    el0_count++;
    return sum;
}

static void test_el0(void)
{
    puts("EL0 round trip (MMU off):\n");
    u64 r = run_el0(el0_main, 10, el0_stack + 512);
    u64 el = (SYSREG_READ(CurrentEL) >> 2) & 3;
    printf("  back at EL%lu, SPSel %lu, result %lu (sum of squares 1..10)\n", el, SYSREG_READ(SPSel) & 1, r);
    check_eq("EL0 result", r, 385);
    check_eq("back at EL1", el, 1);
    printf("  EL0 write syscall: \"%s\", returned %lu\n", el0_out, el0_svc_ret);
    check_eq("EL0 syscall return", el0_svc_ret, 14);
    printf("  EL0 mrs ctr_el0 (trapped, EC 0x18, emulated): %lx\n", el0_ctr);
    printf("  EL0 mrs sctlr_el1 (undefined, skipped): %lx\n", el0_sctlr);
    check_eq("EL0 ctr emulated", el0_ctr, 0xc7c7);
    check_eq("EL0 sctlr undefined", el0_sctlr, 0xdead);
    csum_add(r); csum_add(el0_ctr); csum_add(el0_sctlr);
}

static struct { u64 esr, elr, spsr, sp_el0, sp_el1, x1, x2; } svc0;

static int hook_el0(struct exc_frame *f, unsigned vec)
{
    int handled = hook(f, vec);
    if (vec == 8 && ESR_EC(f->esr) == 0x15 && (f->esr & 0xffff) == 1) {
        svc0.esr = last.esr;
        svc0.elr = last.elr;
        svc0.spsr = last.spsr;
        svc0.sp_el0 = last.sp_el0;
        svc0.sp_el1 = last.sp_el1;
        svc0.x1 = last.x1;
        svc0.x2 = last.x2;
    }
    if (vec == 8)
        printf("    [EL1 handler: from EL0, ESR %08lx, SPSR %08lx]\n", last.esr, last.spsr);
    return handled;
}

static void check_el0(void)
{
    printf("  svc #1 from EL0: ESR %08lx SPSR %08lx ELR = next: %s\n", svc0.esr, svc0.spsr,
           svc0.elr == svc0.x2 ? "yes" : "NO");
    printf("  SP_EL0 at the svc = EL0's SP: %s; within the EL0 stack: %s\n",
           svc0.sp_el0 == svc0.x1 ? "yes" : "NO",
           svc0.sp_el0 > (u64)el0_stack && svc0.sp_el0 <= (u64)(el0_stack + 512) ? "yes" : "NO");
    printf("  SP_EL1 in the handler = SP_EL1 at the ERET: %s; differs from SP_EL0: %s\n",
           svc0.sp_el1 == el1_saved_sp ? "yes" : "NO", svc0.sp_el1 != svc0.sp_el0 ? "yes" : "NO");
    check_eq("EL0 svc ESR", svc0.esr, 0x56000001);
    check_eq("EL0 svc SPSR", svc0.spsr, 0x60000000);
    check_eq("EL0 svc ELR", svc0.elr, svc0.x2);
    check_eq("EL0 svc next", el0_svc_next, svc0.x2);
    check_eq("SP_EL0", svc0.sp_el0, svc0.x1);
    check_eq("SP_EL1", svc0.sp_el1, el1_saved_sp);
    check_eq("EL0 ran once", el0_count, 1);
    csum_add(svc0.esr); csum_add(svc0.spsr);
}

/* ---- aborts with the MMU on ---- */

static u8 pages[3][4096] __attribute__((aligned(4096)));  /* read-only, unmapped, execute-never */

static void test_aborts(void)
{
    puts("aborts, MMU on (4K identity map):\n");
    for (int p = 0; p < 3; p++)
        for (int i = 0; i < 4096; i += 8)
            *(volatile u64 *)&pages[p][i] = 0x0101010101010101UL * (u64)(p + 1);
    *(volatile u32 *)&pages[2][0] = 0xd65f03c0;            /* ret */
    mmu_identity_build();
    mmu_set_page((u64)pages[0], (u64)pages[0] | PTE_PAGE | PTE_NORMAL | PTE_AP_RO_EL1);
    mmu_set_page((u64)pages[1], 0);
    mmu_set_page((u64)pages[2], (u64)pages[2] | PTE_PAGE | PTE_NORMAL | PTE_PXN | PTE_UXN);
    mmu_on((u64)mmu_id_l1, 0, mmu_identity_tcr());
    expect_fault = 1;

    u64 ret, v = 0;
    last.count = 0;
    __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(pages[0] + 8) : "memory");
    printf("  read of the read-only page: %016lx, exceptions %u\n", v, last.count);
    check_eq("read-only page readable", v, 0x0101010101010101UL);
    check_eq("no exception", last.count, 0);

    __asm__ volatile("adr %0, 1f\n1: str %1, [%2]" : "=&r"(ret) : "r"(0x77UL), "r"(pages[0] + 16) : "memory");
    report("write to read-only page", ESR_DA_MASK);
    printf("    FAR = address: %s, ELR = the str: %s, memory unchanged: %s\n",
           last.far == (u64)(pages[0] + 16) ? "yes" : "NO", last.elr == ret ? "yes" : "NO",
           *(volatile u64 *)(pages[0] + 16) == 0x0101010101010101UL ? "yes" : "NO");
    check_eq("permission fault ESR", last.esr & ESR_DA_MASK, 0x9600004f);
    check_eq("permission fault FAR", last.far, (u64)(pages[0] + 16));
    check_eq("permission fault ELR", last.elr, ret);

    v = 0x5a;
    __asm__ volatile("adr %0, 1f\n1: ldr %1, [%2]" : "=&r"(ret), "+r"(v) : "r"(pages[1] + 0x7f8) : "memory");
    report("read of unmapped page", ESR_DA_MASK);
    printf("    FAR = address: %s, ELR = the ldr: %s, destination unchanged: %s\n",
           last.far == (u64)(pages[1] + 0x7f8) ? "yes" : "NO", last.elr == ret ? "yes" : "NO",
           v == 0x5a ? "yes" : "NO");
    check_eq("translation fault ESR", last.esr & ESR_DA_MASK, 0x96000007);
    check_eq("translation fault FAR", last.far, (u64)(pages[1] + 0x7f8));

    __asm__ volatile("adr %0, 1f\n1: stp %1, %1, [%2]" : "=&r"(ret) : "r"(0x99UL), "r"(pages[1] + 32) : "memory");
    report("stp to unmapped page", ESR_DA_MASK);
    check_eq("stp translation fault ESR", last.esr & ESR_DA_MASK, 0x96000047);
    check_eq("stp translation fault FAR", last.far, (u64)(pages[1] + 32));

    void (*fn)(void) = (void (*)(void))(u64)pages[2];
    unsigned before = last.count;
    fn();
    report("execute from XN page", ~0UL);
    printf("    FAR = ELR = target: %s, handled once: %s\n",
           last.far == (u64)pages[2] && last.elr == (u64)pages[2] ? "yes" : "NO",
           last.count == before + 1 ? "yes" : "NO");
    check_eq("instruction abort ESR", last.esr, 0x8600000f);
    check_eq("instruction abort FAR", last.far, (u64)pages[2]);
    expect_fault = 0;
}

int main(void)
{
    puts("exceptions: synchronous exceptions, EL0, aborts\n");
    extern char vectors[];
    printf("VBAR_EL1 = runtime vector table: %s\n", SYSREG_READ(vbar_el1) == (u64)vectors ? "yes" : "NO");
    exc_hook = hook;
    test_el1();
    exc_hook = hook_el0;
    test_el0();
    check_el0();
    exc_hook = hook;
    test_aborts();
    printf("checksum %016lx\n", csum);
    return finish("exceptions");
}
