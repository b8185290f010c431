#include "core/decisions.h"

#include <glib.h>
#include <stdatomic.h>

#define DECISIONS_MAX 4096

/* A decision as enforce made it, and the journal's account of it. */
typedef struct kept {
    policy_decision decision;
    char *by;        /* owned */
    char *statement; /* owned, or NULL */
    char *why;       /* owned */
} kept;

struct decisions {
    _Atomic uint64_t generation; /* moved by every write that can change a decision */
    GRWLock lock;                /* guards what follows */
    uint64_t decided_at;         /* the generation the entries were made in */
    GHashTable *entries;         /* key -> kept*, both owned */
};

static void kept_free(gpointer p)
{
    kept *e = p;
    g_free(e->by);
    g_free(e->statement);
    g_free(e->why);
    g_free(e);
}

decisions *decisions_new(void)
{
    decisions *d = g_new0(decisions, 1);
    g_rw_lock_init(&d->lock);
    d->entries = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, kept_free);
    return d;
}

void decisions_free(decisions *d)
{
    if (!d)
        return;
    g_hash_table_destroy(d->entries);
    g_rw_lock_clear(&d->lock);
    g_free(d);
}

void decisions_forget(decisions *d)
{
    if (d)
        atomic_fetch_add(&d->generation, 1);
}

uint64_t decisions_generation(decisions *d) { return d ? atomic_load(&d->generation) : 0; }

bool decisions_get(decisions *d, const char *key, policy_decision *decision, char **by, char **statement,
                   char **why)
{
    uint64_t now = atomic_load(&d->generation);
    g_rw_lock_reader_lock(&d->lock);
    const kept *e = d->decided_at == now ? g_hash_table_lookup(d->entries, key) : NULL;
    if (e) {
        *decision = e->decision;
        *by = g_strdup(e->by);
        *statement = g_strdup(e->statement);
        *why = g_strdup(e->why);
    }
    g_rw_lock_reader_unlock(&d->lock);
    return e != NULL;
}

void decisions_put(decisions *d, uint64_t gen, char *key, policy_decision decision, const char *by,
                   const char *statement, const char *why)
{
    g_rw_lock_writer_lock(&d->lock);
    if (gen != atomic_load(&d->generation)) {
        g_rw_lock_writer_unlock(&d->lock);
        g_free(key);
        return;
    }
    /* a new generation, or hostile variety (every key of a bucket): start
     * over rather than grow */
    if (d->decided_at != gen || g_hash_table_size(d->entries) >= DECISIONS_MAX) {
        g_hash_table_remove_all(d->entries);
        d->decided_at = gen;
    }
    kept *e = g_new(kept, 1);
    *e = (kept){decision, g_strdup(by), g_strdup(statement), g_strdup(why)};
    g_hash_table_replace(d->entries, key, e);
    g_rw_lock_writer_unlock(&d->lock);
}
