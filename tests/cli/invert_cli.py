#!/usr/bin/python3
"""`sono invert` end to end: magnitude -> sound -> magnitude.

usage: invert_cli.py SONO DATA_DIR WORKDIR

For clips and STFT parameters, `sono stft --magnitude` makes S, `sono invert`
makes y, and the test checks that y has the requested length (or the STFT's
natural one), that `sono stft` of y has S's shape, that the spectral
convergence recomputed here from y agrees with what --report printed, and
that it is below a bound per method.  Prints a line per case and
'N passed, M failed'.
"""
import os
import re
import subprocess
import sys
import tempfile

import numpy as np
import soundfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import librosa_model as L  # noqa: E402

# clip, rate, stft options, method, iterations, SC bound (dB).  The bounds are
# a few dB above what these cases measured when the test was written.
CASES = [
    ("trumpet.ogg", 22050, [], "pghi+fgla", 32, -30.0),
    ("trumpet.ogg", 22050, ["--hop", "256"], "pghi", 0, -20.0),
    ("speech.ogg", 16000, ["--n-fft", "1024", "--hop", "256"], "fgla", 32, -15.0),
    ("speech.ogg", 16000, ["--n-fft", "512", "--window", "hamming"], "gla", 16, -8.0),
    ("robin.ogg", 44100, ["--n-fft", "1024", "--win-length", "800", "--hop", "200"], "pghi+fgla", 16, -20.0),
    ("cat.wav", 44100, ["--n-fft", "2048", "--no-center", "--hop", "512"], "pghi+fgla", 8, -15.0),
]


def run(args):
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(args), r.returncode, r.stderr.strip()))
    return r.stdout


def stft_kwargs(opts):
    kw = {"n_fft": 2048, "hop_length": None, "win_length": None, "window": "hann", "center": True}
    names = {"--n-fft": "n_fft", "--hop": "hop_length", "--win-length": "win_length", "--window": "window"}
    i = 0
    while i < len(opts):
        if opts[i] == "--no-center":
            kw["center"] = False
            i += 1
            continue
        key = names[opts[i]]
        kw[key] = opts[i + 1] if key == "window" else int(opts[i + 1])
        i += 2
    return kw


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    sono, data, work = sys.argv[1:]
    passed = failed = 0
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        for n, (clip, rate, opts, method, iters, bound) in enumerate(CASES):
            name = "%s %s %s x%d" % (clip, " ".join(opts) or "defaults", method, iters)
            try:
                mag = os.path.join(tmp, "m%d.npy" % n)
                wav = os.path.join(tmp, "y%d.wav" % n)
                back = os.path.join(tmp, "b%d.npy" % n)
                run([sono, "stft", os.path.join(data, clip), "--sr", str(rate), "--magnitude",
                     "-o", mag] + opts)
                S = np.load(mag)
                kw = stft_kwargs(opts)
                hop = kw["hop_length"] or (kw["win_length"] or kw["n_fft"]) // 4
                # Ask for an exact length (a few samples more, which keeps the
                # frame count) in every other case.
                natural = hop * (S.shape[1] - 1) + (0 if kw["center"] else kw["n_fft"])
                want = natural + 7 if n % 2 else natural
                iter_args = [] if method == "pghi" else ["--iters", str(iters)]
                out = run([sono, "invert", mag, "-o", wav, "--sr", str(rate), "--method", method,
                           "--length", str(want), "--report"] + iter_args + opts)
                m = re.search(r"spectral convergence: (-?[0-9.]+) dB", out)
                y, sr = soundfile.read(wav, dtype="float32")
                run([sono, "stft", wav, "--magnitude", "-o", back] + opts)
                B = np.load(back)
                # The SC of the samples as written, with the model's STFT.
                R = np.abs(L.stft(y, **kw))
                sc = 20 * np.log10(np.linalg.norm(S - R) / np.linalg.norm(S))
                problems = []
                if sr != rate:
                    problems.append("rate %d" % sr)
                if len(y) != want:
                    problems.append("length %d, wanted %d" % (len(y), want))
                if B.shape != S.shape:
                    problems.append("stft of the output is %s, input %s" % (B.shape, S.shape))
                if not m:
                    problems.append("no report line in %r" % out)
                elif abs(float(m.group(1)) - sc) > 0.1:
                    problems.append("reported SC %s dB, recomputed %.2f dB" % (m.group(1), sc))
                if not sc <= bound:
                    problems.append("SC %.2f dB above %.1f" % (sc, bound))
                if problems:
                    print("FAIL %s: %s" % (name, "; ".join(problems)))
                    failed += 1
                else:
                    print("PASS %s: SC %.2f dB (bound %.1f), %d samples" % (name, sc, bound, len(y)))
                    passed += 1
            except Exception as e:  # report and go on with the next case
                print("FAIL %s: %s" % (name, e))
                failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
