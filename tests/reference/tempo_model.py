#!/usr/bin/python3
"""Independent numpy model of librosa 0.10.2's feature.tempogram and feature.rhythm.tempo.

Written from librosa's documented definitions (not copied), on top of features_model's
onset strength:

  tempogram(onset, win_length) -> (win_length, frames): the envelope padded by
      win_length // 2 with numpy's linear_ramp to 0, framed with hop 1, times a periodic
      Hann window, autocorrelated (lags 0 .. win_length - 1) and each frame divided by its
      largest magnitude;
  tempo(y, sr) -> BPM: win_length = floor(ac_size sr / hop), the tempogram averaged over
      time, bin k (k >= 1) meaning 60 sr / (hop k) BPM, scored by log1p(1e6 tg) plus a
      log-normal prior (log2 BPM around log2 start_bpm with std_bpm octaves), bins at or
      above max_tempo excluded; the best bin's BPM.

Run with Debian's interpreter: /usr/bin/python3 (numpy 1.24).
"""
import numpy as np

import features_model as fm


def _smooth_length(n):
    while True:
        m = n
        for p in (2, 3, 5):
            while m % p == 0:
                m //= p
        if m == 1:
            return n
        n += 1


def tempogram(onset, win_length):
    onset = np.asarray(onset, dtype=np.float32)
    n = onset.shape[-1]
    pad = win_length // 2
    padded = np.pad(onset, (pad, pad), mode="linear_ramp", end_values=(0, 0))
    # frames x win_length, each row one window (contiguous, so that the FFTs run along
    # memory; the transpose of librosa's layout)
    frames = np.lib.stride_tricks.sliding_window_view(padded, win_length)[:n]
    k = np.arange(win_length)
    window = 0.5 - 0.5 * np.cos(2.0 * np.pi * k / win_length)
    x = frames * window  # float64, as float32 times a float64 window
    # Any length of at least 2 win_length - 1 gives the same linear autocorrelation
    # (librosa takes exactly that); a 5-smooth one is much faster for pocketfft.
    n_pad = _smooth_length(2 * win_length - 1)
    power = np.abs(np.fft.rfft(x, n=n_pad, axis=1)) ** 2
    ac = np.fft.irfft(power, n=n_pad, axis=1)[:, :win_length].T
    peak = np.max(np.abs(ac), axis=0, keepdims=True)
    peak[peak < np.finfo(ac.dtype).tiny] = 1.0
    return ac / peak


def tempo_frequencies(n_bins, sr, hop_length):
    bpm = np.empty(n_bins)
    bpm[0] = np.inf
    bpm[1:] = 60.0 * sr / (hop_length * np.arange(1.0, n_bins))
    return bpm


def win_length_for(sr, hop_length, ac_size=8.0):
    return int(np.floor(ac_size * sr / hop_length))


def mean_tempogram(y, sr, hop_length=512, ac_size=8.0, onset=None):
    if onset is None:
        onset = fm.onset_strength(y, sr, hop_length=hop_length)
    return np.mean(tempogram(onset, win_length_for(sr, hop_length, ac_size)), axis=1)


def tempo(y, sr, hop_length=512, start_bpm=120.0, std_bpm=1.0, ac_size=8.0, max_tempo=320.0,
          onset=None, tg=None):
    if tg is None:
        tg = mean_tempogram(y, sr, hop_length, ac_size, onset)
    bpm = tempo_frequencies(tg.shape[0], sr, hop_length)
    with np.errstate(divide="ignore", invalid="ignore"):
        logprior = -0.5 * ((np.log2(bpm) - np.log2(start_bpm)) / std_bpm) ** 2
    if max_tempo is not None:
        logprior[:int(np.argmax(bpm < max_tempo))] = -np.inf
    best = int(np.argmax(np.log1p(1e6 * tg) + logprior))
    return bpm[best]
