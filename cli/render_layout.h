/* `sono render --layout` and `--mode colorgram`: the options, and drawing
 * a spectrogram in a layout (render_layout.c); the colorgram's hue and
 * saturation of each frame (render_colorgram.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SONO_RENDER_LAYOUT_H
#define SONO_RENDER_LAYOUT_H

#include "cli.h"

typedef enum render_layout_kind {
    RENDER_LAYOUT_NONE = -1,  /* no --layout: the spectrogram at --size or as is */
    RENDER_LAYOUT_TIMELINE, RENDER_LAYOUT_WRAP, RENDER_LAYOUT_ZORDER, RENDER_LAYOUT_HILBERT
} render_layout_kind;

/* What a spectrogram's values are before the dB scale, for the colorgram. */
typedef enum render_values {
    RENDER_VALUES_OTHER,      /* bands (mel, log, cqt) or dB */
    RENDER_VALUES_MAGNITUDE,  /* |STFT| bins */
    RENDER_VALUES_POWER       /* |STFT|^2 bins */
} render_values;

typedef struct render_layout {
    render_layout_kind kind;
    int colorgram;            /* --mode colorgram */
    int cmap_given;
    size_t beats_per_row;     /* --beats-per-row; 0: automatic */
    double bpm;               /* --bpm; 0: estimated from the audio */
    size_t tiles;             /* --tiles, the grid's side */
    int tiles_given;
    double beat_frames;       /* the beat period in frames (wrap), once prepared */
    float *hue, *sat;         /* the colorgram's, one a frame, once prepared */
} render_layout;

/* The picture size a layout takes when --size is not given. */
#define RENDER_LAYOUT_SIDE 224

extern const char render_layout_help[];

void render_layout_init(render_layout *l);
void render_layout_free(render_layout *l);
/* --layout, --mode, --beats-per-row, --bpm, --tiles (and notes --cmap
 * without taking it): 1 if consumed, 0 if not, -1 after
 * reporting. */
int render_layout_parse(cli_args *a, render_layout *l);
/* Refuses the options that make no sense together; -1 after reporting. */
int render_layout_check(const render_layout *l, int lossless, int axes, int npy);
/* Before the dB scale: the beat period (from --bpm or the tempo of the
 * audio) and the colorgram's hue and saturation (from s's values when they
 * are |STFT| bins, else from a second pass over the audio); checks the
 * layout against the picture's size.  0, or an exit status after
 * reporting. */
int render_layout_prepare(render_layout *l, const cli_common *c, const sono_spec *s,
                          render_values values, int npy, size_t w, size_t h);
/* Draws s's relative dB values (floored at -top_db) into a w x h picture:
 * colormapped, or the colorgram.  A library status. */
int render_layout_draw(const render_layout *l, const sono_spec *s, double top_db,
                       sono_colormap cmap, size_t w, size_t h, sono_image *im);

/* The colorgram's hue and saturation of each of s's frames into l->hue and
 * l->sat (render_colorgram.c); 0 or an exit status after reporting. */
int render_colorgram_frames(render_layout *l, const cli_common *c, const sono_spec *s,
                            render_values values, int npy);

/* The plain timeline picture of an audio file (render_stream.c), in memory
 * that does not grow with the track: whether the input can be read twice,
 * and the two passes over src (then the input opened again), the STFT frames
 * of `what` (rows values each) into relative dB floored at -top_db, drawn
 * into picture (w x h).  Stores the number of frames and samples; 0, or -1
 * after reporting. */
int render_can_stream(const char *input);
int render_stream_db(const cli_common *c, sono_source *src, const cli_stft_out *what,
                     size_t rows, int amplitude, double top_db, size_t w, size_t h,
                     float *picture, size_t *frames, size_t *samples);

#endif
