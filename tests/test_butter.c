/* Butterworth filters (sono_butter_new, sono_iir_*): for every order and type,
 * the impulse response decays (stable) with its energy in (0, 1], and its
 * spectrum is -3.01 dB at the cutoffs, 1 at DC (low-pass), at the Nyquist
 * frequency (high-pass) and at the band's centre (band-pass); closed forms
 * for orders 1 and 2; blocks of any size and in-place filtering give the
 * samples of one call; reset; bad parameters and designs whose 'ba' form
 * would be inaccurate are refused.  The coefficients are compared with scipy
 * in tests/reference/check_butter.py.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "testutil.h"

static const double pi = 3.14159265358979323846;

/* The impulse response until it has decayed below 1e-10 of its peak (at
 * most max samples); its length in *n, or 0 if it did not decay. */
static float *impulse_response(sono_iir *f, size_t max, size_t *n)
{
    const size_t block = 4096;
    float *h = calloc(max, sizeof *h);
    double peak = 0;
    *n = 0;
    if (!h)
        return NULL;
    h[0] = 1.0f;
    for (size_t at = 0; at + block <= max; at += block) {
        double tail = 0;
        sono_iir_process(f, h + at, h + at, block);
        for (size_t i = at; i < at + block; i++) {
            double v = fabs((double)h[i]);
            if (!(v <= tail))
                tail = v; /* NaN too */
        }
        if (tail > peak)
            peak = tail;
        if (at >= block && tail < 1e-10 * peak) {
            *n = at + block;
            break;
        }
    }
    return h;
}

/* |sum h[t] e^(-j w t)|, w in radians per sample. */
static double gain_at(const float *h, size_t n, double w)
{
    double re = 0, im = 0;
    for (size_t t = 0; t < n; t++) {
        re += (double)h[t] * cos(w * (double)t);
        im -= (double)h[t] * sin(w * (double)t);
    }
    return hypot(re, im);
}

static const char *type_name(sono_filter_type t)
{
    return t == SONO_FILTER_LOWPASS ? "lowpass" : t == SONO_FILTER_HIGHPASS ? "highpass" : "bandpass";
}

/* One design: its coefficients, a decaying impulse response, -3.01 dB at
 * the cutoffs (butter.c's bound allows 0.009 dB), and gain 1 where the
 * prototype's is: DC, the Nyquist frequency, or the centre of the band,
 * 2 atan(sqrt(w1 w2) / 4) with the pre-warped edges w = 4 tan(pi f / sr). */
static void check_design(int order, sono_filter_type type, double f1, double f2,
                         double sr, double *worst_db, double *worst_unity)
{
    const char *tn = type_name(type);
    int err = SONO_OK;
    sono_iir *f = sono_butter_new(order, type, f1, f2, sr, &err);
    CHECK(f && err == SONO_OK, "%s order %d %g %g Hz at %g Hz: %s", tn, order, f1, f2, sr,
          sono_strerror(err));
    if (!f)
        return;
    size_t len = sono_iir_length(f), want = (size_t)order + 1;
    if (type == SONO_FILTER_BANDPASS)
        want = 2 * (size_t)order + 1;
    double b[2 * SONO_BUTTER_MAX_ORDER + 1], a[2 * SONO_BUTTER_MAX_ORDER + 1];
    CHECK(len == want, "%s order %d: %zu coefficients, expected %zu", tn, order, len, want);
    sono_iir_coefficients(f, b, a);
    CHECK(a[0] == 1.0, "%s order %d: a[0] = %.17g", tn, order, a[0]);

    size_t n;
    float *h = impulse_response(f, (size_t)1 << 20, &n);
    CHECK(h && n > 0, "%s order %d %g %g Hz: the impulse response does not decay", tn,
          order, f1, f2);
    if (h && n > 0) {
        double energy = 0;
        for (size_t t = 0; t < n; t++)
            energy += (double)h[t] * h[t];
        CHECK(energy > 0 && energy <= 1 + 1e-6, "%s order %d %g %g Hz: energy %g", tn,
              order, f1, f2, energy);
        double edges[2] = {f1, f2};
        for (int e = 0; e < (type == SONO_FILTER_BANDPASS ? 2 : 1); e++) {
            double db = 20 * log10(gain_at(h, n, 2 * pi * edges[e] / sr));
            double off = fabs(db + 10 * log10(2.0));
            CHECK(off < 0.01, "%s order %d %g %g Hz: %.6f dB at %g Hz", tn, order, f1, f2,
                  db, edges[e]);
            if (!(off <= *worst_db))
                *worst_db = off;
        }
        double w = 0;
        if (type == SONO_FILTER_HIGHPASS)
            w = pi;
        if (type == SONO_FILTER_BANDPASS)
            w = 2 * atan(sqrt(4 * tan(pi * f1 / sr) * 4 * tan(pi * f2 / sr)) / 4);
        double g = gain_at(h, n, w);
        CHECK(fabs(g - 1) < 1e-3, "%s order %d %g %g Hz: gain %.9f at %g rad/sample", tn,
              order, f1, f2, g, w);
        if (!(fabs(g - 1) <= *worst_unity))
            *worst_unity = fabs(g - 1);
    }
    free(h);
    sono_iir_free(f);
}

static void test_responses(void)
{
    /* Every order at each of these... */
    static const struct {
        sono_filter_type type;
        double f1, f2, sr;
    } cases[] = {
        {SONO_FILTER_LOWPASS, 1500, 0, 44100},     {SONO_FILTER_LOWPASS, 5000, 0, 22050},
        {SONO_FILTER_LOWPASS, 10000, 0, 22050},    {SONO_FILTER_HIGHPASS, 1500, 0, 44100},
        {SONO_FILTER_HIGHPASS, 2250, 0, 22050},    {SONO_FILTER_HIGHPASS, 20000, 0, 44100},
        {SONO_FILTER_BANDPASS, 4000, 9000, 44100}, {SONO_FILTER_BANDPASS, 2000, 5000, 22050},
    };
    /* ... and designs near the limit of butter.c's check, which pass. */
    static const struct {
        int order;
        sono_filter_type type;
        double f1, f2, sr;
    } edge[] = {
        {5, SONO_FILTER_LOWPASS, 70, 0, 44100},      {10, SONO_FILTER_LOWPASS, 1300, 0, 44100},
        {5, SONO_FILTER_HIGHPASS, 35, 0, 22050},     {3, SONO_FILTER_LOWPASS, 2, 0, 44100},
        {5, SONO_FILTER_BANDPASS, 300, 3400, 44100}, {5, SONO_FILTER_BANDPASS, 300, 3400, 22050},
        {2, SONO_FILTER_BANDPASS, 40, 46, 44100},    {8, SONO_FILTER_LOWPASS, 21000, 0, 44100},
    };
    double worst_db = 0, worst_unity = 0;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        for (int order = 1; order <= SONO_BUTTER_MAX_ORDER; order++)
            check_design(order, cases[c].type, cases[c].f1, cases[c].f2, cases[c].sr,
                         &worst_db, &worst_unity);
    for (size_t c = 0; c < sizeof edge / sizeof edge[0]; c++)
        check_design(edge[c].order, edge[c].type, edge[c].f1, edge[c].f2, edge[c].sr,
                     &worst_db, &worst_unity);
    printf("responses: worst |dB + 3.0103| at a cutoff %.2e dB, worst |gain - 1| %.2e\n",
           worst_db, worst_unity);
}

/* Orders 1 and 2 in closed form, with t = tan(pi Wn / 2): the low-pass of
 * order 1 is b = t / (1 + t) [1, 1], a = [1, (t - 1) / (t + 1)]; at Wn = 1/2
 * the one of order 2 is b = [1, 2, 1] / (2 + sqrt 2), a = [1, 0, (2 - sqrt 2)
 * / (2 + sqrt 2)]. */
static void test_closed_forms(void)
{
    double b[3], a[3], t = tan(pi * 0.25 / 2);
    sono_iir *f = sono_butter_new(1, SONO_FILTER_LOWPASS, 1000, 0, 8000, NULL);
    CHECK(f != NULL, "order 1 low-pass refused");
    if (f) {
        sono_iir_coefficients(f, b, a);
        CHECK(fabs(b[0] - t / (1 + t)) < 1e-15 && fabs(b[1] - t / (1 + t)) < 1e-15 &&
                  fabs(a[1] - (t - 1) / (t + 1)) < 1e-15,
              "order 1: b %.17g %.17g a %.17g", b[0], b[1], a[1]);
    }
    sono_iir_free(f);
    f = sono_butter_new(2, SONO_FILTER_LOWPASS, 11025, 0, 44100, NULL);
    CHECK(f != NULL, "order 2 low-pass refused");
    if (f) {
        double s = sqrt(2.0);
        sono_iir_coefficients(f, b, a);
        CHECK(fabs(b[0] - 1 / (2 + s)) < 1e-15 && fabs(b[1] - 2 / (2 + s)) < 1e-15 &&
                  fabs(b[2] - 1 / (2 + s)) < 1e-15 && fabs(a[1]) < 1e-15 &&
                  fabs(a[2] - (2 - s) / (2 + s)) < 1e-15,
              "order 2: b %.17g %.17g %.17g a %.17g %.17g", b[0], b[1], b[2], a[1], a[2]);
    }
    sono_iir_free(f);
}

/* Blocks of odd sizes, in place, and after a reset: the samples of one call. */
static void test_streaming(void)
{
    const size_t n = 50000;
    static const size_t sizes[] = {1, 7, 13, 997, 2, 4099, 31};
    float *x = malloc(n * sizeof *x), *one = malloc(n * sizeof *one);
    float *blocks = malloc(n * sizeof *blocks), *inplace = malloc(n * sizeof *inplace);
    sono_iir *f = sono_butter_new(5, SONO_FILTER_BANDPASS, 300, 3400, 44100, NULL);
    CHECK(x && one && blocks && inplace && f, "setup");
    if (x && one && blocks && inplace && f) {
        test_noise(x, n, 7);
        sono_iir_process(f, x, one, n);
        sono_iir_reset(f);
        for (size_t at = 0, k = 0; at < n; k++) {
            size_t m = sizes[k % (sizeof sizes / sizeof sizes[0])];
            if (m > n - at)
                m = n - at;
            sono_iir_process(f, x + at, blocks + at, m);
            at += m;
        }
        CHECK(memcmp(one, blocks, n * sizeof *one) == 0, "blocks differ from one call");
        sono_iir_reset(f);
        memcpy(inplace, x, n * sizeof *x);
        sono_iir_process(f, inplace, inplace, n);
        CHECK(memcmp(one, inplace, n * sizeof *one) == 0,
              "in place (after a reset) differs from one call");
        sono_iir_process(f, x, blocks, 0);
        double e = 0;
        for (size_t i = 0; i < n; i++)
            e += (double)one[i] * one[i];
        CHECK(e > 0, "the band-pass output is silent");
    }
    sono_iir_free(f);
    free(x);
    free(one);
    free(blocks);
    free(inplace);
}

static void refused(int order, int type, double f1, double f2, double sr, const char *why)
{
    int err = SONO_OK;
    sono_iir *f = sono_butter_new(order, (sono_filter_type)type, f1, f2, sr, &err);
    CHECK(f == NULL && err == SONO_ERR_INVALID, "%s (order %d, type %d, %g, %g, %g): %s",
          why, order, type, f1, f2, sr, sono_strerror(err));
    sono_iir_free(f);
    f = sono_butter_new(order, (sono_filter_type)type, f1, f2, sr, NULL);
    CHECK(f == NULL, "%s, err NULL", why);
    sono_iir_free(f);
}

static void test_refusals(void)
{
    const int lp = SONO_FILTER_LOWPASS, hp = SONO_FILTER_HIGHPASS, bp = SONO_FILTER_BANDPASS;
    refused(0, lp, 1000, 0, 44100, "order 0");
    refused(-1, lp, 1000, 0, 44100, "order -1");
    refused(SONO_BUTTER_MAX_ORDER + 1, lp, 5000, 0, 22050, "order above the maximum");
    refused(2, 3, 1000, 2000, 44100, "type 3");
    refused(2, -1, 1000, 2000, 44100, "type -1");
    refused(2, lp, 0, 0, 44100, "cutoff 0");
    refused(2, hp, -100, 0, 44100, "cutoff -100");
    refused(2, lp, 22050, 0, 44100, "cutoff sr/2");
    refused(2, hp, 30000, 0, 44100, "cutoff above sr/2");
    refused(2, lp, NAN, 0, 44100, "cutoff NaN");
    refused(2, lp, INFINITY, 0, 44100, "cutoff infinite");
    refused(2, lp, 1000, 0, 0, "rate 0");
    refused(2, lp, 1000, 0, -44100, "rate negative");
    refused(2, lp, 1000, 0, NAN, "rate NaN");
    refused(2, lp, 1000, 0, INFINITY, "rate infinite");
    refused(2, lp, nextafter(22050, 0), 0, 44100, "cutoff just below sr/2 (Wn rounds to 1)");
    refused(2, bp, 2000, 1000, 44100, "LOW > HIGH");
    refused(2, bp, 1000, 1000, 44100, "LOW = HIGH");
    refused(2, bp, 1000, 22050, 44100, "HIGH = sr/2");
    refused(2, bp, 1000, 30000, 44100, "HIGH above sr/2");
    refused(2, bp, 0, 1000, 44100, "LOW 0");
    refused(2, bp, 1000, NAN, 44100, "HIGH NaN");
    /* Accurate in theory, not as 'ba' coefficients in double: scipy's
     * versions of these are unstable. */
    refused(8, lp, 100, 0, 44100, "order 8 low-pass at 100 Hz");
    refused(8, bp, 300, 3400, 44100, "order 8 band-pass 300-3400 Hz");
    refused(10, lp, 20, 0, 44100, "order 10 low-pass at 20 Hz");
    refused(6, hp, 22000, 0, 44100, "order 6 high-pass at 22000 Hz");
    refused(4, bp, 100, 110, 44100, "order 4 band-pass 100-110 Hz");

    /* ... while these pass (header comment). */
    static const struct {
        int order, type;
        double f1, f2, sr;
    } fine[] = {
        {5, SONO_FILTER_LOWPASS, 70, 0, 44100},   {10, SONO_FILTER_LOWPASS, 1300, 0, 44100},
        {5, SONO_FILTER_BANDPASS, 300, 3400, 44100}, {5, SONO_FILTER_BANDPASS, 300, 3400, 22050},
        {1, SONO_FILTER_HIGHPASS, 1, 0, 44100},   {2, SONO_FILTER_LOWPASS, 22049, 0, 44100},
    };
    for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++) {
        int err = SONO_OK;
        sono_iir *f = sono_butter_new(fine[i].order, (sono_filter_type)fine[i].type,
                                      fine[i].f1, fine[i].f2, fine[i].sr, &err);
        CHECK(f != NULL, "order %d %s %g %g Hz at %g Hz refused: %s", fine[i].order,
              type_name((sono_filter_type)fine[i].type), fine[i].f1, fine[i].f2, fine[i].sr,
              sono_strerror(err));
        sono_iir_free(f);
    }
    sono_iir_free(NULL);
    sono_iir_reset(NULL);
    CHECK(sono_iir_length(NULL) == 0, "length of NULL");
}

int main(void)
{
    test_responses();
    test_closed_forms();
    test_streaming();
    test_refusals();
    return test_summary("butter");
}
