#include "services/dynamodb/inspect.h"

#include <string.h>

#include "services/dynamodb/index.h"
#include "services/dynamodb/table.h"
#include "services/dynamodb/value.h"
#include "services/inspect.h"
#include "services/svc_api.h"

typedef struct ask {
    const http_params *q;
    int64_t now;
    size_t limit;
    json_t *start;  /* the decoded `next`: a key in the value form, or NULL */
    int *status;
    json_t *out;    /* items: the answer once a namespace had the table */
    inspect_cursor *cursor; /* tables */
} ask;

static json_t *table_json(const ddb_table *t, const char *account, const char *region, int64_t now)
{
    json_t *ixs = json_array();
    const GPtrArray *lists[] = {t->lsis, t->gsis};
    for (size_t l = 0; l < G_N_ELEMENTS(lists); l++)
        for (guint i = 0; lists[l] && i < lists[l]->len; i++) {
            const ddb_index *ix = g_ptr_array_index(lists[l], i);
            if (ddb_index_status(ix, now) != DDB_GONE)
                json_array_append_new(ixs, json_string(ix->name));
        }
    return json_pack("{s:s, s:s, s:s, s:s, s:I, s:O, s:o}", "account", account, "region", region, "name", t->name,
                     "status", ddb_status_name(ddb_table_status(t, now)), "items",
                     (json_int_t)ddb_store_count(t->items), "key_schema", t->key_schema, "indexes", ixs);
}

static void tables_of(void *state, const char *account, const char *region, void *arg)
{
    inspect_cursor *c = ((ask *)arg)->cursor;
    int64_t now = ((ask *)arg)->now;
    ddb_state *st = state;
    int where = inspect_cursor_where(c, account, region);
    if (where < 0)
        return;
    GTreeNode *n = where == 0 ? g_tree_upper_bound(st->tables, c->name) : g_tree_node_first(st->tables);
    for (; n && !inspect_cursor_full(c); n = g_tree_node_next(n)) {
        const ddb_table *t = g_tree_node_value(n);
        if (ddb_table_status(t, now) != DDB_GONE)
            inspect_cursor_add(c, account, region, t->name, table_json(t, account, region, now));
    }
}

/* One page from where the token says (the store's start without one). */
static void page_of(ask *a, const ddb_table *t, const ddb_index *ix, const char *account, const char *region)
{
    const ddb_store *store = ix ? ix->items : t->items;
    pmap_iter pit, it;
    const ddb_part *p;
    const ddb_entry *e = NULL;
    if (a->start) {
        ddb_keyval h, sort[DDB_SKEY_MAX];
        size_t ns = 0;
        if (!ddb_ix_position(t, ix, a->start, &h, sort, &ns)) {
            a->out = inspect_error(a->status, 400, "next is not a token this endpoint gave for this table");
            return;
        }
        p = ddb_store_resume(store, &pit, &it, &h, sort, ns, &e);
    } else {
        p = ddb_store_part_seek(store, &pit, 0, NULL, false);
    }
    json_t *items = json_array();
    const ddb_entry *last = NULL;
    bool more = false;
    for (; p && !more; p = pmap_next(&pit), e = NULL) {
        for (e = e ? e : pmap_first(&p->items, &it); e; e = pmap_next(&it)) {
            if (json_array_size(items) == a->limit) {
                more = true;
                break;
            }
            json_array_append_new(items, ddb_item_to_wire(e->item));
            last = e;
        }
    }
    json_t *next = json_null();
    if (more) {
        json_t *raw = ddb_ix_entry_key(t, ix, last), *key = ddb_item_to_wire(raw);
        json_decref(raw);
        char *text = json_dumps(key, JSON_COMPACT | JSON_SORT_KEYS);
        char *tok = svc_base64url_encode(text, strlen(text));
        next = json_string(tok);
        g_free(tok);
        free(text);
        json_decref(key);
    }
    a->out = json_pack("{s:s, s:s, s:s, s:o, s:o}", "account", account, "region", region, "table", t->name,
                       "items", items, "next", next);
    if (ix)
        json_object_set_new(a->out, "index", json_string(ix->name));
}

/* The first namespace (in svc_foreach_state's order) with the table answers. */
static void items_of(void *state, const char *account, const char *region, void *arg)
{
    ask *a = arg;
    if (a->out)
        return;
    const char *name = http_params_get(a->q, "table");
    ddb_table *t = g_tree_lookup(((ddb_state *)state)->tables, name);
    if (!t || ddb_table_status(t, a->now) == DDB_GONE)
        return;
    const char *ixname = http_params_get(a->q, "index");
    const ddb_index *ix = ixname ? ddb_table_index(t, ixname) : NULL;
    if (ixname && (!ix || !ix->items || ddb_index_status(ix, a->now) == DDB_GONE)) {
        a->out = inspect_error(a->status, 404, "table %s has no index %s", name, ixname);
        return;
    }
    page_of(a, t, ix, account, region);
}

/* The `next` token: a key in DynamoDB JSON. */
static bool start_key(const char *tok, json_t **key)
{
    char *raw = NULL, *m = NULL;
    size_t len = 0;
    *key = NULL;
    if (!svc_base64url_decode(tok, &raw, &len))
        return false;
    json_t *wire = json_loadb(raw, len, 0, NULL);
    g_free(raw);
    if (json_is_object(wire))
        *key = ddb_item_from_wire(wire, &m);
    json_decref(wire);
    const char *name;
    json_t *v;
    /* numbers in canonical form, as the store's keys are */
    json_object_foreach(*key, name, v) {
        if (!m)
            m = ddb_value_check(v, 1);
    }
    if (m) {
        g_free(m);
        json_decref(*key);
        *key = NULL;
    }
    return *key != NULL;
}

json_t *ddb_inspect(server *s, const svc_def *svc, const char *method, const char *subpath,
                    const http_params *query, int *status)
{
    bool tables = strcmp(subpath, "tables") == 0;
    if (!tables && strcmp(subpath, "items") != 0)
        return NULL;
    json_t *bad;
    const char *account = http_params_get(query, "account"), *region = http_params_get(query, "region");
    ask a = {.q = query, .now = svc_server_clock_ms(s), .status = status};
    if (tables) {
        inspect_cursor c;
        if ((bad = inspect_cursor_open(&c, method, "dynamodb/tables", query, status)))
            return bad;
        a.cursor = &c;
        svc_foreach_state(s, svc, account, region, SVC_LOCK_SHARED, tables_of, &a);
        return inspect_cursor_done(&c, "tables");
    }
    const char *table = http_params_get(query, "table"), *next = http_params_get(query, "next");
    if ((bad = inspect_get_only(method, "dynamodb/items", status)))
        return bad;
    if (!table || !*table)
        return inspect_error(status, 400, "dynamodb/items needs table");
    if ((bad = inspect_limit(query, &a.limit, status)))
        return bad;
    if (next && *next && !start_key(next, &a.start))
        return inspect_error(status, 400, "next is not a token this endpoint gave");
    svc_foreach_state(s, svc, account, region, SVC_LOCK_SHARED, items_of, &a);
    json_decref(a.start);
    return a.out ? a.out : inspect_error(status, 404, "no table %s", table);
}
