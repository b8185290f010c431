#include "services/s3/notify.h"

#include <inttypes.h>
#include <string.h>

#include "services/respolicy.h"
#include "services/s3/config.h"
#include "services/s3/post.h"
#include "services/s3/s3.h"
#include "services/s3/version.h"
#include "services/svc_api.h"
#include "wire/restxml.h"
#include "wire/timefmt.h"

#define EVENT_SUBJECT "Amazon S3 Notification"
/* The empty object's MD5: the eTag of a delete marker's record. */
#define EMPTY_ETAG "d41d8cd98f00b204e9800998ecf8427e"
/* "arn:aws:s3:::" and a bucket name (at most 255 bytes, as the oldest
 * us-east-1 buckets may be). */
#define BUCKET_ARN (13 + 255 + 1)

/* The three kinds of destination, as the configuration lists them. */
typedef struct dest_kind {
    const char *list;     /* "TopicConfigurations" */
    const char *arn;      /* the member holding the ARN */
    const char *service;  /* the ARN's service */
    const char *arg_name; /* how S3's errors name it */
} dest_kind;

static const dest_kind kinds[] = {
    {"TopicConfigurations", "TopicArn", "sns", "Topic"},
    {"QueueConfigurations", "QueueArn", "sqs", "Queue"},
    {"LambdaFunctionConfigurations", "LambdaFunctionArn", "lambda", "CloudFunction"},
};

/* "arn:PARTITION:SERVICE:REGION:ACCOUNT:NAME" split into its six parts
 * (g_strfreev), the last three not empty; NULL when arn is no such ARN. */
static gchar **arn_split(const char *arn, const char *service)
{
    if (!arn)
        return NULL;
    gchar **p = g_strsplit(arn, ":", 6);
    if (g_strv_length(p) == 6 && strcmp(p[0], "arn") == 0 && *p[1] && strcmp(p[2], service) == 0 && *p[3] &&
        *p[4] && *p[5])
        return p;
    g_strfreev(p);
    return NULL;
}

/* The filter's prefix and suffix ("" when it has none). */
static void filter_of(json_t *cfg, const char **prefix, const char **suffix)
{
    *prefix = *suffix = "";
    size_t i;
    json_t *rule;
    json_array_foreach(json_object_get(json_object_get(json_object_get(cfg, "Filter"), "Key"), "FilterRules"), i,
                       rule) {
        const char *name = svc_str(rule, "Name"), *value = svc_str(rule, "Value");
        if (name && value && strcmp(name, "Prefix") == 0)
            *prefix = value;
        else if (name && value && strcmp(name, "Suffix") == 0)
            *suffix = value;
    }
}

/* Whether configuration event pattern (s3:ObjectCreated:*, or one type)
 * takes the event "s3:" name. */
static bool event_takes(const char *pattern, const char *name)
{
    if (!g_str_has_prefix(pattern, "s3:"))
        return false;
    pattern += 3;
    size_t n = strlen(pattern);
    if (n >= 2 && strcmp(pattern + n - 2, ":*") == 0)
        return strncmp(pattern, name, n - 1) == 0;
    return strcmp(pattern, name) == 0;
}

/* Whether two configuration event patterns take a common event. */
static bool events_meet(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    bool wa = la >= 2 && strcmp(a + la - 2, ":*") == 0, wb = lb >= 2 && strcmp(b + lb - 2, ":*") == 0;
    if (wa)
        return strncmp(a, b, la - 1) == 0;
    if (wb)
        return strncmp(b, a, lb - 1) == 0;
    return strcmp(a, b) == 0;
}

/* Two filters overlap when some key passes both: the prefixes are one a
 * prefix of the other, and the suffixes one a suffix of the other. */
static bool filters_overlap(json_t *x, json_t *y)
{
    const char *px, *sx, *py, *sy;
    filter_of(x, &px, &sx);
    filter_of(y, &py, &sy);
    size_t lpx = strlen(px), lpy = strlen(py), lsx = strlen(sx), lsy = strlen(sy);
    bool prefixes = strncmp(px, py, MIN(lpx, lpy)) == 0;
    bool suffixes = lsx <= lsy ? strcmp(sy + lsy - lsx, sx) == 0 : strcmp(sx + lsx - lsy, sy) == 0;
    return prefixes && suffixes;
}

static bool configs_overlap(json_t *x, json_t *y)
{
    size_t i, j;
    json_t *ex, *ey;
    bool meet = false;
    json_array_foreach(json_object_get(x, "Events"), i, ex) {
        json_array_foreach(json_object_get(y, "Events"), j, ey) {
            if (json_is_string(ex) && json_is_string(ey) && events_meet(json_string_value(ex), json_string_value(ey)))
                meet = true;
        }
    }
    return meet && filters_overlap(x, y);
}

/* Filter rule names in any case, stored as S3 spells them; at most one of
 * each; Ids given to configurations without one. */
static int check_filters(svc_call *c, json_t *cfg)
{
    size_t j;
    json_t *rule;
    bool seen_prefix = false, seen_suffix = false;
    json_array_foreach(json_object_get(json_object_get(json_object_get(cfg, "Filter"), "Key"), "FilterRules"), j,
                       rule) {
        const char *name = svc_str(rule, "Name");
        const char *canon = !name                                    ? NULL
                            : g_ascii_strcasecmp(name, "prefix") == 0 ? "Prefix"
                            : g_ascii_strcasecmp(name, "suffix") == 0 ? "Suffix"
                                                                      : NULL;
        if (!canon)
            return s3_err_invalid_argument(c, "FilterRule.Name", name,
                                           "filter rule name must be either prefix or suffix");
        bool *seen = canon[0] == 'P' ? &seen_prefix : &seen_suffix;
        if (*seen)
            return s3_err_invalid_argument(c, "FilterRule.Name", name,
                                           canon[0] == 'P' ? "Cannot specify more than one prefix rule in a filter."
                                                           : "Cannot specify more than one suffix rule in a filter.");
        *seen = true;
        json_object_set_new(rule, "Name", json_string(canon));
    }
    if (!svc_str(cfg, "Id")) {
        char id[37];
        svc_uuid(c, id);
        json_object_set_new(cfg, "Id", json_string(id));
    }
    return 0;
}

/* Why S3 could not use a topic as b's destination, or NULL when it can:
 * the topic must exist and its policy let s3.amazonaws.com publish for
 * this bucket. g_malloc'd. */
/* What S3 asks of a destination's policy for b: may s3.amazonaws.com do
 * action on arn for this bucket (aws:SourceArn) and its owner
 * (aws:SourceAccount). bucket_arn: storage for the source ARN, which the
 * request borrows. */
static respolicy_request for_bucket(s3_bucket *b, const char *action, const char *arn, char bucket_arn[BUCKET_ARN])
{
    g_snprintf(bucket_arn, BUCKET_ARN, "arn:%s:s3:::%s", svc_partition(b->region), b->name);
    return (respolicy_request){.service = "s3.amazonaws.com",
                               .action = action,
                               .resource = arn,
                               .source_arn = bucket_arn,
                               .source_account = b->owner};
}

static char *topic_problem(svc_call *c, s3_bucket *b, const char *arn, gchar **parts)
{
    json_t *in = json_pack("{s:s}", "TopicArn", arn), *out = NULL;
    aws_error err = AWS_ERROR_INIT;
    char *why = NULL;
    if (svc_invoke(c, "sns", parts[4], parts[3], "GetTopicAttributes", in, &out, &err) != 0) {
        why = g_strdup("Permissions on the destination topic do not allow S3 to publish notifications from this "
                       "bucket");
    } else {
        char bucket_arn[BUCKET_ARN];
        respolicy_request r = for_bucket(b, "sns:Publish", arn, bucket_arn);
        if (!respolicy_allows(svc_str(json_object_get(out, "Attributes"), "Policy"), &r))
            why = g_strdup("Permissions on the destination topic do not allow S3 to publish notifications from "
                           "this bucket");
    }
    aws_error_clear(&err);
    json_decref(out);
    json_decref(in);
    return why;
}

/* Whether the queue arn names exists and its policy lets s3.amazonaws.com
 * sqs:SendMessage for b; *url as respolicy_queue gives it. */
static respolicy_queue_status queue_for_bucket(svc_call *c, s3_bucket *b, const char *arn, char **url)
{
    char bucket_arn[BUCKET_ARN];
    respolicy_request r = for_bucket(b, "sqs:SendMessage", arn, bucket_arn);
    return respolicy_queue(c, &r, url);
}

/* The same for a queue. */
static char *queue_problem(svc_call *c, s3_bucket *b, const char *arn)
{
    char *url = NULL;
    respolicy_queue_status st = queue_for_bucket(c, b, arn, &url);
    g_free(url);
    return st == RESPOLICY_QUEUE_OK        ? NULL
           : st == RESPOLICY_QUEUE_MISSING ? g_strdup("The destination queue does not exist")
                                           : g_strdup("Permissions on the destination queue do not allow S3 to "
                                                      "publish notifications from this bucket");
}

int s3_notify_check(svc_call *c, s3_bucket *b, json_t *doc)
{
    /* the ARNs parse and the filters are S3's, before anything is asked of
     * a destination */
    GPtrArray *all = g_ptr_array_new();
    int rc = 0;
    for (size_t k = 0; k < G_N_ELEMENTS(kinds) && rc == 0; k++) {
        size_t i;
        json_t *cfg;
        json_array_foreach(json_object_get(doc, kinds[k].list), i, cfg) {
            const char *arn = svc_str(cfg, kinds[k].arn);
            gchar **parts = arn_split(arn, kinds[k].service);
            g_strfreev(parts);
            if (!parts) {
                rc = s3_err_invalid_argument(c, kinds[k].arg_name, arn, "The ARN could not be parsed");
                break;
            }
            if ((rc = check_filters(c, cfg)) != 0)
                break;
            g_ptr_array_add(all, cfg);
        }
    }
    /* Pairs: quadratic in the number of configurations, which S3 keeps
     * small (a bucket's configuration is one document). */
    for (guint i = 0; rc == 0 && i < all->len; i++)
        for (guint j = i + 1; rc == 0 && j < all->len; j++)
            if (configs_overlap(g_ptr_array_index(all, i), g_ptr_array_index(all, j)))
                rc = s3_err_invalid_argument(c, "Event", NULL, "Configurations overlap. Configurations on the "
                                                               "same bucket cannot share a common event type.");
    g_ptr_array_free(all, TRUE);
    if (rc != 0)
        return rc;
    const char *skip = s3_header(c, "x-amz-skip-destination-validation");
    if (skip && g_ascii_strcasecmp(skip, "true") == 0)
        return 0;

    /* each destination asked; every one that fails is named */
    json_t *bad = json_array();
    for (size_t k = 0; k < G_N_ELEMENTS(kinds); k++) {
        size_t i;
        json_t *cfg;
        json_array_foreach(json_object_get(doc, kinds[k].list), i, cfg) {
            const char *arn = svc_str(cfg, kinds[k].arn);
            gchar **parts = arn_split(arn, kinds[k].service);
            char *why = NULL;
            if (strcmp(parts[3], b->region) != 0) {
                rc = s3_err_invalid_argument(c, kinds[k].arg_name, arn,
                                             "The notification destination service region is not valid for the "
                                             "bucket location constraint");
            } else if (k == 0) {
                why = topic_problem(c, b, arn, parts);
            } else if (k == 1) {
                why = queue_problem(c, b, arn);
            } else {
                why = g_strdup_printf("Not authorized to invoke function [%s]", arn);
            }
            g_strfreev(parts);
            if (rc != 0)
                break;
            if (why)
                json_array_append_new(bad, json_pack("{s:s, s:s}", "arn", arn, "why", why));
            g_free(why);
        }
        if (rc != 0)
            break;
    }
    if (rc == 0 && json_array_size(bad)) {
        rc = aws_error_set(&c->err, "InvalidArgument", "Unable to validate the following destination configurations");
        size_t i;
        json_t *e;
        json_array_foreach(bad, i, e) {
            char name[32], value[32];
            g_snprintf(name, sizeof name, "ArgumentName%zu", i + 1);
            g_snprintf(value, sizeof value, "ArgumentValue%zu", i + 1);
            aws_error_field(&c->err, name, json_string(svc_str(e, "arn")));
            aws_error_field(&c->err, value, json_string(svc_str(e, "why")));
        }
    }
    json_decref(bad);
    return rc;
}

/* ---- delivery ---- */

static void iso_ms(int64_t ms, char out[32])
{
    GString *t = g_string_new(NULL);
    timefmt_format(t, (double)ms / 1000.0, TIMEFMT_ISO8601_MS);
    g_strlcpy(out, t->str, 32);
    g_string_free(t, TRUE);
}

/* Sends text to a destination for S3: a topic's Publish (with S3's
 * subject), or a queue's SendMessage (the text is the message's body),
 * while the queue's policy still lets S3 send, as S3 checks at each
 * delivery. A failed delivery is in the journal (the calls' own entries)
 * and nowhere else, as with S3. */
static void send_to(svc_call *c, s3_bucket *b, const dest_kind *kind, const char *arn, const char *text)
{
    gchar **parts = arn_split(arn, kind->service);
    if (!parts)
        return;
    json_t *in = NULL, *out = NULL;
    aws_error err = AWS_ERROR_INIT;
    if (strcmp(kind->service, "sns") == 0) {
        in = json_pack("{s:s, s:s, s:s}", "TopicArn", arn, "Subject", EVENT_SUBJECT, "Message", text);
        svc_invoke(c, "sns", parts[4], parts[3], "Publish", in, &out, &err);
    } else if (strcmp(kind->service, "sqs") == 0) {
        char *url = NULL;
        if (queue_for_bucket(c, b, arn, &url) == RESPOLICY_QUEUE_OK) {
            in = json_pack("{s:s, s:s}", "QueueUrl", url, "MessageBody", text);
            svc_invoke(c, "sqs", parts[4], parts[3], "SendMessage", in, &out, &err);
        }
        g_free(url);
    }
    aws_error_clear(&err);
    json_decref(out);
    json_decref(in);
    g_strfreev(parts);
}

/* The destinations events go to: topics and queues (mockaws runs no
 * functions). */
static const dest_kind *const delivered[] = {&kinds[0], &kinds[1]};

void s3_notify_configured(svc_call *c, s3_bucket *b)
{
    json_t *doc = s3_config_get(b, S3_CFG_NOTIFICATION);
    if (!json_array_size(json_object_get(doc, "TopicConfigurations")) &&
        !json_array_size(json_object_get(doc, "QueueConfigurations")))
        return;
    char when[32];
    iso_ms(c->now_ms, when);
    GString *host = g_string_new(NULL);
    restxml_host_id(host, c->request_id);
    json_t *ev = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "Service", "Amazon S3", "Event", "s3:TestEvent", "Time",
                           when, "Bucket", b->name, "RequestId", c->request_id, "HostId", host->str);
    char *text = json_dumps(ev, JSON_COMPACT);
    /* once to each destination, however many configurations name it */
    GHashTable *sent = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t k = 0; k < G_N_ELEMENTS(delivered); k++) {
        size_t i;
        json_t *cfg;
        json_array_foreach(json_object_get(doc, delivered[k]->list), i, cfg) {
            const char *arn = svc_str(cfg, delivered[k]->arn);
            if (arn && g_hash_table_add(sent, (gpointer)arn))
                send_to(c, b, delivered[k], arn, text);
        }
    }
    g_hash_table_destroy(sent);
    free(text);
    json_decref(ev);
    g_string_free(host, TRUE);
}

/* A key as S3 writes it in an event record: form-encoded (space as '+',
 * '%XX' for every byte but letters, digits, "-_.*" and '/'). */
static char *record_key(const char *key)
{
    GString *out = g_string_sized_new(strlen(key) + 8);
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        if (g_ascii_isalnum(*p) || strchr("-_.*/", *p))
            g_string_append_c(out, (char)*p);
        else if (*p == ' ')
            g_string_append_c(out, '+');
        else
            g_string_append_printf(out, "%%%02X", *p);
    }
    return g_string_free(out, FALSE);
}

/* The principal S3 names for the caller: an IAM principal's unique id
 * behind "AWS:", the account for its root user. */
static char *principal_id(svc_call *c)
{
    char *arn, *user_id;
    svc_principal(c, &arn, &user_id);
    char *id = g_str_has_suffix(arn, ":root") ? g_strdup(user_id) : g_strdup_printf("AWS:%s", user_id);
    g_free(arn);
    g_free(user_id);
    return id;
}

/* Rising with time within the bucket, as S3's sequencer does for a key:
 * 18 hex digits. */
static void sequencer(svc_call *c, char out[20])
{
    s3_state *st = s3_st(c);
    uint64_t v = (uint64_t)c->now_ms << 16;
    if (v <= st->event_seq)
        v = st->event_seq + 1;
    st->event_seq = v;
    g_snprintf(out, 20, "%018" PRIX64, v);
}

static json_t *record(svc_call *c, s3_bucket *b, const s3_event *ev, const char *config_id)
{
    char when[32], seq[20];
    iso_ms(c->now_ms, when);
    sequencer(c, seq);
    bool v23 = g_str_has_prefix(ev->name, "LifecycleExpiration:") || g_str_has_prefix(ev->name, "ObjectTagging:") ||
               g_str_has_prefix(ev->name, "ObjectAcl:") || strcmp(ev->name, "ObjectRestore:Delete") == 0;
    char *who = ev->by_s3 ? g_strdup(g_str_has_prefix(ev->name, "ObjectRestore:") ? "AmazonCustomer:S3" : "s3.amazonaws.com")
                          : principal_id(c);
    GString *host = g_string_new(NULL);
    restxml_host_id(host, c->request_id);
    char *key = record_key(ev->key);
    char *bucket_arn = g_strdup_printf("arn:%s:s3:::%s", svc_partition(b->region), b->name);
    json_t *object = json_pack("{s:s}", "key", key);
    if (ev->size >= 0)
        json_object_set_new(object, "size", json_integer(ev->size));
    if (ev->etag)
        json_object_set_new(object, "eTag", json_string(ev->etag));
    if (ev->version_id)
        json_object_set_new(object, "versionId", json_string(ev->version_id));
    json_object_set_new(object, "sequencer", json_string(seq));
    json_t *r = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s, s:s}, s:{s:s, s:s?, s:{s:s, s:{s:s}, s:s}, s:o}}",
        "eventVersion", v23 ? "2.3" : "2.1", "eventSource", "aws:s3", "awsRegion", b->region, "eventTime", when,
        "eventName", ev->name, "userIdentity", "principalId", who, "requestParameters", "sourceIPAddress",
        "127.0.0.1", "responseElements", "x-amz-request-id", c->request_id, "x-amz-id-2", host->str, "s3",
        "s3SchemaVersion", "1.0", "configurationId", config_id, "bucket", "name", b->name, "ownerIdentity",
        "principalId", b->owner, "arn", bucket_arn, "object", object);
    if (ev->extra)
        json_object_update(r, ev->extra);
    g_free(bucket_arn);
    g_free(key);
    g_free(who);
    g_string_free(host, TRUE);
    return r;
}

/* Whether configuration cfg takes ev: one of its events, and its filter. */
static bool config_takes(json_t *cfg, const s3_event *ev)
{
    bool event = false;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(cfg, "Events"), i, e) {
        if (json_is_string(e) && event_takes(json_string_value(e), ev->name))
            event = true;
    }
    if (!event)
        return false;
    const char *prefix, *suffix;
    filter_of(cfg, &prefix, &suffix);
    return g_str_has_prefix(ev->key, prefix) && g_str_has_suffix(ev->key, suffix);
}

void s3_notify(svc_call *c, s3_bucket *b, const s3_event *ev)
{
    json_t *doc = s3_config_get(b, S3_CFG_NOTIFICATION);
    for (size_t k = 0; k < G_N_ELEMENTS(delivered); k++) {
        size_t i;
        json_t *cfg;
        json_array_foreach(json_object_get(doc, delivered[k]->list), i, cfg) {
            const char *arn = svc_str(cfg, delivered[k]->arn);
            if (!arn || !config_takes(cfg, ev))
                continue;
            json_t *msg = json_pack("{s:[o]}", "Records", record(c, b, ev, svc_str(cfg, "Id")));
            char *text = json_dumps(msg, JSON_COMPACT);
            send_to(c, b, delivered[k], arn, text);
            free(text);
            json_decref(msg);
        }
    }
}

/* ---- what each operation causes ---- */

/* An event about version_id of key (NULL: its current version), with the
 * version's size and ETag when it is still there (an object just written,
 * tagged, restored). */
static void about(svc_call *c, s3_bucket *b, const char *name, const char *key, const char *version_id)
{
    if (!key)
        return;
    uint64_t vseq = 0;
    s3_object *o = !version_id                                                     ? s3_object_get(b, key)
                   : s3_version_parse(version_id, &vseq) == S3_VID_OK && s3_versioned(b) ? s3_version_get(b, key, vseq)
                                                                                      : NULL;
    char etag[48], vid[S3_VERSION_ID_LEN + 1];
    bool body = o && !(o->vflags & S3_V_MARKER);
    if (body)
        s3_object_etag(o, false, etag);
    if (o && b->versioning != S3_VERSIONING_OFF)
        s3_version_id(o, vid);
    s3_notify(c, b, &(s3_event){.name = name,
                                .key = key,
                                .size = body ? (int64_t)o->blob->len : -1,
                                .etag = body ? etag : NULL,
                                .version_id = o && b->versioning != S3_VERSIONING_OFF ? vid : NULL});
}

/* A delete's event: a marker made, or a version (or the object) gone. */
static void removed(svc_call *c, s3_bucket *b, const char *key, const char *version_id, bool marker_made)
{
    s3_notify(c, b, &(s3_event){.name = marker_made ? "ObjectRemoved:DeleteMarkerCreated" : "ObjectRemoved:Delete",
                                .key = key,
                                .size = -1,
                                .etag = marker_made ? EMPTY_ETAG : NULL,
                                .version_id = b->versioning != S3_VERSIONING_OFF ? version_id : NULL});
}

void s3_notify_after_call(svc_call *c, s3_bucket *b)
{
    if (!s3_config_get(b, S3_CFG_NOTIFICATION))
        return;
    const char *op = c->operation, *key = s3_in(c, "Key");
    if (strcmp(op, "PutObject") == 0)
        about(c, b, "ObjectCreated:Put", key, NULL);
    else if (strcmp(op, S3_POST_OBJECT) == 0)
        about(c, b, "ObjectCreated:Post", key, NULL);
    else if (strcmp(op, "CopyObject") == 0)
        about(c, b, "ObjectCreated:Copy", key, NULL);
    else if (strcmp(op, "CompleteMultipartUpload") == 0)
        about(c, b, "ObjectCreated:CompleteMultipartUpload", key, NULL);
    else if (strcmp(op, "DeleteObject") == 0)
        removed(c, b, key, svc_str(c->output, "VersionId"),
                svc_true(c->output, "DeleteMarker") && !s3_in(c, "VersionId"));
    else if (strcmp(op, "DeleteObjects") == 0) {
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(c->output, "Deleted"), i, d) {
            const char *marker = svc_str(d, "DeleteMarkerVersionId");
            bool made = marker && !svc_str(d, "VersionId");
            removed(c, b, svc_str(d, "Key"), made ? marker : svc_str(d, "VersionId"), made);
        }
    } else if (strcmp(op, "RestoreObject") == 0 && c->resp->status == 202)
        about(c, b, "ObjectRestore:Post", key, s3_in(c, "VersionId"));
    else if (strcmp(op, "PutObjectTagging") == 0)
        about(c, b, "ObjectTagging:Put", key, s3_in(c, "VersionId"));
    else if (strcmp(op, "DeleteObjectTagging") == 0)
        about(c, b, "ObjectTagging:Delete", key, s3_in(c, "VersionId"));
    else if (strcmp(op, "PutObjectAcl") == 0)
        about(c, b, "ObjectAcl:Put", key, s3_in(c, "VersionId"));
    else if (strcmp(op, "PutBucketNotificationConfiguration") == 0)
        s3_notify_configured(c, b);
}

void s3_notify_object(svc_call *c, s3_bucket *b, const char *name, const s3_object *o, json_t *extra)
{
    if (!s3_config_get(b, S3_CFG_NOTIFICATION))
        return;
    char etag[48], vid[S3_VERSION_ID_LEN + 1];
    bool body = !(o->vflags & S3_V_MARKER);
    bool versioned = b->versioning != S3_VERSIONING_OFF;
    if (body)
        s3_object_etag(o, false, etag);
    if (versioned)
        s3_version_id(o, vid);
    s3_notify(c, b, &(s3_event){.name = name,
                                .key = o->key,
                                .size = body && strcmp(name, "LifecycleExpiration:DeleteMarkerCreated") != 0
                                            ? (int64_t)o->blob->len
                                            : -1,
                                .etag = body ? etag : EMPTY_ETAG,
                                .version_id = versioned ? vid : NULL,
                                .extra = extra,
                                .by_s3 = true});
}
