/* The plain-WAV reader (src/wav_read.c) against libsndfile itself: WAV
 * files of every sample kind it takes, written here byte by byte with
 * random samples, headers of both kinds and chunks around the data, must
 * give libsndfile's rate, channels, frame count, names and samples, bit
 * for bit, per channel and after an offset.  Files it must leave to
 * libsndfile (a data chunk past the end, a size of 0, fewer valid bits,
 * big-endian RIFX) are checked to be declined, and to give the same
 * numbers through sono all the same.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/internal.h"

#define RATE 8000
#define FRAMES 1001 /* odd: an odd byte count for 8-bit mono */

typedef struct kind {
    const char *name;    /* what the case is, for failures */
    int tag;             /* 1 PCM, 3 float */
    int bits;
    int channels;
    int extensible;      /* WAVE_FORMAT_EXTENSIBLE header */
    int valid_bits;      /* extensible: 0 = the container's */
    int chunks;          /* an odd-sized chunk before fmt and data, LIST after */
    int damage;          /* 0 none; 1 data past the end; 2 data size 0; 3 RIFX */
    const char *format;  /* libsndfile's names */
    const char *subtype;
    int native;          /* wav_read.c should take it */
} kind;

static const kind kinds[] = {
    {"u8 mono", 1, 8, 1, 0, 0, 0, 0, "WAV", "PCM_U8", 1},
    {"16 mono", 1, 16, 1, 0, 0, 0, 0, "WAV", "PCM_16", 1},
    {"16 stereo, chunks", 1, 16, 2, 0, 0, 1, 0, "WAV", "PCM_16", 1},
    {"24 stereo", 1, 24, 2, 0, 0, 0, 0, "WAV", "PCM_24", 1},
    {"32 three", 1, 32, 3, 0, 0, 1, 0, "WAV", "PCM_32", 1},
    {"float mono", 3, 32, 1, 0, 0, 0, 0, "WAV", "FLOAT", 1},
    {"double stereo", 3, 64, 2, 0, 0, 1, 0, "WAV", "DOUBLE", 1},
    {"extensible 16", 1, 16, 2, 1, 16, 0, 0, "WAVEX", "PCM_16", 1},
    {"extensible 24, chunks", 1, 24, 6, 1, 0, 1, 0, "WAVEX", "PCM_24", 1},
    {"extensible float", 3, 32, 2, 1, 32, 0, 0, "WAVEX", "FLOAT", 1},
    {"extensible u8", 1, 8, 1, 1, 8, 0, 0, "WAVEX", "PCM_U8", 1},
    /* left to libsndfile */
    {"data past the end", 1, 16, 1, 0, 0, 0, 1, "WAV", "PCM_16", 0},
    {"data size 0", 1, 16, 2, 0, 0, 0, 2, "WAV", "PCM_16", 0},
    {"20 valid bits of 24", 1, 24, 1, 1, 20, 0, 0, "WAVEX", "PCM_24", 0},
    {"RIFX", 1, 16, 1, 0, 0, 0, 3, "WAV", "PCM_16", 0},
};

static uint32_t seed = 12345;

static uint32_t next(void)
{
    seed = seed * 1664525u + 1013904223u;
    return seed;
}

static void put(FILE *f, const void *b, size_t n)
{
    fwrite(b, 1, n, f);
}

static void put16(FILE *f, uint32_t v, int big)
{
    unsigned char b[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
    if (big) {
        unsigned char t = b[0];
        b[0] = b[1];
        b[1] = t;
    }
    put(f, b, 2);
}

static void put32(FILE *f, uint32_t v, int big)
{
    if (big) {
        put16(f, v >> 16, 1);
        put16(f, v & 0xFFFF, 1);
    } else {
        put16(f, v & 0xFFFF, 0);
        put16(f, v >> 16, 0);
    }
}

/* One sample's bytes: any bit pattern for integers; floats in [-1.5, 1.5]
 * and some edge values (finite: the source refuses the others). */
static void put_sample(FILE *f, const kind *k, size_t i, int big)
{
    if (k->tag == 1) {
        uint32_t v = next();
        for (int b = 0; b < k->bits / 8; b++) {
            unsigned char c = (unsigned char)(v >> (8 * b));
            if (i % 97 == 0)
                c = (i / 97) % 2 ? 0x80 : 0x7F; /* extremes in the top byte */
            put(f, &c, 1);
        }
        (void)big;
        return;
    }
    double x = ((double)next() / 4294967296.0 - 0.5) * 3.0;
    static const double edge[] = {0.0, -0.0, 1e-40, -3e38, 1.0, -1.0, 1e-310};
    if (i % 61 == 0)
        x = edge[(i / 61) % (sizeof edge / sizeof edge[0])];
    if (k->bits == 32) {
        float v = (float)x;
        put(f, &v, 4);
    } else {
        put(f, &x, 8);
    }
}

static void write_wav(const char *path, const kind *k)
{
    FILE *f = fopen(path, "wb");
    int big = k->damage == 3;
    uint32_t frame = (uint32_t)(k->channels * k->bits / 8);
    uint32_t data = FRAMES * frame;
    put(f, big ? "RIFX" : "RIFF", 4);
    put32(f, 0, big); /* libsndfile does not need it right */
    put(f, "WAVE", 4);
    if (k->chunks) {
        put(f, "junk", 4);
        put32(f, 3, big);
        put(f, "abc\0", 4); /* 3 bytes and the pad */
    }
    put(f, "fmt ", 4);
    put32(f, k->extensible ? 40 : 16, big);
    put16(f, k->extensible ? 0xFFFE : (uint32_t)k->tag, big);
    put16(f, (uint32_t)k->channels, big);
    put32(f, RATE, big);
    put32(f, RATE * frame, big);
    put16(f, frame, big);
    put16(f, (uint32_t)k->bits, big);
    if (k->extensible) {
        static const unsigned char tail[14] = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                                               0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};
        put16(f, 22, big);
        put16(f, (uint32_t)(k->valid_bits ? k->valid_bits : k->bits), big);
        put32(f, 0, big); /* no channel mask */
        put16(f, (uint32_t)k->tag, big);
        put(f, tail, sizeof tail);
    }
    if (k->chunks) {
        put(f, "LIST", 4);
        put32(f, 5, big);
        put(f, "INFO\0\0", 6);
    }
    put(f, "data", 4);
    put32(f, k->damage == 1 ? data + 4000 : k->damage == 2 ? 0 : data, big);
    for (size_t i = 0; i < (size_t)FRAMES * (size_t)k->channels; i++)
        put_sample(f, k, i, big);
    if (data % 2)
        put(f, "\0", 1);
    if (k->chunks) {
        put(f, "LIST", 4);
        put32(f, 4, big);
        put(f, "INFO", 4);
    }
    fclose(f);
}

static int failures;

static void fail(const kind *k, const char *what)
{
    fprintf(stderr, "FAIL %s: %s\n", k->name, what);
    failures++;
}

/* libsndfile's frames from `start`, interleaved. */
static float *reference(const char *path, SF_INFO *sfi, long long start, long long *n)
{
    memset(sfi, 0, sizeof *sfi);
    SNDFILE *sf = sf_open(path, SFM_READ, sfi);
    if (!sf)
        return NULL;
    float *v = calloc((size_t)sfi->frames * (size_t)sfi->channels + 1, sizeof *v);
    sf_seek(sf, start, SEEK_SET);
    *n = sf_readf_float(sf, v, sfi->frames);
    sf_close(sf);
    return v;
}

static void check_channel(const kind *k, const char *path, int c, double offset)
{
    sono_source_params p;
    sono_source_params_default(&p);
    p.channel = c;
    p.offset = offset;
    long long start = (long long)(offset * RATE);
    SF_INFO sfi;
    long long n = 0;
    float *want = reference(path, &sfi, start, &n);
    sono_signal got;
    int err = sono_load(path, &p, &got);
    if (!want || err != SONO_OK) {
        fail(k, err != SONO_OK ? sono_strerror(err) : "libsndfile cannot read it");
        free(want);
        return;
    }
    if ((long long)got.frames != n) {
        fail(k, "frame count");
    } else {
        for (long long i = 0; i < n; i++) {
            float a = got.data[0][i], b = want[i * sfi.channels + c];
            if (memcmp(&a, &b, sizeof a) != 0) {
                fprintf(stderr, "  channel %d frame %lld: %.9g, libsndfile %.9g\n", c,
                        start + i, a, b);
                fail(k, "samples differ");
                break;
            }
        }
    }
    sono_signal_free(&got);
    free(want);
}

static void check(const kind *k, const char *path)
{
    write_wav(path, k);
    sono_audio_info info, native;
    int err;
    sono__wav *w = sono__wav_open(path, &native, &err);
    if ((w != NULL) != k->native || err != SONO_OK)
        fail(k, k->native ? "declined by wav_read.c" : "taken by wav_read.c");
    sono__wav_close(w);
    if ((err = sono_audio_probe(path, &info)) != SONO_OK) {
        fail(k, sono_strerror(err));
        return;
    }
    SF_INFO sfi = {0};
    SNDFILE *sf = sf_open(path, SFM_READ, &sfi);
    if (!sf) {
        fail(k, "libsndfile cannot open it");
        return;
    }
    sf_close(sf);
    if (info.sample_rate != sfi.samplerate || info.channels != sfi.channels ||
        info.frames != sfi.frames)
        fail(k, "rate, channels or frames differ from libsndfile's");
    if (strcmp(info.format, k->format) != 0 || strcmp(info.subtype, k->subtype) != 0) {
        fprintf(stderr, "  %s %s\n", info.format, info.subtype);
        fail(k, "names");
    }
    /* ... which are libsndfile's own */
    static const struct {
        const char *name;
        int code;
    } codes[] = {{"WAV", SF_FORMAT_WAV},       {"WAVEX", SF_FORMAT_WAVEX},
                 {"PCM_U8", SF_FORMAT_PCM_U8}, {"PCM_16", SF_FORMAT_PCM_16},
                 {"PCM_24", SF_FORMAT_PCM_24}, {"PCM_32", SF_FORMAT_PCM_32},
                 {"FLOAT", SF_FORMAT_FLOAT},   {"DOUBLE", SF_FORMAT_DOUBLE}};
    int type = -1, sub = -1;
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        if (strcmp(codes[i].name, k->format) == 0)
            type = codes[i].code;
        if (strcmp(codes[i].name, k->subtype) == 0)
            sub = codes[i].code;
    }
    if ((sfi.format & SF_FORMAT_TYPEMASK) != type || (sfi.format & SF_FORMAT_SUBMASK) != sub)
        fail(k, "libsndfile names it otherwise");
    if (info.truncated != (k->damage == 1))
        fail(k, "truncated flag");
    for (int c = 0; c < k->channels; c++)
        check_channel(k, path, c, 0.0);
    check_channel(k, path, k->channels - 1, 0.0123); /* 98 frames in: a seek */
}

int main(int argc, char **argv)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/test_wav.wav", argc > 1 ? argv[1] : ".");
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        check(&kinds[i], path);
    remove(path);
    if (failures)
        fprintf(stderr, "%d failures\n", failures);
    else
        printf("test_wav: %zu kinds of WAV, the same as libsndfile's\n",
               sizeof kinds / sizeof kinds[0]);
    return failures != 0;
}
