/* DynamoDB requests through the whole pipeline (JSON 1.0 wire, model
 * validation, handlers, errors, x-amz-crc32) without sockets, for the
 * test_dynamodb_*.c suites.
 *
 * Bodies are JSON; the q-helpers take printf formats written with single
 * quotes for JSON's double quotes ("{'TableName': '%s'}"), which keeps the
 * tests readable. */
#ifndef MOCKAWS_TEST_DYNAMODB_CALL_H
#define MOCKAWS_TEST_DYNAMODB_CALL_H

#include <glib.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/pipeline.h"
#include "core/server.h"

typedef struct answer {
    int status;
    json_t *body;
    char *type; /* __type without the namespace, or NULL */
    const char *message;
} answer;

/* A request with any X-Amz-Target and body (len bytes) through the
 * pipeline; *resp (initialised here) is the caller's to clear. */
static inline void call_target(server *s, const char *target, const char *body, size_t body_len,
                               http_response *resp)
{
    http_header h[3] = {
        {"authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/dynamodb/aws4_request, "
                          "SignedHeaders=host, Signature=0"},
        {"x-amz-target", (char *)target},
        {"content-type", "application/x-amz-json-1.0"},
    };
    http_request req = {.method = "POST", .path = "/", .query = "", .host = "localhost", .headers = h,
                        .nheaders = 3, .body = body, .body_len = body_len};
    http_response_init(resp);
    pipeline_outcome out;
    pipeline_handle(s, &req, 1, false, resp, &out);
}

static inline answer call(server *s, const char *op, const char *body)
{
    char target[128];
    g_snprintf(target, sizeof target, "DynamoDB_20120810.%s", op);
    http_response resp;
    call_target(s, target, body, strlen(body), &resp);
    size_t len;
    const char *b = http_response_body(&resp, &len);
    /* every answer carries a CRC32 that verifies */
    const char *crc = http_response_header(&resp, "x-amz-crc32");
    assert_non_null(crc);
    assert_int_equal(strtoul(crc, NULL, 10), crc32(0L, (const Bytef *)b, (uInt)len));
    /* a string value may hold U+0000, as DynamoDB's do */
    answer a = {resp.status, json_loadb(b, len, JSON_ALLOW_NUL, NULL), NULL, NULL};
    assert_non_null(a.body);
    const char *type = json_string_value(json_object_get(a.body, "__type"));
    if (type) {
        const char *hash = strchr(type, '#');
        a.type = g_strdup(hash ? hash + 1 : type);
        a.message = json_string_value(json_object_get(a.body, "message"));
        if (!a.message)
            a.message = json_string_value(json_object_get(a.body, "Message"));
    }
    http_response_clear(&resp);
    return a;
}

static inline void answer_free(answer *a)
{
    json_decref(a->body);
    g_free(a->type);
}

/* Calls and expects an error of that code and message (message NULL: any). */
static inline void expect_error(server *s, const char *op, const char *body, const char *code, const char *message)
{
    answer a = call(s, op, body);
    if (a.status != 400 || !a.type || strcmp(a.type, code) != 0 ||
        (message && (!a.message || strcmp(a.message, message) != 0))) {
        char *text = json_dumps(a.body, 0);
        fail_msg("%s %s:\n  got %d %s\n  want %s: %s", op, body, a.status, text, code, message ? message : "*");
    }
    answer_free(&a);
}

static inline json_t *expect_ok(server *s, const char *op, const char *body)
{
    answer a = call(s, op, body);
    if (a.status != 200) {
        char *text = json_dumps(a.body, 0);
        fail_msg("%s %s: %d %s", op, body, a.status, text);
    }
    g_free(a.type);
    return a.body;
}

/* A body from a format with single quotes standing for double quotes. */
static inline char *q_body(const char *fmt, va_list ap)
{
    char *b = g_strdup_vprintf(fmt, ap);
    for (char *p = b; *p; p++)
        if (*p == '\'')
            *p = '"';
    return b;
}

/* expect_ok with a quoted format; the answer's body (json_decref). */
static inline json_t *okq(server *s, const char *op, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *b = q_body(fmt, ap);
    va_end(ap);
    json_t *r = expect_ok(s, op, b);
    g_free(b);
    return r;
}

/* The same, for a call whose answer does not matter. */
static inline void doq(server *s, const char *op, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *b = q_body(fmt, ap);
    va_end(ap);
    json_decref(expect_ok(s, op, b));
    g_free(b);
}

/* expect_error with a quoted format. */
static inline void errq(server *s, const char *op, const char *code, const char *message, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *b = q_body(fmt, ap);
    va_end(ap);
    expect_error(s, op, b, code, message);
    g_free(b);
}

/* The raw answer of a quoted call (answer_free). */
static inline answer callq(server *s, const char *op, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *b = q_body(fmt, ap);
    va_end(ap);
    answer a = call(s, op, b);
    g_free(b);
    return a;
}

static inline void fixture_q(server *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *b = q_body(fmt, ap);
    va_end(ap);
    char err[512];
    if (mockaws_load_fixtures_json(s, b, err, sizeof err) != 0)
        fail_msg("fixture %s: %s", b, err);
    g_free(b);
}

static inline void fault_q(server *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *b = q_body(fmt, ap);
    va_end(ap);
    char err[512];
    if (mockaws_faults_add(s, b, NULL, err, sizeof err) != 0)
        fail_msg("fault %s: %s", b, err);
    g_free(b);
}

/* A member of an answer by a path of object keys and array indexes
 * ("Items", "0", "sk", "N"). */
static inline json_t *at(json_t *v, ...)
{
    va_list ap;
    va_start(ap, v);
    const char *k;
    while (v && (k = va_arg(ap, const char *))) {
        if (json_is_array(v))
            v = json_array_get(v, strtoul(k, NULL, 10));
        else
            v = json_object_get(v, k);
    }
    va_end(ap);
    return v;
}

#define AT(v, ...) at((v), __VA_ARGS__, (const char *)NULL)
#define AT_STR(v, ...) json_string_value(AT(v, __VA_ARGS__))
#define AT_INT(v, ...) json_integer_value(AT(v, __VA_ARGS__))

static inline int setup(void **st)
{
    char err[256];
    mockaws_options o = {.seed = 7};
    server *s = mockaws_start(&o, err, sizeof err);
    if (!s)
        return -1;
    mockaws_clock_virtual(s, 1);
    *st = s;
    return 0;
}

static inline int teardown(void **st)
{
    mockaws_stop(*st);
    return 0;
}

/* Between tests: nothing left over, the clock virtual again. */
static inline void fresh(server *s)
{
    mockaws_reset(s);
    mockaws_faults_clear(s);
    mockaws_clock_virtual(s, 1);
}

#endif
