/* sono batch: which files it converts and where their outputs go.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Inputs are chosen by extension, because opening every file to ask
 * libsndfile would make a tree of other files (pictures, text, archives)
 * slow to scan and report each as corrupt.  Names starting with '.' are
 * skipped: hidden files, and the "._NAME.wav" resource forks that archives
 * made on macOS carry beside every clip.  Symbolic links to files are
 * followed; links to directories are not, so that a link back up the tree
 * cannot make the walk endless (as find(1) by default). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"

static const char *const audio_ext[] = {
    "wav", "wave", "flac", "ogg", "oga", "opus", "mp3", "aif", "aiff", "aifc",
    "au", "snd", "caf", "w64", "rf64", "voc", NULL};
static const char *const npy_ext[] = {"npy", NULL};
static const char *const npy_png_ext[] = {"npy", "png", NULL};
static const char *const picture_ext[] = {"png", "jpg", "jpeg", NULL};

/* The extension of a file name (after its last '.'), or NULL. */
static const char *extension(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *dot = strrchr(slash ? slash + 1 : name, '.');
    return dot && dot[1] ? dot + 1 : NULL;
}

const char *const *batch_extensions(batch_inputs inputs)
{
    return inputs == BATCH_AUDIO ? audio_ext
           : inputs == BATCH_NPY ? npy_ext
           : inputs == BATCH_NPY_PNG ? npy_png_ext
                                     : picture_ext;
}

int batch_takes(batch_inputs inputs, const char *name)
{
    const char *const *list = batch_extensions(inputs);
    const char *ext = extension(name);
    for (size_t i = 0; ext && list[i]; i++)
        if (strcasecmp(ext, list[i]) == 0)
            return 1;
    return 0;
}

/* a + "/" + b, or a copy of a when b is empty; NULL when out of memory. */
static char *join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = malloc(la + lb + 2);
    if (!s)
        return NULL;
    memcpy(s, a, la);
    if (lb) {
        s[la] = '/';
        memcpy(s + la + 1, b, lb);
        s[la + 1 + lb] = '\0';
    } else {
        s[la] = '\0';
    }
    return s;
}

static batch_item *add(batch_list *list, char *input, size_t rel_at)
{
    if (list->count == list->capacity) {
        size_t cap = list->capacity ? 2 * list->capacity : 64;
        batch_item *v = realloc(list->items, cap * sizeof *v);
        if (!v)
            return NULL;
        list->items = v;
        list->capacity = cap;
    }
    batch_item *it = &list->items[list->count++];
    memset(it, 0, sizeof *it);
    it->input = input;
    it->rel = input + rel_at;
    return it;
}

/* Adds input (a path under the input directory; REL starts at rel_at) as
 * failed with "what: strerror(err)".  Takes input. */
static int add_failed(batch_list *list, char *input, size_t rel_at, const char *what,
                      int err)
{
    batch_item *it = add(list, input, rel_at);
    char *msg = malloc(strlen(what) + 256);
    if (!it || !msg) {
        free(msg);
        if (!it)
            free(input);
        return -1;
    }
    snprintf(msg, strlen(what) + 256, "%s: %s\n", what, strerror(err));
    it->state = BATCH_FAILED;
    it->message = msg;
    return 0;
}

/* Adds the files of IN_DIR/rel (and below it, when recursive). */
static int walk(const batch_plan *plan, batch_list *list, const char *rel)
{
    size_t rel_at = strlen(plan->in_dir) + 1;
    char *dir = join(plan->in_dir, rel);
    if (!dir)
        return -1;
    DIR *d = opendir(dir);
    if (!d) {
        int err = errno;
        return add_failed(list, dir, *rel ? rel_at : strlen(dir), "cannot read the directory",
                          err);
    }
    free(dir);
    char **subdirs = NULL;
    size_t n_sub = 0, cap_sub = 0;
    int r = 0;
    struct dirent *e;
    while (r == 0 && (errno = 0, e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *sub = *rel ? join(rel, e->d_name) : strdup(e->d_name);
        char *path = sub ? join(plan->in_dir, sub) : NULL;
        struct stat st;
        if (!path) {
            r = -1;
        } else if (lstat(path, &st) != 0) {
            r = add_failed(list, path, rel_at, "cannot read", errno);
            path = NULL;
        } else if (S_ISDIR(st.st_mode)) {
            if (plan->recursive) {
                if (n_sub == cap_sub) {
                    cap_sub = cap_sub ? 2 * cap_sub : 16;
                    char **v = realloc(subdirs, cap_sub * sizeof *v);
                    if (!v)
                        r = -1;
                    else
                        subdirs = v;
                }
                if (r == 0) {
                    subdirs[n_sub++] = sub;
                    sub = NULL;
                }
            }
        } else if (batch_takes(plan->inputs, e->d_name) &&
                   (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))) {
            if (S_ISLNK(st.st_mode) && stat(path, &st) != 0) {
                r = add_failed(list, path, rel_at, "a link to nothing readable", errno);
                path = NULL;
            } else if (S_ISREG(st.st_mode)) {
                batch_item *it = add(list, path, rel_at);
                if (!it)
                    r = -1;
                else
                    it->mtime = st.st_mtim;
                path = NULL;
            }
        }
        free(path);
        free(sub);
    }
    if (r == 0 && errno != 0) {
        int err = errno;
        char *again = join(plan->in_dir, rel);
        r = again ? add_failed(list, again, *rel ? rel_at : strlen(again),
                               "cannot read the directory", err)
                  : -1;
    }
    closedir(d);
    for (size_t i = 0; i < n_sub; i++) {
        if (r == 0)
            r = walk(plan, list, subdirs[i]);
        free(subdirs[i]);
    }
    free(subdirs);
    return r;
}

static int by_rel(const void *a, const void *b)
{
    return strcmp(((const batch_item *)a)->rel, ((const batch_item *)b)->rel);
}

static const batch_list *sorting;   /* the list by_output compares in */

static int by_output(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(sorting->items[i].output, sorting->items[j].output);
    return c ? c : (i > j) - (i < j);
}

/* OUT_DIR/REL with its extension replaced. */
static char *output_name(const batch_plan *plan, const char *rel)
{
    const char *ext = extension(rel);
    size_t stem = ext ? (size_t)(ext - 1 - rel) : strlen(rel);
    size_t lo = strlen(plan->out_dir), le = strlen(plan->ext);
    char *s = malloc(lo + 1 + stem + 1 + le + 1);
    if (!s)
        return NULL;
    memcpy(s, plan->out_dir, lo);
    s[lo] = '/';
    memcpy(s + lo + 1, rel, stem);
    s[lo + 1 + stem] = '.';
    memcpy(s + lo + 2 + stem, plan->ext, le + 1);
    return s;
}

/* Two inputs that differ only in their extension (a.wav, a.flac) would
 * write the same output: the first keeps it, the other fails. */
static int mark_shared_outputs(batch_list *list)
{
    size_t n = 0, *order = malloc((list->count ? list->count : 1) * sizeof *order);
    if (!order)
        return -1;
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].output)
            order[n++] = i;
    sorting = list;
    qsort(order, n, sizeof *order, by_output);
    for (size_t k = 1; k < n; k++) {
        batch_item *first = &list->items[order[k - 1]], *it = &list->items[order[k]];
        if (strcmp(first->output, it->output) != 0)
            continue;
        /* order[k - 1] may itself be a later duplicate: find the first. */
        size_t f = k - 1;
        while (f > 0 && strcmp(list->items[order[f - 1]].output, it->output) == 0)
            f--;
        first = &list->items[order[f]];
        size_t len = strlen(it->output) + strlen(first->input) + 64;
        char *msg = malloc(len);
        if (!msg) {
            free(order);
            return -1;
        }
        snprintf(msg, len, "its output %s would also be that of %s\n", it->output,
                 first->input);
        it->state = BATCH_FAILED;
        it->message = msg;
    }
    free(order);
    return 0;
}

static int newer(struct timespec a, struct timespec b)
{
    return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec > b.tv_nsec);
}

int batch_find(const batch_plan *plan, batch_list *list)
{
    memset(list, 0, sizeof *list);
    if (walk(plan, list, "") != 0)
        return -1;
    if (list->count == 0)
        return 0;
    qsort(list->items, list->count, sizeof *list->items, by_rel);
    for (size_t i = 0; i < list->count; i++) {
        batch_item *it = &list->items[i];
        if (it->state == BATCH_FAILED)
            continue;
        if (!(it->output = output_name(plan, it->rel)))
            return -1;
    }
    if (mark_shared_outputs(list) != 0)
        return -1;
    for (size_t i = 0; i < list->count && !plan->force; i++) {
        batch_item *it = &list->items[i];
        struct stat st;
        if (it->state == BATCH_TODO && stat(it->output, &st) == 0 && S_ISREG(st.st_mode) &&
            newer(st.st_mtim, it->mtime))
            it->state = BATCH_KEPT;
    }
    return 0;
}

void batch_list_free(batch_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].input);
        free(list->items[i].output);
        free(list->items[i].message);
        free(list->items[i].printed);
    }
    free(list->items);
    memset(list, 0, sizeof *list);
}

int batch_make_dirs(const char *root, const char *path, char ***made, size_t *n_made)
{
    char *p = strdup(path);
    if (!p)
        return errno = ENOMEM, -1;
    /* Every '/' after root's ends a directory of the output's relative path. */
    for (char *s = strchr(p + strlen(root) + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        struct stat st;
        if (mkdir(p, 0777) == 0) {
            char **v = realloc(*made, (*n_made + 1) * sizeof *v);
            if (v)
                *made = v;
            if (!v || !(v[*n_made] = strdup(p))) {
                free(p);
                return errno = ENOMEM, -1;
            }
            ++*n_made;
        } else if (errno != EEXIST || stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
            int err = errno == EEXIST ? ENOTDIR : errno;
            free(p);
            return errno = err, -1;
        }
        *s = '/';
    }
    free(p);
    return 0;
}

void batch_unmake(char **made, size_t n_made)
{
    while (n_made > 0)
        rmdir(made[--n_made]);
}
