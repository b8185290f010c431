/* DynamoDB Query and Scan through the whole pipeline: key conditions in
 * DynamoDB's sort order for numbers, strings and binaries, paging in both
 * directions, the 1 MB page, filters, projections, Select, the legacy
 * parameters, parallel scan segments, secondary indexes kept in step with
 * every write, and time to live. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/server.h"

#include "test_dynamodb_call.h"

/* The values of one attribute of an answer's Items, joined by ",". */
static char *values_of(json_t *r, const char *attr)
{
    GString *s = g_string_new(NULL);
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r, "Items"), i, it) {
        json_t *v = json_object_get(it, attr);
        void *iter = json_is_object(v) ? json_object_iter(v) : NULL;
        const char *text = iter ? json_string_value(json_object_iter_value(iter)) : NULL;
        g_string_append_printf(s, "%s%s", i ? "," : "", text ? text : "?");
    }
    return g_string_free(s, FALSE);
}

/* Queries and checks the sort keys it answers (want: "a,b,c"). */
static json_t *query_is(server *s, const char *want, const char *attr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *b = q_body(fmt, ap);
    va_end(ap);
    json_t *r = expect_ok(s, "Query", b);
    char *got = values_of(r, attr);
    if (strcmp(got, want) != 0)
        fail_msg("Query %s:\n  got  %s\n  want %s", b, got, want);
    g_free(got);
    g_free(b);
    return r;
}

#define NUMS_TABLE                                                                                         \
    "{'dynamodb': {'tables': [{'TableName': 'nums', 'BillingMode': 'PAY_PER_REQUEST', "                  \
    "'KeySchema': [{'AttributeName': 'pk', 'KeyType': 'HASH'}, {'AttributeName': 'sk', 'KeyType': 'RANGE'}], " \
    "'AttributeDefinitions': [{'AttributeName': 'pk', 'AttributeType': 'S'}, {'AttributeName': 'sk', "    \
    "'AttributeType': 'N'}], 'items': ["                                                                  \
    "{'pk': {'S': 'p'}, 'sk': {'N': '100'}}, {'pk': {'S': 'p'}, 'sk': {'N': '-20'}}, "                     \
    "{'pk': {'S': 'p'}, 'sk': {'N': '2.5'}}, {'pk': {'S': 'p'}, 'sk': {'N': '-0.5'}}, "                    \
    "{'pk': {'S': 'p'}, 'sk': {'N': '99.99'}}, {'pk': {'S': 'p'}, 'sk': {'N': '0'}}, "                     \
    "{'pk': {'S': 'p'}, 'sk': {'N': '-3'}}, {'pk': {'S': 'p'}, 'sk': {'N': '10'}}, "                       \
    "{'pk': {'S': 'q'}, 'sk': {'N': '1'}}]}]}}"

#define Q_NUMS(cond, extra) \
    "{'TableName': 'nums', 'KeyConditionExpression': 'pk = :p" cond "', 'ExpressionAttributeValues': {':p': {'S': 'p'}" extra "}"

static void number_sort_keys(void **st)
{
    server *s = *st;
    fresh(s);
    fixture_q(s, NUMS_TABLE);
    json_t *r;
    r = query_is(s, "-20,-3,-0.5,0,2.5,10,99.99,100", "sk", Q_NUMS("", "}"));
    assert_int_equal(AT_INT(r, "Count"), 8);
    assert_int_equal(AT_INT(r, "ScannedCount"), 8);
    assert_null(AT(r, "LastEvaluatedKey"));
    json_decref(r);
    json_decref(query_is(s, "-20,-3,-0.5", "sk", Q_NUMS(" AND sk < :v", ", ':v': {'N': '0'}}")));
    json_decref(query_is(s, "-20,-3,-0.5,0", "sk", Q_NUMS(" AND sk <= :v", ", ':v': {'N': '0'}}")));
    json_decref(query_is(s, "99.99,100", "sk", Q_NUMS(" AND sk > :v", ", ':v': {'N': '10'}}")));
    json_decref(query_is(s, "10,99.99,100", "sk", Q_NUMS(" AND sk >= :v", ", ':v': {'N': '1e1'}}")));
    json_decref(query_is(s, "2.5", "sk", Q_NUMS(" AND sk = :v", ", ':v': {'N': '2.50'}}")));
    json_decref(query_is(s, "", "sk", Q_NUMS(" AND sk = :v", ", ':v': {'N': '3'}}")));
    json_decref(query_is(s, "-3,-0.5,0,2.5,10", "sk", Q_NUMS(" AND sk BETWEEN :a AND :b", ", ':a': {'N': '-3'}, ':b': {'N': '10'}}")));
    /* "value op key" reads as "key op' value" */
    json_decref(query_is(s, "99.99,100", "sk", Q_NUMS(" AND :v < sk", ", ':v': {'N': '10'}}")));
    json_decref(query_is(s, "2.5,0,-0.5,-3,-20", "sk", Q_NUMS(" AND sk < :v", ", ':v': {'N': '10'}}, 'ScanIndexForward': false")));
    json_decref(query_is(s, "1", "sk", "{'TableName': 'nums', 'KeyConditionExpression': 'pk = :p', "
                                       "'ExpressionAttributeValues': {':p': {'S': 'q'}}}"));
    json_decref(query_is(s, "", "sk", "{'TableName': 'nums', 'KeyConditionExpression': 'pk = :p', "
                                      "'ExpressionAttributeValues': {':p': {'S': 'nobody'}}}"));

    /* backwards in pages of two */
    r = query_is(s, "100,99.99", "sk", Q_NUMS(" AND sk >= :v", ", ':v': {'N': '0'}}, 'ScanIndexForward': false, 'Limit': 2"));
    assert_string_equal(AT_STR(r, "LastEvaluatedKey", "sk", "N"), "99.99");
    assert_string_equal(AT_STR(r, "LastEvaluatedKey", "pk", "S"), "p");
    json_decref(r);
    r = query_is(s, "10,2.5", "sk",
                 Q_NUMS(" AND sk >= :v", ", ':v': {'N': '0'}}, 'ScanIndexForward': false, 'Limit': 2, "
                                         "'ExclusiveStartKey': {'pk': {'S': 'p'}, 'sk': {'N': '99.99'}}"));
    assert_string_equal(AT_STR(r, "LastEvaluatedKey", "sk", "N"), "2.5");
    json_decref(r);
    r = query_is(s, "0", "sk",
                 Q_NUMS(" AND sk >= :v", ", ':v': {'N': '0'}}, 'ScanIndexForward': false, 'Limit': 2, "
                                         "'ExclusiveStartKey': {'pk': {'S': 'p'}, 'sk': {'N': '2.5'}}"));
    assert_null(AT(r, "LastEvaluatedKey"));
    json_decref(r);

    /* forwards: a page that ends exactly at the last item still says where it stopped */
    r = query_is(s, "10,99.99,100", "sk", Q_NUMS(" AND sk > :v", ", ':v': {'N': '2.5'}}, 'Limit': 3"));
    assert_string_equal(AT_STR(r, "LastEvaluatedKey", "sk", "N"), "100");
    json_decref(r);
    r = query_is(s, "", "sk", Q_NUMS(" AND sk > :v", ", ':v': {'N': '2.5'}}, 'Limit': 3, "
                                                  "'ExclusiveStartKey': {'pk': {'S': 'p'}, 'sk': {'N': '100'}}"));
    assert_int_equal(AT_INT(r, "Count"), 0);
    assert_null(AT(r, "LastEvaluatedKey"));
    json_decref(r);
    /* a start key between stored keys */
    json_decref(query_is(s, "2.5,10", "sk", Q_NUMS("", "}, 'Limit': 2, 'ExclusiveStartKey': {'pk': {'S': 'p'}, 'sk': {'N': '1'}}")));
}

#define STRS_TABLE                                                                                         \
    "{'dynamodb': {'tables': [{'TableName': 'strs', 'BillingMode': 'PAY_PER_REQUEST', "                  \
    "'KeySchema': [{'AttributeName': 'pk', 'KeyType': 'HASH'}, {'AttributeName': 'sk', 'KeyType': 'RANGE'}], " \
    "'AttributeDefinitions': [{'AttributeName': 'pk', 'AttributeType': 'S'}, {'AttributeName': 'sk', "    \
    "'AttributeType': 'S'}], 'items': ["                                                                  \
    "{'pk': {'S': 'p'}, 'sk': {'S': 'b'}}, {'pk': {'S': 'p'}, 'sk': {'S': 'abd'}}, "                       \
    "{'pk': {'S': 'p'}, 'sk': {'S': 'a'}}, {'pk': {'S': 'p'}, 'sk': {'S': 'ac'}}, "                        \
    "{'pk': {'S': 'p'}, 'sk': {'S': 'ab'}}, {'pk': {'S': 'p'}, 'sk': {'S': 'abc'}}, "                      \
    "{'pk': {'S': 'p'}, 'sk': {'S': 'B'}}, {'pk': {'S': 'p'}, 'sk': {'S': '\\u00e9t\\u00e9'}}]}, "         \
    "{'TableName': 'bins', 'BillingMode': 'PAY_PER_REQUEST', "                                             \
    "'KeySchema': [{'AttributeName': 'pk', 'KeyType': 'HASH'}, {'AttributeName': 'sk', 'KeyType': 'RANGE'}], " \
    "'AttributeDefinitions': [{'AttributeName': 'pk', 'AttributeType': 'B'}, {'AttributeName': 'sk', "    \
    "'AttributeType': 'B'}], 'items': ["                                                                  \
    "{'pk': {'B': 'AA=='}, 'sk': {'B': '/w=='}}, {'pk': {'B': 'AA=='}, 'sk': {'B': 'AA=='}}, "              \
    "{'pk': {'B': 'AA=='}, 'sk': {'B': 'fw=='}}, {'pk': {'B': 'AA=='}, 'sk': {'B': 'gA=='}}, "              \
    "{'pk': {'B': 'AA=='}, 'sk': {'B': '/wE='}}, {'pk': {'B': 'AA=='}, 'sk': {'B': 'AQ=='}}]}]}}"

#define Q_STRS(cond, extra) \
    "{'TableName': 'strs', 'KeyConditionExpression': 'pk = :p" cond "', 'ExpressionAttributeValues': {':p': {'S': 'p'}" extra "}"

static void string_and_binary_sort_keys(void **st)
{
    server *s = *st;
    fresh(s);
    fixture_q(s, STRS_TABLE);
    /* bytewise: upper case first, UTF-8 after ASCII */
    json_decref(query_is(s, "B,a,ab,abc,abd,ac,b,\xc3\xa9t\xc3\xa9", "sk", Q_STRS("", "}")));
    json_decref(query_is(s, "a,ab,abc,abd,ac", "sk", Q_STRS(" AND begins_with(sk, :v)", ", ':v': {'S': 'a'}}")));
    json_decref(query_is(s, "ab,abc,abd", "sk", Q_STRS(" AND begins_with(sk, :v)", ", ':v': {'S': 'ab'}}")));
    json_decref(query_is(s, "abd,abc,ab", "sk",
                         Q_STRS(" AND begins_with(sk, :v)", ", ':v': {'S': 'ab'}}, 'ScanIndexForward': false")));
    json_decref(query_is(s, "\xc3\xa9t\xc3\xa9", "sk", Q_STRS(" AND begins_with(sk, :v)", ", ':v': {'S': '\\u00e9'}}")));
    json_decref(query_is(s, "ab,abc,abd,ac", "sk", Q_STRS(" AND sk BETWEEN :a AND :b", ", ':a': {'S': 'ab'}, ':b': {'S': 'ac'}}")));
    json_decref(query_is(s, "b,\xc3\xa9t\xc3\xa9", "sk", Q_STRS(" AND sk > :v", ", ':v': {'S': 'ac'}}")));

    /* binaries bytewise, the answer in base64; a prefix of 0xff has no successor */
    const char *q = "{'TableName': 'bins', 'KeyConditionExpression': 'pk = :p%s', "
                    "'ExpressionAttributeValues': {':p': {'B': 'AA=='}%s}%s}";
    json_t *r = okq(s, "Query", q, "", "", "");
    char *got = values_of(r, "sk");
    assert_string_equal(got, "AA==,AQ==,fw==,gA==,/w==,/wE=");
    g_free(got);
    json_decref(r);
    r = okq(s, "Query", q, " AND begins_with(sk, :v)", ", ':v': {'B': '/w=='}", ", 'ScanIndexForward': false");
    got = values_of(r, "sk");
    assert_string_equal(got, "/wE=,/w==");
    g_free(got);
    json_decref(r);
    r = okq(s, "Query", q, " AND sk < :v", ", ':v': {'B': 'gA=='}", "");
    got = values_of(r, "sk");
    assert_string_equal(got, "AA==,AQ==,fw==");
    g_free(got);
    json_decref(r);
}

static void pages_filters_projections(void **st)
{
    server *s = *st;
    fresh(s);
    /* 30 items of 100 KB in one partition: a page stops at 1 MB read */
    fixture_q(s, "{'dynamodb': {'tables': [{'TableName': 'big', 'BillingMode': 'PAY_PER_REQUEST', "
                 "'KeySchema': [{'AttributeName': 'pk', 'KeyType': 'HASH'}, {'AttributeName': 'sk', 'KeyType': 'RANGE'}], "
                 "'AttributeDefinitions': [{'AttributeName': 'pk', 'AttributeType': 'S'}, {'AttributeName': 'sk', "
                 "'AttributeType': 'N'}], 'generate': {'partition': 'p', 'count': 30, 'size': 100000}}]}}");
    json_t *r = okq(s, "Query", "{'TableName': 'big', 'KeyConditionExpression': 'pk = :p', "
                                "'ExpressionAttributeValues': {':p': {'S': 'p'}}, 'ProjectionExpression': 'sk'}");
    assert_int_equal(AT_INT(r, "Count"), 11);
    assert_int_equal(AT_INT(r, "ScannedCount"), 11);
    assert_string_equal(AT_STR(r, "LastEvaluatedKey", "sk", "N"), "10");
    assert_null(AT(r, "Items", "0", "data"));
    assert_non_null(AT(r, "Items", "0", "sk"));
    json_decref(r);
    r = okq(s, "Scan", "{'TableName': 'big', 'Select': 'COUNT'}");
    assert_int_equal(AT_INT(r, "Count"), 11);
    assert_null(AT(r, "Items"));
    assert_non_null(AT(r, "LastEvaluatedKey"));
    json_decref(r);

    fixture_q(s, NUMS_TABLE);
    fixture_q(s, "{'dynamodb': {'tables': [{'TableName': 'attrs', 'BillingMode': 'PAY_PER_REQUEST', "
                 "'KeySchema': [{'AttributeName': 'pk', 'KeyType': 'HASH'}, {'AttributeName': 'sk', 'KeyType': 'RANGE'}], "
                 "'AttributeDefinitions': [{'AttributeName': 'pk', 'AttributeType': 'S'}, {'AttributeName': 'sk', "
                 "'AttributeType': 'N'}], 'items': ["
                 "{'pk': {'S': 'p'}, 'sk': {'N': '1'}, 'color': {'S': 'red'}, 'n': {'N': '5'}, 'm': {'M': {'x': {'L': [{'S': 'a'}, {'S': 'b'}]}}}}, "
                 "{'pk': {'S': 'p'}, 'sk': {'N': '2'}, 'color': {'S': 'blue'}, 'n': {'N': '7'}}, "
                 "{'pk': {'S': 'p'}, 'sk': {'N': '3'}, 'color': {'S': 'red'}, 'n': {'N': '9'}}, "
                 "{'pk': {'S': 'p'}, 'sk': {'N': '4'}}]}]}}");
    /* Count after the filter, ScannedCount before; Limit counts what was read */
    r = query_is(s, "1", "sk", "{'TableName': 'attrs', 'KeyConditionExpression': 'pk = :p', 'FilterExpression': "
                               "'color = :c', 'ExpressionAttributeValues': {':p': {'S': 'p'}, ':c': {'S': 'red'}}, 'Limit': 2}");
    assert_int_equal(AT_INT(r, "Count"), 1);
    assert_int_equal(AT_INT(r, "ScannedCount"), 2);
    assert_string_equal(AT_STR(r, "LastEvaluatedKey", "sk", "N"), "2");
    json_decref(r);
    r = query_is(s, "1,3", "sk", "{'TableName': 'attrs', 'KeyConditionExpression': 'pk = :p', 'FilterExpression': "
                                 "'color = :c AND n > :n0', 'ExpressionAttributeValues': {':p': {'S': 'p'}, ':c': {'S': 'red'}, "
                                 "':n0': {'N': '1'}}}");
    assert_int_equal(AT_INT(r, "ScannedCount"), 4);
    json_decref(r);
    r = okq(s, "Query", "{'TableName': 'attrs', 'KeyConditionExpression': 'pk = :p', 'ProjectionExpression': "
                        "'#m.x[1], color', 'ExpressionAttributeNames': {'#m': 'm'}, "
                        "'ExpressionAttributeValues': {':p': {'S': 'p'}}, 'Limit': 1}");
    assert_string_equal(AT_STR(r, "Items", "0", "m", "M", "x", "L", "0", "S"), "b");
    assert_string_equal(AT_STR(r, "Items", "0", "color", "S"), "red");
    assert_null(AT(r, "Items", "0", "sk"));
    json_decref(r);
    r = okq(s, "Query", "{'TableName': 'attrs', 'KeyConditionExpression': 'pk = :p', 'Select': 'COUNT', "
                        "'FilterExpression': 'attribute_not_exists(color)', 'ExpressionAttributeValues': {':p': {'S': 'p'}}}");
    assert_int_equal(AT_INT(r, "Count"), 1);
    assert_null(AT(r, "Items"));
    json_decref(r);
    r = okq(s, "Query", "{'TableName': 'attrs', 'KeyConditionExpression': 'pk = :p', 'Select': 'SPECIFIC_ATTRIBUTES', "
                        "'ProjectionExpression': 'n', 'ExpressionAttributeValues': {':p': {'S': 'p'}}, "
                        "'ReturnConsumedCapacity': 'TOTAL', 'ConsistentRead': true}");
    assert_int_equal(json_object_size(AT(r, "Items", "0")), 1);
    assert_true(json_number_value(AT(r, "ConsumedCapacity", "CapacityUnits")) == 1.0);
    json_decref(r);

    /* the legacy parameters */
    r = query_is(s, "3,4", "sk", "{'TableName': 'attrs', 'KeyConditions': {'pk': {'ComparisonOperator': 'EQ', "
                               "'AttributeValueList': [{'S': 'p'}]}, 'sk': {'ComparisonOperator': 'GT', "
                               "'AttributeValueList': [{'N': '1'}]}}, 'QueryFilter': {'color': {'ComparisonOperator': 'EQ', "
                               "'AttributeValueList': [{'S': 'red'}]}, 'n': {'ComparisonOperator': 'NULL'}}, "
                               "'ConditionalOperator': 'OR', 'AttributesToGet': ['sk', 'color']}");
    json_decref(r);
    r = okq(s, "Query", "{'TableName': 'attrs', 'KeyConditions': {'pk': {'ComparisonOperator': 'EQ', "
                        "'AttributeValueList': [{'S': 'p'}]}}, 'QueryFilter': {'color': {'ComparisonOperator': 'EQ', "
                        "'AttributeValueList': [{'S': 'red'}]}, 'n': {'ComparisonOperator': 'NULL'}}, "
                        "'ConditionalOperator': 'OR', 'AttributesToGet': ['sk', 'color']}");
    char *got = values_of(r, "sk");
    assert_string_equal(got, "1,3,4");
    g_free(got);
    assert_null(AT(r, "Items", "0", "n"));
    json_decref(r);
    /* KeyConditions may go with the other expressions */
    json_decref(query_is(s, "2", "sk", "{'TableName': 'attrs', 'KeyConditions': {'pk': {'ComparisonOperator': 'EQ', "
                                       "'AttributeValueList': [{'S': 'p'}]}}, 'FilterExpression': 'color = :c', "
                                       "'ExpressionAttributeValues': {':c': {'S': 'blue'}}}"));
    json_decref(query_is(s, "1,2", "sk", "{'TableName': 'attrs', 'KeyConditions': {'pk': {'ComparisonOperator': 'EQ', "
                                         "'AttributeValueList': [{'S': 'p'}]}, 'sk': {'ComparisonOperator': 'BETWEEN', "
                                         "'AttributeValueList': [{'N': '1'}, {'N': '2'}]}}}"));
    r = okq(s, "Scan", "{'TableName': 'attrs', 'ScanFilter': {'n': {'ComparisonOperator': 'GE', "
                       "'AttributeValueList': [{'N': '7'}]}}, 'AttributesToGet': ['n']}");
    assert_int_equal(AT_INT(r, "Count"), 2);
    assert_int_equal(AT_INT(r, "ScannedCount"), 4);
    json_decref(r);
}

#define QV(extra) "{'TableName': 'nums', 'ExpressionAttributeValues': {':p': {'S': 'p'}, ':v': {'N': '1'}}" extra "}"

static void query_validation(void **st)
{
    server *s = *st;
    fresh(s);
    fixture_q(s, NUMS_TABLE);
    fixture_q(s, "{'dynamodb': {'tables': [{'TableName': 'flat', 'BillingMode': 'PAY_PER_REQUEST', "
                 "'KeySchema': [{'AttributeName': 'pk', 'KeyType': 'HASH'}], "
                 "'AttributeDefinitions': [{'AttributeName': 'pk', 'AttributeType': 'S'}]}]}}");
    const char *v = "ValidationException";
    errq(s, "Query", v, "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.",
         "{'TableName': 'nums'}");
    errq(s, "Query", v, "Invalid operator used in KeyConditionExpression: OR", QV(", 'KeyConditionExpression': 'pk = :p OR sk = :v'"));
    errq(s, "Query", v, "Invalid operator used in KeyConditionExpression: NOT", QV(", 'KeyConditionExpression': 'pk = :p AND NOT sk = :v'"));
    errq(s, "Query", v, "Invalid operator used in KeyConditionExpression: <>", QV(", 'KeyConditionExpression': 'pk = :p AND sk <> :v'"));
    errq(s, "Query", v, "Invalid operator used in KeyConditionExpression: IN", QV(", 'KeyConditionExpression': 'pk = :p AND sk IN (:v)'"));
    errq(s, "Query", v, "Invalid operator used in KeyConditionExpression: attribute_exists",
         QV(", 'KeyConditionExpression': 'pk = :p AND attribute_exists(sk)', 'FilterExpression': 'x = :v'"));
    errq(s, "Query", v, "KeyConditionExpressions cannot contain nested operations",
         QV(", 'KeyConditionExpression': 'pk = :p AND size(sk) = :v'"));
    errq(s, "Query", v, "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition",
         QV(", 'KeyConditionExpression': 'pk = :p AND sk = otherattr', 'FilterExpression': 'x = :v'"));
    errq(s, "Query", v, "KeyConditionExpressions cannot have conditions on nested attributes",
         QV(", 'KeyConditionExpression': 'pk = :p AND sk.x = :v'"));
    errq(s, "Query", v, "Invalid condition in KeyConditionExpression: No key attribute specified",
         QV(", 'KeyConditionExpression': 'pk = :p AND :v = :v'"));
    errq(s, "Query", v, "KeyConditionExpressions must only contain one condition per key",
         QV(", 'KeyConditionExpression': 'pk = :p AND pk = :p', 'FilterExpression': 'x = :v'"));
    errq(s, "Query", v, "Conditions can be of length 1 or 2 only",
         QV(", 'KeyConditionExpression': 'pk = :p AND sk = :v AND x = :v'"));
    errq(s, "Query", v, "Query condition missed key schema element: pk", QV(", 'KeyConditionExpression': 'sk = :v', 'FilterExpression': 'x = :p'"));
    errq(s, "Query", v, "Query condition missed key schema element: sk", QV(", 'KeyConditionExpression': 'pk = :p AND x = :v'"));
    errq(s, "Query", v, "Query key condition not supported", QV(", 'KeyConditionExpression': 'pk > :p', 'FilterExpression': 'x = :v'"));
    errq(s, "Query", v, "Query key condition not supported",
         "{'TableName': 'flat', 'KeyConditionExpression': 'pk = :p AND x = :v', 'ExpressionAttributeValues': "
         "{':p': {'S': 'p'}, ':v': {'N': '1'}}}");
    errq(s, "Query", v, "One or more parameter values were invalid: Condition parameter type does not match schema type",
         QV(", 'KeyConditionExpression': 'pk = :v AND sk = :p'"));
    errq(s, "Query", v, "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N",
         QV(", 'KeyConditionExpression': 'pk = :p AND begins_with(sk, :v)'"));
    errq(s, "Query", v, "Attempted conditional constraint is not an indexable operation",
         "{'TableName': 'nums', 'KeyConditions': {'pk': {'ComparisonOperator': 'EQ', 'AttributeValueList': [{'S': 'p'}]}, "
         "'sk': {'ComparisonOperator': 'NE', 'AttributeValueList': [{'N': '1'}]}}}");
    errq(s, "Query", v, "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk",
         QV(", 'KeyConditionExpression': 'pk = :p', 'FilterExpression': 'sk = :v'"));
    errq(s, "Query", v, "QueryFilter can only contain non-primary key attributes: Primary key attribute: pk",
         "{'TableName': 'nums', 'KeyConditions': {'pk': {'ComparisonOperator': 'EQ', 'AttributeValueList': [{'S': 'p'}]}}, "
         "'QueryFilter': {'pk': {'ComparisonOperator': 'NOT_NULL'}}}");
    errq(s, "Query", v, "Can not use both expression and non-expression parameters in the same request: "
                        "Non-expression parameters: {QueryFilter} Expression parameters: {KeyConditionExpression}",
         "{'TableName': 'nums', 'KeyConditionExpression': 'pk = :p', 'ExpressionAttributeValues': {':p': {'S': 'p'}}, "
         "'QueryFilter': {'x': {'ComparisonOperator': 'NULL'}}}");
    errq(s, "Query", v, "Can not use both expression and non-expression parameters in the same request: "
                        "Non-expression parameters: {KeyConditions} Expression parameters: {KeyConditionExpression}",
         "{'TableName': 'nums', 'KeyConditionExpression': 'pk = :p', 'ExpressionAttributeValues': {':p': {'S': 'p'}}, "
         "'KeyConditions': {'pk': {'ComparisonOperator': 'EQ', 'AttributeValueList': [{'S': 'p'}]}}}");
    errq(s, "Query", v, "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName",
         QV(", 'KeyConditionExpression': 'pk = :p', 'FilterExpression': 'x = :v', 'Select': 'ALL_PROJECTED_ATTRIBUTES'"));
    errq(s, "Query", v, "Cannot specify the ProjectionExpression when choosing to get only the Count",
         QV(", 'KeyConditionExpression': 'pk = :p', 'FilterExpression': 'x = :v', 'Select': 'COUNT', 'ProjectionExpression': 'a'"));
    errq(s, "Query", v, "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES",
         QV(", 'KeyConditionExpression': 'pk = :p', 'FilterExpression': 'x = :v', 'Select': 'SPECIFIC_ATTRIBUTES'"));
    errq(s, "Query", v, "The table does not have the specified index: nope",
         QV(", 'KeyConditionExpression': 'pk = :p', 'FilterExpression': 'x = :v', 'IndexName': 'nope'"));
    errq(s, "Query", "ResourceNotFoundException", "Requested resource not found",
         "{'TableName': 'missing', 'KeyConditionExpression': 'pk = :p', 'ExpressionAttributeValues': {':p': {'S': 'p'}}}");
    /* start keys */
    errq(s, "Query", v, "The provided starting key is invalid",
         QV(", 'KeyConditionExpression': 'pk = :p', 'FilterExpression': 'x = :v', 'ExclusiveStartKey': {'pk': {'S': 'p'}}"));
    errq(s, "Query", v, "The provided key element does not match the schema",
         QV(", 'KeyConditionExpression': 'pk = :p', 'FilterExpression': 'x = :v', 'ExclusiveStartKey': {'pk': {'S': 'p'}, 'sk': {'S': '1'}}"));
    errq(s, "Query", v, "The provided starting key is outside query boundaries based on provided conditions",
         QV(", 'KeyConditionExpression': 'pk = :p', 'FilterExpression': 'x = :v', 'ExclusiveStartKey': {'pk': {'S': 'q'}, 'sk': {'N': '1'}}"));
    errq(s, "Query", v, "The provided starting key does not match the range key predicate",
         QV(", 'KeyConditionExpression': 'pk = :p AND sk > :v', 'ExclusiveStartKey': {'pk': {'S': 'p'}, 'sk': {'N': '0'}}"));
    errq(s, "Query", v, "The provided starting key is invalid: Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
         QV(", 'KeyConditionExpression': 'pk = :p AND sk > :v', 'ExclusiveStartKey': {'pk': {}, 'sk': {'N': '0'}}"));
    errq(s, "Query", v, "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: Key: sk",
         QV(", 'KeyConditionExpression': 'pk = :p', 'FilterExpression': 'x = :v', 'ProjectionExpression': 'sk.a'"));
    /* bad input answers, never crashes */
    const char *bodies[] = {
        "{'TableName': 'nums', 'KeyConditionExpression': '(((', 'ExpressionAttributeValues': {':p': {'S': 'p'}}}",
        "{'TableName': 'nums', 'KeyConditionExpression': 'pk = :p AND sk BETWEEN :p AND', 'ExpressionAttributeValues': {':p': {'S': 'p'}}}",
        "{'TableName': 'nums', 'KeyConditions': {'pk': {'ComparisonOperator': 'EQ'}}}",
        "{'TableName': 'nums', 'KeyConditions': {}}",
        "{'TableName': 'nums', 'KeyConditionExpression': 'pk = :p', 'ExpressionAttributeValues': {':p': {'S': 'p'}}, 'Limit': 0}",
        "{'TableName': 'nums', 'KeyConditionExpression': 'pk = :p', 'ExpressionAttributeValues': {':p': {'S': 'p'}}, 'ExclusiveStartKey': 5}",
        "{'TableName': 'nums', 'KeyConditionExpression': 'pk = :p', 'ExpressionAttributeValues': {':p': {'S': 'p'}}, 'ExclusiveStartKey': {'pk': {'S': 'p'}, 'sk': {'N': 'x'}}}",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bodies); i++) {
        answer a = callq(s, "Query", "%s", bodies[i]);
        if (a.status != 400)
            fail_msg("%s answered %d", bodies[i], a.status);
        answer_free(&a);
    }
}

static void scan_segments(void **st)
{
    server *s = *st;
    fresh(s);
    /* 300 items, each its own partition */
    fixture_q(s, "{'dynamodb': {'tables': [{'TableName': 'wide', 'BillingMode': 'PAY_PER_REQUEST', "
                 "'KeySchema': [{'AttributeName': 'id', 'KeyType': 'HASH'}], "
                 "'AttributeDefinitions': [{'AttributeName': 'id', 'AttributeType': 'S'}], "
                 "'generate': {'count': 300, 'size': 10}}]}}");
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    int per_segment[4] = {0};
    for (int seg = 0; seg < 4; seg++) {
        char *esk = NULL;
        int pages = 0;
        do {
            json_t *r = okq(s, "Scan", "{'TableName': 'wide', 'Segment': %d, 'TotalSegments': 4, 'Limit': 13%s%s%s}", seg,
                            esk ? ", 'ExclusiveStartKey': {'id': {'S': '" : "", esk ? esk : "", esk ? "'}}" : "");
            g_free(esk);
            esk = NULL;
            size_t i;
            json_t *it;
            json_array_foreach(AT(r, "Items"), i, it) {
                if (!g_hash_table_add(seen, g_strdup(AT_STR(it, "id", "S"))))
                    fail_msg("item %s in two segments or pages", AT_STR(it, "id", "S"));
                per_segment[seg]++;
            }
            if (AT(r, "LastEvaluatedKey"))
                esk = g_strdup(AT_STR(r, "LastEvaluatedKey", "id", "S"));
            json_decref(r);
            pages++;
        } while (esk && pages < 100);
    }
    /* disjoint and complete, and not all in one */
    assert_int_equal(g_hash_table_size(seen), 300);
    for (int seg = 0; seg < 4; seg++)
        assert_true(per_segment[seg] > 30);
    g_hash_table_destroy(seen);

    /* a start key of another segment */
    json_t *r = okq(s, "Scan", "{'TableName': 'wide', 'Segment': 0, 'TotalSegments': 2, 'Limit': 1}");
    const char *id = AT_STR(r, "LastEvaluatedKey", "id", "S");
    errq(s, "Scan", "ValidationException",
         "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct "
         "Segment. TotalSegments: 2 Segment: 1",
         "{'TableName': 'wide', 'Segment': 1, 'TotalSegments': 2, 'ExclusiveStartKey': {'id': {'S': '%s'}}}", id);
    json_decref(r);
    /* a start key whose item is gone resumes after where it was */
    r = okq(s, "Scan", "{'TableName': 'wide', 'Limit': 5}");
    char *last = g_strdup(AT_STR(r, "LastEvaluatedKey", "id", "S"));
    json_decref(r);
    r = okq(s, "Scan", "{'TableName': 'wide', 'Limit': 5, 'ExclusiveStartKey': {'id': {'S': '%s'}}}", last);
    char *want = values_of(r, "id");
    json_decref(r);
    doq(s, "DeleteItem", "{'TableName': 'wide', 'Key': {'id': {'S': '%s'}}}", last);
    r = okq(s, "Scan", "{'TableName': 'wide', 'Limit': 5, 'ExclusiveStartKey': {'id': {'S': '%s'}}}", last);
    char *got = values_of(r, "id");
    assert_string_equal(got, want);
    g_free(got);
    g_free(want);
    g_free(last);
    json_decref(r);

    const char *v = "ValidationException";
    errq(s, "Scan", v, "The TotalSegments parameter is required but was not present in the request when Segment parameter is present",
         "{'TableName': 'wide', 'Segment': 1}");
    errq(s, "Scan", v, "The Segment parameter is required but was not present in the request when parameter TotalSegments is present",
         "{'TableName': 'wide', 'TotalSegments': 2}");
    errq(s, "Scan", v, "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 2 is not less than TotalSegments: 2",
         "{'TableName': 'wide', 'Segment': 2, 'TotalSegments': 2}");
    errq(s, "Scan", v, "The provided starting key is invalid: The provided key element does not match the schema",
         "{'TableName': 'wide', 'ExclusiveStartKey': {'id': {'S': 'a'}, 'x': {'S': 'b'}}}");
    errq(s, "Scan", v, "Can not use both expression and non-expression parameters in the same request: "
                       "Non-expression parameters: {AttributesToGet} Expression parameters: {FilterExpression}",
         "{'TableName': 'wide', 'AttributesToGet': ['id'], 'FilterExpression': 'id = :v', 'ExpressionAttributeValues': {':v': {'S': 'a'}}}");
    errq(s, "Scan", v, "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName",
         "{'TableName': 'wide', 'Select': 'ALL_PROJECTED_ATTRIBUTES'}");
    /* a scan may filter on keys */
    r = okq(s, "Scan", "{'TableName': 'wide', 'FilterExpression': 'id = :v', 'ExpressionAttributeValues': {':v': {'S': '0000000007'}}}");
    assert_int_equal(AT_INT(r, "Count"), 1);
    assert_int_equal(AT_INT(r, "ScannedCount"), 299);
    json_decref(r);
}

#define INDEXED                                                                                                    \
    "{'TableName': 'orders', 'BillingMode': 'PAY_PER_REQUEST', "                                                   \
    "'KeySchema': [{'AttributeName': 'cust', 'KeyType': 'HASH'}, {'AttributeName': 'id', 'KeyType': 'RANGE'}], " \
    "'AttributeDefinitions': [{'AttributeName': 'cust', 'AttributeType': 'S'}, {'AttributeName': 'id', "          \
    "'AttributeType': 'N'}, {'AttributeName': 'status', 'AttributeType': 'S'}, {'AttributeName': 'total', "       \
    "'AttributeType': 'N'}, {'AttributeName': 'day', 'AttributeType': 'S'}], "                                    \
    "'GlobalSecondaryIndexes': [{'IndexName': 'byStatus', 'KeySchema': [{'AttributeName': 'status', 'KeyType': " \
    "'HASH'}, {'AttributeName': 'total', 'KeyType': 'RANGE'}], 'Projection': {'ProjectionType': 'KEYS_ONLY'}}, "  \
    "{'IndexName': 'byDay', 'KeySchema': [{'AttributeName': 'day', 'KeyType': 'HASH'}], 'Projection': "           \
    "{'ProjectionType': 'INCLUDE', 'NonKeyAttributes': ['note']}}], "                                             \
    "'LocalSecondaryIndexes': [{'IndexName': 'byTotal', 'KeySchema': [{'AttributeName': 'cust', 'KeyType': "      \
    "'HASH'}, {'AttributeName': 'total', 'KeyType': 'RANGE'}], 'Projection': {'ProjectionType': 'KEYS_ONLY'}}]}"

/* A Query of ann's orders on the LSI byTotal (with extra members) consumes
 * total units, of which the table's reads (fetches) are table. */
static void lsi_charge(server *s, const char *extra, double total, double table)
{
    json_t *r = okq(s, "Query",
                    "{'TableName': 'orders', 'IndexName': 'byTotal', 'KeyConditionExpression': 'cust = :c', "
                    "'ExpressionAttributeValues': {':c': {'S': 'ann'}}, 'ReturnConsumedCapacity': 'INDEXES'%s}",
                    extra);
    assert_true(json_number_value(AT(r, "ConsumedCapacity", "CapacityUnits")) == total);
    assert_true(json_number_value(AT(r, "ConsumedCapacity", "Table", "CapacityUnits")) == table);
    assert_true(json_number_value(AT(r, "ConsumedCapacity", "LocalSecondaryIndexes", "byTotal", "CapacityUnits")) ==
                total - table);
    json_decref(r);
}

static void put_order(server *s, const char *cust, int id, const char *status, int total, const char *day)
{
    GString *b = g_string_new(NULL);
    g_string_printf(b, "{'TableName': 'orders', 'Item': {'cust': {'S': '%s'}, 'id': {'N': '%d'}, 'note': {'S': 'n%d'}, "
                       "'secret': {'S': 's'}",
                    cust, id, id);
    if (status)
        g_string_append_printf(b, ", 'status': {'S': '%s'}", status);
    if (total >= 0)
        g_string_append_printf(b, ", 'total': {'N': '%d'}", total);
    if (day)
        g_string_append_printf(b, ", 'day': {'S': '%s'}", day);
    g_string_append(b, "}}");
    doq(s, "PutItem", "%s", b->str);
    g_string_free(b, TRUE);
}

static void secondary_indexes(void **st)
{
    server *s = *st;
    fresh(s);
    doq(s, "CreateTable", INDEXED);
    mockaws_clock_advance(s, 5000);
    put_order(s, "ann", 1, "open", 30, "mon");
    put_order(s, "ann", 2, "open", 10, NULL);
    put_order(s, "bob", 1, "open", 20, "mon");
    put_order(s, "bob", 2, NULL, 50, "tue"); /* not in byStatus: sparse */
    put_order(s, "cat", 1, "shut", 5, "mon");

    /* GSI: ordered by its range key, then the table's keys */
    json_t *r = query_is(s, "10,20,30", "total", "{'TableName': 'orders', 'IndexName': 'byStatus', 'KeyConditionExpression': "
                                                 "'#s = :s', 'ExpressionAttributeNames': {'#s': 'status'}, "
                                                 "'ExpressionAttributeValues': {':s': {'S': 'open'}}}");
    /* KEYS_ONLY: the index's and the table's keys, nothing else */
    assert_int_equal(json_object_size(AT(r, "Items", "0")), 4);
    assert_null(AT(r, "Items", "0", "note"));
    json_decref(r);
    r = okq(s, "Query", "{'TableName': 'orders', 'IndexName': 'byStatus', 'KeyConditionExpression': '#s = :s', "
                        "'ExpressionAttributeNames': {'#s': 'status'}, 'ExpressionAttributeValues': {':s': {'S': 'open'}}, 'Limit': 2}");
    /* the last key of an index page carries the table's keys and the index's */
    json_t *lek = AT(r, "LastEvaluatedKey");
    assert_int_equal(json_object_size(lek), 4);
    assert_string_equal(AT_STR(lek, "cust", "S"), "bob");
    assert_string_equal(AT_STR(lek, "id", "N"), "1");
    assert_string_equal(AT_STR(lek, "status", "S"), "open");
    assert_string_equal(AT_STR(lek, "total", "N"), "20");
    char *lek_text = json_dumps(lek, JSON_COMPACT);
    json_decref(r);
    char *b = g_strdup_printf("{\"TableName\": \"orders\", \"IndexName\": \"byStatus\", \"KeyConditionExpression\": "
                              "\"#s = :s\", \"ExpressionAttributeNames\": {\"#s\": \"status\"}, "
                              "\"ExpressionAttributeValues\": {\":s\": {\"S\": \"open\"}}, \"ExclusiveStartKey\": %s}",
                              lek_text);
    r = expect_ok(s, "Query", b);
    char *got = values_of(r, "total");
    assert_string_equal(got, "30");
    g_free(got);
    json_decref(r);
    g_free(b);
    free(lek_text);

    /* GSI without a range key: INCLUDE projects the named attributes */
    r = query_is(s, "ann,bob,cat", "cust", "{'TableName': 'orders', 'IndexName': 'byDay', 'KeyConditionExpression': "
                                           "'#d = :d', 'ExpressionAttributeNames': {'#d': 'day'}, "
                                           "'ExpressionAttributeValues': {':d': {'S': 'mon'}}}");
    assert_string_equal(AT_STR(r, "Items", "0", "note", "S"), "n1");
    assert_null(AT(r, "Items", "0", "secret"));
    assert_null(AT(r, "Items", "0", "status"));
    json_decref(r);

    /* every write keeps the indexes in step */
    doq(s, "UpdateItem", "{'TableName': 'orders', 'Key': {'cust': {'S': 'ann'}, 'id': {'N': '2'}}, "
                         "'UpdateExpression': 'SET #s = :s, #t = :t', 'ExpressionAttributeNames': {'#s': 'status', '#t': 'total'}, "
                         "'ExpressionAttributeValues': {':s': {'S': 'shut'}, ':t': {'N': '1'}}}");
    doq(s, "DeleteItem", "{'TableName': 'orders', 'Key': {'cust': {'S': 'bob'}, 'id': {'N': '1'}}}");
    doq(s, "UpdateItem", "{'TableName': 'orders', 'Key': {'cust': {'S': 'bob'}, 'id': {'N': '2'}}, "
                         "'UpdateExpression': 'SET #s = :s', 'ExpressionAttributeNames': {'#s': 'status'}, "
                         "'ExpressionAttributeValues': {':s': {'S': 'open'}}}");
    json_decref(query_is(s, "30,50", "total", "{'TableName': 'orders', 'IndexName': 'byStatus', 'KeyConditionExpression': "
                                              "'#s = :s', 'ExpressionAttributeNames': {'#s': 'status'}, "
                                              "'ExpressionAttributeValues': {':s': {'S': 'open'}}}"));
    json_decref(query_is(s, "1,5", "total", "{'TableName': 'orders', 'IndexName': 'byStatus', 'KeyConditionExpression': "
                                            "'#s = :s AND #t < :t', 'ExpressionAttributeNames': {'#s': 'status', '#t': 'total'}, "
                                            "'ExpressionAttributeValues': {':s': {'S': 'shut'}, ':t': {'N': '10'}}}"));

    /* LSI: the table's partition in the index's order; ALL_ATTRIBUTES
     * fetches from the table what the index does not project */
    r = query_is(s, "1,30", "total", "{'TableName': 'orders', 'IndexName': 'byTotal', 'KeyConditionExpression': "
                                     "'cust = :c', 'ExpressionAttributeValues': {':c': {'S': 'ann'}}}");
    assert_null(AT(r, "Items", "0", "secret"));
    json_decref(r);
    r = query_is(s, "1,30", "total", "{'TableName': 'orders', 'IndexName': 'byTotal', 'KeyConditionExpression': "
                                     "'cust = :c', 'ExpressionAttributeValues': {':c': {'S': 'ann'}}, 'Select': 'ALL_ATTRIBUTES', "
                                     "'ConsistentRead': true}");
    assert_string_equal(AT_STR(r, "Items", "0", "secret", "S"), "s");
    json_decref(r);
    /* that fetch is charged to the table: each item's whole size in read
     * units (issue 14); the index read alone when nothing is fetched */
    lsi_charge(s, ", 'Select': 'ALL_ATTRIBUTES', 'ConsistentRead': true", 3.0, 2.0);
    lsi_charge(s, ", 'ProjectionExpression': 'secret'", 1.5, 1.0);
    lsi_charge(s, "", 0.5, 0.0);
    r = okq(s, "Scan", "{'TableName': 'orders', 'IndexName': 'byStatus'}");
    assert_int_equal(AT_INT(r, "Count"), 4);
    json_decref(r);

    /* counts and sizes in DescribeTable */
    r = okq(s, "DescribeTable", "{'TableName': 'orders'}");
    json_t *g0 = AT(r, "Table", "GlobalSecondaryIndexes", "0");
    assert_string_equal(AT_STR(g0, "IndexName"), "byStatus");
    assert_int_equal(AT_INT(g0, "ItemCount"), 4);
    assert_true(AT_INT(g0, "IndexSizeBytes") > 0);
    assert_int_equal(AT_INT(r, "Table", "GlobalSecondaryIndexes", "1", "ItemCount"), 3);
    assert_int_equal(AT_INT(r, "Table", "LocalSecondaryIndexes", "0", "ItemCount"), 4);
    assert_int_equal(AT_INT(r, "Table", "ItemCount"), 4);
    json_decref(r);

    const char *v = "ValidationException";
    errq(s, "Query", v, "Consistent reads are not supported on global secondary indexes",
         "{'TableName': 'orders', 'IndexName': 'byDay', 'KeyConditionExpression': '#d = :d', 'ExpressionAttributeNames': "
         "{'#d': 'day'}, 'ExpressionAttributeValues': {':d': {'S': 'mon'}}, 'ConsistentRead': true}");
    errq(s, "Scan", v, "Consistent reads are not supported on global secondary indexes",
         "{'TableName': 'orders', 'IndexName': 'byDay', 'ConsistentRead': true}");
    errq(s, "Query", v, "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for "
                        "global secondary index byDay because its projection type is not ALL",
         "{'TableName': 'orders', 'IndexName': 'byDay', 'KeyConditionExpression': '#d = :d', 'ExpressionAttributeNames': "
         "{'#d': 'day'}, 'ExpressionAttributeValues': {':d': {'S': 'mon'}}, 'Select': 'ALL_ATTRIBUTES'}");
    errq(s, "Query", v, "Query condition missed key schema element: day",
         "{'TableName': 'orders', 'IndexName': 'byDay', 'KeyConditionExpression': 'cust = :d', "
         "'ExpressionAttributeValues': {':d': {'S': 'mon'}}}");
    errq(s, "Query", v, "The provided starting key is invalid",
         "{'TableName': 'orders', 'IndexName': 'byDay', 'KeyConditionExpression': '#d = :d', 'ExpressionAttributeNames': "
         "{'#d': 'day'}, 'ExpressionAttributeValues': {':d': {'S': 'mon'}}, 'ExclusiveStartKey': {'cust': {'S': 'ann'}, 'id': {'N': '1'}}}");
    /* an index key of another type is refused on write */
    errq(s, "PutItem", v, "One or more parameter values were invalid: Type mismatch for Index Key total Expected: N Actual: S IndexName: byStatus",
         "{'TableName': 'orders', 'Item': {'cust': {'S': 'x'}, 'id': {'N': '1'}, 'total': {'S': 'lots'}}}");

    /* a GSI added later is backfilled; a deleted one is gone */
    doq(s, "UpdateTable", "{'TableName': 'orders', 'AttributeDefinitions': [{'AttributeName': 'note', 'AttributeType': 'S'}], "
                          "'GlobalSecondaryIndexUpdates': [{'Create': {'IndexName': 'byNote', 'KeySchema': "
                          "[{'AttributeName': 'note', 'KeyType': 'HASH'}], 'Projection': {'ProjectionType': 'ALL'}}}]}");
    errq(s, "Query", v, "Cannot read from backfilling global secondary index: byNote",
         "{'TableName': 'orders', 'IndexName': 'byNote', 'KeyConditionExpression': 'note = :n', 'ExpressionAttributeValues': {':n': {'S': 'n1'}}}");
    mockaws_clock_advance(s, 5000);
    r = query_is(s, "ann,cat", "cust", "{'TableName': 'orders', 'IndexName': 'byNote', 'KeyConditionExpression': "
                                       "'note = :n', 'ExpressionAttributeValues': {':n': {'S': 'n1'}}}");
    assert_string_equal(AT_STR(r, "Items", "0", "secret", "S"), "s");
    json_decref(r);
    doq(s, "UpdateTable", "{'TableName': 'orders', 'GlobalSecondaryIndexUpdates': [{'Delete': {'IndexName': 'byNote'}}]}");
    errq(s, "Query", v, "The table does not have the specified index: byNote",
         "{'TableName': 'orders', 'IndexName': 'byNote', 'KeyConditionExpression': 'note = :n', 'ExpressionAttributeValues': {':n': {'S': 'n1'}}}");
    mockaws_clock_advance(s, 5000);
    /* consumed capacity per index */
    r = okq(s, "PutItem", "{'TableName': 'orders', 'Item': {'cust': {'S': 'dan'}, 'id': {'N': '1'}, 'status': {'S': 'open'}, "
                          "'total': {'N': '1'}}, 'ReturnConsumedCapacity': 'INDEXES', 'ReturnItemCollectionMetrics': 'SIZE'}");
    assert_true(json_number_value(AT(r, "ConsumedCapacity", "CapacityUnits")) == 3.0);
    assert_true(json_number_value(AT(r, "ConsumedCapacity", "Table", "CapacityUnits")) == 1.0);
    assert_true(json_number_value(AT(r, "ConsumedCapacity", "GlobalSecondaryIndexes", "byStatus", "CapacityUnits")) == 1.0);
    assert_true(json_number_value(AT(r, "ConsumedCapacity", "LocalSecondaryIndexes", "byTotal", "CapacityUnits")) == 1.0);
    assert_string_equal(AT_STR(r, "ItemCollectionMetrics", "ItemCollectionKey", "cust", "S"), "dan");
    assert_int_equal(json_array_size(AT(r, "ItemCollectionMetrics", "SizeEstimateRangeGB")), 2);
    json_decref(r);
}

#define TTL_TABLE                                                                                          \
    "{'dynamodb': {'tables': [{'TableName': 'sessions', 'BillingMode': 'PAY_PER_REQUEST', "              \
    "'KeySchema': [{'AttributeName': 'pk', 'KeyType': 'HASH'}, {'AttributeName': 'sk', 'KeyType': 'RANGE'}], " \
    "'AttributeDefinitions': [{'AttributeName': 'pk', 'AttributeType': 'S'}, {'AttributeName': 'sk', "    \
    "'AttributeType': 'N'}, {'AttributeName': 'kind', 'AttributeType': 'S'}], "                           \
    "'GlobalSecondaryIndexes': [{'IndexName': 'byKind', 'KeySchema': [{'AttributeName': 'kind', 'KeyType': " \
    "'HASH'}], 'Projection': {'ProjectionType': 'KEYS_ONLY'}}]}]}}"

static void time_to_live(void **st)
{
    server *s = *st;
    fresh(s);
    fixture_q(s, TTL_TABLE);
    int64_t now_s = mockaws_clock_now_ms(s) / 1000;
    json_t *r = okq(s, "DescribeTimeToLive", "{'TableName': 'sessions'}");
    assert_string_equal(AT_STR(r, "TimeToLiveDescription", "TimeToLiveStatus"), "DISABLED");
    json_decref(r);
    for (int i = 0; i < 6; i++) {
        /* items 0..2 expire in 10 s, 3 in an hour, 4 has no expiry, 5 expired six years ago */
        long long exp = i < 3 ? now_s + 10 : i == 3 ? now_s + 3600 : now_s - 6LL * 365 * 24 * 3600;
        if (i == 4)
            doq(s, "PutItem", "{'TableName': 'sessions', 'Item': {'pk': {'S': 'p'}, 'sk': {'N': '%d'}, 'kind': {'S': 'k'}}}", i);
        else
            doq(s, "PutItem", "{'TableName': 'sessions', 'Item': {'pk': {'S': 'p'}, 'sk': {'N': '%d'}, 'kind': {'S': 'k'}, "
                              "'exp': {'N': '%lld'}}}", i, exp);
    }
    r = okq(s, "UpdateTimeToLive", "{'TableName': 'sessions', 'TimeToLiveSpecification': {'Enabled': true, 'AttributeName': 'exp'}}");
    assert_true(json_is_true(AT(r, "TimeToLiveSpecification", "Enabled")));
    json_decref(r);
    r = okq(s, "DescribeTimeToLive", "{'TableName': 'sessions'}");
    assert_string_equal(AT_STR(r, "TimeToLiveDescription", "TimeToLiveStatus"), "ENABLING");
    assert_string_equal(AT_STR(r, "TimeToLiveDescription", "AttributeName"), "exp");
    json_decref(r);
    const char *v = "ValidationException";
    errq(s, "UpdateTimeToLive", v, "TimeToLive is already enabled",
         "{'TableName': 'sessions', 'TimeToLiveSpecification': {'Enabled': true, 'AttributeName': 'exp'}}");
    errq(s, "UpdateTimeToLive", v, "TimeToLive is active on a different AttributeName: current AttributeName is exp",
         "{'TableName': 'sessions', 'TimeToLiveSpecification': {'Enabled': true, 'AttributeName': 'other'}}");
    errq(s, "UpdateTimeToLive", v, "Time to live has been modified multiple times within a fixed interval",
         "{'TableName': 'sessions', 'TimeToLiveSpecification': {'Enabled': false, 'AttributeName': 'exp'}}");
    errq(s, "UpdateTimeToLive", "ResourceNotFoundException", NULL,
         "{'TableName': 'nosuch', 'TimeToLiveSpecification': {'Enabled': false, 'AttributeName': 'exp'}}");
    mockaws_clock_advance(s, 5000);
    r = okq(s, "DescribeTimeToLive", "{'TableName': 'sessions'}");
    assert_string_equal(AT_STR(r, "TimeToLiveDescription", "TimeToLiveStatus"), "ENABLED");
    json_decref(r);

    const char *q = "{'TableName': 'sessions', 'KeyConditionExpression': 'pk = :p', 'ExpressionAttributeValues': {':p': {'S': 'p'}}}";
    json_decref(query_is(s, "0,1,2,3,4,5", "sk", q));
    /* past their time (at most 10 s after the puts) items stay, as in
     * DynamoDB, until the sweeper comes 5 s (the default delay) later */
    mockaws_clock_advance(s, 6000);
    json_decref(query_is(s, "0,1,2,3,4,5", "sk", q));
    r = okq(s, "GetItem", "{'TableName': 'sessions', 'Key': {'pk': {'S': 'p'}, 'sk': {'N': '1'}}}");
    assert_non_null(AT(r, "Item", "exp", "N"));
    json_decref(r);
    r = okq(s, "DescribeTable", "{'TableName': 'sessions'}");
    assert_int_equal(AT_INT(r, "Table", "ItemCount"), 6);
    json_decref(r);
    errq(s, "PutItem", "ConditionalCheckFailedException", NULL,
         "{'TableName': 'sessions', 'Item': {'pk': {'S': 'p'}, 'sk': {'N': '0'}}, "
         "'ConditionExpression': 'attribute_not_exists(pk)'}");
    char *out = NULL;
    assert_int_equal(mockaws_control(s, "GET", "dynamodb/ttl-deletions", NULL, &out), 200);
    json_t *recs = json_loads(out, 0, NULL);
    assert_int_equal(json_array_size(AT(recs, "deletions")), 0);
    json_decref(recs);
    mockaws_free(out);
    /* the sweep: gone from every read, counted out, recorded as the TTL
     * service's deletions (the item six years past its time is kept) */
    mockaws_clock_advance(s, 4000);
    json_decref(query_is(s, "3,4,5", "sk", q));
    r = okq(s, "GetItem", "{'TableName': 'sessions', 'Key': {'pk': {'S': 'p'}, 'sk': {'N': '1'}}}");
    assert_null(AT(r, "Item"));
    json_decref(r);
    r = okq(s, "Scan", "{'TableName': 'sessions', 'IndexName': 'byKind'}");
    assert_int_equal(AT_INT(r, "Count"), 3);
    json_decref(r);
    r = okq(s, "DescribeTable", "{'TableName': 'sessions'}");
    assert_int_equal(AT_INT(r, "Table", "ItemCount"), 3);
    json_decref(r);
    assert_int_equal(mockaws_control(s, "GET", "dynamodb/ttl-deletions", NULL, &out), 200);
    recs = json_loads(out, 0, NULL);
    assert_int_equal(json_array_size(AT(recs, "deletions")), 3);
    assert_string_equal(AT_STR(recs, "deletions", "0", "eventName"), "REMOVE");
    assert_string_equal(AT_STR(recs, "deletions", "0", "tableName"), "sessions");
    assert_string_equal(AT_STR(recs, "deletions", "0", "userIdentity", "type"), "Service");
    assert_string_equal(AT_STR(recs, "deletions", "0", "userIdentity", "principalId"), "dynamodb.amazonaws.com");
    assert_string_equal(AT_STR(recs, "deletions", "0", "dynamodb", "Keys", "pk", "S"), "p");
    assert_non_null(AT(recs, "deletions", "0", "dynamodb", "OldImage", "exp", "N"));
    json_decref(recs);
    mockaws_free(out);
    assert_int_equal(mockaws_control(s, "DELETE", "dynamodb/ttl-deletions", NULL, &out), 200);
    mockaws_free(out);
    assert_int_equal(mockaws_control(s, "GET", "dynamodb/ttl-deletions", NULL, &out), 200);
    recs = json_loads(out, 0, NULL);
    assert_int_equal(json_array_size(AT(recs, "deletions")), 0);
    json_decref(recs);
    mockaws_free(out);
    /* a condition now sees no item */
    doq(s, "PutItem", "{'TableName': 'sessions', 'Item': {'pk': {'S': 'p'}, 'sk': {'N': '0'}}, "
                      "'ConditionExpression': 'attribute_not_exists(pk)'}");
    r = okq(s, "DescribeTable", "{'TableName': 'sessions'}");
    assert_int_equal(AT_INT(r, "Table", "ItemCount"), 4);
    assert_int_equal(AT_INT(r, "Table", "GlobalSecondaryIndexes", "0", "ItemCount"), 3);
    json_decref(r);
    /* a later TTL value brings an item back to life; removing it keeps it */
    doq(s, "UpdateItem", "{'TableName': 'sessions', 'Key': {'pk': {'S': 'p'}, 'sk': {'N': '3'}}, 'UpdateExpression': 'REMOVE #e', "
                         "'ExpressionAttributeNames': {'#e': 'exp'}}");
    mockaws_clock_advance(s, 7200 * 1000);
    json_decref(query_is(s, "0,3,4,5", "sk", q));
    doq(s, "UpdateTimeToLive", "{'TableName': 'sessions', 'TimeToLiveSpecification': {'Enabled': false, 'AttributeName': 'exp'}}");
    errq(s, "UpdateTimeToLive", v, "TimeToLive is already disabled",
         "{'TableName': 'sessions', 'TimeToLiveSpecification': {'Enabled': false, 'AttributeName': 'exp'}}");
    /* the setting travels in the state dump */
    char *dump = mockaws_state_json(s);
    assert_non_null(strstr(dump, "TimeToLiveSpecification"));
    mockaws_free(dump);

    /* a fixture's ttl_delay_ms: 0 deletes at the first request past the
     * expiry, and travels in the dump */
    fresh(s);
    fixture_q(s, "{'dynamodb': {'ttl_delay_ms': 0, 'tables': [{'TableName': 'quick', 'BillingMode': 'PAY_PER_REQUEST', "
                 "'KeySchema': [{'AttributeName': 'pk', 'KeyType': 'HASH'}], "
                 "'AttributeDefinitions': [{'AttributeName': 'pk', 'AttributeType': 'S'}], "
                 "'TimeToLiveSpecification': {'AttributeName': 'exp', 'Enabled': true}}]}}");
    now_s = mockaws_clock_now_ms(s) / 1000;
    doq(s, "PutItem", "{'TableName': 'quick', 'Item': {'pk': {'S': 'a'}, 'exp': {'N': '%lld'}}}", (long long)now_s + 1);
    r = okq(s, "GetItem", "{'TableName': 'quick', 'Key': {'pk': {'S': 'a'}}}");
    assert_non_null(AT(r, "Item"));
    json_decref(r);
    mockaws_clock_advance(s, 1000);
    r = okq(s, "GetItem", "{'TableName': 'quick', 'Key': {'pk': {'S': 'a'}}}");
    assert_null(AT(r, "Item"));
    json_decref(r);
    dump = mockaws_state_json(s);
    assert_non_null(strstr(dump, "\"ttl_delay_ms\":"));
    mockaws_free(dump);
    char *err = NULL;
    assert_int_equal(mockaws_control(s, "POST", "state", "{\"dynamodb\": {\"ttl_delay_ms\": -1}}", &err), 400);
    assert_non_null(strstr(err, "ttl_delay_ms must be a non-negative integer"));
    mockaws_free(err);
    fresh(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(number_sort_keys),  cmocka_unit_test(string_and_binary_sort_keys),
        cmocka_unit_test(pages_filters_projections), cmocka_unit_test(query_validation),
        cmocka_unit_test(scan_segments),     cmocka_unit_test(secondary_indexes),
        cmocka_unit_test(time_to_live),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
