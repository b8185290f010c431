/* unserved: answers for the AWS services mockaws does not serve, in each
 * one's own protocol (core/unserved.h). */
#include "core/unserved.h"

#include <jansson.h>
#include <string.h>

/* The error every SDK maps by its code: 501 is not among the statuses
 * botocore or the JS SDK v3 retry (500, 502, 503, 504), so a test fails
 * at once with the message rather than after its retries. */
#define UNSERVED_CODE "NotImplemented"
#define UNSERVED_STATUS 501

static const unserved_service TABLE[] = {
#include "../../models/unserved.inc"
};

static bool is(const char *a, const char *b) { return a && strcmp(a, b) == 0; }

/* How well a REST row fits path: 1 + its prefix's length when path begins
 * with it, 1 for a row without one (any path), 0 when it does not (still a
 * REST model of the name, better than another protocol's). */
static long path_fit(const unserved_service *u, const char *path)
{
    if (!u->path_prefix)
        return 1;
    size_t n = strlen(u->path_prefix);
    return path && strncmp(path, u->path_prefix, n) == 0 ? 1 + (long)n : 0;
}

const unserved_service *unserved_lookup(const char *signing_name, const char *target, bool query_like,
                                        const char *path)
{
    /* the first row of the name (the table is sorted by it) */
    size_t lo = 0, hi = G_N_ELEMENTS(TABLE);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(TABLE[mid].signing_name, signing_name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < G_N_ELEMENTS(TABLE) && is(TABLE[end].signing_name, signing_name))
        end++;
    if (lo == end)
        return NULL;
    size_t tlen = target ? strcspn(target, ".") : 0;
    const unserved_service *shaped = NULL;
    long best = -1;
    for (size_t i = lo; i < end; i++) {
        const unserved_service *u = &TABLE[i];
        if (target && u->target_prefix && strlen(u->target_prefix) == tlen &&
            strncmp(u->target_prefix, target, tlen) == 0)
            return u;
        /* REST: the model whose paths the request's fits longest */
        long fit = target ? (u->target_prefix ? 0 : -1)
                   : query_like ? (is(u->protocol, "query") || is(u->protocol, "ec2") ? 0 : -1)
                                : (g_str_has_prefix(u->protocol, "rest-") ? path_fit(u, path) : -1);
        if (fit > best) {
            best = fit;
            shaped = u;
        }
    }
    return shaped ? shaped : &TABLE[lo];
}

const unserved_service *unserved_by_target(const char *prefix, size_t len)
{
    for (size_t i = 0; i < G_N_ELEMENTS(TABLE); i++)
        if (TABLE[i].target_prefix && strlen(TABLE[i].target_prefix) == len &&
            strncmp(TABLE[i].target_prefix, prefix, len) == 0)
            return &TABLE[i];
    return NULL;
}

/* ---- the envelopes ---- */

static void xml_text(GString *b, const char *tag, const char *text)
{
    char *esc = g_markup_escape_text(text, -1);
    g_string_append_printf(b, "<%s>%s</%s>", tag, esc, tag);
    g_free(esc);
}

/* query and rest-xml: <ErrorResponse><Error>Type Code Message</Error>
 * <RequestId/></ErrorResponse>; ec2: <Response><Errors><Error>Code
 * Message</Error></Errors><RequestID/></Response>. */
static void answer_xml(http_response *resp, bool ec2, const char *message, const char *request_id)
{
    GString *b = resp->body;
    g_string_assign(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    g_string_append(b, ec2 ? "<Response><Errors><Error>" : "<ErrorResponse><Error><Type>Receiver</Type>");
    xml_text(b, "Code", UNSERVED_CODE);
    xml_text(b, "Message", message);
    g_string_append(b, ec2 ? "</Error></Errors>" : "</Error>");
    xml_text(b, ec2 ? "RequestID" : "RequestId", request_id);
    g_string_append(b, ec2 ? "</Response>" : "</ErrorResponse>");
    http_response_set_header(resp, "Content-Type", "text/xml");
}

/* awsJson 1.0 / 1.1 and rest-json: {"__type", "message"} with the code in
 * x-amzn-ErrorType too (rest-json SDKs read the header first). */
static void answer_json(http_response *resp, const char *content_type, const char *message)
{
    json_t *body = json_pack("{s:s, s:s}", "__type", UNSERVED_CODE, "message", message);
    char *text = json_dumps(body, JSON_COMPACT);
    g_string_assign(resp->body, text ? text : "{}");
    free(text);
    json_decref(body);
    http_response_set_header(resp, "Content-Type", content_type);
    http_response_set_header(resp, "x-amzn-ErrorType", UNSERVED_CODE);
}

/* A CBOR item head (RFC 8949 section 3): major type and length. */
static void cbor_head(GString *b, unsigned major, size_t n)
{
    unsigned char m = (unsigned char)(major << 5), buf[5];
    size_t len = 1;
    if (n < 24) {
        buf[0] = (unsigned char)(m | n);
    } else if (n <= 0xff) {
        buf[0] = m | 24;
        buf[1] = (unsigned char)n;
        len = 2;
    } else if (n <= 0xffff) {
        buf[0] = m | 25;
        buf[1] = (unsigned char)(n >> 8);
        buf[2] = (unsigned char)n;
        len = 3;
    } else {
        buf[0] = m | 26;
        for (int i = 0; i < 4; i++)
            buf[1 + i] = (unsigned char)(n >> (24 - 8 * i));
        len = 5;
    }
    g_string_append_len(b, (const char *)buf, (gssize)len);
}

static void cbor_text(GString *b, const char *s)
{
    size_t n = strlen(s);
    cbor_head(b, 3, n);
    g_string_append_len(b, s, (gssize)n);
}

/* Smithy RPC v2 CBOR: a map {"__type", "message"}. */
static void answer_cbor(http_response *resp, const char *message)
{
    g_string_truncate(resp->body, 0);
    cbor_head(resp->body, 5, 2);
    cbor_text(resp->body, "__type");
    cbor_text(resp->body, UNSERVED_CODE);
    cbor_text(resp->body, "message");
    cbor_text(resp->body, message);
    http_response_set_header(resp, "Content-Type", "application/cbor");
    http_response_set_header(resp, "smithy-protocol", "rpc-v2-cbor");
}

const char *unserved_answer(const unserved_service *u, const http_request *req, bool query_like,
                            const char *served, const char *request_id, http_response *resp)
{
    char *message = g_strdup_printf("mockaws does not serve %s (signing name '%s'); it serves %s", u->service_id,
                                    u->signing_name, served);
    const char *target = http_request_header(req, "x-amz-target");
    const char *ct = http_request_header(req, "content-type");
    resp->status = UNSERVED_STATUS;
    if (is(http_request_header(req, "smithy-protocol"), "rpc-v2-cbor"))
        answer_cbor(resp, message);
    else if (target || (ct && g_str_has_prefix(ct, "application/x-amz-json-")))
        answer_json(resp, ct && g_str_has_prefix(ct, "application/x-amz-json-1.0") ? "application/x-amz-json-1.0"
                                                                                    : "application/x-amz-json-1.1",
                    message);
    else if (query_like)
        answer_xml(resp, is(u->protocol, "ec2"), message, request_id);
    else if (is(u->protocol, "rest-xml"))
        answer_xml(resp, false, message, request_id);
    else
        answer_json(resp, "application/json", message);
    g_free(message);
    return UNSERVED_CODE;
}
