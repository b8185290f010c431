/* DynamoDB's PartiQL (issue 14): the statement reader (partiql.c) on its
 * own, its errors, its bounds on nesting and its linearity; then
 * ExecuteStatement, BatchExecuteStatement and ExecuteTransaction through the
 * whole pipeline, with DynamoDB's errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/server.h"
#include "services/dynamodb/partiql.h"

#include "test_dynamodb_call.h"
#include "test_linear.h"

#define MALFORMED "Statement wasn't well formed, can't be processed: "

static ddb_pql_stmt *parse_ok(const char *text)
{
    char *err = NULL;
    ddb_pql_stmt *s = ddb_pql_parse(text, strlen(text), &err);
    if (!s)
        fail_msg("%s: %s", text, err);
    return s;
}

static void parse_fails_n(const char *text, size_t len, const char *message)
{
    char *err = NULL;
    ddb_pql_stmt *s = ddb_pql_parse(text, len, &err);
    if (s || !err || strcmp(err, message) != 0)
        fail_msg("%s:\n  got %s\n  want %s", text, s ? "a statement" : err, message);
    g_free(err);
}

static void parse_fails(const char *text, const char *message)
{
    parse_fails_n(text, strlen(text), message);
}

/* A statement that reads, whose item is no attribute value. */
static void value_fails(const char *text, const char *message)
{
    ddb_pql_stmt *s = parse_ok(text);
    char *err = NULL;
    assert_null(ddb_pql_value(s->item, NULL, NULL, &err));
    assert_string_equal(err, message);
    g_free(err);
    ddb_pql_free(s);
}

static void reads_statements(void **st)
{
    ddb_pql_stmt *s = parse_ok("select a, \"b\".c[2] FROM \"T\".\"byX\" WHERE k = ? AND x IN [1, ?] ORDER BY k DESC;");
    assert_int_equal(s->kind, DDB_PQL_SELECT);
    assert_string_equal(s->table, "T");
    assert_string_equal(s->index, "byX");
    assert_int_equal(s->proj->len, 2);
    ddb_pql_node *p = g_ptr_array_index(s->proj, 1);
    assert_int_equal(p->kind, DDB_PQL_PATH);
    assert_int_equal(p->kids->len, 3);
    assert_int_equal(((ddb_pql_node *)g_ptr_array_index(p->kids, 2))->num, 2);
    assert_int_equal(s->where->kind, DDB_PQL_AND);
    assert_int_equal(s->nparams, 2);
    assert_true(g_array_index(s->order, ddb_pql_order, 0).desc);
    ddb_pql_free(s);

    s = parse_ok("INSERT INTO t VALUE {'k': 'it''s', 'n': -1.5e3, 'l': [TRUE, NULL, {'m': <<1, 2>>}], 'p': ?}");
    assert_int_equal(s->kind, DDB_PQL_INSERT);
    char *err = NULL;
    json_t *params = json_pack("[{s:s}]", "S", "param");
    json_t *item = ddb_pql_value(s->item, params, NULL, &err);
    assert_non_null(item);
    assert_string_equal(AT_STR(item, "M", "k", "S"), "it's");
    assert_string_equal(AT_STR(item, "M", "n", "N"), "-1.5e3");
    assert_true(json_is_true(AT(item, "M", "l", "L", "0", "BOOL")));
    assert_true(json_is_true(AT(item, "M", "l", "L", "1", "NULL")));
    assert_string_equal(AT_STR(item, "M", "l", "L", "2", "M", "m", "NS", "1"), "2");
    assert_string_equal(AT_STR(item, "M", "p", "S"), "param");
    json_decref(item);
    json_decref(params);
    ddb_pql_free(s);

    s = parse_ok("UPDATE t SET a = a + 1, b = list_append(b, [1]) REMOVE c.d SET e = set_add(e, <<'x'>>) "
                 "WHERE k = 1 AND attribute_exists(a) RETURNING MODIFIED NEW *");
    assert_int_equal(s->kind, DDB_PQL_UPDATE);
    assert_int_equal(s->actions->len, 4);
    assert_true(g_array_index(s->actions, ddb_pql_action, 2).remove);
    assert_int_equal(s->returning, DDB_PQL_RET_MODIFIED_NEW);
    ddb_pql_free(s);

    s = parse_ok("DELETE FROM t WHERE k = 1 AND NOT (x IS MISSING OR y BETWEEN 1 AND 2) RETURNING ALL OLD *");
    assert_int_equal(s->kind, DDB_PQL_DELETE);
    assert_int_equal(s->returning, DDB_PQL_RET_ALL_OLD);
    ddb_pql_free(s);

    s = parse_ok("EXISTS(SELECT * FROM t WHERE k = 1 AND size(x) > 2)");
    assert_int_equal(s->kind, DDB_PQL_EXISTS);
    ddb_pql_free(s);
}

static void refuses_malformed_statements(void **st)
{
    parse_fails("", MALFORMED "Expected data manipulation");
    parse_fails("CREATE TABLE t", MALFORMED "Expected data manipulation");
    parse_fails("SELECT * FROM", MALFORMED "Unexpected end of statement");
    parse_fails("SELECT * FROM t WHERE", MALFORMED "Unexpected end of statement");
    parse_fails("SELECT * FROM t WHERE a = 'open", MALFORMED "Unexpected end of statement");
    parse_fails("SELECT * FROM t WHERE select = 1", MALFORMED "Unexpected keyword");
    parse_fails("SELECT * FROM t t2", MALFORMED "Unexpected token");
    parse_fails("SELECT * FROM t WHERE a = #", MALFORMED "Unexpected character: #");
    parse_fails("SELECT *, a FROM t", "Other attributes should not be present in the projection when '*' is used.");
    parse_fails("SELECT * FROM a.b.c", "A path may contain at most 2 components in the FROM clause");
    parse_fails("SELECT * FROM t ORDER BY k", "Must have WHERE clause in the statement when using ORDER BY clause.");
    parse_fails("INSERT INTO t VALUES {'k': 1}",
                "Unsupported operation: Inserting multiple items in a single statement is not supported, use "
                "\"INSERT INTO tableName VALUE item\" instead");
    parse_fails("INSERT INTO t VALUE [1]", "Unsupported format in item expression. Please use struct format {...} "
                                           "to express item values for insert statement.");
    parse_fails("INSERT INTO t VALUE {'k': 1} RETURNING ALL NEW *", "RETURNING is not supported in INSERT");
    parse_fails("DELETE FROM t WHERE k = 1 RETURNING ALL NEW *",
                "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE "
                "statements.");
    parse_fails("UPDATE t SET a = 1 WHERE k = 1 RETURNING ALL NEW a",
                "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause");
    parse_fails("UPDATE t WHERE k = 1", MALFORMED "Unexpected keyword");
    parse_fails("DELETE FROM t.i WHERE k = 1",
                "FROM clause may only contain a single table name in data manipulation statements");
    parse_fails("SELECT * FROM t WHERE a IN []",
                "IN operator must have a left hand argument of type Variable Reference and right hand argument of "
                "type Seq with at least one member");

    /* a NUL is a character like another, not the end (the fuzzer found the
     * lexer looping on one); text that is not UTF-8 is refused (the
     * fuzzer's map key that could not become an attribute name) */
    static const char nul[] = "SELECT * FROM t WHERE a = 1\0 OR b = 2";
    parse_fails_n(nul, sizeof nul - 1, MALFORMED "Unexpected character: ?");
    static const char latin1[] = "INSERT INTO t VALUE {'\x96': 1}";
    parse_fails_n(latin1, sizeof latin1 - 1, MALFORMED "Unexpected character: ?");

    /* values that are not values */
    value_fails("INSERT INTO t VALUE {'k': 1, 'k': 2}", "Duplicate keys in tuple. Key: k under item");
    value_fails("INSERT INTO t VALUE {'k': <<1, 'a'>>}",
                "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags");
    value_fails("INSERT INTO t VALUE {'k': <<>>}", "Empty bags are not supported");
}

/* Deep nesting is refused, not a stack overflow. */
static void bounds_nesting(void **st)
{
    const char *opens[] = {"(", "NOT ", "["};
    for (size_t k = 0; k < G_N_ELEMENTS(opens); k++) {
        GString *q = g_string_new(k == 2 ? "INSERT INTO t VALUE {'a': " : "SELECT * FROM t WHERE ");
        for (int i = 0; i < 200000; i++)
            g_string_append(q, opens[k]);
        g_string_append(q, "a = 1");
        parse_fails(q->str, MALFORMED "Expression nesting is too deep");
        g_string_free(q, TRUE);
    }
    /* what fits the bound reads */
    GString *q = g_string_new("SELECT * FROM t WHERE ");
    for (int i = 0; i < DDB_PQL_MAX_DEPTH / 2 - 2; i++)
        g_string_append(q, "(");
    g_string_append(q, "a = 1");
    for (int i = 0; i < DDB_PQL_MAX_DEPTH / 2 - 2; i++)
        g_string_append(q, ")");
    ddb_pql_free(parse_ok(q->str));
    g_string_free(q, TRUE);
}

static void parse_n(void *ctx, int n)
{
    GString *q = g_string_new("SELECT * FROM t WHERE k = 1");
    for (int i = 0; i < n; i++)
        g_string_append_printf(q, " AND a%d.b[%d] <> 'x' OR size(c) > ?", i, i);
    ddb_pql_free(parse_ok(q->str));
    g_string_free(q, TRUE);
}

static void reads_in_linear_time(void **st)
{
    assert_true(linear_in_size(parse_n, NULL, 16000));
}

/* ---- through the pipeline ---- */

#define TABLES                                                                                                    \
    "{'dynamodb': {'tables': [{'TableName': 'orders', 'BillingMode': 'PAY_PER_REQUEST', "                         \
    "'KeySchema': [{'AttributeName': 'cust', 'KeyType': 'HASH'}, {'AttributeName': 'n', 'KeyType': 'RANGE'}], "   \
    "'AttributeDefinitions': [{'AttributeName': 'cust', 'AttributeType': 'S'}, {'AttributeName': 'n', "          \
    "'AttributeType': 'N'}, {'AttributeName': 'status', 'AttributeType': 'S'}], "                                 \
    "'GlobalSecondaryIndexes': [{'IndexName': 'byStatus', 'KeySchema': [{'AttributeName': 'status', "             \
    "'KeyType': 'HASH'}, {'AttributeName': 'n', 'KeyType': 'RANGE'}], 'Projection': {'ProjectionType': 'ALL'}}], " \
    "'items': ["                                                                                                  \
    "{'cust': {'S': 'ann'}, 'n': {'N': '1'}, 'status': {'S': 'open'}, 'total': {'N': '10'}, "                     \
    "'doc': {'M': {'tags': {'L': [{'S': 'red'}]}}}}, "                                                            \
    "{'cust': {'S': 'ann'}, 'n': {'N': '2'}, 'status': {'S': 'done'}, 'total': {'N': '20'}}, "                    \
    "{'cust': {'S': 'ann'}, 'n': {'N': '3'}, 'status': {'S': 'open'}, 'total': {'N': '30'}}, "                    \
    "{'cust': {'S': 'bo'}, 'n': {'N': '1'}, 'status': {'S': 'open'}, 'total': {'N': '5'}}]}]}}"

/* A request with a statement (its quotes as they are) and members from a
 * quoted text (NULL: none). */
static answer exec(server *s, const char *op, const char *statement, const char *extra)
{
    json_t *in = json_object();
    if (extra) {
        /* ' stands for ", except inside a string written with " (a
         * statement with its own quotes) */
        char *b = g_strdup(extra);
        bool raw = false;
        for (char *p = b; *p; p++) {
            if (*p == '"')
                raw = !raw;
            else if (*p == '\'' && !raw)
                *p = '"';
        }
        json_error_t je;
        json_t *more = json_loads(b, 0, &je);
        g_free(b);
        assert_non_null(more);
        json_object_update(in, more);
        json_decref(more);
    }
    if (statement)
        json_object_set_new(in, "Statement", json_string(statement));
    char *body = json_dumps(in, 0);
    json_decref(in);
    answer a = call(s, op, body);
    free(body);
    return a;
}

static json_t *exec_ok(server *s, const char *statement, const char *extra)
{
    answer a = exec(s, "ExecuteStatement", statement, extra);
    if (a.status != 200)
        fail_msg("%s: %d %s: %s", statement, a.status, a.type, a.message);
    g_free(a.type);
    return a.body;
}

static void exec_fails(server *s, const char *statement, const char *extra, const char *code, const char *message)
{
    answer a = exec(s, "ExecuteStatement", statement, extra);
    if (a.status != 400 || g_strcmp0(a.type, code) != 0 || (message && g_strcmp0(a.message, message) != 0))
        fail_msg("%s:\n  got %d %s: %s\n  want %s: %s", statement, a.status, a.type, a.message, code, message);
    answer_free(&a);
}

/* The values of one attribute (as strings) across Items, joined by ",". */
static char *column(json_t *r, const char *attr, const char *type)
{
    GString *out = g_string_new(NULL);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r, "Items"), i, it) {
        g_string_append_printf(out, "%s%s", i ? "," : "", AT_STR(it, attr, type));
    }
    return g_string_free(out, FALSE);
}

static void expect_column(server *s, const char *statement, const char *attr, const char *type, const char *want)
{
    json_t *r = exec_ok(s, statement, NULL);
    char *got = column(r, attr, type);
    if (strcmp(got, want) != 0)
        fail_msg("%s:\n  got %s\n  want %s", statement, got, want);
    g_free(got);
    json_decref(r);
}

static void selects(void **st)
{
    server *s = *st;
    fresh(s);
    fixture_q(s, TABLES);
    /* a Query: the key condition, its sort key part and a filter */
    expect_column(s, "SELECT * FROM \"orders\" WHERE cust = 'ann' AND n > 1", "n", "N", "2,3");
    expect_column(s, "SELECT * FROM \"orders\" WHERE 1 < n AND cust = 'ann' ORDER BY n DESC", "n", "N", "3,2");
    expect_column(s, "SELECT * FROM orders WHERE cust = 'ann' AND status <> 'done' AND total >= 10", "n", "N",
                  "1,3");
    expect_column(s, "SELECT n FROM orders WHERE cust = 'ann' AND n BETWEEN 2 AND 3 AND NOT contains(status, 'x')",
                  "n", "N", "2,3");
    expect_column(s, "SELECT * FROM orders WHERE cust = 'ann' AND begins_with(status, 'do')", "n", "N", "2");
    /* an index */
    expect_column(s, "SELECT * FROM \"orders\".\"byStatus\" WHERE status = 'open' AND cust = 'bo'", "n", "N", "1");
    /* a Scan: no equality on the partition key */
    json_t *r = exec_ok(s, "SELECT cust FROM orders WHERE total < 15 AND cust IN ['ann', 'bo']", NULL);
    assert_int_equal(json_array_size(json_object_get(r, "Items")), 2);
    assert_int_equal(json_object_size(AT(r, "Items", "0")), 1);
    json_decref(r);
    /* (a Scan's order is its partitions' hash order: counted, not listed) */
    r = exec_ok(s, "SELECT * FROM orders WHERE cust = 'ann' OR total = 5", NULL);
    assert_int_equal(json_array_size(json_object_get(r, "Items")), 4);
    json_decref(r);
    /* nested paths, IS MISSING, size */
    expect_column(s, "SELECT n FROM orders WHERE cust = 'ann' AND doc.tags[0] IS NOT MISSING", "n", "N", "1");
    r = exec_ok(s, "SELECT doc.tags[0] FROM orders WHERE cust = 'ann' AND size(doc.tags) = 1", NULL);
    assert_string_equal(AT_STR(r, "Items", "0", "doc", "M", "tags", "L", "0", "S"), "red");
    json_decref(r);
    expect_column(s, "SELECT * FROM orders WHERE cust = 'ann' AND doc IS MISSING AND total IS NUMERIC", "n", "N",
                  "2,3");
    /* parameters */
    r = exec_ok(s, "SELECT * FROM orders WHERE cust = ? AND n IN [?, ?]",
                "{'Parameters': [{'S': 'ann'}, {'N': '1'}, {'N': '3'}], 'ConsistentRead': true, "
                "'ReturnConsumedCapacity': 'TOTAL'}");
    char *got = column(r, "n", "N");
    assert_string_equal(got, "1,3");
    g_free(got);
    assert_string_equal(AT_STR(r, "ConsumedCapacity", "TableName"), "orders");
    json_decref(r);
    /* IN on the partition key: one Query per distinct key, in the list's
     * order or the ORDER BY's */
    expect_column(s, "SELECT * FROM orders WHERE cust IN ['bo', 'ann', 'bo'] AND n < 3", "total", "N", "5,10,20");
    expect_column(s, "SELECT * FROM orders WHERE cust IN ['bo', 'ann'] AND n < 3 ORDER BY cust", "total", "N",
                  "10,20,5");
    expect_column(s, "SELECT * FROM orders WHERE cust IN ['ann', 'bo'] ORDER BY cust DESC, n DESC", "total", "N",
                  "5,30,20,10");
    exec_fails(s, "SELECT * FROM orders WHERE cust IN ['ann', 'bo'] ORDER BY n", NULL, "ValidationException",
               "Must have hash key in ORDER BY clause when more than one hash key condition specified in WHERE "
               "clause.");
    /* paging */
    GString *seen = g_string_new(NULL);
    char *token = NULL;
    int pages = 0;
    do {
        char *extra = token ? g_strdup_printf("{'Limit': 1, 'NextToken': '%s'}", token) : g_strdup("{'Limit': 1}");
        r = exec_ok(s, "SELECT * FROM orders WHERE cust = 'ann'", extra);
        g_free(extra);
        got = column(r, "n", "N");
        g_string_append(seen, got);
        g_free(got);
        g_free(token);
        token = g_strdup(AT_STR(r, "NextToken"));
        json_decref(r);
        pages++;
    } while (token && pages < 10);
    assert_string_equal(seen->str, "123");
    g_string_free(seen, TRUE);
    /* ... and across the partition keys of an IN, two items a page */
    seen = g_string_new(NULL);
    pages = 0;
    do {
        char *extra = token ? g_strdup_printf("{'Limit': 2, 'NextToken': '%s'}", token) : g_strdup("{'Limit': 2}");
        r = exec_ok(s, "SELECT * FROM orders WHERE cust IN ['bo', 'nobody', 'ann']", extra);
        g_free(extra);
        assert_true(json_array_size(json_object_get(r, "Items")) <= 2);
        got = column(r, "total", "N");
        g_string_append_printf(seen, "%s%s", seen->len && *got ? "," : "", got);
        g_free(got);
        g_free(token);
        token = g_strdup(AT_STR(r, "NextToken"));
        json_decref(r);
        pages++;
    } while (token && pages < 10);
    assert_string_equal(seen->str, "5,10,20,30");
    g_string_free(seen, TRUE);
}

static void select_errors(void **st)
{
    server *s = *st;
    fresh(s);
    fixture_q(s, TABLES);
    exec_fails(s, "SELECT * FROM nothere", NULL, "ResourceNotFoundException", "Requested resource not found");
    exec_fails(s, "SELECT * FROM orders WHERE cust = ?", NULL, "ValidationException",
               "Number of parameters in request and statement don't match.");
    exec_fails(s, "SELECT * FROM orders", "{'Parameters': [{'S': 'x'}]}", "ValidationException",
               "Number of parameters in request and statement don't match.");
    exec_fails(s, "SELECT * FROM orders WHERE total > 1 ORDER BY n", NULL, "ValidationException",
               "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.");
    exec_fails(s, "SELECT * FROM orders WHERE cust = 'ann' ORDER BY total", NULL, "ValidationException",
               "Variable reference total in ORDER BY clause must be part of the primary key");
    exec_fails(s, "SELECT * FROM orders WHERE cust = 'ann'", "{'NextToken': 'bm90IGEgdG9rZW4='}",
               "ValidationException", "Invalid NextToken");
    json_t *r = exec_ok(s, "SELECT * FROM orders WHERE cust = 'ann'", "{'Limit': 1}");
    char *extra = g_strdup_printf("{'NextToken': '%s'}", AT_STR(r, "NextToken"));
    json_decref(r);
    exec_fails(s, "SELECT * FROM orders WHERE cust = 'bo'", extra, "ValidationException",
               "NextToken does not match request");
    g_free(extra);
    exec_fails(s, "SELECT * FROM orders WHERE total = MISSING", NULL, "ValidationException",
               "MISSING must be compared using IS operator");
    exec_fails(s, "SELECT * FROM orders WHERE nosuch(total)", NULL, "ValidationException",
               "Unrecognized function: nosuch");
    exec_fails(s, "SELECT * FROM orders WHERE total", NULL, "ValidationException",
               "WHERE clause must contain an expression that resolves to a boolean");
    exec_fails(s, "SELECT * FROM orders WHERE total IS DATE", NULL, "ValidationException",
               "Unsupported data type for IS operator: DATE. Supported data types are [MISSING, NULL, BOOLEAN, "
               "BLOB, STRING, NUMERIC, STRUCT, TUPLE, LIST]");
    exec_fails(s, "EXISTS(SELECT * FROM orders WHERE cust = 'ann' AND n = 1)", NULL, "ValidationException",
               "EXISTS can only be used in ExecuteTransaction write requests.");
    /* the model's own bound on the statement */
    char *big = g_strnfill(8193, ' ');
    exec_fails(s, big, NULL, "ValidationException", NULL);
    g_free(big);
}

static const char *item_attr(server *s, const char *cust, const char *n, const char *attr, json_t **keep)
{
    *keep = okq(s, "GetItem", "{'TableName': 'orders', 'Key': {'cust': {'S': '%s'}, 'n': {'N': '%s'}}}", cust, n);
    return AT_STR(*keep, "Item", attr, "N");
}

static void writes(void **st)
{
    server *s = *st;
    fresh(s);
    fixture_q(s, TABLES);
    json_t *r = exec_ok(s, "INSERT INTO orders VALUE {'cust': 'cy', 'n': 7, 'total': ?, 'tags': <<'a'>>}",
                        "{'Parameters': [{'N': '70'}]}");
    assert_int_equal(json_array_size(json_object_get(r, "Items")), 0);
    json_decref(r);
    json_t *keep;
    assert_string_equal(item_attr(s, "cy", "7", "total", &keep), "70");
    json_decref(keep);
    exec_fails(s, "INSERT INTO orders VALUE {'cust': 'cy', 'n': 7}", NULL, "DuplicateItemException",
               "Duplicate primary key exists in table");
    exec_fails(s, "INSERT INTO orders VALUE {'cust': 'cy'}", NULL, "ValidationException",
               "One or more parameter values were invalid: Missing the key n in the item");

    r = exec_ok(s, "UPDATE orders SET total = total + 5 SET tags = set_add(tags, <<'b'>>) "
                   "WHERE cust = 'cy' AND n = 7 RETURNING ALL NEW *",
                NULL);
    assert_string_equal(AT_STR(r, "Items", "0", "total", "N"), "75");
    assert_int_equal(json_array_size(AT(r, "Items", "0", "tags", "SS")), 2);
    json_decref(r);
    r = exec_ok(s, "UPDATE orders SET tags = set_delete(tags, <<'a'>>) REMOVE total WHERE cust = 'cy' AND n = 7 "
                   "RETURNING MODIFIED OLD *",
                NULL);
    assert_string_equal(AT_STR(r, "Items", "0", "total", "N"), "75");
    assert_null(AT(r, "Items", "0", "cust"));
    json_decref(r);
    exec_fails(s, "UPDATE orders SET total = 1 WHERE cust = 'cy' AND n = 7 AND total = 75", NULL,
               "ConditionalCheckFailedException", "The conditional request failed");
    exec_fails(s, "UPDATE orders SET total = 1 WHERE cust = 'zz' AND n = 7", NULL, "ConditionalCheckFailedException",
               "The conditional request failed");
    exec_fails(s, "UPDATE orders SET total = 1 WHERE cust = 'cy'", NULL, "ValidationException",
               "Where clause does not contain a mandatory equality on all key attributes");
    exec_fails(s, "UPDATE orders SET total = 1 WHERE cust = 'cy' AND n = 7 AND n = 8", NULL, "ValidationException",
               "Multiple conditions on same key n. Only single item Update/Insert/Delete are supported");
    exec_fails(s, "UPDATE orders SET tags = set_add(total, <<'b'>>) WHERE cust = 'cy' AND n = 7", NULL,
               "ValidationException", "The first argument to SET_ADD must equal the assignment value");
    exec_fails(s, "UPDATE nothere SET a = 1 WHERE k = 1", NULL, "ResourceNotFoundException", NULL);

    exec_fails(s, "DELETE FROM orders WHERE cust = 'cy' AND n = 7 AND attribute_exists(total)", NULL,
               "ConditionalCheckFailedException", "The conditional request failed");
    r = exec_ok(s, "DELETE FROM orders WHERE cust = 'cy' AND n = 7 RETURNING ALL OLD *", NULL);
    assert_string_equal(AT_STR(r, "Items", "0", "cust", "S"), "cy");
    json_decref(r);
    /* gone; deleting it again is no error, with or without a condition */
    r = exec_ok(s, "DELETE FROM orders WHERE cust = 'cy' AND n = 7 AND total = 3 RETURNING ALL OLD *", NULL);
    assert_int_equal(json_array_size(json_object_get(r, "Items")), 0);
    json_decref(r);
    exec_fails(s, "DELETE FROM orders WHERE total = 3", NULL, "ValidationException",
               "Where clause does not contain a mandatory equality on all key attributes");
}

static void transactions(void **st)
{
    server *s = *st;
    fresh(s);
    fixture_q(s, TABLES);
    answer a = callq(s, "ExecuteTransaction",
                     "{'TransactStatements': ["
                     "{'Statement': 'UPDATE orders SET total = 0 WHERE cust = ? AND n = ?', "
                     "'Parameters': [{'S': 'ann'}, {'N': '1'}]}, "
                     "{'Statement': 'DELETE FROM orders WHERE cust = ? AND n = 2 AND total > 100', "
                     "'Parameters': [{'S': 'ann'}]}, "
                     "{'Statement': 'EXISTS(SELECT * FROM orders WHERE cust = ? AND n = 3)', "
                     "'Parameters': [{'S': 'ann'}]}, "
                     "{'Statement': 'INSERT INTO orders VALUE {?: ?, ?: 1}', "
                     "'Parameters': [{'S': 'cust'}, {'S': 'bo'}, {'S': 'n'}]}]}");
    /* map keys are strings, not parameters */
    assert_string_equal(a.type, "ValidationException");
    answer_free(&a);
    a = callq(s, "ExecuteTransaction",
              "{'TransactStatements': ["
              "{'Statement': 'UPDATE orders SET total = 0 WHERE cust = ? AND n = ?', "
              "'Parameters': [{'S': 'ann'}, {'N': '1'}]}, "
              "{'Statement': 'DELETE FROM orders WHERE cust = ? AND n = 2 AND total > 100', "
              "'Parameters': [{'S': 'ann'}]}, "
              "{'Statement': 'EXISTS(SELECT * FROM orders WHERE cust = ? AND n = 3)', "
              "'Parameters': [{'S': 'ann'}]}]}");
    assert_int_equal(a.status, 400);
    assert_string_equal(a.type, "TransactionCanceledException");
    assert_string_equal(a.message, "Transaction cancelled, please refer cancellation reasons for specific reasons "
                                   "[None, ConditionalCheckFailed, None]");
    answer_free(&a);
    json_t *keep;
    assert_string_equal(item_attr(s, "ann", "1", "total", &keep), "10");
    json_decref(keep);

    answer b = exec(s, "ExecuteTransaction", NULL,
                    "{'TransactStatements': [{'Statement': 'UPDATE orders SET total = 0 WHERE cust = ? AND n = 1', "
                    "'Parameters': [{'S': 'ann'}]}, {'Statement': \"INSERT INTO orders VALUE {'cust': 'bo', 'n': 1}\"}]}");
    assert_string_equal(b.type, "TransactionCanceledException");
    assert_string_equal(AT_STR(b.body, "CancellationReasons", "1", "Code"), "DuplicateItem");
    assert_string_equal(AT_STR(b.body, "CancellationReasons", "1", "Message"), "Duplicate primary key exists in table");
    assert_string_equal(b.message, "Transaction cancelled, please refer cancellation reasons for specific reasons "
                                   "[None, DuplicateItem]");
    answer_free(&b);

    json_t *r = okq(s, "ExecuteTransaction",
                    "{'TransactStatements': [{'Statement': 'UPDATE orders SET total = total + 1 WHERE cust = ? AND n = 1', "
                    "'Parameters': [{'S': 'ann'}]}, {'Statement': 'DELETE FROM orders WHERE cust = ? AND n = 2', "
                    "'Parameters': [{'S': 'ann'}]}]}");
    json_decref(r);
    assert_string_equal(item_attr(s, "ann", "1", "total", &keep), "11");
    json_decref(keep);

    r = okq(s, "ExecuteTransaction",
            "{'TransactStatements': [{'Statement': 'SELECT total FROM orders WHERE cust = ? AND n = 1', "
            "'Parameters': [{'S': 'ann'}]}, {'Statement': 'SELECT * FROM orders WHERE cust = ? AND n = 2', "
            "'Parameters': [{'S': 'ann'}]}]}");
    assert_string_equal(AT_STR(r, "Responses", "0", "Item", "total", "N"), "11");
    assert_null(AT(r, "Responses", "1", "Item"));
    json_decref(r);

    /* a fault rule names the statements' table as the resource */
    fault_q(s, "{'service': 'dynamodb', 'operation': 'ExecuteTransaction', 'resource': 'orders', "
               "'transaction_conflict': 1.0, 'times': 1}");
    a = callq(s, "ExecuteTransaction",
              "{'TransactStatements': [{'Statement': 'DELETE FROM orders WHERE cust = ? AND n = 1', "
              "'Parameters': [{'S': 'ann'}]}]}");
    assert_string_equal(a.type, "TransactionCanceledException");
    assert_string_equal(AT_STR(a.body, "CancellationReasons", "0", "Code"), "TransactionConflict");
    answer_free(&a);
    assert_string_equal(item_attr(s, "ann", "1", "total", &keep), "11");
    json_decref(keep);

    expect_error(s, "ExecuteTransaction",
                 "{\"TransactStatements\": [{\"Statement\": \"SELECT * FROM orders WHERE cust = 'ann'\"}]}",
                 "ValidationException",
                 "Select statements within ExecuteTransaction must specify the primary key in the where clause.");
    expect_error(s, "ExecuteTransaction",
                 "{\"TransactStatements\": [{\"Statement\": \"SELECT * FROM orders WHERE cust = 'ann' AND n = 1\"}, "
                 "{\"Statement\": \"DELETE FROM orders WHERE cust = 'ann' AND n = 1\"}]}",
                 "ValidationException", "Unsupported operation in transaction.");
}

static void batches(void **st)
{
    server *s = *st;
    fresh(s);
    fixture_q(s, TABLES);
    answer a = exec(s, "BatchExecuteStatement", NULL,
                    "{'Statements': ["
                    "{'Statement': \"INSERT INTO orders VALUE {'cust': 'dee', 'n': 1}\"}, "
                    "{'Statement': \"INSERT INTO orders VALUE {'cust': 'bo', 'n': 1}\"}, "
                    "{'Statement': \"UPDATE orders SET total = 1 WHERE cust = 'ann'\"}, "
                    "{'Statement': \"DELETE FROM nothere WHERE cust = 'ann' AND n = 1\"}, "
                    "{'Statement': 'DELETE FROM orders WHERE cust = ? AND n = 2', 'Parameters': [{'S': 'ann'}]}, "
                    "{'Statement': 'UPDATE orders SET total = 1 WHERE'}], 'ReturnConsumedCapacity': 'TOTAL'}");
    assert_int_equal(a.status, 200);
    json_t *r = json_object_get(a.body, "Responses");
    assert_int_equal(json_array_size(r), 6);
    assert_null(AT(r, "0", "Error"));
    assert_string_equal(AT_STR(r, "0", "TableName"), "orders");
    assert_string_equal(AT_STR(r, "1", "Error", "Code"), "DuplicateItem");
    assert_string_equal(AT_STR(r, "1", "Error", "Message"), "Duplicate primary key exists in table");
    assert_string_equal(AT_STR(r, "2", "Error", "Code"), "ValidationError");
    assert_string_equal(AT_STR(r, "2", "Error", "Message"),
                        "Where clause does not contain a mandatory equality on all key attributes");
    assert_string_equal(AT_STR(r, "3", "Error", "Code"), "ResourceNotFound");
    assert_null(AT(r, "4", "Error"));
    assert_string_equal(AT_STR(r, "5", "Error", "Code"), "ValidationError");
    assert_string_equal(AT_STR(r, "5", "Error", "Message"), MALFORMED "Unexpected end of statement");
    assert_string_equal(AT_STR(a.body, "ConsumedCapacity", "0", "TableName"), "orders");
    answer_free(&a);

    a = exec(s, "BatchExecuteStatement", NULL,
             "{'Statements': [{'Statement': \"SELECT total FROM orders WHERE cust = 'ann' AND n = 3\"}, "
             "{'Statement': \"SELECT * FROM orders WHERE cust = 'dee' AND n = 1\", 'ConsistentRead': true}, "
             "{'Statement': \"SELECT * FROM orders WHERE cust = 'ann' AND n = 2\"}, "
             "{'Statement': \"SELECT * FROM orders WHERE cust = 'ann'\"}]}");
    assert_int_equal(a.status, 200);
    r = json_object_get(a.body, "Responses");
    assert_string_equal(AT_STR(r, "0", "Item", "total", "N"), "30");
    assert_int_equal(json_object_size(AT(r, "0", "Item")), 1);
    assert_string_equal(AT_STR(r, "1", "Item", "cust", "S"), "dee");
    assert_null(AT(r, "2", "Item"));
    assert_null(AT(r, "2", "Error"));
    assert_string_equal(AT_STR(r, "3", "Error", "Code"), "ValidationError");
    answer_free(&a);

    /* reads and writes do not mix; 25 statements at most */
    a = exec(s, "BatchExecuteStatement", NULL,
             "{'Statements': [{'Statement': \"SELECT * FROM orders WHERE cust = 'ann' AND n = 3\"}, "
             "{'Statement': \"DELETE FROM orders WHERE cust = 'ann' AND n = 3\"}]}");
    assert_int_equal(a.status, 400);
    assert_string_equal(a.type, "ValidationException");
    answer_free(&a);
    GString *many = g_string_new("{\"Statements\": [");
    for (int i = 0; i < 26; i++)
        g_string_append_printf(many, "%s{\"Statement\": \"DELETE FROM orders WHERE cust = 'x' AND n = %d\"}",
                               i ? ", " : "", i);
    g_string_append(many, "]}");
    answer m = call(s, "BatchExecuteStatement", many->str);
    assert_int_equal(m.status, 400);
    assert_string_equal(m.type, "ValidationException");
    assert_non_null(strstr(m.message, "Member must have length less than or equal to 25"));
    answer_free(&m);
    g_string_free(many, TRUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_statements),
        cmocka_unit_test(refuses_malformed_statements),
        cmocka_unit_test(bounds_nesting),
        cmocka_unit_test(reads_in_linear_time),
        cmocka_unit_test(selects),
        cmocka_unit_test(select_errors),
        cmocka_unit_test(writes),
        cmocka_unit_test(transactions),
        cmocka_unit_test(batches),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
