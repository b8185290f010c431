/* wire_json: the AWS JSON 1.0 protocol (DynamoDB).
 *
 * The operation comes from `X-Amz-Target: <targetPrefix>.<Operation>`, the
 * input and output are JSON bodies shaped by the model (members under their
 * locationName, blobs base64, timestamps epoch seconds unless a
 * timestampFormat says otherwise), errors are
 * `{"__type": "<namespace>#<Code>", "message": "..."}` plus the error
 * shape's members.
 *
 * One walker converts wire JSON into a tree (requests on the server side,
 * responses on the client side) and one converts a tree into wire JSON. The
 * server side is strict about types (Coral answers SerializationException);
 * the client side is as lenient as botocore, which takes what it gets. */
#include "wire.h"

#include <glib.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "timefmt.h"

#define JSON_CONTENT_TYPE "application/x-amz-json-1.0"
#define CORAL_SERVICE_NS "com.amazon.coral.service#"

/* ---- errors ---- */

static int serialization_error(aws_error *err, const char *msg)
{
    aws_error_set_status(err, 400, "SerializationException", "%s", msg);
    err->sender = 1;
    return -1;
}

/* How Coral's Jackson-based reader names the JSON token it found. */
static const char *token_name(json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "START_OBJECT";
    case JSON_ARRAY: return "START_ARRAY";
    case JSON_STRING: return "STRING_VALUE";
    case JSON_INTEGER:
    case JSON_REAL: return "NUMBER_VALUE";
    case JSON_TRUE:
    case JSON_FALSE: return "BOOLEAN_VALUE";
    case JSON_NULL: return "NULL_VALUE";
    }
    return "VALUE";
}

static const char *java_class(json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING: return "java.lang.String";
    case JSON_INTEGER: return "java.lang.Long";
    case JSON_REAL: return "java.math.BigDecimal";
    case JSON_TRUE:
    case JSON_FALSE: return "java.lang.Boolean";
    case JSON_OBJECT: return "java.util.Map";
    case JSON_ARRAY: return "java.util.List";
    case JSON_NULL: return "null";
    }
    return "java.lang.Object";
}

/* The Java type Coral's reader converts a scalar shape to. */
static const char *java_target(mkind kind)
{
    switch (kind) {
    case MK_INTEGER: return "an Integer";
    case MK_LONG: return "a Long";
    case MK_BOOLEAN: return "a Boolean";
    case MK_FLOAT: return "a Float";
    case MK_DOUBLE: return "a Double";
    case MK_TIMESTAMP: return "a Date";
    default: return "the expected type";
    }
}

/* A value of the wrong JSON type for its shape, worded as Coral words it. */
static int type_error(aws_error *err, mkind kind, json_t *v)
{
    if (json_is_object(v))
        return serialization_error(err, "Start of structure or map found where not expected.");
    if (json_is_array(v))
        return serialization_error(err, "Start of list found where not expected.");
    char *msg;
    switch (kind) {
    case MK_STRING:
    case MK_BLOB:
        msg = g_strdup_printf("%s cannot be converted to String", token_name(v));
        break;
    case MK_STRUCTURE:
    case MK_MAP:
    case MK_LIST:
        msg = g_strdup_printf("Unexpected %s: expected a %s", token_name(v),
                              kind == MK_LIST ? "list" : "structure or map");
        break;
    default:
        msg = g_strdup_printf("class %s can not be converted to %s", java_class(v), java_target(kind));
        break;
    }
    serialization_error(err, msg);
    g_free(msg);
    return -1;
}

/* ---- base64 ---- */

/* g_base64_decode skips what is not base64, so a garbled value would decode
 * to something instead of being refused. */
static bool base64_valid(const char *s, size_t len)
{
    if (len % 4 != 0)
        return false;
    size_t pad = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '=') {
            pad++;
        } else if (pad || !(g_ascii_isalnum(c) || c == '+' || c == '/')) {
            return false;
        }
    }
    return pad <= 2;
}

/* New reference: a string holding the decoded bytes, or NULL. */
static json_t *base64_to_tree(const char *s, size_t len, bool strict)
{
    if (strict && !base64_valid(s, len))
        return NULL;
    char *copy = g_strndup(s, len);
    gsize n = 0;
    guchar *raw = g_base64_decode(copy, &n);
    g_free(copy);
    json_t *out = json_stringn_nocheck((const char *)raw, n);
    g_free(raw);
    return out;
}

/* ---- wire JSON -> tree ---- */

typedef struct reader {
    aws_error *err;
    bool strict; /* server side: type errors are SerializationException */
} reader;

static json_t *read_value(reader *r, const mshape *shape, json_t *v);

/* The shape a list's member or a map's value refers to (NULL when the
 * model gives none). */
static const mshape *ref_shape(const mmember *ref) { return ref ? ref->shape : NULL; }

static json_t *read_structure(reader *r, const mshape *shape, json_t *v)
{
    if (!json_is_object(v)) {
        if (r->strict)
            type_error(r->err, MK_STRUCTURE, v);
        return r->strict ? NULL : json_object();
    }
    json_t *out = json_object();
    for (uint32_t i = 0; i < shape->nmembers; i++) {
        const mmember *ref = &shape->members[i];
        const char *wire_name = mmember_location_name(ref);
        json_t *raw = json_object_get(v, wire_name ? wire_name : ref->name);
        /* null is "not set", as the services and botocore read it */
        if (!raw || json_is_null(raw))
            continue;
        json_t *val = read_value(r, ref->shape, raw);
        if (!val) {
            json_decref(out);
            return NULL;
        }
        json_object_set_new(out, ref->name, val);
    }
    return out;
}

static json_t *read_list(reader *r, const mshape *shape, json_t *v)
{
    if (!json_is_array(v)) {
        if (r->strict)
            type_error(r->err, MK_LIST, v);
        return r->strict ? NULL : json_array();
    }
    const mshape *mshp = ref_shape(shape->member);
    json_t *out = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        json_t *val = json_is_null(item) ? json_null() : read_value(r, mshp, item);
        if (!val) {
            json_decref(out);
            return NULL;
        }
        json_array_append_new(out, val);
    }
    return out;
}

static json_t *read_map(reader *r, const mshape *shape, json_t *v)
{
    if (!json_is_object(v)) {
        if (r->strict)
            type_error(r->err, MK_MAP, v);
        return r->strict ? NULL : json_object();
    }
    const mshape *vshape = ref_shape(shape->value);
    json_t *out = json_object();
    const char *key;
    json_t *item;
    json_object_foreach(v, key, item) {
        json_t *val = json_is_null(item) ? json_null() : read_value(r, vshape, item);
        if (!val) {
            json_decref(out);
            return NULL;
        }
        json_object_set_new(out, key, val);
    }
    return out;
}

static json_t *read_scalar_error(reader *r, mkind kind, json_t *v)
{
    if (r->strict) {
        type_error(r->err, kind, v);
        return NULL;
    }
    return json_deep_copy(v);
}

static json_t *read_value(reader *r, const mshape *shape, json_t *v)
{
    if (!shape)
        return json_deep_copy(v); /* a model without the shape: keep what came */
    if (shape->t.flags & MF_DOCUMENT)
        return json_deep_copy(v);
    mkind kind = (mkind)shape->kind;
    switch (kind) {
    case MK_STRUCTURE:
        return read_structure(r, shape, v);
    case MK_LIST:
        return read_list(r, shape, v);
    case MK_MAP:
        return read_map(r, shape, v);
    case MK_STRING:
        if (!json_is_string(v))
            return read_scalar_error(r, kind, v);
        return json_incref(v);
    case MK_BLOB: {
        if (!json_is_string(v))
            return read_scalar_error(r, kind, v);
        json_t *out = base64_to_tree(json_string_value(v), json_string_length(v), r->strict);
        if (!out)
            serialization_error(r->err, "Base64 encoded value is malformed");
        return out;
    }
    case MK_BOOLEAN:
        if (!json_is_boolean(v))
            return read_scalar_error(r, kind, v);
        return json_incref(v);
    case MK_INTEGER:
    case MK_LONG: {
        json_int_t n;
        if (json_is_integer(v)) {
            n = json_integer_value(v);
        } else if (json_is_real(v) && json_real_value(v) == floor(json_real_value(v)) &&
                   fabs(json_real_value(v)) < 9.2e18) {
            n = (json_int_t)json_real_value(v);
        } else {
            return read_scalar_error(r, kind, v);
        }
        if (r->strict && kind == MK_INTEGER && (n < INT32_MIN || n > INT32_MAX)) {
            char *msg = g_strdup_printf("Numeric value (%lld) out of range of int",
                                        (long long)n);
            serialization_error(r->err, msg);
            g_free(msg);
            return NULL;
        }
        return json_integer(n);
    }
    case MK_FLOAT:
    case MK_DOUBLE:
        if (json_is_number(v))
            return json_real(json_number_value(v));
        if (json_is_string(v)) {
            const char *s = json_string_value(v);
            if (strcmp(s, "NaN") == 0 || strcmp(s, "Infinity") == 0 ||
                strcmp(s, "-Infinity") == 0)
                return json_incref(v);
        }
        return read_scalar_error(r, kind, v);
    case MK_TIMESTAMP: {
        if (json_is_integer(v))
            return json_incref(v);
        if (json_is_real(v))
            return json_real(json_real_value(v));
        double epoch;
        if (json_is_string(v) && timefmt_parse(json_string_value(v), &epoch))
            return epoch == floor(epoch) && fabs(epoch) < 9.2e18 ? json_integer((json_int_t)epoch)
                                                                  : json_real(epoch);
        return read_scalar_error(r, kind, v);
    }
    default:
        return json_deep_copy(v);
    }
}

/* ---- tree -> wire JSON ---- */

/* v into the wire tree unchanged: a scalar is shared (the wire tree lives
 * only until it is written, and nothing changes it meanwhile), a container
 * copied (serialize_error edits the top level of the tree it gets). */
static json_t *as_is(json_t *v)
{
    return json_is_object(v) || json_is_array(v) ? json_deep_copy(v) : json_incref(v);
}

static json_t *write_value(const mmember *ref, const mshape *shape, json_t *v);

static json_t *write_timestamp(const mmember *ref, json_t *v)
{
    double epoch;
    if (json_is_number(v))
        epoch = json_number_value(v);
    else if (!json_is_string(v) || !timefmt_parse(json_string_value(v), &epoch))
        return as_is(v);
    timefmt_kind kind = ref ? timefmt_kind_of(mmember_ts_format(ref), TIMEFMT_UNIX) : TIMEFMT_UNIX;
    if (kind == TIMEFMT_UNIX) {
        if (epoch == floor(epoch) && fabs(epoch) < 9.2e18)
            return json_integer((json_int_t)epoch);
        /* milliseconds, as the services send them */
        return json_real(round(epoch * 1000.0) / 1000.0);
    }
    GString *s = g_string_new(NULL);
    timefmt_format(s, epoch, kind);
    json_t *out = json_stringn(s->str, s->len);
    g_string_free(s, TRUE);
    return out;
}

static json_t *write_structure(const mshape *shape, json_t *v)
{
    json_t *out = json_object();
    for (uint32_t i = 0; i < shape->nmembers; i++) {
        const mmember *ref = &shape->members[i];
        json_t *val = json_object_get(v, ref->name);
        if (!val || json_is_null(val))
            continue;
        const char *wire_name = mmember_location_name(ref);
        json_object_set_new(out, wire_name ? wire_name : ref->name, write_value(ref, ref->shape, val));
    }
    return out;
}

/* ref is the member reference (for member-level traits), may be NULL. */
static json_t *write_value(const mmember *ref, const mshape *shape, json_t *v)
{
    if (!shape || json_is_null(v) || (shape->t.flags & MF_DOCUMENT))
        return as_is(v);
    switch ((mkind)shape->kind) {
    case MK_STRUCTURE:
        if (!json_is_object(v))
            return as_is(v);
        return write_structure(shape, v);
    case MK_LIST: {
        if (!json_is_array(v))
            return as_is(v);
        const mmember *mref = shape->member;
        const mshape *mshp = ref_shape(mref);
        json_t *out = json_array();
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
            json_array_append_new(out, write_value(mref, mshp, item));
        return out;
    }
    case MK_MAP: {
        if (!json_is_object(v))
            return as_is(v);
        const mmember *vref = shape->value;
        const mshape *vshape = ref_shape(vref);
        json_t *out = json_object();
        const char *key;
        json_t *item;
        json_object_foreach(v, key, item)
            json_object_set_new(out, key, write_value(vref, vshape, item));
        return out;
    }
    case MK_BLOB:
        if (json_is_string(v)) {
            char *b64 = g_base64_encode((const guchar *)json_string_value(v), json_string_length(v));
            json_t *out = json_string(b64);
            g_free(b64);
            return out;
        }
        break;
    case MK_TIMESTAMP:
        return write_timestamp(ref, v);
    case MK_FLOAT:
    case MK_DOUBLE:
        if (json_is_number(v)) {
            double d = json_number_value(v);
            if (isnan(d))
                return json_string("NaN");
            if (isinf(d))
                return json_string(d > 0 ? "Infinity" : "-Infinity");
            return json_real(d);
        }
        break;
    case MK_INTEGER:
    case MK_LONG:
        if (json_is_real(v))
            return json_integer((json_int_t)json_real_value(v));
        break;
    default:
        break;
    }
    return as_is(v);
}

static int append_text(const char *buffer, size_t size, void *data)
{
    g_string_append_len(data, buffer, (gssize)size);
    return 0;
}

/* Sets the body to the JSON text of doc (stolen), written straight into
 * it rather than through a string of jansson's own. False, the body as it
 * was, when jansson cannot write it (a string that is not UTF-8). */
static bool set_body(http_response *resp, json_t *doc)
{
    size_t before = resp->body->len;
    int rc = json_dump_callback(doc, append_text, resp->body, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(doc);
    if (rc != 0) {
        g_string_truncate(resp->body, before);
        return false;
    }
    g_string_erase(resp->body, 0, (gssize)before);
    return true;
}

/* ---- the vtable ---- */

static const char *json_operation_name(const model *m, const http_request *req, char *buf,
                                       size_t buflen, aws_error *err)
{
    const char *target = http_request_header(req, "x-amz-target");
    const char *dot = target ? strrchr(target, '.') : NULL;
    if (!dot || dot == target || !dot[1]) {
        aws_error_set_status(err, 400, "UnknownOperationException", NULL);
        err->sender = 1;
        return NULL;
    }
    const char *prefix = m->target_prefix;
    if (prefix && (strlen(prefix) != (size_t)(dot - target) ||
                   strncmp(prefix, target, (size_t)(dot - target)) != 0)) {
        aws_error_set_status(err, 400, "UnknownOperationException", NULL);
        err->sender = 1;
        return NULL;
    }
    return dot + 1; /* lives as long as the request's header */
}

static int json_parse_request(const model *m, const char *op, const http_request *req,
                              json_t **input, aws_error *err)
{
    *input = NULL;
    const mshape *shape = mop_input(model_find_op(m, op));

    size_t n = req->body_len;
    const char *body = req->body;
    while (n && g_ascii_isspace(body[0])) {
        body++;
        n--;
    }
    json_t *doc;
    if (n == 0) {
        doc = json_object();
    } else {
        json_error_t je;
        doc = json_loadb(body, n, JSON_DECODE_ANY, &je);
        if (!doc) {
            char *msg = g_strdup_printf("Malformed JSON: %s (line %d, column %d)", je.text,
                                        je.line, je.column);
            serialization_error(err, msg);
            g_free(msg);
            return -1;
        }
    }
    if (!json_is_object(doc)) {
        type_error(err, MK_STRUCTURE, doc);
        json_decref(doc);
        return -1;
    }
    if (!shape) {
        /* no input: whatever came is ignored, as unknown members are */
        json_decref(doc);
        *input = json_object();
        return 0;
    }
    reader r = {err, true};
    *input = read_value(&r, shape, doc);
    json_decref(doc);
    return *input ? 0 : -1;
}

static int json_serialize_output(const model *m, const char *op, json_t *output,
                                 const char *request_id, http_response *resp)
{
    const mshape *shape = mop_output(model_find_op(m, op));
    json_t *doc = shape && json_is_object(output) ? write_value(NULL, shape, output) : json_object();
    if (!set_body(resp, doc))
        return -1;
    resp->status = 200;
    http_response_set_header(resp, "Content-Type", JSON_CONTENT_TYPE);
    return 0;
}

/* "<namespace>#<Code>": the code as given when it already names one, else
 * the model's per-code or default namespace (x-mockaws-error-namespaces /
 * x-mockaws-error-namespace), else the bare code. New string (g_free). */
static char *error_type(const model *m, const char *code)
{
    if (strchr(code, '#'))
        return g_strdup(code);
    const char *ns = m ? model_error_namespace(m, code) : NULL;
    if (!ns && m)
        ns = m->error_namespace;
    if (!ns || !*ns)
        return g_strdup(code);
    size_t len = strlen(ns);
    return g_strdup_printf("%s%s%s", ns, ns[len - 1] == '#' ? "" : "#", code);
}

static void json_serialize_error(const model *m, const char *op, const aws_error *err,
                                 const char *request_id, http_response *resp)
{
    const char *code = err->code ? err->code : "InternalFailure";
    /* the bare code names the shape; a namespaced one ends in it */
    const char *hash = strrchr(code, '#');
    const mshape *shape = m ? model_find_error(m, hash ? hash + 1 : code) : NULL;
    json_t *doc = NULL;
    if (err->fields && json_is_object(err->fields))
        doc = shape ? write_value(NULL, shape, err->fields) : json_deep_copy(err->fields);
    if (!json_is_object(doc)) {
        json_decref(doc);
        doc = json_object();
    }
    /* the envelope's own keys win over same-named shape members */
    json_object_del(doc, "Message");
    json_object_del(doc, "message");
    char *type = error_type(m, code);
    json_object_set_new(doc, "__type", json_string(type));
    g_free(type);
    if (err->message) {
        /* Coral writes the message under the error shape's own member name:
         * DynamoDB's TransactionCanceledException says "Message", most
         * others "message" */
        const char *key = mshape_member(shape, "Message") && !mshape_member(shape, "message")
                              ? "Message"
                              : "message";
        json_object_set_new(doc, key, json_string(err->message));
    }

    if (!set_body(resp, doc)) {
        /* only a non-UTF-8 field can get here: fall back to the envelope */
        json_t *bare = json_object();
        char *t = error_type(m, code);
        json_object_set_new(bare, "__type", json_string(t));
        g_free(t);
        set_body(resp, bare);
    }
    resp->status = err->status ? err->status : (err->sender == 0 ? 500 : 400);
    http_response_set_header(resp, "Content-Type", JSON_CONTENT_TYPE);
}

/* botocore's reading of an error code: "ns#Code:uri" -> "Code". New string. */
static char *clean_code(const char *raw)
{
    const char *colon = strchr(raw, ':');
    char *code = colon ? g_strndup(raw, (gsize)(colon - raw)) : g_strdup(raw);
    const char *hash = strrchr(code, '#');
    if (hash) {
        char *bare = g_strdup(hash + 1);
        g_free(code);
        code = bare;
    }
    return code;
}

static int json_parse_response(const model *m, const char *op, const http_response *resp,
                               json_t **output, aws_error *err)
{
    *output = NULL;
    size_t len;
    const char *body = http_response_body(resp, &len);
    json_t *doc = NULL;
    bool garbled = false;
    if (len) {
        doc = json_loadb(body, len, JSON_DECODE_ANY, NULL);
        garbled = !doc;
    }
    if (!json_is_object(doc)) {
        json_decref(doc);
        doc = json_object();
    }
    int status = resp->status ? resp->status : 200;

    if (status < 300) {
        if (garbled) {
            json_decref(doc);
            aws_error_set_status(err, status, "SerializationException",
                                 "response body is not JSON");
            return -1;
        }
        const mshape *shape = mop_output(model_find_op(m, op));
        reader r = {err, false};
        *output = shape ? read_value(&r, shape, doc) : json_object();
        json_decref(doc);
        return 0;
    }

    /* the header first, then the body's __type, then code / Code */
    const char *raw = http_response_header(resp, "x-amzn-errortype");
    if (!raw)
        raw = json_string_value(json_object_get(doc, "__type"));
    if (!raw)
        raw = json_string_value(json_object_get(doc, "code"));
    if (!raw)
        raw = json_string_value(json_object_get(doc, "Code"));
    char *code = raw ? clean_code(raw) : g_strdup_printf("%d", status);

    const char *msg = json_string_value(json_object_get(doc, "message"));
    if (!msg)
        msg = json_string_value(json_object_get(doc, "Message"));
    char *garbled_msg = garbled ? g_strndup(body, len) : NULL;

    aws_error_clear(err);
    err->code = code;
    err->message = g_strdup(msg ? msg : garbled_msg ? garbled_msg : "");
    err->status = status;
    err->sender = status < 500;
    g_free(garbled_msg);

    const mshape *shape = model_find_error(m, code);
    if (shape) {
        reader r = {err, false};
        json_t *fields = read_value(&r, shape, doc);
        json_object_del(fields, "Message");
        json_object_del(fields, "message");
        if (json_object_size(fields) > 0)
            err->fields = fields;
        else
            json_decref(fields);
    }
    json_decref(doc);
    return -1;
}

const wire_protocol wire_json = {
    .name = "json",
    .operation_name = json_operation_name,
    .parse_request = json_parse_request,
    .serialize_output = json_serialize_output,
    .serialize_error = json_serialize_error,
    .parse_response = json_parse_response,
    .finish_response = wire_amzn_request_id,
};
