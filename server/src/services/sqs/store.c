#include "services/sqs/store.h"

#include <stdlib.h>
#include <string.h>

#define DEDUP_MS (5 * 60 * 1000)

/* pending keys: (visible_ms, seq), allocated per message */
typedef struct pkey {
    int64_t at;
    uint64_t seq;
} pkey;

static gint pkey_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
    const pkey *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static gint seq_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static gint name_cmp(gconstpointer a, gconstpointer b, gpointer unused) { return strcmp(a, b); }

static void attempt_free(gpointer p)
{
    sqs_attempt *a = p;
    g_array_free(a->seqs, TRUE);
    g_free(a);
}

void sqs_msg_free(sqs_msg *m)
{
    if (!m)
        return;
    g_free(m->body);
    json_decref(m->attrs);
    json_decref(m->sys_attrs);
    g_free(m->sender_id);
    g_free(m->group_id);
    g_free(m->dedup_id);
    g_free(m->sequence_number);
    g_free(m->dlq_source_arn);
    g_free(m);
}

static void group_free(gpointer p)
{
    sqs_group *g = p;
    g_queue_clear(&g->msgs);
    g_free(g->id);
    g_free(g);
}

static void task_free(gpointer p)
{
    sqs_move_task *t = p;
    g_free(t->handle);
    g_free(t->source_arn);
    g_free(t->dest_arn);
    g_free(t->status);
    g_free(t->failure);
    g_free(t);
}

static void queue_free(gpointer p)
{
    sqs_queue *q = p;
    g_tree_destroy(q->pending);
    if (q->ready)
        g_tree_destroy(q->ready);
    if (q->avail)
        g_tree_destroy(q->avail);
    if (q->groups)
        g_hash_table_destroy(q->groups);
    if (q->dedup) {
        g_queue_clear_full(&q->dedup_order, g_free);
        g_hash_table_destroy(q->dedup);
    }
    if (q->attempts) {
        g_queue_clear_full(&q->attempt_order, g_free);
        g_hash_table_destroy(q->attempts);
    }
    g_tree_destroy(q->by_seq);
    g_ptr_array_free(q->tasks, TRUE);
    json_decref(q->attrs);
    json_decref(q->tags);
    g_free(q->name);
    g_free(q->arn);
    g_free(q);
}

sqs_state *sqs_state_new(void)
{
    sqs_state *st = g_new0(sqs_state, 1);
    st->queues = g_tree_new_full(name_cmp, NULL, g_free, queue_free);
    st->deleted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    atomic_init(&st->due, INT64_MAX);
    return st;
}

void sqs_state_free(sqs_state *st)
{
    if (!st)
        return;
    g_tree_destroy(st->queues);
    g_hash_table_destroy(st->deleted);
    g_free(st);
}

sqs_queue *sqs_queue_add(sqs_state *st, const char *name, const char *arn, bool fifo, json_t *attrs,
                         json_t *tags, int64_t now_ms)
{
    sqs_queue *q = g_new0(sqs_queue, 1);
    q->name = g_strdup(name);
    q->arn = g_strdup(arn);
    q->fifo = fifo;
    q->attrs = attrs;
    q->tags = tags ? tags : json_object();
    q->created_ms = q->modified_ms = now_ms;
    q->next_seq = 1;
    q->by_seq = g_tree_new_full(seq_cmp, NULL, NULL, (GDestroyNotify)sqs_msg_free);
    q->pending = g_tree_new_full(pkey_cmp, NULL, g_free, NULL);
    if (fifo) {
        q->groups = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, group_free);
        q->avail = g_tree_new_full(seq_cmp, NULL, NULL, NULL);
        q->dedup = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        q->attempts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, attempt_free);
    } else {
        q->ready = g_tree_new_full(seq_cmp, NULL, NULL, NULL);
    }
    q->tasks = g_ptr_array_new_with_free_func(task_free);
    g_tree_insert(st->queues, g_strdup(name), q);
    g_hash_table_remove(st->deleted, name);
    return q;
}

sqs_queue *sqs_queue_find(sqs_state *st, const char *name) { return g_tree_lookup(st->queues, name); }

sqs_queue *sqs_queue_by_arn(sqs_state *st, const char *arn)
{
    /* arn:aws:sqs:REGION:ACCOUNT:NAME: the namespace holds one account and
     * region, so the name decides once the prefix matches */
    const char *colon = arn ? strrchr(arn, ':') : NULL;
    if (!colon)
        return NULL;
    sqs_queue *q = sqs_queue_find(st, colon + 1);
    return q && strcmp(q->arn, arn) == 0 ? q : NULL;
}

void sqs_queue_remove(sqs_state *st, sqs_queue *q, int64_t now_ms)
{
    gint64 *at = g_new(gint64, 1);
    *at = now_ms;
    g_hash_table_replace(st->deleted, g_strdup(q->name), at);
    g_tree_remove(st->queues, q->name);
}

long sqs_queue_int(const sqs_queue *q, const char *name)
{
    const char *v = json_string_value(json_object_get(q->attrs, name));
    return v ? strtol(v, NULL, 10) : 0;
}

/* ---- indexes ---- */

static void pending_add(sqs_queue *q, sqs_msg *m)
{
    pkey *k = g_new(pkey, 1);
    *k = (pkey){m->visible_ms, m->seq};
    g_tree_insert(q->pending, k, m);
}

static void pending_remove(sqs_queue *q, sqs_msg *m)
{
    pkey k = {m->visible_ms, m->seq};
    g_tree_remove(q->pending, &k);
}

static void avail_remove(sqs_queue *q, sqs_group *g)
{
    if (g->avail_key) {
        g_tree_remove(q->avail, &g->avail_key);
        g->avail_key = 0;
    }
}

/* Lists g in avail, keyed by its first message, when nothing of it is in
 * flight; takes it out otherwise. */
static void avail_update(sqs_queue *q, sqs_group *g)
{
    avail_remove(q, g);
    sqs_msg *head = g_queue_peek_head(&g->msgs);
    if (g->inflight == 0 && head) {
        g->avail_key = head->seq;
        g_tree_insert(q->avail, &g->avail_key, g);
    }
}

/* A message that became visible (sent without delay, its delay or
 * visibility timeout over). */
static void make_visible(sqs_queue *q, sqs_msg *m)
{
    if (m->state == SQS_INFLIGHT)
        q->n_inflight--;
    else if (m->state == SQS_DELAYED)
        q->n_delayed--;
    sqs_msg_state was = m->state;
    m->state = SQS_VISIBLE;
    if (!q->fifo) {
        g_tree_insert(q->ready, &m->seq, m);
    } else if (was == SQS_INFLIGHT) {
        m->group->inflight--;
        avail_update(q, m->group);
    }
}

static void *tree_first(GTree *t)
{
    GTreeNode *n = g_tree_node_first(t);
    return n ? g_tree_node_value(n) : NULL;
}

static sqs_msg *pending_first(sqs_queue *q) { return tree_first(q->pending); }
static sqs_msg *oldest(sqs_queue *q) { return tree_first(q->by_seq); }

/* Drops the expired entries of a table whose values begin with their
 * expiry (int64_t), order holding the keys in the order they were
 * recorded. A key recorded again stands in order twice: its first copy
 * holds the sweep until the later expiry, which keeps the table within
 * the entries of one interval more. */
static void sweep(GHashTable *table, GQueue *order, int64_t now_ms)
{
    char *key;
    while ((key = g_queue_peek_head(order))) {
        const int64_t *exp = g_hash_table_lookup(table, key);
        if (exp && *exp > now_ms)
            break;
        g_queue_pop_head(order);
        g_hash_table_remove(table, key);
        g_free(key);
    }
}

/* Records key in table with value (its expiry first) and in order. */
static void record(GHashTable *table, GQueue *order, const char *key, void *value)
{
    g_hash_table_replace(table, g_strdup(key), value);
    g_queue_push_tail(order, g_strdup(key));
}

void sqs_settle(sqs_queue *q, int64_t now_ms)
{
    sqs_msg *m;
    while ((m = pending_first(q)) && m->visible_ms <= now_ms) {
        pending_remove(q, m);
        make_visible(q, m);
    }
    int64_t keep_ms = (int64_t)sqs_queue_int(q, "MessageRetentionPeriod") * 1000;
    while ((m = oldest(q)) && m->sent_ms + keep_ms <= now_ms)
        sqs_msg_delete(q, m);
    if (q->dedup) {
        sweep(q->dedup, &q->dedup_order, now_ms);
        sweep(q->attempts, &q->attempt_order, now_ms);
    }
}

/* Puts m last in its FIFO group (made when new); returns the group. */
static sqs_group *group_join(sqs_queue *q, sqs_msg *m)
{
    sqs_group *g = g_hash_table_lookup(q->groups, m->group_id);
    if (!g) {
        g = g_new0(sqs_group, 1);
        g->id = g_strdup(m->group_id);
        g_hash_table_insert(q->groups, g->id, g);
    }
    g_queue_push_tail(&g->msgs, m);
    m->group = g;
    m->group_link = g->msgs.tail;
    return g;
}

void sqs_enqueue(sqs_queue *q, sqs_msg *m, int delay_s, int64_t now_ms)
{
    m->seq = q->next_seq++;
    g_tree_insert(q->by_seq, &m->seq, m);
    if (q->fifo) {
        sqs_group *g = group_join(q, m);
        if (!g->avail_key)
            avail_update(q, g);
    }
    if (delay_s > 0) {
        m->state = SQS_DELAYED;
        m->visible_ms = now_ms + (int64_t)delay_s * 1000;
        q->n_delayed++;
        pending_add(q, m);
    } else {
        m->state = SQS_DELAYED; /* make_visible counts it out of nothing */
        q->n_delayed++;
        make_visible(q, m);
    }
}

sqs_msg *sqs_msg_find(sqs_queue *q, uint64_t seq) { return g_tree_lookup(q->by_seq, &seq); }

static void take_inflight(sqs_queue *q, sqs_msg *m, int visibility_s, int64_t now_ms)
{
    if (!q->fifo)
        g_tree_remove(q->ready, &m->seq);
    else
        m->group->inflight++;
    m->state = SQS_INFLIGHT;
    q->n_inflight++;
    m->visible_ms = now_ms + (int64_t)visibility_s * 1000;
    m->receive_count++;
    m->receipt_gen++;
    if (!m->first_receive_ms)
        m->first_receive_ms = now_ms;
    m->last_receive_ms = now_ms;
    pending_add(q, m);
}

/* Unlinks m from its indexes (not by_seq). */
static void unlink_msg(sqs_queue *q, sqs_msg *m)
{
    if (m->state == SQS_VISIBLE) {
        if (!q->fifo)
            g_tree_remove(q->ready, &m->seq);
    } else {
        pending_remove(q, m);
        if (m->state == SQS_INFLIGHT) {
            q->n_inflight--;
            if (q->fifo)
                m->group->inflight--;
        } else {
            q->n_delayed--;
        }
    }
    if (q->fifo && m->group) {
        sqs_group *g = m->group;
        g_queue_delete_link(&g->msgs, m->group_link);
        m->group = NULL;
        m->group_link = NULL;
        if (g_queue_is_empty(&g->msgs)) {
            avail_remove(q, g);
            g_hash_table_remove(q->groups, g->id);
        } else {
            avail_update(q, g);
        }
    }
}

void sqs_receive(sqs_queue *q, int max, int visibility_s, int max_receives, sqs_dead_fn to_dead_letter,
                 void *arg, int64_t now_ms, GPtrArray *out)
{
    int taken = 0;
    if (!q->fifo) {
        while (taken < max) {
            sqs_msg *m = tree_first(q->ready);
            if (!m)
                break;
            if (max_receives > 0 && m->receive_count >= max_receives && to_dead_letter) {
                sqs_msg_detach(q, m);
                to_dead_letter(m, arg);
                continue;
            }
            take_inflight(q, m, visibility_s, now_ms);
            g_ptr_array_add(out, m);
            taken++;
        }
        return;
    }
    /* FIFO: groups with nothing in flight, oldest first; from each its
     * visible messages in order, then the group is blocked. Groups whose
     * first message is still delayed are passed over. */
    GPtrArray *groups = g_ptr_array_new();
    GTreeNode *node = g_tree_node_first(q->avail);
    for (; node && taken < max; node = g_tree_node_next(node)) {
        sqs_group *g = g_tree_node_value(node);
        sqs_msg *head = g_queue_peek_head(&g->msgs);
        if (head && head->state == SQS_VISIBLE)
            g_ptr_array_add(groups, g);
        if ((int)groups->len >= max)
            break;
    }
    for (guint i = 0; i < groups->len && taken < max; i++) {
        sqs_group *g = groups->pdata[i];
        bool took = false;
        for (;;) {
            if (taken >= max)
                break;
            sqs_msg *m = NULL;
            /* the first message of the group not in flight yet */
            for (GList *l = g->msgs.head; l; l = l->next) {
                sqs_msg *x = l->data;
                if (x->state != SQS_INFLIGHT) {
                    m = x;
                    break;
                }
            }
            if (!m || m->state != SQS_VISIBLE)
                break;
            if (max_receives > 0 && m->receive_count >= max_receives && to_dead_letter) {
                bool last = g->msgs.length == 1;
                sqs_msg_detach(q, m);
                to_dead_letter(m, arg);
                if (last)
                    break; /* the group is gone */
                continue;
            }
            take_inflight(q, m, visibility_s, now_ms);
            g_ptr_array_add(out, m);
            taken++;
            took = true;
        }
        if (took)
            avail_update(q, g);
    }
    g_ptr_array_free(groups, TRUE);
}

void sqs_msg_detach(sqs_queue *q, sqs_msg *m)
{
    unlink_msg(q, m);
    g_tree_steal(q->by_seq, &m->seq);
}

void sqs_msg_delete(sqs_queue *q, sqs_msg *m)
{
    unlink_msg(q, m);
    g_tree_remove(q->by_seq, &m->seq);
}

void sqs_msg_set_visibility(sqs_queue *q, sqs_msg *m, int visibility_s, int64_t now_ms)
{
    pending_remove(q, m);
    m->visible_ms = now_ms + (int64_t)visibility_s * 1000;
    if (visibility_s == 0) {
        make_visible(q, m);
        return;
    }
    pending_add(q, m);
}

void sqs_purge(sqs_queue *q)
{
    sqs_msg *m;
    while ((m = oldest(q)))
        sqs_msg_delete(q, m);
}

bool sqs_dedup_seen(sqs_queue *q, const char *id, int64_t now_ms)
{
    int64_t *exp = g_hash_table_lookup(q->dedup, id);
    if (exp && *exp > now_ms)
        return true;
    exp = g_new(int64_t, 1);
    *exp = now_ms + DEDUP_MS;
    record(q->dedup, &q->dedup_order, id, exp);
    return false;
}

sqs_attempt *sqs_attempt_find(sqs_queue *q, const char *id, int64_t now_ms)
{
    sqs_attempt *a = g_hash_table_lookup(q->attempts, id);
    return a && a->expires_ms > now_ms ? a : NULL;
}

void sqs_attempt_record(sqs_queue *q, const char *id, GArray *seqs, int64_t now_ms)
{
    sqs_attempt *a = g_new0(sqs_attempt, 1);
    a->expires_ms = now_ms + DEDUP_MS;
    a->seqs = seqs;
    record(q->attempts, &q->attempt_order, id, a);
}

int64_t sqs_queue_due(sqs_queue *q)
{
    int64_t due = INT64_MAX;
    sqs_msg *m = pending_first(q);
    if (m)
        due = m->visible_ms;
    m = oldest(q);
    if (m) {
        int64_t gone = m->sent_ms + (int64_t)sqs_queue_int(q, "MessageRetentionPeriod") * 1000;
        if (gone < due)
            due = gone;
    }
    return due;
}

void sqs_note_due(sqs_state *st, sqs_queue *q)
{
    int64_t t = sqs_queue_due(q);
    int64_t cur = atomic_load(&st->due);
    while (t < cur && !atomic_compare_exchange_weak(&st->due, &cur, t))
        ;
}

size_t sqs_count_visible(const sqs_queue *q)
{
    size_t total = (size_t)g_tree_nnodes(q->by_seq);
    return total - q->n_inflight - q->n_delayed;
}

/* ---- copies (snapshots) ---- */

static sqs_msg *msg_copy(const sqs_msg *m)
{
    sqs_msg *c = g_new(sqs_msg, 1);
    *c = *m;
    c->body = g_memdup2(m->body, m->body_len + 1);
    c->attrs = json_deep_copy(m->attrs);
    c->sys_attrs = json_deep_copy(m->sys_attrs);
    c->sender_id = g_strdup(m->sender_id);
    c->group_id = g_strdup(m->group_id);
    c->dedup_id = g_strdup(m->dedup_id);
    c->sequence_number = g_strdup(m->sequence_number);
    c->dlq_source_arn = g_strdup(m->dlq_source_arn);
    c->group = NULL;
    c->group_link = NULL;
    return c;
}

/* Puts a copied message (its state and times as they were) in q's indexes;
 * called in seq order, which is each FIFO group's order. */
static void msg_place(sqs_queue *q, sqs_msg *m)
{
    g_tree_insert(q->by_seq, &m->seq, m);
    if (q->fifo)
        group_join(q, m)->inflight += m->state == SQS_INFLIGHT;
    if (m->state == SQS_VISIBLE) {
        if (!q->fifo)
            g_tree_insert(q->ready, &m->seq, m);
        return;
    }
    pending_add(q, m);
    if (m->state == SQS_INFLIGHT)
        q->n_inflight++;
    else
        q->n_delayed++;
}

static gboolean copy_msg(gpointer key, gpointer value, gpointer to)
{
    (void)key;
    msg_place(to, msg_copy(value));
    return FALSE;
}

static void copy_expiring(GHashTable *from, const GQueue *from_order, GHashTable *to, GQueue *to_order,
                          bool attempts)
{
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, from);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        void *c;
        if (attempts) {
            const sqs_attempt *a = v;
            sqs_attempt *ac = g_new(sqs_attempt, 1);
            ac->expires_ms = a->expires_ms;
            ac->seqs = g_array_copy(a->seqs);
            c = ac;
        } else {
            c = g_memdup2(v, sizeof(int64_t));
        }
        g_hash_table_insert(to, g_strdup(k), c);
    }
    for (GList *l = from_order->head; l; l = l->next)
        g_queue_push_tail(to_order, g_strdup(l->data));
}

static gboolean copy_queue(gpointer key, gpointer value, gpointer to_state)
{
    (void)key;
    const sqs_queue *q = value;
    sqs_queue *c = sqs_queue_add(to_state, q->name, q->arn, q->fifo, json_deep_copy(q->attrs),
                                 json_deep_copy(q->tags), q->created_ms);
    c->modified_ms = q->modified_ms;
    c->purged_ms = q->purged_ms;
    c->next_seq = q->next_seq;
    g_tree_foreach(q->by_seq, copy_msg, c);
    if (c->fifo) {
        GHashTableIter it;
        gpointer g;
        g_hash_table_iter_init(&it, c->groups);
        while (g_hash_table_iter_next(&it, NULL, &g))
            avail_update(c, g);
        copy_expiring(q->dedup, &q->dedup_order, c->dedup, &c->dedup_order, false);
        copy_expiring(q->attempts, &q->attempt_order, c->attempts, &c->attempt_order, true);
    }
    for (guint i = 0; i < q->tasks->len; i++) {
        const sqs_move_task *t = g_ptr_array_index(q->tasks, i);
        sqs_move_task *tc = g_new(sqs_move_task, 1);
        *tc = *t;
        tc->handle = g_strdup(t->handle);
        tc->source_arn = g_strdup(t->source_arn);
        tc->dest_arn = g_strdup(t->dest_arn);
        tc->status = g_strdup(t->status);
        tc->failure = g_strdup(t->failure);
        g_ptr_array_add(c->tasks, tc);
    }
    return FALSE;
}

sqs_state *sqs_state_clone(const sqs_state *st)
{
    sqs_state *c = sqs_state_new();
    g_tree_foreach(st->queues, copy_queue, c);
    GHashTableIter it;
    gpointer k, v;
    /* after the queues: adding one forgets its name's deletion */
    g_hash_table_iter_init(&it, st->deleted);
    while (g_hash_table_iter_next(&it, &k, &v))
        g_hash_table_insert(c->deleted, g_strdup(k), g_memdup2(v, sizeof(gint64)));
    c->next_task = st->next_task;
    atomic_store(&c->due, atomic_load(&st->due));
    return c;
}
