#include "fuzz_common.h"

#define _GNU_SOURCE 1
#include <dlfcn.h>
#include <jansson.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MOCKAWS_SOURCE_DIR
#error "MOCKAWS_SOURCE_DIR must be defined by the build"
#endif

/* ---- no name lookups ----
 * SNS delivers to http:// subscribers on this machine only, but it resolves
 * the host name first, and a fuzzer makes up host names by the thousand:
 * each would be a DNS query leaving the machine. In the fuzz binaries only
 * numeric addresses and "localhost" resolve, so nothing but loopback is
 * ever contacted (the library refuses other addresses itself). */
int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
    static int (*real)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
    if (!real)
        real = (int (*)(const char *, const char *, const struct addrinfo *, struct addrinfo **))dlsym(
            RTLD_NEXT, "getaddrinfo");
    struct addrinfo h = {0};
    if (hints)
        h = *hints;
    h.ai_flags |= AI_NUMERICHOST;
    if (node && g_ascii_strcasecmp(node, "localhost") == 0)
        node = "127.0.0.1";
    return real(node, service, &h, res);
}

/* ---- raw HTTP ---- */

/* The next line of [*p, end): its length without "\r\n" / "\n" in *len;
 * false at the end of the input or when the line holds a NUL. */
static bool next_line(const uint8_t **p, const uint8_t *end, const char **line, size_t *len)
{
    if (*p >= end)
        return false;
    const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
    const uint8_t *stop = nl ? nl : end;
    if (memchr(*p, '\0', (size_t)(stop - *p)))
        return false;
    *line = (const char *)*p;
    *len = (size_t)(stop - *p);
    if (*len && (*line)[*len - 1] == '\r')
        (*len)--;
    *p = nl ? nl + 1 : end;
    return true;
}

static char *trimmed(const char *s, size_t len)
{
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    return g_strndup(s, len);
}

/* Repeated headers fold into one, comma-separated, as core/server.c does. */
static void add_header(GArray *hs, char *name, char *value)
{
    for (guint i = 0; i < hs->len; i++) {
        http_header *h = &g_array_index(hs, http_header, i);
        if (strcmp(h->name, name) == 0) {
            char *v = g_strconcat(h->value, ",", value, NULL);
            g_free(h->value);
            h->value = v;
            g_free(name);
            g_free(value);
            return;
        }
    }
    http_header h = {name, value};
    g_array_append_val(hs, h);
}

static void header_clear(void *p)
{
    http_header *h = p;
    g_free(h->name);
    g_free(h->value);
}

void fuzz_req_clear(fuzz_req *r)
{
    if (r->headers)
        g_array_free(r->headers, TRUE);
    g_free(r->method);
    g_free(r->path);
    g_free(r->query);
    if (r->body)
        body_free(r->body);
    memset(r, 0, sizeof *r);
}

bool fuzz_http_next(const uint8_t **data, size_t *size, fuzz_req *out)
{
    memset(out, 0, sizeof *out);
    const uint8_t *p = *data, *end = *data + *size;
    const char *line;
    size_t len;
    /* blank lines between pipelined requests are skipped, as servers do */
    do {
        if (!next_line(&p, end, &line, &len))
            return false;
    } while (len == 0);

    const char *sp = memchr(line, ' ', len);
    if (!sp || sp == line)
        return false;
    const char *target = sp + 1;
    size_t tlen = len - (size_t)(target - line);
    const char *sp2 = memchr(target, ' ', tlen);
    if (sp2)
        tlen = (size_t)(sp2 - target);
    if (tlen == 0)
        return false;
    out->method = g_strndup(line, (size_t)(sp - line));
    const char *q = memchr(target, '?', tlen);
    out->path = g_strndup(target, q ? (size_t)(q - target) : tlen);
    out->query = q ? g_strndup(q + 1, tlen - (size_t)(q + 1 - target)) : g_strdup("");
    if (!out->path[0]) {
        g_free(out->path);
        out->path = g_strdup("/");
    }

    out->headers = g_array_new(FALSE, FALSE, sizeof(http_header));
    g_array_set_clear_func(out->headers, header_clear);
    for (;;) {
        if (!next_line(&p, end, &line, &len)) {
            if (p < end) { /* a NUL in the header block */
                fuzz_req_clear(out);
                return false;
            }
            break;
        }
        if (len == 0)
            break;
        const char *colon = memchr(line, ':', len);
        if (!colon || colon == line) {
            fuzz_req_clear(out);
            return false;
        }
        add_header(out->headers, g_ascii_strdown(line, colon - line),
                   trimmed(colon + 1, len - (size_t)(colon + 1 - line)));
    }

    size_t left = (size_t)(end - p), blen = left;
    for (guint i = 0; i < out->headers->len; i++) {
        http_header *h = &g_array_index(out->headers, http_header, i);
        if (strcmp(h->name, "content-length") == 0 && g_ascii_isdigit(h->value[0])) {
            char *e;
            unsigned long long n = g_ascii_strtoull(h->value, &e, 10);
            if (!*e && n <= left)
                blen = (size_t)n;
        }
    }
    /* exactly blen bytes, so that AddressSanitizer sees any read past them */
    out->body = body_adopt(blen ? g_memdup2(p, blen) : NULL, blen);
    *data = p + blen;
    *size = left - blen;

    const char *host = "";
    for (guint i = 0; i < out->headers->len; i++)
        if (strcmp(g_array_index(out->headers, http_header, i).name, "host") == 0)
            host = g_array_index(out->headers, http_header, i).value;
    out->req = (http_request){
        .method = out->method,
        .path = out->path,
        .query = out->query,
        .host = host,
        .headers = (const http_header *)(void *)out->headers->data,
        .nheaders = out->headers->len,
        .body = body_data(out->body),
        .body_len = blen,
        .body_store = out->body,
    };
    return true;
}

char *fuzz_first_line(const uint8_t *data, size_t size, const uint8_t **rest, size_t *rest_len)
{
    const uint8_t *nl = memchr(data, '\n', size);
    if (!nl)
        return NULL;
    size_t n = (size_t)(nl - data);
    char *line = g_strndup((const char *)data, n && data[n - 1] == '\r' ? n - 1 : n);
    *rest = nl + 1;
    *rest_len = size - n - 1;
    return line;
}

/* ---- fixture documents ---- */

static bool big_generate(json_t *g)
{
    json_t *count = json_object_get(g, "count"), *size = json_object_get(g, "size");
    return (json_is_integer(count) && json_integer_value(count) > 200) ||
           (json_is_integer(size) && json_integer_value(size) > 4096);
}

bool fuzz_json_unsafe(json_t *v)
{
    size_t i;
    const char *k;
    json_t *x;
    switch (json_typeof(v)) {
    case JSON_STRING: {
        const char *s = json_string_value(v);
        return s[0] == '/' || strstr(s, "..") != NULL;
    }
    case JSON_ARRAY:
        json_array_foreach(v, i, x) if (fuzz_json_unsafe(x)) return true;
        return false;
    case JSON_OBJECT:
        json_object_foreach(v, k, x) {
            if (fuzz_json_unsafe(x) || (strcmp(k, "generate") == 0 && big_generate(x)))
                return true;
        }
        return false;
    default:
        return false;
    }
}

/* ---- the server ---- */

/* 2026-11-29T00:00:00Z: the instant every input starts at */
#define FUZZ_EPOCH_MS INT64_C(1795910400000)

static server *the_server;
static json_t *the_fixtures;

/* The S3 fixture generates 10,000 keys for paging tests: loading them
 * again for every input would cost more than the input. 5 keep listing
 * and paging (max-keys=2) reachable. */
static void shrink_generated(json_t *doc)
{
    size_t i, j;
    json_t *bucket, *obj;
    json_array_foreach(json_object_get(json_object_get(doc, "s3"), "buckets"), i, bucket)
        json_array_foreach(json_object_get(bucket, "objects"), j, obj)
            if (json_object_get(json_object_get(obj, "generate"), "count"))
                json_object_set_new(json_object_get(obj, "generate"), "count", json_integer(5));
}

server *fuzz_server(void)
{
    if (the_server)
        return the_server;
    char err[512];
    mockaws_options o = {.seed = 7, .journal_size = 16, .threads = 1, .max_body = 1 << 20};
    the_server = mockaws_start(&o, err, sizeof err);
    if (!the_server) {
        fprintf(stderr, "fuzz: cannot start a server: %s\n", err);
        abort();
    }
    the_fixtures = json_array();
    const char *names[] = {"s3-example.json", "dynamodb-example.json", "sns-example.json", "ec2-example.json"};
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        char *path = g_build_filename(MOCKAWS_SOURCE_DIR, "fixtures", names[i], NULL);
        json_error_t je;
        json_t *doc = json_load_file(path, 0, &je);
        if (!doc) {
            fprintf(stderr, "fuzz: %s: %s\n", path, je.text);
            abort();
        }
        shrink_generated(doc);
        json_array_append_new(the_fixtures, doc);
        g_free(path);
    }
    fuzz_server_fresh(the_server, true);
    return the_server;
}

void fuzz_server_fresh(server *s, bool reload)
{
    if (reload) {
        mockaws_reset(s);
        g_mutex_lock(&s->clock.lock);
        s->clock.virtual_mode = true;
        s->clock.frozen_ms = FUZZ_EPOCH_MS;
        s->clock.offset_ms = 0;
        g_mutex_unlock(&s->clock.lock);
        char err[512];
        char *dir = g_build_filename(MOCKAWS_SOURCE_DIR, "fixtures", NULL);
        if (fixtures_load(s, the_fixtures, dir, err, sizeof err) != 0) {
            fprintf(stderr, "fuzz: the shipped fixtures do not load: %s\n", err);
            abort();
        }
        g_free(dir);
    } else {
        journal_clear(s->journal);
    }
    /* after the fixtures, so that requests draw the ids a fresh
     * `mockaws --seed 7` would (seeds recorded from one replay right) */
    g_mutex_lock(&s->rand_lock);
    g_rand_set_seed(s->rand, 7);
    g_mutex_unlock(&s->rand_lock);
}
