#!/usr/bin/python3
"""`sono similarity` end to end.

usage: similarity_cli.py SONO DATA_DIR WORKDIR

- the .npy against numpy: librosa's MFCCs (the numpy model) or dB mel bands, averaged
  in groups of ceil(frames / max_frames), standardised, cosine of every pair;
- structure: A B A (a chord, noise, the chord again) gives the A blocks similar to each
  other and unlike B;
- the picture: its size, frame 0 at the bottom left (the bright diagonal rising);
- refusals with one line on stderr.
"""
import os
import subprocess
import sys

import numpy as np
import soundfile as sf
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "reference"))
import librosa_model as lm  # noqa: E402
from checks import check, summary  # noqa: E402


def reference(feat, max_frames, standardize=True):
    n = feat.shape[1]
    group = -(-n // max_frames)
    rows = -(-n // group)
    g = np.stack([feat[:, i * group:(i + 1) * group].astype(np.float64).mean(axis=1)
                  for i in range(rows)])
    if standardize:
        sd = g.std(axis=0)
        g = np.where(sd > 0, (g - g.mean(axis=0)) / np.where(sd > 0, sd, 1), 0.0)
    norm = np.linalg.norm(g, axis=1, keepdims=True)
    g = np.where(norm > 0, g / np.where(norm > 0, norm, 1), 0.0)
    return np.clip(g @ g.T, -1, 1)


def npy_vs_numpy(sono, data, work):
    out = os.path.join(work, "ssm.npy")
    for clip, args, feat_fn, max_frames, std in [
        ("trumpet.ogg", [], lambda y, sr: lm.mfcc(y, sr), 2048, True),
        ("speech.ogg", ["--max-frames", "50"], lambda y, sr: lm.mfcc(y, sr), 50, True),
        ("trumpet.ogg", ["--features", "mel", "--raw", "--max-frames", "100"],
         lambda y, sr: lm.power_to_db(lm.melspectrogram(y, sr)), 100, False),
        ("robin.ogg", ["--n-mfcc", "13", "--hop", "256"],
         lambda y, sr: lm.mfcc(y, sr, n_mfcc=13, hop_length=256), 2048, True),
    ]:
        path = os.path.join(data, clip)
        r = subprocess.run([sono, "similarity", path, "-o", out, *args], capture_output=True,
                           text=True)
        if not check(r.returncode == 0, f"{clip} {' '.join(args)}: runs ({r.stderr.strip()})"):
            continue
        y, sr = lm.load(path)
        want = reference(feat_fn(y, sr), max_frames, std)
        got = np.load(out)
        err = np.max(np.abs(got - want)) if got.shape == want.shape else np.inf
        check(err < 2e-3 and np.allclose(got, got.T),
              f"{clip} {' '.join(args) or '(defaults)'}: shape {got.shape}, "
              f"max |sono - numpy| {err:.2e}")


def structure(sono, work):
    sr = 22050
    t = np.arange(2 * sr) / sr
    chord = sum(0.2 * np.sin(2 * np.pi * f * t) for f in (220, 277, 330))
    noise = 0.2 * np.random.default_rng(3).standard_normal(2 * sr)
    y = np.concatenate([chord, noise, chord]).astype(np.float32)
    wav = os.path.join(work, "ssm-aba.wav")
    sf.write(wav, y, sr, subtype="FLOAT")
    out = os.path.join(work, "ssm-aba.npy")
    subprocess.run([sono, "similarity", wav, "-o", out], check=True)
    s = np.load(out)
    n = s.shape[0]
    third = n // 3
    a1 = slice(5, third - 5)
    b = slice(third + 5, 2 * third - 5)
    a2 = slice(2 * third + 5, n - 5)
    aa, ab = s[a1, a2].mean(), s[a1, b].mean()
    check(aa > 0.8 and ab < 0.2, f"A B A: A with A {aa:.2f}, A with B {ab:.2f}")

    png = os.path.join(work, "ssm-aba.png")
    subprocess.run([sono, "similarity", wav, "-o", png, "--size", "96x96", "--cmap", "gray"],
                   check=True)
    im = np.asarray(Image.open(png).convert("L"), dtype=float)
    check(im.shape == (96, 96), f"picture size {im.shape}")
    diag = np.mean([im[95 - i, i] for i in range(96)])
    anti = np.mean([im[i, i] for i in range(40, 56)])  # the A1-A2 corner region's far side
    # frame 0 at the bottom left: the rising diagonal is white (similarity 1)
    check(diag > 240, f"rising diagonal {diag:.0f} of 255")
    # bottom-left block (A1 x A1) bright, the block A1 x B (bottom middle) dark
    check(im[80, 16] > 200 and im[80, 48] < 150,
          f"blocks: A1xA1 {im[80, 16]:.0f}, A1xB {im[80, 48]:.0f} (falling diagonal {anti:.0f})")


def refusals(sono, data, work):
    path = os.path.join(data, "trumpet.ogg")
    cases = [
        (["-o", os.path.join(work, "x.txt")], "x.txt"),
        (["-o", os.path.join(work, "x.npy"), "--size", "10x10"], "--size"),
        (["-o", os.path.join(work, "x.npy"), "--features", "mel", "--n-mfcc", "5"], "--n-mfcc"),
        (["-o", os.path.join(work, "x.npy"), "--max-frames", "0"], "--max-frames"),
        (["-o", os.path.join(work, "x.npy"), "--features", "chroma"], "--features"),
        (["-o", os.path.join(work, "x.npy"), "--n-mfcc", "200"], "--n-mfcc"),
    ]
    for args, name in cases:
        r = subprocess.run([sono, "similarity", path, *args], capture_output=True, text=True)
        lines = r.stderr.strip().splitlines()
        check(r.returncode == 2 and len(lines) == 1 and name in lines[0],
              f"refuses {' '.join(args[2:]) or args[1]}: status {r.returncode}, {lines}")
        check(not os.path.exists(args[1]), f"nothing written for {args[1]}")


def main():
    sono, data, work = sys.argv[1:4]
    npy_vs_numpy(sono, data, work)
    structure(sono, work)
    refusals(sono, data, work)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
