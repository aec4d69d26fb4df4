#!/usr/bin/python3
"""`sono render --layout` and `--mode colorgram`, end to end.

usage: layout_cli.py SONO DATA_DIR WORKDIR

- zorder and hilbert: a .npy whose 256 time chunks each hold a distinct
  constant level becomes 256 uniform 14 x 14 tiles, each level once (none
  lost or doubled), chunk k at its curve cell (Morton bits for zorder); along
  the Hilbert curve the tiles of k and k + 1 share an edge of touching
  pixels.
- wrap: clicks at 120 BPM (a beat of exactly 25 frames at hop 441) with
  --bpm 120 fall on the same columns in every row of the picture, at the
  columns of the beats; the bands of a .npy are centred in each row (band 0
  in the middle row, even bands above, odd below) and the rows past the end
  are the floor.
- colorgram: along a 200 Hz -> 8 kHz logarithmic sweep the hue of each
  column's brightest pixel rises and matches the centroid's position; a pure
  tone is more saturated than white noise.
- the default size is 224 x 224; refusals are one line naming the option,
  exit status 2, no output.
Prints a line per check and 'N passed, M failed'.
"""
import colorsys
import os
import subprocess
import sys

import numpy as np
import soundfile
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, run, summary  # noqa: E402

SR = 22050


def grey(path):
    return np.asarray(Image.open(path).convert("L"), dtype=int)


def rgb(path):
    return np.asarray(Image.open(path).convert("RGB"), dtype=float) / 255.0


def morton(k):
    x = y = 0
    for b in range(8):
        x |= ((k >> (2 * b)) & 1) << b
        y |= ((k >> (2 * b + 1)) & 1) << b
    return x, y


def magma_index(img):
    """The magma entry of each pixel (its 256 colours are distinct), -1
    for another colour."""
    import matplotlib
    lut = matplotlib.colormaps["magma"](np.arange(256), bytes=True)[:, :3].astype(int)
    code = lambda c: (c[..., 0] << 16) | (c[..., 1] << 8) | c[..., 2]  # noqa: E731
    index = {int(c): i for i, c in enumerate(code(lut))}
    assert len(index) == 256
    return np.vectorize(lambda c: index.get(int(c), -1))(code(img))


def tiles(sono, work):
    """256 chunks of 4 or 5 frames, chunk k at a level that magma shows
    as its entry k (a step of 1.002 entries, so that no level sits on an
    entry's edge); 9 rows, a linear spectrogram of n_fft 16."""
    grid, count, frames, rows = 16, 256, 1030, 9
    m = np.zeros((rows, frames), np.float32)
    for k in range(count):
        a, b = k * frames // count, (k + 1) * frames // count
        m[:, a:b] = -(255 - k) * 0.3125 * 1.002
    path = os.path.join(work, "chunks.npy")
    np.save(path, m)
    for curve in ("zorder", "hilbert"):
        out = os.path.join(work, "chunks-%s.png" % curve)
        run([sono, "render", path, "-o", out, "--from", "db", "--cmap", "magma",
             "--layout", curve])
        img = magma_index(np.asarray(Image.open(out).convert("RGB"), dtype=int))
        check(img.shape == (224, 224), "%s: 224 x 224 by default (%s)" % (curve, img.shape))
        level = {}
        uniform = True
        for y in range(grid):
            for x in range(grid):
                t = img[14 * y:14 * y + 14, 14 * x:14 * x + 14]
                uniform &= bool(np.all(t == t[0, 0]))
                level[(x, y)] = int(t[0, 0])
        check(uniform, "%s: every 14 x 14 tile is one chunk's level" % curve)
        values = sorted(level.values())
        check(values == list(range(count)), "%s: the 256 levels each once (%d distinct, "
              "%d..%d)" % (curve, len(set(values)), values[0], values[-1]))
        where = {v: c for c, v in level.items()}
        if len(where) != count:
            continue
        if curve == "zorder":
            wrong = [k for k in range(count) if where[k] != morton(k)]
            check(not wrong, "zorder: chunk k at the cell of k's Morton bits (%d wrong)"
                  % len(wrong))
        else:
            apart = [k for k in range(count - 1)
                     if abs(where[k][0] - where[k + 1][0]) + abs(where[k][1] - where[k + 1][1]) != 1]
            check(not apart, "hilbert: the cells of k and k + 1 share an edge for every k "
                  "(%d do not)" % len(apart))
            check(where[0] == (0, 0) and where[255] == (15, 0),
                  "hilbert: from the top left %s to the top right %s" % (where[0], where[255]))
            # Pixels: the edge column or row of tile k next to tile k + 1.
            touching = 0
            for k in range(count - 1):
                (x0, y0), (x1, y1) = where[k], where[k + 1]
                dx, dy = x1 - x0, y1 - y0
                if dx:
                    c0 = 14 * x0 + (13 if dx > 0 else 0)
                    a, b = img[14 * y0:14 * y0 + 14, c0], img[14 * y0:14 * y0 + 14, c0 + dx]
                else:
                    r0 = 14 * y0 + (13 if dy > 0 else 0)
                    a, b = img[r0, 14 * x0:14 * x0 + 14], img[r0 + dy, 14 * x0:14 * x0 + 14]
                touching += bool(np.all(a == k) and np.all(b == k + 1))
            check(touching == count - 1, "hilbert: %d of 255 tile edges of k touch the pixels "
                  "of k + 1" % touching)
    # A picture that is not square: cells of 12 or 13 columns, 7 rows.
    out = os.path.join(work, "chunks-200x112.png")
    run([sono, "render", path, "-o", out, "--from", "db", "--cmap", "magma",
         "--layout", "hilbert", "--size", "200x112"])
    img = magma_index(np.asarray(Image.open(out).convert("RGB"), dtype=int))
    levels = sorted(int(img[(7 * y), (x * 200 // 16)]) for y in range(16) for x in range(16))
    check(levels == list(range(count)), "hilbert at 200x112: each level once")


def clicks(sono, work):
    """Clicks every 0.5 s; hop 441 makes a beat exactly 25 frames, a row of
    4 beats 100 frames stretched to 224 columns (column j shows frame
    floor(j 100 / 224))."""
    n = int(7.9 * SR)
    x = np.zeros(n)
    x[::SR // 2] = 1.0
    path = os.path.join(work, "clicks.wav")
    soundfile.write(path, x, SR, subtype="FLOAT")
    out = os.path.join(work, "clicks-wrap.png")
    run([sono, "render", path, "-o", out, "--layout", "wrap", "--bpm", "120",
         "--beats-per-row", "4", "--hop", "441", "--cmap", "gray"])
    img = grey(out)
    frames = 1 + n // 441
    strips = -(-frames // 100)
    check(strips == 4, "clicks: %d frames, 4 rows of 100" % frames)
    loud = []
    for i in range(strips):
        band = img[i * 224 // strips:(i + 1) * 224 // strips]
        col = band.mean(axis=0)
        loud.append([int(np.argmax(col[56 * b:56 * b + 56])) + 56 * b for b in range(4)])
    want = [56 * b for b in range(4)]  # the first column of frame 25 b
    same = all(row == loud[0] for row in loud[:-1])
    check(same, "clicks: the loudest column of each beat is the same in every full row %s"
          % loud)
    near = all(0 <= loud[0][b] - want[b] <= 2 for b in range(4))
    check(near, "clicks: at the beats' columns %s (got %s)" % (want, loud[0]))
    # Without --bpm, the tempo `sono tempo` finds (the period of its lag:
    # the onset envelope's hop is 512 whatever the picture's).
    import json
    t = json.loads(run([sono, "tempo", path, "--json"]))
    bpm = 60.0 * t["sample_rate"] / (t["hop_length"] * t["lag_frames"])
    given = os.path.join(work, "clicks-wrap-given.png")
    est = os.path.join(work, "clicks-wrap-estimated.png")
    run([sono, "render", path, "-o", given, "--layout", "wrap", "--bpm", repr(bpm), "--hop", "441"])
    run([sono, "render", path, "-o", est, "--layout", "wrap", "--hop", "441"])
    diff = np.abs(rgb(given) - rgb(est)).max() * 255
    check(diff == 0, "clicks: without --bpm, the picture of --bpm %.4f, the estimated tempo "
          "(max diff %d)" % (bpm, diff))
    # The last row: 396 - 300 = 96 frames, so the last 4 frames' columns
    # (215..223) are the floor, black.
    last = img[3 * 56:4 * 56, 216:]
    check(int(last.max()) == 0, "clicks: past the end of the track the floor (max %d)"
          % last.max())


def centring(sono, work):
    """56 bands of distinct levels, 4 rows of 56 pixels: each row shows the
    bands centred, compared with the same .npy drawn one pixel per value."""
    rows, frames = 56, 1632  # n_fft 110, hop 27: a beat of 408.3 frames at 120 BPM
    levels = -(55 - np.arange(rows)) * 1.37
    m = np.repeat(levels[:, None], frames, axis=1).astype(np.float32)
    path = os.path.join(work, "bands.npy")
    np.save(path, m)
    plain = os.path.join(work, "bands-plain.png")
    run([sono, "render", path, "-o", plain, "--from", "db", "--cmap", "gray"])
    ref = grey(plain)[:, 0][::-1]  # ref[r]: band r's grey
    check(len(set(ref.tolist())) == rows, "centring: the 56 bands have distinct greys")
    out = os.path.join(work, "bands-wrap.png")
    run([sono, "render", path, "-o", out, "--from", "db", "--cmap", "gray",
         "--layout", "wrap", "--bpm", "120", "--beats-per-row", "1"])
    img = grey(out)
    # 1632 frames / 408.3 = 3.997 rows -> 4 rows of 56 pixels; the middle is
    # row 27 (the upper of 27 and 28).
    expect = np.zeros(rows, int)
    for k in range(rows):
        expect[27 - k // 2 if k % 2 == 0 else 27 + (k + 1) // 2] = ref[k]
    ok = all(np.all(img[56 * i:56 * i + 56, j] == expect) for i in range(3) for j in (0, 100, 223))
    check(ok, "centring: band 0 in each row's middle (grey %d at row 27: %d), band 1 below "
          "(%d: %d), band 2 above (%d: %d), the top bands at the edges"
          % (ref[0], img[27, 0], ref[1], img[28, 0], ref[2], img[26, 0]))


def hue_sat(img):
    """Per column, the hue and saturation (HLS) of the brightest pixel."""
    light = img.max(axis=2) + img.min(axis=2)
    rows = np.argmax(light, axis=0)
    out = []
    for j, r in enumerate(rows):
        h, _, s = colorsys.rgb_to_hls(*img[r, j])
        out.append((h, s))
    return np.array(out)


def colorgram(sono, work):
    dur = 5.0
    t = np.arange(int(dur * SR)) / SR
    f0, f1 = 200.0, 8000.0
    k = np.log(f1 / f0) / dur
    sweep = 0.5 * np.sin(2 * np.pi * f0 * (np.exp(k * t) - 1) / k)
    path = os.path.join(work, "sweep.wav")
    soundfile.write(path, sweep, SR, subtype="FLOAT")
    out = os.path.join(work, "sweep-colorgram.png")
    run([sono, "render", path, "-o", out, "--mode", "colorgram", "--layout", "timeline"])
    hs = hue_sat(rgb(out))
    hue = hs[3:-3, 0]  # the edge columns hold the padded first and last frames
    drops = np.diff(hue)
    check(drops.min() > -0.01, "colorgram: the hue of the sweep never falls by more than "
          "0.01 (worst %.4f)" % drops.min())
    # Column j spans frames [j F / 224, (j + 1) F / 224), frame f centred
    # at f * 512 samples; a tone's centroid is its frequency.
    frames = 1 + len(t) // 512
    centre = (np.arange(224) + 0.5) * frames / 224 * 512 / SR
    want = 0.75 * np.log(f0 * np.exp(k * centre) / 50) / np.log(SR / 2 / 50)
    err = np.abs(hs[:, 0] - want)[3:-3]
    check(err.max() < 0.02, "colorgram: hue follows the sweep's frequency from %.3f to %.3f "
          "(the centroid's %.3f to %.3f; worst off by %.4f)"
          % (hue[0], hue[-1], want[3], want[-4], err.max()))

    tone = os.path.join(work, "tone.wav")
    soundfile.write(tone, 0.5 * np.sin(2 * np.pi * 1000 * t), SR, subtype="FLOAT")
    noise = os.path.join(work, "noise.wav")
    soundfile.write(noise, np.random.default_rng(1).uniform(-0.5, 0.5, len(t)), SR,
                    subtype="FLOAT")
    sats = []
    for name in (tone, noise):
        o = name + ".png"
        run([sono, "render", name, "-o", o, "--mode", "colorgram", "--layout", "zorder",
             "--tiles", "8"])
        sats.append(float(np.median(hue_sat(rgb(o))[:, 1])))
    check(sats[0] > 0.9 and sats[1] < 0.6, "colorgram: saturation of a tone %.3f, of white "
          "noise %.3f" % tuple(sats))
    # The same features from a linear .npy of magnitudes as from the audio.
    npy = os.path.join(work, "sweep-mag.npy")
    run([sono, "stft", path, "-o", npy, "--magnitude"])
    o2 = os.path.join(work, "sweep-colorgram-npy.png")
    run([sono, "render", npy, "-o", o2, "--mode", "colorgram", "--layout", "timeline"])
    diff = np.abs(rgb(o2) - rgb(out)).max() * 255
    check(diff <= 1, "colorgram: a magnitude .npy gives the audio's picture (max diff %d)"
          % diff)
    # Mel bands: the features from a second pass over the audio.
    o3 = os.path.join(work, "sweep-colorgram-mel.png")
    run([sono, "render", path, "-o", o3, "--mode", "colorgram", "--scale", "mel",
         "--layout", "timeline"])
    hue3 = hue_sat(rgb(o3))[3:-3, 0]
    check(np.abs(hue3 - hue).max() < 0.02, "colorgram --scale mel: the same hues (max diff "
          "%.4f)" % np.abs(hue3 - hue).max())


def refusals(sono, data, work):
    clip = os.path.join(work, "clicks.wav")
    npy = os.path.join(work, "bands.npy")
    out = os.path.join(work, "refused.png")
    cases = [
        (["--layout", "wrap", "--bpm", "120", "--lossless"], "--layout"),
        (["--layout", "zorder", "--axes"], "--layout"),
        (["--layout", "spiral"], "--layout"),
        (["--beats-per-row", "4"], "--beats-per-row"),
        (["--layout", "zorder", "--bpm", "120"], "--bpm"),
        (["--layout", "wrap", "--tiles", "8", "--bpm", "120"], "--tiles"),
        (["--layout", "zorder", "--tiles", "12"], "--tiles"),
        (["--layout", "hilbert", "--tiles", "32", "--size", "16x16"], "--tiles"),
        (["--layout", "hilbert", "--tiles", "64"], clip),
        (["--layout", "wrap", "--bpm", "120", "--beats-per-row", "3"], "--beats-per-row"),
        (["--layout", "wrap", "--bpm", "120", "--beats-per-row", "1", "--size", "224x3"],
         "--beats-per-row"),
        (["--layout", "wrap", "--bpm", "0"], "--bpm"),
        (["--mode", "colorgram", "--cmap", "gray"], "--mode"),
        (["--mode", "colorgram", "--axes"], "--mode"),
        (["--mode", "rainbow"], "--mode"),
    ]
    npy_cases = [
        (["--layout", "wrap", "--from", "db"], "--bpm"),
        (["--mode", "colorgram", "--from", "db"], "--mode"),
    ]
    for args, subject in [(([clip] + a), s) for a, s in cases] + \
                         [(([npy] + a), s) for a, s in npy_cases]:
        if os.path.exists(out):
            os.unlink(out)
        r = subprocess.run([sono, "render"] + args + ["-o", out], capture_output=True, text=True)
        lines = r.stderr.strip().splitlines()
        ok = (r.returncode == 2 and len(lines) == 1 and subject in lines[0] and not r.stdout
              and not os.path.exists(out))
        check(ok, "refused: %s -> %d, %r" % (" ".join(args[1:]), r.returncode, r.stderr.strip()))


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    sono, data, work = sys.argv[1:]
    work = os.path.join(work, "layout_cli")
    os.makedirs(work, exist_ok=True)
    tiles(sono, work)
    clicks(sono, work)
    centring(sono, work)
    colorgram(sono, work)
    refusals(sono, data, work)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
