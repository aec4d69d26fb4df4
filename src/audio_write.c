#define _POSIX_C_SOURCE 200809L
/* Writing WAV and FLAC with libsndfile, atomically, clipping to [-1, 1].
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "sndfile_lib.h"

#define CHUNK 4096

struct sono_writer {
    sono__atomic_file file;
    const sono__sndfile *lib;
    SNDFILE *sf;
    int channels;
    uint64_t clipped;
    float *scratch;
};

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

sono_writer *sono_writer_open(const char *path, sono_container c,
                              sono_sample_format f, int channels,
                              double sample_rate, int *err)
{
    int status = SONO_ERR_INVALID;
    sono_writer *w = NULL;
    if (!path || channels < 1 || channels > 1024 || !(sample_rate >= 1) ||
        sample_rate > 2147483647.0 || sample_rate != floor(sample_rate))
        goto fail;
    if (c == SONO_CONTAINER_AUTO)
        c = ends_with(path, ".flac") ? SONO_CONTAINER_FLAC : SONO_CONTAINER_WAV;
    int format = c == SONO_CONTAINER_FLAC ? SF_FORMAT_FLAC : SF_FORMAT_WAV;
    switch (f) {
    case SONO_SAMPLE_FLOAT:
        if (c == SONO_CONTAINER_FLAC)
            goto fail; /* FLAC stores integers only */
        format |= SF_FORMAT_FLOAT;
        break;
    case SONO_SAMPLE_PCM16: format |= SF_FORMAT_PCM_16; break;
    case SONO_SAMPLE_PCM24: format |= SF_FORMAT_PCM_24; break;
    default: goto fail;
    }
    const sono__sndfile *lib = sono__sndfile_lib();
    status = SONO_ERR_LIBRARY;
    if (!lib)
        goto fail;
    status = SONO_ERR_NOMEM;
    if (!(w = sono__calloc(1, sizeof *w)))
        goto fail;
    w->lib = lib;
    w->channels = channels;
    if (!(w->scratch = sono__malloc_array2(CHUNK, (size_t)channels,
                                           sizeof(float))))
        goto fail;
    if ((status = sono__atomic_open(&w->file, path)) != SONO_OK)
        goto fail;
    SF_INFO info;
    memset(&info, 0, sizeof info);
    info.samplerate = (int)sample_rate;
    info.channels = channels;
    info.format = format;
    status = SONO_ERR_IO;
    if (!(w->sf = lib->open_fd(fileno(w->file.fp), SFM_WRITE, &info, 0)))
        goto fail;
    /* libsndfile adds a PEAK chunk to float files, stamped with the time of
     * writing: without it, the same samples make the same file. */
    lib->command(w->sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
    return w;
fail:
    sono_writer_close(w);
    if (err)
        *err = status;
    return NULL;
}

int sono_writer_write(sono_writer *w, const float *x, size_t frames)
{
    if (!w || !w->sf || (!x && frames))
        return SONO_ERR_INVALID;
    while (frames > 0) {
        size_t n = frames < CHUNK ? frames : CHUNK;
        size_t m = n * (size_t)w->channels;
        for (size_t i = 0; i < m; i++) {
            float v = x[i];
            if (!(v <= 1.0f && v >= -1.0f)) {
                v = v > 1.0f ? 1.0f : v < -1.0f ? -1.0f : 0.0f; /* NaN: 0 */
                w->clipped++;
            }
            w->scratch[i] = v;
        }
        if (w->lib->writef_float(w->sf, w->scratch, (sf_count_t)n) != (sf_count_t)n)
            return SONO_ERR_IO;
        x += m;
        frames -= n;
    }
    return SONO_OK;
}

uint64_t sono_writer_clipped(const sono_writer *w)
{
    return w ? w->clipped : 0;
}

int sono_writer_commit(sono_writer *w)
{
    if (!w || !w->sf)
        return SONO_ERR_STATE;
    w->lib->write_sync(w->sf);
    int bad = w->lib->error(w->sf) != SF_ERR_NO_ERROR;
    w->lib->close(w->sf);
    w->sf = NULL;
    if (bad) {
        sono__atomic_abort(&w->file);
        return SONO_ERR_IO;
    }
    return sono__atomic_commit(&w->file);
}

void sono_writer_close(sono_writer *w)
{
    if (!w)
        return;
    if (w->sf)
        w->lib->close(w->sf);
    sono__atomic_abort(&w->file);
    sono__free(w->scratch);
    sono__free(w);
}
