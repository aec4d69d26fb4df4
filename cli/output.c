/* Writing .npy and PNG results, with errors named by the output path.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

sono_npy_writer *cli_new_npy(const cli_common *c, sono_dtype dt, size_t rows)
{
    int err = SONO_OK;
    sono_npy_writer *w = sono_npy_writer_new(c->output, dt, rows, &err);
    if (!w)
        cli_error(c->output, "%s", sono_strerror(err));
    return w;
}

int cli_finish_npy(const cli_common *c, sono_npy_writer *w, sono_column_map map,
                   void *ctx, size_t out_rows, sono_dtype out_dtype)
{
    errno = 0;
    int err = sono_npy_writer_finish(w, map, ctx, out_rows, out_dtype);
    if (err == SONO_OK)
        return 0;
    if (err == SONO_ERR_IO)
        cli_error(c->output, "cannot write: %s", strerror(errno ? errno : EIO));
    else
        cli_error(c->output, "%s", sono_strerror(err));
    return -1;
}

int cli_push_column(const cli_common *c, sono_npy_writer *w, const void *column,
                    size_t n, double *peak)
{
    const float *v = column;
    if (cli_check_overflow(c->input, v, n, "the spectrogram"))
        return 1;
    if (peak) {
        /* In a local, so that the loop does not store through peak at
         * every value (and vectorises); the peak is one of the floats. */
        float m = (float)*peak;
        for (size_t i = 0; i < n; i++)
            m = v[i] > m ? v[i] : m;
        *peak = m;
    }
    int err = sono_npy_writer_push(w, column);
    if (err != SONO_OK)
        cli_error(c->output, "cannot write: %s", sono_strerror(err));
    return err != SONO_OK;
}

sono_sample_format cli_sample_format(const char *output, size_t pcm)
{
    if (pcm == 16)
        return SONO_SAMPLE_PCM16;
    if (pcm == 24 || strstr(output, ".flac"))
        return SONO_SAMPLE_PCM24;
    return SONO_SAMPLE_FLOAT;
}

int cli_write_error(const char *path, int status)
{
    if (status == SONO_ERR_IO)
        cli_error(path, "cannot write: %s", strerror(errno ? errno : EIO));
    else
        cli_error(path, "%s", sono_strerror(status));
    return EXIT_FAIL;
}

int cli_save_png(const cli_common *c, const sono_image *im)
{
    errno = 0;
    int err = sono_png_save(c->output, im);
    return err == SONO_OK ? 0 : cli_write_error(c->output, err);
}

int cli_save_picture(const cli_common *c, const sono_image *im)
{
    errno = 0;
    int err = sono_png_save_picture(c->output, im);
    return err == SONO_OK ? 0 : cli_write_error(c->output, err);
}

int cli_write_audio(const char *input, const char *path, size_t pcm, double sample_rate,
                    const float *y, size_t n)
{
    int err;
    if (cli_check_overflow(input, y, n, "the output signal"))
        return EXIT_FAIL;
    sono_writer *wr = sono_writer_open(path, SONO_CONTAINER_AUTO, cli_sample_format(path, pcm),
                                       1, sample_rate, &err);
    if (!wr) {
        cli_error(path, "cannot create: %s", sono_strerror(err));
        return EXIT_FAIL;
    }
    if ((err = sono_writer_write(wr, y, n)) != SONO_OK ||
        (err = sono_writer_commit(wr)) != SONO_OK) {
        cli_error(path, "cannot write: %s", sono_strerror(err));
        sono_writer_close(wr);
        return EXIT_FAIL;
    }
    if (sono_writer_clipped(wr))
        cli_warn(path, "%llu samples outside [-1, 1] were clipped",
                 (unsigned long long)sono_writer_clipped(wr));
    sono_writer_close(wr);
    return 0;
}

void cli_json_string(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            printf("\\%c", ch);
        else if (ch < 0x20)
            printf("\\u%04x", ch);
        else
            putchar(ch);
    }
    putchar('"');
}
