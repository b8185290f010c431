#include "services/s3/inspect.h"

#include <string.h>

#include "services/inspect.h"
#include "services/s3/list.h"
#include "services/s3/s3.h"
#include "services/s3/version.h"
#include "services/svc_api.h"

typedef struct ask {
    const char *what; /* "objects", "object" */
    const http_params *q;
    size_t limit;
    char *after;      /* decoded `next` */
    int *status;
    json_t *out;
} ask;

static const char *versioning_name(s3_versioning v)
{
    return v == S3_VERSIONING_ENABLED ? "Enabled" : v == S3_VERSIONING_SUSPENDED ? "Suspended" : "Off";
}

/* s as a JSON string, invalid UTF-8 replaced (keys are bytes). */
static json_t *text_of(const char *s, size_t len)
{
    json_t *tmp = json_object();
    svc_json_set_bytes(tmp, "s", s, len);
    json_t *out = json_incref(json_object_get(tmp, "s"));
    json_decref(tmp);
    return out;
}

static json_t *bucket_json(const s3_bucket *b)
{
    return json_pack("{s:s, s:s, s:s, s:o, s:I, s:s}", "name", b->name, "region", b->region, "owner", b->owner,
                     "created", inspect_time(b->created_ms), "objects", (json_int_t)pmap_count(&b->objects),
                     "versioning", versioning_name(b->versioning));
}

/* Buckets in name order: one namespace (S3's is global), a seek to the
 * token's name. */
static void buckets_of(void *state, const char *account, const char *region, void *arg)
{
    s3_state *st = state;
    inspect_cursor *c = arg;
    GTreeNode *n = c->name ? g_tree_upper_bound(st->buckets, c->name) : g_tree_node_first(st->buckets);
    for (; n && !inspect_cursor_full(c); n = g_tree_node_next(n)) {
        const s3_bucket *b = g_tree_node_value(n);
        inspect_cursor_add(c, account, region, b->name, bucket_json(b));
    }
}

/* An object as the inspection endpoints show it; key as svc_json_set_bytes
 * writes it ("key_base64" too when it is not UTF-8). */
static json_t *object_json(const s3_object *o, void *arg)
{
    const s3_bucket *b = arg;
    char etag[48];
    s3_object_etag(o, true, etag);
    const s3_meta *m = o->meta;
    json_t *e = json_object();
    svc_json_set_bytes(e, "key", o->key, strlen(o->key));
    json_object_set_new(e, "size", json_integer((json_int_t)o->blob->len));
    json_object_set_new(e, "etag", json_string(etag));
    json_object_set_new(e, "last_modified", inspect_time(S3_MTIME_MS(o)));
    json_object_set_new(e, "storage_class", json_string(m && m->storage_class ? m->storage_class : "STANDARD"));
    const char *type = s3_object_content_type(o);
    json_object_set_new(e, "content_type", text_of(type, strlen(type)));
    if (s3_versioned(b)) {
        char id[S3_VERSION_ID_LEN + 1];
        s3_version_id(o, id);
        json_object_set_new(e, "version_id", json_string(id));
    }
    return e;
}

static json_t *prefix_json(const char *key, size_t len, void *arg)
{
    (void)arg;
    return text_of(key, len);
}

static void list_objects(s3_bucket *b, ask *a)
{
    const char *prefix = http_params_get(a->q, "prefix");
    s3_page p = {.prefix = prefix, .delim = http_params_get(a->q, "delimiter"), .after = a->after,
                 .max = a->limit, .object = object_json, .common_prefix = prefix_json, .arg = b};
    s3_list_page(b, &p);
    json_t *next = json_null();
    if (p.last) {
        char *t = svc_base64url_encode(p.last, strlen(p.last));
        next = json_string(t);
        g_free(t);
        g_free(p.last);
    }
    if (!prefix)
        prefix = "";
    a->out = json_pack("{s:s, s:o, s:o, s:o, s:o}", "bucket", b->name, "prefix", text_of(prefix, strlen(prefix)),
                       "objects", p.objects, "prefixes", p.prefixes, "next", next);
}

/* The first S3_INSPECT_BODY bytes: "body" when they are UTF-8 (a character
 * the cut split is left out), else "body_base64". */
static void body_json(json_t *e, const s3_blob *blob)
{
    size_t n = blob->len < S3_INSPECT_BODY ? blob->len : S3_INSPECT_BODY;
    const char *end;
    bool text = g_utf8_validate_len(blob->data, n, &end);
    if (!text && n < blob->len && g_utf8_get_char_validated(end, (gssize)(blob->data + n - end)) == (gunichar)-2) {
        n = (size_t)(end - blob->data);
        text = true;
    }
    if (text && memchr(blob->data, '\0', n) == NULL) {
        json_object_set_new(e, "body", json_stringn(blob->data, n));
    } else {
        gchar *b64 = g_base64_encode((const guchar *)blob->data, n);
        json_object_set_new(e, "body_base64", json_string(b64));
        g_free(b64);
    }
    json_object_set_new(e, "body_size", json_integer((json_int_t)blob->len));
    json_object_set_new(e, "body_truncated", json_boolean(n < blob->len));
}

static void one_object(s3_bucket *b, ask *a)
{
    const char *key = http_params_get(a->q, "key");
    if (!key || !*key) {
        a->out = inspect_error(a->status, 400, "s3/object needs key");
        return;
    }
    s3_object *o = s3_object_get(b, key);
    if (!o) {
        a->out = inspect_error(a->status, 404, "no object %s in bucket %s", key, b->name);
        return;
    }
    json_t *e = object_json(o, b);
    json_object_set_new(e, "bucket", json_string(b->name));
    const s3_meta *m = o->meta;
    if (m && m->user)
        json_object_set(e, "metadata", m->user);
    if (m && m->tags)
        json_object_set(e, "tags", m->tags);
    const char *extra[][2] = {{"content_encoding", m ? m->content_encoding : NULL},
                              {"cache_control", m ? m->cache_control : NULL},
                              {"content_disposition", m ? m->content_disposition : NULL},
                              {"content_language", m ? m->content_language : NULL}};
    for (size_t i = 0; i < G_N_ELEMENTS(extra); i++)
        if (extra[i][1])
            json_object_set_new(e, extra[i][0], text_of(extra[i][1], strlen(extra[i][1])));
    body_json(e, o->blob);
    a->out = e;
}

static void run_ask(void *state, const char *account, const char *region, void *arg)
{
    (void)account;
    (void)region;
    s3_state *st = state;
    ask *a = arg;
    const char *name = http_params_get(a->q, "bucket");
    if (!name || !*name) {
        a->out = inspect_error(a->status, 400, "s3/%s needs bucket", a->what);
        return;
    }
    s3_bucket *b = g_tree_lookup(st->buckets, name);
    if (!b) {
        a->out = inspect_error(a->status, 404, "no bucket %s", name);
        return;
    }
    if (strcmp(a->what, "objects") == 0)
        list_objects(b, a);
    else
        one_object(b, a);
}

json_t *s3_control(server *s, const char *method, const char *subpath, const http_params *query, int *status)
{
    static const char *const endpoints[] = {"buckets", "objects", "object"};
    const char *what = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(endpoints); i++)
        if (strcmp(subpath, endpoints[i]) == 0)
            what = endpoints[i];
    if (!what)
        return NULL;
    char endpoint[16];
    g_snprintf(endpoint, sizeof endpoint, "s3/%s", what);
    json_t *bad;
    if (what == endpoints[0]) {
        inspect_cursor c;
        if ((bad = inspect_cursor_open(&c, method, endpoint, query, status)))
            return bad;
        svc_foreach_state(s, &s3_service, NULL, NULL, SVC_LOCK_SHARED, buckets_of, &c);
        return inspect_cursor_done(&c, "buckets");
    }
    ask a = {.what = what, .q = query, .status = status};
    bad = inspect_get_only(method, endpoint, status);
    if (!bad)
        bad = inspect_limit(query, &a.limit, status);
    const char *next = http_params_get(query, "next");
    size_t len = 0;
    if (!bad && next && *next && (!svc_base64url_decode(next, &a.after, &len) || memchr(a.after, '\0', len)))
        bad = inspect_error(status, 400, "next is not a token this endpoint gave");
    if (bad) {
        g_free(a.after);
        return bad;
    }
    svc_foreach_state(s, &s3_service, NULL, NULL, SVC_LOCK_SHARED, run_ask, &a);
    g_free(a.after);
    return a.out ? a.out : inspect_error(status, 404, "no S3 state");
}
