#!/usr/bin/python3
"""`sono waveform` and `sono histogram` against numpy, pixel for pixel.

usage: pictures_cli.py SONO DATA_DIR WORKDIR

Each case runs the command on a clip from DATA_DIR, reads the PNG with PIL
and compares it with a picture made here from the same audio read by
soundfile (the same libsndfile decoders; channels mixed as sono mixes them,
sum in channel order then divided by the count, in float32):

- waveform: column x covers samples [x*n//W, (x+1)*n//W) (or the one sample
  x*n//W when that is empty), blue (#1f77b4) from the row of its maximum to
  the row of its minimum, row(a) = floor((1 - clip(a)) * 0.5 * (H - 1) + 0.5)
  in float64, over white with a #d3d3d3 zero line;
- histogram: frame i is samples [i*n//F, (i+1)*n//F), its counts are
  numpy.histogram(frame as float64, B, range=(min, max)) of the whole
  signal, divided by their maximum and coloured by matplotlib's
  Blues(t, bytes=True), the lowest bin at the bottom.

The comparison is exact: both sides do the same float64 arithmetic on the
same float32 samples, so no tolerance is needed, and any differing pixel
fails.  trumpet.mp3 declares 238110 frames and decodes to 237312, which
exercises the waveform's second pass.  Prints a line per case and
'N passed, M failed'.
"""
import os
import subprocess
import sys
import tempfile

import matplotlib
import numpy as np
import soundfile
from PIL import Image

WHITE = (255, 255, 255)
GREY = (0xD3, 0xD3, 0xD3)
BLUE = (0x1F, 0x77, 0xB4)

# clip, sono options, (channel or None for the mix, offset s, duration s)
WAVEFORMS = [
    ("trumpet.ogg", [], (None, 0.0, None)),
    ("speech.ogg", ["--size", "640x101"], (None, 0.0, None)),
    ("robin.ogg", ["--size", "333x64", "--channel", "1", "--offset", "0.5",
                   "--duration", "1.0"], (1, 0.5, 1.0)),
    ("cat.wav", ["--duration", "0.01", "--size", "1000x50"], (None, 0.0, 0.01)),
    ("trumpet.mp3", ["--size", "1200x300"], (None, 0.0, None)),
    ("cat.wav", ["--size=1x1"], (None, 0.0, None)),
]
HISTOGRAMS = [
    ("speech.ogg", [], (None, 0.0, None)),
    ("trumpet.ogg", ["--frames", "37", "--bins", "7"], (None, 0.0, None)),
    ("cat.wav", ["--duration", "0.01", "--frames", "441", "--bins", "5"], (None, 0.0, 0.01)),
    ("robin.ogg", ["--channel", "0", "--frames=200", "--bins=256"], (0, 0.0, None)),
]


def load(path, channel, offset, duration):
    """The samples sono reads: offset and duration truncated to frames."""
    x, sr = soundfile.read(path, dtype="float32", always_2d=True)
    start = int(offset * sr)
    stop = len(x) if duration is None else start + int(duration * sr)
    x = x[start:stop]
    if channel is not None:
        return x[:, channel].copy()
    y = x[:, 0].copy()
    for c in range(1, x.shape[1]):
        y += x[:, c]
    return y / np.float32(x.shape[1])


def size_of(opts, default):
    for i, o in enumerate(opts):
        if o.startswith("--size="):
            return tuple(int(v) for v in o.split("=", 1)[1].split("x"))
        if o == "--size":
            return tuple(int(v) for v in opts[i + 1].split("x"))
    return default


def option(opts, name, default):
    for i, o in enumerate(opts):
        if o.startswith(name + "="):
            return int(o.split("=", 1)[1])
        if o == name:
            return int(opts[i + 1])
    return default


def waveform_model(y, width, height):
    def row(a):
        a = np.clip(np.float64(a), -1.0, 1.0)
        return int(np.floor((1.0 - a) * 0.5 * (height - 1) + 0.5))

    n = len(y)
    img = np.empty((height, width, 3), np.uint8)
    img[:, :] = WHITE
    img[row(0.0), :] = GREY
    for x in range(width):
        start = x * n // width
        end = max((x + 1) * n // width, start + 1)
        seg = y[start:end]
        img[row(seg.max()):row(seg.min()) + 1, x] = BLUE
    return img


def histogram_model(y, frames, bins):
    cmap = matplotlib.colormaps["Blues"]
    lo, hi = float(y.min()), float(y.max())
    n = len(y)
    img = np.empty((bins, frames, 3), np.uint8)
    for i in range(frames):
        seg = y[i * n // frames:(i + 1) * n // frames].astype(np.float64)
        if lo == hi:
            h = np.zeros(bins)
            h[bins // 2] = len(seg)
        else:
            h = np.histogram(seg, bins=bins, range=(lo, hi))[0]
        img[:, i] = cmap(h / h.max(), bytes=True)[::-1, :3]
    return img


def compare(got, want):
    """'' when equal, else what differs."""
    if got.shape != want.shape:
        return "shape %s, expected %s" % (got.shape, want.shape)
    bad = np.any(got != want, axis=2)
    if not bad.any():
        return ""
    r, c = np.argwhere(bad)[0]
    return "%d pixels differ, first at row %d column %d: %s, expected %s" % (
        bad.sum(), r, c, tuple(got[r, c]), tuple(want[r, c]))


def run_case(sono, data, tmp, n, command, clip, opts, sel):
    out = os.path.join(tmp, "%s%d.png" % (command, n))
    r = subprocess.run([sono, command, os.path.join(data, clip), "-o", out] + opts,
                       capture_output=True, text=True)
    if r.returncode != 0 or r.stdout or r.stderr:
        raise AssertionError("exit %d, stdout %r, stderr %r" % (r.returncode, r.stdout, r.stderr))
    with Image.open(out) as im:
        if im.mode != "RGB":
            raise AssertionError("mode %s, not RGB" % im.mode)
        got = np.asarray(im)
    y = load(os.path.join(data, clip), *sel)
    if command == "waveform":
        w, h = size_of(opts, (1000, 200))
        want = waveform_model(y, w, h)
        blue = np.all(got == BLUE, axis=2)
        detail = "%dx%d, %d samples, %d blue pixels" % (w, h, len(y), blue.sum())
    else:
        frames, bins = option(opts, "--frames", 1000), option(opts, "--bins", 100)
        want = histogram_model(y, frames, bins)
        # Every column's fullest bin is 1, the darkest colour.
        darkest = np.all(got == matplotlib.colormaps["Blues"](1.0, bytes=True)[:3], axis=2)
        columns = int(darkest.any(axis=0).sum())
        if columns != frames:
            raise AssertionError("%d of %d columns hold the darkest colour" % (columns, frames))
        detail = "%d frames x %d bins, %d samples in [%.4f, %.4f]" % (
            frames, bins, len(y), y.min(), y.max())
    why = compare(got, want)
    if why:
        raise AssertionError(why)
    return detail


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    sono, data, work = sys.argv[1:]
    passed = failed = 0
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        cases = [("waveform",) + c for c in WAVEFORMS] + [("histogram",) + c for c in HISTOGRAMS]
        for n, (command, clip, opts, sel) in enumerate(cases):
            name = "%s %s %s" % (command, clip, " ".join(opts) or "defaults")
            try:
                detail = run_case(sono, data, tmp, n, command, clip, opts, sel)
                print("PASS %s: %s, identical pixels" % (name, detail))
                passed += 1
            except Exception as e:  # one line per failing case, then go on
                print("FAIL %s: %s" % (name, e))
                failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
