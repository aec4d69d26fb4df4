/* sono histogram: the amplitude histogram of a sound over time, as a PNG.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct range_job {
    float lo, hi;
} range_job;

static int on_range(void *ctx, const float *x, size_t n)
{
    range_job *j = ctx;
    for (size_t i = 0; i < n; i++) {
        if (x[i] < j->lo)
            j->lo = x[i];
        if (x[i] > j->hi)
            j->hi = x[i];
    }
    return 0;
}

typedef struct hist_job {
    const char *input;
    sono_histogram *h;
} hist_job;

static int on_block(void *ctx, const float *x, size_t n)
{
    hist_job *j = ctx;
    int err = sono_histogram_push(j->h, x, n);
    if (err == SONO_ERR_STATE || err == SONO_ERR_INVALID)
        cli_error(j->input, "decoding it a second time gave other samples "
                  "than the first");
    else if (err != SONO_OK)
        cli_error(j->input, "%s", sono_strerror(err));
    return err != SONO_OK;
}

/* The bins span the whole signal's range, known only at its end, and every
 * column needs them.  Two streaming passes over the source (the range and
 * the length, then the counts) keep memory to the picture, where loading
 * the signal would hold 4 bytes per sample (106 MB for ten minutes at
 * 44.1 kHz); the price is decoding (and resampling) twice. */
static int histogram(const cli_common *c, sono_source **src, size_t frames,
                     size_t bins, sono_image *out)
{
    range_job range = {INFINITY, -INFINITY};
    uint64_t total = 0, count = 0;
    if (cli_read_pass(c, *src, on_range, &range, &total))
        return EXIT_FAIL;
    if (frames > total) {
        cli_error("--frames", "%zu is more than the %llu samples of '%s'", frames,
                  (unsigned long long)total, c->input);
        return EXIT_USAGE;
    }
    sono_source_close(*src);
    if (!(*src = cli_reopen_audio(c)))
        return EXIT_FAIL;
    int err = SONO_OK;
    hist_job j = {c->input, NULL};
    j.h = sono_histogram_new((uint32_t)frames, (uint32_t)bins, total, range.lo,
                             range.hi, SONO_CMAP_BLUES, &err);
    if (!j.h) {
        cli_error(c->input, "%s", sono_strerror(err));
        return EXIT_FAIL;
    }
    int r = cli_read_pass(c, *src, on_block, &j, &count);
    if (r == 0 && sono_histogram_finish(j.h, out) != SONO_OK) {
        cli_error(c->input, "decoding it a second time gave %llu samples, not "
                  "%llu", (unsigned long long)count, (unsigned long long)total);
        r = EXIT_FAIL;
    }
    sono_histogram_free(j.h);
    return r;
}

static void help(void)
{
    printf("usage: sono histogram IN -o OUT.png [--frames N] [--bins N] [audio options]\n\n"
           "How the sample values of IN are spread, over time: IN cut into N equal frames,\n"
           "column i the histogram of frame i's samples in --bins equal bins over the\n"
           "whole signal's range (lowest values at the bottom), each column divided by\n"
           "its largest count and coloured with matplotlib's Blues (darkest = fullest).\n"
           "An RGB PNG of frames x bins pixels.\n\n"
           "output:\n"
           "  -o, --output FILE    the .png to write (required)\n"
           "  --frames N           columns: frames of the signal (default: 1000)\n"
           "  --bins N             rows: amplitude bins (default: 100)\n"
           "\n"
           "%s", cli_help_audio);
}

int cmd_histogram(int argc, char **argv)
{
    cli_common c;
    cli_args a = {argc, argv, 1, NULL};
    size_t frames = 1000, bins = 100;
    int m;
    cli_common_init(&c);
    while (a.i < argc) {
        if (strcmp(argv[a.i], "-h") == 0 || strcmp(argv[a.i], "--help") == 0) {
            help();
            return 0;
        }
        if ((m = cli_parse_output(&a, &c)) || (m = cli_parse_audio(&a, &c))) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if ((m = cli_match(&a, "--frames", 1)) != 0) {
            if (m < 0 || cli_size("--frames", a.value, 1, SONO_IMAGE_MAX_SIDE, &frames))
                return EXIT_USAGE;
            continue;
        }
        if ((m = cli_match(&a, "--bins", 1)) != 0) {
            if (m < 0 || cli_size("--bins", a.value, 1, SONO_IMAGE_MAX_SIDE, &bins))
                return EXIT_USAGE;
            continue;
        }
        if (cli_parse_positional(&a, &c) < 0)
            return EXIT_USAGE;
    }
    if ((unsigned long long)frames * bins > SONO_IMAGE_MAX_PIXELS) {
        cli_error("--bins", "%zu bins x %zu frames is more than %u pixels", bins,
                  frames, SONO_IMAGE_MAX_PIXELS);
        return EXIT_USAGE;
    }
    if (cli_check_paths(&c, 1))
        return EXIT_USAGE;
    if (cli_check_output(&c))
        return EXIT_FAIL;

    int r;
    sono_source *src = cli_open_audio(&c, &r);
    if (!src)
        return r;
    sono_image im;
    memset(&im, 0, sizeof im);
    r = histogram(&c, &src, frames, bins, &im);
    sono_source_close(src);
    if (r == 0)
        r = cli_save_png(&c, &im);
    sono_image_free(&im);
    return r;
}
