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

ns_table *ns_table_new(const svc_def *const *services, const mockaws_options *opts)
{
    ns_table *t = g_new0(ns_table, 1);
    g_mutex_init(&t->lock);
    t->by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, ns_destroy);
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
        n = g_new0(ns, 1);
        n->svc = svc;
        n->account = g_strdup(account);
        n->region = g_strdup(region);
        g_rw_lock_init(&n->lock);
        n->state = svc->state_new ? svc->state_new(g_hash_table_lookup(t->configs, svc)) : NULL;
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
