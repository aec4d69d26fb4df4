/* Pictures into sound: a picture read as a spectrogram (luminance as level,
 * top row the highest frequency), then a signal whose spectrogram shows it,
 * as ARSS, Photosounder or Aphex Twin's hidden face.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each STFT bin and each frame is placed on the picture through the
 * centres of its rows and columns, and the luminance there is interpolated
 * bilinearly.  The picture is sampled rather than averaged: a picture is
 * usually coarser than the STFT in frequency, and interpolation keeps its
 * edges where the picture puts them instead of smearing them over a bin's
 * width.  The phase then comes from sono_phase_reconstruct, which looks for
 * a signal whose magnitude is as close as it can be to the picture's; a
 * picture is rarely the magnitude of any signal, so this is the best that
 * can be had, not an exact inverse. */
#include <math.h>
#include <string.h>

#include "internal.h"

/* The output peak: a little below full scale, so that integer PCM does not
 * clip and a player's resampling has headroom. */
#define PEAK 0.9f
/* At most 2^40 samples (7.9 years at 44.1 kHz): keeps every product of
 * samples and small factors far from overflowing. */
#define MAX_SAMPLES ((double)((uint64_t)1 << 40))

void sono_image_sound_params_default(sono_image_sound_params *p)
{
    memset(p, 0, sizeof *p);
    p->sample_rate = 44100.0;
    p->duration = 0.0;
    p->fmin = 20.0;
    p->fmax = 0.0;
    p->scale = SONO_FREQ_AXIS_LINEAR;
    p->range_db = 80.0;
    sono_stft_params_default(&p->stft);
    sono_phase_params_default(&p->phase);
}

/* The frequency axis in the scale's own units, where the rows are evenly
 * spaced. */
static double warp(sono_freq_axis scale, double hz)
{
    if (scale == SONO_FREQ_AXIS_LOG)
        return log(hz);
    if (scale == SONO_FREQ_AXIS_MEL)
        return sono_hz_to_mel(hz, 0);
    return hz;
}

/* Validates p and fills the resolved STFT, fmax, frames and length. */
static int layout(const sono_image_sound_params *p, uint32_t width,
                  sono_stft_params *stft, double *fmax, size_t *frames,
                  size_t *length)
{
    if (!p || width == 0)
        return SONO_ERR_INVALID;
    double sr = p->sample_rate;
    if (!(sr > 0.0) || !isfinite(sr) || !(p->duration >= 0.0) ||
        !isfinite(p->duration) || !(p->range_db > 0.0) ||
        !isfinite(p->range_db) || (unsigned)p->scale > SONO_FREQ_AXIS_MEL)
        return SONO_ERR_INVALID;
    double hi = p->fmax == 0.0 ? sr / 2.0 : p->fmax;
    if (!(p->fmin >= 0.0) || !(hi > p->fmin) || !(hi <= sr / 2.0) ||
        (p->scale == SONO_FREQ_AXIS_LOG && !(p->fmin > 0.0)))
        return SONO_ERR_INVALID;
    *stft = p->stft;
    int err = sono_stft_params_resolve(stft);
    if (err != SONO_OK)
        return err;
    double n = p->duration > 0.0 ? floor(p->duration * sr + 0.5)
                                 : (double)width * (double)stft->hop_length;
    if (n > MAX_SAMPLES)
        return SONO_ERR_TOO_LARGE;
    if (n < 1.0)
        return SONO_ERR_EMPTY;
    *length = (size_t)n;
    *fmax = hi;
    size_t cells;
    err = sono_stft_frame_count(stft, *length, frames);
    if (err == SONO_OK && sono__mul_size(*frames, sono_stft_bins(stft), &cells))
        err = SONO_ERR_TOO_LARGE;
    return err;
}

int sono_image_sound_size(const sono_image_sound_params *p, uint32_t width,
                          size_t *frames, size_t *length)
{
    sono_stft_params stft;
    double fmax;
    size_t f, n;
    if (!frames || !length)
        return SONO_ERR_INVALID;
    int err = layout(p, width, &stft, &fmax, &f, &n);
    if (err == SONO_OK) {
        *frames = f;
        *length = n;
    }
    return err;
}

static int image_ok(const sono_image *im)
{
    return im && im->pixels && im->width > 0 && im->height > 0 &&
           im->channels >= 1 && im->channels <= 4 &&
           (im->depth == 8 || im->depth == 16);
}

/* Where a position (in units of the n items it runs over, 0 to 1) falls
 * among n pixel centres: the pixel below, and the weight of the next one.
 * Positions beyond the outer centres take the outer pixel. */
static void locate(double u, size_t n, size_t *i0, float *w)
{
    double x = u * (double)n - 0.5;
    if (x <= 0.0) {
        *i0 = 0;
        *w = 0.0f;
    } else if (x >= (double)(n - 1)) {
        *i0 = n - 1;
        *w = 0.0f;
    } else {
        *i0 = (size_t)x;
        *w = (float)(x - (double)*i0);
    }
}

/* Luminance 0 is silence; above it, linear in dB from -range to 0. */
static float level(float lum, double range_db)
{
    if (lum <= 0.0f)
        return 0.0f;
    return (float)pow(10.0, ((double)lum - 1.0) * range_db / 20.0);
}

int sono_image_to_magnitude(const sono_image *im,
                            const sono_image_sound_params *p, float *mag)
{
    sono_stft_params stft;
    double fmax;
    size_t frames, length;
    if (!image_ok(im) || !mag)
        return SONO_ERR_INVALID;
    int err = layout(p, im->width, &stft, &fmax, &frames, &length);
    if (err != SONO_OK)
        return err;
    size_t w = im->width, h = im->height, bins = sono_stft_bins(&stft);
    float *lum = sono__malloc_array2(w, h, sizeof *lum);
    float *column = sono__malloc_array(h, sizeof *column);
    size_t *row = sono__malloc_array(bins, sizeof *row);
    float *row_w = sono__malloc_array(bins, sizeof *row_w);
    if (!lum || !column || !row || !row_w) {
        err = SONO_ERR_NOMEM;
        goto done;
    }
    sono_image_luminance(im, lum);

    /* Each bin's place among the rows, counted from the top; bins outside
     * [fmin, fmax] are marked with h and stay silent. */
    double top = warp(p->scale, fmax), bottom = warp(p->scale, p->fmin);
    for (size_t k = 0; k < bins; k++) {
        double f = (double)k * p->sample_rate / (double)stft.n_fft;
        if (f < p->fmin || f > fmax) {
            row[k] = h;
            continue;
        }
        locate((top - warp(p->scale, f)) / (top - bottom), h, &row[k], &row_w[k]);
    }
    for (size_t t = 0; t < frames; t++) {
        size_t x0;
        float wx;
        locate(((double)t + 0.5) / (double)frames, w, &x0, &wx);
        size_t x1 = x0 + 1 < w ? x0 + 1 : x0;
        for (size_t y = 0; y < h; y++)
            column[y] = (1.0f - wx) * lum[y * w + x0] + wx * lum[y * w + x1];
        float *out = mag + t * bins;
        for (size_t k = 0; k < bins; k++) {
            if (row[k] == h) {
                out[k] = 0.0f;
                continue;
            }
            size_t y0 = row[k], y1 = y0 + 1 < h ? y0 + 1 : y0;
            float l = (1.0f - row_w[k]) * column[y0] + row_w[k] * column[y1];
            out[k] = level(l, p->range_db);
        }
    }
done:
    sono__free(lum);
    sono__free(column);
    sono__free(row);
    sono__free(row_w);
    return err;
}

int sono_image_to_sound(const sono_image *im, const sono_image_sound_params *p,
                        float *out)
{
    size_t frames, length, cells;
    if (!image_ok(im) || !out)
        return SONO_ERR_INVALID;
    int err = sono_image_sound_size(p, im->width, &frames, &length);
    if (err != SONO_OK)
        return err;
    cells = frames * sono_stft_bins(&p->stft);
    float *mag = sono__malloc_array(cells, sizeof *mag);
    if (!mag)
        return SONO_ERR_NOMEM;
    err = sono_image_to_magnitude(im, p, mag);
    int silent = 1;
    for (size_t i = 0; err == SONO_OK && i < cells && silent; i++)
        silent = mag[i] == 0.0f;
    /* A black picture is silence; the reconstruction has no phase to find
     * there, and the normalisation nothing to scale. */
    if (err == SONO_OK && silent)
        memset(out, 0, length * sizeof *out);
    else if (err == SONO_OK)
        err = sono_phase_reconstruct(&p->stft, mag, frames, &p->phase, length, out);
    sono__free(mag);
    if (err != SONO_OK || silent)
        return err;
    float peak = 0.0f;
    for (size_t i = 0; i < length; i++)
        peak = fmaxf(peak, fabsf(out[i]));
    if (peak > 0.0f) {
        float gain = PEAK / peak;
        for (size_t i = 0; i < length; i++)
            out[i] *= gain;
    }
    return SONO_OK;
}
