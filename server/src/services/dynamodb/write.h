/* write: the one way a table's items change.
 *
 * Every writer (PutItem, UpdateItem, DeleteItem, BatchWriteItem,
 * TransactWriteItems, fixtures, TTL expiry) goes through here, so that the
 * table's store, the stores of its live secondary indexes and the TTL
 * expiry order always agree. */
#ifndef MOCKAWS_DYNAMODB_WRITE_H
#define MOCKAWS_DYNAMODB_WRITE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "services/dynamodb/table.h"

/* Makes item (stolen) the table's item under its key, replacing the one
 * there. size: ddb_item_size(item). The key must have been checked. */
void ddb_write_put(ddb_table *t, json_t *item, size_t size);

/* Removes the item under key (a Key map, or an item); true when there
 * was one. */
bool ddb_write_delete(ddb_table *t, json_t *key);

/* Removes every item (DeleteTable). */
void ddb_write_clear(ddb_table *t);

#endif
