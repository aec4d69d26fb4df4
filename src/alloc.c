/* Allocation routed through one place, with overflow-checked sizes.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tests of the library's behaviour under memory exhaustion build it with
 * SONO_ALLOC_TESTING, which makes the allocation numbered by the environment
 * variable SONO_FAIL_ALLOC (1-based) return NULL. */
#include <stdint.h>
#include <stdlib.h>

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

void *sono__malloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *sono__calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
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
