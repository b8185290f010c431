#include "services/s3/authz.h"

#include <string.h>

#include "services/svc_api.h"
#include "services/tagctx.h"

#include "services/s3/config.h"
#include "services/s3/object.h"
#include "services/s3/post.h"
#include "services/s3/s3.h"
#include "services/s3/store.h"
#include "services/s3/version.h"

/* Operations whose action is on the bucket, and that action (the names
 * S3's actions have differ from the operations' in places: a delete of a
 * setting is its Put, CORS is spelled in capitals, ...). */
static const char *const bucket_actions[][2] = {
    {"CreateBucket", "s3:CreateBucket"},
    {"DeleteBucket", "s3:DeleteBucket"},
    {"HeadBucket", "s3:ListBucket"},
    {"ListObjects", "s3:ListBucket"},
    {"ListObjectsV2", "s3:ListBucket"},
    {"ListObjectVersions", "s3:ListBucketVersions"},
    {"ListMultipartUploads", "s3:ListBucketMultipartUploads"},
    {"GetBucketLocation", "s3:GetBucketLocation"},
    {"GetBucketAcl", "s3:GetBucketAcl"},
    {"PutBucketAcl", "s3:PutBucketAcl"},
    {"GetBucketPolicy", "s3:GetBucketPolicy"},
    {"PutBucketPolicy", "s3:PutBucketPolicy"},
    {"DeleteBucketPolicy", "s3:DeleteBucketPolicy"},
    {"GetBucketPolicyStatus", "s3:GetBucketPolicyStatus"},
    {"GetBucketVersioning", "s3:GetBucketVersioning"},
    {"PutBucketVersioning", "s3:PutBucketVersioning"},
    {"GetBucketTagging", "s3:GetBucketTagging"},
    {"PutBucketTagging", "s3:PutBucketTagging"},
    {"DeleteBucketTagging", "s3:PutBucketTagging"},
    {"GetBucketCors", "s3:GetBucketCORS"},
    {"PutBucketCors", "s3:PutBucketCORS"},
    {"DeleteBucketCors", "s3:PutBucketCORS"},
    {"GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration"},
    {"PutBucketLifecycleConfiguration", "s3:PutLifecycleConfiguration"},
    {"DeleteBucketLifecycle", "s3:PutLifecycleConfiguration"},
    {"GetBucketEncryption", "s3:GetEncryptionConfiguration"},
    {"PutBucketEncryption", "s3:PutEncryptionConfiguration"},
    {"DeleteBucketEncryption", "s3:PutEncryptionConfiguration"},
    {"GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"},
    {"PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
    {"DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
    {"GetBucketOwnershipControls", "s3:GetBucketOwnershipControls"},
    {"PutBucketOwnershipControls", "s3:PutBucketOwnershipControls"},
    {"DeleteBucketOwnershipControls", "s3:PutBucketOwnershipControls"},
    {"GetBucketRequestPayment", "s3:GetBucketRequestPayment"},
    {"PutBucketRequestPayment", "s3:PutBucketRequestPayment"},
    {"GetBucketLogging", "s3:GetBucketLogging"},
    {"PutBucketLogging", "s3:PutBucketLogging"},
    {"GetBucketWebsite", "s3:GetBucketWebsite"},
    {"PutBucketWebsite", "s3:PutBucketWebsite"},
    {"DeleteBucketWebsite", "s3:DeleteBucketWebsite"},
    {"GetBucketAccelerateConfiguration", "s3:GetAccelerateConfiguration"},
    {"PutBucketAccelerateConfiguration", "s3:PutAccelerateConfiguration"},
    {"GetBucketNotificationConfiguration", "s3:GetBucketNotification"},
    {"PutBucketNotificationConfiguration", "s3:PutBucketNotification"},
    {"GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration"},
    {"PutObjectLockConfiguration", "s3:PutBucketObjectLockConfiguration"},
};

/* Operations on an object: the action, and the one taken instead when the
 * request names a version (NULL: the same). */
static const char *const object_actions[][3] = {
    {"GetObject", "s3:GetObject", "s3:GetObjectVersion"},
    {"HeadObject", "s3:GetObject", "s3:GetObjectVersion"},
    {"PutObject", "s3:PutObject", NULL},
    {S3_POST_OBJECT, "s3:PutObject", NULL},
    {"DeleteObject", "s3:DeleteObject", "s3:DeleteObjectVersion"},
    {"CreateMultipartUpload", "s3:PutObject", NULL},
    {"UploadPart", "s3:PutObject", NULL},
    {"CompleteMultipartUpload", "s3:PutObject", NULL},
    {"AbortMultipartUpload", "s3:AbortMultipartUpload", NULL},
    {"ListParts", "s3:ListMultipartUploadParts", NULL},
    {"GetObjectAcl", "s3:GetObjectAcl", "s3:GetObjectVersionAcl"},
    {"PutObjectAcl", "s3:PutObjectAcl", "s3:PutObjectVersionAcl"},
    {"GetObjectTagging", "s3:GetObjectTagging", "s3:GetObjectVersionTagging"},
    {"PutObjectTagging", "s3:PutObjectTagging", "s3:PutObjectVersionTagging"},
    {"DeleteObjectTagging", "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging"},
    {"GetObjectAttributes", "s3:GetObjectAttributes", "s3:GetObjectVersionAttributes"},
    {"GetObjectRetention", "s3:GetObjectRetention", NULL},
    {"PutObjectRetention", "s3:PutObjectRetention", NULL},
    {"GetObjectLegalHold", "s3:GetObjectLegalHold", NULL},
    {"PutObjectLegalHold", "s3:PutObjectLegalHold", NULL},
    {"RestoreObject", "s3:RestoreObject", NULL},
    {"CopyObject", "s3:PutObject", NULL},
    {"UploadPartCopy", "s3:PutObject", NULL},
};

/* The partition is the request's region's (services/svc_api.h, svc_partition). */
static char *bucket_arn(svc_call *c, const char *bucket)
{
    return g_strdup_printf("arn:%s:s3:::%s", svc_partition(c->region), bucket);
}

static char *object_arn(svc_call *c, const char *bucket, const char *key)
{
    return g_strdup_printf("arn:%s:s3:::%s/%s", svc_partition(c->region), bucket, key);
}

/* Whether the request sets an ACL by header (x-amz-acl, x-amz-grant-*). */
static bool acl_headers(json_t *in)
{
    static const char *const members[] = {"ACL", "GrantFullControl", "GrantRead", "GrantReadACP", "GrantWrite",
                                          "GrantWriteACP"};
    for (size_t i = 0; i < G_N_ELEMENTS(members); i++)
        if (json_object_get(in, members[i]))
            return true;
    return false;
}

/* A copy's source ("/bucket/key?versionId=v", percent-encoded): its object
 * ARN, and whether it names a version. NULL when it does not parse (the
 * handler answers that). */
static char *copy_source(svc_call *c, const char *cs, bool *versioned)
{
    if (!cs)
        return NULL;
    const char *q = strchr(cs, '?');
    *versioned = q && strstr(q, "versionId=") != NULL;
    size_t plen = q ? (size_t)(q - cs) : strlen(cs), n;
    char *path = http_percent_decode(cs, plen, false, &n);
    if (!path)
        return NULL;
    char *arn = g_strdup_printf("arn:%s:s3:::%s", svc_partition(c->region), path[0] == '/' ? path + 1 : path);
    g_free(path);
    return arn;
}

static void set_context(json_t *context, const char *key, json_t *value)
{
    if (value)
        json_object_set(context, key, value);
}

/* s3:ExistingObjectTag/KEY: the tags of the object (or version) the
 * request names, read under the shared lock. S3 does not have it for the
 * actions that write or delete the object (PutObject, DeleteObject). */
static void existing_tags(svc_call *c, json_t *context, const char *bucket, const char *key)
{
    if (!c->state)
        return;
    const char *vid = s3_in(c, "VersionId");
    uint64_t vseq = 0;
    if (vid && s3_version_parse(vid, &vseq) != S3_VID_OK)
        return;
    svc_lock_shared(c);
    s3_bucket *b = g_tree_lookup(s3_st(c)->buckets, bucket);
    s3_object *o = !b ? NULL : vid ? s3_version_get(b, key, vseq) : s3_object_get(b, key);
    if (o && o->meta)
        tagctx_set(context, "s3:existingobjecttag/", o->meta->tags, NULL);
    svc_unlock_shared(c);
}

/* s3:RequestObjectTag/KEY and s3:RequestObjectTagKeys: the tags a write
 * gives its object (the x-amz-tagging header), or PutObjectTagging's tag
 * set. A header that does not parse sets none (the handler refuses it). */
static void request_tags(svc_call *c, json_t *context)
{
    json_t *set = json_object_get(json_object_get(c->input, "Tagging"), "TagSet"), *own = NULL;
    if (!set) {
        svc_call probe = *c;
        probe.err = (aws_error)AWS_ERROR_INIT;
        if (s3_tags_from_header(&probe, &own) != 0)
            aws_error_clear(&probe.err);
        set = own;
    }
    tagctx_set(context, "s3:requestobjecttag/", set, NULL);
    tagctx_keys(context, "s3:requestobjecttagkeys", set);
    json_decref(own);
}

void s3_authorize(svc_call *c, GArray *out, json_t *context)
{
    const char *op = c->operation, *bucket = s3_in(c, "Bucket"), *key = s3_in(c, "Key");
    json_t *in = c->input;
    if (strcmp(op, "ListBuckets") == 0) {
        svc_authz_add(out, "s3:ListAllMyBuckets", g_strdup("*"), -1);
        return;
    }
    if (!bucket || g_str_has_prefix(op, "MockawsPreflight"))
        return; /* a CORS preflight is never signed */
    for (size_t i = 0; i < G_N_ELEMENTS(bucket_actions); i++) {
        if (strcmp(op, bucket_actions[i][0]) != 0)
            continue;
        svc_authz_add(out, bucket_actions[i][1], bucket_arn(c, bucket), -1);
        if (strcmp(op, "CreateBucket") == 0) {
            if (acl_headers(in))
                svc_authz_add(out, "s3:PutBucketAcl", bucket_arn(c, bucket), -1);
            if (svc_true(in, "ObjectLockEnabledForBucket")) {
                svc_authz_add(out, "s3:PutBucketObjectLockConfiguration", bucket_arn(c, bucket), -1);
                svc_authz_add(out, "s3:PutBucketVersioning", bucket_arn(c, bucket), -1);
            }
            if (json_object_get(in, "ObjectOwnership"))
                svc_authz_add(out, "s3:PutBucketOwnershipControls", bucket_arn(c, bucket), -1);
        }
        if (strcmp(bucket_actions[i][1], "s3:ListBucket") == 0 ||
            strcmp(bucket_actions[i][1], "s3:ListBucketVersions") == 0) {
            set_context(context, "s3:prefix", json_object_get(in, "Prefix"));
            set_context(context, "s3:delimiter", json_object_get(in, "Delimiter"));
            json_t *max = json_object_get(in, "MaxKeys");
            if (json_is_integer(max))
                json_object_set_new(context, "s3:max-keys", json_sprintf("%" JSON_INTEGER_FORMAT,
                                                                         json_integer_value(max)));
        }
        return;
    }
    if (strcmp(op, "DeleteObjects") == 0) {
        /* each key stands alone: a denied one is an <Error> in the result */
        size_t i;
        json_t *o;
        json_array_foreach(json_object_get(json_object_get(in, "Delete"), "Objects"), i, o) {
            const char *k = svc_str(o, "Key");
            if (k)
                svc_authz_add(out, svc_str(o, "VersionId") ? "s3:DeleteObjectVersion" : "s3:DeleteObject",
                              object_arn(c, bucket, k), (int)i);
        }
        return;
    }
    if (!key)
        return;
    for (size_t i = 0; i < G_N_ELEMENTS(object_actions); i++) {
        if (strcmp(op, object_actions[i][0]) != 0)
            continue;
        if (strcmp(op, "CopyObject") == 0 || strcmp(op, "UploadPartCopy") == 0) {
            bool versioned = false;
            char *src = copy_source(c, s3_in(c, "CopySource"), &versioned);
            if (src)
                svc_authz_add(out, versioned ? "s3:GetObjectVersion" : "s3:GetObject", src, -1);
        }
        const char *action = s3_in(c, "VersionId") && object_actions[i][2] ? object_actions[i][2]
                                                                             : object_actions[i][1];
        svc_authz_add(out, action, object_arn(c, bucket, key), -1);
        if (strcmp(action, "s3:PutObject") == 0 && strcmp(op, "UploadPart") != 0 &&
            strcmp(op, "CompleteMultipartUpload") != 0 && strcmp(op, "UploadPartCopy") != 0) {
            if (acl_headers(in))
                svc_authz_add(out, "s3:PutObjectAcl", object_arn(c, bucket, key), -1);
            if (json_object_get(in, "Tagging"))
                svc_authz_add(out, "s3:PutObjectTagging", object_arn(c, bucket, key), -1);
            set_context(context, "s3:x-amz-server-side-encryption", json_object_get(in, "ServerSideEncryption"));
            set_context(context, "s3:x-amz-acl", json_object_get(in, "ACL"));
        }
        if (s3_in(c, "VersionId"))
            set_context(context, "s3:versionid", json_object_get(in, "VersionId"));
        bool writes = strcmp(object_actions[i][1], "s3:PutObject") == 0;
        if ((writes && strcmp(op, S3_POST_OBJECT) != 0) || strcmp(op, "PutObjectTagging") == 0)
            request_tags(c, context);
        if (!writes && strcmp(op, "DeleteObject") != 0 && strcmp(op, "AbortMultipartUpload") != 0 &&
            strcmp(op, "ListParts") != 0)
            existing_tags(c, context, bucket, key);
        return;
    }
}

void s3_access_denied(svc_call *c, const char *principal_arn, const svc_authz *a, bool explicit_deny,
                      const char *by, aws_error *err)
{
    if (!c->access_key[0] || !principal_arn) {
        aws_error_set_status(err, 403, "AccessDenied", "Access Denied");
        return;
    }
    char *m = svc_denied_message(principal_arn, a->action, a->resource, true, explicit_deny, by);
    aws_error_set_status(err, 403, "AccessDenied", "%s", m);
    g_free(m);
}

json_t *s3_resource_policy(void *state, const char *account, const char *region, const char *resource_arn,
                           char owner[13])
{
    (void)account;
    (void)region;
    /* arn:PARTITION:s3:::NAME, in any partition */
    const char *s3 = g_str_has_prefix(resource_arn, "arn:") ? strstr(resource_arn, ":s3:::") : NULL;
    if (!s3)
        return NULL;
    const char *name = s3 + strlen(":s3:::");
    const char *slash = strchr(name, '/');
    char *bucket = slash ? g_strndup(name, (size_t)(slash - name)) : g_strdup(name);
    s3_bucket *b = g_tree_lookup(((s3_state *)state)->buckets, bucket);
    g_free(bucket);
    if (!b)
        return NULL;
    g_strlcpy(owner, b->owner, 13);
    json_t *text = s3_config_get(b, "Policy");
    return text ? json_loads(json_string_value(text), 0, NULL) : NULL;
}
