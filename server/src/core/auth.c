#include "core/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mockaws.h"
#include "core/sigv4.h"
#include "wire/chunked.h"
#include "wire/timefmt.h"

#define ROOT_SECRET "test"
#define MAX_SKEW_MS (15 * 60 * 1000LL)
#define MAX_PRESIGN_S 604800
#define SIGKEY_CACHE_MAX 4096

/* Which error table a service answers from. FAM_SQS: a JSON service that
 * kept its query-era codes (awsQueryCompatible): the query codes, which the
 * JSON envelope carries in x-amzn-query-error, under Coral's namespace. */
typedef enum { FAM_S3, FAM_JSON, FAM_QUERY, FAM_EC2, FAM_SQS, FAM_NFAMS } family;

/* What went wrong. */
typedef enum { K_MISSING, K_MALFORMED, K_UNKNOWN_KEY, K_TOKEN_INVALID, K_TOKEN_EXPIRED, K_SIGNATURE, K_SKEW, K_NKINDS } kind;

static const struct {
    const char *code;
    int status;
    const char *message; /* the words when the check gives none; NULL: the catalog's */
} errors[FAM_NFAMS][K_NKINDS] = {
    [FAM_S3] = {{"AccessDenied", 403, NULL},
                {"AuthorizationHeaderMalformed", 400, NULL},
                {"InvalidAccessKeyId", 403, NULL},
                {"InvalidToken", 400, NULL},
                {"ExpiredToken", 400, NULL},
                {"SignatureDoesNotMatch", 403, NULL},
                {"RequestTimeTooSkewed", 403, NULL}},
    [FAM_JSON] = {{"MissingAuthenticationTokenException", 400, NULL},
                  {"IncompleteSignatureException", 400, NULL},
                  {"UnrecognizedClientException", 400, NULL},
                  {"UnrecognizedClientException", 400, NULL},
                  {"ExpiredTokenException", 400, NULL},
                  {"InvalidSignatureException", 400, NULL},
                  {"InvalidSignatureException", 400, NULL}},
    [FAM_QUERY] = {{"MissingAuthenticationToken", 403, NULL},
                   {"IncompleteSignature", 400, NULL},
                   {"InvalidClientTokenId", 403, NULL},
                   {"InvalidClientTokenId", 403, NULL},
                   {"ExpiredToken", 403, NULL},
                   {"SignatureDoesNotMatch", 403, NULL},
                   {"SignatureDoesNotMatch", 403, NULL}},
    [FAM_EC2] = {{"MissingAuthenticationToken", 401, NULL},
                 {"IncompleteSignature", 400, NULL},
                 {"AuthFailure", 401, NULL},
                 {"AuthFailure", 401, NULL},
                 {"RequestExpired", 400, NULL},
                 {"SignatureDoesNotMatch", 403, NULL},
                 {"RequestExpired", 400, NULL}},
    /* (SQS's catalog is its model's errors: the words are here) */
    [FAM_SQS] = {{"com.amazon.coral.service#MissingAuthenticationToken", 403, "Request is missing Authentication Token"},
                 {"com.amazon.coral.service#IncompleteSignature", 400,
                  "The request signature does not conform to AWS standards."},
                 {"com.amazon.coral.service#InvalidClientTokenId", 403,
                  "The security token included in the request is invalid."},
                 {"com.amazon.coral.service#InvalidClientTokenId", 403,
                  "The security token included in the request is invalid."},
                 {"com.amazon.coral.service#ExpiredToken", 403, "The security token included in the request is expired"},
                 {"com.amazon.coral.service#SignatureDoesNotMatch", 403,
                  "The request signature we calculated does not match the signature you provided. Check your AWS "
                  "Secret Access Key and signing method. Consult the service documentation for details."},
                 {"com.amazon.coral.service#SignatureDoesNotMatch", 403, NULL}},
};

/* The headers a check reads, found in one pass over the request's (their
 * names arrive lower case: http_request); the first of repeated ones, as
 * http_request_header gives it. */
typedef struct auth_headers {
    const char *authorization, *date, *amz_date, *token, *content_sha256;
} auth_headers;

/* One request being checked. */
typedef struct check {
    server *s;
    family fam;
    const char *service;
    const http_request *req;
    const char *svc_path;
    http_params query;   /* form-decoded, for reading parameters */
    auth_headers h;
    server_cred cred;    /* owned: the key's entry, once key_find found one
                            (access_key NULL: none) */
    int64_t now_ms;
    aws_error *err;
} check;

static void read_headers(check *c)
{
    auth_headers *h = &c->h;
    for (size_t i = 0; i < c->req->nheaders; i++) {
        const char *n = c->req->headers[i].name;
        const char **slot = NULL;
        if (n[0] == 'a')
            slot = strcmp(n, "authorization") == 0 ? &h->authorization : NULL;
        else if (n[0] == 'd')
            slot = strcmp(n, "date") == 0 ? &h->date : NULL;
        else if (strncmp(n, "x-amz-", 6) == 0)
            slot = strcmp(n + 6, "date") == 0             ? &h->amz_date
                   : strcmp(n + 6, "security-token") == 0 ? &h->token
                   : strcmp(n + 6, "content-sha256") == 0 ? &h->content_sha256
                                                          : NULL;
        if (slot && !*slot)
            *slot = c->req->headers[i].value;
    }
}

static int fail(check *c, kind k, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(check *c, kind k, const char *fmt, ...)
{
    aws_error_set_status(c->err, errors[c->fam][k].status, errors[c->fam][k].code, NULL);
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        c->err->message = g_strdup_vprintf(fmt, ap);
        va_end(ap);
    } else if (errors[c->fam][k].message) {
        c->err->message = g_strdup(errors[c->fam][k].message);
    }
    return -1;
}

/* ---- time ---- */

/* YYYYMMDDTHHMMSSZ -> ms since the epoch; false when it is not that. */
static bool parse_amz_date(const char *v, int64_t *ms)
{
    if (!v || strlen(v) != 16 || v[8] != 'T' || v[15] != 'Z')
        return false;
    int f[6]; /* Y M D h m s, from their fixed places (no sscanf: every request) */
    static const int at[6] = {0, 4, 6, 9, 11, 13}, width[6] = {4, 2, 2, 2, 2, 2};
    for (int i = 0; i < 6; i++) {
        f[i] = 0;
        for (int j = 0; j < width[i]; j++) {
            char d = v[at[i] + j];
            if (!g_ascii_isdigit(d))
                return false;
            f[i] = f[i] * 10 + (d - '0');
        }
    }
    /* a calendar date (GDate: no allocation, unlike GDateTime) and a time of day */
    if (!g_date_valid_dmy((GDateDay)f[2], (GDateMonth)f[1], (GDateYear)f[0]) || f[3] > 23 || f[4] > 59 || f[5] > 59)
        return false;
    GDate day;
    g_date_clear(&day, 1);
    g_date_set_dmy(&day, (GDateDay)f[2], (GDateMonth)f[1], (GDateYear)f[0]);
    /* Julian day 1 is 0001-01-01; 719163 is 1970-01-01 */
    int64_t days = (int64_t)g_date_get_julian(&day) - 719163;
    *ms = ((days * 24 + f[3]) * 60 + f[4]) * 60000LL + f[5] * 1000LL;
    return true;
}

/* ms -> "%Y%m%dT%H%M%SZ" (basic) or "%Y-%m-%dT%H:%M:%SZ" (extended). */
static void format_time(int64_t ms, bool extended, char out[24])
{
    GDateTime *t = g_date_time_new_from_unix_utc(ms / 1000);
    char *s = g_date_time_format(t, extended ? "%Y-%m-%dT%H:%M:%SZ" : "%Y%m%dT%H%M%SZ");
    g_strlcpy(out, s ? s : "", 24);
    g_free(s);
    g_date_time_unref(t);
}

/* The request time against the server's: 0 within 15 minutes, else the
 * service's skew error. */
static int check_skew(check *c, int64_t req_ms, const char *as_sent)
{
    int64_t d = req_ms - c->now_ms;
    if (d <= MAX_SKEW_MS && d >= -MAX_SKEW_MS)
        return 0;
    char req[24], now[24], edge[24];
    format_time(req_ms, false, req);
    format_time(c->now_ms, false, now);
    if (c->fam == FAM_S3) {
        char server_time[24];
        format_time(c->now_ms, true, server_time);
        fail(c, K_SKEW, NULL);
        aws_error_field(c->err, "RequestTime", json_string(as_sent));
        aws_error_field(c->err, "ServerTime", json_string(server_time));
        aws_error_field(c->err, "MaxAllowedSkewMilliseconds", json_string("900000"));
        return -1;
    }
    if (c->fam == FAM_EC2)
        return fail(c, K_SKEW, NULL);
    if (d < 0) {
        format_time(c->now_ms - MAX_SKEW_MS, false, edge);
        return fail(c, K_SKEW, "Signature expired: %s is now earlier than %s (%s - 15 min.)", req, edge, now);
    }
    format_time(c->now_ms + MAX_SKEW_MS, false, edge);
    return fail(c, K_SKEW, "Signature not yet current: %s is still later than %s (%s + 15 min.)", req, edge, now);
}

/* ---- keys ---- */

static bool is_root_key(const char *key)
{
    if (strcmp(key, "test") == 0 || strcmp(key, MOCKAWS_DUMMY_ACCESS_KEY_ID) == 0)
        return true;
    size_t n = strlen(key);
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isdigit(key[i]))
            return false;
    return n == 12;
}

/* The secret of key (borrowed: a literal or c->cred's; NULL: any
 * signature goes) after its session token's checks, the key's entry left
 * in c->cred; -1 with the error when the key is refused. */
static int key_find(check *c, const char *key, const char *token, const char **secret)
{
    *secret = NULL;
    if (is_root_key(key)) {
        /* mockaws's own dummy pair; every other root key keeps "test" */
        *secret = strcmp(key, MOCKAWS_DUMMY_ACCESS_KEY_ID) == 0 ? MOCKAWS_DUMMY_SECRET_ACCESS_KEY : ROOT_SECRET;
        return 0;
    }
    server_cred_clear(&c->cred);
    server_cred *cred = &c->cred;
    bool known = server_cred_lookup(c->s, key, cred);
    /* a temporary key without its token is no key AWS knows */
    if (known && cred->session_token && !token) {
        server_cred_clear(cred);
        known = false;
    }
    if (!known) {
        if (c->fam == FAM_S3) {
            fail(c, K_UNKNOWN_KEY, NULL);
            aws_error_field(c->err, "AWSAccessKeyId", json_string(key));
            return -1;
        }
        return fail(c, K_UNKNOWN_KEY, strcmp(c->service, "sts") == 0 || c->fam == FAM_JSON
                                          ? "The security token included in the request is invalid"
                                          : NULL);
    }
    int rc = 0;
    if (cred->session_token && !sigv4_equal(cred->session_token, token))
        rc = fail(c, K_TOKEN_INVALID,
                  strcmp(c->service, "sts") == 0 || c->fam == FAM_JSON
                      ? "The security token included in the request is invalid"
                      : NULL);
    else if (cred->expires_ms && c->now_ms >= cred->expires_ms) {
        rc = fail(c, K_TOKEN_EXPIRED, NULL);
        if (c->fam == FAM_S3 && token)
            aws_error_field(c->err, "Token-0", json_string(token));
    } else
        *secret = cred->secret;
    if (rc != 0)
        server_cred_clear(cred);
    return rc;
}

/* key_find's secret as a copy (g_free), for a check that keeps no entry. */
static int key_secret(check *c, const char *key, const char *token, char **secret)
{
    const char *found;
    int rc = key_find(c, key, token, &found);
    *secret = g_strdup(found);
    server_cred_clear(&c->cred);
    return rc;
}

/* The signing key for the scope, keyed, from the cache when it was made
 * before. */
static void cached_key(server *s, const char *secret, const char *date, const char *region, const char *service,
                       sigv4_key *out)
{
    /* "secret\nDATE/REGION/SERVICE": unambiguous read from its end (the
     * scope's parts hold no '/' and the date is 8 characters); on the stack
     * when short, as it is but for hostile scopes */
    const char *part[] = {secret, "\n", date, "/", region, "/", service};
    size_t len[G_N_ELEMENTS(part)], n = 1;
    for (size_t i = 0; i < G_N_ELEMENTS(part); i++)
        n += len[i] = strlen(part[i]);
    char small[256];
    char *id = n <= sizeof small ? small : g_malloc(n), *p = id;
    for (size_t i = 0; i < G_N_ELEMENTS(part); i++) {
        memcpy(p, part[i], len[i]);
        p += len[i];
    }
    *p = '\0';
    g_mutex_lock(&s->sigkey_lock);
    const sigv4_key *hit = g_hash_table_lookup(s->sigkeys, id);
    if (hit)
        *out = *hit;
    g_mutex_unlock(&s->sigkey_lock);
    if (!hit) {
        sigv4_key_init(out, secret, date, region, service);
        g_mutex_lock(&s->sigkey_lock);
        /* dates roll and STS mints secrets: the cache starts over rather than grow */
        if (g_hash_table_size(s->sigkeys) >= SIGKEY_CACHE_MAX)
            g_hash_table_remove_all(s->sigkeys);
        g_hash_table_replace(s->sigkeys, id == small ? g_strdup(id) : id, g_memdup2(out, sizeof *out));
        g_mutex_unlock(&s->sigkey_lock);
    } else if (id != small) {
        g_free(id);
    }
}

/* The signing key for the scope (cached_key's, unkeyed). */
static void signing_key(server *s, const char *secret, const char *date, const char *region, const char *service,
                        guint8 out[SIGV4_KEY_LEN])
{
    sigv4_key k;
    cached_key(s, secret, date, region, service, &k);
    memcpy(out, k.key, SIGV4_KEY_LEN);
}

/* ---- SigV4 ---- */

/* The pieces of an Authorization header or of presign parameters: copies
 * in one allocation per request (buf), or the query's own strings. */
typedef struct v4 {
    const char *key, *date, *region, *service; /* from the credential scope */
    const char *scope;                          /* DATE/REGION/SERVICE/aws4_request */
    const char *signed_headers;
    const char *signature;
    char *buf;         /* owned: where the copies are */
    size_t used, room; /* of buf */
} v4;

static void v4_clear(v4 *v)
{
    g_free(v->buf);
    memset(v, 0, sizeof *v);
}

/* Room for n bytes of copies, their NULs included. */
static void v4_reserve(v4 *v, size_t n)
{
    v->buf = g_malloc(n);
    v->room = n;
    v->used = 0;
}

/* A NUL-terminated copy of s[0, n) in v's room. */
static const char *v4_keep(v4 *v, const char *s, size_t n)
{
    g_assert(v->used + n + 1 <= v->room);
    char *p = v->buf + v->used;
    memcpy(p, s, n);
    p[n] = '\0';
    v->used += n + 1;
    return p;
}

/* AKID/DATE/REGION/SERVICE/aws4_request */
static bool parse_credential(const char *cred, size_t len, v4 *v)
{
    /* exactly five parts between slashes (no g_strsplit: every request) */
    const char *part[5];
    size_t n[5], k = 0;
    const char *start = cred;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && cred[i] != '/')
            continue;
        if (k == 5)
            return false;
        part[k] = start;
        n[k++] = (size_t)(cred + i - start);
        start = cred + i + 1;
    }
    if (k != 5 || !n[0] || n[1] != 8 || !n[2] || !n[3] || n[4] != strlen("aws4_request") ||
        memcmp(part[4], "aws4_request", n[4]) != 0)
        return false;
    if (!v->buf)
        v4_reserve(v, 2 * len + 5); /* the parts and the scope, each part shorter than len */
    v->key = v4_keep(v, part[0], n[0]);
    v->date = v4_keep(v, part[1], n[1]);
    v->region = v4_keep(v, part[2], n[2]);
    v->service = v4_keep(v, part[3], n[3]);
    v->scope = v4_keep(v, part[1], len - (size_t)(part[1] - cred));
    return true;
}

static bool is_hex64(const char *s)
{
    if (!s || strlen(s) != SIGV4_HEX_LEN)
        return false;
    for (int i = 0; i < SIGV4_HEX_LEN; i++)
        if (!g_ascii_isxdigit(s[i]))
            return false;
    return true;
}

static void hex_bytes(GString *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        g_string_append_printf(out, i ? " %02x" : "%02x", (unsigned char)s[i]);
}

/* What S3 tells of a string to sign it computed and a signature that does
 * not match it. */
static void s3_mismatch_fields(check *c, const char *key, const GString *sts, const char *given)
{
    GString *b = g_string_new(NULL);
    hex_bytes(b, sts->str, sts->len);
    aws_error_field(c->err, "AWSAccessKeyId", json_string(key));
    aws_error_field(c->err, "StringToSign", json_stringn(sts->str, sts->len));
    aws_error_field(c->err, "SignatureProvided", json_string(given));
    aws_error_field(c->err, "StringToSignBytes", json_stringn(b->str, b->len));
    g_string_free(b, TRUE);
}

/* The chain of an aws-chunked upload's signatures: each chunk's signs the
 * one before it (the seed: the Authorization header's). */
typedef struct chunk_chain {
    check *c;
    const v4 *v;
    const char *amz_date;
    const guint8 *key;
    char prev[SIGV4_HEX_LEN + 1];
    bool failed;
} chunk_chain;

static bool chunk_signed_right(const char *data, size_t len, const char *sig, bool is_trailer, void *arg)
{
    chunk_chain *ch = arg;
    char hash[SIGV4_HEX_LEN + 1], want[SIGV4_HEX_LEN + 1];
    sigv4_sha256_hex(data, len, hash);
    GString *sts = g_string_new(NULL);
    if (is_trailer)
        g_string_printf(sts, "AWS4-HMAC-SHA256-TRAILER\n%s\n%s\n%s\n%s", ch->amz_date, ch->v->scope, ch->prev, hash);
    else
        g_string_printf(sts, "AWS4-HMAC-SHA256-PAYLOAD\n%s\n%s\n%s\n%s\n%s", ch->amz_date, ch->v->scope, ch->prev,
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hash);
    sigv4_hmac_hex(ch->key, SIGV4_KEY_LEN, sts->str, sts->len, want);
    bool ok = sigv4_equal(want, sig);
    if (!ok) {
        fail(ch->c, K_SIGNATURE, NULL);
        s3_mismatch_fields(ch->c, ch->v->key, sts, sig);
        ch->failed = true;
    }
    g_strlcpy(ch->prev, sig, sizeof ch->prev);
    g_string_free(sts, TRUE);
    return ok;
}

/* Compares the signature with the one computed over the canonical request,
 * with the signing key (left in key); S3's mismatch carries what it
 * computed. */
static int v4_compare(check *c, const v4 *v, const char *secret, const char *amz_date, bool presigned,
                      const char *payload_hash, sigv4_key *key)
{
    const char *path = c->req->path;
    size_t path_len = strlen(path);
    char *dec = NULL;
    if (c->fam == FAM_S3 && memchr(path, '%', path_len)) {
        /* S3 signs the key encoded once, as it is: decode what came (a
         * path with no escape decodes to itself) */
        dec = http_percent_decode(path, path_len, false, &path_len);
        if (dec)
            path = dec;
        else
            path_len = strlen(path);
    }
    GString *creq = g_string_sized_new(512);
    int rc = 0;
    if (!sigv4_canonical_request_path(creq, c->req->method, path, path_len, c->fam != FAM_S3, c->req->query,
                                      presigned ? "X-Amz-Signature" : NULL, c->req->headers, c->req->nheaders,
                                      v->signed_headers, payload_hash)) {
        rc = fail(c, K_SIGNATURE, NULL);
        goto out;
    }
    cached_key(c->s, secret, v->date, v->region, v->service, key);
    char want[SIGV4_HEX_LEN + 1];
    sigv4_sign(key, amz_date, v->scope, creq->str, creq->len, want);
    if (!sigv4_equal(want, v->signature)) {
        rc = fail(c, K_SIGNATURE, NULL);
        if (c->fam == FAM_S3) {
            GString *sts = g_string_new(NULL), *b = g_string_new(NULL);
            sigv4_string_to_sign(sts, amz_date, v->scope, creq->str, creq->len);
            s3_mismatch_fields(c, v->key, sts, v->signature);
            aws_error_field(c->err, "CanonicalRequest", json_stringn(creq->str, creq->len));
            hex_bytes(b, creq->str, creq->len);
            aws_error_field(c->err, "CanonicalRequestBytes", json_stringn(b->str, b->len));
            g_string_free(b, TRUE);
            g_string_free(sts, TRUE);
        }
    }
out:
    g_free(dec);
    g_string_free(creq, TRUE);
    return rc;
}

/* Whether a SignedHeaders list (";"-separated) names name. */
static bool signed_list_has(const char *list, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ';');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == nl && strncmp(p, name, n) == 0)
            return true;
        p += n + (end ? 1 : 0);
    }
    return false;
}

/* The hex SHA-256 of the request's body. */
static void body_hash(check *c, char out[SIGV4_HEX_LEN + 1])
{
    if (c->req->body_len)
        sigv4_sha256_hex(c->req->body, c->req->body_len, out);
    else
        memcpy(out, SIGV4_EMPTY_SHA256, sizeof SIGV4_EMPTY_SHA256);
}

/* The hashed payload a header-signed request signs. */
static int payload_hash(check *c, const v4 *v, char out[SIGV4_HEX_LEN + 1], const char **literal)
{
    *literal = NULL;
    if (c->fam != FAM_S3) {
        body_hash(c, out);
        return 0;
    }
    const char *h = c->h.content_sha256;
    if (!h) {
        aws_error_set_status(c->err, 400, "InvalidRequest",
                             "Missing required header for this request: x-amz-content-sha256");
        return -1;
    }
    if (!signed_list_has(v->signed_headers, "x-amz-content-sha256")) {
        aws_error_set_status(c->err, 400, "InvalidRequest",
                             "header 'x-amz-content-sha256' must be included in signature");
        return -1;
    }
    if (!is_hex64(h)) {
        /* UNSIGNED-PAYLOAD and the STREAMING-* values sign as themselves */
        *literal = h;
        return 0;
    }
    body_hash(c, out);
    /* h is hex: '|' 0x20 lowers its letters and leaves its digits be */
    bool same = true;
    for (int i = 0; i < SIGV4_HEX_LEN; i++)
        same &= (h[i] | 0x20) == out[i];
    if (!same) {
        aws_error_set_status(c->err, 400, "XAmzContentSHA256Mismatch",
                             "The provided 'x-amz-content-sha256' header does not match what was computed.");
        aws_error_field(c->err, "ClientComputedContentSHA256", json_string(h));
        aws_error_field(c->err, "S3ComputedContentSHA256", json_string(out));
        return -1;
    }
    return 0;
}

/* The value of "Name=" in an Authorization header's comma-separated list,
 * trailing white space left out: where it starts, its length in *len;
 * NULL when absent. */
static const char *auth_part(const char *auth, const char *name, size_t *len)
{
    size_t nl = strlen(name);
    for (const char *p = auth; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
            const char *v = p + nl + 1;
            *len = n - nl - 1;
            while (*len && g_ascii_isspace(v[*len - 1]))
                (*len)--;
            return v;
        }
        p += n;
    }
    return NULL;
}

static int check_v4_header(check *c, const char *auth)
{
    v4 v = {0};
    int rc = -1;
    const char *rest = auth + strlen("AWS4-HMAC-SHA256");
    size_t cred_len = 0, sh_len = 0, sig_len = 0;
    const char *cred = auth_part(rest, "Credential", &cred_len), *sh = auth_part(rest, "SignedHeaders", &sh_len),
               *sig = auth_part(rest, "Signature", &sig_len);
    /* room for the credential's parts and scope, the names and the signature */
    v4_reserve(&v, 2 * cred_len + 5 + sh_len + 1 + sig_len + 1);
    if (sh)
        v.signed_headers = v4_keep(&v, sh, sh_len);
    if (sig)
        v.signature = v4_keep(&v, sig, sig_len);
    if (!cred || !parse_credential(cred, cred_len, &v)) {
        if (c->fam == FAM_S3)
            fail(c, K_MALFORMED, "The authorization header is malformed; the Credential is mal-formed; "
                                 "expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
        else
            fail(c, K_MALFORMED, "Authorization header requires 'Credential' parameter. Authorization=%s", auth);
        goto out;
    }
    if (!v.signed_headers || !v.signature) {
        fail(c, K_MALFORMED, "Authorization header requires '%s' parameter. Authorization=%s",
             !v.signed_headers ? "SignedHeaders" : "Signature", auth);
        goto out;
    }
    const char *amz_date = c->h.amz_date;
    const char *date_hdr = amz_date ? NULL : c->h.date;
    int64_t req_ms = 0;
    char iso[24];
    if (amz_date) {
        if (!parse_amz_date(amz_date, &req_ms))
            amz_date = NULL;
    } else if (date_hdr) {
        double t;
        if (timefmt_parse(date_hdr, &t)) {
            req_ms = (int64_t)t * 1000;
            format_time(req_ms, false, iso);
            amz_date = iso;
        }
    }
    if (!amz_date) {
        if (c->fam == FAM_S3)
            aws_error_set_status(c->err, 403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
        else
            fail(c, K_MALFORMED, "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=%s", auth);
        goto out;
    }
    if (strncmp(v.date, amz_date, 8) != 0) {
        if (c->fam == FAM_S3)
            fail(c, K_MALFORMED, "The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date.");
        else
            fail(c, K_SIGNATURE, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%.8s', from '%s'.",
                 v.date, amz_date, amz_date);
        goto out;
    }
    /* the key and its token before the skew: credentials the server's
     * clock has expired say so even to a client whose clock lags it */
    const char *secret;
    if (key_find(c, v.key, c->h.token, &secret) != 0)
        goto out;
    char hash[SIGV4_HEX_LEN + 1];
    const char *literal;
    if (check_skew(c, req_ms, date_hdr ? date_hdr : amz_date))
        goto out;
    if (!secret) {
        rc = 0;
    } else if (payload_hash(c, &v, hash, &literal) == 0) {
        sigv4_key key;
        rc = v4_compare(c, &v, secret, amz_date, false, literal ? literal : hash, &key);
        /* a signed streaming upload: each chunk's signature too (a body
         * whose framing is wrong is S3's to refuse, as it decodes it) */
        if (rc == 0 && literal && g_str_has_prefix(literal, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")) {
            chunk_chain ch = {.c = c, .v = &v, .amz_date = amz_date, .key = key.key};
            g_strlcpy(ch.prev, v.signature, sizeof ch.prev);
            chunked_signatures(c->req->body, c->req->body_len, chunk_signed_right, &ch);
            rc = ch.failed ? -1 : 0;
        }
    }
out:
    v4_clear(&v);
    return rc;
}

static int check_v4_query(check *c)
{
    const http_params *q = &c->query;
    const char *alg = http_params_get(q, "X-Amz-Algorithm"), *cred = http_params_get(q, "X-Amz-Credential"),
               *date = http_params_get(q, "X-Amz-Date"), *exp = http_params_get(q, "X-Amz-Expires");
    v4 v = {0};
    int rc = -1;
    if (!alg || !cred || !date || !exp || !http_params_get(q, "X-Amz-SignedHeaders") ||
        !http_params_get(q, "X-Amz-Signature")) {
        if (c->fam == FAM_S3)
            aws_error_set_status(c->err, 400, "AuthorizationQueryParametersError",
                                 "Query-string authentication version 4 requires the X-Amz-Algorithm, "
                                 "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and "
                                 "X-Amz-Expires parameters.");
        else
            fail(c, K_MALFORMED, "AWS query-string parameters must include 'X-Amz-Algorithm', "
                                 "'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders' "
                                 "and 'X-Amz-Expires'.");
        return -1;
    }
    /* the query's own strings, which outlive the check */
    v.signed_headers = http_params_get(q, "X-Amz-SignedHeaders");
    v.signature = http_params_get(q, "X-Amz-Signature");
    char *end;
    long long expires = strtoll(exp, &end, 10);
    int64_t req_ms;
    if (strcmp(alg, "AWS4-HMAC-SHA256") != 0 || !parse_credential(cred, strlen(cred), &v) ||
        !parse_amz_date(date, &req_ms) || !*exp || *end || expires < 0 || expires > MAX_PRESIGN_S) {
        const char *why = expires > MAX_PRESIGN_S && !*end
                              ? "X-Amz-Expires must be less than a week (in seconds); that is, the given "
                                "X-Amz-Expires must be less than 604800 seconds"
                          : !*exp || *end || expires < 0 ? "X-Amz-Expires should be a number between 0 and 604800"
                          : strcmp(alg, "AWS4-HMAC-SHA256") != 0
                              ? "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\""
                              : v.key ? "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""
                                      : "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; "
                                        "expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".";
        if (c->fam == FAM_S3)
            aws_error_set_status(c->err, 400, "AuthorizationQueryParametersError", "%s", why);
        else
            fail(c, K_MALFORMED, "%s", why);
        goto out;
    }
    if (strncmp(v.date, date, 8) != 0) {
        if (c->fam == FAM_S3)
            aws_error_set_status(c->err, 400, "AuthorizationQueryParametersError",
                                 "Invalid credential date \"%s\". This date is not the same as X-Amz-Date: \"%.8s\".",
                                 v.date, date);
        else
            fail(c, K_SIGNATURE, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%.8s', from '%s'.",
                 v.date, date, date);
        goto out;
    }
    /* bounded by X-Amz-Expires, not by the skew window */
    if (c->now_ms + MAX_SKEW_MS < req_ms || c->now_ms > req_ms + expires * 1000) {
        bool early = c->now_ms + MAX_SKEW_MS < req_ms;
        if (c->fam != FAM_S3) {
            rc = check_skew(c, req_ms, date);
            if (rc == 0)
                rc = fail(c, K_SKEW, "Signature expired: %s is now earlier than the expiry of %lld seconds", date, expires);
            goto out;
        }
        char server_time[24], expiry[24];
        format_time(c->now_ms, true, server_time);
        format_time(req_ms + expires * 1000, true, expiry);
        aws_error_set_status(c->err, 403, "AccessDenied", early ? "Request is not yet valid" : "Request has expired");
        if (!early) {
            aws_error_field(c->err, "X-Amz-Expires", json_string(exp));
            aws_error_field(c->err, "Expires", json_string(expiry));
        }
        aws_error_field(c->err, "ServerTime", json_string(server_time));
        goto out;
    }
    if (c->fam == FAM_S3 && !signed_list_has(v.signed_headers, "host")) {
        /* what a presigned URL is for must be signed: its host */
        aws_error_set_status(c->err, 403, "AccessDenied", "There were headers present in the request which were not signed");
        aws_error_field(c->err, "HeadersNotSigned", json_string("host"));
        goto out;
    }
    const char *secret;
    if (key_find(c, v.key, http_params_get(q, "X-Amz-Security-Token"), &secret) != 0)
        goto out;
    if (!secret) {
        rc = 0;
    } else {
        char hash[SIGV4_HEX_LEN + 1];
        const char *ph = http_params_get(q, "X-Amz-Content-Sha256");
        if (!ph)
            ph = c->h.content_sha256;
        if (!ph && c->fam == FAM_S3)
            ph = "UNSIGNED-PAYLOAD";
        if (!ph) {
            body_hash(c, hash);
            ph = hash;
        }
        sigv4_key key;
        rc = v4_compare(c, &v, secret, date, true, ph, &key);
    }
out:
    v4_clear(&v);
    return rc;
}

/* ---- SigV2 (S3) ---- */

/* S3's sub-resources that SigV2 signs, sorted. */
static const char *const v2_subresources[] = {
    "accelerate", "acl", "analytics", "cors", "delete", "encryption", "intelligent-tiering", "inventory",
    "legal-hold", "lifecycle", "location", "logging", "metrics", "notification", "object-lock",
    "ownershipControls", "partNumber", "policy", "publicAccessBlock", "replication", "requestPayment",
    "response-cache-control", "response-content-disposition", "response-content-encoding",
    "response-content-language", "response-content-type", "response-expires", "restore", "retention",
    "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning", "versions", "website",
};

static int str_cmp(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static int v2_param_cmp(gconstpointer a, gconstpointer b)
{
    return strcmp(((const http_param *)a)->name, ((const http_param *)b)->name);
}

/* VERB\nContent-MD5\nContent-Type\nDATE\n x-amz-* headers, resource */
static void v2_string_to_sign(check *c, const char *date, GString *out)
{
    const http_request *r = c->req;
    const char *md5 = http_request_header(r, "content-md5"), *ct = http_request_header(r, "content-type");
    g_string_append_printf(out, "%s\n%s\n%s\n%s\n", r->method, md5 ? md5 : "", ct ? ct : "", date);
    /* x-amz-* headers (and, presigned, x-amz-* parameters), lower case and sorted */
    GPtrArray *amz = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; i < r->nheaders; i++)
        if (g_str_has_prefix(r->headers[i].name, "x-amz-")) {
            char *v = g_strstrip(g_strdup(r->headers[i].value));
            g_ptr_array_add(amz, g_strdup_printf("%s:%s", r->headers[i].name, v));
            g_free(v);
        }
    for (guint i = 0; c->query.items && i < c->query.items->len; i++) {
        const http_param *p = &g_array_index(c->query.items, http_param, i);
        if (g_ascii_strncasecmp(p->name, "x-amz-", 6) == 0) {
            char *low = g_ascii_strdown(p->name, -1);
            g_ptr_array_add(amz, g_strdup_printf("%s:%s", low, p->value));
            g_free(low);
        }
    }
    g_ptr_array_sort(amz, str_cmp);
    for (guint i = 0; i < amz->len; i++)
        g_string_append_printf(out, "%s\n", (const char *)g_ptr_array_index(amz, i));
    g_ptr_array_free(amz, TRUE);
    g_string_append(out, c->svc_path);
    GArray *sub = g_array_new(FALSE, FALSE, sizeof(http_param));
    for (guint i = 0; c->query.items && i < c->query.items->len; i++) {
        const http_param *p = &g_array_index(c->query.items, http_param, i);
        if (bsearch(&p->name, v2_subresources, G_N_ELEMENTS(v2_subresources), sizeof *v2_subresources, str_cmp))
            g_array_append_val(sub, *p);
    }
    g_array_sort(sub, v2_param_cmp);
    for (guint i = 0; i < sub->len; i++) {
        const http_param *p = &g_array_index(sub, http_param, i);
        g_string_append_printf(out, "%c%s%s%s", i ? '&' : '?', p->name, p->value_len || strchr(c->req->query, '=') ? "=" : "",
                               p->value);
    }
    g_array_free(sub, TRUE);
}

static int v2_compare(check *c, const char *key, const char *secret, const char *date, const char *given)
{
    GString *sts = g_string_new(NULL);
    v2_string_to_sign(c, date, sts);
    char *want = sigv4_v2_signature(secret, sts->str, sts->len);
    int rc = 0;
    if (!sigv4_equal(want, given)) {
        rc = fail(c, K_SIGNATURE, NULL);
        s3_mismatch_fields(c, key, sts, given);
    }
    g_free(want);
    g_string_free(sts, TRUE);
    return rc;
}

static int check_v2_query(check *c)
{
    const char *key = http_params_get(&c->query, "AWSAccessKeyId"), *exp = http_params_get(&c->query, "Expires"),
               *sig = http_params_get(&c->query, "Signature");
    char *end = NULL;
    long long expires = exp ? strtoll(exp, &end, 10) : 0;
    if (!key || !sig || !exp || !*exp || *end) {
        aws_error_set_status(c->err, 403, "AccessDenied",
                             "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters");
        return -1;
    }
    if (c->now_ms / 1000 > expires) {
        char server_time[24], expiry[24];
        format_time(c->now_ms, true, server_time);
        format_time(expires * 1000, true, expiry);
        aws_error_set_status(c->err, 403, "AccessDenied", "Request has expired");
        aws_error_field(c->err, "Expires", json_string(expiry));
        aws_error_field(c->err, "ServerTime", json_string(server_time));
        return -1;
    }
    const char *secret;
    if (key_find(c, key, http_params_get(&c->query, "x-amz-security-token"), &secret) != 0)
        return -1;
    return secret ? v2_compare(c, key, secret, exp, sig) : 0;
}

static int check_v2_header(check *c, const char *auth)
{
    const char *colon = strrchr(auth, ':');
    if (!colon || colon == auth + 4)
        return fail(c, K_MALFORMED, "The authorization header is malformed");
    char *key = g_strndup(auth + 4, (gsize)(colon - auth - 4));
    const char *amz_date = c->h.amz_date, *date = c->h.date;
    const char *when = amz_date ? amz_date : date;
    double t;
    int rc = -1;
    if (!when || !timefmt_parse(when, &t)) {
        aws_error_set_status(c->err, 403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
        goto out;
    }
    const char *secret;
    if (key_find(c, key, c->h.token, &secret) != 0)
        goto out;
    if (check_skew(c, (int64_t)t * 1000, when))
        goto out;
    /* with x-amz-date the Date line is empty: the header counts among the x-amz-* ones */
    rc = secret ? v2_compare(c, key, secret, amz_date ? "" : date, colon + 1) : 0;
out:
    g_free(key);
    return rc;
}

/* ---- the entry point ---- */

int auth_check(server *s, const char *service, const char *protocol, const http_request *req,
               const char *svc_path, server_cred *signer, aws_error *err)
{
    check c = {
        .s = s,
        .fam = strcmp(service, "s3") == 0       ? FAM_S3
               : strcmp(service, "ec2") == 0    ? FAM_EC2
               : strcmp(service, "sqs") == 0    ? FAM_SQS
               : strcmp(protocol, "json") == 0  ? FAM_JSON
                                                : FAM_QUERY,
        .service = service,
        .req = req,
        .svc_path = svc_path,
        .now_ms = clock_now_ms(&s->clock),
        .err = err,
    };
    if (*req->query && !http_params_parse(&c.query, req->query, strlen(req->query), true)) {
        http_params_clear(&c.query);
        return fail(&c, K_MALFORMED, "The query string is not validly percent-encoded");
    }
    read_headers(&c);
    const char *auth = c.h.authorization;
    int rc;
    if (auth && g_str_has_prefix(auth, "AWS4-HMAC-SHA256 "))
        rc = check_v4_header(&c, auth);
    else if (auth && c.fam == FAM_S3 && g_str_has_prefix(auth, "AWS "))
        rc = check_v2_header(&c, auth);
    else if (auth)
        rc = c.fam == FAM_S3 ? (aws_error_set_status(err, 400, "InvalidArgument", "Unsupported Authorization Type"), -1)
                             : fail(&c, K_MALFORMED, "Unsupported Authorization Type");
    else if (http_params_get(&c.query, "X-Amz-Algorithm") || http_params_get(&c.query, "X-Amz-Credential"))
        rc = check_v4_query(&c);
    else if (c.fam == FAM_S3 && (http_params_get(&c.query, "AWSAccessKeyId") || http_params_get(&c.query, "Signature")))
        rc = check_v2_query(&c);
    else
        rc = fail(&c, K_MISSING, c.fam == FAM_S3 ? "Access Denied" : "Request is missing Authentication Token");
    http_params_clear(&c.query);
    if (rc == 0 && signer && c.cred.access_key)
        *signer = c.cred; /* handed over */
    else
        server_cred_clear(&c.cred);
    return rc;
}

/* ---- POST Object forms ---- */

bool auth_form_pending(const char *service, const http_request *req)
{
    const char *ct = http_request_header(req, "content-type");
    return strcmp(service, "s3") == 0 && strcmp(req->method, "POST") == 0 && ct &&
           g_ascii_strncasecmp(ct, "multipart/form-data", 19) == 0 && !http_request_header(req, "authorization") &&
           !strstr(req->query, "X-Amz-") && !strstr(req->query, "AWSAccessKeyId") &&
           !strstr(req->query, "Signature");
}

void auth_signer_clear(svc_signer *who)
{
    g_free(who->access_key);
    g_free(who->principal);
    g_free(who->authz);
    memset(who, 0, sizeof *who);
}

/* The form's x-amz-credential, which S3 reads as it reads the presigned
 * URL's parameter of that name, and in the same words. */
static int form_scope(check *c, const auth_form *f, v4 *v)
{
    int64_t ms;
    if (!parse_credential(f->credential, strlen(f->credential), v))
        return aws_error_set_status(c->err, 400, "AuthorizationQueryParametersError",
                                    "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; "
                                    "expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
    if (strcmp(v->service, "s3") != 0)
        return aws_error_set_status(c->err, 400, "AuthorizationQueryParametersError",
                                    "Error parsing the X-Amz-Credential parameter; incorrect service \"%s\". "
                                    "This endpoint belongs to \"s3\".",
                                    v->service);
    if (!parse_amz_date(f->date, &ms))
        return aws_error_set_status(c->err, 400, "AuthorizationQueryParametersError",
                                    "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
    if (strncmp(v->date, f->date, 8) != 0)
        return aws_error_set_status(c->err, 400, "AuthorizationQueryParametersError",
                                    "Invalid credential date \"%s\". This date is not the same as X-Amz-Date: "
                                    "\"%.8s\".",
                                    v->date, f->date);
    return 0;
}

int auth_form_check(server *s, const auth_form *f, char **access_key, char **region, aws_error *err)
{
    check c = {.s = s, .fam = FAM_S3, .service = "s3", .now_ms = clock_now_ms(&s->clock), .err = err};
    *access_key = *region = NULL;
    bool sig4 = f->algorithm || f->credential || f->date || f->signature;
    if (sig4 ? !f->credential || !f->date || !f->signature : !f->access_key_id || !f->signature_v2)
        return fail(&c, K_MISSING, "Access Denied"); /* anonymous: no public-write buckets here */
    if (!f->policy)
        return fail(&c, K_MISSING, "Access Denied");
    v4 v = {0};
    char *secret = NULL;
    const char *key = sig4 ? NULL : f->access_key_id;
    int rc = -1;
    if (sig4) {
        if (form_scope(&c, f, &v) != 0)
            goto out;
        key = v.key;
    }
    if (key_secret(&c, key, f->security_token, &secret) != 0)
        goto out;
    const char *given = sig4 ? f->signature : f->signature_v2;
    char hex[SIGV4_HEX_LEN + 1];
    char *b64 = NULL;
    if (secret && sig4) {
        guint8 skey[SIGV4_KEY_LEN];
        signing_key(s, secret, v.date, v.region, v.service, skey);
        sigv4_hmac_hex(skey, SIGV4_KEY_LEN, f->policy, strlen(f->policy), hex);
    } else if (secret) {
        b64 = sigv4_v2_signature(secret, f->policy, strlen(f->policy));
    }
    /* what S3 signs for a form is the policy as sent: its StringToSign */
    if (secret && !sigv4_equal(sig4 ? hex : b64, given)) {
        GString *sts = g_string_new(f->policy);
        fail(&c, K_SIGNATURE, NULL);
        s3_mismatch_fields(&c, key, sts, given);
        g_string_free(sts, TRUE);
    } else {
        *access_key = g_strdup(key);
        *region = g_strdup(v.region);
        rc = 0;
    }
    g_free(b64);
out:
    g_free(secret);
    v4_clear(&v);
    return rc;
}
