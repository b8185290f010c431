/* batch: BatchGetItem (up to 100 keys, 16 MB of answer, a projection per
 * table) and BatchWriteItem (up to 25 puts and deletes), with DynamoDB's
 * checks (duplicate keys refused, totals across tables) and their partial
 * answers: what is not done comes back in UnprocessedKeys /
 * UnprocessedItems, for the caller to send again.
 *
 * Requests go unprocessed when the answer would pass 16 MB, when emulated
 * throughput (capacity.h) runs out on their table (all of them: then
 * ProvisionedThroughputExceededException, as DynamoDB answers), and when a
 * fault rule asks for it: {"unprocessed": f} leaves that share of the n
 * requests undone (svc_fault_share, services/svc_api.h: at least one of
 * several, none of one alone unless f is 1, so that retry loops end),
 * spread evenly through them (in request order, across tables). */
#ifndef MOCKAWS_DYNAMODB_BATCH_H
#define MOCKAWS_DYNAMODB_BATCH_H

#include "services/service.h"

int ddb_batch_get_item(svc_call *c);
int ddb_batch_write_item(svc_call *c);

#endif
