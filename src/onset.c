/* Onset strength as librosa 0.10's onset.onset_strength computes it from a
 * dB spectrogram, one frame in, one value out.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * librosa takes S[t] - ref[t - lag] (ref: S, or S through a maximum filter
 * across max_size bands), keeps the positive part, averages over the bands,
 * then pads lag zeros in front (plus n_fft // (2 hop) more when centred, to
 * undo the STFT's centring) and cuts the result to the number of frames.
 * Output t therefore depends on input frames up to t only: value t is the
 * difference of frames t - shift and t - shift - lag, and zero before
 * that exists.  A ring of the last shift + lag + 1 frames is all the state. */
#include <math.h>
#include <string.h>

#include "internal.h"

struct sono_onset {
    sono_onset_params p;
    size_t bands;
    size_t shift;     /* n_fft // (2 hop) when centred, else 0 */
    size_t depth;     /* frames kept: shift + lag + 1 */
    float *ring;      /* depth x bands, frame t at slot t % depth */
    float *ref;       /* bands: the reference frame, filtered */
    size_t t;         /* frames taken so far */
};

void sono_onset_params_default(sono_onset_params *p)
{
    p->lag = 1;
    p->max_size = 1;
    p->center = 1;
}

sono_onset *sono_onset_new(const sono_onset_params *p, size_t bands,
                           size_t n_fft, size_t hop_length, int *err)
{
    int status = SONO_ERR_INVALID;
    sono_onset *o = NULL;
    if (!p || p->lag < 1 || p->lag > SONO_ONSET_MAX_LAG || p->max_size < 1 ||
        p->max_size > SONO_ONSET_MAX_SIZE || bands < 1 || bands > 100000 ||
        hop_length < 1 || hop_length > SONO_MAX_N_FFT ||
        (p->center && (n_fft < 2 || n_fft > SONO_MAX_N_FFT)))
        goto fail;
    status = SONO_ERR_NOMEM;
    if (!(o = sono__calloc(1, sizeof *o)))
        goto fail;
    o->p = *p;
    o->p.center = p->center != 0;
    o->bands = bands;
    o->shift = p->center ? n_fft / (2 * hop_length) : 0;
    o->depth = o->shift + p->lag + 1;
    o->ring = sono__malloc_array(o->depth * bands, sizeof(float));
    o->ref = sono__malloc_array(bands, sizeof(float));
    if (!o->ring || !o->ref)
        goto fail;
    return o;
fail:
    sono_onset_free(o);
    if (err)
        *err = status;
    return NULL;
}

void sono_onset_free(sono_onset *o)
{
    if (!o)
        return;
    sono__free(o->ring);
    sono__free(o->ref);
    sono__free(o);
}

void sono_onset_reset(sono_onset *o)
{
    o->t = 0;
}

/* scipy.ndimage.maximum_filter1d(x, size) with its default mode 'reflect'
 * (the edge sample repeated: d c b a | a b c d | d c b a) and origin 0:
 * out[i] is the largest of x[i - size/2 .. i + size - 1 - size/2]. */
static void maximum_filter(const float *x, size_t n, size_t size, float *out)
{
    long long lo = -(long long)(size / 2), period = 2 * (long long)n;
    for (size_t i = 0; i < n; i++) {
        float m = -INFINITY;
        for (size_t k = 0; k < size; k++) {
            long long j = ((long long)i + lo + (long long)k) % period;
            if (j < 0)
                j += period;
            if (j >= (long long)n)
                j = period - 1 - j;
            if (x[j] > m)
                m = x[j];
        }
        out[i] = m;
    }
}

float sono_onset_push(sono_onset *o, const float *frame_db)
{
    size_t t = o->t++;
    memcpy(o->ring + (t % o->depth) * o->bands, frame_db,
           o->bands * sizeof(float));
    if (t < o->shift + o->p.lag)
        return 0.0f;
    size_t now = t - o->shift, before = now - o->p.lag;
    const float *s = o->ring + (now % o->depth) * o->bands;
    const float *ref = o->ring + (before % o->depth) * o->bands;
    if (o->p.max_size > 1) {
        maximum_filter(ref, o->bands, o->p.max_size, o->ref);
        ref = o->ref;
    }
    double sum = 0.0;
    for (size_t b = 0; b < o->bands; b++) {
        float d = s[b] - ref[b];
        sum += d > 0.0f ? d : 0.0f;
    }
    return (float)(sum / (double)o->bands);
}
