#include "services/dynamodb/index.h"

#include <string.h>

#include "services/dynamodb/value.h"
#include "services/service.h"

void ddb_ix_setup(ddb_index *ix)
{
    json_t *p = ix->projection;
    const char *type = svc_str(p, "ProjectionType");
    ix->proj = g_strcmp0(type, "ALL") == 0       ? DDB_PROJ_ALL
               : g_strcmp0(type, "INCLUDE") == 0 ? DDB_PROJ_INCLUDE
                                                 : DDB_PROJ_KEYS_ONLY;
    json_t *nka = json_object_get(p, "NonKeyAttributes");
    ix->include = g_new0(char *, json_array_size(nka) + 1);
    size_t i, n = 0;
    json_t *a;
    json_array_foreach(nka, i, a) if (json_is_string(a)) ix->include[n++] = g_strdup(json_string_value(a));
    ix->items = ddb_store_new();
}

size_t ddb_ix_nsort(const ddb_table *t, const ddb_index *ix)
{
    if (!ix->global)
        return 2;
    return ix->range.name ? 3 : 2;
}

static const ddb_keyval NONE = {0, "", 0};

/* An index key attribute: present, of the declared type, and not empty
 * (a key cannot hold an empty string or binary). */
static bool index_keyval(json_t *item, const ddb_keydef *k, ddb_keyval *out)
{
    if (!ddb_keydef_value(item, k, out))
        return false;
    return out->len > 0 || k->type == 'N';
}

void ddb_table_sort(const ddb_table *t, json_t *item, ddb_keyval *sort)
{
    if (!t->range.name || !ddb_keydef_value(item, &t->range, sort))
        *sort = NONE;
}

bool ddb_ix_key(const ddb_table *t, const ddb_index *ix, json_t *item, ddb_keyval *hash, ddb_keyval *sort,
                size_t *nsort)
{
    ddb_keyval th, tr;
    if (!ddb_table_keyvals(t, item, &th, &tr))
        return false;
    if (!index_keyval(item, &ix->hash, hash))
        return false;
    size_t n = 0;
    if (ix->range.name) {
        if (!index_keyval(item, &ix->range, &sort[n]))
            return false;
        n++;
    }
    if (ix->global)
        sort[n++] = th;
    sort[n++] = t->range.name ? tr : NONE;
    *nsort = n;
    return true;
}

static bool is_key(const ddb_table *t, const ddb_index *ix, const char *name)
{
    const char *keys[4] = {t->hash.name, t->range.name, ix->hash.name, ix->range.name};
    for (int i = 0; i < 4; i++)
        if (keys[i] && strcmp(keys[i], name) == 0)
            return true;
    return false;
}

json_t *ddb_ix_project(const ddb_table *t, const ddb_index *ix, json_t *item)
{
    if (ix->proj == DDB_PROJ_ALL)
        return json_incref(item);
    json_t *out = json_object();
    const char *k;
    json_t *v;
    /* attribute values are shared: stored items are never changed in place */
    json_object_foreach(item, k, v) {
        bool keep = is_key(t, ix, k);
        for (size_t i = 0; !keep && ix->proj == DDB_PROJ_INCLUDE && ix->include[i]; i++)
            keep = strcmp(ix->include[i], k) == 0;
        if (keep)
            json_object_set(out, k, v);
    }
    return out;
}

void ddb_ix_add(const ddb_table *t, ddb_index *ix, json_t *item)
{
    ddb_keyval h, sort[DDB_SKEY_MAX];
    size_t n;
    if (!ix->items || !ddb_ix_key(t, ix, item, &h, sort, &n))
        return;
    json_t *projected = ddb_ix_project(t, ix, item);
    size_t size = ix->proj == DDB_PROJ_ALL ? ddb_item_size(item) : ddb_item_size(projected);
    /* the store copies the key; the entry keeps the whole item for TTL and LSI reads */
    ddb_store_put(ix->items, &h, sort, n, projected, json_incref(item), size);
}

void ddb_ix_remove(const ddb_table *t, ddb_index *ix, json_t *item)
{
    ddb_keyval h, sort[DDB_SKEY_MAX];
    size_t n;
    if (ix->items && ddb_ix_key(t, ix, item, &h, sort, &n))
        ddb_store_remove(ix->items, &h, sort, n);
}

typedef struct backfill_ctx {
    const ddb_table *t;
    ddb_index *ix;
} backfill_ctx;

static bool backfill_one(const ddb_entry *e, void *arg)
{
    backfill_ctx *b = arg;
    ddb_ix_add(b->t, b->ix, e->item);
    return true;
}

void ddb_ix_backfill(const ddb_table *t, ddb_index *ix)
{
    backfill_ctx b = {t, ix};
    ddb_store_foreach(t->items, backfill_one, &b);
}

size_t ddb_ix_key_names(const ddb_table *t, const ddb_index *ix, const char **names)
{
    const char *all[4] = {t->hash.name, t->range.name, ix ? ix->hash.name : NULL, ix ? ix->range.name : NULL};
    size_t n = 0;
    for (int i = 0; i < 4; i++) {
        if (!all[i])
            continue;
        bool seen = false;
        for (size_t j = 0; j < n; j++)
            seen = seen || strcmp(names[j], all[i]) == 0;
        if (!seen)
            names[n++] = all[i];
    }
    return n;
}

bool ddb_ix_position(const ddb_table *t, const ddb_index *ix, json_t *key, ddb_keyval *hash, ddb_keyval *sort,
                     size_t *nsort)
{
    if (ix)
        return ddb_ix_key(t, ix, key, hash, sort, nsort);
    ddb_keyval rk;
    if (!ddb_table_keyvals(t, key, hash, &rk))
        return false;
    ddb_table_sort(t, key, &sort[0]);
    *nsort = 1;
    return true;
}

json_t *ddb_ix_entry_key(const ddb_table *t, const ddb_index *ix, const ddb_entry *e)
{
    const char *names[4];
    size_t n = ddb_ix_key_names(t, ix, names);
    json_t *item = e->base ? e->base : e->item;
    json_t *k = json_object();
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(item, names[i]);
        if (v)
            json_object_set(k, names[i], v);
    }
    return k;
}
