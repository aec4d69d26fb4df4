/* A built-in bitmap font for the labels of sono_draw_axes (font.c), so that
 * drawing axes needs no font library.  Private to libsono.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SONO_FONT_H
#define SONO_FONT_H

#include "sono.h"

/* Every printable ASCII character (32 to 126) has a glyph of 5 x 7 pixels
 * on rows 0-6 of a 9-row cell; rows 7-8 hold descenders (g, j, p, q, y and
 * a few punctuation marks).  Other bytes are drawn as a hollow box.
 * Characters advance by 6 pixels (one blank column between glyphs).  All
 * sizes below are at scale 1 and grow by the integer scale factor. */
#define SONO__FONT_GLYPH_W 5
#define SONO__FONT_ADVANCE 6
#define SONO__FONT_CAP 7     /* rows above the baseline: capitals, digits */
#define SONO__FONT_HEIGHT 9  /* with the descender rows */

/* Text either reads left to right, or is turned 90 degrees
 * counter-clockwise and reads bottom to top, as matplotlib's y-axis
 * labels do. */
typedef enum sono__text_dir {
    SONO__TEXT_RIGHT = 0,
    SONO__TEXT_UP
} sono__text_dir;

/* The box the text covers: n characters are (6n - 1) x 9 pixels times
 * scale, swapped when turned.  0 x 0 for an empty string. */
void sono__text_size(const char *s, int scale, sono__text_dir dir, int *w,
                     int *h);
/* Draws s with its box's top-left corner at (x, y) in colour rgb onto an
 * 8-bit RGB image, pixel by pixel, skipping what falls outside the image
 * (x and y may be negative).  Only the glyphs' pixels are set: the
 * background shows through.  scale < 1 is taken as 1.  Does nothing for
 * an image that is not 8-bit RGB. */
void sono__text_draw(sono_image *im, int x, int y, const char *s, int scale,
                     sono__text_dir dir, const uint8_t rgb[3]);
/* 1 if pixel (col, row) of the glyph of c is set, 0 otherwise or outside
 * the 5 x 9 cell; for the tests. */
int sono__glyph_pixel(unsigned char c, int col, int row);

#endif
