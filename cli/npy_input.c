/* .npy inputs: saying in one line what is wrong with one that cannot be
 * read.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The library answers SONO_ERR_FORMAT for every malformed file; a file
 * without the format's magic is told apart here, since "not a .npy at all"
 * is the commonest mistake and the clearest thing to say. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int has_npy_magic(const char *path)
{
    unsigned char magic[6];
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0;
    size_t n = fread(magic, 1, sizeof magic, fp);
    fclose(fp);
    return n == sizeof magic && memcmp(magic, "\x93NUMPY", sizeof magic) == 0;
}

void cli_npy_error(const char *path, int status, int matrix)
{
    if (status == SONO_ERR_FORMAT && !has_npy_magic(path))
        cli_error(path, "not a .npy file (it does not start with \\x93NUMPY)");
    else if (status == SONO_ERR_FORMAT)
        cli_error(path, "not a .npy %s sono reads: a malformed header, a dtype "
                  "other than float32/64 or complex64/128, or fewer data bytes than "
                  "its shape needs%s", matrix ? "matrix" : "array",
                  matrix ? ", or not a non-empty 2-D array" : "");
    else if (status == SONO_ERR_TOO_LARGE)
        cli_error(path, "declares a shape whose size overflows: too large to hold");
    else
        cli_file_error(path, status);
}
