/* matplotlib's colormaps: names, the 256-entry tables, and value -> colour
 * with matplotlib's indexing.  The data is in colormap_tables.c, generated
 * from matplotlib by tools/gen_colormaps.py.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "internal.h"

#define CMAP_N 256

/* Defined in colormap_tables.c (generated; no header of their own, as
 * nothing else reads them). */
extern const float sono__colormap_float[SONO_CMAP_COUNT][CMAP_N * 3];
extern const uint8_t sono__colormap_byte[SONO_CMAP_COUNT][CMAP_N * 3];

_Static_assert(SONO_CMAP_AFMHOT + 1 == SONO_CMAP_COUNT,
               "SONO_CMAP_COUNT is the number of colormaps");

static const struct {
    const char *name;
    sono_colormap cmap;
} names[] = {
    {"magma", SONO_CMAP_MAGMA},     {"viridis", SONO_CMAP_VIRIDIS},
    {"inferno", SONO_CMAP_INFERNO}, {"plasma", SONO_CMAP_PLASMA},
    {"cividis", SONO_CMAP_CIVIDIS}, {"gray", SONO_CMAP_GRAY},
    {"blues", SONO_CMAP_BLUES},     {"Blues", SONO_CMAP_BLUES},
    {"afmhot", SONO_CMAP_AFMHOT},
};

static int valid(sono_colormap c)
{
    /* Through unsigned, so that a negative value cast to the enum fails too. */
    return (unsigned)c < (unsigned)SONO_CMAP_COUNT;
}

int sono_colormap_from_name(const char *name, sono_colormap *c)
{
    if (!name || !c)
        return SONO_ERR_INVALID;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i].name) == 0) {
            *c = names[i].cmap;
            return SONO_OK;
        }
    }
    return SONO_ERR_INVALID;
}

const char *sono_colormap_name(sono_colormap c)
{
    switch (c) {
    case SONO_CMAP_MAGMA: return "magma";
    case SONO_CMAP_VIRIDIS: return "viridis";
    case SONO_CMAP_INFERNO: return "inferno";
    case SONO_CMAP_PLASMA: return "plasma";
    case SONO_CMAP_CIVIDIS: return "cividis";
    case SONO_CMAP_GRAY: return "gray";
    case SONO_CMAP_BLUES: return "blues";
    case SONO_CMAP_AFMHOT: return "afmhot";
    }
    return "unknown";
}

const float *sono_colormap_table(sono_colormap c)
{
    return valid(c) ? sono__colormap_float[c] : NULL;
}

const uint8_t *sono_colormap_lut8(sono_colormap c)
{
    return valid(c) ? sono__colormap_byte[c] : NULL;
}

/* matplotlib's Colormap.__call__ for a float: x *= N; x == N becomes N - 1;
 * the cast to int truncates; below 0 is the "under" colour and above N - 1
 * the "over" colour, which default to the first and the last entry.
 * t * 256 is exact in double, so this is floor(t * 256) with the same
 * boundaries as matplotlib's. */
static size_t entry_of(double t)
{
    if (!(t > 0.0)) /* also NaN: sono's choice, see sono.h */
        return 0;
    if (!(t < 1.0))
        return CMAP_N - 1;
    size_t i = (size_t)(t * (double)CMAP_N);
    return i < CMAP_N ? i : CMAP_N - 1;
}

void sono_colormap_rgb8(sono_colormap c, double t, uint8_t rgb[3])
{
    if (!rgb)
        return;
    if (!valid(c)) {
        rgb[0] = rgb[1] = rgb[2] = 0;
        return;
    }
    memcpy(rgb, sono__colormap_byte[c] + 3 * entry_of(t), 3);
}
