#!/usr/bin/python3
"""`sono features`, `sono mel --weighting a` and `sono render --weighting a` against
features_model.py, the numpy model of librosa 0.10.2's definitions.

usage: check_features.py SONO GOLDEN_DIR DATA_DIR BENCH_DATA_DIR WORKDIR

First the model reproduces librosa's golden outputs for these features (so that it can
stand in for librosa), then the CLI is compared with the model on other clips and
parameters: every kind on speech (16 kHz), cat, robin and trumpet, with other FFT sizes,
hops, windows, centring and padding, roll percents, lags, maximum filters and mel
options; rms and zcr (which have no golden file) also on made-up signals: 5 samples
padded by reflection many times over, and zeros, -0, values either side of zcr's 1e-10
threshold and runs of one sign. Prints a line per check and 'N passed, M failed'.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import soundfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "cli"))
import features_model as fm  # noqa: E402
import librosa_model as lm  # noqa: E402
from checks import check, summary  # noqa: E402

REL = ("rel", 1e-4)      # max |a - b| / max |b|
REL3 = ("rel", 1e-3)
EXACT = ("abs", 1e-7)    # zcr: every crossing counted alike
DB = ("db", 0.01)        # max |a - b| in dB where b is above max(b) - 80


def measure(kind, ours, ref):
    ours = ours.astype(np.float64)
    ref = ref.astype(np.float64)
    if kind == "rel":
        return float(np.max(np.abs(ours - ref)) / np.max(np.abs(ref)))
    if kind == "abs":
        return float(np.max(np.abs(ours - ref)))
    mask = ref > ref.max() - 80.0
    return float(np.max(np.abs(ours - ref)[mask]))


def golden_model(golden, data, bench):
    """The model against librosa's own outputs."""
    manifest = {c["name"]: c for c in json.load(open(os.path.join(golden, "manifest.json")))["cases"]}
    mel24 = lambda y, sr: lm.mel_filters(sr, 2048, n_mels=24, fmin=50.0, fmax=8000.0)  # noqa: E731
    cases = {
        "centroid_trumpet": lambda y, sr: fm.spectral_centroid(y, sr),
        "bandwidth_trumpet": lambda y, sr: fm.spectral_bandwidth(y, sr),
        "rolloff_trumpet": lambda y, sr: fm.spectral_rolloff(y, sr),
        "flatness_trumpet": lambda y, sr: fm.spectral_flatness(y),
        "onset_strength_brahms": lambda y, sr: fm.onset_strength(y, sr),
        "perceptual_mel24_trumpet": lambda y, sr: fm.perceptual_weighting(
            np.dot(mel24(y, sr), np.abs(lm.stft(y))) ** 2,
            lm.mel_frequencies(24, 50.0, 8000.0), ref="max"),
    }
    for name, fn in cases.items():
        c = manifest[name]
        path = os.path.join(data, c["audio"])
        y, sr = lm.load(path if os.path.exists(path) else os.path.join(bench, c["audio"]))
        got = np.asarray(fn(y, sr)).astype(np.float32)
        ref = np.load(os.path.join(golden, c["file"]))
        tol = c["tolerance"]
        kind = {"max_abs_over_max": "rel", "max_abs_db_above_floor": "db"}[tol["kind"]]
        e = measure(kind, got, ref) if got.shape == ref.shape else np.inf
        check(e <= tol["value"], "model %s: shape %s, error %.3e (tolerance %.0e)"
              % (name, got.shape, e, tol["value"]))


def made_up(work):
    """Two float WAVs at 22050 Hz: 'tiny' (5 samples) and 'signs' (sign rules)."""
    tiny = np.array([0.5, -0.25, 0.75, 0.1, -0.6], dtype=np.float32)
    rng = np.random.default_rng(6)
    n = 30000
    mags = rng.choice(np.array([0.0, 5e-11, 1e-10, 2e-10, 1e-9, 0.3], dtype=np.float32), n)
    signs = np.repeat(rng.choice([-1.0, 1.0], n // 10), 10)[:n].astype(np.float32)
    x = (mags * signs).astype(np.float32)
    x[rng.integers(0, n, 500)] = -0.0
    x[20000:21000] = 0.2                      # a run with no crossing
    paths = {}
    for name, sig in (("tiny", tiny), ("signs", x)):
        paths[name] = os.path.join(work, name + ".wav")
        soundfile.write(paths[name], sig, 22050, subtype="FLOAT")
    return paths


def cases(data, files):
    """(clip, CLI arguments, model function of (y, sr), tolerance)."""
    d = lambda name: os.path.join(data, name)  # noqa: E731
    sp, cat, robin, tr = d("speech.ogg"), d("cat.wav"), d("robin.ogg"), d("trumpet.ogg")
    return [
        (sp, ["--kind", "centroid"], lambda y, sr: fm.spectral_centroid(y, sr), REL),
        (cat, ["--kind", "centroid", "--no-center"],
         lambda y, sr: fm.spectral_centroid(y, sr, center=False), REL),
        (robin, ["--kind", "centroid", "--win-length", "1024", "--hop", "256"],
         lambda y, sr: fm.spectral_centroid(y, sr, win_length=1024, hop_length=256), REL),
        (sp, ["--kind", "bandwidth", "--n-fft", "1024", "--hop", "256"],
         lambda y, sr: fm.spectral_bandwidth(y, sr, n_fft=1024, hop_length=256), REL),
        (cat, ["--kind", "bandwidth", "--pad-mode", "reflect"],
         lambda y, sr: fm.spectral_bandwidth(y, sr, pad_mode="reflect"), REL),
        (sp, ["--kind", "rolloff", "--roll-percent", "0.5"],
         lambda y, sr: fm.spectral_rolloff(y, sr, roll_percent=0.5), REL3),
        (cat, ["--kind", "rolloff", "--roll-percent", "0.99", "--n-fft", "4096", "--hop", "1024"],
         lambda y, sr: fm.spectral_rolloff(y, sr, n_fft=4096, hop_length=1024, roll_percent=0.99),
         REL3),
        (robin, ["--kind", "rolloff"], lambda y, sr: fm.spectral_rolloff(y, sr), REL3),
        (sp, ["--kind", "flatness", "--window", "hamming", "--n-fft", "512", "--hop", "128"],
         lambda y, sr: fm.spectral_flatness(y, n_fft=512, hop_length=128, window="hamming"), REL3),
        (cat, ["--kind", "flatness"], lambda y, sr: fm.spectral_flatness(y), REL3),
        (tr, ["--kind", "flatness", "--offset", "0.5", "--duration", "2"],
         lambda y, sr: fm.spectral_flatness(y), REL3),
        (tr, ["--kind", "onset"], lambda y, sr: fm.onset_strength(y, sr), REL3),
        (sp, ["--kind", "onset"], lambda y, sr: fm.onset_strength(y, sr), REL3),
        (robin, ["--kind", "onset", "--n-fft", "1024", "--hop", "256"],
         lambda y, sr: fm.onset_strength(y, sr, n_fft=1024, hop_length=256), REL3),
        # onset_strength(center=False): the mel spectrogram stays centred, no shift
        (cat, ["--kind", "onset", "--no-center"],
         lambda y, sr: fm.onset_strength(y, sr, center=False), REL3),
        (sp, ["--kind", "onset", "--no-center", "--lag", "3", "--n-fft", "1024"],
         lambda y, sr: fm.onset_strength(y, sr, center=False, lag=3, n_fft=1024), REL3),
        # librosa's feature functions hop 512 whatever the window
        (robin, ["--kind", "centroid", "--n-fft", "1024"],
         lambda y, sr: fm.spectral_centroid(y, sr, n_fft=1024, hop_length=512), REL),
        (sp, ["--kind", "onset", "--lag", "2", "--max-size", "3", "--n-mels", "64"],
         lambda y, sr: fm.onset_strength(y, sr, lag=2, max_size=3, n_mels=64), REL3),
        (cat, ["--kind", "onset", "--fmin", "100", "--fmax", "8000", "--htk", "--hop", "256",
               "--max-size", "2"],
         lambda y, sr: fm.onset_strength(y, sr, hop_length=256, max_size=2, fmin=100,
                                         fmax=8000, htk=True), REL3),
        (tr, ["--kind", "rms"], lambda y, sr: fm.rms(y), REL),
        (sp, ["--kind", "rms", "--n-fft", "1024", "--hop", "256"],
         lambda y, sr: fm.rms(y, frame_length=1024, hop_length=256), REL),
        (cat, ["--kind", "rms", "--pad-mode", "reflect"], lambda y, sr: fm.rms(y, pad_mode="reflect"),
         REL),
        (robin, ["--kind", "rms", "--pad-mode", "edge"], lambda y, sr: fm.rms(y, pad_mode="edge"), REL),
        (sp, ["--kind", "rms", "--no-center"], lambda y, sr: fm.rms(y, center=False), REL),
        (sp, ["--kind", "rms", "--n-fft", "256", "--hop", "700"],
         lambda y, sr: fm.rms(y, frame_length=256, hop_length=700), REL),
        (files["tiny"], ["--kind", "rms", "--n-fft", "16", "--hop", "1", "--pad-mode", "reflect"],
         lambda y, sr: fm.rms(y, frame_length=16, hop_length=1, pad_mode="reflect"), REL),
        (files["tiny"], ["--kind", "rms", "--n-fft", "9", "--hop", "2", "--pad-mode", "edge"],
         lambda y, sr: fm.rms(y, frame_length=9, hop_length=2, pad_mode="edge"), REL),
        (sp, ["--kind", "zcr"], lambda y, sr: fm.zero_crossing_rate(y), EXACT),
        (robin, ["--kind", "zcr", "--n-fft", "512", "--hop", "128"],
         lambda y, sr: fm.zero_crossing_rate(y, frame_length=512, hop_length=128), EXACT),
        (cat, ["--kind", "zcr", "--no-center"],
         lambda y, sr: fm.zero_crossing_rate(y, center=False), EXACT),
        (files["signs"], ["--kind", "zcr"], lambda y, sr: fm.zero_crossing_rate(y), EXACT),
        (files["signs"], ["--kind", "zcr", "--n-fft", "63", "--hop", "100"],
         lambda y, sr: fm.zero_crossing_rate(y, frame_length=63, hop_length=100), EXACT),
        (files["tiny"], ["--kind", "zcr", "--n-fft", "16", "--hop", "3"],
         lambda y, sr: fm.zero_crossing_rate(y, frame_length=16, hop_length=3), EXACT),
    ]


def weighting_cases(data):
    sp, cat = os.path.join(data, "speech.ogg"), os.path.join(data, "cat.wav")
    return [
        (sp, ["--db", "--weighting", "a"],
         lambda y, sr: fm.perceptual_weighting(lm.melspectrogram(y, sr),
                                               lm.mel_frequencies(128, 0.0, sr / 2))),
        (sp, ["--n-mels", "40", "--fmin", "20", "--fmax", "8000", "--htk", "--db", "--ref", "max",
              "--top-db", "none", "--weighting", "a"],
         lambda y, sr: fm.perceptual_weighting(
             lm.melspectrogram(y, sr, n_mels=40, fmin=20, fmax=8000, htk=True),
             lm.mel_frequencies(40, 20.0, 8000.0, htk=True), ref="max", top_db=None)),
        (cat, ["--power", "1", "--n-mels", "64", "--db", "--weighting", "a"],
         lambda y, sr: fm.A_weighting(lm.mel_frequencies(64, 0.0, sr / 2))[:, None]
         + lm.amplitude_to_db(lm.melspectrogram(y, sr, power=1.0, n_mels=64))),
    ]


def run(args):
    r = subprocess.run(args, capture_output=True, text=True)
    return r.returncode, r.stderr.strip()


def compare(sono, work, clip, command, args, fn, tol, shape_1d=False):
    out = os.path.join(work, "out.npy")
    code, err = run([sono, command, clip, "-o", out] + args)
    what = "%s %s %s" % (command, os.path.basename(clip), " ".join(args))
    if code != 0 or err:
        check(False, "%s: exit %d: %s" % (what, code, err))
        return
    ours = np.load(out)
    y, sr = lm.load(clip, offset=_opt(args, "--offset", 0.0), duration=_opt(args, "--duration", None))
    ref = np.asarray(fn(y, sr)).astype(np.float32)
    if ours.shape != ref.shape or ours.dtype != np.float32:
        check(False, "%s: %s%s, the model %s" % (what, ours.dtype, ours.shape, ref.shape))
        return
    e = measure(tol[0], ours, ref)
    check(e <= tol[1], "%s: %s error %.3e (tolerance %.0e), %d frames"
          % (what, tol[0], e, tol[1], ours.shape[-1]))


def _opt(args, name, default):
    return float(args[args.index(name) + 1]) if name in args else default


def render_weighting(sono, data, work):
    """The gray picture of a mel spectrogram with --weighting a against the model's
    weighted dB, relative to their maximum and floored at -80 dB, through matplotlib's
    gray map: every pixel within one colormap entry of the model's (the floor of a value
    on an entry's boundary may fall either way), nearly all exact."""
    import matplotlib
    clip = os.path.join(data, "speech.ogg")
    out = os.path.join(work, "weighted.png")
    code, err = run([sono, "render", clip, "-o", out, "--scale", "mel", "--weighting", "a",
                     "--cmap", "gray"])
    if not check(code == 0 and not err, "render --scale mel --weighting a: exit %d %s" % (code, err)):
        return
    from PIL import Image
    img = np.asarray(Image.open(out).convert("L"), dtype=int)[::-1, :]   # row 0 lowest band
    y, sr = lm.load(clip)
    D = fm.perceptual_weighting(lm.melspectrogram(y, sr), lm.mel_frequencies(128, 0.0, sr / 2),
                                ref="max")
    D = np.maximum(D - D.max(), -80.0)
    idx = np.minimum(np.floor((D + 80.0) / 80.0 * 256).astype(int), 255)
    lut = matplotlib.colormaps["gray"](np.arange(256), bytes=True)[:, 0].astype(int)
    if not check(img.shape == idx.shape, "render --weighting a: %s pixels" % (img.shape,)):
        return
    near = (img >= lut[np.maximum(idx - 1, 0)]) & (img <= lut[np.minimum(idx + 1, 255)])
    exact = np.mean(img == lut[idx])
    check(near.all() and exact >= 0.99,
          "render --weighting a: %d pixels more than one entry off, %.3f%% exact"
          % (np.sum(~near), 100 * exact))
    plain = os.path.join(work, "plain.png")
    run([sono, "render", clip, "-o", plain, "--scale", "mel", "--cmap", "gray"])
    low = np.asarray(Image.open(plain).convert("L"), dtype=int)[::-1, :][:8].mean()
    check(img[:8].mean() < low - 10,
          "render --weighting a darkens the lowest 8 bands: mean grey %.1f, %.1f unweighted"
          % (img[:8].mean(), low))


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    sono, golden, data, bench, work = sys.argv[1:]
    tmp = tempfile.mkdtemp(prefix="features-model-", dir=work)
    golden_model(golden, data, bench)
    files = made_up(tmp)
    for clip, args, fn, tol in cases(data, files):
        compare(sono, tmp, clip, "features", args, fn, tol)
    for clip, args, fn in weighting_cases(data):
        compare(sono, tmp, clip, "mel", args, fn, DB)
    render_weighting(sono, data, tmp)
    for f in os.listdir(tmp):
        os.remove(os.path.join(tmp, f))
    os.rmdir(tmp)
    sys.exit(summary())


if __name__ == "__main__":
    main()
