/* store: items laid out for the key lookups DynamoDB does, for a table and
 * for each of its secondary indexes alike.
 *
 * Items are grouped by partition key into partitions; inside a partition
 * they sit in a map ordered by a sort key of one to three components,
 * compared in turn the way DynamoDB orders keys (numbers by value, strings
 * and binaries bytewise). A table's sort key is its range key (or none); an
 * index's is its own range key followed by the table's keys, which keeps
 * items that share an index key apart and in a stable order. A Query page
 * costs O(log n + page) with ddb_part_seek and pmap_next / pmap_prev.
 * Partitions are kept in a map ordered by a hash of their key, then the key:
 * GetItem, PutItem and a Query find theirs in O(log partitions), and it is
 * the order a Scan walks, resumes from in O(log n), and cuts into parallel
 * segments by hash range.
 *
 * Both maps are persistent (state/pmap.h), so that ddb_store_share gives a
 * snapshot (POST /_mockaws/snapshots) a second store of the same items in
 * O(1), and each side's writes then copy only the path to what they change.
 * Entries are never changed once stored (a put replaces one), and neither
 * are their items (json_t; stored items are immutable throughout the
 * service: an update makes a new item); a partition, whose item collection
 * size changes in place, is unshared first (pmap_get_mut).
 *
 * The store owns its entries (reference counted) and knows their DynamoDB
 * sizes, in total and per partition (item collection sizes). */
#ifndef MOCKAWS_DYNAMODB_STORE_H
#define MOCKAWS_DYNAMODB_STORE_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "state/pmap.h"

/* One key attribute's value: its type ('S', 'N', 'B'; 0 for "none") and
 * bytes (a number in canonical form, NUL-terminated). Borrowed. */
typedef struct ddb_keyval {
    char type;
    const char *data;
    size_t len;
} ddb_keyval;

#define DDB_SKEY_MAX 3

/* A sort key: n components. The trees' own keys carry their bytes right
 * after the components; probes point into the caller's memory. A probe
 * may have fewer components than the stored keys: it then sorts before
 * (tie < 0) or after (tie > 0) every key it is a prefix of. */
typedef struct ddb_skey {
    uint8_t n;
    int8_t tie;
    ddb_keyval k[];
} ddb_skey;

/* A stored item, reference counted (its maps and snapshots' maps hold it);
 * never changed once stored. */
typedef struct ddb_entry {
    int refs;     /* atomic */
    const ddb_skey *key; /* its sort key, in the same block */
    json_t *item; /* one reference, owned */
    json_t *base; /* index entries: the table's whole item (one reference,
                     owned; for TTL and for reads that fetch what an index
                     does not project); NULL in a table */
    size_t size;  /* DynamoDB's size of item */
} ddb_entry;

/* The items under one partition key, reference counted; a store changes
 * one only once it holds it alone (pmap_get_mut). */
typedef struct ddb_part {
    int refs;          /* atomic */
    guint32 hash;      /* scan order */
    size_t keylen;
    const guint8 *key; /* type byte + the partition key's bytes, in the same block */
    uint64_t bytes;    /* item collection size */
    pmap items;        /* ddb_entry*, in sort key order */
} ddb_part;

/* The reference counts of what the service keeps in persistent maps
 * (entries, partitions, ttl.c's): an atomic int, the value's first member.
 * ddb_ref_drop is true when it dropped the last (the caller frees). */
void ddb_ref_retain(void *value);
bool ddb_ref_drop(void *value);

typedef struct ddb_store ddb_store;

ddb_store *ddb_store_new(void);
/* A second store of s's entries, sharing them: O(1). Afterwards each
 * changes only its own; either may be freed first. */
ddb_store *ddb_store_share(const ddb_store *s);
void ddb_store_free(ddb_store *s);
void ddb_store_clear(ddb_store *s);

/* The entry under a key (hash, then nsort sort key components; a table
 * without a range key has one component of type 0), or NULL. Valid until
 * the next write to the store. */
const ddb_entry *ddb_store_get(const ddb_store *s, const ddb_keyval *hash, const ddb_keyval *sort, size_t nsort);
/* Stores item and base (both stolen; base may be NULL) under the key,
 * replacing what was there. */
void ddb_store_put(ddb_store *s, const ddb_keyval *hash, const ddb_keyval *sort, size_t nsort, json_t *item,
                   json_t *base, size_t size);
/* Removes the entry under the key; true when there was one. */
bool ddb_store_remove(ddb_store *s, const ddb_keyval *hash, const ddb_keyval *sort, size_t nsort);

size_t ddb_store_count(const ddb_store *s);
uint64_t ddb_store_bytes(const ddb_store *s);

/* The partition under a partition key, or NULL. Not to be changed. */
const ddb_part *ddb_store_partition(const ddb_store *s, const ddb_keyval *hash);

/* The scan-order hash of a partition key. */
guint32 ddb_store_hash(const ddb_keyval *hash);
/* The first partition in scan order at or after (hash, key) (key NULL: the
 * first with that hash or a greater one), or strictly after it when after
 * is set; NULL at the end. it is left on it: pmap_next walks on. */
const ddb_part *ddb_store_part_seek(const ddb_store *s, pmap_iter *it, guint32 hash, const ddb_keyval *key,
                                    bool after);

/* The first entry of p whose key is >= the probe (after: > the probe), or
 * NULL; it is left on it, and pmap_next, pmap_prev walk on. The probe has
 * nsort components (at most the stored keys' count); a shorter probe counts
 * as below every key it is a prefix of, or with after set above them. */
const ddb_entry *ddb_part_seek(const ddb_part *p, pmap_iter *it, const ddb_keyval *sort, size_t nsort, bool after);
/* The last entry whose key is <= the probe (before: < the probe), or NULL:
 * the same walk backwards. */
const ddb_entry *ddb_part_seek_back(const ddb_part *p, pmap_iter *it, const ddb_keyval *sort, size_t nsort,
                                    bool before);

/* Where a scan resumes after the entry under (hash, sort): the rest of
 * that key's partition, then the partitions after it, in O(log n). Returns
 * the partition to go on in (pit left on it; NULL at the end) and *e its
 * first entry to visit (it left on it), NULL for the partition's first. */
const ddb_part *ddb_store_resume(const ddb_store *s, pmap_iter *pit, pmap_iter *it, const ddb_keyval *hash,
                                 const ddb_keyval *sort, size_t nsort, const ddb_entry **e);

/* Every entry in scan order; stop by returning false. */
void ddb_store_foreach(const ddb_store *s, bool (*fn)(const ddb_entry *e, void *arg), void *arg);

/* Order of two key values of one type. */
int ddb_keyval_cmp(const ddb_keyval *a, const ddb_keyval *b);

#endif
