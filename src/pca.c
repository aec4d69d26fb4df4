/* Principal component analysis as scikit-learn's PCA(n_components=k)
 * .fit_transform: coordinates on the k leading principal axes.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sklearn takes the SVD of the centred data, Xc = U S V^T, and returns U S
 * with each column's sign set by svd_flip (its largest-magnitude entry
 * positive).  The same numbers come from a symmetric eigenproblem on the
 * smaller of the two Gram matrices, in double precision:
 *   - d <= n: C = Xc^T Xc (d x d), eigenvectors V, coordinates Xc V;
 *   - d > n:  G = Xc Xc^T (n x n), eigenvectors U, coordinates U sqrt(l).
 * A frames x 128 matrix thus costs one product to form C (BLAS) and a
 * 128 x 128 eigenproblem (LAPACK's dsyevd).
 * Squaring the data squares its condition number, which double precision
 * affords for data that arrives as float32 (sklearn itself works in float32
 * on float32 input). */
#include <math.h>

#include "internal.h"
#include "linalg.h"

/* svd_flip with u_based_decision: the entry of largest magnitude (the first
 * of equals) of each column positive. */
static void flip_signs(double *c, size_t n, size_t k)
{
    for (size_t j = 0; j < k; j++) {
        size_t at = 0;
        for (size_t i = 1; i < n; i++)
            if (fabs(c[i * k + j]) > fabs(c[at * k + j]))
                at = i;
        if (c[at * k + j] < 0)
            for (size_t i = 0; i < n; i++)
                c[i * k + j] = -c[i * k + j];
    }
}

int sono_pca(const float *x, size_t n, size_t d, size_t k, float *coords,
             double *explained)
{
    size_t nd;
    if (!x || !coords || n < 2 || d < 1 || k < 1 || k > d || k > n)
        return SONO_ERR_INVALID;
    if (sono__mul_size(n, d, &nd) || n > SONO__LINALG_MAX || d > SONO__LINALG_MAX)
        return SONO_ERR_TOO_LARGE;
    if (sono_check_finite(x, nd, NULL) != SONO_OK)
        return SONO_ERR_NONFINITE;
    if (sono__linalg_load() != SONO_OK)
        return SONO_ERR_LIBRARY;
    size_t g = d <= n ? d : n;
    double *xc = sono__malloc_array(nd, sizeof *xc);
    double *mean = sono__calloc(d, sizeof *mean);
    double *gram = sono__malloc_array2(g, g, sizeof *gram);
    double *val = sono__malloc_array(g, sizeof *val);
    double *top = sono__malloc_array(k, sizeof *top);
    double *out = sono__malloc_array2(n, k, sizeof *out);
    int status = SONO_ERR_NOMEM;
    if (!xc || !mean || !gram || !val || !top || !out)
        goto done;
    for (size_t i = 0; i < n; i++)
        for (size_t t = 0; t < d; t++)
            mean[t] += x[i * d + t];
    for (size_t t = 0; t < d; t++)
        mean[t] /= (double)n;
    for (size_t i = 0; i < n; i++)
        for (size_t t = 0; t < d; t++)
            xc[i * d + t] = (double)x[i * d + t] - mean[t];
    /* Row-major Xc (n x d) is the column-major d x n matrix A = Xc^T, so
     * Xc^T Xc = A A^T and Xc Xc^T = A^T A. */
    if (d <= n)
        sono__dgemm(0, 1, d, d, n, 1.0, xc, d, xc, d, 0.0, gram, d);
    else
        sono__dgemm(1, 0, n, n, d, 1.0, xc, d, xc, d, 0.0, gram, n);
    /* Eigenvalues ascending, eigenvector j in column j (gram + j g). */
    if ((status = sono__dsyevd(g, gram, g, val, 1)) != SONO_OK)
        goto done;
    for (size_t j = 0; j < k; j++) {
        const double *v = gram + (g - 1 - j) * g;
        double l = val[g - 1 - j] > 0 ? val[g - 1 - j] : 0; /* rounding below 0 */
        top[j] = l;
        if (d <= n) {
            for (size_t i = 0; i < n; i++) {
                double s = 0;
                for (size_t t = 0; t < d; t++)
                    s += xc[i * d + t] * v[t];
                out[i * k + j] = s;
            }
        } else {
            for (size_t i = 0; i < n; i++)
                out[i * k + j] = v[i] * sqrt(l);
        }
    }
    flip_signs(out, n, k);
    for (size_t i = 0; i < n * k; i++)
        coords[i] = (float)out[i];
    if (explained)
        for (size_t j = 0; j < k; j++)
            explained[j] = top[j] / (double)(n - 1);
    status = SONO_OK;
done:
    sono__free(xc);
    sono__free(mean);
    sono__free(gram);
    sono__free(val);
    sono__free(top);
    sono__free(out);
    return status;
}
