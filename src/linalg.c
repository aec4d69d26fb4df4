/* Dense linear algebra through OpenBLAS and LAPACKE: the only file that
 * includes cblas.h and lapacke.h.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Column-major throughout (see linalg.h).  LAPACKE's *_work entry points are
 * used, never the ones that allocate with plain malloc: workspace sizes are
 * queried first (lwork = -1) and the workspace comes from sono__malloc.
 *
 * The two libraries are loaded on first use (dynload.c), not linked.  OpenBLAS
 * starts its worker threads when it is loaded, and they spin for about
 * 0.1 s of CPU waiting for work that, for every command but the SVD, PCA
 * and t-SNE ones, never comes: in a process that links it, that took a
 * core from sono's own threads (a fifth of PGHI's CPU time on 20 s of
 * audio) and 6 ms from every start. */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <string.h>

#include "internal.h"
#include "linalg.h"

/* The sonames of Debian's packages (libopenblas0-*, liblapacke); the build
 * may name others. */
#ifndef SONO_BLAS_LIBRARY
#define SONO_BLAS_LIBRARY "libopenblas.so.0"
#endif
#ifndef SONO_LAPACKE_LIBRARY
#define SONO_LAPACKE_LIBRARY "liblapacke.so.3"
#endif

/* The entry points used, with the headers' own prototypes. */
static struct {
    __typeof__(cblas_dgemm) *dgemm;
    __typeof__(cblas_sgemm) *sgemm;
    __typeof__(LAPACKE_dgesdd_work) *dgesdd;
    __typeof__(LAPACKE_dsyevd_work) *dsyevd;
    __typeof__(LAPACKE_dgeqrf_work) *dgeqrf;
    __typeof__(LAPACKE_dorgqr_work) *dorgqr;
} lib;

static const sono__dynsym blas_syms[] = {
    {"cblas_dgemm", &lib.dgemm}, {"cblas_sgemm", &lib.sgemm}};
static const sono__dynsym lapacke_syms[] = {
    {"LAPACKE_dgesdd_work", &lib.dgesdd}, {"LAPACKE_dsyevd_work", &lib.dsyevd},
    {"LAPACKE_dgeqrf_work", &lib.dgeqrf}, {"LAPACKE_dorgqr_work", &lib.dorgqr}};
static sono__dynlib blas = SONO__DYNLIB(SONO_BLAS_LIBRARY, blas_syms);
static sono__dynlib lapacke = SONO__DYNLIB(SONO_LAPACKE_LIBRARY, lapacke_syms);

int sono__linalg_load(void)
{
    int a = sono__dynload(&blas);
    int b = sono__dynload(&lapacke);
    return a != SONO_OK ? a : b;
}

_Static_assert(sizeof(lapack_int) == sizeof(int),
               "linalg.c assumes LAPACK with 32-bit integers (not ILP64)");
_Static_assert(sizeof(blasint) == sizeof(int),
               "linalg.c assumes BLAS with 32-bit integers (not ILP64)");

/* ---- helpers ------------------------------------------------------------ */

/* LAPACK's info: 0 is success; below 0 an argument it refused (our bug, or
 * a size it cannot take), above 0 an iteration that did not converge. */
static int status_of(lapack_int info)
{
    return info == 0 ? SONO_OK : SONO_ERR_INVALID;
}

/* A workspace size as LAPACK reports it (a double) into a count of
 * elements; SONO_ERR_TOO_LARGE when it does not fit LAPACK's int. */
static int work_size(double query, lapack_int *out)
{
    double n = ceil(query);
    if (!(n <= (double)INT_MAX))
        return SONO_ERR_TOO_LARGE;
    *out = n < 1 ? 1 : (lapack_int)n;
    return SONO_OK;
}

static int fits(size_t n)
{
    return n <= SONO__LINALG_MAX;
}

/* ---- BLAS ---------------------------------------------------------------- */

static enum CBLAS_TRANSPOSE trans(int t)
{
    return t ? CblasTrans : CblasNoTrans;
}

void sono__dgemm(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                 double alpha, const double *a, size_t lda, const double *b,
                 size_t ldb, double beta, double *c, size_t ldc)
{
    lib.dgemm(CblasColMajor, trans(trans_a), trans(trans_b), (blasint)m,
                (blasint)n, (blasint)k, alpha, a, (blasint)lda, b,
                (blasint)ldb, beta, c, (blasint)ldc);
}

void sono__sgemm(int trans_a, int trans_b, size_t m, size_t n, size_t k,
                 float alpha, const float *a, size_t lda, const float *b,
                 size_t ldb, float beta, float *c, size_t ldc)
{
    lib.sgemm(CblasColMajor, trans(trans_a), trans(trans_b), (blasint)m,
                (blasint)n, (blasint)k, alpha, a, (blasint)lda, b,
                (blasint)ldb, beta, c, (blasint)ldc);
}

/* ---- SVD ----------------------------------------------------------------- */

int sono__dgesdd(size_t m, size_t n, double *a, size_t lda, double *s,
                 double *u, size_t ldu, double *vt, size_t ldvt)
{
    if (sono__linalg_load() != SONO_OK)
        return SONO_ERR_LIBRARY;
    if (!fits(m) || !fits(n) || !fits(lda) || !fits(ldu) || !fits(ldvt))
        return SONO_ERR_TOO_LARGE;
    size_t mn = m < n ? m : n;
    /* 'S': the min(m, n) leading vectors on each side; 'N': values only
     * (LAPACK still wants leading dimensions of at least 1 then). */
    char jobz = u && vt ? 'S' : 'N';
    if (jobz == 'N')
        ldu = ldvt = 1;
    lapack_int *iwork = sono__malloc_array2(8, mn ? mn : 1, sizeof *iwork);
    if (!iwork)
        return SONO_ERR_NOMEM;
    double query = 0;
    lapack_int lwork, info;
    info = lib.dgesdd(LAPACK_COL_MAJOR, jobz, (lapack_int)m,
                               (lapack_int)n, a, (lapack_int)lda, s, u,
                               (lapack_int)ldu, vt, (lapack_int)ldvt, &query,
                               -1, iwork);
    int err = info != 0 ? status_of(info) : work_size(query, &lwork);
    double *work = err == SONO_OK ? sono__malloc_array((size_t)lwork, sizeof *work)
                                  : NULL;
    if (err == SONO_OK && !work)
        err = SONO_ERR_NOMEM;
    if (err == SONO_OK)
        err = status_of(lib.dgesdd(
            LAPACK_COL_MAJOR, jobz, (lapack_int)m, (lapack_int)n, a,
            (lapack_int)lda, s, u, (lapack_int)ldu, vt, (lapack_int)ldvt, work,
            lwork, iwork));
    sono__free(work);
    sono__free(iwork);
    return err;
}

/* ---- symmetric eigenproblem ---------------------------------------------- */

int sono__dsyevd(size_t n, double *a, size_t lda, double *w, int vectors)
{
    if (sono__linalg_load() != SONO_OK)
        return SONO_ERR_LIBRARY;
    if (!fits(n) || !fits(lda))
        return SONO_ERR_TOO_LARGE;
    char jobz = vectors ? 'V' : 'N';
    double query = 0;
    lapack_int iquery = 0, lwork, liwork;
    lapack_int info = lib.dsyevd(LAPACK_COL_MAJOR, jobz, 'L',
                                          (lapack_int)n, a, (lapack_int)lda, w,
                                          &query, -1, &iquery, -1);
    int err = info != 0 ? status_of(info) : work_size(query, &lwork);
    if (err == SONO_OK)
        err = work_size((double)iquery, &liwork);
    double *work = NULL;
    lapack_int *iwork = NULL;
    if (err == SONO_OK) {
        work = sono__malloc_array((size_t)lwork, sizeof *work);
        iwork = sono__malloc_array((size_t)liwork, sizeof *iwork);
        if (!work || !iwork)
            err = SONO_ERR_NOMEM;
    }
    if (err == SONO_OK)
        err = status_of(lib.dsyevd(LAPACK_COL_MAJOR, jobz, 'L',
                                            (lapack_int)n, a, (lapack_int)lda,
                                            w, work, lwork, iwork, liwork));
    sono__free(work);
    sono__free(iwork);
    return err;
}

/* ---- QR ------------------------------------------------------------------ */

int sono__dqr(size_t m, size_t n, double *a, size_t lda, double *r)
{
    if (sono__linalg_load() != SONO_OK)
        return SONO_ERR_LIBRARY;
    if (!fits(m) || !fits(n) || !fits(lda))
        return SONO_ERR_TOO_LARGE;
    if (n > m)
        return SONO_ERR_INVALID;
    lapack_int M = (lapack_int)m, N = (lapack_int)n, LDA = (lapack_int)lda;
    double q1 = 0, q2 = 0;
    double *tau = sono__malloc_array(n ? n : 1, sizeof *tau);
    if (!tau)
        return SONO_ERR_NOMEM;
    lapack_int info = lib.dgeqrf(LAPACK_COL_MAJOR, M, N, a, LDA, tau, &q1, -1);
    if (info == 0)
        info = lib.dorgqr(LAPACK_COL_MAJOR, M, N, N, a, LDA, tau, &q2, -1);
    lapack_int lwork;
    int err = info != 0 ? status_of(info) : work_size(q1 > q2 ? q1 : q2, &lwork);
    double *work = err == SONO_OK ? sono__malloc_array((size_t)lwork, sizeof *work)
                                  : NULL;
    if (err == SONO_OK && !work)
        err = SONO_ERR_NOMEM;
    if (err == SONO_OK)
        err = status_of(lib.dgeqrf(LAPACK_COL_MAJOR, M, N, a, LDA, tau,
                                            work, lwork));
    if (err == SONO_OK && r) {
        /* R is the upper triangle that dgeqrf leaves above the reflectors. */
        for (size_t j = 0; j < n; j++) {
            memcpy(r + j * n, a + j * lda, (j + 1) * sizeof *r);
            memset(r + j * n + j + 1, 0, (n - j - 1) * sizeof *r);
        }
    }
    if (err == SONO_OK)
        err = status_of(lib.dorgqr(LAPACK_COL_MAJOR, M, N, N, a, LDA,
                                            tau, work, lwork));
    sono__free(work);
    sono__free(tau);
    return err;
}
