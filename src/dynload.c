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
#include <string.h>

#include "internal.h"

/* ISO C has no conversion from void * to a function pointer; POSIX
 * guarantees that dlsym's result converts, which a memcpy expresses. */
_Static_assert(sizeof(void (*)(void)) == sizeof(void *),
               "dynload.c stores dlsym's result in function pointers");

int sono__dynload(const char *soname, const sono__dynsym *syms, size_t n)
{
    /* Never closed: a library's state (and OpenBLAS's threads) must not be
     * unloaded under what still refers to it. */
    void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    int status = lib ? SONO_OK : SONO_ERR_LIBRARY;
    for (size_t i = 0; i < n; i++) {
        void *sym = lib ? dlsym(lib, syms[i].name) : NULL;
        if (!sym)
            status = SONO_ERR_LIBRARY;
        memcpy(syms[i].slot, &sym, sizeof sym);
    }
    return status;
}
