/* Streaming .npy access for 2-D matrices in librosa's layout (rows are bins,
 * columns are frames, C order), whose columns are what a stream produces or
 * consumes.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writing: columns are spooled (in memory up to SPOOL_MEMORY, then in an
 * unlinked temporary file) because a C-order file's first row needs the last
 * frame; finish transposes blocks of columns into the target.  The number of
 * frames need not be known in advance, so decoders whose length is only an
 * estimate (MP3) are handled the same way.
 * Reading: blocks of columns are gathered with one seek per row. */
#define _FILE_OFFSET_BITS 64
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "npy_internal.h"

#define SPOOL_MEMORY ((size_t)8 << 20)
#define BLOCK_BYTES ((size_t)4 << 20)
#define SPILL_BUFFER ((size_t)1 << 20)

struct sono_npy_writer {
    char *path;
    sono_dtype dtype;
    size_t rows;
    size_t col_bytes;
    size_t cols;
    unsigned char *mem;   /* spooled columns while they fit */
    size_t mem_cap;
    FILE *spill;          /* then all of them here */
    char *spill_buf;      /* its stdio buffer */
};

sono_npy_writer *sono_npy_writer_new(const char *path, sono_dtype dt,
                                     size_t rows, int *err)
{
    int status = SONO_ERR_INVALID;
    sono_npy_writer *w = NULL;
    if ((path && !*path) || rows == 0 || (unsigned)dt > SONO_DTYPE_C64)
        goto fail;
    status = SONO_ERR_NOMEM;
    if (!(w = sono__calloc(1, sizeof *w)))
        goto fail;
    w->dtype = dt;
    w->rows = rows;
    if (sono__mul_size(rows, sono__dtype_size(dt), &w->col_bytes)) {
        status = SONO_ERR_TOO_LARGE;
        goto fail;
    }
    if (path) {
        size_t len = strlen(path);
        if (!(w->path = sono__malloc(len + 1)))
            goto fail;
        memcpy(w->path, path, len + 1);
    }
    return w;
fail:
    sono_npy_writer_free(w);
    if (err)
        *err = status;
    return NULL;
}

int sono_npy_writer_push(sono_npy_writer *w, const void *column)
{
    if (!w || !column)
        return SONO_ERR_INVALID;
    if (!w->spill) {
        size_t need = (w->cols + 1) * w->col_bytes;
        if (need <= SPOOL_MEMORY || w->col_bytes > SPOOL_MEMORY) {
            if (need > w->mem_cap) {
                size_t cap = w->mem_cap ? w->mem_cap * 2 : w->col_bytes * 16;
                if (cap < need)
                    cap = need;
                unsigned char *m = sono__realloc(w->mem, cap);
                if (!m)
                    return SONO_ERR_NOMEM;
                w->mem = m;
                w->mem_cap = cap;
            }
            memcpy(w->mem + w->cols * w->col_bytes, column, w->col_bytes);
            w->cols++;
            return SONO_OK;
        }
        /* A column is a few hundred bytes: with stdio's 4 KiB buffer an
         * hour of mel frames took 39,000 write calls. */
        if (!w->spill_buf && !(w->spill_buf = sono__malloc(SPILL_BUFFER)))
            return SONO_ERR_NOMEM;
        if (!(w->spill = tmpfile()))
            return SONO_ERR_IO;
        setvbuf(w->spill, w->spill_buf, _IOFBF, SPILL_BUFFER);
        if (fwrite(w->mem, w->col_bytes, w->cols, w->spill) != w->cols)
            return SONO_ERR_IO;
        sono__free(w->mem);
        w->mem = NULL;
        w->mem_cap = 0;
    }
    if (fwrite(column, w->col_bytes, 1, w->spill) != 1)
        return SONO_ERR_IO;
    w->cols++;
    return SONO_OK;
}

size_t sono_npy_writer_columns(const sono_npy_writer *w)
{
    return w ? w->cols : 0;
}

/* Columns of rows values (column-major in buf) as rows of block values
 * (row-major in out).  In tiles of TILE columns: a tile's columns stay in
 * cache while every row takes its piece, where a whole row at a time read
 * one value from each of 8192 cache lines, 128 times over (a third of an
 * hour-long mel's finish). */
#define TILE 32

static void transpose(const unsigned char *buf, unsigned char *out, size_t rows,
                      size_t block, size_t esize)
{
    for (size_t j0 = 0; j0 < block; j0 += TILE) {
        size_t j1 = j0 + TILE < block ? j0 + TILE : block;
        for (size_t r = 0; r < rows; r++) {
            if (esize == sizeof(float)) {
                const float *src = (const float *)buf + r;
                float *dst = (float *)out + r * block;
                for (size_t j = j0; j < j1; j++)
                    dst[j] = src[j * rows];
            } else {
                for (size_t j = j0; j < j1; j++)
                    memcpy(out + (r * block + j) * esize, buf + (j * rows + r) * esize, esize);
            }
        }
    }
}

/* Writes block columns (already mapped, column-major in buf) starting at
 * column c0 into their rows of the C-order file, through rowwise (rows x
 * block values). */
static int write_block(FILE *fp, long long data_off, const unsigned char *buf,
                       unsigned char *rowwise, size_t rows, size_t esize,
                       size_t cols, size_t c0, size_t block)
{
    transpose(buf, rowwise, rows, block, esize);
    for (size_t r = 0; r < rows; r++) {
        long long off = data_off + (long long)((r * cols + c0) * esize);
        if (fseeko(fp, (off_t)off, SEEK_SET) != 0 ||
            fwrite(rowwise + r * block * esize, esize, block, fp) != block)
            return SONO_ERR_IO;
    }
    return SONO_OK;
}

/* ndim 2: out_rows x columns; ndim 1: one value per column, (columns,). */
static int finish(sono_npy_writer *w, sono_column_map map, void *ctx,
                  size_t out_rows, sono_dtype out_dtype, size_t ndim)
{
    if (!w || !w->path)
        return SONO_ERR_INVALID;
    if (w->cols == 0)
        return SONO_ERR_EMPTY;
    if (!map) {
        out_rows = w->rows;
        out_dtype = w->dtype;
    }
    if (out_rows == 0)
        return SONO_ERR_INVALID;
    size_t esize = sono__dtype_size(out_dtype), out_col;
    if (sono__mul_size(out_rows, esize, &out_col) != SONO_OK)
        return SONO_ERR_TOO_LARGE;
    size_t block = BLOCK_BYTES / (out_col > w->col_bytes ? out_col : w->col_bytes);
    if (block < 1)
        block = 1;
    if (block > w->cols)
        block = w->cols;
    unsigned char *in = sono__malloc_array(block, w->col_bytes);
    unsigned char *out = sono__malloc_array(block, out_col);
    unsigned char *rowwise = sono__malloc_array2(block, out_rows, esize);
    sono__atomic_file f = {0};
    int r = SONO_ERR_NOMEM;
    if (!in || !out || !rowwise)
        goto done;
    if ((r = sono__atomic_open(&f, w->path)) != SONO_OK)
        goto done;
    size_t shape[2] = {out_rows, w->cols};
    if ((r = sono__npy_write_header(f.fp, out_dtype, ndim, shape + 2 - ndim)) != SONO_OK)
        goto done;
    long long data_off = ftello(f.fp);
    if (w->spill && fseeko(w->spill, 0, SEEK_SET) != 0) {
        r = SONO_ERR_IO;
        goto done;
    }
    for (size_t c0 = 0; c0 < w->cols; c0 += block) {
        size_t n = w->cols - c0 < block ? w->cols - c0 : block;
        const unsigned char *src = w->mem ? w->mem + c0 * w->col_bytes : in;
        if (w->spill) {
            if (fread(in, w->col_bytes, n, w->spill) != n) {
                r = SONO_ERR_IO;
                goto done;
            }
            src = in;
        }
        const unsigned char *cols = src;
        if (map) {
            for (size_t j = 0; j < n; j++)
                if ((r = map(ctx, src + j * w->col_bytes, out + j * out_col)))
                    goto done;
            cols = out;
        }
        r = write_block(f.fp, data_off, cols, rowwise, out_rows, esize,
                        w->cols, c0, n);
        if (r != SONO_OK)
            goto done;
    }
    r = sono__atomic_commit(&f);
done:
    if (r != SONO_OK)
        sono__atomic_abort(&f);
    sono__free(in);
    sono__free(out);
    sono__free(rowwise);
    return r;
}

int sono_npy_writer_finish(sono_npy_writer *w, sono_column_map map, void *ctx,
                           size_t out_rows, sono_dtype out_dtype)
{
    return finish(w, map, ctx, out_rows, out_dtype, 2);
}

int sono_npy_writer_finish_vector(sono_npy_writer *w, sono_column_map map,
                                  void *ctx, sono_dtype out_dtype)
{
    if (w && !map && w->rows != 1)
        return SONO_ERR_INVALID;
    return finish(w, map, ctx, 1, out_dtype, 1);
}

int sono_npy_writer_each(sono_npy_writer *w, sono_column_fn fn, void *ctx)
{
    if (!w || !fn)
        return SONO_ERR_INVALID;
    if (!w->spill) {
        for (size_t c = 0; c < w->cols; c++) {
            int r = fn(ctx, w->mem + c * w->col_bytes);
            if (r)
                return r;
        }
        return SONO_OK;
    }
    size_t block = BLOCK_BYTES / w->col_bytes;
    if (block < 1)
        block = 1;
    unsigned char *buf = sono__malloc_array(block, w->col_bytes);
    if (!buf)
        return SONO_ERR_NOMEM;
    int r = fflush(w->spill) == 0 && fseeko(w->spill, 0, SEEK_SET) == 0 ? SONO_OK : SONO_ERR_IO;
    for (size_t c0 = 0; r == SONO_OK && c0 < w->cols; c0 += block) {
        size_t n = w->cols - c0 < block ? w->cols - c0 : block;
        if (fread(buf, w->col_bytes, n, w->spill) != n) {
            r = SONO_ERR_IO;
            break;
        }
        for (size_t j = 0; j < n && r == SONO_OK; j++)
            r = fn(ctx, buf + j * w->col_bytes);
    }
    /* Back to the end, where further pushes append. */
    if (fseeko(w->spill, 0, SEEK_END) != 0 && r == SONO_OK)
        r = SONO_ERR_IO;
    sono__free(buf);
    return r;
}

void sono_npy_writer_free(sono_npy_writer *w)
{
    if (!w)
        return;
    if (w->spill)
        fclose(w->spill);
    sono__free(w->spill_buf);
    sono__free(w->mem);
    sono__free(w->path);
    sono__free(w);
}

struct sono_npy_reader {
    FILE *fp;
    sono__npy_info info;
    size_t rows, cols;
    size_t next;          /* next column to deliver */
    size_t block;         /* columns per gathered block */
    size_t block_start;   /* first column in buf */
    size_t block_len;
    unsigned char *raw;   /* file bytes of one row segment / column */
    unsigned char *buf;   /* converted block, column-major */
};

sono_npy_reader *sono_npy_reader_open(const char *path, int *err)
{
    int status = SONO_ERR_INVALID;
    sono_npy_reader *r = NULL;
    if (!path)
        goto fail;
    status = SONO_ERR_NOMEM;
    if (!(r = sono__calloc(1, sizeof *r)))
        goto fail;
    status = SONO_ERR_IO;
    if (!(r->fp = fopen(path, "rb")))
        goto fail;
    if ((status = sono__npy_read_header(r->fp, &r->info)) != SONO_OK)
        goto fail;
    status = SONO_ERR_FORMAT;
    if (r->info.ndim != 2 || r->info.count == 0)
        goto fail;
    r->rows = r->info.shape[0];
    r->cols = r->info.shape[1];
    size_t col_bytes = r->rows * sono__dtype_size(r->info.dtype);
    r->block = BLOCK_BYTES / col_bytes;
    if (r->block < 1 || r->info.fortran)
        r->block = 1;
    if (r->block > r->cols)
        r->block = r->cols;
    status = SONO_ERR_NOMEM;
    size_t raw_n = r->info.fortran ? r->rows : r->block;
    r->raw = sono__malloc_array(raw_n, r->info.file_elem);
    r->buf = sono__malloc_array(r->block, col_bytes);
    if (!r->raw || !r->buf)
        goto fail;
    return r;
fail:
    sono_npy_reader_close(r);
    if (err)
        *err = status;
    return NULL;
}

void sono_npy_reader_shape(const sono_npy_reader *r, sono_dtype *dt,
                           size_t *rows, size_t *cols)
{
    if (dt)
        *dt = r->info.dtype;
    if (rows)
        *rows = r->rows;
    if (cols)
        *cols = r->cols;
}

static int load_block(sono_npy_reader *r)
{
    size_t esize = sono__dtype_size(r->info.dtype), fe = r->info.file_elem;
    size_t n = r->cols - r->next < r->block ? r->cols - r->next : r->block;
    if (r->info.fortran) {
        /* Columns are contiguous. */
        off_t off = (off_t)(r->info.data_offset + r->next * r->rows * fe);
        if (fseeko(r->fp, off, SEEK_SET) != 0 ||
            fread(r->raw, fe, r->rows, r->fp) != r->rows)
            return SONO_ERR_FORMAT;
        sono__npy_convert(&r->info, r->raw, r->buf, r->rows);
    } else {
        unsigned char tmp[16];
        for (size_t row = 0; row < r->rows; row++) {
            off_t off = (off_t)(r->info.data_offset + (row * r->cols + r->next) * fe);
            if (fseeko(r->fp, off, SEEK_SET) != 0 ||
                fread(r->raw, fe, n, r->fp) != n)
                return SONO_ERR_FORMAT;
            for (size_t j = 0; j < n; j++) {
                sono__npy_convert(&r->info, r->raw + j * fe, tmp, 1);
                memcpy(r->buf + (j * r->rows + row) * esize, tmp, esize);
            }
        }
    }
    r->block_start = r->next;
    r->block_len = n;
    return SONO_OK;
}

int sono_npy_reader_next(sono_npy_reader *r, void *column)
{
    if (!r || !column)
        return SONO_ERR_INVALID;
    if (r->next >= r->cols)
        return 0;
    if (r->next >= r->block_start + r->block_len || r->next < r->block_start) {
        int st = load_block(r);
        if (st != SONO_OK)
            return st;
    }
    size_t col_bytes = r->rows * sono__dtype_size(r->info.dtype);
    memcpy(column, r->buf + (r->next - r->block_start) * col_bytes, col_bytes);
    r->next++;
    return 1;
}

void sono_npy_reader_close(sono_npy_reader *r)
{
    if (!r)
        return;
    if (r->fp)
        fclose(r->fp);
    sono__free(r->raw);
    sono__free(r->buf);
    sono__free(r);
}
