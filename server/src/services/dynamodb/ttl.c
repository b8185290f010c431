#include "services/dynamodb/ttl.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "services/dynamodb/request.h"
#include "services/dynamodb/value.h"
#include "services/dynamodb/write.h"
#include "services/service.h"

/* DynamoDB leaves alone items whose expiry is more than five years past. */
#define FIVE_YEARS_MS (5LL * 365 * 24 * 3600 * 1000)
/* One change of the setting per table per hour. */
#define CHANGE_INTERVAL_MS (3600LL * 1000)

/* What the two maps of this module hold, reference counted since a
 * snapshot's map shares them, and never changed: the expiry map an item (one
 * reference) by its expiry time (n: ms on the epoch), the sweeper's log a
 * record by its number (n), oldest first. */
typedef struct ttl_ent {
    int refs; /* atomic */
    int64_t n;
    json_t *json;
} ttl_ent;

static ttl_ent *ent_new(int64_t n, json_t *json)
{
    ttl_ent *e = g_new(ttl_ent, 1);
    *e = (ttl_ent){1, n, json};
    return e;
}

static const void *ent_self(const void *v)
{
    return v;
}

static void ent_release(void *v)
{
    ttl_ent *e = v;
    if (!ddb_ref_drop(e))
        return;
    json_decref(e->json);
    g_free(e);
}

static int n_cmp(int64_t a, int64_t b)
{
    return a == b ? 0 : a < b ? -1 : 1;
}

/* expiry time, then the item (items expiring together apart) */
static int expiry_cmp(const void *pa, const void *pb)
{
    const ttl_ent *a = pa, *b = pb;
    if (a->n != b->n)
        return n_cmp(a->n, b->n);
    uintptr_t x = (uintptr_t)a->json, y = (uintptr_t)b->json;
    return x == y ? 0 : x < y ? -1 : 1;
}

static int log_cmp(const void *pa, const void *pb)
{
    return n_cmp(((const ttl_ent *)pa)->n, ((const ttl_ent *)pb)->n);
}

static const pmap_type expiry_type = {expiry_cmp, ent_self, ddb_ref_retain, ent_release, NULL};
static const pmap_type log_type = {log_cmp, ent_self, ddb_ref_retain, ent_release, NULL};

static pmap *expiry_new(void)
{
    pmap *m = g_new(pmap, 1);
    pmap_init(m, &expiry_type);
    return m;
}

static void expiry_free(pmap *m)
{
    if (!m)
        return;
    pmap_clear(m);
    g_free(m);
}

void ddb_ttl_free(ddb_ttl *ttl)
{
    g_free(ttl->attr);
    expiry_free(ttl->expiry);
}

void ddb_ttl_untrack_all(ddb_table *t)
{
    if (t->ttl.expiry)
        pmap_clear(t->ttl.expiry);
}

void ddb_ttl_share(ddb_ttl *dst, const ddb_ttl *src, ddb_state *st)
{
    *dst = *src;
    dst->attr = g_strdup(src->attr);
    dst->state = src->state ? st : NULL;
    if (src->expiry) {
        dst->expiry = expiry_new();
        pmap_share(dst->expiry, src->expiry);
    }
}

void ddb_ttl_log_init(ddb_state *st)
{
    pmap_init(&st->ttl_deleted, &log_type);
    st->ttl_seq = 0;
}

void ddb_ttl_log_share(ddb_state *dst, const ddb_state *src)
{
    pmap_share(&dst->ttl_deleted, &src->ttl_deleted);
    dst->ttl_seq = src->ttl_seq;
}

/* The item's expiry (ms on the epoch), false when it has none: the TTL
 * attribute must be a top-level number. */
static bool expiry_of(const ddb_table *t, json_t *item, int64_t *at_ms)
{
    json_t *v = json_object_get(item, t->ttl.attr);
    json_t *n = ddb_value_type(v) == DDB_T_N ? ddb_value_payload(v) : NULL;
    if (!json_is_string(n))
        return false;
    double secs = g_ascii_strtod(json_string_value(n), NULL);
    if (!isfinite(secs))
        return false;
    double ms = floor(secs * 1000.0);
    *at_ms = ms > 9e18 ? INT64_MAX : ms < -9e18 ? INT64_MIN : (int64_t)ms;
    return true;
}

static bool active(const ddb_table *t)
{
    return t->ttl.enabled && t->ttl.attr;
}

/* When the sweeper deletes an item expiring at at_ms. */
static int64_t sweep_time(const ddb_state *st, int64_t at_ms)
{
    return at_ms > INT64_MAX - st->ttl_delay_ms ? INT64_MAX : at_ms + st->ttl_delay_ms;
}

static void due_at_most(ddb_state *st, int64_t t)
{
    int64_t cur = atomic_load(&st->ttl_due_ms);
    while (t < cur && !atomic_compare_exchange_weak(&st->ttl_due_ms, &cur, t))
        ;
}

void ddb_ttl_track(ddb_table *t, json_t *item)
{
    int64_t at;
    if (!t->ttl.expiry || !expiry_of(t, item, &at))
        return;
    ttl_ent *was = pmap_put(t->ttl.expiry, ent_new(at, json_incref(item)));
    if (was)
        ent_release(was);
    if (t->ttl.state)
        due_at_most(t->ttl.state, sweep_time(t->ttl.state, at));
}

void ddb_ttl_untrack(ddb_table *t, json_t *item)
{
    int64_t at;
    if (!t->ttl.expiry || !expiry_of(t, item, &at))
        return;
    ttl_ent probe = {0, at, item};
    pmap_remove(t->ttl.expiry, &probe);
}

/* A deletion by the TTL service, as a DynamoDB Streams record shows it. */
static void record(ddb_state *st, const ddb_table *t, json_t *item, int64_t now_ms)
{
    json_t *keys = json_object();
    const ddb_keydef *ks[2] = {&t->hash, &t->range};
    for (int i = 0; i < 2; i++)
        if (ks[i]->name && json_object_get(item, ks[i]->name))
            json_object_set(keys, ks[i]->name, json_object_get(item, ks[i]->name));
    json_t *r = json_pack("{s:s, s:s, s:s, s:s, s:{s:I, s:o, s:o, s:s}, s:{s:s, s:s}}", "eventName", "REMOVE",
                          "eventSource", "aws:dynamodb", "tableName", t->name, "tableArn", t->arn, "dynamodb",
                          "ApproximateCreationDateTime", (json_int_t)(now_ms / 1000), "Keys",
                          ddb_item_to_wire(keys), "OldImage", ddb_item_to_wire(item), "StreamViewType",
                          "NEW_AND_OLD_IMAGES", "userIdentity", "type", "Service", "principalId",
                          "dynamodb.amazonaws.com");
    json_decref(keys);
    pmap_put(&st->ttl_deleted, ent_new((int64_t)st->ttl_seq++, r));
    pmap_iter it;
    while (pmap_count(&st->ttl_deleted) > DDB_TTL_RECORDS)
        pmap_remove(&st->ttl_deleted, pmap_first(&st->ttl_deleted, &it));
}

/* Deletes t's items due at now_ms; the sweep time of the next one. */
static int64_t sweep_table(ddb_state *st, ddb_table *t, int64_t now_ms)
{
    if (!active(t) || !t->ttl.expiry)
        return INT64_MAX;
    pmap_iter it;
    ttl_ent *k;
    while ((k = pmap_first(t->ttl.expiry, &it))) {
        int64_t due = sweep_time(st, k->n);
        if (due > now_ms)
            return due;
        /* the delete untracks the item, which may free k */
        ttl_ent copy = {0, k->n, json_incref(k->json)};
        if (k->n > now_ms - FIVE_YEARS_MS) {
            record(st, t, copy.json, now_ms);
            ddb_write_delete(t, copy.json);
        }
        /* never spin on an entry the delete did not take away; one too old
         * ever to expire need not be looked at again */
        pmap_remove(t->ttl.expiry, &copy);
        json_decref(copy.json);
    }
    return INT64_MAX;
}

typedef struct sweep_ctx {
    ddb_state *st;
    int64_t now, next;
} sweep_ctx;

static gboolean sweep_one(gpointer key, gpointer value, gpointer arg)
{
    sweep_ctx *c = arg;
    int64_t next = sweep_table(c->st, value, c->now);
    if (next < c->next)
        c->next = next;
    return FALSE;
}

int64_t ddb_ttl_due(void *state)
{
    return atomic_load(&((ddb_state *)state)->ttl_due_ms);
}

void ddb_ttl_sweep(svc_call *call)
{
    ddb_state *st = call->state;
    int64_t now_ms = call->now_ms;
    /* tables gone by now are not swept */
    ddb_state_settle(st, now_ms);
    sweep_ctx c = {st, now_ms, INT64_MAX};
    g_tree_foreach(st->tables, sweep_one, &c);
    atomic_store(&st->ttl_due_ms, c.next);
}

void ddb_ttl_delay_changed(ddb_state *st)
{
    /* the next request sweeps and finds the next time */
    atomic_store(&st->ttl_due_ms, 0);
}

void ddb_ttl_records(ddb_state *st, const char *account, const char *region, const char *table, json_t *out)
{
    pmap_iter it;
    for (const ttl_ent *e = pmap_first(&st->ttl_deleted, &it); e; e = pmap_next(&it)) {
        json_t *r = e->json;
        if (table && g_strcmp0(svc_str(r, "tableName"), table) != 0)
            continue;
        json_t *o = json_deep_copy(r);
        json_object_set_new(o, "account", json_string(account));
        json_object_set_new(o, "awsRegion", json_string(region));
        json_array_append_new(out, o);
    }
}

void ddb_ttl_records_clear(ddb_state *st)
{
    pmap_clear(&st->ttl_deleted);
}

static bool track_one(const ddb_entry *e, void *arg)
{
    ddb_ttl_track(arg, e->item);
    return true;
}

void ddb_ttl_set(ddb_state *st, ddb_table *t, const char *attr, bool enabled, int64_t now_ms, int64_t until_ms)
{
    expiry_free(t->ttl.expiry);
    t->ttl.expiry = NULL;
    if (attr != t->ttl.attr) {
        g_free(t->ttl.attr);
        t->ttl.attr = g_strdup(attr);
    }
    t->ttl.enabled = enabled;
    t->ttl.until_ms = until_ms;
    t->ttl.changed_ms = now_ms;
    t->ttl.state = enabled ? st : NULL;
    if (enabled) {
        t->ttl.expiry = expiry_new();
        ddb_store_foreach(t->items, track_one, t);
    }
}

static ddb_ttl_status ttl_status(const ddb_table *t, int64_t now_ms)
{
    if (!t->ttl.attr)
        return DDB_TTL_DISABLED;
    bool moving = now_ms < t->ttl.until_ms;
    if (t->ttl.enabled)
        return moving ? DDB_TTL_ENABLING : DDB_TTL_ENABLED;
    return moving ? DDB_TTL_DISABLING : DDB_TTL_DISABLED;
}

json_t *ddb_ttl_spec(const ddb_table *t)
{
    if (!t->ttl.attr)
        return NULL;
    return json_pack("{s:s, s:b}", "AttributeName", t->ttl.attr, "Enabled", t->ttl.enabled);
}

/* ---- handlers ---- */

static ddb_table *ttl_table(svc_call *c)
{
    return ddb_named_table(c, "ResourceNotFoundException", "Requested resource not found: Table: %s not found");
}

int ddb_update_ttl(svc_call *c)
{
    ddb_state_settle(c->state, c->now_ms);
    ddb_table *t = ttl_table(c);
    if (!t)
        return -1;
    json_t *spec = json_object_get(c->input, "TimeToLiveSpecification");
    bool enable = svc_true(spec, "Enabled");
    const char *attr = svc_str(spec, "AttributeName");
    if (!attr)
        return ddb_validation(c, "The parameter 'AttributeName' is required but was not present in the request");
    ddb_status ts = ddb_table_status(t, c->now_ms);
    if (ts == DDB_CREATING || ts == DDB_DELETING)
        return aws_error_set(&c->err, "ResourceInUseException",
                             "Attempt to change a resource which is still in use: Table is being %s: %s",
                             ts == DDB_CREATING ? "created" : "deleted", t->name);
    ddb_ttl_status s = ttl_status(t, c->now_ms);
    bool on = s == DDB_TTL_ENABLED || s == DDB_TTL_ENABLING;
    if (on && strcmp(t->ttl.attr, attr) != 0)
        return ddb_validation(c, "TimeToLive is active on a different AttributeName: current AttributeName is %s",
                              t->ttl.attr);
    if (enable && on)
        return ddb_validation(c, "TimeToLive is already enabled");
    if (!enable && !on)
        return ddb_validation(c, "TimeToLive is already disabled");
    if (t->ttl.changed_ms && c->now_ms - t->ttl.changed_ms < CHANGE_INTERVAL_MS)
        return ddb_validation(c, "Time to live has been modified multiple times within a fixed interval");
    ddb_state *st = c->state;
    /* items expired already go when the sweeper comes */
    ddb_ttl_set(st, t, attr, enable, c->now_ms, ddb_transition_end(c));
    c->output = json_pack("{s:{s:b, s:s}}", "TimeToLiveSpecification", "Enabled", enable, "AttributeName", attr);
    return 0;
}

int ddb_describe_ttl(svc_call *c)
{
    ddb_table *t = ttl_table(c);
    if (!t)
        return -1;
    static const char *const names[] = {"DISABLED", "ENABLING", "ENABLED", "DISABLING"};
    ddb_ttl_status s = ttl_status(t, c->now_ms);
    json_t *d = json_pack("{s:s}", "TimeToLiveStatus", names[s]);
    if (s != DDB_TTL_DISABLED)
        json_object_set_new(d, "AttributeName", json_string(t->ttl.attr));
    c->output = json_pack("{s:o}", "TimeToLiveDescription", d);
    return 0;
}
