"""What the end-to-end Python tests share: a tally of named checks, running
sono, and the SNR between two signals.  SPDX-License-Identifier:
GPL-3.0-or-later"""
import math
import subprocess

import numpy as np

failures = []
passes = [0]


def check(ok, what):
    """Records and prints one named check."""
    print("%s: %s" % ("ok" if ok else "FAIL", what))
    if ok:
        passes[0] += 1
    else:
        failures.append(what)
    return ok


def run(args):
    """Runs a command that must succeed; returns its stdout."""
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(args), r.returncode, r.stderr.strip()))
    return r.stdout


def snr(ref, y):
    """10 log10(|ref|^2 / |ref - y|^2) over their common length, in dB."""
    n = min(len(ref), len(y))
    e = np.sum((np.asarray(ref[:n], float) - np.asarray(y[:n], float)) ** 2)
    return 10 * math.log10(np.sum(np.asarray(ref[:n], float) ** 2) / max(e, 1e-300))


def summary():
    """Prints 'N passed, M failed'; returns the exit status."""
    print("%d passed, %d failed" % (passes[0], len(failures)))
    return 1 if failures else 0
