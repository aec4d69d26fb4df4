/* The amplitude histogram picture: one column per stretch of the signal,
 * the histogram of its sample values, coloured through a colormap.  Only
 * the column being counted and the picture are kept, so a signal of any
 * length streams through.  SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <string.h>

#include "internal.h"

/* As for the waveform: i * total stays within 64 bits. */
#define MAX_TOTAL ((uint64_t)1 << 47)

struct sono_histogram {
    uint32_t frames, bins;
    uint64_t total, pushed;
    uint32_t frame;        /* the frame being counted */
    uint64_t frame_end;    /* its first sample past the end */
    double lo, hi, norm;
    int constant;          /* lo == hi: everything in the middle bin */
    double *edges;         /* bins + 1, as numpy.linspace(lo, hi, bins + 1) */
    uint64_t *counts;      /* bins, of the frame being counted */
    const uint8_t *lut;    /* 256 RGB entries */
    sono_image image;
    int finished;
};

static uint64_t frame_end(const sono_histogram *h, uint32_t i)
{
    return ((uint64_t)i + 1) * h->total / h->frames;
}

sono_histogram *sono_histogram_new(uint32_t frames, uint32_t bins,
                                   uint64_t total, double lo, double hi,
                                   sono_colormap cmap, int *err)
{
    int status = SONO_ERR_INVALID;
    sono_histogram *h = NULL;
    const uint8_t *lut = sono_colormap_lut8(cmap);
    if (frames == 0 || bins == 0 || !lut || !isfinite(lo) || !isfinite(hi) ||
        lo > hi)
        goto fail;
    status = SONO_ERR_EMPTY;
    if (total == 0)
        goto fail;
    status = SONO_ERR_TOO_SHORT;
    if (total < frames)
        goto fail;
    status = SONO_ERR_TOO_LARGE;
    if (total > MAX_TOTAL)
        goto fail;
    status = SONO_ERR_NOMEM;
    if (!(h = sono__calloc(1, sizeof *h)))
        goto fail;
    /* The picture is made first: it checks frames x bins against the
     * image limits before the smaller buffers are allocated. */
    if ((status = sono_image_alloc(&h->image, frames, bins, 3, 8)) != SONO_OK)
        goto fail;
    status = SONO_ERR_NOMEM;
    if (!(h->edges = sono__malloc_array((size_t)bins + 1, sizeof(double))) ||
        !(h->counts = sono__calloc(bins, sizeof(uint64_t))))
        goto fail;
    h->frames = frames;
    h->bins = bins;
    h->total = total;
    h->lo = lo;
    h->hi = hi;
    h->lut = lut;
    h->constant = lo == hi;
    h->frame_end = frame_end(h, 0);
    /* numpy.histogram's uniform bins (numpy 1.24): edges from
     * linspace, k * step + lo with the last one exactly hi; the index from
     * (v - lo) * norm, then moved by one where it disagrees with the
     * edges.  Doing the same arithmetic gives the same counts, also for
     * values within a rounding error of an edge. */
    h->norm = (double)bins / (hi - lo);
    double step = (hi - lo) / (double)bins;
    /* A range so narrow (below about 1e-300) that these overflow or
     * vanish would need numpy's other linspace branch; no float32 signal
     * has one, so it is refused rather than half supported. */
    if (lo < hi && (!isfinite(h->norm) || step == 0.0)) {
        status = SONO_ERR_INVALID;
        goto fail;
    }
    for (uint32_t k = 0; k < bins; k++)
        h->edges[k] = (double)k * step + lo;
    h->edges[bins] = hi;
    return h;
fail:
    sono_histogram_free(h);
    if (err)
        *err = status;
    return NULL;
}

void sono_histogram_free(sono_histogram *h)
{
    if (!h)
        return;
    sono_image_free(&h->image);
    sono__free(h->edges);
    sono__free(h->counts);
    sono__free(h);
}

static uint32_t bin_of(const sono_histogram *h, double v)
{
    if (h->constant)
        return h->bins / 2;
    double f = (v - h->lo) * h->norm;
    uint32_t k = f >= (double)h->bins ? h->bins - 1 : (uint32_t)f;
    if (v < h->edges[k] && k > 0)
        k--;
    else if (k != h->bins - 1 && v >= h->edges[k + 1])
        k++;
    return k;
}

/* Writes the finished frame as column h->frame: counts over the largest
 * count, through the colormap as matplotlib's cmap(t, bytes=True) indexes
 * it (t * 256 truncated, 1.0 the last entry), bin 0 at the bottom. */
static void emit_column(sono_histogram *h)
{
    uint64_t peak = 0;
    for (uint32_t k = 0; k < h->bins; k++)
        if (h->counts[k] > peak)
            peak = h->counts[k];
    uint8_t *px = h->image.pixels;
    for (uint32_t k = 0; k < h->bins; k++) {
        double t = (double)h->counts[k] / (double)peak;
        double i = t * 256.0;
        int entry = i >= 255.0 ? 255 : (int)i;
        size_t row = (size_t)(h->bins - 1 - k);
        memcpy(px + (row * h->frames + h->frame) * 3, h->lut + 3 * entry, 3);
    }
    memset(h->counts, 0, h->bins * sizeof *h->counts);
}

int sono_histogram_push(sono_histogram *h, const float *x, size_t n)
{
    if (!h || (!x && n > 0))
        return SONO_ERR_INVALID;
    if (h->finished || n > h->total - h->pushed)
        return SONO_ERR_STATE;
    /* Checked first, so that a rejected block leaves no trace. */
    for (size_t j = 0; j < n; j++)
        if (!(x[j] >= h->lo && x[j] <= h->hi))
            return isfinite(x[j]) ? SONO_ERR_INVALID : SONO_ERR_NONFINITE;
    for (size_t j = 0; j < n; j++) {
        h->counts[bin_of(h, x[j])]++;
        if (++h->pushed == h->frame_end) {
            emit_column(h);
            if (++h->frame < h->frames)
                h->frame_end = frame_end(h, h->frame);
        }
    }
    return SONO_OK;
}

int sono_histogram_finish(sono_histogram *h, sono_image *out)
{
    if (!h || !out)
        return SONO_ERR_INVALID;
    if (h->finished || h->pushed != h->total)
        return SONO_ERR_STATE;
    *out = h->image;
    memset(&h->image, 0, sizeof h->image);
    h->finished = 1;
    return SONO_OK;
}
