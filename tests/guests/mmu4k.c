/* mmu4k: stage-1 translation with the 4K granule. TTBR0: 39-bit identity map (walk starts at
 * level 1: 1 GiB device block, 2 MiB RAM blocks, 4K pages for the image's 2 MiB). TTBR1:
 * 48-bit (walk starts at level 0) aliases of RAM at 0xffff000000000000 through a 1 GiB block,
 * 2 MiB blocks and 4K pages. Checks data through every alias, AT S1E1R/W, translation,
 * permission and access-flag faults at several levels, and a remap with TLBI. */
#include "mmutest.h"

#define HI 0xffff000000000000UL
#define PG 4096UL

static u64 l1_lo[512] __attribute__((aligned(4096)));
static u64 l2_lo[512] __attribute__((aligned(4096)));
static u64 l3_lo[512] __attribute__((aligned(4096)));
static u64 l0_hi[512] __attribute__((aligned(4096)));
static u64 l1_hi[512] __attribute__((aligned(4096)));
static u64 l2_hi[512] __attribute__((aligned(4096)));
static u64 l3_hi[512] __attribute__((aligned(4096)));
/* test pages: 0 RW, 1 read-only, 2 unmapped, 3 remapped to page 0's PA, 4 access flag clear */
static u8 tp[5][4096] __attribute__((aligned(4096)));

static u64 image_2m;

static u64 tcr_4k(void)
{
    return 25UL                             /* T0SZ: 39-bit TTBR0 range */
         | (1UL << 8) | (1UL << 10) | (3UL << 12) | (0UL << 14)      /* WB WA, inner, TG0 4K */
         | (16UL << 16)                     /* T1SZ: 48-bit TTBR1 range */
         | (1UL << 24) | (1UL << 26) | (3UL << 28) | (2UL << 30)     /* WB WA, inner, TG1 4K */
         | (2UL << 32);                     /* IPS 40 bits */
}

static void build(void)
{
    image_2m = (u64)__image_start & ~0x1fffffUL;
    for (int i = 0; i < 512; i++) {
        l1_lo[i] = l2_lo[i] = l0_hi[i] = l1_hi[i] = l2_hi[i] = 0;
        l3_lo[i] = (image_2m + i * PG) | PTE_PAGE | PTE_NORMAL;
        l3_hi[i] = (image_2m + i * PG) | PTE_PAGE | PTE_NORMAL | PTE_PXN | PTE_UXN;
    }
    l1_lo[0] = 0 | PTE_BLOCK | PTE_DEVICE;                       /* 1 GiB block: devices */
    l1_lo[1] = (u64)l2_lo | PTE_VALID | PTE_TABLE;
    for (int i = 0; i < 32; i++)                                 /* 64 MiB of 2 MiB blocks */
        l2_lo[i] = (RAM_BASE + ((u64)i << 21)) | PTE_BLOCK | PTE_NORMAL;
    l2_lo[(image_2m - RAM_BASE) >> 21] = (u64)l3_lo | PTE_VALID | PTE_TABLE;
    u64 t = (u64)tp;
    l3_lo[((t + 1 * PG) >> 12) & 511] = (t + 1 * PG) | PTE_PAGE | PTE_NORMAL | PTE_AP_RO_EL1;
    l3_lo[((t + 2 * PG) >> 12) & 511] = 0;
    l3_lo[((t + 3 * PG) >> 12) & 511] = t | PTE_PAGE | PTE_NORMAL;
    l3_lo[((t + 4 * PG) >> 12) & 511] = (t + 4 * PG) | PTE_PAGE | (PTE_NORMAL & ~PTE_AF);

    l0_hi[0] = (u64)l1_hi | PTE_VALID | PTE_TABLE;
    l1_hi[0] = (u64)l2_hi | PTE_VALID | PTE_TABLE;               /* HI + [0, 1 GiB) */
    l1_hi[1] = RAM_BASE | PTE_BLOCK | PTE_NORMAL | PTE_PXN | PTE_UXN;  /* HI + 1 GiB: 1 GiB block */
    for (int i = 0; i < 32; i++)                                 /* HI + [0, 64 MiB): 2 MiB blocks */
        l2_hi[i] = (RAM_BASE + ((u64)i << 21)) | PTE_BLOCK | PTE_NORMAL | PTE_PXN | PTE_UXN;
    l2_hi[32] = (u64)l3_hi | PTE_VALID | PTE_TABLE;              /* HI + 64 MiB: 4K pages */
    DSB();
}

int main(void)
{
    puts("mmu4k: 4K granule, TTBR0 identity + TTBR1 high aliases\n");
    exc_hook = mmu_hook;
    u64 mmfr0 = SYSREG_READ(id_aa64mmfr0_el1);
    printf("ID_AA64MMFR0_EL1.TGran4 = %lu (0 = supported)\n", (mmfr0 >> 28) & 15);
    for (int p = 0; p < 5; p++)
        for (unsigned i = 0; i < PG; i += 8)
            *(volatile u64 *)&tp[p][i] = 0x1111111111111111UL * (u64)(p + 1) + i;
    build();
    mmu_on((u64)l1_lo, (u64)l0_hi, tcr_4k());
    printf("MMU on: SCTLR_EL1.M = %lu\n", SYSREG_READ(sctlr_el1) & 1);

    u64 t = (u64)tp, off = t - RAM_BASE;
    u64 a_id = t + 0x40, a_2m = HI + off + 0x40, a_1g = HI + RAM_BASE + off + 0x40;
    u64 a_4k = HI + 0x4000000 + (t - image_2m) + 0x40, a_re = t + 3 * PG + 0x40;
    puts("one doubleword through five mappings (identity, 2M block, 1G block, 4K page, remap):\n");
    u64 v0 = probe_read("identity", a_id, 1), v1 = probe_read("hi 2M", a_2m, 1);
    u64 v2 = probe_read("hi 1G", a_1g, 1), v3 = probe_read("hi 4K", a_4k, 1), v4 = probe_read("remap", a_re, 1);
    printf("  read:  %016lx %016lx %016lx %016lx %016lx\n", v0, v1, v2, v3, v4);
    check(v0 == 0x1111111111111151UL && v1 == v0 && v2 == v0 && v3 == v0 && v4 == v0, "aliases agree");
    probe_write("write via hi 1G", a_1g, 0xfeedface00c0ffeeUL);
    v0 = probe_read("identity", a_id, 1); v1 = probe_read("hi 2M", a_2m, 1);
    v2 = probe_read("hi 1G", a_1g, 1); v3 = probe_read("hi 4K", a_4k, 1); v4 = probe_read("remap", a_re, 1);
    printf("  after: %016lx %016lx %016lx %016lx %016lx\n", v0, v1, v2, v3, v4);
    check(v0 == 0xfeedface00c0ffeeUL && v1 == v0 && v2 == v0 && v3 == v0 && v4 == v0, "write visible everywhere");
    csum_add(v0);

    puts("address translation (AT):\n");
    u64 pa_expect = t + 0x0;
    check_eq("AT identity", show_par("S1E1R", t, at_s1e1r(t)), pa_expect);
    check_eq("AT hi 2M", show_par("S1E1R", HI + off, at_s1e1r(HI + off)), pa_expect);
    check_eq("AT hi 1G", show_par("S1E1R", HI + RAM_BASE + off + 0x123, at_s1e1r(HI + RAM_BASE + off + 0x123)), pa_expect);
    check_eq("AT hi 4K", show_par("S1E1R", HI + 0x4000000 + (t - image_2m), at_s1e1r(HI + 0x4000000 + (t - image_2m))), pa_expect);
    check_eq("AT remap", show_par("S1E1R", t + 3 * PG, at_s1e1r(t + 3 * PG)), pa_expect);
    check_eq("AT RO read", show_par("S1E1R", t + PG, at_s1e1r(t + PG)), t + PG);
    check_eq("AT RO write", show_par("S1E1W", t + PG, at_s1e1w(t + PG)), ~0UL);
    check_eq("AT unmapped", show_par("S1E1R", t + 2 * PG, at_s1e1r(t + 2 * PG)), ~0UL);
    check_eq("AT AF clear", show_par("S1E1R", t + 4 * PG, at_s1e1r(t + 4 * PG)), ~0UL);
    check_eq("AT device", show_par("S1E1R", UART_BASE, at_s1e1r(UART_BASE)), UART_BASE);
    check_eq("AT L1 hole", show_par("S1E1R", 0x80000000UL, at_s1e1r(0x80000000UL)), ~0UL);
    check_eq("AT hi hole", show_par("S1E1R", HI + 0x8000000, at_s1e1r(HI + 0x8000000)), ~0UL);

    puts("faults:\n");
    u64 r = probe_read("read read-only page", t + PG + 8, 0);
    check_eq("read-only page contents", r, 0x2222222222222222UL + 8);
    probe_write("write read-only page", t + PG + 8, 1);
    check_eq("read-only page unchanged", probe_read("", t + PG + 8, 1), 0x2222222222222222UL + 8);
    probe_read("read unmapped page (L3)", t + 2 * PG + 0x10, 0);
    probe_read("read access-flag-clear page", t + 4 * PG, 0);
    probe_write("write L2 hole (hi + 128M)", HI + 0x8000000, 2);
    probe_read("read L1 hole (0x80000000)", 0x80000000UL, 0);
    probe_read("read L0 hole (0xffff800000000000)", 0xffff800000000000UL, 0);
    check_eq("fault count", fault.count, 6);

    puts("remap page 3 to page 1's PA (break-before-make, TLBI VAAE1), read again:\n");
    u64 before = probe_read("", t + 3 * PG + 8, 1);
    l3_lo[((t + 3 * PG) >> 12) & 511] = 0;
    __asm__ volatile("dsb ishst\n tlbi vaae1, %0\n dsb ish\n isb" : : "r"((t + 3 * PG) >> 12) : "memory");
    l3_lo[((t + 3 * PG) >> 12) & 511] = (t + PG) | PTE_PAGE | PTE_NORMAL;
    __asm__ volatile("dsb ishst\n isb" : : : "memory");
    u64 after = probe_read("", t + 3 * PG + 8, 1);
    printf("  before %016lx after %016lx\n", before, after);
    check_eq("remap before", before, 0x1111111111111111UL + 8);
    check_eq("remap after", after, 0x2222222222222222UL + 8);
    show_par("S1E1R", t + 3 * PG, at_s1e1r(t + 3 * PG));
    csum_add(before); csum_add(after);

    printf("checksum %016lx\n", csum);
    return finish("mmu4k");
}
