#include "services/sns/log.h"

#include <string.h>

#include "services/service.h"

typedef struct entry {
    json_t *doc;
    GPtrArray *outcomes; /* sns_outcome*, one reference each */
} entry;

struct sns_log {
    GMutex lock;
    GQueue messages;      /* entry*, oldest first */
    GQueue confirmations; /* entry*, oldest first */
};

sns_log *sns_log_new(void)
{
    sns_log *l = g_new0(sns_log, 1);
    g_mutex_init(&l->lock);
    g_queue_init(&l->messages);
    g_queue_init(&l->confirmations);
    return l;
}

sns_outcome *sns_outcome_new(const char *subscription_arn, const char *protocol, const char *endpoint,
                             const char *status, const char *note)
{
    sns_outcome *o = g_new0(sns_outcome, 1);
    o->refs = 1;
    o->subscription_arn = g_strdup(subscription_arn);
    o->protocol = g_strdup(protocol);
    o->endpoint = g_strdup(endpoint);
    o->status = status;
    o->error = g_strdup(note);
    o->updated_ms = g_get_real_time() / 1000;
    return o;
}

static void outcome_unref_locked(sns_outcome *o)
{
    if (--o->refs > 0)
        return;
    g_free(o->subscription_arn);
    g_free(o->protocol);
    g_free(o->endpoint);
    g_free(o->error);
    g_free(o->dead_letter);
    g_free(o->dead_letter_error);
    g_free(o->payload);
    g_free(o);
}

void sns_outcome_ref(sns_log *l, sns_outcome *o)
{
    g_mutex_lock(&l->lock);
    o->refs++;
    g_mutex_unlock(&l->lock);
}

void sns_outcome_unref(sns_log *l, sns_outcome *o)
{
    g_mutex_lock(&l->lock);
    outcome_unref_locked(o);
    g_mutex_unlock(&l->lock);
}

void sns_outcome_set(sns_log *l, sns_outcome *o, const char *status, int attempts, int http_status,
                     const char *error)
{
    g_mutex_lock(&l->lock);
    o->status = status;
    o->attempts = attempts;
    o->http_status = http_status;
    g_free(o->error);
    o->error = g_strdup(error);
    o->updated_ms = g_get_real_time() / 1000;
    g_mutex_unlock(&l->lock);
}

void sns_outcome_dead_letter(sns_log *l, sns_outcome *o, const char *arn, const char *error)
{
    g_mutex_lock(&l->lock);
    g_free(o->dead_letter);
    g_free(o->dead_letter_error);
    o->dead_letter = g_strdup(arn);
    o->dead_letter_error = g_strdup(error);
    o->updated_ms = g_get_real_time() / 1000;
    g_mutex_unlock(&l->lock);
}

static void entry_free_locked(entry *e)
{
    json_decref(e->doc);
    for (guint i = 0; i < e->outcomes->len; i++)
        outcome_unref_locked(g_ptr_array_index(e->outcomes, i));
    g_ptr_array_free(e->outcomes, TRUE);
    g_free(e);
}

static void push(sns_log *l, GQueue *q, json_t *doc, GPtrArray *outcomes)
{
    entry *e = g_new0(entry, 1);
    e->doc = doc;
    e->outcomes = outcomes;
    g_mutex_lock(&l->lock);
    g_queue_push_tail(q, e);
    while (q->length > SNS_LOG_MAX)
        entry_free_locked(g_queue_pop_head(q));
    g_mutex_unlock(&l->lock);
}

void sns_log_add(sns_log *l, json_t *doc, GPtrArray *outcomes) { push(l, &l->messages, doc, outcomes); }

void sns_log_add_confirmation(sns_log *l, json_t *doc, sns_outcome *o)
{
    GPtrArray *one = g_ptr_array_new();
    g_ptr_array_add(one, o);
    push(l, &l->confirmations, doc, one);
}

static json_t *outcome_json(const sns_outcome *o)
{
    json_t *j = json_pack("{s:s?, s:s?, s:s?, s:s, s:i}", "subscription_arn", o->subscription_arn, "protocol",
                          o->protocol, "endpoint", o->endpoint, "status", o->status, "attempts", o->attempts);
    if (o->http_status)
        json_object_set_new(j, "http_status", json_integer(o->http_status));
    if (o->error)
        json_object_set_new(j, "error", json_string(o->error));
    if (o->dead_letter)
        json_object_set_new(j, "dead_letter_queue", json_string(o->dead_letter));
    if (o->dead_letter_error)
        json_object_set_new(j, "dead_letter_error", json_string(o->dead_letter_error));
    if (o->payload)
        json_object_set_new(j, "payload", json_string(o->payload));
    return j;
}

static void export_queue(GQueue *q, const char *topic_arn, json_t *out, const char *key)
{
    for (GList *it = q->head; it; it = it->next) {
        entry *e = it->data;
        if (topic_arn && g_strcmp0(svc_str(e->doc, "topic_arn"), topic_arn) != 0)
            continue;
        json_t *copy = json_deep_copy(e->doc);
        if (key) {
            json_t *list = json_array();
            for (guint i = 0; i < e->outcomes->len; i++)
                json_array_append_new(list, outcome_json(g_ptr_array_index(e->outcomes, i)));
            json_object_set_new(copy, key, list);
        } else if (e->outcomes->len) {
            json_t *oj = outcome_json(g_ptr_array_index(e->outcomes, 0));
            json_object_update(copy, oj);
            json_decref(oj);
        }
        json_array_append_new(out, copy);
    }
}

void sns_log_export(sns_log *l, const char *topic_arn, json_t *messages, json_t *confirmations)
{
    g_mutex_lock(&l->lock);
    export_queue(&l->messages, topic_arn, messages, "deliveries");
    if (confirmations)
        export_queue(&l->confirmations, topic_arn, confirmations, NULL);
    g_mutex_unlock(&l->lock);
}

static sns_outcome *outcome_copy_locked(const sns_outcome *o)
{
    bool unfinished = !strcmp(o->status, "queued") || !strcmp(o->status, "retrying");
    sns_outcome *c = sns_outcome_new(o->subscription_arn, o->protocol, o->endpoint,
                                     unfinished ? "failed" : o->status,
                                     unfinished ? "not delivered: a snapshot restore dropped the delivery" : o->error);
    c->attempts = o->attempts;
    c->http_status = o->http_status;
    c->dead_letter = g_strdup(o->dead_letter);
    c->dead_letter_error = g_strdup(o->dead_letter_error);
    c->payload = g_strdup(o->payload);
    c->updated_ms = o->updated_ms;
    return c;
}

static void copy_queue_locked(const GQueue *from, GQueue *to)
{
    for (GList *it = from->head; it; it = it->next) {
        const entry *e = it->data;
        entry *c = g_new0(entry, 1);
        c->doc = json_deep_copy(e->doc);
        c->outcomes = g_ptr_array_sized_new(e->outcomes->len);
        for (guint i = 0; i < e->outcomes->len; i++)
            g_ptr_array_add(c->outcomes, outcome_copy_locked(g_ptr_array_index(e->outcomes, i)));
        g_queue_push_tail(to, c);
    }
}

sns_log *sns_log_clone(sns_log *l)
{
    sns_log *c = sns_log_new();
    g_mutex_lock(&l->lock);
    copy_queue_locked(&l->messages, &c->messages);
    copy_queue_locked(&l->confirmations, &c->confirmations);
    g_mutex_unlock(&l->lock);
    return c;
}

void sns_log_clear(sns_log *l)
{
    g_mutex_lock(&l->lock);
    entry *e;
    while ((e = g_queue_pop_head(&l->messages)))
        entry_free_locked(e);
    while ((e = g_queue_pop_head(&l->confirmations)))
        entry_free_locked(e);
    g_mutex_unlock(&l->lock);
}

void sns_log_free(sns_log *l)
{
    if (!l)
        return;
    sns_log_clear(l);
    g_mutex_clear(&l->lock);
    g_free(l);
}
