/* s3: the S3 service (svc_def s3_service) and what its handlers share:
 * input access, bucket lookup with S3's access rules, owners, the error
 * shapes S3 uses over and over, URL encoding for encoding-type=url.
 *
 * The handlers live by topic: bucket.c, object.c, list.c, multipart.c; the
 * request body in payload.c; ranges and conditions in cond.c; fixtures in
 * fixture.c; the data in store.c. */
#ifndef MOCKAWS_S3_S3_H
#define MOCKAWS_S3_S3_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>

#include "services/s3/store.h"
#include "services/service.h"

extern const svc_def s3_service;

static inline s3_state *s3_st(svc_call *c)
{
    return c->state;
}

/* A string member of the input, or NULL. */
const char *s3_in(svc_call *c, const char *member);
/* A raw request header, or NULL. */
const char *s3_header(svc_call *c, const char *name);

/* The bucket the call names, when it exists and the caller may use it
 * (S3's default: only its owner; x-amz-expected-bucket-owner is checked).
 * NULL with c->err set (NoSuchBucket, AccessDenied). */
s3_bucket *s3_bucket_for(svc_call *c, const char *name);
/* The same with the expected owner given (NULL: none), for copy sources. */
s3_bucket *s3_bucket_lookup(svc_call *c, const char *name, const char *expected_owner);
/* What every operation checks first, before it looks at the state: a
 * presigned URL's expiry and x-amz-content-sha256 against the body. 0, or
 * -1 with c->err set. Needs no lock. */
int s3_check_request(svc_call *c);
/* The prologue of a bucket's operations: s3_check_request, then
 * s3_bucket_for the input's Bucket. NULL with c->err set. */
s3_bucket *s3_call_bucket(svc_call *c);
/* Checks a key: NULL-free, valid UTF-8, at most 1024 bytes. -1 + c->err. */
int s3_check_key(svc_call *c, const char *key);

int s3_err_no_such_key(svc_call *c, const char *key);
int s3_err_invalid_argument(svc_call *c, const char *name, const char *value, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* s as a JSON string fit for an XML body: invalid UTF-8 is replaced. */
json_t *s3_text(const char *s);

/* The canonical user id S3 shows for an account (64 hex digits). */
void s3_owner_id(const char *account, char out[65]);
/* {"ID": ..., "DisplayName": ...} */
json_t *s3_owner_json(const char *account);

/* s as a JSON string, URL-encoded when url (encoding-type=url: '/' kept,
 * everything but unreserved characters as %XX, so '+' and ' ' survive
 * botocore's unquote_plus). */
json_t *s3_encoded(const char *s, bool url);
json_t *s3_encodedn(const char *s, size_t len, bool url);

/* The token secret of this state (created on first use). */
const unsigned char *s3_secret(svc_call *c);

/* "x-amz-checksum-crc32" member name of the trees: "ChecksumCRC32", ... */
const char *s3_checksum_member(checksum_algo a);

/* A meta with nothing in it is NULL: objects without metadata cost no
 * meta at all. Takes m, returns m or NULL. */
s3_meta *s3_meta_compact(s3_meta *m);

/* Seconds as trees hold times (S3 shows second resolution). */
json_t *s3_time_json(int64_t ms);

#endif
