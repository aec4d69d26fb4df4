#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check sono's colormaps against matplotlib, every entry of every map.

Usage: /usr/bin/python3 tests/reference/check_colormaps.py COLORMAP_DUMP

COLORMAP_DUMP is tests/colormap_dump from the build.  For each of the 8 maps:
- the name sono gives is matplotlib's (lower case: "blues" for "Blues");
- the 256 floats of sono_colormap_table are within 1e-6 of
  cmap(np.linspace(0, 1, 256)) (they are float32 roundings of it);
- the 256 bytes of sono_colormap_lut8 equal cmap(np.arange(256), bytes=True);
- sono_colormap_rgb8(t) equals cmap(t, bytes=True) for about 1100 values of t:
  0, 0.5, 1, every k/256 and the doubles just below and above it, random values
  in [0, 1), and values out of range (below 0, above 1, infinities).
NaN is left out: matplotlib gives its "bad" colour (0, 0, 0, 0) there, and sono
the first entry (documented in sono.h, tested in test_colormap.c).

Prints one line per check and "N passed, M failed"; exits 1 on a failure, 2 when
the dump program cannot be run.
"""
import subprocess
import sys

import matplotlib
import numpy as np

# sono's enum order, with matplotlib's names.
MAPS = ["magma", "viridis", "inferno", "plasma", "cividis", "gray", "Blues", "afmhot"]
N = 256
FLOAT_TOLERANCE = 1e-6
TIMEOUT = 60


def colormap(name):
    cmap = matplotlib.colormaps[name]
    return cmap if cmap.N == N else cmap.resampled(N)


def run(argv, stdin_text=""):
    try:
        p = subprocess.run(argv, input=stdin_text, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT, check=False,
                           universal_newlines=True)
    except (OSError, subprocess.TimeoutExpired) as e:
        print(f"cannot run {' '.join(argv)}: {e}")
        sys.exit(2)
    if p.returncode != 0:
        print(f"{' '.join(argv)} exited with {p.returncode}: {p.stderr.strip()}")
        sys.exit(2)
    return p.stdout


def parse_tables(text):
    """{index: (name, floats (256, 3), bytes (256, 3))} from `colormap_dump tables`."""
    maps, lines = {}, text.splitlines()
    pos = 0
    while pos < len(lines):
        head = lines[pos].split()
        assert head[0] == "map" and len(head) == 3, lines[pos]
        rows = np.array([line.split() for line in lines[pos + 1:pos + 1 + N]], dtype=np.float64)
        assert rows.shape == (N, 7) and np.all(rows[:, 0] == np.arange(N))
        maps[int(head[1])] = (head[2], rows[:, 1:4], rows[:, 4:7].astype(np.int64))
        pos += 1 + N
    return maps


def test_values():
    """The t values of the rgb8 check, as float64."""
    k = np.arange(N + 1, dtype=np.float64) / N
    ts = [np.array([0.0, -0.0, 0.5, 1.0, 255.5 / 256])]
    ts.append(k)
    ts.append(np.nextafter(k, -np.inf))
    ts.append(np.nextafter(k, np.inf))
    ts.append(np.random.default_rng(20260).random(300))
    ts.append(np.array([-1e-300, -1e-9, -0.5, -1.0, -np.inf, 1.0 + 2.0 ** -52, 1.0 + 1e-9,
                        1.5, 2.0, 1e300, np.inf, 5e-324]))
    return np.concatenate(ts)


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    dump = sys.argv[1]
    passed = failed = 0

    def report(ok, what):
        nonlocal passed, failed
        print(("ok    " if ok else "FAIL  ") + what)
        if ok:
            passed += 1
        else:
            failed += 1

    print(f"matplotlib {matplotlib.__version__}, numpy {np.__version__}")
    maps = parse_tables(run([dump, "tables"]))
    report(sorted(maps) == list(range(len(MAPS))), f"{len(maps)} maps dumped")

    ts = test_values()
    text = run([dump, "rgb8"], "".join(repr(float(t)) + "\n" for t in ts))
    rgb8 = np.array([line.split() for line in text.splitlines()], dtype=np.int64)
    report(rgb8.shape == (len(ts), 3 * len(MAPS)), f"rgb8 of {len(ts)} values of t")

    for i, mpl_name in enumerate(MAPS):
        if i not in maps:
            continue
        name, floats, lut8 = maps[i]
        cmap = colormap(mpl_name)
        report(name == mpl_name.lower(), f"map {i}: sono's name {name!r} is matplotlib's "
               f"{mpl_name!r}")

        want = np.asarray(cmap(np.linspace(0.0, 1.0, N)), dtype=np.float64)[:, :3]
        err = float(np.max(np.abs(floats - want)))
        report(err <= FLOAT_TOLERANCE, f"{name}: 256 float entries, max |sono - matplotlib| "
               f"= {err:.2e} (<= {FLOAT_TOLERANCE:g})")

        want8 = np.asarray(cmap(np.arange(N), bytes=True), dtype=np.int64)[:, :3]
        bad = np.nonzero(np.any(lut8 != want8, axis=1))[0]
        report(bad.size == 0, f"{name}: 256 byte entries equal cmap(i, bytes=True)"
               + (f"; differ at {bad[:8].tolist()}" if bad.size else ""))

        if rgb8.shape == (len(ts), 3 * len(MAPS)):
            got = rgb8[:, 3 * i:3 * i + 3]
            want_t = np.asarray(cmap(ts, bytes=True), dtype=np.int64)[:, :3]
            bad = np.nonzero(np.any(got != want_t, axis=1))[0]
            report(bad.size == 0, f"{name}: sono_colormap_rgb8 equals cmap(t, bytes=True) at "
                   f"{len(ts)} values of t"
                   + (f"; differs at t = {[repr(float(t)) for t in ts[bad[:5]]]}"
                      if bad.size else ""))

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
