/* --auth verify through the pipeline, without sockets: requests signed here
 * with core/sigv4.h, right and wrong, and each refusal in each service's
 * own code, status and envelope (docs/AWS-FACTS.md "The error for: unknown
 * key, wrong signature, expired token, skew"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "test_signed_call.h"

/* One request per service, each with the same credentials. */
static const req_spec base[] = {
    {.service = "s3", .method = "GET", .path = "/"},
    {.service = "dynamodb", .method = "POST", .path = "/", .body = "{}"},
    {.service = "sts", .method = "POST", .path = "/", .body = "Action=GetCallerIdentity&Version=2011-06-15"},
    {.service = "sns", .method = "POST", .path = "/", .body = "Action=ListTopics&Version=2010-03-31"},
    {.service = "ec2", .method = "POST", .path = "/", .body = "Action=DescribeInstances&Version=2016-11-15"},
};

/* Sends base[i] with the credentials and checks status and code. */
static void expect(server *s, size_t i, const char *key, const char *secret, const char *token, int64_t skew_ms,
                   int status, const char *code)
{
    req_spec rs = base[i];
    rs.key = key;
    rs.secret = secret;
    rs.token = token;
    rs.skew_ms = skew_ms;
    result r = send_req(s, &rs);
    if (r.status != status || (code && !strstr(r.body, code)))
        fail_msg("%s with key %s: %d %s, want %d %s", rs.service, key ? key : "(none)", r.status, r.body, status,
                 code ? code : "");
    g_free(r.body);
}

static int setup(void **st)
{
    char err[256];
    mockaws_options o = {.seed = 7, .auth = MOCKAWS_AUTH_VERIFY};
    *st = mockaws_start(&o, err, sizeof err);
    if (!*st)
        return -1;
    mockaws_clock_virtual(*st, 1);
    return 0;
}

static int teardown(void **st)
{
    mockaws_stop(*st);
    return 0;
}

static void root_keys_with_secret_test(void **st)
{
    for (size_t i = 0; i < G_N_ELEMENTS(base); i++) {
        expect(*st, i, "test", "test", NULL, 0, 200, NULL);
        expect(*st, i, "111122223333", "test", NULL, 0, 200, NULL);
    }
}

/* The dummy pair `mockaws env` hands out is a root key with its own
 * secret; "test" does not sign for it, nor its secret for "test". */
static void dummy_pair_is_root(void **st)
{
    for (size_t i = 0; i < G_N_ELEMENTS(base); i++)
        expect(*st, i, MOCKAWS_DUMMY_ACCESS_KEY_ID, MOCKAWS_DUMMY_SECRET_ACCESS_KEY, NULL, 0, 200, NULL);
    expect(*st, 0, MOCKAWS_DUMMY_ACCESS_KEY_ID, "test", NULL, 0, 403, "<Code>SignatureDoesNotMatch</Code>");
    expect(*st, 1, "test", MOCKAWS_DUMMY_SECRET_ACCESS_KEY, NULL, 0, 400, "InvalidSignatureException");
}

static void wrong_secret(void **st)
{
    expect(*st, 0, "test", "nope", NULL, 0, 403, "<Code>SignatureDoesNotMatch</Code>");
    expect(*st, 1, "test", "nope", NULL, 0, 400, "InvalidSignatureException");
    expect(*st, 2, "test", "nope", NULL, 0, 403, "<Code>SignatureDoesNotMatch</Code>");
    expect(*st, 3, "test", "nope", NULL, 0, 403, "<Code>SignatureDoesNotMatch</Code>");
    expect(*st, 4, "test", "nope", NULL, 0, 403, "<Code>SignatureDoesNotMatch</Code>");
    /* S3 says what it computed */
    req_spec rs = base[0];
    rs.key = "test";
    rs.secret = "nope";
    result r = send_req(*st, &rs);
    assert_non_null(strstr(r.body, "<StringToSign>AWS4-HMAC-SHA256\n"));
    assert_non_null(strstr(r.body, "<CanonicalRequest>GET\n/\n\n"));
    assert_non_null(strstr(r.body, "<StringToSignBytes>41 57 53 34 2d"));
    assert_non_null(strstr(r.body, "<AWSAccessKeyId>test</AWSAccessKeyId>"));
    g_free(r.body);
}

static void unknown_key(void **st)
{
    const char *k = "AKIAUNKNOWN000000000";
    expect(*st, 0, k, "test", NULL, 0, 403, "<Code>InvalidAccessKeyId</Code>");
    expect(*st, 1, k, "test", NULL, 0, 400, "UnrecognizedClientException");
    expect(*st, 2, k, "test", NULL, 0, 403, "<Code>InvalidClientTokenId</Code>");
    expect(*st, 3, k, "test", NULL, 0, 403, "<Code>InvalidClientTokenId</Code>");
    expect(*st, 4, k, "test", NULL, 0, 401, "<Code>AuthFailure</Code>");
}

static void skew(void **st)
{
    int64_t late = -16 * 60 * 1000, early = 16 * 60 * 1000;
    expect(*st, 0, "test", "test", NULL, late, 403, "<Code>RequestTimeTooSkewed</Code>");
    expect(*st, 0, "test", "test", NULL, early, 403, "<MaxAllowedSkewMilliseconds>900000<");
    expect(*st, 1, "test", "test", NULL, late, 400, "Signature expired: ");
    expect(*st, 2, "test", "test", NULL, late, 403, "<Message>Signature expired: ");
    expect(*st, 3, "test", "test", NULL, early, 403, "<Message>Signature not yet current: ");
    expect(*st, 4, "test", "test", NULL, late, 400, "<Code>RequestExpired</Code>");
    /* within 15 minutes both ways */
    expect(*st, 2, "test", "test", NULL, -14 * 60 * 1000, 200, NULL);
    expect(*st, 2, "test", "test", NULL, 14 * 60 * 1000, 200, NULL);
}

static void unsigned_requests(void **st)
{
    expect(*st, 0, NULL, NULL, NULL, 0, 403, "<Code>AccessDenied</Code>");
    expect(*st, 1, NULL, NULL, NULL, 0, 400, "MissingAuthenticationTokenException");
    expect(*st, 2, NULL, NULL, NULL, 0, 403, "<Code>MissingAuthenticationToken</Code>");
}

static void session_tokens(void **st)
{
    server *s = *st;
    server_cred_add(s, &(server_cred){.access_key = "ASIATEMP000000000001",
                                      .account = "123456789012",
                                      .arn = "arn:aws:sts::123456789012:assumed-role/r/s",
                                      .user_id = "AROA:s",
                                      .expires_ms = clock_now_ms(&s->clock) + 3600 * 1000,
                                      .secret = "tempsecret",
                                      .session_token = "tok"});
    const char *k = "ASIATEMP000000000001";
    expect(s, 0, k, "tempsecret", "tok", 0, 200, NULL);
    expect(s, 0, k, "tempsecret", "other", 0, 400, "<Code>InvalidToken</Code>");
    expect(s, 0, k, "tempsecret", NULL, 0, 403, "<Code>InvalidAccessKeyId</Code>");
    expect(s, 1, k, "tempsecret", "other", 0, 400, "UnrecognizedClientException");
    expect(s, 2, k, "wrong", "tok", 0, 403, "SignatureDoesNotMatch");
    mockaws_clock_advance(s, 3600 * 1000);
    /* signed at the server's new time: only the token's lapse is wrong */
    expect(s, 0, k, "tempsecret", "tok", 0, 400, "<Code>ExpiredToken</Code>");
    expect(s, 1, k, "tempsecret", "tok", 0, 400, "ExpiredTokenException");
    expect(s, 2, k, "tempsecret", "tok", 0, 403, "<Code>ExpiredToken</Code>");
    expect(s, 4, k, "tempsecret", "tok", 0, 400, "<Code>RequestExpired</Code>");
    server_cred_remove(s, k);
}

static void s3_content_sha256(void **st)
{
    req_spec rs = base[0];
    rs.key = "test";
    rs.secret = "test";
    rs.no_content_sha = true;
    result r = send_req(*st, &rs);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "Missing required header for this request: x-amz-content-sha256"));
    g_free(r.body);
}

/* An aws-chunked upload signed chunk by chunk: right, then with one chunk's
 * signature off (S3 would store bytes nobody signed). */
static result chunked_put(server *s, bool tamper)
{
    char date[17];
    amz_date(clock_now_ms(&s->clock), date);
    const char *signed_names = "content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length";
    http_header h[6] = {{"content-encoding", "aws-chunked"},
                        {"host", "localhost"},
                        {"x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"},
                        {"x-amz-date", date},
                        {"x-amz-decoded-content-length", "11"}};
    char seed[65];
    sign("PUT", "/bkt/obj", "", false, h, 5, signed_names, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", date, "s3", "test",
         seed);
    char *auth = g_strdup_printf("AWS4-HMAC-SHA256 Credential=test/%.8s/us-east-1/s3/aws4_request, SignedHeaders=%s, "
                                 "Signature=%s",
                                 date, signed_names, seed);
    h[5] = (http_header){"authorization", auth};
    /* chunks "hello world" in two, then the final empty one */
    const char *parts[] = {"hello ", "world", ""};
    guint8 key[SIGV4_KEY_LEN];
    char dshort[9];
    g_strlcpy(dshort, date, sizeof dshort);
    sigv4_signing_key("test", dshort, "us-east-1", "s3", key);
    GString *body = g_string_new(NULL), *sts = g_string_new(NULL);
    char prev[65];
    g_strlcpy(prev, seed, sizeof prev);
    for (int i = 0; i < 3; i++) {
        char hash[65];
        sigv4_sha256_hex(parts[i], strlen(parts[i]), hash);
        g_string_printf(sts, "AWS4-HMAC-SHA256-PAYLOAD\n%s\n%.8s/us-east-1/s3/aws4_request\n%s\n%s\n%s", date, date,
                        prev, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hash);
        sigv4_hmac_hex(key, sizeof key, sts->str, sts->len, prev);
        if (tamper && i == 1)
            prev[0] = prev[0] == '0' ? '1' : '0';
        g_string_append_printf(body, "%zx;chunk-signature=%s\r\n%s\r\n", strlen(parts[i]), prev, parts[i]);
    }
    http_request req = {.method = "PUT", .path = "/bkt/obj", .query = "", .host = "localhost", .headers = h,
                        .nheaders = 6, .body = body->str, .body_len = body->len};
    result r = run(s, &req);
    g_free(auth);
    g_string_free(body, TRUE);
    g_string_free(sts, TRUE);
    return r;
}

static void s3_chunk_signatures(void **st)
{
    req_spec mk = {.service = "s3", .method = "PUT", .path = "/bkt", .key = "test", .secret = "test"};
    result r = send_req(*st, &mk);
    assert_int_equal(r.status, 200);
    g_free(r.body);
    r = chunked_put(*st, false);
    if (r.status != 200)
        fail_msg("chunked PUT: %d %s", r.status, r.body);
    g_free(r.body);
    r = chunked_put(*st, true);
    assert_int_equal(r.status, 403);
    assert_non_null(strstr(r.body, "<Code>SignatureDoesNotMatch</Code>"));
    assert_non_null(strstr(r.body, "<StringToSign>AWS4-HMAC-SHA256-PAYLOAD\n"));
    g_free(r.body);
}

/* A DynamoDB ListTables (or, with content_sha, an S3 PUT of "x" with that
 * x-amz-content-sha256) signed right by the root key at date (the
 * X-Amz-Date as sent). */
static result signed_at(server *s, const char *date, const char *content_sha)
{
    const char *region = "us-east-1";
    bool s3 = content_sha != NULL;
    http_header h[6] = {{"host", "localhost"}, {"x-amz-date", (char *)date}};
    size_t n = 2;
    if (s3)
        h[n++] = (http_header){"x-amz-content-sha256", (char *)content_sha};
    else {
        h[n++] = (http_header){"x-amz-target", "DynamoDB_20120810.ListTables"};
        h[n++] = (http_header){"content-type", "application/x-amz-json-1.0"};
    }
    const char *names = s3 ? "host;x-amz-content-sha256;x-amz-date" : "content-type;host;x-amz-date;x-amz-target";
    const char *body = s3 ? "x" : "{}", *service = s3 ? "s3" : "dynamodb", *path = s3 ? "/bkt/obj" : "/";
    char hash[65], sig[65];
    sigv4_sha256_hex(body, strlen(body), hash);
    /* (the payload a hash in the header signs is the body's, as computed) */
    sign_in(s3 ? "PUT" : "POST", path, "", !s3, h, n, names, hash, date, region, service, "test", sig);
    char *auth = g_strdup_printf("AWS4-HMAC-SHA256 Credential=test/%.8s/%s/%s/aws4_request, SignedHeaders=%s, "
                                 "Signature=%s",
                                 date, region, service, names, sig);
    h[n++] = (http_header){"authorization", auth};
    http_request req = {.method = s3 ? "PUT" : "POST", .path = path, .query = "", .host = "localhost", .headers = h,
                        .nheaders = n, .body = body, .body_len = strlen(body)};
    result r = run(s, &req);
    g_free(auth);
    return r;
}

static void expect_at(server *s, const char *date, int status, const char *code)
{
    result r = signed_at(s, date, NULL);
    if (r.status != status || !strstr(r.body, code))
        fail_msg("X-Amz-Date %s: %d %s, want %d %s", date, r.status, r.body, status, code);
    g_free(r.body);
}

/* X-Amz-Date is read on the calendar: a time across a day, month, leap
 * day or year from the server's but within 15 minutes of it is no skew,
 * and a date the calendar has not is no date. */
static void amz_date_calendar(void **st)
{
    server *s = *st;
    /* the server's clock to 23:55 on the next 28 February of a leap year */
    int64_t now = clock_now_ms(&s->clock), at = 0;
    GDateTime *t = g_date_time_new_from_unix_utc(now / 1000);
    for (int y = g_date_time_get_year(t); at <= now; y++) {
        if (!g_date_is_leap_year((GDateYear)y))
            continue;
        GDateTime *feb = g_date_time_new_utc(y, 2, 28, 23, 55, 0);
        at = g_date_time_to_unix(feb) * 1000;
        g_date_time_unref(feb);
    }
    g_date_time_unref(t);
    mockaws_clock_advance(s, (uint64_t)(at - now));
    int64_t ten = 10 * 60 * 1000, day = 24 * 3600 * 1000LL;
    expect(s, 1, "test", "test", NULL, ten, 200, "TableNames");                 /* into 29 February */
    mockaws_clock_advance(s, (uint64_t)day);
    expect(s, 1, "test", "test", NULL, ten, 200, "TableNames");                 /* into 1 March */
    expect(s, 1, "test", "test", NULL, -ten - day, 400, "Signature expired: "); /* a day off */
    mockaws_clock_advance(s, (uint64_t)(306 * day));                            /* 31 December, 23:55 */
    expect(s, 1, "test", "test", NULL, ten, 200, "TableNames");                 /* into the new year */
    expect(s, 1, "test", "test", NULL, -ten, 200, "TableNames");

    const char *no_dates[] = {"20270229T000000Z", "20280431T000000Z", "20281301T000000Z", "20280001T000000Z",
                              "20280100T000000Z", "20280301T240000Z", "20280301T236000Z", "20280301T235960Z",
                              "00000101T000000Z", "2028030lT000000Z"};
    for (size_t i = 0; i < G_N_ELEMENTS(no_dates); i++)
        expect_at(s, no_dates[i], 400, "IncompleteSignatureException");
}

/* S3 compares x-amz-content-sha256 with the body's hash whatever the case
 * of its hex digits. */
static void s3_content_sha256_case(void **st)
{
    server *s = *st;
    req_spec mk = {.service = "s3", .method = "PUT", .path = "/bkt", .key = "test", .secret = "test"};
    result r = send_req(s, &mk);
    g_free(r.body);
    char date[17], upper[65];
    amz_date(clock_now_ms(&s->clock), date);
    sigv4_sha256_hex("x", 1, upper);
    for (char *p = upper; *p; p++)
        *p = g_ascii_toupper(*p);
    r = signed_at(s, date, upper);
    if (r.status != 200)
        fail_msg("upper-case hash: %d %s", r.status, r.body);
    g_free(r.body);
    upper[63] = upper[63] == 'A' ? 'B' : 'A';
    r = signed_at(s, date, upper);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(r.body, "<Code>XAmzContentSHA256Mismatch</Code>"));
    g_free(r.body);
}

/* A secret longer than the signing key cache's id on the stack (embedders
 * add any): signed right, the request passes, twice (made, then cached);
 * signed wrong, it does not. */
static void long_secret(void **st)
{
    server *s = *st;
    char secret[301];
    memset(secret, 's', sizeof secret - 1);
    secret[sizeof secret - 1] = '\0';
    server_cred_add(s, &(server_cred){.access_key = "AKIALONGSECRET000001",
                                      .account = "123456789012",
                                      .arn = "arn:aws:iam::123456789012:user/long",
                                      .user_id = "AIDALONG",
                                      .secret = secret});
    for (int i = 0; i < 2; i++)
        expect(s, 1, "AKIALONGSECRET000001", secret, NULL, 0, 200, "TableNames");
    secret[0] = 't';
    expect(s, 1, "AKIALONGSECRET000001", secret, NULL, 0, 400, "InvalidSignatureException");
    server_cred_remove(s, "AKIALONGSECRET000001");
}

static void off_checks_nothing(void **st)
{
    (void)st;
    char err[256];
    mockaws *m = mockaws_start(NULL, err, sizeof err);
    assert_non_null(m);
    expect(m, 0, "test", "nope", NULL, 0, 200, NULL);
    expect(m, 1, "AKIAUNKNOWN000000000", "x", NULL, 0, 200, NULL);
    expect(m, 2, NULL, NULL, NULL, 0, 200, NULL);
    assert_null(m->sigkeys);
    mockaws_stop(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(root_keys_with_secret_test), cmocka_unit_test(wrong_secret),
        cmocka_unit_test(dummy_pair_is_root),
        cmocka_unit_test(unknown_key),                 cmocka_unit_test(skew),
        cmocka_unit_test(unsigned_requests),           cmocka_unit_test(session_tokens),
        cmocka_unit_test(s3_content_sha256),           cmocka_unit_test(s3_chunk_signatures),
        cmocka_unit_test(s3_content_sha256_case),      cmocka_unit_test(long_secret),
        cmocka_unit_test(off_checks_nothing),          cmocka_unit_test(amz_date_calendar),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
