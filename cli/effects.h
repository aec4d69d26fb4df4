/* The effects of `sono transform`: what each takes, and applying one to a
 * whole STFT.  SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SONO_CLI_EFFECTS_H
#define SONO_CLI_EFFECTS_H

#include "cli.h"

typedef enum effect_kind {
    EFFECT_ZERO_PHASE,
    EFFECT_CONJUGATE,
    EFFECT_REVERSE_TIME,
    EFFECT_REVERSE_FREQ,
    EFFECT_SHUFFLE_TIME,
    EFFECT_SHUFFLE_FREQ,
    EFFECT_CHECKERBOARD,
    EFFECT_SVD,
    EFFECT_SVD_MAG,
    EFFECT_REORDER,
    EFFECT_GRAIN_WALK,
    EFFECT_BANDPASS,
    EFFECT_COUNT
} effect_kind;

typedef enum embed_method { EMBED_PCA, EMBED_TSNE } embed_method;

/* One effect of the chain with its arguments. */
typedef struct effect {
    effect_kind kind;
    const char *name;          /* as written on the command line */
    size_t rank;               /* svd, svd-mag */
    uint64_t seed;             /* shuffles, reorder tsne, grain-walk's start */
    embed_method method;       /* reorder */
    sono_feature_kind features;
    size_t dims;               /* grain-walk: PCA components (default 8) */
    double perplexity;         /* reorder tsne */
    double low, high;          /* bandpass, Hz */
    size_t order;              /* bandpass: Butterworth order (default 5) */
} effect;

/* The effect named `name`, or -1. */
int effect_lookup(const char *name);
/* Parses the arguments of the effect starting at a->argv[a->i] (its name)
 * up to the next effect name or the end; reports errors (-1). */
int effect_parse(cli_args *a, effect *e);

/* The whole transform's state: the STFT and what is needed to go back to
 * the signal (bandpass works on the signal). */
typedef struct spectrogram {
    const cli_common *c;
    double sample_rate;
    size_t length;             /* samples of the input */
    size_t frames, bins;
    sono_complex *s;           /* frames x bins */
} spectrogram;

/* Applies e to g (reporting errors); 0 or an exit status. */
int effect_apply(const effect *e, spectrogram *g);

/* Help text listing the effects. */
extern const char effect_help[];

#endif
