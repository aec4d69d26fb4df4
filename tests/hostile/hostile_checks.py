"""Checks of what sono wrote in the hostile corpus's successful cases
(cases.tsv, column 'check'), used by run_hostile.py.

Each check is called as check(output_path, argv, argument, stderr) and
returns None when the output is right, or what is wrong.  argv is sono's
command line (argv[2] its input), argument the text after '=' in the case,
with the placeholders expanded.

SPDX-License-Identifier: GPL-3.0-or-later
"""
import os
import re
import sys

import numpy as np
import soundfile as sf
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "reference"))
import librosa_model as model  # noqa: E402
import make_audio  # noqa: E402


def _close(got, want, tol, what):
    if got.shape != want.shape:
        return "%s: shape %s, expected %s" % (what, got.shape, want.shape)
    scale = max(float(np.max(np.abs(want))), 1e-30)
    err = float(np.max(np.abs(got - want))) / scale if want.size else 0.0
    if not err <= tol:
        return "%s: max error %.3g of the peak, above %g" % (what, err, tol)
    return None


def stft_model(out, argv, arg, stderr):
    """The .npy is the complex STFT (defaults), as librosa computes it, of
    the samples make_audio.py put in the input (its EXPECTED); arg: the
    number of frames."""
    y = np.array(make_audio.EXPECTED[os.path.basename(argv[2])](), dtype=np.float32)
    S = np.load(out)
    if S.dtype != np.complex64:
        return "dtype %s, expected complex64" % S.dtype
    if S.shape[1] != int(arg):
        return "%d frames, expected %s (from %d samples)" % (S.shape[1], arg, len(y))
    return _close(S, model.stft(y), 1e-5, "STFT of %d samples" % len(y))


def istft_model(out, argv, arg, stderr):
    """The WAV is librosa's istft of the .npy as numpy loads it (whatever
    its order); arg: the sample rate."""
    S = np.load(argv[2])
    y, sr = sf.read(out, dtype="float32")
    if sr != int(arg):
        return "sample rate %d, expected %s" % (sr, arg)
    return _close(y, model.istft(S).astype(np.float32), 1e-5, "istft")


def npy_shape(out, argv, arg, stderr):
    """The .npy is float32 of shape ROWSxCOLS, all finite."""
    a = np.load(out)
    want = tuple(int(v) for v in arg.split("x"))
    if a.dtype != np.float32 or a.shape != want:
        return "%s %s, expected float32 %s" % (a.dtype, a.shape, want)
    if not np.all(np.isfinite(a)):
        return "non-finite values"
    return None


def clip16(out, argv, arg, stderr):
    """16-bit PCM of the input's samples (an identity transform): samples
    within [-1, 1] at round(x * 32767) +- 1, those beyond at the extremes
    (32767, or -32767 / -32768) and never wrapped; the warning counts them
    (arg: the count)."""
    info = sf.info(out)
    if info.subtype != "PCM_16":
        return "subtype %s, expected PCM_16" % info.subtype
    x, _ = sf.read(argv[2], dtype="float64")
    q, _ = sf.read(out, dtype="int16")
    q = q.astype(np.int64)
    if len(q) != len(x):
        return "%d samples, expected %d" % (len(q), len(x))
    over, under = x > 1, x < -1
    inside = ~(over | under)
    if not np.all(q[over] == 32767):
        i = np.flatnonzero(over & (q != 32767))[0]
        return "sample %d (%.4f) written as %d, not 32767" % (i, x[i], q[i])
    if not np.all((q[under] == -32767) | (q[under] == -32768)):
        i = np.flatnonzero(under & (q > -32767))[0]
        return "sample %d (%.4f) written as %d, not -32767 or -32768" % (i, x[i], q[i])
    err = np.abs(q[inside] - np.round(x[inside] * 32767))
    if err.size and err.max() > 1:
        i = np.flatnonzero(inside)[int(np.argmax(err))]
        return "sample %d (%.6f) written as %d" % (i, x[i], q[i])
    m = re.search(r": (\d+) samples outside \[-1, 1\] were clipped", stderr)
    if not m or int(m.group(1)) != int(over.sum() + under.sum()) or m.group(1) != arg:
        return "warning does not count the %d clipped samples: %s" % (
            over.sum() + under.sum(), stderr.strip())
    return None


def picture_sound(out, argv, arg, stderr):
    """image2sound's WAV: 44.1 kHz, one hop (512) per picture column, finite,
    at the peak of 0.9 (0: silence, for a black picture); arg: WIDTH or
    WIDTH:PEAK."""
    width, _, want = arg.partition(":")
    want = float(want or 0.9)
    y, sr = sf.read(out, dtype="float32")
    if sr != 44100 or y.ndim != 1 or len(y) != 512 * int(width):
        return "%d Hz, shape %s; expected 44100 Hz, %d samples" % (sr, y.shape, 512 * int(width))
    peak = float(np.max(np.abs(y)))
    if not np.all(np.isfinite(y)) or abs(peak - want) > 1e-3:
        return "peak %g, expected %g" % (peak, want)
    return None


def same_picture(out, argv, arg, stderr):
    """image-svd at rank 1 of a picture one pixel wide or tall (a rank-1
    matrix per channel) gives its pixels back, within one level."""
    with Image.open(argv[2]) as a, Image.open(out) as b:
        if a.size != b.size:
            return "size %s, expected %s" % (b.size, a.size)
        mode = b.mode
        pa = np.asarray(a.convert(mode), dtype=np.int64)
        pb = np.asarray(b, dtype=np.int64)
    diff = int(np.max(np.abs(pa - pb)))
    if diff > 1:
        return "pixels differ by up to %d levels" % diff
    return None
