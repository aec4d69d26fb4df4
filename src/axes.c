/* sono_draw_axes: a spectrogram picture framed as librosa.display.specshow
 * with plt.colorbar(format='%+2.0f dB') draws it: time ticks below, Hz
 * ticks on the left, a colour bar with dB ticks on the right, the labels in
 * the built-in bitmap font (font.c).  Tick values are chosen here; every
 * margin is computed from the sizes of the labels actually drawn, so that
 * nothing is clipped whatever the size of the plot.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "font.h"
#include "internal.h"

#define MAX_TICKS 64
#define LABEL_LEN 40

/* A tick: its place along the axis in pixels (from the left edge of the
 * plot, or from its bottom edge), and its label. */
typedef struct tick {
    double pos;
    char label[LABEL_LEN];
} tick;

typedef struct ticks {
    tick t[MAX_TICKS];
    int n;
    int max_w; /* widest label, in pixels */
} ticks;

/* Sizes in pixels at font scale s, after matplotlib's defaults at 100 dpi
 * (major ticks 3.5 pt long, labels 3.5 pt from them), rounded to the
 * font's grid. */
typedef struct metrics {
    int s;      /* font scale */
    int lw;     /* width of the frame and tick lines */
    int tick;   /* tick length */
    int tpad;   /* tick to tick label */
    int lpad;   /* tick labels to axis label */
    int margin; /* around everything */
    int cap;    /* height of digits and capitals */
} metrics;

static const uint8_t black[3] = {0, 0, 0};

/* ------------------------------------------------------------------------ */
/* Tick values                                                               */

/* The k-th step of the 1-2-5 series: ..., 0.5, 1, 2, 5, 10, 20, ... with
 * k = 0 at 1. */
static double step_of(int k)
{
    static const double m[3] = {1, 2, 5};
    int e = k >= 0 ? k / 3 : -((2 - k) / 3);
    return m[k - 3 * e] * pow(10.0, e);
}

/* The smallest k whose step is at least x (x > 0). */
static int step_index(double x)
{
    int k = 3 * (int)floor(log10(x)) - 3;
    while (step_of(k) < x * (1 - 1e-12))
        k++;
    return k;
}

/* The multiples of step within [lo, hi], as first index and count (the
 * count as a double, so that an absurd one does not overflow).  Ranges
 * near the ends of double's range give steps that underflow (too many
 * multiples) or overflow (none), never NaN. */
static double multiples(double lo, double hi, double step, double *first)
{
    *first = 0;
    if (!isfinite(step))
        return 0;
    double a = ceil(lo / step - 1e-9), b = floor(hi / step + 1e-9);
    if (!(step > 0) || !isfinite(a) || !isfinite(b))
        return INFINITY;
    *first = a;
    return b >= a ? b - a + 1 : 0;
}

static int measure(const char *label, int s)
{
    int w, h;
    sono__text_size(label, s, SONO__TEXT_RIGHT, &w, &h);
    return w;
}

static void add_tick(ticks *t, double pos, const char *label, int s)
{
    if (t->n >= MAX_TICKS)
        return;
    t->t[t->n].pos = pos;
    snprintf(t->t[t->n].label, LABEL_LEN, "%s", label);
    int w = measure(t->t[t->n].label, s);
    if (w > t->max_w)
        t->max_w = w;
    t->n++;
}

/* Time ticks: the finest 1-2-5 step that gives at most 10 ticks across
 * the plot and a gap of a character between labels, all shown with the
 * decimals the step needs ("0.0", "0.5", "1.0"). */
static void time_ticks(const sono_axes *a, int width, const metrics *m,
                       ticks *out)
{
    double range = a->t1 - a->t0;
    for (int k = step_index(range / 10);; k++) {
        double step = step_of(k), first;
        double n = multiples(a->t0, a->t1, step, &first);
        if (n > 10)
            continue;
        int decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
        memset(out, 0, sizeof *out);
        for (int i = 0; i < (int)n; i++) {
            char label[LABEL_LEN];
            /* + 0.0 turns -0.0 into 0.0, which would print as "-0.0" */
            double v = (first + i) * step + 0.0;
            snprintf(label, sizeof label, "%.*f", decimals, v);
            add_tick(out, (v - a->t0) / range * width, label, m->s);
        }
        double spacing = step / range * width;
        if (n <= 1 || spacing >= out->max_w + SONO__FONT_ADVANCE * m->s)
            return;
    }
}

/* Height above the bottom edge of the plot of frequency f: its fractional
 * row by linear interpolation in row_hz, row i's centre at i + 0.5 of
 * rows.  f must be within [row_hz[0], row_hz[rows - 1]]. */
static double freq_pos(const sono_axes *a, double f, int height)
{
    size_t lo = 0, hi = a->rows - 1;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (a->row_hz[mid] <= f)
            lo = mid;
        else
            hi = mid;
    }
    double r = (double)lo;
    if (hi > lo)
        r += (f - a->row_hz[lo]) / (a->row_hz[hi] - a->row_hz[lo]);
    return (r + 0.5) / (double)a->rows * height;
}

static int in_rows(const sono_axes *a, double f)
{
    return f >= a->row_hz[0] && f <= a->row_hz[a->rows - 1];
}

/* Linear axis: 1-2-5 steps of at least 1 Hz, at most 10 ticks, two label
 * heights apart, labelled as integers. */
static void linear_ticks(const sono_axes *a, int height, const metrics *m,
                         ticks *out)
{
    double lo = a->row_hz[0], hi = a->row_hz[a->rows - 1];
    double range = hi - lo;
    int k = range > 10 ? step_index(range / 10) : 0;
    for (;; k++) {
        double step = step_of(k), first;
        double n = multiples(lo, hi, step, &first);
        if (n > 10)
            continue;
        memset(out, 0, sizeof *out);
        double prev = -1e300, gap = 1e300;
        for (int i = 0; i < (int)n; i++) {
            double f = (first + i) * step + 0.0;
            if (!in_rows(a, f))
                continue;
            char label[LABEL_LEN];
            snprintf(label, sizeof label, "%.0f", f);
            double pos = freq_pos(a, f, height);
            if (pos - prev < gap)
                gap = pos - prev;
            prev = pos;
            add_tick(out, pos, label, m->s);
        }
        if (out->n <= 1 || gap >= 2 * m->cap)
            return;
    }
}

/* Log and mel axes: the octaves 32, 64, ..., 16384 Hz that are within the
 * rows, as specshow shows them, taken from the top down and skipping any
 * closer than two label heights to the one above it.  On a log axis the
 * octaves are evenly spaced, so this keeps every one, every other one, ...;
 * on a mel axis it thins the crowded low octaves only. */
static void octave_ticks(const sono_axes *a, int height, const metrics *m,
                         ticks *out)
{
    memset(out, 0, sizeof *out);
    double above = 1e300;
    for (double f = 16384; f >= 32; f /= 2) {
        if (!in_rows(a, f))
            continue;
        double pos = freq_pos(a, f, height);
        if (above - pos < 2 * m->cap)
            continue;
        char label[LABEL_LEN];
        snprintf(label, sizeof label, "%.0f", f);
        add_tick(out, pos, label, m->s);
        above = pos;
    }
}

/* Colour bar: every 10 dB as plt.colorbar shows a typical range, coarser
 * (20, 50, ...) where labels would touch, finer (5, 2, 1) where 10 dB
 * would give fewer than two ticks.  Labels as '%+2.0f dB'. */
static int db_fill(const sono_axes *a, int height, const metrics *m, int k,
                   ticks *out)
{
    double range = a->db_max - a->db_min, step = step_of(k), first;
    double n = multiples(a->db_min, a->db_max, step, &first);
    if (n > MAX_TICKS)
        return 0;
    memset(out, 0, sizeof *out);
    for (int i = (int)n - 1; i >= 0; i--) {
        double v = (first + i) * step + 0.0;
        char label[LABEL_LEN];
        snprintf(label, sizeof label, "%+.0f dB", v);
        add_tick(out, (v - a->db_min) / range * height, label, m->s);
    }
    return n <= 1 || step / range * height >= 2 * m->cap;
}

static void db_ticks(const sono_axes *a, int height, const metrics *m,
                     ticks *out)
{
    const int k10 = 3, k1 = 0;
    int k = k10;
    if (!db_fill(a, height, m, k, out)) {
        while (!db_fill(a, height, m, ++k, out))
            ;
        return;
    }
    while (out->n < 2 && k > k1) {
        ticks finer;
        if (!db_fill(a, height, m, k - 1, &finer))
            break;
        *out = finer;
        k--;
    }
}

/* ------------------------------------------------------------------------ */
/* Drawing                                                                   */

static void fill_rect(sono_image *im, long x, long y, long w, long h,
                      const uint8_t rgb[3])
{
    long x0 = x < 0 ? 0 : x, y0 = y < 0 ? 0 : y;
    long x1 = x + w < (long)im->width ? x + w : (long)im->width;
    long y1 = y + h < (long)im->height ? y + h : (long)im->height;
    uint8_t *px = im->pixels;
    for (long j = y0; j < y1; j++)
        for (long i = x0; i < x1; i++)
            memcpy(px + ((size_t)j * im->width + (size_t)i) * 3, rgb, 3);
}

/* A frame of line width lw just outside the w x h box at (x, y), so that
 * the box's own pixels stay as they are. */
static void frame(sono_image *im, long x, long y, long w, long h, int lw)
{
    fill_rect(im, x - lw, y - lw, w + 2 * lw, lw, black);
    fill_rect(im, x - lw, y + h, w + 2 * lw, lw, black);
    fill_rect(im, x - lw, y, lw, h, black);
    fill_rect(im, x + w, y, lw, h, black);
}

/* First pixel of a tick line lw wide centred at pos along a side of len
 * pixels starting at origin.  A line cannot be centred on a pixel boundary
 * when lw is odd, so ticks within half a line of an end go onto the frame,
 * where matplotlib draws them (on the spine). */
static long tick_start(long origin, int len, double pos, int lw)
{
    if (pos < lw / 2.0)
        return origin - lw;
    if (pos > len - lw / 2.0)
        return origin + len;
    return origin + (long)floor(pos - lw / 2.0 + 0.5);
}

/* Font scale: 1 below plots 1200 pixels wide (matplotlib's 10 pt labels
 * at 100 dpi are about as tall as the 7-pixel digits), then one more per
 * 1200 pixels up to 4, so that a large picture viewed shrunk to a screen
 * keeps legible labels.  The width counts up to twice the height, so that
 * a long thin strip keeps small labels beside its short side. */
static metrics metrics_for(uint32_t w, uint32_t h)
{
    uint64_t side = w < 2 * (uint64_t)h ? w : 2 * (uint64_t)h;
    int s = 1 + (int)(side / 1200);
    if (s > 4)
        s = 4;
    metrics m = {s, s, 4 * s, 3 * s, 5 * s, 6 * s, SONO__FONT_CAP * s};
    return m;
}

static int max_int(int a, int b)
{
    return a > b ? a : b;
}

static int validate(const sono_image *plot, const sono_axes *a)
{
    if (!plot || !a || !plot->pixels || plot->channels != 3 ||
        plot->depth != 8 || plot->width == 0 || plot->height == 0)
        return SONO_ERR_INVALID;
    if (!isfinite(a->t0) || !isfinite(a->t1) || !isfinite(a->t1 - a->t0) ||
        !(a->t1 > a->t0))
        return SONO_ERR_INVALID;
    if (!isfinite(a->db_min) || !isfinite(a->db_max) ||
        !isfinite(a->db_max - a->db_min) || !(a->db_max > a->db_min))
        return SONO_ERR_INVALID;
    if ((unsigned)a->scale > (unsigned)SONO_FREQ_AXIS_MEL ||
        !sono_colormap_lut8(a->cmap))
        return SONO_ERR_INVALID;
    if (!a->row_hz || a->rows < 1 || !isfinite(a->row_hz[0]))
        return SONO_ERR_INVALID;
    for (size_t i = 1; i < a->rows; i++)
        if (!isfinite(a->row_hz[i]) || !(a->row_hz[i] > a->row_hz[i - 1]))
            return SONO_ERR_INVALID;
    return SONO_OK;
}

/* Where everything goes, in output pixels. */
typedef struct layout {
    long px, py;        /* top-left of the plot */
    long cbx;           /* left of the colour bar */
    long cb_w;          /* its width */
    long width, height; /* of the output */
} layout;

static void draw_vertical_labels(sono_image *im, const ticks *t, long line_x,
                                 long py, int H, const metrics *m,
                                 int right_align)
{
    for (int i = 0; i < t->n; i++) {
        long r = tick_start(py, H, H - t->t[i].pos, m->lw);
        int w = measure(t->t[i].label, m->s);
        long x = right_align ? line_x - w : line_x;
        long y = r + m->lw / 2 - m->cap / 2;
        sono__text_draw(im, (int)x, (int)y, t->t[i].label, m->s,
                        SONO__TEXT_RIGHT, black);
    }
}

int sono_draw_axes(const sono_image *plot, const sono_axes *a,
                   sono_image *out)
{
    if (!out)
        return SONO_ERR_INVALID;
    memset(out, 0, sizeof *out);
    int status = validate(plot, a);
    if (status != SONO_OK)
        return status;

    const int W = (int)plot->width, H = (int)plot->height;
    const metrics m = metrics_for(plot->width, plot->height);
    static const char xlabel[] = "Time (s)", ylabel[] = "Hz";
    ticks xt, yt, ct;
    time_ticks(a, W, &m, &xt);
    if (a->scale == SONO_FREQ_AXIS_LINEAR)
        linear_ticks(a, H, &m, &yt);
    else
        octave_ticks(a, H, &m, &yt);
    db_ticks(a, H, &m, &ct);

    int xl_w, xl_h, yl_w, yl_h;
    sono__text_size(xlabel, m.s, SONO__TEXT_RIGHT, &xl_w, &xl_h);
    sono__text_size(ylabel, m.s, SONO__TEXT_UP, &yl_w, &yl_h);

    /* Left of the plot: the axis label, its pad, the tick labels, the
     * ticks and the frame; or what the first time label or the centred
     * "Time (s)" reach to the left of the plot, if more. */
    layout L;
    int left = yl_w + m.lpad + yt.max_w + m.tpad + m.tick + m.lw;
    for (int i = 0; i < xt.n; i++)
        left = max_int(left, measure(xt.t[i].label, m.s) / 2 + m.lw -
                                 (int)floor(xt.t[i].pos));
    left = max_int(left, (xl_w - W) / 2 + m.lw);
    L.px = m.margin + left;

    /* Above: the frame, or half a label where a tick is at the top; or
     * the turned "Hz" where the plot is shorter than it. */
    int top = m.lw;
    for (int i = 0; i < yt.n; i++)
        top = max_int(top, m.cap / 2 + m.lw - (int)floor(H - yt.t[i].pos));
    for (int i = 0; i < ct.n; i++)
        top = max_int(top, m.cap / 2 + m.lw - (int)floor(H - ct.t[i].pos));
    top = max_int(top, (yl_h - H) / 2 + m.lw);
    L.py = m.margin + top;

    /* The colour bar, as matplotlib's: about 1/20 as wide as it is tall,
     * set off from the plot by a gap that also leaves room for the last
     * time label. */
    L.cb_w = max_int(6 * m.s, (int)(H / 20 < 24 * m.s ? H / 20 : 24 * m.s));
    int gap = max_int(6 * m.s, W / 40 < 12 * m.s ? W / 40 : 12 * m.s);
    for (int i = 0; i < xt.n; i++)
        gap = max_int(gap, (int)ceil(xt.t[i].pos) - W +
                               measure(xt.t[i].label, m.s) / 2 + 2 * m.s);
    L.cbx = L.px + W + m.lw + gap + m.lw;

    long right = L.cbx + L.cb_w + m.lw + m.tick + m.tpad + ct.max_w;
    right = right > L.px + (W + xl_w) / 2 ? right : L.px + (W + xl_w) / 2;
    L.width = right + m.margin;
    long xlabel_y = L.py + H + m.lw + m.tick + m.tpad + m.cap + m.lpad;
    long bottom = xlabel_y + xl_h;
    long hz_bottom = L.py + (H + yl_h) / 2 + m.lw;
    L.height = (bottom > hz_bottom ? bottom : hz_bottom) + m.margin;
    if (L.width > (long)SONO_IMAGE_MAX_SIDE ||
        L.height > (long)SONO_IMAGE_MAX_SIDE)
        return SONO_ERR_TOO_LARGE;

    status = sono_image_alloc(out, (uint32_t)L.width, (uint32_t)L.height, 3, 8);
    if (status != SONO_OK)
        return status;
    memset(out->pixels, 255, (size_t)out->width * out->height * 3);

    /* The plot, untouched, inside its frame. */
    const uint8_t *src = plot->pixels;
    uint8_t *dst = out->pixels;
    for (int y = 0; y < H; y++)
        memcpy(dst + (((size_t)L.py + (size_t)y) * out->width + (size_t)L.px) * 3,
               src + (size_t)y * (size_t)W * 3, (size_t)W * 3);
    frame(out, L.px, L.py, W, H, m.lw);

    /* Time: ticks below the frame, labels centred under them. */
    long tick_y = L.py + H + m.lw;
    for (int i = 0; i < xt.n; i++) {
        long c = tick_start(L.px, W, xt.t[i].pos, m.lw);
        fill_rect(out, c, tick_y, m.lw, m.tick, black);
        int w = measure(xt.t[i].label, m.s);
        sono__text_draw(out, (int)(c + m.lw / 2 - w / 2),
                        (int)(tick_y + m.tick + m.tpad), xt.t[i].label, m.s,
                        SONO__TEXT_RIGHT, black);
    }
    sono__text_draw(out, (int)(L.px + (W - xl_w) / 2), (int)xlabel_y, xlabel,
                    m.s, SONO__TEXT_RIGHT, black);

    /* Frequency: ticks left of the frame, labels right-aligned to them, the
     * turned "Hz" at the far left, centred on the plot. */
    long tick_x = L.px - m.lw - m.tick;
    for (int i = 0; i < yt.n; i++)
        fill_rect(out, tick_x, tick_start(L.py, H, H - yt.t[i].pos, m.lw),
                  m.tick, m.lw, black);
    draw_vertical_labels(out, &yt, tick_x - m.tpad, L.py, H, &m, 1);
    sono__text_draw(out, m.margin, (int)(L.py + (H - yl_h) / 2), ylabel, m.s,
                    SONO__TEXT_UP, black);

    /* The colour bar: the colormap's first entry at the bottom row, its
     * last at the top, ticks and labels on its right. */
    for (int y = 0; y < H; y++) {
        uint8_t rgb[3];
        double t = H > 1 ? (double)(H - 1 - y) / (H - 1) : 1.0;
        sono_colormap_rgb8(a->cmap, t, rgb);
        fill_rect(out, L.cbx, L.py + y, L.cb_w, 1, rgb);
    }
    frame(out, L.cbx, L.py, L.cb_w, H, m.lw);
    long cb_tick_x = L.cbx + L.cb_w + m.lw;
    for (int i = 0; i < ct.n; i++)
        fill_rect(out, cb_tick_x, tick_start(L.py, H, H - ct.t[i].pos, m.lw),
                  m.tick, m.lw, black);
    draw_vertical_labels(out, &ct, cb_tick_x + m.tick + m.tpad, L.py, H, &m, 0);
    return SONO_OK;
}
