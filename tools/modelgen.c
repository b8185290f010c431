/* modelgen: build-time program that compiles the service models and error
 * catalogs into C data, so that libmockaws parses no JSON to know them.
 *
 * usage: modelgen [--prefix NAME] OUT.c MODELDIR SERVICE...
 *
 * For each service it loads MODELDIR/SERVICE.json with model_compile and
 * MODELDIR/errors/SERVICE.json (when there is one) with errcat_load, and
 * writes the very tables those build (wire/model.h, wire/errcat.h) as static
 * const arrays: every shape in one array, every member reference in another
 * (a structure's members side by side, as the wire order has them), the
 * required-member and enum names in a third; shapes and members point at
 * each other, so those two are declared before they are defined. Operations,
 * error shapes and catalog entries keep the sorted order the loaders gave
 * them, for bsearch. The lookups of core/embedded.h close the file; with
 * --prefix they are named NAME_model and NAME_errcat instead of embedded_*
 * (test data compiled beside the library's own).
 *
 * The output depends on the inputs only: the same bytes on every build.
 * A malformed model or catalog fails the build, saying why. */
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/errcat.h"
#include "wire/model.h"

/* A C string literal for s (NULL for NULL). Bytes outside printable ASCII
 * become three-digit octal escapes (a following digit cannot extend them);
 * a '?' after a '?' is escaped, since -std=c17 reads trigraphs. */
static void emit_str(FILE *out, const char *s)
{
    if (!s) {
        fputs("NULL", out);
        return;
    }
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '?' && p > (const unsigned char *)s && p[-1] == '?')
            fputs("\\?", out);
        else if (*p < 0x20 || *p >= 0x7f)
            fprintf(out, "\\%03o", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

/* ", .field = \"value\"" when s is set */
static void emit_field_str(FILE *out, const char *field, const char *s)
{
    if (!s)
        return;
    fprintf(out, ", .%s = ", field);
    emit_str(out, s);
}

static const struct {
    uint32_t flag;
    const char *name;
} flag_names[] = {
    {MF_FLATTENED, "MF_FLATTENED"},
    {MF_XML_ATTRIBUTE, "MF_XML_ATTRIBUTE"},
    {MF_JSONVALUE, "MF_JSONVALUE"},
    {MF_HOST_LABEL, "MF_HOST_LABEL"},
    {MF_IDEMPOTENCY_TOKEN, "MF_IDEMPOTENCY_TOKEN"},
    {MF_STREAMING, "MF_STREAMING"},
    {MF_DEPRECATED, "MF_DEPRECATED"},
    {MF_REQUIRED, "MF_REQUIRED"},
    {MF_EXCEPTION, "MF_EXCEPTION"},
    {MF_FAULT, "MF_FAULT"},
    {MF_SENDER_FAULT, "MF_SENDER_FAULT"},
    {MF_RECEIVER_FAULT, "MF_RECEIVER_FAULT"},
    {MF_XML_TEXT, "MF_XML_TEXT"},
    {MF_XML_INTERLEAVE, "MF_XML_INTERLEAVE"},
    {MF_DOCUMENT, "MF_DOCUMENT"},
    {MF_UNION, "MF_UNION"},
    {MF_EVENTSTREAM, "MF_EVENTSTREAM"},
    {MF_EVENTPAYLOAD, "MF_EVENTPAYLOAD"},
    {MF_EVENTHEADER, "MF_EVENTHEADER"},
    {MF_HAS_MIN, "MF_HAS_MIN"},
    {MF_HAS_MAX, "MF_HAS_MAX"},
    {MF_SENSITIVE, "MF_SENSITIVE"},
    {MF_BOX, "MF_BOX"},
    {MF_REQUIRES_LENGTH, "MF_REQUIRES_LENGTH"},
    {MF_TRIMMED, "MF_TRIMMED"},
    {MF_CHECKSUM_REQUIRED, "MF_CHECKSUM_REQUIRED"},
};

/* MF_A | MF_B (a flag this table does not name yet as a number, so that
 * none is lost) */
static void emit_flag_value(FILE *out, uint32_t flags)
{
    const char *sep = "";
    for (size_t i = 0; i < G_N_ELEMENTS(flag_names); i++)
        if (flags & flag_names[i].flag) {
            fprintf(out, "%s%s", sep, flag_names[i].name);
            sep = " | ";
            flags &= ~flag_names[i].flag;
        }
    if (flags)
        fprintf(out, "%s0x%" PRIx32 "u", sep, flags);
    else if (!*sep)
        fputc('0', out);
}

/* ", .flags = ..." when there are any */
static void emit_flags(FILE *out, uint32_t flags)
{
    if (!flags)
        return;
    fputs(", .flags = ", out);
    emit_flag_value(out, flags);
}

static const char *const kind_enum[] = {
    [MK_STRING] = "MK_STRING",       [MK_STRUCTURE] = "MK_STRUCTURE", [MK_LIST] = "MK_LIST",
    [MK_MAP] = "MK_MAP",             [MK_BLOB] = "MK_BLOB",           [MK_BOOLEAN] = "MK_BOOLEAN",
    [MK_TIMESTAMP] = "MK_TIMESTAMP", [MK_BYTE] = "MK_BYTE",           [MK_SHORT] = "MK_SHORT",
    [MK_INTEGER] = "MK_INTEGER",     [MK_LONG] = "MK_LONG",           [MK_FLOAT] = "MK_FLOAT",
    [MK_DOUBLE] = "MK_DOUBLE",       [MK_BIGINTEGER] = "MK_BIGINTEGER", [MK_BIGDECIMAL] = "MK_BIGDECIMAL",
};
static const char *const location_enum[] = {
    [ML_BODY] = "ML_BODY",     [ML_URI] = "ML_URI",         [ML_QUERYSTRING] = "ML_QUERYSTRING",
    [ML_HEADER] = "ML_HEADER", [ML_HEADERS] = "ML_HEADERS", [ML_STATUSCODE] = "ML_STATUSCODE",
};
static const char *const ts_enum[] = {
    [MTS_NONE] = "MTS_NONE", [MTS_ISO8601] = "MTS_ISO8601", [MTS_RFC822] = "MTS_RFC822", [MTS_UNIX] = "MTS_UNIX",
};

/* An enum value's name, or its number when the table has none. */
static void emit_enum(FILE *out, const char *const *names, size_t n, unsigned v)
{
    if (v < n && names[v])
        fputs(names[v], out);
    else
        fprintf(out, "%u", v);
}

/* ", .t = {...}" unless every trait is unset */
static void emit_traits(FILE *out, const mtraits *t)
{
    if (!t->location_name && !t->query_name && !t->xmlns_uri && !t->xmlns_prefix && !t->flags && !t->ts_format)
        return;
    fputs(", .t = {.flags = ", out);
    emit_flag_value(out, t->flags);
    emit_field_str(out, "location_name", t->location_name);
    emit_field_str(out, "query_name", t->query_name);
    emit_field_str(out, "xmlns_uri", t->xmlns_uri);
    emit_field_str(out, "xmlns_prefix", t->xmlns_prefix);
    if (t->ts_format) {
        fputs(", .ts_format = ", out);
        emit_enum(out, ts_enum, G_N_ELEMENTS(ts_enum), t->ts_format);
    }
    fputc('}', out);
}

/* Where each member reference of a model goes in the flat member array. */
typedef struct layout {
    const model *m;
    const char *id;          /* the service's C identifier */
    GHashTable *member_index; /* const mmember* -> index + 1 */
    const mmember **members; /* in array order */
    size_t nmembers;
    GPtrArray *names;        /* required and enum names, in array order (borrowed) */
    size_t *required_at;     /* per shape: first index in names */
    size_t *enums_at;
} layout;

static void place(layout *l, const mmember *r)
{
    if (!r || g_hash_table_contains(l->member_index, r))
        return;
    l->members[l->nmembers++] = r;
    g_hash_table_insert(l->member_index, (gpointer)r, GSIZE_TO_POINTER(l->nmembers));
}

static size_t member_slots(const model *m)
{
    size_t n = 2 * (size_t)m->nops;
    for (uint32_t i = 0; i < m->nshapes; i++)
        n += m->shapes[i].nmembers + 3;
    return n;
}

static void layout_build(layout *l, const model *m, const char *id)
{
    *l = (layout){.m = m, .id = id};
    l->member_index = g_hash_table_new(g_direct_hash, g_direct_equal);
    l->members = g_new(const mmember *, member_slots(m) + 1);
    l->names = g_ptr_array_new();
    l->required_at = g_new0(size_t, m->nshapes + 1);
    l->enums_at = g_new0(size_t, m->nshapes + 1);
    for (uint32_t i = 0; i < m->nshapes; i++) {
        const mshape *s = &m->shapes[i];
        for (uint32_t k = 0; k < s->nmembers; k++)
            place(l, &s->members[k]);
        place(l, s->member);
        place(l, s->key);
        place(l, s->value);
        l->required_at[i] = l->names->len;
        for (uint32_t k = 0; k < s->nrequired; k++)
            g_ptr_array_add(l->names, (gpointer)s->required[k]);
        l->enums_at[i] = l->names->len;
        for (uint32_t k = 0; k < s->nenums; k++)
            g_ptr_array_add(l->names, (gpointer)s->enums[k]);
    }
    for (uint32_t i = 0; i < m->nops; i++) {
        place(l, m->ops[i].input);
        place(l, m->ops[i].output);
    }
}

static void layout_free(layout *l)
{
    g_hash_table_destroy(l->member_index);
    g_free(l->members);
    g_ptr_array_free(l->names, TRUE);
    g_free(l->required_at);
    g_free(l->enums_at);
}

static size_t member_at(const layout *l, const mmember *r)
{
    return GPOINTER_TO_SIZE(g_hash_table_lookup(l->member_index, r)) - 1;
}

static size_t shape_at(const layout *l, const mshape *s) { return (size_t)(s - l->m->shapes); }

/* ", .field = &ID_members[i]" */
static void emit_member_ptr(FILE *out, const layout *l, const char *field, const mmember *r)
{
    if (r)
        fprintf(out, ", .%s = &%s_members[%zu]", field, l->id, member_at(l, r));
}

static void emit_double(FILE *out, const char *field, double v)
{
    fprintf(out, ", .%s = %.17g", field, v);
}

static void emit_members(FILE *out, const layout *l)
{
    if (!l->nmembers)
        return; /* C has no empty arrays; nothing points here */
    fprintf(out, "static const mmember %s_members[%zu] = {\n", l->id, l->nmembers);
    for (size_t i = 0; i < l->nmembers; i++) {
        const mmember *r = l->members[i];
        fprintf(out, "    {.name = ");
        emit_str(out, r->name);
        fprintf(out, ", .shape = &%s_shapes[%zu]", l->id, shape_at(l, r->shape));
        emit_traits(out, &r->t);
        if (r->location) {
            fputs(", .location = ", out);
            emit_enum(out, location_enum, G_N_ELEMENTS(location_enum), r->location);
        }
        fprintf(out, "}, /* %zu */\n", i);
    }
    fputs("};\n\n", out);
}

static void emit_names(FILE *out, const layout *l)
{
    if (!l->names->len)
        return;
    fprintf(out, "static const char *const %s_names[%u] = {\n", l->id, l->names->len);
    for (guint i = 0; i < l->names->len; i++) {
        fputs("    ", out);
        emit_str(out, g_ptr_array_index(l->names, i));
        fputs(",\n", out);
    }
    fputs("};\n\n", out);
}

static void emit_shapes(FILE *out, const layout *l)
{
    const model *m = l->m;
    if (!m->nshapes)
        return;
    fprintf(out, "static const mshape %s_shapes[%" PRIu32 "] = {\n", l->id, m->nshapes);
    for (uint32_t i = 0; i < m->nshapes; i++) {
        const mshape *s = &m->shapes[i];
        fprintf(out, "    {.name = ");
        emit_str(out, s->name);
        fputs(", .kind = ", out);
        emit_enum(out, kind_enum, G_N_ELEMENTS(kind_enum), s->kind);
        emit_traits(out, &s->t);
        if (s->nmembers)
            fprintf(out, ", .members = &%s_members[%zu], .nmembers = %" PRIu32, l->id,
                    member_at(l, &s->members[0]), s->nmembers);
        if (s->nrequired)
            fprintf(out, ", .required = &%s_names[%zu], .nrequired = %" PRIu32, l->id, l->required_at[i],
                    s->nrequired);
        emit_member_ptr(out, l, "payload", s->payload);
        emit_member_ptr(out, l, "member", s->member);
        emit_member_ptr(out, l, "key", s->key);
        emit_member_ptr(out, l, "value", s->value);
        if (s->t.flags & MF_HAS_MIN)
            emit_double(out, "min", s->min);
        if (s->t.flags & MF_HAS_MAX)
            emit_double(out, "max", s->max);
        emit_field_str(out, "pattern", s->pattern);
        if (s->nenums)
            fprintf(out, ", .enums = &%s_names[%zu], .nenums = %" PRIu32, l->id, l->enums_at[i], s->nenums);
        emit_field_str(out, "error_code", s->error_code);
        if (s->error_status)
            fprintf(out, ", .error_status = %d", s->error_status);
        fprintf(out, "}, /* %" PRIu32 " */\n", i);
    }
    fputs("};\n\n", out);
}

static void emit_ops(FILE *out, const layout *l)
{
    const model *m = l->m;
    if (!m->nops)
        return;
    fprintf(out, "static const mop %s_ops[%" PRIu32 "] = {\n", l->id, m->nops);
    for (uint32_t i = 0; i < m->nops; i++) {
        const mop *op = &m->ops[i];
        fputs("    {.name = ", out);
        emit_str(out, op->name);
        emit_field_str(out, "http_method", op->http_method);
        emit_field_str(out, "request_uri", op->request_uri);
        if (op->response_code)
            fprintf(out, ", .response_code = %d", op->response_code);
        emit_member_ptr(out, l, "input", op->input);
        emit_member_ptr(out, l, "output", op->output);
        emit_field_str(out, "result_wrapper", op->result_wrapper);
        emit_field_str(out, "host_prefix", op->host_prefix);
        emit_field_str(out, "checksum_member", op->checksum_member);
        emit_flags(out, op->flags);
        fputs("},\n", out);
    }
    fputs("};\n\n", out);
}

static void emit_errors(FILE *out, const layout *l)
{
    const model *m = l->m;
    if (m->nerrors) {
        fprintf(out, "static const merror %s_errors[%" PRIu32 "] = {\n", l->id, m->nerrors);
        for (uint32_t i = 0; i < m->nerrors; i++) {
            fputs("    {", out);
            emit_str(out, m->errors[i].code);
            fprintf(out, ", &%s_shapes[%zu]},\n", l->id, shape_at(l, m->errors[i].shape));
        }
        fputs("};\n\n", out);
    }
    if (m->nerror_namespaces) {
        fprintf(out, "static const mpair %s_error_namespaces[%" PRIu32 "] = {\n", l->id, m->nerror_namespaces);
        for (uint32_t i = 0; i < m->nerror_namespaces; i++) {
            fputs("    {", out);
            emit_str(out, m->error_namespaces[i].key);
            fputs(", ", out);
            emit_str(out, m->error_namespaces[i].value);
            fputs("},\n", out);
        }
        fputs("};\n\n", out);
    }
}

/* ", .field = ID_suffix, .nfield = n" or nothing when n is 0 */
static void emit_array_ref(FILE *out, const char *field, const char *id, const char *suffix, uint32_t n)
{
    if (n)
        fprintf(out, "    .%s = %s_%s,\n    .n%s = %" PRIu32 ",\n", field, id, suffix, field, n);
}

static void emit_model(FILE *out, const layout *l)
{
    const model *m = l->m;
    static const struct {
        const char *field;
        size_t off;
    } meta[] = {
        {"protocol", offsetof(model, protocol)},
        {"api_version", offsetof(model, api_version)},
        {"target_prefix", offsetof(model, target_prefix)},
        {"json_version", offsetof(model, json_version)},
        {"xml_namespace", offsetof(model, xml_namespace)},
        {"query_path_member", offsetof(model, query_path_member)},
        {"endpoint_prefix", offsetof(model, endpoint_prefix)},
        {"service_id", offsetof(model, service_id)},
        {"signing_name", offsetof(model, signing_name)},
        {"error_namespace", offsetof(model, error_namespace)},
        {"source", offsetof(model, source)},
    };
    fprintf(out, "static const model %s_model = {\n", l->id);
    for (size_t i = 0; i < G_N_ELEMENTS(meta); i++) {
        const char *v = *(const char *const *)((const char *)m + meta[i].off);
        if (v) {
            fprintf(out, "    .%s = ", meta[i].field);
            emit_str(out, v);
            fputs(",\n", out);
        }
    }
    if (m->query_compatible)
        fputs("    .query_compatible = true,\n", out);
    emit_array_ref(out, "error_namespaces", l->id, "error_namespaces", m->nerror_namespaces);
    emit_array_ref(out, "ops", l->id, "ops", m->nops);
    emit_array_ref(out, "shapes", l->id, "shapes", m->nshapes);
    emit_array_ref(out, "errors", l->id, "errors", m->nerrors);
    fputs("};\n\n", out);
}

static void emit_errcat(FILE *out, const char *id, const errcat *c)
{
    if (c->nentries) {
        fprintf(out, "static const errcat_entry %s_errcat_entries[%zu] = {\n", id, c->nentries);
        for (size_t i = 0; i < c->nentries; i++) {
            const errcat_entry *e = &c->entries[i];
            fputs("    {", out);
            emit_str(out, e->code);
            fprintf(out, ", %d, %s, ", e->status, e->sender ? "true" : "false");
            emit_str(out, e->message);
            fputs("},\n", out);
        }
        fputs("};\n\n", out);
    }
    fprintf(out, "static const errcat %s_errcat = {", id);
    if (c->nentries)
        fprintf(out, "%s_errcat_entries, %zu, NULL", id, c->nentries);
    else
        fputs("NULL, 0, NULL", out);
    fputs("};\n\n", out);
}

static char *read_file(const char *path, size_t *len)
{
    char *text = NULL;
    GError *e = NULL;
    gsize n = 0;
    if (!g_file_get_contents(path, &text, &n, &e)) {
        fprintf(stderr, "modelgen: %s\n", e->message);
        g_error_free(e);
        return NULL;
    }
    *len = n;
    return text;
}

typedef struct service {
    const char *name; /* as given */
    char *id;         /* as a C identifier */
    bool has_errcat;
} service;

static int service_cmp(const void *a, const void *b)
{
    return strcmp(((const service *)a)->name, ((const service *)b)->name);
}

/* Compiles one service and writes its tables; false on a malformed input. */
static bool gen_service(FILE *out, const char *dir, service *svc)
{
    char err[512] = "";
    char *path = g_strdup_printf("%s/%s.json", dir, svc->name);
    size_t len = 0;
    char *text = read_file(path, &len);
    model *m = text ? model_load(text, len, err, sizeof err) : NULL;
    if (!m) {
        if (text)
            fprintf(stderr, "modelgen: %s: %s\n", path, err);
        g_free(text);
        g_free(path);
        return false;
    }
    fprintf(out, "/* ---- %s: from %s.json ---- */\n\n", svc->name, svc->name);
    layout l;
    layout_build(&l, m, svc->id);
    /* declared first: shapes and members point at each other */
    if (m->nshapes)
        fprintf(out, "static const mshape %s_shapes[%" PRIu32 "];\n", l.id, m->nshapes);
    if (l.nmembers)
        fprintf(out, "static const mmember %s_members[%zu];\n", l.id, l.nmembers);
    fputc('\n', out);
    emit_names(out, &l);
    emit_members(out, &l);
    emit_shapes(out, &l);
    emit_ops(out, &l);
    emit_errors(out, &l);
    emit_model(out, &l);
    layout_free(&l);
    model_free(m);
    g_free(text);
    g_free(path);

    path = g_strdup_printf("%s/errors/%s.json", dir, svc->name);
    bool ok = true;
    if (g_file_test(path, G_FILE_TEST_EXISTS)) {
        text = read_file(path, &len);
        errcat *c = text ? errcat_load(text, len, err, sizeof err) : NULL;
        if (c) {
            emit_errcat(out, svc->id, c);
            svc->has_errcat = true;
            errcat_free(c);
        } else {
            if (text)
                fprintf(stderr, "modelgen: %s: %s\n", path, err);
            ok = false;
        }
        g_free(text);
    }
    g_free(path);
    return ok;
}

static void emit_lookups(FILE *out, const char *prefix, const service *svcs, size_t n)
{
    fputs("static const struct {\n"
          "    const char *name;\n"
          "    const model *model;\n"
          "    const errcat *errors;\n"
          "} services[] = {\n",
          out);
    for (size_t i = 0; i < n; i++) {
        const char *id = svcs[i].id;
        fputs("    {", out);
        emit_str(out, svcs[i].name);
        fprintf(out, ", &%s_model, ", id);
        if (svcs[i].has_errcat)
            fprintf(out, "&%s_errcat", id);
        else
            fputs("NULL", out);
        fputs("},\n", out);
    }
    fputs("};\n\n", out);
    fputs("static int service_at(const char *name)\n"
          "{\n"
          "    for (size_t i = 0; name && i < sizeof services / sizeof services[0]; i++)\n"
          "        if (strcmp(services[i].name, name) == 0)\n"
          "            return (int)i;\n"
          "    return -1;\n"
          "}\n\n",
          out);
    fprintf(out,
            "const model *%s_model(const char *service)\n"
            "{\n"
            "    int i = service_at(service);\n"
            "    return i < 0 ? NULL : services[i].model;\n"
            "}\n\n"
            "const errcat *%s_errcat(const char *service)\n"
            "{\n"
            "    int i = service_at(service);\n"
            "    return i < 0 ? NULL : services[i].errors;\n"
            "}\n",
            prefix, prefix);
}

int main(int argc, char **argv)
{
    const char *prefix = "embedded";
    if (argc > 2 && strcmp(argv[1], "--prefix") == 0) {
        prefix = argv[2];
        argc -= 2;
        argv += 2;
    }
    if (argc < 4) {
        fprintf(stderr, "usage: modelgen [--prefix NAME] OUT.c MODELDIR SERVICE...\n");
        return 2;
    }
    size_t n = (size_t)argc - 3;
    service *svcs = g_new0(service, n);
    for (size_t i = 0; i < n; i++) {
        svcs[i].name = argv[i + 3];
        /* a name that does not start with a letter gets one */
        svcs[i].id = g_strconcat(g_ascii_isalpha(svcs[i].name[0]) ? "" : "m_", svcs[i].name, NULL);
        for (char *p = svcs[i].id; *p; p++)
            if (!g_ascii_isalnum(*p))
                *p = '_';
    }
    /* the order of the arguments does not matter */
    qsort(svcs, n, sizeof *svcs, service_cmp);

    /* written beside, then renamed: a failed run leaves no half file for
     * the next build to take as up to date */
    char *tmp = g_strdup_printf("%s.tmp", argv[1]);
    FILE *out = fopen(tmp, "w");
    if (!out) {
        perror(tmp);
        return 1;
    }
    fputs("/* generated by tools/modelgen.c: do not edit */\n", out);
    if (strcmp(prefix, "embedded") == 0)
        fputs("#include \"core/embedded.h\"\n\n", out);
    fprintf(out,
            "#include <stdbool.h>\n#include <stddef.h>\n#include <string.h>\n\n"
            "#include \"wire/errcat.h\"\n#include \"wire/model.h\"\n\n"
            "const model *%s_model(const char *service);\n"
            "const errcat *%s_errcat(const char *service);\n\n",
            prefix, prefix);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++)
        ok = gen_service(out, argv[2], &svcs[i]);
    if (ok)
        emit_lookups(out, prefix, svcs, n);
    ok = fclose(out) == 0 && ok;
    if (ok && rename(tmp, argv[1]) != 0) {
        perror(argv[1]);
        ok = false;
    }
    if (!ok)
        remove(tmp);
    for (size_t i = 0; i < n; i++)
        g_free(svcs[i].id);
    g_free(svcs);
    g_free(tmp);
    return ok ? 0 : 1;
}
