#include "services/s3/fixture.h"

#include <string.h>

#include "services/s3/bucket.h"
#include "services/s3/config.h"
#include "services/s3/lifecycle.h"
#include "services/s3/payload.h"
#include "services/s3/store.h"
#include "services/svc_api.h"
#include "wire/timefmt.h"

#define MAX_GENERATED 100000000

static bool valid_account(const char *a)
{
    if (!a || strlen(a) != 12)
        return false;
    for (const char *p = a; *p; p++)
        if (!g_ascii_isdigit(*p))
            return false;
    return true;
}

static const char *opt_string(json_t *o, const char *name, bool *bad)
{
    json_t *v = json_object_get(o, name);
    if (v && !json_is_string(v))
        *bad = true;
    return json_string_value(v);
}

/* {"prefix", "count", "size", "versions"}: all keys share one blob, one MD5
 * and no meta; each key is written "versions" times (default 1), which in a
 * versioned bucket makes that many versions. */
static int generate(s3_bucket *b, json_t *g, int64_t now_ms, char *err, size_t errlen)
{
    json_t *pj = json_object_get(g, "prefix"), *cj = json_object_get(g, "count"), *sj = json_object_get(g, "size");
    json_t *vj = json_object_get(g, "versions");
    if ((pj && !json_is_string(pj)) || !json_is_integer(cj) || (sj && !json_is_integer(sj)) ||
        (vj && !json_is_integer(vj))) {
        g_snprintf(err, errlen, "bucket %s: generate needs {\"prefix\": string, \"count\": integer, \"size\": integer, "
                   "\"versions\": integer}", b->name);
        return -1;
    }
    json_int_t versions = vj ? json_integer_value(vj) : 1;
    if (versions < 1 || versions > MAX_GENERATED || (json_integer_value(cj) > 0 &&
                                                       versions > MAX_GENERATED / json_integer_value(cj))) {
        g_snprintf(err, errlen, "bucket %s: generate versions must be 1.. and count x versions at most %d", b->name,
                   MAX_GENERATED);
        return -1;
    }
    const char *prefix = pj ? json_string_value(pj) : "";
    json_int_t count = json_integer_value(cj), size = sj ? json_integer_value(sj) : 0;
    if (count < 0 || count > MAX_GENERATED || size < 0 || (uint64_t)size > S3_MAX_PUT) {
        g_snprintf(err, errlen, "bucket %s: generate count must be 0..%d and size 0..5 GiB", b->name, MAX_GENERATED);
        return -1;
    }
    size_t plen = strlen(prefix);
    int width = 1;
    for (json_int_t c = count; c >= 10; c /= 10)
        width++;
    if (plen + (size_t)width > S3_MAX_KEY || !g_utf8_validate(prefix, -1, NULL)) {
        g_snprintf(err, errlen, "bucket %s: generated keys would be invalid or longer than 1024 bytes", b->name);
        return -1;
    }
    char *data;
    s3_blob *blob = s3_blob_alloc((size_t)size, &data);
    for (json_int_t i = 0; i < size; i++)
        data[i] = (char)('a' + i % 26);
    unsigned char md5[16];
    s3_digest(data, (size_t)size, md5, CHECKSUM_NONE, NULL);
    char key[S3_MAX_KEY + 32];
    memcpy(key, prefix, plen);
    char *digits = key + plen;
    memset(digits, '0', (size_t)width);
    digits[width] = '\0';
    for (json_int_t i = 0; i < count; i++) {
        for (json_int_t v = 0; v < versions; v++)
            s3_object_put(b, s3_object_new(key, blob, NULL, now_ms, md5, 0));
        /* the next index, odometer style: cheaper than printf per key */
        for (int d = width - 1; d >= 0 && ++digits[d] > '9'; d--)
            digits[d] = '0';
    }
    s3_blob_unref(blob);
    return 0;
}

static int load_keyed(s3_bucket *b, json_t *o, const char *key, const svc_fixture_ctx *ctx, char *err,
                      size_t errlen);

static int load_object(s3_bucket *b, json_t *o, const svc_fixture_ctx *ctx, char *err, size_t errlen)
{
    if (!json_is_object(o)) {
        g_snprintf(err, errlen, "bucket %s: each object must be a JSON object", b->name);
        return -1;
    }
    json_t *g = json_object_get(o, "generate");
    if (g)
        return generate(b, g, ctx->now_ms, err, errlen);
    /* "key", or "key_base64" for bytes that are not UTF-8 (what a dump
     * writes for them: core/jtext.h) */
    json_t *kj = json_object_get(o, "key"), *kb = json_object_get(o, "key_base64");
    char *key = NULL;
    size_t klen = 0;
    if (kj && !kb && json_is_string(kj)) {
        key = g_strndup(json_string_value(kj), json_string_length(kj));
        klen = json_string_length(kj);
    } else if (kb && !kj && json_is_string(kb)) {
        if (!svc_base64_decode(json_string_value(kb), json_string_length(kb), &key, &klen))
            key = NULL;
    }
    if (!key || !klen || klen > S3_MAX_KEY || strlen(key) != klen) {
        g_snprintf(err, errlen,
                   "bucket %s: an object needs one \"key\" (or \"key_base64\") of 1..1024 bytes, without NUL",
                   b->name);
        g_free(key);
        return -1;
    }
    int rc = load_keyed(b, o, key, ctx, err, errlen);
    g_free(key);
    return rc;
}

static int load_keyed(s3_bucket *b, json_t *o, const char *key, const svc_fixture_ctx *ctx, char *err,
                      size_t errlen)
{
    bool bad = false;
    json_t *body = json_object_get(o, "body"), *b64 = json_object_get(o, "body_base64"),
           *file = json_object_get(o, "file");
    if ((body && !json_is_string(body)) || (b64 && !json_is_string(b64)) || (file && !json_is_string(file)) ||
        (!!body + !!b64 + !!file) > 1) {
        g_snprintf(err, errlen, "bucket %s, key %s: give at most one of body, body_base64, file (strings)", b->name,
                   key);
        return -1;
    }
    s3_blob *blob;
    if (b64) {
        char *raw;
        size_t n;
        if (!svc_base64_decode(json_string_value(b64), json_string_length(b64), &raw, &n)) {
            g_snprintf(err, errlen, "bucket %s, key %s: body_base64 is not base64", b->name, key);
            return -1;
        }
        blob = s3_blob_adopt(raw, n);
    } else if (file) {
        /* only a regular file inside the fixture's own directory (core/fsref.h) */
        char *data = NULL, ferr[400];
        size_t n = 0;
        if (svc_fixture_read_file(ctx, json_string_value(file), &data, &n, ferr, sizeof ferr) != 0) {
            g_snprintf(err, errlen, "bucket %s, key %s: %s", b->name, key, ferr);
            return -1;
        }
        blob = s3_blob_adopt(data, n);
    } else {
        blob = s3_blob_copy(body ? json_string_value(body) : "", body ? json_string_length(body) : 0);
    }
    s3_meta *m = s3_meta_new();
    static const char *const strs[] = {"content_type",     "content_encoding", "cache_control",
                                       "content_disposition", "content_language", "storage_class"};
    char **dst[] = {&m->content_type,        &m->content_encoding, &m->cache_control,
                    &m->content_disposition, &m->content_language, &m->storage_class};
    for (size_t i = 0; i < G_N_ELEMENTS(strs); i++) {
        const char *v = opt_string(o, strs[i], &bad);
        *dst[i] = v ? g_strdup(v) : NULL;
    }
    json_t *md = json_object_get(o, "metadata"), *tags = json_object_get(o, "tags");
    const char *k;
    json_t *v;
    if (md) {
        if (!json_is_object(md))
            bad = true;
        json_object_foreach(md, k, v) if (!json_is_string(v)) bad = true;
        if (!bad && json_object_size(md)) {
            m->user = json_object();
            json_object_foreach(md, k, v) {
                char *low = g_ascii_strdown(k, -1);
                json_object_set(m->user, low, v);
                g_free(low);
            }
        }
    }
    if (tags && !bad) {
        /* {"k": "v"} or the API's [{"Key", "Value"}] */
        m->tags = json_object();
        if (json_is_object(tags)) {
            json_object_foreach(tags, k, v) {
                if (!json_is_string(v))
                    bad = true;
                else
                    json_object_set(m->tags, k, v);
            }
        } else if (json_is_array(tags)) {
            size_t i;
            json_t *t;
            json_array_foreach(tags, i, t) {
                const char *tk = svc_str(t, "Key");
                json_t *tv = json_object_get(t, "Value");
                if (!tk || !json_is_string(tv))
                    bad = true;
                else
                    json_object_set(m->tags, tk, tv);
            }
        } else {
            bad = true;
        }
        if (json_object_size(m->tags) == 0) {
            json_decref(m->tags);
            m->tags = NULL;
        }
    }
    int64_t mtime = ctx->now_ms;
    json_t *lm = json_object_get(o, "last_modified");
    if (json_is_number(lm)) {
        mtime = (int64_t)(json_number_value(lm) * 1000);
    } else if (json_is_string(lm)) {
        double e;
        if (timefmt_parse(json_string_value(lm), &e))
            mtime = (int64_t)(e * 1000);
        else
            bad = true;
    } else if (lm) {
        bad = true;
    }
    if (bad) {
        g_snprintf(err, errlen,
                   "bucket %s, key %s: content_type and the like must be strings, metadata and tags objects of "
                   "strings, last_modified a time",
                   b->name, key);
        s3_meta_free(m);
        s3_blob_unref(blob);
        return -1;
    }
    if (m->storage_class && strcmp(m->storage_class, "STANDARD") == 0) {
        g_free(m->storage_class);
        m->storage_class = NULL;
    }
    unsigned char md5[16];
    s3_digest(blob->data, blob->len, md5, CHECKSUM_NONE, NULL);
    if (!m->content_type && !m->content_encoding && !m->cache_control && !m->content_disposition &&
        !m->content_language && !m->storage_class && !m->user && !m->tags) {
        s3_meta_free(m);
        m = NULL;
    }
    s3_object_put(b, s3_object_new(key, blob, m, mtime, md5, 0));
    s3_blob_unref(blob);
    return 0;
}

int s3_fixture_load(void *state, json_t *section, const svc_fixture_ctx *ctx, char *err, size_t errlen)
{
    s3_state *st = state;
    json_t *buckets = json_is_object(section) ? json_object_get(section, "buckets") : NULL;
    if (!json_is_object(section) || (buckets && !json_is_array(buckets))) {
        g_snprintf(err, errlen, "the s3 section is {\"buckets\": [...]}");
        return -1;
    }
    size_t i;
    json_t *bj;
    json_array_foreach(buckets, i, bj) {
        bool bad = !json_is_object(bj);
        const char *name = bad ? NULL : opt_string(bj, "name", &bad);
        const char *region = bad ? NULL : opt_string(bj, "region", &bad);
        const char *owner = bad ? NULL : opt_string(bj, "owner", &bad);
        json_t *objects = bad ? NULL : json_object_get(bj, "objects");
        if (bad || !name || (objects && !json_is_array(objects))) {
            g_snprintf(err, errlen, "bucket %zu: needs a \"name\", and strings for region and owner, a list of objects", i);
            return -1;
        }
        if (!s3_bucket_name_valid(name)) {
            g_snprintf(err, errlen, "bucket name '%s' is not valid (3..63 of a-z 0-9 . -)", name);
            return -1;
        }
        if (!owner)
            owner = ctx->account;
        if (!region || !*region)
            region = ctx->region && *ctx->region ? ctx->region : "us-east-1";
        if (!valid_account(owner)) {
            g_snprintf(err, errlen, "bucket %s: owner must be a 12-digit account", name);
            return -1;
        }
        s3_bucket *b = g_tree_lookup(st->buckets, name);
        if (b && strcmp(b->owner, owner) != 0) {
            g_snprintf(err, errlen, "bucket %s already exists in account %s", name, b->owner);
            return -1;
        }
        const char *vs = bad ? NULL : opt_string(bj, "versioning", &bad);
        if (bad || (vs && strcmp(vs, "Enabled") != 0 && strcmp(vs, "Suspended") != 0)) {
            g_snprintf(err, errlen, "bucket %s: versioning is \"Enabled\" or \"Suspended\"", name);
            return -1;
        }
        if (!b)
            b = s3_bucket_add(st, name, region, owner, ctx->now_ms);
        /* before the objects, so that they are written as versions */
        if (vs)
            s3_versioning_set(b, strcmp(vs, "Enabled") == 0 ? S3_VERSIONING_ENABLED : S3_VERSIONING_SUSPENDED);
        size_t k;
        json_t *o;
        json_array_foreach(objects, k, o) if (load_object(b, o, ctx, err, errlen) != 0) return -1;
        json_t *settings = json_object_get(bj, "settings");
        if (settings && s3_config_load(b, settings, ctx, err, errlen) != 0)
            return -1;
        if (s3_config_get(b, S3_CFG_LIFECYCLE))
            s3_lifecycle_note_config(st, b); /* its rules apply to what was loaded */
    }
    return 0;
}

/* The body inline, or (--state-dir) in a file beside the document, which
 * is written straight from the blob's bytes, mapped or not: never a second
 * copy of a big body in memory, nor its base64. */
static void dump_body(json_t *j, const s3_blob *blob, const svc_dump_ctx *ctx)
{
    const char *data = blob->data;
    size_t len = blob->len;
    if (ctx && len) {
        char *name = ctx->store_body(ctx, data, len);
        if (name)
            json_object_set_new(j, "file", json_string(name));
        g_free(name);
    } else if (g_utf8_validate(data, (gssize)len, NULL) && !memchr(data, '\0', len)) {
        json_object_set_new(j, "body", json_stringn(data, len));
    } else {
        char *b64 = g_base64_encode((const guchar *)data, len);
        json_object_set_new(j, "body_base64", json_string(b64));
        g_free(b64);
    }
}

static json_t *dump_object(const s3_object *o, const svc_dump_ctx *ctx)
{
    /* Keys, metadata and headers may hold any bytes: core/jtext.h's rule. */
    json_t *j = json_object();
    svc_json_set_bytes(j, "key", o->key, strlen(o->key));
    dump_body(j, o->blob, ctx);
    const s3_meta *m = o->meta;
    if (m) {
        const char *names[] = {"content_type",     "content_encoding", "cache_control",
                               "content_disposition", "content_language", "storage_class"};
        const char *vals[] = {m->content_type,        m->content_encoding, m->cache_control,
                              m->content_disposition, m->content_language, m->storage_class};
        for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
            if (vals[i])
                svc_json_set_bytes(j, names[i], vals[i], strlen(vals[i]));
        if (m->user)
            json_object_set(j, "metadata", m->user);
        if (m->tags)
            json_object_set(j, "tags", m->tags);
    }
    GString *t = g_string_new(NULL);
    timefmt_format(t, (double)S3_MTIME_MS(o) / 1000.0, TIMEFMT_ISO8601);
    json_object_set_new(j, "last_modified", json_string(t->str));
    g_string_free(t, TRUE);
    return j;
}

json_t *s3_fixture_dump(void *state, const svc_dump_ctx *ctx)
{
    s3_state *st = state;
    /* the core holds the namespace lock shared: uploads store only under it exclusively */
    if (g_tree_nnodes(st->buckets) == 0)
        return NULL;
    json_t *list = json_array();
    for (GTreeNode *n = g_tree_node_first(st->buckets); n; n = g_tree_node_next(n)) {
        s3_bucket *b = g_tree_node_value(n);
        json_t *objects = json_array();
        pmap_iter it;
        for (s3_object *o = pmap_first(&b->objects, &it); o; o = pmap_next(&it))
            json_array_append_new(objects, dump_object(o, ctx));
        json_t *bj = json_pack("{s:s, s:s, s:o}", "name", b->name, "owner", b->owner, "objects", objects);
        svc_json_set_bytes(bj, "region", b->region, strlen(b->region));
        json_t *settings = s3_config_dump(b);
        if (settings)
            json_object_set_new(bj, "settings", settings);
        if (b->versioning != S3_VERSIONING_OFF)
            json_object_set_new(bj, "versioning",
                                json_string(b->versioning == S3_VERSIONING_ENABLED ? "Enabled" : "Suspended"));
        json_array_append_new(list, bj);
    }
    return json_pack("{s:o}", "buckets", list);
}
