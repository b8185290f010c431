/* chunked: aws-chunked request bodies (Content-Encoding: aws-chunked), as the
 * SDKs send streaming uploads:
 *
 *   hex-size[;chunk-signature=sig]\r\n  data\r\n ... 0[;chunk-signature=sig]\r\n
 *   [trailer-name:value\r\n ...] [x-amz-trailer-signature:sig\r\n] \r\n
 *
 * x-amz-content-sha256 says which form: STREAMING-AWS4-HMAC-SHA256-PAYLOAD
 * (signed chunks), STREAMING-UNSIGNED-PAYLOAD-TRAILER (unsigned chunks and
 * trailers), STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER (both). Decoding
 * checks the signatures' syntax; chunked_signatures hands them to --auth
 * verify (core/auth.c), which checks their values. */
#ifndef MOCKAWS_WIRE_CHUNKED_H
#define MOCKAWS_WIRE_CHUNKED_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"

typedef struct chunked_trailer {
    char *name;  /* lowercased */
    char *value;
} chunked_trailer;

typedef struct chunked_result {
    size_t decoded_len;
    chunked_trailer *trailers; /* g_malloc'd array, owned */
    size_t ntrailers;
} chunked_result;

/* True when the request body is aws-chunked (Content-Encoding contains
 * aws-chunked, or x-amz-content-sha256 starts with STREAMING-). */
bool chunked_is_aws_chunked(const http_request *req);

/* Decodes in place: the decoded bytes are written to the start of buf
 * (decoding never grows). Returns 0, or -1 with a message for a malformed
 * body (the caller answers S3's IncompleteBody / InvalidRequest). */
int chunked_decode(char *buf, size_t len, chunked_result *out, char *err, size_t errlen);
void chunked_result_clear(chunked_result *r);
/* The value of a trailer, or NULL. */
const char *chunked_trailer_get(const chunked_result *r, const char *name);

/* chunked_decode, also holding the body to the form x-amz-content-sha256
 * announces: STREAMING-UNSIGNED-PAYLOAD-TRAILER allows no signatures,
 * STREAMING-AWS4-HMAC-SHA256-PAYLOAD (and its ECDSA-P256 twin) needs signed
 * chunks and no trailers, the -TRAILER forms need signed chunks and an
 * x-amz-trailer-signature. NULL or a value that is not STREAMING-* decodes
 * as chunked_decode does; an unknown STREAMING-* value is an error.
 * For both: on failure *out is empty (nothing to clear) and buf holds
 * partly decoded bytes. */
int chunked_decode_as(char *buf, size_t len, const char *content_sha256, chunked_result *out,
                      char *err, size_t errlen);

/* The SigV4 signatures of a signed aws-chunked body, read without decoding
 * it: fn gets each chunk's data and chunk-signature in order (the final
 * zero-size chunk too) with is_trailer false, then, when the body has
 * trailers, the trailer lines as they are signed ("name:value\n" each, the
 * x-amz-trailer-signature line left out) and that signature with is_trailer
 * true. fn returns false to stop. Returns 1 when fn accepted every
 * signature, 0 when it stopped, -1 when the body is malformed or not signed
 * with SigV4 (chunked_decode_as names what is wrong). */
typedef bool (*chunked_sig_fn)(const char *data, size_t len, const char *signature, bool is_trailer, void *arg);
int chunked_signatures(const char *buf, size_t len, chunked_sig_fn fn, void *arg);

#endif
