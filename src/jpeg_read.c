/* JPEG reading through libjpeg(-turbo).  libjpeg reports fatal errors by
 * calling error_exit, which must not return: it jumps back here.  Its
 * warnings (a truncated file padded with grey, a corrupt marker skipped)
 * are treated as errors too, so that a damaged picture is refused rather
 * than silently turned into sound.  SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <jpeglib.h>
#include <jerror.h>

#include "image_internal.h"

typedef struct guarded_error {
    struct jpeg_error_mgr mgr;
    jmp_buf escape;
    int status;
} guarded_error;

static void on_error(j_common_ptr cinfo)
{
    guarded_error *g = (guarded_error *)cinfo->err;
    if (g->status == SONO_OK)
        g->status = cinfo->err->msg_code == JERR_OUT_OF_MEMORY ? SONO_ERR_NOMEM
                                                               : SONO_ERR_FORMAT;
    longjmp(g->escape, 1);
}

/* level < 0: a warning about damaged data; >= 0: trace messages. */
static void on_message(j_common_ptr cinfo, int level)
{
    if (level < 0) {
        ((guarded_error *)cinfo->err)->status = SONO_ERR_FORMAT;
        longjmp(((guarded_error *)cinfo->err)->escape, 1);
    }
}

/* libjpeg's memory per pixel allowed: more than any picture within the
 * limits needs (3 components, progressive coefficients at 2 bytes each, 6
 * bytes a pixel, and as much again), so that only a file lying about its
 * content hits it: 3 GiB at 2^28 pixels. */
#define JPEG_MEMORY_PER_PIXEL 12

/* SONO_ERR_FORMAT when a Huffman-coded JPEG (a regular file of file_size
 * bytes) is too small for the picture its header declares, so that a few
 * bytes cannot make sono allocate hundreds of megabytes: the first scan of
 * a component codes each of its 8x8 blocks in at least one bit, and a block
 * covers at most 32x32 pixels (sampling factors 1 of 4).  Arithmetic coding
 * has no such bound. */
static int check_plausible(const struct jpeg_decompress_struct *cinfo,
                           uint64_t file_size)
{
    uint64_t pixels = (uint64_t)cinfo->image_width * cinfo->image_height;
    return !cinfo->arith_code && pixels / 8192 > file_size ? SONO_ERR_FORMAT
                                                           : SONO_OK;
}

int sono__jpeg_read(FILE *fp, sono_image *im, const sono_image_limits *l)
{
    struct stat st;
    int regular = fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode);
    struct jpeg_decompress_struct cinfo;
    guarded_error err;
    memset(&cinfo, 0, sizeof cinfo);
    memset(&err, 0, sizeof err);
    cinfo.err = jpeg_std_error(&err.mgr);
    err.mgr.error_exit = on_error;
    err.mgr.emit_message = on_message;
    /* Variables changed after setjmp and read after longjmp are volatile. */
    volatile int created = 0;
    if (setjmp(err.escape)) {
        if (created)
            jpeg_destroy_decompress(&cinfo);
        return err.status != SONO_OK ? err.status : SONO_ERR_FORMAT;
    }
    jpeg_create_decompress(&cinfo);
    created = 1;
    /* 2^28 * 12 fits a long where long has 64 bits; clamped where not. */
    uint64_t most = l->max_pixels * JPEG_MEMORY_PER_PIXEL;
    cinfo.mem->max_memory_to_use = most > (uint64_t)LONG_MAX ? LONG_MAX : (long)most;
    jpeg_stdio_src(&cinfo, fp);
    jpeg_read_header(&cinfo, TRUE);
    int status = sono__image_check_size(cinfo.image_width, cinfo.image_height, l);
    if (status == SONO_OK && regular)
        status = check_plausible(&cinfo, (uint64_t)st.st_size);
    int channels;
    switch (cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE:
        cinfo.out_color_space = JCS_GRAYSCALE;
        channels = 1;
        break;
    case JCS_YCbCr:
    case JCS_RGB:
        cinfo.out_color_space = JCS_RGB;
        channels = 3;
        break;
    default: /* CMYK, YCCK: libjpeg cannot convert them to RGB */
        status = status == SONO_OK ? SONO_ERR_FORMAT : status;
        channels = 0;
        break;
    }
    if (status == SONO_OK)
        status = sono_image_alloc(im, cinfo.image_width, cinfo.image_height,
                                  channels, 8);
    if (status != SONO_OK) {
        jpeg_destroy_decompress(&cinfo);
        return status;
    }
    jpeg_start_decompress(&cinfo);
    if (cinfo.output_width != im->width || cinfo.output_height != im->height ||
        cinfo.output_components != channels) {
        jpeg_destroy_decompress(&cinfo);
        return SONO_ERR_FORMAT;
    }
    size_t stride = (size_t)im->width * (size_t)channels;
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = (uint8_t *)im->pixels + cinfo.output_scanline * stride;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return SONO_OK;
}
