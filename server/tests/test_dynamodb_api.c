/* DynamoDB through the whole pipeline (JSON 1.0 wire, model validation,
 * handlers, errors, x-amz-crc32), without sockets: tables and their
 * lifecycle on a virtual clock, items, validation messages, fixtures. */
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
#include "test_linear.h"

#define USERS                                                                                              \
    "{\"TableName\": \"users\", \"KeySchema\": [{\"AttributeName\": \"id\", \"KeyType\": \"HASH\"}], "      \
    "\"AttributeDefinitions\": [{\"AttributeName\": \"id\", \"AttributeType\": \"S\"}], \"BillingMode\": " \
    "\"PAY_PER_REQUEST\"}"

static void create_describe_lifecycle(void **st)
{
    server *s = *st;
    fresh(s);
    json_t *r = expect_ok(s, "CreateTable", USERS);
    json_t *d = json_object_get(r, "TableDescription");
    assert_string_equal(json_string_value(json_object_get(d, "TableStatus")), "CREATING");
    assert_string_equal(json_string_value(json_object_get(d, "TableArn")),
                        "arn:aws:dynamodb:us-east-1:123456789012:table/users");
    assert_int_equal(strlen(json_string_value(json_object_get(d, "TableId"))), 36);
    assert_string_equal(json_string_value(json_object_get(json_object_get(d, "BillingModeSummary"), "BillingMode")),
                        "PAY_PER_REQUEST");
    json_decref(r);
    expect_error(s, "CreateTable", USERS, "ResourceInUseException", "Table already exists: users");
    /* items wait for ACTIVE */
    expect_error(s, "PutItem", "{\"TableName\": \"users\", \"Item\": {\"id\": {\"S\": \"a\"}}}",
                 "ResourceNotFoundException", "Requested resource not found");
    expect_error(s, "DeleteTable", "{\"TableName\": \"users\"}", "ResourceInUseException",
                 "Attempt to change a resource which is still in use: Table is being created: users");
    mockaws_clock_advance(s, 10000);
    r = expect_ok(s, "DescribeTable", "{\"TableName\": \"users\"}");
    assert_string_equal(json_string_value(json_object_get(json_object_get(r, "Table"), "TableStatus")), "ACTIVE");
    json_decref(r);
    /* a table ARN names the table */
    r = expect_ok(s, "DescribeTable", "{\"TableName\": \"arn:aws:dynamodb:us-east-1:123456789012:table/users\"}");
    json_decref(r);
    expect_error(s, "DescribeTable", "{\"TableName\": \"nope\"}", "ResourceNotFoundException",
                 "Requested resource not found: Table: nope not found");
    r = expect_ok(s, "DeleteTable", "{\"TableName\": \"users\"}");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(r, "TableDescription"), "TableStatus")), "DELETING");
    json_decref(r);
    r = expect_ok(s, "DescribeTable", "{\"TableName\": \"users\"}");
    json_decref(r);
    mockaws_clock_advance(s, 10000);
    expect_error(s, "DescribeTable", "{\"TableName\": \"users\"}", "ResourceNotFoundException", NULL);
    /* and the name is free again */
    r = expect_ok(s, "CreateTable", USERS);
    json_decref(r);
    mockaws_clock_advance(s, 10000);
    r = expect_ok(s, "DeleteTable", "{\"TableName\": \"users\"}");
    json_decref(r);
    mockaws_clock_advance(s, 10000);
}

static void create_validation(void **st)
{
    server *s = *st;
    fresh(s);
    expect_error(s, "CreateTable", "{\"TableName\": \"ab\"}", "ValidationException",
                 "TableName must be at least 3 characters long and at most 255 characters long");
    expect_error(s, "CreateTable", "{\"TableName\": \"abc;\"}", "ValidationException",
                 "1 validation error detected: Value 'abc;' at 'tableName' failed to satisfy constraint: Member must "
                 "satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
    expect_error(s, "CreateTable", "{\"TableName\": \"abc\"}", "ValidationException",
                 "2 validation errors detected: Value null at 'attributeDefinitions' failed to satisfy constraint: "
                 "Member must not be null; Value null at 'keySchema' failed to satisfy constraint: Member must not "
                 "be null");
    expect_error(s, "CreateTable",
                 "{\"TableName\": \"abc\", \"KeySchema\": [{\"AttributeName\": \"a\", \"KeyType\": \"HASH\"}], "
                 "\"AttributeDefinitions\": [{\"AttributeName\": \"a\", \"AttributeType\": \"S\"}]}",
                 "ValidationException",
                 "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be "
                 "specified when BillingMode is PROVISIONED");
    expect_error(s, "CreateTable",
                 "{\"TableName\": \"abc\", \"KeySchema\": [{\"AttributeName\": \"a\", \"KeyType\": \"HASH\"}], "
                 "\"AttributeDefinitions\": [{\"AttributeName\": \"b\", \"AttributeType\": \"S\"}], \"BillingMode\": "
                 "\"PAY_PER_REQUEST\"}",
                 "ValidationException",
                 "One or more parameter values were invalid: Some index key attributes are not defined in "
                 "AttributeDefinitions. Keys: [a], AttributeDefinitions: [b]");
    expect_error(s, "CreateTable",
                 "{\"TableName\": \"abc\", \"KeySchema\": [{\"AttributeName\": \"a\", \"KeyType\": \"RANGE\"}], "
                 "\"AttributeDefinitions\": [{\"AttributeName\": \"a\", \"AttributeType\": \"S\"}], \"BillingMode\": "
                 "\"PAY_PER_REQUEST\"}",
                 "ValidationException", "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
    expect_error(s, "CreateTable",
                 "{\"TableName\": \"abc\", \"KeySchema\": [{\"AttributeName\": \"a\", \"KeyType\": \"HASH\"}], "
                 "\"AttributeDefinitions\": [{\"AttributeName\": \"a\", \"AttributeType\": \"S\"}, {\"AttributeName\": "
                 "\"b\", \"AttributeType\": \"S\"}], \"BillingMode\": \"PAY_PER_REQUEST\"}",
                 "ValidationException",
                 "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match "
                 "number of attributes defined in AttributeDefinitions");
    expect_error(s, "CreateTable",
                 "{\"TableName\": \"abc\", \"KeySchema\": [{\"AttributeName\": \"a\", \"KeyType\": \"HASH\"}], "
                 "\"AttributeDefinitions\": [{\"AttributeName\": \"a\", \"AttributeType\": \"S\"}], \"BillingMode\": "
                 "\"PAY_PER_REQUEST\", \"ProvisionedThroughput\": {\"ReadCapacityUnits\": 1, \"WriteCapacityUnits\": "
                 "1}}",
                 "ValidationException",
                 "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be "
                 "specified when BillingMode is PAY_PER_REQUEST");
    expect_error(s, "CreateTable",
                 "{\"TableName\": \"abc\", \"KeySchema\": [{\"AttributeName\": \"a\", \"KeyType\": \"HASH\"}], "
                 "\"AttributeDefinitions\": [{\"AttributeName\": \"a\", \"AttributeType\": \"S\"}, {\"AttributeName\": "
                 "\"b\", \"AttributeType\": \"S\"}], \"BillingMode\": \"PAY_PER_REQUEST\", \"LocalSecondaryIndexes\": "
                 "[{\"IndexName\": \"lsi\", \"KeySchema\": [{\"AttributeName\": \"a\", \"KeyType\": \"HASH\"}, "
                 "{\"AttributeName\": \"b\", \"KeyType\": \"RANGE\"}], \"Projection\": {\"ProjectionType\": \"ALL\"}}]}",
                 "ValidationException",
                 "One or more parameter values were invalid: Table KeySchema does not have a range key, which is "
                 "required when specifying a LocalSecondaryIndex");
    /* the model's own constraints come first, in Coral's words */
    expect_error(s, "CreateTable",
                 "{\"TableName\": \"abc\", \"KeySchema\": [{\"AttributeName\": \"a\", \"KeyType\": \"HASH\"}], "
                 "\"AttributeDefinitions\": [{\"AttributeName\": \"a\", \"AttributeType\": \"X\"}], \"BillingMode\": "
                 "\"PAY_PER_REQUEST\"}",
                 "ValidationException", NULL);
    expect_error(s, "CreateTable", "{\"TableName\": 5}", "SerializationException", NULL);
}

#define THINGS                                                                                                     \
    "{\"TableName\": \"things\", \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}, "              \
    "{\"AttributeName\": \"sk\", \"KeyType\": \"RANGE\"}], \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", " \
    "\"AttributeType\": \"S\"}, {\"AttributeName\": \"sk\", \"AttributeType\": \"N\"}, {\"AttributeName\": "        \
    "\"g\", \"AttributeType\": \"S\"}], \"ProvisionedThroughput\": {\"ReadCapacityUnits\": 5, "                     \
    "\"WriteCapacityUnits\": 5}, \"GlobalSecondaryIndexes\": [{\"IndexName\": \"byG\", \"KeySchema\": "             \
    "[{\"AttributeName\": \"g\", \"KeyType\": \"HASH\"}], \"Projection\": {\"ProjectionType\": \"KEYS_ONLY\"}, "    \
    "\"ProvisionedThroughput\": {\"ReadCapacityUnits\": 1, \"WriteCapacityUnits\": 1}}], \"Tags\": [{\"Key\": "     \
    "\"team\", \"Value\": \"a\"}]}"

static void make_things(server *s)
{
    json_t *r = expect_ok(s, "CreateTable", THINGS);
    json_decref(r);
    mockaws_clock_advance(s, 10000);
}

static void drop(server *s, const char *name)
{
    char *body = g_strdup_printf("{\"TableName\": \"%s\"}", name);
    json_decref(expect_ok(s, "DeleteTable", body));
    g_free(body);
    mockaws_clock_advance(s, 10000);
}

static void items_and_keys(void **st)
{
    server *s = *st;
    fresh(s);
    make_things(s);
    json_decref(expect_ok(s, "PutItem",
                          "{\"TableName\": \"things\", \"Item\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"01.50\"}, "
                          "\"v\": {\"S\": \"one\"}, \"g\": {\"S\": \"x\"}}}"));
    json_t *r = expect_ok(s, "GetItem",
                          "{\"TableName\": \"things\", \"Key\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1.5\"}}, "
                          "\"ReturnConsumedCapacity\": \"TOTAL\"}");
    json_t *item = json_object_get(r, "Item");
    assert_string_equal(json_string_value(json_object_get(json_object_get(item, "sk"), "N")), "1.5");
    json_t *cc = json_object_get(r, "ConsumedCapacity");
    assert_true(json_real_value(json_object_get(cc, "CapacityUnits")) == 0.5);
    json_decref(r);

    expect_error(s, "GetItem", "{\"TableName\": \"things\", \"Key\": {\"pk\": {\"S\": \"p\"}}}", "ValidationException",
                 "The provided key element does not match the schema");
    expect_error(s, "GetItem",
                 "{\"TableName\": \"things\", \"Key\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"S\": \"1\"}}}",
                 "ValidationException", "The provided key element does not match the schema");
    expect_error(s, "PutItem", "{\"TableName\": \"things\", \"Item\": {\"pk\": {\"S\": \"p\"}}}",
                 "ValidationException", "One or more parameter values were invalid: Missing the key sk in the item");
    expect_error(s, "PutItem",
                 "{\"TableName\": \"things\", \"Item\": {\"pk\": {\"N\": \"1\"}, \"sk\": {\"N\": \"1\"}}}",
                 "ValidationException",
                 "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N");
    expect_error(s, "PutItem",
                 "{\"TableName\": \"things\", \"Item\": {\"pk\": {\"S\": \"\"}, \"sk\": {\"N\": \"1\"}}}",
                 "ValidationException",
                 "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an "
                 "empty string value. Key: pk");
    expect_error(s, "PutItem",
                 "{\"TableName\": \"things\", \"Item\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1\"}, \"g\": "
                 "{\"N\": \"1\"}}}",
                 "ValidationException",
                 "One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: N "
                 "IndexName: byG");
    expect_error(s, "PutItem",
                 "{\"TableName\": \"things\", \"Item\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"abc\"}}}",
                 "ValidationException", "The parameter cannot be converted to a numeric value: abc");
    expect_error(s, "PutItem",
                 "{\"TableName\": \"things\", \"Item\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1\"}, \"s\": "
                 "{\"SS\": []}}}",
                 "ValidationException", "One or more parameter values were invalid: An string set  may not be empty");
    expect_error(s, "PutItem",
                 "{\"TableName\": \"things\", \"Item\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1\"}}, "
                 "\"ReturnValues\": \"ALL_NEW\"}",
                 "ValidationException", "ReturnValues can only be ALL_OLD or NONE");
    /* enum values in DynamoDB's own order */
    expect_error(s, "PutItem",
                 "{\"TableName\": \"things\", \"Item\": {}, \"ReturnValues\": \"BAD\"}",
                 "ValidationException",
                 "1 validation error detected: Value 'BAD' at 'returnValues' failed to satisfy constraint: Member "
                 "must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]");
    expect_error(s, "PutItem", "{\"TableName\": \"nothere\", \"Item\": {\"pk\": {\"S\": \"p\"}}}",
                 "ResourceNotFoundException", "Requested resource not found");
    expect_error(s, "PutItem", "{\"TableName\": \"a;\", \"Item\": {}}", "ValidationException",
                 "2 validation errors detected: Value 'a;' at 'tableName' failed to satisfy constraint: Member must "
                 "satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value 'a;' at 'tableName' failed to satisfy "
                 "constraint: Member must have length greater than or equal to 3");

    /* 400 KB: the key names and values count */
    GString *big = g_string_new("{\"TableName\": \"things\", \"Item\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": "
                                "\"1\"}, \"b\": {\"S\": \"");
    size_t room = 409600 - (2 + 1) - (2 + 2) - 1;
    for (size_t i = 0; i < room; i++)
        g_string_append_c(big, 'a');
    g_string_append(big, "\"}}}");
    json_decref(expect_ok(s, "PutItem", big->str));
    g_string_insert_c(big, big->len - 4, 'a');
    expect_error(s, "PutItem", big->str, "ValidationException", "Item size has exceeded the maximum allowed size");
    g_string_free(big, TRUE);
    r = expect_ok(s, "DescribeTable", "{\"TableName\": \"things\"}");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "Table"), "ItemCount")), 2);
    json_decref(r);
    drop(s, "things");
}

static void conditions_and_return_values(void **st)
{
    server *s = *st;
    fresh(s);
    make_things(s);
    const char *put = "{\"TableName\": \"things\", \"Item\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1\"}, "
                      "\"n\": {\"N\": \"5\"}}, \"ConditionExpression\": \"attribute_not_exists(pk)\"}";
    json_decref(expect_ok(s, "PutItem", put));
    expect_error(s, "PutItem", put, "ConditionalCheckFailedException", "The conditional request failed");
    /* ALL_OLD on a failed condition puts the item in the error */
    answer a = call(s, "PutItem",
                    "{\"TableName\": \"things\", \"Item\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1\"}}, "
                    "\"ConditionExpression\": \"n > :v\", \"ExpressionAttributeValues\": {\":v\": {\"N\": \"9\"}}, "
                    "\"ReturnValuesOnConditionCheckFailure\": \"ALL_OLD\"}");
    assert_string_equal(a.type, "ConditionalCheckFailedException");
    json_t *item = json_object_get(a.body, "Item");
    assert_string_equal(json_string_value(json_object_get(json_object_get(item, "n"), "N")), "5");
    answer_free(&a);

    json_t *r = expect_ok(s, "UpdateItem",
                          "{\"TableName\": \"things\", \"Key\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1\"}}, "
                          "\"UpdateExpression\": \"SET n = n + :d, #t = :t\", \"ExpressionAttributeNames\": "
                          "{\"#t\": \"tag\"}, \"ExpressionAttributeValues\": {\":d\": {\"N\": \"2\"}, \":t\": "
                          "{\"S\": \"x\"}}, \"ReturnValues\": \"UPDATED_NEW\"}");
    json_t *attrs = json_object_get(r, "Attributes");
    assert_int_equal(json_object_size(attrs), 2);
    assert_string_equal(json_string_value(json_object_get(json_object_get(attrs, "n"), "N")), "7");
    json_decref(r);
    r = expect_ok(s, "UpdateItem",
                  "{\"TableName\": \"things\", \"Key\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1\"}}, "
                  "\"UpdateExpression\": \"REMOVE tag\", \"ReturnValues\": \"UPDATED_OLD\"}");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(json_object_get(r, "Attributes"), "tag"), "S")), "x");
    json_decref(r);
    expect_error(s, "UpdateItem",
                 "{\"TableName\": \"things\", \"Key\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1\"}}, "
                 "\"UpdateExpression\": \"SET pk = :v\", \"ExpressionAttributeValues\": {\":v\": {\"S\": \"q\"}}}",
                 "ValidationException",
                 "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the "
                 "key");
    expect_error(s, "UpdateItem",
                 "{\"TableName\": \"things\", \"Key\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1\"}}, "
                 "\"UpdateExpression\": \"SET a = :v\", \"ExpressionAttributeValues\": {\":v\": {\"S\": \"q\"}, "
                 "\":w\": {\"S\": \"q\"}}}",
                 "ValidationException", "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}");
    expect_error(s, "UpdateItem",
                 "{\"TableName\": \"things\", \"Key\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1\"}}, "
                 "\"ExpressionAttributeValues\": {\":v\": {\"S\": \"q\"}}}",
                 "ValidationException",
                 "ExpressionAttributeValues can only be specified when using expressions: UpdateExpression and "
                 "ConditionExpression are null");
    expect_error(s, "UpdateItem",
                 "{\"TableName\": \"things\", \"Key\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1\"}}, "
                 "\"UpdateExpression\": \"SET a = :v\", \"ExpressionAttributeValues\": {\":v\": {\"S\": \"q\"}}, "
                 "\"Expected\": {\"a\": {\"Exists\": false}}}",
                 "ValidationException",
                 "Can not use both expression and non-expression parameters in the same request: Non-expression "
                 "parameters: {Expected} Expression parameters: {UpdateExpression}");
    /* an update creates a missing item from its key */
    r = expect_ok(s, "UpdateItem",
                  "{\"TableName\": \"things\", \"Key\": {\"pk\": {\"S\": \"new\"}, \"sk\": {\"N\": \"2\"}}, "
                  "\"UpdateExpression\": \"ADD c :one\", \"ExpressionAttributeValues\": {\":one\": {\"N\": \"1\"}}, "
                  "\"ReturnValues\": \"ALL_NEW\"}");
    assert_int_equal(json_object_size(json_object_get(r, "Attributes")), 3);
    json_decref(r);
    /* legacy parameters still work */
    json_decref(expect_ok(s, "UpdateItem",
                          "{\"TableName\": \"things\", \"Key\": {\"pk\": {\"S\": \"new\"}, \"sk\": {\"N\": \"2\"}}, "
                          "\"AttributeUpdates\": {\"c\": {\"Action\": \"ADD\", \"Value\": {\"N\": \"5\"}}}, "
                          "\"Expected\": {\"c\": {\"Value\": {\"N\": \"1\"}}}}"));
    expect_error(s, "PutItem",
                 "{\"TableName\": \"things\", \"Item\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"9\"}}, "
                 "\"Expected\": {\"a\": {\"Exists\": false, \"Value\": {\"S\": \"x\"}}}}",
                 "ValidationException",
                 "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: a");
    expect_error(s, "UpdateItem",
                 "{\"TableName\": \"things\", \"Key\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"9\"}}, "
                 "\"AttributeUpdates\": {\"a\": {\"Action\": \"PUT\"}}}",
                 "ValidationException",
                 "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is "
                 "specified");
    expect_error(s, "DeleteItem",
                 "{\"TableName\": \"things\", \"Key\": {\"pk\": {\"S\": \"new\"}, \"sk\": {\"N\": \"2\"}}, "
                 "\"Expected\": {\"c\": {\"ComparisonOperator\": \"BETWEEN\", \"AttributeValueList\": "
                 "[{\"N\": \"7\"}, {\"N\": \"9\"}]}}}",
                 "ConditionalCheckFailedException", "The conditional request failed");
    r = expect_ok(s, "GetItem",
                  "{\"TableName\": \"things\", \"Key\": {\"pk\": {\"S\": \"new\"}, \"sk\": {\"N\": \"2\"}}, "
                  "\"AttributesToGet\": [\"c\"]}");
    assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(r, "Item"), "c"), "N")),
                        "6");
    json_decref(r);
    r = expect_ok(s, "DeleteItem",
                  "{\"TableName\": \"things\", \"Key\": {\"pk\": {\"S\": \"new\"}, \"sk\": {\"N\": \"2\"}}, "
                  "\"ReturnValues\": \"ALL_OLD\", \"ConditionExpression\": \"c = :six\", "
                  "\"ExpressionAttributeValues\": {\":six\": {\"N\": \"6\"}}}");
    assert_non_null(json_object_get(r, "Attributes"));
    json_decref(r);
    r = expect_ok(s, "GetItem", "{\"TableName\": \"things\", \"Key\": {\"pk\": {\"S\": \"new\"}, \"sk\": {\"N\": \"2\"}}}");
    assert_null(json_object_get(r, "Item"));
    json_decref(r);
    drop(s, "things");
}

static void list_tables_pages(void **st)
{
    server *s = *st;
    fresh(s);
    for (int i = 0; i < 5; i++) {
        char *body = g_strdup_printf("{\"TableName\": \"tab%d\", \"KeySchema\": [{\"AttributeName\": \"id\", "
                                     "\"KeyType\": \"HASH\"}], \"AttributeDefinitions\": [{\"AttributeName\": \"id\", "
                                     "\"AttributeType\": \"S\"}], \"BillingMode\": \"PAY_PER_REQUEST\"}",
                                     4 - i);
        json_decref(expect_ok(s, "CreateTable", body));
        g_free(body);
    }
    json_t *r = expect_ok(s, "ListTables", "{\"Limit\": 2}");
    assert_int_equal(json_array_size(json_object_get(r, "TableNames")), 2);
    assert_string_equal(json_string_value(json_array_get(json_object_get(r, "TableNames"), 0)), "tab0");
    assert_string_equal(json_string_value(json_object_get(r, "LastEvaluatedTableName")), "tab1");
    json_decref(r);
    r = expect_ok(s, "ListTables", "{\"Limit\": 3, \"ExclusiveStartTableName\": \"tab1\"}");
    assert_int_equal(json_array_size(json_object_get(r, "TableNames")), 3);
    assert_null(json_object_get(r, "LastEvaluatedTableName"));
    json_decref(r);
    expect_error(s, "ListTables", "{\"Limit\": 101}", "ValidationException",
                 "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have "
                 "value less than or equal to 100");
    mockaws_clock_advance(s, 10000);
    for (int i = 0; i < 5; i++) {
        char *name = g_strdup_printf("tab%d", i);
        drop(s, name);
        g_free(name);
    }
}

static void update_table_and_tags(void **st)
{
    server *s = *st;
    fresh(s);
    make_things(s);
    json_t *r = expect_ok(s, "UpdateTable",
                          "{\"TableName\": \"things\", \"ProvisionedThroughput\": {\"ReadCapacityUnits\": 10, "
                          "\"WriteCapacityUnits\": 5}}");
    json_t *d = json_object_get(r, "TableDescription");
    assert_string_equal(json_string_value(json_object_get(d, "TableStatus")), "UPDATING");
    json_decref(r);
    expect_error(s, "UpdateTable",
                 "{\"TableName\": \"things\", \"ProvisionedThroughput\": {\"ReadCapacityUnits\": 10, "
                 "\"WriteCapacityUnits\": 5}}",
                 "ResourceInUseException", NULL);
    mockaws_clock_advance(s, 10000);
    expect_error(s, "UpdateTable",
                 "{\"TableName\": \"things\", \"ProvisionedThroughput\": {\"ReadCapacityUnits\": 10, "
                 "\"WriteCapacityUnits\": 5}}",
                 "ValidationException",
                 "The provisioned throughput for the table will not change. The requested value equals the current "
                 "value. Current ReadCapacityUnits provisioned for the table: 10. Requested ReadCapacityUnits: 10. "
                 "Current WriteCapacityUnits provisioned for the table: 5. Requested WriteCapacityUnits: 5. Refer to "
                 "the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.");
    expect_error(s, "UpdateTable", "{\"TableName\": \"things\"}", "ValidationException", NULL);
    /* a new index has its own lifecycle */
    r = expect_ok(s, "UpdateTable",
                  "{\"TableName\": \"things\", \"AttributeDefinitions\": [{\"AttributeName\": \"h\", "
                  "\"AttributeType\": \"N\"}], \"GlobalSecondaryIndexUpdates\": [{\"Create\": {\"IndexName\": "
                  "\"byH\", \"KeySchema\": [{\"AttributeName\": \"h\", \"KeyType\": \"HASH\"}], \"Projection\": "
                  "{\"ProjectionType\": \"ALL\"}, \"ProvisionedThroughput\": {\"ReadCapacityUnits\": 1, "
                  "\"WriteCapacityUnits\": 1}}}]}");
    json_t *gsis = json_object_get(json_object_get(r, "TableDescription"), "GlobalSecondaryIndexes");
    assert_int_equal(json_array_size(gsis), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(gsis, 1), "IndexStatus")), "CREATING");
    json_decref(r);
    mockaws_clock_advance(s, 10000);
    r = expect_ok(s, "UpdateTable", "{\"TableName\": \"things\", \"BillingMode\": \"PAY_PER_REQUEST\"}");
    json_decref(r);
    mockaws_clock_advance(s, 10000);
    r = expect_ok(s, "DescribeTable", "{\"TableName\": \"things\"}");
    d = json_object_get(r, "Table");
    assert_string_equal(json_string_value(json_object_get(json_object_get(d, "BillingModeSummary"), "BillingMode")),
                        "PAY_PER_REQUEST");
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(d, "GlobalSecondaryIndexes"), 1),
                                                          "IndexStatus")),
                        "ACTIVE");
    json_decref(r);

    const char *arn = "arn:aws:dynamodb:us-east-1:123456789012:table/things";
    char *body = g_strdup_printf("{\"ResourceArn\": \"%s\", \"Tags\": [{\"Key\": \"env\", \"Value\": \"test\"}, "
                                 "{\"Key\": \"team\", \"Value\": \"b\"}]}",
                                 arn);
    json_decref(expect_ok(s, "TagResource", body));
    g_free(body);
    body = g_strdup_printf("{\"ResourceArn\": \"%s\"}", arn);
    r = expect_ok(s, "ListTagsOfResource", body);
    json_t *want = json_loads("[{\"Key\": \"team\", \"Value\": \"b\"}, {\"Key\": \"env\", \"Value\": \"test\"}]", 0,
                              NULL);
    assert_true(json_equal(json_object_get(r, "Tags"), want));
    json_decref(want);
    json_decref(r);
    g_free(body);
    body = g_strdup_printf("{\"ResourceArn\": \"%s\", \"TagKeys\": [\"team\"]}", arn);
    json_decref(expect_ok(s, "UntagResource", body));
    g_free(body);
    expect_error(s, "ListTagsOfResource", "{\"ResourceArn\": \"arn:aws:dynamodb:us-east-1:123456789012:table/zzz\"}",
                 "ResourceNotFoundException",
                 "Requested resource not found: ResourcArn: arn:aws:dynamodb:us-east-1:123456789012:table/zzz not found");
    expect_error(s, "TagResource", "{\"ResourceArn\": \"nonsense\", \"Tags\": []}", "AccessDeniedException", NULL);
    drop(s, "things");
    r = expect_ok(s, "DescribeLimits", "{}");
    assert_int_equal(json_integer_value(json_object_get(r, "TableMaxReadCapacityUnits")), 40000);
    json_decref(r);
    r = expect_ok(s, "DescribeEndpoints", "{}");
    json_decref(r);
}

static void fixtures_round_trip(void **st)
{
    server *s = *st;
    fresh(s);
    char err[512];
    const char *fx = "{\"dynamodb\": {\"tables\": [{\"TableName\": \"fixed\", \"KeySchema\": [{\"AttributeName\": "
                     "\"id\", \"KeyType\": \"HASH\"}], \"AttributeDefinitions\": [{\"AttributeName\": \"id\", "
                     "\"AttributeType\": \"S\"}], \"BillingMode\": \"PAY_PER_REQUEST\", \"items\": [{\"id\": {\"S\": "
                     "\"a\"}, \"bin\": {\"B\": \"AAE=\"}, \"n\": {\"N\": \"1.0\"}}]}]}}";
    assert_int_equal(mockaws_load_fixtures_json(s, fx, err, sizeof err), 0);
    json_t *r = expect_ok(s, "GetItem", "{\"TableName\": \"fixed\", \"Key\": {\"id\": {\"S\": \"a\"}}}");
    json_t *item = json_object_get(r, "Item");
    assert_string_equal(json_string_value(json_object_get(json_object_get(item, "bin"), "B")), "AAE=");
    assert_string_equal(json_string_value(json_object_get(json_object_get(item, "n"), "N")), "1");
    json_decref(r);
    char *dump = mockaws_state_json(s);
    assert_non_null(strstr(dump, "\"fixed\""));
    assert_non_null(strstr(dump, "AAE="));
    /* the dump loads back */
    mockaws_reset(s);
    mockaws_clock_virtual(s, 1);
    expect_error(s, "DescribeTable", "{\"TableName\": \"fixed\"}", "ResourceNotFoundException", NULL);
    assert_int_equal(mockaws_load_fixtures_json(s, dump, err, sizeof err), 0);
    mockaws_free(dump);
    r = expect_ok(s, "GetItem", "{\"TableName\": \"fixed\", \"Key\": {\"id\": {\"S\": \"a\"}}}");
    assert_non_null(json_object_get(r, "Item"));
    json_decref(r);
    /* bad fixtures say what is wrong */
    assert_int_not_equal(mockaws_load_fixtures_json(s,
                                                    "{\"dynamodb\": {\"tables\": [{\"TableName\": \"bad\", "
                                                    "\"KeySchema\": [{\"AttributeName\": \"id\", \"KeyType\": "
                                                    "\"HASH\"}], \"AttributeDefinitions\": [{\"AttributeName\": "
                                                    "\"id\", \"AttributeType\": \"S\"}], \"BillingMode\": "
                                                    "\"PAY_PER_REQUEST\", \"items\": [{\"x\": {\"S\": \"1\"}}]}]}}",
                                                    err, sizeof err),
                         0);
    assert_non_null(strstr(err, "Missing the key id"));
    /* a fixture table is checked as CreateTable's input is: a key schema
     * element without AttributeName once crashed the server */
    assert_int_not_equal(mockaws_load_fixtures_json(s,
                                                    "{\"dynamodb\": {\"tables\": [{\"TableName\": \"orders\", "
                                                    "\"BillingMode\": \"PAY_PER_REQUEST\", \"KeySchema\": "
                                                    "[{\"KeyType\": \"HASH\"}], \"AttributeDefinitions\": "
                                                    "[{\"AttributeName\": \"customer\", \"AttributeType\": \"S\"}]}]}}",
                                                    err, sizeof err),
                         0);
    assert_non_null(strstr(err, "table orders: 1 validation error detected: Value null at "
                                "'keySchema.1.member.attributeName' failed to satisfy constraint: Member must not be null"));
    mockaws_reset(s);
    mockaws_clock_virtual(s, 1);
}

static void bad_input_never_crashes(void **st)
{
    server *s = *st;
    fresh(s);
    make_things(s);
    const char *bodies[] = {
        "{\"TableName\": \"things\", \"Item\": {\"pk\": {\"S\": \"p\", \"N\": \"1\"}, \"sk\": {\"N\": \"1\"}}}",
        "{\"TableName\": \"things\", \"Item\": {\"pk\": {}, \"sk\": {\"N\": \"1\"}}}",
        "{\"TableName\": \"things\", \"Item\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1\"}, \"l\": {\"L\": [null]}}}",
        "{\"TableName\": \"things\", \"Item\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1\"}, \"s\": {\"SS\": [null]}}}",
        "{\"TableName\": \"things\", \"Item\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1\"}}, "
        "\"ConditionExpression\": \"((((\"}",
        "{\"TableName\": \"things\", \"Item\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1\"}}, "
        "\"ConditionExpression\": \"a[99999999999999] = b\"}",
        "{\"TableName\": \"things\", \"Item\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1\"}}, "
        "\"ConditionExpression\": \"\\u00e9 = \\u20ac\"}",
        "{\"TableName\": \"things\", \"Item\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1\"}}, "
        "\"ExpressionAttributeValues\": {\":v\": {\"NULL\": false}}, \"ConditionExpression\": \"a = :v\"}",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bodies); i++) {
        answer a = call(s, "PutItem", bodies[i]);
        if (a.status != 400)
            fail_msg("%s answered %d", bodies[i], a.status);
        answer_free(&a);
    }
    const char *updates[] = {"SET", "SET a =", "REMOVE", "ADD a", "SET a = b +", "SET a[1 = :v", "DELETE a :v, ",
                             "SET a = list_append(", "SET #", "SET a = :v REMOVE #"};
    for (size_t i = 0; i < G_N_ELEMENTS(updates); i++) {
        char *body = g_strdup_printf("{\"TableName\": \"things\", \"Key\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": "
                                     "\"1\"}}, \"UpdateExpression\": \"%s\", \"ExpressionAttributeValues\": {\":v\": "
                                     "{\"SS\": [\"x\"]}}}",
                                     updates[i]);
        answer a = call(s, "UpdateItem", body);
        if (a.status != 400 || strcmp(a.type, "ValidationException") != 0)
            fail_msg("%s answered %d", updates[i], a.status);
        answer_free(&a);
        g_free(body);
    }
    drop(s, "things");
}

/* A JSON array of n strings "<prefix><i>" (then the last once more when
 * dup: a pairwise check finds it last), as text appended to b. */
static void append_names(GString *b, const char *prefix, int n, bool dup)
{
    g_string_append_c(b, '[');
    for (int i = 0; i < n + dup; i++)
        g_string_append_printf(b, "%s\"%s%d\"", i ? ", " : "", prefix, i < n ? i : n - 1);
    g_string_append_c(b, ']');
}

static const char *const KEY = "\"Key\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1\"}}";

/* AttributesToGet of n names, the last a repeat of the one before */
static void duplicate_names(void *ctx, int n)
{
    GString *b = g_string_new(NULL);
    g_string_printf(b, "{\"TableName\": \"things\", %s, \"AttributesToGet\": ", KEY);
    append_names(b, "a", n, true);
    g_string_append_c(b, '}');
    answer a = call(ctx, "GetItem", b->str);
    assert_int_equal(a.status, 400);
    char want[128];
    g_snprintf(want, sizeof want, "One or more parameter values were invalid: Duplicate value in attribute name: a%d",
               n - 1);
    assert_string_equal(a.message, want);
    answer_free(&a);
    g_string_free(b, TRUE);
}

/* A string set of n added to one of n, then compared and taken away again
 * (only the two updates count: the PutItem is the same whichever way) */
static void set_add_and_delete(void *ctx, int n)
{
    server *s = ctx;
    GString *b = g_string_new("{\"TableName\": \"things\", \"Item\": {\"pk\": {\"S\": \"p\"}, \"sk\": {\"N\": \"1\"}, "
                              "\"s\": {\"SS\": ");
    append_names(b, "x", n, false);
    g_string_append(b, "}}}");
    json_decref(expect_ok(s, "PutItem", b->str));
    g_string_printf(b, "{\"TableName\": \"things\", %s, \"UpdateExpression\": \"ADD s :more\", "
                       "\"ExpressionAttributeValues\": {\":more\": {\"SS\": ", KEY);
    append_names(b, "y", n, false);
    g_string_append(b, "}}}");
    answer a = call(s, "UpdateItem", b->str);
    assert_int_equal(a.status, 200);
    answer_free(&a);
    g_string_printf(b, "{\"TableName\": \"things\", %s, \"UpdateExpression\": \"DELETE s :gone\", "
                       "\"ConditionExpression\": \"s <> :gone\", \"ExpressionAttributeValues\": {\":gone\": {\"SS\": ", KEY);
    append_names(b, "y", n, false);
    g_string_append(b, "}}, \"ReturnValues\": \"UPDATED_NEW\"}");
    a = call(s, "UpdateItem", b->str);
    assert_int_equal(a.status, 200);
    assert_int_equal(json_array_size(json_object_get(json_object_get(json_object_get(a.body, "Attributes"), "s"), "SS")),
                     (size_t)n);
    answer_free(&a);
    g_string_free(b, TRUE);
}

/* n tags at once: the limit of 50 stops the merge */
static void too_many_tags(void *ctx, int n)
{
    GString *b = g_string_new("{\"ResourceArn\": \"arn:aws:dynamodb:us-east-1:123456789012:table/things\", \"Tags\": [");
    for (int i = 0; i < n; i++)
        g_string_append_printf(b, "%s{\"Key\": \"k%d\", \"Value\": \"v\"}", i ? ", " : "", i);
    g_string_append(b, "]}");
    answer a = call(ctx, "TagResource", b->str);
    assert_int_equal(a.status, 400);
    assert_string_equal(a.type, "LimitExceededException");
    answer_free(&a);
    g_string_free(b, TRUE);
}

/* Duplicate checks and set operations are one pass over a hash set: the
 * 40000-name AttributesToGet took 11.6 s pairwise. */
static void long_lists_are_checked_in_one_pass(void **st)
{
    server *s = *st;
    make_things(s);
    assert_true(linear_in_size(duplicate_names, s, 40000));
    assert_true(linear_in_size(set_add_and_delete, s, 20000));

    /* numbers are one member by value, whatever their spelling */
    json_decref(expect_ok(s, "PutItem", "{\"TableName\": \"things\", \"Item\": {\"pk\": {\"S\": \"n\"}, \"sk\": {\"N\": "
                                        "\"1\"}, \"ns\": {\"NS\": [\"1\", \"2.50\"]}}}"));
    answer a = call(s, "UpdateItem", "{\"TableName\": \"things\", \"Key\": {\"pk\": {\"S\": \"n\"}, \"sk\": {\"N\": \"1\"}}, "
                              "\"UpdateExpression\": \"ADD ns :n\", \"ConditionExpression\": \"ns = :same\", "
                              "\"ExpressionAttributeValues\": {\":n\": {\"NS\": [\"1.0\", \"3\"]}, \":same\": {\"NS\": "
                              "[\"2.5\", \"01\"]}}, \"ReturnValues\": \"UPDATED_NEW\"}");
    assert_int_equal(a.status, 200);
    assert_int_equal(json_array_size(json_object_get(json_object_get(json_object_get(a.body, "Attributes"), "ns"), "NS")),
                     3);
    answer_free(&a);

    assert_true(linear_in_size(too_many_tags, s, 20000));
    drop(s, "things");
}

/* UpdateTable as DynamoDB does it (issue 14): the old throughput is
 * described while UPDATING, the new one after; too many index creations or
 * deletions are refused before the indexes they name are looked for. */
static void update_table_transitions(void **st)
{
    server *s = *st;
    fresh(s);
    make_things(s);
    json_t *r = okq(s, "UpdateTable", "{'TableName': 'things', 'ProvisionedThroughput': "
                                      "{'ReadCapacityUnits': 10, 'WriteCapacityUnits': 7}}");
    assert_string_equal(AT_STR(r, "TableDescription", "TableStatus"), "UPDATING");
    assert_int_equal(AT_INT(r, "TableDescription", "ProvisionedThroughput", "ReadCapacityUnits"), 5);
    assert_int_equal(AT_INT(r, "TableDescription", "ProvisionedThroughput", "WriteCapacityUnits"), 5);
    json_decref(r);
    r = okq(s, "DescribeTable", "{'TableName': 'things'}");
    assert_int_equal(AT_INT(r, "Table", "ProvisionedThroughput", "ReadCapacityUnits"), 5);
    json_decref(r);
    mockaws_clock_advance(s, 10000);
    r = okq(s, "DescribeTable", "{'TableName': 'things'}");
    assert_string_equal(AT_STR(r, "Table", "TableStatus"), "ACTIVE");
    assert_int_equal(AT_INT(r, "Table", "ProvisionedThroughput", "ReadCapacityUnits"), 10);
    assert_int_equal(AT_INT(r, "Table", "ProvisionedThroughput", "WriteCapacityUnits"), 7);
    json_decref(r);
    /* an index's throughput alike */
    r = okq(s, "UpdateTable", "{'TableName': 'things', 'GlobalSecondaryIndexUpdates': [{'Update': {'IndexName': "
                              "'byG', 'ProvisionedThroughput': {'ReadCapacityUnits': 3, 'WriteCapacityUnits': 4}}}]}");
    json_decref(r);
    r = okq(s, "DescribeTable", "{'TableName': 'things'}");
    assert_string_equal(AT_STR(r, "Table", "GlobalSecondaryIndexes", "0", "IndexStatus"), "UPDATING");
    assert_int_equal(AT_INT(r, "Table", "GlobalSecondaryIndexes", "0", "ProvisionedThroughput", "ReadCapacityUnits"), 1);
    assert_int_equal(AT_INT(r, "Table", "ProvisionedThroughput", "ReadCapacityUnits"), 10);
    json_decref(r);
    mockaws_clock_advance(s, 10000);
    r = okq(s, "DescribeTable", "{'TableName': 'things'}");
    assert_int_equal(AT_INT(r, "Table", "GlobalSecondaryIndexes", "0", "ProvisionedThroughput", "ReadCapacityUnits"), 3);
    assert_int_equal(AT_INT(r, "Table", "GlobalSecondaryIndexes", "0", "ProvisionedThroughput", "WriteCapacityUnits"), 4);
    json_decref(r);
    /* two deletions of indexes that do not exist: the limit first */
    const char *limit = "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table";
    errq(s, "UpdateTable", "LimitExceededException", limit,
         "{'TableName': 'things', 'GlobalSecondaryIndexUpdates': [{'Delete': {'IndexName': 'nope1'}}, "
         "{'Delete': {'IndexName': 'nope2'}}]}");
    errq(s, "UpdateTable", "ResourceNotFoundException", "Requested resource not found: Index: nope1 not found",
         "{'TableName': 'things', 'GlobalSecondaryIndexUpdates': [{'Delete': {'IndexName': 'nope1'}}]}");
    /* a creation of an index that exists with a deletion of one that does
     * not: the limit, before either is looked at */
    errq(s, "UpdateTable", "LimitExceededException", limit,
         "{'TableName': 'things', 'GlobalSecondaryIndexUpdates': [{'Create': {'IndexName': 'byG', 'KeySchema': "
         "[{'AttributeName': 'g', 'KeyType': 'HASH'}], 'Projection': {'ProjectionType': 'ALL'}, "
         "'ProvisionedThroughput': {'ReadCapacityUnits': 1, 'WriteCapacityUnits': 1}}}, "
         "{'Delete': {'IndexName': 'nope'}}]}");
    fresh(s);
}

/* Point-in-time recovery settings as DynamoDB answers them (issue 14). */
static void continuous_backups(void **st)
{
    server *s = *st;
    fresh(s);
    fixture_q(s, "{'dynamodb': {'tables': [{'TableName': 'pitr', 'BillingMode': 'PAY_PER_REQUEST', "
                 "'KeySchema': [{'AttributeName': 'pk', 'KeyType': 'HASH'}], "
                 "'AttributeDefinitions': [{'AttributeName': 'pk', 'AttributeType': 'S'}]}]}}");
    json_t *r = okq(s, "DescribeContinuousBackups", "{'TableName': 'pitr'}");
    assert_string_equal(AT_STR(r, "ContinuousBackupsDescription", "ContinuousBackupsStatus"), "ENABLED");
    assert_string_equal(
        AT_STR(r, "ContinuousBackupsDescription", "PointInTimeRecoveryDescription", "PointInTimeRecoveryStatus"),
        "DISABLED");
    assert_null(AT(r, "ContinuousBackupsDescription", "PointInTimeRecoveryDescription", "RecoveryPeriodInDays"));
    json_decref(r);
    errq(s, "DescribeContinuousBackups", "TableNotFoundException", "Table not found: nosuch", "{'TableName': 'nosuch'}");
    errq(s, "UpdateContinuousBackups", "TableNotFoundException", "Table not found: nosuch",
         "{'TableName': 'nosuch', 'PointInTimeRecoverySpecification': {'PointInTimeRecoveryEnabled': true}}");
    /* the model's checks: the specification and its flag are required, the period is 1 to 35 */
    errq(s, "UpdateContinuousBackups", "ValidationException", NULL, "{'TableName': 'pitr'}");
    errq(s, "UpdateContinuousBackups", "ValidationException", NULL,
         "{'TableName': 'pitr', 'PointInTimeRecoverySpecification': {'PointInTimeRecoveryEnabled': true, "
         "'RecoveryPeriodInDays': 36}}");

    int64_t t0 = mockaws_clock_now_ms(s);
    r = okq(s, "UpdateContinuousBackups",
            "{'TableName': 'pitr', 'PointInTimeRecoverySpecification': {'PointInTimeRecoveryEnabled': true}}");
    json_t *p = AT(r, "ContinuousBackupsDescription", "PointInTimeRecoveryDescription");
    assert_string_equal(AT_STR(p, "PointInTimeRecoveryStatus"), "ENABLED");
    assert_int_equal(AT_INT(p, "RecoveryPeriodInDays"), 35);
    /* just enabled: the window is the moment it was enabled */
    assert_true(json_real_value(AT(p, "EarliestRestorableDateTime")) == (double)t0 / 1000.0);
    assert_true(json_real_value(AT(p, "LatestRestorableDateTime")) == (double)t0 / 1000.0);
    json_decref(r);
    /* an hour on, the latest point trails the clock by five minutes; the
     * ARN names the table too */
    mockaws_clock_advance(s, 3600 * 1000);
    r = okq(s, "DescribeContinuousBackups", "{'TableName': 'arn:aws:dynamodb:us-east-1:123456789012:table/pitr'}");
    p = AT(r, "ContinuousBackupsDescription", "PointInTimeRecoveryDescription");
    assert_true(json_real_value(AT(p, "EarliestRestorableDateTime")) == (double)t0 / 1000.0);
    assert_true(json_real_value(AT(p, "LatestRestorableDateTime")) == (double)(t0 + 3300 * 1000) / 1000.0);
    json_decref(r);
    /* a shorter period; the setting travels in the state dump */
    doq(s, "UpdateContinuousBackups",
        "{'TableName': 'pitr', 'PointInTimeRecoverySpecification': {'PointInTimeRecoveryEnabled': true, "
        "'RecoveryPeriodInDays': 7}}");
    char *dump = mockaws_state_json(s);
    assert_non_null(strstr(dump, "\"RecoveryPeriodInDays\":"));
    assert_non_null(strstr(dump, "PointInTimeRecoverySpecification"));
    fresh(s);
    assert_int_equal(mockaws_control(s, "POST", "state", dump, NULL), 200);
    mockaws_free(dump);
    r = okq(s, "DescribeContinuousBackups", "{'TableName': 'pitr'}");
    assert_int_equal(AT_INT(r, "ContinuousBackupsDescription", "PointInTimeRecoveryDescription", "RecoveryPeriodInDays"), 7);
    json_decref(r);
    r = okq(s, "UpdateContinuousBackups",
            "{'TableName': 'pitr', 'PointInTimeRecoverySpecification': {'PointInTimeRecoveryEnabled': false}}");
    assert_string_equal(
        AT_STR(r, "ContinuousBackupsDescription", "PointInTimeRecoveryDescription", "PointInTimeRecoveryStatus"),
        "DISABLED");
    json_decref(r);
    char *err = NULL;
    assert_int_equal(mockaws_control(s, "POST", "state",
                                     "{\"dynamodb\": {\"tables\": [{\"TableName\": \"bad\", "
                                     "\"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}], "
                                     "\"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}], "
                                     "\"BillingMode\": \"PAY_PER_REQUEST\", "
                                     "\"PointInTimeRecoverySpecification\": {\"PointInTimeRecoveryEnabled\": \"yes\"}}]}}",
                                     &err),
                     400);
    assert_non_null(strstr(err, "PointInTimeRecoverySpecification"));
    mockaws_free(err);
    fresh(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_describe_lifecycle), cmocka_unit_test(create_validation),
        cmocka_unit_test(items_and_keys),            cmocka_unit_test(conditions_and_return_values),
        cmocka_unit_test(list_tables_pages),         cmocka_unit_test(update_table_and_tags),
        cmocka_unit_test(fixtures_round_trip),       cmocka_unit_test(bad_input_never_crashes),
        cmocka_unit_test(long_lists_are_checked_in_one_pass),
        cmocka_unit_test(continuous_backups),
        cmocka_unit_test(update_table_transitions),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
