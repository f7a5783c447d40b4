/* fpmath: scalar float and double arithmetic from C (sums, products, division, sqrt via
 * __builtin_sqrt, fused multiply-add, conversions), the four FPCR rounding modes, FZ and DN,
 * and the cumulative FPSR exception flags. Every result is printed as its hex bit pattern and,
 * where meaningful, as an integer computed from it (no libc: formatting is integer only).
 * Built with FP/SIMD allowed (guests.json "fp": true: start.S sets CPACR_EL1.FPEN = 0b11
 * first) and -fno-math-errno, so __builtin_sqrt is a single FSQRT. */
#include "runtime.h"

/* Hide a value from the optimiser, so the operation happens at run time. */
#define OPQ(x) ({ __typeof__((x) + 0) _o = (x); __asm__ volatile("" : "+rw"(_o)); _o; })

static u32 fbits(float f) { union { float f; u32 u; } x = { .f = f }; return x.u; }
static u64 dbits(double d) { union { double d; u64 u; } x = { .d = d }; return x.u; }
static float bitsf(u32 u) { union { float f; u32 u; } x = { .u = u }; return x.f; }
static double bitsd(u64 u) { union { double d; u64 u; } x = { .u = u }; return x.d; }

static u64 get_fpsr(void) { u64 v; __asm__ volatile("mrs %0, fpsr" : "=r"(v)); return v; }
static void set_fpsr(u64 v) { __asm__ volatile("msr fpsr, %0" : : "r"(v)); }
static u64 get_fpcr(void) { u64 v; __asm__ volatile("mrs %0, fpcr" : "=r"(v)); return v; }
static void set_fpcr(u64 v) { __asm__ volatile("msr fpcr, %0" : : "r"(v)); ISB(); }

/* FPSR cumulative flags as text: IDC IXC UFC OFC DZC IOC (upper case = set). */
static const char *flags(u64 f)
{
    static char bufs[4][8];
    static unsigned next;
    char *s = bufs[next++ & 3];
    s[0] = f & (1 << 7) ? 'D' : 'd';
    s[1] = f & (1 << 4) ? 'X' : 'x';
    s[2] = f & (1 << 3) ? 'U' : 'u';
    s[3] = f & (1 << 2) ? 'O' : 'o';
    s[4] = f & (1 << 1) ? 'Z' : 'z';
    s[5] = f & (1 << 0) ? 'I' : 'i';
    s[6] = 0;
    return s;
}

static void outf(const char *what, float r, u64 fl)
{
    printf("  %-28s %08x %s\n", what, fbits(r), flags(fl));
    csum_add(fbits(r));
    csum_add(fl);
}

static void outd(const char *what, double r, u64 fl)
{
    printf("  %-28s %016lx %s\n", what, dbits(r), flags(fl));
    csum_add(dbits(r));
    csum_add(fl);
}

static void outi(const char *what, s64 v)
{
    printf("  %-28s %ld\n", what, v);
    csum_add((u64)v);
}

/* Binary operations through the FPSR: clear flags, compute, read flags. */
enum { ADD, SUB, MUL, DIV, MIN, MAX, MINNM, MAXNM, NMUL };
static const char *const opname[] = { "fadd", "fsub", "fmul", "fdiv", "fmin", "fmax", "fminnm", "fmaxnm", "fnmul" };

static double dop(int op, double a, double b, u64 *fl)
{
    double r;
    set_fpsr(0);
    switch (op) {
    case ADD: __asm__ volatile("fadd %d0, %d1, %d2" : "=w"(r) : "w"(a), "w"(b)); break;
    case SUB: __asm__ volatile("fsub %d0, %d1, %d2" : "=w"(r) : "w"(a), "w"(b)); break;
    case MUL: __asm__ volatile("fmul %d0, %d1, %d2" : "=w"(r) : "w"(a), "w"(b)); break;
    case DIV: __asm__ volatile("fdiv %d0, %d1, %d2" : "=w"(r) : "w"(a), "w"(b)); break;
    case MIN: __asm__ volatile("fmin %d0, %d1, %d2" : "=w"(r) : "w"(a), "w"(b)); break;
    case MAX: __asm__ volatile("fmax %d0, %d1, %d2" : "=w"(r) : "w"(a), "w"(b)); break;
    case MINNM: __asm__ volatile("fminnm %d0, %d1, %d2" : "=w"(r) : "w"(a), "w"(b)); break;
    case MAXNM: __asm__ volatile("fmaxnm %d0, %d1, %d2" : "=w"(r) : "w"(a), "w"(b)); break;
    default: __asm__ volatile("fnmul %d0, %d1, %d2" : "=w"(r) : "w"(a), "w"(b)); break;
    }
    *fl = get_fpsr();
    return r;
}

static float sop(int op, float a, float b, u64 *fl)
{
    float r;
    set_fpsr(0);
    switch (op) {
    case ADD: __asm__ volatile("fadd %s0, %s1, %s2" : "=w"(r) : "w"(a), "w"(b)); break;
    case SUB: __asm__ volatile("fsub %s0, %s1, %s2" : "=w"(r) : "w"(a), "w"(b)); break;
    case MUL: __asm__ volatile("fmul %s0, %s1, %s2" : "=w"(r) : "w"(a), "w"(b)); break;
    case DIV: __asm__ volatile("fdiv %s0, %s1, %s2" : "=w"(r) : "w"(a), "w"(b)); break;
    case MIN: __asm__ volatile("fmin %s0, %s1, %s2" : "=w"(r) : "w"(a), "w"(b)); break;
    case MAX: __asm__ volatile("fmax %s0, %s1, %s2" : "=w"(r) : "w"(a), "w"(b)); break;
    case MINNM: __asm__ volatile("fminnm %s0, %s1, %s2" : "=w"(r) : "w"(a), "w"(b)); break;
    case MAXNM: __asm__ volatile("fmaxnm %s0, %s1, %s2" : "=w"(r) : "w"(a), "w"(b)); break;
    default: __asm__ volatile("fnmul %s0, %s1, %s2" : "=w"(r) : "w"(a), "w"(b)); break;
    }
    *fl = get_fpsr();
    return r;
}

/* Special operands (bit patterns). */
static const u64 dspecial[] = {
    0x0000000000000000UL, 0x8000000000000000UL, 0x3ff0000000000000UL, 0xbff8000000000000UL,
    0x7ff0000000000000UL, 0xfff0000000000000UL, 0x7ff8000000000000UL, 0x7ff4000000000123UL,
    0xfff8000000abcdefUL, 0x0000000000000001UL, 0x000fffffffffffffUL, 0x0010000000000000UL,
    0x7fefffffffffffffUL, 0x4340000000000001UL, 0x3fd5555555555555UL, 0xc00921fb54442d18UL,
};
static const u32 sspecial[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbfc00000, 0x7f800000, 0xff800000, 0x7fc00000,
    0x7fa00123, 0xffc0abcd, 0x00000001, 0x007fffff, 0x00800000, 0x7f7fffff, 0x4b800001,
    0x3eaaaaab, 0xc0490fdb,
};
#define NSPEC 16

static void special_ops(void)
{
    puts("special operands, double (op a b -> result flags):\n");
    u64 fl;
    for (int op = 0; op <= NMUL; op++) {
        for (int i = 0; i < NSPEC; i += 1) {
            int j = (i * 7 + op * 3) % NSPEC; /* a spread of pairs, not all 256 */
            double r = dop(op, bitsd(dspecial[i]), bitsd(dspecial[j]), &fl);
            printf("  %-6s %016lx %016lx -> %016lx %s\n", opname[op], dspecial[i], dspecial[j], dbits(r), flags(fl));
            csum_add(dbits(r));
            csum_add(fl);
        }
    }
    puts("special operands, float:\n");
    for (int op = 0; op <= NMUL; op++) {
        for (int i = 0; i < NSPEC; i += 1) {
            int j = (i * 5 + op * 3 + 1) % NSPEC;
            float r = sop(op, bitsf(sspecial[i]), bitsf(sspecial[j]), &fl);
            printf("  %-6s %08x %08x -> %08x %s\n", opname[op], sspecial[i], sspecial[j], fbits(r), flags(fl));
            csum_add(fbits(r));
            csum_add(fl);
        }
    }
}

/* ---- sums, products, series (plain C) ---- */

static void series(void)
{
    puts("sums and products:\n");
    float hf = 0;
    double hd = 0;
    int n = OPQ(1000);
    for (int i = 1; i <= n; i++) {
        hf += 1.0f / (float)i;
        hd += 1.0 / (double)i;
    }
    outf("harmonic(1000) float", hf, 0);
    outd("harmonic(1000) double", hd, 0);
    outi("harmonic double * 1e9", (s64)(hd * 1e9));

    double pi = 0;
    int terms = OPQ(20000);
    for (int k = 0; k < terms; k++)
        pi += (k & 1 ? -4.0 : 4.0) / (2.0 * k + 1.0);
    outd("leibniz pi (20000 terms)", pi, 0);
    outi("pi * 1e9", (s64)(pi * 1e9));

    double e = 1, term = 1;
    for (int k = 1; k < 20; k++) {
        term /= OPQ((double)k);
        e += term;
    }
    outd("e (20 terms)", e, 0);
    outi("e * 1e15", (s64)(e * 1e15));
    check(dbits(e) - 0x4005bf0a8b145769UL <= 1, "e within 1 ulp of the correctly rounded value");

    double fact = 1;
    float factf = 1;
    for (int k = 2; k <= 25; k++) {
        fact *= OPQ((double)k);
        if (k <= 15)
            factf *= OPQ((float)k);
    }
    outd("25! double", fact, 0);
    outf("15! float", factf, 0);
    outi("(s64)(20! double)", (s64)(fact / (21.0 * 22 * 23 * 24 * 25)));

    float sf = 0;
    double sd = 0;
    for (int k = 0; k < OPQ(10000); k++) {
        sf += 0.1f;
        sd += 0.1;
    }
    outf("0.1f summed 10000 times", sf, 0);
    outd("0.1 summed 10000 times", sd, 0);
    outd("0.1 + 0.2", OPQ(0.1) + OPQ(0.2), 0);
    check_eq("0.1 + 0.2", dbits(OPQ(0.1) + OPQ(0.2)), 0x3fd3333333333334UL);
    outd("1 / 3", OPQ(1.0) / OPQ(3.0), 0);
    check_eq("1/3", dbits(OPQ(1.0) / OPQ(3.0)), 0x3fd5555555555555UL);
    outf("1f / 3f", OPQ(1.0f) / OPQ(3.0f), 0);
    check_eq("1f/3f", fbits(OPQ(1.0f) / OPQ(3.0f)), 0x3eaaaaab);
}

/* ---- sqrt, fma ---- */

static void roots(void)
{
    puts("square roots (__builtin_sqrt / __builtin_sqrtf):\n");
    u64 fl;
    for (int i = 0; i <= 20; i++) {
        set_fpsr(0);
        double r = __builtin_sqrt(OPQ((double)i));
        fl = get_fpsr();
        float rf = __builtin_sqrtf(OPQ((float)i));
        printf("  sqrt(%2d) = %016lx %s  sqrtf = %08x  floor(sqrt*1e6) = %ld\n", i, dbits(r), flags(fl), fbits(rf), (s64)(r * 1e6));
        csum_add(dbits(r));
        csum_add(fbits(rf));
    }
    check_eq("sqrt(2)", dbits(__builtin_sqrt(OPQ(2.0))), 0x3ff6a09e667f3bcdUL);
    check_eq("sqrtf(2)", fbits(__builtin_sqrtf(OPQ(2.0f))), 0x3fb504f3);
    for (int i = 0; i < NSPEC; i++) {
        set_fpsr(0);
        double r = __builtin_sqrt(bitsd(OPQ(dspecial[i])));
        fl = get_fpsr();
        printf("  sqrt %016lx -> %016lx %s\n", dspecial[i], dbits(r), flags(fl));
        csum_add(dbits(r));
        csum_add(fl);
    }
    puts("fused multiply-add (__builtin_fma): a*b+c with one rounding:\n");
    double a = OPQ(1.0 + 0x1p-30), b = OPQ(1.0 - 0x1p-30), c = OPQ(-1.0);
    outd("fma(1+2^-30, 1-2^-30, -1)", __builtin_fma(a, b, c), 0);
    check_eq("fma exact", dbits(__builtin_fma(a, b, c)), 0xbc30000000000000UL); /* -2^-60 */
    volatile double prod = a * b;
    outd("(1+2^-30)*(1-2^-30) - 1", prod + c, 0);
    float af = OPQ(1.0f + 0x1p-12f), bf = OPQ(1.0f - 0x1p-12f);
    outf("fmaf(1+2^-12, 1-2^-12, -1)", __builtin_fmaf(af, bf, OPQ(-1.0f)), 0);
}

/* ---- conversions ---- */

static void conversions(void)
{
    puts("conversions:\n");
    static const u64 dv[] = {
        0x3fe0000000000000UL, 0x3ff8000000000000UL, 0x4004000000000000UL, 0xbfe0000000000000UL,
        0xc004000000000000UL, 0x41dfffffffc00000UL, 0x41e0000000000000UL, 0xc1e0000000200000UL,
        0x43e0000000000000UL, 0x43f0000000000000UL, 0xc3e0000000000000UL, 0x7ff8000000000000UL,
        0xfff0000000000000UL, 0x4415af1d78b58c40UL, 0x3ff0000000000001UL, 0x0000000000000001UL,
    };
    for (int i = 0; i < 16; i++) {
        double d = bitsd(OPQ(dv[i]));
        s64 zs, ns, ms, ps, as;
        u64 zu, au;
        s32 w;
        set_fpsr(0);
        __asm__ volatile("fcvtzs %0, %d1" : "=r"(zs) : "w"(d));
        __asm__ volatile("fcvtns %0, %d1" : "=r"(ns) : "w"(d));
        __asm__ volatile("fcvtms %0, %d1" : "=r"(ms) : "w"(d));
        __asm__ volatile("fcvtps %0, %d1" : "=r"(ps) : "w"(d));
        __asm__ volatile("fcvtas %0, %d1" : "=r"(as) : "w"(d));
        __asm__ volatile("fcvtzu %0, %d1" : "=r"(zu) : "w"(d));
        __asm__ volatile("fcvtau %0, %d1" : "=r"(au) : "w"(d));
        __asm__ volatile("fcvtzs %w0, %d1" : "=r"(w) : "w"(d));
        u64 fl = get_fpsr();
        float f = (float)d;
        printf("  %016lx: zs %ld ns %ld ms %ld ps %ld as %ld zu %lu au %lu w %d f %08x %s\n", dv[i], zs, ns, ms, ps, as, zu, au, w,
               fbits(f), flags(fl));
        csum_add((u64)zs ^ (u64)ns ^ (u64)ms ^ (u64)ps ^ (u64)as ^ zu ^ au ^ (u64)(s64)w);
        csum_add(fbits(f));
    }
    /* integer -> float/double rounding */
    static const s64 iv[] = { 0, 1, -1, 16777217, -16777217, 9007199254740993L, -9007199254740993L,
                              0x7fffffffffffffffL, (s64)0x8000000000000000UL, 123456789012345L };
    for (int i = 0; i < 10; i++) {
        s64 v = OPQ(iv[i]);
        double d = (double)v;
        float f = (float)v;
        double du = (double)(u64)v;
        float fu = (float)(u64)v;
        printf("  %ld -> d %016lx f %08x ud %016lx uf %08x\n", v, dbits(d), fbits(f), dbits(du), fbits(fu));
        csum_add(dbits(d) ^ fbits(f) ^ dbits(du) ^ fbits(fu));
    }
    check_eq("(double)(2^53+1)", dbits((double)OPQ(9007199254740993L)), 0x4340000000000000UL);
    /* double <-> float <-> half */
    for (int i = 0; i < NSPEC; i++) {
        double d = bitsd(OPQ(dspecial[i]));
        set_fpsr(0);
        float f = (float)d;
        u64 fl = get_fpsr();
        double back = (double)bitsf(OPQ(sspecial[i]));
        u32 h, hs;
        __asm__ volatile("fcvt h31, %d1\n umov %w0, v31.h[0]" : "=r"(h) : "w"(d) : "v31");
        __asm__ volatile("fcvt h31, %s1\n umov %w0, v31.h[0]" : "=r"(hs) : "w"(bitsf(sspecial[i])) : "v31");
        printf("  d %016lx -> f %08x %s  h %04x | f %08x -> d %016lx h %04x\n", dspecial[i], fbits(f), flags(fl), h, sspecial[i], dbits(back), hs);
        csum_add(fbits(f) ^ h ^ ((u64)hs << 16));
        csum_add(dbits(back));
    }
    /* fixed point */
    double fx = OPQ(3.14159265358979);
    s64 q16, q32;
    __asm__ volatile("fcvtzs %0, %d1, #16" : "=r"(q16) : "w"(fx));
    __asm__ volatile("fcvtzs %0, %d1, #32" : "=r"(q32) : "w"(fx));
    double fromq;
    __asm__ volatile("scvtf %d0, %1, #16" : "=w"(fromq) : "r"(q16));
    printf("  pi in Q16 %ld, Q32 %ld, Q16 back %016lx\n", q16, q32, dbits(fromq));
    csum_add((u64)q16 ^ (u64)q32 ^ dbits(fromq));
    check_eq("pi Q16", (u64)q16, 205887);
}

/* ---- FPCR: rounding modes, FZ, DN; FRINT* ---- */

static void modes(void)
{
    static const char *const rm[] = { "RN", "RP", "RM", "RZ" };
    u64 fpcr0 = get_fpcr();
    puts("rounding modes (FPCR.RMode):\n");
    for (int m = 0; m < 4; m++) {
        set_fpcr(fpcr0 | ((u64)m << 22));
        u64 fl;
        double third = dop(DIV, OPQ(1.0), OPQ(3.0), &fl);
        double mthird = dop(DIV, OPQ(-1.0), OPQ(3.0), &fl);
        float big = sop(MUL, OPQ(3.0e38f), OPQ(10.0f), &fl);
        u64 flbig = fl;
        double r1, r2, r3;
        __asm__ volatile("frinti %d0, %d1" : "=w"(r1) : "w"(OPQ(2.5)));
        __asm__ volatile("frinti %d0, %d1" : "=w"(r2) : "w"(OPQ(-3.5)));
        __asm__ volatile("frintx %d0, %d1" : "=w"(r3) : "w"(OPQ(0.75)));
        s64 cv;
        __asm__ volatile("fcvtzs %0, %d1" : "=r"(cv) : "w"(OPQ(-2.75)));
        float narrow = (float)OPQ(1.0000000596046448);
        printf("  %s: 1/3 %016lx -1/3 %016lx 3e38*10 %08x %s frinti(2.5) %016lx frinti(-3.5) %016lx frintx(.75) %016lx fcvtzs(-2.75) %ld (float)(1+2^-24+) %08x\n",
               rm[m], dbits(third), dbits(mthird), fbits(big), flags(flbig), dbits(r1), dbits(r2), dbits(r3), cv, fbits(narrow));
        csum_add(dbits(third) ^ dbits(mthird) ^ fbits(big) ^ dbits(r1) ^ dbits(r2) ^ dbits(r3) ^ (u64)cv ^ fbits(narrow));
        if (m == 1)
            check_eq("1/3 RP", dbits(third), 0x3fd5555555555556UL);
        if (m == 3)
            check_eq("1/3 RZ", dbits(third), 0x3fd5555555555555UL);
    }
    set_fpcr(fpcr0);

    puts("FRINT* on halves (RN):\n");
    static const u64 hv[] = { 0x3fe0000000000000UL, 0x3ff8000000000000UL, 0x4004000000000000UL, 0xbfe0000000000000UL,
                              0xc00c000000000000UL, 0x4330000000000001UL, 0x8000000000000000UL, 0x3fdfffffffffffffUL };
    for (int i = 0; i < 8; i++) {
        double v = bitsd(OPQ(hv[i])), n, p, mm, z, a;
        __asm__ volatile("frintn %d0, %d1" : "=w"(n) : "w"(v));
        __asm__ volatile("frintp %d0, %d1" : "=w"(p) : "w"(v));
        __asm__ volatile("frintm %d0, %d1" : "=w"(mm) : "w"(v));
        __asm__ volatile("frintz %d0, %d1" : "=w"(z) : "w"(v));
        __asm__ volatile("frinta %d0, %d1" : "=w"(a) : "w"(v));
        printf("  %016lx: n %016lx p %016lx m %016lx z %016lx a %016lx\n", hv[i], dbits(n), dbits(p), dbits(mm), dbits(z), dbits(a));
        csum_add(dbits(n) ^ dbits(p) ^ dbits(mm) ^ dbits(z) ^ dbits(a));
    }

    puts("flush-to-zero (FPCR.FZ) and default NaN (FPCR.DN):\n");
    u64 fl;
    double tiny = bitsd(OPQ(0x0008000000000000UL)); /* a denormal */
    for (int fz = 0; fz < 2; fz++) {
        for (int dn = 0; dn < 2; dn++) {
            set_fpcr(fpcr0 | ((u64)fz << 24) | ((u64)dn << 25));
            double r1 = dop(ADD, tiny, tiny, &fl);
            u64 f1 = fl;
            double r2 = dop(MUL, OPQ(0x1p-1000), OPQ(0x1p-30), &fl);
            u64 f2 = fl;
            double r3 = dop(ADD, bitsd(OPQ(0x7ff4000000000123UL)), OPQ(1.0), &fl);
            u64 f3 = fl;
            float r4 = sop(MUL, bitsf(OPQ(0x00400000u)), OPQ(2.0f), &fl);
            u64 f4 = fl;
            printf("  FZ=%d DN=%d: den+den %016lx %s  2^-1000*2^-30 %016lx %s  sNaN+1 %016lx %s  fden*2 %08x %s\n", fz, dn, dbits(r1),
                   flags(f1), dbits(r2), flags(f2), dbits(r3), flags(f3), fbits(r4), flags(f4));
            csum_add(dbits(r1) ^ dbits(r2) ^ dbits(r3) ^ fbits(r4));
            csum_add(f1 | (f2 << 8) | (f3 << 16) | (f4 << 24));
        }
    }
    set_fpcr(fpcr0);
    check_eq("FPCR restored", get_fpcr(), fpcr0);
}

/* ---- compares ---- */

static void compares(void)
{
    puts("fcmp / fcmpe (NZCV, FPSR):\n");
    for (int i = 0; i < NSPEC; i += 2) {
        for (int j = 1; j < NSPEC; j += 3) {
            double a = bitsd(OPQ(dspecial[i])), b = bitsd(OPQ(dspecial[j]));
            u64 f1, f2, fl1, fl2;
            set_fpsr(0);
            __asm__ volatile("fcmp %d1, %d2\n mrs %0, nzcv" : "=r"(f1) : "w"(a), "w"(b) : "cc");
            fl1 = get_fpsr();
            set_fpsr(0);
            __asm__ volatile("fcmpe %d1, %d2\n mrs %0, nzcv" : "=r"(f2) : "w"(a), "w"(b) : "cc");
            fl2 = get_fpsr();
            printf("  %016lx %016lx: fcmp %lx %s fcmpe %lx %s  a<b %d a==b %d\n", dspecial[i], dspecial[j], f1 >> 28, flags(fl1), f2 >> 28,
                   flags(fl2), a < b, a == b);
            csum_add(f1 | (f2 << 4) | (fl1 << 32) | (fl2 << 40));
        }
    }
}

int main(void)
{
    puts("fpmath: scalar floating point\n");
    u64 cpacr = SYSREG_READ(cpacr_el1);
    printf("CPACR_EL1.FPEN = %lu, FPCR = %lx\n", (cpacr >> 20) & 3, get_fpcr());
    check_eq("FPEN", (cpacr >> 20) & 3, 3);
    series();
    roots();
    conversions();
    special_ops();
    modes();
    compares();
    printf("checksum %016lx\n", csum);
    return finish("fpmath");
}
