#!/usr/bin/python3
"""`sono render` and the lossless image format, end to end.

usage: render_cli.py SONO DATA_DIR WORKDIR

- A pure tone lights the row of its frequency, in every column, on the
  linear, log and mel scales.
- Colours: a .npy ramp in dB rendered through each colormap gives exactly
  matplotlib's cmap(value, bytes=True).
- --size gives the requested size; --axes frames the picture.
- A long track at --size is drawn in two passes without its matrix
  (render_stream.c): the picture equals, byte for byte, the one drawn from
  the whole matrix (the same |STFT| through `sono stft --magnitude` and a
  .npy, which render always holds whole), with and without --axes; peak
  memory stays far below the matrix.
- Lossless with phase: render -> invert reaches >= 60 dB SNR on real clips
  and several STFT layouts; the image's text entries state the layout.
- Lossless without phase: `invert --to magnitude` returns |STFT| within the
  16-bit quantisation step, and `invert` to audio gives the original length.
Prints a line per check and 'N passed, M failed'.
"""
import os
import sys

import numpy as np
import soundfile
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, run, snr, summary  # noqa: E402

C1 = 32.703195662574829


def grey(path):
    return np.asarray(Image.open(path).convert("L"), dtype=float)


def hz_to_mel(f):
    """Slaney's mel scale, as librosa's default."""
    f = np.asarray(f, dtype=float)
    lin = f / (200.0 / 3)
    log = 15.0 + np.log(np.maximum(f, 1e-10) / 1000.0) / (np.log(6.4) / 27.0)
    return np.where(f >= 1000.0, log, lin)


def mel_to_hz(m):
    m = np.asarray(m, dtype=float)
    return np.where(m >= 15.0, 1000.0 * np.exp((np.log(6.4) / 27.0) * (m - 15.0)), m * 200.0 / 3)


def tone_rows(sono, work):
    sr, f = 22050, 1000.0
    t = np.arange(2 * sr) / sr
    path = os.path.join(work, "tone.wav")
    soundfile.write(path, 0.5 * np.sin(2 * np.pi * f * t), sr, subtype="FLOAT")
    n_fft = 2048
    centres = {
        "linear": np.arange(n_fft // 2 + 1) * sr / n_fft,
        "log": C1 * 2.0 ** (np.arange(1000) / 24.0),
        "mel": mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(sr / 2), 128 + 2))[1:-1],
    }
    for scale in ("linear", "log", "mel"):
        out = os.path.join(work, "tone-%s.png" % scale)
        run([sono, "render", path, "-o", out, "--scale", scale, "--cmap", "gray"])
        img = grey(out)
        rows = img.shape[0]
        c = centres[scale][:rows] if scale == "log" else centres[scale]
        check(len(c) == rows or scale == "log", "%s: %d rows" % (scale, rows))
        want = rows - 1 - int(np.argmin(np.abs(c - f)))
        inner = img[:, 4:-4]
        got = np.argmax(inner, axis=0)
        worst = int(np.max(np.abs(got - want)))
        check(worst <= 1, "%s: the tone's row %d is the brightest in every column (worst "
              "off by %d)" % (scale, want, worst))


def colormaps(sono, work):
    import matplotlib
    ramp = -80.0 + 80.0 * (np.arange(256) + 0.5) / 256.0
    m = np.stack([ramp, np.zeros(256)], axis=1).astype(np.float32)  # max is 0 dB
    path = os.path.join(work, "ramp.npy")
    np.save(path, m)
    for name in ("magma", "viridis", "inferno", "plasma", "cividis", "gray", "blues", "afmhot"):
        out = os.path.join(work, "ramp-%s.png" % name)
        run([sono, "render", path, "-o", out, "--from", "db", "--cmap", name, "--n-fft", "510"])
        px = np.asarray(Image.open(out).convert("RGB"))[::-1, 0, :]  # bottom row first
        cmap = matplotlib.colormaps["Blues" if name == "blues" else name]
        want = cmap((np.arange(256) + 0.5) / 256.0, bytes=True)[:, :3]
        check(np.array_equal(px, want), "%s: 256 colours equal matplotlib's" % name)


def sizes(sono, data, work):
    clip = os.path.join(data, "trumpet.ogg")
    out = os.path.join(work, "small.png")
    run([sono, "render", clip, "-o", out, "--size", "224x224", "--scale", "mel"])
    check(Image.open(out).size == (224, 224), "--size 224x224")
    plain = os.path.join(work, "plain.png")
    framed = os.path.join(work, "framed.png")
    run([sono, "render", clip, "-o", plain, "--size", "300x200"])
    run([sono, "render", clip, "-o", framed, "--size", "300x200", "--axes"])
    a = np.asarray(Image.open(plain).convert("RGB"))
    b = np.asarray(Image.open(framed).convert("RGB"))
    found = False
    for y in range(b.shape[0] - 200 + 1):
        for x in range(b.shape[1] - 300 + 1):
            if np.array_equal(b[y, x:x + 300], a[0]) and np.array_equal(b[y:y + 200, x:x + 300], a):
                found = True
                break
        if found:
            break
    check(found and b.shape[0] > 200 and b.shape[1] > 300,
          "--axes: %dx%d frame around the unchanged 300x200 picture" % (b.shape[1], b.shape[0]))


def streamed(sono, data, work):
    # The trumpet looped to 17,900 hops of 32 samples: 17,901 frames of
    # 1025 bins, 18.3 M values, over the 16 M from which render streams.
    y, sr = soundfile.read(os.path.join(data, "trumpet.ogg"), dtype="float32")
    y = y.mean(axis=1) if y.ndim > 1 else y
    clip = os.path.join(work, "long.wav")
    n = 17900 * 32
    soundfile.write(clip, np.tile(y, n // len(y) + 1)[:n], sr, subtype="FLOAT")
    npy = os.path.join(work, "long.npy")
    run([sono, "stft", clip, "-o", npy, "--magnitude", "--hop", "32"])
    cases = [["--size", "224x224"], ["--size", "300x120", "--axes", "--cmap", "gray"]]
    for i, opts in enumerate(cases):
        a, b = os.path.join(work, "long_a%d.png" % i), os.path.join(work, "long_b%d.png" % i)
        run(["/usr/bin/time", "-f", "%M", "-o", a + ".rss", sono, "render", clip, "-o", a,
             "--hop", "32"] + opts)
        run([sono, "render", npy, "-o", b, "--sr", str(sr), "--hop", "32"] + opts)
        rss_mib = int(open(a + ".rss").read().split()[-1]) / 1024
        same = np.array_equal(np.asarray(Image.open(a)), np.asarray(Image.open(b)))
        check(same and rss_mib < 40, "streamed render %s: equals the whole-matrix picture "
              "(%s), %.1f MiB peak for a %.0f MiB matrix" % (" ".join(opts), same, rss_mib,
                                                              17900 * 1025 * 4 / 2**20))


def mono(path):
    x, sr = soundfile.read(path, dtype="float64")
    return (x.mean(axis=1) if x.ndim > 1 else x), sr


def lossless(sono, data, work):
    cases = [
        ("trumpet.ogg", []),
        ("speech.ogg", ["--n-fft", "1024", "--hop", "256"]),
        ("robin.ogg", ["--n-fft", "1024", "--win-length", "800", "--hop", "200", "--window", "hamming"]),
        ("cat.wav", ["--no-center", "--hop", "500"]),
    ]
    for clip, opts in cases:
        src = os.path.join(data, clip)
        png = os.path.join(work, clip + ".lossless.png")
        wav = os.path.join(work, clip + ".back.wav")
        run([sono, "render", src, "-o", png, "--lossless", "--phase"] + opts)
        info = Image.open(png).info
        check(info.get("sono:format") == "1" and info.get("sono:phase") == "alpha",
              "%s %s: text entries describe the image" % (clip, " ".join(opts)))
        run([sono, "invert", png, "-o", wav])
        x, sr = mono(src)
        y, sr2 = mono(wav)
        if "--no-center" in opts:
            # Without centring, samples after the last whole frame are not
            # covered by any frame, and at both ends the window's sum of
            # squares falls to 0, so that the inverse divides by almost
            # nothing: compare from one hop in to one hop before the end.
            hop = int(opts[opts.index("--hop") + 1])
            covered = ((len(x) - 2048) // hop) * hop + 2048
            check(len(y) == len(x), "%s: %d samples back" % (clip, len(y)))
            x = x[hop:covered - hop]
            y = y[hop:covered - hop]
        s = snr(x, y)
        check(sr == sr2 and (len(y) == len(x)) and s >= 60.0,
              "%s %s: round trip with phase, %d samples, SNR %.1f dB (>= 60)"
              % (clip, " ".join(opts), len(y), s))

    # Without phase: the magnitudes come back within the quantisation step.
    src = os.path.join(data, "trumpet.ogg")
    png = os.path.join(work, "nophase.png")
    run([sono, "render", src, "-o", png, "--lossless", "--sr", "22050"])
    mag = os.path.join(work, "nophase-mag.npy")
    ref = os.path.join(work, "ref-mag.npy")
    run([sono, "invert", png, "-o", mag, "--to", "magnitude"])
    run([sono, "stft", src, "-o", ref, "--magnitude", "--sr", "22050"])
    a, b = np.load(mag), np.load(ref)
    peak = b.max()
    keep = b > peak * 10 ** (-119.0 / 20)
    rel = np.max(np.abs(a[keep] - b[keep]) / b[keep])
    step = 10 ** (120.0 / 65535 / 2 / 20) - 1
    check(a.shape == b.shape and rel <= step * 1.01,
          "no phase: magnitudes within the 16-bit step (%.2e <= %.2e)" % (rel, step))
    wav = os.path.join(work, "nophase.wav")
    out = run([sono, "invert", png, "-o", wav, "--report"])
    y, sr = mono(wav)
    x, _ = mono(src)
    want = int(round(len(x) * 22050 / 44100))
    check(sr == 22050 and abs(len(y) - want) <= 1,
          "no phase: phase reconstruction at the image's rate and length (%s)" % out.strip())


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sono, data, work = sys.argv[1:]
    work = os.path.join(work, "render_cli")
    os.makedirs(work, exist_ok=True)
    tone_rows(sono, work)
    colormaps(sono, work)
    sizes(sono, data, work)
    streamed(sono, data, work)
    lossless(sono, data, work)
    sys.exit(summary())


if __name__ == "__main__":
    main()
