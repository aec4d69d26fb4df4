#!/usr/bin/python3
"""Independent numpy/scipy model of librosa 0.10.2's frame features and A-weighting.

Written from the documented definitions (not copied from librosa), on top of
librosa_model.py's STFT, mel spectrogram and dB conversion, and following librosa's
dtypes where they decide a result: float32 magnitudes, the float64 normalisation of the
centroid and bandwidth, the float32 cumulative sum and threshold of the rolloff, float32
dB for the onset strength.

  spectral_centroid, spectral_bandwidth, spectral_rolloff, spectral_flatness -> (1, frames)
  onset_strength -> (frames,)
  rms, zero_crossing_rate -> (1, frames), from the signal's own frames (np.pad, no window)
  A_weighting, perceptual_weighting

Run with Debian's interpreter: /usr/bin/python3 (numpy 1.24, scipy 1.10).
"""
import numpy as np
import scipy.ndimage

import librosa_model as lm


def _magnitude(y, n_fft, hop_length, win_length, window, center, pad_mode):
    D = lm.stft(y, n_fft=n_fft, hop_length=hop_length, win_length=win_length,
                window=window, center=center, pad_mode=pad_mode)
    # librosa 0.10 fills a Fortran-ordered STFT matrix, so numpy's float32 sums over the
    # bins of a frame run along contiguous memory: pairwise, not one row after another.
    return np.asfortranarray(np.abs(D))  # float32


def _normalize_l1(S):
    """librosa.util.normalize(S, norm=1, axis=-2): float64 column sums; a column whose
    sum is below float32's tiny is left as it is. The result keeps S's dtype."""
    length = np.sum(np.abs(S).astype(np.float64), axis=-2, keepdims=True)
    length[length < np.finfo(S.dtype).tiny] = 1.0
    out = np.empty_like(S)
    out[:] = S / length
    return out


def spectral_centroid(y, sr, n_fft=2048, hop_length=512, win_length=None, window="hann",
                      center=True, pad_mode="constant"):
    S = _magnitude(y, n_fft, hop_length, win_length, window, center, pad_mode)
    freq = lm.fft_frequencies(sr, n_fft)[:, None]
    return np.sum(freq * _normalize_l1(S), axis=-2, keepdims=True)


def spectral_bandwidth(y, sr, n_fft=2048, hop_length=512, win_length=None, window="hann",
                       center=True, pad_mode="constant", p=2):
    S = _magnitude(y, n_fft, hop_length, win_length, window, center, pad_mode)
    freq = lm.fft_frequencies(sr, n_fft)[:, None]
    centroid = np.sum(freq * _normalize_l1(S), axis=-2, keepdims=True)
    deviation = np.abs(freq - centroid)
    return np.sum(_normalize_l1(S) * deviation ** p, axis=-2, keepdims=True) ** (1.0 / p)


def spectral_rolloff(y, sr, n_fft=2048, hop_length=512, win_length=None, window="hann",
                     center=True, pad_mode="constant", roll_percent=0.85):
    if not 0.0 < roll_percent < 1.0:
        raise ValueError("roll_percent must be in (0, 1)")
    S = _magnitude(y, n_fft, hop_length, win_length, window, center, pad_mode)
    freq = lm.fft_frequencies(sr, n_fft)[:, None]
    running = np.cumsum(S, axis=-2)                       # float32, in order
    threshold = np.float32(roll_percent) * running[-1:, :]  # float32
    picked = np.where(running < threshold, np.nan, 1.0)
    return np.nanmin(picked * freq, axis=-2, keepdims=True)


def spectral_flatness(y, n_fft=2048, hop_length=512, win_length=None, window="hann",
                      center=True, pad_mode="constant", amin=1e-10, power=2.0):
    S = _magnitude(y, n_fft, hop_length, win_length, window, center, pad_mode)
    S_thresh = np.maximum(np.float32(amin), S ** np.float32(power))
    gmean = np.exp(np.mean(np.log(S_thresh), axis=-2, keepdims=True))
    amean = np.mean(S_thresh, axis=-2, keepdims=True)
    return gmean / amean


def onset_strength(y, sr, n_fft=2048, hop_length=512, lag=1, max_size=1, center=True,
                   **mel_kwargs):
    """Mean over mel bands of the rectified difference of power_to_db(mel power)
    (ref 1, amin 1e-10, top_db 80) against the frame `lag` before (or its maximum over
    max_size bands), lag + n_fft // (2 hop) zeros in front, cut to the frame count."""
    mel_kwargs.setdefault("fmax", 0.5 * sr)
    S = lm.power_to_db(np.abs(lm.melspectrogram(y, sr, n_fft=n_fft, hop_length=hop_length,
                                                **mel_kwargs)))
    if max_size == 1:
        ref = S
    else:
        ref = scipy.ndimage.maximum_filter1d(S, max_size, axis=0)
    env = np.maximum(0.0, S[:, lag:] - ref[:, :-lag])
    env = np.mean(env, axis=0)
    pad = lag + (n_fft // (2 * hop_length) if center else 0)
    env = np.pad(env, (pad, 0), mode="constant")
    return env[:S.shape[1]] if center else env


def _signal_frames(y, frame_length, hop_length, center, pad_mode):
    y = np.asarray(y, dtype=np.float32)
    if center:
        y = np.pad(y, frame_length // 2, mode=pad_mode)
    return lm._frames(np.ascontiguousarray(y), frame_length, hop_length)


def rms(y, frame_length=2048, hop_length=512, center=True, pad_mode="constant"):
    x = _signal_frames(y, frame_length, hop_length, center, pad_mode)
    power = np.mean(np.square(x, dtype=np.float32), axis=0, keepdims=True)
    return np.sqrt(power)


def zero_crossing_rate(y, frame_length=2048, hop_length=512, center=True, threshold=1e-10):
    """Sign-bit changes between neighbours within each frame (|x| <= threshold counts as
    +0 when threshold > 0), the frame's first sample counting none, over frame_length.
    librosa pads with the edge samples."""
    x = np.array(_signal_frames(y, frame_length, hop_length, center, "edge"))
    if threshold > 0:
        x[np.abs(x) <= threshold] = 0
    sign = np.signbit(x)
    crossings = np.pad(sign[1:] != sign[:-1], ((1, 0), (0, 0)), constant_values=False)
    return np.mean(crossings, axis=0, keepdims=True)


def A_weighting(frequencies, min_db=-80.0):
    """IEC 61672 A-weighting in dB, +2.0 dB so that 1 kHz is about 0, floored at min_db."""
    f_sq = np.asanyarray(frequencies, dtype=np.float64) ** 2
    c = np.array([12194.217, 20.598997, 107.65265, 737.86223]) ** 2
    with np.errstate(divide="ignore"):
        w = 2.0 + 20.0 * (np.log10(c[0]) + 2 * np.log10(f_sq) - np.log10(f_sq + c[0])
                          - np.log10(f_sq + c[1]) - 0.5 * np.log10(f_sq + c[2])
                          - 0.5 * np.log10(f_sq + c[3]))
    return w if min_db is None else np.maximum(min_db, w)


def perceptual_weighting(S, frequencies, **db_kwargs):
    """A_weighting(frequencies) added to power_to_db(S, **db_kwargs), row by row."""
    return A_weighting(frequencies).reshape(-1, 1) + lm.power_to_db(S, **db_kwargs)
