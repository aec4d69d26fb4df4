/* Fuzz target: audio decoding through sono's reader (audio_read.c over
 * libsndfile, resample.c over libsoxr).  The input is an audio file; its
 * last byte also picks the reading parameters (channel, offset, duration and
 * the resampling rate), so that the fuzzer can reach them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>

#include "sono.h"
#include "fuzz_util.h"

/* At most this many samples per pass: a few bytes may declare hours of
 * audio (and decode them), which is correct but would make a run slow. */
#define MAX_SAMPLES ((size_t)1 << 18)

static void read_all(const char *path, const sono_source_params *p,
                     size_t block)
{
    static float buf[4096];
    int err = SONO_OK;
    sono_source *s = sono_source_open(path, p, &err);
    if (!s)
        return;
    const sono_audio_info *info = sono_source_info(s);
    /* Touch what the header claims, as callers print it. */
    if (info->channels < 1 || info->sample_rate < 1 ||
        !memchr(info->format, '\0', sizeof info->format) ||
        !memchr(info->subtype, '\0', sizeof info->subtype))
        abort();
    if (!(sono_source_rate(s) > 0))
        abort();
    size_t total = 0, got;
    while (total < MAX_SAMPLES &&
           (got = sono_source_read(s, buf, block, &err)) > 0) {
        if (got > block)
            abort();
        /* The reader promises finite samples at the file's rate.
         * Resampled, samples near float32's limit can overshoot it, to
         * infinity, as librosa's soxr_hq does (sono.h; the CLI refuses
         * them, naming the input). */
        if (p->sample_rate == 0 && sono_check_finite(buf, got, NULL) != SONO_OK)
            abort();
        total += got;
    }
    sono_source_close(s);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const double rates[8] = {22050, 8000, 44100, 16000,
                                    11025, 48000, 96000, 100};
    const char *path = fuzz_file(data, size);
    if (!path)
        return 0;
    sono_audio_info info;
    if (sono_audio_probe(path, &info) != SONO_OK)
        return 0;
    unsigned b = size ? data[size - 1] : 0;
    sono_source_params p;
    sono_source_params_default(&p);
    p.channel = (b & 3) == 1 ? 0 : (b & 3) == 2 ? 1 : SONO_CHANNEL_MIX;
    p.offset = (b >> 2) & 1 ? 0.01 : 0.0;
    p.duration = (b >> 3) & 1 ? 0.05 : -1.0;
    /* Blocks of odd sizes too: the reader must cut its output anywhere. */
    size_t block = (b & 0x80) ? 4096 : 1000 + (b & 0x1f);
    read_all(path, &p, block);
    p.sample_rate = rates[(b >> 4) & 7];
    read_all(path, &p, block);
    return 0;
}
