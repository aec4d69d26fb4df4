/* sono similarity: the self-similarity (recurrence) matrix of an input's
 * frames -- the cosine similarity of their MFCCs or dB mel bands -- as a
 * .npy or as a picture.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The frames' features are averaged in groups as they come, so that the
 * matrix has at most --max-frames rows and memory does not grow with the
 * input (the mel frames wait in a spool for the dB floor, as for mfcc). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const feature_names[] = {"mfcc", "mel"};

typedef struct opts {
    int feature;            /* 0 mfcc, 1 mel (dB) */
    size_t n_mfcc;
    size_t max_frames;
    int raw;                /* no standardisation */
    sono_colormap cmap;
    uint32_t width, height;
    int size_given, n_mfcc_given;
} opts;

static void help(void)
{
    printf("usage: sono similarity IN -o OUT.npy|OUT.png [--features mfcc|mel] [--n-mfcc 20]\n"
           "                      [--max-frames 2048] [--raw] [--size WxH] [--cmap magma]\n"
           "                      [audio] [stft] [mel]\n\n"
           "The self-similarity (recurrence) matrix of IN: the cosine similarity of every\n"
           "pair of frames' features, from -1 to 1, symmetric, frame 0 first.  A .npy gets\n"
           "the float32 matrix; a .png the picture, frame 0 at the bottom left (the\n"
           "diagonal rising to the right), -1 to 1 through the colormap.\n\n"
           "  -o, --output FILE    OUT.npy or OUT.png (required)\n"
           "  --features F         mfcc (default): librosa.feature.mfcc's coefficients;\n"
           "                       mel: the mel bands in dB (power_to_db, top_db 80)\n"
           "  --n-mfcc N           coefficients (default: 20)\n"
           "  --max-frames N       consecutive frames are averaged in groups so that the\n"
           "                       matrix has at most N rows (default: 2048)\n"
           "  --raw                skip the standardisation: by default each feature is\n"
           "                       centred and scaled to unit deviation over time, so that\n"
           "                       the loudness coefficient does not dominate the cosine\n"
           "  --size WxH           the picture's size, by area averaging (default: one pixel\n"
           "                       per row)\n"
           "  --cmap NAME          the picture's colormap (default: magma)\n\n"
           "%s\n%s%s\n%s", cli_help_audio, cli_help_feature_stft, cli_help_threads, cli_help_mel);
}

static int parse_own(cli_args *a, opts *o)
{
    int m;
    if ((m = cli_match(a, "--features", 1)) != 0)
        return m < 0 || cli_choice("--features", a->value, feature_names, 2, &o->feature)
                   ? -1 : 1;
    if ((m = cli_match(a, "--n-mfcc", 1)) != 0) {
        o->n_mfcc_given = 1;
        return m < 0 || cli_size("--n-mfcc", a->value, 1, 100000, &o->n_mfcc) ? -1 : 1;
    }
    if ((m = cli_match(a, "--max-frames", 1)) != 0)
        return m < 0 || cli_size("--max-frames", a->value, 1, 16384, &o->max_frames) ? -1 : 1;
    if ((m = cli_match(a, "--raw", 0)) != 0)
        return (o->raw = 1);
    if ((m = cli_match(a, "--size", 1)) != 0) {
        if (m < 0 || cli_image_size("--size", a->value, &o->width, &o->height))
            return -1;
        o->size_given = 1;
        return 1;
    }
    return cli_parse_cmap(a, &o->cmap);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* ---- the features, one row per frame ---- */

/* Frames are averaged into their groups as they come, so that memory is
 * the matrix's rows, not the input's frames. */
typedef struct feature_job {
    sono_mfcc *mfcc;        /* NULL: the dB bands themselves */
    size_t dims, max_frames;
    float *frame;           /* dims: the current frame's features */
    float *rows;            /* rows x dims group means */
    size_t rows_n, group;
} feature_job;

static int take_frame(void *ctx, const float *frame_db, size_t bands, size_t t, size_t n)
{
    feature_job *j = ctx;
    if (t == 0) {
        j->rows_n = sono_similarity_size(n, j->max_frames);
        j->group = (n + j->max_frames - 1) / j->max_frames;
        if (!(j->rows = calloc(j->rows_n * j->dims, sizeof *j->rows)))
            return SONO_ERR_NOMEM;
    }
    const float *f = frame_db;
    if (j->mfcc) {
        sono_mfcc_apply(j->mfcc, frame_db, j->frame);
        f = j->frame;
    }
    float *row = j->rows + (t / j->group) * j->dims;
    for (size_t d = 0; d < j->dims; d++)
        row[d] += f[d];
    (void)bands;
    if (t + 1 == n)  /* the means; the last group may be shorter */
        for (size_t g = 0; g < j->rows_n; g++) {
            size_t count = g + 1 < j->rows_n ? j->group : n - g * j->group;
            for (size_t d = 0; d < j->dims; d++)
                j->rows[g * j->dims + d] /= (float)count;
        }
    return SONO_OK;
}

/* ---- outputs ---- */

static int write_npy(const cli_common *c, float *s, size_t n)
{
    sono_npy_array a = {SONO_DTYPE_F32, 2, {n, n}, s};
    errno = 0;
    int err = sono_npy_save(c->output, &a);
    return err == SONO_OK ? 0 : cli_write_error(c->output, err);
}

static int write_png(const cli_common *c, const opts *o, const float *s, size_t n)
{
    size_t ow = o->size_given ? o->width : n, oh = o->size_given ? o->height : n;
    float *out = malloc(ow * oh * sizeof *out);
    sono_image im = {0};
    /* Frame i on picture row n - 1 - i, frame j in column j: the timeline
     * of the matrix taken as n frames of n values, which is the matrix
     * itself, since it is symmetric (bit for bit: sono_similarity writes
     * both halves from one dot product). */
    int err = out ? sono_layout_timeline(s, n, n, ow, oh, out) : SONO_ERR_NOMEM;
    if (err == SONO_OK)
        err = sono_colorize(out, ow, oh, -1.0, 1.0, o->cmap, &im);
    free(out);
    if (err != SONO_OK) {
        cli_error(c->output, "cannot draw the picture: %s", sono_strerror(err));
        return EXIT_FAIL;
    }
    int r = cli_save_picture(c, &im);
    sono_image_free(&im);
    return r;
}

int cmd_similarity(int argc, char **argv)
{
    cli_common c;
    cli_args a = {argc, argv, 1, NULL};
    opts o = {.n_mfcc = 20, .max_frames = 2048, .cmap = SONO_CMAP_MAGMA};
    int m;
    cli_common_init(&c);
    while (a.i < argc) {
        if (strcmp(argv[a.i], "-h") == 0 || strcmp(argv[a.i], "--help") == 0) {
            help();
            return 0;
        }
        if ((m = cli_parse_output(&a, &c)) || (m = cli_parse_audio(&a, &c)) ||
            (m = cli_parse_stft(&a, &c)) || (m = cli_parse_mel(&a, &c)) ||
            (m = cli_parse_threads(&a, &c)) || (m = parse_own(&a, &o))) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if (cli_parse_positional(&a, &c) < 0)
            return EXIT_USAGE;
    }
    if (cli_check_paths(&c, 1) || cli_check_feature_stft(&c) || cli_check_threads(&c))
        return EXIT_USAGE;
    int png = ends_with(c.output, ".png");
    if (!png && !ends_with(c.output, ".npy")) {
        cli_error(c.output, "must end in .npy (the matrix) or .png (the picture)");
        return EXIT_USAGE;
    }
    if (!png && o.size_given) {
        cli_error("--size", "applies to a .png output only");
        return EXIT_USAGE;
    }
    if (o.feature == 1 && o.n_mfcc_given) {
        cli_error("--n-mfcc", "applies to --features mfcc only");
        return EXIT_USAGE;
    }
    if (o.feature == 0 && o.n_mfcc > c.mel.n_mels) {
        cli_error("--n-mfcc", "%zu is more than --n-mels %zu", o.n_mfcc, c.mel.n_mels);
        return EXIT_USAGE;
    }
    if (cli_check_output(&c))
        return EXIT_FAIL;

    int err = SONO_OK, r;
    feature_job j = {NULL, o.feature == 0 ? o.n_mfcc : c.mel.n_mels, o.max_frames,
                     NULL, NULL, 0, 1};
    if (o.feature == 0 && !(j.mfcc = sono_mfcc_new(c.mel.n_mels, o.n_mfcc, 0.0, &err))) {
        cli_error(c.input, "%s", sono_strerror(err));
        return EXIT_FAIL;
    }
    if (!(j.frame = malloc(j.dims * sizeof *j.frame))) {
        cli_error(c.input, "%s", sono_strerror(SONO_ERR_NOMEM));
        sono_mfcc_free(j.mfcc);
        return EXIT_FAIL;
    }
    float *s = NULL;
    sono_source *src = cli_open_audio(&c, &r);
    if (!src)
        goto done;
    if ((r = cli_mel_db_frames(&c, src, take_frame, &j)) != 0)
        goto done;
    r = EXIT_FAIL;
    size_t n = j.rows_n;
    if (!(s = malloc(n * n * sizeof *s))) {
        cli_error(c.input, "%s", sono_strerror(SONO_ERR_NOMEM));
        goto done;
    }
    if ((err = sono_self_similarity(j.rows, n, j.dims, n, !o.raw, s))) {
        cli_error(c.input, "%s", sono_strerror(err));
        goto done;
    }
    r = png ? write_png(&c, &o, s, n) : write_npy(&c, s, n);
done:
    sono_source_close(src);
    sono_mfcc_free(j.mfcc);
    free(j.frame);
    free(j.rows);
    free(s);
    return r;
}
