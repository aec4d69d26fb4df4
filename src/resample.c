/* Mono resampling with libsoxr's high-quality recipe, which is what
 * librosa.load and librosa.resample use by default (res_type='soxr_hq').
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libsoxr is loaded by the first resampler (dynload.c says why). */
#include <math.h>
#include <soxr.h>

#include "internal.h"

/* Debian's libsoxr0; the build may name another. */
#ifndef SONO_SOXR_LIBRARY
#define SONO_SOXR_LIBRARY "libsoxr.so.0"
#endif

/* The entry points used, with the header's own prototypes. */
static struct {
    __typeof__(soxr_create) *create;
    __typeof__(soxr_delete) *delete;
    __typeof__(soxr_process) *process;
    __typeof__(soxr_io_spec) *io_spec;
    __typeof__(soxr_quality_spec) *quality_spec;
} lib;

static const sono__dynsym soxr_syms[] = {
    {"soxr_create", &lib.create},   {"soxr_delete", &lib.delete},
    {"soxr_process", &lib.process}, {"soxr_io_spec", &lib.io_spec},
    {"soxr_quality_spec", &lib.quality_spec}};
static sono__dynlib soxr = SONO__DYNLIB(SONO_SOXR_LIBRARY, soxr_syms);

struct sono__resampler {
    soxr_t soxr;
};

sono__resampler *sono__resampler_new(double in_rate, double out_rate, int *err)
{
    if (!(in_rate > 0) || !(out_rate > 0) || isinf(in_rate) ||
        isinf(out_rate) || out_rate / in_rate > 256 || in_rate / out_rate > 256) {
        if (err)
            *err = SONO_ERR_INVALID;
        return NULL;
    }
    int status = sono__dynload(&soxr);
    if (status != SONO_OK) {
        if (err)
            *err = status;
        return NULL;
    }
    sono__resampler *r = sono__calloc(1, sizeof *r);
    if (!r) {
        if (err)
            *err = SONO_ERR_NOMEM;
        return NULL;
    }
    soxr_error_t e;
    soxr_io_spec_t io = lib.io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    soxr_quality_spec_t q = lib.quality_spec(SOXR_HQ, 0);
    r->soxr = lib.create(in_rate, out_rate, 1, &e, &io, &q, NULL);
    if (!r->soxr) {
        sono__free(r);
        if (err)
            *err = SONO_ERR_NOMEM;
        return NULL;
    }
    return r;
}

void sono__resampler_free(sono__resampler *r)
{
    if (!r)
        return;
    lib.delete(r->soxr);
    sono__free(r);
}

int sono__resample(sono__resampler *r, const float *in, size_t n_in,
                   size_t *used, float *out, size_t max_out, size_t *produced)
{
    size_t idone = 0, odone = 0;
    soxr_error_t e = lib.process(r->soxr, in, in ? n_in : 0, &idone, out,
                                  max_out, &odone);
    if (used)
        *used = idone;
    *produced = odone;
    return e ? SONO_ERR_INVALID : SONO_OK;
}
