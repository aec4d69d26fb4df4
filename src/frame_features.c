/* Per-frame feature vectors from a mel power spectrogram, for embeddings
 * and orderings of frames.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * All three are dB matrices relative to their own maximum, as
 * librosa.power_to_db(S, ref=np.max) with amin 1e-10 and top_db 80, so that
 * distances between frames are differences of loudness in dB:
 *   - mel-db: the mel spectrogram itself;
 *   - volume: each band first divided by its sum over time, so that every
 *     band weighs the same whatever its loudness and a frame is described
 *     by where in time each band's energy lies;
 *   - log-weight: mel-db with band i (0-based, lowest first) of n multiplied
 *     by ln(n + 1 - i), from ln(n + 1) for the lowest band down to ln 2 for
 *     the highest, so that low bands, where most musical energy and pitch
 *     lie, count more.  Every weight is positive: the highest band is not
 *     dropped, which 1-based indices (ln(n + 1 - n) = 0) would do. */
#include <math.h>

#include "internal.h"

static int to_db(float *m, size_t count)
{
    sono_db_params p;
    sono_db_params_default(&p, 0);
    p.ref_is_max = 1;
    return sono_to_db(m, count, &p);
}

int sono_frame_features(const float *mel_power, size_t frames, size_t n_mels,
                        sono_feature_kind kind, float *out)
{
    size_t count;
    if (!mel_power || !out || frames < 1 || n_mels < 1 ||
        (kind != SONO_FEATURES_MEL_DB && kind != SONO_FEATURES_VOLUME &&
         kind != SONO_FEATURES_LOG_WEIGHT))
        return SONO_ERR_INVALID;
    if (sono__mul_size(frames, n_mels, &count))
        return SONO_ERR_TOO_LARGE;
    if (sono_check_finite(mel_power, count, NULL) != SONO_OK)
        return SONO_ERR_NONFINITE;
    for (size_t i = 0; i < count; i++)
        if (mel_power[i] < 0)
            return SONO_ERR_INVALID;
    if (kind == SONO_FEATURES_VOLUME) {
        double *sum = sono__calloc(n_mels, sizeof *sum);
        if (!sum)
            return SONO_ERR_NOMEM;
        for (size_t t = 0; t < frames; t++)
            for (size_t b = 0; b < n_mels; b++)
                sum[b] += mel_power[t * n_mels + b];
        /* A band without any energy stays 0 (numpy would divide 0 by 0):
         * after the dB it sits at the floor like any silent value. */
        for (size_t t = 0; t < frames; t++)
            for (size_t b = 0; b < n_mels; b++)
                out[t * n_mels + b] =
                    sum[b] > 0 ? (float)(mel_power[t * n_mels + b] / sum[b]) : 0.0f;
        sono__free(sum);
    } else {
        for (size_t i = 0; i < count; i++)
            out[i] = mel_power[i];
    }
    int status = to_db(out, count);
    if (status != SONO_OK || kind != SONO_FEATURES_LOG_WEIGHT)
        return status;
    for (size_t b = 0; b < n_mels; b++) {
        double w = log((double)(n_mels + 1 - b));
        for (size_t t = 0; t < frames; t++)
            out[t * n_mels + b] = (float)(out[t * n_mels + b] * w);
    }
    return SONO_OK;
}
