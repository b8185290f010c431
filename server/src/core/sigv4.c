#include "core/sigv4.h"

#include <nettle/hmac.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>
#include <stdlib.h>
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
    if (!*query)
        return true; /* most requests: no parse, no allocation */
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

/* A header value trimmed, its inner runs of spaces collapsed to one: the
 * runs between spaces appended whole (this runs for every signed header). */
static void append_trimmed(GString *out, const char *v)
{
    bool first = true;
    for (;;) {
        v += strspn(v, " \t");
        if (!*v)
            return;
        size_t n = strcspn(v, " \t");
        if (!first)
            g_string_append_c(out, ' ');
        g_string_append_len(out, v, (gssize)n);
        first = false;
        v += n;
    }
}

static int header_cmp(const void *a, const void *b)
{
    const http_header *x = *(const http_header *const *)a, *y = *(const http_header *const *)b;
    int c = strcmp(x->name, y->name);
    /* stable: repeated names keep the order received */
    return c ? c : (x < y ? -1 : x > y);
}

/* What follows the canonical URI: the query, the headers, the signed
 * names and the payload hash. */
static bool append_after_uri(GString *out, const char *query, const char *query_skip, const http_header *headers,
                             size_t nheaders, const char *signed_headers, const char *payload_hash)
{
    g_string_append_c(out, '\n');
    if (!sigv4_canonical_query(out, query, query_skip))
        return false;
    g_string_append_c(out, '\n');

    /* The request's headers sorted by name, then walked once alongside
     * the signed names (a request's few headers sort on the stack). */
    const http_header *few[32];
    const http_header **sorted = nheaders <= G_N_ELEMENTS(few) ? few : g_new(const http_header *, nheaders);
    for (size_t i = 0; i < nheaders; i++)
        sorted[i] = &headers[i];
    qsort(sorted, nheaders, sizeof *sorted, header_cmp);
    size_t h = 0;
    const char *p = signed_headers;
    while (*p) {
        const char *end = strchr(p, ';');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        g_string_append_len(out, p, (gssize)n);
        g_string_append_c(out, ':');
        bool first = true;
        while (h < nheaders) {
            const http_header *hd = sorted[h];
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
    if (sorted != few)
        g_free(sorted);
    g_string_append_c(out, '\n');
    g_string_append(out, signed_headers);
    g_string_append_c(out, '\n');
    g_string_append(out, payload_hash);
    return true;
}

bool sigv4_canonical_request(GString *out, const char *method, const char *canonical_uri, const char *query,
                             const char *query_skip, const http_header *headers, size_t nheaders,
                             const char *signed_headers, const char *payload_hash)
{
    g_string_append(out, method);
    g_string_append_c(out, '\n');
    g_string_append(out, canonical_uri);
    return append_after_uri(out, query, query_skip, headers, nheaders, signed_headers, payload_hash);
}

bool sigv4_canonical_request_path(GString *out, const char *method, const char *path, size_t path_len,
                                  bool normalize, const char *query, const char *query_skip,
                                  const http_header *headers, size_t nheaders, const char *signed_headers,
                                  const char *payload_hash)
{
    g_string_append(out, method);
    g_string_append_c(out, '\n');
    sigv4_canonical_uri(out, path, path_len, normalize);
    return append_after_uri(out, query, query_skip, headers, nheaders, signed_headers, payload_hash);
}

/* Lower-case hex of n bytes, by table (nettle's base16 calls a function per byte). */
static void to_hex(const uint8_t *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

/* The hashes are nettle's: no allocation per call (GChecksum and GHmac
 * allocated several times each), and SHA-NI where the CPU has it. */
void sigv4_sha256_hex(const void *data, size_t len, char out[SIGV4_HEX_LEN + 1])
{
    struct sha256_ctx ctx;
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    sha256_digest(&ctx, sizeof d, d);
    to_hex(d, sizeof d, out);
}

void sigv4_string_to_sign(GString *out, const char *amz_date, const char *scope, const char *creq, size_t creq_len)
{
    char hash[SIGV4_HEX_LEN + 1];
    sigv4_sha256_hex(creq, creq_len, hash);
    g_string_append(out, "AWS4-HMAC-SHA256\n");
    g_string_append(out, amz_date);
    g_string_append_c(out, '\n');
    g_string_append(out, scope);
    g_string_append_c(out, '\n');
    g_string_append_len(out, hash, SIGV4_HEX_LEN);
}

static void hmac(const uint8_t *key, size_t key_len, const char *data, size_t len, uint8_t out[SIGV4_KEY_LEN])
{
    struct hmac_sha256_ctx ctx;
    hmac_sha256_set_key(&ctx, key_len, key);
    hmac_sha256_update(&ctx, len, (const uint8_t *)data);
    hmac_sha256_digest(&ctx, SIGV4_KEY_LEN, out);
}

void sigv4_signing_key(const char *secret, const char *date, const char *region, const char *service,
                       guint8 out[SIGV4_KEY_LEN])
{
    char *k = g_strconcat("AWS4", secret, NULL);
    uint8_t a[SIGV4_KEY_LEN], b[SIGV4_KEY_LEN];
    hmac((const uint8_t *)k, strlen(k), date, strlen(date), a);
    hmac(a, sizeof a, region, strlen(region), b);
    hmac(b, sizeof b, service, strlen(service), a);
    hmac(a, sizeof a, "aws4_request", strlen("aws4_request"), out);
    g_free(k);
}

void sigv4_key_init(sigv4_key *k, const char *secret, const char *date, const char *region, const char *service)
{
    sigv4_signing_key(secret, date, region, service, k->key);
    hmac_sha256_set_key(&k->hmac, sizeof k->key, k->key);
}

void sigv4_sign(const sigv4_key *k, const char *amz_date, const char *scope, const char *creq, size_t creq_len,
                char out[SIGV4_HEX_LEN + 1])
{
    char hash[SIGV4_HEX_LEN + 1];
    sigv4_sha256_hex(creq, creq_len, hash);
    struct hmac_sha256_ctx ctx = k->hmac;
    hmac_sha256_update(&ctx, strlen("AWS4-HMAC-SHA256\n"), (const uint8_t *)"AWS4-HMAC-SHA256\n");
    hmac_sha256_update(&ctx, strlen(amz_date), (const uint8_t *)amz_date);
    hmac_sha256_update(&ctx, 1, (const uint8_t *)"\n");
    hmac_sha256_update(&ctx, strlen(scope), (const uint8_t *)scope);
    hmac_sha256_update(&ctx, 1, (const uint8_t *)"\n");
    hmac_sha256_update(&ctx, SIGV4_HEX_LEN, (const uint8_t *)hash);
    uint8_t d[SIGV4_KEY_LEN];
    hmac_sha256_digest(&ctx, sizeof d, d);
    to_hex(d, sizeof d, out);
}

void sigv4_hmac_hex(const guint8 *key, size_t key_len, const char *data, size_t len, char out[SIGV4_HEX_LEN + 1])
{
    uint8_t d[SIGV4_KEY_LEN];
    hmac(key, key_len, data, len, d);
    to_hex(d, sizeof d, out);
}

char *sigv4_v2_signature(const char *secret, const char *string_to_sign, size_t len)
{
    struct hmac_sha1_ctx ctx;
    uint8_t d[SHA1_DIGEST_SIZE];
    hmac_sha1_set_key(&ctx, strlen(secret), (const uint8_t *)secret);
    hmac_sha1_update(&ctx, len, (const uint8_t *)string_to_sign);
    hmac_sha1_digest(&ctx, sizeof d, d);
    return g_base64_encode(d, sizeof d);
}

bool sigv4_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned diff = (unsigned)(la ^ lb);
    for (size_t i = 0; i < la && i < lb; i++)
        diff |= (unsigned)(a[i] ^ b[i]);
    return diff == 0;
}
