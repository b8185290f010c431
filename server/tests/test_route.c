/* Routing: credential scope, target, action, S3 hosts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/route.h"
#include "services/s3/s3.h"

static const char *by_target(void *arg, const char *prefix, size_t len)
{
    return len == 17 && strncmp(prefix, "DynamoDB_20120810", len) == 0 ? "dynamodb" : NULL;
}

static const char *by_version(void *arg, const char *version)
{
    return strcmp(version, "2011-06-15") == 0 ? "sts" : strcmp(version, "2016-11-15") == 0 ? "ec2" : NULL;
}

static const svc_def *by_name(void *arg, const char *name)
{
    return strcmp(name, "s3") == 0 ? &s3_service : NULL;
}

static const route_env env = {by_target, by_version, by_name, NULL};

static int do_route(const char *host, const char *path, const char *query, http_header *h, size_t nh,
                    const char *form_body, route *r)
{
    http_request req = {.method = "GET", .path = path, .query = query, .host = host, .headers = h,
                        .nheaders = nh, .body = form_body ? form_body : "",
                        .body_len = form_body ? strlen(form_body) : 0};
    http_params q = {0}, f = {0};
    assert_true(http_params_parse(&q, query, strlen(query), true));
    if (form_body)
        assert_true(http_params_parse(&f, form_body, strlen(form_body), true));
    char err[128];
    int rc = route_request(&env, &req, &q, form_body ? &f : NULL, r, err, sizeof err);
    http_params_clear(&q);
    http_params_clear(&f);
    return rc;
}

static void scope_names_service_and_region(void **st)
{
    http_header h[] = {{"authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261129/eu-west-3/sns/"
                                         "aws4_request, SignedHeaders=host, Signature=abc"}};
    route r;
    assert_int_equal(do_route("localhost:4566", "/", "", h, 1, NULL, &r), 0);
    assert_string_equal(r.service, "sns");
    assert_string_equal(r.region, "eu-west-3");
    assert_string_equal(r.access_key, "AKIDEXAMPLE");
    assert_null(r.path);
    route_clear(&r);
}

static void presigned_credential(void **st)
{
    route r;
    assert_int_equal(do_route("127.0.0.1:4566", "/b/k",
                              "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=111122223333%2F20261129%2Fus-west-2%2Fs3%2Faws4_request",
                              NULL, 0, NULL, &r),
                     0);
    assert_string_equal(r.service, "s3");
    assert_string_equal(r.region, "us-west-2");
    assert_string_equal(r.access_key, "111122223333");
    route_clear(&r);
}

static void malformed_scope_is_refused(void **st)
{
    http_header h[] = {{"authorization", "AWS4-HMAC-SHA256 Credential=onlyonepart, Signature=x"}};
    route r;
    assert_int_equal(do_route("localhost", "/", "", h, 1, NULL, &r), -1);
}

static void unsigned_requests_by_target_and_action(void **st)
{
    http_header h[] = {{"x-amz-target", "DynamoDB_20120810.ListTables"}};
    route r;
    assert_int_equal(do_route("localhost", "/", "", h, 1, NULL, &r), 0);
    assert_string_equal(r.service, "dynamodb");
    assert_string_equal(r.region, "us-east-1");
    route_clear(&r);
    assert_int_equal(do_route("localhost", "/", "", NULL, 0, "Action=GetCallerIdentity&Version=2011-06-15", &r), 0);
    assert_string_equal(r.service, "sts");
    route_clear(&r);
    assert_int_equal(do_route("localhost", "/", "Action=DescribeRegions&Version=2016-11-15", NULL, 0, NULL, &r), 0);
    assert_string_equal(r.service, "ec2");
    route_clear(&r);
    /* an AWS JSON service mockaws does not serve keeps its name (answered
     * in its protocol); a prefix no service has is S3's, as anything else */
    http_header kinesis[] = {{"x-amz-target", "Kinesis_20131202.ListStreams"}};
    assert_int_equal(do_route("localhost", "/", "", kinesis, 1, NULL, &r), 0);
    assert_string_equal(r.service, "kinesis");
    route_clear(&r);
    http_header nope[] = {{"x-amz-target", "Kinesis_2013.ListStreams"}};
    assert_int_equal(do_route("localhost", "/", "", nope, 1, NULL, &r), 0);
    assert_string_equal(r.service, "s3");
    route_clear(&r);
    /* Anything else is S3. */
    assert_int_equal(do_route("localhost", "/bucket/key", "", NULL, 0, NULL, &r), 0);
    assert_string_equal(r.service, "s3");
    route_clear(&r);
}

static void s3_virtual_hosts(void **st)
{
    struct {
        const char *host, *path, *want_path, *want_region;
    } cases[] = {
        {"mybucket.localhost:4566", "/a/b c", "/mybucket/a/b c", NULL},
        {"mybucket.s3.localhost", "/", "/mybucket", NULL},
        {"my.dotted.bucket.s3.eu-west-1.localhost:4566", "/k", "/my.dotted.bucket/k", "eu-west-1"},
        {"s3.localhost", "/bucket/k", NULL, NULL},
        {"localhost:4566", "/bucket/k", NULL, NULL},
        {"127.0.0.1:4566", "/bucket/k", NULL, NULL},
        {"bkt.localhost.localstack.cloud:4566", "/k", "/bkt/k", NULL},
        /* host names have no case; bucket names are lowercase */
        {"MyBucket.S3.EU-West-1.localhost", "/k", "/mybucket/k", "eu-west-1"},
        /* AWS's own names, in the China partition too */
        {"bkt.s3.us-west-2.amazonaws.com", "/k", "/bkt/k", "us-west-2"},
        {"bkt.s3.cn-north-1.amazonaws.com.cn", "/k", "/bkt/k", "cn-north-1"},
        {"s3.cn-northwest-1.amazonaws.com.cn", "/bkt/k", NULL, "cn-northwest-1"},
        {"other.amazonaws.com.cn", "/bkt/k", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        route r;
        assert_int_equal(do_route(cases[i].host, cases[i].path, "", NULL, 0, NULL, &r), 0);
        if (cases[i].want_path)
            assert_string_equal(r.path, cases[i].want_path);
        else
            assert_null(r.path);
        if (cases[i].want_region)
            assert_string_equal(r.region, cases[i].want_region);
        route_clear(&r);
    }
}

/* Parameters keep their decoded lengths: a %00 is part of the name or value,
 * never its end, and a name holding one is not the name it starts with. */
static void params_keep_lengths(void **st)
{
    (void)st;
    http_params q = {0};
    const char *text = "k=a%00b&x%00y=1&plain=v+w&k=second";
    assert_true(http_params_parse(&q, text, strlen(text), true));
    size_t len = 0;
    const char *v = http_params_getn(&q, "k", &len);
    assert_non_null(v);
    assert_int_equal(len, 3);
    assert_memory_equal(v, "a\0b", 3);
    assert_null(http_params_get(&q, "x"));
    assert_string_equal(http_params_getn(&q, "plain", &len), "v w");
    assert_int_equal(len, 3);
    assert_int_equal(q.items->len, 4);
    http_params_clear(&q);
    assert_false(http_params_parse(&q, "a=%zz", 5, true));
    http_params_clear(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scope_names_service_and_region),
        cmocka_unit_test(presigned_credential),
        cmocka_unit_test(malformed_scope_is_refused),
        cmocka_unit_test(unsigned_requests_by_target_and_action),
        cmocka_unit_test(s3_virtual_hosts),
        cmocka_unit_test(params_keep_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
