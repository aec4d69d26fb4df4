/* The colorgram: a spectrogram picture whose colour says what kind of sound
 * each moment is -- hue from the spectral centroid (low red, high violet),
 * saturation from the tonality (1 - spectral flatness) -- and whose
 * lightness says how loud each pixel is.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Hue and saturation are one value a frame; they are laid out like the dB
 * values (one row each, which every layout stretches over the bands) and
 * combined pixel by pixel, so the colorgram works in any layout. */
#include <math.h>
#include <string.h>

#include "internal.h"

/* The lowest centroid told apart: below it everything is red. */
#define HUE_LOW_HZ 50.0
/* Violet: hue stops short of 1, which would be red again. */
#define HUE_HIGH 0.75

int sono_colorgram_frames(const float *mag, size_t frames, size_t bins,
                          double sample_rate, size_t n_fft, float *hue, float *sat)
{
    if (!mag || !hue || !sat || frames == 0 || n_fft < 2 || bins != n_fft / 2 + 1 ||
        !(sample_rate > 2 * HUE_LOW_HZ) || isinf(sample_rate))
        return SONO_ERR_INVALID;
    sono_spectral_params p;
    sono_spectral_params_default(&p);
    p.sample_rate = sample_rate;
    p.n_fft = n_fft;
    int err = SONO_OK;
    sono_spectral *centroid = sono_spectral_new(&p, &err);
    p.kind = SONO_SPECTRAL_FLATNESS;
    sono_spectral *flatness = centroid ? sono_spectral_new(&p, &err) : NULL;
    if (!flatness) {
        sono_spectral_free(centroid);
        return err;
    }
    /* Position of the centroid between 50 Hz and Nyquist on a log scale:
     * an octave is the same change of hue anywhere, as pitch is heard. */
    double span = log(0.5 * sample_rate / HUE_LOW_HZ);
    for (size_t t = 0; t < frames; t++) {
        const float *m = mag + t * bins;
        double c = sono_spectral_apply(centroid, m);
        double pos = c > HUE_LOW_HZ ? log(c / HUE_LOW_HZ) / span : 0.0;
        hue[t] = (float)(HUE_HIGH * fmin(pos, 1.0));
        double tonal = 1.0 - sono_spectral_apply(flatness, m);
        sat[t] = (float)fmin(fmax(tonal, 0.0), 1.0);
    }
    sono_spectral_free(centroid);
    sono_spectral_free(flatness);
    return SONO_OK;
}

/* The standard HSL to RGB conversion, h in [0, 1) turns, s and l in [0, 1]. */
static void hsl_to_rgb(double h, double s, double l, uint8_t *rgb)
{
    double chroma = (1.0 - fabs(2.0 * l - 1.0)) * s;
    double sector = 6.0 * h;
    double x = chroma * (1.0 - fabs(fmod(sector, 2.0) - 1.0));
    double r = 0, g = 0, b = 0;
    switch ((int)sector) {
    case 0: r = chroma; g = x; break;
    case 1: r = x; g = chroma; break;
    case 2: g = chroma; b = x; break;
    case 3: g = x; b = chroma; break;
    case 4: r = x; b = chroma; break;
    default: r = chroma; b = x; break;
    }
    double m = l - 0.5 * chroma;
    rgb[0] = (uint8_t)lrint(255.0 * (r + m));
    rgb[1] = (uint8_t)lrint(255.0 * (g + m));
    rgb[2] = (uint8_t)lrint(255.0 * (b + m));
}

static double clip01(double v)
{
    return v > 0.0 ? (v < 1.0 ? v : 1.0) : 0.0; /* NaN -> 0 */
}

int sono_colorgram(const float *db, const float *hue, const float *sat, size_t w,
                   size_t h, double top_db, sono_image *out)
{
    if (!out)
        return SONO_ERR_INVALID;
    memset(out, 0, sizeof *out);
    if (!db || !hue || !sat || w == 0 || h == 0 || w > SONO_IMAGE_MAX_SIDE ||
        h > SONO_IMAGE_MAX_SIDE || !(top_db > 0) || isinf(top_db))
        return SONO_ERR_INVALID;
    int err = sono_image_alloc(out, (uint32_t)w, (uint32_t)h, 3, 8);
    if (err != SONO_OK)
        return err;
    for (size_t i = 0; i < w * h; i++) {
        /* -top_db is black and 0 dB the pure hue: lightness stops at one
         * half, above which HSL fades to white. */
        double l = 0.5 * clip01(((double)db[i] + top_db) / top_db);
        double hh = HUE_HIGH * clip01((double)hue[i] / HUE_HIGH);
        hsl_to_rgb(hh, clip01(sat[i]), l, (uint8_t *)out->pixels + 3 * i);
    }
    return SONO_OK;
}
