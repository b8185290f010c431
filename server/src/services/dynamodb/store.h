/* store: the items of one table, laid out for the key lookups DynamoDB does.
 *
 * Items are grouped by partition key (a hash table: GetItem, PutItem and a
 * Query's partition in O(1)); inside a partition they sit in a balanced tree
 * ordered by sort key the way DynamoDB orders it (numbers by value, strings
 * and binaries bytewise), so that a Query page costs O(log n + page) with
 * g_tree_lower_bound / g_tree_node_next. A table without a sort key has
 * one item per partition, under the empty sort key. Partitions are also kept
 * in a tree ordered by a hash of their key, the order a Scan walks and can
 * resume from in O(log n).
 *
 * The store owns its items (json_t references) and knows their DynamoDB
 * sizes, for ItemCount and TableSizeBytes. */
#ifndef MOCKAWS_DYNAMODB_STORE_H
#define MOCKAWS_DYNAMODB_STORE_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One key attribute's value: its type ('S', 'N', 'B'; 0 for "none") and
 * bytes (a number in canonical form). Borrowed. */
typedef struct ddb_keyval {
    char type;
    const char *data;
    size_t len;
} ddb_keyval;

/* A sort key as the partition trees hold it: the tree's own keys carry
 * their bytes (and a NUL) right after the struct; lookups use keys that
 * point into the caller's memory. */
typedef struct ddb_skey {
    char type;
    size_t len;
    const char *data;
} ddb_skey;

typedef struct ddb_entry {
    json_t *item; /* one reference, owned */
    size_t size;  /* DynamoDB's size of the item */
} ddb_entry;

typedef struct ddb_part {
    GBytes *key;   /* type byte + the partition key's bytes */
    guint32 hash;  /* scan order */
    GTree *items;  /* ddb_skey* -> ddb_entry*, in sort key order */
} ddb_part;

typedef struct ddb_store ddb_store;

ddb_store *ddb_store_new(void);
void ddb_store_free(ddb_store *s);

/* The entry under a key, or NULL. range->type 0 for a table without a
 * sort key. The entry stays valid until the next write to the store. */
const ddb_entry *ddb_store_get(const ddb_store *s, const ddb_keyval *hash, const ddb_keyval *range);
/* Stores item (stolen) under the key, replacing what was there. */
void ddb_store_put(ddb_store *s, const ddb_keyval *hash, const ddb_keyval *range, json_t *item, size_t size);
/* Removes the item under the key; true when there was one. */
bool ddb_store_remove(ddb_store *s, const ddb_keyval *hash, const ddb_keyval *range);
void ddb_store_clear(ddb_store *s);

size_t ddb_store_count(const ddb_store *s);
uint64_t ddb_store_bytes(const ddb_store *s);

/* The partition under a partition key, or NULL: its items tree is in sort
 * key order (for Query). */
ddb_part *ddb_store_partition(const ddb_store *s, const ddb_keyval *hash);
/* Partitions in scan order (ddb_part* -> ddb_part*, compared by hash then
 * key): g_tree_node_first / g_tree_node_next walk a Scan. */
GTree *ddb_store_scan_order(const ddb_store *s);

/* Every item in scan order; stop by returning false. */
void ddb_store_foreach(const ddb_store *s, bool (*fn)(const ddb_entry *e, void *arg), void *arg);

/* Sort key order (and the partition trees' comparator). */
int ddb_skey_cmp(const ddb_skey *a, const ddb_skey *b);

#endif
