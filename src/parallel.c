/* A minimal parallel for-loop over an index range, on POSIX threads.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Threads are started for each loop and joined at its end: the loops this
 * serves (a pass over all frames of a spectrogram) take milliseconds, next
 * to which thread creation (tens of microseconds) is noise, and there is no
 * pool to leak or to shut down.  The range is cut into one contiguous piece
 * per worker, so a computation whose pieces are independent gives the same
 * bits for any thread count. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include "internal.h"

#define MAX_THREADS 64

typedef struct piece {
    sono__range_fn fn;
    void *ctx;
    size_t begin, end;
    int worker;
} piece;

static void *run_piece(void *arg)
{
    piece *p = arg;
    p->fn(p->ctx, p->begin, p->end, p->worker);
    return NULL;
}

int sono_default_threads(void)
{
    long n = -1;
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        n = CPU_COUNT(&set);
    if (n <= 0)
        n = sysconf(_SC_NPROCESSORS_ONLN);
    return n <= 0 ? 1 : n > MAX_THREADS ? MAX_THREADS : (int)n;
}

int sono__threads_resolve(int threads)
{
    if (threads <= 0)
        return sono_default_threads();
    return threads > MAX_THREADS ? MAX_THREADS : threads;
}

void sono__parallel_for(int threads, size_t n, sono__range_fn fn, void *ctx)
{
    piece pieces[MAX_THREADS];
    pthread_t ids[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    if (threads < 1 || (size_t)threads > n)
        threads = n > 0 ? (int)(n < MAX_THREADS ? n : MAX_THREADS) : 1;
    for (int w = 0; w < threads; w++) {
        pieces[w].fn = fn;
        pieces[w].ctx = ctx;
        pieces[w].begin = n * (size_t)w / (size_t)threads;
        pieces[w].end = n * (size_t)(w + 1) / (size_t)threads;
        pieces[w].worker = w;
    }
    /* Worker 0 runs on the calling thread; a thread that cannot be started
     * has its piece run here too, so the loop always completes. */
    for (int w = 1; w < threads; w++)
        started[w] = pthread_create(&ids[w], NULL, run_piece, &pieces[w]) == 0;
    run_piece(&pieces[0]);
    for (int w = 1; w < threads; w++) {
        if (started[w])
            pthread_join(ids[w], NULL);
        else
            run_piece(&pieces[w]);
    }
}
