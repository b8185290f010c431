/* capacity: throughput emulation, so that adaptive retry code meets a
 * realistic limit rather than a random one.
 *
 * Off by default. Switched on for every provisioned table of an account and
 * region (fixture "throughput_emulation": true, or the server's
 * --dynamodb-throughput, ddb_config) or per table (fixture "emulate_throughput": true, or a list of names in
 * "throughput_emulation"). Then each provisioned table, and each of its
 * GSIs, has a read and a write token bucket filled at its RCU / WCU per
 * second of server time and holding up to burst_s seconds of unused
 * capacity (DynamoDB keeps 300 s for bursts); a bucket starts full. A
 * request goes through while its bucket holds anything and then takes
 * what it consumed (the bucket may go below zero, as DynamoDB lets one
 * large read or write borrow from the next seconds); an empty bucket is
 * ProvisionedThroughputExceededException. PAY_PER_REQUEST tables are not
 * limited.
 *
 * Buckets change under the namespace's read lock (GetItem, Query, Scan run
 * concurrently), so the table's cap_lock guards them. */
#ifndef MOCKAWS_DYNAMODB_CAPACITY_H
#define MOCKAWS_DYNAMODB_CAPACITY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "services/dynamodb/table.h"
#include "services/service.h"

typedef enum ddb_cap {
    DDB_CAP_OK,
    DDB_CAP_TABLE, /* the table's bucket is empty */
    DDB_CAP_INDEX, /* a GSI's bucket is empty */
} ddb_cap;

/* Whether t's throughput is emulated. */
bool ddb_capacity_on(const ddb_state *st, const ddb_table *t);

/* Takes units of read capacity from t (or from ix when the read goes
 * through a GSI). */
ddb_cap ddb_capacity_read(const ddb_state *st, ddb_table *t, ddb_index *ix, double units, int64_t now_ms);
/* Takes units of write capacity from t and from every GSI that holds old
 * or new (either may be NULL). Nothing is taken unless every bucket
 * involved has capacity. */
ddb_cap ddb_capacity_write(const ddb_state *st, ddb_table *t, json_t *old, json_t *new_item, double units,
                           int64_t now_ms);

/* ProvisionedThroughputExceededException for a refusal; returns -1. */
int ddb_capacity_error(svc_call *c, ddb_cap r, bool read);
/* Its message, for cancellation reasons. */
const char *ddb_capacity_message(ddb_cap r, bool read);

#endif
