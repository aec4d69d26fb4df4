/* Benchmark support outside fft.c: resampling of samples in memory, so
 * that `sono bench` can time libsoxr without decoding (include/sono.h,
 * "Benchmark support").  The FFT floor is in fft.c, the only FFTW user.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>

#include "internal.h"

static int rates_ok(double in_rate, double out_rate)
{
    return in_rate > 0 && out_rate > 0 && isfinite(in_rate) && isfinite(out_rate) &&
           out_rate / in_rate <= 256 && in_rate / out_rate <= 256;
}

/* As sono_source: ceil(n * ratio) with ratio = out_rate / in_rate. */
size_t sono_resample_length(size_t n, double in_rate, double out_rate)
{
    if (!rates_ok(in_rate, out_rate))
        return 0;
    return (size_t)ceil((double)n * (out_rate / in_rate));
}

int sono_resample(const float *in, size_t n, double in_rate, double out_rate,
                  float *out)
{
    if (!in || !out || !rates_ok(in_rate, out_rate))
        return SONO_ERR_INVALID;
    if (n == 0)
        return SONO_ERR_EMPTY;
    size_t target = sono_resample_length(n, in_rate, out_rate);
    int status = SONO_OK;
    sono__resampler *r = sono__resampler_new(in_rate, out_rate, &status);
    if (!r)
        return status;
    /* Output beyond target (the end of the flush) lands here and is cut. */
    float spill[4096];
    size_t fed = 0, done = 0;
    for (int flushing = 0;;) {
        float *dst = done < target ? out + done : spill;
        size_t room = done < target ? target - done : sizeof spill / sizeof spill[0];
        size_t used = 0, produced = 0;
        status = sono__resample(r, flushing ? NULL : in + fed, n - fed, &used,
                                dst, room, &produced);
        if (status != SONO_OK)
            break;
        fed += used;
        if (done < target)
            done += produced;
        if (!flushing && fed == n)
            flushing = 1;
        else if (flushing && produced == 0)
            break;
    }
    sono__resampler_free(r);
    if (status != SONO_OK)
        return status;
    for (; done < target; done++)
        out[done] = 0.0f;
    return SONO_OK;
}
