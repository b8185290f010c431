#include "services/dynamodb/store.h"

#include <string.h>

#include "services/dynamodb/num.h"

struct ddb_store {
    pmap parts; /* ddb_part*, in scan order: (hash, key) */
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

static int skey_cmp(const void *pa, const void *pb)
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

/* ---- entries ---- */

static const void *entry_key(const void *v)
{
    return ((const ddb_entry *)v)->key;
}

void ddb_ref_retain(void *value)
{
    g_atomic_int_inc((int *)value);
}

bool ddb_ref_drop(void *value)
{
    return g_atomic_int_dec_and_test((int *)value);
}

static void entry_release(void *v)
{
    ddb_entry *e = v;
    if (!ddb_ref_drop(e))
        return;
    json_decref(e->item);
    json_decref(e->base);
    g_free(e);
}

/* entries are never changed in place: no unshare */
static const pmap_type entry_type = {skey_cmp, entry_key, ddb_ref_retain, entry_release, NULL};

/* An entry and its key in one block, with one reference. */
static ddb_entry *entry_new(const ddb_keyval *sort, size_t n, json_t *item, json_t *base, size_t size)
{
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        bytes += sort[i].len + 1;
    ddb_entry *e = g_malloc(sizeof *e + sizeof(ddb_skey) + n * sizeof(ddb_keyval) + bytes);
    ddb_skey *k = (ddb_skey *)(e + 1);
    char *data = (char *)&k->k[n];
    k->n = (uint8_t)n;
    k->tie = 0;
    for (size_t i = 0; i < n; i++) {
        if (sort[i].len)
            memcpy(data, sort[i].data, sort[i].len);
        data[sort[i].len] = '\0';
        k->k[i] = (ddb_keyval){sort[i].type, data, sort[i].len};
        data += sort[i].len + 1;
    }
    *e = (ddb_entry){1, k, item, base, size};
    return e;
}

/* ---- partitions ---- */

static int part_cmp(const void *pa, const void *pb)
{
    const ddb_part *a = pa, *b = pb;
    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    if (!a->key || !b->key) /* a probe without a key comes first */
        return a->key ? 1 : b->key ? -1 : 0;
    size_t n = MIN(a->keylen, b->keylen);
    int c = memcmp(a->key, b->key, n);
    if (c)
        return c < 0 ? -1 : 1;
    return a->keylen == b->keylen ? 0 : a->keylen < b->keylen ? -1 : 1;
}

static const void *part_self(const void *v)
{
    return v;
}

static void part_release(void *v)
{
    ddb_part *p = v;
    if (!ddb_ref_drop(p))
        return;
    pmap_clear(&p->items);
    g_free(p);
}

static void *part_unshare(void *v);

static const pmap_type part_type = {part_cmp, part_self, ddb_ref_retain, part_release, part_unshare};

/* A partition with one reference and no items; its key in the same block. */
static ddb_part *part_new(guint32 hash, const guint8 *key, size_t keylen)
{
    ddb_part *p = g_malloc(sizeof *p + keylen);
    guint8 *k = (guint8 *)(p + 1);
    memcpy(k, key, keylen);
    *p = (ddb_part){.refs = 1, .hash = hash, .keylen = keylen, .key = k};
    pmap_init(&p->items, &entry_type);
    return p;
}

/* Item collection sizes change in place: a partition a snapshot also
 * holds is copied first, sharing its entries. */
static void *part_unshare(void *v)
{
    ddb_part *p = v;
    if (g_atomic_int_get(&p->refs) == 1)
        return p;
    ddb_part *c = part_new(p->hash, p->key, p->keylen);
    c->bytes = p->bytes;
    pmap_share(&c->items, &p->items);
    part_release(p);
    return c;
}

/* A partition key as the partitions' keys hold it (type byte, then the
 * bytes) without allocating: room on the stack for a short one. */
typedef struct part_probe {
    ddb_part p;
    guint8 *heap;
    guint8 buf[128];
} part_probe;

/* g_bytes_hash's function (djb2 over signed chars), which scan order and
 * parallel scan segments have always been cut by, finalized: djb2 spreads
 * short similar keys ("p1", "p2") poorly over the 32-bit range, a finalizer
 * makes hash-range scan segments even. */
static guint32 key_hash(const guint8 *key, size_t len)
{
    guint32 h = 5381;
    for (size_t i = 0; i < len; i++)
        h = (h << 5) + h + (guint32)(signed char)key[i];
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static const ddb_part *probe_part(part_probe *pp, const ddb_keyval *h)
{
    size_t len = h->len + 1;
    pp->heap = len > sizeof pp->buf ? g_malloc(len) : NULL;
    guint8 *k = pp->heap ? pp->heap : pp->buf;
    k[0] = (guint8)h->type;
    if (h->len)
        memcpy(k + 1, h->data, h->len);
    pp->p = (ddb_part){.hash = key_hash(k, len), .keylen = len, .key = k};
    return &pp->p;
}

static void probe_done(part_probe *pp)
{
    g_free(pp->heap);
}

/* ---- the store ---- */

ddb_store *ddb_store_new(void)
{
    ddb_store *s = g_new0(ddb_store, 1);
    pmap_init(&s->parts, &part_type);
    return s;
}

ddb_store *ddb_store_share(const ddb_store *src)
{
    ddb_store *s = ddb_store_new();
    pmap_share(&s->parts, &src->parts);
    s->count = src->count;
    s->bytes = src->bytes;
    return s;
}

void ddb_store_free(ddb_store *s)
{
    if (!s)
        return;
    pmap_clear(&s->parts);
    g_free(s);
}

void ddb_store_clear(ddb_store *s)
{
    pmap_clear(&s->parts);
    s->count = 0;
    s->bytes = 0;
}

guint32 ddb_store_hash(const ddb_keyval *hash)
{
    part_probe pp;
    guint32 h = probe_part(&pp, hash)->hash;
    probe_done(&pp);
    return h;
}

const ddb_part *ddb_store_partition(const ddb_store *s, const ddb_keyval *hash)
{
    part_probe pp;
    const ddb_part *p = pmap_get(&s->parts, probe_part(&pp, hash));
    probe_done(&pp);
    return p;
}

const ddb_entry *ddb_store_get(const ddb_store *s, const ddb_keyval *hash, const ddb_keyval *sort, size_t nsort)
{
    const ddb_part *p = ddb_store_partition(s, hash);
    if (!p)
        return NULL;
    probe_buf b;
    return pmap_get(&p->items, probe_of(&b, sort, nsort, 0));
}

void ddb_store_put(ddb_store *s, const ddb_keyval *hash, const ddb_keyval *sort, size_t nsort, json_t *item,
                   json_t *base, size_t size)
{
    part_probe pp;
    const ddb_part *probe = probe_part(&pp, hash);
    ddb_part *p = pmap_get_mut(&s->parts, probe);
    if (!p) {
        p = part_new(probe->hash, probe->key, probe->keylen);
        pmap_put(&s->parts, p);
    }
    probe_done(&pp);
    ddb_entry *old = pmap_put(&p->items, entry_new(sort, nsort, item, base, size));
    if (old) {
        s->bytes -= old->size;
        p->bytes -= old->size;
        s->count--;
        entry_release(old);
    }
    s->bytes += size;
    p->bytes += size;
    s->count++;
}

bool ddb_store_remove(ddb_store *s, const ddb_keyval *hash, const ddb_keyval *sort, size_t nsort)
{
    part_probe pp;
    const ddb_part *probe = probe_part(&pp, hash);
    probe_buf b;
    const ddb_skey *key = probe_of(&b, sort, nsort, 0);
    /* writers remove what they found: a miss, which copies the path for
     * nothing, is rare */
    ddb_part *p = pmap_get_mut(&s->parts, probe);
    ddb_entry *old = p ? pmap_take(&p->items, key) : NULL;
    if (old) {
        s->bytes -= old->size;
        p->bytes -= old->size;
        s->count--;
        entry_release(old);
        if (pmap_count(&p->items) == 0)
            pmap_remove(&s->parts, probe);
    }
    probe_done(&pp);
    return old != NULL;
}

size_t ddb_store_count(const ddb_store *s)
{
    return s->count;
}

uint64_t ddb_store_bytes(const ddb_store *s)
{
    return s->bytes;
}

const ddb_part *ddb_store_part_seek(const ddb_store *s, pmap_iter *it, guint32 hash, const ddb_keyval *key,
                                    bool after)
{
    part_probe pp = {.heap = NULL};
    ddb_part at = key ? *probe_part(&pp, key) : (ddb_part){.key = NULL};
    at.hash = hash;
    const ddb_part *p = pmap_seek(&s->parts, it, &at, after);
    probe_done(&pp);
    return p;
}

const ddb_entry *ddb_part_seek(const ddb_part *p, pmap_iter *it, const ddb_keyval *sort, size_t nsort, bool after)
{
    probe_buf b;
    return pmap_seek(&p->items, it, probe_of(&b, sort, nsort, after ? 1 : -1), after);
}

const ddb_entry *ddb_part_seek_back(const ddb_part *p, pmap_iter *it, const ddb_keyval *sort, size_t nsort,
                                    bool before)
{
    probe_buf b;
    return pmap_seek_back(&p->items, it, probe_of(&b, sort, nsort, before ? -1 : 1), before);
}

const ddb_part *ddb_store_resume(const ddb_store *s, pmap_iter *pit, pmap_iter *it, const ddb_keyval *hash,
                                 const ddb_keyval *sort, size_t nsort, const ddb_entry **e)
{
    const ddb_part *own = ddb_store_partition(s, hash);
    const ddb_part *p = ddb_store_part_seek(s, pit, ddb_store_hash(hash), hash, own == NULL);
    *e = NULL;
    if (own) {
        *e = ddb_part_seek(own, it, sort, nsort, true);
        if (!*e)
            p = pmap_next(pit);
    }
    return p;
}

typedef struct foreach_ctx {
    bool (*fn)(const ddb_entry *e, void *arg);
    void *arg;
    bool stopped;
} foreach_ctx;

static bool foreach_entry(void *v, void *arg)
{
    foreach_ctx *c = arg;
    c->stopped = !c->fn(v, c->arg);
    return !c->stopped;
}

static bool foreach_part(void *v, void *arg)
{
    pmap_foreach(&((ddb_part *)v)->items, foreach_entry, arg);
    return !((foreach_ctx *)arg)->stopped;
}

void ddb_store_foreach(const ddb_store *s, bool (*fn)(const ddb_entry *e, void *arg), void *arg)
{
    foreach_ctx c = {fn, arg, false};
    pmap_foreach(&s->parts, foreach_part, &c);
}
