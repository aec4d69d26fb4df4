#!/usr/bin/python3
"""librosa's golden frame features and A-weighting reproduced through the sono command line.

usage: features_cli.py SONO GOLDEN_DIR DATA_DIR BENCH_DATA_DIR WORKDIR

The cases of manifest.json made by librosa.feature.spectral_* (trumpet), by
librosa.onset.onset_strength (brahms.ogg, which lives in bench/data) and by
librosa.perceptual_weighting (trumpet, through `sono mel --weighting a`) are run through
the CLI and compared with the golden .npy within the manifest's tolerance, shape and
dtype included (onset_strength is 1-D, and `sono info` must read it). Prints a line per case and 'N passed, M failed'.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from golden_cli import error  # noqa: E402

# The CLI arguments that make each case, from the call in manifest.json.
ARGS = {
    "centroid_trumpet": ["features", "--kind", "centroid"],
    "bandwidth_trumpet": ["features", "--kind", "bandwidth"],
    "rolloff_trumpet": ["features", "--kind", "rolloff"],
    "flatness_trumpet": ["features", "--kind", "flatness"],
    "onset_strength_brahms": ["features", "--kind", "onset"],
    # perceptual_weighting(M**2, mel_frequencies(24, 50, 8000), ref=np.max) with M the
    # magnitude mel spectrogram: amplitude_to_db(M, ref=max) is power_to_db(M**2, ref=max).
    "perceptual_mel24_trumpet": ["mel", "--power", "1", "--n-mels", "24", "--fmin", "50",
                                 "--fmax", "8000", "--db", "--ref", "max", "--weighting", "a"],
}


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    sono, golden, data, bench_data, work = sys.argv[1:]
    manifest = json.load(open(os.path.join(golden, "manifest.json")))
    cases = {c["name"]: c for c in manifest["cases"]}
    tmp = tempfile.mkdtemp(prefix="features-cli-", dir=work)
    passed = failed = 0
    for name, args in ARGS.items():
        case = cases.get(name)
        if case is None:
            print(f"FAIL {name}: not in manifest.json")
            failed += 1
            continue
        clip = os.path.join(data, case["audio"])
        if not os.path.exists(clip):
            clip = os.path.join(bench_data, case["audio"])
        out = os.path.join(tmp, name + ".npy")
        run = subprocess.run([sono, args[0], clip, "-o", out] + args[1:],
                             capture_output=True, text=True)
        if run.returncode != 0 or run.stderr:
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
        print(f"{'PASS' if ok else 'FAIL'} {name:30s} {tol['kind']:24s} error {e:.3e}  "
              f"tolerance {tol['value']:.0e}")
        passed += ok
        failed += not ok
        if ref.ndim == 1:
            # `sono info` reads the 1-D files sono writes.
            info = subprocess.run([sono, "info", "--json", out], capture_output=True, text=True)
            shape = json.loads(info.stdout)["shape"] if info.returncode == 0 else None
            ok = shape == list(ref.shape)
            print(f"{'PASS' if ok else 'FAIL'} sono info --json {name}.npy: shape {shape}")
            passed += ok
            failed += not ok
        os.remove(out)
    if not os.listdir(tmp):
        os.rmdir(tmp)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or passed == 0 else 0)


if __name__ == "__main__":
    main()
