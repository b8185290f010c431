/* The cost of DynamoDB's item operations on a table of 10,000 items (a GSI,
 * an LSI), in-process through the request pipeline, without HTTP: 2000
 * GetItem, 2000 PutItem (replacing items, so indexes change too), 2000
 * Query (a partition's 6 last items) and 200 Scan pages of 25 resumed from
 * a start key. Prints CPU time per request; for figures that do not depend
 * on the machine's load count instructions per op_* function:
 *
 *   make -C build bench_ddb_ops
 *   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg build/bench/bench_ddb_ops
 *   callgrind_annotate --inclusive=yes /tmp/cg | grep 'op_[a-z]* '   (divide by the counts) */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/pipeline.h"
#include "core/server.h"

#define N 2000
#define ITEMS 10000

static server *S;

static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void req(const char *op, const char *body)
{
    char target[128];
    g_snprintf(target, sizeof target, "DynamoDB_20120810.%s", op);
    http_header h[3] = {
        {"authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/dynamodb/aws4_request, "
                          "SignedHeaders=host, Signature=0"},
        {"x-amz-target", target},
        {"content-type", "application/x-amz-json-1.0"},
    };
    http_request r = {.method = "POST", .path = "/", .query = "", .host = "localhost", .headers = h,
                      .nheaders = 3, .body = body, .body_len = strlen(body)};
    http_response resp;
    http_response_init(&resp);
    pipeline_outcome out;
    pipeline_handle(S, &r, 1, false, &resp, &out);
    if (resp.status != 200) {
        size_t len;
        fprintf(stderr, "%s: %d %s\n", op, resp.status, http_response_body(&resp, &len));
        exit(1);
    }
    http_response_clear(&resp);
}

__attribute__((noinline)) static void op_get(void)
{
    char b[256];
    for (int i = 0; i < N; i++) {
        g_snprintf(b, sizeof b, "{\"TableName\":\"tbl\",\"Key\":{\"pk\":{\"S\":\"p%d\"},\"sk\":{\"N\":\"%d\"}}}",
                   (i * 7) % 1000, (i * 13) % 10);
        req("GetItem", b);
    }
}

__attribute__((noinline)) static void op_put(void)
{
    char b[512];
    for (int i = 0; i < N; i++) {
        g_snprintf(b, sizeof b,
                   "{\"TableName\":\"tbl\",\"Item\":{\"pk\":{\"S\":\"p%d\"},\"sk\":{\"N\":\"%d\"},\"g\":{\"S\":\"g%d\"},"
                   "\"l\":{\"N\":\"%d\"},\"x\":{\"S\":\"payload payload payload\"}}}",
                   (i * 7) % 1000, (i * 13) % 10, i % 50, i);
        req("PutItem", b);
    }
}

__attribute__((noinline)) static void op_query(void)
{
    char b[256];
    for (int i = 0; i < N; i++) {
        g_snprintf(b, sizeof b,
                   "{\"TableName\":\"tbl\",\"KeyConditionExpression\":\"pk = :p AND sk > :s\","
                   "\"ExpressionAttributeValues\":{\":p\":{\"S\":\"p%d\"},\":s\":{\"N\":\"3\"}}}",
                   (i * 7) % 1000);
        req("Query", b);
    }
}

__attribute__((noinline)) static void op_scan(void)
{
    for (int i = 0; i < N / 10; i++)
        req("Scan", "{\"TableName\":\"tbl\",\"Limit\":25,\"ExclusiveStartKey\":{\"pk\":{\"S\":\"p500\"},"
                    "\"sk\":{\"N\":\"5\"}}}");
}

static void timed(const char *name, void (*fn)(void), int n)
{
    double a = cpu();
    fn();
    printf("%-8s %7.2f us/request\n", name, (cpu() - a) / n * 1e6);
}

int main(void)
{
    char e[256];
    mockaws_options o = {.seed = 7};
    S = mockaws_start(&o, e, sizeof e);
    if (!S) {
        fprintf(stderr, "start: %s\n", e);
        return 1;
    }
    mockaws_clock_virtual(S, 1);
    GString *f = g_string_new(
        "{\"dynamodb\":{\"tables\":[{\"TableName\":\"tbl\",\"BillingMode\":\"PAY_PER_REQUEST\",\"KeySchema\":["
        "{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],"
        "\"AttributeDefinitions\":[{\"AttributeName\":\"pk\",\"AttributeType\":\"S\"},{\"AttributeName\":\"sk\","
        "\"AttributeType\":\"N\"},{\"AttributeName\":\"g\",\"AttributeType\":\"S\"},{\"AttributeName\":\"l\","
        "\"AttributeType\":\"N\"}],\"GlobalSecondaryIndexes\":[{\"IndexName\":\"gsi1\",\"KeySchema\":["
        "{\"AttributeName\":\"g\",\"KeyType\":\"HASH\"}],\"Projection\":{\"ProjectionType\":\"ALL\"}}],"
        "\"LocalSecondaryIndexes\":[{\"IndexName\":\"lsi1\",\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":"
        "\"HASH\"},{\"AttributeName\":\"l\",\"KeyType\":\"RANGE\"}],\"Projection\":{\"ProjectionType\":"
        "\"KEYS_ONLY\"}}],\"items\":[");
    for (int i = 0; i < ITEMS; i++)
        g_string_append_printf(f,
                               "%s{\"pk\":{\"S\":\"p%d\"},\"sk\":{\"N\":\"%d\"},\"g\":{\"S\":\"g%d\"},\"l\":{\"N\":"
                               "\"%d\"},\"x\":{\"S\":\"payload payload payload\"}}",
                               i ? "," : "", i / 10, i % 10, i % 50, i);
    g_string_append(f, "]}]}}");
    if (mockaws_load_fixtures_json(S, f->str, e, sizeof e) != 0) {
        fprintf(stderr, "fixture: %s\n", e);
        return 1;
    }
    g_string_free(f, TRUE);
    mockaws_clock_advance(S, 10000);
    timed("GetItem", op_get, N);
    timed("PutItem", op_put, N);
    timed("Query", op_query, N);
    timed("Scan", op_scan, N / 10);
    mockaws_stop(S);
    return 0;
}
