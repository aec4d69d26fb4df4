#!/usr/bin/python3
"""Check `sono embed` against scikit-learn's PCA and TSNE.

Usage: /usr/bin/python3 tests/reference/check_embed.py SONO_BINARY DATA_DIR WORKDIR [--keep]

The features are computed here, from `sono mel IN -o M.npy` (the 128-band mel
power spectrogram, bands x frames) and their definitions in docs/sono.1.md
(not from src/frame_features.c): mel-db = power_to_db(M, ref=np.max) with
amin 1e-10 and top_db 80; volume = M with each band divided by its sum over
time, then the same dB; log-weight = mel-db with band i (0-based) of n times
ln(n + 1 - i).  Frames are the rows.

PCA (`--method pca`): against sklearn.decomposition.PCA(n_components).
fit_transform on those features, for each kind of features and clip:
coordinates within 1e-4 of the largest, the same signs (sklearn's svd_flip),
and the order of the frames by the first component equal to the argsort of
sklearn's (frames whose coordinates sklearn puts within 1e-6 of the range of
each other may come in either order; the count of positions where the two
argsorts differ is printed).

t-SNE (`--method tsne --dims 1`, on speech.ogg with --n-fft 1024 --hop 512):
the same seed twice and 1 or 2 threads give identical files; consecutive
frames in its order are closer in feature space (mean Euclidean distance)
than in time order, and less than half as far apart as in a random order
(the mean of 5 random orders).  That needs frames that overlap by half, not
by three quarters as with the default hop: then neighbours in time share
most of their samples, and time order is closer than the t-SNE order, for
sklearn's as for sono's, on every clip here (speech: 74 dB against 84 and
86).  The KL divergence it
reports with --verbose is within 10 % of sklearn's
TSNE(n_components=1, perplexity=30, init='pca', random_state=0).kl_divergence_
on the same features (both are printed, and the exact KL of both embeddings
under one P, for reference).  `--dims 2` writes frames x 2, and the .png is an
800 x 800 RGB picture (read with PIL when it is installed).

Prints one line per check and "N passed, M failed"; exits 1 on a failure, 2
when sono cannot be run.  Files go to WORKDIR/embed-XXXXXX, removed on success
unless --keep.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

TIMEOUT = 300
PCA_TOLERANCE = 1e-4   # max |sono - sklearn| / max |sklearn|
TIE = 1e-6             # coordinates this close (relative to the range) are ties
KL_TOLERANCE = 0.10    # relative, sono's reported KL against sklearn's

passed = failed = 0


def report(ok, name, detail):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
    print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}")


def run(args):
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT)
    except OSError as e:
        print(f"check_embed.py: cannot run {args[0]}: {e}", file=sys.stderr)
        sys.exit(2)


def sono(binary, *args):
    r = run([binary] + list(args))
    if r.returncode != 0:
        raise RuntimeError(f"sono {' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
    return r.stdout


def power_to_db_max(m):
    db = 10.0 * np.log10(np.maximum(m, 1e-10)) - 10.0 * np.log10(max(m.max(), 1e-10))
    return np.maximum(db, db.max() - 80.0)


def features(mel, kind):
    """frames x bands features from a bands x frames mel power matrix."""
    m = mel.astype(np.float64)
    if kind == "mel-db":
        f = power_to_db_max(m)
    elif kind == "volume":
        f = power_to_db_max(m / m.sum(axis=1, keepdims=True))
    elif kind == "log-weight":
        n = m.shape[0]
        f = power_to_db_max(m) * np.log(n + 1.0 - np.arange(n))[:, None]
    else:
        raise ValueError(kind)
    return np.ascontiguousarray(f.T)


def check_pca(binary, work, clip, kind, dims):
    from sklearn.decomposition import PCA
    name = f"pca {os.path.basename(clip)} --features {kind} --dims {dims}"
    mel_path = os.path.join(work, "mel.npy")
    out = os.path.join(work, "pca.npy")
    sono(binary, "mel", clip, "-o", mel_path)
    sono(binary, "embed", clip, "-o", out, "--method", "pca", "--dims", str(dims),
         "--features", kind)
    x = features(np.load(mel_path), kind)
    ref = PCA(n_components=dims).fit_transform(x)
    got = np.load(out)
    if got.shape != ref.shape or got.dtype != np.float32:
        report(False, name, f"shape {got.shape} {got.dtype}, expected {ref.shape} float32")
        return
    scale = np.abs(ref).max()
    err = np.abs(got - ref).max() / scale
    flipped = np.abs(got + ref).max() / scale
    report(err <= PCA_TOLERANCE, name,
           f"{x.shape[0]} frames, max error {err:.2e} of the largest coordinate"
           + (f" (sign flipped: {flipped:.2e})" if flipped < err else ""))
    # The order by the first component.
    ours = np.argsort(got[:, 0], kind="stable")
    theirs = np.argsort(ref[:, 0], kind="stable")
    along = got[theirs, 0].astype(np.float64)
    span = ref[:, 0].max() - ref[:, 0].min()
    drops = np.diff(along)
    worst = -drops.min() / span if len(drops) else 0.0
    differ = int((ours != theirs).sum())
    report(worst <= TIE, name + " order",
           f"argsort equal to sklearn's at {len(ours) - differ} of {len(ours)} positions; "
           f"sono's coordinates along sklearn's order fall back by at most "
           f"{max(worst, 0):.1e} of the range")


def exact_kl(x, y):
    """KL(P || Q) with sklearn's P of x (perplexity 30) and the exact Q of y."""
    from sklearn.manifold._t_sne import _joint_probabilities_nn
    from sklearn.neighbors import NearestNeighbors
    n = x.shape[0]
    k = min(n - 1, int(3.0 * 30 + 1))
    d = NearestNeighbors(n_neighbors=k).fit(x).kneighbors_graph(mode="distance")
    d.data **= 2
    p = _joint_probabilities_nn(d, 30, 0).tocoo()
    y = y.astype(np.float64).reshape(n, -1)
    d2 = ((y[:, None, :] - y[None, :, :]) ** 2).sum(-1)
    z = (1.0 / (1.0 + d2)).sum() - n
    q = 1.0 / (1.0 + ((y[p.row] - y[p.col]) ** 2).sum(-1)) / z
    tiny = np.finfo(np.float32).tiny
    return float((p.data * np.log(np.maximum(p.data, tiny) / np.maximum(q, tiny))).sum())


def mean_step(x, order):
    return float(np.linalg.norm(np.diff(x[order], axis=0), axis=1).mean())


TSNE_STFT = ["--n-fft", "1024", "--hop", "512"]


def check_tsne(binary, work, clip):
    from sklearn.manifold import TSNE
    base = os.path.basename(clip)
    mel_path = os.path.join(work, "mel.npy")
    sono(binary, "mel", clip, "-o", mel_path, *TSNE_STFT)
    x = features(np.load(mel_path), "mel-db").astype(np.float32)
    n = x.shape[0]

    outs = {}
    kl = None
    for tag, extra in (("a", ["--seed", "0", "--threads", "2", "--verbose"]),
                       ("b", ["--seed", "0", "--threads", "2"]),
                       ("c", ["--seed", "0", "--threads", "1"])):
        outs[tag] = os.path.join(work, f"tsne_{tag}.npy")
        text = sono(binary, "embed", clip, "-o", outs[tag], "--method", "tsne",
                    *TSNE_STFT, *extra)
        if tag == "a":
            m = re.search(r"KL divergence ([0-9.]+)", text)
            kl = float(m.group(1)) if m else None
    data = {t: open(p, "rb").read() for t, p in outs.items()}
    report(data["a"] == data["b"], f"tsne {base} same seed twice", "identical files"
           if data["a"] == data["b"] else "files differ")
    report(data["a"] == data["c"], f"tsne {base} 1 vs 2 threads", "identical files"
           if data["a"] == data["c"] else "files differ")

    y = np.load(outs["a"])
    if y.shape != (n, 1):
        report(False, f"tsne {base} shape", f"{y.shape}, expected ({n}, 1)")
        return
    order = np.argsort(y[:, 0], kind="stable")
    t_step = mean_step(x, order)
    time_step = mean_step(x, np.arange(n))
    rng = np.random.default_rng(0)
    random_step = float(np.mean([mean_step(x, rng.permutation(n)) for _ in range(5)]))
    ts = TSNE(n_components=1, perplexity=30, init="pca", random_state=0)
    ys = ts.fit_transform(x)
    sk_step = mean_step(x, np.argsort(ys[:, 0], kind="stable"))
    report(t_step < time_step and t_step < 0.5 * random_step, f"tsne {base} neighbours",
           f"{n} frames, mean distance between consecutive frames: t-SNE order "
           f"{t_step:.2f} dB (sklearn's {sk_step:.2f}), time order {time_step:.2f}, "
           f"random order {random_step:.2f}")

    ref = float(ts.kl_divergence_)
    ok = kl is not None and abs(kl - ref) <= KL_TOLERANCE * ref
    report(ok, f"tsne {base} KL divergence",
           f"sono reports {kl}, sklearn {ref:.6f} ({(kl - ref) / ref * 100 if kl else 0:+.1f} %); "
           f"exact under sklearn's P: sono {exact_kl(x, y):.6f}, sklearn {exact_kl(x, ys):.6f}")

    out2 = os.path.join(work, "tsne2.npy")
    sono(binary, "embed", clip, "-o", out2, "--method", "tsne", "--dims", "2", *TSNE_STFT)
    y2 = np.load(out2)
    report(y2.shape == (n, 2) and np.isfinite(y2).all(), f"tsne {base} --dims 2",
           f"shape {y2.shape}")
    png = os.path.join(work, "tsne2.png")
    sono(binary, "embed", clip, "-o", png, "--method", "tsne", "--dims", "2", *TSNE_STFT)
    try:
        from PIL import Image
        im = Image.open(png)
        ok = im.size == (800, 800) and im.mode == "RGB"
        colours = len(set(im.getdata()))
        report(ok and colours > 50, f"tsne {base} --dims 2 PNG",
               f"{im.size[0]}x{im.size[1]} {im.mode}, {colours} colours")
    except ImportError:
        head = open(png, "rb").read(8)
        report(head == b"\x89PNG\r\n\x1a\n", f"tsne {base} --dims 2 PNG", "a PNG signature")


def main():
    if len(sys.argv) not in (4, 5) or (len(sys.argv) == 5 and sys.argv[4] != "--keep"):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        sys.exit(2)
    binary, data, workdir = sys.argv[1:4]
    work = tempfile.mkdtemp(prefix="embed-", dir=workdir)
    try:
        for clip in ("speech.ogg", "trumpet.ogg"):
            for kind in ("mel-db", "volume", "log-weight"):
                check_pca(binary, work, os.path.join(data, clip), kind, 1)
        check_pca(binary, work, os.path.join(data, "speech.ogg"), "mel-db", 2)
        check_tsne(binary, work, os.path.join(data, "speech.ogg"))
    except RuntimeError as e:
        report(False, "run", str(e))
    print(f"{passed} passed, {failed} failed")
    if failed == 0 and len(sys.argv) == 4:
        shutil.rmtree(work)
    elif failed:
        print(f"check_embed.py: files kept in {work}", file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
