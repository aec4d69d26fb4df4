#!/usr/bin/python3
"""`sono batch`, end to end.

usage: batch_cli.py SONO DATA_DIR WORKDIR

On a tree of short clips in several formats and depths, with a corrupt file,
a text file, a hidden file and an upper-case extension:
- without --recursive only the top level is converted; with it the tree is
  mirrored: exactly the expected outputs, no temporaries, the corrupt file
  listed once on stderr (named, with the command's error) before a summary
  line, exit status 1;
- each output is byte-identical to running the command directly on its file
  (render to PNG, mel to .npy, image-svd over pictures; WAVs from filter and
  istft over .npy files: the same format and samples, as libsndfile dates
  them), and --jobs 1 and --jobs 2 give identical files, stdout and stderr;
- what the command prints on stdout (transform svd, image-svd) comes after the run, each line
  after its input's name, in the files' order;
- outputs newer than their inputs are kept (mtimes unchanged) and made again
  when the input is newer or with --force;
- two inputs with one output name: the first converted, the second failed;
- the first file's bad option stops the batch (exit 2, one line) and removes
  the output directories it made; a tree without inputs is refused;
- a worker killed in the middle of a file: that file reported with the
  signal, its temporary removed, the others converted; ^C to the process
  group lets the running file finish and starts no other (exit 130), a
  second ^C kills it and removes its temporary;
- the progress line is drawn on a terminal (a pseudo-terminal) and not on a
  pipe.
Prints a line per check and 'N passed, M failed'.
"""
import hashlib
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import soundfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import check, run, summary  # noqa: E402

RENDER = ["render", "--scale", "mel", "--size", "64x48"]
make_tree_paths = []    # the audio inputs of the test tree, set by main


def batch(sono, args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([sono, "batch"] + args, capture_output=True, text=True, env=e)


def files_under(root):
    """Relative paths of every file below root, sorted."""
    out = []
    for d, _, names in os.walk(root):
        out += [os.path.relpath(os.path.join(d, n), root) for n in names]
    return sorted(out)


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def same_file(a, b):
    """Byte-identical, or for WAV files the same format and samples: libsndfile
    dates the PEAK chunk of float WAVs, to the second."""
    if not a.lower().endswith(".wav"):
        return digest(a) == digest(b)
    x, y = soundfile.SoundFile(a), soundfile.SoundFile(b)
    return (x.samplerate, x.channels, x.subtype) == (y.samplerate, y.channels, y.subtype) and \
        np.array_equal(x.read(dtype="float32"), y.read(dtype="float32"))


def same_trees(a, b):
    return files_under(a) == files_under(b) and \
        all(same_file(os.path.join(a, p), os.path.join(b, p)) for p in files_under(a))


def mtimes(root):
    return {p: os.stat(os.path.join(root, p)).st_mtime_ns for p in files_under(root)}


def stderr_lines(r):
    return r.stderr.splitlines()


def without_time(text):
    """The summary's ' in S s (R files/s)' varies from run to run."""
    return [ln.split(" in ")[0] if ln.startswith("sono batch: ") and "converted" in ln else ln
            for ln in text.splitlines()]


def make_tree(data, root):
    """The test tree; returns the relative paths of the audio inputs."""
    y, sr = soundfile.read(os.path.join(data, "cat.wav"), dtype="float32")
    clip = lambda k: y[k * sr // 2: k * sr // 2 + sr]     # noqa: E731 (1 s pieces)
    os.makedirs(os.path.join(root, "sub", "deep"))
    soundfile.write(os.path.join(root, "a.wav"), clip(0), sr, subtype="PCM_16")
    soundfile.write(os.path.join(root, "b.ogg"), clip(1), sr, format="OGG", subtype="VORBIS")
    soundfile.write(os.path.join(root, "C.WAV"), clip(2), sr, subtype="FLOAT")
    soundfile.write(os.path.join(root, "sub", "d.flac"), clip(3), sr, subtype="PCM_24")
    soundfile.write(os.path.join(root, "sub", "deep", "e.wav"), clip(4), sr, subtype="PCM_16")
    shutil.copy(os.path.join(data, "trumpet.mp3"), os.path.join(root, "sub", "deep", "f.mp3"))
    with open(os.path.join(root, "sub", "bad.wav"), "wb") as f:
        f.write(b"RIFF\x24\x00\x00\x00WAVEnot really a wave file at all")
    with open(os.path.join(root, "notes.txt"), "w") as f:
        f.write("not audio\n")
    soundfile.write(os.path.join(root, ".hidden.wav"), clip(5), sr, subtype="PCM_16")
    return ["C.WAV", "a.wav", "b.ogg", "sub/bad.wav", "sub/d.flac", "sub/deep/e.wav",
            "sub/deep/f.mp3"]


def stem(p, ext):
    return p[: p.rindex(".")] + "." + ext


def mirrored(sono, src, work):
    good = [p for p in make_tree_paths if p != "sub/bad.wav"]
    top = [p for p in good if "/" not in p]

    out = os.path.join(work, "top")
    r = batch(sono, [src, "-o", out, "--"] + RENDER)
    check(r.returncode == 0 and r.stdout == "" and files_under(out) == [stem(p, "png") for p in top],
          "without --recursive: the top level only, exit 0: %s %s" % (files_under(out), r.stderr))
    check(stderr_lines(r) and stderr_lines(r)[-1].startswith(
        "sono batch: %s: %d converted, 0 up to date, 0 failed" % (src, len(top))),
          "summary line: %r" % r.stderr)

    out = os.path.join(work, "all")
    r = batch(sono, [src, "-o", out, "--recursive", "--jobs", "2", "--"] + RENDER)
    lines = stderr_lines(r)
    bad = os.path.join(src, "sub", "bad.wav")
    check(r.returncode == 1 and r.stdout == "", "a corrupt file: exit %d" % r.returncode)
    check(files_under(out) == sorted(stem(p, "png") for p in good),
          "the tree mirrored, nothing else: %s" % files_under(out))
    check(len(lines) == 2 and lines[0].startswith("sono batch: %s: " % bad) and
          "sono render" not in lines[0] and len(lines[0]) > len("sono batch: %s: " % bad) + 5,
          "the corrupt file listed once with its error: %r" % lines[:1])
    check(len(lines) == 2 and lines[1].startswith(
        "sono batch: %s: %d converted, 0 up to date, 1 failed" % (src, len(good))),
          "summary: %r" % lines[-1:])
    same = True
    for p in good:
        direct = os.path.join(work, "direct.png")
        run([sono, RENDER[0], os.path.join(src, p), "-o", direct] + RENDER[1:])
        same = same and digest(direct) == digest(os.path.join(out, stem(p, "png")))
    check(same, "render: every PNG byte-identical to 'sono render' on its file")

    one = os.path.join(work, "jobs1")
    r1 = batch(sono, [src, "-o", one, "-r", "-j", "1", "--"] + RENDER)
    check(r1.returncode == 1 and same_trees(one, out) and
          without_time(r1.stderr) == without_time(r.stderr),
          "--jobs 1 and --jobs 2: the same files and messages")
    return out


def other_commands(sono, data, src, work):
    """mel (.npy), filter (.wav), istft over .npy files, image-svd over pictures."""
    for cmd, ext in ((["mel", "--db", "--n-mels", "40"], "npy"),
                     (["filter", "--lowpass", "2000"], "wav")):
        outs = {}
        for jobs in ("1", "2"):
            out = os.path.join(work, "%s-j%s" % (cmd[0], jobs))
            r = batch(sono, [src, "-o", out, "-r", "-j", jobs, "--"] + cmd)
            check(r.returncode == 1, "%s -j %s: exit 1 (the corrupt file)" % (cmd[0], jobs))
            outs[jobs] = out
        good = [p for p in make_tree_paths if p != "sub/bad.wav"]
        same = files_under(outs["1"]) == sorted(stem(p, ext) for p in good)
        for p in good:
            direct = os.path.join(work, "direct." + ext)
            run([sono, cmd[0], os.path.join(src, p), "-o", direct] + cmd[1:])
            same = same and same_file(direct, os.path.join(outs["1"], stem(p, ext)))
        check(same and same_trees(outs["1"], outs["2"]),
              "%s: .%s outputs identical to the direct command's, for 1 and 2 jobs" % (cmd[0], ext))

    # istft takes .npy files: the complex STFTs of two clips.
    npys = os.path.join(work, "npys")
    os.makedirs(npys)
    for p in ("a.wav", "sub/d.flac"):
        run([sono, "stft", os.path.join(src, p), "-o",
             os.path.join(npys, os.path.basename(stem(p, "npy")))])
    shutil.copy(os.path.join(src, "a.wav"), npys)     # audio, not an istft input
    out = os.path.join(work, "istft")
    r = batch(sono, [npys, "-o", out, "--", "istft", "--sr", "44100"])
    same = r.returncode == 0 and files_under(out) == ["a.wav", "d.wav"]
    for n in ("a", "d"):
        direct = os.path.join(work, "direct.wav")
        run([sono, "istft", os.path.join(npys, n + ".npy"), "-o", direct, "--sr", "44100"])
        same = same and os.path.exists(os.path.join(out, n + ".wav")) and \
            same_file(direct, os.path.join(out, n + ".wav"))
    check(same, "istft over .npy files (a .wav beside them ignored): %s %s" %
          (files_under(out) if os.path.isdir(out) else None, r.stderr))

    # image-svd takes pictures; --ext names the output.
    pics = os.path.join(work, "pics")
    os.makedirs(pics)
    shutil.copy(os.path.join(data, "chelsea.jpg"), os.path.join(pics, "cat.JPG"))
    out = os.path.join(work, "svd")
    r = batch(sono, [pics, "-o", out, "--ext", ".png", "--", "image-svd", "--rank", "3"])
    direct = os.path.join(work, "direct-svd.png")
    printed = run([sono, "image-svd", os.path.join(pics, "cat.JPG"), "-o", direct, "--rank", "3"])
    check(r.returncode == 0 and files_under(out) == ["cat.png"] and
          digest(direct) == digest(os.path.join(out, "cat.png")),
          "image-svd over pictures, --ext .png: %s %s" % (files_under(out), r.stderr))
    prefix = os.path.join(pics, "cat.JPG") + ": "
    check(r.stdout == "".join(prefix + ln + "\n" for ln in printed.splitlines()) and printed,
          "what the command prints, each line after its input: %r" % r.stdout[:200])


def printed_in_order(sono, src, work):
    outs = {}
    for jobs in ("1", "2"):
        out = os.path.join(work, "svd-j" + jobs)
        outs[jobs] = batch(sono, [src, "-o", out, "-j", jobs, "--", "transform", "svd", "4"])
    r = outs["1"]
    lines = r.stdout.splitlines()
    want = []
    for p in ("C.WAV", "a.wav", "b.ogg"):
        printed = run([sono, "transform", os.path.join(src, p), "-o",
                       os.path.join(work, "direct.wav"), "svd", "4"])
        want += [os.path.join(src, p) + ": " + ln for ln in printed.splitlines()]
    check(r.returncode == 0 and len(lines) == 6 and lines == want,
          "transform svd: its lines after each file's name, in the files' order: %r" % lines)
    check(outs["2"].stdout == r.stdout, "the same stdout with 2 jobs")


def up_to_date(sono, src, out):
    before = mtimes(out)
    r = batch(sono, [src, "-o", out, "-r", "--"] + RENDER)
    n = len(before)
    check(r.returncode == 1 and mtimes(out) == before and stderr_lines(r)[-1].startswith(
        "sono batch: %s: 0 converted, %d up to date, 1 failed" % (src, n)),
          "a second run keeps the outputs (mtimes unchanged): %r" % stderr_lines(r)[-1:])

    newer = os.path.join(src, "sub", "d.flac")
    t = os.stat(os.path.join(out, "sub", "d.png")).st_mtime_ns + 2_000_000_000
    os.utime(newer, ns=(t, t))
    r = batch(sono, [src, "-o", out, "-r", "--"] + RENDER)
    after = mtimes(out)
    changed = sorted(p for p in after if after[p] != before[p])
    check(changed == ["sub/d.png"] and stderr_lines(r)[-1].startswith(
        "sono batch: %s: 1 converted, %d up to date, 1 failed" % (src, n - 1)),
          "an input newer than its output is converted again, alone: %s" % changed)

    # Outputs dated after every input, so that only --force redoes them.
    t = max(os.stat(os.path.join(d, f)).st_mtime_ns
            for d, _, fs in os.walk(src) for f in fs) + 5_000_000_000
    for p in after:
        os.utime(os.path.join(out, p), ns=(t, t))
    r = batch(sono, [src, "-o", out, "-r", "--force", "--"] + RENDER)
    forced = mtimes(out)
    check(r.returncode == 1 and all(forced[p] != t for p in forced) and
          stderr_lines(r)[-1].startswith("sono batch: %s: %d converted, 0 up to date, 1 failed"
                                         % (src, n)),
          "--force converts everything again: %r" % stderr_lines(r)[-1:])


def shared_name(sono, data, work):
    src = os.path.join(work, "twins")
    os.makedirs(src)
    y, sr = soundfile.read(os.path.join(data, "cat.wav"), dtype="float32")
    soundfile.write(os.path.join(src, "x.wav"), y[:sr], sr)
    soundfile.write(os.path.join(src, "x.flac"), y[sr:2 * sr], sr)
    out = os.path.join(work, "twins-out")
    r = batch(sono, [src, "-o", out, "--"] + RENDER)
    direct = os.path.join(work, "direct.png")
    run([sono, RENDER[0], os.path.join(src, "x.flac"), "-o", direct] + RENDER[1:])
    lines = stderr_lines(r)
    check(r.returncode == 1 and files_under(out) == ["x.png"] and
          digest(direct) == digest(os.path.join(out, "x.png")) and len(lines) == 2 and
          lines[0].startswith("sono batch: %s: " % os.path.join(src, "x.wav")) and
          os.path.join(src, "x.flac") in lines[0],
          "x.flac and x.wav: the first (x.flac) converted, x.wav failed: %r" % lines)


def refusals(sono, src, work):
    out = os.path.join(work, "made", "by", "batch")
    r = batch(sono, [src, "-o", out, "--", "render", "--scale", "foo"])
    lines = stderr_lines(r)
    check(r.returncode == 2 and r.stdout == "" and len(lines) == 1 and
          lines[0].startswith("sono batch: render: --scale: ") and "foo" in lines[0] and
          not os.path.exists(os.path.join(work, "made")),
          "the first file's bad option stops the batch, no directory left: %r" % lines)
    empty = os.path.join(work, "empty")
    os.makedirs(os.path.join(empty, "sub"))
    shutil.copy(os.path.join(src, "a.wav"), os.path.join(empty, "sub"))
    r = batch(sono, [empty, "-o", os.path.join(work, "empty-out"), "--"] + RENDER)
    lines = stderr_lines(r)
    check(r.returncode == 1 and len(lines) == 1 and "no input files" in lines[0] and
          "--recursive" in lines[0] and not os.path.exists(os.path.join(work, "empty-out")),
          "no input at the top level: refused, nothing made: %r" % lines)
    if os.geteuid() == 0:
        print("skip: an unreadable directory (root reads it anyway)")
        return
    locked = os.path.join(work, "locked")
    os.makedirs(os.path.join(locked, "closed"))
    shutil.copy(os.path.join(src, "a.wav"), locked)
    os.chmod(os.path.join(locked, "closed"), 0)
    r = batch(sono, [locked, "-o", os.path.join(work, "locked-out"), "-r", "--"] + RENDER)
    os.chmod(os.path.join(locked, "closed"), 0o755)
    lines = stderr_lines(r)
    check(r.returncode == 1 and files_under(os.path.join(work, "locked-out")) == ["a.png"] and
          lines[0].startswith("sono batch: %s: cannot read the directory" %
                              os.path.join(locked, "closed")),
          "an unreadable directory listed as failed, the rest converted: %r" % lines)


def children_of(pid):
    """Process ids whose parent is pid (from /proc)."""
    kids = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open("/proc/%s/stat" % name) as f:
                    stat = f.read()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2:].split()[1]) == pid:
                kids.append(int(name))
    return kids


def long_tree(work, name, seconds):
    """A long noise clip (first in order) and two short ones."""
    src = os.path.join(work, name)
    os.makedirs(src)
    sr = 44100
    rng = np.random.default_rng(1)
    soundfile.write(os.path.join(src, "a-long.wav"),
                    (0.1 * rng.standard_normal(int(seconds * sr))).astype(np.float32), sr,
                    subtype="PCM_16")
    for n in ("b.wav", "c.wav"):
        soundfile.write(os.path.join(src, n), (0.1 * rng.standard_normal(sr)).astype(np.float32),
                        sr, subtype="PCM_16")
    return src


def while_long_file_runs(sono, src, out, act, tries=5):
    """Runs batch -j 1 -- filter over src, calls act(process, worker pid)
    once the long file's temporary output exists, and returns the finished
    process, or None if the long file was never caught in progress."""
    for _ in range(tries):
        p = subprocess.Popen([sono, "batch", src, "-o", out, "-j", "1", "--force", "--",
                              "filter", "--lowpass", "1000"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
        caught = False
        while p.poll() is None and not caught:
            tmp = [n for n in (os.listdir(out) if os.path.isdir(out) else [])
                   if n.startswith("a-long.wav.sono-")]
            kids = children_of(p.pid)
            if tmp and kids:
                act(p, kids[0])
                caught = True
            time.sleep(0.001)
        p.stdout_text, p.stderr_text = p.communicate()
        if caught:
            return p
    return None


# The worker is stopped before each ^C so that it cannot finish its file in
# between: filtering two minutes of audio takes only about 0.1 s, and a CI run
# once saw the long file finish within the 5 ms between two ^C. A stopped
# worker still dies of the SIGKILL that a second ^C makes batch send.
def once(p, pid):
    os.kill(pid, signal.SIGSTOP)
    os.killpg(p.pid, signal.SIGINT)
    time.sleep(0.05)
    os.kill(pid, signal.SIGCONT)


def twice(p, pid):
    os.kill(pid, signal.SIGSTOP)
    os.killpg(p.pid, signal.SIGINT)
    time.sleep(0.005)
    os.killpg(p.pid, signal.SIGINT)


def killed_worker(sono, work):
    src = long_tree(work, "long", 120)
    out = os.path.join(work, "long-out")
    p = while_long_file_runs(sono, src, out, lambda p, pid: os.kill(pid, signal.SIGKILL))
    if not check(p is not None, "a worker caught in the middle of the long file"):
        return
    lines = p.stderr_text.splitlines()
    check(p.returncode == 1 and files_under(out) == ["b.wav", "c.wav"] and len(lines) == 2 and
          lines[0] == "sono batch: %s: sono filter was killed by signal 9 (Killed)" %
          os.path.join(src, "a-long.wav") and "2 converted, 0 up to date, 1 failed" in lines[1],
          "a killed worker: its file listed, its temporary removed, the others converted: %r"
          % lines)

    out = os.path.join(work, "long-int")
    p = while_long_file_runs(sono, src, out, once)
    if not check(p is not None, "the long file caught in progress for ^C"):
        return
    lines = p.stderr_text.splitlines()
    check(p.returncode == 128 + signal.SIGINT and files_under(out) == ["a-long.wav"] and
          len(lines) == 1 and "1 converted, 0 up to date, 0 failed, 2 not started" in lines[0],
          "^C: the running file finished, no other started, exit 130: %d %r" %
          (p.returncode, lines))


def interrupted_twice(sono, work):
    src = os.path.join(work, "long")
    out = os.path.join(work, "long-int2")
    p = while_long_file_runs(sono, src, out, twice)
    if not check(p is not None, "the long file caught in progress for ^C ^C"):
        return
    lines = p.stderr_text.splitlines()
    check(p.returncode == 128 + signal.SIGINT and files_under(out) == [] and len(lines) == 2 and
          lines[0] == "sono batch: %s: sono filter was killed by signal 9 (Killed)" %
          os.path.join(src, "a-long.wav") and
          "0 converted, 0 up to date, 1 failed, 2 not started" in lines[1],
          "^C ^C: the running file killed, its temporary removed, exit 130: %d %r" %
          (p.returncode, lines))


def progress_line(sono, src, work):
    master, slave = pty.openpty()
    p = subprocess.Popen([sono, "batch", src, "-o", os.path.join(work, "tty"), "-r", "--"]
                         + RENDER, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:     # EIO: the terminal's other side closed
            break
        if not chunk:
            break
        seen += chunk
    p.wait()
    os.close(master)
    text = seen.decode(errors="replace")
    n = len(make_tree_paths)
    check(("\rsono batch: %d/%d files, " % (n, n)) in text and "files/s" in text and
          " left" in text, "a terminal gets the progress line: %r" % text[-300:])
    r = batch(sono, [src, "-o", os.path.join(work, "tty"), "-r", "--force", "--"] + RENDER)
    check("\r" not in r.stderr and "files/s, " not in r.stderr.splitlines()[0],
          "a pipe does not: %r" % r.stderr)


def main(argv):
    global make_tree_paths
    sono, data, workdir = argv[1], argv[2], argv[3]
    work = os.path.join(workdir, "batch_cli.%d" % os.getpid())
    os.makedirs(work)
    src = os.path.join(work, "in")
    make_tree_paths = make_tree(data, src)
    out = mirrored(sono, src, work)
    other_commands(sono, data, src, work)
    printed_in_order(sono, src, work)
    up_to_date(sono, src, out)
    shared_name(sono, data, work)
    refusals(sono, src, work)
    killed_worker(sono, work)
    interrupted_twice(sono, work)
    progress_line(sono, src, work)
    status = summary()
    if status == 0:
        shutil.rmtree(work)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
