/* sono stft: the complex STFT, or its magnitude, power or dB, as .npy.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { OUT_COMPLEX, OUT_MAGNITUDE, OUT_POWER };

typedef struct stft_job {
    int kind;
    size_t bins;
    double peak;
    sono_npy_writer *w;
    const cli_common *c;
} stft_job;

static int on_frames(void *ctx, const void *frames, size_t count)
{
    stft_job *j = ctx;
    for (size_t t = 0; t < count; t++) {
        /* Complex columns are checked for overflow as float pairs. */
        int r = j->kind == OUT_COMPLEX
                    ? cli_push_column(j->c, j->w, (const sono_complex *)frames + t * j->bins,
                                      2 * j->bins, NULL)
                    : cli_push_column(j->c, j->w, (const float *)frames + t * j->bins,
                                      j->bins, &j->peak);
        if (r)
            return -1;
    }
    return 0;
}

static void help(void)
{
    printf("usage: sono stft IN -o OUT.npy [audio] [stft] [--magnitude | --power | --db]\n\n"
           "The short-time Fourier transform of IN as librosa.stft: a bins x frames\n"
           "matrix, complex64 unless a magnitude flag is given (then float32).\n\n"
           "output:\n"
           "  -o, --output FILE    the .npy to write (required)\n"
           "  --magnitude          |S|\n"
           "  --power              |S|^2\n"
           "  --db                 amplitude_to_db(|S|): ref 1.0, amin 1e-5, top_db 80\n"
           "%s\n%s\n%s%s", cli_help_db, cli_help_audio, cli_help_stft, cli_help_threads);
}

int cmd_stft(int argc, char **argv)
{
    cli_common c;
    cli_db db;
    cli_args a = {argc, argv, 1, NULL};
    int kind = OUT_COMPLEX, flags = 0, m;
    cli_common_init(&c);
    cli_db_init(&db);
    db.params.amplitude = 1;
    while (a.i < argc) {
        if (strcmp(argv[a.i], "-h") == 0 || strcmp(argv[a.i], "--help") == 0) {
            help();
            return 0;
        }
        if ((m = cli_parse_output(&a, &c)) || (m = cli_parse_audio(&a, &c)) ||
            (m = cli_parse_stft(&a, &c)) || (m = cli_parse_threads(&a, &c)) ||
            (m = cli_parse_db(&a, &db))) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if (cli_match(&a, "--magnitude", 0)) {
            kind = OUT_MAGNITUDE;
            flags++;
            continue;
        }
        if (cli_match(&a, "--power", 0)) {
            kind = OUT_POWER;
            flags++;
            continue;
        }
        if (cli_parse_positional(&a, &c) < 0)
            return EXIT_USAGE;
    }
    if (db.enabled) {
        kind = OUT_MAGNITUDE;
        flags++;
    }
    if (flags > 1) {
        cli_error("--db", "choose one of --magnitude, --power and --db");
        return EXIT_USAGE;
    }
    if (cli_check_db(&db) || cli_check_paths(&c, 1) || cli_check_stft(&c) ||
        cli_check_threads(&c))
        return EXIT_USAGE;

    if (cli_check_output(&c))
        return EXIT_FAIL;
    int open_status;
    sono_source *src = cli_open_audio(&c, &open_status);
    if (!src)
        return open_status;
    stft_job j = {kind, sono_stft_bins(&c.stft), 0.0, NULL, &c};
    cli_stft_out what = {kind == OUT_MAGNITUDE ? 1 : kind == OUT_POWER ? 2 : 0, NULL, NULL, NULL};
    int r = EXIT_FAIL;
    j.w = cli_new_npy(&c, kind == OUT_COMPLEX ? SONO_DTYPE_C64 : SONO_DTYPE_F32,
                      j.bins);
    if (!j.w || cli_run_stft_blocks(&c, src, &what, on_frames, &j, NULL))
        goto done;
    if (cli_finish_npy_db(&c, j.w, &db, j.peak, j.bins))
        goto done;
    r = 0;
done:
    sono_npy_writer_free(j.w);
    sono_source_close(src);
    return r;
}
