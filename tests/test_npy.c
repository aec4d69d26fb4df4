/* .npy: save and load round trips, Fortran order and big-endian and float64
 * inputs as numpy writes them, the streaming column writer (in memory and
 * spilled to disk) and reader, and rejection of malformed headers.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdint.h>
#include <string.h>

#include "testutil.h"

static char dir[4000];

static const char *path_of(const char *name)
{
    static char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

/* Writes a raw .npy with the given header dict and payload. */
static void write_raw(const char *name, const char *dict, const void *data,
                      size_t bytes)
{
    FILE *f = fopen(path_of(name), "wb");
    size_t n = strlen(dict), hlen = ((10 + n + 1 + 63) / 64) * 64 - 10;
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                             (unsigned char)(hlen & 255), (unsigned char)(hlen >> 8)};
    fwrite(pre, 1, 10, f);
    fwrite(dict, 1, n, f);
    for (size_t i = n; i + 1 < hlen; i++)
        fputc(' ', f);
    fputc('\n', f);
    fwrite(data, 1, bytes, f);
    fclose(f);
}

int main(int argc, char **argv)
{
    snprintf(dir, sizeof dir, "%s", argc > 1 ? argv[1] : ".");
    sono_npy_array a = {SONO_DTYPE_F32, 2, {3, 4}, NULL}, b;
    float v[12];
    for (int i = 0; i < 12; i++)
        v[i] = (float)i * 0.5f - 1.0f;
    a.data = v;
    CHECK(sono_npy_save(path_of("a.npy"), &a) == SONO_OK, "save");
    CHECK(sono_npy_load(path_of("a.npy"), &b) == SONO_OK, "load");
    CHECK(b.ndim == 2 && b.shape[0] == 3 && b.shape[1] == 4 &&
          memcmp(b.data, v, sizeof v) == 0, "round trip");
    sono_npy_free(&b);

    /* Fortran order (as librosa's arrays are saved), float64, big-endian. */
    float fo[6] = {1, 4, 2, 5, 3, 6}; /* shape (2, 3): C order 1 2 3 / 4 5 6 */
    write_raw("f.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", fo, sizeof fo);
    CHECK(sono_npy_load(path_of("f.npy"), &b) == SONO_OK, "fortran load");
    float want[6] = {1, 2, 3, 4, 5, 6};
    CHECK(b.data && memcmp(b.data, want, sizeof want) == 0, "fortran order to C order");
    sono_npy_free(&b);
    double d[3] = {0.25, -2, 1e3};
    write_raw("d.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", d, sizeof d);
    CHECK(sono_npy_load(path_of("d.npy"), &b) == SONO_OK && b.ndim == 1 &&
          ((float *)b.data)[2] == 1000.0f, "float64 read as float32");
    sono_npy_free(&b);
    unsigned char be[8] = {0x3f, 0x80, 0, 0, 0xc0, 0, 0, 0}; /* 1.0, -2.0 */
    write_raw("be.npy", "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", be, 8);
    CHECK(sono_npy_load(path_of("be.npy"), &b) == SONO_OK &&
          ((float *)b.data)[0] == 1.0f && ((float *)b.data)[1] == -2.0f, "big-endian");
    sono_npy_free(&b);

    /* Malformed: wrong magic, short data, overflowing shape, other dtype. */
    FILE *f = fopen(path_of("bad.npy"), "wb");
    fputs("NUMPY not really", f);
    fclose(f);
    CHECK(sono_npy_load(path_of("bad.npy"), &b) == SONO_ERR_FORMAT, "bad magic");
    write_raw("short.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 1000), }", v, 8);
    CHECK(sono_npy_load(path_of("short.npy"), &b) == SONO_ERR_FORMAT, "short data");
    write_raw("huge.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4294967296), }", v, 8);
    CHECK(sono_npy_load(path_of("huge.npy"), &b) == SONO_ERR_TOO_LARGE, "overflowing shape");
    write_raw("i8.npy", "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", v, 8);
    CHECK(sono_npy_load(path_of("i8.npy"), &b) == SONO_ERR_FORMAT, "int64 refused");
    CHECK(sono_npy_load(path_of("missing.npy"), &b) == SONO_ERR_IO, "missing file");

    /* The column writer, small (in memory) and large (spilled: 1025 rows x
     * 3000 complex columns is 24 MiB), read back by the column reader; and
     * float32 columns, whose transposition has a path of its own: 129 rows
     * x 20001 columns (10 MiB, spilled; blocks of 8128 columns, the last
     * tile of 32 one column wide). */
    size_t sizes[3][2] = {{5, 7}, {1025, 3000}, {129, 20001}};
    for (int k = 0; k < 2; k++) {
        size_t rows = sizes[k][0], cols = sizes[k][1];
        int err;
        sono_npy_writer *w = sono_npy_writer_new(path_of("w.npy"), SONO_DTYPE_C64, rows, &err);
        sono_complex *col = malloc(rows * sizeof *col);
        for (size_t c = 0; c < cols; c++) {
            for (size_t r = 0; r < rows; r++)
                col[r] = (sono_complex){(float)(r * 10000 + c), -(float)c};
            sono_npy_writer_push(w, col);
        }
        CHECK(sono_npy_writer_finish(w, NULL, NULL, 0, SONO_DTYPE_C64) == SONO_OK, "finish");
        sono_npy_writer_free(w);
        CHECK(sono_npy_load(path_of("w.npy"), &b) == SONO_OK && b.shape[0] == rows &&
              b.shape[1] == cols, "writer shape");
        int ok = 1;
        for (size_t r = 0; b.data && r < rows; r++)
            for (size_t c = 0; c < cols; c++)
                ok &= ((sono_complex *)b.data)[r * cols + c].re == (float)(r * 10000 + c);
        CHECK(ok, "writer transposes columns into C-order rows (%zux%zu)", rows, cols);
        sono_npy_free(&b);
        sono_npy_reader *rd = sono_npy_reader_open(path_of("w.npy"), &err);
        size_t c = 0;
        ok = rd != NULL;
        while (rd && sono_npy_reader_next(rd, col) == 1) {
            ok &= col[rows - 1].re == (float)((rows - 1) * 10000 + c) && col[0].im == -(float)c;
            c++;
        }
        CHECK(ok && c == cols, "reader gives the columns back (%zu)", c);
        sono_npy_reader_close(rd);
        free(col);
    }
    {
        size_t rows = sizes[2][0], cols = sizes[2][1];
        int err;
        sono_npy_writer *w = sono_npy_writer_new(path_of("f.npy"), SONO_DTYPE_F32, rows, &err);
        float *col = malloc(rows * sizeof *col);
        for (size_t c = 0; c < cols; c++) {
            for (size_t r = 0; r < rows; r++)
                col[r] = (float)(r * 100000 + c);
            sono_npy_writer_push(w, col);
        }
        CHECK(sono_npy_writer_finish(w, NULL, NULL, 0, SONO_DTYPE_F32) == SONO_OK, "finish f32");
        sono_npy_writer_free(w);
        free(col);
        CHECK(sono_npy_load(path_of("f.npy"), &b) == SONO_OK && b.shape[0] == rows &&
                  b.shape[1] == cols,
              "f32 writer shape");
        int ok = b.data != NULL;
        for (size_t r = 0; b.data && r < rows; r++)
            for (size_t c = 0; c < cols; c++)
                ok &= ((float *)b.data)[r * cols + c] == (float)(r * 100000 + c);
        CHECK(ok, "writer transposes float32 columns into C-order rows (%zux%zu)", rows, cols);
        sono_npy_free(&b);
    }
    /* An unfinished writer leaves nothing behind. */
    remove(path_of("gone.npy"));
    int err;
    sono_npy_writer *w = sono_npy_writer_new(path_of("gone.npy"), SONO_DTYPE_F32, 3, &err);
    sono_npy_writer_push(w, v);
    sono_npy_writer_free(w);
    FILE *g = fopen(path_of("gone.npy"), "rb");
    CHECK(g == NULL, "abandoned writer left a file");
    if (g)
        fclose(g);
    return test_summary("test_npy");
}
