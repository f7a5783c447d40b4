/* Freestanding runtime for typevisor's bare-metal AArch64 test guests (see README.md). */
#ifndef GUEST_RUNTIME_H
#define GUEST_RUNTIME_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long s64;
typedef unsigned long size_t;

#define NULL ((void *)0)
#define RAM_BASE 0x40000000UL
#define UART_BASE 0x09000000UL

#define SYSREG_READ(name) ({ u64 _v; __asm__ volatile("mrs %0, " #name : "=r"(_v)); _v; })
#define SYSREG_WRITE(name, v) __asm__ volatile("msr " #name ", %0" : : "r"((u64)(v)) : "memory")
#define ISB() __asm__ volatile("isb" : : : "memory")
#define DSB() __asm__ volatile("dsb sy" : : : "memory")

/* console (PL011 UARTDR, write-only) */
void putc(char c);
void puts(const char *s);             /* no newline added */
void put_hex(u64 v, int digits);      /* digits = 0: as many as needed; no 0x prefix */
void put_dec(s64 v);
void put_udec(u64 v);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* checking: every check prints nothing when it passes, a FAIL line when it does not */
extern int check_failures;
void check(int ok, const char *what);
void check_eq(const char *what, u64 got, u64 expected);
int finish(const char *name);         /* "PASS name" or "FAIL name: N check(s) failed" */

/* running checksum over printed values (FNV-1a 64 over the little-endian bytes) */
extern u64 csum;
void csum_add(u64 v);

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

void poweroff(void) __attribute__((noreturn));

/* exceptions */
struct exc_frame {
    u64 x[31];
    u64 sp_el0;
    u64 elr;
    u64 spsr;
    u64 esr;
    u64 far;
};
/* vector index: 0..3 current EL SP_EL0, 4..7 current EL SP_ELx, 8..11 lower EL AArch64,
 * 12..15 lower EL AArch32; within each group sync, IRQ, FIQ, SError. */
typedef int (*exc_hook_t)(struct exc_frame *f, unsigned vec);
extern exc_hook_t exc_hook;           /* return nonzero if handled; otherwise: report + poweroff */
void exc_dispatch(struct exc_frame *f, unsigned vec);
#define ESR_EC(esr) (((esr) >> 26) & 0x3f)

/* EL0: run fn(arg) at EL0t on stack sp_top; fn's result comes back when it ends with SVC #0.
 * The guest's exc_hook must call el0_exit(f) for SVC #0 from EL0 (vector 8). */
u64 run_el0(u64 (*fn)(u64), u64 arg, void *sp_top);
void el0_exit(struct exc_frame *f);
extern u64 el1_saved_sp;
extern char __stack_top[], __stack_bottom[], __image_start[], __image_end[];

/* 4K-granule identity map: [0, 1 GiB) Device-nGnRnE XN, RAM [0x40000000, +64 MiB) Normal WB
 * (2 MiB blocks, except the 2 MiB block holding the image, which is mapped with 4K pages so
 * that single pages can be changed with mmu_set_page). */
#define MAIR_VALUE 0x44ff00UL         /* attr0 Device-nGnRnE, attr1 Normal WB RWA, attr2 Normal NC */
#define PTE_VALID   (1UL << 0)
#define PTE_TABLE   (1UL << 1)        /* at levels 0-2: table; at level 3: page */
#define PTE_PAGE    (3UL << 0)
#define PTE_BLOCK   (1UL << 0)
#define PTE_ATTR(i) ((u64)(i) << 2)
#define PTE_AP_RW_EL1   (0UL << 6)
#define PTE_AP_RW_ALL   (1UL << 6)
#define PTE_AP_RO_EL1   (2UL << 6)
#define PTE_AP_RO_ALL   (3UL << 6)
#define PTE_SH_INNER (3UL << 8)
#define PTE_AF      (1UL << 10)
#define PTE_PXN     (1UL << 53)
#define PTE_UXN     (1UL << 54)
#define PTE_NORMAL  (PTE_ATTR(1) | PTE_SH_INNER | PTE_AF)
#define PTE_DEVICE  (PTE_ATTR(0) | PTE_AF | PTE_PXN | PTE_UXN)
#define SCTLR_M (1UL << 0)
#define SCTLR_C (1UL << 2)
#define SCTLR_I (1UL << 12)
void mmu_identity_build(void);
void mmu_set_page(u64 va, u64 desc);  /* desc = full L3 descriptor (0 = unmapped) */
void mmu_on(u64 ttbr0, u64 ttbr1, u64 tcr);
void mmu_identity_on(void);           /* build + enable, caches on */
extern u64 mmu_id_l1[512], mmu_id_l2[512], mmu_id_l3[512];
u64 mmu_identity_tcr(void);
void tlbi_all(void);

#endif
