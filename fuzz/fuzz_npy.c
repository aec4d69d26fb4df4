/* Fuzz target: .npy reading (npy.c: header parsing, whole-array load,
 * Fortran order; npy_stream.c: the column reader).  For a 2-D array both
 * readers must agree: the reader's columns are the loaded array's columns.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sono.h"
#include "fuzz_util.h"

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
    const char *path = fuzz_file(data, size);
    if (!path)
        return 0;
    sono_npy_array a;
    int loaded = sono_npy_load(path, &a) == SONO_OK;
    size_t esize = 0, count = 1;
    if (loaded) {
        if (!a.data || a.ndim > SONO_NPY_MAX_DIMS ||
            (a.dtype != SONO_DTYPE_F32 && a.dtype != SONO_DTYPE_C64))
            abort();
        esize = a.dtype == SONO_DTYPE_C64 ? 8 : 4;
        for (size_t i = 0; i < a.ndim; i++)
            count *= a.shape[i];
        /* Every value was read from the file: it cannot hold more values
         * than bytes. */
        if (count > size)
            abort();
        volatile unsigned char sink = 0;
        for (size_t i = 0; i < count * esize; i++)
            sink ^= ((const unsigned char *)a.data)[i];
        (void)sink;
    } else if (a.data) {
        abort();
    }

    int err = SONO_OK;
    sono_npy_reader *r = sono_npy_reader_open(path, &err);
    if (r) {
        sono_dtype dt;
        size_t rows, cols;
        sono_npy_reader_shape(r, &dt, &rows, &cols);
        size_t col_bytes = rows * (dt == SONO_DTYPE_C64 ? 8 : 4);
        /* A file the whole-array reader refuses cannot be a matrix. */
        if (!loaded || a.ndim != 2 || a.shape[0] != rows ||
            a.shape[1] != cols || a.dtype != dt || rows == 0 || cols == 0)
            abort();
        unsigned char *col = malloc(col_bytes);
        if (!col)
            abort();
        size_t c = 0;
        int st;
        while ((st = sono_npy_reader_next(r, col)) == 1) {
            if (c >= cols)
                abort();
            const unsigned char *m = a.data;
            for (size_t k = 0; k < rows; k++)
                if (memcmp(col + k * esize, m + (k * cols + c) * esize, esize))
                    abort();
            c++;
        }
        /* The data is all there (the header checks it), so no errors. */
        if (st != 0 || c != cols)
            abort();
        free(col);
        sono_npy_reader_close(r);
    } else if (loaded && a.ndim == 2 && count > 0 && err != SONO_ERR_NOMEM) {
        abort(); /* a loadable matrix the column reader refuses */
    }
    if (loaded)
        sono_npy_free(&a);
    return 0;
}
