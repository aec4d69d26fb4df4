/* `sono batch`: what its files share.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * cmd_batch.c parses the command line and reports; batch_files.c finds the
 * inputs and names their outputs; batch_run.c runs the subcommand on each in
 * forked children; batch_progress.c draws the progress line. */
#ifndef SONO_CLI_BATCH_H
#define SONO_CLI_BATCH_H

#include <stddef.h>
#include <time.h>

/* Which files a subcommand takes, by their extension. */
typedef enum batch_inputs {
    BATCH_AUDIO,     /* what libsndfile reads (batch_files.c lists them) */
    BATCH_NPY,       /* .npy */
    BATCH_NPY_PNG,   /* .npy or .png (sono invert) */
    BATCH_PICTURE    /* .png, .jpg, .jpeg */
} batch_inputs;

typedef enum batch_state {
    BATCH_TODO,      /* to convert */
    BATCH_KEPT,      /* its output is newer than it: kept */
    BATCH_DONE,      /* converted */
    BATCH_FAILED     /* see message */
} batch_state;

typedef struct batch_item {
    char *input;     /* IN_DIR/REL */
    char *output;    /* OUT_DIR/REL with the output's extension */
    const char *rel; /* REL, inside input */
    struct timespec mtime;  /* the input's modification time */
    batch_state state;
    char *message;   /* why it failed, or the warnings it printed; NUL-terminated lines */
    char *printed;   /* what it printed on stdout */
} batch_item;

typedef struct batch_list {
    batch_item *items;
    size_t count, capacity;
} batch_list;

/* What batch_find looks for and where the outputs go. */
typedef struct batch_plan {
    const char *in_dir, *out_dir;
    const char *ext;       /* the outputs' extension, without the dot */
    batch_inputs inputs;
    int recursive, force;
} batch_plan;

/* The extensions the inputs take, lower-case, NULL-terminated. */
const char *const *batch_extensions(batch_inputs inputs);
/* 1 if the file name's extension (case aside) is one the inputs take. */
int batch_takes(batch_inputs inputs, const char *name);

/* Lists the input files under plan->in_dir (its subdirectories too when
 * recursive; hidden names and symbolic links to directories skipped) in
 * byte order of their relative paths, names their outputs, and marks those
 * whose output is newer as BATCH_KEPT (unless force).  A directory that
 * cannot be read, and an input whose output name another input already
 * has, are listed as BATCH_FAILED.  0, or -1 when out of memory. */
int batch_find(const batch_plan *plan, batch_list *list);
void batch_list_free(batch_list *list);

/* Creates the directories of path up to its last '/' below root (which
 * exists), recording each it creates in *made (count *n_made) for
 * batch_unmake; 0, or -1 with errno set. */
int batch_make_dirs(const char *root, const char *path, char ***made, size_t *n_made);
/* Removes the recorded directories that are empty, deepest first. */
void batch_unmake(char **made, size_t n_made);

/* The subcommand to run on each file. */
typedef struct batch_command {
    const char *name;
    int (*run)(int, char **);
    int argc;
    char **argv;            /* the subcommand's own options */
    size_t jobs;
    const char *out_dir;
} batch_command;

/* Runs `sono CMD INPUT -o OUTPUT ARGS...` for every BATCH_TODO item in
 * forked children, at most cmd->jobs at once, and sets each item's state
 * and messages; the directories it makes are added to *made.  Items run
 * one at a time until one of them succeeds or fails with the usage status:
 * that status stops the batch, and *usage_item is then its index (else
 * -1).  Returns 0, or the signal that interrupted the batch (the running
 * files are finished first; a second signal kills them). */
int batch_run(const batch_command *cmd, batch_list *list, char ***made, size_t *n_made,
              long *usage_item);

/* Prints what a child wrote, one line at a time: on stderr (to_stderr) as
 * "sono batch: INPUT: ..." without the child's own "sono CMD: INPUT: "
 * prefix, or on stdout as "INPUT: LINE". */
void batch_print_lines(const char *cmd, const batch_item *item, const char *text,
                       int to_stderr);

/* The progress line on stderr, when it is a terminal. */
typedef struct batch_progress {
    int on;
    size_t total, done;
    double start, last_drawn;
    int width;              /* of the longest line drawn; 0: nothing to clear */
} batch_progress;
double batch_now(void);
void batch_progress_start(batch_progress *p, size_t total);
/* Draws the line again if a tenth of a second has passed (or force). */
void batch_progress_draw(batch_progress *p, int force);
/* Clears the line so that other lines can be printed. */
void batch_progress_clear(batch_progress *p);

#endif
