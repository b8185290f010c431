#include "item.h"

#include <string.h>

#include "expr_eval.h"
#include "expr_parse.h"
#include "legacy.h"
#include "request.h"

#define PREFIX "One or more parameter values were invalid: "

/* What one item request brings: its table name and its parsed
 * expressions (or the legacy parameters turned into the same trees). */
typedef struct prep {
    char *name;
    ddb_exprs *x;
    ddb_cond *cond;
    ddb_update *update;
    ddb_projection *proj;
} prep;

static void prep_clear(prep *p)
{
    g_free(p->name);
    ddb_exprs_free(p->x);
}

static const char *str(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* ---- request checks ---- */

/* Expressions and the legacy parameters they replace do not mix; names and
 * values need expressions that use them. exprs / legacy: NULL-terminated
 * parameter names. */
static int expression_params(svc_call *c, const char *const *exprs, const char *const *legacy)
{
    json_t *in = c->input;
    GString *e = g_string_new(NULL), *l = g_string_new(NULL);
    for (size_t i = 0; exprs[i]; i++)
        if (json_object_get(in, exprs[i]))
            g_string_append_printf(e, "%s%s", e->len ? ", " : "", exprs[i]);
    for (size_t i = 0; legacy[i]; i++)
        if (json_object_get(in, legacy[i]))
            g_string_append_printf(l, "%s%s", l->len ? ", " : "", legacy[i]);
    int rc = 0;
    if (e->len && l->len)
        rc = ddb_validation(c,
                            "Can not use both expression and non-expression parameters in the same request: "
                            "Non-expression parameters: {%s} Expression parameters: {%s}",
                            l->str, e->str);
    else if (json_object_get(in, "ExpressionAttributeNames") && !e->len)
        rc = ddb_validation(c, "ExpressionAttributeNames can only be specified when using expressions");
    else if (json_object_get(in, "ExpressionAttributeValues")) {
        /* values serve every expression but a projection */
        GString *names = g_string_new(NULL);
        size_t n = 0;
        bool any = false;
        for (size_t i = 0; exprs[i]; i++) {
            if (!strcmp(exprs[i], "ProjectionExpression"))
                continue;
            g_string_append_printf(names, "%s%s", n ? " and " : "", exprs[i]);
            n++;
            any = any || json_object_get(in, exprs[i]);
        }
        if (n && !any)
            rc = ddb_validation(c, "ExpressionAttributeValues can only be specified when using expressions: %s %s null",
                                names->str, n > 1 ? "are" : "is");
        g_string_free(names, TRUE);
    }
    g_string_free(e, TRUE);
    g_string_free(l, TRUE);
    return rc;
}

/* Every value of a Key or Item map, checked and made canonical. */
static int values_check(svc_call *c, json_t *map)
{
    char *m = ddb_item_check(map);
    return m ? ddb_validation_take(c, m) : 0;
}

static int legacy_check(svc_call *c, prep *p)
{
    json_t *in = c->input;
    char *m = NULL;
    json_t *v;
    if ((v = json_object_get(in, "Expected")))
        m = ddb_legacy_expected(p->x, v, str(in, "ConditionalOperator"), &p->cond);
    if (!m && (v = json_object_get(in, "AttributeUpdates")))
        m = ddb_legacy_attribute_updates(p->x, v, &p->update);
    if (!m && (v = json_object_get(in, "AttributesToGet")))
        m = ddb_legacy_attributes_to_get(p->x, v, &p->proj);
    return m ? ddb_validation_take(c, m) : 0;
}

/* The request's expressions, parsed in DynamoDB's order, then the check
 * that every name and value was used. */
static int expressions(svc_call *c, prep *p)
{
    json_t *in = c->input;
    char *m = ddb_exprs_check_maps(p->x);
    const char *s;
    if (!m && (s = str(in, "UpdateExpression")))
        p->update = ddb_parse_update(p->x, s, &m);
    if (!m && (s = str(in, "ConditionExpression")))
        p->cond = ddb_parse_condition(p->x, "ConditionExpression", s, &m);
    if (!m && (s = str(in, "ProjectionExpression")))
        p->proj = ddb_parse_projection(p->x, s, &m);
    if (!m)
        m = ddb_exprs_check_unused(p->x);
    return m ? ddb_validation_take(c, m) : 0;
}

static int start(svc_call *c, prep *p)
{
    memset(p, 0, sizeof *p);
    if (ddb_table_name(c, DDB_NAME_DATA, &p->name) != 0)
        return -1;
    p->x = ddb_exprs_new(json_object_get(c->input, "ExpressionAttributeNames"),
                         json_object_get(c->input, "ExpressionAttributeValues"));
    return 0;
}

/* The table an item operation works on: it must exist and be ACTIVE (or
 * UPDATING); DynamoDB answers a table still being created or deleted as
 * missing. */
static ddb_table *usable_table(svc_call *c, const char *name)
{
    ddb_table *t = ddb_state_table(c->state, name, c->now_ms);
    ddb_status s = t ? ddb_table_status(t, c->now_ms) : DDB_GONE;
    if (s != DDB_ACTIVE && s != DDB_UPDATING) {
        aws_error_set(&c->err, "ResourceNotFoundException", "Requested resource not found");
        return NULL;
    }
    return t;
}

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

static char *nested_keys(const ddb_table *t, const ddb_path *paths, size_t n)
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

/* ---- answers ---- */

static int condition_failed(svc_call *c, const ddb_entry *existing)
{
    aws_error_set(&c->err, "ConditionalCheckFailedException", "The conditional request failed");
    if (existing && g_strcmp0(str(c->input, "ReturnValuesOnConditionCheckFailure"), "ALL_OLD") == 0)
        aws_error_field(&c->err, "Item", json_incref(existing->item));
    return -1;
}

static void add_consumed(svc_call *c, const char *table, size_t size, bool read, bool consistent)
{
    json_t *cc = ddb_consumed(c, table, size, read, consistent);
    if (cc)
        json_object_set_new(c->output, "ConsumedCapacity", cc);
}

static const char *return_values(svc_call *c)
{
    const char *rv = str(c->input, "ReturnValues");
    return rv ? rv : "NONE";
}

/* ---- PutItem ---- */

int ddb_put_item(svc_call *c)
{
    static const char *const exprs[] = {"ConditionExpression", NULL};
    static const char *const legacy[] = {"Expected", NULL};
    prep p;
    if (start(c, &p) != 0)
        return -1;
    int rc = -1;
    json_t *item = json_object_get(c->input, "Item");
    const char *rv = return_values(c);
    if (expression_params(c, exprs, legacy) || values_check(c, item))
        goto out;
    if (strcmp(rv, "NONE") && strcmp(rv, "ALL_OLD")) {
        ddb_validation(c, "ReturnValues can only be ALL_OLD or NONE");
        goto out;
    }
    size_t size = ddb_item_size(item);
    if (size > DDB_MAX_ITEM_SIZE) {
        ddb_validation(c, "Item size has exceeded the maximum allowed size");
        goto out;
    }
    if (legacy_check(c, &p) || expressions(c, &p))
        goto out;
    ddb_state_settle(c->state, c->now_ms);
    ddb_table *t = usable_table(c, p.name);
    if (!t)
        goto out;
    char *m = ddb_item_key_check(t, item);
    if (m) {
        ddb_validation_take(c, m);
        goto out;
    }
    ddb_keyval h, r;
    ddb_table_keyvals(t, item, &h, &r);
    const ddb_entry *old = ddb_store_get(t->items, &h, &r);
    if (p.cond && !ddb_cond_eval(p.cond, old ? old->item : NULL)) {
        condition_failed(c, old);
        goto out;
    }
    c->output = json_object();
    if (old && !strcmp(rv, "ALL_OLD"))
        json_object_set(c->output, "Attributes", old->item);
    add_consumed(c, t->name, old && old->size > size ? old->size : size, false, false);
    ddb_store_put(t->items, &h, &r, json_incref(item), size);
    rc = 0;
out:
    prep_clear(&p);
    return rc;
}

/* ---- GetItem ---- */

int ddb_get_item(svc_call *c)
{
    static const char *const exprs[] = {"ProjectionExpression", NULL};
    static const char *const legacy[] = {"AttributesToGet", NULL};
    prep p;
    if (start(c, &p) != 0)
        return -1;
    int rc = -1;
    json_t *key = json_object_get(c->input, "Key");
    if (expression_params(c, exprs, legacy) || values_check(c, key) || legacy_check(c, &p) || expressions(c, &p))
        goto out;
    ddb_table *t = usable_table(c, p.name);
    if (!t)
        goto out;
    char *m = ddb_key_check(t, key);
    if (!m && p.proj)
        m = nested_keys(t, p.proj->paths, p.proj->n);
    if (m) {
        ddb_validation_take(c, m);
        goto out;
    }
    ddb_keyval h, r;
    ddb_table_keyvals(t, key, &h, &r);
    const ddb_entry *e = ddb_store_get(t->items, &h, &r);
    c->output = json_object();
    if (e)
        json_object_set_new(c->output, "Item",
                            p.proj ? ddb_project(e->item, p.proj->paths, p.proj->n) : json_incref(e->item));
    add_consumed(c, t->name, e ? e->size : 0, true, json_is_true(json_object_get(c->input, "ConsistentRead")));
    rc = 0;
out:
    prep_clear(&p);
    return rc;
}

/* ---- DeleteItem ---- */

int ddb_delete_item(svc_call *c)
{
    static const char *const exprs[] = {"ConditionExpression", NULL};
    static const char *const legacy[] = {"Expected", NULL};
    prep p;
    if (start(c, &p) != 0)
        return -1;
    int rc = -1;
    json_t *key = json_object_get(c->input, "Key");
    const char *rv = return_values(c);
    if (expression_params(c, exprs, legacy) || values_check(c, key))
        goto out;
    if (strcmp(rv, "NONE") && strcmp(rv, "ALL_OLD")) {
        ddb_validation(c, "ReturnValues can only be ALL_OLD or NONE");
        goto out;
    }
    if (legacy_check(c, &p) || expressions(c, &p))
        goto out;
    ddb_state_settle(c->state, c->now_ms);
    ddb_table *t = usable_table(c, p.name);
    if (!t)
        goto out;
    char *m = ddb_key_check(t, key);
    if (m) {
        ddb_validation_take(c, m);
        goto out;
    }
    ddb_keyval h, r;
    ddb_table_keyvals(t, key, &h, &r);
    const ddb_entry *old = ddb_store_get(t->items, &h, &r);
    if (p.cond && !ddb_cond_eval(p.cond, old ? old->item : NULL)) {
        condition_failed(c, old);
        goto out;
    }
    c->output = json_object();
    add_consumed(c, t->name, old ? old->size : 0, false, false);
    if (old) {
        if (!strcmp(rv, "ALL_OLD"))
            json_object_set(c->output, "Attributes", old->item);
        ddb_store_remove(t->items, &h, &r);
    }
    rc = 0;
out:
    prep_clear(&p);
    return rc;
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
    m = nested_keys(t, paths, u->n);
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

int ddb_update_item(svc_call *c)
{
    static const char *const exprs[] = {"UpdateExpression", "ConditionExpression", NULL};
    static const char *const legacy[] = {"AttributeUpdates", "Expected", NULL};
    prep p;
    if (start(c, &p) != 0)
        return -1;
    int rc = -1;
    json_t *key = json_object_get(c->input, "Key"), *next = NULL;
    const char *rv = return_values(c);
    if (expression_params(c, exprs, legacy) || values_check(c, key) || legacy_check(c, &p) || expressions(c, &p))
        goto out;
    ddb_state_settle(c->state, c->now_ms);
    ddb_table *t = usable_table(c, p.name);
    if (!t)
        goto out;
    char *m = ddb_key_check(t, key);
    if (!m && p.update)
        m = update_checks(t, p.update);
    if (m) {
        ddb_validation_take(c, m);
        goto out;
    }
    ddb_keyval h, r;
    ddb_table_keyvals(t, key, &h, &r);
    const ddb_entry *old = ddb_store_get(t->items, &h, &r);
    if (p.cond && !ddb_cond_eval(p.cond, old ? old->item : NULL)) {
        condition_failed(c, old);
        goto out;
    }
    /* a missing item is created from its key */
    json_t *base = old ? old->item : key;
    if (p.update) {
        next = ddb_update_apply(p.update, base, &m);
        if (!next) {
            ddb_validation_take(c, m);
            goto out;
        }
        upd_ctx uc = {p.update, next};
        if ((m = index_keys(t, index_key_after, &uc))) {
            ddb_validation_take(c, m);
            goto out;
        }
    } else {
        next = json_deep_copy(base);
    }
    size_t size = ddb_item_size(next);
    if (size > DDB_MAX_ITEM_SIZE) {
        ddb_validation(c, "Item size to update has exceeded the maximum allowed size");
        goto out;
    }
    c->output = json_object();
    if (!strcmp(rv, "ALL_OLD") && old)
        json_object_set(c->output, "Attributes", old->item);
    else if (!strcmp(rv, "UPDATED_OLD") && old && p.update)
        json_object_set_new(c->output, "Attributes", updated_paths(p.update, old->item));
    else if (!strcmp(rv, "ALL_NEW"))
        json_object_set(c->output, "Attributes", next);
    else if (!strcmp(rv, "UPDATED_NEW") && p.update)
        json_object_set_new(c->output, "Attributes", updated_paths(p.update, next));
    json_t *attrs = json_object_get(c->output, "Attributes");
    if (attrs && json_object_size(attrs) == 0)
        json_object_del(c->output, "Attributes");
    add_consumed(c, t->name, old && old->size > size ? old->size : size, false, false);
    /* the key values point into the old item: take the new item's own */
    ddb_table_keyvals(t, next, &h, &r);
    ddb_store_put(t->items, &h, &r, next, size);
    next = NULL;
    rc = 0;
out:
    json_decref(next);
    prep_clear(&p);
    return rc;
}
