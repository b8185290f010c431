/* index: the entries of secondary indexes.
 *
 * An index entry is the table's item as the index projects it (KEYS_ONLY:
 * the table's and the index's keys; INCLUDE: those and the NonKeyAttributes;
 * ALL: the whole item, shared rather than copied, items being immutable),
 * stored in the index's own store (store.h) under the index's partition key
 * and a sort key of the index's range key (if any) followed by the table's
 * keys (a GSI: partition and range; an LSI shares the table's partition
 * key: range only), so that items sharing an index key stay distinct and in
 * a stable order. Items without the index's key attributes, or with values
 * a key cannot hold (another type, an empty string), are left out: sparse
 * indexes. Each entry also holds the table's whole item, for TTL and for
 * LSI reads of attributes the index does not project.
 *
 * Writers keep indexes in step through write.h; this module knows the
 * layout. */
#ifndef MOCKAWS_DYNAMODB_INDEX_H
#define MOCKAWS_DYNAMODB_INDEX_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "services/dynamodb/store.h"
#include "services/dynamodb/table.h"

/* Reads the declared Projection into ix (type, NonKeyAttributes) and gives
 * the index an empty store. */
void ddb_ix_setup(ddb_index *ix);

/* Sort key components of the index's entries. */
size_t ddb_ix_nsort(const ddb_table *t, const ddb_index *ix);

/* The key of item in ix (sort: room for DDB_SKEY_MAX components); false
 * when the index leaves the item out. The key points into item. */
bool ddb_ix_key(const ddb_table *t, const ddb_index *ix, json_t *item, ddb_keyval *hash, ddb_keyval *sort,
                size_t *nsort);

/* The sort key of a table item in its table's store (one component). */
void ddb_table_sort(const ddb_table *t, json_t *item, ddb_keyval *sort);

/* The item as ix projects it (new reference). */
json_t *ddb_ix_project(const ddb_table *t, const ddb_index *ix, json_t *item);

/* Adds (or replaces) item's entry; removes it. item is borrowed. */
void ddb_ix_add(const ddb_table *t, ddb_index *ix, json_t *item);
void ddb_ix_remove(const ddb_table *t, ddb_index *ix, json_t *item);

/* Fills a new index from the table's items. */
void ddb_ix_backfill(const ddb_table *t, ddb_index *ix);

/* Attribute names of the key of an entry read through ix (NULL: the
 * table): the table's keys, then the index's, without repeats. names has
 * room for four; returns the count. */
size_t ddb_ix_key_names(const ddb_table *t, const ddb_index *ix, const char **names);

/* Paging through a store in scan order (Scan, and the inspection endpoint
 * GET /_mockaws/dynamodb/items): where a start key (an ExclusiveStartKey,
 * a LastEvaluatedKey as ddb_ix_entry_key made it) sits in the store of ix
 * (NULL: the table); false when it is not a key of it. */
bool ddb_ix_position(const ddb_table *t, const ddb_index *ix, json_t *key, ddb_keyval *hash, ddb_keyval *sort,
                     size_t *nsort);
/* The key of an entry read through ix (NULL: the table), its attributes
 * named by ddb_ix_key_names (new reference). */
json_t *ddb_ix_entry_key(const ddb_table *t, const ddb_index *ix, const ddb_entry *e);

#endif
