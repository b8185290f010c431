#include "core/snapshot.h"

#include <string.h>

#include "core/decisions.h"
#include "core/server.h"

typedef struct snapshot {
    char *name;
    int64_t created_ms; /* server clock when taken */
    ns_saved *ns;
    fault_saved *faults;
    GHashTable *creds;  /* as server.creds, copies */
    bool has_journal;
    uint64_t journal_seq;
} snapshot;

/* Written under the server's reset lock held for writing and read under it
 * held either way, so it needs no lock of its own. */
struct snapshot_store {
    GTree *by_name; /* name (the snapshot's own) -> snapshot*, owned */
};

static void snapshot_free(gpointer p)
{
    snapshot *sn = p;
    ns_saved_free(sn->ns);
    fault_saved_free(sn->faults);
    if (sn->creds)
        g_hash_table_destroy(sn->creds);
    g_free(sn->name);
    g_free(sn);
}

static gint name_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
    (void)unused;
    return strcmp(a, b);
}

snapshot_store *snapshot_store_new(void)
{
    snapshot_store *st = g_new0(snapshot_store, 1);
    st->by_name = g_tree_new_full(name_cmp, NULL, NULL, snapshot_free);
    return st;
}

void snapshot_store_free(snapshot_store *st)
{
    if (!st)
        return;
    g_tree_destroy(st->by_name);
    g_free(st);
}

bool snapshot_name_ok(const char *name)
{
    size_t n = 0;
    for (const char *p = name; p && *p; p++, n++)
        if (n >= 64 || !(g_ascii_isalnum(*p) || *p == '.' || *p == '_' || *p == '-'))
            return false;
    return n >= 1;
}

static bool name_checked(const char *name, char *err, size_t errlen)
{
    if (snapshot_name_ok(name))
        return true;
    g_snprintf(err, errlen, "a snapshot name is 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-'");
    return false;
}

static json_t *journal_seq_json(const snapshot *sn)
{
    return sn->has_journal ? json_integer((json_int_t)sn->journal_seq) : json_null();
}

int snapshot_take(server *s, const char *name, bool with_journal, json_t **answer, char *err, size_t errlen)
{
    if (!name_checked(name, err, errlen))
        return -1;
    g_rw_lock_writer_lock(&s->reset_lock);
    ns_saved *saved = ns_table_save(s->ns, err, errlen);
    if (!saved) {
        g_rw_lock_writer_unlock(&s->reset_lock);
        return -1;
    }
    snapshot *sn = g_new0(snapshot, 1);
    sn->name = g_strdup(name);
    sn->created_ms = clock_now_ms(&s->clock);
    sn->ns = saved;
    sn->faults = fault_set_save(s->faults);
    sn->creds = server_cred_save(s);
    sn->has_journal = with_journal;
    sn->journal_seq = with_journal ? journal_last_seq(s->journal) : 0;
    if (answer)
        *answer = json_pack("{s:s, s:I, s:o}", "name", name, "namespaces", (json_int_t)ns_saved_count(saved),
                            "journal_seq", journal_seq_json(sn));
    g_tree_replace(s->snapshots->by_name, sn->name, sn);
    g_rw_lock_writer_unlock(&s->reset_lock);
    return 0;
}

static snapshot *find(server *s, const char *name, char *err, size_t errlen)
{
    snapshot *sn = name ? g_tree_lookup(s->snapshots->by_name, name) : NULL;
    if (!sn)
        g_snprintf(err, errlen, "no snapshot named '%s'", name ? name : "");
    return sn;
}

int snapshot_restore(server *s, const char *name, char *err, size_t errlen)
{
    g_rw_lock_writer_lock(&s->reset_lock);
    snapshot *sn = find(s, name, err, errlen);
    if (sn) {
        ns_table_restore(s->ns, sn->ns);
        fault_set_restore(s->faults, sn->faults);
        server_cred_restore(s, sn->creds);
        /* without a journal position nothing is dropped, but a live
         * stream (core/stream.h) still hears of the restore */
        journal_truncate(s->journal, sn->has_journal ? sn->journal_seq : journal_last_seq(s->journal));
        /* users, keys and policies may all be others now */
        decisions_forget(s->decisions);
    }
    g_rw_lock_writer_unlock(&s->reset_lock);
    return sn ? 0 : -1;
}

int snapshot_delete(server *s, const char *name, char *err, size_t errlen)
{
    g_rw_lock_writer_lock(&s->reset_lock);
    bool found = find(s, name, err, errlen) != NULL;
    if (found)
        g_tree_remove(s->snapshots->by_name, name);
    g_rw_lock_writer_unlock(&s->reset_lock);
    return found ? 0 : -1;
}

static gboolean list_one(gpointer key, gpointer value, gpointer arg)
{
    (void)key;
    const snapshot *sn = value;
    json_array_append_new(arg, json_pack("{s:s, s:I, s:o, s:I}", "name", sn->name, "namespaces",
                                         (json_int_t)ns_saved_count(sn->ns), "journal_seq", journal_seq_json(sn),
                                         "created_ms", (json_int_t)sn->created_ms));
    return FALSE;
}

json_t *snapshot_list(server *s)
{
    json_t *list = json_array();
    g_rw_lock_reader_lock(&s->reset_lock);
    g_tree_foreach(s->snapshots->by_name, list_one, list);
    g_rw_lock_reader_unlock(&s->reset_lock);
    return json_pack("{s:o}", "snapshots", list);
}
