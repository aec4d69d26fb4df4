/* Spectrogram transforms: phase removal and flipping, masks, and playing
 * frames or bins in another order.  SPDX-License-Identifier:
 * GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void sono_zero_phase(sono_complex *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        s[i].re = hypotf(s[i].re, s[i].im);
        s[i].im = 0.0f;
    }
}

void sono_conjugate(sono_complex *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        s[i].im = -s[i].im;
}

void sono_checkerboard(sono_complex *s, size_t frames, size_t bins)
{
    sono_zero_phase(s, frames * bins);
    for (size_t t = 0; t < frames; t++)
        for (size_t k = t % 2; k < bins; k += 2)
            s[t * bins + k].re = 0.0f;
}

/* 1 if order holds each of 0..n-1 exactly once. */
static int is_permutation(const size_t *order, size_t n, unsigned char *seen)
{
    memset(seen, 0, n);
    for (size_t i = 0; i < n; i++) {
        if (order[i] >= n || seen[order[i]])
            return 0;
        seen[order[i]] = 1;
    }
    return 1;
}

/* Gathers `count` blocks of `size` elements by order, through a copy. */
static int gather(sono_complex *s, size_t count, size_t size, size_t stride,
                  size_t step, const size_t *order)
{
    if (!s || !order || count == 0 || size == 0)
        return SONO_ERR_INVALID;
    unsigned char *seen = sono__malloc(count);
    sono_complex *copy = sono__malloc_array2(count, size, sizeof *copy);
    int status = SONO_ERR_NOMEM;
    if (seen && copy) {
        status = SONO_ERR_INVALID;
        if (is_permutation(order, count, seen)) {
            /* Block i is elements i*step + j*stride, j < size. */
            for (size_t i = 0; i < count; i++)
                for (size_t j = 0; j < size; j++)
                    copy[i * size + j] = s[i * step + j * stride];
            for (size_t i = 0; i < count; i++)
                for (size_t j = 0; j < size; j++)
                    s[i * step + j * stride] = copy[order[i] * size + j];
            status = SONO_OK;
        }
    }
    sono__free(seen);
    sono__free(copy);
    return status;
}

int sono_permute_frames(sono_complex *s, size_t frames, size_t bins,
                        const size_t *order)
{
    return gather(s, frames, bins, 1, bins, order);
}

int sono_permute_bins(sono_complex *s, size_t frames, size_t bins,
                      const size_t *order)
{
    return gather(s, bins, frames, bins, 1, order);
}

void sono_reversed_order(size_t *order, size_t n)
{
    for (size_t i = 0; i < n; i++)
        order[i] = n - 1 - i;
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A uniform integer in [0, bound) without modulo bias (Lemire's method
 * would do too; rejection is simpler to read). */
static uint64_t below(uint64_t *state, uint64_t bound)
{
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t r;
    do
        r = splitmix64(state);
    while (r >= limit);
    return r % bound;
}

void sono_shuffled_order(size_t *order, size_t n, uint64_t seed)
{
    uint64_t state = seed;
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)below(&state, i);
        size_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
}

typedef struct keyed {
    float key;
    size_t index;
} keyed;

static int by_key(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key < y->key)
        return -1;
    if (x->key > y->key)
        return 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

int sono_argsort(const float *v, size_t n, size_t *order)
{
    if (!v || !order)
        return SONO_ERR_INVALID;
    if (sono_check_finite(v, n, NULL) != SONO_OK)
        return SONO_ERR_NONFINITE;
    keyed *k = sono__malloc_array(n ? n : 1, sizeof *k);
    if (!k)
        return SONO_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        k[i].key = v[i];
        k[i].index = i;
    }
    /* The index breaks ties, so qsort's instability does not show. */
    qsort(k, n, sizeof *k, by_key);
    for (size_t i = 0; i < n; i++)
        order[i] = k[i].index;
    sono__free(k);
    return SONO_OK;
}

int sono_nearest_walk(const float *points, size_t n, size_t dims, size_t start,
                      size_t *order)
{
    if (!points || !order || n == 0 || dims == 0 || start >= n)
        return SONO_ERR_INVALID;
    if (sono_check_finite(points, n * dims, NULL) != SONO_OK)
        return SONO_ERR_NONFINITE;
    unsigned char *visited = sono__calloc(n, 1);
    if (!visited)
        return SONO_ERR_NOMEM;
    size_t at = start;
    for (size_t step = 0; step < n; step++) {
        order[step] = at;
        visited[at] = 1;
        const float *p = points + at * dims;
        double best = INFINITY;
        size_t next = at;
        for (size_t j = 0; j < n; j++) {
            if (visited[j])
                continue;
            const float *q = points + j * dims;
            double d = 0.0;
            for (size_t c = 0; c < dims && d < best; c++) {
                double e = (double)p[c] - (double)q[c];
                d += e * e;
            }
            if (d < best) {
                best = d;
                next = j;
            }
        }
        at = next;
    }
    sono__free(visited);
    return SONO_OK;
}
