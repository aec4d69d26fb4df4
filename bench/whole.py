#!/usr/bin/python3
"""Whole-process benchmarks: what a user waits for, process start and file I/O included.

1. `sono mel HOUR.wav -o OUT.npy --db` on a one-hour 44.1 kHz mono WAV: wall time and peak
   resident memory, against a Python script doing what a librosa user writes --
   load + melspectrogram + power_to_db + numpy.save -- with librosa when it can be imported,
   else with tests/reference/librosa_model.py (numpy/scipy, librosa's definitions);
2. `sono render CLIP.wav -o OUT.png --size 224x224` (and --scale mel) of a 5 s clip: the
   median wall time of N runs.

Usage: bench/whole.py --sono build/sono [--hour /tmp/hour.wav] [--runs 21] [--json OUT]
The one-hour input is made by bench/make_input.sh (brahms.ogg looped) when missing.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import soundfile as sf

HERE = os.path.dirname(os.path.abspath(__file__))

PY_SCRIPT = r'''
import sys, numpy as np
try:
    import librosa
    y, sr = librosa.load(sys.argv[1], sr=None)
    S = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=sr))
    who = "librosa " + librosa.__version__
except ImportError:
    sys.path.insert(0, sys.argv[3])
    import librosa_model as lm
    y, sr = lm.load(sys.argv[1])
    S = lm.power_to_db(lm.melspectrogram(y, sr))
    who = "numpy model"
np.save(sys.argv[2], S)
print(who)
'''


def maxrss_of(cmd):
    """Peak RSS of cmd alone, through GNU time (MiB), and its wall time."""
    r = subprocess.run(["/usr/bin/time", "-f", "%M %e"] + cmd, capture_output=True, text=True,
                       check=True)
    kb, wall = r.stderr.strip().splitlines()[-1].split()
    return float(kb) / 1024.0, float(wall), r.stdout.strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sono", default=os.path.join(HERE, "..", "build", "sono"))
    ap.add_argument("--hour", default="/tmp/sono-hour.wav")
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--json")
    ap.add_argument("--skip-python", action="store_true")
    a = ap.parse_args()
    out = {"load_before": os.getloadavg()}
    work = tempfile.mkdtemp(prefix="sono-whole-")
    if not os.path.exists(a.hour):
        subprocess.run([os.path.join(HERE, "make_input.sh"), a.hour, "3600"], check=True)
    npy = os.path.join(work, "hour.npy")
    rss, wall, _ = maxrss_of([a.sono, "mel", a.hour, "-o", npy, "--db"])
    out["sono_mel_hour"] = {"wall_s": wall, "peak_rss_mib": rss}
    print(f"sono mel --db, one hour: {wall:.2f} s, peak RSS {rss:.1f} MiB", flush=True)
    os.remove(npy)
    if not a.skip_python:
        rss, wall, who = maxrss_of(["/usr/bin/python3", "-c", PY_SCRIPT, a.hour, npy,
                                    os.path.join(HERE, "..", "tests", "reference")])
        out["python_mel_hour"] = {"wall_s": wall, "peak_rss_mib": rss, "who": who}
        print(f"python ({who}) load + melspectrogram + power_to_db + save: {wall:.2f} s, "
              f"peak RSS {rss:.1f} MiB; ratio {wall / out['sono_mel_hour']['wall_s']:.1f}x",
              flush=True)
        os.remove(npy)
    clip = os.path.join(work, "clip5.wav")
    y, sr = sf.read(a.hour, frames=5 * 44100, dtype="float32")
    sf.write(clip, y, sr, subtype="PCM_16")
    for label, extra in (("linear", []), ("mel", ["--scale", "mel"])):
        png = os.path.join(work, "x.png")
        times = []
        for _ in range(a.runs + 1):
            t = time.perf_counter()
            subprocess.run([a.sono, "render", clip, "-o", png, "--size", "224x224", *extra],
                           check=True)
            times.append(1000 * (time.perf_counter() - t))
        med = statistics.median(times[1:])
        out[f"render_224_{label}_ms"] = med
        print(f"sono render 5 s clip, 224x224, {label}: median {med:.1f} ms of {a.runs} runs "
              f"(min {min(times[1:]):.1f})", flush=True)
    out["load_after"] = os.getloadavg()
    print(f"load average before {out['load_before'][0]:.2f}, after {out['load_after'][0]:.2f}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)
    for name in os.listdir(work):
        os.remove(os.path.join(work, name))
    os.rmdir(work)


if __name__ == "__main__":
    sys.exit(main())
