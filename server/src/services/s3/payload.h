/* payload: the body of an upload (PutObject, UploadPart) taken from the
 * request and checked the way S3 checks it.
 *
 * The body is taken over without a copy (svc_take_body), aws-chunked bodies
 * are decoded in place (chunked.h) and checked against
 * x-amz-decoded-content-length, then one pass over the bytes computes the
 * MD5 (the ETag) and the flexible checksum, verified against Content-MD5 and
 * the x-amz-checksum-* header or trailer. */
#ifndef MOCKAWS_S3_PAYLOAD_H
#define MOCKAWS_S3_PAYLOAD_H

#include <stdbool.h>

#include "services/s3/blob.h"
#include "services/service.h"
#include "wire/checksum.h"

typedef struct s3_payload {
    s3_blob *blob;          /* the decoded bytes (one reference) */
    unsigned char md5[16];
    checksum_algo algo;     /* the checksum sent, or computed for `want`; NONE if neither */
    char *checksum;         /* its base64 (g_free), or NULL */
} s3_payload;

/* want: an algorithm to compute when the client sent none (an upload
 * created with a checksum algorithm), or CHECKSUM_NONE. max: the largest
 * body allowed (EntityTooLarge above). -1 with c->err set. */
int s3_payload_take(svc_call *c, checksum_algo want, uint64_t max, s3_payload *out);
void s3_payload_clear(s3_payload *p);

/* For small XML bodies (DeleteObjects, PutObjectTagging): verifies
 * Content-MD5 and an x-amz-checksum-* header against the raw body. When
 * required and neither is present: InvalidRequest "Missing required header
 * for this request: Content-MD5". -1 with c->err set. */
int s3_payload_verify_raw(svc_call *c, bool required);

/* One pass of MD5 and (when algo is not NONE) another checksum over data. */
void s3_digest(const char *data, size_t len, unsigned char md5[16], checksum_algo algo, char **checksum_b64);

#endif
