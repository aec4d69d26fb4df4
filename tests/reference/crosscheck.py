#!/usr/bin/python3
"""Cross-check the sono CLI against the numpy model of librosa 0.10.2 (librosa_model.py).

Usage: /usr/bin/python3 tests/reference/crosscheck.py SONO_BINARY DATA_DIR WORKDIR
                                                       [--keep] [--only SUBSTR] [--skip NAME]...

Runs sono on clips and parameter combinations that are not in the golden manifest,
loads what it wrote, computes the model's result from the same audio and parameters,
and compares:
  complex / linear outputs    max|a-b| / max|b|              <= 1e-5
  dB outputs                  max|a-b| where b > max(b) - 80   <= 0.01 dB
  mfcc                        max|a-b| / max|b|              <= 1e-4
  istft round trips           WAV vs model istft(model stft) <= 1e-5 (max_abs_over_max),
                              WAV vs model istft(sono's .npy) <= 1e-5,
                              WAV vs the original signal      <= 1e-4
Prints one line per check (name, error, tolerance, PASS/FAIL) and a final line
"N passed, M failed"; exits 1 on any failure, 2 if sono cannot be run at all.

All files go to a fresh subfolder of WORKDIR (crosscheck-XXXXXX), removed afterwards
when everything passed, unless --keep is given.
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
from check_model import measure  # noqa: E402

REL = ("max_abs_over_max", 1e-5)
DB = ("max_abs_db_above_floor", 0.01)
MFCC = ("max_abs_over_max", 1e-4)
RT_ORIG = ("max_abs_over_max", 1e-4)
DB_FLOOR = -80.0
TIMEOUT = 600

# sono CLI defaults, per the CLI contract (used when a case leaves an option out)
STFT_DEFAULTS = dict(n_fft=2048, hop=None, win_length=None, window="hann", center=True,
                     pad_mode="constant")
MEL_DEFAULTS = dict(n_mels=128, fmin=0.0, fmax=None, htk=False, norm="slaney")


# --------------------------------------------------------------------------- case list
def C(name, cmd, clip, audio=None, stft=None, mel=None, **extra):
    return dict(name=name, cmd=cmd, clip=clip, audio=audio or {}, stft=stft or {},
                mel=mel or {}, **extra)


CASES = [
    # ---- stft, complex output
    C("stft_cat_n1000_h250_w800_hamming", "stft", "cat.wav",
      stft=dict(n_fft=1000, hop=250, win_length=800, window="hamming")),
    C("stft_trumpetflac_n1023_h100_bartlett_reflect", "stft", "trumpet.flac",
      stft=dict(n_fft=1023, hop=100, window="bartlett", pad_mode="reflect")),
    C("stft_robin_n512_h128_rect_edge", "stft", "robin.ogg",
      stft=dict(n_fft=512, hop=128, window="rectangular", pad_mode="edge")),
    C("stft_robin_nocenter_n1024_h300_blackman", "stft", "robin.ogg",
      stft=dict(n_fft=1024, hop=300, window="blackman", center=False)),
    C("stft_speech_n2048_w1001_h333_center", "stft", "speech.ogg",
      stft=dict(n_fft=2048, win_length=1001, hop=333, center=True)),
    C("stft_cat_default_sr44100", "stft", "cat.wav", audio=dict(sr=44100)),
    C("stft_trumpetogg_ch0", "stft", "trumpet.ogg", audio=dict(channel=0),
      stft=dict(n_fft=1024, hop=256)),
    C("stft_trumpetogg_ch1", "stft", "trumpet.ogg", audio=dict(channel=1),
      stft=dict(n_fft=1024, hop=256)),
    C("stft_trumpetogg_mix_explicit", "stft", "trumpet.ogg", audio=dict(channel="mix"),
      stft=dict(n_fft=1024, hop=256)),
    C("stft_cat_offset0.5_dur1.25", "stft", "cat.wav", audio=dict(offset=0.5, duration=1.25),
      stft=dict(n_fft=512, hop=128, window="hamming")),
    C("stft_speech_nocenter_win400_n512_h160", "stft", "speech.ogg",
      stft=dict(n_fft=512, win_length=400, hop=160, center=False)),
    # ---- stft, real outputs
    C("stft_cat_magnitude", "stft", "cat.wav", out="magnitude"),
    C("stft_speech_power_n400_h160", "stft", "speech.ogg", out="power",
      stft=dict(n_fft=400, hop=160)),
    C("stft_trumpetflac_db", "stft", "trumpet.flac", out="db"),
    C("stft_robin_db_reflect_n1024", "stft", "robin.ogg", out="db",
      stft=dict(n_fft=1024, pad_mode="reflect")),
    # ---- stft edge cases of librosa's padding
    C("edge_stft_short_constant_nfft_gt_len", "stft", "cat.wav",
      audio=dict(offset=1.0, duration=0.02), stft=dict(n_fft=2048, hop=256)),
    C("edge_stft_short_reflect_nfft_gt_len", "stft", "cat.wav",
      audio=dict(offset=1.0, duration=0.02), stft=dict(n_fft=2048, hop=256, pad_mode="reflect")),
    C("edge_stft_reflect_tail_quirk_rect", "stft", "speech.ogg", audio=dict(duration=1.28),
      stft=dict(n_fft=1024, hop=512, window="rectangular", pad_mode="reflect")),
    # ---- mel
    C("mel_cat_power1", "mel", "cat.wav", power=1),
    C("mel_speech_htk_n1024_h256", "mel", "speech.ogg", stft=dict(n_fft=1024, hop=256),
      mel=dict(htk=True)),
    C("mel_trumpetflac_norm_none", "mel", "trumpet.flac", mel=dict(norm=None)),
    C("mel_robin_fmin100_fmax5000", "mel", "robin.ogg", mel=dict(fmin=100.0, fmax=5000.0)),
    C("mel_speech_nmels64_n512_w400_h160_hamming", "mel", "speech.ogg",
      stft=dict(n_fft=512, win_length=400, hop=160, window="hamming"), mel=dict(n_mels=64)),
    C("mel_speech_htk_nonorm_40_fmin50_fmax7000_n400", "mel", "speech.ogg",
      stft=dict(n_fft=400, hop=160), mel=dict(n_mels=40, fmin=50.0, fmax=7000.0, htk=True, norm=None)),
    C("mel_trumpetogg_ch1_offset_duration", "mel", "trumpet.ogg",
      audio=dict(channel=1, offset=0.5, duration=1.25)),
    C("mel_robin_nocenter_n1024", "mel", "robin.ogg", stft=dict(center=False, n_fft=1024)),
    C("mel_cat_win1024_default_hop", "mel", "cat.wav", stft=dict(win_length=1024)),
    C("mel_cat_db_refmax", "mel", "cat.wav", db=True, ref="max"),
    C("mel_trumpetflac_db_ref1_topdbnone", "mel", "trumpet.flac", db=True, ref=1.0, top_db=None),
    C("mel_robin_db_topdb60", "mel", "robin.ogg", db=True, top_db=60.0),
    C("mel_speech_db_refmax_topdb60", "mel", "speech.ogg", db=True, ref="max", top_db=60.0),
    C("mel_cat_db_default_ref", "mel", "cat.wav", db=True),
    C("mel_cat_power1_db_refmax", "mel", "cat.wav", power=1, db=True, ref="max"),
    C("mel_speech_power1_db_ref0.01_topdbnone", "mel", "speech.ogg", power=1, db=True, ref=0.01,
      top_db=None),
    # ---- mfcc
    C("mfcc_cat_13_l0", "mfcc", "cat.wav", n_mfcc=13, lifter=0),
    C("mfcc_cat_40_l22", "mfcc", "cat.wav", n_mfcc=40, lifter=22),
    C("mfcc_robin_13_l22", "mfcc", "robin.ogg", n_mfcc=13, lifter=22),
    C("mfcc_robin_40_l0", "mfcc", "robin.ogg", n_mfcc=40, lifter=0),
    C("mfcc_trumpetflac_13_l22", "mfcc", "trumpet.flac", n_mfcc=13, lifter=22),
    C("mfcc_trumpetflac_40_l0", "mfcc", "trumpet.flac", n_mfcc=40, lifter=0),
    C("mfcc_speech_default", "mfcc", "speech.ogg"),
    C("mfcc_speech_n1024_default_hop", "mfcc", "speech.ogg", stft=dict(n_fft=1024)),
    C("mfcc_speech_13_l22_n512_h160_mels40_htk", "mfcc", "speech.ogg", n_mfcc=13, lifter=22,
      stft=dict(n_fft=512, hop=160), mel=dict(n_mels=40, fmin=20.0, fmax=8000.0, htk=True)),
    C("mfcc_trumpetogg_ch0_20_l10", "mfcc", "trumpet.ogg", audio=dict(channel=0), n_mfcc=20,
      lifter=10),
    # ---- istft round trips (sono stft -> sono istft)
    C("rt_cat_default", "roundtrip", "cat.wav", length="n"),
    C("rt_trumpetflac_n1023_h100_bartlett_reflect", "roundtrip", "trumpet.flac",
      stft=dict(n_fft=1023, hop=100, window="bartlett", pad_mode="reflect"), length="n"),
    C("rt_robin_nocenter_n1000_h250_w800_hamming", "roundtrip", "robin.ogg",
      stft=dict(n_fft=1000, hop=250, win_length=800, window="hamming", center=False), length="n"),
    C("rt_speech_rect_n512_h256_edge", "roundtrip", "speech.ogg",
      stft=dict(n_fft=512, hop=256, window="rectangular", pad_mode="edge"), length="n"),
    C("rt_cat_nolength_n1024_h256", "roundtrip", "cat.wav", stft=dict(n_fft=1024, hop=256),
      length=None),
    C("rt_trumpetogg_ch1_length_short", "roundtrip", "trumpet.ogg", audio=dict(channel=1),
      stft=dict(n_fft=2048, hop=512, window="blackman"), length=-3000),
    C("rt_cat_length_long", "roundtrip", "cat.wav", audio=dict(offset=0.5, duration=1.25),
      stft=dict(n_fft=1024, hop=256), length=+5000),
]


# --------------------------------------------------------------------------- argument building
def fmt_num(v):
    return repr(float(v)) if isinstance(v, float) else str(v)


def audio_args(a):
    out = []
    if "sr" in a:
        out += ["--sr", str(a["sr"])]
    if "channel" in a:
        out += ["--channel", str(a["channel"])]
    if "offset" in a:
        out += ["--offset", fmt_num(a["offset"])]
    if "duration" in a:
        out += ["--duration", fmt_num(a["duration"])]
    return out


def stft_args(s):
    out = []
    if "n_fft" in s:
        out += ["--n-fft", str(s["n_fft"])]
    if "hop" in s:
        out += ["--hop", str(s["hop"])]
    if "win_length" in s:
        out += ["--win-length", str(s["win_length"])]
    if "window" in s:
        out += ["--window", s["window"]]
    if "center" in s:
        out += ["--center" if s["center"] else "--no-center"]
    if "pad_mode" in s:
        out += ["--pad-mode", s["pad_mode"]]
    return out


def mel_args(m):
    out = []
    if "n_mels" in m:
        out += ["--n-mels", str(m["n_mels"])]
    if "fmin" in m:
        out += ["--fmin", fmt_num(m["fmin"])]
    if "fmax" in m:
        out += ["--fmax", fmt_num(m["fmax"])]
    if m.get("htk"):
        out += ["--htk"]
    if "norm" in m:
        out += ["--mel-norm", "none" if m["norm"] is None else m["norm"]]
    return out


def full_stft(s, feature=False):
    """The STFT parameters a case leaves to the defaults, as librosa fills them in:
    librosa.stft's hop is win_length // 4, the feature functions' (melspectrogram,
    mfcc) 512 whatever the window (feature=True)."""
    p = dict(STFT_DEFAULTS)
    p.update(s)
    if p["win_length"] is None:
        p["win_length"] = p["n_fft"]
    if p["hop"] is None:
        p["hop"] = 512 if feature else p["win_length"] // 4
    return p


def model_stft_kwargs(s, feature=False):
    p = full_stft(s, feature)
    return dict(n_fft=p["n_fft"], hop_length=p["hop"], win_length=p["win_length"],
                window=p["window"], center=p["center"], pad_mode=p["pad_mode"])


def model_mel_kwargs(m):
    p = dict(MEL_DEFAULTS)
    p.update(m)
    return p


def model_load(data_dir, case):
    a = case["audio"]
    return lm.load(os.path.join(data_dir, case["clip"]), sr=a.get("sr"),
                   channel=a.get("channel"), offset=a.get("offset", 0.0),
                   duration=a.get("duration"))


# --------------------------------------------------------------------------- model results
def model_result(case, y, sr):
    """Expected array and (kind, tol) for stft / mel / mfcc cases."""
    sk = model_stft_kwargs(case["stft"], feature=case["cmd"] in ("mel", "mfcc"))
    if case["cmd"] == "stft":
        D = lm.stft(y, **sk)
        out = case.get("out")
        if out is None:
            return D, REL
        if out == "magnitude":
            return np.abs(D), REL
        if out == "power":
            return np.abs(D) ** 2, REL
        if out == "db":
            return lm.amplitude_to_db(np.abs(D), ref=1.0, amin=1e-5, top_db=80.0), DB
        raise ValueError(out)
    mk = model_mel_kwargs(case["mel"])
    if case["cmd"] == "mel":
        power = case.get("power", 2)
        M = lm.melspectrogram(y, sr, power=float(power), **sk, **mk)
        if not case.get("db"):
            return M, REL
        ref = case.get("ref", 1.0)
        top_db = case.get("top_db", 80.0)
        if power == 2:
            return lm.power_to_db(M, ref=ref, amin=1e-10, top_db=top_db), DB
        return lm.amplitude_to_db(M, ref=ref, amin=1e-5, top_db=top_db), DB
    if case["cmd"] == "mfcc":
        return lm.mfcc(y, sr, n_mfcc=case.get("n_mfcc", 20), lifter=case.get("lifter", 0),
                       **sk, **mk), MFCC
    raise ValueError(case["cmd"])


def sono_args(case):
    args = audio_args(case["audio"]) + stft_args(case["stft"])
    if case["cmd"] == "stft":
        out = case.get("out")
        if out:
            args.append("--" + out)
    elif case["cmd"] in ("mel", "mfcc"):
        args += mel_args(case["mel"])
        if case["cmd"] == "mel":
            if "power" in case:
                args += ["--power", str(case["power"])]
            if case.get("db"):
                args.append("--db")
                if "ref" in case:
                    args += ["--ref", case["ref"] if isinstance(case["ref"], str) else fmt_num(case["ref"])]
                if "top_db" in case:
                    args += ["--top-db", "none" if case["top_db"] is None else fmt_num(case["top_db"])]
        else:
            if "n_mfcc" in case:
                args += ["--n-mfcc", str(case["n_mfcc"])]
            if "lifter" in case:
                args += ["--lifter", str(case["lifter"])]
    return args


# --------------------------------------------------------------------------- running
class SonoError(Exception):
    pass


class Runner:
    def __init__(self, binary, workdir):
        self.binary = binary
        self.workdir = workdir

    def run(self, argv):
        cmd = [self.binary] + argv
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               cwd=self.workdir, timeout=TIMEOUT)
        except FileNotFoundError:
            raise SonoError(f"sono binary not found: {self.binary}")
        except PermissionError:
            raise SonoError(f"sono binary not executable: {self.binary}")
        except subprocess.TimeoutExpired:
            raise SonoError(f"timed out after {TIMEOUT}s: {' '.join(cmd)}")
        if p.returncode != 0:
            tail = (p.stderr or p.stdout).decode("utf-8", "replace").strip().splitlines()[-3:]
            raise SonoError(f"exit {p.returncode}: {' '.join(cmd)} :: {' | '.join(tail)}")
        return p


def load_npy(path, expect_dtype):
    if not os.path.exists(path):
        raise SonoError(f"sono exited 0 but wrote no {os.path.basename(path)}")
    a = np.load(path, allow_pickle=False)
    if str(a.dtype) != expect_dtype:
        raise SonoError(f"dtype {a.dtype}, contract says {expect_dtype}")
    return a


def compare(got, ref, kind_tol):
    kind, tol = kind_tol
    if got.shape != ref.shape:
        raise SonoError(f"shape {got.shape} != model {ref.shape}")
    err = measure(kind, got, ref, {"floor_db": DB_FLOOR})
    return err, tol, kind


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def line(self, name, err=None, tol=None, kind="", note=""):
        if err is None:
            self.failed += 1
            print(f"{name:60s} {'-':>10s}  tol={'-':>5s}  FAIL  {note}", flush=True)
            return
        ok = bool(np.isfinite(err)) and err <= tol
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(f"{name:60s} {err:10.3e}  tol={tol:.0e}  {'PASS' if ok else 'FAIL'}  {kind}"
              + (f"  {note}" if note else ""), flush=True)


def run_feature_case(case, runner, data_dir, rep):
    name = case["name"]
    out = os.path.join(runner.workdir, name + ".npy")
    runner.run([case["cmd"], os.path.join(data_dir, case["clip"]), "-o", out] + sono_args(case))
    y, sr = model_load(data_dir, case)
    ref, kt = model_result(case, y, sr)
    expect = "complex64" if (case["cmd"] == "stft" and not case.get("out")) else "float32"
    got = load_npy(out, expect)
    err, tol, kind = compare(got, ref, kt)
    rep.line(name, err, tol, kind, f"shape={tuple(ref.shape)}")


def run_roundtrip_case(case, runner, data_dir, rep):
    name = case["name"]
    y, sr = model_load(data_dir, case)
    n = len(y)
    sk = model_stft_kwargs(case["stft"])
    p = full_stft(case["stft"])
    L = case.get("length")
    length = None if L is None else (n if L == "n" else n + int(L))

    # step 1: sono stft vs model stft
    npy = os.path.join(runner.workdir, name + ".stft.npy")
    runner.run(["stft", os.path.join(data_dir, case["clip"]), "-o", npy]
               + audio_args(case["audio"]) + stft_args(case["stft"]))
    D_model = lm.stft(y, **sk)
    D_sono = load_npy(npy, "complex64")
    err, tol, kind = compare(D_sono, D_model, REL)
    rep.line(name + " [stft]", err, tol, kind)

    # step 2: sono istft of sono's stft
    wav = os.path.join(runner.workdir, name + ".wav")
    istft_opts = ["--sr", str(sr), "--n-fft", str(p["n_fft"]), "--hop", str(p["hop"]),
                  "--win-length", str(p["win_length"]), "--window", p["window"],
                  "--center" if p["center"] else "--no-center"]
    if length is not None:
        istft_opts += ["--length", str(length)]
    runner.run(["istft", npy, "-o", wav] + istft_opts)
    if not os.path.exists(wav):
        raise SonoError("sono istft exited 0 but wrote no WAV")
    info = sf.info(wav)
    if info.subtype != "FLOAT":
        raise SonoError(f"WAV subtype {info.subtype}, contract default is FLOAT (float32)")
    if info.samplerate != sr:
        raise SonoError(f"WAV sample rate {info.samplerate} != {sr}")
    if info.channels != 1:
        raise SonoError(f"WAV has {info.channels} channels, expected 1")
    w, _ = sf.read(wav, dtype="float32", always_2d=False)

    ist = dict(hop_length=p["hop"], win_length=p["win_length"], n_fft=p["n_fft"],
               window=p["window"], center=p["center"], length=length)
    ref_model = lm.istft(D_model, **ist)
    ref_same = lm.istft(D_sono, **ist)
    # End to end, the two STFTs differ by float32 rounding.  Past the end of the
    # signal (a --length longer than it) the window sum-square falls to ~1e-10 and
    # librosa's division amplifies that rounding a millionfold, so the comparison
    # stops where the signal ends; istft on identical input (next line) is compared
    # over the whole length.
    m = min(len(w), len(y))
    err, tol, kind = compare(w[:m], ref_model[:m], REL)
    rep.line(name + " [istft vs model(model stft)]", err, tol, kind, f"len={m}")
    err, tol, kind = compare(w, ref_same, REL)
    rep.line(name + " [istft vs model(sono stft)]", err, tol, kind)

    # step 3: against the original signal, where reconstruction is meaningful
    m = min(len(w), n)
    lo, hi = 0, m
    if not p["center"]:
        # uncentred frames: the first/last n_fft samples are covered only by window tails
        lo, hi = p["n_fft"], max(p["n_fft"], min(m, n - p["n_fft"]))
    err, tol, kind = compare(w[lo:hi], y[lo:hi], RT_ORIG)
    rep.line(name + f" [istft vs original {lo}:{hi}]", err, tol, kind)


def main(argv):
    args = argv[1:]
    keep = "--keep" in args
    only = []
    skip = []
    pos = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--keep":
            pass
        elif a in ("--only", "--skip") and i + 1 < len(args):
            (only if a == "--only" else skip).append(args[i + 1])
            i += 1
        else:
            pos.append(a)
        i += 1
    if len(pos) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    binary, data_dir, workroot = pos
    binary = os.path.abspath(binary) if os.sep in binary else (shutil.which(binary) or binary)
    data_dir = os.path.abspath(data_dir)

    cases = [c for c in CASES if (not only or any(o in c["name"] for o in only))
             and c["name"] not in skip]
    n_checks = sum(4 if c["cmd"] == "roundtrip" else 1 for c in cases)

    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        print(f"crosscheck: sono binary {binary!r} is missing or not executable; "
              f"build sono first (nothing was run)", file=sys.stderr)
        print(f"0 passed, {n_checks} failed")
        return 2
    if not os.path.isdir(data_dir):
        print(f"crosscheck: data directory {data_dir!r} not found", file=sys.stderr)
        print(f"0 passed, {n_checks} failed")
        return 2
    missing = sorted({c["clip"] for c in cases if not os.path.exists(os.path.join(data_dir, c["clip"]))})
    if missing:
        print(f"crosscheck: clips missing from {data_dir}: {', '.join(missing)}", file=sys.stderr)

    os.makedirs(workroot, exist_ok=True)
    work = tempfile.mkdtemp(prefix="crosscheck-", dir=workroot)
    runner = Runner(binary, work)
    rep = Report()
    print(f"sono={binary}  data={data_dir}  work={work}  numpy={np.__version__}")
    for case in cases:
        before = rep.passed + rep.failed
        try:
            if case["cmd"] == "roundtrip":
                run_roundtrip_case(case, runner, data_dir, rep)
            else:
                run_feature_case(case, runner, data_dir, rep)
        except Exception as exc:  # noqa: BLE001 - report and carry on
            # every check of this case that did not get a line counts as failed
            expected = 4 if case["cmd"] == "roundtrip" else 1
            for _ in range(max(expected - (rep.passed + rep.failed - before), 1)):
                rep.line(case["name"], note=f"{type(exc).__name__}: {exc}")
    print(f"{rep.passed} passed, {rep.failed} failed")
    if rep.failed == 0 and not keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"outputs kept in {work}", file=sys.stderr)
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
