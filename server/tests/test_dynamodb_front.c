/* DynamoDB's front end and its words, through the whole pipeline: what the
 * JSON reader takes and refuses (SerializationException and its "Message"),
 * request ids, the bare errors, the shapes of CreateTable / DescribeTable /
 * DeleteTable answers, and ValidationException wording (AWS-FACTS.md,
 * "DynamoDB front end and wording"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/server.h"

#include "test_dynamodb_call.h"

#define USERS                                                                                              \
    "{\"TableName\": \"users\", \"KeySchema\": [{\"AttributeName\": \"id\", \"KeyType\": \"HASH\"}], "      \
    "\"AttributeDefinitions\": [{\"AttributeName\": \"id\", \"AttributeType\": \"S\"}], \"BillingMode\": " \
    "\"PAY_PER_REQUEST\"}"

/* The body as it came, and the request id header, of a call with any
 * target and body (body_len bytes). */
static json_t *raw_call(server *s, const char *target, const char *body, size_t body_len, int *status,
                        char *reqid, size_t reqid_len)
{
    http_response resp;
    call_target(s, target, body, body_len, &resp);
    size_t len;
    const char *b = http_response_body(&resp, &len);
    json_t *doc = json_loadb(b, len, JSON_ALLOW_NUL, NULL);
    assert_non_null(doc);
    *status = resp.status;
    const char *id = http_response_header(&resp, "x-amzn-RequestId");
    assert_non_null(id);
    g_strlcpy(reqid, id, reqid_len);
    http_response_clear(&resp);
    return doc;
}

/* Expects exactly {"__type": "<ns>#<code>"} and nothing else. */
static void expect_bare(server *s, const char *target, const char *body, size_t len, const char *type)
{
    int status;
    char id[64];
    json_t *doc = raw_call(s, target, body, len, &status, id, sizeof id);
    assert_int_equal(status, 400);
    assert_string_equal(json_string_value(json_object_get(doc, "__type")), type);
    if (json_object_size(doc) != 1) {
        char *text = json_dumps(doc, 0);
        fail_msg("%s [%.*s]: not bare: %s", target, (int)len, body, text);
    }
    json_decref(doc);
}

/* A SerializationException with its message under "Message", as DynamoDB
 * writes that one exception. */
static void expect_serialization(server *s, const char *op, const char *body, const char *message)
{
    char target[96];
    g_snprintf(target, sizeof target, "DynamoDB_20120810.%s", op);
    int status;
    char id[64];
    json_t *doc = raw_call(s, target, body, strlen(body), &status, id, sizeof id);
    char *text = json_dumps(doc, 0);
    if (status != 400 ||
        g_strcmp0(json_string_value(json_object_get(doc, "__type")),
                  "com.amazon.coral.service#SerializationException") != 0 ||
        g_strcmp0(json_string_value(json_object_get(doc, "Message")), message) != 0 ||
        json_object_get(doc, "message"))
        fail_msg("%s %s:\n  got %d %s\n  want SerializationException Message: %s", op, body, status, text,
                 message);
    g_free(text);
    json_decref(doc);
}

static void make_users(server *s)
{
    json_decref(expect_ok(s, "CreateTable", USERS));
    mockaws_clock_advance(s, 10000);
}

static void bodies_that_are_not_input(void **st)
{
    server *s = *st;
    fresh(s);
    const char *bad = "com.amazon.coral.service#SerializationException";
    /* no body is no input at all, not {} */
    expect_bare(s, "DynamoDB_20120810.ListTables", "", 0, bad);
    expect_bare(s, "DynamoDB_20120810.ListTables", " \r\n", 3, bad);
    /* not JSON: the bare exception, never the JSON library's words */
    expect_bare(s, "DynamoDB_20120810.ListTables", "hi", 2, bad);
    expect_bare(s, "DynamoDB_20120810.ListTables", "{\"Limit\": 1", 11, bad);
    /* an operation DynamoDB does not have, or no target */
    expect_bare(s, "DynamoDB_20120810.ListTable", "{}", 2, "com.amazon.coral.service#UnknownOperationException");
    expect_bare(s, "whatever", "{}", 2, "com.amazon.coral.service#UnknownOperationException");
    expect_bare(s, "whatever", "", 0, "com.amazon.coral.service#UnknownOperationException");
    /* a body that is not JSON is refused before the target is read */
    expect_bare(s, "whatever", "hi", 2, bad);
    expect_bare(s, "DynamoDB_20120810.ListTable", "{", 1, bad);
}

static void request_ids(void **st)
{
    server *s = *st;
    fresh(s);
    const char *bodies[] = {"{}", ""};
    for (size_t i = 0; i < G_N_ELEMENTS(bodies); i++) {
        int status;
        char id[64];
        json_decref(raw_call(s, "DynamoDB_20120810.ListTables", bodies[i], strlen(bodies[i]), &status, id,
                             sizeof id));
        assert_int_equal(strlen(id), 52);
        for (const char *p = id; *p; p++)
            assert_true(g_ascii_isdigit(*p) || (*p >= 'A' && *p <= 'Z'));
    }
}

static void serialization_words(void **st)
{
    server *s = *st;
    fresh(s);
    make_users(s);
    expect_serialization(s, "GetItem", "{\"TableName\": 5}", "NUMBER_VALUE cannot be converted to String");
    expect_serialization(s, "GetItem", "{\"TableName\": 5.5}", "DECIMAL_VALUE cannot be converted to String");
    expect_serialization(s, "GetItem", "{\"TableName\": false}", "FALSE_VALUE cannot be converted to String");
    expect_serialization(s, "GetItem", "{\"TableName\": {}}", "Start of structure or map found where not expected");
    expect_serialization(s, "GetItem", "{\"TableName\": []}", "Unrecognized collection type class java.lang.String");
    expect_serialization(s, "GetItem", "{\"TableName\": \"users\", \"ConsistentRead\": \"maybe\"}",
                         "Unexpected token received from parser");
    expect_serialization(s, "GetItem", "{\"TableName\": \"users\", \"ConsistentRead\": 1}",
                         "NUMBER_VALUE cannot be converted to Boolean");
    expect_serialization(s, "GetItem", "{\"TableName\": \"users\", \"Key\": \"x\"}", "Unexpected field type");
    expect_serialization(s, "GetItem", "{\"TableName\": \"users\", \"Key\": {\"id\": \"x\"}}",
                         "Unexpected value type in payload");
    expect_serialization(s, "GetItem", "{\"TableName\": \"users\", \"Key\": []}",
                         "Unrecognized collection type java.util.Map<java.lang.String, "
                         "com.amazonaws.dynamodb.v20120810.AttributeValue>");
    expect_serialization(s, "GetItem", "{\"TableName\": \"users\", \"Key\": {\"id\": {\"SS\": \"a\"}}}",
                         "Unexpected field type");
    expect_serialization(s, "GetItem", "{\"TableName\": \"users\", \"Key\": {\"id\": {\"L\": [\"a\"]}}}",
                         "Unexpected value type in payload");
    expect_serialization(s, "ListTables", "{\"Limit\": \"5\"}", "STRING_VALUE cannot be converted to Integer");
    expect_serialization(s, "ListTables", "{\"Limit\": true}", "TRUE_VALUE cannot be converted to Integer");
    /* base64: its length, its last digit, its type */
    expect_serialization(s, "PutItem", "{\"TableName\": \"users\", \"Item\": {\"id\": {\"B\": \"+/+=\"}}}",
                         "Invalid last non-pad Base64 character dectected");
    expect_serialization(s, "PutItem", "{\"TableName\": \"users\", \"Item\": {\"id\": {\"B\": \"=+/=\"}}}",
                         "Invalid last non-pad Base64 character dectected");
    expect_serialization(s, "PutItem", "{\"TableName\": \"users\", \"Item\": {\"id\": {\"B\": \"23456\"}}}",
                         "Base64 encoded length is expected a multiple of 4 bytes but found: 5");
    expect_serialization(s, "PutItem", "{\"TableName\": \"users\", \"Item\": {\"id\": {\"B\": 1}}}",
                         "only base-64-encoded strings are convertible to bytes");
    expect_serialization(s, "PutItem", "{\"TableName\": \"users\", \"Item\": {\"id\": {\"S\": \"a\"}, \"b\": {\"BOOL\": 1}}}",
                         "NUMBER_VALUE cannot be converted to Boolean");
    /* nothing of all that was stored */
    json_t *r = okq(s, "Scan", "{'TableName': 'users'}");
    assert_int_equal(json_integer_value(json_object_get(r, "Count")), 0);
    json_decref(r);
}

static void boolean_words_and_nul(void **st)
{
    server *s = *st;
    fresh(s);
    make_users(s);
    /* booleans as words, in any case */
    doq(s, "PutItem", "{'TableName': 'users', 'Item': {'id': {'S': 'a'}, 'b': {'BOOL': 'Yes'}, "
                      "'f': {'BOOL': 'false'}, 'n': {'NULL': '1'}}}");
    json_t *r = okq(s, "GetItem", "{'TableName': 'users', 'Key': {'id': {'S': 'a'}}, 'ConsistentRead': 'TRUE'}");
    json_t *item = json_object_get(r, "Item");
    assert_true(json_is_true(json_object_get(json_object_get(item, "b"), "BOOL")));
    assert_true(json_is_false(json_object_get(json_object_get(item, "f"), "BOOL")));
    assert_true(json_is_true(json_object_get(json_object_get(item, "n"), "NULL")));
    json_decref(r);
    /* {"NULL": "no"} reads as false, which NULL may not be */
    errq(s, "PutItem", "ValidationException",
         "One or more parameter values were invalid: Null attribute value types must have the value of true",
         "{'TableName': 'users', 'Item': {'id': {'S': 'b'}, 'n': {'NULL': 'no'}}}");

    /* a NUL inside a string is stored and comes back, in keys and values */
    doq(s, "PutItem", "{'TableName': 'users', 'Item': {'id': {'S': 'abc\\u0000'}, 'v': {'S': '\\u0000x'}, "
                      "'ss': {'SS': ['\\u0000', '\\u0000\\u0000']}}}");
    doq(s, "PutItem", "{'TableName': 'users', 'Item': {'id': {'S': 'abc'}, 'v': {'S': 'plain'}}}");
    r = okq(s, "GetItem", "{'TableName': 'users', 'Key': {'id': {'S': 'abc\\u0000'}}}");
    item = json_object_get(r, "Item");
    json_t *id = json_object_get(json_object_get(item, "id"), "S");
    assert_int_equal(json_string_length(id), 4);
    assert_memory_equal(json_string_value(id), "abc\0", 4);
    json_t *v = json_object_get(json_object_get(item, "v"), "S");
    assert_int_equal(json_string_length(v), 2);
    assert_memory_equal(json_string_value(v), "\0x", 2);
    assert_int_equal(json_array_size(json_object_get(json_object_get(item, "ss"), "SS")), 2);
    json_decref(r);
    /* "abc" is another item */
    r = okq(s, "GetItem", "{'TableName': 'users', 'Key': {'id': {'S': 'abc'}}}");
    assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(r, "Item"), "v"), "S")),
                        "plain");
    json_decref(r);
    /* and expressions compare the whole string */
    r = okq(s, "Scan", "{'TableName': 'users', 'FilterExpression': 'v = :v', "
                       "'ExpressionAttributeValues': {':v': {'S': '\\u0000x'}}}");
    assert_int_equal(json_integer_value(json_object_get(r, "Count")), 1);
    json_decref(r);
}

static void table_answers(void **st)
{
    server *s = *st;
    fresh(s);
    json_t *r = expect_ok(
        s, "CreateTable",
        "{\"TableName\": \"users\", \"KeySchema\": [{\"AttributeName\": \"id\", \"KeyType\": \"HASH\"}], "
        "\"AttributeDefinitions\": [{\"AttributeName\": \"id\", \"AttributeType\": \"S\"}, "
        "{\"AttributeName\": \"g\", \"AttributeType\": \"S\"}], \"BillingMode\": \"PAY_PER_REQUEST\", "
        "\"GlobalSecondaryIndexes\": [{\"IndexName\": \"by_g\", \"KeySchema\": [{\"AttributeName\": \"g\", "
        "\"KeyType\": \"HASH\"}], \"Projection\": {\"ProjectionType\": \"ALL\"}}]}");
    json_t *d = json_object_get(r, "TableDescription");
    /* the billing mode has not changed yet */
    assert_string_equal(json_string_value(json_object_get(json_object_get(d, "BillingModeSummary"), "BillingMode")),
                        "PAY_PER_REQUEST");
    assert_null(json_object_get(json_object_get(d, "BillingModeSummary"), "LastUpdateToPayPerRequestDateTime"));
    /* an index made with its table has nothing to backfill */
    json_t *gsi = json_array_get(json_object_get(d, "GlobalSecondaryIndexes"), 0);
    assert_string_equal(json_string_value(json_object_get(gsi, "IndexStatus")), "CREATING");
    assert_null(json_object_get(gsi, "Backfilling"));
    json_decref(r);
    mockaws_clock_advance(s, 10000);

    r = okq(s, "DescribeTable", "{'TableName': 'users'}");
    d = json_object_get(r, "Table");
    assert_non_null(json_object_get(json_object_get(d, "BillingModeSummary"), "LastUpdateToPayPerRequestDateTime"));
    json_decref(r);

    r = okq(s, "DeleteTable", "{'TableName': 'users'}");
    d = json_object_get(r, "TableDescription");
    assert_string_equal(json_string_value(json_object_get(d, "TableStatus")), "DELETING");
    const char *kept[] = {"TableName", "TableId", "TableArn", "BillingModeSummary", "ProvisionedThroughput",
                          "TableSizeBytes", "ItemCount"};
    for (size_t i = 0; i < G_N_ELEMENTS(kept); i++)
        assert_non_null(json_object_get(d, kept[i]));
    const char *gone[] = {"AttributeDefinitions", "KeySchema", "CreationDateTime", "GlobalSecondaryIndexes",
                          "LocalSecondaryIndexes"};
    for (size_t i = 0; i < G_N_ELEMENTS(gone); i++)
        if (json_object_get(d, gone[i]))
            fail_msg("DeleteTable's answer has %s", gone[i]);
    json_decref(r);
    mockaws_clock_advance(s, 10000);
}

static void validation_words(void **st)
{
    server *s = *st;
    fresh(s);
    make_users(s);
    /* over 25 requests: both bounds of the list, inside the map's [...] */
    GString *b = g_string_new("{\"RequestItems\": {\"users\": [");
    for (int i = 0; i < 26; i++)
        g_string_append_printf(b, "%s{\"PutRequest\": {\"Item\": {\"id\": {\"S\": \"%d\"}}}}", i ? ", " : "", i);
    g_string_append(b, "]}}");
    answer a = call(s, "BatchWriteItem", b->str);
    assert_string_equal(a.type, "ValidationException");
    assert_true(g_str_has_prefix(a.message, "1 validation error detected: Value '{users=["));
    assert_true(g_str_has_suffix(a.message, "]}' at 'requestItems' failed to satisfy constraint: Map value must "
                                            "satisfy constraint: [Member must have length less than or equal to "
                                            "25, Member must have length greater than or equal to 1]"));
    answer_free(&a);
    g_string_free(b, TRUE);

    /* eleven violations: DynamoDB lists ten */
    a = call(s, "Query",
             "{\"TableName\": \"abc;\", \"ReturnConsumedCapacity\": \"hi\", \"AttributesToGet\": [], "
             "\"IndexName\": \"abc;\", \"Select\": \"hi\", \"Limit\": -1, \"KeyConditions\": {\"a\": {}, "
             "\"b\": {\"ComparisonOperator\": \"\"}}, \"ConditionalOperator\": \"AN\", \"QueryFilter\": "
             "{\"a\": {}, \"b\": {\"ComparisonOperator\": \"\"}}}");
    assert_string_equal(a.type, "ValidationException");
    assert_true(g_str_has_prefix(a.message, "10 validation errors detected: "));
    size_t n = 0;
    for (const char *p = a.message; (p = strstr(p, " failed to satisfy constraint: ")); p++)
        n++;
    assert_int_equal(n, 10);
    answer_free(&a);

    /* AttributeUpdates words an ADD / DELETE type clash its own way */
    doq(s, "PutItem", "{'TableName': 'users', 'Item': {'id': {'S': 'a'}, 'b': {'SS': ['1']}, 'c': {'N': '1'}}}");
    const char *clashes[] = {
        "'b': {'Action': 'DELETE', 'Value': {'NS': ['1']}}",
        "'c': {'Action': 'DELETE', 'Value': {'NS': ['1']}}",
        "'b': {'Action': 'ADD', 'Value': {'NS': ['1']}}",
        "'b': {'Action': 'ADD', 'Value': {'N': '1'}}",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(clashes); i++)
        errq(s, "UpdateItem", "ValidationException", "Type mismatch for attribute to update",
             "{'TableName': 'users', 'Key': {'id': {'S': 'a'}}, 'AttributeUpdates': {%s}}", clashes[i]);
    /* an update expression keeps its own words */
    errq(s, "UpdateItem", "ValidationException", "An operand in the update expression has an incorrect data type",
         "{'TableName': 'users', 'Key': {'id': {'S': 'a'}}, 'UpdateExpression': 'ADD b :v', "
         "'ExpressionAttributeValues': {':v': {'NS': ['1']}}}");
    /* redundant parentheses, wherever they are, before the table is looked at */
    const char *parens[] = {
        "a=a and a > ((views))",      "(a)between(((b.c)).d)and(c)",       "a > whatever((:things), ((a)))",
        "a=a AND ((a=a AND a=a)) AND a=a", "a=a OR ((a=a OR a=a)) OR a=a", "a=a AND ((a=a AND (a=a AND a=a)))",
        "a=a OR ((a=a OR (a=a OR a=a)))",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(parens); i++)
        errq(s, "Scan", "ValidationException", "Invalid FilterExpression: The expression has redundant parentheses;",
             "{'TableName': 'abc', 'FilterExpression': '%s'}", parens[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bodies_that_are_not_input), cmocka_unit_test(request_ids),
        cmocka_unit_test(serialization_words),       cmocka_unit_test(boolean_words_and_nul),
        cmocka_unit_test(table_answers),             cmocka_unit_test(validation_words),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
