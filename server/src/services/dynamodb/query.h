/* query: DynamoDB's Query and Scan, on a table or one of its secondary
 * indexes, with key conditions, filters, projections, Select, Limit,
 * paging by ExclusiveStartKey / LastEvaluatedKey, the 1 MB page, parallel
 * scan segments, and the legacy parameters (KeyConditions, QueryFilter,
 * ScanFilter, AttributesToGet, ConditionalOperator).
 *
 * Both read a store (store.h) in place: a Query seeks its partition's
 * tree to the first key its condition admits (or the one after the
 * ExclusiveStartKey) and walks on, O(log n + page); a Scan walks
 * partitions in hash order from the one its segment or start key names,
 * O(page). A page ends at Limit items evaluated or 1 MB read, and then
 * carries the last evaluated key (the table's keys, plus the index's on an
 * index). Expired items (ttl.h) are skipped as if gone. */
#ifndef MOCKAWS_DYNAMODB_QUERY_H
#define MOCKAWS_DYNAMODB_QUERY_H

#include "services/service.h"

int ddb_query(svc_call *c);
int ddb_scan(svc_call *c);

#endif
