/* The short-time Fourier transform as a reusable, streaming plan, with
 * librosa 0.10's framing: frame t starts at t * hop - pad, where
 * pad = n_fft / 2 when centred (the signal is extended by `pad_mode`) and 0
 * otherwise.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Memory is fixed at creation.  The plan keeps the first n_fft + 1 samples
 * (the mirror images the first frames need) and a window of recent samples
 * that starts one sample before the next frame: that is enough for every
 * index the end padding reflects (see sono__stft_frame_ready and
 * sono__stft_read_frame).  A plan made for block pulls holds a block's
 * frames more; stft_block.c computes the frames. */
#include <string.h>

#include "stft_internal.h"

void sono_stft_params_default(sono_stft_params *p)
{
    p->n_fft = 2048;
    p->hop_length = 0;
    p->win_length = 0;
    p->window = SONO_WINDOW_HANN;
    p->center = 1;
    p->pad_mode = SONO_PAD_CONSTANT;
}

int sono_stft_params_resolve(sono_stft_params *p)
{
    if (!p || p->n_fft < 2 || p->n_fft > SONO_MAX_N_FFT)
        return SONO_ERR_INVALID;
    if (p->win_length == 0)
        p->win_length = p->n_fft;
    if (p->win_length > p->n_fft)
        return SONO_ERR_INVALID;
    if (p->hop_length == 0)
        p->hop_length = p->win_length / 4 ? p->win_length / 4 : 1;
    if (p->hop_length > p->win_length)
        return SONO_ERR_INVALID;
    if ((unsigned)p->window > SONO_WINDOW_RECTANGULAR ||
        (unsigned)p->pad_mode > SONO_PAD_EDGE)
        return SONO_ERR_INVALID;
    p->center = p->center != 0;
    return SONO_OK;
}

size_t sono_stft_bins(const sono_stft_params *p)
{
    return p->n_fft / 2 + 1;
}

size_t sono__pad_left(const sono_stft_params *p)
{
    return p->center ? p->n_fft / 2 : 0;
}

int sono_stft_frame_count(const sono_stft_params *p, size_t n, size_t *frames)
{
    if (n == 0)
        return SONO_ERR_EMPTY;
    size_t padded = n + 2 * sono__pad_left(p);
    if (padded < p->n_fft)
        return SONO_ERR_TOO_SHORT;
    *frames = 1 + (padded - p->n_fft) / p->hop_length;
    return SONO_OK;
}

static const char *pad_names[] = {"constant", "reflect", "edge"};

int sono_pad_mode_from_name(const char *name, sono_pad_mode *m)
{
    for (int i = 0; name && i < 3; i++) {
        if (strcmp(name, pad_names[i]) == 0) {
            *m = (sono_pad_mode)i;
            return SONO_OK;
        }
    }
    return SONO_ERR_INVALID;
}

const char *sono_pad_mode_name(sono_pad_mode m)
{
    return (unsigned)m <= SONO_PAD_EDGE ? pad_names[m] : "unknown";
}

/* One frame per block is the streaming plan: it buffers no more than one
 * frame needs, and computes frames on the calling thread. */
sono_stft *sono_stft_new(const sono_stft_params *params, int *err)
{
    return sono_stft_new_block(params, 1, 1, err);
}

#define MAX_BLOCK 65536
#define DEFAULT_BLOCK 256

sono_stft *sono_stft_new_block(const sono_stft_params *params, size_t block,
                               int threads, int *err)
{
    int status = SONO_ERR_INVALID;
    sono_stft *s = NULL;
    sono_stft_params p;
    size_t room;
    if (!params || block > MAX_BLOCK || threads < 0)
        goto fail;
    p = *params;
    if ((status = sono_stft_params_resolve(&p)) != SONO_OK)
        goto fail;
    if (block == 0)
        block = DEFAULT_BLOCK;
    threads = sono__threads_resolve(threads);
    if ((size_t)threads > block)
        threads = (int)block;
    /* A block's frames, the sample before them, and room for a block of
     * input: block * hop + 2 n_fft + 1 samples (with one frame a block,
     * the streaming plan's 2 n_fft + hop + 1). */
    status = SONO_ERR_TOO_LARGE;
    if (sono__mul_size(block, p.hop_length, &room) ||
        room > SIZE_MAX / sizeof(float) - 2 * p.n_fft - 1)
        goto fail;
    status = SONO_ERR_NOMEM;
    if (!(s = sono__calloc(1, sizeof *s)))
        goto fail;
    s->p = p;
    s->n_bins = sono_stft_bins(&p);
    s->pad = sono__pad_left(&p);
    s->block = block;
    s->head_cap = p.n_fft + 1;
    s->buf_cap = room + 2 * p.n_fft + 1;
    s->window = sono__malloc_array(p.n_fft, sizeof(float));
    s->head = sono__malloc_array(s->head_cap, sizeof(float));
    s->buf = sono__malloc_array(s->buf_cap, sizeof(float));
    s->workers = sono__calloc((size_t)threads, sizeof *s->workers);
    if (!s->window || !s->head || !s->buf || !s->workers)
        goto fail;
    s->threads = threads;
    for (int w = 0; w < threads; w++) {
        sono__stft_worker *k = &s->workers[w];
        k->real = sono__fft_real_new(p.n_fft);
        k->spectrum = sono__fft_spectrum_new(s->n_bins);
        k->values = sono__malloc_array(s->n_bins, sizeof(float));
        k->group = sono__calloc(s->n_bins, SONO__MEL_GROUP * sizeof(float));
        if (!k->real || !k->spectrum || !k->values || !k->group)
            goto fail;
    }
    sono_window_fill(p.window, p.win_length, p.n_fft, s->window);
    if (!(s->fft = sono__fft_new(p.n_fft, SONO__FFT_FORWARD, &status)))
        goto fail;
    if (threads > 1 && !(s->pool = sono__pool_new(threads, &status)))
        goto fail;
    return s;
fail:
    sono_stft_free(s);
    if (err)
        *err = status;
    return NULL;
}

void sono_stft_free(sono_stft *s)
{
    if (!s)
        return;
    sono__pool_free(s->pool);
    sono__fft_free(s->fft);
    for (int w = 0; s->workers && w < s->threads; w++) {
        sono__free(s->workers[w].real);
        sono__free(s->workers[w].spectrum);
        sono__free(s->workers[w].values);
        sono__free(s->workers[w].group);
    }
    sono__free(s->workers);
    sono__free(s->window);
    sono__free(s->head);
    sono__free(s->buf);
    sono__free(s);
}

size_t sono_stft_block(const sono_stft *s)
{
    return s ? s->block : 0;
}

int sono_stft_threads(const sono_stft *s)
{
    return s ? s->threads : 0;
}

const sono_stft_params *sono_stft_get_params(const sono_stft *s)
{
    return &s->p;
}

void sono_stft_reset(sono_stft *s)
{
    s->head_len = s->buf_start = s->buf_len = s->total = 0;
    s->finished = 0;
    s->next_frame = s->n_frames = 0;
    s->end_status = SONO_OK;
}

/* Absolute index of the first sample of frame t; may be negative. */
static long long frame_start(const sono_stft *s, size_t t)
{
    return (long long)(t * s->p.hop_length) - (long long)s->pad;
}

/* Drops buffered samples that no later frame reads. */
static void compact(sono_stft *s)
{
    long long keep = frame_start(s, s->next_frame) - 1;
    if (keep <= (long long)s->buf_start)
        return;
    size_t drop = (size_t)keep - s->buf_start;
    if (drop > s->buf_len)
        drop = s->buf_len;
    memmove(s->buf, s->buf + drop, (s->buf_len - drop) * sizeof(float));
    s->buf_len -= drop;
    s->buf_start += drop;
}

typedef struct copy_job {
    float *to;
    const float *from;
} copy_job;

static void copy_range(void *ctx, size_t begin, size_t end, int worker)
{
    const copy_job *c = ctx;
    (void)worker;
    memcpy(c->to + begin, c->from + begin, (end - begin) * sizeof(float));
}

/* Fewer samples than this are copied on the calling thread alone. */
#define PARALLEL_COPY 65536

size_t sono_stft_push(sono_stft *s, const float *x, size_t n)
{
    if (!s || !x || s->finished)
        return 0;
    compact(s);
    size_t room = s->buf_cap - s->buf_len;
    if (n > room)
        n = room;
    /* A block pull's workers copy a block's samples too, each about the
     * part its own frames will read: the copy, otherwise the one serial
     * part of a pull, is then halved on two threads, and each worker finds
     * its samples in its own cache.  Measured on two threads, 120 s at
     * 44.1 kHz: pushing took 1.5 of the 12.5 ms. */
    copy_job c = {s->buf + s->buf_len, x};
    sono__pool_for(s->pool, n >= PARALLEL_COPY ? s->threads : 1, n, copy_range, &c);
    s->buf_len += n;
    if (s->head_len < s->head_cap) {
        size_t h = s->head_cap - s->head_len;
        if (h > n)
            h = n;
        memcpy(s->head + s->head_len, x, h * sizeof(float));
        s->head_len += h;
    }
    s->total += n;
    return n;
}

int sono_stft_finish(sono_stft *s)
{
    if (!s)
        return SONO_ERR_INVALID;
    if (!s->finished) {
        s->finished = 1;
        s->end_status = sono_stft_frame_count(&s->p, s->total, &s->n_frames);
        if (s->end_status != SONO_OK)
            s->n_frames = 0;
        /* librosa 0.10 pads a centred signal piecewise: the frames that
         * reach past the end are cut from the signal starting at the first
         * such frame, and that piece alone is reflected.  When the piece is
         * shorter than the padding (hop >= n_fft / 2), numpy reflects it
         * more than once, which differs from reflecting the whole signal.
         * The mirror origin reproduces that, unless the head and tail frames
         * overlap, in which case librosa pads the whole signal. */
        s->tail_origin = 0;
        if (s->p.center && s->p.pad_mode == SONO_PAD_REFLECT) {
            long long hop = (long long)s->p.hop_length;
            long long half = (long long)s->pad, n = (long long)s->total;
            long long head_k = (half + hop - 1) / hop;
            long long num = n + half - (long long)s->p.n_fft;
            long long tail_k = (num >= 0 ? num / hop : -((-num + hop - 1) / hop)) + 1;
            if (tail_k > head_k)
                s->tail_origin = tail_k * hop - half;
        }
    }
    return SONO_OK;
}

/* Maps an index outside [0, n) into it by the pad mode; -1 means zero.
 * n < 0 means the length is not known yet: then only indices before the
 * start are asked for, and sono__stft_frame_ready has made sure that a single
 * reflection lands on a sample that has arrived. */
static long long pad_index(sono_pad_mode mode, long long i, long long n)
{
    if (mode == SONO_PAD_CONSTANT)
        return -1;
    if (n < 0)
        return mode == SONO_PAD_EDGE ? 0 : -i;
    if (mode == SONO_PAD_EDGE || n == 1)
        return i < 0 ? 0 : n - 1;
    /* numpy's 'reflect' repeated as often as needed: period 2(n-1). */
    long long period = 2 * (n - 1);
    long long m = i % period;
    if (m < 0)
        m += period;
    return m < n ? m : period - m;
}

static float sample_at(const sono_stft *s, long long j)
{
    if ((size_t)j < s->head_len)
        return s->head[j];
    return s->buf[(size_t)j - s->buf_start];
}

/* Before finish, a frame may be computed once every index it reads (directly
 * or mirrored) has arrived; the signal's end is then still unknown, so a
 * frame whose end lies beyond the samples so far must wait. */
int sono__stft_frame_ready(const sono_stft *s, size_t t)
{
    if (s->finished)
        return t < s->n_frames;
    long long start = frame_start(s, t);
    long long total = (long long)s->total;
    if (start + (long long)s->p.n_fft > total)
        return 0;
    return start >= 0 || s->p.pad_mode == SONO_PAD_CONSTANT || -start < total;
}

/* The windowed samples of a frame that needs no padding. */
SONO__VECTOR_CLONES
static void windowed(const float *x, const float *w, float *out, size_t n)
{
    for (size_t k = 0; k < n; k++)
        out[k] = x[k] * w[k];
}

void sono__stft_read_frame(const sono_stft *s, size_t t, float *out)
{
    long long start = frame_start(s, t);
    long long n = s->finished ? (long long)s->total : -1;
    const float *w = s->window;
    size_t n_fft = s->p.n_fft;
    /* Most frames lie inside the buffered samples: nothing to pad. */
    if (start >= (long long)s->buf_start &&
        start + (long long)n_fft <= (long long)(s->buf_start + s->buf_len)) {
        windowed(s->buf + ((size_t)start - s->buf_start), w, out, n_fft);
        return;
    }
    for (size_t k = 0; k < n_fft; k++) {
        long long i = start + (long long)k;
        float v;
        if (i >= 0 && (n < 0 || i < n)) {
            v = sample_at(s, i);
        } else if (i >= 0 && s->p.pad_mode == SONO_PAD_REFLECT) {
            long long o = s->tail_origin;
            v = sample_at(s, o + pad_index(SONO_PAD_REFLECT, i - o, n - o));
        } else {
            long long j = pad_index(s->p.pad_mode, i, n);
            v = j < 0 ? 0.0f : sample_at(s, j);
        }
        out[k] = v * w[k];
    }
}

int sono_stft_run(sono_stft *s, const float *x, size_t n, sono_complex *out)
{
    size_t expected, done = 0;
    int r = sono_stft_frame_count(&s->p, n, &expected);
    if (r != SONO_OK)
        return r;
    sono_stft_reset(s);
    while (n > 0) {
        size_t used = sono_stft_push(s, x, n);
        x += used;
        n -= used;
        while ((r = sono_stft_pull_block(s, out + done * s->n_bins, s->block)) > 0)
            done += (size_t)r;
    }
    sono_stft_finish(s);
    while ((r = sono_stft_pull_block(s, out + done * s->n_bins, s->block)) > 0)
        done += (size_t)r;
    sono_stft_reset(s);
    if (r < 0)
        return r;
    return done == expected ? SONO_OK : SONO_ERR_STATE;
}
