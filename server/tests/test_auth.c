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

#include "core/pipeline.h"
#include "core/server.h"
#include "core/sigv4.h"

typedef struct result {
    int status;
    char *body;
} result;

/* A request to one service, signed (unless key is NULL) with key/secret at
 * the server's time + skew_ms. */
typedef struct req_spec {
    const char *service; /* the scope's service: s3, dynamodb, sts, sns, ec2 */
    const char *method, *path, *query, *body;
    const char *key, *secret, *token;
    int64_t skew_ms;
    bool no_content_sha; /* S3: leave out x-amz-content-sha256 */
} req_spec;

static void amz_date(int64_t ms, char out[17])
{
    GDateTime *t = g_date_time_new_from_unix_utc(ms / 1000);
    char *s = g_date_time_format(t, "%Y%m%dT%H%M%SZ");
    g_strlcpy(out, s, 17);
    g_free(s);
    g_date_time_unref(t);
}

static result run(server *s, const http_request *req)
{
    http_response resp;
    http_response_init(&resp);
    pipeline_outcome out;
    pipeline_handle(s, req, 1, false, &resp, &out);
    size_t len;
    const char *b = http_response_body(&resp, &len);
    result r = {resp.status, g_strndup(b, len)};
    http_response_clear(&resp);
    return r;
}

/* The SigV4 signature of a request, region us-east-1, at date (basic form). */
static void sign(const char *method, const char *path, const char *query, bool normalize, const http_header *h,
                 size_t n, const char *signed_names, const char *payload, const char *date, const char *service,
                 const char *secret, char sig[65])
{
    GString *uri = g_string_new(NULL), *creq = g_string_new(NULL), *sts = g_string_new(NULL);
    sigv4_canonical_uri(uri, path, strlen(path), normalize);
    sigv4_canonical_request(creq, method, uri->str, query, NULL, h, n, signed_names, payload);
    char *scope = g_strdup_printf("%.8s/us-east-1/%s/aws4_request", date, service);
    sigv4_string_to_sign(sts, date, scope, creq->str, creq->len);
    guint8 k[SIGV4_KEY_LEN];
    char dshort[9];
    g_strlcpy(dshort, date, sizeof dshort);
    sigv4_signing_key(secret, dshort, "us-east-1", service, k);
    sigv4_hmac_hex(k, sizeof k, sts->str, sts->len, sig);
    g_free(scope);
    g_string_free(uri, TRUE);
    g_string_free(creq, TRUE);
    g_string_free(sts, TRUE);
}

static result send_req(server *s, const req_spec *rs)
{
    const char *body = rs->body ? rs->body : "";
    bool s3 = strcmp(rs->service, "s3") == 0, ddb = strcmp(rs->service, "dynamodb") == 0;
    char date[17], hash[65];
    amz_date(clock_now_ms(&s->clock) + rs->skew_ms, date);
    sigv4_sha256_hex(body, strlen(body), hash);
    http_header h[8];
    size_t n = 0;
    h[n++] = (http_header){"host", "localhost"};
    h[n++] = (http_header){"x-amz-date", date};
    if (s3 && !rs->no_content_sha)
        h[n++] = (http_header){"x-amz-content-sha256", hash};
    if (rs->token)
        h[n++] = (http_header){"x-amz-security-token", (char *)rs->token};
    if (ddb)
        h[n++] = (http_header){"x-amz-target", "DynamoDB_20120810.ListTables"};
    if (!s3)
        h[n++] = (http_header){"content-type", ddb ? "application/x-amz-json-1.0"
                                                   : "application/x-www-form-urlencoded; charset=utf-8"};
    GString *signed_names = g_string_new(NULL);
    /* sorted names, as a signer lists them */
    const char *order[] = {"content-type", "host", "x-amz-content-sha256", "x-amz-date", "x-amz-security-token",
                           "x-amz-target"};
    for (size_t o = 0; o < G_N_ELEMENTS(order); o++)
        for (size_t i = 0; i < n; i++)
            if (strcmp(h[i].name, order[o]) == 0)
                g_string_append_printf(signed_names, "%s%s", signed_names->len ? ";" : "", order[o]);
    char *auth = NULL;
    if (rs->key) {
        char sig[65];
        sign(rs->method, rs->path, rs->query ? rs->query : "", !s3, h, n, signed_names->str, hash, date,
             rs->service, rs->secret, sig);
        auth = g_strdup_printf("AWS4-HMAC-SHA256 Credential=%s/%.8s/us-east-1/%s/aws4_request, SignedHeaders=%s, "
                               "Signature=%s",
                               rs->key, date, rs->service, signed_names->str, sig);
        h[n++] = (http_header){"authorization", auth};
    }
    http_request req = {.method = rs->method, .path = rs->path, .query = rs->query ? rs->query : "",
                        .host = "localhost", .headers = h, .nheaders = n, .body = body, .body_len = strlen(body)};
    result r = run(s, &req);
    g_free(auth);
    g_string_free(signed_names, TRUE);
    return r;
}

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
        cmocka_unit_test(unknown_key),                 cmocka_unit_test(skew),
        cmocka_unit_test(unsigned_requests),           cmocka_unit_test(session_tokens),
        cmocka_unit_test(s3_content_sha256),           cmocka_unit_test(s3_chunk_signatures),
        cmocka_unit_test(off_checks_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
