/* Mel and MFCC inversion (sono_mel_to_stft, sono_mfcc_to_mel): librosa's
 * golden outputs for speech.ogg within the tolerances of manifest.json, and
 * properties that hold for any input: the inverse is a non-negative
 * spectrogram whose mel spectrogram is close to the input, blocks are
 * independent, MFCCs of all n_mels coefficients invert exactly, and bad
 * input gives the documented codes.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>
#include <time.h>

#include "testutil.h"

/* The "value" of the tolerance of case name in manifest.json, its kind in
 * kind; -1 if absent. */
static double manifest_tolerance(const char *manifest, const char *name,
                                 char kind[64])
{
    test_tolerance t;
    if (test_manifest_tolerance(manifest, name, &t) != 0)
        return -1;
    memcpy(kind, t.kind, sizeof t.kind);
    return t.value;
}

/* Frame-major power^p mel spectrogram of sig (librosa.feature.melspectrogram
 * with these parameters); the filterbank goes to *bank. */
static float *mel_of(const sono_signal *sig, size_t n_fft, size_t hop,
                     const sono_mel_params *mp, int power, sono_mel **bank,
                     size_t *frames)
{
    int err;
    sono_stft_params p = test_stft_params(n_fft, hop, 0, SONO_WINDOW_HANN, 1,
                                          SONO_PAD_CONSTANT);
    sono_stft *s = sono_stft_new(&p, &err);
    *bank = sono_mel_new(mp, sig->sample_rate, n_fft, &err);
    if (!s || !*bank ||
        sono_stft_frame_count(&p, sig->frames, frames) != SONO_OK)
        return NULL;
    size_t bins = n_fft / 2 + 1, bands = mp->n_mels;
    sono_complex *spec = malloc(*frames * bins * sizeof *spec);
    float *mag = malloc(*frames * bins * sizeof *mag);
    float *mel = malloc(*frames * bands * sizeof *mel);
    sono_stft_run(s, sig->data[0], sig->frames, spec);
    sono_stft_free(s);
    if (power == 1)
        sono_magnitude(spec, mag, *frames * bins);
    else
        sono_power(spec, mag, *frames * bins);
    for (size_t t = 0; t < *frames; t++)
        sono_mel_apply(*bank, mag + t * bins, mel + t * bands);
    free(spec);
    free(mag);
    return mel;
}

/* Error of ours (frame-major, frames x rows) against ref (rows x frames). */
static double compare(const char *kind, const float *ours, const float *ref,
                      size_t rows, size_t frames)
{
    double num = 0, den = 0, worst = 0, peak = 0;
    for (size_t r = 0; r < rows; r++)
        for (size_t t = 0; t < frames; t++) {
            double a = ours[t * rows + r], b = ref[r * frames + t];
            double d = fabs(a - b);
            if (!(d <= worst))
                worst = d;
            peak = fabs(b) > peak ? fabs(b) : peak;
            num += d * d;
            den += b * b;
        }
    if (strcmp(kind, "rel_frobenius") == 0)
        return sqrt(num / den);
    return worst / peak;
}

static double seconds(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ||A S^power - M|| / ||M|| for the inverse S of M: how well the inverse
 * explains its input.  Also checks that S is finite and non-negative. */
static double residual(const sono_mel *bank, const float *mel, const float *S,
                       size_t frames, double power, const char *what)
{
    size_t bins = sono_mel_bins(bank), bands = sono_mel_bands(bank);
    float *col = malloc(bins * sizeof *col),
          *back = malloc(bands * sizeof *back);
    double num = 0, den = 0;
    size_t bad = 0;
    for (size_t t = 0; t < frames; t++) {
        for (size_t k = 0; k < bins; k++) {
            float v = S[t * bins + k];
            bad += !(v >= 0.0f) || isinf(v);
            col[k] = (float)pow(v, power);
        }
        sono_mel_apply(bank, col, back);
        for (size_t i = 0; i < bands; i++) {
            double d = (double)back[i] - mel[t * bands + i];
            num += d * d;
            den += (double)mel[t * bands + i] * mel[t * bands + i];
        }
    }
    CHECK(bad == 0, "%s: %zu values negative or not finite", what, bad);
    free(col);
    free(back);
    return den > 0 ? sqrt(num / den) : sqrt(num);
}

static void test_golden(const char *golden, const char *data)
{
    char path[4096], kind[64] = "";
    snprintf(path, sizeof path, "%s/manifest.json", golden);
    char *manifest = test_read_text(path);
    CHECK(manifest != NULL, "cannot read %s", path);
    sono_signal sig;
    sono_source_params sp;
    sono_source_params_default(&sp);
    snprintf(path, sizeof path, "%s/speech.ogg", data);
    int err = sono_load(path, &sp, &sig);
    CHECK(err == SONO_OK, "%s: %s", path, sono_strerror(err));
    if (err != SONO_OK || !manifest) {
        free(manifest);
        return;
    }
    sono_mel_params mp;
    sono_mel_params_default(&mp);
    sono_mel *bank = NULL;
    size_t frames = 0, bins = 1025;
    float *mel = mel_of(&sig, 2048, 512, &mp, 2, &bank, &frames);
    CHECK(mel != NULL, "mel spectrogram of speech.ogg");

    /* mel_to_stft_speech */
    sono_npy_array ref;
    snprintf(path, sizeof path, "%s/mel_to_stft_speech.npy", golden);
    err = sono_npy_load(path, &ref);
    CHECK(err == SONO_OK, "%s: %s", path, sono_strerror(err));
    double tol = manifest_tolerance(manifest, "mel_to_stft_speech", kind);
    CHECK(tol > 0, "mel_to_stft_speech not in the manifest");
    if (mel && err == SONO_OK && tol > 0) {
        float *S = malloc(frames * bins * sizeof *S);
        double t0 = seconds();
        err = sono_mel_to_stft(bank, mel, frames, 2.0, S);
        double t1 = seconds();
        CHECK(err == SONO_OK, "sono_mel_to_stft: %s", sono_strerror(err));
        int shape_ok =
            ref.ndim == 2 && ref.shape[0] == bins && ref.shape[1] == frames;
        double e =
            shape_ok ? compare(kind, S, ref.data, bins, frames) : INFINITY;
        printf("%-24s %-18s error %.3e  tolerance %.0e  (%zu frames, %.3f s)\n",
               "mel_to_stft_speech", kind, e, tol, frames, t1 - t0);
        CHECK(e <= tol, "mel_to_stft_speech: error %.3e > %.0e", e, tol);
        /* librosa's own result explains its input only this well (its
         * solver stops after two iterations): 4.8e-2. */
        double res = residual(bank, mel, S, frames, 2.0, "mel_to_stft_speech");
        printf("  mel of the inverse vs the mel: relative error %.3e\n", res);
        CHECK(res < 0.07, "residual %.3e", res);
        free(S);
        sono_npy_free(&ref);
    }

    /* mfcc_to_mel_speech: the 20 MFCCs of librosa.feature.mfcc, inverted */
    snprintf(path, sizeof path, "%s/mfcc_to_mel_speech.npy", golden);
    err = sono_npy_load(path, &ref);
    CHECK(err == SONO_OK, "%s: %s", path, sono_strerror(err));
    tol = manifest_tolerance(manifest, "mfcc_to_mel_speech", kind);
    CHECK(tol > 0, "mfcc_to_mel_speech not in the manifest");
    if (mel && err == SONO_OK && tol > 0) {
        sono_db_params db;
        sono_db_params_default(&db, 0);
        sono_to_db(mel, frames * 128, &db);
        sono_mfcc *m = sono_mfcc_new(128, 20, 0, &err);
        float *c = malloc(frames * 20 * sizeof *c);
        float *back = malloc(frames * 128 * sizeof *back);
        for (size_t t = 0; t < frames; t++)
            sono_mfcc_apply(m, mel + t * 128, c + t * 20);
        err = sono_mfcc_to_mel(c, 20, frames, 128, 0.0, 1.0, back);
        CHECK(err == SONO_OK, "sono_mfcc_to_mel: %s", sono_strerror(err));
        int shape_ok =
            ref.ndim == 2 && ref.shape[0] == 128 && ref.shape[1] == frames;
        double e =
            shape_ok ? compare(kind, back, ref.data, 128, frames) : INFINITY;
        printf("%-24s %-18s error %.3e  tolerance %.0e\n", "mfcc_to_mel_speech",
               kind, e, tol);
        CHECK(e <= tol, "mfcc_to_mel_speech: error %.3e > %.0e", e, tol);
        sono_mfcc_free(m);
        free(c);
        free(back);
        sono_npy_free(&ref);
    }
    free(mel);
    sono_mel_free(bank);
    sono_signal_free(&sig);
    free(manifest);
}

/* Other clips and parameters: no reference values, but the inverse must be
 * a non-negative spectrogram whose mel spectrogram is near the input, and
 * blocks of sono_mel_to_stft_block() frames must be independent. */
static void test_properties(const char *data)
{
    /* max_residual: 1.5 times what was measured (the solver stops early,
     * as librosa's does, so the fit is loose but far from arbitrary). */
    static const struct {
        const char *clip;
        size_t n_fft, hop, n_mels;
        int htk, power;
        sono_mel_norm norm;
        double fmin, fmax, max_residual;
    } cases[] = {
        /* two blocks of 512 frames */
        {"trumpet.ogg", 2048, 256, 128, 0, 2, SONO_MEL_NORM_SLANEY, 0, 0, 0.15},
        {"cat.wav", 1024, 512, 64, 1, 1, SONO_MEL_NORM_SLANEY, 50, 8000, 0.17},
        {"robin.ogg", 2048, 512, 40, 0, 2, SONO_MEL_NORM_SLANEY, 0, 0, 0.24},
        /* more bands than the 257 bins can resolve: rank-deficient */
        {"speech.ogg", 512, 512, 128, 0, 2, SONO_MEL_NORM_SLANEY, 0, 0, 3e-3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[4096];
        sono_signal sig;
        sono_source_params sp;
        sono_source_params_default(&sp);
        snprintf(path, sizeof path, "%s/%s", data, cases[i].clip);
        int err = sono_load(path, &sp, &sig);
        CHECK(err == SONO_OK, "%s: %s", path, sono_strerror(err));
        if (err != SONO_OK)
            continue;
        sono_mel_params mp;
        sono_mel_params_default(&mp);
        mp.n_mels = cases[i].n_mels;
        mp.htk = cases[i].htk;
        mp.norm = cases[i].norm;
        mp.fmin = cases[i].fmin;
        mp.fmax = cases[i].fmax;
        sono_mel *bank = NULL;
        size_t frames = 0;
        float *mel = mel_of(&sig, cases[i].n_fft, cases[i].hop, &mp,
                            cases[i].power, &bank, &frames);
        CHECK(mel != NULL, "mel of %s", cases[i].clip);
        if (!mel)
            continue;
        size_t bins = sono_mel_bins(bank), block = sono_mel_to_stft_block(bank);
        CHECK(bins == cases[i].n_fft / 2 + 1, "sono_mel_bins %zu", bins);
        CHECK(block == 262144 / (4 * cases[i].n_mels), "block %zu", block);
        float *S = malloc(frames * bins * sizeof *S);
        double t0 = seconds();
        err = sono_mel_to_stft(bank, mel, frames, cases[i].power, S);
        double t1 = seconds();
        CHECK(err == SONO_OK, "%s: %s", cases[i].clip, sono_strerror(err));
        double res =
            residual(bank, mel, S, frames, cases[i].power, cases[i].clip);
        printf(
            "%-12s n_fft %5zu hop %4zu mels %3zu power %d: %zu frames, %.3f s, "
            "mel of the inverse vs the mel %.3e\n",
            cases[i].clip, cases[i].n_fft, cases[i].hop, cases[i].n_mels,
            cases[i].power, frames, t1 - t0, res);
        CHECK(res <= cases[i].max_residual, "%s: residual %.3e", cases[i].clip,
              res);
        if (frames > block) {
            /* The first block and the rest, in two calls: the same values. */
            float *S2 = malloc(frames * bins * sizeof *S2);
            size_t bands = cases[i].n_mels;
            err = sono_mel_to_stft(bank, mel, block, cases[i].power, S2);
            CHECK(err == SONO_OK, "first block: %s", sono_strerror(err));
            err = sono_mel_to_stft(bank, mel + block * bands, frames - block,
                                   cases[i].power, S2 + block * bins);
            CHECK(err == SONO_OK, "second block: %s", sono_strerror(err));
            CHECK(memcmp(S, S2, frames * bins * sizeof *S) == 0,
                  "%s: blocks solved apart differ", cases[i].clip);
            free(S2);
        }
        free(S);
        free(mel);
        sono_mel_free(bank);
        sono_signal_free(&sig);
    }

    /* Silence inverts to silence, at once. */
    sono_mel_params mp;
    sono_mel_params_default(&mp);
    int err;
    sono_mel *bank = sono_mel_new(&mp, 22050, 2048, &err);
    float *zeros = calloc(10 * 128, sizeof *zeros),
          *S = malloc(10 * 1025 * sizeof *S);
    memset(S, 0xff, 10 * 1025 * sizeof *S);
    err = sono_mel_to_stft(bank, zeros, 10, 2.0, S);
    CHECK(err == SONO_OK, "silence: %s", sono_strerror(err));
    size_t nonzero = 0;
    for (size_t k = 0; k < 10 * 1025; k++)
        nonzero += S[k] != 0.0f;
    CHECK(nonzero == 0, "silence: %zu non-zero values", nonzero);
    free(zeros);
    free(S);
    sono_mel_free(bank);
}

/* MFCCs of all n_mels coefficients are an invertible transform of the dB
 * mel spectrogram, with or without liftering; fewer coefficients give a
 * smoothed mel spectrogram whose MFCCs are the same coefficients again. */
static void test_mfcc_roundtrip(void)
{
    const size_t n_mels = 40, frames = 7;
    float mel[7 * 40], db[7 * 40], c[7 * 40], back[7 * 40], c2[7 * 40];
    test_noise(mel, frames * n_mels, 7);
    for (size_t i = 0; i < frames * n_mels; i++)
        mel[i] = (float)pow(10.0, 4.0 * mel[i]); /* 1e-2 .. 1e2 */
    sono_db_params dp;
    sono_db_params_default(&dp, 0);
    dp.top_db = -1;
    memcpy(db, mel, sizeof db);
    sono_to_db(db, frames * n_mels, &dp);
    const double lifters[] = {0, 22};
    for (size_t l = 0; l < 2; l++) {
        int err;
        sono_mfcc *m = sono_mfcc_new(n_mels, n_mels, lifters[l], &err);
        for (size_t t = 0; t < frames; t++)
            sono_mfcc_apply(m, db + t * n_mels, c + t * n_mels);
        sono_mfcc_free(m);
        err =
            sono_mfcc_to_mel(c, n_mels, frames, n_mels, lifters[l], 1.0, back);
        CHECK(err == SONO_OK, "%s", sono_strerror(err));
        double worst = 0;
        for (size_t i = 0; i < frames * n_mels; i++) {
            double e = fabs((double)back[i] - mel[i]) / mel[i];
            worst = e > worst || e != e ? e : worst;
        }
        printf("mfcc_to_mel(mfcc) with all %zu coefficients, lifter %g: "
               "relative error %.2e\n", n_mels, lifters[l], worst);
        CHECK(worst < 1e-5, "lifter %g: relative error %.2e", lifters[l],
              worst);
    }
    /* 13 coefficients, lifter 22, ref 2: mfcc(db(mfcc_to_mel(c))) = c */
    int err;
    sono_mfcc *m = sono_mfcc_new(n_mels, 13, 22, &err);
    for (size_t t = 0; t < frames; t++)
        sono_mfcc_apply(m, db + t * n_mels, c + t * 13);
    err = sono_mfcc_to_mel(c, 13, frames, n_mels, 22, 2.0, back);
    CHECK(err == SONO_OK, "%s", sono_strerror(err));
    dp.ref = 2.0;
    sono_to_db(back, frames * n_mels, &dp);
    for (size_t t = 0; t < frames; t++)
        sono_mfcc_apply(m, back + t * n_mels, c2 + t * 13);
    sono_mfcc_free(m);
    double e = test_rel_max(c2, c, frames * 13);
    printf("mfcc(mfcc_to_mel) with 13 coefficients: relative error %.2e\n", e);
    CHECK(e < 1e-5, "13 coefficients: %.2e", e);
    /* More coefficients than bands: the extra ones are ignored, as
     * scipy.fftpack.idct(n=n_mels) cuts them. */
    float wide[7 * 50];
    test_noise(wide, frames * 50, 3);
    for (size_t t = 0; t < frames; t++)
        memcpy(c + t * n_mels, wide + t * 50, n_mels * sizeof *c);
    err = sono_mfcc_to_mel(wide, 50, frames, n_mels, 0, 1.0, back);
    CHECK(err == SONO_OK, "%s", sono_strerror(err));
    sono_mfcc_to_mel(c, n_mels, frames, n_mels, 0, 1.0, c2);
    CHECK(memcmp(back, c2, sizeof back) == 0, "50 coefficients into 40 bands");
}

static void test_bad_input(void)
{
    int err;
    sono_mel_params mp;
    sono_mel_params_default(&mp);
    mp.n_mels = 16;
    sono_mel *bank = sono_mel_new(&mp, 16000, 256, &err);
    float mel[3 * 16], S[3 * 129], c[3 * 16];
    for (size_t i = 0; i < 3 * 16; i++)
        mel[i] = 1.0f + (float)i;
    CHECK(sono_mel_to_stft(bank, mel, 3, 2.0, S) == SONO_OK, "valid input");
    CHECK(sono_mel_to_stft(bank, mel, 0, 2.0, S) == SONO_ERR_EMPTY, "0 frames");
    CHECK(sono_mel_to_stft(bank, mel, 3, 0.0, S) == SONO_ERR_INVALID, "power 0");
    CHECK(sono_mel_to_stft(bank, mel, 3, -1.0, S) == SONO_ERR_INVALID, "power -1");
    CHECK(sono_mel_to_stft(bank, mel, 3, NAN, S) == SONO_ERR_INVALID, "power NaN");
    CHECK(sono_mel_to_stft(bank, mel, 3, INFINITY, S) == SONO_ERR_INVALID, "power inf");
    CHECK(sono_mel_to_stft(NULL, mel, 3, 2.0, S) == SONO_ERR_INVALID, "no bank");
    CHECK(sono_mel_to_stft(bank, NULL, 3, 2.0, S) == SONO_ERR_INVALID, "no input");
    CHECK(sono_mel_to_stft(bank, mel, 3, 2.0, NULL) == SONO_ERR_INVALID, "no output");
    mel[20] = NAN;
    CHECK(sono_mel_to_stft(bank, mel, 3, 2.0, S) == SONO_ERR_NONFINITE, "NaN");
    mel[20] = INFINITY;
    CHECK(sono_mel_to_stft(bank, mel, 3, 2.0, S) == SONO_ERR_NONFINITE, "inf");
    mel[20] = -1e-6f;
    CHECK(sono_mel_to_stft(bank, mel, 3, 2.0, S) == SONO_ERR_INVALID, "negative");
    sono_mel_free(bank);

    for (size_t i = 0; i < 3 * 16; i++)
        c[i] = (float)i - 20.0f;
    CHECK(sono_mfcc_to_mel(c, 13, 3, 16, 0, 1.0, mel) == SONO_OK, "valid MFCCs");
    CHECK(sono_mfcc_to_mel(c, 13, 0, 16, 0, 1.0, mel) == SONO_ERR_EMPTY, "0 frames");
    CHECK(sono_mfcc_to_mel(c, 0, 3, 16, 0, 1.0, mel) == SONO_ERR_INVALID, "0 coefficients");
    CHECK(sono_mfcc_to_mel(c, 13, 3, 0, 0, 1.0, mel) == SONO_ERR_INVALID, "0 bands");
    CHECK(sono_mfcc_to_mel(c, 13, 3, 16, -1, 1.0, mel) == SONO_ERR_INVALID, "lifter < 0");
    CHECK(sono_mfcc_to_mel(c, 13, 3, 16, INFINITY, 1.0, mel) == SONO_ERR_INVALID, "lifter inf");
    /* lifter 2: 1 + sin(3 pi / 2) = 0 for the third coefficient */
    CHECK(sono_mfcc_to_mel(c, 13, 3, 16, 2, 1.0, mel) == SONO_ERR_INVALID, "lifter 2");
    CHECK(sono_mfcc_to_mel(c, 2, 3, 16, 2, 1.0, mel) == SONO_OK, "lifter 2, 2 coefficients");
    CHECK(sono_mfcc_to_mel(c, 13, 3, 16, 0, 0.0, mel) == SONO_ERR_INVALID, "ref 0");
    CHECK(sono_mfcc_to_mel(NULL, 13, 3, 16, 0, 1.0, mel) == SONO_ERR_INVALID, "no input");
    c[5] = NAN;
    CHECK(sono_mfcc_to_mel(c, 13, 3, 16, 0, 1.0, mel) == SONO_ERR_NONFINITE, "NaN");
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_mel_inverse GOLDEN_DIR DATA_DIR\n");
        return 2;
    }
    test_golden(argv[1], argv[2]);
    test_properties(argv[2]);
    test_mfcc_roundtrip();
    test_bad_input();
    return test_summary("test_mel_inverse");
}
