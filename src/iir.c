/* A recursive filter in the 'ba' form run as scipy.signal.lfilter: direct
 * form II transposed in double, with the state kept between calls so that a
 * signal can be filtered block by block.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "iir_internal.h"

struct sono_iir {
    size_t n;    /* coefficients in b and in a */
    double *b, *a;
    double *z;   /* the n - 1 delays, and one spare so that n = 1 allocates */
    double mem[];
};

sono_iir *sono__iir_new(const double *b, const double *a, size_t n, int *err)
{
    size_t bytes;
    int e = SONO_ERR_INVALID;
    sono_iir *f = NULL;
    if (n > 0 && b && a) {
        e = sono__mul_size(3 * sizeof(double), n, &bytes);
        f = e == SONO_OK ? sono__malloc(sizeof *f + bytes) : NULL;
        if (e == SONO_OK && !f)
            e = SONO_ERR_NOMEM;
    }
    if (err)
        *err = f ? SONO_OK : e;
    if (!f)
        return NULL;
    f->n = n;
    f->b = f->mem;
    f->a = f->mem + n;
    f->z = f->mem + 2 * n;
    memcpy(f->b, b, n * sizeof *b);
    memcpy(f->a, a, n * sizeof *a);
    sono_iir_reset(f);
    return f;
}

size_t sono_iir_length(const sono_iir *f)
{
    return f ? f->n : 0;
}

void sono_iir_coefficients(const sono_iir *f, double *b, double *a)
{
    if (!f)
        return;
    if (b)
        memcpy(b, f->b, f->n * sizeof *b);
    if (a)
        memcpy(a, f->a, f->n * sizeof *a);
}

/* scipy's DOUBLE_filt (the C loop under lfilter) line for line, so that the
 * rounding is the same: y = z0 + b0 x, then each delay takes the next one
 * plus b x - a y.  a[0] is 1, so scipy's division by it changes nothing. */
void sono_iir_process(sono_iir *f, const float *in, float *out, size_t n)
{
    const size_t m = f->n;
    const double *b = f->b, *a = f->a;
    double *z = f->z;
    for (size_t i = 0; i < n; i++) {
        double x = in[i], y;
        if (m > 1) {
            y = z[0] + b[0] * x;
            for (size_t k = 0; k + 2 < m; k++)
                z[k] = z[k + 1] + x * b[k + 1] - y * a[k + 1];
            z[m - 2] = x * b[m - 1] - y * a[m - 1];
        } else {
            y = x * b[0];
        }
        out[i] = (float)y;
    }
}

void sono_iir_reset(sono_iir *f)
{
    if (f)
        memset(f->z, 0, f->n * sizeof *f->z);
}

void sono_iir_free(sono_iir *f)
{
    sono__free(f);
}
