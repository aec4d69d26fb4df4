/* The near field of 2-D t-SNE's repulsion: exact sums between points in
 * touching boxes of the interpolation grid (tsne_repulsion.c).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Interpolation is least accurate between close points, where the kernels
 * bend most (measured: P = 4, W = 1 alone leaves the KL divergence of a 2-D
 * embedding of 2,000 frames 8 % above that of exact forces).  So, as in
 * particle-particle particle-mesh methods, the pairs whose boxes touch
 * (the 3 x 3 boxes around a point's) are summed exactly, and what the grid
 * gave for exactly those pairs is taken out of its result: the grid's
 * kernel between the nodes of two boxes depends only on their offset, so
 * nine P^2 x P^2 blocks, applied to the charges of the neighbouring boxes,
 * give it for every box. */
#include <string.h>

#include "tsne_grid.h"

/* Points sorted by box (counting sort, in point order within a box). */
int sono__tsne_near_sort(sono__tsne_rep *r, size_t boxes)
{
    size_t cells = boxes * boxes;
    if (cells + 1 > r->cells_cap) {
        size_t *c = sono__realloc(r->cell_start, (cells + 1) * sizeof *c);
        if (!c)
            return SONO_ERR_NOMEM;
        r->cell_start = c;
        r->cells_cap = cells + 1;
    }
    size_t *start = r->cell_start;
    r->boxes = boxes;
    memset(start, 0, (cells + 1) * sizeof *start);
    for (size_t i = 0; i < r->n; i++)
        start[r->box[2 * i] * boxes + r->box[2 * i + 1] + 1]++;
    for (size_t c = 0; c < cells; c++)
        start[c + 1] += start[c];
    for (size_t i = 0; i < r->n; i++)
        r->cell_pts[start[r->box[2 * i] * boxes + r->box[2 * i + 1]]++] = i;
    for (size_t c = cells; c > 0; c--)
        start[c] = start[c - 1];
    start[0] = 0;
    for (size_t t = 0; t < r->n; t++) {
        r->cell_y[2 * t] = r->y[2 * r->cell_pts[t]];
        r->cell_y[2 * t + 1] = r->y[2 * r->cell_pts[t] + 1];
    }
    return SONO_OK;
}

/* near[((q * 9 + d) * p^2 + a) * p^2 + b]: kernel q from node b of the
 * neighbour at offset d (d = (d0 + 1) * 3 + d1 + 1) to node a of a box. */
static void near_blocks(sono__tsne_rep *r)
{
    int p = r->lay.p;
    size_t pp = (size_t)(p * p);
    double dn = r->h / p;
    for (int q = 0; q < 3; q++)
        for (int d = 0; d < 9; d++)
            for (int a = 0; a < p * p; a++)
                for (int b = 0; b < p * p; b++) {
                    int o0 = a / p - b / p - (d / 3 - 1) * p;
                    int o1 = a % p - b % p - (d % 3 - 1) * p;
                    r->near[(((size_t)q * 9 + (size_t)d) * pp + (size_t)a) * pp + (size_t)b] =
                        sono__tsne_kernel(q, o0 * dn, o1 * dn);
                }
    r->near_h = r->h;
}

static int cell_empty(const sono__tsne_rep *r, size_t c0, size_t c1)
{
    size_t c = c0 * r->boxes + c1;
    return r->cell_start[c] == r->cell_start[c + 1];
}

/* Takes the grid's near-pair part out of the potentials at the nodes of
 * every box that holds points (the only nodes read back). */
void sono__tsne_near_subtract(sono__tsne_rep *r)
{
    size_t p = (size_t)r->lay.p, pp = p * p, m = r->m, boxes = r->boxes;
    size_t nodes = sono__tsne_nodes(r);
    if (r->near_h != r->h)
        near_blocks(r);
    for (size_t c0 = 0; c0 < boxes; c0++) {
        for (size_t c1 = 0; c1 < boxes; c1++) {
            if (cell_empty(r, c0, c1))
                continue;
            double acc[3][SONO__TSNE_MAX_P * SONO__TSNE_MAX_P] = {{0}};
            for (int d = 0; d < 9; d++) {
                size_t b0 = c0 + (size_t)(d / 3) - 1, b1 = c1 + (size_t)(d % 3) - 1;
                if (b0 >= boxes || b1 >= boxes || cell_empty(r, b0, b1))
                    continue; /* (size_t)-1 is out of range too */
                double ch[SONO__TSNE_MAX_P * SONO__TSNE_MAX_P];
                for (size_t b = 0; b < pp; b++)
                    ch[b] = r->charge[(b0 * p + b / p) * m + b1 * p + b % p];
                for (int q = 0; q < 3; q++) {
                    const double *blk = r->near + ((size_t)q * 9 + (size_t)d) * pp * pp;
                    for (size_t a = 0; a < pp; a++) {
                        double v = 0;
                        for (size_t b = 0; b < pp; b++)
                            v += blk[a * pp + b] * ch[b];
                        acc[q][a] += v;
                    }
                }
            }
            for (int q = 0; q < 3; q++)
                for (size_t a = 0; a < pp; a++)
                    r->pot[(size_t)q * nodes + (c0 * p + a / p) * m + c1 * p + a % p] -=
                        acc[q][a];
        }
    }
}

/* The exact sums over the points of the 3 x 3 boxes around point i's: the
 * boxes' points are contiguous in cell_y, and two partial sums of each
 * kind, added in a fixed order, let the divisions overlap. */
void sono__tsne_near_exact(const sono__tsne_rep *r, size_t i, double *s, double *f0,
                       double *f1)
{
    const double *cy = r->cell_y;
    double x0 = r->y[2 * i], x1 = r->y[2 * i + 1];
    double a[2] = {0, 0}, b[2] = {0, 0}, c[2] = {0, 0};
    size_t c0 = r->box[2 * i], c1 = r->box[2 * i + 1], boxes = r->boxes;
    for (size_t b0 = c0 - 1; b0 != c0 + 2; b0++) {
        if (b0 >= boxes)
            continue; /* (size_t)-1 too */
        size_t lo = c1 > 0 ? c1 - 1 : 0, hi = c1 + 1 < boxes ? c1 + 1 : boxes - 1;
        /* The three boxes of a row are neighbours in cell order. */
        size_t t = r->cell_start[b0 * boxes + lo], end = r->cell_start[b0 * boxes + hi + 1];
        for (; t + 2 <= end; t += 2)
            for (int u = 0; u < 2; u++) {
                double t0 = x0 - cy[2 * (t + (size_t)u)], t1 = x1 - cy[2 * (t + (size_t)u) + 1];
                double k = 1.0 / (1.0 + t0 * t0 + t1 * t1), kk = k * k;
                a[u] += k;
                b[u] += kk * t0;
                c[u] += kk * t1;
            }
        if (t < end) {
            double t0 = x0 - cy[2 * t], t1 = x1 - cy[2 * t + 1];
            double k = 1.0 / (1.0 + t0 * t0 + t1 * t1), kk = k * k;
            a[0] += k;
            b[0] += kk * t0;
            c[0] += kk * t1;
        }
    }
    *s += a[0] + a[1];
    *f0 += b[0] + b[1];
    *f1 += c[0] + c[1];
}

