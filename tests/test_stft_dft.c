/* The STFT against a direct O(N^2) DFT in double precision of the padded,
 * windowed frames, for even and odd sizes, short windows, every window and
 * pad mode, centred and not; and streaming in odd-sized pushes against the
 * one-shot call.  SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "testutil.h"

/* numpy.pad of x[0..n) by `pad` on both sides, read at padded index p. */
static double padded(const float *x, long n, long pad, sono_pad_mode m, long p)
{
    long i = p - pad;
    if (i >= 0 && i < n)
        return x[i];
    if (m == SONO_PAD_CONSTANT)
        return 0.0;
    if (m == SONO_PAD_EDGE)
        return i < 0 ? x[0] : x[n - 1];
    long period = 2 * (n - 1), r = i % period;
    if (r < 0)
        r += period;
    return x[r < n ? r : period - r];
}

static double window_value(sono_window w, size_t k, size_t m)
{
    const double pi = 3.14159265358979323846;
    switch (w) {
    case SONO_WINDOW_HANN: return 0.5 - 0.5 * cos(2 * pi * k / m);
    case SONO_WINDOW_HAMMING: return 0.54 - 0.46 * cos(2 * pi * k / m);
    case SONO_WINDOW_BLACKMAN:
        return 0.42 - 0.5 * cos(2 * pi * k / m) + 0.08 * cos(4 * pi * k / m);
    case SONO_WINDOW_BARTLETT:
        return 2 * k <= m ? 2.0 * k / m : 2.0 - 2.0 * k / m;
    default: return 1.0;
    }
}

static void check_case(size_t n, size_t n_fft, size_t hop, size_t win,
                       sono_window w, int center, sono_pad_mode mode)
{
    float *x = malloc(n * sizeof *x);
    test_noise(x, n, (unsigned)(n + n_fft));
    sono_stft_params p = test_stft_params(n_fft, hop, win, w, center, mode);
    int err;
    sono_stft *s = sono_stft_new(&p, &err);
    CHECK(s != NULL, "sono_stft_new: %s", sono_strerror(err));
    size_t frames, bins = n_fft / 2 + 1;
    CHECK(sono_stft_frame_count(&p, n, &frames) == SONO_OK, "frame count");
    sono_complex *out = malloc(frames * bins * sizeof *out);
    CHECK(sono_stft_run(s, x, n, out) == SONO_OK, "run");

    /* The direct DFT, bins x frames, and the error relative to its peak. */
    const double pi = 3.14159265358979323846;
    long pad = center ? (long)(n_fft / 2) : 0;
    double *frame = malloc(n_fft * sizeof *frame), peak = 0, worst = 0;
    size_t left = (n_fft - win) / 2;
    for (size_t t = 0; t < frames; t++) {
        for (size_t k = 0; k < n_fft; k++) {
            double wv = k >= left && k < left + win ? window_value(w, k - left, win) : 0;
            if (win == 1)
                wv = k == left;
            frame[k] = wv * padded(x, (long)n, pad, mode, (long)(t * hop + k));
        }
        for (size_t b = 0; b < bins; b++) {
            double re = 0, im = 0;
            for (size_t k = 0; k < n_fft; k++) {
                double ang = -2 * pi * (double)((b * k) % n_fft) / n_fft;
                re += frame[k] * cos(ang);
                im += frame[k] * sin(ang);
            }
            const sono_complex *o = out + t * bins + b;
            double d = hypot(o->re - re, o->im - im), m = hypot(re, im);
            worst = d > worst ? d : worst;
            peak = m > peak ? m : peak;
        }
    }
    double rel = worst / peak;
    printf("n=%zu n_fft=%zu hop=%zu win=%zu %s center=%d %s: frames=%zu "
           "max error / peak = %.2e\n", n, n_fft, hop, win, sono_window_name(w),
           center, sono_pad_mode_name(mode), frames, rel);
    CHECK(rel < 2e-6, "relative error %.3e", rel);

    /* Streaming in pushes of 1, 7, 333 ... samples gives the same frames. */
    sono_complex *frame_out = malloc(bins * sizeof *frame_out);
    size_t done = 0, chunk = 1, pos = 0;
    int same = 1, r;
    sono_stft_reset(s);
    while (pos < n) {
        size_t want = chunk < n - pos ? chunk : n - pos;
        pos += sono_stft_push(s, x + pos, want);
        chunk = chunk * 7 % 1001 + 1;
        while ((r = sono_stft_pull(s, frame_out)) == 1)
            same &= done < frames &&
                    memcmp(frame_out, out + done++ * bins, bins * sizeof *frame_out) == 0;
    }
    sono_stft_finish(s);
    while ((r = sono_stft_pull(s, frame_out)) == 1)
        same &= done < frames &&
                memcmp(frame_out, out + done++ * bins, bins * sizeof *frame_out) == 0;
    CHECK(same && done == frames, "streaming differs (%zu of %zu frames)", done, frames);

    free(frame_out);
    free(frame);
    free(out);
    free(x);
    sono_stft_free(s);
}

int main(void)
{
    check_case(5000, 512, 128, 512, SONO_WINDOW_HANN, 1, SONO_PAD_CONSTANT);
    check_case(4001, 511, 100, 511, SONO_WINDOW_HAMMING, 1, SONO_PAD_REFLECT);
    check_case(3000, 256, 64, 200, SONO_WINDOW_BLACKMAN, 1, SONO_PAD_EDGE);
    check_case(3000, 255, 50, 101, SONO_WINDOW_BARTLETT, 0, SONO_PAD_CONSTANT);
    check_case(2500, 300, 75, 300, SONO_WINDOW_RECTANGULAR, 1, SONO_PAD_REFLECT);
    check_case(2205, 1000, 333, 777, SONO_WINDOW_HANN, 0, SONO_PAD_CONSTANT);
    check_case(100, 256, 64, 256, SONO_WINDOW_HANN, 1, SONO_PAD_REFLECT); /* shorter than a frame */
    check_case(17, 16, 1, 16, SONO_WINDOW_HANN, 1, SONO_PAD_EDGE);
    check_case(50, 8, 8, 8, SONO_WINDOW_HANN, 1, SONO_PAD_CONSTANT);
    check_case(64, 2, 1, 1, SONO_WINDOW_RECTANGULAR, 0, SONO_PAD_CONSTANT);
    return test_summary("test_stft_dft");
}
