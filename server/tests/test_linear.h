/* Whether a check is linear in its input, asked without a stopwatch bound.
 *
 * An absolute limit ("under 2 s") fails on a loaded or sanitized build and
 * says nothing on a fast one. Instead the same work runs at two sizes, n/8
 * and n, and the ratio is compared: a linear check takes about 8 times as
 * long at 8 times the size, a pairwise one 64 times. The bound, 24 times
 * plus 20 ms, sits between the two. The work runs in the calling thread
 * (the tests drive the pipeline in-process), so what is measured is that
 * thread's CPU time, which other processes on a busy machine do not
 * inflate; each size counts its fastest of three runs, which leaves out a
 * run slowed by cache misses after a preemption. */
#ifndef MOCKAWS_TEST_LINEAR_H
#define MOCKAWS_TEST_LINEAR_H

#include <glib.h>
#include <stdbool.h>
#include <time.h>

/* Runs the work at size n (asserting its answer) once. */
typedef void (*linear_work)(void *ctx, int n);

static inline double linear_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline double linear_fastest(linear_work work, void *ctx, int n)
{
    double best = -1;
    for (int i = 0; i < 3; i++) {
        double t0 = linear_cpu_now();
        work(ctx, n);
        double secs = linear_cpu_now() - t0;
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
    if (big < 24 * small + 0.02)
        return true;
    g_printerr("not linear: %.4f s of CPU at %d, %.4f s at %d\n", small, n / 8, big, n);
    return false;
}

#endif
