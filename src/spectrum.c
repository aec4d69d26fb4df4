/* Magnitude, power and phase of complex spectra.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The magnitude is sqrt(re^2 + im^2) in double precision, rounded to float:
 * the squares and their sum are exact or rounded once in double, so the
 * result is hypotf's (glibc computes hypotf this way too, and numpy's abs
 * of complex64 calls it), without hypotf's call per value, and the loop
 * vectorises.  Unlike hypotf it gives NaN, not infinity, for an infinite
 * part beside a NaN one; STFTs of finite signals have neither. */
#include <math.h>

#include "internal.h"

SONO__VECTOR_CLONES
void sono_magnitude(const sono_complex *in, float *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double re = in[i].re, im = in[i].im;
        out[i] = (float)sqrt(re * re + im * im);
    }
}

/* |S|^2 rounded through |S| in float32, as numpy's np.abs(S)**2 does, so
 * that power spectra agree with librosa's to the last bit where possible. */
SONO__VECTOR_CLONES
void sono_power(const sono_complex *in, float *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double re = in[i].re, im = in[i].im;
        float m = (float)sqrt(re * re + im * im);
        out[i] = m * m;
    }
}

void sono_phase(const sono_complex *in, float *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = atan2f(in[i].im, in[i].re);
}
