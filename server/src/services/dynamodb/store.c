#include "services/dynamodb/store.h"

#include <string.h>

#include "services/dynamodb/num.h"

struct ddb_store {
    GHashTable *parts; /* GBytes* (the part's own key) -> ddb_part* (owned) */
    GTree *order;      /* ddb_part* -> ddb_part*, scan order */
    size_t count;
    uint64_t bytes;
};

int ddb_keyval_cmp(const ddb_keyval *a, const ddb_keyval *b)
{
    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    if (a->type == 'N')
        return ddb_num_cmp_str(a->data, b->data);
    size_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->data, b->data, n) : 0;
    if (c)
        return c < 0 ? -1 : 1;
    return a->len == b->len ? 0 : a->len < b->len ? -1 : 1;
}

static int skey_cmp(gconstpointer pa, gconstpointer pb, gpointer unused)
{
    const ddb_skey *a = pa, *b = pb;
    uint8_t n = a->n < b->n ? a->n : b->n;
    for (uint8_t i = 0; i < n; i++) {
        int c = ddb_keyval_cmp(&a->k[i], &b->k[i]);
        if (c)
            return c;
    }
    /* a shorter probe ties with every key it prefixes: its tie decides */
    if (a->n < b->n)
        return a->tie ? a->tie : -1;
    if (b->n < a->n)
        return b->tie ? -b->tie : 1;
    return 0;
}

/* A stored key: the components and their bytes in one block. */
static ddb_skey *skey_dup(const ddb_keyval *sort, size_t n)
{
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += sort[i].len + 1;
    ddb_skey *s = g_malloc(sizeof *s + n * sizeof(ddb_keyval) + bytes);
    char *data = (char *)&s->k[n];
    s->n = (uint8_t)n;
    s->tie = 0;
    for (size_t i = 0; i < n; i++) {
        if (sort[i].len)
            memcpy(data, sort[i].data, sort[i].len);
        data[sort[i].len] = '\0';
        s->k[i] = (ddb_keyval){sort[i].type, data, sort[i].len};
        data += sort[i].len + 1;
    }
    return s;
}

/* Room for a probe of up to DDB_SKEY_MAX components on the stack. */
typedef union probe_buf {
    ddb_skey s;
    unsigned char raw[sizeof(ddb_skey) + DDB_SKEY_MAX * sizeof(ddb_keyval)];
} probe_buf;

static const ddb_skey *probe_of(probe_buf *b, const ddb_keyval *sort, size_t n, int tie)
{
    if (n > DDB_SKEY_MAX)
        n = DDB_SKEY_MAX;
    b->s.n = (uint8_t)n;
    b->s.tie = (int8_t)tie;
    for (size_t i = 0; i < n; i++)
        b->s.k[i] = sort[i];
    return &b->s;
}

static void entry_free(gpointer p)
{
    ddb_entry *e = p;
    json_decref(e->item);
    json_decref(e->base);
    g_free(e);
}

static int part_cmp(gconstpointer pa, gconstpointer pb, gpointer unused)
{
    const ddb_part *a = pa, *b = pb;
    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    if (!a->key || !b->key) /* a probe without a key comes first */
        return a->key ? 1 : b->key ? -1 : 0;
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

/* g_bytes_hash spreads short similar keys ("p1", "p2") poorly over the
 * 32-bit range; a finalizer makes hash-range scan segments even. */
static guint32 mix(guint32 h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

guint32 ddb_store_hash(const ddb_keyval *hash)
{
    GBytes *k = part_key(hash);
    guint32 h = mix(g_bytes_hash(k));
    g_bytes_unref(k);
    return h;
}

ddb_part *ddb_store_partition(const ddb_store *s, const ddb_keyval *hash)
{
    GBytes *k = part_key(hash);
    ddb_part *p = g_hash_table_lookup(s->parts, k);
    g_bytes_unref(k);
    return p;
}

const ddb_entry *ddb_store_get(const ddb_store *s, const ddb_keyval *hash, const ddb_keyval *sort, size_t nsort)
{
    ddb_part *p = ddb_store_partition(s, hash);
    if (!p)
        return NULL;
    probe_buf b;
    return g_tree_lookup(p->items, probe_of(&b, sort, nsort, 0));
}

void ddb_store_put(ddb_store *s, const ddb_keyval *hash, const ddb_keyval *sort, size_t nsort, json_t *item,
                   json_t *base, size_t size)
{
    GBytes *k = part_key(hash);
    ddb_part *p = g_hash_table_lookup(s->parts, k);
    if (!p) {
        p = g_new0(ddb_part, 1);
        p->key = k;
        p->hash = mix(g_bytes_hash(k));
        p->items = g_tree_new_full(skey_cmp, NULL, g_free, entry_free);
        g_hash_table_insert(s->parts, p->key, p);
        g_tree_insert(s->order, p, p);
    } else {
        g_bytes_unref(k);
    }
    probe_buf b;
    ddb_entry *old = g_tree_lookup(p->items, probe_of(&b, sort, nsort, 0));
    if (old) {
        s->bytes -= old->size;
        p->bytes -= old->size;
        s->count--;
    }
    ddb_entry *e = g_new(ddb_entry, 1);
    e->item = item;
    e->base = base;
    e->size = size;
    g_tree_replace(p->items, skey_dup(sort, nsort), e);
    s->bytes += size;
    p->bytes += size;
    s->count++;
}

bool ddb_store_remove(ddb_store *s, const ddb_keyval *hash, const ddb_keyval *sort, size_t nsort)
{
    ddb_part *p = ddb_store_partition(s, hash);
    if (!p)
        return false;
    probe_buf b;
    const ddb_skey *probe = probe_of(&b, sort, nsort, 0);
    ddb_entry *old = g_tree_lookup(p->items, probe);
    if (!old)
        return false;
    s->bytes -= old->size;
    p->bytes -= old->size;
    s->count--;
    g_tree_remove(p->items, probe);
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

GTreeNode *ddb_store_part_seek(const ddb_store *s, guint32 hash, const ddb_keyval *key, bool after)
{
    ddb_part probe = {.hash = hash, .key = key ? part_key(key) : NULL};
    GTreeNode *n = after ? g_tree_upper_bound(s->order, &probe) : g_tree_lower_bound(s->order, &probe);
    if (probe.key)
        g_bytes_unref(probe.key);
    return n;
}

GTreeNode *ddb_part_seek(const ddb_part *p, const ddb_keyval *sort, size_t nsort, bool after)
{
    probe_buf b;
    const ddb_skey *probe = probe_of(&b, sort, nsort, after ? 1 : -1);
    return after ? g_tree_upper_bound(p->items, probe) : g_tree_lower_bound(p->items, probe);
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
