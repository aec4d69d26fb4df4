#!/usr/bin/python3
"""Independent numpy/scipy models of librosa 0.10.2's constant-Q transform.

Written from librosa's documented definitions, not copied from librosa:

- cqt(): librosa.cqt(y, sr, res_type='polyphase') as 0.10 computes it (vqt with gamma 0):
  the filter lengths from the relative bandwidth of the bins, early downsampling when the
  filters reach well below the Nyquist frequency, then octave by octave from the top: that
  octave's wavelet filters (Hann-windowed complex exponentials, L1-normalised, centred in
  a power-of-2 frame) through an FFT, sparsified, applied to the STFT of the signal with a
  rectangular window, and the signal downsampled by 2 (scipy's resample_poly, scaled by
  sqrt(2)) for the next octave while the hop is even; every bin divided by the square root
  of its filter length at the end.
- icqt(): librosa.icqt(C, sr, res_type='polyphase'): per octave (from the bottom) the
  conjugate filters weighted by each filter's inverse spectral energy, an inverse STFT
  with a rectangular window at that octave's rate, upsampled to the full rate and summed.
- cqt_direct(): the same bins by their definition, every filter applied at the full rate by
  convolution, nothing sparsified or resampled: what the recursive computation
  approximates.  Its magnitudes agree with librosa's to about 1e-2 (sparsity and the
  resampling filters), which shows what the numbers mean independently of the machinery.

Run with Debian's interpreter: /usr/bin/python3 (numpy 1.24, scipy 1.10).
SPDX-License-Identifier: GPL-3.0-or-later
"""
import numpy as np
import scipy.signal

C1 = 440.0 * 2.0 ** ((24 - 69) / 12.0)   # librosa.note_to_hz('C1'), MIDI note 24
HANN_ENBW = 1.50018310546875             # librosa.filters.window_bandwidth('hann')
SPARSITY = 0.01


def frequencies(n_bins, fmin=C1, bins_per_octave=12):
    return fmin * 2.0 ** (np.arange(n_bins, dtype=float) / bins_per_octave)


def relative_bandwidth(freqs, bins_per_octave):
    """alpha of each bin from the local spacing of the bins (reflected at the ends), or
    from bins_per_octave for a single bin, as librosa 0.10.1+ does."""
    if len(freqs) == 1:
        r = 2.0 ** (1.0 / bins_per_octave)
        return np.array([(r * r - 1) / (r * r + 1)])
    logf = np.log2(freqs)
    bpo = np.empty_like(freqs)
    bpo[0] = 1 / (logf[1] - logf[0])
    bpo[-1] = 1 / (logf[-1] - logf[-2])
    bpo[1:-1] = 2 / (logf[2:] - logf[:-2])
    return (2.0 ** (2 / bpo) - 1) / (2.0 ** (2 / bpo) + 1)


def filter_lengths(freqs, alpha, sr):
    """Fractional filter lengths Q sr / f (Q = 1 / alpha) and the highest frequency the
    filters reach, f (1 + ENBW / (2 Q)) at the top bin."""
    q = 1.0 / alpha
    return q * sr / freqs, float(np.max(freqs * (1 + 0.5 * HANN_ENBW / q)))


def two_factors(x):
    n = 0
    while x > 0 and x % 2 == 0:
        x //= 2
        n += 1
    return n


def fix_length(y, n):
    return y[:n] if len(y) >= n else np.pad(y, (0, n - len(y)))


def downsample(y, factor):
    """librosa.resample(y, orig_sr=factor, target_sr=1, res_type='polyphase', scale=True),
    float32 like its input."""
    z = scipy.signal.resample_poly(y, 1, factor)
    z = fix_length(z, int(np.ceil(len(y) / factor))) / np.sqrt(1.0 / factor)
    return z.astype(y.dtype)


def sparsify_rows(x, quantile=SPARSITY):
    """Zero the smallest entries of each row whose magnitudes sum to less than
    `quantile` of the row's total (librosa.util.sparsify_rows), as complex64."""
    mags = np.abs(x)
    norms = np.sum(mags, axis=1, keepdims=True)
    mag_sort = np.sort(mags, axis=1)
    cumulative = np.cumsum(mag_sort / norms, axis=1)
    threshold_idx = np.argmin(cumulative < quantile, axis=1)
    out = np.zeros(x.shape, dtype=np.complex64)
    for i, j in enumerate(threshold_idx):
        keep = mags[i] >= mag_sort[i, j]
        out[i, keep] = x[i, keep]
    return out


def wavelet(freq, length, sr):
    """One filter: a Hann-windowed complex exponential at the sample times
    floor(-L/2) .. floor(L/2) - 1, normalised to unit L1 norm."""
    t = np.arange(-length // 2, length // 2, dtype=float)
    sig = np.exp(t * 1j * 2 * np.pi * freq / sr)
    sig = sig * scipy.signal.get_window("hann", len(sig), fftbins=True)
    return sig / np.sum(np.abs(sig))


def filter_spectra(freqs, alpha, sr):
    """One octave's filters at rate sr, centred in the next power of 2 above the longest,
    scaled by L / n_fft, FFT'd, the non-negative frequencies kept and sparsified:
    (n_filters x n_fft/2+1 complex64, n_fft)."""
    lengths, _ = filter_lengths(freqs, alpha, sr)
    n_fft = int(2.0 ** np.ceil(np.log2(np.max(lengths))))
    basis = np.zeros((len(freqs), n_fft), dtype=np.complex64)
    for k, (f, length) in enumerate(zip(freqs, lengths)):
        sig = wavelet(f, length, sr)
        left = (n_fft - len(sig)) // 2
        basis[k, left:left + len(sig)] = sig
    basis *= (lengths / float(n_fft))[:, None]
    spectra = np.fft.fft(basis, n=n_fft, axis=1)[:, : n_fft // 2 + 1]
    return sparsify_rows(spectra), n_fft


def _response(y, n_fft, hop, spectra):
    """spectra . STFT(y) with a rectangular window, centred, zero padding."""
    frames = 1 + len(y) // hop
    padded = np.pad(y, n_fft // 2)
    index = np.arange(n_fft)[None, :] + hop * np.arange(frames)[:, None]
    D = np.fft.rfft(padded[index], axis=1).astype(np.complex64).T
    return spectra @ D


def cqt(y, sr, hop_length=512, fmin=C1, n_bins=84, bins_per_octave=12):
    """librosa.cqt(y, sr=sr, hop_length, fmin, n_bins, bins_per_octave,
    res_type='polyphase'): complex64, n_bins x frames."""
    y = np.asarray(y, dtype=np.float32)
    n_octaves = int(np.ceil(n_bins / bins_per_octave))
    n_filters = min(bins_per_octave, n_bins)
    freqs = frequencies(n_bins, fmin, bins_per_octave)
    alpha = relative_bandwidth(freqs, bins_per_octave)
    _, cutoff = filter_lengths(freqs, alpha, sr)
    nyquist = sr / 2.0
    if cutoff > nyquist:
        raise ValueError(f"filters reach {cutoff} Hz, above the Nyquist frequency {nyquist}")
    # Early downsampling: as far as the filters stay well below the new Nyquist frequency
    # and the hop stays divisible down to the bottom octave.
    count = min(max(0, int(np.ceil(np.log2(nyquist / cutoff)) - 1) - 1),
                max(0, two_factors(hop_length) - n_octaves + 1))
    if count > 0:
        factor = 2 ** count
        if len(y) < factor:
            raise ValueError(f"signal of {len(y)} samples too short for {n_octaves} octaves")
        hop_length //= factor
        y = downsample(y, factor)
        sr = sr / factor
    responses = []
    my_y, my_sr, my_hop = y, sr, hop_length
    for i in range(n_octaves):
        hi = n_bins - n_filters * i
        lo = max(0, hi - n_filters)
        spectra, n_fft = filter_spectra(freqs[lo:hi], alpha[lo:hi], my_sr)
        spectra *= np.sqrt(sr / my_sr)
        responses.append(_response(my_y, n_fft, my_hop, spectra))
        if my_hop % 2 == 0:
            my_hop //= 2
            my_sr /= 2.0
            my_y = downsample(my_y, 2)
    frames = min(r.shape[1] for r in responses)
    C = np.empty((n_bins, frames), dtype=np.complex64)
    hi = n_bins
    for r in responses:
        C[hi - r.shape[0]:hi] = r[:, :frames]
        hi -= r.shape[0]
    lengths, _ = filter_lengths(freqs, alpha, sr)
    C /= np.sqrt(lengths)[:, None]
    return C


def _istft_ones(D, hop, n_fft):
    """librosa.istft(D, hop_length=hop, window='ones'), centred, natural length, float64:
    overlap-add of the inverse FFTs, divided by the number of frames covering each
    sample where there is one.  The frames are added a hop-long segment at a time (the
    segments of one index never overlap), which keeps the loop short."""
    # Along contiguous rows: numpy's FFT along the first axis of a wide matrix is
    # many times slower.
    frames = np.fft.irfft(np.ascontiguousarray(D.T), n=n_fft, axis=1).T
    T = D.shape[1]
    segments = -(-n_fft // hop)
    y = np.zeros((T + segments, hop))
    count = np.zeros((T + segments, hop))
    for s in range(segments):
        piece = frames[s * hop:(s + 1) * hop]
        y[s:s + T, :len(piece)] += piece.T
        count[s:s + T, :len(piece)] += 1
    y, count = y.ravel(), count.ravel()
    covered = count > np.finfo(np.float64).tiny
    y[covered] /= count[covered]
    return y[n_fft // 2:n_fft // 2 + hop * (T - 1)]


def icqt(C, sr, hop_length=512, fmin=C1, bins_per_octave=12, length=None):
    """librosa.icqt(C, sr=sr, hop_length, fmin, bins_per_octave, length,
    res_type='polyphase'): float64 samples."""
    n_bins = C.shape[0]
    n_octaves = int(np.ceil(n_bins / bins_per_octave))
    freqs = frequencies(n_bins, fmin, bins_per_octave)
    alpha = relative_bandwidth(freqs, bins_per_octave)
    lengths, _ = filter_lengths(freqs, alpha, sr)
    if length is not None:
        C = C[:, :int(np.ceil((length + np.max(lengths)) / hop_length))]
    scale = np.sqrt(lengths)
    # The rate and hop of each octave, bottom first: halved below the top while the hop
    # stays even, as the forward transform downsampled.
    srs, hops = [sr], [hop_length]
    for _ in range(n_octaves - 1):
        if hops[0] % 2 == 0:
            srs.insert(0, srs[0] * 0.5)
            hops.insert(0, hops[0] // 2)
        else:
            srs.insert(0, srs[0])
            hops.insert(0, hops[0])
    y = None
    for i, (my_sr, my_hop) in enumerate(zip(srs, hops)):
        n_filters = min(bins_per_octave, n_bins - bins_per_octave * i)
        sl = slice(bins_per_octave * i, bins_per_octave * i + n_filters)
        spectra, n_fft = filter_spectra(freqs[sl], alpha[sl], my_sr)
        inverse = spectra.conj().T
        power = 1 / np.sum(inverse.real ** 2 + inverse.imag ** 2, axis=0)  # float32
        power *= n_fft / lengths[sl]
        D = np.einsum("fc,c,c,ct->ft", inverse, scale[sl], power, C[sl], optimize=True)
        y_oct = _istft_ones(D, my_hop, n_fft)
        up = sr // my_sr
        if up != 1:
            y_oct = scipy.signal.resample_poly(y_oct, int(up), 1)
        if y is None:
            y = y_oct
        else:
            y[:len(y_oct)] += y_oct
    return fix_length(y, length) if length else y


def cqt_direct(y, sr, hop_length=512, fmin=C1, n_bins=84, bins_per_octave=12):
    """The CQT by its definition at the full rate: bin k at frame t is
    sqrt(L_k) sum_j h_k[j] y[t hop + ceil(l_k / 2) - j], with h_k the filter of wavelet()
    (l_k samples) and y zero outside the signal -- the correlation librosa's frequency-
    domain product computes, before sparsity and resampling.  complex128."""
    y = np.asarray(y, dtype=np.float64)
    freqs = frequencies(n_bins, fmin, bins_per_octave)
    alpha = relative_bandwidth(freqs, bins_per_octave)
    lengths, _ = filter_lengths(freqs, alpha, sr)
    frames = 1 + len(y) // hop_length
    C = np.empty((n_bins, frames), dtype=np.complex128)
    for k, (f, length) in enumerate(zip(freqs, lengths)):
        h = wavelet(f, length, sr)
        z = scipy.signal.fftconvolve(y, h)
        at = hop_length * np.arange(frames) + (len(h) + 1) // 2
        z = np.pad(z, (0, max(0, at[-1] + 1 - len(z))))
        C[k] = np.sqrt(length) * z[at]
    return C
