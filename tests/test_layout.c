/* Picture layouts and the colorgram in the library: the curves (Z-order's
 * bits, Hilbert cells visited once each and always next to the previous),
 * tiles as a permutation of the chunks at their curve cells, wrap's beat
 * alignment and centring, timeline as the resized spectrogram, HSL colours
 * and the hue and saturation of known spectra; refusals.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sono.h"
#include "testutil.h"

static void test_curves(void)
{
    static const size_t grids[] = {1, 2, 4, 16, 64};
    for (size_t g = 0; g < sizeof grids / sizeof *grids; g++) {
        size_t n = grids[g], cells = n * n;
        char *seen[2];
        for (int c = 0; c < 2; c++) {
            seen[c] = calloc(cells, 1);
            size_t px = 0, py = 0, doubled = 0, apart = 0;
            for (size_t k = 0; k < cells; k++) {
                size_t x = n, y = n;
                int err = sono_curve_point((sono_curve)c, n, k, &x, &y);
                if (err != SONO_OK || x >= n || y >= n) {
                    CHECK(0, "curve %d grid %zu k %zu: status %d, (%zu, %zu)", c, n, k,
                          err, x, y);
                    break;
                }
                doubled += seen[c][y * n + x]++ != 0;
                if (c == SONO_CURVE_HILBERT && k > 0) {
                    size_t d = (x > px ? x - px : px - x) + (y > py ? y - py : py - y);
                    apart += d != 1;
                }
                if (c == SONO_CURVE_ZORDER) {
                    /* Morton: bit 2b of k is bit b of x, 2b + 1 of y. */
                    size_t ex = 0, ey = 0;
                    for (size_t b = 0; b < 12; b++) {
                        ex |= ((k >> (2 * b)) & 1u) << b;
                        ey |= ((k >> (2 * b + 1)) & 1u) << b;
                    }
                    if (ex != x || ey != y) {
                        CHECK(0, "zorder k %zu at (%zu, %zu), expected (%zu, %zu)", k, x,
                              y, ex, ey);
                        break;
                    }
                }
                px = x;
                py = y;
            }
            CHECK(doubled == 0, "curve %d grid %zu: %zu cells visited twice", c, n, doubled);
            CHECK(apart == 0, "hilbert grid %zu: %zu steps not to an edge neighbour", n,
                  apart);
            free(seen[c]);
        }
    }
    size_t x, y;
    sono_curve_point(SONO_CURVE_HILBERT, 16, 255, &x, &y);
    CHECK(x == 15 && y == 0, "the 16-grid Hilbert curve ends at (15, 0), got (%zu, %zu)", x, y);
    CHECK(sono_curve_point(SONO_CURVE_HILBERT, 16, 256, &x, &y) == SONO_ERR_INVALID,
          "k past the grid");
    CHECK(sono_curve_point(SONO_CURVE_ZORDER, 12, 0, &x, &y) == SONO_ERR_INVALID,
          "a grid that is not a power of two");
    CHECK(sono_curve_point((sono_curve)7, 16, 0, &x, &y) == SONO_ERR_INVALID, "no curve 7");
}

/* Every chunk a distinct constant: each 14 x 14 tile of the 224 picture
 * holds exactly its chunk's value, at the cell of the chunk's index. */
static void test_tiles(void)
{
    size_t grid = 16, count = grid * grid, frames = 3 * count + 17, rows = 5;
    float *v = malloc(frames * rows * sizeof *v), *pic = malloc(224 * 224 * sizeof *pic);
    for (size_t k = 0; k < count; k++)
        for (size_t t = k * frames / count; t < (k + 1) * frames / count; t++)
            for (size_t r = 0; r < rows; r++)
                v[t * rows + r] = (float)k;
    for (int c = 0; c < 2; c++) {
        CHECK(sono_layout_tiles(v, frames, rows, (sono_curve)c, grid, 224, 224, pic) ==
                  SONO_OK, "tiles %d", c);
        size_t wrong = 0;
        for (size_t k = 0; k < count; k++) {
            size_t x, y;
            sono_curve_point((sono_curve)c, grid, k, &x, &y);
            for (size_t i = 0; i < 14; i++)
                for (size_t j = 0; j < 14; j++)
                    wrong += fabsf(pic[(14 * y + i) * 224 + 14 * x + j] - (float)k) > 1e-4f;
        }
        CHECK(wrong == 0, "curve %d: %zu pixels not their chunk's value", c, wrong);
    }
    /* The band order inside a tile: lowest band at the bottom. */
    for (size_t t = 0; t < frames; t++)
        for (size_t r = 0; r < rows; r++)
            v[t * rows + r] = (float)r;
    sono_layout_tiles(v, frames, rows, SONO_CURVE_HILBERT, 4, 20, 20, pic);
    CHECK(pic[4 * 20] == 0.0f && pic[0] == 4.0f, "tile bottom %g (band 0), top %g (band 4)",
          pic[4 * 20], pic[0]);
    CHECK(sono_layout_tiles(v, 15, rows, SONO_CURVE_HILBERT, 4, 20, 20, pic) ==
              SONO_ERR_TOO_SHORT, "fewer frames than tiles");
    CHECK(sono_layout_tiles(v, frames, rows, SONO_CURVE_HILBERT, 32, 20, 20, pic) ==
              SONO_ERR_INVALID, "a picture narrower than the grid");
    CHECK(sono_layout_tiles(v, frames, rows, SONO_CURVE_ZORDER, 6, 24, 24, pic) ==
              SONO_ERR_INVALID, "a grid that is not a power of two");
    free(v);
    free(pic);
}

static void test_wrap(void)
{
    /* 1000 frames, a beat every 12.5 frames; 4 beats a row = 50 frames, 20
     * strips of 10 pixel rows in a 100 x 200 picture; value: the frame's
     * position within its beat, and the band index in the low bands. */
    size_t frames = 1000, rows = 10, w = 100, h = 200;
    float *v = malloc(frames * rows * sizeof *v), *pic = malloc(w * h * sizeof *pic);
    for (size_t t = 0; t < frames; t++)
        for (size_t r = 0; r < rows; r++)
            v[t * rows + r] = fmodf((float)t, 12.5f) < 1.0f ? 100.0f : (float)r;
    size_t beats, strips;
    CHECK(sono_layout_wrap_shape(frames, 12.5, 4, &beats, &strips) == SONO_OK &&
              beats == 4 && strips == 20, "shape: %zu beats, %zu strips", beats, strips);
    CHECK(sono_layout_wrap_shape(frames, 12.5, 0, &beats, &strips) == SONO_OK &&
              beats == 8 && strips == 10, "automatic: 80 beats -> 8 a row (%zu), %zu strips",
          beats, strips);
    CHECK(sono_layout_wrap(v, frames, rows, 12.5, 4, -80.0f, w, h, pic) == SONO_OK, "wrap");
    /* 50 frames -> 100 columns: frame f at columns 2f, 2f + 1; beats at
     * frames 0, 12.5 (13), 25, 37.5 (38) of every strip. */
    size_t misplaced = 0, miscentred = 0;
    for (size_t i = 0; i < strips; i++)
        for (size_t y = 0; y < 10; y++) {
            const float *line = pic + (10 * i + y) * w;
            for (size_t x = 0; x < w; x++) {
                size_t f = x / 2;
                int beat = f == 0 || f == 13 || f == 25 || f == 38;
                misplaced += (line[x] == 100.0f) != beat;
                /* band k at row 4 - k/2 (even) or 4 + (k+1)/2 (odd). */
                size_t k = y <= 4 ? 2 * (4 - y) : 2 * (y - 4) - 1;
                if (!beat)
                    miscentred += line[x] != (float)k;
            }
        }
    CHECK(misplaced == 0, "%zu pixels where the beat is not (or is)", misplaced);
    CHECK(miscentred == 0, "%zu pixels not showing their centred band", miscentred);
    /* Past the end: 1000 frames in 11 strips of 96 frames; the last strip
     * ends at frame 1056, its last columns the fill. */
    CHECK(sono_layout_wrap(v, frames, rows, 12.0, 8, -80.0f, 48, 120, pic) == SONO_OK,
          "wrap 8 beats of 12 frames");
    CHECK(pic[119 * 48 + 47] == -80.0f && pic[0] != -80.0f, "fill %g at the end, %g first",
          pic[119 * 48 + 47], pic[0]);
    /* Halving and spread pairs: 7 frames of ramp into 3 columns. */
    float ramp[7 * 1] = {0, 1, 2, 3, 4, 5, 6}, out[3];
    CHECK(sono_layout_wrap(ramp, 7, 1, 7.0, 1, 0.0f, 3, 1, out) == SONO_OK, "ramp");
    CHECK(out[0] == 0.5f && out[1] == 2.5f && out[2] == 5.25f,
          "7 -> 4 (pairs) -> 3 (one pair merged): %g %g %g", out[0], out[1], out[2]);
    CHECK(sono_layout_wrap(v, frames, rows, 12.5, 4, -80.0f, w, 19, pic) == SONO_ERR_INVALID,
          "20 strips in 19 rows");
    CHECK(sono_layout_wrap(v, frames, rows, 12.5, 3, -80.0f, w, h, pic) == SONO_ERR_INVALID,
          "3 beats a row");
    CHECK(sono_layout_wrap(v, frames, rows, 0.0, 4, -80.0f, w, h, pic) == SONO_ERR_INVALID,
          "no beat length");
    CHECK(sono_layout_wrap_shape(frames, 1e-300, 1, &beats, &strips) == SONO_ERR_INVALID,
          "a beat of 1e-300 frames");
    CHECK(sono_layout_wrap_shape(frames, INFINITY, 1, &beats, &strips) == SONO_ERR_INVALID,
          "an infinite beat");
    free(v);
    free(pic);
}

static void test_timeline(void)
{
    float v[6 * 2] = {0, 10, 1, 11, 2, 12, 3, 13, 4, 14, 5, 15}, out[3 * 2];
    CHECK(sono_layout_timeline(v, 6, 2, 3, 2, out) == SONO_OK, "timeline");
    CHECK(out[0] == 10.5f && out[2] == 14.5f && out[3] == 0.5f && out[5] == 4.5f,
          "high band on top, pairs of frames averaged: %g %g / %g %g", out[0], out[2],
          out[3], out[5]);
    CHECK(sono_layout_timeline(v, 0, 2, 3, 2, out) == SONO_ERR_INVALID, "no frames");
    int e = SONO_OK;
    CHECK(!sono_timeline_new(6, 2, 3, 2, NULL, &e) && e == SONO_ERR_INVALID &&
              !sono_timeline_new(0, 2, 3, 2, out, &e) &&
              !sono_timeline_new(6, 2, SONO_IMAGE_MAX_SIDE + 1, 2, out, &e) &&
              sono_timeline_push(NULL, v, 1) == SONO_ERR_INVALID,
          "stream refusals");

    /* Timeline resizes straight from the frame-major values; it must give
     * the very numbers of the picture transposed and then resized by
     * sono_resize_area, shrinking, stretching and mixed, odd sizes too. */
    static const size_t shapes[][4] = {{431, 1025, 224, 224}, {37, 11, 224, 5},
                                       {5, 300, 64, 7},       {64, 64, 64, 64},
                                       {1, 9, 3, 4},          {200, 3, 17, 13}};
    for (size_t c = 0; c < sizeof shapes / sizeof shapes[0]; c++) {
        size_t frames = shapes[c][0], rows = shapes[c][1], w = shapes[c][2], h = shapes[c][3];
        float *vals = malloc(frames * rows * sizeof *vals);
        float *pic = malloc(frames * rows * sizeof *pic);
        float *want = malloc(w * h * sizeof *want), *got = malloc(w * h * sizeof *got);
        unsigned seed = 12345u + (unsigned)c;
        for (size_t i = 0; i < frames * rows; i++) {
            seed = seed * 1103515245u + 12345u;
            vals[i] = -80.0f * (float)(seed >> 8) / 16777216.0f;
        }
        for (size_t t = 0; t < frames; t++)
            for (size_t r = 0; r < rows; r++)
                pic[(rows - 1 - r) * frames + t] = vals[t * rows + r];
        CHECK(sono_resize_area(pic, frames, rows, want, w, h) == SONO_OK &&
                  sono_layout_timeline(vals, frames, rows, w, h, got) == SONO_OK,
              "timeline %zux%zu -> %zux%zu", frames, rows, w, h);
        CHECK(memcmp(want, got, w * h * sizeof *got) == 0,
              "timeline %zux%zu -> %zux%zu: the numbers of transpose + resize, bit for bit",
              frames, rows, w, h);
        /* The same as a stream, frames pushed 7 at a time (and 0). */
        int err = SONO_OK;
        memset(got, 0, w * h * sizeof *got);
        sono_timeline *line = sono_timeline_new(frames, rows, w, h, got, &err);
        for (size_t t = 0; line && err == SONO_OK && t < frames; t += 7)
            err = sono_timeline_push(line, vals + t * rows, frames - t < 7 ? frames - t : 7);
        CHECK(line && err == SONO_OK && sono_timeline_push(line, vals, 0) == SONO_OK &&
                  sono_timeline_push(line, vals, 1) == SONO_ERR_INVALID,
              "stream %zux%zu: frames pushed in sevens, none more than announced", frames, rows);
        CHECK(memcmp(want, got, w * h * sizeof *got) == 0,
              "stream %zux%zu -> %zux%zu: the same numbers, bit for bit", frames, rows, w, h);
        sono_timeline_free(line);
        free(vals);
        free(pic);
        free(want);
        free(got);
    }
}

static void test_colorgram(void)
{
    float db[4] = {0, -80, 0, -40}, hue[4] = {0, 0, 0.75f, 1.0f / 3}, sat[4] = {1, 1, 1, 0};
    sono_image im;
    CHECK(sono_colorgram(db, hue, sat, 4, 1, 80.0, &im) == SONO_OK, "colorgram");
    const uint8_t *p = im.pixels;
    CHECK(p[0] == 255 && p[1] == 0 && p[2] == 0, "0 dB hue 0: red (%d %d %d)", p[0], p[1],
          p[2]);
    CHECK(p[3] == 0 && p[4] == 0 && p[5] == 0, "-80 dB: black");
    CHECK(p[6] == 128 && p[7] == 0 && p[8] == 255, "hue 0.75: violet (%d %d %d)", p[6], p[7],
          p[8]);
    CHECK(p[9] == 64 && p[10] == 64 && p[11] == 64, "saturation 0 at -40 dB: grey 64 (%d)",
          p[9]);
    sono_image_free(&im);
    CHECK(sono_colorgram(db, hue, sat, 4, 1, 0.0, &im) == SONO_ERR_INVALID, "top_db 0");

    /* Spectra: a single bin (tonal) at rising frequencies, and a flat one. */
    size_t n_fft = 1024, bins = n_fft / 2 + 1, frames = 5;
    float *mag = calloc(frames * bins, sizeof *mag), h[5], s[5];
    static const size_t bin_of[4] = {10, 40, 160, 500};
    for (size_t t = 0; t < 4; t++)
        mag[t * bins + bin_of[t]] = 1.0f;
    for (size_t k = 0; k < bins; k++)
        mag[4 * bins + k] = 1.0f;
    CHECK(sono_colorgram_frames(mag, frames, bins, 22050.0, n_fft, h, s) == SONO_OK,
          "colorgram frames");
    CHECK(h[0] < h[1] && h[1] < h[2] && h[2] < h[3], "hue rises: %g %g %g %g", h[0], h[1],
          h[2], h[3]);
    /* 10 bins = 215.3 Hz: log(215.3 / 50) / log(11025 / 50) * 0.75 = 0.2033 */
    CHECK(fabsf(h[0] - 0.2033f) < 1e-3f, "hue of 215 Hz %g", h[0]);
    CHECK(s[0] > 0.99f && s[4] < 0.01f, "saturation: tone %g, flat %g", s[0], s[4]);
    CHECK(sono_colorgram_frames(mag, frames, bins + 1, 22050.0, n_fft, h, s) ==
              SONO_ERR_INVALID, "bins not n_fft/2 + 1");
    free(mag);
}

int main(void)
{
    test_curves();
    test_tiles();
    test_wrap();
    test_timeline();
    test_colorgram();
    return test_summary("test_layout");
}
