/* The image reader and writer: PNG round trips for every channel count and
 * depth with their text entries, luminance, the size limits, and the corpus
 * of tests/hostile/images (written by tests/hostile/make_images.py): hostile
 * PNG and JPEG files refused with the expected code and nothing allocated
 * left behind, valid edge cases read pixel for pixel.  Failed saves must
 * leave no file and an existing file untouched.
 *
 * usage: test_image HOSTILE_IMAGE_DIR SCRATCH_DIR
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static const char *corpus;
static char scratch[3000];

static const char *in_corpus(const char *name)
{
    static char p[4096];
    snprintf(p, sizeof p, "%s/%s", corpus, name);
    return p;
}

static const char *in_scratch(const char *name)
{
    static char p[4096];
    snprintf(p, sizeof p, "%s/%s", scratch, name);
    return p;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Files in dir whose name contains ".sono-" (atomic_file.c's temporaries). */
static int temporaries_in(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strstr(e->d_name, ".sono-"))
            n++;
    closedir(d);
    return n;
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fputs(text, f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* The image is as sono_image_load must leave it after a failure. */
static int is_empty(const sono_image *im)
{
    return im->pixels == NULL && im->width == 0 && im->height == 0 &&
           im->channels == 0 && im->depth == 0 && im->n_text == 0 &&
           im->text == NULL;
}

/* ---- round trips -------------------------------------------------------- */

/* A pattern covering each sample's whole range: the first pixel all 0, the
 * last all maximum. */
static void fill_pattern(sono_image *im)
{
    size_t n = (size_t)im->width * im->height * (size_t)im->channels;
    for (size_t i = 0; i < n; i++) {
        if (im->depth == 8)
            ((uint8_t *)im->pixels)[i] =
                i < (size_t)im->channels ? 0
                : i >= n - (size_t)im->channels ? 255
                : (uint8_t)((i * 37 + 13) & 255);
        else
            ((uint16_t *)im->pixels)[i] =
                i < (size_t)im->channels ? 0
                : i >= n - (size_t)im->channels ? 65535
                : (uint16_t)((i * 4099 + 7) & 65535);
    }
}

static const char key79[] =
    "K123456789012345678901234567890123456789012345678901234567890123456789012345678";

static void test_text_entries(void)
{
    sono_image im;
    CHECK(sono_image_alloc(&im, 2, 2, 1, 8) == SONO_OK, "alloc");
    CHECK(strlen(key79) == 79, "key79 has %zu characters", strlen(key79));
    CHECK(sono_image_get_text(&im, "Title") == NULL, "no text yet");
    CHECK(sono_image_set_text(&im, "Title", "first") == SONO_OK, "set");
    CHECK(sono_image_set_text(&im, "Title", "second") == SONO_OK, "replace");
    CHECK(im.n_text == 1, "replacing a key adds no entry (%zu)", im.n_text);
    const char *v = sono_image_get_text(&im, "Title");
    CHECK(v && strcmp(v, "second") == 0, "replaced value: %s", v ? v : "(null)");
    CHECK(sono_image_get_text(&im, "title") == NULL, "keys are case-sensitive");
    /* Keys PNG allows: 1-79 characters 32-126 and 161-255, no leading or
     * trailing space. */
    CHECK(sono_image_set_text(&im, key79, "long key") == SONO_OK, "79-character key");
    CHECK(sono_image_set_text(&im, "caf\xe9 \xff", "latin-1 key") == SONO_OK,
          "Latin-1 key");
    CHECK(sono_image_set_text(&im, "a b", "") == SONO_OK, "inner space, empty value");
    size_t before = im.n_text;
    char key80[81];
    memset(key80, 'k', 80);
    key80[80] = '\0';
    const char *bad_keys[] = {"", key80, " lead", "trail ", "tab\tkey",
                              "new\nline", "del\x7f", "c1\x85", "nbsp\xa0"};
    for (size_t i = 0; i < sizeof bad_keys / sizeof *bad_keys; i++)
        CHECK(sono_image_set_text(&im, bad_keys[i], "x") == SONO_ERR_INVALID,
              "invalid key %zu (\"%s\") refused", i, bad_keys[i]);
    CHECK(sono_image_set_text(&im, NULL, "x") == SONO_ERR_INVALID, "NULL key");
    CHECK(sono_image_set_text(&im, "Title", NULL) == SONO_ERR_INVALID, "NULL value");
    CHECK(sono_image_set_text(NULL, "Title", "x") == SONO_ERR_INVALID, "NULL image");
    CHECK(im.n_text == before, "refused keys add nothing (%zu, %zu)", im.n_text, before);
    CHECK(sono_image_get_text(NULL, "Title") == NULL && sono_image_get_text(&im, NULL) == NULL,
          "get_text of NULL");
    sono_image_free(&im);
    CHECK(is_empty(&im), "freed image is zeroed");
    sono_image_free(&im); /* twice: harmless */
    sono_image_free(NULL);
}

static void test_round_trips(void)
{
    static const char *const values[] = {"second", "line one\nline two", "caf\xe9",
                                         "", "long key"};
    for (int depth = 8; depth <= 16; depth += 8) {
        for (int channels = 1; channels <= 4; channels++) {
            sono_image im, back;
            char name[64];
            snprintf(name, sizeof name, "round_trip_c%d_d%d.png", channels, depth);
            const char *path = in_scratch(name);
            CHECK(sono_image_alloc(&im, 23, 17, channels, depth) == SONO_OK, "alloc");
            if (!im.pixels)
                continue;
            fill_pattern(&im);
            sono_image_set_text(&im, "Title", "first");
            sono_image_set_text(&im, "Comment", values[1]);
            sono_image_set_text(&im, "Title", values[0]);
            sono_image_set_text(&im, "Latin1", values[2]);
            sono_image_set_text(&im, "Empty", values[3]);
            sono_image_set_text(&im, key79, values[4]);
            CHECK(im.n_text == 5, "5 entries (%zu)", im.n_text);
            int err = sono_png_save(path, &im);
            CHECK(err == SONO_OK, "%s: save: %s", name, sono_strerror(err));
            err = sono_image_load(path, &back);
            CHECK(err == SONO_OK, "%s: load: %s", name, sono_strerror(err));
            if (err == SONO_OK) {
                CHECK(back.width == 23 && back.height == 17 && back.channels == channels &&
                          back.depth == depth,
                      "%s: read as %ux%u, %d channels, depth %d", name, back.width,
                      back.height, back.channels, back.depth);
                size_t bytes = (size_t)23 * 17 * (size_t)channels * (size_t)(depth / 8);
                CHECK(back.channels == channels && back.depth == depth &&
                          memcmp(back.pixels, im.pixels, bytes) == 0,
                      "%s: pixels differ", name);
                /* libspng cannot write an empty value: that entry is left out. */
                CHECK(back.n_text == 4, "%s: %zu text entries", name, back.n_text);
                CHECK(sono_image_get_text(&back, "Empty") == NULL, "%s: empty value", name);
                const char *keys[] = {"Title", "Comment", "Latin1", "Empty", key79};
                for (int k = 0; k < 5; k++) {
                    const char *v = sono_image_get_text(&back, keys[k]);
                    if (k != 3)
                        CHECK(v && strcmp(v, values[k]) == 0, "%s: text %s = \"%s\"", name,
                              keys[k], v ? v : "(missing)");
                }
            }
            sono_image_free(&back);
            sono_image_free(&im);
        }
    }
    /* Saving over an existing PNG replaces it. */
    sono_image a, b;
    const char *path = in_scratch("round_trip_c1_d8.png");
    CHECK(sono_image_alloc(&a, 3, 2, 1, 8) == SONO_OK, "alloc");
    if (a.pixels)
        memset(a.pixels, 42, 6);
    CHECK(sono_png_save(path, &a) == SONO_OK, "save over an existing file");
    CHECK(sono_image_load(path, &b) == SONO_OK && b.width == 3 && b.height == 2 &&
              b.n_text == 0 && ((uint8_t *)b.pixels)[5] == 42,
          "the new file replaced the old one");
    sono_image_free(&a);
    sono_image_free(&b);
    CHECK(temporaries_in(scratch) == 0, "temporary files left in %s", scratch);
}

/* ---- luminance ---------------------------------------------------------- */

static double bt601(double r, double g, double b)
{
    return 0.299 * r + 0.587 * g + 0.114 * b;
}

static void test_luminance(void)
{
    /* RGB and RGBA, 8-bit: primaries, white, black, a grey and a mixture. */
    static const uint8_t rgb[][3] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255},
                                     {255, 255, 255}, {0, 0, 0}, {128, 128, 128},
                                     {100, 150, 200}, {17, 3, 250}};
    const uint32_t n = (uint32_t)(sizeof rgb / sizeof *rgb);
    for (int channels = 3; channels <= 4; channels++) {
        sono_image im;
        float y[8];
        CHECK(sono_image_alloc(&im, n, 1, channels, 8) == SONO_OK, "alloc");
        if (!im.pixels)
            continue;
        uint8_t *p = im.pixels;
        for (uint32_t i = 0; i < n; i++) {
            memcpy(p + i * (uint32_t)channels, rgb[i], 3);
            if (channels == 4)
                p[i * 4 + 3] = (uint8_t)(i * 37); /* alpha must not matter */
        }
        sono_image_luminance(&im, y);
        for (uint32_t i = 0; i < n; i++) {
            double want = bt601(rgb[i][0], rgb[i][1], rgb[i][2]) / 255.0;
            CHECK(fabs(y[i] - want) <= 1e-6, "%d channels, pixel %u: %.8f, want %.8f",
                  channels, i, y[i], want);
        }
        sono_image_free(&im);
    }
    /* 16-bit RGB. */
    sono_image im;
    float y[3];
    CHECK(sono_image_alloc(&im, 3, 1, 3, 16) == SONO_OK, "alloc");
    if (im.pixels) {
        const uint16_t v[9] = {65535, 0, 0, 65535, 65535, 65535, 1000, 30000, 65000};
        memcpy(im.pixels, v, sizeof v);
        sono_image_luminance(&im, y);
        CHECK(fabs(y[0] - 0.299) <= 1e-6, "16-bit red: %.8f", y[0]);
        CHECK(fabs(y[1] - 1.0) <= 1e-6, "16-bit white: %.8f", y[1]);
        double want = bt601(1000, 30000, 65000) / 65535.0;
        CHECK(fabs(y[2] - want) <= 1e-6, "16-bit mixture: %.8f, want %.8f", y[2], want);
    }
    sono_image_free(&im);
    /* Grey and grey + alpha: the grey value itself. */
    for (int depth = 8; depth <= 16; depth += 8) {
        for (int channels = 1; channels <= 2; channels++) {
            CHECK(sono_image_alloc(&im, 3, 1, channels, depth) == SONO_OK, "alloc");
            if (!im.pixels)
                continue;
            double max = depth == 8 ? 255 : 65535;
            const unsigned g[3] = {0, depth == 8 ? 77u : 12345u, (unsigned)max};
            for (int i = 0; i < 3; i++) {
                size_t k = (size_t)i * (size_t)channels;
                if (depth == 8) {
                    ((uint8_t *)im.pixels)[k] = (uint8_t)g[i];
                    if (channels == 2)
                        ((uint8_t *)im.pixels)[k + 1] = 9;
                } else {
                    ((uint16_t *)im.pixels)[k] = (uint16_t)g[i];
                    if (channels == 2)
                        ((uint16_t *)im.pixels)[k + 1] = 9;
                }
            }
            sono_image_luminance(&im, y);
            for (int i = 0; i < 3; i++)
                CHECK(fabs(y[i] - g[i] / max) <= 1e-6, "grey %d ch depth %d: %.8f, want %.8f",
                      channels, depth, y[i], g[i] / max);
            sono_image_free(&im);
        }
    }
}

/* ---- limits ------------------------------------------------------------- */

static void test_alloc_limits(void)
{
    static const struct {
        uint32_t w, h;
        int channels, depth, expect;
    } cases[] = {
        {0, 10, 1, 8, SONO_ERR_INVALID},       {10, 0, 1, 8, SONO_ERR_INVALID},
        {10, 10, 0, 8, SONO_ERR_INVALID},      {10, 10, 5, 8, SONO_ERR_INVALID},
        {10, 10, 1, 12, SONO_ERR_INVALID},     {65536, 1, 1, 8, SONO_ERR_TOO_LARGE},
        {1, 65536, 1, 8, SONO_ERR_TOO_LARGE},  {16385, 16384, 1, 8, SONO_ERR_TOO_LARGE},
        {UINT32_MAX, UINT32_MAX, 4, 16, SONO_ERR_TOO_LARGE},
        {65535, 1, 4, 16, SONO_OK},            {1, 65535, 1, 8, SONO_OK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        sono_image im;
        memset(&im, 0xab, sizeof im);
        int err = sono_image_alloc(&im, cases[i].w, cases[i].h, cases[i].channels,
                                   cases[i].depth);
        CHECK(err == cases[i].expect, "alloc %ux%u c%d d%d: %s", cases[i].w, cases[i].h,
              cases[i].channels, cases[i].depth, sono_strerror(err));
        if (err != SONO_OK)
            CHECK(is_empty(&im), "failed alloc %zu leaves an empty image", i);
        sono_image_free(&im);
    }
}

/* ---- the hostile corpus ------------------------------------------------- */

/* Every hostile file and the code sono_image_load must give.  FORMAT: corrupt,
 * truncated or unsupported; TOO_LARGE: the declared picture is beyond
 * SONO_IMAGE_MAX_SIDE a side or SONO_IMAGE_MAX_PIXELS in all.  The reason is
 * what libspng or libjpeg finds (or sono's own limits). */
static const struct hostile_case {
    const char *file;
    int expect;
    const char *why;
} hostile[] = {
    {"png_width0.png", SONO_ERR_FORMAT, "IHDR width 0 (libspng: invalid image width)"},
    {"png_height0.png", SONO_ERR_FORMAT, "IHDR height 0"},
    {"png_2147483647x2147483647.png", SONO_ERR_TOO_LARGE,
     "2^31-1 a side: past the 65535 limit given to libspng"},
    {"png_width_2pow31.png", SONO_ERR_FORMAT, "width 2^31, beyond PNG's own 2^31-1"},
    {"png_70000x10.png", SONO_ERR_TOO_LARGE, "a side over 65535"},
    {"png_20000x20000.png", SONO_ERR_TOO_LARGE,
     "4e8 pixels > 2^28, each side valid (sono's check after the IHDR)"},
    {"png_bomb_16000x16000.png", SONO_ERR_FORMAT,
     "RGBA 8-bit within the limits (1 GB of pixels) over 16 KiB of a deflate "
     "stream of zeros, which cannot inflate past 17 MB: refused before any "
     "allocation"},
    {"png_bomb_16384x16384_rgba16.png", SONO_ERR_FORMAT,
     "the largest picture the limits allow (2 GiB), the same 16 KiB"},
    {"png_cut_4096x4096.png", SONO_ERR_FORMAT,
     "a file large enough for its header (16.8 MB allocated), but its stored "
     "zeros end after 5 rows: decoding stops where the data does"},
    {"png_ztxt_bomb.png", SONO_ERR_FORMAT,
     "a zTXt inflating to 64 MiB: libspng stops at its chunk cache limit"},
    {"png_chunk_len_7ffffff0.png", SONO_ERR_FORMAT,
     "a tEXt chunk whose length is 0x7FFFFFF0 in a 94-byte file: end of stream"},
    {"png_idat_len_7ffffff0.png", SONO_ERR_FORMAT, "the same for IDAT"},
    {"png_bad_crc_ihdr.png", SONO_ERR_FORMAT, "IHDR CRC wrong"},
    {"png_bad_crc_idat.png", SONO_ERR_FORMAT, "IDAT CRC wrong (found after decoding)"},
    {"png_palette_no_plte.png", SONO_ERR_FORMAT, "colour type 3 without PLTE"},
    {"png_palette_depth16.png", SONO_ERR_FORMAT, "colour type 3 at 16 bits"},
    {"png_grey_depth3.png", SONO_ERR_FORMAT, "bit depth 3"},
    {"png_bad_filter_type.png", SONO_ERR_FORMAT, "scanline filter type 7"},
    {"png_bad_deflate.png", SONO_ERR_FORMAT, "IDAT is not a deflate stream"},
    {"png_truncated.png", SONO_ERR_FORMAT, "IDAT cut in half, no IEND"},
    {"png_no_idat.png", SONO_ERR_FORMAT, "IHDR then IEND"},
    {"png_ihdr_length_12.png", SONO_ERR_FORMAT, "IHDR of 12 bytes, not 13"},
    {"png_empty.png", SONO_ERR_FORMAT, "0 bytes"},
    {"png_signature_only.png", SONO_ERR_FORMAT, "the 8-byte signature alone"},
    {"jpeg_truncated.jpg", SONO_ERR_FORMAT, "the first half of a 64x64 JPEG"},
    {"jpeg_65500x65500.jpg", SONO_ERR_TOO_LARGE, "SOF0 patched to 65500 x 65500"},
    {"jpeg_height0.jpg", SONO_ERR_FORMAT, "SOF0 height 0 (DNL): libjpeg refuses it"},
    {"jpeg_16000x16000_lying.jpg", SONO_ERR_FORMAT,
     "SOF0 patched to 16000 x 16000 (within the limits) over 64x64 of data: "
     "4 KB cannot code 4e6 blocks, refused before any allocation"},
    {"jpeg_progressive_16000x16000_lying.jpg", SONO_ERR_FORMAT, "the same, progressive"},
    {"jpeg_4096x4096_lying.jpg", SONO_ERR_FORMAT,
     "4096 x 4096 over the same data: allocated, then the scan ends early"},
    {"jpeg_huffman_oversubscribed.jpg", SONO_ERR_FORMAT,
     "a DHT claiming 3 codes of 1 bit: bogus Huffman table"},
    {"jpeg_junk_after_soi.jpg", SONO_ERR_FORMAT, "SOI, a bogus marker, 2000 random bytes"},
    {"jpeg_junk_between_segments.jpg", SONO_ERR_FORMAT,
     "200 bytes of junk between two header segments (a libjpeg warning)"},
    {"jpeg_soi_only.jpg", SONO_ERR_FORMAT, "FF D8 FF and nothing else"},
    {"jpeg_cmyk.jpg", SONO_ERR_FORMAT, "CMYK (Adobe), not converted by sono"},
};

static void test_hostile(void)
{
    for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
        const struct hostile_case *c = &hostile[i];
        sono_image im;
        memset(&im, 0xab, sizeof im);
        int err = sono_image_load(in_corpus(c->file), &im);
        CHECK(err == c->expect, "%s (%s): %s, expected %s", c->file, c->why,
              sono_strerror(err), sono_strerror(c->expect));
        CHECK(is_empty(&im), "%s: image not left empty", c->file);
        sono_image_free(&im);
        printf("  %-42s %s\n", c->file, sono_strerror(err));
    }
}

/* ---- valid edge cases --------------------------------------------------- */

static unsigned sample_at(const sono_image *im, uint32_t x, uint32_t y, int c)
{
    size_t k = ((size_t)y * im->width + x) * (size_t)im->channels + (size_t)c;
    return im->depth == 16 ? ((const uint16_t *)im->pixels)[k]
                           : ((const uint8_t *)im->pixels)[k];
}

/* The pixel formulas of make_images.py: expected sample c of (x, y). */
static const unsigned palette[4][4] = {
    {255, 0, 0, 0}, {0, 255, 0, 128}, {0, 0, 255, 255}, {10, 20, 30, 255}};

static unsigned px_rgb_solid(uint32_t x, uint32_t y, int c)
{
    (void)x, (void)y;
    return c == 0 ? 200 : c == 1 ? 100 : 50;
}
static unsigned px_grey8_column(uint32_t x, uint32_t y, int c)
{
    (void)x, (void)c;
    return (y * 3) & 255;
}
static unsigned px_rgba8_row(uint32_t x, uint32_t y, int c)
{
    (void)y;
    return c == 0 ? (x & 255) : c == 1 ? 255 - (x & 255) : c == 2 ? 7 : 200;
}
static unsigned px_grey16(uint32_t x, uint32_t y, int c)
{
    (void)c;
    return (x * 4099 + y * 257 + 17) & 0xffff;
}
static unsigned px_grey_alpha8(uint32_t x, uint32_t y, int c)
{
    return c == 0 ? (x * 7 + y * 13) & 255 : (x * 3 + y * 5 + 1) & 255;
}
static unsigned px_palette_trns(uint32_t x, uint32_t y, int c)
{
    return palette[(x + 2 * y) % 4][c];
}
static unsigned px_rgb8(uint32_t x, uint32_t y, int c)
{
    return c == 0 ? (x * 19) & 255 : c == 1 ? (y * 23) & 255 : (x * y) & 255;
}
static unsigned px_grey1(uint32_t x, uint32_t y, int c)
{
    (void)c;
    return ((x ^ y) & 1) * 255; /* 1-bit grey scaled to 8 bits */
}
static unsigned px_text(uint32_t x, uint32_t y, int c)
{
    (void)y, (void)c;
    return x * 60;
}
static unsigned px_grey77(uint32_t x, uint32_t y, int c)
{
    (void)x, (void)y, (void)c;
    return 77;
}
static unsigned px_zero(uint32_t x, uint32_t y, int c)
{
    (void)x, (void)y, (void)c;
    return 0;
}
static unsigned px_black_opaque(uint32_t x, uint32_t y, int c)
{
    (void)x, (void)y;
    return c == 3 ? 255 : 0;
}

static const struct valid_case {
    const char *file;
    uint32_t width, height;
    int channels, depth;
    unsigned (*pixel)(uint32_t x, uint32_t y, int c);
    unsigned tolerance; /* JPEG is lossy */
} valid[] = {
    {"ok_png_1x1.png", 1, 1, 3, 8, px_rgb_solid, 0},
    {"ok_png_1x300.png", 1, 300, 1, 8, px_grey8_column, 0},
    {"ok_png_300x1.png", 300, 1, 4, 8, px_rgba8_row, 0},
    {"ok_png_grey16.png", 37, 23, 1, 16, px_grey16, 0},
    {"ok_png_grey_alpha8.png", 29, 17, 2, 8, px_grey_alpha8, 0},
    {"ok_png_palette_trns.png", 19, 13, 4, 8, px_palette_trns, 0},
    {"ok_png_adam7_rgb8.png", 13, 11, 3, 8, px_rgb8, 0},
    {"ok_png_adam7_grey1.png", 17, 9, 1, 8, px_grey1, 0},
    {"ok_png_text_after_idat.png", 4, 4, 1, 8, px_text, 0},
    {"ok_png_zeros_4096x4096_grey1.png", 4096, 4096, 1, 8, px_zero, 0},
    {"ok_jpeg_1x1.jpg", 1, 1, 3, 8, px_rgb_solid, 3},
    {"ok_jpeg_1x300.jpg", 1, 300, 3, 8, px_rgb_solid, 3},
    {"ok_jpeg_300x1.jpg", 300, 1, 3, 8, px_rgb_solid, 3},
    {"ok_jpeg_grey.jpg", 20, 10, 1, 8, px_grey77, 2},
    {"ok_jpeg_progressive.jpg", 40, 30, 3, 8, px_rgb_solid, 3},
    /* Wrong, but read as libpng reads them. */
    {"lenient_png_idat_overlong.png", 64, 64, 1, 8, px_zero, 0},
    {"lenient_png_palette_index_200.png", 8, 8, 4, 8, px_black_opaque, 0},
};

static void test_valid(void)
{
    for (size_t i = 0; i < sizeof valid / sizeof *valid; i++) {
        const struct valid_case *c = &valid[i];
        sono_image im;
        int err = sono_image_load(in_corpus(c->file), &im);
        CHECK(err == SONO_OK, "%s: %s", c->file, sono_strerror(err));
        if (err != SONO_OK)
            continue;
        CHECK(im.width == c->width && im.height == c->height && im.channels == c->channels &&
                  im.depth == c->depth,
              "%s: %ux%u, %d channels, depth %d; expected %ux%u, %d, %d", c->file, im.width,
              im.height, im.channels, im.depth, c->width, c->height, c->channels, c->depth);
        if (im.width == c->width && im.height == c->height && im.channels == c->channels &&
            im.depth == c->depth) {
            unsigned worst = 0, at_x = 0, at_y = 0;
            for (uint32_t y = 0; y < im.height; y++)
                for (uint32_t x = 0; x < im.width; x++)
                    for (int k = 0; k < im.channels; k++) {
                        unsigned got = sample_at(&im, x, y, k), want = c->pixel(x, y, k);
                        unsigned d = got > want ? got - want : want - got;
                        if (d > worst)
                            worst = d, at_x = x, at_y = y;
                    }
            CHECK(worst <= c->tolerance, "%s: pixel (%u, %u) off by %u", c->file, at_x, at_y,
                  worst);
        }
        printf("  %-42s %ux%u, %d channel(s), %d-bit\n", c->file, im.width, im.height,
               im.channels, im.depth);
        sono_image_free(&im);
    }
    /* The text of a zTXt before the image data and a tEXt after it. */
    sono_image im;
    if (sono_image_load(in_corpus("ok_png_text_after_idat.png"), &im) == SONO_OK) {
        const char *t = sono_image_get_text(&im, "Title");
        const char *m = sono_image_get_text(&im, "Comment");
        CHECK(t && strlen(t) == 600 && strncmp(t, "hello hello ", 12) == 0, "zTXt Title");
        CHECK(m && strcmp(m, "written last") == 0, "tEXt after IDAT: %s", m ? m : "(missing)");
    }
    sono_image_free(&im);
}

/* Every file of the corpus is in one of the tables above. */
static void test_corpus_listed(void)
{
    DIR *d = opendir(corpus);
    CHECK(d != NULL, "cannot list %s", corpus);
    if (!d)
        return;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        int found = 0;
        for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++)
            found |= strcmp(e->d_name, hostile[i].file) == 0;
        for (size_t i = 0; i < sizeof valid / sizeof *valid; i++)
            found |= strcmp(e->d_name, valid[i].file) == 0;
        CHECK(found, "%s is in no table of test_image.c", e->d_name);
        n++;
    }
    closedir(d);
    size_t want = sizeof hostile / sizeof *hostile + sizeof valid / sizeof *valid;
    CHECK(n == want, "%zu files in %s, %zu in the tables", n, corpus, want);
}

static void test_load_arguments(void)
{
    sono_image im;
    CHECK(sono_image_load(NULL, &im) == SONO_ERR_INVALID && is_empty(&im), "NULL path");
    CHECK(sono_image_load(in_corpus("ok_png_1x1.png"), NULL) == SONO_ERR_INVALID, "NULL image");
    CHECK(sono_image_load(in_scratch("missing.png"), &im) == SONO_ERR_IO && is_empty(&im),
          "missing file");
    CHECK(sono_image_load(scratch, &im) != SONO_OK && is_empty(&im), "a directory");
    const char *text = in_scratch("text.png");
    write_file(text, "not a picture\n");
    CHECK(sono_image_load(text, &im) == SONO_ERR_FORMAT && is_empty(&im), "a text file");
    unlink(text);
}

/* ---- failed saves ------------------------------------------------------- */

static void test_failed_saves(void)
{
    static const char *const target = "failed.png";
    char path[4096];
    snprintf(path, sizeof path, "%s", in_scratch(target));
    uint8_t buf[64] = {0};
    char key80[81];
    memset(key80, 'k', 80);
    key80[80] = '\0';
    char bad_key[] = "bad\x01key", empty_key[] = "", value[] = "v";
    sono_image_text text80 = {key80, value}, text_ctl = {bad_key, value},
                    text_empty = {empty_key, value};
    const struct {
        const char *what;
        sono_image im;
        int expect;
    } cases[] = {
        {"no pixels", {4, 4, 1, 8, NULL, 0, NULL}, SONO_ERR_INVALID},
        {"0 channels", {4, 4, 0, 8, buf, 0, NULL}, SONO_ERR_INVALID},
        {"5 channels", {2, 2, 5, 8, buf, 0, NULL}, SONO_ERR_INVALID},
        {"depth 12", {4, 4, 1, 12, buf, 0, NULL}, SONO_ERR_INVALID},
        {"width 0", {0, 4, 1, 8, buf, 0, NULL}, SONO_ERR_INVALID},
        {"height 0", {4, 0, 1, 8, buf, 0, NULL}, SONO_ERR_INVALID},
        {"70000 x 1", {70000, 1, 1, 8, buf, 0, NULL}, SONO_ERR_TOO_LARGE},
        {"20000 x 20000", {20000, 20000, 1, 8, buf, 0, NULL}, SONO_ERR_TOO_LARGE},
        {"80-character key", {4, 4, 1, 8, buf, 1, &text80}, SONO_ERR_INVALID},
        {"control character in a key", {4, 4, 1, 8, buf, 1, &text_ctl}, SONO_ERR_INVALID},
        {"empty key", {4, 4, 1, 8, buf, 1, &text_empty}, SONO_ERR_INVALID},
    };
    for (int existing = 0; existing <= 1; existing++) {
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
            if (existing)
                write_file(path, "precious\n");
            int err = sono_png_save(path, &cases[i].im);
            CHECK(err == cases[i].expect, "save with %s: %s", cases[i].what, sono_strerror(err));
            if (existing) {
                char *s = test_read_text(path);
                CHECK(s && strcmp(s, "precious\n") == 0, "save with %s touched the file",
                      cases[i].what);
                free(s);
            } else {
                CHECK(!exists(path), "save with %s left %s", cases[i].what, target);
            }
            CHECK(temporaries_in(scratch) == 0, "save with %s left a temporary", cases[i].what);
            unlink(path);
        }
    }
    sono_image ok;
    CHECK(sono_image_alloc(&ok, 4, 4, 1, 8) == SONO_OK, "alloc");
    CHECK(sono_png_save(NULL, &ok) == SONO_ERR_INVALID, "NULL path");
    CHECK(sono_png_save(path, NULL) == SONO_ERR_INVALID && !exists(path), "NULL image");
    CHECK(sono_png_save(in_scratch("nodir/x.png"), &ok) == SONO_ERR_IO, "missing directory");
    sono_image_free(&ok);
}

/* Saving over an existing file in a read-only directory fails and leaves it
 * as it was.  root may write there anyway: the check is skipped, saying so. */
static void test_read_only_directory(void)
{
    char dir[4096], file[4200], probe[4200];
    snprintf(dir, sizeof dir, "%s/ro", scratch);
    snprintf(file, sizeof file, "%s/x.png", dir);
    snprintf(probe, sizeof probe, "%s/.probe", dir);
    CHECK(mkdir(dir, 0755) == 0, "mkdir %s", dir);
    CHECK(write_file(file, "precious\n") == 0, "cannot write %s", file);
    chmod(dir, 0555);
    FILE *f = fopen(probe, "wb");
    if (f) {
        fclose(f);
        unlink(probe);
        printf("SKIP read-only directory: %s is writable for this user (root?)\n", dir);
    } else {
        sono_image im;
        CHECK(sono_image_alloc(&im, 4, 4, 1, 8) == SONO_OK, "alloc");
        int err = sono_png_save(file, &im);
        CHECK(err == SONO_ERR_IO, "save into a read-only directory: %s", sono_strerror(err));
        char *s = test_read_text(file);
        CHECK(s && strcmp(s, "precious\n") == 0, "the existing file was touched");
        free(s);
        CHECK(temporaries_in(dir) == 0, "temporary left in %s", dir);
        sono_image_free(&im);
        printf("  read-only directory: %s, existing file untouched\n", sono_strerror(err));
    }
    chmod(dir, 0755);
    unlink(file);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s HOSTILE_IMAGE_DIR SCRATCH_DIR\n", argv[0]);
        return 2;
    }
    corpus = argv[1];
    snprintf(scratch, sizeof scratch, "%s/test_image.%ld", argv[2], (long)getpid());
    if (mkdir(scratch, 0755) != 0) {
        fprintf(stderr, "cannot create %s\n", scratch);
        return 2;
    }
    test_text_entries();
    test_round_trips();
    test_luminance();
    test_alloc_limits();
    printf("hostile files:\n");
    test_hostile();
    printf("valid files:\n");
    test_valid();
    test_corpus_listed();
    test_load_arguments();
    test_failed_saves();
    test_read_only_directory();
    if (test_failures == 0) {
        for (int depth = 8; depth <= 16; depth += 8)
            for (int channels = 1; channels <= 4; channels++) {
                char name[64];
                snprintf(name, sizeof name, "round_trip_c%d_d%d.png", channels, depth);
                unlink(in_scratch(name));
            }
        rmdir(scratch);
    } else {
        printf("files kept in %s\n", scratch);
    }
    return test_summary("test_image");
}
