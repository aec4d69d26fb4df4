/* Frame features and A-weighting through the library: librosa's golden
 * outputs (spectral centroid, bandwidth, rolloff, flatness, onset strength,
 * perceptual weighting) within manifest.json's tolerances, then the
 * definitions on signals whose answers are known, streaming in pieces, the
 * 1-D .npy writer and the refusals.
 * usage: test_features GOLDEN_DIR DATA_DIR BENCH_DATA_DIR
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <float.h>
#include <string.h>

#include "testutil.h"

static const char *golden_dir, *data_dir, *bench_dir;

/* The golden matrix (rows x frames, or frames for 1-D) and its tolerance. */
static int load_golden(const char *name, const char *manifest, sono_npy_array *ref,
                       test_tolerance *tol)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.npy", golden_dir, name);
    int err = sono_npy_load(path, ref);
    CHECK(err == SONO_OK, "%s: %s", path, sono_strerror(err));
    CHECK(test_manifest_tolerance(manifest, name, tol) == 0, "%s not in manifest", name);
    return err;
}

static int load_clip(const char *name, sono_signal *sig)
{
    char path[4096];
    sono_source_params sp;
    sono_source_params_default(&sp);
    snprintf(path, sizeof path, "%s/%s", data_dir, name);
    FILE *f = fopen(path, "rb");
    if (f)
        fclose(f);
    else
        snprintf(path, sizeof path, "%s/%s", bench_dir, name);
    int err = sono_load(path, &sp, sig);
    CHECK(err == SONO_OK, "%s: %s", path, sono_strerror(err));
    return err;
}

/* |STFT| (librosa's defaults), frame-major; frames in *frames. */
static float *magnitudes(const sono_signal *sig, size_t *frames)
{
    sono_stft_params p;
    sono_stft_params_default(&p);
    sono_stft_params_resolve(&p);
    sono_stft *s = sono_stft_new(&p, NULL);
    sono_stft_frame_count(&p, sig->frames, frames);
    size_t bins = sono_stft_bins(&p), n = *frames * bins;
    sono_complex *spec = malloc(n * sizeof *spec);
    float *mag = malloc(n * sizeof *mag);
    sono_stft_run(s, sig->data[0], sig->frames, spec);
    sono_magnitude(spec, mag, n);
    sono_stft_free(s);
    free(spec);
    return mag;
}

/* The mel spectrogram (power `power`) of magnitudes, frame-major. */
static float *mel_of(const float *mag, size_t frames, double sr, size_t n_mels,
                     double fmin, double fmax, int power)
{
    sono_mel_params mp;
    sono_mel_params_default(&mp);
    mp.n_mels = n_mels;
    mp.fmin = fmin;
    mp.fmax = fmax;
    sono_mel *mel = sono_mel_new(&mp, sr, 2048, NULL);
    float *spec = malloc(1025 * sizeof *spec), *out = malloc(frames * n_mels * sizeof *out);
    for (size_t t = 0; t < frames; t++) {
        for (size_t k = 0; k < 1025; k++)
            spec[k] = power == 2 ? mag[t * 1025 + k] * mag[t * 1025 + k] : mag[t * 1025 + k];
        sono_mel_apply(mel, spec, out + t * n_mels);
    }
    sono_mel_free(mel);
    free(spec);
    return out;
}

static void report(const char *name, const test_tolerance *tol, double e, int shape_ok)
{
    int ok = shape_ok && e <= tol->value;
    printf("%-30s %-24s error %.3e  tolerance %.0e  %s\n", name, tol->kind, e, tol->value,
           ok ? "PASS" : "FAIL");
    CHECK(ok, "%s: shape %s, error %.3e", name, shape_ok ? "ok" : "wrong", e);
}

static void golden_spectral(const char *manifest, const sono_signal *trumpet,
                            const float *mag, size_t frames)
{
    static const struct {
        const char *name;
        sono_spectral_feature kind;
    } cases[] = {{"centroid_trumpet", SONO_SPECTRAL_CENTROID},
                 {"bandwidth_trumpet", SONO_SPECTRAL_BANDWIDTH},
                 {"rolloff_trumpet", SONO_SPECTRAL_ROLLOFF},
                 {"flatness_trumpet", SONO_SPECTRAL_FLATNESS}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sono_npy_array ref;
        test_tolerance tol;
        if (load_golden(cases[i].name, manifest, &ref, &tol))
            continue;
        sono_spectral_params p;
        sono_spectral_params_default(&p);
        p.kind = cases[i].kind;
        p.sample_rate = trumpet->sample_rate;
        sono_spectral *s = sono_spectral_new(&p, NULL);
        float *ours = malloc(frames * sizeof *ours);
        for (size_t t = 0; t < frames; t++)
            ours[t] = sono_spectral_apply(s, mag + t * 1025);
        int shape_ok = ref.ndim == 2 && ref.shape[0] == 1 && ref.shape[1] == frames;
        report(cases[i].name, &tol, shape_ok ? test_rel_max(ours, ref.data, frames) : INFINITY,
               shape_ok);
        free(ours);
        sono_spectral_free(s);
        sono_npy_free(&ref);
    }
}

/* power_to_db(melspectrogram(y, sr)) (ref 1, top_db 80) into the onset
 * stream, one frame at a time: librosa's onset_strength(y=y, sr=sr). */
static float *onset_envelope(const sono_signal *sig, size_t *frames)
{
    float *mag = magnitudes(sig, frames);
    float *mel = mel_of(mag, *frames, sig->sample_rate, 128, 0, 0, 2);
    sono_db_params dp;
    sono_db_params_default(&dp, 0);
    CHECK(sono_to_db(mel, *frames * 128, &dp) == SONO_OK, "dB");
    sono_onset_params op;
    sono_onset_params_default(&op);
    sono_onset *o = sono_onset_new(&op, 128, 2048, 512, NULL);
    float *env = malloc(*frames * sizeof *env);
    for (size_t t = 0; t < *frames; t++)
        env[t] = sono_onset_push(o, mel + t * 128);
    sono_onset_free(o);
    free(mel);
    free(mag);
    return env;
}

static void golden_onset(const char *manifest)
{
    sono_signal sig;
    sono_npy_array ref;
    test_tolerance tol;
    if (load_clip("brahms.ogg", &sig) || load_golden("onset_strength_brahms", manifest, &ref, &tol))
        return;
    size_t frames;
    float *ours = onset_envelope(&sig, &frames);
    int shape_ok = ref.ndim == 1 && ref.shape[0] == frames;
    report("onset_strength_brahms", &tol,
           shape_ok ? test_rel_max(ours, ref.data, frames) : INFINITY, shape_ok);
    free(ours);
    sono_npy_free(&ref);
    sono_signal_free(&sig);
}

/* librosa.feature.rhythm.tempo(y=y, sr=sr): librosa's rule on the onset
 * envelope at the clip's own rate. */
static void golden_tempo(const char *manifest)
{
    static const char *const cases[][2] = {{"tempo_brahms", "brahms.ogg"},
                                           {"tempo_trumpet", "trumpet.ogg"}};
    for (size_t i = 0; i < 2; i++) {
        sono_signal sig;
        sono_npy_array ref;
        test_tolerance tol;
        if (load_clip(cases[i][1], &sig) || load_golden(cases[i][0], manifest, &ref, &tol))
            continue;
        size_t frames;
        float *env = onset_envelope(&sig, &frames);
        sono_tempo_params p;
        sono_tempo_params_default(&p);
        p.sample_rate = sig.sample_rate;
        p.method = SONO_TEMPO_LIBROSA;
        sono_tempo_result r;
        int err = sono_tempo_estimate(&p, env, frames, &r);
        CHECK(err == SONO_OK, "%s: %s", cases[i][0], sono_strerror(err));
        double want = ((const float *)ref.data)[0];
        int shape_ok = err == SONO_OK && ref.ndim == 1 && ref.shape[0] == 1;
        report(cases[i][0], &tol, shape_ok ? fabs(r.bpm - want) / want : INFINITY, shape_ok);
        CHECK(r.librosa_bpm == r.bpm, "%s: librosa_bpm %g, bpm %g", cases[i][0],
              r.librosa_bpm, r.bpm);
        free(env);
        sono_npy_free(&ref);
        sono_signal_free(&sig);
    }
}

/* perceptual_weighting(M**2, mel_frequencies(24, 50, 8000), ref=np.max):
 * amplitude_to_db(M, ref=max) plus the A-weighting of each band. */
static void golden_perceptual(const char *manifest, const sono_signal *trumpet,
                              const float *mag, size_t frames)
{
    sono_npy_array ref;
    test_tolerance tol;
    if (load_golden("perceptual_mel24_trumpet", manifest, &ref, &tol))
        return;
    float *mel = mel_of(mag, frames, trumpet->sample_rate, 24, 50, 8000, 1);
    sono_db_params dp;
    sono_db_params_default(&dp, 1);
    dp.ref_is_max = 1;
    sono_to_db(mel, frames * 24, &dp);
    double hz[24], w[24];
    sono_mel_frequencies(24, 50, 8000, 0, hz);
    sono_a_weighting(hz, 24, -80.0, w);
    int shape_ok = ref.ndim == 2 && ref.shape[0] == 24 && ref.shape[1] == frames;
    const float *r = ref.data;
    double peak = -INFINITY, worst = 0;
    for (size_t i = 0; shape_ok && i < 24 * frames; i++)
        peak = r[i] > peak ? r[i] : peak;
    for (size_t b = 0; shape_ok && b < 24; b++)
        for (size_t t = 0; t < frames; t++) {
            double want = r[b * frames + t];
            double d = fabs((float)(mel[t * 24 + b] + w[b]) - want);
            if (want > peak + tol.floor_db && !(d <= worst))
                worst = d;
        }
    report("perceptual_mel24_trumpet", &tol, worst, shape_ok);
    free(mel);
    sono_npy_free(&ref);
}

/* ---- definitions on known signals ---- */

static void spectral_known(void)
{
    size_t n_fft = 16, bins = 9;
    float mag[9] = {0};
    sono_spectral_params p;
    sono_spectral_params_default(&p);
    p.n_fft = n_fft;
    p.sample_rate = 16000; /* bin k at 1000 k Hz */
    sono_spectral *s[4];
    for (int k = 0; k < 4; k++) {
        p.kind = (sono_spectral_feature)k;
        s[k] = sono_spectral_new(&p, NULL);
        CHECK(s[k] != NULL, "plan %d", k);
    }
    /* Silence: librosa leaves the zero column undivided. */
    CHECK(sono_spectral_apply(s[0], mag) == 0 && sono_spectral_apply(s[1], mag) == 0 &&
              sono_spectral_apply(s[2], mag) == 0 &&
              fabsf(sono_spectral_apply(s[3], mag) - 1) < 1e-6f,
          "silence: centroid 0, bandwidth 0, rolloff 0, flatness 1");
    /* One bin: all of it there. */
    mag[3] = 0.5f;
    CHECK(sono_spectral_apply(s[0], mag) == 3000 && sono_spectral_apply(s[1], mag) == 0 &&
              sono_spectral_apply(s[2], mag) == 3000,
          "one bin: centroid %g, bandwidth %g, rolloff %g", sono_spectral_apply(s[0], mag),
          sono_spectral_apply(s[1], mag), sono_spectral_apply(s[2], mag));
    /* Two equal bins: centroid between them, bandwidth half their distance;
     * the rolloff needs the second (0.85 of the sum), or the first at 0.5. */
    mag[7] = 0.5f;
    CHECK(fabsf(sono_spectral_apply(s[0], mag) - 5000) < 1e-3f &&
              fabsf(sono_spectral_apply(s[1], mag) - 2000) < 1e-3f &&
              sono_spectral_apply(s[2], mag) == 7000,
          "two bins: centroid %g, bandwidth %g, rolloff %g", sono_spectral_apply(s[0], mag),
          sono_spectral_apply(s[1], mag), sono_spectral_apply(s[2], mag));
    p.kind = SONO_SPECTRAL_ROLLOFF;
    p.roll_percent = 0.5;
    sono_spectral *half = sono_spectral_new(&p, NULL);
    CHECK(sono_spectral_apply(half, mag) == 3000, "rolloff 0.5: %g",
          sono_spectral_apply(half, mag));
    sono_spectral_free(half);
    /* Flat: flatness 1; two levels a and b over n bins: geometric over
     * arithmetic mean of the powers. */
    for (size_t k = 0; k < bins; k++)
        mag[k] = 0.25f;
    CHECK(fabsf(sono_spectral_apply(s[3], mag) - 1) < 1e-6f, "flat: flatness %g",
          sono_spectral_apply(s[3], mag));
    mag[0] = 0.5f;
    double want = exp((log(0.25) + 8 * log(0.0625)) / 9) / ((0.25 + 8 * 0.0625) / 9);
    CHECK(fabs(sono_spectral_apply(s[3], mag) - want) < 1e-6, "flatness %g, want %g",
          sono_spectral_apply(s[3], mag), want);
    for (int k = 0; k < 4; k++)
        sono_spectral_free(s[k]);
    /* Refusals. */
    double bad_roll[] = {0, 1, -0.5, NAN};
    for (size_t i = 0; i < 4; i++) {
        int err = 0;
        p.roll_percent = bad_roll[i];
        CHECK(!sono_spectral_new(&p, &err) && err == SONO_ERR_INVALID, "roll_percent %g",
              bad_roll[i]);
    }
    p.roll_percent = 0.85;
    p.n_fft = 1;
    CHECK(!sono_spectral_new(&p, NULL), "n_fft 1");
    p.n_fft = 16;
    p.sample_rate = 0;
    CHECK(!sono_spectral_new(&p, NULL), "sample rate 0");
}

static void onset_known(void)
{
    /* Three bands, lag 1, centred with n_fft 2048 and hop 512: two frames of
     * shift, so output t is the difference of frames t - 2 and t - 3. */
    float s[6][3] = {{0, 0, 0}, {3, -1, 6}, {3, 5, 0}, {-9, 5, 3}, {0, 0, 0}, {1, 1, 1}};
    float want[6] = {0, 0, 0, 3, 2, 1}; /* (3+0+6)/3, (0+6+0)/3, (0+0+3)/3 */
    sono_onset_params p;
    sono_onset_params_default(&p);
    sono_onset *o = sono_onset_new(&p, 3, 2048, 512, NULL);
    for (int t = 0; t < 6; t++) {
        float v = sono_onset_push(o, s[t]);
        CHECK(fabsf(v - want[t]) < 1e-6f, "onset %d: %g, want %g", t, v, want[t]);
    }
    /* Again after a reset; then lag 2 without centring: t - 0 vs t - 2. */
    sono_onset_reset(o);
    CHECK(sono_onset_push(o, s[0]) == 0, "reset");
    sono_onset_free(o);
    p.lag = 2;
    p.center = 0;
    o = sono_onset_new(&p, 3, 0, 512, NULL);
    float want2[6] = {0, 0, 8.0f / 3, 2, 0, 10.0f / 3}; /* (3+5+0)/3, (0+6+0)/3... */
    for (int t = 0; t < 6; t++) {
        float v = sono_onset_push(o, s[t]);
        CHECK(fabsf(v - want2[t]) < 1e-6f, "onset lag 2 %d: %g, want %g", t, v, want2[t]);
    }
    sono_onset_free(o);
    /* max_size 3 over 4 bands, reflect mode: ref of [1, 4, 2, 0] is
     * [4, 4, 4, 2]; the next frame [5, 5, 5, 5] gives (1 + 1 + 1 + 3) / 4. */
    p.lag = 1;
    p.max_size = 3;
    o = sono_onset_new(&p, 4, 0, 1, NULL);
    float a[4] = {1, 4, 2, 0}, b[4] = {5, 5, 5, 5};
    sono_onset_push(o, a);
    float v = sono_onset_push(o, b);
    CHECK(fabsf(v - 1.5f) < 1e-6f, "max_size 3: %g, want 1.5", v);
    sono_onset_free(o);
    /* max_size 2 (window [i - 1, i]): ref [1, 4, 4, 2] -> (4 + 1 + 1 + 3) / 4. */
    p.max_size = 2;
    o = sono_onset_new(&p, 4, 0, 1, NULL);
    sono_onset_push(o, a);
    v = sono_onset_push(o, b);
    CHECK(fabsf(v - 2.25f) < 1e-6f, "max_size 2: %g, want 2.25", v);
    sono_onset_free(o);
    int err = 0;
    p.lag = 0;
    CHECK(!sono_onset_new(&p, 4, 2048, 512, &err) && err == SONO_ERR_INVALID, "lag 0");
    p.lag = 1;
    p.max_size = 0;
    CHECK(!sono_onset_new(&p, 4, 2048, 512, NULL), "max_size 0");
    p.max_size = 1;
    CHECK(!sono_onset_new(&p, 0, 2048, 512, NULL), "no bands");
    CHECK(!sono_onset_new(&p, 4, 2048, 0, NULL), "hop 0");
    CHECK(!sono_onset_new(&p, 4, 2048, SONO_MAX_N_FFT + 1, NULL), "hop too large");
}

/* All values of a signal through a plan, pushed in pieces of `piece`
 * samples (0: all at once); returns the count, or a negative status. */
static long long run_signal(const sono_signal_feature_params *p, const float *x, size_t n,
                            size_t piece, float *out, size_t max)
{
    sono_signal_feature *f = sono_signal_feature_new(p, NULL);
    size_t done = 0;
    int r = 0;
    for (size_t at = 0; at < n;) {
        size_t want = piece && piece < n - at ? piece : n - at;
        at += sono_signal_feature_push(f, x + at, want);
        while (done < max && (r = sono_signal_feature_pull(f, out + done)) == 1)
            done++;
    }
    sono_signal_feature_finish(f);
    while (done < max && (r = sono_signal_feature_pull(f, out + done)) == 1)
        done++;
    sono_signal_feature_free(f);
    return r < 0 ? r : (long long)done;
}

static void signal_known(void)
{
    enum { N = 10000 };
    static float x[N], a[N], b[N];
    sono_signal_feature_params p;
    sono_signal_feature_params_default(&p);
    /* A constant 0.5: RMS 0.5 inside; the first frame is half zeros when
     * padded with zeros (sqrt(1024 / 2048) * 0.5), all 0.5 with the edge. */
    for (size_t i = 0; i < N; i++)
        x[i] = 0.5f;
    size_t frames;
    CHECK(sono_signal_feature_frame_count(&p, N, &frames) == SONO_OK && frames == 20,
          "frames %zu", frames);
    CHECK(run_signal(&p, x, N, 0, a, N) == 20, "rms frames");
    CHECK(fabsf(a[0] - 0.5f * sqrtf(0.5f)) < 1e-6f && fabsf(a[4] - 0.5f) < 1e-6f,
          "rms of a constant: %g, %g", a[0], a[4]);
    p.pad_mode = SONO_PAD_EDGE;
    run_signal(&p, x, N, 0, a, N);
    CHECK(fabsf(a[0] - 0.5f) < 1e-6f, "edge-padded rms %g", a[0]);
    /* Alternating signs: every neighbouring pair crosses; with the edge
     * padding of zcr the first frame's 1024 copies of x[0] do not. */
    for (size_t i = 0; i < N; i++)
        x[i] = i % 2 ? -0.25f : 0.25f;
    p.kind = SONO_SIGNAL_ZCR;
    p.pad_mode = SONO_PAD_CONSTANT; /* ignored by zcr */
    run_signal(&p, x, N, 0, a, N);
    CHECK(a[0] == 1023.0f / 2048 && a[4] == 2047.0f / 2048, "zcr %g, %g", a[0], a[4]);
    /* The threshold: |x| <= 1e-10 is +0, so tiny negatives do not cross;
     * with threshold 0, -0 does. */
    float t[8] = {1, -1e-11f, 1, -0.0f, 1, -1e-9f, 1, 1};
    p.frame_length = 8;
    p.hop_length = 8;
    p.center = 0;
    run_signal(&p, t, 8, 0, a, 1);
    CHECK(a[0] == 2.0f / 8, "zcr threshold 1e-10: %g", a[0]);
    p.threshold = 0;
    run_signal(&p, t, 8, 0, a, 1);
    CHECK(a[0] == 6.0f / 8, "zcr threshold 0: %g", a[0]);
    /* Streaming in pieces gives the same values as one push, for every
     * padding, odd lengths and hops above the frame length. */
    test_noise(x, N, 7);
    sono_pad_mode modes[] = {SONO_PAD_CONSTANT, SONO_PAD_REFLECT, SONO_PAD_EDGE};
    size_t lengths[][2] = {{2048, 512}, {511, 100}, {64, 200}, {1, 1}};
    size_t pieces[] = {1, 7, 999};
    for (int kind = 0; kind < 2; kind++)
        for (size_t m = 0; m < 3; m++)
            for (size_t l = 0; l < 4; l++)
                for (int c = 0; c < 2; c++) {
                    sono_signal_feature_params_default(&p);
                    p.kind = (sono_signal_feature_kind)kind;
                    p.pad_mode = modes[m];
                    p.frame_length = lengths[l][0];
                    p.hop_length = lengths[l][1];
                    p.center = c;
                    sono_signal_feature_frame_count(&p, N, &frames);
                    long long whole = run_signal(&p, x, N, 0, a, N);
                    int same = whole == (long long)frames;
                    for (size_t q = 0; q < 3; q++)
                        same &= run_signal(&p, x, N, pieces[q], b, N) == whole &&
                                memcmp(a, b, (size_t)whole * sizeof *a) == 0;
                    CHECK(same, "kind %d pad %d frame %zu hop %zu center %d: %lld frames",
                          kind, (int)modes[m], lengths[l][0], lengths[l][1], c, whole);
                }
    /* Short and empty signals. */
    sono_signal_feature_params_default(&p);
    p.center = 0;
    CHECK(run_signal(&p, x, 100, 0, a, N) == SONO_ERR_TOO_SHORT, "too short without centring");
    sono_signal_feature *f = sono_signal_feature_new(&p, NULL);
    sono_signal_feature_finish(f);
    CHECK(sono_signal_feature_pull(f, a) == SONO_ERR_EMPTY, "empty");
    sono_signal_feature_free(f);
    p.frame_length = 0;
    CHECK(!sono_signal_feature_new(&p, NULL), "frame length 0");
    p.frame_length = 8;
    p.hop_length = 0;
    CHECK(!sono_signal_feature_new(&p, NULL), "hop 0");
    p.hop_length = 8;
    p.threshold = -1;
    CHECK(!sono_signal_feature_new(&p, NULL), "negative threshold");
}

/* IEC 61672-1's table of A-weighting (dB, given to 0.1 dB). */
static void a_weighting_known(void)
{
    static const double hz[] = {10, 100, 1000, 2500, 10000, 20000};
    static const double iec[] = {-70.4, -19.1, 0.0, 1.3, -2.5, -9.3};
    double w[6];
    sono_a_weighting(hz, 6, -80.0, w);
    for (int i = 0; i < 6; i++)
        CHECK(fabs(w[i] - iec[i]) < 0.06, "A(%g Hz) = %.3f dB, IEC %.1f", hz[i], w[i], iec[i]);
    double zero = 0, out;
    sono_a_weighting(&zero, 1, -80.0, &out);
    CHECK(out == -80.0, "A(0) floored at -80: %g", out);
    sono_a_weighting(&zero, 1, -INFINITY, &out);
    CHECK(isinf(out) && out < 0, "A(0) without a floor: %g", out);
}

static int count_column(void *ctx, const void *in, void *out)
{
    (void)in;
    *(float *)out = (float)(*(int *)ctx)++;
    return 0;
}

static void npy_vector(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/test_features_vector.npy", dir);
    sono_npy_writer *w = sono_npy_writer_new(path, SONO_DTYPE_F32, 3, NULL);
    float col[3] = {1, 2, 3};
    for (int i = 0; i < 5; i++)
        sono_npy_writer_push(w, col);
    CHECK(sono_npy_writer_finish_vector(w, NULL, NULL, SONO_DTYPE_F32) == SONO_ERR_INVALID,
          "three rows without a map");
    int next = 0;
    CHECK(sono_npy_writer_finish_vector(w, count_column, &next, SONO_DTYPE_F32) == SONO_OK,
          "finish_vector");
    sono_npy_writer_free(w);
    sono_npy_array a;
    int ok = sono_npy_load(path, &a) == SONO_OK && a.ndim == 1 && a.shape[0] == 5;
    for (int i = 0; ok && i < 5; i++)
        ok = ((float *)a.data)[i] == (float)i;
    CHECK(ok, "a 1-D array of 5 values, in column order");
    sono_npy_free(&a);
    remove(path);
}

/* A click every 40 envelope frames: the tempogram is 1 at lag 0, peaks at
 * 40 and 80 and is 0 between; both rules choose lag 40 (64.6 BPM at 22050
 * Hz, hop 512), its half is at 80.  Silence has no pulse; the refusals. */
static void tempo_known(void)
{
    enum { N = 2000, PERIOD = 40 };
    static float env[N];
    for (size_t t = 0; t < N; t++)
        env[t] = t % PERIOD == 5 ? 1.0f : 0.0f;
    sono_tempo_params p;
    sono_tempo_params_default(&p);
    size_t win = sono_tempo_win_length(&p);
    CHECK(win == 344, "win_length %zu, want floor(8 x 22050 / 512) = 344", win);
    double *tg = malloc(win * sizeof *tg);
    CHECK(sono_tempogram_mean(&p, env, N, tg) == SONO_OK, "tempogram");
    CHECK(fabs(tg[0] - 1.0) < 1e-12, "tg[0] = %.17g", tg[0]);
    CHECK(tg[40] > 0.5 && tg[80] > 0.2 && fabs(tg[20]) < 1e-9 && fabs(tg[39]) < 1e-9,
          "click train: tg[20] %g, tg[39] %g, tg[40] %g, tg[80] %g", tg[20], tg[39], tg[40],
          tg[80]);
    for (int m = 0; m < 2; m++) {
        p.method = m ? SONO_TEMPO_METRICAL : SONO_TEMPO_LIBROSA;
        sono_tempo_result r;
        CHECK(sono_tempo_estimate(&p, env, N, &r) == SONO_OK, "estimate");
        double bpm = 60.0 * 22050.0 / (512.0 * PERIOD);
        CHECK(r.lag == PERIOD && fabs(r.bpm - bpm) < 1e-9,
              "method %d: lag %zu (%g BPM), want %d", m, r.lag, r.bpm, PERIOD);
        CHECK(fabs(r.librosa_bpm - bpm) < 1e-9, "librosa_bpm %g", r.librosa_bpm);
        CHECK(fabs(r.confidence - tg[PERIOD]) < 1e-12, "confidence %g", r.confidence);
        CHECK(fabs(r.half_bpm - bpm / 2) < 0.01 * bpm, "half %g", r.half_bpm);
        CHECK(r.double_bpm == 0 || fabs(r.double_bpm - 2 * bpm) < 0.06 * 2 * bpm,
              "double %g", r.double_bpm);
    }
    /* Silence: every autocorrelation is zero (left unnormalised) and the
     * prior alone decides, as in librosa; no confidence. */
    static float quiet[500];
    sono_tempo_result r;
    p.method = SONO_TEMPO_LIBROSA;
    CHECK(sono_tempo_estimate(&p, quiet, 500, &r) == SONO_OK && r.confidence == 0.0 &&
          fabs(r.bpm - 120.0) < 3.0, "silence: %g BPM, confidence %g", r.bpm, r.confidence);
    /* Refusals. */
    sono_tempo_params bad = p;
    bad.start_bpm = 0;
    CHECK(sono_tempo_estimate(&bad, env, N, &r) == SONO_ERR_INVALID, "start_bpm 0");
    bad = p;
    bad.ac_size = 0.01;
    CHECK(sono_tempo_win_length(&bad) == 0 &&
          sono_tempo_estimate(&bad, env, N, &r) == SONO_ERR_INVALID, "ac_size 0.01");
    bad = p;
    bad.max_tempo = 1.0;
    CHECK(sono_tempo_estimate(&bad, env, N, &r) == SONO_ERR_INVALID, "max_tempo 1");
    bad = p;
    bad.sample_rate = NAN;
    CHECK(sono_tempo_estimate(&bad, env, N, &r) == SONO_ERR_INVALID, "sample_rate NaN");
    CHECK(sono_tempo_estimate(&p, env, 0, &r) == SONO_ERR_INVALID, "no frames");
    env[7] = NAN;
    CHECK(sono_tempo_estimate(&p, env, N, &r) == SONO_ERR_INVALID, "NaN in the envelope");
    free(tg);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: test_features GOLDEN_DIR DATA_DIR BENCH_DATA_DIR [WORKDIR]\n");
        return 2;
    }
    golden_dir = argv[1];
    data_dir = argv[2];
    bench_dir = argv[3];
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", golden_dir);
    char *manifest = test_read_text(path);
    CHECK(manifest != NULL, "cannot read %s", path);
    sono_signal trumpet;
    if (manifest && load_clip("trumpet.ogg", &trumpet) == SONO_OK) {
        size_t frames;
        float *mag = magnitudes(&trumpet, &frames);
        golden_spectral(manifest, &trumpet, mag, frames);
        golden_perceptual(manifest, &trumpet, mag, frames);
        free(mag);
        sono_signal_free(&trumpet);
        golden_onset(manifest);
        golden_tempo(manifest);
    }
    free(manifest);
    spectral_known();
    onset_known();
    tempo_known();
    signal_known();
    a_weighting_known();
    npy_vector(argc > 4 ? argv[4] : ".");
    return test_summary("test_features");
}
