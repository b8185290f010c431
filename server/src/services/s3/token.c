#include "services/s3/token.h"

#include <glib.h>
#include <string.h>

#include "services/svc_api.h"

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
    char *b = svc_base64url_encode(raw, keylen + TAG_LEN); /* tokens travel in query strings */
    g_free(raw);
    return b;
}

bool s3_token_decode(const unsigned char *secret, const char *scope, const char *token, char **key,
                     size_t *keylen)
{
    char *raw = NULL;
    size_t rawlen = 0;
    if (strlen(token) > 4096 || !svc_base64url_decode(token, &raw, &rawlen))
        return false;
    if (rawlen < TAG_LEN) {
        g_free(raw);
        return false;
    }
    size_t klen = rawlen - TAG_LEN;
    unsigned char want[TAG_LEN];
    tag_of(secret, scope, (const char *)raw, klen, want);
    unsigned char diff = 0; /* constant time: the tag is a secret's witness */
    for (size_t i = 0; i < TAG_LEN; i++)
        diff |= want[i] ^ (unsigned char)raw[klen + i];
    if (diff || memchr(raw, '\0', klen)) {
        g_free(raw);
        return false;
    }
    *key = g_strndup((const char *)raw, klen);
    *keylen = klen;
    g_free(raw);
    return true;
}
