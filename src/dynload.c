/* Shared libraries loaded on first use (dlopen) instead of linked.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every linked library is mapped and relocated at each process start,
 * needed or not.  On the 2-core virtual machine sono is measured on, an
 * empty program linked with libsoxr took 1.5 ms longer to run than one
 * linked with nothing (libsoxr brings libgomp), and with libsndfile 3.0 ms
 * (it brings seven codec libraries), against a whole `sono render` of a
 * 5 s clip of about 23 ms.  OpenBLAS also starts threads when it is loaded
 * (linalg.c).  So these are loaded by the first call that needs them. */
#define _DEFAULT_SOURCE /* dlopen's RTLD_ flags with -std=c11 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "internal.h"

/* ISO C has no conversion from void * to a function pointer; POSIX
 * guarantees that dlsym's result converts, which a memcpy expresses. */
_Static_assert(sizeof(void (*)(void)) == sizeof(void *),
               "dynload.c stores dlsym's result in function pointers");

static int load(const sono__dynlib *l)
{
    /* Never closed: a library's state (and OpenBLAS's threads) must not be
     * unloaded under what still refers to it. */
    void *lib = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
    int status = lib ? SONO_OK : SONO_ERR_LIBRARY;
    for (size_t i = 0; i < l->n; i++) {
        void *sym = lib ? dlsym(lib, l->syms[i].name) : NULL;
        if (!sym)
            status = SONO_ERR_LIBRARY;
        memcpy(l->syms[i].slot, &sym, sizeof sym);
    }
    return status;
}

/* One lock for all libraries: each is loaded once, and the lock is taken
 * only until then. */
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

int sono__dynload(sono__dynlib *l)
{
    /* The flag is published after the slots and the status, and read
     * before them. */
    if (atomic_load_explicit(&l->loaded, memory_order_acquire))
        return l->status;
    pthread_mutex_lock(&load_lock);
    if (!atomic_load_explicit(&l->loaded, memory_order_relaxed)) {
        l->status = load(l);
        atomic_store_explicit(&l->loaded, 1, memory_order_release);
    }
    pthread_mutex_unlock(&load_lock);
    return l->status;
}
