/* How the program holds memory: freed blocks kept for the next stage, and
 * large blocks that are about to be filled on huge pages.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On a virtual machine the first touch of a page costs about 11 us (the
 * fault goes through the hypervisor), which was most of a short render:
 * a 5 s clip's 1.8 MB spectrogram alone is 430 pages.  Two remedies, both
 * only hints to glibc and the kernel: */
#define _DEFAULT_SOURCE /* madvise, posix_memalign */
#include <stdlib.h>
#include <sys/mman.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "cli.h"

#define HUGE_PAGE ((size_t)2 << 20)

/* glibc maps every block of 128 KiB or more afresh and unmaps it when freed,
 * so each stage's buffer is new pages again.  Blocks up to glibc's largest
 * threshold (32 MiB) come from the heap instead, and freed memory stays
 * there for the next stage. */
void cli_keep_freed_memory(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
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
