#!/usr/bin/python3
"""Phase reconstruction benchmark: `sono invert` against librosa's Griffin-Lim.

Usage: /usr/bin/python3 bench/phase.py [--sono PATH] [--threads N] [--runs N]
                                       [--clips brahms,speech,trumpet,humpback]
                                       [--hops 512,256] [--seed N] [--no-torch]
                                       [--torch-threads N]
                                       [--json FILE] [--workdir DIR] [--keep]

For each clip and hop: the magnitude is made by
    sono stft CLIP --sr 22050 --duration 20 --magnitude [--hop 256] -o MAG.npy
(n_fft 2048, centred Hann, zero padding: librosa 0.10's defaults), then rebuilt by
  - the numpy model of librosa 0.10.2's griffinlim (tests/reference/librosa_model.py),
    32 and 100 iterations, random initial phase (seeded), timed with time.perf_counter
    around the call alone;
  - torchaudio.functional.griffinlim, 32 iterations, momentum 0.99, rand_init, Hann,
    when torchaudio can be imported (torchaudio 0.13 pads with 'reflect' and has no
    option for zero padding);
  - sono invert --method fgla (32 iterations), pghi+fgla (32), pghi, gla (32), with the
    spectral convergence and the time of the reconstruction alone (no file I/O) taken
    from --report.
The spectral convergence SC = 20 log10(||S - |STFT(y)|||_F / ||S||_F) is computed for every
output with the model's stft (the same parameters).  For sono it is also parsed from
--report; the two are printed side by side when they differ by more than 0.1 dB.

Times are medians over --runs runs (default: 3 for sono, 1 for the model and torchaudio).
The speed-up is the model's 32-iteration time over the method's, per clip and hop.

Prints a markdown table and a summary of the targets of issue 4:
  (1) pghi+fgla@32 SC <= librosa@100 SC on every clip and hop;
  (2) fgla@32 at least 5x faster than librosa@32;
  (3) pghi+fgla@32 at least 4x faster than librosa@32;
  (4) pghi alone <= -20 dB at hop 512 and <= -22 dB at hop 256 on music and speech.
Exit status: 0 when it ran (whether or not the targets are met), 2 when it could not.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import soundfile as sf

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
import librosa_model as lm  # noqa: E402

SR = 22050
DURATION = 20
N_FFT = 2048
CLIPS = {
    "brahms": os.path.join(ROOT, "bench", "data", "brahms.ogg"),
    "speech": os.path.join(ROOT, "tests", "data", "speech.ogg"),
    "trumpet": os.path.join(ROOT, "tests", "data", "trumpet.ogg"),
    "humpback": os.path.join(ROOT, "bench", "data", "humpback.ogg"),
}
# Target (4) is about music and speech; the whale song is reported but not counted.
MUSIC_AND_SPEECH = ("brahms", "speech", "trumpet")
PGHI_TARGET = {512: -20.0, 256: -22.0}
SONO_METHODS = [("fgla", 32), ("pghi+fgla", 32), ("pghi", 0), ("gla", 32)]
MODEL_ITERS = (32, 100)
REPORT_RE = re.compile(
    r"spectral convergence: (\S+) dB \((\S+), (\d+) iterations, ([0-9.]+) s\)")


class BenchError(Exception):
    pass


def run(argv):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if p.returncode != 0:
        raise BenchError(f"{' '.join(argv)}: exit {p.returncode}: "
                         f"{p.stderr.decode(errors='replace').strip()}")
    return p.stdout.decode(), p.stderr.decode()


def sc_db(S, y, hop):
    """Spectral convergence of y against the magnitude S, in dB, with the model's stft."""
    X = lm.stft(np.asarray(y, dtype=np.float32), n_fft=2 * (S.shape[0] - 1), hop_length=hop)
    if X.shape != S.shape:
        raise BenchError(f"STFT of the output has shape {X.shape}, the magnitude {S.shape}")
    S64 = S.astype(np.float64)
    return float(20.0 * np.log10(np.linalg.norm(S64 - np.abs(X).astype(np.float64))
                                 / np.linalg.norm(S64)))


def load_torch(threads):
    """torch and torchaudio.functional, or (None, reason).  threads=0 keeps torch's own
    default thread count."""
    try:
        import torch
        import torchaudio
        import torchaudio.functional as F
    except Exception as e:  # ImportError, or a broken installation
        return None, f"torchaudio not available ({type(e).__name__}: {e})"
    if threads:
        torch.set_num_threads(threads)
    return (torch, F, torchaudio.__version__), None


def time_model(S, hop, iters, seed, runs):
    times, y = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        y = lm.griffinlim(S, n_iter=iters, hop_length=hop, n_fft=N_FFT, init="random",
                          random_state=seed, momentum=0.99)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), y


def time_torch(tmod, S, hop, iters, seed, runs):
    torch, F, _ = tmod
    spec = torch.from_numpy(np.ascontiguousarray(S))
    window = torch.hann_window(N_FFT)  # periodic, as scipy's get_window(fftbins=True)
    times, y = [], None
    for _ in range(runs):
        torch.manual_seed(seed)
        t0 = time.perf_counter()
        with torch.no_grad():
            out = F.griffinlim(spec, window, N_FFT, hop, N_FFT, 1.0, iters, 0.99, None, True)
        times.append(time.perf_counter() - t0)
        y = out.numpy()
    return statistics.median(times), y


def time_sono(args, mag, hop, method, iters, runs, out_wav):
    cmd = [args.sono, "invert", mag, "-o", out_wav, "--sr", str(SR), "--hop", str(hop),
           "--method", method, "--report"]
    if method != "pghi":
        cmd += ["--iters", str(iters)]
    if method in ("fgla", "gla"):
        cmd += ["--seed", str(args.seed)]
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    times, sc, warn = [], None, ""
    for _ in range(runs):
        out, err = run(cmd)
        m = REPORT_RE.search(out)
        if not m:
            raise BenchError(f"{' '.join(cmd)}: no report in {out!r}")
        sc = float(m.group(1))
        times.append(float(m.group(4)))
        warn = err.strip()
    return statistics.median(times), sc, warn


def fmt_row(r):
    speed = f"{r['speedup']:.1f}x" if r.get("speedup") else "-"
    return (f"| {r['clip']} | {r['hop']} | {r['method']} | {r['iters']} | "
            f"{r['sc']:.2f} | {r['time']:.3f} | {speed} |")


def bench(args, tmod, work):
    rows, notes = [], []
    for clip in args.clips:
        for hop in args.hops:
            mag = os.path.join(work, f"{clip}_h{hop}.npy")
            run([args.sono, "stft", CLIPS[clip], "-o", mag, "--sr", str(SR), "--duration",
                 str(DURATION), "--magnitude", "--n-fft", str(N_FFT), "--hop", str(hop)])
            S = np.load(mag)
            base = dict(clip=clip, hop=hop, frames=int(S.shape[1]))
            block = []
            for iters in MODEL_ITERS:
                t, y = time_model(S, hop, iters, args.seed, args.model_runs)
                block.append(dict(base, method="librosa model", iters=iters, time=t,
                                  sc=sc_db(S, y, hop), kind="model"))
                print(f"# {clip} hop {hop}: librosa model {iters} it: "
                      f"{block[-1]['sc']:.2f} dB {t:.3f} s", file=sys.stderr)
            if tmod:
                t, y = time_torch(tmod, S, hop, 32, args.seed, args.model_runs)
                block.append(dict(base, method=f"torchaudio {tmod[2]}", iters=32, time=t,
                                  sc=sc_db(S, y, hop), kind="torchaudio"))
            for method, iters in SONO_METHODS:
                wav = os.path.join(work, f"{clip}_h{hop}_{method}.wav")
                t, sc, warn = time_sono(args, mag, hop, method, iters, args.sono_runs, wav)
                y, _ = sf.read(wav, dtype="float32")
                sc_py = sc_db(S, y, hop)
                r = dict(base, method=f"sono {method}", iters=iters, time=t, sc=sc,
                         sc_python=sc_py, kind="sono")
                if abs(sc - sc_py) > 0.1:
                    notes.append(f"{clip} hop {hop} sono {method}: --report {sc:.2f} dB, "
                                 f"numpy model of the WAV {sc_py:.2f} dB"
                                 + (f" ({warn})" if warn else ""))
                block.append(r)
                print(f"# {clip} hop {hop}: sono {method}: {sc:.2f} dB "
                      f"(python {sc_py:.2f}) {t:.3f} s", file=sys.stderr)
            ref = next(r["time"] for r in block if r["kind"] == "model" and r["iters"] == 32)
            for r in block:
                r["speedup"] = ref / r["time"] if r["time"] > 0 else None
            rows += block
    return rows, notes


def find(rows, clip, hop, method, iters=None):
    for r in rows:
        if (r["clip"], r["hop"], r["method"]) == (clip, hop, method) and \
                (iters is None or r["iters"] == iters):
            return r
    return None


def summary(rows, args):
    lines, verdicts = [], {}
    pairs = [(c, h) for c in args.clips for h in args.hops]

    bad, worst = [], None
    for c, h in pairs:
        ours = find(rows, c, h, "sono pghi+fgla")["sc"]
        theirs = find(rows, c, h, "librosa model", 100)["sc"]
        margin = ours - theirs
        worst = margin if worst is None else max(worst, margin)
        if margin > 0:
            bad.append(f"{c}/{h}: {ours:.2f} > {theirs:.2f}")
    verdicts[1] = not bad
    lines.append(f"(1) pghi+fgla@32 SC <= librosa@100 SC on every clip and hop: "
                 f"{'MET' if not bad else 'NOT MET'} (closest: pghi+fgla - librosa@100 = "
                 f"{worst:+.2f} dB{'; failing ' + ', '.join(bad) if bad else ''})")

    for n, method, need in ((2, "sono fgla", 5.0), (3, "sono pghi+fgla", 4.0)):
        speed = [(find(rows, c, h, method)["speedup"], c, h) for c, h in pairs]
        low = min(speed)
        ok = low[0] >= need
        verdicts[n] = ok
        lines.append(f"({n}) {method.split()[1]}@32 at least {need:.0f}x faster than "
                     f"librosa@32: {'MET' if ok else 'NOT MET'} (lowest {low[0]:.2f}x on "
                     f"{low[1]}/{low[2]}, highest {max(speed)[0]:.2f}x)")

    bad, vals = [], []
    for c, h in pairs:
        sc = find(rows, c, h, "sono pghi")["sc"]
        tag = f"{c}/{h} {sc:.2f}"
        if c in MUSIC_AND_SPEECH:
            vals.append(tag)
            if sc > PGHI_TARGET.get(h, -20.0):
                bad.append(tag)
    verdicts[4] = not bad
    others = [f"{c}/{h} {find(rows, c, h, 'sono pghi')['sc']:.2f}" for c, h in pairs
              if c not in MUSIC_AND_SPEECH]
    lines.append(f"(4) pghi alone <= -20 dB at hop 512, <= -22 dB at hop 256 on music and "
                 f"speech: {'MET' if not bad else 'NOT MET'} ({', '.join(vals)}"
                 + (f"; not music or speech, not counted: {', '.join(others)}" if others
                    else "") + ")")
    return lines, verdicts


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sono", default=os.path.join(ROOT, "build", "sono"))
    ap.add_argument("--threads", type=int, default=0,
                    help="passed to sono --threads (default: sono's own default, all cores)")
    ap.add_argument("--torch-threads", type=int, default=0,
                    help="torch.set_num_threads for torchaudio (default: torch's own)")
    ap.add_argument("--runs", type=int, default=None,
                    help="median of N timings (default: 3 for sono, 1 for the model)")
    ap.add_argument("--clips", default=",".join(CLIPS))
    ap.add_argument("--hops", default="512,256")
    ap.add_argument("--seed", type=int, default=0, help="random initial phase seed")
    ap.add_argument("--no-torch", action="store_true", help="skip torchaudio")
    ap.add_argument("--json", help="write every measurement to this file")
    ap.add_argument("--workdir", help="where the magnitudes and WAVs go (default: a "
                    "temporary folder, removed afterwards)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    a = ap.parse_args(argv)
    a.clips = [c for c in a.clips.split(",") if c]
    for c in a.clips:
        if c not in CLIPS:
            ap.error(f"--clips: unknown clip {c!r} (known: {', '.join(CLIPS)})")
    try:
        a.hops = [int(h) for h in a.hops.split(",") if h]
    except ValueError:
        ap.error(f"--hops: not a list of integers: {a.hops!r}")
    if not a.hops or min(a.hops) < 1:
        ap.error("--hops: give positive hop lengths")
    if a.runs is not None and a.runs < 1:
        ap.error("--runs must be at least 1")
    if a.threads < 0 or a.torch_threads < 0:
        ap.error("--threads and --torch-threads must be positive")
    a.sono_runs = a.runs or 3
    a.model_runs = a.runs or 1
    return a


def main(argv):
    args = parse_args(argv[1:])
    if not os.access(args.sono, os.X_OK):
        print(f"bench/phase.py: {args.sono}: not an executable (build sono, or give --sono)",
              file=sys.stderr)
        return 2
    tmod, why = (None, "skipped (--no-torch)") if args.no_torch else \
        load_torch(args.torch_threads)
    if why:
        print(f"# {why}", file=sys.stderr)
    elif tmod:  # first call pays one-off initialisation; keep it out of the timings
        time_torch(tmod, np.ones((1 + N_FFT // 2, 8), np.float32), 512, 1, 0, 1)
    if args.workdir:
        os.makedirs(args.workdir, exist_ok=True)
        work = args.workdir
    else:
        work = tempfile.mkdtemp(prefix="sono-phase-bench-")
    load_before = os.getloadavg()
    started = datetime.datetime.now(datetime.timezone.utc)
    try:
        rows, notes = bench(args, tmod, work)
    except BenchError as e:
        print(f"bench/phase.py: {e}", file=sys.stderr)
        return 2
    finally:
        if not args.workdir and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()

    print("| clip | hop | method | iterations | SC dB | time s | speed-up vs librosa model @32 |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(fmt_row(r))
    print()
    threads = args.threads or f"default (all {os.cpu_count()} cores)"
    print(f"sono threads: {threads}; runs: sono {args.sono_runs}, model "
          f"{args.model_runs} (median); seed {args.seed}; "
          f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    diffs = [abs(r["sc"] - r["sc_python"]) for r in rows if r["kind"] == "sono"]
    print(f"SC cross-check (sono --report vs numpy model of the written WAV): max difference "
          f"{max(diffs):.3f} dB over {len(diffs)} outputs")
    for n in notes:
        print(f"  differs by more than 0.1 dB: {n}")
    if tmod:
        print(f"torchaudio {tmod[2]} with {tmod[0].get_num_threads()} torch threads "
              f"(reflect padding, its own rand_init)")
    else:
        print(f"torchaudio: {why}")
    print()
    lines, verdicts = summary(rows, args)
    print("Targets:")
    for line in lines:
        print(line)

    if args.json:
        meta = dict(date=started.isoformat(timespec="seconds"), sono=args.sono,
                    threads=args.threads, torch_threads=tmod[0].get_num_threads()
                    if tmod else None, sono_runs=args.sono_runs,
                    model_runs=args.model_runs, seed=args.seed, clips=args.clips,
                    hops=args.hops, load_before=load_before, load_after=load_after,
                    cpus=os.cpu_count(), machine=platform.machine(),
                    numpy=np.__version__,
                    torchaudio=tmod[2] if tmod else None)
        with open(args.json, "w") as f:
            json.dump(dict(meta=meta, rows=rows, notes=notes, targets=lines,
                           met={str(k): v for k, v in verdicts.items()}), f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
