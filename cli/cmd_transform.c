/* sono transform: a chain of effects on the complex STFT of a sound, then
 * back to sound at the input's length and rate, as sox chains effects.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The signal and its STFT are held whole: effects such as reorder, shuffle
 * and svd need every frame at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "effects.h"

#define MAX_EFFECTS 64

static void help(void)
{
    printf("usage: sono transform IN -o OUT.wav [audio] [stft] [mel] [--pcm 16|24]\n"
           "                     EFFECT [ARG...] [EFFECT [ARG...]]...\n\n"
           "The effects apply in order to the complex STFT of IN; the result goes back\n"
           "through the inverse STFT at IN's length and rate.  Options before the first\n"
           "effect are the command's; those after an effect are that effect's.\n\n"
           "  -o, --output FILE    the audio to write, WAV or FLAC by the name (required)\n"
           "  --pcm 16|24          integer samples (default: float32 for WAV, 24 for FLAC)\n\n"
           "%s\n%s\n%s\n%s", effect_help, cli_help_audio, cli_help_stft, cli_help_mel);
}

typedef struct read_job {
    const char *input;
    float *x;
    size_t n, capacity;
} read_job;

static int on_block(void *ctx, const float *x, size_t n)
{
    read_job *j = ctx;
    if (j->n + n > j->capacity) {
        size_t cap = j->capacity ? j->capacity : 1 << 16;
        while (cap < j->n + n)
            cap *= 2;
        float *grown = realloc(j->x, cap * sizeof *grown);
        if (!grown) {
            cli_error(j->input, "%s", sono_strerror(SONO_ERR_NOMEM));
            return -1;
        }
        j->x = grown;
        j->capacity = cap;
    }
    memcpy(j->x + j->n, x, n * sizeof *x);
    j->n += n;
    return 0;
}

/* The whole signal and its STFT; 0 or an exit status. */
static int analyse(const cli_common *c, spectrogram *g, float **signal)
{
    int status, err;
    sono_source *src = cli_open_audio(c, &status);
    if (!src)
        return status;
    read_job j = {c->input, NULL, 0, 0};
    uint64_t count;
    g->sample_rate = sono_source_rate(src);
    status = cli_read_pass(c, src, on_block, &j, &count);
    sono_source_close(src);
    if (status) {
        free(j.x);
        return status;
    }
    g->length = j.n;
    g->bins = sono_stft_bins(&c->stft);
    err = sono_stft_frame_count(&c->stft, j.n, &g->frames);
    if (err != SONO_OK) {
        cli_error(c->input, "%zu samples give no STFT frame with these options: %s", j.n,
                  sono_strerror(err));
        free(j.x);
        return EXIT_FAIL;
    }
    sono_stft *st = sono_stft_new(&c->stft, &err);
    g->s = malloc(g->frames * g->bins * sizeof *g->s);
    if (!st || !g->s || (err = sono_stft_run(st, j.x, j.n, g->s)) != SONO_OK) {
        cli_error(c->input, "%s", sono_strerror(st && g->s ? err : SONO_ERR_NOMEM));
        sono_stft_free(st);
        free(j.x);
        return EXIT_FAIL;
    }
    sono_stft_free(st);
    if (cli_check_overflow(c->input, (const float *)g->s, 2 * g->frames * g->bins,
                           "the STFT")) {
        free(j.x);
        return EXIT_FAIL;
    }
    *signal = j.x;
    return 0;
}

int cmd_transform(int argc, char **argv)
{
    cli_common c;
    cli_args a = {argc, argv, 1, NULL};
    effect chain[MAX_EFFECTS];
    size_t n_effects = 0, pcm = 0;
    int m;
    cli_common_init(&c);
    while (a.i < argc) {
        if (strcmp(argv[a.i], "-h") == 0 || strcmp(argv[a.i], "--help") == 0) {
            help();
            return 0;
        }
        if (effect_lookup(argv[a.i]) >= 0) {
            if (n_effects == MAX_EFFECTS) {
                cli_error(argv[a.i], "more than %d effects in one chain", MAX_EFFECTS);
                return EXIT_USAGE;
            }
            if (effect_parse(&a, &chain[n_effects++]))
                return EXIT_USAGE;
            continue;
        }
        if (n_effects > 0) {
            cli_error(argv[a.i], "unknown effect (see 'sono transform --help')");
            return EXIT_USAGE;
        }
        if ((m = cli_parse_output(&a, &c)) || (m = cli_parse_audio(&a, &c)) ||
            (m = cli_parse_stft(&a, &c)) || (m = cli_parse_mel(&a, &c))) {
            if (m < 0)
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
    if (cli_check_paths(&c, 1) || cli_check_stft(&c))
        return EXIT_USAGE;
    if (n_effects == 0) {
        cli_error("transform", "no effect given (see 'sono transform --help')");
        return EXIT_USAGE;
    }
    if (cli_check_output(&c))
        return EXIT_FAIL;

    spectrogram g;
    memset(&g, 0, sizeof g);
    g.c = &c;
    float *y = NULL;
    int r = analyse(&c, &g, &y);
    for (size_t i = 0; r == 0 && i < n_effects; i++)
        r = effect_apply(&chain[i], &g);
    if (r == 0) {
        int err = sono_istft_run(&c.stft, g.s, g.frames, g.length, y);
        r = err == SONO_OK ? cli_write_audio(c.input, c.output, pcm, g.sample_rate, y, g.length)
                           : (cli_error(c.input, "inverse STFT: %s", sono_strerror(err)),
                              EXIT_FAIL);
    }
    free(g.s);
    free(y);
    return r;
}
