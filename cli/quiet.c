/* Decoding with the C library's stderr stream silenced.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libmpg123, which libsndfile decodes MP3 with, prints notes such as "Note:
 * Illegal Audio-MPEG-Header 0x00000000 at offset 4092." on stderr for
 * damaged or fake MP3 data, and libsndfile offers no way to set its
 * MPG123_QUIET flag.  The program's contract is one line per failure, so the
 * audio calls run with the stream `stderr` pointing at /dev/null.  Only the
 * stream is swapped (glibc's stdin, stdout and stderr are assignable
 * variables), not file descriptor 2: the sanitizers' reports and glibc's
 * fatal messages are written to the descriptor and stay visible.  Nothing
 * is swapped where the streams are not assignable. */
#include <stdio.h>

#include "cli.h"

#ifdef __GLIBC__
static FILE *saved, *null_stream;

void cli_quiet_begin(void)
{
    if (saved)
        return;
    if (!null_stream && !(null_stream = fopen("/dev/null", "w")))
        return;
    saved = stderr;
    stderr = null_stream;
}

void cli_quiet_end(void)
{
    if (!saved)
        return;
    stderr = saved;
    saved = NULL;
}
#else
void cli_quiet_begin(void)
{
}

void cli_quiet_end(void)
{
}
#endif
