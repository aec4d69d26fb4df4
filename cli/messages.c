/* The program's messages: errors and warnings on stderr, one line each,
 * "sono CMD: SUBJECT: ...".  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Warnings wait until the command has finished: a command that fails says
 * one thing, its error, in one line; a warning met on the way (a truncated
 * input, fmax above Nyquist, empty mel filters) would be a second line.  A
 * command that succeeds prints them when it ends, in order. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_WARNINGS 16

const char *cli_command = "";

static char *pending[MAX_WARNINGS];
static int n_pending;

static void vreport(const char *kind, const char *subject, const char *fmt,
                    va_list ap)
{
    fprintf(stderr, "sono%s%s: %s%s%s", *cli_command ? " " : "", cli_command,
            kind, subject ? subject : "", subject ? ": " : "");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void cli_error(const char *subject, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport("", subject, fmt, ap);
    va_end(ap);
}

void cli_warn(const char *subject, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = snprintf(line, sizeof line, "sono%s%s: warning: %s%s",
                     *cli_command ? " " : "", cli_command, subject ? subject : "",
                     subject ? ": " : "");
    if (n >= 0 && (size_t)n < sizeof line)
        vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    /* Without room to keep it, a warning is printed at once. */
    char *kept = n_pending < MAX_WARNINGS ? malloc(strlen(line) + 1) : NULL;
    if (!kept) {
        fprintf(stderr, "%s\n", line);
        return;
    }
    strcpy(kept, line);
    pending[n_pending++] = kept;
}

void cli_end_warnings(int print)
{
    for (int i = 0; i < n_pending; i++) {
        if (print)
            fprintf(stderr, "%s\n", pending[i]);
        free(pending[i]);
        pending[i] = NULL;
    }
    n_pending = 0;
}

void cli_file_error(const char *path, int status)
{
    switch (status) {
    case SONO_ERR_IO:
        cli_error(path, "cannot open or read: %s", strerror(errno ? errno : EIO));
        break;
    case SONO_ERR_FORMAT:
        cli_error(path, "corrupt or not a supported file");
        break;
    case SONO_ERR_EMPTY:
        cli_error(path, "holds no audio samples");
        break;
    default:
        cli_error(path, "%s", sono_strerror(status));
    }
}

