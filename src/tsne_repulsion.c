/* t-SNE's repulsive forces by FFT-accelerated interpolation (FIt-SNE,
 * Linderman, Rachh, Hoskins, Steinerberger, Kluger 2019).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The repulsion needs, for every point, sums over all points of smooth
 * kernels of the difference: sum_j K(y_i - y_j) (for the normalisation Z)
 * and sum_j K^2 (y_i - y_j) (the force), with K(t) = 1 / (1 + |t|^2).  Space
 * is cut into boxes of a fixed width W with P nodes per side at (k + 1/2) /
 * P of the box, so that all nodes form one equispaced grid.  Each point
 * spreads a unit charge over the P^dims nodes of its box with Lagrange
 * interpolation weights; the sums at the nodes are a Toeplitz product, done
 * as a circular convolution of twice the size by FFT; each point reads the
 * sums back with the same weights.  O(n P^dims + M log M) for M grid nodes,
 * against O(n^2) directly.
 *
 * Choices, and why (errors measured against exact sums over 3000 points
 * spread over 1 to 2000 units, and as the KL divergence of embeddings of
 * 2,000 and 10,000 mel frames against those of exact forces):
 *   - The force is the convolution with the odd kernel K^2(t) t itself.
 *     FIt-SNE interpolates sum_j K^2 and sum_j K^2 y_j and takes y_i times
 *     the first minus the second, which loses digits in proportion to |y_i|
 *     (hundreds in a 1-D embedding of thousands of points).  One charge
 *     vector (ones) then serves every kernel.
 *   - The interpolation's error is absolute and largest between close
 *     points, where the kernels bend most: FIt-SNE's P = 3 nodes per box of
 *     width 1 leaves 6-8 % RMS error in the force, and 2-D embeddings 8-14 %
 *     above the KL divergence of exact forces.
 *   - 1-D: boxes of width 1/4 with P = 5 (1e-5 error), halved while fewer
 *     than 8 boxes span the points; the grid is cheap in one dimension and
 *     grows with the spread.
 *   - 2-D: the grid's cost grows with the square of its density, so the
 *     near field is exact instead (below), boxes are as wide as needed to
 *     stay about sqrt(n) / 3 a side, and P = 4 (1e-4 to 1e-3 error, KL
 *     within 0.1 % of exact forces' on 10,000 frames).
 *   - Box widths change in powers of two and the grid only grows (1-D, by
 *     a quarter at a time, to sizes whose prime factors are at most 7) or
 *     keeps one size (2-D), so the kernels' spectra are computed a few
 *     dozen times per run: an iteration costs one forward and 1 + dims
 *     inverse FFTs.
 *   - Below 128 points (512 in 2-D) the exact O(n^2) sums are cheaper than
 *     the grid, and are used.
 * Everything here is serial except the per-point reads, which the caller's
 * threads make through sono__tsne_rep_point. */
#include <math.h>
#include <string.h>

#include "tsne_grid.h"

#define MIN_BOXES 8

static const sono__tsne_layout layouts[2] = {
    {5, 0.25, (size_t)1 << 20, 128},
    {4, 0, 0, 512},
};

sono__tsne_rep *sono__tsne_rep_new(size_t n, int dims, int *err)
{
    sono__tsne_rep *r = sono__calloc(1, sizeof *r);
    if (r) {
        r->n = n;
        r->dims = dims;
        r->lay = layouts[dims - 1];
        int p = r->lay.p;
        double side = ceil(sqrt((double)n) / 3);
        r->side = side < 8 ? 8 : side > 128 ? 128 : (size_t)side;
        r->box = sono__malloc_array2(n, (size_t)dims, sizeof *r->box);
        r->w = sono__malloc_array2(n, (size_t)(dims * p), sizeof *r->w);
        if (dims == 2) {
            size_t pp = (size_t)(p * p);
            r->cell_pts = sono__malloc_array(n, sizeof *r->cell_pts);
            r->cell_y = sono__malloc_array2(n, 2, sizeof *r->cell_y);
            r->near = sono__malloc_array2(3 * 9 * pp, pp, sizeof *r->near);
        }
        for (int k = 0; k < p; k++) {
            r->denom[k] = 1;
            for (int l = 0; l < p; l++)
                if (l != k)
                    r->denom[k] *= (double)(k - l) / p;
        }
    }
    if (!r || !r->box || !r->w || (dims == 2 && (!r->cell_pts || !r->cell_y || !r->near))) {
        sono__tsne_rep_free(r);
        if (err)
            *err = SONO_ERR_NOMEM;
        return NULL;
    }
    return r;
}

static void free_grid(sono__tsne_rep *r)
{
    sono__fftd_free(r->fft);
    sono__free(r->charge);
    sono__free(r->pot);
    sono__free(r->kspec);
    sono__free(r->cspec);
    r->fft = NULL;
    r->charge = r->pot = r->kspec = r->cspec = NULL;
    r->m = r->len = 0;
}

void sono__tsne_rep_free(sono__tsne_rep *r)
{
    if (!r)
        return;
    free_grid(r);
    sono__free(r->box);
    sono__free(r->w);
    sono__free(r->cell_start);
    sono__free(r->cell_pts);
    sono__free(r->cell_y);
    sono__free(r->near);
    sono__free(r);
}

/* The smallest n' >= n with no prime factor above 7: FFTW's fast sizes. */
static size_t smooth(size_t n)
{
    static const size_t primes[] = {2, 3, 5, 7};
    for (;; n++) {
        size_t v = n;
        for (int i = 0; i < 4; i++)
            while (v % primes[i] == 0)
                v /= primes[i];
        if (v == 1)
            return n;
    }
}

static int make_grid(sono__tsne_rep *r, size_t m)
{
    free_grid(r);
    int err = SONO_ERR_NOMEM;
    size_t len = 2 * m, q = (size_t)r->dims + 1;
    r->m = m;
    r->len = len;
    r->spec = r->dims == 1 ? len / 2 + 1 : len * (len / 2 + 1);
    r->fft = sono__fftd_new(r->dims == 1 ? 1 : len, len, &err);
    r->charge = sono__malloc_array(sono__tsne_nodes(r), sizeof *r->charge);
    r->pot = sono__malloc_array2(sono__tsne_nodes(r), q, sizeof *r->pot);
    r->kspec = sono__malloc_array2(r->spec, 2 * q, sizeof *r->kspec);
    r->cspec = sono__malloc_array2(r->spec, 2, sizeof *r->cspec);
    r->kernel_h = 0;
    if (!r->fft || !r->charge || !r->pot || !r->kspec || !r->cspec) {
        free_grid(r);
        return err;
    }
    return SONO_OK;
}

/* Lagrange weights of the p nodes at (k + 1/2) / p for t in [0, 1]. */
static void weights(const sono__tsne_rep *r, double t, double *w)
{
    int p = r->lay.p;
    for (int k = 0; k < p; k++) {
        double v = 1;
        for (int l = 0; l < p; l++)
            if (l != k)
                v *= t - (l + 0.5) / p;
        w[k] = v / r->denom[k];
    }
}

/* Index i of a circular sequence of length len as a node offset: i for
 * i < m, i - len above; the middle entry (m) is never an offset between
 * two of the m nodes, and is set to 0 by the caller. */
static double offset(const sono__tsne_rep *r, size_t i)
{
    double d = r->h / r->lay.p;
    return i < r->m ? (double)i * d : -(double)(r->len - i) * d;
}

/* The spectra of the kernels' circulant embeddings, for the current box
 * width and grid. */
static void kernel_spectra(sono__tsne_rep *r)
{
    double *real = sono__fftd_real(r->fft), *spec = sono__fftd_spectrum(r->fft);
    size_t len = r->len, rows = r->dims == 1 ? 1 : len;
    for (int q = 0; q <= r->dims; q++) {
        for (size_t i = 0; i < rows; i++) {
            double t0 = r->dims == 1 ? 0 : offset(r, i);
            for (size_t j = 0; j < len; j++) {
                double v;
                if (r->dims == 1)
                    v = j == r->m ? 0 : sono__tsne_kernel(q, offset(r, j), 0);
                else
                    v = i == r->m || j == r->m ? 0 : sono__tsne_kernel(q, t0, offset(r, j));
                real[i * len + j] = v;
            }
        }
        sono__fftd_forward(r->fft);
        memcpy(r->kspec + (size_t)q * 2 * r->spec, spec, r->spec * 2 * sizeof *spec);
    }
    r->kernel_h = r->h;
}

/* pot[q] = (kernel q) * charges on the grid. */
static void convolve(sono__tsne_rep *r)
{
    double *real = sono__fftd_real(r->fft), *spec = sono__fftd_spectrum(r->fft);
    size_t len = r->len, m = r->m, rows = r->dims == 1 ? 1 : m;
    double scale = 1.0 / (r->dims == 1 ? (double)len : (double)len * (double)len);
    if (r->kernel_h != r->h)
        kernel_spectra(r);
    memset(real, 0, (r->dims == 1 ? 1 : len) * len * sizeof *real);
    for (size_t i = 0; i < rows; i++)
        memcpy(real + i * len, r->charge + i * m, m * sizeof *real);
    sono__fftd_forward(r->fft);
    memcpy(r->cspec, spec, r->spec * 2 * sizeof *spec);
    for (int q = 0; q <= r->dims; q++) {
        const double *ks = r->kspec + (size_t)q * 2 * r->spec, *cs = r->cspec;
        for (size_t k = 0; k < r->spec; k++) {
            double a = ks[2 * k], b = ks[2 * k + 1];
            double x = cs[2 * k], y = cs[2 * k + 1];
            spec[2 * k] = a * x - b * y;
            spec[2 * k + 1] = a * y + b * x;
        }
        sono__fftd_inverse(r->fft);
        double *out = r->pot + (size_t)q * sono__tsne_nodes(r);
        for (size_t i = 0; i < rows; i++)
            for (size_t j = 0; j < m; j++)
                out[i * m + j] = real[i * len + j] * scale;
    }
}

/* 1-D: boxes of width W, or W / 2^k when the points are too close together
 * for MIN_BOXES of those (the interpolation's error is absolute, and the
 * forces between close points are small).  The grid grows with the spread,
 * by a quarter at a time; beyond max_nodes the boxes widen instead. */
static int boxes_1d(sono__tsne_rep *r, double spread, size_t *boxes)
{
    size_t p = (size_t)r->lay.p, max_boxes = r->lay.max_nodes / p;
    r->h = r->lay.width;
    while (spread < MIN_BOXES * r->h && r->h > 1e-300)
        r->h *= 0.5;
    *boxes = (size_t)floor(spread / r->h) + 1;
    if (!(spread / r->h < (double)(max_boxes - 1))) {
        *boxes = max_boxes;
        r->h = spread / (double)(max_boxes - 1);
    }
    if (*boxes * p <= r->m)
        return SONO_OK;
    size_t want = *boxes * p + *boxes * p / 4;
    return make_grid(r, smooth(want < r->lay.max_nodes ? want : *boxes * p));
}

/* 2-D: at most r->side boxes a side, each as narrow as a power of two
 * allows.  With the near field exact, a pair read from the grid is at least
 * one box apart, and its error relative to its kernel does not grow with
 * the box width; what the box count trades is the FFT's size against the
 * number of exact pairs, and about sqrt(n) / 3 boxes a side (a dozen points
 * a box when they fill the square) balances them.  The grid's size is
 * fixed, so the kernels' spectra change only with the width. */
static int boxes_2d(sono__tsne_rep *r, double spread, size_t *boxes)
{
    size_t side = r->side;
    double limit = (double)(side - 1);
    r->h = 1.0;
    if (spread > 0) {
        while (spread / r->h >= limit && r->h < 1e300)
            r->h *= 2;
        while (spread / (r->h * 0.5) < limit && r->h > 1e-300)
            r->h *= 0.5;
    }
    *boxes = (size_t)floor(spread / r->h) + 1;
    if (*boxes > side)
        *boxes = side;
    if (r->m)
        return SONO_OK;
    return make_grid(r, smooth(side * (size_t)r->lay.p));
}

int sono__tsne_rep_prepare(sono__tsne_rep *r, const double *y)
{
    size_t n = r->n, dims = (size_t)r->dims, p = (size_t)r->lay.p;
    r->y = y;
    if (n <= r->lay.direct)
        return SONO_OK;
    double spread = 0;
    for (size_t a = 0; a < dims; a++) {
        double lo = y[a], hi = y[a];
        for (size_t i = 1; i < n; i++) {
            double v = y[i * dims + a];
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        r->lo[a] = lo;
        spread = hi - lo > spread ? hi - lo : spread;
    }
    size_t boxes;
    int status = dims == 1 ? boxes_1d(r, spread, &boxes) : boxes_2d(r, spread, &boxes);
    if (status != SONO_OK)
        return status;
    memset(r->charge, 0, sono__tsne_nodes(r) * sizeof *r->charge);
    for (size_t i = 0; i < n; i++) {
        for (size_t a = 0; a < dims; a++) {
            double u = (y[i * dims + a] - r->lo[a]) / r->h, b = floor(u);
            if (b > (double)(boxes - 1))
                b = (double)(boxes - 1);
            r->box[i * dims + a] = (size_t)b;
            weights(r, u - b, r->w + (i * dims + a) * p);
        }
        const double *w0 = r->w + i * dims * p;
        size_t b0 = r->box[i * dims] * p;
        if (dims == 1) {
            for (size_t k = 0; k < p; k++)
                r->charge[b0 + k] += w0[k];
        } else {
            const double *w1 = w0 + p;
            size_t b1 = r->box[i * dims + 1] * p;
            for (size_t k = 0; k < p; k++)
                for (size_t l = 0; l < p; l++)
                    r->charge[(b0 + k) * r->m + b1 + l] += w0[k] * w1[l];
        }
    }
    if (dims == 2) {
        int status = sono__tsne_near_sort(r, boxes);
        if (status != SONO_OK)
            return status;
    }
    convolve(r);
    if (dims == 2)
        sono__tsne_near_subtract(r);
    return SONO_OK;
}

static void direct(const sono__tsne_rep *r, size_t i, double *sum_k, double *rep)
{
    const double *y = r->y;
    double s = 0, f0 = 0, f1 = 0;
    if (r->dims == 1) {
        for (size_t j = 0; j < r->n; j++) {
            double t = y[i] - y[j], k = 1.0 / (1.0 + t * t);
            s += k;
            f0 += k * k * t;
        }
    } else {
        for (size_t j = 0; j < r->n; j++) {
            double t0 = y[2 * i] - y[2 * j], t1 = y[2 * i + 1] - y[2 * j + 1];
            double k = 1.0 / (1.0 + t0 * t0 + t1 * t1);
            s += k;
            f0 += k * k * t0;
            f1 += k * k * t1;
        }
        rep[1] = f1;
    }
    *sum_k = s;
    rep[0] = f0;
}

void sono__tsne_rep_point(const sono__tsne_rep *r, size_t i, double *sum_k,
                          double *rep)
{
    if (r->n <= r->lay.direct) {
        direct(r, i, sum_k, rep);
        return;
    }
    size_t dims = (size_t)r->dims, p = (size_t)r->lay.p, m = r->m,
           nodes = sono__tsne_nodes(r);
    const double *w0 = r->w + i * dims * p;
    size_t b0 = r->box[i * dims] * p;
    if (dims == 1) {
        double s = 0, f = 0;
        for (size_t k = 0; k < p; k++) {
            s += w0[k] * r->pot[b0 + k];
            f += w0[k] * r->pot[nodes + b0 + k];
        }
        *sum_k = s;
        rep[0] = f;
        return;
    }
    const double *w1 = w0 + p;
    size_t b1 = r->box[i * dims + 1] * p;
    double s = 0, f0 = 0, f1 = 0;
    for (size_t k = 0; k < p; k++) {
        for (size_t l = 0; l < p; l++) {
            double w = w0[k] * w1[l];
            size_t at = (b0 + k) * m + b1 + l;
            s += w * r->pot[at];
            f0 += w * r->pot[nodes + at];
            f1 += w * r->pot[2 * nodes + at];
        }
    }
    sono__tsne_near_exact(r, i, &s, &f0, &f1);
    *sum_k = s;
    rep[0] = f0;
    rep[1] = f1;
}
