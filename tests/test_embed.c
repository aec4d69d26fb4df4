/* PCA, t-SNE and frame features through the library: known principal
 * axes, well-separated clusters kept apart and contiguous, determinism
 * (same seed, any thread count), the interpolated repulsion against exact
 * sums, and bad arguments.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "../src/tsne_internal.h"
#include "testutil.h"

/* Points c + s_i u1 + t_i u2 in d dimensions, u1 and u2 orthonormal, s and
 * t of mean 0 and uncorrelated, var(s) > var(t): the principal axes are u1
 * and u2 and the coordinates s and t (up to sign) exactly. */
static void axes_data(size_t n, size_t d, float *x, double *s, double *t)
{
    double u1[64], u2[64], n1 = 0, n2 = 0, dot = 0, ms = 0, mt = 0, st = 0, ss = 0;
    for (size_t k = 0; k < d; k++) {
        u1[k] = 1.0 + (double)k;
        u2[k] = (k % 2 ? -1.0 : 1.0) * (double)(d - k);
    }
    for (size_t k = 0; k < d; k++)
        n1 += u1[k] * u1[k];
    for (size_t k = 0; k < d; k++)
        u1[k] /= sqrt(n1);
    for (size_t k = 0; k < d; k++)
        dot += u1[k] * u2[k];
    for (size_t k = 0; k < d; k++)
        u2[k] -= dot * u1[k];
    for (size_t k = 0; k < d; k++)
        n2 += u2[k] * u2[k];
    for (size_t k = 0; k < d; k++)
        u2[k] /= sqrt(n2);
    for (size_t i = 0; i < n; i++) {
        s[i] = 10.0 * sin(0.7 * (double)i + 0.3);
        t[i] = 3.0 * cos(1.9 * (double)i);
        ms += s[i];
        mt += t[i];
    }
    for (size_t i = 0; i < n; i++) {
        s[i] -= ms / (double)n;
        t[i] -= mt / (double)n;
    }
    for (size_t i = 0; i < n; i++) {
        st += s[i] * t[i];
        ss += s[i] * s[i];
    }
    for (size_t i = 0; i < n; i++)
        t[i] -= st / ss * s[i];
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < d; k++)
            x[i * d + k] = (float)(5.0 - (double)k + s[i] * u1[k] + t[i] * u2[k]);
}

/* The sign sklearn's svd_flip gives v: its largest |entry| positive. */
static double flip_sign(const double *v, size_t n)
{
    size_t at = 0;
    for (size_t i = 1; i < n; i++)
        if (fabs(v[i]) > fabs(v[at]))
            at = i;
    return v[at] < 0 ? -1.0 : 1.0;
}

static void test_pca_axes(size_t n, size_t d)
{
    float *x = malloc(n * d * sizeof *x), *c = malloc(n * 2 * sizeof *c);
    double *s = malloc(n * sizeof *s), *t = malloc(n * sizeof *t), ev[2];
    axes_data(n, d, x, s, t);
    int r = sono_pca(x, n, d, 2, c, ev);
    CHECK(r == SONO_OK, "n %zu d %zu: %s", n, d, sono_strerror(r));
    double sg[2] = {flip_sign(s, n), flip_sign(t, n)}, err[2] = {0, 0}, var[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        err[0] = fmax(err[0], fabs(c[i * 2] - sg[0] * s[i]));
        err[1] = fmax(err[1], fabs(c[i * 2 + 1] - sg[1] * t[i]));
        var[0] += s[i] * s[i] / (double)(n - 1);
        var[1] += t[i] * t[i] / (double)(n - 1);
    }
    printf("pca n %zu d %zu: coordinate errors %.2e %.2e, explained %.6g %.6g "
           "(exact %.6g %.6g)\n", n, d, err[0], err[1], ev[0], ev[1], var[0], var[1]);
    CHECK(err[0] < 1e-4 * 10 && err[1] < 1e-4 * 10, "%g %g", err[0], err[1]);
    CHECK(fabs(ev[0] - var[0]) < 1e-5 * var[0] && fabs(ev[1] - var[1]) < 1e-4 * var[0],
          "%g %g vs %g %g", ev[0], ev[1], var[0], var[1]);
    /* One component alone is the first column. */
    float *c1 = malloc(n * sizeof *c1);
    CHECK(sono_pca(x, n, d, 1, c1, NULL) == SONO_OK, "k 1");
    for (size_t i = 0; i < n; i++)
        CHECK(c1[i] == c[i * 2], "k 1 row %zu", i);
    free(c1);
    free(x);
    free(c);
    free(s);
    free(t);
}

/* Gaussian clusters in d = 10, 60 points each, centres far apart, the
 * points interleaved so that index order says nothing of the cluster. */
#define CLUSTERS 4
#define PER 60   /* 240 points: the 1-D grid */
#define PER2 150 /* 600 points: the 2-D grid and its exact near field */
#define DIM 10
static void cluster_data(float *x, int *label, size_t n)
{
    unsigned s = 12345;
    for (size_t i = 0; i < n; i++) {
        label[i] = (int)(i % CLUSTERS);
        for (size_t k = 0; k < DIM; k++) {
            double g = 0;
            for (int r = 0; r < 12; r++) { /* roughly normal: a sum of 12 uniforms */
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                g += (double)s / 4294967296.0;
            }
            double centre = (k == (size_t)label[i] ? 30.0 : 0.0) + (k == 9 ? 7.0 * label[i] : 0);
            x[i * DIM + k] = (float)(centre + (g - 6.0));
        }
    }
}

static int by_value(const void *a, const void *b)
{
    const float *x = *(const float *const *)a, *y = *(const float *const *)b;
    return (*x > *y) - (*x < *y);
}

static void test_tsne_clusters(void)
{
    size_t n = CLUSTERS * PER, n2 = CLUSTERS * PER2;
    float x[CLUSTERS * PER2 * DIM], y[CLUSTERS * PER2 * 2], y2[CLUSTERS * PER2 * 2];
    int label[CLUSTERS * PER2];
    cluster_data(x, label, n);
    sono_tsne_params p;
    sono_tsne_params_default(&p);
    CHECK(p.dims == 1 && p.perplexity == 30 && p.iterations == 1000 &&
              p.early_exaggeration == 12 && p.learning_rate == 0 && p.threads == 0,
          "defaults");
    double kl = -1, kl2 = -1;
    p.threads = 1;
    int r = sono_tsne(x, n, DIM, &p, y, &kl);
    CHECK(r == SONO_OK, "1-D: %s", sono_strerror(r));
    /* Contiguous clusters: along the line, the label changes 3 times. */
    const float *order[CLUSTERS * PER];
    for (size_t i = 0; i < n; i++)
        order[i] = &y[i];
    qsort(order, n, sizeof *order, by_value);
    int changes = 0;
    for (size_t i = 1; i < n; i++)
        changes += label[order[i] - y] != label[order[i - 1] - y];
    printf("tsne 1-D: %d label changes along the line (3 is contiguous), KL %.4f\n",
           changes, kl);
    CHECK(changes == CLUSTERS - 1, "%d changes", changes);
    CHECK(kl > 0 && kl < 2, "KL %g", kl);

    /* Same parameters, two threads, and again: the same bits. */
    p.threads = 2;
    CHECK(sono_tsne(x, n, DIM, &p, y2, &kl2) == SONO_OK, "2 threads");
    CHECK(memcmp(y, y2, n * sizeof *y) == 0 && kl == kl2, "1 vs 2 threads differ");
    p.threads = 3;
    CHECK(sono_tsne(x, n, DIM, &p, y2, &kl2) == SONO_OK, "3 threads");
    CHECK(memcmp(y, y2, n * sizeof *y) == 0 && kl == kl2, "1 vs 3 threads differ");
    p.seed = 7;
    CHECK(sono_tsne(x, n, DIM, &p, y2, NULL) == SONO_OK, "seed 7");
    CHECK(memcmp(y, y2, n * sizeof *y) == 0, "the PCA start leaves the seed unused");

    /* 2-D: every point's nearest neighbour in the map is of its cluster. */
    cluster_data(x, label, n2);
    p.dims = 2;
    p.threads = 0;
    r = sono_tsne(x, n2, DIM, &p, y, &kl);
    CHECK(r == SONO_OK, "2-D: %s", sono_strerror(r));
    int wrong = 0;
    for (size_t i = 0; i < n2; i++) {
        size_t best = i;
        double bd = INFINITY;
        for (size_t j = 0; j < n2; j++) {
            double a = y[2 * i] - y[2 * j], b = y[2 * i + 1] - y[2 * j + 1];
            if (j != i && a * a + b * b < bd) {
                bd = a * a + b * b;
                best = j;
            }
        }
        wrong += label[best] != label[i];
    }
    printf("tsne 2-D: %d of %zu nearest neighbours in another cluster, KL %.4f\n",
           wrong, n2, kl);
    CHECK(wrong == 0, "%d", wrong);
    p.threads = 1;
    CHECK(sono_tsne(x, n2, DIM, &p, y2, &kl2) == SONO_OK, "2-D, 1 thread");
    CHECK(memcmp(y, y2, 2 * n2 * sizeof *y) == 0 && kl == kl2,
          "2-D: all cores vs 1 differ");
}

/* The interpolated sums of tsne_repulsion.c against exact ones, over 2000
 * points spread over a thousandth of a unit to hundreds of units (t-SNE's
 * start to its end), in both dimensions. */
static void test_repulsion_accuracy(void)
{
    enum { N = 2000 };
    static double y[2 * N];
    static const double spreads[] = {1e-3, 1, 60, 500};
    for (int dims = 1; dims <= 2; dims++) {
        for (size_t c = 0; c < sizeof spreads / sizeof spreads[0]; c++) {
            unsigned s = 99;
            for (size_t i = 0; i < (size_t)(dims * N); i++) {
                s ^= s << 13;
                s ^= s >> 17;
                s ^= s << 5;
                /* Uneven: a fifth of the points in a dense clump. */
                double u = (double)s / 4294967296.0;
                y[i] = spreads[c] * (i % 5 == 0 ? 0.3 + 0.01 * u : u);
            }
            int err = SONO_OK;
            sono__tsne_rep *r = sono__tsne_rep_new(N, dims, &err);
            CHECK(r && sono__tsne_rep_prepare(r, y) == SONO_OK, "prepare");
            if (!r)
                continue;
            double z = 0, ze = 0, fe = 0, fm = 0;
            for (size_t i = 0; i < N; i++) {
                double sk, rep[2], ek = 0, er[2] = {0, 0};
                sono__tsne_rep_point(r, i, &sk, rep);
                for (size_t j = 0; j < N; j++) {
                    double t0 = y[i * (size_t)dims] - y[j * (size_t)dims];
                    double t1 = dims == 2 ? y[2 * i + 1] - y[2 * j + 1] : 0;
                    double k = 1.0 / (1.0 + t0 * t0 + t1 * t1);
                    ek += k;
                    er[0] += k * k * t0;
                    er[1] += k * k * t1;
                }
                z += sk;
                ze += ek;
                for (int a = 0; a < dims; a++) {
                    fe += (rep[a] - er[a]) * (rep[a] - er[a]);
                    fm += er[a] * er[a];
                }
            }
            double zerr = fabs(z - ze) / (ze - N), ferr = sqrt(fe / fm);
            printf("repulsion %d-D, spread %g: Z error %.1e, force RMS error %.1e\n",
                   dims, spreads[c], zerr, ferr);
            CHECK(zerr < 1e-4 && ferr < (dims == 1 ? 1e-4 : 2e-3), "%g %g", zerr, ferr);
            sono__tsne_rep_free(r);
        }
    }
}

/* All points equal: PCA gives no direction, the start is random from the
 * seed, and the result is finite. */
static void test_tsne_degenerate(void)
{
    float x[40 * 3], y[40], y2[40];
    for (size_t i = 0; i < 40 * 3; i++)
        x[i] = 1.5f;
    sono_tsne_params p;
    sono_tsne_params_default(&p);
    p.perplexity = 5;
    double kl = 0;
    CHECK(sono_tsne(x, 40, 3, &p, y, &kl) == SONO_OK, "equal points");
    CHECK(sono_check_finite(y, 40, NULL) == SONO_OK && isfinite(kl), "finite");
    p.seed = 1;
    CHECK(sono_tsne(x, 40, 3, &p, y2, NULL) == SONO_OK, "equal points, seed 1");
    CHECK(memcmp(y, y2, sizeof y) != 0, "the seed changes a random start");
    /* Two points, the smallest case. */
    float two[4] = {0, 0, 1, 1}, y3[2];
    p.perplexity = 1;
    CHECK(sono_tsne(two, 2, 2, &p, y3, &kl) == SONO_OK && isfinite(y3[0]) &&
              y3[0] != y3[1],
          "two points: %g %g", y3[0], y3[1]);
}

static void test_bad_arguments(void)
{
    float x[12] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12}, y[12];
    sono_tsne_params p;
    sono_tsne_params_default(&p);
    p.perplexity = 2;
    CHECK(sono_tsne(x, 6, 2, &p, y, NULL) == SONO_OK, "valid small case");
    CHECK(sono_tsne(x, 1, 2, &p, y, NULL) == SONO_ERR_INVALID, "n 1");
    CHECK(sono_tsne(x, 6, 0, &p, y, NULL) == SONO_ERR_INVALID, "d 0");
    CHECK(sono_tsne(NULL, 6, 2, &p, y, NULL) == SONO_ERR_INVALID, "x NULL");
    CHECK(sono_tsne(x, 6, 2, NULL, y, NULL) == SONO_ERR_INVALID, "p NULL");
    CHECK(sono_tsne(x, 6, 2, &p, NULL, NULL) == SONO_ERR_INVALID, "y NULL");
    sono_tsne_params q = p;
    q.dims = 3;
    CHECK(sono_tsne(x, 6, 2, &q, y, NULL) == SONO_ERR_INVALID, "dims 3");
    q = p;
    q.dims = 0;
    CHECK(sono_tsne(x, 6, 2, &q, y, NULL) == SONO_ERR_INVALID, "dims 0");
    q = p;
    q.perplexity = 0;
    CHECK(sono_tsne(x, 6, 2, &q, y, NULL) == SONO_ERR_INVALID, "perplexity 0");
    q.perplexity = 6;
    CHECK(sono_tsne(x, 6, 2, &q, y, NULL) == SONO_ERR_INVALID, "perplexity = n");
    q.perplexity = NAN;
    CHECK(sono_tsne(x, 6, 2, &q, y, NULL) == SONO_ERR_INVALID, "perplexity NaN");
    q = p;
    q.iterations = 249;
    CHECK(sono_tsne(x, 6, 2, &q, y, NULL) == SONO_ERR_INVALID, "249 iterations");
    q.iterations = 250;
    CHECK(sono_tsne(x, 6, 2, &q, y, NULL) == SONO_OK, "250 iterations");
    q = p;
    q.early_exaggeration = 0.5;
    CHECK(sono_tsne(x, 6, 2, &q, y, NULL) == SONO_ERR_INVALID, "exaggeration 0.5");
    q = p;
    q.learning_rate = -1;
    CHECK(sono_tsne(x, 6, 2, &q, y, NULL) == SONO_ERR_INVALID, "learning rate -1");
    q = p;
    q.threads = -1;
    CHECK(sono_tsne(x, 6, 2, &q, y, NULL) == SONO_ERR_INVALID, "threads -1");
    x[7] = NAN;
    CHECK(sono_tsne(x, 6, 2, &p, y, NULL) == SONO_ERR_NONFINITE, "NaN");
    CHECK(sono_pca(x, 6, 2, 1, y, NULL) == SONO_ERR_NONFINITE, "pca NaN");
    x[7] = INFINITY;
    CHECK(sono_tsne(x, 6, 2, &p, y, NULL) == SONO_ERR_NONFINITE, "inf");
    x[7] = 7;
    CHECK(sono_pca(x, 6, 2, 0, y, NULL) == SONO_ERR_INVALID, "pca k 0");
    CHECK(sono_pca(x, 6, 2, 3, y, NULL) == SONO_ERR_INVALID, "pca k > d");
    CHECK(sono_pca(x, 2, 6, 3, y, NULL) == SONO_ERR_INVALID, "pca k > n");
    CHECK(sono_pca(x, 1, 2, 1, y, NULL) == SONO_ERR_INVALID, "pca n 1");
    CHECK(sono_pca(x, 6, 0, 1, y, NULL) == SONO_ERR_INVALID, "pca d 0");
    CHECK(sono_pca(NULL, 6, 2, 1, y, NULL) == SONO_ERR_INVALID, "pca NULL");
    CHECK(sono_pca(x, 6, 2, 2, y, NULL) == SONO_OK, "pca valid");
}

/* The three feature kinds on a 3-frame, 2-band spectrogram, against their
 * definitions written out. */
static void test_features(void)
{
    float s[6] = {1.0f, 0.5f, 0.01f, 0.0f, 1e-12f, 0.25f}, out[6];
    double db[6], vol[6], sum[2] = {1.0 + 0.01 + 1e-12, 0.5 + 0 + 0.25};
    for (int i = 0; i < 6; i++)
        db[i] = fmax(10 * log10(fmax(s[i], 1e-10)) - 0.0, -80.0);
    double vmax = 0;
    for (int i = 0; i < 6; i++)
        vmax = fmax(vmax, s[i] / sum[i % 2]);
    for (int i = 0; i < 6; i++)
        vol[i] = fmax(10 * log10(fmax(s[i] / sum[i % 2], 1e-10)) - 10 * log10(vmax), -80.0);
    CHECK(sono_frame_features(s, 3, 2, SONO_FEATURES_MEL_DB, out) == SONO_OK, "mel-db");
    for (int i = 0; i < 6; i++)
        CHECK(fabs(out[i] - db[i]) < 1e-4, "mel-db %d: %g vs %g", i, out[i], db[i]);
    CHECK(sono_frame_features(s, 3, 2, SONO_FEATURES_VOLUME, out) == SONO_OK, "volume");
    for (int i = 0; i < 6; i++)
        CHECK(fabs(out[i] - vol[i]) < 1e-4, "volume %d: %g vs %g", i, out[i], vol[i]);
    CHECK(sono_frame_features(s, 3, 2, SONO_FEATURES_LOG_WEIGHT, out) == SONO_OK, "log");
    for (int i = 0; i < 6; i++) {
        double w = log(2.0 + 1.0 - (double)(i % 2)); /* ln 3 for band 0, ln 2 for 1 */
        CHECK(fabs(out[i] - db[i] * w) < 1e-4, "log-weight %d: %g vs %g", i, out[i],
              db[i] * w);
    }
    /* In place. */
    float t[6];
    memcpy(t, s, sizeof t);
    CHECK(sono_frame_features(t, 3, 2, SONO_FEATURES_VOLUME, t) == SONO_OK, "in place");
    CHECK(fabs(t[1] - vol[1]) < 1e-4, "in place");
    CHECK(sono_frame_features(s, 0, 2, SONO_FEATURES_MEL_DB, out) == SONO_ERR_INVALID,
          "no frames");
    CHECK(sono_frame_features(s, 3, 2, (sono_feature_kind)7, out) == SONO_ERR_INVALID,
          "kind 7");
    s[2] = -1;
    CHECK(sono_frame_features(s, 3, 2, SONO_FEATURES_MEL_DB, out) == SONO_ERR_INVALID,
          "negative power");
    s[2] = NAN;
    CHECK(sono_frame_features(s, 3, 2, SONO_FEATURES_MEL_DB, out) == SONO_ERR_NONFINITE,
          "NaN power");
}

int main(void)
{
    test_pca_axes(500, 6);
    test_pca_axes(5, 12); /* more features than points: the n x n path */
    test_tsne_clusters();
    test_repulsion_accuracy();
    test_tsne_degenerate();
    test_bad_arguments();
    test_features();
    return test_summary("embed");
}
