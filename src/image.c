/* Images in memory: allocation within sono's limits, text entries, luminance,
 * and the choice of reader by file signature.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "image_internal.h"

int sono_image_alloc(sono_image *im, uint32_t width, uint32_t height,
                     int channels, int depth)
{
    memset(im, 0, sizeof *im);
    if (width == 0 || height == 0 || channels < 1 || channels > 4 ||
        (depth != 8 && depth != 16))
        return SONO_ERR_INVALID;
    int status = sono__image_check_size(width, height, NULL);
    if (status != SONO_OK)
        return status;
    /* Within 2^28 pixels of 8 bytes: no overflow even in 32 bits. */
    size_t bytes = (size_t)width * height * (size_t)channels * (size_t)(depth / 8);
    im->pixels = sono__calloc(bytes, 1);
    if (!im->pixels)
        return SONO_ERR_NOMEM;
    im->width = width;
    im->height = height;
    im->channels = channels;
    im->depth = depth;
    return SONO_OK;
}

int sono__image_check_size(uint32_t width, uint32_t height,
                           const sono_image_limits *l)
{
    uint32_t side = l ? l->max_side : SONO_IMAGE_MAX_SIDE;
    uint64_t pixels = l ? l->max_pixels : SONO_IMAGE_MAX_PIXELS;
    if (width == 0 || height == 0)
        return SONO_ERR_FORMAT;
    if (width > side || height > side || (uint64_t)width * height > pixels)
        return SONO_ERR_TOO_LARGE;
    return SONO_OK;
}

void sono_image_limits_default(sono_image_limits *l)
{
    l->max_side = 0;
    l->max_pixels = 0;
}

size_t sono__image_bytes(const sono_image *im)
{
    return (size_t)im->width * im->height * (size_t)im->channels *
           (size_t)(im->depth / 8);
}

void sono_image_free(sono_image *im)
{
    if (!im)
        return;
    sono__free(im->pixels);
    for (size_t i = 0; i < im->n_text; i++) {
        sono__free(im->text[i].key);
        sono__free(im->text[i].value);
    }
    sono__free(im->text);
    memset(im, 0, sizeof *im);
}

static char *copy_string(const char *s, size_t len)
{
    char *c = sono__malloc(len + 1);
    if (c) {
        memcpy(c, s, len);
        c[len] = '\0';
    }
    return c;
}

/* PNG keywords: 1-79 Latin-1 printable characters (32-126, 161-255). */
static int valid_key(const char *key)
{
    size_t len = strlen(key);
    if (len < 1 || len > 79)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)key[i];
        if (c < 32 || (c > 126 && c < 161))
            return 0;
    }
    return key[0] != ' ' && key[len - 1] != ' ';
}

int sono__image_add_text(sono_image *im, const char *key, const char *value,
                         size_t value_len)
{
    for (size_t i = 0; i < im->n_text; i++) {
        if (strcmp(im->text[i].key, key) == 0) {
            char *v = copy_string(value, value_len);
            if (!v)
                return SONO_ERR_NOMEM;
            sono__free(im->text[i].value);
            im->text[i].value = v;
            return SONO_OK;
        }
    }
    sono_image_text *grown =
        sono__realloc(im->text, (im->n_text + 1) * sizeof *im->text);
    if (!grown)
        return SONO_ERR_NOMEM;
    im->text = grown;
    char *k = copy_string(key, strlen(key));
    char *v = copy_string(value, value_len);
    if (!k || !v) {
        sono__free(k);
        sono__free(v);
        return SONO_ERR_NOMEM;
    }
    im->text[im->n_text].key = k;
    im->text[im->n_text].value = v;
    im->n_text++;
    return SONO_OK;
}

int sono_image_set_text(sono_image *im, const char *key, const char *value)
{
    if (!im || !key || !value || !valid_key(key))
        return SONO_ERR_INVALID;
    return sono__image_add_text(im, key, value, strlen(value));
}

const char *sono_image_get_text(const sono_image *im, const char *key)
{
    if (!im || !key)
        return NULL;
    for (size_t i = 0; i < im->n_text; i++)
        if (strcmp(im->text[i].key, key) == 0)
            return im->text[i].value;
    return NULL;
}

/* One channel of pixel i as a value in [0, 1]. */
static float sample(const sono_image *im, size_t i, int c)
{
    size_t k = i * (size_t)im->channels + (size_t)c;
    if (im->depth == 16)
        return ((const uint16_t *)im->pixels)[k] / 65535.0f;
    return ((const uint8_t *)im->pixels)[k] / 255.0f;
}

void sono_image_luminance(const sono_image *im, float *out)
{
    size_t n = (size_t)im->width * im->height;
    for (size_t i = 0; i < n; i++) {
        if (im->channels >= 3)
            out[i] = 0.299f * sample(im, i, 0) + 0.587f * sample(im, i, 1) +
                     0.114f * sample(im, i, 2);
        else
            out[i] = sample(im, i, 0);
    }
}

int sono_image_load(const char *path, sono_image *im)
{
    return sono_image_read(path, NULL, im);
}

int sono_image_read(const char *path, const sono_image_limits *limits,
                    sono_image *im)
{
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G',
                                             '\r', '\n', 0x1a, '\n'};
    if (!im)
        return SONO_ERR_INVALID;
    memset(im, 0, sizeof *im);
    sono_image_limits l = {SONO_IMAGE_MAX_SIDE, SONO_IMAGE_MAX_PIXELS};
    if (limits && limits->max_side > 0)
        l.max_side = limits->max_side;
    if (limits && limits->max_pixels > 0)
        l.max_pixels = limits->max_pixels;
    if (!path || l.max_side > SONO_IMAGE_MAX_SIDE || l.max_pixels > SONO_IMAGE_MAX_PIXELS)
        return SONO_ERR_INVALID;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return SONO_ERR_IO;
    unsigned char sig[8];
    size_t got = fread(sig, 1, sizeof sig, fp);
    rewind(fp);
    int status;
    if (got == sizeof sig && memcmp(sig, png_sig, sizeof sig) == 0)
        status = sono__png_read(fp, im, &l);
    else if (got >= 3 && sig[0] == 0xff && sig[1] == 0xd8 && sig[2] == 0xff)
        status = sono__jpeg_read(fp, im, &l);
    else
        status = SONO_ERR_FORMAT;
    fclose(fp);
    if (status != SONO_OK)
        sono_image_free(im);
    return status;
}
