/* The self-describing spectrogram image: a 16-bit PNG whose grey is the dB
 * value, whose optional alpha is the phase, and whose text entries carry
 * the axis description (docs/image-format.md is the specification; keep
 * the two in step, and never change the meaning of an existing key).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define FORMAT_VERSION "1"
#define TWO_PI 6.283185307179586476925286766559

static const char *const scale_names[] = {"linear", "log", "mel"};

/* The rows of a spectrogram with axes a: SONO_ERR_INVALID for parameters
 * out of range, SONO_ERR_NOMEM when the filterbank that counts its bands
 * cannot be made (not an invalid description). */
static int axes_rows(const sono_spec_axes *a, size_t *rows)
{
    *rows = 0;
    if (!a || !(a->sample_rate > 0) || !isfinite(a->sample_rate))
        return SONO_ERR_INVALID;
    sono_stft_params p = a->stft;
    if (sono_stft_params_resolve(&p) != SONO_OK)
        return SONO_ERR_INVALID;
    int err = SONO_ERR_INVALID;
    switch (a->scale) {
    case SONO_FREQ_AXIS_LINEAR:
        *rows = sono_stft_bins(&p);
        return SONO_OK;
    case SONO_FREQ_AXIS_MEL: {
        sono_mel *m = sono_mel_new(&a->mel, a->sample_rate, p.n_fft, &err);
        *rows = m ? sono_mel_bands(m) : 0;
        sono_mel_free(m);
        return m ? SONO_OK : err;
    }
    case SONO_FREQ_AXIS_LOG: {
        sono_logfreq *l = sono_logfreq_new(&a->logfreq, a->sample_rate, p.n_fft, &err);
        *rows = l ? sono_logfreq_bands(l) : 0;
        sono_logfreq_free(l);
        return l ? SONO_OK : err;
    }
    }
    return SONO_ERR_INVALID;
}

size_t sono_spec_axes_rows(const sono_spec_axes *a)
{
    size_t rows;
    return axes_rows(a, &rows) == SONO_OK ? rows : 0;
}

/* ---- writing ---- */

#ifdef __GNUC__
__attribute__((format(printf, 3, 4)))
#endif
static int put(sono_image *im, const char *key, const char *fmt, ...)
{
    char value[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    return sono_image_set_text(im, key, value);
}

static int put_axes(sono_image *im, const sono_spec_axes *a, int has_phase)
{
    const sono_stft_params *p = &a->stft;
    int s = SONO_OK;
    s = s ? s : put(im, "Software", "sono %s", sono_version_string());
    s = s ? s : put(im, "sono:format", "%s", FORMAT_VERSION);
    s = s ? s : put(im, "sono:sample_rate", "%.17g", a->sample_rate);
    s = s ? s : put(im, "sono:n_fft", "%zu", p->n_fft);
    s = s ? s : put(im, "sono:hop_length", "%zu", p->hop_length);
    s = s ? s : put(im, "sono:win_length", "%zu", p->win_length);
    s = s ? s : put(im, "sono:window", "%s", sono_window_name(p->window));
    s = s ? s : put(im, "sono:center", "%s", p->center ? "true" : "false");
    s = s ? s : put(im, "sono:pad_mode", "%s", sono_pad_mode_name(p->pad_mode));
    s = s ? s : put(im, "sono:length", "%llu", (unsigned long long)a->length);
    s = s ? s : put(im, "sono:scale", "%s", scale_names[a->scale]);
    if (a->scale == SONO_FREQ_AXIS_MEL) {
        s = s ? s : put(im, "sono:n_mels", "%zu", a->mel.n_mels);
        s = s ? s : put(im, "sono:fmin", "%.17g", a->mel.fmin);
        s = s ? s : put(im, "sono:fmax", "%.17g", a->mel.fmax);
        s = s ? s : put(im, "sono:htk", "%s", a->mel.htk ? "true" : "false");
        s = s ? s : put(im, "sono:mel_norm", "%s",
                        a->mel.norm == SONO_MEL_NORM_SLANEY ? "slaney" : "none");
    } else if (a->scale == SONO_FREQ_AXIS_LOG) {
        s = s ? s : put(im, "sono:fmin", "%.17g", a->logfreq.fmin);
        s = s ? s : put(im, "sono:fmax", "%.17g", a->logfreq.fmax);
        s = s ? s : put(im, "sono:bins_per_octave", "%.17g", a->logfreq.bins_per_octave);
    }
    s = s ? s : put(im, "sono:power", "%d", a->power);
    s = s ? s : put(im, "sono:ref", "%.17g", a->ref);
    s = s ? s : put(im, "sono:db_min", "%.17g", a->db_min);
    s = s ? s : put(im, "sono:db_max", "%.17g", a->db_max);
    s = s ? s : put(im, "sono:phase", "%s", has_phase ? "alpha" : "none");
    return s;
}

/* Resolves the 0 defaults, so that the image states the values used. */
static int check_axes(const sono_spec_axes *in, sono_spec_axes *a)
{
    *a = *in;
    if (!(a->sample_rate > 0) || !isfinite(a->sample_rate) ||
        sono_stft_params_resolve(&a->stft) != SONO_OK ||
        (unsigned)a->scale > SONO_FREQ_AXIS_MEL ||
        (a->power != 1 && a->power != 2) || !(a->ref > 0) || !isfinite(a->ref) ||
        !isfinite(a->db_min) || !isfinite(a->db_max) || !(a->db_min < a->db_max))
        return SONO_ERR_INVALID;
    if (a->scale == SONO_FREQ_AXIS_MEL && a->mel.fmax <= 0)
        a->mel.fmax = a->sample_rate / 2;
    if (a->scale == SONO_FREQ_AXIS_LOG && a->logfreq.fmax <= 0)
        a->logfreq.fmax = a->sample_rate / 2;
    return SONO_OK;
}

/* dB re ref of a magnitude (power 1) or power (power 2); -inf for 0. */
static double to_db(const sono_spec_axes *a, double v)
{
    return (a->power == 1 ? 20.0 : 10.0) * log10(v / a->ref);
}

static uint16_t grey_of(const sono_spec_axes *a, float v)
{
    if (!(v > 0.0f))
        return 0;
    double x = (to_db(a, v) - a->db_min) / (a->db_max - a->db_min) * 65535.0;
    if (!(x > 0.0))
        return 0;
    return x >= 65535.0 ? 65535 : (uint16_t)lrint(x);
}

static uint16_t alpha_of(float phase)
{
    double turns = phase / TWO_PI;
    turns -= floor(turns);
    return (uint16_t)((long)lrint(turns * 65536.0) & 0xffff);
}

int sono_spec_to_image(const sono_spec *s, sono_image *out)
{
    if (!out)
        return SONO_ERR_INVALID;
    memset(out, 0, sizeof *out);
    sono_spec_axes a;
    size_t rows = 0;
    if (!s || !s->values || check_axes(&s->axes, &a) != SONO_OK || s->frames == 0)
        return SONO_ERR_INVALID;
    int status = axes_rows(&a, &rows);
    if (status != SONO_OK || s->rows != rows)
        return status == SONO_ERR_NOMEM ? status : SONO_ERR_INVALID;
    if (s->frames > SONO_IMAGE_MAX_SIDE || s->rows > SONO_IMAGE_MAX_SIDE)
        return SONO_ERR_TOO_LARGE;
    int channels = s->phase ? 2 : 1;
    status = sono_image_alloc(out, (uint32_t)s->frames, (uint32_t)s->rows,
                                  channels, 16);
    if (status == SONO_OK)
        status = put_axes(out, &a, s->phase != NULL);
    if (status != SONO_OK) {
        sono_image_free(out);
        return status;
    }
    uint16_t *px = out->pixels;
    for (size_t t = 0; t < s->frames; t++)
        for (size_t r = 0; r < s->rows; r++) {
            size_t y = s->rows - 1 - r, i = (y * s->frames + t) * (size_t)channels;
            px[i] = grey_of(&a, s->values[t * s->rows + r]);
            if (s->phase)
                px[i + 1] = alpha_of(s->phase[t * s->rows + r]);
        }
    return SONO_OK;
}

/* ---- reading ---- */

static const char *get(const sono_image *im, const char *key, int *bad)
{
    const char *v = sono_image_get_text(im, key);
    if (!v)
        *bad = 1;
    return v ? v : "";
}

static double get_double(const sono_image *im, const char *key, int *bad)
{
    const char *v = get(im, key, bad);
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (end == v || *end || errno || !isfinite(d))
        *bad = 1;
    return d;
}

static size_t get_size(const sono_image *im, const char *key, int *bad)
{
    const char *v = get(im, key, bad);
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (end == v || *end || errno || *v == '-' || n > SIZE_MAX)
        *bad = 1;
    return (size_t)n;
}

static int get_flag(const sono_image *im, const char *key, int *bad)
{
    const char *v = get(im, key, bad);
    if (strcmp(v, "true") && strcmp(v, "false"))
        *bad = 1;
    return strcmp(v, "true") == 0;
}

static int get_choice(const sono_image *im, const char *key,
                      const char *const *names, int count, int *bad)
{
    const char *v = get(im, key, bad);
    for (int i = 0; i < count; i++)
        if (strcmp(v, names[i]) == 0)
            return i;
    *bad = 1;
    return 0;
}

static int read_axes(const sono_image *im, sono_spec_axes *a, int *has_phase)
{
    static const char *const norms[] = {"slaney", "none"};
    static const char *const phases[] = {"none", "alpha"};
    int bad = 0;
    memset(a, 0, sizeof *a);
    if (strcmp(get(im, "sono:format", &bad), FORMAT_VERSION) != 0)
        return SONO_ERR_FORMAT;
    a->sample_rate = get_double(im, "sono:sample_rate", &bad);
    sono_stft_params_default(&a->stft);
    a->stft.n_fft = get_size(im, "sono:n_fft", &bad);
    a->stft.hop_length = get_size(im, "sono:hop_length", &bad);
    a->stft.win_length = get_size(im, "sono:win_length", &bad);
    if (sono_window_from_name(get(im, "sono:window", &bad), &a->stft.window) ||
        sono_pad_mode_from_name(get(im, "sono:pad_mode", &bad), &a->stft.pad_mode))
        bad = 1;
    a->stft.center = get_flag(im, "sono:center", &bad);
    a->length = get_size(im, "sono:length", &bad);
    a->scale = (sono_freq_axis)get_choice(im, "sono:scale", scale_names, 3, &bad);
    sono_mel_params_default(&a->mel);
    sono_logfreq_params_default(&a->logfreq);
    if (a->scale == SONO_FREQ_AXIS_MEL) {
        a->mel.n_mels = get_size(im, "sono:n_mels", &bad);
        a->mel.fmin = get_double(im, "sono:fmin", &bad);
        a->mel.fmax = get_double(im, "sono:fmax", &bad);
        a->mel.htk = get_flag(im, "sono:htk", &bad);
        a->mel.norm = (sono_mel_norm)get_choice(im, "sono:mel_norm", norms, 2, &bad);
    } else if (a->scale == SONO_FREQ_AXIS_LOG) {
        a->logfreq.fmin = get_double(im, "sono:fmin", &bad);
        a->logfreq.fmax = get_double(im, "sono:fmax", &bad);
        a->logfreq.bins_per_octave = get_double(im, "sono:bins_per_octave", &bad);
    }
    a->power = (int)get_size(im, "sono:power", &bad);
    a->ref = get_double(im, "sono:ref", &bad);
    a->db_min = get_double(im, "sono:db_min", &bad);
    a->db_max = get_double(im, "sono:db_max", &bad);
    *has_phase = get_choice(im, "sono:phase", phases, 2, &bad);
    sono_spec_axes resolved;
    if (bad || check_axes(a, &resolved) != SONO_OK)
        return SONO_ERR_FORMAT;
    return SONO_OK;
}

int sono_spec_from_image(const sono_image *im, sono_spec *out)
{
    if (!out)
        return SONO_ERR_INVALID;
    memset(out, 0, sizeof *out);
    if (!im || !im->pixels)
        return SONO_ERR_INVALID;
    int has_phase;
    int status = read_axes(im, &out->axes, &has_phase);
    if (status != SONO_OK)
        return status;
    size_t rows;
    status = axes_rows(&out->axes, &rows);
    if (status == SONO_ERR_NOMEM)
        return status;
    if (status != SONO_OK || im->depth != 16 || im->channels != 1 + has_phase ||
        im->height != rows)
        return SONO_ERR_FORMAT;
    out->rows = rows;
    out->frames = im->width;
    out->values = sono__malloc_array2(rows, out->frames, sizeof(float));
    if (has_phase)
        out->phase = sono__malloc_array2(rows, out->frames, sizeof(float));
    if (!out->values || (has_phase && !out->phase)) {
        sono_spec_free(out);
        return SONO_ERR_NOMEM;
    }
    /* 65536 grey levels: one pow() each rather than one per pixel. */
    float *level = sono__malloc_array(65536, sizeof *level);
    if (!level) {
        sono_spec_free(out);
        return SONO_ERR_NOMEM;
    }
    const sono_spec_axes *a = &out->axes;
    double step = (a->db_max - a->db_min) / 65535.0;
    double scale = a->power == 1 ? 20.0 : 10.0;
    level[0] = 0.0f;
    for (long g = 1; g < 65536; g++)
        level[g] = (float)(a->ref * pow(10.0, (a->db_min + (double)g * step) / scale));
    const uint16_t *px = im->pixels;
    int channels = im->channels;
    for (size_t y = 0; y < rows; y++)
        for (size_t t = 0; t < out->frames; t++) {
            size_t i = (y * out->frames + t) * (size_t)channels;
            size_t k = t * rows + (rows - 1 - y);
            out->values[k] = level[px[i]];
            if (has_phase) {
                double phi = px[i + 1] * (TWO_PI / 65536.0);
                out->phase[k] = (float)(phi > TWO_PI / 2 ? phi - TWO_PI : phi);
            }
        }
    sono__free(level);
    return SONO_OK;
}

void sono_spec_free(sono_spec *s)
{
    if (!s)
        return;
    sono__free(s->values);
    sono__free(s->phase);
    s->values = s->phase = NULL;
}
