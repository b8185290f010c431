#include "services/dynamodb/ttl.h"

#include <math.h>
#include <string.h>

#include "services/dynamodb/request.h"
#include "services/dynamodb/value.h"
#include "services/dynamodb/write.h"
#include "services/service.h"

/* DynamoDB leaves alone items whose expiry is more than five years past. */
#define FIVE_YEARS_MS (5LL * 365 * 24 * 3600 * 1000)
/* One change of the setting per table per hour. */
#define CHANGE_INTERVAL_MS (3600LL * 1000)

/* An entry of the expiry tree: the item (borrowed from the table's store,
 * which holds it as long as the entry exists) by its expiry time. */
typedef struct ttl_key {
    int64_t at_ms;
    json_t *item;
} ttl_key;

static int ttl_key_cmp(gconstpointer pa, gconstpointer pb, gpointer unused)
{
    const ttl_key *a = pa, *b = pb;
    if (a->at_ms != b->at_ms)
        return a->at_ms < b->at_ms ? -1 : 1;
    uintptr_t x = (uintptr_t)a->item, y = (uintptr_t)b->item;
    return x == y ? 0 : x < y ? -1 : 1;
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

static bool expired_at(int64_t at_ms, int64_t now_ms)
{
    return at_ms <= now_ms && at_ms > now_ms - FIVE_YEARS_MS;
}

bool ddb_ttl_expired(const ddb_table *t, json_t *item, int64_t now_ms)
{
    int64_t at;
    return active(t) && expiry_of(t, item, &at) && expired_at(at, now_ms);
}

void ddb_ttl_track(ddb_table *t, json_t *item)
{
    int64_t at;
    if (!t->ttl.expiry || !expiry_of(t, item, &at))
        return;
    ttl_key *k = g_new(ttl_key, 1);
    *k = (ttl_key){at, item};
    g_tree_insert(t->ttl.expiry, k, NULL);
}

void ddb_ttl_untrack(ddb_table *t, json_t *item)
{
    int64_t at;
    if (!t->ttl.expiry || !expiry_of(t, item, &at))
        return;
    ttl_key probe = {at, item};
    g_tree_remove(t->ttl.expiry, &probe);
}

void ddb_ttl_purge(ddb_table *t, int64_t now_ms)
{
    if (!active(t) || !t->ttl.expiry)
        return;
    GTreeNode *n;
    while ((n = g_tree_node_first(t->ttl.expiry))) {
        ttl_key *k = g_tree_node_key(n);
        if (k->at_ms > now_ms)
            break;
        if (expired_at(k->at_ms, now_ms)) {
            /* the delete untracks the item, which frees k */
            json_t *item = json_incref(k->item);
            ttl_key copy = *k;
            ddb_write_delete(t, item);
            /* never spin on an entry the delete did not take away */
            g_tree_remove(t->ttl.expiry, &copy);
            json_decref(item);
        } else {
            /* too old ever to expire: it need not be looked at again */
            g_tree_remove(t->ttl.expiry, k);
        }
    }
}

void ddb_ttl_pending(const ddb_table *t, int64_t now_ms, size_t *count, uint64_t *bytes)
{
    *count = 0;
    *bytes = 0;
    if (!active(t) || !t->ttl.expiry)
        return;
    for (GTreeNode *n = g_tree_node_first(t->ttl.expiry); n; n = g_tree_node_next(n)) {
        ttl_key *k = g_tree_node_key(n);
        if (k->at_ms > now_ms)
            break;
        if (expired_at(k->at_ms, now_ms)) {
            (*count)++;
            *bytes += ddb_item_size(k->item);
        }
    }
}

static bool track_one(const ddb_entry *e, void *arg)
{
    ddb_ttl_track(arg, e->item);
    return true;
}

void ddb_ttl_set(ddb_table *t, const char *attr, bool enabled, int64_t now_ms, int64_t until_ms)
{
    if (t->ttl.expiry) {
        g_tree_destroy(t->ttl.expiry);
        t->ttl.expiry = NULL;
    }
    if (attr != t->ttl.attr) {
        g_free(t->ttl.attr);
        t->ttl.attr = g_strdup(attr);
    }
    t->ttl.enabled = enabled;
    t->ttl.until_ms = until_ms;
    t->ttl.changed_ms = now_ms;
    if (enabled) {
        t->ttl.expiry = g_tree_new_full(ttl_key_cmp, NULL, g_free, NULL);
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
    char *name;
    if (ddb_table_name(c, DDB_NAME_DATA, &name) != 0)
        return NULL;
    ddb_table *t = ddb_state_table(c->state, name, c->now_ms);
    if (!t)
        aws_error_set(&c->err, "ResourceNotFoundException", "Requested resource not found: Table: %s not found",
                      name[0] == '\x01' ? name + 1 : name);
    g_free(name);
    return t;
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
    ddb_ttl_set(t, attr, enable, c->now_ms, c->now_ms + st->delay_ms);
    /* items already expired go at once */
    ddb_ttl_purge(t, c->now_ms);
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
