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
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

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

/* ln(a) for a positive normal float a, within a few units in the last
 * place of a double: a = 2^e * m with m in [sqrt(1/2), sqrt(2)), and
 * ln(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716, by its series
 * to s^23 (the first term left out is below 2^-55 of the sum).  m - 1 and
 * m + 1 are exact, so s is rounded once.  Written without calls or
 * branches, so that a loop of it vectorises: libm's log10 costs a call and
 * some 20 cycles per value, the bulk of a mel spectrogram's dB conversion. */
static inline double ln_float(float a)
{
    const double ln2_hi = 6.93147180369123816490e-01; /* ln 2, 32 bits: e * ln2_hi is exact */
    const double ln2_lo = 1.90821492927058770002e-10;
    uint32_t bits, mbits;
    memcpy(&bits, &a, sizeof bits);
    mbits = (bits & 0x007fffffu) | 0x3f800000u;
    float mf;
    memcpy(&mf, &mbits, sizeof mf);
    double m = mf, e = (double)((int32_t)(bits >> 23) - 127);
    int high = m > 1.41421356237309504880;
    m = high ? 0.5 * m : m;
    e = high ? e + 1.0 : e;
    double s = (m - 1.0) / (m + 1.0), z = s * s, t = 2.0 * s;
    double p = 1.0 / 23;
    p = p * z + 1.0 / 21;
    p = p * z + 1.0 / 19;
    p = p * z + 1.0 / 17;
    p = p * z + 1.0 / 15;
    p = p * z + 1.0 / 13;
    p = p * z + 1.0 / 11;
    p = p * z + 1.0 / 9;
    p = p * z + 1.0 / 7;
    p = p * z + 1.0 / 5;
    p = p * z + 1.0 / 3;
    return e * ln2_hi + ((e * ln2_lo + t * z * p) + t);
}

SONO__VECTOR_CLONES
void sono_db_apply(const sono_db *d, const float *in, float *out, size_t n)
{
    /* Values at or below amin (and NaN, as fmax treats it) take amin's
     * level.  The series needs normal floats: an amin below FLT_MIN, which
     * lets subnormal values through, goes through libm. */
    double floor_db = d->floor_db, ref_db = d->ref_db, amin = d->amin;
    double at_amin = d->scale * log10(amin) - ref_db;
    if (!(amin >= FLT_MIN)) {
        for (size_t i = 0; i < n; i++) {
            double v = d->scale * log10(fmax(amin, fabs((double)in[i]))) - ref_db;
            out[i] = (float)(v > floor_db ? v : floor_db);
        }
        return;
    }
    const double k = d->scale / 2.30258509299404568402; /* scale / ln 10 */
    for (size_t i = 0; i < n; i++) {
        float a = fabsf(in[i]);
        double v = k * ln_float(a) - ref_db;
        v = (double)a > amin ? v : at_amin;
        v = a > FLT_MAX ? (double)INFINITY : v;
        out[i] = (float)(v > floor_db ? v : floor_db);
    }
}

int sono_to_db(float *x, size_t n, const sono_db_params *p)
{
    /* For |x| the bits order as the values, and any bits from those of
     * infinity up are infinity or NaN: one integer maximum finds both the
     * peak and whether every value is finite. */
    uint32_t top = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t b;
        memcpy(&b, &x[i], sizeof b);
        b &= 0x7fffffffu;
        top = b > top ? b : top;
    }
    if (top >= 0x7f800000u)
        return SONO_ERR_NONFINITE;
    float peak;
    memcpy(&peak, &top, sizeof peak);
    sono_db d;
    int r = sono_db_prepare(&d, p, (double)peak);
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
