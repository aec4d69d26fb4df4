/* sono — sound into spectrograms and back, with librosa's numbers.
 * Copyright (C) 2026 the sono authors.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Overview
 * --------
 * libsono reads audio (every format libsndfile reads), turns it into a
 * short-time Fourier transform with librosa 0.10's semantics and defaults,
 * derives magnitude, power, dB, mel spectrograms and MFCCs from it, and goes
 * back again with an inverse STFT.  Matrices are written and read as NumPy
 * .npy files.
 *
 * The processing objects are plans: made once from a parameter struct (filled
 * by a *_default() function, validated once by the constructor, fixed
 * afterwards) and then executed many times, one frame or one block at a time,
 * so that a file of any length goes decode -> STFT -> mel -> output in
 * constant memory.  A minimal program:
 *
 *     sono_source_params sp;  sono_source_params_default(&sp);
 *     int err;
 *     sono_source *src = sono_source_open("in.ogg", &sp, &err);
 *     sono_stft_params p;  sono_stft_params_default(&p);
 *     sono_stft *st = sono_stft_new(&p, &err);
 *     float block[4096];  sono_complex frame[1025];     // n_fft/2 + 1 bins
 *     size_t n;
 *     while ((n = sono_source_read(src, block, 4096, &err)) > 0) {
 *         for (size_t used = 0; used < n; ) {
 *             used += sono_stft_push(st, block + used, n - used);
 *             while (sono_stft_pull(st, frame) == 1) { ... use frame ... }
 *         }
 *     }
 *     sono_stft_finish(st);
 *     while (sono_stft_pull(st, frame) == 1) { ... }
 *     sono_stft_free(st);  sono_source_close(src);
 *
 * Conventions
 * -----------
 * - Every function that can fail returns an int status: SONO_OK (0) or a
 *   negative SONO_ERR_* code; results come back through out-parameters.
 *   Constructors return NULL and store the code in *err (err may be NULL).
 *   sono_strerror() names a code.  The library never prints and never exits.
 * - Buffers passed in are owned by the caller.  A buffer the library returns
 *   (sono_signal, sono_npy_array) is released with its documented *_free call.
 * - Spectrograms in memory are frame-major: frame t, bin k is at
 *   data[t * n_bins + k].  On disk (.npy) they use librosa's layout, rows are
 *   bins (or mel bands, or coefficients) and columns are frames, in C order.
 * - Objects are not thread-safe: one object is used by one thread at a time.
 *   Different objects may be used from different threads concurrently.
 * - Files are written atomically: under a temporary name beside the target,
 *   renamed over it on success.  A target that exists and is not a regular
 *   file (a FIFO, a socket, a device such as /dev/null) is refused with
 *   SONO_ERR_INVALID, not replaced.
 */
#ifndef SONO_H
#define SONO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define SONO_API __declspec(dllexport)
#elif defined(__GNUC__)
#define SONO_API __attribute__((visibility("default")))
#else
#define SONO_API
#endif

#define SONO_VERSION_MAJOR 0
#define SONO_VERSION_MINOR 1
#define SONO_VERSION_PATCH 0

/* "MAJOR.MINOR.PATCH" of the library actually linked. */
SONO_API const char *sono_version_string(void);

/* The worker threads that a `threads` of 0 stands for everywhere: one per
 * processor this process may run on (its affinity mask, as `nproc` counts:
 * taskset and cpusets lower it), at most 64. */
SONO_API int sono_default_threads(void);

/* ------------------------------------------------------------------------ */
/* Status codes                                                              */

enum {
    SONO_OK = 0,
    SONO_ERR_NOMEM = -1,      /* an allocation failed */
    SONO_ERR_INVALID = -2,    /* a parameter is out of its range */
    SONO_ERR_IO = -3,         /* a file could not be opened, read or written */
    SONO_ERR_FORMAT = -4,     /* a file is corrupt or of an unsupported kind */
    SONO_ERR_NONFINITE = -5,  /* NaN or infinity in the input */
    SONO_ERR_TOO_SHORT = -6,  /* the signal is too short for the request */
    SONO_ERR_TOO_LARGE = -7,  /* a size overflows or exceeds a limit */
    SONO_ERR_EMPTY = -8,      /* no samples (or no frames) at all */
    SONO_ERR_STATE = -9,      /* call out of order (e.g. push after finish) */
    SONO_ERR_LIBRARY = -10    /* a shared library loaded when first needed is
                                 missing: libsndfile, libsoxr, OpenBLAS or
                                 LAPACKE */
};

/* A static description of a status code; never NULL. */
SONO_API const char *sono_strerror(int status);

/* A complex value laid out as float[2] (re, im): the layout of C99's
 * float _Complex, of fftwf_complex and of NumPy's complex64. */
typedef struct sono_complex {
    float re, im;
} sono_complex;

/* ------------------------------------------------------------------------ */
/* Signals                                                                   */

/* Planar float32 audio.  data[c] points at frames samples of channel c. */
typedef struct sono_signal {
    float **data;
    int channels;
    size_t frames;
    double sample_rate;
} sono_signal;

/* Allocates a zeroed signal; returns SONO_OK or an error. */
SONO_API int sono_signal_alloc(sono_signal *sig, int channels, size_t frames,
                               double sample_rate);
/* Releases the channels of a signal from sono_signal_alloc or sono_load;
 * accepts a zeroed struct.  Leaves *sig zeroed. */
SONO_API void sono_signal_free(sono_signal *sig);
/* Mean of the channels (librosa.to_mono), computed in float32 as numpy does:
 * sum in channel order, then divided by the channel count.  out must hold
 * sig->frames samples. */
SONO_API void sono_signal_mix(const sono_signal *sig, float *out);
/* SONO_OK if every sample is finite, SONO_ERR_NONFINITE otherwise; the index
 * of the first bad frame goes to *where when where is not NULL. */
SONO_API int sono_check_finite(const float *x, size_t n, size_t *where);

/* ------------------------------------------------------------------------ */
/* Audio in                                                                  */

typedef struct sono_audio_info {
    double sample_rate;
    int channels;
    int64_t frames;          /* as declared by the file; -1 when unknown */
    char format[32];         /* container, e.g. "WAV", "OGG", "FLAC", "MP3" */
    char subtype[32];        /* encoding, e.g. "PCM_16", "VORBIS", "FLOAT" */
    int truncated;           /* the header declares more audio data than the
                                file holds; what is there is read */
} sono_audio_info;

/* Limits on audio read, so that a header cannot make sono hold more than
 * it should: a frame of more channels than SONO_MAX_CHANNELS (libsndfile
 * itself refuses more), and more than SONO_MAX_SAMPLES samples from one
 * source (8 GiB of float32 in sono_load; 13.5 hours at 44.1 kHz).  A
 * source's limits can be set lower, and the sample limit higher, through
 * sono_source_params; files beyond them are SONO_ERR_TOO_LARGE. */
#define SONO_MAX_CHANNELS 1024
#define SONO_MAX_SAMPLES ((uint64_t)1 << 31)

/* Reads a file's header.  SONO_ERR_IO if it cannot be opened,
 * SONO_ERR_FORMAT if it is not audio libsndfile can read, or declares
 * 0 channels or a rate that is not positive; SONO_ERR_TOO_LARGE if it
 * declares more than SONO_MAX_CHANNELS channels.  On any error *info is
 * zeroed (frames -1), except that with SONO_ERR_TOO_LARGE info->channels
 * holds the declared count, taken from libsndfile's log of the failed open
 * (0 when the log does not name it; the log is libsndfile's one global, so
 * two threads failing to open files at once may see each other's). */
SONO_API int sono_audio_probe(const char *path, sono_audio_info *info);

#define SONO_CHANNEL_MIX (-1)

/* What to read from a file and at which rate (librosa.load's arguments),
 * and the limits of what may be read. */
typedef struct sono_source_params {
    int channel;             /* SONO_CHANNEL_MIX (default) or a 0-based channel */
    double offset;           /* seconds to skip at the start (default 0) */
    double duration;         /* seconds to read; < 0 means to the end (default) */
    double sample_rate;      /* resample to this rate; 0 keeps the file's (default) */
    int max_channels;        /* refuse files of more channels, 1 to
                                SONO_MAX_CHANNELS; 0 means SONO_MAX_CHANNELS
                                (default) */
    uint64_t max_samples;    /* refuse to yield more samples than this (at
                                the output rate), any value; 0 means
                                SONO_MAX_SAMPLES (default) */
} sono_source_params;

SONO_API void sono_source_params_default(sono_source_params *p);

/* The number of samples a source opened with p would yield from a file
 * whose header is info, as the header declares it: its frames after the
 * offset, at most the duration, resampled to ceil(n * out_rate / in_rate);
 * -1 in *samples (may be NULL) when the header gives no length.  Returns
 * SONO_ERR_TOO_LARGE when info->channels is above p's max_channels or the
 * declared count above its max_samples (sono_source_open checks the same,
 * before it allocates anything), SONO_ERR_INVALID for bad parameters. */
SONO_API int sono_source_check(const sono_audio_info *info,
                               const sono_source_params *p, int64_t *samples);

/* A streaming reader that yields mono float32 samples: one channel or the
 * mean of all, the requested stretch of time, resampled with libsoxr's high
 * quality recipe (as librosa's default 'soxr_hq') when asked.  The length is
 * fixed to ceil(n * out_rate / in_rate) samples, as librosa.resample does.
 * Samples are finite (a file's NaN or infinity is SONO_ERR_NONFINITE), but
 * resampling samples near float32's limit (3.4e38) can overshoot it: such
 * samples come out infinite, as librosa's do; check them (sono_check_finite)
 * before a transform if the files may hold such values. */
typedef struct sono_source sono_source;

/* NULL with, in *err: SONO_ERR_INVALID for bad parameters or a channel the
 * file does not have, SONO_ERR_TOO_LARGE for a file beyond p's limits
 * (sono_source_check), and sono_audio_probe's codes. */
SONO_API sono_source *sono_source_open(const char *path,
                                       const sono_source_params *p, int *err);
/* Reads up to max samples into out.  Returns the count (0 at the end); on an
 * error returns 0 and stores the code in *err (SONO_ERR_NONFINITE for NaN or
 * infinite samples, SONO_ERR_FORMAT for a decoding failure,
 * SONO_ERR_TOO_LARGE once the stream goes past max_samples, which a header
 * that understates its length or gives none can hide until then). */
SONO_API size_t sono_source_read(sono_source *s, float *out, size_t max,
                                 int *err);
/* The output sample rate. */
SONO_API double sono_source_rate(const sono_source *s);
/* The file's header, as sono_audio_probe. */
SONO_API const sono_audio_info *sono_source_info(const sono_source *s);
SONO_API void sono_source_close(sono_source *s);

/* One-shot: the whole selection as a one-channel signal.  The buffer
 * grows as samples come, never beyond max_samples (SONO_ERR_TOO_LARGE). */
SONO_API int sono_load(const char *path, const sono_source_params *p,
                       sono_signal *out);

/* ------------------------------------------------------------------------ */
/* Audio out                                                                 */

typedef enum sono_sample_format {
    SONO_SAMPLE_FLOAT = 0,   /* 32-bit float (default) */
    SONO_SAMPLE_PCM16 = 16,
    SONO_SAMPLE_PCM24 = 24
} sono_sample_format;

typedef enum sono_container {
    SONO_CONTAINER_AUTO = 0, /* from the file name: .flac is FLAC, else WAV */
    SONO_CONTAINER_WAV,
    SONO_CONTAINER_FLAC
} sono_container;

/* A writer that creates a temporary file beside the target and renames it
 * over the target only in sono_writer_commit(): an existing file is replaced
 * on success only, and a failure leaves nothing behind.  Samples outside
 * [-1, 1] are clipped (never wrapped) and counted. */
typedef struct sono_writer sono_writer;

SONO_API sono_writer *sono_writer_open(const char *path, sono_container c,
                                       sono_sample_format f, int channels,
                                       double sample_rate, int *err);
/* Writes frames interleaved frames. */
SONO_API int sono_writer_write(sono_writer *w, const float *interleaved,
                               size_t frames);
/* Samples clipped so far. */
SONO_API uint64_t sono_writer_clipped(const sono_writer *w);
/* Finishes the file and moves it into place. */
SONO_API int sono_writer_commit(sono_writer *w);
/* Closes; if not committed, removes the temporary file.  Accepts NULL. */
SONO_API void sono_writer_close(sono_writer *w);

/* ------------------------------------------------------------------------ */
/* Windows                                                                   */

typedef enum sono_window {
    SONO_WINDOW_HANN = 0,
    SONO_WINDOW_HAMMING,
    SONO_WINDOW_BLACKMAN,
    SONO_WINDOW_BARTLETT,
    SONO_WINDOW_RECTANGULAR
} sono_window;

/* Parses "hann", "hamming", "blackman", "bartlett", "rectangular", and
 * scipy's aliases "han", "hamm", "black", "bart", "boxcar", "box", "rect",
 * "ones".  SONO_ERR_INVALID for any other name. */
SONO_API int sono_window_from_name(const char *name, sono_window *w);
SONO_API const char *sono_window_name(sono_window w);
/* Fills out[0..n_fft) with the periodic window of win_length samples
 * (scipy.signal.get_window(name, win_length, fftbins=True)), zero-padded on
 * both sides to n_fft and centred as librosa.util.pad_center does. */
SONO_API int sono_window_fill(sono_window w, size_t win_length, size_t n_fft,
                              float *out);

/* ------------------------------------------------------------------------ */
/* STFT                                                                      */

typedef enum sono_pad_mode {
    SONO_PAD_CONSTANT = 0,   /* zeros (librosa 0.10's default) */
    SONO_PAD_REFLECT,        /* numpy 'reflect': mirror without the edge */
    SONO_PAD_EDGE            /* repeat the edge sample */
} sono_pad_mode;

SONO_API int sono_pad_mode_from_name(const char *name, sono_pad_mode *m);
SONO_API const char *sono_pad_mode_name(sono_pad_mode m);

/* Layout of STFT frames, as librosa.stft's arguments. */
typedef struct sono_stft_params {
    size_t n_fft;            /* FFT size, >= 2 (default 2048) */
    size_t hop_length;       /* 0 means win_length / 4 (default 0) */
    size_t win_length;       /* 0 means n_fft (default 0); <= n_fft */
    sono_window window;      /* default SONO_WINDOW_HANN */
    int center;              /* pad n_fft/2 on both sides (default 1) */
    sono_pad_mode pad_mode;  /* default SONO_PAD_CONSTANT */
} sono_stft_params;

#define SONO_MAX_N_FFT ((size_t)1 << 24)

SONO_API void sono_stft_params_default(sono_stft_params *p);
/* Replaces the 0 defaults by their values and validates: n_fft in
 * [2, SONO_MAX_N_FFT], win_length in [1, n_fft], hop_length in
 * [1, win_length] (a larger hop would leave samples no frame covers). */
SONO_API int sono_stft_params_resolve(sono_stft_params *p);
/* n_fft / 2 + 1 */
SONO_API size_t sono_stft_bins(const sono_stft_params *p);
/* Frames for a signal of n samples: 1 + (n + 2*(n_fft/2) - n_fft) / hop when
 * centred, 1 + (n - n_fft) / hop otherwise.  Returns SONO_ERR_EMPTY for n = 0
 * and SONO_ERR_TOO_SHORT when n < n_fft without centring. */
SONO_API int sono_stft_frame_count(const sono_stft_params *p, size_t n,
                                   size_t *frames);

/* A reusable STFT plan with a streaming interface.  Its memory is fixed at
 * creation (a few n_fft-sized buffers), whatever the length of the signal.
 * sono_stft_new makes a plan that computes one frame at a time on the
 * calling thread; sono_stft_new_block one for block pulls (below). */
typedef struct sono_stft sono_stft;

SONO_API sono_stft *sono_stft_new(const sono_stft_params *p, int *err);
/* A plan whose pulls compute up to `block` frames at once (1 to 65536; 0
 * means 256), split into contiguous pieces among `threads` worker threads
 * (0: sono_default_threads(); at most 64 and at most block).  The plan starts
 * threads - 1 threads, which wait between pulls until sono_stft_free; a
 * pull of fewer than 16 frames runs on the calling thread alone.
 * Every frame is computed by the same code whatever the split, so results
 * are identical, bit for bit, for any block size and thread count, and
 * equal to sono_stft_new's.  The plan holds block * hop + 3 n_fft samples
 * and about 26 n_fft bytes per thread.  sono_stft_new(p, err) is
 * sono_stft_new_block(p, 1, 1, err).  SONO_ERR_INVALID for bad parameters,
 * a block above 65536 or negative threads; SONO_ERR_TOO_LARGE when the
 * buffer size overflows. */
SONO_API sono_stft *sono_stft_new_block(const sono_stft_params *p,
                                        size_t block, int threads, int *err);
/* The most frames one pull computes, and the worker threads. */
SONO_API size_t sono_stft_block(const sono_stft *s);
SONO_API int sono_stft_threads(const sono_stft *s);
SONO_API void sono_stft_free(sono_stft *s);
/* The resolved parameters. */
SONO_API const sono_stft_params *sono_stft_get_params(const sono_stft *s);
/* Forgets the signal pushed so far, ready for a new one. */
SONO_API void sono_stft_reset(sono_stft *s);
/* Offers n samples; returns how many were taken (fewer than n when the
 * internal buffer is full: pull frames, then push the rest). */
SONO_API size_t sono_stft_push(sono_stft *s, const float *x, size_t n);
/* Declares the end of the signal, so that the last frames can be padded. */
SONO_API int sono_stft_finish(sono_stft *s);
/* Computes the next frame into out (n_fft/2 + 1 values).  Returns 1 when a
 * frame was produced, 0 when more input (or finish) is needed or all frames
 * are out, or a negative error after finish: SONO_ERR_EMPTY for a signal of
 * no samples, SONO_ERR_TOO_SHORT for one shorter than n_fft without
 * centring. */
SONO_API int sono_stft_pull(sono_stft *s, sono_complex *out);
/* Computes the frames that are ready, at most max and at most the plan's
 * block, into out (frame-major, n_fft/2 + 1 values a frame), on the plan's
 * threads.  Returns the number of frames, 0 when more input (or finish) is
 * needed or all frames are out, or sono_stft_pull's errors.  To get whole
 * blocks, push until sono_stft_push takes fewer samples than offered (the
 * buffer then holds a block's frames), then pull. */
SONO_API int sono_stft_pull_block(sono_stft *s, sono_complex *out, size_t max);
/* The same, each frame reduced as it is computed: its magnitude (power 1,
 * as sono_magnitude) or power (power 2, as sono_power), n_fft/2 + 1 floats
 * a frame.  SONO_ERR_INVALID for another power. */
SONO_API int sono_stft_pull_spectrum(sono_stft *s, int power, float *out,
                                     size_t max);
/* One-shot: all frames of x[0..n) into out, frame-major
 * (sono_stft_frame_count() frames of sono_stft_bins() values).  Resets s
 * before and after. */
SONO_API int sono_stft_run(sono_stft *s, const float *x, size_t n,
                           sono_complex *out);

/* ------------------------------------------------------------------------ */
/* Inverse STFT                                                              */

/* librosa.istft: inverse FFT of each frame, windowed, overlap-added, divided
 * by the window's sum of squares where that sum is not negligible, with the
 * centre padding removed.  Streaming: push frames, pull samples. */
typedef struct sono_istft sono_istft;

/* length: the exact number of samples wanted (librosa's `length`), or 0 for
 * n_fft + hop * (frames - 1), less 2 * (n_fft / 2) when centred. */
SONO_API sono_istft *sono_istft_new(const sono_stft_params *p, size_t length,
                                    int *err);
SONO_API void sono_istft_free(sono_istft *s);
/* Adds one frame of n_fft/2 + 1 bins.  Returns SONO_ERR_STATE when the
 * internal output buffer is full: pull samples first.  Frames beyond those
 * `length` needs are accepted and ignored, as librosa does. */
SONO_API int sono_istft_push(sono_istft *s, const sono_complex *frame);
/* Declares that no more frames follow. */
SONO_API int sono_istft_finish(sono_istft *s);
/* Moves up to max finished samples into out; returns how many. */
SONO_API size_t sono_istft_pull(sono_istft *s, float *out, size_t max);
/* One-shot: frames frame-major frames into out, which must hold
 * sono_istft_length() samples. */
SONO_API int sono_istft_run(const sono_stft_params *p, const sono_complex *in,
                            size_t frames, size_t length, float *out);
/* The output length for frames frames and a requested length (0: natural). */
SONO_API size_t sono_istft_length(const sono_stft_params *p, size_t frames,
                                  size_t length);

/* ------------------------------------------------------------------------ */
/* Magnitude, power, phase                                                   */

SONO_API void sono_magnitude(const sono_complex *in, float *out, size_t n);
SONO_API void sono_power(const sono_complex *in, float *out, size_t n);
/* atan2(im, re), in (-pi, pi] as numpy.angle. */
SONO_API void sono_phase(const sono_complex *in, float *out, size_t n);

/* ------------------------------------------------------------------------ */
/* Phase reconstruction                                                      */

/* Turns an STFT magnitude without phase into a signal whose STFT has
 * (nearly) that magnitude.  The STFT parameters must be those that made the
 * magnitude; the whole magnitude is held in memory (the iterations need it).
 *
 * - GLA: Griffin and Lim (1984), alternating projections.
 * - FGLA: fast Griffin-Lim (Perraudin, Balazs, Sondergaard 2013) with
 *   librosa.griffinlim's update: angles = rebuilt - m / (1 + m) * previous.
 * - PGHI: Phase Gradient Heap Integration (Prusa, Balazs, Sondergaard 2017):
 *   the phase integrated from the gradient of the log-magnitude, no
 *   iterations; the time-frequency ratio comes from a Gaussian fitted to
 *   the actual analysis window (sono_window_gamma).
 * - PGHI_FGLA: PGHI's phase as the starting point of the accelerated
 *   Griffin-Lim iterations of Nenov, Nguyen, Balazs (2023) (see
 *   docs/phase.md for the measurements behind this choice). */
typedef enum sono_phase_method {
    SONO_PHASE_PGHI_FGLA = 0,
    SONO_PHASE_PGHI,
    SONO_PHASE_FGLA,
    SONO_PHASE_GLA
} sono_phase_method;

typedef enum sono_phase_init {
    SONO_INIT_DEFAULT = 0, /* the method's own: PGHI for PGHI_FGLA, random
                              for FGLA and GLA (librosa's init='random') */
    SONO_INIT_ZEROS,       /* all phases 0 (librosa's init=None) */
    SONO_INIT_RANDOM,      /* uniform phases from `seed` */
    SONO_INIT_PGHI
} sono_phase_init;

SONO_API int sono_phase_method_from_name(const char *name, sono_phase_method *m);
SONO_API const char *sono_phase_method_name(sono_phase_method m);
SONO_API int sono_phase_init_from_name(const char *name, sono_phase_init *i);

#define SONO_MAX_ITERATIONS 10000

typedef struct sono_phase_params {
    sono_phase_method method;   /* default SONO_PHASE_PGHI_FGLA */
    int iterations;             /* 0..SONO_MAX_ITERATIONS (default 32);
                                   ignored by SONO_PHASE_PGHI */
    double momentum;            /* FGLA's, in [0, 2) (default 0.99) */
    sono_phase_init init;       /* default SONO_INIT_DEFAULT */
    uint64_t seed;              /* for SONO_INIT_RANDOM (default 0) */
    int threads;                /* worker threads; 0 = one per core
                                   (default).  Results do not depend on it. */
    /* Called after each iteration with (ctx, done, total) when not NULL. */
    void (*progress)(void *ctx, int done, int total);
    void *progress_ctx;
} sono_phase_params;

SONO_API void sono_phase_params_default(sono_phase_params *p);

/* mag: frames x (n_fft/2 + 1) magnitudes, frame-major, finite and >= 0.
 * out: sono_istft_length(p, frames, length) samples (length 0: natural).
 * SONO_ERR_INVALID for a bad parameter or a negative magnitude,
 * SONO_ERR_NONFINITE for NaN or infinity, SONO_ERR_EMPTY for no frames. */
SONO_API int sono_phase_reconstruct(const sono_stft_params *p,
                                    const float *mag, size_t frames,
                                    const sono_phase_params *pp,
                                    size_t length, float *out);

/* PGHI alone: out[frames x bins] = mag * exp(i * phase).  Coefficients more
 * than 100 dB below the largest get phase 0. */
SONO_API int sono_pghi(const sono_stft_params *p, const float *mag,
                       size_t frames, sono_complex *out);

/* The lambda (in samples^2) of the Gaussian exp(-pi t^2 / lambda) that best
 * fits the window of win_length samples in the least-squares sense; for
 * Hann it is about 0.258 * win_length^2. */
SONO_API double sono_window_gamma(sono_window w, size_t win_length);

/* Spectral convergence of y against the target magnitude, in dB:
 * 20 log10(||mag - |STFT(y)| ||_F / ||mag||_F), over the frames both have.
 * SONO_ERR_EMPTY when mag is all zeros. */
SONO_API int sono_spectral_convergence(const sono_stft_params *p,
                                       const float *mag, size_t frames,
                                       const float *y, size_t n,
                                       double *sc_db);

/* ------------------------------------------------------------------------ */
/* Decibels                                                                  */

/* librosa.power_to_db / amplitude_to_db arguments. */
typedef struct sono_db_params {
    int amplitude;    /* 0: input is power, 10*log10; 1: amplitude, 20*log10 */
    int ref_is_max;   /* ref = the maximum of the input (ref=np.max) */
    double ref;       /* otherwise this reference value (> 0, default 1.0) */
    double amin;      /* floor of the input; 0 picks librosa's default:
                         1e-10 for power, 1e-5 for amplitude */
    double top_db;    /* clip at max - top_db; < 0 disables (default 80) */
} sono_db_params;

SONO_API void sono_db_params_default(sono_db_params *p, int amplitude);

/* A dB conversion whose reference and floor are fixed, so that it can be
 * applied block by block once the peak of the whole input is known. */
typedef struct sono_db {
    double scale;     /* 10 or 20 */
    double amin;      /* floor of the input values */
    double ref_db;    /* subtracted after the log */
    double floor_db;  /* the output is at least this (-inf when no top_db) */
} sono_db;

/* peak: the largest input value (|S| for amplitude, S for power) of the
 * whole matrix; needed when ref_is_max or top_db >= 0. */
SONO_API int sono_db_prepare(sono_db *d, const sono_db_params *p, double peak);
SONO_API void sono_db_apply(const sono_db *d, const float *in, float *out,
                            size_t n);
/* One-shot on a whole matrix, in place. */
SONO_API int sono_to_db(float *x, size_t n, const sono_db_params *p);
/* ref * 10^(0.1 x) (db_to_power) or sqrt(ref^2 * 10^(0.1 x))
 * (db_to_amplitude when amplitude is set), in place. */
SONO_API void sono_from_db(float *x, size_t n, double ref, int amplitude);

/* ------------------------------------------------------------------------ */
/* Mel filterbank                                                            */

typedef enum sono_mel_norm {
    SONO_MEL_NORM_SLANEY = 0, /* each filter divided by its width in Hz / 2 */
    SONO_MEL_NORM_NONE
} sono_mel_norm;

typedef struct sono_mel_params {
    size_t n_mels;        /* default 128 */
    double fmin;          /* default 0 */
    double fmax;          /* 0 means sample_rate / 2 (default) */
    int htk;              /* HTK formula instead of Slaney's (default 0) */
    sono_mel_norm norm;   /* default SONO_MEL_NORM_SLANEY */
} sono_mel_params;

SONO_API void sono_mel_params_default(sono_mel_params *p);
/* Hz <-> mel, Slaney's (linear below 1 kHz, logarithmic above) or HTK's. */
SONO_API double sono_hz_to_mel(double hz, int htk);
SONO_API double sono_mel_to_hz(double mel, int htk);
/* n frequencies equally spaced in mel from fmin to fmax
 * (librosa.mel_frequencies). */
SONO_API void sono_mel_frequencies(size_t n, double fmin, double fmax, int htk,
                                   double *out);

/* A mel filterbank (librosa.filters.mel) over n_fft/2 + 1 STFT bins. */
typedef struct sono_mel sono_mel;

/* Validates: n_mels >= 1, 0 <= fmin < fmax, sample_rate > 0.  fmax above
 * sample_rate / 2 is allowed, as in librosa (the CLI warns about it). */
SONO_API sono_mel *sono_mel_new(const sono_mel_params *p, double sample_rate,
                                size_t n_fft, int *err);
SONO_API void sono_mel_free(sono_mel *m);
SONO_API size_t sono_mel_bands(const sono_mel *m);
/* Number of filters with no weight on any bin (librosa warns about them). */
SONO_API size_t sono_mel_empty_filters(const sono_mel *m);
/* The dense n_mels x (n_fft/2 + 1) weight matrix, row-major, float32. */
SONO_API void sono_mel_weights(const sono_mel *m, float *out);
/* out[n_mels] = weights @ spectrum[n_fft/2 + 1], for one frame. */
SONO_API void sono_mel_apply(const sono_mel *m, const float *spectrum,
                             float *out);

/* ------------------------------------------------------------------------ */
/* MFCC                                                                      */

/* librosa.feature.mfcc's last step: orthonormal DCT-II of each frame of a
 * dB mel spectrogram, keeping n_mfcc coefficients, then liftering
 * (lifter > 0: coefficient k times 1 + lifter/2 * sin(pi * (k+1) / lifter)). */
typedef struct sono_mfcc sono_mfcc;

SONO_API sono_mfcc *sono_mfcc_new(size_t n_mels, size_t n_mfcc, double lifter,
                                  int *err);
SONO_API void sono_mfcc_free(sono_mfcc *m);
/* out[n_mfcc] from mel_db[n_mels]. */
SONO_API void sono_mfcc_apply(const sono_mfcc *m, const float *mel_db,
                              float *out);

/* ------------------------------------------------------------------------ */
/* Mel and MFCC inversion                                                    */

/* librosa.feature.inverse.mel_to_stft: the non-negative STFT magnitude whose
 * mel spectrogram is mel, found as librosa.util.nnls finds it (scipy's
 * L-BFGS-B from the clipped pseudo-inverse solution, stopped by scipy's
 * default tests, usually after a few iterations: an approximation that
 * matches librosa's, not the exact least-squares solution), then raised to
 * 1/power.  mel: frames x n_mels (frame-major), finite and >= 0, computed
 * with power `power` (2 for a power mel spectrogram, 1 for magnitude);
 * out: frames x (n_fft/2 + 1) magnitudes.  As librosa with float32 input,
 * the frames are solved in independent blocks of sono_mel_to_stft_block()
 * frames, so calling this on consecutive runs of that many frames gives the
 * same result as one call on all of them, in bounded memory.  Memory and
 * time grow with the iterations the solver needs: about 100 bytes per bin
 * and frame of a block, plus 16 more per iteration.  Most inputs take 0 to
 * 3 iterations (0.1 s, 50 MiB for 435 frames of 128 bands); large mel
 * values (loud input, HTK bands without normalisation) can take a hundred
 * (tens of seconds, hundreds of MiB per block; librosa takes longer).
 * SONO_ERR_EMPTY for frames = 0, SONO_ERR_NONFINITE for NaN or infinity in
 * mel, SONO_ERR_INVALID for a negative mel value or power not > 0. */
SONO_API int sono_mel_to_stft(const sono_mel *m, const float *mel,
                              size_t frames, double power, float *out);
/* Frames per independent block of sono_mel_to_stft: 262144 / (4 n_mels),
 * at least 1 (512 for 128 bands). */
SONO_API size_t sono_mel_to_stft_block(const sono_mel *m);
/* The number of STFT bins, n_fft/2 + 1, the filterbank spans. */
SONO_API size_t sono_mel_bins(const sono_mel *m);

/* librosa.feature.inverse.mfcc_to_mel (dct_type 2, norm 'ortho'): undoes
 * the liftering (lifter > 0: coefficient k divided by
 * 1 + lifter/2 * sin(pi * (k+1) / lifter)), applies the orthonormal inverse
 * DCT to the coefficients zero-padded (or cut) to n_mels, and converts the
 * dB values to power: ref * 10^(dB / 10).  mfcc: frames x n_mfcc, out:
 * frames x n_mels, frame-major.  Frames are independent.
 * SONO_ERR_EMPTY for frames = 0, SONO_ERR_NONFINITE for NaN or infinity in
 * mfcc, SONO_ERR_INVALID for n_mfcc or n_mels 0 (or n_mels > 100000), a
 * lifter < 0 or infinite, a lifter whose factor for some coefficient is 0
 * (librosa warns and divides by it), or ref not > 0. */
SONO_API int sono_mfcc_to_mel(const float *mfcc, size_t n_mfcc, size_t frames,
                              size_t n_mels, double lifter, double ref,
                              float *out);

/* ------------------------------------------------------------------------ */
/* NumPy .npy                                                                */

typedef enum sono_dtype {
    SONO_DTYPE_F32 = 0,   /* '<f4' */
    SONO_DTYPE_C64        /* '<c8' */
} sono_dtype;

#define SONO_NPY_MAX_DIMS 8

/* An array in C order. */
typedef struct sono_npy_array {
    sono_dtype dtype;
    size_t ndim;
    size_t shape[SONO_NPY_MAX_DIMS];
    void *data;           /* float or sono_complex, product(shape) values */
} sono_npy_array;

/* Reads a .npy file (format 1.0, 2.0 or 3.0).  Accepts little- and
 * big-endian float32/float64 (as float32) and complex64/complex128 (as
 * complex64), C or Fortran order (returned in C order).  SONO_ERR_FORMAT for
 * a file that is not a valid .npy, holds another dtype, or holds less data
 * than its shape claims; SONO_ERR_TOO_LARGE when the shape's size overflows.
 * Nothing is allocated for a shape the file cannot back. */
SONO_API int sono_npy_load(const char *path, sono_npy_array *out);
SONO_API void sono_npy_free(sono_npy_array *a);
/* Writes a C-order array atomically (temporary file, then rename). */
SONO_API int sono_npy_save(const char *path, const sono_npy_array *a);

/* A 2-D matrix in librosa's layout (rows x columns, C order) written one
 * column at a time, as frames come out of a stream.  Columns wait in memory
 * and, past a few MiB, in an unlinked temporary file; the .npy is written
 * (transposed) by sono_npy_writer_finish, atomically.  With path NULL the
 * writer is only a spool, read back by sono_npy_writer_each (finish then
 * returns SONO_ERR_INVALID). */
typedef struct sono_npy_writer sono_npy_writer;

SONO_API sono_npy_writer *sono_npy_writer_new(const char *path, sono_dtype dt,
                                              size_t rows, int *err);
SONO_API int sono_npy_writer_push(sono_npy_writer *w, const void *column);
SONO_API size_t sono_npy_writer_columns(const sono_npy_writer *w);
/* A transformation applied to every column as the file is written:
 * in has the writer's rows values, out has out_rows values of out_dtype.
 * It is called once per column, in column order, so it may carry state from
 * one column to the next (a difference of frames).  A non-zero return stops
 * the writing and is returned. */
typedef int (*sono_column_map)(void *ctx, const void *in, void *out);
/* Writes the file and renames it over the target.  map may be NULL (the
 * columns as pushed); otherwise it turns each column into out_rows values
 * of out_dtype.  SONO_ERR_EMPTY when no column was pushed. */
SONO_API int sono_npy_writer_finish(sono_npy_writer *w, sono_column_map map,
                                    void *ctx, size_t out_rows,
                                    sono_dtype out_dtype);
/* The same for one value per column, written as a 1-D array of `columns`
 * values (librosa's shape for onset_strength): map turns each column into
 * one value of out_dtype, or, when NULL, the writer must have one row
 * (SONO_ERR_INVALID otherwise) and its values are written as pushed. */
SONO_API int sono_npy_writer_finish_vector(sono_npy_writer *w,
                                           sono_column_map map, void *ctx,
                                           sono_dtype out_dtype);
/* Calls fn on every column pushed so far, in order (a non-zero return
 * stops and is returned); pushing may go on afterwards. */
typedef int (*sono_column_fn)(void *ctx, const void *column);
SONO_API int sono_npy_writer_each(sono_npy_writer *w, sono_column_fn fn, void *ctx);
/* Releases the writer; if not finished, nothing is left on disk. */
SONO_API void sono_npy_writer_free(sono_npy_writer *w);

/* Reads a 2-D .npy column by column (frame by frame) in bounded memory. */
typedef struct sono_npy_reader sono_npy_reader;

SONO_API sono_npy_reader *sono_npy_reader_open(const char *path, int *err);
/* dtype of the columns delivered, and the matrix shape. */
SONO_API void sono_npy_reader_shape(const sono_npy_reader *r, sono_dtype *dt,
                                    size_t *rows, size_t *cols);
/* Copies the next column into out; returns 1, 0 at the end, or an error. */
SONO_API int sono_npy_reader_next(sono_npy_reader *r, void *column);
SONO_API void sono_npy_reader_close(sono_npy_reader *r);


/* ------------------------------------------------------------------------ */
/* Log-frequency filterbank                                                  */
/* (logfreq.c) */

/* Bands centred at f_k = fmin * 2^(k / bins_per_octave), k = 0, 1, ... while
 * f_k <= fmax (within 1e-9 relative).  Band k is a triangle over the STFT
 * bin frequencies j * sr / n_fft, peaking at f_k, falling to 0 at
 * f_k - max(f_k - f_{k-1}, df) and f_k + max(f_{k+1} - f_k, df),
 * df = sr / n_fft; where the bands are narrower than a bin this is linear
 * interpolation of the spectrum at f_k.  Each band's weights sum to 1 (a
 * weighted mean of the bins), so white noise is flat across bands and a tone
 * keeps its amplitude in narrow bands. */
typedef struct sono_logfreq_params {
    double fmin;            /* default 32.703195662574829 (C1, librosa's note_to_hz('C1')) */
    double fmax;            /* 0 means sample_rate / 2 (default) */
    double bins_per_octave; /* default 24 */
} sono_logfreq_params;

SONO_API void sono_logfreq_params_default(sono_logfreq_params *p);

/* A log-frequency filterbank over n_fft/2 + 1 STFT bins. */
typedef struct sono_logfreq sono_logfreq;

/* Validates: fmin > 0, fmin < fmax <= sample_rate / 2 (unlike the mel bank,
 * fmax above Nyquist is SONO_ERR_INVALID), bins_per_octave in [1, 1200],
 * sample_rate > 0, n_fft in [2, SONO_MAX_N_FFT], and 1 to 100000 bands;
 * otherwise NULL with SONO_ERR_INVALID (or SONO_ERR_NOMEM) in *err. */
SONO_API sono_logfreq *sono_logfreq_new(const sono_logfreq_params *p,
                                        double sample_rate, size_t n_fft,
                                        int *err);
SONO_API void sono_logfreq_free(sono_logfreq *l);
SONO_API size_t sono_logfreq_bands(const sono_logfreq *l);
/* The number of STFT bins, n_fft/2 + 1, the filterbank spans. */
SONO_API size_t sono_logfreq_bins(const sono_logfreq *l);
/* The centre frequency of each band in Hz: out[bands]. */
SONO_API void sono_logfreq_frequencies(const sono_logfreq *l, double *out);
/* The dense bands x (n_fft/2 + 1) weight matrix, row-major, float32. */
SONO_API void sono_logfreq_weights(const sono_logfreq *l, float *out);
/* out[bands] = weights @ spectrum[n_fft/2 + 1], for one frame. */
SONO_API void sono_logfreq_apply(const sono_logfreq *l, const float *spectrum,
                                 float *out);
/* The inverse as sono_mel_to_stft does it for mel bands (librosa's
 * mel_to_stft: the same non-negative least squares, in independent blocks
 * of 262144 / (4 bands) frames, then raised to 1/power): bands is
 * frames x bands (frame-major), finite and >= 0, computed with power
 * `power` (1 magnitude, 2 power); out is frames x (n_fft/2 + 1)
 * magnitudes.  The same codes as sono_mel_to_stft. */
SONO_API int sono_logfreq_to_stft(const sono_logfreq *l, const float *bands,
                                  size_t frames, double power, float *out);

/* ------------------------------------------------------------------------ */
/* Filterbanks in STFT block pulls                                           */

/* sono_stft_pull_spectrum (power 1 or 2) with every frame then through the
 * mel or log-frequency filterbank on the plan's threads: n_mels (bands)
 * floats a frame, the bits of sono_mel_apply (sono_logfreq_apply) of
 * sono_magnitude or sono_power of sono_stft_pull's frame.  The bank must
 * span the plan's n_fft/2 + 1 bins (else SONO_ERR_INVALID); it is only
 * read, so one bank may serve several plans at once. */
SONO_API int sono_stft_pull_mel(sono_stft *s, const sono_mel *m, int power,
                                float *out, size_t max);
SONO_API int sono_stft_pull_logfreq(sono_stft *s, const sono_logfreq *l,
                                    int power, float *out, size_t max);

/* ------------------------------------------------------------------------ */
/* Spectral features (spectral.c)                                            */

/* One value per STFT frame from its magnitude |S| (n_fft/2 + 1 values,
 * finite and >= 0), as librosa 0.10's feature functions with power 1
 * compute column t of their (1, frames) result.  f_k = k * sr / n_fft.
 * - CENTROID: spectral_centroid, sum_k f_k |S_k| / sum_k |S_k|.
 * - BANDWIDTH: spectral_bandwidth (p = 2, norm=True, about the centroid c):
 *   sqrt(sum_k |S_k| / sum_j |S_j| * (f_k - c)^2).
 *   Both leave a frame whose sum is below FLT_MIN undivided, as
 *   librosa.util.normalize does (a silent frame gives 0).
 * - ROLLOFF: spectral_rolloff, the lowest f_k where the running sum of |S|
 *   reaches roll_percent of the frame's sum (both in float32, as numpy's
 *   cumsum, so that equal magnitudes pick the same bin); 0 for silence.
 * - FLATNESS: spectral_flatness (power 2): the geometric over the
 *   arithmetic mean of max(amin, |S_k|^2); 1 for silence. */
typedef enum sono_spectral_feature {
    SONO_SPECTRAL_CENTROID = 0,
    SONO_SPECTRAL_BANDWIDTH,
    SONO_SPECTRAL_ROLLOFF,
    SONO_SPECTRAL_FLATNESS
} sono_spectral_feature;

typedef struct sono_spectral_params {
    sono_spectral_feature kind;  /* default SONO_SPECTRAL_CENTROID */
    double sample_rate;          /* > 0 (default 22050) */
    size_t n_fft;                /* 2 to SONO_MAX_N_FFT (default 2048) */
    double roll_percent;         /* ROLLOFF: in (0, 1) (default 0.85) */
    double amin;                 /* FLATNESS: > 0 (default 1e-10) */
} sono_spectral_params;

SONO_API void sono_spectral_params_default(sono_spectral_params *p);
/* NULL with SONO_ERR_INVALID for a parameter out of range (every field is
 * checked, whatever the kind), or SONO_ERR_NOMEM. */
typedef struct sono_spectral sono_spectral;
SONO_API sono_spectral *sono_spectral_new(const sono_spectral_params *p,
                                          int *err);
SONO_API void sono_spectral_free(sono_spectral *s);
SONO_API const sono_spectral_params *sono_spectral_get_params(const sono_spectral *s);
/* The feature of one frame: mag holds n_fft/2 + 1 magnitudes.  Thread-safe
 * on a shared plan (it only reads it). */
SONO_API float sono_spectral_apply(const sono_spectral *s, const float *mag);

/* ------------------------------------------------------------------------ */
/* Onset strength (onset.c)                                                  */

/* librosa 0.10's onset.onset_strength from a dB spectrogram, streamed: the
 * mean over bands of max(0, S[t] - ref[t - lag]), where ref is S or, with
 * max_size > 1, S through scipy's maximum_filter1d across max_size bands
 * (mode 'reflect'); then lag zeros in front, and with center a further
 * n_fft / (2 * hop_length) to undo the STFT's centring, cut to the number
 * of frames.  Each frame pushed gives the output value of the same index,
 * which depends on earlier frames only, so the stream needs no look-ahead.
 *
 * librosa's default input is power_to_db(melspectrogram(y, sr)) with ref
 * 1.0, amin 1e-10 and top_db 80: 128 Slaney mel bands of the power STFT
 * (n_fft 2048, hop 512, centred).  Its floor, 80 dB below the peak of the
 * whole spectrogram, is known only after the last frame: `sono features`
 * spools the mel frames in a sono_npy_writer while tracking the peak, then
 * runs this stream in the column map of sono_npy_writer_finish_vector
 * (sono_db_prepare, sono_db_apply, sono_onset_push).  With center = 0 and
 * fewer frames than lag, librosa returns lag zeros; this returns one per
 * frame. */
#define SONO_ONSET_MAX_LAG 65536
#define SONO_ONSET_MAX_SIZE 65536

typedef struct sono_onset_params {
    size_t lag;        /* 1 to SONO_ONSET_MAX_LAG (default 1) */
    size_t max_size;   /* 1 (no filter) to SONO_ONSET_MAX_SIZE (default 1) */
    int center;        /* shift by n_fft / (2 hop) (default 1) */
} sono_onset_params;

SONO_API void sono_onset_params_default(sono_onset_params *p);
typedef struct sono_onset sono_onset;
/* bands: values per frame (1 to 100000); n_fft and hop_length: the STFT's
 * (1 to SONO_MAX_N_FFT; n_fft, at least 2, is only read with center).  NULL
 * with SONO_ERR_INVALID or SONO_ERR_NOMEM.  Memory: (shift + lag + 2)
 * frames. */
SONO_API sono_onset *sono_onset_new(const sono_onset_params *p, size_t bands,
                                    size_t n_fft, size_t hop_length, int *err);
SONO_API void sono_onset_free(sono_onset *o);
/* Forgets the frames taken, ready for a new spectrogram. */
SONO_API void sono_onset_reset(sono_onset *o);
/* Takes the next frame (bands dB values) and returns the onset strength of
 * the same index. */
SONO_API float sono_onset_push(sono_onset *o, const float *frame_db);

/* ------------------------------------------------------------------------ */
/* Tempo (tempogram.c, tempo.c)                                              */

/* A global tempo from an onset envelope (sono_onset_push's values, one per
 * frame of hop_length samples at sample_rate).  Both methods read librosa
 * 0.10's autocorrelation tempogram (feature.tempogram: win_length = floor(
 * ac_size sr / hop) lags, a Hann window, each frame normalised by its
 * largest value) averaged over time.  SONO_TEMPO_LIBROSA picks the period as
 * librosa.feature.rhythm.tempo does: log1p(1e6 tg) plus a log-normal prior
 * around start_bpm (std_bpm octaves), tempi at or above max_tempo excluded.
 * SONO_TEMPO_METRICAL (the default) scores each period by the tempogram at
 * its first multiples as well, which chooses the beat over a sub-beat, an
 * off-beat or a bar more often (bench/tempo.py, docs/tempo.md). */
typedef enum sono_tempo_method {
    SONO_TEMPO_LIBROSA = 0,
    SONO_TEMPO_METRICAL = 1
} sono_tempo_method;

typedef struct sono_tempo_params {
    double sample_rate;   /* of the audio (default 22050) */
    size_t hop_length;    /* samples per envelope frame (default 512) */
    double start_bpm;     /* centre of the prior (default 120) */
    double std_bpm;       /* its width in octaves (default 1.0) */
    double ac_size;       /* autocorrelation window, seconds (default 8.0) */
    double max_tempo;     /* BPM; 0: no limit (default 320) */
    sono_tempo_method method;
} sono_tempo_params;

typedef struct sono_tempo_result {
    double bpm;              /* the tempo the method chose */
    double librosa_bpm;      /* librosa's rule (= bpm with SONO_TEMPO_LIBROSA) */
    size_t lag;              /* the chosen period, envelope frames */
    double confidence;       /* the mean normalised autocorrelation at that
                                period, 0 (no pulse) to 1 (perfectly periodic) */
    double half_bpm;         /* the tempogram's peak nearest half the tempo */
    double half_strength;    /* its mean normalised autocorrelation */
    double double_bpm;       /* the same near twice the tempo */
    double double_strength;  /* (a BPM of 0: no peak there, or beyond the
                                tempogram's lags) */
} sono_tempo_result;

SONO_API void sono_tempo_params_default(sono_tempo_params *p);
/* win_length, the tempogram's number of lags; 0 if the parameters cannot
 * make one of at least 2 (or more than 2^22). */
SONO_API size_t sono_tempo_win_length(const sono_tempo_params *p);
/* The tempogram averaged over time: win_length values, lag 0 first (1.0
 * unless the envelope is silent).  SONO_ERR_INVALID for bad parameters, an
 * empty or non-finite envelope. */
SONO_API int sono_tempogram_mean(const sono_tempo_params *p, const float *onset,
                                 size_t frames, double *out);
/* SONO_ERR_INVALID also when max_tempo excludes every period. */
SONO_API int sono_tempo_estimate(const sono_tempo_params *p, const float *onset,
                                 size_t frames, sono_tempo_result *out);

/* ------------------------------------------------------------------------ */
/* Self-similarity (similarity.c)                                            */

/* The recurrence matrix of feature frames (frame-major, frames x dims):
 * consecutive frames are averaged in groups of ceil(frames / max_frames),
 * giving n = sono_similarity_size(frames, max_frames) rows; with
 * standardize each dimension is then centred and divided by its standard
 * deviation over the n rows (a constant one becomes 0); out (n x n,
 * symmetric) receives the cosine similarity of every pair of rows, in
 * [-1, 1], 0 for a zero row.  SONO_ERR_INVALID for no frames, no
 * dimensions, max_frames 0 or non-finite features; SONO_ERR_TOO_LARGE when
 * n x n exceeds SONO_SIMILARITY_MAX_CELLS. */
#define SONO_SIMILARITY_MAX_CELLS ((size_t)1 << 28)
SONO_API size_t sono_similarity_size(size_t frames, size_t max_frames);
SONO_API int sono_self_similarity(const float *features, size_t frames, size_t dims,
                                  size_t max_frames, int standardize, float *out);

/* ------------------------------------------------------------------------ */
/* RMS and zero-crossing rate (signal_features.c)                            */

/* One value per frame of the signal itself, without a window, streamed:
 * librosa 0.10's feature.rms(y=...) and feature.zero_crossing_rate(y).
 * With center, the whole signal is padded by frame_length / 2 on each side
 * as numpy's np.pad pads it (rms: pad_mode; zero-crossing rate: always the
 * edge sample, as librosa does), and frame t covers padded samples
 * [t * hop, t * hop + frame_length).
 * - RMS: sqrt(mean(x^2)) over the frame.
 * - ZCR: the number of neighbouring pairs within the frame whose sign bits
 *   differ, over frame_length (librosa.zero_crossings with zero_pos=True
 *   and pad=False): samples with |x| <= threshold count as +0 first, when
 *   threshold > 0 (librosa's default 1e-10). */
typedef enum sono_signal_feature_kind {
    SONO_SIGNAL_RMS = 0,
    SONO_SIGNAL_ZCR
} sono_signal_feature_kind;

typedef struct sono_signal_feature_params {
    sono_signal_feature_kind kind;  /* default SONO_SIGNAL_RMS */
    size_t frame_length;            /* 1 to SONO_MAX_N_FFT (default 2048) */
    size_t hop_length;              /* 1 to SONO_MAX_N_FFT, may exceed the
                                       frame length (default 512) */
    int center;                     /* default 1 */
    sono_pad_mode pad_mode;         /* RMS's padding (default constant);
                                       ZCR ignores it */
    double threshold;               /* ZCR's, >= 0 (default 1e-10) */
} sono_signal_feature_params;

SONO_API void sono_signal_feature_params_default(sono_signal_feature_params *p);
/* Frames for n samples: 1 + (n + 2 (frame_length / 2) - frame_length) / hop
 * when centred, 1 + (n - frame_length) / hop otherwise.  SONO_ERR_EMPTY for
 * n = 0, SONO_ERR_TOO_SHORT when n < frame_length without centring,
 * SONO_ERR_INVALID for bad parameters. */
SONO_API int sono_signal_feature_frame_count(const sono_signal_feature_params *p,
                                             size_t n, size_t *frames);

/* A streaming plan with the STFT's interface: push samples, pull values.
 * Memory is fixed at creation (about 3 frame lengths). */
typedef struct sono_signal_feature sono_signal_feature;

SONO_API sono_signal_feature *
sono_signal_feature_new(const sono_signal_feature_params *p, int *err);
SONO_API void sono_signal_feature_free(sono_signal_feature *f);
SONO_API void sono_signal_feature_reset(sono_signal_feature *f);
/* Offers n samples; returns how many were taken (fewer than n when the
 * buffer is full: pull values, then push the rest). */
SONO_API size_t sono_signal_feature_push(sono_signal_feature *f,
                                         const float *x, size_t n);
/* Declares the end of the signal. */
SONO_API int sono_signal_feature_finish(sono_signal_feature *f);
/* The next frame's value into *value: 1 when one was produced, 0 when more
 * input (or finish) is needed or all are out; after finish, SONO_ERR_EMPTY
 * for a signal of no samples and SONO_ERR_TOO_SHORT for one shorter than
 * frame_length without centring. */
SONO_API int sono_signal_feature_pull(sono_signal_feature *f, float *value);

/* ------------------------------------------------------------------------ */
/* Frequency weighting (weighting.c)                                         */

/* librosa.A_weighting(frequencies, min_db): the A-weighting curve in dB at
 * each of n frequencies in Hz (finite), floored at min_db (librosa's
 * default -80.0; -INFINITY for no floor, which leaves -infinity at 0 Hz).
 * About 0 dB at 1 kHz, +1.3 dB at 2.5 kHz, -19.1 dB at 100 Hz.  Adding it,
 * per row, to power_to_db of a spectrogram whose rows have these
 * frequencies is librosa.perceptual_weighting (kind 'A'). */
SONO_API void sono_a_weighting(const double *hz, size_t n, double min_db,
                               double *out);   /* out may be hz */
/* Constant-Q transform                                                      */
/* (cqt.c, icqt.c; filters in cqt_filters.c, resampling in polyphase.c) */

/* librosa.cqt and librosa.icqt as librosa 0.10.2 computes them with
 * res_type='polyphase' and its other defaults (tuning 0, filter_scale 1,
 * norm 1, sparsity 0.01, window 'hann', scale True, pad_mode 'constant').
 *
 * Bin k is centred at f_k = fmin * 2^(k / bins_per_octave).  Its filter is a
 * complex exponential at f_k under a Hann window of L_k = Q sr / f_k
 * samples, normalised to unit L1 norm, with Q = 1 / alpha and alpha =
 * (2^(2/B) - 1) / (2^(2/B) + 1) for B bins per octave (Q = 17.33 for 12).
 * The value at frame t is sqrt(L_k) times the filter's correlation with the
 * signal around sample t * hop (zeros beyond its ends): a sinusoid of
 * amplitude a at f_k gives about a sqrt(L_k) / 2.
 *
 * It is computed as librosa does, octave by octave from the top: each
 * octave's filters go through an FFT (frames of the next power of 2 above
 * the longest), lose their smallest coefficients worth 1 % of their L1 norm,
 * and multiply the rectangular-window STFT of the signal at that octave's
 * rate; between octaves the signal is downsampled by 2 (scipy's
 * resample_poly, Kaiser-windowed, 41 taps, times sqrt 2) while the hop
 * stays even.  Before the first octave it is downsampled by 2^e at once
 * when the filters reach below a quarter of the Nyquist frequency and the
 * hop has factors of 2 to spare.  Measured against librosa's outputs
 * (tests/golden, two clips): relative Frobenius error of the magnitude
 * 1.9e-7 and 1.7e-7.
 *
 * The hop need not be divisible by 2^(octaves - 1): as in librosa 0.10,
 * downsampling stops at the first octave whose hop is odd, and the octaves
 * below keep that rate with filters as long as they need there (slower). */

#define SONO_CQT_C1 32.70319566257483 /* librosa.note_to_hz('C1') */
#define SONO_CQT_MAX_BINS 65536

typedef struct sono_cqt_params {
    size_t n_bins;          /* 1..SONO_CQT_MAX_BINS (default 84) */
    size_t bins_per_octave; /* 1..SONO_CQT_MAX_BINS (default 12) */
    double fmin;            /* Hz, above 0 (default SONO_CQT_C1) */
    size_t hop_length;      /* at least 1 (default 512) */
    int threads;            /* sono_cqt_run's worker threads: 1 (default), 0 or
                               less for one per core; the frames of an octave
                               are split among them and the output is the same,
                               bit for bit, for any number */
} sono_cqt_params;

SONO_API void sono_cqt_params_default(sono_cqt_params *p);
/* The centre frequencies f_k, out[n_bins]; SONO_ERR_INVALID for bad bins. */
SONO_API int sono_cqt_frequencies(const sono_cqt_params *p, double *out);
/* The highest frequency the filters reach: f_k (1 + ENBW / (2 Q)) at the
 * top bin, ENBW = 1.5002 the Hann window's equivalent noise bandwidth
 * (librosa's filter cutoff); 0 for bad bins. */
SONO_API double sono_cqt_reach(const sono_cqt_params *p);
/* Validates p for a rate: SONO_ERR_INVALID for bins or bins_per_octave
 * outside their range, fmin not above 0 or not finite, hop 0, a rate not
 * positive and finite, or filters reaching above sample_rate / 2 (librosa
 * raises); SONO_ERR_TOO_LARGE when an octave's FFT frame would exceed
 * SONO_MAX_N_FFT samples (a very low fmin, many bins per octave, or a hop
 * that keeps low octaves at a high rate) or the early downsampling factor
 * 2^16; SONO_ERR_NOMEM. */
SONO_API int sono_cqt_check(const sono_cqt_params *p, double sample_rate);

/* The forward transform, planned for one rate (filters and FFT plans made
 * once; NULL and sono_cqt_check's code in *err otherwise). */
typedef struct sono_cqt sono_cqt;

SONO_API sono_cqt *sono_cqt_new(const sono_cqt_params *p, double sample_rate,
                                int *err);
SONO_API void sono_cqt_free(sono_cqt *c);
/* The frames for a signal of n samples: 1 + n / hop as librosa.stft's, or
 * the fewest over the octaves of 1 + (samples at that octave's rate) / (its
 * hop), which early downsampling's rounding can make one more; 0 for n = 0. */
SONO_API size_t sono_cqt_frames(const sono_cqt *c, size_t n);
/* The fewest samples sono_cqt_run accepts: the early downsampling factor
 * (1 when there is none). */
SONO_API size_t sono_cqt_min_samples(const sono_cqt *c);
/* The CQT of x[0..n) into out, frames x n_bins complex values, frame-major
 * (sono_cqt_frames(c, n) frames; row 0 the lowest bin).  SONO_ERR_EMPTY for
 * n = 0, SONO_ERR_TOO_SHORT for fewer samples than the early downsampling
 * factor (librosa raises), SONO_ERR_NONFINITE for NaN or infinity,
 * SONO_ERR_NOMEM.  Works in at most 0.75 n floats besides out (the
 * downsampled signals). */
SONO_API int sono_cqt_run(sono_cqt *c, const float *x, size_t n,
                          sono_complex *out);

/* The inverse, librosa.icqt: per octave, from the bottom (bins 0..B-1 at the
 * lowest rate, the last octave possibly partial), each bin's filter
 * spectrum conjugated, weighted by sqrt(L_k) n_fft / (L_k * its energy),
 * summed into frames, inverted by an STFT with a rectangular window at the
 * octave's rate and hop (each sample divided by the number of frames that
 * cover it), upsampled to the full rate by resample_poly and added.  The
 * rates and hops are the forward transform's without the early
 * downsampling.  It is not an exact inverse: it gives back what the CQT
 * sampled densely.  With the defaults (hop 512) the top octaves' filters
 * are shorter than the hop, and cqt then icqt gave two music clips back at
 * 0.6 and 4.9 dB SNR; with 108 bins (to 15.8 kHz) at hop 32, at 39.1 and
 * 38.1 dB.  As librosa's, with a number of bins that is not a multiple of
 * bins_per_octave the octaves are grouped from the bottom (the forward
 * transform groups from the top) and the top ones can land at a rate too
 * low for them. */
typedef struct sono_icqt sono_icqt;

SONO_API sono_icqt *sono_icqt_new(const sono_cqt_params *p,
                                  double sample_rate, int *err);
SONO_API void sono_icqt_free(sono_icqt *q);
/* The output length for frames frames: length when not 0 (librosa's
 * `length`), else hop * (frames - 1). */
SONO_API size_t sono_icqt_length(const sono_icqt *q, size_t frames,
                                 size_t length);
/* The signal of C (frames x n_bins, frame-major, as sono_cqt_run writes
 * it) into out (sono_icqt_length() samples).  With a length, frames beyond
 * ceil((length + longest filter) / hop) are ignored and the signal is cut
 * or zero-padded to it.  SONO_ERR_EMPTY for no frames, SONO_ERR_TOO_SHORT
 * when only one frame is used (it spans no samples), SONO_ERR_NONFINITE,
 * SONO_ERR_NOMEM.  Works in about 24 bytes per sample of hop * (frames - 1)
 * (double-precision sums). */
SONO_API int sono_icqt_run(sono_icqt *q, const sono_complex *C, size_t frames,
                           size_t length, float *out);

/* ------------------------------------------------------------------------ */
/* Colormaps                                                                 */
/* (colormap.c) */

/* matplotlib's colormaps, 256 entries each, with matplotlib 3.6's values.
 * The tables are constant data: every function here is thread-safe. */
typedef enum sono_colormap {
    SONO_CMAP_MAGMA = 0, SONO_CMAP_VIRIDIS, SONO_CMAP_INFERNO, SONO_CMAP_PLASMA,
    SONO_CMAP_CIVIDIS, SONO_CMAP_GRAY, SONO_CMAP_BLUES, SONO_CMAP_AFMHOT
} sono_colormap;
#define SONO_CMAP_COUNT 8

/* Parses matplotlib's names "magma", "viridis", "inferno", "plasma",
 * "cividis", "gray", "blues" (and matplotlib's spelling "Blues"), "afmhot".
 * SONO_ERR_INVALID for any other name, or a NULL argument. */
SONO_API int sono_colormap_from_name(const char *name, sono_colormap *c);
/* The name sono_colormap_from_name parses ("blues" in lower case), or
 * "unknown" for a value outside the enum. */
SONO_API const char *sono_colormap_name(sono_colormap c);
/* The 256 entries as RGB floats in [0, 1]: 768 floats, entry i at
 * [3 * i], as matplotlib's cmap(np.linspace(0, 1, 256)) rounded to float.
 * Static data, not to be freed; NULL for a value outside the enum. */
SONO_API const float *sono_colormap_table(sono_colormap c);
/* Maps t in [0, 1] to 8-bit RGB exactly as matplotlib's cmap(t, bytes=True):
 * entry min(floor(t * 256), 255), so t = 1 is the last entry and each entry
 * covers 1/256 of the range.  t below 0 gives the first entry and above 1
 * the last (matplotlib's default under/over colours).  NaN gives the first
 * entry; matplotlib would give its transparent "bad" colour (0, 0, 0, 0).
 * A value of c outside the enum gives black. */
SONO_API void sono_colormap_rgb8(sono_colormap c, double t, uint8_t rgb[3]);
/* The 256-entry 8-bit table (768 bytes, entry i at [3 * i]) that
 * sono_colormap_rgb8 reads, for rendering many values: matplotlib's
 * cmap(i, bytes=True), that is float64 value * 255 truncated, which is not
 * always what the float table gives (gray's entry 33 is 32, not 33).
 * Static data; NULL for a value outside the enum. */
SONO_API const uint8_t *sono_colormap_lut8(sono_colormap c);

/* ------------------------------------------------------------------------ */
/* Images                                                                    */

/* Limits on every image read or made: a side of at most 65535 pixels and at
 * most 2^28 pixels in all (1 GiB of 8-bit RGBA).  Readers can be held to
 * lower limits (sono_image_limits); nothing goes above these. */
#define SONO_IMAGE_MAX_SIDE 65535u
#define SONO_IMAGE_MAX_PIXELS (1u << 28)

/* The limits a reader checks a picture's header against before it
 * allocates anything (sono_image_read). */
typedef struct sono_image_limits {
    uint32_t max_side;     /* 1 to SONO_IMAGE_MAX_SIDE pixels a side; 0 means
                              SONO_IMAGE_MAX_SIDE (default) */
    uint64_t max_pixels;   /* 1 to SONO_IMAGE_MAX_PIXELS in all; 0 means
                              SONO_IMAGE_MAX_PIXELS (default) */
} sono_image_limits;

SONO_API void sono_image_limits_default(sono_image_limits *l);

/* One key/value text entry of an image (PNG tEXt). */
typedef struct sono_image_text {
    char *key;
    char *value;
} sono_image_text;

/* A picture in memory: rows top to bottom, channels interleaved, each
 * sample a uint8_t (depth 8) or a native-endian uint16_t (depth 16).
 * channels: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. */
typedef struct sono_image {
    uint32_t width, height;
    int channels;
    int depth;
    void *pixels;
    size_t n_text;
    sono_image_text *text;
} sono_image;

/* Allocates a zeroed image; SONO_ERR_TOO_LARGE beyond the limits above. */
SONO_API int sono_image_alloc(sono_image *im, uint32_t width, uint32_t height,
                              int channels, int depth);
SONO_API void sono_image_free(sono_image *im);
/* Sets (or replaces) a text entry; keys are 1 to 79 printable Latin-1
 * characters as PNG requires, values any text without NUL. */
SONO_API int sono_image_set_text(sono_image *im, const char *key,
                                 const char *value);
/* The value of a text entry, or NULL. */
SONO_API const char *sono_image_get_text(const sono_image *im,
                                         const char *key);
/* Luminance in [0, 1] of every pixel, row by row (width x height floats):
 * ITU-R BT.601 luma of the RGB channels (as PIL's convert('L')), alpha
 * ignored. */
SONO_API void sono_image_luminance(const sono_image *im, float *out);

/* Reads a PNG (through libspng) or a JPEG (through libjpeg), told apart by
 * their signatures.  PNGs keep 16-bit depth and grey / grey + alpha;
 * palette and lower depths become 8-bit; JPEGs become 8-bit grey or RGB.
 * Text chunks are read into im->text.  SONO_ERR_FORMAT for a corrupt or
 * unsupported file, SONO_ERR_TOO_LARGE beyond the limits. */
SONO_API int sono_image_load(const char *path, sono_image *im);
/* sono_image_load within the limits l (NULL: the defaults): a picture
 * whose header declares a side above l->max_side or more than
 * l->max_pixels pixels is SONO_ERR_TOO_LARGE, refused before its pixels
 * are allocated.  SONO_ERR_INVALID for a limit above the maximums. */
SONO_API int sono_image_read(const char *path, const sono_image_limits *l,
                             sono_image *im);
/* Writes a PNG with the image's text entries as tEXt chunks (entries with
 * an empty value are left out: PNG cannot hold them), whole or not at all
 * (a temporary file renamed over path). */
SONO_API int sono_png_save(const char *path, const sono_image *im);
/* The same for pictures of few flat colours (colormapped spectrograms,
 * plots): fast zlib compression (level 1) and no row prediction filters,
 * which compresses such pictures smaller as well as many times faster
 * than the defaults, and photographs worse. */
SONO_API int sono_png_save_picture(const char *path, const sono_image *im);

/* ------------------------------------------------------------------------ */
/* Axes                                                                      */
/* (axes.c, font.c) */

/* How the rows of a spectrogram are spaced in frequency. */
typedef enum sono_freq_axis {
    SONO_FREQ_AXIS_LINEAR = 0, SONO_FREQ_AXIS_LOG, SONO_FREQ_AXIS_MEL
} sono_freq_axis;

/* What the axes around a spectrogram picture show. */
typedef struct sono_axes {
    double t0, t1;          /* seconds at the left and the right edge of the plot */
    sono_freq_axis scale;   /* which frequency ticks to choose (see below) */
    const double *row_hz;   /* centre frequency (Hz) of each row of the
                               un-resized matrix, bottom row first, strictly
                               increasing */
    size_t rows;            /* number of entries of row_hz */
    double db_min, db_max;  /* range of the colour bar */
    sono_colormap cmap;     /* colour bar colours */
} sono_axes;

/* Draws plot (RGB 8-bit, the spectrogram already coloured and resized, low
 * frequencies at the bottom) as librosa.display.specshow with
 * plt.colorbar(format='%+2.0f dB') would: inside a black frame, with time
 * ticks below (label "Time (s)"), frequency ticks on the left (label "Hz")
 * and a colour bar on the right with "+0 dB", "-10 dB", ... labels, in a
 * built-in bitmap font.  Allocates *out (RGB 8-bit, white background,
 * released with sono_image_free) and copies the plot into it unchanged.
 * Text grows with the plot (font scale 1 to 4); the margins are computed
 * from the labels, so nothing is clipped.
 * - Time: multiples of a 1-2-5 step (0.1, 0.2, 0.5, 1, 2, ... s), the
 *   finest that gives at most 10 ticks and room between the labels.
 * - Frequency, SONO_FREQ_AXIS_LINEAR: multiples of a 1-2-5 step of at
 *   least 1 Hz, at most 10 ticks, labelled as integers.  LOG and MEL:
 *   the octaves 32, 64, ..., 16384 Hz, thinned from the top down where two
 *   would be closer than two label heights.  A frequency f is placed at
 *   its fractional row r by linear interpolation in row_hz, at
 *   (r + 0.5) / rows of the plot's height from the bottom (row centres);
 *   frequencies outside [row_hz[0], row_hz[rows - 1]] get no tick.
 * - Colour bar: db_min at the bottom (the colormap's first entry), db_max
 *   at the top (its last); ticks at multiples of 10 dB, or 20, 50, ... where
 *   labels would touch, or 5, 2, 1 where 10 would give fewer than two.
 * SONO_ERR_INVALID for a NULL argument, a plot that is not RGB 8-bit,
 * t1 <= t0, db_max <= db_min, non-finite values, rows < 1, row_hz not
 * strictly increasing, an unknown scale or colormap (*out is then zeroed);
 * SONO_ERR_TOO_LARGE when the framed picture would exceed the image
 * limits; SONO_ERR_NOMEM. */
SONO_API int sono_draw_axes(const sono_image *plot, const sono_axes *a,
                            sono_image *out);

/* ------------------------------------------------------------------------ */
/* Waveform and histogram pictures                                           */
/* (waveform.c, histogram.c) */

/* The waveform as audio editors draw it: the min/max envelope, one pixel
 * column per stretch of samples.  Column x of a picture width wide over a
 * signal of total samples covers the samples [x * total / width,
 * (x + 1) * total / width) in integer arithmetic, or the one sample
 * x * total / width when that range is empty (a signal shorter than the
 * width: neighbouring columns share samples).  Samples are pushed in order,
 * in blocks of any size, so a file of any length is drawn in memory
 * proportional to the width; the total must be known in advance (a first
 * pass counts it when the file's header cannot tell). */
typedef struct sono_waveform sono_waveform;

/* A waveform width columns wide (1 to SONO_IMAGE_MAX_SIDE) over exactly
 * total samples (1 to 2^47).  NULL with SONO_ERR_INVALID (width 0),
 * SONO_ERR_EMPTY (total 0), SONO_ERR_TOO_LARGE or SONO_ERR_NOMEM in *err. */
SONO_API sono_waveform *sono_waveform_new(uint32_t width, uint64_t total,
                                          int *err);
/* Accepts NULL. */
SONO_API void sono_waveform_free(sono_waveform *w);
/* Adds the next n samples.  SONO_ERR_STATE when they would go past total,
 * SONO_ERR_NONFINITE for a NaN or infinite sample; either way none of the
 * n is taken. */
SONO_API int sono_waveform_push(sono_waveform *w, const float *x, size_t n);
/* Draws the envelope into *out, which it allocates (width x height, RGB,
 * 8-bit; released with sono_image_free): a white background, a light grey
 * (#d3d3d3) zero line, and in each column a vertical line in matplotlib's
 * default blue (#1f77b4) from the row of the column's maximum to the row of
 * its minimum.  Amplitude a, clipped to [-1, 1], is at row
 * floor((1 - a) * 0.5 * (height - 1) + 0.5) in double precision: +1 the top
 * row, -1 the bottom one; a column of silence is one blue pixel on the zero
 * line.  SONO_ERR_STATE until all total samples are pushed,
 * SONO_ERR_INVALID for height 0, SONO_ERR_TOO_LARGE beyond the image
 * limits.  May be called again, for another height. */
SONO_API int sono_waveform_draw(const sono_waveform *w, uint32_t height,
                                sono_image *out);

/* The amplitude histogram picture.  The total samples are cut into frames
 * equal stretches (frame i is the samples [i * total / frames,
 * (i + 1) * total / frames), integer arithmetic), and column i is the
 * histogram of frame i: bins equal bins over [lo, hi], counted as
 * numpy.histogram(frame.astype(float64), bins, range=(lo, hi)) counts them
 * (numpy 1.24's arithmetic: float64 edges from linspace, the last bin
 * closed); when lo == hi every sample goes to the middle bin, bins / 2.
 * Each column is divided by its largest count and coloured through a
 * colormap as matplotlib's cmap(t, bytes=True) does, so the fullest bin of
 * every column has the colormap's last colour; bin 0 (the lowest
 * amplitudes) is the bottom row.  lo and hi are normally the whole signal's
 * minimum and maximum, which takes a first pass over it.  Memory: the
 * picture and one column of counts. */
typedef struct sono_histogram sono_histogram;

/* A histogram picture frames wide and bins high (1 to SONO_IMAGE_MAX_SIDE
 * each, at most SONO_IMAGE_MAX_PIXELS together) over exactly total samples
 * (frames to 2^47) in [lo, hi].  NULL with, in *err, SONO_ERR_INVALID
 * (frames or bins 0, lo or hi not finite, lo > hi, hi - lo above 0 but so
 * small that bins / (hi - lo) overflows, an unknown colormap),
 * SONO_ERR_EMPTY (total 0), SONO_ERR_TOO_SHORT (fewer samples than frames:
 * a frame would be empty), SONO_ERR_TOO_LARGE or SONO_ERR_NOMEM. */
SONO_API sono_histogram *sono_histogram_new(uint32_t frames, uint32_t bins,
                                            uint64_t total, double lo,
                                            double hi, sono_colormap cmap,
                                            int *err);
/* Accepts NULL. */
SONO_API void sono_histogram_free(sono_histogram *h);
/* Adds the next n samples.  SONO_ERR_STATE when they would go past total
 * (or after finish), SONO_ERR_NONFINITE for a NaN or infinite sample,
 * SONO_ERR_INVALID for one outside [lo, hi]; either way none of the n is
 * taken. */
SONO_API int sono_histogram_push(sono_histogram *h, const float *x, size_t n);
/* Hands the finished picture over to *out (frames x bins, RGB, 8-bit;
 * released with sono_image_free).  SONO_ERR_STATE until all total samples
 * are pushed, and on a second call. */
SONO_API int sono_histogram_finish(sono_histogram *h, sono_image *out);


/* ------------------------------------------------------------------------ */
/* Self-describing spectrogram images (docs/image-format.md)                 */

/* The axis description of a spectrogram: everything needed to turn its
 * values back into sound.  It travels in PNG text chunks. */
typedef struct sono_spec_axes {
    double sample_rate;
    sono_stft_params stft;        /* n_fft, hop, win_length, window, centring */
    uint64_t length;              /* samples of the original signal (0: unknown) */
    sono_freq_axis scale;         /* what the rows are */
    sono_mel_params mel;          /* for SONO_FREQ_AXIS_MEL */
    sono_logfreq_params logfreq;  /* for SONO_FREQ_AXIS_LOG */
    int power;                    /* 1: values are magnitudes, 2: powers */
    double ref;                   /* the value at 0 dB */
    double db_min, db_max;        /* dB (re ref) at grey 0 and at grey 65535 */
} sono_spec_axes;

/* Rows of a spectrogram with these axes: n_fft/2 + 1, n_mels or the
 * log-frequency bands; 0 when the parameters are invalid. */
SONO_API size_t sono_spec_axes_rows(const sono_spec_axes *a);

/* A spectrogram with its axes: frames x rows values (frame-major, row 0 the
 * lowest frequency), magnitudes or powers as axes.power says, and
 * optionally the phase of each value in radians. */
typedef struct sono_spec {
    sono_spec_axes axes;
    size_t rows, frames;
    float *values;
    float *phase;                 /* NULL when absent */
} sono_spec;

/* The lossless image of s: 16-bit grey (dB between db_min and db_max; grey 0
 * also stands for anything below db_min, and decodes to 0), top row the
 * highest frequency, one column per frame; with phase, a 16-bit alpha
 * channel holding it in steps of 2 pi / 65536.  The axes go into text
 * entries.  Allocates *out.  SONO_ERR_INVALID for axes out of range or rows
 * that are not theirs, SONO_ERR_TOO_LARGE beyond the image limits,
 * SONO_ERR_NOMEM (also when the filterbank that counts the rows cannot be
 * made). */
SONO_API int sono_spec_to_image(const sono_spec *s, sono_image *out);
/* Reads such an image back: SONO_ERR_FORMAT when it is not one (no or
 * unreadable description, a size that contradicts it), SONO_ERR_NOMEM.
 * Allocates the values (and the phase when the image has alpha). */
SONO_API int sono_spec_from_image(const sono_image *im, sono_spec *out);
SONO_API void sono_spec_free(sono_spec *s);


/* ------------------------------------------------------------------------ */
/* Rendering matrices as pictures (render.c)                                 */

/* Resamples a picture of w x h floats (row-major) to ow x oh by area
 * averaging: each output pixel is the mean of the input area it covers,
 * fractional pixels weighted by their covered part (shrinking and
 * enlarging alike; the identity when the sizes agree). */
SONO_API int sono_resize_area(const float *in, size_t w, size_t h, float *out,
                              size_t ow, size_t oh);
/* Colours a picture of w x h floats through a colormap, lo -> the first
 * entry and hi -> the last (matplotlib's Normalize(lo, hi) then
 * cmap(bytes=True)); allocates *out, RGB 8-bit. */
SONO_API int sono_colorize(const float *in, size_t w, size_t h, double lo,
                           double hi, sono_colormap c, sono_image *out);

/* ------------------------------------------------------------------------ */
/* Picture layouts (layout.c)                                                */

/* Each layout fills a w x h float picture (row-major, row 0 at the top) from
 * frame-major values (values[t * rows + r], r = 0 the lowest band; usually
 * dB relative to the maximum), to be coloured by sono_colorize or
 * sono_colorgram.  w and h are 1 to SONO_IMAGE_MAX_SIDE; every function
 * returns SONO_ERR_INVALID for a NULL pointer, no frames or rows, or a size
 * out of range, and SONO_ERR_NOMEM.  They allocate only scratch space. */

/* The whole track squashed into the picture by area averaging
 * (sono_resize_area), the lowest band at the bottom. */
SONO_API int sono_layout_timeline(const float *values, size_t frames, size_t rows,
                                  size_t w, size_t h, float *out);

/* The timeline as a stream, for a track of any length in constant memory:
 * the number of frames must be known in advance (a first pass can count
 * them).  Frames are pushed in order, any number at a time; each column of
 * out is final once the frames it covers are in, the picture once all
 * `frames` are.  The stream holds about (w / frames + 3) x rows floats.
 * The numbers are sono_layout_timeline's bit for bit (which is this with
 * every frame pushed at once).  new: SONO_ERR_INVALID for a NULL out, a
 * zero size or a side above SONO_IMAGE_MAX_SIDE, or SONO_ERR_NOMEM in *err;
 * push: SONO_ERR_INVALID for more frames than announced. */
typedef struct sono_timeline sono_timeline;
SONO_API sono_timeline *sono_timeline_new(size_t frames, size_t rows, size_t w, size_t h,
                                          float *out, int *err);
SONO_API int sono_timeline_push(sono_timeline *t, const float *values, size_t count);
SONO_API void sono_timeline_free(sono_timeline *t);

/* Tempo-synchronised rows: the track cut into strips of beats_per_row beats
 * of beat_frames frames each (a fractional number), stacked from the top;
 * strip i spans picture rows [i h / R, (i + 1) h / R) of R strips, and
 * starts at frame round(i L) for L = beats_per_row * beat_frames, so that a
 * beat falls on the same columns in every strip.  Each strip's round(L)
 * frames go to w columns: while more than 2w, adjacent pairs are averaged
 * (column j then the mean of frames [j 2^p, (j + 1) 2^p), the last block
 * cut at the strip's end); then the surplus pairs, spread evenly along the
 * strip, are averaged, or, with fewer frames than columns, columns repeated.
 * Scratch memory is of the picture's size, however long a strip is.  Its bands are area-resized
 * to the strip's height and centred: the lowest band in the middle row (the
 * upper of the two middles of an even height), even bands (2, 4, ...) upwards
 * from it, odd bands (1, 3, ...) downwards, so that the highest reach the
 * strip's edges.  Frames past the end of the track show `fill`.
 * beats_per_row is a power of two, or 0 for the power of two nearest (in
 * log2) to the square root of the track's beats.  SONO_ERR_INVALID also for
 * beat_frames not above 0 and for more strips than h. */
SONO_API int sono_layout_wrap(const float *values, size_t frames, size_t rows,
                              double beat_frames, size_t beats_per_row, float fill,
                              size_t w, size_t h, float *out);
/* The beats a strip and the strips sono_layout_wrap uses for a track of
 * `frames` frames: *beats (beats_per_row, or the automatic choice for 0)
 * and *strips.  SONO_ERR_INVALID as sono_layout_wrap's arguments. */
SONO_API int sono_layout_wrap_shape(size_t frames, double beat_frames,
                                    size_t beats_per_row, size_t *beats,
                                    size_t *strips);

typedef enum sono_curve {
    SONO_CURVE_ZORDER = 0,  /* Morton order: x from k's even bits, y from its odd bits */
    SONO_CURVE_HILBERT = 1  /* the Hilbert curve from (0, 0): consecutive cells touch */
} sono_curve;
/* Cell (x, y) of index k (0 <= k < grid^2) along the curve through a
 * grid x grid square (grid a power of two up to 4096), y downwards;
 * SONO_ERR_INVALID otherwise. */
SONO_API int sono_curve_point(sono_curve curve, size_t grid, size_t k, size_t *x,
                              size_t *y);
/* Tiles along a curve: the track cut into N = grid^2 chunks of consecutive
 * frames (chunk k: frames [k frames / N, (k + 1) frames / N)), chunk k
 * area-resized into the cell sono_curve_point gives for k, lowest band at
 * the tile's bottom; cell (x, y) spans columns [x w / grid, (x + 1) w /
 * grid) and rows [y h / grid, (y + 1) h / grid) (14 x 14 pixels for a
 * 224 x 224 picture of 16 x 16 tiles), so that nearby moments stay nearby.
 * SONO_ERR_INVALID also for a bad grid or w or h below grid,
 * SONO_ERR_TOO_SHORT for fewer frames than tiles. */
SONO_API int sono_layout_tiles(const float *values, size_t frames, size_t rows,
                               sono_curve curve, size_t grid, size_t w, size_t h,
                               float *out);

/* ------------------------------------------------------------------------ */
/* Colorgram (colorgram.c)                                                   */

/* Hue and saturation of each of `frames` linear-magnitude STFT frames
 * (frame-major, bins = n_fft / 2 + 1): hue[t] from the spectral centroid
 * (sono_spectral, librosa's spectral_centroid), its position between 50 Hz
 * and sample_rate / 2 on a log-frequency scale mapped to 0 (red) .. 0.75
 * (violet), clipped; sat[t] = 1 - spectral flatness (librosa's
 * spectral_flatness of the power), clipped to [0, 1].  SONO_ERR_INVALID for
 * NULL pointers, no frames, bins not n_fft / 2 + 1 or a rate not above
 * 100 Hz; SONO_ERR_NOMEM. */
SONO_API int sono_colorgram_frames(const float *mag, size_t frames, size_t bins,
                                   double sample_rate, size_t n_fft, float *hue,
                                   float *sat);
/* A w x h RGB 8-bit picture (allocated into *out) from three w x h planes
 * laid out alike: the pixel's hue (0 .. 0.75) and saturation (0 .. 1) and
 * its lightness from the dB value, 0.5 (db + top_db) / top_db clipped to
 * [0, 0.5] (-top_db black, 0 dB the pure hue), by the standard HSL to RGB
 * conversion.  SONO_ERR_INVALID for NULL pointers, a bad size or top_db not
 * above 0; SONO_ERR_NOMEM. */
SONO_API int sono_colorgram(const float *db, const float *hue, const float *sat,
                            size_t w, size_t h, double top_db, sono_image *out);

/* ------------------------------------------------------------------------ */
/* Pictures into sound (image_sound.c)                                       */

/* A picture read as a spectrogram and turned into sound whose spectrogram
 * shows it, as ARSS, Photosounder or Aphex Twin's hidden face do.
 *
 * - Level: the luminance L in [0, 1] (sono_image_luminance: any channels,
 *   8 or 16 bits, alpha ignored) is a magnitude of (L - 1) * range_db dB:
 *   white is 0 dB, darker pixels fall linearly in dB, and black (L = 0
 *   exactly) is silence.
 * - Frequency: the top row is fmax, the bottom row fmin, and the rows are
 *   evenly spaced in the scale's units: Hz (LINEAR), log Hz (LOG) or
 *   Slaney's mel (MEL, sono_hz_to_mel).  Row y, counted from the top, is
 *   centred at (y + 0.5) / height of the way down from fmax to fmin.  Each
 *   STFT bin k (frequency k * sample_rate / n_fft) in [fmin, fmax] takes the
 *   luminance at its place, interpolated linearly between the two nearest
 *   row centres (beyond the outer centres, the outer row's); bins outside
 *   [fmin, fmax] are silent.
 * - Time: frame t of F is placed at (t + 0.5) / F of the picture's width,
 *   among the column centres, interpolated the same way.
 * - Length: duration 0 gives one hop per column, width * hop samples (a
 *   1000-column picture lasts 11.6 s with the defaults; centred, that is
 *   width + 1 frames); otherwise round(duration * sample_rate) samples.
 *   Either way the frames are those of the STFT of that many samples.
 * - Phase: sono_phase_reconstruct with `phase`.  A picture is rarely the
 *   magnitude of any signal; the result is the signal whose spectrogram
 *   comes closest, as that method finds it.
 *
 * The STFT defaults are librosa's and `sono render`'s, n_fft 2048 and hop
 * 512 (n_fft / 4): the output's default spectrogram lines up with the
 * picture, bins are 21.5 Hz apart at 44.1 kHz (a few bins per row for
 * pictures up to a few hundred rows high), and the 75 % overlap is what
 * phase reconstruction needs to work well. */
typedef struct sono_image_sound_params {
    double sample_rate;       /* Hz (default 44100) */
    double duration;          /* seconds; 0: width * hop samples (default) */
    double fmin;              /* Hz at the bottom row, >= 0, > 0 for LOG
                                 (default 20) */
    double fmax;              /* Hz at the top row, above fmin and at most
                                 sample_rate / 2; 0: sample_rate / 2
                                 (default) */
    sono_freq_axis scale;     /* default SONO_FREQ_AXIS_LINEAR */
    double range_db;          /* dB from white down to the darkest grey
                                 above black, > 0 (default 80) */
    sono_stft_params stft;    /* sono_stft_params_default: n_fft 2048, hop
                                 n_fft / 4 */
    sono_phase_params phase;  /* sono_phase_params_default */
} sono_image_sound_params;

SONO_API void sono_image_sound_params_default(sono_image_sound_params *p);

/* Validates p for a picture width columns wide and gives the number of
 * STFT frames (of n_fft/2 + 1 bins) of its magnitude and the number of
 * output samples.  SONO_ERR_INVALID for a parameter out of its range (or a
 * NULL argument, or width 0), SONO_ERR_EMPTY when duration * sample_rate
 * rounds to no sample, SONO_ERR_TOO_SHORT when fewer than n_fft samples
 * are asked for without centring, SONO_ERR_TOO_LARGE beyond 2^40 samples
 * or a matrix whose size overflows. */
SONO_API int sono_image_sound_size(const sono_image_sound_params *p,
                                   uint32_t width, size_t *frames,
                                   size_t *length);
/* The magnitude the picture stands for: mag holds frames x (n_fft/2 + 1)
 * floats, frame-major (frames from sono_image_sound_size).  The codes of
 * sono_image_sound_size, SONO_ERR_INVALID for an image that is not one
 * (NULL pixels, a zero side, channels outside 1..4, depth not 8 or 16),
 * SONO_ERR_NOMEM. */
SONO_API int sono_image_to_magnitude(const sono_image *im,
                                     const sono_image_sound_params *p,
                                     float *mag);
/* The sound: out holds `length` samples (sono_image_sound_size).  The
 * result is normalised: scaled so that its largest absolute sample is 0.9,
 * whatever range_db and the picture's brightness (those set only relative
 * levels).  A black picture gives silence, all zeros, without phase
 * reconstruction.  The codes of sono_image_to_magnitude and
 * sono_phase_reconstruct; p->phase.progress is called as there. */
SONO_API int sono_image_to_sound(const sono_image *im,
                                 const sono_image_sound_params *p, float *out);


/* ------------------------------------------------------------------------ */
/* Low-rank approximation (svd.c)                                            */

/* The best rank-`rank` approximation (Eckart–Young: least Frobenius error)
 * of a rows x cols row-major float matrix, into out (rows x cols; out may
 * be in itself, but may not overlap it otherwise), by truncated SVD as
 * scikit-learn's TruncatedSVD fit then inverse_transform.  A rank >=
 * min(rows, cols) copies the input.
 *
 * Computed in double precision through LAPACK (divide-and-conquer SVD), or,
 * when 4 * (rank + max(rank, 10)) <= min(rows, cols), by a randomized SVD
 * (Halko, Martinsson & Tropp 2011): a Gaussian sketch with oversampling
 * max(rank, 10), power iterations re-orthonormalised by QR after every
 * product, as many as it takes for the error to settle (at least 3; it
 * extrapolates the decrease still to come and stops below 1e-4 of the norm),
 * and the exact SVD instead when 16 iterations do not settle it (singular
 * values around rank nearly equal, as in noise).  Its Frobenius error is
 * within 1e-3 (measured: 2e-4) of the optimum, the root-sum-square of the
 * discarded singular values, as long as that is above ~1e-6 of the norm
 * (float's rounding of out is the floor).  The sketch is drawn from `seed`:
 * the same input and seed give bit-identical output (with the same BLAS
 * thread count).  BLAS (OpenBLAS) may run its own threads.
 *
 * sigma (may be NULL) receives the min(rank, rows, cols) largest singular
 * values, largest first (the randomized path's estimates, which are at most
 * the true ones).  SONO_ERR_INVALID for in or out NULL or rank 0;
 * SONO_ERR_EMPTY for rows or cols 0; SONO_ERR_TOO_LARGE when the sizes
 * overflow or a side exceeds 2^31 - 1 (LAPACK's int); SONO_ERR_NONFINITE
 * for NaN or infinity in the input; SONO_ERR_NOMEM.  Memory: about
 * 8 * rows * cols bytes beyond out for the randomized path, two to three
 * times that for the exact one.  out is written only on success. */
SONO_API int sono_low_rank(const float *in, size_t rows, size_t cols,
                           size_t rank, uint64_t seed, float *out,
                           double *sigma);
/* The storage ratio rank * (1 + rows + cols) / (rows * cols) of keeping a
 * rank-`rank` factorisation (rank singular values and vectors) instead of
 * the matrix, in double (infinite when rows or cols is 0). */
SONO_API double sono_low_rank_ratio(size_t rows, size_t cols, size_t rank);

/* ------------------------------------------------------------------------ */
/* Embeddings: PCA and t-SNE (pca.c, tsne.c)                                 */

/* Lay points out along one or two axes so that similar points are near each
 * other: frames of a spectrogram ordered by similarity, or a map of them.
 * x is n points x d features, row-major float32; coordinates come out
 * n x dims, row-major. */

/* sklearn.decomposition.PCA(n_components=k).fit_transform(x): the centred
 * data's coordinates on its k leading principal axes, from an eigenproblem
 * on the d x d (or, when d > n, n x n) Gram matrix in double precision.
 * Signs as sklearn's svd_flip: the largest-magnitude entry of each column of
 * coords (the first of equals) is positive.  explained (may be NULL)
 * receives the k explained variances (eigenvalues, ddof 1), largest first.
 * SONO_ERR_INVALID for NULL pointers, n < 2, d < 1 or k outside
 * 1..min(n, d); SONO_ERR_NONFINITE for NaN or infinity in x;
 * SONO_ERR_TOO_LARGE, SONO_ERR_NOMEM.  Memory: n x d doubles. */
SONO_API int sono_pca(const float *x, size_t n, size_t d, size_t k,
                      float *coords, double *explained);

/* t-SNE (van der Maaten and Hinton 2008) as scikit-learn 1.2's
 * TSNE(method='barnes_hut', init='pca', learning_rate='auto') runs it: input
 * similarities from the k = min(n - 1, 3 perplexity + 1) exact nearest
 * neighbours with per-point Gaussian bandwidths matching the perplexity,
 * symmetrised; 250 iterations with P exaggerated and momentum 0.5, then
 * momentum 0.8, with sklearn's gains and stopping rules.  The repulsive
 * forces come from FFT-accelerated interpolation (FIt-SNE, Linderman et al.
 * 2019; in 2-D with the pairs in neighbouring boxes summed exactly) instead
 * of Barnes-Hut: O(n) per iteration.  Deterministic, and the same for any
 * thread count (sono's or OpenBLAS's); the start is the PCA coordinates,
 * which leaves nothing to chance, so the seed only matters when PCA gives
 * no direction (all points equal, or dims > d), where sklearn's
 * init='random' is used. */
typedef struct sono_tsne_params {
    int dims;                  /* 1 or 2 (default 1) */
    double perplexity;         /* above 0, below n (default 30) */
    int iterations;            /* at least 250 (default 1000, as sklearn) */
    double early_exaggeration; /* at least 1 (default 12) */
    double learning_rate;      /* 0: sklearn's 'auto',
                                  max(n / early_exaggeration / 4, 50)
                                  (default); otherwise above 0 */
    uint64_t seed;             /* default 0 */
    int threads;               /* 0: all cores (default) */
} sono_tsne_params;

SONO_API void sono_tsne_params_default(sono_tsne_params *p);
/* t-SNE of n x d points into y (n x dims).  kl (may be NULL) receives the
 * KL divergence of the result: sum over the neighbour pairs of
 * p log(p / q), with sklearn's floors, the normalisation of q interpolated
 * as during the iterations.  Initialised as sklearn 1.2's init='pca': the
 * PCA coordinates scaled so that the first has standard deviation 1e-4.
 * SONO_ERR_INVALID for NULL pointers, n < 2, d < 1, dims not 1 or 2,
 * perplexity <= 0 or >= n, iterations < 250, early_exaggeration < 1, a
 * negative learning rate or thread count, or a NaN parameter;
 * SONO_ERR_NONFINITE for NaN or infinity in x; SONO_ERR_TOO_LARGE when n
 * or d exceeds 2^31 - 1; SONO_ERR_NOMEM.  Time: the neighbour search is
 * O(n^2 d) through BLAS, then O(n k) per iteration; 10,000 points of 128
 * features take about 2.5 s in 1-D and 11 s in 2-D on two cores. */
SONO_API int sono_tsne(const float *x, size_t n, size_t d,
                       const sono_tsne_params *p, float *y, double *kl);

/* Per-frame features for embeddings, from a mel power spectrogram. */
typedef enum sono_feature_kind {
    SONO_FEATURES_MEL_DB = 0,  /* power_to_db(S, ref=np.max), top_db 80 */
    SONO_FEATURES_VOLUME,      /* each band over its sum over time, then the
                                  same dB (a band with no energy stays 0
                                  before the dB, where numpy gives NaN) */
    SONO_FEATURES_LOG_WEIGHT   /* mel-db with band i (0-based, lowest first)
                                  of n times ln(n + 1 - i): ln(n + 1) down
                                  to ln 2, low bands weighing most */
} sono_feature_kind;

/* From a frames x n_mels mel power spectrogram (frame-major, finite,
 * >= 0), the frames x n_mels feature matrix `kind`; out may be mel_power.
 * SONO_ERR_INVALID for NULL pointers, no frames or bands, a negative value
 * or an unknown kind; SONO_ERR_NONFINITE for NaN or infinity;
 * SONO_ERR_NOMEM. */
SONO_API int sono_frame_features(const float *mel_power, size_t frames,
                                 size_t n_mels, sono_feature_kind kind,
                                 float *out);

/* ------------------------------------------------------------------------ */
/* Butterworth filters (butter.c)                                            */

/* Digital Butterworth filters as scipy.signal.butter(order, Wn, btype,
 * output='ba') designs them, run as scipy.signal.lfilter(b, a, x) runs them.
 *
 * The 'ba' (transfer function) form is an expanded polynomial whose roots,
 * the poles, crowd together near z = 1 when a cutoff is far below sr / 2
 * (near z = -1 when it is close to sr / 2).  There, rounding the coefficients
 * to double moves the poles much further than the rounding itself, and the
 * filter is wrong or unstable although scipy returns it without a warning: at
 * 44.1 kHz an order-8 low-pass at 100 Hz, or an order-8 band-pass from 300 to
 * 3400 Hz, grows without bound.  sono_butter_new refuses such designs.  It
 * bounds, to first order, how far one rounding of each coefficient moves
 * each pole, relative to the pole's distance from the unit circle, and
 * refuses when the sum over the poles is above 1e-3 (a change of the response
 * of up to 0.1 %, 0.009 dB; the bound is pessimistic).  Low orders and
 * cutoffs towards sr / 4 pass: at 44.1 kHz an order-5 low-pass down to about
 * 65 Hz, an order-10 one down to about 1.2 kHz, an order-5 band-pass from
 * 300 to 3400 Hz (the limits scale with the rate).  Steeper or lower
 * filters need second-order sections, which this form is not. */

/* The highest order.  A band-pass filter of order N has 2N poles, as in
 * scipy.  Above 10 the check leaves little: at 44.1 kHz an order-12
 * low-pass must be above about 1.9 kHz, and from order 11 on no band-pass a
 * fifth of an octave wide passes, wherever it lies. */
#define SONO_BUTTER_MAX_ORDER 10

typedef enum sono_filter_type {
    SONO_FILTER_LOWPASS = 0,
    SONO_FILTER_HIGHPASS,
    SONO_FILTER_BANDPASS
} sono_filter_type;

/* A recursive filter in the 'ba' form (b and a, a[0] = 1) and its state. */
typedef struct sono_iir sono_iir;

/* A digital Butterworth filter as scipy.signal.butter(order, Wn, btype,
 * output='ba') with Wn = f / (sample_rate / 2): the cutoff f1 (lowpass,
 * highpass; f2 is ignored) or the band [f1, f2] (bandpass), in Hz, with
 * 0 < f1 (< f2) < sample_rate / 2 and order 1 to SONO_BUTTER_MAX_ORDER.
 * The response is 1/sqrt(2) (-3.01 dB) at f1 and f2.  Returns NULL and
 * stores SONO_ERR_INVALID for parameters out of range (or NaN) and for a
 * design whose 'ba' form is not accurate in double (above); SONO_ERR_NOMEM. */
SONO_API sono_iir *sono_butter_new(int order, sono_filter_type type, double f1,
                                   double f2, double sample_rate, int *err);
/* The number of b coefficients, and of a: order + 1 (lowpass, highpass) or
 * 2 * order + 1 (bandpass). */
SONO_API size_t sono_iir_length(const sono_iir *f);
/* Copies b and a (sono_iir_length() values each; a[0] = 1), equal to
 * scipy's to rounding.  Either pointer may be NULL. */
SONO_API void sono_iir_coefficients(const sono_iir *f, double *b, double *a);
/* Filters n samples as scipy.signal.lfilter(b, a, x) from zero initial
 * state, continued across calls: a signal split into blocks of any sizes
 * gives the same samples as in one call.  Direct form II transposed in
 * double, each output rounded to float.  in and out may be the same buffer
 * (but must not otherwise overlap).  A NaN or infinity in the input spoils
 * every later output, until sono_iir_reset. */
SONO_API void sono_iir_process(sono_iir *f, const float *in, float *out,
                               size_t n);
/* Back to the zero state of a new filter. */
SONO_API void sono_iir_reset(sono_iir *f);
/* Accepts NULL. */
SONO_API void sono_iir_free(sono_iir *f);

/* ------------------------------------------------------------------------ */
/* Spectrogram transforms (transform.c)                                      */

/* Operations on a frames x bins complex STFT (frame-major), in place: the
 * experiments that remove or flip the phase, play the frames in another
 * order, or mask bins.  Each is its plain definition; the results go back
 * to sound through the inverse STFT. */

/* S -> |S| (phase 0), and S -> conj(S). */
SONO_API void sono_zero_phase(sono_complex *s, size_t n);
SONO_API void sono_conjugate(sono_complex *s, size_t n);
/* Zero phase, then silence even bins of even frames and odd bins of odd
 * frames (bin + frame even). */
SONO_API void sono_checkerboard(sono_complex *s, size_t frames, size_t bins);
/* Frame i of the result is frame order[i] of s (order: a permutation of
 * 0..frames-1, checked: SONO_ERR_INVALID otherwise). */
SONO_API int sono_permute_frames(sono_complex *s, size_t frames, size_t bins,
                                 const size_t *order);
/* Bin k of every frame of the result is bin order[k] of s. */
SONO_API int sono_permute_bins(sono_complex *s, size_t frames, size_t bins,
                               const size_t *order);
/* order[i] = n - 1 - i. */
SONO_API void sono_reversed_order(size_t *order, size_t n);
/* A uniformly random permutation of 0..n-1 (Fisher-Yates driven by
 * splitmix64 from seed): the same seed gives the same order everywhere. */
SONO_API void sono_shuffled_order(size_t *order, size_t n, uint64_t seed);
/* The indices that sort v ascending (ties in index order), as
 * numpy.argsort(v, kind='stable'). */
SONO_API int sono_argsort(const float *v, size_t n, size_t *order);
/* A greedy walk through n points of dims coordinates (row-major): start at
 * point `start`, then repeatedly step to the nearest (Euclidean) point not
 * yet visited, ties to the lowest index.  order receives the n visits. */
SONO_API int sono_nearest_walk(const float *points, size_t n, size_t dims,
                               size_t start, size_t *order);

/* ------------------------------------------------------------------------ */
/* Benchmark support                                                         */

/* What `sono bench` times besides the ordinary API: the floor of the STFT,
 * FFTW's batched real forward FFT alone (fftwf_plan_many_dft_r2c, planned
 * once with FFTW_ESTIMATE), over frames that are already cut, padded and
 * windowed; and resampling of samples in memory.
 *
 * The plan owns an aligned input of frames x n_fft floats (frame-major,
 * filled by the caller through sono_fft_floor_input) and an output of
 * frames x (n_fft/2 + 1) complex values; each run transforms every frame,
 * unnormalised, as numpy.fft.rfft, the frames cut into one contiguous piece
 * per thread (threads: 0 for sono_default_threads(), at most 64 and at most
 * frames), each piece one batched plan.  The input is left as it is, so
 * runs may be repeated.  SONO_ERR_INVALID for n_fft outside
 * [2, SONO_MAX_N_FFT], no frames or negative threads, SONO_ERR_TOO_LARGE
 * when the buffers exceed FFTW's int sizes. */
typedef struct sono_fft_floor sono_fft_floor;

SONO_API sono_fft_floor *sono_fft_floor_new(size_t n_fft, size_t frames,
                                            int threads, int *err);
SONO_API int sono_fft_floor_threads(const sono_fft_floor *f);
SONO_API float *sono_fft_floor_input(sono_fft_floor *f);
SONO_API const sono_complex *sono_fft_floor_output(const sono_fft_floor *f);
SONO_API void sono_fft_floor_run(sono_fft_floor *f);
/* Accepts NULL. */
SONO_API void sono_fft_floor_free(sono_fft_floor *f);

/* n samples of mono audio in memory from in_rate to out_rate with libsoxr's
 * high-quality recipe, as sono_source_open does for files (librosa.resample
 * with res_type='soxr_hq'): out receives exactly
 * sono_resample_length(n, in_rate, out_rate) = ceil(n * out_rate / in_rate)
 * samples (the tail cut or zero-padded, as librosa's fix_length).
 * SONO_ERR_INVALID for rates that are not positive and finite or further
 * apart than 256:1, SONO_ERR_EMPTY for n = 0. */
SONO_API size_t sono_resample_length(size_t n, double in_rate, double out_rate);
SONO_API int sono_resample(const float *in, size_t n, double in_rate,
                           double out_rate, float *out);

#ifdef __cplusplus
}
#endif

#endif /* SONO_H */
