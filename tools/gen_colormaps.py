#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Print src/colormap_tables.c: sono's colormaps, taken from matplotlib.

Usage: /usr/bin/python3 tools/gen_colormaps.py > src/colormap_tables.c

For each map, in the order of enum sono_colormap, two tables of 256 RGB entries:
- the floats of matplotlib's lookup table (cmap._lut, which is what
  cmap(np.linspace(0, 1, 256)) returns), rounded to float32;
- the bytes matplotlib's cmap(i, bytes=True) returns for entry i.

The bytes are taken from matplotlib, not derived from the float32 table:
matplotlib truncates float64(value) * 255, and for values such as 33/255 that
product is 32.99999... in float64, so gray's entry 33 is 32.  The float32 table
would give different bytes in 72 entries of gray, 68 of afmhot and 1 of Blues.
"""
import sys

import matplotlib
import numpy as np

# enum sono_colormap order, with matplotlib's name of each map.
MAPS = [
    ("SONO_CMAP_MAGMA", "magma"),
    ("SONO_CMAP_VIRIDIS", "viridis"),
    ("SONO_CMAP_INFERNO", "inferno"),
    ("SONO_CMAP_PLASMA", "plasma"),
    ("SONO_CMAP_CIVIDIS", "cividis"),
    ("SONO_CMAP_GRAY", "gray"),
    ("SONO_CMAP_BLUES", "Blues"),
    ("SONO_CMAP_AFMHOT", "afmhot"),
]
N = 256

HEADER = """\
/* GENERATED FILE, do not edit: made by tools/gen_colormaps.py from
 * matplotlib {version}:
 *     /usr/bin/python3 tools/gen_colormaps.py > src/colormap_tables.c
 *
 * For each colormap, in the order of enum sono_colormap: the 256 entries of
 * matplotlib's lookup table as float32 RGB (cmap(np.linspace(0, 1, 256))),
 * and the bytes of cmap(i, bytes=True) for each entry i, taken from
 * matplotlib itself because its rounding rule (float64 value * 255,
 * truncated) cannot be reproduced from the float32 values.
 *
 * Where the data comes from:
 * - magma, inferno, plasma, viridis (matplotlib/_cm_listed.py): by Nathaniel
 *   J. Smith, Stefan van der Walt and (viridis) Eric Firing, released under
 *   the CC0 1.0 public domain dedication.
 * - cividis (matplotlib/_cm_listed.py): by Jamie R. Nuñez, Christopher R.
 *   Anderton and Ryan S. Renslow, "Optimizing colormaps with consideration
 *   for color vision deficiency to enable accurate interpretation of
 *   scientific data", PLoS ONE 13(7): e0199239 (2018).  Their pnnl/cmaputil
 *   repository publishes it under a BSD-style licence of Battelle Memorial
 *   Institute; matplotlib ships it under matplotlib's licence.
 * - gray, afmhot (matplotlib/_cm.py): matplotlib's own segment data, under
 *   matplotlib's licence, sampled at 256 entries.
 * - Blues (matplotlib/_cm.py): a ColorBrewer scheme by Cynthia Brewer
 *   (Apache-style licence, matplotlib's LICENSE_COLORBREWER), sampled at 256
 *   entries.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

/* Declared again in colormap.c, which reads them. */
extern const float sono__colormap_float[SONO_CMAP_COUNT][{n} * 3];
extern const uint8_t sono__colormap_byte[SONO_CMAP_COUNT][{n} * 3];
"""


def colormap(name):
    """matplotlib's map at 256 entries, whatever image.lut a matplotlibrc sets."""
    cmap = matplotlib.colormaps[name]
    if cmap.N != N:
        cmap = cmap.resampled(N)
    return cmap


def tables(name):
    cmap = colormap(name)
    floats = np.asarray(cmap(np.linspace(0.0, 1.0, N)), dtype=np.float64)[:, :3]
    lut = np.asarray(cmap(np.arange(N), bytes=True), dtype=np.uint8)[:, :3]
    assert floats.shape == (N, 3) and lut.shape == (N, 3)
    assert np.all((floats >= 0.0) & (floats <= 1.0))
    return floats, lut


def c_float(v):
    # The shortest decimal that reads back as the same float32 (C rounds a
    # decimal float constant with an f suffix straight to float).
    s = np.format_float_positional(np.float32(v), unique=True, trim="0")
    return s + "f"


def main():
    out = [HEADER.format(version=matplotlib.__version__, n=N)]
    data = [(enum, name) + tables(name) for enum, name in MAPS]

    out.append("const float sono__colormap_float[SONO_CMAP_COUNT][%d * 3] = {" % N)
    for enum, name, floats, _ in data:
        out.append("    [%s] = { /* matplotlib \"%s\" */" % (enum, name))
        for i in range(N):
            out.append("        %s, /* %d */" % (", ".join(c_float(v) for v in floats[i]), i))
        out.append("    },")
    out.append("};\n")

    per_line = 4
    out.append("const uint8_t sono__colormap_byte[SONO_CMAP_COUNT][%d * 3] = {" % N)
    for enum, name, _, lut in data:
        out.append("    [%s] = { /* matplotlib \"%s\", bytes=True */" % (enum, name))
        for i in range(0, N, per_line):
            rows = ",  ".join("%3d, %3d, %3d" % tuple(int(v) for v in lut[j])
                              for j in range(i, i + per_line))
            out.append("        %s, /* %d */" % (rows, i))
        out.append("    },")
    out.append("};")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
