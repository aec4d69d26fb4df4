#!/usr/bin/python3
"""Batch benchmark: a dataset of short clips into 224x224 mel PNGs with `sono batch`.

Usage: /usr/bin/python3 bench/batch.py [--sono PATH] [--clips 200] [--seconds 5]
                                       [--jobs 2] [--runs 3] [--exec] [--workdir DIR] [--keep]

Makes --clips clips of --seconds s, as ESC-50's (44.1 kHz, mono, 16-bit WAV), cut every 0.5 s
from bench/data/brahms.ogg and bench/data/humpback.ogg (mixed to mono), then times --runs
runs of
    sono batch IN -o OUT --jobs N --force -- render --scale mel --size 224x224
and prints the clips per second of each run and their median, with the load average (other
processes share the cores: a figure means little without it), and the CPU time per clip (user +
system of sono and its children), which a busy machine inflates less: 2 cores / that time is
what 2 idle cores would reach.  --exec also times the same
files through one `sono render` process per file, --jobs at a time (what a shell loop with
xargs -P does), to show what starting a process per file costs.  The issue's target is 100
clips/s for 200 five-second clips on 2 cores.  Not run by the tests.  Exit status 0 when it
ran, 2 when it could not.
"""
import argparse
import concurrent.futures
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import soundfile as sf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = ("brahms.ogg", "humpback.ogg")
RENDER = ["render", "--scale", "mel", "--size", "224x224"]
TARGET = 100.0


def make_clips(directory, count, seconds):
    """count clips of `seconds` s, 0.5 s apart, from the sources in turn."""
    clips = []
    for name in SOURCES:
        y, sr = sf.read(os.path.join(ROOT, "bench", "data", name), dtype="float32",
                        always_2d=True)
        if sr != 44100:
            sys.exit(f"batch.py: {name} is {sr} Hz, not 44100")
        clips.append((y.mean(axis=1), sr))
    n = int(round(seconds * 44100))
    made, start = 0, 0
    while made < count:
        progressed = False
        for y, sr in clips:
            at = start * sr // 2
            if made < count and at + n <= len(y):
                sf.write(os.path.join(directory, f"clip{made:04d}.wav"), y[at:at + n], sr,
                         subtype="PCM_16")
                made += 1
                progressed = True
        if not progressed:
            sys.exit(f"batch.py: the sources hold fewer than {count} clips of {seconds} s")
        start += 1


def load():
    return "%.2f %.2f %.2f" % os.getloadavg()


def cpu_seconds():
    """User + system time of the waited-for children so far."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_batch(sono, src, out, jobs):
    t0 = time.perf_counter()
    p = subprocess.run([sono, "batch", src, "-o", out, "--jobs", str(jobs), "--force", "--"]
                       + RENDER, capture_output=True, text=True)
    t = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"batch.py: sono batch failed ({p.returncode}): {p.stderr.strip()}")
    return t


def run_exec(sono, src, out, jobs):
    """One process per file, `jobs` at a time."""
    names = sorted(os.listdir(src))

    def one(name):
        r = subprocess.run([sono, "render", os.path.join(src, name), "-o",
                            os.path.join(out, name[:-4] + ".png")] + RENDER[1:],
                           capture_output=True)
        return r.returncode

    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        codes = list(pool.map(one, names))
    t = time.perf_counter() - t0
    if any(codes):
        sys.exit("batch.py: a sono render failed")
    return t


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sono", default=os.path.join(ROOT, "build", "sono"))
    ap.add_argument("--clips", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--exec", action="store_true", help="also time a process per file")
    ap.add_argument("--workdir")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if not os.access(args.sono, os.X_OK):
        print(f"batch.py: {args.sono}: not an executable (build first)", file=sys.stderr)
        return 2
    work = tempfile.mkdtemp(prefix="sono-batch-bench-", dir=args.workdir)
    try:
        src, out = os.path.join(work, "clips"), os.path.join(work, "mel")
        os.mkdir(src)
        make_clips(src, args.clips, args.seconds)
        print(f"{args.clips} clips of {args.seconds:g} s (44.1 kHz mono PCM16) in {src}; "
              f"{os.cpu_count()} cores; sono batch --jobs {args.jobs} -- {' '.join(RENDER)}")
        rates, cpu = [], []
        for r in range(args.runs):
            before, c0 = load(), cpu_seconds()
            t = run_batch(args.sono, src, out, args.jobs)
            rates.append(args.clips / t)
            cpu.append((cpu_seconds() - c0) / args.clips)
            print(f"  batch run {r + 1}: {t:.3f} s, {rates[-1]:.1f} clips/s, "
                  f"{1e3 * cpu[-1]:.1f} ms CPU per clip "
                  f"(load average before {before}, after {load()})")
        pngs = sum(1 for n in os.listdir(out) if n.endswith(".png"))
        if pngs != args.clips:
            sys.exit(f"batch.py: {pngs} PNGs written, not {args.clips}")
        median = statistics.median(rates)
        print(f"sono batch: median {median:.1f} clips/s over {args.runs} runs "
              f"(target {TARGET:g}: {'met' if median >= TARGET else 'not met'}); "
              f"median {1e3 * statistics.median(cpu):.1f} ms CPU per clip, "
              f"{args.jobs / statistics.median(cpu):.0f} clips/s on {args.jobs} idle cores")
        if args.exec:
            shutil.rmtree(out)
            os.mkdir(out)
            erates, ecpu = [], []
            for r in range(args.runs):
                before, c0 = load(), cpu_seconds()
                t = run_exec(args.sono, src, out, args.jobs)
                erates.append(args.clips / t)
                ecpu.append((cpu_seconds() - c0) / args.clips)
                print(f"  process-per-file run {r + 1}: {t:.3f} s, {erates[-1]:.1f} clips/s, "
                      f"{1e3 * ecpu[-1]:.1f} ms CPU per clip "
                      f"(load average before {before}, after {load()})")
            print(f"process per file: median {statistics.median(erates):.1f} clips/s, "
                  f"{1e3 * statistics.median(ecpu):.1f} ms CPU per clip")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
