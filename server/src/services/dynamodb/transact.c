#include "services/dynamodb/transact.h"

#include <string.h>

#include "services/dynamodb/capacity.h"
#include "services/dynamodb/expr_eval.h"
#include "services/dynamodb/item.h"
#include "services/dynamodb/request.h"
#include "services/dynamodb/ttl.h"
#include "services/dynamodb/value.h"
#include "services/dynamodb/write.h"
#include "services/svc_api.h"

/* How long a ClientRequestToken is remembered (server time). */
#define TOKEN_MS (10LL * 60 * 1000)

/* A remembered token: what the request was, until when. Held by both of
 * the state's token maps, and by a clone's: reference counted, never
 * changed. */
typedef struct token_rec {
    int refs;        /* atomic (ddb_ref_retain) */
    int64_t expires_ms;
    uint64_t seq;    /* the order tokens were remembered in, for expiry */
    json_t *request; /* what made it this request (owned): compared with
                        json_equal, which binaries and member order cannot fool */
    char token[];
} token_rec;

typedef struct action {
    ddb_op op;
    const char *kind;       /* "Put", ... */
    json_t *next;           /* what a put or update leaves (owned) */
    const ddb_entry *old;
    const char *code;       /* cancellation reason code, or NULL */
    char *message;          /* its message (owned) */
    json_t *item;           /* its Item (owned), or NULL */
} action;

static void actions_free(action *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ddb_op_clear(&a[i].op);
        json_decref(a[i].next);
        g_free(a[i].message);
        json_decref(a[i].item);
    }
    g_free(a);
}

/* ---- tokens ---- */

static void token_release(void *v)
{
    token_rec *r = v;
    if (!ddb_ref_drop(r))
        return;
    json_decref(r->request);
    g_free(r);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

static const void *token_name(const void *v)
{
    return ((const token_rec *)v)->token;
}

/* by expiry, then as remembered */
static int expiry_cmp(const void *pa, const void *pb)
{
    const token_rec *a = pa, *b = pb;
    if (a->expires_ms != b->expires_ms)
        return a->expires_ms < b->expires_ms ? -1 : 1;
    return a->seq == b->seq ? 0 : a->seq < b->seq ? -1 : 1;
}

static const void *token_self(const void *v)
{
    return v;
}

static const pmap_type by_name = {name_cmp, token_name, ddb_ref_retain, token_release, NULL};
static const pmap_type by_expiry = {expiry_cmp, token_self, ddb_ref_retain, token_release, NULL};

void ddb_tokens_init(ddb_state *st)
{
    pmap_init(&st->tokens, &by_name);
    pmap_init(&st->token_expiry, &by_expiry);
    st->token_seq = 0;
}

void ddb_tokens_free(ddb_state *st)
{
    pmap_clear(&st->tokens);
    pmap_clear(&st->token_expiry);
}

void ddb_tokens_share(ddb_state *dst, const ddb_state *src)
{
    pmap_share(&dst->tokens, &src->tokens);
    pmap_share(&dst->token_expiry, &src->token_expiry);
    dst->token_seq = src->token_seq;
}

static void tokens_expire(ddb_state *st, int64_t now_ms)
{
    pmap_iter it;
    token_rec *r;
    while ((r = pmap_first(&st->token_expiry, &it)) && r->expires_ms <= now_ms) {
        /* a token reused after expiry maps to its newer record */
        if (pmap_get(&st->tokens, r->token) == r)
            pmap_remove(&st->tokens, r->token);
        /* the expiry map's reference keeps r (the key) alive to here */
        pmap_remove(&st->token_expiry, r);
    }
}

/* What makes two requests with one token the same request (new reference). */
static json_t *request_identity(json_t *in)
{
    return json_pack("{s:O*, s:O*}", "TransactItems", json_object_get(in, "TransactItems"),
                     "ReturnItemCollectionMetrics", json_object_get(in, "ReturnItemCollectionMetrics"));
}

/* Steals request. */
static void token_remember(ddb_state *st, const char *token, json_t *request, int64_t expires_ms)
{
    size_t n = strlen(token);
    token_rec *r = g_malloc(sizeof *r + n + 1);
    *r = (token_rec){.refs = 2, .expires_ms = expires_ms, .seq = st->token_seq++, .request = request};
    memcpy(r->token, token, n + 1);
    pmap_put(&st->token_expiry, r);
    token_rec *was = pmap_put(&st->tokens, r);
    if (was)
        token_release(was);
}

/* ---- common ---- */

/* The member an action names: exactly one of the kinds. */
static const char *action_kind(json_t *ti, const char *const *kinds, size_t nkinds, json_t **body)
{
    const char *kind = NULL;
    size_t n = 0;
    for (size_t k = 0; k < nkinds; k++) {
        json_t *b = json_object_get(ti, kinds[k]);
        if (b) {
            n++;
            kind = kinds[k];
            *body = b;
        }
    }
    return n == 1 ? kind : n == 0 ? "" : NULL;
}

/* No item twice in one transaction. */
static int distinct_items(svc_call *c, action *a, size_t n)
{
    GHashTable *seen = g_hash_table_new_full(g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, NULL);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        /* lengths first: binary keys may hold NULs and any separator */
        GString *k = g_string_new(a[i].op.t->name);
        g_string_append_printf(k, "\n%c%zu:", a[i].op.h.type, a[i].op.h.len);
        g_string_append_len(k, a[i].op.h.data, (gssize)a[i].op.h.len);
        g_string_append_printf(k, "%c%zu:", a[i].op.r.type ? a[i].op.r.type : '-', a[i].op.r.len);
        g_string_append_len(k, a[i].op.r.data, (gssize)a[i].op.r.len);
        gsize len = k->len;
        if (!g_hash_table_add(seen, g_bytes_new_take(g_string_free(k, FALSE), len)))
            rc = ddb_validation(c, "Transaction request cannot include multiple operations on one item");
    }
    g_hash_table_destroy(seen);
    return rc;
}

static void cancel(action *a, const char *code, char *message)
{
    if (a->code) {
        g_free(message);
        return;
    }
    a->code = code;
    a->message = message;
}

/* TransactionCanceledException from the actions' reasons. */
static int cancelled(svc_call *c, action *a, size_t n)
{
    GString *codes = g_string_new(NULL);
    json_t *reasons = json_array();
    for (size_t i = 0; i < n; i++) {
        const char *code = a[i].code ? a[i].code : "None";
        g_string_append_printf(codes, "%s%s", i ? ", " : "", code);
        json_t *r = json_pack("{s:s}", "Code", code);
        if (a[i].message)
            json_object_set_new(r, "Message", json_string(a[i].message));
        if (a[i].item)
            json_object_set(r, "Item", a[i].item);
        json_array_append_new(reasons, r);
    }
    aws_error_set(&c->err, "TransactionCanceledException",
                  "Transaction cancelled, please refer cancellation reasons for specific reasons [%s]", codes->str);
    aws_error_field(&c->err, "CancellationReasons", reasons);
    g_string_free(codes, TRUE);
    return -1;
}

/* Per-table capacity for ReturnConsumedCapacity: table name -> {units,
 * gsis, lsis}. */
static void add_units(json_t *per_table, const char *table, double units)
{
    json_t *e = json_object_get(per_table, table);
    if (!e) {
        e = json_pack("{s:f, s:o, s:o}", "units", 0.0, "gsis", json_object(), "lsis", json_object());
        json_object_set_new(per_table, table, e);
    }
    json_object_set_new(e, "units", json_real(json_number_value(json_object_get(e, "units")) + units));
}

static void consumed_out(svc_call *c, json_t *per_table)
{
    if (!ddb_consumed_wanted(c, NULL))
        return;
    json_t *list = json_array();
    const char *table;
    json_t *e;
    json_object_foreach(per_table, table, e) {
        json_t *cc = ddb_consumed_units(c, table, json_number_value(json_object_get(e, "units")),
                                        json_incref(json_object_get(e, "gsis")),
                                        json_incref(json_object_get(e, "lsis")));
        if (cc)
            json_array_append_new(list, cc);
    }
    json_object_set_new(c->output, "ConsumedCapacity", list);
}

/* ---- TransactWriteItems ---- */

static int parse_writes(svc_call *c, json_t *items, action *a)
{
    static const char *const kinds[] = {"ConditionCheck", "Put", "Delete", "Update"};
    static const ddb_op_kind ops[] = {DDB_OP_CHECK, DDB_OP_PUT, DDB_OP_DELETE, DDB_OP_UPDATE};
    size_t i;
    json_t *ti;
    json_array_foreach(items, i, ti) {
        json_t *body = NULL;
        const char *kind = action_kind(ti, kinds, G_N_ELEMENTS(kinds), &body);
        if (!kind)
            return ddb_validation(c, "TransactItems can only contain one of Check, Put, Update or Delete");
        if (!*kind)
            return ddb_validation(c, "Invalid Request: TransactWriteRequest should contain Delete or Put or Update "
                                     "request");
        size_t k = 0;
        while (strcmp(kinds[k], kind) != 0)
            k++;
        a[i].kind = kind;
        if (ddb_op_parse(c, &a[i].op, ops[k], body, false) != 0)
            return -1;
    }
    return 0;
}

/* Evaluates one action against the items as they are. */
static void evaluate(svc_call *c, action *a, bool conflict, json_t *per_table, bool indexes)
{
    ddb_op *op = &a->op;
    a->old = ddb_op_current(c, op);
    if (conflict) {
        cancel(a, "TransactionConflict", g_strdup("Transaction is ongoing for the item"));
        return;
    }
    if (!ddb_op_condition(op, a->old)) {
        cancel(a, "ConditionalCheckFailed", g_strdup("The conditional request failed"));
        if (a->old && g_strcmp0(svc_str(op->in, "ReturnValuesOnConditionCheckFailure"),
                                "ALL_OLD") == 0)
            a->item = json_incref(a->old->item);
        return;
    }
    char *m = NULL;
    a->next = ddb_op_next(op, a->old, &m);
    if (m) {
        cancel(a, "ValidationError", m);
        return;
    }
    if (op->kind == DDB_OP_CHECK) {
        /* a check reads its item: read units, doubled */
        add_units(per_table, op->t->name, 2 * ddb_units(a->old ? a->old->size : 0, true, true));
        return;
    }
    size_t os = a->old ? a->old->size : 0, ns = a->next ? ddb_item_size(a->next) : 0;
    double units = 2 * ddb_units(os > ns ? os : ns, false, false);
    ddb_cap cap = ddb_capacity_write(c->state, op->t, a->old ? a->old->item : NULL, a->next, units, c->now_ms);
    if (cap != DDB_CAP_OK) {
        cancel(a, "ProvisionedThroughputExceeded", g_strdup(ddb_capacity_message(cap, false)));
        return;
    }
    add_units(per_table, op->t->name, units);
    if (indexes) {
        json_t *e = json_object_get(per_table, op->t->name);
        ddb_index_units(op->t, a->old ? a->old->item : NULL, a->next, 2, json_object_get(e, "gsis"),
                        json_object_get(e, "lsis"));
    }
}

static void apply(action *a)
{
    ddb_op *op = &a->op;
    switch (op->kind) {
    case DDB_OP_PUT:
    case DDB_OP_UPDATE:
        ddb_write_put(op->t, json_incref(a->next), ddb_item_size(a->next));
        break;
    case DDB_OP_DELETE:
        ddb_write_delete(op->t, op->key);
        break;
    default:
        break;
    }
}

int ddb_transact_write_items(svc_call *c)
{
    ddb_state *st = c->state;
    json_t *items = json_object_get(c->input, "TransactItems");
    size_t n = json_array_size(items);
    action *a = g_new0(action, n ? n : 1);
    json_t *per_table = json_object();
    json_t *identity = NULL; /* with a ClientRequestToken */
    int rc = -1;
    if (parse_writes(c, items, a) != 0)
        goto out;
    const char *token = svc_str(c->input, "ClientRequestToken");
    tokens_expire(st, c->now_ms);
    if (token) {
        identity = request_identity(c->input);
        const token_rec *seen = pmap_get(&st->tokens, token);
        if (seen && seen->expires_ms > c->now_ms) {
            if (!json_equal(seen->request, identity)) {
                aws_error_set(&c->err, "IdempotentParameterMismatchException",
                              "Request parameters do not match the parameters of the previous request with the "
                              "same client token");
                goto out;
            }
            /* done before: success again, and nothing written */
            c->output = json_object();
            rc = 0;
            goto out;
        }
    }
    ddb_state_settle(st, c->now_ms);
    for (size_t i = 0; i < n; i++)
        if (ddb_op_bind(c, &a[i].op) != 0)
            goto out;
    if (distinct_items(c, a, n) != 0)
        goto out;
    size_t conflicts = svc_fault_share(c, "transaction_conflict", n);
    bool indexes;
    ddb_consumed_wanted(c, &indexes);
    bool failed = false;
    for (size_t i = 0; i < n; i++) {
        evaluate(c, &a[i], svc_fault_hits(i, conflicts, n), per_table, indexes);
        failed = failed || a[i].code;
    }
    if (failed) {
        cancelled(c, a, n);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        apply(&a[i]);
    if (token)
        /* a copy: the request's trees may be shared with what it stored */
        token_remember(st, token, json_deep_copy(identity), c->now_ms + TOKEN_MS);
    c->output = json_object();
    consumed_out(c, per_table);
    if (g_strcmp0(svc_str(c->input, "ReturnItemCollectionMetrics"), "SIZE") == 0) {
        json_t *metrics = json_object();
        for (size_t i = 0; i < n; i++) {
            if (a[i].op.kind == DDB_OP_CHECK)
                continue;
            json_t *m = ddb_collection_metrics(a[i].op.t, a[i].op.key);
            if (!m)
                continue;
            json_t *l = json_object_get(metrics, a[i].op.t->name);
            if (!l)
                json_object_set_new(metrics, a[i].op.t->name, l = json_array());
            json_array_append_new(l, m);
        }
        json_object_set_new(c->output, "ItemCollectionMetrics", metrics);
    }
    rc = 0;
out:
    json_decref(identity);
    json_decref(per_table);
    actions_free(a, n);
    return rc;
}

/* ---- TransactGetItems ---- */

int ddb_transact_get_items(svc_call *c)
{
    static const char *const kinds[] = {"Get"};
    json_t *items = json_object_get(c->input, "TransactItems");
    size_t n = json_array_size(items);
    action *a = g_new0(action, n ? n : 1);
    json_t *per_table = json_object();
    int rc = -1;
    size_t i;
    json_t *ti;
    json_array_foreach(items, i, ti) {
        json_t *body = NULL;
        const char *kind = action_kind(ti, kinds, 1, &body);
        if (!kind || !*kind) {
            ddb_validation(c, "Invalid Request: TransactGetItem should contain Get request");
            goto out;
        }
        a[i].kind = kind;
        if (ddb_op_parse(c, &a[i].op, DDB_OP_GET, body, false) != 0)
            goto out;
    }
    for (i = 0; i < n; i++)
        if (ddb_op_bind(c, &a[i].op) != 0)
            goto out;
    if (distinct_items(c, a, n) != 0)
        goto out;
    size_t conflicts = svc_fault_share(c, "transaction_conflict", n);
    bool failed = false;
    for (i = 0; i < n; i++) {
        a[i].old = ddb_op_current(c, &a[i].op);
        if (svc_fault_hits(i, conflicts, n)) {
            cancel(&a[i], "TransactionConflict", g_strdup("Transaction is ongoing for the item"));
            failed = true;
            continue;
        }
        double units = 2 * ddb_units(a[i].old ? a[i].old->size : 0, true, true);
        ddb_cap cap = ddb_capacity_read(c->state, a[i].op.t, NULL, units, c->now_ms);
        if (cap != DDB_CAP_OK) {
            cancel(&a[i], "ProvisionedThroughputExceeded", g_strdup(ddb_capacity_message(cap, true)));
            failed = true;
            continue;
        }
        add_units(per_table, a[i].op.t->name, units);
    }
    if (failed) {
        cancelled(c, a, n);
        goto out;
    }
    json_t *responses = json_array();
    for (i = 0; i < n; i++) {
        const ddb_entry *e = a[i].old;
        const ddb_projection *p = a[i].op.proj;
        json_t *r = json_object();
        if (e)
            json_object_set_new(r, "Item", p ? ddb_project(e->item, p->paths, p->n) : json_incref(e->item));
        json_array_append_new(responses, r);
    }
    c->output = json_pack("{s:o}", "Responses", responses);
    consumed_out(c, per_table);
    rc = 0;
out:
    json_decref(per_table);
    actions_free(a, n);
    return rc;
}
