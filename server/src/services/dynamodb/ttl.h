/* ttl: DynamoDB's time to live: UpdateTimeToLive, DescribeTimeToLive, and
 * the expiry of items.
 *
 * An item expires when the table's TTL attribute holds a number of epoch
 * seconds at or before the server clock. As in DynamoDB, an expired item is
 * not hidden: reads, queries, scans and conditions keep seeing it until a
 * background sweeper deletes it, which DynamoDB does "typically within a
 * few days" and here the state's ttl_delay_ms after the expiry time, on the
 * server clock (a virtual clock moves it; DDB_DEFAULT_TTL_DELAY_MS). Items
 * whose expiry is more than five years before the sweep are never deleted.
 * Expiring items sit in a map ordered by expiry (persistent, state/pmap.h,
 * which a snapshot shares in O(1) like the items); the sweep is svc_def's
 * maintain hook, run before a request once the clock passes ddb_ttl_due,
 * so it costs O(log n) per deleted item and nothing when nothing is due.
 * Each deletion is the TTL service's, as DynamoDB Streams shows it: a
 * REMOVE record whose userIdentity is {"type": "Service", "principalId":
 * "dynamodb.amazonaws.com"}, kept in the state's ttl_deleted (the last
 * DDB_TTL_RECORDS) for GET /_mockaws/dynamodb/ttl-deletions.
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

/* The sweeper's records kept per namespace. */
#define DDB_TTL_RECORDS 10000

/* Writers: item enters / leaves the table (borrowed; called by write.h). */
void ddb_ttl_track(ddb_table *t, json_t *item);
void ddb_ttl_untrack(ddb_table *t, json_t *item);
/* Every item leaves (the table is emptied). */
void ddb_ttl_untrack_all(ddb_table *t);

/* dst (uninitialized) becomes a copy of src sharing its expiry map (O(1)),
 * for a table of st. */
void ddb_ttl_share(ddb_ttl *dst, const ddb_ttl *src, ddb_state *st);
/* Frees what ttl holds. */
void ddb_ttl_free(ddb_ttl *ttl);

/* svc_def's due_ms and maintain: when the sweeper next has work, and the
 * sweep (deletes every item expired ttl_delay_ms or more before
 * call->now_ms). */
int64_t ddb_ttl_due(void *state);
void ddb_ttl_sweep(svc_call *call);
/* After a change of st->ttl_delay_ms: the sweep time is found anew. */
void ddb_ttl_delay_changed(ddb_state *st);

/* The state's log of the sweeper's records: made empty (ddb_state_new), and
 * shared with a clone in O(1); pmap_clear frees it. */
void ddb_ttl_log_init(ddb_state *st);
void ddb_ttl_log_share(ddb_state *dst, const ddb_state *src);

/* The sweeper's records of namespace st (account, region) appended to out,
 * of table (NULL: any); or forgotten. */
void ddb_ttl_records(ddb_state *st, const char *account, const char *region, const char *table, json_t *out);
void ddb_ttl_records_clear(ddb_state *st);

/* Turns TTL on or off on attr for t, a table of st (fixtures; no checks,
 * no transition when until_ms <= now). */
void ddb_ttl_set(ddb_state *st, ddb_table *t, const char *attr, bool enabled, int64_t now_ms, int64_t until_ms);

/* The table's setting as the fixture format keeps it
 * ({"AttributeName", "Enabled"}), or NULL when never set. New reference. */
json_t *ddb_ttl_spec(const ddb_table *t);

#endif
