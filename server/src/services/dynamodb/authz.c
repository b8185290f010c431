#include "services/dynamodb/authz.h"

#include <string.h>

#include "services/svc_api.h"
#include "services/tagctx.h"

#include "services/dynamodb/expr_parse.h"
#include "services/dynamodb/keycond.h"
#include "services/dynamodb/partiql.h"
#include "services/dynamodb/table.h"

/* (No printf on these: they run on every request.) */

/* A table's ARN: TableName may already be one. */
static char *table_arn(svc_call *c, const char *table)
{
    if (g_str_has_prefix(table, "arn:"))
        return g_strdup(table);
    return g_strconcat("arn:", svc_partition(c->region), ":dynamodb:", c->region, ":", c->account, ":table/", table, NULL);
}

static char *index_arn(svc_call *c, const char *table, const char *index)
{
    char *t = table_arn(c, table);
    char *arn = g_strconcat(t, "/index/", index, NULL);
    g_free(t);
    return arn;
}

/* The IAM action of an operation: "dynamodb:" and its name. */
static void action_of(const char *op, char action[64])
{
    g_strlcpy(action, "dynamodb:", 64);
    g_strlcat(action, op, 64);
}

/* Operations on no table. */
static const char *const global_ops[] = {"DescribeLimits", "DescribeEndpoints", "ListBackups",
                                         "ListGlobalTables", "ListImports", "ListExports"};

/* A key attribute's value as condition keys compare it: the text of an S
 * or N, the base64 of a B. */
static const char *key_text(json_t *av)
{
    const char *t = svc_str(av, "S");
    if (!t)
        t = svc_str(av, "N");
    if (!t)
        t = svc_str(av, "B");
    return t;
}

/* A Query's key conditions, from its KeyConditionExpression or
 * KeyConditions (false when it has neither or they do not parse: the
 * handler refuses it). The values are borrowed from the request; *x holds
 * the parsed expression (ddb_exprs_free) or stays NULL. */
static bool query_keyconds(json_t *in, ddb_keyconds *kc, ddb_exprs **x)
{
    *x = NULL;
    const char *src = svc_str(in, "KeyConditionExpression");
    char *err = NULL;
    if (!src) {
        json_t *legacy = json_object_get(in, "KeyConditions");
        if (!json_is_object(legacy))
            return false;
        err = ddb_keyconds_from_legacy(legacy, kc);
    } else {
        *x = ddb_exprs_new(json_object_get(in, "ExpressionAttributeNames"),
                           json_object_get(in, "ExpressionAttributeValues"));
        err = ddb_exprs_check_maps(*x);
        ddb_cond *cond = err ? NULL : ddb_parse_condition(*x, "KeyConditionExpression", src, &err);
        if (cond && !err)
            err = ddb_keyconds_from_expr(cond, kc);
    }
    if (err) {
        g_free(err);
        return false;
    }
    return true;
}

/* The table an operation names by TableName or ResourceArn, in this
 * namespace, or NULL. */
static ddb_table *named_table(svc_call *c, const char *name)
{
    const char *slash = g_str_has_prefix(name, "arn:") ? strstr(name, ":table/") : NULL;
    if (!slash)
        return g_tree_lookup(((ddb_state *)c->state)->tables, name);
    char *table = g_strdup(slash + strlen(":table/"));
    char *rest = strchr(table, '/'); /* an index's or stream's ARN names its table first */
    if (rest)
        *rest = '\0';
    ddb_table *t = g_tree_lookup(((ddb_state *)c->state)->tables, table);
    g_free(table);
    return t && g_str_has_prefix(name, t->arn) ? t : NULL;
}

/* dynamodb:LeadingKeys of one value (json_pack's format parsing costs a
 * GetItem more than the list). */
static json_t *one_key(const char *v)
{
    json_t *keys = json_array();
    json_array_append_new(keys, json_string(v));
    return keys;
}

/* The partition key value of an item (a key or item map) of t, or NULL. */
static const char *leading_key(const ddb_table *t, json_t *item)
{
    return t && t->hash.name && json_is_object(item) ? key_text(json_object_get(item, t->hash.name)) : NULL;
}

/* The check a gets t's keys in its own context (a batch names several
 * tables, and items of each): the table's tags and the partition key
 * values of the items it names (leading: a list, taken; NULL: none). */
static void check_keys(svc_authz *a, const ddb_table *t, json_t *leading)
{
    if (t) {
        if (json_object_size(t->tags) || json_array_size(t->tags))
            tagctx_set(svc_authz_context(a), "aws:resourcetag/", t->tags, NULL);
        if (json_array_size(leading))
            json_object_set(svc_authz_context(a), "dynamodb:leadingkeys", leading);
    }
    json_decref(leading);
}

/* A PartiQL statement's check: its action by kind on its table or index,
 * and the table it names appended to tables (g_free). A statement that
 * does not parse names nothing (the handler refuses it). */
static void statement(svc_call *c, GArray *out, json_t *text, GPtrArray *tables)
{
    char *err = NULL;
    ddb_pql_stmt *s = json_is_string(text) ? ddb_pql_parse(json_string_value(text), json_string_length(text), &err)
                                           : NULL;
    g_free(err);
    if (!s)
        return;
    static const char *const actions[] = {
        [DDB_PQL_SELECT] = "dynamodb:PartiQLSelect", [DDB_PQL_INSERT] = "dynamodb:PartiQLInsert",
        [DDB_PQL_UPDATE] = "dynamodb:PartiQLUpdate", [DDB_PQL_DELETE] = "dynamodb:PartiQLDelete",
        [DDB_PQL_EXISTS] = "dynamodb:PartiQLSelect"};
    svc_authz_add(out, actions[s->kind], s->index ? index_arn(c, s->table, s->index) : table_arn(c, s->table), -1);
    g_ptr_array_add(tables, g_strdup(s->table));
    ddb_pql_free(s);
}

/* ExecuteStatement's statement, or each of a list's (BatchExecuteStatement,
 * ExecuteTransaction), with its table's tags in its check's own context,
 * read under one shared lock. */
static void statements(svc_call *c, GArray *out, json_t *one, json_t *list)
{
    guint first = out->len;
    GPtrArray *tables = g_ptr_array_new_with_free_func(g_free);
    if (one)
        statement(c, out, one, tables);
    size_t i;
    json_t *st;
    json_array_foreach(list, i, st) statement(c, out, json_object_get(st, "Statement"), tables);
    if (c->state && tables->len) {
        GRWLock *lock = svc_read_lock(c);
        for (guint k = 0; k < tables->len; k++)
            check_keys(&g_array_index(out, svc_authz, first + k), named_table(c, g_ptr_array_index(tables, k)), NULL);
        svc_read_unlock(lock);
    }
    g_ptr_array_free(tables, TRUE);
}

/* BatchGetItem, BatchWriteItem: a check per table, with that table's keys,
 * read under one shared lock. */
static void batch(svc_call *c, GArray *out)
{
    char action[64];
    action_of(c->operation, action);
    GRWLock *lock = c->state ? svc_read_lock(c) : NULL;
    const char *table;
    json_t *v;
    json_object_foreach(json_object_get(c->input, "RequestItems"), table, v) {
        svc_authz_add(out, action, table_arn(c, table), -1);
        if (!lock)
            continue;
        ddb_table *t = named_table(c, table);
        json_t *keys = json_array();
        size_t i;
        json_t *k;
        const char *lk;
        json_array_foreach(json_object_get(v, "Keys"), i, k) {
            if ((lk = leading_key(t, k)))
                json_array_append_new(keys, json_string(lk));
        }
        json_array_foreach(v, i, k) {
            if ((lk = leading_key(t, json_object_get(json_object_get(k, "PutRequest"), "Item"))) ||
                (lk = leading_key(t, json_object_get(json_object_get(k, "DeleteRequest"), "Key"))))
                json_array_append_new(keys, json_string(lk));
        }
        check_keys(svc_authz_last(out), t, keys);
    }
    if (lock)
        svc_read_unlock(lock);
}

/* TransactGetItems, TransactWriteItems: a check per item, by what the item
 * does, with its table's tags and its own partition key. */
static void transact(svc_call *c, GArray *out)
{
    static const char *const kinds[][2] = {{"Get", "dynamodb:GetItem"},
                                           {"Put", "dynamodb:PutItem"},
                                           {"Update", "dynamodb:UpdateItem"},
                                           {"Delete", "dynamodb:DeleteItem"},
                                           {"ConditionCheck", "dynamodb:ConditionCheckItem"}};
    GRWLock *lock = c->state ? svc_read_lock(c) : NULL;
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(c->input, "TransactItems"), i, item) {
        for (size_t k = 0; k < G_N_ELEMENTS(kinds); k++) {
            json_t *what = json_object_get(item, kinds[k][0]);
            const char *table = svc_str(what, "TableName");
            if (!table)
                continue;
            svc_authz_add(out, kinds[k][1], table_arn(c, table), -1);
            if (!lock)
                continue;
            ddb_table *t = named_table(c, table);
            const char *lk = leading_key(t, json_object_get(what, strcmp(kinds[k][0], "Put") == 0 ? "Item" : "Key"));
            check_keys(svc_authz_last(out), t, lk ? one_key(lk) : NULL);
        }
    }
    if (lock)
        svc_read_unlock(lock);
}

/* The condition keys of an operation on one table, read from its state
 * under one shared lock: the table's tags (aws:ResourceTag/KEY) and the
 * partition key value the operation names (dynamodb:LeadingKeys: an
 * item's key, or a Query's equality on the partition key of the table or
 * of the index it reads). */
static void table_keys(svc_call *c, json_t *context, const char *name)
{
    if (!c->state)
        return;
    const char *op = c->operation;
    json_t *in = c->input, *item = NULL;
    if (strcmp(op, "GetItem") == 0 || strcmp(op, "DeleteItem") == 0 || strcmp(op, "UpdateItem") == 0)
        item = json_object_get(in, "Key");
    else if (strcmp(op, "PutItem") == 0)
        item = json_object_get(in, "Item");
    ddb_keyconds kc;
    ddb_exprs *x = NULL;
    bool query = strcmp(op, "Query") == 0 && query_keyconds(in, &kc, &x);
    GRWLock *lock = svc_read_lock(c);
    ddb_table *t = named_table(c, name);
    if (t) {
        tagctx_set(context, "aws:resourcetag/", t->tags, NULL);
        const char *hash = t->hash.name, *v = NULL;
        if (query && svc_str(in, "IndexName")) {
            ddb_index *ix = ddb_table_index(t, svc_str(in, "IndexName"));
            hash = ix ? ix->hash.name : NULL;
        }
        if (item && hash)
            v = key_text(json_object_get(item, hash));
        const ddb_keycond *k = query && hash ? ddb_keyconds_find(&kc, hash) : NULL;
        if (k && k->op == DDB_KC_EQ && k->nv == 1)
            v = key_text(k->v[0]);
        if (v)
            json_object_set_new(context, "dynamodb:leadingkeys", one_key(v));
    }
    svc_read_unlock(lock);
    if (x)
        ddb_exprs_free(x);
}

void ddb_authorize(svc_call *c, GArray *out, json_t *context)
{
    const char *op = c->operation;
    json_t *in = c->input;
    if (strcmp(op, "ListTables") == 0) {
        /* today's denial names (and the policy is matched against) every
         * table of the region, not "*" (docs/AWS-FACTS.md): a policy for
         * table/abc-* does not allow ListTables */
        svc_authz_add(out, "dynamodb:ListTables",
                      g_strdup_printf("arn:%s:dynamodb:%s:%s:table/*", svc_partition(c->region), c->region, c->account), -1);
        return;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(global_ops); i++) {
        if (strcmp(op, global_ops[i]) == 0) {
            char action[64];
            action_of(op, action);
            svc_authz_add(out, action, g_strdup("*"), -1);
            return;
        }
    }
    if (strcmp(op, "BatchGetItem") == 0 || strcmp(op, "BatchWriteItem") == 0) {
        batch(c, out);
        return;
    }
    if (strcmp(op, "TransactGetItems") == 0 || strcmp(op, "TransactWriteItems") == 0) {
        transact(c, out);
        json_object_set_new(context, "dynamodb:enclosingoperation", json_string(op));
        return;
    }
    if (strcmp(op, "ExecuteStatement") == 0) {
        statements(c, out, json_object_get(in, "Statement"), NULL);
        return;
    }
    if (strcmp(op, "BatchExecuteStatement") == 0) {
        statements(c, out, NULL, json_object_get(in, "Statements"));
        return;
    }
    if (strcmp(op, "ExecuteTransaction") == 0) {
        statements(c, out, NULL, json_object_get(in, "TransactStatements"));
        return;
    }
    const char *table = svc_str(in, "TableName");
    if (!table)
        table = svc_str(in, "ResourceArn"); /* TagResource, UntagResource, ListTagsOfResource */
    if (!table)
        return;
    if (strcmp(op, "CreateTable") == 0 || strcmp(op, "TagResource") == 0)
        tagctx_request(context, json_object_get(in, "Tags"), NULL);
    else if (strcmp(op, "UntagResource") == 0)
        tagctx_keys(context, "aws:tagkeys", json_object_get(in, "TagKeys"));
    if (strcmp(op, "CreateTable") != 0)
        table_keys(c, context, table);
    char action[64];
    action_of(op, action);
    const char *index = svc_str(in, "IndexName");
    bool on_index = index && (strcmp(op, "Query") == 0 || strcmp(op, "Scan") == 0);
    svc_authz_add(out, action, on_index ? index_arn(c, table, index) : table_arn(c, table), -1);
}

void ddb_access_denied(svc_call *c, const char *principal_arn, const svc_authz *a, bool explicit_deny,
                       const char *by, aws_error *err)
{
    (void)c;
    char *m = svc_denied_message(principal_arn, a->action, a->resource, false, explicit_deny, by);
    aws_error_set_status(err, 400, "AccessDeniedException", "%s", m);
    g_free(m);
}
