/* item: DynamoDB's single-item operations, PutItem, GetItem, UpdateItem and
 * DeleteItem, with conditions, projections, updates, return values and
 * consumed capacity, validated in DynamoDB's order: the request's own
 * values and expressions first, then the table, then the key, then the
 * condition against the stored item. */
#ifndef MOCKAWS_DYNAMODB_ITEM_H
#define MOCKAWS_DYNAMODB_ITEM_H

#include <jansson.h>

#include "services/service.h"
#include "table.h"

int ddb_put_item(svc_call *c);
int ddb_get_item(svc_call *c);
int ddb_update_item(svc_call *c);
int ddb_delete_item(svc_call *c);

/* An item's key attributes checked against the table as PutItem checks
 * them ("Missing the key id in the item", type, empty value, size, index
 * key types). NULL or DynamoDB's message (g_free). Fixtures use it too. */
char *ddb_item_key_check(const ddb_table *t, json_t *item);

/* A Key map checked as GetItem / DeleteItem / UpdateItem check it ("The
 * provided key element does not match the schema", ...). */
char *ddb_key_check(const ddb_table *t, json_t *key);

#endif
