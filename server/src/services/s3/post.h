/* post: POST Object, the browser form upload.
 *
 * A multipart/form-data POST to a bucket, which no botocore model describes:
 * s3.c's choose_operation names it "PostObject", an operation of S3's own
 * that the core hands over unparsed (services/service.h), and this module
 * answers it whole. The form is split by libsoup's multipart parser (the
 * library opened on the first form upload, not linked: see post.c); the
 * base64 policy document (expiration, conditions, coverage of every field)
 * is enforced; the object is stored as PutObject stores one, its bytes a
 * slice of the parsed body, without a further copy.
 *
 * The SigV4 and SigV2 fields must be present and name the access key,
 * whose account owns what the form writes. Under --auth verify and enforce
 * the signature over the policy is checked (svc_form_signed: the pipeline
 * leaves a form's signature to this handler, which alone reads the body)
 * and, under enforce, the signer must be allowed s3:PutObject on the key
 * (svc_authorize, once the input is filled). */
#ifndef MOCKAWS_S3_POST_H
#define MOCKAWS_S3_POST_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "services/s3/blob.h"
#include "services/service.h"
#include "wire/awserr.h"

/* The name choose_operation gives a form upload; not in the model. */
#define S3_POST_OBJECT "PostObject"

/* A parsed form: the fields before the file part, and the file. */
typedef struct s3_post_form {
    GHashTable *fields; /* lowercased name -> value (both g_malloc'd, owned) */
    GPtrArray *order;   /* the names in form order (borrowed from fields) */
    s3_blob *bytes;     /* the parsed copy of the body (one reference), which
                           the file's bytes are part of */
    bool has_file;
    size_t file_off;    /* the file's bytes: [file_off, file_off + file_len) of bytes */
    size_t file_len;
    char *filename;     /* the file part's filename, or NULL (g_malloc'd, owned) */
} s3_post_form;

/* Splits a multipart/form-data body: fields up to the part named "file"
 * (names compared case-insensitively; those after it are ignored, as S3
 * ignores them). content_type is the request's header. 0, or -1 with err
 * set (MalformedPOSTRequest, or InvalidArgument for a field S3 refuses;
 * 501 NotImplemented when libsoup cannot be loaded).
 * Linear in len: the boundary is at most 70 characters (RFC 2046). */
int s3_post_form_parse(const char *content_type, const char *body, size_t len, s3_post_form *out,
                       aws_error *err);
void s3_post_form_clear(s3_post_form *f);

/* The library the parser opens at run time, and the Debian package that
 * ships it (deps/runtime.txt lists it as dlopen'ed). Without it,
 * s3_post_form_parse answers 501 NotImplemented naming the package. */
#define S3_POST_SOUP_LIBRARY "libsoup-3.0.so.0"
#define S3_POST_SOUP_PACKAGE "libsoup-3.0-0"

/* Whether file loads as the parser's libsoup (every function it calls
 * resolves): 0, or -1 with err set to the 501 a form upload would get. */
int s3_post_soup_probe(const char *file, aws_error *err);

/* Holds the form to its policy document (the base64 text of the "policy"
 * field): expiration against now_ms, every condition, and every field
 * named by some condition. bucket is the URL's. 0, or -1 with err set:
 * 400 InvalidPolicyDocument, 403 AccessDenied "Invalid according to
 * Policy: ...", 400 EntityTooLarge / EntityTooSmall. */
int s3_post_policy_check(const char *policy_b64, const s3_post_form *f, const char *bucket, int64_t now_ms,
                         aws_error *err);

/* The handler (SVC_LOCK_NONE: it locks as PutObject does). */
int s3_post_object(svc_call *c);

#endif
