#!/usr/bin/python3
"""Check that `sono invert --method fgla` is librosa's Griffin-Lim algorithm.

Usage: /usr/bin/python3 tests/reference/check_griffinlim.py SONO_BINARY DATA_DIR WORKDIR [--keep]

For a short magnitude (made by `sono stft --magnitude`), runs
    sono invert MAG.npy --method fgla --init zeros --iters N
for N in 0, 1, 4 and compares the waveform with the numpy model of librosa 0.10.2's
griffinlim (librosa_model.griffinlim, init=None: zero phase, momentum 0.99) on the same
float32 magnitude:  error = max|sono - model| / max|model|.

Two settings: 3 s of trumpet.ogg at its own rate (44.1 kHz) with n_fft 1024, hop 256,
centred Hann (librosa's defaults otherwise); and an odd n_fft 1023, hop 300, without
centring.

Each waveform is compared whole and in its interior (n_fft samples in from each end; the
edges of an uncentred iSTFT are divided by a window sum-square near 0).  Tolerances
(measured errors in the comments at TOLERANCE).  sono iterates with float32 FFTs, the model
with float64 FFTs rounded to complex64, so the two differ by float32 rounding (~1e-7 of
the peak) at the start.  Griffin-Lim's phase update is not a contraction on all of the
spectrogram: in low-magnitude bins a rounding difference can turn the phase by a large
angle, and such differences grow with the iterations.  A real difference in the
algorithm (the momentum, the padding, the window) gives errors of 1.5e-3 and more after
4 iterations, five times the tolerance or more (numbers at TOLERANCE).

Prints one line per check and "N passed, M failed"; exits 1 on a failure, 2 when sono
cannot be run.  Files go to WORKDIR/griffinlim-XXXXXX, removed on success unless --keep.
"""
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import soundfile as sf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep tests/reference free of __pycache__
sys.path.insert(0, HERE)
import librosa_model as lm  # noqa: E402

# Tolerance per number of iterations, on max|sono - model| / max|model| over the whole
# signal and over its interior.  Measured (gcc, FFTW 3.3.10, numpy 1.24; whole / interior):
#   iters  n1024 h256 centred     n1023 h300 no centring
#   0      1.4e-07 / 1.4e-07      9.8e-08 / 1.7e-07    one iSTFT, float64 in both
#   1      1.9e-06 / 1.9e-06      3.4e-08 / 2.7e-06    float32 FFTs in sono, float64 in numpy
#   4      1.6e-04 / 1.6e-04      5.3e-07 / 1.1e-05    rounding amplified by the iterations
# The growth is the algorithm's, not sono's: the model against itself with the magnitude
# perturbed by 1e-7 (relative) differs by 7.6e-06 after 1 and 8.0e-05 after 4 iterations
# (centred case).  Real differences are far larger: after 4 iterations, momentum 0.98
# instead of 0.99 gives 8.7e-03, plain Griffin-Lim 3.7e-01, reflect instead of zero
# padding 4.9e-02, a Hamming window 5.8e-01.
TOLERANCE = {0: 5e-7, 1: 5e-6, 4: 3e-4}

SETTINGS = [
    dict(name="trumpet_n1024_h256", clip="trumpet.ogg", duration=3.0, n_fft=1024, hop=256,
         center=True, scale=1.0),
    # Without centring, the first and last samples are divided by a window sum-square
    # near 0 (librosa leaves only values below float32's tiny undivided) and come out
    # ~2e4 times the peak of the rest; sono's WAV writer would clip them.  Griffin-Lim
    # is linear in the magnitude's scale, and 2**-16 is exact in floating point, so the
    # scaled magnitude gives the same waveform, 2**-16 times smaller, unclipped.
    dict(name="trumpet_n1023_h300_nocenter", clip="trumpet.ogg", duration=3.0, n_fft=1023,
         hop=300, center=False, scale=2.0 ** -16),
]
TIMEOUT = 120


class SonoError(Exception):
    pass


def run(argv):
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise SonoError(f"{' '.join(argv)}: {e}") from e
    if p.returncode != 0:
        raise SonoError(f"{' '.join(argv)}: exit {p.returncode}: "
                        f"{p.stderr.decode(errors='replace').strip()}")


def stft_args(s):
    args = ["--n-fft", str(s["n_fft"]), "--hop", str(s["hop"])]
    args.append("--center" if s["center"] else "--no-center")
    return args


def errors(y, ref, n_fft):
    """max|y - ref| / max|ref| over the whole signal, and over the interior (n_fft
    samples in from each end), where the window sum-square is not small."""
    d = np.abs(y.astype(np.float64) - ref)
    whole = float(np.max(d) / np.max(np.abs(ref)))
    inner = slice(n_fft, len(ref) - n_fft)
    interior = float(np.max(d[inner]) / np.max(np.abs(ref[inner])))
    return whole, interior


def check_setting(sono, data, work, s):
    """Returns a list of (name, error, tolerance)."""
    clip = os.path.join(data, s["clip"])
    sr = sf.info(clip).samplerate
    raw_path = os.path.join(work, s["name"] + ".raw.npy")
    run([sono, "stft", clip, "-o", raw_path, "--duration", str(s["duration"]), "--magnitude"]
        + stft_args(s))
    S = np.load(raw_path)
    if S.dtype != np.float32 or S.shape[0] != 1 + s["n_fft"] // 2:
        raise SonoError(f"{raw_path}: unexpected magnitude {S.dtype} {S.shape}")
    S = S * np.float32(s["scale"])
    mag_path = os.path.join(work, s["name"] + ".npy")
    np.save(mag_path, S)
    out = []
    for iters in sorted(TOLERANCE):
        wav = os.path.join(work, f"{s['name']}_fgla{iters}.wav")
        run([sono, "invert", mag_path, "-o", wav, "--sr", str(sr), "--method", "fgla",
             "--init", "zeros", "--iters", str(iters)] + stft_args(s))
        y, _ = sf.read(wav, dtype="float32")
        ref = lm.griffinlim(S, n_iter=iters, hop_length=s["hop"], n_fft=s["n_fft"],
                            center=s["center"], init=None)
        name = f"{s['name']}_iters{iters}"
        if y.shape != ref.shape or np.max(np.abs(ref)) >= 1.0:
            print(f"{name}: sono gave {y.shape[0]} samples, the model {ref.shape[0]} "
                  f"with peak {np.max(np.abs(ref)):.3g}")
            out.append((name + "_whole", float("inf"), TOLERANCE[iters]))
            continue
        whole, interior = errors(y, ref, s["n_fft"])
        out.append((name + "_whole", whole, TOLERANCE[iters]))
        out.append((name + "_interior", interior, TOLERANCE[iters]))
    return out


def main(argv):
    args = [a for a in argv[1:] if a != "--keep"]
    keep = "--keep" in argv[1:]
    if len(args) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    sono, data, workroot = args
    os.makedirs(workroot, exist_ok=True)
    work = tempfile.mkdtemp(prefix="griffinlim-", dir=workroot)
    failed = passed = 0
    try:
        for s in SETTINGS:
            for name, err, tol in check_setting(sono, data, work, s):
                ok = err <= tol
                passed += ok
                failed += not ok
                print(f"{name:45s} max_abs_over_max {err:.3e}  tol {tol:.0e}  "
                      f"{'PASS' if ok else 'FAIL'}")
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
