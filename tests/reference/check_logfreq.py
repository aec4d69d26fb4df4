#!/usr/bin/python3
"""Check `sono logfreq` against an independent numpy definition of the filterbank.

Usage: /usr/bin/python3 tests/reference/check_logfreq.py SONO_BINARY DATA_DIR WORKDIR [--keep]

The filterbank, from its definition in docs/sono.1.md (not from src/logfreq.c):
centres f_k = fmin * 2**(k / bins_per_octave) for k = 0, 1, ... while f_k <= fmax
(1e-9 relative slack); band k a triangle over the STFT bin frequencies k * sr / n_fft
peaking at f_k and reaching 0 at f_k - max(f_k - f_{k-1}, df) and
f_k + max(f_{k+1} - f_k, df), df = sr / n_fft; each row divided by its sum, in float64,
then rounded to float32.

For each case, runs `sono logfreq CLIP -o OUT.npy OPTIONS` and compares OUT with
W @ |STFT|**power, the STFT from the numpy model of librosa (librosa_model.stft):
error = max|sono - numpy| / max|numpy|, tolerance 1e-5.  With --db the output is
compared in dB as max|sono - numpy| in dB.  Prints one line per case and
"N passed, M failed"; exits 1 on a failure, 2 when sono cannot be run.  Files go to
WORKDIR/logfreq-XXXXXX, removed on success unless --keep.
"""
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep tests/reference free of __pycache__
sys.path.insert(0, HERE)
import librosa_model as lm  # noqa: E402

C1 = 32.703195662574829  # librosa.note_to_hz('C1')
TOLERANCE = 1e-5         # max abs error / max, linear outputs
TOLERANCE_DB = 1e-3      # max abs error in dB, --db outputs
TIMEOUT = 120

# (name, clip, sono options, model parameters)
CASES = [
    ("speech_default", "speech.ogg", [], {}),
    ("trumpet_defaults_44k", "trumpet.ogg", [], {}),
    ("trumpet_fmin55_fmax8000_bpo36_nfft4096",
     "trumpet.ogg", ["--fmin", "55", "--fmax", "8000", "--bins-per-octave", "36",
                     "--n-fft", "4096", "--hop", "1024"],
     dict(fmin=55.0, fmax=8000.0, bpo=36, n_fft=4096, hop=1024)),
    ("cat_bpo12_fmin100_power2_hamming_nfft1024",
     "cat.wav", ["--bins-per-octave", "12", "--fmin", "100", "--power", "2",
                 "--n-fft", "1024", "--window", "hamming"],
     dict(fmin=100.0, bpo=12, power=2, n_fft=1024, window="hamming")),
    ("robin_bpo1_fmin20_fmax_nyquist_nocenter",
     "robin.ogg", ["--bins-per-octave", "1", "--fmin", "20", "--fmax", "22050",
                   "--no-center", "--n-fft", "1023", "--hop", "300"],
     dict(fmin=20.0, fmax=22050.0, bpo=1, center=False, n_fft=1023, hop=300)),
    ("speech_bpo60_fmin40_fmax4000_nfft512_reflect",
     "speech.ogg", ["--bins-per-octave", "60", "--fmin", "40", "--fmax", "4000",
                    "--n-fft", "512", "--hop", "128", "--pad-mode", "reflect"],
     dict(fmin=40.0, fmax=4000.0, bpo=60, n_fft=512, hop=128, pad_mode="reflect")),
    ("speech_db_refmax", "speech.ogg", ["--db", "--ref", "max"], dict(db=True)),
]


def logfreq_filters(sr, n_fft, fmin=C1, fmax=None, bpo=24):
    """The (bands, 1 + n_fft//2) float32 weights and the float64 centres."""
    if fmax is None:
        fmax = sr / 2.0
    n = int(np.floor(bpo * np.log2(fmax / fmin))) + 2
    k = np.arange(n + 1)
    n = int(np.count_nonzero(fmin * 2.0 ** (k / bpo) <= fmax * (1 + 1e-9)))
    f = fmin * 2.0 ** (np.arange(-1, n + 1) / bpo)     # with both neighbours
    centre, below, above = f[1:-1, None], f[:-2, None], f[2:, None]
    df = sr / n_fft
    lo = centre - np.maximum(centre - below, df)
    hi = centre + np.maximum(above - centre, df)
    bins = lm.fft_frequencies(sr, n_fft)[None, :]
    W = np.maximum(0.0, np.minimum((bins - lo) / (centre - lo), (hi - bins) / (hi - centre)))
    W /= W.sum(axis=1, keepdims=True)
    return W.astype(np.float32), f[1:-1]


def model(clip, m):
    y, sr = lm.load(clip)
    n_fft = m.get("n_fft", 2048)
    S = lm.stft(y, n_fft=n_fft, hop_length=m.get("hop", n_fft // 4),
                window=m.get("window", "hann"), center=m.get("center", True),
                pad_mode=m.get("pad_mode", "constant"))
    power = m.get("power", 1)
    W, _ = logfreq_filters(sr, n_fft, fmin=m.get("fmin", C1), fmax=m.get("fmax"),
                           bpo=m.get("bpo", 24))
    X = np.dot(W.astype(np.float64), np.abs(S).astype(np.float64) ** power)
    X = X.astype(np.float32)
    if m.get("db"):
        X = (lm.amplitude_to_db(X, ref="max") if power == 1 else lm.power_to_db(X, ref="max"))
    return X


class SonoError(Exception):
    pass


def run(argv):
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise SonoError(f"{' '.join(argv)}: {e}") from e
    if p.returncode != 0 or p.stderr:
        raise SonoError(f"{' '.join(argv)}: exit {p.returncode}: "
                        f"{p.stderr.decode(errors='replace').strip()}")


def main(argv):
    args = [a for a in argv[1:] if a != "--keep"]
    keep = "--keep" in argv[1:]
    if len(args) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    sono, data, workroot = args
    os.makedirs(workroot, exist_ok=True)
    work = tempfile.mkdtemp(prefix="logfreq-", dir=workroot)
    failed = passed = 0
    try:
        for name, clip, opts, m in CASES:
            path = os.path.join(data, clip)
            out = os.path.join(work, name + ".npy")
            run([sono, "logfreq", path, "-o", out] + opts)
            got = np.load(out)
            ref = model(path, m)
            if got.dtype != np.float32 or got.shape != ref.shape:
                print(f"{name:45s} sono gave {got.dtype} {got.shape}, numpy {ref.shape}  FAIL")
                failed += 1
                continue
            d = np.max(np.abs(got.astype(np.float64) - ref))
            if m.get("db"):
                err, tol, what = d, TOLERANCE_DB, "max_abs_db"
            else:
                err, tol, what = d / np.max(np.abs(ref)), TOLERANCE, "max_abs_over_max"
            ok = err <= tol
            passed += ok
            failed += not ok
            print(f"{name:45s} {ref.shape[0]:4d} bands x {ref.shape[1]:4d} frames  "
                  f"{what} {err:.3e}  tol {tol:.0e}  {'PASS' if ok else 'FAIL'}")
    except SonoError as e:
        print(f"cannot run sono: {e}", file=sys.stderr)
        return 2
    print(f"{passed} passed, {failed} failed")
    if failed == 0 and not keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"files kept in {work}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
