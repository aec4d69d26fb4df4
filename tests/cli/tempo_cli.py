#!/usr/bin/python3
"""`sono tempo` end to end.

usage: tempo_cli.py SONO GOLDEN_DIR DATA_DIR BENCH_DATA_DIR WORKDIR

- librosa's golden tempi (tempo_brahms, tempo_trumpet) within the manifest's 2 %, with
  --method librosa; the numpy model (tests/reference/tempo_model.py) reproduces them too;
- --method librosa chooses the model's tempo on other clips and parameters (other rates,
  hops, windows, priors, max_tempo, resampling);
- the metrical rule (the default) on rendered drum patterns of known tempo
  (bench/tempo.py's generator): at least as many right as librosa's rule, and the clips
  where librosa takes the half or double tempo and sono is documented to be right;
- the text and JSON outputs agree, the half and double alternatives sit near half and
  twice the tempo, the confidence is in [0, 1];
- refusals: one line on stderr naming the option or file, exit status 2 or 1.
"""
import json
import os
import subprocess
import sys

import numpy as np
import soundfile as sf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "reference"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
import features_model as fm  # noqa: E402
import librosa_model as lm  # noqa: E402
import tempo_model as tm  # noqa: E402
import tempo as bench_tempo  # noqa: E402
from checks import check, summary  # noqa: E402


def tempo(sono, path, *args):
    r = subprocess.run([sono, "tempo", path, "--json", *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"sono tempo {path} {' '.join(args)}: {r.stderr.strip()}")
    return json.loads(r.stdout)


def clip(data, bench, name):
    p = os.path.join(data, name)
    return p if os.path.exists(p) else os.path.join(bench, name)


def golden(sono, golden_dir, data, bench, onsets):
    manifest = {c["name"]: c for c in json.load(open(os.path.join(golden_dir, "manifest.json")))["cases"]}
    for name in ("tempo_brahms", "tempo_trumpet"):
        c = manifest[name]
        want = float(np.load(os.path.join(golden_dir, c["file"]))[0])
        tol = c["tolerance"]["value"]
        path = clip(data, bench, c["audio"])
        got = tempo(sono, path, "--method", "librosa")["bpm"]
        check(abs(got - want) / want <= tol, f"{name}: sono {got:.3f} BPM, librosa {want:.3f}")
        y, sr = lm.load(path)
        onsets[(c["audio"], 2048, 512)] = (fm.onset_strength(y, sr), sr)
        model = tm.tempo(None, sr, onset=onsets[(c["audio"], 2048, 512)][0])
        check(abs(model - want) / want <= tol, f"{name}: model {model:.3f} BPM, librosa {want:.3f}")


def vs_model(sono, data, bench, onsets):
    """--method librosa against the model, which must choose the same period."""
    cases = [
        ("speech.ogg", [], {}),
        ("robin.ogg", [], {}),
        ("cat.wav", [], {}),
        ("trumpet.ogg", ["--hop", "256"], dict(hop_length=256)),
        ("brahms.ogg", ["--ac-size", "4"], dict(ac_size=4.0)),
        ("brahms.ogg", ["--start-bpm", "80", "--std-bpm", "0.5"],
         dict(start_bpm=80.0, std_bpm=0.5)),
        ("trumpet.ogg", ["--max-tempo", "100"], dict(max_tempo=100.0)),
        ("speech.ogg", ["--n-fft", "1024", "--hop", "256"], dict(hop_length=256, n_fft=1024)),
    ]
    for name, args, kw in cases:
        path = clip(data, bench, name)
        n_fft = kw.pop("n_fft", 2048)
        hop = kw.get("hop_length", 512)
        key = (name, n_fft, hop)
        if key not in onsets:
            y, sr = lm.load(path)
            onsets[key] = (fm.onset_strength(y, sr, n_fft=n_fft, hop_length=hop), sr)
        onset, sr = onsets[key]
        model = tm.tempo(None, sr, onset=onset, **kw)
        got = tempo(sono, path, "--method", "librosa", *args)
        check(abs(got["bpm"] - model) <= 1e-6 * model,
              f"{name} {' '.join(args) or '(defaults)'}: sono {got['bpm']:.4f} BPM, "
              f"model {model:.4f}")


def metrical(sono, work):
    """Rendered patterns: sono's default rule against librosa's."""
    picks = [("house", 126), ("rock", 148), ("dnb", 174), ("waltz", 168), ("dembow", 96),
             ("hiphop", 94)]
    right = {"sono": 0, "librosa": 0}
    for i, (name, bpm) in enumerate(picks):
        path = os.path.join(work, f"tempo-{name}-{bpm}.wav")
        sf.write(path, bench_tempo.render(name, bpm, 100 + i), bench_tempo.SR, subtype="FLOAT")
        got = tempo(sono, path)
        ok_s = abs(got["bpm"] - bpm) <= 0.04 * bpm
        ok_l = abs(got["librosa_bpm"] - bpm) <= 0.04 * bpm
        right["sono"] += ok_s
        right["librosa"] += ok_l
        print(f"  {name} {bpm}: sono {got['bpm']:.1f}, librosa's rule {got['librosa_bpm']:.1f}")
        check(got["method"] == "metrical", f"{name}: the default method is metrical")
        check(0.0 <= got["confidence"] <= 1.0, f"{name}: confidence {got['confidence']}")
        half, dbl = got["half_bpm"], got["double_bpm"]
        check(half == 0 or abs(half - got["bpm"] / 2) <= 0.07 * got["bpm"] / 2,
              f"{name}: half {half:.2f} near {got['bpm'] / 2:.2f}")
        check(dbl == 0 or abs(dbl - got["bpm"] * 2) <= 0.07 * got["bpm"] * 2,
              f"{name}: double {dbl:.2f} near {got['bpm'] * 2:.2f}")
    check(right["sono"] >= right["librosa"] + 2,
          f"metrical rule right on {right['sono']}/{len(picks)} rendered patterns, "
          f"librosa's on {right['librosa']}")


def text_output(sono, data, bench):
    path = clip(data, bench, "trumpet.ogg")
    out = subprocess.run([sono, "tempo", path], capture_output=True, text=True, check=True).stdout
    j = tempo(sono, path)
    first = out.splitlines()[0]
    check(first.startswith("tempo:") and f"{j['bpm']:.2f} BPM" in first and
          f"{j['librosa_bpm']:.2f}" in first, f"text output: {first!r}")


def refusals(sono, work):
    empty = os.path.join(work, "tempo-empty.wav")
    sf.write(empty, np.zeros(0, dtype=np.float32), 22050)
    tone = os.path.join(work, "tempo-tone.wav")
    sf.write(tone, 0.1 * np.sin(np.arange(22050) * 0.1).astype(np.float32), 22050)
    cases = [
        (["--method", "fast"], "--method", 2),
        (["--start-bpm", "0"], "--start-bpm", 2),
        (["--std-bpm", "-1"], "--std-bpm", 2),
        (["--ac-size", "nan"], "--ac-size", 2),
        (["--ac-size", "0.01"], "--ac-size", 2),
        (["--max-tempo", "1"], "--max-tempo", 1),
        (["--hop", "0"], "--hop", 2),
        (["--bogus"], "--bogus", 2),
    ]
    for args, name, status in cases:
        r = subprocess.run([sono, "tempo", tone, *args], capture_output=True, text=True)
        lines = r.stderr.strip().splitlines()
        check(r.returncode == status and len(lines) == 1 and name in lines[0] and not r.stdout,
              f"refuses {' '.join(args)}: status {r.returncode}, {lines}")
    for path in (empty, os.path.join(work, "no-such-file.wav")):
        r = subprocess.run([sono, "tempo", path], capture_output=True, text=True)
        lines = r.stderr.strip().splitlines()
        check(r.returncode != 0 and len(lines) == 1 and os.path.basename(path) in lines[0],
              f"refuses {os.path.basename(path)}: status {r.returncode}, {lines}")


def main():
    sono, golden_dir, data, bench, work = sys.argv[1:6]
    onsets = {}  # (clip, n_fft, hop) -> the model's onset envelope and rate
    golden(sono, golden_dir, data, bench, onsets)
    vs_model(sono, data, bench, onsets)
    metrical(sono, work)
    text_output(sono, data, bench)
    refusals(sono, work)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
