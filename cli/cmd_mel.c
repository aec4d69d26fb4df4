/* sono mel: the mel spectrogram (librosa.feature.melspectrogram), optionally
 * in dB, as .npy.  SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct mel_job {
    int power;
    size_t bins;
    float *spectrum;
    float *bands;
    sono_mel *mel;
    double peak;
    sono_npy_writer *w;
    const cli_common *c;
} mel_job;

static int on_frame(void *ctx, const sono_complex *frame)
{
    mel_job *j = ctx;
    if (j->power == 1)
        sono_magnitude(frame, j->spectrum, j->bins);
    else
        sono_power(frame, j->spectrum, j->bins);
    sono_mel_apply(j->mel, j->spectrum, j->bands);
    return cli_push_column(j->c, j->w, j->bands, sono_mel_bands(j->mel),
                           &j->peak);
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
           "\n%s\n%s\n%s", cli_help_db, cli_help_audio, cli_help_stft, cli_help_mel);
}

int cli_mel_stream(cli_common *c, sono_source *src, int power,
                   sono_npy_writer *w, double *peak)
{
    int r = EXIT_USAGE, err = SONO_OK;
    mel_job j = {power, sono_stft_bins(&c->stft), NULL, NULL, NULL, 0.0, w,
                 c};
    int above_nyquist = cli_check_mel(c, sono_source_rate(src));
    if (above_nyquist < 0)
        goto done;
    r = EXIT_FAIL;
    j.mel = sono_mel_new(&c->mel, sono_source_rate(src), c->stft.n_fft, &err);
    if (!j.mel) {
        cli_error("--n-mels", "cannot build the mel filterbank: %s",
                  sono_strerror(err));
        goto done;
    }
    /* Empty filters are the expected consequence of fmax above Nyquist,
     * already warned about; otherwise they mean too many bands. */
    if (sono_mel_empty_filters(j.mel) > 0 && !above_nyquist)
        cli_warn("--n-mels", "%zu of %zu mel filters are empty; try fewer mel "
                 "bands or a larger --n-fft", sono_mel_empty_filters(j.mel),
                 c->mel.n_mels);
    j.spectrum = malloc(j.bins * sizeof(float));
    j.bands = malloc(c->mel.n_mels * sizeof(float));
    if (!j.spectrum || !j.bands) {
        cli_error(c->input, "%s", sono_strerror(SONO_ERR_NOMEM));
        goto done;
    }
    if (cli_run_stft(c, src, on_frame, &j))
        goto done;
    *peak = j.peak;
    r = 0;
done:
    sono_mel_free(j.mel);
    free(j.spectrum);
    free(j.bands);
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
            (m = cli_parse_db(&a, &db)) || (m = cli_parse_weighting(&a, &weighting))) {
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
    if (cli_check_db(&db) || cli_check_paths(&c, 1) || cli_check_stft(&c))
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
