/* Phase reconstruction: the methods behind one call, their parameters, and
 * the spectral convergence that measures them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <string.h>

#include "internal.h"

#define PI 3.14159265358979323846

/* The accelerated Griffin-Lim constants used after PGHI (see griffinlim.c
 * and docs/phase.md). */
#define AGLA_ALPHA 0.99
#define AGLA_BETA 1.1
#define AGLA_GAMMA 1.2

static const char *method_names[] = {"pghi+fgla", "pghi", "fgla", "gla"};
static const char *init_names[] = {"default", "zeros", "random", "pghi"};

int sono_phase_method_from_name(const char *name, sono_phase_method *m)
{
    for (int i = 0; name && i < 4; i++)
        if (strcmp(name, method_names[i]) == 0) {
            *m = (sono_phase_method)i;
            return SONO_OK;
        }
    return SONO_ERR_INVALID;
}

const char *sono_phase_method_name(sono_phase_method m)
{
    return (unsigned)m <= SONO_PHASE_GLA ? method_names[m] : "unknown";
}

int sono_phase_init_from_name(const char *name, sono_phase_init *i)
{
    for (int k = 1; name && k < 4; k++)
        if (strcmp(name, init_names[k]) == 0) {
            *i = (sono_phase_init)k;
            return SONO_OK;
        }
    return SONO_ERR_INVALID;
}

void sono_phase_params_default(sono_phase_params *p)
{
    memset(p, 0, sizeof *p);
    p->method = SONO_PHASE_PGHI_FGLA;
    p->iterations = 32;
    p->momentum = 0.99;
    p->init = SONO_INIT_DEFAULT;
}

/* Checks the magnitude: finite and not negative. */
static int check_magnitude(const float *mag, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(mag[i]))
            return SONO_ERR_NONFINITE;
        if (mag[i] < 0.0f)
            return SONO_ERR_INVALID;
    }
    return SONO_OK;
}

/* Element i of the splitmix64 sequence from seed: the generator is a
 * counter, so any element can be computed alone, and the phases come out
 * the same whichever thread computes them. */
static uint64_t splitmix64_at(uint64_t seed, uint64_t i)
{
    uint64_t z = seed + (i + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

typedef struct random_start {
    const float *mag;
    sono_complex *out;
    size_t bins;
    uint64_t seed;
} random_start;

/* Uniform phases in [0, 2 pi) for frames [begin, end). */
static void random_phases(void *ctx, size_t begin, size_t end, int worker)
{
    const random_start *r = ctx;
    (void)worker;
    for (size_t i = begin * r->bins; i < end * r->bins; i++) {
        /* 24 random bits are all a float phase can hold. */
        float ph = (float)(2.0 * PI) * (float)(splitmix64_at(r->seed, i) >> 40) * 0x1.0p-24f;
        r->out[i].re = r->mag[i] * cosf(ph);
        r->out[i].im = r->mag[i] * sinf(ph);
    }
}

static int initial_phase(const sono_stft_params *p, const float *mag,
                         size_t cells, size_t frames, sono_phase_init init,
                         const sono_phase_params *pp, sono_complex *out)
{
    random_start r = {mag, out, sono_stft_bins(p), pp->seed};
    switch (init) {
    case SONO_INIT_PGHI:
        return sono__pghi_phase(p, mag, frames, pp->threads, out);
    case SONO_INIT_RANDOM:
        sono__parallel_for(sono__threads_resolve(pp->threads), frames, random_phases, &r);
        return SONO_OK;
    default:
        for (size_t i = 0; i < cells; i++) {
            out[i].re = mag[i];
            out[i].im = 0.0f;
        }
        return SONO_OK;
    }
}

static int validate(const sono_stft_params *in, sono_stft_params *p,
                    const float *mag, size_t frames, size_t *cells)
{
    if (!in || !mag)
        return SONO_ERR_INVALID;
    *p = *in;
    int err = sono_stft_params_resolve(p);
    if (err != SONO_OK)
        return err;
    if (frames == 0)
        return SONO_ERR_EMPTY;
    if (sono__mul_size(frames, sono_stft_bins(p), cells) != SONO_OK)
        return SONO_ERR_TOO_LARGE;
    return check_magnitude(mag, *cells);
}

int sono_pghi(const sono_stft_params *in, const float *mag, size_t frames,
              sono_complex *out)
{
    sono_stft_params p;
    size_t cells;
    int err = validate(in, &p, mag, frames, &cells);
    if (err != SONO_OK)
        return err;
    if (!out)
        return SONO_ERR_INVALID;
    return sono__pghi_phase(&p, mag, frames, 0, out);
}

int sono_phase_reconstruct(const sono_stft_params *in, const float *mag,
                           size_t frames, const sono_phase_params *pp,
                           size_t length, float *out)
{
    sono_stft_params p;
    size_t cells;
    int err = validate(in, &p, mag, frames, &cells);
    if (err != SONO_OK)
        return err;
    if (!pp || !out || (unsigned)pp->method > SONO_PHASE_GLA ||
        (unsigned)pp->init > SONO_INIT_PGHI || pp->iterations < 0 ||
        pp->iterations > SONO_MAX_ITERATIONS || !(pp->momentum >= 0.0) ||
        !(pp->momentum < 2.0))
        return SONO_ERR_INVALID;

    sono_phase_init init = pp->init;
    if (init == SONO_INIT_DEFAULT)
        init = pp->method == SONO_PHASE_PGHI_FGLA || pp->method == SONO_PHASE_PGHI
                   ? SONO_INIT_PGHI
                   : SONO_INIT_RANDOM;
    int iterations = pp->method == SONO_PHASE_PGHI ? 0 : pp->iterations;
    double alpha = pp->method == SONO_PHASE_GLA ? 0.0 : pp->momentum;
    double beta = 0.0, gamma = 1.0;
    /* librosa's update angles = rebuilt - m / (1 + m) * previous is, after
     * normalisation, Perraudin's c = t + m (t - previous): alpha = m. */
    if (pp->method == SONO_PHASE_PGHI_FGLA) {
        alpha = AGLA_ALPHA;
        beta = AGLA_BETA;
        gamma = AGLA_GAMMA;
    }

    /* With iterations, the initial phase is written straight into the
     * iterate, and the result usually comes out of the iteration's own
     * synthesis; otherwise through the coefficients and istft. */
    sono__gla *g = NULL;
    if (iterations > 0) {
        g = sono__gla_new(&p, mag, frames, alpha, beta, gamma, pp->threads, &err);
        if (!g)
            return err;
        err = initial_phase(&p, mag, cells, frames, init, pp, sono__gla_coefs(g));
        if (err == SONO_OK) {
            sono__gla_start(g, sono__gla_coefs(g));
            for (int i = 0; i < iterations; i++) {
                sono__gla_iterate(g, i + 1 < iterations);
                if (pp->progress)
                    pp->progress(pp->progress_ctx, i + 1, iterations);
            }
        }
        if (err == SONO_OK && sono__gla_has_signal(g, length)) {
            sono__gla_signal(g, length, out);
            sono__gla_free(g);
            return SONO_OK;
        }
    }
    sono_complex *coef = err == SONO_OK ? sono__malloc_array(cells, sizeof *coef) : NULL;
    if (err == SONO_OK && !coef)
        err = SONO_ERR_NOMEM;
    if (err == SONO_OK) {
        if (g)
            sono__gla_result(g, coef);
        else
            err = initial_phase(&p, mag, cells, frames, init, pp, coef);
    }
    sono__gla_free(g);
    if (err == SONO_OK)
        err = sono_istft_run(&p, coef, frames, length, out);
    sono__free(coef);
    return err;
}

int sono_spectral_convergence(const sono_stft_params *in, const float *mag,
                              size_t frames, const float *y, size_t n,
                              double *sc_db)
{
    sono_stft_params p;
    size_t cells, got;
    int err = validate(in, &p, mag, frames, &cells);
    if (err != SONO_OK)
        return err;
    if (!y || !sc_db)
        return SONO_ERR_INVALID;
    if ((err = sono_stft_frame_count(&p, n, &got)) != SONO_OK)
        return err;
    size_t bins = sono_stft_bins(&p);
    sono_stft *st = sono_stft_new(&p, &err);
    sono_complex *frame = sono__malloc_array(bins, sizeof *frame);
    if (!st || !frame) {
        sono_stft_free(st);
        sono__free(frame);
        return err != SONO_OK ? err : SONO_ERR_NOMEM;
    }
    /* Frame by frame, so that a long signal needs no second spectrogram. */
    double diff = 0.0, ref = 0.0;
    size_t t = 0, used = 0;
    int finished = 0;
    while (t < frames) {
        if (sono_stft_pull(st, frame) == 1) {
            for (size_t k = 0; k < bins; k++) {
                double e = (double)mag[t * bins + k] - hypot(frame[k].re, frame[k].im);
                diff += e * e;
            }
            t++;
        } else if (used < n) {
            used += sono_stft_push(st, y + used, n - used);
        } else if (!finished) {
            sono_stft_finish(st);
            finished = 1;
        } else {
            break; /* the signal has fewer frames than the magnitude */
        }
    }
    for (size_t i = 0; i < t * bins; i++)
        ref += (double)mag[i] * mag[i];
    sono_stft_free(st);
    sono__free(frame);
    if (ref <= 0.0)
        return SONO_ERR_EMPTY;
    *sc_db = diff > 0.0 ? 10.0 * log10(diff / ref) : -INFINITY;
    return SONO_OK;
}
