/* sono image-svd: a picture compressed to a low-rank approximation of each
 * colour channel.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The library does the work (sono_low_rank, one channel at a time, in
 * place); this file turns the picture into 8-bit channels and back, and
 * writes the result whole or not at all. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/* The sketch of the randomized SVD is drawn from this seed: the same
 * picture and rank always give the same file. */
#define SEED 0

static void help(void)
{
    printf("usage: sono image-svd IN.png|IN.jpg -o OUT.png --rank K\n\n"
           "The best rank-K approximation (truncated SVD, as scikit-learn's TruncatedSVD)\n"
           "of each colour channel of the picture, as 8-bit values: each channel, a\n"
           "height x width matrix, is replaced by the sum of its K largest singular\n"
           "components, rounded and clipped to 0..255.  Grey pictures stay grey; an\n"
           "alpha channel is kept as it is.  16-bit pictures are read as 8-bit.\n\n"
           "Prints one line per colour channel, e.g.\n"
           "  R: rank 20, storage ratio 0.223111\n"
           "(R, G, B, or grey), with the rank kept (K, or the picture's smaller side when\n"
           "that is less) and the storage ratio K (1 + height + width) / (height width)\n"
           "of keeping the factors instead of the pixels.\n\n"
           "  -o, --output FILE    the PNG to write (required)\n"
           "  --rank K             the rank, 1 to %u (required)\n",
           SONO_IMAGE_MAX_SIDE);
}

/* Sample i of an 8- or 16-bit picture, as 8 bits (16-bit values rounded). */
static unsigned sample8(const sono_image *im, size_t i)
{
    if (im->depth == 16) {
        unsigned v = ((const uint16_t *)im->pixels)[i];
        return (v * 255u + 32767u) / 65535u;
    }
    return ((const uint8_t *)im->pixels)[i];
}

/* Approximates each colour channel of im into the 8-bit picture out (same
 * size and channels); alpha is copied.  0 or an exit status, reported. */
static int approximate(const char *input, const sono_image *im, size_t rank,
                       sono_image *out)
{
    size_t w = im->width, h = im->height, n = w * h, ch = (size_t)im->channels;
    size_t colours = ch >= 3 ? 3 : 1;
    uint8_t *px = out->pixels;
    float *buf = malloc(n * sizeof *buf);
    if (!buf) {
        cli_error(input, "%s", sono_strerror(SONO_ERR_NOMEM));
        return EXIT_FAIL;
    }
    for (size_t c = 0; c < ch; c++) {
        if (c >= colours) { /* alpha */
            for (size_t i = 0; i < n; i++)
                px[i * ch + c] = (uint8_t)sample8(im, i * ch + c);
            continue;
        }
        for (size_t i = 0; i < n; i++)
            buf[i] = (float)sample8(im, i * ch + c);
        int err = sono_low_rank(buf, h, w, rank, SEED, buf, NULL);
        if (err != SONO_OK) {
            cli_error(input, "cannot approximate the picture: %s", sono_strerror(err));
            free(buf);
            return EXIT_FAIL;
        }
        for (size_t i = 0; i < n; i++) {
            double v = rint(buf[i]); /* halves to even, as numpy.rint */
            px[i * ch + c] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }
    free(buf);
    return 0;
}

static int run(const cli_common *c, size_t rank)
{
    sono_image im, out;
    int err = sono_image_load(c->input, &im);
    if (err != SONO_OK) {
        cli_image_error(c->input, err);
        return EXIT_FAIL;
    }
    err = sono_image_alloc(&out, im.width, im.height, im.channels, 8);
    if (err != SONO_OK) {
        cli_error(c->input, "%s", sono_strerror(err));
        sono_image_free(&im);
        return EXIT_FAIL;
    }
    int r = approximate(c->input, &im, rank, &out);
    if (r == 0)
        r = cli_save_png(c, &out);
    if (r == 0) {
        static const char *const rgb[] = {"R", "G", "B"};
        size_t h = im.height, w = im.width;
        size_t kept = rank < h && rank < w ? rank : h < w ? h : w;
        double ratio = sono_low_rank_ratio(h, w, kept);
        for (int k = 0; k < (im.channels >= 3 ? 3 : 1); k++)
            printf("%s: rank %zu, storage ratio %.6f\n", im.channels >= 3 ? rgb[k] : "grey",
                   kept, ratio);
    }
    sono_image_free(&out);
    sono_image_free(&im);
    return r;
}

/* A name that promises another format than the PNG this writes. */
static int is_jpeg_name(const char *path)
{
    size_t n = strlen(path);
    return (n >= 4 && strcasecmp(path + n - 4, ".jpg") == 0) ||
           (n >= 5 && strcasecmp(path + n - 5, ".jpeg") == 0);
}

int cmd_image_svd(int argc, char **argv)
{
    cli_common c;
    cli_args a = {argc, argv, 1, NULL};
    size_t rank = 0;
    int m;
    cli_common_init(&c);
    while (a.i < argc) {
        if (strcmp(argv[a.i], "-h") == 0 || strcmp(argv[a.i], "--help") == 0) {
            help();
            return 0;
        }
        if ((m = cli_parse_output(&a, &c)) != 0) {
            if (m < 0)
                return EXIT_USAGE;
            continue;
        }
        if ((m = cli_match(&a, "--rank", 1)) != 0) {
            if (m < 0 || cli_size("--rank", a.value, 1, SONO_IMAGE_MAX_SIDE, &rank))
                return EXIT_USAGE;
            continue;
        }
        if (cli_parse_positional(&a, &c) < 0)
            return EXIT_USAGE;
    }
    if (cli_check_paths(&c, 1))
        return EXIT_USAGE;
    if (rank == 0) {
        cli_error("--rank", "no rank given (--rank K, K from 1 to %u)", SONO_IMAGE_MAX_SIDE);
        return EXIT_USAGE;
    }
    if (is_jpeg_name(c.output)) {
        cli_error(c.output, "is named as a JPEG; image-svd writes PNG");
        return EXIT_USAGE;
    }
    if (cli_check_output(&c))
        return EXIT_FAIL;
    return run(&c, rank);
}
