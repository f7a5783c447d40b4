/* hello: the README's demo guest. */
#include "runtime.h"

static u64 fib(unsigned n)
{
    u64 a = 0, b = 1;
    while (n--) {
        u64 t = a + b;
        a = b;
        b = t;
    }
    return a;
}

int main(void)
{
    puts("\n");
    puts("  +--------------------------------------+\n");
    puts("  |  Hello from a typevisor test guest!  |\n");
    puts("  +--------------------------------------+\n\n");

    u64 el = (SYSREG_READ(CurrentEL) >> 2) & 3;
    u64 spsel = SYSREG_READ(SPSel) & 1;
    u64 sctlr = SYSREG_READ(sctlr_el1);
    printf("Running at EL%lu%s, MMU %s, bare metal, no libc.\n", el, spsel ? "h" : "t",
           (sctlr & SCTLR_M) ? "on" : "off");
    check_eq("CurrentEL", el, 1);

    u64 sum = 0;
    for (unsigned i = 1; i <= 100; i++)
        sum += i;
    printf("1 + 2 + ... + 100 = %lu\n", sum);
    check_eq("sum", sum, 5050);

    u64 f = fib(90);
    printf("fib(90)           = %lu\n", f);
    check_eq("fib(90)", f, 2880067194370816120UL);

    u64 fact = 1;
    for (unsigned i = 2; i <= 20; i++)
        fact *= i;
    printf("20!               = %lu (0x%lx)\n", fact, fact);
    check_eq("20!", fact, 2432902008176640000UL);

    printf("Powering off via PSCI SYSTEM_OFF (hvc #0). Bye!\n");
    return finish("hello");
}
