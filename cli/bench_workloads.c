/* The workloads of `sono bench`: each makes its buffers outside the clock
 * (setup), then computes from samples in memory to a matrix in memory
 * (run, timed), through libsono's public API.  Plans and filterbanks are made
 * inside run, as a librosa call makes its window and mel basis; only
 * fft-floor's batched FFTW plan is made once, since it is the floor of the
 * transform alone.  SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "cli.h"

#define BINS (BENCH_N_FFT / 2 + 1)

static void default_stft(sono_stft_params *p)
{
    sono_stft_params_default(p);
    p->n_fft = BENCH_N_FFT;
    p->hop_length = BENCH_HOP;
    p->window = SONO_WINDOW_HANN;
    p->center = 1;
    p->pad_mode = SONO_PAD_CONSTANT;
}

static int frames_of(size_t n, size_t *frames)
{
    sono_stft_params p;
    default_stft(&p);
    return sono_stft_frame_count(&p, n, frames);
}

/* ---- stft, mel, mfcc: block pulls of a plan made in the run ---- */

typedef struct stft_state {
    const float *x;
    size_t n, frames;
    double rate;
    int threads;
    float *mag;      /* stft: frames x bins */
    float *out;      /* mel: frames x n_mels; mfcc: frames x n_mfcc */
    float *mel_db;   /* mfcc: frames x n_mels */
} stft_state;

/* What a run pulls: |STFT| (mel NULL) or the power mel spectrogram. */
static int pull_into(sono_stft *st, const sono_mel *mel, float *out, size_t rows,
                     size_t *done)
{
    int r;
    do {
        r = mel ? sono_stft_pull_mel(st, mel, 2, out + *done * rows, sono_stft_block(st))
                : sono_stft_pull_spectrum(st, 1, out + *done * rows, sono_stft_block(st));
        if (r > 0)
            *done += (size_t)r;
    } while (r > 0);
    return r;
}

/* Streams s->x through a new block plan on s->threads threads: pushes
 * until the plan's buffer is full, then pulls a block, as `sono stft` and
 * `sono mel` do. */
static int stream_stft(stft_state *s, const sono_mel *mel, float *out, size_t rows)
{
    sono_stft_params p;
    int err = SONO_OK, r = 0;
    size_t used = 0, done = 0;
    default_stft(&p);
    sono_stft *st = sono_stft_new_block(&p, 0, s->threads, &err);
    if (!st)
        return err;
    while (used < s->n && r >= 0) {
        used += sono_stft_push(st, s->x + used, s->n - used);
        r = pull_into(st, mel, out, rows, &done);
    }
    if (r >= 0 && (err = sono_stft_finish(st)) == SONO_OK)
        r = pull_into(st, mel, out, rows, &done);
    if (err == SONO_OK && r < 0)
        err = r;
    if (err == SONO_OK && done != s->frames)
        err = SONO_ERR_STATE;
    sono_stft_free(st);
    return err;
}

static void stft_release(void *state)
{
    stft_state *s = state;
    if (!s)
        return;
    free(s->mag);
    free(s->out);
    free(s->mel_db);
    free(s);
}

static int stft_alloc(const bench_input *in, int at_22k, size_t mag_rows, size_t out_rows,
                      size_t mel_db_rows, stft_state **state)
{
    stft_state *s = calloc(1, sizeof *s);
    if (!s)
        return SONO_ERR_NOMEM;
    *state = s;
    s->x = at_22k ? in->x22 : in->x;
    s->n = at_22k ? in->n22 : in->n;
    s->rate = at_22k ? BENCH_RATE_22K : in->rate;
    s->threads = in->threads;
    int err = frames_of(s->n, &s->frames);
    if (err != SONO_OK)
        return err;
    if ((mag_rows && !(s->mag = malloc(s->frames * mag_rows * sizeof(float)))) ||
        (out_rows && !(s->out = malloc(s->frames * out_rows * sizeof(float)))) ||
        (mel_db_rows && !(s->mel_db = malloc(s->frames * mel_db_rows * sizeof(float)))))
        return SONO_ERR_NOMEM;
    return SONO_OK;
}

/* ---- stft: |STFT| ---- */

static int stft_setup(const bench_input *in, void **state)
{
    return stft_alloc(in, 0, BINS, 0, 0, (stft_state **)state);
}

static int stft_run(void *state)
{
    stft_state *s = state;
    return stream_stft(s, NULL, s->mag, BINS);
}

/* ---- mel: power mel spectrogram to dB (ref 1.0, top_db 80) ---- */

static int mel_setup(const bench_input *in, void **state)
{
    return stft_alloc(in, 0, 0, BENCH_N_MELS, 0, (stft_state **)state);
}

/* The mel spectrogram of s->x into dst (frames x n_mels), in dB. */
static int mel_db(stft_state *s, float *dst)
{
    sono_mel_params mp;
    sono_db_params dp;
    int err = SONO_OK;
    sono_mel_params_default(&mp);
    mp.n_mels = BENCH_N_MELS;
    sono_mel *mel = sono_mel_new(&mp, s->rate, BENCH_N_FFT, &err);
    if (!mel)
        return err;
    err = stream_stft(s, mel, dst, BENCH_N_MELS);
    sono_mel_free(mel);
    if (err != SONO_OK)
        return err;
    sono_db_params_default(&dp, 0);  /* power, ref 1.0, amin 1e-10, top_db 80 */
    return sono_to_db(dst, s->frames * BENCH_N_MELS, &dp);
}

static int mel_run(void *state)
{
    stft_state *s = state;
    return mel_db(s, s->out);
}

/* ---- mfcc: 20 MFCCs at 22.05 kHz ---- */

static int mfcc_setup(const bench_input *in, void **state)
{
    return stft_alloc(in, 1, 0, BENCH_N_MFCC, BENCH_N_MELS, (stft_state **)state);
}

static int mfcc_run(void *state)
{
    stft_state *s = state;
    int err = SONO_OK;
    sono_mfcc *m = sono_mfcc_new(BENCH_N_MELS, BENCH_N_MFCC, 0.0, &err);
    if (!m)
        return err;
    if ((err = mel_db(s, s->mel_db)) == SONO_OK)
        for (size_t t = 0; t < s->frames; t++)
            sono_mfcc_apply(m, s->mel_db + t * BENCH_N_MELS, s->out + t * BENCH_N_MFCC);
    sono_mfcc_free(m);
    return err;
}

/* ---- cqt: 84 bins, 12 per octave, hop 512, at 22.05 kHz, complex ---- */

typedef struct cqt_state {
    const float *x;
    size_t n;
    sono_complex *out;   /* frames x bins */
    int threads;
} cqt_state;

static void cqt_release(void *state)
{
    cqt_state *s = state;
    if (s)
        free(s->out);
    free(s);
}

static void bench_cqt_params(sono_cqt_params *p)
{
    sono_cqt_params_default(p);   /* fmin C1, as librosa.cqt */
    p->n_bins = BENCH_CQT_BINS;
    p->bins_per_octave = BENCH_CQT_BPO;
    p->hop_length = BENCH_HOP;
}

static int cqt_setup(const bench_input *in, void **state)
{
    cqt_state *s = calloc(1, sizeof *s);
    sono_cqt_params p;
    int err = SONO_OK;
    if (!s)
        return SONO_ERR_NOMEM;
    *state = s;
    s->x = in->x22;
    s->n = in->n22;
    bench_cqt_params(&p);
    sono_cqt *c = sono_cqt_new(&p, BENCH_RATE_22K, &err);
    if (!c)
        return err;
    s->threads = in->threads;
    size_t frames = sono_cqt_frames(c, s->n);
    sono_cqt_free(c);
    if (frames == 0)
        return SONO_ERR_EMPTY;
    s->out = malloc(frames * BENCH_CQT_BINS * sizeof *s->out);
    return s->out ? SONO_OK : SONO_ERR_NOMEM;
}

/* The filters and FFT plans are made inside, as librosa.cqt makes its basis. */
static int cqt_run(void *state)
{
    cqt_state *s = state;
    sono_cqt_params p;
    int err = SONO_OK;
    bench_cqt_params(&p);
    p.threads = s->threads;
    sono_cqt *c = sono_cqt_new(&p, BENCH_RATE_22K, &err);
    if (!c)
        return err;
    err = sono_cqt_run(c, s->x, s->n, s->out);
    sono_cqt_free(c);
    return err;
}

/* ---- griffinlim: 32 iterations of fast Griffin-Lim on 30 s at 22.05 kHz ---- */

typedef struct gla_state {
    float *mag;
    size_t frames;
    float *y;
    int threads;
} gla_state;

static void gla_release(void *state)
{
    gla_state *s = state;
    if (!s)
        return;
    free(s->mag);
    free(s->y);
    free(s);
}

static int gla_setup(const bench_input *in, void **state)
{
    gla_state *g = calloc(1, sizeof *g);
    sono_stft_params p;
    int err = SONO_OK;
    if (!g)
        return SONO_ERR_NOMEM;
    *state = g;
    g->threads = in->threads;
    size_t n = (size_t)(BENCH_GLA_SECONDS * BENCH_RATE_22K);
    if (n > in->n22)
        n = in->n22;
    default_stft(&p);
    if ((err = frames_of(n, &g->frames)) != SONO_OK)
        return err;
    sono_complex *S = malloc(g->frames * BINS * sizeof *S);
    g->mag = malloc(g->frames * BINS * sizeof(float));
    g->y = malloc(sono_istft_length(&p, g->frames, 0) * sizeof(float));
    sono_stft *st = sono_stft_new(&p, &err);
    if (!S || !g->mag || !g->y || !st)
        err = err != SONO_OK ? err : SONO_ERR_NOMEM;
    else if ((err = sono_stft_run(st, in->x22, n, S)) == SONO_OK)
        sono_magnitude(S, g->mag, g->frames * BINS);
    sono_stft_free(st);
    free(S);
    return err;
}

static int gla_run(void *state)
{
    gla_state *g = state;
    sono_stft_params p;
    sono_phase_params pp;
    default_stft(&p);
    sono_phase_params_default(&pp);
    pp.method = SONO_PHASE_FGLA;        /* librosa.griffinlim */
    pp.iterations = BENCH_GLA_ITERS;
    pp.momentum = BENCH_GLA_MOMENTUM;
    pp.init = SONO_INIT_RANDOM;         /* librosa's init='random' */
    pp.threads = g->threads;
    return sono_phase_reconstruct(&p, g->mag, g->frames, &pp, 0, g->y);
}

/* ---- resample: the input's rate to 22.05 kHz ---- */

typedef struct resample_state {
    const float *x;
    size_t n;
    double rate;
    float *y;
} resample_state;

static void resample_release(void *state)
{
    resample_state *s = state;
    if (s)
        free(s->y);
    free(s);
}

static int resample_setup(const bench_input *in, void **state)
{
    resample_state *s = calloc(1, sizeof *s);
    if (!s)
        return SONO_ERR_NOMEM;
    *state = s;
    s->x = in->x;
    s->n = in->n;
    s->rate = in->rate;
    size_t m = sono_resample_length(in->n, in->rate, BENCH_RATE_22K);
    if (m == 0)
        return SONO_ERR_INVALID;
    return (s->y = malloc(m * sizeof(float))) ? SONO_OK : SONO_ERR_NOMEM;
}

static int resample_run(void *state)
{
    resample_state *s = state;
    return sono_resample(s->x, s->n, s->rate, BENCH_RATE_22K, s->y);
}

/* ---- fft-floor: FFTW's batched real FFT over the stft workload's frames ---- */

static int floor_setup(const bench_input *in, void **state)
{
    size_t frames;
    int err = frames_of(in->n, &frames);
    if (err != SONO_OK)
        return err;
    sono_fft_floor *f = sono_fft_floor_new(BENCH_N_FFT, frames, in->threads, &err);
    if (!f)
        return err;
    *state = f;
    /* The frames the STFT transforms: zero-padded by n_fft / 2 on both
     * sides (centred), cut every hop, windowed. */
    float window[BENCH_N_FFT];
    sono_window_fill(SONO_WINDOW_HANN, BENCH_N_FFT, BENCH_N_FFT, window);
    float *buf = sono_fft_floor_input(f);
    for (size_t t = 0; t < frames; t++) {
        float *row = buf + t * BENCH_N_FFT;
        for (size_t k = 0; k < BENCH_N_FFT; k++) {
            size_t i = t * BENCH_HOP + k; /* in padded coordinates */
            size_t pad = BENCH_N_FFT / 2;
            row[k] = i >= pad && i - pad < in->n ? in->x[i - pad] * window[k] : 0.0f;
        }
    }
    return SONO_OK;
}

static int floor_run(void *state)
{
    sono_fft_floor_run(state);
    return SONO_OK;
}

static void floor_release(void *state)
{
    sono_fft_floor_free(state);
}

const bench_workload bench_workloads[] = {
    {"stft", "|STFT|, n_fft 2048, hop 512, Hann, centred, at the input's rate",
     stft_setup, stft_run, stft_release, NULL},
    {"mel", "128-band power mel spectrogram to dB (ref 1.0, top_db 80), the same STFT",
     mel_setup, mel_run, stft_release, NULL},
    {"mfcc", "20 MFCCs of the input resampled to 22.05 kHz (resampling not timed)",
     mfcc_setup, mfcc_run, stft_release, NULL},
    {"cqt", "84-bin complex CQT (librosa.cqt, polyphase resampling), 12 per octave, "
     "hop 512, of the input at 22.05 kHz (resampling not timed)",
     cqt_setup, cqt_run, cqt_release, NULL},
    {"griffinlim", "32 iterations of fast Griffin-Lim (momentum 0.99, random start) on "
     "|STFT| of the first 30 s at 22.05 kHz",
     gla_setup, gla_run, gla_release, NULL},
    {"resample", "the input's rate (44.1 kHz) to 22.05 kHz, soxr HQ",
     resample_setup, resample_run, resample_release, NULL},
    {"fft-floor", "FFTW's batched real FFT alone over the frames of stft, the frames "
     "split among the threads (plans made once)",
     floor_setup, floor_run, floor_release, NULL},
};
const size_t bench_workload_count = sizeof bench_workloads / sizeof bench_workloads[0];
