/* Exact k nearest neighbours for t-SNE's input similarities.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * All pairwise distances, a block of rows at a time: |a - b|^2 =
 * |a|^2 + |b|^2 - 2 a.b with the products from BLAS (10,000 frames of 128
 * bands are 1.3e10 multiply-adds, a fraction of a second).  The products
 * are float and their rounding depends on BLAS's kernels and thread count,
 * so they only shortlist: a first pass keeps each row's k smallest in a
 * bounded max-heap, a second takes every candidate within twice the
 * rounding bound of the k-th (|fl(a.b) - a.b| <= (d + 2) u |a| |b| for any
 * order of summation, u = 2^-24), and those are measured again directly in
 * double precision and the k nearest kept, ties going to the lower index.
 * The neighbours are thus those of exact arithmetic (to double rounding),
 * whatever BLAS does.  The blocks are fixed by n alone and each row is
 * handled by one worker, so nothing depends on the thread count either. */
#include <math.h>
#include <stdlib.h>

#include "linalg.h"
#include "tsne_internal.h"

/* About 16 MiB of products per block. */
#define BLOCK_VALUES ((size_t)1 << 22)

typedef struct cand {
    double d;
    uint32_t j;
} cand;

/* (d, j) orders candidates; the index breaks ties so that the choice is
 * a function of the data alone. */
static int worse(const cand *a, const cand *b)
{
    return a->d > b->d || (a->d == b->d && a->j > b->j);
}

static void sift_down(cand *h, size_t k, size_t at)
{
    for (;;) {
        size_t l = 2 * at + 1, r = l + 1, top = at;
        if (l < k && worse(&h[l], &h[top]))
            top = l;
        if (r < k && worse(&h[r], &h[top]))
            top = r;
        if (top == at)
            return;
        cand t = h[at];
        h[at] = h[top];
        h[top] = t;
        at = top;
    }
}

static void sift_up(cand *h, size_t at)
{
    while (at > 0) {
        size_t up = (at - 1) / 2;
        if (!worse(&h[at], &h[up]))
            return;
        cand t = h[at];
        h[at] = h[up];
        h[up] = t;
        at = up;
    }
}

typedef struct knn_job {
    const float *x;
    size_t n, d, k;
    const double *norm;
    double max_len;    /* the largest |x_i| */
    const float *prod; /* rows of the current block x all n */
    size_t first;      /* the block's first row */
    cand *heaps;       /* k per worker */
    cand *lists;       /* n per worker: the shortlist */
    uint32_t *idx;
    float *dist;
} knn_job;

static double exact_sq(const float *a, const float *b, size_t d)
{
    double s = 0;
    for (size_t t = 0; t < d; t++) {
        double v = (double)a[t] - (double)b[t];
        s += v * v;
    }
    return s;
}

static int by_distance(const void *pa, const void *pb)
{
    const cand *a = pa, *b = pb;
    return worse(a, b) - worse(b, a);
}

static void select_rows(void *ctx, size_t begin, size_t end, int worker)
{
    knn_job *j = ctx;
    cand *h = j->heaps + (size_t)worker * j->k;
    cand *list = j->lists + (size_t)worker * j->n;
    double u = ldexp(1.0, -24), gamma = ((double)j->d + 2.0) * u;
    for (size_t r = begin; r < end; r++) {
        size_t i = j->first + r;
        const float *p = j->prod + r * j->n;
        size_t filled = 0;
        for (size_t c = 0; c < j->n; c++) {
            if (c == i)
                continue;
            cand v = {j->norm[i] + j->norm[c] - 2.0 * (double)p[c], (uint32_t)c};
            if (filled < j->k) {
                h[filled] = v;
                sift_up(h, filled++);
            } else if (worse(&h[0], &v)) {
                h[0] = v;
                sift_down(h, j->k, 0);
            }
        }
        /* Each approximate distance is within 2 gamma |x_i| |x_c| of the
         * truth (plus the product's own rounding to float, inside the
         * (d + 2) u); a candidate within twice that of the k-th may be
         * nearer than it. */
        double slack = 4.0 * gamma * sqrt(j->norm[i]) * j->max_len * 1.0001;
        double limit = h[0].d + slack;
        size_t count = 0;
        for (size_t c = 0; c < j->n; c++) {
            if (c == i)
                continue;
            double v = j->norm[i] + j->norm[c] - 2.0 * (double)p[c];
            if (v <= limit)
                list[count++] = (cand){v, (uint32_t)c};
        }
        for (size_t m = 0; m < count; m++)
            list[m].d = exact_sq(j->x + i * j->d, j->x + (size_t)list[m].j * j->d, j->d);
        qsort(list, count, sizeof *list, by_distance);
        for (size_t m = 0; m < j->k; m++) {
            j->idx[i * j->k + m] = list[m].j;
            j->dist[i * j->k + m] = (float)list[m].d;
        }
    }
}

int sono__tsne_knn(const float *x, size_t n, size_t d, size_t k, int threads,
                   uint32_t *idx, float *dist)
{
    if (sono__linalg_load() != SONO_OK)
        return SONO_ERR_LIBRARY;
    size_t rows = BLOCK_VALUES / n;
    if (rows < 8)
        rows = 8;
    if (rows > n)
        rows = n;
    threads = sono__threads_resolve(threads);
    knn_job j = {x, n, d, k, NULL, 0, NULL, 0, NULL, NULL, idx, dist};
    double *norm = sono__malloc_array(n, sizeof *norm);
    float *prod = sono__malloc_array2(rows, n, sizeof *prod);
    j.heaps = sono__malloc_array2((size_t)threads, k, sizeof *j.heaps);
    j.lists = sono__malloc_array2((size_t)threads, n, sizeof *j.lists);
    int status = SONO_ERR_NOMEM;
    if (!norm || !prod || !j.heaps || !j.lists)
        goto done;
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t t = 0; t < d; t++)
            s += (double)x[i * d + t] * (double)x[i * d + t];
        norm[i] = s;
        if (sqrt(s) > j.max_len)
            j.max_len = sqrt(s);
    }
    j.norm = norm;
    j.prod = prod;
    for (size_t first = 0; first < n; first += rows) {
        size_t m = n - first < rows ? n - first : rows;
        /* prod[r n + c] = x_(first + r) . x_c: in column-major terms the
         * n x m product X B^T of the row-major data X (n x d, which is the
         * column-major d x n matrix X^T) and the block B. */
        sono__sgemm(1, 0, n, m, d, 1.0f, x, d, x + first * d, d, 0.0f, prod, n);
        j.first = first;
        sono__parallel_for(threads, m, select_rows, &j);
    }
    status = SONO_OK;
done:
    sono__free(norm);
    sono__free(prod);
    sono__free(j.heaps);
    sono__free(j.lists);
    return status;
}
