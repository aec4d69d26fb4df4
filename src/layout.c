/* Picture layouts: where each moment of a spectrogram goes in a fixed-size
 * picture -- the whole track squashed (timeline), tempo-synchronised rows
 * (wrap), or time chunks as tiles along a space-filling curve (zorder,
 * hilbert).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every layout takes frame-major relative dB values (values[t * rows + r],
 * r = 0 the lowest band) and fills a w x h float picture, row 0 at the top,
 * that sono_colorize or sono_colorgram turns into colours.  Resizing is by
 * area (sono_resize_area), so a picture keeps the mean level of what it
 * shows. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

/* The timeline of frame-major values (frames x rows) at one go into out,
 * w x h. */
static int timeline(const float *values, size_t frames, size_t rows, float *out, size_t w,
                    size_t h)
{
    int err = SONO_OK;
    sono_timeline *t = sono_timeline_new(frames, rows, w, h, out, &err);
    if (!t)
        return err;
    err = sono_timeline_push(t, values, frames);
    sono_timeline_free(t);
    return err;
}

/* The timeline of frame-major values (frames x rows) into the w x h window
 * of out at (x0, y0), out being `stride` floats wide. */
static int place(const float *values, size_t frames, size_t rows, float *out,
                 size_t stride, size_t x0, size_t y0, size_t w, size_t h)
{
    float *small = sono__malloc_array2(w, h, sizeof *small);
    int err = small ? timeline(values, frames, rows, small, w, h) : SONO_ERR_NOMEM;
    if (err == SONO_OK)
        for (size_t y = 0; y < h; y++)
            memcpy(out + (y0 + y) * stride + x0, small + y * w, w * sizeof *out);
    sono__free(small);
    return err;
}

static int bad_picture(const float *values, size_t frames, size_t rows,
                       size_t w, size_t h, const float *out)
{
    return !values || !out || frames == 0 || rows == 0 || w == 0 || h == 0 ||
           w > SONO_IMAGE_MAX_SIDE || h > SONO_IMAGE_MAX_SIDE;
}

int sono_layout_timeline(const float *values, size_t frames, size_t rows,
                         size_t w, size_t h, float *out)
{
    if (bad_picture(values, frames, rows, w, h, out))
        return SONO_ERR_INVALID;
    return timeline(values, frames, rows, out, w, h);
}

/* ---- wrap: tempo-synchronised rows ---- */

static int is_power_of_two(size_t n)
{
    return n != 0 && (n & (n - 1)) == 0;
}

int sono_layout_wrap_shape(size_t frames, double beat_frames, size_t beats_per_row,
                           size_t *beats, size_t *strips)
{
    /* A row longer than 2^40 frames could not be held anyway; the bound
     * keeps the arithmetic below exact. */
    if (frames == 0 || !(beat_frames > 0) || beat_frames > 1099511627776.0 ||
        (beats_per_row != 0 && !is_power_of_two(beats_per_row)) ||
        beats_per_row > ((size_t)1 << 20) || !beats || !strips)
        return SONO_ERR_INVALID;
    size_t b = beats_per_row;
    if (b == 0) {
        /* About as many strips as beats in a strip: the power of two nearest
         * sqrt(total beats) in log2, so that the grid of beats is square. */
        double total = (double)frames / beat_frames;
        double e = total > 1.0 ? floor(0.5 * log2(total) + 0.5) : 0.0;
        b = (size_t)1 << (size_t)(e < 20.0 ? e : 20.0);
    }
    double length = (double)b * beat_frames;
    if (length > 1099511627776.0)
        return SONO_ERR_INVALID;
    /* A beat of a tiny fraction of a frame would make more strips than a
     * size_t counts (and than any picture has rows). */
    double count = ceil((double)frames / length);
    if (!(count < 1e15))
        return SONO_ERR_INVALID;
    *beats = b;
    *strips = (size_t)count;
    if (*strips == 0)
        *strips = 1;
    return SONO_OK;
}

/* The strip of n frames from `start` as at most 2w columns (cols, column
 * j at cols + j * rows): while more than twice too many, adjacent pairs are
 * averaged, which makes column j the mean of frames [j 2^p, (j + 1) 2^p) of
 * the strip after p halvings (the last block cut at n).  Computed as that
 * mean straight away, so that a row far longer than the track (a slow
 * tempo, many beats) costs no more memory than the picture.  Frames past
 * the end of the track count as `fill`.  Returns the number of columns. */
static size_t halve_columns(const float *values, size_t frames, size_t rows, size_t start,
                            size_t n, size_t w, float fill, float *cols)
{
    size_t block = 1, count = n;
    while (count > 2 * w) {
        count = (count + 1) / 2;
        block *= 2;
    }
    /* Offsets within the strip below `real` are frames of the track. */
    size_t real = start < frames ? (frames - start < n ? frames - start : n) : 0;
    for (size_t j = 0; j < count; j++) {
        size_t a = j * block, b = a + block < n ? a + block : n;
        size_t e = b < real ? b : (a > real ? a : real);
        float *dst = cols + j * rows;
        /* Frame by frame, in memory order; float sums are plenty for a
         * picture's 256 levels. */
        for (size_t r = 0; r < rows; r++)
            dst[r] = fill * (float)(b - e);
        for (size_t o = a; o < e; o++)
            for (size_t r = 0; r < rows; r++)
                dst[r] += values[(start + o) * rows + r];
        for (size_t r = 0; r < rows; r++)
            dst[r] /= (float)(b - a);
    }
    return count;
}

/* n <= 2w columns to exactly w (out, w * rows). */
static void fit_columns(const float *cols, size_t n, size_t rows, size_t w, float *out)
{
    if (n >= w) {
        /* n - w <= w pairs to merge, spread evenly: output column j merges
         * two inputs when floor((j + 1) d / w) steps past floor(j d / w). */
        size_t d = n - w, src = 0;
        for (size_t j = 0; j < w; j++) {
            float *dst = out + j * rows;
            const float *a = cols + src * rows;
            if ((j + 1) * d / w > j * d / w) {
                for (size_t r = 0; r < rows; r++)
                    dst[r] = 0.5f * (a[r] + a[rows + r]);
                src += 2;
            } else {
                memcpy(dst, a, rows * sizeof *dst);
                src++;
            }
        }
        return;
    }
    /* Fewer frames than columns: each column shows the frame under it. */
    for (size_t j = 0; j < w; j++)
        memcpy(out + j * rows, cols + (j * n / w) * rows, rows * sizeof *out);
}

/* Resized band k of a strip h pixels high goes to row centre(k) of it: band
 * 0 in the middle (the upper of two middles when h is even), even bands
 * upwards from there, odd bands downwards. */
static size_t centred_row(size_t k, size_t h)
{
    size_t m = (h - 1) / 2;
    return k % 2 == 0 ? m - k / 2 : m + (k + 1) / 2;
}

int sono_layout_wrap(const float *values, size_t frames, size_t rows,
                     double beat_frames, size_t beats_per_row, float fill,
                     size_t w, size_t h, float *out)
{
    size_t beats, strips;
    if (bad_picture(values, frames, rows, w, h, out))
        return SONO_ERR_INVALID;
    int err = sono_layout_wrap_shape(frames, beat_frames, beats_per_row, &beats, &strips);
    if (err != SONO_OK || strips > h)
        return SONO_ERR_INVALID;
    double length = (double)beats * beat_frames;
    /* Every strip is as many frames wide, and starts on its beat (to within
     * half a frame), so that a beat falls on the same column in each. */
    size_t n = (size_t)floor(length + 0.5);
    if (n == 0)
        n = 1;
    float *cols = sono__malloc_array2(2 * w, rows, sizeof *cols);
    float *fitted = sono__malloc_array2(w, rows, sizeof *fitted);
    float *band = sono__malloc_array2(w, h, sizeof *band);
    float *tall = sono__malloc_array2(w, rows, sizeof *tall);
    err = SONO_ERR_NOMEM;
    if (!cols || !fitted || !band || !tall)
        goto done;
    for (size_t i = 0; i < strips; i++) {
        size_t top = i * h / strips, sh = (i + 1) * h / strips - top;
        size_t start = (size_t)floor((double)i * length + 0.5);
        size_t count = halve_columns(values, frames, rows, start, n, w, fill, cols);
        fit_columns(cols, count, rows, w, fitted);
        /* Bands as picture rows (row k = band k) resized to the strip's
         * height, then each resized band moved to its centred row. */
        for (size_t j = 0; j < w; j++)
            for (size_t r = 0; r < rows; r++)
                tall[r * w + j] = fitted[j * rows + r];
        if ((err = sono_resize_area(tall, w, rows, band, w, sh)) != SONO_OK)
            goto done;
        for (size_t k = 0; k < sh; k++)
            memcpy(out + (top + centred_row(k, sh)) * w, band + k * w, w * sizeof *out);
    }
    err = SONO_OK;
done:
    sono__free(cols);
    sono__free(fitted);
    sono__free(band);
    sono__free(tall);
    return err;
}

/* ---- tiles along a curve ---- */

static int bad_grid(size_t grid)
{
    return !is_power_of_two(grid) || grid > 4096;
}

int sono_curve_point(sono_curve curve, size_t grid, size_t k, size_t *x, size_t *y)
{
    if ((curve != SONO_CURVE_ZORDER && curve != SONO_CURVE_HILBERT) || bad_grid(grid) ||
        k >= grid * grid || !x || !y)
        return SONO_ERR_INVALID;
    size_t px = 0, py = 0;
    if (curve == SONO_CURVE_ZORDER) {
        /* Morton order: bit 2b of k is bit b of x, bit 2b + 1 bit b of y,
         * so each doubling of the square repeats the smaller pattern four
         * times. */
        for (size_t b = 0; (k >> (2 * b)) != 0; b++) {
            px |= ((k >> (2 * b)) & 1u) << b;
            py |= ((k >> (2 * b + 1)) & 1u) << b;
        }
    } else {
        /* Hilbert curve, built from the smallest square outwards: each pair
         * of bits of k picks the quadrant of a square of side 2s, and the
         * position found so far within the s-square is reflected or
         * transposed so that the sub-curve enters and leaves next to its
         * neighbours. */
        size_t rest = k;
        for (size_t s = 1; s < grid; s *= 2) {
            size_t qx = (rest >> 1) & 1u, qy = (rest ^ qx) & 1u;
            if (qy == 0) {
                if (qx == 1) {
                    px = s - 1 - px;
                    py = s - 1 - py;
                }
                size_t t = px;
                px = py;
                py = t;
            }
            px += s * qx;
            py += s * qy;
            rest >>= 2;
        }
    }
    *x = px;
    *y = py;
    return SONO_OK;
}

int sono_layout_tiles(const float *values, size_t frames, size_t rows, sono_curve curve,
                      size_t grid, size_t w, size_t h, float *out)
{
    if (bad_picture(values, frames, rows, w, h, out) || bad_grid(grid) || w < grid ||
        h < grid || (curve != SONO_CURVE_ZORDER && curve != SONO_CURVE_HILBERT))
        return SONO_ERR_INVALID;
    size_t count = grid * grid;
    if (frames < count)
        return SONO_ERR_TOO_SHORT;
    if (frames > SIZE_MAX / count)
        return SONO_ERR_TOO_LARGE;
    for (size_t k = 0; k < count; k++) {
        size_t x, y;
        sono_curve_point(curve, grid, k, &x, &y);
        size_t a = k * frames / count, b = (k + 1) * frames / count;
        size_t x0 = x * w / grid, y0 = y * h / grid;
        int err = place(values + a * rows, b - a, rows, out, w, x0, y0,
                        (x + 1) * w / grid - x0, (y + 1) * h / grid - y0);
        if (err != SONO_OK)
            return err;
    }
    return SONO_OK;
}
