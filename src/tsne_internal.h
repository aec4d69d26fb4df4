/* Private declarations shared by the t-SNE files: tsne.c (the optimisation),
 * tsne_knn.c (exact nearest neighbours), tsne_affinity.c (input
 * similarities) and tsne_repulsion.c (FFT-accelerated repulsive forces).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SONO_TSNE_INTERNAL_H
#define SONO_TSNE_INTERNAL_H

#include <stdint.h>

#include "internal.h"

/* The k nearest neighbours of every row of x (n x d, row-major) in squared
 * Euclidean distance, itself excluded: idx and dist hold n x k entries, each
 * row sorted by (distance, index).  Candidates are ranked by distances from
 * BLAS (|a|^2 + |b|^2 - 2 a.b, in blocks of rows) and the chosen ones are
 * recomputed exactly in double precision.  Results do not depend on
 * `threads`.  n and d at most SONO__LINALG_MAX.  SONO_OK or
 * SONO_ERR_NOMEM. */
int sono__tsne_knn(const float *x, size_t n, size_t d, size_t k, int threads,
                   uint32_t *idx, float *dist);

/* A sparse symmetric matrix in compressed rows. */
typedef struct sono__csr {
    size_t n;
    size_t *row;   /* n + 1 offsets */
    uint32_t *col; /* sorted within each row */
    double *val;
} sono__csr;
void sono__csr_free(sono__csr *m);

/* sklearn's joint probabilities from nearest neighbours: per row, the
 * Gaussian bandwidth whose conditional distribution over its k neighbours
 * has the given perplexity (sklearn's binary search, same tolerance and
 * steps), then P = (C + C^T) / sum.  dist holds squared distances. */
int sono__tsne_affinities(const uint32_t *idx, const float *dist, size_t n,
                          size_t k, double perplexity, int threads,
                          sono__csr *p);

/* Repulsive forces and the normalisation of t-SNE with the Cauchy kernel
 * K(a, b) = 1 / (1 + |a - b|^2), by FFT-accelerated interpolation (FIt-SNE,
 * Linderman et al. 2019): sums over all points are interpolated to an
 * equispaced grid, convolved there with the kernel by FFT and interpolated
 * back. */
typedef struct sono__tsne_rep sono__tsne_rep;
sono__tsne_rep *sono__tsne_rep_new(size_t n, int dims, int *err);
void sono__tsne_rep_free(sono__tsne_rep *r);
/* The grid, charges and convolutions for points y (n x dims); serial. */
int sono__tsne_rep_prepare(sono__tsne_rep *r, const double *y);
/* For point i after prepare: *sum_k = sum over all j (i included) of
 * K(y_i, y_j), and rep[0..dims) = sum over j of K^2 (y_i - y_j).  Reads
 * only, so points may be evaluated from several threads at once. */
void sono__tsne_rep_point(const sono__tsne_rep *r, size_t i, double *sum_k,
                          double *rep);

#endif
