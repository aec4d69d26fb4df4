#!/usr/bin/env python3
# Seed corpora for sono's fuzz targets, made from the test data into
# OUT/TARGET (never into the source tree):
#   audio  the clips of tests/data cut to their first 16 kB, and 0.05 s
#          stereo files in every format and encoding soundfile can write
#   image  tests/hostile/images, tests/data/chelsea.jpg, small JPEGs cut from
#          it (baseline, progressive, grey, subsampled; with PIL), and lossless
#          spectrogram PNGs (linear with phase, mel, log) as sono writes them
#   npy    the small tests/golden/*.npy, and matrices in every dtype, byte
#          order, layout and header version sono reads (with numpy)
#   cli    command lines for every subcommand on fuzz_cli.c's fixtures, and
#          OUT/cli.dict: every option, value and command name in cli/*.c
# numpy, soundfile and PIL are optional: without them those seeds are left out.
# usage: make_seeds.py ROOT OUT
# SPDX-License-Identifier: GPL-3.0-or-later
import io
import os
import re
import shutil
import struct
import sys
import zlib

root, out = sys.argv[1], sys.argv[2]
data = os.path.join(root, "tests", "data")


def put(target, name, content):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(content)


def read(path, limit=None):
    with open(path, "rb") as f:
        return f.read(limit) if limit else f.read()


try:
    import numpy as np
except ImportError:
    np = None

# ---- audio ----
for name in sorted(os.listdir(data)):
    if name.endswith((".ogg", ".mp3", ".flac", ".wav")):
        put("audio", "cut16k_" + name, read(os.path.join(data, name), 16384))
try:
    import soundfile as sf
except ImportError:
    sf = None
if sf is not None and np is not None:
    t = np.arange(1102) / 22050.0
    x = np.stack([0.5 * np.sin(2 * np.pi * 440 * t),
                  0.3 * np.sin(2 * np.pi * 1000 * t)], axis=1)
    for fmt in sorted(sf.available_formats()):
        for sub in sorted(sf.available_subtypes(fmt)):
            if not sf.check_format(fmt, sub):
                continue
            buf = io.BytesIO()
            try:
                sf.write(buf, x, 22050, format=fmt, subtype=sub)
            except Exception:
                continue
            content = buf.getvalue()
            if 0 < len(content) <= 32768:
                put("audio", "%s_%s" % (fmt.lower(), sub.lower()), content)
    # one channel, and an odd rate
    buf = io.BytesIO()
    sf.write(buf, x[:300, 0], 11025, format="WAV", subtype="PCM_16")
    put("audio", "wav_mono_11025", buf.getvalue())

# ---- image ----
hostile = os.path.join(root, "tests", "hostile", "images")
for name in sorted(os.listdir(hostile)):
    put("image", name, read(os.path.join(hostile, name)))
put("image", "chelsea.jpg", read(os.path.join(data, "chelsea.jpg")))
try:
    from PIL import Image
    cat = Image.open(os.path.join(data, "chelsea.jpg")).convert("RGB")
    small = cat.resize((40, 27))
    for label, img, kw in [
            ("baseline", small, {}),
            ("progressive", small, {"progressive": True}),
            ("grey", small.convert("L"), {}),
            ("444", small, {"subsampling": 0}),
            ("422", small, {"subsampling": 1}),
            ("optimized", small, {"optimize": True}),
            ("restart", small, {"quality": 30})]:
        buf = io.BytesIO()
        img.save(buf, "JPEG", **kw)
        put("image", "pil_%s.jpg" % label, buf.getvalue())
    for label, img in [("rgb8", small), ("grey8", small.convert("L")),
                       ("palette", small.convert("P")), ("rgba8", small.convert("RGBA")),
                       ("bilevel", small.convert("1"))]:
        buf = io.BytesIO()
        img.save(buf, "PNG")
        put("image", "pil_%s.png" % label, buf.getvalue())
except ImportError:
    pass


def png(width, height, color_type, samples, text):
    """A 16-bit PNG of the given samples (row-major, interleaved)."""
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))
    ch = {0: 1, 4: 2}[color_type]
    raw = b""
    for y in range(height):
        row = samples[y * width * ch:(y + 1) * width * ch]
        raw += b"\0" + b"".join(struct.pack(">H", v) for v in row)
    s = b"\x89PNG\r\n\x1a\n"
    s += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 16, color_type, 0, 0, 0))
    for k, v in text:
        s += chunk(b"tEXt", k.encode() + b"\0" + v.encode())
    s += chunk(b"IDAT", zlib.compress(raw))
    return s + chunk(b"IEND", b"")


def spec_text(scale, extra, phase, n_fft=64):
    t = [("Software", "sono 0.1.0"), ("sono:format", "1"),
         ("sono:sample_rate", "8000"), ("sono:n_fft", str(n_fft)),
         ("sono:hop_length", str(n_fft // 4)), ("sono:win_length", str(n_fft)),
         ("sono:window", "hann"), ("sono:center", "true"),
         ("sono:pad_mode", "constant"), ("sono:length", "400"),
         ("sono:scale", scale)]
    t += extra
    t += [("sono:power", "1"), ("sono:ref", "1"), ("sono:db_min", "-120"),
          ("sono:db_max", "0"), ("sono:phase", "alpha" if phase else "none")]
    return t


frames = 8
put("image", "spec_linear_phase.png",
    png(frames, 33, 4, [(i * 7919) & 0xffff for i in range(frames * 33 * 2)],
        spec_text("linear", [], True)))
put("image", "spec_linear.png",
    png(frames, 33, 0, [(i * 7919) & 0xffff for i in range(frames * 33)],
        spec_text("linear", [], False)))
put("image", "spec_mel.png",
    png(frames, 12, 0, [(i * 4099) & 0xffff for i in range(frames * 12)],
        spec_text("mel", [("sono:n_mels", "12"), ("sono:fmin", "0"),
                          ("sono:fmax", "4000"), ("sono:htk", "false"),
                          ("sono:mel_norm", "slaney")], False)))
put("image", "spec_log.png",
    png(frames, 9, 0, [(i * 4099) & 0xffff for i in range(frames * 9)],
        spec_text("log", [("sono:fmin", "200"), ("sono:fmax", "4000"),
                          ("sono:bins_per_octave", "2")], False)))

# ---- npy ----
golden = os.path.join(root, "tests", "golden")
for name in sorted(os.listdir(golden)):
    if name.endswith(".npy") and os.path.getsize(os.path.join(golden, name)) <= 65536:
        put("npy", name, read(os.path.join(golden, name)))
if np is not None:
    def save(name, a, version=None):
        buf = io.BytesIO()
        if version is None:
            np.save(buf, a)
        else:
            np.lib.format.write_array(buf, a, version=version)
        put("npy", name, buf.getvalue())
    m = (np.arange(35, dtype=np.float64).reshape(5, 7) / 7.0)
    for dt in ["<f4", ">f4", "<f8", ">f8"]:
        save("m_%s.npy" % dt[1:] + ("_be" if dt[0] == ">" else ""), m.astype(dt))
    c = m + 1j * m[::-1]
    for dt in ["<c8", ">c8", "<c16", ">c16"]:
        save("c_%s.npy" % dt[1:] + ("_be" if dt[0] == ">" else ""), c.astype(dt))
    save("fortran_f4.npy", np.asfortranarray(m.astype("<f4")))
    save("fortran_c8.npy", np.asfortranarray(c.astype("<c8")))
    save("fortran_3d.npy", np.asfortranarray(np.arange(24, dtype="<f4").reshape(2, 3, 4)))
    save("v2.npy", m.astype("<f4"), (2, 0))
    save("v3.npy", m.astype("<f4"), (3, 0))
    save("vector.npy", np.arange(9, dtype="<f4"))
    save("scalar.npy", np.array(1.5, dtype="<f4"))
    save("empty.npy", np.zeros((0, 5), dtype="<f4"))
    save("one_column.npy", np.ones((9, 1), dtype="<c8"))
    save("int16.npy", np.arange(6, dtype="<i2").reshape(2, 3))

# ---- cli ----
lines = [
    "info a.wav", "info --json s.flac", "info m.npy", "info --json c.npy",
    "stft a.wav -o x.npy --n-fft 64", "stft s.flac -o x.npy --magnitude --channel 1",
    "stft a.wav -o x.npy --db --ref max --top-db 60 --n-fft 128 --hop 32 --window hamming",
    "stft a.wav -o x.npy --power --sr 4000 --offset 0.01 --duration 0.05 --no-center",
    "istft c.npy -o y.wav --sr 8000", "istft c.npy -o y.flac --sr 8000 --length 300 --pcm 16",
    "filter a.wav -o y.wav --lowpass 1000", "filter s.flac -o y.flac --bandpass 300 3400 --order 3",
    "filter a.wav -o y.wav --highpass 100 --pcm 24",
    "mel a.wav -o x.npy --n-fft 256 --n-mels 16", "mel s.flac -o x.npy --db --htk --fmax 5000 --n-mels 20",
    "logfreq a.wav -o x.npy --n-fft 256 --fmin 100 --bins-per-octave 6",
    "cqt a.wav -o x.npy --bins 24 --hop 64", "cqt s.flac -o x.npy --magnitude --fmin 100 --bins 12 --hop 33",
    "icqt c.npy -o y.wav --sr 8000 --fmin 100 --bins-per-octave 24 --hop 16 --length 100",
    "render a.wav -o x.png --scale cqt --bins 24 --hop 128 --axes",
    "mfcc a.wav -o x.npy --n-fft 256 --n-mels 16 --n-mfcc 8 --lifter 22",
    "render a.wav -o x.png --n-fft 128 --scale log --size 40x30 --axes",
    "render a.wav -o x.png --lossless --phase --n-fft 128", "render m.npy -o x.png --from magnitude --cmap gray",
    "render a.wav -o x.png --scale mel --n-mels 16 --n-fft 256",
    "invert m.npy -o y.wav --sr 8000 --iters 2", "invert l.png -o y.wav",
    "invert f.npy -o y.wav --from mfcc --n-mels 16 --n-fft 128 --sr 8000 --iters 1",
    "invert n.npy -o y.wav --from mel --n-mels 16 --n-fft 128 --sr 8000 --method pghi",
    "invert m.npy -o y.npy --method fgla --momentum 0.9 --iters 3 --init random --seed 3",
    "waveform a.wav -o x.png --size 50x20", "histogram s.flac -o x.png --frames 10 --bins 8",
    "image2sound p.png -o y.wav --sr 8000 --duration 0.1 --n-fft 64",
    "image2sound j.jpg -o y.wav --sr 8000 --scale mel --fmin 50 --iters 2 --n-fft 64",
    "image-svd p.png -o x.png --rank 2", "image-svd j.jpg -o x.png --rank 1",
    "embed a.wav -o x.npy --method pca --n-fft 64 --hop 16",
    "embed a.wav -o x.png --method tsne --perplexity 2 --iters 250 --n-fft 64 --hop 32 --dims 2",
    "transform a.wav -o y.wav --n-fft 64 reverse-time zero-phase",
    "transform a.wav -o y.wav --n-fft 64 shuffle-time --seed 2 svd 2 bandpass 100 2000",
    "transform s.flac -o y.wav --n-fft 64 reorder pca grain-walk checkerboard conjugate",
    "features a.wav -o x.npy --kind onset --n-fft 256 --lag 2 --max-size 3",
    "features s.flac -o x.npy --kind rolloff --roll-percent 0.5 --n-fft 128 --hop 64",
    "tempo a.wav --json --n-fft 256 --hop 64", "tempo s.flac --method librosa --ac-size 2 --max-tempo 200",
    "similarity a.wav -o x.npy --n-fft 256 --n-mels 16 --n-mfcc 8 --max-frames 10",
    "similarity a.wav -o x.png --features mel --raw --size 20x20 --n-fft 128 --n-mels 16",
    "--help", "--version", "stft --help", "invert --help", "transform --help",
]
for i, line in enumerate(lines):
    put("cli", "line%02d" % i, ("\n".join(line.split()) + "\n").encode())

words = set()
for name in sorted(os.listdir(os.path.join(root, "cli"))):
    if name.endswith(".c"):
        text = read(os.path.join(root, "cli", name)).decode("utf-8", "replace")
        words.update(re.findall(r'"(-{0,2}[a-z][a-z0-9+_-]{0,24})"', text))
words.update(["a.wav", "s.flac", "m.npy", "c.npy", "f.npy", "n.npy", "l.png",
              "p.png", "j.jpg", "-o", "x.npy", "y.wav", "x.png", "y.flac"])
with open(os.path.join(out, "cli.dict"), "w") as f:
    for w in sorted(words):
        f.write('"%s"\n' % w)
