/* Spectral shape features of one magnitude frame, as librosa 0.10's
 * spectral_centroid, spectral_bandwidth, spectral_rolloff and
 * spectral_flatness compute them column by column.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each column of librosa's result depends on its own frame only, so the
 * features stream with the STFT.  Sums are taken in double, which is what
 * librosa does for the centroid and the bandwidth (its normalisation works
 * on float64) and closer than its float32 means for the flatness.  The
 * rolloff is a threshold decision: there the float32 running sum and the
 * float32 threshold of numpy's cumsum are reproduced, so that the same
 * magnitudes select the same bin. */
#include <float.h>
#include <math.h>

#include "internal.h"

struct sono_spectral {
    sono_spectral_params p;
    size_t bins;
    double *freq;   /* the bins' frequencies, as numpy.fft.rfftfreq */
};

void sono_spectral_params_default(sono_spectral_params *p)
{
    p->kind = SONO_SPECTRAL_CENTROID;
    p->sample_rate = 22050.0;
    p->n_fft = 2048;
    p->roll_percent = 0.85;
    p->amin = 1e-10;
}

sono_spectral *sono_spectral_new(const sono_spectral_params *p, int *err)
{
    int status = SONO_ERR_INVALID;
    sono_spectral *s = NULL;
    if (!p || (unsigned)p->kind > SONO_SPECTRAL_FLATNESS || p->n_fft < 2 ||
        p->n_fft > SONO_MAX_N_FFT || !(p->sample_rate > 0) ||
        isinf(p->sample_rate) || !(p->roll_percent > 0 && p->roll_percent < 1) ||
        !(p->amin > 0) || isinf(p->amin))
        goto fail;
    status = SONO_ERR_NOMEM;
    if (!(s = sono__calloc(1, sizeof *s)))
        goto fail;
    s->p = *p;
    s->bins = p->n_fft / 2 + 1;
    if (!(s->freq = sono__malloc_array(s->bins, sizeof(double))))
        goto fail;
    /* rfftfreq(n, d=1/sr): k * (1 / (n * d)), the same roundings. */
    double step = 1.0 / ((double)p->n_fft * (1.0 / p->sample_rate));
    for (size_t k = 0; k < s->bins; k++)
        s->freq[k] = (double)k * step;
    return s;
fail:
    sono_spectral_free(s);
    if (err)
        *err = status;
    return NULL;
}

void sono_spectral_free(sono_spectral *s)
{
    if (!s)
        return;
    sono__free(s->freq);
    sono__free(s);
}

const sono_spectral_params *sono_spectral_get_params(const sono_spectral *s)
{
    return &s->p;
}

/* librosa.util.normalize(S, norm=1) leaves a column whose sum is below
 * float32's smallest normal number as it is, rather than dividing by it. */
static double l1_norm(const float *mag, size_t bins)
{
    double sum = 0.0;
    for (size_t k = 0; k < bins; k++)
        sum += mag[k];
    return sum < FLT_MIN ? 1.0 : sum;
}

static double centroid(const sono_spectral *s, const float *mag)
{
    double sum = 0.0;
    for (size_t k = 0; k < s->bins; k++)
        sum += s->freq[k] * mag[k];
    return sum / l1_norm(mag, s->bins);
}

/* p = 2, about the centroid, over the normalised magnitudes. */
static double bandwidth(const sono_spectral *s, const float *mag)
{
    double norm = l1_norm(mag, s->bins), c = centroid(s, mag), sum = 0.0;
    for (size_t k = 0; k < s->bins; k++) {
        double d = s->freq[k] - c;
        sum += mag[k] / norm * d * d;
    }
    return sqrt(sum);
}

/* The lowest bin where the running sum reaches roll_percent of the total;
 * an all-zero frame reaches it at bin 0. */
static double rolloff(const sono_spectral *s, const float *mag)
{
    float total = 0.0f;
    for (size_t k = 0; k < s->bins; k++)
        total += mag[k];
    float threshold = (float)s->p.roll_percent * total;
    float run = 0.0f;
    for (size_t k = 0; k < s->bins; k++) {
        run += mag[k];
        if (!(run < threshold))
            return s->freq[k];
    }
    return s->freq[s->bins - 1];
}

/* Geometric over arithmetic mean of max(amin, |S|^2), the power rounded to
 * float32 before the floor as numpy's S**2 is. */
static double flatness(const sono_spectral *s, const float *mag)
{
    double logs = 0.0, sum = 0.0;
    for (size_t k = 0; k < s->bins; k++) {
        float pw = mag[k] * mag[k];
        double v = fmax(s->p.amin, (double)pw);
        logs += log(v);
        sum += v;
    }
    double n = (double)s->bins;
    return exp(logs / n) / (sum / n);
}

float sono_spectral_apply(const sono_spectral *s, const float *mag)
{
    switch (s->p.kind) {
    case SONO_SPECTRAL_CENTROID:
        return (float)centroid(s, mag);
    case SONO_SPECTRAL_BANDWIDTH:
        return (float)bandwidth(s, mag);
    case SONO_SPECTRAL_ROLLOFF:
        return (float)rolloff(s, mag);
    case SONO_SPECTRAL_FLATNESS:
        return (float)flatness(s, mag);
    }
    return NAN;
}
