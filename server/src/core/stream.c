#include "core/stream.h"

#include <microhttpd.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/jtext.h"

/* What a listener formats ahead of its reader: it stops taking entries
 * once this much waits unsent (so at most this and one event). */
#define STREAM_BUF (16 * 1024)
/* After waking the listeners, the waker lets this pass before it wakes
 * them again: under load each wake carries a batch of entries instead of
 * one (a resume and a send per listener per request cost several times the
 * request itself); an entry after a quiet spell goes out at once. */
#define STREAM_BATCH_US 2000
/* Entry events formatted lately, by seq, for the listeners after the
 * first (the formatting is most of what a listener costs per entry). An
 * event longer than CACHE_TEXT is formatted each time. */
#define CACHE_SLOTS 256
#define CACHE_TEXT 2048

typedef struct cached {
    uint64_t seq;        /* 0: empty */
    size_t len;
    char text[CACHE_TEXT];
} cached;

struct stream_hub {
    journal *j;
    GMutex lock;         /* listeners, changed; the waker's wait */
    GCond cond;
    bool changed;        /* the journal changed since the waker last woke them */
    GList *listeners;
    atomic_uint count;   /* of listeners: the journal's hook reads it unlocked */
    unsigned max;
    atomic_bool stopping;
    int64_t keepalive_us;
    GThread *waker;
    GMutex cache_lock;   /* taken under the journal's (in a visit), never around it */
    cached *cache;       /* CACHE_SLOTS, by seq modulo */
};

struct stream_listener {
    stream_hub *h;
    journal_filter f;    /* service, operation, error: owned copies */
    /* the reader's own (one thread at a time: libmicrohttpd's) */
    uint64_t cursor;     /* the last seq dealt with (sent, filtered out or lost) */
    uint64_t epoch, reset_after; /* journal_walk's */
    GString *out;
    size_t sent;         /* of out */
    struct MHD_Connection *conn;
    uint64_t conn_id;
    /* shared with the waker and the watchdog */
    GMutex lock;
    bool suspended;      /* its connection is */
    bool dirty;          /* the journal changed since the reader last looked */
    bool ping;           /* silent for keepalive: a comment is due */
    bool gone;           /* its client hung up */
    int64_t last_us;     /* monotonic: when it last sent anything */
};

/* ---- events ---- */

/* id 0: none (the client's last id stands). */
static void put_event(GString *out, const char *event, uint64_t id, const char *data)
{
    if (id)
        g_string_append_printf(out, "id: %" G_GUINT64_FORMAT "\n", id);
    g_string_append_printf(out, "event: %s\ndata: %s\n\n", event, data);
}

/* e's entry event onto out: from the cache, or formatted (and cached). */
static void put_entry(stream_hub *h, GString *out, const journal_entry *e)
{
    cached *c = &h->cache[e->seq % CACHE_SLOTS];
    g_mutex_lock(&h->cache_lock);
    bool hit = c->seq == e->seq;
    if (hit)
        g_string_append_len(out, c->text, (gssize)c->len);
    g_mutex_unlock(&h->cache_lock);
    if (hit)
        return;
    /* exactly as GET /_mockaws/journal writes it (core/control.c) */
    json_t *o = journal_entry_json(e);
    char *text = jtext_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(o);
    if (!text)
        return;
    size_t from = out->len;
    put_event(out, "entry", e->seq, text);
    free(text);
    size_t len = out->len - from;
    if (len <= CACHE_TEXT) {
        g_mutex_lock(&h->cache_lock);
        c->seq = e->seq;
        c->len = len;
        memcpy(c->text, out->str + from, len);
        g_mutex_unlock(&h->cache_lock);
    }
}

/* journal_visit: the listener takes e, if it has room. */
static bool visit(const journal_entry *e, void *arg)
{
    stream_listener *l = arg;
    if (l->out->len - l->sent >= STREAM_BUF)
        return false;
    /* seqs the reset took are not lost, those the ring's turn took are */
    uint64_t from = MAX(l->cursor, l->reset_after) + 1;
    if (e->seq > from) {
        char gap[64];
        g_snprintf(gap, sizeof gap, "{\"from\":%" G_GUINT64_FORMAT ",\"to\":%" G_GUINT64_FORMAT "}", from,
                   e->seq - 1);
        put_event(l->out, "gap", e->seq - 1, gap);
    }
    if (journal_matches(e, &l->f))
        put_entry(l->h, l->out, e);
    l->cursor = e->seq;
    return true;
}

/* The reader's: once all was sent, what the journal has for it next. */
static void refill(stream_listener *l)
{
    if (l->sent < l->out->len)
        return;
    g_string_truncate(l->out, 0);
    l->sent = 0;
    while (!journal_walk(l->h->j, l->cursor, &l->epoch, &l->reset_after, visit, l)) {
        /* cleared, or rolled back to a snapshot: what follows is new */
        put_event(l->out, "reset", l->reset_after, "{}");
        l->cursor = MAX(l->cursor, l->reset_after);
    }
}

const char *stream_pending(stream_listener *l)
{
    refill(l);
    const char *text = l->out->str + l->sent;
    l->sent = l->out->len;
    return text;
}

/* ---- the hub ---- */

/* Under l->lock: the reader is to look again. */
static void wake_locked(stream_listener *l)
{
    l->dirty = true;
    if (l->suspended) {
        l->suspended = false;
        if (l->conn)
            MHD_resume_connection(l->conn);
    }
}

/* Under h->lock. */
static void wake_all_locked(stream_hub *h)
{
    for (GList *it = h->listeners; it; it = it->next) {
        stream_listener *l = it->data;
        g_mutex_lock(&l->lock);
        wake_locked(l);
        g_mutex_unlock(&l->lock);
    }
}

/* journal_notify_fn: on the request's thread, so it only tells the waker. */
static void on_journal(void *arg)
{
    stream_hub *h = arg;
    if (atomic_load(&h->count) == 0)
        return;
    g_mutex_lock(&h->lock);
    if (!h->changed) {
        h->changed = true;
        g_cond_signal(&h->cond);
    }
    g_mutex_unlock(&h->lock);
}

/* Wakes the listeners when the journal changed (at most once a batch),
 * and for their keep-alives when the longest silent one is due; sleeps
 * while there is nothing to do. */
static gpointer waker_main(gpointer arg)
{
    stream_hub *h = arg;
    g_mutex_lock(&h->lock);
    while (!atomic_load(&h->stopping)) {
        int64_t now = g_get_monotonic_time(), next = now + h->keepalive_us;
        if (h->changed) {
            h->changed = false;
            wake_all_locked(h);
            int64_t until = now + STREAM_BATCH_US;
            while (!atomic_load(&h->stopping) && g_get_monotonic_time() < until)
                g_cond_wait_until(&h->cond, &h->lock, until);
            continue;
        }
        for (GList *it = h->listeners; it; it = it->next) {
            stream_listener *l = it->data;
            g_mutex_lock(&l->lock);
            if (now - l->last_us >= h->keepalive_us) {
                l->ping = true;
                l->last_us = now; /* not again before another keepalive */
                wake_locked(l);
            } else {
                next = MIN(next, l->last_us + h->keepalive_us);
            }
            g_mutex_unlock(&l->lock);
        }
        if (h->changed)
            continue;
        if (h->listeners)
            g_cond_wait_until(&h->cond, &h->lock, next);
        else
            g_cond_wait(&h->cond, &h->lock);
    }
    g_mutex_unlock(&h->lock);
    return NULL;
}

stream_hub *stream_hub_new(journal *j, unsigned max_listeners, int64_t keepalive_ms)
{
    stream_hub *h = g_new0(stream_hub, 1);
    h->j = j;
    g_mutex_init(&h->lock);
    g_cond_init(&h->cond);
    h->max = max_listeners;
    h->keepalive_us = keepalive_ms * 1000;
    g_mutex_init(&h->cache_lock);
    h->cache = g_new0(cached, CACHE_SLOTS);
    h->waker = g_thread_new("mockaws-stream", waker_main, h);
    journal_set_notify(j, on_journal, h);
    return h;
}

void stream_hub_stop(stream_hub *h)
{
    if (!h)
        return;
    g_mutex_lock(&h->lock);
    atomic_store(&h->stopping, true);
    g_cond_signal(&h->cond);
    wake_all_locked(h);
    g_mutex_unlock(&h->lock);
    if (h->waker)
        g_thread_join(h->waker);
    h->waker = NULL;
}

void stream_hub_free(stream_hub *h)
{
    if (!h)
        return;
    stream_hub_stop(h);
    journal_set_notify(h->j, NULL, NULL);
    g_mutex_clear(&h->lock);
    g_cond_clear(&h->cond);
    g_mutex_clear(&h->cache_lock);
    g_free(h->cache);
    g_free(h);
}

unsigned stream_listeners(stream_hub *h)
{
    return atomic_load(&h->count);
}

stream_listener *stream_open(stream_hub *h, uint64_t after, bool from_now, const char *service,
                             const char *operation, const char *error)
{
    g_mutex_lock(&h->lock);
    bool room = !atomic_load(&h->stopping) && atomic_load(&h->count) < h->max;
    stream_listener *l = NULL;
    if (room) {
        l = g_new0(stream_listener, 1);
        l->h = h;
        l->f.service = g_strdup(service);
        l->f.operation = g_strdup(operation);
        l->f.error = g_strdup(error);
        l->cursor = from_now ? journal_last_seq(h->j) : after;
        l->out = g_string_sized_new(1024);
        g_mutex_init(&l->lock);
        l->last_us = g_get_monotonic_time();
        h->listeners = g_list_prepend(h->listeners, l);
        atomic_fetch_add(&h->count, 1);
        g_cond_signal(&h->cond); /* the waker has one to watch */
    }
    g_mutex_unlock(&h->lock);
    return l;
}

void stream_attach(stream_listener *l, void *conn, uint64_t conn_id)
{
    l->conn = conn;
    l->conn_id = conn_id;
}

void stream_release(void *cls)
{
    stream_listener *l = cls;
    stream_hub *h = l->h;
    g_mutex_lock(&h->lock);
    h->listeners = g_list_remove(h->listeners, l);
    atomic_fetch_sub(&h->count, 1);
    g_mutex_unlock(&h->lock);
    g_free((char *)l->f.service);
    g_free((char *)l->f.operation);
    g_free((char *)l->f.error);
    g_string_free(l->out, TRUE);
    g_mutex_clear(&l->lock);
    g_free(l);
}

void stream_hangup(stream_hub *h, uint64_t conn_id)
{
    g_mutex_lock(&h->lock);
    for (GList *it = h->listeners; it; it = it->next) {
        stream_listener *l = it->data;
        if (l->conn_id != conn_id)
            continue;
        g_mutex_lock(&l->lock);
        l->gone = true;
        wake_locked(l);
        g_mutex_unlock(&l->lock);
    }
    g_mutex_unlock(&h->lock);
}

/* ---- libmicrohttpd's content reader ---- */

ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    stream_listener *l = cls;
    for (;;) {
        g_mutex_lock(&l->lock);
        bool gone = l->gone, ping = l->ping;
        l->dirty = l->ping = false;
        g_mutex_unlock(&l->lock);
        if (gone)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        if (atomic_load(&l->h->stopping))
            return MHD_CONTENT_READER_END_OF_STREAM;
        refill(l);
        if (l->sent == l->out->len && ping)
            g_string_append(l->out, ": keep-alive\n\n");
        if (l->sent < l->out->len) {
            size_t n = MIN(max, l->out->len - l->sent);
            memcpy(buf, l->out->str + l->sent, n);
            l->sent += n;
            g_mutex_lock(&l->lock);
            l->last_us = g_get_monotonic_time();
            g_mutex_unlock(&l->lock);
            return (ssize_t)n;
        }
        /* nothing to send: suspended until the waker (the journal changed,
         * a keep-alive is due), the watchdog or the server's stop wakes it (a wake that came while
         * this looked is not lost: dirty) */
        g_mutex_lock(&l->lock);
        bool again = l->dirty || l->gone || atomic_load(&l->h->stopping);
        if (!again) {
            l->suspended = true;
            if (l->conn) /* NULL: a unit test's, which calls again itself */
                MHD_suspend_connection(l->conn);
        }
        g_mutex_unlock(&l->lock);
        if (!again)
            return 0;
    }
}
