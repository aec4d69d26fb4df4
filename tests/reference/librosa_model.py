#!/usr/bin/python3
"""Independent numpy/scipy model of the librosa 0.10.2 definitions that sono reproduces.

Written from the documented definitions (not copied from librosa). It deliberately follows
librosa's dtype behaviour (float32 signals, float64 FFT arithmetic, complex64/float32
results, float32 overlap-add accumulation in istft) so that it reproduces the golden
files essentially bit for bit.

Run with Debian's interpreter: /usr/bin/python3 (numpy 1.24, scipy 1.10, soundfile).
"""
import numpy as np
import scipy.fftpack
import scipy.signal
import soundfile as sf

__all__ = [
    "load", "get_window", "pad_center", "frame_count", "stft", "istft",
    "window_sumsquare", "power_to_db", "amplitude_to_db", "db_to_power",
    "db_to_amplitude", "hz_to_mel", "mel_to_hz", "mel_frequencies",
    "fft_frequencies", "mel_filters", "melspectrogram", "mfcc",
]

_WINDOW_NAMES = {
    "hann": "hann",
    "hamming": "hamming",
    "blackman": "blackman",
    "bartlett": "bartlett",
    "rectangular": "boxcar",
    "boxcar": "boxcar",
}


# --------------------------------------------------------------------------- audio
def load(path, sr=None, mono=True, channel=None, offset=0.0, duration=None):
    """Read audio as float32 at its native rate.

    channel=None/'mix' with mono=True -> float32 mean over channels (librosa.to_mono).
    channel=N -> that channel only. mono=False and channel=None -> (channels, n) array.
    offset/duration in seconds. librosa 0.10's soundfile path converts them with int()
    (truncation): start = int(offset*sr), frames = int(duration*sr). For values where
    offset*sr is an exact integer this equals rounding.
    Returns (y, sr).
    """
    with sf.SoundFile(str(path)) as f:
        native = f.samplerate
        if sr is not None and int(sr) != native:
            raise ValueError(f"resampling is not modelled (file rate {native}, requested {sr})")
        if offset:
            f.seek(int(offset * native))
        frames = -1 if duration is None else int(duration * native)
        data = f.read(frames=frames, dtype="float32", always_2d=True)  # (n, channels)
    if channel is not None and channel != "mix":
        c = int(channel)
        if not 0 <= c < data.shape[1]:
            raise ValueError(f"channel {c} out of range for {data.shape[1]}-channel file")
        return np.ascontiguousarray(data[:, c], dtype=np.float32), native
    if mono:
        return np.ascontiguousarray(data.mean(axis=1, dtype=np.float32), dtype=np.float32), native
    return np.ascontiguousarray(data.T, dtype=np.float32), native


# --------------------------------------------------------------------------- windows
def get_window(name, win_length):
    """Periodic ('fftbins') window of length win_length, float64."""
    key = _WINDOW_NAMES.get(str(name).lower())
    if key is None:
        raise ValueError(f"unsupported window {name!r}")
    return scipy.signal.get_window(key, int(win_length), fftbins=True)


def pad_center(x, size):
    """Zero-pad a 1-D array to `size`, extra sample (if odd difference) on the right."""
    n = len(x)
    if n > size:
        raise ValueError(f"cannot centre-pad length {n} into {size}")
    left = (size - n) // 2
    return np.pad(x, (left, size - n - left), mode="constant")


def _stft_window(window, n_fft, win_length):
    return pad_center(get_window(window, win_length), n_fft)


def _frames(x, n_fft, hop):
    """(n_fft, n_frames) strided view of 1-D x; error if too short."""
    if len(x) < n_fft:
        raise ValueError(f"input of length {len(x)} too short for frame length {n_fft}")
    count = 1 + (len(x) - n_fft) // hop
    return np.lib.stride_tricks.as_strided(
        x, shape=(n_fft, count), strides=(x.strides[0], x.strides[0] * hop), writeable=False)


def frame_count(n, n_fft, hop, center=True):
    """Number of STFT columns librosa produces for a signal of n samples."""
    if center:
        return 1 + (n + 2 * (n_fft // 2) - n_fft) // hop
    return 1 + (n - n_fft) // hop


# --------------------------------------------------------------------------- stft
def _centered_frames(y, n_fft, hop, pad_mode):
    """Frames of the centre-padded signal, built the way librosa 0.10 builds them.

    librosa 0.10 avoids padding the whole signal: it pads only a head segment
    (left pad n_fft//2) and a tail segment (right pad n_fft//2) and frames the middle
    unpadded. For 'constant' and 'edge' this is identical to padding everything; for
    'reflect' the tail segment can be shorter than the pad when hop >= n_fft/2, in
    which case numpy's reflect of the short segment differs from reflecting the full
    signal. Modelling the split keeps that behaviour.
    """
    half = n_fft // 2
    n = len(y)
    head_k = -(-half // hop)                       # frames that touch the left pad
    tail_k = (n + half - n_fft) // hop + 1         # first frame that touches the right pad
    if tail_k <= head_k:
        padded = np.pad(y, (half, half), mode=pad_mode)
        return [_frames(padded, n_fft, hop)]
    mid_start = head_k * hop - half
    head_seg = np.pad(y[: (head_k - 1) * hop - half + n_fft + 1], (half, 0), mode=pad_mode)
    parts = [_frames(head_seg, n_fft, hop)[:, :head_k]]
    parts.append(_frames(y[mid_start:], n_fft, hop))
    if tail_k * hop - half + n_fft <= n + half:
        tail_seg = np.pad(y[tail_k * hop - half:], (0, half), mode=pad_mode)
        parts.append(_frames(tail_seg, n_fft, hop))
    return parts


def stft(y, n_fft=2048, hop_length=None, win_length=None, window="hann", center=True,
         pad_mode="constant"):
    """Complex64 STFT, shape (1 + n_fft//2, frames). Arithmetic in float64."""
    y = np.ascontiguousarray(y, dtype=np.float32)
    if y.ndim != 1:
        raise ValueError("mono signal expected")
    if win_length is None:
        win_length = n_fft
    if hop_length is None:
        hop_length = int(win_length // 4)
    if hop_length < 1:
        raise ValueError("hop_length must be >= 1")
    if win_length > n_fft:
        raise ValueError("win_length must be <= n_fft")
    win = _stft_window(window, n_fft, win_length)[:, None]
    if center:
        if pad_mode not in ("constant", "reflect", "edge"):
            raise ValueError(f"pad_mode {pad_mode!r} not modelled")
        parts = _centered_frames(y, n_fft, hop_length, pad_mode)
    else:
        parts = [_frames(y, n_fft, hop_length)]
    out = [_blockwise(lambda cols: np.fft.rfft(win * cols, axis=0), p, 1 + n_fft // 2)
           .astype(np.complex64) for p in parts]
    return np.ascontiguousarray(np.concatenate(out, axis=1))


# --------------------------------------------------------------------------- istft
def _blockwise(fft, cols, rows):
    """fft applied to blocks of columns, as librosa 0.10's stft and istft apply their FFTs:
    util.MAX_MEM_BLOCK (2**18 bytes) of complex64 output, rows * 8 bytes a column. Each
    column's FFT is the same either way; the blocks matter for time: numpy's FFT along
    axis 0 of a wide matrix strides through memory and, on some machines, takes over
    20 times longer than on a block of 31 columns."""
    n_columns = max(1, 2 ** 18 // (rows * 8))
    if cols.shape[1] <= n_columns:
        return fft(cols)
    return np.concatenate([fft(cols[:, s:s + n_columns])
                           for s in range(0, cols.shape[1], n_columns)], axis=1)


def _ola_f32(buf, frames, hop):
    """Overlap-add float64 frames (n_fft, k) into float32 buf, one frame at a time,
    rounding to float32 after every addition, truncating at the end of buf."""
    n_fft = frames.shape[0]
    size = buf.shape[0]
    for k in range(frames.shape[1]):
        s = k * hop
        if s >= size:
            break
        m = min(n_fft, size - s)
        buf[s:s + m] += frames[:m, k]


def window_sumsquare(window, n_frames, hop_length, win_length, n_fft, dtype=np.float32):
    """Sum of squared (periodic, centre-padded) windows over n_frames frames, float32."""
    total = n_fft + hop_length * (n_frames - 1)
    acc = np.zeros(total, dtype=dtype)
    wsq = pad_center(get_window(window, win_length) ** 2, n_fft)
    for k in range(n_frames):
        s = k * hop_length
        m = max(0, min(n_fft, total - s))
        acc[s:s + m] += wsq[:m]
    return acc


def istft(S, hop_length=None, win_length=None, n_fft=None, window="hann", center=True,
          length=None):
    """Inverse STFT with librosa 0.10's length rules and sum-square normalisation.

    Output length: `length` if given, else n_fft + hop*(frames-1) minus 2*(n_fft//2)
    when centred. With `length`, only the first ceil((length [+2*(n_fft//2)])/hop)
    frames are used. Samples are divided by the window sum-square where it exceeds
    the float32 'tiny' value; elsewhere they are left as accumulated.
    """
    S = np.asarray(S)
    if n_fft is None:
        n_fft = 2 * (S.shape[0] - 1)
    if S.shape[0] != 1 + n_fft // 2:
        raise ValueError(f"{S.shape[0]} bins do not match n_fft={n_fft}")
    if win_length is None:
        win_length = n_fft
    if hop_length is None:
        hop_length = int(win_length // 4)
    win = _stft_window(window, n_fft, win_length)[:, None]
    if length:
        padded = length + 2 * (n_fft // 2) if center else length
        n_frames = min(S.shape[1], int(np.ceil(padded / hop_length)))
    else:
        n_frames = S.shape[1]
    if length:
        out_len = int(length)
    else:
        out_len = n_fft + hop_length * (n_frames - 1) - (2 * (n_fft // 2) if center else 0)
    out_len = max(out_len, 0)
    y = np.zeros(out_len, dtype=np.float32)

    def frames_of(cols):
        return win * _blockwise(lambda c: np.fft.irfft(c, n=n_fft, axis=0), cols, S.shape[0])

    half = n_fft // 2
    if center:
        first = -(-half // hop_length)  # first column that does not touch the left pad
        head_cols = S[:, :first]
        head_len = n_fft + hop_length * (first - 1)
        head = np.zeros(head_len, dtype=np.float32)
        _ola_f32(head, frames_of(head_cols), hop_length)
        if out_len < head_len - half:
            y[:] = head[half:half + out_len]
        else:
            y[:head_len - half] = head[half:]
        offset = first * hop_length - half
    else:
        first = 0
        offset = 0
    if n_frames > first:
        _ola_f32(y[offset:], frames_of(S[:, first:n_frames]), hop_length)

    wss = window_sumsquare(window, n_frames, hop_length, win_length, n_fft)
    wss = wss[half:] if center else wss
    if len(wss) >= out_len:
        wss = wss[:out_len]
    else:
        wss = np.pad(wss, (0, out_len - len(wss)))
    ok = wss > np.finfo(np.float32).tiny
    y[ok] /= wss[ok]
    return y


# --------------------------------------------------------------------------- dB
def power_to_db(S, ref=1.0, amin=1e-10, top_db=80.0):
    """10*log10(max(amin,S)) - 10*log10(max(amin,|ref|)), clipped at max - top_db.
    ref may be a number, 'max', or a callable applied to S."""
    S = np.asarray(S)
    if amin <= 0:
        raise ValueError("amin must be positive")
    mag = np.abs(S) if np.iscomplexobj(S) else S
    if callable(ref):
        ref_value = ref(mag)
    elif isinstance(ref, str):
        if ref != "max":
            raise ValueError(f"unknown ref {ref!r}")
        ref_value = np.max(mag)
    else:
        ref_value = np.abs(ref)
    db = 10.0 * np.log10(np.maximum(amin, mag))
    db -= 10.0 * np.log10(np.maximum(amin, ref_value))
    if top_db is not None:
        if top_db < 0:
            raise ValueError("top_db must be non-negative")
        db = np.maximum(db, db.max() - top_db)
    return db


def amplitude_to_db(S, ref=1.0, amin=1e-5, top_db=80.0):
    """power_to_db(|S|**2, ref=ref_value**2, amin=amin**2, top_db)."""
    mag = np.abs(np.asarray(S))
    if callable(ref):
        ref_value = ref(mag)
    elif isinstance(ref, str):
        if ref != "max":
            raise ValueError(f"unknown ref {ref!r}")
        ref_value = np.max(mag)
    else:
        ref_value = np.abs(ref)
    return power_to_db(np.square(mag), ref=ref_value ** 2, amin=amin ** 2, top_db=top_db)


def db_to_power(S_db, ref=1.0):
    return ref * np.power(10.0, 0.1 * np.asarray(S_db))


def db_to_amplitude(S_db, ref=1.0):
    return db_to_power(S_db, ref=ref ** 2) ** 0.5


# --------------------------------------------------------------------------- mel scale
_F_SP = 200.0 / 3           # Slaney: Hz per mel below 1 kHz
_MIN_LOG_HZ = 1000.0
_MIN_LOG_MEL = _MIN_LOG_HZ / _F_SP
_LOGSTEP = np.log(6.4) / 27.0


def hz_to_mel(f, htk=False):
    f = np.asanyarray(f, dtype=float)
    if htk:
        return 2595.0 * np.log10(1.0 + f / 700.0)
    lin = f / _F_SP
    with np.errstate(divide="ignore", invalid="ignore"):
        log = _MIN_LOG_MEL + np.log(f / _MIN_LOG_HZ) / _LOGSTEP
    return np.where(f >= _MIN_LOG_HZ, log, lin)


def mel_to_hz(m, htk=False):
    m = np.asanyarray(m, dtype=float)
    if htk:
        return 700.0 * (10.0 ** (m / 2595.0) - 1.0)
    lin = _F_SP * m
    log = _MIN_LOG_HZ * np.exp(_LOGSTEP * (m - _MIN_LOG_MEL))
    return np.where(m >= _MIN_LOG_MEL, log, lin)


def mel_frequencies(n_mels=128, fmin=0.0, fmax=11025.0, htk=False):
    """n_mels frequencies equally spaced on the mel scale from fmin to fmax (inclusive)."""
    return mel_to_hz(np.linspace(hz_to_mel(fmin, htk), hz_to_mel(fmax, htk), n_mels), htk)


def fft_frequencies(sr, n_fft):
    return np.fft.rfftfreq(n_fft, d=1.0 / sr)


def mel_filters(sr, n_fft, n_mels=128, fmin=0.0, fmax=None, htk=False, norm="slaney"):
    """Triangular mel filterbank (n_mels, 1 + n_fft//2), float32.

    Triangle i rises from edge i to edge i+1 and falls to edge i+2 (edges from
    mel_frequencies(n_mels+2)). Weights are evaluated in float64 and stored as float32;
    'slaney' then scales row i by 2/(edge[i+2]-edge[i]) (float64 product rounded to
    float32). norm=None leaves peaks at 1.
    """
    if fmax is None:
        fmax = float(sr) / 2
    n_mels = int(n_mels)
    bins = fft_frequencies(sr, n_fft)
    edges = mel_frequencies(n_mels + 2, fmin=fmin, fmax=fmax, htk=htk)
    widths = np.diff(edges)
    W = np.zeros((n_mels, len(bins)), dtype=np.float32)
    for i in range(n_mels):
        rise = (bins - edges[i]) / widths[i]
        fall = (edges[i + 2] - bins) / widths[i + 1]
        W[i] = np.maximum(0.0, np.minimum(rise, fall))
    if norm == "slaney":
        scale = 2.0 / (edges[2:n_mels + 2] - edges[:n_mels])
        W = (W.astype(np.float64) * scale[:, None]).astype(np.float32)
    elif norm is not None and norm != "none":
        raise ValueError(f"mel norm {norm!r} not modelled")
    return W


def _spectrogram(y, n_fft, hop_length, win_length, window, center, pad_mode, power):
    D = stft(y, n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window,
             center=center, pad_mode=pad_mode)
    return np.abs(D) ** power


def melspectrogram(y, sr, n_fft=2048, hop_length=512, win_length=None, window="hann",
                   center=True, pad_mode="constant", power=2.0, n_mels=128, fmin=0.0,
                   fmax=None, htk=False, norm="slaney"):
    """mel_filters @ |stft|**power, float32 (n_mels, frames)."""
    S = _spectrogram(y, n_fft, hop_length, win_length, window, center, pad_mode, power)
    M = mel_filters(sr, n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm)
    return np.dot(M, S).astype(np.float32)


def mfcc(y, sr, n_mfcc=20, lifter=0, **mel_kwargs):
    """DCT-II (orthonormal) of power_to_db(mel, ref=1, amin=1e-10, top_db=80), first
    n_mfcc rows; lifter L>0 scales row k by 1 + (L/2) sin(pi (k+1) / L)."""
    S_db = power_to_db(melspectrogram(y, sr, **mel_kwargs))
    C = scipy.fftpack.dct(S_db, axis=-2, type=2, norm="ortho")[:n_mfcc, :]
    if lifter > 0:
        k = np.arange(1, 1 + n_mfcc, dtype=C.dtype)
        C = C * (1 + (lifter / 2) * np.sin(np.pi * k / lifter))[:, None]
    elif lifter < 0:
        raise ValueError("lifter must be >= 0")
    return C


# --------------------------------------------------------------------------- griffinlim
def griffinlim(S, n_iter=32, hop_length=None, win_length=None, n_fft=None, window="hann",
               center=True, length=None, pad_mode="constant", momentum=0.99, init="random",
               random_state=None):
    """Fast Griffin-Lim as librosa 0.10.2's griffinlim defines it (phase from a magnitude).

    Start:  angles = exp(2j pi u), u ~ U[0, 1) from np.random.default_rng(random_state)
            (init='random'; an existing Generator or RandomState is used as is), or
            angles = 1, i.e. zero phase (init=None).
    Then n_iter times, with rebuilt = 0 before the first:
            tprev   = rebuilt
            rebuilt = stft(istft(S * angles))
            angles  = rebuilt - momentum / (1 + momentum) * tprev
            angles /= |angles| + tiny
    and the result is istft(S * angles).  angles is complex64 for a float32 S (as
    librosa's, whose stft of float32 signals is complex64 and whose istft of complex64
    is float32); tiny is the smallest normal number of angles' real type.
    """
    S = np.asarray(S)
    if np.iscomplexobj(S):
        raise ValueError("griffinlim expects a magnitude, not a complex matrix")
    if n_fft is None:
        n_fft = 2 * (S.shape[0] - 1)
    if momentum < 0:
        raise ValueError("momentum must be non-negative")
    cdtype = np.complex64 if S.dtype == np.float32 else np.complex128
    if init == "random":
        if isinstance(random_state, (np.random.Generator, np.random.RandomState)):
            rng = random_state
        else:
            rng = np.random.default_rng(seed=random_state)
        angles = np.exp(2j * np.pi * rng.random(size=S.shape)).astype(cdtype)
    elif init is None:
        angles = np.ones(S.shape, dtype=cdtype)
    else:
        raise ValueError(f"init must be 'random' or None, got {init!r}")
    eps = np.finfo(angles.real.dtype).tiny
    k = momentum / (1.0 + momentum)
    inv_kw = dict(hop_length=hop_length, win_length=win_length, n_fft=n_fft, window=window,
                  center=center, length=length)
    fwd_kw = dict(n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window,
                  center=center, pad_mode=pad_mode)
    rebuilt = None
    for _ in range(n_iter):
        tprev = rebuilt
        inverse = istft(S * angles, **inv_kw)
        rebuilt = stft(inverse, **fwd_kw)
        if rebuilt.shape != S.shape:
            raise ValueError(f"rebuilt STFT has shape {rebuilt.shape}, magnitude {S.shape}")
        angles = rebuilt.astype(cdtype, copy=True)
        if tprev is not None:
            angles -= k * tprev
        angles /= np.abs(angles) + eps
    return istft(S * angles, **inv_kw)


__all__.append("griffinlim")
