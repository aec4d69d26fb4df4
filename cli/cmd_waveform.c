/* sono waveform: the min/max envelope of a sound as a PNG, as audio editors
 * draw it.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The number of samples the source will give, from the file's header and
 * the options, as audio_read.c computes them (offset and duration truncated
 * to frames, the resampled length ceil(n * ratio)); 0 when the header does
 * not say.  Only a guess: headers can be wrong (an MP3's estimated length,
 * a truncated file), so the pass that uses it also counts. */
static uint64_t expected_length(const cli_common *c, const sono_source *src)
{
    const sono_audio_info *info = sono_source_info(src);
    if (info->frames < 0)
        return 0;
    double sr = info->sample_rate;
    long long start = (long long)(c->audio.offset * sr);
    long long n = info->frames > start ? info->frames - start : 0;
    if (c->audio.duration >= 0) {
        long long d = (long long)(c->audio.duration * sr);
        if (d < n)
            n = d;
    }
    if (c->audio.sample_rate > 0 && c->audio.sample_rate != sr)
        return (uint64_t)ceil((double)n * (c->audio.sample_rate / sr));
    return (uint64_t)n;
}

typedef struct wave_job {
    const char *input;
    sono_waveform *w;
    int overrun; /* more samples came than expected */
} wave_job;

static int on_block(void *ctx, const float *x, size_t n)
{
    wave_job *j = ctx;
    if (j->overrun)
        return 0;
    int err = sono_waveform_push(j->w, x, n);
    if (err == SONO_ERR_STATE) {
        j->overrun = 1; /* keep counting: the next pass needs the length */
        return 0;
    }
    if (err != SONO_OK)
        cli_error(j->input, "%s", sono_strerror(err));
    return err != SONO_OK;
}

/* Streams the source into a waveform of the given width.  One pass when the
 * header tells the length; otherwise, or when it was wrong, another pass
 * with the length counted, rather than holding the signal in memory. */
static int accumulate(const cli_common *c, sono_source **src, uint32_t width,
                      sono_waveform **out)
{
    uint64_t total = expected_length(c, *src), count = 0;
    wave_job j = {c->input, NULL, 0};
    for (int pass = 0; pass < 3; pass++) {
        if (total == 0 || pass > 0) {
            if (pass == 0 && cli_read_pass(c, *src, NULL, NULL, &total))
                return EXIT_FAIL;
            sono_source_close(*src);
            if (!(*src = cli_reopen_audio(c)))
                return EXIT_FAIL;
        }
        int err = SONO_OK;
        sono_waveform_free(j.w);
        j.overrun = 0;
        if (!(j.w = sono_waveform_new(width, total, &err))) {
            cli_error(c->input, "%llu samples: %s", (unsigned long long)total,
                      sono_strerror(err));
            return EXIT_FAIL;
        }
        if (cli_read_pass(c, *src, on_block, &j, &count)) {
            sono_waveform_free(j.w);
            return EXIT_FAIL;
        }
        if (count == total && !j.overrun) {
            *out = j.w;
            return 0;
        }
        total = count;
    }
    sono_waveform_free(j.w);
    cli_error(c->input, "decoding gives a different number of samples each "
              "time (%llu the last time)", (unsigned long long)count);
    return EXIT_FAIL;
}

static void help(void)
{
    printf("usage: sono waveform IN -o OUT.png [--size WxH] [audio options]\n\n"
           "The waveform of IN as audio editors draw it: for each pixel column, a line\n"
           "from the smallest to the largest sample of its stretch of the signal, with\n"
           "+1 at the top row and -1 at the bottom one (louder samples are clipped).\n"
           "An RGB PNG: white, a light grey zero line, the wave in blue (#1f77b4).\n\n"
           "output:\n"
           "  -o, --output FILE    the .png to write (required)\n"
           "  --size WxH           the picture's size in pixels (default: 1000x200)\n"
           "\n"
           "%s", cli_help_audio);
}

int cmd_waveform(int argc, char **argv)
{
    cli_common c;
    cli_args a = {argc, argv, 1, NULL};
    uint32_t width = 1000, height = 200;
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
        if ((m = cli_match(&a, "--size", 1)) != 0) {
            if (m < 0 || cli_image_size("--size", a.value, &width, &height))
                return EXIT_USAGE;
            continue;
        }
        if (cli_parse_positional(&a, &c) < 0)
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
    sono_waveform *w = NULL;
    r = accumulate(&c, &src, width, &w);
    sono_source_close(src);
    if (r == 0) {
        sono_image im;
        int err = sono_waveform_draw(w, height, &im);
        if (err != SONO_OK) {
            cli_error(c.output, "%s", sono_strerror(err));
            r = EXIT_FAIL;
        } else {
            r = cli_save_png(&c, &im);
            sono_image_free(&im);
        }
    }
    sono_waveform_free(w);
    return r;
}
