/* t-SNE (van der Maaten and Hinton 2008) with scikit-learn 1.2's schedule
 * and FFT-accelerated repulsion.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The steps are sklearn's TSNE(method='barnes_hut', init='pca',
 * learning_rate='auto'), so that its parameters mean the same and its KL
 * divergence can be compared:
 *   - P from the k = min(n - 1, 3 perplexity + 1) exact nearest neighbours
 *     (tsne_knn.c, tsne_affinity.c);
 *   - the start: the PCA coordinates scaled so that the first has standard
 *     deviation 1e-4;
 *   - gradient descent with sklearn's gains (+0.2 where the gradient changes
 *     sign against the last step, x0.8 elsewhere, at least 0.01): 250
 *     iterations with P exaggerated and momentum 0.5, then the rest with
 *     momentum 0.8, the step and the gains starting afresh in each phase,
 *     and sklearn's stopping rules checked every 50 iterations (no progress
 *     of the KL divergence in 250 or 300 iterations, gradient norm 1e-7).
 * The forces differ only in how the repulsion is approximated: sklearn uses
 * Barnes-Hut (angle 0.5), this file interpolation on a grid
 * (tsne_repulsion.c), O(n) per iteration.
 *
 * The same bits for any thread count: the threads each take a contiguous
 * range of points and write only those points' forces; every sum over
 * points (the normalisation Z, the KL divergence, the gradient norm) is
 * then added serially in point order. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "linalg.h"
#include "tsne_internal.h"

#define EXPLORATION 250
#define CHECK_EVERY 50
#define MIN_GAIN 0.01
#define MIN_GRAD_NORM 1e-7
#define NO_PROGRESS 300

void sono_tsne_params_default(sono_tsne_params *p)
{
    if (!p)
        return;
    p->dims = 1;
    p->perplexity = 30;
    p->iterations = 1000;
    p->early_exaggeration = 12;
    p->learning_rate = 0;
    p->seed = 0;
    p->threads = 0;
}

typedef struct opt {
    size_t n;
    size_t dims;
    const sono__csr *p;
    double exaggeration;
    int want_kl;
    sono__tsne_rep *rep;
    double *y, *att, *rep_f, *sum_k, *kl_part;
    double *update, *gains;
} opt;

/* sum_j p_ij K_ij (y_i - y_j) over row i in 1-D, and the part of the KL
 * divergence that does not need Z (sklearn's p log(max(p, tiny) /
 * max(q, tiny)) with q = K / Z): the hot loop of an iteration.  Four
 * partial sums, combined in a fixed order, let the divisions overlap. */
static double attract_1d(const opt *o, size_t i, double *kl)
{
    const sono__csr *p = o->p;
    const double *y = o->y;
    double yi = y[i], a[4] = {0, 0, 0, 0};
    size_t e = p->row[i], end = p->row[i + 1];
    for (; e + 4 <= end; e += 4)
        for (int u = 0; u < 4; u++) {
            double t = yi - y[p->col[e + (size_t)u]];
            a[u] += p->val[e + (size_t)u] * t / (1.0 + t * t);
        }
    for (; e < end; e++) {
        double t = yi - y[p->col[e]];
        a[0] += p->val[e] * t / (1.0 + t * t);
    }
    if (o->want_kl) {
        double s = 0;
        for (e = p->row[i]; e < end; e++) {
            double t = yi - y[p->col[e]], pij = p->val[e] * o->exaggeration;
            if (pij > 0)
                s += pij * (log(fmax(pij, FLT_MIN)) + log(1.0 + t * t));
        }
        *kl = s;
    }
    return ((a[0] + a[1]) + (a[2] + a[3])) * o->exaggeration;
}

static void attract_2d(const opt *o, size_t i, double *att, double *kl)
{
    const sono__csr *p = o->p;
    const double *yi = o->y + 2 * i;
    double a0 = 0, a1 = 0, s = 0;
    for (size_t e = p->row[i]; e < p->row[i + 1]; e++) {
        const double *yj = o->y + 2 * (size_t)p->col[e];
        double t0 = yi[0] - yj[0], t1 = yi[1] - yj[1];
        double k = 1.0 / (1.0 + t0 * t0 + t1 * t1), w = p->val[e] * k;
        a0 += w * t0;
        a1 += w * t1;
        double pij = p->val[e] * o->exaggeration;
        if (o->want_kl && pij > 0)
            s += pij * (log(fmax(pij, FLT_MIN)) - log(k));
    }
    att[0] = a0 * o->exaggeration;
    att[1] = a1 * o->exaggeration;
    *kl = s;
}

/* Forces on points [begin, end): the repulsion read from the grid and the
 * attraction over the sparse row. */
static void forces(void *ctx, size_t begin, size_t end, int worker)
{
    (void)worker;
    opt *o = ctx;
    for (size_t i = begin; i < end; i++) {
        sono__tsne_rep_point(o->rep, i, &o->sum_k[i], o->rep_f + i * o->dims);
        o->kl_part[i] = 0;
        if (o->dims == 1)
            o->att[i] = attract_1d(o, i, &o->kl_part[i]);
        else
            attract_2d(o, i, o->att + 2 * i, &o->kl_part[i]);
    }
}

/* Forces at o->y; returns Z and, when o->want_kl, the KL divergence. */
static int evaluate(opt *o, int threads, double *z, double *kl)
{
    int status = sono__tsne_rep_prepare(o->rep, o->y);
    if (status != SONO_OK)
        return status;
    sono__parallel_for(threads, o->n, forces, o);
    double s = 0, k = 0, p = 0;
    for (size_t i = 0; i < o->n; i++)
        s += o->sum_k[i];
    *z = fmax(s - (double)o->n, DBL_MIN);
    if (o->want_kl) {
        for (size_t i = 0; i < o->n; i++)
            k += o->kl_part[i];
        for (size_t e = 0; e < o->p->row[o->n]; e++)
            p += o->p->val[e] * o->exaggeration;
        *kl = k + p * log(*z);
    }
    return SONO_OK;
}

/* sklearn's _gradient_descent from iteration `first` to `last` - 1; the
 * index of the last iteration made goes to *done. */
static int descend(opt *o, int threads, int first, int last, double momentum,
                   double rate, int no_progress, int *done)
{
    size_t count = o->n * o->dims;
    double best = DBL_MAX;
    int best_iter = first, i;
    for (size_t c = 0; c < count; c++) {
        o->update[c] = 0;
        o->gains[c] = 1;
    }
    for (i = first; i < last; i++) {
        int check = (i + 1) % CHECK_EVERY == 0;
        double z, kl = 0, norm = 0;
        o->want_kl = check;
        int status = evaluate(o, threads, &z, &kl);
        if (status != SONO_OK)
            return status;
        for (size_t c = 0; c < count; c++) {
            double g = 4.0 * (o->att[c] - o->rep_f[c] / z);
            if (o->update[c] * g < 0)
                o->gains[c] += 0.2;
            else
                o->gains[c] *= 0.8;
            if (o->gains[c] < MIN_GAIN)
                o->gains[c] = MIN_GAIN;
            g *= o->gains[c];
            o->update[c] = momentum * o->update[c] - rate * g;
            o->y[c] += o->update[c];
            norm += g * g;
        }
        if (check) {
            if (kl < best) {
                best = kl;
                best_iter = i;
            } else if (i - best_iter > no_progress) {
                break;
            }
            if (sqrt(norm) <= MIN_GRAD_NORM)
                break;
        }
    }
    *done = i < last ? i : last - 1;
    return SONO_OK;
}

/* A normal deviate from splitmix64 and Box-Muller. */
static double next_u01(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(uint64_t *s)
{
    double u = next_u01(s), v = next_u01(s);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

/* sklearn's init='pca': the PCA coordinates over the standard deviation of
 * the first, times 1e-4.  Where PCA has nothing to give (all points equal,
 * or fewer features than dims) the coordinates are sklearn's init='random'
 * instead, 1e-4 N(0, 1) from the seed: the only use of the seed. */
static int initialise(const float *x, size_t n, size_t d,
                      const sono_tsne_params *p, double *y)
{
    size_t dims = (size_t)p->dims, k = d < dims ? d : dims;
    uint64_t state = p->seed;
    float *pc = sono__malloc_array2(n, k, sizeof *pc);
    if (!pc)
        return SONO_ERR_NOMEM;
    int status = sono_pca(x, n, d, k, pc, NULL);
    if (status != SONO_OK) {
        sono__free(pc);
        return status;
    }
    double mean = 0, var = 0;
    for (size_t i = 0; i < n; i++)
        mean += pc[i * k];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++)
        var += ((double)pc[i * k] - mean) * ((double)pc[i * k] - mean);
    double sd = sqrt(var / (double)n);
    for (size_t i = 0; i < n; i++)
        for (size_t a = 0; a < dims; a++)
            y[i * dims + a] = sd > 0 && a < k ? (double)pc[i * k + a] / sd * 1e-4
                                              : 1e-4 * normal(&state);
    sono__free(pc);
    return SONO_OK;
}

static int check_params(const float *x, size_t n, size_t d,
                        const sono_tsne_params *p, const float *y)
{
    if (!x || !p || !y || n < 2 || d < 1 || (p->dims != 1 && p->dims != 2) ||
        !(p->perplexity > 0) || !(p->perplexity < (double)n) ||
        p->iterations < EXPLORATION || !(p->early_exaggeration >= 1) ||
        !isfinite(p->early_exaggeration) || !(p->learning_rate >= 0) ||
        !isfinite(p->learning_rate) || p->threads < 0)
        return SONO_ERR_INVALID;
    size_t nd;
    if (n > SONO__LINALG_MAX || d > SONO__LINALG_MAX || sono__mul_size(n, d, &nd))
        return SONO_ERR_TOO_LARGE;
    return sono_check_finite(x, nd, NULL) == SONO_OK ? SONO_OK : SONO_ERR_NONFINITE;
}

int sono_tsne(const float *x, size_t n, size_t d, const sono_tsne_params *p,
              float *y, double *kl)
{
    int status = check_params(x, n, d, p, y);
    if (status != SONO_OK)
        return status;
    int threads = sono__threads_resolve(p->threads);
    double k3 = floor(3.0 * p->perplexity + 1.0);
    size_t k = k3 < (double)(n - 1) ? (size_t)k3 : n - 1;
    size_t dims = (size_t)p->dims;
    sono__csr pm = {0, NULL, NULL, NULL};
    opt o = {n, dims, &pm, 1.0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
    uint32_t *idx = sono__malloc_array2(n, k, sizeof *idx);
    float *dist = sono__malloc_array2(n, k, sizeof *dist);
    status = SONO_ERR_NOMEM;
    if (!idx || !dist)
        goto done;
    if ((status = sono__tsne_knn(x, n, d, k, threads, idx, dist)) != SONO_OK ||
        (status = sono__tsne_affinities(idx, dist, n, k, p->perplexity, threads,
                                        &pm)) != SONO_OK)
        goto done;
    sono__free(idx);
    sono__free(dist);
    idx = NULL;
    dist = NULL;

    status = SONO_ERR_NOMEM;
    o.y = sono__malloc_array2(n, dims, sizeof *o.y);
    o.att = sono__malloc_array2(n, dims, sizeof *o.att);
    o.rep_f = sono__malloc_array2(n, dims, sizeof *o.rep_f);
    o.update = sono__malloc_array2(n, dims, sizeof *o.update);
    o.gains = sono__malloc_array2(n, dims, sizeof *o.gains);
    o.sum_k = sono__malloc_array(n, sizeof *o.sum_k);
    o.kl_part = sono__malloc_array(n, sizeof *o.kl_part);
    o.rep = sono__tsne_rep_new(n, p->dims, &status);
    if (!o.y || !o.att || !o.rep_f || !o.update || !o.gains || !o.sum_k ||
        !o.kl_part || !o.rep)
        goto done;
    if ((status = initialise(x, n, d, p, o.y)) != SONO_OK)
        goto done;

    double rate = p->learning_rate > 0
                      ? p->learning_rate
                      : fmax((double)n / p->early_exaggeration / 4.0, 50.0);
    int last;
    o.exaggeration = p->early_exaggeration;
    status = descend(&o, threads, 0, EXPLORATION, 0.5, rate, EXPLORATION, &last);
    if (status != SONO_OK)
        goto done;
    o.exaggeration = 1.0;
    if (last < EXPLORATION - 1 || p->iterations > EXPLORATION)
        status = descend(&o, threads, last + 1, p->iterations, 0.8, rate,
                         NO_PROGRESS, &last);
    if (status != SONO_OK)
        goto done;
    if (kl) {
        double z;
        o.want_kl = 1;
        if ((status = evaluate(&o, threads, &z, kl)) != SONO_OK)
            goto done;
    }
    for (size_t c = 0; c < n * dims; c++)
        y[c] = (float)o.y[c];
    status = SONO_OK;
done:
    sono__free(idx);
    sono__free(dist);
    sono__csr_free(&pm);
    sono__tsne_rep_free(o.rep);
    sono__free(o.y);
    sono__free(o.att);
    sono__free(o.rep_f);
    sono__free(o.update);
    sono__free(o.gains);
    sono__free(o.sum_k);
    sono__free(o.kl_part);
    return status;
}
