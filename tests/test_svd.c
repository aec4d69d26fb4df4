/* Low-rank approximation (sono_low_rank): on random matrices (flat,
 * decaying and exactly low-rank spectra, tall and wide) and on a real
 * |STFT|, through the exact and the randomized path, the Frobenius error
 * equals the root-sum-square of the discarded singular values (Eckart–Young)
 * within 1e-3 relative; the reference singular values come from a one-sided
 * Jacobi SVD in double written here, independent of LAPACK.  A rank >=
 * min(rows, cols) gives the input back; the same seed gives the same bits;
 * out may be in; bad arguments give the documented codes.  Also the linalg.c
 * wrappers the path stands on (QR, symmetric eigenvalues).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <float.h>
#include <stdint.h>

#include "../src/linalg.h"
#include "testutil.h"

#define EY_TOL 1e-3

static size_t min_sz(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* ---- references -------------------------------------------------------- */

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* The min(rows, cols) singular values of the row-major matrix a, largest
 * first, by one-sided Jacobi (Hestenes): plane rotations of pairs of
 * vectors (columns of a, or rows when it is wide) until all are orthogonal;
 * the singular values are then their norms. */
static double *jacobi_sv(const float *a, size_t rows, size_t cols)
{
    size_t n = min_sz(rows, cols), m = rows + cols - n;
    double *g = malloc(n * m * sizeof *g), *s = malloc(n * sizeof *s);
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < m; i++)
            g[j * m + i] = rows >= cols ? a[i * cols + j] : a[j * cols + i];
    for (int sweep = 0; sweep < 80; sweep++) {
        int rotated = 0;
        for (size_t p = 0; p + 1 < n; p++) {
            for (size_t q = p + 1; q < n; q++) {
                double *gp = g + p * m, *gq = g + q * m, al = 0, be = 0, ga = 0;
                for (size_t i = 0; i < m; i++) {
                    al += gp[i] * gp[i];
                    be += gq[i] * gq[i];
                    ga += gp[i] * gq[i];
                }
                if (fabs(ga) <= 1e-15 * sqrt(al * be))
                    continue;
                rotated = 1;
                double zeta = (be - al) / (2 * ga);
                double t = (zeta >= 0 ? 1.0 : -1.0) / (fabs(zeta) + sqrt(1 + zeta * zeta));
                double c = 1 / sqrt(1 + t * t), sn = c * t;
                for (size_t i = 0; i < m; i++) {
                    double x = gp[i], y = gq[i];
                    gp[i] = c * x - sn * y;
                    gq[i] = sn * x + c * y;
                }
            }
        }
        if (!rotated)
            break;
    }
    for (size_t j = 0; j < n; j++) {
        double e = 0;
        for (size_t i = 0; i < m; i++)
            e += g[j * m + i] * g[j * m + i];
        s[j] = sqrt(e);
    }
    qsort(s, n, sizeof *s, cmp_desc);
    free(g);
    return s;
}

static double frob(const float *a, const float *b, size_t n)
{
    double e = 0;
    for (size_t i = 0; i < n; i++) {
        double d = (double)a[i] - (b ? (double)b[i] : 0.0);
        e += d * d;
    }
    return sqrt(e);
}

/* sqrt of the sum of s[k..n)^2. */
static double tail(const double *s, size_t n, size_t k)
{
    double e = 0;
    for (size_t i = k; i < n; i++)
        e += s[i] * s[i];
    return sqrt(e);
}

/* ---- test matrices -------------------------------------------------------- */

/* Uniform noise: the flattest spectrum, the randomized path's hard case. */
static float *noise_matrix(size_t rows, size_t cols, unsigned seed)
{
    float *a = malloc(rows * cols * sizeof *a);
    test_noise(a, rows * cols, seed);
    return a;
}

/* Sum of `terms` random outer products weighted 0.8^i: a decaying spectrum
 * (spectrogram-like), exactly of rank `terms` when noise is 0. */
static float *decaying_matrix(size_t rows, size_t cols, size_t terms,
                              double noise, unsigned seed)
{
    float *a = noise_matrix(rows, cols, seed);
    float *u = noise_matrix(rows, terms, seed + 1);
    float *v = noise_matrix(cols, terms, seed + 2);
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < cols; j++) {
            double x = noise * a[i * cols + j], w = 1;
            for (size_t t = 0; t < terms; t++, w *= 0.8)
                x += w * u[i * terms + t] * v[j * terms + t];
            a[i * cols + j] = (float)x;
        }
    free(u);
    free(v);
    return a;
}

/* |STFT| of the first 3 s of a clip, frames x bins (n_fft 512, hop 256). */
static float *spectrogram(const char *data, const char *clip, size_t *rows,
                          size_t *cols)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", data, clip);
    sono_source_params sp;
    sono_source_params_default(&sp);
    sp.duration = 3.0;
    sono_signal sig;
    int err = sono_load(path, &sp, &sig);
    CHECK(err == SONO_OK, "%s: %s", path, sono_strerror(err));
    if (err != SONO_OK)
        return NULL;
    sono_stft_params p = test_stft_params(512, 256, 0, SONO_WINDOW_HANN, 1,
                                          SONO_PAD_CONSTANT);
    sono_stft *s = sono_stft_new(&p, &err);
    size_t frames = 0, bins = 257;
    sono_stft_frame_count(&p, sig.frames, &frames);
    sono_complex *spec = malloc(frames * bins * sizeof *spec);
    float *mag = malloc(frames * bins * sizeof *mag);
    sono_stft_run(s, sig.data[0], sig.frames, spec);
    sono_magnitude(spec, mag, frames * bins);
    sono_stft_free(s);
    sono_signal_free(&sig);
    free(spec);
    *rows = frames;
    *cols = bins;
    return mag;
}

/* ---- Eckart–Young ----------------------------------------------------------- */

enum { PATH_EXACT, PATH_RANDOMIZED, PATH_PUBLIC };
static const char *const path_name[] = {"exact", "randomized", "public"};
static double worst_excess[3];

/* Approximates a by one path and checks the error against the discarded
 * singular values s (from jacobi_sv) and the returned sigma against s.
 * The float output's rounding (2^-24 of each value) is a floor below which
 * the optimum cannot be reached: allowed on top of the 1e-3. */
static void check_ey(const char *name, const float *a, size_t rows,
                     size_t cols, const double *s, size_t k, int path)
{
    size_t n = rows * cols, mn = min_sz(rows, cols);
    float *out = malloc(n * sizeof *out);
    double *sigma = malloc(k * sizeof *sigma);
    int iter = 0, err;
    if (path == PATH_EXACT)
        err = sono__low_rank_exact(a, rows, cols, k, out, sigma);
    else if (path == PATH_RANDOMIZED)
        err = sono__low_rank_randomized(a, rows, cols, k, 7, out, sigma, &iter);
    else
        err = sono_low_rank(a, rows, cols, k, 7, out, sigma);
    CHECK(err == SONO_OK, "%s %zux%zu rank %zu %s: %s", name, rows, cols, k,
          path_name[path], sono_strerror(err));
    if (err == SONO_OK) {
        double e = frob(a, out, n), t = tail(s, mn, k), norm = frob(a, NULL, n);
        double floor = 4 * FLT_EPSILON * norm;
        double excess = t > 0 ? (e - t) / t : e / norm;
        if (t > 100 * floor && fabs(excess) > worst_excess[path])
            worst_excess[path] = fabs(excess); /* above the rounding floor */
        CHECK(fabs(e - t) <= EY_TOL * t + floor,
              "%s %zux%zu rank %zu %s: error %.9g, optimum %.9g (excess %.2e, %d iterations)",
              name, rows, cols, k, path_name[path], e, t, excess, iter);
        /* Exact singular values agree with Jacobi's to rounding; the
         * randomized estimates are below the true ones. */
        for (size_t i = 0; i < k; i++) {
            if (path == PATH_EXACT)
                CHECK(fabs(sigma[i] - s[i]) <= 1e-9 * s[0], "%s rank %zu: sigma[%zu] %.12g, "
                      "Jacobi %.12g", name, k, i, sigma[i], s[i]);
            else
                CHECK(sigma[i] <= s[i] + 1e-9 * s[0], "%s rank %zu %s: sigma[%zu] %.12g above "
                      "Jacobi's %.12g", name, k, path_name[path], i, sigma[i], s[i]);
        }
        if (path == PATH_RANDOMIZED && iter < 0)
            printf("  %s %zux%zu rank %zu: randomized fell back to the exact SVD\n", name,
                   rows, cols, k);
    }
    free(out);
    free(sigma);
}

static void check_matrix(const char *name, const float *a, size_t rows,
                         size_t cols, const size_t *ranks, size_t n_ranks)
{
    double *s = jacobi_sv(a, rows, cols);
    for (size_t i = 0; i < n_ranks; i++) {
        if (ranks[i] >= min_sz(rows, cols))
            continue;
        check_ey(name, a, rows, cols, s, ranks[i], PATH_EXACT);
        check_ey(name, a, rows, cols, s, ranks[i], PATH_RANDOMIZED);
        check_ey(name, a, rows, cols, s, ranks[i], PATH_PUBLIC);
    }
    free(s);
}

static void test_random(void)
{
    static const size_t ranks[] = {1, 2, 3, 5, 8, 13, 30, 49};
    static const size_t shapes[][2] = {{120, 50}, {50, 120}, {300, 200}, {33, 33}};
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
        size_t r = shapes[i][0], c = shapes[i][1];
        float *a = noise_matrix(r, c, 11 + (unsigned)i);
        check_matrix("noise", a, r, c, ranks, sizeof ranks / sizeof *ranks);
        free(a);
        a = decaying_matrix(r, c, 40, 1e-3, 21 + (unsigned)i);
        check_matrix("decaying", a, r, c, ranks, sizeof ranks / sizeof *ranks);
        free(a);
        a = decaying_matrix(r, c, 3, 0, 31 + (unsigned)i);
        check_matrix("rank-3", a, r, c, ranks, sizeof ranks / sizeof *ranks);
        free(a);
    }
    /* The public call takes the randomized path on small ranks. */
    CHECK(sono__low_rank_method(300, 200, 5) == SONO__LOW_RANK_RANDOMIZED, "300x200 rank 5");
    CHECK(sono__low_rank_method(300, 200, 30) == SONO__LOW_RANK_EXACT, "300x200 rank 30");
    CHECK(sono__low_rank_method(200, 300, 200) == SONO__LOW_RANK_COPY, "200x300 rank 200");
}

static void test_spectrogram(const char *data)
{
    size_t rows = 0, cols = 0;
    float *a = spectrogram(data, "trumpet.ogg", &rows, &cols);
    if (!a)
        return;
    static const size_t ranks[] = {1, 5, 10, 20, 32, 40, 100, 200, 256};
    double *s = jacobi_sv(a, rows, cols);
    for (size_t i = 0; i < sizeof ranks / sizeof *ranks; i++) {
        check_ey("trumpet |STFT|", a, rows, cols, s, ranks[i], PATH_EXACT);
        check_ey("trumpet |STFT|", a, rows, cols, s, ranks[i], PATH_RANDOMIZED);
        check_ey("trumpet |STFT|", a, rows, cols, s, ranks[i], PATH_PUBLIC);
    }
    CHECK(sono__low_rank_method(rows, cols, 20) == SONO__LOW_RANK_RANDOMIZED &&
              sono__low_rank_method(rows, cols, 40) == SONO__LOW_RANK_EXACT,
          "%zux%zu: rank 20 randomized, 40 exact", rows, cols);
    /* The randomized estimates of the leading singular values. */
    double sigma[20], worst = 0;
    float *out = malloc(rows * cols * sizeof *out);
    sono_low_rank(a, rows, cols, 20, 1, out, sigma);
    for (int i = 0; i < 20; i++)
        worst = fmax(worst, (s[i] - sigma[i]) / s[i]);
    CHECK(worst <= 1e-4, "randomized sigma off by %.2e", worst);
    printf("trumpet |STFT| %zux%zu: randomized rank-20 sigma within %.1e of Jacobi's\n",
           rows, cols, worst);
    free(out);
    free(s);
    free(a);
}

/* Uniform noise, 1000 x 400, rank 11: the singular values around the rank
 * are so close that 16 power iterations do not settle; the randomized path
 * must then give the exact path's result. */
static void test_fallback(void)
{
    size_t r = 1000, c = 400, n = r * c;
    float *a = noise_matrix(r, c, 13);
    float *o1 = malloc(n * sizeof *o1), *o2 = malloc(n * sizeof *o2);
    double s1[11], s2[11];
    int iter = 0;
    int err = sono__low_rank_randomized(a, r, c, 11, 7, o1, s1, &iter);
    sono__low_rank_exact(a, r, c, 11, o2, s2);
    CHECK(err == SONO_OK && iter == -1, "noise 1000x400 rank 11: %d iterations (expected "
          "no convergence)", iter);
    CHECK(memcmp(o1, o2, n * sizeof *o1) == 0 && memcmp(s1, s2, sizeof s1) == 0,
          "the fallback is not the exact path");
    free(a);
    free(o1);
    free(o2);
}

/* ---- the copy, reproducibility, aliasing ------------------------------------- */

static void test_full_rank(void)
{
    static const size_t shapes[][2] = {{1, 1}, {1, 17}, {17, 1}, {40, 25}, {25, 40}};
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
        size_t r = shapes[i][0], c = shapes[i][1], mn = min_sz(r, c), n = r * c;
        float *a = noise_matrix(r, c, 41 + (unsigned)i), *out = malloc(n * sizeof *out);
        double *s = jacobi_sv(a, r, c), sigma[40];
        for (size_t k = mn; k <= mn + 5; k += 5) {
            int err = sono_low_rank(a, r, c, k, 0, out, sigma);
            double e = frob(a, out, n), norm = frob(a, NULL, n);
            double snr = e > 0 ? 20 * log10(norm / e) : INFINITY;
            CHECK(err == SONO_OK && snr >= 60, "%zux%zu rank %zu: %s, SNR %.1f dB", r, c, k,
                  sono_strerror(err), snr);
            CHECK(memcmp(a, out, n * sizeof *a) == 0, "%zux%zu rank %zu: not a copy", r, c, k);
            for (size_t j = 0; j < mn; j++)
                CHECK(fabs(sigma[j] - s[j]) <= 1e-9 * s[0], "%zux%zu: sigma[%zu] %.12g vs %.12g",
                      r, c, j, sigma[j], s[j]);
        }
        free(s);
        free(a);
        free(out);
    }
}

static void test_reproducible(void)
{
    size_t r = 400, c = 150, n = r * c;
    float *a = decaying_matrix(r, c, 60, 1e-2, 51);
    float *o1 = malloc(n * sizeof *o1), *o2 = malloc(n * sizeof *o2);
    float *o3 = malloc(n * sizeof *o3), *in_place = malloc(n * sizeof *in_place);
    CHECK(sono__low_rank_method(r, c, 4) == SONO__LOW_RANK_RANDOMIZED, "400x150 rank 4");
    sono_low_rank(a, r, c, 4, 1234, o1, NULL);
    sono_low_rank(a, r, c, 4, 1234, o2, NULL);
    sono_low_rank(a, r, c, 4, 99, o3, NULL);
    CHECK(memcmp(o1, o2, n * sizeof *o1) == 0, "same seed, different output");
    CHECK(memcmp(o1, o3, n * sizeof *o1) != 0, "another seed, the same bits");
    /* Both seeds are within the tolerance, and close to each other. */
    CHECK(frob(o1, o3, n) <= 1e-2 * frob(o1, NULL, n), "seeds differ by %g of the norm",
          frob(o1, o3, n) / frob(o1, NULL, n));
    /* In place equals out of place, on both paths. */
    for (size_t k = 4; k <= 40; k += 36) {
        memcpy(in_place, a, n * sizeof *a);
        sono_low_rank(a, r, c, k, 5, o1, NULL);
        int err = sono_low_rank(in_place, r, c, k, 5, in_place, NULL);
        CHECK(err == SONO_OK && memcmp(o1, in_place, n * sizeof *o1) == 0,
              "rank %zu: in place differs", k);
    }
    /* The public call is the path it names, bit for bit. */
    sono_low_rank(a, r, c, 4, 77, o1, NULL);
    sono__low_rank_randomized(a, r, c, 4, 77, o2, NULL, NULL);
    CHECK(memcmp(o1, o2, n * sizeof *o1) == 0, "public rank 4 is not the randomized path");
    sono_low_rank(a, r, c, 40, 77, o1, NULL);
    sono__low_rank_exact(a, r, c, 40, o2, NULL);
    CHECK(memcmp(o1, o2, n * sizeof *o1) == 0, "public rank 40 is not the exact path");
    free(a);
    free(o1);
    free(o2);
    free(o3);
    free(in_place);
}

static void test_zero(void)
{
    float a[60 * 50] = {0}, out[60 * 50];
    double sigma[3];
    for (size_t k = 1; k <= 40; k += 39) {
        memset(out, 0x7f, sizeof out);
        int err = sono_low_rank(a, 60, 50, k, 0, out, k <= 3 ? sigma : NULL);
        CHECK(err == SONO_OK && frob(out, NULL, 60 * 50) == 0, "zero matrix rank %zu: %s", k,
              sono_strerror(err));
    }
    CHECK(sigma[0] == 0, "zero matrix: sigma %g", sigma[0]);
}

/* ---- arguments ------------------------------------------------------------------ */

static void test_arguments(void)
{
    float a[6] = {1, 2, 3, 4, 5, 6}, out[6];
    CHECK(sono_low_rank(NULL, 2, 3, 1, 0, out, NULL) == SONO_ERR_INVALID, "NULL in");
    CHECK(sono_low_rank(a, 2, 3, 1, 0, NULL, NULL) == SONO_ERR_INVALID, "NULL out");
    CHECK(sono_low_rank(a, 2, 3, 0, 0, out, NULL) == SONO_ERR_INVALID, "rank 0");
    CHECK(sono_low_rank(a, 0, 3, 1, 0, out, NULL) == SONO_ERR_EMPTY, "0 rows");
    CHECK(sono_low_rank(a, 2, 0, 1, 0, out, NULL) == SONO_ERR_EMPTY, "0 cols");
    /* Sizes are refused before anything is read. */
    CHECK(sono_low_rank(a, SIZE_MAX / 2, 3, 1, 0, out, NULL) == SONO_ERR_TOO_LARGE,
          "overflowing size");
    CHECK(sono_low_rank(a, INT32_MAX, INT32_MAX, 1, 0, out, NULL) == SONO_ERR_TOO_LARGE,
          "the double copy's size overflowing");
    CHECK(sono_low_rank(a, (size_t)INT32_MAX + 1, 1, 1, 0, out, NULL) == SONO_ERR_TOO_LARGE,
          "more rows than LAPACK's int");
    memcpy(out, a, sizeof a);
    a[4] = NAN;
    CHECK(sono_low_rank(a, 2, 3, 1, 0, out, NULL) == SONO_ERR_NONFINITE, "NaN");
    a[4] = INFINITY;
    CHECK(sono_low_rank(a, 2, 3, 1, 0, out, NULL) == SONO_ERR_NONFINITE, "inf");
    a[4] = -INFINITY;
    CHECK(sono_low_rank(a, 2, 3, 5, 0, out, NULL) == SONO_ERR_NONFINITE, "-inf, full rank");
    CHECK(out[4] == 5, "out written on failure");

    CHECK(sono_low_rank_ratio(150, 225, 1) == 376.0 / 33750.0, "ratio %g",
          sono_low_rank_ratio(150, 225, 1));
    CHECK(fabs(sono_low_rank_ratio(513, 2584, 20) - 20.0 * 3098 / (513.0 * 2584)) < 1e-15,
          "ratio 513x2584 rank 20");
    CHECK(isinf(sono_low_rank_ratio(0, 10, 1)), "ratio of an empty matrix");
}

/* ---- the wrappers ------------------------------------------------------------------ */

static void test_wrappers(void)
{
    size_t m = 70, n = 30;
    float *f = decaying_matrix(m, n, 30, 0.1, 61);
    double *s = jacobi_sv(f, m, n);
    /* a and q: f (row-major m x n) in LAPACK's column-major layout. */
    double *a = malloc(m * n * sizeof *a), *q = malloc(m * n * sizeof *q);
    double *r = malloc(n * n * sizeof *r), *g = malloc(n * n * sizeof *g);
    double w[30];
    for (size_t j = 0; j < n; j++)
        for (size_t i = 0; i < m; i++)
            a[i + j * m] = q[i + j * m] = f[i * n + j];
    /* QR: Q^T Q = I and Q R = A. */
    CHECK(sono__dqr(m, n, q, m, r) == SONO_OK, "dqr");
    sono__dgemm(1, 0, n, n, m, 1.0, q, m, q, m, 0.0, g, n);
    double orth = 0, rec = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            orth = fmax(orth, fabs(g[i + j * n] - (i == j)));
    double *qr = malloc(m * n * sizeof *qr);
    sono__dgemm(0, 0, m, n, n, 1.0, q, m, r, n, 0.0, qr, m);
    for (size_t i = 0; i < m * n; i++)
        rec = fmax(rec, fabs(qr[i] - a[i]));
    CHECK(orth < 1e-13 && rec < 1e-12 * s[0], "QR: |Q^T Q - I| %.1e, |QR - A| %.1e", orth, rec);
    CHECK(sono__dqr(n, m, q, n, NULL) == SONO_ERR_INVALID, "QR of a wide matrix");
    /* The eigenvalues of A^T A are the squared singular values. */
    sono__dgemm(1, 0, n, n, m, 1.0, a, m, a, m, 0.0, g, n);
    CHECK(sono__dsyevd(n, g, n, w, 0) == SONO_OK, "dsyevd");
    double ev = 0;
    for (size_t i = 0; i < n; i++)
        ev = fmax(ev, fabs(w[n - 1 - i] - s[i] * s[i]) / (s[0] * s[0]));
    CHECK(ev < 1e-12, "eigenvalues of A^T A vs sigma^2: %.1e", ev);
    /* The float product agrees with the double one. */
    float *fa = malloc(m * n * sizeof *fa), *fg = malloc(n * n * sizeof *fg);
    for (size_t i = 0; i < m * n; i++)
        fa[i] = (float)a[i];
    sono__sgemm(1, 0, n, n, m, 1.0f, fa, m, fa, m, 0.0f, fg, n);
    sono__dgemm(1, 0, n, n, m, 1.0, a, m, a, m, 0.0, g, n);
    double fe = 0;
    for (size_t i = 0; i < n * n; i++)
        fe = fmax(fe, fabs(fg[i] - g[i]) / (s[0] * s[0]));
    CHECK(fe < 1e-5, "sgemm vs dgemm: %.1e", fe);
    free(f);
    free(s);
    free(a);
    free(q);
    free(r);
    free(g);
    free(qr);
    free(fa);
    free(fg);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_svd DATA_DIR\n");
        return 2;
    }
    /* The internal paths below call BLAS directly: load it as the public
     * functions do. */
    if (sono__linalg_load() != SONO_OK) {
        fprintf(stderr, "test_svd: BLAS or LAPACKE could not be loaded\n");
        return 1;
    }
    test_arguments();
    test_wrappers();
    test_full_rank();
    test_zero();
    test_reproducible();
    test_fallback();
    test_random();
    test_spectrogram(argv[1]);
    for (int p = 0; p < 3; p++)
        printf("worst Eckart-Young excess, %s path: %.2e\n", path_name[p], worst_excess[p]);
    return test_summary("low_rank");
}
