/* table: DynamoDB tables of one account and region, and their lifecycle.
 *
 * A table keeps its definition (key schema, attribute definitions, billing,
 * indexes, stream, encryption, tags) as CreateTable / UpdateTable left it,
 * and its items in a store (store.h). Status transitions (CREATING ->
 * ACTIVE, UPDATING -> ACTIVE, DELETING -> gone, and the same for global
 * secondary indexes) are not driven by timers: each holds the server time
 * at which it completes, and readers compute the status from the clock of
 * their request, so that a test which moves the virtual clock sees the
 * table ACTIVE at once. Writers (under the namespace's write lock) settle
 * completed transitions for good with ddb_state_settle.
 *
 * A table also carries what issue 6 adds to it: the stores of its secondary
 * indexes (kept in step with the table by write.h), its time to live
 * (ttl.h) and its capacity buckets (capacity.h).
 *
 * The state is owned by the namespace; it owns its tables, which hold their
 * items with the clones a snapshot takes (ddb_state_clone; store.h). */
#ifndef MOCKAWS_DYNAMODB_TABLE_H
#define MOCKAWS_DYNAMODB_TABLE_H

#include <glib.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "services/dynamodb/store.h"
#include "services/dynamodb/value.h"
#include "services/service.h"

/* How long a transition takes by default (server time): long enough that a
 * waiter sees CREATING once, short enough for tests. A fixture's
 * "table_delay_ms" or the server's --dynamodb-delay-ms
 * (MOCKAWS_DYNAMODB_DELAY_MS) changes it. */
#define DDB_DEFAULT_DELAY_MS 500
/* DynamoDB keeps up to five minutes of unused throughput for bursts. */
#define DDB_DEFAULT_BURST_S 300
/* How long after an item's expiry the TTL sweeper deletes it, by default
 * (server time; ttl.h): DynamoDB takes up to a few days, which no test can
 * wait for, while 5 s is ten times the table delay, so that a test sees an
 * expired item still returned and then, after moving the virtual clock (or
 * sleeping), gone. A fixture's "ttl_delay_ms" or --dynamodb-ttl-delay-ms
 * (MOCKAWS_DYNAMODB_TTL_DELAY_MS) changes it. */
#define DDB_DEFAULT_TTL_DELAY_MS 5000

typedef enum ddb_status {
    DDB_CREATING,
    DDB_ACTIVE,
    DDB_UPDATING,
    DDB_DELETING,
    DDB_GONE, /* deleted: invisible, purged by the next writer */
} ddb_status;

/* A token bucket of capacity units (capacity.h). */
typedef struct ddb_bucket {
    double tokens;
    int64_t at_ms; /* last refill; 0: never used (starts full) */
} ddb_bucket;

typedef enum ddb_projection_type {
    DDB_PROJ_KEYS_ONLY,
    DDB_PROJ_INCLUDE,
    DDB_PROJ_ALL,
} ddb_projection_type;

typedef enum ddb_ttl_status {
    DDB_TTL_DISABLED,
    DDB_TTL_ENABLING,
    DDB_TTL_ENABLED,
    DDB_TTL_DISABLING,
} ddb_ttl_status;

/* Time to live (ttl.h). */
typedef struct ddb_ttl {
    char *attr;          /* the attribute named by the last UpdateTimeToLive, or NULL */
    bool enabled;        /* as last asked */
    int64_t until_ms;    /* ENABLING / DISABLING until then */
    int64_t changed_ms;  /* last change (0: never): changes are one per hour */
    pmap *expiry;        /* while enabled: the items with an expiry, by expiry time (ttl.c) */
    struct ddb_state *state; /* while enabled: the table's state (borrowed), whose
                                sweep time each newly tracked item may bring forward */
} ddb_ttl;

/* DynamoDB describes the old provisioned throughput of a table or index
 * while an UpdateTable that changes it is UPDATING, the new one after. */
typedef struct ddb_throughput_was {
    bool set; /* the last update changed the throughput */
    int64_t rcu, wcu;
} ddb_throughput_was;

typedef struct ddb_keydef {
    char *name; /* NULL: no such key (a table without a sort key) */
    char type;  /* 'S', 'N', 'B' */
} ddb_keydef;

typedef struct ddb_index {
    char *name;
    bool global;
    ddb_keydef hash, range;
    json_t *key_schema; /* as declared (KeySchema list) */
    json_t *projection; /* as declared (Projection) */
    bool provisioned;   /* GSI with its own throughput */
    int64_t rcu, wcu;
    ddb_throughput_was was; /* while UPDATING */
    json_t *extra;      /* other declared members echoed back (OnDemandThroughput, WarmThroughput) */
    ddb_status status;  /* GSI: CREATING / UPDATING until until_ms, DELETING until gone */
    int64_t until_ms;
    ddb_projection_type proj;
    char **include;     /* INCLUDE: the NonKeyAttributes (NULL-terminated) */
    ddb_store *items;   /* the index's own entries (index.h); NULL once DELETING */
    ddb_bucket rd, wr;  /* GSI capacity */
} ddb_index;

typedef struct ddb_table {
    char *name;
    char *arn;
    char *id;
    ddb_keydef hash, range;
    json_t *attr_defs;  /* AttributeDefinitions as declared */
    json_t *key_schema; /* KeySchema as declared */
    GPtrArray *lsis;    /* ddb_index* */
    GPtrArray *gsis;    /* ddb_index* */

    bool pay_per_request;
    bool billing_given;  /* BillingMode was named (it is then described) */
    int64_t rcu, wcu;    /* as last asked */
    ddb_throughput_was was; /* while UPDATING */
    int64_t last_increase_ms, last_decrease_ms; /* 0: never */
    int64_t decreases_today;
    int64_t ppr_since_ms; /* when it became PAY_PER_REQUEST */

    json_t *stream;     /* StreamSpecification, or NULL */
    char *stream_label;
    json_t *sse;        /* SSESpecification, or NULL */
    char *table_class;  /* or NULL */
    bool deletion_protection;
    json_t *extra;      /* other declared members echoed back (OnDemandThroughput, WarmThroughput) */
    json_t *tags;       /* list of {Key, Value} */

    int64_t created_ms;
    ddb_status status;
    int64_t until_ms;   /* CREATING / UPDATING: becomes ACTIVE then; DELETING: gone then */

    ddb_store *items;

    ddb_ttl ttl;
    bool pitr;             /* point-in-time recovery on (backup.h) */
    int64_t pitr_since_ms; /* since then */
    int64_t pitr_days;     /* its RecoveryPeriodInDays */
    bool emulate;       /* throughput emulation asked for this table */
    ddb_bucket rd, wr;
    GMutex cap_lock;    /* the buckets change under the namespace's read lock too */
} ddb_table;

typedef struct ddb_state {
    GTree *tables;      /* name -> ddb_table* (owned), in name order (ListTables) */
    int64_t delay_ms;
    int64_t next_due_ms; /* earliest transition still to settle (INT64_MAX: none), so
                            that writers settle in O(1) when nothing is pending */
    bool emulate_all;    /* throughput emulation for every provisioned table */
    int64_t burst_s;     /* seconds of unused capacity a bucket keeps (DynamoDB: 300) */
    pmap tokens;         /* TransactWriteItems ClientRequestToken records (transact.c)
                            by token, for idempotency */
    pmap token_expiry;   /* the same by expiry time */
    uint64_t token_seq;  /* the next record's number (order of equal expiries) */
    int64_t ttl_delay_ms;      /* the TTL sweeper deletes an item this long after it expires */
    _Atomic int64_t ttl_due_ms; /* its next work (INT64_MAX: none); read without the lock */
    pmap ttl_deleted;          /* its deletions as records (ttl.h; owned), oldest first */
    uint64_t ttl_seq;          /* the next record's number there */
} ddb_state;

/* The server's DynamoDB settings (mockaws_options, through svc_def's
 * config_new): where a namespace's state starts, before its fixture. */
typedef struct ddb_config {
    int64_t delay_ms;  /* CREATING / UPDATING / DELETING last this long */
    int64_t ttl_delay_ms; /* expired items stay this long (ttl.h) */
    bool emulate_all;  /* throughput emulation for every provisioned table */
} ddb_config;

/* cfg borrowed; NULL: the defaults. */
ddb_state *ddb_state_new(const ddb_config *cfg);
void ddb_state_free(ddb_state *st);
/* A second state of what src holds, for snapshots (svc_def.state_clone):
 * the definitions copied, the items (and the TTL expiry order) shared in
 * O(1) per table, so that what one changes the other never sees. Either
 * may be freed first. No request may run on src meanwhile. */
ddb_state *ddb_state_clone(const ddb_state *src);

/* The table as a reader at now_ms sees it: NULL when there is none (or it
 * is gone). */
ddb_table *ddb_state_table(ddb_state *st, const char *name, int64_t now_ms);
/* Completes every transition due by now_ms (writers only). */
void ddb_state_settle(ddb_state *st, int64_t now_ms);
/* Notes a transition that completes at until_ms (writers only). */
void ddb_state_pending(ddb_state *st, int64_t until_ms);
/* When a transition a request begins (CREATING, UPDATING, DELETING, an
 * index backfilling, TTL ENABLING) completes: after the state's delay, or
 * at once under --transitions instant (svc_transitions_instant). */
int64_t ddb_transition_end(svc_call *c);

/* Status at now_ms. */
ddb_status ddb_table_status(const ddb_table *t, int64_t now_ms);
ddb_status ddb_index_status(const ddb_index *ix, int64_t now_ms);
const char *ddb_status_name(ddb_status s);

/* The TableDescription of DescribeTable and friends (new reference). */
json_t *ddb_table_describe(const ddb_table *t, int64_t now_ms);

/* Finds an index of either kind by name. */
ddb_index *ddb_table_index(const ddb_table *t, const char *name);
/* Whether writes keep the index up to date (not once it is DELETING). */
bool ddb_index_live(const ddb_index *ix);

/* One key attribute of an item as a store key; false when the item lacks
 * it or has it in another type. */
bool ddb_keydef_value(json_t *item, const ddb_keydef *k, ddb_keyval *out);

/* The key attribute values of an item (or a Key map): the payloads as
 * store keys. false when one is missing or of another type. */
bool ddb_table_keyvals(const ddb_table *t, json_t *item, ddb_keyval *hash, ddb_keyval *range);

void ddb_table_free(ddb_table *t);
void ddb_index_free(ddb_index *ix);

#endif
