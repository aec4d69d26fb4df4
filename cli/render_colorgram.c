/* The colorgram's hue and saturation for `sono render --mode colorgram`:
 * one of each a frame, from the linear |STFT| that the spectral centroid and
 * flatness are defined on.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A linear spectrogram already holds |STFT| (or its square), so they come
 * from its values.  Mel, log-frequency and constant-Q bands do not: for
 * audio, a second pass computes the STFT frames at the same hop, one block
 * at a time; a .npy of bands cannot give them and is refused. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render_layout.h"

/* Features of the second pass's frames, up to `capacity` of them. */
typedef struct feature_pass {
    const cli_common *c;
    double sample_rate;
    size_t n_fft, bins, hop, count, capacity;
    float *hue, *sat;
} feature_pass;

static size_t hop_of(const sono_stft_params *stft)
{
    sono_stft_params p = *stft;
    sono_stft_params_resolve(&p);
    return p.hop_length;
}

static int on_magnitudes(void *ctx, const void *frames, size_t count)
{
    feature_pass *f = ctx;
    /* A constant-Q picture's frames may number a few more or fewer than the
     * STFT's; those past the room kept are not needed. */
    if (count > f->capacity - f->count)
        count = f->capacity - f->count;
    if (count == 0)
        return 0;
    if (cli_check_overflow(f->c->input, frames, count * f->bins, "the spectrogram"))
        return -1;
    int err = sono_colorgram_frames(frames, count, f->bins, f->sample_rate, f->n_fft,
                                    f->hue + f->count, f->sat + f->count);
    if (err != SONO_OK) {
        cli_error(f->c->input, "cannot compute the spectral features: %s",
                  sono_strerror(err));
        return -1;
    }
    f->count += count;
    return 0;
}

static int second_pass(feature_pass *f, const cli_common *c)
{
    cli_common sc = *c;
    if (cli_check_stft(&sc))
        return EXIT_USAGE;
    sono_source *src = cli_reopen_audio(&sc);
    if (!src)
        return EXIT_FAIL;
    f->sample_rate = sono_source_rate(src);
    f->n_fft = sc.stft.n_fft;
    f->bins = sono_stft_bins(&sc.stft);
    cli_stft_out what = {1, NULL, NULL, NULL};
    int r = cli_run_stft_blocks(&sc, src, &what, on_magnitudes, f, NULL) ? EXIT_FAIL : 0;
    sono_source_close(src);
    if (r == 0 && f->count == 0) {
        cli_error(c->input, "has no STFT frames for the spectral features");
        r = EXIT_FAIL;
    }
    return r;
}

/* Features straight from |STFT| values (or their squares). */
static int from_values(feature_pass *f, const sono_spec *s, render_values values)
{
    const float *mag = s->values;
    float *root = NULL;
    if (values == RENDER_VALUES_POWER) {
        if (!(root = malloc(s->frames * s->rows * sizeof *root)))
            return SONO_ERR_NOMEM;
        for (size_t i = 0; i < s->frames * s->rows; i++)
            root[i] = sqrtf(s->values[i]);
        mag = root;
    }
    int err = sono_colorgram_frames(mag, s->frames, s->rows, s->axes.sample_rate,
                                    s->axes.stft.n_fft, f->hue, f->sat);
    free(root);
    if (err == SONO_OK)
        f->count = s->frames;
    return err;
}

int render_colorgram_frames(render_layout *l, const cli_common *c, const sono_spec *s,
                            render_values values, int npy)
{
    if (npy && values == RENDER_VALUES_OTHER) {
        cli_error("--mode", "colorgram needs the spectral centroid and flatness, which a .npy "
                  "of dB or of bands does not give: pass the audio, or the magnitudes or "
                  "powers of --scale linear");
        return EXIT_USAGE;
    }
    /* A second pass's STFT may have another hop than a constant-Q picture
     * (and a frame more or less): room for the frames the picture spans. */
    size_t hop = hop_of(&s->axes.stft);
    feature_pass f = {c, 0, 0, 0, 0, 0, 0, NULL, NULL};
    f.hop = values == RENDER_VALUES_OTHER ? hop_of(&c->stft) : hop;
    f.capacity = s->frames * (hop / f.hop + 1) + 64;
    f.hue = malloc(f.capacity * sizeof *f.hue);
    f.sat = malloc(f.capacity * sizeof *f.sat);
    l->hue = malloc(s->frames * sizeof *l->hue);
    l->sat = malloc(s->frames * sizeof *l->sat);
    int r = EXIT_FAIL;
    if (!f.hue || !f.sat || !l->hue || !l->sat) {
        cli_error(c->input, "%s", sono_strerror(SONO_ERR_NOMEM));
        goto done;
    }
    if (values != RENDER_VALUES_OTHER) {
        int err = from_values(&f, s, values);
        if (err != SONO_OK) {
            cli_error(c->input, "cannot compute the spectral features: %s",
                      sono_strerror(err));
            goto done;
        }
    } else if ((r = second_pass(&f, c)) != 0) {
        goto done;
    }
    /* Frame t of the picture takes the feature frame centred at the same
     * time (the same frame at the same hop). */
    for (size_t t = 0; t < s->frames; t++) {
        size_t k = (size_t)floor((double)t * (double)hop / (double)f.hop + 0.5);
        l->hue[t] = f.hue[k < f.count ? k : f.count - 1];
        l->sat[t] = f.sat[k < f.count ? k : f.count - 1];
    }
    r = 0;
done:
    free(f.hue);
    free(f.sat);
    return r;
}
