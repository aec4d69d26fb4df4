/* Matrices into pictures: area-averaging resize and colormapping.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <string.h>

#include "internal.h"

sono__span sono__span_of(size_t o, size_t n, size_t m)
{
    sono__span s;
    s.width = (double)n / (double)m; /* input pixels per output pixel */
    s.lo = (double)o * s.width;
    s.hi = (double)(o + 1) * s.width;
    s.first = (size_t)floor(s.lo);
    s.last = (size_t)ceil(s.hi);
    if (s.last > n)
        s.last = n;
    return s;
}

float sono__span_share(const sono__span *s, size_t i)
{
    double a = (double)i > s->lo ? (double)i : s->lo;
    double b = (double)(i + 1) < s->hi ? (double)(i + 1) : s->hi;
    return (float)((b - a) / s->width);
}

/* dst = output pixel o of m along an axis of n positions, in_step apart in
 * `in`, for `count` interleaved lines line_step apart (in dst likewise). */
static void resample_one(const float *in, size_t n, size_t m, size_t o, float *dst,
                         size_t count, size_t in_step, size_t line_step)
{
    sono__span s = sono__span_of(o, n, m);
    for (size_t k = 0; k < count; k++)
        dst[k * line_step] = 0.0f;
    for (size_t i = s.first; i < s.last; i++) {
        float w = sono__span_share(&s, i);
        if (w <= 0.0f)
            continue;
        const float *src = in + i * in_step;
        for (size_t k = 0; k < count; k++)
            dst[k * line_step] += w * src[k * line_step];
    }
}

/* out[o] = mean of in[] over [o * n / m, (o + 1) * n / m), for each of
 * `count` interleaved lines: in is `n` positions of `count` values apart by
 * `in_step` (and likewise out), so one routine does rows and columns. */
static void resample_axis(const float *in, size_t n, float *out, size_t m,
                          size_t count, size_t in_step, size_t out_step,
                          size_t line_step)
{
    for (size_t o = 0; o < m; o++)
        resample_one(in, n, m, o, out + o * out_step, count, in_step, line_step);
}

int sono_resize_area(const float *in, size_t w, size_t h, float *out,
                     size_t ow, size_t oh)
{
    if (!in || !out || w == 0 || h == 0 || ow == 0 || oh == 0)
        return SONO_ERR_INVALID;
    if (ow == w && oh == h) {
        memmove(out, in, w * h * sizeof *out);
        return SONO_OK;
    }
    /* Across first (h rows of ow), then down. */
    float *mid = sono__malloc_array2(h, ow, sizeof *mid);
    if (!mid)
        return SONO_ERR_NOMEM;
    /* Columns: n = w positions 1 apart; count = h lines, w (ow) apart. */
    for (size_t y = 0; y < h; y++)
        resample_axis(in + y * w, w, mid + y * ow, ow, 1, 1, 1, 0);
    /* Rows: n = h positions ow apart; count = ow lines 1 apart. */
    resample_axis(mid, h, out, oh, ow, ow, ow, 1);
    sono__free(mid);
    return SONO_OK;
}

int sono_colorize(const float *in, size_t w, size_t h, double lo, double hi,
                  sono_colormap c, sono_image *out)
{
    if (!out)
        return SONO_ERR_INVALID;
    memset(out, 0, sizeof *out);
    const uint8_t *lut = sono_colormap_lut8(c);
    if (!in || !lut || !(lo < hi) || !isfinite(lo) || !isfinite(hi) ||
        w > SONO_IMAGE_MAX_SIDE || h > SONO_IMAGE_MAX_SIDE)
        return SONO_ERR_INVALID;
    int status = sono_image_alloc(out, (uint32_t)w, (uint32_t)h, 3, 8);
    if (status != SONO_OK)
        return status;
    uint8_t *px = out->pixels;
    double scale = 1.0 / (hi - lo);
    for (size_t i = 0; i < w * h; i++) {
        /* matplotlib: index floor(t * 256), t == 1 and above -> 255, NaN
         * and below -> 0 (sono_colormap_rgb8 documents the rule). */
        double t = ((double)in[i] - lo) * scale;
        long k = t >= 1.0 ? 255 : t > 0.0 ? (long)(t * 256.0) : 0;
        memcpy(px + 3 * i, lut + 3 * k, 3);
    }
    return SONO_OK;
}
