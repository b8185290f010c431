#include "services/s3/payload.h"

#include <stdlib.h>
#include <string.h>

#include "services/s3/s3.h"
#include "wire/chunked.h"

static const checksum_algo flexible[] = {CHECKSUM_CRC32, CHECKSUM_CRC32C, CHECKSUM_CRC64NVME,
                                         CHECKSUM_SHA1, CHECKSUM_SHA256};

/* Block size of the one pass over the body: both digests read each block
 * while it is still in cache. */
#define DIGEST_BLOCK (256 * 1024)

void s3_digest(const char *data, size_t len, unsigned char md5[16], checksum_algo algo, char **checksum_b64)
{
    GChecksum *m = g_checksum_new(G_CHECKSUM_MD5);
    checksum_ctx ck;
    if (algo != CHECKSUM_NONE)
        checksum_init(&ck, algo);
    for (size_t off = 0; off < len; off += DIGEST_BLOCK) {
        size_t n = len - off < DIGEST_BLOCK ? len - off : DIGEST_BLOCK;
        g_checksum_update(m, (const guchar *)data + off, (gssize)n);
        if (algo != CHECKSUM_NONE)
            checksum_update(&ck, data + off, n);
    }
    gsize dlen = 16;
    g_checksum_get_digest(m, md5, &dlen);
    g_checksum_free(m);
    if (algo != CHECKSUM_NONE) {
        unsigned char raw[64];
        checksum_final(&ck, raw);
        *checksum_b64 = g_base64_encode(raw, checksum_size(algo));
    } else if (checksum_b64) {
        *checksum_b64 = NULL;
    }
}

/* Standard base64 of exactly want bytes; false otherwise. */
static bool decode_b64(const char *text, size_t want, unsigned char *out)
{
    size_t n = strlen(text);
    if (n == 0 || n % 4 != 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = text[i];
        bool pad = ch == '=' && i >= n - 2;
        if (!g_ascii_isalnum(ch) && ch != '+' && ch != '/' && !pad)
            return false;
        if (pad && i == n - 2 && text[n - 1] != '=')
            return false;
    }
    gsize got = 0;
    guchar *raw = g_base64_decode(text, &got);
    bool ok = got == want;
    if (ok)
        memcpy(out, raw, want);
    g_free(raw);
    return ok;
}

typedef struct given {
    checksum_algo algo;
    const char *value;
} given;

/* The one flexible checksum a request carries, in a header or a trailer. */
static int given_checksum(svc_call *c, const chunked_result *cr, given *g)
{
    int n = 0;
    g->algo = CHECKSUM_NONE;
    g->value = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(flexible); i++) {
        const char *name = checksum_header_name(flexible[i]);
        const char *v = s3_header(c, name);
        if (!v && cr)
            v = chunked_trailer_get(cr, name);
        if (v) {
            n++;
            g->algo = flexible[i];
            g->value = v;
        }
    }
    if (n > 1)
        return aws_error_set(&c->err, "InvalidRequest",
                             "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
    const char *trailer = s3_header(c, "x-amz-trailer");
    if (trailer && cr && g_str_has_prefix(trailer, "x-amz-checksum-") && !n)
        return aws_error_set(&c->err, "IncompleteBody",
                             "The request body terminated unexpectedly: the trailer %s was announced but not sent",
                             trailer);
    const char *sdk = s3_header(c, "x-amz-sdk-checksum-algorithm");
    if (sdk && !n && !(trailer && cr))
        return aws_error_set(&c->err, "InvalidRequest",
                             "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* "
                             "or x-amz-trailer headers were found.");
    if (sdk && n && checksum_algo_from_name(sdk) != g->algo)
        return aws_error_set(&c->err, "InvalidRequest",
                             "Value for x-amz-sdk-checksum-algorithm header is invalid.");
    return 0;
}

/* Compares what the client said with what the bytes give. */
static int verify(svc_call *c, const given *g, const char *computed_b64, const unsigned char md5[16])
{
    const char *cmd5 = s3_header(c, "content-md5");
    if (cmd5) {
        unsigned char want[16];
        if (!decode_b64(cmd5, 16, want))
            return aws_error_set(&c->err, "InvalidDigest", NULL);
        if (memcmp(want, md5, 16) != 0) {
            aws_error_set(&c->err, "BadDigest", NULL);
            aws_error_field(&c->err, "ExpectedDigest", json_string(cmd5));
            return -1;
        }
    }
    if (g->algo != CHECKSUM_NONE) {
        size_t size = checksum_size(g->algo);
        unsigned char want[64], got[64];
        if (!decode_b64(g->value, size, want))
            return aws_error_set(&c->err, "InvalidRequest", "Value for %s header is invalid.",
                                 checksum_header_name(g->algo));
        if (!decode_b64(computed_b64, size, got) || memcmp(want, got, size) != 0)
            return aws_error_set(&c->err, "BadDigest",
                                 "The %s you specified did not match the calculated checksum.",
                                 checksum_algo_name(g->algo));
    }
    return 0;
}

/* aws-chunked travels in Content-Encoding but is no encoding of the object:
 * S3 stores what is left ("aws-chunked,gzip" -> "gzip"). Returns a new
 * string or NULL. */
static char *strip_aws_chunked(const char *enc)
{
    if (!enc)
        return NULL;
    GString *out = g_string_new(NULL);
    char **parts = g_strsplit(enc, ",", -1);
    for (char **p = parts; *p; p++) {
        char *t = g_strstrip(*p);
        if (!*t || g_ascii_strcasecmp(t, "aws-chunked") == 0)
            continue;
        if (out->len)
            g_string_append_c(out, ',');
        g_string_append(out, t);
    }
    g_strfreev(parts);
    if (!out->len) {
        g_string_free(out, TRUE);
        return NULL;
    }
    return g_string_free(out, FALSE);
}

int s3_payload_take(svc_call *c, checksum_algo want, uint64_t max, s3_payload *out)
{
    memset(out, 0, sizeof *out);
    body_buf *raw = svc_take_body(c);
    char *buf = body_data_mut(raw);
    size_t len = body_len(raw);
    chunked_result cr = {0};
    bool chunked = chunked_is_aws_chunked(c->req);
    int rc = 0;
    if (chunked) {
        char msg[256];
        if (chunked_decode(buf, len, &cr, msg, sizeof msg) != 0) {
            rc = aws_error_set(&c->err, "IncompleteBody", "%s", msg);
            goto done;
        }
        const char *dcl = s3_header(c, "x-amz-decoded-content-length");
        if (dcl && strtoull(dcl, NULL, 10) != cr.decoded_len) {
            rc = aws_error_set(&c->err, "IncompleteBody", NULL);
            goto done;
        }
        len = cr.decoded_len;
    }
    /* The encoding the object keeps: without aws-chunked. */
    json_t *enc = json_object_get(c->input, "ContentEncoding");
    if (enc && chunked) {
        char *kept = strip_aws_chunked(json_string_value(enc));
        if (kept)
            json_object_set_new(c->input, "ContentEncoding", json_string(kept));
        else
            json_object_del(c->input, "ContentEncoding");
        g_free(kept);
    }
    if (len > max) {
        aws_error_set(&c->err, "EntityTooLarge", NULL);
        aws_error_field(&c->err, "ProposedSize", json_integer((json_int_t)len));
        aws_error_field(&c->err, "MaxSizeAllowed", json_integer((json_int_t)max));
        rc = -1;
        goto done;
    }
    given g;
    if ((rc = given_checksum(c, chunked ? &cr : NULL, &g)) != 0)
        goto done;
    checksum_algo algo = g.algo != CHECKSUM_NONE ? g.algo : want;
    char *b64 = NULL;
    s3_digest(buf, len, out->md5, algo, &b64);
    if ((rc = verify(c, &g, b64, out->md5)) != 0) {
        g_free(b64);
        goto done;
    }
    /* Chunk framing is a few bytes per 64 KiB: the body gives memory back
     * only when the decoded bytes are much fewer than what arrived. */
    body_truncate(raw, len);
    out->blob = s3_blob_adopt_body(raw);
    raw = NULL;
    out->algo = algo;
    out->checksum = b64;
done:
    chunked_result_clear(&cr);
    body_free(raw);
    return rc;
}

void s3_payload_clear(s3_payload *p)
{
    s3_blob_unref(p->blob);
    g_free(p->checksum);
    memset(p, 0, sizeof *p);
}

int s3_payload_verify_raw(svc_call *c, bool required)
{
    given g;
    if (given_checksum(c, NULL, &g) != 0)
        return -1;
    if (required && g.algo == CHECKSUM_NONE && !s3_header(c, "content-md5"))
        return aws_error_set(&c->err, "InvalidRequest", "Missing required header for this request: Content-MD5");
    unsigned char md5[16];
    char *b64 = NULL;
    s3_digest(c->req->body, c->req->body_len, md5, g.algo, &b64);
    int rc = verify(c, &g, b64, md5);
    g_free(b64);
    return rc;
}
