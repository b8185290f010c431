#include "services/sqs/sqs.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "services/sqs/authz.h"
#include "services/sqs/message.h"
#include "services/svc_api.h"

#define MAX_TAGS 50
#define PURGE_MS 60000
#define DELETED_MS 60000
#define MAX_QUEUE_NAME 80

/* ---- shared helpers ---- */

int sqs_invalid(svc_call *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    aws_error_set(&c->err, "InvalidParameterValue", "%s", m);
    g_free(m);
    return -1;
}

int sqs_invalid_value(svc_call *c, const char *value, const char *param, const char *reason)
{
    return sqs_invalid(c, "Value %s for parameter %s is invalid. Reason: %s", value, param, reason);
}

long sqs_int_in(json_t *in, const char *name, long dflt)
{
    json_t *v = json_object_get(in, name);
    return json_is_integer(v) ? (long)json_integer_value(v) : dflt;
}

char *sqs_queue_url(svc_call *c, const sqs_queue *q)
{
    return g_strdup_printf("%s/%s/%s", svc_endpoint(c), c->account, q->name);
}

sqs_queue *sqs_queue_for_url(svc_call *c, const char *url)
{
    const char *path = url;
    const char *scheme = strstr(url, "://");
    if (scheme) {
        path = strchr(scheme + 3, '/');
        if (!path)
            path = "";
    }
    /* /ACCOUNT/NAME */
    sqs_queue *q = NULL;
    if (*path == '/') {
        const char *acct = path + 1, *slash = strchr(acct, '/');
        if (slash && (size_t)(slash - acct) == 12 && strncmp(acct, c->account, 12) == 0 && !strchr(slash + 1, '/'))
            q = sqs_queue_find(c->state, slash + 1);
    }
    if (!q)
        aws_error_set(&c->err, "QueueDoesNotExist", "The specified queue does not exist.");
    else
        sqs_settle(q, c->now_ms);
    return q;
}

void sqs_wake(svc_call *c, const sqs_queue *q, size_t ready)
{
    if (ready)
        svc_wake_some(c, q->arn, ready);
}

/* ---- queue attributes ---- */

typedef struct attr_def {
    const char *name;
    long min, max;     /* integer attributes: the range; min > max: not an integer */
    const char *dflt;  /* the value a new queue has, or NULL */
    bool fifo_only;
} attr_def;

static const attr_def ATTRS[] = {
    {"DelaySeconds", 0, 900, "0", false},
    {"MaximumMessageSize", 1024, 1048576, "1048576", false},
    {"MessageRetentionPeriod", 60, 1209600, "345600", false},
    {"ReceiveMessageWaitTimeSeconds", 0, 20, "0", false},
    {"VisibilityTimeout", 0, 43200, "30", false},
    {"KmsDataKeyReusePeriodSeconds", 60, 86400, NULL, false},
    {"Policy", 1, 0, NULL, false},
    {"RedrivePolicy", 1, 0, NULL, false},
    {"RedriveAllowPolicy", 1, 0, NULL, false},
    {"KmsMasterKeyId", 1, 0, NULL, false},
    {"SqsManagedSseEnabled", 1, 0, "true", false},
    {"FifoQueue", 1, 0, NULL, false},
    {"ContentBasedDeduplication", 1, 0, NULL, true},
    {"DeduplicationScope", 1, 0, NULL, true},
    {"FifoThroughputLimit", 1, 0, NULL, true},
};

/* Attributes only GetQueueAttributes answers. */
static const char *const READ_ONLY[] = {
    "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp", "LastModifiedTimestamp", "QueueArn", NULL};

static const attr_def *attr_find(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(ATTRS); i++)
        if (strcmp(ATTRS[i].name, name) == 0)
            return &ATTRS[i];
    return NULL;
}

static bool read_only(const char *name)
{
    for (size_t i = 0; READ_ONLY[i]; i++)
        if (strcmp(READ_ONLY[i], name) == 0)
            return true;
    return false;
}

static bool is_bool(const char *v) { return strcmp(v, "true") == 0 || strcmp(v, "false") == 0; }

static int bad_attr_value(svc_call *c, const char *name)
{
    return aws_error_set(&c->err, "InvalidAttributeValue", "Invalid value for the parameter %s.", name);
}

static int unknown_attr(svc_call *c, const char *name)
{
    return aws_error_set(&c->err, "InvalidAttributeName", "Unknown Attribute %s.", name);
}

/* Checks one attribute to be set on a queue (fifo: the queue's kind);
 * creating: CreateQueue rather than SetQueueAttributes. */
static int attr_check(svc_call *c, const char *name, const char *value, bool fifo, bool creating)
{
    const attr_def *d = attr_find(name);
    if (!d)
        return unknown_attr(c, name);
    if (d->fifo_only && !fifo)
        return unknown_attr(c, name);
    if (d->min <= d->max) {
        char *end;
        long n = strtol(value, &end, 10);
        if (!*value || *end || !(g_ascii_isdigit(value[0]) || value[0] == '-') || n < d->min || n > d->max)
            return bad_attr_value(c, name);
        return 0;
    }
    if (strcmp(name, "FifoQueue") == 0) {
        if (!creating)
            return aws_error_set(&c->err, "InvalidAttributeName", "Invalid attribute name FifoQueue.");
        return is_bool(value) ? 0 : bad_attr_value(c, name);
    }
    if (strcmp(name, "ContentBasedDeduplication") == 0 || strcmp(name, "SqsManagedSseEnabled") == 0)
        return is_bool(value) ? 0 : bad_attr_value(c, name);
    if (strcmp(name, "DeduplicationScope") == 0)
        return strcmp(value, "messageGroup") == 0 || strcmp(value, "queue") == 0 ? 0 : bad_attr_value(c, name);
    if (strcmp(name, "FifoThroughputLimit") == 0)
        return strcmp(value, "perQueue") == 0 || strcmp(value, "perMessageGroupId") == 0 ? 0
                                                                                        : bad_attr_value(c, name);
    if (strcmp(name, "Policy") == 0) {
        if (!*value)
            return 0; /* "" removes it */
        json_t *doc = json_loads(value, 0, NULL);
        bool ok = json_is_object(doc);
        json_decref(doc);
        return ok ? 0 : bad_attr_value(c, name);
    }
    if (strcmp(name, "RedrivePolicy") == 0)
        return *value ? sqs_redrive_check(c, value, fifo) : 0;
    if (strcmp(name, "RedriveAllowPolicy") == 0)
        return *value ? sqs_redrive_allow_check(c, value) : 0;
    return 0; /* KmsMasterKeyId: any alias or key id */
}

/* Stores an attribute already checked. */
static void attr_store(json_t *attrs, const char *name, const char *value)
{
    if (!*value && (strcmp(name, "Policy") == 0 || strcmp(name, "RedrivePolicy") == 0 ||
                    strcmp(name, "RedriveAllowPolicy") == 0 || strcmp(name, "KmsMasterKeyId") == 0)) {
        json_object_del(attrs, name);
        if (strcmp(name, "KmsMasterKeyId") == 0)
            json_object_del(attrs, "KmsDataKeyReusePeriodSeconds");
        return;
    }
    json_object_set_new(attrs, name, json_string(value));
    if (strcmp(name, "KmsMasterKeyId") == 0) {
        /* SSE-KMS replaces SSE-SQS; the data key period defaults to 300 s */
        json_object_set_new(attrs, "SqsManagedSseEnabled", json_string("false"));
        if (!json_object_get(attrs, "KmsDataKeyReusePeriodSeconds"))
            json_object_set_new(attrs, "KmsDataKeyReusePeriodSeconds", json_string("300"));
    } else if (strcmp(name, "SqsManagedSseEnabled") == 0 && strcmp(value, "true") == 0) {
        json_object_del(attrs, "KmsMasterKeyId");
        json_object_del(attrs, "KmsDataKeyReusePeriodSeconds");
    }
}

static json_t *default_attrs(bool fifo)
{
    json_t *a = json_object();
    for (size_t i = 0; i < G_N_ELEMENTS(ATTRS); i++)
        if (ATTRS[i].dflt)
            json_object_set_new(a, ATTRS[i].name, json_string(ATTRS[i].dflt));
    if (fifo) {
        json_object_set_new(a, "FifoQueue", json_string("true"));
        json_object_set_new(a, "ContentBasedDeduplication", json_string("false"));
        json_object_set_new(a, "DeduplicationScope", json_string("queue"));
        json_object_set_new(a, "FifoThroughputLimit", json_string("perQueue"));
    }
    return a;
}

/* ---- CreateQueue ---- */

static bool name_chars_ok(const char *name, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!(g_ascii_isalnum(name[i]) || name[i] == '-' || name[i] == '_'))
            return false;
    return true;
}

/* What is wrong with a queue name (SQS's words), or NULL. */
static const char *name_problem(const char *name, bool fifo)
{
    size_t len = strlen(name);
    if (fifo) {
        bool suffix = len > 5 && strcmp(name + len - 5, ".fifo") == 0;
        if (!suffix || len > MAX_QUEUE_NAME || !name_chars_ok(name, len - 5))
            return "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must "
                   "end with .fifo suffix and be 1 to 80 in length.";
    } else if (len == 0 || len > MAX_QUEUE_NAME || !name_chars_ok(name, len)) {
        return "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length";
    }
    return NULL;
}

static int check_tags(svc_call *c, json_t *tags)
{
    if (json_object_size(tags) > MAX_TAGS)
        return sqs_invalid(c, "Too many tags added for queue. The maximum number of tags for a queue is %d.",
                           MAX_TAGS);
    const char *k;
    json_t *v;
    json_object_foreach(tags, k, v) {
        size_t kl = strlen(k);
        if (kl == 0 || kl > 128 || g_str_has_prefix(k, "aws:"))
            return sqs_invalid(c, "Tag key %s is invalid.", k);
        if (json_string_length(v) > 256)
            return sqs_invalid(c, "Tag value for key %s is invalid.", k);
    }
    return 0;
}

static int create_queue(svc_call *c)
{
    sqs_state *st = c->state;
    const char *name = svc_str(c->input, "QueueName");
    json_t *given = json_object_get(c->input, "Attributes");
    json_t *tags = json_object_get(c->input, "tags");
    const char *fifo_attr = svc_str(given, "FifoQueue");
    bool fifo = fifo_attr && strcmp(fifo_attr, "true") == 0;
    const char *why = name_problem(name, fifo);
    if (why)
        return sqs_invalid(c, "%s", why);
    const char *k;
    json_t *v;
    json_object_foreach(given, k, v) {
        if (read_only(k))
            return unknown_attr(c, k);
        if (attr_check(c, k, json_string_value(v), fifo, true) != 0)
            return -1;
    }
    if (tags && check_tags(c, tags) != 0)
        return -1;

    sqs_queue *q = sqs_queue_find(st, name);
    if (q) {
        /* the same name: the same queue only with the same attributes */
        json_object_foreach(given, k, v) {
            const char *have = svc_str(q->attrs, k);
            if (!have && strcmp(k, "FifoQueue") == 0 && strcmp(json_string_value(v), "false") == 0)
                continue;
            if (!have || strcmp(have, json_string_value(v)) != 0)
                return aws_error_set(&c->err, "QueueNameExists",
                                     "A queue already exists with the same name and a different value for "
                                     "attribute %s",
                                     k);
        }
    } else {
        gint64 *gone = g_hash_table_lookup(st->deleted, name);
        if (gone && c->now_ms - *gone < DELETED_MS)
            return aws_error_set(&c->err, "QueueDeletedRecently",
                                 "You must wait 60 seconds after deleting a queue before you can create another "
                                 "with the same name.");
        json_t *attrs = default_attrs(fifo);
        json_object_foreach(given, k, v) {
            if (strcmp(k, "FifoQueue") != 0)
                attr_store(attrs, k, json_string_value(v));
        }
        char *arn = g_strdup_printf("arn:%s:sqs:%s:%s:%s", svc_partition(c->region), c->region, c->account, name);
        q = sqs_queue_add(st, name, arn, fifo, attrs, tags ? json_deep_copy(tags) : NULL, c->now_ms);
        g_free(arn);
    }
    char *url = sqs_queue_url(c, q);
    c->output = json_pack("{s:s}", "QueueUrl", url);
    g_free(url);
    return 0;
}

static int get_queue_url(svc_call *c)
{
    const char *name = svc_str(c->input, "QueueName");
    const char *owner = svc_str(c->input, "QueueOwnerAWSAccountId");
    sqs_queue *q = owner && strcmp(owner, c->account) != 0 ? NULL : sqs_queue_find(c->state, name);
    if (!q)
        return aws_error_set(&c->err, "QueueDoesNotExist", "The specified queue does not exist.");
    char *url = sqs_queue_url(c, q);
    c->output = json_pack("{s:s}", "QueueUrl", url);
    g_free(url);
    return 0;
}

/* ---- ListQueues ---- */

static int list_queues(svc_call *c)
{
    sqs_state *st = c->state;
    json_t *in = c->input;
    long max = sqs_int_in(in, "MaxResults", 0);
    if (json_object_get(in, "MaxResults") && (max < 1 || max > 1000))
        return sqs_invalid(c, "Value %ld for parameter MaxResults is invalid. Reason: MaxResults must be an integer "
                              "between 1 and 1000.",
                           max);
    const char *token = svc_str(in, "NextToken");
    char *after = NULL;
    if (token) {
        size_t n;
        if (!svc_base64_decode(token, strlen(token), &after, &n) || n == 0 || strlen(after) != n)
            return sqs_invalid(c, "Invalid NextToken value.");
    }
    /* a seek to the page's first name, then the page: O(log n + page) */
    const char *prefix = svc_str(in, "QueueNamePrefix");
    long page = max ? max : 1000;
    GTreeNode *node = after && (!prefix || strcmp(after, prefix) >= 0) ? g_tree_upper_bound(st->queues, after)
                      : prefix                                         ? g_tree_lower_bound(st->queues, prefix)
                                                                       : g_tree_node_first(st->queues);
    json_t *urls = json_array();
    const char *last = NULL;
    bool more = false;
    for (; node; node = g_tree_node_next(node)) {
        const char *name = g_tree_node_key(node);
        if (prefix && !g_str_has_prefix(name, prefix))
            break; /* names are sorted: past every one with the prefix */
        if ((long)json_array_size(urls) >= page) {
            more = true;
            break;
        }
        char *url = sqs_queue_url(c, g_tree_node_value(node));
        json_array_append_new(urls, json_string(url));
        g_free(url);
        last = name;
    }
    c->output = json_object();
    if (json_array_size(urls))
        json_object_set(c->output, "QueueUrls", urls);
    if (more && max) {
        gchar *t = g_base64_encode((const guchar *)last, strlen(last));
        json_object_set_new(c->output, "NextToken", json_string(t));
        g_free(t);
    }
    json_decref(urls);
    g_free(after);
    return 0;
}

static int delete_queue(svc_call *c)
{
    sqs_queue *q = sqs_queue_for_url(c, svc_str(c->input, "QueueUrl"));
    if (!q)
        return -1;
    /* a long poll on it ends, empty */
    svc_wake(c, q->arn);
    sqs_queue_remove(c->state, q, c->now_ms);
    return 0;
}

/* ---- Get/SetQueueAttributes ---- */

static void set_count(json_t *out, const char *name, long long n)
{
    char buf[32];
    g_snprintf(buf, sizeof buf, "%lld", n);
    json_object_set_new(out, name, json_string(buf));
}

static json_t *all_attributes(const sqs_queue *q)
{
    json_t *out = json_deep_copy(q->attrs);
    set_count(out, "ApproximateNumberOfMessages", (long long)sqs_count_visible(q));
    set_count(out, "ApproximateNumberOfMessagesNotVisible", (long long)q->n_inflight);
    set_count(out, "ApproximateNumberOfMessagesDelayed", (long long)q->n_delayed);
    set_count(out, "CreatedTimestamp", q->created_ms / 1000);
    set_count(out, "LastModifiedTimestamp", q->modified_ms / 1000);
    json_object_set_new(out, "QueueArn", json_string(q->arn));
    return out;
}

static int get_queue_attributes(svc_call *c)
{
    sqs_queue *q = sqs_queue_for_url(c, svc_str(c->input, "QueueUrl"));
    if (!q)
        return -1;
    json_t *names = json_object_get(c->input, "AttributeNames");
    json_t *all = all_attributes(q);
    json_t *out = json_object();
    size_t i;
    json_t *n;
    json_array_foreach(names, i, n) {
        const char *name = json_string_value(n);
        if (strcmp(name, "All") == 0) {
            json_object_update(out, all);
            continue;
        }
        /* an attribute the queue does not have (FifoQueue of a standard
         * queue, an unset Policy) is answered with nothing */
        json_t *v = json_object_get(all, name);
        if (v)
            json_object_set(out, name, v);
    }
    json_decref(all);
    c->output = json_object();
    if (json_object_size(out))
        json_object_set(c->output, "Attributes", out);
    json_decref(out);
    return 0;
}

static int set_queue_attributes(svc_call *c)
{
    sqs_queue *q = sqs_queue_for_url(c, svc_str(c->input, "QueueUrl"));
    if (!q)
        return -1;
    json_t *given = json_object_get(c->input, "Attributes");
    const char *k;
    json_t *v;
    json_object_foreach(given, k, v) {
        if (read_only(k))
            return unknown_attr(c, k);
        if (attr_check(c, k, json_string_value(v), q->fifo, false) != 0)
            return -1;
    }
    json_object_foreach(given, k, v) attr_store(q->attrs, k, json_string_value(v));
    q->modified_ms = c->now_ms;
    sqs_note_due(c->state, q);
    return 0;
}

/* ---- PurgeQueue ---- */

static int purge_queue(svc_call *c)
{
    sqs_queue *q = sqs_queue_for_url(c, svc_str(c->input, "QueueUrl"));
    if (!q)
        return -1;
    if (q->purged_ms && c->now_ms - q->purged_ms < PURGE_MS)
        return aws_error_set(&c->err, "PurgeQueueInProgress",
                             "Only one PurgeQueue operation on %s is allowed every 60 seconds.", q->name);
    q->purged_ms = c->now_ms;
    sqs_purge(q);
    return 0;
}

/* ---- tags ---- */

static int tag_queue(svc_call *c)
{
    sqs_queue *q = sqs_queue_for_url(c, svc_str(c->input, "QueueUrl"));
    if (!q)
        return -1;
    json_t *tags = json_object_get(c->input, "Tags");
    if (check_tags(c, tags) != 0)
        return -1;
    /* the quota counts the tags the queue would have */
    json_t *merged = json_deep_copy(q->tags);
    json_object_update(merged, tags);
    if (json_object_size(merged) > MAX_TAGS) {
        json_decref(merged);
        return sqs_invalid(c, "Too many tags added for queue %s.", q->name);
    }
    json_decref(q->tags);
    q->tags = merged;
    return 0;
}

static int untag_queue(svc_call *c)
{
    sqs_queue *q = sqs_queue_for_url(c, svc_str(c->input, "QueueUrl"));
    if (!q)
        return -1;
    size_t i;
    json_t *k;
    json_array_foreach(json_object_get(c->input, "TagKeys"), i, k) json_object_del(q->tags, json_string_value(k));
    return 0;
}

static int list_queue_tags(svc_call *c)
{
    sqs_queue *q = sqs_queue_for_url(c, svc_str(c->input, "QueueUrl"));
    if (!q)
        return -1;
    c->output = json_object();
    if (json_object_size(q->tags))
        json_object_set_new(c->output, "Tags", json_deep_copy(q->tags));
    return 0;
}

/* ---- the clock ---- */

static gboolean settle_one(gpointer key, gpointer value, gpointer data)
{
    svc_call *c = data;
    sqs_queue *q = value;
    sqs_settle(q, c->now_ms);
    sqs_note_due(c->state, q);
    /* the long polls waiting on it see what became visible */
    sqs_wake(c, q, sqs_count_visible(q));
    return FALSE;
}

static int64_t due_ms(void *state) { return atomic_load(&((sqs_state *)state)->due); }

static void maintain(svc_call *c)
{
    sqs_state *st = c->state;
    atomic_store(&st->due, INT64_MAX);
    sqs_run_move_tasks(c, st);
    g_tree_foreach(st->queues, settle_one, c);
}

/* ---- fixtures ---- */

/* The section: {"queues": [{"name", "attributes", "tags", "messages": [...]}]}
 * where a message is {"body", "attributes" (MessageAttributes' shape),
 * "group_id", "deduplication_id", "delay_seconds"}. Queues are made by
 * CreateQueue's own checks. */
static int state_load(void *state, json_t *section, const svc_fixture_ctx *ctx, char *err, size_t errlen)
{
    sqs_state *st = state;
    if (!json_is_object(section)) {
        g_snprintf(err, errlen, "the sqs section must be an object");
        return -1;
    }
    const char *k;
    json_t *v;
    json_object_foreach(section, k, v) {
        if (strcmp(k, "queues") != 0) {
            g_snprintf(err, errlen, "unknown field \"%s\" (known: queues)", k);
            return -1;
        }
    }
    json_t *queues = json_object_get(section, "queues");
    if (queues && !json_is_array(queues)) {
        g_snprintf(err, errlen, "\"queues\" must be a list");
        return -1;
    }
    size_t i;
    json_t *entry;
    json_array_foreach(queues, i, entry) {
        json_object_foreach(entry, k, v) {
            if (strcmp(k, "name") && strcmp(k, "attributes") && strcmp(k, "tags") && strcmp(k, "messages")) {
                g_snprintf(err, errlen, "queues[%zu]: unknown field \"%s\" (known: name, attributes, tags, messages)",
                           i, k);
                return -1;
            }
        }
        const char *name = svc_str(entry, "name");
        json_t *attrs = json_object_get(entry, "attributes");
        json_t *tags = json_object_get(entry, "tags");
        json_t *msgs = json_object_get(entry, "messages");
        json_t *in = json_pack("{s:s?}", "QueueName", name);
        if (attrs)
            json_object_set(in, "Attributes", attrs);
        if (tags)
            json_object_set(in, "tags", tags);
        if (!name || ctx->check_input(ctx, "CreateQueue", in, err, errlen) != 0) {
            if (!name)
                g_snprintf(err, errlen, "queues[%zu]: \"name\" is required", i);
            json_decref(in);
            return -1;
        }
        const char *fifo_attr = svc_str(attrs, "FifoQueue");
        bool fifo = fifo_attr && strcmp(fifo_attr, "true") == 0;
        const char *why = name_problem(name, fifo);
        if (why) {
            g_snprintf(err, errlen, "queues[%zu]: %s", i, why);
            json_decref(in);
            return -1;
        }
        json_t *a = default_attrs(fifo);
        const char *ak;
        json_t *av;
        json_object_foreach(attrs, ak, av) {
            const attr_def *d = attr_find(ak);
            if (!d || (d->fifo_only && !fifo)) {
                g_snprintf(err, errlen, "queues[%zu]: unknown attribute %s", i, ak);
                json_decref(a);
                json_decref(in);
                return -1;
            }
            if (strcmp(ak, "FifoQueue") != 0)
                attr_store(a, ak, json_string_value(av));
        }
        json_decref(in);
        if (sqs_queue_find(st, name)) {
            json_decref(a);
            g_snprintf(err, errlen, "queues[%zu]: queue %s exists", i, name);
            return -1;
        }
        char *arn = g_strdup_printf("arn:%s:sqs:%s:%s:%s", svc_partition(ctx->region), ctx->region, ctx->account, name);
        sqs_queue *q = sqs_queue_add(st, name, arn, fifo, a, tags ? json_deep_copy(tags) : NULL, ctx->now_ms);
        g_free(arn);
        size_t j;
        json_t *m;
        json_array_foreach(msgs, j, m) {
            char sub[200];
            sqs_msg *msg = sqs_message_load(m, ctx->now_ms, sub, sizeof sub);
            if (!msg || (fifo && !msg->group_id)) {
                g_snprintf(err, errlen, "queues[%zu].messages[%zu]: %s", i, j,
                           msg ? "a FIFO queue's message needs group_id" : sub);
                sqs_msg_free(msg);
                return -1;
            }
            if (fifo)
                msg->sequence_number = g_strdup_printf("%020" G_GUINT64_FORMAT, q->next_seq + G_GUINT64_CONSTANT(10000000000000000000));
            sqs_enqueue(q, msg, (int)sqs_int_in(m, "delay_seconds", 0), ctx->now_ms);
        }
        sqs_note_due(st, q);
    }
    return 0;
}

static gboolean dump_one(gpointer key, gpointer value, gpointer data)
{
    sqs_queue *q = value;
    json_t *attrs = json_deep_copy(q->attrs);
    json_t *o = json_pack("{s:s, s:o, s:O, s:[]}", "name", q->name, "attributes", attrs, "tags", q->tags, "messages");
    json_t *msgs = json_object_get(o, "messages");
    for (GTreeNode *n = g_tree_node_first(q->by_seq); n; n = g_tree_node_next(n))
        json_array_append_new(msgs, sqs_message_dump(g_tree_node_value(n)));
    json_array_append_new(data, o);
    return FALSE;
}

static json_t *state_dump(void *state, const svc_dump_ctx *ctx)
{
    sqs_state *st = state;
    if (!g_tree_nnodes(st->queues))
        return NULL;
    json_t *list = json_array();
    g_tree_foreach(st->queues, dump_one, list);
    return json_pack("{s:o}", "queues", list);
}

/* ---- GET /_mockaws/sqs/messages ---- */

typedef struct peek {
    const char *queue; /* a queue name, or NULL for all */
    json_t *out;
} peek;

static void peek_ns(void *state, const char *account, const char *region, void *arg)
{
    peek *p = arg;
    sqs_state *st = state;
    for (GTreeNode *n = g_tree_node_first(st->queues); n; n = g_tree_node_next(n)) {
        sqs_queue *q = g_tree_node_value(n);
        if (p->queue && strcmp(p->queue, q->name) != 0)
            continue;
        json_t *msgs = json_array();
        for (GTreeNode *mn = g_tree_node_first(q->by_seq); mn; mn = g_tree_node_next(mn)) {
            const sqs_msg *m = g_tree_node_value(mn);
            json_t *o = sqs_message_dump(m);
            /* as of the last request to the queue: a timeout may have run out since */
            if (m->state != SQS_VISIBLE)
                json_object_set_new(o, m->state == SQS_INFLIGHT ? "in_flight_until" : "delayed_until",
                                    json_integer(m->visible_ms));
            json_array_append_new(msgs, o);
        }
        json_array_append_new(p->out, json_pack("{s:s, s:s, s:s, s:s, s:o}", "account", account, "region", region,
                                                "name", q->name, "arn", q->arn, "messages", msgs));
    }
}

extern const svc_def sqs_service;

/* What each queue holds, for tests that look inside: filters queue (a
 * name), account, region. */
static json_t *control(server *s, const char *method, const char *subpath, const http_params *query, int *status)
{
    if (strcmp(subpath, "messages") != 0)
        return NULL;
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        *status = 405;
        return json_pack("{s:s}", "error", "sqs/messages takes GET");
    }
    peek p = {http_params_get(query, "queue"), json_array()};
    svc_foreach_state(s, &sqs_service, http_params_get(query, "account"), http_params_get(query, "region"),
                      SVC_LOCK_SHARED, peek_ns, &p);
    return json_pack("{s:o}", "queues", p.out);
}

/* ---- validation, resources ---- */

/* Model violations the way SQS words them: a missing member is
 * MissingParameter, an attribute name outside the enum InvalidAttributeName,
 * anything else InvalidParameterValue. */
static void validation_error(const violation *v, size_t n, aws_error *e)
{
    (void)n;
    const char *member = v->member ? v->member : "request";
    if (v->kind == VIOLATION_REQUIRED) {
        aws_error_set(e, "MissingParameter", "The request must contain the parameter %s.", member);
        return;
    }
    if (v->kind == VIOLATION_ENUM && json_is_string(v->value) &&
        (strstr(v->path, "AttributeNames") || strstr(v->path, "Attributes"))) {
        aws_error_set(e, "InvalidAttributeName", "Unknown Attribute %s.", json_string_value(v->value));
        return;
    }
    aws_error_set(e, "InvalidParameterValue", "Value for parameter %s is invalid.", member);
}

static char *resource_of(const char *operation, json_t *input)
{
    const char *url = svc_str(input, "QueueUrl");
    if (url) {
        const char *slash = strrchr(url, '/');
        return g_strdup(slash ? slash + 1 : url);
    }
    const char *name = svc_str(input, "QueueName");
    if (name)
        return g_strdup(name);
    const char *arn = svc_str(input, "SourceArn");
    return arn ? g_strdup(arn) : NULL;
}

static void *state_new(const void *config) { return sqs_state_new(); }
static void state_free(void *s) { sqs_state_free(s); }
/* A deep copy (sqs_state_clone). Long polls parked on the old state run
 * again against the new one when they wake or time out, as after a reset. */
static void *state_clone(const void *s, const void *config)
{
    (void)config;
    return sqs_state_clone(s);
}

static const svc_op ops[] = {
    {"CreateQueue", create_queue, SVC_LOCK_EXCLUSIVE},
    {"GetQueueUrl", get_queue_url, SVC_LOCK_SHARED},
    {"ListQueues", list_queues, SVC_LOCK_SHARED},
    {"DeleteQueue", delete_queue, SVC_LOCK_EXCLUSIVE},
    /* settling the counts moves messages: a write */
    {"GetQueueAttributes", get_queue_attributes, SVC_LOCK_EXCLUSIVE},
    {"SetQueueAttributes", set_queue_attributes, SVC_LOCK_EXCLUSIVE},
    {"PurgeQueue", purge_queue, SVC_LOCK_EXCLUSIVE},
    {"TagQueue", tag_queue, SVC_LOCK_EXCLUSIVE},
    {"UntagQueue", untag_queue, SVC_LOCK_EXCLUSIVE},
    {"ListQueueTags", list_queue_tags, SVC_LOCK_EXCLUSIVE},
    {"SendMessage", sqs_send_message, SVC_LOCK_EXCLUSIVE},
    {"SendMessageBatch", sqs_send_message_batch, SVC_LOCK_EXCLUSIVE},
    {"ReceiveMessage", sqs_receive_message, SVC_LOCK_EXCLUSIVE},
    {"DeleteMessage", sqs_delete_message, SVC_LOCK_EXCLUSIVE},
    {"DeleteMessageBatch", sqs_delete_message_batch, SVC_LOCK_EXCLUSIVE},
    {"ChangeMessageVisibility", sqs_change_visibility, SVC_LOCK_EXCLUSIVE},
    {"ChangeMessageVisibilityBatch", sqs_change_visibility_batch, SVC_LOCK_EXCLUSIVE},
    {"ListDeadLetterSourceQueues", sqs_list_dead_letter_sources, SVC_LOCK_SHARED},
    {"StartMessageMoveTask", sqs_start_move_task, SVC_LOCK_EXCLUSIVE},
    {"ListMessageMoveTasks", sqs_list_move_tasks, SVC_LOCK_SHARED},
    {"CancelMessageMoveTask", sqs_cancel_move_task, SVC_LOCK_EXCLUSIVE},
    {"AddPermission", sqs_add_permission, SVC_LOCK_EXCLUSIVE},
    {"RemovePermission", sqs_remove_permission, SVC_LOCK_EXCLUSIVE},
    {NULL, NULL, SVC_LOCK_EXCLUSIVE},
};

/* the batch operations' failed entries */
static const char *const partial_actions[] = {"failed_entries", NULL};

const svc_def sqs_service = {
    .name = "sqs",
    .ops = ops,
    .scope = SVC_SCOPE_REGION,
    .state_new = state_new,
    .state_free = state_free,
    .state_clone = state_clone,
    .state_load = state_load,
    .state_dump = state_dump,
    .validation_error = validation_error,
    .resource_of = resource_of,
    .control = control,
    .unknown_operation_code = "UnknownOperationException",
    .unknown_operation_status = 400,
    .partial_actions = partial_actions,
    .due_ms = due_ms,
    .maintain = maintain,
    .invoke_rank = 3, /* SNS and S3 send to it */
    .authorize = sqs_authorize,
    .access_denied = sqs_access_denied,
    .resource_policy = sqs_resource_policy,
};
