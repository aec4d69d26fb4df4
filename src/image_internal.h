/* Private declarations shared by the image readers and writers.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SONO_IMAGE_INTERNAL_H
#define SONO_IMAGE_INTERNAL_H

#include <stdio.h>

#include "internal.h"

/* SONO_OK if a width x height picture is within the limits l (NULL:
 * sono's own, SONO_IMAGE_MAX_SIDE and SONO_IMAGE_MAX_PIXELS, which resolved
 * limits never exceed), SONO_ERR_FORMAT for a zero side, SONO_ERR_TOO_LARGE
 * beyond them. */
int sono__image_check_size(uint32_t width, uint32_t height,
                           const sono_image_limits *l);
/* Bytes of im's pixel buffer. */
size_t sono__image_bytes(const sono_image *im);
/* Adds a text entry whose value has value_len bytes (not NUL-terminated). */
int sono__image_add_text(sono_image *im, const char *key, const char *value,
                         size_t value_len);

/* Decoders on an open file positioned at its start (png_io.c,
 * jpeg_read.c), within the resolved limits l (both fields set); on failure
 * they may leave im partly filled. */
int sono__png_read(FILE *fp, sono_image *im, const sono_image_limits *l);
int sono__jpeg_read(FILE *fp, sono_image *im, const sono_image_limits *l);

#endif
