/* Query-protocol requests (a form POST) through the whole pipeline without
 * sockets, for the suites of the query services (IAM, SNS, EC2), and JSON
 * 1.0 ones (X-Amz-Target) for a suite that also drives a JSON service (SNS
 * delivering to SQS): the status and a copy of the body. */
#ifndef MOCKAWS_TEST_FORM_CALL_H
#define MOCKAWS_TEST_FORM_CALL_H

#include <glib.h>
#include <string.h>

#include "core/pipeline.h"

typedef struct result {
    int status;
    char *body; /* g_malloc'd, NUL-terminated */
} result;

/* req through the pipeline: its status and body. */
static inline result pipeline_result(mockaws *s, const http_request *req)
{
    http_response resp;
    http_response_init(&resp);
    pipeline_outcome out;
    pipeline_handle(s, req, 1, false, &resp, &out);
    size_t len;
    const char *b = http_response_body(&resp, &len);
    result r = {resp.status, g_strndup(b, len)};
    http_response_clear(&resp);
    return r;
}

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
    return pipeline_result(s, &req);
}

/* A JSON 1.0 POST of body to "/" with X-Amz-Target target, signed (by
 * its credential scope) for service in us-east-1. */
static inline result json_call(mockaws *s, const char *service, const char *target, const char *body)
{
    char *auth = g_strdup_printf("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/%s/aws4_request, "
                                 "SignedHeaders=host, Signature=0",
                                 service);
    http_header h[3] = {{"authorization", auth},
                        {"x-amz-target", (char *)target},
                        {"content-type", "application/x-amz-json-1.0"}};
    http_request req = {.method = "POST", .path = "/", .query = "", .host = "localhost", .headers = h,
                        .nheaders = 3, .body = body, .body_len = strlen(body)};
    result r = pipeline_result(s, &req);
    g_free(auth);
    return r;
}

static inline void rfree(result *r) { g_free(r->body); }

#endif
