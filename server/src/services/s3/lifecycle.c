#include "services/s3/lifecycle.h"

#include <stdatomic.h>
#include <string.h>

#include "services/s3/config.h"
#include "services/s3/notify.h"
#include "services/s3/version.h"
#include "services/service.h"

#define DAY_MS ((int64_t)86400 * 1000)
#define NEVER INT64_MAX

/* S3 rounds every lifecycle time up to the next midnight UTC. */
static int64_t midnight_after(int64_t ms)
{
    return ms % DAY_MS == 0 ? ms : (ms / DAY_MS + 1) * DAY_MS;
}

static void due_at_most(_Atomic int64_t *due, int64_t t)
{
    int64_t cur = atomic_load(due);
    while (t < cur && !atomic_compare_exchange_weak(due, &cur, t))
        ;
}

int64_t s3_lifecycle_due(void *state)
{
    return atomic_load(&((s3_state *)state)->lifecycle_due_ms);
}

static bool tag_holds(json_t *tags, json_t *tag)
{
    const char *k = svc_str(tag, "Key"), *v = svc_str(tag, "Value");
    return k && v && g_strcmp0(svc_str(tags, k), v) == 0;
}

/* Whether rule applies to an object of this key, size (-1: an upload, for
 * which size conditions do not count) and tags (object, or NULL). */
static bool rule_matches(json_t *rule, const char *key, int64_t size, json_t *tags)
{
    if (g_strcmp0(svc_str(rule, "Status"), "Enabled") != 0)
        return false;
    const char *legacy = svc_str(rule, "Prefix");
    if (legacy && !g_str_has_prefix(key, legacy))
        return false;
    json_t *f = json_object_get(rule, "Filter");
    json_t *and = json_object_get(f, "And");
    json_t *cond = and ? and : f;
    const char *prefix = svc_str(cond, "Prefix");
    if (prefix && !g_str_has_prefix(key, prefix))
        return false;
    json_t *tag = json_object_get(f, "Tag");
    if (tag && !tag_holds(tags, tag))
        return false;
    size_t i;
    json_array_foreach(json_object_get(and, "Tags"), i, tag) {
        if (!tag_holds(tags, tag))
            return false;
    }
    json_t *gt = json_object_get(cond, "ObjectSizeGreaterThan"), *lt = json_object_get(cond, "ObjectSizeLessThan");
    if (size >= 0 && gt && !(size > json_integer_value(gt)))
        return false;
    if (size >= 0 && lt && !(size < json_integer_value(lt)))
        return false;
    return true;
}

static json_t *rules_of(const s3_bucket *b)
{
    return json_object_get(s3_config_get(b, S3_CFG_LIFECYCLE), "Rules");
}

/* When one rule acts on the thing arg points to (NEVER: it does not). */
typedef int64_t (*rule_time)(json_t *rule, const void *arg);

/* The earliest time any of b's rules acts, and that rule's ID (borrowed,
 * NULL when none or no ID) when rule_id is not NULL. */
static int64_t earliest_rule(const s3_bucket *b, rule_time when, const void *arg, const char **rule_id)
{
    int64_t best = NEVER;
    if (rule_id)
        *rule_id = NULL;
    size_t i;
    json_t *rule;
    json_array_foreach(rules_of(b), i, rule) {
        int64_t at = when(rule, arg);
        if (at < best) {
            best = at;
            if (rule_id)
                *rule_id = svc_str(rule, "ID");
        }
    }
    return best;
}

static int64_t days_after(int64_t from_ms, json_t *days)
{
    return midnight_after(from_ms + json_integer_value(days) * DAY_MS);
}

static int64_t expiry_time(json_t *rule, const void *arg)
{
    const s3_object *o = arg;
    json_t *exp = json_object_get(rule, "Expiration");
    json_t *days = json_object_get(exp, "Days"), *date = json_object_get(exp, "Date");
    if ((!days && !date) || !rule_matches(rule, o->key, (int64_t)o->blob->len, o->meta ? o->meta->tags : NULL))
        return NEVER;
    return days ? days_after(S3_MTIME_MS(o), days) : (int64_t)(json_number_value(date) * 1000);
}

int64_t s3_lifecycle_expiry(const s3_bucket *b, const s3_object *o, const char **rule_id)
{
    return earliest_rule(b, expiry_time, o, rule_id);
}

static int64_t abort_time(json_t *rule, const void *arg)
{
    const s3_upload *u = arg;
    json_t *days = json_object_get(json_object_get(rule, "AbortIncompleteMultipartUpload"), "DaysAfterInitiation");
    if (!days || !rule_matches(rule, u->key, -1, u->meta ? u->meta->tags : NULL))
        return NEVER;
    return days_after(u->initiated_ms, days);
}

int64_t s3_lifecycle_abort(const s3_bucket *b, const s3_upload *u, const char **rule_id)
{
    return earliest_rule(b, abort_time, u, rule_id);
}

/* The earliest one rule can act on what a write at *now_ms made: a new
 * object or upload, a version made noncurrent, a delete marker. */
static int64_t write_time(json_t *rule, const void *arg)
{
    int64_t now_ms = *(const int64_t *)arg, at = NEVER;
    json_t *exp = json_object_get(rule, "Expiration");
    json_t *days = json_object_get(exp, "Days"), *date = json_object_get(exp, "Date");
    json_t *nve = json_object_get(rule, "NoncurrentVersionExpiration");
    json_t *abort = json_object_get(json_object_get(rule, "AbortIncompleteMultipartUpload"), "DaysAfterInitiation");
    if (days)
        at = MIN(at, days_after(now_ms, days));
    if (date)
        at = MIN(at, (int64_t)(json_number_value(date) * 1000));
    if (json_is_true(json_object_get(exp, "ExpiredObjectDeleteMarker")))
        at = MIN(at, midnight_after(now_ms + 1));
    if (nve)
        at = MIN(at, days_after(now_ms, json_object_get(nve, "NoncurrentDays")));
    if (abort)
        at = MIN(at, days_after(now_ms, abort));
    return at;
}

static int64_t write_due(const s3_bucket *b, int64_t now_ms)
{
    return earliest_rule(b, write_time, &now_ms, NULL);
}

/* When the delete marker m, current and its key's only entry, goes: by an
 * ExpiredObjectDeleteMarker rule at the first midnight after it was made
 * (the versions under it may have gone later: then at the next sweep), or
 * by an Expiration Days rule once it is as old as an object would be
 * (DOCS lifecycle-expire-general-considerations, ManagingDelMarkers). */
static int64_t lone_marker_time(json_t *rule, const void *arg)
{
    const s3_object *m = arg;
    json_t *exp = json_object_get(rule, "Expiration");
    json_t *days = json_object_get(exp, "Days");
    bool eodm = json_is_true(json_object_get(exp, "ExpiredObjectDeleteMarker"));
    if ((!days && !eodm) || !rule_matches(rule, m->key, -1, NULL))
        return NEVER;
    return days ? days_after(S3_MTIME_MS(m), days) : midnight_after(S3_MTIME_MS(m) + 1);
}

/* A noncurrent version: noncurrent since since_ms, with newer noncurrent
 * entries of its key above it. */
typedef struct noncurrent {
    const s3_object *v;
    int64_t since_ms, newer;
} noncurrent;

/* When a NoncurrentVersionExpiration rule removes it: NoncurrentDays after
 * it became noncurrent, unless it is one of the rule's
 * NewerNoncurrentVersions newest noncurrent ones. */
static int64_t noncurrent_time(json_t *rule, const void *arg)
{
    const noncurrent *nc = arg;
    const s3_object *v = nc->v;
    json_t *nve = json_object_get(rule, "NoncurrentVersionExpiration");
    if (!nve || nc->newer < json_integer_value(json_object_get(nve, "NewerNoncurrentVersions")) ||
        !rule_matches(rule, v->key, v->blob ? (int64_t)v->blob->len : -1, v->meta ? v->meta->tags : NULL))
        return NEVER;
    return days_after(nc->since_ms, json_object_get(nve, "NoncurrentDays"));
}

typedef struct sweep {
    svc_call *c;
    s3_bucket *b;
    int64_t now, next;
    GPtrArray *gone;     /* keys to expire, or uploads */
    GPtrArray *versions; /* versions to remove for good */
    /* walking the versions tree: the entry before (newer, same key or not), and
     * how many noncurrent entries of its key came before */
    const s3_object *newer;
    int64_t noncurrent;
} sweep;

/* Whether a time is due by sw->now; else lowers sw->next to it. */
static bool due(sweep *sw, int64_t at)
{
    if (at <= sw->now)
        return true;
    sw->next = MIN(sw->next, at);
    return false;
}

static void sweep_object(sweep *sw, const s3_object *o)
{
    /* on a versioned bucket an expired current version gets a delete
     * marker (s3_object_remove, below) */
    if (due(sw, s3_lifecycle_expiry(sw->b, o, NULL)))
        g_ptr_array_add(sw->gone, g_strdup(o->key));
}

/* Versioned buckets: every entry, each key's newest (current) first; it
 * is on v, the next entry (older, or the next key's) after it. */
static void sweep_version(sweep *sw, const pmap_iter *it, s3_object *v)
{
    const s3_object *newer = sw->newer;
    sw->newer = v;
    if (!newer || strcmp(newer->key, v->key) != 0) {
        sw->noncurrent = 0;
        if (!(v->vflags & S3_V_MARKER)) {
            sweep_object(sw, v);
            return;
        }
        /* a marker alone under its key */
        pmap_iter peek = *it;
        const s3_object *older = pmap_next(&peek);
        if ((!older || strcmp(older->key, v->key) != 0) && due(sw, earliest_rule(sw->b, lone_marker_time, v, NULL)))
            g_ptr_array_add(sw->versions, v);
        return;
    }
    /* noncurrent since newer was written */
    noncurrent nc = {.v = v, .since_ms = S3_MTIME_MS(newer), .newer = sw->noncurrent++};
    int64_t at = earliest_rule(sw->b, noncurrent_time, &nc, NULL);
    if (at != NEVER && s3_lock_protects(v, sw->now)) /* lifecycle removes no locked version */
        at = v->meta->lock_hold == 'Y' ? NEVER : MAX(at, v->meta->lock_until_ms);
    if (due(sw, at))
        g_ptr_array_add(sw->versions, v);
}

static gboolean sweep_upload(gpointer k, gpointer v, gpointer arg)
{
    sweep *sw = arg;
    if (due(sw, s3_lifecycle_abort(sw->b, v, NULL)))
        g_ptr_array_add(sw->gone, v);
    return FALSE;
}

/* Removes the current version of key as an expiration does, and tells
 * the bucket's event destinations. */
static void expire(svc_call *c, s3_bucket *b, const char *key, int64_t now)
{
    if (!s3_config_get(b, S3_CFG_NOTIFICATION)) {
        s3_object_remove(b, key, now);
        return;
    }
    /* the record describes what goes (unversioned: told first, while it is
     * there) or the marker made */
    s3_object *gone = s3_versioned(b) ? NULL : s3_object_get(b, key);
    if (gone)
        s3_notify_object(c, b, "LifecycleExpiration:Delete", gone, NULL);
    s3_object *marker = s3_object_remove(b, key, now);
    if (marker)
        s3_notify_object(c, b, "LifecycleExpiration:DeleteMarkerCreated", marker, NULL);
}

/* Carries out b's rules due by now; b's next due time. */
static int64_t sweep_bucket(svc_call *c, s3_bucket *b, int64_t now)
{
    if (!rules_of(b))
        return NEVER;
    sweep sw = {.c = c, .b = b, .now = now, .next = NEVER, .gone = g_ptr_array_new_with_free_func(g_free),
                .versions = g_ptr_array_new()};
    pmap_iter it;
    if (s3_versioned(b))
        for (s3_object *v = pmap_first(&b->versions, &it); v; v = pmap_next(&it))
            sweep_version(&sw, &it, v);
    else
        for (const s3_object *o = pmap_first(&b->objects, &it); o; o = pmap_next(&it))
            sweep_object(&sw, o);
    /* the maps hold what was collected until each is removed */
    for (guint i = 0; i < sw.versions->len; i++) {
        s3_object *v = g_ptr_array_index(sw.versions, i);
        /* told while the version is still there */
        s3_notify_object(c, b, "LifecycleExpiration:Delete", v, NULL);
        s3_version_delete(b, v);
    }
    for (guint i = 0; i < sw.gone->len; i++)
        expire(c, b, g_ptr_array_index(sw.gone, i), now);
    /* what this sweep did is a write: markers just made, versions just
     * made noncurrent or left alone under a marker */
    if (sw.gone->len || sw.versions->len)
        sw.next = MIN(sw.next, write_due(b, now));
    g_ptr_array_free(sw.versions, TRUE);
    g_ptr_array_free(sw.gone, TRUE);
    sw.gone = g_ptr_array_new();
    g_tree_foreach(b->uploads, sweep_upload, &sw);
    for (guint i = 0; i < sw.gone->len; i++)
        s3_upload_remove(b, g_ptr_array_index(sw.gone, i));
    g_ptr_array_free(sw.gone, TRUE);
    return sw.next;
}

typedef struct run_ctx {
    svc_call *c;
    int64_t next; /* the earliest next due time */
} run_ctx;

static gboolean run_bucket(gpointer k, gpointer v, gpointer arg)
{
    s3_bucket *b = v;
    run_ctx *r = arg;
    if (atomic_load(&b->lifecycle_due_ms) <= r->c->now_ms)
        atomic_store(&b->lifecycle_due_ms, sweep_bucket(r->c, b, r->c->now_ms));
    int64_t due = atomic_load(&b->lifecycle_due_ms);
    if (due < r->next)
        r->next = due;
    return FALSE;
}

void s3_lifecycle_run(svc_call *c)
{
    s3_state *st = c->state;
    run_ctx r = {.c = c, .next = NEVER};
    g_tree_foreach(st->buckets, run_bucket, &r);
    atomic_store(&st->lifecycle_due_ms, r.next);
}

void s3_lifecycle_note_write(s3_state *st, s3_bucket *b, int64_t now_ms)
{
    int64_t earliest = write_due(b, now_ms);
    due_at_most(&b->lifecycle_due_ms, earliest);
    due_at_most(&st->lifecycle_due_ms, earliest);
}

void s3_lifecycle_note_lock(s3_state *st, s3_bucket *b, const s3_object *v)
{
    pmap_iter it;
    /* the entry before v: newer, of its key or of the key before */
    const s3_object *newer = s3_versioned(b) ? pmap_seek_back(&b->versions, &it, v, true) : NULL;
    if (!newer || strcmp(newer->key, v->key) != 0)
        return; /* current: lifecycle only ever removes noncurrent versions */
    /* the earliest a rule could take it, NewerNoncurrentVersions aside (the
     * sweep counts those): a sweep then finds whether it is due */
    noncurrent nc = {.v = v, .since_ms = S3_MTIME_MS(newer), .newer = INT64_MAX};
    int64_t at = earliest_rule(b, noncurrent_time, &nc, NULL);
    due_at_most(&b->lifecycle_due_ms, at);
    due_at_most(&st->lifecycle_due_ms, at);
}

void s3_lifecycle_note_config(s3_state *st, s3_bucket *b)
{
    due_at_most(&b->lifecycle_due_ms, 0);
    due_at_most(&st->lifecycle_due_ms, 0);
}
