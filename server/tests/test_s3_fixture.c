/* The s3 section of fixtures: buckets with owners and regions, inline,
 * base64, file and generated objects, refusals, and the state dump that
 * gives the section back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_s3_call.h"

static void example_file_loads(void **st)
{
    server *s = *st;
    char err[256];
    assert_int_equal(mockaws_load_fixtures_file(s, MOCKAWS_SOURCE_DIR "/fixtures/s3-example.json", err, sizeof err), 0);
    s3r r = s3_call(s, "GET", "/example-assets/hello.txt", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "hello from mockaws\n");
    assert_string_equal(s3r_header(&r, "Content-Type"), "text/plain");
    s3r_free(&r);
    r = s3_call(s, "GET", "/example-assets/data/report.csv", NULL, NULL, 0, NULL);
    assert_true(g_str_has_prefix(r.body, "id,name,score\n"));
    assert_string_equal(s3r_header(&r, "x-amz-meta-source"), "fixture");
    assert_string_equal(s3r_header(&r, "x-amz-tagging-count"), "2");
    s3r_free(&r);
    r = s3_call(s, "GET", "/example-assets/data/blob.bin", NULL, NULL, 0, NULL);
    assert_int_equal(r.len, 7);
    assert_memory_equal(r.body, "\x00\x01\x02\x03\x04\x05\xff", 7);
    assert_string_equal(s3r_header(&r, "Cache-Control"), "max-age=60");
    s3r_free(&r);
    r = s3_call(s, "HEAD", "/example-assets/old.txt", NULL, NULL, 0, NULL);
    assert_string_equal(s3r_header(&r, "Last-Modified"), "Wed, 01 Jan 2020 00:00:00 GMT");
    s3r_free(&r);
    r = s3_call(s, "GET", "/example-assets/keys%20with%20spaces/%2Bplus%20%26%20ampersand%3F.txt", NULL, NULL, 0, NULL);
    assert_string_equal(r.body, "odd keys list fine");
    s3r_free(&r);
    r = s3_call(s, "GET", "/example-listing", "list-type=2&prefix=logs%2F09", NULL, 0, NULL);
    assert_non_null(strstr(r.body, "<KeyCount>1000</KeyCount>"));
    assert_non_null(strstr(r.body, "<Key>logs/09999</Key>")); /* 5 digits: the digits of 10000 */
    s3r_free(&r);
    r = s3_call(s, "GET", "/example-listing/logs/09999", NULL, NULL, 0, NULL);
    assert_int_equal(r.len, 64);
    s3r_free(&r);
    /* the partner's bucket is theirs, in their region */
    r = s3_call(s, "GET", "/example-partner-eu/shared.json", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 403);
    s3r_free(&r);
    r = s3_call(s, "HEAD", "/example-partner-eu", NULL, NULL, 0, "authorization",
                S3_AUTH_REGION("210987654321", "eu-west-1"), NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(s3r_header(&r, "x-amz-bucket-region"), "eu-west-1");
    s3r_free(&r);
}

static void generated_keys_are_padded(void **st)
{
    server *s = *st;
    char err[256];
    const char *fx = "{\"s3\": {\"buckets\": [{\"name\": \"gen-pad\", \"objects\": ["
                     "{\"generate\": {\"prefix\": \"k/\", \"count\": 1000, \"size\": 0}},"
                     "{\"generate\": {\"prefix\": \"one-\", \"count\": 1}}]}]}}";
    assert_int_equal(mockaws_load_fixtures_json(s, fx, err, sizeof err), 0);
    s3r r = s3_call(s, "GET", "/gen-pad", "list-type=2&max-keys=2", NULL, 0, NULL);
    assert_non_null(strstr(r.body, "<Key>k/0000</Key>"));
    assert_non_null(strstr(r.body, "<Key>k/0001</Key>"));
    assert_non_null(strstr(r.body, "<Size>0</Size>"));
    s3r_free(&r);
    r = s3_call(s, "GET", "/gen-pad", "list-type=2&start-after=k%2F0998", NULL, 0, NULL);
    assert_non_null(strstr(r.body, "<Key>k/0999</Key>"));
    assert_non_null(strstr(r.body, "<Key>one-0</Key>"));
    assert_non_null(strstr(r.body, "<KeyCount>2</KeyCount>"));
    s3r_free(&r);
}

static void refusals(void **st)
{
    server *s = *st;
    char err[256];
    const char *bad[] = {
        "{\"s3\": []}",
        "{\"s3\": {\"buckets\": [{\"objects\": []}]}}",
        "{\"s3\": {\"buckets\": [{\"name\": \"NO\"}]}}",
        "{\"s3\": {\"buckets\": [{\"name\": \"okname\", \"owner\": \"123\"}]}}",
        "{\"s3\": {\"buckets\": [{\"name\": \"okname\", \"objects\": [{\"body\": \"x\"}]}]}}",
        "{\"s3\": {\"buckets\": [{\"name\": \"okname\", \"objects\": [{\"key\": \"k\", \"body\": \"x\", \"body_base64\": \"eA==\"}]}]}}",
        "{\"s3\": {\"buckets\": [{\"name\": \"okname\", \"objects\": [{\"key\": \"k\", \"file\": \"no/such/file\"}]}]}}",
        "{\"s3\": {\"buckets\": [{\"name\": \"okname\", \"objects\": [{\"key\": \"k\", \"metadata\": {\"a\": 1}}]}]}}",
        "{\"s3\": {\"buckets\": [{\"name\": \"okname\", \"objects\": [{\"generate\": {\"count\": -1}}]}]}}",
        "{\"s3\": {\"buckets\": [{\"name\": \"okname\", \"objects\": [{\"generate\": {\"prefix\": 5, \"count\": 1}}]}]}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err[0] = '\0';
        assert_int_not_equal(mockaws_load_fixtures_json(s, bad[i], err, sizeof err), 0);
        assert_true(strlen(err) > 0);
    }
    /* a bucket of another account cannot be taken over */
    assert_int_equal(mockaws_load_fixtures_json(s, "{\"s3\": {\"buckets\": [{\"name\": \"taken\", \"owner\": \"111122223333\"}]}}",
                                                err, sizeof err),
                     0);
    assert_int_not_equal(mockaws_load_fixtures_json(s, "{\"s3\": {\"buckets\": [{\"name\": \"taken\"}]}}", err, sizeof err), 0);
    assert_non_null(strstr(err, "taken"));
}

static void dump_gives_the_section_back(void **st)
{
    server *s = *st;
    mockaws_reset(s);
    char err[256];
    s3_ok(s, "PUT", "/dumped", NULL, NULL);
    s3r r = s3_call(s, "PUT", "/dumped/text", NULL, "plain text", 10, "content-type", "text/plain", "x-amz-meta-a",
                    "b", "x-amz-tagging", "t=v", NULL);
    s3r_free(&r);
    r = s3_call(s, "PUT", "/dumped/bin", NULL, "\x00\xff", 2, NULL);
    s3r_free(&r);
    char *dump = mockaws_state_json(s);
    json_t *doc = json_loads(dump, 0, NULL);
    assert_non_null(doc);
    json_t *nsdoc = json_array_get(json_object_get(doc, "namespaces"), 0);
    json_t *b = json_array_get(json_object_get(json_object_get(nsdoc, "s3"), "buckets"), 0);
    assert_string_equal(json_string_value(json_object_get(b, "name")), "dumped");
    assert_string_equal(json_string_value(json_object_get(b, "owner")), "123456789012");
    assert_string_equal(json_string_value(json_object_get(b, "region")), "us-east-1");
    json_t *objs = json_object_get(b, "objects");
    assert_int_equal(json_array_size(objs), 2);
    json_t *bin = json_array_get(objs, 0), *text = json_array_get(objs, 1);
    assert_string_equal(json_string_value(json_object_get(bin, "body_base64")), "AP8=");
    assert_string_equal(json_string_value(json_object_get(text, "body")), "plain text");
    assert_string_equal(json_string_value(json_object_get(text, "content_type")), "text/plain");
    assert_string_equal(json_string_value(json_object_get(json_object_get(text, "metadata"), "a")), "b");
    assert_string_equal(json_string_value(json_object_get(json_object_get(text, "tags"), "t")), "v");
    /* and loads back into a fresh server as it was */
    mockaws_reset(s);
    assert_int_equal(mockaws_load_fixtures_json(s, dump, err, sizeof err), 0);
    r = s3_call(s, "GET", "/dumped/text", NULL, NULL, 0, NULL);
    assert_string_equal(r.body, "plain text");
    assert_string_equal(s3r_header(&r, "x-amz-meta-a"), "b");
    s3r_free(&r);
    char *again = mockaws_state_json(s);
    assert_string_equal(dump, again);
    mockaws_free(again);
    mockaws_free(dump);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(example_file_loads),
        cmocka_unit_test(generated_keys_are_padded),
        cmocka_unit_test(refusals),
        cmocka_unit_test(dump_gives_the_section_back),
    };
    return cmocka_run_group_tests(tests, s3_setup, s3_teardown);
}
