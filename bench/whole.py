#!/usr/bin/python3
"""Whole-process benchmarks: what a user waits for, process start and file I/O included.

1. `sono mel HOUR.wav -o OUT.npy --db` on a one-hour 44.1 kHz mono WAV: wall time and peak
   resident memory, against a Python script doing what a librosa user writes --
   load + melspectrogram + power_to_db + numpy.save -- with librosa when it can be imported,
   else with tests/reference/librosa_model.py (numpy/scipy, librosa's definitions);
   sono's run is repeated --hour-runs times (the median and the range are printed; the
   input stays in the page cache, as it does for the Python script's single run);
2. `sono render CLIP.wav -o OUT.png --size 224x224` (and --scale mel) of a 5 s clip: the
   median wall time of N runs, each started with posix_spawn and timed to its exit (a
   lighter harness than subprocess.run, whose pipes and bookkeeping added milliseconds
   here); the same harness's median for an empty C-like program (/bin/true) is printed
   beside it, as the floor any process pays on the machine.

Usage: bench/whole.py --sono build/sono [--hour /tmp/hour.wav] [--runs 21] [--hour-runs 5]
                      [--json OUT]
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


def spawn_ms(cmd, runs):
    """Wall times (ms) of runs + 1 runs of cmd, the first (a warm-up) dropped."""
    times = []
    for _ in range(runs + 1):
        t = time.perf_counter_ns()
        pid = os.posix_spawn(cmd[0], cmd, os.environ)
        _, status = os.waitpid(pid, 0)
        times.append((time.perf_counter_ns() - t) / 1e6)
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(" ".join(cmd) + " failed")
    return times[1:]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sono", default=os.path.join(HERE, "..", "build", "sono"))
    ap.add_argument("--hour", default="/tmp/sono-hour.wav")
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--hour-runs", type=int, default=5)
    ap.add_argument("--json")
    ap.add_argument("--skip-python", action="store_true")
    a = ap.parse_args()
    out = {"load_before": os.getloadavg()}
    work = tempfile.mkdtemp(prefix="sono-whole-")
    if not os.path.exists(a.hour):
        subprocess.run([os.path.join(HERE, "make_input.sh"), a.hour, "3600"], check=True)
    npy = os.path.join(work, "hour.npy")
    runs = []
    for _ in range(max(1, a.hour_runs)):
        runs.append(maxrss_of([a.sono, "mel", a.hour, "-o", npy, "--db"]))
        os.remove(npy)
    wall = statistics.median(r[1] for r in runs)
    rss = max(r[0] for r in runs)
    out["sono_mel_hour"] = {"wall_s": wall, "peak_rss_mib": rss,
                            "walls_s": [r[1] for r in runs]}
    print(f"sono mel --db, one hour: median {wall:.2f} s of {len(runs)} runs "
          f"({min(r[1] for r in runs):.2f} to {max(r[1] for r in runs):.2f}), "
          f"peak RSS {rss:.1f} MiB", flush=True)
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
    floor = statistics.median(spawn_ms(["/bin/true"], a.runs))
    out["spawn_floor_ms"] = floor
    for label, extra in (("linear", []), ("mel", ["--scale", "mel"])):
        png = os.path.join(work, "x.png")
        times = spawn_ms([a.sono, "render", clip, "-o", png, "--size", "224x224", *extra],
                         a.runs)
        med = statistics.median(times)
        out[f"render_224_{label}_ms"] = med
        print(f"sono render 5 s clip, 224x224, {label}: median {med:.1f} ms of {a.runs} runs "
              f"(min {min(times):.1f}); /bin/true in the same harness: {floor:.1f} ms",
              flush=True)
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
