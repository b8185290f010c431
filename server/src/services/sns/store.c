#include "services/sns/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/sns/httpc.h"
#include "services/svc_api.h"

/* ---- lifecycle ---- */

static void dedup_free(gpointer p)
{
    sns_dedup *d = p;
    g_free(d->id);
    g_free(d->message_id);
    g_free(d->sequence);
    g_free(d);
}

static void topic_free(gpointer p)
{
    sns_topic *t = p;
    g_free(t->arn);
    g_free(t->name);
    json_decref(t->attrs);
    json_decref(t->tags);
    g_ptr_array_free(t->subs, TRUE);
    g_queue_clear(&t->dedup_order);
    g_hash_table_destroy(t->dedup);
    g_free(t);
}

static void sub_free(gpointer p)
{
    sns_sub *s = p;
    g_free(s->arn);
    g_free(s->protocol);
    g_free(s->endpoint);
    g_free(s->owner);
    g_free(s->token);
    json_decref(s->attrs);
    sns_policy_free(s->policy);
    g_free(s);
}

static gint cmp_str(gconstpointer a, gconstpointer b, gpointer unused)
{
    (void)unused;
    return strcmp(a, b);
}

static gint cmp_seq(gconstpointer a, gconstpointer b, gpointer unused)
{
    (void)unused;
    guint64 x = *(const guint64 *)a, y = *(const guint64 *)b;
    return x < y ? -1 : x > y;
}

sns_state *sns_state_new(bool insecure_tls)
{
    sns_state *st = g_new0(sns_state, 1);
    st->insecure_tls = insecure_tls;
    st->topics = g_tree_new_full(cmp_str, NULL, NULL, topic_free);
    st->subs = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, sub_free);
    st->subs_by_seq = g_tree_new_full(cmp_seq, NULL, NULL, NULL);
    st->log = sns_log_new();
    st->delivery = sns_delivery_new(st->log, insecure_tls);
    st->sms = sns_sms_new();
    st->platform = sns_platform_new();
    return st;
}

void sns_state_free(sns_state *st)
{
    if (!st)
        return;
    /* The worker first: it records outcomes in the log. */
    sns_delivery_free(st->delivery);
    g_tree_destroy(st->subs_by_seq);
    g_hash_table_destroy(st->subs);
    g_tree_destroy(st->topics);
    sns_log_free(st->log);
    sns_sms_free(st->sms);
    sns_platform_free(st->platform);
    g_free(st);
}

static sns_policy_scope scope_of(const char *v);

static gboolean copy_topic(gpointer key, gpointer value, gpointer to_state)
{
    (void)key;
    const sns_topic *t = value;
    sns_state *st = to_state;
    sns_topic *c = sns_topic_add(st, t->arn, t->name, t->fifo);
    json_decref(c->attrs);
    json_decref(c->tags);
    c->attrs = json_deep_copy(t->attrs);
    c->tags = json_deep_copy(t->tags);
    c->deleted = t->deleted;
    c->sequence = t->sequence;
    c->published = t->published;
    for (GList *it = t->dedup_order.head; it; it = it->next) {
        const sns_dedup *d = it->data;
        sns_topic_dedup_add(c, d->id, 0, d->message_id, d->sequence);
        ((sns_dedup *)c->dedup_order.tail->data)->expires_ms = d->expires_ms;
    }
    return FALSE;
}

/* In creation order, so that each topic lists its subscriptions as st did. */
static gboolean copy_sub(gpointer key, gpointer value, gpointer to_state)
{
    (void)key;
    const sns_sub *s = value;
    sns_state *st = to_state;
    sns_sub *c = sns_sub_add(st, sns_topic_find(st, s->topic->arn), s->arn, s->protocol, s->endpoint, s->owner);
    g_tree_remove(st->subs_by_seq, &c->seq);
    c->seq = s->seq;
    g_tree_insert(st->subs_by_seq, &c->seq, c);
    c->pending = s->pending;
    c->authenticated = s->authenticated;
    c->token = g_strdup(s->token);
    json_decref(c->attrs);
    c->attrs = json_deep_copy(s->attrs);
    /* the compiled filter, from the text it was compiled from */
    const char *fp = svc_str(c->attrs, "FilterPolicy");
    if (s->policy && fp) {
        char perr[8];
        c->policy = sns_policy_parse(fp, scope_of(svc_str(c->attrs, "FilterPolicyScope")), perr, sizeof perr);
    }
    return FALSE;
}

sns_state *sns_state_clone(const sns_state *st)
{
    sns_state *c = sns_state_new(st->insecure_tls);
    g_tree_foreach(st->topics, copy_topic, c);
    g_tree_foreach(st->subs_by_seq, copy_sub, c);
    c->next_seq = st->next_seq;
    sns_sms_free(c->sms);
    c->sms = sns_sms_clone(st->sms);
    sns_platform_free(c->platform);
    c->platform = sns_platform_clone(st->platform);
    sns_log_free(c->log);
    /* the new state's worker records into c->log: made before any job */
    sns_delivery_free(c->delivery);
    c->log = sns_log_clone(st->log);
    c->delivery = sns_delivery_new(c->log, c->insecure_tls);
    return c;
}

/* ---- names and ARNs ---- */

bool sns_topic_name_ok(const char *name, bool fifo)
{
    size_t n = strlen(name);
    if (fifo) {
        if (!g_str_has_suffix(name, ".fifo"))
            return false;
        n -= 5;
    }
    if (n < 1 || strlen(name) > 256)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isalnum(name[i]) && name[i] != '_' && name[i] != '-')
            return false;
    return true;
}

char *sns_arn_format(const char *region, const char *account, const char *resource)
{
    return g_strdup_printf("arn:%s:sns:%s:%s:%s", svc_partition(region), region, account, resource);
}

bool sns_arn_split(const char *arn, char **region, char **account, char **rest)
{
    if (!arn)
        return false;
    char **p = g_strsplit(arn, ":", 6);
    bool ok = g_strv_length(p) == 6 && !strcmp(p[0], "arn") && g_str_has_prefix(p[1], "aws") &&
              !strcmp(p[2], "sns") && p[3][0] && strlen(p[4]) == 12 && p[5][0];
    for (const char *c = ok ? p[4] : ""; *c; c++)
        ok = ok && g_ascii_isdigit(*c);
    if (ok) {
        *region = g_strdup(p[3]);
        *account = g_strdup(p[4]);
        *rest = g_strdup(p[5]);
    }
    g_strfreev(p);
    return ok;
}

/* ---- topics ---- */

sns_topic *sns_topic_find(sns_state *st, const char *arn) { return arn ? g_tree_lookup(st->topics, arn) : NULL; }

sns_topic *sns_topic_add(sns_state *st, const char *arn, const char *name, bool fifo)
{
    sns_topic *t = g_new0(sns_topic, 1);
    t->arn = g_strdup(arn);
    t->name = g_strdup(name);
    t->fifo = fifo;
    t->attrs = json_object();
    t->tags = json_object();
    t->subs = g_ptr_array_new();
    t->dedup = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, dedup_free);
    g_queue_init(&t->dedup_order);
    if (fifo) {
        json_object_set_new(t->attrs, "FifoTopic", json_string("true"));
        json_object_set_new(t->attrs, "ContentBasedDeduplication", json_string("false"));
    }
    g_tree_insert(st->topics, t->arn, t);
    return t;
}

void sns_topic_remove(sns_state *st, sns_topic *t)
{
    while (t->subs->len)
        sns_sub_remove(st, g_ptr_array_index(t->subs, t->subs->len - 1));
    g_tree_remove(st->topics, t->arn);
}

static bool json_object_text(const char *value)
{
    json_t *j = json_loads(value, 0, NULL);
    bool ok = json_is_object(j);
    json_decref(j);
    return ok;
}

static const char *const topic_attrs[] = {
    "Policy", "DisplayName", "DeliveryPolicy", "KmsMasterKeyId", "SignatureVersion", "TracingConfig",
    "ContentBasedDeduplication", "FifoThroughputScope", "ArchivePolicy", "DataProtectionPolicy",
    "HTTPSuccessFeedbackRoleArn", "HTTPSuccessFeedbackSampleRate", "HTTPFailureFeedbackRoleArn",
    "SQSSuccessFeedbackRoleArn", "SQSSuccessFeedbackSampleRate", "SQSFailureFeedbackRoleArn",
    "LambdaSuccessFeedbackRoleArn", "LambdaSuccessFeedbackSampleRate", "LambdaFailureFeedbackRoleArn",
    "ApplicationSuccessFeedbackRoleArn", "ApplicationSuccessFeedbackSampleRate", "ApplicationFailureFeedbackRoleArn",
    "FirehoseSuccessFeedbackRoleArn", "FirehoseSuccessFeedbackSampleRate", "FirehoseFailureFeedbackRoleArn", NULL};

static const char *const protocols[] = {"http", "https", "email", "email-json", "sms", "sqs",
                                        "application", "lambda", "firehose", NULL};

bool sns_protocol_known(const char *protocol)
{
    return protocol && g_strv_contains(protocols, protocol);
}

int sns_topic_set_attribute(sns_topic *t, const char *name, const char *value, bool creating, char *err,
                            size_t errlen)
{
    if (!value)
        value = "";
    if (!strcmp(name, "FifoTopic")) {
        if (!creating) {
            g_snprintf(err, errlen, "AttributeName");
            return -1;
        }
        if (strcmp(value, t->fifo ? "true" : "false") != 0) {
            g_snprintf(err, errlen, "Attributes Reason: FifoTopic: Invalid value [%s]", value);
            return -1;
        }
        return 0;
    }
    if (!g_strv_contains(topic_attrs, name)) {
        g_snprintf(err, errlen, creating ? "Attributes Reason: Unknown attribute %s" : "AttributeName", name);
        return -1;
    }
    if ((!strcmp(name, "Policy") || !strcmp(name, "DeliveryPolicy") || !strcmp(name, "ArchivePolicy")) && *value &&
        !json_object_text(value)) {
        g_snprintf(err, errlen, "%s: failed to parse JSON.", name);
        return -1;
    }
    if (!strcmp(name, "DataProtectionPolicy") && *value && sns_data_protection_check(value, err, errlen) != 0)
        return -1;
    if (!strcmp(name, "DisplayName") && g_utf8_strlen(value, -1) > 100) {
        g_snprintf(err, errlen, "DisplayName: must be at most 100 characters");
        return -1;
    }
    if (!strcmp(name, "SignatureVersion") && strcmp(value, "1") && strcmp(value, "2")) {
        g_snprintf(err, errlen, "Attributes Reason: SignatureVersion: Invalid value [%s]. Must be 1 or 2.", value);
        return -1;
    }
    if (!strcmp(name, "TracingConfig") && strcmp(value, "PassThrough") && strcmp(value, "Active")) {
        g_snprintf(err, errlen, "Attributes Reason: TracingConfig: Invalid value [%s]. Must be PassThrough or Active.",
                   value);
        return -1;
    }
    if (!strcmp(name, "ContentBasedDeduplication") || !strcmp(name, "FifoThroughputScope")) {
        if (!t->fifo) {
            g_snprintf(err, errlen, "Attributes Reason: %s can only be set for FIFO topics", name);
            return -1;
        }
        bool dedup = name[0] == 'C';
        if (dedup ? strcmp(value, "true") && strcmp(value, "false")
                  : strcmp(value, "Topic") && strcmp(value, "MessageGroup")) {
            g_snprintf(err, errlen, "Attributes Reason: %s: Invalid value [%s]", name, value);
            return -1;
        }
    }
    if (g_str_has_suffix(name, "SampleRate")) {
        char *end;
        long v = strtol(value, &end, 10);
        if (!*value || *end || v < 0 || v > 100) {
            g_snprintf(err, errlen, "Attributes Reason: %s: Invalid value [%s]. Must be 0 to 100.", name, value);
            return -1;
        }
    }
    json_object_set_new(t->attrs, name, json_string(value));
    return 0;
}

int sns_data_protection_check(const char *value, char *err, size_t errlen)
{
    json_error_t je;
    json_t *doc = json_loads(value, JSON_REJECT_DUPLICATES, &je);
    const char *why = NULL;
    if (!json_is_object(doc))
        why = "failed to parse JSON";
    const char *k;
    json_t *v;
    json_object_foreach(why ? NULL : doc, k, v) {
        static const char *const known[] = {"Name", "Description", "Version", "Statement", "Configuration", NULL};
        if (!why && !g_strv_contains(known, k))
            why = "unknown top-level field";
    }
    if (!why && !json_is_string(json_object_get(doc, "Name")))
        why = "Name is required";
    else if (!why && json_object_get(doc, "Description") && !json_is_string(json_object_get(doc, "Description")))
        why = "Description must be a string";
    else if (!why && g_strcmp0(svc_str(doc, "Version"), "2021-06-01") != 0)
        why = "Version must be 2021-06-01";
    else if (!why && (!json_is_array(json_object_get(doc, "Statement")) || !json_array_size(json_object_get(doc, "Statement"))))
        why = "Statement must be a non-empty list";
    size_t i;
    json_array_foreach(why ? NULL : json_object_get(doc, "Statement"), i, v) {
        if (!why && !json_is_object(v))
            why = "each Statement must be an object";
    }
    json_decref(doc);
    if (!why)
        return 0;
    g_snprintf(err, errlen, "DataProtectionPolicy Reason: %s", why);
    return -1;
}

static const char *default_delivery_policy =
    "{\"http\":{\"defaultHealthyRetryPolicy\":{\"minDelayTarget\":20,\"maxDelayTarget\":20,\"numRetries\":3,"
    "\"numMaxDelayRetries\":0,\"numNoDelayRetries\":0,\"numMinDelayRetries\":0,\"backoffFunction\":\"linear\"},"
    "\"disableSubscriptionOverrides\":false,\"defaultRequestPolicy\":{\"headerContentType\":\"text/plain; "
    "charset=UTF-8\"}}}";

static char *default_policy(const char *arn, const char *account)
{
    json_t *p = json_pack(
        "{s:s, s:s, s:[{s:s, s:s, s:{s:s}, s:[s,s,s,s,s,s,s,s], s:s, s:{s:{s:s}}}]}", "Version", "2008-10-17", "Id",
        "__default_policy_ID", "Statement", "Sid", "__default_statement_ID", "Effect", "Allow", "Principal", "AWS", "*",
        "Action", "SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
        "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish", "Resource", arn,
        "Condition", "StringEquals", "AWS:SourceOwner", account);
    char *s = json_dumps(p, JSON_COMPACT);
    json_decref(p);
    char *out = g_strdup(s);
    free(s);
    return out;
}

/* The topic's policy as a document: what was set, else SNS's default
 * (new reference; NULL for a set policy that no longer parses). */
static json_t *topic_policy(const sns_topic *t, const char *account)
{
    const char *set = svc_str(t->attrs, "Policy");
    char *def = set && *set ? NULL : default_policy(t->arn, account);
    json_t *doc = json_loads(def ? def : set, 0, NULL);
    g_free(def);
    return doc;
}

static void store_policy(sns_topic *t, json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT);
    json_object_set_new(t->attrs, "Policy", json_string(text));
    free(text);
}

/* The actions AddPermission may grant (SNS's "service scope"). */
static const char *const permission_actions[] = {"GetTopicAttributes", "SetTopicAttributes", "AddPermission",
                                                 "RemovePermission",   "DeleteTopic",        "Subscribe",
                                                 "ListSubscriptionsByTopic", "Publish",      "Receive",
                                                 NULL};

/* "x" for one, ["x", "y"] for more: how SNS writes a statement's members. */
static json_t *one_or_list(json_t *list)
{
    return json_array_size(list) == 1 ? json_incref(json_array_get(list, 0)) : json_incref(list);
}

int sns_topic_add_permission(sns_topic *t, const char *account, const char *label, json_t *accounts, json_t *actions,
                             char *err, size_t errlen)
{
    size_t i;
    json_t *v;
    json_t *doc = topic_policy(t, account);
    if (!doc)
        doc = json_object();
    json_t *stmts = json_object_get(doc, "Statement");
    if (!json_is_array(stmts)) {
        stmts = json_array();
        json_object_set_new(doc, "Statement", stmts);
    }
    const char *why = NULL;
    json_array_foreach(stmts, i, v) {
        if (!why && !g_strcmp0(svc_str(v, "Sid"), label))
            why = "Statement already exists";
    }
    json_array_foreach(actions, i, v) {
        if (!why && !g_strv_contains(permission_actions, json_string_value(v)))
            why = "Policy statement action out of service scope!";
    }
    json_array_foreach(accounts, i, v) {
        const char *a = json_string_value(v);
        if (!why && (!a || strlen(a) != 12 || strspn(a, "0123456789") != 12))
            why = "AWSAccountId";
    }
    if (why) {
        json_decref(doc);
        g_snprintf(err, errlen, "%s", why);
        return -1;
    }
    /* the principals' partition is the topic's */
    char **parts = g_strsplit(t->arn, ":", 3);
    json_t *principals = json_array(), *granted = json_array();
    json_array_foreach(accounts, i, v) {
        char *p = g_strdup_printf("arn:%s:iam::%s:root", parts[1], json_string_value(v));
        json_array_append_new(principals, json_string(p));
        g_free(p);
    }
    g_strfreev(parts);
    json_array_foreach(actions, i, v) {
        char *a = g_strdup_printf("SNS:%s", json_string_value(v));
        json_array_append_new(granted, json_string(a));
        g_free(a);
    }
    json_array_append_new(stmts, json_pack("{s:s, s:s, s:{s:o}, s:o, s:s}", "Sid", label, "Effect", "Allow",
                                           "Principal", "AWS", one_or_list(principals), "Action",
                                           one_or_list(granted), "Resource", t->arn));
    json_decref(principals);
    json_decref(granted);
    store_policy(t, doc);
    json_decref(doc);
    return 0;
}

void sns_topic_remove_permission(sns_topic *t, const char *account, const char *label)
{
    json_t *doc = topic_policy(t, account);
    json_t *stmts = json_object_get(doc, "Statement");
    for (size_t i = 0; i < json_array_size(stmts); i++) {
        if (!g_strcmp0(svc_str(json_array_get(stmts, i), "Sid"), label)) {
            json_array_remove(stmts, i);
            store_policy(t, doc);
            break;
        }
    }
    json_decref(doc);
}

json_t *sns_topic_attributes(sns_topic *t, const char *account)
{
    unsigned pending = 0, confirmed = 0;
    for (guint i = 0; i < t->subs->len; i++) {
        sns_sub *s = g_ptr_array_index(t->subs, i);
        if (s->pending)
            pending++;
        else
            confirmed++;
    }
    char *policy = default_policy(t->arn, account);
    char np[16], nc[16], nd[16];
    g_snprintf(np, sizeof np, "%u", pending);
    g_snprintf(nc, sizeof nc, "%u", confirmed);
    g_snprintf(nd, sizeof nd, "%u", t->deleted);
    const char *dp = svc_str(t->attrs, "DeliveryPolicy");
    json_t *out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "Policy", policy, "Owner", account,
                            "SubscriptionsPending", np, "SubscriptionsConfirmed", nc, "SubscriptionsDeleted", nd,
                            "TopicArn", t->arn, "EffectiveDeliveryPolicy",
                            dp && *dp ? dp : default_delivery_policy, "DisplayName", "");
    g_free(policy);
    json_object_update(out, t->attrs);
    /* GetDataProtectionPolicy's, not an attribute SNS lists */
    json_object_del(out, "DataProtectionPolicy");
    return out;
}

sns_dedup *sns_topic_dedup_find(sns_topic *t, const char *id, int64_t now_ms)
{
    sns_dedup *d;
    while ((d = g_queue_peek_head(&t->dedup_order)) && d->expires_ms <= now_ms) {
        g_queue_pop_head(&t->dedup_order);
        g_hash_table_remove(t->dedup, d->id);
    }
    return g_hash_table_lookup(t->dedup, id);
}

void sns_topic_dedup_add(sns_topic *t, const char *id, int64_t now_ms, const char *message_id, const char *seq)
{
    sns_dedup *d = g_new0(sns_dedup, 1);
    d->id = g_strdup(id);
    d->expires_ms = now_ms + SNS_DEDUP_MS;
    d->message_id = g_strdup(message_id);
    d->sequence = g_strdup(seq);
    g_hash_table_replace(t->dedup, d->id, d);
    g_queue_push_tail(&t->dedup_order, d);
}

/* ---- subscriptions ---- */

sns_sub *sns_sub_find(sns_state *st, const char *arn) { return arn ? g_hash_table_lookup(st->subs, arn) : NULL; }

sns_sub *sns_sub_add(sns_state *st, sns_topic *t, const char *arn, const char *protocol, const char *endpoint,
                     const char *owner)
{
    sns_sub *s = g_new0(sns_sub, 1);
    s->arn = g_strdup(arn);
    s->seq = ++st->next_seq;
    s->topic = t;
    s->protocol = g_strdup(protocol);
    s->endpoint = g_strdup(endpoint);
    s->owner = g_strdup(owner);
    s->attrs = json_object();
    g_hash_table_replace(st->subs, s->arn, s);
    g_tree_insert(st->subs_by_seq, &s->seq, s);
    g_ptr_array_add(t->subs, s);
    return s;
}

void sns_sub_remove(sns_state *st, sns_sub *s)
{
    g_ptr_array_remove(s->topic->subs, s);
    s->topic->deleted++;
    g_tree_remove(st->subs_by_seq, &s->seq);
    g_hash_table_remove(st->subs, s->arn);
}

static const char *const sub_attrs[] = {"DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery",
                                        "RedrivePolicy", "SubscriptionRoleArn", "ReplayPolicy", NULL};

bool sns_sub_raw(const sns_sub *s)
{
    const char *v = svc_str(s->attrs, "RawMessageDelivery");
    return v && !g_ascii_strcasecmp(v, "true");
}

static sns_policy_scope scope_of(const char *v)
{
    return v && !strcmp(v, "MessageBody") ? SNS_SCOPE_BODY : SNS_SCOPE_ATTRIBUTES;
}

/* arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, each piece there. */
static bool arn_parses(const char *arn)
{
    char **p = g_strsplit(arn, ":", 6);
    bool ok = g_strv_length(p) == 6 && !strcmp(p[0], "arn") && p[1][0] && p[2][0] && p[5][0];
    g_strfreev(p);
    return ok;
}

/* RedrivePolicy's checks past the JSON (SNS's wording): a target ARN that
 * parses, and a FIFO queue's subscription to a FIFO topic redriven to a
 * FIFO queue. */
static int check_redrive(const sns_sub *s, const char *value, char *err, size_t errlen)
{
    json_t *p = json_loads(value, 0, NULL);
    const char *arn = svc_str(p, "deadLetterTargetArn");
    int rc = 0;
    if (!arn || !arn_parses(arn)) {
        g_snprintf(err, errlen, "RedrivePolicy: deadLetterTargetArn is an invalid arn");
        rc = -1;
    } else if (s->topic->fifo && s->endpoint && g_str_has_suffix(s->endpoint, ".fifo") &&
               (!strstr(arn, ":sqs:") || !g_str_has_suffix(arn, ".fifo"))) {
        g_snprintf(err, errlen, "RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.");
        rc = -1;
    }
    json_decref(p);
    return rc;
}

int sns_sub_set_attribute(sns_sub *s, const char *name, const char *value, char *err, size_t errlen)
{
    if (!value)
        value = "";
    if (!g_strv_contains(sub_attrs, name)) {
        g_snprintf(err, errlen, "AttributeName");
        return -1;
    }
    char perr[300];
    if (!strcmp(name, "RawMessageDelivery")) {
        if (g_ascii_strcasecmp(value, "true") && g_ascii_strcasecmp(value, "false")) {
            g_snprintf(err, errlen, "Attributes Reason: RawMessageDelivery: Invalid value [%s]. Must be true or false.",
                       value);
            return -1;
        }
        static const char *const raw_ok[] = {"http", "https", "sqs", "firehose", NULL};
        if (!g_strv_contains(raw_ok, s->protocol)) {
            g_snprintf(err, errlen, "Delivery protocol [%s] does not support raw message delivery.", s->protocol);
            return -1;
        }
    } else if (!strcmp(name, "FilterPolicyScope")) {
        if (strcmp(value, "MessageAttributes") && strcmp(value, "MessageBody")) {
            g_snprintf(err, errlen,
                       "FilterPolicyScope: Invalid value [%s]. Please use either MessageBody or MessageAttributes",
                       value);
            return -1;
        }
        const char *fp = svc_str(s->attrs, "FilterPolicy");
        if (fp && *fp) {
            sns_policy *p = sns_policy_parse(fp, scope_of(value), perr, sizeof perr);
            if (!p) {
                g_snprintf(err, errlen, "FilterPolicy: %s", perr);
                return -1;
            }
            sns_policy_free(s->policy);
            s->policy = p;
        }
    } else if (!strcmp(name, "FilterPolicy")) {
        if (!*value) {
            /* an empty value removes the policy */
            sns_policy_free(s->policy);
            s->policy = NULL;
            json_object_del(s->attrs, "FilterPolicy");
            return 0;
        }
        sns_policy *p = sns_policy_parse(value, scope_of(svc_str(s->attrs, "FilterPolicyScope")),
                                         perr, sizeof perr);
        if (!p) {
            g_snprintf(err, errlen, "FilterPolicy: %s", perr);
            return -1;
        }
        sns_policy_free(s->policy);
        s->policy = p;
    } else if ((!strcmp(name, "DeliveryPolicy") || !strcmp(name, "RedrivePolicy") || !strcmp(name, "ReplayPolicy")) &&
               *value && !json_object_text(value)) {
        g_snprintf(err, errlen, "%s: failed to parse JSON.", name);
        return -1;
    } else if (!strcmp(name, "RedrivePolicy") && *value && check_redrive(s, value, err, errlen) != 0) {
        return -1;
    }
    json_object_set_new(s->attrs, name, json_string(value));
    return 0;
}

char *sns_sub_dead_letter_target(const sns_sub *s)
{
    const char *v = svc_str(s->attrs, "RedrivePolicy");
    json_t *p = v && *v ? json_loads(v, 0, NULL) : NULL;
    char *arn = g_strdup(svc_str(p, "deadLetterTargetArn"));
    json_decref(p);
    return arn;
}

json_t *sns_sub_attributes(sns_sub *s)
{
    json_t *out = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "SubscriptionArn", s->arn, "TopicArn",
                            s->topic->arn, "Owner", s->owner, "Protocol", s->protocol, "Endpoint",
                            s->endpoint ? s->endpoint : "", "PendingConfirmation", s->pending ? "true" : "false",
                            "ConfirmationWasAuthenticated", s->authenticated ? "true" : "false",
                            "RawMessageDelivery", "false");
    if (!strcmp(s->protocol, "http") || !strcmp(s->protocol, "https")) {
        const char *dp = svc_str(s->attrs, "DeliveryPolicy");
        json_object_set_new(out, "EffectiveDeliveryPolicy",
                            json_string(dp && *dp ? dp
                                                  : "{\"healthyRetryPolicy\":{\"minDelayTarget\":20,"
                                                    "\"maxDelayTarget\":20,\"numRetries\":3,\"numMaxDelayRetries\":0,"
                                                    "\"numNoDelayRetries\":0,\"numMinDelayRetries\":0,"
                                                    "\"backoffFunction\":\"linear\"},\"sicklyRetryPolicy\":null,"
                                                    "\"throttlePolicy\":null,\"guaranteed\":false}"));
    }
    json_object_update(out, s->attrs);
    if (json_object_get(s->attrs, "FilterPolicy") && !json_object_get(s->attrs, "FilterPolicyScope"))
        json_object_set_new(out, "FilterPolicyScope", json_string("MessageAttributes"));
    return out;
}

static int retries_in(const char *policy, bool topic_level)
{
    json_t *p = policy ? json_loads(policy, 0, NULL) : NULL;
    json_t *hrp = topic_level ? json_object_get(json_object_get(p, "http"), "defaultHealthyRetryPolicy")
                              : json_object_get(p, "healthyRetryPolicy");
    json_t *n = json_object_get(hrp, "numRetries");
    int r = json_is_integer(n) ? (int)json_integer_value(n) : -1;
    json_decref(p);
    /* mockaws retries quickly; more than 10 only makes a test slow */
    return r < 0 ? -1 : r > 10 ? 10 : r;
}

int sns_sub_retries(const sns_sub *s)
{
    int r = retries_in(svc_str(s->attrs, "DeliveryPolicy"), false);
    if (r < 0)
        r = retries_in(svc_str(s->topic->attrs, "DeliveryPolicy"), true);
    return r < 0 ? 3 : r;
}

char *sns_sub_content_type(const sns_sub *s)
{
    const char *sp = svc_str(s->attrs, "DeliveryPolicy");
    const char *tp = svc_str(s->topic->attrs, "DeliveryPolicy");
    json_t *p = sp ? json_loads(sp, 0, NULL) : NULL;
    json_t *t = tp ? json_loads(tp, 0, NULL) : NULL;
    const char *ct = svc_str(json_object_get(p, "requestPolicy"), "headerContentType");
    if (!ct)
        ct = svc_str(
            json_object_get(json_object_get(t, "http"), "defaultRequestPolicy"), "headerContentType");
    char *out = g_strdup(ct ? ct : "text/plain; charset=UTF-8");
    json_decref(p);
    json_decref(t);
    return out;
}

/* ---- fixtures ---- */

static int load_attrs(json_t *attrs, const char *what, char *err, size_t errlen,
                      int (*set)(void *obj, const char *k, const char *v, char *e, size_t el), void *obj)
{
    if (!attrs)
        return 0;
    if (!json_is_object(attrs)) {
        g_snprintf(err, errlen, "%s: \"attributes\" must be an object of strings", what);
        return -1;
    }
    const char *k;
    json_t *v;
    json_object_foreach(attrs, k, v) {
        char e[300];
        if (!json_is_string(v)) {
            g_snprintf(err, errlen, "%s: attribute %s must be a string", what, k);
            return -1;
        }
        if (set(obj, k, json_string_value(v), e, sizeof e) != 0) {
            g_snprintf(err, errlen, "%s: Invalid parameter: %s", what, e);
            return -1;
        }
    }
    return 0;
}

static int set_topic_attr(void *obj, const char *k, const char *v, char *e, size_t el)
{
    return sns_topic_set_attribute(obj, k, v, true, e, el);
}

static int set_sub_attr(void *obj, const char *k, const char *v, char *e, size_t el)
{
    return sns_sub_set_attribute(obj, k, v, e, el);
}

/* A subscription ARN that is the same every time the fixture loads. */
static char *fixture_sub_arn(const char *topic_arn, const char *protocol, const char *endpoint, size_t index)
{
    char *material = g_strdup_printf("%s|%s|%s|%zu", topic_arn, protocol, endpoint, index);
    char *h = g_compute_checksum_for_string(G_CHECKSUM_SHA256, material, -1);
    char *arn = g_strdup_printf("%s:%.8s-%.4s-4%.3s-a%.3s-%.12s", topic_arn, h, h + 8, h + 12, h + 15, h + 18);
    g_free(h);
    g_free(material);
    return arn;
}

static int load_topic(sns_state *st, json_t *o, size_t index, const svc_fixture_ctx *ctx, char *err, size_t errlen)
{
    char what[64];
    g_snprintf(what, sizeof what, "topics[%zu]", index);
    const char *k;
    json_t *v;
    if (!json_is_object(o)) {
        g_snprintf(err, errlen, "%s must be an object", what);
        return -1;
    }
    json_object_foreach(o, k, v) {
        if (strcmp(k, "name") && strcmp(k, "attributes") && strcmp(k, "tags") && strcmp(k, "subscriptions")) {
            g_snprintf(err, errlen, "%s: unknown field \"%s\" (known: name, attributes, tags, subscriptions)", what, k);
            return -1;
        }
    }
    const char *name = svc_str(o, "name");
    bool fifo = name && g_str_has_suffix(name, ".fifo");
    if (!name || !sns_topic_name_ok(name, fifo)) {
        g_snprintf(err, errlen, "%s: \"name\" must be a topic name (1..256 of A-Z a-z 0-9 _ -, plus .fifo)", what);
        return -1;
    }
    char *arn = g_strdup_printf("arn:%s:sns:%s:%s:%s", svc_partition(ctx->region), ctx->region, ctx->account, name);
    sns_topic *t = sns_topic_find(st, arn);
    if (t) {
        g_snprintf(err, errlen, "%s: topic %s already exists", what, name);
        g_free(arn);
        return -1;
    }
    t = sns_topic_add(st, arn, name, fifo);
    g_free(arn);
    if (load_attrs(json_object_get(o, "attributes"), what, err, errlen, set_topic_attr, t) != 0)
        return -1;
    json_t *tags = json_object_get(o, "tags");
    if (tags) {
        if (!json_is_object(tags)) {
            g_snprintf(err, errlen, "%s: \"tags\" must be {\"key\": \"value\"}", what);
            return -1;
        }
        json_object_foreach(tags, k, v) {
            if (!json_is_string(v)) {
                g_snprintf(err, errlen, "%s: tag %s must have a string value", what, k);
                return -1;
            }
            json_object_set(t->tags, k, v);
        }
    }
    json_t *subs = json_object_get(o, "subscriptions");
    if (subs && !json_is_array(subs)) {
        g_snprintf(err, errlen, "%s: \"subscriptions\" must be a list", what);
        return -1;
    }
    size_t i;
    json_array_foreach(subs, i, v) {
        char swhat[96];
        g_snprintf(swhat, sizeof swhat, "%s.subscriptions[%zu]", what, i);
        json_t *x;
        json_object_foreach(v, k, x) {
            if (strcmp(k, "protocol") && strcmp(k, "endpoint") && strcmp(k, "attributes") && strcmp(k, "pending")) {
                g_snprintf(err, errlen, "%s: unknown field \"%s\" (known: protocol, endpoint, attributes, pending)",
                           swhat, k);
                return -1;
            }
        }
        const char *proto = svc_str(v, "protocol");
        const char *endpoint = svc_str(v, "endpoint");
        if (!sns_protocol_known(proto) || !endpoint) {
            g_snprintf(err, errlen, "%s: needs \"protocol\" (http, https, email, email-json, sms, sqs, application, "
                                    "lambda, firehose) and \"endpoint\"",
                       swhat);
            return -1;
        }
        if ((!strcmp(proto, "http") || !strcmp(proto, "https")) && !sns_url_acceptable(endpoint, proto)) {
            g_snprintf(err, errlen, "%s: \"endpoint\" must be an %s:// URL of printable ASCII", swhat, proto);
            return -1;
        }
        char *sarn = fixture_sub_arn(t->arn, proto, endpoint, i);
        sns_sub *s = sns_sub_add(st, t, sarn, proto, endpoint, ctx->account);
        g_free(sarn);
        s->pending = svc_true(v, "pending");
        s->authenticated = !s->pending;
        if (s->pending) {
            char *tok = g_compute_checksum_for_string(G_CHECKSUM_SHA256, s->arn, -1);
            s->token = tok;
        }
        if (load_attrs(json_object_get(v, "attributes"), swhat, err, errlen, set_sub_attr, s) != 0)
            return -1;
    }
    return 0;
}

int sns_state_load(sns_state *st, json_t *section, const svc_fixture_ctx *ctx, char *err, size_t errlen)
{
    if (!json_is_object(section)) {
        g_snprintf(err, errlen, "the sns section must be an object");
        return -1;
    }
    const char *k;
    json_t *v;
    json_object_foreach(section, k, v) {
        if (strcmp(k, "topics") && strcmp(k, "sms") && strcmp(k, "platform_applications")) {
            g_snprintf(err, errlen, "unknown field \"%s\" (known: topics, sms, platform_applications)", k);
            return -1;
        }
    }
    json_t *topics = json_object_get(section, "topics");
    if (topics && !json_is_array(topics)) {
        g_snprintf(err, errlen, "\"topics\" must be a list");
        return -1;
    }
    size_t i;
    json_array_foreach(topics, i, v) if (load_topic(st, v, i, ctx, err, errlen) != 0) return -1;
    json_t *sms = json_object_get(section, "sms");
    if (sms && sns_sms_load(st->sms, sms, err, errlen) != 0)
        return -1;
    json_t *apps = json_object_get(section, "platform_applications");
    if (apps && sns_platform_load(st->platform, apps, ctx->account, ctx->region, err, errlen) != 0)
        return -1;
    return 0;
}

static gboolean dump_topic(gpointer key, gpointer value, gpointer data)
{
    (void)key;
    sns_topic *t = value;
    json_t *attrs = json_deep_copy(t->attrs);
    json_object_del(attrs, "FifoTopic");
    json_t *o = json_pack("{s:s, s:o, s:O, s:[]}", "name", t->name, "attributes", attrs, "tags", t->tags,
                          "subscriptions");
    for (guint i = 0; i < t->subs->len; i++) {
        sns_sub *s = g_ptr_array_index(t->subs, i);
        /* an endpoint is the client's bytes: core/jtext.h */
        const char *ep = s->endpoint ? s->endpoint : "";
        json_t *so = json_pack("{s:s, s:O}", "protocol", s->protocol, "attributes", s->attrs);
        svc_json_set_bytes(so, "endpoint", ep, strlen(ep));
        if (s->pending)
            json_object_set_new(so, "pending", json_true());
        json_array_append_new(json_object_get(o, "subscriptions"), so);
    }
    json_array_append_new(data, o);
    return FALSE;
}

json_t *sns_state_dump(sns_state *st)
{
    json_t *sms = sns_sms_dump(st->sms), *apps = sns_platform_dump(st->platform);
    if (!g_tree_nnodes(st->topics) && !sms && !apps)
        return NULL;
    json_t *list = json_array();
    g_tree_foreach(st->topics, dump_topic, list);
    json_t *out = json_pack("{s:o}", "topics", list);
    if (sms)
        json_object_set_new(out, "sms", sms);
    if (apps)
        json_object_set_new(out, "platform_applications", apps);
    return out;
}
