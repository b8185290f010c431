#include "services/s3/config.h"

#include <stdlib.h>
#include <string.h>

#include "services/s3/cors.h"
#include "services/s3/lifecycle.h"
#include "services/s3/notify.h"
#include "services/s3/object.h"
#include "services/s3/s3.h"
#include "services/service.h"
#include "services/svc_api.h"

#define MAX_BUCKET_TAGS 50
#define MAX_CORS_RULES 100
#define MAX_LIFECYCLE_RULES 1000

#define GROUP_PREFIX "http://acs.amazonaws.com/groups/"
#define ALL_USERS GROUP_PREFIX "global/AllUsers"
#define AUTH_USERS GROUP_PREFIX "global/AuthenticatedUsers"
#define LOG_DELIVERY GROUP_PREFIX "s3/LogDelivery"

/* What a Delete leaves: the fresh-bucket answer again, or S3's 404. */
typedef enum { DEL_TO_DEFAULT, DEL_TO_MISSING } delete_mode;

typedef int (*setting_check)(svc_call *c, s3_bucket *b, json_t *doc);

typedef struct setting {
    const char *get_op, *put_op, *delete_op; /* delete_op NULL: S3 has none */
    const char *member;  /* the Put's payload member, also the store's name */
    bool wrapped;        /* the Get answers {member: doc}, else doc's members */
    const char *fresh;   /* a fresh bucket's document (JSON), or NULL: 404 */
    const char *missing, *missing_msg; /* the 404 of an unset setting */
    delete_mode on_delete;
    setting_check check; /* may replace nothing; -1 + c->err refuses the Put */
    int put_status;      /* 0: the model's (200) */
} setting;

/* ---- the store ---- */

json_t *s3_config_get(const s3_bucket *b, const char *name)
{
    json_t *v = b->settings ? json_object_get(b->settings, name) : NULL;
    return json_is_null(v) ? NULL : v;
}

static bool config_deleted(const s3_bucket *b, const char *name)
{
    return b->settings && json_is_null(json_object_get(b->settings, name));
}

/* Takes doc; json_null() marks a deleted setting, NULL forgets it. */
static void config_set(s3_bucket *b, const char *name, json_t *doc)
{
    if (!doc) {
        if (b->settings)
            json_object_del(b->settings, name);
        return;
    }
    if (!b->settings)
        b->settings = json_object();
    json_object_set_new(b->settings, name, doc);
}

/* ---- errors ---- */

static int malformed_xml(svc_call *c)
{
    return aws_error_set(&c->err, "MalformedXML", NULL);
}

static int missing_setting(svc_call *c, const s3_bucket *b, const char *code, const char *msg)
{
    aws_error_set_status(&c->err, 404, code, "%s", msg);
    aws_error_field(&c->err, "BucketName", json_string(b->name));
    return -1;
}

/* ---- checks of the documents ---- */

static int check_tagging(svc_call *c, s3_bucket *b, json_t *doc)
{
    json_t *set = json_object_get(doc, "TagSet");
    if (json_array_size(set) > MAX_BUCKET_TAGS)
        return aws_error_set(&c->err, "InvalidTag", "Bucket tag count cannot be greater than %d", MAX_BUCKET_TAGS);
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    size_t i;
    json_t *t;
    int rc = 0;
    json_array_foreach(set, i, t) {
        const char *k = svc_str(t, "Key"), *v = svc_str(t, "Value");
        if (!k || !v) {
            rc = malformed_xml(c);
        } else if (g_str_has_prefix(k, "aws:")) {
            rc = aws_error_set(&c->err, "InvalidTag", "System tags cannot be added/updated by requester");
        } else if (!*k || g_utf8_strlen(k, -1) > 128 || !s3_tag_chars_ok(k)) {
            rc = aws_error_set(&c->err, "InvalidTag", "The TagKey you have provided is invalid");
        } else if (g_utf8_strlen(v, -1) > 256 || !s3_tag_chars_ok(v)) {
            rc = aws_error_set(&c->err, "InvalidTag", "The TagValue you have provided is invalid");
        } else if (!g_hash_table_add(seen, (gpointer)k)) {
            rc = aws_error_set(&c->err, "InvalidTag", "Cannot provide multiple Tags with the same key");
            aws_error_field(&c->err, "TagKey", s3_text(k));
        }
        if (rc)
            break;
    }
    g_hash_table_destroy(seen);
    return rc;
}

static bool cors_method_ok(const char *m)
{
    static const char *const methods[] = {"GET", "PUT", "POST", "DELETE", "HEAD"};
    for (size_t i = 0; i < G_N_ELEMENTS(methods); i++)
        if (strcmp(m, methods[i]) == 0)
            return true;
    return false;
}

static int check_cors(svc_call *c, s3_bucket *b, json_t *doc)
{
    json_t *rules = json_object_get(doc, "CORSRules");
    if (json_array_size(rules) == 0)
        return malformed_xml(c);
    if (json_array_size(rules) > MAX_CORS_RULES)
        return aws_error_set(&c->err, "InvalidRequest", "The number of CORS rules should not exceed allowed limit of %d rules.",
                             MAX_CORS_RULES);
    size_t i, j;
    json_t *r, *m;
    json_array_foreach(rules, i, r) {
        json_t *methods = json_object_get(r, "AllowedMethods");
        if (json_array_size(methods) == 0 || json_array_size(json_object_get(r, "AllowedOrigins")) == 0)
            return malformed_xml(c);
        json_array_foreach(methods, j, m) {
            const char *s = json_string_value(m);
            if (!s || !cors_method_ok(s))
                return aws_error_set(&c->err, "InvalidRequest",
                                     "Found unsupported HTTP method in CORS config. Unsupported method is %s",
                                     s ? s : "");
        }
    }
    return 0;
}

static int count_present(json_t *o, const char *const *names, size_t n)
{
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += json_object_get(o, names[i]) != NULL;
    return k;
}

static int check_lifecycle_rule(svc_call *c, json_t *r)
{
    static const char *const filter_kinds[] = {"Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan", "And"};
    json_t *filter = json_object_get(r, "Filter");
    if (!filter && !json_object_get(r, "Prefix"))
        return malformed_xml(c);
    if (filter && (json_object_get(r, "Prefix") || count_present(filter, filter_kinds, 5) > 1))
        return malformed_xml(c);
    json_t *tags = json_object_get(json_object_get(filter, "And"), "Tags");
    if (tags) {
        GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
        size_t i;
        json_t *t;
        bool dup = false;
        json_array_foreach(tags, i, t) {
            const char *k = svc_str(t, "Key");
            if (k && !g_hash_table_add(seen, (gpointer)k))
                dup = true;
        }
        g_hash_table_destroy(seen);
        if (dup)
            return aws_error_set(&c->err, "InvalidRequest", "Duplicate Tag Keys are not allowed.");
    }
    json_t *exp = json_object_get(r, "Expiration");
    static const char *const exp_kinds[] = {"Days", "Date", "ExpiredObjectDeleteMarker"};
    if (exp && count_present(exp, exp_kinds, 3) != 1)
        return malformed_xml(c);
    json_t *days = json_object_get(exp, "Days");
    if (days && json_integer_value(days) <= 0)
        return s3_err_invalid_argument(c, "Days", NULL, "'Days' for Expiration action must be a positive integer");
    json_t *date = json_object_get(exp, "Date");
    if (date && (long long)json_number_value(date) % 86400 != 0)
        return s3_err_invalid_argument(c, "Date", NULL, "'Date' must be at midnight GMT");
    json_t *nve = json_object_get(r, "NoncurrentVersionExpiration");
    if (nve && !json_object_get(nve, "NoncurrentDays") && !json_object_get(nve, "NewerNoncurrentVersions"))
        return malformed_xml(c);
    /* NoncurrentDays is optional in the model, not to S3 (AWS-FACTS "Lifecycle") */
    if (nve && json_integer_value(json_object_get(nve, "NoncurrentDays")) <= 0)
        return s3_err_invalid_argument(c, "NoncurrentDays", NULL,
                                       "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer");
    json_t *newer = json_object_get(nve, "NewerNoncurrentVersions");
    if (newer && json_integer_value(newer) <= 0)
        return s3_err_invalid_argument(c, "NewerNoncurrentVersions", NULL,
                                       "'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be a "
                                       "positive integer");
    json_t *abort = json_object_get(r, "AbortIncompleteMultipartUpload");
    if (abort && json_integer_value(json_object_get(abort, "DaysAfterInitiation")) <= 0)
        return s3_err_invalid_argument(c, "DaysAfterInitiation", NULL,
                                       "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer");
    if (!exp && !nve && !abort && !json_object_get(r, "Transitions") &&
        !json_object_get(r, "NoncurrentVersionTransitions"))
        return malformed_xml(c);
    return 0;
}

static int check_lifecycle(svc_call *c, s3_bucket *b, json_t *doc)
{
    json_t *rules = json_object_get(doc, "Rules");
    if (json_array_size(rules) == 0 || json_array_size(rules) > MAX_LIFECYCLE_RULES)
        return malformed_xml(c);
    GHashTable *ids = g_hash_table_new(g_str_hash, g_str_equal);
    size_t i;
    json_t *r;
    int rc = 0;
    json_array_foreach(rules, i, r) {
        const char *id = svc_str(r, "ID");
        if (id && !g_hash_table_add(ids, (gpointer)id)) {
            rc = s3_err_invalid_argument(c, "ID", id, "Rule ID must be unique. Found same ID for more than one rule");
            break;
        }
        if ((rc = check_lifecycle_rule(c, r)) != 0)
            break;
    }
    g_hash_table_destroy(ids);
    if (rc)
        return rc;
    const char *tdmos = s3_in(c, "TransitionDefaultMinimumObjectSize");
    if (tdmos)
        json_object_set_new(doc, "TransitionDefaultMinimumObjectSize", json_string(tdmos));
    return 0;
}

static int check_encryption(svc_call *c, s3_bucket *b, json_t *doc)
{
    json_t *rules = json_object_get(doc, "Rules");
    if (json_array_size(rules) != 1)
        return malformed_xml(c);
    json_t *def = json_object_get(json_array_get(rules, 0), "ApplyServerSideEncryptionByDefault");
    const char *algo = svc_str(def, "SSEAlgorithm");
    if (!def || !algo)
        return malformed_xml(c);
    if (svc_str(def, "KMSMasterKeyID") && !g_str_has_prefix(algo, "aws:kms"))
        return s3_err_invalid_argument(c, "ApplyServerSideEncryptionByDefault", NULL,
                                       "a KMSMasterKeyID is not applicable if the default sse algorithm is not "
                                       "aws:kms or aws:kms:dsse");
    return 0;
}

static bool grants_public(json_t *grants)
{
    size_t i;
    json_t *g;
    json_array_foreach(grants, i, g) {
        const char *uri = svc_str(json_object_get(g, "Grantee"), "URI");
        if (uri && (strcmp(uri, ALL_USERS) == 0 || strcmp(uri, AUTH_USERS) == 0))
            return true;
    }
    return false;
}

static int check_ownership(svc_call *c, s3_bucket *b, json_t *doc)
{
    json_t *rules = json_object_get(doc, "Rules");
    if (json_array_size(rules) != 1 || !svc_str(json_array_get(rules, 0), "ObjectOwnership"))
        return malformed_xml(c);
    if (strcmp(svc_str(json_array_get(rules, 0), "ObjectOwnership"), "BucketOwnerEnforced") == 0 &&
        json_array_size(s3_config_get(b, "ACL")) > 0)
        return aws_error_set(&c->err, "InvalidBucketAclWithObjectOwnership",
                             "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting");
    return 0;
}

static int check_logging(svc_call *c, s3_bucket *b, json_t *doc)
{
    json_t *le = json_object_get(doc, "LoggingEnabled");
    if (!le)
        return 0;
    const char *target = svc_str(le, "TargetBucket");
    s3_bucket *t = target ? g_tree_lookup(s3_st(c)->buckets, target) : NULL;
    if (!t) {
        aws_error_set(&c->err, "InvalidTargetBucketForLogging", "The target bucket for logging does not exist");
        aws_error_field(&c->err, "TargetBucket", s3_text(target));
        return -1;
    }
    if (strcmp(t->region, b->region) != 0) {
        aws_error_set_status(&c->err, 403, "CrossLocationLoggingProhibitted",
                             "Cross S3 location logging not allowed. ");
        aws_error_field(&c->err, "TargetBucketLocation", json_string(t->region));
        return -1;
    }
    return 0;
}

static int check_website(svc_call *c, s3_bucket *b, json_t *doc)
{
    json_t *redirect = json_object_get(doc, "RedirectAllRequestsTo");
    json_t *index = json_object_get(doc, "IndexDocument");
    if (redirect) {
        if (index || json_object_get(doc, "ErrorDocument") || json_object_get(doc, "RoutingRules"))
            return s3_err_invalid_argument(c, "RedirectAllRequestsTo", "not null",
                                           "RedirectAllRequestsTo cannot be provided in conjunction with other "
                                           "Routing Rules.");
        const char *proto = svc_str(redirect, "Protocol");
        if (proto && strcmp(proto, "http") != 0 && strcmp(proto, "https") != 0)
            return aws_error_set(&c->err, "InvalidRequest", "Invalid protocol, protocol can be http or https. "
                                                            "If not defined the protocol will be selected automatically.");
        return 0;
    }
    const char *suffix = svc_str(index, "Suffix");
    if (!suffix || !*suffix)
        return s3_err_invalid_argument(c, "IndexDocument", NULL,
                                       "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is "
                                       "empty");
    if (strchr(suffix, '/'))
        return s3_err_invalid_argument(c, "IndexDocument", suffix, "The IndexDocument Suffix is not well formed");
    size_t i;
    json_t *rule;
    json_array_foreach(json_object_get(doc, "RoutingRules"), i, rule) {
        json_t *r = json_object_get(rule, "Redirect");
        json_t *cond = json_object_get(rule, "Condition");
        if (svc_str(r, "ReplaceKeyWith") && svc_str(r, "ReplaceKeyPrefixWith"))
            return aws_error_set(&c->err, "InvalidRequest",
                                 "You can only define ReplaceKeyPrefix or ReplaceKey but not both.");
        if (cond && json_object_size(cond) == 0)
            return aws_error_set(&c->err, "InvalidRequest", "Condition cannot be empty. To redirect all requests "
                                                            "without a condition, the condition element shouldn't be "
                                                            "present.");
    }
    return 0;
}

static int check_accelerate(svc_call *c, s3_bucket *b, json_t *doc)
{
    if (!svc_str(doc, "Status"))
        return malformed_xml(c);
    if (strchr(b->name, '.'))
        return aws_error_set(&c->err, "InvalidRequest",
                             "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names");
    return 0;
}

static int check_request_payment(svc_call *c, s3_bucket *b, json_t *doc)
{
    return svc_str(doc, "Payer") ? 0 : malformed_xml(c);
}

static bool policy_is_public(json_t *policy)
{
    json_t *st = json_object_get(policy, "Statement");
    json_t *one[] = {st};
    size_t n = json_is_array(st) ? json_array_size(st) : 1;
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_is_array(st) ? json_array_get(st, i) : one[0];
        const char *effect = svc_str(s, "Effect");
        json_t *p = json_object_get(s, "Principal");
        bool anyone = (json_is_string(p) && strcmp(json_string_value(p), "*") == 0) ||
                      (json_is_object(p) && svc_str(p, "AWS") && strcmp(svc_str(p, "AWS"), "*") == 0);
        if (effect && strcmp(effect, "Allow") == 0 && anyone && !json_object_get(s, "Condition"))
            return true;
    }
    return false;
}

static bool pab_flag(const s3_bucket *b, const char *flag)
{
    if (config_deleted(b, "PublicAccessBlockConfiguration"))
        return false;
    json_t *pab = s3_config_get(b, "PublicAccessBlockConfiguration");
    return !pab || svc_true(pab, flag);
}

static int check_policy(svc_call *c, s3_bucket *b, json_t *doc)
{
    const char *text = json_string_value(doc);
    const char *p = text ? text : "";
    while (g_ascii_isspace(*p))
        p++;
    if (*p != '{')
        return aws_error_set(&c->err, "MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'");
    json_t *policy = json_loads(p, JSON_REJECT_DUPLICATES, NULL);
    int rc = 0;
    if (!json_is_object(policy))
        rc = aws_error_set(&c->err, "MalformedPolicy", "This policy contains invalid Json");
    else if (!json_object_get(policy, "Statement"))
        rc = aws_error_set(&c->err, "MalformedPolicy", "Missing required field Statement");
    else if (policy_is_public(policy) && pab_flag(b, "BlockPublicPolicy"))
        rc = aws_error_set_status(&c->err, 403, "AccessDenied",
                                  "User: arn:%s:iam::%s:root is not authorized to perform: s3:PutBucketPolicy on "
                                  "resource: \"arn:%s:s3:::%s\" because public policies are blocked by the "
                                  "BlockPublicPolicy block public access setting.",
                                  svc_partition(c->region), c->account, svc_partition(c->region), b->name);
    json_decref(policy);
    return rc;
}

/* ---- the table ---- */

static const setting settings_table[] = {
    {"GetBucketTagging", "PutBucketTagging", "DeleteBucketTagging", "Tagging", false, NULL, "NoSuchTagSet",
     "The TagSet does not exist", DEL_TO_DEFAULT, check_tagging, 204},
    {"GetBucketCors", "PutBucketCors", "DeleteBucketCors", "CORSConfiguration", false, NULL,
     "NoSuchCORSConfiguration", "The CORS configuration does not exist", DEL_TO_DEFAULT, check_cors, 0},
    {"GetBucketLifecycleConfiguration", "PutBucketLifecycleConfiguration", "DeleteBucketLifecycle",
     "LifecycleConfiguration", false, NULL, "NoSuchLifecycleConfiguration",
     "The lifecycle configuration does not exist", DEL_TO_DEFAULT, check_lifecycle, 0},
    {"GetBucketEncryption", "PutBucketEncryption", "DeleteBucketEncryption", "ServerSideEncryptionConfiguration",
     true,
     "{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"AES256\"},"
     "\"BucketKeyEnabled\":false}]}",
     NULL, NULL, DEL_TO_DEFAULT, check_encryption, 0},
    {"GetPublicAccessBlock", "PutPublicAccessBlock", "DeletePublicAccessBlock", "PublicAccessBlockConfiguration", true,
     "{\"BlockPublicAcls\":true,\"IgnorePublicAcls\":true,\"BlockPublicPolicy\":true,\"RestrictPublicBuckets\":true}",
     "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found", DEL_TO_MISSING,
     NULL, 0},
    {"GetBucketOwnershipControls", "PutBucketOwnershipControls", "DeleteBucketOwnershipControls", "OwnershipControls",
     true, "{\"Rules\":[{\"ObjectOwnership\":\"BucketOwnerEnforced\"}]}", "OwnershipControlsNotFoundError",
     "The bucket ownership controls were not found", DEL_TO_MISSING, check_ownership, 0},
    {"GetBucketRequestPayment", "PutBucketRequestPayment", NULL, "RequestPaymentConfiguration", false,
     "{\"Payer\":\"BucketOwner\"}", NULL, NULL, DEL_TO_DEFAULT, check_request_payment, 0},
    {"GetBucketLogging", "PutBucketLogging", NULL, "BucketLoggingStatus", false, "{}", NULL, NULL, DEL_TO_DEFAULT,
     check_logging, 0},
    {"GetBucketWebsite", "PutBucketWebsite", "DeleteBucketWebsite", "WebsiteConfiguration", false, NULL,
     "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration", DEL_TO_DEFAULT,
     check_website, 0},
    {"GetBucketAccelerateConfiguration", "PutBucketAccelerateConfiguration", NULL, "AccelerateConfiguration", false,
     "{}", NULL, NULL, DEL_TO_DEFAULT, check_accelerate, 0},
    {"GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy", "Policy", true, NULL, "NoSuchBucketPolicy",
     "The bucket policy does not exist", DEL_TO_DEFAULT, check_policy, 204},
    {"GetBucketNotificationConfiguration", "PutBucketNotificationConfiguration", NULL, "NotificationConfiguration",
     false, "{}", NULL, NULL, DEL_TO_DEFAULT, s3_notify_check, 0},
};

static const setting *setting_of(const char *op)
{
    for (size_t i = 0; i < G_N_ELEMENTS(settings_table); i++) {
        const setting *s = &settings_table[i];
        if (strcmp(op, s->get_op) == 0 || strcmp(op, s->put_op) == 0 ||
            (s->delete_op && strcmp(op, s->delete_op) == 0))
            return s;
    }
    return NULL;
}

/* Whether a stored document says nothing, so that S3 forgets the setting
 * (an empty TagSet, an empty BucketLoggingStatus). */
static bool doc_empty(const setting *s, json_t *doc)
{
    if (strcmp(s->member, "Tagging") == 0)
        return json_array_size(json_object_get(doc, "TagSet")) == 0;
    if (strcmp(s->member, "BucketLoggingStatus") == 0)
        return !json_object_get(doc, "LoggingEnabled");
    return false;
}

static s3_bucket *op_bucket(svc_call *c)
{
    if (s3_check_request(c) != 0)
        return NULL;
    return s3_bucket_for(c, s3_in(c, "Bucket"));
}

/* The setting and bucket a Get / Put / Delete names; NULL + c->err. */
static s3_bucket *setting_op(svc_call *c, const setting **s)
{
    *s = setting_of(c->operation);
    if (!*s) {
        aws_error_set_status(&c->err, 500, "InternalError", "no setting for %s", c->operation);
        return NULL;
    }
    return op_bucket(c);
}

int s3_config_get_op(svc_call *c)
{
    const setting *s;
    s3_bucket *b = setting_op(c, &s);
    if (!b)
        return -1;
    json_t *doc = s3_config_get(b, s->member);
    json_t *fresh = NULL;
    if (!doc && (!s->fresh || config_deleted(b, s->member)))
        return missing_setting(c, b, s->missing, s->missing_msg);
    if (!doc)
        doc = fresh = json_loads(s->fresh, 0, NULL);
    if (s->wrapped)
        c->output = json_pack("{s:O}", s->member, doc);
    else
        c->output = json_deep_copy(doc);
    json_decref(fresh);
    if (strcmp(s->member, "LifecycleConfiguration") == 0 &&
        !json_object_get(c->output, "TransitionDefaultMinimumObjectSize"))
        json_object_set_new(c->output, "TransitionDefaultMinimumObjectSize",
                            json_string("all_storage_classes_128K"));
    return 0;
}

int s3_config_put_op(svc_call *c)
{
    const setting *s;
    s3_bucket *b = setting_op(c, &s);
    if (!b)
        return -1;
    json_t *in = json_object_get(c->input, s->member);
    if (!in)
        return aws_error_set(&c->err, "MissingRequestBodyError", "Request Body is empty");
    json_t *doc = json_deep_copy(in);
    if (s->check && s->check(c, b, doc) != 0) {
        json_decref(doc);
        return -1;
    }
    if (doc_empty(s, doc)) {
        json_decref(doc);
        doc = NULL;
    }
    config_set(b, s->member, doc);
    if (strcmp(s->member, S3_CFG_LIFECYCLE) == 0)
        s3_lifecycle_note_config(s3_st(c), b); /* the rules apply to the objects already there */
    if (s->put_status)
        c->resp->status = s->put_status;
    return 0;
}

int s3_config_delete_op(svc_call *c)
{
    const setting *s;
    s3_bucket *b = setting_op(c, &s);
    if (!b)
        return -1;
    config_set(b, s->member, s->on_delete == DEL_TO_MISSING ? json_null() : NULL);
    return 0;
}

const char *s3_config_ownership(const s3_bucket *b)
{
    if (config_deleted(b, "OwnershipControls"))
        return "ObjectWriter";
    json_t *oc = s3_config_get(b, "OwnershipControls");
    const char *v = oc ? svc_str(json_array_get(json_object_get(oc, "Rules"), 0), "ObjectOwnership") : NULL;
    return v ? v : "BucketOwnerEnforced";
}

void s3_config_apply_sse(svc_call *c, const s3_bucket *b)
{
    json_t *rule = json_array_get(
        json_object_get(s3_config_get(b, "ServerSideEncryptionConfiguration"), "Rules"), 0);
    json_t *def = json_object_get(rule, "ApplyServerSideEncryptionByDefault");
    if (!def || s3_in(c, "ServerSideEncryption") || g_strcmp0(svc_str(c->output, "ServerSideEncryption"), "AES256") != 0)
        return;
    json_object_set_new(c->output, "ServerSideEncryption", json_string(svc_str(def, "SSEAlgorithm")));
    const char *key = svc_str(def, "KMSMasterKeyID");
    if (key)
        json_object_set_new(c->output, "SSEKMSKeyId", json_string(key));
    if (svc_true(rule, "BucketKeyEnabled"))
        json_object_set_new(c->output, "BucketKeyEnabled", json_true());
}

int s3_get_bucket_policy_status(svc_call *c)
{
    s3_bucket *b = op_bucket(c);
    if (!b)
        return -1;
    json_t *doc = s3_config_get(b, "Policy");
    if (!doc)
        return missing_setting(c, b, "NoSuchBucketPolicy", "The bucket policy does not exist");
    json_t *policy = json_loads(json_string_value(doc), 0, NULL);
    bool pub = policy_is_public(policy);
    json_decref(policy);
    c->output = json_pack("{s:{s:b}}", "PolicyStatus", "IsPublic", pub);
    return 0;
}

/* ---- ACLs ----
 * Stored as the grants besides the owner's FULL_CONTROL (which every ACL
 * of a one-account bucket has): the bucket's under "ACL", an object's in
 * "ObjectACLs" by key, with the ETag and time of the object it was set on,
 * so that a new object under the key starts with the default again. */

json_t *s3_acl_canned(const char *name)
{
    if (!name)
        return NULL;
    static const struct {
        const char *name;
        const char *grants; /* (uri, permission) pairs */
    } canned[] = {
        {"private", ""},
        {"bucket-owner-read", ""},
        {"bucket-owner-full-control", ""},
        {"aws-exec-read", ""},
        {"public-read", ALL_USERS " READ"},
        {"public-read-write", ALL_USERS " READ " ALL_USERS " WRITE"},
        {"authenticated-read", AUTH_USERS " READ"},
        {"log-delivery-write", LOG_DELIVERY " WRITE " LOG_DELIVERY " READ_ACP"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(canned); i++) {
        if (strcmp(canned[i].name, name) != 0)
            continue;
        json_t *out = json_array();
        gchar **w = g_strsplit(canned[i].grants, " ", -1);
        for (size_t j = 0; w[j] && w[j + 1]; j += 2)
            json_array_append_new(out, json_pack("{s:{s:s, s:s}, s:s}", "Grantee", "Type", "Group", "URI", w[j],
                                                 "Permission", w[j + 1]));
        g_strfreev(w);
        return out;
    }
    return NULL;
}

static bool group_uri_ok(const char *uri)
{
    return uri && (strcmp(uri, ALL_USERS) == 0 || strcmp(uri, AUTH_USERS) == 0 || strcmp(uri, LOG_DELIVERY) == 0);
}

static bool canonical_id_ok(const char *id)
{
    size_t n = 0;
    for (; id && g_ascii_isxdigit(id[n]); n++)
        ;
    return id && n == 64 && !id[n];
}

/* One grant for grants, unless it is the owner's FULL_CONTROL. */
static void add_grant(svc_call *c, json_t *grants, json_t *grantee, const char *permission)
{
    char owner[65];
    s3_owner_id(c->account, owner);
    const char *id = svc_str(grantee, "ID");
    if (id && strcmp(id, owner) == 0 && strcmp(permission, "FULL_CONTROL") == 0) {
        json_decref(grantee);
        return;
    }
    json_array_append_new(grants, json_pack("{s:o, s:s}", "Grantee", grantee, "Permission", permission));
}

static int unresolvable_email(svc_call *c, const char *email)
{
    aws_error_set(&c->err, "UnresolvableGrantByEmailAddress",
                  "The e-mail address you provided does not match any account on record.");
    aws_error_field(&c->err, "EmailAddressProvided", s3_text(email));
    return -1;
}

int s3_acl_parse_grant_header(svc_call *c, const char *header_name, const char *value, const char *permission,
                              json_t *grants)
{
    const char *p = value;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        const char *eq = strchr(p, '=');
        if (!eq || eq[1] != '"')
            return s3_err_invalid_argument(c, header_name, value, "Argument format not recognized");
        const char *vstart = eq + 2;
        const char *vend = strchr(vstart, '"');
        if (!vend)
            return s3_err_invalid_argument(c, header_name, value, "Argument format not recognized");
        char *name = g_strndup(p, (gsize)(eq - p));
        g_strstrip(name);
        char *v = g_strndup(vstart, (gsize)(vend - vstart));
        int rc = 0;
        if (g_ascii_strcasecmp(name, "id") == 0) {
            if (canonical_id_ok(v))
                add_grant(c, grants, json_pack("{s:s, s:s}", "Type", "CanonicalUser", "ID", v), permission);
            else
                rc = s3_err_invalid_argument(c, "id", v, "Invalid id");
        } else if (g_ascii_strcasecmp(name, "uri") == 0) {
            if (group_uri_ok(v))
                add_grant(c, grants, json_pack("{s:s, s:s}", "Type", "Group", "URI", v), permission);
            else
                rc = s3_err_invalid_argument(c, "uri", v, "Invalid group uri");
        } else if (g_ascii_strcasecmp(name, "emailAddress") == 0) {
            rc = unresolvable_email(c, v);
        } else {
            rc = s3_err_invalid_argument(c, header_name, value, "Argument format not recognized");
        }
        g_free(name);
        g_free(v);
        if (rc)
            return rc;
        p = vend + 1;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            return 0;
        if (*p != ',')
            return s3_err_invalid_argument(c, header_name, value, "Argument format not recognized");
        p++;
    }
}

static const struct {
    const char *member, *header, *permission;
} grant_headers[] = {
    {"GrantFullControl", "x-amz-grant-full-control", "FULL_CONTROL"},
    {"GrantRead", "x-amz-grant-read", "READ"},
    {"GrantReadACP", "x-amz-grant-read-acp", "READ_ACP"},
    {"GrantWrite", "x-amz-grant-write", "WRITE"},
    {"GrantWriteACP", "x-amz-grant-write-acp", "WRITE_ACP"},
};

/* The grants an AccessControlPolicy body gives besides the owner's. */
static int grants_from_body(svc_call *c, json_t *acp, json_t *grants)
{
    if (!svc_str(json_object_get(acp, "Owner"), "ID"))
        return aws_error_set(&c->err, "MalformedACLError", NULL);
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(acp, "Grants"), i, g) {
        json_t *grantee = json_object_get(g, "Grantee");
        const char *type = svc_str(grantee, "Type");
        const char *perm = svc_str(g, "Permission");
        if (!type || !perm)
            return aws_error_set(&c->err, "MalformedACLError", NULL);
        if (strcmp(type, "CanonicalUser") == 0) {
            const char *id = svc_str(grantee, "ID");
            if (!canonical_id_ok(id))
                return s3_err_invalid_argument(c, "CanonicalUser/ID", id, "Invalid id");
            add_grant(c, grants, json_pack("{s:s, s:s}", "Type", type, "ID", id), perm);
        } else if (strcmp(type, "Group") == 0) {
            const char *uri = svc_str(grantee, "URI");
            if (!group_uri_ok(uri))
                return s3_err_invalid_argument(c, "Group/URI", uri, "Invalid group uri");
            add_grant(c, grants, json_pack("{s:s, s:s}", "Type", type, "URI", uri), perm);
        } else {
            return unresolvable_email(c, svc_str(grantee, "EmailAddress"));
        }
    }
    return 0;
}

/* The ACL a request sets (canned, header grants, or with_body the XML
 * body), as the grants besides the owner's: *out a new array, or NULL when
 * the request names none. */
static int acl_of_request(svc_call *c, bool with_body, json_t **out)
{
    *out = NULL;
    const char *canned = s3_in(c, "ACL");
    bool headers = false;
    for (size_t i = 0; i < G_N_ELEMENTS(grant_headers); i++)
        headers |= s3_in(c, grant_headers[i].member) != NULL;
    json_t *body = with_body ? json_object_get(c->input, "AccessControlPolicy") : NULL;
    if ((canned || headers) && body)
        return aws_error_set(&c->err, "UnexpectedContent", "This request does not support content");
    if (canned && headers)
        return aws_error_set(&c->err, "InvalidRequest", "Specifying both Canned ACLs and Header Grants is not allowed");
    if (canned) {
        *out = s3_acl_canned(canned);
        if (!*out)
            return s3_err_invalid_argument(c, "x-amz-acl", canned, "%s", "");
        return 0;
    }
    json_t *grants = json_array();
    int rc = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(grant_headers) && rc == 0; i++) {
        const char *v = s3_in(c, grant_headers[i].member);
        if (v)
            rc = s3_acl_parse_grant_header(c, grant_headers[i].header, v, grant_headers[i].permission, grants);
    }
    if (rc == 0 && body)
        rc = grants_from_body(c, body, grants);
    if (rc != 0 || (!headers && !body)) {
        json_decref(grants);
        return rc;
    }
    *out = grants;
    return 0;
}

static int acl_not_supported(svc_call *c)
{
    return aws_error_set(&c->err, "AccessControlListNotSupported", NULL);
}

/* Checks grants (taken) against b's ownership and public access block:
 * 0 with *grants kept, or -1 + c->err with them freed. */
static int acl_allowed(svc_call *c, const s3_bucket *b, json_t *grants)
{
    int rc = 0;
    if (json_array_size(grants) > 0 && strcmp(s3_config_ownership(b), "BucketOwnerEnforced") == 0)
        rc = acl_not_supported(c);
    else if (grants_public(grants) && pab_flag(b, "BlockPublicAcls"))
        rc = aws_error_set(&c->err, "AccessDenied", NULL);
    if (rc)
        json_decref(grants);
    return rc;
}

static json_t *acl_answer(svc_call *c, json_t *extra)
{
    char owner[65];
    s3_owner_id(c->account, owner);
    json_t *grants = json_pack("[{s:{s:s, s:s}, s:s}]", "Grantee", "Type", "CanonicalUser", "ID", owner,
                               "Permission", "FULL_CONTROL");
    json_array_extend(grants, extra);
    return json_pack("{s:{s:s}, s:o}", "Owner", "ID", owner, "Grants", grants);
}

int s3_get_bucket_acl(svc_call *c)
{
    s3_bucket *b = op_bucket(c);
    if (!b)
        return -1;
    c->output = acl_answer(c, s3_config_get(b, "ACL"));
    return 0;
}

static int missing_acl(svc_call *c)
{
    aws_error_set(&c->err, "MissingSecurityHeader", NULL);
    aws_error_field(&c->err, "MissingHeaderName", json_string("x-amz-acl"));
    return -1;
}

int s3_put_bucket_acl(svc_call *c)
{
    s3_bucket *b = op_bucket(c);
    if (!b)
        return -1;
    json_t *grants;
    if (acl_of_request(c, true, &grants) != 0)
        return -1;
    if (!grants)
        return missing_acl(c);
    if (acl_allowed(c, b, grants) != 0)
        return -1;
    config_set(b, "ACL", json_array_size(grants) ? grants : NULL);
    if (!json_array_size(grants))
        json_decref(grants);
    return 0;
}

/* What tells an object from a later one under the same key. */
static void object_fingerprint(const s3_object *o, char fp[64])
{
    char etag[48];
    s3_object_etag(o, false, etag);
    g_snprintf(fp, 64, "%s/%u", etag, o->mtime);
}

/* The object an object ACL call names, and its fingerprint. */
static s3_object *acl_object(svc_call *c, s3_bucket **bp, char fp[64])
{
    s3_bucket *b = op_bucket(c);
    if (!b)
        return NULL;
    const char *key = s3_in(c, "Key");
    if (s3_check_key(c, key) != 0)
        return NULL;
    s3_object *o = s3_object_get(b, key);
    if (!o) {
        s3_err_no_such_key(c, key);
        return NULL;
    }
    object_fingerprint(o, fp);
    *bp = b;
    return o;
}

int s3_get_object_acl(svc_call *c)
{
    s3_bucket *b;
    char fp[64];
    s3_object *o = acl_object(c, &b, fp);
    if (!o)
        return -1;
    json_t *e = json_object_get(s3_config_get(b, "ObjectACLs"), o->key);
    const char *at = svc_str(e, "Object");
    c->output = acl_answer(c, at && strcmp(at, fp) == 0 ? json_object_get(e, "Grants") : NULL);
    return 0;
}

/* Sets o's grants (taken) under its fingerprint fp. */
static void object_acl_set(s3_bucket *b, const s3_object *o, const char *fp, json_t *grants)
{
    json_t *all = s3_config_get(b, "ObjectACLs");
    if (!all) {
        all = json_object();
        config_set(b, "ObjectACLs", all);
    }
    if (json_array_size(grants))
        json_object_set_new(all, o->key, json_pack("{s:s, s:o}", "Object", fp, "Grants", grants));
    else {
        json_object_del(all, o->key);
        json_decref(grants);
    }
}

int s3_put_object_acl(svc_call *c)
{
    s3_bucket *b;
    char fp[64];
    s3_object *o = acl_object(c, &b, fp);
    if (!o)
        return -1;
    json_t *grants;
    if (acl_of_request(c, true, &grants) != 0)
        return -1;
    if (!grants)
        return missing_acl(c);
    if (acl_allowed(c, b, grants) != 0)
        return -1;
    object_acl_set(b, o, fp, grants);
    return 0;
}

void s3_config_store_object_acl(svc_call *c, s3_bucket *b)
{
    json_t *grants = NULL;
    const char *key = s3_in(c, "Key");
    s3_object *o = key ? s3_object_get(b, key) : NULL;
    /* the handler checked the headers: this cannot fail on them */
    if (!o || acl_of_request(c, false, &grants) != 0 || !grants) {
        aws_error_clear(&c->err);
        return;
    }
    char fp[64];
    object_fingerprint(o, fp);
    object_acl_set(b, o, fp, grants);
}

int s3_config_check_object_acl(svc_call *c, const s3_bucket *b)
{
    json_t *grants;
    if (acl_of_request(c, false, &grants) != 0)
        return -1;
    if (!grants)
        return 0;
    if (acl_allowed(c, b, grants) != 0)
        return -1;
    json_decref(grants);
    return 0;
}

int s3_config_check_create(svc_call *c)
{
    json_t *grants;
    if (acl_of_request(c, false, &grants) != 0)
        return -1;
    const char *own = s3_in(c, "ObjectOwnership");
    int rc = 0;
    if (json_array_size(grants) > 0 && (!own || strcmp(own, "BucketOwnerEnforced") == 0))
        rc = aws_error_set(&c->err, "InvalidBucketAclWithObjectOwnership",
                           "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting");
    json_decref(grants);
    return rc;
}

void s3_config_apply_create(svc_call *c, s3_bucket *b)
{
    const char *own = s3_in(c, "ObjectOwnership");
    if (own)
        config_set(b, "OwnershipControls", json_pack("{s:[{s:s}]}", "Rules", "ObjectOwnership", own));
    json_t *grants;
    if (acl_of_request(c, false, &grants) == 0 && json_array_size(grants) > 0)
        config_set(b, "ACL", grants);
    else
        json_decref(grants);
}

/* ---- CORS ---- */

static int cors_forbidden(svc_call *c, const char *msg, const char *method, const char *type)
{
    aws_error_set_status(&c->err, 403, "AccessForbidden", "%s", msg);
    aws_error_field(&c->err, "Method", s3_text(method ? method : "OPTIONS"));
    aws_error_field(&c->err, "ResourceType", json_string(type));
    return -1;
}

int s3_cors_preflight(svc_call *c)
{
    const char *origin = s3_in(c, "Origin");
    const char *method = s3_in(c, "AccessControlRequestMethod");
    const char *wanted = s3_in(c, "AccessControlRequestHeaders");
    if (!origin)
        return aws_error_set_status(&c->err, 400, "BadRequest",
                                    "Insufficient information. Origin request header needed.");
    /* a preflight carries no credentials: the bucket is looked up by name alone */
    const char *name = s3_in(c, "Bucket");
    s3_bucket *b = name ? g_tree_lookup(s3_st(c)->buckets, name) : NULL;
    if (!b)
        return cors_forbidden(c, "CORSResponse: Bucket not found", method, "BUCKET");
    json_t *cors = s3_config_get(b, S3_CFG_CORS);
    if (!cors)
        return cors_forbidden(c, "CORSResponse: CORS is not enabled for this bucket.", method, "BUCKET");
    json_t *rule = s3_cors_match(cors, origin, method, wanted);
    if (!rule)
        return cors_forbidden(c,
                              "CORSResponse: This CORS request is not allowed. This is usually because the "
                              "evalution of Origin, request method / Access-Control-Request-Method or "
                              "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
                              method, s3_in(c, "Key") ? "OBJECT" : "BUCKET");
    c->output = s3_cors_answer(rule, origin, wanted);
    return 0;
}

static void set_header(const char *name, const char *value, void *resp)
{
    http_response_set_header(resp, name, value);
}

void s3_cors_apply(svc_call *c)
{
    const char *origin = s3_header(c, "Origin");
    const char *name = c->input ? s3_in(c, "Bucket") : NULL;
    if (!origin || !name || g_str_has_prefix(c->operation, "MockawsPreflight"))
        return;
    s3_bucket *b = g_tree_lookup(s3_st(c)->buckets, name);
    json_t *cors = b ? s3_config_get(b, S3_CFG_CORS) : NULL;
    if (!cors)
        return;
    /* a request that says what it will send is matched as its preflight was */
    const char *method = s3_header(c, "Access-Control-Request-Method");
    const char *wanted = s3_header(c, "Access-Control-Request-Headers");
    json_t *rule = s3_cors_match(cors, origin, method ? method : c->req->method, wanted);
    if (!rule)
        return;
    json_t *answer = s3_cors_answer(rule, origin, wanted);
    s3_cors_each_header(answer, set_header, c->resp);
    json_decref(answer);
}

/* ---- fixtures ---- */

int s3_config_load(s3_bucket *b, json_t *settings, const svc_fixture_ctx *ctx, char *err, size_t errlen)
{
    if (!json_is_object(settings)) {
        g_snprintf(err, errlen, "bucket %s: settings must be an object", b->name);
        return -1;
    }
    const char *name;
    json_t *doc;
    json_object_foreach(settings, name, doc) {
        const setting *s = NULL;
        for (size_t i = 0; i < G_N_ELEMENTS(settings_table) && !s; i++)
            if (strcmp(settings_table[i].member, name) == 0)
                s = &settings_table[i];
        bool acl = strcmp(name, "ACL") == 0;
        if (!s && !acl) {
            g_snprintf(err, errlen, "bucket %s: no setting '%s'", b->name, name);
            return -1;
        }
        if (json_is_null(doc) && s && s->on_delete == DEL_TO_MISSING) {
            config_set(b, name, json_null());
            continue;
        }
        /* checked as the Put that stores it would take it */
        json_t *in = acl ? json_pack("{s:s, s:{s:O, s:{s:s}}}", "Bucket", b->name, "AccessControlPolicy", "Grants", doc,
                                     "Owner", "ID", "owner")
                         : json_pack("{s:s, s:O}", "Bucket", b->name, name, doc);
        char verr[256];
        int rc = ctx->check_input(ctx, acl ? "PutBucketAcl" : s->put_op, in, verr, sizeof verr);
        json_decref(in);
        if (rc != 0 || (acl && !json_is_array(doc))) {
            g_snprintf(err, errlen, "bucket %s: setting %s: %s", b->name, name, rc ? verr : "ACL is a list of grants");
            return -1;
        }
        config_set(b, name, json_deep_copy(doc));
    }
    return 0;
}

json_t *s3_config_dump(const s3_bucket *b)
{
    if (!b->settings)
        return NULL;
    json_t *out = json_deep_copy(b->settings);
    /* object ACLs belong to objects a dump may not hold as they were */
    json_object_del(out, "ObjectACLs");
    if (json_object_size(out) == 0) {
        json_decref(out);
        return NULL;
    }
    return out;
}
