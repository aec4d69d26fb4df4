/* sono logfreq: the STFT magnitude (or power) through a log-frequency
 * filterbank (sono_logfreq), optionally in dB, as a bands x frames .npy.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct logfreq_job {
    size_t rows;
    double peak;
    sono_npy_writer *w;
    const cli_common *c;
} logfreq_job;

static int on_frames(void *ctx, const void *frames, size_t count)
{
    logfreq_job *j = ctx;
    for (size_t t = 0; t < count; t++)
        if (cli_push_column(j->c, j->w, (const float *)frames + t * j->rows,
                            j->rows, &j->peak))
            return -1;
    return 0;
}

static void help(void)
{
    printf("usage: sono logfreq IN -o OUT.npy [audio] [stft] [log-frequency] [--power 1|2] [--db ...]\n\n"
           "The STFT of IN through a log-frequency filterbank: a bands x frames float32\n"
           "matrix.  Bands are centred at fmin * 2^(k / bins-per-octave) up to fmax; each is a\n"
           "triangle over the STFT bins reaching its neighbours' centres (at least one bin\n"
           "either side, which makes narrow bands a linear interpolation of the spectrum),\n"
           "with weights summing to 1.\n\n"
           "output:\n"
           "  -o, --output FILE    the .npy to write (required)\n"
           "  --power 1|2          magnitude or power spectrogram (default: 1)\n"
           "  --db                 in dB: amplitude_to_db for power 1, power_to_db for 2\n"
           "%s\n%s\n%s%s\n"
           "log-frequency options:\n"
           "  --fmin HZ            centre of the lowest band (default: 32.70, C1)\n"
           "  --fmax HZ            highest centre, at most sr / 2 (default: sr / 2)\n"
           "  --bins-per-octave N  bands per octave, 1 to 1200 (default: 24)\n",
           cli_help_db, cli_help_audio, cli_help_stft, cli_help_threads);
}

/* A frequency option: a number above 0 (0 would mean "sr / 2" for fmax). */
static int parse_hz(cli_args *a, const char *opt, double *out)
{
    int m = cli_match(a, opt, 1);
    if (m <= 0)
        return m;
    if (cli_double(opt, a->value, 0, 1e7, out))
        return -1;
    if (*out <= 0) {
        cli_error(opt, "must be above 0, got '%s'", a->value);
        return -1;
    }
    return 1;
}

/* --fmin, --fmax, --bins-per-octave: 1 if consumed, 0 if not, -1 after an
 * error. */
static int parse_logfreq(cli_args *a, sono_logfreq_params *p)
{
    int m;
    if ((m = parse_hz(a, "--fmin", &p->fmin)) != 0 ||
        (m = parse_hz(a, "--fmax", &p->fmax)) != 0)
        return m;
    if ((m = cli_match(a, "--bins-per-octave", 1)) != 0)
        return m < 0 ? -1
               : cli_double("--bins-per-octave", a->value, 1, 1200,
                            &p->bins_per_octave) ? -1 : 1;
    return 0;
}

/* The filterbank for the source's rate, or NULL after reporting: fmin and
 * fmax must fit below the Nyquist frequency (exit status in *status). */
static sono_logfreq *make_bank(const cli_common *c,
                               const sono_logfreq_params *p,
                               double sample_rate, int *status)
{
    double nyquist = sample_rate / 2.0;
    double fmax = p->fmax > 0 ? p->fmax : nyquist;
    *status = EXIT_USAGE;
    if (fmax > nyquist) {
        cli_error("--fmax", "%g Hz is above the Nyquist frequency %g Hz of '%s'",
                  fmax, nyquist, c->input);
        return NULL;
    }
    if (p->fmin >= fmax) {
        cli_error("--fmin", "%g Hz must be below fmax %g Hz", p->fmin, fmax);
        return NULL;
    }
    int err = SONO_OK;
    sono_logfreq *bank = sono_logfreq_new(p, sample_rate, c->stft.n_fft, &err);
    if (bank)
        return bank;
    /* Everything else was checked: only the number of bands is left. */
    if (err == SONO_ERR_INVALID) {
        cli_error("--bins-per-octave", "%g bands per octave from %g Hz to %g Hz "
                  "is more than 100000 bands", p->bins_per_octave, p->fmin, fmax);
    } else {
        cli_error(c->input, "cannot build the log-frequency filterbank: %s",
                  sono_strerror(err));
        *status = EXIT_FAIL;
    }
    return NULL;
}

static int run(cli_common *c, const sono_logfreq_params *p, const cli_db *db,
               int power, sono_source *src)
{
    int r;
    logfreq_job j = {0, 0.0, NULL, c};
    cli_stft_out what = {power, NULL, NULL, NULL};
    sono_logfreq *bank = make_bank(c, p, sono_source_rate(src), &r);
    if (!bank)
        return r;
    j.rows = sono_logfreq_bands(bank);
    what.log = bank;
    r = EXIT_FAIL;
    if ((j.w = cli_new_npy(c, SONO_DTYPE_F32, j.rows)) &&
        !cli_run_stft_blocks(c, src, &what, on_frames, &j, NULL) &&
        !cli_finish_npy_db(c, j.w, db, j.peak, j.rows))
        r = 0;
    sono_npy_writer_free(j.w);
    sono_logfreq_free(bank);
    return r;
}

int cmd_logfreq(int argc, char **argv)
{
    cli_common c;
    cli_db db;
    cli_args a = {argc, argv, 1, NULL};
    sono_logfreq_params lp;
    size_t power = 1;
    int m;
    cli_common_init(&c);
    cli_db_init(&db);
    sono_logfreq_params_default(&lp);
    while (a.i < argc) {
        if (strcmp(argv[a.i], "-h") == 0 || strcmp(argv[a.i], "--help") == 0) {
            help();
            return 0;
        }
        if ((m = cli_parse_output(&a, &c)) || (m = cli_parse_audio(&a, &c)) ||
            (m = cli_parse_stft(&a, &c)) || (m = parse_logfreq(&a, &lp)) ||
            (m = cli_parse_threads(&a, &c)) ||
            (m = cli_parse_db(&a, &db))) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if ((m = cli_match(&a, "--power", 1)) != 0) {
            if (m < 0 || cli_size("--power", a.value, 1, 2, &power))
                return EXIT_USAGE;
            continue;
        }
        if (cli_parse_positional(&a, &c) < 0)
            return EXIT_USAGE;
    }
    db.params.amplitude = power == 1;
    if (cli_check_db(&db) || cli_check_paths(&c, 1) || cli_check_stft(&c) ||
        cli_check_threads(&c))
        return EXIT_USAGE;

    if (cli_check_output(&c))
        return EXIT_FAIL;
    int r;
    sono_source *src = cli_open_audio(&c, &r);
    if (!src)
        return r;
    r = run(&c, &lp, &db, (int)power, src);
    sono_source_close(src);
    return r;
}
