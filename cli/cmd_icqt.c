/* sono icqt: a complex CQT .npy (bins x frames, as 'sono cqt' writes it) back
 * to audio, as librosa.icqt.  SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(void)
{
    printf("usage: sono icqt IN.npy -o OUT.wav --sr RATE [--bins-per-octave 12] [--fmin 32.70]\n"
           "                 [--hop 512] [--length N] [--pcm 16|24]\n\n"
           "The inverse constant-Q transform of a complex64 bins x frames matrix as\n"
           "librosa.icqt(C, sr=RATE, res_type='polyphase'), written as WAV or FLAC (by the\n"
           "name).  The options must be those that made the matrix; the number of bins is\n"
           "its number of rows.  Not an exact inverse: it gives back what the CQT sampled\n"
           "densely, the bins' frequencies at a hop well below the filters' lengths (with\n"
           "the default hop of 512 the top octaves are lost; --hop 32 gave music back at\n"
           "38 dB SNR).\n\n"
           "  -o, --output FILE    the audio file to write (required)\n"
           "  --sr RATE            sample rate of the output (required)\n"
           "  --length N           exact number of samples (default: hop * (frames - 1))\n"
           "  --pcm 16|24          integer samples (default: float32 for WAV, 24 for FLAC)\n\n"
           "%s  (--bins, when given, must equal the number of rows)\n", cli_help_cqt);
}

/* The matrix of path, bins x frames complex64, as frames x bins; reports. */
static int load_cqt(const char *path, sono_complex **C, size_t *bins, size_t *frames)
{
    sono_npy_array in;
    int err = sono_npy_load(path, &in);
    if (err != SONO_OK) {
        if (err == SONO_ERR_FORMAT)
            cli_error(path, "not a 2-D complex .npy matrix");
        else
            cli_file_error(path, err);
        return EXIT_FAIL;
    }
    int r = EXIT_FAIL;
    if (in.ndim != 2 || in.shape[0] == 0 || in.shape[1] == 0) {
        cli_error(path, "must be a non-empty 2-D matrix (bins x frames)");
        goto done;
    }
    if (in.dtype != SONO_DTYPE_C64) {
        cli_error(path, "holds real values; icqt needs the complex CQT ('sono cqt' "
                  "without --magnitude)");
        goto done;
    }
    *bins = in.shape[0];
    *frames = in.shape[1];
    if (sono_check_finite(in.data, 2 * *bins * *frames, NULL) != SONO_OK) {
        cli_error(path, "contains NaN or infinite values");
        goto done;
    }
    if (!(*C = malloc(*bins * *frames * sizeof **C))) {
        cli_error(path, "%s", sono_strerror(SONO_ERR_NOMEM));
        goto done;
    }
    const sono_complex *src = in.data;
    for (size_t k = 0; k < *bins; k++)
        for (size_t t = 0; t < *frames; t++)
            (*C)[t * *bins + k] = src[k * *frames + t];
    r = 0;
done:
    sono_npy_free(&in);
    return r;
}

int cmd_icqt(int argc, char **argv)
{
    cli_common c;
    cli_cqt q;
    cli_args a = {argc, argv, 1, NULL};
    size_t length = 0, pcm = 0;
    int m;
    cli_common_init(&c);
    cli_cqt_init(&q);
    while (a.i < argc) {
        if (strcmp(argv[a.i], "-h") == 0 || strcmp(argv[a.i], "--help") == 0) {
            help();
            return 0;
        }
        if ((m = cli_parse_output(&a, &c)) || (m = cli_parse_cqt(&a, &q)) ||
            (m = cli_parse_pcm(&a, &pcm))) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if ((m = cli_parse_synthesis(&a, &c, &length)) != 0) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if (cli_parse_positional(&a, &c) < 0)
            return EXIT_USAGE;
    }
    if (cli_check_paths(&c, 1) || cli_check_synthesis(&c))
        return EXIT_USAGE;
    double rate = c.audio.sample_rate;
    if (cli_check_output(&c))
        return EXIT_FAIL;

    sono_complex *C = NULL;
    size_t bins, frames;
    int r = load_cqt(c.input, &C, &bins, &frames);
    if (r)
        return r;
    float *y = NULL;
    sono_icqt *inv = NULL;
    int err = SONO_OK;
    r = EXIT_USAGE;
    if (q.bins_given && q.params.n_bins != bins) {
        cli_error("--bins", "%zu does not match the %zu rows of '%s'", q.params.n_bins,
                  bins, c.input);
        goto done;
    }
    q.params.n_bins = bins;
    char rate_of[64];
    snprintf(rate_of, sizeof rate_of, "--sr %g", rate);
    if (cli_check_cqt(&q, rate, rate_of, q.bins_given ? "--bins" : c.input))
        goto done;
    r = EXIT_FAIL;
    if (!(inv = sono_icqt_new(&q.params, rate, &err))) {
        cli_error(c.input, "cannot plan the inverse CQT: %s", sono_strerror(err));
        goto done;
    }
    size_t n = sono_icqt_length(inv, frames, length);
    if (n == 0 || frames < 2) {
        cli_error(c.input, "has %zu frame: the inverse of one frame holds no samples",
                  frames);
        goto done;
    }
    if (!(y = malloc(n * sizeof *y)) || (err = sono_icqt_run(inv, C, frames, length, y))) {
        cli_error(c.input, "%s", sono_strerror(y ? err : SONO_ERR_NOMEM));
        goto done;
    }
    r = cli_write_audio(c.input, c.output, pcm, rate, y, n);
done:
    sono_icqt_free(inv);
    free(C);
    free(y);
    return r;
}
