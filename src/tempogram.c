/* The autocorrelation tempogram of an onset envelope, averaged over time, as
 * librosa 0.10's feature.tempogram followed by tempo's aggregate=np.mean.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * librosa pads the envelope by win_length // 2 on each side with a linear
 * ramp from 0 to the edge value (numpy's 'linear_ramp'), takes one frame of
 * win_length values per envelope value (hop 1), multiplies it by a periodic
 * Hann window, autocorrelates it through an FFT of at least 2 win_length - 1
 * points, and divides each frame's autocorrelation by its largest magnitude
 * (norm=np.inf; frames below the smallest normal double are left alone).
 * tempo() then averages the frames.  numpy's FFT works in double whatever
 * the input, so this does too.
 *
 * The mean is all tempo needs, so frames are summed as they are made and no
 * win_length x frames matrix exists: memory is the padded envelope and one
 * FFT. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

#define MAX_WIN ((size_t)1 << 22)

/* Any FFT length of at least 2 win_length - 1 gives the same linear (not
 * circular) autocorrelation: the smallest even 2^a 3^b 5^c from there, a
 * size FFTW is fast at (689, librosa's default window at 44.1 kHz, would
 * otherwise give 1378 = 2 x 13 x 53). */
static size_t fft_length(size_t min)
{
    for (size_t n = min + (min & 1);; n += 2) {
        size_t m = n;
        while (m % 2 == 0)
            m /= 2;
        while (m % 3 == 0)
            m /= 3;
        while (m % 5 == 0)
            m /= 5;
        if (m == 1)
            return n;
    }
}

/* numpy.linspace(start=0, stop=edge, num=width, endpoint=False), cast to
 * the envelope's float32, as np.pad's linear_ramp builds it; the right side
 * is the same ramp reversed. */
static void ramp(float *dst, size_t width, float edge, int reversed)
{
    double step = (double)edge / (double)width;
    for (size_t i = 0; i < width; i++) {
        float v = (float)((double)i * step);
        dst[reversed ? width - 1 - i : i] = v;
    }
}

int sono__tempogram_mean(const float *onset, size_t frames, size_t win_length,
                         double *out)
{
    if (!onset || !out || frames == 0 || win_length == 0)
        return SONO_ERR_INVALID;
    if (win_length > MAX_WIN || frames > SIZE_MAX / 4 - win_length)
        return SONO_ERR_TOO_LARGE;
    size_t pad = win_length / 2, padded_len = frames + 2 * pad;
    size_t n_fft = fft_length(2 * win_length - 1);
    int err = SONO_OK;
    float *padded = sono__malloc_array(padded_len, sizeof *padded);
    double *window = sono__malloc_array(win_length, sizeof *window);
    sono__fftd *fft = sono__fftd_new(1, n_fft, &err);
    if (!padded || !window || !fft) {
        err = fft || err == SONO_OK ? SONO_ERR_NOMEM : err;
        goto done;
    }
    ramp(padded, pad, onset[0], 0);
    memcpy(padded + pad, onset, frames * sizeof *onset);
    ramp(padded + pad + frames, pad, onset[frames - 1], 1);
    const double pi = 3.14159265358979323846;
    for (size_t k = 0; k < win_length; k++)  /* scipy's hann, fftbins=True */
        window[k] = 0.5 - 0.5 * cos(2.0 * pi * (double)k / (double)win_length);

    double *real = sono__fftd_real(fft), *spec = sono__fftd_spectrum(fft);
    size_t bins = n_fft / 2 + 1;
    memset(out, 0, win_length * sizeof *out);
    for (size_t t = 0; t < frames; t++) {
        const float *frame = padded + t;
        for (size_t k = 0; k < win_length; k++)
            real[k] = (double)frame[k] * window[k];
        memset(real + win_length, 0, (n_fft - win_length) * sizeof *real);
        sono__fftd_forward(fft);
        for (size_t b = 0; b < bins; b++) {
            double re = spec[2 * b], im = spec[2 * b + 1];
            spec[2 * b] = re * re + im * im;
            spec[2 * b + 1] = 0.0;
        }
        sono__fftd_inverse(fft);
        /* The inverse is unnormalised (n_fft times numpy's); the scale
         * cancels in the normalisation, except for the frames left alone,
         * which are then zero (or below DBL_MIN) either way. */
        double peak = 0.0;
        for (size_t k = 0; k < win_length; k++)
            if (fabs(real[k]) > peak)
                peak = fabs(real[k]);
        double scale = peak / (double)n_fft < DBL_MIN ? 1.0 / (double)n_fft : 1.0 / peak;
        for (size_t k = 0; k < win_length; k++)
            out[k] += real[k] * scale;
    }
    for (size_t k = 0; k < win_length; k++)
        out[k] /= (double)frames;
done:
    sono__free(padded);
    sono__free(window);
    sono__fftd_free(fft);
    return err;
}
