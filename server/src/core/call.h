/* call: running a service's operation handler: a client's request
 * (pipeline.c), one service's call to another (svc_invoke,
 * services/svc_api.h) and a service's work due on the server clock
 * (svc_def.due_ms / maintain) all go through call_handler, so that each
 * takes the namespace lock, does the due work first and runs the
 * service's after_call the same way. */
#ifndef MOCKAWS_CORE_CALL_H
#define MOCKAWS_CORE_CALL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/journal.h"
#include "core/registry.h"
#include "state/ns.h"

typedef struct mockaws server;

/* A request's parking (services/svc_api.h, svc_park) between the edge, the
 * pipeline and the handler (svc_call.park). */
typedef struct svc_park_state {
    void *edge;         /* in: the edge's context for the request (edge_park_begin),
                           or NULL when nothing can hold it */
    bool expired;       /* in: this run follows a parked one whose time ran out */
    int64_t waited_ms;  /* in: how long the request has been parked so far (real time), 0
                           on its first run */
    bool parked;        /* out: svc_park was called (and registered with the edge) */
    int64_t timeout_ms; /* out */
} svc_park_state;

/* One run of handler on c (whose state is n's): the service's due work
 * first (under n's exclusive lock), then the handler under the lock its
 * operation declares, then the service's after_call (not for a request
 * that parked). The handler's rc. */
int call_handler(svc_rt *rt, const svc_op *handler, ns *n, svc_call *c);

/* An error of rt's completed from its catalog and model: status, sender,
 * and the catalog's message when the error has none (and is not bare). */
void call_resolve_error(svc_rt *rt, aws_error *err);

/* Checks input against shape with rt's validator: 0, or -1 with the
 * violations (as many as the service lists, svc_def.max_violations)
 * worded the service's way in err. */
int call_validate(svc_rt *rt, const mshape *shape, json_t *input, aws_error *err);

/* The log line of a journaled call: je's text form, or as_json (the entry
 * as the journal holds it) in JSON mode. */
void call_log(server *s, const journal_entry *je, json_t *as_json);

/* Does the work due on the server clock in every namespace now, as a
 * request would find it: after the clock moved (POST /_mockaws/clock,
 * mockaws_clock_advance), so that what a test waits for happens without a
 * request to the service. */
void call_run_due(server *s);

#endif
