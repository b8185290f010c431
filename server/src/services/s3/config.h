/* config: a bucket's settings (ACL, ownership controls, tagging, CORS,
 * lifecycle, default encryption, public access block, request payment,
 * logging, website, accelerate, policy, notification configuration).
 *
 * One generic store: s3_bucket.settings maps a setting's name to the
 * document its Put operation took (the input member, as the model parsed
 * it), so that one Get / Put / Delete handler serves every setting from a
 * table that says what a fresh bucket answers and how a document is
 * checked. A name that is absent has S3's fresh-bucket default; JSON null
 * marks a setting that was deleted where S3 then answers its own 404
 * instead of the default (ownership controls, public access block).
 *
 * Other parts of S3 read the stored documents with s3_config_get (event
 * delivery reads "NotificationConfiguration", lifecycle its rules). */
#ifndef MOCKAWS_S3_CONFIG_H
#define MOCKAWS_S3_CONFIG_H

#include <jansson.h>
#include <stdbool.h>

#include "services/s3/store.h"
#include "services/service.h"

/* Setting names, as the Put operations name their payload member. */
#define S3_CFG_NOTIFICATION "NotificationConfiguration"
#define S3_CFG_LIFECYCLE "LifecycleConfiguration"
#define S3_CFG_CORS "CORSConfiguration"

/* The stored document of a setting (borrowed), or NULL when it is unset
 * or deleted: the caller applies the default. */
json_t *s3_config_get(const s3_bucket *b, const char *name);

/* The handlers: one each for every Get*, Put* and Delete* of a setting
 * (the table in config.c says which document each one reads or writes). */
int s3_config_get_op(svc_call *c);
int s3_config_put_op(svc_call *c);
int s3_config_delete_op(svc_call *c);

/* Get/PutBucketAcl and Get/PutObjectAcl. */
int s3_get_bucket_acl(svc_call *c);
int s3_put_bucket_acl(svc_call *c);
int s3_get_object_acl(svc_call *c);
int s3_put_object_acl(svc_call *c);
int s3_get_bucket_policy_status(svc_call *c);

/* The bucket's Object Ownership: "BucketOwnerEnforced" (the default),
 * "BucketOwnerPreferred" or "ObjectWriter" (also after the controls were
 * deleted: ACLs work again). */
const char *s3_config_ownership(const s3_bucket *b);

/* Whether a write that may carry an ACL (x-amz-acl / x-amz-grant-* of
 * PutObject, CopyObject, CreateMultipartUpload) is allowed on b: with
 * BucketOwnerEnforced only none or one equal to owner-full-control is.
 * 0, or -1 with c->err (AccessControlListNotSupported, InvalidArgument). */
int s3_config_check_object_acl(svc_call *c, const s3_bucket *b);
/* After a PutObject / CopyObject that succeeded: the ACL its headers gave
 * the new object (when ownership allows ACLs), for GetObjectAcl. Needs the
 * exclusive lock. */
void s3_config_store_object_acl(svc_call *c, s3_bucket *b);

/* CreateBucket's x-amz-acl / x-amz-grant-* and x-amz-object-ownership,
 * checked before the bucket exists (0, or -1 with c->err), then applied to
 * the new bucket. */
int s3_config_check_create(svc_call *c);
void s3_config_apply_create(svc_call *c, s3_bucket *b);

/* Grants of an ACL header ('id="..", uri="..", emailAddress=".."') with
 * the given permission, appended to grants. -1 + c->err on a bad list.
 * Linear in the header. */
int s3_acl_parse_grant_header(svc_call *c, const char *header_name, const char *value, const char *permission,
                              json_t *grants);
/* The grants a canned ACL gives besides the owner's FULL_CONTROL, as a new
 * array; NULL for a name S3 does not know. */
json_t *s3_acl_canned(const char *name);

/* CORS: the preflight (OPTIONS on a bucket or object, the mockaws-only
 * operations MockawsPreflightBucket / MockawsPreflightObject), and the
 * Access-Control-* headers added to any other answer whose request carries
 * Origin and matches a rule (s3.c's after_call hook; the bucket is read
 * under the lock the call holds). */
int s3_cors_preflight(svc_call *c);
void s3_cors_apply(svc_call *c);

/* A fixture bucket's "settings" ({"CORSConfiguration": {...}, "Policy":
 * "...", "ACL": [grants], ...}: each setting under its Put's payload member
 * name, as a Put's input holds it, each checked against that Put's input
 * shape; null for a deleted OwnershipControls / PublicAccessBlock). 0, or -1
 * with err. Dump: b's settings in that form (new reference), NULL if none. */
int s3_config_load(s3_bucket *b, json_t *settings, const svc_fixture_ctx *ctx, char *err, size_t errlen);
json_t *s3_config_dump(const s3_bucket *b);

/* The bucket's default encryption in an object answer (c->output) that says
 * the S3-managed default (AES256) for a request that named none: its
 * SSEAlgorithm, KMS key and BucketKeyEnabled. Objects do not record the
 * default they were written under, so an answer shows the bucket's current
 * one. */
void s3_config_apply_sse(svc_call *c, const s3_bucket *b);

#endif
