/* The one place that talks to the FFT library: FFTW3, single precision.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Another backend (pocketfft, kissfft, a GPU) would replace this file only.
 * FFTW's planner is not thread-safe, so plan creation and destruction are
 * serialised by a mutex; executing a plan on its own buffers is safe from
 * any thread.  FFTW_ESTIMATE keeps planning cheap for odd sizes such as
 * 22050, which FFTW handles with its mixed-radix and Rader codelets.
 * Then a complex double FFT for the constant-Q filters, and at the end,
 * apart: the batched transform of `sono bench`'s fft-floor.
 *
 * The buffers are sono's (sono__malloc_aligned, aligned as fftw_malloc's), so
 * that failing-allocation tests reach them.  What FFTW allocates inside its
 * planner cannot be redirected, and FFTW aborts when such an allocation
 * fails: a plan is small next to the buffers, so that happens only when the
 * process is out of memory anyway. */
#include <fftw3.h>
#include <limits.h>
#include <pthread.h>
#include <string.h>

#include "internal.h"

struct sono__fft {
    size_t n;
    float *real;
    fftwf_complex *spectrum;
    fftwf_plan forward;
    /* The inverse runs in double precision: where the synthesis window is
     * tiny, istft divides by its square and single-precision rounding noise
     * would be amplified far beyond librosa's (numpy's FFT is double). */
    double *real_d;
    fftw_complex *spectrum_d;
    fftw_plan inverse_d;
    /* A single-precision inverse for iterative phase reconstruction, where
     * the synthesis is followed by a new analysis and double precision buys
     * nothing; made on first use. */
    fftwf_plan inverse_f;
};

static pthread_mutex_t planner_lock = PTHREAD_MUTEX_INITIALIZER;

/* count values of size bytes, aligned for FFTW; NULL on overflow. */
static void *aligned_array(size_t count, size_t size)
{
    size_t bytes;
    if (sono__mul_size(count, size, &bytes) != SONO_OK)
        return NULL;
    return sono__malloc_aligned(bytes);
}

sono__fft *sono__fft_new(size_t n, int directions, int *err)
{
    sono__fft *f = sono__calloc(1, sizeof *f);
    int status = SONO_ERR_NOMEM;
    if (!f)
        goto fail;
    if (n < 1 || n > (size_t)1 << 30 ||
        !(directions & (SONO__FFT_FORWARD | SONO__FFT_INVERSE))) {
        status = SONO_ERR_INVALID;
        goto fail;
    }
    f->n = n;
    f->real = aligned_array(n, sizeof(float));
    f->spectrum = aligned_array(n / 2 + 1, sizeof(fftwf_complex));
    if (!f->real || !f->spectrum)
        goto fail;
    /* Only the directions asked for: the first plan of a kind in a process
     * costs FFTW milliseconds of set-up, and the double-precision library
     * is not even touched by forward-only commands. */
    if (directions & SONO__FFT_INVERSE) {
        f->real_d = aligned_array(n, sizeof(double));
        f->spectrum_d = aligned_array(n / 2 + 1, sizeof(fftw_complex));
        if (!f->real_d || !f->spectrum_d)
            goto fail;
    }
    pthread_mutex_lock(&planner_lock);
    if (directions & SONO__FFT_FORWARD)
        f->forward = fftwf_plan_dft_r2c_1d((int)n, f->real, f->spectrum,
                                           FFTW_ESTIMATE);
    if (directions & SONO__FFT_INVERSE)
        f->inverse_d = fftw_plan_dft_c2r_1d((int)n, f->spectrum_d, f->real_d,
                                            FFTW_ESTIMATE);
    pthread_mutex_unlock(&planner_lock);
    if (((directions & SONO__FFT_FORWARD) && !f->forward) ||
        ((directions & SONO__FFT_INVERSE) && !f->inverse_d))
        goto fail;
    return f;
fail:
    sono__fft_free(f);
    if (err)
        *err = status;
    return NULL;
}

void sono__fft_free(sono__fft *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&planner_lock);
    if (f->forward)
        fftwf_destroy_plan(f->forward);
    if (f->inverse_d)
        fftw_destroy_plan(f->inverse_d);
    if (f->inverse_f)
        fftwf_destroy_plan(f->inverse_f);
    pthread_mutex_unlock(&planner_lock);
    sono__free(f->real);
    sono__free(f->spectrum);
    sono__free(f->real_d);
    sono__free(f->spectrum_d);
    sono__free(f);
}

float *sono__fft_real(sono__fft *f)
{
    return f->real;
}

sono_complex *sono__fft_spectrum(sono__fft *f)
{
    return (sono_complex *)f->spectrum;
}

void sono__fft_forward(sono__fft *f)
{
    fftwf_execute(f->forward);
}

/* Buffers aligned as the plans' own, which FFTW's new-array execute
 * requires of other arrays; released by sono__free. */
float *sono__fft_real_new(size_t n)
{
    return aligned_array(n ? n : 1, sizeof(float));
}

sono_complex *sono__fft_spectrum_new(size_t bins)
{
    return aligned_array(bins ? bins : 1, sizeof(fftwf_complex));
}

/* The forward plan on the caller's arrays: several threads may run one plan
 * at once on arrays of their own, and every frame goes through the same
 * algorithm (the same codelets), whichever thread computes it. */
void sono__fft_forward_on(const sono__fft *f, float *real, sono_complex *spectrum)
{
    fftwf_execute_dft_r2c(f->forward, real, (fftwf_complex *)spectrum);
}

/* FFTW's complex-to-real transform overwrites its input; callers refill the
 * spectrum before every call.  The imaginary parts of the DC and Nyquist
 * bins are ignored, as numpy.fft.irfft ignores them. */
void sono__fft_inverse(sono__fft *f)
{
    size_t bins = f->n / 2 + 1;
    for (size_t k = 0; k < bins; k++) {
        f->spectrum_d[k][0] = f->spectrum[k][0];
        f->spectrum_d[k][1] = f->spectrum[k][1];
    }
    fftw_execute(f->inverse_d);
    for (size_t k = 0; k < f->n; k++)
        f->real[k] = (float)f->real_d[k];
}

/* The single-precision inverse's plan, made before the first use so that
 * the transforms themselves cannot fail (they run on worker threads, with
 * nowhere to report to). */
int sono__fft_plan_inverse_float(sono__fft *f)
{
    if (!f->inverse_f) {
        pthread_mutex_lock(&planner_lock);
        f->inverse_f = fftwf_plan_dft_c2r_1d((int)f->n, f->spectrum, f->real,
                                             FFTW_ESTIMATE);
        pthread_mutex_unlock(&planner_lock);
        if (!f->inverse_f)
            return SONO_ERR_NOMEM;
    }
    return SONO_OK;
}

/* Single-precision inverse: the spectrum buffer in, the real buffer out
 * (unnormalised).  The spectrum is overwritten. */
void sono__fft_inverse_float(sono__fft *f)
{
    fftwf_execute(f->inverse_f);
}

/* -- used by tsne_repulsion.c --
 * Double-precision real FFTs in one or two dimensions: t-SNE convolves its
 * interpolation grid with kernels whose values span many orders of
 * magnitude, and the forces are sums of those products.  The grid's size
 * changes as the embedding spreads, so plans are made with FFTW_ESTIMATE,
 * under the planner mutex like the others. */
struct sono__fftd {
    size_t rows, cols;
    double *real;
    fftw_complex *spectrum;
    fftw_plan forward, inverse;
};

sono__fftd *sono__fftd_new(size_t rows, size_t cols, int *err)
{
    sono__fftd *f = sono__calloc(1, sizeof *f);
    int status = SONO_ERR_NOMEM;
    if (!f)
        goto fail;
    if (rows < 1 || cols < 1 || rows > (size_t)1 << 24 || cols > (size_t)1 << 24 ||
        (uint64_t)rows * cols > (uint64_t)1 << 30) {
        status = SONO_ERR_TOO_LARGE;
        goto fail;
    }
    f->rows = rows;
    f->cols = cols;
    f->real = aligned_array(rows * cols, sizeof(double));
    f->spectrum = aligned_array(rows * (cols / 2 + 1), sizeof(fftw_complex));
    if (!f->real || !f->spectrum)
        goto fail;
    pthread_mutex_lock(&planner_lock);
    if (rows == 1) {
        f->forward = fftw_plan_dft_r2c_1d((int)cols, f->real, f->spectrum,
                                          FFTW_ESTIMATE);
        f->inverse = fftw_plan_dft_c2r_1d((int)cols, f->spectrum, f->real,
                                          FFTW_ESTIMATE);
    } else {
        f->forward = fftw_plan_dft_r2c_2d((int)rows, (int)cols, f->real,
                                          f->spectrum, FFTW_ESTIMATE);
        f->inverse = fftw_plan_dft_c2r_2d((int)rows, (int)cols, f->spectrum,
                                          f->real, FFTW_ESTIMATE);
    }
    pthread_mutex_unlock(&planner_lock);
    if (!f->forward || !f->inverse)
        goto fail;
    return f;
fail:
    sono__fftd_free(f);
    if (err)
        *err = status;
    return NULL;
}

void sono__fftd_free(sono__fftd *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&planner_lock);
    if (f->forward)
        fftw_destroy_plan(f->forward);
    if (f->inverse)
        fftw_destroy_plan(f->inverse);
    pthread_mutex_unlock(&planner_lock);
    sono__free(f->real);
    sono__free(f->spectrum);
    sono__free(f);
}

double *sono__fftd_real(sono__fftd *f)
{
    return f->real;
}

double *sono__fftd_spectrum(sono__fftd *f)
{
    return (double *)f->spectrum;
}

void sono__fftd_forward(sono__fftd *f)
{
    fftw_execute(f->forward);
}

void sono__fftd_inverse(sono__fftd *f)
{
    fftw_execute(f->inverse);
}

/* -- used by cqt_filters.c --
 * A complex forward FFT in double precision, as numpy.fft.fft: the
 * constant-Q filters are transformed once each when a transform is planned,
 * so the plan is made with FFTW_ESTIMATE and reused for an octave's filters. */
struct sono__cfft {
    size_t n;
    fftw_complex *data;
    fftw_plan forward;
};

sono__cfft *sono__cfft_new(size_t n, int *err)
{
    sono__cfft *f = NULL;
    int status = SONO_ERR_INVALID;
    if (n < 1 || n > (size_t)1 << 30)
        goto fail;
    status = SONO_ERR_NOMEM;
    if (!(f = sono__calloc(1, sizeof *f)) ||
        !(f->data = fftw_malloc(sizeof(fftw_complex) * n)))
        goto fail;
    f->n = n;
    pthread_mutex_lock(&planner_lock);
    f->forward = fftw_plan_dft_1d((int)n, f->data, f->data, FFTW_FORWARD,
                                  FFTW_ESTIMATE);
    pthread_mutex_unlock(&planner_lock);
    if (!f->forward)
        goto fail;
    return f;
fail:
    sono__cfft_free(f);
    if (err)
        *err = status;
    return NULL;
}

void sono__cfft_free(sono__cfft *f)
{
    if (!f)
        return;
    if (f->forward) {
        pthread_mutex_lock(&planner_lock);
        fftw_destroy_plan(f->forward);
        pthread_mutex_unlock(&planner_lock);
    }
    fftw_free(f->data);
    sono__free(f);
}

double *sono__cfft_data(sono__cfft *f)
{
    return (double *)f->data;
}

void sono__cfft_forward(sono__cfft *f)
{
    fftw_execute(f->forward);
}

/* -- Benchmark support: sono_fft_floor_* (public, include/sono.h) --
 * FFTW's batched real forward FFT alone, the floor under any STFT: the
 * frames are cut into one contiguous piece per thread, as STFT block pulls
 * cut theirs, and each piece gets a plan of fftwf_plan_many_dft_r2c, made
 * once on buffers the object owns (aligned, so FFTW may use its SIMD
 * codelets).  Out-of-place r2c transforms preserve their input, so the same
 * frames can be run again. */
#define FLOOR_MAX_THREADS 64

struct sono_fft_floor {
    size_t n_fft, frames, bins;
    int threads;
    float *in;
    fftwf_complex *out;
    fftwf_plan plans[FLOOR_MAX_THREADS];
};

sono_fft_floor *sono_fft_floor_new(size_t n_fft, size_t frames, int threads,
                                   int *err)
{
    sono_fft_floor *f = NULL;
    size_t n_in, n_out;
    int status = SONO_ERR_INVALID;
    if (n_fft < 2 || n_fft > SONO_MAX_N_FFT || frames < 1 || threads < 0)
        goto fail;
    status = SONO_ERR_TOO_LARGE;
    if (frames > INT_MAX || sono__mul_size(n_fft, frames, &n_in) ||
        sono__mul_size(n_fft / 2 + 1, frames, &n_out) ||
        n_in > (size_t)INT_MAX || n_out > (size_t)INT_MAX ||
        n_in > SIZE_MAX / sizeof(float) || n_out > SIZE_MAX / sizeof(fftwf_complex))
        goto fail;
    status = SONO_ERR_NOMEM;
    if (!(f = sono__calloc(1, sizeof *f)))
        goto fail;
    f->n_fft = n_fft;
    f->frames = frames;
    f->bins = n_fft / 2 + 1;
    f->threads = sono__threads_resolve(threads);
    if ((size_t)f->threads > frames)
        f->threads = (int)frames;
    f->in = aligned_array(n_in, sizeof(float));
    f->out = aligned_array(n_out, sizeof(fftwf_complex));
    if (!f->in || !f->out)
        goto fail;
    memset(f->in, 0, sizeof(float) * n_in);
    int n = (int)n_fft;
    pthread_mutex_lock(&planner_lock);
    for (int w = 0; w < f->threads; w++) {
        size_t b = frames * (size_t)w / (size_t)f->threads;
        size_t e = frames * (size_t)(w + 1) / (size_t)f->threads;
        f->plans[w] = fftwf_plan_many_dft_r2c(1, &n, (int)(e - b), f->in + b * n_fft,
                                              NULL, 1, n, f->out + b * f->bins, NULL,
                                              1, (int)f->bins, FFTW_ESTIMATE);
        if (!f->plans[w])
            break;
    }
    pthread_mutex_unlock(&planner_lock);
    for (int w = 0; w < f->threads; w++)
        if (!f->plans[w])
            goto fail;
    return f;
fail:
    sono_fft_floor_free(f);
    if (err)
        *err = status;
    return NULL;
}

float *sono_fft_floor_input(sono_fft_floor *f)
{
    return f ? f->in : NULL;
}

const sono_complex *sono_fft_floor_output(const sono_fft_floor *f)
{
    return f ? (const sono_complex *)f->out : NULL;
}

/* Worker w runs piece w's plan. */
static void floor_piece(void *ctx, size_t begin, size_t end, int worker)
{
    sono_fft_floor *f = ctx;
    (void)worker;
    for (size_t w = begin; w < end; w++)
        fftwf_execute(f->plans[w]);
}

void sono_fft_floor_run(sono_fft_floor *f)
{
    if (f)
        sono__parallel_for(f->threads, (size_t)f->threads, floor_piece, f);
}

int sono_fft_floor_threads(const sono_fft_floor *f)
{
    return f ? f->threads : 0;
}

void sono_fft_floor_free(sono_fft_floor *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&planner_lock);
    for (int w = 0; w < f->threads; w++)
        if (f->plans[w])
            fftwf_destroy_plan(f->plans[w]);
    pthread_mutex_unlock(&planner_lock);
    sono__free(f->in);
    sono__free(f->out);
    sono__free(f);
}
