/* wire_json: the AWS JSON 1.0 protocol (DynamoDB).
 *
 * The operation comes from `X-Amz-Target: <targetPrefix>.<Operation>`, the
 * input and output are JSON bodies shaped by the model (members under their
 * locationName, blobs base64, timestamps epoch seconds unless a
 * timestampFormat says otherwise), errors are
 * `{"__type": "<namespace>#<Code>", "message": "..."}` plus the error
 * shape's members ("Message" for SerializationException; no message at
 * all for an aws_error marked bare). Request ids are 52 characters of
 * [0-9A-Z].
 *
 * One walker converts wire JSON into a tree (requests on the server side,
 * responses on the client side) and one converts a tree into wire JSON. The
 * server side is strict about types (Coral answers SerializationException);
 * the client side is as lenient as botocore, which takes what it gets. */
#include "wire.h"

#include <glib.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "timefmt.h"

#define JSON_CONTENT_TYPE "application/x-amz-json-1.0"
#define CORAL_SERVICE_NS "com.amazon.coral.service#"

/* ---- errors ---- */

/* SerializationException: the words of Coral's JSON reader, the only ones
 * a request that does not parse into its shapes gets (AWS-FACTS.md,
 * "DynamoDB front end and wording"). A body that is not JSON at all gets
 * the bare __type, never the JSON library's own text. One row per message,
 * with what triggers it. */
typedef enum ser_msg {
    SER_BARE,           /* an empty body, or one that is not JSON */
    SER_CANNOT_CONVERT, /* a scalar of the wrong kind for a string, boolean
                           or number: "<TOKEN> cannot be converted to <Type>" */
    SER_BAD_BOOLEAN,    /* a string that is none of true/false/yes/no/1/0 for a boolean */
    SER_OBJECT,         /* an object where a scalar or a list goes */
    SER_ARRAY,          /* an array where a scalar, structure or map goes:
                           "Unrecognized collection type <Java type>" */
    SER_FIELD_TYPE,     /* a scalar where a list, a map or a structure
                           member of a structure goes */
    SER_VALUE_TYPE,     /* a scalar where a structure that is a list
                           element or a map value goes */
    SER_BLOB_TYPE,      /* a number or boolean where base64 goes */
    SER_BLOB_LENGTH,    /* base64 whose length is not a multiple of 4 */
    SER_BLOB_LAST,      /* base64 whose last digit before the padding has
                           bits the padding drops ("+/+=", "=+/="); the
                           service's own spelling */
    SER_BLOB_DIGIT,     /* base64 with a byte that is no base64 digit */
    SER_INT_RANGE,      /* an integer outside a 32-bit shape's range */
} ser_msg;

static const char *const SER_MESSAGES[] = {
    [SER_BARE] = NULL,
    [SER_CANNOT_CONVERT] = "%s cannot be converted to %s",
    [SER_BAD_BOOLEAN] = "Unexpected token received from parser",
    [SER_OBJECT] = "Start of structure or map found where not expected",
    [SER_ARRAY] = "Unrecognized collection type %s",
    [SER_FIELD_TYPE] = "Unexpected field type",
    [SER_VALUE_TYPE] = "Unexpected value type in payload",
    [SER_BLOB_TYPE] = "only base-64-encoded strings are convertible to bytes",
    [SER_BLOB_LENGTH] = "Base64 encoded length is expected a multiple of 4 bytes but found: %zu",
    [SER_BLOB_LAST] = "Invalid last non-pad Base64 character dectected",
    [SER_BLOB_DIGIT] = "Invalid Base64 character",
    [SER_INT_RANGE] = "Numeric value (%lld) out of range of int",
};

static int serialization_error(aws_error *err, ser_msg which, ...)
{
    const char *fmt = SER_MESSAGES[which];
    if (!fmt) {
        aws_error_set_status(err, 400, "SerializationException", NULL);
        err->bare = true;
    } else {
        va_list ap;
        va_start(ap, which);
        char *msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        aws_error_set_status(err, 400, "SerializationException", "%s", msg);
        g_free(msg);
    }
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
    case JSON_INTEGER: return "NUMBER_VALUE";
    case JSON_REAL: return "DECIMAL_VALUE";
    case JSON_TRUE: return "TRUE_VALUE";
    case JSON_FALSE: return "FALSE_VALUE";
    case JSON_NULL: return "NULL_VALUE";
    }
    return "VALUE";
}

/* The type Coral's reader converts a scalar shape to. */
static const char *scalar_type(mkind kind)
{
    switch (kind) {
    case MK_STRING: return "String";
    case MK_INTEGER: return "Integer";
    case MK_LONG: return "Long";
    case MK_BOOLEAN: return "Boolean";
    case MK_FLOAT: return "Float";
    case MK_DOUBLE: return "Double";
    case MK_TIMESTAMP: return "Date";
    default: return "Object";
    }
}

/* The shape a list's member or a map's value refers to (NULL when the
 * model gives none). */
static const mshape *ref_shape(const mmember *ref) { return ref ? ref->shape : NULL; }

typedef struct reader {
    const model *m;
    aws_error *err;
    bool strict; /* server side: type errors are SerializationException */
} reader;

/* The Java type the service names when an array comes where shape goes:
 * "class java.lang.String", "class <package>.<Shape>", "java.util.Map<...>".
 * The package is the model's error namespace (DynamoDB's
 * com.amazonaws.dynamodb.v20120810). New string. */
static char *java_type(const reader *r, const mshape *shape, bool top)
{
    const char *prefix = top ? "class " : "";
    switch ((mkind)(shape ? shape->kind : MK_STRING)) {
    case MK_STRUCTURE: {
        const char *ns = r->m && r->m->error_namespace ? r->m->error_namespace : "";
        size_t nslen = strcspn(ns, "#");
        return g_strdup_printf("%s%.*s%s%s", prefix, (int)nslen, ns, nslen ? "." : "", shape->name);
    }
    case MK_MAP: {
        char *value = java_type(r, ref_shape(shape->value), false);
        char *out = g_strdup_printf("java.util.Map<java.lang.String, %s>", value);
        g_free(value);
        return out;
    }
    case MK_LIST: return g_strdup("java.util.List");
    case MK_BLOB: return g_strdup_printf("%sjava.nio.ByteBuffer", prefix);
    case MK_TIMESTAMP: return g_strdup_printf("%sjava.util.Date", prefix);
    default: return g_strdup_printf("%sjava.lang.%s", prefix, scalar_type((mkind)shape->kind));
    }
}

/* A value of the wrong JSON type for its shape, worded as Coral words it.
 * element: the value is a list element or a map value. */
static int type_error(reader *r, const mshape *shape, json_t *v, bool element)
{
    mkind kind = (mkind)shape->kind;
    if (json_is_array(v)) {
        char *type = java_type(r, shape, true);
        serialization_error(r->err, SER_ARRAY, type);
        g_free(type);
        return -1;
    }
    switch (kind) {
    case MK_STRUCTURE:
        return serialization_error(r->err, element ? SER_VALUE_TYPE : SER_FIELD_TYPE);
    case MK_LIST:
    case MK_MAP:
        return json_is_object(v) && kind == MK_LIST ? serialization_error(r->err, SER_OBJECT)
                                                    : serialization_error(r->err, SER_FIELD_TYPE);
    default:
        break;
    }
    if (json_is_object(v))
        return serialization_error(r->err, SER_OBJECT);
    if (kind == MK_BLOB)
        return serialization_error(r->err, SER_BLOB_TYPE);
    if (kind == MK_BOOLEAN && json_is_string(v))
        return serialization_error(r->err, SER_BAD_BOOLEAN);
    return serialization_error(r->err, SER_CANNOT_CONVERT, token_name(v), scalar_type(kind));
}

/* ---- base64 ---- */

static int base64_digit(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* g_base64_decode skips what is not base64 and ignores the bits padding
 * drops, so "+/+=" would decode to bytes that re-encode as "+/8=": the
 * service refuses what is not canonical base64 instead. */
static bool base64_check(reader *r, const char *s, size_t len)
{
    if (len % 4 != 0) {
        serialization_error(r->err, SER_BLOB_LENGTH, len);
        return false;
    }
    size_t pad = 0;
    while (pad < 2 && pad < len && s[len - 1 - pad] == '=')
        pad++;
    for (size_t i = 0; i < len - pad; i++) {
        if (base64_digit(s[i]) < 0) {
            serialization_error(r->err, s[i] == '=' ? SER_BLOB_LAST : SER_BLOB_DIGIT);
            return false;
        }
    }
    /* the last digit's low bits that padding drops must be zero */
    int last = len > pad ? base64_digit(s[len - pad - 1]) : 0;
    if ((pad == 1 && (last & 3)) || (pad == 2 && (last & 15))) {
        serialization_error(r->err, SER_BLOB_LAST);
        return false;
    }
    return true;
}

/* New reference: a string holding the decoded bytes, or NULL (err set). */
static json_t *base64_to_tree(reader *r, const char *s, size_t len)
{
    if (r->strict && !base64_check(r, s, len))
        return NULL;
    char *copy = g_strndup(s, len);
    gsize n = 0;
    guchar *raw = g_base64_decode(copy, &n);
    g_free(copy);
    json_t *out = json_stringn_nocheck((const char *)raw, n);
    g_free(raw);
    return out;
}

/* Coral's reader takes a boolean written as a string: true/yes/1 and
 * false/no/0, in any case. -1 when s is none of them. */
static int boolean_word(const char *s, size_t len)
{
    static const char *const words[] = {"true", "yes", "1", "false", "no", "0"};
    for (size_t i = 0; i < G_N_ELEMENTS(words); i++)
        if (strlen(words[i]) == len && g_ascii_strncasecmp(words[i], s, len) == 0)
            return i < 3;
    return -1;
}

/* ---- wire JSON -> tree ---- */

static json_t *read_value(reader *r, const mshape *shape, json_t *v, bool element);

static json_t *read_structure(reader *r, const mshape *shape, json_t *v, bool element)
{
    if (!json_is_object(v)) {
        if (r->strict)
            type_error(r, shape, v, element);
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
        json_t *val = read_value(r, ref->shape, raw, false);
        if (!val) {
            json_decref(out);
            return NULL;
        }
        json_object_set_new(out, ref->name, val);
    }
    return out;
}

static json_t *read_list(reader *r, const mshape *shape, json_t *v, bool element)
{
    if (!json_is_array(v)) {
        if (r->strict)
            type_error(r, shape, v, element);
        return r->strict ? NULL : json_array();
    }
    const mshape *mshp = ref_shape(shape->member);
    json_t *out = json_array();
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        json_t *val = json_is_null(item) ? json_null() : read_value(r, mshp, item, true);
        if (!val) {
            json_decref(out);
            return NULL;
        }
        json_array_append_new(out, val);
    }
    return out;
}

static json_t *read_map(reader *r, const mshape *shape, json_t *v, bool element)
{
    if (!json_is_object(v)) {
        if (r->strict)
            type_error(r, shape, v, element);
        return r->strict ? NULL : json_object();
    }
    const mshape *vshape = ref_shape(shape->value);
    json_t *out = json_object();
    const char *key;
    size_t klen;
    json_t *item;
    void *tmp;
    json_object_keylen_foreach_safe(v, tmp, key, klen, item) {
        json_t *val = json_is_null(item) ? json_null() : read_value(r, vshape, item, true);
        if (!val) {
            json_decref(out);
            return NULL;
        }
        json_object_setn_new_nocheck(out, key, klen, val);
    }
    return out;
}

static json_t *read_scalar_error(reader *r, const mshape *shape, json_t *v, bool element)
{
    if (r->strict) {
        type_error(r, shape, v, element);
        return NULL;
    }
    return json_deep_copy(v);
}

static json_t *read_value(reader *r, const mshape *shape, json_t *v, bool element)
{
    if (!shape)
        return json_deep_copy(v); /* a model without the shape: keep what came */
    if (shape->t.flags & MF_DOCUMENT)
        return json_deep_copy(v);
    mkind kind = (mkind)shape->kind;
    switch (kind) {
    case MK_STRUCTURE:
        return read_structure(r, shape, v, element);
    case MK_LIST:
        return read_list(r, shape, v, element);
    case MK_MAP:
        return read_map(r, shape, v, element);
    case MK_STRING:
        if (!json_is_string(v))
            return read_scalar_error(r, shape, v, element);
        return json_incref(v);
    case MK_BLOB:
        if (!json_is_string(v))
            return read_scalar_error(r, shape, v, element);
        return base64_to_tree(r, json_string_value(v), json_string_length(v));
    case MK_BOOLEAN:
        if (json_is_string(v) && r->strict) {
            int b = boolean_word(json_string_value(v), json_string_length(v));
            if (b >= 0)
                return json_boolean(b);
        }
        if (!json_is_boolean(v))
            return read_scalar_error(r, shape, v, element);
        return json_incref(v);
    case MK_INTEGER:
    case MK_LONG: {
        json_int_t n;
        if (json_is_integer(v)) {
            n = json_integer_value(v);
        } else if (json_is_real(v) && fabs(json_real_value(v)) < 9.2e18) {
            /* Coral's reader truncates a decimal where an integer goes */
            n = (json_int_t)trunc(json_real_value(v));
        } else {
            return read_scalar_error(r, shape, v, element);
        }
        if (r->strict && kind == MK_INTEGER && (n < INT32_MIN || n > INT32_MAX)) {
            serialization_error(r->err, SER_INT_RANGE, (long long)n);
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
        return read_scalar_error(r, shape, v, element);
    case MK_TIMESTAMP: {
        if (json_is_integer(v))
            return json_incref(v);
        if (json_is_real(v))
            return json_real(json_real_value(v));
        double epoch;
        if (json_is_string(v) && timefmt_parse(json_string_value(v), &epoch))
            return epoch == floor(epoch) && fabs(epoch) < 9.2e18 ? json_integer((json_int_t)epoch)
                                                                  : json_real(epoch);
        return read_scalar_error(r, shape, v, element);
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
    /* 16 significant digits: a millisecond timestamp is written as the
     * services write it (1796620200.216), not as the 17-digit expansion of
     * the double nearest to it (1796620200.2160001) */
    int rc = json_dump_callback(doc, append_text, resp->body,
                                JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(16));
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
    if (n == 0) {
        /* Coral reads no input from an empty body: not even {} */
        return serialization_error(err, SER_BARE);
    }
    /* JSON_ALLOW_NUL: a string may hold U+0000 (DynamoDB stores it) */
    json_t *doc = json_loadb(body, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    if (!doc)
        return serialization_error(err, SER_BARE);
    reader r = {m, err, true};
    if (!json_is_object(doc)) {
        if (shape)
            type_error(&r, shape, doc, false);
        else
            serialization_error(err, SER_BARE);
        json_decref(doc);
        return -1;
    }
    if (!shape) {
        /* no input: whatever came is ignored, as unknown members are */
        json_decref(doc);
        *input = json_object();
        return 0;
    }
    *input = read_value(&r, shape, doc, false);
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
         * others "message"; its own SerializationException, in no model,
         * says "Message" */
        const char *key = (mshape_member(shape, "Message") && !mshape_member(shape, "message")) ||
                                  strcmp(hash ? hash + 1 : code, "SerializationException") == 0
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
    if (m && m->query_compatible) {
        /* awsQueryCompatible (SQS): the query-era code, which SDKs report
         * instead of __type's, and the fault; the code is the error
         * shape's "error"."code", else the bare code (AWS-FACTS.md, "SQS") */
        const char *qcode = shape && shape->error_code ? shape->error_code : hash ? hash + 1 : code;
        bool sender = err->sender == 1 || (err->sender == -1 && resp->status < 500);
        char *qe = g_strdup_printf("%s;%s", qcode, sender ? "Sender" : "Receiver");
        http_response_set_header(resp, "x-amzn-query-error", qe);
        g_free(qe);
    }
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
        reader r = {m, err, false};
        *output = shape ? read_value(&r, shape, doc, false) : json_object();
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
        reader r = {m, err, false};
        json_t *fields = read_value(&r, shape, doc, false);
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
    .reqid_style = WIRE_REQID_BASE32_52,
    .operation_name = json_operation_name,
    .parse_request = json_parse_request,
    .serialize_output = json_serialize_output,
    .serialize_error = json_serialize_error,
    .parse_response = json_parse_response,
    .finish_response = wire_amzn_request_id,
};
