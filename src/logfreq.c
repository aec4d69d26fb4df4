/* Log-frequency filterbank: bands at fmin * 2^(k / bins_per_octave) up to
 * fmax, each a triangle over the STFT bin frequencies, normalised to a
 * weighted mean of the bins it covers.  SPDX-License-Identifier:
 * GPL-3.0-or-later
 *
 * Band k peaks at its centre f_k and reaches 0 at f_k - max(f_k - f_{k-1},
 * df) and f_k + max(f_{k+1} - f_k, df), df = sr / n_fft the bin spacing.
 * Where the neighbours are closer than one bin (the low bands), both sides
 * are df wide and the triangle touches exactly the two bins around f_k with
 * weights that sum to 1: linear interpolation of the spectrum at f_k.  Wider
 * bands are ordinary triangles between their neighbours' centres, and the
 * two rules meet continuously where the spacing equals df.  Normalising
 * each band's weights to sum 1 keeps a tone's amplitude in narrow bands and
 * makes white noise come out flat across all bands (mel's Slaney norm, by
 * contrast, divides by the width in Hz).
 *
 * Weights are computed in double and stored as float32, like the mel bank,
 * and each band is stored as its non-zero run of bins. */
#include <math.h>
#include <string.h>

#include "internal.h"

/* As many bands as sono_mel_new allows mel bands. */
#define MAX_BANDS 100000
/* A centre above fmax by this much (relative) still counts: fmin and fmax
 * an exact number of octaves apart should include fmax despite rounding. */
#define FMAX_TOLERANCE 1e-9

struct sono_logfreq {
    size_t n_bands;
    size_t n_bins;
    double *freqs;     /* centre of each band, Hz */
    size_t *first;     /* first non-zero bin of each band */
    size_t *count;     /* number of bins from first on */
    float *weights;    /* dense n_bands x n_bins */
};

void sono_logfreq_params_default(sono_logfreq_params *p)
{
    p->fmin = 32.703195662574829; /* librosa.note_to_hz('C1') */
    p->fmax = 0.0;
    p->bins_per_octave = 24.0;
}

static double centre(double f0, double bpo, double k)
{
    return f0 * pow(2.0, k / bpo);
}

/* The number of centres from fmin up to fmax, or 0 when there would be
 * more than MAX_BANDS. */
static size_t band_count(double f0, double f1, double bpo)
{
    /* Estimated first, so that absurd ranges are refused before counting. */
    if (bpo * log2(f1 / f0) > (double)MAX_BANDS)
        return 0;
    size_t n = 0;
    while (centre(f0, bpo, (double)n) <= f1 * (1.0 + FMAX_TOLERANCE))
        n++;
    return n <= MAX_BANDS ? n : 0;
}

/* Band k's weights (centres f0 * 2^(k / bpo)) into its row of l->weights,
 * computed in the double scratch w; its run into first and count. */
static void make_band(sono_logfreq *l, size_t k, double f0, double bpo,
                      double df, double *w)
{
    double f = l->freqs[k];
    double below = centre(f0, bpo, (double)k - 1.0);
    double above = centre(f0, bpo, (double)k + 1.0);
    double lo = f - fmax(f - below, df), hi = f + fmax(above - f, df);
    size_t first = l->n_bins, last = 0;
    double sum = 0.0;
    for (size_t j = 0; j < l->n_bins; j++) {
        double fj = (double)j * df;
        double rise = (fj - lo) / (f - lo), fall = (hi - fj) / (hi - f);
        w[j] = fmax(0.0, fmin(rise, fall));
        if (w[j] > 0.0) {
            if (first == l->n_bins)
                first = j;
            last = j;
            sum += w[j];
        }
    }
    /* The rising side spans at least df below f >= 0, so some bin lies on
     * it with a positive weight.  Only rounding at a bin exactly df below f
     * could lose it; then the band is the nearest bin. */
    if (!(sum > 0.0)) {
        size_t j = (size_t)floor(f / df + 0.5);
        j = j < l->n_bins ? j : l->n_bins - 1;
        memset(w, 0, l->n_bins * sizeof *w);
        w[j] = sum = 1.0;
        first = last = j;
    }
    float *row = l->weights + k * l->n_bins;
    for (size_t j = 0; j < l->n_bins; j++)
        row[j] = (float)(w[j] / sum);
    l->first[k] = first;
    l->count[k] = last - first + 1;
}

sono_logfreq *sono_logfreq_new(const sono_logfreq_params *p,
                               double sample_rate, size_t n_fft, int *err)
{
    int status = SONO_ERR_INVALID;
    sono_logfreq *l = NULL;
    double *scratch = NULL;
    if (!p || !(sample_rate > 0) || isinf(sample_rate) || n_fft < 2 ||
        n_fft > SONO_MAX_N_FFT)
        goto fail;
    double nyquist = sample_rate / 2.0;
    double f_max = p->fmax == 0.0 ? nyquist : p->fmax;
    double bpo = p->bins_per_octave;
    if (!(p->fmin > 0) || !(f_max > p->fmin) || !(f_max <= nyquist) ||
        !(bpo >= 1.0 && bpo <= 1200.0))
        goto fail;
    size_t n = band_count(p->fmin, f_max, bpo);
    if (n == 0)
        goto fail;
    status = SONO_ERR_NOMEM;
    if (!(l = sono__calloc(1, sizeof *l)))
        goto fail;
    l->n_bands = n;
    l->n_bins = n_fft / 2 + 1;
    l->freqs = sono__malloc_array(n, sizeof(double));
    l->first = sono__calloc(n, sizeof(size_t));
    l->count = sono__calloc(n, sizeof(size_t));
    l->weights = sono__malloc_array2(n, l->n_bins, sizeof(float));
    scratch = sono__malloc_array(l->n_bins, sizeof(double));
    if (!l->freqs || !l->first || !l->count || !l->weights || !scratch)
        goto fail;
    double df = sample_rate / (double)n_fft;
    for (size_t k = 0; k < n; k++)
        l->freqs[k] = centre(p->fmin, bpo, (double)k);
    for (size_t k = 0; k < n; k++)
        make_band(l, k, p->fmin, bpo, df, scratch);
    sono__free(scratch);
    return l;
fail:
    sono__free(scratch);
    sono_logfreq_free(l);
    if (err)
        *err = status;
    return NULL;
}

void sono_logfreq_free(sono_logfreq *l)
{
    if (!l)
        return;
    sono__free(l->freqs);
    sono__free(l->first);
    sono__free(l->count);
    sono__free(l->weights);
    sono__free(l);
}

size_t sono_logfreq_bands(const sono_logfreq *l)
{
    return l->n_bands;
}

size_t sono_logfreq_bins(const sono_logfreq *l)
{
    return l->n_bins;
}

void sono_logfreq_frequencies(const sono_logfreq *l, double *out)
{
    memcpy(out, l->freqs, l->n_bands * sizeof(double));
}

void sono_logfreq_weights(const sono_logfreq *l, float *out)
{
    memcpy(out, l->weights, l->n_bands * l->n_bins * sizeof(float));
}

void sono_logfreq_apply(const sono_logfreq *l, const float *spectrum,
                        float *out)
{
    for (size_t i = 0; i < l->n_bands; i++) {
        const float *w = l->weights + i * l->n_bins + l->first[i];
        const float *x = spectrum + l->first[i];
        double sum = 0.0;
        for (size_t k = 0; k < l->count[i]; k++)
            sum += (double)w[k] * (double)x[k];
        out[i] = (float)sum;
    }
}
