/* How the program holds memory: freed blocks kept for the next stage, the
 * start of the heap and large blocks that are about to be filled on huge
 * pages.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On a virtual machine the first touch of a page costs about 11 us (the
 * fault goes through the hypervisor), which was most of a short render:
 * a 5 s clip's 1.8 MB spectrogram alone is 430 pages, and FFTW's planner,
 * the STFT's buffer and the picture's stages touched about 330 more
 * pages of fresh heap.  Three remedies, all only hints to glibc and the
 * kernel: */
#define _DEFAULT_SOURCE /* madvise, posix_memalign */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cli.h"

#define HUGE_PAGE ((size_t)2 << 20)

/* Under AddressSanitizer, malloc is not glibc's heap. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* glibc maps every block of 128 KiB or more afresh and unmaps it when freed,
 * so each stage's buffer is new pages again.  Blocks up to glibc's largest
 * threshold (32 MiB) come from the heap instead, and freed memory stays
 * there for the next stage. */
static void keep_freed_memory(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

/* The heap's next 6 MiB offered to transparent huge pages, so
 * that the small blocks of a short command fill one or two pages, each one
 * fault, instead of hundreds (measured on a 5 s render: 335 faults after
 * main() became 65, the planner 3.6 -> 2.4 ms and the STFT 4.0 -> 2.2 ms).
 * glibc carves blocks from the bottom of the heap's free top, which begins
 * anywhere: a block that is never touched (spacer) fills the top up to the
 * next 2 MiB boundary, the heap is grown past the range by one block that
 * is freed at once, and only whole aligned pages are marked.  Untouched,
 * none of it is resident. */
#define HEAP_HUGE (4 * HUGE_PAGE)

static void heap_on_huge_pages(void)
{
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE) && !defined(UNDER_ASAN)
#if __GLIBC_PREREQ(2, 33) /* mallinfo2 */
    /* Once (the command-line fuzzer runs main() many times). */
    static int done;
    static void *spacer; /* kept, so that no allocation goes below the range */
    if (done)
        return;
    done = 1;
    /* The free top is the heap's last chunk: it ends at the break and its
     * size is what mallinfo2 calls keepcost.  The first allocation makes
     * the heap (volatile: a compiler may drop a malloc that is only freed). */
    void *volatile first = malloc(1);
    free(first);
    size_t top_size = mallinfo2().keepcost;
    uintptr_t end = (uintptr_t)sbrk(0);
    if (top_size == 0 || end == (uintptr_t)-1 || top_size > end)
        return;
    uintptr_t top = end - top_size;
    uintptr_t start = (top + 64 + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    if (start - top > 64 && !(spacer = malloc(start - top - 32)))
        return;
    /* The new top's header lands at the end of `grow`: the last 2 MiB
     * that it touches are left out. */
    char *grow = malloc(HEAP_HUGE);
    if (!grow)
        return;
    if ((uintptr_t)grow <= start && (uintptr_t)grow + HEAP_HUGE > start + HEAP_HUGE - HUGE_PAGE)
        madvise((void *)start, HEAP_HUGE - HUGE_PAGE, MADV_HUGEPAGE);
    free(grow);
#endif
#endif
}

void cli_memory_setup(void)
{
    keep_freed_memory();
    heap_on_huge_pages();
}

/* A block of a MiB or more is rounded up to whole 2 MiB pages, aligned to
 * them and offered to transparent huge pages: one fault instead of 512
 * (measured on a 5 s render: 29.8 -> 27.6 ms, means of 6 rounds of 10). */
void *cli_alloc_filled(size_t bytes)
{
    if (bytes < HUGE_PAGE / 2)
        return malloc(bytes ? bytes : 1);
    size_t whole = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    void *p = NULL;
    if (whole < bytes || posix_memalign(&p, HUGE_PAGE, whole) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, whole, MADV_HUGEPAGE);
#endif
    return p;
}
