/* vecstr: vectorised memcpy, memset, strlen, checksums and a few other loops, built with
 * -O3 -march=armv8-a+simd so the compiler emits AdvSIMD (LD1/ST1/LDR Q, ADD/UADDLV/UMAXV/...,
 * DUP, EXT, TBL...), each verified against a scalar version compiled without vectorisation.
 * strlen uses arm_neon.h intrinsics (compilers do not vectorise early-exit loops): aligned
 * 16-byte loads, CMEQ against zero, UMAXV. MMU off (Device memory): every SIMD access is aligned
 * to its element size (-mstrict-align; build.sh's SCTLR_EL1.A = 1 self-check proves it). */
#include "runtime.h"
#include <arm_neon.h>

#define SCALAR __attribute__((noinline, optimize("no-tree-vectorize", "no-tree-slp-vectorize")))
#define VECTOR __attribute__((noinline))

#define N 4096
static u8 src[N + 64] __attribute__((aligned(16)));
static u8 dst[N + 64] __attribute__((aligned(16)));
static u8 ref[N + 64] __attribute__((aligned(16)));
static u32 w32a[1024] __attribute__((aligned(16)));
static u32 w32b[1024] __attribute__((aligned(16)));
static s16 h16a[1024] __attribute__((aligned(16)));
static s16 h16b[1024] __attribute__((aligned(16)));
static float fa[512] __attribute__((aligned(16)));
static float fb[512] __attribute__((aligned(16)));
static float fc[512] __attribute__((aligned(16)));
static float fr[512] __attribute__((aligned(16)));

static u64 rng = 0x9e3779b97f4a7c15UL;
static u64 next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* ---- vector versions (the compiler vectorises these loops at -O3) ---- */

VECTOR static void vcopy(u8 *__restrict d, const u8 *__restrict s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = s[i];
}

VECTOR static void vfill(u8 *d, u8 c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = c;
}

VECTOR static u32 vsum8(const u8 *p, size_t n)
{
    u32 s = 0;
    for (size_t i = 0; i < n; i++)
        s += p[i];
    return s;
}

VECTOR static u32 vxor32(const u32 *p, size_t n)
{
    u32 x = 0;
    for (size_t i = 0; i < n; i++)
        x ^= p[i] * 0x9e3779b1u + (p[i] >> 7);
    return x;
}

VECTOR static u8 vmax8(const u8 *p, size_t n)
{
    u8 m = 0;
    for (size_t i = 0; i < n; i++)
        m = p[i] > m ? p[i] : m;
    return m;
}

VECTOR static s64 vdot16(const s16 *a, const s16 *b, size_t n)
{
    s64 s = 0;
    for (size_t i = 0; i < n; i++)
        s += (s32)a[i] * b[i];
    return s;
}

VECTOR static void vsat(u8 *__restrict d, const u8 *__restrict a, const u8 *__restrict b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned t = a[i] + b[i];
        d[i] = t > 255 ? 255 : t;
    }
}

VECTOR static void vfma(float *__restrict r, const float *__restrict a, const float *__restrict b, const float *__restrict c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        r[i] = a[i] * b[i] + c[i];
}

VECTOR static void vshuffle(u32 *__restrict d, const u32 *__restrict s, size_t n)
{
    /* swap neighbours and rotate: interleaving permutes */
    for (size_t i = 0; i < n; i += 2) {
        d[i] = (s[i + 1] << 3) | (s[i + 1] >> 29);
        d[i + 1] = s[i] ^ 0xa5a5a5a5u;
    }
}

/* strlen with intrinsics: the first load is aligned down (and the bytes before the string
 * masked off), so no load crosses into an unmapped page and every access is aligned. */
VECTOR static size_t vstrlen(const char *s)
{
    const u8 *p = (const u8 *)((u64)s & ~15UL);
    unsigned skip = (u64)s & 15;
    uint8x16_t v = vld1q_u8(p);
    uint8x16_t z = vceqq_u8(v, vdupq_n_u8(0));
    /* ignore the bytes before s: an index vector compared against skip */
    static const u8 idx[16] __attribute__((aligned(16))) = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
    uint8x16_t valid = vcgeq_u8(vld1q_u8(idx), vdupq_n_u8((u8)skip));
    z = vandq_u8(z, valid);
    while (vmaxvq_u8(z) == 0) {
        p += 16;
        v = vld1q_u8(p);
        z = vceqq_u8(v, vdupq_n_u8(0));
    }
    /* first zero byte: the lowest index whose lane is 0xff */
    uint8x16_t pos = vbslq_u8(z, vld1q_u8(idx), vdupq_n_u8(0xff));
    return (size_t)(p - (const u8 *)s) + vminvq_u8(pos);
}

/* ---- scalar references ---- */

SCALAR static void scopy(u8 *d, const u8 *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = s[i];
}
SCALAR static u32 ssum8(const u8 *p, size_t n)
{
    u32 s = 0;
    for (size_t i = 0; i < n; i++)
        s += p[i];
    return s;
}
SCALAR static u32 sxor32(const u32 *p, size_t n)
{
    u32 x = 0;
    for (size_t i = 0; i < n; i++)
        x ^= p[i] * 0x9e3779b1u + (p[i] >> 7);
    return x;
}
SCALAR static u8 smax8(const u8 *p, size_t n)
{
    u8 m = 0;
    for (size_t i = 0; i < n; i++)
        m = p[i] > m ? p[i] : m;
    return m;
}
SCALAR static s64 sdot16(const s16 *a, const s16 *b, size_t n)
{
    s64 s = 0;
    for (size_t i = 0; i < n; i++)
        s += (s32)a[i] * b[i];
    return s;
}
SCALAR static size_t sstrlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}
SCALAR static u64 fnv(const u8 *p, size_t n)
{
    u64 h = 0xcbf29ce484222325UL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3UL;
    }
    return h;
}

static u32 fbits(float f) { union { float f; u32 u; } x = { .f = f }; return x.u; }

int main(void)
{
    puts("vecstr: auto-vectorised loops and NEON strlen vs scalar\n");
    for (int i = 0; i < N + 64; i++)
        src[i] = (u8)next();
    for (int i = 0; i < 1024; i++) {
        w32a[i] = (u32)next();
        h16a[i] = (s16)next();
        h16b[i] = (s16)next();
    }
    for (int i = 0; i < 512; i++) {
        fa[i] = (float)(s32)(next() >> 40) / 1024.0f;
        fb[i] = (float)(s32)(next() >> 44) / 256.0f;
        fc[i] = (float)(s32)(next() >> 41);
    }

    /* memcpy: every length 0..80 at 16-byte aligned ends, then big blocks */
    u64 h = 0;
    int bad = 0;
    for (size_t len = 0; len <= 80; len++) {
        vfill(dst, 0xee, 128);
        vcopy(dst, src + 16, len);
        scopy(ref, src + 16, len);
        for (size_t i = len; i < 128; i++)
            ref[i] = 0xee;
        if (memcmp(dst, ref, 128) != 0)
            bad++;
        h ^= fnv(dst, 128) + len;
    }
    printf("copy 0..80:      fnv-mix %016lx\n", h);
    check_eq("copy 0..80 mismatches", bad, 0);
    csum_add(h);
    vcopy(dst, src, N);
    printf("copy %d:       fnv %016lx\n", N, fnv(dst, N));
    check_eq("copy 4096", fnv(dst, N), fnv(src, N));
    csum_add(fnv(dst, N));

    /* memset */
    h = 0;
    for (size_t len = 0; len <= 70; len += 7) {
        vcopy(dst, src, 128);
        vfill(dst + 16, (u8)(len * 37), len);
        h = h * 31 + fnv(dst, 128);
        for (size_t i = 0; i < 128; i++) {
            u8 want = (i >= 16 && i < 16 + len) ? (u8)(len * 37) : src[i];
            if (dst[i] != want)
                bad++;
        }
    }
    printf("fill:            fnv-mix %016lx\n", h);
    check_eq("fill mismatches", bad, 0);
    csum_add(h);

    /* strlen over every starting alignment and lengths around 16-byte boundaries */
    static char str[256] __attribute__((aligned(16)));
    u64 lsum = 0;
    for (int off = 0; off < 16; off++) {
        for (int len = 0; len < 70; len += 3) {
            for (int i = 0; i < 256; i++)
                str[i] = (char)('a' + (i % 26));
            str[off + len] = 0;
            size_t v = vstrlen(str + off), s = sstrlen(str + off);
            if (v != s || v != (size_t)len) {
                bad++;
                printf("FAIL: strlen(off %d, len %d) = %lu / %lu\n", off, len, v, s);
            }
            lsum += v * (off + 1);
        }
    }
    printf("strlen:          weighted sum %lu\n", lsum);
    check_eq("strlen sum", lsum, 112608);
    csum_add(lsum);

    /* checksums and reductions */
    u32 s8 = vsum8(src, N), r8 = ssum8(src, N);
    u32 x32 = vxor32(w32a, 1024), rx = sxor32(w32a, 1024);
    u8 m8 = vmax8(src + 7, 1000), rm = smax8(src + 7, 1000);
    s64 dot = vdot16(h16a, h16b, 1024), rdot = sdot16(h16a, h16b, 1024);
    printf("sum8 %u xor32 %08x max8 %u dot16 %ld\n", s8, x32, m8, dot);
    check_eq("sum8", s8, r8);
    check_eq("xor32", x32, rx);
    check_eq("max8", m8, rm);
    check_eq("dot16", (u64)dot, (u64)rdot);
    csum_add(s8);
    csum_add(x32);
    csum_add(m8);
    csum_add((u64)dot);

    /* saturating add, float multiply-add, permutes */
    vsat(dst, src, src + 1024, 1024);
    for (int i = 0; i < 1024; i++) {
        unsigned t = src[i] + src[1024 + i];
        if (dst[i] != (t > 255 ? 255 : t))
            bad++;
    }
    printf("uqadd:           fnv %016lx\n", fnv(dst, 1024));
    csum_add(fnv(dst, 1024));
    vfma(fr, fa, fb, fc, 512);
    u64 fh = 0xcbf29ce484222325UL;
    for (int i = 0; i < 512; i++) {
        fh ^= fbits(fr[i]);
        fh *= 0x100000001b3UL;
    }
    printf("fmla:            fnv %016lx  r[0] %08x r[511] %08x\n", fh, fbits(fr[0]), fbits(fr[511]));
    csum_add(fh);
    vshuffle(w32b, w32a, 1024);
    for (int i = 0; i < 1024; i += 2) {
        if (w32b[i] != ((w32a[i + 1] << 3) | (w32a[i + 1] >> 29)) || w32b[i + 1] != (w32a[i] ^ 0xa5a5a5a5u))
            bad++;
    }
    printf("shuffle:         fnv %016lx\n", fnv((const u8 *)w32b, 4096));
    csum_add(fnv((const u8 *)w32b, 4096));
    check_eq("element mismatches", bad, 0);

    printf("checksum %016lx\n", csum);
    return finish("vecstr");
}
