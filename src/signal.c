/* Planar signals: allocation, mono mixdown, finiteness.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <string.h>

#include "internal.h"

int sono_signal_alloc(sono_signal *sig, int channels, size_t frames,
                      double sample_rate)
{
    if (!sig || channels < 1 || channels > 65535)
        return SONO_ERR_INVALID;
    memset(sig, 0, sizeof *sig);
    sig->data = sono__calloc((size_t)channels, sizeof(float *));
    if (!sig->data)
        return SONO_ERR_NOMEM;
    sig->channels = channels;
    for (int c = 0; c < channels; c++) {
        sig->data[c] = sono__calloc(frames ? frames : 1, sizeof(float));
        if (!sig->data[c]) {
            sono_signal_free(sig);
            return SONO_ERR_NOMEM;
        }
    }
    sig->frames = frames;
    sig->sample_rate = sample_rate;
    return SONO_OK;
}

void sono_signal_free(sono_signal *sig)
{
    if (!sig)
        return;
    if (sig->data)
        for (int c = 0; c < sig->channels; c++)
            sono__free(sig->data[c]);
    sono__free(sig->data);
    memset(sig, 0, sizeof *sig);
}

void sono_signal_mix(const sono_signal *sig, float *out)
{
    for (size_t i = 0; i < sig->frames; i++) {
        float sum = 0.0f;
        for (int c = 0; c < sig->channels; c++)
            sum += sig->data[c][i];
        out[i] = sum / (float)sig->channels;
    }
}

/* Whether any of n values is infinite or NaN (all exponent bits set):
 * no early exit, so that the loop vectorises. */
static int any_nonfinite(const float *x, size_t n)
{
    uint32_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t b;
        memcpy(&b, &x[i], sizeof b);
        bad |= (b & 0x7f800000u) == 0x7f800000u;
    }
    return bad != 0;
}

/* Every sample decoded passes here: chunks are scanned whole, and only a
 * chunk with a bad value is searched for its first one. */
int sono_check_finite(const float *x, size_t n, size_t *where)
{
    const size_t chunk = 4096;
    for (size_t c = 0; c < n; c += chunk) {
        size_t m = n - c < chunk ? n - c : chunk;
        if (!any_nonfinite(x + c, m))
            continue;
        for (size_t i = c; i < c + m; i++) {
            if (!isfinite(x[i])) {
                if (where)
                    *where = i;
                return SONO_ERR_NONFINITE;
            }
        }
    }
    return SONO_OK;
}
