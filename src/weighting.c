/* The A-weighting curve, as librosa 0.10's A_weighting evaluates it: the
 * IEC 61672 response in dB, normalised to 0 dB at 1 kHz by its +2.0 dB, with
 * librosa's four pole frequencies.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * 20 log10 of f^4 c0 / ((f^2 + c0)(f^2 + c1) sqrt((f^2 + c2)(f^2 + c3))),
 * written as librosa writes it, a sum of logarithms of f^2 terms, so that
 * the values agree to rounding; 0 Hz gives -infinity before the floor. */
#include <math.h>

#include "internal.h"

void sono_a_weighting(const double *hz, size_t n, double min_db, double *out)
{
    static const double pole[4] = {12194.217, 20.598997, 107.65265, 737.86223};
    double c[4];
    for (int i = 0; i < 4; i++)
        c[i] = pole[i] * pole[i];
    for (size_t k = 0; k < n; k++) {
        double f2 = hz[k] * hz[k];
        double w = 2.0 + 20.0 * (log10(c[0]) + 2.0 * log10(f2) - log10(f2 + c[0]) -
                                 log10(f2 + c[1]) - 0.5 * log10(f2 + c[2]) -
                                 0.5 * log10(f2 + c[3]));
        out[k] = w > min_db ? w : min_db;
    }
}
