/* The effects of `sono transform`, each applied to the whole complex STFT.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "effects.h"

static const struct {
    const char *name;
    effect_kind kind;
} effects[] = {
    {"zero-phase", EFFECT_ZERO_PHASE},     {"conjugate", EFFECT_CONJUGATE},
    {"reverse-time", EFFECT_REVERSE_TIME}, {"reverse-freq", EFFECT_REVERSE_FREQ},
    {"shuffle-time", EFFECT_SHUFFLE_TIME}, {"shuffle-freq", EFFECT_SHUFFLE_FREQ},
    {"checkerboard", EFFECT_CHECKERBOARD}, {"svd", EFFECT_SVD},
    {"svd-mag", EFFECT_SVD_MAG},           {"reorder", EFFECT_REORDER},
    {"grain-walk", EFFECT_GRAIN_WALK},     {"bandpass", EFFECT_BANDPASS},
};

const char effect_help[] =
    "effects (applied in order to the complex STFT):\n"
    "  zero-phase               S -> |S|\n"
    "  conjugate                S -> conj(S)\n"
    "  reverse-time             the frames in reverse order\n"
    "  reverse-freq             the bins in reverse order\n"
    "  shuffle-time [--seed N]  the frames in a random order (default seed 0)\n"
    "  shuffle-freq [--seed N]  the bins in a random order\n"
    "  checkerboard             zero phase, then mute even bins on even frames and odd\n"
    "                           bins on odd frames\n"
    "  svd RANK                 rank-RANK approximation of the real and of the imaginary\n"
    "                           layer (truncated SVD); prints each layer's storage ratio\n"
    "  svd-mag RANK             rank-RANK approximation of |S|, keeping the phase\n"
    "  reorder pca|tsne [--features mel-db|volume|log-weight] [--seed N] [--perplexity 30]\n"
    "                           the frames ordered by a 1-D embedding of the 128-band mel\n"
    "                           spectrogram in dB (PCA's first component, or t-SNE)\n"
    "  grain-walk [--dims 8] [--features F] [--seed N]\n"
    "                           from a frame chosen by the seed, always on to the nearest\n"
    "                           frame not yet played, in a --dims-component PCA embedding\n"
    "  bandpass LOW HIGH [--order 5]\n"
    "                           Butterworth band-pass (scipy.signal.butter + lfilter) on\n"
    "                           the signal, LOW < HIGH < sr / 2 in Hz\n";

int effect_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof effects / sizeof *effects; i++)
        if (strcmp(name, effects[i].name) == 0)
            return (int)effects[i].kind;
    return -1;
}

/* The next argument, which must be a positional value of the effect. */
static const char *positional(cli_args *a, const effect *e, const char *what)
{
    if (a->i >= a->argc || effect_lookup(a->argv[a->i]) >= 0 ||
        strncmp(a->argv[a->i], "--", 2) == 0) {
        cli_error(e->name, "needs %s", what);
        return NULL;
    }
    return a->argv[a->i++];
}

static int parse_positionals(cli_args *a, effect *e)
{
    const char *v;
    switch (e->kind) {
    case EFFECT_SVD:
    case EFFECT_SVD_MAG:
        if (!(v = positional(a, e, "a RANK (a whole number from 1)")) ||
            cli_size(e->name, v, 1, (size_t)1 << 30, &e->rank))
            return -1;
        return 0;
    case EFFECT_REORDER: {
        static const char *const methods[] = {"pca", "tsne"};
        int i;
        if (!(v = positional(a, e, "a method, pca or tsne")) ||
            cli_choice(e->name, v, methods, 2, &i))
            return -1;
        e->method = (embed_method)i;
        return 0;
    }
    case EFFECT_BANDPASS:
        if (!(v = positional(a, e, "LOW and HIGH, in Hz")) ||
            cli_double(e->name, v, 0, 1e7, &e->low) ||
            !(v = positional(a, e, "HIGH after LOW, in Hz")) ||
            cli_double(e->name, v, 0, 1e7, &e->high))
            return -1;
        if (!(e->low > 0) || !(e->low < e->high)) {
            cli_error(e->name, "needs 0 < LOW < HIGH, got %g and %g", e->low, e->high);
            return -1;
        }
        return 0;
    default:
        return 0;
    }
}

/* The options each effect takes. */
static int takes(const effect *e, const char *option)
{
    switch (e->kind) {
    case EFFECT_SHUFFLE_TIME:
    case EFFECT_SHUFFLE_FREQ:
        return strcmp(option, "--seed") == 0;
    case EFFECT_REORDER:
        return strcmp(option, "--seed") == 0 || strcmp(option, "--features") == 0 ||
               strcmp(option, "--perplexity") == 0;
    case EFFECT_GRAIN_WALK:
        return strcmp(option, "--seed") == 0 || strcmp(option, "--features") == 0 ||
               strcmp(option, "--dims") == 0;
    case EFFECT_BANDPASS:
        return strcmp(option, "--order") == 0;
    default:
        return 0;
    }
}

static int parse_option(cli_args *a, effect *e)
{
    static const char *const features[] = {"mel-db", "volume", "log-weight"};
    const char *arg = a->argv[a->i];
    char name[32];
    size_t len = strcspn(arg, "=");
    if (len >= sizeof name)
        len = sizeof name - 1;
    memcpy(name, arg, len);
    name[len] = '\0';
    if (!takes(e, name)) {
        cli_error(e->name, "takes no option '%s'", arg);
        return -1;
    }
    int m = cli_match(a, name, 1), i;
    size_t v;
    if (m < 0)
        return -1;
    if (strcmp(name, "--seed") == 0) {
        if (cli_size("--seed", a->value, 0, (size_t)-1, &v))
            return -1;
        e->seed = (uint64_t)v;
    } else if (strcmp(name, "--features") == 0) {
        if (cli_choice("--features", a->value, features, 3, &i))
            return -1;
        e->features = (sono_feature_kind)i;
    } else if (strcmp(name, "--perplexity") == 0) {
        if (cli_double("--perplexity", a->value, 1e-3, 1e6, &e->perplexity))
            return -1;
    } else if (strcmp(name, "--dims") == 0) {
        if (cli_size("--dims", a->value, 1, 128, &e->dims))
            return -1;
    } else if (cli_size("--order", a->value, 1, 64, &e->order)) {
        return -1;
    }
    return 0;
}

int effect_parse(cli_args *a, effect *e)
{
    memset(e, 0, sizeof *e);
    e->name = a->argv[a->i];
    e->kind = (effect_kind)effect_lookup(e->name);
    e->features = SONO_FEATURES_MEL_DB;
    e->dims = 8;
    e->perplexity = 30.0;
    e->order = 5;
    a->i++;
    if (parse_positionals(a, e))
        return -1;
    /* Options up to the next word that is not one; the caller reports a
     * word that is not an effect either. */
    while (a->i < a->argc && strncmp(a->argv[a->i], "--", 2) == 0)
        if (parse_option(a, e))
            return -1;
    return 0;
}

/* ---- applying ---- */

static int nomem(const effect *e)
{
    cli_error(e->name, "%s", sono_strerror(SONO_ERR_NOMEM));
    return EXIT_FAIL;
}

static int failed(const effect *e, int err)
{
    cli_error(e->name, "%s", sono_strerror(err));
    return EXIT_FAIL;
}

static int permute(const effect *e, spectrogram *g, int frames_not_bins, const size_t *fixed)
{
    size_t n = frames_not_bins ? g->frames : g->bins;
    size_t *order = fixed ? NULL : malloc(n * sizeof *order);
    if (!fixed && !order)
        return nomem(e);
    if (!fixed) {
        if (e->kind == EFFECT_REVERSE_TIME || e->kind == EFFECT_REVERSE_FREQ)
            sono_reversed_order(order, n);
        else
            sono_shuffled_order(order, n, e->seed);
    }
    const size_t *use = fixed ? fixed : order;
    int err = frames_not_bins ? sono_permute_frames(g->s, g->frames, g->bins, use)
                              : sono_permute_bins(g->s, g->frames, g->bins, use);
    free(order);
    return err == SONO_OK ? 0 : failed(e, err);
}

/* Rank-limited copy of one real layer of the STFT (0: re, 1: im, 2: |S|). */
static int low_rank_layer(const effect *e, spectrogram *g, int layer, float *m)
{
    size_t n = g->frames * g->bins;
    for (size_t i = 0; i < n; i++)
        m[i] = layer == 0 ? g->s[i].re : layer == 1 ? g->s[i].im
                                                    : hypotf(g->s[i].re, g->s[i].im);
    int err = sono_low_rank(m, g->frames, g->bins, e->rank, 0, m, NULL);
    if (err != SONO_OK)
        return failed(e, err);
    if (layer < 2)
        printf("%s %zu: %s layer (%zu x %zu), storage ratio %.6f\n", e->name, e->rank,
               layer == 0 ? "real" : "imaginary", g->bins, g->frames,
               sono_low_rank_ratio(g->bins, g->frames, e->rank));
    else
        printf("%s %zu: magnitude (%zu x %zu), storage ratio %.6f\n", e->name, e->rank,
               g->bins, g->frames, sono_low_rank_ratio(g->bins, g->frames, e->rank));
    return 0;
}

static int svd(const effect *e, spectrogram *g)
{
    size_t n = g->frames * g->bins;
    float *m = malloc(n * sizeof *m);
    if (!m)
        return nomem(e);
    int r = 0;
    if (e->kind == EFFECT_SVD) {
        for (int layer = 0; layer < 2 && r == 0; layer++)
            if ((r = low_rank_layer(e, g, layer, m)) == 0)
                for (size_t i = 0; i < n; i++) {
                    if (layer == 0)
                        g->s[i].re = m[i];
                    else
                        g->s[i].im = m[i];
                }
    } else if ((r = low_rank_layer(e, g, 2, m)) == 0) {
        /* The approximated magnitude with the original phase: S scaled by
         * m / |S|; where the original is 0 its phase is taken as 0. */
        for (size_t i = 0; i < n; i++) {
            float mag = hypotf(g->s[i].re, g->s[i].im);
            if (mag > 0.0f) {
                g->s[i].re *= m[i] / mag;
                g->s[i].im *= m[i] / mag;
            } else {
                g->s[i].re = m[i];
                g->s[i].im = 0.0f;
            }
        }
    }
    free(m);
    return r;
}

/* The frames x n_mels features of the mel power spectrogram of |S|^2. */
static float *frame_features(const effect *e, const spectrogram *g, size_t *n_mels)
{
    int err;
    sono_mel *mel = sono_mel_new(&g->c->mel, g->sample_rate, g->c->stft.n_fft, &err);
    if (!mel) {
        cli_error(e->name, "cannot build the mel filterbank: %s", sono_strerror(err));
        return NULL;
    }
    size_t bands = sono_mel_bands(mel);
    float *power = malloc(g->bins * sizeof *power);
    float *m = malloc(g->frames * bands * sizeof *m);
    float *f = malloc(g->frames * bands * sizeof *f);
    if (power && m && f) {
        for (size_t t = 0; t < g->frames; t++) {
            sono_power(g->s + t * g->bins, power, g->bins);
            sono_mel_apply(mel, power, m + t * bands);
        }
        err = sono_frame_features(m, g->frames, bands, e->features, f);
    } else {
        err = SONO_ERR_NOMEM;
    }
    sono_mel_free(mel);
    free(power);
    free(m);
    if (err != SONO_OK) {
        cli_error(e->name, "cannot compute the features: %s", sono_strerror(err));
        free(f);
        return NULL;
    }
    *n_mels = bands;
    return f;
}

/* reorder and grain-walk: an order of the frames from an embedding of
 * their features. */
static int embedded_order(const effect *e, spectrogram *g)
{
    size_t bands, n = g->frames;
    size_t dims = e->kind == EFFECT_GRAIN_WALK ? e->dims : 1;
    if (n < 2) {
        cli_error(e->name, "needs at least 2 frames, the input has %zu", n);
        return EXIT_FAIL;
    }
    float *f = frame_features(e, g, &bands);
    if (!f)
        return EXIT_FAIL;
    if (dims > bands)
        dims = bands;
    float *y = malloc(n * dims * sizeof *y);
    size_t *order = malloc(n * sizeof *order);
    int err = SONO_ERR_NOMEM;
    if (y && order) {
        if (e->kind == EFFECT_REORDER && e->method == EMBED_TSNE) {
            sono_tsne_params p;
            sono_tsne_params_default(&p);
            p.dims = 1;
            p.perplexity = e->perplexity;
            p.seed = e->seed;
            if (!(p.perplexity < (double)n)) {
                cli_error("--perplexity", "%g must be below the number of frames, %zu",
                          p.perplexity, n);
                free(f);
                free(y);
                free(order);
                return EXIT_USAGE;
            }
            err = sono_tsne(f, n, bands, &p, y, NULL);
        } else {
            err = sono_pca(f, n, bands, dims, y, NULL);
        }
        if (err == SONO_OK && e->kind == EFFECT_REORDER)
            err = sono_argsort(y, n, order);
        else if (err == SONO_OK) {
            size_t start;
            sono_shuffled_order(order, n, e->seed);
            start = order[0];
            err = sono_nearest_walk(y, n, dims, start, order);
        }
    }
    free(f);
    free(y);
    int r = err == SONO_OK ? permute(e, g, 1, order) : failed(e, err);
    free(order);
    return r;
}

static int bandpass(const effect *e, spectrogram *g)
{
    if (!(e->high < g->sample_rate / 2)) {
        cli_error(e->name, "HIGH %g Hz must be below sr / 2 = %g Hz", e->high,
                  g->sample_rate / 2);
        return EXIT_USAGE;
    }
    int err;
    sono_iir *f = sono_butter_new((int)e->order, SONO_FILTER_BANDPASS, e->low, e->high,
                                  g->sample_rate, &err);
    if (!f && err != SONO_ERR_INVALID) {
        cli_error(e->name, "%s", sono_strerror(err));
        return EXIT_FAIL;
    }
    if (!f) {
        /* The rest was checked: the 'ba' form is not accurate (butter.c),
         * as `sono filter` says too. */
        cli_error(e->name, "%g to %g Hz at order %zu and %g Hz cannot be computed accurately "
                  "as b, a coefficients: its poles crowd together; lower --order, widen the "
                  "band or move it towards sr/4 (%g Hz)", e->low, e->high, e->order,
                  g->sample_rate, g->sample_rate / 4);
        return EXIT_USAGE;
    }
    float *y = malloc((g->length ? g->length : 1) * sizeof *y);
    sono_stft *st = y ? sono_stft_new(&g->c->stft, &err) : NULL;
    if (!y || !st) {
        free(y);
        sono_iir_free(f);
        return nomem(e);
    }
    err = sono_istft_run(&g->c->stft, g->s, g->frames, g->length, y);
    if (err == SONO_OK) {
        sono_iir_process(f, y, y, g->length);
        err = sono_stft_run(st, y, g->length, g->s);
    }
    sono_stft_free(st);
    sono_iir_free(f);
    free(y);
    return err == SONO_OK ? 0 : failed(e, err);
}

int effect_apply(const effect *e, spectrogram *g)
{
    size_t n = g->frames * g->bins;
    switch (e->kind) {
    case EFFECT_ZERO_PHASE:
        sono_zero_phase(g->s, n);
        return 0;
    case EFFECT_CONJUGATE:
        sono_conjugate(g->s, n);
        return 0;
    case EFFECT_CHECKERBOARD:
        sono_checkerboard(g->s, g->frames, g->bins);
        return 0;
    case EFFECT_REVERSE_TIME:
    case EFFECT_SHUFFLE_TIME:
        return permute(e, g, 1, NULL);
    case EFFECT_REVERSE_FREQ:
    case EFFECT_SHUFFLE_FREQ:
        return permute(e, g, 0, NULL);
    case EFFECT_SVD:
    case EFFECT_SVD_MAG:
        return svd(e, g);
    case EFFECT_REORDER:
    case EFFECT_GRAIN_WALK:
        return embedded_order(e, g);
    case EFFECT_BANDPASS:
        return bandpass(e, g);
    case EFFECT_COUNT:
        break;
    }
    return EXIT_FAIL;
}
