/* Back from filterbank bands and MFCCs, as librosa.feature.inverse:
 * mel_to_stft (non-negative least squares against the filterbank, in
 * nnls.c, then the power undone), the same for the log-frequency bank, and
 * mfcc_to_mel (liftering undone, orthonormal inverse DCT, dB to power).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <float.h>
#include <math.h>

#include "internal.h"

/* The checks on bands (frames x n_bands) that come before any work. */
static int check_bands(const float *bands, size_t frames, size_t n_bands,
                       size_t bins)
{
    if (frames == 0)
        return SONO_ERR_EMPTY;
    size_t n;
    if (sono__mul_size(frames, n_bands, &n) != SONO_OK ||
        sono__mul_size(frames, bins, &(size_t){0}) != SONO_OK)
        return SONO_ERR_TOO_LARGE;
    if (sono_check_finite(bands, n, NULL) != SONO_OK)
        return SONO_ERR_NONFINITE;
    /* librosa would go on with negative values; they cannot come from a
     * spectrogram, so they are taken for a mistake (dB input, say). */
    for (size_t i = 0; i < n; i++)
        if (bands[i] < 0.0f)
            return SONO_ERR_INVALID;
    return SONO_OK;
}

/* librosa's mel_to_stft for any filterbank: NNLS against the dense
 * n_bands x bins weights (NULL after a failed allocation; freed here), then
 * out^(1/power). */
static int bank_to_stft(float *weights, size_t n_bands, size_t bins,
                        const float *bands, size_t frames, double power,
                        float *out)
{
    if (!weights)
        return SONO_ERR_NOMEM;
    int status = sono__nnls(weights, n_bands, bins, bands, frames, out);
    sono__free(weights);
    if (status != SONO_OK)
        return status;
    /* np.power(inverse, 1 / power) on float32. */
    size_t total = frames * bins;
    if (power == 2.0) {
        for (size_t i = 0; i < total; i++)
            out[i] = (float)sqrt((double)out[i]);
    } else if (power != 1.0) {
        for (size_t i = 0; i < total; i++)
            out[i] = (float)pow((double)out[i], 1.0 / power);
    }
    return SONO_OK;
}

size_t sono_mel_to_stft_block(const sono_mel *m)
{
    return sono__nnls_block(sono_mel_bands(m));
}

int sono_mel_to_stft(const sono_mel *m, const float *mel, size_t frames,
                     double power, float *out)
{
    if (!m || !mel || !out || !(power > 0) || isinf(power))
        return SONO_ERR_INVALID;
    size_t bands = sono_mel_bands(m), bins = sono_mel_bins(m);
    int status = check_bands(mel, frames, bands, bins);
    if (status != SONO_OK)
        return status;
    float *weights = sono__malloc_array2(bands, bins, sizeof(float));
    if (weights)
        sono_mel_weights(m, weights);
    return bank_to_stft(weights, bands, bins, mel, frames, power, out);
}

int sono_logfreq_to_stft(const sono_logfreq *l, const float *bands,
                         size_t frames, double power, float *out)
{
    if (!l || !bands || !out || !(power > 0) || isinf(power))
        return SONO_ERR_INVALID;
    size_t n = sono_logfreq_bands(l), bins = sono_logfreq_bins(l);
    int status = check_bands(bands, frames, n, bins);
    if (status != SONO_OK)
        return status;
    float *weights = sono__malloc_array2(n, bins, sizeof(float));
    if (weights)
        sono_logfreq_weights(l, weights);
    return bank_to_stft(weights, n, bins, bands, frames, power, out);
}

int sono_mfcc_to_mel(const float *mfcc, size_t n_mfcc, size_t frames,
                     size_t n_mels, double lifter, double ref, float *out)
{
    const double pi = 3.14159265358979323846;
    if (!mfcc || !out || n_mfcc < 1 || n_mels < 1 || n_mels > 100000 ||
        !(lifter >= 0) || isinf(lifter) || !(ref > 0) || isinf(ref))
        return SONO_ERR_INVALID;
    if (frames == 0)
        return SONO_ERR_EMPTY;
    size_t n;
    if (sono__mul_size(frames, n_mfcc, &n) != SONO_OK ||
        sono__mul_size(frames, n_mels, &(size_t){0}) != SONO_OK)
        return SONO_ERR_TOO_LARGE;
    if (sono_check_finite(mfcc, n, NULL) != SONO_OK)
        return SONO_ERR_NONFINITE;
    /* scipy.fftpack.idct(..., n=n_mels) pads with zeros or cuts. */
    size_t used = n_mfcc < n_mels ? n_mfcc : n_mels;
    double *basis = sono__malloc_array2(used, n_mels, sizeof(double));
    if (!basis)
        return SONO_ERR_NOMEM;
    /* basis[k * n_mels + j]: the orthonormal DCT-III (the inverse of the
     * DCT-II sono_mfcc_apply uses), divided by coefficient k's lifter. */
    for (size_t k = 0; k < used; k++) {
        double scale = k == 0 ? sqrt(1.0 / (double)n_mels)
                              : sqrt(2.0 / (double)n_mels);
        if (lifter > 0) {
            double lift =
                1.0 + 0.5 * lifter * sin(pi * (double)(k + 1) / lifter);
            /* librosa's test for a factor too close to 0 to divide by. */
            if (fabs(lift) < FLT_EPSILON) {
                sono__free(basis);
                return SONO_ERR_INVALID;
            }
            scale /= lift;
        }
        for (size_t j = 0; j < n_mels; j++)
            basis[k * n_mels + j] =
                scale * cos(pi * (double)k * (2.0 * (double)j + 1.0) /
                            (2.0 * (double)n_mels));
    }
    for (size_t t = 0; t < frames; t++) {
        const float *c = mfcc + t * n_mfcc;
        float *o = out + t * n_mels;
        for (size_t j = 0; j < n_mels; j++) {
            double sum = 0.0;
            for (size_t k = 0; k < used; k++)
                sum += basis[k * n_mels + j] * (double)c[k];
            o[j] = (float)sum;
        }
        sono_from_db(o, n_mels, ref, 0);
    }
    sono__free(basis);
    return SONO_OK;
}
