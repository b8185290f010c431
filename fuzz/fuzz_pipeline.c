/* fuzz_pipeline: raw HTTP requests through the whole request pipeline, as
 * libmicrohttpd would hand them over: control API, routing (credential
 * scope, X-Amz-Target, Action, Host), every wire protocol's parser, model
 * validation, the handlers of S3, DynamoDB, SNS, EC2 and STS on the shipped
 * fixtures, serialization, the journal.
 *
 * An input is a pipelined HTTP/1.1 stream: up to 8 requests, each with a
 * Content-Length (or the rest of the input as its body), run in order on
 * the same state, so that one input can create a bucket and then write to
 * it. Every input starts from the same state (fuzz_server_fresh): loaded
 * again after an input that may have changed it, that is one where a
 * request succeeded, failed on the server's side (5xx but 501) or went to
 * the control API. A request the service refused (4xx) changes nothing, as
 * in AWS; one that did would be a bug of its own. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/control.h"
#include "fuzz_common.h"

#define MAX_REQUESTS 8

volatile unsigned char fuzz_sink;

/* Control API requests whose JSON asks for what fuzz_json_unsafe says. */
static bool skipped(const http_request *r)
{
    if (!control_matches(r->path) || r->body_len == 0)
        return false;
    json_t *doc = json_loadb(r->body, r->body_len, 0, NULL);
    bool out = doc && (fuzz_json_unsafe(doc));
    json_decref(doc);
    return out;
}

/* FUZZ_SHOW=1 prints each request's line and answer: for reading what a
 * seed or a reproducer does (fuzz_pipeline -runs=1 FILE). */
static int show = -1;
/* whether the last input may have changed the server's state */
static bool dirty = true;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (show < 0)
        show = getenv("FUZZ_SHOW") != NULL;
    server *s = fuzz_server();
    fuzz_server_fresh(s, dirty);
    dirty = false;
    for (int n = 0; n < MAX_REQUESTS; n++) {
        fuzz_req r;
        if (!fuzz_http_next(&data, &size, &r))
            break;
        if (!skipped(&r.req)) {
            http_response resp;
            http_response_init(&resp);
            pipeline_outcome out;
            pipeline_handle(s, &r.req, (uint64_t)n + 1, false, &resp, &out);
            if (control_matches(r.req.path) || resp.status < 400 || (resp.status >= 500 && resp.status != 501))
                dirty = true;
            /* read the whole answer, zero-copy bodies too, as sending would */
            size_t len;
            const char *b = http_response_body(&resp, &len);
            unsigned char sum = 0;
            for (size_t i = 0; i < len; i++)
                sum += (unsigned char)b[i];
            for (guint i = 0; i < resp.headers->len; i++)
                sum += (unsigned char)strlen(g_array_index(resp.headers, http_header, i).value);
            fuzz_sink = sum;
            if (show)
                fprintf(stderr, "%s %s%s%s -> %d %.*s\n", r.req.method, r.req.path, *r.req.query ? "?" : "",
                        r.req.query, resp.status, (int)(len < 160 ? len : 160), b);
            http_response_clear(&resp);
        }
        fuzz_req_clear(&r);
    }
    return 0;
}
