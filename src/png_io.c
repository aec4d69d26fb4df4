/* PNG reading and writing through libspng, with sono's size limits applied
 * before anything is allocated and every allocation routed through sono's
 * allocator (so that failing-allocation tests reach libspng and its zlib
 * streams too).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include <string.h>
#include <sys/stat.h>

#include <spng.h>

#include "image_internal.h"

/* Chunks larger than this are refused (libspng's default is 2^31); sono's
 * own text chunks are a few hundred bytes, and a legitimate IDAT stream is
 * split into chunks far smaller than this. */
#define CHUNK_SIZE_LIMIT ((size_t)1 << 26)
/* Ancillary chunk data kept in memory at once (text, ICC profiles...). */
#define CHUNK_CACHE_LIMIT ((size_t)1 << 26)

/* libspng's allocator: sono's, with SLACK zeroed bytes after every block.
 * libspng 0.7 grows its lists of text (and sPLT, unknown) chunks by counting
 * the new entry first and reallocating after; when that realloc fails, the
 * count is one past the old list, and spng_ctx_free frees the pointers of an
 * entry read beyond its end: garbage, a crash (found by
 * tests/test_alloc_fail.c).  With the slack the entry beyond the end reads
 * as zeros, NULL pointers that free ignores.  SLACK is above the size of
 * libspng's largest list entry (struct spng_text2, about 150 bytes). */
#define SLACK 512

/* Whether an allocation for libspng failed on this thread since the flag was
 * last cleared.  zlib's inflate allocates its window on first use, and
 * libspng reports that failure as corrupt data (SPNG_EZLIB), not as
 * SPNG_EMEM; the flag tells the two apart.  Per thread, since objects on
 * different threads may read pictures at once. */
static _Thread_local int alloc_failed;

static void *noted(void *p)
{
    if (!p)
        alloc_failed = 1;
    return p;
}

static void *png_malloc(size_t size)
{
    unsigned char *p = size <= SIZE_MAX - SLACK ? sono__malloc(size + SLACK) : NULL;
    if (p)
        memset(p + size, 0, SLACK);
    return noted(p);
}

static void *png_realloc(void *old, size_t size)
{
    unsigned char *p = size <= SIZE_MAX - SLACK ? sono__realloc(old, size + SLACK) : NULL;
    if (p)
        memset(p + size, 0, SLACK);
    return noted(p);
}

static void *png_calloc(size_t count, size_t size)
{
    size_t bytes;
    if (sono__mul_size(count, size, &bytes) != SONO_OK || bytes > SIZE_MAX - SLACK)
        return noted(NULL);
    return noted(sono__calloc(1, bytes + SLACK));
}

static spng_ctx *new_context(int flags)
{
    static struct spng_alloc alloc = {png_malloc, png_realloc, png_calloc,
                                      sono__free};
    return spng_ctx_new2(&alloc, flags);
}

static int status_of(int spng_error)
{
    switch (spng_error) {
    case SPNG_OK:
        return SONO_OK;
    case SPNG_EMEM:
    case SPNG_EZLIB_INIT: /* zlib's initialisation fails only for memory */
        return SONO_ERR_NOMEM;
    case SPNG_EUSER_WIDTH:
    case SPNG_EUSER_HEIGHT:
    case SPNG_EOVERFLOW:
        return SONO_ERR_TOO_LARGE;
    case SPNG_ECHUNK_LIMITS:
        /* A chunk, or text inflating, past the chunk limits below: an
         * unsupported file, not a picture beyond sono's size limits. */
        return SONO_ERR_FORMAT;
    case SPNG_IO_ERROR:
        return SONO_ERR_IO;
    default:
        return SONO_ERR_FORMAT;
    }
}

/* The layout sono keeps for each kind of PNG: 16-bit grey and grey + alpha
 * stay as they are (the lossless spectrogram format relies on it); colour
 * and lower depths become 8-bit. */
static int choose_format(const struct spng_ihdr *h, int *fmt, int *channels,
                         int *depth)
{
    int sixteen = h->bit_depth == 16;
    switch (h->color_type) {
    case SPNG_COLOR_TYPE_GRAYSCALE:
        *fmt = sixteen ? SPNG_FMT_PNG : SPNG_FMT_G8;
        *channels = 1;
        break;
    case SPNG_COLOR_TYPE_GRAYSCALE_ALPHA:
        *fmt = SPNG_FMT_PNG;
        *channels = 2;
        break;
    case SPNG_COLOR_TYPE_TRUECOLOR:
        *fmt = sixteen ? SPNG_FMT_PNG : SPNG_FMT_RGB8;
        *channels = 3;
        break;
    case SPNG_COLOR_TYPE_TRUECOLOR_ALPHA:
        *fmt = SPNG_FMT_PNG;
        *channels = 4;
        break;
    case SPNG_COLOR_TYPE_INDEXED:
        *fmt = SPNG_FMT_RGBA8;
        *channels = 4;
        sixteen = 0;
        break;
    default:
        return SONO_ERR_FORMAT;
    }
    *depth = sixteen ? 16 : 8;
    return SONO_OK;
}

static int read_text(spng_ctx *ctx, sono_image *im)
{
    uint32_t n = 0;
    int e = spng_get_text(ctx, NULL, &n);
    if (e == SPNG_ECHUNKAVAIL || n == 0)
        return SONO_OK;
    if (e)
        return status_of(e);
    struct spng_text *t = sono__malloc_array(n, sizeof *t);
    if (!t)
        return SONO_ERR_NOMEM;
    int status = status_of(spng_get_text(ctx, t, &n));
    for (uint32_t i = 0; status == SONO_OK && i < n; i++)
        status = sono__image_add_text(im, t[i].keyword, t[i].text, t[i].length);
    sono__free(t);
    return status;
}

/* SONO_ERR_FORMAT when the file (a regular file of file_size bytes) is too
 * small to hold the picture its header declares, so that a few bytes cannot
 * make sono allocate gigabytes.  Deflate expands a byte into at most 1032
 * (a 258-byte match in 2 bits), and the scanlines, a filter byte and
 * ceil(width * bits / 8) bytes each, are at least that many bytes interlaced
 * or not. */
static int check_plausible(const struct spng_ihdr *h, uint64_t file_size)
{
    static const unsigned samples[7] = {1, 0, 3, 1, 2, 0, 4};
    unsigned bits = h->color_type < 7 ? samples[h->color_type] * h->bit_depth : 0;
    uint64_t scanlines =
        (uint64_t)h->height * (1 + ((uint64_t)h->width * bits + 7) / 8);
    return scanlines / 1032 > file_size ? SONO_ERR_FORMAT : SONO_OK;
}

int sono__png_read(FILE *fp, sono_image *im, const sono_image_limits *l)
{
    struct stat st;
    int regular = fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode);
    alloc_failed = 0;
    spng_ctx *ctx = new_context(0);
    if (!ctx)
        return SONO_ERR_NOMEM;
    int status = SONO_OK;
    struct spng_ihdr h;
    int fmt = 0, channels = 0, depth = 0;
    size_t len = 0;
    if (spng_set_image_limits(ctx, l->max_side, l->max_side) ||
        spng_set_chunk_limits(ctx, CHUNK_SIZE_LIMIT, CHUNK_CACHE_LIMIT) ||
        spng_set_png_file(ctx, fp)) {
        status = SONO_ERR_NOMEM;
        goto done;
    }
    status = status_of(spng_get_ihdr(ctx, &h));
    if (status == SONO_OK)
        status = sono__image_check_size(h.width, h.height, l);
    if (status == SONO_OK)
        status = choose_format(&h, &fmt, &channels, &depth);
    if (status == SONO_OK && regular)
        status = check_plausible(&h, (uint64_t)st.st_size);
    if (status == SONO_OK)
        status = status_of(spng_decoded_image_size(ctx, fmt, &len));
    if (status == SONO_OK)
        status = sono_image_alloc(im, h.width, h.height, channels, depth);
    if (status == SONO_OK && len != sono__image_bytes(im))
        status = SONO_ERR_FORMAT; /* a layout sono did not expect */
    /* Palette images become RGBA: their tRNS alphas must be applied, which
     * libspng does only when asked. */
    if (status == SONO_OK)
        status = status_of(spng_decode_image(ctx, im->pixels, len, fmt,
                                             fmt == SPNG_FMT_RGBA8 ? SPNG_DECODE_TRNS : 0));
    /* Chunks after the image data (text may come last). */
    if (status == SONO_OK)
        status = status_of(spng_decode_chunks(ctx));
    if (status == SONO_OK)
        status = read_text(ctx, im);
done:
    spng_ctx_free(ctx);
    /* Whatever libspng made of it, a refused allocation is SONO_ERR_NOMEM. */
    return status != SONO_OK && alloc_failed ? SONO_ERR_NOMEM : status;
}

static int set_text(spng_ctx *ctx, const sono_image *im)
{
    if (im->n_text == 0)
        return SONO_OK;
    if (im->n_text > UINT32_MAX)
        return SONO_ERR_TOO_LARGE;
    struct spng_text *t = sono__calloc(im->n_text, sizeof *t);
    if (!t)
        return SONO_ERR_NOMEM;
    /* libspng refuses to write an empty tEXt value (PNG allows it): such
     * entries are left out rather than failing the whole file. */
    uint32_t n = 0;
    for (size_t i = 0; i < im->n_text; i++) {
        size_t klen = strlen(im->text[i].key);
        if (klen < 1 || klen > 79) {
            sono__free(t);
            return SONO_ERR_INVALID;
        }
        if (im->text[i].value[0] == '\0')
            continue;
        memcpy(t[n].keyword, im->text[i].key, klen + 1);
        t[n].type = SPNG_TEXT;
        t[n].length = strlen(im->text[i].value);
        t[n].text = im->text[i].value;
        n++;
    }
    int e = n == 0 ? SPNG_OK : spng_set_text(ctx, t, n);
    sono__free(t);
    return e == SPNG_OK ? SONO_OK : e == SPNG_EMEM ? SONO_ERR_NOMEM
                                                  : SONO_ERR_INVALID;
}

static const uint8_t color_types[5] = {
    0, SPNG_COLOR_TYPE_GRAYSCALE, SPNG_COLOR_TYPE_GRAYSCALE_ALPHA,
    SPNG_COLOR_TYPE_TRUECOLOR, SPNG_COLOR_TYPE_TRUECOLOR_ALPHA};

/* Saves with zlib's `level` (-1 its default) and, unless `filters` is 0,
 * libspng's choice among PNG's row prediction filters. */
static int save(const char *path, const sono_image *im, int level, int filters)
{
    if (!path || !im || !im->pixels || im->channels < 1 || im->channels > 4 ||
        (im->depth != 8 && im->depth != 16))
        return SONO_ERR_INVALID;
    int status = sono__image_check_size(im->width, im->height, NULL);
    if (status != SONO_OK)
        return status == SONO_ERR_FORMAT ? SONO_ERR_INVALID : status;
    alloc_failed = 0;
    spng_ctx *ctx = new_context(SPNG_CTX_ENCODER);
    if (!ctx)
        return SONO_ERR_NOMEM;
    sono__atomic_file out;
    status = sono__atomic_open(&out, path);
    if (status != SONO_OK) {
        spng_ctx_free(ctx);
        return status;
    }
    struct spng_ihdr h = {0};
    h.width = im->width;
    h.height = im->height;
    h.bit_depth = (uint8_t)im->depth;
    h.color_type = color_types[im->channels];
    if (spng_set_png_file(ctx, out.fp) || spng_set_ihdr(ctx, &h) ||
        (level >= 0 && spng_set_option(ctx, SPNG_IMG_COMPRESSION_LEVEL, level)) ||
        (!filters && spng_set_option(ctx, SPNG_FILTER_CHOICE, SPNG_FILTER_CHOICE_NONE)))
        status = SONO_ERR_NOMEM;
    if (status == SONO_OK)
        status = set_text(ctx, im);
    if (status == SONO_OK) {
        int e = spng_encode_image(ctx, im->pixels, sono__image_bytes(im),
                                  SPNG_FMT_PNG, SPNG_ENCODE_FINALIZE);
        status = e == SPNG_OK ? SONO_OK
                 : e == SPNG_EMEM || e == SPNG_EZLIB_INIT ? SONO_ERR_NOMEM
                                                          : SONO_ERR_IO;
    }
    spng_ctx_free(ctx);
    if (status == SONO_OK)
        return sono__atomic_commit(&out);
    sono__atomic_abort(&out);
    return alloc_failed ? SONO_ERR_NOMEM : status;
}

int sono_png_save(const char *path, const sono_image *im)
{
    return save(path, im, -1, 1);
}

/* Measured on a 224 x 224 magma mel spectrogram: zlib's default level
 * with filters, 76 kB in 10.5 ms; level 1 without filters, 58 kB in
 * 1.3 ms (colormapped rows predict badly, and the filter heuristic picks
 * against the repeats deflate finds). */
int sono_png_save_picture(const char *path, const sono_image *im)
{
    return save(path, im, 1, 0);
}
