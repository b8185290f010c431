/* The wire layer against botocore's protocol test vectors, for all four
 * protocols, through the wire_protocol vtable only.
 *
 * The vectors are written from the client's side; a server runs them the
 * other way round (see server/tests/vectors/README.md):
 *   input:  serialized request -> operation_name + parse_request -> params
 *   output: result -> serialize_output -> parse_response -> result, and the
 *           vector's own response -> parse_response -> result, so that the
 *           decoder is checked on its own and a symmetric bug in the
 *           encoder/decoder pair cannot pass. Error cases go through
 *           serialize_error / parse_response the same way.
 * Trees are compared shape by shape, never bytes.
 *
 * Environment:
 *   CONFORMANCE_PROTOCOL=json|query|ec2|rest-xml  run only that protocol
 *   CONFORMANCE_CASE=<id>                         run one case, verbosely */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the headers above first. */
#include <cmocka.h>

#include <glib.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/awserr.h"
#include "wire/http.h"
#include "wire/model.h"
#include "wire/wire.h"

#ifndef MOCKAWS_CONFORMANCE_DIR
#error "MOCKAWS_CONFORMANCE_DIR must be defined by the build"
#endif

typedef enum direction { DIR_INPUT, DIR_OUTPUT } direction;

/* What a skip entry leaves out of a case. */
enum {
    /* the whole case */
    SKIP_CASE = 1u << 0,
    /* input: only the operation_name check (the vector omits what names the
     * operation); the body is still parsed and compared */
    SKIP_OPNAME = 1u << 1,
    /* input: a member with the idempotencyToken trait that the client filled
     * in by itself (absent from params, present on the wire) is not an
     * error in the parsed tree */
    SKIP_AUTOFILLED_TOKEN = 1u << 2,
    /* input: an empty list or map in params may be absent from the parsed
     * tree, where the client sends nothing at all for it */
    SKIP_EMPTY_NOT_SENT = 1u << 5,
    /* input: the value at skip_entry.path (as the diffs write paths) is
     * not compared: the client never puts it on the wire */
    SKIP_PATH = 1u << 6,
    /* output: the serialize -> parse round trip */
    SKIP_ROUNDTRIP = 1u << 3,
    /* output: decoding the vector's own response */
    SKIP_VECTOR_DECODE = 1u << 4,
};

typedef struct skip_entry {
    const char *protocol;
    direction dir;
    const char *id;
    unsigned parts;
    const char *reason;
    const char *path; /* for SKIP_PATH */
} skip_entry;

/* Every case or part of a case that is not run, and why. Each one is
 * printed when the test meets it. Host prefixes (endpoint traits) need no
 * entry: the host is handed to the parser and the labels it carries are
 * also in the body or a header, which is what the server reads. */
static const skip_entry skips[] = {
    /* request compression: a client feature; the vector leaves out the
     * compressed body, so there is nothing to parse */
    {"json", DIR_INPUT, "SDKAppliedContentEncoding_awsJson1_0", SKIP_CASE,
     "client-side gzip request compression; the vector has no body", NULL},
    {"json", DIR_INPUT, "SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsJson1_0", SKIP_CASE,
     "client-side gzip request compression; the vector has no body", NULL},
    {"query", DIR_INPUT, "SDKAppliedContentEncoding_awsQuery", SKIP_CASE,
     "client-side gzip request compression; the vector has no body", NULL},
    {"query", DIR_INPUT, "SDKAppendsGzipAndIgnoresHttpProvidedEncoding_awsQuery", SKIP_CASE,
     "client-side gzip request compression; the vector has no body", NULL},
    {"ec2", DIR_INPUT, "SDKAppliedContentEncoding_ec2Query", SKIP_CASE,
     "client-side gzip request compression; the vector has no body", NULL},
    {"ec2", DIR_INPUT, "SDKAppendsGzipAndIgnoresHttpProvidedEncoding_ec2Query", SKIP_CASE,
     "client-side gzip request compression; the vector has no body", NULL},
    {"rest-xml", DIR_INPUT, "SDKAppliedContentEncoding_restXml", SKIP_CASE,
     "client-side gzip request compression; the vector has no body", NULL},
    {"rest-xml", DIR_INPUT, "SDKAppendedGzipAfterProvidedEncoding_restXml", SKIP_CASE,
     "client-side gzip request compression; the vector has no body", NULL},

    /* endpoint-trait vectors for JSON 1.0 check only the host and carry no
     * headers, so no X-Amz-Target names the operation */
    {"json", DIR_INPUT, "AwsJson10EndpointTrait", SKIP_OPNAME,
     "host-prefix vector without X-Amz-Target: operation name not checked", NULL},
    {"json", DIR_INPUT, "AwsJson10EndpointTraitWithHostLabel", SKIP_OPNAME,
     "host-prefix vector without X-Amz-Target: operation name not checked", NULL},
    {"json", DIR_INPUT, "AwsJson10HostWithPath", SKIP_OPNAME,
     "client endpoint-path vector without X-Amz-Target: operation name not checked", NULL},

    /* the client puts nothing on the wire for an empty container, so the
     * server cannot tell it from a member not given */
    {"query", DIR_INPUT, "QueryEmptyQueryMaps", SKIP_EMPTY_NOT_SENT,
     "botocore sends nothing for an empty map: absent is accepted for {}", NULL},
    {"ec2", DIR_INPUT, "Ec2EmptyQueryLists", SKIP_EMPTY_NOT_SENT,
     "botocore's ec2 serializer sends nothing for an empty list: absent is accepted for []", NULL},

    /* a named query member wins over the same key in a query map; the
     * client drops the map's entry */
    {"rest-xml", DIR_INPUT, "RestXmlQueryPrecedence", SKIP_PATH,
     "the client drops map key 'bar' that the named query member 'bar' overrides", ".baz{bar}"},

    /* the client generates a token the caller did not give */
    {"query", DIR_INPUT, "QueryProtocolIdempotencyTokenAutoFill", SKIP_AUTOFILLED_TOKEN,
     "idempotency token auto-filled by the client: ignored in the parsed tree", NULL},
    {"ec2", DIR_INPUT, "Ec2ProtocolIdempotencyTokenAutoFill", SKIP_AUTOFILLED_TOKEN,
     "idempotency token auto-filled by the client: ignored in the parsed tree", NULL},
    {"rest-xml", DIR_INPUT, "QueryIdempotencyTokenAutoFill", SKIP_AUTOFILLED_TOKEN,
     "idempotency token auto-filled by the client: ignored in the parsed tree", NULL},
};

static const skip_entry *find_skip(const char *protocol, direction dir, const char *id)
{
    for (size_t i = 0; i < G_N_ELEMENTS(skips); i++)
        if (skips[i].dir == dir && strcmp(skips[i].protocol, protocol) == 0 &&
            strcmp(skips[i].id, id) == 0)
            return &skips[i];
    return NULL;
}

static const char *dir_name(direction d) { return d == DIR_INPUT ? "input" : "output"; }

static const char *vector_file(const char *protocol)
{
    if (strcmp(protocol, "json") == 0)
        return "json_1_0.json";
    if (strcmp(protocol, "query") == 0)
        return "query.json";
    if (strcmp(protocol, "ec2") == 0)
        return "ec2.json";
    return "rest-xml.json";
}

/* ---- one case's context ---- */

typedef struct case_ctx {
    const char *protocol;
    const char *id;
    bool verbose;
    unsigned skip_parts;
    const char *skip_path; /* for SKIP_PATH */
    GString *diffs; /* owned: what went wrong, one line each */
    int ndiffs;
} case_ctx;

#define MAX_DIFFS_PER_CASE 8

static void diff(case_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void diff(case_ctx *c, const char *fmt, ...)
{
    c->ndiffs++;
    if (c->ndiffs > MAX_DIFFS_PER_CASE)
        return;
    va_list ap;
    va_start(ap, fmt);
    g_string_append(c->diffs, "      ");
    g_string_append_vprintf(c->diffs, fmt, ap);
    g_string_append_c(c->diffs, '\n');
    va_end(ap);
}

/* A short printable rendering of a tree value; blobs may hold any bytes,
 * so strings are escaped here rather than by jansson (which refuses
 * invalid UTF-8). Returns a new string (g_free). */
static char *show(json_t *v)
{
    if (!v)
        return g_strdup("(absent)");
    char *s;
    if (json_is_string(v)) {
        GString *g = g_string_new("\"");
        const char *p = json_string_value(v);
        size_t n = json_string_length(v);
        for (size_t i = 0; i < n && g->len < 90; i++) {
            unsigned char ch = (unsigned char)p[i];
            if (ch == '"' || ch == '\\')
                g_string_append_printf(g, "\\%c", ch);
            else if (ch < 0x20 || ch >= 0x7f)
                g_string_append_printf(g, "\\x%02x", ch);
            else
                g_string_append_c(g, (char)ch);
        }
        g_string_append_c(g, '"');
        s = g_string_free(g, FALSE);
    } else {
        char *d = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
        s = g_strdup(d ? d : "(unprintable)");
        free(d);
    }
    if (strlen(s) > 100) {
        s[97] = s[98] = s[99] = '.';
        s[100] = '\0';
    }
    return s;
}

static void diff_values(case_ctx *c, const char *path, const char *what, json_t *exp, json_t *act)
{
    char *e = show(exp), *a = show(act);
    diff(c, "%s%s: %s: expected %s, got %s", *path ? "" : "(root)", path, what, e, a);
    g_free(e);
    g_free(a);
}

static bool numbers_close(double a, double b, double tol)
{
    if (a == b)
        return true;
    return fabs(a - b) <= tol * fmax(1.0, fmax(fabs(a), fabs(b)));
}

static bool strings_equal(json_t *a, json_t *b)
{
    return json_is_string(a) && json_is_string(b) &&
           json_string_length(a) == json_string_length(b) &&
           memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
}

/* Shape-less comparison (for values whose shape the model does not give):
 * numbers by value, everything else exactly. */
static void compare_any(case_ctx *c, const char *path, json_t *exp, json_t *act)
{
    if (json_is_number(exp) && json_is_number(act)) {
        if (!numbers_close(json_number_value(exp), json_number_value(act), 1e-6))
            diff_values(c, path, "value", exp, act);
        return;
    }
    if (json_is_string(exp)) {
        if (!strings_equal(exp, act))
            diff_values(c, path, "value", exp, act);
        return;
    }
    if (json_is_object(exp) && json_is_object(act)) {
        const char *k;
        json_t *v;
        json_object_foreach(exp, k, v) {
            if (json_is_null(v))
                continue;
            char *p = g_strdup_printf("%s.%s", path, k);
            json_t *a = json_object_get(act, k);
            if (!a)
                diff_values(c, p, "missing", v, NULL);
            else
                compare_any(c, p, v, a);
            g_free(p);
        }
        json_object_foreach(act, k, v) {
            json_t *e = json_object_get(exp, k);
            if (!e || json_is_null(e)) {
                char *p = g_strdup_printf("%s.%s", path, k);
                diff_values(c, p, "unexpected", NULL, v);
                g_free(p);
            }
        }
        return;
    }
    if (json_is_array(exp) && json_is_array(act)) {
        if (json_array_size(exp) != json_array_size(act)) {
            diff_values(c, path, "list length", exp, act);
            return;
        }
        for (size_t i = 0; i < json_array_size(exp); i++) {
            char *p = g_strdup_printf("%s[%zu]", path, i);
            compare_any(c, p, json_array_get(exp, i), json_array_get(act, i));
            g_free(p);
        }
        return;
    }
    if (!json_equal(exp, act))
        diff_values(c, path, "value", exp, act);
}

/* exp is the vector's value (nulls in it mean "not set"), act the tree the
 * protocol produced; shape drives how scalars are compared. */
static void compare(case_ctx *c, const mshape *shape, const char *path, json_t *exp, json_t *act)
{
    if ((c->skip_parts & SKIP_PATH) && c->skip_path && strcmp(path, c->skip_path) == 0) {
        if (c->verbose)
            printf("    note: %s not compared (skip list)\n", path);
        return;
    }
    if (!shape) {
        compare_any(c, path, exp, act);
        return;
    }
    const char *type = mkind_name((mkind)shape->kind);

    switch ((mkind)shape->kind) {
    case MK_STRUCTURE: {
        if (!json_is_object(act)) {
            diff_values(c, path, "not an object", exp, act);
            return;
        }
        if (!json_is_object(exp)) {
            diff_values(c, path, "vector value is not an object", exp, act);
            return;
        }
        const char *k;
        json_t *v;
        json_object_foreach(exp, k, v) {
            if (json_is_null(v))
                continue;
            char *p = g_strdup_printf("%s.%s", path, k);
            const mmember *ref = mshape_member(shape, k);
            json_t *a = json_object_get(act, k);
            bool empty = (json_is_array(v) && json_array_size(v) == 0) ||
                         (json_is_object(v) && json_object_size(v) == 0);
            if (!a && empty && (c->skip_parts & SKIP_EMPTY_NOT_SENT)) {
                if (c->verbose)
                    printf("    note: empty container at %s not on the wire: accepted\n", p);
            } else if (!a && (c->skip_parts & SKIP_PATH) && c->skip_path &&
                       strcmp(p, c->skip_path) == 0) {
                /* on the skip list: the client never sent it */
            } else if (!a) {
                diff_values(c, p, "missing", v, NULL);
            } else {
                compare(c, ref ? ref->shape : NULL, p, v, a);
            }
            g_free(p);
        }
        json_object_foreach(act, k, v) {
            json_t *e = json_object_get(exp, k);
            if (e && !json_is_null(e))
                continue;
            const mmember *ref = mshape_member(shape, k);
            char *p = g_strdup_printf("%s.%s", path, k);
            if (ref && (c->skip_parts & SKIP_AUTOFILLED_TOKEN) && (ref->t.flags & MF_IDEMPOTENCY_TOKEN)) {
                if (c->verbose)
                    printf("    note: ignored client-filled idempotency token at %s\n", p);
            } else {
                diff_values(c, p, ref ? "unexpected member" : "member not in the model", NULL, v);
            }
            g_free(p);
        }
        return;
    }
    case MK_LIST: {
        if (!json_is_array(act) || !json_is_array(exp)) {
            diff_values(c, path, "not a list", exp, act);
            return;
        }
        if (json_array_size(exp) != json_array_size(act)) {
            diff_values(c, path, "list length", exp, act);
            return;
        }
        const mshape *mshp = shape->member ? shape->member->shape : NULL;
        for (size_t i = 0; i < json_array_size(exp); i++) {
            char *p = g_strdup_printf("%s[%zu]", path, i);
            compare(c, mshp, p, json_array_get(exp, i), json_array_get(act, i));
            g_free(p);
        }
        return;
    }
    case MK_MAP: {
        if (!json_is_object(act) || !json_is_object(exp)) {
            diff_values(c, path, "not a map", exp, act);
            return;
        }
        const mshape *vshape = shape->value ? shape->value->shape : NULL;
        const char *k;
        json_t *v;
        json_object_foreach(exp, k, v) {
            char *p = g_strdup_printf("%s{%s}", path, k);
            json_t *a = json_object_get(act, k);
            if (!a && (c->skip_parts & SKIP_PATH) && c->skip_path && strcmp(p, c->skip_path) == 0)
                ; /* on the skip list: the client never sent it */
            else if (!a)
                diff_values(c, p, "missing map key", v, NULL);
            else
                compare(c, vshape, p, v, a);
            g_free(p);
        }
        json_object_foreach(act, k, v) {
            if (!json_object_get(exp, k)) {
                char *p = g_strdup_printf("%s{%s}", path, k);
                diff_values(c, p, "unexpected map key", NULL, v);
                g_free(p);
            }
        }
        return;
    }
    case MK_STRING:
    case MK_BLOB:
        if (!strings_equal(exp, act))
            diff_values(c, path, type, exp, act);
        return;
    case MK_BOOLEAN:
        if (!json_is_boolean(act) || json_is_true(exp) != json_is_true(act))
            diff_values(c, path, "boolean", exp, act);
        return;
    case MK_INTEGER:
    case MK_LONG:
        if (!json_is_integer(act) || !json_is_number(exp) ||
            json_number_value(exp) != (double)json_integer_value(act))
            diff_values(c, path, type, exp, act);
        return;
    case MK_FLOAT:
    case MK_DOUBLE:
        /* NaN and the infinities travel as strings in the trees */
        if (json_is_string(exp)) {
            if (!strings_equal(exp, act))
                diff_values(c, path, type, exp, act);
        } else if (!json_is_number(act) ||
                   !numbers_close(json_number_value(exp), json_number_value(act), 1e-6)) {
            diff_values(c, path, type, exp, act);
        }
        return;
    case MK_TIMESTAMP:
        /* the protocols carry milliseconds: anything finer is noise */
        if (!json_is_number(act) || !json_is_number(exp) ||
            fabs(json_number_value(exp) - json_number_value(act)) > 5e-4)
            diff_values(c, path, "timestamp", exp, act);
        return;
    default:
        compare_any(c, path, exp, act);
        return;
    }
}

/* ---- building the HTTP side from a vector ---- */

typedef struct built_request {
    http_request req;
    GArray *headers; /* of http_header, owned (names lowercased) */
    char *path, *query; /* owned */
} built_request;

static void build_request(built_request *b, json_t *ser)
{
    memset(b, 0, sizeof *b);
    b->headers = g_array_new(FALSE, FALSE, sizeof(http_header));
    const char *host = json_string_value(json_object_get(ser, "host"));
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(ser, "headers"), k, v) {
        http_header h = {g_ascii_strdown(k, -1), g_strdup(json_string_value(v))};
        g_array_append_val(b->headers, h);
        if (!host && strcmp(h.name, "host") == 0)
            host = json_string_value(v);
    }
    const char *uri = json_string_value(json_object_get(ser, "uri"));
    if (!uri)
        uri = "/";
    const char *q = strchr(uri, '?');
    b->path = q ? g_strndup(uri, (gsize)(q - uri)) : g_strdup(uri);
    b->query = g_strdup(q ? q + 1 : "");
    json_t *body = json_object_get(ser, "body");

    b->req.method = json_string_value(json_object_get(ser, "method"));
    if (!b->req.method)
        b->req.method = "POST";
    b->req.path = b->path;
    b->req.query = b->query;
    b->req.host = host ? host : "";
    b->req.headers = (const http_header *)(void *)b->headers->data;
    b->req.nheaders = b->headers->len;
    b->req.body = json_is_string(body) ? json_string_value(body) : "";
    b->req.body_len = json_is_string(body) ? json_string_length(body) : 0;
}

static void free_request(built_request *b)
{
    for (guint i = 0; i < b->headers->len; i++) {
        http_header *h = &g_array_index(b->headers, http_header, i);
        g_free(h->name);
        g_free(h->value);
    }
    g_array_free(b->headers, TRUE);
    g_free(b->path);
    g_free(b->query);
}

/* The vector's response as an http_response (the caller clears it). */
static void build_response(http_response *r, json_t *resp)
{
    http_response_init(r);
    r->status = (int)json_integer_value(json_object_get(resp, "status_code"));
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(resp, "headers"), k, v)
        http_response_add_header(r, k, json_string_value(v));
    json_t *body = json_object_get(resp, "body");
    if (json_is_string(body))
        g_string_append_len(r->body, json_string_value(body), (gssize)json_string_length(body));
}

static void print_request(const http_request *r)
{
    printf("    request: %s %s%s%s host=%s\n", r->method, r->path, *r->query ? "?" : "", r->query,
           r->host);
    for (size_t i = 0; i < r->nheaders; i++)
        printf("      %s: %s\n", r->headers[i].name, r->headers[i].value);
    printf("    body (%zu bytes): %.*s\n", r->body_len, (int)r->body_len, r->body);
}

static void print_response(const char *what, const http_response *r)
{
    size_t len;
    const char *body = http_response_body(r, &len);
    printf("    %s: status %d\n", what, r->status);
    for (guint i = 0; i < r->headers->len; i++) {
        http_header *h = &g_array_index(r->headers, http_header, i);
        printf("      %s: %s\n", h->name, h->value);
    }
    printf("    body (%zu bytes): %.*s\n", len, (int)len, body);
}

static void print_tree(const char *what, json_t *t)
{
    char *s = t ? json_dumps(t, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS) : NULL;
    printf("    %s: %s\n", what, s ? s : "(none)");
    free(s);
}

/* ---- input cases ---- */

static void run_input_case(case_ctx *c, const wire_protocol *proto, const model *m, json_t *tc)
{
    json_t *given = json_object_get(tc, "given");
    const char *opname = json_string_value(json_object_get(given, "name"));
    json_t *params = json_object_get(tc, "params");
    built_request b;
    build_request(&b, json_object_get(tc, "serialized"));
    if (c->verbose)
        print_request(&b.req);

    if (!(c->skip_parts & SKIP_OPNAME)) {
        if (!proto->operation_name) {
            diff(c, "operation_name: not implemented");
        } else {
            aws_error err = AWS_ERROR_INIT;
            char buf[256];
            const char *got = proto->operation_name(m, &b.req, buf, sizeof buf, &err);
            if (!got)
                diff(c, "operation_name: none (%s: %s)", err.code ? err.code : "no error code",
                     err.message ? err.message : "");
            else if (strcmp(got, opname) != 0)
                diff(c, "operation_name: expected %s, got %s", opname, got);
            aws_error_clear(&err);
        }
    }

    if (!proto->parse_request) {
        diff(c, "parse_request: not implemented");
    } else {
        aws_error err = AWS_ERROR_INIT;
        json_t *input = NULL;
        int rc = proto->parse_request(m, opname, &b.req, &input, &err);
        if (c->verbose) {
            print_tree("expected params", params);
            print_tree("parsed input", input);
        }
        if (rc != 0) {
            diff(c, "parse_request failed: %s: %s", err.code ? err.code : "(no code)",
                 err.message ? err.message : "");
        } else if (!input) {
            diff(c, "parse_request returned 0 but no tree");
        } else {
            const mshape *shape = mop_input(model_find_op(m, opname));
            compare(c, shape, "", params ? params : json_object(), input);
        }
        json_decref(input);
        aws_error_clear(&err);
    }
    free_request(&b);
}

/* ---- output cases ---- */

/* Error members other than the message: the envelope carries the message,
 * whatever the error shape calls it. Returns a new reference. */
static json_t *error_fields_without_message(json_t *fields)
{
    json_t *out = fields ? json_deep_copy(fields) : json_object();
    json_object_del(out, "Message");
    json_object_del(out, "message");
    return out;
}

/* One decoded response against what the vector says the client ends up
 * with. `what` says which response it was (ours or the vector's). */
static void check_parsed(case_ctx *c, const wire_protocol *proto, const model *m, json_t *tc,
                         const http_response *resp, const char *what)
{
    json_t *given = json_object_get(tc, "given");
    const char *opname = json_string_value(json_object_get(given, "name"));
    const char *error_code = json_string_value(json_object_get(tc, "errorCode"));

    json_t *output = NULL;
    aws_error err = AWS_ERROR_INIT;
    int rc = proto->parse_response(m, opname, resp, &output, &err);
    if (c->verbose) {
        char *label = g_strdup_printf("%s: parsed output", what);
        print_tree(label, output);
        g_free(label);
        if (rc != 0)
            printf("    %s: parsed error: code=%s message=%s status=%d\n", what,
                   err.code ? err.code : "(null)", err.message ? err.message : "(null)",
                   err.status);
        if (err.fields)
            print_tree("      error fields", err.fields);
    }

    if (!error_code) {
        if (rc != 0) {
            diff(c, "%s: parse_response failed: %s: %s", what, err.code ? err.code : "(no code)",
                 err.message ? err.message : "");
        } else if (!output) {
            diff(c, "%s: parse_response returned 0 but no tree", what);
        } else {
            GString *p = g_string_new(what);
            g_string_append(p, ": ");
            const mshape *shape = mop_output(model_find_op(m, opname));
            json_t *result = json_object_get(tc, "result");
            json_t *empty = json_object();
            compare(c, shape, p->str, result ? result : empty, output);
            json_decref(empty);
            g_string_free(p, TRUE);
        }
    } else if (rc == 0) {
        diff(c, "%s: parse_response succeeded, expected error %s", what, error_code);
    } else {
        if (!err.code || strcmp(err.code, error_code) != 0)
            diff(c, "%s: error code: expected %s, got %s", what, error_code,
                 err.code ? err.code : "(null)");
        json_t *vec_error = json_object_get(tc, "error");
        const char *msg = json_string_value(json_object_get(tc, "errorMessage"));
        if (!msg)
            msg = json_string_value(json_object_get(vec_error, "Message"));
        if (msg && (!err.message || strcmp(msg, err.message) != 0))
            diff(c, "%s: error message: expected \"%s\", got \"%s\"", what, msg,
                 err.message ? err.message : "(null)");
        json_t *exp = error_fields_without_message(vec_error);
        json_t *act = error_fields_without_message(err.fields);
        GString *p = g_string_new(what);
        g_string_append(p, ": error");
        compare(c, model_find_error(m, error_code), p->str, exp, act);
        g_string_free(p, TRUE);
        json_decref(exp);
        json_decref(act);
    }
    json_decref(output);
    aws_error_clear(&err);
}

static void run_output_case(case_ctx *c, const wire_protocol *proto, const model *m, json_t *tc)
{
    json_t *given = json_object_get(tc, "given");
    const char *opname = json_string_value(json_object_get(given, "name"));
    json_t *vresp = json_object_get(tc, "response");
    int vstatus = (int)json_integer_value(json_object_get(vresp, "status_code"));
    const char *error_code = json_string_value(json_object_get(tc, "errorCode"));

    if (!proto->parse_response) {
        diff(c, "parse_response: not implemented");
        return;
    }

    if (!(c->skip_parts & SKIP_ROUNDTRIP)) {
        http_response resp;
        http_response_init(&resp);
        bool produced = false;
        if (!error_code) {
            if (!proto->serialize_output) {
                diff(c, "serialize_output: not implemented");
            } else {
                json_t *result = json_object_get(tc, "result");
                /* a copy: the serializer borrows the tree and must not
                 * change what the comparison reads afterwards */
                json_t *tree = result ? json_deep_copy(result) : json_object();
                if (proto->serialize_output(m, opname, tree, "conformance-request-id", &resp) != 0)
                    diff(c, "serialize_output failed");
                else
                    produced = true;
                json_decref(tree);
            }
        } else {
            if (!proto->serialize_error) {
                diff(c, "serialize_error: not implemented");
            } else {
                json_t *vec_error = json_object_get(tc, "error");
                const char *msg = json_string_value(json_object_get(tc, "errorMessage"));
                aws_error err = AWS_ERROR_INIT;
                err.code = g_strdup(error_code);
                err.message = g_strdup(msg);
                err.status = vstatus;
                const mshape *eshape = model_find_error(m, error_code);
                uint32_t flags = eshape ? eshape->t.flags : 0;
                if (flags & MF_SENDER_FAULT)
                    err.sender = 1;
                else if (flags & MF_FAULT)
                    err.sender = 0;
                else
                    err.sender = vstatus < 500;
                json_t *fields = error_fields_without_message(vec_error);
                if (json_object_size(fields) > 0)
                    err.fields = fields;
                else
                    json_decref(fields);
                proto->serialize_error(m, opname, &err, "conformance-request-id", &resp);
                produced = true;
                aws_error_clear(&err);
            }
        }
        if (produced) {
            if (c->verbose)
                print_response("serialized response", &resp);
            int st = resp.status ? resp.status : 200;
            if (st != vstatus)
                diff(c, "serialized status: expected %d, got %d", vstatus, st);
            check_parsed(c, proto, m, tc, &resp, "round trip");
        }
        http_response_clear(&resp);
    }

    if (!(c->skip_parts & SKIP_VECTOR_DECODE)) {
        http_response vr;
        build_response(&vr, vresp);
        if (c->verbose)
            print_response("vector response", &vr);
        check_parsed(c, proto, m, tc, &vr, "vector response");
        http_response_clear(&vr);
    }
}

/* ---- the runner ---- */

static json_t *load_vectors(const char *protocol, direction dir)
{
    char *path = g_strdup_printf("%s/%s/%s", MOCKAWS_CONFORMANCE_DIR, dir_name(dir),
                                 vector_file(protocol));
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (!doc)
        print_error("cannot load %s: line %d: %s\n", path, je.line, je.text);
    g_free(path);
    if (!doc)
        fail();
    return doc;
}

static bool has_case(json_t *suites, const char *id)
{
    size_t si, ci;
    json_t *suite, *tc;
    json_array_foreach(suites, si, suite)
        json_array_foreach(json_object_get(suite, "cases"), ci, tc)
            if (g_strcmp0(json_string_value(json_object_get(tc, "id")), id) == 0)
                return true;
    return false;
}

static void run_protocol(const char *protocol, direction dir)
{
    const char *only_protocol = getenv("CONFORMANCE_PROTOCOL");
    if (only_protocol && *only_protocol && strcmp(only_protocol, protocol) != 0) {
        skip();
        return;
    }
    const char *only_case = getenv("CONFORMANCE_CASE");
    if (only_case && !*only_case)
        only_case = NULL;

    json_t *suites = load_vectors(protocol, dir);
    if (only_case && !has_case(suites, only_case)) {
        json_decref(suites);
        skip();
        return;
    }

    /* a protocol still being written: one line, not one per case */
    const wire_protocol *wp = wire_protocol_find(protocol);
    bool missing = !wp ||
                   (dir == DIR_INPUT && (!wp->operation_name || !wp->parse_request)) ||
                   (dir == DIR_OUTPUT &&
                    (!wp->serialize_output || !wp->serialize_error || !wp->parse_response));
    if (missing) {
        json_decref(suites);
        fail_msg("%s %s: the wire_protocol is missing or not implemented", protocol,
                 dir_name(dir));
    }
    GString *failures = g_string_new(NULL);
    int passed = 0, failed = 0, skipped = 0;
    size_t si;
    json_t *suite;
    json_array_foreach(suites, si, suite) {
        json_t *metadata = json_object_get(suite, "metadata");
        const char *pname = json_string_value(json_object_get(metadata, "protocol"));
        const wire_protocol *proto = wire_protocol_find(pname);
        size_t ci;
        json_t *tc;
        json_array_foreach(json_object_get(suite, "cases"), ci, tc) {
            const char *id = json_string_value(json_object_get(tc, "id"));
            if (only_case && strcmp(only_case, id) != 0)
                continue;
            const skip_entry *sk = find_skip(protocol, dir, id);
            if (sk) {
                printf("[ SKIP     ] %s %s %s%s: %s\n", protocol, dir_name(dir), id,
                       sk->parts & SKIP_CASE ? "" : " (in part)", sk->reason);
                if (sk->parts & SKIP_CASE) {
                    skipped++;
                    continue;
                }
            }
            case_ctx c = {.protocol = protocol, .id = id, .verbose = only_case != NULL,
                          .skip_parts = sk ? sk->parts : 0,
                          .skip_path = sk ? sk->path : NULL, .diffs = g_string_new(NULL)};
            if (c.verbose) {
                const char *desc = json_string_value(json_object_get(tc, "description"));
                printf("  case %s (%s)\n", id, desc ? desc : "");
            }

            json_t *given = json_object_get(tc, "given");
            const char *opname = json_string_value(json_object_get(given, "name"));
            json_t *doc = json_pack("{s:O, s:O, s:{s:O}}", "metadata", metadata, "shapes",
                                    json_object_get(suite, "shapes"), "operations", opname,
                                    given);
            char merr[256] = "";
            model *m = doc ? model_compile(doc, merr, sizeof merr) : NULL;
            if (!proto) {
                diff(&c, "no wire_protocol named \"%s\"", pname ? pname : "(null)");
            } else if (!m) {
                diff(&c, "model: %s", merr);
            } else if (dir == DIR_INPUT) {
                run_input_case(&c, proto, m, tc);
            } else {
                run_output_case(&c, proto, m, tc);
            }
            model_free(m);

            if (c.ndiffs) {
                failed++;
                g_string_append_printf(failures, "  %s\n%s", id, c.diffs->str);
                if (c.ndiffs > MAX_DIFFS_PER_CASE)
                    g_string_append_printf(failures, "      ... and %d more\n",
                                           c.ndiffs - MAX_DIFFS_PER_CASE);
            } else {
                passed++;
            }
            g_string_free(c.diffs, TRUE);
        }
    }
    json_decref(suites);

    printf("[ RESULT   ] %s %s: %d passed, %d failed, %d skipped\n", protocol, dir_name(dir),
           passed, failed, skipped);
    if (failed) {
        printf("[ FAILURES ] %s %s:\n%s", protocol, dir_name(dir), failures->str);
        g_string_free(failures, TRUE);
        fail_msg("%s %s: %d case(s) failed", protocol, dir_name(dir), failed);
    }
    g_string_free(failures, TRUE);
}

static void test_json_input(void **state) { run_protocol("json", DIR_INPUT); }
static void test_json_output(void **state) { run_protocol("json", DIR_OUTPUT); }
static void test_query_input(void **state) { run_protocol("query", DIR_INPUT); }
static void test_query_output(void **state) { run_protocol("query", DIR_OUTPUT); }
static void test_ec2_input(void **state) { run_protocol("ec2", DIR_INPUT); }
static void test_ec2_output(void **state) { run_protocol("ec2", DIR_OUTPUT); }
static void test_rest_xml_input(void **state) { run_protocol("rest-xml", DIR_INPUT); }
static void test_rest_xml_output(void **state) { run_protocol("rest-xml", DIR_OUTPUT); }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_input),     cmocka_unit_test(test_json_output),
        cmocka_unit_test(test_query_input),    cmocka_unit_test(test_query_output),
        cmocka_unit_test(test_ec2_input),      cmocka_unit_test(test_ec2_output),
        cmocka_unit_test(test_rest_xml_input), cmocka_unit_test(test_rest_xml_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
