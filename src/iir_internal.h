/* Private to iir.c and butter.c: making a filter from its coefficients.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SONO_IIR_INTERNAL_H
#define SONO_IIR_INTERNAL_H

#include "internal.h"

/* A filter of n coefficients b and a (a[0] = 1), both copied, with zero
 * state.  SONO_ERR_INVALID for n = 0, SONO_ERR_NOMEM. */
sono_iir *sono__iir_new(const double *b, const double *a, size_t n, int *err);

#endif
