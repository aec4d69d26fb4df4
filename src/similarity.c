/* The self-similarity (recurrence) matrix of a sequence of feature frames:
 * the cosine similarity of every pair.  SPDX-License-Identifier:
 * GPL-3.0-or-later
 *
 * Standardising first (each dimension centred and divided by its standard
 * deviation over the frames) makes the cosine a correlation of feature
 * shapes: without it MFCC frames are all dominated by the loudness
 * coefficient and every pair looks alike.  Frames are grouped into at most
 * max_frames averages first, so that the n x n result stays bounded for any
 * length of input. */
#include <math.h>
#include <string.h>

#include "internal.h"

size_t sono_similarity_size(size_t frames, size_t max_frames)
{
    if (frames == 0 || max_frames == 0)
        return 0;
    size_t group = (frames + max_frames - 1) / max_frames;
    return (frames + group - 1) / group;
}

int sono_self_similarity(const float *features, size_t frames, size_t dims,
                         size_t max_frames, int standardize, float *out)
{
    size_t n = sono_similarity_size(frames, max_frames), cells;
    if (!features || !out || dims == 0 || n == 0)
        return SONO_ERR_INVALID;
    if (sono__mul_size(n, n, &cells) != SONO_OK || cells > SONO_SIMILARITY_MAX_CELLS)
        return SONO_ERR_TOO_LARGE;
    size_t group = (frames + max_frames - 1) / max_frames;
    double *f = sono__malloc_array2(n, dims, sizeof *f);
    if (!f)
        return SONO_ERR_NOMEM;
    /* Group averages (the last group may be shorter). */
    for (size_t i = 0; i < n; i++) {
        size_t t0 = i * group, t1 = t0 + group < frames ? t0 + group : frames;
        double *row = f + i * dims;
        memset(row, 0, dims * sizeof *row);
        for (size_t t = t0; t < t1; t++)
            for (size_t d = 0; d < dims; d++)
                row[d] += features[t * dims + d];
        for (size_t d = 0; d < dims; d++)
            row[d] /= (double)(t1 - t0);
    }
    int err = SONO_OK;
    for (size_t i = 0; i < n * dims; i++)
        if (!isfinite(f[i])) {
            err = SONO_ERR_INVALID;
            goto done;
        }
    if (standardize)
        for (size_t d = 0; d < dims; d++) {
            double mean = 0.0, var = 0.0;
            for (size_t i = 0; i < n; i++)
                mean += f[i * dims + d];
            mean /= (double)n;
            for (size_t i = 0; i < n; i++) {
                double v = f[i * dims + d] - mean;
                var += v * v;
            }
            double sd = sqrt(var / (double)n);
            for (size_t i = 0; i < n; i++)  /* a constant dimension says nothing */
                f[i * dims + d] = sd > 0.0 ? (f[i * dims + d] - mean) / sd : 0.0;
        }
    /* Unit rows; a zero row has similarity 0 with everything. */
    for (size_t i = 0; i < n; i++) {
        double *row = f + i * dims, norm = 0.0;
        for (size_t d = 0; d < dims; d++)
            norm += row[d] * row[d];
        norm = sqrt(norm);
        for (size_t d = 0; d < dims; d++)
            row[d] = norm > 0.0 ? row[d] / norm : 0.0;
    }
    for (size_t i = 0; i < n; i++) {
        const double *a = f + i * dims;
        for (size_t j = i; j < n; j++) {
            const double *b = f + j * dims;
            double dot = 0.0;
            for (size_t d = 0; d < dims; d++)
                dot += a[d] * b[d];
            /* Rounding can take a unit vector's dot with itself past 1. */
            float v = (float)fmax(-1.0, fmin(1.0, dot));
            out[i * n + j] = out[j * n + i] = v;
        }
    }
done:
    sono__free(f);
    return err;
}
