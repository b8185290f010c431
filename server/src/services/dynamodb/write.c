#include "services/dynamodb/write.h"

#include "services/dynamodb/index.h"
#include "services/dynamodb/ttl.h"

/* The old item leaves what refers to it. */
static void unlink_item(ddb_table *t, json_t *old)
{
    GPtrArray *lists[2] = {t->lsis, t->gsis};
    for (int k = 0; k < 2; k++)
        for (guint i = 0; i < lists[k]->len; i++)
            ddb_ix_remove(t, lists[k]->pdata[i], old);
    ddb_ttl_untrack(t, old);
}

void ddb_write_put(ddb_table *t, json_t *item, size_t size)
{
    ddb_keyval h, r;
    if (!ddb_table_keyvals(t, item, &h, &r)) {
        json_decref(item);
        return;
    }
    const ddb_entry *e = ddb_store_get(t->items, &h, &r, 1);
    /* the old item must outlive its unlinking, which reads its keys */
    json_t *old = e ? json_incref(e->item) : NULL;
    if (old)
        unlink_item(t, old);
    ddb_store_put(t->items, &h, &r, 1, item, NULL, size);
    GPtrArray *lists[2] = {t->lsis, t->gsis};
    for (int k = 0; k < 2; k++)
        for (guint i = 0; i < lists[k]->len; i++)
            ddb_ix_add(t, lists[k]->pdata[i], item);
    ddb_ttl_track(t, item);
    json_decref(old);
}

bool ddb_write_delete(ddb_table *t, json_t *key)
{
    ddb_keyval h, r;
    if (!ddb_table_keyvals(t, key, &h, &r))
        return false;
    const ddb_entry *e = ddb_store_get(t->items, &h, &r, 1);
    if (!e)
        return false;
    json_t *old = json_incref(e->item);
    unlink_item(t, old);
    /* h and r may point into old itself: it is still alive */
    ddb_store_remove(t->items, &h, &r, 1);
    json_decref(old);
    return true;
}

void ddb_write_clear(ddb_table *t)
{
    ddb_store_clear(t->items);
    GPtrArray *lists[2] = {t->lsis, t->gsis};
    for (int k = 0; k < 2; k++)
        for (guint i = 0; i < lists[k]->len; i++) {
            ddb_index *ix = lists[k]->pdata[i];
            if (ix->items)
                ddb_store_clear(ix->items);
        }
    ddb_ttl_untrack_all(t);
}
