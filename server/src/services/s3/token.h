/* token: S3's continuation tokens (ListObjectsV2, ListBuckets).
 *
 * A token is stateless: it carries the last key a page gave out, so the
 * next page starts with one O(log n) seek, and nothing is kept per listing.
 * It is opaque and tamper-evident: base64url(key || tag), where tag is the
 * first 16 bytes of HMAC-SHA256(secret, scope || 0 || key); the scope (the
 * bucket name) stops a token minted for one bucket from working on another.
 * The secret is per server state, so tokens die with a reset. */
#ifndef MOCKAWS_S3_TOKEN_H
#define MOCKAWS_S3_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

#define S3_TOKEN_SECRET_LEN 32

/* A new token (g_free). */
char *s3_token_encode(const unsigned char *secret, const char *scope, const char *key, size_t keylen);
/* The key a token carries (g_malloc'd, NUL-terminated, *keylen bytes), or
 * false when the token is malformed or was not minted here for scope. */
bool s3_token_decode(const unsigned char *secret, const char *scope, const char *token, char **key,
                     size_t *keylen);

#endif
