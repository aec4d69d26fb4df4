/* Analysis windows, periodic as scipy.signal.get_window(..., fftbins=True),
 * zero-padded and centred to n_fft as librosa.util.pad_center.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <string.h>

#include "internal.h"

static const struct {
    const char *name;
    sono_window window;
} names[] = {
    {"hann", SONO_WINDOW_HANN},         {"han", SONO_WINDOW_HANN},
    {"hamming", SONO_WINDOW_HAMMING},   {"hamm", SONO_WINDOW_HAMMING},
    {"blackman", SONO_WINDOW_BLACKMAN}, {"black", SONO_WINDOW_BLACKMAN},
    {"bartlett", SONO_WINDOW_BARTLETT}, {"bart", SONO_WINDOW_BARTLETT},
    {"rectangular", SONO_WINDOW_RECTANGULAR},
    {"boxcar", SONO_WINDOW_RECTANGULAR}, {"box", SONO_WINDOW_RECTANGULAR},
    {"rect", SONO_WINDOW_RECTANGULAR},  {"ones", SONO_WINDOW_RECTANGULAR},
};

int sono_window_from_name(const char *name, sono_window *w)
{
    if (!name || !w)
        return SONO_ERR_INVALID;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i].name) == 0) {
            *w = names[i].window;
            return SONO_OK;
        }
    }
    return SONO_ERR_INVALID;
}

const char *sono_window_name(sono_window w)
{
    switch (w) {
    case SONO_WINDOW_HANN: return "hann";
    case SONO_WINDOW_HAMMING: return "hamming";
    case SONO_WINDOW_BLACKMAN: return "blackman";
    case SONO_WINDOW_BARTLETT: return "bartlett";
    case SONO_WINDOW_RECTANGULAR: return "rectangular";
    }
    return "unknown";
}

/* Value k of the periodic window of length m: the symmetric window of
 * m + 1 points with its last point dropped, which is scipy's definition. */
static double window_value(sono_window w, size_t k, size_t m)
{
    const double pi = 3.14159265358979323846;
    double x = 2.0 * pi * (double)k / (double)m;
    switch (w) {
    case SONO_WINDOW_HANN: return 0.5 - 0.5 * cos(x);
    case SONO_WINDOW_HAMMING: return 0.54 - 0.46 * cos(x);
    case SONO_WINDOW_BLACKMAN:
        return 0.42 - 0.5 * cos(x) + 0.08 * cos(2.0 * x);
    case SONO_WINDOW_BARTLETT: {
        double t = 2.0 * (double)k / (double)m;
        return 2 * k <= m ? t : 2.0 - t;
    }
    case SONO_WINDOW_RECTANGULAR: return 1.0;
    }
    return 0.0;
}

int sono_window_fill(sono_window w, size_t win_length, size_t n_fft, float *out)
{
    if (!out || win_length < 1 || win_length > n_fft ||
        (unsigned)w > SONO_WINDOW_RECTANGULAR)
        return SONO_ERR_INVALID;
    size_t left = (n_fft - win_length) / 2;
    memset(out, 0, sizeof(float) * n_fft);
    /* scipy returns [1.0] for a window of one point, whatever its kind. */
    if (win_length == 1) {
        out[left] = 1.0f;
        return SONO_OK;
    }
    for (size_t k = 0; k < win_length; k++)
        out[left + k] = (float)window_value(w, k, win_length);
    return SONO_OK;
}
