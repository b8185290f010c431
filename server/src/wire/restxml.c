/* REST-XML (S3): operations named by method + URI template, members bound
 * to the URI, the query string, headers, the status code or an XML body.
 *
 * The rules follow botocore's RestXMLSerializer / RestXMLParser where the
 * protocol test vectors agree with them, and the vectors (Smithy's rules)
 * where they do not: element names come from the member reference's
 * locationName (not the target shape's), flattened lists repeat the
 * member's own name. */
#include "restxml.h"

#include <errno.h>
#include <math.h>
#include <nettle/base64.h>
#include <nettle/sha2.h>
#include <stdlib.h>
#include <string.h>

#include "timefmt.h"
#include "xmlr.h"
#include "xmlw.h"

#define MALFORMED_XML_MESSAGE \
    "The XML you provided was not well-formed or did not validate against our published schema"

/* Where a value travels: decides default timestamp formats, how lenient
 * booleans are and which error a bad value earns. */
typedef enum where { IN_BODY, IN_HEADER, IN_QUERY, IN_URI } where;

/* One conversion (a request, a response or an error body). */
typedef struct rx {
    aws_error *err;
    bool request; /* server side: bad input is the client's fault (400) */
    bool failed;
} rx;

/* ---- model helpers ---- */

/* Members bound outside the body. uri and querystring only bind on
 * requests: in responses they are body members (as botocore reads them). */
static bool bound_outside_body(const mmember *r, bool request)
{
    switch ((mlocation)r->location) {
    case ML_HEADER:
    case ML_HEADERS:
    case ML_STATUSCODE:
        return true;
    case ML_URI:
    case ML_QUERYSTRING:
        return request;
    case ML_BODY:
        break;
    }
    return false;
}

/* The element name of a structure member: the reference's locationName, not
 * the target shape's (the vectors name <nested> for a member whose shape
 * says "Hello"). */
static const char *member_xml_name(const mmember *r)
{
    return r->t.location_name ? r->t.location_name : r->name;
}

/* The name a member is bound to outside the body (header, query parameter,
 * URI label): the reference's locationName, else the member's name. */
static const char *bound_name(const mmember *r)
{
    return r->t.location_name ? r->t.location_name : r->name;
}

static bool is_int_kind(mkind k)
{
    return k == MK_INTEGER || k == MK_LONG || k == MK_SHORT || k == MK_BYTE;
}

static timefmt_kind ts_kind(const mmember *r, where w)
{
    /* S3 writes body times with milliseconds: 2026-11-29T13:09:24.000Z */
    return timefmt_kind_of(mmember_ts_format(r), w == IN_HEADER ? TIMEFMT_RFC822 : TIMEFMT_ISO8601_MS);
}

static bool blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!g_ascii_isspace(s[i]))
            return false;
    return true;
}

/* ---- errors ---- */

static void fail_xml(rx *c, const char *detail)
{
    if (c->failed)
        return;
    c->failed = true;
    if (c->request)
        aws_error_set_status(c->err, 400, "MalformedXML", MALFORMED_XML_MESSAGE);
    else
        aws_error_set(c->err, "ResponseParserError", "invalid XML in the response: %s",
                      detail ? detail : "");
}

static void fail_value(rx *c, where w, const char *name, const char *text)
{
    if (c->failed)
        return;
    if (w == IN_BODY) {
        fail_xml(c, name);
        return;
    }
    c->failed = true;
    const char *kind = w == IN_HEADER ? "header" : w == IN_QUERY ? "query parameter" : "URI label";
    if (c->request) {
        /* S3's InvalidArgument names the argument in the body too */
        aws_error_set_status(c->err, 400, "InvalidArgument", "Invalid value for %s '%s': '%s'",
                             kind, name, text);
        aws_error_field(c->err, "ArgumentName", json_string(name));
        aws_error_field(c->err, "ArgumentValue", json_stringn_nocheck(text, strlen(text)));
    } else {
        aws_error_set(c->err, "ResponseParserError", "invalid value for %s '%s': '%s'", kind, name,
                      text);
    }
}

/* ---- scalars ---- */

/* Seconds as the trees hold them: an integer when whole. A time read with
 * milliseconds is snapped to the nearest millisecond so that it equals the
 * double the same decimal text would give. */
static json_t *epoch_json(double d)
{
    double ms = round(d * 1000.0);
    if (fabs(d * 1000.0 - ms) < 1e-3)
        d = ms / 1000.0;
    if (d == floor(d) && fabs(d) < 9e15)
        return json_integer((json_int_t)d);
    return json_real(d);
}

/* The shortest text that reads back as the same double ("1.1", not
 * "1.1000000000000001"), independent of the locale. */
static void append_double(GString *out, double d)
{
    if (isnan(d)) {
        g_string_append(out, "NaN");
        return;
    }
    if (isinf(d)) {
        g_string_append(out, d > 0 ? "Infinity" : "-Infinity");
        return;
    }
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    for (int p = 1; p <= 17; p++) {
        char fmt[8];
        g_snprintf(fmt, sizeof fmt, "%%.%dg", p);
        g_ascii_formatd(buf, sizeof buf, fmt, d);
        if (g_ascii_strtod(buf, NULL) == d)
            break;
    }
    g_string_append(out, buf);
}

static bool parse_int(const char *s, json_int_t *out)
{
    if (!*s)
        return false;
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (!g_ascii_isdigit(*p))
        return false;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return false;
    *out = (json_int_t)v;
    return true;
}

/* Floats as the protocols write them: decimal or exponent notation, or the
 * words NaN / Infinity / -Infinity (which the trees keep as strings).
 * strtod's own "nan", "inf" and hex forms are refused. */
static json_t *parse_float(const char *s)
{
    if (!strcmp(s, "NaN") || !strcmp(s, "Infinity") || !strcmp(s, "-Infinity"))
        return json_string(s);
    if (!*s)
        return NULL;
    for (const char *p = s; *p; p++)
        if (!g_ascii_isdigit(*p) && !strchr("+-.eE", *p))
            return NULL;
    char *end;
    double d = g_ascii_strtod(s, &end);
    if (*end || !isfinite(d))
        return NULL;
    return json_real(d);
}

static bool base64_text(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (!g_ascii_isalnum(ch) && ch != '+' && ch != '/' && ch != '=' && !g_ascii_isspace(ch))
            return false;
    }
    return true;
}

static json_t *base64_json(const char *s, size_t len)
{
    if (!base64_text(s, len))
        return NULL;
    char *tmp = g_strndup(s, len);
    gsize n = 0;
    guchar *raw = g_base64_decode(tmp, &n);
    g_free(tmp);
    json_t *v = json_stringn_nocheck((const char *)raw, n);
    g_free(raw);
    return v;
}

/* Text -> tree value of a scalar shape. NULL and !c->failed: the text holds
 * no value (an empty element of a type that has no empty value). name is
 * for error messages. */
static json_t *scalar_from_text(rx *c, const mmember *r, const char *text, size_t len, where w,
                                const char *name)
{
    mkind kind = (mkind)r->shape->kind;
    if (kind == MK_STRING) {
        if (w == IN_HEADER && mmember_flag(r, MF_JSONVALUE)) {
            json_t *raw = base64_json(text, len);
            json_t *v = NULL;
            if (raw)
                v = json_loadb(json_string_value(raw), json_string_length(raw),
                               JSON_DECODE_ANY, NULL);
            json_decref(raw);
            if (!v)
                fail_value(c, w, name, text);
            return v;
        }
        return json_stringn_nocheck(text, len);
    }
    if (kind == MK_BLOB) {
        json_t *v = base64_json(text, len);
        if (!v)
            fail_value(c, w, name, text);
        return v;
    }

    char *t = g_strstrip(g_strndup(text, len));
    json_t *v = NULL;
    if (!*t && w == IN_BODY) {
        g_free(t);
        return NULL;
    }
    switch (kind) {
    case MK_BOOLEAN: {
        /* headers and query strings are written by hand often enough that
         * case is forgiven there */
        bool ci = w != IN_BODY;
        if (ci ? !g_ascii_strcasecmp(t, "true") : !strcmp(t, "true"))
            v = json_true();
        else if (ci ? !g_ascii_strcasecmp(t, "false") : !strcmp(t, "false"))
            v = json_false();
        break;
    }
    case MK_INTEGER:
    case MK_LONG:
    case MK_SHORT:
    case MK_BYTE: {
        json_int_t i;
        if (parse_int(t, &i))
            v = json_integer(i);
        break;
    }
    case MK_FLOAT:
    case MK_DOUBLE:
        v = parse_float(t);
        break;
    case MK_TIMESTAMP: {
        double e;
        if (timefmt_parse(t, &e))
            v = epoch_json(e);
        break;
    }
    default:
        v = json_string(t);
        break;
    }
    if (!v)
        fail_value(c, w, name, t);
    g_free(t);
    return v;
}

/* Tree value -> text (header, query, URI or element text). False when the
 * value cannot be written as this shape (a handler's bug: the member is
 * left out rather than sent wrong). r NULL: a value the model does not
 * describe, written by its JSON type. */
static bool scalar_to_text(const mmember *r, json_t *v, where w, GString *out)
{
    mkind kind = r ? (mkind)r->shape->kind : MK_STRING;
    if (kind == MK_BLOB) {
        if (!json_is_string(v))
            return false;
        char *b = g_base64_encode((const guchar *)json_string_value(v), json_string_length(v));
        g_string_append(out, b);
        g_free(b);
        return true;
    }
    if (kind == MK_TIMESTAMP && json_is_number(v)) {
        timefmt_format(out, json_number_value(v), ts_kind(r, w));
        return true;
    }
    if (w == IN_HEADER && r && mmember_flag(r, MF_JSONVALUE)) {
        char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!s)
            return false;
        char *b = g_base64_encode((const guchar *)s, strlen(s));
        g_string_append(out, b);
        g_free(b);
        free(s);
        return true;
    }
    switch (json_typeof(v)) {
    case JSON_STRING:
        g_string_append_len(out, json_string_value(v), (gssize)json_string_length(v));
        return true;
    case JSON_INTEGER:
        g_string_append_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return true;
    case JSON_REAL:
        if (is_int_kind(kind))
            g_string_append_printf(out, "%lld", (long long)json_real_value(v));
        else
            append_double(out, json_real_value(v));
        return true;
    case JSON_TRUE:
        g_string_append(out, "true");
        return true;
    case JSON_FALSE:
        g_string_append(out, "false");
        return true;
    default:
        return false;
    }
}

/* ---- XML -> tree ---- */

static json_t *xml_value(rx *c, const mmember *r, const xmlr_node *n);

/* An attribute by its name as the model writes it ("xsi:type"); the prefix
 * a document chose may differ, so the local part decides when the exact
 * name is absent. */
static const char *attr_lookup(const xmlr_node *n, const char *name)
{
    const char *v = xmlr_attr(n, name);
    if (v)
        return v;
    const char *colon = strchr(name, ':');
    const char *local = colon ? colon + 1 : name;
    for (char **a = n->attrs; a && a[0] && a[1]; a += 2) {
        if (!strncmp(a[0], "xmlns", 5))
            continue;
        const char *ac = strchr(a[0], ':');
        if (strcmp(ac ? ac + 1 : a[0], local) == 0)
            return a[1];
    }
    return NULL;
}

/* One <entry> (or one flattened repetition) of a map into out. */
static void xml_map_entry(rx *c, const mshape *map, const xmlr_node *entry, json_t *out)
{
    const char *kname = map->key->t.location_name;
    const char *vname = map->value->t.location_name;
    const xmlr_node *kn = xmlr_child(entry, kname ? kname : "key");
    const xmlr_node *vn = xmlr_child(entry, vname ? vname : "value");
    if (!kn || !vn)
        return;
    json_t *v = xml_value(c, map->value, vn);
    if (v)
        json_object_set_new(out, kn->text, v);
}

/* The repetitions of a flattened list or map member among parent's
 * children; NULL when there are none. */
static json_t *xml_flattened(rx *c, const mshape *s, const xmlr_node *parent, const char *name)
{
    bool is_list = s->kind == MK_LIST;
    const xmlr_node *first = xmlr_child(parent, name);
    if (!first && is_list) {
        /* botocore's reader names flattened items after the list member */
        const char *alt = s->member->t.location_name;
        if (alt && (first = xmlr_child(parent, alt)))
            name = alt;
    }
    if (!first)
        return NULL;
    json_t *out = is_list ? json_array() : json_object();
    for (const xmlr_node *x = first; x && !c->failed; x = xmlr_next(x, name)) {
        if (is_list) {
            json_t *v = xml_value(c, s->member, x);
            if (v)
                json_array_append_new(out, v);
        } else {
            xml_map_entry(c, s, x, out);
        }
    }
    if (c->failed) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* A structure from the element n (whose own name is not checked: roots are
 * named by the sender). */
static json_t *xml_struct(rx *c, const mshape *s, const xmlr_node *n)
{
    json_t *obj = json_object();
    for (uint32_t i = 0; i < s->nmembers; i++) {
        const mmember *r = &s->members[i];
        if (bound_outside_body(r, c->request))
            continue;
        const mshape *ms = r->shape;
        const char *ename = member_xml_name(r);
        json_t *v = NULL;
        if (r->t.flags & MF_XML_TEXT) {
            /* an empty element holds no value (botocore: None) */
            if (n->text_len)
                v = scalar_from_text(c, r, n->text, n->text_len, IN_BODY, n->name);
        } else if (mmember_flag(r, MF_XML_ATTRIBUTE)) {
            const char *text = attr_lookup(n, ename);
            if (text)
                v = scalar_from_text(c, r, text, strlen(text), IN_BODY, ename);
        } else if ((ms->kind == MK_LIST || ms->kind == MK_MAP) && mmember_flag(r, MF_FLATTENED)) {
            v = xml_flattened(c, ms, n, ename);
        } else {
            const xmlr_node *child = xmlr_child(n, ename);
            if (!child && ms->t.location_name)
                child = xmlr_child(n, ms->t.location_name);
            if (child)
                v = xml_value(c, r, child);
        }
        if (c->failed) {
            json_decref(v);
            json_decref(obj);
            return NULL;
        }
        if (v)
            json_object_set_new(obj, r->name, v);
    }
    return obj;
}

static json_t *xml_value(rx *c, const mmember *r, const xmlr_node *n)
{
    const mshape *s = r->shape;
    switch ((mkind)s->kind) {
    case MK_STRUCTURE:
        return xml_struct(c, s, n);
    case MK_LIST: {
        /* every child is an item, whatever its name: the member's
         * locationName is a writer's rule, readers never needed it */
        json_t *arr = json_array();
        for (const xmlr_node *x = n->first_child; x && !c->failed; x = x->next) {
            json_t *v = xml_value(c, s->member, x);
            if (v)
                json_array_append_new(arr, v);
        }
        if (c->failed) {
            json_decref(arr);
            return NULL;
        }
        return arr;
    }
    case MK_MAP: {
        json_t *obj = json_object();
        for (const xmlr_node *x = n->first_child; x && !c->failed; x = x->next)
            xml_map_entry(c, s, x, obj);
        if (c->failed) {
            json_decref(obj);
            return NULL;
        }
        return obj;
    }
    default:
        return scalar_from_text(c, r, n->text, n->text_len, IN_BODY, n->name);
    }
}

/* Parses a body into an element tree; NULL with the protocol's error. */
static xmlr_node *parse_body(rx *c, const char *body, size_t len)
{
    char msg[256];
    xmlr_node *root = xmlr_parse(body, len, msg, sizeof msg);
    if (!root)
        fail_xml(c, msg);
    return root;
}

/* ---- tree -> XML ---- */

static void write_ns(xmlw *w, const char *uri, const char *prefix)
{
    if (!uri)
        return;
    if (prefix && *prefix) {
        char *an = g_strconcat("xmlns:", prefix, NULL);
        xmlw_attr(w, an, uri);
        g_free(an);
    } else {
        xmlw_attr(w, "xmlns", uri);
    }
}

static void xml_write(rx *c, xmlw *w, const char *name, const mmember *r, json_t *v);

static bool is_interleaved(const mmember *r)
{
    return (r->t.flags & MF_XML_INTERLEAVE) && r->shape->kind == MK_LIST && mmember_flag(r, MF_FLATTENED);
}

static json_int_t item_order(json_t *item)
{
    json_t *o = json_object_get(item, RESTXML_ORDER_KEY);
    return json_is_integer(o) ? json_integer_value(o) : (json_int_t)INT64_MAX;
}

/* The items of s's interleaved lists (restxml.h) as one run: each step
 * writes the lowest-ordered head among the lists, so the cost is the items
 * times the number of such lists. */
static void xml_write_interleaved(rx *c, xmlw *w, const mshape *s, json_t *v)
{
    size_t *next = g_new0(size_t, s->nmembers);
    for (;;) {
        const mmember *best = NULL;
        json_t *best_item = NULL;
        json_int_t best_order = 0;
        for (uint32_t i = 0; i < s->nmembers; i++) {
            const mmember *r = &s->members[i];
            json_t *item = is_interleaved(r) ? json_array_get(json_object_get(v, r->name), next[i]) : NULL;
            if (item && (!best || item_order(item) < best_order)) {
                best = r;
                best_item = item;
                best_order = item_order(item);
            }
        }
        if (!best)
            break;
        next[best - s->members]++;
        xml_write(c, w, member_xml_name(best), best->shape->member, best_item);
    }
    g_free(next);
}

/* <name ns attrs>members</name>, members in the model's order. A member
 * marked MF_XML_TEXT is the element's own text, written even when the tree
 * has none (<LocationConstraint xmlns="..."></LocationConstraint>).
 * Interleaved lists are written together where the first of them is. */
static void xml_write_struct(rx *c, xmlw *w, const char *name, const char *ns_uri,
                             const char *ns_prefix, const mshape *s, json_t *v)
{
    xmlw_start(w, name);
    write_ns(w, ns_uri, ns_prefix);
    for (uint32_t i = 0; i < s->nmembers; i++) {
        const mmember *r = &s->members[i];
        json_t *mv = json_object_get(v, r->name);
        if (!mv || json_is_null(mv) || bound_outside_body(r, false) ||
            !mmember_flag(r, MF_XML_ATTRIBUTE))
            continue;
        GString *t = g_string_new(NULL);
        if (scalar_to_text(r, mv, IN_BODY, t))
            xmlw_attr(w, member_xml_name(r), t->str);
        g_string_free(t, TRUE);
    }
    bool interleaved = false;
    for (uint32_t i = 0; i < s->nmembers; i++) {
        const mmember *r = &s->members[i];
        json_t *mv = json_object_get(v, r->name);
        if (is_interleaved(r)) {
            if (!interleaved)
                xml_write_interleaved(c, w, s, v);
            interleaved = true;
            continue;
        }
        if (r->t.flags & MF_XML_TEXT) {
            GString *t = g_string_new(NULL);
            if (mv && !json_is_null(mv))
                scalar_to_text(r, mv, IN_BODY, t);
            xmlw_text(w, t->str, t->len);
            g_string_free(t, TRUE);
            continue;
        }
        if (!mv || json_is_null(mv) || bound_outside_body(r, false) ||
            mmember_flag(r, MF_XML_ATTRIBUTE))
            continue;
        xml_write(c, w, member_xml_name(r), r, mv);
    }
    xmlw_end(w);
}

static void xml_write_entry(rx *c, xmlw *w, const mshape *map, const char *key, json_t *v)
{
    const char *kname = map->key->t.location_name;
    const char *vname = map->value->t.location_name;
    json_t *k = json_string(key);
    xml_write(c, w, kname ? kname : "key", map->key, k);
    json_decref(k);
    xml_write(c, w, vname ? vname : "value", map->value, v);
}

static void xml_write(rx *c, xmlw *w, const char *name, const mmember *r, json_t *v)
{
    if (!v || json_is_null(v))
        return;
    const mshape *s = r->shape;
    const char *ns_prefix;
    const char *ns_uri = mmember_xmlns(r, &ns_prefix);
    bool flat = mmember_flag(r, MF_FLATTENED);

    switch ((mkind)s->kind) {
    case MK_STRUCTURE:
        if (json_is_object(v))
            xml_write_struct(c, w, name, ns_uri, ns_prefix, s, v);
        return;
    case MK_LIST: {
        if (!json_is_array(v))
            return;
        const char *iname = s->member->t.location_name;
        size_t i;
        json_t *item;
        if (flat) {
            json_array_foreach(v, i, item)
                xml_write(c, w, name, s->member, item);
            return;
        }
        xmlw_start(w, name);
        write_ns(w, ns_uri, ns_prefix);
        json_array_foreach(v, i, item)
            xml_write(c, w, iname ? iname : "member", s->member, item);
        xmlw_end(w);
        return;
    }
    case MK_MAP: {
        if (!json_is_object(v))
            return;
        const char *k;
        json_t *item;
        if (flat) {
            json_object_foreach(v, k, item) {
                xmlw_start(w, name);
                write_ns(w, ns_uri, ns_prefix);
                xml_write_entry(c, w, s, k, item);
                xmlw_end(w);
            }
            return;
        }
        xmlw_start(w, name);
        write_ns(w, ns_uri, ns_prefix);
        json_object_foreach(v, k, item) {
            xmlw_start(w, "entry");
            xml_write_entry(c, w, s, k, item);
            xmlw_end(w);
        }
        xmlw_end(w);
        return;
    }
    default:
        break;
    }
    GString *t = g_string_new(NULL);
    if (scalar_to_text(r, v, IN_BODY, t)) {
        xmlw_start(w, name);
        write_ns(w, ns_uri, ns_prefix);
        xmlw_text(w, t->str, t->len);
        xmlw_end(w);
    }
    g_string_free(t, TRUE);
}

/* A value the model does not describe (an error field outside any error
 * shape): strings, numbers and booleans as text, objects as nested
 * elements, arrays as repeated elements. */
static void xml_write_any(xmlw *w, const char *name, json_t *v)
{
    if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
            xml_write_any(w, name, item);
        return;
    }
    if (json_is_object(v)) {
        xmlw_start(w, name);
        const char *k;
        json_t *item;
        json_object_foreach(v, k, item)
            xml_write_any(w, k, item);
        xmlw_end(w);
        return;
    }
    GString *t = g_string_new(NULL);
    if (scalar_to_text(NULL, v, IN_BODY, t))
        xmlw_element_len(w, name, t->str, t->len);
    g_string_free(t, TRUE);
}

/* ---- headers ---- */

/* A header list: comma-separated, items optionally double-quoted with
 * backslash escapes (botocore quotes items holding ',' or '"'). HTTP dates
 * hold a comma of their own ("Mon, 16 Dec 2019 ..."): with http_dates a
 * lone weekday is joined to what follows it. Returns char* items (owned). */
static GPtrArray *split_header_list(const char *s, bool http_dates)
{
    GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
    if (blank(s, strlen(s)))
        return items;
    const char *p = s;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        GString *item = g_string_new(NULL);
        if (*p == '"') {
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1])
                    p++;
                g_string_append_c(item, *p++);
            }
            if (*p == '"')
                p++;
            while (*p && *p != ',')
                p++;
        } else {
            const char *start = p;
            while (*p && *p != ',')
                p++;
            const char *end = p;
            while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
                end--;
            g_string_append_len(item, start, end - start);
        }
        g_ptr_array_add(items, g_string_free(item, FALSE));
        if (*p != ',')
            break;
        p++;
    }
    if (!http_dates)
        return items;
    GPtrArray *joined = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < items->len; i++) {
        const char *it = g_ptr_array_index(items, i);
        if (strlen(it) == 3 && g_ascii_isalpha(it[0]) && g_ascii_isalpha(it[1]) &&
            g_ascii_isalpha(it[2]) && i + 1 < items->len) {
            g_ptr_array_add(joined,
                            g_strdup_printf("%s, %s", it, (char *)g_ptr_array_index(items, i + 1)));
            i++;
        } else {
            g_ptr_array_add(joined, g_strdup(it));
        }
    }
    g_ptr_array_free(items, TRUE);
    return joined;
}

/* A header's text -> the member's value (NULL + c->failed when invalid). */
static json_t *header_value(rx *c, const mmember *r, const char *text, const char *name)
{
    if (r->shape->kind != MK_LIST)
        return scalar_from_text(c, r, text, strlen(text), IN_HEADER, name);
    const mmember *item = r->shape->member;
    bool dates = item->shape->kind == MK_TIMESTAMP && ts_kind(item, IN_HEADER) == TIMEFMT_RFC822;
    GPtrArray *items = split_header_list(text, dates);
    json_t *arr = json_array();
    for (guint i = 0; i < items->len && !c->failed; i++) {
        const char *it = g_ptr_array_index(items, i);
        json_t *v = scalar_from_text(c, item, it, strlen(it), IN_HEADER, name);
        if (v)
            json_array_append_new(arr, v);
    }
    g_ptr_array_free(items, TRUE);
    if (c->failed) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* A member's value as header text: lists comma-separated, string items
 * quoted when they hold ',' or '"'. False when it has none to send. */
static bool header_text(const mmember *r, json_t *v, GString *out)
{
    if (r->shape->kind != MK_LIST)
        return scalar_to_text(r, v, IN_HEADER, out);
    if (!json_is_array(v))
        return false;
    const mmember *iref = r->shape->member;
    bool first = true;
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        GString *it = g_string_new(NULL);
        if (!json_is_null(item) && scalar_to_text(iref, item, IN_HEADER, it)) {
            if (!first)
                g_string_append(out, ", ");
            first = false;
            if (iref->shape->kind == MK_STRING && strpbrk(it->str, ",\"")) {
                g_string_append_c(out, '"');
                for (const char *p = it->str; *p; p++) {
                    if (*p == '"' || *p == '\\')
                        g_string_append_c(out, '\\');
                    g_string_append_c(out, *p);
                }
                g_string_append_c(out, '"');
            } else {
                g_string_append_len(out, it->str, (gssize)it->len);
            }
        }
        g_string_free(it, TRUE);
    }
    return true;
}

/* The response's headers from the bound members of an output (or error)
 * shape; *status from a statusCode member. */
static void write_bound_headers(const mshape *s, json_t *tree, http_response *resp, int *status)
{
    for (uint32_t i = 0; i < s->nmembers; i++) {
        const mmember *r = &s->members[i];
        json_t *v = json_object_get(tree, r->name);
        if (!v || json_is_null(v))
            continue;
        const char *lname = r->t.location_name;
        switch ((mlocation)r->location) {
        case ML_STATUSCODE:
            if (json_is_integer(v) && status)
                *status = (int)json_integer_value(v);
            break;
        case ML_HEADERS: {
            const char *k;
            json_t *hv;
            json_object_foreach(v, k, hv) {
                if (!json_is_string(hv))
                    continue;
                char *hn = g_strconcat(lname ? lname : "", k, NULL);
                http_response_set_header(resp, hn, json_string_value(hv));
                g_free(hn);
            }
            break;
        }
        case ML_HEADER: {
            GString *t = g_string_new(NULL);
            if (header_text(r, v, t))
                http_response_set_header(resp, bound_name(r), t->str);
            g_string_free(t, TRUE);
            break;
        }
        default:
            break;
        }
    }
}

/* The prefixed headers of a "headers" member as a map (always present,
 * even empty, as botocore hands it out). */
static json_t *prefixed_headers(const char *prefix, const http_header *h, size_t n)
{
    json_t *map = json_object();
    size_t plen = prefix ? strlen(prefix) : 0;
    for (size_t i = 0; i < n; i++)
        if (strlen(h[i].name) > plen && !g_ascii_strncasecmp(h[i].name, prefix ? prefix : "", plen))
            json_object_set_new(map, h[i].name + plen,
                                json_stringn_nocheck(h[i].value, strlen(h[i].value)));
    return map;
}

/* Bound members of a response (or error) shape from its status and
 * headers, into out. */
static int read_bound_response(rx *c, const mshape *s, const http_response *resp, int status,
                               json_t *out)
{
    for (uint32_t i = 0; i < s->nmembers; i++) {
        const mmember *r = &s->members[i];
        switch ((mlocation)r->location) {
        case ML_STATUSCODE:
            json_object_set_new(out, r->name, json_integer(status));
            break;
        case ML_HEADERS:
            json_object_set_new(out, r->name,
                                prefixed_headers(r->t.location_name,
                                                 (const http_header *)(void *)resp->headers->data,
                                                 resp->headers->len));
            break;
        case ML_HEADER: {
            const char *text = http_response_header(resp, bound_name(r));
            if (!text)
                break;
            json_t *v = header_value(c, r, text, bound_name(r));
            if (c->failed)
                return -1;
            if (v)
                json_object_set_new(out, r->name, v);
            break;
        }
        default:
            break;
        }
    }
    return 0;
}

/* ---- operation matching ---- */

#define MAX_LABELS 16

typedef struct label_span {
    const char *name;
    size_t name_len;
    const char *val;
    size_t val_len;
} label_span;

typedef struct path_match {
    label_span labels[MAX_LABELS];
    int n;
} path_match;

/* Template [t, tend) against raw path [p, pend). A label matches one or more
 * characters of one segment; a greedy label ({Key+}) any run of one or more
 * characters. Longest first, with backtracking (templates hold a few labels
 * at most). */
static bool match_from(const char *t, const char *tend, const char *p, const char *pend,
                       path_match *pm)
{
    while (t < tend && *t != '{') {
        if (p >= pend || *p != *t)
            return false;
        t++;
        p++;
    }
    if (t == tend)
        return p == pend;
    const char *close = memchr(t, '}', (size_t)(tend - t));
    if (!close || close == t + 1)
        return false;
    bool greedy = close[-1] == '+';
    const char *lim = p;
    if (greedy)
        lim = pend;
    else
        while (lim < pend && *lim != '/')
            lim++;
    /* what follows the label, when a literal, is where the label may end */
    const char *after = close + 1;
    bool literal_next = after < tend && *after != '{';
    for (const char *e = lim; e > p; e--) {
        if (after == tend ? e != pend : literal_next && (e == pend || *e != *after))
            continue;
        int saved = pm->n;
        if (pm->n < MAX_LABELS)
            pm->labels[pm->n++] = (label_span){t + 1, (size_t)(close - t - 1 - greedy), p,
                                               (size_t)(e - p)};
        if (match_from(close + 1, tend, e, pend, pm))
            return true;
        pm->n = saved;
    }
    return false;
}

/* lenient: one trailing '/' of the path may be ignored when the template
 * ends in a label ("/bucket/" for "/{Bucket}"). */
static bool match_path(const char *tmpl, size_t tlen, const char *path, bool lenient,
                       path_match *pm)
{
    if (!*path)
        path = "/";
    size_t plen = strlen(path);
    pm->n = 0;
    if (!lenient)
        return match_from(tmpl, tmpl + tlen, path, path + plen, pm);
    if (plen > 1 && path[plen - 1] == '/' && tlen > 0 && tmpl[tlen - 1] == '}')
        return match_from(tmpl, tmpl + tlen, path, path + plen - 1, pm);
    return false;
}

/* Does the request carry every query literal of the template ("uploads",
 * "list-type=2")? *count: how many there are. Runs for every candidate of
 * every request: walks the template in place. */
static bool query_literals_present(const char *qt, const http_params *q, int *count)
{
    *count = 0;
    bool ok = true;
    for (const char *p = qt; p && *p;) {
        const char *end = strchr(p, '&');
        if (!end)
            end = p + strlen(p);
        if (end > p) {
            (*count)++;
            const char *eq = memchr(p, '=', (size_t)(end - p));
            size_t nlen = (size_t)((eq ? eq : end) - p);
            size_t vlen = eq ? (size_t)(end - eq - 1) : 0;
            bool found = false;
            for (guint i = 0; i < q->items->len && !found; i++) {
                const http_param *it = &g_array_index(q->items, http_param, i);
                found = !strncmp(it->name, p, nlen) && !it->name[nlen] &&
                        (!eq || (!strncmp(it->value, eq + 1, vlen) && !it->value[vlen]));
            }
            if (!found)
                ok = false;
        }
        p = *end ? end + 1 : end;
    }
    return ok;
}

typedef struct op_score {
    int query_literals;
    int path_literals;
    int all_required;
    int required_present;
    int not_deprecated;
    int implemented;
} op_score;

static int score_cmp(const op_score *a, const op_score *b)
{
    const int x[] = {a->query_literals, a->path_literals, a->all_required, a->required_present,
                     a->not_deprecated, a->implemented};
    const int y[] = {b->query_literals, b->path_literals, b->all_required, b->required_present,
                     b->not_deprecated, b->implemented};
    for (size_t i = 0; i < G_N_ELEMENTS(x); i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

static bool query_has(const http_params *q, const char *name)
{
    return http_params_get(q, name) != NULL;
}

static void score_required(const mop *op, const http_request *req, const http_params *q,
                           op_score *s)
{
    s->all_required = 1;
    s->required_present = 0;
    const mshape *in = op->input ? op->input->shape : NULL;
    for (uint32_t i = 0; in && i < in->nmembers; i++) {
        const mmember *r = &in->members[i];
        if (!(r->t.flags & MF_REQUIRED))
            continue;
        bool present;
        if (r->location == ML_HEADER)
            present = http_request_header(req, bound_name(r)) != NULL;
        else if (r->location == ML_QUERYSTRING)
            present = query_has(q, bound_name(r));
        else
            continue;
        if (present)
            s->required_present++;
        else
            s->all_required = 0;
    }
}

static void split_uri(const char *uri, size_t *path_len, const char **query_tmpl)
{
    const char *qm = strchr(uri, '?');
    *path_len = qm ? (size_t)(qm - uri) : strlen(uri);
    *query_tmpl = qm ? qm + 1 : NULL;
}

static int literal_chars(const char *t, size_t len)
{
    int n = 0, depth = 0;
    for (size_t i = 0; i < len; i++) {
        if (t[i] == '{')
            depth++;
        else if (t[i] == '}')
            depth--;
        else if (!depth)
            n++;
    }
    return n;
}

size_t restxml_match_operations(const model *m, const http_request *req, const char **names,
                                size_t max)
{
    http_params q;
    /* a malformed escape leaves the pairs read so far: enough to route on,
     * and parse_request reports the escape */
    http_params_parse(&q, req->query, strlen(req->query), true);
    size_t count = 0;
    for (int lenient = 0; lenient < 2 && count == 0; lenient++) {
        op_score best = {0};
        for (uint32_t i = 0; i < m->nops; i++) {
            const mop *op = &m->ops[i];
            const char *uri = op->request_uri;
            if (!uri || !op->http_method || op->http_method[0] != req->method[0] ||
                strcmp(op->http_method, req->method) != 0)
                continue;
            size_t tlen;
            const char *qt;
            split_uri(uri, &tlen, &qt);
            path_match pm;
            op_score s = {0};
            if (!match_path(uri, tlen, req->path, lenient, &pm) ||
                !query_literals_present(qt, &q, &s.query_literals))
                continue;
            s.path_literals = literal_chars(uri, tlen);
            score_required(op, req, &q, &s);
            s.not_deprecated = !(op->flags & MF_DEPRECATED);
            s.implemented = !(op->flags & MF_TRIMMED);
            int cmp = count ? score_cmp(&s, &best) : 1;
            if (cmp < 0)
                continue;
            if (cmp > 0) {
                best = s;
                count = 0;
            }
            if (count < max)
                names[count] = op->name;
            count++;
        }
    }
    http_params_clear(&q);
    return count;
}

static const char *rx_operation_name(const model *m, const http_request *req, char *buf,
                                     size_t buflen, aws_error *err)
{
    const char *name = NULL;
    if (restxml_match_operations(m, req, &name, 1) == 0) {
        aws_error_set_status(err, 405, "MethodNotAllowed",
                             "The specified method is not allowed against this resource.");
        aws_error_field(err, "Method", json_string(req->method));
        return NULL;
    }
    return name;
}

/* ---- requests ---- */

/* The name of the first query parameter whose name or value holds a NUL
 * byte (%00), as valid UTF-8 (g_free), or NULL. */
static char *query_param_with_nul(const http_params *q)
{
    for (guint i = 0; i < q->items->len; i++) {
        const http_param *it = &g_array_index(q->items, http_param, i);
        if (strlen(it->name) != it->name_len || strlen(it->value) != it->value_len)
            return g_utf8_make_valid(it->name, -1);
    }
    return NULL;
}

static void read_uri_labels(rx *c, const mshape *s, const char *tmpl, size_t tlen,
                            const http_request *req, json_t *out)
{
    path_match pm;
    if (!match_path(tmpl, tlen, req->path, false, &pm) &&
        !match_path(tmpl, tlen, req->path, true, &pm))
        return;
    for (uint32_t k = 0; k < s->nmembers; k++) {
        const mmember *r = &s->members[k];
        if (r->location != ML_URI)
            continue;
        const char *lname = bound_name(r);
        for (int i = 0; i < pm.n; i++) {
            const label_span *l = &pm.labels[i];
            if (strlen(lname) != l->name_len || strncmp(lname, l->name, l->name_len))
                continue;
            size_t n;
            /* S3 reads '+' in a path as a space (libs3 and hand-built URLs
             * rely on it); a plus is sent as %2B */
            char *dec = http_percent_decode(l->val, l->val_len, true, &n);
            json_t *v = NULL;
            if (dec) {
                v = scalar_from_text(c, r, dec, n, IN_URI, lname);
            } else {
                char *raw = g_strndup(l->val, l->val_len);
                fail_value(c, IN_URI, lname, raw);
                g_free(raw);
            }
            g_free(dec);
            if (c->failed)
                return;
            if (v)
                json_object_set_new(out, r->name, v);
            break;
        }
    }
}

static void read_query(rx *c, const mshape *s, const char *query_tmpl, const http_params *q,
                       json_t *out)
{
    /* names the map members may not take: the named members' and the
     * template's own literals */
    GHashTable *claimed = g_hash_table_new(g_str_hash, g_str_equal);
    char **lits = query_tmpl ? g_strsplit(query_tmpl, "&", -1) : NULL;
    for (char **tk = lits; tk && *tk; tk++) {
        char *eq = strchr(*tk, '=');
        if (eq)
            *eq = '\0';
        g_hash_table_add(claimed, *tk);
    }
    for (uint32_t k = 0; k < s->nmembers; k++) {
        const mmember *r = &s->members[k];
        const mshape *ms = r->shape;
        if (r->location != ML_QUERYSTRING || ms->kind == MK_MAP)
            continue;
        const char *lname = bound_name(r);
        g_hash_table_add(claimed, (gpointer)lname);
        if (ms->kind == MK_LIST) {
            json_t *arr = NULL;
            for (guint i = 0; i < q->items->len && !c->failed; i++) {
                const http_param *it = &g_array_index(q->items, http_param, i);
                if (strcmp(it->name, lname))
                    continue;
                json_t *v = scalar_from_text(c, ms->member, it->value, it->value_len, IN_QUERY, lname);
                if (!arr)
                    arr = json_array();
                if (v)
                    json_array_append_new(arr, v);
            }
            if (arr)
                json_object_set_new(out, r->name, arr);
        } else {
            const char *text = http_params_get(q, lname);
            json_t *v = NULL;
            if (text)
                v = scalar_from_text(c, r, text, strlen(text), IN_QUERY, lname);
            if (v)
                json_object_set_new(out, r->name, v);
        }
        if (c->failed)
            goto done;
    }
    for (uint32_t k = 0; k < s->nmembers; k++) {
        const mmember *r = &s->members[k];
        if (r->location != ML_QUERYSTRING || r->shape->kind != MK_MAP)
            continue;
        bool lists = r->shape->value->shape->kind == MK_LIST;
        json_t *map = json_object();
        for (guint i = 0; i < q->items->len; i++) {
            const char *name = g_array_index(q->items, http_param, i).name;
            const char *v = g_array_index(q->items, http_param, i).value;
            if (g_hash_table_contains(claimed, name) || !g_utf8_validate(name, -1, NULL))
                continue;
            if (lists) {
                json_t *arr = json_object_get(map, name);
                if (!arr)
                    json_object_set_new(map, name, arr = json_array());
                json_array_append_new(arr, json_stringn_nocheck(v, strlen(v)));
            } else if (!json_object_get(map, name)) {
                json_object_set_new(map, name, json_stringn_nocheck(v, strlen(v)));
            }
        }
        if (json_object_size(map))
            json_object_set_new(out, r->name, map);
        else
            json_decref(map);
    }
done:
    g_hash_table_destroy(claimed);
    g_strfreev(lits);
}

static void read_request_headers(rx *c, const mshape *s, const http_request *req, json_t *out)
{
    for (uint32_t k = 0; k < s->nmembers; k++) {
        const mmember *r = &s->members[k];
        if (r->location == ML_HEADER) {
            const char *text = http_request_header(req, bound_name(r));
            if (!text)
                continue;
            json_t *v = header_value(c, r, text, bound_name(r));
            if (c->failed)
                return;
            if (v)
                json_object_set_new(out, r->name, v);
        } else if (r->location == ML_HEADERS) {
            json_object_set_new(out, r->name,
                                prefixed_headers(r->t.location_name, req->headers, req->nheaders));
        }
    }
}

static bool has_body_members(const mshape *s, bool request)
{
    for (uint32_t k = 0; k < s->nmembers; k++)
        if (!bound_outside_body(&s->members[k], request))
            return true;
    return false;
}

/* The body (payload member or the body members) into out. */
static void read_body(rx *c, const mshape *s, const char *body, size_t len, bool keep_streaming,
                      json_t *out)
{
    const mmember *pref = s->payload;
    if (pref) {
        mkind pk = (mkind)pref->shape->kind;
        if (pk == MK_BLOB || pk == MK_STRING) {
            /* a streaming body belongs to the handler, not to the tree */
            bool streaming = mmember_flag(pref, MF_STREAMING);
            if (len > 0 && (!streaming || keep_streaming))
                json_object_set_new(out, pref->name, json_stringn_nocheck(body, len));
            return;
        }
        if (blank(body, len))
            return;
        xmlr_node *root = parse_body(c, body, len);
        if (!root)
            return;
        json_t *v = xml_value(c, pref, root);
        if (v)
            json_object_set_new(out, pref->name, v);
        xmlr_free(root);
        return;
    }
    if (blank(body, len) || !has_body_members(s, c->request))
        return;
    xmlr_node *root = parse_body(c, body, len);
    if (!root)
        return;
    json_t *v = xml_struct(c, s, root);
    if (v)
        json_object_update(out, v);
    json_decref(v);
    xmlr_free(root);
}

static int rx_parse_request(const model *m, const char *op_name, const http_request *req,
                            json_t **input, aws_error *err)
{
    *input = NULL;
    const mop *op = model_find_op(m, op_name);
    if (!op)
        return aws_error_set_status(err, 405, "MethodNotAllowed",
                                    "The specified method is not allowed against this resource.");
    const mshape *shape = op->input ? op->input->shape : NULL;
    if (!shape) {
        *input = json_object();
        return 0;
    }
    rx c = {.err = err, .request = true};
    json_t *in = json_object();
    const char *uri = op->request_uri;
    size_t tlen = 0;
    const char *qt = NULL;
    if (uri)
        split_uri(uri, &tlen, &qt);

    http_params q;
    if (!http_params_parse(&q, req->query, strlen(req->query), true)) {
        http_params_clear(&q);
        json_decref(in);
        return aws_error_set_status(err, 400, "InvalidArgument",
                                    "The query string holds a malformed percent-escape.");
    }
    char *nul_name = query_param_with_nul(&q);
    if (nul_name) {
        /* S3 reads its query parameters as text: a NUL is refused rather
         * than let the value end there (prefix=a%00b listing "a...") */
        fail_value(&c, IN_QUERY, nul_name, "(a value holding a NUL character)");
        g_free(nul_name);
        http_params_clear(&q);
        json_decref(in);
        return -1;
    }
    if (uri)
        read_uri_labels(&c, shape, uri, tlen, req, in);
    if (!c.failed)
        read_query(&c, shape, qt, &q, in);
    if (!c.failed)
        read_request_headers(&c, shape, req, in);
    if (!c.failed)
        read_body(&c, shape, req->body, req->body_len, false, in);
    http_params_clear(&q);
    if (c.failed) {
        json_decref(in);
        return -1;
    }
    *input = in;
    return 0;
}

/* ---- responses ---- */

static void set_xml_content_type(http_response *resp)
{
    if (!http_response_header(resp, "Content-Type"))
        http_response_set_header(resp, "Content-Type", "application/xml");
}

/* Is a structure's element text, as the value of one of its members? */
static bool has_xml_text(const mshape *s)
{
    for (uint32_t i = 0; i < s->nmembers; i++)
        if (s->members[i].t.flags & MF_XML_TEXT)
            return true;
    return false;
}

/* Does the output carry anything for the body? A structure whose element
 * holds text always does (S3 writes <LocationConstraint ...></LocationConstraint>
 * for us-east-1). */
static bool has_body_values(const mshape *s, json_t *output)
{
    if (has_xml_text(s))
        return true;
    for (uint32_t i = 0; i < s->nmembers; i++) {
        const mmember *r = &s->members[i];
        json_t *v = json_object_get(output, r->name);
        if (v && !json_is_null(v) && !bound_outside_body(r, false))
            return true;
    }
    return false;
}

static int rx_serialize_output(const model *m, const char *op_name, json_t *output,
                               const char *request_id, http_response *resp)
{
    const mop *op = model_find_op(m, op_name);
    if (!op)
        return -1;
    int status = op->response_code;
    if (status <= 0)
        status = 200;
    const mshape *shape = op->output ? op->output->shape : NULL;
    /* A handler may have set a status the model cannot express (206 for a
     * range); a member bound to the status code still wins. */
    int model_status = status;
    if (shape && json_is_object(output)) {
        rx c = {0};
        write_bound_headers(shape, output, resp, &status);
        const mmember *pref = shape->payload;
        if (pref) {
            const mshape *ps = pref->shape;
            json_t *v = json_object_get(output, pref->name);
            if (v && !json_is_null(v)) {
                if (ps->kind == MK_BLOB || ps->kind == MK_STRING) {
                    if (json_is_string(v))
                        g_string_append_len(resp->body, json_string_value(v),
                                            (gssize)json_string_length(v));
                } else if (json_is_object(v)) {
                    const char *root = mmember_location_name(pref);
                    if (!root)
                        root = ps->name;
                    const char *ns_prefix;
                    const char *ns_uri = mmember_xmlns(pref, &ns_prefix);
                    xmlw w;
                    xmlw_init(&w, resp->body, 1);
                    xml_write_struct(&c, &w, root, ns_uri, ns_prefix, ps, v);
                    xmlw_finish(&w);
                    set_xml_content_type(resp);
                }
            }
        } else if (has_body_values(shape, output)) {
            /* S3 names its roots (ListBucketResult, ...) apart from its
             * shapes: a trimmed model carries that as the output shape's
             * locationName */
            const char *root = shape->t.location_name ? shape->t.location_name : shape->name;
            const char *ns_uri = shape->t.xmlns_uri;
            const char *ns_prefix = shape->t.xmlns_prefix;
            if (!ns_uri) {
                ns_uri = m->xml_namespace;
                ns_prefix = NULL;
            }
            xmlw w;
            xmlw_init(&w, resp->body, 1);
            /* a body that is one element of text goes out as S3 writes
             * GetBucketLocation's, the declaration on a line of its own */
            if (has_xml_text(shape))
                g_string_append_c(resp->body, '\n');
            xml_write_struct(&c, &w, root, ns_uri, ns_prefix, shape, output);
            xmlw_finish(&w);
            set_xml_content_type(resp);
        }
    }
    resp->status = status == model_status && resp->status ? resp->status : status;
    return 0;
}

void restxml_host_id(GString *out, const char *request_id)
{
    static const char salt[] = "mockaws host id:";
    /* nettle's SHA-256 and base64 into the stack: every S3 answer has one */
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, sizeof salt - 1, (const uint8_t *)salt);
    if (request_id)
        sha256_update(&ctx, strlen(request_id), (const uint8_t *)request_id);
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_digest(&ctx, sizeof digest, digest);
    char b64[BASE64_ENCODE_RAW_LENGTH(SHA256_DIGEST_SIZE)];
    base64_encode_raw(b64, sizeof digest, digest);
    g_string_append_len(out, b64, sizeof b64);
}

static void rx_serialize_error(const model *m, const char *op, const aws_error *err,
                               const char *request_id, http_response *resp)
{
    const char *code = err->code ? err->code : "InternalError";
    const mshape *eshape = model_find_error(m, code);
    int status = err->status;
    if (status <= 0 && eshape)
        status = eshape->error_status;
    if (status <= 0)
        status = err->sender == 0 ? 500 : 400;

    rx c = {0};
    if (eshape && err->fields)
        write_bound_headers(eshape, err->fields, resp, NULL);

    xmlw w;
    xmlw_init(&w, resp->body, 1);
    xmlw_start(&w, "Error");
    xmlw_element(&w, "Code", code);
    const char *message = err->message;
    if (!message)
        message = json_string_value(json_object_get(err->fields, "Message"));
    if (message)
        xmlw_element(&w, "Message", message);
    const char *k;
    json_t *v;
    json_object_foreach(err->fields, k, v) {
        if (!strcmp(k, "Code") || !strcmp(k, "Message") || !strcmp(k, "RequestId") ||
            !strcmp(k, "HostId") || json_is_null(v))
            continue;
        /* error bodies are rare and short: a member by name will do */
        const mmember *r = mshape_member(eshape, k);
        if (r) {
            if (!bound_outside_body(r, false))
                xml_write(&c, &w, member_xml_name(r), r, v);
        } else {
            xml_write_any(&w, k, v);
        }
    }
    xmlw_element(&w, "RequestId", request_id ? request_id : "");
    const char *host_id = http_response_header(resp, "x-amz-id-2");
    if (host_id) {
        xmlw_element(&w, "HostId", host_id);
    } else {
        GString *h = g_string_new(NULL);
        restxml_host_id(h, request_id);
        xmlw_element(&w, "HostId", h->str);
        g_string_free(h, TRUE);
    }
    xmlw_finish(&w);
    http_response_set_header(resp, "Content-Type", "application/xml");
    resp->status = status;
}

/* Elements of an error body the model does not describe, as strings (or
 * nested objects), the way botocore hands them out. */
static json_t *generic_fields(const xmlr_node *n, bool envelope)
{
    static const char *const skip[] = {"Code", "Message", "RequestId", "HostId", "Type"};
    json_t *obj = json_object();
    for (const xmlr_node *x = n->first_child; x; x = x->next) {
        const char *name = xmlr_local_name(x);
        bool skipped = false;
        for (size_t i = 0; envelope && i < G_N_ELEMENTS(skip); i++)
            skipped = skipped || !strcmp(name, skip[i]);
        if (skipped)
            continue;
        if (xmlr_has_children(x))
            json_object_set_new(obj, name, generic_fields(x, false));
        else
            json_object_set_new(obj, name, json_stringn_nocheck(x->text, x->text_len));
    }
    return obj;
}

static void parse_error(const model *m, const http_response *resp, int status, aws_error *err)
{
    aws_error_clear(err);
    size_t len;
    const char *body = http_response_body(resp, &len);
    xmlr_node *root = NULL;
    if (!blank(body, len)) {
        char msg[256];
        root = xmlr_parse(body, len, msg, sizeof msg);
    }
    /* S3 answers <Error>; other rest-xml services <ErrorResponse><Error> */
    const xmlr_node *en = root;
    if (en && !strcmp(xmlr_local_name(en), "ErrorResponse"))
        en = xmlr_child(en, "Error");
    if (en && strcmp(xmlr_local_name(en), "Error"))
        en = NULL;

    const xmlr_node *cn = en ? xmlr_child(en, "Code") : NULL;
    const xmlr_node *mn = en ? xmlr_child(en, "Message") : NULL;
    const xmlr_node *tn = en ? xmlr_child(en, "Type") : NULL;
    /* without a body (HEAD) the status is all there is, as botocore says */
    err->code = cn && cn->text_len ? g_strdup(cn->text) : g_strdup_printf("%d", status);
    err->message = mn ? g_strdup(mn->text) : NULL;
    err->status = status;
    if (tn)
        err->sender = !strcmp(tn->text, "Sender") ? 1 : !strcmp(tn->text, "Receiver") ? 0 : -1;

    const mshape *eshape = model_find_error(m, err->code);
    json_t *fields = NULL;
    if (eshape && eshape->nmembers > 0) {
        aws_error scratch = AWS_ERROR_INIT;
        rx c = {.err = &scratch};
        fields = en ? xml_struct(&c, eshape, en) : json_object();
        if (fields && read_bound_response(&c, eshape, resp, status, fields) < 0) {
            json_decref(fields);
            fields = NULL;
        }
        aws_error_clear(&scratch);
    }
    /* S3's error shapes have no members, yet its bodies carry Key,
     * BucketName, ...: those are kept as strings */
    if (!fields && en)
        fields = generic_fields(en, true);
    if (fields && json_object_size(fields) > 0)
        err->fields = fields;
    else
        json_decref(fields);
    xmlr_free(root);
}

static int rx_parse_response(const model *m, const char *op_name, const http_response *resp,
                             json_t **output, aws_error *err)
{
    *output = NULL;
    int status = resp->status ? resp->status : 200;
    if (status >= 300) {
        parse_error(m, resp, status, err);
        return -1;
    }
    const mop *op = model_find_op(m, op_name);
    const mshape *shape = op && op->output ? op->output->shape : NULL;
    json_t *out = json_object();
    if (shape) {
        rx c = {.err = err};
        size_t len;
        const char *body = http_response_body(resp, &len);
        if (read_bound_response(&c, shape, resp, status, out) == 0)
            read_body(&c, shape, body, len, true, out);
        if (c.failed) {
            json_decref(out);
            return -1;
        }
    }
    *output = out;
    return 0;
}

/* S3's pair: the request id and the host id derived from it (the same one
 * an error body names). */
static void rx_finish_response(const char *request_id, http_response *resp)
{
    http_response_set_header(resp, "x-amz-request-id", request_id);
    GString *host_id = g_string_new(NULL);
    restxml_host_id(host_id, request_id);
    http_response_set_header(resp, "x-amz-id-2", host_id->str);
    g_string_free(host_id, TRUE);
}

const wire_protocol wire_rest_xml = {
    .name = "rest-xml",
    .reqid_style = WIRE_REQID_HEX16,
    .operation_name = rx_operation_name,
    .parse_request = rx_parse_request,
    .serialize_output = rx_serialize_output,
    .serialize_error = rx_serialize_error,
    .parse_response = rx_parse_response,
    .finish_response = rx_finish_response,
};
