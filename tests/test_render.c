/* Rendering and the lossless image format in the library: area-averaging
 * resize against a brute-force reference, colorize's value-to-entry rule,
 * and sono_spec_to_image / sono_spec_from_image round trips and refusals.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sono.h"
#include "testutil.h"

/* The mean of in over the output pixel's area, by supersampling each input
 * pixel into an s x s grid of points (exact for the rational boundaries
 * used here when s is a multiple of the output size). */
static double brute_pixel(const float *in, size_t w, size_t h, size_t ow,
                          size_t oh, size_t ox, size_t oy)
{
    double sum = 0.0, area = 0.0;
    size_t s = ow * oh; /* points per input pixel along each axis */
    for (size_t y = 0; y < h * s; y++)
        for (size_t x = 0; x < w * s; x++) {
            double fx = (x + 0.5) / (double)(w * s), fy = (y + 0.5) / (double)(h * s);
            if ((size_t)(fx * ow) != ox || (size_t)(fy * oh) != oy)
                continue;
            sum += in[(y / s) * w + x / s];
            area += 1.0;
        }
    return sum / area;
}

static void test_resize(void)
{
    float in[7 * 5], out[9 * 4], same[7 * 5];
    for (size_t i = 0; i < 35; i++)
        in[i] = (float)((i * 37) % 11) - 3.0f;
    CHECK(sono_resize_area(in, 7, 5, same, 7, 5) == SONO_OK &&
              memcmp(in, same, sizeof in) == 0,
          "resize to the same size is the identity");
    static const size_t sizes[][2] = {{3, 2}, {9, 4}, {1, 1}, {7, 1}, {2, 5}};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        size_t ow = sizes[k][0], oh = sizes[k][1];
        CHECK(sono_resize_area(in, 7, 5, out, ow, oh) == SONO_OK, "resize %zux%zu", ow, oh);
        double worst = 0.0;
        for (size_t y = 0; y < oh; y++)
            for (size_t x = 0; x < ow; x++) {
                double d = fabs(out[y * ow + x] - brute_pixel(in, 7, 5, ow, oh, x, y));
                worst = d > worst ? d : worst;
            }
        CHECK(worst < 1e-5, "resize 7x5 -> %zux%zu matches the area means (worst %.2e)",
              ow, oh, worst);
    }
    /* Halving averages 2x2 blocks exactly. */
    float sq[16], half[4];
    for (int i = 0; i < 16; i++)
        sq[i] = (float)i;
    sono_resize_area(sq, 4, 4, half, 2, 2);
    CHECK(half[0] == 2.5f && half[1] == 4.5f && half[2] == 10.5f && half[3] == 12.5f,
          "halving averages 2x2 blocks");
    CHECK(sono_resize_area(in, 0, 5, out, 2, 2) == SONO_ERR_INVALID &&
              sono_resize_area(in, 7, 5, out, 0, 2) == SONO_ERR_INVALID &&
              sono_resize_area(NULL, 7, 5, out, 2, 2) == SONO_ERR_INVALID,
          "resize rejects empty sizes and NULL");
}

static void test_colorize(void)
{
    /* lo -> entry 0, hi -> entry 255, entry k covers [k/256, (k+1)/256). */
    float v[6] = {-80.0f, 0.0f, -40.0f, -80.0f + 80.0f * 37.5f / 256.0f, 5.0f, -100.0f};
    int want[6] = {0, 255, 128, 37, 255, 0};
    sono_image im;
    CHECK(sono_colorize(v, 6, 1, -80.0, 0.0, SONO_CMAP_VIRIDIS, &im) == SONO_OK &&
              im.channels == 3 && im.depth == 8,
          "colorize gives RGB8");
    const uint8_t *lut = sono_colormap_lut8(SONO_CMAP_VIRIDIS);
    for (int i = 0; i < 6; i++)
        CHECK(memcmp((uint8_t *)im.pixels + 3 * i, lut + 3 * want[i], 3) == 0,
              "colorize value %g -> entry %d", v[i], want[i]);
    sono_image_free(&im);
    CHECK(sono_colorize(v, 6, 1, 0.0, 0.0, SONO_CMAP_VIRIDIS, &im) == SONO_ERR_INVALID &&
              sono_colorize(v, 6, 1, -80.0, 0.0, (sono_colormap)99, &im) == SONO_ERR_INVALID,
          "colorize rejects an empty range and an unknown colormap");
}

static sono_spec_axes test_axes(sono_freq_axis scale)
{
    sono_spec_axes a;
    memset(&a, 0, sizeof a);
    a.sample_rate = 16000;
    a.stft = test_stft_params(256, 64, 256, SONO_WINDOW_HANN, 1, SONO_PAD_CONSTANT);
    a.length = 4000;
    a.scale = scale;
    sono_mel_params_default(&a.mel);
    a.mel.n_mels = 40;
    sono_logfreq_params_default(&a.logfreq);
    a.power = scale == SONO_FREQ_AXIS_MEL ? 2 : 1;
    a.ref = 3.5;
    a.db_min = -120.0;
    a.db_max = 0.0;
    return a;
}

static void test_spec_round_trip(sono_freq_axis scale, int with_phase)
{
    sono_spec s;
    memset(&s, 0, sizeof s);
    s.axes = test_axes(scale);
    s.rows = sono_spec_axes_rows(&s.axes);
    s.frames = 30;
    size_t n = s.rows * s.frames;
    double dbscale = s.axes.power == 1 ? 20.0 : 10.0;
    s.values = malloc(n * sizeof *s.values);
    s.phase = with_phase ? malloc(n * sizeof *s.phase) : NULL;
    for (size_t i = 0; i < n; i++) {
        /* From 0 dB down to -130 dB (below the floor) and exact zeros. */
        double db = -130.0 * (double)((i * 7919) % 1000) / 999.0;
        s.values[i] = i % 97 == 0 ? 0.0f
                                  : (float)(s.axes.ref * pow(10.0, db / dbscale));
        if (s.phase)
            s.phase[i] = (float)(-3.14159 + 6.28318 * (double)((i * 104729) % 1000) / 999.0);
    }
    sono_image im;
    sono_spec back;
    CHECK(sono_spec_to_image(&s, &im) == SONO_OK && im.depth == 16 &&
              im.channels == 1 + with_phase && im.width == s.frames && im.height == s.rows,
          "scale %d phase %d: image %ux%u", (int)scale, with_phase, im.width, im.height);
    CHECK(sono_spec_from_image(&im, &back) == SONO_OK && back.rows == s.rows &&
              back.frames == s.frames && (back.phase != NULL) == with_phase,
          "scale %d phase %d: read back", (int)scale, with_phase);
    /* Half a 16-bit step in dB, as a ratio of the value. */
    double step = pow(10.0, 120.0 / 65535.0 / 2.0 / dbscale) - 1.0;
    double worst = 0.0, worst_phase = 0.0;
    int floors_ok = 1;
    for (size_t i = 0; i < n; i++) {
        double v = s.values[i], b = back.values[i];
        double db = v > 0 ? dbscale * log10(v / s.axes.ref) : -1e9;
        /* Within half a step of the floor, a value may round to grey 0. */
        if (db < -120.0 + 120.0 / 65535.0) {
            floors_ok &= b == 0.0f || db > -120.0;
            continue;
        }
        double r = fabs(b - v) / v;
        worst = r > worst ? r : worst;
        if (with_phase) {
            double d = fabs(remainder(back.phase[i] - s.phase[i], 6.283185307179586));
            worst_phase = d > worst_phase ? d : worst_phase;
        }
    }
    CHECK(worst <= step * 1.001, "scale %d: values within half a step (%.3e <= %.3e)",
          (int)scale, worst, step);
    CHECK(floors_ok, "scale %d: values below db_min come back as 0", (int)scale);
    if (with_phase)
        CHECK(worst_phase <= 3.1416 / 65536.0 * 1.01, "phase within half a step (%.3e)",
              worst_phase);
    CHECK(back.axes.sample_rate == 16000 && back.axes.stft.n_fft == 256 &&
              back.axes.stft.hop_length == 64 && back.axes.length == 4000 &&
              back.axes.scale == scale && back.axes.ref == 3.5 && back.axes.power == s.axes.power,
          "scale %d: the axes come back", (int)scale);
    if (scale == SONO_FREQ_AXIS_MEL)
        CHECK(back.axes.mel.n_mels == 40 && back.axes.mel.fmax == 8000.0,
              "mel parameters come back (fmax resolved to sr / 2)");

    /* A damaged description is refused, not guessed. */
    static const char *const damage[][2] = {
        {"sono:format", "2"},      {"sono:n_fft", "abc"},   {"sono:n_fft", "-256"},
        {"sono:hop_length", "0x"}, {"sono:window", "nope"}, {"sono:scale", "cqt"},
        {"sono:db_min", "nan"},    {"sono:db_min", "5"},    {"sono:ref", "0"},
        {"sono:power", "3"},       {"sono:hop_length", "300"},       {"sono:center", "yes"},  {"sono:n_mels", "41"},
        {"sono:n_fft", "512"},
    };
    for (size_t k = 0; k < sizeof damage / sizeof *damage; k++) {
        /* The height follows n_mels for mel, the bands for log (whatever
         * n_fft is), and n_fft for linear. */
        if ((strcmp(damage[k][0], "sono:n_mels") == 0 && scale != SONO_FREQ_AXIS_MEL) ||
            (strcmp(damage[k][1], "512") == 0 && scale != SONO_FREQ_AXIS_LINEAR))
            continue;
        sono_image bad;
        sono_spec out;
        sono_spec_to_image(&s, &bad);
        sono_image_set_text(&bad, damage[k][0], damage[k][1]);
        CHECK(sono_spec_from_image(&bad, &out) == SONO_ERR_FORMAT && out.values == NULL,
              "refuses %s = '%s'", damage[k][0], damage[k][1]);
        sono_image_free(&bad);
    }
    sono_spec_free(&back);
    sono_image_free(&im);
    free(s.values);
    free(s.phase);
}

static void test_spec_refusals(void)
{
    sono_spec s;
    sono_image im;
    memset(&s, 0, sizeof s);
    s.axes = test_axes(SONO_FREQ_AXIS_LINEAR);
    s.rows = 100; /* not n_fft / 2 + 1 */
    s.frames = 3;
    float v[300] = {0};
    s.values = v;
    CHECK(sono_spec_to_image(&s, &im) == SONO_ERR_INVALID, "rows must match the axes");
    s.rows = 129;
    float w[129 * 3] = {0};
    s.values = w;
    s.axes.ref = 0.0;
    CHECK(sono_spec_to_image(&s, &im) == SONO_ERR_INVALID, "ref must be above 0");
    /* A picture without a description. */
    sono_image plain;
    sono_image_alloc(&plain, 3, 129, 1, 16);
    sono_spec out;
    CHECK(sono_spec_from_image(&plain, &out) == SONO_ERR_FORMAT,
          "a picture without a description is not a spectrogram");
    sono_image_free(&plain);
}

int main(void)
{
    test_resize();
    test_colorize();
    for (int scale = 0; scale < 3; scale++)
        test_spec_round_trip((sono_freq_axis)scale, 0);
    test_spec_round_trip(SONO_FREQ_AXIS_LINEAR, 1);
    test_spec_refusals();
    return test_summary("test_render");
}
