/* Block pulls on threads give the bits of the frame-at-a-time plan: for
 * every window and pad mode, centred or not, odd sizes, hops beyond half a
 * frame and signals shorter than one, pushed in odd-sized pieces and
 * pulled with odd maxima, on 1, 2 and 3 threads and blocks of 1 to 256
 * frames, complex frames, magnitudes, powers, mel and log-frequency bands
 * are equal to sono_stft_pull followed by sono_magnitude, sono_power,
 * sono_mel_apply and sono_logfreq_apply.  Also: the magnitude is hypotf's,
 * and the refusals.  No time is measured.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "testutil.h"

enum { K_COMPLEX, K_MAG, K_POWER, K_MEL, K_LOG, K_COUNT };
static const char *kind_names[K_COUNT] = {"complex", "magnitude", "power", "mel", "logfreq"};

typedef struct banks {
    sono_mel *mel;
    sono_logfreq *log;
} banks;

/* Values a frame of kind k has, and their size. */
static size_t rows_of(int k, size_t bins, const banks *b)
{
    return k == K_MEL ? sono_mel_bands(b->mel) : k == K_LOG ? sono_logfreq_bands(b->log) : bins;
}

static size_t esize_of(int k)
{
    return k == K_COMPLEX ? sizeof(sono_complex) : sizeof(float);
}

/* The reference: one frame at a time, reduced by the public functions. */
static size_t reference(const sono_stft_params *p, const float *x, size_t n, int k,
                        const banks *b, unsigned char *out)
{
    int err;
    sono_stft *s = sono_stft_new(p, &err);
    size_t bins = sono_stft_bins(p), rows = rows_of(k, bins, b), done = 0;
    sono_complex *frame = malloc(bins * sizeof *frame);
    float *spec = malloc(bins * sizeof *spec);
    for (size_t used = 0, last = 0; !last;) {
        if (used < n)
            used += sono_stft_push(s, x + used, n - used);
        else
            last = sono_stft_finish(s) == SONO_OK;
        while (sono_stft_pull(s, frame) == 1) {
            unsigned char *o = out + done++ * rows * esize_of(k);
            if (k == K_COMPLEX) {
                memcpy(o, frame, bins * sizeof *frame);
                continue;
            }
            if (k == K_MAG || k == K_POWER) {
                (k == K_MAG ? sono_magnitude : sono_power)(frame, (float *)o, bins);
                continue;
            }
            sono_power(frame, spec, bins);
            if (k == K_MEL)
                sono_mel_apply(b->mel, spec, (float *)o);
            else
                sono_logfreq_apply(b->log, spec, (float *)o);
        }
    }
    free(frame);
    free(spec);
    sono_stft_free(s);
    return done;
}

static int pull_kind(sono_stft *s, int k, const banks *b, unsigned char *out, size_t max)
{
    switch (k) {
    case K_COMPLEX: return sono_stft_pull_block(s, (sono_complex *)out, max);
    case K_MAG: return sono_stft_pull_spectrum(s, 1, (float *)out, max);
    case K_POWER: return sono_stft_pull_spectrum(s, 2, (float *)out, max);
    case K_MEL: return sono_stft_pull_mel(s, b->mel, 2, (float *)out, max);
    default: return sono_stft_pull_logfreq(s, b->log, 2, (float *)out, max);
    }
}

/* Block pulls of a plan of `block` frames on `threads` threads, pushes of
 * sizes from `chunk` on, pulls of at most `max` frames. */
static size_t blocked(const sono_stft_params *p, size_t block, int threads, const float *x,
                      size_t n, size_t chunk, size_t max, int k, const banks *b,
                      unsigned char *out)
{
    int err, r;
    sono_stft *s = sono_stft_new_block(p, block, threads, &err);
    CHECK(s != NULL, "sono_stft_new_block(%zu, %d): %s", block, threads, sono_strerror(err));
    if (!s)
        return 0;
    CHECK(sono_stft_block(s) == (block ? block : 256) &&
              sono_stft_threads(s) == ((size_t)threads < sono_stft_block(s)
                                           ? threads : (int)sono_stft_block(s)),
          "block %zu threads %d", sono_stft_block(s), sono_stft_threads(s));
    size_t row_bytes = rows_of(k, sono_stft_bins(p), b) * esize_of(k), done = 0;
    for (size_t used = 0, last = 0; !last;) {
        if (used < n) {
            size_t want = chunk < n - used ? chunk : n - used;
            used += sono_stft_push(s, x + used, want);
            chunk = chunk * 7 % 30011 + 1;
        } else {
            last = sono_stft_finish(s) == SONO_OK;
        }
        while ((r = pull_kind(s, k, b, out + done * row_bytes, max)) > 0) {
            CHECK((size_t)r <= max && (size_t)r <= sono_stft_block(s), "pulled %d of max %zu",
                  r, max);
            done += (size_t)r;
        }
        CHECK(r == 0 || last, "pull: %s", sono_strerror(r));
    }
    sono_stft_free(s);
    return done;
}

static void check_case(size_t n, sono_stft_params p, double rate)
{
    static const struct {
        size_t block;
        int threads;
        size_t chunk, max;
    } runs[] = {
        {1, 1, 1, 1}, {0, 2, 4096, 256}, {0, 3, 100000, 1000}, {3, 2, 7, 2},
        {64, 3, 333, 64}, {17, 2, 50000, 5}, {256, 1, 1000, 256},
    };
    float *x = malloc((n ? n : 1) * sizeof *x);
    test_noise(x, n, (unsigned)(n * 3 + p.n_fft));
    sono_stft_params_resolve(&p);
    size_t frames = 0;
    if (sono_stft_frame_count(&p, n, &frames) != SONO_OK)
        frames = 0;
    sono_mel_params mp;
    sono_mel_params_default(&mp);
    mp.n_mels = 40;
    sono_logfreq_params lp;
    sono_logfreq_params_default(&lp);
    lp.fmin = 200.0;
    lp.bins_per_octave = 12;
    int err;
    banks b = {sono_mel_new(&mp, rate, p.n_fft, &err), sono_logfreq_new(&lp, rate, p.n_fft, &err)};
    CHECK(b.mel && b.log, "banks for n_fft %zu", p.n_fft);
    size_t bins = sono_stft_bins(&p), most = bins * sizeof(sono_complex);
    for (int k = K_MEL; k <= K_LOG && b.mel && b.log; k++)
        if (rows_of(k, bins, &b) * sizeof(float) > most)
            most = rows_of(k, bins, &b) * sizeof(float);
    most *= frames + 1;
    unsigned char *want = malloc(most), *got = malloc(most);
    int same = 1;
    for (int k = 0; k < K_COUNT && b.mel && b.log; k++) {
        size_t bytes = frames * rows_of(k, bins, &b) * esize_of(k);
        size_t ref = reference(&p, x, n, k, &b, want);
        CHECK(ref == frames, "%s: reference gave %zu of %zu frames", kind_names[k], ref, frames);
        for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
            memset(got, 0xA5, most);
            size_t done = blocked(&p, runs[i].block, runs[i].threads, x, n, runs[i].chunk,
                                  runs[i].max, k, &b, got);
            int eq = done == frames && memcmp(want, got, bytes) == 0;
            same &= eq;
            CHECK(eq, "%s, block %zu, %d threads: %zu of %zu frames%s", kind_names[k],
                  runs[i].block, runs[i].threads, done, frames,
                  done == frames ? ", different bits" : "");
        }
    }
    printf("n=%zu n_fft=%zu hop=%zu win=%zu %s center=%d %s: %zu frames, %s\n", n, p.n_fft,
           p.hop_length, p.win_length, sono_window_name(p.window), p.center,
           sono_pad_mode_name(p.pad_mode), frames, same ? "identical" : "DIFFERENT");
    sono_mel_free(b.mel);
    sono_logfreq_free(b.log);
    free(want);
    free(got);
    free(x);
}

/* sono_magnitude is hypotf, bit for bit, over parts of every magnitude. */
static void check_magnitude(void)
{
    enum { N = 200000 };
    sono_complex *z = malloc(N * sizeof *z);
    float *m = malloc(N * sizeof *m), *pw = malloc(N * sizeof *pw);
    unsigned s = 12345;
    for (size_t i = 0; i < N; i++) {
        float v[2];
        for (int j = 0; j < 2; j++) {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            /* mantissa and sign from the bits, exponent spread over 2^-140..2^120 */
            v[j] = ldexpf((float)(s & 0xffffff) / 16777216.0f, (int)(s >> 24) - 140);
            if (s & 0x800000)
                v[j] = -v[j];
        }
        z[i].re = v[0];
        z[i].im = i % 5 == 0 ? 0.0f : i % 7 == 0 ? v[0] : v[1];
    }
    sono_magnitude(z, m, N);
    sono_power(z, pw, N);
    size_t bad = 0;
    for (size_t i = 0; i < N; i++) {
        float h = hypotf(z[i].re, z[i].im);
        bad += memcmp(&h, &m[i], sizeof h) != 0 || pw[i] != h * h;
    }
    CHECK(bad == 0, "%zu of %d magnitudes differ from hypotf", bad, N);
    printf("sono_magnitude and hypotf: %zu of %d differ\n", bad, N);
    free(z);
    free(m);
    free(pw);
}

static void check_refusals(void)
{
    sono_stft_params p;
    sono_stft_params_default(&p);
    int err = SONO_OK;
    CHECK(!sono_stft_new_block(&p, 65537, 1, &err) && err == SONO_ERR_INVALID, "block 65537");
    CHECK(!sono_stft_new_block(&p, 1, -1, &err) && err == SONO_ERR_INVALID, "threads -1");
    CHECK(!sono_stft_new_block(NULL, 1, 1, &err) && err == SONO_ERR_INVALID, "no params");
    sono_stft *s = sono_stft_new_block(&p, 0, 0, &err);
    CHECK(s && sono_stft_threads(s) >= 1, "threads 0 is one per core");
    sono_mel_params mp;
    sono_mel_params_default(&mp);
    sono_mel *other = sono_mel_new(&mp, 22050, 1024, &err);
    float out[1025];
    sono_complex c[1025];
    CHECK(sono_stft_pull_spectrum(s, 3, out, 1) == SONO_ERR_INVALID, "power 3");
    CHECK(sono_stft_pull_spectrum(s, 1, NULL, 1) == SONO_ERR_INVALID, "no output");
    CHECK(sono_stft_pull_mel(s, other, 2, out, 1) == SONO_ERR_INVALID, "bank of 513 bins");
    CHECK(sono_stft_pull_mel(s, NULL, 2, out, 1) == SONO_ERR_INVALID, "no bank");
    CHECK(sono_stft_pull_logfreq(s, NULL, 1, out, 1) == SONO_ERR_INVALID, "no log bank");
    CHECK(sono_stft_pull_block(NULL, c, 1) == SONO_ERR_INVALID, "no plan");
    CHECK(sono_stft_pull_block(s, c, 0) == 0, "max 0 pulls nothing");
    sono_stft_finish(s);
    CHECK(sono_stft_pull_block(s, c, 5) == SONO_ERR_EMPTY, "empty signal");
    CHECK(sono_stft_block(NULL) == 0 && sono_stft_threads(NULL) == 0, "NULL plan");
    sono_mel_free(other);
    sono_stft_free(s);
}

int main(void)
{
    check_magnitude();
    check_refusals();
    check_case(50000, test_stft_params(2048, 512, 2048, SONO_WINDOW_HANN, 1, SONO_PAD_CONSTANT), 22050);
    check_case(40001, test_stft_params(511, 100, 511, SONO_WINDOW_HAMMING, 1, SONO_PAD_REFLECT), 16000);
    check_case(30000, test_stft_params(256, 64, 200, SONO_WINDOW_BLACKMAN, 1, SONO_PAD_EDGE), 8000);
    check_case(30000, test_stft_params(255, 50, 101, SONO_WINDOW_BARTLETT, 0, SONO_PAD_CONSTANT), 8000);
    check_case(9000, test_stft_params(300, 300, 300, SONO_WINDOW_RECTANGULAR, 1, SONO_PAD_REFLECT), 8000);
    check_case(20000, test_stft_params(1000, 333, 777, SONO_WINDOW_HANN, 0, SONO_PAD_CONSTANT), 22050);
    check_case(100, test_stft_params(256, 64, 256, SONO_WINDOW_HANN, 1, SONO_PAD_REFLECT), 8000);
    check_case(2100, test_stft_params(1024, 700, 1024, SONO_WINDOW_HANN, 1, SONO_PAD_REFLECT), 22050);
    check_case(17, test_stft_params(16, 1, 16, SONO_WINDOW_HANN, 1, SONO_PAD_EDGE), 8000);
    return test_summary("test_stft_block");
}
