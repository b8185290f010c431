/* object: the single-object operations (Put, Get, Head, Delete, Copy,
 * tagging, attributes) and DeleteObjects, plus what multipart.c shares with
 * them: the copy source of a copy request and tag sets. */
#ifndef MOCKAWS_S3_OBJECT_H
#define MOCKAWS_S3_OBJECT_H

#include <jansson.h>

#include "services/s3/store.h"
#include "services/service.h"

int s3_put_object(svc_call *c);
int s3_get_object(svc_call *c);
int s3_head_object(svc_call *c);
int s3_delete_object(svc_call *c);
int s3_delete_objects(svc_call *c);
int s3_copy_object(svc_call *c);
int s3_get_object_tagging(svc_call *c);
int s3_put_object_tagging(svc_call *c);
int s3_delete_object_tagging(svc_call *c);
int s3_get_object_attributes(svc_call *c);

/* If-None-Match / If-Match of a write (PutObject, CompleteMultipartUpload)
 * against what the key holds now. -1 + c->err (412, or NoSuchKey). */
int s3_write_conditions(svc_call *c, s3_bucket *b, const char *key);

/* The object x-amz-copy-source names ("bucket/key" URL-encoded, optionally
 * "?versionId=..."), after the x-amz-copy-source-if-* conditions held.
 * NULL with c->err set. *src_bucket is set on success. */
s3_object *s3_copy_source(svc_call *c, s3_bucket **src_bucket);

/* A tag set from the x-amz-tagging header ("k=v&k2=v2", form-encoded):
 * *out is a new object (NULL when the header is absent). -1 + c->err. */
int s3_tags_from_header(svc_call *c, json_t **out);

/* Whether s has only the characters S3 allows in a tag's key or value:
 * letters, digits and spaces in any script, and + - = . _ : / @ */
bool s3_tag_chars_ok(const char *s);

/* The user metadata of the input (x-amz-meta-*), checked against S3's 2 KB
 * limit: *out is a new reference or NULL. -1 + c->err. */
int s3_user_metadata(svc_call *c, json_t **out);

/* The Content-* and friends of a new object from the input (PutObject,
 * CreateMultipartUpload, CopyObject with REPLACE). */
s3_meta *s3_meta_from_input(svc_call *c);

#endif
