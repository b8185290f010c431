#include "store.h"

#include <string.h>

#include "num.h"

struct ddb_store {
    GHashTable *parts; /* GBytes* (the part's own key) -> ddb_part* (owned) */
    GTree *order;      /* ddb_part* -> ddb_part*, scan order */
    size_t count;
    uint64_t bytes;
};

int ddb_skey_cmp(const ddb_skey *a, const ddb_skey *b)
{
    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    if (a->type == 'N')
        return ddb_num_cmp_str(a->data, b->data);
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->data, b->data, n);
    if (c)
        return c < 0 ? -1 : 1;
    return a->len == b->len ? 0 : a->len < b->len ? -1 : 1;
}

static int skey_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
    return ddb_skey_cmp(a, b);
}

static ddb_skey *skey_dup(const ddb_keyval *k)
{
    ddb_skey *s = g_malloc(sizeof *s + k->len + 1);
    char *data = (char *)(s + 1);
    memcpy(data, k->data, k->len);
    data[k->len] = '\0';
    s->type = k->type;
    s->len = k->len;
    s->data = data;
    return s;
}

static void entry_free(gpointer p)
{
    ddb_entry *e = p;
    json_decref(e->item);
    g_free(e);
}

static int part_cmp(gconstpointer pa, gconstpointer pb, gpointer unused)
{
    const ddb_part *a = pa, *b = pb;
    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    return g_bytes_compare(a->key, b->key);
}

static void part_free(gpointer p)
{
    ddb_part *part = p;
    g_tree_destroy(part->items);
    g_bytes_unref(part->key);
    g_free(part);
}

ddb_store *ddb_store_new(void)
{
    ddb_store *s = g_new0(ddb_store, 1);
    s->parts = g_hash_table_new_full(g_bytes_hash, g_bytes_equal, NULL, part_free);
    s->order = g_tree_new_full(part_cmp, NULL, NULL, NULL);
    return s;
}

void ddb_store_free(ddb_store *s)
{
    if (!s)
        return;
    g_tree_destroy(s->order);
    g_hash_table_destroy(s->parts);
    g_free(s);
}

void ddb_store_clear(ddb_store *s)
{
    g_tree_destroy(s->order);
    s->order = g_tree_new_full(part_cmp, NULL, NULL, NULL);
    g_hash_table_remove_all(s->parts);
    s->count = 0;
    s->bytes = 0;
}

static GBytes *part_key(const ddb_keyval *h)
{
    GByteArray *a = g_byte_array_sized_new((guint)h->len + 1);
    guint8 t = (guint8)h->type;
    g_byte_array_append(a, &t, 1);
    g_byte_array_append(a, (const guint8 *)h->data, (guint)h->len);
    return g_byte_array_free_to_bytes(a);
}

ddb_part *ddb_store_partition(const ddb_store *s, const ddb_keyval *hash)
{
    GBytes *k = part_key(hash);
    ddb_part *p = g_hash_table_lookup(s->parts, k);
    g_bytes_unref(k);
    return p;
}

static ddb_skey probe_of(const ddb_keyval *range)
{
    static const char none[] = "";
    if (!range || !range->type)
        return (ddb_skey){0, 0, none};
    return (ddb_skey){range->type, range->len, range->data};
}

const ddb_entry *ddb_store_get(const ddb_store *s, const ddb_keyval *hash, const ddb_keyval *range)
{
    ddb_part *p = ddb_store_partition(s, hash);
    if (!p)
        return NULL;
    ddb_skey probe = probe_of(range);
    return g_tree_lookup(p->items, &probe);
}

void ddb_store_put(ddb_store *s, const ddb_keyval *hash, const ddb_keyval *range, json_t *item, size_t size)
{
    GBytes *k = part_key(hash);
    ddb_part *p = g_hash_table_lookup(s->parts, k);
    if (!p) {
        p = g_new0(ddb_part, 1);
        p->key = k;
        p->hash = g_bytes_hash(k);
        p->items = g_tree_new_full(skey_cmp, NULL, g_free, entry_free);
        g_hash_table_insert(s->parts, p->key, p);
        g_tree_insert(s->order, p, p);
    } else {
        g_bytes_unref(k);
    }
    ddb_skey probe = probe_of(range);
    ddb_entry *old = g_tree_lookup(p->items, &probe);
    if (old) {
        s->bytes -= old->size;
        s->count--;
    }
    ddb_entry *e = g_new(ddb_entry, 1);
    e->item = item;
    e->size = size;
    ddb_keyval none = {0, "", 0};
    g_tree_replace(p->items, skey_dup(range && range->type ? range : &none), e);
    s->bytes += size;
    s->count++;
}

bool ddb_store_remove(ddb_store *s, const ddb_keyval *hash, const ddb_keyval *range)
{
    ddb_part *p = ddb_store_partition(s, hash);
    if (!p)
        return false;
    ddb_skey probe = probe_of(range);
    ddb_entry *old = g_tree_lookup(p->items, &probe);
    if (!old)
        return false;
    s->bytes -= old->size;
    s->count--;
    g_tree_remove(p->items, &probe);
    if (g_tree_nnodes(p->items) == 0) {
        g_tree_remove(s->order, p);
        g_hash_table_remove(s->parts, p->key);
    }
    return true;
}

size_t ddb_store_count(const ddb_store *s)
{
    return s->count;
}

uint64_t ddb_store_bytes(const ddb_store *s)
{
    return s->bytes;
}

GTree *ddb_store_scan_order(const ddb_store *s)
{
    return s->order;
}

void ddb_store_foreach(const ddb_store *s, bool (*fn)(const ddb_entry *e, void *arg), void *arg)
{
    for (GTreeNode *pn = g_tree_node_first(s->order); pn; pn = g_tree_node_next(pn)) {
        ddb_part *p = g_tree_node_value(pn);
        for (GTreeNode *n = g_tree_node_first(p->items); n; n = g_tree_node_next(n))
            if (!fn(g_tree_node_value(n), arg))
                return;
    }
}
