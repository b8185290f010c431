/* item: DynamoDB's single-item operations, PutItem, GetItem, UpdateItem and
 * DeleteItem, with conditions, projections, updates, return values and
 * consumed capacity, validated in DynamoDB's order: the request's own
 * values and expressions first, then the table, then the key, then the
 * condition against the stored item.
 *
 * The same steps serve the actions of a transaction (transact.h): an
 * item operation is parsed from its request object (ddb_op_parse), bound
 * to its table and key (ddb_op_bind), then evaluated against the stored
 * item (ddb_op_current, ddb_op_condition, ddb_op_next) before anything is
 * written. */
#ifndef MOCKAWS_DYNAMODB_ITEM_H
#define MOCKAWS_DYNAMODB_ITEM_H

#include <jansson.h>
#include <stdbool.h>

#include "services/dynamodb/expr_parse.h"
#include "services/dynamodb/store.h"
#include "services/dynamodb/table.h"
#include "services/service.h"

int ddb_put_item(svc_call *c);
int ddb_get_item(svc_call *c);
int ddb_update_item(svc_call *c);
int ddb_delete_item(svc_call *c);

typedef enum ddb_op_kind {
    DDB_OP_PUT,
    DDB_OP_GET,
    DDB_OP_UPDATE,
    DDB_OP_DELETE,
    DDB_OP_CHECK, /* a transaction's ConditionCheck */
} ddb_op_kind;

/* One item operation, however it came: a whole PutItem / GetItem / ...
 * input, or one action of a transaction. */
typedef struct ddb_op {
    ddb_op_kind kind;
    json_t *in;         /* its request object (borrowed) */
    bool single;        /* a PutItem ... input, which may use the legacy parameters */
    char *name;         /* table name (g_malloc'd) */
    ddb_exprs *x;
    ddb_cond *cond;
    ddb_update *update;
    ddb_projection *proj;
    json_t *key;        /* the Key map, or the Item of a put (borrowed) */
    size_t size;        /* a put: the item's size */
    ddb_table *t;       /* once bound */
    ddb_keyval h, r;    /* once bound: the key (pointing into key) */
} ddb_op;

/* The request's own checks, in DynamoDB's order, before any table is
 * looked at. single: in is a whole PutItem ... input. 0, or -1 with c->err
 * (op still needs ddb_op_clear). */
int ddb_op_parse(svc_call *c, ddb_op *op, ddb_op_kind kind, json_t *in, bool single);
/* The table (ACTIVE or UPDATING) and the key checked against it. */
int ddb_op_bind(svc_call *c, ddb_op *op);
/* The stored entry under the op's key: an expired item too, until the TTL
 * sweeper deletes it (ttl.h). c: the call, unused since then. */
const ddb_entry *ddb_op_current(svc_call *c, const ddb_op *op);
/* Whether the op's condition (if any) holds on the stored item. */
bool ddb_op_condition(const ddb_op *op, const ddb_entry *old);
/* What a put or an update leaves (new reference; NULL for a delete or a
 * check), or NULL and DynamoDB's message in *err (g_free). */
json_t *ddb_op_next(const ddb_op *op, const ddb_entry *old, char **err);
void ddb_op_clear(ddb_op *op);

/* An item's key attributes checked against the table as PutItem checks
 * them ("Missing the key id in the item", type, empty value, size, index
 * key types). NULL or DynamoDB's message (g_free). Fixtures use it too. */
char *ddb_item_key_check(const ddb_table *t, json_t *item);

/* A Key map checked as GetItem / DeleteItem / UpdateItem check it ("The
 * provided key element does not match the schema", ...). */
char *ddb_key_check(const ddb_table *t, json_t *key);

/* Key attributes (of the table and its indexes) may be read only whole:
 * DynamoDB's message for a path into one, or NULL. */
char *ddb_nested_keys(const ddb_table *t, const ddb_path *paths, size_t n);

/* Capacity units a write of old -> next (either NULL) costs each index
 * it touches, for ReturnConsumedCapacity INDEXES: adds {name:
 * {CapacityUnits}} to gsis / lsis. factor: 2 in transactions. */
void ddb_index_units(const ddb_table *t, json_t *old, json_t *next, double factor, json_t *gsis, json_t *lsis);

/* ItemCollectionMetrics of the item collection a write to key (a Key map
 * or an item) went to: NULL when the table has no LSI (DynamoDB reports
 * item collections of tables with local indexes only). */
json_t *ddb_collection_metrics(const ddb_table *t, json_t *key);

#endif
