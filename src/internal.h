/* Private declarations shared between libsono's source files.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SONO_INTERNAL_H
#define SONO_INTERNAL_H

#include <stdio.h>

#include "sono.h"

/* Every allocation of sono's own goes through these, so that a test build
 * can make any one fail and count what is live (alloc.c, alloc_testing.h).
 * Sizes are checked for overflow before anything is asked of malloc. */
void *sono__malloc(size_t size);
void *sono__calloc(size_t count, size_t size);
void *sono__realloc(void *p, size_t size);
void sono__free(void *p);
/* A block aligned for FFTW's SIMD code (64 bytes), released by
 * sono__free. */
void *sono__malloc_aligned(size_t size);

/* a * b without overflow: returns 0 and stores the product, or returns
 * SONO_ERR_TOO_LARGE. */
int sono__mul_size(size_t a, size_t b, size_t *out);
/* sono__malloc(count * size), NULL on overflow. */
void *sono__malloc_array(size_t count, size_t size);
/* sono__realloc(p, count * size), NULL (p untouched) on overflow. */
void *sono__realloc_array(void *p, size_t count, size_t size);
/* sono__malloc(a * b * size), NULL on overflow: a matrix. */
void *sono__malloc_array2(size_t a, size_t b, size_t size);

/* A shared library loaded on first use (dynload.c): the first call of
 * sono__dynload dlopens soname and stores each name's address in the
 * function pointer at its slot (NULL when missing); every call, from any
 * thread, returns that first call's status: SONO_ERR_LIBRARY when the
 * library or a name is missing.  A library is a static sono__dynlib:
 *   static sono__dynlib soxr = SONO__DYNLIB("libsoxr.so.0", syms); */
typedef struct sono__dynsym {
    const char *name;
    void *slot; /* the address of a function pointer */
} sono__dynsym;
typedef struct sono__dynlib {
    const char *soname;
    const sono__dynsym *syms;
    size_t n;
    _Atomic int loaded; /* set once, under dynload.c's lock */
    int status;
} sono__dynlib;
#define SONO__DYNLIB(soname, syms) {(soname), (syms), sizeof(syms) / sizeof((syms)[0]), 0, 0}
int sono__dynload(sono__dynlib *lib);

/* Plain WAV files read without libsndfile (wav_read.c).  sono__wav_open
 * returns NULL with *err SONO_OK for any file it leaves to libsndfile, and
 * SONO_ERR_IO when the file cannot be opened; info gets the rate, the
 * channels, the frames and the names libsndfile would give.  Reads give
 * interleaved float frames, 0 at the end. */
typedef struct sono__wav sono__wav;
sono__wav *sono__wav_open(const char *path, sono_audio_info *info, int *err);
int sono__wav_seek(sono__wav *w, long long frame);
long long sono__wav_read(sono__wav *w, float *out, long long frames, int *err);
void sono__wav_close(sono__wav *w);

/* The one place that talks to the FFT library (fft.c).  A plan owns an
 * aligned real buffer of n values and a complex buffer of n/2 + 1 values;
 * forward reads the first and writes the second, inverse the other way round
 * (unnormalised: the caller divides by n).  `directions` says which of
 * sono__fft_forward (SONO__FFT_FORWARD) and the double-precision
 * sono__fft_inverse (SONO__FFT_INVERSE) will be called; the float inverse
 * is made on its first use either way. */
enum { SONO__FFT_FORWARD = 1, SONO__FFT_INVERSE = 2 };
typedef struct sono__fft sono__fft;
sono__fft *sono__fft_new(size_t n, int directions, int *err);
void sono__fft_free(sono__fft *f);
float *sono__fft_real(sono__fft *f);
sono_complex *sono__fft_spectrum(sono__fft *f);
void sono__fft_forward(sono__fft *f);
/* The forward transform of real[n] into spectrum[n/2 + 1] on arrays other
 * than the plan's own, made by sono__fft_real_new / sono__fft_spectrum_new
 * (FFTW needs them aligned as the plan's) and released with sono__free.
 * Thread-safe: concurrent calls on different arrays share the plan and give
 * the same bits as sono__fft_forward. */
float *sono__fft_real_new(size_t n);
sono_complex *sono__fft_spectrum_new(size_t bins);
void sono__fft_forward_on(const sono__fft *f, float *real, sono_complex *spectrum);
void sono__fft_inverse(sono__fft *f);
/* The same in single precision, for iterative phase reconstruction: its
 * plan is made by sono__fft_plan_inverse_float (SONO_ERR_NOMEM if FFTW
 * cannot make it), which must have succeeded before the first call. */
int sono__fft_plan_inverse_float(sono__fft *f);
void sono__fft_inverse_float(sono__fft *f);

/* -- used by tsne_repulsion.c -- */
/* Double-precision real FFTs of rows x cols values (rows = 1: one
 * dimension), for convolutions on t-SNE's interpolation grid.  The plan owns
 * a real buffer of rows x cols doubles and a spectrum of rows x (cols/2 + 1)
 * complex values stored as (re, im) pairs; forward reads the first and
 * writes the second, inverse the other way round, unnormalised, and
 * overwrites the spectrum. */
typedef struct sono__fftd sono__fftd;
sono__fftd *sono__fftd_new(size_t rows, size_t cols, int *err);
void sono__fftd_free(sono__fftd *f);
double *sono__fftd_real(sono__fftd *f);
double *sono__fftd_spectrum(sono__fftd *f);
void sono__fftd_forward(sono__fftd *f);
void sono__fftd_inverse(sono__fftd *f);

/* -- used by tempo.c -- */
/* librosa's autocorrelation tempogram of onset[frames] with win_length
 * lags, averaged over time into out[win_length] (tempogram.c). */
int sono__tempogram_mean(const float *onset, size_t frames, size_t win_length,
                         double *out);

/* -- used by cqt_filters.c -- */
/* A forward complex FFT of n points in double precision, unnormalised, as
 * numpy.fft.fft, in place on n (re, im) pairs (sono__cfft_data). */
typedef struct sono__cfft sono__cfft;
sono__cfft *sono__cfft_new(size_t n, int *err);
void sono__cfft_free(sono__cfft *f);
double *sono__cfft_data(sono__cfft *f);
void sono__cfft_forward(sono__cfft *f);

/* A file written under a temporary name beside its target and renamed over
 * the target only on commit (atomic_file.c). */
typedef struct sono__atomic_file {
    char *target;
    char *temp;
    FILE *fp;
} sono__atomic_file;
int sono__atomic_open(sono__atomic_file *a, const char *target);
int sono__atomic_commit(sono__atomic_file *a);
void sono__atomic_abort(sono__atomic_file *a);

/* A mono resampler (resample.c), libsoxr's HQ recipe. */
typedef struct sono__resampler sono__resampler;
sono__resampler *sono__resampler_new(double in_rate, double out_rate, int *err);
void sono__resampler_free(sono__resampler *r);
/* Feeds n_in samples (in = NULL at the end, to flush) and returns how many
 * of the up to max_out output samples were produced; *used receives the
 * input samples consumed. */
int sono__resample(sono__resampler *r, const float *in, size_t n_in,
                   size_t *used, float *out, size_t max_out, size_t *produced);

/* A parallel for-loop (parallel.c): fn(ctx, begin, end, worker) is called
 * once per worker with contiguous pieces of [0, n); returns when all are
 * done.  threads <= 0 means sono_default_threads(). */
typedef void (*sono__range_fn)(void *ctx, size_t begin, size_t end, int worker);
int sono__threads_resolve(int threads);
void sono__parallel_for(int threads, size_t n, sono__range_fn fn, void *ctx);
/* The same loop on threads started once (pool.c): sono__pool_new starts
 * threads - 1 workers (threads <= 0: one per core), which wait until
 * sono__pool_free.  sono__pool_for cuts [0, n) into `pieces` pieces (at most
 * the pool's threads) exactly as sono__parallel_for does and returns when
 * all are done; the caller runs piece 0.  A NULL pool runs the loop on the
 * caller.  One loop at a time per pool. */
typedef struct sono__pool sono__pool;
sono__pool *sono__pool_new(int threads, int *err);
void sono__pool_free(sono__pool *p);
int sono__pool_threads(const sono__pool *p);
void sono__pool_for(sono__pool *p, int pieces, size_t n, sono__range_fn fn, void *ctx);

/* Griffin-Lim iterations (griffinlim.c) on a frames x bins magnitude that
 * must outlive the object; alpha, beta, gamma as documented there. */
typedef struct sono__gla sono__gla;
sono__gla *sono__gla_new(const sono_stft_params *p, const float *mag,
                         size_t frames, double alpha, double beta,
                         double gamma, int threads, int *err);
void sono__gla_free(sono__gla *g);
/* The iterate's storage (frames x bins), where the initial coefficients
 * may be written in place before sono__gla_start(g, it). */
sono_complex *sono__gla_coefs(sono__gla *g);
void sono__gla_start(sono__gla *g, const sono_complex *initial);
/* One iteration; more says whether another will follow. */
void sono__gla_iterate(sono__gla *g, int more);
void sono__gla_result(const sono__gla *g, sono_complex *out);
/* Whether sono__gla_signal can give the result's first `length` samples
 * (0: istft's length) as istft would, within float rounding; then writes
 * them.  Otherwise sono__gla_result and sono_istft_run. */
int sono__gla_has_signal(const sono__gla *g, size_t length);
void sono__gla_signal(sono__gla *g, size_t length, float *out);

/* PGHI (pghi.c) on validated parameters and magnitudes; the integration
 * is serial, the conversion to complex uses `threads` workers. */
int sono__pghi_phase(const sono_stft_params *p, const float *mag,
                     size_t frames, int threads, sono_complex *out);

/* A function whose loops are exactly rounded IEEE arithmetic (+, *, /,
 * sqrt, conversions; never contracted into FMAs: -ffp-contract=off) gives
 * the same bits at any vector width.  On x86-64, GCC compiles such a
 * function for AVX-512 and AVX2 as well as the baseline SSE2, and the
 * widest the CPU has is chosen when the library is loaded (target_clones,
 * an ifunc): twice to four times the values per instruction in the STFT's
 * magnitudes, windows and dB conversion. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SONO__VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SONO__VECTOR_CLONES
#endif

/* The mel bank (filterbank.c) on SONO__MEL_GROUP frames at once, their
 * spectra bin-major in xt (bin k of frame g at xt[k * SONO__MEL_GROUP + g];
 * all SONO__MEL_GROUP columns are read, the first n written): frame g's
 * bands to out[g * stride ...], the bits of sono_mel_apply. */
#define SONO__MEL_GROUP 8
void sono__mel_apply_group(const sono_mel *m, const float *xt, size_t n, float *out,
                           size_t stride);

/* Sizes of the stft plans, shared with istft.c. */
size_t sono__pad_left(const sono_stft_params *p);

/* Non-negative least squares as librosa.util.nnls (nnls.c): X >= 0 that
 * (approximately, by librosa's L-BFGS-B iterations) minimises ||A X - B||.
 * A is rows x cols, row-major; B is frames x rows and X frames x cols,
 * frame-major.  Frames are solved in independent blocks of
 * sono__nnls_block(rows) frames, as librosa does.  Returns SONO_OK,
 * SONO_ERR_NOMEM or SONO_ERR_TOO_LARGE; frames = 0 does nothing. */
int sono__nnls(const float *A, size_t rows, size_t cols, const float *B,
               size_t frames, float *X);
size_t sono__nnls_block(size_t rows);

/* Area resizing's geometry (render.c; timeline.c streams it): output pixel
 * o of m along an axis of n input pixels covers [lo, hi) = [o n / m,
 * (o + 1) n / m), touching input pixels first to last - 1; the share of
 * pixel i in that mean is its covered part over the width (0 when it only
 * touches).  Every resize computes the same shares in the same order, so
 * the streamed timeline gives sono_resize_area's numbers bit for bit. */
typedef struct sono__span {
    double lo, hi, width;
    size_t first, last;
} sono__span;
sono__span sono__span_of(size_t o, size_t n, size_t m);
float sono__span_share(const sono__span *s, size_t i);

#endif
