/* Colormaps: a few colours against matplotlib, names, clamping, bad input.
 * (tests/reference/check_colormaps.py compares every entry with matplotlib.)
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <float.h>

#include "testutil.h"

/* matplotlib 3.6.3's cmap(x, bytes=True)[:3] for x = 0.0, 0.5, 1.0. */
static const struct {
    sono_colormap c;
    const char *name;
    uint8_t rgb[3][3];
} expected[] = {
    {SONO_CMAP_MAGMA, "magma", {{0, 0, 3}, {182, 54, 121}, {251, 252, 191}}},
    {SONO_CMAP_VIRIDIS, "viridis", {{68, 1, 84}, {32, 144, 140}, {253, 231, 36}}},
    {SONO_CMAP_INFERNO, "inferno", {{0, 0, 3}, {187, 55, 84}, {252, 254, 164}}},
    {SONO_CMAP_PLASMA, "plasma", {{12, 7, 134}, {203, 71, 119}, {239, 248, 33}}},
    {SONO_CMAP_CIVIDIS, "cividis", {{0, 34, 77}, {124, 123, 120}, {253, 231, 55}}},
    {SONO_CMAP_GRAY, "gray", {{0, 0, 0}, {128, 128, 128}, {255, 255, 255}}},
    {SONO_CMAP_BLUES, "blues", {{247, 251, 255}, {106, 173, 213}, {8, 48, 107}}},
    {SONO_CMAP_AFMHOT, "afmhot", {{0, 0, 0}, {255, 128, 0}, {255, 255, 255}}},
};

static int same(const uint8_t a[3], const uint8_t b[3])
{
    return a[0] == b[0] && a[1] == b[1] && a[2] == b[2];
}

static void check_rgb(sono_colormap c, double t, const uint8_t want[3])
{
    uint8_t got[3] = {1, 2, 3};
    sono_colormap_rgb8(c, t, got);
    CHECK(same(got, want), "%s(%.17g) = (%d, %d, %d), expected (%d, %d, %d)",
          sono_colormap_name(c), t, got[0], got[1], got[2], want[0], want[1],
          want[2]);
}

static void test_known_colours(void)
{
    CHECK(sizeof expected / sizeof expected[0] == SONO_CMAP_COUNT,
          "one row per map");
    const double ts[3] = {0.0, 0.5, 1.0};
    for (size_t m = 0; m < sizeof expected / sizeof expected[0]; m++)
        for (int k = 0; k < 3; k++)
            check_rgb(expected[m].c, ts[k], expected[m].rgb[k]);
}

static void test_names(void)
{
    for (size_t m = 0; m < sizeof expected / sizeof expected[0]; m++) {
        sono_colormap c = (sono_colormap)-1;
        const char *name = sono_colormap_name(expected[m].c);
        CHECK(strcmp(name, expected[m].name) == 0, "name %s", name);
        CHECK(sono_colormap_from_name(name, &c) == SONO_OK && c == expected[m].c,
              "round trip of %s", name);
    }
    sono_colormap c = SONO_CMAP_MAGMA;
    CHECK(sono_colormap_from_name("Blues", &c) == SONO_OK && c == SONO_CMAP_BLUES,
          "matplotlib's spelling Blues");
    const char *bad[] = {"", "Magma", "VIRIDIS", "grey", "Gray", "blue",
                         "magma ", " magma", "magma_r", "jet", "BLUES"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        c = SONO_CMAP_PLASMA;
        CHECK(sono_colormap_from_name(bad[i], &c) == SONO_ERR_INVALID &&
                  c == SONO_CMAP_PLASMA,
              "\"%s\" rejected, output untouched", bad[i]);
    }
    CHECK(sono_colormap_from_name(NULL, &c) == SONO_ERR_INVALID, "NULL name");
    CHECK(sono_colormap_from_name("magma", NULL) == SONO_ERR_INVALID, "NULL out");
    CHECK(strcmp(sono_colormap_name((sono_colormap)SONO_CMAP_COUNT), "unknown") == 0,
          "name of an invalid map");
    CHECK(strcmp(sono_colormap_name((sono_colormap)-1), "unknown") == 0,
          "name of a negative map");
}

static void test_clamping(void)
{
    for (int m = 0; m < SONO_CMAP_COUNT; m++) {
        sono_colormap c = (sono_colormap)m;
        const uint8_t *lut = sono_colormap_lut8(c);
        const uint8_t *first = lut, *last = lut + 3 * 255;
        check_rgb(c, -0.0, first);
        check_rgb(c, -1e-300, first);
        check_rgb(c, -0.5, first);
        check_rgb(c, -INFINITY, first);
        check_rgb(c, NAN, first);
        check_rgb(c, 1.0 + DBL_EPSILON, last);
        check_rgb(c, 2.0, last);
        check_rgb(c, 1e300, last);
        check_rgb(c, INFINITY, last);
        /* Each entry covers [k/256, (k+1)/256); t = 1 is the last entry. */
        check_rgb(c, nextafter(1.0, 0.0), last);
        check_rgb(c, 255.0 / 256.0, last);
        check_rgb(c, nextafter(255.0 / 256.0, 0.0), lut + 3 * 254);
        check_rgb(c, 1.0 / 256.0, lut + 3);
        check_rgb(c, nextafter(1.0 / 256.0, 0.0), first);
        check_rgb(c, 1e-300, first);
    }
}

static void test_tables(void)
{
    for (int m = 0; m < SONO_CMAP_COUNT; m++) {
        sono_colormap c = (sono_colormap)m;
        const float *f = sono_colormap_table(c);
        const uint8_t *b = sono_colormap_lut8(c);
        CHECK(f && b, "tables of map %d", m);
        if (!f || !b)
            continue;
        int in_range = 1, close = 1;
        for (int i = 0; i < 768; i++) {
            if (!(f[i] >= 0.0f && f[i] <= 1.0f))
                in_range = 0;
            /* The bytes are float64 value * 255 truncated; the float32 value
             * can land on the other side of an integer, never further. */
            double v = (double)f[i] * 255.0;
            if (!(b[i] >= floor(v) - 1.0 && b[i] <= v + 1e-3))
                close = 0;
        }
        CHECK(in_range, "%s floats in [0, 1]", sono_colormap_name(c));
        CHECK(close, "%s bytes agree with the floats", sono_colormap_name(c));
    }
    /* gray's entry 33 is 33/255; matplotlib's float64 33/255 * 255 is
     * 32.99999..., and truncation makes it 32. */
    const uint8_t gray33[3] = {32, 32, 32};
    check_rgb(SONO_CMAP_GRAY, 33.5 / 256.0, gray33);
    CHECK(sono_colormap_table((sono_colormap)SONO_CMAP_COUNT) == NULL, "bad table");
    CHECK(sono_colormap_lut8((sono_colormap)-1) == NULL, "bad lut8");
    const uint8_t black[3] = {0, 0, 0};
    check_rgb((sono_colormap)SONO_CMAP_COUNT, 0.5, black);
    sono_colormap_rgb8(SONO_CMAP_MAGMA, 0.5, NULL); /* must not crash */
}

int main(void)
{
    test_known_colours();
    test_names();
    test_clamping();
    test_tables();
    if (test_failures) {
        printf("%d failures\n", test_failures);
        return 1;
    }
    printf("colormap: all passed\n");
    return 0;
}
