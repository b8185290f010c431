#include "services/dynamodb/authz.h"

#include <string.h>

#include "services/svc_api.h"

#include "services/dynamodb/partiql.h"
#include "services/dynamodb/table.h"
#include "services/svc_api.h"

/* A table's ARN: TableName may already be one. */
static char *table_arn(svc_call *c, const char *table)
{
    if (g_str_has_prefix(table, "arn:"))
        return g_strdup(table);
    return g_strdup_printf("arn:aws:dynamodb:%s:%s:table/%s", c->region, c->account, table);
}

static char *index_arn(svc_call *c, const char *table, const char *index)
{
    char *t = table_arn(c, table);
    char *arn = g_strdup_printf("%s/index/%s", t, index);
    g_free(t);
    return arn;
}

/* Operations on no table. */
static const char *const global_ops[] = {"DescribeLimits", "DescribeEndpoints", "ListBackups",
                                         "ListGlobalTables", "ListImports", "ListExports"};

/* Each statement of a PartiQL request: its action by kind on its table or
 * index. A statement that does not parse names nothing (the handler
 * refuses it). */
static void statement(svc_call *c, GArray *out, const char *text, size_t len, int entry)
{
    char *err = NULL;
    ddb_pql_stmt *s = text ? ddb_pql_parse(text, len, &err) : NULL;
    g_free(err);
    if (!s)
        return;
    static const char *const actions[] = {
        [DDB_PQL_SELECT] = "dynamodb:PartiQLSelect", [DDB_PQL_INSERT] = "dynamodb:PartiQLInsert",
        [DDB_PQL_UPDATE] = "dynamodb:PartiQLUpdate", [DDB_PQL_DELETE] = "dynamodb:PartiQLDelete",
        [DDB_PQL_EXISTS] = "dynamodb:PartiQLSelect"};
    svc_authz_add(out, actions[s->kind], s->index ? index_arn(c, s->table, s->index) : table_arn(c, s->table),
                  entry);
    ddb_pql_free(s);
}

static void statements(svc_call *c, GArray *out, json_t *list)
{
    size_t i;
    json_t *st;
    json_array_foreach(list, i, st) {
        json_t *text = json_object_get(st, "Statement");
        statement(c, out, json_string_value(text), json_string_length(text), -1);
    }
}

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

/* dynamodb:LeadingKeys: the partition key values of the items the request
 * names (key or item maps of a table, whose schema is read under the
 * shared lock). The key of a Query or Scan is not collected. */
static void leading_key(svc_call *c, const char *table, json_t *item, json_t *keys)
{
    if (!c->state || !table || !json_is_object(item))
        return;
    svc_lock_shared(c);
    ddb_table *t = g_tree_lookup(((ddb_state *)c->state)->tables, table);
    const char *v = t && t->hash.name ? key_text(json_object_get(item, t->hash.name)) : NULL;
    if (v)
        json_array_append_new(keys, json_string(v));
    svc_unlock_shared(c);
}

static void leading_keys(svc_call *c, json_t *context)
{
    json_t *in = c->input, *keys = json_array();
    const char *op = c->operation;
    if (strcmp(op, "GetItem") == 0 || strcmp(op, "DeleteItem") == 0 || strcmp(op, "UpdateItem") == 0)
        leading_key(c, svc_str(in, "TableName"), json_object_get(in, "Key"), keys);
    else if (strcmp(op, "PutItem") == 0)
        leading_key(c, svc_str(in, "TableName"), json_object_get(in, "Item"), keys);
    else if (strcmp(op, "BatchGetItem") == 0 || strcmp(op, "BatchWriteItem") == 0) {
        const char *table;
        json_t *v;
        json_object_foreach(json_object_get(in, "RequestItems"), table, v) {
            size_t i;
            json_t *k;
            json_array_foreach(json_object_get(v, "Keys"), i, k) leading_key(c, table, k, keys);
            json_array_foreach(v, i, k) {
                leading_key(c, table, json_object_get(json_object_get(k, "PutRequest"), "Item"), keys);
                leading_key(c, table, json_object_get(json_object_get(k, "DeleteRequest"), "Key"), keys);
            }
        }
    }
    if (json_array_size(keys))
        json_object_set_new(context, "dynamodb:leadingkeys", keys);
    else
        json_decref(keys);
}

void ddb_authorize(svc_call *c, GArray *out, json_t *context)
{
    leading_keys(c, context);
    const char *op = c->operation;
    json_t *in = c->input;
    if (strcmp(op, "ListTables") == 0) {
        /* today's denial names (and the policy is matched against) every
         * table of the region, not "*" (docs/AWS-FACTS.md): a policy for
         * table/abc-* does not allow ListTables */
        svc_authz_add(out, "dynamodb:ListTables",
                      g_strdup_printf("arn:aws:dynamodb:%s:%s:table/*", c->region, c->account), -1);
        return;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(global_ops); i++) {
        if (strcmp(op, global_ops[i]) == 0) {
            char action[64];
            g_snprintf(action, sizeof action, "dynamodb:%s", op);
            svc_authz_add(out, action, g_strdup("*"), -1);
            return;
        }
    }
    if (strcmp(op, "BatchGetItem") == 0 || strcmp(op, "BatchWriteItem") == 0) {
        const char *table;
        json_t *v;
        char action[64];
        g_snprintf(action, sizeof action, "dynamodb:%s", op);
        json_object_foreach(json_object_get(in, "RequestItems"), table, v) {
            svc_authz_add(out, action, table_arn(c, table), -1);
        }
        return;
    }
    if (strcmp(op, "TransactGetItems") == 0 || strcmp(op, "TransactWriteItems") == 0) {
        /* one check per item, by what the item does */
        static const char *const kinds[][2] = {{"Get", "dynamodb:GetItem"},
                                               {"Put", "dynamodb:PutItem"},
                                               {"Update", "dynamodb:UpdateItem"},
                                               {"Delete", "dynamodb:DeleteItem"},
                                               {"ConditionCheck", "dynamodb:ConditionCheckItem"}};
        size_t i;
        json_t *item;
        json_array_foreach(json_object_get(in, "TransactItems"), i, item) {
            for (size_t k = 0; k < G_N_ELEMENTS(kinds); k++) {
                const char *table = svc_str(json_object_get(item, kinds[k][0]), "TableName");
                if (table)
                    svc_authz_add(out, kinds[k][1], table_arn(c, table), -1);
            }
        }
        json_object_set_new(context, "dynamodb:enclosingoperation", json_string(op));
        return;
    }
    if (strcmp(op, "ExecuteStatement") == 0) {
        json_t *text = json_object_get(in, "Statement");
        statement(c, out, json_string_value(text), json_string_length(text), -1);
        return;
    }
    if (strcmp(op, "BatchExecuteStatement") == 0) {
        statements(c, out, json_object_get(in, "Statements"));
        return;
    }
    if (strcmp(op, "ExecuteTransaction") == 0) {
        statements(c, out, json_object_get(in, "TransactStatements"));
        return;
    }
    const char *table = svc_str(in, "TableName");
    if (!table)
        table = svc_str(in, "ResourceArn"); /* TagResource, UntagResource, ListTagsOfResource */
    if (!table)
        return;
    char action[64];
    g_snprintf(action, sizeof action, "dynamodb:%s", op);
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
