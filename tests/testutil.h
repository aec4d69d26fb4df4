/* Small helpers for sono's tests: each test is a plain program that prints
 * what it measured and returns non-zero on failure.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SONO_TESTUTIL_H
#define SONO_TESTUTIL_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A whole text file, NUL-terminated, or NULL. */
static inline char *test_read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s)
        s[n] = '\0';
    fclose(f);
    return s;
}

/* The tolerance of a case of the golden manifest.json. */
typedef struct test_tolerance {
    char kind[64];
    double value, floor_db;
} test_tolerance;

/* The tolerance object that follows "name": "NAME" in manifest.json;
 * 0, or -1 when the case or its tolerance is missing. */
static inline int test_manifest_tolerance(const char *manifest, const char *name,
                                          test_tolerance *t)
{
    char key[256];
    snprintf(key, sizeof key, "\"name\": \"%s\"", name);
    const char *c = manifest ? strstr(manifest, key) : NULL;
    if (!c)
        return -1;
    const char *end = strstr(c + 1, "\"name\":");
    const char *k = strstr(c, "\"kind\": \""), *v = strstr(c, "\"value\": ");
    if (!k || !v || (end && (k > end || v > end)))
        return -1;
    sscanf(k + 9, "%63[^\"]", t->kind);
    t->value = atof(v + 9);
    const char *f = strstr(c, "\"floor_db\": ");
    t->floor_db = f && (!end || f < end) ? atof(f + 12) : 0;
    return 0;
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
