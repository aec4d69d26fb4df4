/* The state of tsne_repulsion.c's interpolation grid, shared with
 * tsne_near.c (the exact near field of 2-D embeddings).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SONO_TSNE_GRID_H
#define SONO_TSNE_GRID_H

#include "tsne_internal.h"

#define SONO__TSNE_MAX_P 5

typedef struct sono__tsne_layout {
    int p;            /* nodes per box side */
    double width;     /* 1-D: box width W */
    size_t max_nodes; /* 1-D: most nodes; beyond them the boxes widen */
    size_t direct;    /* exact sums up to this many points */
} sono__tsne_layout;

struct sono__tsne_rep {
    size_t n;
    int dims;
    sono__tsne_layout lay;
    const double *y;   /* the points of the last prepare */
    double lo[2], h;   /* grid origin per axis, box width */
    size_t m, len;     /* nodes and FFT length per side */
    double kernel_h;   /* the box width the kernel spectra were made for */
    size_t *box;       /* n x dims */
    double *w;         /* n x dims x p */
    double *charge;    /* m^dims */
    double *pot;       /* (1 + dims) x m^dims: K, then K^2 t per axis */
    double *kspec;     /* (1 + dims) spectra of the kernels */
    double *cspec;     /* the charges' spectrum */
    size_t spec;       /* complex values in a spectrum */
    sono__fftd *fft;
    double denom[SONO__TSNE_MAX_P]; /* Lagrange denominators */
    /* 2-D near field: points sorted by box, and the grid's kernel between
     * the nodes of a box and those of each of its 9 neighbours. */
    size_t side;         /* most boxes a side */
    size_t boxes;        /* per side, this iteration */
    size_t *cell_start;  /* boxes^2 + 1 */
    size_t *cell_pts;    /* n point indices, by box */
    double *cell_y;      /* their coordinates, in that order */
    size_t cells_cap;
    double *near;        /* (1 + dims) x 9 x p^2 x p^2 */
    double near_h;
};

/* Kernel q at offset (t0, t1): q = 0 is K, q = 1 + a is K^2 t_a. */
static inline double sono__tsne_kernel(int q, double t0, double t1)
{
    double k = 1.0 / (1.0 + t0 * t0 + t1 * t1);
    return q == 0 ? k : k * k * (q == 1 ? t0 : t1);
}

/* Nodes on the grid: m, or m^2. */
static inline size_t sono__tsne_nodes(const sono__tsne_rep *r)
{
    return r->dims == 1 ? r->m : r->m * r->m;
}

/* tsne_near.c: the points sorted by box (boxes a side); the grid's part
 * for pairs in touching boxes taken out of its potentials; the exact sums
 * over those pairs for point i, added to *s, *f0 and *f1. */
int sono__tsne_near_sort(sono__tsne_rep *r, size_t boxes);
void sono__tsne_near_subtract(sono__tsne_rep *r);
void sono__tsne_near_exact(const sono__tsne_rep *r, size_t i, double *s,
                           double *f0, double *f1);

#endif
