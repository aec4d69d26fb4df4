/* Declarations shared by the sono command-line program's files.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The program only calls libsono's public API.  Every failure is reported as
 * one line on stderr, "sono CMD: SUBJECT: what is wrong", where SUBJECT is
 * the file or the option at fault, and the exit status is EXIT_USAGE for bad
 * options and EXIT_FAIL for everything else. */
#ifndef SONO_CLI_H
#define SONO_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "sono.h"

#define EXIT_FAIL 1
#define EXIT_USAGE 2

/* The subcommand being run, for messages. */
extern const char *cli_command;

void cli_error(const char *subject, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void cli_warn(const char *subject, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Prints the warnings kept since the start (print 1: the command
 * succeeded), or drops them (0: it failed and said why in one line). */
void cli_end_warnings(int print);
/* Reports a library status about a file. */
void cli_file_error(const char *path, int status);

/* ---- options (options.c) ---- */

/* The command line as a cursor: options take "--name VALUE" or
 * "--name=VALUE". */
typedef struct cli_args {
    int argc;
    char **argv;
    int i;              /* current argument */
    const char *value;  /* value of the option just matched */
} cli_args;

/* 1 if argv[i] is the option `name` (taking a value when has_value), and
 * advances past it; 0 if it is another argument; -1 on a missing value. */
int cli_match(cli_args *a, const char *name, int has_value);

/* Strict number parsing; on failure reports "OPTION: must be ..., got 'V'"
 * and returns -1. */
int cli_size(const char *opt, const char *v, size_t min, size_t max,
             size_t *out);
int cli_double(const char *opt, const char *v, double min, double max,
               double *out);

/* --pcm 16|24 (integer output samples): 1 if consumed, 0 if not, -1 after
 * reporting. */
int cli_parse_pcm(cli_args *a, size_t *pcm);

/* --cmap NAME, one of sono's colormaps: 1 if consumed, 0 if not, -1 after
 * reporting. */
int cli_parse_cmap(cli_args *a, sono_colormap *cmap);

/* Finds v among count names and stores its position in *index; otherwise
 * reports "OPTION: must be a, b or c, got 'V'" and returns -1. */
int cli_choice(const char *opt, const char *v, const char *const *names,
               int count, int *index);
/* "WIDTHxHEIGHT", each side 1 to SONO_IMAGE_MAX_SIDE and at most
 * SONO_IMAGE_MAX_PIXELS in all; otherwise reports "OPTION: must be
 * WIDTHxHEIGHT ..., got 'V'" and returns -1. */
int cli_image_size(const char *opt, const char *v, uint32_t *w, uint32_t *h);

typedef struct cli_common {
    const char *input;
    const char *output;
    sono_source_params audio;
    sono_stft_params stft;
    sono_mel_params mel;
    int hop_given, win_given;
    int threads;        /* STFT worker threads; 0: SONO_THREADS, else all cores */
} cli_common;

void cli_common_init(cli_common *c);
/* Tries the audio / stft / mel option groups and -o; returns 1 if the
 * argument was consumed, 0 if not, -1 after reporting an error. */
int cli_parse_audio(cli_args *a, cli_common *c);
int cli_parse_stft(cli_args *a, cli_common *c);
int cli_parse_mel(cli_args *a, cli_common *c);
int cli_parse_output(cli_args *a, cli_common *c);
/* The options of commands that turn a matrix back into sound (istft, icqt):
 * --sr RATE into c->audio.sample_rate and --length N into *length.  1 if
 * consumed, 0 if not, -1 after reporting. */
int cli_parse_synthesis(cli_args *a, cli_common *c, size_t *length);
/* --sr is required there and must be a whole number of Hz; reports and
 * returns -1 otherwise. */
int cli_check_synthesis(const cli_common *c);
/* A positional argument or an unknown option: returns 1 if it was taken as
 * the input, -1 after reporting an error. */
int cli_parse_positional(cli_args *a, cli_common *c);
/* --threads N (the STFT's worker threads): 1 if consumed, 0 if not, -1
 * after reporting. */
int cli_parse_threads(cli_args *a, cli_common *c);
/* Takes the threads from SONO_THREADS when --threads was not given;
 * reports a bad value and returns -1. */
int cli_check_threads(cli_common *c);
/* Checks the STFT options against each other; reports and returns -1. */
int cli_check_stft(cli_common *c);
/* librosa's feature functions (melspectrogram, mfcc, the spectral features,
 * onset_strength) take hop_length=512 whatever n_fft is, where librosa.stft
 * and the inverse functions take win_length / 4. */
#define CLI_FEATURE_HOP 512
/* cli_check_stft for a feature command: the hop is CLI_FEATURE_HOP unless
 * given, and a window shorter than that asks for --hop; reports and returns
 * -1. */
int cli_check_feature_stft(cli_common *c);
/* The STFT options' help with the feature commands' default hop. */
extern const char cli_help_feature_stft[];
/* Checks that input and output were given and differ. */
int cli_check_paths(cli_common *c, int need_output);
/* Checks that the output's directory exists and is writable and that the
 * output is not a directory (file errors: the caller exits EXIT_FAIL). */
int cli_check_output(const cli_common *c);

/* --db [--ref max|VALUE] [--top-db DB|none], shared by stft and mel. */
typedef struct cli_db {
    int enabled;
    int ref_given, top_given;
    sono_db_params params;
} cli_db;
void cli_db_init(cli_db *d);
int cli_parse_db(cli_args *a, cli_db *d);
int cli_check_db(const cli_db *d);
/* The column map that applies a prepared dB conversion. */
typedef struct cli_db_map {
    sono_db db;
    size_t rows;
} cli_db_map;
int cli_db_column(void *ctx, const void *in, void *out);
/* Prepares m from d's options and the peak of the data; reports errors. */
int cli_db_prepare(const char *subject, cli_db_map *m, const cli_db *d,
                   double peak, size_t rows);

/* Finishes a float32 .npy of `rows` rows, through d's dB conversion when
 * --db was given (peak: the largest value pushed); 0, or -1 after
 * reporting. */
int cli_finish_npy_db(const cli_common *c, sono_npy_writer *w, const cli_db *d,
                      double peak, size_t rows);

/* --weighting a (weighting.c): 1 if consumed (setting *weighting), 0 if
 * not, -1 after reporting. */
int cli_parse_weighting(cli_args *a, int *weighting);
/* The A-weighting in dB of `rows` mel bands, at librosa.mel_frequencies of
 * the mel options (fmax 0: sample_rate / 2), as perceptual_weighting is
 * given them; malloc'd, NULL when out of memory. */
double *cli_mel_weighting(const sono_mel_params *mel, double sample_rate, size_t rows);
/* cli_finish_npy_db with --db given, the weighting added to each row. */
int cli_finish_npy_weighted(const cli_common *c, sono_npy_writer *w, const cli_db *d,
                            double peak, size_t rows, const double *offset);

/* Help text of the option groups. */
extern const char cli_help_audio[];
extern const char cli_help_stft[];
extern const char cli_help_mel[];
extern const char cli_help_db[];
extern const char cli_help_threads[];

/* ---- memory (memory.c) ---- */

/* Freed memory kept in the heap for the next stage, and the heap's start
 * on huge pages (called once, first). */
void cli_memory_setup(void);
/* malloc for a block about to be filled end to end; a MiB or more goes on
 * huge pages.  NULL when out of memory; free() and realloc() as usual. */
void *cli_alloc_filled(size_t bytes);

/* ---- third-party chatter (quiet.c) ---- */

/* Between these two, the stream stderr goes to /dev/null (file descriptor 2
 * is untouched): libmpg123 prints notes about damaged MP3 data there.  Only
 * library calls may run in between, never the program's own messages. */
void cli_quiet_begin(void);
void cli_quiet_end(void);

/* ---- the audio -> frames pipeline (pipeline.c) ---- */

/* Reports a failure of sono_audio_probe or sono_source_open on path. */
void cli_audio_error(const char *path, int status);
/* Inputs are checked to be finite as they are read, so a NaN or infinity in
 * what is computed from them (`what`: "the spectrogram", "the output
 * signal"...) is an overflow of float32 by values too large for it (from
 * about 1e19, the power is infinite).  0 if the n values are finite, else
 * -1 after saying so, naming the input. */
int cli_check_overflow(const char *input, const float *v, size_t n, const char *what);

typedef int (*cli_frame_fn)(void *ctx, const sono_complex *frame);

/* Opens the input audio as the options ask; reports errors and stores the
 * exit status for them in *status. */
sono_source *cli_open_audio(const cli_common *c, int *status);
/* Reports a failure of sono_audio_probe on path in one line (a file of too
 * many channels with its count). */
void cli_probe_error(const char *path, int err, const sono_audio_info *info);

/* What the STFT pipeline hands on for each frame: complex values (power 0),
 * the magnitude (1) or power (2) of the bins, or that through a mel or a
 * log-frequency bank (at most one of them). */
typedef struct cli_stft_out {
    int power;
    const sono_mel *mel;
    const sono_logfreq *log;
    /* Optional: where the next pull may write up to *frames frames (then
     * handed to the callback in place; *frames may be lowered to the room
     * there is), or NULL for the pipeline's own buffer.  Saves a copy when
     * the callback only keeps the frames. */
    void *(*target)(void *ctx, size_t *frames);
} cli_stft_out;
/* Called with `count` consecutive frames, frame-major: bins or bands
 * values each, sono_complex or float; non-zero stops (after reporting). */
typedef int (*cli_frames_fn)(void *ctx, const void *frames, size_t count);
/* Streams the source through a block STFT plan on c->threads threads and
 * calls fn for every block of frames; reports errors (with the input's
 * name) and returns 0 on success, storing the number of samples the STFT
 * read in *samples when not NULL. */
int cli_run_stft_blocks(const cli_common *c, sono_source *src, const cli_stft_out *what,
                        cli_frames_fn fn, void *ctx, size_t *samples);
/* The same, calling fn for every complex frame. */
int cli_run_stft(const cli_common *c, sono_source *src, cli_frame_fn fn,
                 void *ctx);
/* Checks the mel options against the sample rate: -1 after an error, 1
 * after warning that fmax is above the Nyquist frequency, else 0. */
int cli_check_mel(cli_common *c, double sample_rate);

/* ---- whole-signal passes (pipeline.c) ---- */

/* Called with every block of samples a pass reads; non-zero stops the pass
 * (after the callback has reported why). */
typedef int (*cli_block_fn)(void *ctx, const float *x, size_t n);
/* Reads src to its end, handing every block to fn (when not NULL), and
 * stores the number of samples in *count.  Reports decoding errors and an
 * empty selection with the input's name; 0 or EXIT_FAIL. */
int cli_read_pass(const cli_common *c, sono_source *src, cli_block_fn fn,
                  void *ctx, uint64_t *count);
/* Opens the input again for another pass (the checks and warnings of
 * cli_open_audio were made on the first opening); NULL after reporting. */
sono_source *cli_reopen_audio(const cli_common *c);
/* ---- outputs (output.c) ---- */

/* Prints s on stdout as a JSON string (quotes, escapes). */
void cli_json_string(const char *s);
/* Reports a failed write of path (status from the library; errno, set to 0
 * before the call, says why an I/O error happened); returns EXIT_FAIL. */
int cli_write_error(const char *path, int status);
/* Saves a PNG, reporting errors against the output path; 0 or EXIT_FAIL. */
int cli_save_png(const cli_common *c, const sono_image *im);
/* The same through sono_png_save_picture (colormapped pictures, plots). */
int cli_save_picture(const cli_common *c, const sono_image *im);
/* Writes n mono samples computed from input to path (WAV or FLAC by its
 * name, the sample format of cli_sample_format), warning about clipped
 * samples; samples that overflowed (cli_check_overflow) are refused rather
 * than clipped.  0 or EXIT_FAIL. */
int cli_write_audio(const char *input, const char *path, size_t pcm, double sample_rate,
                    const float *y, size_t n);

/* Finishes an npy writer, reporting errors against the output path. */
int cli_finish_npy(const cli_common *c, sono_npy_writer *w, sono_column_map map,
                   void *ctx, size_t out_rows, sono_dtype out_dtype);
sono_npy_writer *cli_new_npy(const cli_common *c, sono_dtype dt, size_t rows);
/* Pushes one column of n floats (2 per complex value); when peak is not
 * NULL, raises *peak to the largest of them first.  A column that
 * overflowed (cli_check_overflow) is refused.  Returns 0, or non-zero
 * after reporting. */
int cli_push_column(const cli_common *c, sono_npy_writer *w, const void *column,
                    size_t n, double *peak);

/* The sample format of an audio output: --pcm 16 or 24 when given (pcm),
 * else 24-bit for FLAC and float32 for WAV. */
sono_sample_format cli_sample_format(const char *output, size_t pcm);

/* Streams the mel spectrogram (power 1 or 2) of src into w, one column per
 * frame, and returns the largest value in *peak; 0 or an exit status. */
int cli_mel_stream(cli_common *c, sono_source *src, int power,
                   sono_npy_writer *w, double *peak);
/* Called with each frame of the input's mel spectrogram in dB (librosa's
 * power_to_db defaults: ref 1, amin 1e-10, top_db 80 below the peak of the
 * whole spectrogram), frame t of n, in order; returns SONO_OK or a
 * SONO_ERR_* code, which stops the run and is reported. */
typedef int (*cli_db_frame_fn)(void *ctx, const float *frame_db, size_t bands,
                               size_t t, size_t n);
/* Spools the mel power spectrogram of src, then calls fn on its dB frames
 * (onset_envelope.c); 0 or an exit status after reporting. */
int cli_mel_db_frames(cli_common *c, sono_source *src, cli_db_frame_fn fn, void *ctx);
/* librosa's onset strength of the whole input (mel power in dB, top_db 80
 * below the peak of the whole spectrogram, then sono_onset_push): one float
 * per frame, malloc'ed, *frames of them (onset_envelope.c).  NULL after
 * reporting, with the exit status in *status. */
float *cli_onset_envelope(cli_common *c, const sono_onset_params *op,
                          sono_source *src, size_t *frames, int *status);

/* --method, --init, --iters, --momentum, --seed, --threads: phase
 * reconstruction, shared by invert and image2sound. */
typedef struct cli_phase {
    sono_phase_params params;
    int init_given, iters_given, momentum_given;
} cli_phase;
void cli_phase_init(cli_phase *p);
int cli_parse_phase(cli_args *a, cli_phase *p);
/* Checks the options against the method and takes --threads from
 * SONO_THREADS when it was not given; reports and returns -1. */
int cli_check_phase(cli_phase *p);
/* Counts the iterations on stderr when it is a terminal. */
void cli_phase_progress(cli_phase *p);
extern const char cli_help_phase[];

/* ---- constant-Q options (cqt_options.c), shared by cqt, icqt, render ---- */

typedef struct cli_cqt {
    sono_cqt_params params;
    int bins_given;
} cli_cqt;
void cli_cqt_init(cli_cqt *q);
/* --bins, --bins-per-octave, --fmin, --hop: 1 if consumed, 0 if not, -1
 * after reporting. */
int cli_parse_cqt(cli_args *a, cli_cqt *q);
/* Checks the options against a rate (rate_of says whose, for the message;
 * bins_subject is blamed for bins above the Nyquist frequency); 0, or
 * EXIT_USAGE after reporting. */
int cli_check_cqt(const cli_cqt *q, double sample_rate, const char *rate_of,
                  const char *bins_subject);
/* Opens and decodes the whole input as the audio options ask, checks the
 * CQT options against its rate and computes the CQT: *C (frames x bins,
 * frame-major, malloc'd), *frames, *rate.  More than max_frames frames (when
 * not 0) is refused.  0, or EXIT_USAGE / EXIT_FAIL after reporting. */
int cli_cqt_compute(const cli_common *c, const cli_cqt *q, size_t max_frames,
                    sono_complex **C, size_t *frames, double *rate);
extern const char cli_help_cqt[];

/* ---- image inputs (image_input.c) ---- */

/* 1 if the file is named .png, .jpg or .jpeg, or starts with a PNG or JPEG
 * signature. */
int cli_is_image(const char *path);
/* Reports a failure of sono_image_load on path in one line. */
void cli_image_error(const char *path, int status);

/* ---- .npy inputs (npy_input.c) ---- */

/* Reports a failure of sono_npy_load (matrix 0) or sono_npy_reader_open
 * (matrix 1: it also refuses what is not a non-empty 2-D array) on path in
 * one line: no .npy magic, a malformed or unsupported file, a shape too
 * large. */
void cli_npy_error(const char *path, int status, int matrix);

/* ---- subcommands ---- */

/* The subcommand named name (main.c's table), or NULL. */
typedef int (*cli_command_fn)(int argc, char **argv);
cli_command_fn cli_find_command(const char *name);

int cmd_info(int argc, char **argv);
int cmd_stft(int argc, char **argv);
int cmd_istft(int argc, char **argv);
int cmd_filter(int argc, char **argv);
int cmd_mel(int argc, char **argv);
int cmd_logfreq(int argc, char **argv);
int cmd_mfcc(int argc, char **argv);
int cmd_features(int argc, char **argv);
int cmd_tempo(int argc, char **argv);
int cmd_similarity(int argc, char **argv);
int cmd_invert(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_transform(int argc, char **argv);
int cmd_waveform(int argc, char **argv);
int cmd_histogram(int argc, char **argv);
int cmd_image2sound(int argc, char **argv);
int cmd_embed(int argc, char **argv);
int cmd_image_svd(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_cqt(int argc, char **argv);
int cmd_icqt(int argc, char **argv);
int cmd_batch(int argc, char **argv);

#endif
