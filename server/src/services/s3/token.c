#include "services/s3/token.h"

#include <glib.h>
#include <string.h>

#define TAG_LEN 16

static void tag_of(const unsigned char *secret, const char *scope, const char *key, size_t keylen,
                   unsigned char out[TAG_LEN])
{
    GHmac *h = g_hmac_new(G_CHECKSUM_SHA256, secret, S3_TOKEN_SECRET_LEN);
    g_hmac_update(h, (const guchar *)scope, (gssize)strlen(scope) + 1); /* with its NUL */
    g_hmac_update(h, (const guchar *)key, (gssize)keylen);
    guint8 digest[32];
    gsize n = sizeof digest;
    g_hmac_get_digest(h, digest, &n);
    g_hmac_unref(h);
    memcpy(out, digest, TAG_LEN);
}

char *s3_token_encode(const unsigned char *secret, const char *scope, const char *key, size_t keylen)
{
    guchar *raw = g_malloc(keylen + TAG_LEN);
    memcpy(raw, key, keylen);
    tag_of(secret, scope, key, keylen, raw + keylen);
    char *b = g_base64_encode(raw, keylen + TAG_LEN);
    g_free(raw);
    /* base64url without padding: tokens travel in query strings */
    size_t n = strlen(b);
    while (n && b[n - 1] == '=')
        b[--n] = '\0';
    for (char *p = b; *p; p++)
        *p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
    return b;
}

bool s3_token_decode(const unsigned char *secret, const char *scope, const char *token, char **key,
                     size_t *keylen)
{
    size_t n = strlen(token);
    if (n == 0 || n > 4096 || n % 4 == 1)
        return false;
    char *std = g_malloc(n + 3);
    for (size_t i = 0; i < n; i++) {
        char ch = token[i];
        if (ch == '-')
            ch = '+';
        else if (ch == '_')
            ch = '/';
        else if (!g_ascii_isalnum(ch))
            goto bad;
        std[i] = ch;
    }
    size_t len = n;
    while (len % 4)
        std[len++] = '=';
    std[len] = '\0';
    gsize rawlen = 0;
    guchar *raw = g_base64_decode(std, &rawlen);
    g_free(std);
    if (rawlen < TAG_LEN) {
        g_free(raw);
        return false;
    }
    size_t klen = rawlen - TAG_LEN;
    unsigned char want[TAG_LEN];
    tag_of(secret, scope, (const char *)raw, klen, want);
    unsigned char diff = 0; /* constant time: the tag is a secret's witness */
    for (size_t i = 0; i < TAG_LEN; i++)
        diff |= want[i] ^ raw[klen + i];
    if (diff || memchr(raw, '\0', klen)) {
        g_free(raw);
        return false;
    }
    *key = g_strndup((const char *)raw, klen);
    *keylen = klen;
    g_free(raw);
    return true;
bad:
    g_free(std);
    return false;
}
