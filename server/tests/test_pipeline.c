/* The request pipeline end to end, without sockets: routing, STS through
 * the query protocol, errors, journal, control API, fixtures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <zlib.h>

#include "core/pipeline.h"
#include "core/server.h"

typedef struct result {
    int status;
    char *body;
    char *request_id;
    char *crc;
} result;

static result call(server *s, const char *method, const char *path, const char *query,
                   const char *auth, const char *target, const char *body)
{
    http_header h[4];
    size_t n = 0;
    if (auth)
        h[n++] = (http_header){"authorization", (char *)auth};
    if (target)
        h[n++] = (http_header){"x-amz-target", (char *)target};
    h[n++] = (http_header){"content-type", target ? "application/x-amz-json-1.0"
                                                  : "application/x-www-form-urlencoded; charset=utf-8"};
    http_request req = {.method = method, .path = path, .query = query ? query : "", .host = "localhost",
                        .headers = h, .nheaders = n, .body = body ? body : "",
                        .body_len = body ? strlen(body) : 0};
    http_response resp;
    http_response_init(&resp);
    pipeline_outcome out;
    pipeline_handle(s, &req, 1, false, &resp, &out);
    size_t len;
    const char *b = http_response_body(&resp, &len);
    result r = {resp.status, g_strndup(b, len), g_strdup(http_response_header(&resp, "x-amzn-RequestId")),
                g_strdup(http_response_header(&resp, "x-amz-crc32"))};
    http_response_clear(&resp);
    return r;
}

static void result_free(result *r)
{
    g_free(r->body);
    g_free(r->request_id);
    g_free(r->crc);
}

#define AUTH(key) "AWS4-HMAC-SHA256 Credential=" key "/20261129/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0"

static int setup(void **st)
{
    char err[256];
    mockaws_options o = {.seed = 42};
    *st = mockaws_start(&o, err, sizeof err);
    if (!*st)
        fprintf(stderr, "start: %s\n", err);
    return *st ? 0 : -1;
}

static int teardown(void **st)
{
    mockaws_stop(*st);
    return 0;
}

static void caller_identity_default_and_numeric_keys(void **st)
{
    server *s = *st;
    result r = call(s, "POST", "/", NULL, AUTH("AKIDEXAMPLE"), NULL, "Action=GetCallerIdentity&Version=2011-06-15");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<Account>123456789012</Account>"));
    assert_non_null(strstr(r.body, "<Arn>arn:aws:iam::123456789012:root</Arn>"));
    assert_non_null(r.request_id);
    assert_non_null(strstr(r.body, r.request_id));
    result_free(&r);
    r = call(s, "POST", "/", NULL, AUTH("111122223333"), NULL, "Action=GetCallerIdentity&Version=2011-06-15");
    assert_non_null(strstr(r.body, "<Account>111122223333</Account>"));
    result_free(&r);
}

static void assumed_role_credentials_land_in_the_role_account(void **st)
{
    server *s = *st;
    result r = call(s, "POST", "/", NULL, AUTH("AKIDEXAMPLE"), NULL,
                    "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A210987654321%3Arole%2Fdeploy&RoleSessionName=ci");
    assert_int_equal(r.status, 200);
    const char *k = strstr(r.body, "<AccessKeyId>");
    assert_non_null(k);
    k += strlen("<AccessKeyId>");
    char key[64];
    g_strlcpy(key, k, strcspn(k, "<") + 1);
    assert_true(g_str_has_prefix(key, "ASIA"));
    result_free(&r);

    char *auth = g_strdup_printf("AWS4-HMAC-SHA256 Credential=%s/20261129/us-east-1/sts/aws4_request, Signature=0", key);
    r = call(s, "POST", "/", NULL, auth, NULL, "Action=GetCallerIdentity&Version=2011-06-15");
    assert_non_null(strstr(r.body, "<Account>210987654321</Account>"));
    assert_non_null(strstr(r.body, "<Arn>arn:aws:sts::210987654321:assumed-role/deploy/ci</Arn>"));
    result_free(&r);
    g_free(auth);
}

static void validation_and_unknown_actions(void **st)
{
    server *s = *st;
    result r = call(s, "POST", "/", NULL, AUTH("AKIDEXAMPLE"), NULL, "Action=AssumeRole&Version=2011-06-15&RoleSessionName=ci");
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<Code>ValidationError</Code>"));
    assert_non_null(strstr(r.body, "roleArn"));
    result_free(&r);
    r = call(s, "POST", "/", NULL, AUTH("AKIDEXAMPLE"), NULL, "Action=NoSuchThing&Version=2011-06-15");
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<Code>InvalidAction</Code>"));
    result_free(&r);
    /* exists in AWS, not (yet) in mockaws */
    r = call(s, "POST", "/", NULL, AUTH("AKIDEXAMPLE"), NULL, "Action=GetFederationToken&Version=2011-06-15&Name=x");
    assert_int_equal(r.status, 501);
    assert_non_null(strstr(r.body, "GetFederationToken"));
    result_free(&r);
}

/* An AWS service mockaws does not serve: 501 in its own protocol, naming
 * it (core/unserved.h); a name no AWS service signs with: 400. */
static void unknown_service_is_400_naming_it(void **st)
{
    server *s = *st;
    result r = call(s, "POST", "/", NULL,
                    "AWS4-HMAC-SHA256 Credential=AKID/20261129/us-east-1/lambda/aws4_request, Signature=0", NULL, "{}");
    assert_int_equal(r.status, 501);
    /* sent as a form: the query protocol's envelope, whatever the service */
    assert_non_null(strstr(r.body, "<Code>NotImplemented</Code><Message>mockaws does not serve Lambda "
                                   "(signing name &apos;lambda&apos;)"));
    result_free(&r);
    r = call(s, "POST", "/", NULL,
             "AWS4-HMAC-SHA256 Credential=AKID/20261129/us-east-1/nosuchservice/aws4_request, Signature=0", NULL, "{}");
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "UnknownService"));
    assert_non_null(strstr(r.body, "nosuchservice"));
    result_free(&r);
}

static void journal_records_without_secrets(void **st)
{
    server *s = *st;
    mockaws_journal_clear(s);
    result r = call(s, "POST", "/", NULL, AUTH("AKIDSECRETLOOKING"), NULL, "Action=GetCallerIdentity&Version=2011-06-15");
    result_free(&r);
    assert_int_equal(mockaws_journal_count(s, "sts", "GetCallerIdentity", NULL), 1);
    char *j = mockaws_journal_json(s, "{\"service\": \"sts\"}");
    assert_non_null(strstr(j, "\"operation\":\"GetCallerIdentity\""));
    assert_null(strstr(j, "AKIDSECRETLOOKING"));
    assert_null(strstr(j, "Signature"));
    mockaws_free(j);
}

static void control_api(void **st)
{
    server *s = *st;
    char *out = NULL;
    assert_int_equal(mockaws_control(s, "GET", "health", NULL, &out), 200);
    assert_non_null(strstr(out, "\"status\":\"ok\""));
    assert_non_null(strstr(out, "\"sts\""));
    mockaws_free(out);
    assert_int_equal(mockaws_control(s, "POST", "clock", "{\"mode\": \"virtual\"}", &out), 200);
    mockaws_free(out);
    int64_t t = mockaws_clock_now_ms(s);
    assert_int_equal(mockaws_control(s, "POST", "clock", "{\"advance_ms\": 5000}", &out), 200);
    mockaws_free(out);
    assert_int_equal(mockaws_clock_now_ms(s), t + 5000);
    assert_int_equal(mockaws_control(s, "POST", "clock", "{\"mode\": \"sideways\"}", &out), 400);
    mockaws_free(out);
    assert_int_equal(mockaws_control(s, "POST", "clock", "{\"mode\": \"real\"}", &out), 200);
    mockaws_free(out);
    assert_int_equal(mockaws_control(s, "POST", "state", "not json", &out), 400);
    mockaws_free(out);
    assert_int_equal(mockaws_control(s, "POST", "state", "{\"nosuchservice\": {}}", &out), 400);
    assert_non_null(strstr(out, "nosuchservice"));
    mockaws_free(out);
    assert_int_equal(mockaws_control(s, "GET", "journal?limit=abc", NULL, &out), 400);
    mockaws_free(out);
    assert_int_equal(mockaws_control(s, "GET", "/_localstack/health", NULL, &out), 200);
    mockaws_free(out);
    assert_int_equal(mockaws_control(s, "POST", "/moto-api/reset", NULL, &out), 200);
    mockaws_free(out);
    assert_int_equal(mockaws_journal_count(s, NULL, NULL, NULL), 0);
    assert_int_equal(mockaws_control(s, "GET", "nothing-here", NULL, &out), 404);
    mockaws_free(out);
}

static void two_servers_are_isolated(void **st)
{
    server *a = *st;
    char err[128];
    server *b = mockaws_start(NULL, err, sizeof err);
    assert_non_null(b);
    assert_int_not_equal(mockaws_port(a), mockaws_port(b));
    mockaws_journal_clear(a);
    result r = call(b, "POST", "/", NULL, AUTH("AKIDEXAMPLE"), NULL, "Action=GetCallerIdentity&Version=2011-06-15");
    result_free(&r);
    assert_int_equal(mockaws_journal_count(b, "sts", NULL, NULL), 1);
    assert_int_equal(mockaws_journal_count(a, "sts", NULL, NULL), 0);
    mockaws_stop(b);
}

/* The headers every answer of a protocol carries, success or error: S3's
 * x-amz-request-id (16 hex digits) and x-amz-id-2, DynamoDB's
 * x-amzn-RequestId (52 characters of [0-9A-Z]) and x-amz-crc32 of the body,
 * the x-amzn-RequestId (a UUID) of the others, and nothing of another
 * protocol's. */
static void standard_headers_per_service(void **st)
{
    server *s = *st;
    struct {
        const char *service, *host, *path, *query, *target, *body;
        int status;
        bool s3, crc;
    } cases[] = {
        {"s3", "localhost", "/", "", NULL, NULL, 200, true, false},
        {"s3", "localhost", "/no-such-bucket", "", NULL, NULL, 404, true, false},
        {"s3", "no-such-bucket.s3.localhost", "/", "", NULL, NULL, 404, true, false},
        {"dynamodb", "localhost", "/", "", "DynamoDB_20120810.ListTables", "{}", 200, false, true},
        {"dynamodb", "localhost", "/", "", "DynamoDB_20120810.DescribeTable", "{\"TableName\":\"nope\"}", 400,
         false, true},
        {"sns", "localhost", "/", "", NULL, "Action=ListTopics&Version=2010-03-31", 200, false, false},
        {"sns", "localhost", "/", "", NULL, "Action=GetTopicAttributes&Version=2010-03-31", 400, false, false},
        {"ec2", "localhost", "/", "", NULL, "Action=DescribeRegions&Version=2016-11-15", 200, false, false},
        {"sts", "localhost", "/", "", NULL, "Action=GetCallerIdentity&Version=2011-06-15", 200, false, false},
        /* no service takes it */
        {"lambda", "localhost", "/", "", NULL, "{}", 501, false, false},
        {"nosuchservice", "localhost", "/", "", NULL, "{}", 400, false, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *auth = g_strdup_printf("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/us-east-1/%s/aws4_request, "
                                     "SignedHeaders=host, Signature=0",
                                     cases[i].service);
        http_header h[3];
        size_t n = 0;
        h[n++] = (http_header){"authorization", auth};
        if (cases[i].target) {
            h[n++] = (http_header){"x-amz-target", (char *)cases[i].target};
            h[n++] = (http_header){"content-type", "application/x-amz-json-1.0"};
        } else if (cases[i].body) {
            h[n++] = (http_header){"content-type", "application/x-www-form-urlencoded; charset=utf-8"};
        }
        const char *body = cases[i].body ? cases[i].body : "";
        http_request req = {.method = cases[i].body ? "POST" : "GET", .path = cases[i].path,
                            .query = cases[i].query, .host = cases[i].host, .headers = h, .nheaders = n,
                            .body = body, .body_len = strlen(body)};
        http_response resp;
        http_response_init(&resp);
        pipeline_outcome out;
        pipeline_handle(s, &req, 1, false, &resp, &out);
        print_message("case %zu: %s %s -> %d\n", i, cases[i].service, cases[i].host, resp.status);
        assert_int_equal(resp.status, cases[i].status);
        const char *amz = http_response_header(&resp, "x-amz-request-id");
        const char *id2 = http_response_header(&resp, "x-amz-id-2");
        const char *amzn = http_response_header(&resp, "x-amzn-RequestId");
        const char *crc = http_response_header(&resp, "x-amz-crc32");
        if (cases[i].s3) {
            assert_non_null(amz);
            assert_int_equal(strlen(amz), 16);
            for (const char *p = amz; *p; p++)
                assert_true(g_ascii_isdigit(*p) || (*p >= 'A' && *p <= 'F'));
            assert_non_null(id2);
            assert_true(id2[0] != '\0');
            assert_null(amzn);
        } else if (cases[i].crc) {
            /* DynamoDB: 52 characters of [0-9A-Z] */
            assert_non_null(amzn);
            assert_int_equal(strlen(amzn), 52);
            for (const char *p = amzn; *p; p++)
                assert_true(g_ascii_isdigit(*p) || (*p >= 'A' && *p <= 'Z'));
            assert_null(amz);
            assert_null(id2);
        } else {
            assert_non_null(amzn);
            assert_int_equal(strlen(amzn), 36);
            assert_true(g_uuid_string_is_valid(amzn));
            assert_null(amz);
            assert_null(id2);
        }
        if (cases[i].crc) {
            size_t len;
            const char *b = http_response_body(&resp, &len);
            char want[16];
            g_snprintf(want, sizeof want, "%lu", crc32(0L, (const Bytef *)b, (uInt)len));
            assert_non_null(crc);
            assert_string_equal(crc, want);
        } else {
            assert_null(crc);
        }
        http_response_clear(&resp);
        g_free(auth);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(caller_identity_default_and_numeric_keys),
        cmocka_unit_test(assumed_role_credentials_land_in_the_role_account),
        cmocka_unit_test(validation_and_unknown_actions),
        cmocka_unit_test(unknown_service_is_400_naming_it),
        cmocka_unit_test(journal_records_without_secrets),
        cmocka_unit_test(control_api),
        cmocka_unit_test(two_servers_are_isolated),
        cmocka_unit_test(standard_headers_per_service),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
