#include "services/s3/restore.h"

#include <stdatomic.h>
#include <string.h>

#include "services/s3/notify.h"
#include "services/s3/object.h"
#include "services/s3/s3.h"
#include "services/svc_api.h"
#include "wire/timefmt.h"

#define DAY_MS ((int64_t)86400 * 1000)

struct s3_restore_job {
    int64_t ready_ms;
    uint64_t seq;  /* order among jobs due at the same time */
    char *bucket;
    uint64_t vseq; /* the version restored */
    char key[];
};

static gint job_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
    const s3_restore_job *x = a, *y = b;
    (void)unused;
    if (x->ready_ms != y->ready_ms)
        return x->ready_ms < y->ready_ms ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void job_free(gpointer p)
{
    s3_restore_job *j = p;
    g_free(j->bucket);
    g_free(j);
}

GTree *s3_restore_jobs_new(void) { return g_tree_new_full(job_cmp, NULL, job_free, NULL); }

static gboolean copy_job(gpointer key, gpointer value, gpointer dst)
{
    const s3_restore_job *j = key;
    s3_restore_job *c = g_memdup2(j, sizeof *j + strlen(j->key) + 1);
    c->bucket = g_strdup(j->bucket);
    g_tree_insert(dst, c, c);
    return FALSE;
}

void s3_restore_jobs_copy(GTree *dst, GTree *src) { g_tree_foreach(src, copy_job, dst); }

int64_t s3_restore_due(const s3_state *st) { return atomic_load(&st->restore_due_ms); }

static void set_due(s3_state *st)
{
    GTreeNode *first = g_tree_node_first(st->restoring);
    atomic_store(&st->restore_due_ms, first ? ((s3_restore_job *)g_tree_node_key(first))->ready_ms : INT64_MAX);
}

static void job_add(s3_state *st, const s3_bucket *b, const s3_object *o, int64_t ready_ms)
{
    size_t klen = strlen(o->key);
    s3_restore_job *j = g_malloc(sizeof *j + klen + 1);
    j->ready_ms = ready_ms;
    j->seq = ++st->restore_seq;
    j->bucket = g_strdup(b->name);
    j->vseq = o->vseq;
    memcpy(j->key, o->key, klen + 1);
    g_tree_insert(st->restoring, j, j);
    set_due(st);
}

/* The version a job restores, if it is still there and still restoring. */
static s3_object *job_object(s3_state *st, const s3_restore_job *j, s3_bucket **bp)
{
    s3_bucket *b = g_tree_lookup(st->buckets, j->bucket);
    if (!b)
        return NULL;
    s3_object *o = s3_versioned(b) ? s3_version_get(b, j->key, j->vseq) : s3_object_get(b, j->key);
    if (!o || o->vseq != j->vseq || !o->meta || o->meta->restore_ready_ms != j->ready_ms)
        return NULL;
    *bp = b;
    return o;
}

void s3_restore_run(svc_call *c)
{
    s3_state *st = s3_st(c);
    GTreeNode *first;
    while ((first = g_tree_node_first(st->restoring))) {
        s3_restore_job *j = g_tree_node_key(first);
        if (j->ready_ms > c->now_ms)
            break;
        s3_bucket *b;
        s3_object *o = job_object(st, j, &b);
        if (o) {
            GString *t = g_string_new(NULL);
            timefmt_format(t, (double)o->meta->restore_expiry_ms / 1000.0, TIMEFMT_ISO8601_MS);
            json_t *extra = json_pack("{s:{s:{s:s, s:s}}}", "glacierEventData", "restoreEventData",
                                      "lifecycleRestorationExpiryTime", t->str, "lifecycleRestoreStorageClass",
                                      o->meta->storage_class);
            s3_notify_object(c, b, "ObjectRestore:Completed", o, extra);
            json_decref(extra);
            g_string_free(t, TRUE);
        }
        g_tree_remove(st->restoring, j);
    }
    set_due(st);
}

bool s3_restore_archived(const s3_meta *m)
{
    const char *sc = m ? m->storage_class : NULL;
    return sc && (strcmp(sc, "GLACIER") == 0 || strcmp(sc, "DEEP_ARCHIVE") == 0);
}

/* Whether the restored copy of o is there to read at now. */
static bool restored(const s3_meta *m, int64_t now_ms)
{
    return m && m->restore_ready_ms && now_ms >= m->restore_ready_ms && now_ms < m->restore_expiry_ms;
}

int s3_restore_check_readable(svc_call *c, const s3_object *o)
{
    if (!s3_restore_archived(o->meta) || restored(o->meta, c->now_ms))
        return 0;
    aws_error_set(&c->err, "InvalidObjectState", "The operation is not valid for the object's storage class");
    aws_error_field(&c->err, "StorageClass", json_string(o->meta->storage_class));
    return -1;
}

void s3_restore_describe(svc_call *c, const s3_object *o, json_t *out)
{
    const s3_meta *m = o->meta;
    if (!m || !m->restore_ready_ms)
        return;
    if (c->now_ms < m->restore_ready_ms) {
        json_object_set_new(out, "Restore", json_string("ongoing-request=\"true\""));
        return;
    }
    GString *t = g_string_new("ongoing-request=\"false\", expiry-date=\"");
    timefmt_http_date(t, (double)(m->restore_expiry_ms / 1000));
    g_string_append_c(t, '"');
    json_object_set_new(out, "Restore", json_string(t->str));
    g_string_free(t, TRUE);
}

/* When a copy restored at ready_ms for days expires: 00:00 GMT after the
 * days have passed (S3 rounds up to the next midnight). */
static int64_t expiry_of(int64_t ready_ms, json_int_t days)
{
    int64_t end = ready_ms + (int64_t)days * DAY_MS;
    return (end + DAY_MS - 1) / DAY_MS * DAY_MS;
}

int s3_restore_object(svc_call *c)
{
    if (s3_check_request(c) != 0)
        return -1;
    s3_bucket *b;
    s3_object *o;
    if (s3_object_lookup(c, &b, &o) != 0)
        return -1;
    if (!s3_restore_archived(o->meta))
        return aws_error_set(&c->err, "InvalidObjectState",
                             "Restore is not allowed for the object's current storage class");
    json_t *rr = json_object_get(c->input, "RestoreRequest");
    json_t *dj = json_object_get(rr, "Days");
    json_int_t days = json_integer_value(dj);
    if (svc_str(rr, "Type"))
        return aws_error_set_status(&c->err, 501, "NotImplemented",
                                    "A header you provided implies functionality that is not implemented");
    if (!dj || days < 1)
        return aws_error_set(&c->err, "MalformedXML", NULL);
    if (o->meta->restore_ready_ms && c->now_ms < o->meta->restore_ready_ms)
        return aws_error_set_status(&c->err, 409, "RestoreAlreadyInProgress", "Object restore is already in progress");
    /* a version a snapshot may share: changed as b's own */
    o = s3_object_mut(b, o);
    s3_meta *m = o->meta;
    if (restored(m, c->now_ms)) {
        /* a restored copy: the new Days count from now */
        m->restore_expiry_ms = expiry_of(c->now_ms, days);
        c->resp->status = 200;
        return 0;
    }
    m->restore_ready_ms = c->now_ms + (svc_transitions_instant(c) ? 0 : s3_st(c)->restore_delay_ms);
    if (m->restore_ready_ms == 0)
        m->restore_ready_ms = 1; /* 0 means never asked */
    m->restore_expiry_ms = expiry_of(m->restore_ready_ms, days);
    job_add(s3_st(c), b, o, m->restore_ready_ms);
    c->resp->status = 202;
    return 0;
}
