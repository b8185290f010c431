/* POST Object form signatures (core/auth.c, auth_form_check): SigV4 hex
 * HMAC-SHA256 and SigV2 base64 HMAC-SHA1 over the base64 policy as sent,
 * and which requests the pipeline leaves to a form's handler
 * (auth_form_pending). The expected signatures were computed apart, with
 * Python's hmac and hashlib. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/auth.h"
#include "mockaws.h"

/* {"expiration": "2099-01-01T00:00:00Z", "conditions": [{"bucket": "forms"}]} */
#define POLICY "eyJleHBpcmF0aW9uIjogIjIwOTktMDEtMDFUMDA6MDA6MDBaIiwgImNvbmRpdGlvbnMiOiBbeyJidWNrZXQiOiAiZm9ybXMifV19"
/* secret "test", scope 20261207/us-east-1/s3 */
#define SIG_V4 "bd01e35d0b4dd30107c34e38da2cefce18870bf95cc7a7f5ab58614c7207d743"
/* secret "test" */
#define SIG_V2 "IVPJM9ZG2TaTX+fXbT3Tmr1DHNQ="
#define CREDENTIAL "test/20261207/us-east-1/s3/aws4_request"
#define DATE "20261207T000000Z"

static int setup(void **st)
{
    char err[256];
    /* verify: the signing-key cache is the server's only then, as forms
     * are checked only then */
    mockaws_options o = {.seed = 7, .auth = MOCKAWS_AUTH_VERIFY};
    *st = mockaws_start(&o, err, sizeof err);
    return *st ? 0 : -1;
}

static int teardown(void **st)
{
    mockaws_stop(*st);
    return 0;
}

static auth_form v4_form(const char *credential, const char *signature)
{
    return (auth_form){.policy = POLICY,
                       .algorithm = "AWS4-HMAC-SHA256",
                       .credential = credential,
                       .date = DATE,
                       .signature = signature};
}

/* auth_form_check's refusal: its status and code (the error cleared). */
static void expect_refusal(server *s, const auth_form *f, int status, const char *code, const char *message)
{
    aws_error err = AWS_ERROR_INIT;
    char *key = NULL, *region = NULL;
    assert_int_equal(auth_form_check(s, f, &key, &region, &err), -1);
    assert_null(key);
    assert_null(region);
    assert_int_equal(err.status, status);
    assert_string_equal(err.code, code);
    if (message)
        assert_string_equal(err.message, message);
    aws_error_clear(&err);
}

static void sigv4_over_the_policy(void **st)
{
    aws_error err = AWS_ERROR_INIT;
    char *key, *region;
    auth_form f = v4_form(CREDENTIAL, SIG_V4);
    assert_int_equal(auth_form_check(*st, &f, &key, &region, &err), 0);
    assert_string_equal(key, "test");
    assert_string_equal(region, "us-east-1");
    g_free(key);
    g_free(region);

    /* a signature for another day's key, another secret's */
    f = v4_form(CREDENTIAL, "ad01e35d0b4dd30107c34e38da2cefce18870bf95cc7a7f5ab58614c7207d743");
    assert_int_equal(auth_form_check(*st, &f, &key, &region, &err), -1);
    assert_int_equal(err.status, 403);
    assert_string_equal(err.code, "SignatureDoesNotMatch");
    /* S3 names the policy as the string it signed */
    assert_string_equal(json_string_value(json_object_get(err.fields, "StringToSign")), POLICY);
    assert_string_equal(json_string_value(json_object_get(err.fields, "AWSAccessKeyId")), "test");
    assert_string_equal(json_string_value(json_object_get(err.fields, "SignatureProvided")),
                        "ad01e35d0b4dd30107c34e38da2cefce18870bf95cc7a7f5ab58614c7207d743");
    aws_error_clear(&err);
}

static void sigv2_over_the_policy(void **st)
{
    aws_error err = AWS_ERROR_INIT;
    char *key, *region;
    auth_form f = {.policy = POLICY, .access_key_id = "test", .signature_v2 = SIG_V2};
    assert_int_equal(auth_form_check(*st, &f, &key, &region, &err), 0);
    assert_string_equal(key, "test");
    assert_null(region);
    g_free(key);

    f.signature_v2 = "JVPJM9ZG2TaTX+fXbT3Tmr1DHNQ=";
    expect_refusal(*st, &f, 403, "SignatureDoesNotMatch", NULL);
    /* the SigV4 signature in a SigV2 form is no match either */
    f.signature_v2 = SIG_V4;
    expect_refusal(*st, &f, 403, "SignatureDoesNotMatch", NULL);
}

static void scope_and_key(void **st)
{
    auth_form f = v4_form("test/20261207/us-east-1/s3", SIG_V4);
    expect_refusal(*st, &f, 400, "AuthorizationQueryParametersError",
                   "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "
                   "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
    f = v4_form("test/20261207/us-east-1/sqs/aws4_request", SIG_V4);
    expect_refusal(*st, &f, 400, "AuthorizationQueryParametersError",
                   "Error parsing the X-Amz-Credential parameter; incorrect service \"sqs\". This endpoint "
                   "belongs to \"s3\".");
    f = v4_form("test/20261208/us-east-1/s3/aws4_request", SIG_V4);
    expect_refusal(*st, &f, 400, "AuthorizationQueryParametersError",
                   "Invalid credential date \"20261208\". This date is not the same as X-Amz-Date: \"20261207\".");
    f = v4_form(CREDENTIAL, SIG_V4);
    f.date = "2026-12-07";
    expect_refusal(*st, &f, 400, "AuthorizationQueryParametersError", NULL);
    f = v4_form("AKIANOSUCHKEY0000000/20261207/us-east-1/s3/aws4_request", SIG_V4);
    expect_refusal(*st, &f, 403, "InvalidAccessKeyId", NULL);
    /* no signature at all is an anonymous form; a signature needs what it signs */
    f = (auth_form){.policy = POLICY};
    expect_refusal(*st, &f, 403, "AccessDenied", "Access Denied");
    f = v4_form(CREDENTIAL, SIG_V4);
    f.policy = NULL;
    expect_refusal(*st, &f, 403, "AccessDenied", "Access Denied");
}

static void which_requests_are_forms(void **st)
{
    (void)st;
    http_header h[] = {{"content-type", "multipart/form-data; boundary=x"}, {"authorization", "AWS4-HMAC-SHA256 x"}};
    http_request r = {.method = "POST", .path = "/forms", .query = "", .headers = h, .nheaders = 1};
    assert_true(auth_form_pending("s3", &r));
    assert_false(auth_form_pending("sns", &r));
    r.nheaders = 2; /* signed in its headers: checked as such */
    assert_false(auth_form_pending("s3", &r));
    r.nheaders = 1;
    r.query = "X-Amz-Credential=a%2Fb";
    assert_false(auth_form_pending("s3", &r));
    r.query = "";
    r.method = "PUT";
    assert_false(auth_form_pending("s3", &r));
    r.method = "POST";
    h[0].value = "application/x-www-form-urlencoded";
    assert_false(auth_form_pending("s3", &r));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sigv4_over_the_policy),
        cmocka_unit_test(sigv2_over_the_policy),
        cmocka_unit_test(scope_and_key),
        cmocka_unit_test(which_requests_are_forms),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
