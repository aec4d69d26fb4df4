/* sono filter: a Butterworth low-, high- or band-pass filter over a sound,
 * as scipy.signal.butter with scipy.signal.lfilter, streamed block by block
 * into the output.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define BLOCK 8192
#define DEFAULT_ORDER 5

static void help(void)
{
    printf("usage: sono filter IN -o OUT.wav (--lowpass F | --highpass F | --bandpass LOW HIGH)\n"
           "                  [--order 5] [audio options] [--pcm 16|24]\n\n"
           "A digital Butterworth filter over IN, as scipy.signal.butter(order, Wn, btype)\n"
           "run by scipy.signal.lfilter (b, a form, in double precision), written as WAV or\n"
           "FLAC (by the name) at the rate of IN, or of --sr.\n\n"
           "filter (exactly one):\n"
           "  --lowpass F          keep what is below F Hz (-3.01 dB at F)\n"
           "  --highpass F         keep what is above F Hz\n"
           "  --bandpass LOW HIGH  keep LOW to HIGH Hz (two values; 2N poles for order N)\n"
           "  --order N            1 to %d (default: %d)\n"
           "Frequencies are above 0 and below sr/2.  Designs whose b, a coefficients would\n"
           "be inaccurate in double precision (high orders with a cutoff near 0 Hz or sr/2,\n"
           "narrow bands) are refused.\n\n"
           "output:\n"
           "  -o, --output FILE    the audio file to write (required)\n"
           "  --pcm 16|24          integer samples (default: float32 for WAV, 24 for FLAC)\n\n"
           "%s", SONO_BUTTER_MAX_ORDER, DEFAULT_ORDER, cli_help_audio);
}

/* The filter as given on the command line. */
typedef struct filter_spec {
    const char *option; /* "--lowpass", "--highpass", "--bandpass"; NULL if none */
    const char *v1, *v2; /* the frequencies as written (v2: band-pass only) */
    sono_filter_type type;
    double f1, f2;
} filter_spec;

/* A frequency: a number above 0 (the upper limit, sr/2, is checked once the
 * input is open). */
static int parse_hz(const char *opt, const char *v, double *out)
{
    if (cli_double(opt, v, 0, 1e7, out))
        return -1;
    if (*out <= 0) {
        cli_error(opt, "must be above 0 Hz, got '%s'", v);
        return -1;
    }
    return 0;
}

/* Whether v reads as a number (so that "--bandpass 300 -o x" is told apart
 * from "--bandpass 300 -5"). */
static int is_number(const char *v)
{
    char *end;
    strtod(v, &end);
    return *v && !*end;
}

/* --lowpass F, --highpass F or --bandpass LOW HIGH: 1 if the argument was
 * one of them (taken with its values), 0 if not, -1 after reporting. */
static int parse_filter(cli_args *a, filter_spec *s)
{
    static const struct {
        const char *name;
        sono_filter_type type;
    } opts[] = {{"--lowpass", SONO_FILTER_LOWPASS},
                {"--highpass", SONO_FILTER_HIGHPASS},
                {"--bandpass", SONO_FILTER_BANDPASS}};
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        const char *name = opts[i].name;
        if (opts[i].type == SONO_FILTER_BANDPASS && a->i + 1 == a->argc &&
            strcmp(a->argv[a->i], name) == 0) {
            cli_error(name, "needs two values, LOW and HIGH in Hz");
            return -1;
        }
        int m = cli_match(a, name, 1);
        if (m == 0)
            continue;
        if (m < 0)
            return -1;
        if (s->option) {
            cli_error(name, "only one of --lowpass, --highpass and --bandpass may "
                      "be given, and %s was given already", s->option);
            return -1;
        }
        s->option = name;
        s->type = opts[i].type;
        s->v1 = a->value;
        if (parse_hz(name, s->v1, &s->f1))
            return -1;
        if (s->type != SONO_FILTER_BANDPASS)
            return 1;
        /* cli_match takes one value: HIGH is the argument after LOW. */
        const char *v = a->i < a->argc ? a->argv[a->i] : NULL;
        if (!v || (v[0] == '-' && !is_number(v))) {
            cli_error(name, "needs two values, LOW and HIGH in Hz, got '%s' only",
                      s->v1);
            return -1;
        }
        s->v2 = v;
        a->i++;
        return parse_hz(name, s->v2, &s->f2) ? -1 : 1;
    }
    return 0;
}

/* Checks the frequencies against the rate and makes the filter; NULL after
 * reporting, with the exit status in *status. */
static sono_iir *make_filter(const filter_spec *s, size_t order, double sr,
                             int *status)
{
    double nyquist = sr / 2;
    *status = EXIT_USAGE;
    if (s->type != SONO_FILTER_BANDPASS && s->f1 >= nyquist) {
        cli_error(s->option, "%s Hz must be below sr/2 = %g Hz (the rate is %g Hz)",
                  s->v1, nyquist, sr);
        return NULL;
    }
    if (s->type == SONO_FILTER_BANDPASS && s->f2 >= nyquist) {
        cli_error(s->option, "HIGH %s Hz must be below sr/2 = %g Hz (the rate is %g Hz)",
                  s->v2, nyquist, sr);
        return NULL;
    }
    int err = SONO_OK;
    sono_iir *f = sono_butter_new((int)order, s->type, s->f1, s->f2, sr, &err);
    if (f)
        return f;
    if (err != SONO_ERR_INVALID) {
        cli_error(s->option, "%s", sono_strerror(err));
        *status = EXIT_FAIL;
    } else if (s->type == SONO_FILTER_BANDPASS) {
        /* Everything else was checked: the 'ba' form is not accurate (butter.c). */
        cli_error(s->option, "%s to %s Hz at order %zu and %g Hz cannot be computed "
                  "accurately as b, a coefficients: its poles crowd together; lower "
                  "--order, widen the band or move it towards sr/4 (%g Hz)",
                  s->v1, s->v2, order, sr, sr / 4);
    } else {
        cli_error(s->option, "%s Hz at order %zu and %g Hz cannot be computed "
                  "accurately as b, a coefficients: its poles crowd near %s; lower "
                  "--order or move the cutoff towards sr/4 (%g Hz)", s->v1, order, sr,
                  s->f1 < sr / 4 ? "0 Hz" : "sr/2", sr / 4);
    }
    return NULL;
}

typedef struct filter_job {
    const char *input;
    const char *output;
    sono_iir *f;
    sono_writer *w;
    float *y;
} filter_job;

static int on_block(void *ctx, const float *x, size_t n)
{
    filter_job *j = ctx;
    for (size_t at = 0; at < n; at += BLOCK) {
        size_t m = n - at < BLOCK ? n - at : BLOCK;
        sono_iir_process(j->f, x + at, j->y, m);
        if (cli_check_overflow(j->input, j->y, m, "the filtered signal"))
            return 1;
        int err = sono_writer_write(j->w, j->y, m);
        if (err != SONO_OK) {
            cli_error(j->output, "cannot write: %s", sono_strerror(err));
            return 1;
        }
    }
    return 0;
}

int cmd_filter(int argc, char **argv)
{
    cli_common c;
    cli_args a = {argc, argv, 1, NULL};
    filter_spec s = {NULL, NULL, NULL, SONO_FILTER_LOWPASS, 0, 0};
    size_t order = DEFAULT_ORDER, pcm = 0;
    int m;
    cli_common_init(&c);
    while (a.i < argc) {
        if (strcmp(argv[a.i], "-h") == 0 || strcmp(argv[a.i], "--help") == 0) {
            help();
            return 0;
        }
        if ((m = cli_parse_output(&a, &c)) || (m = cli_parse_audio(&a, &c)) ||
            (m = parse_filter(&a, &s))) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if ((m = cli_match(&a, "--order", 1)) != 0) {
            if (m < 0 || cli_size("--order", a.value, 1, SONO_BUTTER_MAX_ORDER, &order))
                return EXIT_USAGE;
            continue;
        }
        if ((m = cli_parse_pcm(&a, &pcm)) != 0) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if (cli_parse_positional(&a, &c) < 0)
            return EXIT_USAGE;
    }
    if (cli_check_paths(&c, 1))
        return EXIT_USAGE;
    if (!s.option) {
        cli_error(NULL, "no filter given: --lowpass F, --highpass F or --bandpass "
                  "LOW HIGH (see 'sono filter --help')");
        return EXIT_USAGE;
    }
    if (s.type == SONO_FILTER_BANDPASS && s.f1 >= s.f2) {
        cli_error(s.option, "LOW %s Hz must be below HIGH %s Hz", s.v1, s.v2);
        return EXIT_USAGE;
    }
    /* The output is written at this rate, and audio files have whole ones. */
    if (c.audio.sample_rate > 0 && c.audio.sample_rate != (double)(long)c.audio.sample_rate) {
        cli_error("--sr", "must be a whole number of Hz, got %g", c.audio.sample_rate);
        return EXIT_USAGE;
    }
    if (cli_check_output(&c))
        return EXIT_FAIL;

    int r;
    sono_source *src = cli_open_audio(&c, &r);
    if (!src)
        return r;
    double sr = sono_source_rate(src);
    filter_job j = {c.input, c.output, make_filter(&s, order, sr, &r), NULL, NULL};
    if (!j.f) {
        sono_source_close(src);
        return r;
    }
    r = EXIT_FAIL;
    int err = SONO_OK;
    if (!(j.y = malloc(BLOCK * sizeof *j.y))) {
        cli_error(c.input, "%s", sono_strerror(SONO_ERR_NOMEM));
        goto done;
    }
    j.w = sono_writer_open(c.output, SONO_CONTAINER_AUTO, cli_sample_format(c.output, pcm),
                           1, sr, &err);
    if (!j.w) {
        cli_error(c.output, "cannot create: %s", sono_strerror(err));
        goto done;
    }
    uint64_t count;
    if (cli_read_pass(&c, src, on_block, &j, &count))
        goto done;
    uint64_t clipped = sono_writer_clipped(j.w);
    if ((err = sono_writer_commit(j.w)) != SONO_OK) {
        cli_error(c.output, "cannot write: %s", sono_strerror(err));
        goto done;
    }
    if (clipped)
        cli_warn(c.output, "%llu samples outside [-1, 1] were clipped",
                 (unsigned long long)clipped);
    r = 0;
done:
    sono_writer_close(j.w);
    sono_iir_free(j.f);
    sono_source_close(src);
    free(j.y);
    return r;
}
