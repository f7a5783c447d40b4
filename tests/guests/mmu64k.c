/* mmu64k: stage-1 translation with the 64K granule. TTBR0: 39-bit identity map (walk starts at
 * level 2: a 512 MiB device block, 64K pages for 64 MiB of RAM). TTBR1: 48-bit (walk starts at
 * level 1) aliases of RAM at 0xffff000000000000 through a 512 MiB block and 64K pages. Checks
 * data through every alias, AT S1E1R/W, translation, permission and access-flag faults at
 * several levels, and a remap with TLBI. */
#include "mmutest.h"

#define HI 0xffff000000000000UL
#define PG 65536UL
#define NENT 8192

static u64 l2_lo[NENT] __attribute__((aligned(65536)));
static u64 l3_lo[NENT] __attribute__((aligned(65536)));
static u64 l1_hi[NENT] __attribute__((aligned(65536)));
static u64 l2_hi[NENT] __attribute__((aligned(65536)));
static u64 l3_hi[NENT] __attribute__((aligned(65536)));
/* test pages: 0 RW, 1 read-only, 2 unmapped, 3 remapped to page 0's PA, 4 access flag clear */
static u8 tp[5][65536] __attribute__((aligned(65536)));

static u64 tcr_64k(void)
{
    return 25UL                             /* T0SZ: 39-bit TTBR0 range */
         | (1UL << 8) | (1UL << 10) | (3UL << 12) | (1UL << 14)      /* WB WA, inner, TG0 64K */
         | (16UL << 16)                     /* T1SZ: 48-bit TTBR1 range */
         | (1UL << 24) | (1UL << 26) | (3UL << 28) | (3UL << 30)     /* WB WA, inner, TG1 64K */
         | (2UL << 32);                     /* IPS 40 bits */
}

#define L3IDX(va) ((((va) - RAM_BASE) >> 16) & (NENT - 1))

static void build(void)
{
    for (int i = 0; i < NENT; i++) {
        l2_lo[i] = l1_hi[i] = l2_hi[i] = 0;
        /* 64 MiB of RAM as 64K pages (1024 entries), identity and at HI + 512 MiB */
        l3_lo[i] = i < 1024 ? (RAM_BASE + i * PG) | PTE_PAGE | PTE_NORMAL : 0;
        l3_hi[i] = i < 1024 ? (RAM_BASE + i * PG) | PTE_PAGE | PTE_NORMAL | PTE_PXN | PTE_UXN : 0;
    }
    l2_lo[0] = 0 | PTE_BLOCK | PTE_DEVICE;                       /* 512 MiB block: devices */
    l2_lo[2] = (u64)l3_lo | PTE_VALID | PTE_TABLE;               /* 0x40000000: 64K pages */
    u64 t = (u64)tp;
    l3_lo[L3IDX(t + 1 * PG)] = (t + 1 * PG) | PTE_PAGE | PTE_NORMAL | PTE_AP_RO_EL1;
    l3_lo[L3IDX(t + 2 * PG)] = 0;
    l3_lo[L3IDX(t + 3 * PG)] = t | PTE_PAGE | PTE_NORMAL;
    l3_lo[L3IDX(t + 4 * PG)] = (t + 4 * PG) | PTE_PAGE | (PTE_NORMAL & ~PTE_AF);

    l1_hi[0] = (u64)l2_hi | PTE_VALID | PTE_TABLE;               /* HI + [0, 4 TiB) */
    l2_hi[0] = RAM_BASE | PTE_BLOCK | PTE_NORMAL | PTE_PXN | PTE_UXN;  /* HI: 512 MiB block */
    l2_hi[1] = (u64)l3_hi | PTE_VALID | PTE_TABLE;               /* HI + 512 MiB: 64K pages */
    DSB();
}

int main(void)
{
    puts("mmu64k: 64K granule, TTBR0 identity + TTBR1 high aliases\n");
    exc_hook = mmu_hook;
    u64 mmfr0 = SYSREG_READ(id_aa64mmfr0_el1);
    printf("ID_AA64MMFR0_EL1.TGran64 = %lu (0 = supported)\n", (mmfr0 >> 24) & 15);
    for (int p = 0; p < 5; p++)
        for (unsigned i = 0; i < PG; i += 8)
            *(volatile u64 *)&tp[p][i] = 0x1111111111111111UL * (u64)(p + 1) + i;
    build();
    mmu_on((u64)l2_lo, (u64)l1_hi, tcr_64k());
    printf("MMU on: SCTLR_EL1.M = %lu\n", SYSREG_READ(sctlr_el1) & 1);

    u64 t = (u64)tp, off = t - RAM_BASE;
    u64 a_id = t + 0x40, a_blk = HI + off + 0x40, a_pg = HI + 0x20000000 + off + 0x40, a_re = t + 3 * PG + 0x40;
    puts("one doubleword through four mappings (identity, 512M block, 64K page, remap):\n");
    u64 v0 = probe_read("identity", a_id, 1), v1 = probe_read("hi 512M", a_blk, 1);
    u64 v2 = probe_read("hi 64K", a_pg, 1), v3 = probe_read("remap", a_re, 1);
    printf("  read:  %016lx %016lx %016lx %016lx\n", v0, v1, v2, v3);
    check(v0 == 0x1111111111111151UL && v1 == v0 && v2 == v0 && v3 == v0, "aliases agree");
    probe_write("write via hi 64K page", a_pg, 0xfeedface00c0ffeeUL);
    v0 = probe_read("identity", a_id, 1); v1 = probe_read("hi 512M", a_blk, 1);
    v2 = probe_read("hi 64K", a_pg, 1); v3 = probe_read("remap", a_re, 1);
    printf("  after: %016lx %016lx %016lx %016lx\n", v0, v1, v2, v3);
    check(v0 == 0xfeedface00c0ffeeUL && v1 == v0 && v2 == v0 && v3 == v0, "write visible everywhere");
    csum_add(v0);

    puts("address translation (AT):\n");
    check_eq("AT identity", show_par("S1E1R", t + 0x1234, at_s1e1r(t + 0x1234)), t + 0x1000);
    check_eq("AT hi 512M", show_par("S1E1R", HI + off + 0xfff8, at_s1e1r(HI + off + 0xfff8)), t + 0xf000);
    check_eq("AT hi 64K", show_par("S1E1R", HI + 0x20000000 + off, at_s1e1r(HI + 0x20000000 + off)), t);
    check_eq("AT remap", show_par("S1E1R", t + 3 * PG + 0x8000, at_s1e1r(t + 3 * PG + 0x8000)), t + 0x8000);
    check_eq("AT RO read", show_par("S1E1R", t + PG, at_s1e1r(t + PG)), t + PG);
    check_eq("AT RO write", show_par("S1E1W", t + PG, at_s1e1w(t + PG)), ~0UL);
    check_eq("AT unmapped", show_par("S1E1R", t + 2 * PG, at_s1e1r(t + 2 * PG)), ~0UL);
    check_eq("AT AF clear", show_par("S1E1R", t + 4 * PG, at_s1e1r(t + 4 * PG)), ~0UL);
    check_eq("AT device", show_par("S1E1R", UART_BASE + 0x18, at_s1e1r(UART_BASE + 0x18)), UART_BASE);
    check_eq("AT past 64M", show_par("S1E1R", RAM_BASE + 0x4000000, at_s1e1r(RAM_BASE + 0x4000000)), ~0UL);
    check_eq("AT L2 hole", show_par("S1E1R", 0x20000000UL, at_s1e1r(0x20000000UL)), ~0UL);
    check_eq("AT hi L1 hole", show_par("S1E1R", HI + (1UL << 42), at_s1e1r(HI + (1UL << 42))), ~0UL);

    puts("faults:\n");
    u64 r = probe_read("read read-only page", t + PG + 8, 0);
    check_eq("read-only page contents", r, 0x2222222222222222UL + 8);
    probe_write("write read-only page", t + PG + 8, 1);
    check_eq("read-only page unchanged", probe_read("", t + PG + 8, 1), 0x2222222222222222UL + 8);
    probe_read("read unmapped page (L3)", t + 2 * PG + 0x10, 0);
    probe_read("read access-flag-clear page", t + 4 * PG, 0);
    probe_write("write hi L3 hole (hi + 576M)", HI + 0x24000000, 2);
    probe_read("read L2 hole (0x20000000)", 0x20000000UL, 0);
    probe_read("read hi L1 hole (hi + 4T)", HI + (1UL << 42), 0);
    check_eq("fault count", fault.count, 6);

    puts("remap page 3 to page 1's PA (break-before-make, TLBI VAAE1), read again:\n");
    u64 before = probe_read("", t + 3 * PG + 8, 1);
    l3_lo[L3IDX(t + 3 * PG)] = 0;
    __asm__ volatile("dsb ishst\n tlbi vaae1, %0\n dsb ish\n isb" : : "r"((t + 3 * PG) >> 12) : "memory");
    l3_lo[L3IDX(t + 3 * PG)] = (t + PG) | PTE_PAGE | PTE_NORMAL;
    __asm__ volatile("dsb ishst\n isb" : : : "memory");
    u64 after = probe_read("", t + 3 * PG + 8, 1);
    printf("  before %016lx after %016lx\n", before, after);
    check_eq("remap before", before, 0x1111111111111111UL + 8);
    check_eq("remap after", after, 0x2222222222222222UL + 8);
    show_par("S1E1R", t + 3 * PG, at_s1e1r(t + 3 * PG));
    csum_add(before); csum_add(after);

    printf("checksum %016lx\n", csum);
    return finish("mmu64k");
}
