/* Best low-rank approximations by truncated SVD (Eckart–Young): exact, or
 * by a randomized range finder when the rank is small next to the matrix.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The row-major rows x cols input is, without a copy, the column-major
 * cols x rows matrix X of its transpose (linalg.h); the best rank-k
 * approximation of X is the transpose of A's, so everything below works on
 * X in LAPACK's layout and writes the result back in the same memory order.
 *
 * Everything is computed in double precision.  Measured with LAPACK's
 * float and double SVDs (through numpy) on the |STFT| and the real and
 * imaginary layers of 30 s of music (513 x 5168): in float the Frobenius
 * error of the approximation exceeded the Eckart–Young optimum by 0.7% to
 * 47% at rank 400 of 513 (and by orders of magnitude nearer the full rank),
 * where the discarded singular values fall below float's resolution of the
 * largest; in double, with the result rounded to float, the excess stays
 * below 4e-4 down to a tail of ~1e-6 of the norm.  Double costs little
 * where it matters: the randomized path takes 75 to 90 ms per such matrix
 * at rank 20 on two cores (bench/svd.py), the exact one 0.5 to 0.7 s. */
#include <math.h>
#include <string.h>

#include "internal.h"
#include "linalg.h"

/* ---- the randomized path's parameters -------------------------------------
 *
 * Halko, Martinsson & Tropp (2011), algorithms 4.4 and 5.1: a Gaussian
 * sketch of l = k + p columns, power iterations (X X^T)^q with a QR
 * re-orthonormalisation after every product, then the SVD of the small
 * projection B = Q^T X.
 *
 * Oversampling p = max(k, 10), so l = max(2k, k + 10): on the spectrograms
 * above, p = k reached a given accuracy in fewer products than p = 10 with
 * more iterations.
 *
 * The number of power iterations is not fixed but chosen by convergence.
 * Each iteration forms Z = X^T Q = B^T anyway, and the R of its QR has
 * B's singular values, so the exact residual of the current approximation,
 * t = ||X||^2 - (sum of the k largest squared), comes nearly free.  t falls
 * towards the optimum tail^2; the iterations stop when the decrease still
 * to come, extrapolated from the last decreases as a geometric series at
 * the slower of the last two rates, is below TOL * t.  That is a 1e-4
 * relative error on the norm, a tenth of the 1e-3 the tests ask, because
 * convergence often slows down (a fast phase for the strong directions,
 * then a slow one).  At least 3 iterations so that two rates are known
 * (spectrograms stop there, with excesses of 1e-10 to 1e-4); an exactly
 * low-rank matrix stops as soon as t no longer moves.  When the singular
 * values around k are nearly equal (noise), convergence is slow: after
 * MAX_ITER iterations the exact path is taken instead.  Worst excess
 * measured over random (flat, decaying, low-rank plus noise) matrices, the
 * spectrograms, a photograph and white noise: 1.9e-4 (1.2e-4 in the
 * tests).
 *
 * The randomized path is taken when 4 l <= min(rows, cols): the products
 * then cost well under one exact SVD.  Measured on 5168 x 513: l = 128
 * (rank 64) took half the exact SVD's time, l = 256 as long. */
#define OVERSAMPLE_MIN 10
#define MIN_ITER 3
#define MAX_ITER 16
#define TOL 2e-4
/* Decreases of t below this fraction of ||X||^2 are rounding noise. */
#define NOISE 1e-13

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

static size_t sketch_size(size_t rank, size_t mn)
{
    size_t p = rank > OVERSAMPLE_MIN ? rank : OVERSAMPLE_MIN;
    return min_size(rank + p, mn);
}

int sono__low_rank_method(size_t rows, size_t cols, size_t rank)
{
    size_t mn = min_size(rows, cols);
    if (rank >= mn)
        return SONO__LOW_RANK_COPY;
    size_t p = rank > OVERSAMPLE_MIN ? rank : OVERSAMPLE_MIN;
    return rank + p <= mn / 4 ? SONO__LOW_RANK_RANDOMIZED : SONO__LOW_RANK_EXACT;
}

/* ---- conversions ---------------------------------------------------------- */

static double *to_double(const float *in, size_t n, double *sum_squares)
{
    double *x = sono__malloc_array(n, sizeof *x);
    double s = 0;
    if (!x)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        x[i] = in[i];
        s += x[i] * x[i];
    }
    if (sum_squares)
        *sum_squares = s;
    return x;
}

static void to_float(const double *x, size_t n, float *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (float)x[i];
}

/* Scales the first k columns of the m-row matrix a by s. */
static void scale_columns(double *a, size_t m, size_t k, const double *s)
{
    for (size_t j = 0; j < k; j++)
        for (size_t i = 0; i < m; i++)
            a[i + j * m] *= s[j];
}

/* ---- the exact path -------------------------------------------------------- */

int sono__low_rank_exact(const float *in, size_t rows, size_t cols,
                         size_t rank, float *out, double *sigma)
{
    if (sono__linalg_load() != SONO_OK)
        return SONO_ERR_LIBRARY;
    size_t r = cols, c = rows, mn = min_size(r, c), n = r * c;
    double *x = to_double(in, n, NULL);
    double *u = sono__malloc_array2(r, mn, sizeof *u);
    double *vt = sono__malloc_array2(mn, c, sizeof *vt);
    double *s = sono__malloc_array(mn, sizeof *s);
    int err = x && u && vt && s ? SONO_OK : SONO_ERR_NOMEM;
    if (err == SONO_OK)
        err = sono__dgesdd(r, c, x, r, s, u, r, vt, mn);
    if (err == SONO_OK) {
        /* X_k = U_k diag(s_k) Vt_k, into x (which dgesdd destroyed). */
        scale_columns(u, r, rank, s);
        sono__dgemm(0, 0, r, c, rank, 1.0, u, r, vt, mn, 0.0, x, r);
        to_float(x, n, out);
        if (sigma)
            memcpy(sigma, s, rank * sizeof *sigma);
    }
    sono__free(x);
    sono__free(u);
    sono__free(vt);
    sono__free(s);
    return err;
}

/* ---- the randomized path ---------------------------------------------------- */

/* splitmix64: a small generator whose whole state is the seed, so that the
 * sketch (and with it the result) is a function of the seed. */
static uint64_t next_u64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Standard normal values by Box–Muller, from uniforms in (0, 1). */
static void fill_gaussian(double *a, size_t n, uint64_t seed)
{
    const double two_pi = 6.283185307179586476925286766559;
    uint64_t state = seed;
    for (size_t i = 0; i < n; i += 2) {
        double u1 = ((double)(next_u64(&state) >> 11) + 0.5) * 0x1p-53;
        double u2 = ((double)(next_u64(&state) >> 11) + 0.5) * 0x1p-53;
        double rad = sqrt(-2.0 * log(u1));
        a[i] = rad * cos(two_pi * u2);
        if (i + 1 < n)
            a[i + 1] = rad * sin(two_pi * u2);
    }
}

/* Whether the residuals t[0..j] have converged (see the top of the file). */
static int converged(const double *t, int j, double total)
{
    if (j < 1)
        return 0;
    double d0 = t[j - 1] - t[j];
    if (fabs(d0) <= NOISE * total)
        return 1;
    if (j < MIN_ITER)
        return 0;
    double d1 = t[j - 2] - t[j - 1], d2 = t[j - 3] - t[j - 2];
    if (!(0 < d0 && d0 < d1 && d1 < d2))
        return 0;
    double rate = fmax(d0 / d1, d1 / d2);
    return d0 * rate / (1 - rate) <= TOL * t[j];
}

/* The workspace of the randomized path; x is X, y the basis Q of its
 * range (r x l), z = X^T Q and then its own Q (c x l), rr the R of z's QR. */
typedef struct sketch {
    size_t r, c, l, k;
    double *x, *y, *z, *rr, *rc, *s, *ur, *vtr, *t1, *w;
} sketch;

static void sketch_free(sketch *sk)
{
    double *p[] = {sk->x, sk->y, sk->z, sk->rr, sk->rc, sk->s, sk->ur,
                   sk->vtr, sk->t1, sk->w};
    for (size_t i = 0; i < sizeof p / sizeof *p; i++)
        sono__free(p[i]);
}

static int sketch_alloc(sketch *sk)
{
    size_t r = sk->r, c = sk->c, l = sk->l, k = sk->k;
    sk->y = sono__malloc_array2(r, l, sizeof(double));
    sk->z = sono__malloc_array2(c, l, sizeof(double));
    sk->rr = sono__malloc_array2(l, l, sizeof(double));
    sk->rc = sono__malloc_array2(l, l, sizeof(double));
    sk->s = sono__malloc_array(l, sizeof(double));
    sk->ur = sono__malloc_array2(l, l, sizeof(double));
    sk->vtr = sono__malloc_array2(l, l, sizeof(double));
    sk->t1 = sono__malloc_array2(r, k, sizeof(double));
    sk->w = sono__malloc_array2(c, k, sizeof(double));
    return sk->y && sk->z && sk->rr && sk->rc && sk->s && sk->ur && sk->vtr &&
                   sk->t1 && sk->w
               ? SONO_OK
               : SONO_ERR_NOMEM;
}

/* Power iterations until converged(); *iter receives their count, or -1
 * when MAX_ITER passed without convergence.  On return with *iter >= 0, y
 * is Q, z holds the Q of X^T Q and rr its R. */
static int power_iterations(sketch *sk, double total, uint64_t seed, int *iter)
{
    size_t r = sk->r, c = sk->c, l = sk->l;
    double t[MAX_ITER + 1];
    /* Y = X Omega, orthonormalised. */
    fill_gaussian(sk->z, c * l, seed);
    sono__dgemm(0, 0, r, l, c, 1.0, sk->x, r, sk->z, c, 0.0, sk->y, r);
    int err = sono__dqr(r, l, sk->y, r, NULL);
    for (int j = 0; err == SONO_OK; j++) {
        /* Z = X^T Q = B^T; the singular values of its R are B's. */
        sono__dgemm(1, 0, c, l, r, 1.0, sk->x, r, sk->y, r, 0.0, sk->z, c);
        if ((err = sono__dqr(c, l, sk->z, c, sk->rr)) != SONO_OK)
            break;
        memcpy(sk->rc, sk->rr, l * l * sizeof *sk->rc);
        if ((err = sono__dgesdd(l, l, sk->rc, l, sk->s, NULL, 1, NULL, 1)) != SONO_OK)
            break;
        double kept = 0;
        for (size_t i = 0; i < sk->k; i++)
            kept += sk->s[i] * sk->s[i];
        t[j] = total - kept;
        if (converged(t, j, total)) {
            *iter = j;
            break;
        }
        if (j == MAX_ITER) {
            *iter = -1;
            break;
        }
        /* Q = orth(X Q_z): one more application of X X^T. */
        sono__dgemm(0, 0, r, l, c, 1.0, sk->x, r, sk->z, c, 0.0, sk->y, r);
        err = sono__dqr(r, l, sk->y, r, NULL);
    }
    return err;
}

int sono__low_rank_randomized(const float *in, size_t rows, size_t cols,
                              size_t rank, uint64_t seed, float *out,
                              double *sigma, int *iterations)
{
    if (sono__linalg_load() != SONO_OK)
        return SONO_ERR_LIBRARY;
    sketch sk = {0};
    sk.r = cols;
    sk.c = rows;
    sk.k = rank;
    sk.l = sketch_size(rank, min_size(cols, rows));
    size_t r = sk.r, c = sk.c, l = sk.l, k = sk.k, n = r * c;
    double total = 0;
    int iter = -1;
    sk.x = to_double(in, n, &total);
    int err = sk.x ? sketch_alloc(&sk) : SONO_ERR_NOMEM;
    if (err == SONO_OK)
        err = power_iterations(&sk, total, seed, &iter);
    if (err == SONO_OK && iter >= 0) {
        /* Z = Q_z R and R = U_r S Vt_r give B = Z^T = Vt_r^T S (Q_z U_r)^T,
         * so X ~ Q B has rank-k part (Q Vt_r^T)_k S_k ((Q_z U_r)_k)^T. */
        err = sono__dgesdd(l, l, sk.rr, l, sk.s, sk.ur, l, sk.vtr, l);
        if (err == SONO_OK) {
            sono__dgemm(0, 1, r, k, l, 1.0, sk.y, r, sk.vtr, l, 0.0, sk.t1, r);
            scale_columns(sk.t1, r, k, sk.s);
            sono__dgemm(0, 0, c, k, l, 1.0, sk.z, c, sk.ur, l, 0.0, sk.w, c);
            sono__dgemm(0, 1, r, c, k, 1.0, sk.t1, r, sk.w, c, 0.0, sk.x, r);
            to_float(sk.x, n, out);
            if (sigma)
                memcpy(sigma, sk.s, k * sizeof *sigma);
        }
    }
    sketch_free(&sk);
    if (iterations)
        *iterations = iter;
    if (err == SONO_OK && iter < 0)
        return sono__low_rank_exact(in, rows, cols, rank, out, sigma);
    return err;
}

/* ---- the public functions ---------------------------------------------------- */

/* The singular values alone, for a rank that keeps the whole matrix. */
static int singular_values(const float *in, size_t rows, size_t cols,
                           double *sigma)
{
    double *x = to_double(in, rows * cols, NULL);
    if (!x)
        return SONO_ERR_NOMEM;
    int err = sono__dgesdd(cols, rows, x, cols, sigma, NULL, 1, NULL, 1);
    sono__free(x);
    return err;
}

int sono_low_rank(const float *in, size_t rows, size_t cols, size_t rank,
                  uint64_t seed, float *out, double *sigma)
{
    size_t n, bytes;
    if (!in || !out || rank == 0)
        return SONO_ERR_INVALID;
    if (rows == 0 || cols == 0)
        return SONO_ERR_EMPTY;
    /* The double copy is the largest buffer; LAPACK takes int dimensions. */
    if (sono__mul_size(rows, cols, &n) != SONO_OK ||
        sono__mul_size(n, sizeof(double), &bytes) != SONO_OK ||
        rows > SONO__LINALG_MAX || cols > SONO__LINALG_MAX)
        return SONO_ERR_TOO_LARGE;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(in[i]))
            return SONO_ERR_NONFINITE;
    if (sono__linalg_load() != SONO_OK)
        return SONO_ERR_LIBRARY;
    switch (sono__low_rank_method(rows, cols, rank)) {
    case SONO__LOW_RANK_COPY: {
        int err = sigma ? singular_values(in, rows, cols, sigma) : SONO_OK;
        if (err == SONO_OK && out != in)
            memcpy(out, in, n * sizeof *out);
        return err;
    }
    case SONO__LOW_RANK_RANDOMIZED:
        return sono__low_rank_randomized(in, rows, cols, rank, seed, out, sigma,
                                         NULL);
    default:
        return sono__low_rank_exact(in, rows, cols, rank, out, sigma);
    }
}

double sono_low_rank_ratio(size_t rows, size_t cols, size_t rank)
{
    return (double)rank * (1.0 + (double)rows + (double)cols) /
           ((double)rows * (double)cols);
}
