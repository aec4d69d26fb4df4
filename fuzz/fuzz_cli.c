/* Fuzz target: the command line.  The input is split into words at NUL
 * and newline bytes and run as `sono WORD...` through the program's own
 * dispatch (cli/main.c, included below with main renamed), so every
 * subcommand's option parsing and checks run, and with the small inputs
 * below, the commands themselves.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Containment: the process works in a scratch directory of its own
 * (made under $SONO_FUZZ_TMP, $TMPDIR or /tmp, removed at exit), and every
 * '/' in a word becomes '_', so that no word names a path outside it: the
 * commands read and write only there.  Before each input the directory is
 * emptied and refilled with tiny fixtures the commands can be pointed at:
 *   a.wav  0.1 s mono float WAV at 8000 Hz      s.flac 0.05 s stereo FLAC, 22050 Hz
 *   m.npy  65 x 5 float magnitude (n_fft 128)    c.npy  65 x 5 complex STFT
 *   f.npy  20 x 5 MFCC-like (negative values)    n.npy  16 x 5 mel-like
 *   l.png  lossless spectrogram with phase       p.png  12 x 8 RGB picture
 *   j.jpg  16 x 8 JPEG
 * Files are limited to 64 MiB (RLIMIT_FSIZE, SIGXFSZ ignored: a write past
 * it fails like a full disk), stdin is /dev/null, and SONO_THREADS is 1.
 * `make fuzz` also runs it with ASAN_OPTIONS allocator_may_return_null=1
 * and max_allocation_size_mb=256, so that a command asked for a huge result
 * (--size 65535x4096, --n-fft 16777216, ...) sees an allocation fail, as it
 * would on a smaller machine, instead of the fuzzer reporting the size. */
#define _GNU_SOURCE
#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* The program's dispatch, with its main() renamed. */
#define main sono_cli_main
#include "../cli/main.c"
#undef main

#define MAX_WORDS 64

typedef struct fixture {
    const char *name;
    unsigned char *data;
    size_t size;
} fixture;

static const unsigned char jpeg_16x8[] = {
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01,
  0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43,
  0x00, 0x10, 0x0b, 0x0c, 0x0e, 0x0c, 0x0a, 0x10, 0x0e, 0x0d, 0x0e, 0x12,
  0x11, 0x10, 0x13, 0x18, 0x28, 0x1a, 0x18, 0x16, 0x16, 0x18, 0x31, 0x23,
  0x25, 0x1d, 0x28, 0x3a, 0x33, 0x3d, 0x3c, 0x39, 0x33, 0x38, 0x37, 0x40,
  0x48, 0x5c, 0x4e, 0x40, 0x44, 0x57, 0x45, 0x37, 0x38, 0x50, 0x6d, 0x51,
  0x57, 0x5f, 0x62, 0x67, 0x68, 0x67, 0x3e, 0x4d, 0x71, 0x79, 0x70, 0x64,
  0x78, 0x5c, 0x65, 0x67, 0x63, 0xff, 0xdb, 0x00, 0x43, 0x01, 0x11, 0x12,
  0x12, 0x18, 0x15, 0x18, 0x2f, 0x1a, 0x1a, 0x2f, 0x63, 0x42, 0x38, 0x42,
  0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63,
  0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63,
  0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63,
  0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63, 0x63,
  0x63, 0x63, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x08, 0x00, 0x10, 0x03,
  0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff, 0xc4, 0x00,
  0x16, 0x00, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x05, 0xff, 0xc4, 0x00,
  0x18, 0x10, 0x00, 0x02, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x05, 0x22, 0x31, 0xff,
  0xc4, 0x00, 0x15, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x04, 0xff, 0xc4,
  0x00, 0x19, 0x11, 0x00, 0x02, 0x03, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x04, 0x05, 0x21,
  0x51, 0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11,
  0x00, 0x3f, 0x00, 0x81, 0x78, 0x2c, 0xa1, 0xa6, 0xbc, 0x16, 0x50, 0x00,
  0xdb, 0x25, 0x9d, 0x27, 0xaf, 0x96, 0xdc, 0xd3, 0xff, 0xd9
};

static fixture fixtures[] = {
    {"a.wav", NULL, 0}, {"s.flac", NULL, 0}, {"m.npy", NULL, 0},
    {"c.npy", NULL, 0}, {"f.npy", NULL, 0},  {"n.npy", NULL, 0},
    {"l.png", NULL, 0}, {"p.png", NULL, 0},  {"j.jpg", NULL, 0},
};
#define N_FIXTURES (sizeof fixtures / sizeof fixtures[0])

static char scratch[4096];

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_cli: %s\n", what);
    abort();
}

static void write_file(const char *name, const unsigned char *d, size_t n)
{
    FILE *fp = fopen(name, "wb");
    if (!fp || fwrite(d, 1, n, fp) != n || fclose(fp) != 0)
        fail("cannot write a fixture");
}

static void read_back(fixture *f)
{
    FILE *fp = fopen(f->name, "rb");
    if (!fp || fseek(fp, 0, SEEK_END) != 0)
        fail("cannot read a fixture back");
    long n = ftell(fp);
    rewind(fp);
    f->data = malloc(n > 0 ? (size_t)n : 1);
    if (n <= 0 || !f->data || fread(f->data, 1, (size_t)n, fp) != (size_t)n)
        fail("cannot read a fixture back");
    f->size = (size_t)n;
    fclose(fp);
}

static void make_audio(const char *name, int channels, double rate,
                       size_t frames, sono_sample_format fmt)
{
    int err;
    float *x = malloc(frames * (size_t)channels * sizeof *x);
    if (!x)
        fail("out of memory");
    for (size_t i = 0; i < frames * (size_t)channels; i++)
        x[i] = (float)(0.5 * sin(0.3 * (double)i) + 0.1 * sin(0.011 * (double)i * i));
    sono_writer *w = sono_writer_open(name, SONO_CONTAINER_AUTO, fmt, channels,
                                      rate, &err);
    if (!w || sono_writer_write(w, x, frames) != SONO_OK ||
        sono_writer_commit(w) != SONO_OK)
        fail("cannot make an audio fixture");
    sono_writer_close(w);
    free(x);
}

static void make_npy(const char *name, sono_dtype dt, size_t rows,
                     size_t cols, double offset)
{
    size_t n = rows * cols * (dt == SONO_DTYPE_C64 ? 2 : 1);
    float *v = malloc(n * sizeof *v);
    if (!v)
        fail("out of memory");
    for (size_t i = 0; i < n; i++)
        v[i] = (float)(fabs(sin(0.7 * (double)i)) + offset);
    sono_npy_array a = {dt, 2, {rows, cols}, v};
    if (sono_npy_save(name, &a) != SONO_OK)
        fail("cannot make a .npy fixture");
    free(v);
}

static void make_pictures(void)
{
    sono_image im;
    if (sono_image_alloc(&im, 12, 8, 3, 8) != SONO_OK)
        fail("out of memory");
    for (size_t i = 0; i < 12 * 8 * 3; i++)
        ((uint8_t *)im.pixels)[i] = (uint8_t)(i * 37);
    if (sono_png_save("p.png", &im) != SONO_OK)
        fail("cannot make p.png");
    sono_image_free(&im);

    sono_spec s;
    memset(&s, 0, sizeof s);
    s.axes.sample_rate = 8000;
    sono_stft_params_default(&s.axes.stft);
    s.axes.stft.n_fft = 128;
    s.axes.scale = SONO_FREQ_AXIS_LINEAR;
    sono_mel_params_default(&s.axes.mel);
    sono_logfreq_params_default(&s.axes.logfreq);
    s.axes.length = 512;
    s.axes.power = 1;
    s.axes.ref = 1;
    s.axes.db_min = -120;
    s.axes.db_max = 0;
    s.rows = 65;
    s.frames = 5;
    float values[65 * 5], phase[65 * 5];
    for (size_t i = 0; i < 65 * 5; i++) {
        values[i] = (float)fabs(sin(0.7 * (double)i));
        phase[i] = (float)(3.0 * sin(1.3 * (double)i));
    }
    s.values = values;
    s.phase = phase;
    if (sono_spec_to_image(&s, &im) != SONO_OK ||
        sono_png_save("l.png", &im) != SONO_OK)
        fail("cannot make l.png");
    sono_image_free(&im);
}

/* Empties the scratch directory (the fuzz process's working directory). */
static void clean(void)
{
    DIR *d = opendir(".");
    if (!d)
        fail("cannot list the scratch directory");
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (unlink(e->d_name) != 0)
            rmdir(e->d_name);
    }
    closedir(d);
}

static void remove_scratch(void)
{
    if (scratch[0] && chdir(scratch) == 0) {
        clean();
        if (chdir("/") == 0)
            rmdir(scratch);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *base = getenv("SONO_FUZZ_TMP");
    if (!base || !*base)
        base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    snprintf(scratch, sizeof scratch, "%s/sono-fuzz-cli-XXXXXX", base);
    if (!mkdtemp(scratch) || chdir(scratch) != 0)
        fail("cannot make the scratch directory");
    atexit(remove_scratch);
    setenv("SONO_THREADS", "1", 1);
    /* sono loads OpenBLAS on first use, which reads this then. */
    setenv("OPENBLAS_NUM_THREADS", "1", 1);
    if (!freopen("/dev/null", "r", stdin))
        fail("cannot open /dev/null");
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl;
    if (getrlimit(RLIMIT_FSIZE, &rl) == 0 &&
        (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > ((rlim_t)64 << 20))) {
        rl.rlim_cur = (rlim_t)64 << 20;
        setrlimit(RLIMIT_FSIZE, &rl);
    }

    make_audio("a.wav", 1, 8000, 800, SONO_SAMPLE_FLOAT);
    make_audio("s.flac", 2, 22050, 1102, SONO_SAMPLE_PCM16);
    make_npy("m.npy", SONO_DTYPE_F32, 65, 5, 0.0);
    make_npy("c.npy", SONO_DTYPE_C64, 65, 5, -0.5);
    make_npy("f.npy", SONO_DTYPE_F32, 20, 5, -0.5);
    make_npy("n.npy", SONO_DTYPE_F32, 16, 5, 0.0);
    make_pictures();
    write_file("j.jpg", jpeg_16x8, sizeof jpeg_16x8);
    for (size_t i = 0; i < N_FIXTURES; i++)
        read_back(&fixtures[i]);
    clean();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1);
    char *argv[MAX_WORDS + 2];
    int argc = 1;
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    argv[0] = "sono";
    /* Words end at NUL and newline; an input ending in one has no empty
     * last word. */
    size_t start = 0;
    for (size_t i = 0; i < size && argc <= MAX_WORDS; i++) {
        if (buf[i] == '/')
            buf[i] = '_';   /* no path leaves the scratch directory */
        if (buf[i] == '\n' || buf[i] == '\0') {
            buf[i] = '\0';
            argv[argc++] = buf + start;
            start = i + 1;
        }
    }
    if (start < size && argc <= MAX_WORDS)
        argv[argc++] = buf + start;
    argv[argc] = NULL;

    clean();
    for (size_t i = 0; i < N_FIXTURES; i++)
        write_file(fixtures[i].name, fixtures[i].data, fixtures[i].size);
    cli_command = "";
    sono_cli_main(argc, argv);
    fflush(stdout);
    clean();
    free(buf);
    return 0;
}
