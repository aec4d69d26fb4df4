/* sono embed: frames of the mel spectrogram laid out on one or two axes by
 * PCA or t-SNE, as .npy coordinates or a scatter plot coloured by time.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define PLOT_SIDE 800
#define DOT 1 /* a point is a square of 2 DOT + 1 pixels */

typedef struct embed_opts {
    int method;   /* 0 pca, 1 tsne, -1 not given */
    int features; /* sono_feature_kind */
    int png;
    int verbose;
    const char *tsne_only; /* a t-SNE option that was given */
    int perplexity_given;
    sono_tsne_params tsne;
} embed_opts;

static const char *const methods[] = {"pca", "tsne"};
static const char *const feature_names[] = {"mel-db", "volume", "log-weight"};

static void help(void)
{
    printf("usage: sono embed IN -o OUT.npy|OUT.png --method pca|tsne [--dims 1|2]\n"
           "                 [--features mel-db|volume|log-weight] [--perplexity 30]\n"
           "                 [--iters 1000] [--seed N] [--threads N] [--verbose]\n"
           "                 [audio] [stft] [mel]\n\n"
           "Each frame of IN's mel power spectrogram as a point on one or two axes,\n"
           "similar frames close together: the coordinates (a frames x dims float32\n"
           ".npy) or a scatter plot (PNG, 800x800, coloured by time through viridis;\n"
           "with --dims 1, time across and the coordinate up).\n\n"
           "embedding:\n"
           "  -o, --output FILE    the .npy or .png to write (required)\n"
           "  --method pca|tsne    sklearn's PCA, or t-SNE as sklearn's TSNE\n"
           "                       (init='pca', learning_rate='auto') with\n"
           "                       FFT-accelerated forces (required)\n"
           "  --dims 1|2           axes of the embedding (default: 1)\n"
           "  --features KIND      mel-db: power_to_db(S, ref=max), top_db 80 (default);\n"
           "                       volume: each band over its sum in time, then dB;\n"
           "                       log-weight: mel-db, band i of n times ln(n + 1 - i)\n"
           "  --perplexity P       t-SNE's, above 0, below the frame count (default: 30)\n"
           "  --iters N            t-SNE's iterations, at least 250 (default: 1000)\n"
           "  --seed N             t-SNE's random start, used only when PCA gives none\n"
           "                       (default: 0)\n"
           "  --threads N          worker threads (default: SONO_THREADS, else all\n"
           "                       cores); the result is the same for any number\n"
           "  --verbose            print t-SNE's KL divergence, or PCA's explained\n"
           "                       variance, and the time taken\n"
           "\n%s\n%s\n%s", cli_help_audio, cli_help_stft, cli_help_mel);
}

/* ---- options ---- */

static int parse_embed(cli_args *a, embed_opts *o)
{
    int m, i;
    size_t v;
    if ((m = cli_match(a, "--method", 1)) != 0) {
        if (m < 0 || cli_choice("--method", a->value, methods, 2, &i))
            return -1;
        o->method = i;
        return 1;
    }
    if ((m = cli_match(a, "--features", 1)) != 0) {
        if (m < 0 || cli_choice("--features", a->value, feature_names, 3, &i))
            return -1;
        o->features = i;
        return 1;
    }
    if ((m = cli_match(a, "--dims", 1)) != 0) {
        if (m < 0 || cli_size("--dims", a->value, 1, 2, &v))
            return -1;
        o->tsne.dims = (int)v;
        return 1;
    }
    if ((m = cli_match(a, "--perplexity", 1)) != 0) {
        if (m < 0 || cli_double("--perplexity", a->value, 1e-6, 1e9, &o->tsne.perplexity))
            return -1;
        o->tsne_only = "--perplexity";
        o->perplexity_given = 1;
        return 1;
    }
    if ((m = cli_match(a, "--iters", 1)) != 0) {
        if (m < 0 || cli_size("--iters", a->value, 250, 1000000, &v))
            return -1;
        o->tsne.iterations = (int)v;
        o->tsne_only = "--iters";
        return 1;
    }
    if ((m = cli_match(a, "--seed", 1)) != 0) {
        if (m < 0 || cli_size("--seed", a->value, 0, (size_t)-1, &v))
            return -1;
        o->tsne.seed = (uint64_t)v;
        o->tsne_only = "--seed";
        return 1;
    }
    if ((m = cli_match(a, "--threads", 1)) != 0) {
        if (m < 0 || cli_size("--threads", a->value, 1, 64, &v))
            return -1;
        o->tsne.threads = (int)v;
        return 1;
    }
    if ((m = cli_match(a, "--verbose", 0)) != 0) {
        o->verbose = 1;
        return 1;
    }
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int check_options(const cli_common *c, embed_opts *o)
{
    if (o->method < 0) {
        cli_error("--method", "missing: give --method pca or --method tsne");
        return -1;
    }
    if (o->method == 0 && o->tsne_only) {
        cli_error(o->tsne_only, "applies to --method tsne only");
        return -1;
    }
    if (ends_with(c->output, ".png")) {
        o->png = 1;
    } else if (!ends_with(c->output, ".npy")) {
        cli_error(c->output, "must end in .npy (coordinates) or .png (a scatter plot)");
        return -1;
    }
    /* Threads from SONO_THREADS when --threads was not given. */
    const char *e = getenv("SONO_THREADS");
    size_t v;
    if (o->tsne.threads > 0 || !e || !*e)
        return 0;
    if (cli_size("SONO_THREADS", e, 1, 64, &v))
        return -1;
    o->tsne.threads = (int)v;
    return 0;
}

/* ---- the mel power spectrogram, frame-major, in memory ---- */

typedef struct collector {
    const char *input;
    sono_mel *mel;
    size_t bins, bands, frames, capacity;
    float *spectrum, *values;
} collector;

static int on_frame(void *ctx, const sono_complex *frame)
{
    collector *k = ctx;
    if (k->frames == k->capacity) {
        size_t cap = k->capacity ? 2 * k->capacity : 1024;
        float *v = cap <= (size_t)-1 / sizeof *v / k->bands
                       ? realloc(k->values, cap * k->bands * sizeof *v)
                       : NULL;
        if (!v) {
            cli_error(k->input, "%s", sono_strerror(SONO_ERR_NOMEM));
            return -1;
        }
        k->values = v;
        k->capacity = cap;
    }
    float *row = k->values + k->frames * k->bands;
    sono_power(frame, k->spectrum, k->bins);
    sono_mel_apply(k->mel, k->spectrum, row);
    if (cli_check_overflow(k->input, row, k->bands, "the mel spectrogram"))
        return -1;
    k->frames++;
    return 0;
}

/* The mel power spectrogram of the input; 0 or an exit status. */
static int collect(cli_common *c, collector *k)
{
    int status;
    sono_source *src = cli_open_audio(c, &status);
    if (!src)
        return status;
    int err = SONO_OK, above_nyquist = cli_check_mel(c, sono_source_rate(src));
    status = EXIT_USAGE;
    if (above_nyquist < 0)
        goto done;
    status = EXIT_FAIL;
    k->mel = sono_mel_new(&c->mel, sono_source_rate(src), c->stft.n_fft, &err);
    if (!k->mel) {
        cli_error("--n-mels", "cannot build the mel filterbank: %s", sono_strerror(err));
        goto done;
    }
    if (sono_mel_empty_filters(k->mel) > 0 && !above_nyquist)
        cli_warn("--n-mels", "%zu of %zu mel filters are empty; try fewer mel "
                 "bands or a larger --n-fft", sono_mel_empty_filters(k->mel),
                 c->mel.n_mels);
    k->bins = sono_stft_bins(&c->stft);
    k->bands = sono_mel_bands(k->mel);
    k->spectrum = malloc(k->bins * sizeof *k->spectrum);
    if (!k->spectrum) {
        cli_error(c->input, "%s", sono_strerror(SONO_ERR_NOMEM));
        goto done;
    }
    if (cli_run_stft(c, src, on_frame, k) == 0)
        status = 0;
done:
    sono_mel_free(k->mel);
    k->mel = NULL;
    free(k->spectrum);
    k->spectrum = NULL;
    sono_source_close(src);
    return status;
}

/* ---- outputs ---- */

static void dot(sono_image *im, long x, long y, const uint8_t rgb[3])
{
    uint8_t *px = im->pixels;
    for (long dy = -DOT; dy <= DOT; dy++)
        for (long dx = -DOT; dx <= DOT; dx++) {
            long u = x + dx, v = y + dy;
            if (u >= 0 && v >= 0 && u < (long)im->width && v < (long)im->height)
                memcpy(px + 3 * ((size_t)v * im->width + (size_t)u), rgb, 3);
        }
}

/* value in [lo, hi] to a pixel in [DOT + 1, side - DOT - 2] (the middle
 * when the range is empty); up is the image's y, which grows downwards. */
static long place(double value, double lo, double hi, int up)
{
    double span = PLOT_SIDE - 2 * (DOT + 1) - 1;
    double t = hi > lo ? (value - lo) / (hi - lo) : 0.5;
    long p = (long)(DOT + 1 + t * span + 0.5);
    return up ? PLOT_SIDE - 1 - p : p;
}

static void range(const float *v, size_t n, size_t stride, double *lo, double *hi)
{
    *lo = *hi = v[0];
    for (size_t i = 1; i < n; i++) {
        if (v[i * stride] < *lo)
            *lo = v[i * stride];
        if (v[i * stride] > *hi)
            *hi = v[i * stride];
    }
}

static int write_plot(const cli_common *c, const float *y, size_t n, int dims)
{
    sono_image im = {0};
    int err = sono_image_alloc(&im, PLOT_SIDE, PLOT_SIDE, 3, 8);
    if (err != SONO_OK) {
        cli_error(c->output, "%s", sono_strerror(err));
        return EXIT_FAIL;
    }
    memset(im.pixels, 255, (size_t)PLOT_SIDE * PLOT_SIDE * 3);
    double xlo, xhi, ylo, yhi;
    if (dims == 1) {
        xlo = 0;
        xhi = (double)(n - 1);
        range(y, n, 1, &ylo, &yhi);
    } else {
        range(y, n, 2, &xlo, &xhi);
        range(y + 1, n, 2, &ylo, &yhi);
    }
    /* Later frames are drawn over earlier ones. */
    for (size_t i = 0; i < n; i++) {
        uint8_t rgb[3];
        sono_colormap_rgb8(SONO_CMAP_VIRIDIS, n > 1 ? (double)i / (double)(n - 1) : 0, rgb);
        double px = dims == 1 ? (double)i : y[2 * i], py = dims == 1 ? y[i] : y[2 * i + 1];
        dot(&im, place(px, xlo, xhi, 0), place(py, ylo, yhi, 1), rgb);
    }
    int r = cli_save_png(c, &im);
    sono_image_free(&im);
    return r;
}

static int write_npy(const cli_common *c, float *y, size_t n, int dims)
{
    sono_npy_array a = {SONO_DTYPE_F32, 2, {n, (size_t)dims}, y};
    errno = 0;
    int err = sono_npy_save(c->output, &a);
    return err == SONO_OK ? 0 : cli_write_error(c->output, err);
}

/* ---- the command ---- */

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Frames enough for the method; 0, or an exit status after reporting. */
static int check_frames(const cli_common *c, const embed_opts *o, size_t frames,
                        size_t bands)
{
    int dims = o->tsne.dims;
    if (o->method == 0 && (size_t)dims > bands) {
        cli_error("--dims", "%d is more than the %zu mel bands", dims, bands);
        return EXIT_USAGE;
    }
    if (frames < 2 || (o->method == 0 && frames < (size_t)dims)) {
        cli_error(c->input, "%zu frame%s: too few to embed (at least %d)", frames,
                  frames == 1 ? "" : "s", dims > 2 ? dims : 2);
        return EXIT_FAIL;
    }
    if (o->method == 1 && !(o->tsne.perplexity < (double)frames)) {
        if (o->perplexity_given) {
            cli_error("--perplexity", "%g is not below the %zu frames of '%s'",
                      o->tsne.perplexity, frames, c->input);
            return EXIT_USAGE;
        }
        cli_error(c->input, "%zu frames: t-SNE needs more frames than its perplexity "
                  "(30 by default; give a smaller --perplexity)", frames);
        return EXIT_FAIL;
    }
    return 0;
}

static int run(cli_common *c, embed_opts *o)
{
    collector k = {c->input, NULL, 0, 0, 0, 0, NULL, NULL};
    int dims = o->tsne.dims, status = collect(c, &k);
    float *y = NULL;
    if (status)
        goto done;
    if ((status = check_frames(c, o, k.frames, k.bands)))
        goto done;
    status = EXIT_FAIL;
    int err = sono_frame_features(k.values, k.frames, k.bands,
                                  (sono_feature_kind)o->features, k.values);
    y = err == SONO_OK ? malloc(k.frames * (size_t)dims * sizeof *y) : NULL;
    if (err == SONO_OK && !y)
        err = SONO_ERR_NOMEM;
    if (err != SONO_OK) {
        cli_error(c->input, "%s", sono_strerror(err));
        goto done;
    }
    double t0 = seconds(), kl = 0, explained[2] = {0, 0};
    if (o->method == 0)
        err = sono_pca(k.values, k.frames, k.bands, (size_t)dims, y, explained);
    else
        err = sono_tsne(k.values, k.frames, k.bands, &o->tsne, y, &kl);
    double took = seconds() - t0;
    if (err != SONO_OK) {
        cli_error(c->input, "%s failed: %s", methods[o->method], sono_strerror(err));
        goto done;
    }
    status = o->png ? write_plot(c, y, k.frames, dims) : write_npy(c, y, k.frames, dims);
    if (status == 0 && o->verbose) {
        if (o->method == 1)
            printf("t-SNE: %zu frames x %zu features, perplexity %g: KL divergence %.6f "
                   "(%.2f s)\n", k.frames, k.bands, o->tsne.perplexity, kl, took);
        else
            printf("PCA: %zu frames x %zu features: explained variance %.6g%s%.6g "
                   "(%.3f s)\n", k.frames, k.bands, explained[0], dims == 2 ? ", " : "",
                   dims == 2 ? explained[1] : 0.0, took);
    }
done:
    free(k.values);
    free(y);
    return status;
}

int cmd_embed(int argc, char **argv)
{
    cli_common c;
    cli_args a = {argc, argv, 1, NULL};
    embed_opts o = {-1, SONO_FEATURES_MEL_DB, 0, 0, NULL, 0, {0}};
    int m;
    cli_common_init(&c);
    sono_tsne_params_default(&o.tsne);
    while (a.i < argc) {
        if (strcmp(argv[a.i], "-h") == 0 || strcmp(argv[a.i], "--help") == 0) {
            help();
            return 0;
        }
        if ((m = cli_parse_output(&a, &c)) || (m = cli_parse_audio(&a, &c)) ||
            (m = cli_parse_stft(&a, &c)) || (m = cli_parse_mel(&a, &c)) ||
            (m = parse_embed(&a, &o))) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if (cli_parse_positional(&a, &c) < 0)
            return EXIT_USAGE;
    }
    if (cli_check_paths(&c, 1) || check_options(&c, &o) || cli_check_stft(&c))
        return EXIT_USAGE;
    if (cli_check_output(&c))
        return EXIT_FAIL;
    return run(&c, &o);
}
