/* Dead-letter queues: the redrive policies (RedrivePolicy on the source,
 * RedriveAllowPolicy on the dead-letter queue), the queues that use a
 * dead-letter queue, and message move tasks, which take messages back
 * out of one on the server clock. */
#include "services/sqs/sqs.h"
#include "services/svc_api.h"

#include <stdlib.h>
#include <string.h>

#define MAX_RECEIVES 1000
#define MAX_ALLOW_SOURCES 10
#define MAX_RATE 500
#define DEFAULT_RATE 500
#define MAX_TASKS_LISTED 10

/* maxReceiveCount as a number or a string of digits; -1 otherwise. */
static long receive_count_of(json_t *v)
{
    if (json_is_integer(v))
        return (long)json_integer_value(v);
    const char *s = json_string_value(v);
    if (!s || !*s)
        return -1;
    char *end;
    long n = strtol(s, &end, 10);
    return *end || !g_ascii_isdigit(*s) ? -1 : n;
}

/* The ARN of the queue c's request creates or changes. g_malloc'd. */
static char *request_queue_arn(svc_call *c)
{
    const char *name = svc_str(c->input, "QueueName");
    if (!name) {
        const char *url = svc_str(c->input, "QueueUrl");
        const char *slash = url ? strrchr(url, '/') : NULL;
        name = slash ? slash + 1 : "";
    }
    return g_strdup_printf("arn:%s:sqs:%s:%s:%s", svc_partition(c->region), c->region, c->account, name);
}

/* Whether dlq's RedriveAllowPolicy lets source_arn use it. */
static bool allows(const sqs_queue *dlq, const char *source_arn)
{
    json_t *doc = json_loads(svc_str(dlq->attrs, "RedriveAllowPolicy") ? svc_str(dlq->attrs, "RedriveAllowPolicy") : "",
                             0, NULL);
    if (!doc)
        return true; /* none: allowAll */
    const char *perm = svc_str(doc, "redrivePermission");
    bool ok = true;
    if (perm && strcmp(perm, "denyAll") == 0) {
        ok = false;
    } else if (perm && strcmp(perm, "byQueue") == 0) {
        ok = false;
        size_t i;
        json_t *a;
        json_array_foreach(json_object_get(doc, "sourceQueueArns"), i, a) ok = ok || g_strcmp0(json_string_value(a), source_arn) == 0;
    }
    json_decref(doc);
    return ok;
}

int sqs_redrive_check(svc_call *c, const char *value, bool fifo)
{
    json_t *doc = json_loads(value, 0, NULL);
    if (!json_is_object(doc)) {
        json_decref(doc);
        return sqs_invalid_value(c, value, "RedrivePolicy", "Redrive policy is not a valid JSON map.");
    }
    int rc = 0;
    const char *target = svc_str(doc, "deadLetterTargetArn");
    json_t *mrc = json_object_get(doc, "maxReceiveCount");
    long n = receive_count_of(mrc);
    const char *k;
    json_t *v;
    json_object_foreach(doc, k, v) {
        if (strcmp(k, "deadLetterTargetArn") != 0 && strcmp(k, "maxReceiveCount") != 0) {
            rc = sqs_invalid_value(c, value, "RedrivePolicy", "Only following attributes are supported: "
                                                              "[deadLetterTargetArn, maxReceiveCount].");
            break;
        }
    }
    if (rc == 0 && !target)
        rc = sqs_invalid_value(c, value, "RedrivePolicy", "Redrive policy does not contain mandatory attribute: "
                                                          "deadLetterTargetArn.");
    if (rc == 0 && !mrc)
        rc = sqs_invalid_value(c, value, "RedrivePolicy", "Redrive policy does not contain mandatory attribute: "
                                                          "maxReceiveCount.");
    if (rc == 0 && (n < 1 || n > MAX_RECEIVES)) {
        char *why = g_strdup_printf("Invalid value for maxReceiveCount: %s, valid values are from 1 to %d both "
                                    "inclusive.",
                                    json_is_string(mrc) ? json_string_value(mrc) : "?", MAX_RECEIVES);
        if (json_is_integer(mrc)) {
            g_free(why);
            why = g_strdup_printf("Invalid value for maxReceiveCount: %ld, valid values are from 1 to %d both "
                                  "inclusive.",
                                  n, MAX_RECEIVES);
        }
        rc = sqs_invalid_value(c, value, "RedrivePolicy", why);
        g_free(why);
    }
    if (rc == 0) {
        sqs_queue *dlq = sqs_queue_by_arn(c->state, target);
        char *self = request_queue_arn(c);
        if (!dlq)
            rc = sqs_invalid_value(c, value, "RedrivePolicy", "Dead-letter target does not exist.");
        else if (dlq->fifo != fifo)
            rc = sqs_invalid_value(c, value, "RedrivePolicy",
                                   "Dead-letter queue must be same type of queue as the source.");
        else if (!allows(dlq, self)) {
            char *why = g_strdup_printf("Queue %s does not allow this queue to use it as a dead-letter queue.", target);
            rc = sqs_invalid_value(c, value, "RedrivePolicy", why);
            g_free(why);
        }
        g_free(self);
    }
    json_decref(doc);
    return rc;
}

int sqs_redrive_allow_check(svc_call *c, const char *value)
{
    json_t *doc = json_loads(value, 0, NULL);
    const char *why = NULL;
    if (!json_is_object(doc)) {
        why = "Redrive allow policy is not a valid JSON map.";
    } else {
        const char *perm = svc_str(doc, "redrivePermission");
        json_t *arns = json_object_get(doc, "sourceQueueArns");
        if (!perm || (strcmp(perm, "allowAll") && strcmp(perm, "denyAll") && strcmp(perm, "byQueue")))
            why = "Invalid value for redrivePermission. Valid values are allowAll, denyAll, byQueue.";
        else if (strcmp(perm, "byQueue") == 0 &&
                 (!json_is_array(arns) || json_array_size(arns) < 1 || json_array_size(arns) > MAX_ALLOW_SOURCES))
            why = "sourceQueueArns must contain 1 to 10 queue ARNs when redrivePermission is byQueue.";
        else if (strcmp(perm, "byQueue") != 0 && arns)
            why = "sourceQueueArns can only be specified when redrivePermission is byQueue.";
    }
    json_decref(doc);
    return why ? sqs_invalid_value(c, value, "RedriveAllowPolicy", why) : 0;
}

sqs_queue *sqs_dead_letter_of(sqs_state *st, const sqs_queue *q, int *max_receives)
{
    const char *rp = svc_str(q->attrs, "RedrivePolicy");
    if (!rp)
        return NULL;
    json_t *doc = json_loads(rp, 0, NULL);
    sqs_queue *dlq = sqs_queue_by_arn(st, svc_str(doc, "deadLetterTargetArn"));
    *max_receives = (int)receive_count_of(json_object_get(doc, "maxReceiveCount"));
    json_decref(doc);
    return dlq == q ? NULL : dlq;
}

/* Whether src's redrive policy names target_arn. */
static bool redrives_to(const sqs_queue *src, const char *target_arn)
{
    const char *rp = svc_str(src->attrs, "RedrivePolicy");
    if (!rp)
        return false;
    json_t *doc = json_loads(rp, 0, NULL);
    bool yes = g_strcmp0(svc_str(doc, "deadLetterTargetArn"), target_arn) == 0;
    json_decref(doc);
    return yes;
}

int sqs_list_dead_letter_sources(svc_call *c)
{
    sqs_state *st = c->state;
    sqs_queue *q = sqs_queue_for_url(c, svc_str(c->input, "QueueUrl"));
    if (!q)
        return -1;
    long max = sqs_int_in(c->input, "MaxResults", 0);
    if (json_object_get(c->input, "MaxResults") && (max < 1 || max > 1000))
        return sqs_invalid(c, "Value %ld for parameter MaxResults is invalid. Reason: MaxResults must be an integer "
                              "between 1 and 1000.",
                           max);
    const char *token = svc_str(c->input, "NextToken");
    char *after = NULL;
    size_t n;
    if (token && (!svc_base64_decode(token, strlen(token), &after, &n) || n == 0 || strlen(after) != n)) {
        g_free(after);
        return sqs_invalid(c, "Invalid NextToken value.");
    }
    json_t *urls = json_array();
    const char *last = NULL;
    bool more = false;
    long page = max ? max : 1000;
    for (GTreeNode *node = after ? g_tree_upper_bound(st->queues, after) : g_tree_node_first(st->queues); node;
         node = g_tree_node_next(node)) {
        sqs_queue *src = g_tree_node_value(node);
        if (!redrives_to(src, q->arn))
            continue;
        if ((long)json_array_size(urls) >= page) {
            more = true;
            break;
        }
        char *url = sqs_queue_url(c, src);
        json_array_append_new(urls, json_string(url));
        g_free(url);
        last = src->name;
    }
    c->output = json_pack("{s:o}", "queueUrls", urls);
    if (more && max) {
        gchar *t = g_base64_encode((const guchar *)last, strlen(last));
        json_object_set_new(c->output, "NextToken", json_string(t));
        g_free(t);
    }
    g_free(after);
    return 0;
}

/* ---- message move tasks ---- */

static bool is_dead_letter_queue(sqs_state *st, const sqs_queue *q)
{
    for (GTreeNode *n = g_tree_node_first(st->queues); n; n = g_tree_node_next(n))
        if (redrives_to(g_tree_node_value(n), q->arn))
            return true;
    return false;
}

static sqs_move_task *running_task(const sqs_queue *q)
{
    for (guint i = 0; i < q->tasks->len; i++) {
        sqs_move_task *t = q->tasks->pdata[i];
        if (strcmp(t->status, "RUNNING") == 0)
            return t;
    }
    return NULL;
}

static void set_status(sqs_move_task *t, const char *status)
{
    g_free(t->status);
    t->status = g_strdup(status);
}

int sqs_start_move_task(svc_call *c)
{
    sqs_state *st = c->state;
    const char *src_arn = svc_str(c->input, "SourceArn");
    const char *dst_arn = svc_str(c->input, "DestinationArn");
    sqs_queue *src = sqs_queue_by_arn(st, src_arn);
    if (!src)
        return aws_error_set(&c->err, "ResourceNotFoundException", "The resource that you specified for the "
                                                                   "SourceArn parameter doesn't exist.");
    if (!is_dead_letter_queue(st, src))
        return sqs_invalid(c, "Source queue must be configured as a Dead Letter Queue.");
    if (dst_arn && !sqs_queue_by_arn(st, dst_arn))
        return aws_error_set(&c->err, "ResourceNotFoundException", "The resource that you specified for the "
                                                                   "DestinationArn parameter doesn't exist.");
    json_t *rate_v = json_object_get(c->input, "MaxNumberOfMessagesPerSecond");
    long rate = rate_v ? (long)json_integer_value(rate_v) : 0;
    if (rate_v && (rate < 1 || rate > MAX_RATE))
        return sqs_invalid(c, "Value %ld for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: "
                              "MaxNumberOfMessagesPerSecond must be between 1 and %d.",
                           rate, MAX_RATE);
    if (running_task(src))
        return sqs_invalid(c, "There is already a task running. Only one active task is allowed for a source "
                              "queue arn at a given time.");
    sqs_settle(src, c->now_ms);
    sqs_move_task *t = g_new0(sqs_move_task, 1);
    char id[37];
    svc_uuid(c, id);
    char *raw = g_strdup_printf("{\"taskId\":\"%s\",\"sourceArn\":\"%s\"}", id, src_arn);
    t->handle = g_base64_encode((const guchar *)raw, strlen(raw));
    g_free(raw);
    t->source_arn = g_strdup(src_arn);
    t->dest_arn = g_strdup(dst_arn);
    t->rate = (int)rate;
    t->status = g_strdup("RUNNING");
    t->started_ms = c->now_ms;
    t->to_move = (int64_t)sqs_count_visible(src);
    g_ptr_array_add(src->tasks, t);
    /* the first second's messages move at once (at the next request or
     * clock move), the rest as the clock goes */
    int64_t cur = atomic_load(&st->due);
    while (c->now_ms < cur && !atomic_compare_exchange_weak(&st->due, &cur, c->now_ms))
        ;
    c->output = json_pack("{s:s}", "TaskHandle", t->handle);
    return 0;
}

static json_t *task_json(const sqs_move_task *t)
{
    json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I}", "Status", t->status, "SourceArn", t->source_arn,
                          "ApproximateNumberOfMessagesMoved", (json_int_t)t->moved,
                          "ApproximateNumberOfMessagesToMove", (json_int_t)t->to_move, "StartedTimestamp",
                          (json_int_t)t->started_ms);
    if (strcmp(t->status, "RUNNING") == 0)
        json_object_set_new(o, "TaskHandle", json_string(t->handle));
    if (t->dest_arn)
        json_object_set_new(o, "DestinationArn", json_string(t->dest_arn));
    if (t->rate)
        json_object_set_new(o, "MaxNumberOfMessagesPerSecond", json_integer(t->rate));
    if (t->failure)
        json_object_set_new(o, "FailureReason", json_string(t->failure));
    return o;
}

int sqs_list_move_tasks(svc_call *c)
{
    sqs_queue *src = sqs_queue_by_arn(c->state, svc_str(c->input, "SourceArn"));
    if (!src)
        return aws_error_set(&c->err, "ResourceNotFoundException", "The resource that you specified for the "
                                                                   "SourceArn parameter doesn't exist.");
    long max = sqs_int_in(c->input, "MaxResults", 1);
    if (max < 1 || max > MAX_TASKS_LISTED)
        return sqs_invalid(c, "Value %ld for parameter MaxResults is invalid. Reason: MaxResults must be an integer "
                              "between 1 and %d.",
                           max, MAX_TASKS_LISTED);
    json_t *list = json_array();
    /* newest first */
    for (guint i = src->tasks->len; i > 0 && (long)json_array_size(list) < max; i--)
        json_array_append_new(list, task_json(src->tasks->pdata[i - 1]));
    c->output = json_pack("{s:o}", "Results", list);
    return 0;
}

int sqs_cancel_move_task(svc_call *c)
{
    const char *handle = svc_str(c->input, "TaskHandle");
    char *raw = NULL;
    size_t len;
    json_t *doc = NULL;
    if (svc_base64_decode(handle, strlen(handle), &raw, &len))
        doc = json_loadb(raw, len, 0, NULL);
    g_free(raw);
    sqs_queue *src = sqs_queue_by_arn(c->state, svc_str(doc, "sourceArn"));
    json_decref(doc);
    sqs_move_task *t = src ? running_task(src) : NULL;
    if (!t || strcmp(t->handle, handle) != 0)
        return aws_error_set(&c->err, "ResourceNotFoundException", "Task does not exist.");
    set_status(t, "CANCELLED");
    c->output = json_pack("{s:I}", "ApproximateNumberOfMessagesMoved", (json_int_t)t->moved);
    return 0;
}

/* Moves one message of a task: to its destination, or back to the queue
 * it came from. False when there is nowhere to move it. */
static bool move_one(svc_call *c, sqs_state *st, sqs_queue *src, sqs_move_task *t, sqs_msg *m)
{
    sqs_queue *dst = sqs_queue_by_arn(st, t->dest_arn ? t->dest_arn : m->dlq_source_arn);
    if (!dst || dst == src)
        return false;
    sqs_msg_detach(src, m);
    g_free(m->dlq_source_arn);
    m->dlq_source_arn = NULL;
    m->receive_count = 0;
    m->first_receive_ms = 0;
    m->receipt_gen = 0;
    if (dst->fifo && !m->group_id)
        m->group_id = g_strdup("default");
    sqs_enqueue(dst, m, 0, c->now_ms);
    sqs_note_due(st, dst);
    sqs_wake(c, dst, 1);
    return true;
}

void sqs_run_move_tasks(svc_call *c, sqs_state *st)
{
    for (GTreeNode *n = g_tree_node_first(st->queues); n; n = g_tree_node_next(n)) {
        sqs_queue *src = g_tree_node_value(n);
        sqs_move_task *t = running_task(src);
        if (!t)
            continue;
        sqs_settle(src, c->now_ms);
        int rate = t->rate ? t->rate : DEFAULT_RATE;
        /* by now, (whole seconds since the start + 1) x rate may have moved */
        int64_t allowed = ((c->now_ms - t->started_ms) / 1000 + 1) * rate;
        while (t->moved < t->to_move && t->moved < allowed) {
            /* the oldest visible message (a FIFO queue's, by walking past
             * those in flight) */
            sqs_msg *m = NULL;
            GTreeNode *mn = g_tree_node_first(src->fifo ? src->by_seq : src->ready);
            for (; mn && !m; mn = g_tree_node_next(mn)) {
                sqs_msg *x = g_tree_node_value(mn);
                if (x->state == SQS_VISIBLE)
                    m = x;
            }
            if (!m)
                break;
            if (!move_one(c, st, src, t, m)) {
                set_status(t, "FAILED");
                t->failure = g_strdup("The message's source queue no longer exists.");
                break;
            }
            t->moved++;
        }
        if (strcmp(t->status, "RUNNING") == 0) {
            if (t->moved >= t->to_move || sqs_count_visible(src) == 0)
                set_status(t, "COMPLETED");
            else {
                int64_t next = t->started_ms + ((c->now_ms - t->started_ms) / 1000 + 1) * 1000;
                int64_t cur = atomic_load(&st->due);
                while (next < cur && !atomic_compare_exchange_weak(&st->due, &cur, next))
                    ;
            }
        }
    }
}
