#include "core/sigv4.h"

#include <string.h>

void sigv4_canonical_uri(GString *out, const char *path, size_t len, bool normalize)
{
    if (len == 0) {
        g_string_append_c(out, '/');
        return;
    }
    if (!normalize) {
        http_percent_encode(out, path, len, true);
        return;
    }
    /* The kept segments: one pass, ".." pops. */
    typedef struct {
        size_t start, len;
    } seg;
    GArray *segs = g_array_new(FALSE, FALSE, sizeof(seg));
    size_t i = 0;
    while (i < len) {
        while (i < len && path[i] == '/')
            i++;
        size_t start = i;
        while (i < len && path[i] != '/')
            i++;
        size_t n = i - start;
        if (n == 0 || (n == 1 && path[start] == '.'))
            continue;
        if (n == 2 && path[start] == '.' && path[start + 1] == '.') {
            if (segs->len)
                g_array_set_size(segs, segs->len - 1);
            continue;
        }
        seg sg = {start, n};
        g_array_append_val(segs, sg);
    }
    for (guint k = 0; k < segs->len; k++) {
        const seg *sg = &g_array_index(segs, seg, k);
        g_string_append_c(out, '/');
        http_percent_encode(out, path + sg->start, sg->len, false);
    }
    if (segs->len == 0 || path[len - 1] == '/')
        g_string_append_c(out, '/');
    g_array_free(segs, TRUE);
}

typedef struct qpair {
    GString *name;
    GString *value;
} qpair;

static int qpair_cmp(gconstpointer a, gconstpointer b)
{
    const qpair *x = a, *y = b;
    /* encoded text is ASCII: byte order is the order AWS sorts by */
    int c = strcmp(x->name->str, y->name->str);
    return c ? c : strcmp(x->value->str, y->value->str);
}

bool sigv4_canonical_query(GString *out, const char *query, const char *skip)
{
    http_params p = {0};
    /* not form decoding: '+' is a plus sign the client encoded as such */
    if (!http_params_parse(&p, query, strlen(query), false))
        return false;
    GArray *pairs = g_array_sized_new(FALSE, FALSE, sizeof(qpair), p.items ? p.items->len : 0);
    for (guint i = 0; p.items && i < p.items->len; i++) {
        const http_param *hp = &g_array_index(p.items, http_param, i);
        if (skip && hp->name_len == strlen(skip) && memcmp(hp->name, skip, hp->name_len) == 0)
            continue;
        qpair q = {g_string_new(NULL), g_string_new(NULL)};
        http_percent_encode(q.name, hp->name, hp->name_len, false);
        http_percent_encode(q.value, hp->value, hp->value_len, false);
        g_array_append_val(pairs, q);
    }
    g_array_sort(pairs, qpair_cmp);
    for (guint i = 0; i < pairs->len; i++) {
        qpair *q = &g_array_index(pairs, qpair, i);
        if (i)
            g_string_append_c(out, '&');
        g_string_append_len(out, q->name->str, (gssize)q->name->len);
        g_string_append_c(out, '=');
        g_string_append_len(out, q->value->str, (gssize)q->value->len);
        g_string_free(q->name, TRUE);
        g_string_free(q->value, TRUE);
    }
    g_array_free(pairs, TRUE);
    http_params_clear(&p);
    return true;
}

/* A header value trimmed, its inner runs of spaces collapsed to one. */
static void append_trimmed(GString *out, const char *v)
{
    while (*v == ' ' || *v == '\t')
        v++;
    bool space = false;
    for (; *v; v++) {
        if (*v == ' ' || *v == '\t') {
            space = true;
            continue;
        }
        if (space)
            g_string_append_c(out, ' ');
        space = false;
        g_string_append_c(out, *v);
    }
}

static int header_cmp(gconstpointer a, gconstpointer b)
{
    const http_header *x = *(const http_header *const *)a, *y = *(const http_header *const *)b;
    return strcmp(x->name, y->name);
}

bool sigv4_canonical_request(GString *out, const char *method, const char *canonical_uri, const char *query,
                             const char *query_skip, const http_header *headers, size_t nheaders,
                             const char *signed_headers, const char *payload_hash)
{
    g_string_append(out, method);
    g_string_append_c(out, '\n');
    g_string_append(out, canonical_uri);
    g_string_append_c(out, '\n');
    if (!sigv4_canonical_query(out, query, query_skip))
        return false;
    g_string_append_c(out, '\n');

    /* The request's headers sorted by name (stably: repeated ones keep the
     * order received), then walked once alongside the signed names. */
    GPtrArray *sorted = g_ptr_array_sized_new((guint)nheaders);
    for (size_t i = 0; i < nheaders; i++)
        g_ptr_array_add(sorted, (gpointer)&headers[i]);
    g_ptr_array_sort(sorted, header_cmp);
    guint h = 0;
    const char *p = signed_headers;
    while (*p) {
        const char *end = strchr(p, ';');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        g_string_append_len(out, p, (gssize)n);
        g_string_append_c(out, ':');
        bool first = true;
        while (h < sorted->len) {
            const http_header *hd = g_ptr_array_index(sorted, h);
            int c = strncmp(hd->name, p, n);
            if (c == 0 && hd->name[n] != '\0')
                c = 1;
            if (c > 0)
                break;
            h++;
            if (c < 0)
                continue;
            if (!first)
                g_string_append_c(out, ',');
            first = false;
            append_trimmed(out, hd->value);
        }
        g_string_append_c(out, '\n');
        p += n;
        if (*p == ';')
            p++;
    }
    g_ptr_array_free(sorted, TRUE);
    g_string_append_c(out, '\n');
    g_string_append(out, signed_headers);
    g_string_append_c(out, '\n');
    g_string_append(out, payload_hash);
    return true;
}

void sigv4_sha256_hex(const void *data, size_t len, char out[SIGV4_HEX_LEN + 1])
{
    GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
    g_checksum_update(ck, data, (gssize)len);
    g_strlcpy(out, g_checksum_get_string(ck), SIGV4_HEX_LEN + 1);
    g_checksum_free(ck);
}

void sigv4_string_to_sign(GString *out, const char *amz_date, const char *scope, const char *creq, size_t creq_len)
{
    char hash[SIGV4_HEX_LEN + 1];
    sigv4_sha256_hex(creq, creq_len, hash);
    g_string_append_printf(out, "AWS4-HMAC-SHA256\n%s\n%s\n%s", amz_date, scope, hash);
}

static void hmac(const guint8 *key, size_t key_len, const char *data, guint8 out[SIGV4_KEY_LEN])
{
    GHmac *h = g_hmac_new(G_CHECKSUM_SHA256, key, key_len);
    g_hmac_update(h, (const guchar *)data, (gssize)strlen(data));
    gsize n = SIGV4_KEY_LEN;
    g_hmac_get_digest(h, out, &n);
    g_hmac_unref(h);
}

void sigv4_signing_key(const char *secret, const char *date, const char *region, const char *service,
                       guint8 out[SIGV4_KEY_LEN])
{
    char *k = g_strconcat("AWS4", secret, NULL);
    guint8 a[SIGV4_KEY_LEN], b[SIGV4_KEY_LEN];
    hmac((const guint8 *)k, strlen(k), date, a);
    hmac(a, sizeof a, region, b);
    hmac(b, sizeof b, service, a);
    hmac(a, sizeof a, "aws4_request", out);
    g_free(k);
}

void sigv4_hmac_hex(const guint8 *key, size_t key_len, const char *data, size_t len, char out[SIGV4_HEX_LEN + 1])
{
    GHmac *h = g_hmac_new(G_CHECKSUM_SHA256, key, key_len);
    g_hmac_update(h, (const guchar *)data, (gssize)len);
    g_strlcpy(out, g_hmac_get_string(h), SIGV4_HEX_LEN + 1);
    g_hmac_unref(h);
}

char *sigv4_v2_signature(const char *secret, const char *string_to_sign, size_t len)
{
    GHmac *h = g_hmac_new(G_CHECKSUM_SHA1, (const guchar *)secret, strlen(secret));
    g_hmac_update(h, (const guchar *)string_to_sign, (gssize)len);
    guint8 d[20];
    gsize n = sizeof d;
    g_hmac_get_digest(h, d, &n);
    g_hmac_unref(h);
    return g_base64_encode(d, n);
}

bool sigv4_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned diff = (unsigned)(la ^ lb);
    for (size_t i = 0; i < la && i < lb; i++)
        diff |= (unsigned)(a[i] ^ b[i]);
    return diff == 0;
}
