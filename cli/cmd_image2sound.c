/* sono image2sound: a picture (PNG or JPEG) into sound whose spectrogram
 * shows it.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The library does the work (sono_image_to_sound); this file checks the
 * options against each other, so that a bad one is named before anything
 * is read, and writes the samples whole or not at all. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* An hour: the magnitude and the phase reconstruction's copies of it are
 * held in memory, several GB at 44.1 kHz for this much. */
#define MAX_DURATION 3600.0

typedef struct i2s_opts {
    sono_image_sound_params p;
    cli_phase phase;
    size_t pcm;
    int fmax_given;
} i2s_opts;

static void help(void)
{
    printf("usage: sono image2sound IN.png|IN.jpg -o OUT.wav [--sr 44100] [--duration SEC]\n"
           "                  [--fmin 20] [--fmax HZ] [--scale linear|log|mel] [--range 80]\n"
           "                  [phase] [stft] [--pcm 16|24]\n\n"
           "Sound whose spectrogram shows the picture, as ARSS, Photosounder or Aphex\n"
           "Twin's hidden face: luminance is level (white 0 dB, falling linearly in dB\n"
           "to -RANGE, black silent), the top row is the highest frequency, and time runs\n"
           "from left to right.  The phase is reconstructed as by 'sono invert', and the\n"
           "result is normalised to a peak of 0.9.\n\n"
           "  -o, --output FILE    the audio file to write, WAV or FLAC by the name (required)\n"
           "  --sr RATE            sample rate of the output (default: 44100)\n"
           "  --duration SEC       length, above 0 and at most 3600 s (default: one hop\n"
           "                       per column, width * hop / sr)\n"
           "  --fmin HZ            frequency of the bottom row (default: 20)\n"
           "  --fmax HZ            frequency of the top row, at most sr / 2 (default: sr / 2)\n"
           "  --scale S            spacing of the rows: linear in Hz (default), log\n"
           "                       (geometric) or mel (Slaney's)\n"
           "  --range DB           dB from white to the darkest grey (default: 80)\n"
           "  --pcm 16|24          integer samples (default: float32 for WAV, 24 for FLAC)\n\n"
           "%s\n%s  ('sono render --scale S --fmin F --fmax G' of the output shows the picture)\n",
           cli_help_phase, cli_help_stft);
}

static int parse_options(cli_args *a, i2s_opts *o)
{
    static const char *const scales[] = {"linear", "log", "mel"};
    sono_image_sound_params *p = &o->p;
    int m, i;
    if ((m = cli_match(a, "--sr", 1)) != 0)
        return m < 0 || cli_double("--sr", a->value, 1, 4e6, &p->sample_rate) ? -1 : 1;
    if ((m = cli_match(a, "--duration", 1)) != 0) {
        if (m < 0 || cli_double("--duration", a->value, 0, MAX_DURATION, &p->duration))
            return -1;
        if (p->duration <= 0) {
            cli_error("--duration", "must be above 0 s, got '%s'", a->value);
            return -1;
        }
        return 1;
    }
    if ((m = cli_match(a, "--fmin", 1)) != 0)
        return m < 0 || cli_double("--fmin", a->value, 0, 1e7, &p->fmin) ? -1 : 1;
    if ((m = cli_match(a, "--fmax", 1)) != 0) {
        if (m < 0 || cli_double("--fmax", a->value, 0, 1e7, &p->fmax))
            return -1;
        if (p->fmax <= 0) {
            cli_error("--fmax", "must be above 0 Hz, got '%s'", a->value);
            return -1;
        }
        o->fmax_given = 1;
        return 1;
    }
    if ((m = cli_match(a, "--scale", 1)) != 0) {
        if (m < 0 || cli_choice("--scale", a->value, scales, 3, &i))
            return -1;
        p->scale = (sono_freq_axis)i;
        return 1;
    }
    if ((m = cli_match(a, "--range", 1)) != 0) {
        if (m < 0 || cli_double("--range", a->value, 0, 1000, &p->range_db))
            return -1;
        if (p->range_db <= 0) {
            cli_error("--range", "must be above 0 dB, got '%s'", a->value);
            return -1;
        }
        return 1;
    }
    if ((m = cli_parse_pcm(a, &o->pcm)) != 0)
        return m;
    return 0;
}

/* The frequency range against the rate and the scale. */
static int check_frequencies(const i2s_opts *o)
{
    const sono_image_sound_params *p = &o->p;
    double nyquist = p->sample_rate / 2;
    double fmax = o->fmax_given ? p->fmax : nyquist;
    if (fmax > nyquist) {
        cli_error("--fmax", "must be at most sr / 2 = %g Hz, got %g", nyquist, fmax);
        return -1;
    }
    if (p->fmin >= fmax) {
        cli_error("--fmin", "must be below the top frequency %g Hz%s, got %g", fmax,
                  o->fmax_given ? " (--fmax)" : " (sr / 2)", p->fmin);
        return -1;
    }
    if (p->scale == SONO_FREQ_AXIS_LOG && p->fmin <= 0) {
        cli_error("--fmin", "must be above 0 Hz for --scale log, got %g", p->fmin);
        return -1;
    }
    return 0;
}

static int check_options(cli_common *c, i2s_opts *o)
{
    if (cli_check_paths(c, 1))
        return -1;
    if (o->p.sample_rate != floor(o->p.sample_rate)) {
        cli_error("--sr", "must be a whole number of Hz, got %g", o->p.sample_rate);
        return -1;
    }
    size_t len = strlen(c->output);
    if (len >= 4 && strcmp(c->output + len - 4, ".npy") == 0) {
        cli_error(c->output, "is a .npy; image2sound writes audio (WAV or FLAC)");
        return -1;
    }
    if (check_frequencies(o) || cli_check_stft(c) || cli_check_phase(&o->phase))
        return -1;
    o->p.stft = c->stft;
    o->p.phase = o->phase.params;
    return 0;
}

/* The frames and samples for this picture; reports what cannot be made. */
static int sound_size(const cli_common *c, const i2s_opts *o, uint32_t width,
                      size_t *length)
{
    size_t frames;
    int err = sono_image_sound_size(&o->p, width, &frames, length);
    if (err == SONO_OK)
        return 0;
    if (err == SONO_ERR_EMPTY) {
        cli_error("--duration", "%g s at %g Hz is less than one sample", o->p.duration,
                  o->p.sample_rate);
        return EXIT_USAGE;
    }
    if (err == SONO_ERR_TOO_SHORT) {
        cli_error(o->p.duration > 0 ? "--duration" : c->input,
                  "makes fewer samples than --n-fft %zu, which --no-center needs",
                  c->stft.n_fft);
        return EXIT_USAGE;
    }
    cli_error(c->input, "cannot be turned into sound: %s", sono_strerror(err));
    return EXIT_FAIL;
}

static int run(const cli_common *c, i2s_opts *o)
{
    sono_image im;
    int err = sono_image_load(c->input, &im);
    if (err != SONO_OK) {
        cli_image_error(c->input, err);
        return EXIT_FAIL;
    }
    size_t n;
    float *y = NULL;
    int r = sound_size(c, o, im.width, &n);
    if (r == 0 && !(y = malloc(n * sizeof *y))) {
        cli_error(c->input, "%s", sono_strerror(SONO_ERR_NOMEM));
        r = EXIT_FAIL;
    }
    if (r == 0) {
        cli_phase_progress(&o->phase);
        o->p.phase.progress = o->phase.params.progress;
        err = sono_image_to_sound(&im, &o->p, y);
        if (err != SONO_OK) {
            cli_error(c->input, "cannot be turned into sound: %s", sono_strerror(err));
            r = EXIT_FAIL;
        }
    }
    sono_image_free(&im);
    if (r == 0)
        r = cli_write_audio(c->input, c->output, o->pcm, o->p.sample_rate, y, n);
    free(y);
    return r;
}

int cmd_image2sound(int argc, char **argv)
{
    cli_common c;
    i2s_opts o;
    cli_args a = {argc, argv, 1, NULL};
    int m;
    cli_common_init(&c);
    memset(&o, 0, sizeof o);
    sono_image_sound_params_default(&o.p);
    cli_phase_init(&o.phase);
    while (a.i < argc) {
        if (strcmp(argv[a.i], "-h") == 0 || strcmp(argv[a.i], "--help") == 0) {
            help();
            return 0;
        }
        if ((m = cli_parse_output(&a, &c)) || (m = cli_parse_stft(&a, &c)) ||
            (m = cli_parse_phase(&a, &o.phase)) || (m = parse_options(&a, &o))) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if (cli_parse_positional(&a, &c) < 0)
            return EXIT_USAGE;
    }
    if (check_options(&c, &o))
        return EXIT_USAGE;
    if (cli_check_output(&c))
        return EXIT_FAIL;
    return run(&c, &o);
}
