/* Shared helpers of the mmu4k and mmu64k guests: probing loads/stores that survive aborts,
 * AT S1E1R/W, and printing. Data aborts are recorded and the faulting instruction skipped. */
#include "runtime.h"

#define ESR_DA_MASK 0xfe0005ffUL        /* EC IL FnV CM S1PTW WnR DFSC (not ISV/SAS/SRT/...) */

static struct { unsigned count; u64 esr, far, elr; } fault;

static int mmu_hook(struct exc_frame *f, unsigned vec)
{
    if (vec != 4 || ESR_EC(f->esr) != 0x25)
        return 0;
    fault.count++;
    fault.esr = f->esr;
    fault.far = f->far;
    fault.elr = f->elr;
    f->elr += 4;
    return 1;
}

static const char *dfsc_name(u64 dfsc)
{
    switch (dfsc & 0x3c) {
    case 0x04: return "translation fault";
    case 0x08: return "access flag fault";
    case 0x0c: return "permission fault";
    }
    return "other";
}

/* load/store one doubleword; on an abort print the syndrome and return 0 */
static void show_fault(const char *what, u64 va, unsigned before, u64 ret)
{
    if (fault.count == before) {
        printf("  %-34s no fault\n", what);
        return;
    }
    u64 esr = fault.esr & ESR_DA_MASK;
    printf("  %-34s ESR %08lx: %s level %lu, %s; FAR = VA: %s, ELR ok: %s\n", what, esr,
           dfsc_name(esr), esr & 3, (esr >> 6) & 1 ? "write" : "read", fault.far == va ? "yes" : "NO",
           fault.elr == ret ? "yes" : "NO");
    csum_add(esr);
    check(fault.far == va, "FAR == VA");
    check(fault.elr == ret, "ELR == faulting instruction");
}

static u64 probe_read(const char *what, u64 va, int quiet)
{
    unsigned before = fault.count;
    u64 v = 0, ret;
    __asm__ volatile("adr %0, 1f\n1: ldr %1, [%2]" : "=&r"(ret), "+r"(v) : "r"(va) : "memory");
    if (!quiet || fault.count != before)
        show_fault(what, va, before, ret);
    return v;
}

static int probe_write(const char *what, u64 va, u64 v)
{
    unsigned before = fault.count;
    u64 ret;
    __asm__ volatile("adr %0, 1f\n1: str %1, [%2]" : "=&r"(ret) : "r"(v), "r"(va) : "memory");
    show_fault(what, va, before, ret);
    return fault.count != before;
}

static u64 at_s1e1r(u64 va)
{
    __asm__ volatile("at s1e1r, %0\n isb" : : "r"(va) : "memory");
    return SYSREG_READ(par_el1);
}

static u64 at_s1e1w(u64 va)
{
    __asm__ volatile("at s1e1w, %0\n isb" : : "r"(va) : "memory");
    return SYSREG_READ(par_el1);
}

/* PAR_EL1: print only F and, when F = 0, PA[47:12] (attributes/SH differ between implementations) */
static u64 show_par(const char *what, u64 va, u64 par)
{
    if (par & 1) {
        printf("  AT %-6s %016lx -> F=1\n", what, va);
        csum_add(1);
        return ~0UL;
    }
    u64 pa = par & 0x0000fffffffff000UL;
    printf("  AT %-6s %016lx -> F=0 PA %012lx\n", what, va, pa);
    csum_add(pa);
    return pa;
}
