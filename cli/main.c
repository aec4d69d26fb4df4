/* sono: sound into spectrograms and back, from the shell.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name;
    int (*run)(int, char **);
    const char *summary;
} commands[] = {
    {"info", cmd_info, "what an audio file or a .npy holds"},
    {"stft", cmd_stft, "short-time Fourier transform to .npy"},
    {"istft", cmd_istft, "inverse STFT of a complex .npy to audio"},
    {"filter", cmd_filter, "Butterworth low-, high- or band-pass filter of audio"},
    {"mel", cmd_mel, "mel spectrogram to .npy"},
    {"logfreq", cmd_logfreq, "log-frequency spectrogram to .npy"},
    {"cqt", cmd_cqt, "constant-Q transform to .npy"},
    {"icqt", cmd_icqt, "inverse constant-Q transform of a complex .npy to audio"},
    {"mfcc", cmd_mfcc, "MFCCs to .npy"},
    {"features", cmd_features, "one feature per frame (centroid, onset, rms...) to .npy"},
    {"tempo", cmd_tempo, "the tempo in BPM (librosa's rule or the metrical level)"},
    {"similarity", cmd_similarity, "the self-similarity (recurrence) matrix, .npy or picture"},
    {"render", cmd_render, "spectrogram picture (PNG), colormapped or lossless"},
    {"invert", cmd_invert, "magnitude, mel, MFCC or lossless PNG to audio"},
    {"waveform", cmd_waveform, "the min/max envelope as a PNG, as audio editors draw it"},
    {"histogram", cmd_histogram, "amplitude histogram over time as a PNG"},
    {"image2sound", cmd_image2sound, "a picture into sound whose spectrogram shows it"},
    {"embed", cmd_embed, "frames laid out by similarity (PCA or t-SNE), .npy or a plot"},
    {"image-svd", cmd_image_svd, "a picture compressed to rank K per colour channel (SVD)"},
    {"transform", cmd_transform, "effects on the STFT (phase, order, masks, SVD, reorder, band-pass)"},
    {"bench", cmd_bench, "time the main workloads in-process (median of N runs, ms)"},
    {"batch", cmd_batch, "one command over every file of a directory tree, in parallel"},
};

cli_command_fn cli_find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(name, commands[i].name) == 0)
            return commands[i].run;
    return NULL;
}

static void usage(FILE *out)
{
    fprintf(out, "usage: sono COMMAND [ARGS...]\n"
                 "       sono COMMAND --help\n"
                 "       sono --version\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nNumbers follow librosa 0.10: rows of a .npy are frequency bins, mel bands\n"
                 "or coefficients, columns are frames.\n");
}

int main(int argc, char **argv)
{
    cli_memory_setup();
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        printf("sono %s\n", sono_version_string());
        return 0;
    }
    cli_command_fn run = cli_find_command(argv[1]);
    if (run) {
        cli_command = argv[1];
        int status = run(argc - 1, argv + 1);
        cli_end_warnings(status == 0);
        return status;
    }
    fprintf(stderr, "sono: %s: unknown command (see 'sono --help')\n", argv[1]);
    return EXIT_USAGE;
}
