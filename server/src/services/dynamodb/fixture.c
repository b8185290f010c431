#include "services/dynamodb/fixture.h"

#include <string.h>

#include "services/dynamodb/backup.h"
#include "services/dynamodb/ddl.h"
#include "services/dynamodb/item.h"
#include "services/dynamodb/table.h"
#include "services/dynamodb/ttl.h"
#include "services/dynamodb/value.h"
#include "services/dynamodb/write.h"
#include "services/service.h"
#include "services/svc_api.h"

/* A generated table may hold this many items at most. */
#define MAX_GENERATED 50000000

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
        ddb_write_put(t, item, size);
    }
    return 0;
}

/* A key value for generated item i: the partition given, or i itself,
 * written so that string and binary keys sort as the numbers do. */
static json_t *generated_key(char type, const char *fixed, size_t i)
{
    if (fixed)
        return ddb_value_new(type == 'N' ? DDB_T_N : type == 'B' ? DDB_T_B : DDB_T_S, json_string(fixed));
    char buf[32];
    g_snprintf(buf, sizeof buf, type == 'N' ? "%zu" : "%010zu", i);
    return ddb_value_new(type == 'N' ? DDB_T_N : type == 'B' ? DDB_T_B : DDB_T_S, json_string(buf));
}

/* {"generate": {"count": N, "size": B, "partition": "p", "attribute": "data"}}:
 * N items of a payload attribute of B bytes; all in partition "p" (sort
 * keys 0 .. N-1) when a partition is named, else each in its own (partition
 * keys 0 .. N-1, sort key 0). For large tables in tests and benchmarks:
 * the items share their unchanging values. */
static int generate_items(ddb_table *t, json_t *gen, char *err, size_t errlen)
{
    json_t *count = json_object_get(gen, "count"), *size = json_object_get(gen, "size");
    json_t *part = json_object_get(gen, "partition"), *attr = json_object_get(gen, "attribute");
    if (!json_is_object(gen) || !json_is_integer(count) || json_integer_value(count) < 0 ||
        json_integer_value(count) > MAX_GENERATED || (size && (!json_is_integer(size) || json_integer_value(size) < 0 ||
                                                               json_integer_value(size) > DDB_MAX_ITEM_SIZE - 1024)) ||
        (part && (!json_is_string(part) || json_string_length(part) == 0 || json_string_length(part) > 2048)) ||
        (attr && (!json_is_string(attr) || json_string_length(attr) == 0))) {
        g_snprintf(err, errlen,
                   "table %s: \"generate\" must be {\"count\": 0..%d, \"size\": bytes, \"partition\": a "
                   "non-empty key, \"attribute\": a name}",
                   t->name, MAX_GENERATED);
        return -1;
    }
    const char *pk = json_string_value(part);
    if (pk && t->hash.type == 'N') {
        ddb_dec d;
        if (ddb_num_parse(pk, strlen(pk), &d) != DDB_NUM_OK) {
            g_snprintf(err, errlen, "table %s: \"partition\" must be a number for a number key", t->name);
            return -1;
        }
    }
    if (pk && !t->range.name && json_integer_value(count) > 1) {
        g_snprintf(err, errlen, "table %s: a table without a sort key holds one item per partition", t->name);
        return -1;
    }
    const char *an = attr ? json_string_value(attr) : "data";
    size_t n = (size_t)json_integer_value(count), bytes = size ? (size_t)json_integer_value(size) : 0;
    char *fill = g_malloc(bytes + 1);
    memset(fill, 'x', bytes);
    fill[bytes] = '\0';
    json_t *payload = ddb_value_new(DDB_T_S, json_stringn(fill, bytes));
    g_free(fill);
    json_t *shared_pk = pk ? generated_key(t->hash.type, pk, 0) : NULL;
    json_t *zero_sk = t->range.name ? generated_key(t->range.type, NULL, 0) : NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_object();
        json_object_set_new(item, t->hash.name, pk ? json_incref(shared_pk) : generated_key(t->hash.type, NULL, i));
        if (t->range.name)
            json_object_set_new(item, t->range.name, pk ? generated_key(t->range.type, NULL, i) : json_incref(zero_sk));
        if (strcmp(an, t->hash.name) != 0 && g_strcmp0(an, t->range.name) != 0)
            json_object_set(item, an, payload);
        ddb_write_put(t, item, ddb_item_size(item));
    }
    json_decref(payload);
    json_decref(shared_pk);
    json_decref(zero_sk);
    return 0;
}

/* A table's own switches beyond CreateTable's shape. */
static int table_extras(ddb_state *st, ddb_table *t, json_t *def, const svc_fixture_ctx *ctx, char *err,
                        size_t errlen)
{
    json_t *em = json_object_get(def, "emulate_throughput");
    if (em && !json_is_boolean(em)) {
        g_snprintf(err, errlen, "table %s: \"emulate_throughput\" must be true or false", t->name);
        return -1;
    }
    t->emulate = json_is_true(em);
    json_t *ttl = json_object_get(def, "TimeToLiveSpecification");
    if (ttl) {
        json_t *an = json_object_get(ttl, "AttributeName"), *on = json_object_get(ttl, "Enabled");
        if (!json_is_string(an) || !json_string_length(an) || (on && !json_is_boolean(on))) {
            g_snprintf(err, errlen, "table %s: TimeToLiveSpecification needs an AttributeName and Enabled", t->name);
            return -1;
        }
        ddb_ttl_set(st, t, json_string_value(an), !on || json_is_true(on), 0, ctx->now_ms);
    }
    if (ddb_backup_load(t, json_object_get(def, "PointInTimeRecoverySpecification"), ctx->now_ms, err, errlen) != 0)
        return -1;
    json_t *gen = json_object_get(def, "generate");
    return gen ? generate_items(t, gen, err, errlen) : 0;
}

/* "throughput_emulation": true (every provisioned table), false, or a
 * list of the tables to emulate. */
static int throughput_switch(ddb_state *st, json_t *v, char *err, size_t errlen)
{
    if (json_is_boolean(v)) {
        st->emulate_all = json_is_true(v);
        return 0;
    }
    if (!json_is_array(v)) {
        g_snprintf(err, errlen, "throughput_emulation must be true, false or a list of table names");
        return -1;
    }
    size_t i;
    json_t *name;
    json_array_foreach(v, i, name) {
        ddb_table *t = json_is_string(name) ? g_tree_lookup(st->tables, json_string_value(name)) : NULL;
        if (!t) {
            g_snprintf(err, errlen, "throughput_emulation: no table %s", json_is_string(name) ? json_string_value(name) : "(not a name)");
            return -1;
        }
        t->emulate = true;
    }
    return 0;
}

/* A setting of the section that is a count (ms, seconds): 1 and *out when
 * there, 0 when not, -1 and err when it is no non-negative integer. */
static int count_setting(json_t *section, const char *key, int64_t *out, char *err, size_t errlen)
{
    json_t *v = json_is_object(section) ? json_object_get(section, key) : NULL;
    if (!v)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        g_snprintf(err, errlen, "%s must be a non-negative integer", key);
        return -1;
    }
    *out = json_integer_value(v);
    return 1;
}

int ddb_fixture_load(void *state, json_t *section, const svc_fixture_ctx *ctx, char *err, size_t errlen)
{
    ddb_state *st = state;
    json_t *tables = json_is_array(section) ? section : json_object_get(section, "tables");
    if (!json_is_array(section) && !json_is_object(section)) {
        g_snprintf(err, errlen, "the dynamodb section must be an object with \"tables\" or a list of tables");
        return -1;
    }
    int ttl_set;
    if (count_setting(section, "table_delay_ms", &st->delay_ms, err, errlen) < 0 ||
        (ttl_set = count_setting(section, "ttl_delay_ms", &st->ttl_delay_ms, err, errlen)) < 0)
        return -1;
    if (ttl_set)
        ddb_ttl_delay_changed(st);
    if (tables && !json_is_array(tables)) {
        g_snprintf(err, errlen, "\"tables\" must be a list");
        return -1;
    }
    ddb_state_settle(st, ctx->now_ms);
    size_t i;
    json_t *def;
    json_array_foreach(tables, i, def) {
        const char *name = svc_str(def, "TableName");
        if (!name_ok(name)) {
            g_snprintf(err, errlen, "table %zu: TableName must be 3 to 255 of [a-zA-Z0-9_.-]", i);
            return -1;
        }
        /* The definition is CreateTable's input plus this format's own
         * members (items, TimeToLiveSpecification, ...), which the model
         * check passes over. */
        char verr[400];
        if (ctx->check_input(ctx, "CreateTable", def, verr, sizeof verr) != 0) {
            g_snprintf(err, errlen, "table %s: %s", name, verr);
            return -1;
        }
        char *m = ddb_create_check(def);
        if (m) {
            g_snprintf(err, errlen, "table %s: %s", name, m);
            g_free(m);
            return -1;
        }
        char *arn = g_strdup_printf("arn:%s:dynamodb:%s:%s:table/%s", svc_partition(ctx->region), ctx->region, ctx->account, name);
        char *id = stable_id(arn);
        ddb_table *t = ddb_table_build(def, name, arn, id, ctx->now_ms, ctx->now_ms);
        g_free(arn);
        g_free(id);
        if (load_items(t, json_object_get(def, "items"), err, errlen) != 0 ||
            table_extras(st, t, def, ctx, err, errlen) != 0) {
            ddb_table_free(t);
            return -1;
        }
        g_tree_replace(st->tables, t->name, t);
    }
    if (count_setting(section, "burst_seconds", &st->burst_s, err, errlen) < 0)
        return -1;
    json_t *te = json_is_object(section) ? json_object_get(section, "throughput_emulation") : NULL;
    if (te && throughput_switch(st, te, err, errlen) != 0)
        return -1;
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
    json_t *ttl = ddb_ttl_spec(t);
    if (ttl)
        json_object_set_new(d, "TimeToLiveSpecification", ttl);
    json_t *pitr = ddb_backup_spec(t);
    if (pitr)
        json_object_set_new(d, "PointInTimeRecoverySpecification", pitr);
    if (t->emulate)
        json_object_set_new(d, "emulate_throughput", json_true());
    json_t *items = json_array();
    ddb_store_foreach(t->items, dump_item, items);
    json_object_set_new(d, "items", items);
    /* copies: the dump is written after the namespace lock is released */
    json_array_append_new(arg, json_deep_copy(d));
    json_decref(d);
    return FALSE;
}

json_t *ddb_fixture_dump(void *state, const svc_dump_ctx *ctx)
{
    ddb_state *st = state;
    json_t *tables = json_array();
    g_tree_foreach(st->tables, dump_table, tables);
    if (json_array_size(tables) == 0 && st->delay_ms == DDB_DEFAULT_DELAY_MS && !st->emulate_all &&
        st->burst_s == DDB_DEFAULT_BURST_S && st->ttl_delay_ms == DDB_DEFAULT_TTL_DELAY_MS) {
        json_decref(tables);
        return NULL;
    }
    json_t *out = json_pack("{s:o}", "tables", tables);
    if (st->delay_ms != DDB_DEFAULT_DELAY_MS)
        json_object_set_new(out, "table_delay_ms", json_integer(st->delay_ms));
    if (st->ttl_delay_ms != DDB_DEFAULT_TTL_DELAY_MS)
        json_object_set_new(out, "ttl_delay_ms", json_integer(st->ttl_delay_ms));
    if (st->emulate_all)
        json_object_set_new(out, "throughput_emulation", json_true());
    if (st->burst_s != DDB_DEFAULT_BURST_S)
        json_object_set_new(out, "burst_seconds", json_integer(st->burst_s));
    return out;
}
