/* Computing STFT frames: a pull takes the frames that are ready, up to the
 * plan's block, and splits them into one contiguous piece per worker
 * thread.  Each frame is windowed, transformed and reduced -- to its
 * magnitude, power or filterbank bands -- while it is in the worker's
 * cache, and written to its own place in the output.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The workers are the plan's pool (pool.c), started with the plan.  Every
 * frame goes through the same code and the same FFTW plan (executed on
 * the worker's arrays), so the output does not depend on the number of
 * threads or on how frames are grouped into pulls: a block pull gives the
 * bits of sono_stft_pull followed by sono_magnitude, sono_power,
 * sono_mel_apply or sono_logfreq_apply. */
#include <string.h>

#include "stft_internal.h"

/* Fewer frames than this per worker are not worth a thread's start. */
#define MIN_FRAMES_PER_WORKER 8

typedef enum out_kind { OUT_COMPLEX, OUT_SPECTRUM, OUT_MEL, OUT_LOGFREQ } out_kind;

typedef struct pull_job {
    const sono_stft *s;
    size_t first;            /* frame index of the block's first frame */
    out_kind kind;
    int power;               /* 1: magnitude, 2: power */
    const sono_mel *mel;
    const sono_logfreq *log;
    void *out;
    size_t rows;             /* output values per frame */
} pull_job;

/* |S| or |S|^2 of n bins into out. */
static void reduce(const sono_complex *spectrum, int power, float *out, size_t n)
{
    if (power == 1)
        sono_magnitude(spectrum, out, n);
    else
        sono_power(spectrum, out, n);
}

/* Mel bands of frames [begin, end), SONO__MEL_GROUP at a time: each
 * frame's spectrum goes bin-major into the group, then the bank sums the
 * group's frames side by side. */
static void compute_mel(const pull_job *j, const sono__stft_worker *w, size_t begin,
                        size_t end)
{
    const sono_stft *s = j->s;
    for (size_t g0 = begin; g0 < end; g0 += SONO__MEL_GROUP) {
        size_t n = end - g0 < SONO__MEL_GROUP ? end - g0 : SONO__MEL_GROUP;
        for (size_t g = 0; g < n; g++) {
            sono__stft_read_frame(s, j->first + g0 + g, w->real);
            sono__fft_forward_on(s->fft, w->real, w->spectrum);
            reduce(w->spectrum, j->power, w->values, s->n_bins);
            for (size_t k = 0; k < s->n_bins; k++)
                w->group[k * SONO__MEL_GROUP + g] = w->values[k];
        }
        sono__mel_apply_group(j->mel, w->group, n, (float *)j->out + g0 * j->rows, j->rows);
    }
}

static void compute_frames(void *ctx, size_t begin, size_t end, int worker)
{
    const pull_job *j = ctx;
    const sono_stft *s = j->s;
    const sono__stft_worker *w = &s->workers[worker];
    if (j->kind == OUT_MEL) {
        compute_mel(j, w, begin, end);
        return;
    }
    for (size_t i = begin; i < end; i++) {
        sono__stft_read_frame(s, j->first + i, w->real);
        sono__fft_forward_on(s->fft, w->real, w->spectrum);
        switch (j->kind) {
        case OUT_COMPLEX:
            memcpy((sono_complex *)j->out + i * j->rows, w->spectrum,
                   j->rows * sizeof(sono_complex));
            break;
        case OUT_SPECTRUM:
            reduce(w->spectrum, j->power, (float *)j->out + i * j->rows, s->n_bins);
            break;
        case OUT_MEL: /* compute_mel */
            break;
        case OUT_LOGFREQ:
            reduce(w->spectrum, j->power, w->values, s->n_bins);
            sono_logfreq_apply(j->log, w->values, (float *)j->out + i * j->rows);
            break;
        }
    }
}

/* Computes the ready frames, up to max and the block, into j->out. */
static int pull(sono_stft *s, pull_job *j, size_t max)
{
    if (s->finished && s->end_status != SONO_OK)
        return s->end_status;
    if (max > s->block)
        max = s->block;
    size_t n = 0;
    while (n < max && sono__stft_frame_ready(s, s->next_frame + n))
        n++;
    if (n == 0)
        return 0;
    j->s = s;
    j->first = s->next_frame;
    size_t workers = n / MIN_FRAMES_PER_WORKER;
    if (workers > (size_t)s->threads)
        workers = (size_t)s->threads;
    sono__pool_for(s->pool, (int)workers, n, compute_frames, j);
    s->next_frame += n;
    return (int)n;
}

int sono_stft_pull(sono_stft *s, sono_complex *out)
{
    return sono_stft_pull_block(s, out, 1);
}

int sono_stft_pull_block(sono_stft *s, sono_complex *out, size_t max)
{
    if (!s || !out)
        return SONO_ERR_INVALID;
    pull_job j = {s, 0, OUT_COMPLEX, 0, NULL, NULL, out, s->n_bins};
    return pull(s, &j, max);
}

int sono_stft_pull_spectrum(sono_stft *s, int power, float *out, size_t max)
{
    if (!s || !out || (power != 1 && power != 2))
        return SONO_ERR_INVALID;
    pull_job j = {s, 0, OUT_SPECTRUM, power, NULL, NULL, out, s->n_bins};
    return pull(s, &j, max);
}

int sono_stft_pull_mel(sono_stft *s, const sono_mel *m, int power, float *out,
                       size_t max)
{
    if (!s || !m || !out || (power != 1 && power != 2) ||
        sono_mel_bins(m) != s->n_bins)
        return SONO_ERR_INVALID;
    pull_job j = {s, 0, OUT_MEL, power, m, NULL, out, sono_mel_bands(m)};
    return pull(s, &j, max);
}

int sono_stft_pull_logfreq(sono_stft *s, const sono_logfreq *l, int power,
                           float *out, size_t max)
{
    if (!s || !l || !out || (power != 1 && power != 2) ||
        sono_logfreq_bins(l) != s->n_bins)
        return SONO_ERR_INVALID;
    pull_job j = {s, 0, OUT_LOGFREQ, power, NULL, l, out, sono_logfreq_bands(l)};
    return pull(s, &j, max);
}
