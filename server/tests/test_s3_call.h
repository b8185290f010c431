/* S3 requests through the whole pipeline without sockets, for the
 * test_s3_*.c suites: routing, parsing, the handler, serialization. */
#ifndef MOCKAWS_TEST_S3_CALL_H
#define MOCKAWS_TEST_S3_CALL_H

#include <glib.h>
#include <stdarg.h>
#include <string.h>

#include "core/pipeline.h"
#include "core/server.h"

#define S3_AUTH(key) "AWS4-HMAC-SHA256 Credential=" key "/20261129/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0"
#define S3_AUTH_REGION(key, region) \
    "AWS4-HMAC-SHA256 Credential=" key "/20261129/" region "/s3/aws4_request, SignedHeaders=host, Signature=0"

typedef struct s3r {
    int status;
    const char *body; /* NUL-terminated copy */
    size_t len;
    const char *ext;  /* the zero-copy body pointer, when the response had one */
    http_response resp;
    char *copy;
} s3r;

/* method, path ("/bucket/key", raw), query (raw), body (may hold NULs:
 * blen), then header name/value pairs ending with NULL. Without an
 * "authorization" header, the default account's is added. */
static inline s3r s3_call_v(server *s, const char *method, const char *path, const char *query,
                            const char *body, size_t blen, va_list ap)
{
    http_header h[32];
    size_t n = 0;
    bool auth = false;
    for (const char *name; n < 31 && (name = va_arg(ap, const char *));) {
        h[n].name = (char *)name;
        h[n].value = va_arg(ap, char *);
        auth = auth || strcmp(name, "authorization") == 0;
        n++;
    }
    if (!auth)
        h[n++] = (http_header){"authorization", S3_AUTH("AKIDEXAMPLE")};
    /* A tiny spill size: every body over 64 bytes takes the file-backed path. */
    body_buf *store = body_new(64, NULL);
    if (body && blen)
        body_append(store, body, blen);
    body_finish(store);
    const char *host = "localhost";
    for (size_t i = 0; i < n; i++)
        if (strcmp(h[i].name, "host") == 0)
            host = h[i].value;
    http_request req = {.method = method,
                        .path = path,
                        .query = query ? query : "",
                        .host = host,
                        .headers = h,
                        .nheaders = n,
                        .body = body_data(store),
                        .body_len = body_len(store),
                        .body_store = store};
    s3r r;
    memset(&r, 0, sizeof r);
    http_response_init(&r.resp);
    pipeline_outcome out;
    pipeline_handle(s, &req, 1, false, &r.resp, &out);
    body_free(store);
    size_t len;
    const char *b = http_response_body(&r.resp, &len);
    r.status = r.resp.status;
    r.ext = r.resp.ext_data;
    r.copy = g_malloc(len + 1);
    memcpy(r.copy, b, len);
    r.copy[len] = '\0';
    r.body = r.copy;
    r.len = len;
    return r;
}

static inline s3r s3_call(server *s, const char *method, const char *path, const char *query, const char *body,
                          size_t blen, ...)
{
    va_list ap;
    va_start(ap, blen);
    s3r r = s3_call_v(s, method, path, query, body, blen, ap);
    va_end(ap);
    return r;
}

static inline void s3r_free(s3r *r)
{
    http_response_clear(&r->resp);
    g_free(r->copy);
}

static inline const char *s3r_header(const s3r *r, const char *name)
{
    return http_response_header(&r->resp, name);
}

/* The text of the first <tag>...</tag> after from (g_free), or NULL. */
static inline char *s3_xml_text(const char *xml, const char *tag)
{
    char *open = g_strdup_printf("<%s>", tag);
    const char *p = strstr(xml, open);
    char *out = NULL;
    if (p) {
        p += strlen(open);
        out = g_strndup(p, strcspn(p, "<"));
    }
    g_free(open);
    return out;
}

static inline int s3_count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static inline int s3_setup(void **st)
{
    char err[256];
    mockaws_options o = {.seed = 7};
    *st = mockaws_start(&o, err, sizeof err);
    if (!*st)
        fprintf(stderr, "start: %s\n", err);
    return *st ? 0 : -1;
}

static inline int s3_teardown(void **st)
{
    mockaws_stop(*st);
    return 0;
}

/* A server on the virtual clock whose restores take restore_ms. */
static inline int s3_setup_virtual(void **st, uint64_t restore_ms)
{
    char err[256];
    mockaws_options o = {.seed = 7, .s3_restore_set = 1, .s3_restore_ms = restore_ms};
    *st = mockaws_start(&o, err, sizeof err);
    if (!*st)
        fprintf(stderr, "start: %s\n", err);
    else
        mockaws_clock_virtual(*st, 1);
    return *st ? 0 : -1;
}

/* The Content-MD5 header of body (g_free). */
static inline char *s3_content_md5(const char *body)
{
    guint8 d[16];
    gsize n = sizeof d;
    GChecksum *ck = g_checksum_new(G_CHECKSUM_MD5);
    g_checksum_update(ck, (const guchar *)body, (gssize)strlen(body));
    g_checksum_get_digest(ck, d, &n);
    g_checksum_free(ck);
    return g_base64_encode(d, sizeof d);
}

/* Simple calls that must succeed. */
static inline void s3_ok(server *s, const char *method, const char *path, const char *query, const char *body)
{
    s3r r = s3_call(s, method, path, query, body, body ? strlen(body) : 0, NULL);
    if (r.status >= 300)
        fprintf(stderr, "%s %s?%s -> %d %s\n", method, path, query ? query : "", r.status, r.body);
    g_assert_cmpint(r.status, <, 300);
    s3r_free(&r);
}

#endif
