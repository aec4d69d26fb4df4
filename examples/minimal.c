/* The smallest use of libsono: the mel spectrogram of an audio file in dB,
 * streamed frame by frame, printed as the mean level of each frame.
 *   cc minimal.c $(pkg-config --cflags --libs sono) -o minimal
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <stdlib.h>

#include <sono.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s AUDIOFILE\n", argv[0]);
        return 2;
    }
    int err = SONO_OK;
    sono_source_params sp;
    sono_source_params_default(&sp);
    sono_source *src = sono_source_open(argv[1], &sp, &err);
    if (!src) {
        fprintf(stderr, "%s: %s\n", argv[1], sono_strerror(err));
        return 1;
    }
    sono_stft_params p;
    sono_stft_params_default(&p);
    sono_mel_params mp;
    sono_mel_params_default(&mp);
    sono_stft *st = sono_stft_new(&p, &err);
    sono_mel *mel = sono_mel_new(&mp, sono_source_rate(src), p.n_fft, &err);
    size_t bins = sono_stft_bins(&p), frames = 0;
    sono_complex *frame = malloc(bins * sizeof *frame);
    float *power = malloc(bins * sizeof *power), bands[128], block[4096];
    sono_db_params dp;
    sono_db_params_default(&dp, 0); /* power_to_db, ref 1.0 */
    dp.top_db = -1;                 /* no floor: it would need the global peak */
    sono_db db;
    sono_db_prepare(&db, &dp, 1.0);

    size_t n;
    int finished = 0;
    while (!finished) {
        n = sono_source_read(src, block, 4096, &err);
        if (err != SONO_OK) {
            fprintf(stderr, "%s: %s\n", argv[1], sono_strerror(err));
            break;
        }
        if (n == 0) {
            sono_stft_finish(st);
            finished = 1;
        }
        for (size_t used = 0; used < n || finished;) {
            used += sono_stft_push(st, block + used, n - used);
            while (sono_stft_pull(st, frame) == 1) {
                sono_power(frame, power, bins);
                sono_mel_apply(mel, power, bands);
                sono_db_apply(&db, bands, bands, 128);
                double mean = 0;
                for (int i = 0; i < 128; i++)
                    mean += bands[i] / 128.0;
                printf("frame %zu: %.1f dB\n", frames++, mean);
            }
            if (finished)
                break;
        }
    }
    free(frame);
    free(power);
    sono_mel_free(mel);
    sono_stft_free(st);
    sono_source_close(src);
    return err == SONO_OK ? 0 : 1;
}
