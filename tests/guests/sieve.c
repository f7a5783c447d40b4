/* sieve (and bench, built with -DBENCH): CPU-bound prime sieve plus hashing.
 * sieve: N = 1,000,000 (~30 M instructions); bench: N = 10,000,000 (~10x). */
#include "runtime.h"

#ifdef BENCH
#define NAME "bench"
#define N 10000000UL
#define EXPECTED_PRIMES 664579UL
#define EXPECTED_TWINS 58980UL
#else
#define NAME "sieve"
#define N 1000000UL
#define EXPECTED_PRIMES 78498UL
#define EXPECTED_TWINS 8169UL
#endif

static u8 composite[N + 1] __attribute__((aligned(16)));
static u32 primes[EXPECTED_PRIMES + 16];

static u64 xorshift64(u64 *s)
{
    u64 x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

int main(void)
{
#ifdef MEASURE
    u64 t0 = SYSREG_READ(cntvct_el0);
#endif
    printf("%s: sieve of Eratosthenes up to %lu, FNV-1a and xorshift hashing\n", NAME, N);

    for (u64 i = 0; i <= N; i++)
        composite[i] = 0;
    composite[0] = composite[1] = 1;
    for (u64 i = 2; i * i <= N; i++)
        if (!composite[i])
            for (u64 j = i * i; j <= N; j += i)
                composite[j] = 1;

    u64 count = 0, sum = 0, twins = 0, last = 0;
    for (u64 i = 2; i <= N; i++) {
        if (!composite[i]) {
            if (count < EXPECTED_PRIMES + 16)
                primes[count] = (u32)i;
            count++;
            sum += i;
            if (last && last == i - 2)
                twins++;
            last = i;
        }
    }
    printf("primes <= %lu: %lu\n", N, count);
    printf("sum of primes: %lu\n", sum);
    printf("largest prime: %lu\n", last);
    printf("twin prime pairs: %lu\n", twins);
    check_eq("prime count", count, EXPECTED_PRIMES);
    check_eq("twin prime pairs", twins, EXPECTED_TWINS);

    /* FNV-1a 64 over the sieve bytes */
    u64 h = 0xcbf29ce484222325UL;
    for (u64 i = 0; i <= N; i++) {
        h ^= composite[i];
        h *= 0x100000001b3UL;
    }
    printf("fnv1a64(sieve) = %016lx\n", h);

    /* xorshift64 mixing over the primes, with gaps and a multiply/rotate fold */
    u64 s = 0x9e3779b97f4a7c15UL, m = 0;
    for (u64 i = 0; i < count && i < EXPECTED_PRIMES + 16; i++) {
        u64 gap = i ? primes[i] - primes[i - 1] : 2;
        m ^= xorshift64(&s) * (primes[i] | 1);
        m = (m << 23 | m >> 41) + gap;
    }
    printf("xorshift mix(primes) = %016lx\n", m);
    printf("state = %016lx\n", s);
#ifdef MEASURE
    u64 t1 = SYSREG_READ(cntvct_el0);
    printf("MEASURE ticks %lu freq %lu\n", t1 - t0, SYSREG_READ(cntfrq_el0));
#endif
    return finish(NAME);
}
