/* `sono render` of an audio file to a picture of a given size in two
 * passes, in memory that does not grow with the track.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The picture's dB scale is relative to the spectrogram's peak, known only
 * at the end, so the plain way keeps the whole matrix: 1.8 MB for 5 s at
 * n_fft 2048, a gigabyte for an hour (beyond the picture limit).  Here the
 * first pass finds the peak and counts the frames, and the second turns
 * each block into relative dB and streams it into the timeline (the
 * library's sono_timeline), which holds a few columns.  The STFT twice
 * costs less than the pages of the matrix (a short render spent most of its
 * time on their first touch), and the numbers are the same bit for bit. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "render_layout.h"

/* Frames a pull delivers into the scratch block. */
#define SCRATCH_FRAMES 64

typedef struct stream_pass {
    const cli_common *c;
    size_t rows;
    float *scratch;         /* SCRATCH_FRAMES x rows, where the STFT writes */
    uint32_t top;           /* pass 1: the largest |value|'s bits */
    size_t frames;
    sono_db db;             /* pass 2: relative dB from the peak */
    sono_timeline *timeline;
} stream_pass;

int render_can_stream(const char *input)
{
    struct stat st;
    return stat(input, &st) == 0 && S_ISREG(st.st_mode);
}

static void *into_scratch(void *ctx, size_t *frames)
{
    stream_pass *p = ctx;
    if (*frames > SCRATCH_FRAMES)
        *frames = SCRATCH_FRAMES;
    return p->scratch;
}

/* Pass 1: the peak as sono_to_db finds it (for |x|, the bits order as the
 * values), refusing values beyond float32 as the collected path does. */
static int find_peak(void *ctx, const void *frames, size_t count)
{
    stream_pass *p = ctx;
    const float *v = frames;
    size_t n = count * p->rows;
    if (cli_check_overflow(p->c->input, v, n, "the spectrogram"))
        return -1;
    uint32_t top = p->top;
    for (size_t i = 0; i < n; i++) {
        uint32_t b;
        memcpy(&b, &v[i], sizeof b);
        b &= 0x7fffffffu;
        top = b > top ? b : top;
    }
    p->top = top;
    p->frames += count;
    return 0;
}

/* Pass 2: relative dB, in place in the scratch block, into the timeline. */
static int draw_frames(void *ctx, const void *frames, size_t count)
{
    stream_pass *p = ctx;
    (void)frames; /* the scratch block, which into_scratch gave */
    if (count > p->frames) {
        cli_error(p->c->input, "changed while it was being read: more frames than before");
        return -1;
    }
    p->frames -= count;
    sono_db_apply(&p->db, p->scratch, p->scratch, count * p->rows);
    int err = sono_timeline_push(p->timeline, p->scratch, count);
    if (err != SONO_OK)
        cli_error(p->c->input, "cannot draw the picture: %s", sono_strerror(err));
    return err != SONO_OK;
}

int render_stream_db(const cli_common *c, sono_source *src, const cli_stft_out *what,
                     size_t rows, int amplitude, double top_db, size_t w, size_t h,
                     float *picture, size_t *frames, size_t *samples)
{
    stream_pass p;
    memset(&p, 0, sizeof p);
    p.c = c;
    p.rows = rows;
    cli_stft_out into = *what;
    into.target = into_scratch;
    sono_source *again = NULL;
    int r = -1, err = SONO_OK;
    if (!(p.scratch = malloc(SCRATCH_FRAMES * rows * sizeof *p.scratch))) {
        cli_error(c->input, "%s", sono_strerror(SONO_ERR_NOMEM));
        return -1;
    }
    if (cli_run_stft_blocks(c, src, &into, find_peak, &p, samples))
        goto done;
    *frames = p.frames;
    float peak;
    memcpy(&peak, &p.top, sizeof peak);
    sono_db_params dp;
    sono_db_params_default(&dp, amplitude);
    dp.ref_is_max = 1;
    dp.top_db = top_db;
    if ((err = sono_db_prepare(&p.db, &dp, (double)peak)) != SONO_OK ||
        !(p.timeline = sono_timeline_new(p.frames, rows, w, h, picture, &err))) {
        cli_error(c->input, "cannot draw the picture: %s", sono_strerror(err));
        goto done;
    }
    if (!(again = cli_reopen_audio(c)) ||
        cli_run_stft_blocks(c, again, &into, draw_frames, &p, NULL))
        goto done;
    if (p.frames != 0) {
        cli_error(c->input, "changed while it was being read: fewer frames than before");
        goto done;
    }
    r = 0;
done:
    sono_source_close(again);
    sono_timeline_free(p.timeline);
    free(p.scratch);
    return r;
}
