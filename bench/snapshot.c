/* What restoring a snapshot costs, in-process (no HTTP, no second process):
 * a world of OBJECTS S3 objects and ITEMS DynamoDB items (fixture
 * `generate`), snapshotted once, then ITER times: mockaws_restore, then a
 * PutObject and a PutItem through the request pipeline (the first write
 * after a restore copies the path it changes: that copy is in the
 * "restore + first writes" figure). Side by side, the other way to a clean
 * world: mockaws_reset and reloading the same fixture (RELOADS times, it is
 * slow). Wall-clock microseconds: p50, p99, max.
 *
 *   make -C build bench_snapshot && build/bench/bench_snapshot [OBJECTS ITEMS ITER RELOADS] */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pipeline.h"
#include "core/server.h"

static int64_t now_us(void) { return g_get_monotonic_time(); }

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, int64_t *us, int n)
{
    qsort(us, (size_t)n, sizeof *us, cmp_i64);
    printf("%-34s n=%-5d p50 %8.3f ms  p99 %8.3f ms  max %8.3f ms\n", what, n, us[n / 2] / 1000.0,
           us[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1] / 1000.0, us[n - 1] / 1000.0);
}

/* One request through the pipeline; exits on a non-200 answer. */
static void request(server *s, const char *method, const char *path, const char *target, const char *service,
                    const char *body)
{
    char auth[200];
    g_snprintf(auth, sizeof auth,
               "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261207/us-east-1/%s/aws4_request, SignedHeaders=host, "
               "Signature=0",
               service);
    http_header h[3] = {{"authorization", auth}};
    size_t nh = 1;
    if (target) {
        h[nh++] = (http_header){"x-amz-target", (char *)target};
        h[nh++] = (http_header){"content-type", "application/x-amz-json-1.0"};
    }
    http_request req = {.method = method, .path = path, .query = "", .host = "localhost", .headers = h,
                        .nheaders = nh, .body = body, .body_len = strlen(body)};
    http_response resp;
    http_response_init(&resp);
    pipeline_outcome out;
    pipeline_handle(s, &req, 1, false, &resp, &out);
    if (resp.status != 200) {
        size_t len;
        const char *b = http_response_body(&resp, &len);
        fprintf(stderr, "%s %s: %d %.*s\n", method, path, resp.status, (int)len, b);
        exit(1);
    }
    http_response_clear(&resp);
}

static void first_writes(server *s, int i)
{
    char key[64], item[160];
    g_snprintf(key, sizeof key, "/world/after-%d", i);
    request(s, "PUT", key, NULL, "s3", "written after a restore");
    g_snprintf(item, sizeof item, "{\"TableName\": \"world\", \"Item\": {\"pk\": {\"S\": \"after-%d\"}}}", i);
    request(s, "POST", "/", "DynamoDB_20120810.PutItem", "dynamodb", item);
}

int main(int argc, char **argv)
{
    int objects = argc > 1 ? atoi(argv[1]) : 10000, items = argc > 2 ? atoi(argv[2]) : 10000;
    int iter = argc > 3 ? atoi(argv[3]) : 2000, reloads = argc > 4 ? atoi(argv[4]) : 30;
    if (iter < 1 || reloads < 1) {
        fprintf(stderr, "ITER and RELOADS must be at least 1\n");
        return 2;
    }
    char err[512];
    mockaws_options o = {.journal_size = 1000, .seed = 1};
    server *s = mockaws_start(&o, err, sizeof err);
    if (!s) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    char *fixture = g_strdup_printf(
        "{\"s3\": {\"buckets\": [{\"name\": \"world\", \"objects\": "
        "[{\"generate\": {\"prefix\": \"k/\", \"count\": %d, \"size\": 100}}]}]},"
        " \"dynamodb\": {\"table_delay_ms\": 0, \"tables\": [{\"TableName\": \"world\","
        " \"BillingMode\": \"PAY_PER_REQUEST\","
        " \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}],"
        " \"AttributeDefinitions\": [{\"AttributeName\": \"pk\", \"AttributeType\": \"S\"}],"
        " \"generate\": {\"count\": %d, \"size\": 100}}]}}",
        objects, items);
    int64_t t0 = now_us();
    if (mockaws_load_fixtures_json(s, fixture, err, sizeof err) != 0) {
        fprintf(stderr, "fixture: %s\n", err);
        return 1;
    }
    printf("# world: %d S3 objects, %d DynamoDB items (100 B each), loaded in %.1f ms\n", objects, items,
           (now_us() - t0) / 1000.0);
    t0 = now_us();
    if (mockaws_snapshot(s, "world", err, sizeof err) != 0) {
        fprintf(stderr, "snapshot: %s\n", err);
        return 1;
    }
    printf("# snapshot taken in %.3f ms\n", (now_us() - t0) / 1000.0);

    int64_t *restore = g_new(int64_t, iter), *with_writes = g_new(int64_t, iter), *writes = g_new(int64_t, iter);
    for (int i = 0; i < iter; i++) {
        int64_t a = now_us();
        if (mockaws_restore(s, "world", err, sizeof err) != 0) {
            fprintf(stderr, "restore: %s\n", err);
            return 1;
        }
        int64_t b = now_us();
        first_writes(s, i);
        int64_t c = now_us();
        restore[i] = b - a;
        with_writes[i] = c - a;
        /* the same two writes again, now on paths this world already owns */
        first_writes(s, iter + i);
        writes[i] = now_us() - c;
    }
    report("restore", restore, iter);
    report("restore + PutObject + PutItem", with_writes, iter);
    report("(PutObject + PutItem, no restore)", writes, iter);

    int64_t *reload = g_new(int64_t, reloads);
    for (int i = 0; i < reloads; i++) {
        int64_t a = now_us();
        mockaws_reset(s);
        if (mockaws_load_fixtures_json(s, fixture, err, sizeof err) != 0) {
            fprintf(stderr, "fixture: %s\n", err);
            return 1;
        }
        first_writes(s, i);
        reload[i] = now_us() - a;
    }
    report("reset + fixture reload + writes", reload, reloads);
    g_free(restore);
    g_free(with_writes);
    g_free(writes);
    g_free(reload);
    g_free(fixture);
    mockaws_stop(s);
    return 0;
}
