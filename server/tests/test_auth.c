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
        GString *uri = g_string_new(NULL), *creq = g_string_new(NULL), *sts = g_string_new(NULL);
        sigv4_canonical_uri(uri, rs->path, strlen(rs->path), !s3);
        sigv4_canonical_request(creq, rs->method, uri->str, rs->query ? rs->query : "", NULL, h, n,
                                signed_names->str, hash);
        char *scope = g_strdup_printf("%.8s/us-east-1/%s/aws4_request", date, rs->service);
        sigv4_string_to_sign(sts, date, scope, creq->str, creq->len);
        guint8 k[SIGV4_KEY_LEN];
        char dshort[9];
        g_strlcpy(dshort, date, sizeof dshort);
        sigv4_signing_key(rs->secret, dshort, "us-east-1", rs->service, k);
        char sig[65];
        sigv4_hmac_hex(k, sizeof k, sts->str, sts->len, sig);
        auth = g_strdup_printf("AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s", rs->key, scope,
                               signed_names->str, sig);
        h[n++] = (http_header){"authorization", auth};
        g_free(scope);
        g_string_free(uri, TRUE);
        g_string_free(creq, TRUE);
        g_string_free(sts, TRUE);
    }
    http_request req = {.method = rs->method, .path = rs->path, .query = rs->query ? rs->query : "",
                        .host = "localhost", .headers = h, .nheaders = n, .body = body, .body_len = strlen(body)};
    http_response resp;
    http_response_init(&resp);
    pipeline_outcome out;
    pipeline_handle(s, &req, 1, false, &resp, &out);
    size_t len;
    const char *b = http_response_body(&resp, &len);
    result r = {resp.status, g_strndup(b, len)};
    http_response_clear(&resp);
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
        cmocka_unit_test(s3_content_sha256),           cmocka_unit_test(off_checks_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
