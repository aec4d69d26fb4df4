#!/usr/bin/python3
"""Prove that librosa_model.py reproduces the librosa 0.10.2 golden outputs.

Usage: /usr/bin/python3 tests/reference/check_model.py [GOLDEN_DIR [DATA_DIR]]
Defaults: ../golden and ../data relative to this file.

Checks every manifest case whose name starts with stft_, amp_db_, mel or mfcc (except
mfcc_to_mel_speech and mel_to_stft_speech), using the manifest's tolerance kind.
Prints one line per case; exits 1 if any case fails or is missing.
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True  # keep tests/reference free of __pycache__
sys.path.insert(0, HERE)
import librosa_model as lm  # noqa: E402

PREFIXES = ("stft_", "amp_db_", "mel", "mfcc")
EXCLUDED = {"mfcc_to_mel_speech", "mel_to_stft_speech"}


def measure(kind, got, ref, tol):
    """Return the error of `got` against `ref` for a manifest tolerance kind."""
    got = np.asarray(got)
    ref = np.asarray(ref)
    if kind == "max_abs_over_max":
        return float(np.max(np.abs(got.astype(np.complex128 if np.iscomplexobj(got) or np.iscomplexobj(ref) else np.float64) - ref))
                     / np.max(np.abs(ref)))
    if kind == "max_abs_db_above_floor":
        ref64 = ref.astype(np.float64)
        mask = ref64 > ref64.max() + float(tol["floor_db"])
        if not mask.any():
            return 0.0
        return float(np.max(np.abs(got.astype(np.float64)[mask] - ref64[mask])))
    if kind == "rel_frobenius":
        d = got.astype(np.complex128) - ref
        return float(np.linalg.norm(d.ravel()) / np.linalg.norm(ref.astype(np.complex128).ravel()))
    if kind == "rel_scalar":
        return float(np.max(np.abs(got.astype(np.float64) - ref) / np.abs(ref)))
    raise ValueError(f"unknown tolerance kind {kind}")


# case name -> function(y, sr) computing the model's version of the golden call
CASES = {
    "stft_default_robin": lambda y, sr: lm.stft(y),
    "stft_default_trumpet": lambda y, sr: lm.stft(y),
    "stft_oddsizes_trumpet": lambda y, sr: lm.stft(y, n_fft=22050, win_length=11025, hop_length=7350),
    "stft_hamming_nocenter_speech": lambda y, sr: lm.stft(y, n_fft=512, hop_length=256, window="hamming", center=False),
    "stft_blackman_reflect_robin": lambda y, sr: lm.stft(y, n_fft=1024, hop_length=256, window="blackman", pad_mode="reflect"),
    "amp_db_robin": lambda y, sr: lm.amplitude_to_db(np.abs(lm.stft(y))),
    "mel24_mag_trumpet": lambda y, sr: np.dot(lm.mel_filters(sr, 2048, n_mels=24, fmin=50.0, fmax=8000.0),
                                              np.abs(lm.stft(y))),
    "mel40_htk_speech": lambda y, sr: lm.melspectrogram(y, sr, n_fft=512, hop_length=160, n_mels=40, fmin=20,
                                                        fmax=8000, htk=True, norm=None),
    "mfcc13_lifter22_speech": lambda y, sr: lm.mfcc(y, sr, n_mfcc=13, lifter=22),
}
for _clip in ("trumpet", "speech", "cat"):
    CASES[f"mel_default_{_clip}"] = lambda y, sr: lm.melspectrogram(y, sr)
    CASES[f"mel_db_max_{_clip}"] = lambda y, sr: lm.power_to_db(lm.melspectrogram(y, sr), ref="max")
    CASES[f"mfcc20_{_clip}"] = lambda y, sr: lm.mfcc(y, sr)


def main(argv):
    golden = argv[1] if len(argv) > 1 else os.path.join(HERE, "..", "golden")
    data = argv[2] if len(argv) > 2 else os.path.join(HERE, "..", "data")
    manifest = json.load(open(os.path.join(golden, "manifest.json")))
    print(f"golden from librosa {manifest.get('librosa')} / numpy {manifest.get('numpy')}; "
          f"model on numpy {np.__version__}")
    selected = [c for c in manifest["cases"]
                if c["name"].startswith(PREFIXES) and c["name"] not in EXCLUDED]
    failed = 0
    for c in selected:
        name = c["name"]
        tol = c["tolerance"]
        fn = CASES.get(name)
        if fn is None:
            print(f"{name:32s} NO MODEL MAPPING                                FAIL")
            failed += 1
            continue
        try:
            y, sr = lm.load(os.path.join(data, c["audio"]))
            if sr != c["sample_rate"]:
                raise ValueError(f"sample rate {sr} != manifest {c['sample_rate']}")
            got = np.asarray(fn(y, sr))
            ref = np.load(os.path.join(golden, c["file"]))
            if got.shape != ref.shape:
                raise ValueError(f"shape {got.shape} != golden {ref.shape}")
            if str(got.dtype) != c["dtype"]:
                raise ValueError(f"dtype {got.dtype} != manifest {c['dtype']}")
            err = measure(tol["kind"], got, ref, tol)
        except Exception as exc:  # report and carry on
            print(f"{name:32s} ERROR {type(exc).__name__}: {exc}   FAIL")
            failed += 1
            continue
        ok = err <= tol["value"]
        failed += not ok
        print(f"{name:32s} {tol['kind']:24s} err={err:.3e}  tol={tol['value']:.0e}  {'PASS' if ok else 'FAIL'}")
    print(f"{len(selected) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
