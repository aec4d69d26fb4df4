#!/usr/bin/python3
"""`sono bench` against its peers on the same samples, in one run on one machine.

Usage: /usr/bin/python3 bench/peers.py [--sono PATH] [--input FILE] [--runs N]
                                       [--threads N] [--workload NAME]...
                                       [--no-torch] [--no-model] [--json FILE]

Runs `sono bench --json` on FILE (default: tests/data/trumpet.ogg; bench/make_input.sh
makes issue 7's 120 s of 44.1 kHz music), then times the same workloads on the same
decoded samples (soundfile, mixed to mono as librosa.to_mono) through each peer that can
be imported, the way sono times them: one warm-up call, then the median of N calls, each
from samples in memory to the result in memory (window, filterbank and plan made inside
the call, as a librosa call does):

  librosa      librosa.stft / feature.melspectrogram + power_to_db / feature.mfcc /
               cqt (res_type='polyphase', as sono's) / griffinlim / resample (soxr_hq),
               when librosa can be imported;
  torchaudio   transforms.Spectrogram / MelSpectrogram + AmplitudeToDB / MFCC /
               GriffinLim, functional.resample (its default sinc filter; it has no
               CQT), with constant
               (zero) centre padding as librosa 0.10 (GriffinLim pads with 'reflect'; it
               has no option); torch.fft.rfft for fft-floor.  torch keeps its own thread
               count (1 on Debian's build here) unless --torch-threads is given: two
               OpenMP threads spin and slow down badly when another process holds a core
               (docs/phase.md);
  numpy model  tests/reference/librosa_model.py, the project's numpy/scipy transcription
               of librosa 0.10's definitions (stft, melspectrogram, power_to_db, mfcc,
               griffinlim), and tests/reference/cqt_model.py's librosa.cqt: what librosa
               computes, without librosa's own overheads (its block-wise stft, checks,
               caching).  It is NOT librosa.  Its resample is
               scipy.signal.resample_poly, librosa's res_type='polyphase' (not librosa's
               default soxr_hq, which needs python-soxr); its fft-floor numpy.fft.rfft of
               the same frames, as librosa's stft calls it.

The 22.05 kHz input of mfcc, cqt and griffinlim is made for the peers with
scipy.signal.resample_poly (untimed; only the timing depends on it).  The ratio column is peer ms / sono ms: above 1, sono is
faster.  Exit status: 0 when it ran, 2 when it could not.
"""
import argparse
import datetime
import fractions
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np
import scipy.signal
import soundfile as sf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
import librosa_model as lm  # noqa: E402
import cqt_model  # noqa: E402

WORKLOADS = ["stft", "mel", "mfcc", "cqt", "griffinlim", "resample", "fft-floor"]
N_FFT, HOP, N_MELS, N_MFCC, SR22 = 2048, 512, 128, 20, 22050
CQT_BINS, CQT_BPO = 84, 12
GLA_SECONDS, GLA_ITERS, MOMENTUM = 30, 32, 0.99


class BenchError(Exception):
    pass


def resample_poly(y, sr_in, sr_out):
    if sr_in == sr_out:
        return y.copy()
    f = fractions.Fraction(int(sr_out), int(sr_in))
    return scipy.signal.resample_poly(y, f.numerator, f.denominator).astype(np.float32)


def frames_for_floor(y):
    """The windowed, zero-padded (centred) frames the stft workload transforms,
    frames x n_fft float32, as sono bench's fft-floor fills them."""
    yp = np.pad(y, N_FFT // 2)
    n = 1 + (len(yp) - N_FFT) // HOP
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n)[:, None]
    win = lm.get_window("hann", N_FFT).astype(np.float32)
    return np.ascontiguousarray(yp[idx] * win[None, :])


def median_ms(fn, runs):
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


class Inputs:
    def __init__(self, path):
        y, sr = sf.read(path, dtype="float32", always_2d=True)
        self.y = np.ascontiguousarray(y.mean(axis=1, dtype=np.float32))
        self.sr = sr
        self.y22 = resample_poly(self.y, sr, SR22)
        y30 = self.y22[: GLA_SECONDS * SR22]
        self.mag30 = np.abs(lm.stft(y30, n_fft=N_FFT, hop_length=HOP))  # float32
        self.frames = frames_for_floor(self.y)


def model_workloads(x):
    def gla():
        return lm.griffinlim(x.mag30, n_iter=GLA_ITERS, hop_length=HOP, n_fft=N_FFT,
                             momentum=MOMENTUM, init="random", random_state=0)
    return {
        "stft": lambda: np.abs(lm.stft(x.y, n_fft=N_FFT, hop_length=HOP)),
        "mel": lambda: lm.power_to_db(lm.melspectrogram(x.y, x.sr, n_fft=N_FFT,
                                                        hop_length=HOP, n_mels=N_MELS),
                                      ref=1.0),
        "mfcc": lambda: lm.mfcc(x.y22, SR22, n_mfcc=N_MFCC, n_fft=N_FFT, hop_length=HOP,
                                n_mels=N_MELS),
        "cqt": lambda: cqt_model.cqt(x.y22, SR22, hop_length=HOP, n_bins=CQT_BINS,
                                     bins_per_octave=CQT_BPO),
        "griffinlim": gla,
        "resample": lambda: resample_poly(x.y, x.sr, SR22),
        "fft-floor": lambda: np.fft.rfft(x.frames, axis=-1),
    }


def librosa_workloads(librosa, x):
    return {
        "stft": lambda: np.abs(librosa.stft(x.y, n_fft=N_FFT, hop_length=HOP)),
        "mel": lambda: librosa.power_to_db(
            librosa.feature.melspectrogram(y=x.y, sr=x.sr, n_fft=N_FFT, hop_length=HOP,
                                           n_mels=N_MELS), ref=1.0),
        "mfcc": lambda: librosa.feature.mfcc(y=x.y22, sr=SR22, n_mfcc=N_MFCC, n_fft=N_FFT,
                                             hop_length=HOP, n_mels=N_MELS),
        "cqt": lambda: librosa.cqt(x.y22, sr=SR22, hop_length=HOP, n_bins=CQT_BINS,
                                   bins_per_octave=CQT_BPO, res_type="polyphase"),
        "griffinlim": lambda: librosa.griffinlim(x.mag30, n_iter=GLA_ITERS, hop_length=HOP,
                                                 n_fft=N_FFT, momentum=MOMENTUM,
                                                 random_state=0),
        "resample": lambda: librosa.resample(x.y, orig_sr=x.sr, target_sr=SR22,
                                             res_type="soxr_hq"),
        "fft-floor": lambda: np.fft.rfft(x.frames, axis=-1),
    }


def torch_workloads(torch, torchaudio, x):
    T = torchaudio.transforms
    y = torch.from_numpy(x.y)
    y22 = torch.from_numpy(x.y22)
    mag30 = torch.from_numpy(np.ascontiguousarray(x.mag30))
    frames = torch.from_numpy(x.frames)
    common = dict(n_fft=N_FFT, hop_length=HOP, center=True, pad_mode="constant")
    mel_kw = dict(common, n_mels=N_MELS, norm="slaney", mel_scale="slaney", power=2.0)

    def single(fn):
        def run():
            with torch.inference_mode():
                return fn()
        return run

    def gla():
        torch.manual_seed(0)
        with torch.inference_mode():
            return T.GriffinLim(n_fft=N_FFT, n_iter=GLA_ITERS, hop_length=HOP, power=1.0,
                                momentum=MOMENTUM, rand_init=True)(mag30)

    return {
        "stft": single(lambda: T.Spectrogram(power=1.0, **common)(y)),
        "mel": single(lambda: T.AmplitudeToDB(stype="power", top_db=80.0)(
            T.MelSpectrogram(sample_rate=x.sr, **mel_kw)(y))),
        "mfcc": single(lambda: T.MFCC(sample_rate=SR22, n_mfcc=N_MFCC, norm="ortho",
                                      log_mels=False, melkwargs=mel_kw)(y22)),
        "griffinlim": gla,
        "resample": single(lambda: torchaudio.functional.resample(y, x.sr, SR22)),
        "fft-floor": single(lambda: torch.fft.rfft(frames, dim=-1)),
    }


def run_sono(args):
    cmd = [args.sono, "bench", "--json", "--input", args.input, "--runs", str(args.runs)]
    for w in args.workload:
        cmd += ["--workload", w]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if p.returncode != 0:
        raise BenchError(f"{' '.join(cmd)}: exit {p.returncode}: "
                         f"{p.stderr.decode(errors='replace').strip()}")
    return json.loads(p.stdout)


def fmt(v):
    return "-" if v is None else f"{v:.1f}" if v >= 10 else f"{v:.2f}"


def ratio(peer, ours):
    return None if peer is None or not ours else peer / ours


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sono", default=os.path.join(ROOT, "build", "sono"))
    ap.add_argument("--input", default=os.path.join(ROOT, "tests", "data", "trumpet.ogg"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=0,
                    help="sono's threads, all workloads but resample (default: sono's own, "
                         "SONO_THREADS or all cores)")
    ap.add_argument("--workload", action="append", default=[], choices=WORKLOADS)
    ap.add_argument("--torch-threads", type=int, default=0,
                    help="torch.set_num_threads (default: torch's own)")
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--no-model", action="store_true")
    ap.add_argument("--json", help="write the measurements to this file")
    args = ap.parse_args(argv[1:])
    if args.runs < 1 or args.threads < 0 or args.torch_threads < 0:
        ap.error("--runs must be at least 1, --threads and --torch-threads not negative")
    wanted = [w for w in WORKLOADS if not args.workload or w in args.workload]
    if not os.access(args.sono, os.X_OK):
        print(f"bench/peers.py: {args.sono}: not an executable (build sono, or give --sono)",
              file=sys.stderr)
        return 2

    load_before = os.getloadavg()
    started = datetime.datetime.now(datetime.timezone.utc)
    try:
        ours = run_sono(args)
    except (BenchError, ValueError) as e:
        print(f"bench/peers.py: {e}", file=sys.stderr)
        return 2
    sono_threads = ours["threads"]
    x = Inputs(args.input)

    peers, notes, torch_threads = [], [], None
    try:
        import librosa
        peers.append((f"librosa {librosa.__version__}", librosa_workloads(librosa, x)))
    except Exception as e:  # ImportError, or a broken installation
        notes.append(f"librosa: not available ({type(e).__name__}: {e})")
    if not args.no_torch:
        try:
            import torch
            import torchaudio
            if args.torch_threads:
                torch.set_num_threads(args.torch_threads)
            torch_threads = torch.get_num_threads()
            peers.append((f"torchaudio {torchaudio.__version__}",
                          torch_workloads(torch, torchaudio, x)))
        except Exception as e:
            notes.append(f"torchaudio: not available ({type(e).__name__}: {e})")
    if not args.no_model:
        peers.append(("numpy model", model_workloads(x)))

    results = {name: {} for name, _ in peers}
    for w in wanted:
        for name, fns in peers:
            if w in fns and ours["ms"].get(w) is not None:
                results[name][w] = median_ms(fns[w], args.runs)
                print(f"# {w}: {name} {results[name][w]:.2f} ms", file=sys.stderr)
    load_after = os.getloadavg()

    head = "| workload | sono ms |"
    rule = "|---|---:|"
    for name, _ in peers:
        head += f" {name} ms | ratio |"
        rule += "---:|---:|"
    print(head)
    print(rule)
    for w in wanted:
        s = ours["ms"].get(w)
        if s is None:
            why = ours.get("unavailable", {}).get(w, "not timed")
            print(f"| {w} | not available ({why}) |" + " |" * (2 * len(peers)))
            continue
        row = f"| {w} | {fmt(s)} |"
        for name, _ in peers:
            p = results[name].get(w)
            r = ratio(p, s)
            row += f" {fmt(p)} | {'-' if r is None else f'{r:.2f}x'} |"
        print(row)
    print()
    sono_floor = ours["ms"].get("stft"), ours["ms"].get("fft-floor")
    if all(sono_floor):
        print(f"sono stft / fft-floor: {sono_floor[0] / sono_floor[1]:.2f}")
    print(f"input: {ours['input']}, {ours['rate']:g} Hz, {ours['seconds']:.1f} s, "
          f"{ours['frames']} frames; median of {args.runs} runs after 1 warm-up; "
          f"{os.cpu_count()} cores; sono: {sono_threads} thread(s) (resample: 1); "
          f"torch: {torch_threads} thread(s); numpy: its own "
          f"(single-threaded FFTs, OpenBLAS threads for products); "
          f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}; "
          f"{started.date().isoformat()}")
    print("ratio = peer ms / sono ms (above 1: sono faster).  'numpy model' is "
          "tests/reference/librosa_model.py (cqt: cqt_model.py), a numpy transcription "
          "of librosa's definitions, not librosa; its resample is scipy's resample_poly "
          "(librosa's res_type='polyphase').")
    for n in notes:
        print(n)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(dict(date=started.isoformat(timespec="seconds"), sono=ours,
                           peers=results, notes=notes, runs=args.runs,
                           torch_threads=torch_threads,
                           cpus=os.cpu_count(), machine=platform.machine(),
                           load_before=load_before, load_after=load_after,
                           numpy=np.__version__), f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
