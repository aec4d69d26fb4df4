/* Prints sono's colormaps for tests/reference/check_colormaps.py.
 *   colormap_dump tables   for each map, "map INDEX NAME", then 256 lines
 *                          "i r g b R G B": the float table (%.9g, enough
 *                          to read back the same float) and the 8-bit table
 *   colormap_dump rgb8     reads one t per line from stdin and prints
 *                          sono_colormap_rgb8 of every map: 8 × "R G B"
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sono.h"

static int dump_tables(void)
{
    for (int m = 0; m < SONO_CMAP_COUNT; m++) {
        sono_colormap c = (sono_colormap)m;
        const float *f = sono_colormap_table(c);
        const uint8_t *b = sono_colormap_lut8(c);
        if (!f || !b)
            return 1;
        printf("map %d %s\n", m, sono_colormap_name(c));
        for (int i = 0; i < 256; i++)
            printf("%d %.9g %.9g %.9g %d %d %d\n", i, (double)f[3 * i],
                   (double)f[3 * i + 1], (double)f[3 * i + 2], b[3 * i],
                   b[3 * i + 1], b[3 * i + 2]);
    }
    return 0;
}

static int dump_rgb8(void)
{
    char line[256];
    while (fgets(line, sizeof line, stdin)) {
        char *end;
        double t = strtod(line, &end);
        if (end == line)
            return 1;
        for (int m = 0; m < SONO_CMAP_COUNT; m++) {
            uint8_t rgb[3];
            sono_colormap_rgb8((sono_colormap)m, t, rgb);
            printf("%s%d %d %d", m ? " " : "", rgb[0], rgb[1], rgb[2]);
        }
        printf("\n");
    }
    return ferror(stdin) ? 1 : 0;
}

int main(int argc, char **argv)
{
    int rc = 2;
    if (argc == 2 && strcmp(argv[1], "tables") == 0)
        rc = dump_tables();
    else if (argc == 2 && strcmp(argv[1], "rgb8") == 0)
        rc = dump_rgb8();
    else
        fprintf(stderr, "usage: colormap_dump tables|rgb8\n");
    if (fflush(stdout) != 0)
        rc = 1;
    return rc;
}
