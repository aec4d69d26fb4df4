/* Power and amplitude to decibels and back, as librosa.power_to_db,
 * amplitude_to_db, db_to_power and db_to_amplitude.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * librosa computes amplitude_to_db(S) as power_to_db(S**2, ref**2, amin**2),
 * i.e. 10 * log10(max(amin^2, S^2)) - 10 * log10(max(amin^2, ref^2)); with
 * the input squared that is 20 * log10(max(amin, S)) - 20 * log10(max(amin,
 * ref)), which is what is computed here, without squaring tiny values.  The
 * top_db floor is relative to the output's maximum, which is the log of the
 * input's peak: the conversion can therefore be prepared from the peak alone
 * and then applied block by block. */
#include <math.h>

#include "internal.h"

void sono_db_params_default(sono_db_params *p, int amplitude)
{
    p->amplitude = amplitude != 0;
    p->ref_is_max = 0;
    p->ref = 1.0;
    p->amin = 0.0;
    p->top_db = 80.0;
}

int sono_db_prepare(sono_db *d, const sono_db_params *p, double peak)
{
    if (!d || !p || isnan(p->top_db) || isnan(peak) || peak < 0 ||
        isinf(peak))
        return SONO_ERR_INVALID;
    double amin = p->amin > 0 ? p->amin : (p->amplitude ? 1e-5 : 1e-10);
    if (!(amin > 0) || isinf(amin))
        return SONO_ERR_INVALID;
    double ref = p->ref_is_max ? peak : fabs(p->ref);
    if (isnan(ref) || isinf(ref))
        return SONO_ERR_INVALID;
    d->scale = p->amplitude ? 20.0 : 10.0;
    d->amin = amin;
    d->ref_db = d->scale * log10(fmax(amin, ref));
    d->floor_db = -INFINITY;
    if (p->top_db >= 0) {
        double top = d->scale * log10(fmax(amin, peak)) - d->ref_db;
        d->floor_db = top - p->top_db;
    }
    return SONO_OK;
}

void sono_db_apply(const sono_db *d, const float *in, float *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = d->scale * log10(fmax(d->amin, fabs((double)in[i]))) -
                   d->ref_db;
        out[i] = (float)(v > d->floor_db ? v : d->floor_db);
    }
}

int sono_to_db(float *x, size_t n, const sono_db_params *p)
{
    double peak = 0.0;
    for (size_t i = 0; i < n; i++) {
        double v = fabs((double)x[i]);
        if (isnan(v) || isinf(v))
            return SONO_ERR_NONFINITE;
        if (v > peak)
            peak = v;
    }
    sono_db d;
    int r = sono_db_prepare(&d, p, peak);
    if (r == SONO_OK)
        sono_db_apply(&d, x, x, n);
    return r;
}

void sono_from_db(float *x, size_t n, double ref, int amplitude)
{
    for (size_t i = 0; i < n; i++) {
        double power = (amplitude ? ref * ref : ref) * pow(10.0, 0.1 * x[i]);
        x[i] = (float)(amplitude ? sqrt(power) : power);
    }
}
