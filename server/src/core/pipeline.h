/* pipeline: one request from routing to the journal (docs/ARCHITECTURE.md,
 * "the path of a request"), free of HTTP plumbing so that tests and the
 * control API's C door can drive it directly. */
#ifndef MOCKAWS_CORE_PIPELINE_H
#define MOCKAWS_CORE_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "faults/fault.h"
#include "wire/http.h"

typedef struct mockaws server;

/* What the pipeline decided about one request. */
typedef struct pipeline_outcome {
    int64_t delay_ms;   /* hold the answer this long (connection suspended) */
    fault_conn conn;    /* answer (NONE), or reset / close / hold the connection */
} pipeline_outcome;

/* The whole pipeline for one request read in full, without HTTP glue:
 * control API, routing, parsing, the handler, serialization, journal.
 * conn: the connection id for the journal. The response is the caller's. */
void pipeline_handle(server *s, const http_request *req, uint64_t conn, bool too_large,
                     http_response *resp, pipeline_outcome *out);

#endif
