/* ttl: DynamoDB's time to live: UpdateTimeToLive, DescribeTimeToLive, and
 * the expiry of items.
 *
 * An item expires when the table's TTL attribute holds a number of epoch
 * seconds at or before the server clock (and, as in DynamoDB, not more
 * than five years before it: such items are never deleted). Real DynamoDB
 * deletes expired items within days; here they are gone at once: readers
 * skip them as soon as the clock passes their time (a virtual clock can
 * jump past them), and writers delete them for good (ddb_ttl_purge) from
 * a tree of items ordered by expiry, in O(log n) each, so that item counts,
 * indexes and conditions agree with what reads see.
 *
 * A change of the TTL setting is ENABLING / DISABLING for the namespace's
 * table delay, and DynamoDB allows one change per table per hour. */
#ifndef MOCKAWS_DYNAMODB_TTL_H
#define MOCKAWS_DYNAMODB_TTL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "services/dynamodb/table.h"
#include "services/service.h"

int ddb_update_ttl(svc_call *c);
int ddb_describe_ttl(svc_call *c);

/* Whether item (a table item) has expired at now_ms under t's TTL. */
bool ddb_ttl_expired(const ddb_table *t, json_t *item, int64_t now_ms);

/* Writers: item enters / leaves the table (borrowed; called by write.h). */
void ddb_ttl_track(ddb_table *t, json_t *item);
void ddb_ttl_untrack(ddb_table *t, json_t *item);

/* Writers: deletes every item of t expired at now_ms. */
void ddb_ttl_purge(ddb_table *t, int64_t now_ms);

/* Readers: items expired at now_ms that no writer has deleted yet. */
void ddb_ttl_pending(const ddb_table *t, int64_t now_ms, size_t *count, uint64_t *bytes);

/* Turns TTL on or off on attr (fixtures; no checks, no transition when
 * until_ms <= now). */
void ddb_ttl_set(ddb_table *t, const char *attr, bool enabled, int64_t now_ms, int64_t until_ms);

/* The table's setting as the fixture format keeps it
 * ({"AttributeName", "Enabled"}), or NULL when never set. New reference. */
json_t *ddb_ttl_spec(const ddb_table *t);

#endif
