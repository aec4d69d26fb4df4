/* iSTFT(STFT(x)) reproduces x: a real recording and noise, librosa's default
 * parameters and the odd sizes (n_fft 22050, win_length 11025, hop 7350),
 * every window and pad mode, with and without centring; the streaming
 * inverse pulled in small pieces equals the one-shot one.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "testutil.h"

static void roundtrip(const char *what, const float *x, size_t n,
                      size_t n_fft, size_t hop, size_t win, sono_window w,
                      int center, sono_pad_mode mode, double limit)
{
    sono_stft_params p = test_stft_params(n_fft, hop, win, w, center, mode);
    int err;
    size_t frames, bins = n_fft / 2 + 1;
    sono_stft *s = sono_stft_new(&p, &err);
    CHECK(s && sono_stft_frame_count(&p, n, &frames) == SONO_OK, "plan");
    if (!s)
        return;
    sono_complex *spec = malloc(frames * bins * sizeof *spec);
    float *y = malloc(n * sizeof *y), *z = malloc(n * sizeof *z);
    CHECK(sono_stft_run(s, x, n, spec) == SONO_OK, "stft");
    CHECK(sono_istft_run(&p, spec, frames, n, y) == SONO_OK, "istft");

    /* Without centring the first and last samples are covered by the
     * window's zero ends only; compare where the window sum is meaningful. */
    size_t a = center ? 0 : win, b = center ? n : n - win;
    double rel = test_rel_max(y + a, x + a, b - a);
    printf("%-8s n_fft=%-5zu hop=%-4zu win=%-5zu %-11s center=%d %-8s: "
           "max |y - x| / max |x| = %.2e\n", what, n_fft, hop, win,
           sono_window_name(w), center, sono_pad_mode_name(mode), rel);
    CHECK(rel <= limit, "round trip error %.3e > %.1e", rel, limit);

    /* Streaming, pulling 3 samples at a time, gives the same samples. */
    sono_istft *is = sono_istft_new(&p, n, &err);
    size_t got = 0, k;
    for (size_t t = 0; t < frames; t++) {
        CHECK(sono_istft_push(is, spec + t * bins) == SONO_OK, "push %zu", t);
        while ((k = sono_istft_pull(is, z + got, n - got < 3 ? n - got : 3)) > 0)
            got += k;
    }
    sono_istft_finish(is);
    while ((k = sono_istft_pull(is, z + got, n - got)) > 0)
        got += k;
    CHECK(got == n && memcmp(y, z, n * sizeof *y) == 0,
          "streaming inverse differs (%zu of %zu samples)", got, n);
    sono_istft_free(is);
    sono_stft_free(s);
    free(spec);
    free(y);
    free(z);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_istft_roundtrip DATA_DIR\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/trumpet.ogg", argv[1]);
    sono_source_params sp;
    sono_source_params_default(&sp);
    sono_signal sig;
    int err = sono_load(path, &sp, &sig);
    CHECK(err == SONO_OK, "load %s: %s", path, sono_strerror(err));
    if (err)
        return 1;
    const float *x = sig.data[0];
    size_t n = sig.frames;

    roundtrip("trumpet", x, n, 2048, 512, 2048, SONO_WINDOW_HANN, 1, SONO_PAD_CONSTANT, 1e-6);
    roundtrip("trumpet", x, n, 22050, 7350, 11025, SONO_WINDOW_HANN, 1, SONO_PAD_CONSTANT, 1e-6);
    roundtrip("trumpet", x, n, 1024, 256, 1024, SONO_WINDOW_HAMMING, 1, SONO_PAD_REFLECT, 1e-6);
    roundtrip("trumpet", x, n, 1023, 200, 1000, SONO_WINDOW_BLACKMAN, 1, SONO_PAD_EDGE, 1e-6);
    roundtrip("trumpet", x, n, 512, 128, 512, SONO_WINDOW_BARTLETT, 0, SONO_PAD_CONSTANT, 1e-6);
    roundtrip("trumpet", x, n, 400, 100, 400, SONO_WINDOW_RECTANGULAR, 1, SONO_PAD_CONSTANT, 1e-6);

    /* 7 hops: with win_length < n_fft the window of the last frame must
     * still reach the end, or (as in librosa) the last samples are zero. */
    size_t nn = 7 * 7350;
    float *noise = malloc(nn * sizeof *noise);
    test_noise(noise, nn, 7);
    roundtrip("noise", noise, nn, 2048, 512, 2048, SONO_WINDOW_HANN, 1, SONO_PAD_CONSTANT, 1e-6);
    roundtrip("noise", noise, nn, 22050, 7350, 11025, SONO_WINDOW_HANN, 1, SONO_PAD_CONSTANT, 1e-6);
    free(noise);
    sono_signal_free(&sig);
    return test_summary("test_istft_roundtrip");
}
