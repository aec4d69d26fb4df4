/* sono render: a spectrogram as a picture -- colormapped, resized, with or
 * without axes -- or as the lossless self-describing image that `sono
 * invert` turns back into sound.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The whole matrix is kept in memory: the dB scale is relative to its
 * maximum, which is known only at the end, and the picture holds one pixel
 * per value anyway unless --size shrinks it.  The plain timeline of a long
 * track at a given --size is the exception: it is drawn in two passes over
 * the audio (render_stream.c), in memory that does not grow with it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render_layout.h"

/* What a .npy input holds. */
typedef enum npy_kind { NPY_MAGNITUDE, NPY_POWER, NPY_DB } npy_kind;

typedef struct render_opts {
    sono_freq_axis scale;
    double fmin, fmax;
    int fmin_given, fmax_given;
    double bins_per_octave;
    double top_db;
    int top_db_given;
    sono_colormap cmap;
    uint32_t width, height;
    int size_given;
    int axes, lossless, phase;
    npy_kind from;
    int from_given;
    size_t length;
    int n_fft_given, n_mels_given;
    int weighting;
    int cqt;                /* --scale cqt (scale is then LOG, for the axes) */
    size_t cqt_bins;
    int bins_given, bpo_given;
    render_layout layout;   /* --layout, --mode and their options (render_layout.c) */
} render_opts;

static void help(void)
{
    printf("usage: sono render IN -o OUT.png [--scale linear|log|mel|cqt] [--cmap magma]\n"
           "                  [--top-db 80] [--size WxH] [--axes] [--lossless [--phase]]\n"
           "                  [--weighting a] [--layout timeline|wrap|zorder|hilbert]\n"
           "                  [--mode spectrogram|colorgram] [--bpm BPM] [--beats-per-row N]\n"
           "                  [--tiles N] [audio] [stft] [mel]\n\n"
           "The spectrogram of IN (audio, or a .npy matrix written by sono) as a PNG: dB\n"
           "relative to the maximum, floored at --top-db, low frequencies at the bottom, one\n"
           "pixel per frame and per row unless --size is given.\n\n"
           "  -o, --output FILE    the PNG to write (required)\n"
           "  --scale S            linear: the |STFT| bins (default); log: log-spaced bands\n"
           "                       (as 'sono logfreq'); mel: the mel power spectrogram;\n"
           "                       cqt: the constant-Q magnitude (as 'sono cqt', --hop 512)\n"
           "  --fmin HZ            lowest band: log and cqt 32.70 (C1), mel 0 (the defaults)\n"
           "  --fmax HZ            highest band, log and mel (default: sr / 2)\n"
           "  --bins-per-octave N  log and cqt scales: bands per octave (default: 24 log,\n"
           "                       12 cqt)\n"
           "  --bins N             cqt scale: number of bins (default: 84; a .npy's rows)\n"
           "  --top-db DB          dB range below the maximum (default: 80; 120 with\n"
           "                       --lossless)\n"
           "  --cmap NAME          magma (default), viridis, inferno, plasma, cividis, gray,\n"
           "                       blues, afmhot\n"
           "  --weighting a        --scale mel: add the A-weighting of each band to the dB\n"
           "                       values (librosa.perceptual_weighting), then show them\n"
           "                       relative to their new maximum\n"
           "  --size WxH           resize by area averaging, e.g. 224x224\n"
           "  --axes               frame the picture with time and frequency ticks and a dB\n"
           "                       colorbar, as librosa.display.specshow\n"
           "  --lossless           a 16-bit grey PNG of the dB values that carries its STFT\n"
           "                       and scale parameters (docs/image-format.md); 'sono invert'\n"
           "                       reads it back\n"
           "  --phase              with --lossless and --scale linear: keep the phase too, as\n"
           "                       a 16-bit alpha channel, for an exact round trip\n"
           "  --from KIND          a .npy input's values: magnitude (default), power or db;\n"
           "                       a complex .npy is an STFT\n"
           "  --length N           a .npy input's original length in samples, for --lossless\n"
           "                       (default: from the frames)\n"
           "%s\n"
           "%s  (with a .npy input --sr gives its rate; default 22050)\n\n%s%s\n%s",
           render_layout_help, cli_help_audio, cli_help_stft, cli_help_threads, cli_help_mel);
}

static int parse_hz(cli_args *a, const char *name, double *v, int *given)
{
    int m = cli_match(a, name, 1);
    if (m == 0)
        return 0;
    if (m < 0 || cli_double(name, a->value, 0, 1e7, v))
        return -1;
    if (*v <= 0) {
        cli_error(name, "must be above 0 Hz, got '%s'", a->value);
        return -1;
    }
    *given = 1;
    return 1;
}

static int parse_render_options(cli_args *a, render_opts *o)
{
    static const char *const scales[] = {"linear", "log", "mel", "cqt"};
    static const char *const froms[] = {"magnitude", "power", "db"};
    int m, i;
    if ((m = cli_match(a, "--scale", 1)) != 0) {
        if (m < 0 || cli_choice("--scale", a->value, scales, 4, &i))
            return -1;
        o->cqt = i == 3;
        o->scale = o->cqt ? SONO_FREQ_AXIS_LOG : (sono_freq_axis)i;
        return 1;
    }
    if ((m = parse_hz(a, "--fmin", &o->fmin, &o->fmin_given)) != 0 ||
        (m = parse_hz(a, "--fmax", &o->fmax, &o->fmax_given)) != 0)
        return m;
    if ((m = cli_match(a, "--bins-per-octave", 1)) != 0) {
        o->bpo_given = 1;
        return m < 0 || cli_double("--bins-per-octave", a->value, 1, 1200,
                                   &o->bins_per_octave) ? -1 : 1;
    }
    if ((m = cli_match(a, "--bins", 1)) != 0) {
        o->bins_given = 1;
        return m < 0 || cli_size("--bins", a->value, 1, SONO_CQT_MAX_BINS,
                                 &o->cqt_bins) ? -1 : 1;
    }
    if ((m = cli_match(a, "--top-db", 1)) != 0) {
        if (m < 0 || cli_double("--top-db", a->value, 0, 1e4, &o->top_db))
            return -1;
        if (o->top_db <= 0) {
            cli_error("--top-db", "must be above 0 dB, got '%s'", a->value);
            return -1;
        }
        o->top_db_given = 1;
        return 1;
    }
    if ((m = cli_parse_cmap(a, &o->cmap)) != 0)
        return m;
    if ((m = cli_match(a, "--size", 1)) != 0) {
        if (m < 0 || cli_image_size("--size", a->value, &o->width, &o->height))
            return -1;
        o->size_given = 1;
        return 1;
    }
    if ((m = cli_match(a, "--from", 1)) != 0) {
        if (m < 0 || cli_choice("--from", a->value, froms, 3, &i))
            return -1;
        o->from = (npy_kind)i;
        o->from_given = 1;
        return 1;
    }
    if ((m = cli_match(a, "--length", 1)) != 0)
        return m < 0 || cli_size("--length", a->value, 1, (size_t)1 << 40,
                                 &o->length) ? -1 : 1;
    if ((m = cli_match(a, "--axes", 0)) != 0)
        return (o->axes = 1);
    if ((m = cli_match(a, "--lossless", 0)) != 0)
        return (o->lossless = 1);
    if ((m = cli_match(a, "--phase", 0)) != 0)
        return (o->phase = 1);
    return 0;
}

static int check_options(const render_opts *o)
{
    if (o->bins_given && !o->cqt) {
        cli_error("--bins", "applies to --scale cqt only");
        return -1;
    }
    if (o->cqt && o->lossless) {
        cli_error("--lossless", "does not apply to --scale cqt: the lossless image "
                  "holds STFT-based scales (docs/image-format.md)");
        return -1;
    }
    if (o->cqt && o->fmax_given) {
        cli_error("--fmax", "does not apply to --scale cqt, whose top is set by "
                  "--bins and --bins-per-octave");
        return -1;
    }
    if (o->cqt && o->bins_per_octave != floor(o->bins_per_octave)) {
        cli_error("--bins-per-octave", "must be a whole number with --scale cqt, got %g",
                  o->bins_per_octave);
        return -1;
    }
    if (o->phase && !o->lossless) {
        cli_error("--phase", "needs --lossless");
        return -1;
    }
    if (o->phase && o->scale != SONO_FREQ_AXIS_LINEAR) {
        cli_error("--phase", "needs --scale linear: a %s band mixes several bins' phases",
                  o->scale == SONO_FREQ_AXIS_MEL ? "mel" : "log-frequency");
        return -1;
    }
    if (o->lossless && (o->axes || o->size_given)) {
        cli_error(o->axes ? "--axes" : "--size", "does not apply to --lossless, "
                  "whose pixels are the values themselves");
        return -1;
    }
    if (o->weighting && o->scale != SONO_FREQ_AXIS_MEL) {
        cli_error("--weighting", "applies to --scale mel only");
        return -1;
    }
    if (o->weighting && o->lossless) {
        cli_error("--weighting", "does not apply to --lossless, which keeps the "
                  "values to hear them again");
        return -1;
    }
    if (o->lossless && o->from == NPY_DB) {
        cli_error("--from", "db cannot be made --lossless: give the magnitudes or powers");
        return -1;
    }
    return 0;
}

/* ---- the spectrogram, from audio or from a .npy ---- */

/* A filterbank for the chosen scale, or none for linear. */
typedef struct bank {
    sono_freq_axis scale;
    sono_mel *mel;
    sono_logfreq *log;
    size_t rows;
} bank;

static void bank_free(bank *b)
{
    sono_mel_free(b->mel);
    sono_logfreq_free(b->log);
}

/* Fills s->axes' scale parameters from the options and builds the bank for
 * sample_rate; reports errors. */
static int bank_new(bank *b, cli_common *c, const render_opts *o, sono_spec_axes *ax)
{
    int err = SONO_OK;
    memset(b, 0, sizeof *b);
    b->scale = o->scale;
    ax->scale = o->scale;
    ax->power = o->scale == SONO_FREQ_AXIS_MEL ? 2 : 1;
    if (o->scale == SONO_FREQ_AXIS_LINEAR) {
        b->rows = sono_stft_bins(&c->stft);
        return 0;
    }
    if (o->scale == SONO_FREQ_AXIS_MEL) {
        if (o->fmin_given)
            c->mel.fmin = o->fmin;
        if (o->fmax_given)
            c->mel.fmax = o->fmax;
        if (cli_check_mel(c, ax->sample_rate) < 0)
            return -1;
        ax->mel = c->mel;
        b->mel = sono_mel_new(&c->mel, ax->sample_rate, c->stft.n_fft, &err);
        if (b->mel)
            b->rows = sono_mel_bands(b->mel);
    } else {
        sono_logfreq_params_default(&ax->logfreq);
        if (o->fmin_given)
            ax->logfreq.fmin = o->fmin;
        if (o->fmax_given)
            ax->logfreq.fmax = o->fmax;
        ax->logfreq.bins_per_octave = o->bins_per_octave;
        double fmax = ax->logfreq.fmax > 0 ? ax->logfreq.fmax : ax->sample_rate / 2;
        if (ax->logfreq.fmin >= fmax || fmax > ax->sample_rate / 2) {
            cli_error(ax->logfreq.fmin >= fmax ? "--fmin" : "--fmax",
                      "the log scale needs fmin < fmax <= sr / 2 = %g Hz; got fmin %g, fmax %g",
                      ax->sample_rate / 2, ax->logfreq.fmin, fmax);
            return -1;
        }
        b->log = sono_logfreq_new(&ax->logfreq, ax->sample_rate, c->stft.n_fft, &err);
        if (b->log)
            b->rows = sono_logfreq_bands(b->log);
    }
    if (err != SONO_OK) {
        cli_error(o->scale == SONO_FREQ_AXIS_MEL ? "--n-mels" : "--bins-per-octave",
                  "cannot build the filterbank: %s", sono_strerror(err));
        return -1;
    }
    return 0;
}

/* The most frames a picture of `rows` rows may have: one pixel per frame
 * unless --size resizes it; the values must stay within the image limit
 * either way. */
static size_t frame_limit(const render_opts *o, size_t rows)
{
    return o->size_given ? SONO_IMAGE_MAX_PIXELS / rows : SONO_IMAGE_MAX_SIDE;
}

/* The growing frames x rows matrix a stream of STFT frames fills. */
typedef struct collector {
    const render_opts *o;
    const cli_common *c;
    size_t rows, frames, capacity;
    size_t limit;                 /* the most frames a picture can take */
    float *values, *phase;
} collector;

/* Room for at least `want` frames (at most the limit). */
static int reserve(collector *k, size_t want)
{
    size_t cap = want < k->limit ? want : k->limit;
    float *v = k->values ? realloc(k->values, cap * k->rows * sizeof *v)
                         : cli_alloc_filled(cap * k->rows * sizeof *v);
    if (!v)
        return -1;
    k->values = v;
    if (k->o->phase) {
        float *p = realloc(k->phase, cap * k->rows * sizeof *p);
        if (!p)
            return -1;
        k->phase = p;
    }
    k->capacity = cap;
    return 0;
}

/* Where the STFT may put the next *count frames: straight into the matrix
 * while it has room (not with --phase, whose frames are complex). */
static void *next_frames(void *ctx, size_t *count)
{
    collector *k = ctx;
    size_t room = k->capacity - k->frames;
    if (k->o->phase || room == 0)
        return NULL;
    if (*count > room)
        *count = room;
    return k->values + k->frames * k->rows;
}

/* Frames arrive as the rows themselves (magnitudes or bands), already in
 * place when next_frames gave the room, or complex with --phase. */
static int on_frames(void *ctx, const void *frames, size_t count)
{
    collector *k = ctx;
    for (size_t t = 0; t < count; t++) {
        if (k->frames == k->limit) {
            cli_error(k->c->input, "more than %zu frames, the most one picture of %zu rows "
                      "holds%s; choose a part with --offset and --duration or a larger --hop",
                      k->limit, k->rows, k->o->size_given ? "" : " (more with --size)");
            return -1;
        }
        if (k->frames == k->capacity && reserve(k, k->capacity ? 2 * k->capacity : 256)) {
            cli_error(k->c->input, "%s", sono_strerror(SONO_ERR_NOMEM));
            return -1;
        }
        float *row = k->values + k->frames * k->rows;
        if (k->o->phase) {
            const sono_complex *frame = (const sono_complex *)frames + t * k->rows;
            sono_magnitude(frame, row, k->rows);
            sono_phase(frame, k->phase + k->frames * k->rows, k->rows);
        } else if ((const float *)frames + t * k->rows != row) {
            memcpy(row, (const float *)frames + t * k->rows, k->rows * sizeof *row);
        }
        if (cli_check_overflow(k->c->input, row, k->rows, "the spectrogram"))
            return -1;
        k->frames++;
    }
    return 0;
}

/* The CQT parameters the options give. */
static void cqt_params(const cli_common *c, const render_opts *o, cli_cqt *q)
{
    cli_cqt_init(q);
    if (o->fmin_given)
        q->params.fmin = o->fmin;
    if (o->bpo_given)
        q->params.bins_per_octave = (size_t)o->bins_per_octave;
    if (o->bins_given) {
        q->params.n_bins = o->cqt_bins;
        q->bins_given = 1;
    }
    if (c->hop_given)
        q->params.hop_length = c->stft.hop_length;
}

/* --scale cqt: the whole signal's CQT magnitude; the axes are log-spaced
 * (octave ticks) at the CQT's hop. */
static int spec_from_cqt(cli_common *c, const render_opts *o, sono_spec *s)
{
    cli_cqt q;
    sono_complex *C;
    size_t frames;
    double rate;
    cqt_params(c, o, &q);
    size_t rows = q.params.n_bins;
    int r = cli_cqt_compute(c, &q, frame_limit(o, rows), &C, &frames, &rate);
    if (r)
        return r;
    if (!(s->values = malloc(frames * rows * sizeof *s->values))) {
        cli_error(c->input, "%s", sono_strerror(SONO_ERR_NOMEM));
        free(C);
        return EXIT_FAIL;
    }
    sono_magnitude(C, s->values, frames * rows);
    free(C);
    s->rows = rows;
    s->frames = frames;
    s->axes.sample_rate = rate;
    s->axes.scale = SONO_FREQ_AXIS_LOG;
    s->axes.power = 1;
    s->axes.stft = c->stft;
    s->axes.stft.hop_length = q.params.hop_length;
    return 0;
}

/* Values above which a picture at --size is drawn as the audio streams
 * (render_stream.c) rather than from the whole matrix: 64 MiB of float32,
 * 15 minutes at n_fft 2048 and hop 512.  Below it, one pass and the
 * matrix cost less than a second STFT pass. */
#define STREAM_VALUES ((size_t)16 << 20)

/* The spectrogram of the audio input into s.  When `streamed` is not NULL
 * (a picture of --size that can be streamed) and the matrix the header
 * promises is large, or of unknown size, the picture is drawn in relative
 * dB straight into streamed instead, *drawn set, and s gets the shape and
 * axes without the values. */
static int spec_from_audio(cli_common *c, const render_opts *o, sono_spec *s, float *streamed,
                           int *drawn)
{
    int status;
    if (o->cqt)
        return spec_from_cqt(c, o, s);
    if (cli_check_stft(c))
        return EXIT_USAGE;
    sono_source *src = cli_open_audio(c, &status);
    if (!src)
        return status;
    s->axes.sample_rate = sono_source_rate(src);
    s->axes.stft = c->stft;
    bank b;
    collector k = {o, c, 0, 0, 0, 0, NULL, NULL};
    status = EXIT_USAGE;
    if (bank_new(&b, c, o, &s->axes))
        goto done;
    status = EXIT_FAIL;
    int64_t promised;
    size_t expect = 0;
    if (sono_source_check(sono_source_info(src), &c->audio, &promised) == SONO_OK &&
        promised > 0)
        sono_stft_frame_count(&c->stft, (size_t)promised, &expect);
    if (streamed && (expect == 0 || expect > STREAM_VALUES / b.rows)) {
        cli_stft_out what = {b.scale == SONO_FREQ_AXIS_MEL ? 2 : 1, b.mel, b.log, NULL};
        s->rows = b.rows;
        if (render_stream_db(c, src, &what, b.rows, s->axes.power == 1, o->top_db, o->width,
                             o->height, streamed, &s->frames, &s->axes.length) == 0)
            status = 0;
        *drawn = 1;
        goto done;
    }
    k.rows = b.rows;
    k.limit = frame_limit(o, b.rows);
    /* The frames the header promises, allocated at once: growing by
     * doubling copied each frame about twice more, and fresh pages are
     * what a short render spends most on.  Only a hint: when it cannot be
     * had, the frames grow the buffer as they come. */
    if (expect > 0)
        (void)reserve(&k, expect);
    /* Mel rows are of the power spectrogram, the others of the magnitude;
     * --phase (linear only) takes the complex frames. */
    cli_stft_out what = {o->phase ? 0 : b.scale == SONO_FREQ_AXIS_MEL ? 2 : 1, b.mel, b.log,
                        next_frames};
    size_t samples = 0;
    if (cli_run_stft_blocks(c, src, &what, on_frames, &k, &samples))
        goto done;
    s->axes.length = samples;
    s->rows = k.rows;
    s->frames = k.frames;
    s->values = k.values;
    s->phase = k.phase;
    k.values = k.phase = NULL;
    status = 0;
done:
    bank_free(&b);
    free(k.values);
    free(k.phase);
    sono_source_close(src);
    return status;
}

static int is_npy(const char *path)
{
    size_t n = strlen(path);
    return n >= 4 && strcmp(path + n - 4, ".npy") == 0;
}

/* Checks a .npy's rows against the scale and fills the axes from the
 * options; reports errors. */
static int npy_axes(cli_common *c, const render_opts *o, size_t rows, sono_spec_axes *ax)
{
    ax->sample_rate = c->audio.sample_rate > 0 ? c->audio.sample_rate : 22050.0;
    if (o->cqt) {
        cli_cqt q;
        char rate_of[64];
        cqt_params(c, o, &q);
        if (o->bins_given && q.params.n_bins != rows) {
            cli_error("--bins", "%zu does not match the %zu rows of '%s'", q.params.n_bins,
                      rows, c->input);
            return -1;
        }
        q.params.n_bins = rows;
        snprintf(rate_of, sizeof rate_of, "--sr %g", ax->sample_rate);
        if (cli_check_cqt(&q, ax->sample_rate, rate_of, o->bins_given ? "--bins" : c->input))
            return -1;
        ax->stft = c->stft;
        ax->stft.hop_length = q.params.hop_length;
        ax->power = o->from == NPY_POWER ? 2 : 1;
        return 0;
    }
    if (o->scale == SONO_FREQ_AXIS_LINEAR && !o->n_fft_given) {
        if (rows < 2) {
            cli_error(c->input, "has %zu row; a linear spectrogram has n_fft/2 + 1 rows", rows);
            return -1;
        }
        c->stft.n_fft = 2 * (rows - 1);
    }
    if (o->scale == SONO_FREQ_AXIS_MEL && !o->n_mels_given)
        c->mel.n_mels = rows;
    if (cli_check_stft(c))
        return -1;
    ax->stft = c->stft;
    bank b;
    if (bank_new(&b, c, o, ax))
        return -1;
    size_t want = b.rows;
    bank_free(&b);
    if (want != rows) {
        cli_error(c->input, "has %zu rows, but the %s scale with these options has %zu",
                  rows, o->scale == SONO_FREQ_AXIS_LINEAR ? "linear"
                        : o->scale == SONO_FREQ_AXIS_MEL ? "mel" : "log", want);
        return -1;
    }
    ax->power = o->from == NPY_POWER ? 2 : 1;
    return 0;
}

static int spec_from_npy(cli_common *c, const render_opts *o, sono_spec *s)
{
    sono_npy_array in;
    int err = sono_npy_load(c->input, &in);
    if (err != SONO_OK) {
        cli_npy_error(c->input, err, 0);
        return EXIT_FAIL;
    }
    int r = EXIT_FAIL;
    size_t rows = in.ndim == 2 ? in.shape[0] : 0, frames = in.ndim == 2 ? in.shape[1] : 0;
    int complex_in = in.dtype == SONO_DTYPE_C64;
    if (rows == 0 || frames == 0) {
        cli_error(c->input, "must be a non-empty 2-D matrix (rows x frames)");
        goto done;
    }
    if (rows > SONO_IMAGE_MAX_SIDE || frames > frame_limit(o, rows)) {
        cli_error(c->input, "%zu rows x %zu frames is more than one picture holds (%u a side, "
                  "%u values with --size)", rows, frames, SONO_IMAGE_MAX_SIDE,
                  SONO_IMAGE_MAX_PIXELS);
        goto done;
    }
    if (o->phase && !complex_in) {
        cli_error("--phase", "needs a complex STFT input ('sono stft' without --magnitude)");
        r = EXIT_USAGE;
        goto done;
    }
    if (complex_in && (o->from != NPY_MAGNITUDE ||
                       (o->scale != SONO_FREQ_AXIS_LINEAR && !o->cqt))) {
        cli_error(c->input, "is complex (an STFT or a CQT): it takes --from magnitude and "
                  "--scale linear or cqt");
        r = EXIT_USAGE;
        goto done;
    }
    if (npy_axes(c, o, rows, &s->axes)) {
        r = EXIT_USAGE;
        goto done;
    }
    s->axes.length = o->length ? o->length : sono_istft_length(&c->stft, frames, 0);
    s->rows = rows;
    s->frames = frames;
    s->values = malloc(rows * frames * sizeof *s->values);
    s->phase = o->phase ? malloc(rows * frames * sizeof *s->phase) : NULL;
    if (!s->values || (o->phase && !s->phase)) {
        cli_error(c->input, "%s", sono_strerror(SONO_ERR_NOMEM));
        goto done;
    }
    for (size_t i = 0; i < rows; i++)
        for (size_t t = 0; t < frames; t++) {
            float *v = s->values + t * rows + i;
            if (complex_in) {
                const sono_complex *z = (const sono_complex *)in.data + i * frames + t;
                sono_magnitude(z, v, 1);
                if (s->phase)
                    sono_phase(z, s->phase + t * rows + i, 1);
            } else {
                *v = ((const float *)in.data)[i * frames + t];
            }
        }
    if (sono_check_finite(s->values, rows * frames, NULL) != SONO_OK) {
        cli_error(c->input, "contains NaN or infinite values");
        goto done;
    }
    if (o->from != NPY_DB)
        for (size_t i = 0; i < rows * frames; i++)
            if (s->values[i] < 0.0f) {
                cli_error(c->input, "contains negative values (%g); give --from db for "
                          "a matrix in dB", s->values[i]);
                goto done;
            }
    r = 0;
done:
    sono_npy_free(&in);
    return r;
}

/* ---- the picture ---- */

static float largest(const float *v, size_t n)
{
    float m = v[0];
    for (size_t i = 1; i < n; i++)
        if (v[i] > m)
            m = v[i];
    return m;
}

/* The values in dB re their maximum, floored at -top_db, in place. */
static void to_relative_db(sono_spec *s, const render_opts *o)
{
    size_t n = s->rows * s->frames;
    if (o->from == NPY_DB) {
        float peak = largest(s->values, n);
        for (size_t i = 0; i < n; i++)
            s->values[i] = fmaxf(s->values[i] - peak, (float)-o->top_db);
        return;
    }
    sono_db_params p;
    sono_db_params_default(&p, s->axes.power == 1);
    p.ref_is_max = 1;
    p.top_db = o->top_db;
    sono_to_db(s->values, n, &p);
}

/* --weighting a: the A-weighting of each mel band added to the relative dB
 * values, which are then relative to their own maximum again and floored at
 * -top_db, so that the picture keeps its range. */
static int add_weighting(sono_spec *s, const render_opts *o)
{
    double *w = cli_mel_weighting(&s->axes.mel, s->axes.sample_rate, s->rows);
    if (!w)
        return SONO_ERR_NOMEM;
    size_t n = s->rows * s->frames;
    double peak = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        s->values[i] = (float)((double)s->values[i] + w[i % s->rows]);
        peak = fmax(peak, s->values[i]);
    }
    for (size_t i = 0; i < n; i++)
        s->values[i] = (float)fmax((double)s->values[i] - peak, -o->top_db);
    free(w);
    return SONO_OK;
}

/* Centre frequency of each row, for the axes. */
static double *row_frequencies(const sono_spec *s, const render_opts *o)
{
    const sono_spec_axes *ax = &s->axes;
    double *hz = malloc((s->rows + 2) * sizeof *hz);
    if (!hz)
        return NULL;
    int err;
    if (o->cqt) {
        sono_cqt_params p;
        sono_cqt_params_default(&p);
        p.n_bins = s->rows;
        if (o->fmin_given)
            p.fmin = o->fmin;
        if (o->bpo_given)
            p.bins_per_octave = (size_t)o->bins_per_octave;
        if (sono_cqt_frequencies(&p, hz) != SONO_OK) {
            free(hz);
            return NULL;
        }
    } else if (ax->scale == SONO_FREQ_AXIS_LINEAR) {
        for (size_t i = 0; i < s->rows; i++)
            hz[i] = (double)i * ax->sample_rate / (double)ax->stft.n_fft;
    } else if (ax->scale == SONO_FREQ_AXIS_MEL) {
        /* librosa's mel bands peak at the inner n of n + 2 edge frequencies. */
        double fmax = ax->mel.fmax > 0 ? ax->mel.fmax : ax->sample_rate / 2;
        sono_mel_frequencies(s->rows + 2, ax->mel.fmin, fmax, ax->mel.htk, hz);
        memmove(hz, hz + 1, s->rows * sizeof *hz);
    } else {
        sono_logfreq *l = sono_logfreq_new(&ax->logfreq, ax->sample_rate, ax->stft.n_fft, &err);
        if (!l) {
            free(hz);
            return NULL;
        }
        sono_logfreq_frequencies(l, hz);
        sono_logfreq_free(l);
    }
    return hz;
}

static int add_axes(const sono_spec *s, const render_opts *o, sono_image *im)
{
    double *hz = row_frequencies(s, o);
    if (!hz)
        return SONO_ERR_NOMEM;
    sono_stft_params p = s->axes.stft;
    sono_stft_params_resolve(&p);
    sono_axes a;
    memset(&a, 0, sizeof a);
    a.t0 = 0.0;
    a.t1 = (double)s->frames * (double)p.hop_length / s->axes.sample_rate;
    a.scale = s->axes.scale;
    a.row_hz = hz;
    a.rows = s->rows;
    a.db_min = -o->top_db;
    a.db_max = 0.0;
    a.cmap = o->cmap;
    sono_image framed;
    int err = sono_draw_axes(im, &a, &framed);
    free(hz);
    if (err == SONO_OK) {
        sono_image_free(im);
        *im = framed;
    }
    return err;
}

/* What the values are before the dB scale, for the colorgram's features. */
static render_values values_kind(const render_opts *o)
{
    if (o->cqt || o->scale != SONO_FREQ_AXIS_LINEAR || o->from == NPY_DB)
        return RENDER_VALUES_OTHER;
    return o->from == NPY_POWER ? RENDER_VALUES_POWER : RENDER_VALUES_MAGNITUDE;
}

/* Whether the picture can be drawn as the audio streams (render_stream.c):
 * the plain timeline of an STFT scale at a given size, from a file that
 * can be read twice. */
static int streams(const cli_common *c, const render_opts *o)
{
    return !is_npy(c->input) && !o->cqt && !o->lossless && !o->weighting && o->size_given &&
           !o->layout.colorgram &&
           (o->layout.kind == RENDER_LAYOUT_NONE || o->layout.kind == RENDER_LAYOUT_TIMELINE) &&
           render_can_stream(c->input);
}

/* The picture of s, or of `streamed` (relative dB at --size) when that was
 * drawn already. */
static int write_picture(const cli_common *c, sono_spec *s, render_opts *o,
                         const float *streamed)
{
    size_t ow = o->size_given ? o->width : s->frames, oh = o->size_given ? o->height : s->rows;
    sono_image im = {0};
    int err;
    if (streamed) {
        err = sono_colorize(streamed, ow, oh, -o->top_db, 0.0, o->cmap, &im);
    } else {
        int r = render_layout_prepare(&o->layout, c, s, values_kind(o), is_npy(c->input), ow,
                                      oh);
        if (r)
            return r;
        to_relative_db(s, o);
        err = o->weighting ? add_weighting(s, o) : SONO_OK;
        if (err == SONO_OK)
            err = render_layout_draw(&o->layout, s, o->top_db, o->cmap, ow, oh, &im);
    }
    if (err == SONO_OK && o->axes)
        err = add_axes(s, o, &im);
    if (err != SONO_OK) {
        cli_error(c->output, "cannot draw the picture: %s", sono_strerror(err));
        sono_image_free(&im);
        return EXIT_FAIL;
    }
    int r = cli_save_picture(c, &im);
    sono_image_free(&im);
    return r;
}

static int write_lossless(const cli_common *c, sono_spec *s, const render_opts *o)
{
    float peak = largest(s->values, s->rows * s->frames);
    s->axes.ref = peak > 0.0f ? peak : 1.0;
    s->axes.db_max = 0.0;
    s->axes.db_min = -o->top_db;
    sono_image im;
    int err = sono_spec_to_image(s, &im);
    if (err != SONO_OK) {
        cli_error(c->output, "cannot make the image: %s", sono_strerror(err));
        return EXIT_FAIL;
    }
    int r = cli_save_png(c, &im);
    sono_image_free(&im);
    return r;
}

int cmd_render(int argc, char **argv)
{
    cli_common c;
    render_opts o;
    cli_args a = {argc, argv, 1, NULL};
    int m;
    cli_common_init(&c);
    memset(&o, 0, sizeof o);
    o.scale = SONO_FREQ_AXIS_LINEAR;
    o.bins_per_octave = 24;
    o.top_db = 80;
    o.cmap = SONO_CMAP_MAGMA;
    o.from = NPY_MAGNITUDE;
    render_layout_init(&o.layout);
    while (a.i < argc) {
        if (strcmp(argv[a.i], "-h") == 0 || strcmp(argv[a.i], "--help") == 0) {
            help();
            return 0;
        }
        if (strncmp(argv[a.i], "--n-fft", 7) == 0)
            o.n_fft_given = 1;
        if (strncmp(argv[a.i], "--n-mels", 8) == 0)
            o.n_mels_given = 1;
        if ((m = render_layout_parse(&a, &o.layout)) || (m = cli_parse_output(&a, &c)) ||
            (m = cli_parse_audio(&a, &c)) ||
            (m = cli_parse_stft(&a, &c)) || (m = parse_render_options(&a, &o)) ||
            (m = cli_parse_mel(&a, &c)) || (m = cli_parse_weighting(&a, &o.weighting)) ||
            (m = cli_parse_threads(&a, &c))) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if (cli_parse_positional(&a, &c) < 0)
            return EXIT_USAGE;
    }
    if (o.lossless && !o.top_db_given)
        o.top_db = 120;
    if (check_options(&o) || cli_check_paths(&c, 1) || cli_check_threads(&c) ||
        render_layout_check(&o.layout, o.lossless, o.axes, is_npy(c.input)))
        return EXIT_USAGE;
    if (o.layout.kind != RENDER_LAYOUT_NONE && !o.size_given) {
        o.width = o.height = RENDER_LAYOUT_SIDE;
        o.size_given = 1;
    }
    if (o.from_given && !is_npy(c.input)) {
        cli_error("--from", "applies to a .npy input only");
        return EXIT_USAGE;
    }
    if (cli_check_output(&c))
        return EXIT_FAIL;

    sono_spec s;
    memset(&s, 0, sizeof s);
    float *streamed = NULL;
    int drawn = 0;
    if (streams(&c, &o) && !(streamed = malloc((size_t)o.width * o.height * sizeof *streamed))) {
        cli_error(c.output, "%s", sono_strerror(SONO_ERR_NOMEM));
        return EXIT_FAIL;
    }
    int r = is_npy(c.input) ? spec_from_npy(&c, &o, &s)
                            : spec_from_audio(&c, &o, &s, streamed, &drawn);
    if (r == 0)
        r = o.lossless ? write_lossless(&c, &s, &o)
                       : write_picture(&c, &s, &o, drawn ? streamed : NULL);
    free(streamed);
    free(s.values);
    free(s.phase);
    render_layout_free(&o.layout);
    return r;
}
