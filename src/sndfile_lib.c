/* libsndfile, loaded by the first file that needs it: every container but
 * the plain WAV files that wav_read.c reads, and every file written
 * (dynload.c says why).  SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"
#include "sndfile_lib.h"

/* Debian's libsndfile1; the build may name another. */
#ifndef SONO_SNDFILE_LIBRARY
#define SONO_SNDFILE_LIBRARY "libsndfile.so.1"
#endif

static sono__sndfile lib;

static const sono__dynsym syms[] = {
    {"sf_open", &lib.open},
    {"sf_open_fd", &lib.open_fd},
    {"sf_close", &lib.close},
    {"sf_command", &lib.command},
    {"sf_error", &lib.error},
    {"sf_seek", &lib.seek},
    {"sf_readf_float", &lib.readf_float},
    {"sf_writef_float", &lib.writef_float},
    {"sf_write_sync", &lib.write_sync}};
static sono__dynlib sndfile = SONO__DYNLIB(SONO_SNDFILE_LIBRARY, syms);

const sono__sndfile *sono__sndfile_lib(void)
{
    return sono__dynload(&sndfile) == SONO_OK ? &lib : NULL;
}
