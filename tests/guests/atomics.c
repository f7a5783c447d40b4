/* atomics: ARMv8.1 LSE atomics (LDADD/LDCLR/LDEOR/LDSET/LD{S,U}{MAX,MIN}, SWP, ST<op>, CAS,
 * CASP) in all sizes and ordering variants. Built with -march=armv8.1-a; runs on -cpu max.
 * Atomics run with the MMU on (Normal write-back memory), where the architecture requires
 * them to work. */
#include "runtime.h"

static u64 word __attribute__((aligned(16)));
static u64 pair[2] __attribute__((aligned(16)));

#define FILL 0xa5a5a5a5a5a5a5a5UL

static void line(const char *name, u64 old, u64 mem)
{
    printf("  %-10s old %016lx mem %016lx\n", name, old, mem);
    csum_add(old);
    csum_add(mem);
}

/* One op in the four sizes, each with a different memory-ordering variant. The sub-word
 * sizes work on the low bytes of a word pre-filled with FILL, so stray writes show up. */
#define TEST_OP(op, m, v)                                                                        \
    static void test_##op(void)                                                                  \
    {                                                                                            \
        u64 old;                                                                                 \
        word = (m);                                                                              \
        __asm__ volatile(#op "al %1, %0, [%2]" : "=&r"(old) : "r"((u64)(v)), "r"(&word) : "memory"); \
        line(#op "al x", old, word);                                                             \
        word = (FILL & ~0xffffffffUL) | ((m) & 0xffffffffUL);                                    \
        __asm__ volatile(#op "a %w1, %w0, [%2]" : "=&r"(old) : "r"((u64)(v)), "r"(&word) : "memory"); \
        line(#op "a w", old, word);                                                              \
        word = (FILL & ~0xffffUL) | ((m) & 0xffffUL);                                            \
        __asm__ volatile(#op "lh %w1, %w0, [%2]" : "=&r"(old) : "r"((u64)(v)), "r"(&word) : "memory"); \
        line(#op "lh", old, word);                                                               \
        word = (FILL & ~0xffUL) | ((m) & 0xffUL);                                                \
        __asm__ volatile(#op "b %w1, %w0, [%2]" : "=&r"(old) : "r"((u64)(v)), "r"(&word) : "memory"); \
        line(#op "b", old, word);                                                                \
    }

/* memory 0x80000000...05-ish, operand 0x7f...f3-ish: exercises carries and signed/unsigned order */
#define M1 0x8000000080008085UL
#define V1 0x7ffffffff0ff7ff3UL
TEST_OP(ldadd, M1, V1)
TEST_OP(ldclr, M1, V1)
TEST_OP(ldeor, M1, V1)
TEST_OP(ldset, M1, V1)
TEST_OP(ldsmax, M1, V1)
TEST_OP(ldsmin, M1, V1)
TEST_OP(ldumax, M1, V1)
TEST_OP(ldumin, M1, V1)
TEST_OP(swp, M1, V1)

static void test_st(void)
{
    word = 100;
    __asm__ volatile("stadd %0, [%1]" : : "r"(23UL), "r"(&word) : "memory");
    line("stadd x", 0, word);
    check_eq("stadd", word, 123);
    word = FILL;
    __asm__ volatile("stsetlb %w0, [%1]\n steorh %w0, [%1]" : : "r"(0x0f0fUL), "r"(&word) : "memory");
    line("stsetlb+steorh", 0, word);
    check_eq("stsetlb+steorh", word, 0xa5a5a5a5a5a5aaa0UL);
    word = 0xffffffff00000005UL;
    __asm__ volatile("stsmaxl %w0, [%1]" : : "r"(0xfffffffbUL), "r"(&word) : "memory");
    line("stsmaxl w", 0, word);
    check_eq("stsmaxl w", word, 0xffffffff00000005UL);
}

static void test_cas(void)
{
    u64 r;
    word = 0x1122334455667788UL;
    r = 0x1122334455667788UL;
    __asm__ volatile("casal %0, %1, [%2]" : "+r"(r) : "r"(0xdeadbeefcafef00dUL), "r"(&word) : "memory");
    line("casal hit", r, word);
    check_eq("casal hit", word, 0xdeadbeefcafef00dUL);
    r = 0x1122334455667788UL;
    __asm__ volatile("cas %0, %1, [%2]" : "+r"(r) : "r"(0UL), "r"(&word) : "memory");
    line("cas miss", r, word);
    check_eq("cas miss old", r, 0xdeadbeefcafef00dUL);
    r = 0xcafef00d;
    __asm__ volatile("casa %w0, %w1, [%2]" : "+r"(r) : "r"(0x12345678UL), "r"(&word) : "memory");
    line("casa w hit", r, word);
    r = 0x5678;
    __asm__ volatile("caslh %w0, %w1, [%2]" : "+r"(r) : "r"(0xffffUL), "r"(&word) : "memory");
    line("caslh hit", r, word);
    r = 0x77;
    __asm__ volatile("casb %w0, %w1, [%2]" : "+r"(r) : "r"(0x11UL), "r"(&word) : "memory");
    line("casb miss", r, word);
    check_eq("cas sizes", word, 0xdeadbeef1234ffffUL);

    u64 x0, x1;
#define CASP(insn, r, lo, hi, nlo, nhi)                                                         \
    __asm__ volatile("mov x4, %0\n mov x5, %1\n mov x6, %2\n mov x7, %3\n" insn "\n mov %0, x4\n mov %1, x5" \
                     : "+r"(lo), "+r"(hi) : "r"((u64)(nlo)), "r"((u64)(nhi)), "r"(r)             \
                     : "x4", "x5", "x6", "x7", "memory")
    pair[0] = 0xaaaa; pair[1] = 0xbbbb;
    x0 = 0xaaaa; x1 = 0xbbbb;
    CASP("caspal x4, x5, x6, x7, [%4]", pair, x0, x1, 0x2222222222222222UL, 0x3333333333333333UL);
    printf("  caspal hit  old %lx %lx mem %lx %lx\n", x0, x1, pair[0], pair[1]);
    csum_add(x0); csum_add(x1); csum_add(pair[0]); csum_add(pair[1]);
    check_eq("caspal hit", pair[1], 0x3333333333333333UL);
    x0 = 0x2222222222222222UL; x1 = 0;
    CASP("casp x4, x5, x6, x7, [%4]", pair, x0, x1, 0x4444UL, 0x5555UL);
    printf("  casp miss   old %lx %lx mem %lx %lx\n", x0, x1, pair[0], pair[1]);
    csum_add(x0); csum_add(x1);
    check_eq("casp miss old", x1, 0x3333333333333333UL);
    x0 = 0x22222222; x1 = 0x22222222;
    CASP("caspa w4, w5, w6, w7, [%4]", pair, x0, x1, 0x12345678UL, 0x9abcdef0UL);
    printf("  caspa w hit old %lx %lx mem %lx %lx\n", x0, x1, pair[0], pair[1]);
    csum_add(x0); csum_add(x1); csum_add(pair[0]); csum_add(pair[1]);
    check_eq("caspa w hit", pair[0], 0x9abcdef012345678UL);
}

int main(void)
{
    puts("atomics: LSE (ARMv8.1) atomic memory operations\n");
    u64 isar0 = SYSREG_READ(id_aa64isar0_el1);
    printf("ID_AA64ISAR0_EL1.Atomic >= 2 (LSE): %s\n", (isar0 >> 20 & 15) >= 2 ? "yes" : "no");
    check((isar0 >> 20 & 15) >= 2, "LSE atomics implemented");
    mmu_identity_on();
    printf("memory %016lx, operand %016lx (sub-word sizes: low bytes, rest a5)\n", M1, V1);
    test_ldadd();
    test_ldclr();
    test_ldeor();
    test_ldset();
    test_ldsmax();
    test_ldsmin();
    test_ldumax();
    test_ldumin();
    test_swp();
    test_st();
    test_cas();
    printf("checksum %016lx\n", csum);
    return finish("atomics");
}
