/* Allocation routed through one place, with overflow-checked sizes.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests of the library's behaviour under memory exhaustion build it with
 * SONO_ALLOC_TESTING, which makes the allocation numbered by the environment
 * variable SONO_FAIL_ALLOC (1-based) return NULL. */
#define _DEFAULT_SOURCE /* posix_memalign, madvise */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#ifdef SONO_ALLOC_TESTING
static int should_fail(void)
{
    static long count;
    static long fail_at = -1;
    if (fail_at < 0) {
        const char *e = getenv("SONO_FAIL_ALLOC");
        fail_at = e ? atol(e) : 0;
    }
    return fail_at > 0 && ++count == fail_at;
}
#else
#define should_fail() 0
#endif

/* Matrices of several MiB (a spectrogram, Griffin-Lim's iterates, PGHI's
 * work arrays) are touched once from end to end soon after allocation.  In
 * 4 KiB pages that is one page fault per 4 KiB, and on a virtual machine a
 * fault costs microseconds: 12,000 of them were a third of PGHI's time on
 * 20 s of audio.  Such blocks are aligned to 2 MiB and offered to the
 * kernel's transparent huge pages (a hint: where THP is off, nothing
 * changes).  free() releases them as any other block. */
#define HUGE_PAGE ((size_t)2 << 20)
#define LARGE_BLOCK (2 * HUGE_PAGE)

static void *large_block(size_t size)
{
    void *p = NULL;
    if (posix_memalign(&p, HUGE_PAGE, size) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, size & ~(HUGE_PAGE - 1), MADV_HUGEPAGE);
#endif
    return p;
}

void *sono__malloc(size_t size)
{
    if (should_fail())
        return NULL;
    if (size >= LARGE_BLOCK)
        return large_block(size);
    return malloc(size ? size : 1);
}

void *sono__calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
    if (count != 0 && size != 0 && count <= SIZE_MAX / size &&
        count * size >= LARGE_BLOCK) {
        void *p = large_block(count * size);
        if (p)
            memset(p, 0, count * size);
        return p;
    }
    return calloc(count ? count : 1, size ? size : 1);
}

void *sono__realloc(void *p, size_t size)
{
    if (should_fail())
        return NULL;
    return realloc(p, size ? size : 1);
}

void sono__free(void *p)
{
    free(p);
}

int sono__mul_size(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return SONO_ERR_TOO_LARGE;
    *out = a * b;
    return SONO_OK;
}

void *sono__malloc_array(size_t count, size_t size)
{
    size_t total;
    if (sono__mul_size(count, size, &total) != SONO_OK)
        return NULL;
    return sono__malloc(total);
}
