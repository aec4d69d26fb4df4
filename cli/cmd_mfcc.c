/* sono mfcc: MFCCs as librosa.feature.mfcc: the orthonormal DCT-II of
 * power_to_db(mel spectrogram) (ref 1.0, amin 1e-10, top_db 80), as .npy.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * top_db is relative to the peak of the whole mel spectrogram, so the mel
 * frames are spooled by the .npy writer and turned into coefficients as the
 * file is written, when the peak is known. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct mfcc_map {
    cli_db_map db;
    sono_mfcc *mfcc;
    float *mel_db;
} mfcc_map;

static int to_mfcc(void *ctx, const void *in, void *out)
{
    mfcc_map *m = ctx;
    cli_db_column(&m->db, in, m->mel_db);
    sono_mfcc_apply(m->mfcc, m->mel_db, out);
    return 0;
}

static void help(void)
{
    printf("usage: sono mfcc IN -o OUT.npy [audio] [stft] [mel] [--n-mfcc 20] [--lifter L]\n\n"
           "Mel-frequency cepstral coefficients of IN as librosa.feature.mfcc: an\n"
           "n_mfcc x frames float32 matrix.\n\n"
           "output:\n"
           "  -o, --output FILE    the .npy to write (required)\n"
           "  --n-mfcc N           number of coefficients, at most n-mels (default: 20)\n"
           "  --lifter L           sinusoidal liftering, 0 for none (default: 0)\n\n"
           "%s\n%s%s\n%s", cli_help_audio, cli_help_feature_stft, cli_help_threads, cli_help_mel);
}

int cmd_mfcc(int argc, char **argv)
{
    cli_common c;
    cli_args a = {argc, argv, 1, NULL};
    size_t n_mfcc = 20;
    double lifter = 0.0;
    int m;
    cli_common_init(&c);
    while (a.i < argc) {
        if (strcmp(argv[a.i], "-h") == 0 || strcmp(argv[a.i], "--help") == 0) {
            help();
            return 0;
        }
        if ((m = cli_parse_output(&a, &c)) || (m = cli_parse_audio(&a, &c)) ||
            (m = cli_parse_stft(&a, &c)) || (m = cli_parse_mel(&a, &c)) ||
            (m = cli_parse_threads(&a, &c))) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if ((m = cli_match(&a, "--n-mfcc", 1)) != 0) {
            if (m < 0 || cli_size("--n-mfcc", a.value, 1, 100000, &n_mfcc))
                return EXIT_USAGE;
            continue;
        }
        if ((m = cli_match(&a, "--lifter", 1)) != 0) {
            if (m < 0 || cli_double("--lifter", a.value, 0, 1e6, &lifter))
                return EXIT_USAGE;
            continue;
        }
        if (cli_parse_positional(&a, &c) < 0)
            return EXIT_USAGE;
    }
    if (cli_check_paths(&c, 1) || cli_check_feature_stft(&c) || cli_check_threads(&c))
        return EXIT_USAGE;
    if (n_mfcc > c.mel.n_mels) {
        cli_error("--n-mfcc", "%zu is more than --n-mels %zu", n_mfcc,
                  c.mel.n_mels);
        return EXIT_USAGE;
    }

    int err = SONO_OK, r;
    mfcc_map map = {{{0}, 0}, NULL, NULL};
    if (cli_check_output(&c))
        return EXIT_FAIL;
    int open_status;
    sono_source *src = cli_open_audio(&c, &open_status);
    if (!src)
        return open_status;
    double peak = 0.0;
    sono_npy_writer *w = cli_new_npy(&c, SONO_DTYPE_F32, c.mel.n_mels);
    r = w ? cli_mel_stream(&c, src, 2, w, &peak) : EXIT_FAIL;
    if (r == 0) {
        cli_db db;
        cli_db_init(&db);
        r = EXIT_FAIL;
        map.mfcc = sono_mfcc_new(c.mel.n_mels, n_mfcc, lifter, &err);
        map.mel_db = malloc(c.mel.n_mels * sizeof(float));
        if (!map.mfcc || !map.mel_db)
            cli_error(c.input, "%s", sono_strerror(map.mfcc ? SONO_ERR_NOMEM : err));
        else if (!cli_db_prepare(c.input, &map.db, &db, peak, c.mel.n_mels) &&
                 !cli_finish_npy(&c, w, to_mfcc, &map, n_mfcc, SONO_DTYPE_F32))
            r = 0;
    }
    sono_mfcc_free(map.mfcc);
    free(map.mel_db);
    sono_npy_writer_free(w);
    sono_source_close(src);
    return r;
}
