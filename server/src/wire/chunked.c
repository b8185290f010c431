#include "chunked.h"

#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Limits that no SDK comes near but that bound the work a hostile body can
 * cause: 16 hex digits already say 2^64, and a handful of trailers is all
 * S3 defines (one checksum and the trailer signature). */
#define MAX_SIZE_DIGITS 16
#define MAX_TRAILERS 16
#define MAX_TRAILER_LINE 4096

/* SigV4 signs chunks with HMAC-SHA256 (64 hex digits). SigV4a signs them
 * with ECDSA, whose DER signature varies in length, so the SDKs pad it with
 * '*' to a fixed 144 characters to keep the encoded length predictable. */
#define SIGV4_SIG_LEN 64
#define SIGV4A_SIG_LEN 144

typedef enum sig_rule {
    SIG_ANY,      /* whatever the body says, as long as it is consistent */
    SIG_NONE,     /* no chunk signatures, no trailer signature */
    SIG_CHUNKS,   /* signed chunks, no trailers */
    SIG_TRAILER,  /* signed chunks and a signed trailer section */
} sig_rule;

typedef struct parser {
    char *buf;
    size_t len;
    size_t r; /* next byte to read */
    char *err;
    size_t errlen;
} parser;

static int fail(parser *p, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static int fail(parser *p, const char *fmt, ...)
{
    if (p->err && p->errlen) {
        char what[160];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof what, fmt, ap);
        va_end(ap);
        snprintf(p->err, p->errlen, "aws-chunked body: %s (at byte %zu)", what, p->r);
    }
    return -1;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool is_signature(const char *s, size_t n)
{
    if (n != SIGV4_SIG_LEN && n != SIGV4A_SIG_LEN)
        return false;
    size_t i = 0;
    while (i < n && hexval((unsigned char)s[i]) >= 0)
        i++;
    if (n == SIGV4_SIG_LEN)
        return i == n;
    if (i == 0)
        return false;
    while (i < n && s[i] == '*')
        i++;
    return i == n;
}

static bool at_crlf(const parser *p, size_t at)
{
    return p->len - at >= 2 && p->buf[at] == '\r' && p->buf[at + 1] == '\n';
}

/* The end of the line starting at p->r: the offset of its CR, or (size_t)-1
 * when no CRLF comes within max bytes. A bare CR or LF inside a line is a
 * smuggling classic, so it ends the search as a failure too. */
static size_t line_end(const parser *p, size_t max)
{
    size_t stop = p->len - p->r < max ? p->len : p->r + max;
    for (size_t i = p->r; i < stop; i++) {
        if (p->buf[i] == '\r')
            return at_crlf(p, i) ? i : (size_t)-1;
        if (p->buf[i] == '\n')
            return (size_t)-1;
    }
    return (size_t)-1;
}

/* hex-size [;chunk-signature=sig] CRLF. Sets *size, *is_signed and, when
 * signed, *sig_at (the signature's offset). */
static int parse_chunk_header(parser *p, size_t *size, bool *is_signed, size_t *sig_at)
{
    if (p->r >= p->len)
        return fail(p, "ends before the final zero-size chunk");

    size_t v = 0;
    size_t digits = 0;
    int d;
    while (p->r < p->len && (d = hexval((unsigned char)p->buf[p->r])) >= 0) {
        if (++digits > MAX_SIZE_DIGITS)
            return fail(p, "chunk size has more than %d hex digits", MAX_SIZE_DIGITS);
        /* No chunk can be longer than the body it sits in; checking each
         * digit keeps v from ever overflowing. */
        if (v > p->len / 16)
            return fail(p, "chunk size runs past the end of the body");
        v = v * 16 + (size_t)d;
        if (v > p->len)
            return fail(p, "chunk size runs past the end of the body");
        p->r++;
    }
    if (digits == 0)
        return fail(p, "expected a hex chunk size");

    *is_signed = false;
    if (p->r < p->len && p->buf[p->r] == ';') {
        static const char ext[] = "chunk-signature=";
        p->r++;
        if (p->len - p->r < sizeof ext - 1 ||
            g_ascii_strncasecmp(p->buf + p->r, ext, sizeof ext - 1) != 0)
            return fail(p, "unknown chunk extension (only chunk-signature is allowed)");
        p->r += sizeof ext - 1;
        size_t start = p->r;
        while (p->r < p->len && p->r - start <= SIGV4A_SIG_LEN && p->buf[p->r] != '\r' &&
               p->buf[p->r] != '\n')
            p->r++;
        if (!is_signature(p->buf + start, p->r - start)) {
            p->r = start;
            return fail(p, "malformed chunk-signature");
        }
        *is_signed = true;
        *sig_at = start;
    }
    if (!at_crlf(p, p->r))
        return fail(p, p->r >= p->len ? "chunk header is cut short"
                                      : "chunk header not ended by CRLF");
    p->r += 2;
    *size = v;
    return 0;
}

/* RFC 9110 tchar: what a header field name may hold. */
static bool is_tchar(unsigned char c)
{
    if (g_ascii_isalnum(c))
        return true;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static void free_trailers(chunked_trailer *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        g_free(t[i].name);
        g_free(t[i].value);
    }
}

/* name:value CRLF ... CRLF, up to the end of the body. */
static int parse_trailers(parser *p, bool chunks_signed, sig_rule rule, chunked_trailer *t,
                          size_t *nt)
{
    bool have_signature = false;
    *nt = 0;
    for (;;) {
        if (at_crlf(p, p->r)) {
            p->r += 2;
            break;
        }
        if (p->r >= p->len)
            return fail(p, "ends without the empty line that closes the trailers");
        if (have_signature)
            return fail(p, "a trailer follows x-amz-trailer-signature");
        size_t eol = line_end(p, MAX_TRAILER_LINE);
        if (eol == (size_t)-1)
            return fail(p, "trailer line not ended by CRLF");

        size_t name_start = p->r, name_end = p->r;
        while (name_end < eol && is_tchar((unsigned char)p->buf[name_end]))
            name_end++;
        if (name_end == name_start || name_end == eol || p->buf[name_end] != ':')
            return fail(p, "malformed trailer (want name:value)");

        size_t vs = name_end + 1, ve = eol;
        while (vs < ve && (p->buf[vs] == ' ' || p->buf[vs] == '\t'))
            vs++;
        while (ve > vs && (p->buf[ve - 1] == ' ' || p->buf[ve - 1] == '\t'))
            ve--;
        if (vs == ve)
            return fail(p, "trailer has an empty value");
        for (size_t i = vs; i < ve; i++) {
            unsigned char c = (unsigned char)p->buf[i];
            if ((c < 0x21 && c != ' ' && c != '\t') || c == 0x7f)
                return fail(p, "control character in a trailer value");
        }

        char *name = g_ascii_strdown(p->buf + name_start, (gssize)(name_end - name_start));
        bool is_sig = strcmp(name, "x-amz-trailer-signature") == 0;
        const char *why = NULL;
        if (is_sig && !chunks_signed)
            why = "x-amz-trailer-signature on a body with unsigned chunks";
        else if (is_sig && !is_signature(p->buf + vs, ve - vs))
            why = "malformed x-amz-trailer-signature";
        else if (rule == SIG_CHUNKS)
            why = "trailers on a body that declares none";
        for (size_t i = 0; !why && i < *nt; i++)
            if (strcmp(t[i].name, name) == 0)
                why = "repeated trailer";
        if (!why && *nt == MAX_TRAILERS)
            why = "too many trailers";
        if (why) {
            g_free(name);
            return fail(p, "%s", why);
        }
        t[*nt].name = name;
        t[*nt].value = g_strndup(p->buf + vs, ve - vs);
        (*nt)++;
        have_signature = is_sig;
        p->r = eol + 2;
    }

    /* A signed body signs its trailers too; trailers without that signature
     * could have been swapped by anyone on the path. */
    if (chunks_signed && *nt > 0 && !have_signature)
        return fail(p, "signed chunks but the trailers carry no x-amz-trailer-signature");
    if (rule == SIG_TRAILER && !have_signature)
        return fail(p, "x-amz-trailer-signature missing");
    if (p->r != p->len)
        return fail(p, "%zu bytes after the end of the trailers", p->len - p->r);
    return 0;
}

static int decode(char *buf, size_t len, sig_rule rule, chunked_result *out, char *err,
                  size_t errlen)
{
    parser p = {.buf = buf, .len = len, .r = 0, .err = err, .errlen = errlen};
    chunked_trailer t[MAX_TRAILERS];
    size_t nt = 0;
    size_t w = 0;
    int chunks_signed = -1; /* unknown until the first chunk */

    memset(out, 0, sizeof *out);
    if (err && errlen)
        err[0] = '\0';

    for (;;) {
        size_t size = 0;
        bool is_signed = false;
        size_t header_at = p.r, sig_at;
        if (parse_chunk_header(&p, &size, &is_signed, &sig_at) != 0)
            return -1;
        if (chunks_signed >= 0 && is_signed != (chunks_signed == 1)) {
            p.r = header_at;
            return fail(&p, "signed and unsigned chunks mixed");
        }
        chunks_signed = is_signed;
        if (rule == SIG_NONE && is_signed) {
            p.r = header_at;
            return fail(&p, "chunk-signature on an unsigned-payload body");
        }
        if ((rule == SIG_CHUNKS || rule == SIG_TRAILER) && !is_signed) {
            p.r = header_at;
            return fail(&p, "chunk without the chunk-signature a signed payload needs");
        }
        if (size == 0)
            break;
        if (len - p.r < size)
            return fail(&p, "chunk of %zu bytes runs past the end of the body", size);
        if (!at_crlf(&p, p.r + size)) {
            p.r += size;
            return fail(&p, "chunk data not followed by CRLF");
        }
        /* The writer trails the reader by at least the 3 bytes of the
         * shortest header ("1\r\n"), so the move never clobbers unread
         * input; memmove because the ranges may still overlap. */
        memmove(buf + w, buf + p.r, size);
        w += size;
        p.r += size + 2;
    }

    if (parse_trailers(&p, chunks_signed == 1, rule, t, &nt) != 0) {
        free_trailers(t, nt);
        return -1;
    }
    out->decoded_len = w;
    out->ntrailers = nt;
    out->trailers = nt ? g_memdup2(t, nt * sizeof t[0]) : NULL;
    return 0;
}

int chunked_decode(char *buf, size_t len, chunked_result *out, char *err, size_t errlen)
{
    return decode(buf, len, SIG_ANY, out, err, errlen);
}

int chunked_decode_as(char *buf, size_t len, const char *content_sha256, chunked_result *out,
                      char *err, size_t errlen)
{
    static const struct {
        const char *value;
        sig_rule rule;
    } modes[] = {
        {"STREAMING-UNSIGNED-PAYLOAD-TRAILER", SIG_NONE},
        {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD", SIG_CHUNKS},
        {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", SIG_TRAILER},
        {"STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", SIG_CHUNKS},
        {"STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER", SIG_TRAILER},
    };
    if (!content_sha256 || g_ascii_strncasecmp(content_sha256, "STREAMING-", 10) != 0)
        return decode(buf, len, SIG_ANY, out, err, errlen);
    for (size_t i = 0; i < G_N_ELEMENTS(modes); i++)
        if (strcmp(content_sha256, modes[i].value) == 0)
            return decode(buf, len, modes[i].rule, out, err, errlen);
    memset(out, 0, sizeof *out);
    if (err && errlen)
        snprintf(err, errlen, "unsupported x-amz-content-sha256 %.80s", content_sha256);
    return -1;
}

int chunked_signatures(const char *buf, size_t len, chunked_sig_fn fn, void *arg)
{
    /* the parser only reads: the cast does not lead to a write */
    parser p = {.buf = (char *)buf, .len = len};
    char sig[SIGV4_SIG_LEN + 1];
    for (;;) {
        size_t size = 0, sig_at = 0;
        bool is_signed = false;
        if (parse_chunk_header(&p, &size, &is_signed, &sig_at) != 0 || !is_signed ||
            !is_signature(buf + sig_at, SIGV4_SIG_LEN) || buf[sig_at + SIGV4_SIG_LEN] != '\r')
            return -1;
        if (len - p.r < size || !at_crlf(&p, p.r + size))
            return -1;
        memcpy(sig, buf + sig_at, SIGV4_SIG_LEN);
        sig[SIGV4_SIG_LEN] = '\0';
        if (!fn(buf + p.r, size, sig, false, arg))
            return 0;
        if (size == 0)
            break;
        p.r += size + 2;
    }
    /* the trailers as signed: each line "name:value\n", the signature's aside */
    GString *lines = g_string_new(NULL);
    bool have_sig = false;
    int rc = -1;
    static const char sig_name[] = "x-amz-trailer-signature:";
    while (!at_crlf(&p, p.r)) {
        size_t eol = line_end(&p, MAX_TRAILER_LINE);
        if (eol == (size_t)-1 || have_sig)
            goto out;
        size_t n = eol - p.r;
        if (n > sizeof sig_name - 1 && g_ascii_strncasecmp(buf + p.r, sig_name, sizeof sig_name - 1) == 0) {
            const char *v = buf + p.r + sizeof sig_name - 1;
            size_t vn = n - (sizeof sig_name - 1);
            while (vn && *v == ' ')
                v++, vn--;
            if (vn != SIGV4_SIG_LEN || !is_signature(v, vn))
                goto out;
            memcpy(sig, v, SIGV4_SIG_LEN);
            have_sig = true;
        } else {
            g_string_append_len(lines, buf + p.r, (gssize)n);
            g_string_append_c(lines, '\n');
        }
        p.r = eol + 2;
    }
    if (lines->len == 0 && !have_sig)
        rc = 1;
    else if (have_sig)
        rc = fn(lines->str, lines->len, sig, true, arg) ? 1 : 0;
out:
    g_string_free(lines, TRUE);
    return rc;
}

void chunked_result_clear(chunked_result *r)
{
    if (!r)
        return;
    free_trailers(r->trailers, r->ntrailers);
    g_free(r->trailers);
    memset(r, 0, sizeof *r);
}

const char *chunked_trailer_get(const chunked_result *r, const char *name)
{
    if (!r || !name)
        return NULL;
    for (size_t i = 0; i < r->ntrailers; i++)
        if (g_ascii_strcasecmp(r->trailers[i].name, name) == 0)
            return r->trailers[i].value;
    return NULL;
}

static bool has_token(const char *list, const char *token)
{
    size_t tl = strlen(token);
    const char *s = list;
    while (*s) {
        while (*s == ' ' || *s == '\t' || *s == ',')
            s++;
        const char *e = s;
        while (*e && *e != ',')
            e++;
        const char *te = e;
        while (te > s && (te[-1] == ' ' || te[-1] == '\t'))
            te--;
        if ((size_t)(te - s) == tl && g_ascii_strncasecmp(s, token, tl) == 0)
            return true;
        s = e;
    }
    return false;
}

bool chunked_is_aws_chunked(const http_request *req)
{
    const char *ce = http_request_header(req, "content-encoding");
    if (ce && has_token(ce, "aws-chunked"))
        return true;
    const char *sha = http_request_header(req, "x-amz-content-sha256");
    return sha && g_ascii_strncasecmp(sha, "STREAMING-", 10) == 0;
}
