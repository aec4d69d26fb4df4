/* sono cqt: the constant-Q transform as librosa.cqt, complex or magnitude,
 * as .npy.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The whole selection is decoded first: librosa's octave-by-octave
 * downsampling runs over the whole signal, and the matrix is small (bins x
 * frames, a few hundred bytes per frame). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help(void)
{
    printf("usage: sono cqt IN -o OUT.npy [--bins 84] [--bins-per-octave 12] [--fmin 32.70]\n"
           "                [--hop 512] [--magnitude] [audio]\n\n"
           "The constant-Q transform of IN as librosa.cqt(y, sr=sr, res_type='polyphase')\n"
           "(librosa 0.10): a bins x frames matrix, complex64 unless --magnitude (float32).\n"
           "Bin k is centred at fmin * 2^(k / bins-per-octave); the filters must stay below\n"
           "sr / 2.  Any hop works: as librosa, downsampling between octaves stops at the\n"
           "first odd hop (slower below).\n\n"
           "output:\n"
           "  -o, --output FILE    the .npy to write (required)\n"
           "  --magnitude          |C|\n"
           "  --threads N          worker threads, 1 to 64, each octave's frames split among\n"
           "                       them; the output is the same for any number (default:\n"
           "                       SONO_THREADS, else all cores)\n\n"
           "%s\n%s", cli_help_cqt, cli_help_audio);
}

int cmd_cqt(int argc, char **argv)
{
    cli_common c;
    cli_cqt q;
    cli_args a = {argc, argv, 1, NULL};
    int magnitude = 0, m;
    cli_common_init(&c);
    cli_cqt_init(&q);
    while (a.i < argc) {
        if (strcmp(argv[a.i], "-h") == 0 || strcmp(argv[a.i], "--help") == 0) {
            help();
            return 0;
        }
        if ((m = cli_parse_output(&a, &c)) || (m = cli_parse_audio(&a, &c)) ||
            (m = cli_parse_cqt(&a, &q)) || (m = cli_parse_threads(&a, &c))) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if (cli_match(&a, "--magnitude", 0)) {
            magnitude = 1;
            continue;
        }
        if (cli_parse_positional(&a, &c) < 0)
            return EXIT_USAGE;
    }
    if (cli_check_paths(&c, 1) || cli_check_threads(&c))
        return EXIT_USAGE;
    if (cli_check_output(&c))
        return EXIT_FAIL;

    sono_complex *C = NULL;
    size_t frames = 0, bins = q.params.n_bins;
    double rate;
    int r = cli_cqt_compute(&c, &q, 0, &C, &frames, &rate);
    if (r)
        return r;
    r = EXIT_FAIL;
    float *column = malloc(bins * sizeof *column);
    sono_npy_writer *w = cli_new_npy(&c, magnitude ? SONO_DTYPE_F32 : SONO_DTYPE_C64, bins);
    if (!column || !w) {
        if (!column)
            cli_error(c.input, "%s", sono_strerror(SONO_ERR_NOMEM));
        goto done;
    }
    for (size_t t = 0; t < frames; t++) {
        const sono_complex *frame = C + t * bins;
        if (magnitude)
            sono_magnitude(frame, column, bins);
        if (cli_push_column(&c, w, magnitude ? (const void *)column
                                                   : (const void *)frame, 0, NULL))
            goto done;
    }
    if (cli_finish_npy(&c, w, NULL, NULL, 0, magnitude ? SONO_DTYPE_F32 : SONO_DTYPE_C64))
        goto done;
    r = 0;
done:
    sono_npy_writer_free(w);
    free(column);
    free(C);
    return r;
}
