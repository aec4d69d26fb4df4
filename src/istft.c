/* The inverse STFT as librosa.istft: each frame's inverse real FFT times the
 * synthesis window, overlap-added, divided by the sum of the squared windows
 * where that sum exceeds float32's smallest normal number, with the centre
 * padding cut off and the output fixed to the requested length.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * It streams: once frame t is in, no later frame touches the samples before
 * t * hop, so those are final and can be pulled.  Sums are kept in double. */
#include <float.h>
#include <string.h>

#include "internal.h"

struct sono_istft {
    sono_stft_params p;
    size_t n_bins;
    size_t pad;
    float *window;
    sono__fft *fft;

    double *acc;          /* overlap-added signal at [base, base + cap) */
    double *wss;          /* window sum of squares, same positions */
    size_t cap;
    size_t base;

    size_t frames;        /* frames taken so far */
    size_t frame_limit;   /* frames beyond this are ignored */
    size_t emit;          /* next position (padded coordinates) to pull */
    size_t out_end;       /* end of the output, padded coordinates */
    int out_end_known;
    int finished;
};

size_t sono_istft_length(const sono_stft_params *p, size_t frames,
                         size_t length)
{
    if (length > 0)
        return length;
    if (frames == 0)
        return 0;
    return p->n_fft + p->hop_length * (frames - 1) - 2 * sono__pad_left(p);
}

sono_istft *sono_istft_new(const sono_stft_params *params, size_t length,
                           int *err)
{
    int status = SONO_ERR_INVALID;
    sono_istft *s = NULL;
    sono_stft_params p;
    if (!params)
        goto fail;
    p = *params;
    if ((status = sono_stft_params_resolve(&p)) != SONO_OK)
        goto fail;
    status = SONO_ERR_NOMEM;
    if (!(s = sono__calloc(1, sizeof *s)))
        goto fail;
    s->p = p;
    s->n_bins = sono_stft_bins(&p);
    s->pad = sono__pad_left(&p);
    s->cap = 2 * p.n_fft + 2 * p.hop_length;
    s->window = sono__malloc_array(p.n_fft, sizeof(float));
    s->acc = sono__calloc(s->cap, sizeof(double));
    s->wss = sono__calloc(s->cap, sizeof(double));
    if (!s->window || !s->acc || !s->wss)
        goto fail;
    sono_window_fill(p.window, p.win_length, p.n_fft, s->window);
    if (!(s->fft = sono__fft_new(p.n_fft, SONO__FFT_INVERSE, &status)))
        goto fail;
    s->frame_limit = (size_t)-1;
    s->emit = s->pad;
    if (length > 0) {
        /* librosa: only the frames that reach into the wanted samples. */
        size_t padded = length + 2 * s->pad;
        s->frame_limit = (padded + p.hop_length - 1) / p.hop_length;
        s->out_end = s->pad + length;
        s->out_end_known = 1;
    }
    return s;
fail:
    sono_istft_free(s);
    if (err)
        *err = status;
    return NULL;
}

void sono_istft_free(sono_istft *s)
{
    if (!s)
        return;
    sono__fft_free(s->fft);
    sono__free(s->window);
    sono__free(s->acc);
    sono__free(s->wss);
    sono__free(s);
}

/* Drops the positions already pulled. */
static void compact(sono_istft *s)
{
    if (s->emit <= s->base)
        return;
    size_t drop = s->emit - s->base;
    if (drop > s->cap)
        drop = s->cap;
    memmove(s->acc, s->acc + drop, (s->cap - drop) * sizeof(double));
    memmove(s->wss, s->wss + drop, (s->cap - drop) * sizeof(double));
    memset(s->acc + s->cap - drop, 0, drop * sizeof(double));
    memset(s->wss + s->cap - drop, 0, drop * sizeof(double));
    s->base += drop;
}

int sono_istft_push(sono_istft *s, const sono_complex *frame)
{
    if (!s || !frame)
        return SONO_ERR_INVALID;
    if (s->finished)
        return SONO_ERR_STATE;
    if (s->frames >= s->frame_limit) {
        s->frames++;
        return SONO_OK;
    }
    compact(s);
    size_t n = s->p.n_fft;
    size_t start = s->frames * s->p.hop_length;
    if (start + n > s->base + s->cap)
        return SONO_ERR_STATE;
    /* With centring, the first positions are never output and may already
     * have been dropped: skip them. */
    size_t skip = s->base > start ? s->base - start : 0;

    sono_complex *spec = sono__fft_spectrum(s->fft);
    memcpy(spec, frame, s->n_bins * sizeof *spec);
    spec[0].im = 0.0f;
    if (n % 2 == 0)
        spec[s->n_bins - 1].im = 0.0f;
    sono__fft_inverse(s->fft);
    const float *y = sono__fft_real(s->fft);
    const double scale = 1.0 / (double)n;
    double *acc = s->acc + (start + skip - s->base) - skip;
    double *wss = s->wss + (start + skip - s->base) - skip;
    for (size_t k = skip; k < n; k++) {
        double w = s->window[k];
        acc[k] += w * (double)y[k] * scale;
        wss[k] += w * w;
    }
    s->frames++;
    return SONO_OK;
}

int sono_istft_finish(sono_istft *s)
{
    if (!s)
        return SONO_ERR_INVALID;
    if (!s->finished) {
        s->finished = 1;
        if (!s->out_end_known) {
            s->out_end = s->pad + sono_istft_length(&s->p, s->frames, 0);
            s->out_end_known = 1;
        }
    }
    return SONO_OK;
}

size_t sono_istft_pull(sono_istft *s, float *out, size_t max)
{
    if (!s || !out)
        return 0;
    size_t used = s->frames < s->frame_limit ? s->frames : s->frame_limit;
    /* Positions before the next frame's start are final. */
    size_t ready = s->finished ? (size_t)-1 : used * s->p.hop_length;
    size_t span = used ? (used - 1) * s->p.hop_length + s->p.n_fft : 0;
    if (s->out_end_known && ready > s->out_end)
        ready = s->out_end;
    size_t count = 0;
    while (s->emit < ready && count < max) {
        double v = 0.0;
        if (s->emit < span && s->emit - s->base < s->cap) {
            size_t i = s->emit - s->base;
            v = s->acc[i];
            if (s->wss[i] > FLT_MIN)
                v /= s->wss[i];
        }
        out[count++] = (float)v;
        s->emit++;
        /* Keep the buffer short when the caller pulls in small pieces. */
        if (s->emit - s->base >= s->cap)
            compact(s);
    }
    return count;
}

int sono_istft_run(const sono_stft_params *p, const sono_complex *in,
                   size_t frames, size_t length, float *out)
{
    int err = SONO_OK;
    sono_istft *s = sono_istft_new(p, length, &err);
    if (!s)
        return err;
    size_t bins = sono_stft_bins(p), done = 0, want;
    want = sono_istft_length(&s->p, frames, length);
    for (size_t t = 0; t < frames && err == SONO_OK; t++) {
        err = sono_istft_push(s, in + t * bins);
        done += sono_istft_pull(s, out + done, want - done);
    }
    if (err == SONO_OK) {
        sono_istft_finish(s);
        done += sono_istft_pull(s, out + done, want - done);
        if (done != want)
            err = SONO_ERR_STATE;
    }
    sono_istft_free(s);
    return err;
}
