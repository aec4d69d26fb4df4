#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check sono's Butterworth filters against scipy.signal.butter and lfilter.

Usage: /usr/bin/python3 tests/reference/check_butter.py BUTTER_DUMP SONO_BINARY DATA_DIR WORKDIR [--keep]

1. Coefficients.  BUTTER_DUMP (tests/butter_dump) prints sono's b and a for every
   order 1..10, type (lowpass, highpass, bandpass) and a set of cutoffs at 22050
   and 44100 Hz.  Where sono accepts the design, b and a must match
   scipy.signal.butter(order, f / (sr / 2), btype) within 1e-9 of max |coefficient|
   (each of b and a).  Where sono refuses it (its 'ba' form would be inaccurate in
   double; src/butter.c), that is counted; every design whose scipy coefficients
   have a root on or outside the unit circle (numpy.roots: an unstable filter) must
   be among the refused, and for every accepted one the response of scipy's b, a
   at the cutoffs (scipy.signal.freqz) must be -3.0103 dB within 0.01 dB.
2. Filtering.  `sono filter CLIP -o OUT.wav ...` (float WAV) against
   scipy.signal.lfilter(b, a, x) on the float32 samples soundfile reads from the
   same clip (one channel with --channel, else the mean of the channels in float32,
   as numpy's mean): max |sono - scipy| must be at most 1e-5.

Prints one line per case and the worst errors, then "N passed, M failed"; exits 1
on a failure, 2 when a program cannot be run.  Files go to WORKDIR/butter-XXXXXX,
removed on success unless --keep.
"""
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import soundfile as sf
from scipy import signal

COEF_TOLERANCE = 1e-9    # relative to max |coefficient|
DB_TOLERANCE = 0.01      # |response at a cutoff + 3.0103 dB|
SIGNAL_TOLERANCE = 1e-5  # max abs error of the filtered samples
MAX_ORDER = 10
TIMEOUT = 120

# (name, clip, channel or None for the mix, sono options, scipy (order, Wn in Hz, btype))
FILTER_CASES = [
    ("speech_lowpass_1000_order5", "speech.ogg", None,
     ["--lowpass", "1000"], (5, 1000.0, "lowpass")),
    ("speech_highpass_300_order2", "speech.ogg", None,
     ["--highpass", "300", "--order", "2"], (2, 300.0, "highpass")),
    ("cat_bandpass_300_3400_order5", "cat.wav", None,
     ["--bandpass", "300", "3400"], (5, [300.0, 3400.0], "bandpass")),
    ("cat_lowpass_4000_order10", "cat.wav", None,
     ["--lowpass", "4000", "--order", "10"], (10, 4000.0, "lowpass")),
    ("trumpet_ch0_highpass_2000_order8", "trumpet.ogg", 0,
     ["--highpass", "2000", "--order", "8", "--channel", "0"], (8, 2000.0, "highpass")),
    ("robin_ch1_bandpass_2000_8000_order1", "robin.ogg", 1,
     ["--bandpass=2000", "8000", "--order=1", "--channel", "1"], (1, [2000.0, 8000.0], "bandpass")),
    ("trumpet_flac_ch1_bandpass_500_5000_order4", "trumpet.flac", 1,
     ["--order", "4", "--bandpass", "500", "5000", "--channel", "1"],
     (4, [500.0, 5000.0], "bandpass")),
    ("robin_mix_lowpass_6000_order6", "robin.ogg", None,
     ["--lowpass", "6000", "--order", "6"], (6, 6000.0, "lowpass")),
]


def design_cases():
    """(order, btype, f1, f2, sr) for every order, type and a spread of cutoffs."""
    cases = []
    for sr in (22050.0, 44100.0):
        nyq = sr / 2
        cutoffs = np.concatenate([np.geomspace(10.0, nyq * 0.999, 23), [nyq / 2, 1000.0]])
        for order in range(1, MAX_ORDER + 1):
            for f in cutoffs:
                cases.append((order, "lowpass", f, 0.0, sr))
                cases.append((order, "highpass", f, 0.0, sr))
                for ratio in (1.1, 1.5, 3.0, 11.0, 100.0):
                    if f * ratio < nyq:
                        cases.append((order, "bandpass", f, f * ratio, sr))
    return cases


def run(argv, stdin_text=None):
    try:
        return subprocess.run(argv, input=stdin_text, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=TIMEOUT, check=False,
                              universal_newlines=True)
    except (OSError, subprocess.TimeoutExpired) as e:
        print(f"cannot run {' '.join(argv)}: {e}")
        sys.exit(2)


def check_coefficients(dump):
    """Returns (passed, failed)."""
    cases = design_cases()
    text = "".join(f"{o} {t} {f1!r} {f2!r} {sr!r}\n" for o, t, f1, f2, sr in cases)
    p = run([dump], text)
    if p.returncode != 0:
        print(f"{dump} exited with {p.returncode}: {p.stderr.strip()}")
        sys.exit(2)
    lines = p.stdout.splitlines()
    pos = 0
    worst, worst_case = 0.0, None
    worst_db, worst_db_case = 0.0, None
    accepted = refused = 0
    failures = []
    refused_by_order = {}
    for case in cases:
        order, btype, f1, f2, sr = case
        wn = f1 / (sr / 2) if btype != "bandpass" else [f1 / (sr / 2), f2 / (sr / 2)]
        b, a = signal.butter(order, wn, btype)
        unstable = np.max(np.abs(np.roots(a))) >= 1.0
        if lines[pos].startswith("refused"):
            pos += 1
            refused += 1
            refused_by_order[order] = refused_by_order.get(order, 0) + 1
            continue
        sb = np.array(lines[pos].split()[1:], dtype=np.float64)
        sa = np.array(lines[pos + 1].split()[1:], dtype=np.float64)
        pos += 2
        accepted += 1
        if sb.shape != b.shape or sa.shape != a.shape:
            failures.append(f"{case}: {sb.size}, {sa.size} coefficients, scipy {b.size}, {a.size}")
            continue
        err = max(np.max(np.abs(sb - b)) / np.max(np.abs(b)),
                  np.max(np.abs(sa - a)) / np.max(np.abs(a)))
        if not err <= worst:
            worst, worst_case = err, case
        if not err <= COEF_TOLERANCE:
            failures.append(f"{case}: relative error {err:.3g}")
        if unstable:
            failures.append(f"{case}: accepted, but scipy's a has a root outside the unit circle")
        _, h = signal.freqz(b, a, worN=np.pi * np.atleast_1d(wn))
        db = np.max(np.abs(20 * np.log10(np.abs(h)) + 10 * np.log10(2)))
        if not db <= worst_db:
            worst_db, worst_db_case = db, case
        if not db <= DB_TOLERANCE:
            failures.append(f"{case}: {db:.4f} dB off -3.0103 dB at a cutoff")
    for f in failures[:20]:
        print(f"FAIL coefficients {f}")
    print(f"coefficients: {len(cases)} designs, {accepted} accepted, {refused} refused "
          f"(by order: {dict(sorted(refused_by_order.items()))})")
    print(f"coefficients: worst relative error {worst:.3g} at {worst_case}; worst "
          f"|dB + 3.0103| at a cutoff {worst_db:.3g} at {worst_db_case}")
    if failures:
        print(f"FAIL coefficients: {len(failures)} problems")
        return 0, 1
    print("PASS coefficients")
    return 1, 0


def check_filtering(sono, data, work):
    passed = failed = 0
    worst, worst_name = 0.0, None
    for name, clip, channel, opts, (order, hz, btype) in FILTER_CASES:
        out = os.path.join(work, name + ".wav")
        p = run([sono, "filter", os.path.join(data, clip), "-o", out] + opts)
        if p.returncode != 0:
            print(f"FAIL {name}: sono exited with {p.returncode}: {p.stderr.strip()}")
            failed += 1
            continue
        x, sr = sf.read(os.path.join(data, clip), dtype="float32", always_2d=True)
        x = x[:, channel] if channel is not None else x.mean(axis=1, dtype=np.float32)
        wn = np.asarray(hz) / (sr / 2)
        b, a = signal.butter(order, wn, btype)
        ref = signal.lfilter(b, a, x)  # float64, as scipy computes for float32 input
        y, ysr = sf.read(out, dtype="float32")
        info = sf.info(out)
        problems = []
        if ysr != sr or info.subtype != "FLOAT" or info.channels != 1:
            problems.append(f"{info.channels} channels {info.subtype} at {ysr} Hz")
        if y.shape != ref.shape:
            problems.append(f"{y.size} samples, scipy {ref.size}")
            err = float("inf")
        else:
            err = float(np.max(np.abs(y.astype(np.float64) - ref)))
            if not err <= SIGNAL_TOLERANCE:
                problems.append(f"max abs error {err:.3g}")
        if not err <= worst:
            worst, worst_name = err, name
        if problems:
            print(f"FAIL {name}: {'; '.join(problems)}")
            failed += 1
        else:
            print(f"PASS {name}: max abs error {err:.3g} (peak {np.max(np.abs(ref)):.3g})")
            passed += 1
    print(f"filtering: worst max abs error {worst:.3g} ({worst_name})")
    return passed, failed


def main():
    args = [a for a in sys.argv[1:] if a != "--keep"]
    keep = "--keep" in sys.argv[1:]
    if len(args) != 4:
        print(__doc__.strip().splitlines()[2])
        return 2
    dump, sono, data, workdir = args
    work = tempfile.mkdtemp(prefix="butter-", dir=workdir)
    p1, f1 = check_coefficients(dump)
    p2, f2 = check_filtering(sono, data, work)
    passed, failed = p1 + p2, f1 + f2
    print(f"{passed} passed, {failed} failed")
    if failed or keep:
        print(f"files kept in {work}")
    else:
        shutil.rmtree(work)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
