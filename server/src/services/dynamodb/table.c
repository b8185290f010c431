#include "services/dynamodb/table.h"

#include <stdlib.h>
#include <string.h>

#include "services/dynamodb/transact.h"
#include "services/dynamodb/ttl.h"
#include "services/service.h"
#include "services/svc_api.h"

static int name_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
    return strcmp(a, b);
}

void ddb_index_free(ddb_index *ix)
{
    if (!ix)
        return;
    ddb_store_free(ix->items);
    g_strfreev(ix->include);
    g_free(ix->name);
    g_free(ix->hash.name);
    g_free(ix->range.name);
    json_decref(ix->key_schema);
    json_decref(ix->projection);
    json_decref(ix->extra);
    g_free(ix);
}

void ddb_table_free(ddb_table *t)
{
    if (!t)
        return;
    g_free(t->name);
    g_free(t->arn);
    g_free(t->id);
    g_free(t->hash.name);
    g_free(t->range.name);
    json_decref(t->attr_defs);
    json_decref(t->key_schema);
    if (t->lsis)
        g_ptr_array_unref(t->lsis);
    if (t->gsis)
        g_ptr_array_unref(t->gsis);
    json_decref(t->stream);
    g_free(t->stream_label);
    json_decref(t->sse);
    g_free(t->table_class);
    json_decref(t->extra);
    json_decref(t->tags);
    ddb_store_free(t->items);
    ddb_ttl_free(&t->ttl);
    g_mutex_clear(&t->cap_lock);
    g_free(t);
}

ddb_state *ddb_state_new(const ddb_config *cfg)
{
    ddb_state *st = g_new0(ddb_state, 1);
    st->tables = g_tree_new_full(name_cmp, NULL, NULL, (GDestroyNotify)ddb_table_free);
    st->delay_ms = cfg ? cfg->delay_ms : DDB_DEFAULT_DELAY_MS;
    st->emulate_all = cfg && cfg->emulate_all;
    st->next_due_ms = INT64_MAX;
    st->burst_s = DDB_DEFAULT_BURST_S;
    ddb_tokens_init(st);
    st->ttl_delay_ms = cfg ? cfg->ttl_delay_ms : DDB_DEFAULT_TTL_DELAY_MS;
    atomic_init(&st->ttl_due_ms, INT64_MAX);
    ddb_ttl_log_init(st);
    return st;
}

void ddb_state_free(ddb_state *st)
{
    if (!st)
        return;
    g_tree_destroy(st->tables);
    ddb_tokens_free(st);
    pmap_clear(&st->ttl_deleted);
    g_free(st);
}

/* ---- clones (snapshots) ---- */

/* The definitions are small and copied whole (deep: some are changed in
 * place by UpdateTable and TagResource); the items are shared. */
static ddb_index *index_clone(const ddb_index *src)
{
    ddb_index *ix = g_new(ddb_index, 1);
    *ix = *src;
    ix->name = g_strdup(src->name);
    ix->hash.name = g_strdup(src->hash.name);
    ix->range.name = g_strdup(src->range.name);
    ix->key_schema = json_deep_copy(src->key_schema);
    ix->projection = json_deep_copy(src->projection);
    ix->extra = json_deep_copy(src->extra);
    ix->include = g_strdupv(src->include);
    ix->items = src->items ? ddb_store_share(src->items) : NULL;
    return ix;
}

static GPtrArray *indexes_clone(const GPtrArray *src)
{
    GPtrArray *a = g_ptr_array_new_full(src->len, (GDestroyNotify)ddb_index_free);
    for (guint i = 0; i < src->len; i++)
        g_ptr_array_add(a, index_clone(src->pdata[i]));
    return a;
}

static ddb_table *table_clone(const ddb_table *src, ddb_state *st)
{
    ddb_table *t = g_new(ddb_table, 1);
    *t = *src; /* no request runs: the buckets hold still */
    g_mutex_init(&t->cap_lock);
    t->name = g_strdup(src->name);
    t->arn = g_strdup(src->arn);
    t->id = g_strdup(src->id);
    t->hash.name = g_strdup(src->hash.name);
    t->range.name = g_strdup(src->range.name);
    t->attr_defs = json_deep_copy(src->attr_defs);
    t->key_schema = json_deep_copy(src->key_schema);
    t->lsis = indexes_clone(src->lsis);
    t->gsis = indexes_clone(src->gsis);
    t->stream = json_deep_copy(src->stream);
    t->stream_label = g_strdup(src->stream_label);
    t->sse = json_deep_copy(src->sse);
    t->table_class = g_strdup(src->table_class);
    t->extra = json_deep_copy(src->extra);
    t->tags = json_deep_copy(src->tags);
    t->items = ddb_store_share(src->items);
    ddb_ttl_share(&t->ttl, &src->ttl, st);
    return t;
}

static gboolean clone_one(gpointer key, gpointer value, gpointer arg)
{
    ddb_state *st = arg;
    ddb_table *t = table_clone(value, st);
    g_tree_insert(st->tables, t->name, t);
    return FALSE;
}

ddb_state *ddb_state_clone(const ddb_state *src)
{
    ddb_state *st = ddb_state_new(NULL);
    st->delay_ms = src->delay_ms;
    st->next_due_ms = src->next_due_ms;
    st->emulate_all = src->emulate_all;
    st->burst_s = src->burst_s;
    ddb_tokens_share(st, src);
    st->ttl_delay_ms = src->ttl_delay_ms;
    atomic_store(&st->ttl_due_ms, atomic_load(&src->ttl_due_ms));
    ddb_ttl_log_share(st, src);
    g_tree_foreach(src->tables, clone_one, st);
    return st;
}

ddb_status ddb_table_status(const ddb_table *t, int64_t now_ms)
{
    switch (t->status) {
    case DDB_CREATING:
    case DDB_UPDATING:
        return now_ms >= t->until_ms ? DDB_ACTIVE : t->status;
    case DDB_DELETING:
        return now_ms >= t->until_ms ? DDB_GONE : DDB_DELETING;
    default:
        return t->status;
    }
}

ddb_status ddb_index_status(const ddb_index *ix, int64_t now_ms)
{
    return ddb_table_status((const ddb_table *)&(ddb_table){.status = ix->status, .until_ms = ix->until_ms},
                            now_ms);
}

const char *ddb_status_name(ddb_status s)
{
    switch (s) {
    case DDB_CREATING: return "CREATING";
    case DDB_ACTIVE: return "ACTIVE";
    case DDB_UPDATING: return "UPDATING";
    case DDB_DELETING: return "DELETING";
    case DDB_GONE: break;
    }
    return "DELETED";
}

ddb_table *ddb_state_table(ddb_state *st, const char *name, int64_t now_ms)
{
    ddb_table *t = g_tree_lookup(st->tables, name);
    if (!t || ddb_table_status(t, now_ms) == DDB_GONE)
        return NULL;
    return t;
}

typedef struct settle_ctx {
    int64_t now;
    int64_t next; /* earliest transition left */
    GPtrArray *gone;
} settle_ctx;

static void still_pending(settle_ctx *c, ddb_status s, int64_t until)
{
    if (s != DDB_ACTIVE && until < c->next)
        c->next = until;
}

static void settle_indexes(settle_ctx *c, GPtrArray *ixs)
{
    for (guint i = ixs->len; i-- > 0;) {
        ddb_index *ix = ixs->pdata[i];
        ddb_status s = ddb_index_status(ix, c->now);
        if (s == DDB_GONE) {
            g_ptr_array_remove_index(ixs, i);
        } else {
            ix->status = s;
            still_pending(c, s, ix->until_ms);
        }
    }
}

static gboolean settle_one(gpointer key, gpointer value, gpointer arg)
{
    settle_ctx *c = arg;
    ddb_table *t = value;
    ddb_status s = ddb_table_status(t, c->now);
    if (s == DDB_GONE) {
        g_ptr_array_add(c->gone, t->name);
        return FALSE;
    }
    t->status = s;
    still_pending(c, s, t->until_ms);
    settle_indexes(c, t->gsis);
    return FALSE;
}

void ddb_state_settle(ddb_state *st, int64_t now_ms)
{
    if (now_ms < st->next_due_ms)
        return;
    settle_ctx c = {now_ms, INT64_MAX, g_ptr_array_new()};
    g_tree_foreach(st->tables, settle_one, &c);
    for (guint i = 0; i < c.gone->len; i++)
        g_tree_remove(st->tables, c.gone->pdata[i]);
    g_ptr_array_unref(c.gone);
    st->next_due_ms = c.next;
}

int64_t ddb_transition_end(svc_call *c)
{
    return c->now_ms + (svc_transitions_instant(c) ? 0 : ((ddb_state *)c->state)->delay_ms);
}

void ddb_state_pending(ddb_state *st, int64_t until_ms)
{
    if (until_ms < st->next_due_ms)
        st->next_due_ms = until_ms;
}

bool ddb_index_live(const ddb_index *ix)
{
    return ix->items != NULL;
}

ddb_index *ddb_table_index(const ddb_table *t, const char *name)
{
    GPtrArray *lists[2] = {t->lsis, t->gsis};
    for (int k = 0; k < 2; k++)
        for (guint i = 0; i < lists[k]->len; i++) {
            ddb_index *ix = lists[k]->pdata[i];
            if (strcmp(ix->name, name) == 0)
                return ix;
        }
    return NULL;
}

bool ddb_keydef_value(json_t *item, const ddb_keydef *k, ddb_keyval *out)
{
    json_t *v = json_object_get(item, k->name);
    json_t *p = json_is_object(v) ? json_object_get(v, (char[]){k->type, '\0'}) : NULL;
    if (!json_is_string(p))
        return false;
    out->type = k->type;
    out->data = json_string_value(p);
    out->len = json_string_length(p);
    return true;
}

bool ddb_table_keyvals(const ddb_table *t, json_t *item, ddb_keyval *hash, ddb_keyval *range)
{
    *range = (ddb_keyval){0, "", 0};
    if (!ddb_keydef_value(item, &t->hash, hash))
        return false;
    return !t->range.name || ddb_keydef_value(item, &t->range, range);
}

/* ---- description ---- */

static json_t *epoch(int64_t ms)
{
    return json_real((double)ms / 1000.0);
}

static json_t *throughput(int64_t rcu, int64_t wcu, int64_t inc_ms, int64_t dec_ms, int64_t decreases)
{
    json_t *o = json_object();
    if (inc_ms)
        json_object_set_new(o, "LastIncreaseDateTime", epoch(inc_ms));
    if (dec_ms)
        json_object_set_new(o, "LastDecreaseDateTime", epoch(dec_ms));
    json_object_set_new(o, "NumberOfDecreasesToday", json_integer(decreases));
    json_object_set_new(o, "ReadCapacityUnits", json_integer(rcu));
    json_object_set_new(o, "WriteCapacityUnits", json_integer(wcu));
    return o;
}

/* Copies throughout: a description is written out after the namespace
 * lock is released, while writers may change the table. */
static void merge_extra(json_t *into, json_t *extra)
{
    const char *k;
    json_t *v;
    json_object_foreach(extra, k, v) json_object_set_new(into, k, json_deep_copy(v));
}

/* The provisioned throughput to describe: the old one while the update
 * that changed it is UPDATING. */
static void shown(int64_t *rcu, int64_t *wcu, const ddb_throughput_was *was, ddb_status s)
{
    if (was->set && s == DDB_UPDATING) {
        *rcu = was->rcu;
        *wcu = was->wcu;
    }
}

static json_t *describe_index(const ddb_table *t, const ddb_index *ix, int64_t now)
{
    json_t *o = json_object();
    json_object_set_new(o, "IndexName", json_string(ix->name));
    json_object_set_new(o, "KeySchema", json_deep_copy(ix->key_schema));
    json_object_set_new(o, "Projection", json_deep_copy(ix->projection));
    if (ix->global) {
        json_object_set_new(o, "IndexStatus", json_string(ddb_status_name(ddb_index_status(ix, now))));
        /* an index UpdateTable adds backfills while CREATING; one made with
         * its table has nothing to backfill and DynamoDB leaves the member
         * out (GlobalSecondaryIndexDescription, AWS-FACTS.md) */
        if (ix->status == DDB_CREATING && ddb_index_status(ix, now) == DDB_CREATING &&
            ddb_table_status(t, now) != DDB_CREATING)
            json_object_set_new(o, "Backfilling", json_true());
        int64_t rcu = ix->rcu, wcu = ix->wcu;
        shown(&rcu, &wcu, &ix->was, ddb_index_status(ix, now));
        json_object_set_new(o, "ProvisionedThroughput",
                            throughput(t->pay_per_request ? 0 : rcu, t->pay_per_request ? 0 : wcu, 0, 0, 0));
    }
    json_object_set_new(o, "IndexSizeBytes", json_integer(ix->items ? (json_int_t)ddb_store_bytes(ix->items) : 0));
    json_object_set_new(o, "ItemCount", json_integer(ix->items ? (json_int_t)ddb_store_count(ix->items) : 0));
    json_object_set_new(o, "IndexArn", json_sprintf("%s/index/%s", t->arn, ix->name));
    merge_extra(o, ix->extra);
    return o;
}

json_t *ddb_table_describe(const ddb_table *t, int64_t now)
{
    json_t *d = json_object();
    json_object_set_new(d, "AttributeDefinitions", json_deep_copy(t->attr_defs));
    json_object_set_new(d, "TableName", json_string(t->name));
    json_object_set_new(d, "KeySchema", json_deep_copy(t->key_schema));
    ddb_status s = ddb_table_status(t, now);
    json_object_set_new(d, "TableStatus", json_string(ddb_status_name(s)));
    json_object_set_new(d, "CreationDateTime", epoch(t->created_ms));
    int64_t rcu = t->rcu, wcu = t->wcu;
    shown(&rcu, &wcu, &t->was, s);
    json_object_set_new(d, "ProvisionedThroughput",
                        throughput(t->pay_per_request ? 0 : rcu, t->pay_per_request ? 0 : wcu,
                                   t->last_increase_ms, t->last_decrease_ms, t->decreases_today));
    /* expired items count until the TTL sweeper deletes them, as in DynamoDB */
    json_object_set_new(d, "TableSizeBytes", json_integer((json_int_t)ddb_store_bytes(t->items)));
    json_object_set_new(d, "ItemCount", json_integer((json_int_t)ddb_store_count(t->items)));
    json_object_set_new(d, "TableArn", json_string(t->arn));
    json_object_set_new(d, "TableId", json_string(t->id));
    if (t->pay_per_request || t->billing_given) {
        json_t *b = json_pack("{s:s}", "BillingMode", t->pay_per_request ? "PAY_PER_REQUEST" : "PROVISIONED");
        if (t->pay_per_request)
            json_object_set_new(b, "LastUpdateToPayPerRequestDateTime", epoch(t->ppr_since_ms));
        json_object_set_new(d, "BillingModeSummary", b);
    }
    if (t->lsis->len) {
        json_t *l = json_array();
        for (guint i = 0; i < t->lsis->len; i++)
            json_array_append_new(l, describe_index(t, t->lsis->pdata[i], now));
        json_object_set_new(d, "LocalSecondaryIndexes", l);
    }
    json_t *g = json_array();
    for (guint i = 0; i < t->gsis->len; i++) {
        const ddb_index *ix = t->gsis->pdata[i];
        if (ddb_index_status(ix, now) != DDB_GONE)
            json_array_append_new(g, describe_index(t, ix, now));
    }
    if (json_array_size(g))
        json_object_set_new(d, "GlobalSecondaryIndexes", g);
    else
        json_decref(g);
    if (t->stream && svc_true(t->stream, "StreamEnabled")) {
        json_object_set_new(d, "StreamSpecification", json_deep_copy(t->stream));
        json_object_set_new(d, "LatestStreamLabel", json_string(t->stream_label));
        json_object_set_new(d, "LatestStreamArn", json_sprintf("%s/stream/%s", t->arn, t->stream_label));
    }
    if (t->sse && svc_true(t->sse, "Enabled")) {
        /* the table ARN names the region and account the key lives in */
        char **parts = g_strsplit(t->arn, ":", 6);
        json_t *key = json_object_get(t->sse, "KMSMasterKeyId");
        json_t *sd = json_pack("{s:s, s:s}", "Status", "ENABLED", "SSEType", "KMS");
        if (json_is_string(key) && g_str_has_prefix(json_string_value(key), "arn:"))
            json_object_set_new(sd, "KMSMasterKeyArn", json_deep_copy(key));
        else if (g_strv_length(parts) == 6)
            json_object_set_new(sd, "KMSMasterKeyArn",
                                json_sprintf("arn:%s:kms:%s:%s:key/%s", parts[1], parts[3], parts[4],
                                             json_is_string(key) ? json_string_value(key)
                                                                 : "00000000-0000-4000-8000-000000000000"));
        g_strfreev(parts);
        json_object_set_new(d, "SSEDescription", sd);
    }
    if (t->table_class)
        json_object_set_new(d, "TableClassSummary", json_pack("{s:s}", "TableClass", t->table_class));
    json_object_set_new(d, "DeletionProtectionEnabled", json_boolean(t->deletion_protection));
    merge_extra(d, t->extra);
    return d;
}
