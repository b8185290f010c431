#include "core/capture.h"

#include <microhttpd.h>
#include <string.h>

#include "core/jtext.h"
#include "wire/chunked.h"


#define REDACTED "REDACTED"

/* One side of the exchange. */
typedef struct part {
    const char *head;     /* "name\0value\0" for each header (in the capture's buffer) */
    size_t nheaders;
    const char *body;     /* the kept bytes, redacted, NUL after them, or NULL when withheld */
    size_t body_len;
    size_t body_size;     /* the whole body's */
    bool truncated;       /* the kept bytes are the first N of a longer body */
    const char *withheld; /* why the body is not kept (a literal), or NULL */
} part;

struct capture {
    char *req_buf, *resp_buf;                 /* own every string below, one side each */
    const char *method, *host, *path, *query; /* query redacted */
    int status;                               /* 0 until capture_response */
    part req, resp;
    size_t n;                                 /* the body bytes each side keeps */
    bool sts_iam;                             /* bodies hold STS / IAM secrets */
};

/* ---- redaction ---- */

/* Request parameters (query strings, form bodies) whose values are secrets,
 * lowercased: presigned URLs' signatures and tokens, SigV2's, IAM's
 * passwords. */
static const char *const secret_params[] = {"x-amz-signature", "signature", "x-amz-security-token",
                                            "password",        "oldpassword", "newpassword"};
/* Elements and members of STS and IAM bodies whose values are secrets. */
static const char *const secret_names[] = {"SecretAccessKey", "SessionToken", "ServicePassword",
                                           "Password",        "OldPassword",  "NewPassword"};

static bool secret_name(const char *s, size_t len)
{
    for (size_t i = 0; i < G_N_ELEMENTS(secret_names); i++)
        if (strlen(secret_names[i]) == len && memcmp(secret_names[i], s, len) == 0)
            return true;
    return false;
}

/* Request headers whose whole value is a secret: the session token, and
 * SSE-C's customer keys. */
static bool secret_header(const char *name)
{
    return g_ascii_strcasecmp(name, "x-amz-security-token") == 0 ||
           g_ascii_strcasecmp(name, "x-amz-server-side-encryption-customer-key") == 0 ||
           g_ascii_strcasecmp(name, "x-amz-copy-source-server-side-encryption-customer-key") == 0;
}

static bool secret_param(const char *s, size_t len)
{
    if (len > 64) /* longer than any, even percent-encoded whole, and keeps the decoding bounded */
        return false;
    size_t n;
    char *name = http_percent_decode(s, len, true, &n);
    bool found = false;
    for (size_t i = 0; name && !found && i < G_N_ELEMENTS(secret_params); i++)
        found = strlen(secret_params[i]) == n && g_ascii_strncasecmp(secret_params[i], name, n) == 0;
    g_free(name);
    return found;
}

void capture_redact_authorization(GString *out, const char *s, size_t len)
{
    if (len > 5 && memcmp(s, "AWS4-", 5) == 0) {
        /* SigV4 (and 4a): the scope and the signed headers say what was
         * signed; any other component, the signature first, is not kept */
        size_t i = 0;
        while (i < len && s[i] != ' ')
            i++;
        g_string_append_len(out, s, (gssize)i);
        while (i < len) {
            size_t start = i;
            while (i < len && (s[i] == ' ' || s[i] == ','))
                i++;
            g_string_append_len(out, s + start, (gssize)(i - start));
            size_t name = i;
            while (i < len && s[i] != '=' && s[i] != ',')
                i++;
            size_t name_len = i - name;
            bool keep = (name_len == 10 && memcmp(s + name, "Credential", 10) == 0) ||
                        (name_len == 13 && memcmp(s + name, "SignedHeaders", 13) == 0);
            while (i < len && s[i] != ',')
                i++;
            if (keep) {
                g_string_append_len(out, s + name, (gssize)(i - name));
            } else if (name_len < i - name) {
                g_string_append_len(out, s + name, (gssize)name_len);
                g_string_append(out, "=" REDACTED);
            } else if (name_len) {
                g_string_append(out, REDACTED); /* a bare word: nothing says it is not a signature */
            }
        }
    } else if (len > 4 && memcmp(s, "AWS ", 4) == 0) {
        /* SigV2: AWS key:signature */
        const char *colon = memchr(s, ':', len);
        g_string_append_len(out, s, colon ? (gssize)(colon - s + 1) : 4);
        g_string_append(out, REDACTED);
    } else {
        /* any other scheme: its name only */
        const char *sp = memchr(s, ' ', len);
        if (sp) {
            g_string_append_len(out, s, (gssize)(sp - s + 1));
        }
        g_string_append(out, REDACTED);
    }
}

void capture_redact_params(GString *out, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        while (i < len && s[i] != '&' && s[i] != '=')
            i++;
        size_t name_end = i;
        while (i < len && s[i] != '&')
            i++;
        if (name_end < i && secret_param(s + start, name_end - start)) {
            g_string_append_len(out, s + start, (gssize)(name_end - start + 1));
            g_string_append(out, REDACTED);
        } else {
            g_string_append_len(out, s + start, (gssize)(i - start));
        }
        if (i < len) {
            g_string_append_c(out, '&');
            i++;
        }
    }
}

/* Whether s[i..] is "</name>" (or "</name " and the rest of a closing tag). */
static bool closes(const char *s, size_t len, size_t i, const char *name, size_t name_len)
{
    if (len - i < name_len + 3 || s[i + 1] != '/' || memcmp(s + i + 2, name, name_len) != 0)
        return false;
    char c = s[i + 2 + name_len];
    return c == '>' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void capture_redact_xml(GString *out, const char *s, size_t len)
{
    size_t i = 0, copied = 0;
    while (i < len) {
        if (s[i] != '<') {
            i++;
            continue;
        }
        size_t name = ++i;
        while (i < len && s[i] != '>' && s[i] != '/' && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
               s[i] != '\n')
            i++;
        size_t name_len = i - name;
        if (!secret_name(s + name, name_len))
            continue;
        while (i < len && s[i] != '>')
            i++;
        if (i == len || s[i - 1] == '/')
            continue; /* cut inside the tag (nothing of the value kept yet), or empty */
        i++;
        /* the content, whatever it holds (CDATA included), up to the
         * closing tag, or to the end of what is kept */
        g_string_append_len(out, s + copied, (gssize)(i - copied));
        g_string_append(out, REDACTED);
        while (i < len && !(s[i] == '<' && closes(s, len, i, s + name, name_len)))
            i++;
        copied = i;
    }
    g_string_append_len(out, s + copied, (gssize)(len - copied));
}

/* The index just past the JSON string whose opening quote is at s[i] (len
 * when it runs to the end). */
static size_t string_end(const char *s, size_t len, size_t i)
{
    for (i++; i < len; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return len;
}

void capture_redact_json(GString *out, const char *s, size_t len)
{
    size_t i = 0, copied = 0;
    while (i < len) {
        if (s[i] != '"') {
            i++;
            continue;
        }
        size_t end = string_end(s, len, i);
        /* a name written with escapes could spell a secret's: taken as one */
        bool secret = end < len && (secret_name(s + i + 1, end - i - 2) || memchr(s + i + 1, '\\', end - i - 2));
        i = end;
        if (!secret)
            continue;
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
            i++;
        if (i == len || s[i] != ':')
            continue; /* a value, or cut before its member's colon */
        i++;
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
            i++;
        if (i == len || s[i] != '"')
            continue; /* not a string (or cut before it): the scan goes on from here */
        end = string_end(s, len, i);
        g_string_append_len(out, s + copied, (gssize)(i + 1 - copied));
        g_string_append(out, REDACTED);
        if (end < len || s[len - 1] == '"') /* closed: its quote stays */
            g_string_append_c(out, '"');
        i = copied = end;
    }
    g_string_append_len(out, s + copied, (gssize)(len - copied));
}

void capture_redact_chunked(GString *out, const char *s, size_t len)
{
    static const char *const marks[] = {"chunk-signature=", "x-amz-trailer-signature:"};
    size_t i = 0, copied = 0;
    while (i < len) {
        size_t m = 0, mlen = 0;
        for (; m < G_N_ELEMENTS(marks); m++) {
            mlen = strlen(marks[m]);
            if (len - i >= mlen && g_ascii_strncasecmp(s + i, marks[m], mlen) == 0)
                break;
        }
        if (m == G_N_ELEMENTS(marks)) {
            i++;
            continue;
        }
        i += mlen;
        g_string_append_len(out, s + copied, (gssize)(i - copied));
        g_string_append(out, REDACTED);
        while (i < len && s[i] != '\r' && s[i] != '\n' && s[i] != ';')
            i++;
        copied = i;
    }
    g_string_append_len(out, s + copied, (gssize)(len - copied));
}

/* ---- taking a copy ---- */

static bool media_is(const char *ct, const char *prefix)
{
    return ct && g_ascii_strncasecmp(ct, prefix, strlen(prefix)) == 0;
}

static bool media_has(const char *ct, const char *word)
{
    if (!ct)
        return false;
    size_t n = strcspn(ct, ";"), w = strlen(word);
    for (size_t i = 0; i + w <= n; i++)
        if (g_ascii_strncasecmp(ct + i, word, w) == 0)
            return true;
    return false;
}

/* Each side's pieces go into one buffer (three allocations per request in
 * all), built as a GString: pieces are placed by offset while it grows and
 * become pointers once it is done. */
#define NOT_KEPT SIZE_MAX

/* Appends at most n bytes of body, redacted as its type and service ask,
 * and a NUL; returns where they start, or NOT_KEPT when withheld. */
static size_t keep_body(GString *b, part *p, const char *body, size_t size, size_t n, const char *ct, bool sts_iam,
                        bool chunked)
{
    p->body_size = size;
    size_t len = size < n ? size : n;
    p->truncated = len < size;
    void (*redact)(GString *, const char *, size_t) = NULL;
    if (media_is(ct, "multipart/form-data")) {
        /* an S3 POST Object form: its signature and token are fields among
         * the parts, which are not split here */
        p->withheld = "a multipart form (it may carry a signature and a security token) is not captured";
        return NOT_KEPT;
    }
    if (chunked)
        redact = capture_redact_chunked;
    else if (media_is(ct, "application/x-www-form-urlencoded"))
        redact = capture_redact_params;
    else if (sts_iam && media_has(ct, "xml"))
        redact = capture_redact_xml;
    else if (sts_iam && media_has(ct, "json"))
        redact = capture_redact_json;
    else if (sts_iam && len > 0) {
        p->withheld = "an STS or IAM body of a type that is not redacted is not captured";
        return NOT_KEPT;
    }
    size_t at = b->len;
    if (redact)
        redact(b, body, len);
    else /* a streamed object (ext_data, a mapping) is read to n bytes only */
        g_string_append_len(b, body, (gssize)len);
    p->body_len = b->len - at;
    g_string_append_c(b, '\0');
    return at;
}

/* Appends the headers, packed, the request's credentials redacted; returns
 * where they start. */
static size_t keep_headers(GString *b, part *p, const http_header *h, size_t count, bool request)
{
    size_t at = b->len;
    for (size_t i = 0; i < count; i++) {
        g_string_append_len(b, h[i].name, (gssize)strlen(h[i].name) + 1);
        const char *v = h[i].value;
        if (request && g_ascii_strcasecmp(h[i].name, "authorization") == 0)
            capture_redact_authorization(b, v, strlen(v));
        else if (request && secret_header(h[i].name))
            g_string_append(b, REDACTED);
        else
            g_string_append(b, v);
        g_string_append_c(b, '\0');
    }
    p->nheaders = count;
    return at;
}

static size_t keep_string(GString *b, const char *s)
{
    size_t at = b->len;
    g_string_append_len(b, s, (gssize)strlen(s) + 1);
    return at;
}

static size_t headers_size(const http_header *h, size_t count)
{
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        n += strlen(h[i].name) + strlen(h[i].value) + 2;
    return n;
}

capture *capture_request(const http_request *req, const char *service, size_t n)
{
    capture *c = g_new0(capture, 1);
    c->n = n;
    c->sts_iam = g_strcmp0(service, "sts") == 0 || g_strcmp0(service, "iam") == 0;
    /* what the pieces take before redaction, which adds a little */
    GString *b = g_string_sized_new(strlen(req->method) + strlen(req->host) + strlen(req->path) +
                                    strlen(req->query) + headers_size(req->headers, req->nheaders) +
                                    MIN(n, req->body_len) + 64);
    size_t method = keep_string(b, req->method), host = keep_string(b, req->host), path = keep_string(b, req->path);
    size_t query = b->len;
    capture_redact_params(b, req->query, strlen(req->query));
    g_string_append_c(b, '\0');
    size_t head = keep_headers(b, &c->req, req->headers, req->nheaders, true);
    size_t body = keep_body(b, &c->req, req->body, req->body_len, n, http_request_header(req, "content-type"),
                            c->sts_iam, chunked_is_aws_chunked(req));
    c->req_buf = g_string_free(b, FALSE);
    c->method = c->req_buf + method;
    c->host = c->req_buf + host;
    c->path = c->req_buf + path;
    c->query = c->req_buf + query;
    c->req.head = c->req_buf + head;
    c->req.body = body == NOT_KEPT ? NULL : c->req_buf + body;
    return c;
}

void capture_response(capture *c, const http_response *resp)
{
    const http_header *h = (const http_header *)resp->headers->data;
    size_t size;
    const char *data = http_response_body(resp, &size);
    if (resp->head_only) {
        data = "";
        size = 0;
    }
    GString *b = g_string_sized_new(headers_size(h, resp->headers->len) + MIN(c->n, size) + 64);
    c->status = resp->status;
    size_t head = keep_headers(b, &c->resp, h, resp->headers->len, false);
    size_t body = keep_body(b, &c->resp, data, size, c->n, http_response_header(resp, "Content-Type"), c->sts_iam,
                            false);
    c->resp_buf = g_string_free(b, FALSE);
    c->resp.head = c->resp_buf + head;
    c->resp.body = body == NOT_KEPT ? NULL : c->resp_buf + body;
}

void capture_free(capture *c)
{
    if (!c)
        return;
    g_free(c->req_buf);
    g_free(c->resp_buf);
    g_free(c);
}

/* ---- JSON ---- */

/* Headers are packed "name\0value\0": the value of the one named at h,
 * and the name of the next. */
static const char *header_value(const char *h) { return h + strlen(h) + 1; }
static const char *header_next(const char *h) { return header_value(h) + strlen(header_value(h)) + 1; }

static json_t *headers_json(const part *p, bool har)
{
    json_t *arr = json_array();
    const char *h = p->head;
    for (size_t k = 0; k < p->nheaders; k++, h = header_next(h)) {
        json_t *n = jtext_string(h), *v = jtext_string(header_value(h));
        json_array_append_new(arr, har ? json_pack("{s:o, s:o}", "name", n, "value", v) : json_pack("[o, o]", n, v));
    }
    return arr;
}

static const char *header_of(const part *p, const char *want)
{
    const char *h = p->head;
    for (size_t k = 0; k < p->nheaders; k++, h = header_next(h))
        if (g_ascii_strcasecmp(h, want) == 0)
            return header_value(h);
    return NULL;
}

static json_t *part_json(const part *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "headers", headers_json(p, false));
    if (!p->body) {
        json_object_set_new(o, "body", json_null());
        if (p->withheld)
            json_object_set_new(o, "body_withheld", json_string(p->withheld));
    } else if (g_utf8_validate(p->body, (gssize)p->body_len, NULL)) {
        json_object_set_new(o, "body", json_stringn(p->body, p->body_len));
    } else {
        gchar *b64 = g_base64_encode((const guchar *)p->body, p->body_len);
        json_object_set_new(o, "body_base64", json_string(b64));
        g_free(b64);
    }
    json_object_set_new(o, "body_size", json_integer((json_int_t)p->body_size));
    json_object_set_new(o, "body_truncated", json_boolean(p->body && p->truncated));
    return o;
}

void capture_summary_json(const capture *c, json_t *o)
{
    json_object_set_new(o, "method", jtext_string(c->method));
    json_object_set_new(o, "path", jtext_string(c->path));
}

void capture_json(const capture *c, json_t *o)
{
    json_t *req = part_json(&c->req);
    json_object_set_new(req, "method", jtext_string(c->method));
    json_object_set_new(req, "path", jtext_string(c->path));
    json_object_set_new(req, "query", jtext_string(c->query));
    json_object_set_new(o, "request", req);
    json_t *resp = part_json(&c->resp);
    json_object_set_new(resp, "status", json_integer(c->status));
    json_object_set_new(o, "response", resp);
}

/* ---- HAR 1.2 ---- */

static json_t *har_headers(const capture *c, const part *p) { return c ? headers_json(p, true) : json_array(); }

/* postData / content: the kept text, or its base64 (content only: HAR's
 * postData has no encoding) */
static void har_body(json_t *o, const part *p, bool content)
{
    if (!p->body)
        return;
    if (g_utf8_validate(p->body, (gssize)p->body_len, NULL)) {
        json_object_set_new(o, "text", json_stringn(p->body, p->body_len));
    } else if (content) {
        gchar *b64 = g_base64_encode((const guchar *)p->body, p->body_len);
        json_object_set_new(o, "text", json_string(b64));
        json_object_set_new(o, "encoding", json_string("base64"));
        g_free(b64);
    } else {
        return;
    }
    if (p->truncated)
        json_object_set_new(o, "_truncated", json_true());
}

json_t *capture_har_request(const capture *c, const char *endpoint)
{
    json_t *qs = json_array();
    GString *url = g_string_new(NULL);
    if (c) {
        g_string_append_printf(url, "http://%s%s", *c->host ? c->host : endpoint + strlen("http://"), c->path);
        if (*c->query) {
            g_string_append_c(url, '?');
            g_string_append(url, c->query);
            http_params params = {0};
            if (http_params_parse(&params, c->query, strlen(c->query), true))
                for (guint i = 0; i < params.items->len; i++) {
                    const http_param *pr = &g_array_index(params.items, http_param, i);
                    json_array_append_new(qs, json_pack("{s:o, s:o}", "name", jtext_stringn(pr->name, pr->name_len),
                                                        "value", jtext_stringn(pr->value, pr->value_len)));
                }
            http_params_clear(&params);
        }
    } else {
        /* not captured: what the journal knows */
        g_string_append_printf(url, "%s/", endpoint);
    }
    json_t *r = json_pack("{s:o, s:o, s:s, s:[], s:o, s:o, s:i, s:I}", "method",
                          jtext_string(c ? c->method : "UNKNOWN"), "url", jtext_stringn(url->str, url->len),
                          "httpVersion", "HTTP/1.1", "cookies", "headers", har_headers(c, c ? &c->req : NULL),
                          "queryString", qs, "headersSize", -1, "bodySize",
                          (json_int_t)(c && !c->req.withheld ? (json_int_t)c->req.body_size : -1));
    g_string_free(url, TRUE);
    if (c && c->req.body && c->req.body_size > 0) {
        const char *ct = header_of(&c->req, "content-type");
        json_t *post = json_pack("{s:o}", "mimeType", jtext_string(ct ? ct : ""));
        har_body(post, &c->req, false);
        if (json_object_get(post, "text"))
            json_object_set_new(r, "postData", post);
        else
            json_decref(post);
    }
    return r;
}

json_t *capture_har_response(const capture *c, int status)
{
    const char *ct = c ? header_of(&c->resp, "content-type") : NULL;
    const char *location = c && status / 100 == 3 ? header_of(&c->resp, "location") : NULL;
    const char *reason = MHD_get_reason_phrase_for((unsigned)status);
    json_int_t size = c && !c->resp.withheld ? (json_int_t)c->resp.body_size : -1;
    /* the types are the client's or a handler's bytes: core/jtext.h's rule */
    json_t *content = json_pack("{s:I, s:o}", "size", size < 0 ? 0 : size, "mimeType", jtext_string(ct ? ct : ""));
    if (c)
        har_body(content, &c->resp, true);
    return json_pack("{s:i, s:s, s:s, s:[], s:o, s:o, s:o, s:i, s:I}", "status", status, "statusText",
                     reason ? reason : "", "httpVersion", "HTTP/1.1", "cookies", "headers",
                     har_headers(c, c ? &c->resp : NULL), "content", content, "redirectURL",
                     jtext_string(location ? location : ""), "headersSize", -1, "bodySize", size);
}
