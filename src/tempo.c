/* A global tempo from an onset envelope: librosa 0.10's
 * feature.rhythm.tempo, and sono's choice of the metrical level.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both read the time-averaged autocorrelation tempogram (tempogram.c), whose
 * bin k >= 1 is a beat period of k envelope frames, 60 sr / (hop k) BPM.
 *
 * librosa scores bin k by log1p(1e6 tg[k]) plus a log-normal prior,
 * -((log2 bpm - log2 start_bpm) / std_bpm)^2 / 2, with the bins at or above
 * max_tempo excluded, and takes the best.  The log1p squashes the
 * tempogram so that the prior decides between periods of similar strength:
 * a half or double tempo, or a strong off-beat period near 120 BPM, often
 * wins (librosa reads the 90 BPM trumpet loop as 123).
 *
 * The metrical rule (SONO_TEMPO_METRICAL) looks at the whole pulse train a
 * period implies rather than its first lag: a true beat period T has peaks
 * at T, 2T, 3T, 4T (beats and bars), while a sub-beat or an off-beat
 * period's multiples fall between them.  See pulse_score. */
#include <float.h>
#include <math.h>

#include "internal.h"

#define MAX_AC_FRAMES ((size_t)1 << 22)

void sono_tempo_params_default(sono_tempo_params *p)
{
    p->sample_rate = 22050.0;
    p->hop_length = 512;
    p->start_bpm = 120.0;
    p->std_bpm = 1.0;
    p->ac_size = 8.0;
    p->max_tempo = 320.0;
    p->method = SONO_TEMPO_METRICAL;
}

/* librosa.time_to_frames(ac_size): floor(ac_size sr / hop); 0 when invalid. */
size_t sono_tempo_win_length(const sono_tempo_params *p)
{
    if (!p || !(p->sample_rate > 0.0) || !isfinite(p->sample_rate) ||
        p->hop_length < 1 || p->hop_length > SONO_MAX_N_FFT ||
        !(p->ac_size > 0.0) || !isfinite(p->ac_size))
        return 0;
    double w = floor(p->ac_size * p->sample_rate / (double)p->hop_length);
    if (!(w >= 2.0) || w > (double)MAX_AC_FRAMES)
        return 0;  /* one lag, 0 only, has no tempo */
    return (size_t)w;
}

static int valid(const sono_tempo_params *p)
{
    return p && sono_tempo_win_length(p) > 0 && p->start_bpm > 0.0 &&
           isfinite(p->start_bpm) && p->std_bpm > 0.0 && isfinite(p->std_bpm) &&
           p->max_tempo >= 0.0 && isfinite(p->max_tempo) &&
           (p->method == SONO_TEMPO_LIBROSA || p->method == SONO_TEMPO_METRICAL);
}

static int valid_envelope(const float *onset, size_t frames)
{
    if (!onset || frames == 0)
        return 0;
    for (size_t t = 0; t < frames; t++)
        if (!isfinite(onset[t]))
            return 0;
    return 1;
}

int sono_tempogram_mean(const sono_tempo_params *p, const float *onset,
                        size_t frames, double *out)
{
    if (!valid(p) || !out || !valid_envelope(onset, frames))
        return SONO_ERR_INVALID;
    return sono__tempogram_mean(onset, frames, sono_tempo_win_length(p), out);
}

static double bin_bpm(const sono_tempo_params *p, double lag)
{
    return 60.0 * p->sample_rate / ((double)p->hop_length * lag);
}

/* The first bin librosa lets win: bin 0 (infinite BPM) never, and with a
 * max_tempo none whose tempo is at or above it. */
static size_t first_bin(const sono_tempo_params *p, size_t bins)
{
    size_t k = 1;
    if (p->max_tempo > 0.0)
        while (k < bins && !(bin_bpm(p, (double)k) < p->max_tempo))
            k++;
    return k;
}

static double log_prior(const sono_tempo_params *p, double bpm)
{
    double z = (log2(bpm) - log2(p->start_bpm)) / p->std_bpm;
    return -0.5 * z * z;
}

static size_t librosa_bin(const sono_tempo_params *p, const double *tg, size_t bins)
{
    size_t best = 0;
    double best_score = -INFINITY;
    for (size_t k = first_bin(p, bins); k < bins; k++) {
        double s = log1p(1e6 * tg[k]) + log_prior(p, bin_bpm(p, (double)k));
        if (s > best_score) {  /* the first of equal scores, as np.argmax */
            best_score = s;
            best = k;
        }
    }
    return best;
}

/* tg at a fractional lag, linearly interpolated; 0 past the end. */
static double at_lag(const double *tg, size_t bins, double lag)
{
    if (lag < 0.0 || lag > (double)(bins - 1))
        return 0.0;
    size_t i = (size_t)lag;
    double f = lag - (double)i;
    return i + 1 < bins ? tg[i] * (1.0 - f) + tg[i + 1] * f : tg[i];
}

/* The highest of tg within one bin of a fractional lag: a multiple of a
 * period falls between bins, and the peak may sit on either side. */
static double near_lag(const double *tg, size_t bins, double lag)
{
    double best = at_lag(tg, bins, lag);
    for (double d = -1.0; d <= 1.0; d += 0.5) {
        double v = at_lag(tg, bins, lag + d);
        if (v > best)
            best = v;
    }
    return best;
}

#define PULSES 3

/* How well a beat period of `lag` frames explains the tempogram: the
 * average of tg over its first PULSES multiples, each taken at the best of
 * the nearby lags, as far as half the window (beyond it the Hann-windowed
 * autocorrelation has lost most of its weight).  PULSES and the weight of
 * the prior were chosen on bench/tempo.py's set and checked on a second
 * set of other tempi and seeds (docs/tempo.md). */
static double pulse_score(const double *tg, size_t bins, double lag)
{
    double sum = 0.0;
    int n = 0;
    for (int m = 1; m <= PULSES; m++) {
        double l = lag * m;
        if (l > 0.5 * (double)bins)
            break;
        sum += near_lag(tg, bins, l);
        n++;
    }
    return n ? sum / n : 0.0;
}

static size_t metrical_bin(const sono_tempo_params *p, const double *tg, size_t bins)
{
    size_t best = 0;
    double best_score = -INFINITY;
    for (size_t k = first_bin(p, bins); k < bins; k++) {
        double s = log(fmax(pulse_score(tg, bins, (double)k), 1e-12)) +
                   log_prior(p, bin_bpm(p, (double)k));
        if (s > best_score) {
            best_score = s;
            best = k;
        }
    }
    return best;
}

/* The local maximum of tg nearest a fractional lag (within 6 % of it),
 * refined by a parabola through its neighbours: where the half or double
 * tempo's peak actually is. */
static double peak_near(const double *tg, size_t bins, double lag, double *strength)
{
    *strength = 0.0;
    if (lag < 1.0 || lag > (double)(bins - 1))
        return 0.0;
    size_t lo = (size_t)fmax(1.0, floor(lag * 0.94));
    size_t hi = (size_t)fmin((double)(bins - 1), ceil(lag * 1.06));
    size_t best = (size_t)lround(lag);
    if (best > hi)
        best = hi;
    for (size_t k = lo; k <= hi; k++)
        if (tg[k] > tg[best] ||
            (tg[k] == tg[best] && fabs((double)k - lag) < fabs((double)best - lag)))
            best = k;
    if (!(tg[best] > 1e-9))
        return 0.0;  /* no pulse there */
    double at = (double)best;
    if (best > 0 && best + 1 < bins) {
        double a = tg[best - 1], b = tg[best], c = tg[best + 1];
        double den = a - 2.0 * b + c;
        if (den < 0.0)
            at += 0.5 * (a - c) / den;
    }
    *strength = tg[best];
    return at;
}

int sono_tempo_estimate(const sono_tempo_params *p, const float *onset,
                        size_t frames, sono_tempo_result *out)
{
    if (!valid(p) || !out || !valid_envelope(onset, frames))
        return SONO_ERR_INVALID;
    size_t bins = sono_tempo_win_length(p);
    double *tg = sono__malloc_array(bins, sizeof *tg);
    if (!tg)
        return SONO_ERR_NOMEM;
    int err = sono__tempogram_mean(onset, frames, bins, tg);
    if (err != SONO_OK) {
        sono__free(tg);
        return err;
    }
    sono_tempo_result r = {0};
    size_t lib = librosa_bin(p, tg, bins);
    r.librosa_bpm = lib ? bin_bpm(p, (double)lib) : 0.0;
    size_t k = p->method == SONO_TEMPO_LIBROSA ? lib : metrical_bin(p, tg, bins);
    if (k == 0) {  /* max_tempo excluded every bin */
        sono__free(tg);
        return SONO_ERR_INVALID;
    }
    r.lag = k;
    r.bpm = bin_bpm(p, (double)k);
    r.confidence = fmin(1.0, fmax(0.0, tg[k]));
    double lag2 = peak_near(tg, bins, 2.0 * (double)k, &r.half_strength);
    r.half_bpm = lag2 > 0.0 ? bin_bpm(p, lag2) : 0.0;
    double lag_half = peak_near(tg, bins, 0.5 * (double)k, &r.double_strength);
    r.double_bpm = lag_half > 0.0 ? bin_bpm(p, lag_half) : 0.0;
    sono__free(tg);
    *out = r;
    return SONO_OK;
}
