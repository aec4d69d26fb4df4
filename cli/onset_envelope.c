/* The onset envelope of a whole input in memory, as `features --kind onset`
 * writes it and `tempo` reads it.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * librosa's onset strength is taken on power_to_db(mel power) with top_db
 * 80, whose floor is 80 dB under the peak of the whole spectrogram: the mel
 * frames are spooled (in memory, then an unlinked temporary file) while the
 * peak is tracked, then turned into dB and differenced in order.  What stays
 * in memory is one float per frame. */
#include <errno.h>
#include <stdlib.h>

#include "cli.h"

typedef struct onset_job {
    sono_db db;
    sono_onset *onset;
    float *frame_db;
    size_t bands;
    float *env;
    size_t n;
} onset_job;

static int onset_column(void *ctx, const void *column)
{
    onset_job *j = ctx;
    sono_db_apply(&j->db, column, j->frame_db, j->bands);
    j->env[j->n++] = sono_onset_push(j->onset, j->frame_db);
    return 0;
}

float *cli_onset_envelope(cli_common *c, const sono_onset_params *op,
                          sono_source *src, size_t *frames, int *status)
{
    int err = SONO_OK;
    double peak = 0.0;
    onset_job j = {{0}, NULL, NULL, c->mel.n_mels, NULL, 0};
    *status = EXIT_FAIL;
    sono_npy_writer *w = sono_npy_writer_new(NULL, SONO_DTYPE_F32, j.bands, &err);
    if (!w) {
        cli_error(c->input, "%s", sono_strerror(err));
        return NULL;
    }
    if ((*status = cli_mel_stream(c, src, 2, w, &peak)) != 0)
        goto fail;
    *status = EXIT_FAIL;
    /* librosa.power_to_db's defaults: ref 1.0, amin 1e-10, top_db 80. */
    sono_db_params dp;
    sono_db_params_default(&dp, 0);
    if (sono_db_prepare(&j.db, &dp, peak) != SONO_OK) {
        cli_error(c->input, "cannot convert to dB (peak %g)", peak);
        goto fail;
    }
    size_t n = sono_npy_writer_columns(w);
    if (n == 0) {
        cli_error(c->input, "has no frames");
        goto fail;
    }
    j.onset = sono_onset_new(op, j.bands, c->stft.n_fft, c->stft.hop_length, &err);
    j.frame_db = malloc(j.bands * sizeof *j.frame_db);
    j.env = malloc(n * sizeof *j.env);
    if (!j.onset || !j.frame_db || !j.env) {
        cli_error(c->input, "%s", sono_strerror(j.onset ? SONO_ERR_NOMEM : err));
        goto fail;
    }
    errno = 0;
    if ((err = sono_npy_writer_each(w, onset_column, &j)) != SONO_OK) {
        cli_error(c->input, "reading back the spooled mel frames: %s", sono_strerror(err));
        goto fail;
    }
    sono_npy_writer_free(w);
    sono_onset_free(j.onset);
    free(j.frame_db);
    *frames = j.n;
    *status = 0;
    return j.env;
fail:
    sono_npy_writer_free(w);
    sono_onset_free(j.onset);
    free(j.frame_db);
    free(j.env);
    return NULL;
}
