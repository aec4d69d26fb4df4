/* Times sono_low_rank on the real and imaginary layers of an STFT, for
 * bench/svd.py.
 *
 * usage: svd_bench AUDIO SECONDS RANK RUNS OUTDIR
 *
 * Reads the first SECONDS of AUDIO (mono mixdown, the file's rate), takes
 * its STFT (n_fft 1024, hop 256, centred Hann: frames x 513), and for the
 * real and the imaginary layer, each a frames x 513 float32 matrix, times
 * RUNS calls of sono_low_rank(RANK, seed 0) and one of the exact path.
 * Writes LAYER.npy and LAYER_rank.npy to OUTDIR and prints one line per
 * layer:
 *   LAYER ROWS COLS METHOD ITERATIONS RATIO EXACT_SECONDS T1 T2 ...
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../src/linalg.h"
#include "sono.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int save(const char *dir, const char *name, float *m, size_t rows, size_t cols)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.npy", dir, name);
    sono_npy_array a = {SONO_DTYPE_F32, 2, {rows, cols}, m};
    int err = sono_npy_save(path, &a);
    if (err != SONO_OK)
        fprintf(stderr, "svd_bench: %s: %s\n", path, sono_strerror(err));
    return err != SONO_OK;
}

int main(int argc, char **argv)
{
    static const char *const methods[] = {"copy", "exact", "randomized"};
    if (argc != 6) {
        fprintf(stderr, "usage: svd_bench AUDIO SECONDS RANK RUNS OUTDIR\n");
        return 2;
    }
    size_t rank = strtoul(argv[3], NULL, 10);
    int runs = atoi(argv[4]);
    sono_source_params sp;
    sono_source_params_default(&sp);
    sp.duration = atof(argv[2]);
    sono_signal sig;
    int err = sono_load(argv[1], &sp, &sig);
    if (err != SONO_OK) {
        fprintf(stderr, "svd_bench: %s: %s\n", argv[1], sono_strerror(err));
        return 1;
    }
    sono_stft_params p;
    sono_stft_params_default(&p);
    p.n_fft = 1024;
    p.hop_length = 256;
    sono_stft *st = sono_stft_new(&p, &err);
    size_t frames = 0, bins = sono_stft_bins(&p);
    sono_stft_frame_count(&p, sig.frames, &frames);
    size_t n = frames * bins;
    sono_complex *spec = malloc(n * sizeof *spec);
    float *layer[2] = {malloc(n * sizeof(float)), malloc(n * sizeof(float))};
    float *out = malloc(n * sizeof *out);
    if (!st || !spec || !layer[0] || !layer[1] || !out) {
        fprintf(stderr, "svd_bench: out of memory\n");
        return 1;
    }
    sono_stft_run(st, sig.data[0], sig.frames, spec);
    for (size_t i = 0; i < n; i++) {
        layer[0][i] = spec[i].re;
        layer[1][i] = spec[i].im;
    }
    static const char *const names[] = {"re", "im"};
    for (int l = 0; l < 2; l++) {
        int iterations = 0;
        double t0 = now();
        sono__low_rank_exact(layer[l], frames, bins, rank, out, NULL);
        double exact = now() - t0;
        sono__low_rank_randomized(layer[l], frames, bins, rank, 0, out, NULL, &iterations);
        printf("%s %zu %zu %s %d %.9f %.6f", names[l], frames, bins,
               methods[sono__low_rank_method(frames, bins, rank)], iterations,
               sono_low_rank_ratio(frames, bins, rank), exact);
        for (int r = 0; r < runs; r++) {
            t0 = now();
            err = sono_low_rank(layer[l], frames, bins, rank, 0, out, NULL);
            printf(" %.6f", now() - t0);
        }
        printf("\n");
        char name[64];
        snprintf(name, sizeof name, "%s_%zu", names[l], rank);
        if (err != SONO_OK)
            fprintf(stderr, "svd_bench: %s: %s\n", names[l], sono_strerror(err));
        if (err != SONO_OK || save(argv[5], names[l], layer[l], frames, bins) ||
            save(argv[5], name, out, frames, bins))
            return 1;
    }
    sono_stft_free(st);
    sono_signal_free(&sig);
    free(spec);
    free(layer[0]);
    free(layer[1]);
    free(out);
    return 0;
}
