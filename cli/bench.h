/* The workloads `sono bench` times (bench_workloads.c) and what they share
 * with the command (cmd_bench.c).  SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SONO_CLI_BENCH_H
#define SONO_CLI_BENCH_H

#include <stddef.h>

/* The fixed analysis of every workload: librosa's defaults. */
#define BENCH_N_FFT 2048
#define BENCH_HOP 512
#define BENCH_N_MELS 128
#define BENCH_N_MFCC 20
#define BENCH_RATE_22K 22050.0
#define BENCH_GLA_SECONDS 30.0
#define BENCH_GLA_ITERS 32
#define BENCH_GLA_MOMENTUM 0.99
#define BENCH_CQT_BINS 84
#define BENCH_CQT_BPO 12

/* The decoded input and what is derived from it before any clock starts. */
typedef struct bench_input {
    const float *x;        /* mono samples at the input's rate */
    size_t n;
    double rate;
    const float *x22;      /* the same at 22.05 kHz (NULL when no workload needs it) */
    size_t n22;
    int threads;           /* for all but resample; 0 = one per core */
} bench_input;

typedef struct bench_workload {
    const char *name;
    const char *what;      /* one line for --help */
    /* Makes the state a run needs (outside the clock); NULL for a workload
     * that is not available.  0 or a SONO_ERR_* code. */
    int (*setup)(const bench_input *in, void **state);
    /* The timed part. */
    int (*run)(void *state);
    void (*release)(void *state);
    const char *unavailable; /* why, when setup is NULL */
} bench_workload;

extern const bench_workload bench_workloads[];
extern const size_t bench_workload_count;

#endif
