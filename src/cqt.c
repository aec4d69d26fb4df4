/* The forward constant-Q transform, librosa.cqt (0.10, res_type='polyphase'):
 * the layout of the octaves (rates, hops, early downsampling), the plan
 * that holds each octave's filters and FFT, and the run over a signal.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * librosa's computation, which this follows step by step because its
 * numbers are the specification:
 * 1. If the filters reach below a quarter of the Nyquist frequency, the
 *    signal is downsampled at once by 2^e, e = min(ceil(log2(nyquist /
 *    reach)) - 2, (factors of 2 in the hop) - octaves + 1), and the hop
 *    divided by 2^e.
 * 2. For each octave from the top, its filters at the current rate (scaled
 *    by sqrt(early rate / current rate)) multiply the STFT of the current
 *    signal with a rectangular window, centred, zero-padded, at the current
 *    hop; then, if that hop is even, it is halved and the signal
 *    downsampled by 2 (times sqrt 2).
 * 3. Every octave yields 1 + samples / hop frames; all are cut to the
 *    fewest, and bin k is divided by sqrt(L_k) at the early rate. */
#include <math.h>
#include <string.h>

#include "cqt_internal.h"

/* The most threads sono_cqt_run uses (their FFT buffers are on the stack). */
#define SONO__CQT_MAX_THREADS 64

typedef struct octave {
    size_t lo, hi;              /* its bins */
    double rate;                /* of its signal */
    size_t hop;
    int halve_after;            /* the next octave's signal is this one / 2 */
    sono__cqt_spectra spectra;
    double *weight;             /* per filter: sqrt(early / rate) / sqrt(L) */
    sono__fft *fft;
} octave;

struct sono_cqt {
    sono_cqt_params p;
    size_t early;               /* the early downsampling factor, 1 for none */
    size_t n_octaves;
    octave *oct;                /* top first */
};

int sono_cqt_frequencies(const sono_cqt_params *p, double *out)
{
    sono__cqt_bands b;
    int err = sono__cqt_bands_make(p, &b);
    if (err == SONO_OK)
        memcpy(out, b.freq, b.n_bins * sizeof *out);
    sono__cqt_bands_free(&b);
    return err;
}

double sono_cqt_reach(const sono_cqt_params *p)
{
    sono__cqt_bands b;
    double reach = sono__cqt_bands_make(p, &b) == SONO_OK ? b.cutoff : 0.0;
    sono__cqt_bands_free(&b);
    return reach;
}

static size_t two_factors(size_t x)
{
    size_t n = 0;
    while (x > 0 && x % 2 == 0) {
        x /= 2;
        n++;
    }
    return n;
}

/* Fills the octaves' bins, rates and hops (oct may be NULL: only checks)
 * and the early factor; SONO_ERR_INVALID or SONO_ERR_TOO_LARGE. */
static int layout(const sono_cqt_params *p, const sono__cqt_bands *b, double sr,
                  size_t *early, octave *oct)
{
    double nyquist = sr / 2.0;
    if (!(sr > 0) || !isfinite(sr) || p->hop_length < 1 || b->cutoff > nyquist)
        return SONO_ERR_INVALID;
    /* Bounded so that a vanishing fmin cannot overflow the conversion. */
    double octaves_free = fmin(log2(nyquist / b->cutoff), 4096.0);
    long long by_reach = (long long)ceil(octaves_free) - 2;
    long long by_hop = (long long)two_factors(p->hop_length) - (long long)b->n_octaves + 1;
    long long e = by_reach < by_hop ? by_reach : by_hop;
    if (e > 16)
        return SONO_ERR_TOO_LARGE;
    *early = e > 0 ? (size_t)1 << e : 1;
    double rate = sr / (double)*early;
    size_t hop = p->hop_length / *early;
    for (size_t i = 0; i < b->n_octaves; i++) {
        size_t hi = b->n_bins - b->n_filters * i;
        size_t lo = hi > b->n_filters ? hi - b->n_filters : 0;
        /* The octave's longest filter sets its FFT size. */
        for (size_t k = lo; k < hi; k++)
            if (sono__cqt_length(b, k, rate) > (double)SONO_MAX_N_FFT)
                return SONO_ERR_TOO_LARGE;
        if (oct) {
            oct[i].lo = lo;
            oct[i].hi = hi;
            oct[i].rate = rate;
            oct[i].hop = hop;
            oct[i].halve_after = hop % 2 == 0;
        }
        if (hop % 2 == 0) {
            hop /= 2;
            rate /= 2.0;
        }
    }
    return SONO_OK;
}

int sono_cqt_check(const sono_cqt_params *p, double sample_rate)
{
    sono__cqt_bands b;
    size_t early;
    int err = sono__cqt_bands_make(p, &b);
    if (err == SONO_OK)
        err = layout(p, &b, sample_rate, &early, NULL);
    sono__cqt_bands_free(&b);
    return err;
}

void sono_cqt_free(sono_cqt *c)
{
    if (!c)
        return;
    for (size_t i = 0; c->oct && i < c->n_octaves; i++) {
        sono__cqt_spectra_free(&c->oct[i].spectra);
        sono__free(c->oct[i].weight);
        sono__fft_free(c->oct[i].fft);
    }
    sono__free(c->oct);
    sono__free(c);
}

sono_cqt *sono_cqt_new(const sono_cqt_params *p, double sample_rate, int *err)
{
    sono__cqt_bands b;
    sono_cqt *c = NULL;
    int status = sono__cqt_bands_make(p, &b);
    if (status != SONO_OK)
        goto done;
    status = SONO_ERR_NOMEM;
    if (!(c = sono__calloc(1, sizeof *c)) ||
        !(c->oct = sono__calloc(b.n_octaves, sizeof *c->oct)))
        goto done;
    c->p = *p;
    c->n_octaves = b.n_octaves;
    if ((status = layout(p, &b, sample_rate, &c->early, c->oct)) != SONO_OK)
        goto done;
    double early_rate = sample_rate / (double)c->early;
    for (size_t i = 0; i < c->n_octaves; i++) {
        octave *o = &c->oct[i];
        status = sono__cqt_spectra_make(&b, o->lo, o->hi, o->rate, &o->spectra);
        if (status != SONO_OK)
            goto done;
        status = SONO_ERR_NOMEM;
        if (!(o->weight = sono__malloc_array(o->hi - o->lo, sizeof *o->weight)) ||
            !(o->fft = sono__fft_new(o->spectra.n_fft, SONO__FFT_FORWARD, &status)))
            goto done;
        for (size_t k = o->lo; k < o->hi; k++)
            o->weight[k - o->lo] = sqrt(early_rate / o->rate) /
                                   sqrt(sono__cqt_length(&b, k, early_rate));
    }
    status = SONO_OK;
done:
    sono__cqt_bands_free(&b);
    if (status != SONO_OK) {
        sono_cqt_free(c);
        c = NULL;
        if (err)
            *err = status;
    }
    return c;
}

size_t sono_cqt_frames(const sono_cqt *c, size_t n)
{
    if (!c || n == 0)
        return 0;
    size_t len = c->early > 1 ? sono__downsample_length(n, c->early) : n;
    size_t frames = (size_t)-1;
    for (size_t i = 0; i < c->n_octaves; i++) {
        const octave *o = &c->oct[i];
        size_t f = 1 + len / o->hop;
        frames = f < frames ? f : frames;
        if (o->halve_after)
            len = sono__downsample_length(len, 2);
    }
    return frames;
}

size_t sono_cqt_min_samples(const sono_cqt *c)
{
    return c ? c->early : 0;
}

/* One octave's bins for every frame: its filters' spectra times the FFT of
 * each centred, zero-padded frame of y.  The frames are split among the
 * threads, each with FFT buffers of its own (the plan is shared:
 * sono__fft_forward_on), so every frame is computed the same way whatever
 * the thread count. */
typedef struct respond_job {
    const octave *o;
    const float *y;
    size_t len, n_bins;
    sono_complex *out;
    float **real;               /* per worker */
    sono_complex **spec;
} respond_job;

static void respond_frames(void *ctx, size_t begin, size_t end, int worker)
{
    const respond_job *j = ctx;
    const octave *o = j->o;
    const sono__cqt_spectra *s = &o->spectra;
    size_t n_fft = s->n_fft;
    float *frame = j->real[worker];
    sono_complex *spec = j->spec[worker];
    for (size_t t = begin; t < end; t++) {
        /* Samples [t hop - n_fft / 2, t hop + n_fft / 2) of y. */
        long long first = (long long)(t * o->hop) - (long long)(n_fft / 2);
        for (size_t k = 0; k < n_fft; k++) {
            long long i = first + (long long)k;
            frame[k] = i >= 0 && (size_t)i < j->len ? j->y[i] : 0.0f;
        }
        sono__fft_forward_on(o->fft, frame, spec);
        for (size_t r = 0; r < s->rows; r++) {
            double re = 0.0, im = 0.0;
            for (size_t i = s->start[r]; i < s->start[r + 1]; i++) {
                double a = s->value[2 * i], b = s->value[2 * i + 1];
                const sono_complex *d = &spec[s->bin[i]];
                re += a * d->re - b * d->im;
                im += a * d->im + b * d->re;
            }
            sono_complex *z = &j->out[t * j->n_bins + o->lo + r];
            z->re = (float)(re * o->weight[r]);
            z->im = (float)(im * o->weight[r]);
        }
    }
}

int sono_cqt_run(sono_cqt *c, const float *x, size_t n, sono_complex *out)
{
    if (!c || !x || !out)
        return SONO_ERR_INVALID;
    if (n == 0)
        return SONO_ERR_EMPTY;
    if (n < c->early)
        return SONO_ERR_TOO_SHORT;
    if (sono_check_finite(x, n, NULL) != SONO_OK)
        return SONO_ERR_NONFINITE;
    size_t frames = sono_cqt_frames(c, n);
    /* Two buffers take turns as the downsampled signal: the first holds
     * the early-downsampled signal or the first halving, the second the
     * next halving, and so on alternately, each smaller than before. */
    size_t first = c->early > 1 ? sono__downsample_length(n, c->early)
                                : sono__downsample_length(n, 2);
    float *buf[2] = {sono__malloc_array(first, sizeof(float)),
                     sono__malloc_array(sono__downsample_length(first, 2), sizeof(float))};
    int status = buf[0] && buf[1] ? SONO_OK : SONO_ERR_NOMEM;
    const float *y = x;
    size_t len = n;
    if (status == SONO_OK && c->early > 1) {
        status = sono__downsample(x, n, c->early, buf[0]);
        y = buf[0];
        len = first;
    }
    /* Per-worker FFT buffers as long as the longest octave's FFT. */
    int threads = sono__threads_resolve(c->p.threads);
    size_t max_fft = 0;
    for (size_t i = 0; i < c->n_octaves; i++)
        if (c->oct[i].spectra.n_fft > max_fft)
            max_fft = c->oct[i].spectra.n_fft;
    float *real[SONO__CQT_MAX_THREADS] = {NULL};
    sono_complex *spec[SONO__CQT_MAX_THREADS] = {NULL};
    if (threads > SONO__CQT_MAX_THREADS)
        threads = SONO__CQT_MAX_THREADS;
    for (int w = 0; status == SONO_OK && w < threads; w++)
        if (!(real[w] = sono__fft_real_new(max_fft)) ||
            !(spec[w] = sono__fft_spectrum_new(max_fft / 2 + 1)))
            status = SONO_ERR_NOMEM;
    for (size_t i = 0; status == SONO_OK && i < c->n_octaves; i++) {
        const octave *o = &c->oct[i];
        respond_job job = {o, y, len, c->p.n_bins, out, real, spec};
        sono__parallel_for(threads, frames, respond_frames, &job);
        if (o->halve_after && i + 1 < c->n_octaves) {
            float *dst = y == buf[0] ? buf[1] : buf[0];
            status = sono__downsample(y, len, 2, dst);
            y = dst;
            len = sono__downsample_length(len, 2);
        }
    }
    for (int w = 0; w < threads; w++) {
        sono__free(real[w]);
        sono__free(spec[w]);
    }
    sono__free(buf[0]);
    sono__free(buf[1]);
    return status;
}
