/* The timeline layout as a stream: frames in, a resized picture out, in
 * memory that does not grow with the track.  SPDX-License-Identifier:
 * GPL-3.0-or-later
 *
 * Picture column x is the area mean of the frames its span covers (across),
 * and each picture row the area mean of the bands its span covers, the
 * highest band on top (down) -- sono_resize_area's two passes on the
 * transposed spectrogram.  Here a column is summed as its frames arrive,
 * in the same order and with the same shares, and resized down as soon as
 * its last frame is in; only the columns a frame can reach are held.  So
 * the numbers are sono_resize_area's bit for bit, while a one-hour track
 * needs no hour-long matrix. */
#include <string.h>

#include "internal.h"

struct sono_timeline {
    size_t frames, rows, w, h;
    float *out;
    size_t pushed;     /* frames so far */
    size_t opened;     /* columns started: 0 to opened - 1 */
    size_t done;       /* columns finished: 0 to done - 1 */
    size_t slots;      /* columns held at once (a ring) */
    float *acc;        /* slots x rows: the open columns' sums over frames */
    sono__span *down;  /* each picture row's span over the bands */
    float *shares;     /* h x most: the bands' shares in each row */
    size_t most;
};

sono_timeline *sono_timeline_new(size_t frames, size_t rows, size_t w, size_t h,
                                 float *out, int *err)
{
    int status = SONO_ERR_INVALID;
    sono_timeline *t = NULL;
    if (!out || frames == 0 || rows == 0 || w == 0 || h == 0 ||
        w > SONO_IMAGE_MAX_SIDE || h > SONO_IMAGE_MAX_SIDE)
        goto fail;
    status = SONO_ERR_NOMEM;
    if (!(t = sono__calloc(1, sizeof *t)))
        goto fail;
    t->frames = frames;
    t->rows = rows;
    t->w = w;
    t->h = h;
    t->out = out;
    if (frames == w && rows == h)
        return t; /* one pixel per value: placed as it comes */
    /* A frame reaches the columns whose spans it overlaps: at most 2 when
     * shrinking, about w / frames + 1 when stretching. */
    t->slots = w / frames + 3;
    t->most = rows / h + 2; /* bands a picture row's span touches, at most */
    t->acc = sono__malloc_array2(t->slots, rows, sizeof *t->acc);
    t->down = sono__malloc_array(h, sizeof *t->down);
    t->shares = sono__malloc_array2(h, t->most, sizeof *t->shares);
    if (!t->acc || !t->down || !t->shares)
        goto fail;
    for (size_t o = 0; o < h; o++) {
        t->down[o] = sono__span_of(o, rows, h);
        for (size_t i = t->down[o].first; i < t->down[o].last; i++)
            t->shares[o * t->most + i - t->down[o].first] = sono__span_share(&t->down[o], i);
    }
    return t;
fail:
    sono_timeline_free(t);
    if (err)
        *err = status;
    return NULL;
}

/* Column x's sums over frames, resized down into the picture: picture row i
 * is band rows - 1 - i. */
static void finish_column(sono_timeline *t, size_t x)
{
    const float *col = t->acc + (x % t->slots) * t->rows;
    for (size_t o = 0; o < t->h; o++) {
        const sono__span *s = &t->down[o];
        const float *share = t->shares + o * t->most - s->first;
        float sum = 0.0f;
        for (size_t i = s->first; i < s->last; i++)
            if (share[i] > 0.0f)
                sum += share[i] * col[t->rows - 1 - i];
        t->out[o * t->w + x] = sum;
    }
}

/* Frame f (its rows values v) into every open column its span reaches. */
static void add_frame(sono_timeline *t, size_t f, const float *v)
{
    while (t->opened < t->w && sono__span_of(t->opened, t->frames, t->w).first <= f) {
        memset(t->acc + (t->opened % t->slots) * t->rows, 0, t->rows * sizeof *t->acc);
        t->opened++;
    }
    for (size_t x = t->done; x < t->opened; x++) {
        sono__span s = sono__span_of(x, t->frames, t->w);
        float w = f < s.last ? sono__span_share(&s, f) : 0.0f;
        if (w <= 0.0f)
            continue;
        float *dst = t->acc + (x % t->slots) * t->rows;
        for (size_t r = 0; r < t->rows; r++)
            dst[r] += w * v[r];
    }
    while (t->done < t->opened && sono__span_of(t->done, t->frames, t->w).last <= f + 1)
        finish_column(t, t->done++);
}

int sono_timeline_push(sono_timeline *t, const float *values, size_t count)
{
    if (!t || (!values && count) || count > t->frames - t->pushed)
        return SONO_ERR_INVALID;
    for (size_t k = 0; k < count; k++, t->pushed++) {
        const float *v = values + k * t->rows;
        if (!t->acc) {
            for (size_t r = 0; r < t->rows; r++)
                t->out[(t->rows - 1 - r) * t->w + t->pushed] = v[r];
        } else {
            add_frame(t, t->pushed, v);
        }
    }
    return SONO_OK;
}

void sono_timeline_free(sono_timeline *t)
{
    if (!t)
        return;
    sono__free(t->acc);
    sono__free(t->down);
    sono__free(t->shares);
    sono__free(t);
}
