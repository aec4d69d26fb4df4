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
 * started (pthread_create failing) has its pieces run by the caller.
 *
 * Waking a sleeping thread took about 23 us here, and an STFT plan on two
 * threads pulls a block of 256 frames every 500 us of one thread's work,
 * so sleeping between loops alone cost a tenth of the speed-up.  So a
 * worker first spins for a while on the loop word, and the caller on
 * the count of unfinished pieces, as GNU OpenMP does (GOMP_SPINCOUNT);
 * only then do they sleep on the condition variables.  The counters are
 * atomics; the mutex still guards every change a sleeper waits for, so no
 * wake-up is lost.  A pool with more threads than the process may use
 * cores does not spin, and a long spin yields, so that a spinning thread
 * does not hold the core the one it waits for needs. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

#include "internal.h"

#define MAX_WORKERS 64

/* How long a thread spins before it sleeps.  Between two pulls of an STFT
 * plan the caller copies the next block's samples (with the workers, see
 * stft.c) and writes the last block's frames, tens to a few hundred
 * microseconds; a sleep is worth it only beyond that.  Bounded by time
 * rather than by a count: one `pause` takes from 3 to 40 ns depending on
 * the processor (20 ns measured here). */
#define SPIN_NS 200000
#define YIELD_AFTER_NS 20000
#define SPINS_PER_CLOCK_READ 64

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000 + t.tv_nsec;
}

struct sono__pool {
    int threads;                 /* workers, counting the caller */
    long long spin_ns;           /* SPIN_NS, or 0 with more threads than cores */
    pthread_t ids[MAX_WORKERS];
    int started[MAX_WORKERS];
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
    /* The current loop: its number times 256 plus its pieces, in one word
     * so that a worker learns both at once.  A worker outside the loop
     * reads nothing else, since the caller may already be writing the
     * next loop's fields; one inside it reads them, and they stay put
     * until it has finished. */
    atomic_ullong loop;          /* 64 bits: never comes round again */
    atomic_int quit;
    atomic_int pending;          /* pieces of the current loop not finished */
    sono__range_fn fn;
    void *ctx;
    size_t n;
};

#define PIECES_OF(loop) ((int)((loop) % 256)) /* MAX_WORKERS < 256 */

static void run_piece(sono__pool *p, int w, int pieces)
{
    size_t k = (size_t)pieces;
    p->fn(p->ctx, p->n * (size_t)w / k, p->n * (size_t)(w + 1) / k, w);
}

typedef struct worker_arg {
    sono__pool *pool;
    int index;
} worker_arg;

/* Whether loop `seen` is still the current one and the pool is not quitting. */
static int idle(sono__pool *p, unsigned long long seen)
{
    return atomic_load_explicit(&p->loop, memory_order_acquire) == seen &&
           !atomic_load_explicit(&p->quit, memory_order_relaxed);
}

/* Whether pieces of the current loop are running; `unused` makes it a
 * condition for spin. */
static int unfinished(sono__pool *p, unsigned long long unused)
{
    (void)unused;
    return atomic_load_explicit(&p->pending, memory_order_acquire) > 0;
}

/* Spins for up to p->spin_ns while waiting(p, arg) holds; returns whether
 * it still does.  Past the first YIELD_AFTER_NS it yields at each clock
 * read, so that on a busy core the thread it waits for can run. */
static int spin(sono__pool *p, int (*waiting)(sono__pool *, unsigned long long),
                unsigned long long arg)
{
    long long start = now_ns();
    for (unsigned i = 1; waiting(p, arg); i++) {
        cpu_relax();
        if (i % SPINS_PER_CLOCK_READ == 0) {
            long long spent = now_ns() - start;
            if (spent > p->spin_ns)
                return waiting(p, arg);
            if (spent > YIELD_AFTER_NS)
                sched_yield();
        }
    }
    return 0;
}

static void *worker_main(void *arg)
{
    sono__pool *p = ((worker_arg *)arg)->pool;
    int w = ((worker_arg *)arg)->index;
    sono__free(arg);
    unsigned long long seen = 0;
    for (;;) {
        if (spin(p, idle, seen)) {
            pthread_mutex_lock(&p->lock);
            while (idle(p, seen))
                pthread_cond_wait(&p->wake, &p->lock);
            pthread_mutex_unlock(&p->lock);
        }
        if (atomic_load(&p->quit))
            break;
        seen = atomic_load_explicit(&p->loop, memory_order_acquire);
        if (w >= PIECES_OF(seen))
            continue;
        run_piece(p, w, PIECES_OF(seen));
        if (atomic_fetch_sub_explicit(&p->pending, 1, memory_order_acq_rel) == 1) {
            pthread_mutex_lock(&p->lock);
            pthread_cond_signal(&p->done);
            pthread_mutex_unlock(&p->lock);
        }
    }
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
    /* A spinning thread on a core that another of the pool's threads needs
     * would only delay it. */
    p->spin_ns = threads > sono_default_threads() ? 0 : SPIN_NS;
    atomic_init(&p->loop, 0);
    atomic_init(&p->quit, 0);
    atomic_init(&p->pending, 0);
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
    atomic_store(&p->quit, 1);
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
    /* The fields are published by the release of the new loop word, which
     * spinning workers read with acquire. */
    p->fn = fn;
    p->ctx = ctx;
    p->n = n;
    atomic_store_explicit(&p->pending, helpers, memory_order_relaxed);
    unsigned long long next =
        (atomic_load_explicit(&p->loop, memory_order_relaxed) / 256 + 1) * 256 +
        (unsigned long long)pieces;
    pthread_mutex_lock(&p->lock);
    atomic_store_explicit(&p->loop, next, memory_order_release);
    if (helpers > 0)
        pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    run_piece(p, 0, pieces);
    for (int w = 1; w < pieces; w++)
        if (!p->started[w])
            run_piece(p, w, pieces);
    if (spin(p, unfinished, 0)) {
        pthread_mutex_lock(&p->lock);
        while (unfinished(p, 0))
            pthread_cond_wait(&p->done, &p->lock);
        pthread_mutex_unlock(&p->lock);
    }
}
