/* Worker threads that stay: a parallel for-loop for an object that runs
 * many short loops, such as an STFT plan computing a block of frames per
 * pull.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * parallel.c starts threads for each loop, which costs tens of
 * microseconds of CPU and, on a busy machine, over a hundred of waiting per
 * loop: a quarter of a block of 256 frames on two threads.  Here the
 * workers are started once and sleep on a condition variable between
 * loops.  The range is cut as parallel.c cuts it, one contiguous piece per
 * worker (piece w is [n w / k, n (w + 1) / k) for k pieces), so results do
 * not depend on which of the two runs a loop.  A thread that cannot be
 * started (pthread_create failing) has its pieces run by the caller. */
#include <pthread.h>

#include "internal.h"

#define MAX_WORKERS 64

struct sono__pool {
    int threads;                 /* workers, counting the caller */
    pthread_t ids[MAX_WORKERS];
    int started[MAX_WORKERS];
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
    unsigned long generation;    /* bumped for each loop */
    int quit;
    int pending;                 /* pieces of the current loop not finished */
    /* the current loop */
    sono__range_fn fn;
    void *ctx;
    size_t n;
    int pieces;
};

static void run_piece(sono__pool *p, int w)
{
    size_t k = (size_t)p->pieces;
    p->fn(p->ctx, p->n * (size_t)w / k, p->n * (size_t)(w + 1) / k, w);
}

typedef struct worker_arg {
    sono__pool *pool;
    int index;
} worker_arg;

static void *worker_main(void *arg)
{
    sono__pool *p = ((worker_arg *)arg)->pool;
    int w = ((worker_arg *)arg)->index;
    sono__free(arg);
    unsigned long seen = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->quit && p->generation == seen)
            pthread_cond_wait(&p->wake, &p->lock);
        if (p->quit)
            break;
        seen = p->generation;
        if (w >= p->pieces)
            continue;
        pthread_mutex_unlock(&p->lock);
        run_piece(p, w);
        pthread_mutex_lock(&p->lock);
        if (--p->pending == 0)
            pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

sono__pool *sono__pool_new(int threads, int *err)
{
    threads = sono__threads_resolve(threads);
    sono__pool *p = sono__calloc(1, sizeof *p);
    if (!p) {
        if (err)
            *err = SONO_ERR_NOMEM;
        return NULL;
    }
    p->threads = threads;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    pthread_cond_init(&p->done, NULL);
    /* Worker 0 is the caller's thread. */
    for (int w = 1; w < threads; w++) {
        worker_arg *a = sono__malloc(sizeof *a);
        if (!a) {
            sono__pool_free(p);
            if (err)
                *err = SONO_ERR_NOMEM;
            return NULL;
        }
        a->pool = p;
        a->index = w;
        p->started[w] = pthread_create(&p->ids[w], NULL, worker_main, a) == 0;
        if (!p->started[w])
            sono__free(a);
    }
    return p;
}

void sono__pool_free(sono__pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->quit = 1;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (int w = 1; w < p->threads; w++)
        if (p->started[w])
            pthread_join(p->ids[w], NULL);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->lock);
    sono__free(p);
}

int sono__pool_threads(const sono__pool *p)
{
    return p ? p->threads : 1;
}

void sono__pool_for(sono__pool *p, int pieces, size_t n, sono__range_fn fn, void *ctx)
{
    if (!p || pieces <= 1 || n <= 1) {
        fn(ctx, 0, n, 0);
        return;
    }
    if (pieces > p->threads)
        pieces = p->threads;
    if ((size_t)pieces > n)
        pieces = (int)n;
    int helpers = 0;
    for (int w = 1; w < pieces; w++)
        helpers += p->started[w];
    pthread_mutex_lock(&p->lock);
    p->fn = fn;
    p->ctx = ctx;
    p->n = n;
    p->pieces = pieces;
    p->pending = helpers;
    p->generation++;
    if (helpers > 0)
        pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    run_piece(p, 0);
    for (int w = 1; w < pieces; w++)
        if (!p->started[w])
            run_piece(p, w);
    pthread_mutex_lock(&p->lock);
    while (p->pending > 0)
        pthread_cond_wait(&p->done, &p->lock);
    pthread_mutex_unlock(&p->lock);
}
