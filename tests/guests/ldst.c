/* ldst: loads/stores of all sizes with sign/zero extension, addressing modes (immediate,
 * unscaled, pre/post-index, register offset with extend/shift, literal), pairs, and
 * exclusives/acquire-release. Every access is naturally aligned. Plain loads and stores run
 * with the MMU off (Device memory); exclusives and DC ZVA run after the MMU is turned on with a
 * Normal write-back identity map, where the architecture guarantees they work. */
#include "runtime.h"

static u8 src[64] __attribute__((aligned(64)));
static u8 dst[64] __attribute__((aligned(64)));  /* one DC ZVA block on Cortex-A57 */

static void dump(const char *label, const u8 *p, int n)
{
    printf("  %-10s", label);
    for (int i = 0; i < n; i++) {
        printf("%02x", p[i]);
        if ((i & 7) == 7 && i + 1 < n)
            putc(' ');
        csum_add(p[i]);
    }
    putc('\n');
}

static void clear_dst(void)
{
    for (int i = 0; i < 64; i += 8)
        *(volatile u64 *)(dst + i) = 0;
}

#define LD(insn, base, off) ({ u64 _r; __asm__ volatile(insn " %0, [%1, %2]" : "=r"(_r) : "r"(base), "r"((u64)(off)) : "memory"); _r; })
#define LDW(insn, base, off) ({ u64 _r; __asm__ volatile(insn " %w0, [%1, %2]" : "=r"(_r) : "r"(base), "r"((u64)(off)) : "memory"); _r; })

static void test_loads(void)
{
    puts("loads by register offset (value, zero/sign extended to 64 bits):\n");
    for (int off = 0; off < 16; off++) {
        u64 b = LDW("ldrb", src, off), sbw = LDW("ldrsb", src, off), sbx = LD("ldrsb", src, off);
        printf("  +%-2d ldrb %02lx ldrsb w %08lx x %016lx", off, b, sbw, sbx);
        csum_add(b); csum_add(sbw); csum_add(sbx);
        if (!(off & 1)) {
            u64 h = LDW("ldrh", src, off), shw = LDW("ldrsh", src, off), shx = LD("ldrsh", src, off);
            printf(" | ldrh %04lx ldrsh w %08lx x %016lx", h, shw, shx);
            csum_add(h); csum_add(shw); csum_add(shx);
        }
        if (!(off & 3)) {
            u64 w = LDW("ldr", src, off), sw = LD("ldrsw", src, off);
            printf(" | ldr w %08lx ldrsw %016lx", w, sw);
            csum_add(w); csum_add(sw);
        }
        if (!(off & 7)) {
            u64 x = LD("ldr", src, off);
            printf(" | ldr x %016lx", x);
            csum_add(x);
        }
        putc('\n');
    }
    check_eq("ldrsb x +0", LD("ldrsb", src, 0), 0xffffffffffffff85UL);
    check_eq("ldrsb w +0", LDW("ldrsb", src, 0), 0xffffff85UL);
    check_eq("ldrh +0", LDW("ldrh", src, 0), 0xaa85);
    check_eq("ldr x +0", LD("ldr", src, 0), 0x88633e19f4cfaa85UL);
}

static void test_stores(void)
{
    puts("stores (immediate offsets, then register offsets):\n");
    clear_dst();
    u64 v = 0x8877665544332211UL;
    __asm__ volatile("strb %w1, [%0]\n strb %w1, [%0, #3]\n strh %w1, [%0, #6]\n str %w1, [%0, #12]\n"
                     "str %1, [%0, #16]\n strh %w1, [%0, #30]\n strb wzr, [%0, #17]\n str xzr, [%0, #24]"
                     : : "r"(dst), "r"(v) : "memory");
    dump("imm", dst, 32);
    clear_dst();
    for (u64 i = 0; i < 4; i++) {
        __asm__ volatile("strb %w1, [%0, %2]" : : "r"(dst), "r"(v >> (8 * i)), "r"(i * 5) : "memory");
        __asm__ volatile("strh %w1, [%0, %2, lsl #1]" : : "r"(dst + 16), "r"(v >> (8 * i)), "r"(i * 2) : "memory");
        __asm__ volatile("str %w1, [%0, %w2, sxtw #2]" : : "r"(dst + 48), "r"(v + i), "r"((u32)-(s32)i) : "memory");
    }
    __asm__ volatile("str %1, [%0, %w2, uxtw #3]" : : "r"(dst), "r"(~v), "r"(5) : "memory");
    dump("reg", dst, 64);
    check_eq("strh lsl#1", *(volatile u16 *)(dst + 20), 0x3322);
    check_eq("str sxtw#2 -3", *(volatile u32 *)(dst + 36), 0x44332214);
}

static void test_index(void)
{
    puts("pre/post-index and unscaled (base register after writeback shown as offset):\n");
    u64 r[10];
    u8 *p0, *p1, *p2, *p3, *p4, *p5;
    p0 = src + 8;
    __asm__ volatile("ldr %0, [%1, #8]!" : "=r"(r[0]), "+r"(p0) : : "memory");
    p1 = src + 8;
    __asm__ volatile("ldr %0, [%1], #-8" : "=r"(r[1]), "+r"(p1) : : "memory");
    p2 = src + 32;
    __asm__ volatile("ldrsh %w0, [%1, #-2]!" : "=r"(r[2]), "+r"(p2) : : "memory");
    p3 = src + 32;
    __asm__ volatile("ldrsb %0, [%1], #255" : "=r"(r[3]), "+r"(p3) : : "memory");
    __asm__ volatile("ldur %0, [%1, #-8]" : "=r"(r[4]) : "r"(src + 24) : "memory");
    __asm__ volatile("ldursw %0, [%1, #-4]" : "=r"(r[5]) : "r"(src + 24) : "memory");
    __asm__ volatile("ldurb %w0, [%1, #-1]" : "=r"(r[6]) : "r"(src + 24) : "memory");
    __asm__ volatile("ldursh %0, [%1, #-256]" : "=r"(r[7]) : "r"((u64)src + 266) : "memory");
    clear_dst();
    p4 = dst + 64;
    __asm__ volatile("str %1, [%0, #-16]!\n strh %w1, [%0, #-2]!" : "+r"(p4) : "r"(0x0102030405060708UL) : "memory");
    p5 = dst;
    __asm__ volatile("str %w1, [%0], #4\n strb %w1, [%0], #2\n stur %1, [%0, #10]" : "+r"(p5) : "r"(0xa1b2c3d4e5f60718UL) : "memory");
    printf("  ldr pre +8   %016lx base %+ld\n", r[0], (long)(p0 - src));
    printf("  ldr post -8  %016lx base %+ld\n", r[1], (long)(p1 - src));
    printf("  ldrsh pre -2 %016lx base %+ld\n", r[2], (long)(p2 - src));
    printf("  ldrsb post   %016lx base %+ld\n", r[3], (long)(p3 - src));
    printf("  ldur -8 %016lx ldursw -4 %016lx ldurb -1 %016lx ldursh -256 %016lx\n", r[4], r[5], r[6], r[7]);
    printf("  str/strh pre base %+ld, str/strb post base %+ld\n", (long)(p4 - dst), (long)(p5 - dst));
    dump("after", dst, 64);
    for (int i = 0; i < 8; i++) csum_add(r[i]);
    csum_add(p0 - src); csum_add(p1 - src); csum_add(p2 - src); csum_add(p3 - src);
    check_eq("pre-index writeback", p0 - src, 16);
    check_eq("post-index writeback", p1 - src, 0);
    check_eq("post-index value", r[1], LD("ldr", src, 8));
    check_eq("str pre-index writeback", p4 - dst, 46);
}

static void test_pairs(void)
{
    puts("pairs:\n");
    u64 a, b, c, d, e, f;
    u8 *p = src + 16, *q = src + 16;
    __asm__ volatile("ldp %0, %1, [%2]" : "=&r"(a), "=&r"(b) : "r"(src + 16) : "memory");
    __asm__ volatile("ldp %w0, %w1, [%2, #-8]" : "=&r"(c), "=&r"(d) : "r"(src + 16) : "memory");
    __asm__ volatile("ldpsw %0, %1, [%2, #8]" : "=&r"(e), "=&r"(f) : "r"(src + 16) : "memory");
    printf("  ldp x  %016lx %016lx\n  ldp w  %016lx %016lx\n  ldpsw  %016lx %016lx\n", a, b, c, d, e, f);
    csum_add(a); csum_add(b); csum_add(c); csum_add(d); csum_add(e); csum_add(f);
    __asm__ volatile("ldp %0, %1, [%2, #16]!" : "=&r"(a), "=&r"(b), "+r"(p) : : "memory");
    __asm__ volatile("ldp %w0, %w1, [%2], #-16" : "=&r"(c), "=&r"(d), "+r"(q) : : "memory");
    printf("  ldp pre  %016lx %016lx base %+ld\n  ldp post %016lx %016lx base %+ld\n", a, b,
           (long)(p - src), c, d, (long)(q - src));
    csum_add(a); csum_add(b); csum_add(c); csum_add(d);
    check_eq("ldpsw sign", e >> 63 | (f >> 63) << 1, ((u64)(src[27] >> 7)) | ((u64)(src[31] >> 7) << 1));
    clear_dst();
    u8 *s = dst + 32, *t = dst + 32;
    __asm__ volatile("stp %1, %2, [%0, #-16]!" : "+r"(s) : "r"(0x1111111111111111UL), "r"(0x2222222222222222UL) : "memory");
    __asm__ volatile("stp %w1, %w2, [%0], #24" : "+r"(t) : "r"(0x33333333UL), "r"(0x44444444UL) : "memory");
    __asm__ volatile("stp xzr, %1, [%0, #48]" : : "r"(dst), "r"(0x5555555555555555UL) : "memory");
    dump("stp", dst, 64);
    check_eq("stp pre base", s - dst, 16);
    check_eq("stp post base", t - dst, 56);
}

static void test_literal(void)
{
    u64 a, b, c;
    __asm__ volatile("ldr %0, 1f\n ldrsw %1, 2f\n ldr %w2, 2f\n b 3f\n"
                     ".balign 8\n1: .quad 0xfeedfacecafebeef\n2: .word 0x80000001\n .word 0\n3:"
                     : "=r"(a), "=r"(b), "=r"(c));
    printf("literal: ldr x %016lx ldrsw %016lx ldr w %016lx\n", a, b, c);
    csum_add(a); csum_add(b); csum_add(c);
    check_eq("ldr literal", a, 0xfeedfacecafebeefUL);
    check_eq("ldrsw literal", b, 0xffffffff80000001UL);
}

static u64 counter __attribute__((aligned(16)));
static u64 pairv[2] __attribute__((aligned(16)));

static void test_exclusive(void)
{
    puts("MMU on (4K identity map, Normal write-back) for exclusives\n");
    mmu_identity_on();
    /* ldxr/stxr increment loop */
    counter = 40;
    for (int i = 0; i < 1000; i++) {
        u64 tmp, st;
        __asm__ volatile("1: ldxr %0, [%2]\n add %0, %0, #3\n stxr %w1, %0, [%2]\n cbnz %w1, 1b"
                         : "=&r"(tmp), "=&r"(st) : "r"(&counter) : "memory");
    }
    printf("  ldxr/stxr loop: %lu\n", counter);
    check_eq("ldxr/stxr loop", counter, 3040);
    /* sizes and acquire/release forms */
    u64 v8, v16, v32, st8, st16, st32, old;
    u8 *d = dst;
    clear_dst();
    *(volatile u64 *)d = 0x80f0e0d0c0b0a090UL;
    /* each load-exclusive/store-exclusive pair sits in one asm statement, so that no other
     * memory access can come between them */
    __asm__ volatile("ldxrb %w0, [%2]\n add %w0, %w0, #1\n stxrb %w1, %w0, [%2]"
                     : "=&r"(v8), "=&r"(st8) : "r"(d) : "memory");
    __asm__ volatile("ldaxrh %w0, [%2]\n add %w0, %w0, #2\n stlxrh %w1, %w0, [%2]"
                     : "=&r"(v16), "=&r"(st16) : "r"(d + 2) : "memory");
    __asm__ volatile("ldaxr %w0, [%2]\n eor %w0, %w0, #0xff\n stlxr %w1, %w0, [%2]"
                     : "=&r"(v32), "=&r"(st32) : "r"(d + 4) : "memory");
    printf("  ldxrb+1 %02lx ldaxrh+2 %04lx ldaxr^ff %08lx status %lu %lu %lu\n", v8, v16, v32, st8, st16, st32);
    dump("memory", d, 8);
    check_eq("exclusive sizes", *(volatile u64 *)d, 0x80f0e02fc0b2a091UL);
    /* pair */
    pairv[0] = 0x1111; pairv[1] = 0x2222;
    u64 lo, hi, stp;
    __asm__ volatile("1: ldxp %0, %1, [%3]\n add %0, %0, #1\n add %1, %1, #2\n stxp %w2, %1, %0, [%3]\n cbnz %w2, 1b"
                     : "=&r"(lo), "=&r"(hi), "=&r"(stp) : "r"(pairv) : "memory");
    printf("  ldxp/stxp (swapped halves): %lx %lx\n", pairv[0], pairv[1]);
    check_eq("stxp", pairv[0] | pairv[1] << 32, 0x2224UL | 0x1112UL << 32);
    /* clrex: a store-exclusive without a held monitor must fail and leave memory alone */
    counter = 7;
    __asm__ volatile("ldxr %0, [%2]\n clrex\n stxr %w1, %3, [%2]" : "=&r"(old), "=&r"(st8) : "r"(&counter), "r"(99UL) : "memory");
    printf("  stxr after clrex: status %lu, memory %lu\n", st8, counter);
    check_eq("stxr after clrex status", st8, 1);
    check_eq("stxr after clrex memory", counter, 7);
    /* load-acquire / store-release */
    u64 la, lab, lah;
    __asm__ volatile("stlr %3, [%4]\n ldar %0, [%4]\n stlrb %w3, [%5]\n ldarb %w1, [%5]\n stlrh %w3, [%6]\n ldarh %w2, [%6]"
                     : "=&r"(la), "=&r"(lab), "=&r"(lah) : "r"(0xabcdef0123456789UL), "r"(d + 8), "r"(d + 17), "r"(d + 18) : "memory");
    printf("  ldar %016lx ldarb %02lx ldarh %04lx\n", la, lab, lah);
    dump("memory", d + 8, 16);
    csum_add(la); csum_add(lab); csum_add(lah);
    /* DC ZVA on Normal memory */
    u64 dczid = SYSREG_READ(dczid_el0);
    u64 blk = 4UL << (dczid & 15);
    for (int i = 0; i < 64; i += 8)
        *(volatile u64 *)(dst + i) = 0xa5a5a5a5a5a5a5a5UL;
    __asm__ volatile("dc zva, %0" : : "r"(dst) : "memory");
    printf("  dc zva: DZP %lu, block %lu bytes\n", (dczid >> 4) & 1, blk);
    dump("after", dst, 64);
}

int main(void)
{
    puts("ldst: loads and stores\n");
    for (int i = 0; i < 64; i++)
        src[i] = (u8)(i * 37 + 0x85);
    dump("src", src, 64);
    test_loads();
    test_stores();
    test_index();
    test_pairs();
    test_literal();
    test_exclusive();
    printf("checksum %016lx\n", csum);
    return finish("ldst");
}
