/* Phase Gradient Heap Integration (Prusa, Balazs, Sondergaard, "A
 * noniterative method for reconstruction of phase from STFT magnitude",
 * IEEE/ACM TASLP 2017).  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For a Gaussian window exp(-pi t^2 / lambda) the STFT is, up to a factor,
 * an analytic function of x - i lambda w, so the Cauchy-Riemann equations
 * tie the phase gradient to the gradient of the log-magnitude s.  With the
 * phase measured from the window's centre (x in samples, w in cycles per
 * sample):
 *     d phase / dx = 2 pi w + (1 / lambda) ds/dw
 *     d phase / dw = -lambda ds/dx
 * For a frame-based STFT whose phase is measured from the frame's first
 * sample, as librosa's, the window centre c = n_fft / 2 adds -2 pi c / n_fft
 * per bin.  Other windows are treated as the Gaussian that fits them best
 * (sono_window_gamma).
 *
 * The phase is then integrated from the largest coefficient outwards: a
 * priority queue holds the coefficients whose phase is known, the largest is
 * popped and its unknown neighbours get their phase by the trapezoidal
 * rule, so that the integration path follows the ridges, where the
 * gradient estimates are reliable.  Coefficients far below the largest
 * are left at phase 0: their gradients are noise, and they hardly matter.
 *
 * The heap gives each coefficient the phase predicted by one neighbour
 * only, so an error in one gradient estimate is passed on unchecked.  A few
 * sweeps of weighted least squares then refine the integration: each
 * coefficient takes the circular mean of the phases its four neighbours
 * predict for it (their phase plus the trapezoidal step), weighted by the
 * neighbour's magnitude, i.e. the Gauss-Seidel update of
 *     sum over neighbour pairs i, j of |c_i| |c_j| |e^{i phi_j} - e^{i (phi_i + step_ij)}|^2.
 * Bins too close to DC or Nyquist, where the window's bell and its mirror
 * image overlap and the gradient estimates are unreliable, keep the heap's
 * phase (they still serve as neighbours). */
#include <math.h>
#include <string.h>

#include "internal.h"

#define PI 3.14159265358979323846
/* Coefficients this far below the largest keep phase 0. */
#define FLOOR_DB 100.0
/* Red-black Gauss-Seidel sweeps of the least-squares refinement. */
#define SWEEPS 3
/* Coefficients this far below the largest keep the heap's phase: refining
 * them too changed the SC of the benchmark clips by 0.07 dB at most, at
 * about twice the cost. */
#define RELAX_DB 60.0

/* Squared misfit between the peak-normalised window and the Gaussian
 * exp(-pi t^2 / (x L^2)) centred where the window peaks. */
static double misfit(const float *win, size_t len, float peak, double x)
{
    const double len2 = (double)len * (double)len, centre = (double)(len / 2);
    double f = 0.0;
    for (size_t n = 0; n < len; n++) {
        double d = (double)n - centre;
        double e = win[n] / peak - exp(-PI * d * d / (x * len2));
        f += e * e;
    }
    return f;
}

double sono_window_gamma(sono_window w, size_t win_length)
{
    if (win_length < 2 || win_length > SONO_MAX_N_FFT)
        return 0.0;
    float *win = sono__malloc_array(win_length, sizeof(float));
    if (!win)
        return 0.0;
    sono_window_fill(w, win_length, win_length, win);
    float peak = 0.0f;
    for (size_t n = 0; n < win_length; n++)
        peak = win[n] > peak ? win[n] : peak;
    /* Golden-section search of lambda / L^2 in [0.01, 2]: the misfit is
     * unimodal in it for the usual bell-shaped windows. */
    const double r = 0.6180339887498949;
    double lo = 0.01, hi = 2.0;
    double x1 = hi - r * (hi - lo), x2 = lo + r * (hi - lo);
    double f1 = misfit(win, win_length, peak, x1);
    double f2 = misfit(win, win_length, peak, x2);
    for (int it = 0; it < 60; it++) {
        if (f1 < f2) {
            hi = x2;
            x2 = x1;
            f2 = f1;
            x1 = hi - r * (hi - lo);
            f1 = misfit(win, win_length, peak, x1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + r * (hi - lo);
            f2 = misfit(win, win_length, peak, x2);
        }
    }
    sono__free(win);
    return 0.5 * (lo + hi) * (double)win_length * (double)win_length;
}

/* The coefficients waiting to spread their phase, largest first.  A bucket
 * queue: log-magnitudes are quantised into LEVELS levels over the FLOOR_DB
 * range (0.012 dB apart), each level a LIFO list threaded through `next`.
 * Push and pop are O(1) (the pop walks down from the highest level used),
 * where a binary heap costs O(log n) cache misses; the order differs from
 * an exact heap only among coefficients within 0.012 dB of each other. */
#define LEVELS 8192
#define NONE UINT32_MAX

typedef struct queue {
    uint32_t head[LEVELS];
    uint32_t *next;        /* one per cell */
    const float *key;      /* log-magnitude per cell */
    float lo, scale;       /* level = (key - lo) * scale */
    int top;               /* no level above this is used */
} queue;

static void queue_init(queue *q, uint32_t *next, const float *key, float lo,
                       float range)
{
    for (int i = 0; i < LEVELS; i++)
        q->head[i] = NONE;
    q->next = next;
    q->key = key;
    q->lo = lo;
    q->scale = (float)(LEVELS - 1) / range;
    q->top = -1;
}

static void queue_push(queue *q, size_t cell)
{
    float f = (q->key[cell] - q->lo) * q->scale;
    int level = f <= 0.0f ? 0 : f >= (float)(LEVELS - 1) ? LEVELS - 1 : (int)f;
    q->next[cell] = q->head[level];
    q->head[level] = (uint32_t)cell;
    if (level > q->top)
        q->top = level;
}

/* The largest waiting cell, or NONE. */
static uint32_t queue_pop(queue *q)
{
    while (q->top >= 0 && q->head[q->top] == NONE)
        q->top--;
    if (q->top < 0)
        return NONE;
    uint32_t cell = q->head[q->top];
    q->head[q->top] = q->next[cell];
    return cell;
}

/* A cell's double while integrating, later the rotation of one of its steps
 * (the refinement reuses the arrays). */
typedef union slot {
    double d;
    sono_complex z;
} slot;

typedef struct pghi_work {
    size_t frames, bins;
    double lambda;     /* 0 until the gradients are known */
    float peak;        /* the largest magnitude */
    float *logmag;     /* frames x bins */
    slot *dt;          /* phase advance to the next frame, per frame step */
    slot *dw;          /* phase advance to the next bin, per bin step */
    slot *phase;
    unsigned char *done;
    uint32_t *next;    /* the queues' links */
    queue *live;       /* coefficients with a phase, to spread from */
} pghi_work;

static void work_free(pghi_work *w)
{
    sono__free(w->logmag);
    sono__free(w->dt);
    sono__free(w->dw);
    sono__free(w->phase);
    sono__free(w->done);
    sono__free(w->next);
    sono__free(w->live);
}

/* The phase-gradient estimates from centred differences of the
 * log-magnitude.  Along frequency the spectrum of a real signal is
 * symmetric about DC and Nyquist, so the derivative there is 0; along
 * time the ends use one-sided differences. */
static void gradients(pghi_work *w, const sono_stft_params *p, double lambda)
{
    const size_t T = w->frames, K = w->bins;
    const double a = (double)p->hop_length, n = (double)p->n_fft;
    const double centre_shift = -2.0 * PI * (double)(p->n_fft / 2) / n;
    const int odd = p->n_fft % 2;
    for (size_t t = 0; t < T; t++) {
        const float *s = w->logmag + t * K;
        for (size_t k = 0; k < K; k++) {
            double ds_dk;
            if (k == 0 || (k == K - 1 && !odd))
                ds_dk = 0.0;
            else if (k == K - 1)
                ds_dk = s[k] - s[k - 1];
            else
                ds_dk = 0.5 * (s[k + 1] - s[k - 1]);
            double ds_dt;
            if (T == 1)
                ds_dt = 0.0;
            else if (t == 0)
                ds_dt = w->logmag[K + k] - s[k];
            else if (t == T - 1)
                ds_dt = s[k] - w->logmag[(t - 1) * K + k];
            else
                ds_dt = 0.5 * (w->logmag[(t + 1) * K + k] - w->logmag[(t - 1) * K + k]);
            /* d phase/dx = 2 pi w + ds/dw / lambda, with ds/dw = n ds/dk,
             * times a samples per frame. */
            w->dt[t * K + k].d = a * (2.0 * PI * (double)k / n + n / lambda * ds_dk);
            /* d phase/dw = -lambda ds/dx, with ds/dx = ds_dt / a, times
             * 1 / n cycles per sample per bin. */
            w->dw[t * K + k].d = -lambda / (a * n) * ds_dt + centre_shift;
        }
    }
}

static void spread(pghi_work *w, size_t from)
{
    const size_t K = w->bins;
    size_t t = from / K, k = from % K;
    double ph = w->phase[from].d;
    size_t nb[4];
    double step[4];
    int count = 0;
    if (t + 1 < w->frames) {
        nb[count] = from + K;
        step[count++] = 0.5 * (w->dt[from].d + w->dt[from + K].d);
    }
    if (t > 0) {
        nb[count] = from - K;
        step[count++] = -0.5 * (w->dt[from].d + w->dt[from - K].d);
    }
    if (k + 1 < K) {
        nb[count] = from + 1;
        step[count++] = 0.5 * (w->dw[from].d + w->dw[from + 1].d);
    }
    if (k > 0) {
        nb[count] = from - 1;
        step[count++] = -0.5 * (w->dw[from].d + w->dw[from - 1].d);
    }
    for (int i = 0; i < count; i++) {
        if (w->done[nb[i]])
            continue;
        w->phase[nb[i]].d = ph + step[i];
        w->done[nb[i]] = 1;
        queue_push(w->live, nb[i]);
    }
}

/* Spreads the phase from seed over its region: everything reachable
 * through coefficients above the floor. */
static void flood(pghi_work *w, size_t seed)
{
    uint32_t cell;
    w->done[seed] = 1;
    w->phase[seed].d = 0.0;
    queue_push(w->live, seed);
    while ((cell = queue_pop(w->live)) != NONE)
        spread(w, cell);
}

/* exp(i x), in single precision once x is brought into [-pi, pi]: the
 * phases grow to thousands of radians. */
static sono_complex cis(double x)
{
    float r = (float)(x - 2.0 * PI * nearbyint(x / (2.0 * PI)));
    sono_complex z = {cosf(r), sinf(r)};
    return z;
}

/* acc += a b, or a conj(b) if conj */
static inline void mul_acc(float *re, float *im, sono_complex a, sono_complex b,
                           int conj)
{
    float bi = conj ? -b.im : b.im;
    *re += a.re * b.re - a.im * bi;
    *im += a.re * bi + a.im * b.re;
}

typedef struct relax_job {
    pghi_work *w;
    sono_complex *c;   /* the coefficients, refined in place */
    slot *et;          /* .z: rotation from cell i to i + bins (next frame) */
    slot *ew;          /* .z: rotation from cell i to i + 1 (next bin) */
    size_t skip;       /* bins [skip, bins - skip) are updated */
    float min2;        /* and of those the cells with |c|^2 >= min2 */
    int colour;        /* (frame + bin) % 2 of the cells updated */
} relax_job;

static inline int active(const relax_job *r, size_t i)
{
    return r->c[i].re * r->c[i].re + r->c[i].im * r->c[i].im >= r->min2;
}

/* The rotations of the trapezoidal steps to the next frame that the
 * refinement uses, for frames [begin, end), over the phases (no longer
 * needed). */
static void time_rotations(void *ctx, size_t begin, size_t end, int worker)
{
    const relax_job *r = ctx;
    const slot *dt = r->w->dt;
    const size_t T = r->w->frames, K = r->w->bins;
    (void)worker;
    for (size_t i = begin * K; i < end * K && i + K < T * K; i++)
        if (active(r, i) || active(r, i + K))
            r->et[i].z = cis(0.5 * (dt[i].d + dt[i + K].d));
}

/* The same to the next bin, over the time steps (used by now). */
static void bin_rotations(void *ctx, size_t begin, size_t end, int worker)
{
    const relax_job *r = ctx;
    const slot *dw = r->w->dw;
    const size_t K = r->w->bins;
    (void)worker;
    for (size_t i = begin * K; i < end * K; i++)
        if (i % K + 1 < K && (active(r, i) || active(r, i + 1)))
            r->ew[i].z = cis(0.5 * (dw[i].d + dw[i + 1].d));
}

/* One half-sweep for frames [begin, end): every cell of one colour takes
 * the direction of the sum of its neighbours' predictions, each the
 * neighbour's coefficient turned by the step, which weighs them by the
 * neighbour's magnitude, and keeps its own magnitude.  The neighbours are
 * all of the other colour, so frames can be done in any order. */
static void relax_frames(void *ctx, size_t begin, size_t end, int worker)
{
    const relax_job *r = ctx;
    const size_t T = r->w->frames, K = r->w->bins;
    const slot *et = r->et, *ew = r->ew;
    sono_complex *c = r->c;
    (void)worker;
    for (size_t t = begin; t < end; t++) {
        size_t k = r->skip + ((t + r->skip + (size_t)r->colour) % 2);
        for (; k + r->skip < K; k += 2) {
            size_t i = t * K + k;
            if (!active(r, i))
                continue;
            float re = 0.0f, im = 0.0f;
            if (t + 1 < T)
                mul_acc(&re, &im, c[i + K], et[i].z, 1);
            if (t > 0)
                mul_acc(&re, &im, c[i - K], et[i - K].z, 0);
            mul_acc(&re, &im, c[i + 1], ew[i].z, 1);
            mul_acc(&re, &im, c[i - 1], ew[i - 1].z, 0);
            float r2 = re * re + im * im;
            if (r2 > 0.0f) {
                float g = sqrtf((c[i].re * c[i].re + c[i].im * c[i].im) / r2);
                c[i].re = g * re;
                c[i].im = g * im;
            }
        }
    }
}

/* Refines the phases of the coefficients c (frames x bins, with their
 * magnitudes) by SWEEPS red-black Gauss-Seidel sweeps of the least-squares
 * integration described at the top.  Takes over w's phase and dt. */
static void relax(pghi_work *w, size_t skip, sono__pool *pool, sono_complex *c)
{
    const int threads = sono__pool_threads(pool);
    const size_t T = w->frames, K = w->bins;
    if (T < 2 || skip == 0 || K <= 2 * skip)
        return;
    const double min = (double)w->peak * pow(10.0, -RELAX_DB / 20.0);
    relax_job r = {w, c, w->phase, w->dt, skip, (float)(min * min), 0};
    sono__pool_for(pool, threads, T, time_rotations, &r);
    sono__pool_for(pool, threads, T, bin_rotations, &r);
    for (int sweep = 0; sweep < 2 * SWEEPS; sweep++) {
        r.colour = sweep % 2;
        sono__pool_for(pool, threads, T, relax_frames, &r);
    }
}

static int integrate(pghi_work *w, const float *mag, const sono_stft_params *p)
{
    const size_t cells = w->frames * w->bins;
    size_t top = 0;
    for (size_t i = 0; i < cells; i++)
        top = mag[i] > mag[top] ? i : top;
    if (mag[top] <= 0.0f)
        return SONO_OK; /* all zero: every phase 0 */
    const float range = (float)(FLOOR_DB / 20.0 * log(10.0));
    const float floor_log = (float)log((double)mag[top]) - range;
    for (size_t i = 0; i < cells; i++) {
        w->logmag[i] = (float)log((double)mag[i] + 1e-300);
        w->done[i] = w->logmag[i] < floor_log;
    }
    double lambda = sono_window_gamma(p->window, p->win_length);
    if (!(lambda > 0.0))
        return SONO_ERR_NOMEM;
    gradients(w, p, lambda);
    w->lambda = lambda;
    w->peak = mag[top];
    queue_init(w->live, w->next, w->logmag, floor_log, range);
    /* Usually one region holds every coefficient above the floor.  The
     * cells left after it seed further regions, largest first, from a
     * queue with links of its own (the flood relinks the cells it takes). */
    flood(w, top);
    size_t left = 0;
    for (size_t i = 0; i < cells; i++)
        left += !w->done[i];
    if (left == 0)
        return SONO_OK;
    uint32_t *links = sono__malloc_array(cells, sizeof(uint32_t));
    queue *seeds = sono__malloc(sizeof *seeds);
    if (!links || !seeds) {
        sono__free(links);
        sono__free(seeds);
        return SONO_ERR_NOMEM;
    }
    queue_init(seeds, links, w->logmag, floor_log, range);
    for (size_t i = 0; i < cells; i++)
        if (!w->done[i])
            queue_push(seeds, i);
    uint32_t seed;
    while ((seed = queue_pop(seeds)) != NONE)
        if (!w->done[seed])
            flood(w, seed);
    sono__free(links);
    sono__free(seeds);
    return SONO_OK;
}

typedef struct polar {
    const float *mag;
    const slot *phase;
    sono_complex *out;
    size_t bins;
} polar;

/* mag * exp(i phase) for frames [begin, end). */
static void to_complex(void *ctx, size_t begin, size_t end, int worker)
{
    const polar *q = ctx;
    (void)worker;
    for (size_t i = begin * q->bins; i < end * q->bins; i++) {
        sono_complex z = cis(q->phase[i].d);
        q->out[i].re = q->mag[i] * z.re;
        q->out[i].im = q->mag[i] * z.im;
    }
}

/* The bins next to DC and Nyquist where the window's spectral bell and its
 * mirror image overlap: within 2.5 standard deviations of the bell of the
 * fitted Gaussian, whose spectrum exp(-pi lambda w^2) has a standard
 * deviation of n_fft / sqrt(2 pi lambda) bins.  2 for Hann at win_length
 * = n_fft. */
static size_t edge_bins(const sono_stft_params *p, double lambda)
{
    return (size_t)ceil(2.5 * (double)p->n_fft / sqrt(2.0 * PI * lambda));
}

int sono__pghi_phase(const sono_stft_params *p, const float *mag,
                     size_t frames, int threads, sono_complex *out)
{
    pghi_work w;
    size_t cells;
    int status;
    memset(&w, 0, sizeof w);
    w.frames = frames;
    w.bins = sono_stft_bins(p);
    /* Cells are indexed by 32 bits in the queues. */
    if (sono__mul_size(frames, w.bins, &cells) != SONO_OK || cells >= UINT32_MAX)
        return SONO_ERR_TOO_LARGE;
    w.logmag = sono__malloc_array(cells, sizeof(float));
    w.dt = sono__malloc_array(cells, sizeof(slot));
    w.dw = sono__malloc_array(cells, sizeof(slot));
    w.phase = sono__calloc(cells, sizeof(slot));
    w.done = sono__malloc_array(cells, 1);
    w.next = sono__malloc_array(cells, sizeof(uint32_t));
    w.live = sono__malloc(sizeof *w.live);
    status = SONO_ERR_NOMEM;
    if (w.logmag && w.dt && w.dw && w.phase && w.done && w.next && w.live)
        status = integrate(&w, mag, p);
    if (status == SONO_OK) {
        polar q = {mag, w.phase, out, w.bins};
        /* Nine loops over the frames: threads started once for all. */
        int nthreads = sono__threads_resolve(threads);
        sono__pool *pool = nthreads > 1 ? sono__pool_new(nthreads, &status) : NULL;
        if (nthreads == 1 || pool) {
            sono__pool_for(pool, nthreads, frames, to_complex, &q);
            if (w.lambda > 0.0)
                relax(&w, edge_bins(p, w.lambda), pool, out);
        }
        sono__pool_free(pool);
    }
    work_free(&w);
    return status;
}
