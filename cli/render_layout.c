/* `sono render --layout timeline|wrap|zorder|hilbert` and `--mode
 * colorgram`: the options, their checks, and the picture drawn through the
 * library's layouts.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Without --layout, render draws what it always drew: the timeline at
 * --size, or one pixel per value.  A layout is for pictures of a fixed size
 * (a classifier's 224 x 224 input), so it implies --size 224x224. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_layout.h"

const char render_layout_help[] =
    "  --layout L           a fixed-size picture (default --size 224x224): timeline,\n"
    "                       the whole track squashed; wrap, rows of --beats-per-row\n"
    "                       beats stacked from the top, low bands in each row's middle;\n"
    "                       zorder or hilbert, --tiles x --tiles chunks of time as\n"
    "                       tiles along a Z-order or Hilbert curve\n"
    "  --mode M             spectrogram (default): dB through --cmap; colorgram: hue\n"
    "                       from the spectral centroid, saturation from 1 - flatness,\n"
    "                       lightness from the dB value\n"
    "  --bpm BPM            wrap: the tempo (default: estimated from the audio;\n"
    "                       required for a .npy input)\n"
    "  --beats-per-row N    wrap: beats a row, a power of two (default: the one nearest\n"
    "                       the square root of the track's beats)\n"
    "  --tiles N            zorder, hilbert: tiles a side, a power of two (default 16)\n";

void render_layout_init(render_layout *l)
{
    memset(l, 0, sizeof *l);
    l->kind = RENDER_LAYOUT_NONE;
    l->tiles = 16;
}

void render_layout_free(render_layout *l)
{
    free(l->hue);
    free(l->sat);
    l->hue = l->sat = NULL;
}

static int power_of_two(const char *opt, const char *v, size_t max, size_t *out)
{
    if (cli_size(opt, v, 1, max, out))
        return -1;
    if (*out & (*out - 1)) {
        cli_error(opt, "must be a power of two (1, 2, 4, 8, ...), got '%s'", v);
        return -1;
    }
    return 0;
}

int render_layout_parse(cli_args *a, render_layout *l)
{
    static const char *const layouts[] = {"timeline", "wrap", "zorder", "hilbert"};
    static const char *const modes[] = {"spectrogram", "colorgram"};
    const char *arg = a->argv[a->i];
    int m, i;
    /* Noted for the checks, parsed by render itself. */
    if (strncmp(arg, "--cmap", 6) == 0)
        l->cmap_given = 1;
    if ((m = cli_match(a, "--layout", 1)) != 0) {
        if (m < 0 || cli_choice("--layout", a->value, layouts, 4, &i))
            return -1;
        l->kind = (render_layout_kind)i;
        return 1;
    }
    if ((m = cli_match(a, "--mode", 1)) != 0) {
        if (m < 0 || cli_choice("--mode", a->value, modes, 2, &i))
            return -1;
        l->colorgram = i == 1;
        return 1;
    }
    if ((m = cli_match(a, "--bpm", 1)) != 0) {
        if (m < 0 || cli_double("--bpm", a->value, 0, 2000, &l->bpm))
            return -1;
        if (l->bpm < 1) {
            cli_error("--bpm", "must be at least 1 beat a minute, got '%s'", a->value);
            return -1;
        }
        return 1;
    }
    if ((m = cli_match(a, "--beats-per-row", 1)) != 0)
        return m < 0 || power_of_two("--beats-per-row", a->value, (size_t)1 << 20,
                                     &l->beats_per_row) ? -1 : 1;
    if ((m = cli_match(a, "--tiles", 1)) != 0) {
        l->tiles_given = 1;
        return m < 0 || power_of_two("--tiles", a->value, 4096, &l->tiles) ? -1 : 1;
    }
    return 0;
}

int render_layout_check(const render_layout *l, int lossless, int axes, int npy)
{
    static const char *const names[] = {"timeline", "wrap", "zorder", "hilbert"};
    int tiled = l->kind == RENDER_LAYOUT_ZORDER || l->kind == RENDER_LAYOUT_HILBERT;
    if (l->kind != RENDER_LAYOUT_NONE && (lossless || axes)) {
        cli_error("--layout", "does not apply to %s: %s", lossless ? "--lossless" : "--axes",
                  lossless ? "the lossless image keeps one pixel per value to hear it again"
                           : "the axes are of time and frequency, which a layout rearranges");
        return -1;
    }
    if (l->colorgram && (lossless || axes || l->cmap_given)) {
        cli_error("--mode", "colorgram does not apply to %s",
                  lossless ? "--lossless, which keeps the values themselves"
                  : axes   ? "--axes, whose colorbar is a colormap's"
                           : "--cmap: its colours come from the spectral features");
        return -1;
    }
    if ((l->beats_per_row || l->bpm > 0) && l->kind != RENDER_LAYOUT_WRAP) {
        cli_error(l->bpm > 0 ? "--bpm" : "--beats-per-row", "applies to --layout wrap only%s%s",
                  l->kind == RENDER_LAYOUT_NONE ? "" : ", not ",
                  l->kind == RENDER_LAYOUT_NONE ? "" : names[l->kind]);
        return -1;
    }
    if (l->tiles_given && !tiled) {
        cli_error("--tiles", "applies to --layout zorder or hilbert only");
        return -1;
    }
    if (l->kind == RENDER_LAYOUT_WRAP && npy && !(l->bpm > 0)) {
        cli_error("--bpm", "is required with --layout wrap and a .npy input, whose tempo "
                  "cannot be estimated without the sound");
        return -1;
    }
    return 0;
}

/* The tempo of the input audio, for wrap without --bpm: sono_tempo_estimate
 * (as `sono tempo`) on librosa's onset envelope with its default STFT and
 * mel bands, whatever the picture's, on the same selection of the audio. */
static int estimate_bpm(const cli_common *c, double *bpm)
{
    cli_common oc;
    cli_common_init(&oc);
    oc.input = c->input;
    oc.output = c->output;
    oc.audio = c->audio;
    oc.threads = c->threads;
    if (cli_check_stft(&oc))  /* resolves the default hop; cannot fail */
        return EXIT_FAIL;
    sono_source *src = cli_reopen_audio(&oc);
    if (!src)
        return EXIT_FAIL;
    sono_tempo_params tp;
    sono_tempo_params_default(&tp);
    tp.sample_rate = sono_source_rate(src);
    tp.hop_length = oc.stft.hop_length;
    sono_onset_params op;
    sono_onset_params_default(&op);
    size_t frames = 0;
    int r = EXIT_FAIL;
    float *env = cli_onset_envelope(&oc, &op, src, &frames, &r);
    sono_source_close(src);
    if (!env)
        return r;
    sono_tempo_result res;
    int err = sono_tempo_estimate(&tp, env, frames, &res);
    free(env);
    if (err != SONO_OK || !(res.bpm > 0)) {
        cli_error(c->input, "cannot estimate its tempo (%s); give --bpm",
                  err != SONO_OK ? sono_strerror(err) : "no pulse");
        return EXIT_FAIL;
    }
    *bpm = res.bpm;
    return 0;
}

static int check_wrap(render_layout *l, const cli_common *c, const sono_spec *s, size_t h)
{
    sono_stft_params p = s->axes.stft;
    sono_stft_params_resolve(&p);
    if (!(l->bpm > 0)) {
        int r = estimate_bpm(c, &l->bpm);
        if (r)
            return r;
    }
    /* One beat is 60 / bpm seconds, sample_rate / hop frames a second. */
    l->beat_frames = 60.0 / l->bpm * s->axes.sample_rate / (double)p.hop_length;
    size_t beats, strips;
    if (sono_layout_wrap_shape(s->frames, l->beat_frames, l->beats_per_row, &beats,
                               &strips) != SONO_OK) {
        cli_error("--bpm", "a beat of %g frames cannot be laid out", l->beat_frames);
        return EXIT_USAGE;
    }
    if (strips > h) {
        cli_error("--beats-per-row", "rows of %zu beat%s (of %g frames) make %zu rows, "
                  "more than the picture's %zu pixel rows; raise --beats-per-row",
                  beats, beats == 1 ? "" : "s", l->beat_frames, strips, h);
        return EXIT_USAGE;
    }
    return 0;
}

int render_layout_prepare(render_layout *l, const cli_common *c, const sono_spec *s,
                          render_values values, int npy, size_t w, size_t h)
{
    int tiled = l->kind == RENDER_LAYOUT_ZORDER || l->kind == RENDER_LAYOUT_HILBERT;
    if (tiled && (w < l->tiles || h < l->tiles)) {
        cli_error("--tiles", "%zu tiles a side do not fit a picture of %zux%zu pixels",
                  l->tiles, w, h);
        return EXIT_USAGE;
    }
    if (tiled && s->frames < l->tiles * l->tiles) {
        cli_error(c->input, "has %zu frames, fewer than the %zu tiles of --tiles %zu; "
                  "lower --tiles or --hop", s->frames, l->tiles * l->tiles, l->tiles);
        return EXIT_USAGE;
    }
    if (l->kind == RENDER_LAYOUT_WRAP) {
        int r = check_wrap(l, c, s, h);
        if (r)
            return r;
    }
    return l->colorgram ? render_colorgram_frames(l, c, s, values, npy) : 0;
}

/* One plane of frames x rows values in the layout, into out (w x h). */
static int lay_out(const render_layout *l, const float *values, size_t frames, size_t rows,
                   float fill, size_t w, size_t h, float *out)
{
    switch (l->kind) {
    case RENDER_LAYOUT_WRAP:
        return sono_layout_wrap(values, frames, rows, l->beat_frames, l->beats_per_row,
                                fill, w, h, out);
    case RENDER_LAYOUT_ZORDER:
    case RENDER_LAYOUT_HILBERT:
        return sono_layout_tiles(values, frames, rows,
                                 l->kind == RENDER_LAYOUT_ZORDER ? SONO_CURVE_ZORDER
                                                                 : SONO_CURVE_HILBERT,
                                 l->tiles, w, h, out);
    default:
        return sono_layout_timeline(values, frames, rows, w, h, out);
    }
}

int render_layout_draw(const render_layout *l, const sono_spec *s, double top_db,
                       sono_colormap cmap, size_t w, size_t h, sono_image *im)
{
    float *db = malloc(w * h * sizeof *db);
    float *hue = l->colorgram ? malloc(w * h * sizeof *hue) : NULL;
    float *sat = l->colorgram ? malloc(w * h * sizeof *sat) : NULL;
    int err = SONO_ERR_NOMEM;
    if (!db || (l->colorgram && (!hue || !sat)))
        goto done;
    err = lay_out(l, s->values, s->frames, s->rows, (float)-top_db, w, h, db);
    if (err != SONO_OK)
        goto done;
    if (!l->colorgram) {
        err = sono_colorize(db, w, h, -top_db, 0.0, cmap, im);
        goto done;
    }
    /* Hue and saturation are one value a frame: laid out as one band, which
     * every layout stretches over the bands' pixels.  Past the end of the
     * track (wrap) the lightness is 0 and they do not show. */
    if ((err = lay_out(l, l->hue, s->frames, 1, 0.0f, w, h, hue)) == SONO_OK &&
        (err = lay_out(l, l->sat, s->frames, 1, 0.0f, w, h, sat)) == SONO_OK)
        err = sono_colorgram(db, hue, sat, w, h, top_db, im);
done:
    free(db);
    free(hue);
    free(sat);
    return err;
}
