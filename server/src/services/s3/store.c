#include "services/s3/store.h"

#include <stdatomic.h>

#include <stddef.h>
#include <string.h>

#include "services/s3/restore.h"

static gint key_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
    return strcmp(a, b);
}

static gint int_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
    int x = GPOINTER_TO_INT(a), y = GPOINTER_TO_INT(b);
    return x < y ? -1 : x > y;
}

static gint upload_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
    const s3_upload *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void object_free(gpointer p)
{
    s3_object_free(p);
}

/* Versions: by key, then newest (largest vseq) first. */
static gint version_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
    const s3_object *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return x->vseq > y->vseq ? -1 : x->vseq < y->vseq;
}

/* A stand-in for the version (key, vseq) to seek with (g_free it). */
static s3_object *probe(const char *key, uint64_t vseq)
{
    size_t klen = strlen(key);
    s3_object *p = g_malloc0(offsetof(s3_object, key) + klen + 1);
    p->vseq = vseq;
    memcpy(p->key, key, klen + 1);
    return p;
}

static void part_free(gpointer p)
{
    s3_part_free(p);
}

static void upload_free(gpointer p)
{
    s3_upload *u = p;
    g_free(u->id);
    g_free(u->key);
    s3_meta_free(u->meta);
    g_tree_destroy(u->parts);
    g_free(u);
}

static gboolean free_value(gpointer key, gpointer value, gpointer unused)
{
    s3_object_free(value);
    return FALSE;
}

static void bucket_free(gpointer p)
{
    s3_bucket *b = p;
    g_hash_table_destroy(b->upload_ids);
    g_hash_table_destroy(b->completed);
    g_tree_destroy(b->uploads);
    if (b->versions) {
        g_tree_destroy(b->objects); /* borrows */
        g_hash_table_destroy(b->nulls);
        g_tree_destroy(b->versions);
    } else {
        g_tree_foreach(b->objects, free_value, NULL);
        g_tree_destroy(b->objects);
    }
    json_decref(b->settings);
    g_free(b->name);
    g_free(b->region);
    g_free(b);
}

s3_state *s3_state_new(int64_t restore_delay_ms)
{
    s3_state *st = g_new0(s3_state, 1);
    st->restore_delay_ms = restore_delay_ms;
    /* the key is the bucket's own name */
    st->buckets = g_tree_new_full(key_cmp, NULL, NULL, bucket_free);
    st->restoring = s3_restore_jobs_new();
    atomic_store(&st->restore_due_ms, INT64_MAX);
    return st;
}

void s3_state_free(s3_state *st)
{
    if (!st)
        return;
    g_tree_destroy(st->buckets);
    g_tree_destroy(st->restoring);
    g_free(st);
}

s3_bucket *s3_bucket_add(s3_state *st, const char *name, const char *region, const char *owner,
                         int64_t created_ms)
{
    s3_bucket *b = g_new0(s3_bucket, 1);
    b->name = g_strdup(name);
    b->region = g_strdup(region);
    g_strlcpy(b->owner, owner, sizeof b->owner);
    b->created_ms = created_ms;
    /* it owns its objects until a versions tree takes them over: freed by hand */
    b->objects = g_tree_new_full(key_cmp, NULL, NULL, NULL);
    b->uploads = g_tree_new_full(upload_cmp, NULL, NULL, upload_free);
    b->upload_ids = g_hash_table_new(g_str_hash, g_str_equal);
    b->completed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)json_decref);
    g_tree_replace(st->buckets, b->name, b);
    return b;
}

void s3_bucket_remove(s3_state *st, s3_bucket *b)
{
    g_tree_remove(st->buckets, b->name);
}

s3_meta *s3_meta_new(void)
{
    return g_new0(s3_meta, 1);
}

static json_t *json_copy_or_null(json_t *v)
{
    return v ? json_deep_copy(v) : NULL;
}

s3_meta *s3_meta_copy(const s3_meta *m)
{
    if (!m)
        return NULL;
    s3_meta *c = g_new0(s3_meta, 1);
    c->content_type = g_strdup(m->content_type);
    c->content_encoding = g_strdup(m->content_encoding);
    c->cache_control = g_strdup(m->cache_control);
    c->content_disposition = g_strdup(m->content_disposition);
    c->content_language = g_strdup(m->content_language);
    c->website_redirect = g_strdup(m->website_redirect);
    c->storage_class = g_strdup(m->storage_class);
    c->expires = json_copy_or_null(m->expires);
    c->user = json_copy_or_null(m->user);
    c->tags = json_copy_or_null(m->tags);
    c->algo = m->algo;
    c->checksum = g_strdup(m->checksum);
    c->composite = m->composite;
    c->lock_mode = m->lock_mode;
    c->lock_hold = m->lock_hold;
    c->lock_until_ms = m->lock_until_ms;
    c->nparts = m->nparts;
    if (m->parts) {
        c->parts = g_new0(s3_part_info, m->nparts);
        for (uint32_t i = 0; i < m->nparts; i++) {
            c->parts[i].size = m->parts[i].size;
            c->parts[i].checksum = g_strdup(m->parts[i].checksum);
        }
    }
    return c;
}

void s3_meta_free(s3_meta *m)
{
    if (!m)
        return;
    g_free(m->content_type);
    g_free(m->content_encoding);
    g_free(m->cache_control);
    g_free(m->content_disposition);
    g_free(m->content_language);
    g_free(m->website_redirect);
    g_free(m->storage_class);
    json_decref(m->expires);
    json_decref(m->user);
    json_decref(m->tags);
    g_free(m->checksum);
    for (uint32_t i = 0; m->parts && i < m->nparts; i++)
        g_free(m->parts[i].checksum);
    g_free(m->parts);
    g_free(m);
}

static uint32_t to_mtime(int64_t mtime_ms)
{
    return mtime_ms <= 0 ? 0 : mtime_ms / 1000 > UINT32_MAX ? UINT32_MAX : (uint32_t)(mtime_ms / 1000);
}

s3_object *s3_object_new(const char *key, s3_blob *blob, s3_meta *meta, int64_t mtime_ms,
                         const unsigned char md5[16], uint32_t etag_parts)
{
    size_t klen = strlen(key);
    s3_object *o = g_malloc(offsetof(s3_object, key) + klen + 1);
    o->blob = s3_blob_ref(blob);
    o->meta = meta;
    o->mtime = to_mtime(mtime_ms);
    o->etag_parts = (uint16_t)etag_parts;
    o->vflags = S3_V_NULL;
    o->vseq = 0;
    memcpy(o->md5, md5, 16);
    memcpy(o->key, key, klen + 1);
    return o;
}

void s3_object_free(s3_object *o)
{
    if (!o)
        return;
    if (o->blob)
        s3_blob_unref(o->blob);
    s3_meta_free(o->meta);
    g_free(o);
}

/* Makes the key's newest entry in the versions tree its current object, or
 * none when that is a marker or there is no entry. */
static void refresh_current(s3_bucket *b, const char *key)
{
    s3_object *top = s3_version_latest(b, key);
    if (top && !(top->vflags & S3_V_MARKER))
        g_tree_replace(b->objects, top->key, top); /* the key must be top's own */
    else
        g_tree_remove(b->objects, key);
}

/* Adds v (vseq and vflags set) to the versions tree, dropping the key's
 * null version first when v is one. */
static void add_version(s3_bucket *b, s3_object *v)
{
    if (v->vflags & S3_V_NULL) {
        s3_object *old = s3_version_get(b, v->key, 0);
        if (old) {
            /* its key dies with it: out of the key-borrowing tables first */
            g_tree_remove(b->objects, old->key);
            g_hash_table_remove(b->nulls, old->key);
            g_tree_remove(b->versions, old);
        }
        g_hash_table_insert(b->nulls, v->key, v);
    }
    g_tree_insert(b->versions, v, v);
    refresh_current(b, v->key);
}

void s3_object_put(s3_bucket *b, s3_object *o)
{
    o->vseq = ++b->vseq;
    o->vflags = b->versioning == S3_VERSIONING_ENABLED ? 0 : S3_V_NULL;
    if (b->versions) {
        add_version(b, o);
        return;
    }
    s3_object *old = g_tree_lookup(b->objects, o->key);
    /* replace, not insert: the tree must take the new object's key, since
     * the old key dies with the old object */
    g_tree_replace(b->objects, o->key, o);
    if (old != o)
        s3_object_free(old);
}

s3_object *s3_object_get(s3_bucket *b, const char *key)
{
    return g_tree_lookup(b->objects, key);
}

bool s3_object_delete(s3_bucket *b, const char *key)
{
    s3_object *o = g_tree_lookup(b->objects, key);
    if (!o)
        return false;
    if (b->versions) {
        s3_version_delete(b, o);
        return true;
    }
    g_tree_remove(b->objects, key);
    s3_object_free(o);
    return true;
}

static gboolean adopt_version(gpointer key, gpointer value, gpointer bucket)
{
    s3_bucket *b = bucket;
    s3_object *o = value;
    g_tree_insert(b->versions, o, o);
    g_hash_table_insert(b->nulls, o->key, o); /* every object so far is a null version */
    return FALSE;
}

void s3_versioning_set(s3_bucket *b, s3_versioning v)
{
    if (v == S3_VERSIONING_OFF)
        return; /* S3 has no way back */
    if (!b->versions) {
        b->versions = g_tree_new_full(version_cmp, NULL, NULL, object_free);
        b->nulls = g_hash_table_new(g_str_hash, g_str_equal);
        g_tree_foreach(b->objects, adopt_version, b);
    }
    b->versioning = v;
}

s3_object *s3_object_remove(s3_bucket *b, const char *key, int64_t now_ms)
{
    if (!b->versions) {
        s3_object_delete(b, key);
        return NULL;
    }
    size_t klen = strlen(key);
    s3_object *m = g_malloc0(offsetof(s3_object, key) + klen + 1);
    memcpy(m->key, key, klen + 1);
    m->mtime = to_mtime(now_ms);
    m->vseq = ++b->vseq;
    m->vflags = S3_V_MARKER | (b->versioning == S3_VERSIONING_ENABLED ? 0 : S3_V_NULL);
    add_version(b, m);
    return m;
}

s3_object *s3_version_get(s3_bucket *b, const char *key, uint64_t vseq)
{
    if (!b->versions) {
        s3_object *o = g_tree_lookup(b->objects, key);
        return o && (vseq == 0 || o->vseq == vseq) && (o->vflags & S3_V_NULL) ? o : NULL;
    }
    if (vseq) {
        s3_object *p = probe(key, vseq);
        s3_object *v = g_tree_lookup(b->versions, p);
        g_free(p);
        return v;
    }
    return g_hash_table_lookup(b->nulls, key);
}

s3_object *s3_version_latest(s3_bucket *b, const char *key)
{
    if (!b->versions)
        return g_tree_lookup(b->objects, key);
    GTreeNode *n = s3_version_seek(b, key, UINT64_MAX);
    s3_object *v = n ? g_tree_node_value(n) : NULL;
    return v && strcmp(v->key, key) == 0 ? v : NULL;
}

void s3_version_delete(s3_bucket *b, s3_object *v)
{
    if (!b->versions) {
        g_tree_remove(b->objects, v->key);
        s3_object_free(v);
        return;
    }
    char *key = g_strdup(v->key);
    if (g_tree_lookup(b->objects, key) == v)
        g_tree_remove(b->objects, key);
    if (v->vflags & S3_V_NULL)
        g_hash_table_remove(b->nulls, key);
    g_tree_remove(b->versions, v);
    refresh_current(b, key);
    g_free(key);
}

GTreeNode *s3_version_seek(s3_bucket *b, const char *key, uint64_t vseq)
{
    if (!b->versions)
        return vseq == UINT64_MAX ? g_tree_lower_bound(b->objects, key) : g_tree_upper_bound(b->objects, key);
    s3_object *p = probe(key, vseq);
    /* (key, UINT64_MAX) sorts before every real version of key */
    GTreeNode *n = vseq == UINT64_MAX ? g_tree_lower_bound(b->versions, p) : g_tree_upper_bound(b->versions, p);
    g_free(p);
    return n;
}

void s3_etag_text(const unsigned char md5[16], uint32_t parts, bool quoted, char out[48])
{
    static const char hex[] = "0123456789abcdef";
    char *p = out;
    if (quoted)
        *p++ = '"';
    for (int i = 0; i < 16; i++) {
        *p++ = hex[md5[i] >> 4];
        *p++ = hex[md5[i] & 15];
    }
    if (parts)
        p += g_snprintf(p, 12, "-%u", parts);
    if (quoted)
        *p++ = '"';
    *p = '\0';
}

void s3_object_etag(const s3_object *o, bool quoted, char out[48])
{
    s3_etag_text(o->md5, o->etag_parts, quoted, out);
}

const char *s3_object_content_type(const s3_object *o)
{
    return o->meta && o->meta->content_type ? o->meta->content_type : "binary/octet-stream";
}

GTreeNode *s3_seek_from(GTree *t, const char *key)
{
    return g_tree_lower_bound(t, key);
}

GTreeNode *s3_seek_after(GTree *t, const char *key)
{
    return g_tree_upper_bound(t, key);
}

char *s3_prefix_successor(const char *prefix, size_t len)
{
    /* the prefix with its last byte below 0xff incremented and what
     * follows dropped. Keys are UTF-8 and hold no 0xff, but be exact. */
    size_t n = len;
    while (n && (unsigned char)prefix[n - 1] == 0xff)
        n--;
    if (!n)
        return NULL;
    char *succ = g_strndup(prefix, n);
    succ[n - 1] = (char)((unsigned char)succ[n - 1] + 1);
    return succ;
}

GTreeNode *s3_seek_past_prefix(GTree *t, const char *prefix, size_t len)
{
    char *succ = s3_prefix_successor(prefix, len);
    GTreeNode *node = succ ? g_tree_lower_bound(t, succ) : NULL;
    g_free(succ);
    return node;
}

s3_upload *s3_upload_add(s3_bucket *b, const char *id, const char *key, const char *owner,
                         s3_meta *meta, int64_t now_ms)
{
    s3_upload *u = g_new0(s3_upload, 1);
    u->id = g_strdup(id);
    u->key = g_strdup(key);
    u->seq = ++b->upload_seq;
    u->initiated_ms = now_ms;
    g_strlcpy(u->owner, owner, sizeof u->owner);
    u->meta = meta ? meta : s3_meta_new();
    u->parts = g_tree_new_full(int_cmp, NULL, NULL, part_free);
    g_tree_insert(b->uploads, u, u);
    g_hash_table_insert(b->upload_ids, u->id, u);
    return u;
}

void s3_upload_remove(s3_bucket *b, s3_upload *u)
{
    g_hash_table_remove(b->upload_ids, u->id);
    g_tree_remove(b->uploads, u);
}

s3_upload *s3_upload_get(s3_bucket *b, const char *id)
{
    return id ? g_hash_table_lookup(b->upload_ids, id) : NULL;
}

void s3_part_put(s3_upload *u, s3_part *p)
{
    g_tree_replace(u->parts, GINT_TO_POINTER(p->number), p);
}

void s3_part_free(s3_part *p)
{
    if (!p)
        return;
    s3_blob_unref(p->blob);
    g_free(p->checksum);
    g_free(p);
}
