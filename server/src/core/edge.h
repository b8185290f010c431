/* edge: a server's HTTP side on libmicrohttpd: connections and their
 * limits, the header deadline, request bodies, delayed answers, and the
 * pipeline's response turned into libmicrohttpd's. */
#ifndef MOCKAWS_CORE_EDGE_H
#define MOCKAWS_CORE_EDGE_H

#include <stddef.h>

#include "mockaws.h"

typedef struct mockaws server;

/* The edge's locks, tables and limits from opts (defaults where 0). Before
 * anything can fail: edge_stop undoes it. */
void edge_init(server *s, const mockaws_options *opts);
/* Listens on s->host:port (0: any free port) and starts the delay and
 * watchdog threads; sets s->port and s->endpoint. -1 and a message in err
 * when it cannot listen. */
int edge_start(server *s, unsigned port, char *err, size_t errlen);
/* Stops taking connections, stops the threads and the daemon, and releases
 * what edge_init made. Safe after a failed or no edge_start. */
void edge_stop(server *s);

/* Parked requests (svc_park): keys are namespace-qualified. */
/* Lists the request (ctx: svc_park_state.edge) under key, from its
 * handler; the edge suspends it when the pipeline returns. */
void edge_park_begin(server *s, void *ctx, const char *key);
/* Takes up to max requests off key, the longest parked first, and has
 * them run again (resumed, or not suspended at all when the handler has not
 * returned yet); how many. A request woken whose client is gone before it
 * runs again hands its wake to the next on the key. */
size_t edge_wake(server *s, const char *key, size_t max);
size_t edge_parked(server *s, const char *key);

#endif
