/* Replays inputs through the fuzz targets of fuzz/ without libFuzzer, in the
 * ordinary build (and under the sanitizers in ./sono.sh test's second pass):
 * the inputs in tests/fuzz_regressions/TARGET/ each made a target fail once,
 * and must now pass.  A failure is a crash, a sanitizer report or an
 * abort() of one of the targets' own checks.
 *   fuzz_replay DIR                 every TARGET subdirectory of DIR
 *   fuzz_replay TARGET FILE...      single inputs (to reproduce a finding)
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each target's LLVMFuzzerTestOneInput and LLVMFuzzerInitialize, renamed
 * when compiled for this program (tests/CMakeLists.txt). */
typedef int (*one_fn)(const uint8_t *data, size_t size);
typedef int (*init_fn)(int *argc, char ***argv);
int sono_fuzz_audio(const uint8_t *data, size_t size);
int sono_fuzz_audio_init(int *argc, char ***argv);
int sono_fuzz_image(const uint8_t *data, size_t size);
int sono_fuzz_image_init(int *argc, char ***argv);
int sono_fuzz_npy(const uint8_t *data, size_t size);
int sono_fuzz_npy_init(int *argc, char ***argv);
#ifdef SONO_REPLAY_CLI
int sono_fuzz_cli(const uint8_t *data, size_t size);
int sono_fuzz_cli_init(int *argc, char ***argv);
#endif

static const struct {
    const char *name;
    one_fn one;
    init_fn init;
} targets[] = {
    {"audio", sono_fuzz_audio, sono_fuzz_audio_init},
    {"image", sono_fuzz_image, sono_fuzz_image_init},
    {"npy", sono_fuzz_npy, sono_fuzz_npy_init},
#ifdef SONO_REPLAY_CLI
    /* Last: it moves the process into a scratch directory. */
    {"cli", sono_fuzz_cli, sono_fuzz_cli_init},
#endif
};
#define N_TARGETS (sizeof targets / sizeof targets[0])

typedef struct input {
    char *path;       /* absolute: the cli target changes directory */
    size_t target;
} input;

static input *inputs;
static size_t n_inputs, cap_inputs;

static void add(const char *path, size_t target)
{
    char *abs = realpath(path, NULL);
    if (!abs) {
        perror(path);
        exit(1);
    }
    if (n_inputs == cap_inputs) {
        cap_inputs = cap_inputs ? 2 * cap_inputs : 64;
        inputs = realloc(inputs, cap_inputs * sizeof *inputs);
        if (!inputs)
            exit(1);
    }
    inputs[n_inputs].path = abs;
    inputs[n_inputs].target = target;
    n_inputs++;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of dir/name, in name order. */
static void add_dir(const char *dir, size_t target)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, targets[target].name);
    DIR *d = opendir(path);
    if (!d)
        return;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        if (!names || !(names[n] = strdup(e->d_name)))
            exit(1);
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        char file[PATH_MAX + 256];
        snprintf(file, sizeof file, "%s/%s", path, names[i]);
        add(file, target);
        free(names[i]);
    }
    free(names);
}

static unsigned char *read_file(const char *path, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    if (!fp || fseek(fp, 0, SEEK_END) != 0) {
        perror(path);
        exit(1);
    }
    long n = ftell(fp);
    rewind(fp);
    unsigned char *d = malloc(n > 0 ? (size_t)n : 1);
    if (n < 0 || !d || fread(d, 1, (size_t)n, fp) != (size_t)n) {
        perror(path);
        exit(1);
    }
    fclose(fp);
    *size = (size_t)n;
    return d;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: fuzz_replay DIR | fuzz_replay TARGET FILE...\n");
        return 2;
    }
    size_t t;
    for (t = 0; t < N_TARGETS; t++)
        if (strcmp(argv[1], targets[t].name) == 0)
            break;
    if (t < N_TARGETS) {
        for (int i = 2; i < argc; i++)
            add(argv[i], t);
    } else {
        for (t = 0; t < N_TARGETS; t++)
            add_dir(argv[1], t);
    }
    size_t counts[N_TARGETS] = {0};
    int initialised[N_TARGETS] = {0};
    for (size_t i = 0; i < n_inputs; i++) {
        size_t k = inputs[i].target;
        if (!initialised[k]) {
            targets[k].init(&argc, &argv);
            initialised[k] = 1;
        }
        size_t size;
        unsigned char *d = read_file(inputs[i].path, &size);
        printf("%s: %s (%zu bytes)\n", targets[k].name, inputs[i].path, size);
        fflush(stdout);
        targets[k].one(d, size);
        free(d);
        free(inputs[i].path);
        counts[k]++;
    }
    for (size_t k = 0; k < N_TARGETS; k++)
        printf("fuzz_replay: %s: %zu inputs passed\n", targets[k].name, counts[k]);
    free(inputs);
    return 0;
}
