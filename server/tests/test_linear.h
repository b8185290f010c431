/* Whether a check is linear in its input, asked without a stopwatch bound.
 *
 * An absolute limit ("under 2 s") fails on a loaded or sanitized build and
 * says nothing on a fast one. Instead the same work runs at two sizes, n/8
 * and n, each the fastest of three runs (the least disturbed by other
 * processes), and the ratio is compared: a linear check takes about 8
 * times as long at 8 times the size, a pairwise one 64 times. The bound,
 * 24 times plus 50 ms of scheduling slack, sits between the two. */
#ifndef MOCKAWS_TEST_LINEAR_H
#define MOCKAWS_TEST_LINEAR_H

#include <glib.h>
#include <stdbool.h>

/* Runs the work at size n (asserting its answer) once. */
typedef void (*linear_work)(void *ctx, int n);

static inline double linear_fastest(linear_work work, void *ctx, int n)
{
    double best = -1;
    for (int i = 0; i < 3; i++) {
        gint64 t0 = g_get_monotonic_time();
        work(ctx, n);
        double secs = (double)(g_get_monotonic_time() - t0) / 1e6;
        if (best < 0 || secs < best)
            best = secs;
    }
    return best;
}

/* n must be a multiple of 8. */
static inline bool linear_in_size(linear_work work, void *ctx, int n)
{
    double small = linear_fastest(work, ctx, n / 8);
    double big = linear_fastest(work, ctx, n);
    if (big < 24 * small + 0.05)
        return true;
    g_printerr("not linear: %.4f s at %d, %.4f s at %d\n", small, n / 8, big, n);
    return false;
}

#endif
