#include "journal.h"

#include <stdbool.h>
#include <string.h>

#include "core/capture.h"
#include "core/jtext.h"

/* A ring slot: the entry, its strings packed in buf. The buffer stays with
 * the slot when the entry is overwritten, so a full ring adds without
 * allocating (and frees nothing under the lock). */
typedef struct slot {
    journal_entry e;
    char *buf;
    size_t cap;
} slot;

struct journal {
    GMutex lock;
    slot *ring;
    size_t capacity;
    size_t start; /* index of the oldest entry */
    size_t len;
    uint64_t next_seq;
    uint64_t epoch;       /* one more at each clear or truncate, from 1 */
    uint64_t reset_after; /* the last seq handed out at the last of them */
    journal_notify_fn notify;
    void *notify_arg;
};

/* Releases the lock, then tells the listener (which may read the journal)
 * of the change just made. */
static void unlock_and_notify(journal *j)
{
    journal_notify_fn fn = j->notify;
    void *arg = j->notify_arg;
    g_mutex_unlock(&j->lock);
    if (fn)
        fn(arg);
}

void journal_set_notify(journal *j, journal_notify_fn fn, void *arg)
{
    g_mutex_lock(&j->lock);
    j->notify = fn;
    j->notify_arg = arg;
    g_mutex_unlock(&j->lock);
}

journal *journal_new(size_t capacity)
{
    journal *j = g_new0(journal, 1);
    g_mutex_init(&j->lock);
    j->capacity = capacity ? capacity : 1;
    j->ring = g_new0(slot, j->capacity);
    j->next_seq = 1;
    j->epoch = 1;
    return j;
}

void journal_clear(journal *j)
{
    g_mutex_lock(&j->lock);
    for (size_t i = 0; i < j->capacity; i++) {
        g_free(j->ring[i].buf);
        capture_free(j->ring[i].e.capture);
        memset(&j->ring[i], 0, sizeof j->ring[i]);
    }
    j->start = j->len = 0;
    j->epoch++;
    j->reset_after = j->next_seq - 1;
    unlock_and_notify(j);
}

uint64_t journal_last_seq(journal *j)
{
    g_mutex_lock(&j->lock);
    uint64_t seq = j->next_seq - 1;
    g_mutex_unlock(&j->lock);
    return seq;
}

void journal_truncate(journal *j, uint64_t seq)
{
    g_mutex_lock(&j->lock);
    /* newest first: the ring's seqs rise from start, so this stops at the
     * first one kept (the slots keep their buffers for reuse) */
    while (j->len > 0 && j->ring[(j->start + j->len - 1) % j->capacity].e.seq > seq) {
        journal_entry *e = &j->ring[(j->start + j->len - 1) % j->capacity].e;
        capture_free(e->capture);
        e->capture = NULL;
        j->len--;
    }
    j->epoch++;
    j->reset_after = j->next_seq - 1;
    unlock_and_notify(j);
}

void journal_free(journal *j)
{
    if (!j)
        return;
    journal_clear(j);
    g_free(j->ring);
    g_mutex_clear(&j->lock);
    g_free(j);
}

uint64_t journal_add(journal *j, const journal_entry *e)
{
    return journal_add_json(j, e, NULL);
}

/* The entry's strings, each with its NUL, and where they go in a slot. */
#define ENTRY_STRINGS(e)                                                                          \
    {&(e)->request_id, &(e)->account,  &(e)->region, &(e)->service,      &(e)->operation,      \
     &(e)->resource,   &(e)->error,    &(e)->fault,  &(e)->invocation_id, &(e)->caller,  \
     &(e)->principal,  &(e)->authz}

/* Under the lock. Copies e into sl, its strings into sl's buffer. */
static void slot_fill(slot *sl, const journal_entry *e, size_t need)
{
    /* Grown as needed; given back when one long entry left it much larger
     * than what now fills it. */
    if (need > sl->cap || (sl->cap > 1024 && need < sl->cap / 4)) {
        g_free(sl->buf);
        sl->cap = need;
        sl->buf = g_malloc(need);
    }
    sl->e = *e;
    const char **dst[] = ENTRY_STRINGS(&sl->e);
    char *p = sl->buf;
    for (size_t i = 0; i < G_N_ELEMENTS(dst); i++) {
        if (!*dst[i])
            continue;
        size_t n = strlen(*dst[i]) + 1;
        memcpy(p, *dst[i], n);
        *dst[i] = p;
        p += n;
    }
}

uint64_t journal_add_json(journal *j, const journal_entry *e, json_t **as_json)
{
    const char *const *src[] = ENTRY_STRINGS(e);
    size_t need = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(src); i++)
        need += *src[i] ? strlen(*src[i]) + 1 : 0;
    g_mutex_lock(&j->lock);
    size_t at;
    if (j->len == j->capacity) {
        at = j->start;
        j->start = (j->start + 1) % j->capacity;
    } else {
        at = (j->start + j->len) % j->capacity;
        j->len++;
    }
    slot *sl = &j->ring[at];
    /* an overwritten entry's capture goes, freed once the lock is let go */
    capture *gone = sl->e.capture;
    slot_fill(sl, e, need);
    sl->e.seq = j->next_seq++;
    uint64_t seq = sl->e.seq;
    if (as_json)
        *as_json = journal_entry_json(&sl->e);
    unlock_and_notify(j);
    capture_free(gone);
    return seq;
}

/* Most fields come from the client (the credential scope's region and
 * service, the target's operation, the key in the resource, the SDK's
 * invocation id), so any bytes: core/jtext.h's rule. */
static void set_text(json_t *o, const char *name, const char *s)
{
    jtext_set(o, name, s, s ? strlen(s) : 0);
}

void journal_time_iso(int64_t time_ms, char out[40])
{
    GDateTime *dt = g_date_time_new_from_unix_utc(time_ms / 1000);
    char *base = g_date_time_format(dt, "%Y-%m-%dT%H:%M:%S");
    g_snprintf(out, 40, "%s.%03dZ", base, (int)(time_ms % 1000));
    g_date_time_unref(dt);
    g_free(base);
}

json_t *journal_entry_json(const journal_entry *e)
{
    char iso[40];
    journal_time_iso(e->time_ms, iso);
    json_t *o = json_object();
    json_object_set_new(o, "seq", json_integer((json_int_t)e->seq));
    json_object_set_new(o, "time", json_string(iso));
    json_object_set_new(o, "connection", json_integer((json_int_t)e->connection));
    set_text(o, "request_id", e->request_id);
    set_text(o, "account", e->account);
    set_text(o, "region", e->region);
    set_text(o, "service", e->service);
    set_text(o, "operation", e->operation);
    set_text(o, "resource", e->resource);
    json_object_set_new(o, "status", json_integer(e->status));
    set_text(o, "error", e->error);
    set_text(o, "fault", e->fault);
    json_object_set_new(o, "duration_us", json_integer((json_int_t)e->duration_us));
    set_text(o, "invocation_id", e->invocation_id);
    json_object_set_new(o, "attempt", e->attempt ? json_integer(e->attempt) : json_null());
    json_object_set_new(o, "time_ms", json_integer(e->time_ms));
    if (e->max_attempts)
        json_object_set_new(o, "max_attempts", json_integer(e->max_attempts));
    if (e->caller)
        json_object_set_new(o, "caller", json_string(e->caller));
    if (e->principal)
        json_object_set_new(o, "principal", json_string(e->principal));
    if (e->authz)
        json_object_set_new(o, "authz", json_string(e->authz));
    if (e->capture)
        capture_summary_json(e->capture, o);
    return o;
}

bool journal_matches(const journal_entry *e, const journal_filter *f)
{
    if (!f)
        return true;
    if (f->since && e->seq <= f->since)
        return false;
    if (f->service && g_strcmp0(f->service, e->service) != 0)
        return false;
    if (f->operation && g_strcmp0(f->operation, e->operation) != 0)
        return false;
    if (f->error && g_strcmp0(f->error, e->error) != 0)
        return false;
    return true;
}

json_t *journal_map(journal *j, const journal_filter *f, json_t *(*one)(const journal_entry *e, void *arg),
                    void *arg)
{
    json_t *arr = json_array();
    g_mutex_lock(&j->lock);
    for (size_t i = 0; i < j->len; i++) {
        const journal_entry *e = &j->ring[(j->start + i) % j->capacity].e;
        if (!journal_matches(e, f))
            continue;
        json_array_append_new(arr, one(e, arg));
        if (f && f->limit && json_array_size(arr) >= f->limit)
            break;
    }
    g_mutex_unlock(&j->lock);
    return arr;
}

static json_t *entry_json(const journal_entry *e, void *arg) { return journal_entry_json(e); }

json_t *journal_query(journal *j, const journal_filter *f)
{
    return json_pack("{s:o}", "entries", journal_map(j, f, entry_json, NULL));
}

json_t *journal_get(journal *j, uint64_t seq)
{
    json_t *o = NULL;
    g_mutex_lock(&j->lock);
    /* seqs rise along the ring, one by one except where a truncate left a gap */
    for (size_t i = 0; i < j->len && !o; i++) {
        const journal_entry *e = &j->ring[(j->start + i) % j->capacity].e;
        if (e->seq == seq) {
            o = journal_entry_json(e);
            if (e->capture)
                capture_json(e->capture, o);
        }
    }
    g_mutex_unlock(&j->lock);
    return o;
}

size_t journal_count(journal *j, const journal_filter *f)
{
    size_t n = 0;
    g_mutex_lock(&j->lock);
    for (size_t i = 0; i < j->len; i++)
        if (journal_matches(&j->ring[(j->start + i) % j->capacity].e, f))
            n++;
    g_mutex_unlock(&j->lock);
    return n;
}

bool journal_walk(journal *j, uint64_t after, uint64_t *epoch, uint64_t *reset_after, journal_visit fn, void *arg)
{
    g_mutex_lock(&j->lock);
    bool same = *epoch == 0 || *epoch == j->epoch;
    *epoch = j->epoch;
    *reset_after = j->reset_after;
    if (same) {
        /* seqs rise from start (with a hole where a truncate dropped some):
         * the first one past after, by bisection */
        size_t lo = 0, hi = j->len;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (j->ring[(j->start + mid) % j->capacity].e.seq <= after)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t i = lo; i < j->len && fn(&j->ring[(j->start + i) % j->capacity].e, arg); i++)
            ;
    }
    g_mutex_unlock(&j->lock);
    return same;
}
