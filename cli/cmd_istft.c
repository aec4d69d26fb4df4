/* sono istft: a complex STFT .npy (bins x frames) back to audio, as
 * librosa.istft.  SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define BLOCK 8192

static void help(void)
{
    printf("usage: sono istft IN.npy -o OUT.wav --sr RATE [stft] [--length N] [--pcm 16|24]\n\n"
           "The inverse STFT of a complex64 bins x frames matrix (as written by\n"
           "'sono stft') as librosa.istft, written as WAV or FLAC (by the name).\n\n"
           "  -o, --output FILE    the audio file to write (required)\n"
           "  --sr RATE            sample rate of the output (required)\n"
           "  --length N           exact number of samples (default: from the frames)\n"
           "  --pcm 16|24          integer samples (default: float32 for WAV, 24 for FLAC)\n\n"
           "%s  (--n-fft defaults to 2 * (bins - 1); give it for an odd FFT size;\n"
           "   --pad-mode does not apply to the inverse)\n", cli_help_stft);
}

static int write_samples(const cli_common *c, sono_writer *wr, const float *x,
                         size_t n)
{
    if (cli_check_overflow(c->input, x, n, "the output signal"))
        return 1;
    int err = sono_writer_write(wr, x, n);
    if (err != SONO_OK)
        cli_error(c->output, "cannot write: %s", sono_strerror(err));
    return err != SONO_OK;
}

int cmd_istft(int argc, char **argv)
{
    cli_common c;
    cli_args a = {argc, argv, 1, NULL};
    size_t length = 0, pcm = 0;
    int m, n_fft_given = 0;
    cli_common_init(&c);
    while (a.i < argc) {
        if (strcmp(argv[a.i], "-h") == 0 || strcmp(argv[a.i], "--help") == 0) {
            help();
            return 0;
        }
        if (strncmp(argv[a.i], "--n-fft", 7) == 0)
            n_fft_given = 1;
        if ((m = cli_parse_output(&a, &c)) || (m = cli_parse_stft(&a, &c))) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if ((m = cli_parse_synthesis(&a, &c, &length)) != 0) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if ((m = cli_parse_pcm(&a, &pcm)) != 0) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if (cli_parse_positional(&a, &c) < 0)
            return EXIT_USAGE;
    }
    if (cli_check_paths(&c, 1) || cli_check_synthesis(&c))
        return EXIT_USAGE;

    if (cli_check_output(&c))
        return EXIT_FAIL;
    int err = SONO_OK;
    sono_npy_reader *rd = sono_npy_reader_open(c.input, &err);
    if (!rd) {
        cli_npy_error(c.input, err, 1);
        return EXIT_FAIL;
    }
    sono_dtype dt;
    size_t rows, cols;
    sono_npy_reader_shape(rd, &dt, &rows, &cols);
    int r = EXIT_FAIL;
    sono_writer *wr = NULL;
    sono_istft *is = NULL;
    sono_complex *frame = NULL;
    float *out = NULL;
    if (dt != SONO_DTYPE_C64) {
        cli_error(c.input, "holds real values; istft needs the complex STFT "
                  "('sono stft' without --magnitude/--power/--db)");
        goto done;
    }
    if (rows < 2) {
        cli_error(c.input, "is not an STFT matrix: %zu row (an STFT has n_fft/2 + 1 "
                  "rows, at least 2)", rows);
        goto done;
    }
    if (!n_fft_given)
        c.stft.n_fft = 2 * (rows - 1);
    if (sono_stft_bins(&c.stft) != rows) {
        cli_error(n_fft_given ? "--n-fft" : c.input,
                  "%zu rows do not match an FFT size of %zu (which has %zu bins)",
                  rows, c.stft.n_fft, sono_stft_bins(&c.stft));
        r = EXIT_USAGE;
        goto done;
    }
    if (cli_check_stft(&c)) {
        r = EXIT_USAGE;
        goto done;
    }
    is = sono_istft_new(&c.stft, length, &err);
    frame = malloc(rows * sizeof *frame);
    out = malloc(BLOCK * sizeof *out);
    if (!is || !frame || !out) {
        cli_error(c.input, "%s", sono_strerror(is ? SONO_ERR_NOMEM : err));
        goto done;
    }
    wr = sono_writer_open(c.output, SONO_CONTAINER_AUTO,
                          cli_sample_format(c.output, pcm),
                          1, c.audio.sample_rate, &err);
    if (!wr) {
        cli_error(c.output, "cannot create: %s", sono_strerror(err));
        goto done;
    }
    size_t got;
    while ((err = sono_npy_reader_next(rd, frame)) == 1) {
        if (sono_check_finite((const float *)frame, 2 * rows, NULL) != SONO_OK) {
            cli_error(c.input, "contains NaN or infinite values");
            goto done;
        }
        if ((err = sono_istft_push(is, frame)) != SONO_OK) {
            cli_error(c.input, "%s", sono_strerror(err));
            goto done;
        }
        while ((got = sono_istft_pull(is, out, BLOCK)) > 0)
            if (write_samples(&c, wr, out, got))
                goto done;
    }
    if (err < 0) {
        cli_error(c.input, "truncated or unreadable data");
        goto done;
    }
    sono_istft_finish(is);
    while ((got = sono_istft_pull(is, out, BLOCK)) > 0)
        if (write_samples(&c, wr, out, got))
            goto done;
    uint64_t clipped = sono_writer_clipped(wr);
    if ((err = sono_writer_commit(wr)) != SONO_OK) {
        cli_error(c.output, "cannot write: %s", sono_strerror(err));
        goto done;
    }
    if (clipped)
        cli_warn(c.output, "%llu samples outside [-1, 1] were clipped",
                 (unsigned long long)clipped);
    r = 0;
done:
    sono_writer_close(wr);
    sono_istft_free(is);
    sono_npy_reader_close(rd);
    free(frame);
    free(out);
    return r;
}
