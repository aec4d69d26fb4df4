/* sono batch: one subcommand over every input file of a directory tree,
 * mirroring the tree in an output directory, several files at a time.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This is how a dataset becomes a folder of pictures or matrices:
 *   sono batch ESC-50/audio -o esc50-mel -- render --scale mel --size 224x224
 * The files run in forked children (batch_run.c); this file checks the
 * command line and reports. */
#define _XOPEN_SOURCE 700  /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "cli.h"

#define MAX_JOBS 256

/* What each subcommand takes and the extension of what it writes. */
static const struct {
    const char *name;
    batch_inputs inputs;
    const char *ext;
} kinds[] = {
    {"stft", BATCH_AUDIO, "npy"},      {"mel", BATCH_AUDIO, "npy"},
    {"mfcc", BATCH_AUDIO, "npy"},      {"logfreq", BATCH_AUDIO, "npy"},
    {"embed", BATCH_AUDIO, "npy"},     {"render", BATCH_AUDIO, "png"},
    {"waveform", BATCH_AUDIO, "png"},  {"histogram", BATCH_AUDIO, "png"},
    {"filter", BATCH_AUDIO, "wav"},    {"transform", BATCH_AUDIO, "wav"},
    {"istft", BATCH_NPY, "wav"},       {"invert", BATCH_NPY_PNG, "wav"},
    {"image2sound", BATCH_PICTURE, "wav"}, {"image-svd", BATCH_PICTURE, "png"},
    {"cqt", BATCH_AUDIO, "npy"},       {"features", BATCH_AUDIO, "npy"},
    {"icqt", BATCH_NPY, "wav"},        {"similarity", BATCH_AUDIO, "png"},
};

static void help(void)
{
    printf("usage: sono batch IN_DIR -o OUT_DIR [--jobs N] [--recursive] [--force] [--ext EXT]\n"
           "                 -- COMMAND [OPTIONS]\n\n"
           "Runs 'sono COMMAND IN_DIR/FILE -o OUT_DIR/FILE.EXT [OPTIONS]' on every input\n"
           "file of IN_DIR (and below it with --recursive, mirroring its directories),\n"
           "several at a time.  An output newer than its input is kept.  A file that fails\n"
           "is skipped and listed at the end with its error, and the exit status is then 1.\n"
           "On a terminal, a progress line shows the files done, the files per second and\n"
           "the time left.\n\n"
           "  -o, --output DIR     where the outputs go (created; not inside IN_DIR, nor\n"
           "                       holding it)\n"
           "  -j, --jobs N         files converted at once, 1 to %d (default: the number\n"
           "                       of cores)\n"
           "  -r, --recursive      also the files in IN_DIR's subdirectories\n"
           "  --force              convert again even where the output is newer (the\n"
           "                       options are not compared: give it after changing them)\n"
           "  --ext EXT            the outputs' extension (default: the command's: npy for\n"
           "                       stft, mel, mfcc, logfreq, cqt, features and embed; png\n"
           "                       for render, waveform, histogram, similarity and\n"
           "                       image-svd; wav for filter, transform, istft, icqt,\n"
           "                       invert and image2sound)\n\n"
           "Input files, by extension (any case): .npy for istft and icqt, .npy and .png\n"
           "for invert, .png, .jpg and .jpeg for image2sound and image-svd, and for the\n"
           "other commands audio:", MAX_JOBS);
    const char *const *audio = batch_extensions(BATCH_AUDIO);
    for (size_t i = 0; audio[i]; i++)
        printf("%s .%s%s", i % 8 ? "" : "\n ", audio[i], audio[i + 1] ? "," : ".\n");
    printf("Names starting with '.' are skipped, and so are links to directories.  What\n"
           "a command prints on stdout is printed after the run, each line after its\n"
           "input's name; the files' errors and warnings follow on stderr, then a summary\n"
           "line.  If the first file converted stops at a bad option, so does the batch\n"
           "(exit status 2).\n");
}

/* The path without trailing slashes ("/" stays). */
static void trim_slashes(char *s)
{
    size_t n = strlen(s);
    while (n > 1 && s[n - 1] == '/')
        s[--n] = '\0';
}

/* The absolute path path would have: the real path of its longest existing
 * part, then the rest, which holds no links, resolved by its names ("." and
 * ".."), as mkdir -p would make it.  NULL with errno set. */
static char *resolve(const char *path)
{
    char *head = strdup(path), *real = NULL;
    if (!head)
        return NULL;
    size_t cut = strlen(head);
    for (;;) {
        real = realpath(cut ? head : ".", NULL);
        if (real || errno != ENOENT)
            break;
        char *slash = strrchr(head, '/');
        if (!slash) {
            cut = 0;
        } else {
            cut = slash == head ? 1 : (size_t)(slash - head);
            head[cut] = '\0';
        }
    }
    free(head);
    if (!real)
        return NULL;
    char *out = malloc(strlen(real) + strlen(path) + 2);
    if (!out) {
        free(real);
        return NULL;
    }
    strcpy(out, real);
    free(real);
    char *rest = strdup(path + cut), *save = NULL;
    if (!rest) {
        free(out);
        return NULL;
    }
    for (char *name = strtok_r(rest, "/", &save); name; name = strtok_r(NULL, "/", &save)) {
        if (strcmp(name, ".") == 0)
            continue;
        if (strcmp(name, "..") == 0) {
            char *slash = strrchr(out, '/');
            slash[slash == out ? 1 : 0] = '\0';
            continue;
        }
        if (strcmp(out, "/") != 0)
            strcat(out, "/");
        strcat(out, name);
    }
    free(rest);
    return out;
}

/* 1 if directory a is b or below it. */
static int within(const char *a, const char *b)
{
    size_t n = strlen(b);
    return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/' || strcmp(b, "/") == 0);
}

/* Checks IN_DIR and OUT_DIR against each other before anything is read or
 * made; reports, and returns an exit status or 0. */
static int check_dirs(const char *in, const char *out)
{
    struct stat st;
    if (stat(in, &st) != 0) {
        cli_error(in, "cannot open the input directory: %s", strerror(errno));
        return EXIT_USAGE;
    }
    if (!S_ISDIR(st.st_mode)) {
        cli_error(in, "not a directory");
        return EXIT_USAGE;
    }
    if (stat(out, &st) == 0 && !S_ISDIR(st.st_mode)) {
        cli_error(out, "exists and is not a directory");
        return EXIT_USAGE;
    }
    char *rin = resolve(in), *rout = resolve(out);
    int r = 0;
    if (!rin || !rout) {
        cli_error(rin ? out : in, "cannot resolve the path: %s", strerror(errno));
        r = EXIT_FAIL;
    } else if (strcmp(rin, rout) == 0) {
        cli_error(out, "is the input directory: the outputs go to another one");
        r = EXIT_USAGE;
    } else if (within(rout, rin) || within(rin, rout)) {
        cli_error(out, "%s the input directory %s: outputs and inputs would mix",
                  within(rout, rin) ? "is inside" : "holds", in);
        r = EXIT_USAGE;
    }
    free(rin);
    free(rout);
    return r;
}

/* Checks the subcommand and its options; fills cmd and plan. */
static int check_command(int argc, char **argv, const char *ext, batch_command *cmd,
                         batch_plan *plan)
{
    if (argc == 0) {
        cli_error("--", "no command after it (sono batch IN_DIR -o OUT_DIR -- COMMAND ...)");
        return -1;
    }
    const char *name = argv[0];
    if (strcmp(name, "info") == 0 || strcmp(name, "bench") == 0 ||
        strcmp(name, "tempo") == 0 || strcmp(name, "batch") == 0) {
        cli_error(name, "cannot be batched: %s", strcmp(name, "batch") == 0
                  ? "batch runs other commands" : "it writes no output file");
        return -1;
    }
    if (!(cmd->run = cli_find_command(name))) {
        cli_error(name, "unknown command (see 'sono --help')");
        return -1;
    }
    cmd->name = name;
    plan->inputs = BATCH_AUDIO;
    plan->ext = ext;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(name, kinds[i].name) == 0) {
            plan->inputs = kinds[i].inputs;
            if (!ext)
                plan->ext = kinds[i].ext;
        }
    if (!plan->ext) {
        cli_error(name, "has no default output extension: give --ext");
        return -1;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0 ||
            strncmp(a, "--output=", 9) == 0) {
            cli_error(a, "batch names each output: give OUT_DIR to batch, before '--'");
            return -1;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cli_error(a, "not for a batch; see 'sono %s --help'", name);
            return -1;
        }
    }
    cmd->argc = argc - 1;
    cmd->argv = argv + 1;
    return 0;
}

/* --ext: a file name's ending, without '/' (a leading '.' is dropped). */
static int check_ext(const char *v, const char **ext)
{
    const char *e = v[0] == '.' ? v + 1 : v;
    if (!*e || strchr(e, '/') || strlen(e) > 32) {
        cli_error("--ext", "must be a file extension such as png or npy, got '%s'", v);
        return -1;
    }
    *ext = e;
    return 0;
}

static void count(const batch_list *l, size_t n[4])
{
    memset(n, 0, 4 * sizeof *n);
    for (size_t i = 0; i < l->count; i++)
        n[l->items[i].state]++;
}

/* What the files printed, in their order, then the summary line. */
static void report(const batch_command *cmd, const batch_list *l, const batch_plan *plan,
                   int signal_number, double seconds)
{
    for (size_t i = 0; i < l->count; i++)
        batch_print_lines(cmd->name, &l->items[i], l->items[i].printed, 0);
    fflush(stdout);
    for (size_t i = 0; i < l->count; i++)
        batch_print_lines(cmd->name, &l->items[i], l->items[i].message, 1);
    size_t n[4];
    count(l, n);
    char rate[96] = "";
    size_t ran = n[BATCH_DONE] + n[BATCH_FAILED];
    if (ran > 0 && seconds > 0)
        snprintf(rate, sizeof rate, " in %.2f s (%.1f files/s)", seconds, (double)ran / seconds);
    char rest[96] = "";
    if (signal_number)
        snprintf(rest, sizeof rest, ", %zu not started (%s)", n[BATCH_TODO],
                 strsignal(signal_number));
    fprintf(stderr, "sono batch: %s: %zu converted, %zu up to date, %zu failed%s%s\n",
            plan->in_dir, n[BATCH_DONE], n[BATCH_KEPT], n[BATCH_FAILED], rest, rate);
}

/* The first file's usage error stops the batch: its lines, as batch's. */
static void report_usage(const batch_command *cmd, const batch_item *it)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "sono %s: ", cmd->name);
    size_t lp = strlen(prefix);
    for (const char *s = it->message; s && *s;) {
        const char *end = strchr(s, '\n');
        int n = end ? (int)(end - s) : (int)strlen(s);
        int own = (size_t)n >= lp && strncmp(s, prefix, lp) == 0;
        fprintf(stderr, "sono batch: %s: %.*s (running on %s)\n", cmd->name,
                n - (own ? (int)lp : 0), s + (own ? lp : 0), it->input);
        s = end ? end + 1 : s + n;
    }
}

int cmd_batch(int argc, char **argv)
{
    cli_args a = {argc, argv, 1, NULL};
    batch_plan plan;
    batch_command cmd;
    memset(&plan, 0, sizeof plan);
    memset(&cmd, 0, sizeof cmd);
    const char *in = NULL, *out = NULL, *ext = NULL;
    int cores = sono_default_threads();
    size_t jobs = (size_t)(cores < MAX_JOBS ? cores : MAX_JOBS);
    int dashes = 0, m;
    while (a.i < argc && !dashes) {
        const char *arg = argv[a.i];
        if (strcmp(arg, "--") == 0) {
            dashes = ++a.i;
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            help();
            return 0;
        } else if ((m = cli_match(&a, "-o", 1)) != 0 || (m = cli_match(&a, "--output", 1)) != 0) {
            if (m < 0)
                return EXIT_USAGE;
            out = a.value;
        } else if ((m = cli_match(&a, "--jobs", 1)) != 0 || (m = cli_match(&a, "-j", 1)) != 0) {
            if (m < 0 || cli_size("--jobs", a.value, 1, MAX_JOBS, &jobs))
                return EXIT_USAGE;
        } else if ((m = cli_match(&a, "--ext", 1)) != 0) {
            if (m < 0 || check_ext(a.value, &ext))
                return EXIT_USAGE;
        } else if (cli_match(&a, "--recursive", 0) || cli_match(&a, "-r", 0)) {
            plan.recursive = 1;
        } else if (cli_match(&a, "--force", 0)) {
            plan.force = 1;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            cli_error(arg, "unknown option (see 'sono batch --help')");
            return EXIT_USAGE;
        } else if (in) {
            cli_error(arg, "unexpected argument: the input directory is already '%s'; "
                      "the command goes after '--'", in);
            return EXIT_USAGE;
        } else {
            in = arg;
            a.i++;
        }
    }
    if (!in) {
        cli_error(NULL, "no input directory given (see 'sono batch --help')");
        return EXIT_USAGE;
    }
    if (!out || !*out) {
        cli_error("-o", "no output directory given");
        return EXIT_USAGE;
    }
    if (!dashes) {
        cli_error("--", "missing: the command goes after it (sono batch IN_DIR -o OUT_DIR "
                  "-- COMMAND ...)");
        return EXIT_USAGE;
    }
    if (check_command(argc - dashes, argv + dashes, ext, &cmd, &plan))
        return EXIT_USAGE;

    char *in_dir = strdup(in), *out_dir = strdup(out);
    batch_list list = {NULL, 0, 0};
    int status = EXIT_FAIL;
    if (!in_dir || !out_dir) {
        cli_error(NULL, "%s", sono_strerror(SONO_ERR_NOMEM));
        goto done;
    }
    trim_slashes(in_dir);
    trim_slashes(out_dir);
    if ((status = check_dirs(in_dir, out_dir)) != 0)
        goto done;
    plan.in_dir = in_dir;
    plan.out_dir = out_dir;
    status = EXIT_FAIL;
    if (batch_find(&plan, &list) != 0) {
        cli_error(in_dir, "%s", sono_strerror(SONO_ERR_NOMEM));
        goto done;
    }
    if (list.count == 0) {
        cli_error(in_dir, "no input files for %s%s", cmd.name,
                  plan.recursive ? "" : " at its top level (--recursive looks below it)");
        goto done;
    }
    /* OUT_DIR's own directories, like the outputs', are removed again if
     * the first file's options are refused. */
    cmd.jobs = jobs;
    cmd.out_dir = out_dir;
    char **made = NULL, *probe = malloc(strlen(out_dir) + 3);
    size_t n_made = 0;
    if (!probe || (sprintf(probe, "%s/x", out_dir), batch_make_dirs("", probe, &made, &n_made))) {
        cli_error(out_dir, "cannot create the directory: %s", strerror(probe ? errno : ENOMEM));
        free(probe);
        goto done_made;
    }
    free(probe);
    long usage_item;
    double t0 = batch_now();
    int sig = batch_run(&cmd, &list, &made, &n_made, &usage_item);
    double seconds = batch_now() - t0;
    if (usage_item >= 0) {
        batch_unmake(made, n_made);
        report_usage(&cmd, &list.items[usage_item]);
        status = EXIT_USAGE;
        goto done_made;
    }
    report(&cmd, &list, &plan, sig, seconds);
    size_t n[4];
    count(&list, n);
    status = sig ? 128 + sig : n[BATCH_FAILED] ? EXIT_FAIL : 0;
done_made:
    for (size_t i = 0; i < n_made; i++)
        free(made[i]);
    free(made);
done:
    batch_list_free(&list);
    free(in_dir);
    free(out_dir);
    return status;
}
