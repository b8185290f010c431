#include "services/sns/sns.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/inspect.h"
#include "services/respolicy.h"
#include "services/sns/authz.h"
#include "services/sns/httpc.h"
#include "services/sns/store.h"
#include "services/svc_api.h"

#define PAGE 100
#define MAX_MESSAGE 262144
#define MAX_ATTRIBUTES 10
#define MAX_BATCH 10
/* SQS takes at most 10 message attributes: more fail a raw delivery */
#define MAX_SQS_ATTRIBUTES 10
#define API_VERSION "2010-03-31"
#define HEX "0123456789abcdef"

/* SNS's InvalidParameter: "Invalid parameter: <what>". */
static int invalid(svc_call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int invalid(svc_call *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    aws_error_set(&c->err, "InvalidParameter", "Invalid parameter: %s", what);
    g_free(what);
    return -1;
}

static void iso_time(int64_t ms, char out[32])
{
    GDateTime *dt = g_date_time_new_from_unix_utc(ms / 1000);
    char *s = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S");
    g_snprintf(out, 32, "%s.%03dZ", s, (int)(ms % 1000));
    g_free(s);
    g_date_time_unref(dt);
}

/* Whether arn is an SNS ARN; *sub says whether it names a subscription
 * (a topic ARN plus ":<id>"). */
static bool arn_shape(const char *arn, bool *sub)
{
    char *region, *account, *rest;
    if (!sns_arn_split(arn, &region, &account, &rest))
        return false;
    *sub = strchr(rest, ':') != NULL;
    g_free(region);
    g_free(account);
    g_free(rest);
    return true;
}

/* The topic an ARN names in this namespace. InvalidParameter for what is
 * not a topic ARN, NotFound for a topic that does not exist (here). */
static sns_topic *topic_for(svc_call *c, const char *arn, const char *param)
{
    bool sub;
    if (!arn_shape(arn, &sub) || sub) {
        invalid(c, "%s", param);
        return NULL;
    }
    sns_topic *t = sns_topic_find(c->state, arn);
    if (!t)
        aws_error_set(&c->err, "NotFound", "Topic does not exist");
    return t;
}

static sns_sub *sub_for(svc_call *c, const char *arn)
{
    bool sub;
    if (!arn_shape(arn, &sub) || !sub) {
        invalid(c, "SubscriptionId");
        return NULL;
    }
    sns_sub *s = sns_sub_find(c->state, arn);
    if (!s)
        aws_error_set(&c->err, "NotFound", "Subscription does not exist");
    return s;
}

/* Page tokens: opaque to clients, a position to the server. */
static char *token_encode(const char *kind, const char *pos)
{
    char *raw = g_strdup_printf("%s:%s", kind, pos);
    char *t = g_base64_encode((const guchar *)raw, strlen(raw));
    g_free(raw);
    return t;
}

/* The position in the token of this kind in the input's member (NextToken,
 * or SMS's nextToken), g_malloc'd; NULL with err set when the token is not
 * one of ours. No token: "". */
static char *token_decode_in(svc_call *c, const char *kind, const char *member)
{
    const char *t = svc_str(c->input, member);
    if (!t || !*t)
        return g_strdup("");
    size_t len = strlen(t);
    if (len % 4 || strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != len) {
        invalid(c, "%s", member);
        return NULL;
    }
    gsize n;
    guchar *raw = g_base64_decode(t, &n);
    char *s = g_strndup((const char *)raw, n);
    g_free(raw);
    size_t klen = strlen(kind);
    if (strlen(s) != n || strncmp(s, kind, klen) != 0 || s[klen] != ':' || !g_utf8_validate(s, -1, NULL)) {
        g_free(s);
        invalid(c, "%s", member);
        return NULL;
    }
    char *pos = g_strdup(s + klen + 1);
    g_free(s);
    return pos;
}

static char *token_decode(svc_call *c, const char *kind) { return token_decode_in(c, kind, "NextToken"); }

/* One page of a GTree keyed by strings, after the position in the input's
 * token member: fn makes each entry of the page (at most limit). Sets
 * c->output to {list_member: [...]} plus token_member when more follow.
 * 0, or -1 with err set for a token that is not one of ours. */
static int tree_page(svc_call *c, GTree *tree, const char *kind, const char *token_member, const char *list_member,
                     size_t limit, json_t *(*fn)(gpointer key, gpointer value))
{
    char *after = token_decode_in(c, kind, token_member);
    if (!after)
        return -1;
    json_t *list = json_array();
    GTreeNode *n = *after ? g_tree_upper_bound(tree, after) : g_tree_node_first(tree);
    g_free(after);
    for (; n && json_array_size(list) < limit; n = g_tree_node_next(n))
        json_array_append_new(list, fn(g_tree_node_key(n), g_tree_node_value(n)));
    c->output = json_pack("{s:o}", list_member, list);
    if (n) {
        /* the token names the last one given */
        char *tok = token_encode(kind, g_tree_node_key(g_tree_node_previous(n)));
        json_object_set_new(c->output, token_member, json_string(tok));
        g_free(tok);
    }
    return 0;
}

/* ---- validation wording ---- */

/* SNS names the parameter, nothing more: "Invalid parameter: TopicArn". */
static void sns_validation_error(const violation *v, size_t n, aws_error *e)
{
    (void)n;
    /* CreateTopic's Name is the one top-level "Name": SNS calls it the
     * topic name ("zz%00" fails its name pattern) */
    const char *what = v->kind == VIOLATION_PATTERN && !strcmp(v->path, "Name") ? "Topic Name"
                       : v->member                                              ? v->member
                                                                                : "request";
    aws_error_set(e, "InvalidParameter", "Invalid parameter: %s", what);
}

static char *sns_resource_of(const char *operation, json_t *input)
{
    const char *arn = svc_str(input, "TopicArn");
    if (!arn)
        arn = svc_str(input, "TargetArn");
    if (!arn)
        arn = svc_str(input, "ResourceArn");
    if (!arn)
        arn = svc_str(input, "EndpointArn");
    if (!arn)
        arn = svc_str(input, "PlatformApplicationArn");
    if (arn)
        return g_strdup(arn);
    const char *sub = svc_str(input, "SubscriptionArn");
    if (sub && strchr(sub, ':'))
        return g_strndup(sub, (size_t)(strrchr(sub, ':') - sub));
    return NULL;
}

/* URL of this server for an action, routed to the right account and region
 * even when fetched without a signature (a subscriber following the
 * SubscribeURL). */
static char *action_url(svc_call *c, const char *action, const char *params)
{
    char *query = g_strdup_printf("Action=%s&%s&Version=%s", action, params, API_VERSION);
    char *url = svc_url(c, query);
    g_free(query);
    return url;
}

static char *enc(const char *s)
{
    GString *g = g_string_new(NULL);
    http_percent_encode(g, s, strlen(s), false);
    return g_string_free(g, FALSE);
}

/* A signature of the right shape. It cannot verify: mockaws has no key
 * that AWS's certificate matches. */
static char *fake_signature(const char *text)
{
    guchar bytes[256];
    for (int i = 0; i < 8; i++) {
        char *salted = g_strdup_printf("%d|%s", i, text);
        GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
        g_checksum_update(ck, (const guchar *)salted, -1);
        gsize len = 32;
        g_checksum_get_digest(ck, bytes + i * 32, &len);
        g_checksum_free(ck);
        g_free(salted);
    }
    return g_base64_encode(bytes, sizeof bytes);
}

static char *signing_cert_url(const char *region)
{
    return g_strdup_printf("https://sns.%s.amazonaws.com/SimpleNotificationService-mockaws.pem", region);
}

/* {name: {"Type", "Value"}} as the notification envelope carries them;
 * binary values base64-encoded. */
static json_t *envelope_attributes(json_t *attrs)
{
    json_t *out = json_object();
    const char *k;
    json_t *a;
    json_object_foreach(attrs, k, a) {
        const char *type = svc_str(a, "DataType");
        json_t *bin = json_object_get(a, "BinaryValue");
        char *value = bin ? g_base64_encode((const guchar *)json_string_value(bin), json_string_length(bin))
                          : g_strdup(svc_str(a, "StringValue") ? svc_str(a, "StringValue") : "");
        json_object_set_new(out, k, json_pack("{s:s, s:s}", "Type", type ? type : "String", "Value", value));
        g_free(value);
    }
    return out;
}

/* The input's attributes with binary values base64'd, for the log. */
static json_t *loggable_attributes(json_t *attrs)
{
    json_t *out = json_object();
    const char *k;
    json_t *a;
    json_object_foreach(attrs, k, a) {
        json_t *copy = json_pack("{s:s?}", "DataType", svc_str(a, "DataType"));
        if (svc_str(a, "StringValue"))
            json_object_set(copy, "StringValue", json_object_get(a, "StringValue"));
        json_t *bin = json_object_get(a, "BinaryValue");
        if (bin) {
            char *b64 = g_base64_encode((const guchar *)json_string_value(bin), json_string_length(bin));
            json_object_set_new(copy, "BinaryValue", json_string(b64));
            g_free(b64);
        }
        json_object_set_new(out, k, copy);
    }
    return out;
}

static char *dumps(json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT);
    char *out = g_strdup(s ? s : "{}");
    free(s);
    return out;
}

/* ---- delivery ---- */

static void submit_http(svc_call *c, sns_sub *s, const char *type, const char *message_id, char *body,
                        sns_outcome *o, int retries, bool raw)
{
    sns_state *st = c->state;
    sns_outcome_ref(st->log, o);
    sns_job *job = sns_job_new(s->endpoint, body, o, retries + 1);
    sns_job_header(job, "x-amz-sns-message-type", type);
    sns_job_header(job, "x-amz-sns-message-id", message_id);
    sns_job_header(job, "x-amz-sns-topic-arn", s->topic->arn);
    if (strcmp(type, "SubscriptionConfirmation") != 0)
        sns_job_header(job, "x-amz-sns-subscription-arn", s->arn);
    if (raw)
        sns_job_header(job, "x-amz-sns-rawdelivery", "true");
    char *ct = sns_sub_content_type(s);
    sns_job_header(job, "Content-Type", ct);
    g_free(ct);
    sns_job_header(job, "User-Agent", "Amazon Simple Notification Service Agent");
    sns_delivery_submit(st->delivery, job);
}

/* A published message, as handed to delivery. */
typedef struct message {
    const char *id;
    const char *text;
    const char *subject;    /* or NULL */
    const char *structure;  /* "json" or NULL */
    json_t *parsed;         /* the JSON of a structured message, or NULL */
    json_t *attributes;     /* input MessageAttributes, or NULL */
    const char *sequence;   /* FIFO, or NULL */
    const char *group_id;
    const char *dedup_id;
    const char *dedup_used; /* FIFO: the deduplication id in force (dedup_id, or the
                               content's hash), passed on to FIFO queues */
    sns_endpoint *endpoint; /* a Publish's TargetArn endpoint, or NULL */
    size_t size;            /* bytes the 256 KiB limit counts: the text and the attributes */
} message;

/* The text a protocol gets: its own key of a structured message, or
 * "default". */
static const char *text_for(const message *m, const char *protocol)
{
    if (!m->parsed)
        return m->text;
    const char *own = svc_str(m->parsed, protocol);
    return own ? own : svc_str(m->parsed, "default");
}

/* Appends v as JSON text (compact). */
static void append_json(GString *out, json_t *v)
{
    char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    g_string_append(out, text ? text : "null");
    free(text);
}

static void append_quoted(GString *out, const char *s)
{
    json_t *v = json_string(s);
    append_json(out, v);
    json_decref(v);
}

/* A notification's text as SNS lays it out: a member a line, " : "
 * between name and value, each message attribute on a line of its own
 * (consumers' fixtures are captures of it). env holds strings, and
 * MessageAttributes' object of objects. */
static char *envelope_text(json_t *env)
{
    GString *out = g_string_new("{");
    const char *k, *ak;
    json_t *v, *av;
    bool first = true;
    json_object_foreach(env, k, v) {
        g_string_append(out, first ? "\n  " : ",\n  ");
        first = false;
        append_quoted(out, k);
        g_string_append(out, " : ");
        if (!json_is_object(v)) {
            append_json(out, v);
            continue;
        }
        g_string_append(out, "{");
        bool afirst = true;
        json_object_foreach(v, ak, av) {
            g_string_append(out, afirst ? "\n    " : ",\n    ");
            afirst = false;
            append_quoted(out, ak);
            g_string_append(out, " : ");
            append_json(out, av);
        }
        g_string_append(out, afirst ? "}" : "\n  }");
    }
    g_string_append(out, "\n}");
    return g_string_free(out, FALSE);
}

static char *notification_body(svc_call *c, sns_sub *s, const message *m, const char *when)
{
    char *arn_enc = enc(s->arn);
    char *params = g_strdup_printf("SubscriptionArn=%s", arn_enc);
    char *unsub = action_url(c, "Unsubscribe", params);
    char *cert = signing_cert_url(c->region);
    json_t *env = json_pack("{s:s, s:s}", "Type", "Notification", "MessageId", m->id);
    if (m->sequence)
        json_object_set_new(env, "SequenceNumber", json_string(m->sequence));
    json_object_set_new(env, "TopicArn", json_string(s->topic->arn));
    if (m->subject)
        json_object_set_new(env, "Subject", json_string(m->subject));
    json_object_set_new(env, "Message", json_string(text_for(m, s->protocol)));
    json_object_set_new(env, "Timestamp", json_string(when));
    json_object_set_new(env, "SignatureVersion", json_string("1"));
    char *sig = fake_signature(m->id);
    json_object_set_new(env, "Signature", json_string(sig));
    json_object_set_new(env, "SigningCertURL", json_string(cert));
    json_object_set_new(env, "UnsubscribeURL", json_string(unsub));
    if (json_object_size(m->attributes))
        json_object_set_new(env, "MessageAttributes", envelope_attributes(m->attributes));
    char *body = envelope_text(env);
    json_decref(env);
    g_free(sig);
    g_free(cert);
    g_free(unsub);
    g_free(params);
    g_free(arn_enc);
    return body;
}

/* Sends body to the queue queue_arn names as SNS does for topic t: through
 * SQS's SendMessage (svc_invoke: the journal shows it, caller "sns"), when
 * the queue exists and its policy lets sns.amazonaws.com sqs:SendMessage
 * for the topic (in the queue's own account too). attributes (raw
 * delivery's), group_id and dedup_id may be NULL. 0, or -1 with *status
 * (the HTTP status SQS gave) and *why (g_malloc'd) set. */
static int send_to_queue(svc_call *c, sns_topic *t, const char *queue_arn, const char *body, json_t *attributes,
                         const char *group_id, const char *dedup_id, int *status, char **why)
{
    respolicy_request r = {.service = "sns.amazonaws.com",
                           .action = "sqs:SendMessage",
                           .resource = queue_arn,
                           .source_arn = t->arn,
                           .source_account = c->account};
    char *url = NULL;
    respolicy_queue_status qs = respolicy_queue(c, &r, &url);
    if (qs == RESPOLICY_QUEUE_MISSING) {
        *status = 400;
        *why = g_strdup("AWS.SimpleQueueService.NonExistentQueue: the queue does not exist");
        return -1;
    }
    if (qs == RESPOLICY_QUEUE_DENIED) {
        *status = 403;
        *why = g_strdup("AccessDenied: the queue's policy does not allow sns.amazonaws.com sqs:SendMessage "
                        "for this topic");
        g_free(url);
        return -1;
    }
    json_t *in = json_pack("{s:s, s:s}", "QueueUrl", url, "MessageBody", body), *out = NULL;
    if (json_object_size(attributes))
        json_object_set(in, "MessageAttributes", attributes);
    if (group_id)
        json_object_set_new(in, "MessageGroupId", json_string(group_id));
    if (dedup_id)
        json_object_set_new(in, "MessageDeduplicationId", json_string(dedup_id));
    aws_error err = AWS_ERROR_INIT;
    gchar **p = g_strsplit(queue_arn, ":", 6); /* respolicy_queue found it an SQS ARN */
    int rc = svc_invoke(c, "sqs", p[4], p[3], "SendMessage", in, &out, &err);
    if (rc != 0) {
        *status = err.status ? err.status : 400;
        *why = g_strdup_printf("%s: %s", err.code, err.message ? err.message : "");
    }
    g_strfreev(p);
    aws_error_clear(&err);
    json_decref(out);
    json_decref(in);
    g_free(url);
    return rc;
}

/* A delivery to s failed: SNS sends what it meant to deliver to the
 * subscription's dead-letter queue, if it has one, under the same rules
 * (the queue's policy must let SNS send for the topic), and o says where it
 * went. Client errors are not retried first (SNS retries only the server
 * errors of an SQS endpoint, which mockaws's SQS does not give). */
static void redrive(svc_call *c, sns_sub *s, sns_outcome *o, const char *body, json_t *attributes,
                    const message *m)
{
    char *dlq = sns_sub_dead_letter_target(s);
    if (!dlq)
        return;
    int status;
    char *why = NULL;
    if (send_to_queue(c, s->topic, dlq, body, attributes, m->group_id, m->dedup_used, &status, &why) == 0)
        sns_outcome_dead_letter(((sns_state *)c->state)->log, o, dlq, NULL);
    else
        sns_outcome_dead_letter(((sns_state *)c->state)->log, o, dlq, why);
    g_free(why);
    g_free(dlq);
}

/* Delivers m to the SQS queue subscription s names (send_to_queue). A
 * refusal fails the delivery, not the Publish; the outcome says why, and
 * the message goes to the subscription's dead-letter queue. */
static sns_outcome *deliver_sqs(svc_call *c, sns_sub *s, const message *m, const char *when)
{
    sns_log *log = ((sns_state *)c->state)->log;
    bool raw = sns_sub_raw(s);
    json_t *attributes = raw ? m->attributes : NULL;
    char *body = raw ? g_strdup(text_for(m, s->protocol)) : notification_body(c, s, m, when);
    sns_outcome *o = sns_outcome_new(s->arn, s->protocol, s->endpoint, "failed", NULL);
    int status = 400;
    char *why = NULL;
    if (json_object_size(attributes) > MAX_SQS_ATTRIBUTES)
        why = g_strdup("raw delivery to SQS carries at most 10 message attributes (a client error: not retried)");
    else if (send_to_queue(c, s->topic, s->endpoint, body, attributes, m->group_id, m->dedup_used, &status, &why) == 0)
        sns_outcome_set(log, o, "delivered", 1, 200, NULL);
    if (why) {
        sns_outcome_set(log, o, "failed", 1, status, why);
        redrive(c, s, o, body, attributes, m);
    }
    g_free(why);
    g_free(body);
    return o;
}

/* Sends (or records) the confirmation of a pending subscription: POSTed to
 * an http endpoint, sent as a message to a queue of another account (whose
 * owner confirms it with the token or the SubscribeURL), recorded for the
 * rest. */
static void send_confirmation(svc_call *c, sns_sub *s)
{
    sns_state *st = c->state;
    char mid[37], when[32];
    svc_uuid(c, mid);
    iso_time(c->now_ms, when);
    char *arn_enc = enc(s->topic->arn);
    char *params = g_strdup_printf("TopicArn=%s&Token=%s", arn_enc, s->token);
    char *url = action_url(c, "ConfirmSubscription", params);
    json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type", "SubscriptionConfirmation",
                            "topic_arn", s->topic->arn, "subscription_arn", s->arn, "token", s->token,
                            "subscribe_url", url, "account", c->account, "region", c->region, "time", when);
    /* https goes over TLS, the same way */
    bool http = !strcmp(s->protocol, "http") || !strcmp(s->protocol, "https");
    bool sqs = !strcmp(s->protocol, "sqs");
    sns_outcome *o = sns_outcome_new(s->arn, s->protocol, s->endpoint, http ? "queued" : "recorded",
                                     http || sqs ? NULL : "mockaws sends no email: confirm with the token");
    if (http || sqs) {
        char *text = g_strdup_printf("You have chosen to subscribe to the topic %s.\nTo confirm the "
                                        "subscription, visit the SubscribeURL included in this message.",
                                        s->topic->arn);
        char *cert = signing_cert_url(c->region);
        json_t *env = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "Type", "SubscriptionConfirmation",
                                "MessageId", mid, "Token", s->token, "TopicArn", s->topic->arn, "Message", text,
                                "SubscribeURL", url, "Timestamp", when, "SignatureVersion", "1", "SigningCertURL",
                                cert);
        char *unsigned_text = dumps(env);
        char *sig = fake_signature(unsigned_text);
        json_object_set_new(env, "Signature", json_string(sig));
        if (http) {
            submit_http(c, s, "SubscriptionConfirmation", mid, dumps(env), o, 3, false);
        } else {
            /* in a queue the confirmation is SNS's text, as notifications are */
            char *body = envelope_text(env);
            int status;
            char *why = NULL;
            if (send_to_queue(c, s->topic, s->endpoint, body, NULL, NULL, NULL, &status, &why) == 0)
                sns_outcome_set(st->log, o, "delivered", 1, 200, NULL);
            else
                sns_outcome_set(st->log, o, "failed", 1, status, why);
            g_free(why);
            g_free(body);
        }
        json_decref(env);
        g_free(unsigned_text);
        g_free(sig);
        g_free(cert);
        g_free(text);
    }
    sns_log_add_confirmation(st->log, doc, o);
    g_free(url);
    g_free(params);
    g_free(arn_enc);
}

/* What SNS would send an SMS with: the message's AWS.SNS.SMS.* attributes,
 * else the account's defaults (SetSMSAttributes), and how many SMS
 * messages the text takes. */
static json_t *sms_details(svc_call *c, const message *m)
{
    const sns_sms *sms = ((sns_state *)c->state)->sms;
    json_t *a = m->attributes;
    const char *sender = svc_str(json_object_get(a, "AWS.SNS.SMS.SenderID"), "StringValue");
    const char *type = svc_str(json_object_get(a, "AWS.SNS.SMS.SMSType"), "StringValue");
    const char *price = svc_str(json_object_get(a, "AWS.SNS.SMS.MaxPrice"), "StringValue");
    unsigned segments;
    sns_sms_text_ok(text_for(m, "sms"), &segments);
    json_t *out = json_pack("{s:s, s:I}", "sms_type",
                            type ? type : svc_str(sms->attrs, "DefaultSMSType") ? svc_str(sms->attrs, "DefaultSMSType")
                                                                                 : "Promotional",
                            "segments", (json_int_t)segments);
    if (sender || svc_str(sms->attrs, "DefaultSenderID"))
        json_object_set_new(out, "sender_id", json_string(sender ? sender : svc_str(sms->attrs, "DefaultSenderID")));
    if (price)
        json_object_set_new(out, "max_price", json_string(price));
    return out;
}

/* An SMS to phone (from a Publish, or an sms subscription sub_arn):
 * recorded, not sent. SNS does not text a number that opted out, nor,
 * from an account in the SMS sandbox, one that is not a verified
 * destination; the Publish still succeeds. */
static sns_outcome *deliver_sms(svc_call *c, const char *sub_arn, const message *m, const char *phone)
{
    const sns_sms *sms = ((sns_state *)c->state)->sms;
    unsigned segments;
    const char *text = text_for(m, "sms");
    const char *why = sns_sms_opted_out(sms, phone) ? "the phone number opted out of SMS: SNS does not send to it"
                      : sms->in_sandbox && g_strcmp0(g_tree_lookup(sms->sandbox, phone), "Verified")
                          ? "the account is in the SMS sandbox and the number is not a verified destination"
                      : !sns_sms_text_ok(text, &segments) ? "longer than SMS's 1600 characters"
                                                          : NULL;
    sns_outcome *o = sns_outcome_new(sub_arn, "sms", phone, why ? "failed" : "recorded",
                                     why ? why : "mockaws records SMS messages without sending them");
    if (m->parsed)
        o->payload = g_strdup(text);
    return o;
}

/* A push to a platform endpoint (a Publish's TargetArn, or an application
 * subscription sub_arn): recorded with what the platform would get, its
 * own key of a structured message or "default". A disabled endpoint or one
 * that is gone fails. */
static sns_outcome *deliver_endpoint(svc_call *c, const char *sub_arn, const message *m, const char *arn)
{
    sns_endpoint *e = sns_endpoint_find(((sns_state *)c->state)->platform, arn);
    const char *why = !e ? "the endpoint does not exist" : !sns_endpoint_enabled(e) ? "Endpoint is disabled" : NULL;
    sns_outcome *o = sns_outcome_new(sub_arn, "application", arn, why ? "failed" : "recorded",
                                     why ? why : "mockaws records pushes to platform endpoints without sending them");
    if (e)
        o->payload = g_strdup(text_for(m, e->app->platform));
    return o;
}

/* Logs the message and delivers it to every subscription of the topic. */
static void deliver(svc_call *c, sns_topic *t, const message *m, const char *phone)
{
    sns_state *st = c->state;
    char when[32];
    iso_time(c->now_ms, when);
    json_t *doc = json_pack("{s:s, s:s?, s:s, s:s, s:s, s:s, s:I}", "message_id", m->id, "topic_arn",
                            t ? t->arn : NULL, "account", c->account, "region", c->region, "message", m->text,
                            "time", when, "time_ms", (json_int_t)c->now_ms);
    if (phone)
        json_object_set_new(doc, "phone_number", json_string(phone));
    if (m->subject)
        json_object_set_new(doc, "subject", json_string(m->subject));
    if (m->structure)
        json_object_set_new(doc, "message_structure", json_string(m->structure));
    json_object_set_new(doc, "attributes", loggable_attributes(m->attributes));
    if (m->group_id)
        json_object_set_new(doc, "group_id", json_string(m->group_id));
    if (m->dedup_id)
        json_object_set_new(doc, "deduplication_id", json_string(m->dedup_id));
    if (m->sequence)
        json_object_set_new(doc, "sequence_number", json_string(m->sequence));

    GPtrArray *outcomes = g_ptr_array_new();
    if (phone) {
        json_object_set_new(doc, "sms", sms_details(c, m));
        g_ptr_array_add(outcomes, deliver_sms(c, NULL, m, phone));
    }
    if (m->endpoint) {
        json_object_set_new(doc, "target_arn", json_string(m->endpoint->arn));
        g_ptr_array_add(outcomes, deliver_endpoint(c, NULL, m, m->endpoint->arn));
    }
    for (guint i = 0; t && i < t->subs->len; i++) {
        sns_sub *s = g_ptr_array_index(t->subs, i);
        sns_outcome *o;
        if (s->pending) {
            o = sns_outcome_new(s->arn, s->protocol, s->endpoint, "pending_confirmation", NULL);
        } else if (!sns_policy_matches(s->policy, m->attributes, text_for(m, s->protocol))) {
            o = sns_outcome_new(s->arn, s->protocol, s->endpoint, "filtered", NULL);
        } else if (!strcmp(s->protocol, "http") || !strcmp(s->protocol, "https")) {
            o = sns_outcome_new(s->arn, s->protocol, s->endpoint, "queued", NULL);
            bool raw = sns_sub_raw(s);
            char *body = raw ? g_strdup(text_for(m, s->protocol)) : notification_body(c, s, m, when);
            submit_http(c, s, "Notification", m->id, body, o, sns_sub_retries(s), raw);
        } else if (!strcmp(s->protocol, "sqs")) {
            o = deliver_sqs(c, s, m, when);
        } else if (!strcmp(s->protocol, "sms")) {
            o = deliver_sms(c, s->arn, m, s->endpoint);
        } else if (!strcmp(s->protocol, "application")) {
            o = deliver_endpoint(c, s->arn, m, s->endpoint);
        } else {
            char note[96];
            g_snprintf(note, sizeof note, "mockaws records %s deliveries without sending them", s->protocol);
            o = sns_outcome_new(s->arn, s->protocol, s->endpoint, "recorded", note);
        }
        g_ptr_array_add(outcomes, o);
    }
    sns_log_add(st->log, doc, outcomes);
}

/* ---- topics ---- */

static const char *const fifo_name_msg =
    "Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, "
    "numbers, underscores, and hyphens, and must be between 1 and 256 characters long.";

/* Tags [{Key, Value}] checked: not too many (first: the count is SNS's
 * first check and bounds the rest), no reserved prefix, no repeats (a hash
 * set, so that a long list costs linear time under the write lock). */
static int check_tags(svc_call *c, json_t *tags)
{
    if (json_array_size(tags) > SNS_MAX_TAGS)
        return aws_error_set(&c->err, "TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded");
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    int rc = 0;
    size_t i;
    json_t *a;
    json_array_foreach(tags, i, a) {
        const char *k = svc_str(a, "Key");
        if (k && g_str_has_prefix(k, "aws:")) {
            rc = invalid(c, "Tags Reason: Keys can't start with the reserved prefix 'aws:'");
            break;
        }
        if (k && !g_hash_table_add(seen, (gpointer)k)) {
            rc = invalid(c, "Duplicated keys are not allowed.");
            break;
        }
    }
    g_hash_table_destroy(seen);
    return rc;
}

static int create_topic(svc_call *c)
{
    sns_state *st = c->state;
    const char *name = svc_str(c->input, "Name");
    json_t *attrs = json_object_get(c->input, "Attributes");
    json_t *tags = json_object_get(c->input, "Tags");
    const char *fifo_attr = svc_str(attrs, "FifoTopic");
    bool fifo = fifo_attr && !g_ascii_strcasecmp(fifo_attr, "true");
    if (fifo && !sns_topic_name_ok(name, true))
        return invalid(c, "%s", fifo_name_msg);
    if (!fifo && !sns_topic_name_ok(name, false))
        return invalid(c, "Topic Name");
    if (check_tags(c, tags) != 0)
        return -1;
    char *arn = g_strdup_printf("arn:%s:sns:%s:%s:%s", svc_partition(c->region), c->region, c->account, name);
    c->resource = g_strdup(arn);
    sns_topic *t = sns_topic_find(st, arn);
    if (t) {
        /* CreateTopic is idempotent for the same name, attributes and tags */
        const char *k;
        json_t *v;
        json_object_foreach(attrs, k, v) {
            const char *have = svc_str(t->attrs, k);
            if (!strcmp(k, "FifoTopic"))
                have = t->fifo ? "true" : "false";
            if (g_strcmp0(have, json_string_value(v)) != 0) {
                g_free(arn);
                return invalid(c, "Attributes Reason: Topic already exists with different attributes");
            }
        }
        size_t i;
        json_array_foreach(tags, i, v) {
            if (g_strcmp0(svc_str(t->tags, svc_str(v, "Key")), svc_str(v, "Value")) != 0) {
                g_free(arn);
                return invalid(c, "Tags Reason: Topic already exists with different tags");
            }
        }
        c->output = json_pack("{s:s}", "TopicArn", arn);
        g_free(arn);
        return 0;
    }
    if (g_tree_nnodes(st->topics) >= SNS_MAX_TOPICS) {
        g_free(arn);
        return aws_error_set(&c->err, "TopicLimitExceeded", "Topic limit exceeded");
    }
    t = sns_topic_add(st, arn, name, fifo);
    const char *k;
    json_t *v;
    char err[400];
    json_object_foreach(attrs, k, v) {
        if (sns_topic_set_attribute(t, k, json_string_value(v), true, err, sizeof err) != 0) {
            sns_topic_remove(st, t);
            g_free(arn);
            return invalid(c, "%s", err);
        }
    }
    if (svc_str(c->input, "DataProtectionPolicy") &&
        sns_topic_set_attribute(t, "DataProtectionPolicy", svc_str(c->input, "DataProtectionPolicy"), true, err,
                                sizeof err) != 0) {
        sns_topic_remove(st, t);
        g_free(arn);
        return invalid(c, "%s", err);
    }
    size_t i;
    json_array_foreach(tags, i, v) json_object_set(t->tags, svc_str(v, "Key"), json_object_get(v, "Value"));
    c->output = json_pack("{s:s}", "TopicArn", arn);
    g_free(arn);
    return 0;
}

static int delete_topic(svc_call *c)
{
    sns_topic *t = topic_for(c, svc_str(c->input, "TopicArn"), "TopicArn");
    if (!t && !strcmp(c->err.code, "NotFound")) {
        /* deleting what is not there succeeds, as on AWS */
        aws_error_clear(&c->err);
        return 0;
    }
    if (!t)
        return -1;
    sns_topic_remove(c->state, t);
    return 0;
}

static json_t *topic_entry(gpointer key, gpointer value)
{
    (void)value;
    return json_pack("{s:s}", "TopicArn", (const char *)key);
}

static int list_topics(svc_call *c)
{
    return tree_page(c, ((sns_state *)c->state)->topics, "topics", "NextToken", "Topics", PAGE, topic_entry);
}

static int get_topic_attributes(svc_call *c)
{
    sns_topic *t = topic_for(c, svc_str(c->input, "TopicArn"), "TopicArn");
    if (!t)
        return -1;
    c->output = json_pack("{s:o}", "Attributes", sns_topic_attributes(t, c->account));
    return 0;
}

static int set_topic_attributes(svc_call *c)
{
    sns_topic *t = topic_for(c, svc_str(c->input, "TopicArn"), "TopicArn");
    if (!t)
        return -1;
    char err[400];
    if (sns_topic_set_attribute(t, svc_str(c->input, "AttributeName"), svc_str(c->input, "AttributeValue"), false, err,
                                sizeof err) != 0)
        return invalid(c, "%s", err);
    return 0;
}

static sns_topic *tagged_resource(svc_call *c)
{
    const char *arn = svc_str(c->input, "ResourceArn");
    sns_topic *t = sns_topic_find(c->state, arn);
    if (!t)
        aws_error_set(&c->err, "ResourceNotFound", "Resource does not exist");
    return t;
}

static int tag_resource(svc_call *c)
{
    sns_topic *t = tagged_resource(c);
    json_t *tags = json_object_get(c->input, "Tags");
    if (!t || check_tags(c, tags) != 0)
        return -1;
    size_t i, added = 0;
    json_t *v;
    json_array_foreach(tags, i, v) added += !json_object_get(t->tags, svc_str(v, "Key"));
    if (json_object_size(t->tags) + added > SNS_MAX_TAGS)
        return aws_error_set(&c->err, "TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded");
    json_array_foreach(tags, i, v) json_object_set(t->tags, svc_str(v, "Key"), json_object_get(v, "Value"));
    return 0;
}

static int untag_resource(svc_call *c)
{
    sns_topic *t = tagged_resource(c);
    if (!t)
        return -1;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(c->input, "TagKeys"), i, v) json_object_del(t->tags, json_string_value(v));
    return 0;
}

static int list_tags_for_resource(svc_call *c)
{
    sns_topic *t = tagged_resource(c);
    if (!t)
        return -1;
    json_t *list = json_array();
    const char *k;
    json_t *v;
    json_object_foreach(t->tags, k, v) json_array_append_new(list, json_pack("{s:s, s:O}", "Key", k, "Value", v));
    c->output = json_pack("{s:o}", "Tags", list);
    return 0;
}

/* ---- subscriptions ---- */

static bool arn_of_service(const char *s, const char *service)
{
    char **p = g_strsplit(s ? s : "", ":", 6);
    bool ok = g_strv_length(p) == 6 && !strcmp(p[0], "arn") && !strcmp(p[2], service) && p[5][0];
    g_strfreev(p);
    return ok;
}

static int check_endpoint(svc_call *c, const char *proto, const char *endpoint, sns_topic *t)
{
    if (!endpoint || !*endpoint)
        return invalid(c, "Endpoint");
    if (!strcmp(proto, "http") || !strcmp(proto, "https")) {
        char prefix[16];
        g_snprintf(prefix, sizeof prefix, "%s://", proto);
        if (g_ascii_strncasecmp(endpoint, prefix, strlen(prefix)) != 0 || !endpoint[strlen(prefix)])
            return invalid(c, "Endpoint must match the specified protocol");
        /* a URL, and one whose bytes can go into a request unchanged */
        if (!sns_url_acceptable(endpoint, proto))
            return invalid(c, "Endpoint");
    } else if (!strcmp(proto, "email") || !strcmp(proto, "email-json")) {
        const char *at = strchr(endpoint, '@');
        if (!at || at == endpoint || !at[1] || strchr(at + 1, '@'))
            return invalid(c, "Email address");
    } else if (!strcmp(proto, "sms")) {
        if (!sns_e164_ok(endpoint))
            return invalid(c, "Invalid SMS endpoint: %s", endpoint);
    } else if (!strcmp(proto, "sqs")) {
        if (!arn_of_service(endpoint, "sqs"))
            return invalid(c, "SQS endpoint ARN");
        bool q_fifo = g_str_has_suffix(endpoint, ".fifo");
        if (q_fifo && !t->fifo)
            return invalid(c, "Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics");
        if (!q_fifo && t->fifo)
            return invalid(c, "Endpoint Reason: Please use FIFO SQS queue");
    } else if (!strcmp(proto, "lambda")) {
        if (!arn_of_service(endpoint, "lambda"))
            return invalid(c, "Lambda endpoint ARN");
    } else if (!strcmp(proto, "firehose")) {
        if (!arn_of_service(endpoint, "firehose"))
            return invalid(c, "Firehose endpoint ARN");
    } else if (!strcmp(proto, "application")) {
        if (!arn_of_service(endpoint, "sns") || !strstr(endpoint, ":endpoint/"))
            return invalid(c, "Application endpoint arn invalid:%s", endpoint);
        if (!sns_endpoint_find(((sns_state *)c->state)->platform, endpoint))
            return invalid(c, "Endpoint Reason: Endpoint does not exist for endpoint arn%s", endpoint);
    }
    return 0;
}

/* Whether a new subscription waits for ConfirmSubscription: endpoints SNS
 * cannot vouch for, and a queue of another account than the caller's (the
 * topic owner subscribing it: its owner confirms; a queue's owner
 * subscribing it needs no confirmation). */
static bool needs_confirmation(svc_call *c, const char *proto, const char *endpoint)
{
    if (!strcmp(proto, "sqs")) {
        gchar **p = g_strsplit(endpoint, ":", 6); /* check_endpoint: an SQS ARN */
        bool other = strcmp(p[4], c->account) != 0;
        g_strfreev(p);
        return other;
    }
    return !strcmp(proto, "http") || !strcmp(proto, "https") || !strcmp(proto, "email") ||
           !strcmp(proto, "email-json");
}

static int subscribe(svc_call *c)
{
    sns_state *st = c->state;
    sns_topic *t = topic_for(c, svc_str(c->input, "TopicArn"), "TopicArn");
    if (!t)
        return -1;
    const char *proto = svc_str(c->input, "Protocol");
    const char *endpoint = svc_str(c->input, "Endpoint");
    if (!sns_protocol_known(proto))
        return invalid(c, "Amazon SNS does not support this protocol string: %s", proto);
    if (check_endpoint(c, proto, endpoint, t) != 0)
        return -1;
    json_t *attrs = json_object_get(c->input, "Attributes");
    bool want_arn = svc_true(c->input, "ReturnSubscriptionArn");

    /* The attributes are checked on a scratch subscription first, so that a
     * bad one leaves nothing behind. */
    sns_sub scratch = {.protocol = (char *)proto, .endpoint = (char *)endpoint, .topic = t, .attrs = json_object()};
    char err[400];
    const char *k;
    json_t *v;
    json_object_foreach(attrs, k, v) {
        if (sns_sub_set_attribute(&scratch, k, json_string_value(v), err, sizeof err) != 0) {
            json_decref(scratch.attrs);
            sns_policy_free(scratch.policy);
            return invalid(c, "%s", err);
        }
    }

    for (guint i = 0; i < t->subs->len; i++) {
        sns_sub *s = g_ptr_array_index(t->subs, i);
        if (strcmp(s->protocol, proto) || g_strcmp0(s->endpoint, endpoint))
            continue;
        /* Subscribe is idempotent for the same endpoint and attributes */
        bool same = true;
        json_object_foreach(scratch.attrs, k, v) same = same && json_equal(json_object_get(s->attrs, k), v);
        json_decref(scratch.attrs);
        sns_policy_free(scratch.policy);
        if (!same)
            return invalid(c, "Attributes Reason: Subscription already exists with different attributes");
        if (s->pending)
            send_confirmation(c, s); /* again, as SNS resends it */
        c->output = json_pack("{s:s}", "SubscriptionArn", s->pending && !want_arn ? "pending confirmation" : s->arn);
        return 0;
    }
    if (g_hash_table_size(st->subs) >= SNS_MAX_SUBSCRIPTIONS) {
        json_decref(scratch.attrs);
        sns_policy_free(scratch.policy);
        return aws_error_set(&c->err, "SubscriptionLimitExceeded", "Subscription limit exceeded");
    }
    char uuid[37];
    svc_uuid(c, uuid);
    char *arn = g_strdup_printf("%s:%s", t->arn, uuid);
    sns_sub *s = sns_sub_add(st, t, arn, proto, endpoint, c->account);
    g_free(arn);
    json_decref(s->attrs);
    s->attrs = scratch.attrs;
    s->policy = scratch.policy;
    if (needs_confirmation(c, proto, endpoint)) {
        s->pending = true;
        s->token = g_malloc(129);
        svc_random_string(c, s->token, 128, HEX);
        s->token[128] = '\0';
        send_confirmation(c, s);
    } else {
        s->authenticated = true;
    }
    c->output = json_pack("{s:s}", "SubscriptionArn", s->pending && !want_arn ? "pending confirmation" : s->arn);
    return 0;
}

static int confirm_subscription(svc_call *c)
{
    sns_topic *t = topic_for(c, svc_str(c->input, "TopicArn"), "Topic");
    if (!t)
        return -1;
    const char *token = svc_str(c->input, "Token");
    for (guint i = 0; i < t->subs->len; i++) {
        sns_sub *s = g_ptr_array_index(t->subs, i);
        if (!s->token || strcmp(s->token, token) != 0)
            continue;
        if (s->pending) {
            s->pending = false;
            /* a signed request, or one that asks for it, counts as authenticated */
            const char *auth = http_request_header(c->req, "authorization");
            const char *aou = svc_str(c->input, "AuthenticateOnUnsubscribe");
            s->authenticated = (auth && *auth) || (aou && !g_ascii_strcasecmp(aou, "true"));
        }
        c->output = json_pack("{s:s}", "SubscriptionArn", s->arn);
        return 0;
    }
    return invalid(c, "Token");
}

static int unsubscribe(svc_call *c)
{
    sns_sub *s = sub_for(c, svc_str(c->input, "SubscriptionArn"));
    if (!s && !strcmp(c->err.code, "NotFound")) {
        aws_error_clear(&c->err); /* unsubscribing twice is fine */
        return 0;
    }
    if (!s)
        return -1;
    sns_sub_remove(c->state, s);
    return 0;
}

static json_t *sub_summary(sns_sub *s)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "SubscriptionArn", s->pending ? "PendingConfirmation" : s->arn,
                     "Owner", s->owner, "Protocol", s->protocol, "Endpoint", s->endpoint ? s->endpoint : "",
                     "TopicArn", s->topic->arn);
}

static bool parse_seq(const char *s, guint64 *out)
{
    if (!*s) {
        *out = 0;
        return true;
    }
    char *end;
    *out = g_ascii_strtoull(s, &end, 10);
    return g_ascii_isdigit(*s) && !*end;
}

static int list_subscriptions(svc_call *c)
{
    sns_state *st = c->state;
    char *after = token_decode(c, "subs");
    guint64 seq;
    if (!after)
        return -1;
    if (!parse_seq(after, &seq)) {
        g_free(after);
        return invalid(c, "NextToken");
    }
    g_free(after);
    json_t *list = json_array();
    GTreeNode *n = g_tree_upper_bound(st->subs_by_seq, &seq);
    guint64 last = 0;
    for (; n && json_array_size(list) < PAGE; n = g_tree_node_next(n)) {
        sns_sub *s = g_tree_node_value(n);
        json_array_append_new(list, sub_summary(s));
        last = s->seq;
    }
    c->output = json_pack("{s:o}", "Subscriptions", list);
    if (n) {
        char pos[32];
        g_snprintf(pos, sizeof pos, "%" G_GUINT64_FORMAT, last);
        char *tok = token_encode("subs", pos);
        json_object_set_new(c->output, "NextToken", json_string(tok));
        g_free(tok);
    }
    return 0;
}

static int list_subscriptions_by_topic(svc_call *c)
{
    sns_topic *t = topic_for(c, svc_str(c->input, "TopicArn"), "TopicArn");
    if (!t)
        return -1;
    char *after = token_decode(c, "subs");
    guint64 seq;
    if (!after)
        return -1;
    if (!parse_seq(after, &seq)) {
        g_free(after);
        return invalid(c, "NextToken");
    }
    g_free(after);
    json_t *list = json_array();
    guint i = 0;
    while (i < t->subs->len && ((sns_sub *)g_ptr_array_index(t->subs, i))->seq <= seq)
        i++;
    guint64 last = 0;
    for (; i < t->subs->len && json_array_size(list) < PAGE; i++) {
        sns_sub *s = g_ptr_array_index(t->subs, i);
        json_array_append_new(list, sub_summary(s));
        last = s->seq;
    }
    c->output = json_pack("{s:o}", "Subscriptions", list);
    if (i < t->subs->len) {
        char pos[32];
        g_snprintf(pos, sizeof pos, "%" G_GUINT64_FORMAT, last);
        char *tok = token_encode("subs", pos);
        json_object_set_new(c->output, "NextToken", json_string(tok));
        g_free(tok);
    }
    return 0;
}

static int get_subscription_attributes(svc_call *c)
{
    sns_sub *s = sub_for(c, svc_str(c->input, "SubscriptionArn"));
    if (!s)
        return -1;
    c->output = json_pack("{s:o}", "Attributes", sns_sub_attributes(s));
    return 0;
}

static int set_subscription_attributes(svc_call *c)
{
    sns_sub *s = sub_for(c, svc_str(c->input, "SubscriptionArn"));
    if (!s)
        return -1;
    char err[400];
    if (sns_sub_set_attribute(s, svc_str(c->input, "AttributeName"), svc_str(c->input, "AttributeValue"), err,
                              sizeof err) != 0)
        return invalid(c, "%s", err);
    return 0;
}

/* ---- publishing ---- */

static bool attribute_name_ok(const char *n)
{
    size_t len = strlen(n);
    if (!len || n[0] == '.' || n[len - 1] == '.' || strstr(n, ".."))
        return false;
    for (const char *p = n; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-' && *p != '.')
            return false;
    return true;
}

/* MessageAttributes as SNS checks them; *size grows by their bytes. */
static int check_attributes(svc_call *c, json_t *attrs, size_t *size)
{
    size_t n = json_object_size(attrs);
    if (n > MAX_ATTRIBUTES)
        return aws_error_set(&c->err, "ParameterValueInvalid",
                             "Number of message attributes [%zu] exceeds the allowed maximum [%d].", n, MAX_ATTRIBUTES);
    const char *name;
    json_t *a;
    json_object_foreach(attrs, name, a) {
        if (strlen(name) > 256)
            return aws_error_set(&c->err, "ParameterValueInvalid",
                                 "Length of message attribute name must be less than 256 bytes.");
        if (!attribute_name_ok(name))
            return aws_error_set(&c->err, "ParameterValueInvalid",
                                 "Invalid message attribute name '%s': names can only include alphanumeric "
                                 "characters, hyphens, underscores, or dots, and cannot start or end with a dot "
                                 "or hold two in a row.",
                                 name);
        const char *type = svc_str(a, "DataType");
        if (!type)
            return invalid(c, "MessageAttributes");
        bool is_bin = !strcmp(type, "Binary") || g_str_has_prefix(type, "Binary.");
        bool is_num = !strcmp(type, "Number") || g_str_has_prefix(type, "Number.");
        bool is_str = !strcmp(type, "String") || g_str_has_prefix(type, "String.");
        if ((!is_bin && !is_num && !is_str) || g_str_has_suffix(type, "."))
            return aws_error_set(&c->err, "ParameterValueInvalid",
                                 "The message attribute '%s' has an invalid message attribute type, the set of "
                                 "supported type prefixes is Binary, Number, and String.",
                                 name);
        const char *field = is_bin ? "BinaryValue" : "StringValue";
        json_t *val = json_object_get(a, field);
        if (!val)
            return aws_error_set(&c->err, "ParameterValueInvalid",
                                 "The message attribute '%s' with type '%s' must use field '%s'.", name, type,
                                 is_bin ? "Binary" : "String");
        if (!json_string_length(val))
            return aws_error_set(&c->err, "ParameterValueInvalid",
                                 "The message attribute '%s' must contain non-empty message attribute value for "
                                 "message attribute type '%s'.",
                                 name, type);
        if (is_num) {
            char *end;
            double d = g_ascii_strtod(json_string_value(val), &end);
            if (*end || !isfinite(d))
                return aws_error_set(&c->err, "ParameterValueInvalid",
                                     "Could not cast message attribute '%s' value to number.", name);
        }
        if (!strcmp(type, "String.Array")) {
            json_t *arr = json_loads(json_string_value(val), JSON_DECODE_ANY, NULL);
            bool ok = json_is_array(arr);
            size_t i;
            json_t *x;
            json_array_foreach(arr, i, x) ok = ok && !json_is_object(x) && !json_is_array(x);
            json_decref(arr);
            if (!ok)
                return aws_error_set(&c->err, "ParameterValueInvalid",
                                     "The message attribute '%s' with type 'String.Array' must be a JSON array of "
                                     "strings, numbers, true, false or null.",
                                     name);
        }
        *size += strlen(name) + strlen(type) + json_string_length(val);
    }
    return 0;
}

static bool subject_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n >= 100 || !(g_ascii_isalnum(s[0]) || g_ascii_ispunct(s[0])))
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
            return false;
    return true;
}

/* Checks one message (Publish's input, or a batch entry) and fills m.
 * m->parsed is a new reference on success. */
static int check_message(svc_call *c, json_t *in, sns_topic *t, message *m)
{
    memset(m, 0, sizeof *m);
    m->text = svc_str(in, "Message");
    m->subject = svc_str(in, "Subject");
    m->structure = svc_str(in, "MessageStructure");
    m->attributes = json_object_get(in, "MessageAttributes");
    m->group_id = svc_str(in, "MessageGroupId");
    m->dedup_id = svc_str(in, "MessageDeduplicationId");
    if (!m->text || !*m->text)
        return invalid(c, "Empty message");
    if (m->subject && !subject_ok(m->subject))
        return invalid(c, "Subject");
    size_t size = strlen(m->text);
    if (check_attributes(c, m->attributes, &size) != 0)
        return -1;
    m->size = size;
    if (size > MAX_MESSAGE)
        return invalid(c, "Message too long");
    if (m->structure) {
        if (strcmp(m->structure, "json") != 0)
            return invalid(c, "MessageStructure");
        json_t *p = json_loads(m->text, 0, NULL);
        if (!json_is_object(p)) {
            json_decref(p);
            return invalid(c, "Message Structure - JSON message body failed to parse");
        }
        if (!json_is_string(json_object_get(p, "default"))) {
            json_decref(p);
            return invalid(c, "Message Structure - No default entry in JSON message body");
        }
        m->parsed = p;
    }
    if (t && t->fifo) {
        if (!m->group_id)
            return invalid(c, "The MessageGroupId parameter is required for FIFO topics");
        const char *cbd = svc_str(t->attrs, "ContentBasedDeduplication");
        if (!m->dedup_id && !(cbd && !strcmp(cbd, "true")))
            return invalid(c, "The topic should either have ContentBasedDeduplication enabled or "
                              "MessageDeduplicationId provided explicitly");
    } else if (t && m->dedup_id) {
        return invalid(c, "MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter "
                          "that is not valid for this topic type");
    }
    if (m->group_id && (strlen(m->group_id) > 128 || !*m->group_id))
        return invalid(c, "MessageGroupId Reason: MessageGroupId must be 1 to 128 characters long");
    return 0;
}

/* Publishes a checked message: FIFO deduplication and sequence, then the
 * log and delivery. Fills message_id (37 bytes) and seq (32 bytes, "" for
 * standard topics). */
static void publish_checked(svc_call *c, sns_topic *t, message *m, const char *phone, char *message_id, char *seq)
{
    seq[0] = '\0';
    svc_uuid(c, message_id);
    if (t && t->fifo) {
        char *content_id = NULL;
        const char *dedup = m->dedup_id;
        if (!dedup)
            dedup = content_id = g_compute_checksum_for_string(G_CHECKSUM_SHA256, m->text, -1);
        sns_dedup *d = sns_topic_dedup_find(t, dedup, c->now_ms);
        if (d) {
            /* a duplicate within five minutes: accepted, not delivered again */
            g_strlcpy(message_id, d->message_id, 37);
            g_strlcpy(seq, d->sequence, 32);
            g_free(content_id);
            return;
        }
        g_snprintf(seq, 32, "%020" G_GUINT64_FORMAT, (guint64)10000000000000000000ULL + ++t->sequence);
        sns_topic_dedup_add(t, dedup, c->now_ms, message_id, seq);
        m->id = message_id;
        m->sequence = seq;
        m->dedup_used = dedup;
        t->published++;
        deliver(c, t, m, phone);
        g_free(content_id);
        return;
    }
    m->id = message_id;
    m->sequence = NULL;
    if (t)
        t->published++;
    deliver(c, t, m, phone);
}

static int publish(svc_call *c)
{
    const char *topic_arn = svc_str(c->input, "TopicArn");
    const char *target = svc_str(c->input, "TargetArn");
    const char *phone = svc_str(c->input, "PhoneNumber");
    if (!!topic_arn + !!target + !!phone == 0)
        return invalid(c, "TopicArn or TargetArn Reason: no value for required parameter");
    if (!!topic_arn + !!target + !!phone > 1)
        return invalid(c, "TopicArn Reason: Only one of TopicArn, TargetArn or PhoneNumber may be specified");
    sns_topic *t = NULL;
    sns_endpoint *endpoint = NULL;
    if (phone) {
        if (!sns_e164_ok(phone))
            return invalid(c, "PhoneNumber Reason: %s is not valid to publish to", phone);
    } else if (target && strstr(target, ":endpoint/")) {
        endpoint = sns_endpoint_find(((sns_state *)c->state)->platform, target);
        if (!endpoint)
            return invalid(c, "TargetArn Reason: No endpoint found for the target arn specified");
        if (!sns_endpoint_enabled(endpoint))
            return aws_error_set(&c->err, "EndpointDisabled", "Endpoint is disabled");
    } else {
        t = topic_for(c, topic_arn ? topic_arn : target, topic_arn ? "TopicArn" : "TargetArn");
        if (!t)
            return -1;
    }
    message m;
    unsigned segments;
    int rc = check_message(c, c->input, t, &m);
    /* an SMS has a limit of its own: 1600 characters */
    if (rc == 0 && phone && !sns_sms_text_ok(text_for(&m, "sms"), &segments))
        rc = invalid(c, "Message too long");
    if (rc != 0) {
        json_decref(m.parsed);
        return -1;
    }
    m.endpoint = endpoint;
    char mid[37], seq[32];
    publish_checked(c, t, &m, phone, mid, seq);
    json_decref(m.parsed);
    c->output = json_pack("{s:s}", "MessageId", mid);
    if (seq[0])
        json_object_set_new(c->output, "SequenceNumber", json_string(seq));
    return 0;
}

static bool batch_id_ok(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n < 1 || n > 80)
        return false;
    for (const char *p = id; *p; p++)
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_')
            return false;
    return true;
}

static int publish_batch(svc_call *c)
{
    sns_topic *t = topic_for(c, svc_str(c->input, "TopicArn"), "TopicArn");
    if (!t)
        return -1;
    json_t *entries = json_object_get(c->input, "PublishBatchRequestEntries");
    size_t n = json_array_size(entries);
    if (n == 0)
        return aws_error_set(&c->err, "EmptyBatchRequest", "The batch request doesn't contain any entries.");
    if (n > MAX_BATCH)
        return aws_error_set(&c->err, "TooManyEntriesInBatchRequest",
                             "The batch request contains more entries than permissible.");
    size_t i, j, total = 0;
    json_t *e, *f;
    json_array_foreach(entries, i, e) {
        if (!batch_id_ok(svc_str(e, "Id")))
            return aws_error_set(&c->err, "InvalidBatchEntryId",
                                 "The Id of a batch entry in a batch request doesn't abide by the specification.");
        json_array_foreach(entries, j, f) if (j > i && !g_strcmp0(svc_str(e, "Id"), svc_str(f, "Id"))) return aws_error_set(
            &c->err, "BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.");
        total += svc_str(e, "Message") ? strlen(svc_str(e, "Message")) : 0;
    }
    if (total > MAX_MESSAGE)
        return aws_error_set(&c->err, "BatchRequestTooLong",
                             "The length of all the batch messages put together is more than the limit.");
    /* One bad entry fails the request, as on AWS: check them all first. */
    message *msgs = g_new0(message, n);
    int rc = 0;
    total = 0;
    json_array_foreach(entries, i, e) {
        if (rc == 0 && check_message(c, e, t, &msgs[i]) != 0)
            rc = -1;
        total += msgs[i].size;
    }
    /* the 256 KiB are the whole batch's, message attributes included */
    if (rc == 0 && total > MAX_MESSAGE)
        rc = aws_error_set(&c->err, "BatchRequestTooLong",
                           "The length of all the batch messages put together is more than the limit.");
    if (rc != 0) {
        for (i = 0; i < n; i++)
            json_decref(msgs[i].parsed);
        g_free(msgs);
        return -1;
    }
    size_t failing = svc_fault_share(c, "failed_entries", n);
    json_t *ok = json_array(), *failed = json_array();
    json_array_foreach(entries, i, e) {
        if (svc_fault_hits(i, failing, n)) {
            json_array_append_new(failed, json_pack("{s:s, s:s, s:s, s:b}", "Id", svc_str(e, "Id"), "Code",
                                                    "InternalError", "Message", "Internal Error", "SenderFault", 0));
            continue;
        }
        char mid[37], seq[32];
        publish_checked(c, t, &msgs[i], NULL, mid, seq);
        json_t *r = json_pack("{s:s, s:s}", "Id", svc_str(e, "Id"), "MessageId", mid);
        if (seq[0])
            json_object_set_new(r, "SequenceNumber", json_string(seq));
        json_array_append_new(ok, r);
    }
    for (i = 0; i < n; i++)
        json_decref(msgs[i].parsed);
    g_free(msgs);
    c->output = json_pack("{s:o, s:o}", "Successful", ok, "Failed", failed);
    return 0;
}

/* ---- permissions and data protection ---- */

static int add_permission(svc_call *c)
{
    sns_topic *t = topic_for(c, svc_str(c->input, "TopicArn"), "TopicArn");
    if (!t)
        return -1;
    const char *label = svc_str(c->input, "Label");
    if (!label || !*label)
        return invalid(c, "Label");
    char err[200];
    if (sns_topic_add_permission(t, c->account, label, json_object_get(c->input, "AWSAccountId"),
                                 json_object_get(c->input, "ActionName"), err, sizeof err) != 0)
        return invalid(c, "%s", err);
    return 0;
}

static int remove_permission(svc_call *c)
{
    sns_topic *t = topic_for(c, svc_str(c->input, "TopicArn"), "TopicArn");
    if (!t)
        return -1;
    sns_topic_remove_permission(t, c->account, svc_str(c->input, "Label"));
    return 0;
}

static int get_data_protection_policy(svc_call *c)
{
    sns_topic *t = topic_for(c, svc_str(c->input, "ResourceArn"), "ResourceArn");
    if (!t)
        return -1;
    const char *p = svc_str(t->attrs, "DataProtectionPolicy");
    c->output = json_pack("{s:s}", "DataProtectionPolicy", p ? p : "");
    return 0;
}

static int put_data_protection_policy(svc_call *c)
{
    sns_topic *t = topic_for(c, svc_str(c->input, "ResourceArn"), "ResourceArn");
    if (!t)
        return -1;
    char err[200];
    if (sns_topic_set_attribute(t, "DataProtectionPolicy", svc_str(c->input, "DataProtectionPolicy"), false, err,
                                sizeof err) != 0)
        return invalid(c, "%s", err);
    return 0;
}

/* ---- SMS ---- */

static sns_sms *sms_of(svc_call *c) { return ((sns_state *)c->state)->sms; }

/* A phone number the opt-out operations take, or InvalidParameter. */
static const char *phone_param(svc_call *c)
{
    const char *phone = svc_str(c->input, "phoneNumber");
    if (!sns_e164_ok(phone)) {
        invalid(c, "PhoneNumber Reason: input incorrectly formatted");
        return NULL;
    }
    return phone;
}

static int get_sms_attributes(svc_call *c)
{
    c->output = json_pack("{s:o}", "attributes", sns_sms_attributes(sms_of(c), json_object_get(c->input, "attributes")));
    return 0;
}

static int set_sms_attributes(svc_call *c)
{
    char err[200];
    if (sns_sms_set_attributes(sms_of(c), json_object_get(c->input, "attributes"), err, sizeof err) != 0)
        return aws_error_set(&c->err, "InvalidParameter", "%s", err);
    c->output = json_object();
    return 0;
}

static int check_if_phone_number_is_opted_out(svc_call *c)
{
    const char *phone = phone_param(c);
    if (!phone)
        return -1;
    c->output = json_pack("{s:b}", "isOptedOut", sns_sms_opted_out(sms_of(c), phone));
    return 0;
}

static json_t *phone_entry(gpointer key, gpointer value)
{
    (void)value;
    return json_string(key);
}

static int list_phone_numbers_opted_out(svc_call *c)
{
    return tree_page(c, sms_of(c)->opted_out, "optout", "nextToken", "phoneNumbers", PAGE, phone_entry);
}

static int opt_in_phone_number(svc_call *c)
{
    const char *phone = phone_param(c);
    if (!phone)
        return -1;
    sns_sms_opt_in(sms_of(c), phone);
    c->output = json_object();
    return 0;
}

static int get_sms_sandbox_account_status(svc_call *c)
{
    c->output = json_pack("{s:b}", "IsInSandbox", sms_of(c)->in_sandbox);
    return 0;
}

/* The sandbox's PhoneNumber: E.164 (the model's pattern lets more by). */
static const char *sandbox_phone(svc_call *c)
{
    const char *phone = svc_str(c->input, "PhoneNumber");
    if (!sns_e164_ok(phone) || phone[0] != '+') {
        invalid(c, "PhoneNumber Reason: input incorrectly formatted");
        return NULL;
    }
    return phone;
}

/* The one-time password SNS texts a number added to the sandbox, in the
 * messages log as an SMS (README: always SNS_SMS_SANDBOX_OTP). */
static void log_otp(svc_call *c, const char *phone)
{
    char id[37], when[32];
    svc_uuid(c, id);
    iso_time(c->now_ms, when);
    char *text = g_strdup_printf("Your Amazon SNS verification code is: %s", SNS_SMS_SANDBOX_OTP);
    json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:{s:s, s:i}}", "message_id", id, "account",
                            c->account, "region", c->region, "phone_number", phone, "message", text, "time", when,
                            "time_ms", (json_int_t)c->now_ms, "sms", "sms_type", "Transactional", "segments", 1);
    GPtrArray *outcomes = g_ptr_array_new();
    g_ptr_array_add(outcomes, sns_outcome_new(NULL, "sms", phone, "recorded", "the SMS sandbox's one-time password"));
    sns_log_add(((sns_state *)c->state)->log, doc, outcomes);
    g_free(text);
}

static int create_sms_sandbox_phone_number(svc_call *c)
{
    const char *phone = sandbox_phone(c);
    if (!phone)
        return -1;
    if (sns_sms_opted_out(sms_of(c), phone))
        return aws_error_set(&c->err, "OptedOut", "Phone number is opted out.");
    if (!g_tree_lookup(sms_of(c)->sandbox, phone))
        g_tree_insert(sms_of(c)->sandbox, g_strdup(phone), "Pending");
    if (!strcmp(g_tree_lookup(sms_of(c)->sandbox, phone), "Pending"))
        log_otp(c, phone);
    c->output = json_object();
    return 0;
}

static int verify_sms_sandbox_phone_number(svc_call *c)
{
    const char *phone = sandbox_phone(c);
    if (!phone)
        return -1;
    if (!g_tree_lookup(sms_of(c)->sandbox, phone))
        return aws_error_set(&c->err, "ResourceNotFound", "Destination phone number not found.");
    if (g_strcmp0(svc_str(c->input, "OneTimePassword"), SNS_SMS_SANDBOX_OTP) != 0) {
        aws_error_set(&c->err, "VerificationException", "Invalid one-time password.");
        aws_error_field(&c->err, "Status", json_string("Pending"));
        return -1;
    }
    g_tree_insert(sms_of(c)->sandbox, g_strdup(phone), "Verified");
    c->output = json_object();
    return 0;
}

static int delete_sms_sandbox_phone_number(svc_call *c)
{
    const char *phone = sandbox_phone(c);
    if (!phone)
        return -1;
    if (!g_tree_remove(sms_of(c)->sandbox, phone))
        return aws_error_set(&c->err, "ResourceNotFound", "Destination phone number not found.");
    c->output = json_object();
    return 0;
}

static json_t *sandbox_entry(gpointer key, gpointer value)
{
    return json_pack("{s:s, s:s}", "PhoneNumber", (const char *)key, "Status", (const char *)value);
}

static int list_sms_sandbox_phone_numbers(svc_call *c)
{
    json_t *max = json_object_get(c->input, "MaxResults");
    return tree_page(c, sms_of(c)->sandbox, "sandbox", "NextToken", "PhoneNumbers",
                     max ? (size_t)json_integer_value(max) : PAGE, sandbox_entry);
}

static int list_origination_numbers(svc_call *c)
{
    /* mockaws leases no origination numbers */
    c->output = json_pack("{s:[]}", "PhoneNumbers");
    return 0;
}

/* ---- platform applications and endpoints ---- */

static sns_platform *platform_of(svc_call *c) { return ((sns_state *)c->state)->platform; }

/* SNS's complaint about an ARN that is not one: "An ARN must have at least
 * 6 elements, not N". */
static bool arn_elements_ok(svc_call *c, const char *arn, const char *param)
{
    size_t n = 1;
    for (const char *p = arn ? arn : ""; *p; p++)
        n += *p == ':';
    if (n >= 6)
        return true;
    invalid(c, "%s Reason: An ARN must have at least 6 elements, not %zu", param, n);
    return false;
}

static sns_app *app_for(svc_call *c, const char *param)
{
    const char *arn = svc_str(c->input, param);
    if (!arn_elements_ok(c, arn, param))
        return NULL;
    sns_app *a = sns_app_find(platform_of(c), arn);
    if (!a)
        aws_error_set(&c->err, "NotFound", "PlatformApplication does not exist");
    return a;
}

static sns_endpoint *endpoint_for(svc_call *c)
{
    const char *arn = svc_str(c->input, "EndpointArn");
    if (!arn_elements_ok(c, arn, "EndpointArn"))
        return NULL;
    const char *rel = strstr(arn, ":endpoint/");
    size_t slashes = 0;
    for (const char *p = rel ? rel : ""; *p; p++)
        slashes += *p == '/';
    if (!rel || slashes != 3) {
        invalid(c, "EndpointArn Reason: Wrong number of slashes in relative portion of the ARN.");
        return NULL;
    }
    sns_endpoint *e = sns_endpoint_find(platform_of(c), arn);
    if (!e)
        aws_error_set(&c->err, "NotFound", "Endpoint does not exist");
    return e;
}

static int create_platform_application(svc_call *c)
{
    const char *name = svc_str(c->input, "Name"), *platform = svc_str(c->input, "Platform");
    json_t *attrs = json_object_get(c->input, "Attributes");
    char err[400];
    if (sns_app_name_check(name, err, sizeof err) != 0)
        return invalid(c, "%s", err);
    if (!sns_platform_known(platform))
        return invalid(c, "Platform Reason: %s is not supported", platform);
    if (sns_app_attributes_check(platform, attrs, true, err, sizeof err) != 0)
        return invalid(c, "%s", err);
    char *resource = g_strdup_printf("app/%s/%s", platform, name);
    char *arn = sns_arn_format(c->region, c->account, resource);
    sns_app_put(platform_of(c), arn, name, platform, attrs);
    c->resource = g_strdup(arn);
    c->output = json_pack("{s:s}", "PlatformApplicationArn", arn);
    g_free(arn);
    g_free(resource);
    return 0;
}

static int get_platform_application_attributes(svc_call *c)
{
    sns_app *a = app_for(c, "PlatformApplicationArn");
    if (!a)
        return -1;
    c->output = json_pack("{s:O}", "Attributes", a->attrs);
    return 0;
}

static int set_platform_application_attributes(svc_call *c)
{
    sns_app *a = app_for(c, "PlatformApplicationArn");
    json_t *attrs = json_object_get(c->input, "Attributes");
    char err[400];
    if (!a)
        return -1;
    if (sns_app_attributes_check(a->platform, attrs, false, err, sizeof err) != 0)
        return invalid(c, "%s", err);
    sns_app_set_attributes(a, attrs);
    return 0;
}

static json_t *app_entry(gpointer key, gpointer value)
{
    return json_pack("{s:s, s:O}", "PlatformApplicationArn", (const char *)key, "Attributes",
                     ((sns_app *)value)->attrs);
}

static int list_platform_applications(svc_call *c)
{
    return tree_page(c, platform_of(c)->apps, "apps", "NextToken", "PlatformApplications", PAGE, app_entry);
}

static int delete_platform_application(svc_call *c)
{
    const char *arn = svc_str(c->input, "PlatformApplicationArn");
    if (!arn_elements_ok(c, arn, "PlatformApplicationArn"))
        return -1;
    sns_app *a = sns_app_find(platform_of(c), arn);
    if (a) /* deleting what is not there succeeds */
        sns_app_remove(platform_of(c), a);
    return 0;
}

static int create_platform_endpoint(svc_call *c)
{
    sns_app *a = app_for(c, "PlatformApplicationArn");
    if (!a)
        return -1;
    const char *token = svc_str(c->input, "Token");
    json_t *given = json_object_get(c->input, "Attributes");
    char err[400];
    if (sns_endpoint_attributes_check(given, err, sizeof err) != 0)
        return invalid(c, "%s", err);
    if (!token || !*token)
        return invalid(c, "Token Reason: cannot be empty");
    /* Attributes' CustomUserData wins over the parameter, as on SNS */
    json_t *attrs = json_pack("{s:s, s:s}", "Enabled", "true", "Token", token);
    if (svc_str(c->input, "CustomUserData"))
        json_object_set(attrs, "CustomUserData", json_object_get(c->input, "CustomUserData"));
    json_object_update(attrs, given);
    sns_endpoint *e = sns_endpoint_by_token(a, token);
    if (e) {
        /* idempotent for the same token and attributes */
        bool same = json_equal(e->attrs, attrs);
        json_decref(attrs);
        if (!same)
            return invalid(c, "Token Reason: Endpoint %s already exists with the same Token, but different attributes.",
                           e->arn);
        c->output = json_pack("{s:s}", "EndpointArn", e->arn);
        return 0;
    }
    char uuid[37];
    svc_uuid(c, uuid);
    char *arn = sns_endpoint_arn(a, uuid);
    e = sns_endpoint_add(platform_of(c), a, arn, attrs);
    g_free(arn);
    c->resource = g_strdup(e->arn);
    c->output = json_pack("{s:s}", "EndpointArn", e->arn);
    return 0;
}

static int get_endpoint_attributes(svc_call *c)
{
    sns_endpoint *e = endpoint_for(c);
    if (!e)
        return -1;
    c->output = json_pack("{s:O}", "Attributes", e->attrs);
    return 0;
}

static int set_endpoint_attributes(svc_call *c)
{
    sns_endpoint *e = endpoint_for(c);
    json_t *attrs = json_object_get(c->input, "Attributes");
    char err[400];
    if (!e)
        return -1;
    if (sns_endpoint_attributes_check(attrs, err, sizeof err) != 0)
        return invalid(c, "%s", err);
    sns_endpoint_set_attributes(e, attrs);
    return 0;
}

static json_t *endpoint_entry(gpointer key, gpointer value)
{
    return json_pack("{s:s, s:O}", "EndpointArn", (const char *)key, "Attributes", ((sns_endpoint *)value)->attrs);
}

static int list_endpoints_by_platform_application(svc_call *c)
{
    sns_app *a = app_for(c, "PlatformApplicationArn");
    if (!a)
        return -1;
    return tree_page(c, a->endpoints, "endpoints", "NextToken", "Endpoints", PAGE, endpoint_entry);
}

static int delete_endpoint(svc_call *c)
{
    const char *arn = svc_str(c->input, "EndpointArn");
    if (!arn_elements_ok(c, arn, "EndpointArn"))
        return -1;
    sns_endpoint *e = sns_endpoint_find(platform_of(c), arn);
    if (e) /* idempotent */
        sns_endpoint_remove(platform_of(c), e);
    return 0;
}

/* ---- inspection ---- */

typedef struct inspect {
    const char *topic_arn;
    json_t *messages, *confirmations;
} inspect;

static void export_log(void *state, const char *account, const char *region, void *arg)
{
    inspect *q = arg;
    sns_log_export(((sns_state *)state)->log, q->topic_arn, q->messages, q->confirmations);
}

static void clear_log(void *state, const char *account, const char *region, void *arg)
{
    sns_log_clear(((sns_state *)state)->log);
}

json_t *sns_messages_json(server *s, const char *topic_arn, const char *account, const char *region)
{
    inspect q = {topic_arn, json_array(), json_array()};
    svc_foreach_state(s, &sns_service, account, region, SVC_LOCK_SHARED, export_log, &q);
    return json_pack("{s:o, s:o}", "messages", q.messages, "confirmations", q.confirmations);
}

/* GET /_mockaws/sns/topics: each topic with (the first INSPECT_LIMIT of)
 * its subscriptions and how many messages it was sent. */
static json_t *topic_json(const sns_topic *t, const char *account, const char *region)
{
    json_t *subs = json_array();
    for (guint i = 0; i < t->subs->len && i < INSPECT_LIMIT; i++) {
        const sns_sub *u = g_ptr_array_index(t->subs, i);
        json_array_append_new(subs, json_pack("{s:s, s:s, s:s, s:b}", "protocol", u->protocol, "endpoint",
                                              u->endpoint ? u->endpoint : "", "arn", u->arn, "pending", u->pending));
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:o, s:I, s:I}", "account", account, "region", region, "arn", t->arn,
                     "name", t->name, "subscriptions", subs, "subscription_count", (json_int_t)t->subs->len,
                     "published", (json_int_t)t->published);
}

static void topics_of(void *state, const char *account, const char *region, void *arg)
{
    inspect_cursor *c = arg;
    GTree *topics = ((sns_state *)state)->topics;
    int where = inspect_cursor_where(c, account, region);
    if (where < 0)
        return;
    GTreeNode *n = where == 0 ? g_tree_upper_bound(topics, c->name) : g_tree_node_first(topics);
    for (; n && !inspect_cursor_full(c); n = g_tree_node_next(n)) {
        const sns_topic *t = g_tree_node_value(n);
        inspect_cursor_add(c, account, region, t->arn, topic_json(t, account, region));
    }
}

void sns_messages_clear(server *s)
{
    svc_foreach_state(s, &sns_service, NULL, NULL, SVC_LOCK_SHARED, clear_log, NULL);
}

/* ---- service ---- */

/* The server's settings SNS reads: whether https certificates are checked. */
typedef struct sns_config {
    bool insecure_tls;
} sns_config;

static void *config_new(const mockaws_options *opts)
{
    sns_config *cfg = g_new0(sns_config, 1);
    cfg->insecure_tls = opts && opts->sns_insecure_tls;
    return cfg;
}

static void config_free(void *config) { g_free(config); }

static void *state_new(const void *config) { return sns_state_new(config && ((const sns_config *)config)->insecure_tls); }
static void state_free(void *s) { sns_state_free(s); }
/* A deep copy (sns_state_clone), its delivery worker idle. */
static void *state_clone(const void *s, const void *config)
{
    (void)config;
    return sns_state_clone(s);
}
static int state_load(void *s, json_t *section, const svc_fixture_ctx *ctx, char *err, size_t errlen)
{
    return sns_state_load(s, section, ctx, err, errlen);
}
static json_t *state_dump(void *s, const svc_dump_ctx *ctx) { return sns_state_dump(s); }

static const svc_op ops[] = {
    {"CreateTopic", create_topic, SVC_LOCK_EXCLUSIVE},
    {"DeleteTopic", delete_topic, SVC_LOCK_EXCLUSIVE},
    {"ListTopics", list_topics, SVC_LOCK_SHARED},
    {"GetTopicAttributes", get_topic_attributes, SVC_LOCK_SHARED},
    {"SetTopicAttributes", set_topic_attributes, SVC_LOCK_EXCLUSIVE},
    {"TagResource", tag_resource, SVC_LOCK_EXCLUSIVE},
    {"UntagResource", untag_resource, SVC_LOCK_EXCLUSIVE},
    {"ListTagsForResource", list_tags_for_resource, SVC_LOCK_SHARED},
    {"Subscribe", subscribe, SVC_LOCK_EXCLUSIVE},
    {"ConfirmSubscription", confirm_subscription, SVC_LOCK_EXCLUSIVE},
    {"Unsubscribe", unsubscribe, SVC_LOCK_EXCLUSIVE},
    {"ListSubscriptions", list_subscriptions, SVC_LOCK_SHARED},
    {"ListSubscriptionsByTopic", list_subscriptions_by_topic, SVC_LOCK_SHARED},
    {"GetSubscriptionAttributes", get_subscription_attributes, SVC_LOCK_SHARED},
    {"SetSubscriptionAttributes", set_subscription_attributes, SVC_LOCK_EXCLUSIVE},
    {"Publish", publish, SVC_LOCK_EXCLUSIVE},
    {"PublishBatch", publish_batch, SVC_LOCK_EXCLUSIVE},
    {"AddPermission", add_permission, SVC_LOCK_EXCLUSIVE},
    {"RemovePermission", remove_permission, SVC_LOCK_EXCLUSIVE},
    {"GetDataProtectionPolicy", get_data_protection_policy, SVC_LOCK_SHARED},
    {"PutDataProtectionPolicy", put_data_protection_policy, SVC_LOCK_EXCLUSIVE},
    {"GetSMSAttributes", get_sms_attributes, SVC_LOCK_SHARED},
    {"SetSMSAttributes", set_sms_attributes, SVC_LOCK_EXCLUSIVE},
    {"CheckIfPhoneNumberIsOptedOut", check_if_phone_number_is_opted_out, SVC_LOCK_SHARED},
    {"ListPhoneNumbersOptedOut", list_phone_numbers_opted_out, SVC_LOCK_SHARED},
    {"OptInPhoneNumber", opt_in_phone_number, SVC_LOCK_EXCLUSIVE},
    {"GetSMSSandboxAccountStatus", get_sms_sandbox_account_status, SVC_LOCK_SHARED},
    {"CreateSMSSandboxPhoneNumber", create_sms_sandbox_phone_number, SVC_LOCK_EXCLUSIVE},
    {"VerifySMSSandboxPhoneNumber", verify_sms_sandbox_phone_number, SVC_LOCK_EXCLUSIVE},
    {"DeleteSMSSandboxPhoneNumber", delete_sms_sandbox_phone_number, SVC_LOCK_EXCLUSIVE},
    {"ListSMSSandboxPhoneNumbers", list_sms_sandbox_phone_numbers, SVC_LOCK_SHARED},
    {"ListOriginationNumbers", list_origination_numbers, SVC_LOCK_SHARED},
    {"CreatePlatformApplication", create_platform_application, SVC_LOCK_EXCLUSIVE},
    {"GetPlatformApplicationAttributes", get_platform_application_attributes, SVC_LOCK_SHARED},
    {"SetPlatformApplicationAttributes", set_platform_application_attributes, SVC_LOCK_EXCLUSIVE},
    {"ListPlatformApplications", list_platform_applications, SVC_LOCK_SHARED},
    {"DeletePlatformApplication", delete_platform_application, SVC_LOCK_EXCLUSIVE},
    {"CreatePlatformEndpoint", create_platform_endpoint, SVC_LOCK_EXCLUSIVE},
    {"GetEndpointAttributes", get_endpoint_attributes, SVC_LOCK_SHARED},
    {"SetEndpointAttributes", set_endpoint_attributes, SVC_LOCK_EXCLUSIVE},
    {"ListEndpointsByPlatformApplication", list_endpoints_by_platform_application, SVC_LOCK_SHARED},
    {"DeleteEndpoint", delete_endpoint, SVC_LOCK_EXCLUSIVE},
    {NULL, NULL, SVC_LOCK_EXCLUSIVE},
};

/* GET / DELETE /_mockaws/sns/messages: what was published; GET
 * /_mockaws/sns/topics: the topics. */
static json_t *sns_control(server *s, const char *method, const char *subpath, const http_params *query,
                           int *status)
{
    if (strcmp(subpath, "topics") == 0) {
        inspect_cursor c;
        json_t *bad = inspect_cursor_open(&c, method, "sns/topics", query, status);
        if (bad)
            return bad;
        svc_foreach_state(s, &sns_service, http_params_get(query, "account"), http_params_get(query, "region"),
                          SVC_LOCK_SHARED, topics_of, &c);
        return inspect_cursor_done(&c, "topics");
    }
    if (strcmp(subpath, "messages") != 0)
        return NULL;
    if (strcmp(method, "DELETE") == 0) {
        sns_messages_clear(s);
        return json_pack("{s:b}", "cleared", 1);
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        *status = 405;
        return json_pack("{s:s}", "error", "sns/messages takes GET or DELETE");
    }
    return sns_messages_json(s, http_params_get(query, "topic_arn"), http_params_get(query, "account"),
                             http_params_get(query, "region"));
}

/* PublishBatch's failed entries */
static const char *const partial_actions[] = {"failed_entries", NULL};

const svc_def sns_service = {
    .name = "sns",
    .ops = ops,
    .scope = SVC_SCOPE_REGION,
    .config_new = config_new,
    .config_free = config_free,
    .state_new = state_new,
    .state_free = state_free,
    .state_clone = state_clone,
    .state_load = state_load,
    .state_dump = state_dump,
    .validation_error = sns_validation_error,
    .resource_of = sns_resource_of,
    .control = sns_control,
    .unknown_operation_code = "InvalidAction",
    .unknown_operation_status = 400,
    .partial_actions = partial_actions,
    .invoke_rank = 2, /* S3 publishes to it */
    .authorize = sns_authorize,
    .access_denied = sns_access_denied,
    .resource_policy = sns_resource_policy,
};
