/* Mel filterbank as librosa.filters.mel: triangles between mel-spaced edge
 * frequencies over the FFT bin frequencies, Slaney or HTK mel scale,
 * optionally area-normalised (Slaney).  Weights are computed in double and
 * stored as float32, as librosa does.  SPDX-License-Identifier:
 * GPL-3.0-or-later
 *
 * Each filter is stored as its non-zero run of bins, the runs packed one
 * after the other, so applying the bank costs about two multiplications
 * per bin rather than n_mels and reads a few kilobytes of weights, and
 * making it touches no more memory than that. */
#include <math.h>
#include <string.h>

#include "internal.h"

struct sono_mel {
    size_t n_mels;
    size_t n_bins;
    size_t *first;     /* first non-zero bin of each filter */
    size_t *count;     /* number of bins from first on */
    size_t *offset;    /* where each filter's run starts in weights */
    float *weights;    /* the runs, packed */
    size_t empty;
};

void sono_mel_params_default(sono_mel_params *p)
{
    p->n_mels = 128;
    p->fmin = 0.0;
    p->fmax = 0.0;
    p->htk = 0;
    p->norm = SONO_MEL_NORM_SLANEY;
}

/* Slaney's Auditory Toolbox scale: linear below 1 kHz (200/3 Hz per mel),
 * logarithmic above (27 mels per factor 6.4). */
#define SLANEY_F_SP (200.0 / 3.0)
#define SLANEY_MIN_LOG_HZ 1000.0
#define SLANEY_MIN_LOG_MEL (SLANEY_MIN_LOG_HZ / SLANEY_F_SP)
#define SLANEY_LOGSTEP (log(6.4) / 27.0)

double sono_hz_to_mel(double hz, int htk)
{
    if (htk)
        return 2595.0 * log10(1.0 + hz / 700.0);
    if (hz >= SLANEY_MIN_LOG_HZ)
        return SLANEY_MIN_LOG_MEL + log(hz / SLANEY_MIN_LOG_HZ) / SLANEY_LOGSTEP;
    return hz / SLANEY_F_SP;
}

double sono_mel_to_hz(double mel, int htk)
{
    if (htk)
        return 700.0 * (pow(10.0, mel / 2595.0) - 1.0);
    if (mel >= SLANEY_MIN_LOG_MEL)
        return SLANEY_MIN_LOG_HZ * exp(SLANEY_LOGSTEP * (mel - SLANEY_MIN_LOG_MEL));
    return SLANEY_F_SP * mel;
}

void sono_mel_frequencies(size_t n, double fmin, double fmax, int htk,
                          double *out)
{
    double lo = sono_hz_to_mel(fmin, htk), hi = sono_hz_to_mel(fmax, htk);
    for (size_t i = 0; i < n; i++) {
        /* numpy.linspace: start + i * step, with the last point exact. */
        double m = n > 1 ? lo + (double)i * ((hi - lo) / (double)(n - 1)) : lo;
        if (n > 1 && i == n - 1)
            m = hi;
        out[i] = sono_mel_to_hz(m, htk);
    }
}

/* The bins from one below lo / df to one above hi / df, within n_bins:
 * where a triangle over (lo, hi) can be non-zero. */
static void range(double lo, double hi, double df, size_t n_bins, size_t *first,
                  size_t *count)
{
    double k_lo = floor(lo / df) - 1, k_hi = ceil(hi / df) + 2;
    size_t k0 = k_lo > 0 ? (size_t)k_lo : 0;
    size_t k1 = k_hi < (double)n_bins ? (size_t)k_hi : n_bins;
    *first = k0 < k1 ? k0 : 0;
    *count = k0 < k1 ? k1 - k0 : 0;
}

sono_mel *sono_mel_new(const sono_mel_params *p, double sample_rate,
                       size_t n_fft, int *err)
{
    int status = SONO_ERR_INVALID;
    sono_mel *m = NULL;
    double *edges = NULL;
    if (!p || !(sample_rate > 0) || isinf(sample_rate) || n_fft < 2 ||
        n_fft > SONO_MAX_N_FFT || p->n_mels < 1 || p->n_mels > 100000)
        goto fail;
    double f_max = p->fmax > 0 ? p->fmax : sample_rate / 2.0;
    if (!(p->fmin >= 0) || !(f_max > p->fmin) || isinf(f_max) ||
        (unsigned)p->norm > SONO_MEL_NORM_NONE)
        goto fail;
    status = SONO_ERR_NOMEM;
    if (!(m = sono__calloc(1, sizeof *m)))
        goto fail;
    m->n_mels = p->n_mels;
    m->n_bins = n_fft / 2 + 1;
    m->first = sono__calloc(m->n_mels, sizeof(size_t));
    m->count = sono__calloc(m->n_mels, sizeof(size_t));
    m->offset = sono__calloc(m->n_mels, sizeof(size_t));
    edges = sono__malloc_array(m->n_mels + 2, sizeof(double));
    if (!m->first || !m->count || !m->offset || !edges)
        goto fail;
    sono_mel_frequencies(m->n_mels + 2, p->fmin, f_max, p->htk, edges);

    /* Bins outside (lo, hi) weigh 0: only those around each triangle are
     * evaluated, a bin more either side for rounding. */
    const double df = sample_rate / (double)n_fft;
    size_t total = 0;
    for (size_t i = 0; i < m->n_mels; i++) {
        range(edges[i], edges[i + 2], df, m->n_bins, &m->first[i], &m->count[i]);
        total += m->count[i];
    }
    if (!(m->weights = sono__malloc_array(total ? total : 1, sizeof(float))))
        goto fail;
    size_t used = 0;
    for (size_t i = 0; i < m->n_mels; i++) {
        double lo = edges[i], mid = edges[i + 1], hi = edges[i + 2];
        double enorm = p->norm == SONO_MEL_NORM_SLANEY ? 2.0 / (hi - lo) : 1.0;
        size_t k0 = m->first[i], n = m->count[i], nz_first = n, nz_last = 0;
        float *run = m->weights + used;
        for (size_t j = 0; j < n; j++) {
            /* numpy.fft.rfftfreq: k * sr / n_fft */
            double f = (double)(k0 + j) * df;
            double lower = (f - lo) / (mid - lo);
            double upper = (hi - f) / (hi - mid);
            double w = fmax(0.0, fmin(lower, upper));
            run[j] = (float)(w * enorm);
            if (run[j] != 0.0f) {
                if (nz_first == n)
                    nz_first = j;
                nz_last = j;
            }
        }
        m->offset[i] = used;
        if (nz_first == n) {
            m->empty++;
            m->first[i] = 0;
            m->count[i] = 0;
            continue;
        }
        /* Keep the non-zero run only. */
        m->first[i] = k0 + nz_first;
        m->count[i] = nz_last - nz_first + 1;
        memmove(run, run + nz_first, m->count[i] * sizeof *run);
        used += m->count[i];
    }
    sono__free(edges);
    return m;
fail:
    sono__free(edges);
    sono_mel_free(m);
    if (err)
        *err = status;
    return NULL;
}

void sono_mel_free(sono_mel *m)
{
    if (!m)
        return;
    sono__free(m->first);
    sono__free(m->count);
    sono__free(m->offset);
    sono__free(m->weights);
    sono__free(m);
}

size_t sono_mel_bands(const sono_mel *m)
{
    return m->n_mels;
}

size_t sono_mel_bins(const sono_mel *m)
{
    return m->n_bins;
}

size_t sono_mel_empty_filters(const sono_mel *m)
{
    return m->empty;
}

void sono_mel_weights(const sono_mel *m, float *out)
{
    memset(out, 0, m->n_mels * m->n_bins * sizeof(float));
    for (size_t i = 0; i < m->n_mels; i++)
        memcpy(out + i * m->n_bins + m->first[i], m->weights + m->offset[i],
               m->count[i] * sizeof(float));
}

/* Each band's sum runs over its bins in order, in double, here and in
 * sono__mel_apply_group, so that both give the same bits. */
void sono_mel_apply(const sono_mel *m, const float *spectrum, float *out)
{
    for (size_t i = 0; i < m->n_mels; i++) {
        const float *w = m->weights + m->offset[i];
        const float *x = spectrum + m->first[i];
        double sum = 0.0;
        for (size_t k = 0; k < m->count[i]; k++)
            sum += (double)w[k] * (double)x[k];
        out[i] = (float)sum;
    }
}

/* One frame's band sum is a chain of additions, each waiting on the one
 * before; SONO__MEL_GROUP frames side by side make as many independent
 * chains, and a vector's lanes.  xt holds the frames' spectra bin-major:
 * bin k of frame g at xt[k * SONO__MEL_GROUP + g]. */
SONO__VECTOR_CLONES
void sono__mel_apply_group(const sono_mel *m, const float *xt, size_t n, float *out,
                           size_t stride)
{
    for (size_t i = 0; i < m->n_mels; i++) {
        const float *w = m->weights + m->offset[i];
        const float *x = xt + m->first[i] * SONO__MEL_GROUP;
        double sum[SONO__MEL_GROUP] = {0};
        for (size_t k = 0; k < m->count[i]; k++)
            for (size_t g = 0; g < SONO__MEL_GROUP; g++)
                sum[g] += (double)w[k] * (double)x[k * SONO__MEL_GROUP + g];
        for (size_t g = 0; g < n; g++)
            out[g * stride + i] = (float)sum[g];
    }
}
