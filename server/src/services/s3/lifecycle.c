#include "services/s3/lifecycle.h"

#include <stdatomic.h>
#include <string.h>

#include "services/s3/config.h"
#include "services/s3/notify.h"
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

int64_t s3_lifecycle_expiry(const s3_bucket *b, const s3_object *o, const char **rule_id)
{
    int64_t best = NEVER;
    if (rule_id)
        *rule_id = NULL;
    json_t *tags = o->meta ? o->meta->tags : NULL;
    size_t i;
    json_t *rule;
    json_array_foreach(rules_of(b), i, rule) {
        json_t *exp = json_object_get(rule, "Expiration");
        json_t *days = json_object_get(exp, "Days"), *date = json_object_get(exp, "Date");
        if ((!days && !date) || !rule_matches(rule, o->key, (int64_t)o->blob->len, tags))
            continue;
        int64_t at = days ? midnight_after(S3_MTIME_MS(o) + json_integer_value(days) * DAY_MS)
                          : (int64_t)(json_number_value(date) * 1000);
        if (at < best) {
            best = at;
            if (rule_id)
                *rule_id = svc_str(rule, "ID");
        }
    }
    return best;
}

static int64_t upload_abort_time(const s3_bucket *b, const s3_upload *u)
{
    int64_t best = NEVER;
    size_t i;
    json_t *rule;
    json_array_foreach(rules_of(b), i, rule) {
        json_t *days = json_object_get(json_object_get(rule, "AbortIncompleteMultipartUpload"), "DaysAfterInitiation");
        if (!days || !rule_matches(rule, u->key, -1, u->meta ? u->meta->tags : NULL))
            continue;
        int64_t at = midnight_after(u->initiated_ms + json_integer_value(days) * DAY_MS);
        if (at < best)
            best = at;
    }
    return best;
}

typedef struct sweep {
    svc_call *c;
    s3_bucket *b;
    int64_t now, next;
    GPtrArray *gone; /* keys, or uploads */
} sweep;

static gboolean sweep_object(gpointer k, gpointer v, gpointer arg)
{
    sweep *sw = arg;
    /* On a versioned bucket an expired current version gets a delete
     * marker (s3_object_remove, below). Not yet: noncurrent versions going
     * NoncurrentDays after they became noncurrent. */
    int64_t at = s3_lifecycle_expiry(sw->b, v, NULL);
    if (at <= sw->now)
        g_ptr_array_add(sw->gone, g_strdup(k));
    else if (at < sw->next)
        sw->next = at;
    return FALSE;
}

static gboolean sweep_upload(gpointer k, gpointer v, gpointer arg)
{
    sweep *sw = arg;
    int64_t at = upload_abort_time(sw->b, v);
    if (at <= sw->now)
        g_ptr_array_add(sw->gone, v);
    else if (at < sw->next)
        sw->next = at;
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
    s3_object *gone = b->versions ? NULL : s3_object_get(b, key);
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
    sweep sw = {.c = c, .b = b, .now = now, .next = NEVER, .gone = g_ptr_array_new_with_free_func(g_free)};
    g_tree_foreach(b->objects, sweep_object, &sw);
    for (guint i = 0; i < sw.gone->len; i++)
        expire(c, b, g_ptr_array_index(sw.gone, i), now);
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
    int64_t earliest = NEVER;
    size_t i;
    json_t *rule;
    json_array_foreach(rules_of(b), i, rule) {
        json_t *exp = json_object_get(rule, "Expiration");
        json_t *days = json_object_get(exp, "Days"), *date = json_object_get(exp, "Date");
        json_t *abort = json_object_get(json_object_get(rule, "AbortIncompleteMultipartUpload"), "DaysAfterInitiation");
        int64_t at = days    ? midnight_after(now_ms + json_integer_value(days) * DAY_MS)
                     : date  ? (int64_t)(json_number_value(date) * 1000)
                     : abort ? midnight_after(now_ms + json_integer_value(abort) * DAY_MS)
                             : NEVER;
        if (days && abort)
            at = MIN(at, midnight_after(now_ms + json_integer_value(abort) * DAY_MS));
        if (at < earliest)
            earliest = at;
    }
    due_at_most(&b->lifecycle_due_ms, earliest);
    due_at_most(&st->lifecycle_due_ms, earliest);
}

void s3_lifecycle_note_config(s3_state *st, s3_bucket *b)
{
    due_at_most(&b->lifecycle_due_ms, 0);
    due_at_most(&st->lifecycle_due_ms, 0);
}
