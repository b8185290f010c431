#include "services/dynamodb/batch.h"

#include <string.h>

#include "services/dynamodb/capacity.h"
#include "services/dynamodb/expr_eval.h"
#include "services/dynamodb/expr_parse.h"
#include "services/dynamodb/item.h"
#include "services/dynamodb/legacy.h"
#include "services/dynamodb/request.h"
#include "services/dynamodb/ttl.h"
#include "services/dynamodb/value.h"
#include "services/dynamodb/write.h"
#include "services/svc_api.h"

#define MAX_GET_KEYS 100
#define MAX_WRITES 25
/* BatchGetItem answers at most 16 MB. */
#define MAX_GET_BYTES (16 * 1024 * 1024)
#define ONE_TYPE                                                                                            \
    "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported " \
    "datatypes"

/* Keys already named in one table's part of a request: equal keys (binary
 * ones included), one entry. */
static GHashTable *key_set_new(void)
{
    return g_hash_table_new_full(ddb_json_hash, ddb_json_equal, (GDestroyNotify)json_decref, NULL);
}

/* The table key of an item or key (new reference). */
static json_t *table_key(const ddb_table *t, json_t *item)
{
    json_t *k = json_object();
    const ddb_keydef *ks[2] = {&t->hash, &t->range};
    for (int i = 0; i < 2; i++)
        if (ks[i]->name && json_object_get(item, ks[i]->name))
            json_object_set(k, ks[i]->name, json_object_get(item, ks[i]->name));
    return k;
}

/* A RequestItems key names a table (or its ARN). */
static int request_table(svc_call *c, const char *given, char **name)
{
    json_t *in = json_pack("{s:s}", "TableName", given);
    int rc = ddb_table_name_in(c, in, DDB_NAME_DATA, name);
    json_decref(in);
    return rc;
}

/* ---- BatchGetItem ---- */

typedef struct get_table {
    const char *given;   /* the RequestItems key (borrowed) */
    json_t *spec;        /* KeysAndAttributes (borrowed) */
    char *name;
    ddb_exprs *x;
    ddb_projection *proj;
    ddb_table *t;
} get_table;

static void get_tables_free(GArray *a)
{
    for (guint i = 0; i < a->len; i++) {
        get_table *g = &g_array_index(a, get_table, i);
        g_free(g->name);
        ddb_exprs_free(g->x);
    }
    g_array_unref(a);
}

static int get_request_checks(svc_call *c, GArray *tables)
{
    static const char *const exprs[] = {"ProjectionExpression", NULL};
    static const char *const legacy[] = {"AttributesToGet", NULL};
    json_t *ri = json_object_get(c->input, "RequestItems");
    size_t total = 0;
    const char *given;
    json_t *spec;
    json_object_foreach(ri, given, spec) {
        get_table g = {.given = given, .spec = spec};
        g.x = ddb_exprs_new(json_object_get(spec, "ExpressionAttributeNames"),
                            json_object_get(spec, "ExpressionAttributeValues"));
        g_array_append_val(tables, g);
        get_table *gp = &g_array_index(tables, get_table, tables->len - 1);
        if (ddb_expression_params(c, spec, exprs, legacy) != 0)
            return -1;
        char *m = NULL;
        json_t *atg = json_object_get(spec, "AttributesToGet");
        if (atg)
            m = ddb_legacy_attributes_to_get(gp->x, atg, &gp->proj);
        if (!m)
            m = ddb_exprs_check_maps(gp->x);
        const char *pe = svc_str(spec, "ProjectionExpression");
        if (!m && pe)
            gp->proj = ddb_parse_projection(gp->x, pe, &m);
        if (!m)
            m = ddb_exprs_check_unused(gp->x);
        if (m)
            return ddb_validation_take(c, m);
        GHashTable *seen = key_set_new();
        size_t i;
        json_t *key;
        json_array_foreach(json_object_get(spec, "Keys"), i, key) {
            m = ddb_item_check(key);
            if (!m && !g_hash_table_add(seen, json_incref(key)))
                m = g_strdup("Provided list of item keys contains duplicates");
            if (!m && ++total > MAX_GET_KEYS)
                m = g_strdup("Too many items requested for the BatchGetItem call");
            if (m)
                break;
        }
        g_hash_table_destroy(seen);
        if (m)
            return ddb_validation_take(c, m);
    }
    return 0;
}

static int get_table_checks(svc_call *c, GArray *tables)
{
    for (guint i = 0; i < tables->len; i++) {
        get_table *g = &g_array_index(tables, get_table, i);
        if (request_table(c, g->given, &g->name) != 0)
            return -1;
        g->t = ddb_usable_table(c, g->name);
        if (!g->t)
            return -1;
        size_t k;
        json_t *key;
        json_array_foreach(json_object_get(g->spec, "Keys"), k, key) {
            char *m = ddb_key_check(g->t, key);
            if (m)
                return ddb_validation_take(c, m);
        }
        char *m = g->proj ? ddb_nested_keys(g->t, g->proj->paths, g->proj->n) : NULL;
        if (m)
            return ddb_validation_take(c, m);
    }
    return 0;
}

/* The table's entry in UnprocessedKeys: its keys so far, and how to read
 * them, as asked. */
static json_t *unprocessed_spec(json_t *out, const get_table *g)
{
    json_t *u = json_object_get(out, g->given);
    if (u)
        return json_object_get(u, "Keys");
    u = json_object();
    static const char *const copy[] = {"ProjectionExpression", "ExpressionAttributeNames", "AttributesToGet",
                                       "ConsistentRead"};
    for (size_t i = 0; i < G_N_ELEMENTS(copy); i++) {
        json_t *v = json_object_get(g->spec, copy[i]);
        if (v)
            json_object_set(u, copy[i], v);
    }
    json_t *keys = json_array();
    json_object_set_new(u, "Keys", keys);
    json_object_set_new(out, g->given, u);
    return keys;
}

int ddb_batch_get_item(svc_call *c)
{
    GArray *tables = g_array_new(FALSE, TRUE, sizeof(get_table));
    int rc = -1;
    json_t *responses = NULL, *unprocessed = NULL, *consumed = NULL;
    if (get_request_checks(c, tables) != 0 || get_table_checks(c, tables) != 0)
        goto out;
    size_t total = 0;
    for (guint i = 0; i < tables->len; i++)
        total += json_array_size(json_object_get(g_array_index(tables, get_table, i).spec, "Keys"));
    size_t skipped = svc_fault_share(c, "unprocessed", total);
    responses = json_object();
    unprocessed = json_object();
    consumed = json_array();
    size_t seq = 0, done = 0, throttled = 0;
    uint64_t bytes = 0;
    for (guint i = 0; i < tables->len; i++) {
        get_table *g = &g_array_index(tables, get_table, i);
        json_t *items = json_array();
        json_object_set_new(responses, g->given, items);
        bool consistent = svc_true(g->spec, "ConsistentRead");
        double units = 0;
        bool table_throttled = false;
        size_t k;
        json_t *key;
        json_array_foreach(json_object_get(g->spec, "Keys"), k, key) {
            size_t n = seq++;
            ddb_keyval h, r;
            ddb_table_keyvals(g->t, key, &h, &r);
            const ddb_entry *e = ddb_store_get(g->t->items, &h, &r, 1);
            double u = ddb_units(e ? e->size : 0, true, consistent);
            bool skip = table_throttled || svc_fault_hits(n, skipped, total) || bytes + (e ? e->size : 0) > MAX_GET_BYTES;
            if (!skip && ddb_capacity_read(c->state, g->t, NULL, u, c->now_ms) != DDB_CAP_OK)
                skip = table_throttled = true;
            if (skip) {
                throttled += table_throttled;
                json_array_append(unprocessed_spec(unprocessed, g), key);
                continue;
            }
            done++;
            units += u;
            if (!e)
                continue;
            bytes += e->size;
            json_array_append_new(items, g->proj ? ddb_project(e->item, g->proj->paths, g->proj->n)
                                                 : json_incref(e->item));
        }
        json_t *cc = ddb_consumed_units(c, g->t->name, units, NULL, NULL);
        if (cc)
            json_array_append_new(consumed, cc);
    }
    if (done == 0 && throttled > 0) {
        ddb_capacity_error(c, DDB_CAP_TABLE, true);
        goto out;
    }
    c->output = json_pack("{s:O, s:O}", "Responses", responses, "UnprocessedKeys", unprocessed);
    if (ddb_consumed_wanted(c, NULL))
        json_object_set(c->output, "ConsumedCapacity", consumed);
    rc = 0;
out:
    json_decref(responses);
    json_decref(unprocessed);
    json_decref(consumed);
    get_tables_free(tables);
    return rc;
}

/* ---- BatchWriteItem ---- */

static int write_request_checks(svc_call *c)
{
    json_t *ri = json_object_get(c->input, "RequestItems");
    size_t total = 0;
    const char *given;
    json_t *list;
    json_object_foreach(ri, given, list) {
        size_t i;
        json_t *w;
        json_array_foreach(list, i, w) {
            json_t *put = json_object_get(w, "PutRequest"), *del = json_object_get(w, "DeleteRequest");
            /* a WriteRequest is a union, checked like an attribute value */
            if (!put == !del)
                return ddb_validation(c, ONE_TYPE);
        }
        json_array_foreach(list, i, w) {
            json_t *put = json_object_get(w, "PutRequest");
            json_t *map = put ? json_object_get(put, "Item") : json_object_get(json_object_get(w, "DeleteRequest"), "Key");
            char *m = ddb_item_check(map);
            if (m)
                return ddb_validation_take(c, m);
            if (put && ddb_item_size(map) > DDB_MAX_ITEM_SIZE)
                return ddb_validation(c, "Item size has exceeded the maximum allowed size");
            if (++total > MAX_WRITES)
                return ddb_validation(c, "Too many items requested for the BatchWriteItem call");
        }
    }
    return 0;
}

typedef struct write_table {
    const char *given;
    json_t *list;
    ddb_table *t;
} write_table;

static int write_table_checks(svc_call *c, GArray *tables)
{
    json_t *ri = json_object_get(c->input, "RequestItems");
    const char *given;
    json_t *list;
    json_object_foreach(ri, given, list) {
        char *name;
        if (request_table(c, given, &name) != 0)
            return -1;
        ddb_table *t = ddb_usable_table(c, name);
        g_free(name);
        if (!t)
            return -1;
        write_table wt = {given, list, t};
        g_array_append_val(tables, wt);
        GHashTable *seen = key_set_new();
        char *m = NULL;
        size_t i;
        json_t *w;
        json_array_foreach(list, i, w) {
            json_t *put = json_object_get(w, "PutRequest");
            json_t *map = put ? json_object_get(put, "Item") : json_object_get(json_object_get(w, "DeleteRequest"), "Key");
            m = put ? ddb_item_key_check(t, map) : ddb_key_check(t, map);
            /* a batch words a put's missing or mistyped key as any key mismatch */
            if (m && (strstr(m, "Missing the key") || strstr(m, "Type mismatch for key"))) {
                g_free(m);
                m = g_strdup("The provided key element does not match the schema");
            }
            if (!m && !g_hash_table_add(seen, table_key(t, map)))
                m = g_strdup("Provided list of item keys contains duplicates");
            if (m)
                break;
        }
        g_hash_table_destroy(seen);
        if (m)
            return ddb_validation_take(c, m);
    }
    return 0;
}

int ddb_batch_write_item(svc_call *c)
{
    GArray *tables = g_array_new(FALSE, TRUE, sizeof(write_table));
    int rc = -1;
    json_t *unprocessed = NULL, *consumed = NULL, *metrics = NULL;
    if (write_request_checks(c) != 0)
        goto out;
    ddb_state_settle(c->state, c->now_ms);
    if (write_table_checks(c, tables) != 0)
        goto out;
    size_t total = 0;
    for (guint i = 0; i < tables->len; i++) {
        write_table *wt = &g_array_index(tables, write_table, i);
        total += json_array_size(wt->list);
    }
    size_t skipped = svc_fault_share(c, "unprocessed", total);
    bool want_metrics = g_strcmp0(svc_str(c->input, "ReturnItemCollectionMetrics"), "SIZE") == 0;
    bool indexes;
    bool want_cc = ddb_consumed_wanted(c, &indexes);
    unprocessed = json_object();
    consumed = json_array();
    metrics = json_object();
    size_t seq = 0, done = 0, throttled = 0;
    for (guint i = 0; i < tables->len; i++) {
        write_table *wt = &g_array_index(tables, write_table, i);
        ddb_table *t = wt->t;
        double units = 0;
        json_t *gsis = json_object(), *lsis = json_object();
        size_t k;
        json_t *w;
        json_array_foreach(wt->list, k, w) {
            size_t n = seq++;
            json_t *put = json_object_get(w, "PutRequest");
            json_t *map = put ? json_object_get(put, "Item") : json_object_get(json_object_get(w, "DeleteRequest"), "Key");
            ddb_keyval h, r;
            ddb_table_keyvals(t, map, &h, &r);
            const ddb_entry *old = ddb_store_get(t->items, &h, &r, 1);
            size_t os = old ? old->size : 0, ns = put ? ddb_item_size(map) : 0;
            double u = ddb_units(os > ns ? os : ns, false, false);
            bool skip = svc_fault_hits(n, skipped, total);
            ddb_cap cap = !skip ? ddb_capacity_write(c->state, t, old ? old->item : NULL, put ? map : NULL,
                                                             u, c->now_ms)
                                        : DDB_CAP_OK;
            if (skip || cap != DDB_CAP_OK) {
                throttled += cap != DDB_CAP_OK;
                json_t *l = json_object_get(unprocessed, wt->given);
                if (!l)
                    json_object_set_new(unprocessed, wt->given, l = json_array());
                json_array_append(l, w);
                continue;
            }
            done++;
            units += u;
            if (want_cc && indexes)
                ddb_index_units(t, old ? old->item : NULL, put ? map : NULL, 1, gsis, lsis);
            if (put)
                ddb_write_put(t, json_incref(map), ns);
            else
                ddb_write_delete(t, map);
            json_t *m = want_metrics ? ddb_collection_metrics(t, map) : NULL;
            if (m) {
                json_t *l = json_object_get(metrics, wt->given);
                if (!l)
                    json_object_set_new(metrics, wt->given, l = json_array());
                json_array_append_new(l, m);
            }
        }
        json_t *cc = ddb_consumed_units(c, t->name, units, gsis, lsis);
        if (cc)
            json_array_append_new(consumed, cc);
    }
    if (done == 0 && throttled > 0) {
        ddb_capacity_error(c, DDB_CAP_TABLE, false);
        goto out;
    }
    c->output = json_pack("{s:O}", "UnprocessedItems", unprocessed);
    if (want_cc)
        json_object_set(c->output, "ConsumedCapacity", consumed);
    if (want_metrics)
        json_object_set(c->output, "ItemCollectionMetrics", metrics);
    rc = 0;
out:
    json_decref(unprocessed);
    json_decref(consumed);
    json_decref(metrics);
    g_array_unref(tables);
    return rc;
}
