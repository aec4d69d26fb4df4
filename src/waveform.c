/* The waveform picture: the min/max envelope of a signal per pixel column,
 * accumulated while the samples stream past, as audio editors draw it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <string.h>

#include "internal.h"

/* Beyond this many samples x * total could overflow 64 bits for a column
 * index x up to SONO_IMAGE_MAX_SIDE (2^47 samples is 37 days at 44.1 kHz). */
#define MAX_TOTAL ((uint64_t)1 << 47)

/* The colours: a white page, a faint zero line under the wave, and the wave
 * in matplotlib's default blue (C0, #1f77b4), as `plt.plot` would draw it. */
static const uint8_t BACKGROUND[3] = {0xff, 0xff, 0xff};
static const uint8_t ZERO_LINE[3] = {0xd3, 0xd3, 0xd3};
static const uint8_t WAVE[3] = {0x1f, 0x77, 0xb4};

struct sono_waveform {
    uint32_t width;
    uint64_t total;
    uint64_t pushed;
    uint32_t col;   /* the first column whose samples are not all in yet */
    float *lo, *hi; /* per column; lo > hi until a sample arrives */
};

/* Column x covers [start(x), end(x)); end is at least start + 1, so that a
 * signal shorter than the width still gives every column a sample. */
static uint64_t col_start(const sono_waveform *w, uint32_t x)
{
    return (uint64_t)x * w->total / w->width;
}

static uint64_t col_end(const sono_waveform *w, uint32_t x)
{
    uint64_t s = col_start(w, x), e = ((uint64_t)x + 1) * w->total / w->width;
    return e > s ? e : s + 1;
}

sono_waveform *sono_waveform_new(uint32_t width, uint64_t total, int *err)
{
    int status = SONO_ERR_INVALID;
    sono_waveform *w = NULL;
    if (width == 0)
        goto fail;
    status = total == 0 ? SONO_ERR_EMPTY : SONO_ERR_TOO_LARGE;
    if (total == 0 || total > MAX_TOTAL || width > SONO_IMAGE_MAX_SIDE)
        goto fail;
    status = SONO_ERR_NOMEM;
    if (!(w = sono__calloc(1, sizeof *w)) ||
        !(w->lo = sono__malloc_array(width, sizeof(float))) ||
        !(w->hi = sono__malloc_array(width, sizeof(float))))
        goto fail;
    w->width = width;
    w->total = total;
    for (uint32_t x = 0; x < width; x++) {
        w->lo[x] = INFINITY;
        w->hi[x] = -INFINITY;
    }
    return w;
fail:
    sono_waveform_free(w);
    if (err)
        *err = status;
    return NULL;
}

void sono_waveform_free(sono_waveform *w)
{
    if (!w)
        return;
    sono__free(w->lo);
    sono__free(w->hi);
    sono__free(w);
}

int sono_waveform_push(sono_waveform *w, const float *x, size_t n)
{
    if (!w || (!x && n > 0))
        return SONO_ERR_INVALID;
    if (n > w->total - w->pushed)
        return SONO_ERR_STATE;
    if (sono_check_finite(x, n, NULL) != SONO_OK)
        return SONO_ERR_NONFINITE;
    size_t k = 0;
    while (k < n) {
        uint64_t i = w->pushed;
        while (col_end(w, w->col) <= i)
            w->col++;
        /* The run of samples that stays in column col: all of them belong
         * to the same set of columns, so one min/max serves them all. */
        uint64_t stop = col_end(w, w->col);
        size_t count = stop - i < n - k ? (size_t)(stop - i) : n - k;
        float lo = x[k], hi = x[k];
        for (size_t j = k + 1; j < k + count; j++) {
            if (x[j] < lo)
                lo = x[j];
            if (x[j] > hi)
                hi = x[j];
        }
        /* Further columns share these samples only when the signal is
         * shorter than the width; then each column has one sample. */
        for (uint32_t c = w->col; c < w->width && col_start(w, c) < i + count; c++) {
            if (lo < w->lo[c])
                w->lo[c] = lo;
            if (hi > w->hi[c])
                w->hi[c] = hi;
        }
        k += count;
        w->pushed += count;
    }
    return SONO_OK;
}

/* The row of amplitude a: +1 the top row, -1 the bottom one.  Written out
 * as the header documents, so that a numpy model gets the same rows. */
static uint32_t row_of(double a, uint32_t height)
{
    if (a > 1.0)
        a = 1.0;
    if (a < -1.0)
        a = -1.0;
    return (uint32_t)floor((1.0 - a) * 0.5 * (double)(height - 1) + 0.5);
}

static void put(uint8_t *pixels, uint32_t width, uint32_t x, uint32_t y,
                const uint8_t rgb[3])
{
    memcpy(pixels + ((size_t)y * width + x) * 3, rgb, 3);
}

int sono_waveform_draw(const sono_waveform *w, uint32_t height, sono_image *out)
{
    if (!w || !out || height == 0)
        return SONO_ERR_INVALID;
    if (w->pushed != w->total)
        return SONO_ERR_STATE;
    int status = sono_image_alloc(out, w->width, height, 3, 8);
    if (status != SONO_OK)
        return status;
    uint8_t *px = out->pixels;
    uint32_t zero = row_of(0.0, height);
    for (uint32_t y = 0; y < height; y++)
        for (uint32_t x = 0; x < w->width; x++)
            put(px, w->width, x, y, y == zero ? ZERO_LINE : BACKGROUND);
    for (uint32_t x = 0; x < w->width; x++) {
        uint32_t top = row_of(w->hi[x], height), bottom = row_of(w->lo[x], height);
        for (uint32_t y = top; y <= bottom; y++)
            put(px, w->width, x, y, WAVE);
    }
    return SONO_OK;
}
