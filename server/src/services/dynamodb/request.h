/* request: what DynamoDB's handlers share about reading a request and
 * wording its errors: the table name (a name or a table ARN), Coral-style
 * constraint messages for the constraints the public model does not carry,
 * and the consumed capacity DynamoDB reports. */
#ifndef MOCKAWS_DYNAMODB_REQUEST_H
#define MOCKAWS_DYNAMODB_REQUEST_H

#include <glib.h>
#include <jansson.h>
#include <stdbool.h>

#include "services/dynamodb/table.h"
#include "services/service.h"

/* Coral's "N validation errors detected: Value ... at 'path' failed to
 * satisfy constraint: ..." built up one violation at a time. */
typedef struct ddb_coral {
    GPtrArray *msgs; /* char* (g_free) */
} ddb_coral;

void ddb_coral_init(ddb_coral *v);
/* value: rendered as DynamoDB renders it ('abc', '[...]'), NULL for null. */
void ddb_coral_add(ddb_coral *v, const char *value, const char *path, const char *constraint);
/* The message for what was collected (g_free), or NULL; clears it. */
char *ddb_coral_take(ddb_coral *v);
/* Sets a ValidationException from what was collected and clears it;
 * returns -1 when there was something, 0 otherwise. */
int ddb_coral_finish(ddb_coral *v, svc_call *c);

/* A ValidationException with a message (printf style). Returns -1. */
int ddb_validation(svc_call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Takes msg (g_free'd). Returns -1. */
int ddb_validation_take(svc_call *c, char *msg);

typedef enum ddb_name_style {
    DDB_NAME_CONTROL, /* CreateTable, DescribeTable, UpdateTable, DeleteTable */
    DDB_NAME_DATA,    /* item operations: Coral's wording for every rule */
} ddb_name_style;

/* The request's table name checked (3..255 of [a-zA-Z0-9_.-], or a table
 * ARN of this account and region, which names the table). 0 and *name
 * (g_malloc'd) or -1 with c->err set. A table ARN of another account or
 * region yields a name no table has. */
int ddb_table_name(svc_call *c, ddb_name_style style, char **name);

/* The ARN of a table of this namespace. g_malloc'd. */
char *ddb_table_arn(svc_call *c, const char *name);

/* The request's table name from an object other than the input (a
 * transaction's action): as ddb_table_name. */
int ddb_table_name_in(svc_call *c, json_t *in, ddb_name_style style, char **name);

/* Expressions and the legacy parameters they replace do not mix; names and
 * values need expressions that use them (DynamoDB's checks and wording).
 * exprs / legacy: NULL-terminated parameter names. 0, or -1 with c->err. */
int ddb_expression_params(svc_call *c, json_t *in, const char *const *exprs, const char *const *legacy);

/* The table an item operation works on: it must exist and be ACTIVE (or
 * UPDATING); DynamoDB answers a table still being created or deleted as
 * missing. NULL with c->err set. */
ddb_table *ddb_usable_table(svc_call *c, const char *name);

/* The table the request's TableName names (in any status but gone), for
 * operations that word a missing one their own way: the error code, and a
 * message whose one %s is the name as given. NULL with c->err set. */
ddb_table *ddb_named_table(svc_call *c, const char *code, const char *missing_fmt);

/* ConsumedCapacity for ReturnConsumedCapacity (NULL when not asked):
 * units as DynamoDB rounds them (writes: 1 per KB, reads: 1 per 4 KB,
 * halved when eventually consistent). size: the larger item involved, 0
 * when there was none. */
json_t *ddb_consumed(svc_call *c, const char *table, size_t size, bool read, bool consistent);

/* The units DynamoDB charges for size bytes (0: at least one unit). */
double ddb_units(size_t size, bool read, bool consistent);

/* ConsumedCapacity of one table from units already counted (NULL when not
 * asked): CapacityUnits is the total; with INDEXES also the table's share
 * and each index's (gsis / lsis: name -> units as JSON reals, or NULL;
 * stolen). */
json_t *ddb_consumed_units(svc_call *c, const char *table, double table_units, json_t *gsis, json_t *lsis);

/* Whether the request asks for ConsumedCapacity (TOTAL or INDEXES), and
 * for its per-index detail. */
bool ddb_consumed_wanted(svc_call *c, bool *indexes);

/* DynamoDB's rendering of a request value in Coral messages. g_malloc'd. */
char *ddb_render_json(json_t *v);

#endif
