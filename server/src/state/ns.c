#include "ns.h"

#include <stdlib.h>
#include <string.h>

struct ns_table {
    GMutex lock;
    GHashTable *by_key;  /* "svc\x1faccount\x1fregion" -> ns*, owns both */
    GHashTable *configs; /* const svc_def* -> its config_new object, owned (config_free);
                            configuration, not state: a reset keeps it */
};

static void ns_destroy(gpointer p)
{
    ns *n = p;
    if (n->state && n->svc->state_free)
        n->svc->state_free(n->state);
    g_rw_lock_clear(&n->lock);
    g_free(n->account);
    g_free(n->region);
    g_free(n);
}

static GHashTable *ns_hash_new(void)
{
    return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, ns_destroy);
}

ns_table *ns_table_new(const svc_def *const *services, const mockaws_options *opts)
{
    ns_table *t = g_new0(ns_table, 1);
    g_mutex_init(&t->lock);
    t->by_key = ns_hash_new();
    t->configs = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (const svc_def *const *d = services; *d; d++)
        if ((*d)->config_new)
            g_hash_table_insert(t->configs, (gpointer)*d, (*d)->config_new(opts));
    return t;
}

void ns_table_free(ns_table *t)
{
    if (!t)
        return;
    g_hash_table_destroy(t->by_key);
    GHashTableIter it;
    gpointer svc, config;
    g_hash_table_iter_init(&it, t->configs);
    while (g_hash_table_iter_next(&it, &svc, &config))
        if (((const svc_def *)svc)->config_free)
            ((const svc_def *)svc)->config_free(config);
    g_hash_table_destroy(t->configs);
    g_mutex_clear(&t->lock);
    g_free(t);
}

static ns *ns_make(const svc_def *svc, const char *account, const char *region, void *state)
{
    ns *n = g_new0(ns, 1);
    n->svc = svc;
    n->account = g_strdup(account);
    n->region = g_strdup(region);
    g_rw_lock_init(&n->lock);
    n->state = state;
    return n;
}

ns *ns_get(ns_table *t, const svc_def *svc, const char *account, const char *region)
{
    if (svc->scope == SVC_SCOPE_GLOBAL)
        account = "";
    if (svc->scope != SVC_SCOPE_REGION)
        region = "";
    char key[256];
    g_snprintf(key, sizeof key, "%s\x1f%s\x1f%s", svc->name, account, region);
    g_mutex_lock(&t->lock);
    ns *n = g_hash_table_lookup(t->by_key, key);
    if (!n) {
        n = ns_make(svc, account, region,
                    svc->state_new ? svc->state_new(g_hash_table_lookup(t->configs, svc)) : NULL);
        g_hash_table_insert(t->by_key, g_strdup(key), n);
    }
    g_mutex_unlock(&t->lock);
    return n;
}

void ns_table_reset(ns_table *t)
{
    g_mutex_lock(&t->lock);
    g_hash_table_remove_all(t->by_key);
    g_mutex_unlock(&t->lock);
}

static gint cmp_keys(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void ns_table_foreach(ns_table *t, void (*fn)(ns *n, void *arg), void *arg)
{
    g_mutex_lock(&t->lock);
    guint n;
    gpointer *keys = g_hash_table_get_keys_as_array(t->by_key, &n);
    qsort(keys, n, sizeof *keys, cmp_keys);
    for (guint i = 0; i < n; i++)
        fn(g_hash_table_lookup(t->by_key, keys[i]), arg);
    g_free(keys);
    g_mutex_unlock(&t->lock);
}

/* A snapshot's namespaces: the same table shape, whose states no request
 * ever reaches (each restore clones them again). */
struct ns_saved {
    GHashTable *by_key; /* as ns_table.by_key */
};

/* A clone of every namespace of from into a new table; NULL with err when
 * a service has state and no state_clone. The caller holds t->lock (the
 * configs; from itself when it is the live table). */
static GHashTable *clone_all(ns_table *t, GHashTable *from, char *err, size_t errlen)
{
    GHashTable *to = ns_hash_new();
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, from);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        const ns *n = value;
        void *state = NULL;
        if (n->state) {
            if (!n->svc->state_clone) {
                g_snprintf(err, errlen,
                           "cannot take a snapshot: %s keeps state that snapshots cannot hold yet (no state_clone); "
                           "reset the server or leave the service untouched before taking one",
                           n->svc->name);
                g_hash_table_destroy(to);
                return NULL;
            }
            state = n->svc->state_clone(n->state, g_hash_table_lookup(t->configs, n->svc));
        }
        g_hash_table_insert(to, g_strdup(key), ns_make(n->svc, n->account, n->region, state));
    }
    return to;
}

ns_saved *ns_table_save(ns_table *t, char *err, size_t errlen)
{
    g_mutex_lock(&t->lock);
    GHashTable *copy = clone_all(t, t->by_key, err, errlen);
    g_mutex_unlock(&t->lock);
    if (!copy)
        return NULL;
    ns_saved *saved = g_new0(ns_saved, 1);
    saved->by_key = copy;
    return saved;
}

void ns_saved_free(ns_saved *saved)
{
    if (!saved)
        return;
    g_hash_table_destroy(saved->by_key);
    g_free(saved);
}

size_t ns_saved_count(const ns_saved *saved)
{
    return g_hash_table_size(saved->by_key);
}

void ns_table_restore(ns_table *t, const ns_saved *saved)
{
    char unused[8];
    g_mutex_lock(&t->lock);
    /* saved's services all cloned once already, so this cannot fail */
    GHashTable *fresh = clone_all(t, saved->by_key, unused, sizeof unused);
    GHashTable *old = t->by_key;
    t->by_key = fresh;
    g_mutex_unlock(&t->lock);
    /* after the swap: freeing states that share with saved costs what they
     * do not share, and no one waits on the table for it */
    g_hash_table_destroy(old);
}
