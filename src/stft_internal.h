/* The STFT plan's insides, shared by stft.c (framing, push, finish) and
 * stft_block.c (computing frames, on worker threads).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SONO_STFT_INTERNAL_H
#define SONO_STFT_INTERNAL_H

#include "internal.h"

/* One worker's scratch: a frame, its spectrum (aligned for FFTW), its
 * magnitudes or powers on the way into a filterbank, and those of
 * SONO__MEL_GROUP frames bin-major for the mel bank. */
typedef struct sono__stft_worker {
    float *real;
    sono_complex *spectrum;
    float *values;
    float *group;
} sono__stft_worker;

struct sono_stft {
    sono_stft_params p;
    size_t n_bins;
    size_t pad;
    float *window;
    sono__fft *fft;

    size_t block;       /* frames one pull computes at most */
    int threads;        /* workers of a block pull */
    sono__stft_worker *workers;
    sono__pool *pool;   /* threads - 1 of them waiting; NULL for one */

    float *head;        /* samples [0, head_len) */
    size_t head_cap;
    size_t head_len;

    float *buf;         /* samples [buf_start, buf_start + buf_len) */
    size_t buf_cap;
    size_t buf_start;
    size_t buf_len;

    size_t total;       /* samples pushed */
    int finished;
    size_t next_frame;
    size_t n_frames;    /* known after finish */
    long long tail_origin; /* where the end reflection starts, see finish */
    int end_status;     /* error found at finish, reported by pull */
};

/* Whether frame t can be computed from the samples pushed so far. */
int sono__stft_frame_ready(const sono_stft *s, size_t t);
/* Frame t, padded as the plan says and windowed, into out[n_fft]; reads
 * the plan only, so workers may call it at once. */
void sono__stft_read_frame(const sono_stft *s, size_t t, float *out);

#endif
