#include "services/dynamodb/keycond.h"

#include <string.h>

#include "services/dynamodb/value.h"
#include "services/service.h"

#define PREFIX "One or more parameter values were invalid: "

/* ---- from an expression ---- */

typedef struct kc_walk {
    ddb_keyconds *out;
    char *err;
} kc_walk;

static const char *cmp_symbol(ddb_cmp c)
{
    static const char *const s[] = {"=", "<>", "<", "<=", ">", ">="};
    return s[c];
}

/* A comparison written "value op key" reads as "key op' value". */
static ddb_kc_op flipped(ddb_cmp c, bool flip)
{
    switch (c) {
    case DDB_CMP_LT: return flip ? DDB_KC_GT : DDB_KC_LT;
    case DDB_CMP_LE: return flip ? DDB_KC_GE : DDB_KC_LE;
    case DDB_CMP_GT: return flip ? DDB_KC_LT : DDB_KC_GT;
    case DDB_CMP_GE: return flip ? DDB_KC_LE : DDB_KC_GE;
    default: return DDB_KC_EQ;
    }
}

/* One simple condition: its operands hold exactly one key attribute (a
 * top-level path) and values. */
static void leaf(kc_walk *w, ddb_kc_op op, ddb_cmp cmp, bool is_cmp, ddb_operand **ops, size_t nops)
{
    const char *attr = NULL;
    size_t at = 0;
    json_t *vals[3];
    size_t nv = 0;
    for (size_t i = 0; i < nops; i++) {
        ddb_operand *o = ops[i];
        if (o->kind == DDB_OPD_PATH) {
            if (attr) {
                w->err = g_strdup("Invalid condition in KeyConditionExpression: Multiple attribute names used in "
                                  "one condition");
                return;
            }
            if (o->path.n > 1 || o->path.el[0].is_index) {
                w->err = g_strdup("KeyConditionExpressions cannot have conditions on nested attributes");
                return;
            }
            attr = o->path.el[0].name;
            at = i;
        } else if (o->kind == DDB_OPD_FUNC) {
            w->err = g_strdup("KeyConditionExpressions cannot contain nested operations");
            return;
        } else if (nv < 3) {
            vals[nv++] = o->value;
        }
    }
    if (!attr) {
        w->err = g_strdup("Invalid condition in KeyConditionExpression: No key attribute specified");
        return;
    }
    ddb_keyconds *k = w->out;
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->c[i].attr, attr) == 0) {
            w->err = g_strdup("KeyConditionExpressions must only contain one condition per key");
            return;
        }
    if (k->n == DDB_KC_MAX) {
        w->err = g_strdup("Conditions can be of length 1 or 2 only");
        return;
    }
    ddb_keycond *c = &k->c[k->n++];
    c->attr = attr;
    c->op = is_cmp ? flipped(cmp, at != 0) : op;
    c->nv = nv > 2 ? 2 : nv;
    for (size_t i = 0; i < c->nv; i++)
        c->v[i] = vals[i];
}

static void walk(kc_walk *w, const ddb_cond *c)
{
    if (w->err)
        return;
    switch (c->kind) {
    case DDB_C_AND:
        walk(w, c->a);
        walk(w, c->b);
        return;
    case DDB_C_OR:
        w->err = g_strdup("Invalid operator used in KeyConditionExpression: OR");
        return;
    case DDB_C_NOT:
        w->err = g_strdup("Invalid operator used in KeyConditionExpression: NOT");
        return;
    case DDB_C_IN:
        w->err = g_strdup("Invalid operator used in KeyConditionExpression: IN");
        return;
    case DDB_C_CMP:
        if (c->cmp == DDB_CMP_NE) {
            w->err = g_strdup_printf("Invalid operator used in KeyConditionExpression: %s", cmp_symbol(c->cmp));
            return;
        }
        leaf(w, DDB_KC_EQ, c->cmp, true, c->ops, c->nops);
        return;
    case DDB_C_BETWEEN:
        if (c->ops[0]->kind != DDB_OPD_PATH) {
            w->err = g_strdup("Invalid condition in KeyConditionExpression: BETWEEN operator must have the key "
                              "attribute as its first operand");
            return;
        }
        leaf(w, DDB_KC_BETWEEN, DDB_CMP_EQ, false, c->ops, c->nops);
        return;
    case DDB_C_FUNC: {
        const ddb_operand *f = c->ops[0];
        if (f->func != DDB_F_BEGINS_WITH) {
            w->err = g_strdup_printf("Invalid operator used in KeyConditionExpression: %s", f->fname);
            return;
        }
        if (f->args[0]->kind != DDB_OPD_PATH) {
            w->err = g_strdup("Invalid condition in KeyConditionExpression: begins_with operator must have the key "
                              "attribute as its first operand");
            return;
        }
        leaf(w, DDB_KC_BEGINS_WITH, DDB_CMP_EQ, false, f->args, f->nargs);
        return;
    }
    }
}

static char *count_check(const ddb_keyconds *k)
{
    if (k->n != 1 && k->n != 2)
        return g_strdup("Conditions can be of length 1 or 2 only");
    return NULL;
}

char *ddb_keyconds_from_expr(const ddb_cond *cond, ddb_keyconds *out)
{
    memset(out, 0, sizeof *out);
    kc_walk w = {out, NULL};
    walk(&w, cond);
    return w.err ? w.err : count_check(out);
}

/* ---- from KeyConditions ---- */

static ddb_kc_op legacy_op(const char *op)
{
    static const struct {
        const char *name;
        ddb_kc_op op;
    } ops[] = {{"EQ", DDB_KC_EQ}, {"LT", DDB_KC_LT}, {"LE", DDB_KC_LE}, {"GT", DDB_KC_GT}, {"GE", DDB_KC_GE},
               {"BETWEEN", DDB_KC_BETWEEN}, {"BEGINS_WITH", DDB_KC_BEGINS_WITH}};
    for (size_t i = 0; op && i < G_N_ELEMENTS(ops); i++)
        if (strcmp(op, ops[i].name) == 0)
            return ops[i].op;
    return DDB_KC_OTHER;
}

char *ddb_keyconds_from_legacy(json_t *map, ddb_keyconds *out)
{
    memset(out, 0, sizeof *out);
    const char *k;
    json_t *e;
    json_object_foreach(map, k, e) {
        if (out->n == DDB_KC_MAX)
            break;
        ddb_keycond *c = &out->c[out->n++];
        c->attr = k;
        c->op = legacy_op(svc_str(e, "ComparisonOperator"));
        json_t *vals = json_object_get(e, "AttributeValueList");
        c->nv = json_array_size(vals) > 2 ? 2 : json_array_size(vals);
        for (size_t i = 0; i < c->nv; i++)
            c->v[i] = json_array_get(vals, i);
    }
    if (json_object_size(map) != 1 && json_object_size(map) != 2)
        return g_strdup("Conditions can be of length 1 or 2 only");
    return NULL;
}

/* ---- against the schema ---- */

const ddb_keycond *ddb_keyconds_find(const ddb_keyconds *k, const char *attr)
{
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->c[i].attr, attr) == 0)
            return &k->c[i];
    return NULL;
}

char *ddb_keyconds_check(const ddb_keyconds *k, const ddb_keydef *key, bool is_hash, bool schema_has_range)
{
    if (is_hash && !schema_has_range && k->n > 1)
        return g_strdup("Query key condition not supported");
    const ddb_keycond *c = ddb_keyconds_find(k, key->name);
    if (!c) {
        if (is_hash || k->n > 1)
            return g_strdup_printf("Query condition missed key schema element: %s", key->name);
        return NULL;
    }
    if (c->op == DDB_KC_OTHER)
        return g_strdup("Attempted conditional constraint is not an indexable operation");
    char type[2] = {key->type, '\0'};
    for (size_t i = 0; i < c->nv; i++)
        if (!json_object_get(c->v[i], type))
            return g_strdup(PREFIX "Condition parameter type does not match schema type");
    if (is_hash && c->op != DDB_KC_EQ)
        return g_strdup("Query key condition not supported");
    return NULL;
}

bool ddb_keycond_match(const ddb_keycond *c, json_t *value)
{
    if (!value || c->nv == 0 || ddb_value_type(value) != ddb_value_type(c->v[0]))
        return false;
    int a = ddb_value_cmp(value, c->v[0]);
    switch (c->op) {
    case DDB_KC_EQ: return a == 0;
    case DDB_KC_LT: return a < 0;
    case DDB_KC_LE: return a <= 0;
    case DDB_KC_GT: return a > 0;
    case DDB_KC_GE: return a >= 0;
    case DDB_KC_BETWEEN: return c->nv == 2 && a >= 0 && ddb_value_cmp(value, c->v[1]) <= 0;
    case DDB_KC_BEGINS_WITH: {
        json_t *s = ddb_value_payload(value), *p = ddb_value_payload(c->v[0]);
        size_t n = json_string_length(p);
        return json_string_length(s) >= n && memcmp(json_string_value(s), json_string_value(p), n) == 0;
    }
    case DDB_KC_OTHER: break;
    }
    return false;
}
