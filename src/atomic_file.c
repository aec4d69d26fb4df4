/* Output files that appear whole or not at all: written under a temporary
 * name in the target's directory (so that rename() is atomic) and moved over
 * the target only when complete.  SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int sono__atomic_open(sono__atomic_file *a, const char *target)
{
    memset(a, 0, sizeof *a);
    if (!target || !*target)
        return SONO_ERR_INVALID;
    /* rename() would put a regular file in the place of a FIFO, a socket or
     * a device (as root, /dev/null itself): only regular files (and
     * directories, which rename() refuses) are written over. */
    struct stat st;
    if (stat(target, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))
        return SONO_ERR_INVALID;
    size_t len = strlen(target);
    a->target = sono__malloc(len + 1);
    a->temp = sono__malloc(len + 16);
    if (!a->target || !a->temp) {
        sono__atomic_abort(a);
        return SONO_ERR_NOMEM;
    }
    memcpy(a->target, target, len + 1);
    memcpy(a->temp, target, len);
    memcpy(a->temp + len, ".sono-XXXXXX", 13);
    int fd = mkstemp(a->temp);
    if (fd < 0) {
        sono__free(a->temp);
        a->temp = NULL;
        sono__atomic_abort(a);
        return SONO_ERR_IO;
    }
    /* mkstemp creates 0600; give the file the permissions a plain fopen
     * would, as other tools do. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    a->fp = fdopen(fd, "w+b");
    if (!a->fp) {
        close(fd);
        sono__atomic_abort(a);
        return SONO_ERR_IO;
    }
    return SONO_OK;
}

int sono__atomic_commit(sono__atomic_file *a)
{
    int ok = a->fp != NULL;
    if (ok && (fflush(a->fp) != 0 || ferror(a->fp)))
        ok = 0;
    if (a->fp && fclose(a->fp) != 0)
        ok = 0;
    a->fp = NULL;
    if (ok && rename(a->temp, a->target) != 0)
        ok = 0;
    if (!ok) {
        sono__atomic_abort(a);
        return SONO_ERR_IO;
    }
    sono__free(a->temp);
    sono__free(a->target);
    a->temp = a->target = NULL;
    return SONO_OK;
}

void sono__atomic_abort(sono__atomic_file *a)
{
    if (a->fp)
        fclose(a->fp);
    if (a->temp)
        unlink(a->temp);
    sono__free(a->temp);
    sono__free(a->target);
    memset(a, 0, sizeof *a);
}
