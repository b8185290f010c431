/* DynamoDB batches and throughput through the whole pipeline: BatchGetItem
 * and BatchWriteItem with their limits and checks, UnprocessedKeys /
 * UnprocessedItems from a fault rule and from emulated throughput, and the
 * token buckets of throughput emulation on the server clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/pipeline.h"
#include "core/server.h"

#include "test_dynamodb_call.h"

#define KV(name, extra)                                                                                     \
    "{'TableName': '" name "', 'KeySchema': [{'AttributeName': 'pk', 'KeyType': 'HASH'}], "               \
    "'AttributeDefinitions': [{'AttributeName': 'pk', 'AttributeType': 'S'}]" extra "}"
#define ON_DEMAND ", 'BillingMode': 'PAY_PER_REQUEST'"

static size_t item_count(server *s, const char *table)
{
    json_t *r = okq(s, "Scan", "{'TableName': '%s', 'Select': 'COUNT'}", table);
    size_t n = (size_t)AT_INT(r, "Count");
    json_decref(r);
    return n;
}

/* A BatchWriteItem body of n puts per table (keys prefix0 ..). */
static char *puts_body(const char *const *tables, const int *counts, size_t ntables, const char *prefix)
{
    GString *b = g_string_new("{'RequestItems': {");
    for (size_t t = 0; t < ntables; t++) {
        g_string_append_printf(b, "%s'%s': [", t ? ", " : "", tables[t]);
        for (int i = 0; i < counts[t]; i++)
            g_string_append_printf(b, "%s{'PutRequest': {'Item': {'pk': {'S': '%s%d'}, 'v': {'N': '%d'}}}}", i ? ", " : "",
                                   prefix, i, i);
        g_string_append(b, "]");
    }
    g_string_append(b, "}}");
    return g_string_free(b, FALSE);
}

static void batch_write_and_get(void **st)
{
    server *s = *st;
    fresh(s);
    fixture_q(s, "{'dynamodb': {'tables': [" KV("left", ON_DEMAND) ", " KV("right", ON_DEMAND) "]}}");
    const char *both[] = {"left", "right"};
    int counts[] = {15, 10};
    char *body = puts_body(both, counts, 2, "k");
    json_t *r = okq(s, "BatchWriteItem", "%s", body);
    g_free(body);
    assert_int_equal(json_object_size(AT(r, "UnprocessedItems")), 0);
    json_decref(r);
    assert_int_equal(item_count(s, "left"), 15);
    assert_int_equal(item_count(s, "right"), 10);

    const char *v = "ValidationException";
    int too_many[] = {15, 11};
    body = puts_body(both, too_many, 2, "k");
    errq(s, "BatchWriteItem", v, "Too many items requested for the BatchWriteItem call", "%s", body);
    g_free(body);
    errq(s, "BatchWriteItem", v, "Provided list of item keys contains duplicates",
         "{'RequestItems': {'left': [{'PutRequest': {'Item': {'pk': {'S': 'a'}}}}, {'DeleteRequest': {'Key': {'pk': {'S': 'a'}}}}]}}");
    errq(s, "BatchWriteItem", v,
         "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes",
         "{'RequestItems': {'left': [{}]}}");
    errq(s, "BatchWriteItem", v, "The provided key element does not match the schema",
         "{'RequestItems': {'left': [{'PutRequest': {'Item': {'id': {'S': 'a'}}}}]}}");
    errq(s, "BatchWriteItem", v, "The provided key element does not match the schema",
         "{'RequestItems': {'left': [{'DeleteRequest': {'Key': {'pk': {'N': '1'}}}}]}}");
    errq(s, "BatchWriteItem", "ResourceNotFoundException", "Requested resource not found",
         "{'RequestItems': {'nowhere': [{'PutRequest': {'Item': {'pk': {'S': 'a'}}}}]}}");
    /* a refused batch writes nothing */
    assert_int_equal(item_count(s, "left"), 15);

    r = okq(s, "BatchWriteItem", "{'RequestItems': {'left': [{'DeleteRequest': {'Key': {'pk': {'S': 'k0'}}}}, "
                                 "{'DeleteRequest': {'Key': {'pk': {'S': 'absent'}}}}]}, 'ReturnConsumedCapacity': 'TOTAL'}");
    assert_string_equal(AT_STR(r, "ConsumedCapacity", "0", "TableName"), "left");
    assert_true(json_number_value(AT(r, "ConsumedCapacity", "0", "CapacityUnits")) == 2.0);
    json_decref(r);
    assert_int_equal(item_count(s, "left"), 14);

    /* gets: a projection per table; absent keys are simply not answered */
    r = okq(s, "BatchGetItem", "{'RequestItems': {'left': {'Keys': [{'pk': {'S': 'k1'}}, {'pk': {'S': 'k0'}}], "
                               "'ProjectionExpression': '#v', 'ExpressionAttributeNames': {'#v': 'v'}}, "
                               "'right': {'Keys': [{'pk': {'S': 'k9'}}], 'ConsistentRead': true}}, "
                               "'ReturnConsumedCapacity': 'TOTAL'}");
    assert_int_equal(json_array_size(AT(r, "Responses", "left")), 1);
    assert_string_equal(AT_STR(r, "Responses", "left", "0", "v", "N"), "1");
    assert_null(AT(r, "Responses", "left", "0", "pk"));
    assert_string_equal(AT_STR(r, "Responses", "right", "0", "pk", "S"), "k9");
    assert_int_equal(json_object_size(AT(r, "UnprocessedKeys")), 0);
    assert_int_equal(json_array_size(AT(r, "ConsumedCapacity")), 2);
    json_decref(r);

    errq(s, "BatchGetItem", v, "Provided list of item keys contains duplicates",
         "{'RequestItems': {'left': {'Keys': [{'pk': {'S': 'a'}}, {'pk': {'S': 'a'}}]}}}");
    GString *big = g_string_new("{'RequestItems': {'left': {'Keys': [");
    for (int i = 0; i < 60; i++)
        g_string_append_printf(big, "%s{'pk': {'S': 'k%d'}}", i ? ", " : "", i);
    g_string_append(big, "]}, 'right': {'Keys': [");
    for (int i = 0; i < 41; i++)
        g_string_append_printf(big, "%s{'pk': {'S': 'k%d'}}", i ? ", " : "", i);
    g_string_append(big, "]}}}");
    errq(s, "BatchGetItem", v, "Too many items requested for the BatchGetItem call", "%s", big->str);
    g_string_free(big, TRUE);
    errq(s, "BatchGetItem", v, "The provided key element does not match the schema",
         "{'RequestItems': {'left': {'Keys': [{'pk': {'S': 'a'}, 'x': {'S': 'b'}}]}}}");
    errq(s, "BatchGetItem", "ResourceNotFoundException", "Requested resource not found",
         "{'RequestItems': {'nowhere': {'Keys': [{'pk': {'S': 'a'}}]}}}");
    errq(s, "BatchGetItem", v, "Can not use both expression and non-expression parameters in the same request: "
                               "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}",
         "{'RequestItems': {'left': {'Keys': [{'pk': {'S': 'a'}}], 'AttributesToGet': ['v'], 'ProjectionExpression': 'v'}}}");
    errq(s, "BatchGetItem", v, "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}",
         "{'RequestItems': {'left': {'Keys': [{'pk': {'S': 'a'}}], 'ProjectionExpression': 'v', 'ExpressionAttributeNames': {'#x': 'x'}}}}");
    /* the journal names the tables a batch touches */
    char *j = mockaws_journal_json(s, "{\"operation\": \"BatchGetItem\"}");
    assert_non_null(strstr(j, "\"left,right\""));
    mockaws_free(j);
}

/* Sends a batch until nothing comes back unprocessed; the number of calls. */
static int write_until_done(server *s, char *body)
{
    for (char *p = body; *p; p++)
        if (*p == '\'')
            *p = '"';
    int calls = 0;
    while (body && calls < 50) {
        json_t *r = expect_ok(s, "BatchWriteItem", body);
        calls++;
        g_free(body);
        body = NULL;
        json_t *u = AT(r, "UnprocessedItems");
        if (json_object_size(u)) {
            json_t *next = json_pack("{s:O}", "RequestItems", u);
            char *t = json_dumps(next, JSON_COMPACT);
            body = g_strdup(t);
            free(t);
            json_decref(next);
        }
        json_decref(r);
    }
    g_free(body);
    return calls;
}

static void sixteen_megabytes(void **st)
{
    server *s = *st;
    fresh(s);
    /* 60 items of ~350 KB: an answer holds 16 MB of them, the rest come back */
    fixture_q(s, "{'dynamodb': {'tables': [" KV("fat", ", 'BillingMode': 'PAY_PER_REQUEST', 'generate': {'count': 60, 'size': 350000}") "]}}");
    GString *b = g_string_new("{'RequestItems': {'fat': {'Keys': [");
    for (int i = 0; i < 60; i++)
        g_string_append_printf(b, "%s{'pk': {'S': '%010d'}}", i ? ", " : "", i);
    g_string_append(b, "]}}}");
    json_t *r = okq(s, "BatchGetItem", "%s", b->str);
    g_string_free(b, TRUE);
    /* 47 x 350,012 bytes fit in 16 MiB, the 48th would not */
    assert_int_equal(json_array_size(AT(r, "Responses", "fat")), 47);
    assert_int_equal(json_array_size(AT(r, "UnprocessedKeys", "fat", "Keys")), 13);
    assert_string_equal(AT_STR(r, "UnprocessedKeys", "fat", "Keys", "0", "pk", "S"), "0000000047");
    json_decref(r);
}

static void unprocessed_by_fault(void **st)
{
    server *s = *st;
    fresh(s);
    fixture_q(s, "{'dynamodb': {'tables': [" KV("kvs", ON_DEMAND) "]}}");
    fault_q(s, "{'service': 'dynamodb', 'operation': 'BatchWriteItem', 'resource': 'kvs', 'unprocessed': 0.5}");
    const char *one[] = {"kvs"};
    int twenty[] = {20};
    char *body = puts_body(one, twenty, 1, "k");
    json_t *r = okq(s, "BatchWriteItem", "%s", body);
    /* half of them, spread through the batch, are left for the caller */
    assert_int_equal(json_array_size(AT(r, "UnprocessedItems", "kvs")), 10);
    assert_string_equal(AT_STR(r, "UnprocessedItems", "kvs", "0", "PutRequest", "Item", "pk", "S"), "k1");
    json_decref(r);
    assert_int_equal(item_count(s, "kvs"), 10);
    /* a retry loop over the whole batch ends: 20 -> 10 -> 5 -> 2 -> 1 -> 0 left */
    assert_int_equal(write_until_done(s, body), 5);
    assert_int_equal(item_count(s, "kvs"), 20);

    fault_q(s, "{'service': 'dynamodb', 'operation': 'BatchGetItem', 'unprocessed': 0.3}");
    GString *keys = g_string_new("{'RequestItems': {'kvs': {'ProjectionExpression': 'pk', 'Keys': [");
    for (int i = 0; i < 10; i++)
        g_string_append_printf(keys, "%s{'pk': {'S': 'k%d'}}", i ? ", " : "", i);
    g_string_append(keys, "]}}}");
    r = okq(s, "BatchGetItem", "%s", keys->str);
    assert_int_equal(json_array_size(AT(r, "Responses", "kvs")), 7);
    assert_int_equal(json_array_size(AT(r, "UnprocessedKeys", "kvs", "Keys")), 3);
    /* what to send again says how to read it */
    assert_string_equal(AT_STR(r, "UnprocessedKeys", "kvs", "ProjectionExpression"), "pk");
    json_decref(r);
    g_string_free(keys, TRUE);
    /* the fault names itself in the journal */
    assert_int_equal(mockaws_journal_count(s, "dynamodb", "BatchGetItem", NULL), 1);
}

#define PROVISIONED(name, r, w, extra)                                                                      \
    "{'TableName': '" name "', 'KeySchema': [{'AttributeName': 'pk', 'KeyType': 'HASH'}], "               \
    "'AttributeDefinitions': [{'AttributeName': 'pk', 'AttributeType': 'S'}], 'ProvisionedThroughput': " \
    "{'ReadCapacityUnits': " #r ", 'WriteCapacityUnits': " #w "}" extra "}"

static void throughput_emulation(void **st)
{
    server *s = *st;
    fresh(s);
    fixture_q(s, "{'dynamodb': {'burst_seconds': 0, 'tables': [" PROVISIONED("slow", 1, 1, ", 'emulate_throughput': true") ", "
                 PROVISIONED("free", 1, 1, "") ", " KV("ondemand", ON_DEMAND) "]}}");
    const char *exceeded = "The level of configured provisioned throughput for the table was exceeded. Consider "
                           "increasing your provisioning level with the UpdateTable API.";
    doq(s, "PutItem", "{'TableName': 'slow', 'Item': {'pk': {'S': 'a'}}}");
    errq(s, "PutItem", "ProvisionedThroughputExceededException", exceeded, "{'TableName': 'slow', 'Item': {'pk': {'S': 'b'}}}");
    /* a table without emulation is not limited */
    for (int i = 0; i < 5; i++)
        doq(s, "PutItem", "{'TableName': 'free', 'Item': {'pk': {'S': 'x%d'}}}", i);
    /* a second of server time refills one unit */
    mockaws_clock_advance(s, 1000);
    doq(s, "PutItem", "{'TableName': 'slow', 'Item': {'pk': {'S': 'b'}}}");
    /* eventually consistent reads cost half a unit */
    doq(s, "GetItem", "{'TableName': 'slow', 'Key': {'pk': {'S': 'a'}}}");
    doq(s, "GetItem", "{'TableName': 'slow', 'Key': {'pk': {'S': 'a'}}}");
    errq(s, "GetItem", "ProvisionedThroughputExceededException", exceeded, "{'TableName': 'slow', 'Key': {'pk': {'S': 'a'}}}");
    errq(s, "Scan", "ProvisionedThroughputExceededException", exceeded, "{'TableName': 'slow'}");
    /* a batch with nothing done for want of throughput is refused whole */
    errq(s, "BatchWriteItem", "ProvisionedThroughputExceededException", NULL,
         "{'RequestItems': {'slow': [{'PutRequest': {'Item': {'pk': {'S': 'c'}}}}]}}");
    mockaws_clock_advance(s, 1000);
    json_t *r = okq(s, "BatchWriteItem", "{'RequestItems': {'slow': [{'PutRequest': {'Item': {'pk': {'S': 'c'}}}}, "
                                         "{'PutRequest': {'Item': {'pk': {'S': 'd'}}}}]}}");
    assert_int_equal(json_array_size(AT(r, "UnprocessedItems", "slow")), 1);
    json_decref(r);
    /* transactions cost twice: the bucket goes below zero, then refuses */
    mockaws_clock_advance(s, 1000);
    doq(s, "TransactWriteItems", "{'TransactItems': [{'Put': {'TableName': 'slow', 'Item': {'pk': {'S': 't'}}}}]}");
    mockaws_clock_advance(s, 1000);
    answer a = callq(s, "TransactWriteItems", "{'TransactItems': [{'Put': {'TableName': 'slow', 'Item': {'pk': {'S': 'u'}}}}]}");
    assert_string_equal(a.type, "TransactionCanceledException");
    assert_string_equal(AT_STR(a.body, "CancellationReasons", "0", "Code"), "ProvisionedThroughputExceeded");
    answer_free(&a);
    /* raising the table's throughput raises the rate */
    mockaws_clock_advance(s, 10000);
    doq(s, "UpdateTable", "{'TableName': 'slow', 'ProvisionedThroughput': {'ReadCapacityUnits': 1, 'WriteCapacityUnits': 100}}");
    mockaws_clock_advance(s, 1000);
    for (int i = 0; i < 50; i++)
        doq(s, "PutItem", "{'TableName': 'slow', 'Item': {'pk': {'S': 'y%d'}}}", i);

    /* everywhere at once, with DynamoDB's burst of 300 s */
    fresh(s);
    fixture_q(s, "{'dynamodb': {'throughput_emulation': true, 'tables': [" PROVISIONED("busy", 5, 2, "") ", "
                 KV("ondemand", ON_DEMAND) "]}}");
    int ok = 0;
    for (int i = 0; i < 700; i++) {
        answer b = callq(s, "PutItem", "{'TableName': 'busy', 'Item': {'pk': {'S': 'k%d'}}}", i);
        if (b.status == 200)
            ok++;
        else
            assert_string_equal(b.type, "ProvisionedThroughputExceededException");
        answer_free(&b);
    }
    /* 300 s of 2 WCU: 600 writes, then the limit */
    assert_int_equal(ok, 600);
    for (int i = 0; i < 700; i++)
        doq(s, "PutItem", "{'TableName': 'ondemand', 'Item': {'pk': {'S': 'k%d'}}}", i);
    char *dump = mockaws_state_json(s);
    assert_non_null(strstr(dump, "throughput_emulation"));
    mockaws_free(dump);
    char err[256];
    assert_int_not_equal(mockaws_load_fixtures_json(s, "{\"dynamodb\": {\"throughput_emulation\": [\"nope\"]}}", err, sizeof err), 0);
    assert_non_null(strstr(err, "no table nope"));
    fresh(s);
}

static void generated_tables(void **st)
{
    server *s = *st;
    fresh(s);
    fixture_q(s, "{'dynamodb': {'tables': [{'TableName': 'gen', 'BillingMode': 'PAY_PER_REQUEST', "
                 "'KeySchema': [{'AttributeName': 'pk', 'KeyType': 'HASH'}, {'AttributeName': 'sk', 'KeyType': 'RANGE'}], "
                 "'AttributeDefinitions': [{'AttributeName': 'pk', 'AttributeType': 'S'}, {'AttributeName': 'sk', "
                 "'AttributeType': 'S'}], 'generate': {'partition': 'p', 'count': 1000, 'size': 8, 'attribute': 'body'}}]}}");
    json_t *r = okq(s, "Query", "{'TableName': 'gen', 'KeyConditionExpression': 'pk = :p AND sk > :s', "
                                "'ExpressionAttributeValues': {':p': {'S': 'p'}, ':s': {'S': '0000000997'}}}");
    assert_int_equal(AT_INT(r, "Count"), 2);
    assert_string_equal(AT_STR(r, "Items", "1", "sk", "S"), "0000000999");
    assert_string_equal(AT_STR(r, "Items", "1", "body", "S"), "xxxxxxxx");
    json_decref(r);
    r = okq(s, "DescribeTable", "{'TableName': 'gen'}");
    assert_int_equal(AT_INT(r, "Table", "ItemCount"), 1000);
    json_decref(r);
    char err[512];
    const char *bad[] = {
        "{\"dynamodb\": [{\"TableName\": \"g2\", \"BillingMode\": \"PAY_PER_REQUEST\", \"KeySchema\": [{\"AttributeName\": "
        "\"pk\", \"KeyType\": \"HASH\"}], \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}], "
        "\"generate\": {\"count\": -1}}]}",
        "{\"dynamodb\": [{\"TableName\": \"g2\", \"BillingMode\": \"PAY_PER_REQUEST\", \"KeySchema\": [{\"AttributeName\": "
        "\"pk\", \"KeyType\": \"HASH\"}], \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}], "
        "\"generate\": {\"count\": 2, \"partition\": \"p\"}}]}",
        "{\"dynamodb\": [{\"TableName\": \"g2\", \"BillingMode\": \"PAY_PER_REQUEST\", \"KeySchema\": [{\"AttributeName\": "
        "\"pk\", \"KeyType\": \"HASH\"}], \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"N\"}], "
        "\"generate\": {\"count\": 1, \"partition\": \"abc\"}}]}",
        "{\"dynamodb\": [{\"TableName\": \"g2\", \"BillingMode\": \"PAY_PER_REQUEST\", \"KeySchema\": [{\"AttributeName\": "
        "\"pk\", \"KeyType\": \"HASH\"}], \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}], "
        "\"emulate_throughput\": 1}]}",
        "{\"dynamodb\": [{\"TableName\": \"g2\", \"BillingMode\": \"PAY_PER_REQUEST\", \"KeySchema\": [{\"AttributeName\": "
        "\"pk\", \"KeyType\": \"HASH\"}], \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}], "
        "\"TimeToLiveSpecification\": {\"Enabled\": true}}]}",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
        if (mockaws_load_fixtures_json(s, bad[i], err, sizeof err) == 0)
            fail_msg("fixture %zu was accepted", i);
}

static void flaky_table_scenario(void **st)
{
    server *s = *st;
    fresh(s);
    char err[512];
    assert_int_equal(mockaws_scenario_load_file(s, MOCKAWS_SOURCE_DIR "/scenarios/dynamodb-flaky-table.json", err,
                                                sizeof err),
                     0);
    /* another table is not throttled */
    fixture_q(s, "{'dynamodb': {'tables': [" KV("others", ON_DEMAND) "]}}");
    doq(s, "PutItem", "{'TableName': 'others', 'Item': {'pk': {'S': 'x'}}}");
    /* what a retrying SDK does: one invocation, attempts until it passes */
    for (int attempt = 1; attempt <= 3; attempt++) {
        char hdr[64];
        g_snprintf(hdr, sizeof hdr, "attempt=%d; max=3", attempt);
        http_header h[5] = {
            {"authorization", "AWS4-HMAC-SHA256 Credential=AKID/20261129/us-east-1/dynamodb/aws4_request, Signature=0"},
            {"x-amz-target", "DynamoDB_20120810.PutItem"},
            {"content-type", "application/x-amz-json-1.0"},
            {"amz-sdk-invocation-id", "inv-1"},
            {"amz-sdk-request", hdr}};
        const char *body = "{\"TableName\": \"orders\", \"Item\": {\"id\": {\"S\": \"o-1\"}}}";
        http_request req = {.method = "POST", .path = "/", .query = "", .host = "localhost", .headers = h,
                            .nheaders = 5, .body = body, .body_len = strlen(body)};
        http_response resp;
        http_response_init(&resp);
        pipeline_outcome out;
        pipeline_handle(s, &req, 1, false, &resp, &out);
        assert_int_equal(resp.status, attempt < 3 ? 400 : 200);
        if (attempt < 3) {
            size_t len;
            const char *b = http_response_body(&resp, &len);
            assert_non_null(strstr(b, "ProvisionedThroughputExceededException"));
        }
        http_response_clear(&resp);
    }
    char *report = NULL;
    assert_int_equal(mockaws_scenario_verify(s, &report), 1);
    mockaws_free(report);
    fresh(s);
}

/* Keys whose bytes are not UTF-8 (0x80, 0xff) or differ only after a NUL
 * are distinct keys, in batches and transactions alike (issue 14). */
static void binary_keys(void **st)
{
    server *s = *st;
    fresh(s);
    fixture_q(s, "{'dynamodb': {'tables': [{'TableName': 'bin', 'BillingMode': 'PAY_PER_REQUEST', "
                 "'KeySchema': [{'AttributeName': 'pk', 'KeyType': 'HASH'}, {'AttributeName': 'sk', 'KeyType': 'RANGE'}], "
                 "'AttributeDefinitions': [{'AttributeName': 'pk', 'AttributeType': 'B'}, "
                 "{'AttributeName': 'sk', 'AttributeType': 'S'}]}]}}");
    json_t *r = okq(s, "BatchWriteItem",
                    "{'RequestItems': {'bin': [{'PutRequest': {'Item': {'pk': {'B': 'gA=='}, 'sk': {'S': 'a'}}}}, "
                    "{'PutRequest': {'Item': {'pk': {'B': '/w=='}, 'sk': {'S': 'a'}}}}, "
                    "{'PutRequest': {'Item': {'pk': {'B': 'AGE='}, 'sk': {'S': 'a'}}}}, "
                    "{'PutRequest': {'Item': {'pk': {'B': 'AGI='}, 'sk': {'S': 'a'}}}}]}}");
    json_decref(r);
    assert_int_equal(item_count(s, "bin"), 4);
    r = okq(s, "BatchGetItem",
            "{'RequestItems': {'bin': {'Keys': [{'pk': {'B': 'gA=='}, 'sk': {'S': 'a'}}, "
            "{'pk': {'B': '/w=='}, 'sk': {'S': 'a'}}, {'sk': {'S': 'a'}, 'pk': {'B': 'AGE='}}]}}}");
    assert_int_equal(json_array_size(AT(r, "Responses", "bin")), 3);
    json_decref(r);
    /* the same key twice is still a duplicate, whatever its members' order */
    errq(s, "BatchGetItem", "ValidationException", "Provided list of item keys contains duplicates",
         "{'RequestItems': {'bin': {'Keys': [{'pk': {'B': 'gA=='}, 'sk': {'S': 'a'}}, "
         "{'sk': {'S': 'a'}, 'pk': {'B': 'gA=='}}]}}}");
    errq(s, "BatchWriteItem", "ValidationException", "Provided list of item keys contains duplicates",
         "{'RequestItems': {'bin': [{'DeleteRequest': {'Key': {'pk': {'B': '/w=='}, 'sk': {'S': 'a'}}}}, "
         "{'PutRequest': {'Item': {'pk': {'B': '/w=='}, 'sk': {'S': 'a'}, 'v': {'N': '1'}}}}]}}");
    /* a transaction tells apart keys that differ after a NUL, or only in
     * where the hash key ends and the range key starts */
    doq(s, "TransactWriteItems",
        "{'TransactItems': [{'Put': {'TableName': 'bin', 'Item': {'pk': {'B': 'AGE='}, 'sk': {'S': 'a'}}}}, "
        "{'Put': {'TableName': 'bin', 'Item': {'pk': {'B': 'AGI='}, 'sk': {'S': 'a'}}}}]}");
    doq(s, "TransactWriteItems",
        "{'TransactItems': [{'Put': {'TableName': 'bin', 'Item': {'pk': {'B': 'YQpTYg=='}, 'sk': {'S': 'c'}}}}, "
        "{'Put': {'TableName': 'bin', 'Item': {'pk': {'B': 'YQ=='}, 'sk': {'S': 'b\\nSc'}}}}]}");
    /* one token, two requests differing only in a binary: a mismatch */
    doq(s, "TransactWriteItems",
        "{'ClientRequestToken': 't1', 'TransactItems': [{'Put': {'TableName': 'bin', "
        "'Item': {'pk': {'B': 'gA=='}, 'sk': {'S': 't'}}}}]}");
    errq(s, "TransactWriteItems", "IdempotentParameterMismatchException",
         "Request parameters do not match the parameters of the previous request with the same client token",
         "{'ClientRequestToken': 't1', 'TransactItems': [{'Put': {'TableName': 'bin', "
         "'Item': {'pk': {'B': '/w=='}, 'sk': {'S': 't'}}}}]}");
    fresh(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(batch_write_and_get),
        cmocka_unit_test(sixteen_megabytes),
        cmocka_unit_test(unprocessed_by_fault),
        cmocka_unit_test(throughput_emulation),
        cmocka_unit_test(generated_tables),
        cmocka_unit_test(flaky_table_scenario),
        cmocka_unit_test(binary_keys),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
