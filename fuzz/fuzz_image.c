/* Fuzz target: PNG and JPEG reading (image.c, png_io.c over libspng,
 * jpeg_read.c over libjpeg), then the self-describing spectrogram reader
 * (spec_image.c) on every picture that loads.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PNG chunks carry CRCs, which a mutation almost always breaks, so a PNG
 * input is read twice: as it is, and with every complete chunk's CRC made
 * right, which lets the fuzzer change text entries (the spectrogram
 * description) and headers and still get past libspng's checks. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sono.h"
#include "fuzz_util.h"

static uint32_t crc_table[256];

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
    if (!crc_table[1])
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
            crc_table[i] = c;
        }
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++)
        c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

/* Rewrites the CRC of every complete chunk; 1 if anything changed. */
static int fix_png_crcs(uint8_t *d, size_t size)
{
    int changed = 0;
    size_t pos = 8;
    while (pos + 12 <= size) {
        uint32_t len = (uint32_t)d[pos] << 24 | (uint32_t)d[pos + 1] << 16 |
                       (uint32_t)d[pos + 2] << 8 | d[pos + 3];
        if (len > size - pos - 12)
            break;
        uint32_t crc = crc32_of(d + pos + 4, (size_t)len + 4);
        uint8_t *c = d + pos + 8 + len;
        uint8_t want[4] = {(uint8_t)(crc >> 24), (uint8_t)(crc >> 16),
                           (uint8_t)(crc >> 8), (uint8_t)crc};
        if (memcmp(c, want, 4) != 0) {
            memcpy(c, want, 4);
            changed = 1;
        }
        pos += (size_t)len + 12;
    }
    return changed;
}

static void check_image(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size);
    if (!path)
        return;
    sono_image im;
    if (sono_image_load(path, &im) != SONO_OK) {
        /* A failed load leaves the image empty. */
        if (im.pixels || im.text || im.n_text || im.width || im.height)
            abort();
        return;
    }
    if (im.width < 1 || im.height < 1 || im.width > SONO_IMAGE_MAX_SIDE ||
        im.height > SONO_IMAGE_MAX_SIDE ||
        (uint64_t)im.width * im.height > SONO_IMAGE_MAX_PIXELS ||
        im.channels < 1 || im.channels > 4 || (im.depth != 8 && im.depth != 16))
        abort();
    for (size_t i = 0; i < im.n_text; i++)
        if (!im.text[i].key || !im.text[i].value ||
            sono_image_get_text(&im, im.text[i].key) == NULL)
            abort();
    size_t pixels = (size_t)im.width * im.height;
    if (pixels <= ((size_t)1 << 22)) {
        float *lum = malloc(pixels * sizeof *lum);
        if (lum) {
            sono_image_luminance(&im, lum);
            for (size_t i = 0; i < pixels; i++)
                if (!(lum[i] >= 0.0f && lum[i] <= 1.0001f))
                    abort();
            free(lum);
        }
    }
    sono_spec s;
    if (sono_spec_from_image(&im, &s) == SONO_OK) {
        if (s.rows != im.height || s.frames != im.width || !s.values)
            abort();
        for (size_t i = 0; i < s.rows * s.frames; i++)
            if (!(s.values[i] >= 0.0f))
                abort();
        sono_spec_free(&s);
    }
    sono_image_free(&im);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_image(data, size);
    if (size >= 8 && memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0) {
        uint8_t *copy = malloc(size);
        if (!copy)
            return 0;
        memcpy(copy, data, size);
        if (fix_png_crcs(copy, size))
            check_image(copy, size);
        free(copy);
    }
    return 0;
}
