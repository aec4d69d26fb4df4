/* sono mel: the mel spectrogram (librosa.feature.melspectrogram), optionally
 * in dB, as .npy.  SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct mel_job {
    size_t rows;
    double peak;
    sono_npy_writer *w;
    const cli_common *c;
} mel_job;

static int on_frames(void *ctx, const void *frames, size_t count)
{
    mel_job *j = ctx;
    for (size_t t = 0; t < count; t++)
        if (cli_push_column(j->c, j->w, (const float *)frames + t * j->rows, j->rows,
                            &j->peak))
            return -1;
    return 0;
}

static void help(void)
{
    printf("usage: sono mel IN -o OUT.npy [audio] [stft] [mel] [--power 1|2] [--db ... [--weighting a]]\n\n"
           "The mel spectrogram of IN as librosa.feature.melspectrogram: an n_mels x frames\n"
           "float32 matrix.\n\n"
           "output:\n"
           "  -o, --output FILE    the .npy to write (required)\n"
           "  --power 1|2          magnitude or power spectrogram (default: 2)\n"
           "  --db                 in dB: power_to_db for power 2, amplitude_to_db for 1\n"
           "%s"
           "  --weighting a        with --db: add the A-weighting of each band in dB, at\n"
           "                       mel_frequencies(n_mels, fmin, fmax), as\n"
           "                       librosa.perceptual_weighting\n"
           "\n%s\n%s%s\n%s", cli_help_db, cli_help_audio, cli_help_feature_stft, cli_help_threads,
           cli_help_mel);
}

int cli_mel_stream(cli_common *c, sono_source *src, int power,
                   sono_npy_writer *w, double *peak)
{
    int r = EXIT_USAGE, err = SONO_OK;
    mel_job j = {c->mel.n_mels, 0.0, w, c};
    cli_stft_out what = {power, NULL, NULL, NULL};
    int above_nyquist = cli_check_mel(c, sono_source_rate(src));
    if (above_nyquist < 0)
        return r;
    r = EXIT_FAIL;
    sono_mel *mel = sono_mel_new(&c->mel, sono_source_rate(src), c->stft.n_fft, &err);
    if (!mel) {
        cli_error("--n-mels", "cannot build the mel filterbank: %s",
                  sono_strerror(err));
        return r;
    }
    /* Empty filters are the expected consequence of fmax above Nyquist,
     * already warned about; otherwise they mean too many bands. */
    if (sono_mel_empty_filters(mel) > 0 && !above_nyquist)
        cli_warn("--n-mels", "%zu of %zu mel filters are empty; try fewer mel "
                 "bands or a larger --n-fft", sono_mel_empty_filters(mel),
                 c->mel.n_mels);
    what.mel = mel;
    if (cli_run_stft_blocks(c, src, &what, on_frames, &j, NULL) == 0) {
        *peak = j.peak;
        r = 0;
    }
    sono_mel_free(mel);
    return r;
}

int cmd_mel(int argc, char **argv)
{
    cli_common c;
    cli_db db;
    cli_args a = {argc, argv, 1, NULL};
    size_t power = 2;
    int m, weighting = 0;
    cli_common_init(&c);
    cli_db_init(&db);
    while (a.i < argc) {
        if (strcmp(argv[a.i], "-h") == 0 || strcmp(argv[a.i], "--help") == 0) {
            help();
            return 0;
        }
        if ((m = cli_parse_output(&a, &c)) || (m = cli_parse_audio(&a, &c)) ||
            (m = cli_parse_stft(&a, &c)) || (m = cli_parse_mel(&a, &c)) ||
            (m = cli_parse_threads(&a, &c)) || (m = cli_parse_db(&a, &db)) ||
            (m = cli_parse_weighting(&a, &weighting))) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if ((m = cli_match(&a, "--power", 1)) != 0) {
            if (m < 0 || cli_size("--power", a.value, 1, 2, &power))
                return EXIT_USAGE;
            continue;
        }
        if (cli_parse_positional(&a, &c) < 0)
            return EXIT_USAGE;
    }
    db.params.amplitude = power == 1;
    if (weighting && !db.enabled) {
        cli_error("--weighting", "applies only with --db");
        return EXIT_USAGE;
    }
    if (cli_check_db(&db) || cli_check_paths(&c, 1) || cli_check_feature_stft(&c) ||
        cli_check_threads(&c))
        return EXIT_USAGE;

    if (cli_check_output(&c))
        return EXIT_FAIL;
    int open_status;
    sono_source *src = cli_open_audio(&c, &open_status);
    if (!src)
        return open_status;
    double peak = 0.0, *offset = NULL;
    sono_npy_writer *w = cli_new_npy(&c, SONO_DTYPE_F32, c.mel.n_mels);
    int r = w ? cli_mel_stream(&c, src, (int)power, w, &peak) : EXIT_FAIL;
    if (r == 0 && weighting &&
        !(offset = cli_mel_weighting(&c.mel, sono_source_rate(src), c.mel.n_mels))) {
        cli_error(c.input, "%s", sono_strerror(SONO_ERR_NOMEM));
        r = EXIT_FAIL;
    }
    if (r == 0)
        r = (weighting ? cli_finish_npy_weighted(&c, w, &db, peak, c.mel.n_mels, offset)
                       : cli_finish_npy_db(&c, w, &db, peak, c.mel.n_mels))
                ? EXIT_FAIL
                : 0;
    free(offset);
    sono_npy_writer_free(w);
    sono_source_close(src);
    return r;
}
