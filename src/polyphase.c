/* scipy.signal.resample_poly for the rate changes of the constant-Q
 * transform: down or up by a power of 2, F.  librosa's res_type='polyphase'
 * is this function.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * resample_poly designs a low-pass FIR of 2 * 10F + 1 taps (firwin, cutoff
 * 1 / F of the Nyquist frequency, a Kaiser window with beta 5, unit gain at
 * DC, times F when upsampling) and runs it through upfirdn with zeros
 * outside the signal, keeping the outputs whose filter centre falls on an
 * input sample: downsampling, output j = sum_i h[i] x[F j - 10F + i]
 * (h is symmetric); upsampling, output j = sum_n x[n] h[10F + j - F n].
 *
 * Both are computed as sums over the F phases of the signal so that every
 * inner loop runs over contiguous samples and vectorises: down, output j =
 * sum over phases p and taps a of h[F a + p] x[F (j - 10 + a) + p]; up,
 * output F q + r = sum over b of h[F b + r] x[q + 10 - b].  The sums are in
 * double, as upfirdn's.  The windowed sinc is zero at every multiple of F
 * taps from the centre but for rounding (below 1e-16 of the centre tap);
 * those taps are skipped, which halves the work of a halving and changes
 * the result far below float32's resolution. */
#include <math.h>
#include <string.h>

#include "cqt_internal.h"

#define HALF_TAPS 10   /* resample_poly's half length, in units of F */
#define BLOCK 2048     /* outputs per pass over the taps */
#define PI 3.14159265358979323846

/* The modified Bessel function I0 by its power series, to double precision
 * for the small arguments of a Kaiser window (scipy.special.i0). */
static double bessel_i0(double x)
{
    double sum = 1.0, term = 1.0, q = 0.25 * x * x;
    for (int k = 1; k < 500 && term > 1e-17 * sum; k++) {
        term *= q / ((double)k * (double)k);
        sum += term;
    }
    return sum;
}

/* firwin(20 F + 1, 1 / F, window=('kaiser', 5.0)) * gain. */
static double *design(size_t factor, double gain)
{
    size_t half = HALF_TAPS * factor, taps = 2 * half + 1;
    double *h = sono__malloc_array(taps, sizeof *h);
    if (!h)
        return NULL;
    const double beta = 5.0, cutoff = 1.0 / (double)factor;
    double i0_beta = bessel_i0(beta), sum = 0.0;
    for (size_t i = 0; i < taps; i++) {
        double m = (double)i - (double)half;
        double x = PI * (m == 0.0 ? 1e-20 : cutoff * m);   /* numpy's sinc */
        double r = m / (double)half;
        double w = bessel_i0(beta * sqrt(1.0 - r * r)) / i0_beta;
        h[i] = cutoff * (sin(x) / x) * w;
        sum += h[i];
    }
    for (size_t i = 0; i < taps; i++)
        h[i] = h[i] / sum * gain;
    return h;
}

size_t sono__downsample_length(size_t n, size_t factor)
{
    return n / factor + (n % factor != 0);
}

/* A tap that is zero but for the rounding of sin(k pi). */
static int negligible(const double *h, size_t tap, size_t factor)
{
    return fabs(h[tap]) <= 1e-12 * fabs(h[HALF_TAPS * factor]);
}

static int factor_ok(size_t factor)
{
    return factor >= 2 && factor <= SONO__POLY_MAX_FACTOR && (factor & (factor - 1)) == 0;
}

int sono__downsample(const float *x, size_t n, size_t factor, float *out)
{
    if (!factor_ok(factor))
        return SONO_ERR_INVALID;
    size_t m = sono__downsample_length(n, factor), span = BLOCK + 2 * HALF_TAPS;
    double *h = design(factor, 1.0);
    double *phase = sono__malloc_array(factor * span, sizeof *phase);
    double *acc = sono__malloc_array(BLOCK, sizeof *acc);
    int status = h && phase && acc ? SONO_OK : SONO_ERR_NOMEM;
    /* librosa divides by sqrt(ratio), ratio = 1 / F: a multiplication by
     * its inverse differs by an ulp of double, far below float's. */
    const double scale = 1.0 / sqrt(1.0 / (double)factor);
    for (size_t j0 = 0; status == SONO_OK && j0 < m; j0 += BLOCK) {
        size_t count = m - j0 < BLOCK ? m - j0 : BLOCK;
        /* phase[p][k] = x[F (j0 - 10 + k) + p], zero outside the signal:
         * k from `lo` (the first index at or after 0) to `hi` (past n). */
        for (size_t p = 0; p < factor; p++) {
            double *dst = phase + p * span;
            size_t width = count + 2 * HALF_TAPS, lo = 0, hi;
            if (j0 < HALF_TAPS)
                lo = HALF_TAPS - j0;
            size_t base = (j0 + lo - HALF_TAPS) * factor + p;  /* x index of k = lo */
            hi = base >= n ? lo : lo + (n - base + factor - 1) / factor;
            hi = hi < width ? hi : width;
            lo = lo < hi ? lo : hi;
            for (size_t k = 0; k < lo; k++)
                dst[k] = 0.0;
            const float *src = x + base;
            for (size_t k = lo; k < hi; k++)
                dst[k] = src[(k - lo) * factor];
            for (size_t k = hi; k < width; k++)
                dst[k] = 0.0;
        }
        memset(acc, 0, count * sizeof *acc);
        for (size_t p = 0; p < factor; p++)
            for (size_t a = 0; a <= 2 * HALF_TAPS; a++) {
                size_t tap = factor * a + p;
                if (tap > 2 * HALF_TAPS * factor)
                    break;
                if (negligible(h, tap, factor))
                    continue;
                const double c = h[tap], *src = phase + p * span + a;
                for (size_t j = 0; j < count; j++)
                    acc[j] += c * src[j];
            }
        for (size_t j = 0; j < count; j++)
            out[j0 + j] = (float)(acc[j] * scale);
    }
    sono__free(h);
    sono__free(phase);
    sono__free(acc);
    return status;
}

int sono__upsample_add(const double *x, size_t n, size_t factor, double *acc)
{
    if (!factor_ok(factor))
        return SONO_ERR_INVALID;
    size_t span = BLOCK + 2 * HALF_TAPS;
    double *h = design(factor, (double)factor);
    double *seg = sono__malloc_array(span, sizeof *seg);
    double *part = sono__malloc_array(BLOCK, sizeof *part);
    int status = h && seg && part ? SONO_OK : SONO_ERR_NOMEM;
    for (size_t q0 = 0; status == SONO_OK && q0 < n; q0 += BLOCK) {
        size_t count = n - q0 < BLOCK ? n - q0 : BLOCK;
        /* seg[k] = x[q0 - 10 + k]: output phase r at q is
         * sum_b h[F b + r] seg[q - q0 + 20 - b]. */
        for (size_t k = 0; k < count + 2 * HALF_TAPS; k++) {
            long long i = (long long)q0 - HALF_TAPS + (long long)k;
            seg[k] = i >= 0 && (size_t)i < n ? x[i] : 0.0;
        }
        for (size_t r = 0; r < factor; r++) {
            memset(part, 0, count * sizeof *part);
            for (size_t b = 0; b <= 2 * HALF_TAPS; b++) {
                size_t tap = factor * b + r;
                if (tap > 2 * HALF_TAPS * factor)
                    break;
                if (negligible(h, tap, factor))
                    continue;
                const double c = h[tap], *src = seg + 2 * HALF_TAPS - b;
                for (size_t q = 0; q < count; q++)
                    part[q] += c * src[q];
            }
            double *dst = acc + q0 * factor + r;
            for (size_t q = 0; q < count; q++)
                dst[q * factor] += part[q];
        }
    }
    sono__free(h);
    sono__free(seg);
    sono__free(part);
    return status;
}
