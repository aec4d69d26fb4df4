/* sono_draw_axes and the built-in font: the plot is copied unchanged into
 * the framed picture, ticks land on the pixels their values map to, the
 * colour bar runs from the colormap's first entry to its last, every glyph
 * is drawn and distinct, bad input is refused, and extreme sizes work.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/font.h"
#include "testutil.h"

/* A plot whose pixels differ from their neighbours and from the frame,
 * the text and the white background, so that it can be found. */
static sono_image make_plot(uint32_t w, uint32_t h)
{
    sono_image im;
    if (sono_image_alloc(&im, w, h, 3, 8) != SONO_OK) {
        printf("FAIL: cannot allocate a %ux%u plot\n", w, h);
        exit(1);
    }
    uint8_t *p = im.pixels;
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            uint8_t *q = p + ((size_t)y * w + x) * 3;
            q[0] = (uint8_t)(1 + x % 200);
            q[1] = (uint8_t)(1 + y % 200);
            q[2] = (uint8_t)(1 + (x / 200 + 7 * (y / 200)) % 200);
        }
    return im;
}

static const uint8_t *pixel(const sono_image *im, long x, long y)
{
    return (const uint8_t *)im->pixels + ((size_t)y * im->width + (size_t)x) * 3;
}

static int is_black(const sono_image *im, long x, long y)
{
    const uint8_t *p = pixel(im, x, y);
    return p[0] == 0 && p[1] == 0 && p[2] == 0;
}

static int is_white(const sono_image *im, long x, long y)
{
    const uint8_t *p = pixel(im, x, y);
    return p[0] == 255 && p[1] == 255 && p[2] == 255;
}

/* Where the plot sits in out, found by search; the number of places it
 * was found at goes to *found (it must be exactly one). */
static void find_plot(const sono_image *out, const sono_image *plot, long *px,
                      long *py, int *found)
{
    *found = 0;
    size_t row = (size_t)plot->width * 3;
    for (long y = 0; y + (long)plot->height <= (long)out->height; y++) {
        for (long x = 0; x + (long)plot->width <= (long)out->width; x++) {
            uint32_t j = 0;
            while (j < plot->height &&
                   memcmp(pixel(out, x, y + j),
                          (const uint8_t *)plot->pixels + j * row, row) == 0)
                j++;
            if (j == plot->height) {
                (*found)++;
                *px = x;
                *py = y;
            }
        }
    }
}

/* The documented font scale and line width for a plot of w x h. */
static int scale_for(uint32_t w, uint32_t h)
{
    uint64_t side = w < 2 * (uint64_t)h ? w : 2 * (uint64_t)h;
    int s = 1 + (int)(side / 1200);
    return s > 4 ? 4 : s;
}

/* First pixel of a tick line lw wide at pos pixels along a side of len
 * pixels from origin: centred on pos, or on the frame within half a line
 * of an end. */
static long expected_start(long origin, int len, double pos, int lw)
{
    if (pos < lw / 2.0)
        return origin - lw;
    if (pos > len - lw / 2.0)
        return origin + len;
    return origin + (long)floor(pos - lw / 2.0 + 0.5);
}

/* Height above the plot's bottom of frequency f, by a plain linear search
 * (axes.c bisects). */
static double height_of(const double *hz, size_t rows, double f, int H)
{
    double r = 0;
    for (size_t i = 0; i + 1 < rows; i++)
        if (f >= hz[i] && f <= hz[i + 1]) {
            r = i + (f - hz[i]) / (hz[i + 1] - hz[i]);
            break;
        }
    return (r + 0.5) / (double)rows * H;
}

/* The first rows of the tick lines crossing column x between rows y0 and
 * y1 (inclusive): the starts of runs of black pixels. */
static int tick_rows(const sono_image *im, long x, long y0, long y1,
                     long *starts, int max)
{
    int n = 0;
    for (long y = y0; y <= y1; y++)
        if (is_black(im, x, y) && (y == y0 || !is_black(im, x, y - 1)) &&
            n < max)
            starts[n++] = y;
    return n;
}

static int tick_cols(const sono_image *im, long y, long x0, long x1,
                     long *starts, int max)
{
    int n = 0;
    for (long x = x0; x <= x1; x++)
        if (is_black(im, x, y) && (x == x0 || !is_black(im, x - 1, y)) &&
            n < max)
            starts[n++] = x;
    return n;
}

static double *linear_rows(size_t rows, double top)
{
    double *hz = malloc(rows * sizeof *hz);
    for (size_t i = 0; i < rows; i++)
        hz[i] = top * (double)i / (double)(rows - 1);
    return hz;
}

/* 24 bands per octave from C1 to 11025 Hz, as the log-frequency bank. */
static double *log_rows(size_t *rows)
{
    double *hz = malloc(400 * sizeof *hz);
    size_t n = 0;
    for (double f = 32.703195662574829; f <= 11025 && n < 400;
         f *= pow(2.0, 1.0 / 24))
        hz[n++] = f;
    *rows = n;
    return hz;
}

/* Draws axes around a w x h plot and checks what every picture must
 * satisfy; returns the plot's place through px, py. */
static int draw_and_find(uint32_t w, uint32_t h, const sono_axes *a,
                         sono_image *plot, sono_image *out, long *px, long *py)
{
    *plot = make_plot(w, h);
    int st = sono_draw_axes(plot, a, out);
    CHECK(st == SONO_OK, "%ux%u: status %d", w, h, st);
    if (st != SONO_OK)
        return st;
    CHECK(out->channels == 3 && out->depth == 8, "%ux%u: not RGB8", w, h);
    CHECK(out->width > w && out->height > h, "%ux%u: output %ux%u", w, h,
          out->width, out->height);
    int found;
    find_plot(out, plot, px, py, &found);
    CHECK(found == 1, "%ux%u: plot found %d times", w, h, found);
    if (found != 1)
        return -1;
    /* Everything stays inside: the outermost rows and columns are white. */
    int edge_ok = 1;
    for (uint32_t x = 0; x < out->width; x++)
        edge_ok &= is_white(out, x, 0) && is_white(out, x, out->height - 1);
    for (uint32_t y = 0; y < out->height; y++)
        edge_ok &= is_white(out, 0, y) && is_white(out, out->width - 1, y);
    CHECK(edge_ok, "%ux%u: something drawn on the outer edge", w, h);
    /* The colour bar, right of the plot: the colormap's last entry in the
     * top row, its first in the bottom row. */
    const uint8_t *lut = sono_colormap_lut8(a->cmap);
    long mid = *py + h / 2, cbx = *px + w + 1;
    while (cbx < (long)out->width &&
           (is_white(out, cbx, mid) || is_black(out, cbx, mid)))
        cbx++;
    CHECK(cbx < (long)out->width &&
              memcmp(pixel(out, cbx, *py), lut + 3 * 255, 3) == 0 &&
              (h == 1 || memcmp(pixel(out, cbx, *py + h - 1), lut, 3) == 0),
          "%ux%u: colour bar ends", w, h);
    return 0;
}

static void check_linear(void)
{
    const uint32_t W = 600, H = 300;
    double *hz = linear_rows(1025, 11025);
    sono_axes a = {0, 4.3, SONO_FREQ_AXIS_LINEAR, hz, 1025, -80, 0,
                   SONO_CMAP_MAGMA};
    sono_image plot, out;
    long px, py;
    if (draw_and_find(W, H, &a, &plot, &out, &px, &py) == 0) {
        /* The frame, one pixel wide at scale 1, just outside the plot. */
        int frame_ok = 1;
        for (long y = py - 1; y <= py + (long)H; y++)
            frame_ok &= is_black(&out, px - 1, y) && is_black(&out, px + W, y);
        for (long x = px - 1; x <= px + (long)W; x++)
            frame_ok &= is_black(&out, x, py - 1) && is_black(&out, x, py + H);
        CHECK(frame_ok, "frame around the plot");

        /* Frequency ticks every 2000 Hz, 4 pixels long left of the frame. */
        long got[64], want[64];
        int n = tick_rows(&out, px - 3, py - 1, py + H, got, 64), m = 0;
        for (double f = 0; f <= 11025; f += 2000)
            want[m++] = expected_start(py, H, H - height_of(hz, 1025, f, H), 1);
        CHECK(n == m, "%d frequency ticks, expected %d", n, m);
        for (int i = 0; i < n && i < m; i++)
            CHECK(got[i] == want[m - 1 - i], "frequency tick %d at row %ld, "
                  "expected %ld", i, got[i], want[m - 1 - i]);
        for (int i = 0; i < n; i++)
            CHECK(is_black(&out, px - 5, got[i]) && !is_black(&out, px - 6, got[i]),
                  "tick at row %ld is not 4 pixels long", got[i]);

        /* Time ticks every 0.5 s below the frame. */
        n = tick_cols(&out, py + H + 3, px - 1, px + W, got, 64);
        m = 0;
        for (int k = 0; k * 0.5 <= 4.3; k++)
            want[m++] = expected_start(px, W, k * 0.5 / 4.3 * W, 1);
        CHECK(n == m, "%d time ticks, expected %d", n, m);
        for (int i = 0; i < n && i < m; i++)
            CHECK(got[i] == want[i], "time tick %d at column %ld, expected %ld",
                  i, got[i], want[i]);

        /* The colour bar: right of the plot, last entry on top, first at
         * the bottom, ticks every 10 dB on its right. */
        const uint8_t *lut = sono_colormap_lut8(SONO_CMAP_MAGMA);
        long mid = py + H / 2, cbx = px + W + 1;
        while (cbx < (long)out.width &&
               (is_white(&out, cbx, mid) || is_black(&out, cbx, mid)))
            cbx++;
        CHECK(cbx < (long)out.width, "no colour bar");
        if (cbx < (long)out.width) {
            CHECK(memcmp(pixel(&out, cbx, py), lut + 3 * 255, 3) == 0,
                  "colour bar top is not the last entry");
            CHECK(memcmp(pixel(&out, cbx, py + H - 1), lut, 3) == 0,
                  "colour bar bottom is not the first entry");
            CHECK(is_black(&out, cbx, py - 1) && is_black(&out, cbx, py + H),
                  "colour bar frame");
            long edge = cbx;
            while (!is_black(&out, edge, mid))
                edge++;
            n = tick_rows(&out, edge + 2, py - 1, py + H, got, 64);
            m = 0;
            for (int v = 0; v >= -80; v -= 10)
                want[m++] = expected_start(py, H, H - (v + 80) / 80.0 * H, 1);
            CHECK(n == m, "%d colour bar ticks, expected %d", n, m);
            for (int i = 0; i < n && i < m; i++)
                CHECK(got[i] == want[i], "dB tick %d at row %ld, expected %ld",
                      i, got[i], want[i]);
        }
    }
    sono_image_free(&out);
    sono_image_free(&plot);

    /* A short plot: 5000 Hz steps, the tick at the interpolated row.  Rows
     * of 0..11025 Hz in 1025 steps: 5000 Hz is row 464.4, whose centre is
     * (464.4 + 0.5) / 1025 of the height above the bottom. */
    a.t1 = 2;
    if (draw_and_find(200, 60, &a, &plot, &out, &px, &py) == 0) {
        long got[16];
        int n = tick_rows(&out, px - 3, py - 1, py + 60, got, 16);
        double e = (5000.0 / 11025 * 1024 + 0.5) / 1025 * 60;
        CHECK(n == 3, "%d ticks on a 60-pixel axis, expected 3", n);
        if (n == 3)
            CHECK(got[1] == py + (long)floor(60 - e), "5000 Hz at row %ld, "
                  "expected %ld", got[1] - py, (long)floor(60 - e));
    }
    sono_image_free(&out);
    sono_image_free(&plot);

    /* Font scale 2: lines two pixels wide, still centred on the value. */
    const uint32_t W2 = 1400, H2 = 700;
    int s = scale_for(W2, H2);
    CHECK(s == 2, "scale %d", s);
    if (draw_and_find(W2, H2, &a, &plot, &out, &px, &py) == 0) {
        long got[64];
        int n = tick_rows(&out, px - 2 * s - 1, py - s, py + H2 + s - 1, got, 64);
        double f[] = {10000, 8000, 6000, 4000, 2000, 0};
        CHECK(n == 6, "%d ticks at scale 2, expected 6", n);
        for (int i = 0; i < n && i < 6; i++) {
            long want = expected_start(py, H2, H2 - height_of(hz, 1025, f[i], H2), s);
            CHECK(got[i] == want && is_black(&out, px - 2 * s - 1, want + s - 1) &&
                      !is_black(&out, px - 2 * s - 1, want + s),
                  "%g Hz tick at row %ld, expected %ld..+%d", f[i], got[i],
                  want, s);
        }
    }
    sono_image_free(&out);
    sono_image_free(&plot);
    free(hz);
}

static void check_octaves(sono_freq_axis scale)
{
    size_t rows;
    double *hz = log_rows(&rows);
    if (scale == SONO_FREQ_AXIS_MEL) {
        /* HTK mel centres up to 11025 Hz: close octaves at the bottom. */
        rows = 128;
        double top = 2595 * log10(1 + 11025 / 700.0);
        for (size_t i = 0; i < rows; i++)
            hz[i] = 700 * (pow(10, top * (double)(i + 1) / 129 / 2595) - 1);
    }
    const uint32_t W = 600, H = 300;
    sono_axes a = {0, 10, scale, hz, rows, -60, 0, SONO_CMAP_VIRIDIS};
    sono_image plot, out;
    long px, py;
    if (draw_and_find(W, H, &a, &plot, &out, &px, &py) == 0) {
        long got[64];
        int n = tick_rows(&out, px - 3, py - 1, py + H, got, 64);
        CHECK(n >= 5, "%s: only %d octave ticks",
              scale == SONO_FREQ_AXIS_MEL ? "mel" : "log", n);
        /* Every tick is an octave of 32 Hz within the rows, at its
         * interpolated row, and 1024 Hz is one of them. */
        int has_1024 = 0;
        for (int i = 0; i < n; i++) {
            int match = 0;
            for (double f = 32; f <= 16384; f *= 2) {
                if (f < hz[0] || f > hz[rows - 1])
                    continue;
                long want = expected_start(py, H, H - height_of(hz, rows, f, H), 1);
                if (got[i] == want) {
                    match = 1;
                    has_1024 |= f == 1024;
                }
            }
            CHECK(match, "tick at row %ld is no octave", got[i] - py);
            if (i > 0)
                CHECK(got[i] - got[i - 1] >= 2 * SONO__FONT_CAP - 1,
                      "ticks %ld and %ld closer than two label heights",
                      got[i - 1] - py, got[i] - py);
        }
        CHECK(has_1024, "no tick at 1024 Hz");
    }
    sono_image_free(&out);
    sono_image_free(&plot);
    free(hz);
}

static void check_glyphs(void)
{
    uint64_t bits[128] = {0};
    for (int c = 32; c < 128; c++)
        for (int r = 0; r < SONO__FONT_HEIGHT; r++)
            for (int k = 0; k < SONO__FONT_GLYPH_W; k++)
                if (sono__glyph_pixel((unsigned char)c, k, r))
                    bits[c] |= (uint64_t)1 << (r * SONO__FONT_GLYPH_W + k);
    CHECK(bits[' '] == 0, "space is not blank");
    for (int c = 33; c < 127; c++) {
        CHECK(bits[c] != 0, "glyph '%c' is empty", c);
        CHECK(bits[c] != bits[127], "glyph '%c' is the unknown box", c);
        for (int d = 33; d < c; d++)
            CHECK(bits[c] != bits[d], "glyphs '%c' and '%c' are the same", d, c);
    }
    CHECK(bits[127] != 0, "no box for unknown characters");
    CHECK(!sono__glyph_pixel('H', 5, 0) && !sono__glyph_pixel('H', 0, 9) &&
              !sono__glyph_pixel('H', -1, 0),
          "pixels outside the cell");

    int w, h;
    sono__text_size("Hz", 2, SONO__TEXT_RIGHT, &w, &h);
    CHECK(w == 22 && h == 18, "\"Hz\" at scale 2 is %dx%d", w, h);
    sono__text_size("Hz", 2, SONO__TEXT_UP, &w, &h);
    CHECK(w == 18 && h == 22, "turned \"Hz\" at scale 2 is %dx%d", w, h);
    sono__text_size("", 3, SONO__TEXT_RIGHT, &w, &h);
    CHECK(w == 0 && h == 0, "empty text is %dx%d", w, h);

    /* Drawing: straight text is the glyph bits scaled; turned text is the
     * straight text turned a quarter counter-clockwise. */
    const char *text = "+0 dB";
    int tw, th;
    sono__text_size(text, 2, SONO__TEXT_RIGHT, &tw, &th);
    sono_image flat, up;
    const uint8_t ink[3] = {10, 20, 30};
    if (sono_image_alloc(&flat, (uint32_t)tw, (uint32_t)th, 3, 8) ||
        sono_image_alloc(&up, (uint32_t)th, (uint32_t)tw, 3, 8)) {
        CHECK(0, "allocation");
        return;
    }
    sono__text_draw(&flat, 0, 0, text, 2, SONO__TEXT_RIGHT, ink);
    sono__text_draw(&up, 0, 0, text, 2, SONO__TEXT_UP, ink);
    int same = 1, scaled = 1;
    for (int v = 0; v < th; v++)
        for (int u = 0; u < tw; u++) {
            const uint8_t *f = pixel(&flat, u, v);
            same &= memcmp(f, pixel(&up, v, tw - 1 - u), 3) == 0;
            int k = u / 2 / SONO__FONT_ADVANCE, col = u / 2 % SONO__FONT_ADVANCE;
            int on = sono__glyph_pixel((unsigned char)text[k], col, v / 2);
            scaled &= on ? memcmp(f, ink, 3) == 0 : (f[0] | f[1] | f[2]) == 0;
        }
    CHECK(same, "turned text is not the straight text turned");
    CHECK(scaled, "drawn text is not the glyphs at scale 2");
    /* Clipping: partly and wholly outside the picture. */
    sono__text_draw(&flat, -7, -5, "Time (s)", 3, SONO__TEXT_RIGHT, ink);
    sono__text_draw(&flat, tw - 3, th - 2, "Hz", 4, SONO__TEXT_UP, ink);
    sono__text_draw(&flat, -100000, 100000, "dB", 1, SONO__TEXT_UP, ink);
    sono_image_free(&flat);
    sono_image_free(&up);
}

static void check_invalid(void)
{
    double hz[4] = {0, 100, 200, 300}, flat_hz[3] = {0, 100, 100};
    const sono_axes good = {0, 1, SONO_FREQ_AXIS_LINEAR, hz, 4, -80, 0,
                            SONO_CMAP_MAGMA};
    sono_image plot = make_plot(40, 40), out;
    CHECK(sono_draw_axes(&plot, &good, &out) == SONO_OK, "good input");
    sono_image_free(&out);

    CHECK(sono_draw_axes(NULL, &good, &out) == SONO_ERR_INVALID, "NULL plot");
    CHECK(out.pixels == NULL && out.width == 0, "out not zeroed on error");
    CHECK(sono_draw_axes(&plot, NULL, &out) == SONO_ERR_INVALID, "NULL axes");
    CHECK(sono_draw_axes(&plot, &good, NULL) == SONO_ERR_INVALID, "NULL out");

    struct {
        const char *what;
        sono_axes a;
    } bad[] = {
        {"rows 0", {0, 1, SONO_FREQ_AXIS_LINEAR, hz, 0, -80, 0, SONO_CMAP_MAGMA}},
        {"row_hz NULL", {0, 1, SONO_FREQ_AXIS_LINEAR, NULL, 4, -80, 0, SONO_CMAP_MAGMA}},
        {"row_hz flat", {0, 1, SONO_FREQ_AXIS_LOG, flat_hz, 3, -80, 0, SONO_CMAP_MAGMA}},
        {"t1 == t0", {1, 1, SONO_FREQ_AXIS_LINEAR, hz, 4, -80, 0, SONO_CMAP_MAGMA}},
        {"t1 < t0", {2, 1, SONO_FREQ_AXIS_LINEAR, hz, 4, -80, 0, SONO_CMAP_MAGMA}},
        {"t1 NaN", {0, NAN, SONO_FREQ_AXIS_LINEAR, hz, 4, -80, 0, SONO_CMAP_MAGMA}},
        {"t0 -inf", {-INFINITY, 1, SONO_FREQ_AXIS_LINEAR, hz, 4, -80, 0, SONO_CMAP_MAGMA}},
        {"db_max == db_min", {0, 1, SONO_FREQ_AXIS_LINEAR, hz, 4, 0, 0, SONO_CMAP_MAGMA}},
        {"db_max < db_min", {0, 1, SONO_FREQ_AXIS_LINEAR, hz, 4, 0, -80, SONO_CMAP_MAGMA}},
        {"db_min NaN", {0, 1, SONO_FREQ_AXIS_LINEAR, hz, 4, NAN, 0, SONO_CMAP_MAGMA}},
        {"range overflows", {-1e308, 1e308, SONO_FREQ_AXIS_LINEAR, hz, 4, -80, 0, SONO_CMAP_MAGMA}},
        {"scale", {0, 1, (sono_freq_axis)3, hz, 4, -80, 0, SONO_CMAP_MAGMA}},
        {"colormap", {0, 1, SONO_FREQ_AXIS_LINEAR, hz, 4, -80, 0, (sono_colormap)SONO_CMAP_COUNT}},
        {"negative colormap", {0, 1, SONO_FREQ_AXIS_LINEAR, hz, 4, -80, 0, (sono_colormap)-1}},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int st = sono_draw_axes(&plot, &bad[i].a, &out);
        CHECK(st == SONO_ERR_INVALID, "%s: status %d", bad[i].what, st);
        if (st == SONO_OK)
            sono_image_free(&out);
    }
    hz[2] = NAN;
    CHECK(sono_draw_axes(&plot, &good, &out) == SONO_ERR_INVALID, "NaN row");
    hz[2] = 200;

    sono_image grey, deep;
    if (sono_image_alloc(&grey, 40, 40, 1, 8) == SONO_OK) {
        CHECK(sono_draw_axes(&grey, &good, &out) == SONO_ERR_INVALID, "grey plot");
        sono_image_free(&grey);
    }
    if (sono_image_alloc(&deep, 40, 40, 3, 16) == SONO_OK) {
        CHECK(sono_draw_axes(&deep, &good, &out) == SONO_ERR_INVALID, "16-bit plot");
        sono_image_free(&deep);
    }
    sono_image empty = {0};
    CHECK(sono_draw_axes(&empty, &good, &out) == SONO_ERR_INVALID, "empty plot");
    sono_image_free(&plot);

    /* A plot as wide as an image may be leaves no room for the axes. */
    sono_image wide = make_plot(SONO_IMAGE_MAX_SIDE, 2);
    CHECK(sono_draw_axes(&wide, &good, &out) == SONO_ERR_TOO_LARGE, "too wide");
    sono_image_free(&wide);
}

/* Extreme sizes and ranges: no crash, nothing outside, the plot intact. */
static void check_extremes(void)
{
    double *hz = linear_rows(1025, 22050);
    static const uint32_t sizes[][2] = {{1, 1},     {2, 3},     {32, 32},
                                        {4000, 2000}, {3000, 32}, {32, 2000}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        for (int sc = 0; sc < 3; sc++) {
            if (sizes[i][0] * sizes[i][1] > 1000000 && sc > 0)
                continue; /* the search for the plot is slow there */
            sono_axes a = {0, 642.5, (sono_freq_axis)sc, hz, 1025, -100, 0,
                           SONO_CMAP_INFERNO};
            sono_image plot, out;
            long px, py;
            draw_and_find(sizes[i][0], sizes[i][1], &a, &plot, &out, &px, &py);
            sono_image_free(&out);
            sono_image_free(&plot);
        }
    }
    free(hz);

    /* One row, odd ranges: a tick or none, but a picture. */
    double one = 440;
    struct {
        double t0, t1, lo, hi;
    } r[] = {{0, 1e-6, -0.5, 0},      {1e9, 1e9 + 1, -1e6, 1e6},
             {-3.7, -1.2, 12.5, 13.0}, {0, 1e12, -1e-3, 0},
             {-1e307, 1e307, -1e307, 1e307}, {0, 1e-300, -1e-300, 0}};
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++) {
        sono_axes a = {r[i].t0, r[i].t1, SONO_FREQ_AXIS_LINEAR, &one, 1,
                       r[i].lo, r[i].hi, SONO_CMAP_GRAY};
        sono_image plot, out;
        long px, py;
        draw_and_find(64, 48, &a, &plot, &out, &px, &py);
        sono_image_free(&out);
        sono_image_free(&plot);
    }
}

int main(void)
{
    check_glyphs();
    check_linear();
    check_octaves(SONO_FREQ_AXIS_LOG);
    check_octaves(SONO_FREQ_AXIS_MEL);
    check_invalid();
    check_extremes();
    return test_summary("axes");
}
