/* Query-protocol requests (a form POST) through the whole pipeline without
 * sockets, for the suites of the query services (IAM, SNS, EC2): the
 * status and a copy of the body. */
#ifndef MOCKAWS_TEST_FORM_CALL_H
#define MOCKAWS_TEST_FORM_CALL_H

#include <glib.h>
#include <string.h>

#include "core/pipeline.h"

typedef struct result {
    int status;
    char *body; /* g_malloc'd, NUL-terminated */
} result;

/* method on "/" with query (NULL: none), an Authorization header (NULL:
 * unsigned) and a form body (NULL: none). */
static inline result form_call(mockaws *s, const char *method, const char *query, const char *auth,
                               const char *body)
{
    http_header h[2];
    size_t n = 0;
    if (auth)
        h[n++] = (http_header){"authorization", (char *)auth};
    h[n++] = (http_header){"content-type", "application/x-www-form-urlencoded; charset=utf-8"};
    http_request req = {.method = method, .path = "/", .query = query ? query : "", .host = "localhost", .headers = h,
                        .nheaders = n, .body = body ? body : "", .body_len = body ? strlen(body) : 0};
    http_response resp;
    http_response_init(&resp);
    pipeline_outcome out;
    pipeline_handle(s, &req, 1, false, &resp, &out);
    size_t len;
    const char *b = http_response_body(&resp, &len);
    result r = {resp.status, g_strndup(b, len)};
    http_response_clear(&resp);
    return r;
}

static inline void rfree(result *r) { g_free(r->body); }

#endif
