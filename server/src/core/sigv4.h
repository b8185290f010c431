/* sigv4: AWS Signature Version 4 (and the SigV2 query signature S3 still
 * takes) as pure functions: the canonical request, the string to sign, the
 * signing key and the signature. No server, no I/O: core/auth.c verifies
 * requests with them, and the AWS test-suite vectors check them
 * (server/tests/test_sigv4.c). docs/AWS-FACTS.md "SigV4 verification" has
 * the rules. */
#ifndef MOCKAWS_CORE_SIGV4_H
#define MOCKAWS_CORE_SIGV4_H

#include <glib.h>
#include <nettle/hmac.h>
#include <stdbool.h>
#include <stddef.h>

#include "wire/http.h"

#define SIGV4_KEY_LEN 32
#define SIGV4_HEX_LEN 64

/* Appends the canonical URI of path. normalize (every service but S3):
 * "." and ".." segments resolved and runs of '/' collapsed first. The path
 * is encoded once as given: callers pass S3's path decoded (S3 signs the
 * key encoded once) and other services' path as sent (encoded again). */
void sigv4_canonical_uri(GString *out, const char *path, size_t len, bool normalize);

/* Appends the canonical query of a raw query string: each name and value
 * decoded then encoded, sorted by name then value; skip (or NULL) names a
 * parameter left out (X-Amz-Signature of a presigned URL). Returns false
 * on a malformed escape. */
bool sigv4_canonical_query(GString *out, const char *query, const char *skip);

/* Appends the canonical request. signed_headers: the request's
 * SignedHeaders value (";"-separated, lower case); a name it lists that the
 * request lacks signs as an empty value, as the signer could not have sent
 * it. canonical_uri: from sigv4_canonical_uri. Returns false when the query
 * is malformed. */
bool sigv4_canonical_request(GString *out, const char *method, const char *canonical_uri, const char *query,
                             const char *query_skip, const http_header *headers, size_t nheaders,
                             const char *signed_headers, const char *payload_hash);

/* The same, with the canonical URI of path (sigv4_canonical_uri) written
 * in place: one buffer for the whole request. */
bool sigv4_canonical_request_path(GString *out, const char *method, const char *path, size_t path_len,
                                  bool normalize, const char *query, const char *query_skip,
                                  const http_header *headers, size_t nheaders, const char *signed_headers,
                                  const char *payload_hash);

/* "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256(canonical request)>" */
void sigv4_string_to_sign(GString *out, const char *amz_date, const char *scope, const char *creq, size_t creq_len);

/* kSigning from the secret and the scope's date (YYYYMMDD), region, service. */
void sigv4_signing_key(const char *secret, const char *date, const char *region, const char *service,
                       guint8 out[SIGV4_KEY_LEN]);

/* A signing key ready to sign with: kSigning, and HMAC-SHA256 already
 * keyed with it (the key's two padded blocks, hashed once rather than per
 * request). A plain value: copy it freely. */
typedef struct sigv4_key {
    guint8 key[SIGV4_KEY_LEN];
    struct hmac_sha256_ctx hmac;
} sigv4_key;

/* sigv4_signing_key's key, keyed. */
void sigv4_key_init(sigv4_key *k, const char *secret, const char *date, const char *region, const char *service);

/* The signature of a canonical request: hex HMAC-SHA256 of its string to
 * sign (sigv4_string_to_sign's, not built) under k. */
void sigv4_sign(const sigv4_key *k, const char *amz_date, const char *scope, const char *creq, size_t creq_len,
                char out[SIGV4_HEX_LEN + 1]);

/* hex HMAC-SHA256(key, data): 64 lower-case hex digits and a NUL. */
void sigv4_hmac_hex(const guint8 *key, size_t key_len, const char *data, size_t len, char out[SIGV4_HEX_LEN + 1]);

/* hex SHA-256 of data. */
void sigv4_sha256_hex(const void *data, size_t len, char out[SIGV4_HEX_LEN + 1]);

/* The hex SHA-256 of no bytes, which a bodiless request signs. */
#define SIGV4_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* SigV2 (S3): base64 HMAC-SHA1(secret, string_to_sign), g_free. */
char *sigv4_v2_signature(const char *secret, const char *string_to_sign, size_t len);

/* Constant-time comparison of two NUL-terminated strings. */
bool sigv4_equal(const char *a, const char *b);

#endif
