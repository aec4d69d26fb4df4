/* The constant-Q options shared by cqt, icqt and render, their checks
 * against a sample rate, and the whole-signal CQT of an input.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_cqt_init(cli_cqt *q)
{
    memset(q, 0, sizeof *q);
    sono_cqt_params_default(&q->params);
}

const char cli_help_cqt[] =
    "CQT options:\n"
    "  --bins N             number of bins (default: 84)\n"
    "  --bins-per-octave N  bins per octave (default: 12)\n"
    "  --fmin HZ            centre of the lowest bin (default: 32.70, C1)\n"
    "  --hop N              hop length in samples (default: 512)\n";

int cli_parse_cqt(cli_args *a, cli_cqt *q)
{
    int m;
    if ((m = cli_match(a, "--bins", 1)) != 0) {
        q->bins_given = 1;
        return m < 0 || cli_size("--bins", a->value, 1, SONO_CQT_MAX_BINS,
                                 &q->params.n_bins) ? -1 : 1;
    }
    if ((m = cli_match(a, "--bins-per-octave", 1)) != 0)
        return m < 0 || cli_size("--bins-per-octave", a->value, 1, SONO_CQT_MAX_BINS,
                                 &q->params.bins_per_octave) ? -1 : 1;
    if ((m = cli_match(a, "--hop", 1)) != 0)
        return m < 0 || cli_size("--hop", a->value, 1, SONO_MAX_N_FFT,
                                 &q->params.hop_length) ? -1 : 1;
    if ((m = cli_match(a, "--fmin", 1)) != 0) {
        if (m < 0 || cli_double("--fmin", a->value, 0, 1e7, &q->params.fmin))
            return -1;
        if (q->params.fmin <= 0) {
            cli_error("--fmin", "must be above 0 Hz, got '%s'", a->value);
            return -1;
        }
        return 1;
    }
    return 0;
}

int cli_check_cqt(const cli_cqt *q, double sample_rate, const char *rate_of,
                  const char *bins_subject)
{
    const sono_cqt_params *p = &q->params;
    int err = sono_cqt_check(p, sample_rate);
    if (err == SONO_OK)
        return 0;
    if (err == SONO_ERR_INVALID && sono_cqt_reach(p) > sample_rate / 2) {
        /* The bins are an option, or the rows of an input matrix. */
        int option = strcmp(bins_subject, "--bins") == 0;
        cli_error(bins_subject, "%zu bins from %g Hz, %zu per octave, reach %.6g Hz, above "
                  "the Nyquist frequency %g Hz of %s: %s", p->n_bins, p->fmin,
                  p->bins_per_octave, sono_cqt_reach(p), sample_rate / 2, rate_of,
                  option ? "lower --bins or --fmin"
                         : "give the --sr, --fmin and --bins-per-octave that made it");
    } else if (err == SONO_ERR_TOO_LARGE) {
        cli_error("--fmin", "%g Hz with %zu bins per octave and --hop %zu at %g Hz "
                  "needs filters longer than %zu samples: raise --fmin, lower "
                  "--bins-per-octave or use a hop with more factors of 2", p->fmin,
                  p->bins_per_octave, p->hop_length, sample_rate, (size_t)SONO_MAX_N_FFT);
    } else {
        cli_error("--bins", "invalid CQT parameters for %g Hz: %s", sample_rate,
                  sono_strerror(err));
    }
    return EXIT_USAGE;
}

/* The whole selection of the input, gathered block by block. */
typedef struct gather {
    float *x;
    size_t n, capacity;
    const char *input;
} gather;

static int gather_block(void *ctx, const float *x, size_t n)
{
    gather *g = ctx;
    if (g->n + n > g->capacity) {
        size_t cap = g->capacity ? 2 * g->capacity : 1 << 16;
        while (cap < g->n + n)
            cap *= 2;
        float *grown = realloc(g->x, cap * sizeof *grown);
        if (!grown) {
            cli_error(g->input, "%s", sono_strerror(SONO_ERR_NOMEM));
            return -1;
        }
        g->x = grown;
        g->capacity = cap;
    }
    memcpy(g->x + g->n, x, n * sizeof *x);
    g->n += n;
    return 0;
}

int cli_cqt_compute(const cli_common *c, const cli_cqt *q, size_t max_frames,
                    sono_complex **C, size_t *frames, double *rate)
{
    int status;
    *C = NULL;
    sono_source *src = cli_open_audio(c, &status);
    if (!src)
        return status;
    *rate = sono_source_rate(src);
    char rate_of[4200];
    snprintf(rate_of, sizeof rate_of, "'%s' at %g Hz", c->input, *rate);
    if ((status = cli_check_cqt(q, *rate, rate_of, "--bins")) != 0) {
        sono_source_close(src);
        return status;
    }
    gather g = {NULL, 0, 0, c->input};
    uint64_t count;
    status = cli_read_pass(c, src, gather_block, &g, &count);
    sono_source_close(src);
    int err = SONO_OK;
    sono_cqt_params params = q->params;
    params.threads = c->threads;  /* 0: one per core */
    sono_cqt *plan = status ? NULL : sono_cqt_new(&params, *rate, &err);
    if (!status && !plan) {
        cli_error(c->input, "cannot plan the CQT: %s", sono_strerror(err));
        status = EXIT_FAIL;
    }
    if (!status) {
        *frames = sono_cqt_frames(plan, g.n);
        if (g.n < sono_cqt_min_samples(plan)) {
            cli_error(c->input, "%zu sample%s too few for this CQT, which first "
                      "downsamples by %zu", g.n, g.n == 1 ? " is" : "s are",
                      sono_cqt_min_samples(plan));
            status = EXIT_FAIL;
        } else if (max_frames && *frames > max_frames) {
            cli_error(c->input, "%zu frames are more than %zu: choose a part with "
                      "--offset and --duration or a larger --hop", *frames, max_frames);
            status = EXIT_FAIL;
        } else if (!(*C = malloc(*frames * q->params.n_bins * sizeof **C)) ||
                   (err = sono_cqt_run(plan, g.x, g.n, *C)) != SONO_OK) {
            cli_error(c->input, "%s", sono_strerror(*C ? err : SONO_ERR_NOMEM));
            status = EXIT_FAIL;
        }
    }
    if (status) {
        free(*C);
        *C = NULL;
    }
    sono_cqt_free(plan);
    free(g.x);
    return status;
}
