/*
 * fbench: a CPU-bound floating-point guest for `npm run bench` (issue 3: "a float-heavy guest").
 * A Mandelbrot set in double precision and a single-precision series, with few output lines;
 * results printed as integers and bit patterns so the transcript is exact.
 */
#include "runtime.h"

#define W 192
#define H 128
#define MAXIT 256

static u64 bits_of(double d)
{
    union { double d; u64 u; } v = { .d = d };
    return v.u;
}

static unsigned mandel(double cr, double ci)
{
    double zr = 0.0, zi = 0.0;
    unsigned n = 0;
    while (n < MAXIT && zr * zr + zi * zi <= 4.0) {
        double t = zr * zr - zi * zi + cr;
        zi = 2.0 * zr * zi + ci;
        zr = t;
        n++;
    }
    return n;
}

int main(void)
{
    printf("fbench: Mandelbrot %dx%d (max %d iterations) in double, a float series\n", W, H, MAXIT);
    u64 total = 0, inside = 0, hash = 1469598103934665603UL;
    for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
            double cr = -2.2 + 3.0 * (double)x / (double)W;
            double ci = -1.2 + 2.4 * (double)y / (double)H;
            unsigned n = mandel(cr, ci);
            total += n;
            if (n == MAXIT)
                inside++;
            hash = (hash ^ n) * 1099511628211UL;
        }
    }
    printf("iterations: %lu, points inside: %lu, hash: %lx\n", total, inside, hash);

    float s = 0.0f;
    double d = 0.0;
    for (int k = 1; k <= 200000; k++) {
        s += 1.0f / ((float)k * (float)k);
        d += (k & 1 ? 4.0 : -4.0) / (2.0 * k - 1.0);
    }
    union { float f; unsigned u; } sf = { .f = s };
    printf("sum 1/k^2 (float): bits %x\n", sf.u);
    printf("Leibniz pi (double): bits %lx\n", bits_of(d));
    return finish("fbench");
}
