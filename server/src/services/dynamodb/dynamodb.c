/* DynamoDB behind the JSON 1.0 protocol.
 *
 * One state per account and region (table.h). The handlers live in ddl.c
 * (control plane), item.c (single items), query.c (Query, Scan), batch.c
 * (BatchGetItem, BatchWriteItem), transact.c (TransactWriteItems,
 * TransactGetItems), ttl.c (time to live), backup.c (continuous backups)
 * and partiql_exec.c (PartiQL, read by partiql.c); the expression language in
 * expr_lex / expr_parse / expr_eval (key conditions in keycond), numbers in
 * num, attribute values in value, item storage in store, secondary indexes
 * in index, every change of items in write, throughput emulation in
 * capacity, the fixture section in fixture. */
#include "services/dynamodb/dynamodb.h"

#include <stdbool.h>
#include <string.h>

#include "services/dynamodb/authz.h"
#include "services/dynamodb/backup.h"
#include "services/dynamodb/batch.h"
#include "services/dynamodb/ddl.h"
#include "services/dynamodb/fixture.h"
#include "services/dynamodb/inspect.h"
#include "services/dynamodb/item.h"
#include "services/dynamodb/partiql_exec.h"
#include "services/dynamodb/query.h"
#include "services/dynamodb/table.h"
#include "services/dynamodb/transact.h"
#include "services/dynamodb/ttl.h"
#include "services/service.h"
#include "services/svc_api.h"
#include "wire/wire.h"

static void *config_new(const mockaws_options *opts)
{
    ddb_config *cfg = g_new(ddb_config, 1);
    cfg->delay_ms = opts->dynamodb_delay_set ? (int64_t)opts->dynamodb_delay_ms : DDB_DEFAULT_DELAY_MS;
    cfg->ttl_delay_ms =
        opts->dynamodb_ttl_delay_set ? (int64_t)opts->dynamodb_ttl_delay_ms : DDB_DEFAULT_TTL_DELAY_MS;
    cfg->emulate_all = opts->dynamodb_throughput != 0;
    return cfg;
}

static void *state_new(const void *config)
{
    return ddb_state_new(config);
}

static void state_free(void *state)
{
    ddb_state_free(state);
}

/* The clone has the settings of the state it copies, as they were changed
 * by fixtures since: config is not read. */
static void *state_clone(const void *state, const void *config)
{
    return ddb_state_clone(state);
}

/* A table name as a resource: a table ARN counts by its name. */
static char *table_of(const char *s)
{
    const char *slash = g_str_has_prefix(s, "arn:") ? strstr(s, ":table/") : NULL;
    if (slash) {
        const char *name = slash + strlen(":table/");
        return g_strndup(name, strcspn(name, "/"));
    }
    return g_strdup(s);
}

static void add_table(GString *out, GHashTable *seen, const char *s)
{
    if (!s)
        return;
    char *name = table_of(s);
    if (g_hash_table_add(seen, name))
        g_string_append_printf(out, "%s%s", out->len ? "," : "", name);
}

/* The table a request names, for fault rules and the journal: TableName,
 * or the table of a ResourceArn. A batch or a transaction names every
 * table it touches, in request order, joined by ",": one table alone is
 * just its name, so that a rule's "resource": "orders" matches a batch
 * that only writes to orders. PartiQL names its tables in its statements. */
static char *resource_of(const char *operation, json_t *input)
{
    const char *s = svc_str(input, "TableName");
    if (!s)
        s = svc_str(input, "ResourceArn");
    if (s)
        return table_of(s);
    GString *out = g_string_new(NULL);
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(input, "RequestItems"), k, v) add_table(out, seen, k);
    size_t i;
    json_t *ti;
    json_array_foreach(json_object_get(input, "TransactItems"), i, ti) {
        json_object_foreach(ti, k, v) add_table(out, seen, svc_str(v, "TableName"));
    }
    g_hash_table_destroy(seen);
    if (!out->len) {
        g_string_free(out, TRUE);
        return ddb_pql_tables(input);
    }
    return g_string_free(out, FALSE);
}

/* DynamoDB lists an enum's values in its own (hash set) order, not the
 * model's: "Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD,
 * ALL_OLD, NONE, UPDATED_NEW]". Sets not listed keep the model's order. */
static const char *const ENUM_ORDERS[][14] = {
    {"ALL_NEW", "UPDATED_OLD", "ALL_OLD", "NONE", "UPDATED_NEW", NULL},
    {"INDEXES", "TOTAL", "NONE", NULL},
    {"SIZE", "NONE", NULL},
    {"OR", "AND", NULL},
    {"ALL", "INCLUDE", "KEYS_ONLY", NULL},
    {"B", "N", "S", NULL},
    {"SPECIFIC_ATTRIBUTES", "COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", NULL},
    {"IN", "NULL", "BETWEEN", "LT", "NOT_CONTAINS", "EQ", "GT", "NOT_NULL", "NE", "LE", "BEGINS_WITH", "GE",
     "CONTAINS", NULL},
};

/* The same values as the model's list, in DynamoDB's order (*n of them);
 * NULL when this set is not one DynamoDB orders differently. */
static const char *const *dynamodb_order(const char *const *values, size_t nvalues, size_t *n)
{
    for (size_t k = 0; k < G_N_ELEMENTS(ENUM_ORDERS); k++) {
        *n = 0;
        while (ENUM_ORDERS[k][*n])
            (*n)++;
        if (*n != nvalues)
            continue;
        bool all = true;
        for (size_t i = 0; all && i < *n; i++) {
            bool found = false;
            for (size_t j = 0; j < nvalues; j++)
                found = found || g_strcmp0(values[j], ENUM_ORDERS[k][i]) == 0;
            all = found;
        }
        if (all)
            return ENUM_ORDERS[k];
    }
    return NULL;
}

/* Coral's wording, as DynamoDB uses it, with its enum orders. */
static void validation_error(const violation *v, size_t n, aws_error *e)
{
    violation *copy = g_new(violation, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        copy[i] = v[i];
        const char *const *order;
        size_t norder;
        if (v[i].kind == VIOLATION_ENUM &&
            (order = dynamodb_order(v[i].enum_values, v[i].n_enum_values, &norder))) {
            copy[i].enum_values = order;
            copy[i].n_enum_values = norder;
        }
    }
    GString *msg = g_string_new(NULL);
    validate_coral_message(msg, copy, n);
    aws_error_set(e, "ValidationException", "%s", msg->str);
    g_string_free(msg, TRUE);
    g_free(copy);
}

/* The protocol's operation, and for one the model does not have the bare
 * {"__type": "...#UnknownOperationException"} DynamoDB answers, with no
 * message. A body that is not JSON is refused before the target is read
 * (AWS-FACTS.md, DynamoDB front end). */
static const char *choose_operation(const model *m, const http_request *req, char *buf, size_t buflen,
                                    aws_error *err)
{
    const char *op = wire_json.operation_name(m, req, buf, buflen, err);
    if (!(op && model_find_op(m, op)) && req->body_len) {
        json_t *doc = json_loadb(req->body, req->body_len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
        if (!doc) {
            aws_error_set_status(err, 400, "SerializationException", NULL);
            err->sender = 1;
            err->bare = true;
            return NULL;
        }
        json_decref(doc);
    }
    if (op && !model_find_op(m, op)) {
        aws_error_set_status(err, 400, "UnknownOperationException", NULL);
        err->sender = 1;
        err->bare = true;
        return NULL;
    }
    if (!op)
        err->bare = true;
    return op;
}

static const svc_op ops[] = {
    {"CreateTable", ddb_create_table, SVC_LOCK_EXCLUSIVE},
    {"DescribeTable", ddb_describe_table, SVC_LOCK_SHARED},
    {"ListTables", ddb_list_tables, SVC_LOCK_SHARED},
    {"UpdateTable", ddb_update_table, SVC_LOCK_EXCLUSIVE},
    {"DeleteTable", ddb_delete_table, SVC_LOCK_EXCLUSIVE},
    {"TagResource", ddb_tag_resource, SVC_LOCK_EXCLUSIVE},
    {"UntagResource", ddb_untag_resource, SVC_LOCK_EXCLUSIVE},
    {"ListTagsOfResource", ddb_list_tags, SVC_LOCK_SHARED},
    {"DescribeLimits", ddb_describe_limits, SVC_LOCK_SHARED},
    {"DescribeEndpoints", ddb_describe_endpoints, SVC_LOCK_SHARED},
    {"PutItem", ddb_put_item, SVC_LOCK_EXCLUSIVE},
    {"GetItem", ddb_get_item, SVC_LOCK_SHARED},
    {"UpdateItem", ddb_update_item, SVC_LOCK_EXCLUSIVE},
    {"DeleteItem", ddb_delete_item, SVC_LOCK_EXCLUSIVE},
    {"Query", ddb_query, SVC_LOCK_SHARED},
    {"Scan", ddb_scan, SVC_LOCK_SHARED},
    {"BatchGetItem", ddb_batch_get_item, SVC_LOCK_SHARED},
    {"BatchWriteItem", ddb_batch_write_item, SVC_LOCK_EXCLUSIVE},
    {"TransactWriteItems", ddb_transact_write_items, SVC_LOCK_EXCLUSIVE},
    {"TransactGetItems", ddb_transact_get_items, SVC_LOCK_SHARED},
    {"UpdateTimeToLive", ddb_update_ttl, SVC_LOCK_EXCLUSIVE},
    {"DescribeTimeToLive", ddb_describe_ttl, SVC_LOCK_SHARED},
    {"ExecuteStatement", ddb_execute_statement, SVC_LOCK_EXCLUSIVE},
    {"BatchExecuteStatement", ddb_batch_execute_statement, SVC_LOCK_EXCLUSIVE},
    {"ExecuteTransaction", ddb_execute_transaction, SVC_LOCK_EXCLUSIVE},
    {"DescribeContinuousBackups", ddb_describe_continuous_backups, SVC_LOCK_SHARED},
    {"UpdateContinuousBackups", ddb_update_continuous_backups, SVC_LOCK_EXCLUSIVE},
    {NULL, NULL, SVC_LOCK_EXCLUSIVE},
};

/* DynamoDB stores a string holding U+0000 as it came: values are read by
 * their length everywhere (value.h). Attribute names are not. */
static const char *const nul_strings[] = {"StringAttributeValue", NULL};

/* GET / DELETE /_mockaws/dynamodb/ttl-deletions: what the TTL sweeper
 * deleted (ttl.h); filters account, region, table. */
typedef struct records_ctx {
    const char *table;
    json_t *out;
} records_ctx;

static void records_of(void *state, const char *account, const char *region, void *arg)
{
    records_ctx *r = arg;
    if (r->out)
        ddb_ttl_records(state, account, region, r->table, r->out);
    else
        ddb_ttl_records_clear(state);
}

static json_t *control(server *s, const char *method, const char *subpath, const http_params *query, int *status)
{
    if (strcmp(subpath, "ttl-deletions") != 0)
        return ddb_inspect(s, &dynamodb_service, method, subpath, query, status);
    bool clear = strcmp(method, "DELETE") == 0;
    if (!clear && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        *status = 405;
        return json_pack("{s:s}", "error", "dynamodb/ttl-deletions takes GET or DELETE");
    }
    records_ctx r = {http_params_get(query, "table"), clear ? NULL : json_array()};
    svc_foreach_state(s, &dynamodb_service, http_params_get(query, "account"), http_params_get(query, "region"),
                      clear ? SVC_LOCK_EXCLUSIVE : SVC_LOCK_SHARED, records_of, &r);
    return clear ? json_pack("{s:b}", "cleared", 1) : json_pack("{s:o}", "deletions", r.out);
}

/* batch.h, transact.h */
static const char *const partial_actions[] = {"unprocessed", "transaction_conflict", NULL};

const svc_def dynamodb_service = {
    .name = "dynamodb",
    .ops = ops,
    .scope = SVC_SCOPE_REGION,
    .config_new = config_new,
    .config_free = g_free,
    .state_new = state_new,
    .state_free = state_free,
    .state_clone = state_clone,
    .state_load = ddb_fixture_load,
    .fixture_settings = (const char *const[]){"table_delay_ms", "ttl_delay_ms", "burst_seconds", NULL},
    .state_dump = ddb_fixture_dump,
    .validation_error = validation_error,
    .validation_code = "ValidationException",
    /* "10 validation errors detected" at most (AWS-FACTS.md, DynamoDB front end) */
    .max_violations = 10,
    .nul_strings = nul_strings,
    .resource_of = resource_of,
    .choose_operation = choose_operation,
    .unknown_operation_code = "UnknownOperationException",
    .unknown_operation_status = 400,
    .partial_actions = partial_actions,
    .body_crc32 = true,
    .control = control,
    .due_ms = ddb_ttl_due,
    .maintain = ddb_ttl_sweep,
    .authorize = ddb_authorize,
    .access_denied = ddb_access_denied,
};
