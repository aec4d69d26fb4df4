/* --weighting a: librosa.perceptual_weighting on dB mel bands, for `sono
 * mel --db` and `sono render --scale mel`.  SPDX-License-Identifier:
 * GPL-3.0-or-later
 *
 * perceptual_weighting adds A_weighting(frequencies) (floored at -80 dB) to
 * power_to_db(S) row by row.  For a mel spectrogram librosa's frequencies
 * are mel_frequencies(n_mels, fmin, fmax, htk): n_mels points from fmin to
 * fmax, not the filters' peaks, and that is what is used here. */
#include <stdlib.h>

#include "cli.h"

/* librosa.A_weighting's default floor. */
#define A_MIN_DB (-80.0)

int cli_parse_weighting(cli_args *a, int *weighting)
{
    static const char *const names[] = {"a"};
    int m = cli_match(a, "--weighting", 1), i;
    if (m <= 0)
        return m;
    if (cli_choice("--weighting", a->value, names, 1, &i))
        return -1;
    *weighting = 1;
    return 1;
}

double *cli_mel_weighting(const sono_mel_params *mel, double sample_rate, size_t rows)
{
    double fmax = mel->fmax > 0 ? mel->fmax : sample_rate / 2.0;
    double *w = malloc(rows * sizeof *w);
    if (!w)
        return NULL;
    sono_mel_frequencies(rows, mel->fmin, fmax, mel->htk, w);
    sono_a_weighting(w, rows, A_MIN_DB, w);
    return w;
}

typedef struct weighted_map {
    cli_db_map db;
    const double *offset;
} weighted_map;

/* dB as --db makes it, then the weighting added in double, as numpy adds
 * librosa's float64 curve to a float32 dB matrix. */
static int weighted_column(void *ctx, const void *in, void *out)
{
    weighted_map *m = ctx;
    float *v = out;
    cli_db_column(&m->db, in, out);
    for (size_t i = 0; i < m->db.rows; i++)
        v[i] = (float)((double)v[i] + m->offset[i]);
    return 0;
}

int cli_finish_npy_weighted(const cli_common *c, sono_npy_writer *w, const cli_db *d,
                            double peak, size_t rows, const double *offset)
{
    weighted_map map = {{{0}, 0}, offset};
    return cli_db_prepare(c->input, &map.db, d, peak, rows) ||
                   cli_finish_npy(c, w, weighted_column, &map, rows, SONO_DTYPE_F32)
               ? -1
               : 0;
}
