/* The inverse constant-Q transform, librosa.icqt (0.10, res_type='polyphase').
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * librosa's inverse, followed step by step:
 * - The octaves are taken from the bottom: bins [B i, B i + n_i), B bins
 *   per octave, the last one possibly partial (the forward transform groups
 *   from the top; for a whole number of octaves the groups are the same).
 * - Their rates and hops are the forward transform's without the early
 *   downsampling: the top octave at the full rate and hop, each octave
 *   below at half the rate and hop of the one above while that hop is
 *   even, the same otherwise.
 * - Per octave, its filters' spectra are made as for the forward transform
 *   at its rate; frame t of the octave's STFT is
 *   D[f] = sum_k conj(B_k[f]) sqrt(L_k) (n_fft / L_k) / (sum_f |B_k[f]|^2) C[k, t],
 *   with L_k at the full rate, and an inverse STFT with a rectangular
 *   window, centred, divides each sample by the number of frames covering
 *   it (samples no frame covers stay 0: a hop above n_fft leaves gaps).
 * - Each octave's signal, hop * (frames - 1) samples once upsampled by
 *   scipy's resample_poly (unscaled), is added to the sum. */
#include <math.h>
#include <string.h>

#include "cqt_internal.h"

typedef struct ioctave {
    size_t lo, hi;          /* its bins */
    size_t hop;             /* at its rate */
    size_t up;              /* full rate / its rate */
    sono__cqt_spectra spectra;
    double *weight;         /* per filter */
    sono__fft *fft;
} ioctave;

struct sono_icqt {
    sono_cqt_params p;
    size_t n_octaves;
    double longest;         /* the longest filter at the full rate */
    ioctave *oct;           /* bottom first */
    double *spectrum;       /* (re, im) of one frame, for the largest n_fft */
};

void sono_icqt_free(sono_icqt *q)
{
    if (!q)
        return;
    for (size_t i = 0; q->oct && i < q->n_octaves; i++) {
        sono__cqt_spectra_free(&q->oct[i].spectra);
        sono__free(q->oct[i].weight);
        sono__fft_free(q->oct[i].fft);
    }
    sono__free(q->oct);
    sono__free(q->spectrum);
    sono__free(q);
}

/* The octaves' bins, hops and rate factors, bottom first. */
static int layout(const sono_cqt_params *p, const sono__cqt_bands *b, ioctave *oct)
{
    size_t n = b->n_octaves, hop = p->hop_length, up = 1;
    for (size_t i = n; i-- > 0;) {
        oct[i].lo = b->bins_per_octave * i;
        oct[i].hi = oct[i].lo + b->bins_per_octave < b->n_bins
                        ? oct[i].lo + b->bins_per_octave : b->n_bins;
        oct[i].hop = hop;
        oct[i].up = up;
        if (hop % 2 == 0 && i > 0) {
            hop /= 2;
            if (up > SONO__POLY_MAX_FACTOR / 2)
                return SONO_ERR_TOO_LARGE;
            up *= 2;
        }
    }
    return SONO_OK;
}

sono_icqt *sono_icqt_new(const sono_cqt_params *p, double sample_rate, int *err)
{
    sono__cqt_bands b;
    sono_icqt *q = NULL;
    int status = sono__cqt_bands_make(p, &b);
    if (status == SONO_OK)
        status = sono_cqt_check(p, sample_rate);
    if (status != SONO_OK)
        goto done;
    status = SONO_ERR_NOMEM;
    if (!(q = sono__calloc(1, sizeof *q)) ||
        !(q->oct = sono__calloc(b.n_octaves, sizeof *q->oct)))
        goto done;
    q->p = *p;
    q->n_octaves = b.n_octaves;
    if ((status = layout(p, &b, q->oct)) != SONO_OK)
        goto done;
    size_t largest = 0;
    for (size_t k = 0; k < b.n_bins; k++)
        if (sono__cqt_length(&b, k, sample_rate) > q->longest)
            q->longest = sono__cqt_length(&b, k, sample_rate);
    for (size_t i = 0; i < q->n_octaves; i++) {
        ioctave *o = &q->oct[i];
        const sono__cqt_spectra *s = &o->spectra;
        status = sono__cqt_spectra_make(&b, o->lo, o->hi, sample_rate / (double)o->up,
                                        &o->spectra);
        if (status != SONO_OK)
            goto done;
        status = SONO_ERR_NOMEM;
        if (!(o->weight = sono__malloc_array(s->rows, sizeof *o->weight)) ||
            !(o->fft = sono__fft_new(s->n_fft, SONO__FFT_INVERSE, &status)))
            goto done;
        for (size_t r = 0; r < s->rows; r++) {
            double energy = 0.0, len = sono__cqt_length(&b, o->lo + r, sample_rate);
            for (size_t j = s->start[r]; j < s->start[r + 1]; j++)
                energy += s->value[2 * j] * s->value[2 * j] +
                          s->value[2 * j + 1] * s->value[2 * j + 1];
            o->weight[r] = sqrt(len) * ((double)s->n_fft / len) / energy;
        }
        if (s->n_fft > largest)
            largest = s->n_fft;
    }
    status = SONO_ERR_NOMEM;
    if (!(q->spectrum = sono__malloc_array(largest / 2 + 1, 2 * sizeof *q->spectrum)))
        goto done;
    status = SONO_OK;
done:
    sono__cqt_bands_free(&b);
    if (status != SONO_OK) {
        sono_icqt_free(q);
        q = NULL;
        if (err)
            *err = status;
    }
    return q;
}

size_t sono_icqt_length(const sono_icqt *q, size_t frames, size_t length)
{
    if (length || !q || frames == 0)
        return length;
    return q->p.hop_length * (frames - 1);
}

/* One octave's signal at its rate, hop (frames - 1) samples, into y: the
 * inverse STFT (rectangular window, centred) of its frames.  padded holds
 * n_fft + hop (frames - 1) doubles. */
static void octave_signal(sono_icqt *q, const ioctave *o, const sono_complex *C,
                          size_t frames, double *padded, double *y)
{
    const sono__cqt_spectra *s = &o->spectra;
    size_t n_fft = s->n_fft, bins = n_fft / 2 + 1, n_bins = q->p.n_bins;
    size_t total = n_fft + o->hop * (frames - 1);
    float *real = sono__fft_real(o->fft);
    sono_complex *spec = sono__fft_spectrum(o->fft);
    double *d = q->spectrum;
    memset(padded, 0, total * sizeof *padded);
    for (size_t t = 0; t < frames; t++) {
        memset(d, 0, 2 * bins * sizeof *d);
        for (size_t r = 0; r < s->rows; r++) {
            const sono_complex *c = &C[t * n_bins + o->lo + r];
            double cr = c->re * o->weight[r], ci = c->im * o->weight[r];
            for (size_t j = s->start[r]; j < s->start[r + 1]; j++) {
                double a = s->value[2 * j], b = -s->value[2 * j + 1];  /* conj */
                size_t f = s->bin[j];
                d[2 * f] += a * cr - b * ci;
                d[2 * f + 1] += a * ci + b * cr;
            }
        }
        for (size_t f = 0; f < bins; f++) {
            spec[f].re = (float)d[2 * f];
            spec[f].im = (float)d[2 * f + 1];
        }
        sono__fft_inverse(o->fft);
        double *dst = padded + t * o->hop;
        for (size_t j = 0; j < n_fft; j++)
            dst[j] += real[j] / (double)n_fft;
    }
    /* Sample n is padded[n + n_fft / 2], covered by the frames t with
     * t hop <= n + n_fft / 2 < t hop + n_fft. */
    size_t len = o->hop * (frames - 1);
    for (size_t n = 0; n < len; n++) {
        size_t m = n + n_fft / 2;
        size_t last = m / o->hop < frames - 1 ? m / o->hop : frames - 1;
        size_t first = m + 1 > n_fft ? (m + 1 - n_fft + o->hop - 1) / o->hop : 0;
        y[n] = last >= first ? padded[m] / (double)(last - first + 1) : 0.0;
    }
}

int sono_icqt_run(sono_icqt *q, const sono_complex *C, size_t frames,
                  size_t length, float *out)
{
    if (!q || !C || !out)
        return SONO_ERR_INVALID;
    if (frames == 0)
        return SONO_ERR_EMPTY;
    size_t n_bins = q->p.n_bins, hop = q->p.hop_length;
    if (length) {
        /* librosa keeps the frames that can reach the requested length. */
        double keep = ceil(((double)length + q->longest) / (double)hop);
        if (keep < (double)frames)
            frames = (size_t)keep;
    }
    if (sono_check_finite((const float *)C, 2 * frames * n_bins, NULL) != SONO_OK)
        return SONO_ERR_NONFINITE;
    if (frames < 2)
        return SONO_ERR_TOO_SHORT;
    size_t natural = hop * (frames - 1), out_len = length ? length : natural;
    size_t most = 0;
    for (size_t i = 0; i < q->n_octaves; i++) {
        size_t need = q->oct[i].spectra.n_fft + q->oct[i].hop * (frames - 1);
        most = need > most ? need : most;
    }
    double *sum = sono__calloc(natural, sizeof *sum);
    double *padded = sono__malloc_array(most, sizeof *padded);
    double *y = sono__malloc_array(natural, sizeof *y);
    int status = sum && padded && y ? SONO_OK : SONO_ERR_NOMEM;
    for (size_t i = 0; status == SONO_OK && i < q->n_octaves; i++) {
        const ioctave *o = &q->oct[i];
        octave_signal(q, o, C, frames, padded, y);
        if (o->up == 1) {
            for (size_t n = 0; n < natural; n++)
                sum[n] += y[n];
        } else {
            status = sono__upsample_add(y, o->hop * (frames - 1), o->up, sum);
        }
    }
    for (size_t n = 0; status == SONO_OK && n < out_len; n++)
        out[n] = n < natural ? (float)sum[n] : 0.0f;
    sono__free(sum);
    sono__free(padded);
    sono__free(y);
    return status;
}
