/* fixture: the "dynamodb" section of the fixture / state-dump format.
 *
 *   {"tables": [{<CreateTable input: TableName, KeySchema,
 *                 AttributeDefinitions, BillingMode, ProvisionedThroughput,
 *                 LocalSecondaryIndexes, GlobalSecondaryIndexes,
 *                 StreamSpecification, SSESpecification, TableClass,
 *                 DeletionProtectionEnabled, Tags>,
 *                "items": [{"id": {"S": "a"}, "n": {"N": "1"}, ...}]}],
 *    "table_delay_ms": 500}
 *
 * A bare list stands for "tables". Items are in the wire's attribute-value
 * JSON (binaries base64). Tables load ACTIVE; a table of the same name is
 * replaced. table_delay_ms sets how long CREATING / UPDATING / DELETING
 * last in this account and region.
 *
 * Beyond CreateTable's shape a table may carry
 *   "TimeToLiveSpecification": {"AttributeName": "expires", "Enabled": true}
 *   "emulate_throughput": true          its RCU / WCU are enforced (capacity.h)
 *   "generate": {"count": N, "size": B, "partition": "p", "attribute": "data"}
 *                                       N synthetic items (large tables for
 *                                       tests and benchmarks)
 * and the section
 *   "throughput_emulation": true | false | ["table", ...]
 *   "burst_seconds": 300                unused capacity a bucket keeps
 * The dump has the same shape (generated items dump as items). */
#ifndef MOCKAWS_DYNAMODB_FIXTURE_H
#define MOCKAWS_DYNAMODB_FIXTURE_H

#include <jansson.h>
#include <stddef.h>

#include "services/service.h"

int ddb_fixture_load(void *state, json_t *section, const svc_fixture_ctx *ctx, char *err, size_t errlen);
json_t *ddb_fixture_dump(void *state, const svc_dump_ctx *ctx);

#endif
