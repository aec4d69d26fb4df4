/* NumPy .npy files: header, whole-array load and save.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Format: "\x93NUMPY", version, header length, then a Python dict literal
 * {'descr': '<f4', 'fortran_order': False, 'shape': (r, c), } padded with
 * spaces and a newline so that the data starts at a multiple of 64 bytes.
 * Streaming column access is in npy_stream.c. */
#define _FILE_OFFSET_BITS 64
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "npy_internal.h"

#define MAX_HEADER (1u << 16)

size_t sono__dtype_size(sono_dtype dt)
{
    return dt == SONO_DTYPE_C64 ? 8 : 4;
}

static const char *skip_space(const char *s)
{
    while (*s && isspace((unsigned char)*s))
        s++;
    return s;
}

/* Finds 'key' (or "key") followed by a colon; returns the text after it. */
static const char *find_key(const char *h, const char *key)
{
    size_t n = strlen(key);
    for (const char *s = h; (s = strpbrk(s, "'\"")) != NULL; s++) {
        if (strncmp(s + 1, key, n) == 0 && s[n + 1] == s[0]) {
            const char *t = skip_space(s + n + 2);
            if (*t == ':')
                return skip_space(t + 1);
        }
    }
    return NULL;
}

static int parse_descr(const char *v, sono__npy_info *info)
{
    if (!v || (*v != '\'' && *v != '"'))
        return SONO_ERR_FORMAT;
    char q = *v++;
    const char *end = strchr(v, q);
    if (!end || end - v < 3 || end - v > 4)
        return SONO_ERR_FORMAT;
    char order = v[0];
    if (order == '<' || order == '=' || order == '|')
        info->swap = 0;
    else if (order == '>')
        info->swap = 1;
    else
        return SONO_ERR_FORMAT;
    char kind = v[1];
    int size = atoi(v + 2);
    if (kind == 'f' && (size == 4 || size == 8)) {
        info->dtype = SONO_DTYPE_F32;
        info->file_elem = (size_t)size;
        info->component = (size_t)size;
    } else if (kind == 'c' && (size == 8 || size == 16)) {
        info->dtype = SONO_DTYPE_C64;
        info->file_elem = (size_t)size;
        info->component = (size_t)size / 2;
    } else {
        return SONO_ERR_FORMAT;
    }
    return SONO_OK;
}

static int parse_shape(const char *v, sono__npy_info *info)
{
    if (!v || *v != '(')
        return SONO_ERR_FORMAT;
    v = skip_space(v + 1);
    info->ndim = 0;
    while (*v != ')') {
        if (!isdigit((unsigned char)*v) || info->ndim == SONO_NPY_MAX_DIMS)
            return SONO_ERR_FORMAT;
        char *end;
        unsigned long long d = strtoull(v, &end, 10);
        if (d > (unsigned long long)SIZE_MAX)
            return SONO_ERR_TOO_LARGE;
        info->shape[info->ndim++] = (size_t)d;
        v = skip_space(end);
        if (*v == ',')
            v = skip_space(v + 1);
        else if (*v != ')')
            return SONO_ERR_FORMAT;
    }
    return SONO_OK;
}

int sono__npy_read_header(FILE *fp, sono__npy_info *info)
{
    unsigned char pre[12];
    memset(info, 0, sizeof *info);
    if (fread(pre, 1, 10, fp) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0)
        return SONO_ERR_FORMAT;
    size_t hlen, prelen = 10;
    if (pre[6] == 1) {
        hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
    } else if (pre[6] == 2 || pre[6] == 3) {
        if (fread(pre + 10, 1, 2, fp) != 2)
            return SONO_ERR_FORMAT;
        hlen = (size_t)pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 |
               (size_t)pre[11] << 24;
        prelen = 12;
    } else {
        return SONO_ERR_FORMAT;
    }
    if (hlen == 0 || hlen > MAX_HEADER)
        return SONO_ERR_FORMAT;
    char *h = sono__malloc(hlen + 1);
    if (!h)
        return SONO_ERR_NOMEM;
    int r = SONO_ERR_FORMAT;
    if (fread(h, 1, hlen, fp) != hlen)
        goto done;
    h[hlen] = '\0';
    if (memchr(h, '\0', hlen))
        goto done;
    if ((r = parse_descr(find_key(h, "descr"), info)) != SONO_OK)
        goto done;
    const char *fo = find_key(h, "fortran_order");
    r = SONO_ERR_FORMAT;
    if (!fo)
        goto done;
    if (strncmp(fo, "True", 4) == 0)
        info->fortran = 1;
    else if (strncmp(fo, "False", 5) != 0)
        goto done;
    if ((r = parse_shape(find_key(h, "shape"), info)) != SONO_OK)
        goto done;
    info->count = 1;
    for (size_t i = 0; i < info->ndim; i++)
        if ((r = sono__mul_size(info->count, info->shape[i], &info->count)))
            goto done;
    size_t bytes;
    if ((r = sono__mul_size(info->count, info->file_elem, &bytes)))
        goto done;
    info->data_offset = prelen + hlen;
    /* The data must be present: a lying shape is refused before anything
     * is allocated for it. */
    struct stat st;
    r = SONO_ERR_FORMAT;
    if (fstat(fileno(fp), &st) != 0 || st.st_size < 0 ||
        (unsigned long long)st.st_size - info->data_offset < bytes ||
        (unsigned long long)st.st_size < info->data_offset)
        goto done;
    r = SONO_OK;
done:
    sono__free(h);
    return r;
}

static void swap_bytes(unsigned char *p, size_t size)
{
    for (size_t i = 0; i < size / 2; i++) {
        unsigned char t = p[i];
        p[i] = p[size - 1 - i];
        p[size - 1 - i] = t;
    }
}

void sono__npy_convert(const sono__npy_info *info, const unsigned char *in,
                       void *out, size_t count)
{
    size_t comps = info->dtype == SONO_DTYPE_C64 ? 2 : 1;
    float *o = out;
    for (size_t i = 0; i < count * comps; i++) {
        unsigned char b[8];
        memcpy(b, in + i * info->component, info->component);
        if (info->swap)
            swap_bytes(b, info->component);
        if (info->component == 8) {
            double d;
            memcpy(&d, b, 8);
            o[i] = (float)d;
        } else {
            memcpy(o + i, b, 4);
        }
    }
}

/* Rearranges a Fortran-order array into C order. */
static int fortran_to_c(sono_npy_array *a)
{
    size_t count = 1, esize = sono__dtype_size(a->dtype);
    for (size_t i = 0; i < a->ndim; i++)
        count *= a->shape[i];
    unsigned char *out = sono__malloc_array(count, esize);
    if (!out)
        return SONO_ERR_NOMEM;
    size_t idx[SONO_NPY_MAX_DIMS] = {0};
    const unsigned char *in = a->data;
    for (size_t c = 0; c < count; c++) {
        size_t f = 0, stride = 1;
        for (size_t d = 0; d < a->ndim; d++) {
            f += idx[d] * stride;
            stride *= a->shape[d];
        }
        memcpy(out + c * esize, in + f * esize, esize);
        for (size_t d = a->ndim; d-- > 0;) {
            if (++idx[d] < a->shape[d])
                break;
            idx[d] = 0;
        }
    }
    sono__free(a->data);
    a->data = out;
    return SONO_OK;
}

int sono_npy_load(const char *path, sono_npy_array *out)
{
    if (!path || !out)
        return SONO_ERR_INVALID;
    memset(out, 0, sizeof *out);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return SONO_ERR_IO;
    sono__npy_info info;
    unsigned char *raw = NULL;
    int r = sono__npy_read_header(fp, &info);
    if (r != SONO_OK)
        goto done;
    r = SONO_ERR_NOMEM;
    raw = sono__malloc_array(info.count ? info.count : 1, info.file_elem);
    out->data = sono__malloc_array(info.count ? info.count : 1,
                                   sono__dtype_size(info.dtype));
    if (!raw || !out->data)
        goto done;
    r = SONO_ERR_FORMAT;
    if (fread(raw, info.file_elem, info.count, fp) != info.count)
        goto done;
    sono__npy_convert(&info, raw, out->data, info.count);
    out->dtype = info.dtype;
    out->ndim = info.ndim;
    memcpy(out->shape, info.shape, sizeof info.shape);
    r = info.fortran && info.ndim > 1 ? fortran_to_c(out) : SONO_OK;
done:
    sono__free(raw);
    fclose(fp);
    if (r != SONO_OK)
        sono_npy_free(out);
    return r;
}

void sono_npy_free(sono_npy_array *a)
{
    if (!a)
        return;
    sono__free(a->data);
    memset(a, 0, sizeof *a);
}

int sono__npy_write_header(FILE *fp, sono_dtype dt, size_t ndim,
                           const size_t *shape)
{
    char dict[512];
    int n = snprintf(dict, sizeof dict,
                     "{'descr': '%s', 'fortran_order': False, 'shape': (",
                     dt == SONO_DTYPE_C64 ? "<c8" : "<f4");
    for (size_t i = 0; i < ndim; i++)
        n += snprintf(dict + n, sizeof dict - (size_t)n, "%zu,%s", shape[i],
                      i + 1 < ndim ? " " : "");
    if (ndim > 1)
        n--; /* numpy writes (3,) for one dimension, (3, 4) for more */
    n += snprintf(dict + n, sizeof dict - (size_t)n, "), }");
    size_t total = 10 + (size_t)n + 1;
    size_t padded = (total + 63) / 64 * 64;
    size_t hlen = padded - 10;
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                             (unsigned char)(hlen & 0xff),
                             (unsigned char)(hlen >> 8)};
    if (fwrite(pre, 1, 10, fp) != 10 || fwrite(dict, 1, (size_t)n, fp) != (size_t)n)
        return SONO_ERR_IO;
    for (size_t i = (size_t)n; i + 1 < hlen; i++)
        if (fputc(' ', fp) == EOF)
            return SONO_ERR_IO;
    return fputc('\n', fp) == EOF ? SONO_ERR_IO : SONO_OK;
}

int sono_npy_save(const char *path, const sono_npy_array *a)
{
    if (!path || !a || a->ndim > SONO_NPY_MAX_DIMS || (!a->data && a->ndim))
        return SONO_ERR_INVALID;
    size_t count = 1;
    for (size_t i = 0; i < a->ndim; i++)
        if (sono__mul_size(count, a->shape[i], &count))
            return SONO_ERR_TOO_LARGE;
    sono__atomic_file f;
    int r = sono__atomic_open(&f, path);
    if (r != SONO_OK)
        return r;
    r = sono__npy_write_header(f.fp, a->dtype, a->ndim, a->shape);
    if (r == SONO_OK &&
        fwrite(a->data, sono__dtype_size(a->dtype), count, f.fp) != count)
        r = SONO_ERR_IO;
    if (r == SONO_OK)
        return sono__atomic_commit(&f);
    sono__atomic_abort(&f);
    return r;
}
