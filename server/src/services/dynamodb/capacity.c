#include "services/dynamodb/capacity.h"

#include "services/dynamodb/index.h"

bool ddb_capacity_on(const ddb_state *st, const ddb_table *t)
{
    return (st->emulate_all || t->emulate) && !t->pay_per_request;
}

/* Refills b at rate units per second up to burst_s seconds' worth (at least
 * one second's), then reports whether it has anything left. */
static bool refill(ddb_bucket *b, double rate, int64_t burst_s, int64_t now_ms)
{
    if (rate <= 0) /* no throughput declared (an index of a table that was on demand) */
        return true;
    double cap = rate * (double)(burst_s > 1 ? burst_s : 1);
    if (b->at_ms == 0) {
        b->tokens = cap;
    } else if (now_ms > b->at_ms) {
        b->tokens += rate * (double)(now_ms - b->at_ms) / 1000.0;
        if (b->tokens > cap)
            b->tokens = cap;
    }
    if (now_ms > b->at_ms || b->at_ms == 0)
        b->at_ms = now_ms ? now_ms : 1;
    return b->tokens > 0;
}

ddb_cap ddb_capacity_read(const ddb_state *st, ddb_table *t, ddb_index *ix, double units, int64_t now_ms)
{
    if (!ddb_capacity_on(st, t))
        return DDB_CAP_OK;
    bool gsi = ix && ix->global;
    ddb_bucket *b = gsi ? &ix->rd : &t->rd;
    double rate = (double)(gsi ? ix->rcu : t->rcu);
    g_mutex_lock(&t->cap_lock);
    bool ok = refill(b, rate, st->burst_s, now_ms);
    if (ok)
        b->tokens -= units;
    g_mutex_unlock(&t->cap_lock);
    return ok ? DDB_CAP_OK : gsi ? DDB_CAP_INDEX : DDB_CAP_TABLE;
}

static bool holds(const ddb_table *t, const ddb_index *ix, json_t *item)
{
    ddb_keyval h, sort[DDB_SKEY_MAX];
    size_t n;
    return item && ddb_ix_key(t, ix, item, &h, sort, &n);
}

ddb_cap ddb_capacity_write(const ddb_state *st, ddb_table *t, json_t *old, json_t *new_item, double units,
                           int64_t now_ms)
{
    if (!ddb_capacity_on(st, t))
        return DDB_CAP_OK;
    ddb_cap r = DDB_CAP_OK;
    g_mutex_lock(&t->cap_lock);
    if (!refill(&t->wr, (double)t->wcu, st->burst_s, now_ms))
        r = DDB_CAP_TABLE;
    for (guint i = 0; r == DDB_CAP_OK && i < t->gsis->len; i++) {
        ddb_index *ix = t->gsis->pdata[i];
        if (ddb_index_live(ix) && (holds(t, ix, old) || holds(t, ix, new_item)) &&
            !refill(&ix->wr, (double)ix->wcu, st->burst_s, now_ms))
            r = DDB_CAP_INDEX;
    }
    if (r == DDB_CAP_OK) {
        t->wr.tokens -= units;
        for (guint i = 0; i < t->gsis->len; i++) {
            ddb_index *ix = t->gsis->pdata[i];
            if (ddb_index_live(ix) && (holds(t, ix, old) || holds(t, ix, new_item)))
                ix->wr.tokens -= units;
        }
    }
    g_mutex_unlock(&t->cap_lock);
    return r;
}

const char *ddb_capacity_message(ddb_cap r, bool read)
{
    if (r == DDB_CAP_INDEX && !read)
        return "The level of configured provisioned throughput for one or more global secondary indexes of the "
               "table was exceeded. Consider increasing your provisioning level for the under-provisioned global "
               "secondary indexes with the UpdateTable API";
    if (r == DDB_CAP_INDEX)
        return "The level of configured provisioned throughput for the index was exceeded. Consider increasing "
               "your provisioning level with the UpdateTable API.";
    return "The level of configured provisioned throughput for the table was exceeded. Consider increasing your "
           "provisioning level with the UpdateTable API.";
}

int ddb_capacity_error(svc_call *c, ddb_cap r, bool read)
{
    return aws_error_set(&c->err, "ProvisionedThroughputExceededException", "%s", ddb_capacity_message(r, read));
}
