/* Runs sono_low_rank on a 2-D float32 .npy, for the comparison with numpy's
 * SVD in reference/check_svd.py.
 *
 * usage: low_rank_dump IN.npy RANK SEED OUT.npy
 *
 * Writes the approximation (same shape) to OUT.npy and prints one line,
 * "method M sigma S1 S2 ...", M being copy, exact or randomized (the path
 * sono_low_rank takes) and S the singular values it returns.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>

#include "../src/linalg.h"
#include "sono.h"

int main(int argc, char **argv)
{
    static const char *const methods[] = {"copy", "exact", "randomized"};
    if (argc != 5) {
        fprintf(stderr, "usage: low_rank_dump IN.npy RANK SEED OUT.npy\n");
        return 2;
    }
    sono_npy_array a;
    int err = sono_npy_load(argv[1], &a);
    if (err != SONO_OK || a.ndim != 2 || a.dtype != SONO_DTYPE_F32) {
        fprintf(stderr, "low_rank_dump: %s: %s\n", argv[1],
                err != SONO_OK ? sono_strerror(err) : "not a 2-D float32 array");
        return 1;
    }
    size_t rows = a.shape[0], cols = a.shape[1];
    size_t rank = strtoul(argv[2], NULL, 10), mn = rows < cols ? rows : cols;
    uint64_t seed = strtoull(argv[3], NULL, 10);
    size_t ns = rank < mn ? rank : mn;
    double *sigma = malloc((ns ? ns : 1) * sizeof *sigma);
    /* In place: the array is written back as the result. */
    err = sono_low_rank(a.data, rows, cols, rank, seed, a.data, sigma);
    if (err == SONO_OK)
        err = sono_npy_save(argv[4], &a);
    if (err != SONO_OK) {
        fprintf(stderr, "low_rank_dump: %s\n", sono_strerror(err));
        free(sigma);
        sono_npy_free(&a);
        return 1;
    }
    printf("method %s sigma", methods[sono__low_rank_method(rows, cols, rank)]);
    for (size_t i = 0; i < ns; i++)
        printf(" %.17g", sigma[i]);
    printf("\n");
    free(sigma);
    sono_npy_free(&a);
    return 0;
}
