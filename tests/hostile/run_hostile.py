#!/usr/bin/python3
"""Runs the hostile-input corpus (cases.tsv) through the sono command.

usage: /usr/bin/python3 run_hostile.py SONO TESTS_DIR WORKDIR [--sanitizers] [NAME...]

TESTS_DIR is the source tree's tests/ (hostile/, data/, reference/).  With
NAME arguments only the cases whose names contain one of them run.
--sanitizers (the ASan/UBSan build) raises the memory bound, lengthens the
time limit and makes any single allocation above the bound fail loudly.

Every run of sono is checked for: the exact exit status (no signal, no
timeout); no sanitizer report; a peak resident set within the bound
(ru_maxrss from wait4, in a small process forked before numpy is loaded:
see Spawner); and that the output directory holds afterwards exactly
what it held before, byte for byte, with no OUT.sono-* temporary left (a
successful run adds its output and nothing else).  A failing case must
print nothing on stdout and exactly one line on stderr, "sono CMD: SUBJECT:
...", naming the file or option and containing the case's needles; it runs
twice, without and with an existing file at the -o path, which must survive
unchanged.  A successful case must print nothing on stderr, or exactly one
warning line when the case gives needles, and its output passes the case's
check.  Prints "PASS name", "FAIL name: why" or "SKIP name: why" per case
and "N passed, M failed" last; exits 1 if any case failed, 2 if the corpus
could not be read.

Setups: fsize=N runs sono with RLIMIT_FSIZE N (SIGXFSZ ignored: a write
past it fails as on a full disk); rodir makes the output directory mode
0555 and, as root (whom permissions do not bind), runs sono as uid/gid
65534; copy=SRC:NAME puts a copy of SRC in the output directory first;
fifo=NAME makes a FIFO there.

SPDX-License-Identifier: GPL-3.0-or-later
"""
import json
import os
import resource
import shutil
import signal
import stat
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
hostile_checks = None  # imported (with numpy) after the spawner has started

NOBODY = 65534
PRECIOUS = b"precious output from an earlier run\n" + bytes(range(256))
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                   "runtime error:", "MemorySanitizer", "ThreadSanitizer")


class Case:
    def __init__(self, lineno, fields):
        (self.name, status, self.subject, self.needles, self.setup, self.check,
         command) = fields
        self.lineno = lineno
        self.status = int(status)
        self.words = command.split(" ")


def read_cases(path):
    cases, names = [], set()
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) != 7:
                raise ValueError("%s:%d: %d fields, not 7" % (path, lineno, len(fields)))
            c = Case(lineno, fields)
            # RLIMIT_FSIZE also limits the files that take sono's stdout and
            # stderr: below a page, it would cut the message being checked.
            for s in c.setup.split(","):
                if s.startswith("fsize=") and int(s[6:]) < 4096:
                    raise ValueError("%s:%d: fsize below 4096" % (path, lineno))
            if c.name in names:
                raise ValueError("%s:%d: case %s twice" % (path, lineno, c.name))
            names.add(c.name)
            cases.append(c)
    return cases


class Spawner:
    """Runs the commands from a small process forked before numpy is
    imported.  Linux carries the peak resident set of the process that
    forks into the child's ru_maxrss (at exec), so runs forked from a runner
    holding numpy and scipy would all measure its 80 MiB.  Requests and
    replies are JSON lines on two pipes."""

    def __init__(self):
        req_r, self.req_w = os.pipe()
        self.rep_r, rep_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self.req_w)
            os.close(self.rep_r)
            with os.fdopen(req_r, "r") as requests, os.fdopen(rep_w, "w") as replies:
                for line in requests:
                    replies.write(json.dumps(self.serve(json.loads(line))) + "\n")
                    replies.flush()
            os._exit(0)
        os.close(req_r)
        os.close(rep_w)
        self.requests = os.fdopen(self.req_w, "w")
        self.replies = os.fdopen(self.rep_r, "r")

    def run(self, **request):
        self.requests.write(json.dumps(request) + "\n")
        self.requests.flush()
        return json.loads(self.replies.readline())

    def close(self):
        self.requests.close()
        os.waitpid(self.pid, 0)

    @staticmethod
    def serve(q):
        pid = os.fork()
        if pid == 0:
            try:
                # Python ignores SIGPIPE and SIGXFSZ; sono gets SIGPIPE back.
                # SIGXFSZ stays ignored, so that a write past RLIMIT_FSIZE
                # fails (EFBIG) as on a full disk instead of killing sono.
                signal.signal(signal.SIGPIPE, signal.SIG_DFL)
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                fds = [os.open("/dev/null", os.O_RDONLY),
                       os.open(q["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
                       os.open(q["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)]
                for target, fd in enumerate(fds):
                    os.dup2(fd, target)
                if q["fsize"] is not None:
                    resource.setrlimit(resource.RLIMIT_FSIZE, (q["fsize"], q["fsize"]))
                os.chdir(q["cwd"])
                if q["drop"]:
                    os.setgroups([])
                    os.setgid(NOBODY)
                    os.setuid(NOBODY)
                os.execve(q["argv"][0], q["argv"], q["env"])
            except BaseException as e:
                os.write(2, ("run_hostile.py: cannot run %s: %s\n" % (q["argv"][0], e)).encode())
            os._exit(127)
        deadline = time.monotonic() + q["timeout"]
        killed = False
        while True:
            done, wstatus, usage = os.wait4(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline and not killed:
                os.kill(pid, signal.SIGKILL)
                killed = True
            time.sleep(0.002)
        return {"code": os.waitstatus_to_exitcode(wstatus), "killed": killed,
                "maxrss": usage.ru_maxrss}


class Runner:
    def __init__(self, spawner, sono, tests, work, sanitizers):
        self.spawner = spawner
        self.sono = sono
        self.tests = tests
        self.work = work
        self.sanitizers = sanitizers
        # Peak resident set allowed, MiB.  ASan's quarantine alone may hold
        # 256 MiB of freed memory, and its allocator keeps more.
        self.max_rss_mib = 1024 if sanitizers else 256
        self.timeout = 600 if sanitizers else 120
        self.places = {
            "audio": os.path.join(tests, "hostile", "audio"),
            "npy": os.path.join(tests, "hostile", "npy"),
            "images": os.path.join(tests, "hostile", "images"),
            "data": os.path.join(tests, "data"),
        }
        self.out = os.path.join(work, "out")
        self.env = dict(os.environ, LC_ALL="C")
        self.env.pop("SONO_THREADS", None)
        if sanitizers:
            # One allocation above the bound is a finding, reported by ASan
            # (allocation-size-too-big) instead of being attempted.
            opts = self.env.get("ASAN_OPTIONS", "")
            self.env["ASAN_OPTIONS"] = ((opts + ":" if opts else "") +
                                        "max_allocation_size_mb=%d" % self.max_rss_mib)
        self.peak_kib = 0
        self.peak_name = ""

    # ---- placeholders and the output directory ----

    def expand(self, word):
        for key, value in self.places.items():
            word = word.replace("{%s}" % key, value)
        return word.replace("{out}", self.out)

    def reset_out(self):
        if os.path.lexists(self.out):
            for root, dirs, _ in os.walk(self.out):
                for d in dirs:
                    os.chmod(os.path.join(root, d), 0o755)
            os.chmod(self.out, 0o755)
            shutil.rmtree(self.out)
        os.mkdir(self.out)

    def snapshot(self):
        """What the output directory holds: each path's kind, and the bytes
        of regular files (a FIFO is not opened: that would block)."""
        state = {}
        for root, dirs, files in os.walk(self.out):
            for name in dirs + files:
                p = os.path.join(root, name)
                rel = os.path.relpath(p, self.out)
                st = os.lstat(p)
                if stat.S_ISLNK(st.st_mode):
                    state[rel] = ("link", os.readlink(p))
                elif stat.S_ISREG(st.st_mode):
                    with open(p, "rb") as f:
                        state[rel] = ("file", f.read())
                else:
                    state[rel] = ("special", stat.S_IFMT(st.st_mode), st.st_ino)
        return state

    # ---- running sono ----

    def spawn(self, argv, fsize=None, drop=False):
        """Runs argv in the output directory, stdin /dev/null, with
        RLIMIT_FSIZE fsize, as uid 65534 when drop; returns (exit status or
        None after a signal or the time limit, why not, stdout, stderr, peak
        resident set in KiB)."""
        out_path = os.path.join(self.work, "stdout")
        err_path = os.path.join(self.work, "stderr")
        rep = self.spawner.run(argv=argv, cwd=self.out, env=self.env, fsize=fsize, drop=drop,
                               stdout=out_path, stderr=err_path, timeout=self.timeout)
        with open(out_path, "rb") as f:
            stdout = f.read()
        with open(err_path, "rb") as f:
            stderr = f.read()
        code, why = rep["code"], None
        if rep["killed"]:
            why = "timed out after %d s" % self.timeout
        elif code < 0:
            why = "killed by signal %s" % signal.Signals(-code).name
        return (None if why else code), why, stdout, stderr, rep["maxrss"]

    def can_drop_to_nobody(self, inputs):
        """None if uid 65534 can run sono on the inputs and reach the output
        directory, else why not."""
        script = 'test -x "$1" || exit 3; shift; for f; do test -r "$f" || exit 4; done'
        for path in [self.sono, self.out] + inputs:
            d = os.path.dirname(path)
            while d not in ("", "/"):
                if not os.stat(d).st_mode & 0o001:
                    return "uid %d cannot enter %s" % (NOBODY, d)
                d = os.path.dirname(d)
        code, why, _, _, _ = self.spawn(["/bin/sh", "-c", script, "sh", self.sono] + inputs,
                                        drop=True)
        if code != 0:
            return "uid %d cannot run %s on %s (%s)" % (
                NOBODY, self.sono, " ".join(inputs), why or "exit %d" % code)
        return None

    # ---- one case ----

    def run_case(self, c):
        argv = [self.sono] + [self.expand(w) for w in c.words]
        setup = {} if c.setup == "-" else dict(
            (s.split("=", 1) + [""])[:2] for s in c.setup.split(","))
        out_arg = None
        for i, w in enumerate(argv[:-1]):
            if w in ("-o", "--output"):
                out_arg = argv[i + 1]
        out_abs = None if out_arg is None else os.path.join(self.out, out_arg)
        fsize = int(setup["fsize"]) if "fsize" in setup else None
        drop = False
        if "rodir" in setup:
            self.reset_out()
            if os.geteuid() == 0:
                inputs = [a for a in argv[2:] if os.path.isfile(a) and a != out_abs]
                why = self.can_drop_to_nobody(inputs)
                if why:
                    return "SKIP", "the output directory cannot be made read-only " \
                        "for this run: root ignores its mode and " + why
                drop = True

        runs = [False]
        if c.status != 0 and out_abs is not None:
            runs.append(True)
        for existing in runs:
            self.reset_out()
            if "copy" in setup:
                src, name = setup["copy"].split(":")
                shutil.copyfile(self.expand(src), os.path.join(self.out, name))
            if "fifo" in setup:
                os.mkfifo(os.path.join(self.out, setup["fifo"]))
            if existing:
                if os.path.lexists(out_abs) or not os.path.isdir(os.path.dirname(out_abs)):
                    break  # the path is the input, or cannot hold a file
                with open(out_abs, "wb") as f:
                    f.write(PRECIOUS)
            if "rodir" in setup:
                os.chmod(self.out, 0o555)
                if not drop and os.access(self.out, os.W_OK):
                    return "SKIP", "a mode-0555 directory is writable for this user"
            before = self.snapshot()
            code, why, stdout, stderr, rss = self.spawn(argv, fsize, drop)
            if rss > self.peak_kib:
                self.peak_kib, self.peak_name = rss, c.name
            problem = self.judge(c, argv, code, why, stdout, stderr, rss, before, out_abs)
            if problem:
                return "FAIL", ("(with an existing output file) " if existing else "") + problem
        return "PASS", None

    def judge(self, c, argv, code, why, stdout, stderr, rss, before, out_abs):
        text = stderr.decode("utf-8", "replace")
        shown = text.replace("\n", "|")[:600]
        if why:
            return "%s (stderr: %s)" % (why, shown)
        for mark in SANITIZER_MARKS:
            if mark in text:
                return "sanitizer report: %s" % shown
        if code != c.status:
            return "exit status %d, expected %d (stderr: %s)" % (code, c.status, shown)
        if rss > self.max_rss_mib * 1024:
            return "peak resident set %.1f MiB, above the bound of %d MiB" % (
                rss / 1024, self.max_rss_mib)
        after = self.snapshot()
        if c.status != 0:
            if stdout:
                return "output on stdout: %r" % stdout[:200]
            problem = self.one_line(c, argv, text)
            if problem:
                return problem
            return self.same_state(before, after)
        # Success: one warning line when the case expects one, else silence.
        if c.needles != "-":
            problem = self.one_line(c, argv, text)
            if problem:
                return problem
            if "warning: " not in text:
                return "not a warning: %s" % shown
        elif text:
            return "unexpected output on stderr: %s" % shown
        added = sorted(set(after) - set(before))
        rel = os.path.relpath(out_abs, self.out)
        if added != [rel]:
            return "output directory gained %s, expected just %s" % (added, rel)
        problem = self.same_state(before, {k: v for k, v in after.items() if k != rel})
        if problem:
            return problem
        if c.check != "-":
            name, _, arg = c.check.partition("=")
            try:
                return getattr(hostile_checks, name)(out_abs, argv, self.expand(arg), text)
            except Exception as e:  # a check that cannot read the output fails
                return "check %s raised %s: %s" % (name, type(e).__name__, e)
        return None

    def one_line(self, c, argv, text):
        shown = text.replace("\n", "|")[:600]
        if text.count("\n") != 1 or not text.endswith("\n"):
            return "stderr is not exactly one line: %s" % shown
        line = text[:-1]
        prefix = "sono %s: " % argv[1]
        if not line.startswith(prefix):
            return "stderr does not start with %r: %s" % (prefix, line)
        rest = line[len(prefix):]
        if rest.startswith("warning: "):
            rest = rest[len("warning: "):]
        subjects = [self.expand(s) for s in c.subject.split("|")]
        if c.subject != "-" and not any(rest.startswith(s + ": ") for s in subjects):
            return "stderr does not name %s as its subject: %s" % (" or ".join(subjects), line)
        for needle in ([] if c.needles == "-" else c.needles.split("|")):
            alternatives = [self.expand(n) for n in needle.split("~")]
            if not any(a in line for a in alternatives):
                return "stderr does not say %s: %s" % (" or ".join(map(repr, alternatives)), line)
        return None

    def same_state(self, before, after):
        for rel in sorted(set(before) | set(after)):
            if ".sono-" in rel and rel not in before:
                return "temporary file left: %s" % rel
            if rel not in after:
                return "%s was removed" % rel
            if rel not in before:
                return "%s appeared" % rel
            if before[rel] != after[rel]:
                return "%s was modified" % rel
        return None


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    flags = [a for a in argv[1:] if a.startswith("--")]
    if len(args) < 3 or any(f != "--sanitizers" for f in flags):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    sono, tests, work = (os.path.abspath(a) for a in args[:3])
    only = args[3:]
    spawner = Spawner()
    global hostile_checks
    import hostile_checks  # noqa: E402,F811  (numpy, soundfile, PIL)
    try:
        cases = read_cases(os.path.join(HERE, "cases.tsv"))
    except (OSError, ValueError) as e:
        print("run_hostile.py: %s" % e, file=sys.stderr)
        return 2
    work = os.path.join(work, "hostile.%d" % os.getpid())
    os.makedirs(work)
    os.chmod(work, 0o755)
    r = Runner(spawner, sono, tests, work, "--sanitizers" in flags)
    npass = nfail = 0
    start = time.monotonic()
    for c in cases:
        if only and not any(o in c.name for o in only):
            continue
        verdict, why = r.run_case(c)
        if verdict == "PASS":
            npass += 1
            print("PASS %s" % c.name)
        elif verdict == "SKIP":
            print("SKIP %s: %s" % (c.name, why))
        else:
            nfail += 1
            print("FAIL %s: %s" % (c.name, why))
        sys.stdout.flush()
    print("largest peak resident set: %.1f MiB (%s); %.1f s in all" % (
        r.peak_kib / 1024, r.peak_name, time.monotonic() - start))
    spawner.close()
    print("%d passed, %d failed" % (npass, nfail))
    if nfail:
        print("run_hostile.py: files kept in %s" % work, file=sys.stderr)
        return 1
    r.reset_out()
    shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
