#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""sono's 1-D t-SNE against scikit-learn's on 10,000 frames of a 128-band mel
spectrogram in dB: time and KL divergence side by side.

usage: python3 bench/tsne.py SONO [--frames 10000] [--threads 2] [--no-sklearn]
                                  [--workdir DIR]

The frames come from bench/data/brahms.ogg and humpback.ogg, mixed to mono
at 22,050 Hz and concatenated (110.7 s); the hop is chosen so that the mel
spectrogram has the requested number of frames (243 for 10,000).  Looping
one clip instead would give every frame exact duplicates, which is not what
music looks like to t-SNE.

sono runs `sono embed IN --method tsne --dims 1 --verbose --threads N`; the
time is the t-SNE alone, as sono reports it (the whole command, with
decoding and the mel spectrogram, is shown too).  scikit-learn runs
TSNE(n_components=1, perplexity=30, init='pca', method='barnes_hut',
random_state=0) (learning_rate='auto', scikit-learn 1.2's defaults) on the
same features, computed here from `sono mel` with power_to_db(S, ref=np.max)
as `sono embed --features mel-db` does.

Each reports its own KL divergence, and they are not computed alike:
scikit-learn's normalisation Z comes from its Barnes-Hut tree, sono's from
its interpolation (within 1e-5 of exact).  So the table also gives the
exact KL divergence of both embeddings under one P (scikit-learn's, from
its own neighbour search and binary search) with Z summed over all pairs.
Not a test: scikit-learn takes from a quarter of a minute to a minute.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import soundfile as sf

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")


def concatenated(path):
    """brahms + humpback, mixed to mono, written to path as one float WAV at
    their common rate (sono resamples it); returns (samples, rate)."""
    ys, rates = [], set()
    for name in ("brahms.ogg", "humpback.ogg"):
        y, sr = sf.read(os.path.join(DATA, name), dtype="float32", always_2d=True)
        ys.append(y.mean(axis=1))
        rates.add(sr)
    assert len(rates) == 1, rates
    rate = rates.pop()
    y = np.concatenate(ys)
    sf.write(path, y, rate, subtype="FLOAT")
    return len(y), rate


def mel_db_features(mel_path):
    m = np.load(mel_path).astype(np.float64)  # n_mels x frames, power
    db = 10.0 * np.log10(np.maximum(m, 1e-10)) - 10.0 * np.log10(max(m.max(), 1e-10))
    db = np.maximum(db, db.max() - 80.0)
    return np.ascontiguousarray(db.T.astype(np.float32))


def exact_kl(x, y):
    """KL(P || Q) for scikit-learn's P of x (perplexity 30) and the exact Q
    of the embedding y, Z summed over all pairs in blocks."""
    from sklearn.manifold._t_sne import _joint_probabilities_nn
    from sklearn.neighbors import NearestNeighbors
    n = x.shape[0]
    k = min(n - 1, int(3.0 * 30 + 1))
    d = NearestNeighbors(n_neighbors=k).fit(x).kneighbors_graph(mode="distance")
    d.data **= 2
    p = _joint_probabilities_nn(d, 30, 0).tocoo()
    y = y.astype(np.float64).reshape(n, -1)
    z = 0.0
    for s in range(0, n, 500):
        d2 = ((y[s:s + 500, None, :] - y[None, :, :]) ** 2).sum(-1)
        z += (1.0 / (1.0 + d2)).sum() - min(500, n - s)
    q = 1.0 / (1.0 + ((y[p.row] - y[p.col]) ** 2).sum(-1)) / z
    tiny = np.finfo(np.float32).tiny
    return float((p.data * np.log(np.maximum(p.data, tiny) / np.maximum(q, tiny))).sum())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sono")
    ap.add_argument("--frames", type=int, default=10000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-sklearn", action="store_true")
    ap.add_argument("--workdir", default=None)
    a = ap.parse_args()

    work = a.workdir or tempfile.mkdtemp(prefix="sono-bench-tsne-")
    wav = os.path.join(work, "brahms+humpback.wav")
    n, rate = concatenated(wav)
    sr = 22050
    samples = int(np.ceil(n * sr / rate))
    # centred frames: 1 + samples // hop
    hop = samples // (a.frames - 1)
    while 1 + samples // hop > a.frames:
        hop += 1
    common = [wav, "--sr", str(sr), "--hop", str(hop)]

    mel = os.path.join(work, "mel.npy")
    subprocess.run([a.sono, "mel"] + common + ["-o", mel], check=True)
    x = mel_db_features(mel)
    print(f"features: {x.shape[0]} frames x {x.shape[1]} mel bands (dB), hop {hop} at {sr} Hz")

    out = os.path.join(work, "sono_tsne.npy")
    t0 = time.time()
    r = subprocess.run([a.sono, "embed"] + common +
                       ["-o", out, "--method", "tsne", "--dims", "1", "--verbose",
                        "--threads", str(a.threads)],
                       check=True, capture_output=True, text=True)
    whole = time.time() - t0
    m = re.search(r"KL divergence ([0-9.]+) \(([0-9.]+) s\)", r.stdout)
    if not m:
        sys.exit("cannot read sono's report: " + r.stdout + r.stderr)
    sono_kl, sono_t = float(m.group(1)), float(m.group(2))
    y = np.load(out)
    assert y.shape == (x.shape[0], 1), y.shape

    rows = [("sono (FFT-interpolated t-SNE, %d threads)" % a.threads, sono_t, sono_kl,
             None if a.no_sklearn else exact_kl(x, y), "whole command %.2f s" % whole)]
    if not a.no_sklearn:
        import sklearn
        from sklearn.manifold import TSNE
        os.environ.setdefault("OMP_NUM_THREADS", str(a.threads))
        t0 = time.time()
        ts = TSNE(n_components=1, perplexity=30, init="pca", method="barnes_hut",
                  random_state=0)
        ys = ts.fit_transform(x)
        took = time.time() - t0
        rows.append(("scikit-learn %s TSNE(barnes_hut)" % sklearn.__version__,
                     took, float(ts.kl_divergence_), exact_kl(x, ys), ""))

    print()
    print(f"{'':44s} {'time (s)':>9s} {'KL':>9s} {'exact KL':>9s}")
    for name, t, kl, ekl, note in rows:
        e = f"{ekl:9.4f}" if ekl is not None else f"{'':9s}"
        print(f"{name:44s} {t:9.2f} {kl:9.4f} {e}  {note}")


if __name__ == "__main__":
    main()
