/* Shared by sono's fuzz targets: the bytes of one input as a file.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libsono reads paths, so each input is written into one anonymous
 * in-memory file (memfd) made at the first call and rewritten for every
 * input; the readers open it again as /proc/self/fd/N, a regular file of
 * exactly the input's size (the size checks against the declared content
 * see the real size).  Nothing touches the disk. */
#ifndef SONO_FUZZ_UTIL_H
#define SONO_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* The path of a file holding data[0..size), or NULL if it cannot be made
 * (the caller then skips the input).  The same path for every call. */
static const char *fuzz_file(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("sono-fuzz", 0);
        if (fd < 0) {
            perror("memfd_create");
            abort();
        }
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0)
        return NULL;
    size_t done = 0;
    while (done < size) {
        ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
        if (n <= 0)
            return NULL;
        done += (size_t)n;
    }
    return path;
}

#endif
