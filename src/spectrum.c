/* Magnitude, power and phase of complex spectra.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>

#include "internal.h"

void sono_magnitude(const sono_complex *in, float *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = hypotf(in[i].re, in[i].im);
}

/* |S|^2 rounded through |S| in float32, as numpy's np.abs(S)**2 does, so
 * that power spectra agree with librosa's to the last bit where possible. */
void sono_power(const sono_complex *in, float *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float m = hypotf(in[i].re, in[i].im);
        out[i] = m * m;
    }
}

void sono_phase(const sono_complex *in, float *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = atan2f(in[i].im, in[i].re);
}
