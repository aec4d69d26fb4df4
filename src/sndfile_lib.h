/* libsndfile's entry points, loaded on first use (sndfile_lib.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SONO_SNDFILE_LIB_H
#define SONO_SNDFILE_LIB_H

#include <sndfile.h>

/* The functions sono calls, with the header's own prototypes. */
typedef struct sono__sndfile {
    __typeof__(sf_open) *open;
    __typeof__(sf_open_fd) *open_fd;
    __typeof__(sf_close) *close;
    __typeof__(sf_command) *command;
    __typeof__(sf_error) *error;
    __typeof__(sf_seek) *seek;
    __typeof__(sf_readf_float) *readf_float;
    __typeof__(sf_writef_float) *writef_float;
    __typeof__(sf_write_sync) *write_sync;
} sono__sndfile;

/* The table, or NULL when libsndfile cannot be loaded (SONO_ERR_LIBRARY). */
const sono__sndfile *sono__sndfile_lib(void);

#endif
