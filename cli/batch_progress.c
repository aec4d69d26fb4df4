/* sono batch: one progress line on stderr, redrawn in place with '\r', only
 * when stderr is a terminal (a log file or a pipe gets the summary alone).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"

double batch_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void batch_progress_start(batch_progress *p, size_t total)
{
    p->on = isatty(2) && total > 0;
    p->total = total;
    p->done = 0;
    p->start = batch_now();
    p->last_drawn = 0;
    p->width = 0;
}

/* h:mm:ss, or m:ss under an hour. */
static void clock_text(char *s, size_t size, double seconds)
{
    unsigned long t = seconds > 0 && seconds < 3.6e8 ? (unsigned long)(seconds + 0.5) : 0;
    if (t >= 3600)
        snprintf(s, size, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(s, size, "%lu:%02lu", t / 60, t % 60);
}

void batch_progress_draw(batch_progress *p, int force)
{
    if (!p->on)
        return;
    double now = batch_now();
    if (!force && now - p->last_drawn < 0.1)
        return;
    p->last_drawn = now;
    double elapsed = now - p->start;
    char line[160], left[32] = "?";
    int n;
    if (p->done > 0 && elapsed > 0) {
        double rate = (double)p->done / elapsed;
        clock_text(left, sizeof left, (double)(p->total - p->done) / rate);
        n = snprintf(line, sizeof line, "sono batch: %zu/%zu files, %.1f files/s, %s left",
                     p->done, p->total, rate, left);
    } else {
        n = snprintf(line, sizeof line, "sono batch: %zu/%zu files", p->done, p->total);
    }
    /* Padded to the longest line drawn, which it must cover. */
    fprintf(stderr, "\r%s%*s", line, n < p->width ? p->width - n : 0, "");
    fflush(stderr);
    if (n > p->width)
        p->width = n;
}

void batch_progress_clear(batch_progress *p)
{
    if (p->width == 0)
        return;
    fprintf(stderr, "\r%*s\r", p->width, "");
    fflush(stderr);
    p->width = 0;
}
