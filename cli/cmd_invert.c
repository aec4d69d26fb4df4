/* sono invert: a magnitude, mel spectrogram or MFCC matrix back to sound,
 * with the phase reconstructed.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The matrix is read whole: phase reconstruction iterates over all of it.
 * MFCC -> mel power (inverse DCT), mel -> magnitude (non-negative least
 * squares), then the phase; each step as librosa.feature.inverse does. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

typedef enum from_kind {
    FROM_AUTO, FROM_MAGNITUDE, FROM_MEL, FROM_MFCC, FROM_IMAGE,
    FROM_LOG  /* a log-frequency image's rows; not an option value */
} from_kind;
/* How far to go: a .npy of the mel power spectrogram or of the magnitude,
 * or sound. */
typedef enum to_kind { TO_AUTO, TO_MEL, TO_MAGNITUDE, TO_AUDIO } to_kind;

typedef struct invert_opts {
    from_kind from;
    to_kind to;
    cli_phase phase;    /* --method, --init, --iters, ... (options.c) */
    size_t length, pcm;
    double power;       /* exponent of the mel spectrogram's magnitude */
    double lifter;      /* MFCC liftering to undo */
    int report;
    int n_fft_given, n_mels_given;
    const char *layout_option;  /* an STFT, mel or --sr option, if one was given */
} invert_opts;

static void help(void)
{
    printf("usage: sono invert IN -o OUT.wav [--from magnitude|mel|mfcc|image]\n"
           "                  [--method pghi+fgla|pghi|fgla|gla] [--iters 32] [--momentum 0.99]\n"
           "                  [--init zeros|random|pghi] [--seed N] [--sr RATE] [stft] [mel] [--report]\n\n"
           "Sound from a matrix without phase: an STFT magnitude (bins x frames, as\n"
           "'sono stft --magnitude'; a complex STFT is taken by its magnitude), a mel\n"
           "power spectrogram ('sono mel') or MFCCs ('sono mfcc'), whose STFT and mel\n"
           "options must be given as they were made; or a lossless spectrogram PNG ('sono\n"
           "render --lossless'), which carries them itself and, made with --phase, is\n"
           "turned back exactly, without phase reconstruction.\n\n"
           "  -o, --output FILE    the audio file to write, WAV or FLAC by the name (required)\n"
           "  --from KIND          what IN holds (default: magnitude when it has n_fft/2 + 1\n"
           "                       rows, mel when it has --n-mels rows, mfcc when it has\n"
           "                       negative values; image for a PNG)\n"
           "  --to KIND            stop early and write a .npy: mel (MFCC input) or magnitude\n"
           "                       (default: magnitude when OUT ends in .npy, else audio)\n"
           "  --method M           pghi+fgla: PGHI's phase refined by accelerated fast\n"
           "                       Griffin-Lim (default); pghi: no iterations; fgla: fast\n"
           "                       Griffin-Lim as librosa.griffinlim; gla: Griffin-Lim\n"
           "  --iters N            iterations, 0..10000 (default: 32)\n"
           "  --momentum M         fgla's momentum, in [0, 2) (default: 0.99)\n"
           "  --init I             starting phase: zeros, random or pghi (default: pghi for\n"
           "                       pghi+fgla, random for fgla and gla, as librosa)\n"
           "  --seed N             seed of the random starting phase (default: 0)\n"
           "  --sr RATE            sample rate of IN and of the output (default: 22050)\n"
           "  --length N           exact number of output samples (default: from the frames)\n"
           "  --power P            mel input: exponent of the magnitude (default: 2)\n"
           "  --lifter L           mfcc input: the liftering to undo (default: 0)\n"
           "  --threads N          worker threads (default: SONO_THREADS, else all cores)\n"
           "  --pcm 16|24          integer samples (default: float32 for WAV, 24 for FLAC)\n"
           "  --report             print the spectral convergence of the result (dB) and the time\n\n"
           "%s  (--n-fft defaults to 2 * (rows - 1) for a magnitude, else 2048)\n\n%s",
           cli_help_stft, cli_help_mel);
}

static int parse_kind_options(cli_args *a, invert_opts *o)
{
    int m;
    /* In the order of the enums, after their AUTO. */
    static const char *const froms[] = {"magnitude", "mel", "mfcc", "image"};
    static const char *const tos[] = {"mel", "magnitude", "audio"};
    int i;
    if ((m = cli_match(a, "--from", 1)) != 0) {
        if (m < 0 || cli_choice("--from", a->value, froms, 4, &i))
            return -1;
        o->from = (from_kind)(FROM_MAGNITUDE + i);
        return 1;
    }
    if ((m = cli_match(a, "--to", 1)) != 0) {
        if (m < 0 || cli_choice("--to", a->value, tos, 3, &i))
            return -1;
        o->to = (to_kind)(TO_MEL + i);
        return 1;
    }
    return 0;
}

static int parse_output_options(cli_args *a, invert_opts *o, cli_common *c)
{
    int m;
    if ((m = cli_match(a, "--sr", 1)) != 0)
        return m < 0 || cli_double("--sr", a->value, 1, 4e6, &c->audio.sample_rate) ? -1 : 1;
    if ((m = cli_match(a, "--length", 1)) != 0)
        return m < 0 || cli_size("--length", a->value, 1, (size_t)1 << 40, &o->length) ? -1 : 1;
    if ((m = cli_match(a, "--power", 1)) != 0)
        return m < 0 || cli_double("--power", a->value, 0.01, 100.0, &o->power) ? -1 : 1;
    if ((m = cli_match(a, "--lifter", 1)) != 0)
        return m < 0 || cli_double("--lifter", a->value, 0.0, 1e6, &o->lifter) ? -1 : 1;
    if ((m = cli_match(a, "--report", 0)) != 0) {
        o->report = 1;
        return 1;
    }
    if ((m = cli_parse_pcm(a, &o->pcm)) != 0)
        return m;
    return 0;
}

/* bins x frames (C order) into frames x bins; a complex matrix by its
 * magnitude. */
static float *frame_major(const sono_npy_array *a)
{
    size_t rows = a->shape[0], cols = a->shape[1];
    float *out = malloc(rows * cols * sizeof *out);
    if (!out)
        return NULL;
    for (size_t r = 0; r < rows; r++)
        for (size_t t = 0; t < cols; t++) {
            float v;
            if (a->dtype == SONO_DTYPE_C64) {
                sono_complex z = ((const sono_complex *)a->data)[r * cols + t];
                sono_magnitude(&z, &v, 1);
            } else {
                v = ((const float *)a->data)[r * cols + t];
            }
            out[t * rows + r] = v;
        }
    return out;
}

static from_kind guess_kind(const invert_opts *o, const cli_common *c,
                            const float *m, size_t rows, size_t cols)
{
    if (o->from != FROM_AUTO)
        return o->from;
    for (size_t i = 0; i < rows * cols; i++)
        if (m[i] < 0.0f)
            return FROM_MFCC;
    if (rows == c->mel.n_mels && (o->n_mels_given || !o->n_fft_given ||
                                  rows != sono_stft_bins(&c->stft)))
        return FROM_MEL;
    return FROM_MAGNITUDE;
}

/* MFCC (frames x rows) -> mel power spectrogram (frames x n_mels), replacing
 * *m; reports errors.  Returns 0 or an exit status. */
static int mfcc_to_mel(const cli_common *c, const invert_opts *o, float **m,
                       size_t rows, size_t frames)
{
    size_t n_mels = c->mel.n_mels;
    if (rows > n_mels) {
        cli_error(c->input, "%zu MFCC rows but only %zu mel bands (--n-mels)", rows, n_mels);
        return EXIT_USAGE;
    }
    float *power = malloc(frames * n_mels * sizeof *power);
    if (!power) {
        cli_error(c->input, "%s", sono_strerror(SONO_ERR_NOMEM));
        return EXIT_FAIL;
    }
    int err = sono_mfcc_to_mel(*m, rows, frames, n_mels, o->lifter, 1.0, power);
    if (err != SONO_OK) {
        cli_error(c->input, "cannot invert the MFCCs: %s", sono_strerror(err));
        free(power);
        return EXIT_FAIL;
    }
    free(*m);
    *m = power;
    return 0;
}

/* Mel spectrogram (frames x n_mels) -> magnitude (frames x bins), replacing
 * *m; reports errors.  Returns 0 or an exit status. */
static int mel_to_magnitude(const cli_common *c, const invert_opts *o, float **m,
                            size_t frames)
{
    int err;
    size_t bins = sono_stft_bins(&c->stft);
    sono_mel *fb = sono_mel_new(&c->mel, c->audio.sample_rate, c->stft.n_fft, &err);
    float *out = malloc(frames * bins * sizeof *out);
    if (!fb || !out) {
        cli_error(c->input, "%s", sono_strerror(fb ? SONO_ERR_NOMEM : err));
        sono_mel_free(fb);
        free(out);
        return EXIT_FAIL;
    }
    err = sono_mel_to_stft(fb, *m, frames, o->power, out);
    sono_mel_free(fb);
    if (err != SONO_OK) {
        cli_error(c->input, "cannot invert the mel spectrogram: %s", sono_strerror(err));
        free(out);
        return EXIT_FAIL;
    }
    free(*m);
    *m = out;
    return 0;
}

/* Writes a frames x rows matrix as a rows x frames .npy; reports errors. */
static int save_matrix(const char *path, const float *m, size_t rows, size_t frames)
{
    float *t = malloc(rows * frames * sizeof *t);
    if (!t) {
        cli_error(path, "%s", sono_strerror(SONO_ERR_NOMEM));
        return EXIT_FAIL;
    }
    for (size_t f = 0; f < frames; f++)
        for (size_t r = 0; r < rows; r++)
            t[r * frames + f] = m[f * rows + r];
    sono_npy_array a = {SONO_DTYPE_F32, 2, {rows, frames}, t};
    int err = sono_npy_save(path, &a);
    free(t);
    if (err != SONO_OK) {
        cli_error(path, "cannot write: %s", sono_strerror(err));
        return EXIT_FAIL;
    }
    return 0;
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int check_options(cli_common *c, invert_opts *o)
{
    if (cli_check_paths(c, 1))
        return -1;
    if (c->audio.sample_rate <= 0)
        c->audio.sample_rate = 22050;
    if (c->audio.sample_rate != (double)(long)c->audio.sample_rate) {
        cli_error("--sr", "must be a whole number of Hz, got %g", c->audio.sample_rate);
        return -1;
    }
    if (cli_check_phase(&o->phase))
        return -1;
    size_t len = strlen(c->output);
    int npy = len >= 4 && strcmp(c->output + len - 4, ".npy") == 0;
    if (o->to == TO_AUTO)
        o->to = npy ? TO_MAGNITUDE : TO_AUDIO;
    if (o->to == TO_MEL && o->from != FROM_MFCC) {
        cli_error("--to", "mel needs --from mfcc (only MFCCs are turned into a mel spectrogram)");
        return -1;
    }
    if ((o->to == TO_AUDIO) == npy) {
        cli_error(c->output, o->to == TO_AUDIO ? "is a .npy; give --to magnitude or mel, or an audio name"
                                               : "must end in .npy for --to mel or magnitude");
        return -1;
    }
    return 0;
}

/* A frames x bins magnitude to sound through phase reconstruction, written
 * to the output; reports errors.  Returns 0 or an exit status. */
static int reconstruct(const cli_common *c, invert_opts *o, const float *mag,
                       size_t frames)
{
    size_t n = sono_istft_length(&c->stft, frames, o->length);
    float *y = malloc((n ? n : 1) * sizeof *y);
    if (!y) {
        cli_error(c->input, "%s", sono_strerror(SONO_ERR_NOMEM));
        return EXIT_FAIL;
    }
    cli_phase_progress(&o->phase);
    double t0 = seconds();
    int err = sono_phase_reconstruct(&c->stft, mag, frames, &o->phase.params, o->length, y);
    double elapsed = seconds() - t0;
    if (err != SONO_OK) {
        cli_error(c->input, "phase reconstruction failed: %s", sono_strerror(err));
        free(y);
        return EXIT_FAIL;
    }
    if (cli_check_overflow(c->input, y, n, "the output signal")) {
        free(y);
        return EXIT_FAIL;
    }
    if (o->report) {
        double sc;
        err = sono_spectral_convergence(&c->stft, mag, frames, y, n, &sc);
        if (err == SONO_OK)
            printf("spectral convergence: %.2f dB (%s, %d iterations, %.3f s)\n", sc,
                   sono_phase_method_name(o->phase.params.method),
                   o->phase.params.method == SONO_PHASE_PGHI ? 0 : o->phase.params.iterations,
                   elapsed);
        else
            printf("spectral convergence: undefined (%s)\n", sono_strerror(err));
    }
    int r = cli_write_audio(c->input, c->output, o->pcm, c->audio.sample_rate, y, n);
    free(y);
    return r;
}

/* Log-frequency bands (frames x bands) -> magnitude (frames x bins),
 * replacing *m; reports errors.  Returns 0 or an exit status. */
static int log_to_magnitude(const cli_common *c, const sono_spec_axes *ax, float **m,
                            size_t frames)
{
    int err;
    size_t bins = sono_stft_bins(&c->stft);
    sono_logfreq *fb = sono_logfreq_new(&ax->logfreq, ax->sample_rate, c->stft.n_fft, &err);
    float *out = malloc(frames * bins * sizeof *out);
    if (!fb || !out) {
        cli_error(c->input, "%s", sono_strerror(fb ? SONO_ERR_NOMEM : err));
        sono_logfreq_free(fb);
        free(out);
        return EXIT_FAIL;
    }
    err = sono_logfreq_to_stft(fb, *m, frames, ax->power, out);
    sono_logfreq_free(fb);
    if (err != SONO_OK) {
        cli_error(c->input, "cannot invert the log-frequency bands: %s", sono_strerror(err));
        free(out);
        return EXIT_FAIL;
    }
    free(*m);
    *m = out;
    return 0;
}

/* The exact way back from an image that kept its phase. */
static int invert_with_phase(const cli_common *c, const invert_opts *o, const sono_spec *s)
{
    size_t n = sono_istft_length(&c->stft, s->frames, o->length);
    size_t count = s->frames * s->rows;
    sono_complex *z = malloc(count * sizeof *z);
    float *y = malloc((n ? n : 1) * sizeof *y);
    int r = EXIT_FAIL;
    if (!z || !y) {
        cli_error(c->input, "%s", sono_strerror(SONO_ERR_NOMEM));
        goto done;
    }
    for (size_t i = 0; i < count; i++) {
        z[i].re = s->values[i] * cosf(s->phase[i]);
        z[i].im = s->values[i] * sinf(s->phase[i]);
    }
    int err = sono_istft_run(&c->stft, z, s->frames, o->length, y);
    if (err != SONO_OK) {
        cli_error(c->input, "inverse STFT failed: %s", sono_strerror(err));
        goto done;
    }
    r = cli_write_audio(c->input, c->output, o->pcm, c->audio.sample_rate, y, n);
done:
    free(z);
    free(y);
    return r;
}

/* `sono invert IMAGE.png`: the image's own description replaces the
 * options; the phase, when kept, makes the way back exact. */
static int invert_image(cli_common *c, invert_opts *o)
{
    if (o->layout_option) {
        cli_error(o->layout_option, "does not apply to an image input, which carries "
                  "its own STFT and scale parameters");
        return EXIT_USAGE;
    }
    sono_image im;
    sono_spec s;
    int err = sono_image_load(c->input, &im);
    if (err != SONO_OK) {
        cli_image_error(c->input, err);
        return EXIT_FAIL;
    }
    err = sono_spec_from_image(&im, &s);
    sono_image_free(&im);
    if (err != SONO_OK) {
        if (err == SONO_ERR_FORMAT)
            cli_error(c->input, "not a lossless sono spectrogram (made by 'sono render "
                      "--lossless'); 'sono image2sound' turns any picture into sound");
        else
            cli_file_error(c->input, err);
        return EXIT_FAIL;
    }
    const sono_spec_axes axes = s.axes, *ax = &axes;
    size_t frames = s.frames, rows = s.rows;
    c->stft = ax->stft;
    sono_stft_params_resolve(&c->stft);
    c->mel = ax->mel;
    c->audio.sample_rate = ax->sample_rate;
    o->power = ax->power;
    if (!o->length)
        o->length = (size_t)ax->length;
    int r;
    if (s.phase && o->to == TO_AUDIO) {
        r = invert_with_phase(c, o, &s);
        sono_spec_free(&s);
        return r;
    }
    float *mag = s.values;
    s.values = NULL;
    sono_spec_free(&s);
    r = 0;
    if (ax->scale == SONO_FREQ_AXIS_MEL)
        r = mel_to_magnitude(c, o, &mag, frames);
    else if (ax->scale == SONO_FREQ_AXIS_LOG)
        r = log_to_magnitude(c, ax, &mag, frames);
    else if (ax->power == 2)
        for (size_t i = 0; i < frames * rows; i++)
            mag[i] = sqrtf(mag[i]);
    if (r == 0 && o->to == TO_MAGNITUDE)
        r = save_matrix(c->output, mag, sono_stft_bins(&c->stft), frames);
    else if (r == 0)
        r = reconstruct(c, o, mag, frames);
    free(mag);
    return r;
}


int cmd_invert(int argc, char **argv)
{
    cli_common c;
    invert_opts o;
    cli_args a = {argc, argv, 1, NULL};
    int m;
    cli_common_init(&c);
    memset(&o, 0, sizeof o);
    cli_phase_init(&o.phase);
    o.power = 2.0;
    while (a.i < argc) {
        if (strcmp(argv[a.i], "-h") == 0 || strcmp(argv[a.i], "--help") == 0) {
            help();
            return 0;
        }
        if (strncmp(argv[a.i], "--n-fft", 7) == 0)
            o.n_fft_given = 1;
        if (strncmp(argv[a.i], "--n-mels", 8) == 0)
            o.n_mels_given = 1;
        const char *option = argv[a.i];
        int layout = 0;
        if ((m = cli_parse_output(&a, &c)) || (layout = m = cli_parse_stft(&a, &c)) ||
            (layout = m = cli_parse_mel(&a, &c)) || (m = cli_parse_phase(&a, &o.phase)) ||
            (m = parse_kind_options(&a, &o)) ||
            (m = parse_output_options(&a, &o, &c))) {
            if (m < 0)
                return EXIT_USAGE;
            if ((layout || strncmp(option, "--sr", 4) == 0) && !o.layout_option)
                o.layout_option = option;
            continue;
        }
        if (cli_parse_positional(&a, &c) < 0)
            return EXIT_USAGE;
    }
    if (check_options(&c, &o))
        return EXIT_USAGE;
    if (cli_check_output(&c))
        return EXIT_FAIL;
    if (o.from == FROM_IMAGE || cli_is_image(c.input))
        return invert_image(&c, &o);

    sono_npy_array in;
    int err = sono_npy_load(c.input, &in);
    if (err != SONO_OK) {
        cli_npy_error(c.input, err, 0);
        return EXIT_FAIL;
    }
    if (in.ndim != 2 || in.shape[0] == 0 || in.shape[1] == 0) {
        cli_error(c.input, "must be a non-empty 2-D matrix (rows x frames), has %zu dimensions%s",
                  in.ndim, in.ndim == 2 ? " and no values" : "");
        sono_npy_free(&in);
        return EXIT_FAIL;
    }
    size_t rows = in.shape[0], frames = in.shape[1];
    float *mag = frame_major(&in);
    sono_npy_free(&in);
    if (!mag) {
        cli_error(c.input, "%s", sono_strerror(SONO_ERR_NOMEM));
        return EXIT_FAIL;
    }
    int r = EXIT_FAIL;
    if (sono_check_finite(mag, rows * frames, NULL) != SONO_OK) {
        cli_error(c.input, "contains NaN or infinite values");
        goto done;
    }
    from_kind kind = guess_kind(&o, &c, mag, rows, frames);
    if (kind != FROM_MFCC)
        for (size_t i = 0; i < rows * frames; i++)
            if (mag[i] < 0.0f) {
                cli_error(c.input, "contains negative values (%g), which a %s cannot have",
                          mag[i], kind == FROM_MEL ? "mel spectrogram" : "magnitude");
                goto done;
            }
    if (kind == FROM_MAGNITUDE && !o.n_fft_given) {
        if (rows < 2) {
            cli_error(c.input, "is not a magnitude: %zu row (an STFT has n_fft/2 + 1 rows)", rows);
            goto done;
        }
        c.stft.n_fft = 2 * (rows - 1);
    }
    if (cli_check_stft(&c)) {
        r = EXIT_USAGE;
        goto done;
    }
    if (kind != FROM_MAGNITUDE && cli_check_mel(&c, c.audio.sample_rate) < 0) {
        r = EXIT_USAGE;
        goto done;
    }
    if (kind == FROM_MAGNITUDE && rows != sono_stft_bins(&c.stft)) {
        cli_error("--n-fft", "%zu rows do not match an FFT size of %zu (which has %zu bins); "
                  "the rows fit --n-fft %zu", rows, c.stft.n_fft, sono_stft_bins(&c.stft),
                  2 * (rows - 1));
        r = EXIT_USAGE;
        goto done;
    }
    if (kind == FROM_MFCC) {
        if ((r = mfcc_to_mel(&c, &o, &mag, rows, frames)) != 0)
            goto done;
        rows = c.mel.n_mels;
        kind = FROM_MEL;
        if (o.to == TO_MEL) {
            r = save_matrix(c.output, mag, rows, frames);
            goto done;
        }
    }
    if (kind == FROM_MEL) {
        if (rows != c.mel.n_mels) {
            cli_error(c.input, "%zu rows do not match --n-mels %zu", rows, c.mel.n_mels);
            r = EXIT_USAGE;
            goto done;
        }
        if ((r = mel_to_magnitude(&c, &o, &mag, frames)) != 0)
            goto done;
        rows = sono_stft_bins(&c.stft);
    }
    if (o.to == TO_MAGNITUDE) {
        r = save_matrix(c.output, mag, rows, frames);
        goto done;
    }
    r = reconstruct(&c, &o, mag, frames);
done:
    free(mag);
    return r;
}
