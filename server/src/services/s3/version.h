/* version: S3 versioning and object lock, over the version index of
 * store.h: version ids, finding a version by the id a request names,
 * Get/PutBucketVersioning (ListObjectVersions is in list.c), and the object lock
 * configuration, retention and legal hold with their enforcement.
 *
 * Version ids are 32 characters of [A-Za-z0-9._] as S3's are: 21 that vary
 * with the version (so ids of successive writes do not look alike) and 11
 * that encode its vseq; an id of that shape that is none of ours is
 * well-formed but names no version (NoSuchVersion), anything else is
 * malformed (InvalidArgument). */
#ifndef MOCKAWS_S3_VERSION_H
#define MOCKAWS_S3_VERSION_H

#include <stdbool.h>
#include <stdint.h>

#include "services/s3/store.h"
#include "services/service.h"

#define S3_VERSION_ID_LEN 32

/* v's id: "null" or S3_VERSION_ID_LEN characters. */
void s3_version_id(const s3_object *v, char out[S3_VERSION_ID_LEN + 1]);

typedef enum s3_vid_kind {
    S3_VID_OK,        /* *vseq is the version's (0 for "null") */
    S3_VID_UNKNOWN,   /* well-formed, no version of ours */
    S3_VID_MALFORMED, /* not a version id */
} s3_vid_kind;
s3_vid_kind s3_version_parse(const char *id, uint64_t *vseq);

/* The version of key that id names in b (a delete marker included), or -1
 * with c->err set: InvalidArgument (ArgumentName arg) for a malformed id
 * or a real one on a bucket that was never versioned, NoSuchVersion (or
 * NoSuchKey for "null" in such a bucket) when there is none. */
int s3_version_find(svc_call *c, s3_bucket *b, const char *key, const char *id, const char *arg,
                    s3_object **out);
/* The 405 S3 answers when a GET-like request names a delete marker. */
int s3_err_delete_marker(svc_call *c);
/* The NoSuchKey of a key whose newest version is a delete marker: with
 * x-amz-delete-marker and the marker's x-amz-version-id. */
int s3_err_no_such_key_marker(svc_call *c, s3_bucket *b, const char *key);
/* Sets VersionId in out when the bucket has versions to name (never
 * for a bucket whose versioning was never turned on). */
void s3_version_output(const s3_bucket *b, const s3_object *v, json_t *out);

/* Object lock on a new version: checks the x-amz-object-lock-* headers of
 * the request and sets m's lock from them or the bucket's default. 0, or
 * -1 with c->err set. */
int s3_lock_for_new(svc_call *c, const s3_bucket *b, s3_meta **m);
/* Does v's legal hold or retention keep it from being deleted at now_ms
 * (bypass aside)? */
bool s3_lock_protects(const s3_object *v, int64_t now_ms);
/* May v be deleted by this request? -1 with c->err set (AccessDenied)
 * when its retention or legal hold forbid it. Checks nothing else. */
int s3_lock_check_delete(svc_call *c, const s3_bucket *b, const s3_object *v, bool bypass);
/* The x-amz-bypass-governance-retention header: 0 with *bypass, or -1 with
 * c->err set when the bucket has no object lock. */
int s3_lock_bypass(svc_call *c, const s3_bucket *b, bool *bypass);

int s3_put_bucket_versioning(svc_call *c);
int s3_get_bucket_versioning(svc_call *c);
int s3_put_object_lock_configuration(svc_call *c);
int s3_get_object_lock_configuration(svc_call *c);
int s3_put_object_retention(svc_call *c);
int s3_get_object_retention(svc_call *c);
int s3_put_object_legal_hold(svc_call *c);
int s3_get_object_legal_hold(svc_call *c);

#endif
