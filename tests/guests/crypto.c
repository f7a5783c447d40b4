/* crypto: the Cryptographic Extension through arm_neon.h intrinsics (-march=armv8-a+crypto;
 * the Cortex-A57 has AES+PMULL, SHA1 and SHA256): AES-128 encryption and decryption of the
 * FIPS-197 Appendix C.1 block and a CBC chain (AESE/AESMC/AESD/AESIMC), SHA-256 (SHA256H/H2/
 * SU0/SU1) and SHA-1 (SHA1C/P/M/H/SU0/SU1) of "abc" and of longer messages, checked against
 * scalar C implementations and the FIPS digests, and PMULL/PMULL2 (64 x 64 carry-less) against
 * a scalar carry-less multiply. */
#include "runtime.h"
#include <arm_neon.h>

static void put_bytes(const u8 *p, int n)
{
    for (int i = 0; i < n; i++) {
        printf("%02x", p[i]);
        csum_add(p[i]);
    }
}

static int hexeq(const u8 *p, const char *hex, int n)
{
    for (int i = 0; i < n; i++) {
        int hi = hex[2 * i] <= '9' ? hex[2 * i] - '0' : hex[2 * i] - 'a' + 10;
        int lo = hex[2 * i + 1] <= '9' ? hex[2 * i + 1] - '0' : hex[2 * i + 1] - 'a' + 10;
        if (p[i] != (u8)(hi * 16 + lo))
            return 0;
    }
    return 1;
}

/* ---- AES ---- */

static u8 sbox[256];

static u8 xtime(u8 a) { return (u8)((a << 1) ^ (a & 0x80 ? 0x1b : 0)); }

static void make_sbox(void)
{
    /* sbox[x] = affine(x^-1): walk the field with generator 3 and its inverse */
    u8 p = 1, q = 1;
    do {
        p = p ^ xtime(p);                 /* p *= 3 */
        q ^= q << 1;                      /* q /= 3 */
        q ^= q << 2;
        q ^= q << 4;
        if (q & 0x80)
            q ^= 0x09;
        u8 x = q ^ (u8)((q << 1) | (q >> 7)) ^ (u8)((q << 2) | (q >> 6)) ^ (u8)((q << 3) | (q >> 5)) ^ (u8)((q << 4) | (q >> 4));
        sbox[p] = x ^ 0x63;
    } while (p != 1);
    sbox[0] = 0x63;
}

static void expand_key(const u8 key[16], u8 rk[11][16])
{
    u8 rcon = 1;
    memcpy(rk[0], key, 16);
    for (int r = 1; r <= 10; r++) {
        const u8 *p = rk[r - 1];
        u8 t[4] = { (u8)(sbox[p[13]] ^ rcon), sbox[p[14]], sbox[p[15]], sbox[p[12]] };
        rcon = xtime(rcon);
        for (int i = 0; i < 16; i++) {
            u8 prev = i < 4 ? t[i] : rk[r][i - 4];
            rk[r][i] = p[i] ^ prev;
        }
    }
}

static uint8x16_t aes_encrypt(uint8x16_t b, const u8 rk[11][16])
{
    for (int r = 0; r < 9; r++)
        b = vaesmcq_u8(vaeseq_u8(b, vld1q_u8(rk[r])));
    b = vaeseq_u8(b, vld1q_u8(rk[9]));
    return veorq_u8(b, vld1q_u8(rk[10]));
}

static uint8x16_t aes_decrypt(uint8x16_t b, const u8 rk[11][16])
{
    b = vaesdq_u8(b, vld1q_u8(rk[10]));
    for (int r = 9; r >= 1; r--)
        b = vaesdq_u8(vaesimcq_u8(b), vaesimcq_u8(vld1q_u8(rk[r])));
    return veorq_u8(b, vld1q_u8(rk[0]));
}

static void aes_tests(void)
{
    make_sbox();
    printf("sbox[00] %02x sbox[01] %02x sbox[53] %02x sbox[ff] %02x\n", sbox[0], sbox[1], sbox[0x53], sbox[0xff]);
    check(sbox[0x53] == 0xed && sbox[1] == 0x7c && sbox[0xff] == 0x16, "AES S-box");
    static const u8 key[16] __attribute__((aligned(16))) = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
    static const u8 pt[16] __attribute__((aligned(16))) = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                                            0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
    static u8 rk[11][16] __attribute__((aligned(16)));
    static u8 out[16] __attribute__((aligned(16)));
    expand_key(key, rk);
    puts("AES-128 round key 10: ");
    put_bytes(rk[10], 16);
    puts("\n");
    check(hexeq(rk[10], "13111d7fe3944a17f307a78b4d2b30c5", 16), "FIPS-197 round key 10");
    vst1q_u8(out, aes_encrypt(vld1q_u8(pt), rk));
    puts("AES-128 FIPS-197 C.1 ciphertext: ");
    put_bytes(out, 16);
    puts("\n");
    check(hexeq(out, "69c4e0d86a7b0430d8cdb78070b4c55a", 16), "FIPS-197 C.1 ciphertext");
    vst1q_u8(out, aes_decrypt(vld1q_u8(out), rk));
    puts("decrypted: ");
    put_bytes(out, 16);
    puts("\n");
    check(hexeq(out, "00112233445566778899aabbccddeeff", 16), "FIPS-197 C.1 decryption");

    /* CBC over 64 blocks of a counter pattern, and back */
    static u8 buf[64][16] __attribute__((aligned(16)));
    static u8 enc[64][16] __attribute__((aligned(16)));
    for (int i = 0; i < 64; i++)
        for (int j = 0; j < 16; j++)
            buf[i][j] = (u8)(i * 16 + j);
    uint8x16_t iv = vdupq_n_u8(0x5a);
    for (int i = 0; i < 64; i++) {
        iv = aes_encrypt(veorq_u8(vld1q_u8(buf[i]), iv), rk);
        vst1q_u8(enc[i], iv);
    }
    puts("CBC last block: ");
    put_bytes(enc[63], 16);
    puts("\n");
    uint8x16_t prev = vdupq_n_u8(0x5a);
    int bad = 0;
    for (int i = 0; i < 64; i++) {
        uint8x16_t c = vld1q_u8(enc[i]);
        vst1q_u8(out, veorq_u8(aes_decrypt(c, rk), prev));
        prev = c;
        if (memcmp(out, buf[i], 16) != 0)
            bad++;
    }
    check_eq("CBC round trip mismatches", bad, 0);
}

/* ---- SHA-256 ---- */

static const u32 K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static u32 be32(const u8 *p) { return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3]; }
static u32 ror(u32 x, int n) { return (x >> n) | (x << (32 - n)); }
static u32 rol(u32 x, int n) { return (x << n) | (x >> (32 - n)); }

/* One 64-byte block: with the extension. */
static void sha256_block_ce(u32 st[8], const u8 *blk)
{
    static u32 w[16] __attribute__((aligned(16)));
    for (int i = 0; i < 16; i++)
        w[i] = be32(blk + 4 * i);
    uint32x4_t abcd = vld1q_u32(st), efgh = vld1q_u32(st + 4);
    uint32x4_t abcd0 = abcd, efgh0 = efgh;
    uint32x4_t m0 = vld1q_u32(w), m1 = vld1q_u32(w + 4), m2 = vld1q_u32(w + 8), m3 = vld1q_u32(w + 12);
    for (int g = 0; g < 16; g++) {
        uint32x4_t wk = vaddq_u32(m0, vld1q_u32(K256 + 4 * g));
        uint32x4_t t = abcd;
        abcd = vsha256hq_u32(abcd, efgh, wk);
        efgh = vsha256h2q_u32(efgh, t, wk);
        uint32x4_t nm = vsha256su1q_u32(vsha256su0q_u32(m0, m1), m2, m3);
        m0 = m1;
        m1 = m2;
        m2 = m3;
        m3 = nm;
    }
    vst1q_u32(st, vaddq_u32(abcd, abcd0));
    vst1q_u32(st + 4, vaddq_u32(efgh, efgh0));
}

/* The same in plain C (FIPS 180-4 6.2.2). */
static void sha256_block_c(u32 st[8], const u8 *blk)
{
    u32 w[64];
    for (int i = 0; i < 16; i++)
        w[i] = be32(blk + 4 * i);
    for (int i = 16; i < 64; i++) {
        u32 s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        u32 s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    u32 a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
    for (int i = 0; i < 64; i++) {
        u32 t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
        u32 t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    st[0] += a; st[1] += b; st[2] += c; st[3] += d; st[4] += e; st[5] += f; st[6] += g; st[7] += h;
}

/* Hash with padding; ce selects the implementation. Digest as 32 bytes. */
static void sha256(const u8 *msg, size_t len, int ce, u8 out[32])
{
    u32 st[8] __attribute__((aligned(16))) = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    static u8 blk[64] __attribute__((aligned(16)));
    size_t i = 0;
    for (; i + 64 <= len; i += 64) {
        memcpy(blk, msg + i, 64);
        ce ? sha256_block_ce(st, blk) : sha256_block_c(st, blk);
    }
    size_t rem = len - i;
    memset(blk, 0, 64);
    memcpy(blk, msg + i, rem);
    blk[rem] = 0x80;
    if (rem >= 56) {
        ce ? sha256_block_ce(st, blk) : sha256_block_c(st, blk);
        memset(blk, 0, 64);
    }
    u64 bits = (u64)len * 8;
    for (int k = 0; k < 8; k++)
        blk[63 - k] = (u8)(bits >> (8 * k));
    ce ? sha256_block_ce(st, blk) : sha256_block_c(st, blk);
    for (int k = 0; k < 8; k++)
        for (int j = 0; j < 4; j++)
            out[4 * k + j] = (u8)(st[k] >> (24 - 8 * j));
}

/* ---- SHA-1 ---- */

static void sha1_block_ce(u32 st[5], const u8 *blk)
{
    static u32 w[16] __attribute__((aligned(16)));
    for (int i = 0; i < 16; i++)
        w[i] = be32(blk + 4 * i);
    static const u32 K[4] = { 0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6 };
    uint32x4_t abcd = vld1q_u32(st), abcd0 = abcd;
    u32 e = st[4];
    uint32x4_t m0 = vld1q_u32(w), m1 = vld1q_u32(w + 4), m2 = vld1q_u32(w + 8), m3 = vld1q_u32(w + 12);
    for (int g = 0; g < 20; g++) {
        uint32x4_t wk = vaddq_u32(m0, vdupq_n_u32(K[g / 5]));
        u32 e1 = vsha1h_u32(vgetq_lane_u32(abcd, 0));
        if (g < 5)
            abcd = vsha1cq_u32(abcd, e, wk);
        else if (g < 10 || g >= 15)
            abcd = vsha1pq_u32(abcd, e, wk);
        else
            abcd = vsha1mq_u32(abcd, e, wk);
        e = e1;
        uint32x4_t nm = vsha1su1q_u32(vsha1su0q_u32(m0, m1, m2), m3);
        m0 = m1;
        m1 = m2;
        m2 = m3;
        m3 = nm;
    }
    vst1q_u32(st, vaddq_u32(abcd, abcd0));
    st[4] += e;
}

static void sha1_block_c(u32 st[5], const u8 *blk)
{
    u32 w[80];
    for (int i = 0; i < 16; i++)
        w[i] = be32(blk + 4 * i);
    for (int i = 16; i < 80; i++)
        w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    u32 a = st[0], b = st[1], c = st[2], d = st[3], e = st[4];
    for (int i = 0; i < 80; i++) {
        u32 f, k;
        if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
        else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
        else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
        else { f = b ^ c ^ d; k = 0xca62c1d6; }
        u32 t = rol(a, 5) + f + e + k + w[i];
        e = d; d = c; c = rol(b, 30); b = a; a = t;
    }
    st[0] += a; st[1] += b; st[2] += c; st[3] += d; st[4] += e;
}

static void sha1(const u8 *msg, size_t len, int ce, u8 out[20])
{
    u32 st[5] __attribute__((aligned(16))) = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
    static u8 blk[64] __attribute__((aligned(16)));
    size_t i = 0;
    for (; i + 64 <= len; i += 64) {
        memcpy(blk, msg + i, 64);
        ce ? sha1_block_ce(st, blk) : sha1_block_c(st, blk);
    }
    size_t rem = len - i;
    memset(blk, 0, 64);
    memcpy(blk, msg + i, rem);
    blk[rem] = 0x80;
    if (rem >= 56) {
        ce ? sha1_block_ce(st, blk) : sha1_block_c(st, blk);
        memset(blk, 0, 64);
    }
    u64 bits = (u64)len * 8;
    for (int k = 0; k < 8; k++)
        blk[63 - k] = (u8)(bits >> (8 * k));
    ce ? sha1_block_ce(st, blk) : sha1_block_c(st, blk);
    for (int k = 0; k < 5; k++)
        for (int j = 0; j < 4; j++)
            out[4 * k + j] = (u8)(st[k] >> (24 - 8 * j));
}

static void sha_tests(void)
{
    static u8 msg[1000];
    static u8 d1[32], d2[32];
    sha256((const u8 *)"abc", 3, 1, d1);
    puts("SHA-256(\"abc\")  ");
    put_bytes(d1, 32);
    puts("\n");
    check(hexeq(d1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", 32), "SHA-256(abc)");
    const char *m2 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256((const u8 *)m2, strlen(m2), 1, d1);
    puts("SHA-256(448-bit) ");
    put_bytes(d1, 32);
    puts("\n");
    check(hexeq(d1, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", 32), "SHA-256(FIPS two-block)");
    sha1((const u8 *)"abc", 3, 1, d1);
    puts("SHA-1(\"abc\")    ");
    put_bytes(d1, 20);
    puts("\n");
    check(hexeq(d1, "a9993e364706816aba3e25717850c26c9cd0d89d", 20), "SHA-1(abc)");
    sha1((const u8 *)m2, strlen(m2), 1, d1);
    puts("SHA-1(448-bit)   ");
    put_bytes(d1, 20);
    puts("\n");
    check(hexeq(d1, "84983e441c3bd26ebaae4aa1f95129e5e54670f1", 20), "SHA-1(FIPS two-block)");
    /* every length 0..1000 step 37 of a pattern: extension vs plain C */
    int bad = 0;
    u64 mix = 0;
    for (int i = 0; i < 1000; i++)
        msg[i] = (u8)(i * 131 + (i >> 3));
    for (int len = 0; len <= 1000; len += 37) {
        sha256(msg, len, 1, d1);
        sha256(msg, len, 0, d2);
        if (memcmp(d1, d2, 32) != 0)
            bad++;
        mix = mix * 33 + be32(d1);
        sha1(msg, len, 1, d1);
        sha1(msg, len, 0, d2);
        if (memcmp(d1, d2, 20) != 0)
            bad++;
        mix = mix * 33 + be32(d1);
    }
    printf("SHA-1/SHA-256 of 28 lengths: mix %016lx\n", mix);
    csum_add(mix);
    check_eq("SHA extension vs C mismatches", bad, 0);
}

/* ---- PMULL ---- */

static void clmul64(u64 a, u64 b, u64 *lo, u64 *hi)
{
    u64 l = 0, h = 0;
    for (int i = 0; i < 64; i++) {
        if ((b >> i) & 1) {
            l ^= a << i;
            h ^= i ? a >> (64 - i) : 0;
        }
    }
    *lo = l;
    *hi = h;
}

static void pmull_tests(void)
{
    u64 a = 0x87654321fedcba98UL, b = 0xf00dfeedcafebeefUL;
    int bad = 0;
    u64 mix = 0;
    for (int i = 0; i < 32; i++) {
        poly128_t p = vmull_p64((poly64_t)a, (poly64_t)b);
        u64 lo = (u64)p, hi = (u64)(p >> 64), rlo, rhi;
        clmul64(a, b, &rlo, &rhi);
        if (lo != rlo || hi != rhi)
            bad++;
        if (i < 4)
            printf("pmull %016lx * %016lx = %016lx%016lx\n", a, b, hi, lo);
        mix ^= lo + hi * 3;
        poly64x2_t va = vcombine_p64(vcreate_p64(b), vcreate_p64(a));
        poly64x2_t vb = vcombine_p64(vcreate_p64(lo), vcreate_p64(hi));
        poly128_t p2 = vmull_high_p64(va, vb); /* a * hi */
        clmul64(a, hi, &rlo, &rhi);
        if ((u64)p2 != rlo || (u64)(p2 >> 64) != rhi)
            bad++;
        a = a * 6364136223846793005UL + 1442695040888963407UL;
        b ^= b << 13;
        b ^= b >> 7;
        b ^= b << 17;
    }
    printf("pmull mix %016lx\n", mix);
    csum_add(mix);
    check_eq("PMULL vs C mismatches", bad, 0);
}

int main(void)
{
    puts("crypto: AES, SHA-1, SHA-256 and PMULL through arm_neon.h\n");
    u64 isar0 = SYSREG_READ(id_aa64isar0_el1);
    printf("ID_AA64ISAR0_EL1.AES %lu SHA1 %lu SHA2 %lu\n", (isar0 >> 4) & 15, (isar0 >> 8) & 15, (isar0 >> 12) & 15);
    check((isar0 >> 4 & 15) >= 2 && (isar0 >> 8 & 15) >= 1 && (isar0 >> 12 & 15) >= 1, "AES+PMULL, SHA1, SHA2 advertised");
    aes_tests();
    sha_tests();
    pmull_tests();
    printf("checksum %016lx\n", csum);
    return finish("crypto");
}
