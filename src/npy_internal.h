/* Shared between npy.c and npy_stream.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SONO_NPY_INTERNAL_H
#define SONO_NPY_INTERNAL_H

#include "internal.h"

typedef struct sono__npy_info {
    sono_dtype dtype;     /* what the values become in memory */
    size_t file_elem;     /* bytes per element in the file */
    size_t component;     /* bytes per real component in the file */
    int swap;             /* big-endian file */
    int fortran;
    size_t ndim;
    size_t shape[SONO_NPY_MAX_DIMS];
    size_t count;
    size_t data_offset;
} sono__npy_info;

size_t sono__dtype_size(sono_dtype dt);
/* Reads and validates the header, leaving fp at the data. */
int sono__npy_read_header(FILE *fp, sono__npy_info *info);
/* count file elements at in -> float32 / complex64 at out. */
void sono__npy_convert(const sono__npy_info *info, const unsigned char *in,
                       void *out, size_t count);
int sono__npy_write_header(FILE *fp, sono_dtype dt, size_t ndim,
                           const size_t *shape);

#endif
