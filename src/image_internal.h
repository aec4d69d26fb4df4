/* Private declarations shared by the image readers and writers.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SONO_IMAGE_INTERNAL_H
#define SONO_IMAGE_INTERNAL_H

#include <stdio.h>

#include "internal.h"

/* SONO_OK if a width x height picture is within sono's limits,
 * SONO_ERR_FORMAT for a zero side, SONO_ERR_TOO_LARGE beyond them. */
int sono__image_check_size(uint32_t width, uint32_t height);
/* Bytes of im's pixel buffer. */
size_t sono__image_bytes(const sono_image *im);
/* Adds a text entry whose value has value_len bytes (not NUL-terminated). */
int sono__image_add_text(sono_image *im, const char *key, const char *value,
                         size_t value_len);

/* Decoders on an open file positioned at its start (png_io.c,
 * jpeg_read.c); on failure they may leave im partly filled. */
int sono__png_read(FILE *fp, sono_image *im);
int sono__jpeg_read(FILE *fp, sono_image *im);

#endif
