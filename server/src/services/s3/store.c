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

/* ---- the maps' types (state/pmap.h) ---- */

static int key_cmp_p(const void *a, const void *b)
{
    return strcmp(a, b);
}

static const void *object_key(const void *v)
{
    return ((const s3_object *)v)->key;
}

/* Versions: by key, then newest (largest vseq) first. A version's key is
 * the version itself, or a probe shaped like one. */
static int version_cmp(const void *a, const void *b)
{
    const s3_object *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return x->vseq > y->vseq ? -1 : x->vseq < y->vseq;
}

static const void *version_key(const void *v)
{
    return v;
}

static void object_retain(void *v)
{
    s3_object_ref(v);
}

static void object_release(void *v)
{
    s3_object_unref(v);
}

static s3_meta *meta_dup(const s3_meta *m);

/* pmap_type.unshare: o when the caller's reference is the only one, else a
 * copy sharing the bytes, the caller's reference moved to it. */
static void *object_unshare(void *v)
{
    s3_object *o = v;
    if (atomic_load_explicit(&o->refs, memory_order_acquire) == 1)
        return o;
    size_t size = offsetof(s3_object, key) + strlen(o->key) + 1;
    s3_object *c = g_malloc(size);
    memcpy(c, o, size);
    atomic_init(&c->refs, 1);
    if (c->blob)
        s3_blob_ref(c->blob);
    c->meta = meta_dup(o->meta);
    s3_object_unref(o);
    return c;
}

/* objects and nulls: by key. versions: by (key, newest first). */
static const pmap_type objects_type = {key_cmp_p, object_key, object_retain, object_release, object_unshare};
static const pmap_type versions_type = {version_cmp, version_key, object_retain, object_release, object_unshare};

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

static void bucket_free(gpointer p)
{
    s3_bucket *b = p;
    g_hash_table_destroy(b->upload_ids);
    g_hash_table_destroy(b->completed);
    g_tree_destroy(b->uploads);
    pmap_clear(&b->objects);
    pmap_clear(&b->versions);
    pmap_clear(&b->nulls);
    json_decref(b->settings);
    g_free(b->name);
    g_free(b->region);
    g_free(b);
}

/* A bucket with no objects, uploads or settings. */
static s3_bucket *bucket_new(const char *name, const char *region, const char *owner, int64_t created_ms)
{
    s3_bucket *b = g_new0(s3_bucket, 1);
    b->name = g_strdup(name);
    b->region = g_strdup(region);
    g_strlcpy(b->owner, owner, sizeof b->owner);
    b->created_ms = created_ms;
    pmap_init(&b->objects, &objects_type);
    pmap_init(&b->versions, &versions_type);
    pmap_init(&b->nulls, &objects_type);
    b->uploads = g_tree_new_full(upload_cmp, NULL, NULL, upload_free);
    b->upload_ids = g_hash_table_new(g_str_hash, g_str_equal);
    b->completed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)json_decref);
    return b;
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

/* ---- clone ---- */

static s3_part *part_copy(const s3_part *p)
{
    s3_part *c = g_memdup2(p, sizeof *p);
    c->blob = s3_blob_ref(p->blob);
    c->checksum = g_strdup(p->checksum);
    return c;
}

static gboolean copy_part(gpointer key, gpointer value, gpointer parts)
{
    s3_part_put(parts, part_copy(value));
    return FALSE;
}

/* Uploads and their parts are copied: they are as many as the uploads in
 * progress, not the objects, and their parts share the bytes. */
static gboolean copy_upload(gpointer key, gpointer value, gpointer bucket)
{
    const s3_upload *u = value;
    s3_bucket *b = bucket;
    s3_upload *c = g_new0(s3_upload, 1);
    c->id = g_strdup(u->id);
    c->key = g_strdup(u->key);
    c->seq = u->seq;
    c->initiated_ms = u->initiated_ms;
    memcpy(c->owner, u->owner, sizeof c->owner);
    c->meta = s3_meta_copy(u->meta);
    c->parts = g_tree_new_full(int_cmp, NULL, NULL, part_free);
    g_tree_foreach(u->parts, copy_part, c);
    g_tree_insert(b->uploads, c, c);
    g_hash_table_insert(b->upload_ids, c->id, c);
    return FALSE;
}

static s3_bucket *bucket_clone(const s3_bucket *b)
{
    s3_bucket *c = bucket_new(b->name, b->region, b->owner, b->created_ms);
    pmap_share(&c->objects, &b->objects);
    pmap_share(&c->versions, &b->versions);
    pmap_share(&c->nulls, &b->nulls);
    g_tree_foreach(b->uploads, copy_upload, c);
    c->upload_seq = b->upload_seq;
    /* settings hold the object ACLs too: as many as objects given an ACL */
    c->settings = b->settings ? json_deep_copy(b->settings) : NULL;
    atomic_init(&c->lifecycle_due_ms, atomic_load(&b->lifecycle_due_ms));
    c->versioning = b->versioning;
    c->vseq = b->vseq;
    c->lock = b->lock;
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, b->completed);
    while (g_hash_table_iter_next(&it, &k, &v))
        g_hash_table_insert(c->completed, g_strdup(k), json_deep_copy(v));
    return c;
}

static gboolean clone_bucket(gpointer key, gpointer value, gpointer buckets)
{
    s3_bucket *c = bucket_clone(value);
    g_tree_insert(buckets, c->name, c);
    return FALSE;
}

s3_state *s3_state_clone(const s3_state *st)
{
    s3_state *c = s3_state_new(st->restore_delay_ms);
    g_tree_foreach(st->buckets, clone_bucket, c->buckets);
    /* the same secret: a continuation token given before the snapshot
     * still works after a restore */
    if (st->secret_ready) { /* no request runs: a plain read */
        memcpy(c->secret, st->secret, sizeof c->secret);
        c->secret_ready = 1;
    }
    atomic_init(&c->lifecycle_due_ms, atomic_load(&st->lifecycle_due_ms));
    c->event_seq = st->event_seq;
    s3_restore_jobs_copy(c->restoring, st->restoring);
    c->restore_seq = st->restore_seq;
    atomic_store(&c->restore_due_ms, atomic_load(&st->restore_due_ms));
    return c;
}

s3_bucket *s3_bucket_add(s3_state *st, const char *name, const char *region, const char *owner,
                         int64_t created_ms)
{
    s3_bucket *b = bucket_new(name, region, owner, created_ms);
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

/* A copy of everything, the restore in progress included: the same
 * version's meta, not a new object's. */
static s3_meta *meta_dup(const s3_meta *m)
{
    s3_meta *c = s3_meta_copy(m);
    if (c) {
        c->restore_ready_ms = m->restore_ready_ms;
        c->restore_expiry_ms = m->restore_expiry_ms;
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
    atomic_init(&o->refs, 1);
    o->etag_parts = (uint16_t)etag_parts;
    o->vflags = S3_V_NULL;
    o->vseq = 0;
    memcpy(o->md5, md5, 16);
    memcpy(o->key, key, klen + 1);
    return o;
}

s3_object *s3_object_ref(s3_object *o)
{
    atomic_fetch_add_explicit(&o->refs, 1, memory_order_relaxed);
    return o;
}

void s3_object_unref(s3_object *o)
{
    if (!o || atomic_fetch_sub_explicit(&o->refs, 1, memory_order_acq_rel) != 1)
        return;
    if (o->blob)
        s3_blob_unref(o->blob);
    s3_meta_free(o->meta);
    g_free(o);
}

/* Puts v under its key in m (objects or nulls), taking a new reference. */
static void put_keyed(pmap *m, s3_object *v)
{
    s3_object_unref(pmap_put(m, s3_object_ref(v)));
}

/* Makes the key's newest entry in the versions map its current object, or
 * none when that is a marker or there is no entry. */
static void refresh_current(s3_bucket *b, const char *key)
{
    s3_object *top = s3_version_latest(b, key);
    if (top && !(top->vflags & S3_V_MARKER))
        put_keyed(&b->objects, top);
    else
        pmap_remove(&b->objects, key);
}

/* Adds v (vseq and vflags set; the caller's reference taken) to the
 * versions map, dropping the key's null version first when v is one. */
static void add_version(s3_bucket *b, s3_object *v)
{
    if (v->vflags & S3_V_NULL) {
        s3_object *old = pmap_take(&b->nulls, v->key);
        if (old) {
            pmap_remove(&b->versions, old);
            s3_object_unref(old);
        }
        put_keyed(&b->nulls, v);
    }
    s3_object_unref(pmap_put(&b->versions, v));
    refresh_current(b, v->key);
}

void s3_object_put(s3_bucket *b, s3_object *o)
{
    o->vseq = ++b->vseq;
    o->vflags = b->versioning == S3_VERSIONING_ENABLED ? 0 : S3_V_NULL;
    if (s3_versioned(b)) {
        add_version(b, o);
        return;
    }
    s3_object_unref(pmap_put(&b->objects, o));
}

s3_object *s3_object_get(s3_bucket *b, const char *key)
{
    return pmap_get(&b->objects, key);
}

s3_object *s3_object_mut(s3_bucket *b, s3_object *o)
{
    /* unshare never frees o: it copies only when o has other holders */
    if (!s3_versioned(b))
        return pmap_get_mut(&b->objects, o->key);
    s3_object *m = pmap_get_mut(&b->versions, o);
    if (m == o)
        return m;
    /* a copy: the maps that held o hold it instead (o kept alive meanwhile,
     * as they may hold its last references) */
    s3_object_ref(o);
    if (pmap_get(&b->objects, o->key) == o)
        put_keyed(&b->objects, m);
    if (pmap_get(&b->nulls, o->key) == o)
        put_keyed(&b->nulls, m);
    s3_object_unref(o);
    return m;
}

bool s3_object_delete(s3_bucket *b, const char *key)
{
    s3_object *o = pmap_get(&b->objects, key);
    if (!o)
        return false;
    s3_version_delete(b, o);
    return true;
}

static bool adopt_version(void *value, void *bucket)
{
    s3_bucket *b = bucket;
    s3_object *o = value;
    s3_object_unref(pmap_put(&b->versions, s3_object_ref(o)));
    put_keyed(&b->nulls, o); /* every object so far is a null version */
    return true;
}

void s3_versioning_set(s3_bucket *b, s3_versioning v)
{
    if (v == S3_VERSIONING_OFF)
        return; /* S3 has no way back */
    if (!s3_versioned(b))
        pmap_foreach(&b->objects, adopt_version, b);
    b->versioning = v;
}

s3_object *s3_object_remove(s3_bucket *b, const char *key, int64_t now_ms)
{
    if (!s3_versioned(b)) {
        s3_object_delete(b, key);
        return NULL;
    }
    size_t klen = strlen(key);
    s3_object *m = g_malloc0(offsetof(s3_object, key) + klen + 1);
    memcpy(m->key, key, klen + 1);
    atomic_init(&m->refs, 1);
    m->mtime = to_mtime(now_ms);
    m->vseq = ++b->vseq;
    m->vflags = S3_V_MARKER | (b->versioning == S3_VERSIONING_ENABLED ? 0 : S3_V_NULL);
    add_version(b, m);
    return m;
}

s3_object *s3_version_get(s3_bucket *b, const char *key, uint64_t vseq)
{
    if (!s3_versioned(b)) {
        s3_object *o = pmap_get(&b->objects, key);
        return o && (vseq == 0 || o->vseq == vseq) && (o->vflags & S3_V_NULL) ? o : NULL;
    }
    if (vseq) {
        s3_object *p = probe(key, vseq);
        s3_object *v = pmap_get(&b->versions, p);
        g_free(p);
        return v;
    }
    return pmap_get(&b->nulls, key);
}

s3_object *s3_version_latest(s3_bucket *b, const char *key)
{
    if (!s3_versioned(b))
        return pmap_get(&b->objects, key);
    pmap_iter it;
    s3_object *v = s3_version_seek(b, &it, key, UINT64_MAX);
    return v && strcmp(v->key, key) == 0 ? v : NULL;
}

void s3_version_delete(s3_bucket *b, s3_object *v)
{
    if (!s3_versioned(b)) {
        pmap_remove(&b->objects, v->key);
        return;
    }
    /* the maps' references may be v's last: hold it until done */
    s3_object_ref(v);
    if (pmap_get(&b->objects, v->key) == v)
        pmap_remove(&b->objects, v->key);
    if (v->vflags & S3_V_NULL)
        pmap_remove(&b->nulls, v->key);
    pmap_remove(&b->versions, v);
    refresh_current(b, v->key);
    s3_object_unref(v);
}

s3_object *s3_version_seek(const s3_bucket *b, pmap_iter *it, const char *key, uint64_t vseq)
{
    if (!s3_versioned(b))
        return pmap_seek(&b->objects, it, key, vseq != UINT64_MAX);
    s3_object *p = probe(key, vseq);
    /* (key, UINT64_MAX) sorts before every real version of key */
    s3_object *v = pmap_seek(&b->versions, it, p, vseq != UINT64_MAX);
    g_free(p);
    return v;
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

s3_object *s3_seek_past_prefix(const s3_bucket *b, bool versions, pmap_iter *it, const char *prefix, size_t len)
{
    char *succ = s3_prefix_successor(prefix, len);
    s3_object *o = !succ ? NULL : versions ? s3_version_seek(b, it, succ, UINT64_MAX) : pmap_seek(&b->objects, it, succ, false);
    if (!succ)
        it->depth = 0; /* past the last key */
    g_free(succ);
    return o;
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
