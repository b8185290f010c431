/* DynamoDB's state_clone (snapshots, issue 17): a clone shares the items
 * of the state it copies, and what either side then changes, in every way
 * an item, an index, the TTL order or a table can change, the other never
 * sees; either is freed first, cleanly. The checks compare a digest of a
 * whole state (every table's description, every entry of the table's and
 * of each index's store with its partition's item collection size, the TTL
 * order, the sweeper's records) taken before and after the other side's
 * changes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/server.h"
#include "services/dynamodb/dynamodb.h"
#include "services/dynamodb/index.h"
#include "services/dynamodb/table.h"
#include "services/dynamodb/ttl.h"
#include "state/ns.h"

#include "test_dynamodb_call.h"

/* ---- the namespace's state ---- */

typedef struct find_ctx {
    ns *found;
} find_ctx;

static void find_ddb(ns *n, void *arg)
{
    if (n->svc == &dynamodb_service)
        ((find_ctx *)arg)->found = n;
}

/* The one DynamoDB namespace the tests use (the fixture made it). */
static ns *ddb_ns(server *s)
{
    find_ctx c = {NULL};
    ns_table_foreach(s->ns, find_ddb, &c);
    assert_non_null(c.found);
    return c.found;
}

static ddb_state *clone_of(ddb_state *st)
{
    ddb_state *c = dynamodb_service.state_clone(st, NULL);
    assert_non_null(c);
    return c;
}

/* Puts st in the namespace; returns the state it held. */
static ddb_state *swap_in(server *s, ddb_state *st)
{
    ns *n = ddb_ns(s);
    ddb_state *was = n->state;
    n->state = st;
    return was;
}

/* ---- digests ---- */

typedef struct digest_ctx {
    GChecksum *sum;
    const ddb_store *store;
    const ddb_table *t;
    const ddb_index *ix;
} digest_ctx;

static void add_json(GChecksum *sum, json_t *v)
{
    char *text = json_dumps(v, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY);
    g_checksum_update(sum, (const guchar *)text, (gssize)strlen(text));
    free(text);
}

static bool digest_entry(const ddb_entry *e, void *arg)
{
    digest_ctx *c = arg;
    add_json(c->sum, e->item);
    if (e->base)
        add_json(c->sum, e->base);
    ddb_keyval h, sort[DDB_SKEY_MAX];
    size_t n = 1;
    json_t *whole = e->base ? e->base : e->item;
    if (c->ix)
        assert_true(ddb_ix_key(c->t, c->ix, whole, &h, sort, &n));
    else
        assert_true(ddb_table_keyvals(c->t, whole, &h, &sort[0]));
    const ddb_part *p = ddb_store_partition(c->store, &h);
    assert_non_null(p);
    char line[64];
    g_snprintf(line, sizeof line, "|%zu|%llu", e->size, (unsigned long long)p->bytes);
    g_checksum_update(c->sum, (const guchar *)line, (gssize)strlen(line));
    return true;
}

static void digest_store(digest_ctx *c, const ddb_store *store)
{
    char line[64];
    g_snprintf(line, sizeof line, "store %zu %llu", ddb_store_count(store),
               (unsigned long long)ddb_store_bytes(store));
    g_checksum_update(c->sum, (const guchar *)line, (gssize)strlen(line));
    c->store = store;
    ddb_store_foreach(store, digest_entry, c);
}

static gboolean digest_table(gpointer key, gpointer value, gpointer arg)
{
    digest_ctx *c = arg;
    ddb_table *t = value;
    json_t *d = ddb_table_describe(t, 0);
    add_json(c->sum, d);
    json_decref(d);
    c->t = t;
    c->ix = NULL;
    digest_store(c, t->items);
    GPtrArray *lists[2] = {t->lsis, t->gsis};
    for (int k = 0; k < 2; k++)
        for (guint i = 0; i < lists[k]->len; i++) {
            c->ix = lists[k]->pdata[i];
            if (c->ix->items)
                digest_store(c, c->ix->items);
        }
    char line[64];
    g_snprintf(line, sizeof line, "ttl %zu", t->ttl.expiry ? pmap_count(t->ttl.expiry) : (size_t)0);
    g_checksum_update(c->sum, (const guchar *)line, (gssize)strlen(line));
    return FALSE;
}

/* Everything a reader could see of st (g_free). */
static char *digest(const ddb_state *st)
{
    digest_ctx c = {g_checksum_new(G_CHECKSUM_SHA256), NULL, NULL, NULL};
    g_tree_foreach(st->tables, digest_table, &c);
    json_t *records = json_array();
    ddb_ttl_records((ddb_state *)st, "a", "r", NULL, records);
    add_json(c.sum, records);
    json_decref(records);
    char *out = g_strdup(g_checksum_get_string(c.sum));
    g_checksum_free(c.sum);
    return out;
}

static size_t count_of(const ddb_state *st, const char *table)
{
    const ddb_table *t = g_tree_lookup(st->tables, table);
    return t ? ddb_store_count(t->items) : 0;
}

/* ---- the world ---- */

#define ITEMS 3000
/* every fourth item expired before the clock starts */
#define EXPIRED (ITEMS / 4)

/* orders: ITEMS items in ITEMS/10 partitions, a GSI (ALL) on g, an LSI
 * (KEYS_ONLY) on l, TTL on exp, nested maps, lists and sets; and a small
 * table to delete. */
static void load_world(server *s, int items)
{
    int64_t now_s = mockaws_clock_now_ms(s) / 1000;
    GString *f = g_string_new(
        "{\"dynamodb\": {\"ttl_delay_ms\": 0, \"tables\": [{\"TableName\": \"orders\", \"BillingMode\": "
        "\"PAY_PER_REQUEST\", \"KeySchema\": [{\"AttributeName\": \"pk\", \"KeyType\": \"HASH\"}, "
        "{\"AttributeName\": \"sk\", \"KeyType\": \"RANGE\"}], \"AttributeDefinitions\": [{\"AttributeName\": "
        "\"pk\", \"AttributeType\": \"S\"}, {\"AttributeName\": \"sk\", \"AttributeType\": \"N\"}, "
        "{\"AttributeName\": \"g\", \"AttributeType\": \"S\"}, {\"AttributeName\": \"l\", \"AttributeType\": "
        "\"N\"}], \"GlobalSecondaryIndexes\": [{\"IndexName\": \"by_g\", \"KeySchema\": [{\"AttributeName\": "
        "\"g\", \"KeyType\": \"HASH\"}], \"Projection\": {\"ProjectionType\": \"ALL\"}}], "
        "\"LocalSecondaryIndexes\": [{\"IndexName\": \"by_l\", \"KeySchema\": [{\"AttributeName\": \"pk\", "
        "\"KeyType\": \"HASH\"}, {\"AttributeName\": \"l\", \"KeyType\": \"RANGE\"}], \"Projection\": "
        "{\"ProjectionType\": \"KEYS_ONLY\"}}], \"TimeToLiveSpecification\": {\"AttributeName\": \"exp\", "
        "\"Enabled\": true}, \"items\": [");
    for (int i = 0; i < items; i++)
        g_string_append_printf(f,
                               "%s{\"pk\": {\"S\": \"p%d\"}, \"sk\": {\"N\": \"%d\"}, \"g\": {\"S\": \"g%d\"}, "
                               "\"l\": {\"N\": \"%d\"}, \"exp\": {\"N\": \"%lld\"}, \"m\": {\"M\": {\"a\": {\"L\": "
                               "[{\"N\": \"1\"}, {\"N\": \"2\"}]}, \"s\": {\"SS\": [\"x\", \"y\"]}}}}",
                               i ? ", " : "", i / 10, i % 10, i % 50, i,
                               (long long)(i % 4 == 0 ? now_s - 100 : now_s + 1000000));
    g_string_append(f, "]}, {\"TableName\": \"other\", \"KeySchema\": [{\"AttributeName\": \"id\", \"KeyType\": "
                       "\"HASH\"}], \"AttributeDefinitions\": [{\"AttributeName\": \"id\", \"AttributeType\": "
                       "\"S\"}], \"BillingMode\": \"PAY_PER_REQUEST\", \"items\": [{\"id\": {\"S\": \"a\"}}, "
                       "{\"id\": {\"S\": \"b\"}}]}]}}");
    char err[512];
    if (mockaws_load_fixtures_json(s, f->str, err, sizeof err) != 0)
        fail_msg("fixture: %s", err);
    g_string_free(f, TRUE);
}

/* The nested attribute m.a of orders p<pk>/<sk> as JSON (g_free). */
static char *nested_of(server *s, int pk, int sk)
{
    json_t *r = okq(s, "GetItem", "{'TableName': 'orders', 'Key': {'pk': {'S': 'p%d'}, 'sk': {'N': '%d'}}}", pk, sk);
    char *text = json_dumps(AT(r, "Item", "m"), JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(r);
    char *out = g_strdup(text ? text : "none");
    free(text);
    return out;
}

/* Every kind of change the audit found, through the API; `round` makes
 * each side's changes its own. */
static void change_everything(server *s, int round)
{
    /* a new item in a new partition and in an existing one */
    doq(s, "PutItem", "{'TableName': 'orders', 'Item': {'pk': {'S': 'new%d'}, 'sk': {'N': '1'}, 'g': {'S': 'g1'}, "
                      "'l': {'N': '-%d'}}}", round, round);
    doq(s, "PutItem", "{'TableName': 'orders', 'Item': {'pk': {'S': 'p5'}, 'sk': {'N': '%d'}, 'g': {'S': 'g2'}, "
                      "'l': {'N': '-1%d'}, 'm': {'M': {'a': {'L': []}}}}}", 100 + round, round);
    /* a replacement of an existing item */
    doq(s, "PutItem", "{'TableName': 'orders', 'Item': {'pk': {'S': 'p6'}, 'sk': {'N': '1'}, 'g': {'S': 'g9'}, "
                      "'l': {'N': '-2%d'}}}", round);
    /* nested attributes: a list element, a set, a removal */
    doq(s, "UpdateItem", "{'TableName': 'orders', 'Key': {'pk': {'S': 'p1'}, 'sk': {'N': '3'}}, "
                         "'UpdateExpression': 'SET m.a[0] = :v, g = :g ADD m.s :z REMOVE m.a[1]', "
                         "'ExpressionAttributeValues': {':v': {'N': '9%d'}, ':z': {'SS': ['z%d']}, ':g': {'S': 'gx'}}}",
        round, round);
    doq(s, "UpdateItem", "{'TableName': 'orders', 'Key': {'pk': {'S': 'p1'}, 'sk': {'N': '5'}}, "
                         "'UpdateExpression': 'SET m.a = list_append(m.a, :l), l = :n DELETE m.s :x', "
                         "'ExpressionAttributeValues': {':l': {'L': [{'S': 'r%d'}]}, ':n': {'N': '77%d'}, "
                         "':x': {'SS': ['x']}}}",
        round, round);
    doq(s, "DeleteItem", "{'TableName': 'orders', 'Key': {'pk': {'S': 'p2'}, 'sk': {'N': '%d'}}}", round);
    doq(s, "TransactWriteItems",
        "{'TransactItems': ["
        "{'Put': {'TableName': 'orders', 'Item': {'pk': {'S': 'p7'}, 'sk': {'N': '%d'}, 'g': {'S': 'g3'}}}}, "
        "{'Update': {'TableName': 'orders', 'Key': {'pk': {'S': 'p8'}, 'sk': {'N': '1'}}, "
        "'UpdateExpression': 'SET m.a[0] = :v', 'ExpressionAttributeValues': {':v': {'S': 't%d'}}}}, "
        "{'Delete': {'TableName': 'orders', 'Key': {'pk': {'S': 'p9'}, 'sk': {'N': '%d'}}}}], "
        "'ClientRequestToken': 'tok%d'}",
        200 + round, round, round, round);
    doq(s, "ExecuteStatement", "{'Statement': 'UPDATE orders SET m.a[1] = ? SET exp = ? WHERE pk = ? AND sk = ?', "
                               "'Parameters': [{'S': 'q%d'}, {'N': '1'}, {'S': 'p10'}, {'N': '2'}]}",
        round);
    doq(s, "ExecuteStatement",
        "{'Statement': 'DELETE FROM orders WHERE pk = ? AND sk = ?', 'Parameters': [{'S': 'p11'}, {'N': '%d'}]}",
        round);
    doq(s, "UpdateTable", "{'TableName': 'orders', 'AttributeDefinitions': [{'AttributeName': 'l', "
                          "'AttributeType': 'N'}], 'GlobalSecondaryIndexUpdates': [{'Create': {'IndexName': 'by_l%d', "
                          "'KeySchema': [{'AttributeName': 'l', 'KeyType': 'HASH'}], 'Projection': "
                          "{'ProjectionType': 'KEYS_ONLY'}}}]}",
        round);
    json_t *d = okq(s, "DescribeTable", "{'TableName': 'orders'}");
    doq(s, "TagResource", "{'ResourceArn': '%s', 'Tags': [{'Key': 'round', 'Value': '%d'}]}",
        AT_STR(d, "Table", "TableArn"), round);
    json_decref(d);
    doq(s, "DeleteTable", "{'TableName': 'other'}");
}

/* ---- tests ---- */

static void both_sides_change_apart(void **state)
{
    server *s = *state;
    fresh(s);
    load_world(s, ITEMS);
    ddb_state *live = ddb_ns(s)->state;
    char *d0 = digest(live);
    ddb_state *snap = clone_of(live);
    char *d = digest(snap);
    assert_string_equal(d, d0);
    g_free(d);

    /* the live side changes; the first request sweeps the expired items */
    char *before = nested_of(s, 1, 3);
    change_everything(s, 1);
    char *after = nested_of(s, 1, 3);
    assert_string_not_equal(before, after);
    assert_int_equal(pmap_count(&live->ttl_deleted), EXPIRED);
    assert_true(count_of(live, "orders") < ITEMS - EXPIRED + 10);
    assert_int_equal(count_of(live, "other"), 0);
    char *d1 = digest(live);
    assert_string_not_equal(d1, d0);
    d = digest(snap);
    assert_string_equal(d, d0);
    g_free(d);
    assert_int_equal(count_of(snap, "orders"), ITEMS);
    assert_int_equal(pmap_count(&snap->ttl_deleted), 0);

    /* the snapshot restored: it serves, changes on its own, and sweeps */
    live = swap_in(s, snap);
    char *restored = nested_of(s, 1, 3);
    assert_string_equal(restored, before);
    change_everything(s, 2);
    for (int i = 0; i < 50; i++)
        doq(s, "DeleteItem", "{'TableName': 'orders', 'Key': {'pk': {'S': 'p%d'}, 'sk': {'N': '1'}}}", 20 + i);
    char *again = nested_of(s, 1, 3);
    assert_string_not_equal(again, after);
    assert_string_not_equal(again, before);
    assert_int_equal(pmap_count(&snap->ttl_deleted), EXPIRED);
    d = digest(live);
    assert_string_equal(d, d1);
    g_free(d);

    /* the older side goes first; the restored one lives on */
    ddb_state_free(live);
    json_decref(okq(s, "Query", "{'TableName': 'orders', 'IndexName': 'by_g', 'KeyConditionExpression': 'g = :g', "
                                "'ExpressionAttributeValues': {':g': {'S': 'g2'}}}"));
    json_t *r = okq(s, "Scan", "{'TableName': 'orders', 'Select': 'COUNT'}");
    assert_int_equal(AT_INT(r, "Count"), count_of(snap, "orders"));
    json_decref(r);
    g_free(d0);
    g_free(d1);
    g_free(before);
    g_free(after);
    g_free(restored);
    g_free(again);
}

static void clone_freed_first(void **state)
{
    server *s = *state;
    fresh(s);
    load_world(s, ITEMS / 10);
    ddb_state *orig = ddb_ns(s)->state;
    char *d0 = digest(orig);
    /* the clone serves and changes, then goes first */
    ddb_state *c = clone_of(orig);
    assert_ptr_equal(swap_in(s, c), orig);
    change_everything(s, 3);
    assert_ptr_equal(swap_in(s, orig), c);
    ddb_state_free(c);
    char *d = digest(orig);
    assert_string_equal(d, d0);
    g_free(d);
    /* the original still changes as ever: a clone of a clone too */
    ddb_state *c2 = clone_of(orig);
    change_everything(s, 4);
    ddb_state *c3 = clone_of(c2);
    d = digest(c3);
    assert_string_equal(d, d0);
    g_free(d);
    ddb_state_free(c2);
    d = digest(c3);
    assert_string_equal(d, d0);
    g_free(d);
    ddb_state_free(c3);
    /* a clone in the middle of transitions: an index backfilling, one
     * being deleted (its store gone), a table being deleted */
    mockaws_clock_advance(s, 1000);
    doq(s, "UpdateTable", "{'TableName': 'orders', 'GlobalSecondaryIndexUpdates': [{'Delete': {'IndexName': 'by_g'}}]}");
    ddb_state *c4 = clone_of(orig);
    char *d4 = digest(orig);
    d = digest(c4);
    assert_string_equal(d, d4);
    g_free(d);
    assert_ptr_equal(swap_in(s, c4), orig);
    mockaws_clock_advance(s, 1000);
    doq(s, "PutItem", "{'TableName': 'orders', 'Item': {'pk': {'S': 'p5'}, 'sk': {'N': '555'}, 'g': {'S': 'g5'}}}");
    doq(s, "DeleteItem", "{'TableName': 'orders', 'Key': {'pk': {'S': 'p1'}, 'sk': {'N': '3'}}}");
    doq(s, "UpdateItem", "{'TableName': 'orders', 'Key': {'pk': {'S': 'p1'}, 'sk': {'N': '5'}}, "
                         "'UpdateExpression': 'SET m.a[0] = :v', 'ExpressionAttributeValues': {':v': {'N': '5'}}}");
    json_t *r = okq(s, "DescribeTable", "{'TableName': 'orders'}");
    assert_null(AT(r, "Table", "GlobalSecondaryIndexes", "1"));
    json_decref(r);
    d = digest(orig);
    assert_string_equal(d, d4);
    g_free(d);
    ddb_state_free(orig);
    g_free(d4);
    g_free(d0);
}

/* A TransactWriteItems with a ClientRequestToken, writing sk (quoted call). */
static answer txn(server *s, const char *token, int sk)
{
    return callq(s, "TransactWriteItems",
                 "{'TransactItems': [{'Put': {'TableName': 'orders', 'Item': {'pk': {'S': 'tx'}, 'sk': {'N': '%d'}}}}], "
                 "'ClientRequestToken': '%s'}",
                 sk, token);
}

static void expect_txn(server *s, const char *token, int sk, const char *code)
{
    answer a = txn(s, token, sk);
    if (code)
        assert_string_equal(a.type ? a.type : "(none)", code);
    else
        assert_int_equal(a.status, 200);
    answer_free(&a);
}

/* Idempotency tokens travel with a clone and stay apart afterwards. */
static void tokens_follow_the_clone(void **state)
{
    server *s = *state;
    fresh(s);
    load_world(s, 100);
    expect_txn(s, "T", 1, NULL);
    ddb_state *live = ddb_ns(s)->state;
    ddb_state *snap = clone_of(live);
    expect_txn(s, "T", 2, "IdempotentParameterMismatchException");
    ddb_state *was = swap_in(s, snap);
    assert_ptr_equal(was, live);
    /* the clone remembers T; U is its own */
    expect_txn(s, "T", 1, NULL);
    expect_txn(s, "T", 2, "IdempotentParameterMismatchException");
    expect_txn(s, "U", 3, NULL);
    assert_ptr_equal(swap_in(s, live), snap);
    expect_txn(s, "U", 4, NULL);
    assert_int_equal(count_of(live, "orders"), count_of(snap, "orders"));
    /* ten minutes on, the live side forgets T; the clone, left alone, not */
    mockaws_clock_advance(s, 11 * 60 * 1000);
    expect_txn(s, "T", 2, NULL);
    assert_int_equal(pmap_count(&snap->tokens), 2);
    assert_int_equal(pmap_count(&live->tokens), 1);
    ddb_state_free(snap);
}

/* What a restore costs at 10,000 items (printed, not asserted: timing
 * depends on the machine): the clone, its free, and the first writes
 * after it, which copy the paths they change. */
static void clone_cost(void **state)
{
    server *s = *state;
    fresh(s);
    load_world(s, 10000);
    /* the first request sweeps the expired items */
    json_decref(okq(s, "DescribeTable", "{'TableName': 'orders'}"));
    ddb_state *live = ddb_ns(s)->state;
    assert_int_equal(count_of(live, "orders"), 10000 - 10000 / 4);
    enum { ROUNDS = 200 };
    gint64 t0 = g_get_monotonic_time();
    for (int i = 0; i < ROUNDS; i++)
        ddb_state_free(clone_of(live));
    gint64 t1 = g_get_monotonic_time();
    ddb_state *snap = clone_of(live);
    gint64 t2 = g_get_monotonic_time();
    for (int i = 0; i < 100; i++)
        doq(s, "PutItem", "{'TableName': 'orders', 'Item': {'pk': {'S': 'p%d'}, 'sk': {'N': '0'}, 'g': {'S': 'g1'}}}",
            i * 7);
    gint64 t3 = g_get_monotonic_time();
    for (int i = 0; i < 100; i++)
        doq(s, "PutItem", "{'TableName': 'orders', 'Item': {'pk': {'S': 'p%d'}, 'sk': {'N': '0'}, 'g': {'S': 'g1'}}}",
            i * 7);
    gint64 t4 = g_get_monotonic_time();
    print_message("clone + free of a state of 10,000 items (7,500 after the sweep) (a GSI, an LSI, TTL): %.1f us; "
                  "PutItem: %.1f us the first after a clone, %.1f us again\n",
                  (double)(t1 - t0) / ROUNDS, (double)(t3 - t2) / 100, (double)(t4 - t3) / 100);
    ddb_state_free(snap);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(both_sides_change_apart),
        cmocka_unit_test(clone_freed_first),
        cmocka_unit_test(tokens_follow_the_clone),
        cmocka_unit_test(clone_cost),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
