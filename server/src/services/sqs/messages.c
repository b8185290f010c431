/* The message operations of SQS: send, receive (with long polling),
 * delete and visibility changes, one by one and in batches. */
#include "services/sqs/sqs.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services/sqs/message.h"

#define MAX_BATCH 10
#define MAX_BATCH_BYTES 1048576
#define MAX_ID 80
#define MAX_VISIBILITY 43200
#define MAX_DELAY 900
#define MAX_WAIT 20
#define SEQ_BASE UINT64_C(10000000000000000000)

/* ---- receipt handles ----
 * base64 of "SEQ:GEN:QUEUE_ARN": the message, which receive of it, and the
 * queue, so a handle names one receive of one message of one queue. */

static char *receipt_handle(const sqs_queue *q, const sqs_msg *m)
{
    char *raw = g_strdup_printf("%" PRIu64 ":%" PRIu32 ":%s", m->seq, m->receipt_gen, q->arn);
    gchar *h = g_base64_encode((const guchar *)raw, strlen(raw));
    g_free(raw);
    return h;
}

/* The message seq a handle names in q; false when it is no handle of q. */
static bool receipt_parse(const sqs_queue *q, const char *handle, uint64_t *seq, uint32_t *gen)
{
    char *raw;
    size_t len;
    if (!svc_base64_decode(handle, strlen(handle), &raw, &len))
        return false;
    bool ok = false;
    char *end;
    if (len == strlen(raw) && g_ascii_isdigit(raw[0])) {
        *seq = g_ascii_strtoull(raw, &end, 10);
        if (*end == ':' && g_ascii_isdigit(end[1])) {
            *gen = (uint32_t)g_ascii_strtoull(end + 1, &end, 10);
            ok = *end == ':' && strcmp(end + 1, q->arn) == 0;
        }
    }
    g_free(raw);
    return ok;
}

static int receipt_invalid(svc_call *c, const char *handle)
{
    return aws_error_set(&c->err, "ReceiptHandleIsInvalid", "The input receipt handle \"%s\" is not a valid receipt handle.",
                         handle);
}

/* ---- batches ---- */

/* The checks every batch request gets before any entry runs: not empty, at
 * most 10, ids well formed and distinct. */
static int batch_check(svc_call *c, json_t *entries, const char *entry_shape)
{
    size_t n = json_array_size(entries);
    if (n == 0)
        return aws_error_set(&c->err, "EmptyBatchRequest", "There should be at least one %s in the request.",
                             entry_shape);
    if (n > MAX_BATCH)
        return aws_error_set(&c->err, "TooManyEntriesInBatchRequest",
                             "Maximum number of entries per request are %d. You have sent %zu.", MAX_BATCH, n);
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    size_t i;
    json_t *e;
    int rc = 0;
    json_array_foreach(entries, i, e) {
        const char *id = svc_str(e, "Id");
        size_t len = strlen(id);
        bool ok = len > 0 && len <= MAX_ID;
        for (size_t j = 0; ok && j < len; j++)
            ok = g_ascii_isalnum(id[j]) || id[j] == '-' || id[j] == '_';
        if (!ok) {
            rc = aws_error_set(&c->err, "InvalidBatchEntryId",
                               "A batch entry id can only contain alphanumeric characters, hyphens and underscores. "
                               "It can be at most %d letters long.",
                               MAX_ID);
            break;
        }
        if (!g_hash_table_add(seen, (gpointer)id)) {
            rc = aws_error_set(&c->err, "BatchEntryIdsNotDistinct", "Id %s repeated.", id);
            break;
        }
    }
    g_hash_table_destroy(seen);
    return rc;
}

static json_t *failed_entry(const char *id, const aws_error *e, bool sender)
{
    return json_pack("{s:s, s:b, s:s, s:s}", "Id", id, "SenderFault", sender, "Code", e->code, "Message",
                     e->message ? e->message : e->code);
}

static json_t *fault_entry(const char *id)
{
    return json_pack("{s:s, s:b, s:s, s:s}", "Id", id, "SenderFault", 0, "Code", "InternalError", "Message",
                     "Internal Error");
}

/* ---- SendMessage ---- */

/* MessageGroupId and MessageDeduplicationId: alphanumerics and
 * punctuation, 1 to 128. */
static bool token_ok(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || len > 128)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!g_ascii_isalnum(s[i]) && !g_ascii_ispunct(s[i]))
            return false;
    return true;
}

/* Sends one message (a SendMessage input, or a batch entry) to q: 0 and
 * the result's members in res, or -1 with c->err set. */
static int send_one(svc_call *c, sqs_queue *q, json_t *in, json_t *res)
{
    const char *body = svc_str(in, "MessageBody");
    size_t body_len = json_string_length(json_object_get(in, "MessageBody"));
    if (body_len == 0)
        return aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter MessageBody.");
    if (!sqs_body_chars_ok(body, body_len))
        return aws_error_set(&c->err, "InvalidMessageContents",
                             "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to "
                             "#xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF");
    json_t *attrs = json_object_get(in, "MessageAttributes");
    json_t *sys = json_object_get(in, "MessageSystemAttributes");
    size_t attr_size = 0, sys_size = 0;
    char *why = sqs_attributes_check(attrs, false, &attr_size);
    if (!why)
        why = sqs_attributes_check(sys, true, &sys_size);
    if (why) {
        sqs_invalid(c, "%s", why);
        g_free(why);
        return -1;
    }
    long max_size = sqs_queue_int(q, "MaximumMessageSize");
    if ((long)(body_len + attr_size) > max_size)
        return sqs_invalid(c, "One or more parameters are invalid. Reason: Message must be shorter than %ld bytes.",
                           max_size);
    json_t *delay_v = json_object_get(in, "DelaySeconds");
    long delay = delay_v ? (long)json_integer_value(delay_v) : sqs_queue_int(q, "DelaySeconds");
    char num[32];
    g_snprintf(num, sizeof num, "%ld", delay);
    if (delay < 0 || delay > MAX_DELAY)
        return sqs_invalid_value(c, num, "DelaySeconds", "DelaySeconds must be >= 0 and <= 900.");
    const char *group = svc_str(in, "MessageGroupId");
    const char *dedup = svc_str(in, "MessageDeduplicationId");
    if (group && !token_ok(group))
        return sqs_invalid_value(c, group, "MessageGroupId",
                                 "MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 "
                                 "in length.");
    if (dedup && !token_ok(dedup))
        return sqs_invalid_value(c, dedup, "MessageDeduplicationId",
                                 "MessageDeduplicationId can only include alphanumeric and punctuation characters. "
                                 "1 to 128 in length.");
    char sha[65] = "";
    if (q->fifo) {
        if (delay_v && json_integer_value(delay_v) != 0)
            return sqs_invalid_value(c, num, "DelaySeconds",
                                     "The request include parameter that is not valid for this queue type.");
        if (!group)
            return aws_error_set(&c->err, "MissingParameter", "The request must contain the parameter MessageGroupId.");
        if (!dedup) {
            const char *cbd = svc_str(q->attrs, "ContentBasedDeduplication");
            if (!cbd || strcmp(cbd, "true") != 0)
                return sqs_invalid(c, "The queue should either have ContentBasedDeduplication enabled or "
                                      "MessageDeduplicationId provided explicitly");
            gchar *h = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)body, body_len);
            g_strlcpy(sha, h, sizeof sha);
            g_free(h);
            dedup = sha;
        }
    } else if (dedup) {
        return sqs_invalid_value(c, dedup, "MessageDeduplicationId",
                                 "The request include parameter that is not valid for this queue type.");
    }

    sqs_msg *m = g_new0(sqs_msg, 1);
    svc_uuid(c, m->id);
    sqs_md5_hex(body, body_len, m->md5_body);
    sqs_md5_attributes(attrs, m->md5_attrs);
    sqs_md5_attributes(sys, m->md5_sys);
    json_object_set_new(res, "MessageId", json_string(m->id));
    json_object_set_new(res, "MD5OfMessageBody", json_string(m->md5_body));
    if (m->md5_attrs[0])
        json_object_set_new(res, "MD5OfMessageAttributes", json_string(m->md5_attrs));
    if (m->md5_sys[0])
        json_object_set_new(res, "MD5OfMessageSystemAttributes", json_string(m->md5_sys));
    if (q->fifo) {
        m->sequence_number = g_strdup_printf("%020" PRIu64, SEQ_BASE + q->next_seq);
        json_object_set_new(res, "SequenceNumber", json_string(m->sequence_number));
        /* a duplicate is accepted and not delivered */
        const char *scope = svc_str(q->attrs, "DeduplicationScope");
        char *key = scope && strcmp(scope, "messageGroup") == 0 ? g_strdup_printf("%s\n%s", group, dedup)
                                                                 : g_strdup(dedup);
        bool seen = sqs_dedup_seen(q, key, c->now_ms);
        g_free(key);
        if (seen) {
            sqs_msg_free(m);
            return 0;
        }
    }
    m->body = g_memdup2(body, body_len + 1);
    m->body_len = body_len;
    m->attrs = json_object_size(attrs) ? json_incref(attrs) : NULL;
    m->sys_attrs = json_object_size(sys) ? json_incref(sys) : NULL;
    m->sent_ms = c->now_ms;
    m->group_id = g_strdup(group);
    m->dedup_id = g_strdup(dedup);
    char *arn = NULL, *uid = NULL;
    svc_principal(c, &arn, &uid);
    m->sender_id = uid;
    g_free(arn);
    sqs_enqueue(q, m, (int)delay, c->now_ms);
    sqs_note_due(c->state, q);
    if (delay == 0)
        sqs_wake(c, q, 1); /* a long poll waiting on the queue answers now */
    return 0;
}

int sqs_send_message(svc_call *c)
{
    sqs_queue *q = sqs_queue_for_url(c, svc_str(c->input, "QueueUrl"));
    if (!q)
        return -1;
    json_t *res = json_object();
    if (send_one(c, q, c->input, res) != 0) {
        json_decref(res);
        return -1;
    }
    c->output = res;
    return 0;
}

int sqs_send_message_batch(svc_call *c)
{
    sqs_queue *q = sqs_queue_for_url(c, svc_str(c->input, "QueueUrl"));
    if (!q)
        return -1;
    json_t *entries = json_object_get(c->input, "Entries");
    if (batch_check(c, entries, "SendMessageBatchRequestEntry") != 0)
        return -1;
    size_t n = json_array_size(entries), total = 0, i;
    json_t *e;
    json_array_foreach(entries, i, e) {
        total += json_string_length(json_object_get(e, "MessageBody"));
        size_t attr_size = 0;
        char *why = sqs_attributes_check(json_object_get(e, "MessageAttributes"), false, &attr_size);
        g_free(why);
        total += attr_size;
    }
    if (total > MAX_BATCH_BYTES)
        return aws_error_set(&c->err, "BatchRequestTooLong",
                             "Batch requests cannot be longer than %d bytes. You have sent %zu bytes.",
                             MAX_BATCH_BYTES, total);
    size_t failing = svc_fault_share(c, "failed_entries", n);
    json_t *ok = json_array(), *failed = json_array();
    json_array_foreach(entries, i, e) {
        const char *id = svc_str(e, "Id");
        if (svc_fault_hits(i, failing, n)) {
            json_array_append_new(failed, fault_entry(id));
            continue;
        }
        json_t *res = json_pack("{s:s}", "Id", id);
        if (send_one(c, q, e, res) != 0) {
            json_decref(res);
            json_array_append_new(failed, failed_entry(id, &c->err, true));
            aws_error_clear(&c->err);
            continue;
        }
        json_array_append_new(ok, res);
    }
    c->output = json_pack("{s:o, s:o}", "Successful", ok, "Failed", failed);
    return 0;
}

/* ---- ReceiveMessage ---- */

typedef struct want {
    bool all_sys;
    GHashTable *sys;       /* system attribute names asked for */
    bool all_user;
    GPtrArray *user;       /* names, or prefixes ending ".*" */
} want;

/* Whether name is one of the values of the model's enum shape. */
static bool in_enum(const svc_call *c, const char *shape, const char *name)
{
    const mshape *sh = model_find_shape(c->model, shape);
    for (uint32_t i = 0; sh && i < sh->nenums; i++)
        if (strcmp(sh->enums[i], name) == 0)
            return true;
    return false;
}

/* The system attribute names in list. MessageSystemAttributeNames takes the
 * message system attribute names (the model's enum checked them); the
 * deprecated AttributeNames takes those too (MessageGroupId, SequenceNumber:
 * what SQS documents for it) and, as the SDKs type it, the queue attribute
 * names, which name nothing a message has. Any other name:
 * InvalidAttributeName, -1. */
static int want_names(svc_call *c, want *w, json_t *list, bool legacy)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        const char *s = json_string_value(v);
        if (legacy && !in_enum(c, "MessageSystemAttributeName", s) && !in_enum(c, "QueueAttributeName", s))
            return aws_error_set(&c->err, "InvalidAttributeName", "Unknown Attribute %s.", s);
        if (strcmp(s, "All") == 0)
            w->all_sys = true;
        else
            g_hash_table_add(w->sys, (gpointer)s);
    }
    return 0;
}

/* What a receive asks to be answered with, from its input; -1 with c->err
 * set for a name SQS does not know. */
static int want_init(svc_call *c, want *w)
{
    *w = (want){false, g_hash_table_new(g_str_hash, g_str_equal), false, g_ptr_array_new()};
    json_t *in = c->input;
    if (want_names(c, w, json_object_get(in, "AttributeNames"), true) != 0 ||
        want_names(c, w, json_object_get(in, "MessageSystemAttributeNames"), false) != 0)
        return -1;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(in, "MessageAttributeNames"), i, v) {
        const char *s = json_string_value(v);
        if (strcmp(s, "All") == 0 || strcmp(s, ".*") == 0)
            w->all_user = true;
        else
            g_ptr_array_add(w->user, (gpointer)s);
    }
    return 0;
}

static void want_clear(want *w)
{
    g_hash_table_destroy(w->sys);
    g_ptr_array_free(w->user, TRUE);
}

static bool want_sys(const want *w, const char *name)
{
    return w->all_sys || g_hash_table_contains(w->sys, name);
}

static bool want_user(const want *w, const char *name)
{
    if (w->all_user)
        return true;
    for (guint i = 0; i < w->user->len; i++) {
        const char *p = w->user->pdata[i];
        size_t len = strlen(p);
        if (len >= 2 && strcmp(p + len - 2, ".*") == 0) {
            if (strncmp(name, p, len - 1) == 0) /* "bar.*": names starting "bar." */
                return true;
        } else if (strcmp(p, name) == 0) {
            return true;
        }
    }
    return false;
}

static void set_num_attr(json_t *o, const char *name, int64_t v)
{
    char buf[32];
    g_snprintf(buf, sizeof buf, "%" PRId64, v);
    json_object_set_new(o, name, json_string(buf));
}

static json_t *message_out(svc_call *c, const sqs_queue *q, const sqs_msg *m, const want *w)
{
    char *handle = receipt_handle(q, m);
    json_t *o = json_object();
    json_object_set_new(o, "MessageId", json_string(m->id));
    json_object_set_new(o, "ReceiptHandle", json_string(handle));
    g_free(handle);
    json_object_set_new(o, "MD5OfBody", json_string(m->md5_body));
    json_object_set_new(o, "Body", json_stringn(m->body, m->body_len));
    json_t *a = json_object();
    if (want_sys(w, "SenderId"))
        json_object_set_new(a, "SenderId", json_string(m->sender_id ? m->sender_id : c->account));
    if (want_sys(w, "SentTimestamp"))
        set_num_attr(a, "SentTimestamp", m->sent_ms);
    if (want_sys(w, "ApproximateReceiveCount"))
        set_num_attr(a, "ApproximateReceiveCount", m->receive_count);
    if (want_sys(w, "ApproximateFirstReceiveTimestamp"))
        set_num_attr(a, "ApproximateFirstReceiveTimestamp", m->first_receive_ms);
    if (m->group_id && want_sys(w, "MessageGroupId"))
        json_object_set_new(a, "MessageGroupId", json_string(m->group_id));
    if (q->fifo && m->dedup_id && want_sys(w, "MessageDeduplicationId"))
        json_object_set_new(a, "MessageDeduplicationId", json_string(m->dedup_id));
    if (m->sequence_number && want_sys(w, "SequenceNumber"))
        json_object_set_new(a, "SequenceNumber", json_string(m->sequence_number));
    if (m->dlq_source_arn && want_sys(w, "DeadLetterQueueSourceArn"))
        json_object_set_new(a, "DeadLetterQueueSourceArn", json_string(m->dlq_source_arn));
    json_t *trace = json_object_get(json_object_get(m->sys_attrs, "AWSTraceHeader"), "StringValue");
    if (trace && want_sys(w, "AWSTraceHeader"))
        json_object_set(a, "AWSTraceHeader", trace);
    if (json_object_size(a))
        json_object_set(o, "Attributes", a);
    json_decref(a);
    /* the attributes asked for, and the MD5 of just those */
    json_t *ua = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(m->attrs, k, v) {
        if (want_user(w, k))
            json_object_set(ua, k, v);
    }
    if (json_object_size(ua)) {
        char md5[33];
        sqs_md5_attributes(ua, md5);
        json_object_set_new(o, "MD5OfMessageAttributes", json_string(md5));
        json_object_set(o, "MessageAttributes", ua);
    }
    json_decref(ua);
    return o;
}

typedef struct dead_ctx {
    svc_call *c;
    sqs_queue *src, *dlq;
} dead_ctx;

/* A message past its source's maxReceiveCount goes to the dead-letter
 * queue as it is (its id, body, attributes, sent time and receive count). */
static void to_dead_letter(sqs_msg *m, void *arg)
{
    dead_ctx *d = arg;
    if (!m->dlq_source_arn)
        m->dlq_source_arn = g_strdup(d->src->arn);
    m->receipt_gen = 0;
    if (d->dlq->fifo && !m->group_id)
        m->group_id = g_strdup("default");
    sqs_enqueue(d->dlq, m, 0, d->c->now_ms);
    sqs_note_due(d->c->state, d->dlq);
    sqs_wake(d->c, d->dlq, 1);
}

int sqs_receive_message(svc_call *c)
{
    sqs_queue *q = sqs_queue_for_url(c, svc_str(c->input, "QueueUrl"));
    if (!q)
        return -1;
    json_t *in = c->input;
    char num[32];
    long max = sqs_int_in(in, "MaxNumberOfMessages", 1);
    g_snprintf(num, sizeof num, "%ld", max);
    if (max < 1 || max > MAX_BATCH)
        return sqs_invalid_value(c, num, "MaxNumberOfMessages", "Must be between 1 and 10, if provided.");
    long vis = sqs_int_in(in, "VisibilityTimeout", sqs_queue_int(q, "VisibilityTimeout"));
    g_snprintf(num, sizeof num, "%ld", vis);
    if (vis < 0 || vis > MAX_VISIBILITY)
        return sqs_invalid_value(c, num, "VisibilityTimeout", "Must be >= 0 and <= 43200, if provided.");
    long wait = sqs_int_in(in, "WaitTimeSeconds", sqs_queue_int(q, "ReceiveMessageWaitTimeSeconds"));
    g_snprintf(num, sizeof num, "%ld", wait);
    if (wait < 0 || wait > MAX_WAIT)
        return sqs_invalid_value(c, num, "WaitTimeSeconds", "Must be >= 0 and <= 20, if provided.");
    const char *attempt_id = q->fifo ? svc_str(in, "ReceiveRequestAttemptId") : NULL;
    if (attempt_id && !token_ok(attempt_id))
        return sqs_invalid_value(c, attempt_id, "ReceiveRequestAttemptId",
                                 "ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. "
                                 "1 to 128 in length.");

    want w;
    if (want_init(c, &w) != 0) {
        want_clear(&w);
        return -1;
    }

    GPtrArray *got = g_ptr_array_new();
    sqs_attempt *prior = attempt_id ? sqs_attempt_find(q, attempt_id, c->now_ms) : NULL;
    if (prior) {
        /* a retry: the same messages, their visibility timeout begun anew */
        for (guint i = 0; i < prior->seqs->len; i++) {
            sqs_msg *m = sqs_msg_find(q, g_array_index(prior->seqs, uint64_t, i));
            if (m && m->state == SQS_INFLIGHT) {
                sqs_msg_set_visibility(q, m, (int)vis, c->now_ms);
                g_ptr_array_add(got, m);
            }
        }
    } else {
        int max_receives = 0;
        sqs_queue *dlq = sqs_dead_letter_of(c->state, q, &max_receives);
        dead_ctx d = {c, q, dlq};
        sqs_receive(q, (int)max, (int)vis, dlq ? max_receives : 0, dlq ? to_dead_letter : NULL, &d, c->now_ms,
                    got);
        if (attempt_id && got->len) {
            GArray *seqs = g_array_new(FALSE, FALSE, sizeof(uint64_t));
            for (guint i = 0; i < got->len; i++)
                g_array_append_val(seqs, ((sqs_msg *)got->pdata[i])->seq);
            sqs_attempt_record(q, attempt_id, seqs, c->now_ms);
        }
    }
    sqs_note_due(c->state, q);
    /* a run woken early (another consumer took the message) waits out what
     * is left of the request's own time */
    int64_t left_ms = (int64_t)wait * 1000 - svc_park_waited_ms(c);
    if (!got->len && left_ms > 0 && !svc_park_expired(c) && svc_park(c, q->arn, left_ms)) {
        g_ptr_array_free(got, TRUE);
        want_clear(&w);
        return 0; /* answered when a message arrives or the wait is over */
    }

    json_t *msgs = json_array();
    for (guint j = 0; j < got->len; j++)
        json_array_append_new(msgs, message_out(c, q, got->pdata[j], &w));
    want_clear(&w);
    g_ptr_array_free(got, TRUE);
    c->output = json_object();
    if (json_array_size(msgs))
        json_object_set(c->output, "Messages", msgs);
    json_decref(msgs);
    return 0;
}

/* ---- DeleteMessage ---- */

/* Deletes the message a handle names: a handle from an earlier receive of
 * it still does; one of a message already gone succeeds too. */
static int delete_one(svc_call *c, sqs_queue *q, const char *handle)
{
    uint64_t seq;
    uint32_t gen;
    if (!receipt_parse(q, handle, &seq, &gen))
        return receipt_invalid(c, handle);
    sqs_msg *m = sqs_msg_find(q, seq);
    if (m && m->receipt_gen > 0) {
        bool group_blocked = q->fifo && m->state == SQS_INFLIGHT;
        sqs_msg_delete(q, m);
        /* a FIFO group's next message is receivable now */
        if (group_blocked)
            sqs_wake(c, q, 1);
    }
    return 0;
}

int sqs_delete_message(svc_call *c)
{
    sqs_queue *q = sqs_queue_for_url(c, svc_str(c->input, "QueueUrl"));
    if (!q)
        return -1;
    return delete_one(c, q, svc_str(c->input, "ReceiptHandle"));
}

/* The batch operations with an empty result per entry: each entry run by
 * one, its failure in Failed (a fault rule's share too). */
typedef int (*entry_fn)(svc_call *c, sqs_queue *q, json_t *entry);

static int run_batch(svc_call *c, const char *entry_shape, entry_fn one)
{
    sqs_queue *q = sqs_queue_for_url(c, svc_str(c->input, "QueueUrl"));
    if (!q)
        return -1;
    json_t *entries = json_object_get(c->input, "Entries");
    if (batch_check(c, entries, entry_shape) != 0)
        return -1;
    size_t n = json_array_size(entries), i;
    size_t failing = svc_fault_share(c, "failed_entries", n);
    json_t *ok = json_array(), *failed = json_array(), *e;
    json_array_foreach(entries, i, e) {
        const char *id = svc_str(e, "Id");
        if (svc_fault_hits(i, failing, n)) {
            json_array_append_new(failed, fault_entry(id));
        } else if (one(c, q, e) != 0) {
            json_array_append_new(failed, failed_entry(id, &c->err, true));
            aws_error_clear(&c->err);
        } else {
            json_array_append_new(ok, json_pack("{s:s}", "Id", id));
        }
    }
    c->output = json_pack("{s:o, s:o}", "Successful", ok, "Failed", failed);
    return 0;
}

static int delete_entry(svc_call *c, sqs_queue *q, json_t *e) { return delete_one(c, q, svc_str(e, "ReceiptHandle")); }

int sqs_delete_message_batch(svc_call *c) { return run_batch(c, "DeleteMessageBatchRequestEntry", delete_entry); }

/* ---- ChangeMessageVisibility ---- */

static int change_one(svc_call *c, sqs_queue *q, const char *handle, json_t *timeout)
{
    uint64_t seq;
    uint32_t gen;
    if (!receipt_parse(q, handle, &seq, &gen))
        return receipt_invalid(c, handle);
    long vis = timeout ? (long)json_integer_value(timeout) : 0;
    if (vis < 0 || vis > MAX_VISIBILITY) {
        char num[32];
        g_snprintf(num, sizeof num, "%ld", vis);
        return sqs_invalid_value(c, num, "VisibilityTimeout",
                                 "VisibilityTimeout must be an integer between 0 and 43200.");
    }
    sqs_msg *m = sqs_msg_find(q, seq);
    if (!m)
        return sqs_invalid_value(c, handle, "ReceiptHandle",
                                 "Message does not exist or is not available for visibility timeout change.");
    if (m->state != SQS_INFLIGHT)
        return aws_error_set(&c->err, "MessageNotInflight", NULL);
    /* 12 hours from the receive at most, however often it is extended */
    if (c->now_ms - m->last_receive_ms + (int64_t)vis * 1000 > (int64_t)MAX_VISIBILITY * 1000) {
        char num[32];
        g_snprintf(num, sizeof num, "%ld", vis);
        return sqs_invalid_value(c, num, "VisibilityTimeout",
                                 "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]");
    }
    sqs_msg_set_visibility(q, m, (int)vis, c->now_ms);
    sqs_note_due(c->state, q);
    if (vis == 0)
        sqs_wake(c, q, 1);
    return 0;
}

int sqs_change_visibility(svc_call *c)
{
    sqs_queue *q = sqs_queue_for_url(c, svc_str(c->input, "QueueUrl"));
    if (!q)
        return -1;
    return change_one(c, q, svc_str(c->input, "ReceiptHandle"), json_object_get(c->input, "VisibilityTimeout"));
}

static int change_entry(svc_call *c, sqs_queue *q, json_t *e)
{
    return change_one(c, q, svc_str(e, "ReceiptHandle"), json_object_get(e, "VisibilityTimeout"));
}

int sqs_change_visibility_batch(svc_call *c)
{
    return run_batch(c, "ChangeMessageVisibilityBatchRequestEntry", change_entry);
}

/* ---- fixtures ---- */

json_t *sqs_message_dump(const sqs_msg *m)
{
    json_t *o = json_pack("{s:s, s:I, s:i}", "message_id", m->id, "sent_timestamp", (json_int_t)m->sent_ms,
                          "receive_count", m->receive_count);
    svc_json_set_bytes(o, "body", m->body, m->body_len);
    if (m->attrs)
        json_object_set(o, "attributes", m->attrs);
    if (m->group_id)
        json_object_set_new(o, "group_id", json_string(m->group_id));
    if (m->dedup_id)
        json_object_set_new(o, "deduplication_id", json_string(m->dedup_id));
    return o;
}

sqs_msg *sqs_message_load(json_t *o, int64_t now_ms, char *err, size_t errlen)
{
    static const char *const known[] = {"body",         "attributes",     "group_id",      "deduplication_id",
                                        "delay_seconds", "message_id",    "sent_timestamp", "receive_count", NULL};
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        bool ok = false;
        for (size_t i = 0; known[i] && !ok; i++)
            ok = strcmp(known[i], k) == 0;
        if (!ok) {
            g_snprintf(err, errlen, "unknown field \"%s\"", k);
            return NULL;
        }
    }
    json_t *body = json_object_get(o, "body");
    if (!json_is_string(body) || !json_string_length(body) ||
        !sqs_body_chars_ok(json_string_value(body), json_string_length(body))) {
        g_snprintf(err, errlen, "\"body\" must be a non-empty string of the characters SQS allows");
        return NULL;
    }
    json_t *attrs = json_object_get(o, "attributes");
    size_t size;
    char *why = attrs ? sqs_attributes_check(attrs, false, &size) : NULL;
    if (why || (attrs && !json_is_object(attrs))) {
        g_snprintf(err, errlen, "\"attributes\": %s", why ? why : "must be an object");
        g_free(why);
        return NULL;
    }
    sqs_msg *m = g_new0(sqs_msg, 1);
    const char *id = svc_str(o, "message_id");
    g_strlcpy(m->id, id ? id : "", sizeof m->id);
    if (!id) {
        /* no server call here: an id from the message's place and time */
        g_snprintf(m->id, sizeof m->id, "00000000-0000-4000-8000-%012" PRIx64, (uint64_t)now_ms & UINT64_C(0xffffffffffff));
    }
    m->body = g_strndup(json_string_value(body), json_string_length(body));
    m->body_len = json_string_length(body);
    sqs_md5_hex(m->body, m->body_len, m->md5_body);
    if (json_object_size(attrs)) {
        m->attrs = json_incref(attrs);
        sqs_md5_attributes(attrs, m->md5_attrs);
    }
    json_t *sent = json_object_get(o, "sent_timestamp");
    m->sent_ms = json_is_integer(sent) ? json_integer_value(sent) : now_ms;
    m->receive_count = (int)sqs_int_in(o, "receive_count", 0);
    m->group_id = g_strdup(svc_str(o, "group_id"));
    m->dedup_id = g_strdup(svc_str(o, "deduplication_id"));
    return m;
}
