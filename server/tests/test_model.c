/* The typed model (wire/model.h): model_compile on a small model, the
 * models it refuses, and the tables compiled into the library
 * (tools/modelgen.c) checked against model_compile of their JSON sources. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <glib.h>
#include <string.h>

#include "core/embedded.h"
#include "wire/errcat.h"
#include "wire/model.h"

static model *compile(const char *text)
{
    char err[256] = "";
    model *m = model_load(text, strlen(text), err, sizeof err);
    if (!m)
        fail_msg("model_load: %s", err);
    return m;
}

/* Operations out of order, one of them only in x-mockaws-all-operations;
 * every kind; traits on references and on shapes; a structure that holds a
 * list of itself. */
static const char *SMALL =
    "{\"metadata\": {\"protocol\": \"rest-xml\", \"apiVersion\": \"2020-01-01\","
    "   \"xmlNamespace\": \"http://example.com/doc/\", \"x-mockaws-error-namespace\": \"ns#\","
    "   \"x-mockaws-error-namespaces\": {\"Zed\": \"z#\", \"Abc\": \"a#\"},"
    "   \"x-mockaws-all-operations\": [\"PutThing\", \"GetThing\", \"DeleteThing\"]},"
    " \"x-mockaws-source\": \"hand-written\","
    " \"operations\": {"
    "  \"PutThing\": {\"http\": {\"method\": \"PUT\", \"requestUri\": \"/{Name}\", \"responseCode\": 201},"
    "    \"input\": {\"shape\": \"PutThingRequest\", \"locationName\": \"PutThingRequest\","
    "      \"xmlNamespace\": {\"uri\": \"http://example.com/in/\"}},"
    "    \"output\": {\"shape\": \"Node\", \"resultWrapper\": \"PutThingResult\"},"
    "    \"httpChecksum\": {\"requestAlgorithmMember\": \"Algo\", \"requestChecksumRequired\": true}},"
    "  \"GetThing\": {\"http\": {\"method\": \"GET\", \"requestUri\": \"/{Name}?thing\"},"
    "    \"input\": {\"shape\": \"PutThingRequest\"}, \"deprecated\": true,"
    "    \"endpoint\": {\"hostPrefix\": \"{Name}.\"}}},"
    " \"shapes\": {"
    "  \"PutThingRequest\": {\"type\": \"structure\", \"required\": [\"Name\", \"When\"], \"payload\": \"Body\","
    "    \"members\": {"
    "     \"Name\": {\"shape\": \"Name\", \"location\": \"uri\", \"locationName\": \"Name\"},"
    "     \"When\": {\"shape\": \"When\", \"location\": \"header\", \"locationName\": \"x-when\","
    "       \"timestampFormat\": \"unixTimestamp\"},"
    "     \"Later\": {\"shape\": \"When\"},"
    "     \"Meta\": {\"shape\": \"Meta\", \"location\": \"headers\", \"locationName\": \"x-meta-\"},"
    "     \"Count\": {\"shape\": \"Count\", \"location\": \"querystring\", \"locationName\": \"count\"},"
    "     \"Algo\": {\"shape\": \"Name\", \"location\": \"header\", \"locationName\": \"x-algo\"},"
    "     \"Status\": {\"shape\": \"Count\", \"location\": \"statusCode\"},"
    "     \"Id\": {\"shape\": \"Name\", \"xmlAttribute\": true, \"locationName\": \"id\","
    "       \"xmlNamespace\": {\"prefix\": \"xsi\", \"uri\": \"http://www.w3.org/2001/XMLSchema-instance\"}},"
    "     \"Body\": {\"shape\": \"Node\", \"locationName\": \"Node\", \"queryName\": \"TheNode\"}}},"
    "  \"Node\": {\"type\": \"structure\", \"locationName\": \"NodeOnShape\", \"xmlNamespace\": \"http://example.com/node/\","
    "    \"members\": {\"Children\": {\"shape\": \"NodeList\"}, \"Value\": {\"shape\": \"Blob\"}}},"
    "  \"NodeList\": {\"type\": \"list\", \"member\": {\"shape\": \"Node\", \"locationName\": \"Child\"},"
    "    \"flattened\": true, \"min\": 1, \"max\": 10},"
    "  \"Meta\": {\"type\": \"map\", \"key\": {\"shape\": \"Name\"}, \"value\": {\"shape\": \"Name\"}},"
    "  \"Name\": {\"type\": \"string\", \"min\": 3, \"max\": 63, \"pattern\": \"^[a-z0-9.-]+$\", \"sensitive\": true},"
    "  \"Untyped\": {\"enum\": [\"on\", \"off\"]},"
    "  \"When\": {\"type\": \"timestamp\", \"timestampFormat\": \"iso8601\"},"
    "  \"Count\": {\"type\": \"integer\", \"min\": -5, \"max\": 2147483647, \"box\": true},"
    "  \"Blob\": {\"type\": \"blob\", \"streaming\": true, \"requiresLength\": true},"
    "  \"Flag\": {\"type\": \"boolean\"}, \"Tiny\": {\"type\": \"byte\"}, \"Small\": {\"type\": \"short\"},"
    "  \"Big\": {\"type\": \"long\"}, \"Ratio\": {\"type\": \"float\"}, \"Exact\": {\"type\": \"double\"},"
    "  \"Huge\": {\"type\": \"bigInteger\"}, \"Dec\": {\"type\": \"bigdecimal\"},"
    "  \"Throttled\": {\"type\": \"structure\", \"members\": {}, \"exception\": true,"
    "    \"error\": {\"code\": \"Throttling\", \"httpStatusCode\": 400, \"senderFault\": true}},"
    "  \"Broken\": {\"type\": \"structure\", \"members\": {}, \"exception\": true, \"fault\": true},"
    "  \"Busy\": {\"type\": \"structure\", \"members\": {}, \"exception\": true,"
    "    \"error\": {\"code\": \"Broken\", \"httpStatusCode\": 503, \"senderFault\": false}}"
    "}}";

static void kinds_and_traits(void **st)
{
    model *m = compile(SMALL);
    assert_string_equal(m->protocol, "rest-xml");
    assert_string_equal(m->api_version, "2020-01-01");
    assert_string_equal(m->xml_namespace, "http://example.com/doc/");
    assert_string_equal(m->source, "hand-written");
    assert_null(m->target_prefix);

    static const struct {
        const char *shape;
        mkind kind;
    } kinds[] = {
        {"PutThingRequest", MK_STRUCTURE}, {"NodeList", MK_LIST},  {"Meta", MK_MAP},
        {"Name", MK_STRING},               {"Untyped", MK_STRING}, {"When", MK_TIMESTAMP},
        {"Count", MK_INTEGER},             {"Blob", MK_BLOB},      {"Flag", MK_BOOLEAN},
        {"Tiny", MK_BYTE},                 {"Small", MK_SHORT},    {"Big", MK_LONG},
        {"Ratio", MK_FLOAT},               {"Exact", MK_DOUBLE},   {"Huge", MK_BIGINTEGER},
        {"Dec", MK_BIGDECIMAL},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++) {
        const mshape *s = model_find_shape(m, kinds[i].shape);
        if (!s)
            fail_msg("no shape %s", kinds[i].shape);
        assert_string_equal(s->name, kinds[i].shape);
        if (s->kind != kinds[i].kind)
            fail_msg("%s: kind %s, want %s", kinds[i].shape, mkind_name(s->kind), mkind_name(kinds[i].kind));
        assert_true(mshape_is(s, kinds[i].kind));
    }
    assert_null(model_find_shape(m, "Nope"));
    assert_null(model_find_shape(m, NULL));
    /* shapes are sorted by name for bsearch */
    for (uint32_t i = 1; i < m->nshapes; i++)
        assert_true(strcmp(m->shapes[i - 1].name, m->shapes[i].name) < 0);

    const mshape *req = model_find_shape(m, "PutThingRequest");
    assert_int_equal(req->nmembers, 9);
    /* members keep the model's order, which is the wire's */
    assert_string_equal(req->members[0].name, "Name");
    assert_string_equal(req->members[8].name, "Body");
    assert_ptr_equal(req->payload, mshape_member(req, "Body"));
    assert_null(mshape_member(req, "Missing"));
    assert_null(mshape_member(req, NULL));
    assert_int_equal(req->nrequired, 2);
    assert_string_equal(req->required[0], "Name");
    assert_string_equal(req->required[1], "When");
    assert_true(mshape_member(req, "Name")->t.flags & MF_REQUIRED);
    assert_true(mshape_member(req, "When")->t.flags & MF_REQUIRED);
    assert_false(mshape_member(req, "Later")->t.flags & MF_REQUIRED);

    /* locations */
    static const struct {
        const char *member;
        mlocation loc;
    } locs[] = {{"Name", ML_URI},         {"When", ML_HEADER},         {"Later", ML_BODY},
                {"Meta", ML_HEADERS},     {"Count", ML_QUERYSTRING}, {"Status", ML_STATUSCODE}};
    for (size_t i = 0; i < G_N_ELEMENTS(locs); i++)
        assert_int_equal(mshape_member(req, locs[i].member)->location, locs[i].loc);

    /* timestampFormat: the reference's, else the shape's */
    const mmember *when = mshape_member(req, "When"), *later = mshape_member(req, "Later");
    assert_int_equal(when->t.ts_format, MTS_UNIX);
    assert_int_equal(mmember_ts_format(when), MTS_UNIX);
    assert_int_equal(later->t.ts_format, MTS_NONE);
    assert_int_equal(mmember_ts_format(later), MTS_ISO8601);

    /* locationName, queryName, xmlNamespace: the reference's, else the shape's */
    const mmember *body = mshape_member(req, "Body");
    assert_string_equal(mmember_location_name(body), "Node");
    assert_string_equal(mmember_query_name(body), "TheNode");
    const char *prefix = "unset";
    assert_string_equal(mmember_xmlns(body, &prefix), "http://example.com/node/");
    assert_null(prefix);
    assert_null(body->t.xmlns_uri);
    const mmember *id = mshape_member(req, "Id");
    assert_string_equal(mmember_xmlns(id, &prefix), "http://www.w3.org/2001/XMLSchema-instance");
    assert_string_equal(prefix, "xsi");
    assert_true(mmember_flag(id, MF_XML_ATTRIBUTE));
    assert_null(mmember_xmlns(later, NULL));
    const mmember *children = mshape_member(body->shape, "Children");
    assert_null(children->t.location_name);
    assert_null(mmember_location_name(children));
    assert_string_equal(model_find_shape(m, "Node")->t.location_name, "NodeOnShape");

    /* flags: the reference's or the shape's */
    assert_true(mmember_flag(mshape_member(req, "Name"), MF_SENSITIVE));
    assert_false(mshape_member(req, "Name")->t.flags & MF_SENSITIVE);
    assert_true(mmember_flag(children, MF_FLATTENED));
    assert_true(mmember_flag(mshape_member(body->shape, "Value"), MF_STREAMING | MF_REQUIRES_LENGTH));
    assert_true(model_find_shape(m, "Count")->t.flags & MF_BOX);
    assert_false(mmember_flag(later, MF_FLATTENED));

    /* recursion: Node holds a list of Node */
    const mshape *node = model_find_shape(m, "Node");
    const mshape *list = model_find_shape(m, "NodeList");
    assert_ptr_equal(mshape_member(node, "Children")->shape, list);
    assert_ptr_equal(list->member->shape, node);
    assert_null(list->member->name);
    assert_string_equal(list->member->t.location_name, "Child");
    const mshape *meta = model_find_shape(m, "Meta");
    assert_ptr_equal(meta->key->shape, model_find_shape(m, "Name"));
    assert_ptr_equal(meta->value->shape, model_find_shape(m, "Name"));
    assert_null(node->member);
    assert_null(list->key);

    /* limits and enums */
    const mshape *name = model_find_shape(m, "Name");
    assert_true(name->t.flags & MF_HAS_MIN);
    assert_true(name->t.flags & MF_HAS_MAX);
    assert_true(name->min == 3 && name->max == 63);
    assert_string_equal(name->pattern, "^[a-z0-9.-]+$");
    const mshape *count = model_find_shape(m, "Count");
    assert_true(count->min == -5 && count->max == 2147483647.0);
    assert_int_equal(list->min, 1);
    assert_false(model_find_shape(m, "Flag")->t.flags & (MF_HAS_MIN | MF_HAS_MAX));
    const mshape *untyped = model_find_shape(m, "Untyped");
    assert_int_equal(untyped->nenums, 2);
    assert_string_equal(untyped->enums[0], "on");
    assert_string_equal(untyped->enums[1], "off");
    assert_int_equal(name->nenums, 0);

    model_free(m);
}

static void operations(void **st)
{
    model *m = compile(SMALL);
    /* the two modeled operations and the one only listed as AWS's */
    assert_int_equal(m->nops, 3);
    assert_string_equal(m->ops[0].name, "DeleteThing");
    assert_string_equal(m->ops[1].name, "GetThing");
    assert_string_equal(m->ops[2].name, "PutThing");
    for (uint32_t i = 0; i < m->nops; i++)
        assert_ptr_equal(model_find_op(m, m->ops[i].name), &m->ops[i]);
    assert_null(model_find_op(m, "Nope"));
    assert_null(model_find_op(m, "putthing"));
    assert_null(model_find_op(m, NULL));

    const mop *del = model_find_op(m, "DeleteThing");
    assert_int_equal(del->flags, MF_TRIMMED);
    assert_null(del->input);
    assert_null(del->http_method);

    const mop *put = model_find_op(m, "PutThing");
    assert_string_equal(put->http_method, "PUT");
    assert_string_equal(put->request_uri, "/{Name}");
    assert_int_equal(put->response_code, 201);
    assert_ptr_equal(put->input->shape, model_find_shape(m, "PutThingRequest"));
    assert_null(put->input->name);
    assert_string_equal(put->input->t.location_name, "PutThingRequest");
    assert_string_equal(put->input->t.xmlns_uri, "http://example.com/in/");
    assert_ptr_equal(put->output->shape, model_find_shape(m, "Node"));
    assert_string_equal(put->result_wrapper, "PutThingResult");
    assert_string_equal(put->checksum_member, "Algo");
    assert_int_equal(put->flags, MF_CHECKSUM_REQUIRED);

    const mop *get = model_find_op(m, "GetThing");
    assert_int_equal(get->response_code, 0);
    assert_null(get->output);
    assert_null(get->result_wrapper);
    assert_string_equal(get->host_prefix, "{Name}.");
    assert_int_equal(get->flags, MF_DEPRECATED);
    model_free(m);
}

static void errors(void **st)
{
    model *m = compile(SMALL);
    /* by "error"."code" */
    const mshape *t = model_find_error(m, "Throttling");
    assert_non_null(t);
    assert_string_equal(t->name, "Throttled");
    assert_string_equal(t->error_code, "Throttling");
    assert_int_equal(t->error_status, 400);
    assert_true(t->t.flags & MF_SENDER_FAULT);
    assert_false(t->t.flags & MF_RECEIVER_FAULT);
    /* and by the exception's name, since no shape has that code */
    assert_ptr_equal(model_find_error(m, "Throttled"), t);
    /* a code wins over an exception shape of that name */
    const mshape *b = model_find_error(m, "Broken");
    assert_string_equal(b->name, "Busy");
    assert_int_equal(b->error_status, 503);
    assert_true(b->t.flags & MF_RECEIVER_FAULT);
    assert_false(b->t.flags & MF_SENDER_FAULT);
    assert_true(model_find_shape(m, "Broken")->t.flags & MF_FAULT);
    assert_int_equal(model_find_shape(m, "Broken")->error_status, 0);
    /* not an exception, not an error */
    assert_null(model_find_error(m, "Node"));
    assert_null(model_find_error(m, NULL));
    assert_int_equal(m->nerrors, 4); /* the codes Broken, Throttling; the names Busy, Throttled */

    assert_string_equal(m->error_namespace, "ns#");
    assert_int_equal(m->nerror_namespaces, 2);
    assert_string_equal(m->error_namespaces[0].key, "Abc");
    assert_string_equal(model_error_namespace(m, "Zed"), "z#");
    assert_string_equal(model_error_namespace(m, "Abc"), "a#");
    assert_null(model_error_namespace(m, "Throttling"));
    assert_null(model_error_namespace(m, NULL));
    model_free(m);
}

static void rejects_malformed_models(void **st)
{
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"{", "line"},
        {"[]", "no \"shapes\""},
        {"{\"shapes\": []}", "no \"shapes\""},
        {"{\"shapes\": {\"A\": {\"type\": \"strin\"}}}", "unknown shape type in 'A'"},
        {"{\"shapes\": {\"A\": {\"type\": \"structure\", \"members\": {\"B\": {\"shape\": \"Gone\"}}}}}",
         "missing shape 'Gone'"},
        {"{\"shapes\": {\"A\": {\"type\": \"structure\", \"members\": {\"B\": {}}}}}", "missing shape"},
        {"{\"shapes\": {\"A\": {\"type\": \"list\", \"member\": {\"shape\": \"Gone\"}}}}", "missing shape 'Gone'"},
        {"{\"shapes\": {\"A\": {\"type\": \"timestamp\", \"timestampFormat\": \"epoch\"}}}",
         "unknown timestampFormat 'epoch'"},
        {"{\"shapes\": {\"A\": {\"type\": \"structure\", \"members\": {\"B\": {\"shape\": \"S\","
         " \"timestampFormat\": \"rfc3339\"}}}, \"S\": {}}}",
         "unknown timestampFormat 'rfc3339'"},
        {"{\"shapes\": {\"A\": {\"type\": \"structure\", \"members\": {\"B\": {\"shape\": \"S\","
         " \"location\": \"cookie\"}}}, \"S\": {}}}",
         "unknown location 'cookie'"},
        {"{\"shapes\": {\"A\": {\"type\": \"structure\", \"payload\": \"C\", \"members\": {\"B\": {\"shape\": \"S\"}}},"
         " \"S\": {}}}",
         "payload names no member in 'A'"},
        {"{\"operations\": {\"Op\": {\"input\": {\"shape\": \"Gone\"}}}, \"shapes\": {}}", "missing shape 'Gone'"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        char err[256] = "";
        model *m = model_load(bad[i].text, strlen(bad[i].text), err, sizeof err);
        if (m)
            fail_msg("case %zu compiled", i);
        if (!strstr(err, bad[i].want))
            fail_msg("case %zu: error \"%s\" lacks \"%s\"", i, err, bad[i].want);
    }
    model_free(NULL);
}

/* ---- the compiled-in tables against their sources ---- */

#define MODELS_DIR MOCKAWS_SOURCE_DIR "/server/models"

/* Where a comparison failed, for the message. */
typedef struct walk {
    const char *svc;
    const model *a; /* compiled in */
    const model *b; /* model_compile of the JSON */
} walk;

static void same_str(const walk *w, const char *where, const char *field, const char *a, const char *b)
{
    if (g_strcmp0(a, b) != 0)
        fail_msg("%s: %s.%s: compiled in \"%s\", from JSON \"%s\"", w->svc, where, field, a ? a : "(null)",
                 b ? b : "(null)");
}

static void same_int(const walk *w, const char *where, const char *field, long long a, long long b)
{
    if (a != b)
        fail_msg("%s: %s.%s: compiled in %lld, from JSON %lld", w->svc, where, field, a, b);
}

/* The same shape: the same position in the sorted table of each. */
static void same_shape_ref(const walk *w, const char *where, const mshape *a, const mshape *b)
{
    if (!a || !b || a < w->a->shapes || a >= w->a->shapes + w->a->nshapes || b < w->b->shapes ||
        b >= w->b->shapes + w->b->nshapes)
        fail_msg("%s: %s: a shape pointer outside its model", w->svc, where);
    same_int(w, where, "shape", a - w->a->shapes, b - w->b->shapes);
}

static void same_traits(const walk *w, const char *where, const mtraits *a, const mtraits *b)
{
    same_str(w, where, "location_name", a->location_name, b->location_name);
    same_str(w, where, "query_name", a->query_name, b->query_name);
    same_str(w, where, "xmlns_uri", a->xmlns_uri, b->xmlns_uri);
    same_str(w, where, "xmlns_prefix", a->xmlns_prefix, b->xmlns_prefix);
    same_int(w, where, "flags", a->flags, b->flags);
    same_int(w, where, "ts_format", a->ts_format, b->ts_format);
}

static void same_member(const walk *w, const char *where, const mmember *a, const mmember *b)
{
    if (!a || !b) {
        if (a || b)
            fail_msg("%s: %s: present on one side only", w->svc, where);
        return;
    }
    same_str(w, where, "name", a->name, b->name);
    same_shape_ref(w, where, a->shape, b->shape);
    same_traits(w, where, &a->t, &b->t);
    same_int(w, where, "location", a->location, b->location);
}

static void same_strv(const walk *w, const char *where, const char *field, const char *const *a, uint32_t na,
                      const char *const *b, uint32_t nb)
{
    same_int(w, where, field, na, nb);
    for (uint32_t i = 0; i < na; i++)
        same_str(w, where, field, a[i], b[i]);
}

static void same_shape(const walk *w, const mshape *a, const mshape *b)
{
    const char *where = b->name;
    same_str(w, where, "name", a->name, b->name);
    same_int(w, where, "kind", a->kind, b->kind);
    same_traits(w, where, &a->t, &b->t);
    same_int(w, where, "nmembers", a->nmembers, b->nmembers);
    for (uint32_t i = 0; i < a->nmembers; i++) {
        char *at = g_strdup_printf("%s.%s", where, b->members[i].name);
        same_member(w, at, &a->members[i], &b->members[i]);
        g_free(at);
    }
    same_strv(w, where, "required", a->required, a->nrequired, b->required, b->nrequired);
    same_int(w, where, "payload", a->payload ? a->payload - a->members : -1, b->payload ? b->payload - b->members : -1);
    same_member(w, where, a->member, b->member);
    same_member(w, where, a->key, b->key);
    same_member(w, where, a->value, b->value);
    if (a->min != b->min || a->max != b->max)
        fail_msg("%s: %s: limits %.17g..%.17g, from JSON %.17g..%.17g", w->svc, where, a->min, a->max, b->min,
                 b->max);
    same_str(w, where, "pattern", a->pattern, b->pattern);
    same_strv(w, where, "enums", a->enums, a->nenums, b->enums, b->nenums);
    same_str(w, where, "error_code", a->error_code, b->error_code);
    same_int(w, where, "error_status", a->error_status, b->error_status);
}

static void same_op(const walk *w, const mop *a, const mop *b)
{
    const char *where = b->name;
    same_str(w, where, "name", a->name, b->name);
    same_str(w, where, "http_method", a->http_method, b->http_method);
    same_str(w, where, "request_uri", a->request_uri, b->request_uri);
    same_int(w, where, "response_code", a->response_code, b->response_code);
    same_member(w, where, a->input, b->input);
    same_member(w, where, a->output, b->output);
    same_str(w, where, "result_wrapper", a->result_wrapper, b->result_wrapper);
    same_str(w, where, "host_prefix", a->host_prefix, b->host_prefix);
    same_str(w, where, "checksum_member", a->checksum_member, b->checksum_member);
    same_int(w, where, "flags", a->flags, b->flags);
}

static void same_model(const walk *w)
{
    const model *a = w->a, *b = w->b;
    static const struct {
        const char *field;
        size_t off;
    } meta[] = {
        {"protocol", offsetof(model, protocol)},
        {"api_version", offsetof(model, api_version)},
        {"target_prefix", offsetof(model, target_prefix)},
        {"json_version", offsetof(model, json_version)},
        {"xml_namespace", offsetof(model, xml_namespace)},
        {"endpoint_prefix", offsetof(model, endpoint_prefix)},
        {"service_id", offsetof(model, service_id)},
        {"signing_name", offsetof(model, signing_name)},
        {"error_namespace", offsetof(model, error_namespace)},
        {"source", offsetof(model, source)},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(meta); i++)
        same_str(w, "metadata", meta[i].field, *(const char *const *)((const char *)a + meta[i].off),
                 *(const char *const *)((const char *)b + meta[i].off));
    same_int(w, "model", "query_compatible", a->query_compatible, b->query_compatible);
    same_int(w, "model", "nerror_namespaces", a->nerror_namespaces, b->nerror_namespaces);
    for (uint32_t i = 0; i < a->nerror_namespaces; i++) {
        same_str(w, "error_namespaces", "key", a->error_namespaces[i].key, b->error_namespaces[i].key);
        same_str(w, "error_namespaces", "value", a->error_namespaces[i].value, b->error_namespaces[i].value);
    }
    same_int(w, "model", "nshapes", a->nshapes, b->nshapes);
    for (uint32_t i = 0; i < a->nshapes; i++)
        same_shape(w, &a->shapes[i], &b->shapes[i]);
    same_int(w, "model", "nops", a->nops, b->nops);
    for (uint32_t i = 0; i < a->nops; i++)
        same_op(w, &a->ops[i], &b->ops[i]);
    same_int(w, "model", "nerrors", a->nerrors, b->nerrors);
    for (uint32_t i = 0; i < a->nerrors; i++) {
        same_str(w, "errors", "code", a->errors[i].code, b->errors[i].code);
        same_shape_ref(w, a->errors[i].code, a->errors[i].shape, b->errors[i].shape);
    }
    assert_null(a->heap);
}

static void same_errcat(const char *svc, const errcat *a, const errcat *b)
{
    if (a->nentries != b->nentries)
        fail_msg("%s: catalog of %zu entries, from JSON %zu", svc, a->nentries, b->nentries);
    for (size_t i = 0; i < a->nentries; i++) {
        const errcat_entry *x = &a->entries[i], *y = &b->entries[i];
        if (strcmp(x->code, y->code) != 0 || x->status != y->status || x->sender != y->sender ||
            g_strcmp0(x->message, y->message) != 0)
            fail_msg("%s: catalog entry %zu: %s %d/%d \"%s\", from JSON %s %d/%d \"%s\"", svc, i, x->code,
                     x->status, x->sender, x->message, y->code, y->status, y->sender, y->message);
        if (i && strcmp(a->entries[i - 1].code, x->code) >= 0)
            fail_msg("%s: catalog not sorted at %s", svc, x->code);
    }
    assert_null(a->heap);
}

static void compiled_in_equals_sources(void **st)
{
    GError *gerr = NULL;
    GDir *dir = g_dir_open(MODELS_DIR, 0, &gerr);
    if (!dir)
        fail_msg("%s", gerr->message);
    size_t nservices = 0;
    const char *f;
    while ((f = g_dir_read_name(dir))) {
        if (!g_str_has_suffix(f, ".json"))
            continue;
        char *svc = g_strndup(f, strlen(f) - 5);
        char *path = g_build_filename(MODELS_DIR, f, NULL);
        char *text = NULL;
        gsize len = 0;
        assert_true(g_file_get_contents(path, &text, &len, NULL));
        model *src = compile(text);
        g_free(text);
        const model *in = embedded_model(svc);
        if (!in)
            fail_msg("%s is not compiled in", path);
        same_model(&(walk){svc, in, src});
        model_free(src);
        g_free(path);

        path = g_strdup_printf("%s/errors/%s", MODELS_DIR, f);
        const errcat *cin = embedded_errcat(svc);
        if (g_file_get_contents(path, &text, &len, NULL)) {
            char err[256] = "";
            errcat *csrc = errcat_load(text, len, err, sizeof err);
            if (!csrc)
                fail_msg("%s: %s", path, err);
            if (!cin)
                fail_msg("%s is not compiled in", path);
            same_errcat(svc, cin, csrc);
            errcat_free(csrc);
            g_free(text);
        } else {
            assert_null(cin);
        }
        g_free(path);
        g_free(svc);
        nservices++;
    }
    g_dir_close(dir);
    assert_true(nservices >= 5);
    /* an empty table is no array: lookups in it find nothing (UBSan: no
       bsearch on NULL) */
    const model *ec2 = embedded_model("ec2");
    assert_int_equal(ec2->nerrors, 0);
    assert_null(model_find_error(ec2, "InvalidInstanceID.NotFound"));
    assert_int_equal(ec2->nerror_namespaces, 0);
    assert_null(model_error_namespace(ec2, "ValidationException"));
    assert_null(embedded_model("lambda"));
    assert_null(embedded_model(NULL));
    assert_null(embedded_errcat("lambda"));
}

/* server/tests/models/tricky.json, compiled by tools/modelgen.c with
 * --prefix test_models (CMakeLists.txt) */
const model *test_models_model(const char *service);
const errcat *test_models_errcat(const char *service);

#define TRICKY "a\"b\\c\?\?=d\?\?/e\?\?'f\001g\n\th\303\251" "123 %s %n \344\270\255\360\237\230\200 \?\? end?"

/* Strings a C literal must escape (quotes, backslashes, trigraphs, control
 * bytes, UTF-8, a digit after an escaped byte) come through the generator
 * byte for byte, in every place it writes one. */
static void compiled_strings_keep_their_bytes(void **st)
{
    char *path = g_build_filename(MOCKAWS_SOURCE_DIR, "server", "tests", "models", "tricky.json", NULL);
    char *text = NULL;
    gsize len = 0;
    assert_true(g_file_get_contents(path, &text, &len, NULL));
    model *src = compile(text);
    g_free(text);
    g_free(path);
    const model *in = test_models_model("tricky");
    assert_non_null(in);
    same_model(&(walk){"tricky", in, src});
    model_free(src);

    /* and the walk compared what was meant */
    assert_string_equal(in->source, TRICKY);
    assert_string_equal(in->target_prefix, "Tricky_\303\251\"1");
    const mshape *s = model_find_shape(in, "In\"put");
    assert_non_null(s);
    assert_string_equal(s->members[0].name, TRICKY);
    assert_string_equal(s->required[0], TRICKY);
    assert_string_equal(s->members[0].shape->enums[1], "\?\?<");
    assert_string_equal(s->members[0].shape->pattern, "^[\\u0009\\u000A\\\\\"\?\?)]*$");
    assert_true(s->members[0].shape->max == 1e300 && s->members[0].shape->min == 0.5);
    assert_ptr_equal(model_find_error(in, "Odd\"Code"), model_find_shape(in, "Err\?\?"));
    assert_string_equal(model_error_namespace(in, "Odd\"Code"), TRICKY);
    assert_non_null(model_find_op(in, "Only\?\?Listed"));

    path = g_build_filename(MOCKAWS_SOURCE_DIR, "server", "tests", "models", "errors", "tricky.json", NULL);
    assert_true(g_file_get_contents(path, &text, &len, NULL));
    char err[256] = "";
    errcat *csrc = errcat_load(text, len, err, sizeof err);
    assert_non_null(csrc);
    same_errcat("tricky", test_models_errcat("tricky"), csrc);
    assert_string_equal(errcat_lookup(test_models_errcat("tricky"), "Odd\"Code")->message, TRICKY);
    assert_int_equal(errcat_lookup(test_models_errcat("tricky"), "\?\?=")->status, 500);
    errcat_free(csrc);
    g_free(text);
    g_free(path);
}

/* A model and a catalog with nothing in them: C has no empty arrays, so
 * their tables are NULL, and every lookup finds nothing. */
static void compiled_empty_tables(void **st)
{
    const model *m = test_models_model("empty");
    assert_non_null(m);
    assert_string_equal(m->protocol, "json");
    assert_int_equal(m->nshapes + m->nops + m->nerrors + m->nerror_namespaces, 0);
    assert_null(model_find_shape(m, "A"));
    assert_null(model_find_op(m, "A"));
    assert_null(model_find_error(m, "A"));
    assert_null(model_error_namespace(m, "A"));
    const errcat *c = test_models_errcat("empty");
    assert_non_null(c);
    assert_int_equal(c->nentries, 0);
    assert_null(errcat_lookup(c, "A"));
    aws_error e = AWS_ERROR_INIT;
    aws_error_set(&e, "A", NULL);
    assert_false(errcat_resolve(c, m, &e));
    assert_int_equal(e.status, 400);
    aws_error_clear(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kinds_and_traits),
        cmocka_unit_test(operations),
        cmocka_unit_test(errors),
        cmocka_unit_test(rejects_malformed_models),
        cmocka_unit_test(compiled_in_equals_sources),
        cmocka_unit_test(compiled_strings_keep_their_bytes),
        cmocka_unit_test(compiled_empty_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
