/* Status codes and the version string.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#define STR2(x) #x
#define STR(x) STR2(x)

const char *sono_version_string(void)
{
    return STR(SONO_VERSION_MAJOR) "." STR(SONO_VERSION_MINOR) "." STR(
        SONO_VERSION_PATCH);
}

const char *sono_strerror(int status)
{
    switch (status) {
    case SONO_OK: return "success";
    case SONO_ERR_NOMEM: return "out of memory";
    case SONO_ERR_INVALID: return "invalid parameter";
    case SONO_ERR_IO: return "input/output error";
    case SONO_ERR_FORMAT: return "corrupt or unsupported file";
    case SONO_ERR_NONFINITE: return "NaN or infinite value";
    case SONO_ERR_TOO_SHORT: return "signal too short";
    case SONO_ERR_TOO_LARGE: return "size too large";
    case SONO_ERR_EMPTY: return "no data";
    case SONO_ERR_STATE: return "call out of order";
    case SONO_ERR_LIBRARY:
        return "a library loaded on first use (libsndfile, libsoxr, OpenBLAS, LAPACKE) is missing";
    default: return "unknown error";
    }
}
