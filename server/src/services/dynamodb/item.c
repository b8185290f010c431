#include "services/dynamodb/item.h"

#include <string.h>

#include "services/dynamodb/capacity.h"
#include "services/dynamodb/expr_eval.h"
#include "services/dynamodb/index.h"
#include "services/dynamodb/legacy.h"
#include "services/dynamodb/request.h"
#include "services/dynamodb/ttl.h"
#include "services/dynamodb/value.h"
#include "services/dynamodb/write.h"
#include "services/service.h"

#define PREFIX "One or more parameter values were invalid: "

/* ---- keys ---- */

static char *key_size(const ddb_keydef *k, json_t *payload, bool hash)
{
    if (k->type == 'N')
        return NULL;
    size_t n = json_string_length(payload);
    if (hash && n > 2048)
        return g_strdup(PREFIX "Size of hashkey has exceeded the maximum size limit of2048 bytes");
    if (!hash && n > 1024)
        return g_strdup(PREFIX "Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
    return NULL;
}

static json_t *typed(json_t *av, char type)
{
    return json_object_get(av, (char[]){type, '\0'});
}

/* Visits the key attributes of every index: GSIs (both keys), then LSIs
 * (their sort key), as DynamoDB checks them. */
static char *index_keys(const ddb_table *t, char *(*fn)(const ddb_index *ix, const ddb_keydef *k, void *arg),
                        void *arg)
{
    for (guint i = 0; i < t->gsis->len; i++) {
        const ddb_index *ix = t->gsis->pdata[i];
        const ddb_keydef *ks[2] = {&ix->hash, &ix->range};
        for (int k = 0; k < 2; k++) {
            char *m = ks[k]->name ? fn(ix, ks[k], arg) : NULL;
            if (m)
                return m;
        }
    }
    for (guint i = 0; i < t->lsis->len; i++) {
        const ddb_index *ix = t->lsis->pdata[i];
        char *m = ix->range.name ? fn(ix, &ix->range, arg) : NULL;
        if (m)
            return m;
    }
    return NULL;
}

static char *index_key_in_item(const ddb_index *ix, const ddb_keydef *k, void *arg)
{
    json_t *v = json_object_get(arg, k->name);
    if (!v)
        return NULL;
    json_t *p = typed(v, k->type);
    if (!p)
        return g_strdup_printf(PREFIX "Type mismatch for Index Key %s Expected: %c Actual: %s IndexName: %s", k->name,
                               k->type, ddb_type_name(ddb_value_type(v)), ix->name);
    if (json_string_length(p) == 0 && k->type != 'N')
        return g_strdup_printf("One or more parameter values are not valid. A value specified for a secondary index "
                               "key is not supported. The AttributeValue for a key attribute cannot contain an empty "
                               "%s value. IndexName: %s, IndexKey: %s",
                               k->type == 'S' ? "string" : "binary", ix->name, k->name);
    return NULL;
}

char *ddb_item_key_check(const ddb_table *t, json_t *item)
{
    const ddb_keydef *ks[2] = {&t->hash, &t->range};
    for (int i = 0; i < 2; i++) {
        const ddb_keydef *k = ks[i];
        if (!k->name)
            continue;
        json_t *v = json_object_get(item, k->name);
        if (!v)
            return g_strdup_printf(PREFIX "Missing the key %s in the item", k->name);
        json_t *p = typed(v, k->type);
        if (!p)
            return g_strdup_printf(PREFIX "Type mismatch for key %s expected: %c actual: %s", k->name, k->type,
                                   ddb_type_name(ddb_value_type(v)));
        if (json_string_length(p) == 0 && k->type != 'N')
            return g_strdup_printf("One or more parameter values are not valid. The AttributeValue for a key "
                                   "attribute cannot contain an empty %s value. Key: %s",
                                   k->type == 'S' ? "string" : "binary", k->name);
        char *m = key_size(k, p, i == 0);
        if (m)
            return m;
    }
    return index_keys(t, index_key_in_item, item);
}

char *ddb_key_check(const ddb_table *t, json_t *key)
{
    size_t want = t->range.name ? 2 : 1;
    if (json_object_size(key) != want)
        return g_strdup("The provided key element does not match the schema");
    const ddb_keydef *ks[2] = {&t->hash, &t->range};
    for (int i = 0; i < 2; i++) {
        const ddb_keydef *k = ks[i];
        if (!k->name)
            continue;
        json_t *v = json_object_get(key, k->name);
        json_t *p = v ? typed(v, k->type) : NULL;
        if (!p)
            return g_strdup("The provided key element does not match the schema");
        if (json_string_length(p) == 0 && k->type != 'N')
            return g_strdup_printf(PREFIX "The AttributeValue for a key attribute cannot contain an empty %s value. "
                                          "Key: %s",
                                   k->type == 'S' ? "string" : "binary", k->name);
        char *m = key_size(k, p, i == 0);
        if (m)
            return m;
    }
    return NULL;
}

/* Key attributes may be read and written only whole. */
typedef struct nested_ctx {
    const ddb_path *paths;
    size_t n;
} nested_ctx;

static bool nested_on(const nested_ctx *nc, const char *attr)
{
    for (size_t i = 0; i < nc->n; i++)
        if (nc->paths[i].n > 1 && !nc->paths[i].el[0].is_index && strcmp(nc->paths[i].el[0].name, attr) == 0)
            return true;
    return false;
}

static char *nested_index_key(const ddb_index *ix, const ddb_keydef *k, void *arg)
{
    if (nested_on(arg, k->name))
        return g_strdup_printf("Key attributes must be scalars; list random access '[]' and map lookup '.' are not "
                               "allowed: IndexKey: %s",
                               k->name);
    return NULL;
}

char *ddb_nested_keys(const ddb_table *t, const ddb_path *paths, size_t n)
{
    nested_ctx nc = {paths, n};
    const ddb_keydef *ks[2] = {&t->hash, &t->range};
    for (int i = 0; i < 2; i++)
        if (ks[i]->name && nested_on(&nc, ks[i]->name))
            return g_strdup_printf("Key attributes must be scalars; list random access '[]' and map lookup '.' are "
                                   "not allowed: Key: %s",
                                   ks[i]->name);
    return index_keys(t, nested_index_key, &nc);
}

/* ---- UpdateItem ---- */

typedef struct upd_ctx {
    const ddb_update *u;
    json_t *item; /* for the checks after the update */
} upd_ctx;

/* An index key SET to a value of another type, seen in the request. */
static char *index_key_set(const ddb_index *ix, const ddb_keydef *k, void *arg)
{
    const upd_ctx *uc = arg;
    for (size_t i = 0; i < uc->u->n; i++) {
        const ddb_action *a = &uc->u->actions[i];
        if (a->kind != DDB_U_SET || a->path.n != 1 || strcmp(a->path.el[0].name, k->name) != 0)
            continue;
        if (a->value->kind != DDB_OPD_VALUE || !a->value->value)
            continue;
        ddb_type vt = ddb_value_type(a->value->value);
        if (strcmp(ddb_type_name(vt), (char[]){k->type, '\0'}) != 0)
            return g_strdup_printf(PREFIX "Type mismatch for Index Key %s Expected: %c Actual: %s IndexName: %s",
                                   k->name, k->type, ddb_type_name(vt), ix->name);
    }
    return NULL;
}

/* The same once the update ran: a SET that computed a wrong type. */
static char *index_key_after(const ddb_index *ix, const ddb_keydef *k, void *arg)
{
    const upd_ctx *uc = arg;
    json_t *v = json_object_get(uc->item, k->name);
    if (v && !typed(v, k->type))
        return g_strdup("The update expression attempted to update the secondary index key to unsupported type");
    return index_key_in_item(ix, k, uc->item);
}

static char *update_checks(const ddb_table *t, const ddb_update *u)
{
    const ddb_keydef *ks[2] = {&t->hash, &t->range};
    for (int i = 0; i < 2; i++) {
        if (!ks[i]->name)
            continue;
        for (size_t k = 0; k < u->n; k++)
            if (strcmp(u->actions[k].path.el[0].name, ks[i]->name) == 0)
                return g_strdup_printf(PREFIX "Cannot update attribute %s. This attribute is part of the key",
                                       ks[i]->name);
    }
    upd_ctx uc = {u, NULL};
    char *m = index_keys(t, index_key_set, &uc);
    if (m)
        return m;
    ddb_path *paths = g_new(ddb_path, u->n ? u->n : 1);
    for (size_t k = 0; k < u->n; k++)
        paths[k] = u->actions[k].path;
    m = ddb_nested_keys(t, paths, u->n);
    g_free(paths);
    return m;
}

static json_t *updated_paths(const ddb_update *u, json_t *item)
{
    ddb_path *paths = g_new(ddb_path, u->n ? u->n : 1);
    for (size_t k = 0; k < u->n; k++)
        paths[k] = u->actions[k].path;
    json_t *out = ddb_project(item, paths, u->n);
    g_free(paths);
    return out;
}

/* ---- operations ---- */

/* The parameters each kind takes: expressions, then the legacy ones they
 * replace (only a whole single-item request may use those). */
static const char *const *expression_names(ddb_op_kind k)
{
    static const char *const put[] = {"ConditionExpression", NULL};
    static const char *const get[] = {"ProjectionExpression", NULL};
    static const char *const upd[] = {"UpdateExpression", "ConditionExpression", NULL};
    switch (k) {
    case DDB_OP_GET: return get;
    case DDB_OP_UPDATE: return upd;
    default: return put;
    }
}

static const char *const *legacy_names(ddb_op_kind k, bool single)
{
    static const char *const none[] = {NULL};
    static const char *const put[] = {"Expected", NULL};
    static const char *const get[] = {"AttributesToGet", NULL};
    static const char *const upd[] = {"AttributeUpdates", "Expected", NULL};
    if (!single)
        return none;
    switch (k) {
    case DDB_OP_GET: return get;
    case DDB_OP_UPDATE: return upd;
    default: return put;
    }
}

static int legacy_check(svc_call *c, ddb_op *op)
{
    json_t *in = op->in;
    char *m = NULL;
    json_t *v;
    if (!op->single)
        return 0;
    if ((v = json_object_get(in, "Expected")))
        m = ddb_legacy_expected(op->x, v, svc_str(in, "ConditionalOperator"), &op->cond);
    if (!m && (v = json_object_get(in, "AttributeUpdates")))
        m = ddb_legacy_attribute_updates(op->x, v, &op->update);
    if (!m && (v = json_object_get(in, "AttributesToGet")))
        m = ddb_legacy_attributes_to_get(op->x, v, &op->proj);
    return m ? ddb_validation_take(c, m) : 0;
}

/* The request's expressions, parsed in DynamoDB's order, then the check
 * that every name and value was used. */
static int expressions(svc_call *c, ddb_op *op)
{
    json_t *in = op->in;
    char *m = ddb_exprs_check_maps(op->x);
    const char *s;
    if (!m && (s = svc_str(in, "UpdateExpression")))
        op->update = ddb_parse_update(op->x, s, &m);
    if (!m && (s = svc_str(in, "ConditionExpression")))
        op->cond = ddb_parse_condition(op->x, "ConditionExpression", s, &m);
    if (!m && (s = svc_str(in, "ProjectionExpression")))
        op->proj = ddb_parse_projection(op->x, s, &m);
    if (!m)
        m = ddb_exprs_check_unused(op->x);
    return m ? ddb_validation_take(c, m) : 0;
}

int ddb_op_parse(svc_call *c, ddb_op *op, ddb_op_kind kind, json_t *in, bool single)
{
    memset(op, 0, sizeof *op);
    op->kind = kind;
    op->in = in;
    op->single = single;
    if (ddb_table_name_in(c, in, DDB_NAME_DATA, &op->name) != 0)
        return -1;
    op->x = ddb_exprs_new(json_object_get(in, "ExpressionAttributeNames"),
                          json_object_get(in, "ExpressionAttributeValues"));
    op->key = json_object_get(in, kind == DDB_OP_PUT ? "Item" : "Key");
    if (ddb_expression_params(c, in, expression_names(kind), legacy_names(kind, single)) != 0)
        return -1;
    char *m = ddb_item_check(op->key);
    if (m)
        return ddb_validation_take(c, m);
    if (kind == DDB_OP_PUT || kind == DDB_OP_DELETE) {
        const char *rv = svc_str(in, "ReturnValues");
        if (rv && strcmp(rv, "NONE") && strcmp(rv, "ALL_OLD"))
            return ddb_validation(c, "ReturnValues can only be ALL_OLD or NONE");
    }
    if (kind == DDB_OP_PUT) {
        op->size = ddb_item_size(op->key);
        if (op->size > DDB_MAX_ITEM_SIZE)
            return ddb_validation(c, "Item size has exceeded the maximum allowed size");
    }
    if (legacy_check(c, op) != 0 || expressions(c, op) != 0)
        return -1;
    return 0;
}

int ddb_op_bind(svc_call *c, ddb_op *op)
{
    op->t = ddb_usable_table(c, op->name);
    if (!op->t)
        return -1;
    char *m = op->kind == DDB_OP_PUT ? ddb_item_key_check(op->t, op->key) : ddb_key_check(op->t, op->key);
    if (!m && op->kind == DDB_OP_GET && op->proj)
        m = ddb_nested_keys(op->t, op->proj->paths, op->proj->n);
    if (!m && op->kind == DDB_OP_UPDATE && op->update)
        m = update_checks(op->t, op->update);
    if (m)
        return ddb_validation_take(c, m);
    ddb_table_keyvals(op->t, op->key, &op->h, &op->r);
    return 0;
}

const ddb_entry *ddb_op_current(svc_call *c, const ddb_op *op)
{
    const ddb_entry *e = ddb_store_get(op->t->items, &op->h, &op->r, 1);
    (void)c;
    return e;
}

bool ddb_op_condition(const ddb_op *op, const ddb_entry *old)
{
    return !op->cond || ddb_cond_eval(op->cond, old ? old->item : NULL);
}

json_t *ddb_op_next(const ddb_op *op, const ddb_entry *old, char **err)
{
    *err = NULL;
    if (op->kind == DDB_OP_PUT)
        return json_incref(op->key);
    if (op->kind != DDB_OP_UPDATE)
        return NULL;
    /* a missing item is created from its key */
    json_t *base = old ? old->item : op->key;
    json_t *next = op->update ? ddb_update_apply(op->update, base, err) : json_deep_copy(base);
    if (!next)
        return NULL;
    if (op->update) {
        upd_ctx uc = {op->update, next};
        if ((*err = index_keys(op->t, index_key_after, &uc))) {
            json_decref(next);
            return NULL;
        }
    }
    if (ddb_item_size(next) > DDB_MAX_ITEM_SIZE) {
        *err = g_strdup("Item size to update has exceeded the maximum allowed size");
        json_decref(next);
        return NULL;
    }
    return next;
}

void ddb_op_clear(ddb_op *op)
{
    g_free(op->name);
    ddb_exprs_free(op->x);
    memset(op, 0, sizeof *op);
}

/* ---- capacity and metrics ---- */

static double index_item_units(const ddb_table *t, const ddb_index *ix, json_t *item)
{
    ddb_keyval h, sort[DDB_SKEY_MAX];
    size_t n;
    if (!item || !ddb_ix_key(t, ix, item, &h, sort, &n))
        return 0;
    json_t *p = ddb_ix_project(t, ix, item);
    double u = ddb_units(ddb_item_size(p), false, false);
    json_decref(p);
    return u;
}

void ddb_index_units(const ddb_table *t, json_t *old, json_t *next, double factor, json_t *gsis, json_t *lsis)
{
    GPtrArray *lists[2] = {t->gsis, t->lsis};
    json_t *into[2] = {gsis, lsis};
    for (int k = 0; k < 2; k++)
        for (guint i = 0; i < lists[k]->len; i++) {
            const ddb_index *ix = lists[k]->pdata[i];
            if (!ddb_index_live(ix))
                continue;
            double a = index_item_units(t, ix, old), b = index_item_units(t, ix, next);
            double u = (a > b ? a : b) * factor;
            if (u <= 0)
                continue;
            json_t *have = json_object_get(into[k], ix->name);
            double before = have ? json_number_value(json_object_get(have, "CapacityUnits")) : 0;
            json_object_set_new(into[k], ix->name, json_pack("{s:f}", "CapacityUnits", before + u));
        }
}

json_t *ddb_collection_metrics(const ddb_table *t, json_t *key)
{
    if (t->lsis->len == 0)
        return NULL;
    ddb_keyval h;
    json_t *hv = json_object_get(key, t->hash.name);
    if (!ddb_keydef_value(key, &t->hash, &h))
        return NULL;
    uint64_t bytes = 0;
    const ddb_part *p = ddb_store_partition(t->items, &h);
    if (p)
        bytes += p->bytes;
    for (guint i = 0; i < t->lsis->len; i++) {
        const ddb_index *ix = t->lsis->pdata[i];
        p = ix->items ? ddb_store_partition(ix->items, &h) : NULL;
        if (p)
            bytes += p->bytes;
    }
    /* DynamoDB gives a range of whole gigabytes around the estimate */
    double gb = (double)(bytes / (1024ULL * 1024 * 1024));
    return json_pack("{s:{s:O}, s:[f, f]}", "ItemCollectionKey", t->hash.name, hv, "SizeEstimateRangeGB", gb,
                     gb + 1.0);
}

/* ---- answers ---- */

static int condition_failed(svc_call *c, const ddb_entry *existing)
{
    aws_error_set(&c->err, "ConditionalCheckFailedException", "The conditional request failed");
    if (existing && g_strcmp0(svc_str(c->input, "ReturnValuesOnConditionCheckFailure"), "ALL_OLD") == 0)
        aws_error_field(&c->err, "Item", json_incref(existing->item));
    return -1;
}

/* A write's capacity: refused when emulated throughput runs out; else
 * ConsumedCapacity and ItemCollectionMetrics into the answer as asked. */
static int write_capacity(svc_call *c, const ddb_op *op, const ddb_entry *old, json_t *next)
{
    json_t *oi = old ? old->item : NULL;
    size_t os = old ? old->size : 0, ns = next ? ddb_item_size(next) : 0;
    double units = ddb_units(os > ns ? os : ns, false, false);
    ddb_cap cap = ddb_capacity_write(c->state, op->t, oi, next, units, c->now_ms);
    if (cap != DDB_CAP_OK)
        return ddb_capacity_error(c, cap, false);
    bool indexes;
    if (ddb_consumed_wanted(c, &indexes)) {
        json_t *gsis = json_object(), *lsis = json_object();
        if (indexes)
            ddb_index_units(op->t, oi, next, 1, gsis, lsis);
        json_object_set_new(c->output, "ConsumedCapacity", ddb_consumed_units(c, op->t->name, units, gsis, lsis));
    }
    return 0;
}

static void collection_metrics(svc_call *c, const ddb_op *op)
{
    if (g_strcmp0(svc_str(c->input, "ReturnItemCollectionMetrics"), "SIZE") != 0)
        return;
    json_t *m = ddb_collection_metrics(op->t, op->key);
    if (m)
        json_object_set_new(c->output, "ItemCollectionMetrics", m);
}

static const char *return_values(svc_call *c)
{
    const char *rv = svc_str(c->input, "ReturnValues");
    return rv ? rv : "NONE";
}

/* Parse, settle (writers), bind. */
static int begin(svc_call *c, ddb_op *op, ddb_op_kind kind)
{
    if (ddb_op_parse(c, op, kind, c->input, true) != 0)
        return -1;
    bool writer = kind != DDB_OP_GET;
    if (writer)
        ddb_state_settle(c->state, c->now_ms);
    return ddb_op_bind(c, op);
}

/* ---- PutItem ---- */

int ddb_put_item(svc_call *c)
{
    ddb_op op;
    int rc = -1;
    if (begin(c, &op, DDB_OP_PUT) != 0)
        goto out;
    const ddb_entry *old = ddb_op_current(c, &op);
    if (!ddb_op_condition(&op, old)) {
        condition_failed(c, old);
        goto out;
    }
    c->output = json_object();
    if (write_capacity(c, &op, old, op.key) != 0)
        goto out;
    if (old && !strcmp(return_values(c), "ALL_OLD"))
        json_object_set(c->output, "Attributes", old->item);
    ddb_write_put(op.t, json_incref(op.key), op.size);
    collection_metrics(c, &op);
    rc = 0;
out:
    ddb_op_clear(&op);
    return rc;
}

/* ---- GetItem ---- */

int ddb_get_item(svc_call *c)
{
    ddb_op op;
    int rc = -1;
    if (begin(c, &op, DDB_OP_GET) != 0)
        goto out;
    const ddb_entry *e = ddb_op_current(c, &op);
    bool consistent = svc_true(c->input, "ConsistentRead");
    double units = ddb_units(e ? e->size : 0, true, consistent);
    ddb_cap cap = ddb_capacity_read(c->state, op.t, NULL, units, c->now_ms);
    if (cap != DDB_CAP_OK) {
        ddb_capacity_error(c, cap, true);
        goto out;
    }
    c->output = json_object();
    if (e)
        json_object_set_new(c->output, "Item",
                            op.proj ? ddb_project(e->item, op.proj->paths, op.proj->n) : json_incref(e->item));
    json_t *cc = ddb_consumed_units(c, op.t->name, units, NULL, NULL);
    if (cc)
        json_object_set_new(c->output, "ConsumedCapacity", cc);
    rc = 0;
out:
    ddb_op_clear(&op);
    return rc;
}

/* ---- DeleteItem ---- */

int ddb_delete_item(svc_call *c)
{
    ddb_op op;
    int rc = -1;
    if (begin(c, &op, DDB_OP_DELETE) != 0)
        goto out;
    const ddb_entry *old = ddb_op_current(c, &op);
    if (!ddb_op_condition(&op, old)) {
        condition_failed(c, old);
        goto out;
    }
    c->output = json_object();
    if (write_capacity(c, &op, old, NULL) != 0)
        goto out;
    if (old) {
        if (!strcmp(return_values(c), "ALL_OLD"))
            json_object_set(c->output, "Attributes", old->item);
        ddb_write_delete(op.t, op.key);
    }
    collection_metrics(c, &op);
    rc = 0;
out:
    ddb_op_clear(&op);
    return rc;
}

/* ---- UpdateItem ---- */

int ddb_update_item(svc_call *c)
{
    ddb_op op;
    int rc = -1;
    json_t *next = NULL;
    if (begin(c, &op, DDB_OP_UPDATE) != 0)
        goto out;
    const ddb_entry *old = ddb_op_current(c, &op);
    if (!ddb_op_condition(&op, old)) {
        condition_failed(c, old);
        goto out;
    }
    char *m;
    next = ddb_op_next(&op, old, &m);
    if (!next) {
        ddb_validation_take(c, m);
        goto out;
    }
    c->output = json_object();
    if (write_capacity(c, &op, old, next) != 0)
        goto out;
    const char *rv = return_values(c);
    if (!strcmp(rv, "ALL_OLD") && old)
        json_object_set(c->output, "Attributes", old->item);
    else if (!strcmp(rv, "UPDATED_OLD") && old && op.update)
        json_object_set_new(c->output, "Attributes", updated_paths(op.update, old->item));
    else if (!strcmp(rv, "ALL_NEW"))
        json_object_set(c->output, "Attributes", next);
    else if (!strcmp(rv, "UPDATED_NEW") && op.update)
        json_object_set_new(c->output, "Attributes", updated_paths(op.update, next));
    json_t *attrs = json_object_get(c->output, "Attributes");
    if (attrs && json_object_size(attrs) == 0)
        json_object_del(c->output, "Attributes");
    ddb_write_put(op.t, next, ddb_item_size(next));
    next = NULL;
    collection_metrics(c, &op);
    rc = 0;
out:
    json_decref(next);
    ddb_op_clear(&op);
    return rc;
}
