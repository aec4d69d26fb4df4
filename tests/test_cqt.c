/* The constant-Q transform through the library: librosa's golden CQTs
 * (tests/golden, cqt84_mag_*), what a bin means (a tone peaks at its bin
 * with amplitude a sqrt(L) / 2), the frame count's edge, the refusals, and
 * the round trip cqt -> icqt on real clips against a measured floor.
 * usage: test_cqt GOLDEN_DIR DATA_DIR BENCH_DATA_DIR
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "testutil.h"

#define PI 3.14159265358979323846

/* The relative Frobenius error of |ours| (frames x bins, frame-major)
 * against a golden bins x frames float32 matrix; INFINITY on a shape
 * mismatch. */
static double frobenius(const sono_complex *ours, size_t frames, size_t bins,
                        const sono_npy_array *ref)
{
    if (ref->ndim != 2 || ref->dtype != SONO_DTYPE_F32 || ref->shape[0] != bins ||
        ref->shape[1] != frames)
        return INFINITY;
    const float *r = ref->data;
    double num = 0, den = 0;
    for (size_t k = 0; k < bins; k++)
        for (size_t t = 0; t < frames; t++) {
            const sono_complex *z = &ours[t * bins + k];
            double d = hypot(z->re, z->im) - r[k * frames + t];
            num += d * d;
            den += (double)r[k * frames + t] * r[k * frames + t];
        }
    return sqrt(num / den);
}

/* The whole CQT of x with p at rate sr (malloc'd), or NULL. */
static sono_complex *cqt_of(const sono_cqt_params *p, double sr, const float *x,
                            size_t n, size_t *frames)
{
    int err = SONO_OK;
    sono_cqt *c = sono_cqt_new(p, sr, &err);
    CHECK(c != NULL, "sono_cqt_new: %s", sono_strerror(err));
    if (!c)
        return NULL;
    *frames = sono_cqt_frames(c, n);
    sono_complex *C = malloc(*frames * p->n_bins * sizeof *C);
    err = sono_cqt_run(c, x, n, C);
    CHECK(err == SONO_OK, "sono_cqt_run: %s", sono_strerror(err));
    sono_cqt_free(c);
    if (err != SONO_OK) {
        free(C);
        return NULL;
    }
    return C;
}

/* 10 log10(|x|^2 / |x - y|^2) over n samples. */
static double snr_db(const float *x, const float *y, size_t n)
{
    double s = 0, e = 0;
    for (size_t i = 0; i < n; i++) {
        s += (double)x[i] * x[i];
        e += ((double)x[i] - y[i]) * ((double)x[i] - y[i]);
    }
    return 10 * log10(s / e);
}

static void golden(const char *golden_dir, const char *manifest, const char *name,
                   const char *audio_path, double regression_bound, sono_signal *keep)
{
    char path[4096];
    test_tolerance tol;
    sono_source_params sp;
    sono_npy_array ref;
    sono_source_params_default(&sp);
    CHECK(test_manifest_tolerance(manifest, name, &tol) == 0, "%s not in the manifest", name);
    int err = sono_load(audio_path, &sp, keep);
    CHECK(err == SONO_OK, "%s: %s", audio_path, sono_strerror(err));
    snprintf(path, sizeof path, "%s/%s.npy", golden_dir, name);
    int err2 = sono_npy_load(path, &ref);
    CHECK(err2 == SONO_OK, "%s: %s", path, sono_strerror(err2));
    if (err || err2)
        return;
    sono_cqt_params p;
    sono_cqt_params_default(&p);
    size_t frames = 0;
    sono_complex *C = cqt_of(&p, keep->sample_rate, keep->data[0], keep->frames, &frames);
    double e = C ? frobenius(C, frames, p.n_bins, &ref) : INFINITY;
    printf("%-24s rel_frobenius error %.3e  tolerance %.0e  (%zu x %zu)\n", name, e,
           tol.value, p.n_bins, frames);
    CHECK(e <= tol.value, "%s: error %.3e above the manifest's %.0e", name, e, tol.value);
    CHECK(e <= regression_bound, "%s: error %.3e above the %.0e measured with margin",
          name, e, regression_bound);
    free(C);
    sono_npy_free(&ref);
}

/* cqt then icqt at the clip's length; returns the SNR in dB. */
static double round_trip(const sono_signal *sig, const sono_cqt_params *p)
{
    size_t frames = 0, n = sig->frames;
    sono_complex *C = cqt_of(p, sig->sample_rate, sig->data[0], n, &frames);
    int err = SONO_OK;
    sono_icqt *inv = sono_icqt_new(p, sig->sample_rate, &err);
    CHECK(inv != NULL, "sono_icqt_new: %s", sono_strerror(err));
    float *y = malloc(n * sizeof *y);
    double snr = -INFINITY;
    if (C && inv && y) {
        CHECK(sono_icqt_length(inv, frames, n) == n, "length %zu", n);
        err = sono_icqt_run(inv, C, frames, n, y);
        CHECK(err == SONO_OK, "sono_icqt_run: %s", sono_strerror(err));
        if (err == SONO_OK)
            snr = snr_db(sig->data[0], y, n);
    }
    sono_icqt_free(inv);
    free(C);
    free(y);
    return snr;
}

/* A tone of amplitude a at the centre of bin k comes out in bin k, at
 * about a sqrt(L_k) / 2, and the bins an octave away are far below. */
static void tone(double sr, size_t hop, size_t k)
{
    sono_cqt_params p;
    sono_cqt_params_default(&p);
    p.hop_length = hop;
    double freq[84];
    sono_cqt_frequencies(&p, freq);
    size_t n = (size_t)(3 * sr), frames = 0;
    float *x = malloc(n * sizeof *x);
    const double a = 0.5;
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(a * cos(2 * PI * freq[k] * (double)i / sr));
    sono_complex *C = cqt_of(&p, sr, x, n, &frames);
    if (C) {
        const sono_complex *mid = C + frames / 2 * p.n_bins;
        size_t best = 0;
        for (size_t j = 1; j < p.n_bins; j++)
            if (hypot(mid[j].re, mid[j].im) > hypot(mid[best].re, mid[best].im))
                best = j;
        double r = pow(2.0, 1.0 / 6.0), q = (r + 1) / (r - 1);   /* 1 / alpha */
        double want = a * sqrt(q * sr / freq[k]) / 2;
        double got = hypot(mid[k].re, mid[k].im);
        double below = hypot(mid[k - 12].re, mid[k - 12].im);
        printf("tone %.1f Hz at %g Hz, hop %zu: bin %zu, |C| %.4f (a sqrt(L)/2 = %.4f), "
               "an octave below %.2e\n", freq[k], sr, hop, best, got, want, below);
        CHECK(best == k, "the tone of bin %zu peaks in bin %zu", k, best);
        CHECK(fabs(got / want - 1) < 0.02, "|C| %.5f, expected %.5f", got, want);
        CHECK(below < 1e-3 * got, "an octave below: %.3e against %.3e", below, got);
    }
    free(C);
    free(x);
}

static void refusals(void)
{
    sono_cqt_params p;
    int err = SONO_OK;
#define REFUSED(field, value, sr, code)                                             \
    do {                                                                           \
        sono_cqt_params_default(&p);                                               \
        p.field = value;                                                           \
        err = sono_cqt_check(&p, sr);                                              \
        CHECK(err == code, #field " = " #value " at %g Hz: %s", (double)(sr),      \
              sono_strerror(err));                                                 \
        CHECK(sono_cqt_new(&p, sr, &err) == NULL && err == code, #field " new");   \
        CHECK(sono_icqt_new(&p, sr, &err) == NULL && err == code, #field " inew"); \
    } while (0)
    REFUSED(n_bins, 0, 22050, SONO_ERR_INVALID);
    REFUSED(n_bins, SONO_CQT_MAX_BINS + 1, 22050, SONO_ERR_INVALID);
    REFUSED(bins_per_octave, 0, 22050, SONO_ERR_INVALID);
    REFUSED(fmin, 0.0, 22050, SONO_ERR_INVALID);
    REFUSED(fmin, -32.7, 22050, SONO_ERR_INVALID);
    REFUSED(fmin, NAN, 22050, SONO_ERR_INVALID);
    REFUSED(hop_length, 0, 22050, SONO_ERR_INVALID);
    /* 84 bins from C1 reach 4122 Hz: above the Nyquist frequency of 8 kHz. */
    REFUSED(n_bins, 84, 8000, SONO_ERR_INVALID);
    REFUSED(n_bins, 84, 0.0, SONO_ERR_INVALID);
    REFUSED(n_bins, 84, INFINITY, SONO_ERR_INVALID);
    /* 1e-5 Hz: the top octave's filters need 75 million samples even at the
     * early-downsampled rate. */
    REFUSED(fmin, 1e-5, 22050, SONO_ERR_TOO_LARGE);
    sono_cqt_params_default(&p);
    printf("84 bins from C1 reach %.2f Hz\n", sono_cqt_reach(&p));
    CHECK(fabs(sono_cqt_reach(&p) - 4122.06) < 0.01, "reach %.4f", sono_cqt_reach(&p));
    CHECK(sono_cqt_check(&p, 8244.2) == SONO_OK && sono_cqt_check(&p, 8244.0) != SONO_OK,
          "the reach decides against 2 x 4122.06 Hz");

    /* Signals: none, not finite, shorter than the early downsampling. */
    sono_cqt *c = sono_cqt_new(&p, 44100, &err);
    float x[4096] = {0};
    sono_complex out[84 * 16];
    CHECK(sono_cqt_min_samples(c) == 2, "44.1 kHz downsamples by 2 first: %zu",
          sono_cqt_min_samples(c));
    CHECK(sono_cqt_run(c, x, 0, out) == SONO_ERR_EMPTY, "no samples");
    CHECK(sono_cqt_run(c, x, 1, out) == SONO_ERR_TOO_SHORT, "one sample, factor 2");
    x[100] = NAN;
    CHECK(sono_cqt_run(c, x, 4096, out) == SONO_ERR_NONFINITE, "NaN");
    x[100] = 0;
    /* 1023 samples: 2 frames of 512, but 3 once early downsampling rounds
     * them up to 512 samples at hop 256 (as librosa). */
    CHECK(sono_cqt_frames(c, 1023) == 3 && sono_cqt_frames(c, 1024) == 3 &&
              sono_cqt_frames(c, 1022) == 2, "frames %zu %zu %zu",
          sono_cqt_frames(c, 1022), sono_cqt_frames(c, 1023), sono_cqt_frames(c, 1024));
    sono_cqt_free(c);

    sono_icqt *q = sono_icqt_new(&p, 44100, &err);
    float y[4096];
    CHECK(q && sono_icqt_run(q, out, 0, 0, y) == SONO_ERR_EMPTY, "icqt of no frames");
    memset(out, 0, sizeof out);
    CHECK(q && sono_icqt_run(q, out, 1, 0, y) == SONO_ERR_TOO_SHORT, "icqt of one frame");
    out[3].im = INFINITY;
    CHECK(q && sono_icqt_run(q, out, 2, 0, y) == SONO_ERR_NONFINITE, "icqt of infinity");
    CHECK(q && sono_icqt_length(q, 16, 0) == 512 * 15 && sono_icqt_length(q, 16, 77) == 77,
          "icqt lengths");
    sono_icqt_free(q);
#undef REFUSED
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: test_cqt GOLDEN_DIR DATA_DIR BENCH_DATA_DIR\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", argv[1]);
    char *manifest = test_read_text(path);
    CHECK(manifest != NULL, "cannot read %s", path);
    sono_signal trumpet = {0}, brahms = {0};
    snprintf(path, sizeof path, "%s/trumpet.ogg", argv[2]);
    golden(argv[1], manifest, "cqt84_mag_trumpet", path, 1e-5, &trumpet);
    snprintf(path, sizeof path, "%s/brahms.ogg", argv[3]);
    golden(argv[1], manifest, "cqt84_mag_brahms", path, 1e-5, &brahms);
    free(manifest);

    tone(22050, 512, 57);
    tone(44100, 512, 33);
    tone(22050, 384, 45);   /* 384 = 3 x 2^7: downsampling stops above the bottom */
    tone(22050, 511, 70);   /* an odd hop: every octave at the full rate */
    refusals();

    /* cqt -> icqt on the clips.  With the defaults the top octaves' filters
     * (190 to 365 samples) are shorter than the hop (512): the CQT does not
     * sample them densely enough to be inverted, in librosa as here, and
     * the SNR is low (printed, not asserted).  Nine whole octaves (to
     * 15.8 kHz) at hop 32 sample every octave densely: asserted against
     * floors 2 dB under what was measured (39.1 and 38.1 dB). */
    sono_cqt_params p;
    sono_cqt_params_default(&p);
    const sono_signal *clips[2] = {&trumpet, &brahms};
    const char *names[2] = {"trumpet", "brahms"};
    const double floors[2] = {37.0, 36.0};
    for (int i = 0; i < 2; i++) {
        if (!clips[i]->frames)
            continue;
        sono_cqt_params_default(&p);
        printf("round trip, %s 44.1 kHz, defaults: SNR %.2f dB\n", names[i],
               round_trip(clips[i], &p));
        p.n_bins = 108;
        p.hop_length = 32;
        double s = round_trip(clips[i], &p);
        printf("round trip, %s 44.1 kHz, 108 bins, hop 32: SNR %.2f dB (floor %.0f)\n",
               names[i], s, floors[i]);
        CHECK(s >= floors[i], "%s: %.2f dB", names[i], s);
    }
    sono_signal_free(&trumpet);
    sono_signal_free(&brahms);
    return test_summary("test_cqt");
}
