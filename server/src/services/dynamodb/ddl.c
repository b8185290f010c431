#include "services/dynamodb/ddl.h"

#include <string.h>

#include "services/dynamodb/index.h"
#include "services/dynamodb/request.h"
#include "services/dynamodb/write.h"
#include "services/svc_api.h"

/* DynamoDB's throughput ceiling per table and index. */
#define MAX_THROUGHPUT 1000000000000LL
#define MAX_LSIS 5
#define MAX_GSIS 20

#define PREFIX "One or more parameter values were invalid: "

/* ---- CreateTable checks ---- */

static void names_of(json_t *list, const char *member, GString *out, GPtrArray *names)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        const char *n = svc_str(e, member);
        if (out) {
            if (i)
                g_string_append(out, ", ");
            g_string_append(out, n ? n : "null");
        }
        if (names)
            g_ptr_array_add(names, (gpointer)(n ? n : ""));
    }
}

static bool in_names(GPtrArray *names, const char *n)
{
    for (guint i = 0; i < names->len; i++)
        if (strcmp(names->pdata[i], n) == 0)
            return true;
    return false;
}

/* "Some index key attributes are not defined ..." for a key schema. */
static char *undefined_keys(json_t *ks, GPtrArray *defs, json_t *defs_json)
{
    size_t i;
    json_t *e;
    json_array_foreach(ks, i, e) {
        if (!in_names(defs, svc_str(e, "AttributeName"))) {
            GString *m = g_string_new(PREFIX "Some index key attributes are not defined in AttributeDefinitions. "
                                             "Keys: [");
            names_of(ks, "AttributeName", m, NULL);
            g_string_append(m, "], AttributeDefinitions: [");
            names_of(defs_json, "AttributeName", m, NULL);
            g_string_append(m, "]");
            return g_string_free(m, FALSE);
        }
    }
    return NULL;
}

/* The key schema rules every schema (table or index) obeys. */
static char *schema_shape(json_t *ks)
{
    json_t *k0 = json_array_get(ks, 0), *k1 = json_array_get(ks, 1);
    if (k1 && g_strcmp0(svc_str(k0, "AttributeName"), svc_str(k1, "AttributeName")) == 0)
        return g_strdup("Both the Hash Key and the Range Key element in the KeySchema have the same name");
    if (g_strcmp0(svc_str(k0, "KeyType"), "HASH") != 0)
        return g_strdup("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
    if (k1 && g_strcmp0(svc_str(k1, "KeyType"), "RANGE") != 0)
        return g_strdup("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
    return NULL;
}

static char *projection_check(json_t *ix)
{
    json_t *p = json_object_get(ix, "Projection");
    const char *type = svc_str(p, "ProjectionType");
    if (!type)
        return g_strdup(PREFIX "Unknown ProjectionType: null");
    if (json_object_get(p, "NonKeyAttributes") && strcmp(type, "INCLUDE") != 0)
        return g_strdup_printf(PREFIX "ProjectionType is %s, but NonKeyAttributes is specified", type);
    return NULL;
}

static char *index_checks(json_t *in, json_t *list, bool global, GPtrArray *defs, GHashTable *seen,
                          GPtrArray *used)
{
    json_t *defs_json = json_object_get(in, "AttributeDefinitions");
    json_t *table_ks = json_object_get(in, "KeySchema");
    bool ppr = g_strcmp0(svc_str(in, "BillingMode"), "PAY_PER_REQUEST") == 0;
    if (json_array_size(list) == 0)
        return g_strdup_printf(PREFIX "List of %s is empty",
                               global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes");
    if (!global && json_array_size(table_ks) != 2)
        return g_strdup(PREFIX "Table KeySchema does not have a range key, which is required when specifying a "
                               "LocalSecondaryIndex");
    size_t i;
    json_t *ix;
    json_array_foreach(list, i, ix) {
        const char *name = svc_str(ix, "IndexName");
        json_t *ks = json_object_get(ix, "KeySchema");
        char *m = undefined_keys(ks, defs, defs_json);
        if (!m)
            m = schema_shape(ks);
        if (m)
            return m;
        if (!global) {
            if (json_array_size(ks) != 2)
                return g_strdup_printf(PREFIX "Index KeySchema does not have a range key for index: %s", name);
            const char *ih = svc_str(json_array_get(ks, 0), "AttributeName");
            const char *th = svc_str(json_array_get(table_ks, 0), "AttributeName");
            if (g_strcmp0(ih, th) != 0)
                return g_strdup_printf(PREFIX "Index KeySchema does not have the same leading hash key as table "
                                              "KeySchema for index: %s. index hash key: %s, table hash key: %s",
                                       name, ih, th);
        }
        if ((m = projection_check(ix)))
            return m;
        if (global && ppr && json_object_get(ix, "ProvisionedThroughput"))
            return g_strdup_printf(PREFIX "ProvisionedThroughput should not be specified for index: %s when "
                                          "BillingMode is PAY_PER_REQUEST",
                                   name);
        json_t *ipt = json_object_get(ix, "ProvisionedThroughput");
        if (ipt && json_integer_value(json_object_get(ipt, "ReadCapacityUnits")) > MAX_THROUGHPUT)
            return g_strdup_printf("Given value %lld for ReadCapacityUnits is out of bounds for index %s",
                                   (long long)json_integer_value(json_object_get(ipt, "ReadCapacityUnits")), name);
        if (ipt && json_integer_value(json_object_get(ipt, "WriteCapacityUnits")) > MAX_THROUGHPUT)
            return g_strdup_printf("Given value %lld for WriteCapacityUnits is out of bounds for index %s",
                                   (long long)json_integer_value(json_object_get(ipt, "WriteCapacityUnits")), name);
        if (!g_hash_table_add(seen, (gpointer)name))
            return g_strdup_printf(PREFIX "Duplicate index name: %s", name);
        names_of(ks, "AttributeName", NULL, used);
    }
    if (!global && json_array_size(list) > MAX_LSIS)
        return g_strdup(PREFIX "Number of LocalSecondaryIndexes exceeds per-table limit of 5");
    if (global && json_array_size(list) > MAX_GSIS)
        return g_strdup(PREFIX "GlobalSecondaryIndex count exceeds the per-table limit of 20");
    return NULL;
}

static char *coral_checks(json_t *in)
{
    ddb_coral v;
    ddb_coral_init(&v);
    json_t *defs = json_object_get(in, "AttributeDefinitions"), *ks = json_object_get(in, "KeySchema");
    if (!defs)
        ddb_coral_add(&v, NULL, "attributeDefinitions", "Member must not be null");
    if (!ks) {
        ddb_coral_add(&v, NULL, "keySchema", "Member must not be null");
    } else if (json_array_size(ks) > 2) {
        char *r = ddb_render_json(ks);
        ddb_coral_add(&v, r, "keySchema", "Member must have length less than or equal to 2");
        g_free(r);
    }
    static const char *const lists[] = {"LocalSecondaryIndexes", "GlobalSecondaryIndexes"};
    static const char *const paths[] = {"localSecondaryIndexes", "globalSecondaryIndexes"};
    for (int k = 0; k < 2; k++) {
        size_t i;
        json_t *ix;
        json_array_foreach(json_object_get(in, lists[k]), i, ix) {
            json_t *iks = json_object_get(ix, "KeySchema");
            if (json_array_size(iks) > 2) {
                char *r = ddb_render_json(iks);
                char *path = g_strdup_printf("%s.%zu.member.keySchema", paths[k], i + 1);
                ddb_coral_add(&v, r, path, "Member must have length less than or equal to 2");
                g_free(path);
                g_free(r);
            }
        }
    }
    return ddb_coral_take(&v);
}

char *ddb_create_check(json_t *in)
{
    char *m = coral_checks(in);
    if (m)
        return m;
    json_t *pt = json_object_get(in, "ProvisionedThroughput");
    if (g_strcmp0(svc_str(in, "BillingMode"), "PAY_PER_REQUEST") == 0) {
        if (pt)
            return g_strdup(PREFIX "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
                                   "BillingMode is PAY_PER_REQUEST");
    } else {
        if (!pt)
            return g_strdup(PREFIX "ReadCapacityUnits and WriteCapacityUnits must both be specified when "
                                   "BillingMode is PROVISIONED");
        json_int_t r = json_integer_value(json_object_get(pt, "ReadCapacityUnits"));
        json_int_t w = json_integer_value(json_object_get(pt, "WriteCapacityUnits"));
        if (r > MAX_THROUGHPUT)
            return g_strdup_printf("Given value %lld for ReadCapacityUnits is out of bounds", (long long)r);
        if (w > MAX_THROUGHPUT)
            return g_strdup_printf("Given value %lld for WriteCapacityUnits is out of bounds", (long long)w);
    }
    json_t *defs_json = json_object_get(in, "AttributeDefinitions"), *ks = json_object_get(in, "KeySchema");
    GPtrArray *defs = g_ptr_array_new(), *keys = g_ptr_array_new(), *used = g_ptr_array_new();
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    names_of(defs_json, "AttributeName", NULL, defs);
    names_of(ks, "AttributeName", NULL, keys);
    names_of(ks, "AttributeName", NULL, used);
    json_t *lsis = json_object_get(in, "LocalSecondaryIndexes"), *gsis = json_object_get(in, "GlobalSecondaryIndexes");
    GHashTable *def_set = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; !m && i < defs->len; i++)
        if (!g_hash_table_add(def_set, defs->pdata[i]))
            m = g_strdup_printf(PREFIX "Duplicate AttributeName found in AttributeDefinitions: %s",
                                (char *)defs->pdata[i]);
    g_hash_table_destroy(def_set);
    if (!m && keys->len > defs->len)
        m = g_strdup("Invalid KeySchema: Some index key attribute have no definition");
    if (!m)
        m = undefined_keys(ks, defs, defs_json);
    if (!m)
        m = schema_shape(ks);
    if (!m && !lsis && !gsis && keys->len != defs->len)
        m = g_strdup(PREFIX "Number of attributes in KeySchema does not exactly match number of attributes "
                            "defined in AttributeDefinitions");
    if (!m && lsis)
        m = index_checks(in, lsis, false, defs, seen, used);
    if (!m && gsis)
        m = index_checks(in, gsis, true, defs, seen, used);
    if (!m) {
        /* every definition must serve some key */
        for (guint i = 0; i < defs->len; i++) {
            if (!in_names(used, defs->pdata[i])) {
                GString *s = g_string_new(PREFIX "Some AttributeDefinitions are not used. AttributeDefinitions: [");
                names_of(defs_json, "AttributeName", s, NULL);
                g_string_append(s, "], keys used: [");
                GHashTable *once = g_hash_table_new(g_str_hash, g_str_equal);
                bool first = true;
                for (guint k = 0; k < used->len; k++) {
                    if (!g_hash_table_add(once, used->pdata[k]))
                        continue;
                    g_string_append_printf(s, "%s%s", first ? "" : ", ", (char *)used->pdata[k]);
                    first = false;
                }
                g_hash_table_destroy(once);
                g_string_append(s, "]");
                m = g_string_free(s, FALSE);
                break;
            }
        }
    }
    g_ptr_array_unref(defs);
    g_ptr_array_unref(keys);
    g_ptr_array_unref(used);
    g_hash_table_destroy(seen);
    return m;
}

/* ---- building ---- */

static char def_type(json_t *defs, const char *name)
{
    size_t i;
    json_t *d;
    json_array_foreach(defs, i, d) if (g_strcmp0(svc_str(d, "AttributeName"), name) == 0) {
        const char *t = svc_str(d, "AttributeType");
        return t ? t[0] : 'S';
    }
    return 'S';
}

static void keydefs(json_t *ks, json_t *defs, ddb_keydef *hash, ddb_keydef *range)
{
    size_t i;
    json_t *e;
    json_array_foreach(ks, i, e) {
        ddb_keydef *k = g_strcmp0(svc_str(e, "KeyType"), "RANGE") == 0 ? range : hash;
        g_free(k->name);
        k->name = g_strdup(svc_str(e, "AttributeName"));
        k->type = def_type(defs, k->name);
    }
}

static json_t *copy_members(json_t *from, const char *const *names)
{
    json_t *o = json_object();
    for (size_t i = 0; names[i]; i++) {
        json_t *v = json_object_get(from, names[i]);
        if (v)
            json_object_set_new(o, names[i], json_deep_copy(v));
    }
    return o;
}

static ddb_index *index_build(json_t *ix, json_t *defs, bool global, bool ppr, ddb_status status, int64_t until)
{
    static const char *const extra[] = {"OnDemandThroughput", NULL};
    ddb_index *x = g_new0(ddb_index, 1);
    x->name = g_strdup(svc_str(ix, "IndexName"));
    x->global = global;
    x->key_schema = json_deep_copy(json_object_get(ix, "KeySchema"));
    x->projection = json_deep_copy(json_object_get(ix, "Projection"));
    keydefs(x->key_schema, defs, &x->hash, &x->range);
    json_t *pt = json_object_get(ix, "ProvisionedThroughput");
    x->provisioned = global && !ppr && pt;
    x->rcu = pt ? json_integer_value(json_object_get(pt, "ReadCapacityUnits")) : 0;
    x->wcu = pt ? json_integer_value(json_object_get(pt, "WriteCapacityUnits")) : 0;
    x->extra = copy_members(ix, extra);
    x->status = global ? status : DDB_ACTIVE;
    x->until_ms = until;
    ddb_ix_setup(x);
    return x;
}

static char *stream_label(int64_t ms)
{
    GDateTime *dt = g_date_time_new_from_unix_utc(ms / 1000);
    char *s = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S");
    char *label = g_strdup_printf("%s.%03d", s, (int)(ms % 1000));
    g_free(s);
    g_date_time_unref(dt);
    return label;
}

ddb_table *ddb_table_build(json_t *in, const char *name, const char *arn, const char *id, int64_t now,
                           int64_t ready)
{
    static const char *const extra[] = {"OnDemandThroughput", NULL};
    ddb_table *t = g_new0(ddb_table, 1);
    t->name = g_strdup(name);
    t->arn = g_strdup(arn);
    t->id = g_strdup(id);
    t->attr_defs = json_deep_copy(json_object_get(in, "AttributeDefinitions"));
    t->key_schema = json_deep_copy(json_object_get(in, "KeySchema"));
    keydefs(t->key_schema, t->attr_defs, &t->hash, &t->range);
    const char *bm = svc_str(in, "BillingMode");
    t->billing_given = bm != NULL;
    t->pay_per_request = g_strcmp0(bm, "PAY_PER_REQUEST") == 0;
    t->ppr_since_ms = now;
    json_t *pt = json_object_get(in, "ProvisionedThroughput");
    t->rcu = json_integer_value(json_object_get(pt, "ReadCapacityUnits"));
    t->wcu = json_integer_value(json_object_get(pt, "WriteCapacityUnits"));
    ddb_status st = ready > now ? DDB_CREATING : DDB_ACTIVE;
    t->lsis = g_ptr_array_new_with_free_func((GDestroyNotify)ddb_index_free);
    t->gsis = g_ptr_array_new_with_free_func((GDestroyNotify)ddb_index_free);
    size_t i;
    json_t *ix;
    json_array_foreach(json_object_get(in, "LocalSecondaryIndexes"), i, ix)
        g_ptr_array_add(t->lsis, index_build(ix, t->attr_defs, false, t->pay_per_request, st, ready));
    json_array_foreach(json_object_get(in, "GlobalSecondaryIndexes"), i, ix)
        g_ptr_array_add(t->gsis, index_build(ix, t->attr_defs, true, t->pay_per_request, st, ready));
    json_t *stream = json_object_get(in, "StreamSpecification");
    if (stream) {
        t->stream = json_deep_copy(stream);
        t->stream_label = stream_label(now);
    }
    json_t *sse = json_object_get(in, "SSESpecification");
    t->sse = sse ? json_deep_copy(sse) : NULL;
    t->table_class = g_strdup(svc_str(in, "TableClass"));
    t->deletion_protection = svc_true(in, "DeletionProtectionEnabled");
    t->extra = copy_members(in, extra);
    json_t *tags = json_object_get(in, "Tags");
    t->tags = tags ? json_deep_copy(tags) : json_array();
    t->created_ms = now;
    t->status = st;
    t->until_ms = ready;
    t->items = ddb_store_new();
    g_mutex_init(&t->cap_lock);
    return t;
}

/* ---- handlers ---- */

static int not_found_table(svc_call *c, const char *name)
{
    return aws_error_set(&c->err, "ResourceNotFoundException", "Requested resource not found: Table: %s not found",
                         name[0] == '\x01' ? name + 1 : name);
}

static int in_use(svc_call *c, ddb_status s, const char *name)
{
    return aws_error_set(&c->err, "ResourceInUseException",
                         "Attempt to change a resource which is still in use: Table is being %s: %s",
                         s == DDB_CREATING ? "created" : s == DDB_DELETING ? "deleted" : "updated", name);
}

int ddb_create_table(svc_call *c)
{
    ddb_state *st = c->state;
    char *name;
    if (ddb_table_name(c, DDB_NAME_CONTROL, &name) != 0)
        return -1;
    char *m = ddb_create_check(c->input);
    if (m) {
        g_free(name);
        return ddb_validation_take(c, m);
    }
    ddb_state_settle(st, c->now_ms);
    if (g_tree_lookup(st->tables, name)) {
        int rc = aws_error_set(&c->err, "ResourceInUseException", "Table already exists: %s", name);
        g_free(name);
        return rc;
    }
    char id[37];
    svc_uuid(c, id);
    char *arn = ddb_table_arn(c, name);
    ddb_table *t = ddb_table_build(c->input, name, arn, id, c->now_ms, ddb_transition_end(c));
    g_free(arn);
    g_tree_insert(st->tables, t->name, t);
    ddb_state_pending(st, t->until_ms);
    g_free(name);
    json_t *d = ddb_table_describe(t, c->now_ms);
    /* the billing mode has not changed yet: DynamoDB's CreateTable answer
     * has no LastUpdateToPayPerRequestDateTime (DescribeTable has) */
    json_object_del(json_object_get(d, "BillingModeSummary"), "LastUpdateToPayPerRequestDateTime");
    c->output = json_pack("{s:o}", "TableDescription", d);
    return 0;
}

int ddb_describe_table(svc_call *c)
{
    char *name;
    if (ddb_table_name(c, DDB_NAME_CONTROL, &name) != 0)
        return -1;
    ddb_table *t = ddb_state_table(c->state, name, c->now_ms);
    if (!t) {
        not_found_table(c, name);
        g_free(name);
        return -1;
    }
    g_free(name);
    c->output = json_pack("{s:o}", "Table", ddb_table_describe(t, c->now_ms));
    return 0;
}

int ddb_list_tables(svc_call *c)
{
    ddb_state *st = c->state;
    json_t *lim = json_object_get(c->input, "Limit");
    json_int_t limit = lim ? json_integer_value(lim) : 100;
    const char *start = svc_str(c->input, "ExclusiveStartTableName");
    GTreeNode *n = start ? g_tree_upper_bound(st->tables, start) : g_tree_node_first(st->tables);
    json_t *names = json_array();
    const char *last = NULL;
    for (; n; n = g_tree_node_next(n)) {
        ddb_table *t = g_tree_node_value(n);
        if (ddb_table_status(t, c->now_ms) == DDB_GONE)
            continue;
        if ((json_int_t)json_array_size(names) == limit) {
            /* there is more: say where this page ended */
            c->output = json_pack("{s:o, s:s}", "TableNames", names, "LastEvaluatedTableName", last);
            return 0;
        }
        json_array_append_new(names, json_string(t->name));
        last = t->name;
    }
    c->output = json_pack("{s:o}", "TableNames", names);
    return 0;
}

int ddb_delete_table(svc_call *c)
{
    ddb_state *st = c->state;
    char *name;
    if (ddb_table_name(c, DDB_NAME_CONTROL, &name) != 0)
        return -1;
    ddb_state_settle(st, c->now_ms);
    ddb_table *t = ddb_state_table(st, name, c->now_ms);
    int rc = -1;
    if (!t) {
        not_found_table(c, name);
    } else if (t->status == DDB_CREATING || t->status == DDB_UPDATING) {
        in_use(c, t->status, name);
    } else if (t->deletion_protection) {
        ddb_validation(c, "Resource cannot be deleted as it is currently protected against deletion. Disable "
                          "deletion protection first.");
    } else {
        if (t->status != DDB_DELETING) {
            t->status = DDB_DELETING;
            t->until_ms = ddb_transition_end(c);
            ddb_state_pending(st, t->until_ms);
            ddb_write_clear(t);
        }
        /* DynamoDB's DeleteTable answer leaves out the table's schema, its
         * indexes and its creation time (AWS-FACTS.md) */
        json_t *d = ddb_table_describe(t, c->now_ms);
        static const char *const trimmed[] = {"AttributeDefinitions", "KeySchema", "CreationDateTime",
                                              "LocalSecondaryIndexes", "GlobalSecondaryIndexes"};
        for (size_t i = 0; i < G_N_ELEMENTS(trimmed); i++)
            json_object_del(d, trimmed[i]);
        c->output = json_pack("{s:o}", "TableDescription", d);
        rc = 0;
    }
    g_free(name);
    return rc;
}

/* ---- UpdateTable ---- */

static char *update_input_checks(json_t *in)
{
    json_t *pt = json_object_get(in, "ProvisionedThroughput"), *gu = json_object_get(in, "GlobalSecondaryIndexUpdates");
    static const char *const others[] = {"BillingMode",      "StreamSpecification",       "SSESpecification",
                                         "ReplicaUpdates",   "TableClass",                "DeletionProtectionEnabled",
                                         "OnDemandThroughput", "WarmThroughput", "MultiRegionConsistency",
                                         "GlobalTableWitnessUpdates", NULL};
    bool any = pt || json_array_size(gu) > 0;
    for (size_t i = 0; !any && others[i]; i++)
        any = json_object_get(in, others[i]) != NULL;
    if (!any)
        return g_strdup("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                        "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
    if (g_strcmp0(svc_str(in, "BillingMode"), "PROVISIONED") == 0 && !pt)
        return g_strdup(PREFIX "ProvisionedThroughput must be specified when BillingMode is PROVISIONED");
    if (pt) {
        json_int_t r = json_integer_value(json_object_get(pt, "ReadCapacityUnits"));
        json_int_t w = json_integer_value(json_object_get(pt, "WriteCapacityUnits"));
        if (r > MAX_THROUGHPUT)
            return g_strdup_printf("Given value %lld for ReadCapacityUnits is out of bounds", (long long)r);
        if (w > MAX_THROUGHPUT)
            return g_strdup_printf("Given value %lld for WriteCapacityUnits is out of bounds", (long long)w);
    }
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    char *m = NULL;
    size_t i;
    json_t *u;
    json_array_foreach(gu, i, u) {
        json_t *a = json_object_get(u, "Update"), *cr = json_object_get(u, "Create"), *d = json_object_get(u, "Delete");
        if (!a && !cr && !d) {
            m = g_strdup(PREFIX "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
                                "GlobalSecondaryIndexUpdate.Delete must not be null");
            break;
        }
        const char *ixn = svc_str(a ? a : cr ? cr : d, "IndexName");
        if (!g_hash_table_add(seen, (gpointer)ixn)) {
            m = g_strdup_printf(PREFIX "Only one global secondary index update per index is allowed "
                                       "simultaneously. Index: %s",
                                ixn);
            break;
        }
    }
    g_hash_table_destroy(seen);
    return m;
}

/* Validates and applies the GSI updates; -1 with c->err on refusal (then
 * nothing was changed). */
static int gsi_updates(svc_call *c, ddb_table *t, json_t *gu, int64_t until, bool *changed)
{
    json_t *defs = json_deep_copy(t->attr_defs);
    /* the request may define the new index's attributes; a hash set of the
     * names keeps a long list linear */
    GHashTable *known = g_hash_table_new(g_str_hash, g_str_equal);
    size_t i;
    json_t *d;
    json_array_foreach(defs, i, d) if (svc_str(d, "AttributeName")) g_hash_table_add(known, (gpointer)svc_str(d, "AttributeName"));
    json_array_foreach(json_object_get(c->input, "AttributeDefinitions"), i, d) {
        const char *an = svc_str(d, "AttributeName");
        if (an && g_hash_table_add(known, (gpointer)an))
            json_array_append(defs, d);
    }
    g_hash_table_destroy(known);
    /* DynamoDB counts the creations and deletions, the call's and those
     * under way, before it looks for the indexes they name: too many is
     * LimitExceededException whatever they name. Deleting an index being
     * created (its cancellation) frees its place. */
    int online = 0;
    GHashTable *deleted = g_hash_table_new(g_str_hash, g_str_equal);
    json_t *u;
    json_array_foreach(gu, i, u) {
        json_t *del = json_object_get(u, "Delete");
        if (del && svc_str(del, "IndexName"))
            g_hash_table_add(deleted, (gpointer)svc_str(del, "IndexName"));
        if (del || json_object_get(u, "Create"))
            online++;
    }
    for (guint k = 0; k < t->gsis->len; k++) {
        ddb_index *ix = t->gsis->pdata[k];
        ddb_status s = ddb_index_status(ix, c->now_ms);
        if ((s == DDB_CREATING && !g_hash_table_contains(deleted, ix->name)) || s == DDB_DELETING)
            online++;
    }
    g_hash_table_destroy(deleted);
    if (online > 1) {
        json_decref(defs);
        return aws_error_set(&c->err, "LimitExceededException",
                             "Subscriber limit exceeded: Only 1 online index can be created or deleted "
                             "simultaneously per table");
    }
    /* first every check, then every change */
    json_array_foreach(gu, i, u) {
        json_t *cr = json_object_get(u, "Create"), *del = json_object_get(u, "Delete");
        json_t *up = json_object_get(u, "Update");
        json_t *any = cr ? cr : del ? del : up;
        const char *ixn = svc_str(any, "IndexName");
        ddb_index *ix = ddb_table_index(t, ixn);
        if (cr) {
            if (ix) {
                json_decref(defs);
                return ddb_validation(c, "Attempting to create an index which already exists");
            }
            json_t *ks = json_object_get(cr, "KeySchema");
            GPtrArray *names = g_ptr_array_new();
            names_of(defs, "AttributeName", NULL, names);
            char *m = undefined_keys(ks, names, defs);
            g_ptr_array_unref(names);
            if (!m)
                m = schema_shape(ks);
            if (!m)
                m = projection_check(cr);
            if (!m && t->pay_per_request && json_object_get(cr, "ProvisionedThroughput"))
                m = g_strdup_printf(PREFIX "ProvisionedThroughput should not be specified for index: %s when "
                                           "BillingMode is PAY_PER_REQUEST",
                                    ixn);
            if (!m && !t->pay_per_request && !json_object_get(cr, "ProvisionedThroughput"))
                m = g_strdup_printf(PREFIX "ProvisionedThroughput must be specified for index: %s", ixn);
            if (!m && t->gsis->len >= MAX_GSIS)
                m = g_strdup(PREFIX "GlobalSecondaryIndex count exceeds the per-table limit of 20");
            if (m) {
                json_decref(defs);
                return ddb_validation_take(c, m);
            }
        } else {
            json_t *pt = up ? json_object_get(up, "ProvisionedThroughput") : NULL;
            if (pt && (json_integer_value(json_object_get(pt, "ReadCapacityUnits")) > MAX_THROUGHPUT ||
                       json_integer_value(json_object_get(pt, "WriteCapacityUnits")) > MAX_THROUGHPUT)) {
                json_decref(defs);
                return ddb_validation(c, "This operation cannot be performed with given input values. Please "
                                         "contact DynamoDB service team for more info: Action Blocked: IndexUpdate");
            }
            if (!ix || !ix->global || ddb_index_status(ix, c->now_ms) == DDB_GONE) {
                json_decref(defs);
                return aws_error_set(&c->err, "ResourceNotFoundException", "Requested resource not found: Index: "
                                                                           "%s not found",
                                     ixn);
            }
            if (up && t->pay_per_request && pt) {
                json_decref(defs);
                return ddb_validation(c, PREFIX "Neither ReadCapacityUnits nor WriteCapacityUnits can be "
                                                "specified when BillingMode is PAY_PER_REQUEST");
            }
        }
    }
    json_array_foreach(gu, i, u) {
        json_t *cr = json_object_get(u, "Create"), *del = json_object_get(u, "Delete");
        json_t *up = json_object_get(u, "Update");
        *changed = true;
        if (cr) {
            ddb_index *ix = index_build(cr, defs, true, t->pay_per_request, DDB_CREATING, until);
            g_ptr_array_add(t->gsis, ix);
            ddb_ix_backfill(t, ix);
            /* the index's attributes are now part of the table's definitions */
            json_t *ks = json_object_get(cr, "KeySchema");
            size_t k;
            json_t *e;
            json_array_foreach(ks, k, e) {
                const char *an = svc_str(e, "AttributeName");
                size_t j;
                json_t *dd;
                bool have = false;
                json_array_foreach(t->attr_defs, j, dd) have = have || g_strcmp0(svc_str(dd, "AttributeName"), an) == 0;
                json_array_foreach(defs, j, dd) if (!have && g_strcmp0(svc_str(dd, "AttributeName"), an) == 0) {
                    json_array_append(t->attr_defs, dd);
                    have = true;
                }
            }
        } else {
            ddb_index *ix = ddb_table_index(t, svc_str(del ? del : up, "IndexName"));
            if (del) {
                ix->status = DDB_DELETING;
                ix->until_ms = until;
                /* a deleting index is neither read nor maintained */
                ddb_store_free(ix->items);
                ix->items = NULL;
            } else {
                json_t *pt = json_object_get(up, "ProvisionedThroughput");
                ix->was = (ddb_throughput_was){pt != NULL, ix->rcu, ix->wcu};
                if (pt) {
                    ix->rcu = json_integer_value(json_object_get(pt, "ReadCapacityUnits"));
                    ix->wcu = json_integer_value(json_object_get(pt, "WriteCapacityUnits"));
                    ix->provisioned = true;
                }
                ix->status = DDB_UPDATING;
                ix->until_ms = until;
            }
        }
    }
    json_decref(defs);
    return 0;
}

int ddb_update_table(svc_call *c)
{
    ddb_state *st = c->state;
    json_t *in = c->input;
    char *name;
    if (ddb_table_name(c, DDB_NAME_CONTROL, &name) != 0)
        return -1;
    char *m = update_input_checks(in);
    if (m) {
        g_free(name);
        return ddb_validation_take(c, m);
    }
    ddb_state_settle(st, c->now_ms);
    ddb_table *t = ddb_state_table(st, name, c->now_ms);
    if (!t) {
        not_found_table(c, name);
        g_free(name);
        return -1;
    }
    if (t->status != DDB_ACTIVE) {
        in_use(c, t->status, name);
        g_free(name);
        return -1;
    }
    g_free(name);

    const char *bm = svc_str(in, "BillingMode");
    bool to_ppr = g_strcmp0(bm, "PAY_PER_REQUEST") == 0, to_prov = g_strcmp0(bm, "PROVISIONED") == 0;
    bool ppr_after = to_ppr || (t->pay_per_request && !to_prov);
    json_t *pt = json_object_get(in, "ProvisionedThroughput");
    if (pt && ppr_after)
        return ddb_validation(c, PREFIX "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when "
                                        "BillingMode is PAY_PER_REQUEST");
    json_int_t r = json_integer_value(json_object_get(pt, "ReadCapacityUnits"));
    json_int_t w = json_integer_value(json_object_get(pt, "WriteCapacityUnits"));
    if (pt && !t->pay_per_request && r == t->rcu && w == t->wcu && !to_prov)
        return ddb_validation(c,
                              "The provisioned throughput for the table will not change. The requested value equals "
                              "the current value. Current ReadCapacityUnits provisioned for the table: %lld. Requested "
                              "ReadCapacityUnits: %lld. Current WriteCapacityUnits provisioned for the table: %lld. "
                              "Requested WriteCapacityUnits: %lld. Refer to the Amazon DynamoDB Developer Guide for "
                              "current limits and how to request higher limits.",
                              (long long)t->rcu, (long long)r, (long long)t->wcu, (long long)w);
    if (to_prov && t->pay_per_request) {
        /* every index then needs its own throughput */
        GString *missing = NULL;
        for (guint i = 0; i < t->gsis->len; i++) {
            ddb_index *ix = t->gsis->pdata[i];
            bool given = false;
            size_t k;
            json_t *u;
            json_array_foreach(json_object_get(in, "GlobalSecondaryIndexUpdates"), k, u) {
                json_t *up = json_object_get(u, "Update");
                given = given || (up && g_strcmp0(svc_str(up, "IndexName"), ix->name) == 0 &&
                                  json_object_get(up, "ProvisionedThroughput"));
            }
            if (!given) {
                if (!missing)
                    missing = g_string_new(NULL);
                else
                    g_string_append_c(missing, ',');
                g_string_append(missing, ix->name);
            }
        }
        if (missing) {
            m = g_strdup_printf(PREFIX "ProvisionedThroughput must be specified for index: %s", missing->str);
            g_string_free(missing, TRUE);
            return ddb_validation_take(c, m);
        }
    }
    /* every refusal before any change */
    json_t *ss = json_object_get(in, "StreamSpecification");
    if (ss) {
        bool on = svc_true(ss, "StreamEnabled");
        bool was_on = t->stream && svc_true(t->stream, "StreamEnabled");
        if (on && was_on)
            return ddb_validation(c, "Table already has an enabled stream: %s/stream/%s", t->arn, t->stream_label);
        if (!on && !was_on)
            return ddb_validation(c, "Table already has no stream enabled");
    }
    int64_t until = ddb_transition_end(c);
    bool changed = false;
    json_t *gu = json_object_get(in, "GlobalSecondaryIndexUpdates");
    /* a PAY_PER_REQUEST switch must allow the index updates' throughput */
    bool was_ppr = t->pay_per_request;
    if (to_prov)
        t->pay_per_request = false;
    if (gu && gsi_updates(c, t, gu, until, &changed) != 0) {
        t->pay_per_request = was_ppr;
        return -1;
    }
    /* an update that does not change the throughput describes it as it is */
    t->was.set = false;
    if (pt) {
        if (!to_prov || !was_ppr) {
            if (r > t->rcu || w > t->wcu)
                t->last_increase_ms = c->now_ms;
            if (r < t->rcu || w < t->wcu) {
                t->last_decrease_ms = c->now_ms;
                t->decreases_today++;
            }
        }
        t->was = (ddb_throughput_was){!was_ppr, t->rcu, t->wcu};
        t->rcu = r;
        t->wcu = w;
        changed = true;
    }
    if (to_ppr && !was_ppr) {
        t->pay_per_request = true;
        t->ppr_since_ms = c->now_ms;
        changed = true;
    }
    if (to_prov && was_ppr)
        changed = true;
    if (bm)
        t->billing_given = true;
    if (ss) {
        bool on = svc_true(ss, "StreamEnabled");
        json_decref(t->stream);
        t->stream = json_deep_copy(ss);
        if (on) {
            g_free(t->stream_label);
            t->stream_label = stream_label(c->now_ms);
        }
        changed = true;
    }
    json_t *sse = json_object_get(in, "SSESpecification");
    if (sse) {
        json_decref(t->sse);
        t->sse = json_deep_copy(sse);
        changed = true;
    }
    const char *tc = svc_str(in, "TableClass");
    if (tc) {
        g_free(t->table_class);
        t->table_class = g_strdup(tc);
        changed = true;
    }
    json_t *odt = json_object_get(in, "OnDemandThroughput");
    if (odt)
        json_object_set_new(t->extra, "OnDemandThroughput", json_deep_copy(odt));
    json_t *dp = json_object_get(in, "DeletionProtectionEnabled");
    if (dp)
        t->deletion_protection = json_is_true(dp);
    if (changed) {
        t->status = DDB_UPDATING;
        t->until_ms = until;
        ddb_state_pending(st, until);
    }
    c->output = json_pack("{s:o}", "TableDescription", ddb_table_describe(t, c->now_ms));
    return 0;
}

/* ---- tags ---- */

/* The ResourceArn's form, as DynamoDB checks it before anything else.
 * -1 with c->err set. */
static int arn_check(svc_call *c, const char *action)
{
    const char *arn = svc_str(c->input, "ResourceArn");
    if (!arn)
        return ddb_validation(c, "Invalid TableArn");
    GRegex *loose = g_regex_new("^.+:.+:.+:.+:.+:.+/.+$", 0, 0, NULL);
    GRegex *strict = g_regex_new("^arn:aws(-[a-z]+)*:dynamodb:.+:\\d+:table/[^/]{2}[^/]+$", 0, 0, NULL);
    bool loose_ok = g_regex_match(loose, arn, 0, NULL), strict_ok = g_regex_match(strict, arn, 0, NULL);
    g_regex_unref(loose);
    g_regex_unref(strict);
    if (!loose_ok)
        return aws_error_set(&c->err, "AccessDeniedException",
                             "User: arn:%s:iam::%s:root is not authorized to perform: dynamodb:%s on resource: %s",
                             svc_partition(c->region), c->account, action, arn);
    if (!strict_ok)
        return ddb_validation(c, "Invalid TableArn: Invalid ResourceArn provided as input %s", arn);
    return 0;
}

/* The table a checked ResourceArn names; NULL with c->err set. */
static ddb_table *arn_table(svc_call *c, bool untag)
{
    const char *arn = svc_str(c->input, "ResourceArn");
    char **parts = g_strsplit(arn, ":", 6);
    ddb_table *t = NULL;
    if (strcmp(parts[3], c->region) == 0 && strcmp(parts[4], c->account) == 0)
        t = ddb_state_table(c->state, parts[5] + strlen("table/"), c->now_ms);
    g_strfreev(parts);
    if (!t) {
        if (untag)
            aws_error_set(&c->err, "ResourceNotFoundException", "Requested resource not found");
        else
            aws_error_set(&c->err, "ResourceNotFoundException",
                          "Requested resource not found: ResourcArn: %s not found", arn);
    }
    return t;
}

int ddb_tag_resource(svc_call *c)
{
    ddb_state_settle(c->state, c->now_ms);
    json_t *tags = json_object_get(c->input, "Tags");
    if (arn_check(c, "TagResource") != 0)
        return -1;
    if (json_array_size(tags) == 0)
        return ddb_validation(c, "Atleast one Tag needs to be provided as Input.");
    ddb_table *t = arn_table(c, false);
    if (!t)
        return -1;
    json_t *merged = json_deep_copy(t->tags);
    /* key -> its tag in merged: one lookup per given tag, and the limit
     * stops the merge as soon as it is passed */
    GHashTable *by_key = g_hash_table_new(g_str_hash, g_str_equal);
    size_t i;
    json_t *tag;
    json_array_foreach(merged, i, tag) if (svc_str(tag, "Key")) g_hash_table_insert(by_key, (gpointer)svc_str(tag, "Key"), tag);
    json_array_foreach(tags, i, tag) {
        json_t *have = svc_str(tag, "Key") ? g_hash_table_lookup(by_key, svc_str(tag, "Key")) : NULL;
        if (have) {
            json_object_set(have, "Value", json_object_get(tag, "Value"));
            continue;
        }
        json_t *copy = json_deep_copy(tag);
        json_array_append_new(merged, copy);
        if (svc_str(copy, "Key"))
            g_hash_table_insert(by_key, (gpointer)svc_str(copy, "Key"), copy);
        if (json_array_size(merged) > 50)
            break;
    }
    g_hash_table_destroy(by_key);
    if (json_array_size(merged) > 50) {
        json_decref(merged);
        return aws_error_set(&c->err, "LimitExceededException",
                             "The number of tags on the resource exceeds the limit of 50");
    }
    json_decref(t->tags);
    t->tags = merged;
    return 0;
}

int ddb_untag_resource(svc_call *c)
{
    ddb_state_settle(c->state, c->now_ms);
    json_t *keys = json_object_get(c->input, "TagKeys");
    if (arn_check(c, "UntagResource") != 0)
        return -1;
    if (json_array_size(keys) == 0)
        return ddb_validation(c, "Atleast one Tag Key needs to be provided as Input.");
    ddb_table *t = arn_table(c, true);
    if (!t)
        return -1;
    size_t i;
    json_t *key;
    json_array_foreach(keys, i, key) {
        for (size_t k = json_array_size(t->tags); k-- > 0;)
            if (g_strcmp0(svc_str(json_array_get(t->tags, k), "Key"), json_string_value(key)) == 0)
                json_array_remove(t->tags, k);
    }
    return 0;
}

int ddb_list_tags(svc_call *c)
{
    if (arn_check(c, "ListTagsOfResource") != 0)
        return -1;
    ddb_table *t = arn_table(c, false);
    if (!t)
        return -1;
    /* a copy: the answer is written after the namespace lock is released */
    c->output = json_pack("{s:o}", "Tags", json_deep_copy(t->tags));
    return 0;
}

int ddb_describe_limits(svc_call *c)
{
    c->output = json_pack("{s:I, s:I, s:I, s:I}", "AccountMaxReadCapacityUnits", (json_int_t)80000,
                          "AccountMaxWriteCapacityUnits", (json_int_t)80000, "TableMaxReadCapacityUnits",
                          (json_int_t)40000, "TableMaxWriteCapacityUnits", (json_int_t)40000);
    return 0;
}

int ddb_describe_endpoints(svc_call *c)
{
    char *addr = g_strdup_printf("dynamodb.%s.amazonaws.com", c->region);
    c->output = json_pack("{s:[{s:s, s:I}]}", "Endpoints", "Address", addr, "CachePeriodInMinutes", (json_int_t)1440);
    g_free(addr);
    return 0;
}
