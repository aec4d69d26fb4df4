/* Non-negative least squares for a filterbank, as librosa.util.nnls (0.10):
 * X >= 0 minimising ||A X - B|| column by column, which librosa solves not to
 * convergence but with scipy's L-BFGS-B and its default stopping rules.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What librosa does, and so what this file does:
 * - B's columns (frames) are cut into blocks of 262144 / (rows * 4) columns
 *   (its MAX_MEM_BLOCK over the bytes of a float32 column).  Each block is
 *   one problem in bins x columns variables, all bounded below by 0.
 * - The start is the projected least-squares solution clip(pinv(A) B, 0),
 *   rounded to float32 (librosa computes it in A's dtype).
 * - The objective is f(x) = 0.5/size * ||A x - B||^2 with its gradient
 *   1/size * A^T (A x - B), size = rows * block columns, in double.
 * - scipy.optimize.fmin_l_bfgs_b minimises it with m = bins correction pairs
 *   and scipy's defaults: pgtol 1e-5, factr 1e7, 15000 iterations and
 *   evaluations, 20 evaluations per line search.
 * Because pgtol is absolute while f is scaled by 1/size, the solver usually
 * stops after 0 to a few iterations, far from the minimum: the result is the
 * point those iterations reach, so the iterations themselves have to be
 * L-BFGS-B's, not merely some convergent NNLS method.
 *
 * The L-BFGS-B here is written from its published description: R. Byrd,
 * P. Lu, J. Nocedal, C. Zhu, "A limited memory algorithm for bound
 * constrained optimization" (SIAM J. Sci. Comput. 16, 1995: generalized
 * Cauchy point, compact limited-memory matrices, direct primal subspace
 * minimisation), with the projection of the subspace step from J. L. Morales,
 * J. Nocedal, "Remark on algorithm 778" (ACM TOMS 38, 2011, version 3.0),
 * and the line search of J. J. More, D. J. Thuente, "Line search algorithms
 * with guaranteed sufficient decrease" (ACM TOMS 20, 1994).  It is
 * specialised to the one kind of bound this problem has: x >= 0.
 * The published algorithm leaves a few numerical details open; where the
 * reference implementation's behaviour is known (step caps, restarts, the
 * stopping tests) it is followed, so that the iterates agree with scipy's.
 * They agree to rounding only: sums run in another order, and the start
 * comes from a double-precision pseudo-inverse where numpy's is computed in
 * float32.  Each iteration can amplify such differences.  Measured on the
 * relative Frobenius norm of the magnitudes: from scipy's run started at the
 * same point, 1e-7 to 3e-7 after 0 to 24 iterations, 3e-5 after 67; from
 * librosa itself (whose float32 start differs by about 1e-6), 1e-5 to 5e-5
 * after 0 to 24 iterations, 5e-2 after 70, where librosa started from the
 * double-precision point differs from librosa as much.  Filterbanks with
 * more bands than their bins separate have singular values like 2e-7 of the
 * largest, which float32 cannot resolve: there librosa's start is off by
 * about 1e-2 and its result by 1e-2 to 3e-2, while this one stays within
 * 1e-4 of numpy's double-precision pseudo-inverse.
 *
 * Memory: about 100 bytes per variable (bins x block frames: 50 MiB for 512
 * frames of 1025 bins), plus 16 bytes per variable for each pair (s, y) of
 * the limited memory, allocated as iterations need them, up to bins pairs.
 * scipy reserves them all up front but touches only those used.  The usual
 * 0 to 3 iterations need a few pairs; loud inputs (mel values far above 1)
 * can take a hundred iterations and as many pairs. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "internal.h"
#include "linalg.h"

/* librosa.util.utils.MAX_MEM_BLOCK and the itemsize of float32. */
#define MAX_MEM_BLOCK 262144
#define ITEMSIZE 4

/* scipy.optimize.fmin_l_bfgs_b's defaults. */
#define PGTOL 1e-5
#define FACTR 1e7
#define MAXITER 15000
#define MAXFUN 15000
#define MAXLS 20

size_t sono__nnls_block(size_t rows)
{
    size_t per = rows * ITEMSIZE;
    size_t n = rows && per / ITEMSIZE == rows ? MAX_MEM_BLOCK / per : 0;
    return n > 0 ? n : 1;
}

/* ------------------------------------------------------------------------ */
/* Small dense linear algebra, column-major: a(i, j) = a[i + j * ld].        */

#define AT(a, ld, i, j) ((a)[(i) + (size_t)(j) * (ld)])

/* Cholesky factorisation a = R^T R of the leading n x n block, R upper
 * triangular in place of a's upper triangle, column by column (LINPACK's
 * order).  Returns 0, or -1 if a is not positive definite. */
static int chol_upper(double *a, size_t ld, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        double s = 0.0;
        for (size_t k = 0; k < j; k++) {
            double t = AT(a, ld, k, j);
            for (size_t i = 0; i < k; i++)
                t -= AT(a, ld, i, k) * AT(a, ld, i, j);
            t /= AT(a, ld, k, k);
            AT(a, ld, k, j) = t;
            s += t * t;
        }
        s = AT(a, ld, j, j) - s;
        if (!(s > 0.0))
            return -1;
        AT(a, ld, j, j) = sqrt(s);
    }
    return 0;
}

/* Solves R^T x = b (trans = 1) or R x = b (trans = 0) in place, R the upper
 * triangle of a.  Returns -1 if R has a zero on its diagonal. */
static int tri_solve(const double *a, size_t ld, size_t n, double *b, int trans)
{
    for (size_t i = 0; i < n; i++)
        if (AT(a, ld, i, i) == 0.0)
            return -1;
    if (n == 0)
        return 0;
    if (trans) {
        b[0] /= AT(a, ld, 0, 0);
        for (size_t j = 1; j < n; j++) {
            double t = 0.0;
            for (size_t i = 0; i < j; i++)
                t += AT(a, ld, i, j) * b[i];
            b[j] = (b[j] - t) / AT(a, ld, j, j);
        }
    } else {
        b[n - 1] /= AT(a, ld, n - 1, n - 1);
        for (size_t j = n - 1; j-- > 0;) {
            double t = -b[j + 1];
            for (size_t i = 0; i <= j; i++)
                b[i] += t * AT(a, ld, i, j + 1);
            b[j] /= AT(a, ld, j, j);
        }
    }
    return 0;
}

/* Four partial sums, as vectorised BLAS kernels (scipy's among them) keep
 * several: a single running sum makes each addition wait for the previous
 * one, and these sums over all variables are most of the solver's time. */
static double dot(const double *a, const double *b, size_t n)
{
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2];
        s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++)
        s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}

/* a.b and c.b in one pass over memory. */
static void dot2(const double *a, const double *c, const double *b, size_t n,
                 double *ab, double *cb)
{
    double s0 = 0.0, s1 = 0.0, t0 = 0.0, t1 = 0.0;
    size_t i = 0;
    for (; i + 2 <= n; i += 2) {
        s0 += a[i] * b[i];
        t0 += c[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        t1 += c[i + 1] * b[i + 1];
    }
    for (; i < n; i++) {
        s0 += a[i] * b[i];
        t0 += c[i] * b[i];
    }
    *ab = s0 + s1;
    *cb = t0 + t1;
}

/* ------------------------------------------------------------------------ */
/* The problem: A's rows as runs of bins, B, and the objective               */

typedef struct problem {
    const float *A;       /* rows x cols, row-major (dense) */
    size_t rows, cols;
    size_t *first, *count; /* the run of bins from the first to the last
                              non-zero weight of each row */
    double *pinv;         /* q x q: (A A^T)^+ if rows <= cols, else (A^T A)^+ */
    const float *B;       /* this block: nc frames of rows values */
    size_t nc;            /* frames in this block */
    double *resid;        /* rows x nc */
    double *tmp;          /* max(rows, cols) */
} problem;

/* Variables are bin-major, x[k * nc + t] for bin k and frame t, the order
 * of librosa's x.ravel(), so that sums run in the same order as scipy's. */
static double objective(const problem *p, const double *x, double *g)
{
    size_t nc = p->nc, n = p->cols * nc;
    double scale = 1.0 / ((double)p->rows * (double)nc);
    double sum = 0.0;
    for (size_t i = 0; i < p->rows; i++) {
        double *r = p->resid + i * nc;
        const float *a = p->A + i * p->cols;
        for (size_t t = 0; t < nc; t++)
            r[t] = 0.0;
        for (size_t k = p->first[i]; k < p->first[i] + p->count[i]; k++) {
            double wk = a[k];
            const double *xk = x + k * nc;
            for (size_t t = 0; t < nc; t++)
                r[t] += wk * xk[t];
        }
        for (size_t t = 0; t < nc; t++) {
            r[t] -= (double)p->B[t * p->rows + i];
            sum += r[t] * r[t];
        }
    }
    memset(g, 0, n * sizeof *g);
    for (size_t i = 0; i < p->rows; i++) {
        const double *r = p->resid + i * nc;
        const float *a = p->A + i * p->cols;
        for (size_t k = p->first[i]; k < p->first[i] + p->count[i]; k++) {
            double wk = a[k];
            double *gk = g + k * nc;
            for (size_t t = 0; t < nc; t++)
                gk[t] += wk * r[t];
        }
    }
    for (size_t j = 0; j < n; j++)
        g[j] *= scale;
    return scale * 0.5 * sum;
}

/* The pseudo-inverse as numpy.linalg.pinv defines it: from the singular
 * value decomposition, singular values not above 1e-15 of the largest
 * taken as 0.  With A = U S V^T, pinv(A) = A^T (U S^-2 U^T) when A is wide
 * (rows <= cols) and (V S^-2 V^T) A^T when it is tall; p->pinv receives the
 * q x q middle factor, q = min(rows, cols), so that the start point needs
 * only products with the sparse A.
 *
 * The singular values must be accurate to about 1e-16 of the largest, not
 * merely relative to the largest squared: filterbanks with more bands than
 * their bins can separate have singular values like 2e-7 of the largest
 * (which numpy keeps) next to exact zeros (which it drops), and the Gram
 * matrix A A^T would blur both into its rounding noise.  So the tall
 * orientation T (A^T or A) is reduced by Householder QR to T = Q R, and the
 * columns of C = R^T (q x q) are orthogonalised by one-sided Jacobi
 * rotations (Hestenes), which leaves C V = U S: the singular values are the
 * column norms and the singular vectors wanted (of A A^T or A^T A = C C^T)
 * the normalised columns. */
#define JACOBI_MAX 256

/* c (q x q, column-major) replaced by U diag(s) from its SVD c = U S V^T:
 * what the one-sided Jacobi rotations leave in it, up to the order and
 * signs of the columns, which the pseudo-inverse does not see. */
static int scaled_left_vectors(double *c, size_t q)
{
    double *u = sono__malloc_array2(q, q, sizeof *u);
    double *vt = sono__malloc_array2(q, q, sizeof *vt);
    double *sv = sono__malloc_array(q, sizeof *sv);
    int status = u && vt && sv ? sono__dgesdd(q, q, c, q, sv, u, q, vt, q) : SONO_ERR_NOMEM;
    if (status == SONO_OK)
        for (size_t k = 0; k < q; k++)
            for (size_t i = 0; i < q; i++)
                c[i + k * q] = u[i + k * q] * sv[k];
    sono__free(u);
    sono__free(vt);
    sono__free(sv);
    return status;
}

static int make_pinv(problem *p)
{
    int wide = p->rows <= p->cols;
    size_t q = wide ? p->rows : p->cols, mt = wide ? p->cols : p->rows;
    double *t = sono__malloc_array2(mt, q, sizeof(double));
    double *c = sono__malloc_array2(q, q, sizeof(double));
    double *sv = sono__malloc_array(q, sizeof(double));
    int status = SONO_ERR_NOMEM;
    if (!t || !c || !sv)
        goto done;
    /* T column-major, mt x q: column j is filter j (wide) or column j of A. */
    memset(t, 0, mt * q * sizeof *t);
    for (size_t i = 0; i < p->rows; i++) {
        const float *a = p->A + i * p->cols;
        for (size_t k = p->first[i]; k < p->first[i] + p->count[i]; k++) {
            if (wide)
                t[k + i * mt] = a[k];
            else
                t[i + k * mt] = a[k];
        }
    }
    /* Householder QR; R stays in the upper triangle. */
    for (size_t k = 0; k < q; k++) {
        double *tk = t + k * mt, norm = 0.0;
        for (size_t i = k; i < mt; i++)
            norm += tk[i] * tk[i];
        norm = sqrt(norm);
        if (norm == 0.0)
            continue;
        double alpha = tk[k] > 0 ? -norm : norm;
        tk[k] -= alpha; /* the reflector v = x - alpha e_k, in place */
        double beta = 1.0 / (-alpha * tk[k]); /* 2 / (v.v) */
        for (size_t j = k + 1; j < q; j++) {
            double *tj = t + j * mt, s = 0.0;
            for (size_t i = k; i < mt; i++)
                s += tk[i] * tj[i];
            s *= beta;
            for (size_t i = k; i < mt; i++)
                tj[i] -= s * tk[i];
        }
        tk[k] = alpha;
    }
    /* C = R^T, column-major: C(i, j) = R(j, i). */
    for (size_t j = 0; j < q; j++)
        for (size_t i = 0; i < q; i++)
            c[i + j * q] = i >= j ? t[j + i * mt] : 0.0;
    /* Columns below this squared norm are rounding noise (where A loses
     * rank exactly): rotating them against each other would go on forever. */
    double big = 0.0;
    for (size_t k = 0; k < q; k++) {
        double nk = dot(c + k * q, c + k * q, q);
        big = nk > big ? nk : big;
    }
    double noise = (double)q * DBL_EPSILON, tiny = noise * noise * big;
    status = SONO_ERR_INVALID;
    int rotated = 1;
    /* Past a few hundred bands the sweeps below cost seconds to minutes
     * (each is about 2 q^3): LAPACK's divide and conquer gives the same
     * singular vectors, when it can be loaded.  The default 128 bands keep
     * the Jacobi path and its exact numbers. */
    if (q > JACOBI_MAX && sono__linalg_load() == SONO_OK) {
        if ((status = scaled_left_vectors(c, q)) != SONO_OK)
            goto done;
        rotated = 0;
    }
    for (int sweep = 0; rotated; sweep++) {
        if (sweep == 100)
            goto done; /* not seen: Jacobi converges quadratically */
        rotated = 0;
        for (size_t i = 0; i + 1 < q; i++)
            for (size_t j = i + 1; j < q; j++) {
                double *ci = c + i * q, *cj = c + j * q;
                double a = dot(ci, ci, q), b = dot(cj, cj, q),
                       g = dot(ci, cj, q);
                if (a <= tiny || b <= tiny || !(fabs(g) > noise * sqrt(a * b)))
                    continue;
                double zeta = (b - a) / (2.0 * g);
                double tn = (zeta >= 0 ? 1.0 : -1.0) /
                            (fabs(zeta) + sqrt(1.0 + zeta * zeta));
                double cs = 1.0 / sqrt(1.0 + tn * tn), sn = cs * tn;
                for (size_t k = 0; k < q; k++) {
                    double x = ci[k], y = cj[k];
                    ci[k] = cs * x - sn * y;
                    cj[k] = sn * x + cs * y;
                }
                rotated = 1;
            }
    }
    double top = 0.0;
    for (size_t k = 0; k < q; k++) {
        sv[k] = sqrt(dot(c + k * q, c + k * q, q));
        top = sv[k] > top ? sv[k] : top;
    }
    /* pinv = sum over kept k of u_k u_k^T / s_k^2, u_k = c_k / s_k.  numpy
     * keeps singular values above 1e-15 of the largest; below q * eps these
     * are the QR's rounding noise where the exact value is 0, so that is the
     * cut-off here when it is higher (2.8e-14 for 128 bands). */
    double cut = fmax(1e-15, noise) * top;
    memset(p->pinv, 0, q * q * sizeof *p->pinv);
    for (size_t k = 0; k < q; k++) {
        if (!(sv[k] > cut))
            continue;
        const double *ck = c + k * q;
        double w = 1.0 / (sv[k] * sv[k] * sv[k] * sv[k]);
        for (size_t i = 0; i < q; i++) {  /* along pinv's rows: contiguous */
            double *row = p->pinv + i * q, a = ck[i];
            for (size_t j = 0; j < q; j++)
                row[j] += a * ck[j] * w;
        }
    }
    status = SONO_OK;
done:
    sono__free(t);
    sono__free(c);
    sono__free(sv);
    return status;
}

/* x0 = clip(float32(pinv(A) b), 0) for every frame of the block. */
static void start_point(const problem *p, double *x)
{
    size_t nc = p->nc, q = p->rows <= p->cols ? p->rows : p->cols;
    double *u = p->tmp;
    for (size_t t = 0; t < nc; t++) {
        const float *b = p->B + t * p->rows;
        for (size_t k = 0; k < p->cols; k++)
            x[k * nc + t] = 0.0;
        if (p->rows <= p->cols) {
            for (size_t i = 0; i < q; i++) {
                double s = 0.0;
                for (size_t j = 0; j < q; j++)
                    s += p->pinv[i * q + j] * (double)b[j];
                u[i] = s;
            }
            for (size_t i = 0; i < p->rows; i++) {
                const float *a = p->A + i * p->cols;
                for (size_t k = p->first[i]; k < p->first[i] + p->count[i]; k++)
                    x[k * nc + t] += (double)a[k] * u[i];
            }
        } else {
            for (size_t k = 0; k < q; k++)
                u[k] = 0.0;
            for (size_t i = 0; i < p->rows; i++) {
                const float *a = p->A + i * p->cols;
                for (size_t k = p->first[i]; k < p->first[i] + p->count[i]; k++)
                    u[k] += (double)a[k] * (double)b[i];
            }
            for (size_t k = 0; k < q; k++) {
                double s = 0.0;
                for (size_t j = 0; j < q; j++)
                    s += p->pinv[k * q + j] * u[j];
                x[k * nc + t] = s;
            }
        }
        for (size_t k = 0; k < p->cols; k++) {
            float v = (float)x[k * nc + t];
            x[k * nc + t] = v > 0.0f ? (double)v : 0.0;
        }
    }
}

/* ------------------------------------------------------------------------ */
/* More-Thuente line search                                                  */

typedef struct linesearch {
    int bracketed, stage;
    double finit, ginit, gtest, width, width1;
    double stx, fx, gx, sty, fy, gy, stmin, stmax, stpmax;
} linesearch;

enum { LS_EVALUATE, LS_DONE, LS_ERROR };

/* The line search's parameters in L-BFGS-B. */
#define LS_FTOL 1e-3
#define LS_GTOL 0.9
#define LS_XTOL 0.1

/* One safeguarded step of the search: the new trial step from the best step
 * so far (stx: f and derivative fx, dx), the other end of the interval (sty)
 * and the current trial (stp), by cubic or quadratic interpolation, and the
 * interval updated.  More and Thuente's four cases. */
static void ls_step(double *stx, double *fx, double *dx, double *sty,
                    double *fy, double *dy, double *stp, double fp, double dp,
                    int *brackt, double stpmin, double stpmax)
{
    double sgnd = dp * (*dx / fabs(*dx)), stpf;
    if (fp > *fx) {
        /* Higher function value: the minimum is bracketed; the cubic step
         * if it is nearer stx than the quadratic one, else their average. */
        double theta = 3.0 * (*fx - fp) / (*stp - *stx) + *dx + dp;
        double s = fmax(fabs(theta), fmax(fabs(*dx), fabs(dp)));
        double gamma =
            s * sqrt((theta / s) * (theta / s) - (*dx / s) * (dp / s));
        if (*stp < *stx)
            gamma = -gamma;
        double pp = (gamma - *dx) + theta, qq = ((gamma - *dx) + gamma) + dp;
        double stpc = *stx + pp / qq * (*stp - *stx);
        double stpq =
            *stx +
            ((*dx / ((*fx - fp) / (*stp - *stx) + *dx)) / 2.0) * (*stp - *stx);
        if (fabs(stpc - *stx) < fabs(stpq - *stx))
            stpf = stpc;
        else
            stpf = stpc + (stpq - stpc) / 2.0;
        *brackt = 1;
    } else if (sgnd < 0.0) {
        /* Derivatives of opposite sign: bracketed; the step farther from
         * stp of the cubic and the secant. */
        double theta = 3.0 * (*fx - fp) / (*stp - *stx) + *dx + dp;
        double s = fmax(fabs(theta), fmax(fabs(*dx), fabs(dp)));
        double gamma =
            s * sqrt((theta / s) * (theta / s) - (*dx / s) * (dp / s));
        if (*stp > *stx)
            gamma = -gamma;
        double pp = (gamma - dp) + theta, qq = ((gamma - dp) + gamma) + *dx;
        double stpc = *stp + pp / qq * (*stx - *stp);
        double stpq = *stp + (dp / (dp - *dx)) * (*stx - *stp);
        stpf = fabs(stpc - *stp) > fabs(stpq - *stp) ? stpc : stpq;
        *brackt = 1;
    } else if (fabs(dp) < fabs(*dx)) {
        /* Same sign, derivative decreasing in magnitude. */
        double theta = 3.0 * (*fx - fp) / (*stp - *stx) + *dx + dp;
        double s = fmax(fabs(theta), fmax(fabs(*dx), fabs(dp)));
        double gamma =
            s *
            sqrt(fmax(0.0, (theta / s) * (theta / s) - (*dx / s) * (dp / s)));
        if (*stp > *stx)
            gamma = -gamma;
        double pp = (gamma - dp) + theta, qq = (gamma + (*dx - dp)) + gamma;
        double r = pp / qq, stpc;
        if (r < 0.0 && gamma != 0.0)
            stpc = *stp + r * (*stx - *stp);
        else if (*stp > *stx)
            stpc = stpmax;
        else
            stpc = stpmin;
        double stpq = *stp + (dp / (dp - *dx)) * (*stx - *stp);
        if (*brackt) {
            stpf = fabs(stpc - *stp) < fabs(stpq - *stp) ? stpc : stpq;
            if (*stp > *stx)
                stpf = fmin(*stp + 0.66 * (*sty - *stp), stpf);
            else
                stpf = fmax(*stp + 0.66 * (*sty - *stp), stpf);
        } else {
            stpf = fabs(stpc - *stp) > fabs(stpq - *stp) ? stpc : stpq;
            stpf = fmin(stpmax, stpf);
            stpf = fmax(stpmin, stpf);
        }
    } else {
        /* Same sign, derivative not decreasing: the cubic through stp and
         * sty if bracketed, else the far end. */
        if (*brackt) {
            double theta = 3.0 * (fp - *fy) / (*sty - *stp) + *dy + dp;
            double s = fmax(fabs(theta), fmax(fabs(*dy), fabs(dp)));
            double gamma =
                s * sqrt((theta / s) * (theta / s) - (*dy / s) * (dp / s));
            if (*stp > *sty)
                gamma = -gamma;
            double pp = (gamma - dp) + theta, qq = ((gamma - dp) + gamma) + *dy;
            stpf = *stp + pp / qq * (*sty - *stp);
        } else if (*stp > *stx) {
            stpf = stpmax;
        } else {
            stpf = stpmin;
        }
    }
    if (fp > *fx) {
        *sty = *stp;
        *fy = fp;
        *dy = dp;
    } else {
        if (sgnd < 0.0) {
            *sty = *stx;
            *fy = *fx;
            *dy = *dx;
        }
        *stx = *stp;
        *fx = fp;
        *dx = dp;
    }
    *stp = stpf;
}

/* Starts a search at f, derivative g < 0, first trial stp in (0, stpmax]. */
static int ls_start(linesearch *ls, double f, double g, double stp,
                    double stpmax)
{
    if (stp < 0.0 || stp > stpmax || g >= 0.0)
        return LS_ERROR;
    ls->bracketed = 0;
    ls->stage = 1;
    ls->finit = f;
    ls->ginit = g;
    ls->gtest = LS_FTOL * g;
    ls->width = stpmax;
    ls->width1 = stpmax / 0.5;
    ls->stx = 0.0;
    ls->fx = f;
    ls->gx = g;
    ls->sty = 0.0;
    ls->fy = f;
    ls->gy = g;
    ls->stmin = 0.0;
    ls->stmax = stp + 4.0 * stp;
    ls->stpmax = stpmax;
    return LS_EVALUATE;
}

/* f, g at the trial *stp: LS_DONE when it is accepted (the strong Wolfe
 * conditions, or no further progress possible), else LS_EVALUATE with the
 * next trial in *stp. */
static int ls_next(linesearch *ls, double f, double g, double *stp)
{
    double ftest = ls->finit + *stp * ls->gtest;
    if (ls->stage == 1 && f <= ftest && g >= 0.0)
        ls->stage = 2;
    /* Warnings end the search as convergence does. */
    if (ls->bracketed && (*stp <= ls->stmin || *stp >= ls->stmax))
        return LS_DONE;
    if (ls->bracketed && ls->stmax - ls->stmin <= LS_XTOL * ls->stmax)
        return LS_DONE;
    if (*stp == ls->stpmax && f <= ftest && g <= ls->gtest)
        return LS_DONE;
    if (*stp == 0.0 && (f > ftest || g >= ls->gtest))
        return LS_DONE;
    if (f <= ftest && fabs(g) <= LS_GTOL * (-ls->ginit))
        return LS_DONE;
    if (ls->stage == 1 && f <= ls->fx && f > ftest) {
        /* A lower value without sufficient decrease: step on the modified
         * function psi(stp) = f(stp) - f(0) - ftol * stp * f'(0). */
        double fm = f - *stp * ls->gtest, fxm = ls->fx - ls->stx * ls->gtest;
        double fym = ls->fy - ls->sty * ls->gtest, gm = g - ls->gtest;
        double gxm = ls->gx - ls->gtest, gym = ls->gy - ls->gtest;
        ls_step(&ls->stx, &fxm, &gxm, &ls->sty, &fym, &gym, stp, fm, gm,
                &ls->bracketed, ls->stmin, ls->stmax);
        ls->fx = fxm + ls->stx * ls->gtest;
        ls->fy = fym + ls->sty * ls->gtest;
        ls->gx = gxm + ls->gtest;
        ls->gy = gym + ls->gtest;
    } else {
        ls_step(&ls->stx, &ls->fx, &ls->gx, &ls->sty, &ls->fy, &ls->gy, stp, f,
                g, &ls->bracketed, ls->stmin, ls->stmax);
    }
    if (ls->bracketed) {
        /* Bisect when the interval did not shrink enough. */
        if (fabs(ls->sty - ls->stx) >= 0.66 * ls->width1)
            *stp = ls->stx + 0.5 * (ls->sty - ls->stx);
        ls->width1 = ls->width;
        ls->width = fabs(ls->sty - ls->stx);
        ls->stmin = fmin(ls->stx, ls->sty);
        ls->stmax = fmax(ls->stx, ls->sty);
    } else {
        ls->stmin = *stp + 1.1 * (*stp - ls->stx);
        ls->stmax = *stp + 4.0 * (*stp - ls->stx);
    }
    *stp = fmax(*stp, 0.0);
    *stp = fmin(*stp, ls->stpmax);
    if (ls->bracketed && (*stp <= ls->stmin || *stp >= ls->stmax ||
                          ls->stmax - ls->stmin <= LS_XTOL * ls->stmax))
        *stp = ls->stx;
    return LS_EVALUATE;
}

/* ------------------------------------------------------------------------ */
/* L-BFGS-B for x >= 0                                                       */

/* The limited-memory matrix is B = theta I - W M W^T with W = [Y, theta S]
 * (n x 2col) and M the inverse of [[-D, L^T], [L, theta S^T S]], D the
 * diagonal and L the strictly lower triangle of S^T Y.  Pairs are indexed
 * oldest first, 0..col-1; pair j lives in slot (head + j) % m. */
typedef struct lbfgsb {
    const problem *prob;
    size_t n, m;
    double f, fold, sbgnrm, theta;
    double *x, *g, *z, *d, *r, *xold, *gold, *xp;
    double *bk_t;         /* breakpoints of the Cauchy search: times */
    size_t *bk_i;         /*   and variables */
    size_t *index;        /* free variables at the Cauchy point, then active */
    size_t *chg;          /* entering (from the front) and leaving (from the
                             back) since the last factorisation of K */
    size_t nfree, nenter, nleave;
    signed char *where;   /* per variable: 0 free, 1 at its bound, -3 zero
                             gradient (L-BFGS-B's iwhere) */
    unsigned char *synced; /* free in the sums of yy, ssa and lr */
    double **s, **y;      /* m slots, allocated on first use */
    size_t col, head, cap, fresh; /* fresh: newest pairs not yet in yy.. */
    double *sy, *ss, *wt; /* cap x cap: S^T Y (lower), S^T S, T's factor */
    double *yy, *ssa, *lr; /* cap x cap: Y'ZZ'Y, S'AA'S, L_a + R_z */
    double *wn;           /* 2cap x 2cap: factor of K */
    double *p, *c, *v, *wbp, *wv; /* 2cap each */
    double *gy, *gs;      /* FORMK_CHUNK x cap: gathered pair values */
    double *mexp;         /* 2cap x 2cap: M explicitly, for the Cauchy search */
    long nfev, iter;
} lbfgsb;

/* Variables gathered at a time when K is corrected for changes. */
#define FORMK_CHUNK 256

static double *slot_s(const lbfgsb *L, size_t j)
{
    return L->s[(L->head + j) % L->m];
}
static double *slot_y(const lbfgsb *L, size_t j)
{
    return L->y[(L->head + j) % L->m];
}

/* Room for cap pairs in the small matrices: copies the current content. */
static int grow(lbfgsb *L, size_t cap)
{
    double *mat[8] = {L->sy, L->ss, L->wt, L->yy, L->ssa, L->lr, NULL, NULL};
    double *fresh[8] = {NULL};
    size_t sizes[8] = {cap * cap, cap * cap, cap * cap, cap * cap, cap * cap,
                       cap * cap, 4 * cap * cap, 4 * cap * cap};
    double *vecs =
        sono__malloc_array((10 + 2 * FORMK_CHUNK) * cap, sizeof(double));
    int ok = vecs != NULL;
    for (int i = 0; i < 8 && ok; i++)
        ok = (fresh[i] = sono__calloc(sizes[i], sizeof(double))) != NULL;
    if (!ok) {
        for (int i = 0; i < 8; i++)
            sono__free(fresh[i]);
        sono__free(vecs);
        return SONO_ERR_NOMEM;
    }
    for (int i = 0; i < 6; i++) {
        for (size_t j = 0; j < L->col; j++)
            for (size_t k = 0; k < L->col; k++)
                AT(fresh[i], cap, k, j) = AT(mat[i], L->cap, k, j);
        sono__free(mat[i]);
    }
    sono__free(L->wn);
    sono__free(L->mexp);
    sono__free(L->p);
    L->sy = fresh[0];
    L->ss = fresh[1];
    L->wt = fresh[2];
    L->yy = fresh[3];
    L->ssa = fresh[4];
    L->lr = fresh[5];
    L->wn = fresh[6]; /* refactorised before its next use */
    L->mexp = fresh[7]; /* rebuilt in each Cauchy search */
    L->p = vecs;
    L->c = vecs + 2 * cap;
    L->v = vecs + 4 * cap;
    L->wbp = vecs + 6 * cap;
    L->wv = vecs + 8 * cap;
    L->gy = vecs + 10 * cap;
    L->gs = L->gy + FORMK_CHUNK * cap;
    L->cap = cap;
    return SONO_OK;
}

static void lbfgsb_free(lbfgsb *L)
{
    double **arrays[] = {&L->x, &L->g, &L->z, &L->d, &L->r, &L->xold,
                         &L->gold, &L->xp, &L->bk_t, &L->sy, &L->ss, &L->wt,
                         &L->yy, &L->ssa, &L->lr, &L->wn, &L->mexp, &L->p};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        sono__free(*arrays[i]);
    sono__free(L->bk_i);
    sono__free(L->index);
    sono__free(L->chg);
    sono__free(L->where);
    sono__free(L->synced);
    for (size_t j = 0; L->s && j < L->m; j++)
        sono__free(L->s[j]);
    for (size_t j = 0; L->y && j < L->m; j++)
        sono__free(L->y[j]);
    sono__free(L->s);
    sono__free(L->y);
    memset(L, 0, sizeof *L);
}

static int lbfgsb_init(lbfgsb *L, size_t n, size_t m)
{
    memset(L, 0, sizeof *L);
    L->n = n;
    L->m = m;
    double **arrays[] = {&L->x, &L->g, &L->z, &L->d, &L->r, &L->xold,
                         &L->gold, &L->xp, &L->bk_t};
    int ok = 1;
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        ok &= (*arrays[i] = sono__malloc_array(n, sizeof(double))) != NULL;
    ok &= (L->bk_i = sono__malloc_array(n, sizeof(size_t))) != NULL;
    ok &= (L->index = sono__malloc_array(n, sizeof(size_t))) != NULL;
    ok &= (L->chg = sono__malloc_array(n, sizeof(size_t))) != NULL;
    ok &= (L->where = sono__calloc(n, 1)) != NULL;
    ok &= (L->synced = sono__calloc(n, 1)) != NULL;
    ok &= (L->s = sono__calloc(m, sizeof(double *))) != NULL;
    ok &= (L->y = sono__calloc(m, sizeof(double *))) != NULL;
    if (!ok || grow(L, m < 8 ? m : 8) != SONO_OK) {
        lbfgsb_free(L);
        return SONO_ERR_NOMEM;
    }
    return SONO_OK;
}

/* Forgets all pairs: B = I.  L-BFGS-B's answer to a singular system or a
 * failed line search. */
static void refresh(lbfgsb *L)
{
    L->col = 0;
    L->head = 0;
    L->fresh = 0;
    L->theta = 1.0;
}

/* The infinity norm of the projected gradient. */
static double projected_gradient_norm(const lbfgsb *L)
{
    double norm = 0.0;
    for (size_t i = 0; i < L->n; i++) {
        double gi = L->g[i];
        if (gi >= 0.0)
            gi = fmin(L->x[i], gi);
        if (fabs(gi) > norm)
            norm = fabs(gi);
    }
    return norm;
}

/* p = M v for 2col vectors, via T = theta S'S + L D^-1 L' = J J' (formt). */
static int bmv(const lbfgsb *L, const double *v, double *p)
{
    size_t col = L->col, ld = L->cap;
    const double *sy = L->sy;
    if (col == 0)
        return 0;
    p[col] = v[col];
    for (size_t i = 1; i < col; i++) {
        double sum = 0.0;
        for (size_t k = 0; k < i; k++)
            sum += AT(sy, ld, i, k) * v[k] / AT(sy, ld, k, k);
        p[col + i] = v[col + i] + sum;
    }
    if (tri_solve(L->wt, ld, col, p + col, 1) != 0)
        return -1;
    for (size_t i = 0; i < col; i++)
        p[i] = v[i] / sqrt(AT(sy, ld, i, i));
    if (tri_solve(L->wt, ld, col, p + col, 0) != 0)
        return -1;
    for (size_t i = 0; i < col; i++)
        p[i] = -p[i] / sqrt(AT(sy, ld, i, i));
    for (size_t i = 0; i < col; i++) {
        double sum = 0.0;
        for (size_t k = i + 1; k < col; k++)
            sum += AT(sy, ld, k, i) * p[col + k] / AT(sy, ld, i, i);
        p[i] += sum;
    }
    return 0;
}

/* T = theta S'S + L D^-1 L' and its Cholesky factor J' in wt's upper part. */
static int formt(lbfgsb *L)
{
    size_t col = L->col, ld = L->cap;
    for (size_t j = 0; j < col; j++)
        AT(L->wt, ld, 0, j) = L->theta * AT(L->ss, ld, 0, j);
    for (size_t i = 1; i < col; i++)
        for (size_t j = i; j < col; j++) {
            double sum = 0.0;
            for (size_t k = 0; k < i; k++)
                sum += AT(L->sy, ld, i, k) * AT(L->sy, ld, j, k) /
                       AT(L->sy, ld, k, k);
            AT(L->wt, ld, i, j) = sum + L->theta * AT(L->ss, ld, i, j);
        }
    return chol_upper(L->wt, ld, col);
}

/* Min-heap of breakpoints by time. */
static void heap_down(double *t, size_t *ix, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && t[l] < t[m])
            m = l;
        if (r < n && t[r] < t[m])
            m = r;
        if (m == i)
            return;
        double tt = t[i];
        t[i] = t[m];
        t[m] = tt;
        size_t it = ix[i];
        ix[i] = ix[m];
        ix[m] = it;
        i = m;
    }
}

/* v = m w for the n x n matrix m (column-major), four columns at a time so
 * that v is read and written a quarter as often. */
static void matvec(const double *m, size_t ld, size_t n, const double *w,
                       double *v)
{
    size_t j = 0;
    for (size_t i = 0; i < n; i++)
        v[i] = 0.0;
    for (; j + 4 <= n; j += 4) {
        const double *m0 = m + j * ld, *m1 = m0 + ld, *m2 = m1 + ld,
                     *m3 = m2 + ld;
        double w0 = w[j], w1 = w[j + 1], w2 = w[j + 2], w3 = w[j + 3];
        for (size_t i = 0; i < n; i++)
            v[i] += m0[i] * w0 + m1[i] * w1 + m2[i] * w2 + m3[i] * w3;
    }
    for (; j < n; j++)
        for (size_t i = 0; i < n; i++)
            v[i] += m[i + j * ld] * w[j];
}

/* The generalized Cauchy point z: the first local minimiser of the model
 * m(x + u) = g'u + u'Bu/2 along the projected steepest-descent path
 * P(x - t g), breakpoint by breakpoint; c = W'(z - x) for cmprlb.  Variables
 * that reach their bound on the way are marked where = 1. */
static int cauchy(lbfgsb *L)
{
    size_t n = L->n, col = L->col, col2 = 2 * col;
    double theta = L->theta, *x = L->x, *g = L->g, *d = L->d, *z = L->z;
    double *p = L->p, *c = L->c, *v = L->v, *wbp = L->wbp;
    size_t nbreak = 0, nmove = 0, ibkmin = 0;
    double f1 = 0.0, bkmin = 0.0;
    int bounded = 1;
    for (size_t i = 0; i < n; i++) {
        double neggi = -g[i];
        signed char w = 0;
        if (x[i] <= 0.0) {
            if (neggi <= 0.0)
                w = 1;
        } else if (fabs(neggi) <= 0.0) {
            w = -3;
        }
        L->where[i] = w;
        if (w != 0) {
            d[i] = 0.0;
            continue;
        }
        d[i] = neggi;
        f1 -= neggi * neggi;
        if (neggi < 0.0) {
            L->bk_t[nbreak] = x[i] / -neggi;
            L->bk_i[nbreak] = i;
            if (nbreak == 0 || L->bk_t[nbreak] < bkmin) {
                bkmin = L->bk_t[nbreak];
                ibkmin = nbreak;
            }
            nbreak++;
        } else {
            nmove++;
            bounded = 0; /* moves up, and nothing bounds it above */
        }
    }
    for (size_t j = 0; j < col; j++) {
        dot2(slot_y(L, j), slot_s(L, j), d, n, &p[j], &p[col + j]);
        p[col + j] *= theta;
    }
    memcpy(z, x, n * sizeof *z);
    for (size_t j = 0; j < col2; j++)
        c[j] = 0.0;
    if (nbreak == 0 && nmove == 0)
        return 0;
    double f2 = -theta * f1, f2_org = f2;
    if (col > 0) {
        if (bmv(L, p, v) != 0)
            return -1;
        f2 -= dot(v, p, col2);
    }
    double dtm = -f1 / f2, tsum = 0.0, tj = 0.0;
    size_t nleft = nbreak;
    int all_fixed = 0, have_m = 0;
    for (size_t it = 1; nleft > 0; it++) {
        double tj0 = tj;
        size_t ibp;
        if (it == 1) {
            tj = bkmin;
            ibp = L->bk_i[ibkmin];
        } else {
            if (it == 2) {
                /* The smallest is used; heap the others. */
                L->bk_t[ibkmin] = L->bk_t[nbreak - 1];
                L->bk_i[ibkmin] = L->bk_i[nbreak - 1];
                for (size_t h = nleft / 2; h-- > 0;)
                    heap_down(L->bk_t, L->bk_i, nleft, h);
            }
            tj = L->bk_t[0];
            ibp = L->bk_i[0];
            L->bk_t[0] = L->bk_t[nleft - 1];
            L->bk_i[0] = L->bk_i[nleft - 1];
            heap_down(L->bk_t, L->bk_i, nleft - 1, 0);
        }
        double dt = tj - tj0;
        if (dtm < dt)
            break; /* the minimiser lies before this breakpoint */
        /* Fix the variable of this breakpoint at its bound. */
        tsum += dt;
        nleft--;
        double dibp = d[ibp], zibp = -x[ibp];
        d[ibp] = 0.0;
        z[ibp] = 0.0;
        L->where[ibp] = 1;
        if (nleft == 0 && nbreak == n) {
            dtm = dt;
            all_fixed = 1;
            break;
        }
        double dibp2 = dibp * dibp;
        f1 = f1 + dt * f2 + dibp2 - theta * dibp * zibp;
        f2 = f2 - theta * dibp2;
        if (col > 0) {
            for (size_t j = 0; j < col; j++) {
                wbp[j] = slot_y(L, j)[ibp];
                wbp[col + j] = theta * slot_s(L, j)[ibp];
            }
            /* M wbp at each breakpoint passed: with M written out once
             * (2col products by bmv) rather than by bmv's triangular
             * solves each time, as thousands of breakpoints can be passed
             * in one search. */
            if (!have_m) {
                size_t ld2 = 2 * L->cap;
                for (size_t j = 0; j < col2; j++) {
                    for (size_t i = 0; i < col2; i++)
                        v[i] = i == j;
                    if (bmv(L, v, &AT(L->mexp, ld2, 0, j)) != 0)
                        return -1;
                }
                have_m = 1;
            }
            matvec(L->mexp, 2 * L->cap, col2, wbp, v);
            /* c += dt p, then c'v, p'v, wbp'v, then p -= dibp wbp */
            double wmc = 0.0, wmp = 0.0, wmw = 0.0;
            for (size_t j = 0; j < col2; j++) {
                c[j] += dt * p[j];
                wmc += c[j] * v[j];
                wmp += p[j] * v[j];
                wmw += wbp[j] * v[j];
                p[j] -= dibp * wbp[j];
            }
            f1 += dibp * wmc;
            f2 += 2.0 * dibp * wmp - dibp2 * wmw;
        }
        f2 = fmax(DBL_EPSILON * f2_org, f2);
        if (nleft > 0)
            dtm = -f1 / f2;
        else if (bounded)
            dtm = 0.0;
        else
            dtm = -f1 / f2;
    }
    if (!all_fixed) {
        if (dtm <= 0.0)
            dtm = 0.0;
        tsum += dtm;
        for (size_t i = 0; i < n; i++)
            z[i] += tsum * d[i];
    }
    for (size_t j = 0; col > 0 && j < col2; j++)
        c[j] += dtm * p[j];
    return 0;
}

/* The free variables at the Cauchy point, then the active ones (in
 * decreasing order, as L-BFGS-B lists them), and which variables entered or
 * left the free set since K was last factorised.  Returns whether K must be
 * factorised again. */
static int free_vars(lbfgsb *L)
{
    size_t n = L->n, nfree = 0, iact = n, nenter = 0, ileave = n;
    for (size_t i = 0; i < n; i++) {
        int is_free = L->where[i] <= 0;
        if (is_free)
            L->index[nfree++] = i;
        else
            L->index[--iact] = i;
        if (is_free && !L->synced[i])
            L->chg[nenter++] = i;
        else if (!is_free && L->synced[i])
            L->chg[--ileave] = i;
    }
    L->nfree = nfree;
    L->nenter = nenter;
    L->nleave = n - ileave;
    return nenter > 0 || ileave < n || L->fresh > 0;
}

/* The corrections of yy, ssa and lr for variables that changed side, list
 * (count of them) entering the free set (sign +1) or leaving it (-1).  The
 * pairs' values at those variables are gathered a chunk at a time, so that
 * the col^2 sums run over contiguous memory. */
static void formk_changes(lbfgsb *L, const size_t *list, size_t count,
                          double sign, size_t old)
{
    size_t ld = L->cap;
    double *gy = L->gy, *gs = L->gs;
    for (size_t at = 0; at < count; at += FORMK_CHUNK) {
        size_t m = count - at < FORMK_CHUNK ? count - at : FORMK_CHUNK;
        for (size_t j = 0; j < old; j++) {
            const double *yj = slot_y(L, j), *sj = slot_s(L, j);
            for (size_t i = 0; i < m; i++) {
                gy[j * FORMK_CHUNK + i] = yj[list[at + i]];
                gs[j * FORMK_CHUNK + i] = sj[list[at + i]];
            }
        }
        for (size_t iy = 0; iy < old; iy++) {
            const double *yi = gy + iy * FORMK_CHUNK,
                         *si = gs + iy * FORMK_CHUNK;
            for (size_t jy = 0; jy <= iy; jy++) {
                AT(L->yy, ld, iy, jy) +=
                    sign * dot(yi, gy + jy * FORMK_CHUNK, m);
                AT(L->ssa, ld, iy, jy) -=
                    sign * dot(si, gs + jy * FORMK_CHUNK, m);
            }
            /* lr is R_z (over the free set) on and above the diagonal, L_a
             * (over the active set) below it. */
            for (size_t jy = 0; jy < old; jy++)
                AT(L->lr, ld, iy, jy) += (iy <= jy ? sign : -sign) *
                                         dot(si, gy + jy * FORMK_CHUNK, m);
        }
    }
}

/* K = [[-D - Y'ZZ'Y/theta, L_a' - R_z'], [L_a - R_z, theta S'AA'S]] (Z the
 * free, A the active variables) as U' E U, E = diag(-I, I), U upper
 * triangular in wn.  The sums over Z and A (yy, ssa, lr) are kept from one
 * factorisation to the next and corrected for the variables that changed
 * side; the newest pairs' rows are summed afresh.  Uses d and xp as
 * scratch: both are dead between the Cauchy point and the subspace step. */
static int formk(lbfgsb *L)
{
    size_t n = L->n, col = L->col, ld = L->cap, ld2 = 2 * L->cap;
    size_t old = col - L->fresh;
    if (old > 0) {
        formk_changes(L, L->chg, L->nenter, 1.0, old);
        formk_changes(L, L->chg + (n - L->nleave), L->nleave, -1.0, old);
    }
    double *yz = L->d, *sa = L->xp;
    for (size_t cn = old; cn < col; cn++) {
        /* Sums over Z or A as dense sums with the other set's terms 0. */
        const double *yc = slot_y(L, cn), *sc = slot_s(L, cn);
        for (size_t k = 0; k < n; k++) {
            int is_free = L->where[k] <= 0;
            yz[k] = is_free ? yc[k] : 0.0;
            sa[k] = is_free ? 0.0 : sc[k];
        }
        for (size_t jy = 0; jy <= cn; jy++) {
            /* Y'ZZ'Y, S'AA'S, L_a in row cn and R_z in column cn. */
            const double *yj = slot_y(L, jy), *sj = slot_s(L, jy);
            double yy = 0.0, ss = 0.0, la = 0.0, rz = 0.0;
            for (size_t k = 0; k < n; k++) {
                yy += yz[k] * yj[k];
                ss += sa[k] * sj[k];
                la += sa[k] * yj[k];
                rz += sj[k] * yz[k];
            }
            AT(L->yy, ld, cn, jy) = yy;
            AT(L->ssa, ld, cn, jy) = ss;
            AT(L->lr, ld, cn, jy) = la;
            AT(L->lr, ld, jy, cn) = rz;
        }
    }
    L->fresh = 0;
    for (size_t i = 0; i < n; i++)
        L->synced[i] = L->where[i] <= 0;

    double *wn = L->wn, theta = L->theta;
    for (size_t iy = 0; iy < col; iy++) {
        size_t is = col + iy;
        for (size_t jy = 0; jy <= iy; jy++) {
            AT(wn, ld2, jy, iy) = AT(L->yy, ld, iy, jy) / theta;
            AT(wn, ld2, col + jy, is) = AT(L->ssa, ld, iy, jy) * theta;
        }
        for (size_t jy = 0; jy < iy; jy++)
            AT(wn, ld2, jy, is) = -AT(L->lr, ld, iy, jy);
        for (size_t jy = iy; jy < col; jy++)
            AT(wn, ld2, jy, is) = AT(L->lr, ld, iy, jy);
        AT(wn, ld2, iy, iy) += AT(L->sy, ld, iy, iy);
    }
    if (chol_upper(wn, ld2, col) != 0)
        return -1;
    for (size_t js = col; js < 2 * col; js++)
        tri_solve(wn, ld2, col, &AT(wn, ld2, 0, js), 1);
    for (size_t is = col; is < 2 * col; is++)
        for (size_t js = is; js < 2 * col; js++)
            AT(wn, ld2, is, js) +=
                dot(&AT(wn, ld2, 0, is), &AT(wn, ld2, 0, js), col);
    return chol_upper(&AT(wn, ld2, col, col), ld2, col);
}

/* r = -Z'(g + B(z - x)), the reduced gradient at the Cauchy point, kept at
 * full length with 0 at the active variables: the loops over the pairs then
 * run over contiguous memory, and each free entry gets the same operations
 * in the same order as over a list of free variables. */
static int reduced_gradient(lbfgsb *L)
{
    size_t col = L->col, n = L->n;
    double theta = L->theta, *r = L->r;
    if (bmv(L, L->c, L->v) != 0)
        return -1;
    for (size_t k = 0; k < n; k++)
        r[k] = -theta * (L->z[k] - L->x[k]) - L->g[k];
    for (size_t j = 0; j < col; j++) {
        const double *yj = slot_y(L, j), *sj = slot_s(L, j);
        double a1 = L->v[j], a2 = theta * L->v[col + j];
        for (size_t k = 0; k < n; k++)
            r[k] += yj[k] * a1 + sj[k] * a2;
    }
    for (size_t i = L->nfree; i < n; i++)
        r[L->index[i]] = 0.0;
    return 0;
}

/* Minimises the model over the free variables from the Cauchy point (the
 * unconstrained Newton step d = (1/theta) r + (1/theta^2) Z'W K^-1 W'Z r),
 * projects z + d onto x >= 0, and keeps the projection if it is a descent
 * direction from x; otherwise backtracks along d to the first bound.  d
 * replaces r, at full length, meaningful at the free variables only. */
static int subspace_min(lbfgsb *L)
{
    size_t col = L->col, nsub = L->nfree, ld2 = 2 * L->cap, n = L->n;
    double theta = L->theta, *d = L->r, *wv = L->wv, *z = L->z;
    const size_t *ind = L->index;
    for (size_t i = 0; i < col; i++) {
        dot2(slot_y(L, i), slot_s(L, i), d, n, &wv[i], &wv[col + i]);
        wv[col + i] *= theta;
    }
    if (tri_solve(L->wn, ld2, 2 * col, wv, 1) != 0)
        return -1;
    for (size_t i = 0; i < col; i++)
        wv[i] = -wv[i];
    if (tri_solve(L->wn, ld2, 2 * col, wv, 0) != 0)
        return -1;
    for (size_t j = 0; j < col; j++) {
        const double *yj = slot_y(L, j), *sj = slot_s(L, j);
        double wy = wv[j] / theta, ws = wv[col + j];
        for (size_t k = 0; k < n; k++)
            d[k] += yj[k] * wy + sj[k] * ws;
    }
    double inv = 1.0 / theta;
    for (size_t k = 0; k < n; k++)
        d[k] *= inv;

    int hit = 0;
    memcpy(L->xp, z, n * sizeof *z);
    for (size_t i = 0; i < nsub; i++) {
        size_t k = ind[i];
        z[k] = fmax(0.0, z[k] + d[k]);
        if (z[k] == 0.0)
            hit = 1;
    }
    if (!hit)
        return 0;
    double dd = 0.0;
    for (size_t i = 0; i < n; i++)
        dd += (z[i] - L->x[i]) * L->g[i];
    if (dd <= 0.0)
        return 0;
    memcpy(z, L->xp, n * sizeof *z);
    double alpha = 1.0, t1 = alpha;
    size_t ibd = 0;
    for (size_t i = 0; i < nsub; i++) {
        double dk = d[ind[i]];
        if (dk < 0.0) {
            double t2 = -z[ind[i]];
            if (t2 >= 0.0)
                t1 = 0.0;
            else if (dk * alpha < t2)
                t1 = t2 / dk;
        }
        if (t1 < alpha) {
            alpha = t1;
            ibd = i;
        }
    }
    if (alpha < 1.0 && d[ind[ibd]] < 0.0) {
        z[ind[ibd]] = 0.0;
        d[ind[ibd]] = 0.0;
    }
    for (size_t i = 0; i < nsub; i++)
        z[ind[i]] += alpha * d[ind[i]];
    return 0;
}

/* Adds the pair (s = d, y = r) with s'y = dr, y'y = rr, s's = ss_new. */
static int add_pair(lbfgsb *L, double rr, double dr, double ss_new)
{
    size_t n = L->n, slot;
    if (L->col < L->m) {
        if (L->col == L->cap) {
            size_t cap = 2 * L->cap < L->m ? 2 * L->cap : L->m;
            int status = grow(L, cap);
            if (status != SONO_OK)
                return status;
        }
        slot = (L->head + L->col) % L->m;
        L->col++;
        L->fresh++;
    } else {
        /* Memory full: drop the oldest pair and shift the matrices. */
        slot = L->head;
        L->head = (L->head + 1) % L->m;
        size_t ld = L->cap;
        double *mats[] = {L->sy, L->ss, L->yy, L->ssa, L->lr};
        for (size_t q = 0; q < sizeof mats / sizeof mats[0]; q++)
            for (size_t j = 0; j + 1 < L->col; j++)
                for (size_t i = 0; i + 1 < L->col; i++)
                    AT(mats[q], ld, i, j) = AT(mats[q], ld, i + 1, j + 1);
        L->fresh = L->fresh + 1 < L->col ? L->fresh + 1 : L->col;
    }
    if (!L->s[slot]) {
        L->s[slot] = sono__malloc_array(n, sizeof(double));
        L->y[slot] = sono__malloc_array(n, sizeof(double));
        if (!L->s[slot] || !L->y[slot])
            return SONO_ERR_NOMEM;
    }
    memcpy(L->s[slot], L->d, n * sizeof(double));
    memcpy(L->y[slot], L->r, n * sizeof(double));
    L->theta = rr / dr;
    size_t c = L->col - 1, ld = L->cap;
    for (size_t j = 0; j < c; j++)
        dot2(slot_y(L, j), slot_s(L, j), L->d, n, &AT(L->sy, ld, c, j),
             &AT(L->ss, ld, j, c));
    AT(L->ss, ld, c, c) = ss_new;
    AT(L->sy, ld, c, c) = dr;
    return SONO_OK;
}

enum { LINE_OK, LINE_FAILED };

/* Searches along d = z - x from x (More-Thuente, at most MAXLS
 * evaluations).  The first step is 1 (z itself), except in the first
 * iteration, where it is min(1/|d|, 1).  On LINE_OK, x, g, f are the new
 * point and *stp, *gd, *gdold the step and the directional derivatives at
 * its end and start. */
static int line_search(lbfgsb *L, const problem *prob, double dtd,
                       double *stp_out, double *gd_out, double *gdold_out)
{
    size_t n = L->n;
    double *x = L->x, *d = L->d;
    double stpmx = 1e10, stp;
    if (L->iter == 0) {
        stpmx = 1.0;
    } else {
        for (size_t i = 0; i < n; i++) {
            double a1 = d[i];
            if (a1 < 0.0) {
                double a2 = -x[i];
                if (a2 >= 0.0)
                    stpmx = 0.0;
                else if (a1 * stpmx < a2)
                    stpmx = a2 / a1;
            }
        }
    }
    stp = L->iter == 0 ? fmin(1.0 / sqrt(dtd), stpmx) : 1.0;
    memcpy(L->xold, x, n * sizeof *x);
    memcpy(L->gold, L->g, n * sizeof *x);
    L->fold = L->f;
    linesearch ls;
    double gdold = 0.0;
    for (int ifun = 0;; ifun++) {
        double gd = dot(L->g, d, n);
        int task;
        if (ifun == 0) {
            gdold = gd;
            if (gd >= 0.0)
                return LINE_FAILED; /* not a descent direction */
            task = ls_start(&ls, L->f, gd, stp, stpmx);
        } else {
            task = ls_next(&ls, L->f, gd, &stp);
        }
        if (task == LS_DONE) {
            *stp_out = stp;
            *gd_out = gd;
            *gdold_out = gdold;
            return LINE_OK;
        }
        if (task == LS_ERROR || ifun >= MAXLS)
            return LINE_FAILED;
        if (stp == 1.0)
            memcpy(x, L->z, n * sizeof *x);
        else
            for (size_t i = 0; i < n; i++)
                x[i] = stp * d[i] + L->xold[i];
        L->f = objective(prob, x, L->g);
        L->nfev++;
    }
}

/* Minimises from L->x (the start point) until one of scipy's stopping
 * rules holds; the result is in L->x. */
static int lbfgsb_run(lbfgsb *L, const problem *prob)
{
    size_t n = L->n;
    double tol = FACTR * DBL_EPSILON;
    for (size_t i = 0; i < n; i++)
        L->x[i] = fmax(L->x[i], 0.0);
    L->f = objective(prob, L->x, L->g);
    L->nfev = 1;
    L->iter = 0;
    L->sbgnrm = projected_gradient_norm(L);
    refresh(L);
    for (size_t i = 0; i < n; i++)
        L->synced[i] = 0;
    if (L->sbgnrm <= PGTOL)
        return SONO_OK;
    for (;;) {
        if (cauchy(L) != 0) {
            refresh(L);
            continue;
        }
        int rebuild = free_vars(L);
        if (L->nfree > 0 && L->col > 0) {
            if ((rebuild && formk(L) != 0) || reduced_gradient(L) != 0 ||
                subspace_min(L) != 0) {
                refresh(L);
                continue;
            }
        }
        for (size_t i = 0; i < n; i++)
            L->d[i] = L->z[i] - L->x[i];
        double dtd = dot(L->d, L->d, n), stp, gd, gdold;
        if (line_search(L, prob, dtd, &stp, &gd, &gdold) != LINE_OK) {
            memcpy(L->x, L->xold, n * sizeof *L->x);
            memcpy(L->g, L->gold, n * sizeof *L->g);
            L->f = L->fold;
            if (L->col == 0)
                return SONO_OK; /* scipy's ABNORMAL_TERMINATION_IN_LNSRCH */
            refresh(L);
            continue;
        }
        L->iter++;
        L->sbgnrm = projected_gradient_norm(L);
        if (L->iter >= MAXITER || L->nfev > MAXFUN)
            return SONO_OK;
        if (L->sbgnrm <= PGTOL)
            return SONO_OK;
        double scale = fmax(fmax(fabs(L->fold), fabs(L->f)), 1.0);
        if (L->fold - L->f <= tol * scale)
            return SONO_OK;
        /* The new pair: s = x - xold = stp d, y = g - gold. */
        for (size_t i = 0; i < n; i++)
            L->r[i] = L->g[i] - L->gold[i];
        double rr = dot(L->r, L->r, n), dr, ddum, ss_new = dtd;
        if (stp == 1.0) {
            dr = gd - gdold;
            ddum = -gdold;
        } else {
            dr = (gd - gdold) * stp;
            for (size_t i = 0; i < n; i++)
                L->d[i] *= stp;
            ddum = -gdold * stp;
            ss_new = stp * stp * dtd;
        }
        if (dr <= DBL_EPSILON * ddum)
            continue; /* too little curvature: skip the update */
        int status = add_pair(L, rr, dr, ss_new);
        if (status != SONO_OK)
            return status;
        if (formt(L) != 0)
            refresh(L);
    }
}

/* ------------------------------------------------------------------------ */

int sono__nnls(const float *A, size_t rows, size_t cols, const float *B,
               size_t frames, float *X)
{
    if (!A || !B || !X || rows == 0 || cols == 0)
        return SONO_ERR_INVALID;
    if (frames == 0)
        return SONO_OK;
    size_t block = sono__nnls_block(rows);
    size_t nc_max = frames < block ? frames : block, n_max, q;
    q = rows <= cols ? rows : cols;
    if (sono__mul_size(cols, nc_max, &n_max) != SONO_OK ||
        sono__mul_size(q, q, &(size_t){0}) != SONO_OK ||
        sono__mul_size(rows, nc_max, &(size_t){0}) != SONO_OK)
        return SONO_ERR_TOO_LARGE;
    problem p = {A, rows, cols, NULL, NULL, NULL, NULL, 0, NULL, NULL};
    lbfgsb L;
    int status = SONO_ERR_NOMEM;
    memset(&L, 0, sizeof L);
    p.first = sono__malloc_array(rows, sizeof(size_t));
    p.count = sono__malloc_array(rows, sizeof(size_t));
    p.pinv = sono__malloc_array2(q, q, sizeof(double));
    p.resid = sono__malloc_array2(rows, nc_max, sizeof(double));
    p.tmp = sono__malloc_array(rows > cols ? rows : cols, sizeof(double));
    if (!p.first || !p.count || !p.pinv || !p.resid || !p.tmp)
        goto done;
    for (size_t i = 0; i < rows; i++) {
        const float *a = A + i * cols;
        size_t lo = 0, hi = 0;
        while (lo < cols && a[lo] == 0.0f)
            lo++;
        for (size_t k = lo; k < cols; k++)
            if (a[k] != 0.0f)
                hi = k + 1;
        p.first[i] = lo < cols ? lo : 0;
        p.count[i] = lo < cols ? hi - lo : 0;
    }
    if ((status = make_pinv(&p)) != SONO_OK)
        goto done;
    if ((status = lbfgsb_init(&L, n_max, cols)) != SONO_OK)
        goto done;
    for (size_t t0 = 0; t0 < frames; t0 += block) {
        size_t nc = frames - t0 < block ? frames - t0 : block;
        p.B = B + t0 * rows;
        p.nc = nc;
        L.n = cols * nc;
        start_point(&p, L.x);
        if ((status = lbfgsb_run(&L, &p)) != SONO_OK)
            goto done;
        for (size_t t = 0; t < nc; t++)
            for (size_t k = 0; k < cols; k++)
                /* x + stp d can round to -1e-300 at a bound: 0 instead. */
                X[(t0 + t) * cols + k] = (float)fmax(L.x[k * nc + t], 0.0);
    }
    status = SONO_OK;
done:
    lbfgsb_free(&L);
    sono__free(p.first);
    sono__free(p.count);
    sono__free(p.pinv);
    sono__free(p.resid);
    sono__free(p.tmp);
    return status;
}
