/* The bins of the constant-Q transform and their filters, as librosa 0.10's
 * cqt (vqt with gamma 0, filter_scale 1, norm 1, window 'hann', sparsity
 * 0.01) makes them.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Bin k has the centre frequency f_k = fmin 2^(k / bpo) and the relative
 * bandwidth alpha_k = (2^(2 / b_k) - 1) / (2^(2 / b_k) + 1), where b_k is the
 * local number of bins per octave, 2 / (log2 f_{k+1} - log2 f_{k-1})
 * (one-sided at the ends; bpo itself for a single bin).  For equally spaced
 * bins that is bpo up to rounding, and computing it as librosa does keeps
 * the last bits.  Its filter is Q sr / f_k samples long, Q = 1 / alpha_k,
 * and reaches up to f_k (1 + ENBW / (2 Q)), ENBW the Hann window's
 * equivalent noise bandwidth.
 *
 * The filter itself: exp(2 pi i f_k t / sr) at the integer times
 * floor(-L/2) .. floor(L/2) - 1, times a periodic Hann window of that many
 * samples, divided by its L1 norm, stored as complex64; centred (extra
 * sample on the right) in a frame of n_fft samples, the power of 2 at or
 * above the octave's longest L; scaled by L / n_fft; transformed by a
 * double-precision FFT, of which bins 0..n_fft/2 are kept and sparsified as
 * librosa.util.sparsify_rows does. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cqt_internal.h"

/* librosa.filters.window_bandwidth('hann'). */
#define HANN_ENBW 1.50018310546875
#define SPARSITY 0.01
#define PI 3.14159265358979323846

void sono_cqt_params_default(sono_cqt_params *p)
{
    p->n_bins = 84;
    p->bins_per_octave = 12;
    p->fmin = SONO_CQT_C1;
    p->hop_length = 512;
    p->threads = 1;
}

int sono__cqt_bands_make(const sono_cqt_params *p, sono__cqt_bands *b)
{
    memset(b, 0, sizeof *b);
    if (!p || p->n_bins < 1 || p->bins_per_octave < 1 || !(p->fmin > 0) ||
        !isfinite(p->fmin) || p->n_bins > SONO_CQT_MAX_BINS ||
        p->bins_per_octave > SONO_CQT_MAX_BINS)
        return SONO_ERR_INVALID;
    b->n_bins = p->n_bins;
    b->bins_per_octave = p->bins_per_octave;
    b->n_octaves = (p->n_bins + p->bins_per_octave - 1) / p->bins_per_octave;
    b->n_filters = p->bins_per_octave < p->n_bins ? p->bins_per_octave : p->n_bins;
    b->freq = sono__malloc_array(p->n_bins, sizeof *b->freq);
    b->alpha = sono__malloc_array(p->n_bins, sizeof *b->alpha);
    if (!b->freq || !b->alpha) {
        sono__cqt_bands_free(b);
        return SONO_ERR_NOMEM;
    }
    size_t n = p->n_bins;
    double bpo = (double)p->bins_per_octave;
    for (size_t k = 0; k < n; k++)
        b->freq[k] = p->fmin * pow(2.0, (double)k / bpo);
    if (!isfinite(b->freq[n - 1])) {
        sono__cqt_bands_free(b);
        return SONO_ERR_INVALID;
    }
    if (n == 1) {
        double r = pow(2.0, 1.0 / bpo);
        b->alpha[0] = (r * r - 1) / (r * r + 1);
    } else {
        for (size_t k = 0; k < n; k++) {
            size_t lo = k == 0 ? 0 : k - 1, hi = k == n - 1 ? n - 1 : k + 1;
            double local = (double)(hi - lo) / (log2(b->freq[hi]) - log2(b->freq[lo]));
            double e = pow(2.0, 2 / local);
            b->alpha[k] = (e - 1) / (e + 1);
        }
    }
    b->cutoff = 0;
    for (size_t k = 0; k < n; k++) {
        double reach = b->freq[k] * (1 + 0.5 * HANN_ENBW / (1.0 / b->alpha[k]));
        if (reach > b->cutoff)
            b->cutoff = reach;
    }
    return SONO_OK;
}

void sono__cqt_bands_free(sono__cqt_bands *b)
{
    sono__free(b->freq);
    sono__free(b->alpha);
    b->freq = b->alpha = NULL;
}

double sono__cqt_length(const sono__cqt_bands *b, size_t k, double sr)
{
    return 1.0 / b->alpha[k] * sr / b->freq[k];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The filter of frequency freq and fractional length len at rate sr,
 * centred in frame[0 .. n_fft) (n_fft (re, im) pairs, zeroed here) and
 * scaled by len / n_fft, with librosa's complex64 roundings. */
static void place_filter(double freq, double len, double sr, size_t n_fft,
                         double *frame)
{
    double first = floor(-len / 2);
    size_t count = (size_t)(floor(len / 2) - first);
    size_t left = (n_fft - count) / 2;
    double norm = 0.0;
    memset(frame, 0, 2 * n_fft * sizeof *frame);
    for (size_t j = 0; j < count; j++) {
        double w = 0.5 - 0.5 * cos(2.0 * PI * (double)j / (double)count);
        double angle = ((first + (double)j) * 2.0 * PI) * freq / sr;
        double re = w * cos(angle), im = w * sin(angle);
        frame[2 * (left + j)] = re;
        frame[2 * (left + j) + 1] = im;
        norm += hypot(re, im);
    }
    double scale = len / (double)n_fft;
    for (size_t j = left; j < left + count; j++) {
        frame[2 * j] = (float)((double)(float)(frame[2 * j] / norm) * scale);
        frame[2 * j + 1] = (float)((double)(float)(frame[2 * j + 1] / norm) * scale);
    }
}

/* Appends the kept bins of one filter's spectrum (bins 0..half) to s,
 * whose arrays have room for them; mags and sorted: half + 1 doubles. */
static void sparsify(const double *spectrum, size_t bins, double *mags,
                     double *sorted, sono__cqt_spectra *s, size_t *used)
{
    double total = 0.0;
    for (size_t f = 0; f < bins; f++) {
        mags[f] = hypot(spectrum[2 * f], spectrum[2 * f + 1]);
        total += mags[f];
    }
    memcpy(sorted, mags, bins * sizeof *sorted);
    qsort(sorted, bins, sizeof *sorted, cmp_double);
    /* The first sorted entry at which the running share reaches 1 %
     * (numpy's argmin of 'share < 1 %': 0 when it never does). */
    double share = 0.0, threshold = sorted[0];
    for (size_t i = 0; i < bins; i++) {
        share += sorted[i] / total;
        if (!(share < SPARSITY)) {
            threshold = sorted[i];
            break;
        }
    }
    for (size_t f = 0; f < bins; f++) {
        if (!(mags[f] >= threshold))
            continue;
        s->bin[*used] = f;
        s->value[2 * *used] = (float)spectrum[2 * f];
        s->value[2 * *used + 1] = (float)spectrum[2 * f + 1];
        ++*used;
    }
}

int sono__cqt_spectra_make(const sono__cqt_bands *b, size_t lo, size_t hi,
                           double sr, sono__cqt_spectra *s)
{
    memset(s, 0, sizeof *s);
    if (lo >= hi || hi > b->n_bins)
        return SONO_ERR_INVALID;
    double longest = 0.0;
    for (size_t k = lo; k < hi; k++)
        if (sono__cqt_length(b, k, sr) > longest)
            longest = sono__cqt_length(b, k, sr);
    /* Below 2 samples only above the Nyquist frequency, which callers
     * refuse first; above SONO_MAX_N_FFT, filters of minutes. */
    if (!(longest >= 2.0))
        return SONO_ERR_INVALID;
    if (longest > (double)SONO_MAX_N_FFT)
        return SONO_ERR_TOO_LARGE;
    double n = ldexp(1.0, (int)ceil(log2(longest)));
    size_t n_fft = (size_t)n, bins = n_fft / 2 + 1, rows = hi - lo;
    s->rows = rows;
    s->n_fft = n_fft;
    int status = SONO_ERR_NOMEM;
    sono__cfft *fft = NULL;
    double *mags = sono__malloc_array(bins, sizeof *mags);
    double *sorted = sono__malloc_array(bins, sizeof *sorted);
    s->start = sono__malloc_array(rows + 1, sizeof *s->start);
    /* At most every bin of every row; shrunk at the end. */
    s->bin = sono__malloc_array(rows, bins * sizeof *s->bin);
    s->value = sono__malloc_array(rows, 2 * bins * sizeof *s->value);
    if (!mags || !sorted || !s->start || !s->bin || !s->value ||
        !(fft = sono__cfft_new(n_fft, &status)))
        goto done;
    size_t used = 0;
    double *frame = sono__cfft_data(fft);
    for (size_t r = 0; r < rows; r++) {
        place_filter(b->freq[lo + r], sono__cqt_length(b, lo + r, sr), sr, n_fft, frame);
        sono__cfft_forward(fft);
        s->start[r] = used;
        sparsify(frame, bins, mags, sorted, s, &used);
    }
    s->start[rows] = used;
    size_t *bin = sono__realloc(s->bin, (used ? used : 1) * sizeof *bin);
    double *value = sono__realloc(s->value, (used ? used : 1) * 2 * sizeof *value);
    if (bin)
        s->bin = bin;
    if (value)
        s->value = value;
    status = SONO_OK;
done:
    sono__cfft_free(fft);
    sono__free(mags);
    sono__free(sorted);
    if (status != SONO_OK)
        sono__cqt_spectra_free(s);
    return status;
}

void sono__cqt_spectra_free(sono__cqt_spectra *s)
{
    sono__free(s->start);
    sono__free(s->bin);
    sono__free(s->value);
    memset(s, 0, sizeof *s);
}
