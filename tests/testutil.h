/* Small helpers for sono's tests: each test is a plain program that prints
 * what it measured and returns non-zero on failure.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SONO_TESTUTIL_H
#define SONO_TESTUTIL_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sono.h"

static int test_failures;

#define CHECK(cond, ...)                                                   \
    do {                                                                   \
        if (!(cond)) {                                                     \
            printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);         \
            printf(__VA_ARGS__);                                           \
            printf("\n");                                                  \
            test_failures++;                                               \
        }                                                                  \
    } while (0)

/* A deterministic pseudo-random signal in [-0.5, 0.5) (xorshift). */
static inline void test_noise(float *x, size_t n, unsigned seed)
{
    unsigned s = seed ? seed : 1u;
    for (size_t i = 0; i < n; i++) {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        x[i] = (float)((double)s / 4294967296.0 - 0.5);
    }
}

static inline sono_stft_params test_stft_params(size_t n_fft, size_t hop,
                                                size_t win, sono_window w,
                                                int center, sono_pad_mode mode)
{
    sono_stft_params p;
    sono_stft_params_default(&p);
    p.n_fft = n_fft;
    p.hop_length = hop;
    p.win_length = win;
    p.window = w;
    p.center = center;
    p.pad_mode = mode;
    return p;
}

/* max |a - b| / max |b| over n floats. */
static inline double test_rel_max(const float *a, const float *b, size_t n)
{
    double e = 0, m = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)b[i]);
        if (!(d <= e))
            e = d; /* NaN propagates as a failure */
        if (fabs((double)b[i]) > m)
            m = fabs((double)b[i]);
    }
    return m > 0 ? e / m : e;
}

static inline int test_summary(const char *name)
{
    if (test_failures)
        printf("%s: %d check(s) failed\n", name, test_failures);
    else
        printf("%s: all checks passed\n", name);
    return test_failures != 0;
}

#endif
