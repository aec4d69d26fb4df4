/* Phase reconstruction: PGHI recovers a pure tone and a chirp, Griffin-Lim
 * improves with iterations, PGHI's start beats a random one, results do
 * not depend on the thread count and do depend on the seed, the output has
 * the STFT's length, the window's Gaussian fit is right, and bad input is
 * refused.  SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "testutil.h"

#define PI 3.14159265358979323846

typedef struct spectrogram {
    sono_stft_params p;
    size_t frames, bins;
    float *mag;
} spectrogram;

static spectrogram analyse(const float *x, size_t n, size_t n_fft, size_t hop,
                           size_t win)
{
    spectrogram s;
    int err;
    s.p = test_stft_params(n_fft, hop, win, SONO_WINDOW_HANN, 1, SONO_PAD_CONSTANT);
    sono_stft_params_resolve(&s.p);
    sono_stft_frame_count(&s.p, n, &s.frames);
    s.bins = sono_stft_bins(&s.p);
    sono_complex *spec = malloc(s.frames * s.bins * sizeof *spec);
    s.mag = malloc(s.frames * s.bins * sizeof *s.mag);
    sono_stft *st = sono_stft_new(&s.p, &err);
    sono_stft_run(st, x, n, spec);
    sono_magnitude(spec, s.mag, s.frames * s.bins);
    sono_stft_free(st);
    free(spec);
    return s;
}

/* Reconstructs and returns the spectral convergence in dB (NAN on error);
 * the signal goes to *out when out is not NULL. */
static double reconstruct(const spectrogram *s, sono_phase_method m,
                          sono_phase_init init, int iters, int threads,
                          uint64_t seed, float **out)
{
    sono_phase_params pp;
    sono_phase_params_default(&pp);
    pp.method = m;
    pp.init = init;
    pp.iterations = iters;
    pp.threads = threads;
    pp.seed = seed;
    size_t n = sono_istft_length(&s->p, s->frames, 0);
    float *y = malloc(n * sizeof *y);
    double sc = NAN;
    int err = sono_phase_reconstruct(&s->p, s->mag, s->frames, &pp, 0, y);
    CHECK(err == SONO_OK, "reconstruct: %s", sono_strerror(err));
    if (err == SONO_OK)
        CHECK(sono_spectral_convergence(&s->p, s->mag, s->frames, y, n, &sc) == SONO_OK,
              "sc");
    if (out)
        *out = y;
    else
        free(y);
    return sc;
}

/* PGHI alone recovers the signal to -30 dB at hop n_fft/8.  At hop n_fft/4
 * the Hann window's departure from a Gaussian costs a chirp some 5 dB of
 * that (measured: about -25 dB), so there PGHI alone must reach -20 dB and
 * with 32 iterations after it -30 dB. */
static void pghi_recovers(const char *what, const float *x, size_t n)
{
    spectrogram s = analyse(x, n, 2048, 256, 0);
    double sc = reconstruct(&s, SONO_PHASE_PGHI, SONO_INIT_DEFAULT, 0, 1, 0, NULL);
    printf("pghi %-6s hop 256: SC %.2f dB\n", what, sc);
    CHECK(sc <= -30.0, "PGHI on a %s at hop 256: SC %.2f dB > -30", what, sc);
    free(s.mag);
    s = analyse(x, n, 2048, 512, 0);
    sc = reconstruct(&s, SONO_PHASE_PGHI, SONO_INIT_DEFAULT, 0, 1, 0, NULL);
    double refined = reconstruct(&s, SONO_PHASE_PGHI_FGLA, SONO_INIT_DEFAULT, 32, 1, 0, NULL);
    printf("pghi %-6s hop 512: SC %.2f dB, with 32 iterations %.2f dB\n", what, sc, refined);
    CHECK(sc <= -20.0, "PGHI on a %s at hop 512: SC %.2f dB > -20", what, sc);
    CHECK(refined <= -30.0, "PGHI+FGLA on a %s at hop 512: SC %.2f dB > -30", what, refined);
    free(s.mag);
}

static void synthetic(void)
{
    const double sr = 22050.0;
    const size_t n = 3 * 22050;
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(0.5 * sin(2 * PI * 440.0 * (double)i / sr));
    pghi_recovers("tone", x, n);
    /* A linear chirp from 100 Hz to 5 kHz. */
    double f0 = 100.0, f1 = 5000.0, dur = (double)n / sr;
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / sr;
        x[i] = (float)(0.5 * sin(2 * PI * (f0 * t + 0.5 * (f1 - f0) / dur * t * t)));
    }
    pghi_recovers("chirp", x, n);
    free(x);
}

static void on_a_recording(const char *data)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/trumpet.ogg", data);
    sono_source_params sp;
    sono_source_params_default(&sp);
    sp.duration = 4.0;
    sono_signal sig;
    CHECK(sono_load(path, &sp, &sig) == SONO_OK, "load %s", path);
    spectrogram s = analyse(sig.data[0], sig.frames, 2048, 512, 0);

    /* Fast Griffin-Lim from the same random start improves with iterations. */
    double prev = 1e9;
    const int iters[] = {1, 4, 16, 64};
    for (int i = 0; i < 4; i++) {
        double sc = reconstruct(&s, SONO_PHASE_FGLA, SONO_INIT_RANDOM, iters[i], 0, 7, NULL);
        printf("fgla %2d iterations: SC %.2f dB\n", iters[i], sc);
        CHECK(sc < prev - 1.0, "SC did not improve by 1 dB from %g to %g at %d iterations",
              prev, sc, iters[i]);
        prev = sc;
    }
    double gla = reconstruct(&s, SONO_PHASE_GLA, SONO_INIT_RANDOM, 32, 0, 7, NULL);
    double fgla = reconstruct(&s, SONO_PHASE_FGLA, SONO_INIT_RANDOM, 32, 0, 7, NULL);
    double pghi = reconstruct(&s, SONO_PHASE_PGHI, SONO_INIT_DEFAULT, 0, 0, 0, NULL);
    float *y1, *y2, *y3, *y4;
    double best = reconstruct(&s, SONO_PHASE_PGHI_FGLA, SONO_INIT_DEFAULT, 32, 1, 0, &y1);
    reconstruct(&s, SONO_PHASE_PGHI_FGLA, SONO_INIT_DEFAULT, 32, 2, 0, &y2);
    printf("32 iterations: gla %.2f, fgla %.2f, pghi alone %.2f, pghi+fgla %.2f dB\n",
           gla, fgla, pghi, best);
    CHECK(fgla < gla, "momentum should help: fgla %.2f >= gla %.2f", fgla, gla);
    CHECK(best < fgla - 3.0, "PGHI's start should beat a random one by 3 dB: %.2f vs %.2f",
          best, fgla);
    CHECK(pghi < -15.0, "PGHI alone: %.2f dB", pghi);
    size_t n = sono_istft_length(&s.p, s.frames, 0);
    CHECK(memcmp(y1, y2, n * sizeof *y1) == 0, "1 and 2 threads differ");

    /* The seed decides the random start, and only the seed. */
    reconstruct(&s, SONO_PHASE_FGLA, SONO_INIT_RANDOM, 2, 1, 5, &y3);
    reconstruct(&s, SONO_PHASE_FGLA, SONO_INIT_RANDOM, 2, 2, 5, &y4);
    CHECK(memcmp(y3, y4, n * sizeof *y3) == 0, "same seed, different output");
    free(y4);
    reconstruct(&s, SONO_PHASE_FGLA, SONO_INIT_RANDOM, 2, 1, 6, &y4);
    CHECK(memcmp(y3, y4, n * sizeof *y3) != 0, "different seeds, same output");

    /* The output has the STFT's length, or the one asked for, and its STFT
     * has the magnitude's shape. */
    CHECK(n == s.p.hop_length * (s.frames - 1), "natural length %zu", n);
    sono_phase_params pp;
    sono_phase_params_default(&pp);
    pp.iterations = 2;
    float *z = malloc(sig.frames * sizeof *z);
    CHECK(sono_phase_reconstruct(&s.p, s.mag, s.frames, &pp, sig.frames, z) == SONO_OK,
          "with length");
    size_t frames;
    sono_stft_frame_count(&s.p, sig.frames, &frames);
    CHECK(frames == s.frames, "%zu frames from the output, %zu in", frames, s.frames);

    /* The result comes from the iteration's float synthesis up to the
     * frames' length, and from the double-precision istft beyond it: the
     * two agree to float rounding where both exist, and a shorter length is
     * the same samples cut. */
    float *full = malloc((n + 300) * sizeof *full), *cut = malloc(n * sizeof *cut);
    CHECK(sono_phase_reconstruct(&s.p, s.mag, s.frames, &pp, 0, z) == SONO_OK &&
              sono_phase_reconstruct(&s.p, s.mag, s.frames, &pp, n + 300, full) == SONO_OK &&
              sono_phase_reconstruct(&s.p, s.mag, s.frames, &pp, n - 300, cut) == SONO_OK,
          "lengths 0, n + 300 and n - 300");
    double peak = 0.0, worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        peak = fmax(peak, fabs(z[i]));
        worst = fmax(worst, fabs((double)z[i] - full[i]));
    }
    printf("float synthesis against double istft: largest difference %.3g of a peak %.3g\n",
           worst, peak);
    CHECK(peak > 0.1 && worst <= 1e-5 * peak, "float and double syntheses differ by %.3g", worst);
    CHECK(memcmp(z, cut, (n - 300) * sizeof *z) == 0, "a shorter length is not the same samples cut");
    free(full);
    free(cut);

    free(y1);
    free(y2);
    free(y3);
    free(y4);
    free(z);
    free(s.mag);
    sono_signal_free(&sig);
}

/* The largest hops the STFT allows (hop = win_length, with and without
 * win_length < n_fft) still reconstruct: the overlap-add buffer is then
 * longer than the frames' grains put together. */
static void widest_hops(void)
{
    const size_t n = 22050;
    float *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(0.5 * sin(2 * PI * 440.0 * (double)i / 22050.0));
    const size_t hops[][2] = {{512, 512}, {512, 384}};
    for (int i = 0; i < 2; i++) {
        spectrogram s = analyse(x, n, 512, hops[i][1], hops[i][1]);
        double sc = reconstruct(&s, SONO_PHASE_PGHI_FGLA, SONO_INIT_DEFAULT, 4, 2, 0, NULL);
        printf("n_fft 512, win_length = hop = %zu: SC %.2f dB\n", hops[i][1], sc);
        CHECK(isfinite(sc), "hop %zu: no result", hops[i][1]);
        free(s.mag);
    }
    free(x);
}

static void gamma_fit(void)
{
    /* LTFAT's tabulated fits: Hann 0.25645 L^2, Blackman 0.17954 L^2. */
    double hann = sono_window_gamma(SONO_WINDOW_HANN, 2048) / (2048.0 * 2048.0);
    double black = sono_window_gamma(SONO_WINDOW_BLACKMAN, 1024) / (1024.0 * 1024.0);
    printf("gamma: hann %.5f L^2, blackman %.5f L^2\n", hann, black);
    CHECK(fabs(hann - 0.25645) < 0.01 * 0.25645, "hann %.5f", hann);
    CHECK(fabs(black - 0.17954) < 0.01 * 0.17954, "blackman %.5f", black);
}

static void bad_input(void)
{
    sono_stft_params p = test_stft_params(64, 16, 0, SONO_WINDOW_HANN, 1, SONO_PAD_CONSTANT);
    sono_phase_params pp;
    float mag[33 * 4], y[64];
    sono_complex c[33 * 4];
    for (int i = 0; i < 33 * 4; i++)
        mag[i] = 1.0f;
    sono_phase_params_default(&pp);
    CHECK(sono_phase_reconstruct(&p, mag, 4, &pp, 0, y) == SONO_OK, "valid input");
    CHECK(sono_phase_reconstruct(&p, mag, 0, &pp, 0, y) == SONO_ERR_EMPTY, "no frames");
    mag[5] = NAN;
    CHECK(sono_phase_reconstruct(&p, mag, 4, &pp, 0, y) == SONO_ERR_NONFINITE, "NaN");
    CHECK(sono_pghi(&p, mag, 4, c) == SONO_ERR_NONFINITE, "NaN in pghi");
    mag[5] = INFINITY;
    CHECK(sono_phase_reconstruct(&p, mag, 4, &pp, 0, y) == SONO_ERR_NONFINITE, "Inf");
    mag[5] = -1.0f;
    CHECK(sono_phase_reconstruct(&p, mag, 4, &pp, 0, y) == SONO_ERR_INVALID, "negative");
    mag[5] = 1.0f;
    pp.iterations = -1;
    CHECK(sono_phase_reconstruct(&p, mag, 4, &pp, 0, y) == SONO_ERR_INVALID, "iters -1");
    pp.iterations = SONO_MAX_ITERATIONS + 1;
    CHECK(sono_phase_reconstruct(&p, mag, 4, &pp, 0, y) == SONO_ERR_INVALID, "iters");
    pp.iterations = 1;
    pp.momentum = 2.0;
    CHECK(sono_phase_reconstruct(&p, mag, 4, &pp, 0, y) == SONO_ERR_INVALID, "momentum 2");
    pp.momentum = NAN;
    CHECK(sono_phase_reconstruct(&p, mag, 4, &pp, 0, y) == SONO_ERR_INVALID, "momentum NaN");
    pp.momentum = 0.99;
    p.n_fft = 1;
    CHECK(sono_phase_reconstruct(&p, mag, 4, &pp, 0, y) == SONO_ERR_INVALID, "n_fft 1");
    /* All zeros: silence, not a crash; its convergence is undefined. */
    p.n_fft = 64;
    memset(mag, 0, sizeof mag);
    CHECK(sono_phase_reconstruct(&p, mag, 4, &pp, 0, y) == SONO_OK, "zeros");
    double sc;
    CHECK(sono_spectral_convergence(&p, mag, 4, y, 48, &sc) == SONO_ERR_EMPTY, "sc of zeros");
    int silent = 1;
    for (int i = 0; i < 48; i++)
        silent &= y[i] == 0.0f;
    CHECK(silent, "zeros give silence");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_phase DATA_DIR\n");
        return 2;
    }
    synthetic();
    on_a_recording(argv[1]);
    widest_hops();
    gamma_fit();
    bad_input();
    return test_summary("test_phase");
}
