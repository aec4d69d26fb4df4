#!/usr/bin/python3
"""Check low-rank approximation (`sono image-svd`, sono_low_rank) against numpy's SVD.

Usage: /usr/bin/python3 tests/reference/check_svd.py SONO LOW_RANK_DUMP DATA_DIR WORKDIR [--keep]

1. `sono image-svd data/chelsea.jpg --rank K` for K = 1, 5, 20, 150 against numpy's rank-K
   reconstruction (numpy.linalg.svd in float64) of the same decoded pixels, per RGB channel,
   rounded (numpy.rint) and clipped to 0..255: at most 1 grey level apart.  The pixels are
   the JPEG as sono decodes it, taken from `sono image-svd --rank 10000` (a rank above the
   picture's sides gives the picture back); PIL's decoding is compared with it for the
   record.  The printed lines must be "R: rank K', storage ratio X" (then G and B) with
   K' = min(K, height, width) and X = K' (1 + height + width) / (height width).
   Pictures with alpha (grey + alpha, RGBA) keep it unchanged and stay grey / colour;
   a 16-bit grey PNG is read as rint(v * 255 / 65535).
2. low_rank_dump (sono_low_rank on a .npy) on |STFT|, Re STFT and Im STFT of real clips
   (`sono stft --n-fft 1024 --hop 256`, 513 bins), tall and wide, at ranks that take the
   randomized, the exact and the copying path: the Frobenius error equals the root-sum-square
   of the singular values numpy discards (Eckart-Young) within 1e-3 relative (plus float32's
   rounding of the output, 4 * 2^-23 of the norm); returned singular values within 1e-9 of
   numpy's (exact path) or at most numpy's and within 1e-3 (randomized).

Prints one line per case and "N passed, M failed"; exits 1 on a failure, 2 when sono cannot
be run.  Files go to WORKDIR/svd-XXXXXX, removed on success unless --keep.
"""
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from PIL import Image

TIMEOUT = 300
EY_TOL = 1e-3
FLOAT_FLOOR = 4 * np.finfo(np.float32).eps


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
    return p.stdout.decode()


class Tally:
    def __init__(self):
        self.passed = self.failed = 0

    def report(self, name, ok, detail):
        self.passed += ok
        self.failed += not ok
        print(f"{name:48s} {detail}  {'PASS' if ok else 'FAIL'}")


def rank_k(a, k):
    """numpy's best rank-k approximation of a 2-D array, in float64."""
    u, s, vt = np.linalg.svd(np.asarray(a, dtype=np.float64), full_matrices=False)
    return (u[:, :k] * s[:k]) @ vt[:k]


def expected_lines(names, h, w, k):
    kept = min(k, h, w)
    ratio = kept * (1 + h + w) / (h * w)
    return [(n, kept, ratio) for n in names]


def parse_lines(text):
    """[(name, rank, ratio)] from "NAME: rank K, storage ratio X" lines, or None."""
    out = []
    for line in text.splitlines():
        try:
            name, rest = line.split(": ", 1)
            rank_part, ratio_part = rest.split(", ")
            if not rank_part.startswith("rank ") or not ratio_part.startswith("storage ratio "):
                return None
            out.append((name, int(rank_part[5:]), float(ratio_part[14:])))
        except ValueError:
            return None
    return out


def lines_ok(got, want):
    return (got is not None and len(got) == len(want) and
            all(g[0] == e[0] and g[1] == e[1] and abs(g[2] - e[2]) <= 5e-7
                for g, e in zip(got, want)))


def image_case(t, sono, work, name, src, k, decoded):
    """image-svd of src at rank k against numpy on the decoded pixels (H x W x C)."""
    out = os.path.join(work, f"{name}_rank{k}.png")
    text = run([sono, "image-svd", src, "-o", out, "--rank", str(k)])
    got = np.asarray(Image.open(out))
    h, w = decoded.shape[:2]
    channels = decoded.shape[2] if decoded.ndim == 3 else 1
    ref = decoded.reshape(h, w, channels)
    got = got.reshape(h, w, -1) if got.shape[:2] == (h, w) else got
    colours = 3 if channels >= 3 else 1
    if got.shape != ref.shape:
        t.report(f"{name} rank {k}", False, f"shape {got.shape}, expected {ref.shape}")
        return
    worst, differing = 0, 0
    for c in range(colours):
        want = np.clip(np.rint(rank_k(ref[:, :, c], k)), 0, 255)
        d = np.abs(got[:, :, c].astype(np.float64) - want)
        worst = max(worst, d.max())
        differing += int(np.count_nonzero(d))
    alpha_ok = all(np.array_equal(got[:, :, c], ref[:, :, c]) for c in range(colours, channels))
    names = ["R", "G", "B"] if colours == 3 else ["grey"]
    printed = lines_ok(parse_lines(text), expected_lines(names, h, w, k))
    ok = worst <= 1 and alpha_ok and printed
    t.report(f"{name} rank {k}", ok,
             f"max diff {worst:.0f} level(s), {differing} of {h * w * colours} values differ, "
             f"alpha {'kept' if alpha_ok else 'CHANGED'}, lines {'ok' if printed else repr(text)}")


def test_images(t, sono, data, work):
    jpeg = os.path.join(data, "chelsea.jpg")
    full = os.path.join(work, "chelsea_full.png")
    text = run([sono, "image-svd", jpeg, "-o", full, "--rank", "10000"])
    decoded = np.asarray(Image.open(full).convert("RGB"))
    h, w = decoded.shape[:2]
    pil = np.asarray(Image.open(jpeg).convert("RGB")).astype(int)
    print(f"chelsea.jpg {w}x{h}: sono's decoding vs PIL's: max diff "
          f"{np.abs(pil - decoded).max()} level(s)")
    t.report("chelsea rank 10000 (the picture back)",
             lines_ok(parse_lines(text), expected_lines("RGB", h, w, 10000)),
             f"lines {text.strip()!r}")
    for k in (1, 5, 20, 150):
        image_case(t, sono, work, "chelsea", jpeg, k, decoded)

    # Alpha kept, grey stays grey.
    grey = np.asarray(Image.fromarray(decoded).convert("L"))
    ramp = (np.arange(w)[None, :] * 255 // max(w - 1, 1) + np.zeros((h, 1), int)).astype(np.uint8)
    la = os.path.join(work, "grey_alpha.png")
    Image.fromarray(np.dstack([grey, ramp]), "LA").save(la)
    image_case(t, sono, work, "grey+alpha", la, 5, np.dstack([grey, ramp]))
    rgba = os.path.join(work, "rgba.png")
    Image.fromarray(np.dstack([decoded, ramp]), "RGBA").save(rgba)
    image_case(t, sono, work, "RGBA", rgba, 20, np.dstack([decoded, ramp]))
    g16 = (grey.astype(np.uint32) * 257 + np.arange(w)[None, :] % 200).astype(np.uint16)
    p16 = os.path.join(work, "grey16.png")
    Image.fromarray(g16).save(p16)
    as8 = np.rint(g16.astype(np.float64) * 255 / 65535).astype(np.uint8)
    image_case(t, sono, work, "16-bit grey", p16, 10, as8)


def test_matrices(t, sono, dump, data, work):
    for clip in ("trumpet.ogg", "speech.ogg"):
        spath = os.path.join(work, clip + ".stft.npy")
        run([sono, "stft", os.path.join(data, clip), "-o", spath, "--n-fft", "1024",
             "--hop", "256"])
        s = np.load(spath)
        layers = [("|STFT|", np.abs(s)), ("Re STFT", s.real), ("Im STFT^T", s.imag.T)]
        for lname, m in layers:
            m = np.ascontiguousarray(m, dtype=np.float32)
            a64 = m.astype(np.float64)
            sv = np.linalg.svd(a64, compute_uv=False)
            norm = np.linalg.norm(a64)
            mn = min(m.shape)
            inp = os.path.join(work, "in.npy")
            np.save(inp, m)
            for k, method in ((1, "randomized"), (5, "randomized"), (20, "randomized"),
                              (60, "randomized"), (100, "exact"), (300, "exact"),
                              (mn - 1, "exact"), (mn, "copy")):
                out = os.path.join(work, "out.npy")
                text = run([dump, inp, str(k), "3", out]).split()
                got = np.load(out).astype(np.float64)
                err = np.linalg.norm(a64 - got)
                tail = np.sqrt(np.sum(sv[k:] ** 2))
                ok_ey = abs(err - tail) <= EY_TOL * tail + FLOAT_FLOOR * norm
                excess = (err - tail) / tail if tail > 0 else err / norm
                sig = np.array([float(x) for x in text[3:]])
                n = min(k, mn)
                if method == "randomized":
                    ok_sig = (np.all(sig <= sv[:n] + 1e-9 * sv[0]) and
                              np.all(sig >= sv[:n] * (1 - 1e-3)))
                else:
                    ok_sig = np.all(np.abs(sig - sv[:n]) <= 1e-9 * sv[0])
                ok = text[1] == method and ok_ey and len(sig) == n and ok_sig
                t.report(f"{clip} {lname} {m.shape[0]}x{m.shape[1]} rank {k}", ok,
                         f"{text[1]:10s} Eckart-Young excess {excess:+.2e}, sigma "
                         f"{'ok' if ok_sig else 'OFF'}")


def main(argv):
    args = [a for a in argv[1:] if a != "--keep"]
    keep = "--keep" in argv[1:]
    if len(args) != 4:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    sono, dump, data, workroot = args
    os.makedirs(workroot, exist_ok=True)
    work = tempfile.mkdtemp(prefix="svd-", dir=workroot)
    t = Tally()
    try:
        test_images(t, sono, data, work)
        test_matrices(t, sono, dump, data, work)
    except SonoError as e:
        print(f"cannot run sono: {e}", file=sys.stderr)
        return 2
    print(f"{t.passed} passed, {t.failed} failed")
    if t.failed == 0 and not keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"files kept in {work}")
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
