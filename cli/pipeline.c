/* The streaming path every analysis command shares: decode -> mono ->
 * resample -> STFT frames in blocks, computed on --threads and reduced to
 * magnitudes, powers or bands as they are, in constant memory, with errors
 * named by file.  SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cli.h"

#define BLOCK 8192

void cli_audio_error(const char *path, int status)
{
    struct stat st;
    if (status != SONO_ERR_FORMAT)
        cli_file_error(path, status);
    else if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0)
        cli_error(path, "is empty (0 bytes): not an audio file");
    else
        cli_error(path, "not an audio file that can be read (corrupt, "
                  "unsupported, or declaring 0 channels or 0 Hz)");
}

int cli_check_overflow(const char *input, const float *v, size_t n, const char *what)
{
    if (sono_check_finite(v, n, NULL) == SONO_OK)
        return 0;
    cli_error(input, "%s overflows float32 (values beyond 3.4e38): the input's "
              "values are too large for it", what);
    return -1;
}

/* The audio calls, with decoders' notes silenced (quiet.c). */
static size_t read_quietly(sono_source *src, float *block, size_t n, int *err)
{
    cli_quiet_begin();
    size_t got = sono_source_read(src, block, n, err);
    cli_quiet_end();
    return got;
}

static sono_source *open_quietly(const cli_common *c, int *err)
{
    cli_quiet_begin();
    sono_source *src = sono_source_open(c->input, &c->audio, err);
    cli_quiet_end();
    return src;
}

void cli_probe_error(const char *path, int err, const sono_audio_info *info)
{
    if (err != SONO_ERR_TOO_LARGE)
        cli_audio_error(path, err);
    else if (info->channels > 0)
        cli_error(path, "%d channels, more than the limit of %d", info->channels,
                  SONO_MAX_CHANNELS);
    else
        cli_error(path, "more channels than the limit of %d", SONO_MAX_CHANNELS);
}

static uint64_t sample_limit(const cli_common *c)
{
    return c->audio.max_samples > 0 ? c->audio.max_samples : SONO_MAX_SAMPLES;
}

/* The source's limits against the header: one line naming the count. */
static int check_limits(const cli_common *c, const sono_audio_info *info)
{
    int64_t samples;
    int most = c->audio.max_channels > 0 ? c->audio.max_channels : SONO_MAX_CHANNELS;
    if (sono_source_check(info, &c->audio, &samples) != SONO_ERR_TOO_LARGE)
        return 0;
    if (info->channels > most)
        cli_error(c->input, "%d channels, more than the limit of %d",
                  info->channels, most);
    else
        cli_error(c->input, "%lld samples, more than the limit of %llu",
                  (long long)samples, (unsigned long long)sample_limit(c));
    return -1;
}

/* A failed sono_source_read, after total samples, in one line. */
static void read_error(const cli_common *c, int err, uint64_t total)
{
    if (err == SONO_ERR_NONFINITE)
        cli_error(c->input, "contains NaN or infinite samples (in samples %llu "
                  "to %llu)", (unsigned long long)total,
                  (unsigned long long)total + BLOCK - 1);
    else if (err == SONO_ERR_TOO_LARGE)
        cli_error(c->input, "more samples than the limit of %llu (more than its "
                  "header declares)", (unsigned long long)sample_limit(c));
    else
        cli_error(c->input, "decoding failed after %llu samples: %s",
                  (unsigned long long)total, sono_strerror(err));
}

sono_source *cli_open_audio(const cli_common *c, int *status)
{
    sono_audio_info info;
    cli_quiet_begin();
    int err = sono_audio_probe(c->input, &info);
    cli_quiet_end();
    *status = EXIT_FAIL;
    if (err != SONO_OK) {
        cli_probe_error(c->input, err, &info);
        return NULL;
    }
    if (check_limits(c, &info))
        return NULL;
    if (c->audio.channel >= info.channels) {
        cli_error("--channel", "%d is out of range: '%s' has %d channel%s "
                  "(0 to %d)", c->audio.channel, c->input, info.channels,
                  info.channels == 1 ? "" : "s", info.channels - 1);
        *status = EXIT_USAGE;
        return NULL;
    }
    if (info.truncated)
        cli_warn(c->input, "truncated: the header declares more audio than the "
                 "file holds; reading the %lld frames that are there",
                 (long long)info.frames);
    sono_source *src = open_quietly(c, &err);
    if (!src)
        cli_audio_error(c->input, err);
    return src;
}

/* Pulls every frame that is ready, a block at a time, and hands each block
 * on; 0, or -1 when the callback stopped, or a negative library code in
 * *err. */
static int drain(sono_stft *st, const cli_stft_out *what, void *buf, cli_frames_fn fn,
                 void *ctx, size_t *frames, int *err)
{
    int r;
    for (;;) {
        size_t max = sono_stft_block(st);
        void *dst = what->target ? what->target(ctx, &max) : NULL;
        void *into = dst ? dst : buf;
        if (what->mel)
            r = sono_stft_pull_mel(st, what->mel, what->power, into, max);
        else if (what->log)
            r = sono_stft_pull_logfreq(st, what->log, what->power, into, max);
        else if (what->power)
            r = sono_stft_pull_spectrum(st, what->power, into, max);
        else
            r = sono_stft_pull_block(st, into, max);
        if (r <= 0) {
            *err = r;
            return 0;
        }
        *frames += (size_t)r;
        if (fn(ctx, into, (size_t)r))
            return -1;
    }
}

/* Values a frame of the output has: bins, or the bank's bands. */
static size_t out_rows(const cli_common *c, const cli_stft_out *what)
{
    if (what->mel)
        return sono_mel_bands(what->mel);
    if (what->log)
        return sono_logfreq_bands(what->log);
    return sono_stft_bins(&c->stft);
}

int cli_run_stft_blocks(const cli_common *c, sono_source *src, const cli_stft_out *what,
                        cli_frames_fn fn, void *ctx, size_t *samples)
{
    int err = SONO_OK, r = 0;
    size_t total = 0, frames = 0;
    size_t esize = what->power || what->mel || what->log ? sizeof(float) : sizeof(sono_complex);
    sono_stft *st = sono_stft_new_block(&c->stft, 0, c->threads, &err);
    float *block = malloc(BLOCK * sizeof *block);
    void *buf = st ? malloc(sono_stft_block(st) * out_rows(c, what) * esize) : NULL;
    if (!st || !block || !buf) {
        cli_error(c->input, "%s", sono_strerror(st ? SONO_ERR_NOMEM : err));
        r = -1;
        goto done;
    }
    for (;;) {
        size_t n = read_quietly(src, block, BLOCK, &err);
        if (err != SONO_OK) {
            read_error(c, err, total);
            r = -1;
            goto done;
        }
        if (n == 0)
            break;
        if (cli_check_overflow(c->input, block, n, "the signal mixed to mono or resampled")) {
            r = -1;
            goto done;
        }
        total += n;
        /* A full buffer holds a whole block of frames: pulling only then
         * gives the threads whole blocks. */
        for (size_t used = 0; used < n;) {
            used += sono_stft_push(st, block + used, n - used);
            if (used < n && (r = drain(st, what, buf, fn, ctx, &frames, &err)) != 0)
                goto done;
        }
    }
    sono_stft_finish(st);
    if ((r = drain(st, what, buf, fn, ctx, &frames, &err)) != 0)
        goto done;
    if (err == SONO_ERR_EMPTY) {
        cli_error(c->input, "no audio samples in the selected range");
        r = -1;
    } else if (err == SONO_ERR_TOO_SHORT) {
        cli_error(c->input, "%zu samples is shorter than --n-fft %zu with "
                  "--no-center: no complete frame", total, c->stft.n_fft);
        r = -1;
    } else if (err < 0) {
        cli_error(c->input, "%s", sono_strerror(err));
        r = -1;
    }
    if (samples)
        *samples = total;
done:
    sono_stft_free(st);
    free(block);
    free(buf);
    return r;
}

/* The frame-at-a-time form, over complex blocks. */
typedef struct per_frame {
    cli_frame_fn fn;
    void *ctx;
    size_t bins;
} per_frame;

static int each_frame(void *ctx, const void *frames, size_t count)
{
    per_frame *p = ctx;
    const sono_complex *f = frames;
    for (size_t t = 0; t < count; t++)
        if (p->fn(p->ctx, f + t * p->bins))
            return -1;
    return 0;
}

int cli_run_stft(const cli_common *c, sono_source *src, cli_frame_fn fn,
                 void *ctx)
{
    cli_stft_out what = {0, NULL, NULL, NULL};
    per_frame p = {fn, ctx, sono_stft_bins(&c->stft)};
    return cli_run_stft_blocks(c, src, &what, each_frame, &p, NULL);
}

int cli_check_mel(cli_common *c, double sample_rate)
{
    double nyquist = sample_rate / 2.0;
    double fmax = c->mel.fmax > 0 ? c->mel.fmax : nyquist;
    if (c->mel.fmin >= fmax) {
        cli_error("--fmin", "%g Hz must be below fmax %g Hz", c->mel.fmin, fmax);
        return -1;
    }
    if (fmax > nyquist) {
        cli_warn("--fmax", "%g Hz is above the Nyquist frequency %g Hz; the top "
                 "mel bands will be empty", fmax, nyquist);
        return 1;
    }
    return 0;
}

int cli_read_pass(const cli_common *c, sono_source *src, cli_block_fn fn,
                  void *ctx, uint64_t *count)
{
    int err = SONO_OK, r = 0;
    uint64_t total = 0;
    float *block = malloc(BLOCK * sizeof *block);
    if (!block) {
        cli_error(c->input, "%s", sono_strerror(SONO_ERR_NOMEM));
        return EXIT_FAIL;
    }
    for (;;) {
        size_t n = read_quietly(src, block, BLOCK, &err);
        if (err != SONO_OK) {
            read_error(c, err, total);
            r = EXIT_FAIL;
            break;
        }
        if (n == 0)
            break;
        if (cli_check_overflow(c->input, block, n, "the signal mixed to mono or resampled")) {
            r = EXIT_FAIL;
            break;
        }
        total += n;
        if (fn && fn(ctx, block, n)) {
            r = EXIT_FAIL;
            break;
        }
    }
    free(block);
    if (r == 0 && total == 0) {
        cli_error(c->input, "no audio samples in the selected range");
        r = EXIT_FAIL;
    }
    *count = total;
    return r;
}

sono_source *cli_reopen_audio(const cli_common *c)
{
    int err = SONO_OK;
    sono_source *src = open_quietly(c, &err);
    if (!src)
        cli_audio_error(c->input, err);
    return src;
}
