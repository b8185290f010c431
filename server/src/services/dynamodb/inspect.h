/* inspect: DynamoDB's read-only inspection endpoints (svc_def.control):
 *
 *   GET /_mockaws/dynamodb/tables   every table: status, item count, key
 *                                   schema, index names (account, region)
 *   GET /_mockaws/dynamodb/items    a page of a table's or an index's items
 *                                   in scan order (table, index, account,
 *                                   region, limit, next): Scan's seek
 *
 * Read under the namespace lock held shared, at the server's clock, with
 * nothing settled. */
#ifndef MOCKAWS_DYNAMODB_INSPECT_H
#define MOCKAWS_DYNAMODB_INSPECT_H

#include <jansson.h>

#include "services/service.h"

/* NULL when subpath is none of them. */
json_t *ddb_inspect(server *s, const svc_def *svc, const char *method, const char *subpath,
                    const http_params *query, int *status);

#endif
