#!/usr/bin/python3
"""`sono transform`: each effect against its direct definition.

usage: transform_cli.py SONO DATA_DIR WORKDIR

Each effect's output is compared with the same operation done here in
numpy on the reference model's STFT (tests/reference/librosa_model.py) and
turned back by its iSTFT, at >= 60 dB SNR: reverse-time is
iSTFT(S[:, ::-1]), shuffles follow the documented splitmix64 Fisher-Yates,
reorder pca the argsort of scikit-learn's first component (up to the sign),
grain-walk a nearest-neighbour walk in scikit-learn's PCA coordinates,
bandpass scipy's butter + lfilter.  svd at full rank gives the input back,
and prints the documented storage ratio.  reorder tsne is reproducible by
seed and plays the frames in the order of `sono embed`'s t-SNE.  Prints a line per check and
'N passed, M failed'.
"""
import os
import sys

import numpy as np
import soundfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import librosa_model as L  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, run, snr, summary  # noqa: E402

MASK = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def shuffled(n, seed):
    """sono_shuffled_order: Fisher-Yates from the top, rejection sampling."""
    order = list(range(n))
    state = seed
    for i in range(n, 1, -1):
        limit = MASK - MASK % i
        while True:
            state, r = splitmix64(state)
            if r < limit:
                break
        j = r % i
        order[i - 1], order[j] = order[j], order[i - 1]
    return np.array(order)


def features_mel_db(S, sr):
    """128-band mel power of |S|^2, power_to_db(ref=max), as sono_frame_features."""
    fb = L.mel_filters(sr, 2048, n_mels=128)
    mel = fb @ (np.abs(S) ** 2)
    return L.power_to_db(mel, ref=np.max(mel)).T  # frames x bands


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sono, data, work = sys.argv[1:]
    work = os.path.join(work, "transform_cli")
    os.makedirs(work, exist_ok=True)
    clip = os.path.join(data, "speech.ogg")
    x, sr = soundfile.read(clip, dtype="float32")
    x = x[: 3 * sr]
    src = os.path.join(work, "in.wav")
    soundfile.write(src, x, sr, subtype="FLOAT")
    S = L.stft(x.astype(np.float32), n_fft=2048, hop_length=512)
    frames = S.shape[1]

    def back(T):
        return L.istft(T, hop_length=512, n_fft=2048, length=len(x))

    def transform(*effect):
        out = os.path.join(work, "out.wav")
        stdout = run([sono, "transform", src, "-o", out] + list(effect))
        y, sr2 = soundfile.read(out, dtype="float64")
        check(sr2 == sr and len(y) == len(x), "%s: %d samples at %d Hz" % (" ".join(effect), len(y), sr2))
        return y, stdout

    def compare(effect, ref, floor=60.0):
        y, _ = transform(*effect)
        s = snr(ref, y)
        check(s >= floor, "%s equals its definition (SNR %.1f dB >= %g)" % (" ".join(effect), s, floor))
        return y

    compare(["zero-phase"], back(np.abs(S).astype(np.complex64)))
    compare(["conjugate"], back(np.conj(S)))
    compare(["reverse-time"], back(S[:, ::-1]))
    compare(["reverse-freq"], back(S[::-1, :]))
    mask = (np.add.outer(np.arange(S.shape[0]), np.arange(frames)) % 2) == 1
    compare(["checkerboard"], back(np.where(mask, np.abs(S), 0).astype(np.complex64)))
    compare(["shuffle-time", "--seed", "7"], back(S[:, shuffled(frames, 7)]))
    compare(["shuffle-freq", "--seed", "7"], back(S[shuffled(S.shape[0], 7), :]))
    compare(["reverse-time", "conjugate", "reverse-time"], back(np.conj(S)))

    # svd: full rank is the identity; the ratios are printed.
    y, out = transform("svd", "2000")
    s = snr(back(S), y)
    check(s >= 60.0, "svd at full rank gives the input back (SNR %.1f dB)" % s)
    y, out = transform("svd", "20")
    want = 20 * (1 + S.shape[0] + frames) / (S.shape[0] * frames)
    ratios = [float(line.rsplit(" ", 1)[1]) for line in out.splitlines() if "storage ratio" in line]
    check(len(ratios) == 2 and all(abs(r - want) < 1e-6 for r in ratios),
          "svd 20 prints the storage ratio of each layer (%s, want %.6f)" % (ratios, want))
    re_k = np.linalg.svd(S.real, full_matrices=False)
    im_k = np.linalg.svd(S.imag, full_matrices=False)
    approx = ((re_k[0][:, :20] * re_k[1][:20]) @ re_k[2][:20]
              + 1j * ((im_k[0][:, :20] * im_k[1][:20]) @ im_k[2][:20]))
    s = snr(back(approx.astype(np.complex64)), y)
    check(s >= 40.0, "svd 20 equals numpy's rank-20 layers (SNR %.1f dB >= 40)" % s)
    y, out = transform("svd-mag", "2000")
    s = snr(back(S), y)
    check(s >= 60.0, "svd-mag at full rank gives the input back (SNR %.1f dB)" % s)

    # reorder pca: scikit-learn's first component, up to its sign.
    from sklearn.decomposition import PCA
    F = features_mel_db(S, sr)
    pc = PCA(n_components=1).fit_transform(F)[:, 0]
    y, _ = transform("reorder", "pca")
    best = max(snr(back(S[:, np.argsort(pc, kind="stable")]), y),
               snr(back(S[:, np.argsort(-pc, kind="stable")]), y))
    check(best >= 60.0, "reorder pca follows scikit-learn's first component (SNR %.1f dB)" % best)

    # grain-walk: nearest unvisited frame in 8 PCA dimensions (signs do not
    # change distances), starting where the seed says.
    P = PCA(n_components=8).fit_transform(F)
    start = shuffled(frames, 3)[0]
    order, seen, at = [], np.zeros(frames, bool), start
    for _ in range(frames):
        order.append(at)
        seen[at] = True
        d = np.sum((P - P[at]) ** 2, axis=1)
        d[seen] = np.inf
        at = int(np.argmin(d))
    compare(["grain-walk", "--seed", "3"], back(S[:, order]))

    # reorder tsne: reproducible, and a permutation of the frames.
    y1, _ = transform("reorder", "tsne", "--seed", "5")
    y2, _ = transform("reorder", "tsne", "--seed", "5")
    check(np.array_equal(y1, y2), "reorder tsne: the same seed gives the same output")
    # The order is that of `sono embed`'s t-SNE with the same seed, whose
    # quality tests/reference/check_embed.py checks.
    coords = os.path.join(work, "tsne.npy")
    run([sono, "embed", src, "-o", coords, "--method", "tsne", "--dims", "1", "--seed", "5"])
    order = np.argsort(np.load(coords)[:, 0], kind="stable")
    s = snr(back(S[:, order]), y1)
    check(s >= 60.0, "reorder tsne plays the frames in the order of sono embed's t-SNE (SNR %.1f dB)" % s)

    # bandpass: scipy's Butterworth and lfilter.
    from scipy import signal
    b, a = signal.butter(5, [300 / (sr / 2), 3000 / (sr / 2)], btype="band")
    ref = signal.lfilter(b, a, back(S))
    compare(["bandpass", "300", "3000"], ref)

    sys.exit(summary())


if __name__ == "__main__":
    main()
