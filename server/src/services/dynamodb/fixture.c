#include "fixture.h"

#include <string.h>

#include "ddl.h"
#include "item.h"
#include "table.h"
#include "value.h"

static bool name_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 3 || n > 255)
        return false;
    for (; *s; s++)
        if (!g_ascii_isalnum(*s) && *s != '_' && *s != '.' && *s != '-')
            return false;
    return true;
}

/* A table id that is the same for the same table name in the same
 * namespace, so that loading a fixture twice gives the same description. */
static char *stable_id(const char *arn)
{
    char *sum = g_compute_checksum_for_string(G_CHECKSUM_MD5, arn, -1);
    char *id = g_strdup_printf("%.8s-%.4s-4%.3s-8%.3s-%.12s", sum, sum + 8, sum + 12, sum + 15, sum + 18);
    g_free(sum);
    return id;
}

static int load_items(ddb_table *t, json_t *items, char *err, size_t errlen)
{
    if (items && !json_is_array(items)) {
        g_snprintf(err, errlen, "table %s: \"items\" must be a list", t->name);
        return -1;
    }
    size_t i;
    json_t *w;
    json_array_foreach(items, i, w) {
        char *m = NULL;
        json_t *item = ddb_item_from_wire(w, &m);
        if (item && !m)
            m = ddb_item_check(item);
        if (item && !m)
            m = ddb_item_key_check(t, item);
        size_t size = item ? ddb_item_size(item) : 0;
        if (!m && size > DDB_MAX_ITEM_SIZE)
            m = g_strdup("Item size has exceeded the maximum allowed size");
        if (m) {
            g_snprintf(err, errlen, "table %s: item %zu: %s", t->name, i, m);
            g_free(m);
            json_decref(item);
            return -1;
        }
        ddb_keyval h, r;
        ddb_table_keyvals(t, item, &h, &r);
        ddb_store_put(t->items, &h, &r, item, size);
    }
    return 0;
}

int ddb_fixture_load(void *state, json_t *section, const svc_fixture_ctx *ctx, char *err, size_t errlen)
{
    ddb_state *st = state;
    json_t *tables = json_is_array(section) ? section : json_object_get(section, "tables");
    if (!json_is_array(section) && !json_is_object(section)) {
        g_snprintf(err, errlen, "the dynamodb section must be an object with \"tables\" or a list of tables");
        return -1;
    }
    json_t *delay = json_is_object(section) ? json_object_get(section, "table_delay_ms") : NULL;
    if (delay) {
        if (!json_is_integer(delay) || json_integer_value(delay) < 0) {
            g_snprintf(err, errlen, "table_delay_ms must be a non-negative integer");
            return -1;
        }
        st->delay_ms = json_integer_value(delay);
    }
    if (tables && !json_is_array(tables)) {
        g_snprintf(err, errlen, "\"tables\" must be a list");
        return -1;
    }
    ddb_state_settle(st, ctx->now_ms);
    size_t i;
    json_t *def;
    json_array_foreach(tables, i, def) {
        const char *name = json_string_value(json_object_get(def, "TableName"));
        if (!name_ok(name)) {
            g_snprintf(err, errlen, "table %zu: TableName must be 3 to 255 of [a-zA-Z0-9_.-]", i);
            return -1;
        }
        char *m = ddb_create_check(def);
        if (m) {
            g_snprintf(err, errlen, "table %s: %s", name, m);
            g_free(m);
            return -1;
        }
        char *arn = g_strdup_printf("arn:aws:dynamodb:%s:%s:table/%s", ctx->region, ctx->account, name);
        char *id = stable_id(arn);
        ddb_table *t = ddb_table_build(def, name, arn, id, ctx->now_ms, ctx->now_ms);
        g_free(arn);
        g_free(id);
        if (load_items(t, json_object_get(def, "items"), err, errlen) != 0) {
            ddb_table_free(t);
            return -1;
        }
        g_tree_replace(st->tables, t->name, t);
    }
    return 0;
}

static json_t *index_def(const ddb_index *ix, bool provisioned_table)
{
    json_t *o = json_pack("{s:s, s:O, s:O}", "IndexName", ix->name, "KeySchema", ix->key_schema, "Projection",
                          ix->projection);
    if (ix->global && provisioned_table)
        json_object_set_new(o, "ProvisionedThroughput", json_pack("{s:I, s:I}", "ReadCapacityUnits",
                                                                  (json_int_t)(ix->rcu ? ix->rcu : 1),
                                                                  "WriteCapacityUnits",
                                                                  (json_int_t)(ix->wcu ? ix->wcu : 1)));
    return o;
}

static bool dump_item(const ddb_entry *e, void *arg)
{
    json_array_append_new(arg, ddb_item_to_wire(e->item));
    return true;
}

static gboolean dump_table(gpointer key, gpointer value, gpointer arg)
{
    const ddb_table *t = value;
    if (t->status == DDB_DELETING || t->status == DDB_GONE)
        return FALSE;
    json_t *d = json_pack("{s:s, s:O, s:O, s:s}", "TableName", t->name, "AttributeDefinitions", t->attr_defs,
                          "KeySchema", t->key_schema, "BillingMode",
                          t->pay_per_request ? "PAY_PER_REQUEST" : "PROVISIONED");
    if (!t->pay_per_request)
        json_object_set_new(d, "ProvisionedThroughput", json_pack("{s:I, s:I}", "ReadCapacityUnits",
                                                                  (json_int_t)t->rcu, "WriteCapacityUnits",
                                                                  (json_int_t)t->wcu));
    GPtrArray *lists[2] = {t->lsis, t->gsis};
    static const char *const names[2] = {"LocalSecondaryIndexes", "GlobalSecondaryIndexes"};
    for (int k = 0; k < 2; k++) {
        json_t *l = json_array();
        for (guint i = 0; i < lists[k]->len; i++) {
            const ddb_index *ix = lists[k]->pdata[i];
            if (ix->status != DDB_DELETING)
                json_array_append_new(l, index_def(ix, !t->pay_per_request));
        }
        if (json_array_size(l))
            json_object_set_new(d, names[k], l);
        else
            json_decref(l);
    }
    if (t->stream)
        json_object_set(d, "StreamSpecification", t->stream);
    if (t->sse)
        json_object_set(d, "SSESpecification", t->sse);
    if (t->table_class)
        json_object_set_new(d, "TableClass", json_string(t->table_class));
    if (t->deletion_protection)
        json_object_set_new(d, "DeletionProtectionEnabled", json_true());
    if (json_array_size(t->tags))
        json_object_set_new(d, "Tags", json_deep_copy(t->tags));
    json_t *items = json_array();
    ddb_store_foreach(t->items, dump_item, items);
    json_object_set_new(d, "items", items);
    /* copies: the dump is written after the namespace lock is released */
    json_array_append_new(arg, json_deep_copy(d));
    json_decref(d);
    return FALSE;
}

json_t *ddb_fixture_dump(void *state)
{
    ddb_state *st = state;
    json_t *tables = json_array();
    g_tree_foreach(st->tables, dump_table, tables);
    if (json_array_size(tables) == 0 && st->delay_ms == DDB_DEFAULT_DELAY_MS) {
        json_decref(tables);
        return NULL;
    }
    json_t *out = json_pack("{s:o}", "tables", tables);
    if (st->delay_ms != DDB_DEFAULT_DELAY_MS)
        json_object_set_new(out, "table_delay_ms", json_integer(st->delay_ms));
    return out;
}
