/* Requests signed with core/sigv4.h through the whole pipeline, without
 * sockets, for the suites of --auth verify and enforce (test_auth.c,
 * test_auth_caches.c, test_auth_session_tags.c). */
#ifndef MOCKAWS_TEST_SIGNED_CALL_H
#define MOCKAWS_TEST_SIGNED_CALL_H

#include <glib.h>
#include <stdio.h>
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
    const char *target;  /* DynamoDB's X-Amz-Target (NULL: ListTables) */
    const char *region;  /* the scope's region (NULL: us-east-1) */
} req_spec;

static inline void amz_date(int64_t ms, char out[17])
{
    GDateTime *t = g_date_time_new_from_unix_utc(ms / 1000);
    char *s = g_date_time_format(t, "%Y%m%dT%H%M%SZ");
    g_strlcpy(out, s, 17);
    g_free(s);
    g_date_time_unref(t);
}

static inline result run(server *s, const http_request *req)
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

/* The SigV4 signature of a request in region, at date (basic form). */
static inline void sign_in(const char *method, const char *path, const char *query, bool normalize,
                           const http_header *h, size_t n, const char *signed_names, const char *payload,
                           const char *date, const char *region, const char *service, const char *secret,
                           char sig[65])
{
    GString *uri = g_string_new(NULL), *creq = g_string_new(NULL), *sts = g_string_new(NULL);
    sigv4_canonical_uri(uri, path, strlen(path), normalize);
    sigv4_canonical_request(creq, method, uri->str, query, NULL, h, n, signed_names, payload);
    char *scope = g_strdup_printf("%.8s/%s/%s/aws4_request", date, region, service);
    sigv4_string_to_sign(sts, date, scope, creq->str, creq->len);
    guint8 k[SIGV4_KEY_LEN];
    char dshort[9];
    g_strlcpy(dshort, date, sizeof dshort);
    sigv4_signing_key(secret, dshort, region, service, k);
    sigv4_hmac_hex(k, sizeof k, sts->str, sts->len, sig);
    g_free(scope);
    g_string_free(uri, TRUE);
    g_string_free(creq, TRUE);
    g_string_free(sts, TRUE);
}

/* The same in us-east-1. */
static inline void sign(const char *method, const char *path, const char *query, bool normalize, const http_header *h,
                        size_t n, const char *signed_names, const char *payload, const char *date,
                        const char *service, const char *secret, char sig[65])
{
    sign_in(method, path, query, normalize, h, n, signed_names, payload, date, "us-east-1", service, secret, sig);
}

static inline result send_req(server *s, const req_spec *rs)
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
        h[n++] = (http_header){"x-amz-target", (char *)(rs->target ? rs->target : "DynamoDB_20120810.ListTables")};
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
        const char *region = rs->region ? rs->region : "us-east-1";
        sign_in(rs->method, rs->path, rs->query ? rs->query : "", !s3, h, n, signed_names->str, hash, date, region,
                rs->service, rs->secret, sig);
        auth = g_strdup_printf("AWS4-HMAC-SHA256 Credential=%s/%.8s/%s/%s/aws4_request, SignedHeaders=%s, "
                               "Signature=%s",
                               rs->key, date, region, rs->service, signed_names->str, sig);
        h[n++] = (http_header){"authorization", auth};
    }
    http_request req = {.method = rs->method, .path = rs->path, .query = rs->query ? rs->query : "",
                        .host = "localhost", .headers = h, .nheaders = n, .body = body, .body_len = strlen(body)};
    result r = run(s, &req);
    g_free(auth);
    g_string_free(signed_names, TRUE);
    return r;
}

/* A server under the auth mode, on a virtual clock, with the fixture
 * loaded; NULL (said on stderr) when either fails. */
static inline server *signed_server_start(mockaws_auth_mode mode, const char *fixture)
{
    char err[256];
    mockaws_options o = {.seed = 7, .auth = mode};
    server *s = mockaws_start(&o, err, sizeof err);
    if (!s)
        return NULL;
    mockaws_clock_virtual(s, 1);
    if (mockaws_load_fixtures_json(s, fixture, err, sizeof err) != 0) {
        fprintf(stderr, "fixture: %s\n", err);
        mockaws_stop(s);
        return NULL;
    }
    return s;
}

#endif
