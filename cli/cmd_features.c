/* sono features: one librosa feature per frame as .npy -- the spectral
 * centroid, bandwidth, rolloff and flatness, the onset strength, the RMS
 * level and the zero-crossing rate.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every kind streams.  The spectral ones take each STFT frame's magnitude;
 * rms and zcr frame the samples themselves.  The onset strength needs the
 * peak of the whole mel spectrogram (power_to_db's 80 dB floor), so its mel
 * frames are spooled by the .npy writer, as `sono mel --db` spools them,
 * and turned into onset values in order while the file is written. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef enum kind {
    K_CENTROID, K_BANDWIDTH, K_ROLLOFF, K_FLATNESS, K_ONSET, K_RMS, K_ZCR
} kind;
static const char *const kind_names[] = {"centroid", "bandwidth", "rolloff",
                                         "flatness", "onset", "rms", "zcr"};
#define KINDS ((int)(sizeof kind_names / sizeof kind_names[0]))

typedef struct opts {
    int kind;                  /* -1 until --kind */
    double roll_percent;
    sono_onset_params onset;
    /* Options given that only some kinds take, as typed, for messages. */
    const char *roll_opt, *onset_opt, *mel_opt, *window_opt, *pad_opt, *center_opt;
} opts;

static void help(void)
{
    printf("usage: sono features IN -o OUT.npy --kind KIND [--roll-percent P] [--lag N]\n"
           "                    [--max-size N] [audio] [stft] [mel]\n\n"
           "One value per frame of IN, as librosa.feature's functions compute it, as a\n"
           "float32 .npy: (1, frames), or (frames,) for the onset strength.\n\n"
           "  -o, --output FILE    the .npy to write (required)\n"
           "  --kind KIND          centroid: spectral_centroid; bandwidth:\n"
           "                       spectral_bandwidth (p = 2); rolloff: spectral_rolloff;\n"
           "                       flatness: spectral_flatness; onset: onset.onset_strength\n"
           "                       (mel power in dB, ref 1, top_db 80, mean over bands);\n"
           "                       rms: feature.rms(y=...); zcr: zero_crossing_rate\n"
           "  --roll-percent P     rolloff: the share of the frame's sum, in (0, 1)\n"
           "                       (default: 0.85)\n"
           "  --lag N              onset: frames between the compared frames (default: 1)\n"
           "  --max-size N         onset: the reference is the maximum over N bands\n"
           "                       (default: 1, none)\n\n"
           "The spectral kinds and onset take the STFT options, rms and zcr --n-fft as the\n"
           "frame length, --hop and --center; the hop is 512 unless given, as librosa's\n"
           "feature functions have it.  rms pads with --pad-mode, zcr with the edge samples;\n"
           "the mel options are onset's.  For onset, --no-center is onset_strength's\n"
           "center=False: the mel spectrogram stays centred, and the envelope is not\n"
           "shifted by n-fft / (2 hop) frames.\n\n"
           "%s\n%s\n%s", cli_help_audio, cli_help_feature_stft, cli_help_mel);
}

/* --kind, --roll-percent, --lag, --max-size: 1 if consumed, 0 if not, -1
 * after an error. */
static int parse_own(cli_args *a, opts *o)
{
    const char *arg = a->argv[a->i];
    size_t v;
    int m;
    if ((m = cli_match(a, "--kind", 1)) != 0)
        return m < 0 || cli_choice("--kind", a->value, kind_names, KINDS, &o->kind) ? -1 : 1;
    if ((m = cli_match(a, "--roll-percent", 1)) != 0) {
        if (m < 0 || cli_double("--roll-percent", a->value, 0, 1, &o->roll_percent))
            return -1;
        if (o->roll_percent <= 0 || o->roll_percent >= 1) {
            cli_error("--roll-percent", "must be above 0 and below 1, got '%s'", a->value);
            return -1;
        }
        o->roll_opt = arg;
        return 1;
    }
    if ((m = cli_match(a, "--lag", 1)) != 0) {
        if (m < 0 || cli_size("--lag", a->value, 1, SONO_ONSET_MAX_LAG, &v))
            return -1;
        o->onset.lag = v;
        o->onset_opt = arg;
        return 1;
    }
    if ((m = cli_match(a, "--max-size", 1)) != 0) {
        if (m < 0 || cli_size("--max-size", a->value, 1, SONO_ONSET_MAX_SIZE, &v))
            return -1;
        o->onset.max_size = v;
        o->onset_opt = arg;
        return 1;
    }
    return 0;
}

/* Remembers which STFT options were given, by the argument about to be
 * parsed. */
static void note_stft_option(opts *o, const char *arg)
{
    if (strncmp(arg, "--window", 8) == 0 || strncmp(arg, "--win-length", 12) == 0)
        o->window_opt = arg;
    else if (strncmp(arg, "--pad-mode", 10) == 0)
        o->pad_opt = arg;
    else if (strcmp(arg, "--no-center") == 0)
        o->center_opt = arg;
}

/* An option as typed, without "=VALUE". */
static void refuse(const char *arg, const char *why)
{
    const char *eq = strchr(arg, '=');
    char name[64];
    snprintf(name, sizeof name, "%.*s", eq ? (int)(eq - arg) : (int)strlen(arg), arg);
    cli_error(name, "%s", why);
}

static int check_options(opts *o, cli_common *c)
{
    char why[160];
    if (o->kind < 0) {
        cli_error("--kind", "is required: centroid, bandwidth, rolloff, flatness, onset, "
                  "rms or zcr");
        return -1;
    }
    const char *name = kind_names[o->kind];
    int framed = o->kind == K_RMS || o->kind == K_ZCR;
    if (o->roll_opt && o->kind != K_ROLLOFF) {
        refuse(o->roll_opt, "applies to --kind rolloff only");
        return -1;
    }
    if ((o->onset_opt || o->mel_opt) && o->kind != K_ONSET) {
        refuse(o->onset_opt ? o->onset_opt : o->mel_opt, "applies to --kind onset only");
        return -1;
    }
    if (o->window_opt && framed) {
        snprintf(why, sizeof why, "does not apply to --kind %s, whose frames are the "
                 "samples without a window (--n-fft is the frame length)", name);
        refuse(o->window_opt, why);
        return -1;
    }
    if (o->pad_opt && o->kind == K_ZCR) {
        refuse(o->pad_opt, "does not apply to --kind zcr, which pads with the edge "
               "samples as librosa does");
        return -1;
    }
    /* librosa's onset_strength(center=False) keeps its mel spectrogram
     * centred (the argument is not passed on) and only leaves out the shift
     * of n_fft / (2 hop) frames that matches the centring. */
    if (o->center_opt && o->kind == K_ONSET) {
        o->onset.center = 0;
        c->stft.center = 1;
    }
    /* rms and zcr frame the signal themselves and allow a hop above the
     * frame length, as librosa.util.frame does. */
    if (!framed)
        return cli_check_feature_stft(c);
    if (!c->hop_given)
        c->stft.hop_length = CLI_FEATURE_HOP;
    return 0;
}

/* ---- spectral kinds: one STFT frame, one value ---- */

typedef struct spectral_job {
    sono_spectral *plan;
    float *mag;
    size_t bins;
    sono_npy_writer *w;
    const cli_common *common;  /* input and output names, for messages */
} spectral_job;

static int on_frame(void *ctx, const sono_complex *frame)
{
    spectral_job *j = ctx;
    sono_magnitude(frame, j->mag, j->bins);
    float v = sono_spectral_apply(j->plan, j->mag);
    return cli_push_column(j->common, j->w, &v, 1, NULL);
}

static int run_spectral(cli_common *c, const opts *o, sono_source *src)
{
    static const sono_spectral_feature kinds[] = {
        SONO_SPECTRAL_CENTROID, SONO_SPECTRAL_BANDWIDTH, SONO_SPECTRAL_ROLLOFF,
        SONO_SPECTRAL_FLATNESS};
    sono_spectral_params p;
    sono_spectral_params_default(&p);
    p.kind = kinds[o->kind];
    p.sample_rate = sono_source_rate(src);
    p.n_fft = c->stft.n_fft;
    p.roll_percent = o->roll_percent;
    int err = SONO_OK, r = EXIT_FAIL;
    spectral_job j = {sono_spectral_new(&p, &err), NULL, sono_stft_bins(&c->stft),
                      NULL, c};
    j.mag = malloc(j.bins * sizeof *j.mag);
    if (!j.plan || !j.mag) {
        cli_error(c->input, "%s", sono_strerror(j.plan ? SONO_ERR_NOMEM : err));
        goto done;
    }
    if ((j.w = cli_new_npy(c, SONO_DTYPE_F32, 1)) && !cli_run_stft(c, src, on_frame, &j) &&
        !cli_finish_npy(c, j.w, NULL, NULL, 0, SONO_DTYPE_F32))
        r = 0;
done:
    sono_npy_writer_free(j.w);
    sono_spectral_free(j.plan);
    free(j.mag);
    return r;
}

/* ---- onset strength: the envelope in memory, saved as (frames,) ---- */

static int run_onset(cli_common *c, const opts *o, sono_source *src)
{
    int r;
    size_t frames = 0;
    float *env = cli_onset_envelope(c, &o->onset, src, &frames, &r);
    if (!env)
        return r;
    sono_npy_array a = {SONO_DTYPE_F32, 1, {frames}, env};
    errno = 0;
    int err = sono_npy_save(c->output, &a);
    r = err == SONO_OK ? 0 : cli_write_error(c->output, err);
    free(env);
    return r;
}

/* ---- rms and zcr: frames of the samples ---- */

typedef struct signal_job {
    sono_signal_feature *f;
    sono_npy_writer *w;
    const cli_common *common;  /* input and output names, for messages */
} signal_job;

/* Pulls every value that is ready into the writer; 0, or non-zero after
 * reporting (a negative status is returned unreported, for the caller). */
static int drain(signal_job *j)
{
    float v;
    int r;
    while ((r = sono_signal_feature_pull(j->f, &v)) == 1)
        if (cli_push_column(j->common, j->w, &v, 1, NULL))
            return 1;
    return r;
}

static int on_block(void *ctx, const float *x, size_t n)
{
    signal_job *j = ctx;
    for (size_t used = 0; used < n;) {
        used += sono_signal_feature_push(j->f, x + used, n - used);
        if (drain(j))
            return 1;
    }
    return 0;
}

static int run_signal(cli_common *c, const opts *o, sono_source *src)
{
    sono_signal_feature_params p;
    sono_signal_feature_params_default(&p);
    p.kind = o->kind == K_RMS ? SONO_SIGNAL_RMS : SONO_SIGNAL_ZCR;
    p.frame_length = c->stft.n_fft;
    p.hop_length = c->stft.hop_length;
    p.center = c->stft.center;
    p.pad_mode = c->stft.pad_mode;
    int err = SONO_OK, r = EXIT_FAIL;
    uint64_t count = 0;
    signal_job j = {sono_signal_feature_new(&p, &err), NULL, c};
    if (!j.f) {
        cli_error(c->input, "%s", sono_strerror(err));
        return EXIT_FAIL;
    }
    if (!(j.w = cli_new_npy(c, SONO_DTYPE_F32, 1)) ||
        cli_read_pass(c, src, on_block, &j, &count))
        goto done;
    sono_signal_feature_finish(j.f);
    if ((err = drain(&j)) == SONO_ERR_TOO_SHORT)
        cli_error(c->input, "%llu samples is shorter than the frame length --n-fft %zu "
                  "with --no-center: no complete frame", (unsigned long long)count,
                  p.frame_length);
    else if (err < 0)
        cli_error(c->input, "%s", sono_strerror(err));
    if (err == 0 && !cli_finish_npy(c, j.w, NULL, NULL, 0, SONO_DTYPE_F32))
        r = 0;
done:
    sono_npy_writer_free(j.w);
    sono_signal_feature_free(j.f);
    return r;
}

int cmd_features(int argc, char **argv)
{
    cli_common c;
    cli_args a = {argc, argv, 1, NULL};
    opts o = {.kind = -1, .roll_percent = 0.85};
    int m;
    cli_common_init(&c);
    sono_onset_params_default(&o.onset);
    while (a.i < argc) {
        const char *arg = argv[a.i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            help();
            return 0;
        }
        if ((m = cli_parse_output(&a, &c)) || (m = cli_parse_audio(&a, &c)) ||
            (m = parse_own(&a, &o))) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if ((m = cli_parse_stft(&a, &c)) != 0) {
            if (m < 0)
                return EXIT_USAGE;
            note_stft_option(&o, arg);
            continue;
        }
        if ((m = cli_parse_mel(&a, &c)) != 0) {
            if (m < 0)
                return EXIT_USAGE;
            o.mel_opt = arg;
            continue;
        }
        if (cli_parse_positional(&a, &c) < 0)
            return EXIT_USAGE;
    }
    if (cli_check_paths(&c, 1) || check_options(&o, &c))
        return EXIT_USAGE;
    if (cli_check_output(&c))
        return EXIT_FAIL;
    int r;
    sono_source *src = cli_open_audio(&c, &r);
    if (!src)
        return r;
    if (o.kind == K_ONSET)
        r = run_onset(&c, &o, src);
    else if (o.kind == K_RMS || o.kind == K_ZCR)
        r = run_signal(&c, &o, src);
    else
        r = run_spectral(&c, &o, src);
    sono_source_close(src);
    return r;
}
