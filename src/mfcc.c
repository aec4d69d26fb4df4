/* MFCC from a dB mel spectrogram: orthonormal DCT-II (scipy.fftpack.dct,
 * type 2, norm='ortho') of each frame, the first n_mfcc coefficients, then
 * optional sinusoidal liftering, as librosa.feature.mfcc.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * n_mfcc is small (13 to 40), so the DCT is a precomputed matrix with the
 * liftering folded into it.  It is stored transposed, n_mels x n_mfcc, so
 * that a frame is summed for all coefficients at once: each coefficient's
 * sum still runs over the bands in order, but the coefficients' additions
 * are independent and vectorise, where one dot product per coefficient
 * waits on its own chain of additions. */
#include <math.h>

#include "internal.h"

struct sono_mfcc {
    size_t n_mels;
    size_t n_mfcc;
    double *basis;   /* n_mels x n_mfcc: basis[n * n_mfcc + k] */
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
            m->basis[n * n_mfcc + k] =
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

/* Coefficients summed at once; a chunk's sums stay in registers or L1. */
#define CHUNK 32

SONO__VECTOR_CLONES
void sono_mfcc_apply(const sono_mfcc *m, const float *mel_db, float *out)
{
    for (size_t k0 = 0; k0 < m->n_mfcc; k0 += CHUNK) {
        size_t kn = m->n_mfcc - k0 < CHUNK ? m->n_mfcc - k0 : CHUNK;
        double sum[CHUNK] = {0};
        for (size_t n = 0; n < m->n_mels; n++) {
            const double *b = m->basis + n * m->n_mfcc + k0;
            double x = (double)mel_db[n];
            for (size_t k = 0; k < kn; k++)
                sum[k] += b[k] * x;
        }
        for (size_t k = 0; k < kn; k++)
            out[k0 + k] = (float)sum[k];
    }
}
