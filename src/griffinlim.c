/* Griffin-Lim iterations: alternate between the set of spectrograms with
 * the target magnitude and the set of consistent spectrograms (those that
 * are the STFT of some signal), with momentum.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One iteration is: c -> iSTFT -> STFT -> "rebuilt", then the momentum
 * update and the magnitude projection.  It is written for speed rather than
 * reusing the streaming stft/istft plans:
 * - single-precision FFTs both ways (the next analysis absorbs the rounding
 *   that made the streaming iSTFT use double);
 * - the signal lives in padded coordinates, so the re-analysis reads frames
 *   straight out of the overlap-add buffer; the zero padding that librosa's
 *   stft(pad_mode='constant') adds is the part of that buffer outside the
 *   signal, which is cleared;
 * - the frames are split across threads: inverse FFTs into a frame buffer,
 *   overlap-add by output ranges (each sample sums its frames in frame
 *   order), forward FFTs and updates by frames.  Every value is computed
 *   the same way whatever the thread count, so the output is too.
 *
 * The update is the accelerated scheme of Nenov, Nguyen and Balazs (2023),
 * "Faster than fast: accelerating the Griffin-Lim algorithm":
 *     t_n = (1 - gamma) d_{n-1} + gamma P(c_{n-1})
 *     c_n = t_n + alpha (t_n - t_{n-1})
 *     d_n = t_n + beta  (t_n - t_{n-1})
 * where P is the magnitude projection followed by iSTFT and STFT.  With
 * gamma = 1 it is Perraudin's fast Griffin-Lim (c_n = t_n + alpha (t_n -
 * t_{n-1})), which after normalisation is librosa's update; with alpha = 0
 * as well it is plain Griffin-Lim. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "internal.h"

struct sono__gla {
    sono_stft_params p;
    size_t bins, frames, n_fft, hop;
    size_t span;           /* padded signal length: n_fft + hop (frames-1) */
    size_t sig_begin;      /* the signal proper is [sig_begin, sig_end) */
    size_t sig_end;
    const float *mag;      /* frames x bins target */
    float *window;
    float *inv_wss;        /* 1 / window sum of squares, 0 where negligible */
    float *grains;         /* frames x n_fft windowed inverse FFTs */
    float *signal;         /* span samples, padded coordinates */
    sono_complex *c;       /* iterate c_n (before the magnitude projection) */
    sono_complex *t;       /* t_{n-1} */
    sono_complex *d;       /* d_{n-1}; NULL when gamma == 1 */
    sono__fft **fft;       /* one per worker */
    int threads;
    sono__pool *pool;      /* the workers, started once for all iterations */
    int more;              /* another iteration follows this one */
    double alpha, beta, gamma;
};

void sono__gla_free(sono__gla *g)
{
    if (!g)
        return;
    sono__pool_free(g->pool);
    if (g->fft)
        for (int w = 0; w < g->threads; w++)
            sono__fft_free(g->fft[w]);
    sono__free(g->fft);
    sono__free(g->window);
    sono__free(g->inv_wss);
    sono__free(g->grains);
    sono__free(g->signal);
    sono__free(g->c);
    sono__free(g->t);
    sono__free(g->d);
    sono__free(g);
}

/* The window sum of squares of the overlap-add, inverted where it is not
 * negligible (librosa divides only where it exceeds the smallest normal
 * float). */
static int fill_inv_wss(sono__gla *g)
{
    double *acc = sono__calloc(g->span, sizeof(double));
    if (!acc)
        return SONO_ERR_NOMEM;
    for (size_t t = 0; t < g->frames; t++)
        for (size_t k = 0; k < g->n_fft; k++)
            acc[t * g->hop + k] += (double)g->window[k] * g->window[k];
    for (size_t i = 0; i < g->span; i++)
        g->inv_wss[i] = acc[i] > FLT_MIN ? (float)(1.0 / acc[i]) : 0.0f;
    sono__free(acc);
    return SONO_OK;
}

sono__gla *sono__gla_new(const sono_stft_params *p, const float *mag,
                         size_t frames, double alpha, double beta,
                         double gamma, int threads, int *err)
{
    int status = SONO_ERR_NOMEM;
    sono__gla *g = sono__calloc(1, sizeof *g);
    size_t cells, grain_cells;
    if (!g)
        goto fail;
    g->p = *p;
    g->bins = sono_stft_bins(p);
    g->frames = frames;
    g->n_fft = p->n_fft;
    g->hop = p->hop_length;
    g->mag = mag;
    g->alpha = alpha;
    g->beta = beta;
    g->gamma = gamma;
    g->threads = sono__threads_resolve(threads);
    status = SONO_ERR_TOO_LARGE;
    if (sono__mul_size(g->hop, frames - 1, &g->span) != SONO_OK ||
        (g->span += g->n_fft) < g->n_fft ||
        sono__mul_size(frames, g->bins, &cells) != SONO_OK ||
        sono__mul_size(frames, g->n_fft, &grain_cells) != SONO_OK)
        goto fail;
    /* With centring, the signal proper is the part after the left padding,
     * of the length istft gives: hop * (frames - 1), less for odd n_fft. */
    g->sig_begin = sono__pad_left(p);
    g->sig_end = g->sig_begin + sono_istft_length(p, frames, 0);
    status = SONO_ERR_NOMEM;
    g->window = sono__malloc_array(g->n_fft, sizeof(float));
    g->inv_wss = sono__malloc_array(g->span, sizeof(float));
    g->grains = sono__malloc_array(grain_cells, sizeof(float));
    g->signal = sono__malloc_array(g->span, sizeof(float));
    g->c = sono__malloc_array(cells, sizeof(sono_complex));
    g->t = sono__malloc_array(cells, sizeof(sono_complex));
    if (gamma != 1.0)
        g->d = sono__malloc_array(cells, sizeof(sono_complex));
    g->fft = sono__calloc((size_t)g->threads, sizeof *g->fft);
    if (!g->window || !g->inv_wss || !g->grains || !g->signal || !g->c ||
        !g->t || (gamma != 1.0 && !g->d) || !g->fft)
        goto fail;
    for (int w = 0; w < g->threads; w++) {
        if (!(g->fft[w] = sono__fft_new(g->n_fft, SONO__FFT_FORWARD, &status)))
            goto fail;
        if ((status = sono__fft_plan_inverse_float(g->fft[w])) != SONO_OK)
            goto fail;
    }
    /* Two loops an iteration: starting threads for each cost as much as a
     * loop over a few hundred frames (a 5 s clip). */
    if (g->threads > 1 && !(g->pool = sono__pool_new(g->threads, &status)))
        goto fail;
    sono_window_fill(p->window, p->win_length, p->n_fft, g->window);
    status = fill_inv_wss(g);
    if (status != SONO_OK)
        goto fail;
    return g;
fail:
    sono__gla_free(g);
    if (err)
        *err = status;
    return NULL;
}

static void synthesise(void *ctx, size_t begin, size_t end, int worker);

/* c_0 = d_0 = the initial coefficients; t_0 = 0, as librosa's first
 * "previous rebuilt" is 0, so that the first update is a plain projection.
 * The first grains are made here; each iteration makes the next ones. */
sono_complex *sono__gla_coefs(sono__gla *g)
{
    return g->c;
}

void sono__gla_start(sono__gla *g, const sono_complex *initial)
{
    size_t cells = g->frames * g->bins;
    if (initial != g->c)
        memcpy(g->c, initial, cells * sizeof *g->c);
    memset(g->t, 0, cells * sizeof *g->t);
    if (g->d)
        memcpy(g->d, initial, cells * sizeof *g->d);
    sono__pool_for(g->pool, g->threads, g->frames, synthesise, g);
}

/* Magnitude projection of one frame of c into the FFT's input:
 * mag * c / |c|, as librosa's angles / (abs(angles) + eps) times S.  A zero
 * iterate has no direction and takes phase 0, as the zero initial phase
 * would.  Written without branches so that it vectorises. */
static void project(const sono__gla *g, size_t t, sono_complex *restrict spec)
{
    const float *restrict c = (const float *)(g->c + t * g->bins);
    const float *restrict m = g->mag + t * g->bins;
    float *restrict out = (float *)spec;
    for (size_t k = 0; k < g->bins; k++) {
        float re = c[2 * k], im = c[2 * k + 1], mk = m[k];
        float a = sqrtf(re * re + im * im);
        int some = a > 0.0f;
        float s = mk / (some ? a : 1.0f);
        out[2 * k] = some ? re * s : mk;
        out[2 * k + 1] = im * s;
    }
}

/* The windowed inverse FFT of frame t's projection, into its grain. */
static void synthesise_frame(sono__gla *g, sono__fft *f, size_t t)
{
    sono_complex *spec = sono__fft_spectrum(f);
    const float *restrict y = sono__fft_real(f);
    float *restrict out = g->grains + t * g->n_fft;
    const float scale = 1.0f / (float)g->n_fft;
    project(g, t, spec);
    spec[0].im = 0.0f;
    if (g->n_fft % 2 == 0)
        spec[g->bins - 1].im = 0.0f;
    sono__fft_inverse_float(f);
    for (size_t k = 0; k < g->n_fft; k++)
        out[k] = y[k] * scale * g->window[k];
}

static void synthesise(void *ctx, size_t begin, size_t end, int worker)
{
    sono__gla *g = ctx;
    for (size_t t = begin; t < end; t++)
        synthesise_frame(g, g->fft[worker], t);
}

/* Overlap-add of positions [begin, end): each sums its frames in frame
 * order, is normalised, and is zero outside the signal proper (the
 * analysis pads with zeros there). */
static void overlap_add(void *ctx, size_t begin, size_t end, int worker)
{
    sono__gla *g = ctx;
    (void)worker;
    for (size_t i = begin; i < end; i++)
        g->signal[i] = 0.0f;
    size_t first = begin >= g->n_fft ? (begin - g->n_fft) / g->hop : 0;
    for (size_t t = first; t < g->frames; t++) {
        size_t start = t * g->hop;
        if (start >= end)
            break;
        size_t lo = start > begin ? start : begin;
        size_t hi = start + g->n_fft < end ? start + g->n_fft : end;
        const float *grain = g->grains + t * g->n_fft - start;
        for (size_t i = lo; i < hi; i++)
            g->signal[i] += grain[i];
    }
    for (size_t i = begin; i < end; i++)
        g->signal[i] = (i >= g->sig_begin && i < g->sig_end)
                           ? g->signal[i] * g->inv_wss[i]
                           : 0.0f;
}

/* The momentum update works on real and imaginary parts alike, so it runs
 * over the interleaved floats, where it vectorises. */
static void update(const sono__gla *g, size_t t, const float *restrict r)
{
    const size_t n = 2 * g->bins;
    float *restrict c = (float *)(g->c + t * g->bins);
    float *restrict tp = (float *)(g->t + t * g->bins);
    const float a = (float)g->alpha;
    if (!g->d) {
        for (size_t j = 0; j < n; j++) {
            c[j] = r[j] + a * (r[j] - tp[j]);
            tp[j] = r[j];
        }
        return;
    }
    float *restrict d = (float *)(g->d + t * g->bins);
    const float b = (float)g->beta, gm = (float)g->gamma;
    for (size_t j = 0; j < n; j++) {
        float tn = (1.0f - gm) * d[j] + gm * r[j];
        d[j] = tn + b * (tn - tp[j]);
        c[j] = tn + a * (tn - tp[j]);
        tp[j] = tn;
    }
}

/* The analysis of each frame, the update, and (unless this was the last
 * iteration) the synthesis of the next iteration's grain, while the frame
 * is in cache. */
static void analyse_and_update(void *ctx, size_t begin, size_t end,
                               int worker)
{
    sono__gla *g = ctx;
    sono__fft *f = g->fft[worker];
    float *restrict x = sono__fft_real(f);
    for (size_t t = begin; t < end; t++) {
        const float *restrict frame = g->signal + t * g->hop;
        for (size_t k = 0; k < g->n_fft; k++)
            x[k] = frame[k] * g->window[k];
        sono__fft_forward(f);
        update(g, t, (const float *)sono__fft_spectrum(f));
        if (g->more)
            synthesise_frame(g, f, t);
    }
}

void sono__gla_iterate(sono__gla *g, int more)
{
    g->more = more;
    sono__pool_for(g->pool, g->threads, g->span, overlap_add, g);
    sono__pool_for(g->pool, g->threads, g->frames, analyse_and_update, g);
}

/* The magnitude projection of the current iterate: the coefficients whose
 * inverse STFT is the result. */
void sono__gla_result(const sono__gla *g, sono_complex *out)
{
    for (size_t t = 0; t < g->frames; t++)
        project(g, t, out + t * g->bins);
}

/* The result's samples straight from the iteration's own float synthesis,
 * which saves sono_istft_run its double-precision FFT plans and a copy of
 * the coefficients: a tenth of the time on a 5 s clip.  Single precision
 * is why istft is double (see fft.c): it divides by the window sum of
 * squares, and where that is tiny (no centring, a short window, a hop
 * above half the window) rounding noise would be amplified.  So only where
 * the sum is bounded away from zero over the whole signal: centred frames,
 * the window as long as the FFT and overlapping itself at least twice,
 * and no more samples than the frames cover. */
int sono__gla_has_signal(const sono__gla *g, size_t length)
{
    const sono_stft_params *p = &g->p;
    return p->center && p->win_length == p->n_fft && 2 * p->hop_length <= p->n_fft &&
           (length == 0 || length <= g->sig_end - g->sig_begin);
}

void sono__gla_signal(sono__gla *g, size_t length, float *out)
{
    size_t n = length ? length : g->sig_end - g->sig_begin;
    sono__pool_for(g->pool, g->threads, g->frames, synthesise, g);
    sono__pool_for(g->pool, g->threads, g->span, overlap_add, g);
    memcpy(out, g->signal + g->sig_begin, n * sizeof *out);
}
