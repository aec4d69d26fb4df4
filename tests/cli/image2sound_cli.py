#!/usr/bin/python3
"""`sono image2sound` end to end: picture -> sound -> picture.

usage: image2sound_cli.py SONO DATA_DIR WORKDIR

- A photograph (chelsea.jpg) turned into sound and rendered back with
  `sono render` at the same scale, frequency range and size, through the
  gray colormap, correlates with the original's luminance (Pearson r >= 0.8)
  on the linear, log and mel scales, with default and other STFT layouts.
- The output has exactly width * hop samples by default and
  round(duration * sr) with --duration, at the requested rate, and its peak
  is 0.9.
- A white line on black is a tone at the frequency of its row, within one
  STFT bin, on each scale; a black picture is silence (all zeros).
- Bad options and files: one line on stderr naming the option or file, the
  exit status (2 for options, 1 for files), nothing on stdout, no output
  file or temporary file left, an existing output untouched.
Prints a line per check and 'N passed, M failed'.
"""
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import soundfile
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, run, summary  # noqa: E402


def grey(path):
    return np.asarray(Image.open(path).convert("L"), dtype=float)


def hz_to_mel(f):
    """Slaney's mel scale, as librosa's default."""
    return f / (200.0 / 3) if f < 1000.0 else 15.0 + math.log(f / 1000.0) / (math.log(6.4) / 27.0)


def mel_to_hz(m):
    return m * 200.0 / 3 if m < 15.0 else 1000.0 * math.exp((math.log(6.4) / 27.0) * (m - 15.0))


WARP = {
    "linear": (lambda f: f, lambda u: u),
    "log": (math.log, math.exp),
    "mel": (hz_to_mel, mel_to_hz),
}


def row_frequency(scale, y, height, fmin, fmax):
    """The frequency at the centre of row y (from the top)."""
    to, back = WARP[scale]
    u = (y + 0.5) / height
    return back(to(fmax) - u * (to(fmax) - to(fmin)))


# scale, image2sound options, render options, sample rate, hop, duration.
# The bottom of the log scale gets few STFT bins (20-40 Hz is one bin at
# n_fft 2048), which is where its picture loses most.
CASES = [
    ("linear", [], [], 44100, 512, None),
    ("log", [], ["--fmin", "20"], 44100, 512, None),
    ("mel", [], ["--fmin", "20"], 44100, 512, None),
    ("log", ["--sr", "22050", "--fmin", "50", "--fmax", "8000", "--n-fft", "1024", "--hop", "256",
             "--duration", "4"],
     ["--fmin", "50", "--fmax", "8000", "--n-fft", "1024", "--hop", "256"], 22050, 256, 4.0),
    ("linear", ["--duration", "1.23456", "--sr", "22050"], [], 22050, 512, 1.23456),
    ("mel", ["--fmax", "11025", "--duration", "2.5", "--method", "fgla", "--iters", "16", "--pcm", "24"],
     ["--fmin", "20", "--fmax", "11025"], 44100, 512, 2.5),
]


def photograph(sono, data, tmp):
    src = os.path.join(data, "chelsea.jpg")
    lum = grey(src)
    h, w = lum.shape
    for n, (scale, opts, ropts, sr, hop, duration) in enumerate(CASES):
        name = "%s %s" % (scale, " ".join(opts) or "defaults")
        wav = os.path.join(tmp, "photo%d.wav" % n)
        png = os.path.join(tmp, "photo%d.png" % n)
        run([sono, "image2sound", src, "-o", wav, "--scale", scale] + opts)
        y, rate = soundfile.read(wav, dtype="float32")
        want = w * hop if duration is None else int(math.floor(duration * sr + 0.5))
        check(rate == sr and len(y) == want,
              "%s: %d samples at %d Hz (want %d at %d)" % (name, len(y), rate, want, sr))
        peak = float(np.max(np.abs(y)))
        tol = 1e-6 if "--pcm" not in opts else 2.0 ** -22
        check(abs(peak - 0.9) <= tol, "%s: peak %.7f (want 0.9)" % (name, peak))
        run([sono, "render", wav, "-o", png, "--scale", scale, "--size", "%dx%d" % (w, h),
             "--cmap", "gray"] + ropts)
        back = grey(png)
        r = float(np.corrcoef(lum.ravel(), back.ravel())[0, 1]) if back.shape == lum.shape else -1
        check(r >= 0.8, "%s: rendered back, Pearson r = %.3f (want >= 0.8)" % (name, r))


def tones(sono, tmp):
    w, h, line = 100, 64, 20
    fmin, fmax, sr, n_fft = 200.0, 8000.0, 44100, 2048
    pic = np.zeros((h, w), dtype=np.uint8)
    pic[line, :] = 255
    path = os.path.join(tmp, "line.png")
    Image.fromarray(pic).save(path)
    for scale in ("linear", "log", "mel"):
        wav = os.path.join(tmp, "line-%s.wav" % scale)
        run([sono, "image2sound", path, "-o", wav, "--scale", scale,
             "--fmin", str(fmin), "--fmax", str(fmax)])
        y, _ = soundfile.read(wav, dtype="float64")
        spectrum = np.abs(np.fft.rfft(y * np.hanning(len(y))))
        found = np.argmax(spectrum) * sr / len(y)
        want = row_frequency(scale, line, h, fmin, fmax)
        check(abs(found - want) <= sr / n_fft,
              "%s: a white row %d of %d is a tone at %.1f Hz (want %.1f +- %.1f)"
              % (scale, line, h, found, want, sr / n_fft))
    black = os.path.join(tmp, "black.png")
    Image.fromarray(np.zeros((10, 30), dtype=np.uint8)).save(black)
    wav = os.path.join(tmp, "black.wav")
    run([sono, "image2sound", black, "-o", wav])
    y, _ = soundfile.read(wav, dtype="float32")
    check(len(y) == 30 * 512 and np.all(np.isfinite(y)) and not np.any(y),
          "black picture: %d samples, all zeros" % len(y))


def refusals(sono, data, tmp):
    src = os.path.join(data, "chelsea.jpg")
    text = os.path.join(tmp, "notes.png")
    with open(text, "w") as f:
        f.write("not a picture\n")
    cut = os.path.join(tmp, "cut.jpg")
    with open(src, "rb") as f:
        head = f.read(600)
    with open(cut, "wb") as f:
        f.write(head)
    # options, the subject the message must name, the exit status.
    bad = [
        (["--fmin", "-1"], "--fmin", 2),
        (["--fmin", "30000"], "--fmin", 2),
        (["--fmin", "500", "--fmax", "400"], "--fmin", 2),
        (["--fmax", "30000"], "--fmax", 2),
        (["--sr", "16000", "--fmax", "8001"], "--fmax", 2),
        (["--fmax", "0"], "--fmax", 2),
        (["--scale", "log", "--fmin", "0"], "--fmin", 2),
        (["--duration", "0"], "--duration", 2),
        (["--duration", "-1"], "--duration", 2),
        (["--duration", "3601"], "--duration", 2),
        (["--duration", "abc"], "--duration", 2),
        (["--duration", "0.00001", "--sr", "8000"], "--duration", 2),
        (["--no-center", "--duration", "0.01"], "--duration", 2),
        (["--scale", "bark"], "--scale", 2),
        (["--range", "0"], "--range", 2),
        (["--range", "-6"], "--range", 2),
        (["--sr", "44100.5"], "--sr", 2),
        (["--pcm", "8"], "--pcm", 2),
        (["--method", "magic"], "--method", 2),
        (["--method", "pghi", "--iters", "4"], "--iters", 2),
        (["--hop", "4096"], "--hop", 2),
        (["--colour"], "--colour", 2),
    ]
    files = [
        (os.path.join(tmp, "missing.png"), 1),
        (text, 1),
        (os.path.join(data, "cat.wav"), 1),
        (cut, 1),
    ]
    jobs = [([src] + opts, subject, status) for opts, subject, status in bad]
    jobs += [([path], path, status) for path, status in files]
    jobs.append(([src, "--duration", "1", "--sr", "16000", "-o", os.path.join(tmp, "m.npy")],
                 "m.npy", 2))
    existing = os.path.join(tmp, "existing.wav")
    for args, subject, status in jobs:
        out = os.path.join(tmp, "refused.wav")
        with open(existing, "wb") as f:
            f.write(b"keep")
        before = set(os.listdir(tmp))
        for target in (out, existing):
            cmd = [sono, "image2sound"] + args
            if "-o" not in args:
                cmd += ["-o", target]
            r = subprocess.run(cmd, capture_output=True, text=True)
            lines = r.stderr.splitlines()
            after = set(os.listdir(tmp))
            with open(existing, "rb") as f:
                kept = f.read() == b"keep"
            ok = (r.returncode == status and len(lines) == 1 and not r.stdout and
                  lines[0].startswith("sono image2sound: ") and subject in lines[0] and
                  after == before and kept)
            check(ok, "%s, %s output -> %s (exit %d, want %d)"
                  % (" ".join(args[1:] or args), "new" if target == out else "existing",
                     lines[0] if lines else "no message", r.returncode, status))
            if "-o" in args:
                break


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    sono, data, work = sys.argv[1:]
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        for part in (photograph, tones, refusals):
            try:
                if part is tones:
                    part(sono, tmp)
                else:
                    part(sono, data, tmp)
            except Exception as e:  # a failed command: report it, go on
                check(False, "%s: %s" % (part.__name__, e))
    return summary()


if __name__ == "__main__":
    sys.exit(main())
