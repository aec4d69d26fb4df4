/* librosa's golden outputs (tests/golden, made by librosa 0.10.2) reproduced
 * through the library, within the tolerance manifest.json gives each case.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "testutil.h"

enum kind { STFT, AMP_DB, MEL, MEL_DB_MAX, MFCC };

typedef struct gcase {
    const char *name, *audio;
    enum kind kind;
    size_t n_fft, hop, win;
    sono_window window;
    int center;
    sono_pad_mode pad;
    size_t n_mels;
    double fmin, fmax;
    int htk, power;
    sono_mel_norm norm;
    size_t n_mfcc;
    double lifter;
} gcase;

#define HANN SONO_WINDOW_HANN
#define CONST SONO_PAD_CONSTANT
#define SLANEY SONO_MEL_NORM_SLANEY
static const gcase cases[] = {
    {"stft_default_robin", "robin.ogg", STFT, 2048, 512, 0, HANN, 1, CONST, 0, 0, 0, 0, 0, 0, 0, 0},
    {"stft_default_trumpet", "trumpet.ogg", STFT, 2048, 512, 0, HANN, 1, CONST, 0, 0, 0, 0, 0, 0, 0, 0},
    {"stft_oddsizes_trumpet", "trumpet.ogg", STFT, 22050, 7350, 11025, HANN, 1, CONST, 0, 0, 0, 0, 0, 0, 0, 0},
    {"stft_hamming_nocenter_speech", "speech.ogg", STFT, 512, 256, 0, SONO_WINDOW_HAMMING, 0, CONST, 0, 0, 0, 0, 0, 0, 0, 0},
    {"stft_blackman_reflect_robin", "robin.ogg", STFT, 1024, 256, 0, SONO_WINDOW_BLACKMAN, 1, SONO_PAD_REFLECT, 0, 0, 0, 0, 0, 0, 0, 0},
    {"amp_db_robin", "robin.ogg", AMP_DB, 2048, 512, 0, HANN, 1, CONST, 0, 0, 0, 0, 1, 0, 0, 0},
    {"mel_default_trumpet", "trumpet.ogg", MEL, 2048, 512, 0, HANN, 1, CONST, 128, 0, 0, 0, 2, SLANEY, 0, 0},
    {"mel_default_speech", "speech.ogg", MEL, 2048, 512, 0, HANN, 1, CONST, 128, 0, 0, 0, 2, SLANEY, 0, 0},
    {"mel_default_cat", "cat.wav", MEL, 2048, 512, 0, HANN, 1, CONST, 128, 0, 0, 0, 2, SLANEY, 0, 0},
    {"mel_db_max_trumpet", "trumpet.ogg", MEL_DB_MAX, 2048, 512, 0, HANN, 1, CONST, 128, 0, 0, 0, 2, SLANEY, 0, 0},
    {"mel_db_max_speech", "speech.ogg", MEL_DB_MAX, 2048, 512, 0, HANN, 1, CONST, 128, 0, 0, 0, 2, SLANEY, 0, 0},
    {"mel_db_max_cat", "cat.wav", MEL_DB_MAX, 2048, 512, 0, HANN, 1, CONST, 128, 0, 0, 0, 2, SLANEY, 0, 0},
    {"mfcc20_trumpet", "trumpet.ogg", MFCC, 2048, 512, 0, HANN, 1, CONST, 128, 0, 0, 0, 2, SLANEY, 20, 0},
    {"mfcc20_speech", "speech.ogg", MFCC, 2048, 512, 0, HANN, 1, CONST, 128, 0, 0, 0, 2, SLANEY, 20, 0},
    {"mfcc20_cat", "cat.wav", MFCC, 2048, 512, 0, HANN, 1, CONST, 128, 0, 0, 0, 2, SLANEY, 20, 0},
    {"mel24_mag_trumpet", "trumpet.ogg", MEL, 2048, 512, 0, HANN, 1, CONST, 24, 50, 8000, 0, 1, SLANEY, 0, 0},
    {"mel40_htk_speech", "speech.ogg", MEL, 512, 160, 0, HANN, 1, CONST, 40, 20, 8000, 1, 2, SONO_MEL_NORM_NONE, 0, 0},
    {"mfcc13_lifter22_speech", "speech.ogg", MFCC, 2048, 512, 0, HANN, 1, CONST, 128, 0, 0, 0, 2, SLANEY, 13, 22},
};

/* The case's result, frame-major: frames x rows floats (x2 when complex). */
static float *compute(const gcase *g, const sono_signal *sig, size_t *rows,
                      size_t *frames, int *is_complex)
{
    sono_stft_params p =
        test_stft_params(g->n_fft, g->hop, g->win, g->window, g->center, g->pad);
    int err;
    size_t bins = g->n_fft / 2 + 1;
    sono_stft *s = sono_stft_new(&p, &err);
    if (!s || sono_stft_frame_count(&p, sig->frames, frames) != SONO_OK)
        return NULL;
    sono_complex *spec = malloc(*frames * bins * sizeof *spec);
    sono_stft_run(s, sig->data[0], sig->frames, spec);
    sono_stft_free(s);
    *is_complex = g->kind == STFT;
    *rows = bins;
    if (g->kind == STFT)
        return (float *)spec;
    float *mag = malloc(*frames * bins * sizeof *mag);
    if (g->power == 1)
        sono_magnitude(spec, mag, *frames * bins);
    else
        sono_power(spec, mag, *frames * bins);
    free(spec);
    sono_db_params db;
    if (g->kind == AMP_DB) {
        sono_db_params_default(&db, 1);
        sono_to_db(mag, *frames * bins, &db);
        return mag;
    }
    sono_mel_params mp;
    sono_mel_params_default(&mp);
    mp.n_mels = g->n_mels;
    mp.fmin = g->fmin;
    mp.fmax = g->fmax;
    mp.htk = g->htk;
    mp.norm = g->norm;
    sono_mel *mel = sono_mel_new(&mp, sig->sample_rate, g->n_fft, &err);
    float *bands = malloc(*frames * g->n_mels * sizeof *bands);
    for (size_t t = 0; t < *frames; t++)
        sono_mel_apply(mel, mag + t * bins, bands + t * g->n_mels);
    sono_mel_free(mel);
    free(mag);
    *rows = g->n_mels;
    if (g->kind == MEL)
        return bands;
    sono_db_params_default(&db, 0);
    db.ref_is_max = g->kind == MEL_DB_MAX;
    sono_to_db(bands, *frames * g->n_mels, &db);
    if (g->kind == MEL_DB_MAX)
        return bands;
    sono_mfcc *m = sono_mfcc_new(g->n_mels, g->n_mfcc, g->lifter, &err);
    float *c = malloc(*frames * g->n_mfcc * sizeof *c);
    for (size_t t = 0; t < *frames; t++)
        sono_mfcc_apply(m, bands + t * g->n_mels, c + t * g->n_mfcc);
    sono_mfcc_free(m);
    free(bands);
    *rows = g->n_mfcc;
    return c;
}

/* Error of ours (frame-major) against the golden bins x frames matrix. */
static double measure(const test_tolerance *tol, const float *ours, const float *ref,
                      size_t rows, size_t frames, int cplx)
{
    double peak = 0, worst = 0, num = 0, den = 0;
    size_t comps = cplx ? 2 : 1;
    for (size_t i = 0; i < rows * frames; i++) {
        double m = cplx ? hypot(ref[2 * i], ref[2 * i + 1]) : fabs(ref[i]);
        peak = m > peak ? m : peak;
    }
    double max_ref = -INFINITY;
    for (size_t i = 0; !cplx && i < rows * frames; i++)
        max_ref = ref[i] > max_ref ? ref[i] : max_ref;
    for (size_t r = 0; r < rows; r++) {
        for (size_t t = 0; t < frames; t++) {
            const float *a = ours + (t * rows + r) * comps;
            const float *b = ref + (r * frames + t) * comps;
            double d = cplx ? hypot(a[0] - b[0], a[1] - b[1]) : fabs(a[0] - b[0]);
            if (strcmp(tol->kind, "max_abs_db_above_floor") == 0 &&
                !(b[0] > max_ref + tol->floor_db))
                continue;
            if (!(d <= worst))
                worst = d;
            num += d * d;
            den += cplx ? b[0] * b[0] + b[1] * b[1] : b[0] * b[0];
        }
    }
    if (strcmp(tol->kind, "max_abs_over_max") == 0)
        return worst / peak;
    if (strcmp(tol->kind, "rel_frobenius") == 0)
        return sqrt(num / den);
    return worst; /* max_abs_db_above_floor: dB */
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_golden GOLDEN_DIR DATA_DIR\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", argv[1]);
    char *manifest = test_read_text(path);
    CHECK(manifest != NULL, "cannot read %s", path);
    if (!manifest)
        return 1;
    int passed = 0, failed = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const gcase *g = &cases[i];
        test_tolerance tol;
        sono_signal sig;
        sono_npy_array ref;
        sono_source_params sp;
        sono_source_params_default(&sp);
        CHECK(test_manifest_tolerance(manifest, g->name, &tol) == 0, "%s not in manifest", g->name);
        snprintf(path, sizeof path, "%s/%s", argv[2], g->audio);
        int err = sono_load(path, &sp, &sig);
        CHECK(err == SONO_OK, "%s: %s", path, sono_strerror(err));
        snprintf(path, sizeof path, "%s/%s.npy", argv[1], g->name);
        int err2 = sono_npy_load(path, &ref);
        CHECK(err2 == SONO_OK, "%s: %s", path, sono_strerror(err2));
        if (err || err2) {
            failed++;
            continue;
        }
        size_t rows = 0, frames = 0;
        int cplx = 0;
        float *ours = compute(g, &sig, &rows, &frames, &cplx);
        int shape_ok = ours && ref.ndim == 2 && ref.shape[0] == rows &&
                       ref.shape[1] == frames &&
                       (ref.dtype == SONO_DTYPE_C64) == cplx;
        double e = shape_ok ? measure(&tol, ours, ref.data, rows, frames, cplx) : INFINITY;
        int ok = shape_ok && e <= tol.value;
        printf("%-30s %-24s error %.3e  tolerance %.0e  %s\n", g->name, tol.kind,
               e, tol.value, ok ? "PASS" : "FAIL");
        CHECK(ok, "%s: shape %zux%zu vs %zux%zu, error %.3e", g->name, rows,
              frames, ref.shape[0], ref.shape[1], e);
        ok ? passed++ : failed++;
        free(ours);
        sono_npy_free(&ref);
        sono_signal_free(&sig);
    }
    free(manifest);
    printf("golden (library): %d of %zu cases within tolerance\n", passed,
           sizeof cases / sizeof cases[0]);
    return test_summary("test_golden");
}
