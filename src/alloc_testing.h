/* Hooks of a library built with SONO_ALLOC_TESTING (alloc.c), for tests that
 * make allocations fail one at a time and check that nothing leaks.  Only
 * that build defines them; the ordinary library has no such state.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SONO_ALLOC_TESTING_H
#define SONO_ALLOC_TESTING_H

/* Makes the k-th allocation from now (k >= 1) fail, and with and_after
 * every one after it too; k = 0 lets every allocation succeed again.
 * Allocations are sono__malloc, sono__calloc, sono__realloc and
 * sono__malloc_aligned calls, including those libspng makes through them. */
void sono__alloc_fail(long k, int and_after);
/* Allocations asked for since the process started, refused ones included. */
long sono__alloc_count(void);
/* Allocations made and not yet freed: every successful sono__malloc,
 * sono__calloc, sono__malloc_aligned and sono__realloc(NULL, n) counts one
 * up, every sono__free of a non-NULL pointer one down. */
long sono__alloc_live(void);
/* Allocations refused since the last sono__alloc_fail. */
long sono__alloc_refused(void);

#endif
