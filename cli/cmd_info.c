/* sono info: what an audio file or a .npy holds.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* A 1-D .npy (`sono features --kind onset` writes one): its length, or 0
 * when the file is not one.  Such vectors are one value per frame, small
 * enough to load. */
static size_t vector_length(const char *path, sono_dtype *dt)
{
    sono_npy_array a;
    if (sono_npy_load(path, &a) != SONO_OK)
        return 0;
    size_t n = a.ndim == 1 ? a.shape[0] : 0;
    *dt = a.dtype;
    sono_npy_free(&a);
    return n;
}

static int npy_info(const char *path, int json)
{
    int err = SONO_OK;
    sono_dtype dt = SONO_DTYPE_F32;
    size_t rows = 0, cols = 0;
    sono_npy_reader *r = sono_npy_reader_open(path, &err);
    if (r) {
        sono_npy_reader_shape(r, &dt, &rows, &cols);
        sono_npy_reader_close(r);
    } else if (err != SONO_ERR_FORMAT || !(cols = vector_length(path, &dt))) {
        cli_npy_error(path, err, 1);
        return EXIT_FAIL;
    }
    const char *dts = dt == SONO_DTYPE_C64 ? "complex64" : "float32";
    if (json) {
        printf("{\"file\": ");
        cli_json_string(path);
        printf(", \"kind\": \"npy\", \"dtype\": \"%s\", \"shape\": [", dts);
        if (rows)
            printf("%zu, ", rows);
        printf("%zu]}\n", cols);
    } else {
        printf("file:     %s\nkind:     npy\ndtype:    %s\nshape:    ", path, dts);
        if (rows)
            printf("%zu x ", rows);
        printf("%zu\n", cols);
    }
    return 0;
}

int cmd_info(int argc, char **argv)
{
    const char *path = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            printf("usage: sono info FILE [--json]\n\n"
                   "Format, channels, sample rate, length and duration of an audio file,\n"
                   "or dtype and shape of a .npy matrix.\n");
            return 0;
        }
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            cli_error(argv[i], "unknown option (see 'sono info --help')");
            return EXIT_USAGE;
        } else if (path) {
            cli_error(argv[i], "unexpected argument: the file is already '%s'", path);
            return EXIT_USAGE;
        } else {
            path = argv[i];
        }
    }
    if (!path) {
        cli_error(NULL, "no file given (see 'sono info --help')");
        return EXIT_USAGE;
    }
    if (ends_with(path, ".npy"))
        return npy_info(path, json);
    sono_audio_info info;
    cli_quiet_begin();
    int err = sono_audio_probe(path, &info);
    cli_quiet_end();
    if (err != SONO_OK) {
        cli_probe_error(path, err, &info);
        return EXIT_FAIL;
    }
    double seconds = info.frames >= 0 ? (double)info.frames / info.sample_rate : -1;
    if (json) {
        printf("{\"file\": ");
        cli_json_string(path);
        printf(", \"kind\": \"audio\", \"format\": \"%s\", \"subtype\": \"%s\", "
               "\"channels\": %d, \"sample_rate\": %.0f, \"frames\": %lld, "
               "\"duration\": %.6f}\n",
               info.format, info.subtype, info.channels, info.sample_rate,
               (long long)info.frames, seconds);
    } else {
        printf("file:        %s\nformat:      %s (%s)\nchannels:    %d\n"
               "sample rate: %.0f Hz\nframes:      %lld\nduration:    %.3f s\n",
               path, info.format, info.subtype, info.channels, info.sample_rate,
               (long long)info.frames, seconds);
    }
    return 0;
}
