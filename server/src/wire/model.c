/* model: lookups in the compiled tables, and model_compile, which builds
 * the same tables from a JSON document (for tools/modelgen.c and tests). */
#include "wire/model.h"

#include <glib.h>
#include <stdlib.h>
#include <string.h>

/* ---- lookups ---- */

static int by_name(const void *key, const void *elt, size_t off)
{
    return strcmp(key, *(const char *const *)((const char *)elt + off));
}

static int op_cmp(const void *key, const void *elt) { return by_name(key, elt, offsetof(mop, name)); }
static int shape_cmp(const void *key, const void *elt) { return by_name(key, elt, offsetof(mshape, name)); }
static int error_cmp(const void *key, const void *elt) { return by_name(key, elt, offsetof(merror, code)); }
static int pair_cmp(const void *key, const void *elt) { return by_name(key, elt, offsetof(mpair, key)); }

/* A compiled-in model has no array (NULL) where a table is empty, and
 * bsearch's base must not be NULL even for 0 elements. */

const mop *model_find_op(const model *m, const char *name)
{
    return name && m->nops ? bsearch(name, m->ops, m->nops, sizeof *m->ops, op_cmp) : NULL;
}

const mshape *model_find_shape(const model *m, const char *name)
{
    return name && m->nshapes ? bsearch(name, m->shapes, m->nshapes, sizeof *m->shapes, shape_cmp) : NULL;
}

const mshape *model_find_error(const model *m, const char *code)
{
    const merror *e = code && m->nerrors ? bsearch(code, m->errors, m->nerrors, sizeof *m->errors, error_cmp) : NULL;
    return e ? e->shape : NULL;
}

const char *model_error_namespace(const model *m, const char *code)
{
    const mpair *p = code && m->nerror_namespaces
                         ? bsearch(code, m->error_namespaces, m->nerror_namespaces, sizeof *p, pair_cmp)
                         : NULL;
    return p ? p->value : NULL;
}

const mmember *mshape_member(const mshape *s, const char *name)
{
    if (!s || !name)
        return NULL;
    for (uint32_t i = 0; i < s->nmembers; i++)
        if (strcmp(s->members[i].name, name) == 0)
            return &s->members[i];
    return NULL;
}

static const char *const kind_names[] = {
    [MK_STRING] = "string",   [MK_STRUCTURE] = "structure", [MK_LIST] = "list",
    [MK_MAP] = "map",         [MK_BLOB] = "blob",           [MK_BOOLEAN] = "boolean",
    [MK_TIMESTAMP] = "timestamp", [MK_BYTE] = "byte",       [MK_SHORT] = "short",
    [MK_INTEGER] = "integer", [MK_LONG] = "long",           [MK_FLOAT] = "float",
    [MK_DOUBLE] = "double",   [MK_BIGINTEGER] = "bigInteger", [MK_BIGDECIMAL] = "bigDecimal",
};

const char *mkind_name(mkind k)
{
    return (size_t)k < G_N_ELEMENTS(kind_names) ? kind_names[k] : "";
}

/* ---- model_compile ---- */

/* What a compiled model owns: every string in one chunk, every array in
 * one list. */
typedef struct heap {
    GStringChunk *strs;
    GPtrArray *blocks; /* g_free */
} heap;

typedef struct build {
    model *m;
    heap *h;
    GHashTable *shape_index; /* name -> index + 1 (names borrowed from the doc) */
    char *err;
    size_t errlen;
    bool failed;
} build;

static void *alloc(build *b, size_t n, size_t size)
{
    void *p = g_malloc0_n(n ? n : 1, size);
    g_ptr_array_add(b->h->blocks, p);
    return p;
}

static const char *str(build *b, const char *s) { return s ? g_string_chunk_insert_const(b->h->strs, s) : NULL; }

static const char *get_str(build *b, json_t *o, const char *key) { return str(b, json_string_value(json_object_get(o, key))); }

static bool fail(build *b, const char *fmt, const char *what)
{
    if (!b->failed)
        g_snprintf(b->err, b->errlen, fmt, what);
    b->failed = true;
    return false;
}

static const mshape *shape_ref(build *b, const char *name)
{
    gpointer v = name ? g_hash_table_lookup(b->shape_index, name) : NULL;
    if (!v) {
        fail(b, "reference to a missing shape '%s'", name ? name : "(none)");
        return NULL;
    }
    return &b->m->shapes[GPOINTER_TO_SIZE(v) - 1];
}

static const struct {
    const char *key;
    uint32_t flag;
} bool_traits[] = {
    {"flattened", MF_FLATTENED},     {"xmlAttribute", MF_XML_ATTRIBUTE},
    {"jsonvalue", MF_JSONVALUE},     {"hostLabel", MF_HOST_LABEL},
    {"idempotencyToken", MF_IDEMPOTENCY_TOKEN}, {"streaming", MF_STREAMING},
    {"deprecated", MF_DEPRECATED},   {"exception", MF_EXCEPTION},
    {"fault", MF_FAULT},             {"document", MF_DOCUMENT},
    {"union", MF_UNION},             {"eventstream", MF_EVENTSTREAM},
    {"eventpayload", MF_EVENTPAYLOAD}, {"eventheader", MF_EVENTHEADER},
    {"sensitive", MF_SENSITIVE},     {"box", MF_BOX},
    {"requiresLength", MF_REQUIRES_LENGTH},
    {"x-mockaws-xml-text", MF_XML_TEXT},
    {"x-mockaws-xml-interleave", MF_XML_INTERLEAVE},
};

static void traits(build *b, json_t *o, mtraits *t)
{
    t->location_name = get_str(b, o, "locationName");
    t->query_name = get_str(b, o, "queryName");
    if (!t->query_name)
        t->query_name = get_str(b, o, "x-mockaws-query-name");
    json_t *ns = json_object_get(o, "xmlNamespace");
    if (json_is_string(ns)) {
        t->xmlns_uri = str(b, json_string_value(ns));
    } else if (json_is_object(ns)) {
        t->xmlns_uri = get_str(b, ns, "uri");
        t->xmlns_prefix = get_str(b, ns, "prefix");
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bool_traits); i++)
        if (json_is_true(json_object_get(o, bool_traits[i].key)))
            t->flags |= bool_traits[i].flag;
    const char *ts = json_string_value(json_object_get(o, "timestampFormat"));
    if (!ts)
        t->ts_format = MTS_NONE;
    else if (!strcmp(ts, "iso8601"))
        t->ts_format = MTS_ISO8601;
    else if (!strcmp(ts, "rfc822"))
        t->ts_format = MTS_RFC822;
    else if (!strcmp(ts, "unixTimestamp"))
        t->ts_format = MTS_UNIX;
    else
        fail(b, "unknown timestampFormat '%s'", ts);
}

static const char *const location_names[] = {
    [ML_BODY] = "", [ML_URI] = "uri", [ML_QUERYSTRING] = "querystring",
    [ML_HEADER] = "header", [ML_HEADERS] = "headers", [ML_STATUSCODE] = "statusCode",
};

static void member(build *b, json_t *ref, const char *name, mmember *r)
{
    r->name = str(b, name);
    r->shape = shape_ref(b, json_string_value(json_object_get(ref, "shape")));
    traits(b, ref, &r->t);
    const char *loc = json_string_value(json_object_get(ref, "location"));
    r->location = ML_BODY;
    if (loc) {
        size_t i = 1;
        while (i < G_N_ELEMENTS(location_names) && strcmp(loc, location_names[i]) != 0)
            i++;
        if (i == G_N_ELEMENTS(location_names))
            fail(b, "unknown location '%s'", loc);
        else
            r->location = (uint8_t)i;
    }
}

static mmember *one_member(build *b, json_t *ref)
{
    if (!ref)
        return NULL;
    mmember *r = alloc(b, 1, sizeof *r);
    member(b, ref, NULL, r);
    return r;
}

static bool kind_of(const char *type, uint8_t *kind)
{
    if (!type) {
        *kind = MK_STRING;
        return true;
    }
    for (size_t k = 0; k < G_N_ELEMENTS(kind_names); k++)
        if (strcmp(type, kind_names[k]) == 0) {
            *kind = (uint8_t)k;
            return true;
        }
    /* botocore spells these two in lower case in older models */
    if (!strcmp(type, "biginteger") || !strcmp(type, "bigdecimal")) {
        *kind = type[3] == 'i' ? MK_BIGINTEGER : MK_BIGDECIMAL;
        return true;
    }
    return false;
}

static void shape(build *b, const char *name, json_t *o, mshape *s)
{
    s->name = str(b, name);
    if (!kind_of(json_string_value(json_object_get(o, "type")), &s->kind)) {
        fail(b, "unknown shape type in '%s'", name);
        return;
    }
    traits(b, o, &s->t);
    json_t *members = json_object_get(o, "members");
    if (json_is_object(members)) {
        s->nmembers = (uint32_t)json_object_size(members);
        mmember *ms = alloc(b, s->nmembers, sizeof *ms);
        const char *mname;
        json_t *ref;
        size_t i = 0;
        json_object_foreach(members, mname, ref) member(b, ref, mname, &ms[i++]);
        s->members = ms;
        json_t *req = json_object_get(o, "required");
        s->nrequired = (uint32_t)json_array_size(req);
        const char **names = alloc(b, s->nrequired, sizeof *names);
        json_t *r;
        json_array_foreach(req, i, r) {
            names[i] = str(b, json_string_value(r));
            for (uint32_t k = 0; k < s->nmembers; k++)
                if (names[i] && strcmp(ms[k].name, names[i]) == 0)
                    ms[k].t.flags |= MF_REQUIRED;
        }
        s->required = names;
        const char *payload = json_string_value(json_object_get(o, "payload"));
        for (uint32_t k = 0; payload && k < s->nmembers; k++)
            if (strcmp(ms[k].name, payload) == 0)
                s->payload = &ms[k];
        if (payload && !s->payload)
            fail(b, "payload names no member in '%s'", name);
    }
    s->member = one_member(b, json_object_get(o, "member"));
    s->key = one_member(b, json_object_get(o, "key"));
    s->value = one_member(b, json_object_get(o, "value"));
    json_t *v;
    if ((v = json_object_get(o, "min")) && json_is_number(v)) {
        s->min = json_number_value(v);
        s->t.flags |= MF_HAS_MIN;
    }
    if ((v = json_object_get(o, "max")) && json_is_number(v)) {
        s->max = json_number_value(v);
        s->t.flags |= MF_HAS_MAX;
    }
    s->pattern = get_str(b, o, "pattern");
    json_t *en = json_object_get(o, "enum");
    if (json_is_array(en)) {
        s->nenums = (uint32_t)json_array_size(en);
        const char **vals = alloc(b, s->nenums, sizeof *vals);
        size_t i;
        json_array_foreach(en, i, v) vals[i] = str(b, json_string_value(v));
        s->enums = vals;
    }
    json_t *error = json_object_get(o, "error");
    s->error_code = get_str(b, error, "code");
    s->error_status = (int)json_integer_value(json_object_get(error, "httpStatusCode"));
    json_t *sf = json_object_get(error, "senderFault");
    if (json_is_true(sf))
        s->t.flags |= MF_SENDER_FAULT;
    else if (json_is_false(sf))
        s->t.flags |= MF_RECEIVER_FAULT;
}

static void operation(build *b, const char *name, json_t *o, mop *op)
{
    op->name = str(b, name);
    json_t *http = json_object_get(o, "http");
    op->http_method = get_str(b, http, "method");
    op->request_uri = get_str(b, http, "requestUri");
    op->response_code = (int)json_integer_value(json_object_get(http, "responseCode"));
    op->input = one_member(b, json_object_get(o, "input"));
    json_t *out = json_object_get(o, "output");
    op->output = one_member(b, out);
    op->result_wrapper = get_str(b, out, "resultWrapper");
    op->host_prefix = get_str(b, json_object_get(o, "endpoint"), "hostPrefix");
    json_t *ck = json_object_get(o, "httpChecksum");
    op->checksum_member = get_str(b, ck, "requestAlgorithmMember");
    if (json_is_true(json_object_get(ck, "requestChecksumRequired")))
        op->flags |= MF_CHECKSUM_REQUIRED;
    if (json_is_true(json_object_get(o, "deprecated")))
        op->flags |= MF_DEPRECATED;
    if (json_is_true(json_object_get(o, "x-mockaws-trimmed")))
        op->flags |= MF_TRIMMED;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }
static int cmp_error(const void *a, const void *b) { return strcmp(((const merror *)a)->code, ((const merror *)b)->code); }

/* The keys of an object, sorted (borrowed). */
static const char **sorted_keys(json_t *o, size_t *n)
{
    *n = json_object_size(o);
    const char **keys = g_new(const char *, *n ? *n : 1);
    size_t i = 0;
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) keys[i++] = k;
    qsort(keys, *n, sizeof *keys, cmp_str);
    return keys;
}

static void compile_shapes(build *b, json_t *shapes)
{
    size_t n;
    const char **names = sorted_keys(shapes, &n);
    model *m = b->m;
    mshape *out = alloc(b, n, sizeof *out);
    m->shapes = out;
    m->nshapes = (uint32_t)n;
    for (size_t i = 0; i < n; i++)
        g_hash_table_insert(b->shape_index, (gpointer)names[i], GSIZE_TO_POINTER(i + 1));
    for (size_t i = 0; i < n && !b->failed; i++)
        shape(b, names[i], json_object_get(shapes, names[i]), &out[i]);
    g_free(names);

    /* error shapes: by their code, then exception shapes by name */
    merror *errs = alloc(b, 2 * n, sizeof *errs);
    size_t ne = 0;
    for (size_t i = 0; i < n; i++)
        if (out[i].error_code)
            errs[ne++] = (merror){out[i].error_code, &out[i]};
    qsort(errs, ne, sizeof *errs, cmp_error);
    size_t ncode = ne;
    for (size_t i = 0; i < n; i++)
        if ((out[i].t.flags & MF_EXCEPTION) &&
            !bsearch(&(merror){out[i].name, NULL}, errs, ncode, sizeof *errs, cmp_error))
            errs[ne++] = (merror){out[i].name, &out[i]};
    qsort(errs, ne, sizeof *errs, cmp_error);
    m->errors = errs;
    m->nerrors = (uint32_t)ne;
}

static void compile_operations(build *b, json_t *ops, json_t *all)
{
    /* every operation of the model, and those only listed in
     * x-mockaws-all-operations as trimmed ones with no binding */
    GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
    const char *k;
    json_t *v;
    json_object_foreach(ops, k, v) g_hash_table_add(names, (gpointer)k);
    size_t i;
    json_array_foreach(all, i, v) if (json_is_string(v)) g_hash_table_add(names, (gpointer)json_string_value(v));
    guint n;
    const char **sorted = (const char **)g_hash_table_get_keys_as_array(names, &n);
    qsort(sorted, n, sizeof *sorted, cmp_str);
    mop *out = alloc(b, n, sizeof *out);
    for (guint j = 0; j < n && !b->failed; j++) {
        json_t *o = json_object_get(ops, sorted[j]);
        if (o) {
            operation(b, sorted[j], o, &out[j]);
        } else {
            out[j].name = str(b, sorted[j]);
            out[j].flags = MF_TRIMMED;
        }
    }
    b->m->ops = out;
    b->m->nops = n;
    g_free(sorted);
    g_hash_table_destroy(names);
}

static void compile_metadata(build *b, json_t *meta)
{
    model *m = b->m;
    m->protocol = get_str(b, meta, "protocol");
    if (!m->protocol)
        m->protocol = "";
    m->api_version = get_str(b, meta, "apiVersion");
    m->target_prefix = get_str(b, meta, "targetPrefix");
    m->json_version = get_str(b, meta, "jsonVersion");
    m->xml_namespace = get_str(b, meta, "xmlNamespace");
    m->query_path_member = get_str(b, meta, "x-mockaws-query-path-member");
    m->endpoint_prefix = get_str(b, meta, "endpointPrefix");
    m->service_id = get_str(b, meta, "serviceId");
    m->signing_name = get_str(b, meta, "signingName");
    m->error_namespace = get_str(b, meta, "x-mockaws-error-namespace");
    m->query_compatible = json_object_get(meta, "awsQueryCompatible") != NULL;
    json_t *nss = json_object_get(meta, "x-mockaws-error-namespaces");
    size_t n;
    const char **keys = sorted_keys(nss, &n);
    mpair *pairs = alloc(b, n, sizeof *pairs);
    for (size_t i = 0; i < n; i++)
        pairs[i] = (mpair){str(b, keys[i]), get_str(b, nss, keys[i])};
    g_free(keys);
    m->error_namespaces = pairs;
    m->nerror_namespaces = (uint32_t)n;
}

static void heap_free(heap *h)
{
    if (!h)
        return;
    g_ptr_array_free(h->blocks, TRUE);
    g_string_chunk_free(h->strs);
    g_free(h);
}

model *model_compile(json_t *doc, char *err, size_t errlen)
{
    json_t *shapes = json_object_get(doc, "shapes");
    if (!json_is_object(doc) || !json_is_object(shapes)) {
        g_snprintf(err, errlen, "model has no \"shapes\" object");
        json_decref(doc);
        return NULL;
    }
    model *m = g_new0(model, 1);
    heap *h = g_new0(heap, 1);
    h->strs = g_string_chunk_new(4096);
    h->blocks = g_ptr_array_new_with_free_func(g_free);
    m->heap = h;
    build b = {.m = m, .h = h, .err = err, .errlen = errlen};
    b.shape_index = g_hash_table_new(g_str_hash, g_str_equal);
    json_t *meta = json_object_get(doc, "metadata");
    compile_metadata(&b, meta);
    m->source = get_str(&b, doc, "x-mockaws-source");
    compile_shapes(&b, shapes);
    if (!b.failed)
        compile_operations(&b, json_object_get(doc, "operations"), json_object_get(meta, "x-mockaws-all-operations"));
    g_hash_table_destroy(b.shape_index);
    if (b.failed) {
        heap_free(h);
        g_free(m);
        json_decref(doc);
        return NULL;
    }
    json_decref(doc);
    return m;
}

model *model_load(const char *text, size_t len, char *err, size_t errlen)
{
    json_error_t je;
    json_t *doc = json_loadb(text, len, 0, &je);
    if (!doc) {
        g_snprintf(err, errlen, "model: line %d: %s", je.line, je.text);
        return NULL;
    }
    return model_compile(doc, err, errlen);
}

void model_free(model *m)
{
    if (!m || !m->heap)
        return;
    heap_free(m->heap);
    g_free(m);
}
