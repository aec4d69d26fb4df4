/* Features of the signal's own frames, streamed: librosa 0.10's
 * feature.rms(y=...) and feature.zero_crossing_rate(y).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both pad the whole signal with numpy's np.pad (frame_length // 2 on each
 * side when centred: rms with its pad_mode, zero_crossing_rate always with
 * 'edge') and cut frames of frame_length samples every hop_length samples,
 * without a window, as librosa.util.frame does.  The STFT's framing is not
 * reused: librosa.stft pads its head and tail separately, which differs from
 * np.pad's reflection of short signals, and allows no hop above the window.
 *
 * Memory is fixed: the first frame_length + 1 samples (all a reflection at
 * the start can reach) and the samples from one before the next frame on
 * (all a reflection at the end can reach, see read_frame). */
#include <math.h>
#include <string.h>

#include "internal.h"

struct sono_signal_feature {
    sono_signal_feature_params p;
    sono_pad_mode mode;   /* the padding actually used */
    size_t pad;

    float *head;          /* samples [0, head_len) */
    size_t head_cap, head_len;
    float *buf;           /* samples [buf_start, buf_start + buf_len) */
    size_t buf_cap, buf_start, buf_len;
    float *frame;         /* frame_length samples */

    size_t total;         /* samples pushed */
    int finished;
    size_t next;          /* next frame to compute */
    size_t n_frames;      /* known after finish */
    int end_status;
};

void sono_signal_feature_params_default(sono_signal_feature_params *p)
{
    p->kind = SONO_SIGNAL_RMS;
    p->frame_length = 2048;
    p->hop_length = 512;
    p->center = 1;
    p->pad_mode = SONO_PAD_CONSTANT;
    p->threshold = 1e-10;
}

static int params_ok(const sono_signal_feature_params *p)
{
    return p && (unsigned)p->kind <= SONO_SIGNAL_ZCR && p->frame_length >= 1 &&
           p->frame_length <= SONO_MAX_N_FFT && p->hop_length >= 1 &&
           p->hop_length <= SONO_MAX_N_FFT &&
           (unsigned)p->pad_mode <= SONO_PAD_EDGE && p->threshold >= 0 &&
           !isinf(p->threshold);
}

int sono_signal_feature_frame_count(const sono_signal_feature_params *p,
                                    size_t n, size_t *frames)
{
    if (!params_ok(p) || !frames)
        return SONO_ERR_INVALID;
    if (n == 0)
        return SONO_ERR_EMPTY;
    size_t padded = n + (p->center ? 2 * (p->frame_length / 2) : 0);
    if (padded < p->frame_length)
        return SONO_ERR_TOO_SHORT;
    *frames = 1 + (padded - p->frame_length) / p->hop_length;
    return SONO_OK;
}

sono_signal_feature *sono_signal_feature_new(const sono_signal_feature_params *p,
                                             int *err)
{
    int status = SONO_ERR_INVALID;
    sono_signal_feature *f = NULL;
    if (!params_ok(p))
        goto fail;
    status = SONO_ERR_NOMEM;
    if (!(f = sono__calloc(1, sizeof *f)))
        goto fail;
    f->p = *p;
    f->p.center = p->center != 0;
    f->mode = p->kind == SONO_SIGNAL_ZCR ? SONO_PAD_EDGE : p->pad_mode;
    f->pad = f->p.center ? p->frame_length / 2 : 0;
    f->head_cap = p->frame_length + 1;
    /* A frame, the sample before it, and as much again for input. */
    f->buf_cap = 2 * (p->frame_length + 1);
    f->head = sono__malloc_array(f->head_cap, sizeof(float));
    f->buf = sono__malloc_array(f->buf_cap, sizeof(float));
    f->frame = sono__malloc_array(p->frame_length, sizeof(float));
    if (!f->head || !f->buf || !f->frame)
        goto fail;
    return f;
fail:
    sono_signal_feature_free(f);
    if (err)
        *err = status;
    return NULL;
}

void sono_signal_feature_free(sono_signal_feature *f)
{
    if (!f)
        return;
    sono__free(f->head);
    sono__free(f->buf);
    sono__free(f->frame);
    sono__free(f);
}

void sono_signal_feature_reset(sono_signal_feature *f)
{
    f->head_len = f->buf_start = f->buf_len = f->total = 0;
    f->finished = 0;
    f->next = f->n_frames = 0;
    f->end_status = SONO_OK;
}

/* Absolute index of the first sample of frame t; may be negative. */
static long long frame_start(const sono_signal_feature *f, size_t t)
{
    return (long long)(t * f->p.hop_length) - (long long)f->pad;
}

size_t sono_signal_feature_push(sono_signal_feature *f, const float *x,
                                size_t n)
{
    if (!f || !x || f->finished)
        return 0;
    /* Samples before `keep` are read by no later frame (the head keeps the
     * start for reflections); with a hop above the frame length some never
     * need storing at all. */
    long long keep = frame_start(f, f->next) - 1;
    size_t skip = 0;
    if (keep > (long long)f->buf_start) {
        size_t drop = (size_t)keep - f->buf_start;
        if (drop > f->buf_len) {
            skip = drop - f->buf_len;
            drop = f->buf_len;
        }
        memmove(f->buf, f->buf + drop, (f->buf_len - drop) * sizeof(float));
        f->buf_len -= drop;
        f->buf_start += drop;
    }
    if (skip > n)
        skip = n;
    size_t take = f->buf_cap - f->buf_len;
    if (take > n - skip)
        take = n - skip;
    size_t used = skip + take;
    if (f->head_len < f->head_cap) {
        size_t h = f->head_cap - f->head_len;
        if (h > used)
            h = used;
        memcpy(f->head + f->head_len, x, h * sizeof(float));
        f->head_len += h;
    }
    f->buf_start += skip;
    memcpy(f->buf + f->buf_len, x + skip, take * sizeof(float));
    f->buf_len += take;
    f->total += used;
    return used;
}

int sono_signal_feature_finish(sono_signal_feature *f)
{
    if (!f)
        return SONO_ERR_INVALID;
    if (!f->finished) {
        f->finished = 1;
        f->end_status = sono_signal_feature_frame_count(&f->p, f->total,
                                                        &f->n_frames);
        if (f->end_status != SONO_OK)
            f->n_frames = 0;
    }
    return SONO_OK;
}

/* Until the end is known, a frame may be computed once every sample it
 * reads, directly or mirrored at the start, has arrived. */
static int frame_ready(const sono_signal_feature *f, size_t t)
{
    if (f->finished)
        return t < f->n_frames;
    long long start = frame_start(f, t), total = (long long)f->total;
    if (start + (long long)f->p.frame_length > total)
        return 0;
    return start >= 0 || f->mode != SONO_PAD_REFLECT || -start < total;
}

static float sample_at(const sono_signal_feature *f, long long j)
{
    if ((size_t)j < f->head_len)
        return f->head[j];
    return f->buf[(size_t)j - f->buf_start];
}

/* np.pad's index for i outside [0, n), or -1 for a zero; n < 0 while the
 * length is unknown (only indices before the start are asked for then).
 * 'reflect' mirrors without repeating the edge, as often as it takes
 * (period 2(n - 1)); a single sample is repeated.  A mirrored index at the
 * end is at least 2(n - 1) - (start + frame_length - 1), and the last
 * frame's start is at most n - frame_length / 2: so it never falls before
 * the frame's start, which the buffer holds, unless the signal is shorter
 * than the padding and the head holds all of it. */
static long long pad_index(sono_pad_mode mode, long long i, long long n)
{
    if (mode == SONO_PAD_CONSTANT)
        return -1;
    if (n < 0)
        return mode == SONO_PAD_EDGE ? 0 : -i;
    if (mode == SONO_PAD_EDGE || n == 1)
        return i < 0 ? 0 : n - 1;
    long long period = 2 * (n - 1), m = i % period;
    if (m < 0)
        m += period;
    return m < n ? m : period - m;
}

static void read_frame(const sono_signal_feature *f, size_t t)
{
    long long start = frame_start(f, t);
    long long n = f->finished ? (long long)f->total : -1;
    for (size_t k = 0; k < f->p.frame_length; k++) {
        long long i = start + (long long)k;
        if (i >= 0 && (n < 0 || i < n)) {
            f->frame[k] = sample_at(f, i);
        } else {
            long long j = pad_index(f->mode, i, n);
            f->frame[k] = j < 0 ? 0.0f : sample_at(f, j);
        }
    }
}

/* sqrt(mean(x^2)): librosa squares and averages in float32; double here. */
static float rms(const float *x, size_t n)
{
    double sum = 0.0;
    for (size_t k = 0; k < n; k++)
        sum += (double)x[k] * x[k];
    return (float)sqrt(sum / (double)n);
}

/* librosa.zero_crossings(threshold, zero_pos=True, pad=False) averaged over
 * the frame: with a threshold above 0, samples with |x| <= threshold become
 * +0 (the comparison in float32, as numpy makes it for a float32 signal); a
 * crossing is a change of the sign bit between neighbours within the frame
 * (so -0 counts as negative when nothing is cleared), and the first sample
 * of a frame has none: at most frame_length - 1 crossings over
 * frame_length. */
static float zcr(const float *x, size_t n, float threshold)
{
    size_t count = 0;
    int prev = 0;
    for (size_t k = 0; k < n; k++) {
        int cleared = threshold > 0.0f && fabsf(x[k]) <= threshold;
        int neg = !cleared && signbit(x[k]) != 0;
        count += k > 0 && neg != prev;
        prev = neg;
    }
    return (float)((double)count / (double)n);
}

int sono_signal_feature_pull(sono_signal_feature *f, float *value)
{
    if (!f || !value)
        return SONO_ERR_INVALID;
    if (f->finished && f->end_status != SONO_OK)
        return f->end_status;
    if (!frame_ready(f, f->next))
        return 0;
    read_frame(f, f->next);
    *value = f->p.kind == SONO_SIGNAL_RMS
                 ? rms(f->frame, f->p.frame_length)
                 : zcr(f->frame, f->p.frame_length, (float)f->p.threshold);
    f->next++;
    return 1;
}
