/* Allocation routed through one place, with overflow-checked sizes.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every buffer of sono's own comes from here (and libspng's, which takes
 * these functions as its allocator), so that a build with SONO_ALLOC_TESTING
 * can make any one allocation fail and count the allocations still live:
 * alloc_testing.h, used by tests/test_alloc_fail.c.  In the ordinary build
 * these are malloc and friends with nothing added but the huge pages below. */
#define _DEFAULT_SOURCE /* posix_memalign, madvise */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

/* FFTW's SIMD codelets run only on aligned buffers; 64 bytes is the widest
 * alignment it asks for (AVX-512), and what fftw_malloc would give. */
#define ALIGNMENT 64

#ifdef SONO_ALLOC_TESTING
#include <stdatomic.h>

#include "alloc_testing.h"

/* Atomic: worker threads may allocate while the test's thread counts. */
static atomic_long attempts;  /* allocations asked for, refused ones too */
static atomic_long live;      /* made and not yet freed */
static atomic_long fail_at;   /* the attempt number to refuse; 0: none */
static atomic_int fail_later; /* refuse every attempt after it as well */
static atomic_long refused;   /* refused since the last sono__alloc_fail */

void sono__alloc_fail(long k, int and_after)
{
    atomic_store(&fail_later, and_after != 0);
    atomic_store(&refused, 0);
    atomic_store(&fail_at, k > 0 ? atomic_load(&attempts) + k : 0);
}

long sono__alloc_count(void)
{
    return atomic_load(&attempts);
}

long sono__alloc_live(void)
{
    return atomic_load(&live);
}

long sono__alloc_refused(void)
{
    return atomic_load(&refused);
}

static int refuse(void)
{
    long n = atomic_fetch_add(&attempts, 1) + 1, k = atomic_load(&fail_at);
    if (k > 0 && (n == k || (n > k && atomic_load(&fail_later)))) {
        atomic_fetch_add(&refused, 1);
        return 1;
    }
    return 0;
}

static void *counted(void *p)
{
    if (p)
        atomic_fetch_add(&live, 1);
    return p;
}

static void uncount(void *p)
{
    if (p)
        atomic_fetch_sub(&live, 1);
}
#else
#define refuse() 0
#define counted(p) (p)
#define uncount(p) ((void)0)
#endif

/* Matrices of a MiB or more (a spectrogram, Griffin-Lim's iterates, PGHI's
 * work arrays) are touched once from end to end soon after allocation.  In
 * 4 KiB pages that is one page fault per 4 KiB, and on a virtual machine a
 * fault costs microseconds: 12,000 of them were a third of PGHI's time on
 * 20 s of audio, and the 2,000 of a 5 s clip's Griffin-Lim buffers a third
 * of its 32 iterations.  Such blocks are rounded up to whole 2 MiB pages,
 * aligned to them and offered to the kernel's transparent huge pages (a
 * hint: where THP is off, nothing changes but the rounding).  free()
 * releases them as any other block. */
#define HUGE_PAGE ((size_t)2 << 20)
#define LARGE_BLOCK ((size_t)1 << 20)

static void *large_block(size_t size)
{
    void *p = NULL;
    size_t whole = (size + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    if (whole < size || posix_memalign(&p, HUGE_PAGE, whole) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, whole, MADV_HUGEPAGE);
#endif
    return p;
}

void *sono__malloc(size_t size)
{
    if (refuse())
        return NULL;
    if (size >= LARGE_BLOCK)
        return counted(large_block(size));
    return counted(malloc(size ? size : 1));
}

void *sono__calloc(size_t count, size_t size)
{
    if (refuse())
        return NULL;
    if (count != 0 && size != 0 && count <= SIZE_MAX / size &&
        count * size >= LARGE_BLOCK) {
        void *p = large_block(count * size);
        if (p)
            memset(p, 0, count * size);
        return counted(p);
    }
    return counted(calloc(count ? count : 1, size ? size : 1));
}

/* realloc(NULL, n) is a new allocation; otherwise the count stays, whether
 * the block moved or the call failed (and left it as it was). */
void *sono__realloc(void *p, size_t size)
{
    if (refuse())
        return NULL;
    void *q = realloc(p, size ? size : 1);
    return p ? q : counted(q);
}

void sono__free(void *p)
{
    uncount(p);
    free(p);
}

void *sono__malloc_aligned(size_t size)
{
    /* C11's aligned_alloc wants a multiple of the alignment. */
    if (size > SIZE_MAX - (ALIGNMENT - 1))
        return NULL;
    size = size ? (size + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT : ALIGNMENT;
    if (refuse())
        return NULL;
    return counted(aligned_alloc(ALIGNMENT, size));
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

void *sono__realloc_array(void *p, size_t count, size_t size)
{
    size_t total;
    if (sono__mul_size(count, size, &total) != SONO_OK)
        return NULL;
    return sono__realloc(p, total);
}

void *sono__malloc_array2(size_t a, size_t b, size_t size)
{
    size_t count;
    if (sono__mul_size(a, b, &count) != SONO_OK)
        return NULL;
    return sono__malloc_array(count, size);
}
