/* Failing allocations along the main paths, as FLAC's and libpng's tests do
 * it: each path (decode and STFT, block pulls of mel bands on 1 and 2
 * threads, mel and dB into a .npy, a rendered PNG
 * with axes, the lossless spectrogram image written and read, phase
 * reconstruction from a mel spectrogram on 1 and 2 threads, the streaming
 * inverse STFT) is run once to count its N allocations, then N times with
 * the k-th one failing, k = 1..N, then N times with every allocation from
 * the k-th on failing.  Each failed run must return SONO_ERR_NOMEM (or
 * succeed with output identical to the first run's, where a path does
 * without the allocation), leave no allocation live and no file in the
 * output directory; a last run must succeed with the first run's output.
 *
 * Links sono_alloc_testing: the library built with SONO_ALLOC_TESTING, whose
 * allocator takes its orders from src/alloc_testing.h.
 *
 * usage: test_alloc_fail DATA_DIR WORK_DIR
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../src/alloc_testing.h"
#include "testutil.h"

#define N_FFT 512
#define BINS (N_FFT / 2 + 1)
#define HOP 128
#define RATE 22050.0
#define N_MELS 32

/* ---- bytes the test collects (its own memory: plain malloc) ---- */

typedef struct bytes {
    unsigned char *p;
    size_t n, cap;
} bytes;

static void bytes_add(bytes *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 4096;
        while (cap < b->n + n)
            cap *= 2;
        unsigned char *q = realloc(b->p, cap);
        if (!q) {
            printf("FAIL: the test itself is out of memory\n");
            exit(1);
        }
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void bytes_free(bytes *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

static int bytes_equal(const bytes *a, const bytes *b)
{
    return a->n == b->n && (a->n == 0 || memcmp(a->p, b->p, a->n) == 0);
}

/* The offset of the first byte where a and b differ (for messages). */
static size_t first_difference(const bytes *a, const bytes *b)
{
    size_t i = 0;
    while (i < a->n && i < b->n && a->p[i] == b->p[i])
        i++;
    return i;
}

/* ---- what the paths start from, made before any counting ---- */

typedef struct fixture {
    char clip[4096];          /* a stereo FLAC: decoding, mixdown, resampling */
    char out[4096];           /* the output directory, empty between runs */
    char spec_mel[4096];      /* lossless images to read back */
    char spec_linear[4096];
    char stft_npy[4096];      /* a complex STFT, bins x frames */
    sono_stft_params stft;
    sono_mel_params mel;
    sono_source_params source;
    size_t frames, length;
    sono_complex *coef;       /* frames x BINS STFT of the selection */
    float *mag;               /* its magnitude */
    float *mel_power;         /* frames x N_MELS */
    int threads;              /* for phase reconstruction */
} fixture;

static void out_path(const fixture *fx, const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", fx->out, name);
}

/* ---- the paths: each returns a status and appends what it computed ---- */

typedef int (*path_fn)(const fixture *fx, bytes *d);

/* sono_source (FLAC, mixdown, 44.1 -> 22.05 kHz) into an STFT plan. */
static int path_stft(const fixture *fx, bytes *d)
{
    int err = SONO_OK;
    sono_source *src = sono_source_open(fx->clip, &fx->source, &err);
    sono_stft *st = src ? sono_stft_new(&fx->stft, &err) : NULL;
    float block[1000];
    sono_complex frame[BINS];
    if (!st)
        goto done;
    size_t n;
    while ((n = sono_source_read(src, block, 1000, &err)) > 0) {
        for (size_t used = 0; used < n;) {
            used += sono_stft_push(st, block + used, n - used);
            while (sono_stft_pull(st, frame) == 1)
                bytes_add(d, frame, sizeof frame);
        }
    }
    if (err == SONO_OK)
        err = sono_stft_finish(st);
    int r;
    while (err == SONO_OK && (r = sono_stft_pull(st, frame)) != 0) {
        if (r < 0)
            err = r;
        else
            bytes_add(d, frame, sizeof frame);
    }
done:
    sono_stft_free(st);
    sono_source_close(src);
    return err;
}

/* The same through a block plan of 16 frames on fx->threads threads, mel
 * bands pulled (what `sono mel` does). */
static int path_blocks(const fixture *fx, bytes *d)
{
    int err = SONO_OK, r = 0;
    sono_source *src = sono_source_open(fx->clip, &fx->source, &err);
    sono_stft *st = src ? sono_stft_new_block(&fx->stft, 16, fx->threads, &err) : NULL;
    sono_mel *mel = st ? sono_mel_new(&fx->mel, RATE, N_FFT, &err) : NULL;
    float block[1000], bands[16 * N_MELS];
    if (!mel)
        goto done;
    size_t n;
    while (r >= 0 && (n = sono_source_read(src, block, 1000, &err)) > 0) {
        for (size_t used = 0; r >= 0 && used < n;) {
            used += sono_stft_push(st, block + used, n - used);
            while ((r = sono_stft_pull_mel(st, mel, 2, bands, 16)) > 0)
                bytes_add(d, bands, (size_t)r * N_MELS * sizeof(float));
        }
    }
    if (err == SONO_OK && r >= 0)
        err = sono_stft_finish(st);
    while (err == SONO_OK && (r = sono_stft_pull_mel(st, mel, 2, bands, 16)) > 0)
        bytes_add(d, bands, (size_t)r * N_MELS * sizeof(float));
    if (err == SONO_OK && r < 0)
        err = r;
done:
    sono_mel_free(mel);
    sono_stft_free(st);
    sono_source_close(src);
    return err;
}

/* sono_load of the same selection. */
static int path_load(const fixture *fx, bytes *d)
{
    sono_signal sig;
    int err = sono_load(fx->clip, &fx->source, &sig);
    if (err == SONO_OK)
        bytes_add(d, sig.data[0], sig.frames * sizeof(float));
    sono_signal_free(&sig);
    return err;
}

typedef struct db_map {
    sono_db db;
} db_map;

static int db_column(void *ctx, const void *in, void *out)
{
    sono_db_apply(&((db_map *)ctx)->db, in, out, N_MELS);
    return SONO_OK;
}

typedef struct mel_job {
    sono_mel *mel;
    sono_npy_writer *w;
    float peak;
} mel_job;

static int mel_frame(mel_job *j, const sono_complex *frame)
{
    float power[BINS], bands[N_MELS];
    sono_power(frame, power, BINS);
    sono_mel_apply(j->mel, power, bands);
    for (int i = 0; i < N_MELS; i++)
        j->peak = bands[i] > j->peak ? bands[i] : j->peak;
    return sono_npy_writer_push(j->w, bands);
}

/* Decode, STFT, power, mel bands into the streaming .npy writer, power to
 * dB re max with top_db 80 as the columns are written (`sono mel --db`). */
static int path_mel(const fixture *fx, bytes *d)
{
    char path[4200];
    out_path(fx, "mel.npy", path, sizeof path);
    int err = SONO_OK, r;
    mel_job j = {NULL, NULL, 0.0f};
    sono_source *src = sono_source_open(fx->clip, &fx->source, &err);
    sono_stft *st = src ? sono_stft_new(&fx->stft, &err) : NULL;
    if (st)
        j.mel = sono_mel_new(&fx->mel, RATE, N_FFT, &err);
    if (j.mel)
        j.w = sono_npy_writer_new(path, SONO_DTYPE_F32, N_MELS, &err);
    float block[1000];
    sono_complex frame[BINS];
    (void)d;
    if (!j.w)
        goto done;
    size_t n;
    while (err == SONO_OK && (n = sono_source_read(src, block, 1000, &err)) > 0) {
        for (size_t used = 0; err == SONO_OK && used < n;) {
            used += sono_stft_push(st, block + used, n - used);
            while (err == SONO_OK && sono_stft_pull(st, frame) == 1)
                err = mel_frame(&j, frame);
        }
    }
    if (err == SONO_OK)
        err = sono_stft_finish(st);
    while (err == SONO_OK && (r = sono_stft_pull(st, frame)) != 0)
        err = r < 0 ? r : mel_frame(&j, frame);
    if (err == SONO_OK) {
        sono_db_params dp;
        sono_db_params_default(&dp, 0);
        dp.ref_is_max = 1;
        db_map m;
        err = sono_db_prepare(&m.db, &dp, j.peak);
        if (err == SONO_OK)
            err = sono_npy_writer_finish(j.w, db_column, &m, N_MELS, SONO_DTYPE_F32);
    }
done:
    sono_npy_writer_free(j.w);
    sono_mel_free(j.mel);
    sono_stft_free(st);
    sono_source_close(src);
    return err;
}

/* |STFT| in dB re max, resized as a stream of frames (sono_timeline),
 * coloured, framed with axes, saved as PNG (`sono render --size 64x48
 * --axes` of a long track). */
static int path_render(const fixture *fx, bytes *d)
{
    char path[4200];
    out_path(fx, "render.png", path, sizeof path);
    size_t w = fx->frames, h = BINS, n = w * h;
    float *db = malloc(n * sizeof *db);
    float *small = malloc(64 * 48 * sizeof *small);
    double hz[BINS];
    sono_image plot, framed;
    memset(&plot, 0, sizeof plot);
    memset(&framed, 0, sizeof framed);
    (void)d;
    memcpy(db, fx->mag, n * sizeof *db);
    sono_db_params dp;
    sono_db_params_default(&dp, 1);
    dp.ref_is_max = 1;
    int err = sono_to_db(db, n, &dp);
    for (size_t k = 0; k < h; k++)
        hz[k] = (double)k * RATE / N_FFT;
    sono_timeline *line = err == SONO_OK ? sono_timeline_new(w, h, 64, 48, small, &err) : NULL;
    for (size_t t = 0; line && err == SONO_OK && t < w; t += 50)
        err = sono_timeline_push(line, db + t * h, w - t < 50 ? w - t : 50);
    sono_timeline_free(line);
    if (err == SONO_OK)
        err = sono_colorize(small, 64, 48, -80.0, 0.0, SONO_CMAP_MAGMA, &plot);
    sono_axes a = {0.0, (double)fx->length / RATE, SONO_FREQ_AXIS_LINEAR, hz, h,
                   -80.0, 0.0, SONO_CMAP_MAGMA};
    if (err == SONO_OK)
        err = sono_draw_axes(&plot, &a, &framed);
    if (err == SONO_OK)
        err = sono_png_save(path, &framed);
    sono_image_free(&plot);
    sono_image_free(&framed);
    free(db);
    free(small);
    return err;
}

static sono_spec_axes spec_axes(const fixture *fx, sono_freq_axis scale)
{
    sono_spec_axes a;
    memset(&a, 0, sizeof a);
    a.sample_rate = RATE;
    a.stft = fx->stft;
    a.length = fx->length;
    a.scale = scale;
    a.mel = fx->mel;
    sono_logfreq_params_default(&a.logfreq);
    a.power = scale == SONO_FREQ_AXIS_MEL ? 2 : 1;
    a.ref = 1.0;
    a.db_min = -100.0;
    a.db_max = 10.0;
    return a;
}

/* The lossless image of a mel spectrogram (whose row count comes from a
 * filterbank the library makes), written as a PNG. */
static int path_lossless_write(const fixture *fx, bytes *d)
{
    char path[4200];
    out_path(fx, "spec.png", path, sizeof path);
    sono_spec s = {spec_axes(fx, SONO_FREQ_AXIS_MEL), N_MELS, fx->frames,
                   fx->mel_power, NULL};
    sono_image im;
    (void)d;
    int err = sono_spec_to_image(&s, &im);
    if (err == SONO_OK)
        err = sono_png_save(path, &im);
    sono_image_free(&im);
    return err;
}

/* Lossless images read back: a mel one, and a linear one with phase. */
static int path_lossless_read(const fixture *fx, bytes *d)
{
    const char *files[2] = {fx->spec_mel, fx->spec_linear};
    int err = SONO_OK;
    for (int i = 0; i < 2 && err == SONO_OK; i++) {
        sono_image im;
        sono_spec s;
        memset(&s, 0, sizeof s);
        err = sono_image_load(files[i], &im);
        if (err == SONO_OK)
            err = sono_spec_from_image(&im, &s);
        if (err == SONO_OK) {
            bytes_add(d, s.values, s.rows * s.frames * sizeof(float));
            if (s.phase)
                bytes_add(d, s.phase, s.rows * s.frames * sizeof(float));
        }
        sono_spec_free(&s);
        sono_image_free(&im);
    }
    return err;
}

static int write_wav(const char *path, sono_sample_format f, const float *y, size_t n)
{
    int err = SONO_OK;
    sono_writer *w = sono_writer_open(path, SONO_CONTAINER_WAV, f, 1, RATE, &err);
    if (w)
        err = sono_writer_write(w, y, n);
    if (w && err == SONO_OK)
        err = sono_writer_commit(w);
    sono_writer_close(w);
    return err;
}

/* mel_to_stft (NNLS), then PGHI and 4 accelerated Griffin-Lim iterations
 * on fx->threads threads, into a WAV (`sono invert M.npy`). */
static int path_invert(const fixture *fx, bytes *d)
{
    char path[4200];
    out_path(fx, "invert.wav", path, sizeof path);
    float *mag = malloc(fx->frames * BINS * sizeof *mag);
    float *y = malloc(fx->length * sizeof *y);
    int err = SONO_OK;
    sono_mel *mel = sono_mel_new(&fx->mel, RATE, N_FFT, &err);
    if (mel)
        err = sono_mel_to_stft(mel, fx->mel_power, fx->frames, 2.0, mag);
    if (mel && err == SONO_OK) {
        bytes_add(d, mag, fx->frames * BINS * sizeof *mag);
        sono_phase_params pp;
        sono_phase_params_default(&pp);
        pp.iterations = 4;
        pp.threads = fx->threads;
        err = sono_phase_reconstruct(&fx->stft, mag, fx->frames, &pp, fx->length, y);
    }
    if (mel && err == SONO_OK)
        err = write_wav(path, SONO_SAMPLE_FLOAT, y, fx->length);
    sono_mel_free(mel);
    free(mag);
    free(y);
    return err;
}

/* A complex .npy read column by column into the streaming inverse STFT,
 * written as 16-bit PCM (`sono istft`). */
static int path_istft(const fixture *fx, bytes *d)
{
    char path[4200];
    out_path(fx, "istft.wav", path, sizeof path);
    float *y = malloc(fx->length * sizeof *y);
    sono_complex column[BINS];
    size_t got = 0;
    int err = SONO_OK, r;
    sono_npy_reader *rd = sono_npy_reader_open(fx->stft_npy, &err);
    sono_istft *is = rd ? sono_istft_new(&fx->stft, fx->length, &err) : NULL;
    (void)d;
    while (is && err == SONO_OK && (r = sono_npy_reader_next(rd, column)) != 0) {
        if (r < 0) {
            err = r;
            break;
        }
        while ((err = sono_istft_push(is, column)) == SONO_ERR_STATE)
            got += sono_istft_pull(is, y + got, fx->length - got);
    }
    if (is && err == SONO_OK)
        err = sono_istft_finish(is);
    if (is && err == SONO_OK) {
        got += sono_istft_pull(is, y + got, fx->length - got);
        err = got == fx->length ? SONO_OK : SONO_ERR_STATE;
    }
    if (err == SONO_OK)
        err = write_wav(path, SONO_SAMPLE_PCM16, y, fx->length);
    sono_istft_free(is);
    sono_npy_reader_close(rd);
    free(y);
    return err;
}

/* ---- the output directory ---- */

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir (without . and ..), sorted; *n receives the count. */
static char **list_dir(const char *dir, size_t *n)
{
    DIR *dp = opendir(dir);
    char **names = NULL;
    *n = 0;
    if (!dp)
        return NULL;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char **grown = realloc(names, (*n + 1) * sizeof *names);
        if (!grown)
            break;
        names = grown;
        names[(*n)++] = strdup(e->d_name);
    }
    closedir(dp);
    if (names)
        qsort(names, *n, sizeof *names, compare_names);
    return names;
}

/* Appends every output file's name and bytes to d and removes it. */
static void take_outputs(const fixture *fx, bytes *d)
{
    size_t n;
    char **names = list_dir(fx->out, &n);
    for (size_t i = 0; i < n; i++) {
        char path[8300];
        snprintf(path, sizeof path, "%s/%s", fx->out, names[i]);
        bytes_add(d, names[i], strlen(names[i]) + 1);
        FILE *f = fopen(path, "rb");
        unsigned char buf[65536];
        size_t got;
        while (f && (got = fread(buf, 1, sizeof buf, f)) > 0)
            bytes_add(d, buf, got);
        if (f)
            fclose(f);
        unlink(path);
        free(names[i]);
    }
    free(names);
}

/* The first name left in the output directory, or NULL (the caller frees). */
static char *left_behind(const fixture *fx)
{
    size_t n;
    char **names = list_dir(fx->out, &n);
    char *first = n > 0 ? names[0] : NULL;
    for (size_t i = 1; i < n; i++)
        free(names[i]);
    free(names);
    return first;
}

/* ---- the harness ---- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ALLOC_FAIL_VERBOSE=1 in the environment names each run before it starts,
 * to find the one that crashes. */
static int verbose;

typedef struct tally {
    long nomem;      /* failed runs that returned SONO_ERR_NOMEM */
    long recovered;  /* runs that did without the refused allocation */
} tally;

/* One run with the k-th allocation (and all later ones when and_after)
 * refused; checks the outcome against the baseline. */
static void fail_once(const char *name, path_fn fn, const fixture *fx,
                      const bytes *base, long k, int and_after, tally *t)
{
    bytes got = {0};
    long live = sono__alloc_live();
    if (verbose)
        printf("%s: refusing allocation %s %ld\n", name, and_after ? "from" : "at", k);
    sono__alloc_fail(k, and_after);
    int err = fn(fx, &got);
    long refused = sono__alloc_refused();
    sono__alloc_fail(0, 0);
    const char *mode = and_after ? "from" : "at";
    CHECK(refused >= 1, "%s: allocation %s %ld was never asked for", name, mode, k);
    CHECK(sono__alloc_live() == live, "%s: failing %s %ld leaves %ld allocations live",
          name, mode, k, sono__alloc_live() - live);
    if (err == SONO_OK) {
        take_outputs(fx, &got);
        CHECK(bytes_equal(&got, base),
              "%s: succeeded with allocation %s %ld refused, but its output differs "
              "from byte %zu", name, mode, k, first_difference(&got, base));
        t->recovered++;
    } else {
        char *left = left_behind(fx);
        CHECK(err == SONO_ERR_NOMEM, "%s: failing %s %ld returned %d (%s), not SONO_ERR_NOMEM",
              name, mode, k, err, sono_strerror(err));
        CHECK(left == NULL, "%s: failing %s %ld left %s in the output directory",
              name, mode, k, left ? left : "");
        free(left);
        take_outputs(fx, &got);
        t->nomem += err == SONO_ERR_NOMEM;
    }
    bytes_free(&got);
}

/* Runs a path with nothing failing, then with each allocation failing; the
 * baseline is returned in *base for comparisons between paths. */
static void run_path(const char *name, path_fn fn, const fixture *fx, bytes *base)
{
    double t0 = now();
    long live = sono__alloc_live(), c0 = sono__alloc_count();
    int err = fn(fx, base);
    long n = sono__alloc_count() - c0;
    take_outputs(fx, base);
    CHECK(err == SONO_OK, "%s: fails with nothing refused: %s", name, sono_strerror(err));
    CHECK(sono__alloc_live() == live, "%s: leaves %ld allocations live", name,
          sono__alloc_live() - live);
    CHECK(n > 0, "%s: makes no allocation", name);
    tally single = {0, 0}, after = {0, 0};
    for (long k = 1; k <= n; k++)
        fail_once(name, fn, fx, base, k, 0, &single);
    for (long k = 1; k <= n; k++)
        fail_once(name, fn, fx, base, k, 1, &after);
    bytes again = {0};
    c0 = sono__alloc_count();
    err = fn(fx, &again);
    long n2 = sono__alloc_count() - c0;
    take_outputs(fx, &again);
    CHECK(err == SONO_OK && bytes_equal(&again, base),
          "%s: a last run without failures gives %d (%s) and %zu bytes, the first "
          "%zu; they differ from byte %zu", name, err, sono_strerror(err), again.n,
          base->n, first_difference(&again, base));
    CHECK(n2 == n, "%s: %ld allocations the first time, %ld the last", name, n, n2);
    bytes_free(&again);
    printf("%-16s %4ld allocations: one refused -> %ld NOMEM, %ld recovered; "
           "all from k on -> %ld NOMEM, %ld recovered; %.2f s\n",
           name, n, single.nomem, single.recovered, after.nomem, after.recovered,
           now() - t0);
}

/* ---- set-up ---- */

static int setup(fixture *fx, const char *data, const char *work)
{
    memset(fx, 0, sizeof *fx);
    char dir[3000];
    if (strlen(work) > 2900) {
        printf("FAIL: %s: too long a path\n", work);
        return -1;
    }
    snprintf(dir, sizeof dir, "%s/alloc_fail.%ld", work, (long)getpid());
    snprintf(fx->clip, sizeof fx->clip, "%s/trumpet.flac", data);
    snprintf(fx->out, sizeof fx->out, "%s/out", dir);
    snprintf(fx->spec_mel, sizeof fx->spec_mel, "%s/spec_mel.png", dir);
    snprintf(fx->spec_linear, sizeof fx->spec_linear, "%s/spec_linear.png", dir);
    snprintf(fx->stft_npy, sizeof fx->stft_npy, "%s/stft.npy", dir);
    if (mkdir(dir, 0777) != 0 || mkdir(fx->out, 0777) != 0) {
        printf("FAIL: cannot create %s\n", fx->out);
        return -1;
    }
    fx->stft = test_stft_params(N_FFT, HOP, N_FFT, SONO_WINDOW_HANN, 1, SONO_PAD_CONSTANT);
    sono_mel_params_default(&fx->mel);
    fx->mel.n_mels = N_MELS;
    sono_source_params_default(&fx->source);
    fx->source.offset = 0.5;
    fx->source.duration = 0.25;
    fx->source.sample_rate = RATE;

    sono_signal sig;
    int err = sono_load(fx->clip, &fx->source, &sig);
    if (err != SONO_OK) {
        printf("FAIL: cannot load %s: %s\n", fx->clip, sono_strerror(err));
        return -1;
    }
    fx->length = sig.frames;
    err = sono_stft_frame_count(&fx->stft, fx->length, &fx->frames);
    size_t cells = fx->frames * BINS;
    fx->coef = malloc(cells * sizeof *fx->coef);
    fx->mag = malloc(cells * sizeof *fx->mag);
    fx->mel_power = malloc(fx->frames * N_MELS * sizeof *fx->mel_power);
    float *power = malloc(cells * sizeof *power);
    sono_stft *st = sono_stft_new(&fx->stft, &err);
    sono_mel *mel = sono_mel_new(&fx->mel, RATE, N_FFT, &err);
    if (st)
        err = sono_stft_run(st, sig.data[0], fx->length, fx->coef);
    sono_signal_free(&sig);
    if (st && mel && err == SONO_OK) {
        sono_magnitude(fx->coef, fx->mag, cells);
        sono_power(fx->coef, power, cells);
        for (size_t t = 0; t < fx->frames; t++)
            sono_mel_apply(mel, power + t * BINS, fx->mel_power + t * N_MELS);
    }
    sono_stft_free(st);
    sono_mel_free(mel);
    free(power);
    if (!st || !mel || err != SONO_OK) {
        printf("FAIL: cannot make the fixtures: %s\n", sono_strerror(err));
        return -1;
    }

    /* Librosa's layout on disk: bins x frames. */
    sono_complex *t = malloc(cells * sizeof *t);
    for (size_t f = 0; f < fx->frames; f++)
        for (size_t k = 0; k < BINS; k++)
            t[k * fx->frames + f] = fx->coef[f * BINS + k];
    sono_npy_array a = {SONO_DTYPE_C64, 2, {BINS, fx->frames}, t};
    err = sono_npy_save(fx->stft_npy, &a);
    free(t);

    float *phase = malloc(cells * sizeof *phase);
    sono_phase(fx->coef, phase, cells);
    sono_spec lin = {spec_axes(fx, SONO_FREQ_AXIS_LINEAR), BINS, fx->frames, fx->mag, phase};
    sono_spec mels = {spec_axes(fx, SONO_FREQ_AXIS_MEL), N_MELS, fx->frames,
                      fx->mel_power, NULL};
    sono_image im;
    if (err == SONO_OK && (err = sono_spec_to_image(&lin, &im)) == SONO_OK) {
        err = sono_png_save(fx->spec_linear, &im);
        sono_image_free(&im);
    }
    if (err == SONO_OK && (err = sono_spec_to_image(&mels, &im)) == SONO_OK) {
        err = sono_png_save(fx->spec_mel, &im);
        sono_image_free(&im);
    }
    free(phase);
    if (err != SONO_OK) {
        printf("FAIL: cannot write the fixture files: %s\n", sono_strerror(err));
        return -1;
    }
    printf("fixtures: %zu samples at %g Hz, %zu frames of %d bins\n", fx->length,
           RATE, fx->frames, BINS);
    return 0;
}

static void teardown(fixture *fx)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", fx->out);
    char *slash = strrchr(dir, '/');
    rmdir(fx->out);
    unlink(fx->spec_mel);
    unlink(fx->spec_linear);
    unlink(fx->stft_npy);
    if (slash) {
        *slash = '\0';
        rmdir(dir);
    }
    free(fx->coef);
    free(fx->mag);
    free(fx->mel_power);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s DATA_DIR WORK_DIR\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IONBF, 0); /* what was reached, should one crash */
    verbose = getenv("ALLOC_FAIL_VERBOSE") != NULL;
    double t0 = now();
    fixture fx;
    if (setup(&fx, argv[1], argv[2]) != 0)
        return 1;
    fx.threads = 1;
    bytes b[11] = {{0}};
    run_path("stft", path_stft, &fx, &b[0]);
    run_path("load", path_load, &fx, &b[1]);
    run_path("mel", path_mel, &fx, &b[2]);
    run_path("render", path_render, &fx, &b[3]);
    run_path("lossless-write", path_lossless_write, &fx, &b[4]);
    run_path("lossless-read", path_lossless_read, &fx, &b[5]);
    run_path("invert", path_invert, &fx, &b[6]);
    run_path("blocks", path_blocks, &fx, &b[9]);
    fx.threads = 2;
    run_path("invert-2threads", path_invert, &fx, &b[7]);
    run_path("istft", path_istft, &fx, &b[8]);
    run_path("blocks-2threads", path_blocks, &fx, &b[10]);
    CHECK(bytes_equal(&b[6], &b[7]), "invert: 1 and 2 threads differ from byte %zu",
          first_difference(&b[6], &b[7]));
    CHECK(bytes_equal(&b[9], &b[10]), "blocks: 1 and 2 threads differ from byte %zu",
          first_difference(&b[9], &b[10]));
    for (int i = 0; i < 11; i++)
        bytes_free(&b[i]);
    teardown(&fx);
    printf("%.2f s in all\n", now() - t0);
    if (test_failures) {
        printf("%d failures\n", test_failures);
        return 1;
    }
    printf("all paths clean\n");
    return 0;
}
