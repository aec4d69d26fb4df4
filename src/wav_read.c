/* Plain WAV files read without libsndfile, with its numbers.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Most short clips sono meets (ESC-50, speech corpora, what sox and
 * numpy write) are RIFF/WAVE files of 16-bit samples.  Loading libsndfile
 * and the seven codec libraries it links costs about 3 ms of a process
 * (dynload.c), which was an eighth of `sono render` of a 5 s clip.  So a
 * file whose header is plain -- integer PCM of 8, 16, 24 or 32 bits or
 * IEEE float of 32 or 64, in a WAVE_FORMAT_PCM, _IEEE_FLOAT or
 * _EXTENSIBLE header, with all of its data chunk in the file -- is read
 * here, and anything else, damaged files included, is left to libsndfile
 * (audio_read.c), so that what it refuses or reports stays as it was.
 *
 * The samples are libsndfile's, bit for bit (tests/test_wav.c compares the
 * two on every kind): unsigned 8-bit (x - 128) / 128, signed integers x /
 * 2^(bits - 1) (32-bit ones rounded to float first, as libsndfile does),
 * floats as they are, doubles rounded to float. */
#define _POSIX_C_SOURCE 200809L /* fseeko, fileno */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "internal.h"

/* Bytes converted per fread: any frame fits (1024 channels of doubles). */
#define RAW_BYTES 65536

enum { TAG_PCM = 1, TAG_FLOAT = 3, TAG_EXTENSIBLE = 0xFFFE };

struct sono__wav {
    FILE *fp;
    int float_samples;          /* IEEE float, else integer PCM */
    int bytes;                  /* per sample: 1 to 4, or 8 (double) */
    int channels;
    off_t data;                 /* file offset of the first frame */
    long long frames, next;     /* frames in the data chunk; next to read */
    unsigned char raw[RAW_BYTES];
};

static uint32_t le16(const unsigned char *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8;
}

static uint32_t le32(const unsigned char *b)
{
    return le16(b) | le16(b + 2) << 16;
}

/* The KSDATAFORMAT_SUBTYPE GUID of an extensible header, after its first
 * two bytes (the format tag it stands for). */
static const unsigned char guid_tail[14] = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                                            0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};

/* The fmt chunk's body (n bytes) into w and info; 0 when it is not one of
 * the plain kinds. */
static int read_format(sono__wav *w, const unsigned char *b, uint32_t n, sono_audio_info *info)
{
    if (n < 16)
        return 0;
    uint32_t tag = le16(b), channels = le16(b + 2), rate = le32(b + 4);
    uint32_t align = le16(b + 12), bits = le16(b + 14);
    int extensible = tag == TAG_EXTENSIBLE;
    if (extensible) {
        /* cbSize >= 22, valid bits all of the container's (or unsaid) */
        uint32_t valid = n >= 40 ? le16(b + 18) : 0;
        if (n < 40 || le16(b + 16) < 22 || (valid != 0 && valid != bits) ||
            memcmp(b + 26, guid_tail, sizeof guid_tail) != 0)
            return 0;
        tag = le16(b + 24);
    }
    if (tag == TAG_PCM && (bits == 8 || bits == 16 || bits == 24 || bits == 32))
        w->float_samples = 0;
    else if (tag == TAG_FLOAT && (bits == 32 || bits == 64))
        w->float_samples = 1;
    else
        return 0;
    if (channels < 1 || channels > SONO_MAX_CHANNELS || rate < 1 || rate > INT32_MAX ||
        align != channels * (bits / 8))
        return 0;
    w->bytes = (int)bits / 8;
    w->channels = (int)channels;
    info->sample_rate = rate;
    info->channels = (int)channels;
    snprintf(info->format, sizeof info->format, "%s", extensible ? "WAVEX" : "WAV");
    static const char *const pcm[] = {"PCM_U8", "PCM_16", "PCM_24", "PCM_32"};
    snprintf(info->subtype, sizeof info->subtype, "%s",
             !w->float_samples ? pcm[w->bytes - 1] : w->bytes == 4 ? "FLOAT" : "DOUBLE");
    return 1;
}

/* Walks the chunks up to "data"; 0 unless a plain fmt chunk came first and
 * the whole data chunk, a whole number of frames, is in the file. */
static int read_header(sono__wav *w, off_t file_size, sono_audio_info *info)
{
    unsigned char b[64];
    if (fread(b, 1, 12, w->fp) != 12 || memcmp(b, "RIFF", 4) != 0 ||
        memcmp(b + 8, "WAVE", 4) != 0)
        return 0;
    int have_format = 0;
    for (;;) {
        if (fread(b, 1, 8, w->fp) != 8)
            return 0;
        uint32_t size = le32(b + 4);
        off_t body = ftello(w->fp);
        if (body < 0 || (off_t)size > file_size - body)
            return 0;
        if (memcmp(b, "fmt ", 4) == 0) {
            uint32_t n = size < 40 ? size : 40;
            if (have_format || fread(b, 1, n, w->fp) != n || !read_format(w, b, n, info))
                return 0;
            have_format = 1;
        } else if (memcmp(b, "data", 4) == 0) {
            uint32_t frame = (uint32_t)w->channels * (uint32_t)w->bytes;
            /* Size 0 is how a writer that was stopped leaves it, which
             * libsndfile mends. */
            if (!have_format || size == 0 || size % frame != 0)
                return 0;
            w->data = body;
            w->frames = size / frame;
            info->frames = w->frames;
            return 1;
        }
        /* Chunks are padded to an even size. */
        if (fseeko(w->fp, body + (off_t)size + (size & 1), SEEK_SET) != 0)
            return 0;
    }
}

sono__wav *sono__wav_open(const char *path, sono_audio_info *info, int *err)
{
    *err = SONO_OK;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        *err = SONO_ERR_IO;
        return NULL;
    }
    struct stat st;
    /* Not a regular file (a pipe cannot be read twice): libsndfile's. */
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(fp);
        return NULL;
    }
    sono__wav *w = sono__calloc(1, sizeof *w);
    if (!w) {
        fclose(fp);
        *err = SONO_ERR_NOMEM;
        return NULL;
    }
    w->fp = fp;
    sono_audio_info found = {0};
    if (!read_header(w, st.st_size, &found) || fseeko(fp, w->data, SEEK_SET) != 0) {
        sono__wav_close(w);
        return NULL;
    }
    *info = found;
    return w;
}

void sono__wav_close(sono__wav *w)
{
    if (!w)
        return;
    fclose(w->fp);
    sono__free(w);
}

int sono__wav_seek(sono__wav *w, long long frame)
{
    if (frame < 0 || frame > w->frames)
        return SONO_ERR_INVALID;
    off_t at = w->data + (off_t)frame * w->channels * w->bytes;
    if (fseeko(w->fp, at, SEEK_SET) != 0)
        return SONO_ERR_IO;
    w->next = frame;
    return SONO_OK;
}

/* n samples of raw into out. */
static void convert(const sono__wav *w, const unsigned char *raw, size_t n, float *out)
{
    switch (w->float_samples ? -w->bytes : w->bytes) {
    case 1:
        for (size_t i = 0; i < n; i++)
            out[i] = (float)((int)raw[i] - 128) * (1.0f / 128.0f);
        break;
    case 2:
        for (size_t i = 0; i < n; i++)
            out[i] = (float)(int16_t)le16(raw + 2 * i) * (1.0f / 32768.0f);
        break;
    case 3:
        /* as libsndfile: the 24 bits at the top of an int, over 2^31 */
        for (size_t i = 0; i < n; i++) {
            const unsigned char *b = raw + 3 * i;
            uint32_t u = (uint32_t)b[0] << 8 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 24;
            out[i] = (float)(int32_t)u * (1.0f / 2147483648.0f);
        }
        break;
    case 4:
        for (size_t i = 0; i < n; i++)
            out[i] = (float)(int32_t)le32(raw + 4 * i) * (1.0f / 2147483648.0f);
        break;
    case -4:
        for (size_t i = 0; i < n; i++) {
            uint32_t u = le32(raw + 4 * i);
            memcpy(out + i, &u, sizeof u);
        }
        break;
    default: /* -8 */
        for (size_t i = 0; i < n; i++) {
            uint64_t u = (uint64_t)le32(raw + 8 * i) | (uint64_t)le32(raw + 8 * i + 4) << 32;
            double d;
            memcpy(&d, &u, sizeof d);
            out[i] = (float)d;
        }
        break;
    }
}

long long sono__wav_read(sono__wav *w, float *out, long long frames, int *err)
{
    *err = SONO_OK;
    size_t frame_bytes = (size_t)w->channels * (size_t)w->bytes;
    long long done = 0;
    if (frames > w->frames - w->next)
        frames = w->frames - w->next;
    while (done < frames) {
        size_t want = RAW_BYTES / frame_bytes;
        if ((long long)want > frames - done)
            want = (size_t)(frames - done);
        size_t got = fread(w->raw, frame_bytes, want, w->fp);
        convert(w, w->raw, got * (size_t)w->channels, out + (size_t)done * (size_t)w->channels);
        done += (long long)got;
        w->next += (long long)got;
        if (got < want) {
            /* The file shrank under us, or the disk failed. */
            if (ferror(w->fp))
                *err = SONO_ERR_IO;
            w->frames = w->next;
            break;
        }
    }
    return done;
}
