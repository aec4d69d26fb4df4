/* The log-frequency filterbank (sono_logfreq) and its inverse: the centres,
 * weights that sum to 1, a constant spectrum flat across bands, tones in
 * the band nearest them, narrow bands as linear interpolation, the inverse
 * on real clips, and bad parameters.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>
#include <time.h>

#include "testutil.h"

static double seconds(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static sono_logfreq *bank_of(double fmin, double fmax, double bpo, double sr,
                             size_t n_fft)
{
    sono_logfreq_params p;
    sono_logfreq_params_default(&p);
    if (fmin > 0)
        p.fmin = fmin;
    p.fmax = fmax;
    if (bpo > 0)
        p.bins_per_octave = bpo;
    int err = SONO_OK;
    sono_logfreq *l = sono_logfreq_new(&p, sr, n_fft, &err);
    CHECK(l != NULL, "fmin %g fmax %g bpo %g sr %g n_fft %zu: %s", fmin, fmax,
          bpo, sr, n_fft, sono_strerror(err));
    return l;
}

/* Centres, the number of bands, rows summing to 1, a constant spectrum. */
static void test_weights(void)
{
    static const struct {
        double fmin, fmax, bpo, sr;
        size_t n_fft, bands;
    } cases[] = {
        /* 24 log2(11025 / 32.703) = 201.5 */
        {0, 0, 0, 22050, 2048, 202},
        {0, 0, 0, 16000, 512, 191},
        /* fmax exactly 3 octaves above fmin is the last centre */
        {100, 800, 12, 22050, 2048, 37},
        {100, 800, 12, 22050, 1023, 37},
        {55, 0, 36, 44100, 4096, 312},
        {20, 20000, 1, 44100, 256, 10},
        {1000, 1001, 1200, 8000, 64, 2},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        sono_logfreq *l = bank_of(cases[c].fmin, cases[c].fmax, cases[c].bpo,
                                  cases[c].sr, cases[c].n_fft);
        if (!l)
            continue;
        size_t bands = sono_logfreq_bands(l), bins = sono_logfreq_bins(l);
        CHECK(bands == cases[c].bands, "case %zu: %zu bands, expected %zu", c,
              bands, cases[c].bands);
        CHECK(bins == cases[c].n_fft / 2 + 1, "case %zu: %zu bins", c, bins);
        double *f = malloc(bands * sizeof *f);
        float *w = malloc(bands * bins * sizeof *w);
        float *ones = malloc(bins * sizeof *ones), *out = malloc(bands * sizeof *out);
        sono_logfreq_frequencies(l, f);
        sono_logfreq_weights(l, w);
        double fmin = cases[c].fmin > 0 ? cases[c].fmin : 32.703195662574829;
        double bpo = cases[c].bpo > 0 ? cases[c].bpo : 24;
        double worst_f = 0, worst_sum = 0, worst_flat = 0;
        size_t negative = 0;
        for (size_t k = 0; k < bands; k++) {
            double want = fmin * pow(2.0, (double)k / bpo);
            worst_f = fmax(worst_f, fabs(f[k] - want) / want);
            double sum = 0;
            for (size_t j = 0; j < bins; j++) {
                sum += w[k * bins + j];
                negative += w[k * bins + j] < 0;
            }
            worst_sum = fmax(worst_sum, fabs(sum - 1.0));
        }
        for (size_t j = 0; j < bins; j++)
            ones[j] = 1.0f;
        sono_logfreq_apply(l, ones, out);
        for (size_t k = 0; k < bands; k++)
            worst_flat = fmax(worst_flat, fabs(out[k] - 1.0));
        printf("bank %zu: %3zu bands x %4zu bins; centres %.1e, |row sum - 1| "
               "%.1e, constant spectrum %.1e\n", c, bands, bins, worst_f,
               worst_sum, worst_flat);
        CHECK(worst_f < 1e-15, "case %zu: centres off by %.2e", c, worst_f);
        CHECK(worst_sum < 1e-6, "case %zu: a row sums to 1 +- %.2e", c, worst_sum);
        CHECK(worst_flat < 1e-6, "case %zu: constant spectrum off by %.2e", c,
              worst_flat);
        CHECK(negative == 0, "case %zu: %zu negative weights", c, negative);
        free(f);
        free(w);
        free(ones);
        free(out);
        sono_logfreq_free(l);
    }
}

/* Where both neighbours are within one bin, a band is the spectrum
 * interpolated linearly at its centre. */
static void test_interpolation(void)
{
    const double sr = 22050;
    const size_t n_fft = 2048, bins = 1025;
    sono_logfreq *l = bank_of(0, 0, 0, sr, n_fft);
    if (!l)
        return;
    size_t bands = sono_logfreq_bands(l), narrow = 0;
    double *f = malloc((bands + 1) * sizeof *f), worst = 0;
    float *x = malloc(bins * sizeof *x), *out = malloc(bands * sizeof *out);
    test_noise(x, bins, 11);
    for (size_t j = 0; j < bins; j++)
        x[j] += 0.5f; /* a magnitude: >= 0 */
    sono_logfreq_frequencies(l, f);
    sono_logfreq_apply(l, x, out);
    double df = sr / (double)n_fft;
    for (size_t k = 1; k + 1 < bands; k++) {
        if (f[k + 1] - f[k] > df)
            break;
        narrow++;
        size_t j = (size_t)floor(f[k] / df);
        double t = f[k] / df - (double)j;
        double want = (1 - t) * x[j] + t * x[j + 1];
        worst = fmax(worst, fabs(out[k] - want));
    }
    printf("%zu narrow bands (up to %.0f Hz) vs linear interpolation: max "
           "error %.1e\n", narrow, narrow ? f[narrow] : 0.0, worst);
    /* df / (2^(1/24) - 1) = 367 Hz: bands 1 to 83 */
    CHECK(narrow == 83, "%zu narrow bands, expected 83", narrow);
    CHECK(worst < 1e-6, "narrow bands differ from interpolation by %.2e", worst);
    free(f);
    free(x);
    free(out);
    sono_logfreq_free(l);
}

/* A tone's largest band is the one whose centre is nearest to it (on the
 * log axis), or its neighbour.  Below 367 Hz, where bands are narrower than
 * a bin, they interpolate the magnitude linearly between bins, and a linear
 * interpolant peaks at a bin: the largest band is then the one nearest the
 * loudest bin, which is within one bin (df) of the tone but can be several
 * narrow bands away from it (40 Hz: bins at 32.3 and 43.1 Hz, largest band
 * 42.4 Hz, two bands above the nearest). */
static void test_tones(void)
{
    const double sr = 22050, pi = 3.14159265358979323846;
    const size_t n_fft = 2048, n = 22050;
    const double df = sr / (double)n_fft;
    static const double tones[] = {40, 110, 440, 1000, 3001, 7000, 10500};
    sono_logfreq *l = bank_of(0, 0, 0, sr, n_fft);
    sono_stft_params p =
        test_stft_params(n_fft, 512, 0, SONO_WINDOW_HANN, 1, SONO_PAD_CONSTANT);
    int err;
    sono_stft *s = sono_stft_new(&p, &err);
    size_t frames = 0;
    sono_stft_frame_count(&p, n, &frames);
    if (!l || !s) {
        CHECK(s != NULL, "stft: %s", sono_strerror(err));
        sono_logfreq_free(l);
        return;
    }
    size_t bands = sono_logfreq_bands(l), bins = n_fft / 2 + 1;
    float *y = malloc(n * sizeof *y), *mag = malloc(bins * sizeof *mag);
    float *out = malloc(bands * sizeof *out);
    sono_complex *spec = malloc(frames * bins * sizeof *spec);
    double *f = malloc(bands * sizeof *f);
    sono_logfreq_frequencies(l, f);
    for (size_t t = 0; t < sizeof tones / sizeof tones[0]; t++) {
        for (size_t i = 0; i < n; i++)
            y[i] = (float)(0.5 * sin(2 * pi * tones[t] * (double)i / sr));
        sono_stft_run(s, y, n, spec);
        sono_magnitude(spec + (frames / 2) * bins, mag, bins);
        sono_logfreq_apply(l, mag, out);
        size_t best = 0, nearest = 0;
        for (size_t k = 0; k < bands; k++) {
            if (out[k] > out[best])
                best = k;
            if (fabs(log(f[k] / tones[t])) < fabs(log(f[nearest] / tones[t])))
                nearest = k;
        }
        size_t off = best > nearest ? best - nearest : nearest - best;
        double hz_off = fabs(f[best] - tones[t]);
        printf("tone %6.0f Hz: largest band %3zu (%7.1f Hz), nearest %3zu "
               "(%7.1f Hz)\n", tones[t], best, f[best], nearest, f[nearest]);
        CHECK(off <= 1 || hz_off <= df, "tone %g Hz: largest band %zu, "
              "nearest %zu", tones[t], best, nearest);
    }
    free(y);
    free(mag);
    free(out);
    free(spec);
    free(f);
    sono_stft_free(s);
    sono_logfreq_free(l);
}

/* The inverse, applied again, gives back bands close to the input.  How
 * close depends on where librosa's stopping rules leave the solver (see
 * nnls.c); max_residual is 1.5 times what was measured. */
static void test_inverse(const char *data)
{
    static const struct {
        const char *clip;
        size_t n_fft, hop;
        double fmin, bpo;
        int power;
        double max_residual;
    } cases[] = {
        {"speech.ogg", 2048, 512, 0, 0, 1, 7.5e-3},
        {"trumpet.ogg", 2048, 512, 0, 0, 1, 0.025},
        {"speech.ogg", 1024, 256, 0, 48, 2, 1.5e-3},
        {"cat.wav", 1024, 256, 50, 12, 1, 0.12},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char path[4096];
        sono_signal sig;
        sono_source_params sp;
        sono_source_params_default(&sp);
        snprintf(path, sizeof path, "%s/%s", data, cases[c].clip);
        int err = sono_load(path, &sp, &sig);
        CHECK(err == SONO_OK, "%s: %s", path, sono_strerror(err));
        if (err != SONO_OK)
            continue;
        size_t n_fft = cases[c].n_fft, bins = n_fft / 2 + 1, frames = 0;
        sono_stft_params p = test_stft_params(n_fft, cases[c].hop, 0,
                                              SONO_WINDOW_HANN, 1,
                                              SONO_PAD_CONSTANT);
        sono_stft *s = sono_stft_new(&p, &err);
        sono_logfreq *l = bank_of(cases[c].fmin, 0, cases[c].bpo,
                                  sig.sample_rate, n_fft);
        sono_stft_frame_count(&p, sig.frames, &frames);
        if (!s || !l) {
            sono_stft_free(s);
            sono_logfreq_free(l);
            sono_signal_free(&sig);
            continue;
        }
        size_t bands = sono_logfreq_bands(l);
        sono_complex *spec = malloc(frames * bins * sizeof *spec);
        float *mag = malloc(frames * bins * sizeof *mag);
        float *x = malloc(frames * bands * sizeof *x);
        float *S = malloc(frames * bins * sizeof *S);
        float *col = malloc(bins * sizeof *col), *back = malloc(bands * sizeof *back);
        sono_stft_run(s, sig.data[0], sig.frames, spec);
        if (cases[c].power == 1)
            sono_magnitude(spec, mag, frames * bins);
        else
            sono_power(spec, mag, frames * bins);
        for (size_t t = 0; t < frames; t++)
            sono_logfreq_apply(l, mag + t * bins, x + t * bands);
        double t0 = seconds();
        err = sono_logfreq_to_stft(l, x, frames, cases[c].power, S);
        double t1 = seconds();
        CHECK(err == SONO_OK, "%s: %s", cases[c].clip, sono_strerror(err));
        double num = 0, den = 0;
        size_t bad = 0;
        for (size_t t = 0; t < frames; t++) {
            for (size_t j = 0; j < bins; j++) {
                float v = S[t * bins + j];
                bad += !(v >= 0.0f) || isinf(v);
                col[j] = (float)pow(v, cases[c].power);
            }
            sono_logfreq_apply(l, col, back);
            for (size_t k = 0; k < bands; k++) {
                double d = (double)back[k] - x[t * bands + k];
                num += d * d;
                den += (double)x[t * bands + k] * x[t * bands + k];
            }
        }
        double res = sqrt(num / den);
        printf("%-12s n_fft %4zu power %d: %3zu bands, %zu frames, %.2f s; "
               "bands of the inverse vs the bands %.3e\n", cases[c].clip,
               n_fft, cases[c].power, bands, frames, t1 - t0, res);
        CHECK(bad == 0, "%s: %zu values negative or not finite", cases[c].clip,
              bad);
        CHECK(res <= cases[c].max_residual, "%s: residual %.3e", cases[c].clip,
              res);
        free(spec);
        free(mag);
        free(x);
        free(S);
        free(col);
        free(back);
        sono_stft_free(s);
        sono_logfreq_free(l);
        sono_signal_free(&sig);
    }
}

static void test_bad_input(void)
{
    static const struct {
        double fmin, fmax, bpo, sr;
        size_t n_fft;
        const char *what;
    } bad[] = {
        {0, 0, 24, 22050, 2048, "fmin 0"},
        {-1, 0, 24, 22050, 2048, "fmin -1"},
        {NAN, 0, 24, 22050, 2048, "fmin NaN"},
        {INFINITY, 0, 24, 22050, 2048, "fmin inf"},
        {100, 11026, 24, 22050, 2048, "fmax above Nyquist"},
        {100, 100, 24, 22050, 2048, "fmax = fmin"},
        {100, 50, 24, 22050, 2048, "fmax < fmin"},
        {100, -1, 24, 22050, 2048, "fmax -1"},
        {100, NAN, 24, 22050, 2048, "fmax NaN"},
        {11025, 0, 24, 22050, 2048, "fmin = sr/2"},
        {100, 0, 0.5, 22050, 2048, "bpo 0.5"},
        {100, 0, 0, 22050, 2048, "bpo 0"},
        {100, 0, 1201, 22050, 2048, "bpo 1201"},
        {100, 0, NAN, 22050, 2048, "bpo NaN"},
        {1e-300, 0, 1200, 22050, 2048, "more than 100000 bands"},
        {100, 0, 24, 0, 2048, "sr 0"},
        {100, 0, 24, -22050, 2048, "sr < 0"},
        {100, 0, 24, INFINITY, 2048, "sr inf"},
        {100, 0, 24, NAN, 2048, "sr NaN"},
        {100, 0, 24, 22050, 1, "n_fft 1"},
        {100, 0, 24, 22050, 0, "n_fft 0"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sono_logfreq_params p = {bad[i].fmin, bad[i].fmax, bad[i].bpo};
        int err = SONO_OK;
        sono_logfreq *l = sono_logfreq_new(&p, bad[i].sr, bad[i].n_fft, &err);
        CHECK(l == NULL && err == SONO_ERR_INVALID, "%s: accepted (%s)",
              bad[i].what, sono_strerror(err));
        sono_logfreq_free(l);
    }
    int err = SONO_OK;
    CHECK(sono_logfreq_new(NULL, 22050, 2048, &err) == NULL &&
              err == SONO_ERR_INVALID, "NULL parameters");
    sono_logfreq_free(NULL);
    /* The limits themselves are fine. */
    sono_logfreq *l = bank_of(100, 11025, 1200, 22050, 2);
    sono_logfreq_free(l);
    l = bank_of(100, 200, 1, 22050, 2048);
    CHECK(l && sono_logfreq_bands(l) == 2, "one octave at 1 band per octave");
    sono_logfreq_free(l);

    l = bank_of(100, 0, 12, 16000, 256);
    if (!l)
        return;
    size_t bands = sono_logfreq_bands(l);
    float *x = malloc(3 * bands * sizeof *x), S[3 * 129];
    for (size_t i = 0; i < 3 * bands; i++)
        x[i] = 1.0f + (float)i;
    CHECK(sono_logfreq_to_stft(l, x, 3, 1.0, S) == SONO_OK, "valid input");
    CHECK(sono_logfreq_to_stft(l, x, 0, 1.0, S) == SONO_ERR_EMPTY, "0 frames");
    CHECK(sono_logfreq_to_stft(l, x, 3, 0.0, S) == SONO_ERR_INVALID, "power 0");
    CHECK(sono_logfreq_to_stft(l, x, 3, NAN, S) == SONO_ERR_INVALID, "power NaN");
    CHECK(sono_logfreq_to_stft(NULL, x, 3, 1.0, S) == SONO_ERR_INVALID, "no bank");
    CHECK(sono_logfreq_to_stft(l, NULL, 3, 1.0, S) == SONO_ERR_INVALID, "no input");
    CHECK(sono_logfreq_to_stft(l, x, 3, 1.0, NULL) == SONO_ERR_INVALID, "no output");
    x[5] = NAN;
    CHECK(sono_logfreq_to_stft(l, x, 3, 1.0, S) == SONO_ERR_NONFINITE, "NaN");
    x[5] = -1e-6f;
    CHECK(sono_logfreq_to_stft(l, x, 3, 1.0, S) == SONO_ERR_INVALID, "negative");
    /* Silence inverts to silence. */
    memset(x, 0, 3 * bands * sizeof *x);
    CHECK(sono_logfreq_to_stft(l, x, 3, 2.0, S) == SONO_OK, "silence");
    size_t nonzero = 0;
    for (size_t i = 0; i < 3 * 129; i++)
        nonzero += S[i] != 0.0f;
    CHECK(nonzero == 0, "silence: %zu non-zero values", nonzero);
    free(x);
    sono_logfreq_free(l);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_logfreq DATA_DIR\n");
        return 2;
    }
    test_weights();
    test_interpolation();
    test_tones();
    test_inverse(argv[1]);
    test_bad_input();
    return test_summary("test_logfreq");
}
