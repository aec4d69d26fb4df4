/* Dense linear algebra: thin wrappers over BLAS and LAPACK (linalg.c).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * linalg.c is the only file that includes cblas.h or lapacke.h, as fft.c is
 * the only one that includes fftw3.h.  Everything here is column-major, as
 * LAPACK is: element (i, j) of an m x n matrix with leading dimension ld is
 * a[i + j * ld].  A row-major rows x cols matrix is therefore the
 * column-major cols x rows matrix of its transpose, with no copy.
 *
 * Dimensions and leading dimensions are at most SONO__LINALG_MAX (the
 * libraries take 32-bit ints); callers check.  Workspace comes from
 * sono__malloc, so allocation failures are reported, not fatal.  OpenBLAS
 * runs large products on its own threads; for a given thread count its
 * results do not depend on timing, so a computation repeats bit for bit. */
#ifndef SONO_LINALG_H
#define SONO_LINALG_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "sono.h"

#define SONO__LINALG_MAX ((size_t)INT_MAX)

/* Loads BLAS and LAPACKE (once per process, thread-safe): SONO_OK, or
 * SONO_ERR_IO when a library or one of its entry points cannot be found.
 * The LAPACK wrappers call it themselves; the BLAS ones do not (they return
 * nothing), so every public function that reaches them calls it first. */
int sono__linalg_load(void);

/* ---- BLAS ------------------------------------------------------------- */

/* C = alpha * op(A) * op(B) + beta * C, where op(X) is X, or its transpose
 * when trans_x is non-zero; op(A) is m x k, op(B) k x n, C m x n. */
void sono__dgemm(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                 double alpha, const double *a, size_t lda, const double *b,
                 size_t ldb, double beta, double *c, size_t ldc);
void sono__sgemm(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                 float alpha, const float *a, size_t lda, const float *b,
                 size_t ldb, float beta, float *c, size_t ldc);

/* ---- LAPACK ----------------------------------------------------------- */
/* Each returns SONO_OK, SONO_ERR_NOMEM (workspace), SONO_ERR_TOO_LARGE (a
 * dimension or the workspace beyond SONO__LINALG_MAX) or SONO_ERR_INVALID
 * (LAPACK refused an argument, or its iteration did not converge, which
 * does not happen for finite input in practice). */

/* The singular values of the m x n matrix a in s (min(m, n) values, largest
 * first), by divide and conquer (dgesdd).  a is destroyed.  With vectors
 * (u and vt not NULL): the first min(m, n) left singular vectors in the
 * columns of u (m x min(m, n)) and right ones in the rows of vt
 * (min(m, n) x n), so that a = u diag(s) vt. */
int sono__dgesdd(size_t m, size_t n, double *a, size_t lda, double *s,
                 double *u, size_t ldu, double *vt, size_t ldvt);

/* The eigenvalues of the symmetric n x n matrix a (its lower triangle is
 * read) in ascending order in w, by divide and conquer (dsyevd); with
 * vectors non-zero, a is overwritten by the orthonormal eigenvectors (one
 * per column, in the order of w), otherwise destroyed. */
int sono__dsyevd(size_t n, double *a, size_t lda, double *w, int vectors);

/* Thin QR of the m x n matrix a, m >= n: a is overwritten by Q (orthonormal
 * columns) and, when r is not NULL, the n x n upper triangular R is stored
 * in r (leading dimension n, zeros below the diagonal), so that a = Q R. */
int sono__dqr(size_t m, size_t n, double *a, size_t lda, double *r);

/* ---- Low-rank approximation (svd.c), exposed for the tests ---------------- */

/* The path sono_low_rank takes for these sizes. */
enum {
    SONO__LOW_RANK_COPY = 0,   /* rank >= min(rows, cols): the input itself */
    SONO__LOW_RANK_EXACT,      /* the full SVD */
    SONO__LOW_RANK_RANDOMIZED  /* the randomized range finder */
};
int sono__low_rank_method(size_t rows, size_t cols, size_t rank);

/* The two paths on validated arguments (finite input, 1 <= rank <
 * min(rows, cols), sizes within the limits); in and out as sono_low_rank,
 * sigma receives rank values (may be NULL).  The randomized one stores the
 * number of power iterations it made in *iterations (may be NULL), or -1
 * when they did not converge and it fell back to the exact path. */
int sono__low_rank_exact(const float *in, size_t rows, size_t cols,
                         size_t rank, float *out, double *sigma);
int sono__low_rank_randomized(const float *in, size_t rows, size_t cols,
                              size_t rank, uint64_t seed, float *out,
                              double *sigma, int *iterations);

#endif
