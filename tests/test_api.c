/* The library's contract: bad arguments are refused with a status code (no
 * crash, no output), and the documented error codes come back for bad
 * files and short signals.  SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE /* sched_setaffinity, CPU_COUNT */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static int stft_err(size_t n_fft, size_t hop, size_t win)
{
    sono_stft_params p;
    sono_stft_params_default(&p);
    p.n_fft = n_fft;
    p.hop_length = hop;
    p.win_length = win;
    int err = SONO_OK;
    sono_stft *s = sono_stft_new(&p, &err);
    sono_stft_free(s);
    return s ? SONO_OK : err;
}

static int mel_err(size_t n_mels, double fmin, double fmax, double sr)
{
    sono_mel_params p;
    sono_mel_params_default(&p);
    p.n_mels = n_mels;
    p.fmin = fmin;
    p.fmax = fmax;
    int err = SONO_OK;
    sono_mel *m = sono_mel_new(&p, sr, 2048, &err);
    sono_mel_free(m);
    return m ? SONO_OK : err;
}

/* sono_default_threads counts the processors the process may run on, as
 * nproc does, and a plan of 0 threads takes that many. */
static void default_threads(void)
{
    cpu_set_t all, one;
    CHECK(sched_getaffinity(0, sizeof all, &all) == 0, "reading the affinity mask");
    int n = CPU_COUNT(&all);
    CHECK(sono_default_threads() == (n < 64 ? n : 64), "%d processors allowed, %d threads",
          n, sono_default_threads());
    int first = 0;
    while (first < CPU_SETSIZE && !CPU_ISSET(first, &all))
        first++;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    CHECK(sched_setaffinity(0, sizeof one, &one) == 0, "narrowing to processor %d", first);
    CHECK(sono_default_threads() == 1, "on one processor: %d threads", sono_default_threads());
    sono_stft_params p;
    sono_stft_params_default(&p);
    int err = SONO_OK;
    sono_stft *s = sono_stft_new_block(&p, 0, 0, &err);
    CHECK(s && sono_stft_threads(s) == 1, "a plan of 0 threads on one processor: %d",
          s ? sono_stft_threads(s) : -1);
    sono_stft_free(s);
    CHECK(sched_setaffinity(0, sizeof all, &all) == 0, "restoring the affinity mask");
}

int main(int argc, char **argv)
{
    const char *data = argc > 1 ? argv[1] : "tests/data";
    default_threads();
    CHECK(stft_err(0, 0, 0) == SONO_ERR_INVALID, "n_fft 0");
    CHECK(stft_err(1, 0, 0) == SONO_ERR_INVALID, "n_fft 1");
    CHECK(stft_err((size_t)1 << 31, 0, 0) == SONO_ERR_INVALID, "n_fft 2^31");
    CHECK(stft_err((size_t)-8, 0, 0) == SONO_ERR_INVALID, "n_fft -8");
    CHECK(stft_err(2048, 4096, 0) == SONO_ERR_INVALID, "hop > win");
    CHECK(stft_err(2048, 0, 4096) == SONO_ERR_INVALID, "win > n_fft");
    CHECK(stft_err(2, 0, 0) == SONO_OK, "n_fft 2 works");
    CHECK(stft_err(22050, 7350, 11025) == SONO_OK, "odd sizes work");

    CHECK(mel_err(0, 0, 0, 22050) == SONO_ERR_INVALID, "n_mels 0");
    CHECK(mel_err(128, 9000, 8000, 22050) == SONO_ERR_INVALID, "fmin > fmax");
    CHECK(mel_err(128, 0, 0, 0) == SONO_ERR_INVALID, "sr 0");
    CHECK(mel_err(128, 0, 0, -1) == SONO_ERR_INVALID, "sr -1");
    CHECK(mel_err(128, 0, 0, NAN) == SONO_ERR_INVALID, "sr NaN");
    CHECK(mel_err(128, -5, 0, 22050) == SONO_ERR_INVALID, "fmin < 0");
    CHECK(mel_err(128, 0, 30000, 22050) == SONO_OK, "fmax > sr/2 allowed, as librosa");

    int err = SONO_OK;
    CHECK(sono_mfcc_new(40, 41, 0, &err) == NULL && err == SONO_ERR_INVALID, "n_mfcc > n_mels");
    CHECK(sono_mfcc_new(40, 13, -1, &err) == NULL && err == SONO_ERR_INVALID, "lifter < 0");

    sono_db d;
    sono_db_params dp;
    sono_db_params_default(&dp, 0);
    CHECK(sono_db_prepare(&d, &dp, NAN) == SONO_ERR_INVALID, "NaN peak");
    float bad[2] = {1.0f, NAN};
    CHECK(sono_to_db(bad, 2, &dp) == SONO_ERR_NONFINITE, "NaN input to dB");
    size_t where = 0;
    CHECK(sono_check_finite(bad, 2, &where) == SONO_ERR_NONFINITE && where == 1, "finite check");

    /* dB: librosa's definitions on a few values. */
    float v[3] = {1.0f, 0.01f, 0.0f};
    sono_to_db(v, 3, &dp);
    CHECK(fabs(v[0]) < 1e-6 && fabs(v[1] + 20) < 1e-5 && fabs(v[2] + 80) < 1e-5,
          "power_to_db %g %g %g", v[0], v[1], v[2]);
    float w[2] = {-20.0f, 0.0f};
    sono_from_db(w, 2, 1.0, 1);
    CHECK(fabs(w[0] - 0.1) < 1e-7 && w[1] == 1.0f, "db_to_amplitude %g", w[0]);

    /* Signals too short or empty. */
    sono_stft_params p;
    sono_stft_params_default(&p);
    size_t frames;
    CHECK(sono_stft_frame_count(&p, 0, &frames) == SONO_ERR_EMPTY, "empty");
    p.center = 0;
    CHECK(sono_stft_frame_count(&p, 2047, &frames) == SONO_ERR_TOO_SHORT, "short, no centre");
    sono_stft *s = sono_stft_new(&p, &err);
    sono_complex out[1025];
    float x[100] = {0};
    sono_stft_push(s, x, 100);
    sono_stft_finish(s);
    CHECK(sono_stft_pull(s, out) == SONO_ERR_TOO_SHORT, "pull on short signal");
    CHECK(sono_stft_push(s, x, 10) == 0, "push after finish refused");
    sono_stft_free(s);
    sono_stft_free(NULL);
    sono_istft_free(NULL);
    sono_mel_free(NULL);
    sono_mfcc_free(NULL);
    sono_source_close(NULL);
    sono_writer_close(NULL);
    sono_npy_writer_free(NULL);
    sono_npy_reader_close(NULL);

    /* Files. */
    sono_source_params sp;
    sono_source_params_default(&sp);
    CHECK(sono_source_open("/nonexistent/x.wav", &sp, &err) == NULL && err == SONO_ERR_IO,
          "missing file: %d", err);
    char path[4096];
    snprintf(path, sizeof path, "%s/../CMakeLists.txt", data);
    CHECK(sono_source_open(path, &sp, &err) == NULL && err == SONO_ERR_FORMAT,
          "text file: %d", err);
    snprintf(path, sizeof path, "%s/trumpet.ogg", data);
    sp.channel = 2;
    CHECK(sono_source_open(path, &sp, &err) == NULL && err == SONO_ERR_INVALID,
          "channel out of range");
    sp.channel = SONO_CHANNEL_MIX;
    sp.offset = NAN;
    CHECK(sono_source_open(path, &sp, &err) == NULL && err == SONO_ERR_INVALID, "NaN offset");

    /* Mono mixdown, one channel, offset and duration, resampling length. */
    sono_source_params_default(&sp);
    sono_signal mix, left, part, rs;
    CHECK(sono_load(path, &sp, &mix) == SONO_OK && mix.frames == 235201, "mix");
    sp.channel = 0;
    CHECK(sono_load(path, &sp, &left) == SONO_OK && left.frames == 235201, "left");
    sp.offset = 0.5;
    sp.duration = 1.0;
    CHECK(sono_load(path, &sp, &part) == SONO_OK && part.frames == 44100, "slice %zu",
          part.frames);
    CHECK(part.frames == 44100 && memcmp(part.data[0], left.data[0] + 22050,
                                         44100 * sizeof(float)) == 0,
          "offset and duration select the right samples");
    sono_source_params_default(&sp);
    sp.sample_rate = 22050;
    CHECK(sono_load(path, &sp, &rs) == SONO_OK && rs.frames == 117601 &&
          rs.sample_rate == 22050, "resampled length ceil(n * ratio): %zu", rs.frames);
    /* Resampling keeps a tone's level and pitch: compare energy. */
    double e1 = 0, e2 = 0;
    for (size_t i = 0; i < mix.frames; i++)
        e1 += (double)mix.data[0][i] * mix.data[0][i];
    for (size_t i = 0; i < rs.frames; i++)
        e2 += (double)rs.data[0][i] * rs.data[0][i];
    CHECK(fabs(e2 * 2 / e1 - 1) < 0.02, "resampled energy ratio %.4f", e2 * 2 / e1);
    sono_signal_free(&mix);
    sono_signal_free(&left);
    sono_signal_free(&part);
    sono_signal_free(&rs);

    /* Writing clips and counts, and leaves nothing when not committed. */
    float loud[4] = {0.5f, 1.5f, -3.0f, NAN};
    snprintf(path, sizeof path, "%s/../../build-test-clip.wav", data);
    sono_writer *wr = sono_writer_open("/nonexistent-dir/x.wav", SONO_CONTAINER_AUTO,
                                       SONO_SAMPLE_PCM16, 1, 44100, &err);
    CHECK(wr == NULL && err == SONO_ERR_IO, "unwritable directory");
    CHECK(sono_writer_open("x.flac", SONO_CONTAINER_AUTO, SONO_SAMPLE_FLOAT, 1,
                           44100, &err) == NULL && err == SONO_ERR_INVALID,
          "float FLAC refused");
    char tmpl[] = "/tmp/sono-test-XXXXXX";
    int fd = mkstemp(tmpl);
    CHECK(fd >= 0, "mkstemp");
    wr = sono_writer_open(tmpl, SONO_CONTAINER_WAV, SONO_SAMPLE_PCM16, 1, 8000, &err);
    CHECK(wr && sono_writer_write(wr, loud, 4) == SONO_OK, "write");
    CHECK(sono_writer_clipped(wr) == 3, "clipped count %llu",
          (unsigned long long)sono_writer_clipped(wr));
    CHECK(sono_writer_commit(wr) == SONO_OK, "commit");
    sono_writer_close(wr);
    sono_source_params_default(&sp);
    sono_signal back;
    CHECK(sono_load(tmpl, &sp, &back) == SONO_OK && back.frames == 4, "read back");
    CHECK(back.frames == 4 && fabs(back.data[0][1] - 1.0) < 1e-4 &&
          fabs(back.data[0][2] + 1.0) < 1e-4 && back.data[0][3] == 0.0f,
          "clipped to +-1, NaN to 0: %g %g %g", back.data[0][1], back.data[0][2],
          back.data[0][3]);
    sono_signal_free(&back);
    remove(tmpl);

    /* A FIFO at the target is refused, not replaced by a regular file. */
    char fifo_dir[] = "/tmp/sono-test-XXXXXX", fifo[64];
    CHECK(mkdtemp(fifo_dir) != NULL, "mkdtemp");
    snprintf(fifo, sizeof fifo, "%s/out.wav", fifo_dir);
    CHECK(mkfifo(fifo, 0600) == 0, "mkfifo");
    wr = sono_writer_open(fifo, SONO_CONTAINER_WAV, SONO_SAMPLE_PCM16, 1, 8000, &err);
    CHECK(wr == NULL && err == SONO_ERR_INVALID, "writer over a FIFO refused: %d", err);
    float one = 0.5f;
    sono_npy_array a = {SONO_DTYPE_F32, 1, {1}, &one};
    CHECK(sono_npy_save(fifo, &a) == SONO_ERR_INVALID, ".npy over a FIFO refused");
    struct stat st;
    CHECK(stat(fifo, &st) == 0 && S_ISFIFO(st.st_mode), "the FIFO is still there");
    remove(fifo);
    rmdir(fifo_dir);
    return test_summary("test_api");
}
