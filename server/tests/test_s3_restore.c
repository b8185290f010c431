/* S3 archive storage classes and RestoreObject through the whole pipeline,
 * on the virtual clock: GET refused until the restore is done, the restore
 * delay from mockaws_options, x-amz-restore, the restored copy's expiry, and
 * the plus-as-space and region checks a restore request goes through too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_s3_call.h"

#define RESTORE_BODY "<RestoreRequest><Days>1</Days></RestoreRequest>"

static int setup(void **st) { return s3_setup_virtual(st, 5000); }

static s3r restore(server *s, const char *path)
{
    return s3_call(s, "POST", path, "restore", RESTORE_BODY, strlen(RESTORE_BODY), NULL);
}

static void restore_follows_the_configured_delay(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/cold", NULL, NULL);
    s3r r = s3_call(s, "PUT", "/cold/a+b", NULL, "frozen", 6, "x-amz-storage-class", "GLACIER", NULL);
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    /* '+' was a space */
    r = s3_call(s, "GET", "/cold/a%20b", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(r.body, "<Code>InvalidObjectState</Code>"));
    assert_non_null(strstr(r.body, "<StorageClass>GLACIER</StorageClass>"));
    s3r_free(&r);
    r = restore(s, "/cold/a%20b");
    assert_int_equal(r.status, 202);
    s3r_free(&r);
    r = s3_call(s, "HEAD", "/cold/a%20b", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(s3r_header(&r, "x-amz-restore"), "ongoing-request=\"true\"");
    s3r_free(&r);
    mockaws_clock_advance(s, 4999);
    r = restore(s, "/cold/a%20b");
    assert_int_equal(r.status, 409);
    assert_non_null(strstr(r.body, "<Code>RestoreAlreadyInProgress</Code>"));
    s3r_free(&r);
    mockaws_clock_advance(s, 1);
    r = s3_call(s, "GET", "/cold/a%20b", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "frozen");
    const char *h = s3r_header(&r, "x-amz-restore");
    assert_non_null(h);
    assert_true(g_str_has_prefix(h, "ongoing-request=\"false\", expiry-date=\""));
    assert_true(g_str_has_suffix(h, " 00:00:00 GMT\""));
    s3r_free(&r);
    r = restore(s, "/cold/a%20b");
    assert_int_equal(r.status, 200);
    s3r_free(&r);
    /* a day and more later the restored copy is gone */
    mockaws_clock_advance(s, (int64_t)3 * 86400 * 1000);
    r = s3_call(s, "GET", "/cold/a%20b", NULL, NULL, 0, NULL);
    assert_int_equal(r.status, 403);
    s3r_free(&r);
}

static void restore_refusals(void **st)
{
    server *s = *st;
    s3_ok(s, "PUT", "/warm", NULL, NULL);
    s3_ok(s, "PUT", "/warm/std", NULL, "x");
    s3r r = restore(s, "/warm/std");
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(r.body, "<Code>InvalidObjectState</Code>"));
    assert_non_null(strstr(r.body, "Restore is not allowed for the object"));
    s3r_free(&r);
    r = restore(s, "/warm/none");
    assert_int_equal(r.status, 404);
    assert_non_null(strstr(r.body, "<Code>NoSuchKey</Code>"));
    s3r_free(&r);
    r = s3_call(s, "PUT", "/warm/deep", NULL, "d", 1, "x-amz-storage-class", "DEEP_ARCHIVE", NULL);
    s3r_free(&r);
    r = s3_call(s, "POST", "/warm/deep", "restore", "<RestoreRequest/>", 17, NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<Code>MalformedXML</Code>"));
    s3r_free(&r);
    r = s3_call(s, "POST", "/warm/deep", "restore", "<RestoreRequest", 15, NULL);
    assert_int_equal(r.status, 400);
    s3r_free(&r);
    /* signed for another region than the bucket's */
    r = s3_call(s, "POST", "/warm/deep", "restore", RESTORE_BODY, strlen(RESTORE_BODY), "authorization",
                S3_AUTH_REGION("AKIDEXAMPLE", "eu-west-1"), NULL);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<Code>AuthorizationHeaderMalformed</Code>"));
    assert_non_null(strstr(r.body, "<Region>us-east-1</Region>"));
    assert_string_equal(s3r_header(&r, "x-amz-bucket-region"), "us-east-1");
    s3r_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(restore_follows_the_configured_delay),
        cmocka_unit_test(restore_refusals),
    };
    return cmocka_run_group_tests(tests, setup, s3_teardown);
}
