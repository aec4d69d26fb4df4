#!/usr/bin/python3
"""`sono bench`: the output's form, not the speed.

usage: bench_cli.py SONO DATA_DIR

Runs `sono bench --runs 1` on a short clip: --json is one valid JSON object
with a positive time for each requested workload and no other, and the
input's rate, samples and frames as soundfile sees them; the text form has a
header and one line per workload; cqt is timed like the others; --threads
and SONO_THREADS reach the output; bad options are refused in one line with
exit status 2, a missing input with 1.  No time is asserted.  Prints a line
per check and 'N passed, M failed'.
"""
import json
import os
import subprocess
import sys

import soundfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, summary  # noqa: E402


def bench(sono, args, env=None):
    e = dict(os.environ)
    e.pop("SONO_THREADS", None)
    e.update(env or {})
    return subprocess.run([sono, "bench"] + args, capture_output=True, text=True, env=e)


def refused(sono, args, status, words):
    r = bench(sono, args)
    lines = r.stderr.strip().splitlines()
    check(r.returncode == status and r.stdout == "" and len(lines) == 1 and
          lines[0].startswith("sono bench: ") and all(w in lines[0] for w in words),
          "refused %s: exit %d, %r" % (" ".join(args), r.returncode, r.stderr.strip()))


def main(argv):
    sono, data = argv[1], argv[2]
    clip = os.path.join(data, "robin.ogg")
    info = soundfile.info(clip)
    n = info.frames

    r = bench(sono, ["--runs", "1", "--workload", "stft", "--workload", "mel", "--json",
                     "--input", clip])
    check(r.returncode == 0 and r.stderr == "", "--json ran: exit %d %s" % (r.returncode, r.stderr.strip()))
    try:
        j = json.loads(r.stdout)
    except ValueError as e:
        j = {}
        check(False, "--json output is JSON: %s: %r" % (e, r.stdout[:200]))
    ms = j.get("ms", {})
    check(sorted(ms) == ["mel", "stft"], "only the requested workloads: %s" % sorted(ms))
    check(all(isinstance(v, float) and v > 0 for v in ms.values()), "positive times: %s" % ms)
    check(all(len(j.get("runs_ms", {}).get(w, [])) == 1 for w in ms), "one run each")
    check(j.get("runs") == 1 and j.get("input") == clip, "runs and input echoed")
    check(j.get("rate") == info.samplerate and j.get("samples") == n and
          j.get("frames") == 1 + n // 512,
          "rate %s, samples %s, frames %s of %d Hz, %d samples" %
          (j.get("rate"), j.get("samples"), j.get("frames"), info.samplerate, n))
    check(isinstance(j.get("threads"), int) and j["threads"] >= 1, "threads %s" % j.get("threads"))

    # cqt is timed; griffinlim takes --threads, then SONO_THREADS.
    r = bench(sono, ["--runs", "1", "--workload", "cqt", "--workload", "griffinlim", "--json",
                     "--threads", "1", "--input", clip])
    j = json.loads(r.stdout) if r.returncode == 0 else {}
    check((j.get("ms", {}).get("cqt") or 0) > 0 and j.get("unavailable") == {} and
          (j.get("ms", {}).get("griffinlim") or 0) > 0 and j.get("threads") == 1,
          "cqt timed, griffinlim timed on --threads 1: %s" % r.stdout.strip()[:300])
    r = bench(sono, ["--runs", "1", "--workload", "griffinlim", "--json", "--input", clip],
              {"SONO_THREADS": "3"})
    check(r.returncode == 0 and json.loads(r.stdout).get("threads") == 3, "SONO_THREADS=3")

    # The text form, with the default input (the source tree's clip).
    r = bench(sono, ["--runs", "1", "--workload", "resample", "--workload", "cqt",
                     "--workload", "fft-floor"])
    lines = r.stdout.splitlines()
    check(r.returncode == 0 and len(lines) == 4 and lines[0].startswith("sono bench: ") and
          "trumpet.ogg" in lines[0] and "single-threaded" in lines[0] and
          lines[1].split()[0] == "cqt" and lines[1].endswith(" ms") and
          float(lines[1].split()[1]) > 0 and
          lines[2].split()[0] == "resample" and lines[2].endswith(" ms") and
          lines[3].split()[0] == "fft-floor" and float(lines[3].split()[1]) > 0,
          "text form: %r" % r.stdout)

    refused(sono, ["--workload", "fast"], 2, ["--workload", "'fast'", "stft"])
    refused(sono, ["--runs", "0"], 2, ["--runs", "'0'"])
    refused(sono, ["--threads", "0"], 2, ["--threads", "'0'"])
    refused(sono, ["--runs"], 2, ["--runs", "needs a value"])
    refused(sono, ["--speed"], 2, ["--speed", "unknown option"])
    refused(sono, [clip], 2, [clip, "--input"])
    refused(sono, ["--input", os.path.join(data, "no-such.wav")], 1, ["no-such.wav"])
    r = bench(sono, ["--runs", "1", "--workload", "stft", "--input", clip], {"SONO_THREADS": "x"})
    check(r.returncode == 2 and "SONO_THREADS" in r.stderr, "SONO_THREADS=x refused")
    return summary()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
