#!/usr/bin/python3
"""--threads and SONO_THREADS change nothing in the output, only who computes it.

usage: threads_cli.py SONO DATA_DIR OUT_DIR

Runs stft (complex, --magnitude, --power, --db), mel (--db, --power 1), mfcc,
logfreq and render (a mel 224x224 picture, a log picture with axes, the
lossless image with phase) on two clips with --threads 1, 2 and 3 and with
SONO_THREADS=2 and no --threads: every output file must be byte for byte the
one of --threads 1.  A clip longer than one block (256 frames) and one shorter
make the blocks split unevenly.  Then the refusals of bad thread counts.  No
time is measured.  Prints a line per check and 'N passed, M failed'.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, summary  # noqa: E402

CASES = [
    ("stft", []),
    ("stft", ["--magnitude", "--hop", "100", "--n-fft", "1001"]),
    ("stft", ["--power", "--window", "hamming", "--pad-mode", "reflect"]),
    ("stft", ["--db", "--no-center", "--n-fft", "512"]),
    ("mel", ["--db", "--ref", "max"]),
    ("mel", ["--power", "1", "--sr", "22050", "--n-mels", "64"]),
    ("mfcc", ["--n-mfcc", "13", "--lifter", "22"]),
    ("logfreq", ["--db", "--bins-per-octave", "12"]),
    ("render", ["--scale", "mel", "--size", "224x224"]),
    ("render", ["--scale", "log", "--axes", "--size", "300x200"]),
    ("render", ["--lossless", "--phase", "--hop", "256"]),
    ("cqt", []),
    ("cqt", ["--magnitude", "--hop", "256", "--bins", "60", "--sr", "22050"]),
    ("render", ["--scale", "cqt", "--size", "224x224"]),
]


def sono(exe, args, env=None):
    e = dict(os.environ)
    e.pop("SONO_THREADS", None)
    e.update(env or {})
    return subprocess.run([exe] + args, capture_output=True, env=e)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def main(argv):
    exe, data, out = argv[1], argv[2], argv[3]
    os.makedirs(out, exist_ok=True)
    clips = [os.path.join(data, "trumpet.ogg"), os.path.join(data, "speech.ogg")]
    for clip in clips:
        name = os.path.splitext(os.path.basename(clip))[0]
        for i, (cmd, opts) in enumerate(CASES):
            ext = ".png" if cmd == "render" else ".npy"
            outputs = {}
            for label, extra, env in [("1", ["--threads", "1"], None),
                                      ("2", ["--threads", "2"], None),
                                      ("3", ["--threads", "3"], None),
                                      ("env2", [], {"SONO_THREADS": "2"})]:
                path = os.path.join(out, "threads-%s-%d-%s%s" % (name, i, label, ext))
                r = sono(exe, [cmd, clip, "-o", path] + opts + extra, env)
                if not check(r.returncode == 0, "%s %s %s (%s): exit %d %s" % (
                        cmd, name, " ".join(opts), label, r.returncode,
                        r.stderr.decode(errors="replace").strip())):
                    continue
                outputs[label] = read(path)
                os.remove(path)
            if "1" not in outputs:
                continue
            same = [k for k in outputs if outputs[k] == outputs["1"]]
            check(len(outputs) == 4 and len(same) == 4,
                  "%s %s %s: identical for --threads 1, 2, 3 and SONO_THREADS=2 (%s)" % (
                      cmd, name, " ".join(opts), ", ".join(sorted(same))))

    clip = clips[0]
    for cmd in ["stft", "mel", "mfcc", "logfreq", "render", "cqt"]:
        target = os.path.join(out, "threads-refused" + (".png" if cmd == "render" else ".npy"))
        for value in ["0", "65", "two", ""]:
            r = sono(exe, [cmd, clip, "-o", target, "--threads", value])
            lines = r.stderr.decode(errors="replace").strip().splitlines()
            check(r.returncode == 2 and len(lines) == 1 and "--threads" in lines[0] and
                  not os.path.exists(target),
                  "%s --threads '%s' refused: exit %d %r" % (cmd, value, r.returncode, lines))
        r = sono(exe, [cmd, clip, "-o", target], {"SONO_THREADS": "0"})
        lines = r.stderr.decode(errors="replace").strip().splitlines()
        check(r.returncode == 2 and len(lines) == 1 and "SONO_THREADS" in lines[0] and
              not os.path.exists(target),
              "%s with SONO_THREADS=0 refused: exit %d %r" % (cmd, r.returncode, lines))
        r = sono(exe, [cmd, "--help"])
        check(r.returncode == 0 and b"--threads N" in r.stdout, "%s --help lists --threads" % cmd)
    return summary()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
