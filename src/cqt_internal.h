/* Private pieces of the constant-Q transform shared by cqt.c and icqt.c:
 * the bins and their filters (cqt_filters.c) and scipy's polyphase
 * resampling by powers of 2 (polyphase.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SONO_CQT_INTERNAL_H
#define SONO_CQT_INTERNAL_H

#include "internal.h"

/* The bins of a parameter set: centre frequencies fmin 2^(k / bpo) and
 * librosa's relative bandwidths alpha (the filter of bin k is
 * (1 / alpha_k) sr / f_k samples long). */
typedef struct sono__cqt_bands {
    size_t n_bins, bins_per_octave;
    size_t n_octaves;   /* ceil(n_bins / bins_per_octave) */
    size_t n_filters;   /* min(bins_per_octave, n_bins): filters per octave */
    double *freq;       /* n_bins */
    double *alpha;      /* n_bins */
    double cutoff;      /* the highest frequency the filters reach */
} sono__cqt_bands;

/* Validates p's bins (not the hop, not against a rate) and fills b;
 * SONO_ERR_INVALID or SONO_ERR_NOMEM.  Free with sono__cqt_bands_free. */
int sono__cqt_bands_make(const sono_cqt_params *p, sono__cqt_bands *b);
void sono__cqt_bands_free(sono__cqt_bands *b);
/* librosa's fractional filter length of bin k at rate sr: Q sr / f_k with
 * Q = 1 / alpha_k. */
double sono__cqt_length(const sono__cqt_bands *b, size_t k, double sr);

/* The filters of bins [lo, hi) at rate sr as librosa's sparse frequency-
 * domain basis: each filter centred in a frame of n_fft samples (the power
 * of 2 at or above the longest), scaled by length / n_fft, its FFT's bins
 * 0..n_fft/2 kept where they are not among the smallest that together hold
 * less than 1 % of the row's L1 norm.  Row r keeps the bins
 * bin[start[r] .. start[r + 1]) with the values value[2 i], value[2 i + 1]
 * (re, im; rounded to complex64 as librosa keeps them). */
typedef struct sono__cqt_spectra {
    size_t rows, n_fft;
    size_t *start;      /* rows + 1 */
    size_t *bin;
    double *value;
} sono__cqt_spectra;

/* SONO_ERR_TOO_LARGE when n_fft would exceed SONO_MAX_N_FFT; SONO_ERR_NOMEM. */
int sono__cqt_spectra_make(const sono__cqt_bands *b, size_t lo, size_t hi,
                           double sr, sono__cqt_spectra *s);
void sono__cqt_spectra_free(sono__cqt_spectra *s);

/* The largest rate change the resampler accepts: its filter has 20 F + 1
 * taps. */
#define SONO__POLY_MAX_FACTOR ((size_t)1 << 16)

/* ceil(n / factor): the length after downsampling. */
size_t sono__downsample_length(size_t n, size_t factor);
/* librosa.resample(x, orig_sr=factor, target_sr=1, res_type='polyphase',
 * scale=True): scipy's resample_poly(x, 1, factor) divided by
 * sqrt(1 / factor), float32.  out (sono__downsample_length(n, factor)
 * samples) must not overlap x.  factor a power of 2 from 2 to
 * SONO__POLY_MAX_FACTOR; SONO_ERR_NOMEM. */
int sono__downsample(const float *x, size_t n, size_t factor, float *out);
/* acc[0 .. n factor) += scipy's resample_poly(x, factor, 1) (librosa.resample
 * with orig_sr=1, target_sr=factor, scale=False, fix=False), in double. */
int sono__upsample_add(const double *x, size_t n, size_t factor, double *acc);

#endif
