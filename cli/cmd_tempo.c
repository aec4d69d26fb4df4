/* sono tempo: the global tempo of an input, as librosa.feature.rhythm.tempo
 * (--method librosa) or with sono's choice of the metrical level (the
 * default), with a confidence and the half and double alternatives.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The onset envelope is librosa's onset_strength (onset_envelope.c, as
 * `features --kind onset`), the tempogram and the choice are the library's
 * (tempogram.c, tempo.c).  Nothing is written: the result goes to stdout. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *const method_names[] = {"librosa", "metrical"};

typedef struct opts {
    sono_tempo_params tempo;
    int json;
} opts;

static void help(void)
{
    printf("usage: sono tempo IN [--json] [--method librosa|metrical] [--start-bpm BPM]\n"
           "                 [--std-bpm OCTAVES] [--ac-size SEC] [--max-tempo BPM]\n"
           "                 [audio] [--n-fft N] [--hop N] [mel]\n\n"
           "The global tempo of IN in beats per minute, from the autocorrelation tempogram\n"
           "of librosa's onset strength (librosa.feature.rhythm.tempo), with how periodic\n"
           "the onsets are at that period (confidence, 0 to 1) and the tempogram's peaks\n"
           "near half and twice the tempo.\n\n"
           "  --json               one JSON object instead of text\n"
           "  --method M           metrical (default): scores each period by the tempogram\n"
           "                       at its first three multiples, which picks the beat\n"
           "                       over a sub-beat, an off-beat or the bar more often;\n"
           "                       librosa: librosa's rule, its prior around --start-bpm\n"
           "                       (the result librosa gives; also printed by metrical)\n"
           "  --start-bpm BPM      centre of the tempo prior (default: 120)\n"
           "  --std-bpm OCTAVES    its width (default: 1.0)\n"
           "  --ac-size SEC        autocorrelation window (default: 8.0)\n"
           "  --max-tempo BPM      no faster tempo is chosen; 0: no limit (default: 320)\n\n"
           "The onset strength takes --n-fft (default 2048), --hop (default 512) and the\n"
           "mel options, as `sono features --kind onset`.\n\n"
           "%s\n%s", cli_help_audio, cli_help_mel);
}

static int positive(const char *opt, const char *v, double *out)
{
    if (cli_double(opt, v, 0, 1e9, out))
        return -1;
    if (*out <= 0) {
        cli_error(opt, "must be above 0, got '%s'", v);
        return -1;
    }
    return 0;
}

/* 1 if consumed, 0 if not, -1 after an error. */
static int parse_own(cli_args *a, opts *o)
{
    int m, method;
    if (strcmp(a->argv[a->i], "--json") == 0) {
        o->json = 1;
        a->i++;
        return 1;
    }
    if ((m = cli_match(a, "--method", 1)) != 0) {
        if (m < 0 || cli_choice("--method", a->value, method_names, 2, &method))
            return -1;
        o->tempo.method = method == 0 ? SONO_TEMPO_LIBROSA : SONO_TEMPO_METRICAL;
        return 1;
    }
    if ((m = cli_match(a, "--start-bpm", 1)) != 0)
        return m < 0 || positive("--start-bpm", a->value, &o->tempo.start_bpm) ? -1 : 1;
    if ((m = cli_match(a, "--std-bpm", 1)) != 0)
        return m < 0 || positive("--std-bpm", a->value, &o->tempo.std_bpm) ? -1 : 1;
    if ((m = cli_match(a, "--ac-size", 1)) != 0)
        return m < 0 || positive("--ac-size", a->value, &o->tempo.ac_size) ? -1 : 1;
    if ((m = cli_match(a, "--max-tempo", 1)) != 0)
        return m < 0 || cli_double("--max-tempo", a->value, 0, 1e9, &o->tempo.max_tempo) ? -1 : 1;
    return 0;
}

static void print_result(const cli_common *c, const opts *o, const sono_tempo_result *r)
{
    const char *method = method_names[o->tempo.method == SONO_TEMPO_LIBROSA ? 0 : 1];
    if (o->json) {
        printf("{\"file\": ");
        cli_json_string(c->input);
        printf(", \"bpm\": %.4f, \"method\": \"%s\", \"librosa_bpm\": %.4f, "
               "\"confidence\": %.4f, \"lag_frames\": %zu, \"half_bpm\": %.4f, "
               "\"half_strength\": %.4f, \"double_bpm\": %.4f, \"double_strength\": %.4f, "
               "\"sample_rate\": %.17g, \"hop_length\": %zu}\n",
               r->bpm, method, r->librosa_bpm, r->confidence, r->lag, r->half_bpm,
               r->half_strength, r->double_bpm, r->double_strength,
               o->tempo.sample_rate, o->tempo.hop_length);
        return;
    }
    printf("tempo:      %.2f BPM (%s", r->bpm, method);
    if (o->tempo.method != SONO_TEMPO_LIBROSA)
        printf("; librosa's rule: %.2f BPM", r->librosa_bpm);
    printf(")\nconfidence: %.2f\n", r->confidence);
    printf("half:       %.2f BPM (strength %.2f)\n", r->half_bpm, r->half_strength);
    if (r->double_bpm > 0)
        printf("double:     %.2f BPM (strength %.2f)\n", r->double_bpm, r->double_strength);
}

int cmd_tempo(int argc, char **argv)
{
    cli_common c;
    cli_args a = {argc, argv, 1, NULL};
    opts o = {.json = 0};
    int m;
    cli_common_init(&c);
    sono_tempo_params_default(&o.tempo);
    while (a.i < argc) {
        const char *arg = argv[a.i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            help();
            return 0;
        }
        if ((m = cli_parse_audio(&a, &c)) || (m = parse_own(&a, &o)) ||
            (m = cli_parse_mel(&a, &c))) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        size_t v;
        if ((m = cli_match(&a, "--n-fft", 1)) != 0) {
            if (m < 0 || cli_size("--n-fft", a.value, 2, SONO_MAX_N_FFT, &v))
                return EXIT_USAGE;
            c.stft.n_fft = c.stft.win_length = v;
            continue;
        }
        if ((m = cli_match(&a, "--hop", 1)) != 0) {
            if (m < 0 || cli_size("--hop", a.value, 1, SONO_MAX_N_FFT, &v))
                return EXIT_USAGE;
            c.stft.hop_length = v;
            c.hop_given = 1;
            continue;
        }
        if (cli_parse_positional(&a, &c) < 0)
            return EXIT_USAGE;
    }
    if (cli_check_paths(&c, 0) || cli_check_feature_stft(&c))
        return EXIT_USAGE;
    int r;
    sono_source *src = cli_open_audio(&c, &r);
    if (!src)
        return r;
    o.tempo.sample_rate = sono_source_rate(src);
    o.tempo.hop_length = c.stft.hop_length;
    if (sono_tempo_win_length(&o.tempo) == 0) {
        cli_error("--ac-size", "%g s is under two hops (%zu samples at %g Hz)",
                  o.tempo.ac_size, o.tempo.hop_length, o.tempo.sample_rate);
        sono_source_close(src);
        return EXIT_USAGE;
    }
    sono_onset_params op;
    sono_onset_params_default(&op);
    size_t frames = 0;
    float *env = cli_onset_envelope(&c, &op, src, &frames, &r);
    sono_source_close(src);
    if (!env)
        return r;
    sono_tempo_result res;
    int err = sono_tempo_estimate(&o.tempo, env, frames, &res);
    free(env);
    if (err != SONO_OK) {
        if (err == SONO_ERR_INVALID)
            cli_error("--max-tempo", "%g BPM leaves no period the %g s window can hold",
                      o.tempo.max_tempo, o.tempo.ac_size);
        else
            cli_error(c.input, "%s", sono_strerror(err));
        return EXIT_FAIL;
    }
    print_result(&c, &o, &res);
    return 0;
}
