/* Whole-input analyses on librosa's dB mel spectrogram, whose floor (top_db
 * 80 below the peak of the whole spectrogram) is known only at the end:
 * the onset envelope (`features --kind onset`, `tempo`) and any per-frame
 * feature taken from the dB frames (`similarity`).
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The mel power frames are spooled (in memory, then an unlinked temporary
 * file) while the peak is tracked, then handed out in dB, in order. */
#include <errno.h>
#include <stdlib.h>

#include "cli.h"

typedef struct db_frames {
    sono_db db;
    float *frame_db;
    size_t bands, t, frames;
    cli_db_frame_fn fn;
    void *ctx;
} db_frames;

static int db_frames_column(void *ctx, const void *column)
{
    db_frames *j = ctx;
    sono_db_apply(&j->db, column, j->frame_db, j->bands);
    return j->fn(j->ctx, j->frame_db, j->bands, j->t++, j->frames);
}

int cli_mel_db_frames(cli_common *c, sono_source *src, cli_db_frame_fn fn, void *ctx)
{
    int err = SONO_OK, r;
    double peak = 0.0;
    sono_npy_writer *w = sono_npy_writer_new(NULL, SONO_DTYPE_F32, c->mel.n_mels, &err);
    if (!w) {
        cli_error(c->input, "%s", sono_strerror(err));
        return EXIT_FAIL;
    }
    if ((r = cli_mel_stream(c, src, 2, w, &peak)) != 0)
        goto done;
    r = EXIT_FAIL;
    size_t n = sono_npy_writer_columns(w);
    if (n == 0) {
        cli_error(c->input, "has no frames");
        goto done;
    }
    /* librosa.power_to_db's defaults: ref 1.0, amin 1e-10, top_db 80. */
    sono_db_params dp;
    sono_db_params_default(&dp, 0);
    db_frames job = {{0}, NULL, c->mel.n_mels, 0, n, fn, ctx};
    if (sono_db_prepare(&job.db, &dp, peak) != SONO_OK) {
        cli_error(c->input, "cannot convert to dB (peak %g)", peak);
        goto done;
    }
    if (!(job.frame_db = malloc(job.bands * sizeof *job.frame_db))) {
        cli_error(c->input, "%s", sono_strerror(SONO_ERR_NOMEM));
        goto done;
    }
    errno = 0;
    err = sono_npy_writer_each(w, db_frames_column, &job);
    free(job.frame_db);
    if (err != SONO_OK) {
        cli_error(c->input, "%s", sono_strerror(err));
        goto done;
    }
    r = 0;
done:
    sono_npy_writer_free(w);
    return r;
}

typedef struct onset_job {
    sono_onset *onset;
    float *env;
    size_t frames;
} onset_job;

static int push_onset(void *ctx, const float *frame_db, size_t bands, size_t t, size_t n)
{
    onset_job *j = ctx;
    (void)bands;
    if (t == 0 && !(j->env = malloc(n * sizeof *j->env)))
        return SONO_ERR_NOMEM;
    j->frames = n;
    j->env[t] = sono_onset_push(j->onset, frame_db);
    return 0;
}

float *cli_onset_envelope(cli_common *c, const sono_onset_params *op,
                          sono_source *src, size_t *frames, int *status)
{
    int err = SONO_OK;
    onset_job j = {sono_onset_new(op, c->mel.n_mels, c->stft.n_fft, c->stft.hop_length, &err),
                   NULL, 0};
    if (!j.onset) {
        cli_error(c->input, "%s", sono_strerror(err));
        *status = EXIT_FAIL;
        return NULL;
    }
    *status = cli_mel_db_frames(c, src, push_onset, &j);
    *frames = j.frames;
    sono_onset_free(j.onset);
    if (*status != 0) {
        free(j.env);
        return NULL;
    }
    return j.env;
}
