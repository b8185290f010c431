/* S3: buckets, objects, listings, multipart uploads. One state for the whole
 * server (bucket names are global); each bucket records its owner and
 * region. The core calls each operation's handler directly, under the
 * namespace lock its ops entry declares; every handler starts with
 * s3_check_request (presigned-URL expiry, x-amz-content-sha256). */
#include "services/s3/s3.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "services/s3/authz.h"
#include "services/s3/bucket.h"
#include "services/s3/config.h"
#include "services/s3/fixture.h"
#include "services/s3/host.h"
#include "services/s3/lifecycle.h"
#include "services/s3/inspect.h"
#include "services/s3/list.h"
#include "services/s3/multipart.h"
#include "services/s3/object.h"
#include "services/s3/version.h"
#include "services/s3/notify.h"
#include "services/s3/restore.h"
#include "services/s3/post.h"
#include "services/svc_api.h"
#include "wire/restxml.h"
#include "wire/timefmt.h"
#include "wire/wire.h"

/* ---- shared helpers ---- */

const char *s3_in(svc_call *c, const char *member)
{
    return svc_str(c->input, member);
}

const char *s3_header(svc_call *c, const char *name)
{
    return http_request_header(c->req, name);
}

json_t *s3_text(const char *s)
{
    if (!s)
        return json_string("");
    if (g_utf8_validate(s, -1, NULL))
        return json_string(s);
    char *v = g_utf8_make_valid(s, -1);
    json_t *j = json_string(v);
    g_free(v);
    return j;
}

/* A SigV4 request names its region in its credential scope; S3 refuses one
 * signed for another region than the bucket's, saying which (the SDKs'
 * region redirect reads it from x-amz-bucket-region or Error/Region, HEAD
 * having no body). GetBucketLocation is how a client learns the region, so
 * it answers from anywhere. Unsigned and SigV2 requests carry no region. */
static int check_region(svc_call *c, const s3_bucket *b)
{
    const char *auth = s3_header(c, "authorization");
    bool v4 = (auth && g_str_has_prefix(auth, "AWS4-")) || strstr(c->req->query, "X-Amz-Credential=");
    if (!v4 || strcmp(b->region, c->region) == 0 || strcmp(c->operation, "GetBucketLocation") == 0)
        return 0;
    http_response_set_header(c->resp, "x-amz-bucket-region", b->region);
    aws_error_set(&c->err, "AuthorizationHeaderMalformed",
                  "The authorization header is malformed; the region '%s' is wrong; expecting '%s'", c->region,
                  b->region);
    aws_error_field(&c->err, "Region", json_string(b->region));
    return -1;
}

s3_bucket *s3_bucket_for(svc_call *c, const char *name)
{
    s3_bucket *b = s3_bucket_lookup(c, name, s3_in(c, "ExpectedBucketOwner"));
    return b && check_region(c, b) != 0 ? NULL : b;
}

s3_bucket *s3_bucket_lookup(svc_call *c, const char *name, const char *expected)
{
    s3_bucket *b = name ? g_tree_lookup(s3_st(c)->buckets, name) : NULL;
    if (!b) {
        aws_error_set(&c->err, "NoSuchBucket", NULL);
        aws_error_field(&c->err, "BucketName", s3_text(name));
        return NULL;
    }
    if (strcmp(b->owner, c->account) != 0 || (expected && strcmp(expected, b->owner) != 0)) {
        aws_error_set(&c->err, "AccessDenied", NULL);
        return NULL;
    }
    return b;
}

int s3_check_key(svc_call *c, const char *key)
{
    if (!key || !*key)
        return aws_error_set(&c->err, "InvalidArgument", "A key must be given");
    json_t *k = json_object_get(c->input, "Key");
    size_t len = k && json_string_value(k) == key ? json_string_length(k) : strlen(key);
    if (strlen(key) != len || !g_utf8_validate(key, (gssize)len, NULL))
        return aws_error_set(&c->err, "InvalidURI", NULL);
    if (len > S3_MAX_KEY) {
        aws_error_set(&c->err, "KeyTooLongError", NULL);
        aws_error_field(&c->err, "Size", json_integer((json_int_t)len));
        aws_error_field(&c->err, "MaxSizeAllowed", json_integer(S3_MAX_KEY));
        return -1;
    }
    return 0;
}

int s3_err_no_such_key(svc_call *c, const char *key)
{
    aws_error_set(&c->err, "NoSuchKey", NULL);
    aws_error_field(&c->err, "Key", s3_text(key));
    return -1;
}

int s3_err_invalid_argument(svc_call *c, const char *name, const char *value, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    aws_error_set(&c->err, "InvalidArgument", "%s", msg);
    g_free(msg);
    aws_error_field(&c->err, "ArgumentName", json_string(name));
    if (value)
        aws_error_field(&c->err, "ArgumentValue", s3_text(value));
    return -1;
}

void s3_owner_id(const char *account, char out[65])
{
    /* Stable per account, shaped like S3's canonical user ids. */
    char *h = g_compute_checksum_for_string(G_CHECKSUM_SHA256, account, -1);
    g_strlcpy(out, h, 65);
    g_free(h);
}

/* Only the ID: S3 stopped sending DisplayName in November 2025
 * (docs/AWS-FACTS.md). */
json_t *s3_owner_json(const char *account)
{
    char id[65];
    s3_owner_id(account, id);
    return json_pack("{s:s}", "ID", id);
}

json_t *s3_encodedn(const char *s, size_t len, bool url)
{
    if (!url) {
        if (g_utf8_validate(s, (gssize)len, NULL))
            return json_stringn_nocheck(s, len);
        /* only a delimiter or prefix that is not UTF-8 cuts a key that badly */
        char *v = g_utf8_make_valid(s, (gssize)len);
        json_t *j = json_string(v);
        g_free(v);
        return j;
    }
    GString *g = g_string_sized_new(len + 16);
    http_percent_encode(g, s, len, true);
    json_t *v = json_stringn(g->str, g->len);
    g_string_free(g, TRUE);
    return v;
}

json_t *s3_encoded(const char *s, bool url)
{
    return s3_encodedn(s, strlen(s), url);
}

const unsigned char *s3_secret(svc_call *c)
{
    s3_state *st = s3_st(c);
    /* read-only handlers run concurrently: initialise exactly once */
    if (g_once_init_enter(&st->secret_ready)) {
        svc_random_bytes(c, st->secret, sizeof st->secret);
        g_once_init_leave(&st->secret_ready, 1);
    }
    return st->secret;
}

const char *s3_checksum_member(checksum_algo a)
{
    switch (a) {
    case CHECKSUM_CRC32: return "ChecksumCRC32";
    case CHECKSUM_CRC32C: return "ChecksumCRC32C";
    case CHECKSUM_CRC64NVME: return "ChecksumCRC64NVME";
    case CHECKSUM_SHA1: return "ChecksumSHA1";
    case CHECKSUM_SHA256: return "ChecksumSHA256";
    default: return NULL;
    }
}

s3_meta *s3_meta_compact(s3_meta *m)
{
    if (m && !m->content_type && !m->content_encoding && !m->cache_control && !m->content_disposition &&
        !m->content_language && !m->website_redirect && !m->storage_class && !m->expires && !m->user &&
        !m->tags && m->algo == CHECKSUM_NONE && !m->checksum && !m->parts && !m->lock_mode && !m->lock_hold) {
        s3_meta_free(m);
        return NULL;
    }
    return m;
}

json_t *s3_time_json(int64_t ms)
{
    return json_integer((json_int_t)(ms / 1000));
}

/* ---- presigned URLs ---- */

static bool parse_amz_date(const char *s, int64_t *epoch)
{
    /* 20261129T120000Z */
    if (!s || strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
        return false;
    for (int i = 0; i < 15; i++)
        if (i != 8 && !g_ascii_isdigit(s[i]))
            return false;
    GDateTime *dt = g_date_time_new_utc(atoi((char[]){s[0], s[1], s[2], s[3], 0}),
                                        atoi((char[]){s[4], s[5], 0}), atoi((char[]){s[6], s[7], 0}),
                                        atoi((char[]){s[9], s[10], 0}), atoi((char[]){s[11], s[12], 0}),
                                        atoi((char[]){s[13], s[14], 0}));
    if (!dt)
        return false;
    *epoch = g_date_time_to_unix(dt);
    g_date_time_unref(dt);
    return true;
}

static int expired(svc_call *c, int64_t expires_s, const char *amz_expires)
{
    aws_error_set(&c->err, "AccessDenied", "Request has expired");
    if (amz_expires)
        aws_error_field(&c->err, "X-Amz-Expires", json_string(amz_expires));
    GString *t = g_string_new(NULL);
    timefmt_format(t, (double)expires_s, TIMEFMT_ISO8601);
    aws_error_field(&c->err, "Expires", json_string(t->str));
    g_string_truncate(t, 0);
    timefmt_format(t, (double)(c->now_ms / 1000), TIMEFMT_ISO8601);
    aws_error_field(&c->err, "ServerTime", json_string(t->str));
    g_string_free(t, TRUE);
    return -1;
}

/* Query-string authentication carries its own expiry: SigV4 X-Amz-Date +
 * X-Amz-Expires, SigV2 Expires (epoch seconds). Signatures themselves are
 * not checked (mockaws checks none). */
static int check_presigned(svc_call *c)
{
    if (!strstr(c->req->query, "X-Amz-") && !strstr(c->req->query, "Expires"))
        return 0;
    http_params q;
    if (!http_params_parse(&q, c->req->query, strlen(c->req->query), true)) {
        http_params_clear(&q);
        return 0;
    }
    int rc = 0;
    const char *date = http_params_get(&q, "X-Amz-Date");
    const char *exp = http_params_get(&q, "X-Amz-Expires");
    const char *v2 = http_params_get(&q, "Expires");
    int64_t now = c->now_ms / 1000;
    if (http_params_get(&q, "X-Amz-Credential") && exp) {
        char *end;
        long long secs = strtoll(exp, &end, 10);
        int64_t start;
        if (!*exp || *end || secs < 0) {
            rc = aws_error_set(&c->err, "AuthorizationQueryParametersError",
                               "X-Amz-Expires should be a number");
        } else if (secs > 604800) {
            rc = aws_error_set(&c->err, "AuthorizationQueryParametersError",
                               "X-Amz-Expires must be less than a week (in seconds) that is; 604800");
        } else if (!parse_amz_date(date, &start)) {
            rc = aws_error_set(&c->err, "AuthorizationQueryParametersError",
                               "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
        } else if (now > start + secs) {
            rc = expired(c, start + secs, exp);
        }
    } else if (v2 && http_params_get(&q, "AWSAccessKeyId")) {
        char *end;
        long long when = strtoll(v2, &end, 10);
        if (*v2 && !*end && now > when)
            rc = expired(c, when, NULL);
    }
    http_params_clear(&q);
    return rc;
}

/* ---- signed payloads ---- */

/* x-amz-content-sha256 names how SigV4 covered the body: a hex SHA-256 of
 * it (botocore over plain HTTP), UNSIGNED-PAYLOAD, or a STREAMING- form
 * (aws-chunked, see payload.c). S3 checks the hex form against the body. */
static int check_content_sha256(svc_call *c)
{
    const char *h = s3_header(c, "x-amz-content-sha256");
    if (!h || strcmp(h, "UNSIGNED-PAYLOAD") == 0 || g_str_has_prefix(h, "STREAMING-"))
        return 0;
    bool hex = strlen(h) == 64;
    for (const char *p = h; hex && *p; p++)
        hex = g_ascii_isxdigit(*p);
    if (!hex)
        return s3_err_invalid_argument(c, "x-amz-content-sha256", h,
                                       "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
                                       "STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
                                       "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.");
    char *got = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)c->req->body, c->req->body_len);
    int rc = 0;
    if (g_ascii_strcasecmp(got, h) != 0) {
        rc = aws_error_set(&c->err, "XAmzContentSHA256Mismatch", NULL);
        aws_error_field(&c->err, "ClientComputedContentSHA256", json_string(h));
        aws_error_field(&c->err, "S3ComputedContentSHA256", json_string(got));
    }
    g_free(got);
    return rc;
}

int s3_check_request(svc_call *c)
{
    return check_presigned(c) != 0 || check_content_sha256(c) != 0 ? -1 : 0;
}

s3_bucket *s3_call_bucket(svc_call *c)
{
    return s3_check_request(c) == 0 ? s3_bucket_for(c, s3_in(c, "Bucket")) : NULL;
}

/* ---- operations ---- */

/* Every operation, with how the namespace lock is held around it (see
 * store.h): reads share it, writes hold it alone, and uploads take it
 * themselves so as to hash their bodies with no lock held. */
static const svc_op ops[] = {
    {"CreateBucket", s3_create_bucket, SVC_LOCK_EXCLUSIVE},
    {"DeleteBucket", s3_delete_bucket, SVC_LOCK_EXCLUSIVE},
    {"HeadBucket", s3_head_bucket, SVC_LOCK_SHARED},
    {"ListBuckets", s3_list_buckets, SVC_LOCK_SHARED},
    {"GetBucketLocation", s3_get_bucket_location, SVC_LOCK_SHARED},
    {"PutObject", s3_put_object, SVC_LOCK_NONE},
    {"GetObject", s3_get_object, SVC_LOCK_SHARED},
    {"HeadObject", s3_head_object, SVC_LOCK_SHARED},
    {"DeleteObject", s3_delete_object, SVC_LOCK_EXCLUSIVE},
    {"DeleteObjects", s3_delete_objects, SVC_LOCK_EXCLUSIVE},
    {"CopyObject", s3_copy_object, SVC_LOCK_EXCLUSIVE},
    {"GetObjectTagging", s3_get_object_tagging, SVC_LOCK_SHARED},
    {"PutObjectTagging", s3_put_object_tagging, SVC_LOCK_EXCLUSIVE},
    {"DeleteObjectTagging", s3_delete_object_tagging, SVC_LOCK_EXCLUSIVE},
    {"GetObjectAttributes", s3_get_object_attributes, SVC_LOCK_SHARED},
    {"ListObjectsV2", s3_list_objects_v2, SVC_LOCK_SHARED},
    {"ListObjects", s3_list_objects, SVC_LOCK_SHARED},
    {"CreateMultipartUpload", s3_create_multipart_upload, SVC_LOCK_EXCLUSIVE},
    {"UploadPart", s3_upload_part, SVC_LOCK_NONE},
    {"UploadPartCopy", s3_upload_part_copy, SVC_LOCK_EXCLUSIVE},
    {"CompleteMultipartUpload", s3_complete_multipart_upload, SVC_LOCK_EXCLUSIVE},
    {"AbortMultipartUpload", s3_abort_multipart_upload, SVC_LOCK_EXCLUSIVE},
    {"ListParts", s3_list_parts, SVC_LOCK_SHARED},
    {"ListMultipartUploads", s3_list_multipart_uploads, SVC_LOCK_SHARED},
    /* bucket settings (config.c) */
    {"GetBucketAcl", s3_get_bucket_acl, SVC_LOCK_SHARED},
    {"PutBucketAcl", s3_put_bucket_acl, SVC_LOCK_EXCLUSIVE},
    {"GetObjectAcl", s3_get_object_acl, SVC_LOCK_SHARED},
    {"PutObjectAcl", s3_put_object_acl, SVC_LOCK_EXCLUSIVE},
    {"GetBucketPolicyStatus", s3_get_bucket_policy_status, SVC_LOCK_SHARED},
#define S3_SETTING(get, put) {get, s3_config_get_op, SVC_LOCK_SHARED}, {put, s3_config_put_op, SVC_LOCK_EXCLUSIVE}
#define S3_DELETE(del) {del, s3_config_delete_op, SVC_LOCK_EXCLUSIVE}
    S3_SETTING("GetBucketTagging", "PutBucketTagging"), S3_DELETE("DeleteBucketTagging"),
    S3_SETTING("GetBucketCors", "PutBucketCors"), S3_DELETE("DeleteBucketCors"),
    S3_SETTING("GetBucketLifecycleConfiguration", "PutBucketLifecycleConfiguration"),
    S3_DELETE("DeleteBucketLifecycle"),
    S3_SETTING("GetBucketEncryption", "PutBucketEncryption"), S3_DELETE("DeleteBucketEncryption"),
    S3_SETTING("GetPublicAccessBlock", "PutPublicAccessBlock"), S3_DELETE("DeletePublicAccessBlock"),
    S3_SETTING("GetBucketOwnershipControls", "PutBucketOwnershipControls"),
    S3_DELETE("DeleteBucketOwnershipControls"),
    S3_SETTING("GetBucketRequestPayment", "PutBucketRequestPayment"),
    S3_SETTING("GetBucketLogging", "PutBucketLogging"),
    S3_SETTING("GetBucketWebsite", "PutBucketWebsite"), S3_DELETE("DeleteBucketWebsite"),
    S3_SETTING("GetBucketAccelerateConfiguration", "PutBucketAccelerateConfiguration"),
    S3_SETTING("GetBucketPolicy", "PutBucketPolicy"), S3_DELETE("DeleteBucketPolicy"),
    S3_SETTING("GetBucketNotificationConfiguration", "PutBucketNotificationConfiguration"),
    {"MockawsPreflightBucket", s3_cors_preflight, SVC_LOCK_SHARED},
    {"MockawsPreflightObject", s3_cors_preflight, SVC_LOCK_SHARED},
#undef S3_SETTING
#undef S3_DELETE
    /* versioning and object lock (version.c) */
    {"PutBucketVersioning", s3_put_bucket_versioning, SVC_LOCK_EXCLUSIVE},
    {"GetBucketVersioning", s3_get_bucket_versioning, SVC_LOCK_SHARED},
    {"ListObjectVersions", s3_list_object_versions, SVC_LOCK_SHARED},
    {"PutObjectLockConfiguration", s3_put_object_lock_configuration, SVC_LOCK_EXCLUSIVE},
    {"GetObjectLockConfiguration", s3_get_object_lock_configuration, SVC_LOCK_SHARED},
    {"PutObjectRetention", s3_put_object_retention, SVC_LOCK_EXCLUSIVE},
    {"GetObjectRetention", s3_get_object_retention, SVC_LOCK_SHARED},
    {"PutObjectLegalHold", s3_put_object_legal_hold, SVC_LOCK_EXCLUSIVE},
    {"GetObjectLegalHold", s3_get_object_legal_hold, SVC_LOCK_SHARED},
    /* fix (issue 13): archive storage classes */
    {"RestoreObject", s3_restore_object, SVC_LOCK_EXCLUSIVE},
    /* not in the model: choose_operation names it (post.h) */
    {S3_POST_OBJECT, s3_post_object, SVC_LOCK_NONE},
    {NULL, NULL, SVC_LOCK_EXCLUSIVE},
};

static char *resource_of(const char *operation, json_t *input)
{
    const char *bucket = svc_str(input, "Bucket");
    json_t *key = json_object_get(input, "Key");
    if (!bucket)
        return NULL;
    if (json_is_string(key))
        return g_strdup_printf("%s/%s", bucket, json_string_value(key));
    return g_strdup(bucket);
}

/* ---- choosing the operation ---- */

/* The model routes every S3 operation, those mockaws does not implement
 * included (PUT /b?versioning is PutBucketVersioning, answered 501). A
 * POST on a bucket it has no template for is the form upload, PostObject,
 * which the model does not describe (post.h). One request it cannot
 * refuse: a POST on an object with no ?uploadId matches
 * only CompleteMultipartUpload's template, yet is no operation of S3's,
 * which answers 405 naming the resource type. */
/* A POST on a bucket alone ("/bucket", with no sub-resource the model
 * routes, as ?delete): S3's form upload. */
static bool bucket_post(const http_request *req)
{
    const char *slash = strchr(req->path + 1, '/');
    return strcmp(req->method, "POST") == 0 && req->path[0] == '/' && req->path[1] &&
           (!slash || !slash[1]);
}

static const char *choose_operation(const model *m, const http_request *req, char *buf, size_t buflen,
                                    aws_error *err)
{
    const char *op = wire_rest_xml.operation_name(m, req, buf, buflen, err);
    if (!op && bucket_post(req)) {
        /* POST Object, the form upload no model describes (post.h) */
        aws_error_clear(err);
        g_strlcpy(buf, S3_POST_OBJECT, buflen);
        return buf;
    }
    if (!op || strcmp(op, "CompleteMultipartUpload") != 0)
        return op;
    http_params q;
    http_params_parse(&q, req->query, strlen(req->query), true);
    bool upload = http_params_get(&q, "uploadId") != NULL;
    http_params_clear(&q);
    if (upload)
        return op;
    aws_error_set(err, "MethodNotAllowed", NULL);
    aws_error_field(err, "Method", json_string(req->method));
    aws_error_field(err, "ResourceType", json_string("OBJECT"));
    return NULL;
}

/* ---- validation ---- */

static const char *header_of(const char *member)
{
    static const char *const names[][2] = {
        {"ACL", "x-amz-acl"},
        {"StorageClass", "x-amz-storage-class"},
        {"MetadataDirective", "x-amz-metadata-directive"},
        {"TaggingDirective", "x-amz-tagging-directive"},
        {"ChecksumAlgorithm", "x-amz-sdk-checksum-algorithm"},
        {"ChecksumMode", "x-amz-checksum-mode"},
        {"ChecksumType", "x-amz-checksum-type"},
        {"ServerSideEncryption", "x-amz-server-side-encryption"},
        {"ObjectAttributes", "x-amz-object-attributes"},
        {"RequestPayer", "x-amz-request-payer"},
        {"EncodingType", "encoding-type"},
        {"ObjectOwnership", "x-amz-object-ownership"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        if (strcmp(names[i][0], member) == 0)
            return names[i][1];
    return member;
}

/* S3 has no Coral-style validation error: each kind of bad value earns its
 * own code. */
static void validation_error(const violation *v, size_t n, aws_error *e)
{
    const char *member = v->member ? v->member : "";
    const char *text = json_is_string(v->value) ? json_string_value(v->value) : "";
    if (strcmp(member, "ObjectOwnership") == 0) {
        aws_error_set(e, "InvalidArgument", "Invalid x-amz-object-ownership header: %s", text);
        aws_error_field(e, "ArgumentName", json_string("x-amz-object-ownership"));
        return;
    }
    if (strcmp(member, "ACL") == 0 && !strchr(v->path, '.')) {
        /* S3 names the header and leaves the message empty */
        aws_error_set(e, "InvalidArgument", "%s", "");
        aws_error_field(e, "ArgumentName", json_string("x-amz-acl"));
        aws_error_field(e, "ArgumentValue", s3_text(text));
        return;
    }
    if (strcmp(member, "ObjectAttributes") == 0) {
        aws_error_set(e, "InvalidArgument", "Invalid attribute name specified.");
        aws_error_field(e, "ArgumentName", json_string("x-amz-object-attributes"));
        return;
    }
    if (v->kind == VIOLATION_REQUIRED || strchr(v->path, '.') || strchr(v->path, '[')) {
        /* a payload member or something inside one: the XML was wrong */
        aws_error_set(e, "MalformedXML", NULL);
        return;
    }
    if (strcmp(member, "StorageClass") == 0) {
        aws_error_set(e, "InvalidStorageClass", NULL);
        aws_error_field(e, "StorageClassRequested", s3_text(text));
        return;
    }
    if (strcmp(member, "ObjectLockMode") == 0) {
        aws_error_set(e, "InvalidArgument", "Unknown wormMode directive.");
        aws_error_field(e, "ArgumentName", json_string("x-amz-object-lock-mode"));
        aws_error_field(e, "ArgumentValue", s3_text(text));
        return;
    }
    if (strcmp(member, "EncodingType") == 0) {
        aws_error_set(e, "InvalidArgument", "Invalid Encoding Method specified in Request");
        aws_error_field(e, "ArgumentName", json_string("encoding-type"));
        aws_error_field(e, "ArgumentValue", s3_text(text));
        return;
    }
    aws_error_set(e, "InvalidArgument", "Invalid Argument");
    aws_error_field(e, "ArgumentName", json_string(header_of(member)));
    aws_error_field(e, "ArgumentValue", s3_text(text));
}

/* ---- service ---- */

/* x-amz-expiration on the answers S3 gives it: the current object's
 * expiry by an enabled Expiration rule. */
static void expiration_header(svc_call *c, s3_bucket *b)
{
    const char *key = s3_in(c, "Key");
    s3_object *o = key && !s3_in(c, "VersionId") ? s3_object_get(b, key) : NULL;
    const char *rule_id;
    int64_t at = o ? s3_lifecycle_expiry(b, o, &rule_id) : INT64_MAX;
    if (at == INT64_MAX)
        return;
    GString *date = g_string_new(NULL);
    timefmt_format(date, (double)(at / 1000), TIMEFMT_RFC822);
    char *v = g_strdup_printf("expiry-date=\"%s\", rule-id=\"%s\"", date->str, rule_id ? rule_id : "");
    http_response_set_header(c->resp, "x-amz-expiration", v);
    g_free(v);
    g_string_free(date, TRUE);
}

/* x-amz-abort-date and x-amz-abort-rule-id on CreateMultipartUpload and
 * ListParts: when an enabled AbortIncompleteMultipartUpload rule ends the
 * upload. */
static void abort_headers(svc_call *c, s3_bucket *b)
{
    s3_upload *u = s3_upload_get(b, svc_str(c->output, "UploadId"));
    const char *rule_id;
    int64_t at = u ? s3_lifecycle_abort(b, u, &rule_id) : INT64_MAX;
    if (at == INT64_MAX)
        return;
    json_object_set_new(c->output, "AbortDate", json_integer(at / 1000));
    if (rule_id)
        json_object_set_new(c->output, "AbortRuleId", json_string(rule_id));
}

/* What every S3 answer gets besides the handler's own: CORS headers, the
 * bucket's default encryption, and the lifecycle's view of what the call
 * wrote or read. */
static void after_call(svc_call *c, int rc)
{
    s3_cors_apply(c);
    const char *name = c->input && rc == 0 ? s3_in(c, "Bucket") : NULL;
    s3_bucket *b = name ? g_tree_lookup(s3_st(c)->buckets, name) : NULL;
    if (b && c->output)
        s3_config_apply_sse(c, b);
    if (b && (strcmp(c->operation, "PutObject") == 0 || strcmp(c->operation, "CopyObject") == 0))
        s3_config_store_object_acl(c, b);
    if (b)
        s3_notify_after_call(c, b);
    if (!b || !s3_config_get(b, S3_CFG_LIFECYCLE))
        return;
    const char *op = c->operation;
    if (strcmp(op, "PutObject") == 0 || strcmp(op, "GetObject") == 0 || strcmp(op, "HeadObject") == 0)
        expiration_header(c, b);
    if (c->output && (strcmp(op, "CreateMultipartUpload") == 0 || strcmp(op, "ListParts") == 0))
        abort_headers(c, b);
    if (!g_str_has_prefix(op, "Get") && !g_str_has_prefix(op, "Head") && !g_str_has_prefix(op, "List"))
        s3_lifecycle_note_write(s3_st(c), b, c->now_ms);
}

/* Work on the server clock: lifecycle rules and restores that finish. */
static int64_t due_ms(void *state)
{
    return MIN(s3_lifecycle_due(state), s3_restore_due(state));
}

static void maintain(svc_call *c)
{
    if (s3_lifecycle_due(c->state) <= c->now_ms)
        s3_lifecycle_run(c);
    if (s3_restore_due(c->state) <= c->now_ms)
        s3_restore_run(c);
}

/* The service's settings: how long a RestoreObject takes, in ms. */
static void *config_new(const mockaws_options *opts)
{
    int64_t *delay = g_new(int64_t, 1);
    *delay = opts && opts->s3_restore_set ? (int64_t)opts->s3_restore_ms : S3_RESTORE_DEFAULT_MS;
    return delay;
}

static void config_free(void *config)
{
    g_free(config);
}

static void *state_new(const void *config)
{
    return s3_state_new(config ? *(const int64_t *)config : S3_RESTORE_DEFAULT_MS);
}

static void state_free(void *st)
{
    s3_state_free(st);
}

/* Snapshots: the object maps shared, the rest copied (store.h). */
static void *state_clone(const void *st, const void *config)
{
    return s3_state_clone(st);
}

const svc_def s3_service = {
    .name = "s3",
    .ops = ops,
    .scope = SVC_SCOPE_GLOBAL,
    .config_new = config_new,
    .config_free = config_free,
    .state_new = state_new,
    .state_free = state_free,
    .state_clone = state_clone,
    .state_load = s3_fixture_load,
    .state_dump = s3_fixture_dump,
    .validation_error = validation_error,
    .resource_of = resource_of,
    .choose_operation = choose_operation,
    .unknown_operation_code = "NotImplemented",
    .unknown_operation_status = 501,
    .route_host = s3_host_route,
    .after_call = after_call,
    .due_ms = due_ms,
    .maintain = maintain,
    .invoke_rank = 1, /* publishes events to SNS */
    .authorize = s3_authorize,
    .access_denied = s3_access_denied,
    .resource_policy = s3_resource_policy,
    .control = s3_control,
};
