/* pipeline: one request from routing to the journal (docs/ARCHITECTURE.md,
 * "the path of a request"), free of HTTP plumbing so that tests and the
 * control API's C door can drive it directly. */
#ifndef MOCKAWS_CORE_PIPELINE_H
#define MOCKAWS_CORE_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/call.h"
#include "faults/fault.h"
#include "wire/http.h"

typedef struct mockaws server;

/* What the pipeline decided about one request. */
typedef struct pipeline_outcome {
    int64_t delay_ms;   /* hold the answer this long (connection suspended) */
    fault_conn conn;    /* answer (NONE), or reset / close / hold the connection */
    bool parked;        /* the handler parked the request (svc_park): nothing was
                           answered or journaled; hold it for park_ms (or until
                           woken), then run it again */
    int64_t park_ms;
} pipeline_outcome;


/* The whole pipeline for one request read in full, without HTTP glue:
 * control API, routing, parsing, the handler, serialization, journal.
 * conn: the connection id for the journal. The response is the caller's.
 * Requests handled this way cannot park (svc_park says no). */
void pipeline_handle(server *s, const http_request *req, uint64_t conn, bool too_large,
                     http_response *resp, pipeline_outcome *out);
/* The same for a caller that can park requests (the edge): park says
 * whether this run may park and whether it follows one that expired. */
void pipeline_handle_parkable(server *s, const http_request *req, uint64_t conn, bool too_large,
                              const svc_park_state *park, http_response *resp, pipeline_outcome *out);


#endif
