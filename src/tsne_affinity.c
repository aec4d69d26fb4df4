/* t-SNE's input similarities: Gaussian conditional probabilities over each
 * point's nearest neighbours at a given perplexity, symmetrised.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This is scikit-learn 1.2's _binary_search_perplexity and
 * _joint_probabilities_nn, step for step: beta from 1, doubled or halved
 * until bracketed, then bisected, at most 100 steps, stopping when the
 * entropy (in nats) is within 1e-5 of log(perplexity); a row whose weights
 * all underflow counts their sum as 1e-8.  Rows are independent, so they are
 * split among threads; the symmetrisation is serial (it is a few passes
 * over n k entries) and sums at most two values per entry, so the result is
 * the same for any thread count. */
#include <float.h>
#include <stdlib.h>
#include <math.h>

#include "tsne_internal.h"

#define STEPS 100
#define TOLERANCE 1e-5
#define EPSILON_DBL 1e-8

typedef struct search_job {
    const float *dist;
    size_t k;
    double entropy;
    double *cond;
} search_job;

static void search_rows(void *ctx, size_t begin, size_t end, int worker)
{
    (void)worker;
    search_job *s = ctx;
    for (size_t i = begin; i < end; i++) {
        const float *d = s->dist + i * s->k;
        double *p = s->cond + i * s->k;
        double beta = 1.0, lo = -INFINITY, hi = INFINITY;
        for (int step = 0; step < STEPS; step++) {
            double sum = 0, sum_dp = 0;
            for (size_t m = 0; m < s->k; m++) {
                p[m] = exp(-(double)d[m] * beta);
                sum += p[m];
            }
            if (sum == 0.0)
                sum = EPSILON_DBL;
            for (size_t m = 0; m < s->k; m++) {
                p[m] /= sum;
                sum_dp += (double)d[m] * p[m];
            }
            double diff = log(sum) + beta * sum_dp - s->entropy;
            if (fabs(diff) <= TOLERANCE)
                break;
            if (diff > 0) {
                lo = beta;
                beta = hi == INFINITY ? beta * 2 : (beta + hi) / 2;
            } else {
                hi = beta;
                beta = lo == -INFINITY ? beta / 2 : (beta + lo) / 2;
            }
        }
    }
}

void sono__csr_free(sono__csr *m)
{
    sono__free(m->row);
    sono__free(m->col);
    sono__free(m->val);
    m->row = NULL;
    m->col = NULL;
    m->val = NULL;
}

typedef struct entry {
    uint32_t col;
    double val;
} entry;

static int by_column(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return (a->val > b->val) - (a->val < b->val);
}

/* C + C^T: every (i, j, c) goes to row i and, as (j, i, c), to row j; each
 * row is then sorted by column and equal columns (at most two: i is j's
 * neighbour and j is i's) are added. */
static int symmetrise(const uint32_t *idx, const double *cond, size_t n,
                      size_t k, sono__csr *p)
{
    size_t total;
    if (sono__mul_size(2 * n, k, &total))
        return SONO_ERR_TOO_LARGE;
    size_t *start = sono__calloc(n + 1, sizeof *start);
    size_t *fill = sono__malloc_array(n, sizeof *fill);
    entry *e = sono__malloc_array(total, sizeof *e);
    int status = SONO_ERR_NOMEM;
    if (!start || !fill || !e)
        goto done;
    for (size_t i = 0; i < n; i++) {
        start[i + 1] += k;
        for (size_t m = 0; m < k; m++)
            start[(size_t)idx[i * k + m] + 1]++;
    }
    for (size_t i = 0; i < n; i++) {
        start[i + 1] += start[i];
        fill[i] = start[i];
    }
    for (size_t i = 0; i < n; i++) {
        for (size_t m = 0; m < k; m++) {
            uint32_t j = idx[i * k + m];
            double c = cond[i * k + m];
            e[fill[i]++] = (entry){j, c};
            e[fill[j]++] = (entry){(uint32_t)i, c};
        }
    }
    p->n = n;
    p->row = sono__malloc_array(n + 1, sizeof *p->row);
    p->col = sono__malloc_array(total, sizeof *p->col);
    p->val = sono__malloc_array(total, sizeof *p->val);
    if (!p->row || !p->col || !p->val) {
        sono__csr_free(p);
        goto done;
    }
    size_t out = 0;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        p->row[i] = out;
        qsort(e + start[i], start[i + 1] - start[i], sizeof *e, by_column);
        for (size_t t = start[i]; t < start[i + 1]; t++) {
            if (out > p->row[i] && p->col[out - 1] == e[t].col) {
                p->val[out - 1] += e[t].val;
            } else {
                p->col[out] = e[t].col;
                p->val[out++] = e[t].val;
            }
        }
        for (size_t t = p->row[i]; t < out; t++)
            sum += p->val[t];
    }
    p->row[n] = out;
    if (sum < DBL_EPSILON)
        sum = DBL_EPSILON;
    for (size_t t = 0; t < out; t++)
        p->val[t] /= sum;
    status = SONO_OK;
done:
    sono__free(start);
    sono__free(fill);
    sono__free(e);
    return status;
}

int sono__tsne_affinities(const uint32_t *idx, const float *dist, size_t n,
                          size_t k, double perplexity, int threads,
                          sono__csr *p)
{
    search_job s = {dist, k, log(perplexity), NULL};
    s.cond = sono__malloc_array2(n, k, sizeof *s.cond);
    if (!s.cond)
        return SONO_ERR_NOMEM;
    sono__parallel_for(sono__threads_resolve(threads), n, search_rows, &s);
    int status = symmetrise(idx, s.cond, n, k, p);
    sono__free(s.cond);
    return status;
}
