/* Digital Butterworth filters designed as scipy.signal.butter(order, Wn,
 * btype, output='ba') designs them: the analog prototype (buttap),
 * pre-warping, lp2lp_zpk / lp2hp_zpk / lp2bp_zpk, bilinear_zpk and zpk2tf,
 * step by step in scipy's order and with numpy's complex arithmetic, so that
 * the coefficients agree to rounding.  Then a check that the expanded
 * polynomial still stands for the poles it was made from (ba_accurate).
 * Running the filter is iir.c's.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <complex.h>
#include <float.h>
#include <math.h>

#include "iir_internal.h"

#define MAX_POLES (2 * SONO_BUTTER_MAX_ORDER)

typedef double complex cplx;

static const double pi = 3.14159265358979323846;

/* A real number as numpy makes it complex when it meets a complex array:
 * with +0 as imaginary part, which then takes part in the arithmetic. */
static cplx cx(double x)
{
    return CMPLX(x, 0.0);
}

/* numpy's complex multiplication and division (Smith's method, with the
 * reciprocal of the denominator), written out: C's operators may scale or
 * round differently, and the signs of zeros decide, further on, which of
 * two band-pass poles comes first. */
static cplx mul(cplx x, cplx y)
{
    double a = creal(x), b = cimag(x), c = creal(y), d = cimag(y);
    return CMPLX(a * c - b * d, a * d + b * c);
}

static cplx divide(cplx x, cplx y)
{
    double a = creal(x), b = cimag(x), c = creal(y), d = cimag(y);
    if (fabs(c) >= fabs(d)) {
        double rat = d / c, scl = 1.0 / (c + d * rat);
        return CMPLX((a + b * rat) * scl, (b - a * rat) * scl);
    }
    double rat = c / d, scl = 1.0 / (d + c * rat);
    return CMPLX((a * rat + b) * scl, (b * rat - a) * scl);
}

/* numpy.prod: the first factor, times each of the others in turn. */
static cplx product(const cplx *v, size_t n, cplx (*term)(cplx))
{
    cplx r = n ? term(v[0]) : cx(1.0);
    for (size_t i = 1; i < n; i++)
        r = mul(r, term(v[i]));
    return r;
}

static cplx negate(cplx x) { return -x; }
static cplx four_minus(cplx x) { return cx(4.0) - x; }

/* Zeros, poles and gain; the zeros are all real (0, 1 or -1) throughout. */
typedef struct zpk {
    double z[MAX_POLES];
    cplx p[MAX_POLES];
    size_t nz, np;
    double k;
} zpk;

/* buttap: p = -exp(1j * pi * m / (2 N)) for m = -N + 1, -N + 3, ..., N - 1
 * on the left half of the unit circle, no zeros, gain 1. */
static void buttap(int order, zpk *f)
{
    f->nz = 0;
    f->np = (size_t)order;
    f->k = 1.0;
    for (int i = 0; i < order; i++) {
        cplx t = mul(CMPLX(0.0, pi), cx(-order + 1 + 2 * i));
        f->p[i] = -cexp(divide(t, cx(2.0 * order)));
    }
}

/* lp2lp_zpk: the cutoff moves from 1 to wo rad/s. */
static void lp2lp(zpk *f, double wo)
{
    for (size_t i = 0; i < f->np; i++)
        f->p[i] = mul(cx(wo), f->p[i]);
    f->k = f->k * pow(wo, (double)(f->np - f->nz));
}

/* lp2hp_zpk: s -> wo / s; the zeros at infinity come to the origin. */
static void lp2hp(zpk *f, double wo)
{
    f->k = f->k * creal(divide(cx(1.0), product(f->p, f->np, negate)));
    for (size_t i = 0; i < f->np; i++)
        f->p[i] = divide(cx(wo), f->p[i]);
    for (size_t i = f->nz; i < f->np; i++)
        f->z[i] = 0.0;
    f->nz = f->np;
}

/* lp2bp_zpk: each pole p scaled to bw / 2 becomes the pair p ± sqrt(p² - wo²),
 * all the "+" poles first as scipy concatenates them, and half the zeros at
 * infinity come to the origin. */
static void lp2bp(zpk *f, double wo, double bw)
{
    size_t n = f->np;
    for (size_t i = 0; i < n; i++) {
        cplx p = divide(mul(f->p[i], cx(bw)), cx(2.0));
        cplx s = csqrt(mul(p, p) - cx(pow(wo, 2.0)));
        f->p[i] = p + s;
        f->p[n + i] = p - s;
    }
    f->np = 2 * n;
    for (size_t i = 0; i < n; i++)
        f->z[i] = 0.0;
    f->nz = n;
    f->k = f->k * pow(bw, (double)n);
}

/* bilinear_zpk with fs = 2: z -> (4 + z) / (4 - z); the zeros left at
 * infinity go to -1, the Nyquist frequency. */
static void bilinear(zpk *f)
{
    double zprod = 1.0;
    for (size_t i = 0; i < f->nz; i++)
        zprod *= 4.0 - f->z[i];
    f->k = f->k * creal(divide(cx(zprod), product(f->p, f->np, four_minus)));
    for (size_t i = 0; i < f->nz; i++)
        f->z[i] = (4.0 + f->z[i]) / (4.0 - f->z[i]);
    for (size_t i = 0; i < f->np; i++)
        f->p[i] = divide(cx(4.0) + f->p[i], cx(4.0) - f->p[i]);
    for (size_t i = f->nz; i < f->np; i++)
        f->z[i] = -1.0;
    f->nz = f->np;
}

/* numpy.poly: the coefficients of prod (x - r), highest power first, as
 * repeated convolutions with [1, -r]; complex, of which zpk2tf keeps the
 * real parts (the poles come in exact conjugate pairs). */
static void poly_complex(const cplx *r, size_t n, cplx *c)
{
    c[0] = cx(1.0);
    for (size_t i = 0; i < n; i++) {
        c[i + 1] = cx(0.0);
        for (size_t j = i + 1; j > 0; j--)
            c[j] = c[j] + mul(c[j - 1], -r[i]);
    }
}

static void poly_real(const double *r, size_t n, double *c)
{
    c[0] = 1.0;
    for (size_t i = 0; i < n; i++) {
        c[i + 1] = 0.0;
        for (size_t j = i + 1; j > 0; j--)
            c[j] = c[j] + c[j - 1] * -r[i];
    }
}

/* Whether the 'ba' form, rounded to double, still has the designed poles.
 *
 * An error da_j in coefficient a_j moves the pole p_k, to first order, by
 * sum_j da_j p_k^(n-j) / prod_{i != k} (p_k - p_i).  With each |da_j| one
 * rounding, eps |a_j|, that is at most
 *     e_k = eps sum_j |a_j| |p_k|^(n-j) / prod_{i != k} |p_k - p_i|,
 * and a pole moved by e_k changes the response at any frequency by at most
 * e_k / (1 - |p_k|) of itself, its distance from the unit circle being the
 * nearest it comes to any e^(jw).  The sum over the poles bounds the change
 * of the response; above 1e-3 (0.009 dB) the design is refused.  Poles
 * crowded together near z = 1 (a cutoff far below sr / 2) or z = -1 make
 * the denominator tiny: there scipy's 'ba' filter is wrong or unstable.
 * Checked against the exact poles of scipy's rounded coefficients (50-digit
 * arithmetic), the bound is 10 to 100 times pessimistic. */
static int ba_accurate(const cplx *p, size_t n, const double *a)
{
    double sum = 0.0;
    for (size_t k = 0; k < n; k++) {
        double r = cabs(p[k]), s = 0.0, d = 1.0;
        for (size_t j = 0; j <= n; j++)
            s += fabs(a[j]) * pow(r, (double)(n - j));
        for (size_t i = 0; i < n; i++)
            if (i != k)
                d *= cabs(p[k] - p[i]);
        if (!(r < 1.0) || !(d > 0.0))
            return 0;
        sum += DBL_EPSILON * s / d / (1.0 - r);
    }
    return sum <= 1e-3;
}

sono_iir *sono_butter_new(int order, sono_filter_type type, double f1,
                          double f2, double sample_rate, int *err)
{
    if (err)
        *err = SONO_ERR_INVALID;
    if (order < 1 || order > SONO_BUTTER_MAX_ORDER || !isfinite(sample_rate) ||
        !(sample_rate > 0.0) || !isfinite(f1) ||
        (type == SONO_FILTER_BANDPASS && (!isfinite(f2) || !(f1 < f2))))
        return NULL;
    /* scipy's Wn, and its test 0 < Wn < 1 (after the division, which can
     * round a frequency just below sr / 2 up to 1). */
    double wn1 = f1 / (sample_rate / 2.0), wn2 = 0.0;
    if (!(wn1 > 0.0 && wn1 < 1.0))
        return NULL;
    if (type == SONO_FILTER_BANDPASS) {
        wn2 = f2 / (sample_rate / 2.0);
        if (!(wn2 > wn1 && wn2 < 1.0))
            return NULL;
    }

    zpk f;
    buttap(order, &f);
    double w1 = 4.0 * tan(pi * wn1 / 2.0); /* 2 fs tan(pi Wn / fs), fs = 2 */
    switch (type) {
    case SONO_FILTER_LOWPASS:
        lp2lp(&f, w1);
        break;
    case SONO_FILTER_HIGHPASS:
        lp2hp(&f, w1);
        break;
    case SONO_FILTER_BANDPASS: {
        double w2 = 4.0 * tan(pi * wn2 / 2.0);
        lp2bp(&f, sqrt(w1 * w2), w2 - w1);
        break;
    }
    default:
        return NULL;
    }
    bilinear(&f);

    size_t n = f.np + 1;
    double b[MAX_POLES + 1], a[MAX_POLES + 1];
    cplx ac[MAX_POLES + 1];
    poly_real(f.z, f.nz, b);
    for (size_t j = 0; j < n; j++)
        b[j] = f.k * b[j];
    poly_complex(f.p, f.np, ac);
    for (size_t j = 0; j < n; j++)
        a[j] = creal(ac[j]);
    if (!ba_accurate(f.p, f.np, a))
        return NULL;
    return sono__iir_new(b, a, n, err);
}
