/* The waveform and histogram pictures on signals whose pictures are known:
 * a sine of amplitude 0.5 then silence, values beyond [-1, 1], a signal
 * shorter than the width, a two-valued and a constant signal; streaming in
 * odd blocks equals one push; the documented error codes.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdint.h>

#include "testutil.h"

#define TWO_PI 6.283185307179586

static const uint8_t WHITE[3] = {0xff, 0xff, 0xff};
static const uint8_t GREY[3] = {0xd3, 0xd3, 0xd3};
static const uint8_t BLUE[3] = {0x1f, 0x77, 0xb4};

static const uint8_t *pixel(const sono_image *im, uint32_t x, uint32_t y)
{
    return (const uint8_t *)im->pixels + ((size_t)y * im->width + x) * 3;
}

static int is(const uint8_t *p, const uint8_t c[3])
{
    return p[0] == c[0] && p[1] == c[1] && p[2] == c[2];
}

/* The first and last blue row of column x, or -1. */
static void blue_extent(const sono_image *im, uint32_t x, int *top, int *bottom)
{
    *top = *bottom = -1;
    for (uint32_t y = 0; y < im->height; y++) {
        if (is(pixel(im, x, y), BLUE)) {
            if (*top < 0)
                *top = (int)y;
            *bottom = (int)y;
        }
    }
}

/* Draws x[n] in one push, or in pushes of 1, 2, 3, ... samples. */
static int draw(const float *x, size_t n, uint32_t w, uint32_t h, int odd,
                sono_image *out)
{
    int err = SONO_OK;
    sono_waveform *wf = sono_waveform_new(w, n, &err);
    if (!wf)
        return err;
    for (size_t i = 0, step = 1; i < n && err == SONO_OK; i += step, step++) {
        if (!odd)
            step = n;
        size_t k = step < n - i ? step : n - i;
        err = sono_waveform_push(wf, x + i, k);
    }
    if (err == SONO_OK)
        err = sono_waveform_draw(wf, h, out);
    sono_waveform_free(wf);
    return err;
}

static int same_pixels(const sono_image *a, const sono_image *b)
{
    return a->width == b->width && a->height == b->height &&
           memcmp(a->pixels, b->pixels, (size_t)a->width * a->height * 3) == 0;
}

/* 2000 samples: a sine of amplitude 0.5 with a period of 20 samples, then
 * 1000 samples of silence; 100 columns of 20 samples, 200 rows. */
static void test_sine_then_silence(void)
{
    enum { N = 2000, W = 100, H = 200 };
    static float x[N];
    for (size_t i = 0; i < N; i++)
        x[i] = i < N / 2 ? (float)(0.5 * sin(TWO_PI * (double)i / 20.0)) : 0.0f;
    sono_image im, im2;
    CHECK(draw(x, N, W, H, 0, &im) == SONO_OK, "draw");
    CHECK(draw(x, N, W, H, 1, &im2) == SONO_OK, "draw in odd pushes");
    CHECK(im.width == W && im.height == H && im.channels == 3 && im.depth == 8,
          "%ux%u, %d channels, depth %d", im.width, im.height, im.channels, im.depth);
    CHECK(same_pixels(&im, &im2), "pushes of 1, 2, 3... samples draw the same");
    /* +0.5 is 49.75 rows down, -0.5 149.25, 0 99.5 (rows 0 to 199). */
    double want_top = 0.25 * (H - 1), want_bottom = 0.75 * (H - 1);
    int bad_sine = 0, bad_silence = 0, top = 0, bottom = 0;
    for (uint32_t c = 0; c < W; c++) {
        blue_extent(&im, c, &top, &bottom);
        if (c < W / 2) {
            if (fabs(top - want_top) > 0.5 || fabs(bottom - want_bottom) > 0.5)
                bad_sine++;
            for (int y = top; y <= bottom; y++)
                if (!is(pixel(&im, c, (uint32_t)y), BLUE))
                    bad_sine++;
        } else {
            /* Silence: one blue pixel on the zero line, white elsewhere. */
            if (top != 100 || bottom != 100)
                bad_silence++;
            for (uint32_t y = 0; y < H; y++)
                if (y != 100 && !is(pixel(&im, c, y), WHITE))
                    bad_silence++;
        }
    }
    blue_extent(&im, 0, &top, &bottom);
    printf("sine 0.5: rows %d to %d (exact %.2f to %.2f); silence: row 100 only\n",
           top, bottom, want_top, want_bottom);
    CHECK(bad_sine == 0, "%d sine columns or pixels wrong", bad_sine);
    CHECK(bad_silence == 0, "%d silent columns or pixels wrong", bad_silence);
    for (uint32_t y = 0; y < H; y++)
        if (y < 50 || y > 149)
            CHECK(is(pixel(&im, 3, y), WHITE), "row %u above/below the sine", y);
    sono_image_free(&im);
    sono_image_free(&im2);
}

/* The zero line shows where the wave does not cover it; values beyond
 * [-1, 1] are clipped to the top and bottom rows. */
static void test_zero_line_and_clipping(void)
{
    float x[4] = {0.25f, 0.25f, 3.0f, -7.0f};
    sono_image im;
    CHECK(draw(x, 4, 4, 101, 0, &im) == SONO_OK, "draw");
    /* 0.25 -> row floor(0.375 * 100 + 0.5) = 38; 0 -> row 50. */
    int top, bottom;
    blue_extent(&im, 0, &top, &bottom);
    CHECK(top == 38 && bottom == 38, "0.25 at rows %d to %d, not 38", top, bottom);
    CHECK(is(pixel(&im, 0, 50), GREY), "the zero line is grey under no wave");
    CHECK(is(pixel(&im, 0, 49), WHITE) && is(pixel(&im, 0, 51), WHITE),
          "the zero line is one row");
    blue_extent(&im, 2, &top, &bottom);
    CHECK(top == 0 && bottom == 0, "3.0 clipped to the top row: %d to %d", top, bottom);
    blue_extent(&im, 3, &top, &bottom);
    CHECK(top == 100 && bottom == 100, "-7.0 clipped to the bottom row: %d to %d",
          top, bottom);
    sono_image_free(&im);
}

/* 7 samples over 20 columns: column c shows sample c * 7 / 20 alone. */
static void test_shorter_than_width(void)
{
    float x[7] = {-1.0f, -0.5f, 0.0f, 0.5f, 1.0f, 0.75f, -0.75f};
    sono_image im, im2;
    CHECK(draw(x, 7, 20, 9, 0, &im) == SONO_OK, "draw");
    CHECK(draw(x, 7, 20, 9, 1, &im2) == SONO_OK, "draw in odd pushes");
    CHECK(same_pixels(&im, &im2), "odd pushes draw the same");
    int bad = 0;
    for (uint32_t c = 0; c < 20; c++) {
        int top, bottom;
        double v = x[c * 7 / 20];
        int want = (int)floor((1.0 - v) * 0.5 * 8 + 0.5);
        blue_extent(&im, c, &top, &bottom);
        if (top != want || bottom != want)
            bad++;
    }
    CHECK(bad == 0, "%d of 20 columns do not show their one sample", bad);
    sono_image_free(&im);
    sono_image_free(&im2);
    /* One sample, one column; one row high. */
    float one = 0.5f;
    CHECK(draw(&one, 1, 1, 1, 0, &im) == SONO_OK, "1 x 1");
    CHECK(is(pixel(&im, 0, 0), BLUE), "the only pixel is the wave");
    sono_image_free(&im);
}

static void test_waveform_errors(void)
{
    int err = 0;
    float x[4] = {0, 0, 0, 0};
    CHECK(!sono_waveform_new(0, 10, &err) && err == SONO_ERR_INVALID, "width 0: %d", err);
    CHECK(!sono_waveform_new(10, 0, &err) && err == SONO_ERR_EMPTY, "total 0: %d", err);
    CHECK(!sono_waveform_new(70000, 10, &err) && err == SONO_ERR_TOO_LARGE,
          "width 70000: %d", err);
    CHECK(!sono_waveform_new(10, ((uint64_t)1 << 47) + 1, &err) &&
          err == SONO_ERR_TOO_LARGE, "2^47 + 1 samples: %d", err);
    sono_waveform *w = sono_waveform_new(2, 3, &err);
    CHECK(w != NULL, "new");
    sono_image im;
    CHECK(sono_waveform_draw(w, 10, &im) == SONO_ERR_STATE, "draw before the end");
    CHECK(sono_waveform_push(w, x, 4) == SONO_ERR_STATE, "push past the total");
    x[1] = NAN;
    CHECK(sono_waveform_push(w, x, 2) == SONO_ERR_NONFINITE, "NaN");
    x[1] = 0;
    CHECK(sono_waveform_push(w, x, 3) == SONO_OK, "the 3 samples after rejected pushes");
    CHECK(sono_waveform_draw(w, 0, &im) == SONO_ERR_INVALID, "height 0");
    CHECK(sono_waveform_draw(w, 65536, &im) == SONO_ERR_TOO_LARGE, "height 65536");
    CHECK(sono_waveform_draw(w, 5, &im) == SONO_OK, "draw");
    sono_image_free(&im);
    sono_waveform_free(w);
    sono_waveform_free(NULL);
}

/* The histogram of x[n] in pushes of 1, 2, 3, ... (odd) or one. */
static int histogram(const float *x, size_t n, uint32_t frames, uint32_t bins,
                     double lo, double hi, int odd, sono_image *out)
{
    int err = SONO_OK;
    sono_histogram *h = sono_histogram_new(frames, bins, n, lo, hi, SONO_CMAP_BLUES, &err);
    if (!h)
        return err;
    for (size_t i = 0, step = 1; i < n && err == SONO_OK; i += step, step++) {
        if (!odd)
            step = n;
        size_t k = step < n - i ? step : n - i;
        err = sono_histogram_push(h, x + i, k);
    }
    if (err == SONO_OK)
        err = sono_histogram_finish(h, out);
    sono_histogram_free(h);
    return err;
}

static const uint8_t *blues(int entry)
{
    return sono_colormap_lut8(SONO_CMAP_BLUES) + 3 * entry;
}

/* Two values, -0.25 and 0.75, over [-0.25, 0.75] in 4 bins: only the
 * bottom bin (0) and the closed top bin (3) fill.  10 samples in 3 frames
 * of 3, 3 and 4 samples. */
static void test_two_values(void)
{
    const float a = -0.25f, b = 0.75f;
    const float x[10] = {a, a, a, /**/ b, b, a, /**/ a, b, b, b};
    sono_image im, im2;
    CHECK(histogram(x, 10, 3, 4, a, b, 0, &im) == SONO_OK, "histogram");
    CHECK(histogram(x, 10, 3, 4, a, b, 1, &im2) == SONO_OK, "in odd pushes");
    CHECK(same_pixels(&im, &im2), "odd pushes give the same picture");
    CHECK(im.width == 3 && im.height == 4 && im.channels == 3, "3 x 4 RGB");
    /* Rows: 0 is bin 3 (0.75), 3 is bin 0 (-0.25).  Frame 0: 3 a's; frame
     * 1: 1 a, 2 b's; frame 2: 1 a, 3 b's.  Entries (int)(t * 256). */
    int want[3][4] = {{0, 0, 0, 255}, {255, 0, 0, 128}, {255, 0, 0, 85}};
    int bad = 0;
    for (uint32_t f = 0; f < 3; f++)
        for (uint32_t r = 0; r < 4; r++)
            if (!is(pixel(&im, f, r), blues(want[f][r])))
                bad++;
    CHECK(bad == 0, "%d of 12 pixels differ from the expected Blues entries", bad);
    sono_image_free(&im);
    sono_image_free(&im2);
}

/* Noise: every column holds the darkest colour (its fullest bin is 1). */
static void test_darkest_in_every_column(void)
{
    enum { N = 10007, FRAMES = 97, BINS = 33 };
    static float x[N];
    test_noise(x, N, 7);
    float lo = x[0], hi = x[0];
    for (size_t i = 0; i < N; i++) {
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
    }
    sono_image im, im2;
    CHECK(histogram(x, N, FRAMES, BINS, lo, hi, 0, &im) == SONO_OK, "histogram");
    CHECK(histogram(x, N, FRAMES, BINS, lo, hi, 1, &im2) == SONO_OK, "odd pushes");
    CHECK(same_pixels(&im, &im2), "odd pushes give the same picture");
    int missing = 0;
    for (uint32_t f = 0; f < FRAMES; f++) {
        int found = 0;
        for (uint32_t r = 0; r < BINS; r++)
            found += is(pixel(&im, f, r), blues(255));
        missing += found == 0;
    }
    CHECK(missing == 0, "%d of %d columns lack the darkest colour", missing, FRAMES);
    sono_image_free(&im);
    sono_image_free(&im2);
}

/* A constant signal: everything in the middle bin (bins / 2). */
static void test_constant(void)
{
    float x[50];
    for (int i = 0; i < 50; i++)
        x[i] = 0.3f;
    for (uint32_t bins = 1; bins <= 6; bins++) {
        sono_image im;
        CHECK(histogram(x, 50, 5, bins, 0.3f, 0.3f, 0, &im) == SONO_OK, "constant");
        uint32_t row = bins - 1 - bins / 2;
        int bad = 0;
        for (uint32_t f = 0; f < 5; f++)
            for (uint32_t r = 0; r < bins; r++)
                bad += !is(pixel(&im, f, r), blues(r == row ? 255 : 0));
        CHECK(bad == 0, "%u bins: %d pixels not in row %u alone", bins, bad, row);
        sono_image_free(&im);
    }
    /* As many frames as samples: one sample per column. */
    sono_image im;
    CHECK(histogram(x, 50, 50, 3, 0.3f, 0.3f, 0, &im) == SONO_OK, "50 frames");
    sono_image_free(&im);
}

static void test_histogram_errors(void)
{
    int err = 0;
    const float x[3] = {0.0f, 0.5f, 1.0f};
    CHECK(!sono_histogram_new(0, 4, 10, 0, 1, SONO_CMAP_BLUES, &err) &&
          err == SONO_ERR_INVALID, "frames 0: %d", err);
    CHECK(!sono_histogram_new(4, 0, 10, 0, 1, SONO_CMAP_BLUES, &err) &&
          err == SONO_ERR_INVALID, "bins 0: %d", err);
    CHECK(!sono_histogram_new(4, 4, 10, 1, 0, SONO_CMAP_BLUES, &err) &&
          err == SONO_ERR_INVALID, "lo > hi: %d", err);
    CHECK(!sono_histogram_new(4, 4, 10, 0, NAN, SONO_CMAP_BLUES, &err) &&
          err == SONO_ERR_INVALID, "hi NaN: %d", err);
    CHECK(!sono_histogram_new(4, 4, 10, 0, 1, (sono_colormap)99, &err) &&
          err == SONO_ERR_INVALID, "colormap 99: %d", err);
    CHECK(!sono_histogram_new(4, 4, 10, 0, 1e-320, SONO_CMAP_BLUES, &err) &&
          err == SONO_ERR_INVALID, "range 1e-320: %d", err);
    CHECK(!sono_histogram_new(4, 4, 0, 0, 1, SONO_CMAP_BLUES, &err) &&
          err == SONO_ERR_EMPTY, "total 0: %d", err);
    CHECK(!sono_histogram_new(11, 4, 10, 0, 1, SONO_CMAP_BLUES, &err) &&
          err == SONO_ERR_TOO_SHORT, "11 frames of 10 samples: %d", err);
    CHECK(!sono_histogram_new(65535, 65535, 1u << 20, 0, 1, SONO_CMAP_BLUES, &err) &&
          err == SONO_ERR_TOO_LARGE, "65535 x 65535: %d", err);
    sono_histogram *h = sono_histogram_new(1, 4, 3, 0.0, 0.9, SONO_CMAP_BLUES, &err);
    CHECK(h != NULL, "new");
    sono_image im;
    CHECK(sono_histogram_push(h, x, 3) == SONO_ERR_INVALID, "1.0 above hi 0.9");
    CHECK(sono_histogram_finish(h, &im) == SONO_ERR_STATE, "finish before the end");
    float y[4] = {0.0f, NAN, 0.1f, 0.2f};
    CHECK(sono_histogram_push(h, y, 2) == SONO_ERR_NONFINITE, "NaN");
    CHECK(sono_histogram_push(h, y, 4) == SONO_ERR_STATE, "past the total");
    CHECK(sono_histogram_push(h, y + 2, 2) == SONO_OK, "2 samples");
    CHECK(sono_histogram_push(h, x, 1) == SONO_OK, "the last sample");
    CHECK(sono_histogram_finish(h, &im) == SONO_OK, "finish");
    CHECK(sono_histogram_finish(h, &im) == SONO_ERR_STATE, "second finish");
    CHECK(sono_histogram_push(h, x, 1) == SONO_ERR_STATE, "push after finish");
    sono_image_free(&im);
    sono_histogram_free(h);
    sono_histogram_free(NULL);
}

int main(void)
{
    test_sine_then_silence();
    test_zero_line_and_clipping();
    test_shorter_than_width();
    test_waveform_errors();
    test_two_values();
    test_darkest_in_every_column();
    test_constant();
    test_histogram_errors();
    if (test_failures) {
        printf("%d failures\n", test_failures);
        return 1;
    }
    printf("all waveform and histogram checks passed\n");
    return 0;
}
