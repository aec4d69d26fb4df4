/* sono bench: times the library's main workloads in-process, on audio
 * decoded before any clock starts: one warm-up run, then the median of N.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * bench/peers.py runs the same workloads through torchaudio and the numpy
 * model of librosa on the same samples, so that comparisons are made in one
 * run on one machine. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bench.h"
#include "cli.h"

#define MAX_RUNS 1000

static void help(void)
{
    printf("usage: sono bench [--workload NAME]... [--input FILE] [--runs N] [--threads N] [--json]\n\n"
           "Times each workload in-process on the samples of FILE, decoded (mono) before\n"
           "any clock starts: one warm-up run, then the median of N runs, in milliseconds.\n"
           "A run goes from samples in memory to the result in memory; STFT plans and\n"
           "filterbanks are made inside it, as a librosa call makes them.\n\n"
           "workloads (default: all, in this order):\n");
    for (size_t i = 0; i < bench_workload_count; i++)
        printf("  %-11s %s%s%s\n", bench_workloads[i].name, bench_workloads[i].what,
               bench_workloads[i].unavailable ? "; not available: " : "",
               bench_workloads[i].unavailable ? bench_workloads[i].unavailable : "");
    printf("\noptions:\n"
           "  --workload NAME      time this workload (repeatable)\n"
           "  --input FILE         the audio (default: %s)\n"
           "  --runs N             timed runs after the warm-up, 1 to %d (default: 5)\n"
           "  --threads N          worker threads of stft, mel, mfcc, griffinlim and\n"
           "                       fft-floor, 1 to 64 (default: SONO_THREADS, else all\n"
           "                       cores); resample is single-threaded\n"
           "  --json               one JSON object: the median ms of every workload (null\n"
           "                       when not available), every run's ms, runs, input,\n"
           "                       rate, samples, frames, threads\n\n"
           "bench/make_input.sh makes a 120 s 44.1 kHz input; bench/peers.py runs the\n"
           "same workloads through torchaudio and the numpy model of librosa.\n",
#ifdef SONO_BENCH_DEFAULT_INPUT
           SONO_BENCH_DEFAULT_INPUT,
#else
           "none: give --input",
#endif
           MAX_RUNS);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, size_t n)
{
    double s[MAX_RUNS];
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

/* Whether any selected workload needs the input at 22.05 kHz. */
static int needs_22k(const int *selected)
{
    for (size_t i = 0; i < bench_workload_count; i++)
        if (selected[i] && (strcmp(bench_workloads[i].name, "mfcc") == 0 ||
                            strcmp(bench_workloads[i].name, "cqt") == 0 ||
                            strcmp(bench_workloads[i].name, "griffinlim") == 0))
            return 1;
    return 0;
}

/* Times workload w: setup, one warm-up, runs timed runs into ms[]. */
static int time_workload(const bench_workload *w, const bench_input *in, size_t runs,
                         double *ms)
{
    void *state = NULL;
    int err = w->setup(in, &state);
    if (err == SONO_OK)
        err = w->run(state);
    for (size_t r = 0; err == SONO_OK && r < runs; r++) {
        double t0 = now_ms();
        err = w->run(state);
        ms[r] = now_ms() - t0;
    }
    w->release(state);
    if (err != SONO_OK)
        cli_error(w->name, "failed: %s", sono_strerror(err));
    return err;
}

int cmd_bench(int argc, char **argv)
{
    cli_args a = {argc, argv, 1, NULL};
    int selected[16] = {0}, any = 0, json = 0, m;
    size_t runs = 5, threads = 0;
    const char *input = NULL;
    while (a.i < argc) {
        if (strcmp(argv[a.i], "-h") == 0 || strcmp(argv[a.i], "--help") == 0) {
            help();
            return 0;
        }
        if ((m = cli_match(&a, "--workload", 1)) != 0) {
            const char *names[16];
            int k;
            for (size_t i = 0; i < bench_workload_count; i++)
                names[i] = bench_workloads[i].name;
            if (m < 0 || cli_choice("--workload", a.value, names,
                                    (int)bench_workload_count, &k))
                return EXIT_USAGE;
            selected[k] = any = 1;
            continue;
        }
        if ((m = cli_match(&a, "--input", 1)) != 0) {
            if (m < 0)
                return EXIT_USAGE;
            if (!*a.value) {
                cli_error("--input", "must name a file, got ''");
                return EXIT_USAGE;
            }
            input = a.value;
            continue;
        }
        if ((m = cli_match(&a, "--runs", 1)) != 0) {
            if (m < 0 || cli_size("--runs", a.value, 1, MAX_RUNS, &runs))
                return EXIT_USAGE;
            continue;
        }
        if ((m = cli_match(&a, "--threads", 1)) != 0) {
            if (m < 0 || cli_size("--threads", a.value, 1, 64, &threads))
                return EXIT_USAGE;
            continue;
        }
        if ((m = cli_match(&a, "--json", 0)) != 0) {
            json = 1;
            continue;
        }
        if (argv[a.i][0] == '-' && argv[a.i][1] != '\0')
            cli_error(argv[a.i], "unknown option (see 'sono bench --help')");
        else
            cli_error(argv[a.i], "unexpected argument: the input is given with --input");
        return EXIT_USAGE;
    }
    if (!any)
        for (size_t i = 0; i < bench_workload_count; i++)
            selected[i] = 1;
    const char *e = getenv("SONO_THREADS");
    if (threads == 0 && e && *e && cli_size("SONO_THREADS", e, 1, 64, &threads))
        return EXIT_USAGE;
    if (!input) {
#ifdef SONO_BENCH_DEFAULT_INPUT
        struct stat st;
        input = SONO_BENCH_DEFAULT_INPUT;
        if (stat(input, &st) != 0) {
            cli_error("--input", "not given, and the default clip '%s' is not there "
                      "(the source tree's): give --input FILE", input);
            return EXIT_USAGE;
        }
#else
        cli_error("--input", "not given: give --input FILE");
        return EXIT_USAGE;
#endif
    }

    /* Decode (and resample for the 22.05 kHz workloads) before any clock. */
    sono_source_params sp;
    sono_signal sig = {0};
    sono_source_params_default(&sp);
    errno = 0;
    cli_quiet_begin();
    int err = sono_load(input, &sp, &sig);
    cli_quiet_end();
    if (err != SONO_OK) {
        cli_audio_error(input, err);
        return EXIT_FAIL;
    }
    bench_input in = {sig.data[0], sig.frames, sig.sample_rate, NULL, 0, (int)threads};
    float *x22 = NULL;
    int status = 0;
    if (needs_22k(selected)) {
        if (in.rate == BENCH_RATE_22K) {
            in.x22 = in.x;
            in.n22 = in.n;
        } else {
            in.n22 = sono_resample_length(in.n, in.rate, BENCH_RATE_22K);
            if (!(x22 = malloc((in.n22 ? in.n22 : 1) * sizeof *x22)) ||
                (err = sono_resample(in.x, in.n, in.rate, BENCH_RATE_22K, x22)) != SONO_OK) {
                cli_error(input, "cannot resample to 22050 Hz: %s",
                          sono_strerror(x22 ? err : SONO_ERR_NOMEM));
                status = EXIT_FAIL;
                goto done;
            }
            in.x22 = x22;
        }
    }

    sono_stft_params p;
    size_t frames = 0;
    sono_stft_params_default(&p);
    p.n_fft = BENCH_N_FFT;
    p.hop_length = BENCH_HOP;
    sono_stft_frame_count(&p, in.n, &frames);
    int n_threads = threads ? (int)threads : sono_default_threads();
    in.threads = n_threads;

    static double ms[16][MAX_RUNS];
    int done_ok[16] = {0};
    if (!json)
        printf("sono bench: %s, %.0f Hz, %.2f s (%zu samples, %zu frames); median of %zu "
               "run%s after 1 warm-up; %d thread%s (resample single-threaded)\n", input, in.rate,
               (double)in.n / in.rate, in.n, frames, runs, runs == 1 ? "" : "s", n_threads,
               n_threads == 1 ? "" : "s");
    for (size_t i = 0; i < bench_workload_count; i++) {
        const bench_workload *w = &bench_workloads[i];
        if (!selected[i])
            continue;
        if (!w->setup) {
            if (!json)
                printf("%-11s not available (%s)\n", w->name, w->unavailable);
            continue;
        }
        if (time_workload(w, &in, runs, ms[i]) != SONO_OK) {
            status = EXIT_FAIL;
            goto done;
        }
        done_ok[i] = 1;
        if (!json) {
            printf("%-11s %10.3f ms\n", w->name, median(ms[i], runs));
            fflush(stdout);
        }
    }
    if (json) {
        printf("{\"input\": ");
        cli_json_string(input);
        printf(", \"rate\": %.17g, \"samples\": %zu, \"seconds\": %.17g, \"frames\": %zu, "
               "\"n_fft\": %d, \"hop\": %d, \"runs\": %zu, \"warmup\": 1, \"threads\": %d, "
               "\"ms\": {", in.rate, in.n, (double)in.n / in.rate, frames, BENCH_N_FFT,
               BENCH_HOP, runs, n_threads);
        const char *sep = "";
        for (size_t i = 0; i < bench_workload_count; i++) {
            if (!selected[i])
                continue;
            if (done_ok[i])
                printf("%s\"%s\": %.6f", sep, bench_workloads[i].name, median(ms[i], runs));
            else
                printf("%s\"%s\": null", sep, bench_workloads[i].name);
            sep = ", ";
        }
        printf("}, \"runs_ms\": {");
        sep = "";
        for (size_t i = 0; i < bench_workload_count; i++) {
            if (!done_ok[i])
                continue;
            printf("%s\"%s\": [", sep, bench_workloads[i].name);
            for (size_t r = 0; r < runs; r++)
                printf("%s%.6f", r ? ", " : "", ms[i][r]);
            printf("]");
            sep = ", ";
        }
        printf("}, \"unavailable\": {");
        sep = "";
        for (size_t i = 0; i < bench_workload_count; i++) {
            if (!selected[i] || bench_workloads[i].setup)
                continue;
            printf("%s\"%s\": ", sep, bench_workloads[i].name);
            cli_json_string(bench_workloads[i].unavailable);
            sep = ", ";
        }
        printf("}}\n");
    }
done:
    free(x22);
    sono_signal_free(&sig);
    return status;
}
