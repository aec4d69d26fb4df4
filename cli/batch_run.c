/* sono batch: the files' subcommands in forked worker processes.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fork without exec: a worker runs the subcommand's own code on the memory
 * it inherits, so it pays no program start (loading and relocating the
 * shared libraries took about 10 ms per run).  A worker converts file after
 * file, as long as they succeed: measured on 5-second clips to 224x224 mel
 * PNGs, a fresh process per file spent 46 ms of CPU per clip where one
 * process running the same command again spent 20-24 ms (page faults on a
 * cold heap, lazy symbol binding, FFTW's planner set-up, the codecs'
 * initialisation, each paid once per process).  The commands hold no state
 * from one run to the next (the fuzz target of the command line runs them
 * thousands of times in one process).  A file that fails retires its
 * worker, so that whatever a bad file did to a process's memory cannot touch
 * the next file; a crash or an abort loses the file it was on and nothing
 * else.  The commands write their outputs atomically, so a worker that dies
 * leaves no output; the temporary it may leave beside it is removed here.
 *
 * Safe after fork because the batch process starts no thread (it lists
 * directories and waits), and the library starts none until a command asks
 * (worker threads per call; OpenBLAS is loaded by dlopen on first use).
 *
 * The protocol: the batch process writes an item's index (a size_t) to a
 * worker's command pipe; the worker runs the command with its stdout and
 * stderr on two pipes, then writes a NUL byte on stdout and a NUL and the
 * exit status on stderr.  The commands print text only, so a NUL ends a
 * file's output on each stream.  End of file on the command pipe tells a
 * worker to exit. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "batch.h"
#include "cli.h"

/* What a file's command may print on each stream before the rest is cut. */
#define CAPTURE_LIMIT 65536
#define MAX_WORKERS 256

typedef struct capture {
    char *text;
    size_t len, cap;
    int cut;
} capture;

typedef struct worker {
    pid_t pid;
    int cmd_fd;         /* write end of the command pipe; -1 once closed */
    int fd[2];          /* stderr and stdout read ends; -1 after their end */
    long item;          /* the file it converts, or -1 */
    int ended[2];       /* the file's NUL seen on stderr, on stdout */
    int want_status;    /* the next stderr byte is the file's exit status */
    int status;
    capture out[2];
} worker;

static volatile sig_atomic_t first_signal, signal_count;

static void on_signal(int sig)
{
    if (!first_signal)
        first_signal = sig;
    signal_count++;
}

/* SIGPIPE is ignored while the batch runs: a write to a worker that died
 * fails with EPIPE, and the death is reported as the file's. */
static const int caught[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
#define N_CAUGHT (sizeof caught / sizeof caught[0])

static void catch_signals(struct sigaction *saved)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    first_signal = 0;
    signal_count = 0;
    for (size_t i = 0; i < N_CAUGHT; i++) {
        /* No SA_RESTART: poll returns EINTR. */
        sa.sa_handler = caught[i] == SIGPIPE ? SIG_IGN : on_signal;
        sigaction(caught[i], &sa, &saved[i]);
    }
}

static void restore_signals(const struct sigaction *saved)
{
    for (size_t i = 0; i < N_CAUGHT; i++)
        sigaction(caught[i], &saved[i], NULL);
}

static void append(capture *c, const char *s, size_t n)
{
    if (c->len + n > CAPTURE_LIMIT) {
        c->cut = 1;
        n = CAPTURE_LIMIT - c->len;
    }
    if (c->len + n + 1 > c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 1024;
        while (cap < c->len + n + 1)
            cap *= 2;
        char *t = realloc(c->text, cap);
        if (!t) {
            c->cut = 1;
            return;
        }
        c->text = t;
        c->cap = cap;
    }
    memcpy(c->text + c->len, s, n);
    c->len += n;
    c->text[c->len] = '\0';
}

static void appendf(capture *c, const char *fmt, const char *a, const char *b)
{
    char line[4200];
    snprintf(line, sizeof line, fmt, a, b);
    append(c, line, strlen(line));
}

/* ---- the worker ---- */

static int read_index(int fd, size_t *index)
{
    char *p = (char *)index;
    size_t got = 0;
    while (got < sizeof *index) {
        ssize_t n = read(fd, p + got, sizeof *index - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return 0;
}

static void write_all(int fd, const void *buf, size_t n)
{
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            _exit(EXIT_FAIL);
        p += w;
        n -= (size_t)w;
    }
}

/* Converts the files it is sent until its command pipe ends.  Never
 * returns. */
static void worker_main(const batch_command *cmd, const batch_list *list, int cmd_in,
                        int err_out, int out_out)
{
    if (dup2(err_out, 2) < 0 || dup2(out_out, 1) < 0)
        _exit(EXIT_FAIL);
    close(err_out);
    close(out_out);
    /* A ^C or a hangup reaches the whole process group: the batch process
     * lets the running files finish rather than have them die. */
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    /* Jobs share the cores; one file's worker threads would only contend
     * with the others'.  The user's own setting stands. */
    if (cmd->jobs > 1) {
        setenv("SONO_THREADS", "1", 0);
        setenv("OPENBLAS_NUM_THREADS", "1", 0);
    }
    char **argv = malloc(((size_t)cmd->argc + 5) * sizeof *argv);
    if (!argv)
        _exit(EXIT_FAIL);
    size_t index;
    while (read_index(cmd_in, &index) == 0 && index < list->count) {
        const batch_item *it = &list->items[index];
        int argc = 0;
        argv[argc++] = (char *)cmd->name;
        argv[argc++] = it->input;
        argv[argc++] = "-o";
        argv[argc++] = it->output;
        for (int i = 0; i < cmd->argc; i++)
            argv[argc++] = cmd->argv[i];
        argv[argc] = NULL;
        cli_command = cmd->name;
        int status = cmd->run(argc, argv);
        /* Warnings wait for the command's end (messages.c), as in main. */
        cli_end_warnings(status == 0);
        unsigned char end[2] = {0, (unsigned char)status};
        fflush(stdout);
        fflush(stderr);
        write_all(1, end, 1);
        write_all(2, end, 2);
    }
    free(argv);
    /* _exit: the batch process's atexit handlers and stdio buffers are not
     * the worker's to run or flush. */
    _exit(0);
}

/* ---- the batch process's side ---- */

/* Forks a worker into w; -1 with errno set. */
static int spawn(const batch_command *cmd, const batch_list *list, worker *w,
                 const worker *others, size_t n_others)
{
    int cmd_pipe[2], err_pipe[2], out_pipe[2];
    if (pipe(cmd_pipe) != 0)
        return -1;
    if (pipe(err_pipe) != 0) {
        int err = errno;
        close(cmd_pipe[0]);
        close(cmd_pipe[1]);
        return errno = err, -1;
    }
    if (pipe(out_pipe) != 0) {
        int err = errno;
        close(cmd_pipe[0]);
        close(cmd_pipe[1]);
        close(err_pipe[0]);
        close(err_pipe[1]);
        return errno = err, -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        /* Only its own pipe ends: another worker's command pipe held open
         * here would keep that worker from seeing its end. */
        for (size_t k = 0; k < n_others; k++) {
            if (others[k].cmd_fd >= 0)
                close(others[k].cmd_fd);
            for (int s = 0; s < 2; s++)
                if (others[k].fd[s] >= 0)
                    close(others[k].fd[s]);
        }
        close(cmd_pipe[1]);
        close(err_pipe[0]);
        close(out_pipe[0]);
        worker_main(cmd, list, cmd_pipe[0], err_pipe[1], out_pipe[1]);
    }
    int err = errno;
    close(cmd_pipe[0]);
    close(err_pipe[1]);
    close(out_pipe[1]);
    if (pid < 0) {
        close(cmd_pipe[1]);
        close(err_pipe[0]);
        close(out_pipe[0]);
        return errno = err, -1;
    }
    memset(w, 0, sizeof *w);
    w->pid = pid;
    w->cmd_fd = cmd_pipe[1];
    w->fd[0] = err_pipe[0];
    w->fd[1] = out_pipe[0];
    w->item = -1;
    return 0;
}

/* Marks it failed with a message of batch's own. */
static void fail(batch_item *it, const char *fmt, const char *a, const char *b)
{
    capture c = {NULL, 0, 0, 0};
    appendf(&c, fmt, a, b);
    free(it->message);
    it->message = c.text;
    it->state = BATCH_FAILED;
}

/* Removes OUTPUT.sono-XXXXXX temporaries a killed worker left beside its
 * output (the library's atomic files, src/atomic_file.c). */
static void remove_temporaries(const char *output)
{
    const char *slash = strrchr(output, '/');
    const char *base = slash ? slash + 1 : output;
    size_t dir_len = slash ? (size_t)(slash - output) : 1;
    char *dir = malloc(dir_len + 1);
    if (!dir)
        return;
    memcpy(dir, slash ? output : ".", dir_len);
    dir[dir_len] = '\0';
    DIR *d = opendir(dir);
    size_t base_len = strlen(base);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, base, base_len) != 0 ||
            strncmp(e->d_name + base_len, ".sono-", 6) != 0 ||
            strlen(e->d_name + base_len + 6) != 6)
            continue;
        char *path = malloc(dir_len + strlen(e->d_name) + 2);
        if (path) {
            sprintf(path, "%s/%s", dir, e->d_name);
            unlink(path);
            free(path);
        }
    }
    if (d)
        closedir(d);
    free(dir);
}

/* Takes what the worker printed for its file and the file's end into the
 * item: status is the command's exit status, or -1 when the worker died
 * (wait_status says how). */
static void finish(const batch_command *cmd, worker *w, batch_item *it, int status,
                   int wait_status)
{
    capture *err = &w->out[0];
    if (err->cut)
        appendf(err, "(sono %s printed more on stderr; cut here)\n", cmd->name, "");
    if (w->out[1].cut)
        appendf(&w->out[1], "(sono %s printed more; cut here)\n", cmd->name, "");
    char code[96];
    struct stat st;
    it->state = BATCH_FAILED;
    if (status == 0) {
        it->state = BATCH_DONE;
        if (stat(it->output, &st) != 0) {
            appendf(err, "sono %s exited without writing %s\n", cmd->name, it->output);
            it->state = BATCH_FAILED;
        }
    } else if (status > 0) {
        if (err->len == 0) {
            snprintf(code, sizeof code, "%d", status);
            appendf(err, "sono %s failed with exit status %s\n", cmd->name, code);
        }
    } else {
        if (WIFSIGNALED(wait_status))
            snprintf(code, sizeof code, "was killed by signal %d (%s)", WTERMSIG(wait_status),
                     strsignal(WTERMSIG(wait_status)));
        else
            snprintf(code, sizeof code, "ended with exit status %d",
                     WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1);
        appendf(err, "sono %s %s\n", cmd->name, code);
        remove_temporaries(it->output);
    }
    free(it->message);
    free(it->printed);
    it->message = err->text;
    it->printed = w->out[1].text;
    memset(w->out, 0, sizeof w->out);
    w->item = -1;
    w->ended[0] = w->ended[1] = 0;
}

/* Takes n bytes of stream s (0 stderr, 1 stdout) from w. */
static void take(worker *w, int s, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s == 0 && w->want_status) {
            w->status = (unsigned char)buf[i];
            w->want_status = 0;
            w->ended[0] = 1;
        } else if (buf[i] == '\0') {
            if (s == 0)
                w->want_status = 1;
            else
                w->ended[1] = 1;
        } else {
            /* Text up to the next NUL or the end. */
            size_t j = i;
            while (j < n && buf[j] != '\0')
                j++;
            if (w->item >= 0)
                append(&w->out[s], buf + i, j - i);
            i = j - 1;
        }
    }
}

/* Reads what is there on the workers' pipes, waiting at most timeout ms
 * (-1: until something comes); closes the pipes that ended. */
static void collect(worker *ws, size_t n, int timeout)
{
    struct pollfd fds[2 * MAX_WORKERS];
    size_t owner[2 * MAX_WORKERS], nf = 0;
    for (size_t k = 0; k < n; k++)
        for (int s = 0; s < 2; s++)
            if (ws[k].fd[s] >= 0) {
                fds[nf].fd = ws[k].fd[s];
                fds[nf].events = POLLIN;
                owner[nf++] = 2 * k + (size_t)s;
            }
    if (nf == 0 || poll(fds, nf, timeout) <= 0)
        return;
    for (size_t f = 0; f < nf; f++) {
        if (!fds[f].revents)
            continue;
        worker *w = &ws[owner[f] / 2];
        int s = (int)(owner[f] % 2);
        char buf[4096];
        ssize_t got = read(fds[f].fd, buf, sizeof buf);
        if (got > 0) {
            take(w, s, buf, (size_t)got);
        } else if (got == 0 || errno != EINTR) {
            close(fds[f].fd);
            w->fd[s] = -1;
        }
    }
}

static void retire(worker *w)
{
    if (w->cmd_fd >= 0)
        close(w->cmd_fd);
    w->cmd_fd = -1;
}

int batch_run(const batch_command *cmd, batch_list *list, char ***made, size_t *n_made,
              long *usage_item)
{
    worker ws[MAX_WORKERS];
    size_t n_workers = 0, next = 0, busy = 0, total = 0;
    size_t jobs = cmd->jobs < MAX_WORKERS ? cmd->jobs : MAX_WORKERS;
    int checked = 0;    /* a file ran with the options without a usage error */
    int killed = 0;
    *usage_item = -1;
    for (size_t i = 0; i < list->count; i++)
        total += list->items[i].state == BATCH_TODO;
    batch_progress progress;
    batch_progress_start(&progress, total);
    struct sigaction saved[N_CAUGHT];
    catch_signals(saved);
    for (;;) {
        /* Until a file has passed the command's checks, one at a time. */
        size_t limit = checked ? jobs : 1;
        while (!first_signal && *usage_item < 0 && busy < limit) {
            while (next < list->count && list->items[next].state != BATCH_TODO)
                next++;
            if (next == list->count)
                break;
            batch_item *it = &list->items[next];
            size_t k = 0;
            while (k < n_workers && (ws[k].item >= 0 || ws[k].cmd_fd < 0))
                k++;
            if (k == n_workers) {
                /* Retired workers not yet reaped keep their slots. */
                if (n_workers == MAX_WORKERS)
                    break;
                if (spawn(cmd, list, &ws[k], ws, n_workers) != 0) {
                    fail(it, "cannot start a worker: %s\n", strerror(errno), "");
                    next++;
                    progress.done++;
                    continue;
                }
                n_workers++;
            }
            next++;
            if (batch_make_dirs(cmd->out_dir, it->output, made, n_made) != 0) {
                fail(it, "cannot create the directory of %s: %s\n", it->output,
                     strerror(errno));
                progress.done++;
                continue;
            }
            ws[k].item = (long)(it - list->items);
            size_t index = (size_t)ws[k].item;
            /* A short write means the worker died; its pipes' end says so. */
            if (write(ws[k].cmd_fd, &index, sizeof index) != (ssize_t)sizeof index)
                retire(&ws[k]);
            busy++;
        }
        /* Idle workers with nothing left to do are told to exit. */
        int more = !first_signal && *usage_item < 0 && next < list->count;
        for (size_t k = 0; k < n_workers; k++)
            if (ws[k].item < 0 && !more)
                retire(&ws[k]);
        if (n_workers == 0)
            break;
        if (signal_count > 1 && !killed) {
            for (size_t k = 0; k < n_workers; k++)
                kill(ws[k].pid, SIGKILL);
            killed = 1;
        }
        collect(ws, n_workers, progress.on ? 250 : -1);
        for (size_t k = 0; k < n_workers;) {
            worker *w = &ws[k];
            if (w->item >= 0 && w->ended[0] && w->ended[1]) {
                batch_item *it = &list->items[w->item];
                int status = w->status;
                finish(cmd, w, it, status, 0);
                busy--;
                progress.done++;
                if (status == 0)
                    checked = 1;
                else if (!checked && status == EXIT_USAGE)
                    *usage_item = it - list->items;
                if (status != 0)
                    retire(w);
            }
            if (w->fd[0] >= 0 || w->fd[1] >= 0) {
                k++;
                continue;
            }
            /* Both pipes ended: the worker exited or died. */
            int wait_status = 0;
            while (waitpid(w->pid, &wait_status, 0) < 0 && errno == EINTR)
                ;
            if (w->item >= 0) {
                finish(cmd, w, &list->items[w->item], -1, wait_status);
                busy--;
                progress.done++;
            }
            retire(w);
            free(w->out[0].text);
            free(w->out[1].text);
            ws[k] = ws[--n_workers];
        }
        batch_progress_draw(&progress, busy == 0);
    }
    batch_progress_clear(&progress);
    restore_signals(saved);
    return first_signal;
}

void batch_print_lines(const char *cmd, const batch_item *item, const char *text,
                       int to_stderr)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "sono %s: ", cmd);
    size_t lp = strlen(prefix), li = strlen(item->input);
    while (text && *text) {
        const char *end = strchr(text, '\n');
        int n = end ? (int)(end - text) : (int)strlen(text);
        if (!to_stderr) {
            printf("%s: %.*s\n", item->input, n, text);
        } else if ((size_t)n >= lp && strncmp(text, prefix, lp) == 0) {
            /* "sono CMD: INPUT: what" -> "sono batch: INPUT: what";
             * "sono CMD: OTHER: what" -> "sono batch: INPUT: CMD: OTHER: what" */
            const char *rest = text + lp;
            int m = n - (int)lp;
            if ((size_t)m >= li + 2 && strncmp(rest, item->input, li) == 0 &&
                rest[li] == ':' && rest[li + 1] == ' ')
                fprintf(stderr, "sono batch: %s: %.*s\n", item->input, m - (int)li - 2,
                        rest + li + 2);
            else
                fprintf(stderr, "sono batch: %s: %s: %.*s\n", item->input, cmd, m, rest);
        } else {
            fprintf(stderr, "sono batch: %s: %.*s\n", item->input, n, text);
        }
        text = end ? end + 1 : text + n;
    }
}
