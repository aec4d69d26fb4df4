#!/usr/bin/python3
"""librosa's golden outputs reproduced through the sono command line.

usage: golden_cli.py SONO GOLDEN_DIR DATA_DIR WORKDIR

Every case of manifest.json whose name starts with stft_, amp_db_, mel or mfcc
is run through the CLI and compared with the golden .npy within the manifest's
tolerance.  The inversions (mel_to_stft_speech, mfcc_to_mel_speech) take two
commands: the forward one, then `sono invert` stopped at the magnitude or the
mel spectrogram.  Prints a line per case and 'N passed, M failed'.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

# The CLI arguments that make each case, from the call in manifest.json.
ARGS = {
    "stft_default_robin": ["stft"],
    "stft_default_trumpet": ["stft"],
    "stft_oddsizes_trumpet": ["stft", "--n-fft", "22050", "--win-length", "11025", "--hop", "7350"],
    "stft_hamming_nocenter_speech": ["stft", "--n-fft", "512", "--hop", "256", "--window", "hamming", "--no-center"],
    "stft_blackman_reflect_robin": ["stft", "--n-fft", "1024", "--hop", "256", "--window", "blackman", "--pad-mode", "reflect"],
    "amp_db_robin": ["stft", "--db"],
    "mel_default_trumpet": ["mel"],
    "mel_default_speech": ["mel"],
    "mel_default_cat": ["mel"],
    "mel_db_max_trumpet": ["mel", "--db", "--ref", "max"],
    "mel_db_max_speech": ["mel", "--db", "--ref", "max"],
    "mel_db_max_cat": ["mel", "--db", "--ref", "max"],
    "mfcc20_trumpet": ["mfcc"],
    "mfcc20_speech": ["mfcc"],
    "mfcc20_cat": ["mfcc"],
    "mel24_mag_trumpet": ["mel", "--power", "1", "--n-mels", "24", "--fmin", "50", "--fmax", "8000"],
    "mel40_htk_speech": ["mel", "--n-fft", "512", "--hop", "160", "--n-mels", "40", "--fmin", "20",
                         "--fmax", "8000", "--htk", "--mel-norm", "none"],
    "mfcc13_lifter22_speech": ["mfcc", "--n-mfcc", "13", "--lifter", "22"],
    "mel_to_stft_speech": ["mel"],
    "mfcc_to_mel_speech": ["mfcc"],
}
# The second command of the inversion cases, applied to the first's output.
INVERT = {
    "mel_to_stft_speech": ["--from", "mel", "--to", "magnitude", "--sr", "16000"],
    "mfcc_to_mel_speech": ["--from", "mfcc", "--to", "mel", "--sr", "16000"],
}


def in_scope(name):
    return name.startswith(("stft_", "amp_db_", "mel", "mfcc"))


def error(kind, ours, ref, tol):
    if kind == "max_abs_over_max":
        return float(np.abs(ours - ref).max() / np.abs(ref).max())
    if kind == "max_abs_db_above_floor":
        mask = ref > ref.max() + tol["floor_db"]
        return float(np.abs(ours - ref)[mask].max())
    if kind == "rel_frobenius":
        return float(np.linalg.norm(ours - ref) / np.linalg.norm(ref))
    raise ValueError(kind)


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    sono, golden, data, work = sys.argv[1:]
    manifest = json.load(open(os.path.join(golden, "manifest.json")))
    tmp = tempfile.mkdtemp(prefix="golden-cli-", dir=work)
    passed = failed = 0
    for case in manifest["cases"]:
        name = case["name"]
        if not in_scope(name):
            continue
        if name not in ARGS:
            print(f"FAIL {name}: no CLI mapping for this case")
            failed += 1
            continue
        out = os.path.join(tmp, name + ".npy")
        first = os.path.join(tmp, name + ".forward.npy") if name in INVERT else out
        cmd = [sono, ARGS[name][0], os.path.join(data, case["audio"]), "-o", first] + ARGS[name][1:]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode == 0 and name in INVERT:
            cmd = [sono, "invert", first, "-o", out] + INVERT[name]
            run = subprocess.run(cmd, capture_output=True, text=True)
            os.remove(first)
        if run.returncode != 0:
            print(f"FAIL {name}: exit {run.returncode}: {run.stderr.strip()}")
            failed += 1
            continue
        ours = np.load(out)
        ref = np.load(os.path.join(golden, case["file"]))
        tol = case["tolerance"]
        if ours.shape != ref.shape or ours.dtype != ref.dtype:
            print(f"FAIL {name}: {ours.dtype}{ours.shape} vs {ref.dtype}{ref.shape}")
            failed += 1
            continue
        e = error(tol["kind"], ours, ref, tol)
        ok = e <= tol["value"]
        print(f"{'PASS' if ok else 'FAIL'} {name:30s} {tol['kind']:24s} error {e:.3e}  tolerance {tol['value']:.0e}")
        passed += ok
        failed += not ok
        os.remove(out)
    os.rmdir(tmp) if not os.listdir(tmp) else None
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or passed == 0 else 0)


if __name__ == "__main__":
    main()
