/* MFCC from a dB mel spectrogram: orthonormal DCT-II (scipy.fftpack.dct,
 * type 2, norm='ortho') of each frame, the first n_mfcc coefficients, then
 * optional sinusoidal liftering, as librosa.feature.mfcc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * n_mfcc is small (13 to 40), so the DCT is a precomputed n_mfcc x n_mels
 * matrix with the liftering folded into its rows. */
#include <math.h>

#include "internal.h"

struct sono_mfcc {
    size_t n_mels;
    size_t n_mfcc;
    double *basis;   /* n_mfcc x n_mels */
};

sono_mfcc *sono_mfcc_new(size_t n_mels, size_t n_mfcc, double lifter, int *err)
{
    const double pi = 3.14159265358979323846;
    int status = SONO_ERR_INVALID;
    sono_mfcc *m = NULL;
    if (n_mels < 1 || n_mfcc < 1 || n_mfcc > n_mels || n_mels > 100000 ||
        !(lifter >= 0) || isinf(lifter))
        goto fail;
    status = SONO_ERR_NOMEM;
    if (!(m = sono__calloc(1, sizeof *m)))
        goto fail;
    m->n_mels = n_mels;
    m->n_mfcc = n_mfcc;
    if (!(m->basis = sono__malloc_array2(n_mfcc, n_mels, sizeof(double))))
        goto fail;
    for (size_t k = 0; k < n_mfcc; k++) {
        double norm = k == 0 ? sqrt(1.0 / (double)n_mels)
                             : sqrt(2.0 / (double)n_mels);
        double lift = 1.0;
        if (lifter > 0)
            lift += 0.5 * lifter * sin(pi * (double)(k + 1) / lifter);
        for (size_t n = 0; n < n_mels; n++)
            m->basis[k * n_mels + n] =
                norm * lift *
                cos(pi * (double)k * (2.0 * (double)n + 1.0) /
                    (2.0 * (double)n_mels));
    }
    return m;
fail:
    sono_mfcc_free(m);
    if (err)
        *err = status;
    return NULL;
}

void sono_mfcc_free(sono_mfcc *m)
{
    if (!m)
        return;
    sono__free(m->basis);
    sono__free(m);
}

void sono_mfcc_apply(const sono_mfcc *m, const float *mel_db, float *out)
{
    for (size_t k = 0; k < m->n_mfcc; k++) {
        const double *b = m->basis + k * m->n_mels;
        double sum = 0.0;
        for (size_t n = 0; n < m->n_mels; n++)
            sum += b[n] * (double)mel_db[n];
        out[k] = (float)sum;
    }
}
