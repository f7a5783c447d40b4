/* Freestanding runtime for typevisor's bare-metal AArch64 test guests. */
#include <stdarg.h>
#include "runtime.h"

/* ---- console ---- */

void putc(char c)
{
    /* PL011 UARTDR, a byte store to offset 0 (as Linux's pl011 earlycon does). UARTFR is never
     * read: the emulated transmit FIFO never fills. */
    *(volatile u8 *)UART_BASE = (u8)c;
}

void puts(const char *s)
{
    while (*s)
        putc(*s++);
}

static void put_padded(const char *buf, int len, int width, int left, char pad)
{
    if (!left)
        for (int i = len; i < width; i++)
            putc(pad);
    for (int i = 0; i < len; i++)
        putc(buf[i]);
    if (left)
        for (int i = len; i < width; i++)
            putc(' ');
}

static int fmt_unsigned(char *out, u64 v, unsigned base, int upper)
{
    char tmp[24];
    int n = 0;
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

void put_hex(u64 v, int digits)
{
    char buf[20];
    int n = fmt_unsigned(buf, v, 16, 0);
    put_padded(buf, n, digits, 0, '0');
}

void put_udec(u64 v)
{
    char buf[24];
    int n = fmt_unsigned(buf, v, 10, 0);
    put_padded(buf, n, 0, 0, ' ');
}

void put_dec(s64 v)
{
    if (v < 0) {
        putc('-');
        put_udec(-(u64)v);
    } else {
        put_udec((u64)v);
    }
}

/* printf subset: %[-+][0][width][l|ll|z]{d,i,u,x,X,c,s,p,%} */
int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            putc(*fmt);
            continue;
        }
        fmt++;
        int left = 0, width = 0, lng = 0, plus = 0;
        char pad = ' ';
        for (;; fmt++) {
            if (*fmt == '-') left = 1;
            else if (*fmt == '+') plus = 1;
            else break;
        }
        if (*fmt == '0') { pad = '0'; fmt++; }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z') { lng = 1; fmt++; }
        char buf[24];
        int n;
        switch (*fmt) {
        case 'd': case 'i': {
            s64 v = lng ? va_arg(ap, s64) : va_arg(ap, int);
            u64 u = v < 0 ? -(u64)v : (u64)v;
            int neg = v < 0;
            n = fmt_unsigned(buf + 1, u, 10, 0);
            if (neg || plus) {
                char sign = neg ? '-' : '+';
                if (pad == '0') { putc(sign); width--; put_padded(buf + 1, n, width, left, pad); }
                else { buf[0] = sign; put_padded(buf, n + 1, width, left, pad); }
            } else {
                put_padded(buf + 1, n, width, left, pad);
            }
            break;
        }
        case 'u': case 'x': case 'X': {
            u64 v = lng ? va_arg(ap, u64) : va_arg(ap, unsigned);
            n = fmt_unsigned(buf, v, *fmt == 'u' ? 10 : 16, *fmt == 'X');
            put_padded(buf, n, width, left, pad);
            break;
        }
        case 'p': {
            u64 v = (u64)va_arg(ap, void *);
            puts("0x");
            n = fmt_unsigned(buf, v, 16, 0);
            put_padded(buf, n, 16, 0, '0');
            break;
        }
        case 'c':
            buf[0] = (char)va_arg(ap, int);
            put_padded(buf, 1, width, left, pad);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            put_padded(s, (int)strlen(s), width, left, ' ');
            break;
        }
        case '%':
            putc('%');
            break;
        case 0:
            fmt--;
            break;
        default:
            putc('%');
            putc(*fmt);
            break;
        }
    }
    va_end(ap);
    return 0;
}

/* ---- checks ---- */

int check_failures;
u64 csum = 0xcbf29ce484222325UL;

void csum_add(u64 v)
{
    for (int i = 0; i < 8; i++) {
        csum ^= (v >> (8 * i)) & 0xff;
        csum *= 0x100000001b3UL;
    }
}

void check(int ok, const char *what)
{
    if (!ok) {
        check_failures++;
        printf("FAIL: %s\n", what);
    }
}

void check_eq(const char *what, u64 got, u64 expected)
{
    if (got != expected) {
        check_failures++;
        printf("FAIL: %s = 0x%lx, expected 0x%lx\n", what, got, expected);
    }
}

int finish(const char *name)
{
#ifdef MEASURE
    /* instruction count when run under QEMU -icount shift=0 (1 ns per instruction, counter at
     * CNTFRQ); not part of any golden transcript */
    extern u64 measure_t0;
    printf("MEASURE ~%lu instructions\n",
           (SYSREG_READ(cntvct_el0) - measure_t0) * (1000000000UL / SYSREG_READ(cntfrq_el0)));
#endif
    if (check_failures)
        printf("FAIL %s: %d check(s) failed\n", name, check_failures);
    else
        printf("PASS %s\n", name);
    return check_failures;
}

/* ---- memory / string (GCC may emit calls to these) ---- */

void *memset(void *d, int c, size_t n)
{
    u8 *p = d;
    while (n--)
        *(volatile u8 *)p++ = (u8)c;   /* volatile: keep GCC from turning this into memset() */
    return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
    u8 *dp = d;
    const u8 *sp = s;
    while (n--)
        *(volatile u8 *)dp++ = *sp++;
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    u8 *dp = d;
    const u8 *sp = s;
    if (dp < sp) {
        while (n--)
            *(volatile u8 *)dp++ = *sp++;
    } else {
        while (n--)
            *(volatile u8 *)(dp + n) = sp[n];
    }
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const u8 *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* ---- exceptions ---- */

exc_hook_t exc_hook;

static const char *const vec_names[16] = {
    "EL1t sync", "EL1t IRQ", "EL1t FIQ", "EL1t SError",
    "EL1h sync", "EL1h IRQ", "EL1h FIQ", "EL1h SError",
    "EL0 A64 sync", "EL0 A64 IRQ", "EL0 A64 FIQ", "EL0 A64 SError",
    "EL0 A32 sync", "EL0 A32 IRQ", "EL0 A32 FIQ", "EL0 A32 SError",
};

void exc_dispatch(struct exc_frame *f, unsigned vec)
{
    if (exc_hook && exc_hook(f, vec))
        return;
    printf("\nUNEXPECTED EXCEPTION: %s (vector %u)\n", vec_names[vec & 15], vec);
    printf("  ESR_EL1  = 0x%016lx (EC 0x%02lx)\n", f->esr, ESR_EC(f->esr));
    printf("  ELR_EL1  = 0x%016lx\n", f->elr);
    printf("  FAR_EL1  = 0x%016lx\n", f->far);
    printf("  SPSR_EL1 = 0x%016lx\n", f->spsr);
    printf("FAIL: unexpected exception\n");
    poweroff();
}

void el0_exit(struct exc_frame *f)
{
    extern char run_el0_return[];
    f->elr = (u64)run_el0_return;
    f->spsr = 0x3c5;                  /* EL1h, DAIF masked */
}

/* ---- MMU: 4K granule identity map ---- */

u64 mmu_id_l1[512] __attribute__((aligned(4096)));
u64 mmu_id_l2[512] __attribute__((aligned(4096)));
u64 mmu_id_l3[512] __attribute__((aligned(4096)));

void tlbi_all(void)
{
    __asm__ volatile("dsb ishst\n tlbi vmalle1\n dsb ish\n isb" : : : "memory");
}

void mmu_identity_build(void)
{
    u64 image_2m = (u64)__image_start & ~0x1fffffUL;
    for (int i = 0; i < 512; i++) {
        mmu_id_l1[i] = 0;
        mmu_id_l2[i] = 0;
        mmu_id_l3[i] = (image_2m + ((u64)i << 12)) | PTE_PAGE | PTE_NORMAL;
    }
    mmu_id_l1[0] = 0x00000000UL | PTE_BLOCK | PTE_DEVICE;        /* 1 GiB of devices */
    mmu_id_l1[1] = (u64)mmu_id_l2 | PTE_VALID | PTE_TABLE;          /* RAM: level-2 table */
    for (int i = 0; i < 32; i++)                                    /* 64 MiB of RAM */
        mmu_id_l2[i] = (RAM_BASE + ((u64)i << 21)) | PTE_BLOCK | PTE_NORMAL;
    mmu_id_l2[(image_2m - RAM_BASE) >> 21] = (u64)mmu_id_l3 | PTE_VALID | PTE_TABLE;
    DSB();
}

void mmu_set_page(u64 va, u64 desc)
{
    u64 image_2m = (u64)__image_start & ~0x1fffffUL;
    if ((va & ~0x1fffffUL) != image_2m) {
        printf("FAIL: mmu_set_page(0x%lx) outside the 4K-mapped block\n", va);
        poweroff();
    }
    mmu_id_l3[(va >> 12) & 511] = desc;
    DSB();
    tlbi_all();
}

/* T0SZ = 25 (39-bit VA, walk starts at level 1), 4K granule, WB WA walks, inner shareable,
 * TTBR1 walks disabled (EPD1), IPS = 40 bits. */
u64 mmu_identity_tcr(void)
{
    return 25UL | (1UL << 8) | (1UL << 10) | (3UL << 12) | (0UL << 14) | (1UL << 23) | (2UL << 32);
}

void mmu_on(u64 ttbr0, u64 ttbr1, u64 tcr)
{
    SYSREG_WRITE(mair_el1, MAIR_VALUE);
    SYSREG_WRITE(tcr_el1, tcr);
    SYSREG_WRITE(ttbr0_el1, ttbr0);
    SYSREG_WRITE(ttbr1_el1, ttbr1);
    ISB();
    tlbi_all();
    u64 sctlr = SYSREG_READ(sctlr_el1);
    SYSREG_WRITE(sctlr_el1, sctlr | SCTLR_M | SCTLR_C | SCTLR_I);
    ISB();
}

void mmu_identity_on(void)
{
    mmu_identity_build();
    mmu_on((u64)mmu_id_l1, 0, mmu_identity_tcr());
}
