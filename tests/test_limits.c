/* The size limits on what sono reads, set through the library's parameters:
 * channels and samples of a source (sono_source_params, sono_source_check,
 * sono_load), the channel count of headers libsndfile refuses, and the
 * pixel limits of the picture readers (sono_image_limits).  Each limit is
 * met exactly and missed by one.
 *
 * usage: test_limits DATA_DIR SCRATCH_DIR
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <unistd.h>

#include "testutil.h"

static char data[3000], scratch[3000];

static const char *in_data(const char *name)
{
    static char p[4096];
    snprintf(p, sizeof p, "%s/%s", data, name);
    return p;
}

static const char *in_scratch(const char *name)
{
    static char p[4096];
    snprintf(p, sizeof p, "%s/%s", scratch, name);
    return p;
}

static void le(FILE *f, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        fputc((int)(v >> (8 * i)) & 0xff, f);
}

/* A 16-bit PCM WAV header declaring `channels` and `frames` frames, with
 * the data there (8-bit when channels is above 16384, so that one frame's
 * block align still fits its 16 bits). */
static int write_wav(const char *path, uint32_t channels, uint32_t frames)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    uint32_t bits = channels > 16384 ? 8 : 16, align = channels * bits / 8;
    uint32_t bytes = align * frames;
    fwrite("RIFF", 1, 4, f);
    le(f, 36 + bytes + (bytes & 1), 4);
    fwrite("WAVEfmt ", 1, 8, f);
    le(f, 16, 4);
    le(f, 1, 2);
    le(f, channels, 2);
    le(f, 8000, 4);
    le(f, 8000 * align, 4);
    le(f, align, 2);
    le(f, bits, 2);
    fwrite("data", 1, 4, f);
    le(f, bytes, 4);
    for (uint32_t i = 0; i < bytes + (bytes & 1); i++)
        fputc(0, f);
    return fclose(f);
}

static void test_defaults(void)
{
    sono_source_params p;
    memset(&p, 0x55, sizeof p);
    sono_source_params_default(&p);
    CHECK(p.max_channels == 0 && p.max_samples == 0,
          "defaults: max_channels %d, max_samples %llu", p.max_channels,
          (unsigned long long)p.max_samples);
    sono_image_limits l;
    memset(&l, 0x55, sizeof l);
    sono_image_limits_default(&l);
    CHECK(l.max_side == 0 && l.max_pixels == 0, "image limits default to 0");
}

/* A header beyond libsndfile's own limit: too large, with its count. */
static void test_many_channels(void)
{
    static const uint32_t counts[] = {1025, 2000, 65535};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        const char *path = in_scratch("many.wav");
        CHECK(write_wav(path, counts[i], 2) == 0, "writing %s", path);
        sono_audio_info info;
        int err = sono_audio_probe(path, &info);
        CHECK(err == SONO_ERR_TOO_LARGE && info.channels == (int)counts[i] &&
                  info.frames == -1,
              "%u channels: probe gives %d with %d channels", counts[i], err,
              info.channels);
        sono_source_params p;
        sono_source_params_default(&p);
        sono_source *s = sono_source_open(path, &p, &err);
        CHECK(!s && err == SONO_ERR_TOO_LARGE, "%u channels: source gives %d",
              counts[i], err);
        sono_source_close(s);
        sono_signal sig;
        CHECK(sono_load(path, &p, &sig) == SONO_ERR_TOO_LARGE && !sig.data,
              "%u channels: sono_load refuses", counts[i]);
        unlink(path);
    }
    /* The limit itself is readable. */
    const char *path = in_scratch("ch1024.wav");
    CHECK(write_wav(path, SONO_MAX_CHANNELS, 3) == 0, "writing %s", path);
    sono_source_params p;
    sono_source_params_default(&p);
    sono_signal sig;
    int err = sono_load(path, &p, &sig);
    CHECK(err == SONO_OK && sig.frames == 3, "1024 channels: sono_load gives %d", err);
    sono_signal_free(&sig);
    unlink(path);
}

static void test_channel_limit(void)
{
    const char *stereo = in_data("trumpet.flac");
    sono_audio_info info;
    CHECK(sono_audio_probe(stereo, &info) == SONO_OK && info.channels == 2,
          "trumpet.flac is stereo");
    sono_source_params p;
    sono_source_params_default(&p);
    int err;
    for (int most = 1; most <= 3; most++) {
        p.max_channels = most;
        int want = most < 2 ? SONO_ERR_TOO_LARGE : SONO_OK;
        CHECK(sono_source_check(&info, &p, NULL) == want, "max_channels %d: check", most);
        sono_source *s = sono_source_open(stereo, &p, &err);
        CHECK((s != NULL) == (want == SONO_OK) && (s || err == want),
              "max_channels %d: open gives %d", most, s ? SONO_OK : err);
        sono_source_close(s);
    }
    /* Whichever channel is asked for. */
    p.max_channels = 1;
    p.channel = 0;
    CHECK(!sono_source_open(stereo, &p, &err) && err == SONO_ERR_TOO_LARGE,
          "max_channels 1 with channel 0");
    p.channel = SONO_CHANNEL_MIX;
    int bad[] = {-1, SONO_MAX_CHANNELS + 1};
    for (int i = 0; i < 2; i++) {
        p.max_channels = bad[i];
        CHECK(sono_source_check(&info, &p, NULL) == SONO_ERR_INVALID &&
                  !sono_source_open(stereo, &p, &err) && err == SONO_ERR_INVALID,
              "max_channels %d is invalid", bad[i]);
    }
}

/* The samples a source yields, read to the end. */
static int64_t count_samples(const char *path, const sono_source_params *p, int *err)
{
    float block[4096];
    int64_t n = 0;
    size_t got;
    sono_source *s = sono_source_open(path, p, err);
    if (!s)
        return -1;
    while ((got = sono_source_read(s, block, 4096, err)) > 0)
        n += (int64_t)got;
    sono_source_close(s);
    return *err == SONO_OK ? n : -1;
}

static void test_sample_limit(void)
{
    const char *path = in_data("cat.wav"); /* 220500 samples at 44.1 kHz */
    sono_audio_info info;
    CHECK(sono_audio_probe(path, &info) == SONO_OK && info.frames == 220500,
          "cat.wav has 220500 frames");
    /* Selections: the whole file, an offset and a duration, resampled. */
    struct {
        double offset, duration, rate;
        int64_t samples;
    } cases[] = {
        {0, -1, 0, 220500},
        {1.0, -1, 0, 176400},
        {1.0, 0.5, 0, 22050},
        {0, -1, 22050, 110250},
        {0.1, 0.3, 16000, 4800},
        {1000, -1, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sono_source_params p;
        sono_source_params_default(&p);
        p.offset = cases[i].offset;
        p.duration = cases[i].duration;
        p.sample_rate = cases[i].rate;
        int64_t declared;
        int err = sono_source_check(&info, &p, &declared);
        int64_t n = count_samples(path, &p, &err);
        CHECK(declared == cases[i].samples && n == declared,
              "case %zu: %lld samples declared, %lld read, %lld expected", i,
              (long long)declared, (long long)n, (long long)cases[i].samples);
        if (cases[i].samples == 0)
            continue;
        /* The limit met exactly, and missed by one. */
        p.max_samples = (uint64_t)cases[i].samples;
        n = count_samples(path, &p, &err);
        CHECK(n == cases[i].samples, "case %zu: limit %lld met: %lld read (%d)", i,
              (long long)p.max_samples, (long long)n, err);
        sono_signal sig;
        err = sono_load(path, &p, &sig);
        CHECK(err == SONO_OK && (int64_t)sig.frames == cases[i].samples,
              "case %zu: sono_load at the limit gives %d", i, err);
        sono_signal_free(&sig);
        p.max_samples--;
        CHECK(sono_source_check(&info, &p, NULL) == SONO_ERR_TOO_LARGE,
              "case %zu: check at one below", i);
        sono_source *s = sono_source_open(path, &p, &err);
        CHECK(!s && err == SONO_ERR_TOO_LARGE, "case %zu: open at one below gives %d", i, err);
        sono_source_close(s);
        CHECK(sono_load(path, &p, &sig) == SONO_ERR_TOO_LARGE && !sig.data,
              "case %zu: sono_load at one below refuses", i);
    }
    /* The default: 2^31 samples. */
    sono_source_params p;
    sono_source_params_default(&p);
    info.frames = (int64_t)SONO_MAX_SAMPLES;
    CHECK(sono_source_check(&info, &p, NULL) == SONO_OK, "2^31 frames pass");
    info.frames++;
    CHECK(sono_source_check(&info, &p, NULL) == SONO_ERR_TOO_LARGE, "2^31 + 1 frames do not");
    p.max_samples = UINT64_MAX;
    CHECK(sono_source_check(&info, &p, NULL) == SONO_OK, "a higher limit lets them");
    info.frames = -1;
    int64_t declared;
    CHECK(sono_source_check(&info, &p, &declared) == SONO_OK && declared == -1,
          "no declared length: -1");
    /* Years of offset do not overflow. */
    info.frames = 220500;
    p.offset = 1e300;
    CHECK(sono_source_check(&info, &p, &declared) == SONO_OK && declared == 0,
          "an offset of 1e300 s selects nothing");
}

/* A FLAC of n samples whose STREAMINFO says its length is unknown (total
 * samples 0, as a streaming encoder leaves it; MD5 0, unknown too). */
static int write_flac_unknown_length(const char *path, size_t n)
{
    float *x = malloc(n * sizeof *x);
    int err = x ? SONO_OK : SONO_ERR_NOMEM;
    for (size_t i = 0; x && i < n; i++)
        x[i] = 0.5f * (float)sin(0.05 * (double)i);
    sono_writer *w = x ? sono_writer_open(path, SONO_CONTAINER_FLAC, SONO_SAMPLE_PCM16,
                                          1, 8000, &err)
                       : NULL;
    if (w && (err = sono_writer_write(w, x, n)) == SONO_OK)
        err = sono_writer_commit(w);
    sono_writer_close(w);
    free(x);
    FILE *f = err == SONO_OK ? fopen(path, "r+b") : NULL;
    unsigned char head[42];
    if (!f || fread(head, 1, sizeof head, f) != sizeof head || memcmp(head, "fLaC", 4)) {
        if (f)
            fclose(f);
        return -1;
    }
    /* Bytes 18-25: rate (20 bits), channels (3), bits (5), total (36). */
    head[21] &= 0xf0;
    memset(head + 22, 0, 4 + 16);
    rewind(f);
    int bad = fwrite(head, 1, sizeof head, f) != sizeof head;
    return fclose(f) != 0 || bad ? -1 : 0;
}

/* A stream longer than its header says is cut at the limit by the read. */
static void test_understated_length(const char *path)
{
    sono_audio_info info;
    int err = sono_audio_probe(path, &info);
    CHECK(err == SONO_OK && info.frames < 0, "%s declares no length (%lld)", path,
          (long long)info.frames);
    sono_source_params p;
    sono_source_params_default(&p);
    int64_t all = count_samples(path, &p, &err);
    CHECK(all == 5000, "%s: %lld samples read, 5000 written", path, (long long)all);
    p.max_samples = (uint64_t)all;
    CHECK(count_samples(path, &p, &err) == all, "the limit met exactly");
    p.max_samples = (uint64_t)all - 1;
    CHECK(count_samples(path, &p, &err) == -1 && err == SONO_ERR_TOO_LARGE,
          "one sample more than the limit: %d", err);
    sono_signal sig;
    CHECK(sono_load(path, &p, &sig) == SONO_ERR_TOO_LARGE && !sig.data,
          "sono_load refuses it");
    /* The error stays. */
    float block[64];
    sono_source *s = sono_source_open(path, &p, &err);
    size_t got;
    while (s && (got = sono_source_read(s, block, 64, &err)) > 0)
        ;
    CHECK(s && err == SONO_ERR_TOO_LARGE && sono_source_read(s, block, 64, &err) == 0 &&
              err == SONO_ERR_TOO_LARGE,
          "reads after the limit keep failing");
    sono_source_close(s);
}

static void test_image_limits(void)
{
    const char *path = in_scratch("limits.png");
    sono_image im, back;
    CHECK(sono_image_alloc(&im, 40, 30, 3, 8) == SONO_OK && sono_png_save(path, &im) == SONO_OK,
          "writing a 40 x 30 PNG");
    sono_image_free(&im);
    struct {
        const char *file;
        uint32_t side;
        uint64_t pixels;
        int want;
    } cases[] = {
        {path, 40, 1200, SONO_OK},
        {path, 0, 0, SONO_OK},
        {path, 39, 0, SONO_ERR_TOO_LARGE},
        {path, 0, 1199, SONO_ERR_TOO_LARGE},
        {path, 65536, 0, SONO_ERR_INVALID},
        {path, 0, ((uint64_t)1 << 28) + 1, SONO_ERR_INVALID},
        {in_data("chelsea.jpg"), 0, 0, SONO_OK},
        {in_data("chelsea.jpg"), 100, 0, SONO_ERR_TOO_LARGE},
        {in_data("chelsea.jpg"), 0, 10000, SONO_ERR_TOO_LARGE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sono_image_limits l;
        sono_image_limits_default(&l);
        l.max_side = cases[i].side;
        l.max_pixels = cases[i].pixels;
        memset(&back, 0x55, sizeof back);
        int err = sono_image_read(cases[i].file, &l, &back);
        CHECK(err == cases[i].want && (err == SONO_OK || (!back.pixels && back.width == 0)),
              "image case %zu: %d, expected %d", i, err, cases[i].want);
        sono_image_free(&back);
    }
    CHECK(sono_image_read(path, NULL, &back) == SONO_OK && back.width == 40,
          "NULL limits are the defaults");
    sono_image_free(&back);
    unlink(path);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s DATA_DIR SCRATCH_DIR\n", argv[0]);
        return 2;
    }
    snprintf(data, sizeof data, "%s", argv[1]);
    snprintf(scratch, sizeof scratch, "%s", argv[2]);
    test_defaults();
    test_many_channels();
    test_channel_limit();
    test_sample_limit();
    test_image_limits();
    const char *flac = in_scratch("unknown_length.flac");
    CHECK(write_flac_unknown_length(flac, 5000) == 0, "writing %s", flac);
    test_understated_length(flac);
    unlink(flac);
    if (test_failures) {
        printf("%d failures\n", test_failures);
        return 1;
    }
    printf("all limits hold\n");
    return 0;
}
