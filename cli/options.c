/* Command-line options shared by the subcommands, parsed strictly: every
 * value is checked for its type and range and a bad one is named.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int cli_match(cli_args *a, const char *name, int has_value)
{
    const char *arg = a->argv[a->i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0)
        return 0;
    if (arg[n] == '\0') {
        if (!has_value) {
            a->i++;
            return 1;
        }
        if (a->i + 1 >= a->argc) {
            cli_error(name, "needs a value");
            return -1;
        }
        a->value = a->argv[a->i + 1];
        a->i += 2;
        return 1;
    }
    if (arg[n] == '=' && has_value) {
        a->value = arg + n + 1;
        a->i++;
        return 1;
    }
    return 0;
}

int cli_size(const char *opt, const char *v, size_t min, size_t max,
             size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 10);
    if (!*v || *end || v[0] == '-' || v[0] == '+' || errno || x < min ||
        x > max) {
        cli_error(opt, "must be an integer from %zu to %zu, got '%s'", min,
                  max, v);
        return -1;
    }
    *out = (size_t)x;
    return 0;
}

int cli_double(const char *opt, const char *v, double min, double max,
               double *out)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (!*v || *end || errno == ERANGE || !isfinite(x) || x < min || x > max) {
        cli_error(opt, "must be a number from %g to %g, got '%s'", min, max, v);
        return -1;
    }
    *out = x;
    return 0;
}

int cli_choice(const char *opt, const char *v, const char *const *names,
               int count, int *index)
{
    char list[256] = "";
    for (int i = 0; i < count; i++) {
        if (strcmp(v, names[i]) == 0) {
            *index = i;
            return 0;
        }
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%s",
                 i == 0 ? "" : i == count - 1 ? " or " : ", ", names[i]);
    }
    cli_error(opt, "must be %s, got '%s'", list, v);
    return -1;
}

/* One side of a size: decimal digits only (no sign, no space), 1 to 65535. */
static int image_side(const char *s, size_t len, uint32_t *out)
{
    unsigned long x = 0;
    if (len == 0 || len > 5)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        x = x * 10 + (unsigned long)(s[i] - '0');
    }
    if (x < 1 || x > SONO_IMAGE_MAX_SIDE)
        return -1;
    *out = (uint32_t)x;
    return 0;
}

int cli_image_size(const char *opt, const char *v, uint32_t *w, uint32_t *h)
{
    const char *x = strchr(v, 'x');
    uint32_t width, height;
    if (!x || image_side(v, (size_t)(x - v), &width) ||
        image_side(x + 1, strlen(x + 1), &height) ||
        (uint64_t)width * height > SONO_IMAGE_MAX_PIXELS) {
        cli_error(opt, "must be WIDTHxHEIGHT, each from 1 to %u and at most "
                  "%u pixels in all, got '%s'", SONO_IMAGE_MAX_SIDE,
                  SONO_IMAGE_MAX_PIXELS, v);
        return -1;
    }
    *w = width;
    *h = height;
    return 0;
}

void cli_common_init(cli_common *c)
{
    memset(c, 0, sizeof *c);
    sono_source_params_default(&c->audio);
    sono_stft_params_default(&c->stft);
    sono_mel_params_default(&c->mel);
}

const char cli_help_audio[] =
    "audio options:\n"
    "  --sr RATE            resample to RATE Hz with soxr HQ (default: the file's rate)\n"
    "  --channel N|mix      one channel (0-based) or the mean of all (default: mix)\n"
    "  --offset SEC         start reading SEC seconds in (default: 0)\n"
    "  --duration SEC       read at most SEC seconds (default: to the end)\n";

int cli_parse_audio(cli_args *a, cli_common *c)
{
    int m;
    if ((m = cli_match(a, "--sr", 1)) != 0)
        return m < 0 ? -1
               : cli_double("--sr", a->value, 1, 4e6, &c->audio.sample_rate) ? -1 : 1;
    if ((m = cli_match(a, "--channel", 1)) != 0) {
        if (m < 0)
            return -1;
        if (strcmp(a->value, "mix") == 0) {
            c->audio.channel = SONO_CHANNEL_MIX;
            return 1;
        }
        size_t ch;
        if (cli_size("--channel", a->value, 0, 65535, &ch))
            return -1;
        c->audio.channel = (int)ch;
        return 1;
    }
    if ((m = cli_match(a, "--offset", 1)) != 0)
        return m < 0 ? -1
               : cli_double("--offset", a->value, 0, 1e9, &c->audio.offset) ? -1 : 1;
    if ((m = cli_match(a, "--duration", 1)) != 0)
        return m < 0 ? -1
               : cli_double("--duration", a->value, 0, 1e9, &c->audio.duration) ? -1 : 1;
    return 0;
}

#define HELP_STFT_HEAD                                                             \
    "STFT options:\n"                                                             \
    "  --n-fft N            FFT size (default: 2048)\n"
#define HELP_STFT_TAIL                                                             \
    "  --win-length N       window length, at most n-fft (default: n-fft)\n"       \
    "  --window NAME        hann, hamming, blackman, bartlett, rectangular (default: hann)\n" \
    "  --center, --no-center  pad n-fft/2 on both sides (default: --center)\n"    \
    "  --pad-mode MODE      constant, reflect, edge (default: constant)\n"

const char cli_help_stft[] =
    HELP_STFT_HEAD
    "  --hop N              hop length in samples (default: win-length / 4, as librosa.stft)\n"
    HELP_STFT_TAIL;

const char cli_help_feature_stft[] =
    HELP_STFT_HEAD
    "  --hop N              hop length in samples (default: 512 whatever the window, as\n"
    "                       librosa's feature functions)\n"
    HELP_STFT_TAIL;

int cli_parse_stft(cli_args *a, cli_common *c)
{
    int m;
    if ((m = cli_match(a, "--n-fft", 1)) != 0)
        return m < 0 ? -1
               : cli_size("--n-fft", a->value, 2, SONO_MAX_N_FFT, &c->stft.n_fft) ? -1 : 1;
    if ((m = cli_match(a, "--hop", 1)) != 0) {
        c->hop_given = 1;
        return m < 0 ? -1
               : cli_size("--hop", a->value, 1, SONO_MAX_N_FFT, &c->stft.hop_length) ? -1 : 1;
    }
    if ((m = cli_match(a, "--win-length", 1)) != 0) {
        c->win_given = 1;
        return m < 0 ? -1
               : cli_size("--win-length", a->value, 1, SONO_MAX_N_FFT, &c->stft.win_length) ? -1 : 1;
    }
    if ((m = cli_match(a, "--window", 1)) != 0) {
        if (m < 0)
            return -1;
        if (sono_window_from_name(a->value, &c->stft.window) != SONO_OK) {
            cli_error("--window", "unknown window '%s' (hann, hamming, blackman, "
                      "bartlett, rectangular)", a->value);
            return -1;
        }
        return 1;
    }
    if ((m = cli_match(a, "--center", 0)) != 0) {
        c->stft.center = 1;
        return 1;
    }
    if ((m = cli_match(a, "--no-center", 0)) != 0) {
        c->stft.center = 0;
        return 1;
    }
    if ((m = cli_match(a, "--pad-mode", 1)) != 0) {
        if (m < 0)
            return -1;
        if (sono_pad_mode_from_name(a->value, &c->stft.pad_mode) != SONO_OK) {
            cli_error("--pad-mode", "unknown pad mode '%s' (constant, reflect, edge)",
                      a->value);
            return -1;
        }
        return 1;
    }
    return 0;
}

const char cli_help_threads[] =
    "  --threads N          STFT (and CQT) worker threads, 1 to 64; the output is the same for\n"
    "                       any number (default: SONO_THREADS, else all cores)\n";

int cli_parse_threads(cli_args *a, cli_common *c)
{
    size_t v;
    int m = cli_match(a, "--threads", 1);
    if (m <= 0)
        return m;
    if (cli_size("--threads", a->value, 1, 64, &v))
        return -1;
    c->threads = (int)v;
    return 1;
}

int cli_check_threads(cli_common *c)
{
    const char *e = getenv("SONO_THREADS");
    size_t v;
    if (c->threads > 0 || !e || !*e)
        return 0;
    if (cli_size("SONO_THREADS", e, 1, 64, &v))
        return -1;
    c->threads = (int)v;
    return 0;
}

int cli_check_stft(cli_common *c)
{
    sono_stft_params *p = &c->stft;
    if (c->win_given && p->win_length > p->n_fft) {
        cli_error("--win-length", "%zu is larger than --n-fft %zu", p->win_length,
                  p->n_fft);
        return -1;
    }
    size_t win = c->win_given ? p->win_length : p->n_fft;
    if (c->hop_given && p->hop_length > win) {
        cli_error("--hop", "%zu is larger than the window length %zu: frames "
                  "would leave gaps", p->hop_length, win);
        return -1;
    }
    if (sono_stft_params_resolve(p) != SONO_OK) {
        cli_error("--n-fft", "invalid STFT parameters");
        return -1;
    }
    return 0;
}

int cli_check_feature_stft(cli_common *c)
{
    if (!c->hop_given) {
        size_t win = c->win_given ? c->stft.win_length : c->stft.n_fft;
        if (win < CLI_FEATURE_HOP) {
            cli_error(c->win_given ? "--win-length" : "--n-fft",
                      "%zu is shorter than the default hop of %d samples (librosa's for "
                      "features); give --hop too", win, CLI_FEATURE_HOP);
            return -1;
        }
        c->stft.hop_length = CLI_FEATURE_HOP;
    }
    return cli_check_stft(c);
}

const char cli_help_mel[] =
    "mel options:\n"
    "  --n-mels N           number of mel bands (default: 128)\n"
    "  --fmin HZ            lowest frequency (default: 0)\n"
    "  --fmax HZ            highest frequency (default: sr / 2)\n"
    "  --htk                HTK mel formula instead of Slaney's\n"
    "  --mel-norm NORM      slaney (area-normalised) or none (default: slaney)\n";

int cli_parse_mel(cli_args *a, cli_common *c)
{
    int m;
    if ((m = cli_match(a, "--n-mels", 1)) != 0)
        return m < 0 ? -1
               : cli_size("--n-mels", a->value, 1, 100000, &c->mel.n_mels) ? -1 : 1;
    if ((m = cli_match(a, "--fmin", 1)) != 0)
        return m < 0 ? -1
               : cli_double("--fmin", a->value, 0, 1e7, &c->mel.fmin) ? -1 : 1;
    if ((m = cli_match(a, "--fmax", 1)) != 0) {
        if (m < 0)
            return -1;
        if (cli_double("--fmax", a->value, 0, 1e7, &c->mel.fmax))
            return -1;
        if (c->mel.fmax <= 0) {
            cli_error("--fmax", "must be above 0, got '%s'", a->value);
            return -1;
        }
        return 1;
    }
    if ((m = cli_match(a, "--htk", 0)) != 0) {
        c->mel.htk = 1;
        return 1;
    }
    if ((m = cli_match(a, "--mel-norm", 1)) != 0) {
        if (m < 0)
            return -1;
        static const char *const norms[] = {"slaney", "none"};
        int i;
        if (cli_choice("--mel-norm", a->value, norms, 2, &i))
            return -1;
        c->mel.norm = i == 0 ? SONO_MEL_NORM_SLANEY : SONO_MEL_NORM_NONE;
        return 1;
    }
    return 0;
}

int cli_parse_output(cli_args *a, cli_common *c)
{
    int m = cli_match(a, "-o", 1);
    if (m == 0)
        m = cli_match(a, "--output", 1);
    if (m > 0)
        c->output = a->value;
    return m;
}

int cli_parse_positional(cli_args *a, cli_common *c)
{
    const char *arg = a->argv[a->i];
    if (arg[0] == '-' && arg[1] != '\0') {
        cli_error(arg, "unknown option (see 'sono %s --help')", cli_command);
        return -1;
    }
    if (c->input) {
        cli_error(arg, "unexpected argument: the input is already '%s'", c->input);
        return -1;
    }
    c->input = arg;
    a->i++;
    return 1;
}

int cli_check_paths(cli_common *c, int need_output)
{
    if (!c->input) {
        cli_error(NULL, "no input file given (see 'sono %s --help')", cli_command);
        return -1;
    }
    if (!need_output)
        return 0;
    if (!c->output || !*c->output) {
        cli_error("-o", "no output file given");
        return -1;
    }
    struct stat si, so;
    if (strcmp(c->input, c->output) == 0 ||
        (stat(c->input, &si) == 0 && stat(c->output, &so) == 0 &&
         si.st_dev == so.st_dev && si.st_ino == so.st_ino)) {
        cli_error("-o", "output '%s' is the input file; refusing to overwrite it",
                  c->output);
        return -1;
    }
    return 0;
}

int cli_check_output(const cli_common *c)
{
    /* Refuse early what would only fail after all the work. */
    struct stat so;
    char dir[4096];
    const char *slash = strrchr(c->output, '/');
    size_t len = slash ? (size_t)(slash - c->output) : 0;
    if (len >= sizeof dir) {
        cli_error("-o", "path too long");
        return -1;
    }
    memcpy(dir, c->output, len);
    strcpy(dir + len, len ? "" : ".");
    if (slash && len == 0)
        strcpy(dir, "/");
    struct stat sd;
    if (stat(dir, &sd) != 0 || !S_ISDIR(sd.st_mode)) {
        cli_error(c->output, "cannot write: directory '%s' does not exist", dir);
        return -1;
    }
    if (access(dir, W_OK) != 0) {
        cli_error(c->output, "cannot write: directory '%s' is not writable", dir);
        return -1;
    }
    if (stat(c->output, &so) != 0 || S_ISREG(so.st_mode))
        return 0;
    if (S_ISDIR(so.st_mode)) {
        cli_error(c->output, "cannot write: is a directory");
        return -1;
    }
    /* Outputs are renamed into place (src/atomic_file.c), which would
     * replace a FIFO or a device by a file. */
    cli_error(c->output, "cannot write: not a regular file (%s); sono writes whole "
              "files and renames them into place",
              S_ISFIFO(so.st_mode) ? "a FIFO" : S_ISCHR(so.st_mode) ? "a character device"
              : S_ISBLK(so.st_mode) ? "a block device" : S_ISSOCK(so.st_mode) ? "a socket"
              : "a special file");
    return -1;
}

void cli_db_init(cli_db *d)
{
    memset(d, 0, sizeof *d);
    sono_db_params_default(&d->params, 0);
}

const char cli_help_db[] =
    "  --ref max|VALUE      dB reference: the maximum, or a value (default: 1.0)\n"
    "  --top-db DB|none     floor at DB below the peak (default: 80)\n";

int cli_parse_db(cli_args *a, cli_db *d)
{
    int m;
    if ((m = cli_match(a, "--db", 0)) != 0) {
        d->enabled = 1;
        return 1;
    }
    if ((m = cli_match(a, "--ref", 1)) != 0) {
        if (m < 0)
            return -1;
        d->ref_given = 1;
        if (strcmp(a->value, "max") == 0) {
            d->params.ref_is_max = 1;
            return 1;
        }
        d->params.ref_is_max = 0;
        if (cli_double("--ref", a->value, 1e-30, 1e30, &d->params.ref))
            return -1;
        return 1;
    }
    if ((m = cli_match(a, "--top-db", 1)) != 0) {
        if (m < 0)
            return -1;
        d->top_given = 1;
        if (strcmp(a->value, "none") == 0) {
            d->params.top_db = -1.0;
            return 1;
        }
        return cli_double("--top-db", a->value, 0, 1e6, &d->params.top_db) ? -1 : 1;
    }
    return 0;
}

int cli_check_db(const cli_db *d)
{
    if (!d->enabled && (d->ref_given || d->top_given)) {
        cli_error(d->ref_given ? "--ref" : "--top-db", "applies only with --db");
        return -1;
    }
    return 0;
}

int cli_db_column(void *ctx, const void *in, void *out)
{
    const cli_db_map *m = ctx;
    sono_db_apply(&m->db, in, out, m->rows);
    return 0;
}

int cli_db_prepare(const char *subject, cli_db_map *m, const cli_db *d,
                   double peak, size_t rows)
{
    m->rows = rows;
    if (sono_db_prepare(&m->db, &d->params, peak) != SONO_OK) {
        cli_error(subject, "cannot convert to dB (peak %g)", peak);
        return -1;
    }
    return 0;
}

void cli_phase_init(cli_phase *p)
{
    memset(p, 0, sizeof *p);
    sono_phase_params_default(&p->params);
}

const char cli_help_phase[] =
    "phase options:\n"
    "  --method M           pghi+fgla: PGHI's phase refined by accelerated fast\n"
    "                       Griffin-Lim (default); pghi: no iterations; fgla: fast\n"
    "                       Griffin-Lim as librosa.griffinlim; gla: Griffin-Lim\n"
    "  --iters N            iterations, 0..10000 (default: 32)\n"
    "  --momentum M         fgla's momentum, in [0, 2) (default: 0.99)\n"
    "  --init I             starting phase: zeros, random or pghi (default: pghi for\n"
    "                       pghi+fgla, random for fgla and gla, as librosa)\n"
    "  --seed N             seed of the random starting phase (default: 0)\n"
    "  --threads N          worker threads (default: SONO_THREADS, else all cores)\n";

int cli_parse_phase(cli_args *a, cli_phase *p)
{
    int m;
    size_t v;
    if ((m = cli_match(a, "--method", 1)) != 0) {
        if (m < 0)
            return -1;
        if (sono_phase_method_from_name(a->value, &p->params.method) != SONO_OK) {
            cli_error("--method", "must be pghi+fgla, pghi, fgla or gla, got '%s'", a->value);
            return -1;
        }
        return 1;
    }
    if ((m = cli_match(a, "--init", 1)) != 0) {
        if (m < 0)
            return -1;
        if (sono_phase_init_from_name(a->value, &p->params.init) != SONO_OK) {
            cli_error("--init", "must be zeros, random or pghi, got '%s'", a->value);
            return -1;
        }
        p->init_given = 1;
        return 1;
    }
    if ((m = cli_match(a, "--iters", 1)) != 0) {
        if (m < 0 || cli_size("--iters", a->value, 0, SONO_MAX_ITERATIONS, &v))
            return -1;
        p->params.iterations = (int)v;
        p->iters_given = 1;
        return 1;
    }
    if ((m = cli_match(a, "--momentum", 1)) != 0) {
        if (m < 0 || cli_double("--momentum", a->value, 0.0, 2.0, &p->params.momentum))
            return -1;
        if (p->params.momentum >= 2.0) {
            cli_error("--momentum", "must be in [0, 2), got '%s'", a->value);
            return -1;
        }
        p->momentum_given = 1;
        return 1;
    }
    if ((m = cli_match(a, "--seed", 1)) != 0) {
        if (m < 0 || cli_size("--seed", a->value, 0, (size_t)-1, &v))
            return -1;
        p->params.seed = (uint64_t)v;
        return 1;
    }
    if ((m = cli_match(a, "--threads", 1)) != 0) {
        if (m < 0 || cli_size("--threads", a->value, 1, 64, &v))
            return -1;
        p->params.threads = (int)v;
        return 1;
    }
    return 0;
}

int cli_check_phase(cli_phase *p)
{
    if (p->params.method == SONO_PHASE_PGHI && (p->init_given || p->iters_given)) {
        cli_error(p->init_given ? "--init" : "--iters",
                  "does not apply to --method pghi, which does not iterate");
        return -1;
    }
    if (p->momentum_given && p->params.method != SONO_PHASE_FGLA) {
        cli_error("--momentum", "applies to --method fgla only");
        return -1;
    }
    /* Threads from SONO_THREADS when --threads was not given. */
    const char *e = getenv("SONO_THREADS");
    size_t v;
    if (p->params.threads > 0 || !e || !*e)
        return 0;
    if (cli_size("SONO_THREADS", e, 1, 64, &v))
        return -1;
    p->params.threads = (int)v;
    return 0;
}

static void count_iterations(void *ctx, int done, int total)
{
    (void)ctx;
    fprintf(stderr, "\rsono %s: iteration %d/%d", cli_command, done, total);
    if (done == total)
        fputc('\n', stderr);
}

void cli_phase_progress(cli_phase *p)
{
    if (isatty(2) && p->params.method != SONO_PHASE_PGHI)
        p->params.progress = count_iterations;
}

int cli_parse_pcm(cli_args *a, size_t *pcm)
{
    int m = cli_match(a, "--pcm", 1);
    if (m == 0)
        return 0;
    if (m < 0 || cli_size("--pcm", a->value, 16, 24, pcm))
        return -1;
    if (*pcm != 16 && *pcm != 24) {
        cli_error("--pcm", "must be 16 or 24, got '%s'", a->value);
        return -1;
    }
    return 1;
}

int cli_parse_synthesis(cli_args *a, cli_common *c, size_t *length)
{
    int m;
    if ((m = cli_match(a, "--sr", 1)) != 0)
        return m < 0 || cli_double("--sr", a->value, 1, 4e6, &c->audio.sample_rate)
                   ? -1 : 1;
    if ((m = cli_match(a, "--length", 1)) != 0)
        return m < 0 || cli_size("--length", a->value, 1, (size_t)1 << 40, length)
                   ? -1 : 1;
    return 0;
}

int cli_finish_npy_db(const cli_common *c, sono_npy_writer *w, const cli_db *d,
                      double peak, size_t rows)
{
    if (!d->enabled)
        return cli_finish_npy(c, w, NULL, NULL, 0, SONO_DTYPE_F32);
    cli_db_map map;
    return cli_db_prepare(c->input, &map, d, peak, rows) ||
                   cli_finish_npy(c, w, cli_db_column, &map, rows, SONO_DTYPE_F32)
               ? -1
               : 0;
}

int cli_parse_cmap(cli_args *a, sono_colormap *cmap)
{
    int m = cli_match(a, "--cmap", 1);
    if (m <= 0)
        return m;
    if (sono_colormap_from_name(a->value, cmap) != SONO_OK) {
        cli_error("--cmap", "must be magma, viridis, inferno, plasma, cividis, "
                  "gray, blues or afmhot, got '%s'", a->value);
        return -1;
    }
    return 1;
}

int cli_check_synthesis(const cli_common *c)
{
    double rate = c->audio.sample_rate;
    if (rate <= 0) {
        cli_error("--sr", "required: the sample rate of the output");
        return -1;
    }
    if (rate != floor(rate)) {
        cli_error("--sr", "must be a whole number of Hz, got %g", rate);
        return -1;
    }
    return 0;
}
